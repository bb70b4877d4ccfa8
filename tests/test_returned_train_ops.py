"""A train op that a function or method of the file builds and RETURNS (``loss, train_op, out =
build(x, y)``): TF1 runs it as a training step wherever it is fetched. Two forms real programs
take - a graph-builder function called at module level, a model object whose ``train()`` method
ends with ``minimize`` - and what the migration makes of each: the first becomes one Keras
program (TFM196 writes the builder at its call), the second stays TF1 with a reason; neither may
turn the run of the train op into a prediction of it. Fast tier, text only."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURES = Path(__file__).parent / "fixtures" / "real_sweep"
MODEL_FN = (FIXTURES / "model_fn_config_params.py").read_text()

BUILDER = (FIXTURES / "builder_module_level.py").read_text()


@pytest.mark.parametrize("fixes", [False, True])
def test_a_builder_called_at_module_level_becomes_one_keras_program(fixes):
    out = migrate_text(BUILDER, fixes)
    assert TODO_MARKER not in out and "tf." not in out
    assert "def build(" not in out and "train_on_batch(X, Y)" in out
    assert "predict_on_batch([X, Y])" not in out  # the train op is no tensor to predict
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


OBJECT = '''import numpy as np
import tensorflow as tf


class Net(object):
    def __init__(self, lr):
        self._lr = lr

    def _build(self, x):
        return tf.layers.dense(tf.layers.dense(x, 8, activation=tf.nn.relu), 2)

    def train(self, x):
        out = self._build(x)
        loss = tf.reduce_sum(tf.square(out[:16] - out[16:]))
        step = tf.train.AdamOptimizer(self._lr).minimize(loss)
        return loss, step, out


def main():
    x = tf.placeholder(tf.float32, [32, 4])
    net = Net(0.01)
    loss, step, out = net.train(x)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(10):
            _, l = sess.run([step, loss], feed_dict={x: np.ones((32, 4))})
        print(sess.run(out, feed_dict={x: np.ones((32, 4))}))


main()
'''


@pytest.mark.parametrize("fixes", [False, True])
def test_a_model_object_whose_train_method_returns_its_step_becomes_one_keras_program(fixes):
    """TFM187 writes the object's methods as module functions (``net.train(x)`` -> ``net_train(x)``,
    ``self._lr`` -> the constructor's 0.01) and TFM196 the train function at its call: one Keras
    program. It was TF1 with a TODO - and before that the run of the train op had become
    ``predict_on_batch`` of the optimizer call's result (a run that would not train)."""
    out = migrate_text(OBJECT, fixes)
    assert TODO_MARKER not in out and "tf." not in out
    assert "predict_on_batch(np.ones((32, 4)))" in out and "tf1_fetches" not in out
    assert "l = model.train_on_batch(np.ones((32, 4)))" in out
    assert "learning_rate=0.01" in out and "class Net" not in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_train_op_a_method_returns_is_never_evaluated_as_a_tensor(fixes):
    """Where the object cannot be written out (its constructor makes a session: the trainer
    classes' form, TFM156's), the method's minimize stays TF1 and the run says why - it was
    translated into ``predict_on_batch`` of the optimizer call's result."""
    src = OBJECT.replace("        self._lr = lr\n", "        self._lr = lr\n        self._log = open('log.txt', 'w')\n")
    out = migrate_text(src, fixes)
    assert "predict_on_batch" not in out and "tf1_fetches" not in out
    assert "_, l = sess.run([step, loss], feed_dict={x: np.ones((32, 4))})" in out
    assert "sess.run fetches step, the training op train() builds with minimize" in " ".join(
        line.strip().lstrip("# ") for line in out.splitlines())
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_model_fn_with_scopes_config_tests_and_a_raise_is_written_at_its_call(fixes):
    """The Estimator-style model function (tests/fixtures/real_sweep/model_fn_config_params.py):
    the ``with variable_scope`` block rebinding a parameter, ``if params.strategy == ...: ... else:
    raise``, ``if params.use_batch_norm:`` around two minimize calls. Before: no builder with a
    compound statement (or a module-level call) was written at its call, and the run of the
    returned train op was translated into a prediction of it."""
    out = migrate_text(MODEL_FN, fixes)
    assert TODO_MARKER not in out and "tf." not in out and "def model_fn(" not in out
    assert "model.train_on_batch(X, Y)" in out
    assert "use_batch_norm:" not in out and "raise ValueError" not in out  # decided: one value per run
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def _variant(old: str, new: str) -> str:
    assert old in MODEL_FN
    return MODEL_FN.replace(old, new)


def test_a_configuration_attribute_assigned_somewhere_decides_nothing():
    """``params.use_batch_norm = False`` anywhere in the file: the class attribute is not the
    value every run sees - the ``if`` stays as written (and, two train ops, TF1)."""
    src = _variant("    params = Params()\n", "    params = Params()\n    params.use_batch_norm = False\n")
    out = migrate_text(src, False)
    assert "if params.use_batch_norm:" in out
    assert not undefined_names(out)


def test_a_parameter_rebound_in_an_if_is_not_written_at_the_call():
    """A parameter rebound inside an ``if`` the call does not decide: after the ``if`` its
    value depends on the branch - the builder is not written at its call."""
    src = _variant("    labels = tf.cast(labels, tf.float32)\n",
                   "    if labels.dtype != tf.float32:\n        labels = tf.cast(labels, tf.float32)\n")
    out = migrate_text(src, False)
    assert "def model_fn(features, labels, mode, params):" in out
    assert not undefined_names(out)
    assert_idempotent(out, False)


TWO_CALLS = '''import tensorflow as tf


def training(loss, learning_rate):
    """The optimization step."""
    optimizer = tf.train.GradientDescentOptimizer(learning_rate)
    train_op = optimizer.minimize(loss)
    return train_op

    return None


def train_a(X, Y):
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.float32, [None, 1])
    out = tf.layers.dense(x, 1)
    loss = tf.reduce_mean(tf.square(out - y))
    op = training(loss, 0.1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(3):
            sess.run(op, feed_dict={x: X, y: Y})
        return sess.run(out, feed_dict={x: X})


def train_b(X, Y):
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.float32, [None, 1])
    out = tf.layers.dense(tf.layers.dense(x, 8, activation=tf.nn.relu), 1)
    loss = tf.reduce_mean(tf.abs(out - y))
    op = training(loss, 0.05)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(3):
            _, l = sess.run([op, loss], feed_dict={x: X, y: Y})
        return l
'''


@pytest.mark.parametrize("fixes", [False, True])
def test_an_optimizer_helper_called_by_two_programs_is_written_at_each_call(fixes):
    """``def training(loss, lr)`` (the TF tutorials' form, a template's dead ``return`` left after
    the real one) called by two training functions: each call made its own optimizer and step."""
    out = migrate_text(TWO_CALLS, fixes)
    assert TODO_MARKER not in out and "def training(" not in out
    assert out.count("keras.optimizers.SGD(learning_rate=0.1)") == 1
    assert out.count("keras.optimizers.SGD(learning_rate=0.05)") == 1
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def test_a_builder_making_weights_called_twice_is_not_written_at_its_calls():
    """The same helper making a layer too: two calls are two towers' worth of weights - the
    sharing rules' business, not this rewrite's (the function stays)."""
    src = TWO_CALLS.replace("    optimizer = tf.train.GradientDescentOptimizer(learning_rate)\n",
                            "    loss = loss + tf.reduce_sum(tf.layers.dense(tf.ones([1, 2]), 1))\n"
                            "    optimizer = tf.train.GradientDescentOptimizer(learning_rate)\n")
    out = migrate_text(src, False)
    assert "def training(loss, learning_rate):" in out
    assert not undefined_names(out)
