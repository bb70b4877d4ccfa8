"""Forms found by migrating the files of public TF1 Siamese / triplet repositories as they are (a
sweep over every .py file of 18 fetched repositories, 426 files: each output must parse, keep
no legacy name outside a TODO line, and not change on a second run). Snippets in our own words
after the files that failed; fast tier, text only."""
from __future__ import annotations

from pathlib import Path

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


@pytest.mark.parametrize("fixes", [False, True])
def test_a_gradient_summary_loop_leaves_the_kept_training_step_as_it_is(fixes):
    """``grads = opt.compute_gradients(loss)`` + ``opt.apply_gradients(grads, ...)`` whose
    gradients a summary loop also reads (dhwajraj's train.py): the step is kept TODO-marked (the
    class model is not translated) and the loop goes with the summaries (TFM142). The second run
    no longer saw the loop and folded the kept pair into ``minimize``: a TODO-marked statement
    stays as the first run wrote it."""
    src = ("import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self, d):\n"
           "        self.x = tf.placeholder(tf.float32, [None, d])\n"
           "        self.loss = tf.reduce_sum(tf.layers.dense(self.x, 1))\n\n\n"
           "def build(net):\n    opt = tf.train.AdamOptimizer(1e-3)\n"
           "    grads = opt.compute_gradients(net.loss)\n"
           "    step = opt.apply_gradients(grads)\n    hists = []\n"
           "    for g, v in grads:\n        if g is not None:\n"
           "            hists.append(tf.summary.histogram(v.name, g))\n"
           "    merged = tf.summary.merge(hists)\n    return step, merged\n")
    out = migrate_text(src, fixes)
    assert "for g, v in grads" not in out  # the loop went with its summaries
    assert "grads = opt.compute_gradients(net.loss)" in out and "opt.apply_gradients(grads)" in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_fetch_reading_a_flag_fed_true_and_false_keeps_the_runs_tf1(fixes):
    """A batch-norm test (facenet's test/batch_norm_test.py): ``bn`` from another module's
    function of ``x`` and ``phase_train``, fed True in one run and False in the next. ``bn`` cannot become a function
    of ``x`` alone, so it stayed TF1 (TODO) - but the runs were translated to ``bn(x)``, a call
    of a TF1 tensor, and a second run rewrote them again. The program now stays TF1 whole."""
    src = ("import numpy as np\nimport tensorflow as tf\nimport models\n\n\n"
           "def check():\n    x = tf.placeholder(tf.float32, [None, 4], name='input')\n"
           "    phase_train = tf.placeholder(tf.bool, name='phase_train')\n"
           "    bn = models.network.batch_norm(x, phase_train)\n    sess = tf.Session()\n"
           "    sess.run(tf.global_variables_initializer())\n    y = np.ones((3, 4))\n"
           "    sess.run(bn, feed_dict={x: y, phase_train: True})\n"
           "    y1 = sess.run(bn, feed_dict={x: y, phase_train: False})\n"
           "    y2 = sess.run(bn, feed_dict={x: y, phase_train: False})\n"
           "    np.testing.assert_allclose(y1, y2)\n")
    out = migrate_text(src, fixes)
    assert "bn(" not in out  # no run rewritten as a call of the kept tensor
    assert "sess.run(bn, feed_dict={x: y, phase_train: False})" in out and TODO_MARKER in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_summaries_fetched_by_a_kept_run_stay_with_it_beside_a_star_import(fixes):
    """A training script whose model and loss come from ``from model import *`` (ardiya's
    train.py): the program stays TF1 (its loss reads no model output the analysis can see), but
    its summary statements went, ``merged = tf.summary.merge_all()`` among them - and the kept
    ``sess.run([train_step, loss, merged])`` read an unbound name: the invariant check took the
    star import as a possible source of ``merged``. A name the file bound itself is its own, and
    summaries a kept run fetches stay with that run (merged, they must still have ops to merge)."""
    src = ("import tensorflow as tf\nfrom model import *\n\nif __name__ == '__main__':\n"
           "    left = tf.placeholder(tf.float32, [None, 4], name='left')\n"
           "    label = tf.placeholder(tf.float32, [None, 1], name='label')\n"
           "    out = model(left, reuse=False)\n    loss = contrastive_loss(out, out, label, 0.5)\n"
           "    train_step = tf.train.MomentumOptimizer(0.01, 0.99).minimize(loss)\n"
           "    with tf.Session() as sess:\n        sess.run(tf.global_variables_initializer())\n"
           "        tf.summary.scalar('loss', loss)\n        merged = tf.summary.merge_all()\n"
           "        writer = tf.summary.FileWriter('train.log', sess.graph)\n"
           "        for i in range(10):\n"
           "            _, l, s = sess.run([train_step, loss, merged], feed_dict={left: 1, label: 2})\n"
           "            writer.add_summary(s, i)\n")
    out = migrate_text(src, fixes)
    assert "sess.run([train_step, loss, merged]" in out
    for kept in ("tf.summary.scalar('loss', loss)", "merged = tf.summary.merge_all()",
                 "writer = tf.summary.FileWriter(", "writer.add_summary(s, i)"):
        assert kept in out
    assert set(undefined_names(out)) <= {"model", "contrastive_loss"}  # the star import's
    assert_idempotent(out, fixes)


def test_a_name_only_a_star_import_can_provide_is_not_reported():
    """The other side: a name the file never bound, read beside ``from model import *``, is the
    star import's (no TFM011 error, nothing kept for it)."""
    src = ("import tensorflow as tf\nfrom model import *\n\n"
           "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.layers.dense(x, 2)\nprint(helper(y))\n")
    from tests.migrate_cache import migrate_source as cached
    from migrator.options import Options

    r = cached(src, "t.py", Options())
    assert not [d for d in r.diagnostics if d.rule in ("TFM010", "TFM011", "TFM012", "TFM013")]


def test_a_keras1_model_from_a_keras2_submodule_gets_keras3_arguments_at_once():
    """``from keras.engine import Input, Model`` then ``Model(input=[a, b], output=x)`` (lucasdavid's
    connoisseur experiments): the import became ``from keras.models import ...`` but the Keras 1
    argument names were renamed only by a second run (the call's name was still keras.engine's)."""
    src = ("from keras.engine import Input, Model\nfrom keras.layers import Dense\n\n"
           "a = Input(shape=(4,))\nb = Input(shape=(4,))\nx = Dense(1)(a)\n"
           "model = Model(input=[a, b], output=x)\n")
    out = migrate_text(src, True)
    assert "Model(inputs=[a, b], outputs=x)" in out and "keras.engine" not in out
    assert_idempotent(out, True)



@pytest.mark.parametrize("fixes", [False, True])
def test_a_library_tower_keeps_its_reuse_when_nothing_in_the_file_calls_it(fixes):
    """A module of tower architectures (rajibchakravorty/tf_siamese's cnn_*.py): ``def
    cnn_tower(images, keep, reuse=tf.AUTO_REUSE)`` with contrib layers under ``scope=scope,
    reuse=reuse``, called only by ANOTHER module (twice: the Siamese towers, sharing through the
    AUTO_REUSE default). The first run kept the reuse arguments (its batch norms stopped the
    sharing interpreter); the second, with the batch norms already Keras, interpreted the function
    once, found every layer creating its variables, and stripped ``reuse=`` and the AUTO_REUSE
    default - the other module's two towers would no longer share. A function the file never
    calls keeps its reuse: one interpreted run proves nothing about its callers."""
    src = (
    'import tensorflow as tf\n'
    '\n'
    '\n'
    'def cnn_tower(images, keep, reuse=tf.AUTO_REUSE):\n'
    '    with tf.variable_scope("block1") as scope:\n'
    "        net = tf.contrib.layers.conv2d(images, 6, [3, 3], activation_fn=tf.nn.relu, padding='SAME',\n"
    '                                       weights_initializer=tf.contrib.layers.xavier_initializer_conv2d(),\n'
    '                                       weights_regularizer=tf.contrib.layers.l1_l2_regularizer(scale_l1=0.01, scale_l2=0.01),\n'
    '                                       scope=scope, reuse=reuse)\n'
    "        net = tf.contrib.layers.max_pool2d(net, [2, 2], padding='SAME')\n"
    '    net = tf.contrib.layers.batch_norm(net)\n'
    '    with tf.variable_scope("block2") as scope:\n'
    "        net = tf.contrib.layers.conv2d(net, 12, [3, 3], activation_fn=tf.nn.relu, padding='SAME',\n"
    '                                       weights_initializer=tf.contrib.layers.xavier_initializer_conv2d(),\n'
    '                                       weights_regularizer=tf.contrib.layers.l1_l2_regularizer(scale_l1=0.01, scale_l2=0.01),\n'
    '                                       scope=scope, reuse=reuse)\n'
    "        net = tf.contrib.layers.max_pool2d(net, [2, 2], padding='SAME')\n"
    '    net = tf.contrib.layers.batch_norm(net)\n'
    '    net = tf.contrib.layers.flatten(net)\n'
    '    with tf.variable_scope("fc1") as scope:\n'
    '        net = tf.contrib.layers.fully_connected(net, 16, activation_fn=tf.nn.relu,\n'
    '                                                weights_regularizer=tf.contrib.layers.l1_l2_regularizer(scale_l1=0.01, scale_l2=0.01),\n'
    '                                                reuse=reuse, scope=scope)\n'
    '    return net\n'
    )
    out = migrate_text(src, fixes)
    assert "def cnn_tower(images, keep, reuse=tf.AUTO_REUSE):" in out and out.count("reuse=reuse") == 3
    assert_idempotent(out, fixes)


def test_a_keras_model_object_on_placeholders_keeps_its_role_in_a_second_run():
    """``tower = tf.keras.Sequential([...])`` called on TF1 placeholders in a program that stays
    TF1 (it feeds Keras' learning phase): the first run writes ``keras.Sequential``, which the TF1
    program analysis did not read as a model object (its names were TensorFlow's only), so the
    second run took the placeholders for labels and TODO-marked the towers' outputs."""
    from pathlib import Path

    src = (Path(__file__).parent / "fixtures" / "heldout_al" / "keras_learning_phase_fed.py").read_text()
    out = migrate_text(src, True)
    assert "tower = keras.Sequential(" in out and "e1 kept as a TF1 tensor" not in out
    assert_idempotent(out, True)


SEQLEN = Path(__file__).parent / "fixtures" / "real_sweep" / "seqlen_encoder_pairs.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_towers_differing_in_their_lengths_take_every_shared_weight_from_the_store(fixes):
    """A text encoder method called as ``encode(q, q_len, keep)`` / ``encode(d, d_len, keep)``
    (InsaneLife/dssm's share_encoder): the calls differ in more than the input, so no one
    encoder; TF1 shares the word table (a bare get_variable under AUTO_REUSE) and the GRU cells.
    The first run made the table a fresh Embedding per call and kept the scopes TODO-marked; the
    second run, seeing no get_variable left, unwrapped them: the towers' tables unshared. Now
    the table comes from TF1's name store like the cells, in the first run."""
    out = migrate_text(SEQLEN.read_text(), fixes)
    assert TODO_MARKER not in out
    encode = " ".join(body(out).split("def encode(", 1)[1].split("\ndef ", 1)[0].replace("(", "( ").split())
    assert "tf1_layer( 'tokens/table', lambda: TF1Embedding(" in encode
    assert encode.count("tf1_layer( 'gru/bidirectional_rnn/") == 2
    assert "variable_scope" not in body(out) and not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.slow
def test_towers_differing_in_their_lengths_compute_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(SEQLEN, tmp_path)


def test_an_epsilon_added_through_tf1_add_counts_as_one():
    """``tf.sqrt(epsilon + tf.reduce_sum(...))`` with ``epsilon = tf.constant(1e-30)``
    (TulsiJain's video-similarity contrastive head): the sum is written ``tf1_add(epsilon, ...)``
    (TF1's broadcasting), which TFM203 did not read as a guarded square root - a second run added
    keras.config.epsilon() under it. ``tf.add(x, eps)`` is guarded as ``x + eps`` is."""
    src = ("import tensorflow as tf\n\n\ndef dist(a, b):\n    epsilon = tf.constant(1e-30)\n"
           "    d = tf.sqrt(epsilon + tf.reduce_sum(tf.square(a - b), 1, keep_dims=True))\n"
           "    n = tf.sqrt(tf.add(tf.reduce_sum(tf.square(a), 1), 1e-6))\n"
           "    return d, n\n")
    out = migrate_text(src, True)
    assert "tf1_add(" in out and "keras.config.epsilon()" not in out
    assert_idempotent(out, True)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_weight_read_by_a_histogram_summary_becomes_a_layer_at_once(fixes):
    """A conv helper that logs its kernel (``tf.histogram_summary(name + '_weights', W)``, a UvA
    CIFAR-10 Siamese assignment): the summary read kept W a variable (TFM100 TODO) while TFM142
    removed the summary, so the second run translated the layer. A summary statement TFM142
    removes is no use of the variable."""
    src = ("import tensorflow as tf\n\n\ndef conv_layer(name, x):\n    with tf.variable_scope(name):\n"
           "        W = tf.get_variable('W', [3, 3, 1, 4], initializer=tf.random_normal_initializer(stddev=1e-3))\n"
           "        b = tf.get_variable('b', [4], initializer=tf.constant_initializer(0))\n"
           "        out = tf.nn.relu(tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME') + b)\n"
           "        tf.histogram_summary(name + '_weights', W)\n        return out\n\n\n"
           "x = tf.placeholder(tf.float32, [None, 8, 8, 1])\nh = conv_layer('c1', x)\n")
    out = migrate_text(src, fixes)
    assert TODO_MARKER not in out and "keras.layers.Conv2D(" in out and "summary" not in out
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_tensor_unpacked_from_an_opaque_call_keeps_the_program_tf1(fixes):
    """``y_gru, h_gru = GRUCell(1, 1)(x_placeholder, h_placeholder)`` with the cell class
    imported from another module, ``h_gru`` fetched by the runs (a CS224n GRU-dynamics script):
    the runs became calls ``h_gru(x, h)`` of a function nobody wrote (h_gru stayed a tensor),
    and the second run TODO-marked them. Now the program stays TF1, with the reason at the
    unpacking statement."""
    src = ("import numpy as np\nimport tensorflow as tf\n\nfrom cells import MyCell\n\n"
           "x_placeholder = tf.placeholder(tf.float32, shape=(None, 1))\n"
           "h_placeholder = tf.placeholder(tf.float32, shape=(None, 1))\n"
           "y_out, h_out = MyCell(1, 1)(x_placeholder, h_placeholder)\n"
           "with tf.Session() as session:\n    session.run(tf.global_variables_initializer())\n"
           "    ht = session.run([h_out], feed_dict={x_placeholder: np.zeros((3, 1)), h_placeholder: np.ones((3, 1))})\n"
           "    print(ht)\n")
    out = migrate_text(src, fixes)
    assert "session.run([h_out]" in out and "h_out(" not in out.replace("h_out(x", "")
    assert "TFM140 h_out is unpacked from a call that cannot be split" in out
    assert_idempotent(out, fixes)


def test_a_pasted_helper_is_not_rewritten_by_a_second_run():
    """``tf.contrib.losses.metric_learning.contrastive_loss`` (a Siamese MNIST script) becomes
    the helper tf1_contrastive_loss, pasted into the file, whose square root is TF1's - no
    epsilon. A second run took the helper for user code and TFM203 added one: the tool's own
    helper definitions are left as they are."""
    src = ("import tensorflow as tf\n\n\ndef loss_of(y, a, b):\n"
           "    return tf.contrib.losses.metric_learning.contrastive_loss(y, a, b, margin=0.5)\n")
    out = migrate_text(src, True)
    assert "def tf1_contrastive_loss(" in out and "keras.config.epsilon()" not in out
    assert_idempotent(out, True)
