"""Held-out forms of issue 10 (round KW, session 32): the TF1 idioms that kept
kwangh/Semantic-Textual-Similarity-Tensorflow's MaLSTM notebook TF1 - the PTB tutorial's
learning-rate variable, a pretrained embedding table filled by an assign, the graph / session
configuration around the program. Regression tier: no TensorFlow; slow: verify and AUCs."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_kw"

# the engine's output (``src`` itself when nothing changes: a second run then returns its input)
_run = functools.partial(migrate_text, name="kw.py")


# -- A. the PTB learning-rate variable: tf.Variable(0.0, trainable=False) + tf.assign(lr, new_lr) ----

RATE = FIX / "ptb_rate_variable.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_rate_variable_becomes_the_optimizers_learning_rate(fixes):
    # before: 14 TODO (TFM100 tf.Variable / tf.assign, TFM140 "sess.run fetches lr (not a model
    # tensor, loss or metric)" and the whole program kept with it)
    out = _run(RATE.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert "lr = 0.0  # TF1's rate variable" in out
    assert "keras.optimizers.SGD(learning_rate=lr)" in out
    assert "def assign_lr(value):\n    model.optimizer.learning_rate = value\n" in out
    assert "keras.ops.convert_to_numpy(model.optimizer.learning_rate)" in out
    code_part = out.split('"""', 2)[2]
    assert "new_lr" not in code_part and "lr_update" not in code_part
    assert _run(out, fixes) in (None, out)


_RATE_SRC = ("import tensorflow as tf\n\n"
             "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\n"
             "out = tf.layers.dense(x, 2)\nloss = tf.reduce_mean(tf.square(out - y))\n"
             "lr = tf.Variable(0.0, trainable=False{vkw})\n"
             "optimizer = tf.train.{opt}\n"
             "train_op = optimizer.minimize(loss)\n"
             "new_lr = tf.placeholder(tf.float32, shape=[])\n"
             "lr_update = {assign}\n"
             "{extra}"
             "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
             "    for e in range(3):\n        {set_run}\n"
             "        print(sess.run(lr))\n"
             "        sess.run(train_op, feed_dict={{x: X, y: Y}})\n")
_SET = "sess.run(lr_update, feed_dict={new_lr: 0.1 * 0.5 ** e})"


@pytest.mark.parametrize("opt,assign,set_run,vkw", [
    ("AdamOptimizer(learning_rate=lr)", "tf.assign(lr, new_lr)", _SET, ""),
    ("GradientDescentOptimizer(lr)", "lr.assign(new_lr)", _SET, ", name='lr'"),
    # kwangh: the variable fetched with its assign op (the value read is not used)
    ("AdamOptimizer(lr)", "tf.assign(lr, new_lr)", "sess.run([lr, lr_update], {new_lr: 0.1 * 0.5 ** e})", ""),
    ("MomentumOptimizer(lr, 0.9)", "tf.assign(lr, new_lr)", _SET, ""),
])
def test_rate_variable_spellings_translate(opt, assign, set_run, vkw):
    out = _run(_RATE_SRC.format(opt=opt, assign=assign, set_run=set_run, vkw=vkw, extra=""), False)
    assert TODO_MARKER not in out and not legacy_refs_outside_todo(out)
    assert "model.optimizer.learning_rate = 0.1 * 0.5 ** e" in out
    assert "print(keras.ops.convert_to_numpy(model.optimizer.learning_rate))" in out
    if "Momentum" in opt:  # a rate that changes: TF1's momentum update, not keras SGD's velocity
        assert "TF1Momentum(" in out


@pytest.mark.parametrize("extra,set_run", [
    # the rate is read by something else (a summary, a computation): not only the optimizer's rate
    ("tf.summary.scalar('lr', lr)\nscaled = lr * 2.0\n", _SET),
    # the assign's result is used
    ("", "v = sess.run(lr_update, feed_dict={new_lr: 0.1})"),
    # the run setting it also fetches a model tensor
    ("", "sess.run([lr_update, loss], feed_dict={new_lr: 0.1, x: X, y: Y})"),
])
def test_rate_variable_read_otherwise_stays_tf1(extra, set_run):
    out = _run(_RATE_SRC.format(opt="AdamOptimizer(lr)", assign="tf.assign(lr, new_lr)", set_run=set_run,
                                vkw="", extra=extra), False)
    assert TODO_MARKER in out and "model.optimizer.learning_rate =" not in out


def test_trainable_rate_variable_is_not_a_rate_variable():
    src = _RATE_SRC.format(opt="AdamOptimizer(lr)", assign="tf.assign(lr, new_lr)", set_run=_SET, vkw="",
                           extra="").replace("trainable=False", "trainable=True")
    assert "model.optimizer.learning_rate =" not in _run(src, False)


@pytest.mark.slow
def test_rate_variable_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(RATE, tmp_path)


@pytest.mark.slow
def test_rate_variable_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(RATE, _run(RATE.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- B. a pretrained table: frozen tf.Variable of zeros + W.assign(placeholder) -----------------------

TABLE = FIX / "pretrained_table_assign.py"
EVERY_RUN = FIX / "table_fed_every_run.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_assigned_table_becomes_a_frozen_embedding_set_at_the_run(fixes):
    # before: 3 TODO (TFM100 tf.Variable / both embedding_lookup calls) and the assign written as a
    # function of the placeholder taken for a label (``def embedding_init(embedding_placeholder)``)
    out = _run(TABLE.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert "W = keras.layers.Embedding(VOCAB, DIM, embeddings_initializer='zeros', trainable=False)" in out
    assert "emb1 = W(ids1)\nemb2 = W(ids2)\n" in out
    assert "W.embeddings.assign(pretrained)\n" in out
    code_part = out.split('"""', 2)[2]
    assert "embedding_placeholder" not in code_part and "embedding_init" not in code_part
    assert _run(out, fixes) in (None, out)


@pytest.mark.parametrize("fixes", [False, True])
def test_table_fed_every_run_is_the_frozen_table_of_that_value(fixes):
    # before: 4 TODO (TFM100 tf.Variable / embedding_lookup) and the table's placeholder a model
    # Input of batch size V (the table fed as data)
    out = _run(EVERY_RUN.read_text(), fixes)
    assert TODO_MARKER not in out and not legacy_refs_outside_todo(out)
    assert "embeddings_initializer=keras.initializers.Constant(pretrained),\n    trainable=False," in out
    assert "model = keras.Model([ids1, ids2], dist)" in out
    code_part = out.split('"""', 2)[2]
    assert "embedding_placeholder" not in code_part and "embedding_init" not in code_part
    assert _run(out, fixes) in (None, out)


@pytest.mark.parametrize("old,new", [
    # a trainable table: the optimizer moves it between the assign and the lookups
    ("trainable=False, name='W')", "trainable=True, name='W')"),
    # the table also read by something else (a norm penalty)
    ("dist = tf.sqrt(", "norm = tf.reduce_sum(tf.square(W))\ndist = tf.sqrt("),
    # the placeholder fed to a training run too (no assign runs there: not the set-run form)
    ("y: s[i:i + 64]})", "y: s[i:i + 64], embedding_placeholder: pretrained})"),
    # the assign's result used
    ("    sess.run(embedding_init, feed_dict={embedding_placeholder: pretrained})\n",
     "    table = sess.run(embedding_init, feed_dict={embedding_placeholder: pretrained})\n"),
])
def test_assigned_table_read_otherwise_is_declined(old, new):
    src = TABLE.read_text()
    assert old in src
    out = _run(src.replace(old, new), False)
    assert "W.embeddings.assign(" not in out and TODO_MARKER in out


@pytest.mark.parametrize("old,new", [
    # evaluation fed another table than training: not one frozen table
    ("ids2: b_te, embedding_placeholder: pretrained})", "ids2: b_te, embedding_placeholder: pretrained * 2})"),
    # the fed array changed in place between runs
    ("    for epoch in range(10):\n", "    for epoch in range(10):\n        pretrained[0] = 0.0\n"),
])
def test_table_fed_every_run_with_changing_values_is_declined(old, new):
    src = EVERY_RUN.read_text()
    assert old in src
    out = _run(src.replace(old, new), False)
    assert "keras.initializers.Constant(pretrained)" not in out and TODO_MARKER in out


@pytest.mark.slow
@pytest.mark.parametrize("path", [TABLE, EVERY_RUN], ids=["set_once", "every_run"])
def test_assigned_table_programs_are_equivalent_to_tf1(path, tmp_path):
    assert_equivalent(path, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("path", [TABLE, EVERY_RUN], ids=["set_once", "every_run"])
def test_assigned_table_programs_rank_like_tf1(path, tmp_path):
    aucs = legacy_and_migrated_aucs(path, _run(path.read_text(), False), tmp_path)
    assert min(aucs) > 0.7 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- C. the graph / session configuration around the program, and the variables listed ----------

KWANGH_SHAPE = ("import tensorflow as tf\n\n"
                "def main():\n"
                "    with tf.Graph().as_default():\n"
                "        x = tf.placeholder(tf.float32, [None, 4])\n        y = tf.placeholder(tf.float32, [None, 2])\n"
                "        out = tf.layers.dense(x, 2)\n        loss = tf.reduce_mean(tf.square(out - y))\n"
                "        train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
                "{listing}"
                "        session_conf = tf.ConfigProto(allow_soft_placement=True, log_device_placement=False)\n"
                "        session_conf.gpu_options.allow_growth = True\n"
                "        with tf.Session(config=session_conf) as sess:\n"
                "            sess.run(tf.global_variables_initializer())\n"
                "            for e in range(3):\n"
                "                sess.run(train_op, feed_dict={{x: X, y: Y}})\n\n\n"
                "main()\n")
_LISTING = "        for v in tf.trainable_variables():\n            print(v.name, v.shape)\n"


@pytest.mark.parametrize("listing", ["", _LISTING])
def test_graph_and_config_around_the_program_translate(listing):
    # the ConfigProto / allow_growth / Graph().as_default() of the program were already translated
    # (TFM140 / TFM138); kwangh stayed TF1 for the listing loop (TFM100 on the loop and the Graph block)
    out = _run(KWANGH_SHAPE.format(listing=listing), False)
    assert TODO_MARKER not in out and not legacy_refs_outside_todo(out)
    assert "ConfigProto" not in out and "as_default" not in out and "allow_growth" not in out
    if listing:
        assert "    for v in model.trainable_variables:\n        print(v.name, v.shape)\n" in out
    assert _run(out, False) in (None, out)


@pytest.mark.parametrize("listing", [
    # before the model exists (the loop precedes the train op)
    "MOVE",
    # the loop variable used otherwise than by a print of .name / .shape
    "        for v in tf.trainable_variables():\n            print(v)\n",
    "        for v in tf.trainable_variables():\n            print(v.name, v.get_shape())\n",
])
def test_listing_loops_that_cannot_move_to_the_model_keep_their_todo(listing):
    src = KWANGH_SHAPE.format(listing="" if listing == "MOVE" else listing)
    if listing == "MOVE":
        src = src.replace("        train_op = ", _LISTING + "        train_op = ")
    out = _run(src, False)
    assert "model.trainable_variables" not in out and TODO_MARKER in out
