"""Held-out forms of the sixth held-out set (issue 10, helper heldF): tflearn towers shared
through ``scope=`` + ``reuse=tf.AUTO_REUSE`` (ReuseTowers strips the reuse= arguments when
Sharing says TF1 shares; TFM205 builds the encoder), ``tflearn.custom_layer`` (TFM106: a call
of its function), and an ``is_training`` placeholder handed to a tower CLASS's constructor that
only reads it as a batch norm's ``training=`` (TFM140: the value its training runs fed).

Fast tests never start TensorFlow; the slow ones run the fixtures in tests/fixtures/heldout_f/
in the legacy runtime (TF1 semantics) and migrated under Keras 3, in two subprocesses, and
compare the numbers.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.legacy_pairs import run_pair

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "heldout_f"


def _migrate(src: str, fixes: bool = False):
    res = migrate_source(src, "m.py", Options(fixes=fixes))
    assert res.status in ("migrated", "unchanged"), res.reason
    compile(res.code, "m.py", "exec")
    assert migrate_source(res.code, "m.py", Options(fixes=fixes)).code == res.code  # idempotent
    return res


def test_tflearn_auto_reuse_towers_and_custom_layer_translate():
    out = _migrate((FIX / "tflearn_custom_autoreuse.py").read_text(encoding="utf-8")).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "reuse" not in out.split('"""', 2)[2]
    assert "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')" in out
    assert "a = encoder(a_in)\nb = encoder(b_in)\n" in out
    # custom_layer(incoming, fn, **kwargs) is fn(incoming, **kwargs)
    assert "dist = l1([a, b], scale=2.0)" in out


def test_tflearn_auto_reuse_without_scope_stays_todo():
    # tflearn's variable_scope(None, default_name=..., reuse=AUTO_REUSE) raises in TF1
    src = (FIX / "tflearn_custom_autoreuse.py").read_text(encoding="utf-8").replace("scope='fc1', ", "")
    out = _migrate(src).code
    assert "# TODO(tflearn-migrate): TFM104" in out and "reuse=tf.AUTO_REUSE" in out
    assert "encoder = keras.Model" not in out


def test_class_flag_placeholder_becomes_the_training_value():
    res = _migrate((FIX / "class_flag_bn.py").read_text(encoding="utf-8"))
    out = res.code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "is_training = True  # the value its training runs fed" in out
    assert "TF1ModeBatchNormalization(keras_flag=True)(net)" in out
    assert "e1 = encoder(x1)\ne2 = encoder(x2)\n" in out


@pytest.mark.parametrize("edit", [
    # the class also reads the flag as a Python value: the placeholder's value matters
    ("net = tf.nn.relu(net)", "net = tf.nn.relu(net) if self.is_training is not None else net"),
    # code outside the class reads the attribute
    ("e2 = tower(x2)\n", "e2 = tower(x2)\nflag = tower.is_training\n"),
])
def test_class_flag_read_otherwise_stays_todo(edit):
    src = (FIX / "class_flag_bn.py").read_text(encoding="utf-8").replace(*edit)
    out = _migrate(src).code
    assert "TFM140 hyper placeholder is_training is also used in" in out
    assert legacy_refs_outside_todo(out) == []


def _run_pair(fixture: Path, tmp_path: Path):
    return run_pair(fixture, tmp_path, lambda src: _migrate(src).code)


@pytest.mark.slow
def test_tflearn_custom_autoreuse_equals_tflearn(tmp_path):
    got, want = _run_pair(FIX / "tflearn_custom_autoreuse.py", tmp_path)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)   # before training
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)   # after one epoch (4 steps)
    assert not np.allclose(want[0], want[1], atol=1e-3)                  # training moved them


@pytest.mark.slow
def test_class_flag_bn_equals_tf1(tmp_path):
    got, want = _run_pair(FIX / "class_flag_bn.py", tmp_path)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6)   # training losses
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)   # inference: moving averages


def _diag_ids(res) -> list[str]:
    return [d.rule for d in res.diagnostics]


@pytest.mark.parametrize("head,fires", [
    ("out = tflearn.fully_connected(h, 1, activation='sigmoid')", True),
    ("out = tflearn.fully_connected(h, 1, activation=tf.nn.sigmoid)", True),
    ("out = tf.sigmoid(tflearn.fully_connected(h, 1))", True),
    ("out = tflearn.fully_connected(h, 1, activation='linear')", False),
    ("out = tflearn.fully_connected(h, 1)", False),
])
def test_bce_on_sigmoid_fix(head, fires):
    src = ("import tensorflow as tf\nimport tflearn\nx = tflearn.input_data(shape=[None, 4])\n"
           "h = tflearn.fully_connected(x, 8, activation='relu')\n" + head + "\n"
           "net = tflearn.regression(out, loss='binary_crossentropy')\nmodel = tflearn.DNN(net)\n")
    faithful = _migrate(src)
    fixed = _migrate(src, fixes=True)
    assert ("TFM306" in _diag_ids(faithful)) == fires
    assert "loss=tflearn_binary_crossentropy" in faithful.code       # tflearn's function, faithfully
    if fires:
        assert "loss=keras.losses.BinaryCrossentropy()" in fixed.code
        assert "tflearn_binary_crossentropy" not in fixed.code
    else:
        assert fixed.code == faithful.code


def test_bce_on_sigmoid_fix_on_the_concat_siamese():
    out = _migrate((FIX / "tflearn_custom_autoreuse.py").read_text(encoding="utf-8"), fixes=True).code
    assert "TFM306" not in out  # a custom loss function: not tflearn's binary_crossentropy


# -- TF1 queue runners (analysis/queue_inputs.py + TFM167) ------------------------------------
QUEUE_SRC = """import numpy as np
import tensorflow as tf
X = np.zeros((40, 3), np.float32)
Y = np.zeros((40, 1), np.float32)
tf.set_random_seed(0)
x_q, y_q = tf.train.slice_input_producer([tf.constant(X), tf.constant(Y)], shuffle=True, seed=0)
x, y = tf.train.shuffle_batch([x_q, y_q], batch_size=8, capacity=30, min_after_dequeue=20, seed=0)
out = tf.layers.dense(x, 1)
loss = tf.reduce_mean(tf.square(out - y))
op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    try:
        for i in range(10):
            sess.run(op)
    finally:
        coord.request_stop()
        coord.join(threads)
    p = sess.run(out, feed_dict={x: X[:4]})
"""


def test_queue_runners_to_dataset_program():
    import libcst as cst

    from migrator.analysis.queue_inputs import queues_to_dataset

    out = queues_to_dataset(cst.parse_module(QUEUE_SRC)).code
    assert ("x, y = tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(len(X)).repeat().shuffle(20).batch(8)"
            ".make_one_shot_iterator().get_next()") in out
    assert "slice_input_producer" not in out and "coord" not in out and "try:" not in out
    assert "tf.set_random_seed(0)" in out  # kept: it seeds the initializers


def test_queue_runner_program_translates():
    res = _migrate(QUEUE_SRC)
    out = res.code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "tf1_shuffle(TF1Dataset.from_tensor_slices((X, Y)), len(X)).repeat()" in out
    assert "model.train_on_batch(" in out and "p = model.predict_on_batch(" in out
    assert any(d.rule == "TFM167" and "queue threads" in d.message for d in res.diagnostics)


@pytest.mark.parametrize("edit", [
    ("shuffle=True, seed=0)", "shuffle=True, seed=0, num_epochs=2)"),          # the end of the data matters
    ("seed=0)\nout", "seed=0, enqueue_many=True)\nout"),                       # rows of batches
    ("        for i in range(10):\n            sess.run(op)",
     "        while not coord.should_stop():\n            sess.run(op)"),      # the coordinator decides
])
def test_queue_runner_forms_not_rewritten_stay_todo(edit):
    import libcst as cst

    from migrator.analysis.queue_inputs import queues_to_dataset

    src = QUEUE_SRC.replace(*edit)
    assert src != QUEUE_SRC
    assert queues_to_dataset(cst.parse_module(src)) is None
    out = _migrate(src).code
    assert "tf.train.slice_input_producer(" in out and TODO_MARKER in out
    assert legacy_refs_outside_todo(out) == []


# -- bag-of-words towers + tf.losses.hinge_loss (TFM130) ---------------------------------------
def test_bow_hinge_translates():
    out = _migrate((FIX / "bow_hinge.py").read_text(encoding="utf-8")).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "- (2.0 * keras.ops.cast(label, 'float32') - 1.0) * keras.ops.cast(" in out
    assert "v1, v2 = encoder(q1), encoder(q2)" in out


@pytest.mark.slow
def test_bow_hinge_equals_tf1(tmp_path):
    got, want = _run_pair(FIX / "bow_hinge.py", tmp_path)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6)   # hinge losses of 8 SGD steps
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)   # cosines after training
    assert len(set(np.round(want[0], 4))) > 1                           # the loss moved


def test_class_keep_prob_attribute_stays_todo():
    # a keep probability handed to the class and read as self.<attr> by tf.nn.dropout: TFM134 does
    # not follow the attribute, so the placeholder stays (TODO), not a constant
    src = (FIX / "class_flag_bn.py").read_text(encoding="utf-8").replace(
        "net = tf.layers.batch_normalization(net, training=self.is_training, name='bn')",
        "net = tf.nn.dropout(net, self.is_training)").replace(
        "is_training = tf.placeholder(tf.bool, [])", "is_training = tf.placeholder(tf.float32)")
    out = _migrate(src).code
    assert "is_training = 0.5" not in out and "TFM140 hyper placeholder is_training is also used in" in out
    assert legacy_refs_outside_todo(out) == []


# -- tflearn's regularizer on a shared tower (translate/tflearn.py: regularizer) ----------------
def test_shared_tower_regularizer_counts_every_call():
    out = _migrate((FIX / "tflearn_shared_l2.py").read_text(encoding="utf-8")).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "kernel_regularizer=keras.regularizers.L2(0.2)" in out  # 0.2 * l2_loss, added by both calls
    one = (FIX / "tflearn_shared_l2.py").read_text(encoding="utf-8").replace(
        "    scope.reuse_variables()\n    b = tower(b_in)\n", "    b = a\n")
    assert "kernel_regularizer=keras.regularizers.L2(0.1)" in _migrate(one).code  # built once


@pytest.mark.slow
def test_shared_tower_regularizer_equals_tflearn(tmp_path):
    got, want = _run_pair(FIX / "tflearn_shared_l2.py", tmp_path)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)
