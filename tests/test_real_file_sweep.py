"""Forms found by migrating the files of public TF1 Siamese / triplet repositories as they are (a
sweep over every .py file of 18 fetched repositories, 426 files: each output must parse, keep
no legacy name outside a TODO line, and not change on a second run). Snippets in our own words
after the files that failed; fast tier, text only."""
from __future__ import annotations

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, body, migrate_text, undefined_names


def test_a_tf_keras_backend_import_left_unused_goes_in_the_first_run():
    """``from tensorflow.keras import layers, backend`` with ``backend.epsilon()`` (L3S's
    distance helpers): the call becomes keras.config.epsilon(); the import name it used went only
    in a second run (the rewritten ``from keras import ...`` line was not the one scheduled)."""
    src = ("import tensorflow as tf\nfrom tensorflow.keras import layers, backend\n\n\n"
           "def dist(v):\n    x, y = v\n"
           "    s = tf.reduce_sum(tf.square(x - y), axis=1, keepdims=True)\n"
           "    return tf.sqrt(tf.maximum(s, backend.epsilon())) + layers.Dense(1)(x)\n")
    out = migrate_text(src, True)
    assert "backend" not in out and "from keras import layers" in out
    assert not undefined_names(out)
    assert_idempotent(out, True)


def test_a_constant_session_beside_summary_statements_is_translated_at_once():
    """A loss module whose functions log ``tf.summary.scalar(...)`` and whose ``__main__`` block
    evaluates the loss on constants in a session (ThomasTracy's triplet loss): the summary
    statements are removed (TFM142) and read by nothing, so the session is a constant one - it was
    kept TODO-marked in the first run and translated by the second."""
    src = ("import tensorflow as tf\n\n\ndef loss_of(emb):\n"
           "    d = tf.reduce_sum(tf.square(emb[0] - emb[1]))\n"
           "    tf.summary.scalar('d', d)\n    return d\n\n\n"
           "if __name__ == '__main__':\n    e = tf.constant([[1., 2.], [3., 5.]])\n"
           "    with tf.Session() as sess:\n        print(sess.run(loss_of(e)))\n")
    out = migrate_text(src, True)
    assert TODO_MARKER not in out and "Session" not in out
    assert "print(keras.ops.convert_to_numpy(loss_of(e)))" in out
    assert_idempotent(out, True)


def test_a_merged_summary_keeps_the_session_tf1():
    src = ("import tensorflow as tf\n\ne = tf.constant([1., 2.])\nd = tf.reduce_sum(e)\n"
           "tf.summary.scalar('d', d)\nmerged = tf.summary.merge_all()\n"
           "with tf.Session() as sess:\n    print(sess.run([d, merged]))\n")
    out = migrate_text(src, True)
    assert "tf.Session()" in out and TODO_MARKER in out


@pytest.mark.parametrize("fixes", [False, True])
def test_tensors_read_by_their_graph_names_keep_the_program_and_its_scopes(fixes):
    """facenet's MTCNN loader (vendored in a face-verification Siamese repository): three nets,
    each placeholder built under ``variable_scope('pnet' / 'rnet' / 'onet')`` with name 'input'
    and run by name (``feed_dict={'onet/input:0': img}``). The last placeholder became a Keras
    Input and its scope went (the name 'onet/input:0' no longer existed, no TODO on it), and the
    second run translated the next one."""
    src = ("import tensorflow as tf\n\n\ndef create(sess):\n"
           "    with tf.variable_scope('pnet'):\n"
           "        data = tf.placeholder(tf.float32, (None, 12, 12, 3), 'input')\n"
           "        pnet = PNet({'data': data})\n"
           "    with tf.variable_scope('onet'):\n"
           "        data = tf.placeholder(tf.float32, (None, 48, 48, 3), 'input')\n"
           "        onet = ONet({'data': data})\n"
           "    p = lambda img: sess.run('pnet/prob1:0', feed_dict={'pnet/input:0': img})\n"
           "    o = lambda img: sess.run('onet/prob1:0', feed_dict={'onet/input:0': img})\n"
           "    return p, o\n")
    out = migrate_text(src, fixes)
    code = body(out)
    assert code.count("tf.placeholder(") == 2 and code.count("tf.variable_scope(") == 2
    assert "keras.Input" not in code and "def pnet" not in code
    assert "reads tensors by their TF1 graph names" in " ".join(out.replace("#  ", "").split())
    assert_idempotent(out, fixes)


def test_a_program_without_name_reads_is_still_translated():
    src = ("import numpy as np\nimport tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4], name='input')\n"
           "y = tf.layers.dense(x, 2)\nwith tf.Session() as sess:\n"
           "    sess.run(tf.global_variables_initializer())\n"
           "    print(sess.run(y, feed_dict={x: np.ones((1, 4))}))\n")
    out = migrate_text(src, True)
    assert TODO_MARKER not in out and "keras.Input" in out
