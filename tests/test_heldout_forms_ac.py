"""Held-out forms of issue 10 (round AC, session 31): TF1 Siamese SEQUENCE programs
(kwangh/Semantic-Textual-Similarity-Tensorflow's MaLSTM notebook). Regression tier: no TensorFlow;
slow: verify and AUCs."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_ac"
CONFIG = FIX / "config_object_keep_prob.py"


# the engine's output (``src`` itself when nothing changes: a second run then returns its input)
_run = functools.partial(migrate_text, name="ac.py")


# -- a PTB-style configuration object's numbers (config.keep_prob, config.max_epoch) -------------

@pytest.mark.parametrize("fixes", [False, True])
def test_config_object_numbers_are_run_constants(fixes):
    # before: 6 TODO (the keep placeholder "not fed one constant", the Saver's global_step
    # "neither a step counter nor a Python int", and the runs kept with them)
    out = _run(CONFIG.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert "keep_prob = config.keep_prob  # the value its training runs fed" in out
    assert "keras.layers.Dropout(0.2)" in out
    assert "config.max_epoch)" in out and "save_checkpoint(" in out
    assert _run(out, fixes) in (None, out)


_CFG_SRC = ("import tensorflow as tf\n\n"
            "class Config(object):\n    keep_prob = 0.5\n    epochs = 3\n\n"
            "{extra}"
            "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\n"
            "keep = tf.placeholder(tf.float32)\n"
            "out = tf.layers.dense(tf.nn.dropout(tf.layers.dense(x, 8), keep), 2)\n"
            "loss = tf.reduce_mean(tf.square(out - y))\n"
            "train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
            "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
            "    for i in range({epochs}):\n        sess.run(train_op, feed_dict={{x: X, y: Y, keep: {fed}}})\n")


@pytest.mark.parametrize("extra,fed", [
    ("config = Config()\n", "config.keep_prob"),
    ("", "Config.keep_prob"),  # read through the class itself
])
def test_config_attribute_feeds_translate(extra, fed):
    out = _run(_CFG_SRC.format(extra=extra, fed=fed, epochs="Config.epochs"), False)
    assert TODO_MARKER not in out and "keras.layers.Dropout(0.5)" in out


@pytest.mark.parametrize("extra", [
    # the attribute is set on an object: per-object values (PTB's eval_config.keep_prob = 1.0)
    "config = Config()\nconfig.keep_prob = 0.9\n",
    # the name is rebound: not the class's numbers
    "config = Config()\nconfig = make_config()\n",
    # made with arguments: its __init__ / a base class may set the attribute
    "config = Config(0.9)\n",
])
def test_config_attributes_that_may_change_are_not_constants(extra):
    out = _run(_CFG_SRC.format(extra=extra, fed="config.keep_prob", epochs="3"), False)
    assert "keras.layers.Dropout(0.5)" not in out


@pytest.mark.parametrize("cls", [
    "class Config(object):\n    keep_prob = 0.5\n    def __init__(self):\n        self.keep_prob = 0.7\n",
    "class Config(Base):\n    keep_prob = 0.5\n",
])
def test_a_class_with_methods_or_bases_is_not_a_config_constant(cls):
    src = _CFG_SRC.format(extra="config = Config()\n", fed="config.keep_prob", epochs="3").replace(
        "class Config(object):\n    keep_prob = 0.5\n", cls)
    out = _run(src, False)
    assert "keras.layers.Dropout(0.5)" not in out


@pytest.mark.slow
def test_config_object_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(CONFIG, tmp_path)


@pytest.mark.slow
def test_config_object_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(CONFIG, _run(CONFIG.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- a class's loss minimised OUTSIDE the class with clip_by_global_norm(tf.gradients(model.loss)) --

CLIPPED = FIX / "class_clipped_apply_outside.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_outside_clipped_apply_gradients_of_a_class_loss_translates(fixes):
    # before: 12 TODO (TFM144 "a run fetches something other than model.<tensor> or its train op":
    # only compute_gradients(model.loss) was followed outside the class)
    out = _run(CLIPPED.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert "optimizer.global_clipnorm = 5.0" in out
    assert "siamesepairs_model = LossModel([model.x1, model.x2, model.y], model.loss)" in out
    code_part = out.split("def train", 1)[1]
    assert "tf.gradients" not in code_part and "trainable_variables" not in code_part
    assert "optimizer.iterations" in out  # the global_step fetch
    assert _run(out, fixes) in (None, out)


def test_outside_clipped_gradients_read_elsewhere_stay_tf1():
    # the clipped gradients also feed a histogram loop: the statements computing them cannot go
    src = CLIPPED.read_text().replace(
        "    train_op = optimizer.apply_gradients(zip(grads, tvars), global_step=global_step)\n",
        "    train_op = optimizer.apply_gradients(zip(grads, tvars), global_step=global_step)\n"
        "    norms = [tf.norm(g) for g in grads]\n")
    out = _run(src, False)
    assert "LossModel([model.x1" not in out or "norms = [tf.norm(g) for g in grads]" in out
    assert TODO_MARKER in out


def test_outside_clipping_by_value_is_not_taken_as_a_global_norm():
    src = CLIPPED.read_text().replace(
        "grads, _ = tf.clip_by_global_norm(tf.gradients(model.loss, tvars), 5.0)",
        "grads = [tf.clip_by_value(g, -1.0, 1.0) for g in tf.gradients(model.loss, tvars)]")
    out = _run(src, False)
    assert "global_clipnorm" not in out


@pytest.mark.slow
def test_outside_clipped_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(CLIPPED, tmp_path)


@pytest.mark.slow
def test_outside_clipped_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(CLIPPED, _run(CLIPPED.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- MultiRNNCell([cell] * n): ONE cell object in every layer ----------------------------------------

SAME_CELL = FIX / "multi_rnn_same_cell.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_multi_rnn_cell_of_one_cell_builds_it_once(fixes):
    # before: 0 TODO and the migrated program crashed at the first tower (TF1MultiRNNCell.build
    # built the same cell twice: "You cannot add new elements of state ... already built")
    out = _run(SAME_CELL.read_text(), fixes)
    assert TODO_MARKER not in out and not legacy_refs_outside_todo(out)
    assert "TF1MultiRNNCell([cell] * LAYERS)" in out
    assert "if not cell.built:" in out
    assert _run(out, fixes) in (None, out)


@pytest.mark.slow
def test_multi_rnn_same_cell_program_runs_and_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(SAME_CELL, tmp_path)


@pytest.mark.slow
def test_multi_rnn_same_cell_shares_one_kernel_across_layers(tmp_path):
    # TF1 (>= 1.1): the two layers of MultiRNNCell([cell] * 2) are one cell - one kernel, one bias
    import subprocess
    import sys

    prog = _run(SAME_CELL.read_text(), False).split("train_idx, test_idx")[0]
    prog += ("\nlayer = [l for l in keras.Model([s_a, len_a], h_a).layers if isinstance(l, keras.layers.RNN)][0]\n"
             "print('WEIGHTS', len(layer.trainable_weights))\n")
    (tmp_path / "p.py").write_text(prog)
    res = subprocess.run([sys.executable, str(tmp_path / "p.py")], capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert "WEIGHTS 2" in res.stdout, res.stdout[-2000:] + res.stderr[-2000:]


# -- a @staticmethod tower given the class's keep placeholder: self.tower(x, n, self.keep) ---------

STATIC = FIX / "static_method_keep_prob.py"
_LITERAL_FEED = ("model.dropout_keep_prob: FLAGS.dropout_keep_prob", "model.dropout_keep_prob: 0.8")


@pytest.mark.parametrize("fixes", [False, True])
def test_static_method_keep_parameter_is_the_class_placeholder(fixes):
    # before: 11 TODO (TFM134 / TFM144: "scalar placeholder self.dropout_keep_prob: read outside
    # a training= / keep_prob / optimizer learning-rate argument" - a @staticmethod has no self
    # to skip, its parameters were matched one position off)
    out = _run(STATIC.read_text().replace(*_LITERAL_FEED), fixes)
    assert TODO_MARKER not in out and not legacy_refs_outside_todo(out)
    assert "keras.layers.Dropout(0.2)" in out
    assert _run(out, fixes) in (None, out)


_STATIC_RNN = ("import tensorflow as tf\n\n"
               "class Net(object):\n"
               "    def __init__(self):\n"
               "        self.x = tf.placeholder(tf.float32, [None, 5, 3])\n"
               "        self.y = tf.placeholder(tf.float32, [None])\n"
               "        self.keep = tf.placeholder(tf.float32)\n"
               "        h = self.rnn(self.x, 4, {layers}, self.keep)\n"
               "        self.loss = tf.reduce_mean(tf.square(tf.reduce_sum(h, 1) - self.y))\n"
               "        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n\n"
               "    {deco}\n"
               "    def rnn({self_}x, units, layers, dropout):\n"
               "        cells = [tf.nn.rnn_cell.LSTMCell(units) for _ in range(layers)]\n"
               "        cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.MultiRNNCell(cells), output_keep_prob=dropout)\n"
               "        out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
               "        return out[:, -1, :]\n\n"
               "net = Net()\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\n"
               "for i in range(3):\n"
               "    sess.run(net.train_op, feed_dict={{net.x: X, net.y: Y, net.keep: 0.7}})\n"
               "p = sess.run(net.loss, feed_dict={{net.x: X, net.y: Y, net.keep: 1.0}})\n")


@pytest.mark.parametrize("deco,self_", [("@staticmethod", ""), ("", "self, ")])
def test_static_and_plain_method_dropout_wrappers_read_the_fed_keep(deco, self_):
    # the DropoutWrapper's keep is the value the training runs fed (dropping while training only);
    # before, the static method's wrapper stayed TF1 with a TODO (matching its parameters one
    # position off - past a self it does not have - would read ``layers``, a configuration number,
    # as a FIXED keep: every_run=True, dropping at evaluation too; the plain method is the control)
    out = _run(_STATIC_RNN.format(layers=2, deco=deco, self_=self_), False)
    net = out[out.index("class Net"):]
    assert "output_keep_prob=0.7)" in net and "every_run" not in net
    assert TODO_MARKER not in out


# -- tf.nn.dropout's keep placeholder fed FLAGS.dropout_keep_prob (the text-CNN tutorials) ---------

@pytest.mark.parametrize("fixes", [False, True])
def test_flags_fed_keep_through_a_static_method_translates(fixes):
    # before: 11 TODO (with the staticmethod change: 2, TFM134 "not a placeholder of a translated
    # class fed one constant" - a FLAGS value was not taken for tf.nn.dropout)
    out = _run(STATIC.read_text(), fixes)
    assert TODO_MARKER not in out and not legacy_refs_outside_todo(out)
    assert "keras.layers.Dropout(1 - FLAGS.dropout_keep_prob)" in out
    assert _run(out, fixes) in (None, out)


_FLAGS_MODULE = ("import tensorflow as tf\n"
                 "tf.flags.DEFINE_float('keep', 0.8, 'k')\nFLAGS = tf.flags.FLAGS\n"
                 "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\n"
                 "keep = tf.placeholder(tf.float32)\n"
                 "out = tf.layers.dense(tf.nn.dropout(tf.layers.dense(x, 8), keep), 2)\n"
                 "loss = tf.reduce_mean(tf.square(out - y))\n"
                 "train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
                 "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
                 "    for i in range(3):\n        sess.run(train_op, feed_dict={x: X, y: Y, keep: FLAGS.keep})\n"
                 "    p = sess.run(out, feed_dict={x: X, keep: EVAL})\n")

_FLAGS_CLASS = ("import tensorflow as tf\n"
                "tf.flags.DEFINE_float('dropout_keep_prob', 0.5, 'k')\nFLAGS = tf.flags.FLAGS\n\n"
                "class TextNet(object):\n    def __init__(self):\n"
                "        self.input_x = tf.placeholder(tf.float32, [None, 4])\n"
                "        self.input_y = tf.placeholder(tf.float32, [None, 2])\n"
                "        self.dropout_keep_prob = tf.placeholder(tf.float32)\n"
                "        h = tf.nn.dropout(tf.layers.dense(self.input_x, 8), self.dropout_keep_prob)\n"
                "        self.out = tf.layers.dense(h, 2)\n"
                "        self.loss = tf.reduce_mean(tf.square(self.out - self.input_y))\n\n"
                "net = TextNet()\ntrain_op = tf.train.AdamOptimizer(0.01).minimize(net.loss)\n"
                "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
                "    for i in range(3):\n"
                "        sess.run(train_op, feed_dict={net.input_x: X, net.input_y: Y, "
                "net.dropout_keep_prob: FLAGS.dropout_keep_prob})\n"
                "    p = sess.run(net.out, feed_dict={net.input_x: X, net.dropout_keep_prob: EVAL})\n")


@pytest.mark.parametrize("src,rate", [
    (_FLAGS_MODULE, "keras.layers.Dropout(1 - FLAGS.keep)"),
    (_FLAGS_CLASS, "keras.layers.Dropout(1 - FLAGS.dropout_keep_prob)"),
])
def test_flags_fed_nn_dropout_keep_becomes_the_flag_rate(src, rate):
    out = _run(src.replace("EVAL", "1.0"), False)
    assert TODO_MARKER not in out and rate in out


def test_flags_keep_also_fed_at_evaluation_drops_there_too():
    # the evaluation run feeds the training flag too: TF1 dropped units at evaluation - the Keras
    # model is called in training mode there (as for a number fed to both); before this, the
    # FLAGS value was not taken as the training value and predict_on_batch ran without dropout
    out = _run(_FLAGS_MODULE.replace("EVAL", "FLAGS.keep"), False)
    assert "keras.layers.Dropout(1 - FLAGS.keep)" in out
    assert "p = keras.ops.convert_to_numpy(model(X, training=True))" in out
    # a class fed the flag at evaluation stays TF1 (TF1Classes wants 1.0 there): honest TODO
    out = _run(_FLAGS_CLASS.replace("EVAL", "FLAGS.dropout_keep_prob"), False)
    assert TODO_MARKER in out and "keras.layers.Dropout(1 - FLAGS" not in out


def test_flags_keep_assigned_in_the_program_is_not_a_run_constant():
    src = _FLAGS_MODULE.replace("EVAL", "1.0").replace("with tf.Session()", "FLAGS.keep = 0.6\nwith tf.Session()")
    out = _run(src, False)
    assert "keras.layers.Dropout(1 - FLAGS.keep)" not in out


@pytest.mark.slow
def test_static_method_flags_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(STATIC, tmp_path)


@pytest.mark.slow
def test_static_method_flags_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(STATIC, _run(STATIC.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs
