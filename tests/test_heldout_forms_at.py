"""Held-out forms of issue 10 (round AT, session 32): the text-CNN tutorials' train() harness as
Lapis-Hong/atec-nlp writes it around a Siamese model class. Fast tier: no TensorFlow; slow:
verify and AUCs."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import migrate_text

FIX = Path(__file__).parent / "fixtures" / "heldout_at"

_run = functools.partial(migrate_text, name="at.py")


# -- exponential_decay of a step counter made OUTSIDE the model class -------------------------------

DECAY = FIX / "class_step_decay_outside.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_outside_step_counter_read_by_exponential_decay_becomes_the_schedule(fixes):
    # before: 13 TODO (TFM144 "the step counter step_var is read other than as a fetch of a run
    # or by tf.train.global_step": only the class's own counters were followed into the decay)
    out = _run(DECAY.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert "keras.optimizers.schedules.ExponentialDecay(" in out and "staircase=True" in out
    assert "TF1RMSprop(learning_rate=rate" in out and "opt.global_clipnorm = 3.0" in out
    assert "step_var = " not in out  # the optimizer's iterations count the updates
    assert "n = keras.ops.convert_to_numpy(pairscorer_model.optimizer.iterations)" in out
    assert _run(out, fixes) in (None, out)


@pytest.mark.parametrize("old,new", [
    # the counter starts at 5: TF1's first rate is the schedule at 5, Keras' at 0
    ('step_var = tf.Variable(0, name="global_step"', 'step_var = tf.Variable(5, name="global_step"'),
    # the rate is also fetched by a run: a tensor TF1 evaluates, not a schedule
    ("_, n, cost = sess.run([train_op, step_var, model.loss],",
     "_, n, cost, r = sess.run([train_op, step_var, model.loss, rate],"),
    # the rate feeds a second optimizer too
    ("    params = tf.trainable_variables()\n",
     "    params = tf.trainable_variables()\n    other = tf.train.AdamOptimizer(rate)\n"),
    # a decay of another form (polynomial_decay is a value of the step, not a schedule)
    ("tf.train.exponential_decay(0.02, step_var, 30, 0.5, staircase=True)",
     "tf.train.polynomial_decay(0.02, step_var, 30)"),
])
def test_outside_decay_forms_that_are_not_the_schedule_stay_tf1(old, new):
    src = DECAY.read_text()
    assert old in src
    out = _run(src.replace(old, new), False)
    assert TODO_MARKER in out
    assert not legacy_refs_outside_todo(out)


@pytest.mark.parametrize("old,new", [
    # the decay written as the optimizer's argument itself
    ("    rate = tf.train.exponential_decay(0.02, step_var, 30, 0.5, staircase=True)\n"
     "    opt = tf.train.RMSPropOptimizer(rate)\n",
     "    opt = tf.train.RMSPropOptimizer(tf.train.exponential_decay(0.02, step_var, 30, 0.5, staircase=True))\n"),
    # keywords throughout
    ("tf.train.exponential_decay(0.02, step_var, 30, 0.5, staircase=True)",
     "tf.train.exponential_decay(learning_rate=0.02, global_step=step_var, decay_steps=30, decay_rate=0.5,"
     " staircase=True)"),
    ("tf.train.RMSPropOptimizer(rate)", "tf.train.RMSPropOptimizer(learning_rate=rate)"),
])
def test_outside_decay_spellings_translate(old, new):
    src = DECAY.read_text()
    assert old in src
    out = _run(src.replace(old, new), False)
    assert TODO_MARKER not in out and "ExponentialDecay(" in out


@pytest.mark.slow
def test_outside_step_decay_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(DECAY, tmp_path)


@pytest.mark.slow
def test_outside_step_decay_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(DECAY, _run(DECAY.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs

