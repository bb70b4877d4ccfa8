"""TFM112: tflearn residual_block / residual_bottleneck, numerically.

tests/fixtures/residual/resnet_small.py is real tflearn code (a small ResNet on the digits
with both block kinds: identity and zero-padded shortcuts, downsampling in every block, a
bottleneck whose second block has no shortcut, a bottleneck without batch norm). It is
migrated in faithful mode and ``verify`` runs both programs in their own processes (legacy
runtime / Keras 3) with the SAME weights (mapped from the legacy variables):

* forward pass (inference mode) within 1e-5;
* one SGD step of each program's own training op: the weights after it within 1e-5
  (relative), and the UPDATES themselves (after - before) within 1e-4 relative for every
  kernel, gamma and beta, so the gradients are compared, not only the (much larger)
  weights. Conv biases directly followed by a batch normalization are excluded from the
  update check: their exact gradient is zero (batch norm removes any per-channel shift), so
  both sides move them by rounding noise only.

Checkpoint round trip: the legacy program trains (a few steps: the batch-norm moving
statistics move), saves with tflearn's ``model.save``; ``tflearn-migrate weights`` converts the
checkpoint (nested ``ResidualBlock*/BatchNormalization*`` / ``Conv2D*`` scopes, grouped from
the ``.meta`` collections) and the migrated model with those weights reproduces the legacy
predictions within 1e-5.

The same fixture is also collected by tests/test_verify_fixtures.py.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.weights.verify import judge, migrate_faithful, verify

pytestmark = pytest.mark.slow  # TensorFlow subprocesses: the slow tier

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "residual" / "resnet_small.py"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    return migrate_faithful(FIXTURE, tmp_path_factory.mktemp("resnet_small"))


@pytest.fixture(scope="module")
def result(migrated, tmp_path_factory):
    return verify(FIXTURE, migrated, workdir=tmp_path_factory.mktemp("resnet_verify"))


def test_migration_is_complete_and_keras_only(migrated):
    code = migrated.read_text()
    assert TODO_MARKER not in code
    assert legacy_refs_outside_todo(code) == []
    assert not re.search(r"^\s*(import|from)\s+(tensorflow|tflearn)\b", code, re.M)
    assert code.count("= tflearn_residual_block(") == 2
    assert code.count("= tflearn_residual_bottleneck(") == 2


def test_same_function_with_the_same_weights(result):
    ok, lines = judge(result)
    assert ok, "\n".join(lines + result.get("mapping", []))


def test_every_nested_block_variable_is_mapped(result):
    mapping = "\n".join(result.get("mapping", []))
    assert "UNMAPPED" not in mapping and "UNUSED" not in mapping, mapping
    for var in ("ResidualBlock/BatchNormalization/gamma", "ResidualBlock/Conv2D_1/W",
                "ResidualBlock_1/Conv2D_3/W", "ResidualBlock_1/BatchNormalization_3/moving_variance",
                "ResidualBottleneck/Conv2D_5/b", "ResidualBottleneck_1/Conv2D_2/W"):
        assert var in mapping, var


def test_one_step_updates_agree(result):
    steps = result.get("step", [])
    assert steps, result
    checked = 0
    for s in steps:
        role = s["weight"].rsplit("/", 1)[-1]
        if role in ("kernel", "gamma", "beta"):
            assert s["update_rel"] <= 1e-4, s
            checked += 1
    assert checked >= 30


# -- checkpoint round trip: tflearn model.save -> `tflearn-migrate weights` -> Keras ----------
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
    _fit(self, X, Y, *a, **k)                      # trains: moving statistics are not 0/1 any more
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


def _env(**extra):
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT)
    e.pop("TF_USE_LEGACY_KERAS", None)
    e.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    e["KERAS_BACKEND"] = "tensorflow"
    e["FIXTURE_QUICK"] = "1"
    e.update(extra)
    return e


def test_checkpoint_converts_and_reproduces_the_trained_model(migrated, tmp_path):
    p = subprocess.run([sys.executable, "-c", LEGACY_SAVE, str(FIXTURE), str(tmp_path)], cwd=tmp_path,
                       env=_env(), capture_output=True, text=True, timeout=600)
    assert "SAVED" in p.stdout, p.stdout[-2000:] + p.stderr[-3000:]
    weights = tmp_path / "resnet.weights.h5"
    p = subprocess.run([sys.executable, "-m", "migrator", "weights", str(tmp_path / "tfl" / "model.tfl"),
                        "--model", str(migrated), "--out", str(weights), "--show"],
                       cwd=migrated.parent, env=_env(), capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-3000:]
    assert "ResidualBottleneck_1/Conv2D_2/W" in p.stdout and "UNMAPPED" not in p.stdout
    p = subprocess.run([sys.executable, "-c", KERAS_LOAD, str(migrated), str(weights),
                        str(tmp_path / "legacy_outputs.npz")],
                       cwd=migrated.parent, env=_env(), capture_output=True, text=True, timeout=600)
    line = next((l for l in p.stdout.splitlines() if l.startswith("MAXDIFF=")), None)
    assert line is not None, p.stdout[-2000:] + p.stderr[-3000:]
    assert float(line.split("=", 1)[1]) <= 1e-5
    before = next(l for l in p.stdout.splitlines() if l.startswith("BEFORE="))
    assert float(before.split("=", 1)[1]) > 1e-3, "the comparison must depend on the loaded weights"
