"""Held-out forms of issue 10 (branch wt27_goldfed): ``tf.add_check_numerics_ops()`` fetched with a
model class's training step inside ``try / except tf.errors.InvalidArgumentError`` (TFM186), a
step counter ``tf.Variable`` that only the train op's ``global_step=``, a summary and the class's own
Saver read, and a Saver path computed by ``os.path.join``. Regression tier: no TensorFlow; the slow tests
run the migrated program / verify."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options
from tests.outputs import assert_idempotent as _idempotent

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_u"


def _faithful_src(src: str, name: str = "p.py") -> str:
    return migrate_source(src, name, Options(fixes=False)).code


def _faithful(name: str) -> str:
    return _faithful_src((FIX / name).read_text(), name)


def undefined_names(source: str) -> set[str]:
    """Globals ``source`` reads and does not bind (the snippets' own inputs left out)."""
    import builtins
    import symtable

    top = symtable.symtable(source, "<out>", "exec")
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()} | set(dir(builtins))
    missing: set[str] = set()

    def visit(t) -> None:
        for s in t.get_symbols():
            if s.is_referenced() and (s.is_global() or t is top) and not s.is_assigned() and s.get_name() not in bound:
                missing.add(s.get_name())
        for c in t.get_children():
            visit(c)

    visit(top)
    return missing - {"X", "Y", "other", "make_path"}


# -- tf.add_check_numerics_ops() with the training step (TFM186) ----------------------------------

def test_numerics_class_translates():
    out = _faithful("goldfed_numerics_class.py")
    body = out.split('"""', 2)[2]
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not undefined_names(out)
    assert "tf1_check_numerics(self.train_op, self.train_op.train_on_batch([a, b, same]))" in body
    assert "except TF1InvalidArgumentError as err:" in body
    assert "nan_guard" not in body.split("# tflearn-migrate helper: LossModel")[-1].split("class GuardedSiamese")[1]
    assert "counter" not in body.split("class GuardedSiamese")[1].split("def step")[0]
    assert "self.train_op.save_weights(" in body and "os.path.join(self.workdir, 'twin.ckpt')" in body
    _idempotent(out)


_CLASS = ("import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self):\n"
          "        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 1])\n"
          "        self.loss = tf.reduce_mean(tf.square(tf.layers.dense(self.x, 1) - self.y))\n"
          "        self.check = tf.add_check_numerics_ops()\n"
          "        self.train_op = tf.train.GradientDescentOptimizer(0.1).minimize(self.loss)\n"
          "        self.sess = tf.Session()\n        self.sess.run(tf.global_variables_initializer())\n\n"
          "    def fit(self, X, Y):\n{fit}\n\n"
          "net = Net()\nnet.fit(X, Y)\n")


def test_numerics_fetched_with_the_loss_checks_the_loss_it_returns():
    out = _faithful_src(_CLASS.format(fit="        _, l, _ = self.sess.run([self.train_op, self.loss, self.check], "
                                          "feed_dict={self.x: X, self.y: Y})\n        return l"))
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert "l = tf1_check_numerics(self.train_op, self.train_op.train_on_batch([X, Y]))" in out
    assert "self.check" not in out
    _idempotent(out)


def test_numerics_value_read_keeps_a_todo():
    # what the check op evaluated to (None in TF1) is read: not translated, said why
    out = _faithful_src(_CLASS.format(fit="        _, c = self.sess.run([self.train_op, self.check], "
                                          "feed_dict={self.x: X, self.y: Y})\n        print(c)"))
    assert TODO_MARKER in out and "add_check_numerics_ops" in out
    assert not undefined_names(out)
    _idempotent(out)


def test_numerics_fetched_outside_training_keeps_a_todo():
    src = _CLASS.format(fit="        self.sess.run(self.train_op, feed_dict={self.x: X, self.y: Y})\n"
                            "        self.sess.run(self.check, feed_dict={self.x: X, self.y: Y})")
    out = _faithful_src(src)
    assert TODO_MARKER in out and "add_check_numerics_ops" in out
    assert not undefined_names(out)


def test_except_around_a_kept_run_stays():
    # the try body also runs something the migration keeps: the except clause is not rewritten
    src = _CLASS.format(fit="        try:\n            _, _ = self.sess.run([self.train_op, self.check], "
                            "feed_dict={self.x: X, self.y: Y})\n            other.run(X)\n"
                            "        except tf.errors.InvalidArgumentError:\n            raise")
    out = _faithful_src(src)
    assert "except tf.errors.InvalidArgumentError" in out


def test_numerics_rule_disabled_keeps_the_op():
    src = _CLASS.format(fit="        _, _ = self.sess.run([self.train_op, self.check], feed_dict={self.x: X, self.y: Y})")
    out = migrate_source(src, "p.py", Options(fixes=False, ignore=("TFM186",))).code
    assert TODO_MARKER in out and "add_check_numerics_ops" in out
    assert not undefined_names(out)


# -- the step counter a class Saver read; a save path of os.path.join --------------------------------

_COUNTER = ("import os\nimport tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self):\n"
            "        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 1])\n"
            "        self.loss = tf.reduce_mean(tf.square(tf.layers.dense(self.x, 1) - self.y))\n"
            "        self.step = tf.Variable(0, trainable=False)\n@EXTRA@"
            "        self.train_op = tf.train.GradientDescentOptimizer(@LR@).minimize(self.loss, global_step=self.step)\n"
            "        self.saver = tf.train.Saver()\n"
            "        self.sess = tf.Session()\n        self.sess.run(tf.global_variables_initializer())\n\n"
            "    def fit(self, X, Y):\n        self.sess.run(self.train_op, feed_dict={self.x: X, self.y: Y})\n\n"
            "    def save(self, d):\n        self.saver.save(self.sess, os.path.join(d, 'm.ckpt'))\n\n\n"
            "net = Net()\nnet.fit(X, Y)\nnet.save('out')\n")


def _counter(extra: str = "", lr: str = "0.1") -> str:
    return _COUNTER.replace("@EXTRA@", extra).replace("@LR@", lr)


def test_counter_only_counted_and_saved_goes():
    out = _faithful_src(_counter())
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert "self.step" not in out
    assert "self.train_op.save_weights(str(os.path.join(d, 'm.ckpt')) + '.weights.h5')" in out
    _idempotent(out)


def test_counter_read_by_a_decay_with_a_saver_stays():
    # the checkpoint carried a counter a computation reads: not dropped
    out = _faithful_src(_counter("        lr = tf.train.exponential_decay(0.1, self.step, 10, 0.5)\n", "lr"))
    assert "self.step" in out or TODO_MARKER in out
    assert not undefined_names(out)


def test_save_path_of_another_call_keeps_a_todo():
    out = _faithful_src(_counter().replace("os.path.join(d, 'm.ckpt')", "make_path(d)"))
    assert "evaluated twice" in out


# -- an owner class making the model in a method (TF1Classes._owners) --------------------------------

def test_owner_class_translates():
    out = _faithful("goldfed_owner_class.py")
    body = out.split('"""', 2)[2]
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not undefined_names(out)
    assert "self.optimize = LossModel([self.net.left, self.net.right, self.net.match], self.net.loss)" in body
    assert "cost = self.optimize.train_on_batch([np.asarray(a), np.asarray(b), np.asarray(m)])" in body
    assert "def step(self, a, b, m):" in body and "def score(self, a, b):" in body
    assert "cost = self.step(*sample(0, 1300, 40))" in body and "return self.score(a, b), m" in body
    assert "self.optimize.save_weights(" in body and "sess" not in body
    assert "init = None" in body
    _idempotent(out)


_OWNER = ("import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self):\n"
          "        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 1])\n"
          "        self.out = tf.layers.dense(self.x, 1)\n"
          "        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n\n\n"
          "class Owner:\n    def setup(self):\n        self.net = Net()\n"
          "        self.train = tf.train.GradientDescentOptimizer(0.1).minimize(self.net.loss)\n@SAVER@\n"
          "    def fit_step(self, sess, X, Y):\n"
          "        _, l = sess.run([self.train, self.net.loss], feed_dict={self.net.x: X, self.net.y: Y})\n"
          "        return l\n\n"
          "    def go(self, X, Y):\n        self.setup()\n        sess = tf.Session()\n"
          "        sess.run(tf.global_variables_initializer())\n@GO@"
          "        return sess.run(self.net.out, feed_dict={self.net.x: X})\n\n\n"
          "pred = Owner().go(X, Y)\n")


def _owner(saver: str = "", go: str = "        self.fit_step(sess, X, Y)\n") -> str:
    return _OWNER.replace("@SAVER@", saver).replace("@GO@", go)


def test_owner_with_a_local_session_run_in_its_method():
    out = _faithful_src(_owner())
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert "self.train = LossModel([self.net.x, self.net.y], self.net.loss)" in out
    assert "self.fit_step(X, Y)" in out and "def fit_step(self, X, Y):" in out
    assert "return keras.Model(self.net.x, self.net.out).predict_on_batch(np.asarray(X))" in out
    assert not undefined_names(out)
    _idempotent(out)


@pytest.mark.parametrize("saver, go", [
    # a Saver of some variables: the model's weights are all of them
    ("        self.saver = tf.train.Saver(tf.trainable_variables())\n",
     "        self.fit_step(sess, X, Y)\n        self.saver.save(sess, 'm')\n"),
    # the session handed to the method is not one the owner made
    ("", "        self.fit_step(other_sess, X, Y)\n"),
    # the session is kept elsewhere
    ("", "        self.fit_step(sess, X, Y)\n        self.keep = sess\n"),
    # a run through a session attribute, an .eval() of the model's tensor
    ("", "        self.sess = sess\n        self.sess.run(self.train, feed_dict={self.net.x: X, self.net.y: Y})\n"),
    ("", "        self.fit_step(sess, X, Y)\n        print(self.net.loss.eval(feed_dict={self.net.x: X, self.net.y: Y}))\n"),
])
def test_owner_forms_not_followed_keep_a_todo(saver, go):
    out = _faithful_src(_owner(saver, go))
    assert TODO_MARKER in out
    assert not undefined_names(out) - {"other_sess"}
    _idempotent(out)


def test_model_made_by_two_owners_is_not_followed():
    src = _owner() + "\n\nclass Other:\n    def make(self):\n        self.net = Net()\n"
    out = _faithful_src(src)
    assert TODO_MARKER in out and "never instantiated" in out


# -- slow: the migrated program runs / verify ----------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["goldfed_numerics_class.py", "goldfed_owner_class.py"])
def test_equivalent_to_tf1(tmp_path, name):
    # verify: the same weights give the same forward outputs and the same optimizer step as TF1
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / name
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))


@pytest.mark.slow
def test_numerics_check_raises_on_a_nan_step(tmp_path):
    # a learning rate that blows the weights up: TF1's check op raised InvalidArgumentError, the
    # migrated step raises TF1InvalidArgumentError (caught, printed and re-raised by the program)
    import os
    import subprocess
    import sys

    src = (FIX / "goldfed_numerics_class.py").read_text().replace("learning_rate=0.03", "learning_rate=1e30")
    (tmp_path / "migrated.py").write_text(_faithful_src(src))
    env = dict(os.environ, TFM_EVAL_OUT=str(tmp_path / "e.npz"), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    p = subprocess.run([sys.executable, str(tmp_path / "migrated.py")], env=env, cwd=tmp_path, capture_output=True,
                       text=True, timeout=600)
    assert p.returncode != 0
    assert "non-finite value in the step: check_numerics" in p.stdout
    assert "TF1InvalidArgumentError" in p.stderr
