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

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "tf1_variables" / "linear_fit.py"


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, "p.py", Options(wrap_lines=False, fixes=fixes))
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
    again = migrate_source(out, "p.py", Options(wrap_lines=False, fixes=fixes))
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


def test_tensor_bound_again_and_per_run_noise():
    """A tensor name bound again is one function per binding (reads see the binding in effect);
    a per-run random op read once per run -> keras.random.normal inside its tensor's function."""
    src = FIXTURE.read_text().replace("cost = tf.reduce_sum", "cost = pred\ncost = tf.reduce_sum").replace(
        "pred = tf.add(tf.multiply(X, W), b)", "pred = tf.add(tf.multiply(X, W), b) + tf.random_normal([])")
    out = _migrate(src)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "def cost(X):\n    return pred(X)\ndef cost_2(X, Y):\n    return keras.ops.sum(keras.ops.power(pred(X) - Y" in out
    assert "keras.ops.add(keras.ops.multiply(X, W), b) + keras.random.normal([])" in out
    assert "TF1TrainStep(keras.optimizers.SGD(learning_rate=learning_rate), cost_2, [W, b])" in out
    assert "float(keras.ops.convert_to_numpy(cost_2(" in out


@pytest.mark.parametrize("edit, why", [
    # a seeded per-run random op (TF1's op seed has no Keras / NumPy counterpart)
    (("pred = tf.add(tf.multiply(X, W), b)", "pred = tf.add(tf.multiply(X, W), b) + tf.random_normal([], seed=1)"),
     "random"),
    # a per-run random op read twice by one run (TF1 drew once; two function calls draw twice)
    (("pred = tf.add(tf.multiply(X, W), b)\ncost = tf.reduce_sum(tf.pow(pred - Y, 2))",
      "pred = tf.add(tf.multiply(X, W), b) + tf.random_normal([])\ncost = tf.reduce_sum(tf.pow(pred + pred - Y, 2))"),
     "random twice"),
    # a variable passed to code outside the program
    (("init = tf.global_variables_initializer()", "init = tf.global_variables_initializer()\nprint(W)"),
     "read outside"),
    # a variable bound twice
    (('b = tf.Variable(rng.randn(), name="bias")', 'b = tf.Variable(rng.randn(), name="bias")\nb = tf.Variable(0.0)'),
     "bound twice"),
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


TWO = ROOT / "tests" / "fixtures" / "tf1_variables" / "two_player.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_two_player_program_translates_completely(fixes):
    out = _migrate(TWO.read_text(), fixes)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "'gen_h': keras.Variable((rs.randn(noise_dim, hidden) * 0.5).astype(np.float32))" in out
    assert "'gen_h': keras.Variable(keras.ops.zeros([hidden], dtype='float32'))" in out
    assert "train_gen = TF1TrainStep(optimizer_gen, gen_loss, gen_vars)" in out
    assert "def disc_loss(gen_input, disc_input):" in out
    assert "feed_dict = {" not in out  # the named feed dict's values went to the run
    assert "_, _, gl, dl = tf1_train_run([(train_gen, (" in out and "[None, None, 0, 1])" in out
    assert "sample = [keras.ops.convert_to_numpy(gen_sample(" in out
    again = migrate_source(out, "p.py", Options(wrap_lines=False, fixes=fixes))
    assert again.status == "unchanged" and again.code == out


def test_random_initial_values_are_drawn_once():
    """tf.Variable(glorot_init(shape)) with glorot_init returning tf.random_normal (gan.py): the
    draw is the variable's initial value (TF1 ran it once, in the initializer)."""
    src = TWO.read_text().replace(
        "weights = {", "def glorot_init(shape):\n    return tf.random_normal(shape=shape, stddev=1. / tf.sqrt(shape[0] / 2.))\n\n\nweights = {").replace(
        "tf.Variable((rs.randn(noise_dim, hidden) * 0.5).astype(np.float32))", "tf.Variable(glorot_init([noise_dim, hidden]))")
    out = _migrate(src)
    assert TODO_MARKER not in out
    assert "return keras.random.normal(shape, stddev=1. / keras.ops.sqrt(shape[0] / 2.))" in out
    assert "'gen_h': keras.Variable(glorot_init([noise_dim, hidden]))" in out
    # the same draw anywhere else is a per-run op: the program is not TFM162's
    out = _migrate(src.replace("gen_loss = -tf.reduce_mean(tf.log(disc_fake))",
                               "gen_loss = -tf.reduce_mean(tf.log(disc_fake)) + glorot_init([1])[0]"))
    assert "TF1TrainStep" not in out and TODO_MARKER in out


def test_overlapping_train_ops_in_one_run_stay_tf1():
    src = TWO.read_text().replace("minimize(disc_loss, var_list=disc_vars)", "minimize(disc_loss)")
    out = _migrate(src)
    assert "tf1_train_run" not in out and TODO_MARKER in out


@pytest.mark.slow
def test_two_player_program_trains_like_tf1(tmp_path):
    """Both train ops of one TF1 run: gradients and fetched losses from the values before the run,
    each op with its own Adam. TF1 itself does not fix that order: the two ops race (one op's
    update may land before the other reads the variables; runs of the fixture differ after the
    first step). The migrated program is the outcome where every read precedes every update, which
    the legacy reference pins with control dependencies (the same ops, gradients computed first).
    Negative control: the steps applied one after the other differ."""
    src = TWO.read_text()
    race = ("train_gen = optimizer_gen.minimize(gen_loss, var_list=gen_vars)\n"
            "train_disc = optimizer_disc.minimize(disc_loss, var_list=disc_vars)\n")
    pinned = ("gv_gen = optimizer_gen.compute_gradients(gen_loss, var_list=gen_vars)\n"
              "gv_disc = optimizer_disc.compute_gradients(disc_loss, var_list=disc_vars)\n"
              "with tf.control_dependencies([g for g, _ in gv_gen + gv_disc] + [gen_loss, disc_loss]):\n"
              "    train_gen = optimizer_gen.apply_gradients(gv_gen)\n"
              "    train_disc = optimizer_disc.apply_gradients(gv_disc)\n")
    assert race in src
    (tmp_path / "legacy.py").write_text(src.replace(race, pinned))
    migrated = _migrate(src)
    (tmp_path / "migrated.py").write_text(migrated)
    legacy = _run([sys.executable, "-m", "migrator.legacy.run", str(tmp_path / "legacy.py")], tmp_path)
    keras = _run([sys.executable, str(tmp_path / "migrated.py")], tmp_path)
    for k in ("gen", "disc", "sample"):
        assert _close(keras[k], legacy[k]), (k, keras[k], legacy[k])
    assert legacy["disc"][-1] != legacy["disc"][0]  # it trains
    (tmp_path / "raced.py").write_text(src)  # the fixture as written: its first step is the same
    raced = _run([sys.executable, "-m", "migrator.legacy.run", str(tmp_path / "raced.py")], tmp_path)
    assert raced["gen"][0] == pytest.approx(keras["gen"][0], rel=1e-5)
    bad = migrated.replace("for (other, _), values in zip(steps, before):",
                           "for (other, _), values in zip(steps[:0], before):")
    assert bad != migrated
    (tmp_path / "bad.py").write_text(bad)
    off = _run([sys.executable, str(tmp_path / "bad.py")], tmp_path)
    assert not _close(off["disc"], legacy["disc"])
