"""TFM161: ``tf.nn.embedding_lookup`` / ``tf.nn.nce_loss`` in an eager variable program (TFM162)
-> ``keras.ops.take`` / the ``tf1_nce_loss`` helper (TF1's math, TF1's log-uniform sampler)."""
from __future__ import annotations

from ..args import BoundArgs
from ..emit import call
from ..helpers import register
from .base import Case, CallRule
from ..translate.tf1_helpers import TF1_TRAIN_RUN, TF1_TRAIN_STEP
from ..translate.sampled_losses import _LOOKUP, _NCE, refusal

TF1_NCE_LOSS = register("tf1_nce_loss", '''
def tf1_log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max):
    # TF1's log_uniform_candidate_sampler (the default of nce_loss: unique=True): classes drawn
    # with P(k) = log((k + 2) / (k + 1)) / log(range_max + 1) (Zipf-like: small ids are frequent)
    # until num_sampled distinct ones; each expected count is 1 - (1 - P)^tries (P * num_sampled
    # when no draw was rejected), as TF1's RangeSampler computed it. The draws come from NumPy's
    # global RNG, not TF1's Philox stream: the same distribution, not the same classes
    if unique and num_sampled > range_max:  # TF1's sampler aborts too (CHECK batch_size <= range)
        raise ValueError(f"num_sampled={num_sampled} unique classes out of {range_max}")
    log_range = np.log(range_max + 1.0)
    sampled, seen, tries = [], set(), 0
    while len(sampled) < num_sampled:
        tries += 1
        v = int(np.exp(np.random.random_sample() * log_range)) - 1
        v %= range_max
        if unique and v in seen:
            continue
        seen.add(v)
        sampled.append(v)

    def expected(ids):
        p = np.log((np.asarray(ids, "float64") + 2.0) / (np.asarray(ids, "float64") + 1.0)) / log_range
        if tries == num_sampled:
            return (p * num_sampled).astype("float32")
        return (-np.expm1(tries * np.log1p(-p))).astype("float32")

    true_classes = np.asarray(keras.ops.convert_to_numpy(true_classes))
    return np.asarray(sampled, "int64"), expected(true_classes), expected(sampled)


def tf1_nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None):
    # TF1's tf.nn.nce_loss (remove_accidental_hits=False, one weight matrix): logits of the true
    # classes and of num_sampled sampled classes, each less the log of its expected count
    # (subtract_log_q), then sigmoid cross-entropy against 1 / num_true and 0, summed per example
    labels = keras.ops.reshape(keras.ops.cast(labels, "int32"), (-1, num_true))
    if sampled_values is None:
        sampled_values = tf1_log_uniform_candidate_sampler(labels, num_true, num_sampled, True, num_classes)
    sampled, true_expected, sampled_expected = [keras.ops.stop_gradient(keras.ops.convert_to_tensor(v))
                                                for v in sampled_values]
    sampled = keras.ops.cast(sampled, "int32")
    true_w = keras.ops.take(weights, labels, axis=0)                      # batch, num_true, dim
    true_b = keras.ops.take(biases, labels, axis=0)                       # batch, num_true
    true_logits = keras.ops.sum(keras.ops.expand_dims(inputs, 1) * true_w, axis=-1) + true_b
    sampled_logits = keras.ops.matmul(inputs, keras.ops.transpose(keras.ops.take(weights, sampled, axis=0))) \\
        + keras.ops.take(biases, sampled, axis=0)
    true_logits = true_logits - keras.ops.log(keras.ops.reshape(keras.ops.cast(true_expected, true_logits.dtype),
                                                                (-1, num_true)))
    sampled_logits = sampled_logits - keras.ops.log(keras.ops.cast(sampled_expected, sampled_logits.dtype))
    logits = keras.ops.concatenate([true_logits, sampled_logits], axis=1)
    targets = keras.ops.concatenate([keras.ops.ones_like(true_logits) / num_true,
                                     keras.ops.zeros_like(sampled_logits)], axis=1)
    # tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) - x * z + log(1 + exp(-|x|))
    losses = keras.ops.relu(logits) - logits * targets + keras.ops.log1p(keras.ops.exp(-keras.ops.abs(logits)))
    return keras.ops.sum(losses, axis=1)
''', imports=[("keras", None, None), ("numpy", None, "np")])


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
