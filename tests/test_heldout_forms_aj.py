"""Held-out forms of round AJ (session 34, after nfmcclure/tensorflow_cookbook's Siamese address
matcher and a fingerprint-verification Siamese built with tf.layers + tf.data):

* a FEEDABLE iterator as a data loader: ``tf.data.Iterator.from_string_handle(handle, types)``,
  ``h = sess.run(it.string_handle())`` per one-shot iterator, ``sess.run(next_element,
  feed_dict={handle: h})`` fetching index batches (nothing in the graph reads them): 20 TODO
  before; now ``it = iter(<pipeline>)``, ``h = it``, ``next(h)`` (analysis/graph_datasets.
  fetched_handle_batches), a dataset built by rebinding one name fused into one chain;
* ``tf.add_to_collection`` of keys the file never reads, in a file whose Saver saves: still
  TODO (see ``test_unread_collections_beside_a_saver_stay``);
* a keep probability read by a NESTED function from the enclosing function's parameter (a
  closure), the parameter named as the module constant the training runs feed: TODO before
  ("not a placeholder fed with a constant"); now the fed constant, dropout in training only.
  (While fixing it, a rewritten node's scope was taken for the module's and the constant read
  as fixed at graph build - DropoutWrapper(every_run=True), dropout at evaluation: a silent
  failure caught before commit; ``test_shadowed_constant_is_not_a_build_time_keep`` pins it);
* ``cell_class = tf.contrib.rnn.BasicLSTMCell`` called as ``cell_class(n, forget_bias=1.0)``;
* ``tf.diag(tf.ones([n]))`` one-hot table read by ``tf.nn.embedding_lookup`` (tf1_diag, ones,
  keras.ops.take);
* (verify) the legacy probe's ``tf.layers.dropout`` stand-in took ``x`` positionally only.

Regression tier: no TensorFlow; slow: the programs against TF1 (verify, AUCs) and the helper."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import assert_clean, body, migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_aj"
HANDLES = FIX / "handle_iterators.py"
CLOSURE = FIX / "closure_keep_onehot.py"

_run = functools.partial(migrate_text, name="aj.py")


_clean = assert_clean


def _flat(out: str) -> str:
    return " ".join(body(out).split()).replace("'", '"')


# -- feedable (string-handle) iterators as loaders ----------------------------------------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_string_handle_loader_becomes_python_iterators(fixes):
    out = _run(HANDLES.read_text(), fixes)
    _clean(out, fixes)
    flat = _flat(out)
    assert "same_it = iter(TF1Dataset.from_tensor_slices(same_pairs).repeat().batch(16))" in flat
    assert "same_handle = same_it" in flat and "other_handle = other_it" in flat
    assert "p = next(same_handle)" in flat and "q = next(other_handle)" in flat
    assert "string_handle" not in flat and "from_string_handle" not in flat


def _handle_variant(old: str, new: str) -> str:
    src = HANDLES.read_text()
    assert old in src
    return src.replace(old, new)


@pytest.mark.parametrize("old,new", [
    # a handle fed that no string_handle() run made
    ("    p = sess.run(next_pairs, feed_dict={handle: same_handle})",
     "    p = sess.run(next_pairs, feed_dict={handle: 'x'})"),
    # the handle read elsewhere: TF1 program text, not a loader
    ("    other_handle = sess.run(other_it.string_handle())",
     "    other_handle = sess.run(other_it.string_handle())\n    print(other_handle)"),
    # the fetched element read by the graph too
    ("dist = tf.reduce_sum(tf.square(e1 - e2), 1)",
     "dist = tf.reduce_sum(tf.square(e1 - e2), 1)\nnext_pairs = None"),
    # a function reads the element tensor (its name would be gone)
    ("with tf.Session() as sess:", "def peek():\n    return next_pairs\n\n\nwith tf.Session() as sess:"),
], ids=["literal-handle", "handle-printed", "rebound", "read-by-a-function"])
def test_other_handle_programs_are_not_rewritten_as_loaders(old, new):
    out = _run(_handle_variant(old, new), False)
    assert "from_string_handle" in out  # kept (marked), not half-rewritten


def test_a_rebinding_chain_read_in_between_is_not_fused():
    from migrator.analysis.graph_datasets import fetched_handle_batches
    import libcst as cst

    src = _handle_variant("same_ds = same_ds.batch(16)", "n = same_ds\nsame_ds = same_ds.batch(16)")
    new = fetched_handle_batches(cst.parse_module(src))
    assert new is not None
    code = new.code
    # the iterator reads the name (its value is the whole chain only when nothing else saw a step)
    assert "same_it = iter(same_ds)" in code and "same_ds = same_ds.repeat()" in code


# -- user collections beside a Saver ----------------------------------------------------------------

_COLLECTIONS = '''import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 1])
out = tf.layers.dense(x, 1, name="fc")
loss = tf.reduce_mean(tf.square(out - y))
tf.add_to_collection("train_loss", loss)
tf.add_to_collection("outputs", out)
op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
saver = tf.train.Saver()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(10):
        sess.run(op, feed_dict={x: X, y: Y})
    saver.save(sess, "/tmp/model.ckpt")
'''


def test_unread_collections_beside_a_saver_stay_only_while_the_saver_does():
    # whether the Saver.save is translated is not known when TFM183's pre-step decides (a Saver
    # left in TF1 writes the collections into its meta graph for another run): the pre-step keeps
    # the adds, and TFM140 removes them in the main pass when every save becomes a Keras weights
    # file (session 35: the second run used to drop them - not idempotent)
    out = _run(_COLLECTIONS, False)
    assert "add_to_collection" not in out and TODO_MARKER not in out
    assert 'save_checkpoint(model, "/tmp/model.ckpt.weights.h5")' in out
    kept = _run(_COLLECTIONS.replace("feed_dict={x: X, y: Y}", "feed_dict=feeds()"), False)
    assert 'tf.add_to_collection("train_loss", loss)' in kept and TODO_MARKER in kept


# -- keep probability through a closure; shadowed module constant -----------------------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_closure_keep_onehot_cell_alias(fixes):
    out = _run(CLOSURE.read_text(), fixes)
    _clean(out, fixes)
    flat = _flat(out)
    # the class alias (``cell_class = tf.contrib.rnn.LSTMCell``) is written as the class (TFM224)
    assert "cell_class" not in flat
    # the fed keep: training only (no every_run=True)
    assert "TF1DropoutWrapper(TF1LSTMCell(hidden, forget_bias=1.0), output_keep_prob=0.8)" in flat
    assert "keras.layers.Dropout(0.2)" in flat        # tf.nn.dropout(.., keep) in the nested tower
    assert "table = tf1_diag(keras.ops.ones([vocab], dtype=\"float32\"))" in flat
    assert "keras.ops.take(table, a_ph, axis=0)" in flat


_SHADOW = '''import tensorflow as tf

keep = 0.5


def net(x, keep):
    def tower(v):
        return tf.nn.dropout(tf.layers.dense(v, 4), keep)
    return tower(x)


x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 4])
out = net(x, 0.9)
loss = tf.reduce_mean(tf.square(out - y))
op = tf.train.AdamOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(3):
        sess.run(op, feed_dict={x: X, y: Y})
'''


def test_shadowed_constant_is_not_a_build_time_keep():
    # the nested tower reads net's PARAMETER ``keep`` (0.9, fixed when the graph is built: TF1
    # dropped in every run), never the module's 0.5
    out = _run(_SHADOW, False)
    assert "Dropout(0.5)" not in out  # (the module's value read as the tower's: the wrong number)
    assert "tf.nn.dropout(" in out     # kept, marked: a build-time keep on a plain dropout


def test_shadowed_constant_in_a_wrapper_stays_the_parameter():
    src = CLOSURE.read_text().replace("keep_ph, 16)", "0.5, 16)").replace("keep_ph: keep", "y_ph: (labels[i] == labels[j]) * 1.0").replace(", keep_ph: 1.0", "")
    out = _run(src, False)
    # a Python number passed at build time: TF1 dropped in every run (evaluation too) - 0.5, not 0.8
    assert "output_keep_prob=0.8" not in out and "every_run=True," in out


def test_gru_class_alias_with_forget_bias_is_not_swapped():
    src = CLOSURE.read_text().replace("tf.contrib.rnn.BasicLSTMCell", "tf.contrib.rnn.GRUCell")
    out = _run(src, False)
    assert "cell_class = TF1GRUCell" not in out


def test_embedding_lookup_of_a_variable_is_not_a_take():
    src = ("import tensorflow as tf\n\nids = tf.placeholder(tf.int32, [None, 5])\n"
           "table = tf.Variable(tf.random_uniform([20, 4], -1.0, 1.0))\n"
           "e = tf.nn.embedding_lookup(table, ids)\n")
    assert "keras.ops.take(table" not in _run(src, False)


# -- slow: against TF1 --------------------------------------------------------------------------------

@pytest.mark.slow
def test_tf1_diag_helper():
    import numpy as np

    from migrator.helper_src.tf1_ops import tf1_diag

    v = np.arange(1.0, 4.0)
    np.testing.assert_array_equal(np.asarray(tf1_diag(v)), np.diag(v))
    m = np.arange(1.0, 5.0).reshape(2, 2)
    got = np.asarray(tf1_diag(m))
    assert got.shape == (2, 2, 2, 2)
    assert got[1, 0, 1, 0] == 3.0 and got[1, 0, 0, 1] == 0.0 and got.sum() == m.sum()


@pytest.mark.slow
@pytest.mark.parametrize("src", [HANDLES, CLOSURE], ids=["handles", "closure"])
def test_round_aj_programs_are_equivalent_to_tf1(src, tmp_path):
    assert_equivalent(src, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("src", [HANDLES, CLOSURE], ids=["handles", "closure"])
def test_round_aj_programs_rank_like_tf1(src, tmp_path):
    aucs = legacy_and_migrated_aucs(src, _run(src.read_text(), False), tmp_path)
    # both programs are seeded (tf.set_random_seed, carried over as keras.utils.set_random_seed):
    # unseeded, the closure program's AUCs ranged from 0.63 to 0.79 and failed CI once; seeded they
    # are 0.811 legacy / 0.773 migrated on every run (2026-12-07). Equivalence itself is verify's
    # check above; this one says both learn alike
    assert min(aucs) > 0.65 and abs(aucs[0] - aucs[1]) < 0.15, aucs
