"""Held-out forms of issue 10 (session 32, helper "ptbclass"): the PTB tutorial's learning-rate
variable in its CLASS form (TF's ptb_word_lm.py ``PTBModel`` and the sentence-similarity
repositories derived from it): ``self._lr = tf.Variable(0.0, trainable=False)`` given to the
class's optimizer, ``self._lr_update = tf.assign(self._lr, self._new_lr)`` run by ``assign_lr(self,
session, lr_value)``, ``@property lr`` read by ``session.run(m.lr)``. The module-level form is
tests/test_heldout_forms_kw.py's. Regression tier: no TensorFlow; slow: verify and AUCs."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import migrate_text, undefined_names

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_kw"
RATE_CLASS = FIX / "ptb_rate_variable_class.py"

_run = functools.partial(migrate_text, name="pc.py")


def _code(out: str) -> str:
    return out.split('"""', 2)[2]  # past the module docstring


@pytest.mark.parametrize("fixes", [False, True])
def test_class_rate_variable_becomes_the_optimizers_learning_rate(fixes):
    # before: 14 TODO (TFM144 "scalar placeholder self._new_lr: read outside a training= / keep_prob /
    # optimizer learning-rate argument" on the whole class, TFM100 tf.Variable / tf.assign / Session)
    out = _run(RATE_CLASS.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out) and not undefined_names(out)
    assert "self._lr = 0.0  # TF1's rate variable" in out
    assert "keras.optimizers.SGD(learning_rate=self._lr)" in out
    # the method setting it: its session parameter goes with its run, and so do the callers' arguments
    assert "    def assign_lr(self, lr_value):\n        self._train_op.optimizer.learning_rate = lr_value\n" in out
    assert "m.assign_lr(config.learning_rate * lr_decay)" in out
    assert "keras.ops.convert_to_numpy(m._train_op.optimizer.learning_rate)" in out
    # properties read through a function given the instance (run_epoch(session, model, ..))
    assert "cost = model._train_op.train_on_batch([xa[i:i + batch], xb[i:i + batch], s[i:i + batch]])" in out
    code = _code(out)
    assert "_new_lr" not in code and "_lr_update" not in code and "session" not in code
    assert _run(out, fixes) in (None, out)


_SPELLINGS = {
    # the PTB tutorial's step: clipped gradients of tf.trainable_variables() applied
    "clipped_apply_gradients": [(
        "        self._train_op = optimizer.minimize(self._cost)\n",
        "        tvars = tf.trainable_variables()\n"
        "        grads, _ = tf.clip_by_global_norm(tf.gradients(self._cost, tvars), 5.0)\n"
        "        self._train_op = optimizer.apply_gradients(zip(grads, tvars))\n")],
    # ... counting a global step (tf.train / tf.contrib.framework get_or_create_global_step)
    "clipped_apply_gradients_global_step": [(
        "        self._train_op = optimizer.minimize(self._cost)\n",
        "        tvars = tf.trainable_variables()\n"
        "        grads, _ = tf.clip_by_global_norm(tf.gradients(self._cost, tvars), 5.0)\n"
        "        self._train_op = optimizer.apply_gradients(\n"
        "            zip(grads, tvars), global_step=tf.contrib.framework.get_or_create_global_step())\n")],
    "optimizer_attribute": [(
        "        optimizer = tf.train.GradientDescentOptimizer(self._lr)\n"
        "        self._train_op = optimizer.minimize(self._cost)\n",
        "        self.optimizer = tf.train.GradientDescentOptimizer(self._lr)\n"
        "        self._train_op = self.optimizer.minimize(self._cost)\n")],
    # PTBModel's ``if not is_training: return`` before the rate (one training instance)
    "early_return": [("    def __init__(self, config):\n", "    def __init__(self, is_training, config):\n"),
                     ("        self._lr = tf.Variable(0.0, trainable=False)\n",
                      "        if not is_training:\n            return\n\n        self._lr = tf.Variable(0.0, trainable=False)\n"),
                     ("m = SiameseRegressor(config)", "m = SiameseRegressor(is_training=True, config=config)")],
    "variable_assign_method": [("tf.assign(self._lr, self._new_lr)", "self._lr.assign(self._new_lr)")],
    "adam_keyword": [("tf.train.GradientDescentOptimizer(self._lr)",
                      "tf.train.AdamOptimizer(learning_rate=self._lr)")],
    # public attribute, no property (several sentence-similarity repositories)
    "public_attribute": [("self._lr = tf.Variable", "self.lr = tf.Variable"),
                         ("GradientDescentOptimizer(self._lr)", "GradientDescentOptimizer(self.lr)"),
                         ("tf.assign(self._lr,", "tf.assign(self.lr,"),
                         ("    @property\n    def lr(self):\n        return self._lr\n\n", "")],
    # the assign op run outside the class (the method gone)
    "run_outside": [("        m.assign_lr(session, config.learning_rate * lr_decay)\n",
                     "        session.run(m._lr_update, feed_dict={m._new_lr: config.learning_rate * lr_decay})\n"),
                    ("    def assign_lr(self, session, lr_value):\n"
                     "        session.run(self._lr_update, feed_dict={self._new_lr: lr_value})\n\n", "")],
}


def _variant(reps) -> str:
    src = RATE_CLASS.read_text()
    for a, b in reps:
        assert a in src, a
        src = src.replace(a, b)
    return src


@pytest.mark.parametrize("name", sorted(_SPELLINGS))
def test_class_rate_variable_spellings_translate(name):
    out = _run(_variant(_SPELLINGS[name]), False)
    assert TODO_MARKER not in out and not legacy_refs_outside_todo(out) and not undefined_names(out)
    assert "._train_op.optimizer.learning_rate = " in out
    assert "keras.ops.convert_to_numpy(m._train_op.optimizer.learning_rate)" in out
    assert _run(out, False) in (None, out)


_DECLINED = {
    # the rate read outside a run (m.lr would be the float, not the optimizer's current rate)
    "read_outside_a_run": [("        xa, xb, s = pairs(train_idx, 640)\n",
                            "        xa, xb, s = pairs(train_idx, 640)\n        print(m.lr)\n")],
    # the assign run's result used
    "set_result_used": [("        session.run(self._lr_update, feed_dict={self._new_lr: lr_value})",
                         "        return session.run(self._lr_update, feed_dict={self._new_lr: lr_value})")],
    # the variable read by something else than the optimizer and its assign
    "summary": [("        optimizer = tf.train", "        tf.summary.scalar('lr', self._lr)\n        optimizer = tf.train")],
    # a trainable variable: the loss' business
    "trainable": [("tf.Variable(0.0, trainable=False)", "tf.Variable(0.0, trainable=True)")],
    # the rate fetched with a model tensor
    "fetched_with_the_cost": [("session.run(m.lr)",
                               "session.run([m.lr, m.cost], {m.left: xa_te, m.right: xb_te, m.target: same_te})")],
    # evaluated by .eval() (not a session run)
    "eval": [("session.run(m.lr)", "m.lr.eval()")],
    # the placeholder fed to a training run too
    "placeholder_fed_elsewhere": [("model.target: s[i:i + batch]}", "model.target: s[i:i + batch], model._new_lr: 0.1}")],
}


@pytest.mark.parametrize("name", sorted(_DECLINED))
def test_class_rate_variable_read_otherwise_stays_tf1(name):
    out = _run(_variant(_DECLINED[name]), False)
    assert TODO_MARKER in out and "optimizer.learning_rate = " not in out
    assert not legacy_refs_outside_todo(out) and not undefined_names(out)
    assert _run(out, False) in (None, out)


def test_function_given_the_instance_reads_its_properties():
    # ``run_epoch(session, model, ..)`` fetching ``model.cost`` (a property returning self._cost): before,
    # TFM144 removed the session parameter but kept the run with a TODO ("not a tensor of the graph"),
    # leaving ``session`` undefined in the function
    src = _variant([("        self._lr = tf.Variable(0.0, trainable=False)\n", ""),
                    ("GradientDescentOptimizer(self._lr)", "GradientDescentOptimizer(0.3)"),
                    ("        self._new_lr = tf.placeholder(tf.float32, shape=[], name='new_learning_rate')\n", ""),
                    ("        self._lr_update = tf.assign(self._lr, self._new_lr)\n", ""),
                    ("    def assign_lr(self, session, lr_value):\n"
                     "        session.run(self._lr_update, feed_dict={self._new_lr: lr_value})\n\n", ""),
                    ("    @property\n    def lr(self):\n        return self._lr\n\n", ""),
                    ("        m.assign_lr(session, config.learning_rate * lr_decay)\n", ""),
                    ("        print('Epoch: %d Learning rate: %.3f' % (i + 1, session.run(m.lr)))\n", "")])
    out = _run(src, False)
    assert TODO_MARKER not in out and not legacy_refs_outside_todo(out) and not undefined_names(out)
    assert "cost = model._train_op.train_on_batch(" in out and "session" not in _code(out)


@pytest.mark.slow
def test_class_rate_variable_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(RATE_CLASS, tmp_path)


@pytest.mark.slow
def test_class_rate_variable_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(RATE_CLASS, _run(RATE_CLASS.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs
