"""Forms of round AR, found on the held-out Quora Siamese LSTM program (tests/heldout_programs/AK)
and on round AR's probes written after public TF1 Siamese repositories (a MaLSTM notebook with
``tf.flags``, a CIFAR Siamese trainer with contrib layers and a feedable iterator, a character
bag-of-words Siamese driven by a second class), each of which
kept the migrated program from running or lost what TF1 computed:

* a loss reading a weight itself (``beta * tf.nn.l2_loss(W1)``, ``W1 = tf.get_variable(...)``
  also read by the model): the loss function read the Keras tensor of the weight's layer as a
  global and crashed ("A KerasTensor cannot be used as input to a TensorFlow function") with no
  TODO. The weight is now one more model output the loss is given;
* a weight fetched back under ``reuse=True`` (``with tf.variable_scope('HiddenLayerVars',
  reuse=True): W1 = tf.get_variable('W1')``) in another method: TODO. TFM231's pre-step writes it
  as the variable its one creation made (the creating method's local becomes an attribute); a
  weight made before the tensors its first use reads is placed at that use;
* ``tf.get_variable_scope().reuse_variables()`` as the last statement of a scope (a no-op: TF1's
  reuse flag ends with the block), or before running the same RNN cell object again (one cell,
  one set of weights in TF1 and in Keras): "variable_scope shares variables" TODO. Both go;
* ``grads, _ = tf.clip_by_global_norm(...)`` next to ``_, c = sess.run(...)``: the throwaway
  ``_`` was taken for a tensor of the program reading the dropout placeholder, and the whole
  program stayed TF1 (31 TODO on the MaLSTM probe);
* ``tf.train.GradientDescentOptimizer(lr).apply_gradients(clipped)`` (an optimizer made in
  place) with clipping: the model statement was dropped with a TODO while the runs were
  translated (a name left unbound). The clip is the optimizer's constructor argument now;
* ``tf.contrib.layers.l1_l2_regularizer(s1, s2)`` was TODO, and the regularization-loss read was
  still turned into ``0.0``: the penalty of the layers kept as TF1 code was lost silently. The
  regularizer is ``keras.regularizers.L1L2(l1=s1, l2=s2 / 2)``; a read of the collection stays,
  marked, while a regularized layer stays TF1;
* a driver class owning the graph object and the session (a public Chinese-text Siamese
  repository): ``load_previous_model(self, sess)`` restoring through the session it is given, the
  session kept as ``self.sess`` and handed back from outside (``m.evaluate(m.sess)``), and
  ``return tf.global_variables_initializer()`` from the building method: the whole class stayed
  TF1. The parameter, the attribute and the arguments now go with the session.

Regression tier (no TensorFlow): the text; slow: verify against TF1."""
from __future__ import annotations

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_clean, body, migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

WEIGHT_DECAY = '''import numpy as np
import tensorflow as tf

tf.set_random_seed(0)
x1 = tf.placeholder(tf.float32, [None, 4])
x2 = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None])
with tf.variable_scope("H"):
    W1 = tf.get_variable("W1", shape=[4, 3], initializer=tf.contrib.layers.xavier_initializer())
o1 = tf.matmul(x1, W1)
o2 = tf.matmul(x2, W1)
d = tf.reduce_sum(tf.square(o1 - o2), 1)
loss = tf.reduce_mean(y * d + (1 - y) * tf.maximum(0., 1 - d)) + 0.1 * tf.nn.l2_loss(W1)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
rng = np.random.RandomState(0)
A, B, Y = rng.rand(8, 4), rng.rand(8, 4), (rng.rand(8) > 0.5).astype(np.float32)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(5):
    sess.run(train, feed_dict={x1: A, x2: B, y: Y})
dist = sess.run(d, feed_dict={x1: A, x2: B})
value = sess.run(loss, feed_dict={x1: A, x2: B, y: Y})
'''


@pytest.mark.parametrize("fixes", [False, True])
def test_a_loss_reading_a_weight_is_given_the_weight(fixes):
    out = migrate_text(WEIGHT_DECAY, fixes)
    assert_clean(out, fixes)
    code = body(out)
    assert 'W1 = TF1Variable([4, 3], keras.initializers.GlorotUniform(), tf1_name="W1")(x1)' in code
    assert "def loss(y, W1, d):" in code
    assert "model = TrainingModel([x1, x2], [W1, d], loss)" in code
    # an evaluation of the loss predicts the weight from the input its layer is placed on
    assert "keras.Model(x1, W1).predict_on_batch(A)" in code


FETCH_BACK = '''import numpy as np
import tensorflow as tf


class Model(object):
    def __init__(self, beta):
        self.beta = beta
        self.x = tf.placeholder(tf.float32, [None, 4])
        self.y = tf.placeholder(tf.float32, [None, 2])
        self.pred = self.add_prediction_op()
        self.loss = self.add_loss_op(self.pred)
        self.train_op = tf.train.GradientDescentOptimizer(0.1).minimize(self.loss)

    def add_prediction_op(self):
        init = tf.contrib.layers.xavier_initializer()
        with tf.variable_scope("HiddenLayerVars"):
            b1 = tf.get_variable("b1", initializer=init, shape=[1, 8])
            W1 = tf.get_variable("W1", initializer=init, shape=[4, 8])
            W2 = tf.get_variable("W2", initializer=init, shape=[8, 2])
            tf.get_variable_scope().reuse_variables()
        h = tf.nn.relu(self.x * 2.0)
        e1 = tf.nn.relu(tf.matmul(h, W1) + b1)
        return tf.matmul(e1, W2)

    def add_loss_op(self, pred):
        loss = tf.reduce_mean(tf.square(pred - self.y))
        with tf.variable_scope("HiddenLayerVars", reuse=True):
            W1 = tf.get_variable("W1")
            W2 = tf.get_variable("W2")
        return loss + self.beta * tf.nn.l2_loss(W1) + self.beta * tf.nn.l2_loss(W2)


tf.set_random_seed(0)
model = Model(0.05)
rng = np.random.RandomState(0)
X, Y = rng.rand(8, 4), rng.rand(8, 2)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(5):
    sess.run(model.train_op, feed_dict={model.x: X, model.y: Y})
out = sess.run(model.pred, feed_dict={model.x: X})
'''


@pytest.mark.parametrize("fixes", [False, True])
def test_a_weight_fetched_back_is_the_weight_its_creation_made(fixes):
    out = migrate_text(FETCH_BACK, fixes)
    assert_clean(out, fixes)
    code = body(out)
    # made where its first use reads a tensor (h), an attribute of the object the loss reads
    assert 'self.W1 = TF1Variable([4, 8], init, tf1_name="W1")(h)' in code
    assert code.index("h = keras.ops.relu(self.x * 2.0)") < code.index("self.W1 = TF1Variable(")
    assert "keras.ops.sum(keras.ops.square(self.W1)) / 2" in code
    assert "variable_scope" not in code and "reuse_variables" not in code


def test_the_fetch_back_pre_step_writes_the_same_tf1_program():
    import libcst as cst

    from migrator.analysis.fetched_variables import share_fetched_variables

    out = share_fetched_variables(cst.parse_module(FETCH_BACK)).code
    assert 'self.W1 = tf.get_variable("W1", initializer=init, shape=[4, 8])' in out
    assert "e1 = tf.nn.relu(tf.matmul(h, self.W1) + b1)" in out
    assert "return loss + self.beta * tf.nn.l2_loss(self.W1) + self.beta * tf.nn.l2_loss(self.W2)" in out
    assert 'variable_scope("HiddenLayerVars", reuse=True)' not in out


@pytest.mark.parametrize("change", [
    # a second creation of the name: which variable the fetch gets depends on the callers' scopes
    ('        h = tf.nn.relu(self.x * 2.0)\n',
     '        h = tf.nn.relu(self.x * 2.0)\n        W9 = tf.get_variable("W1", shape=[4, 8])\n'),
    # the creating method called twice: two variables under two outer scopes
    ("        self.pred = self.add_prediction_op()\n",
     "        self.pred = self.add_prediction_op()\n        self.other = self.add_prediction_op()\n"),
    # the fetch's scope path differs from the creation's
    ('with tf.variable_scope("HiddenLayerVars", reuse=True):', 'with tf.variable_scope("Other", reuse=True):'),
])
def test_a_fetch_back_whose_creation_is_not_certain_stays(change):
    import libcst as cst

    from migrator.analysis.fetched_variables import share_fetched_variables

    src = FETCH_BACK.replace(*change)
    assert src != FETCH_BACK
    new = share_fetched_variables(cst.parse_module(src))
    assert new is None or 'W1 = tf.get_variable("W1")' in new.code


RNN_SCOPE = '''import numpy as np
import tensorflow as tf

x1 = tf.placeholder(tf.float32, [None, 5, 3])
x2 = tf.placeholder(tf.float32, [None, 5, 3])
y = tf.placeholder(tf.float32, [None])
cell = tf.nn.rnn_cell.BasicLSTMCell(4)
with tf.variable_scope("LSTM"):
    _, (_, h1) = tf.nn.dynamic_rnn(cell, x1, dtype=tf.float32)
    tf.get_variable_scope().reuse_variables()
    _, (_, h2) = tf.nn.dynamic_rnn(cell, x2, dtype=tf.float32)
d = tf.reduce_sum(tf.square(h1 - h2), 1)
loss = tf.reduce_mean(y * d + (1 - y) * tf.maximum(0., 1 - d))
train = tf.train.AdamOptimizer(0.01).minimize(loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(3):
    sess.run(train, feed_dict={x1: np.ones((2, 5, 3)), x2: np.zeros((2, 5, 3)), y: np.ones(2)})
'''


def test_a_cell_run_again_after_the_switch_shares_through_the_object():
    out = migrate_text(RNN_SCOPE)
    assert_clean(out)
    code = body(out)
    assert "variable_scope" not in code and "reuse_variables" not in code
    assert code.count("= tf1_dynamic_rnn(cell, x") == 2


def test_a_new_cell_after_the_switch_still_needs_the_shared_encoder():
    # a second cell object under reuse takes the first one's variables by name in TF1
    src = RNN_SCOPE.replace("    _, (_, h2) = tf.nn.dynamic_rnn(cell, x2,",
                            "    other = tf.nn.rnn_cell.BasicLSTMCell(4)\n    _, (_, h2) = tf.nn.dynamic_rnn(other, x2,")
    out = migrate_text(src)
    assert "TFM138 variable_scope shares variables" in out


CLIPPED = '''import numpy as np
import tensorflow as tf

tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 2])
keep = tf.placeholder(tf.float32)
h = tf.nn.dropout(tf.layers.dense(x, 8, activation=tf.nn.relu), keep)
preds = tf.layers.dense(h, 2)
cost = tf.reduce_mean(tf.square(preds - y))
tvars = tf.trainable_variables()
grads, _ = tf.clip_by_global_norm(tf.gradients(cost, tvars), 0.5)
train_op = tf.train.GradientDescentOptimizer(0.1).apply_gradients(zip(grads, tvars))
rng = np.random.RandomState(0)
X, Y = rng.rand(8, 4), rng.rand(8, 2) * 10
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(5):
    _, c, p = sess.run([train_op, cost, preds], feed_dict={x: X, y: Y, keep: 1.0})
out = sess.run(preds, feed_dict={x: X, keep: 1.0})
for _ in range(2):
    print(out[_])
'''


def test_the_throwaway_name_is_no_tensor_and_an_inline_optimizer_takes_the_clip():
    out = migrate_text(CLIPPED)
    assert_clean(out)
    code = body(out)
    assert "optimizer=keras.optimizers.SGD(learning_rate=0.1, global_clipnorm=0.5)" in code
    assert "clip_by_global_norm" not in code and "trainable_variables" not in code


L1L2 = '''import numpy as np
import tensorflow as tf

tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [None, 8, 8, 1])
y = tf.placeholder(tf.int64, [None])
reg = tf.contrib.layers.l1_l2_regularizer(0.02, 0.04)
net = tf.contrib.layers.conv2d(x, 4, [3, 3], weights_regularizer=reg)
net = tf.contrib.layers.flatten(net)
logits = tf.contrib.layers.fully_connected(net, 10, activation_fn=None,
                                           weights_regularizer=tf.contrib.layers.l1_l2_regularizer(scale_l1=0.01))
loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
penalty = tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
total = loss + penalty
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(total)
rng = np.random.RandomState(0)
X, Y = rng.rand(6, 8, 8, 1), rng.randint(0, 10, 6)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(3):
    sess.run(train_op, feed_dict={x: X, y: Y})
out = sess.run(logits, feed_dict={x: X})
'''


def test_an_l1_l2_regularizer_is_keras_l1l2_at_half_the_l2_scale():
    out = migrate_text(L1L2)
    assert_clean(out)
    code = body(out)
    assert "reg = keras.regularizers.L1L2(l1=0.02, l2=0.02)" in code
    assert "kernel_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.5)" in code
    assert "penalty = 0.0" in code


def test_a_read_of_the_penalties_stays_while_a_regularized_layer_stays_tf1():
    # a regularizer the translation does not know keeps its layer TF1: its penalty is only in
    # TF1's collection, so the read of the collection must not become the Keras layers' (none)
    src = L1L2.replace("reg = tf.contrib.layers.l1_l2_regularizer(0.02, 0.04)",
                       "def reg(w):\n    return 0.02 * tf.reduce_max(tf.abs(w))")
    out = migrate_text(src)
    assert "TFM151 read kept: the regularizer of line 9 stays TF1 code" in out
    assert "penalty = 0.0" not in out
    assert TODO_MARKER in out




OWNER = '''import os

import numpy as np
import tensorflow as tf


class Net(object):
    def __init__(self):
        self.x = tf.placeholder(tf.float32, [None, 4])
        self.y = tf.placeholder(tf.float32, [None, 1])
        self.out = tf.layers.dense(self.x, 1)
        self.loss = tf.reduce_mean(tf.square(self.out - self.y))


class Driver:
    def __init__(self, path):
        self.path = path

    def load_previous_model(self, sess):
        if os.path.isfile(self.path + ".index"):
            self.saver.restore(sess, self.path)

    def setup(self):
        self.net = Net()
        self.train_step = tf.train.GradientDescentOptimizer(0.1).minimize(self.net.loss)
        self.saver = tf.train.Saver()
        return tf.global_variables_initializer()

    def train_on_batch(self, sess, X, Y):
        _, l = sess.run([self.train_step, self.net.loss], feed_dict={self.net.x: X, self.net.y: Y})
        return l

    def run(self, X, Y):
        init = self.setup()
        sess = tf.Session()
        sess.run(init)
        self.load_previous_model(sess)
        self.sess = sess
        for i in range(5):
            self.train_on_batch(sess, X, Y)
        self.saver.save(sess, self.path)

    def evaluate(self, sess, X):
        return sess.run(self.net.out, feed_dict={self.net.x: X})


tf.set_random_seed(0)
rng = np.random.RandomState(0)
X, Y = rng.rand(8, 4), rng.rand(8, 1)
driver = Driver(os.path.join(os.environ.get("TMPDIR", "/tmp"), "driver_model"))
driver.run(X, Y)
out = driver.evaluate(driver.sess, X)
'''


def test_a_driver_class_keeping_its_session_in_an_attribute():
    # ``load_previous_model(self, sess)`` restores through the session it is given; the session
    # made in run() is kept as ``self.sess`` and handed back from outside: ``d.evaluate(d.sess)``
    out = migrate_text(OWNER)
    assert_clean(out)
    code = body(out)
    assert "def load_previous_model(self):" in code
    assert "self.train_step.load_weights(" in code
    assert "self.sess" not in code and "Session" not in code
    assert "out = driver.evaluate(X)" in code


@pytest.mark.parametrize("change", [
    # the attribute read by the class itself: the session is still needed there
    ("        return sess.run(self.net.out, feed_dict={self.net.x: X})",
     "        return self.sess.run(self.net.out, feed_dict={self.net.x: X})"),
    # handed to a function of the file, not to a method of the instance
    ("out = driver.evaluate(driver.sess, X)", "out = print(driver.sess)"),
])
def test_a_session_attribute_read_otherwise_keeps_the_class(change):
    src = OWNER.replace(*change)
    assert src != OWNER
    out = migrate_text(src)
    assert TODO_MARKER in out


SHARED_FILTERS = '''import numpy as np
import tensorflow as tf

tf.set_random_seed(0)
xl = tf.placeholder(tf.float32, [None, 8, 8, 1])
xr = tf.placeholder(tf.float32, [None, 8, 8, 1])
y = tf.placeholder(tf.float32, [None])
outs_l, outs_r = [], []
for i, fs in enumerate([2, 3]):
    filter_shape = [fs, fs, 1, 4]
    W = tf.Variable(tf.truncated_normal(filter_shape, stddev=0.1), name="W-%s" % fs)
    b = tf.Variable(tf.constant(0.1, shape=[4]), name="b-%s" % fs)
    with tf.name_scope("conv-left-%s" % fs):
        conv = tf.nn.conv2d(xl, W, strides=[1, 1, 1, 1], padding="VALID")
        outs_l.append(tf.reduce_max(tf.nn.relu(tf.nn.bias_add(conv, b)), axis=[1, 2]))
    with tf.name_scope("conv-right-%s" % fs):
        conv = tf.nn.conv2d(xr, W, strides=[1, 1, 1, 1], padding="VALID")
        outs_r.append(tf.reduce_max(tf.nn.relu(tf.nn.bias_add(conv, b)), axis=[1, 2]))
ol = tf.concat(outs_l, 1)
orr = tf.concat(outs_r, 1)
l2_loss = tf.constant(0.0)
W = tf.get_variable("W_out", shape=[8, 3], initializer=tf.contrib.layers.xavier_initializer())
l2_loss += tf.nn.l2_loss(W)
pl = tf.matmul(ol, W)
pr = tf.matmul(orr, W)
d = tf.reduce_sum(tf.square(pl - pr), 1)
loss = tf.reduce_mean(y * d + (1 - y) * tf.maximum(0., 1 - d)) + 0.01 * l2_loss
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
rng = np.random.RandomState(0)
A, B, Y = rng.rand(6, 8, 8, 1), rng.rand(6, 8, 8, 1), (rng.rand(6) > 0.5).astype(np.float32)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(3):
    sess.run(train, feed_dict={xl: A, xr: B, y: Y})
dist = sess.run(d, feed_dict={xl: A, xr: B})
'''


def test_filters_two_towers_apply_are_one_weight_each():
    # the text CNN's filter bank: one tf.Variable per filter size (rebound in a loop, named
    # "W-%s"), applied by tf.nn.conv2d to both sides; the branches collected by append
    out = migrate_text(SHARED_FILTERS)
    assert_clean(out)
    code = body(out)
    assert 'tf1_name="W-%s" % fs' in code and 'tf1_name="b-%s" % fs' in code
    assert code.count('keras.ops.conv(') == 2
    # the weight decay read by the loss: a value of the weights alone, one more model output
    assert "def loss(y, l2_loss, d):" in code
    assert "model = TrainingModel([xl, xr], [l2_loss, d], loss)" in code


TRIPLET_FETCH = '''import numpy as np
import tensorflow as tf


def net(x):
    h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="fc1")
    return h, tf.layers.dense(h, 3, name="fc2")


tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [6, 4])
_, emb = net(x)


def triplet_loss(batch):
    a = batch[0::3]
    p = batch[1::3]
    n = batch[2::3]
    dp = tf.reduce_sum(tf.square(a - p), 1)
    dn = tf.reduce_sum(tf.square(a - n), 1)
    return tf.reduce_mean(tf.maximum(0., dp - dn + 0.2)), tf.reduce_mean(tf.cast(dp < dn, tf.float32))


loss, acc = triplet_loss(emb)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
rng = np.random.RandomState(0)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(3):
    _, l, a = sess.run([train, loss, acc], feed_dict={x: rng.rand(6, 4)})
e = sess.run(emb, feed_dict={x: rng.rand(6, 4)})
'''


def test_a_label_free_loss_fetched_with_an_accuracy():
    out = migrate_text(TRIPLET_FETCH)
    assert_clean(out)
    code = body(out)
    assert "model = FetchingLossModel(x, [loss, acc], 0)" in code
    assert "l, a = keras.tree.map_structure(" in code
    # the rows of a tensor a call of the file's function returns, unpacked: sliced in a tuple key
    assert "a = batch[0::3, ...]" in code


SUMMARY_DICT = '''import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.int64, [None])
logits = tf.layers.dense(x, 3)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    summary_op = tf.summary.merge_all()
    summary_writer = tf.summary.FileWriter("logs", sess.graph_def)
    worker = {'op': summary_op, 'writer': summary_writer}
    batches = [np.ones((6, 4)), np.zeros((6, 4))]
    labels = [[0, 1, 2, 0, 1, 2], [2, 1, 0, 2, 1, 0]]
    for i, (xb, yb) in enumerate(zip(batches, labels)):
        _, err = sess.run([train_op, loss], feed_dict={x: xb, y: yb})
'''


def test_summary_names_read_elsewhere_stay_and_zipped_feeds_are_converted():
    # a summary op / FileWriter read by a dict display: removing their statements left the
    # dict reading unbound names (no TODO, a NameError); they stay, marked
    out = migrate_text(SUMMARY_DICT)
    assert "TFM100 no Keras translation for tensorflow.summary.merge_all" in out
    assert "summary_op = tf.summary.merge_all()" in out
    from tests.outputs import undefined_names

    assert not undefined_names(out)
    # a label batch a loop takes from zip(...) of lists: TF1's own conversion (Keras would read a
    # Python list as several targets)
    assert "np.asarray(yb, 'int64')" in out


def test_a_todo_message_quoting_several_lines_is_one_marker():
    # TFM141 quotes the call that uses FLAGS as an absl object: a message with newlines made an
    # invalid comment and the whole file was left unchanged (TFM009)
    src = ('import sys\nimport tensorflow as tf\ntf.flags.DEFINE_integer("batch_size", 128, "Batch Size")\n'
           'FLAGS = tf.flags.FLAGS\nFLAGS(\n    sys.argv, known_only=True)\nprint(FLAGS.batch_size)\n')
    from migrator.engine import migrate_source
    from migrator.options import Options

    res = migrate_source(src, "x.py", Options())
    assert res.status != "failed", res.reason
    assert "TFM141 flags not translated: FLAGS( sys.argv, known_only=True)" in " ".join(res.code.split())
    assert all("\n" not in d.message for d in res.diagnostics)


@pytest.mark.parametrize("loop, printed", [
    # TF <= 1.4's dict of the parsed values, printed by the text-CNN scripts
    ("FLAGS._parse_flags()\nfor attr, value in sorted(FLAGS.__flags.items()):\n    print(attr, value)\n",
     "for attr, value in sorted(vars(FLAGS).items()):"),
    # absl's names and Flag objects
    ("for attr in FLAGS:\n    value = FLAGS[attr].value\n    print(attr, value)\n",
     "for attr in vars(FLAGS):\n    value = getattr(FLAGS, attr)"),
])
def test_printing_every_flag_reads_the_namespace(loop, printed):
    src = ('import tensorflow as tf\ntf.flags.DEFINE_integer("batch_size", 128, "Batch Size")\n'
           'FLAGS = tf.flags.FLAGS\n' + loop + 'print(FLAGS.batch_size)\n')
    out = migrate_text(src)
    assert_clean(out)
    assert printed in out


def test_pairs_appended_with_their_label_are_label_evidence():
    # an evaluation's same = (a == b) is no evidence about training pairs built 1 = DIFFERENT
    from migrator.engine import migrate_source
    from migrator.options import Options

    src = ('import tensorflow as tf\n'
           'def pairs(items):\n    out = []\n    for a in items:\n        for b in items:\n'
           '            if a[1] == b[1]:\n                out.append((a[0], b[0], 0))\n'
           '            else:\n                out.append((a[0], b[0], 1))\n    return out\n'
           'y = tf.placeholder(tf.float32, [None])\nd = tf.placeholder(tf.float32, [None])\n'
           'loss = tf.reduce_mean((1 - y) * tf.square(d) + y * tf.square(tf.maximum(0., 1.0 - d)))\n'
           'same = int(labels[0] == labels[1])\n')
    res = migrate_source(src, "x.py", Options(unsafe_fixes=True))
    assert not any(d.rule == "TFM208" and d.fixed for d in res.diagnostics)
    assert "tf.maximum(0., 1.0 - d)) * y" not in res.code


@pytest.mark.slow
@pytest.mark.parametrize("name", ["WEIGHT_DECAY", "FETCH_BACK", "CLIPPED", "L1L2", "OWNER", "SHARED_FILTERS",
                                  "TRIPLET_FETCH"])
def test_the_round_ar_programs_compute_what_tf1_computes(name, tmp_path, monkeypatch):
    from tests.legacy_pairs import assert_equivalent

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    src = tmp_path / f"{name.lower()}.py"
    src.write_text(globals()[name])
    assert_equivalent(src, tmp_path)


def test_a_device_and_a_name_scope_in_one_with_go_together():
    # the text CNN's ``with tf.device('/cpu:0'), tf.name_scope("embedding"):``
    src = ('import numpy as np\nimport tensorflow as tf\n\nx = tf.placeholder(tf.int32, [None, 5])\n'
           'y = tf.placeholder(tf.float32, [None, 2])\n'
           'with tf.device("/cpu:0"), tf.name_scope("embedding"):\n'
           '    W = tf.Variable(tf.random_uniform([20, 4], -1.0, 1.0), name="W")\n'
           '    emb = tf.nn.embedding_lookup(W, x)\n'
           'logits = tf.layers.dense(tf.reduce_mean(emb, 1), 2)\n'
           'loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y))\n'
           'train = tf.train.AdamOptimizer(0.01).minimize(loss)\nsess = tf.Session()\n'
           'sess.run(tf.global_variables_initializer())\n'
           'sess.run(train, feed_dict={x: np.ones((3, 5)), y: np.ones((3, 2)) / 2})\n')
    out = migrate_text(src)
    assert_clean(out)
    assert "tf.device" not in out and "name_scope" not in out
    # TF1 code left inside keeps the block (and its device)
    kept = migrate_text(src.replace("    emb = tf.nn.embedding_lookup(W, x)\n",
                                    "    emb = tf.nn.embedding_lookup(W, x)\n    q = tf.FIFOQueue(4, [tf.float32])\n"))
    assert 'with tf.device("/cpu:0"), tf.name_scope("embedding"):' in kept


def test_a_trailing_switch_on_a_scope_object_entered_again_is_kept():
    # ``scope.reuse_variables()`` last in its block, but the scope object is entered again: the
    # reuse goes with it (TF1 copies the object's reuse), so the switch is no no-op
    src = ('import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\n'
           'with tf.variable_scope("H") as scope:\n    W1 = tf.get_variable("W1", shape=[4, 2])\n'
           '    scope.reuse_variables()\nwith tf.variable_scope(scope):\n'
           '    W2 = tf.get_variable("W1", shape=[4, 2])\ny = tf.matmul(x, W1) + tf.matmul(x, W2)\n')
    out = migrate_text(src)
    assert "scope.reuse_variables()" in out
    assert "TFM138 variable_scope shares variables" in out
