"""TFM161: ``tf.nn.embedding_lookup`` / ``tf.nn.nce_loss`` in an eager variable program (TFM162)
-> ``keras.ops.take`` / the ``tf1_nce_loss`` helper (TF1's math, TF1's log-uniform sampler)."""
from __future__ import annotations

from ..args import BoundArgs
from ..emit import call
from ..helpers import register_source
from .base import Case, CallRule
from ..translate.tf1_helpers import TF1_TRAIN_RUN, TF1_TRAIN_STEP
from ..translate.sampled_losses import _LOOKUP, _NCE, refusal

TF1_NCE_LOSS = register_source("tf1_losses", "tf1_nce_loss", also=("tf1_log_uniform_candidate_sampler",))


class SampledLosses(CallRule):
    ID = "TFM161"
    TRIGGERS = (("tensorflow", "embedding_lookup"), ("tensorflow", "nce_loss"))
    NAME = "eager-sampled-losses"
    MESSAGE = "tf.nn.embedding_lookup / tf.nn.nce_loss in an eager variable program -> keras.ops.take / tf1_nce_loss"
    RATIONALE = ("In a TF1 program whose model is its tf.Variables (TFM162: eager keras.Variables, "
                 "tensors as functions), `tf.nn.embedding_lookup(W, ids)` of one table is `keras.ops."
                 "take(W, ids, axis=0)` (the same rows; the gradient is dense where TF1's was "
                 "IndexedSlices: the same values for the optimizers TFM133 translates). `tf.nn."
                 "nce_loss` has no Keras counterpart: `tf1_nce_loss` computes TF1's "
                 "_compute_sampled_logits + sigmoid cross-entropy (true and sampled logits less the log of "
                 "their expected counts, labels 1 / num_true and 0, summed per example) and samples with "
                 "TF1's default sampler, log_uniform_candidate_sampler(unique=True, range_max="
                 "num_classes), with its expected counts. The draws use NumPy's RNG, not TF1's: the same "
                 "distribution, other classes, so a run's losses differ from TF1's by the sampling; "
                 "given the same sampled_values the loss is TF1's (tests/test_nce_loss.py). Declined: "
                 "remove_accidental_hits=True, a partitioned weight list, max_norm=, and any use outside "
                 "TFM162's eager programs (a Keras graph would draw once).")
    CALLS = ("tensorflow.nn.embedding_lookup", "tensorflow.nn.nce_loss")
    REQUIRES = ("TFM162", "TFM130", "TFM133")

    def translate(self, qname, original, updated):
        from ..analysis.variable_program import VariableProgram

        if not (self.ctx.rule_active("TFM162") and self.ctx.analysis(VariableProgram).ok):
            return None  # a graph program: TFM135 / TFM100 own it
        short = qname.rsplit(".", 1)[1]
        why = refusal(short, original)
        if why:  # (TFM162 declines such a program: not reached there)
            self.todo(original, f"tf.nn.{short}: {why}")
            return None
        if short == "embedding_lookup":
            b = BoundArgs(updated, _LOOKUP, original)
            out = call("keras.ops.take", b.node("params"), b.node("ids"), axis=0)
        else:
            b = BoundArgs(updated, _NCE, original)
            self.ctx.use_helper("tf1_nce_loss")
            kw = {k: b.node(k) for k in ("num_true", "sampled_values") if b.given(k)}
            out = call("tf1_nce_loss", b.node("weights"), b.node("biases"), b.node("labels"), b.node("inputs"),
                       b.node("num_sampled"), b.node("num_classes"), **kw)
            self.report(original, "tf.nn.nce_loss -> tf1_nce_loss: TF1's loss and log-uniform sampler, "
                                  "negatives drawn with NumPy's RNG (not TF1's: other classes, the same "
                                  "distribution)")
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    _PROGRAM = ("import numpy as np\nimport tensorflow as tf\n\nX = tf.placeholder(tf.int32, shape=[None])\n"
                "Y = tf.placeholder(tf.int32, shape=[None, 1])\n"
                "E = tf.Variable(tf.random_normal([50, 8]))\nW = tf.Variable(tf.random_normal([50, 8]))\n"
                "b = tf.Variable(tf.zeros([50]))\nh = tf.nn.embedding_lookup(E, X)\n"
                "loss = tf.reduce_mean(tf.nn.nce_loss(weights=W, biases=b, labels=Y, inputs=h, num_sampled=5, "
                "num_classes=50))\n"
                "train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
                "init = tf.global_variables_initializer()\n"
                "with tf.Session() as sess:\n    sess.run(init)\n"
                "    for i in range(3):\n        _, l = sess.run([train_op, loss], feed_dict={X: xs, Y: ys})\n")
    VALID = [
        # a graph program (a layer): TFM162 does not own it, nce_loss is left to TFM100
        "import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\nh = tf.layers.dense(x, 8)\n"
        "W = tf.Variable(tf.zeros([10, 8]))\nb = tf.Variable(tf.zeros([10]))\n"
        "y = tf.placeholder(tf.int32, [None, 1])\n"
        "loss = tf.nn.nce_loss(W, b, y, h, 3, 10)\n",
    ]
    INVALID = [
        # word2vec (TensorFlow-Examples): an embedding table, NCE weights and biases as tf.Variables
        Case(_PROGRAM,
             "import numpy as np\nimport keras\n\n\n# tflearn-migrate helper: tf1_nce_loss\n" + TF1_NCE_LOSS.code
             + "\n\n# tflearn-migrate helper: TF1TrainStep\n" + TF1_TRAIN_STEP.code
             + "\n\n# tflearn-migrate helper: tf1_train_run\n" + TF1_TRAIN_RUN.code
             + "\n\nE = keras.Variable(keras.random.normal([50, 8]))\nW = keras.Variable(keras.random.normal([50, 8]))\n"
             "b = keras.Variable(keras.ops.zeros([50], dtype='float32'))\ndef h(X):\n"
             "    return keras.ops.take(E, X, axis=0)\ndef loss(X, Y):\n"
             "    return keras.ops.mean(tf1_nce_loss(W, b, Y, h(X), 5, 50))\n"
             "train_op = TF1TrainStep(keras.optimizers.SGD(learning_rate=0.1), loss, [E, W, b])\nfor i in range(3):\n"
             "    _, l = tf1_train_run([(train_op, (keras.ops.convert_to_tensor(xs, dtype='int32'), "
             "keras.ops.convert_to_tensor(ys, dtype='int32')))], [None, 0])\n",
             ("TFM161", "TFM162")),
        # remove_accidental_hits=True: not TF1's default math here - TODO, the program stays TF1
        Case(_PROGRAM.replace("num_classes=50)", "num_classes=50, remove_accidental_hits=True)"),
             "import numpy as np\nimport tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO "
             "lines below\nimport keras\n\nX = tf.placeholder(tf.int32, shape=[None])\n"
             "Y = tf.placeholder(tf.int32, shape=[None, 1])\nE = tf.Variable(tf.random_normal([50, 8]))\n"
             "W = tf.Variable(tf.random_normal([50, 8]))\nb = tf.Variable(tf.zeros([50]))\n"
             "h = tf.nn.embedding_lookup(E, X)\nloss = keras.ops.mean(tf.nn.nce_loss(weights=W, biases=b, labels=Y, "
             "inputs=h, num_sampled=5, num_classes=50, remove_accidental_hits=True))\n"
             "# TODO(tflearn-migrate): TFM133 Keras 3 optimizers have no minimize(loss): compile a keras.Model with "
             "this optimizer (or write a train_step with keras.ops / GradientTape)\n"
             "train_op = keras.optimizers.SGD(learning_rate=0.1).minimize(loss)\n"
             "init = tf.global_variables_initializer()\nwith tf.Session() as sess:\n    sess.run(init)\n"
             "    for i in range(3):\n        _, l = sess.run([train_op, loss], feed_dict={X: xs, Y: ys})\n",
             ("TFM133",), todo=True),
    ]
