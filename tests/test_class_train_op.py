"""TF1 model classes whose train op is built by another method (TFM144 / TF1Classes): a base
class's ``get_train_op`` (tf.gradients over tf.trainable_variables), returned into
``self.train_op`` by the class's own method; which instances build it; why a class stays TF1
(runs inside the class, instances sharing one graph's variables). Fast: no TensorFlow."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]

_CLASS = '''import tensorflow as tf


class Net(object):
    def __init__(self):
        self.x = tf.placeholder(tf.float32, [None, 4])
        self.y = tf.placeholder(tf.float32, [None, 2])
        self.out = tf.layers.dense(self.x, 2)

    def get_train_op(self):
        opt = tf.train.AdamOptimizer(0.01)
        loss = tf.reduce_mean(tf.square(self.out - self.y))
        train_op = opt.minimize(loss)
        return train_op

    def create_train_model(self):
        self.train_op = self.get_train_op()

'''


def _migrate(src: str) -> str:
    res = migrate_source(src, "m.py", Options(wrap_lines=False, fixes=False))
    assert res.status == "migrated", res.reason
    return res.code


def test_only_the_instance_that_builds_the_train_op_trains():
    # b never calls create_train_model: one train op (a's), b's output is its own untrained graph
    out = _migrate(_CLASS + '''
a = Net()
a.create_train_model()
b = Net()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(10):
        sess.run(a.train_op, feed_dict={a.x: X, a.y: Y})
    pred = sess.run(b.out, feed_dict={b.x: X})
''')
    assert TODO_MARKER not in out
    assert "        train_op = LossModel([self.x, self.y], loss)\n        train_op.compile(optimizer=opt)\n" \
           "        return train_op\n" in out
    assert "    a.train_op.train_on_batch([X, Y])\n" in out
    assert "pred = keras.Model(b.x, b.out).predict_on_batch(X)\n" in out


def test_session_run_inside_the_class_is_named():
    # the session is an attribute of the instance, not a parameter: not followed, and said so
    out = _migrate(_CLASS.replace("    def create_train_model(self):", '''    def train_epoch(self):
        self.sess.run(self.train_op, feed_dict={self.x: X, self.y: Y})

    def create_train_model(self):''') + '''
a = Net()
a.create_train_model()
with tf.Session() as sess:
    a.sess = sess
    sess.run(tf.global_variables_initializer())
    a.train_epoch()
''')
    assert "class Net: train_epoch() runs a session on its own tensors (self.sess is not assigned once in __init__)" \
        in out
    # bound in __init__ too, but rebound from outside: still not the object's own session
    out = _migrate(_CLASS.replace("    def create_train_model(self):", '''    def train_epoch(self):
        self.sess.run(self.train_op, feed_dict={self.x: X, self.y: Y})

    def create_train_model(self):''').replace("    def __init__(self):\n", "    def __init__(self):\n"
                                               "        self.sess = tf.Session()\n") + '''
a = Net()
a.create_train_model()
with tf.Session() as sess:
    a.sess = sess
    sess.run(tf.global_variables_initializer())
    a.train_epoch()
''')
    assert "class Net: train_epoch() runs a session on its own tensors (self.sess is bound outside the class)" in out


def test_instances_sharing_get_variable_scopes_are_named():
    src = _CLASS.replace("self.out = tf.layers.dense(self.x, 2)",
                         "with tf.variable_scope('net', reuse=tf.AUTO_REUSE):\n"
                         "            w = tf.get_variable('w', [4, 2])\n"
                         "            self.out = tf.matmul(self.x, w)")
    out = _migrate(src + '''
a = Net()
a.create_train_model()
b = Net()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(a.train_op, feed_dict={a.x: X, a.y: Y})
    pred = sess.run(b.out, feed_dict={b.x: X})
''')
    # TF1 gives b a's variable (AUTO_REUSE): the scope stays as the store's path and the layer
    # comes from TF1's variable store by its full name (translate/tf1_store.py), so b reads a's weights
    assert TODO_MARKER not in out
    assert "with tf1_variable_scope('net', reuse='AUTO_REUSE'):" in out
    assert "self.out = tf1_scoped_layer('w', lambda: keras.layers.Dense(2, use_bias=False))(self.x)" in out
    assert "pred = keras.Model(b.x, b.out).predict_on_batch(X)" in out


def test_instances_sharing_through_an_unnamed_layer_stay():
    # an auto-named tf.layers layer: its TF1 name depends on TF1's per-scope counters - kept, said why
    src = _CLASS.replace("self.out = tf.layers.dense(self.x, 2)",
                         "with tf.variable_scope('net', reuse=tf.AUTO_REUSE):\n"
                         "            self.out = tf.layers.dense(self.x, 2)")
    out = _migrate(src + '''
a = Net()
a.create_train_model()
b = Net()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(a.train_op, feed_dict={a.x: X, a.y: Y})
    pred = sess.run(b.out, feed_dict={b.x: X})
''')
    assert "instances a, b are built into one TF1 graph whose get_variable / variable_scope sharing" in out
    assert "dense without name= (TF1 numbers such layers)" in out
    assert "LossModel" not in out


def test_conan7882_train_op_is_recognised_and_ops_translate():
    src = (ROOT / "tests" / "fixtures" / "realworld" / "conan7882_batchhard.py").read_text()
    out = _migrate(src).split('"""', 2)[2]  # the code after the module docstring
    assert "no train op minimizes its loss" not in out
    # the train op, the lr placeholder and the runs in train_epoch are understood; the training and
    # inference instances share the embedding net through TF1's store (AUTO_REUSE)
    assert TODO_MARKER not in out and "LossModel([self.image, self.label], loss)" in out
    assert "with tf1_variable_scope('embedding_net', reuse='AUTO_REUSE'):" in out
    for gone in ("tf.nn.max_pool", "tf.linalg.tensor_diag_part", "tf.math.count_nonzero", "tf.nn.xw_plus_b",
                 "tf.identity", "tf.nn.relu", "tf.zeros_initializer"):
        assert gone not in out, gone
    assert "keras.ops.max_pool(layer_dict['cur_input'], (filter_size, filter_size), " \
           "strides=(stride, stride), padding=padding.lower())" in out


def test_learning_rate_placeholder_not_fed_by_a_training_run_stays():
    out = _migrate('''import tensorflow as tf


class Net(object):
    def __init__(self):
        self.x = tf.placeholder(tf.float32, [None, 4])
        self.y = tf.placeholder(tf.float32, [None, 2])
        self.lr = tf.placeholder(tf.float32, name='lr')
        self.loss = tf.reduce_mean(tf.square(tf.layers.dense(self.x, 2) - self.y))
        self.train_op = tf.train.AdamOptimizer(self.lr).minimize(self.loss)


net = Net()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(net.train_op, feed_dict={net.x: X, net.y: Y, net.lr: 0.1})
    sess.run(net.train_op, feed_dict={net.x: X, net.y: Y})
''')
    assert "scalar placeholder self.lr: a training run does not feed the learning rate" in out
    assert "learning_rate = " not in out


_TRAIN_EPOCH = "import tensorflow as tf\n\n\nclass Base(object):\n    def get_loss(self):\n        try:\n            return self._loss\n        except AttributeError:\n            self._loss = self._get_loss()\n        return self._loss\n\n    def get_train_op(self):\n        opt = tf.train.AdamOptimizer(self.lr)\n        loss = self.get_loss()\n        var_list = tf.trainable_variables()\n        grads = tf.gradients(loss, var_list)\n        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n        with tf.control_dependencies(update_ops):\n            train_op = opt.apply_gradients(zip(grads, var_list))\n        return train_op\n\n\nclass Net(Base):\n    def create_train_model(self):\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 2])\n        self.lr = tf.placeholder(tf.float32, name='lr')\n        self.out = tf.layers.dense(self.x, 2)\n        self.train_op = self.get_train_op()\n        self.loss_op = self.get_loss()\n\n    def _get_loss(self):\n        return tf.reduce_mean(tf.square(self.out - self.y))\n\n    def train_epoch(self, sess, X, Y, lr):\n        for i in range(10):\n            _, loss = sess.run([self.train_op, self.loss_op], feed_dict={self.lr: lr, self.x: X, self.y: Y})\n        print(loss)\n\n\nnet = Net()\nnet.create_train_model()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    net.train_epoch(sess, X, Y, lr=0.01)\n    pred = sess.run(net.out, feed_dict={net.x: X})\n"


def test_runs_inside_a_method_taking_the_session():
    # conan7882's idiom: BaseModel.get_train_op (tf.gradients over trainable variables under
    # UPDATE_OPS, Adam on an lr placeholder), self.loss_op = self.get_loss(), and
    # train_epoch(self, sess, ...) running [self.train_op, self.loss_op] with lr fed
    out = _migrate(_TRAIN_EPOCH)
    assert TODO_MARKER not in out
    assert "    def train_epoch(self, X, Y, lr):\n" \
           "        for i in range(10):\n" \
           "            self.train_op.optimizer.learning_rate = lr\n" \
           "            loss = self.train_op.train_on_batch([X, Y])\n" in out
    assert "net.train_epoch(X, Y, lr=0.01)\npred = keras.Model(net.x, net.out).predict_on_batch(X)\n" in out
    assert "self.lr = 0.0  # learning-rate placeholder" in out
    assert "train_op = LossModel([self.x, self.y], loss)\n        train_op.compile(optimizer=opt)\n" in out


def test_a_method_run_whose_session_is_used_otherwise_stays():
    src = _TRAIN_EPOCH.replace("        print(loss)\n", "        print(loss, sess)\n")
    out = _migrate(src)
    assert "train_epoch() runs a session on its own tensors (it reads sess other than in those runs)" in out
    assert "LossModel" not in out


def test_a_method_run_called_without_a_session_of_the_file_stays():
    src = _TRAIN_EPOCH.replace("net.train_epoch(sess, X, Y, lr=0.01)", "net.train_epoch(other, X, Y, lr=0.01)")
    out = _migrate(src)
    assert "(a call of net.train_epoch() does not pass a session of this file)" in out


def test_an_attribute_assigned_two_placeholders_stays():
    src = _TRAIN_EPOCH.replace("    def _get_loss(self):", '''    def create_inference_model(self):
        self.x = tf.placeholder(tf.float32, [None, 4])

    def _get_loss(self):''')
    # one instance runs both methods: which placeholder a run feeds is ambiguous - kept
    out = _migrate(src.replace("net.create_train_model()\n", "net.create_train_model()\nnet.create_inference_model()\n"))
    assert "self.x is assigned a placeholder in more than one place that net runs" in out
    assert "LossModel" not in out
    # no instance runs both (here: nobody calls create_inference_model): each statement translates
    out = _migrate(src)
    assert TODO_MARKER not in out and out.count("self.x = keras.Input(shape=(4,))") == 2


def test_minimize_with_the_default_var_list_written_out():
    src = _CLASS.replace("train_op = opt.minimize(loss)", "train_op = opt.minimize(loss, var_list=tf.trainable_variables())")
    out = _migrate(src + '''
a = Net()
a.create_train_model()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(a.train_op, feed_dict={a.x: X, a.y: Y})
''')
    assert TODO_MARKER not in out and "trainable_variables" not in out
    assert "    a.train_op.train_on_batch([X, Y])\n" in out or "a.train_op.train_on_batch([X, Y])\n" in out
    # any other var_list is a subset of the variables: not translated
    out = _migrate(src.replace("var_list=tf.trainable_variables()", "var_list=[w]") + '''
a = Net()
a.create_train_model()
with tf.Session() as sess:
    sess.run(a.train_op, feed_dict={a.x: X, a.y: Y})
''')
    assert "minimize() with var_list/gate arguments" in out


@pytest.mark.slow
def test_train_epoch_translation_runs_under_keras(tmp_path):
    import subprocess
    import sys

    code = _migrate(_TRAIN_EPOCH)
    prog = ("import numpy as np\nrng = np.random.RandomState(0)\n"
            "X = rng.rand(32, 4).astype('float32')\nY = X[:, :2] * 2.0 - 1.0\n" + code +
            "\nimport json\nprint(json.dumps({'lr': float(net.train_op.optimizer.learning_rate), "
            "'pred': list(pred.shape)}))\n")
    # the loss is printed by train_epoch; the learning rate the runs fed must be the optimizer's
    path = tmp_path / "prog.py"
    path.write_text(prog)
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "CUDA_VISIBLE_DEVICES": ""}
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    assert abs(last["lr"] - 0.01) < 1e-6 and last["pred"] == [32, 2]
    printed = float(proc.stdout.strip().splitlines()[-2])
    assert printed == printed and printed < 10.0  # finite loss, from train_on_batch
