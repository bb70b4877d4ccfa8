"""`tflearn-migrate verify`: legacy graph vs migrated Keras model with the same weights.

Each verify run is two subprocesses (legacy runtime, Keras 3), one TensorFlow import each;
negative controls reuse the legacy dump and only rerun the Keras side.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.weights.verify import judge, verify, verify_many


pytestmark = pytest.mark.slow   # starts TensorFlow subprocesses

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "weights"

TFLEARN_MLP = """\
import numpy as np
import tflearn
from tflearn.layers.conv import conv_2d, max_pool_2d

rs = np.random.RandomState(0)
X = rs.rand(40, 6, 6, 2).astype('float32')
Y = np.eye(4)[rs.randint(0, 4, 40)].astype('float32')
net = tflearn.input_data(shape=[None, 6, 6, 2])
net = conv_2d(net, 5, 3, strides=2, activation='relu')
net = max_pool_2d(net, 2)
net = tflearn.fully_connected(net, 12, activation='tanh')
net = tflearn.dropout(net, 0.5)
net = tflearn.fully_connected(net, 4, activation='softmax')
net = tflearn.regression(net, optimizer='sgd', learning_rate=0.1, loss='categorical_crossentropy')
model = tflearn.DNN(net)
model.fit(X, Y, n_epoch=1, batch_size=8)
"""


def _ok(res, **kw):
    ok, lines = judge(res, **kw)
    return ok, "\n".join(lines + res.get("mapping", []))


def test_real_migration_of_a_tflearn_program_is_equivalent(tmp_path):
    legacy = tmp_path / "mlp.py"
    legacy.write_text(TFLEARN_MLP)
    res = verify(legacy, workdir=tmp_path / "work")       # migrated now, faithful mode
    ok, text = _ok(res)
    assert ok, text
    assert not res.get("todo")
    assert [f["output"] for f in res["forward"]] == ["FullyConnected_1/Softmax:0"]
    assert len(res["step"]) == 6                          # conv, fc, fc: kernel + bias each
    # the step really moved the weights and both sides moved them the same way
    assert all(s["update_rel"] <= 1e-4 for s in res["step"])


BREAKS = {
    # name: (replace, with, which check must fail). With these small, barely trained weights
    # the softmax output hardly moves when BN epsilon changes (moving variance ~1): the
    # forward check alone misses it, the training step catches it.
    "bn_epsilon": ("epsilon=1e-5", "epsilon=1e-3", "any"),
    "bn_momentum": ("momentum=0.9,", "momentum=0.99,", "step"),
    "conv_padding": ('activation="relu", padding="same"', 'activation="relu", padding="valid"', "forward"),
    "adam_epsilon": ("epsilon=1e-8", "epsilon=1e-7", "step"),
}


@pytest.fixture(scope="module")
def cnn(tmp_path_factory):
    """The faithful CNN (with batch norm) and four copies, each with one translated default
    broken, against ONE legacy run (the Keras side checks all five in one process)."""
    work = tmp_path_factory.mktemp("verify_cnn")
    src = (FIX / "migrated_cnn.py").read_text()
    variants = [FIX / "migrated_cnn.py"]
    for name in sorted(BREAKS):
        old, new, _ = BREAKS[name]
        assert old in src
        variants.append(work / f"migrated_cnn_{name}.py")
        variants[-1].write_text(src.replace(old, new))
    res = verify_many(FIX / "legacy_train_save.py", variants, workdir=work)
    return dict(zip(["good"] + sorted(BREAKS), res))


def test_faithful_cnn_with_batch_norm_is_equivalent(cnn):
    res = cnn["good"]
    ok, text = _ok(res)
    assert ok, text
    names = [s["weight"] for s in res["step"]]
    assert "batch_normalization/moving_variance" in names and "conv2d/kernel" in names
    assert res["forward"][0]["shape"] == [8, 3]


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_negative_control_a_broken_default_is_caught(cnn, name):
    res = cnn[name]
    where = BREAKS[name][2]
    ok, text = _ok(res)
    assert not ok, text
    if where == "any":
        assert any(f["max_abs"] > 1e-5 for f in res["forward"]) or any(
            s["rel"] > 1e-5 for s in res["step"]), text
    elif where == "forward":
        assert res.get("error") or any(f["max_abs"] > 1e-5 for f in res["forward"]), text
    else:
        assert all(f["max_abs"] <= 1e-5 for f in res["forward"]), text   # same function ...
        assert any(s["rel"] > 1e-5 for s in res["step"]), text        # ... different training


def test_tf1_siamese_shared_scope_is_equivalent_via_cli(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "migrator", "verify", str(FIX / "legacy_siamese_tf1.py"),
         "--migrated", str(FIX / "migrated_siamese_train.py"), "--outputs", "distance",
         "--json", str(tmp_path / "v.json")],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "EQUIVALENT" in out.stdout
    assert re.search(r"dense \(Dense\) <- siamese/W2, siamese/b2", out.stdout)
    assert "output distance:0" in out.stdout
    assert len(re.findall(r"ok   after one step", out.stdout)) == 6
