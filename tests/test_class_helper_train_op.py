"""TF1 model classes in kym343/Siamese-Network-TensorFlow's shape (TFM144, TFM136, TFM130): a class
given its session (``self.sess = sess``) and running it in its own ``train_step``; the train op built
by a helper method from its loss PARAMETER and grouped with the batch-norm update ops
(``tf.group(*[train_op] + self._ops)``); a step counter + ``tf.where`` learning-rate schedule inside
that method; a ``train_mode`` placeholder no op reads (``is_train is True``); a weight decay over
``tf.trainable_variables()`` filtered by the end of the TF1 names. Static checks are fast; the
legacy-vs-Keras run (same constant initial weights) is slow."""
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

PROGRAM = '''import json
import sys

import numpy as np
import tensorflow as tf
from tensorflow.python.training import moving_averages


def linear(x, out, name):
    with tf.variable_scope(name):
        w = tf.get_variable('w', [x.get_shape()[-1], out], initializer=tf.constant_initializer(0.1))
        b = tf.get_variable('b', [out], initializer=tf.constant_initializer(0.0))
        return tf.matmul(x, w) + b


def batch_norm(x, name, _ops, is_train=True):
    with tf.variable_scope(name):
        shape = [x.get_shape()[-1]]
        beta = tf.get_variable('beta', shape, tf.float32, initializer=tf.constant_initializer(0.0))
        gamma = tf.get_variable('gamma', shape, tf.float32, initializer=tf.constant_initializer(1.0))
        if is_train is True:
            mean, variance = tf.nn.moments(x, [0], name='moments')
            moving_mean = tf.get_variable('moving_mean', shape, tf.float32,
                                          initializer=tf.constant_initializer(0.0), trainable=False)
            moving_variance = tf.get_variable('moving_variance', shape, tf.float32,
                                              initializer=tf.constant_initializer(1.0), trainable=False)
            _ops.append(moving_averages.assign_moving_average(moving_mean, mean, 0.9))
            _ops.append(moving_averages.assign_moving_average(moving_variance, variance, 0.9))
        else:
            mean = tf.get_variable('moving_mean', shape, tf.float32,
                                   initializer=tf.constant_initializer(0.0), trainable=False)
            variance = tf.get_variable('moving_variance', shape, tf.float32,
                                       initializer=tf.constant_initializer(1.0), trainable=False)
        return tf.nn.batch_normalization(x, mean, variance, beta, gamma, 1e-5)


class Net(object):
    def __init__(self, sess, lr, wd):
        self.sess = sess
        self.lr = lr
        self.wd = wd
        self._ops = []
        self._build()

    def _build(self):
        self.is_train = tf.placeholder(tf.bool, name='is_train')
        self.x = tf.placeholder(tf.float32, [None, 4])
        self.y = tf.placeholder(tf.float32, [None, 1])
        with tf.variable_scope('net'):
            h = tf.nn.relu(batch_norm(linear(self.x, 3, 'fc1'), 'bn1', self._ops, is_train=self.is_train))
            self.out = linear(h, 1, 'fc2')
        self.mse = tf.reduce_mean(tf.square(self.out - self.y))
        decayed = [v for v in tf.trainable_variables() if v.name.endswith('/w:0')]
        self.reg = self.wd * tf.reduce_mean([tf.nn.l2_loss(v) for v in decayed])
        self.loss = self.mse + self.reg
        train_op = self.optimizer_fn(self.loss, name='Adam')
        self.optim = tf.group(*[train_op] + self._ops)

    def optimizer_fn(self, loss, name=None):
        with tf.variable_scope(name):
            global_step = tf.Variable(0, dtype=tf.float32, trainable=False)
            lr = tf.where(tf.greater_equal(global_step, 3.0),
                          tf.train.polynomial_decay(self.lr, global_step - 3.0, 5.0, 0.0, power=1.0), self.lr)
            step = tf.train.AdamOptimizer(lr, beta1=0.5).minimize(loss, global_step=global_step)
        return step

    def train_step(self, X, Y):
        feed = {self.x: X, self.y: Y, self.is_train: True}
        _, loss, reg = self.sess.run([self.optim, self.loss, self.reg], feed_dict=feed)
        return loss, reg


def main(path):
    rng = np.random.RandomState(0)
    X = rng.rand(16, 4).astype(np.float32)
    Y = X.sum(axis=1, keepdims=True) * 0.5
    sess = tf.Session()
    net = Net(sess, 0.05, 0.1)
    sess.run(tf.global_variables_initializer())
    losses, regs = [], []
    for i in range(8):
        loss, reg = net.train_step(X, Y)
        losses.append(float(loss))
        regs.append(float(reg))
    pred = sess.run(net.out, feed_dict={net.x: X, net.is_train: False})
    sess.close()
    with open(path, "w") as f:
        json.dump({"loss": losses, "reg": regs, "pred": np.asarray(pred).ravel().tolist()}, f)


if __name__ == "__main__":
    main(sys.argv[1])
'''


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, "p.py", Options(wrap_lines=False, fixes=fixes))
    assert res.status == "migrated", res.reason
    return res.code


def test_class_program_translates_completely():
    for fixes in (False, True):
        out = _migrate(PROGRAM, fixes)
        compile(out, "p.py", "exec")
        assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
        assert "import tensorflow" not in out and "moving_averages" not in out
        # the session the class was given goes: parameter, attribute, argument
        assert "def __init__(self, lr, wd):" in out and "self.sess" not in out and "Net(0.05, 0.1)" in out
        # the flag no TF1 op read: an unconnected keras.Input (the same `is True` answer)
        assert "self.is_train = keras.Input(shape=(), dtype='bool')" in out
        # the helper method builds the LossModel from its loss parameter; the group is the model
        assert "step = LossModel([self.x, self.y], loss)" in out
        assert "self.optim = train_op\n" in out and "tf.group" not in out
        # the counter is the optimizer's iterations (TF1 read start + n in the n-th run)
        assert "@StepSchedule\n        def lr(iterations):\n" \
               "            global_step = keras.ops.cast(iterations, 'float32')" in out
        assert "learning_rate=lr" in out
        # the fetched tensors: the same batch before the update, then the step
        assert "loss, reg = tf1_fetches([self.x, self.y], [self.loss, self.reg]).predict_on_batch([X, Y])\n" \
               "        self.optim.train_on_batch([X, Y])" in out
        # the weight decay: Keras weights named as TF1 named them, the same filter
        assert ("decayed = [v for v in tf1_trainable_variables(self, {('Dense', 'bias'): 'b', ('Dense', 'kernel'): 'w', "
                "('FixedModeBatchNormalization', 'beta'): 'beta', ('FixedModeBatchNormalization', 'gamma'): 'gamma'}) "
                "if v.name.endswith('/w:0')]") in out
        assert "keras.ops.mean(keras.ops.stack([keras.ops.sum(keras.ops.square(v)) / 2 for v in decayed]))" in out
        assert migrate_source(out, "p.py", Options(wrap_lines=False, fixes=fixes)).code == out  # idempotent


@pytest.mark.parametrize("edit, why", [
    # the filter reads the scope part of the TF1 names: the helper does not reproduce it
    (("endswith('/w:0')", "endswith('fc1/w:0')"), "tf.trainable_variables() kept: the filter reads the scope"),
    (("v.name.endswith('/w:0')", "'fc1' in v.name"), "the filter reads more than the end"),
    # the flag is read by an op: not inert (and no training= / keep_prob use either)
    (("h = tf.nn.relu(batch_norm(", "h = tf.nn.relu(tf.cast(self.is_train, tf.float32) * batch_norm("),
     "placeholder kept"),
    # something other than batch-norm updates grouped with the train op
    (("self.optim = tf.group(*[train_op] + self._ops)", "self.optim = tf.group(*[train_op, self.out])"),
     "grouped with ops that are not batch-norm updates"),
    # the session attribute read elsewhere
    (("        return loss, reg\n", "        print(self.sess)\n        return loss, reg\n"),
     "self.sess is read other than by its runs"),
    # ... or runs something else than the class's tensors (its own initializer)
    (("    def train_step(self, X, Y):\n", "    def init(self):\n        self.sess.run(tf.global_variables_initializer())\n\n"
      "    def train_step(self, X, Y):\n"), "self.sess is read other than by its runs"),
])
def test_what_is_not_understood_stays_marked(edit, why):
    src = PROGRAM.replace(*edit)
    assert src != PROGRAM
    out = _migrate(src)
    assert TODO_MARKER in out and why in out, out
    assert migrate_source(out, "p.py", Options(wrap_lines=False, fixes=False)).code == out


def _run(cmd: list[str], cwd: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               TF_NUM_INTEROP_THREADS="1", TF_NUM_INTRAOP_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run(cmd + [str(cwd / "out.json")], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((cwd / "out.json").read_text())


@pytest.mark.slow
def test_class_program_trains_like_tf1(tmp_path):
    """Per-step loss and weight decay, and the predictions after 8 steps, equal TF1's: the schedule
    switches to a polynomial decay at step 3, the batch norm keeps its moving statistics (the flag
    is never `True`), the decay reads the kernels' values at each step."""
    (tmp_path / "legacy.py").write_text(PROGRAM)
    migrated = _migrate(PROGRAM)
    (tmp_path / "migrated.py").write_text(migrated)
    legacy = _run([sys.executable, "-m", "migrator.legacy.run", str(tmp_path / "legacy.py")], tmp_path)
    keras = _run([sys.executable, str(tmp_path / "migrated.py")], tmp_path)
    assert len(keras["loss"]) == len(legacy["loss"]) == 8
    for k in ("loss", "reg", "pred"):
        for a, b in zip(keras[k], legacy[k]):
            assert a == pytest.approx(b, rel=1e-4, abs=1e-6), k
    assert len(set(round(r, 6) for r in legacy["reg"])) == 8  # the decay term follows the weights
    # negative control: the schedule one step late trains differently from step 4 on
    late = migrated.replace("global_step = keras.ops.cast(iterations, 'float32')",
                            "global_step = keras.ops.cast(iterations, 'float32') - 1.0")
    assert late != migrated
    (tmp_path / "late.py").write_text(late)
    off = _run([sys.executable, str(tmp_path / "late.py")], tmp_path)
    assert any(a != pytest.approx(b, rel=1e-3) for a, b in zip(off["loss"], legacy["loss"]))
