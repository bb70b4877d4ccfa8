"""Feeds a model class builds in a helper method, and named feeds reused by later runs.

* The CS224n model skeleton (tests/fixtures/real_sweep/cs224n_model_pairs.py): ``feed =
  self.create_feed_dict(a, b, labels_batch=y, dropout=self.config.dropout)`` before each
  ``sess.run`` - the class stayed TF1 ("feed_dict is not a dict literal"), 10 TODO. The method's
  dict is now read with the call's arguments in place, the method goes, and the dropout keep
  probability read from the configuration class (``self.config.dropout``, one number for the
  run) becomes the Dropout rate;
* a feed name bound by the branches of an ``if`` before a training run and bound again after the
  training loop for an evaluation run (the named-feed spelling of a held-out program): the
  training run's branch feeds were refused because of the later binding;
* ``for i in xrange(n)`` (``from six.moves import xrange``) passing ``i`` to a feed helper that
  tests ``chunk is None``: read as the int it is, as ``range``'s.

Fast: the migrated text; slow: the model-class program against TF1 (verify)."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, body, migrate_text, undefined_names

CS224N = Path(__file__).parent / "fixtures" / "real_sweep" / "cs224n_model_pairs.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_a_feed_helper_method_is_inlined_at_its_runs(fixes):
    out = migrate_text(CS224N.read_text(), fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    code = body(out)
    assert "def create_feed_dict(self, inputs1_batch, inputs2_batch, labels_batch=None" not in code
    assert "def create_feed_dict(self, inputs_batch, labels_batch=None):" in code  # the base's, abstract
    assert "self.train_op.train_on_batch([inputs1_batch, inputs2_batch, labels_batch])" in code
    assert "keras.layers.Dropout(0.09999999999999998)" in code or "keras.layers.Dropout(0.1)" in code
    assert "placeholder" not in code.split("def add_placeholders", 1)[1].split("def ", 1)[0].replace(
        "_placeholder", "")
    assert_idempotent(out, fixes)


def test_a_config_attribute_set_per_object_is_no_constant():
    """``config.dropout = 0.5`` assigned somewhere: the configuration is per object, not one
    number - the keep probability stays a fed placeholder (TODO), never a guessed rate."""
    src = CS224N.read_text().replace("    config = Config()\n", "    config = Config()\n    config.dropout = 0.5\n")
    out = migrate_text(src, False)
    assert TODO_MARKER in out and "keras.layers.Dropout(" not in out


@pytest.mark.parametrize("fixes", [False, True])
def test_a_feed_helper_with_a_local_value_is_inlined_with_it(fixes):
    """A helper that computes a value before putting it in the dict (``ys = [float(v) for v in
    labels_batch]`` then ``feed.update({self.y: ys})``): the local (bound once) is written into
    the value at the run, its comprehension variable its own. Before: not a feed helper, the run
    kept TF1 ("feed_dict is not a dict literal")."""
    src = CS224N.read_text().replace(
        "            feed_dict[self.labels_placeholder] = labels_batch\n",
        "            ys = [float(v) for v in labels_batch]\n            feed_dict.update({self.labels_placeholder: ys})\n")
    out = migrate_text(src, fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    assert "[inputs1_batch, inputs2_batch, np.asarray([float(v) for v in labels_batch], \"float32\")]" in out
    assert_idempotent(out, fixes)


def test_a_feed_helper_one_hot_local_reading_the_module(fixes=False):
    """The Quora Siamese model's helper: ``one_hot = [(1, 0) if label == 0 else (0, 1) for label
    in labels_batch]`` then ``feed_dict.update({self.labels_placeholder: np.array(one_hot,
    dtype=np.float32)})`` - the value reads ``np`` (a module name, read the same at the run)."""
    src = CS224N.read_text().replace(
        "            feed_dict[self.labels_placeholder] = labels_batch\n",
        "            one_hot = [1.0 if label == 1 else 0.0 for label in labels_batch]\n"
        "            feed_dict.update({self.labels_placeholder: np.array(one_hot, dtype=np.float32)})\n")
    out = migrate_text(src, fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    assert "np.array([1.0 if label == 1 else 0.0 for label in labels_batch], dtype=np.float32)" in out


def test_a_feed_helper_local_bound_twice_stays():
    """A local bound twice in the helper (its value depends on the path): not inlined."""
    src = CS224N.read_text().replace(
        "            feed_dict[self.labels_placeholder] = labels_batch\n",
        "            ys = labels_batch\n            ys = [float(v) for v in ys]\n"
        "            feed_dict.update({self.labels_placeholder: ys})\n")
    out = migrate_text(src, False)
    assert "feed_dict is not a dict literal" in out


@pytest.mark.parametrize("fixes", [False, True])
def test_a_feed_name_bound_again_for_a_later_run(fixes):
    src = ("import random\nimport numpy as np\nimport tensorflow as tf\n\n\n"
           "class Net(object):\n    def __init__(self):\n"
           "        self.a = tf.placeholder(tf.float32, [None, 4])\n        self.b = tf.placeholder(tf.float32, [None, 4])\n"
           "        self.y = tf.placeholder(tf.float32, [None])\n"
           "        self.d = tf.reduce_sum(tf.square(tf.layers.dense(self.a - self.b, 2)), 1)\n"
           "        self.loss = tf.reduce_mean(self.y * self.d + (1 - self.y) * tf.maximum(0.0, 1.0 - self.d))\n"
           "        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n\n\n"
           "X = np.random.rand(32, 4).astype(np.float32)\nY = (np.arange(32) % 2).astype(np.float32)\n"
           "model = Net()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
           "    for step in range(5):\n"
           "        if random.random() > 0.5:\n            feed = {model.a: X, model.b: X[::-1], model.y: Y}\n"
           "        else:\n            feed = {model.a: X[::-1], model.b: X, model.y: Y}\n"
           "        l, _ = sess.run([model.loss, model.train_op], feed_dict=feed)\n"
           "    feed = {model.a: X, model.b: X}\n    dist = sess.run(model.d, feed_dict=feed)\n")
    out = migrate_text(src, fixes)
    assert TODO_MARKER not in out and "sess.run" not in out
    assert "feed = {'a': X, 'b': X[::-1], 'y': Y}" in out.replace('"', "'")
    assert "predict_on_batch([X, X])" in out
    assert_idempotent(out, fixes)


def test_a_python2_xrange_loop_variable_is_an_int_for_a_feed_helper():
    src = ("import numpy as np\nfrom six.moves import xrange\nimport tensorflow as tf\n\n"
           "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None])\n"
           "out = tf.squeeze(tf.layers.dense(x, 1), 1)\nloss = tf.reduce_mean(tf.square(out - y))\n"
           "train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
           "X = np.random.rand(40, 4).astype(np.float32)\nY = np.random.rand(40).astype(np.float32)\n"
           "chunks = [0, 20, 40]\n\n\n"
           "def get_feed(kind, chunk=None):\n    if kind == 'train':\n        return {x: X, y: Y}\n"
           "    if chunk is None:\n        return {x: X, y: Y}\n"
           "    st, en = chunks[chunk], chunks[chunk + 1]\n    return {x: X[st:en], y: Y[st:en]}\n\n\n"
           "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
           "    for i in xrange(2):\n        print(sess.run(loss, get_feed('vali', i)))\n"
           "    sess.run(train_op, feed_dict=get_feed('train'))\n")
    out = migrate_text(src, False)
    assert TODO_MARKER not in out and "sess.run" not in out
    assert_idempotent(out, False)


@pytest.mark.slow
def test_the_model_class_program_computes_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(CS224N, tmp_path)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_keep_probability_read_through_a_local_alias(fixes):
    """``keep = self.dropout_placeholder`` then ``tf.nn.dropout(h, keep)`` (the Quora Siamese model
    reads its dropout placeholder as ``dropout_rate``): TFM225 writes the attribute at the reads,
    and the class translates as with the attribute itself. Before: the whole class stayed TF1
    (12 TODO: the scalar placeholder "read outside a training= / keep_prob argument")."""
    src = CS224N.read_text().replace(
        "            h = tf.nn.dropout(h, self.dropout_placeholder)\n",
        "            keep = self.dropout_placeholder\n            h = tf.nn.dropout(h, keep)\n")
    out = migrate_text(src, fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    assert "keep = " not in out
    assert "keras.layers.Dropout(0.09999999999999998)" in out or "keras.layers.Dropout(0.1)" in out
    assert_idempotent(out, fixes)
