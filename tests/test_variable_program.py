"""TFM162: a TF1 program whose model is its tf.Variables (TensorFlow-Examples' linear_regression;
fixture tests/fixtures/tf1_variables/linear_fit.py, in our words) -> keras.Variables, tensor
functions of the placeholders and a TF1TrainStep. Static checks are fast; the slow test runs
the TF1 program in the legacy runtime and the migrated one on Keras 3 from the same NumPy-drawn
start and compares the per-epoch costs, the variables and the test cost."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "tf1_variables" / "linear_fit.py"


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, "p.py", Options(fixes=fixes))
    assert res.status == "migrated", res.reason
    return res.code


@pytest.mark.parametrize("fixes", [False, True])
def test_variable_program_translates_completely(fixes):
    out = _migrate(FIXTURE.read_text(), fixes)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "import tensorflow" not in out and "tf.placeholder(" not in out and "tf.Session()" not in out
    assert 'W = keras.Variable(rng.randn(), name="weight")' in out
    assert "def pred(X):\n    return keras.ops.add(keras.ops.multiply(X, W), b)" in out
    assert "def cost(X, Y):\n    return keras.ops.sum(keras.ops.power(pred(X) - Y, 2))" in out
    assert "optimizer = TF1TrainStep(keras.optimizers.SGD(learning_rate=learning_rate), cost, [W, b])" in out
    assert ("optimizer.step(keras.ops.convert_to_tensor(x, dtype='float32'), "
            "keras.ops.convert_to_tensor(y, dtype='float32'))") in out
    assert "float(keras.ops.convert_to_numpy(W))" in out
    again = migrate_source(out, "p.py", Options(fixes=fixes))
    assert again.status == "unchanged" and again.code == out  # idempotent


def test_var_list_is_kept():
    src = FIXTURE.read_text().replace(".minimize(cost)", ".minimize(cost, var_list=[W])")
    out = _migrate(src)
    assert "TF1TrainStep(keras.optimizers.SGD(learning_rate=learning_rate), cost, [W])" in out


@pytest.mark.parametrize("change", [
    ("report = None\n", "report = print\n"),  # (sanity: an unrelated edit keeps the translation)
])
def test_unrelated_code_keeps_the_translation(change):
    src = "report = None\n" + FIXTURE.read_text()
    out = _migrate(src.replace(*change))
    assert TODO_MARKER not in out


@pytest.mark.parametrize("edit, why", [
    # the program reads a random op: a function would draw anew at every call (declined for now)
    (("pred = tf.add(tf.multiply(X, W), b)", "pred = tf.add(tf.multiply(X, W), b) + tf.random_normal([])"),
     "random"),
    # a variable passed to code outside the program
    (("init = tf.global_variables_initializer()", "init = tf.global_variables_initializer()\nprint(W)"),
     "read outside"),
    # a tensor bound twice
    (("cost = tf.reduce_sum", "cost = pred\ncost = tf.reduce_sum"), "bound twice"),
    # a training run that does not feed every placeholder of the loss (TF1 raised)
    (("sess.run(optimizer, feed_dict={X: x, Y: y})", "sess.run(optimizer, feed_dict={X: x})"), "feed"),
])
def test_other_programs_are_left_to_tfm140(edit, why):
    src = FIXTURE.read_text()
    assert edit[0] in src, why
    out = _migrate(src.replace(*edit))
    assert "TF1TrainStep" not in out and "keras.Variable(" not in out, why
    assert TODO_MARKER in out and legacy_refs_outside_todo(out) == [], why


def _run(cmd: list[str], cwd: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               TF_NUM_INTEROP_THREADS="1", TF_NUM_INTRAOP_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run(cmd + [str(cwd / "out.json")], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((cwd / "out.json").read_text())


def _close(a, b, rel=1e-4, abs_=1e-5) -> bool:
    import numpy as np

    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rel, atol=abs_))


@pytest.mark.slow
@pytest.mark.parametrize("variant", [
    (),                                                                    # the fixture: SGD on W and b
    ((".minimize(cost)", ".minimize(cost, var_list=[W])"),),               # TF1's var_list: b never moves
    (("tf.train.GradientDescentOptimizer(learning_rate)", "tf.train.AdamOptimizer(0.05)"),),  # optimizer state
])
def test_variable_program_trains_like_tf1(variant, tmp_path):
    src = FIXTURE.read_text()
    for a, b in variant:
        assert a in src
        src = src.replace(a, b)
    (tmp_path / "legacy.py").write_text(src)
    migrated = _migrate(src)
    (tmp_path / "migrated.py").write_text(migrated)
    legacy = _run([sys.executable, "-m", "migrator.legacy.run", str(tmp_path / "legacy.py")], tmp_path)
    keras = _run([sys.executable, str(tmp_path / "migrated.py")], tmp_path)
    assert legacy["cost"][-1] < legacy["cost"][0]  # it trains
    assert _close(keras["cost"], legacy["cost"]), (keras["cost"], legacy["cost"])
    assert _close(keras["W"], legacy["W"]) and _close(keras["b"], legacy["b"]), (keras, legacy)
    assert _close(keras["test_cost"], legacy["test_cost"]), (keras, legacy)
    if variant:
        return
    # negative control: the step over W only trains differently
    bad = migrated.replace("cost, [W, b])", "cost, [W])")
    assert bad != migrated
    (tmp_path / "bad.py").write_text(bad)
    off = _run([sys.executable, str(tmp_path / "bad.py")], tmp_path)
    assert not _close(off["cost"], legacy["cost"])
