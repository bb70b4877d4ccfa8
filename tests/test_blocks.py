"""TFM124: tflearn highway / highway_conv_2d / resnext_block / densenet_block, numerically.

tests/fixtures/blocks/*.py are real tflearn programs (digits). tests/test_verify_fixtures.py
migrates each in faithful mode and runs ``verify`` (same weights: forward <= 1e-5, one SGD
step <= 1e-5 relative). Here:

* the migrations are complete and Keras-only;
* the INITIALIZATION, which verify does not see (it copies the legacy weights): the gate
  biases start at -1 (highway) / -3 (highway_conv_2d) on both sides, the gate kernel is a
  fresh draw (not the kernel's values), and highway_conv_2d's 1-D gate kernel has tflearn's
  uniform_scaling range U(-sqrt(3), sqrt(3)) (fan_in = prod(shape[:-1]) = 1), not Keras'
  fan_in = nb_filter range;
* the weights tools: ``W_T`` / ``b_T`` are model weights (naming's ``_T`` monitor rule only
  takes tflearn's scalar non-trainable validation monitors), highway groups map whole (also
  under a user ``name=`` and without a ``.meta``: alphabetical order ``W, W_T, b, b_T``);
* checkpoint round trip: tflearn trains a few steps and saves, ``tflearn-migrate weights``
  converts the checkpoint (nested ``ResNeXtBlock*/GroupedConv2D*`` ... scopes, the highway
  ``W_T``/``b_T``), the migrated model with those weights reproduces the legacy predictions.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.weights.mapping import KLayer, plan
from migrator.weights.naming import LegacyVar, LegacyVars, ignore_reason
from migrator.weights.verify import migrate_faithful

pytestmark = pytest.mark.slow  # TensorFlow subprocesses: the slow tier

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "blocks"
NAMES = ("highway_net", "highway_conv", "highway_conv1d", "resnext_small", "densenet_small")
HELPER = {"highway_net": "TflearnHighway(", "highway_conv": "TflearnHighwayConv2D(",
          "highway_conv1d": "TflearnHighwayConv1D(",
          "resnext_small": "tflearn_resnext_block(", "densenet_small": "tflearn_densenet_block("}


def _env(**extra):
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT)
    e.pop("TF_USE_LEGACY_KERAS", None)
    e.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    e["KERAS_BACKEND"] = "tensorflow"
    e["FIXTURE_QUICK"] = "1"
    e.update(extra)
    return e


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    out = tmp_path_factory.mktemp("blocks")
    return {n: migrate_faithful(FIXTURES / f"{n}.py", out / n) for n in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_migration_is_complete_and_keras_only(migrated, name):
    code = migrated[name].read_text()
    assert TODO_MARKER not in code
    assert legacy_refs_outside_todo(code) == []
    assert not re.search(r"^\s*(import|from)\s+(tensorflow|tflearn)\b", code, re.M)
    assert code.count("= " + HELPER[name]) == 3


# -- initialization, legacy vs Keras --------------------------------------------------------
LEGACY_INIT = r'''
import json
import numpy as np
from migrator.legacy.shim import install
install()
import tensorflow as tf
import tflearn

tf.compat.v1.reset_default_graph()
net = tflearn.input_data(shape=[None, 8, 8, 4])
tflearn.layers.conv.highway_conv_2d(net, 256, 3)
tflearn.highway(tflearn.input_data(shape=[None, 256]), 256)
sess = tf.compat.v1.Session()
sess.run(tf.compat.v1.global_variables_initializer())
v = {x.name[:-2]: sess.run(x) for x in tf.compat.v1.global_variables()}
c, h = "HighwayConv2D/", "FullyConnectedHighway/"
print("STATS=" + json.dumps({
    "conv_gate_max": float(np.abs(v[c + "W_T"]).max()), "conv_gate_bias": sorted(set(v[c + "b_T"].tolist())),
    "conv_kernel_max": float(np.abs(v[c + "W"]).max()),
    "gate_bias": sorted(set(v[h + "b_T"].tolist())), "gate_std": float(v[h + "W_T"].std()),
    "kernel_std": float(v[h + "W"].std()), "same": bool(np.allclose(v[h + "W"], v[h + "W_T"]))}))
'''

KERAS_INIT = r'''
import json, sys
import numpy as np
import keras
from migrator.helpers import HELPERS
import migrator.rules.tfm124_blocks  # noqa: F401 (registers the helpers)

ns = {"keras": keras}
for n in ("tflearn_fresh_initializer", "TflearnHighway", "TflearnHighwayConv2D"):
    exec(HELPERS[n].code, ns)
conv = ns["TflearnHighwayConv2D"](
    256, 3, kernel_initializer=keras.initializers.LecunUniform(),
    gate_initializer=keras.initializers.RandomUniform(minval=-1.73205081, maxval=1.73205081))
conv(keras.Input((8, 8, 4)))
hw = ns["TflearnHighway"](256, kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),
                          kernel_regularizer=keras.regularizers.L2(0.005))
hw(keras.Input((256,)))
print("STATS=" + json.dumps({
    "conv_gate_max": float(np.abs(conv.gate_kernel.numpy()).max()),
    "conv_gate_bias": sorted(set(conv.gate_bias.numpy().tolist())),
    "conv_kernel_max": float(np.abs(conv.kernel.numpy()).max()),
    "gate_bias": sorted(set(hw.gate_bias.numpy().tolist())), "gate_std": float(hw.gate_kernel.numpy().std()),
    "kernel_std": float(hw.kernel.numpy().std()),
    "same": bool(np.allclose(hw.kernel.numpy(), hw.gate_kernel.numpy())),
    "n_losses": len(hw.losses)}))
'''


def _stats(script: str, cwd: Path) -> dict:
    p = subprocess.run([sys.executable, "-c", script], cwd=cwd, env=_env(), capture_output=True, text=True,
                       timeout=600)
    line = next((l for l in p.stdout.splitlines() if l.startswith("STATS=")), None)
    assert line is not None, p.stdout[-2000:] + p.stderr[-3000:]
    return json.loads(line[len("STATS="):])


def test_initialization_matches_tflearn(tmp_path):
    leg = _stats(LEGACY_INIT, tmp_path)
    ker = _stats(KERAS_INIT, tmp_path)
    for s in (leg, ker):
        assert s["conv_gate_bias"] == [-3.0] and s["gate_bias"] == [-1.0]
        # uniform_scaling on the 1-D W_T: U(-sqrt(3), sqrt(3)); on W: sqrt(3 / (3 * 3 * 4))
        assert 1.6 < s["conv_gate_max"] <= 1.7320509, s
        assert 0.25 < s["conv_kernel_max"] <= 0.2887, s
        # truncated normal stddev 0.02 (2-sigma truncation: std ~0.0176), drawn afresh for W_T
        assert 0.016 < s["kernel_std"] < 0.019 and 0.016 < s["gate_std"] < 0.019, s
        assert not s["same"]
    assert ker["n_losses"] == 1  # the regularizer is on W only, not on W_T


# -- weights tools ------------------------------------------------------------------------
def _hw_vars(scope: str, n: int = 4, trainable=True, alphabetical=False) -> list[LegacyVar]:
    rng = np.random.default_rng(0)
    names = ["W", "b", "W_T", "b_T"]
    shapes = {"W": (n, n), "W_T": (n, n), "b": (n,), "b_T": (n,)}
    if alphabetical:
        names = sorted(names)
    return [LegacyVar(f"{scope}/{k}", rng.normal(size=shapes[k]).astype("float32"), trainable, i,
                      None if alphabetical else scope) for i, k in enumerate(names)]


def _klayer(n: int = 4) -> KLayer:
    return KLayer("tflearn_highway", "TflearnHighway", ["kernel", "bias", "gate_kernel", "gate_bias"],
                  [(n, n), (n,), (n, n), (n,)])


@pytest.mark.parametrize("trainable", [True, False, None])
def test_gate_variables_are_model_weights(trainable):
    vs = _hw_vars("FullyConnectedHighway", trainable=trainable)
    names = {v.name for v in vs}
    assert all(ignore_reason(v, names) is None for v in vs)
    # tflearn's own `*_T` variables (trainer.py: validation monitors, scalar, non-trainable) stay ignored
    mon = LegacyVar("Accuracy/Mean_T", np.float32(0.0), False)
    assert ignore_reason(mon, names | {mon.name}) is not None


@pytest.mark.parametrize("scope,alphabetical", [("FullyConnectedHighway", False), ("FullyConnectedHighway_3", True),
                                                ("hw", False), ("hw", True)])
def test_highway_group_maps_whole(scope, alphabetical):
    vs = _hw_vars(scope, alphabetical=alphabetical)
    p = plan(LegacyVars(vs, order_known=not alphabetical), [_klayer()])
    assert p.complete, "\n".join(p.lines())
    a, = p.assignments
    by = {v.name: v.value for v in vs}
    want = [by[f"{scope}/{k}"] for k in ("W", "b", "W_T", "b_T")]
    assert all(np.array_equal(x, y) for x, y in zip(a.arrays, want)), a.legacy


# -- checkpoint round trip ----------------------------------------------------------------
LEGACY_SAVE = r'''
import os, runpy, sys
import numpy as np
from migrator.legacy.shim import install
install()
import tflearn

script, out = sys.argv[1], sys.argv[2]
_fit = tflearn.DNN.fit


class Done(BaseException):
    pass


def fit_then_save(self, X, Y, *a, **k):
    _fit(self, X, Y, *a, **k)
    self.save(os.path.join(out, "tfl", "model.tfl"))
    probe = np.asarray(X[:16], dtype="float32")
    np.savez(os.path.join(out, "legacy_outputs.npz"), x=probe, y=np.asarray(self.predict(probe)))
    raise Done()


tflearn.DNN.fit = fit_then_save
sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
try:
    runpy.run_path(script, run_name="__main__")
except Done:
    print("SAVED")
'''

KERAS_LOAD = r'''
import sys
import numpy as np
from migrator.weights.keras_side import load_model

model = load_model(sys.argv[1])
d = np.load(sys.argv[3])
print("BEFORE=%r" % float(np.abs(np.asarray(model.predict(d["x"], verbose=0)) - d["y"]).max()))
model.load_weights(sys.argv[2])
got = np.asarray(model.predict(d["x"], verbose=0))
print("MAXDIFF=%r" % float(np.abs(got - d["y"]).max()))
'''

MUST_MAP = {"highway_net": "FullyConnectedHighway_2/W_T", "highway_conv": "HighwayConv2D_2/b_T",
            "highway_conv1d": "HighwayConv1D_2/W_T",
            "resnext_small": "ResNeXtBlock_1/GroupedConv2D_1/W", "densenet_small": "DenseNetBlock_1/Conv2D_2/W"}


@pytest.mark.parametrize("name", ["highway_net", "resnext_small"])
def test_checkpoint_converts_and_reproduces_the_trained_model(migrated, tmp_path, name):
    fixture, mig = FIXTURES / f"{name}.py", migrated[name]
    p = subprocess.run([sys.executable, "-c", LEGACY_SAVE, str(fixture), str(tmp_path)], cwd=tmp_path,
                       env=_env(), capture_output=True, text=True, timeout=600)
    assert "SAVED" in p.stdout, p.stdout[-2000:] + p.stderr[-3000:]
    weights = tmp_path / f"{name}.weights.h5"
    p = subprocess.run([sys.executable, "-m", "migrator", "weights", str(tmp_path / "tfl" / "model.tfl"),
                        "--model", str(mig), "--out", str(weights), "--show"],
                       cwd=mig.parent, env=_env(), capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-3000:]
    assert MUST_MAP[name] in p.stdout and "UNMAPPED" not in p.stdout
    p = subprocess.run([sys.executable, "-c", KERAS_LOAD, str(mig), str(weights),
                        str(tmp_path / "legacy_outputs.npz")],
                       cwd=mig.parent, env=_env(), capture_output=True, text=True, timeout=600)
    line = next((l for l in p.stdout.splitlines() if l.startswith("MAXDIFF=")), None)
    assert line is not None, p.stdout[-2000:] + p.stderr[-3000:]
    assert float(line.split("=", 1)[1]) <= 1e-5
    before = next(l for l in p.stdout.splitlines() if l.startswith("BEFORE="))
    assert float(before.split("=", 1)[1]) > 1e-4, "the comparison must depend on the loaded weights"
