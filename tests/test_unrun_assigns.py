"""An assign op no run reads, and the variable only it reads (TFM219): TF1 never executed it, so
the migration removes both; the program around it becomes one Keras model. The controls: the
same variable run, read by the model, or listed by a weight decay stays (and keeps the program
TF1 where it must). Fast tier, text only; the fixture's verify runs in the slow tier."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "projector_assign_unrun.py"
SOURCE = FIXTURE.read_text()


@pytest.mark.parametrize("fixes", [False, True])
def test_a_projector_snapshot_never_run_goes_with_its_variable(fixes):
    out = migrate_text(SOURCE, fixes)
    code = _code(out)
    assert TODO_MARKER not in out and "tf." not in code
    assert "embedding_var" not in code and "embedding_assign" not in code
    assert "model.train_on_batch(X, Y)" in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def _code(out: str) -> str:
    """The output after the fixture's docstring."""
    return out[out.index('"""', 3) + 3:]


ASSIGN = "    embedding_assign = tf.assign(embedding_var, features)\n"


@pytest.mark.parametrize("change", [
    # the snapshot is returned and run after training
    (("    return features, loss, train_op\n", "    return features, loss, train_op, embedding_assign\n"),
     ("features, loss, train_op = model_fn(", "features, loss, train_op, snap = model_fn("),
     ("    emb = sess.run(features, feed_dict={images: X})\n",
      "    emb = sess.run(features, feed_dict={images: X})\n    sess.run(snap, feed_dict={images: X})\n")),
    # the variable is read by the model's output
    ("    return features, loss, train_op\n", "    return features + embedding_var, loss, train_op\n"),
    # a weight decay over every variable reads it
    ("    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n",
     "    loss = loss + 1e-4 * tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()])\n"
     "    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n"),
    # the assign's value is evaluated for an effect of its own
    (ASSIGN, "    embedding_assign = tf.assign(embedding_var, tf.Print(features, [features]))\n"),
])
def test_an_assign_or_variable_something_reads_stays(change):
    src = SOURCE
    for old, new in change if isinstance(change[0], tuple) else (change,):
        assert old in src
        src = src.replace(old, new)
    out = migrate_text(src, False)
    assert "embedding_var" in _code(out) and not undefined_names(out)


def test_an_assign_at_module_level_of_a_file_running_no_session_stays():
    src = ("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\n"
           "snap = tf.Variable(tf.zeros([8, 4]))\nsave_snap = tf.assign(snap, x * 2.0)\n")
    out = migrate_text(src, False)
    assert "snap = tf.Variable(" in out and "tf.assign(snap, x * 2.0)" in out and not undefined_names(out)


@pytest.mark.slow
def test_the_fixture_without_its_snapshot_computes_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(FIXTURE, tmp_path)
