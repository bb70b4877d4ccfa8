"""Held-out forms of issue 10 (session 28, spelling probe of heldout_u / heldout_w2): (1) the step
counter made next to the optimizer INSIDE ``def main():``'s session block (``step =
tf.Variable(0, trainable=False)``, a learning rate decayed from it, ``minimize(loss,
global_step=step)``, the step fetched by the training runs) while the graph is the module's -
StepCounters looks at the function scope of the program's own train op, not only at the
program's scope. Regression tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options
from tests.legacy_pairs import legacy_and_migrated_aucs
from tests.outputs import undefined_names as _undefined

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_w3"
NAMES = ["mainfn_local_step_counter.py"]


def _run(src: str, fixes: bool) -> str:
    return migrate_source(src, "w3.py", Options(fixes=fixes)).code


def _code(out: str) -> str:
    """The migrated text after the module docstring (which names the TF1 spelling)."""
    return out.split('"""', 2)[2]


@pytest.mark.parametrize("fixes", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_migrates_without_todo_and_is_idempotent(name, fixes):
    out = _run((FIX / name).read_text(), fixes)
    cst.parse_module(out)
    assert TODO_MARKER not in out, out
    assert not _undefined(out), _undefined(out)
    assert _run(out, fixes) == out
    code = _code(out)
    assert "tf." not in code and "import tensorflow" not in code


@pytest.mark.parametrize("fixes", [False, True])
def test_step_counter_made_in_main_becomes_the_optimizer_iterations(fixes):
    out = _run((FIX / "mainfn_local_step_counter.py").read_text(), fixes)
    main = out.split("\ndef main():\n", 1)[1]
    # the counter's variable is gone; its decayed rate is a Keras schedule of the same steps
    assert "Variable" not in _code(out) and "global_step" not in _code(out)
    assert "keras.optimizers.schedules.ExponentialDecay(" in main and "staircase=True" in main
    assert "learning_rate=rate" in main
    # the step fetched with the train op: TF1 returns the value after this run's increment
    assert "n = keras.ops.convert_to_numpy(keras.ops.cast(model.optimizer.iterations, 'int32'))" in main
    assert "model.train_on_batch([X[a], X[b]]" in main


def test_step_counter_in_main_read_elsewhere_stays_tf1():
    # a counter of main's train op read by something TFM140 does not translate keeps its TODO
    # (never a dangling name)
    src = (FIX / "mainfn_local_step_counter.py").read_text().replace(
        "        sess.run(tf.global_variables_initializer())\n",
        "        sess.run(tf.global_variables_initializer())\n        bump = tf.print(step)\n", 1)
    out = _run(src, False)
    cst.parse_module(out)
    assert TODO_MARKER in out
    assert not _undefined(out), _undefined(out)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_is_equivalent_to_tf1(name, tmp_path):
    # verify: the same weights give the same forward outputs and the same training steps as TF1
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / name
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_runs_under_keras3_and_ranks_like_tf1(name, tmp_path):
    src = FIX / name
    aucs = legacy_and_migrated_aucs(src, _run(src.read_text(), False), tmp_path)
    assert min(aucs) > 0.75 and abs(aucs[0] - aucs[1]) < 0.1, aucs
