"""Held-out forms of issue 10 (session 30, round X7, after hwcnn_softmax_head_gradnorm): the global
norm of the gradients a class's train op applies, FETCHED with the train op
(``pairs = opt.compute_gradients(loss)``, ``self.grad_norm = tf.global_norm([g for g, v in pairs])``
or ``gs, vs = zip(*pairs)`` + ``tf.global_norm(gs)``, ``opt.apply_gradients(pairs)``, then
``sess.run([train_op, loss, grad_norm], feed)``). TF1 returned the norm of THAT step's gradients
(same batch, same dropout mask). Before: the class stayed TF1 (TFM144 "the applied gradients are
read by other statements"). Now the optimizer records the norm of the gradients it applies
(``self.grad_norm = tf1_applied_global_norm(opt)``, a variable of the optimizer) and the run reads
it after ``train_on_batch``. A norm read anywhere else (an evaluation run, printed as a tensor)
keeps the class TF1 with a TODO saying why.

Regression tier: no TensorFlow. Slow: the migrated fixture runs, verify says EQUIVALENT, and with fixed
weights and no dropout the norms it prints are TF1's, step by step."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, run_pair
from tests.outputs import assert_idempotent as _idempotent, body as _body, migrate_text, undefined_names as _undefined

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

_migrate = functools.partial(migrate_text, name="x7.py")

FIX = Path(__file__).parent / "fixtures" / "heldout_x7"
NORM = FIX / "fetched_grad_norm_pairs.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_fetched_grad_norm_translates_whole(fixes):
    out = _migrate(NORM.read_text(), fixes)
    body = _body(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert legacy_refs_outside_todo(out) == []
    assert _undefined(out) == set()
    # the norm is the optimizer's record of the gradients it applies; the method compiles with it
    assert "self.grad_norm = tf1_applied_global_norm(opt)\n" in body
    program = body.split("class PairNet")[1]
    assert "compute_gradients" not in program and "global_norm([" not in program and "pairs" not in program
    assert "train_op.compile(optimizer=opt)" in body
    # the run: the step, then the norm it recorded
    assert ("    l = net.train_op.train_on_batch([xa, xb, m])\n"
            "    gn = keras.ops.convert_to_numpy(net.grad_norm)\n") in body
    assert "# tflearn-migrate helper: tf1_applied_global_norm" in out
    compile(out, "x7.py", "exec")
    _idempotent(out, fixes)


_ZIP = ("        self.grad_norm = tf.global_norm([g for g, v in pairs])\n",
        "        grads, variables = zip(*pairs)\n        self.grad_norm = tf.global_norm(grads)\n")


def test_the_zip_spelling_translates_the_same():
    src = NORM.read_text().replace(*_ZIP)
    assert "zip(*pairs)" in src
    out = _migrate(src)
    assert TODO_MARKER not in out and _undefined(out) == set()
    assert "self.grad_norm = tf1_applied_global_norm(opt)\n" in out and "zip(*pairs)" not in out
    _idempotent(out)


def test_a_summary_of_the_norm_goes_and_the_fetch_stays():
    # hwcnn's spelling: the norm is also summarised (tf.summary.scalar, removed by TFM142)
    src = NORM.read_text().replace(
        "        return opt.apply_gradients(pairs)\n",
        "        tf.summary.scalar('grad_norm', self.grad_norm)\n        return opt.apply_gradients(pairs)\n")
    out = _migrate(src)
    assert TODO_MARKER not in out and "tf.summary" not in out
    assert "gn = keras.ops.convert_to_numpy(net.grad_norm)" in out


@pytest.mark.parametrize("change, why", [
    # fetched by an evaluation run: TF1 computed gradients there without applying them
    (("    d = sess.run(net.distance, feed_dict={net.left: X[1300:], net.right: X[partner]})\n",
      "    d, _ = sess.run([net.distance, net.grad_norm], feed_dict={net.left: X[1300:], net.right: X[partner],"
      " net.match: Y[1300:]})\n"), "read other than fetched with the train op"),
    # read as a tensor outside a run
    (("net = PairNet(64)\n", "net = PairNet(64)\nshown = tf.Print(net.grad_norm, [net.grad_norm])\n"),
     "read other than fetched with the train op"),
    # the norm of the gradients before a clip (the clip becomes the optimizer's in Keras; not followed)
    (("        self.grad_norm = tf.global_norm([g for g, v in pairs])\n        return opt.apply_gradients(pairs)\n",
      "        self.grad_norm = tf.global_norm([g for g, v in pairs])\n"
      "        clipped = [(tf.clip_by_value(g, -1., 1.), v) for g, v in pairs]\n"
      "        return opt.apply_gradients(clipped)\n"), "TFM100 no Keras translation for tensorflow.global_norm"),
])
def test_other_reads_of_the_norm_stay_honest_todos(change, why):
    src = NORM.read_text().replace(*change)
    assert src != NORM.read_text()
    out = _migrate(src)
    assert TODO_MARKER in out and why in out
    assert "tf1_applied_global_norm" not in out
    assert _undefined(out) == set()
    _idempotent(out)


# -- slow: the migrated program runs, matches TF1, and prints TF1's norms -----------------------------

@pytest.mark.slow
def test_fetched_grad_norm_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(NORM, tmp_path)


@pytest.mark.slow
def test_fetched_norms_are_tf1s_step_by_step(tmp_path):
    # the same program with no dropout and constant initial weights: TF1 and Keras 3 start from the
    # same weights and take the same steps, so each fetched norm must be TF1's
    src = NORM.read_text().replace("        h = tf.nn.dropout(h, 0.8)\n", "")
    src = src.replace("fully_connected(x, 48)", "fully_connected(x, 48, weights_initializer=tf.constant_initializer(0.02))")
    src = src.replace("fully_connected(h, 16)", "fully_connected(h, 16, weights_initializer=tf.constant_initializer(0.03))")
    src = src.replace("2,\n                                                   activation_fn=None)",
                      "2, activation_fn=None,\n"
                      "                                                   weights_initializer=tf.constant_initializer(0.05))")
    assert src.count("constant_initializer") == 3 and "tf.nn.dropout" not in src
    fixture = tmp_path / "deterministic.py"
    fixture.write_text(src)
    (tmp_path / "run").mkdir()
    got, want = run_pair(fixture, tmp_path / "run", lambda s: _migrate(s))
    assert len(got["norm"]) == len(want["norm"]) == 5
    assert got["loss"] == pytest.approx(want["loss"], rel=1e-4, abs=1e-6)
    assert got["norm"] == pytest.approx(want["norm"], rel=1e-4, abs=1e-6)
    assert len(set(round(n, 6) for n in got["norm"])) > 1  # a new norm at each step
