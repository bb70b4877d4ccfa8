"""TFM134: tf.nn.dropout(x, keep_prob) -> keras.layers.Dropout(rate=1 - keep_prob)."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..diagnostics import Severity
from ..emit import apply_layer, call, code, expr, float_repr, literal
from ..analysis.keep_prob import KeepProbResolver, python_numbers
from ..translate.tf1_helpers import LOSS_MODEL
from ..translate.tflearn import Untranslatable
from .base import Case, CallRule

SIG = "x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None"


class NnDropout(KeepProbResolver, CallRule):
    ID = "TFM134"
    TRIGGERS = ("tensorflow",)
    NAME = "nn-dropout-keep-prob"
    MESSAGE = "tf.nn.dropout(x, keep_prob) -> keras.layers.Dropout(rate=1 - keep_prob)"
    RATIONALE = ("TF1's tf.nn.dropout takes the probability to KEEP a unit. A keep_prob placeholder fed "
                 "k in every training run (and 1.0 when evaluating) becomes Dropout(rate=1 - k): Keras "
                 "drops only while training, exactly like the fed 1.0 at evaluation. A literal keep_prob "
                 "dropped in TF1 at evaluation time too; Keras does not (reported).")
    CALLS = ("tensorflow.nn.dropout",)

    def translate(self, qname, original, updated):
        try:
            out = self.build(BoundArgs(updated, SIG, original), original)
        except (Unbindable, Untranslatable, ValueError) as ex:
            self.todo(original, f"tf.nn.dropout: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def build(self, b: BoundArgs, original: cst.Call):
        if b.given("noise_shape"):
            raise Untranslatable("noise_shape=")
        if b.given("rate"):
            rate: cst.BaseExpression = b.node("rate")
            if isinstance(rate, cst.Name) and self._rate_placeholder(rate.value, original):
                # tf.nn.dropout(x, rate=p), p a placeholder (or a parameter given one) fed one
                # constant in the training runs (TFM140 checks the other runs drop nothing)
                val = self._fed_value(rate.value, original)
                if not isinstance(val, (int, float)) or isinstance(val, bool) or not 0 <= val < 1:
                    raise Untranslatable(f"rate {val!r} not in [0, 1)")
                rate = cst.parse_expression(float_repr(float(val)))
            elif isinstance(literal(rate, None), (int, float)) and not isinstance(literal(rate, None), bool) \
                    and literal(rate, None) > 0:
                self.report(original, "a literal rate also dropped units at evaluation in TF1; "
                            "Keras' Dropout only drops while training", severity=Severity.WARNING)
        elif not b.given("keep_prob"):
            raise Untranslatable("neither keep_prob nor rate")
        else:
            keep = b.node("keep_prob")
            val = literal(keep, None)
            if isinstance(val, (int, float)) and not isinstance(val, bool):
                self.report(original, "a literal keep_prob also dropped units at evaluation in TF1; "
                            "Keras' Dropout only drops while training", severity=Severity.WARNING)
            elif isinstance(keep, cst.Name) and python_numbers(self.ctx, keep.value, original) is not None:
                # a Python number whatever the run (``keep = 0.75 if training else 1.0``, a
                # parameter's number default): TF1 computed rate = 1 - keep_prob from it, as here
                vals = sorted(python_numbers(self.ctx, keep.value, original))
                if not all(0 < v <= 1 for v in vals):
                    raise Untranslatable(f"keep_prob {keep.value} may be {vals}, not in (0, 1]")
                if any(v < 1 for v in vals):
                    shown = " or ".join(float_repr(v) for v in vals)
                    self.report(original, f"keep_prob {keep.value} is a Python number ({shown}): TF1 dropped "
                                "units in every run of a graph built with a value below 1, evaluation "
                                "included; Keras' Dropout only drops while training",
                                severity=Severity.WARNING)
                return apply_layer(call("keras.layers.Dropout", expr("1 - {k}", k=keep)), b.node("x"))
            elif isinstance(keep, cst.Name):
                # a placeholder, or a parameter given one (a module function's, or a method's that
                # every call passes self.<keep_prob placeholder>): the value its training runs fed
                # (a number, or a never-assigned ``FLAGS.<name>``: fixed for the run)
                val = self._fed_value(keep.value, original, flags=True)
            elif isinstance(b.orig("keep_prob"), cst.Attribute):  # self.keep_prob of a model class (TFM144)
                from ..analysis.tf1_classes import TF1Classes

                val = self.ctx.analysis(TF1Classes).keep_prob(b.orig("keep_prob"))
                if val is None and self._placeholder_attribute(b.orig("keep_prob")):
                    # fed FLAGS.dropout_keep_prob in every training run, 1.0 elsewhere (the text-CNN
                    # tutorials' ``cnn.dropout_keep_prob: FLAGS.dropout_keep_prob``)
                    val = self._class_keep_prob(b.orig("keep_prob"), flags=True)
                if val is None:  # ``self.keep_prob = 0.5`` in __init__: a Python number, as a literal
                    val = self.ctx.analysis(TF1Classes).constant_attr(b.orig("keep_prob"))
                    if val is not None:
                        self.report(original, f"keep_prob {code(keep)} is the number {val!r}: it also dropped "
                                    "units at evaluation in TF1; Keras' Dropout only drops while training",
                                    severity=Severity.WARNING)
                if val is None:
                    raise Untranslatable(f"keep_prob {code(keep)} is not a placeholder fed with a constant")
            else:
                okeep = b.orig("keep_prob")
                if okeep is not None and self._placeholder_attribute(okeep):
                    raise Untranslatable(f"keep_prob {code(okeep)} is a placeholder: Keras' Dropout "
                                         "needs a number (the value fed in the training runs)")
                return apply_layer(call("keras.layers.Dropout", expr("1 - {k}", k=keep)), b.node("x"))
            if isinstance(val, cst.BaseExpression):  # FLAGS.keep: the flag's value, the same in every run
                rate = expr("1 - {k}", k=val)
            elif not isinstance(val, (int, float)) or isinstance(val, bool) or not 0 < val <= 1:
                raise Untranslatable(f"keep_prob {val!r} not in (0, 1]")
            else:
                rate = cst.parse_expression(float_repr(round(1.0 - float(val), 10)))
        kw = {"seed": b.node("seed")} if b.given("seed") else {}
        return apply_layer(call("keras.layers.Dropout", rate, **kw), b.node("x"))

    def _rate_placeholder(self, name: str, at: cst.CSTNode) -> bool:
        """``name`` is a placeholder of a TF1 program, or a parameter every call of whose
        function passes one (a Python number passed as the rate stays as written)."""
        from ..analysis.tf1_program import TF1Program

        arg = self._passed_as(name, at)
        if arg is not None:
            return self._rate_placeholder(arg.value, arg)
        tp = self.ctx.analysis(TF1Program)
        prog = tp.program_of(at)
        return prog is not None and name in prog.placeholders

    VALID = ["import keras\nh = keras.layers.Dropout(0.5)(h)\n"]
    INVALID = [
        Case("import tensorflow as tf\nh = tf.nn.dropout(h, 0.8)\n",
             "import keras\n\nh = keras.layers.Dropout(0.2)(h)\n", ("TFM134",)),
        Case("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 3])\nkp = tf.placeholder(tf.float32)\n"
             "h = tf.nn.dropout(x, kp)\nop = opt.minimize(h)\nsess = tf.Session()\n"
             "sess.run(op, feed_dict={x: a, kp: 0.75})\nsess.run(h, feed_dict={x: a, kp: 1.0})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\nx = tf.placeholder(tf.float32, [None, 3])\n"
             "kp = tf.placeholder(tf.float32)\n"
             "h = keras.layers.Dropout(0.25)(x)\nop = opt.minimize(h)\nsess = tf.Session()\n"
             "sess.run(op, feed_dict={x: a, kp: 0.75})\nsess.run(h, feed_dict={x: a, kp: 1.0})\n", todo=True),
        Case("import tensorflow as tf\n\nclass Net:\n    def __init__(self):\n"
             "        self.x = tf.placeholder(tf.float32, [None, 3])\n"
             "        self.y = tf.placeholder(tf.float32, [None, 2])\n"
             "        self.keep_prob = tf.placeholder(tf.float32)\n"
             "        self.out = tf.layers.dense(tf.nn.dropout(self.x, self.keep_prob), 2)\n"
             "        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n\n"
             "net = Net()\nop = tf.train.AdamOptimizer(0.1).minimize(net.loss)\nsess = tf.Session()\n"
             "sess.run(op, feed_dict={net.x: a, net.y: b, net.keep_prob: 0.8})\n"
             "p = sess.run(net.out, feed_dict={net.x: a, net.keep_prob: 1.0})\n",
             "import keras\n\n\n# tflearn-migrate helper: LossModel\n"
             + LOSS_MODEL.code + "\n\n"
             "class Net:\n    def __init__(self):\n"
             "        self.x = keras.Input(shape=(3,))\n        self.y = keras.Input(shape=(2,))\n"
             "        self.out = keras.layers.Dense(2)(keras.layers.Dropout(0.2)(self.x))\n"
             "        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n\n"
             "net = Net()\nnet_model = LossModel([net.x, net.y], net.loss)\n"
             "net_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1, epsilon=1e-8))\n"
             "net_model.train_on_batch([a, b])\n"
             "p = keras.Model(net.x, net.out).predict_on_batch(a)\n"),
        # a tower function called once per input with the keep placeholder under another parameter
        # name; the training run feeds a module constant (KEEP = 0.6)
        Case("import tensorflow as tf\nKEEP = 0.6\na = tf.placeholder(tf.float32, [None, 6])\nb = tf.placeholder(tf.float32, [None, 6])\nkp = tf.placeholder(tf.float32)\n\n\ndef branch(x, p):\n    with tf.variable_scope('br', reuse=tf.AUTO_REUSE):\n        return tf.nn.dropout(tf.layers.dense(x, 4, name='d'), p)\n\n\nloss = tf.reduce_mean(tf.square(branch(a, kp) - branch(b, kp)))\nop = tf.train.AdamOptimizer(0.01).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nsess.run(op, feed_dict={a: A, b: B, kp: KEEP})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nKEEP = 0.6\na = tf.placeholder(tf.float32, [None, 6])\nb = tf.placeholder(tf.float32, [None, 6])\nkp = tf.placeholder(tf.float32)\n\n\ndef branch(x, p):\n    with tf.variable_scope('br', reuse=tf.AUTO_REUSE):\n        return keras.layers.Dropout(0.4)(keras.layers.Dense(4)(x))\n\n\nloss = keras.ops.mean(keras.ops.square(branch(a, kp) - branch(b, kp)))\n# TODO(tflearn-migrate): TFM133 Keras 3 optimizers have no minimize(loss): compile a keras.Model with this optimizer (or write a train_step with keras.ops / GradientTape)\nop = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nsess.run(op, feed_dict={a: A, b: B, kp: KEEP})\n", ('TFM133',), todo=True),
        # a keep probability that is a Python number whatever the run: a local computed from a
        # Python flag, a parameter's number default that every call omits or passes a number for
        # (TF1 computed rate = 1 - keep_prob from it too; reported: TF1 also dropped at evaluation)
        Case('import tensorflow as tf\n\n\ndef tower(x, training=True):\n    keep = 0.75 if training else 1.0\n    h = tf.layers.dense(x, 8, activation=tf.nn.relu)\n    return tf.nn.dropout(h, keep)\n\n\ndef head(h, keep_prob=0.5):\n    return tf.nn.dropout(h, keep_prob)\n\n\na = head(tower(x1), 0.8)\nb = head(tower(x2, training=False))\n',
             "import keras\n\n\ndef tower(x, training=True):\n    keep = 0.75 if training else 1.0\n    h = keras.layers.Dense(8, activation='relu')(x)\n    return keras.layers.Dropout(1 - keep)(h)\n\n\ndef head(h, keep_prob=0.5):\n    return keras.layers.Dropout(1 - keep_prob)(h)\n\n\na = head(tower(x1), 0.8)\nb = head(tower(x2, training=False))\n", ("TFM134", "TFM134")),
        # the same parameter given a placeholder by one call: not a Python number, stays
        Case('import tensorflow as tf\nkp = tf.placeholder(tf.float32)\n\n\ndef head(h, keep_prob=0.5):\n    return tf.nn.dropout(h, keep_prob)\n\n\na = head(x1, kp)\nb = head(x2)\n',
             'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nkp = tf.placeholder(tf.float32)\n\n\ndef head(h, keep_prob=0.5):\n    return tf.nn.dropout(h, keep_prob)  # TODO(tflearn-migrate): TFM134 tf.nn.dropout: keep_prob keep_prob is not a placeholder fed with a constant\n\n\na = head(x1, kp)\nb = head(x2)\n', ("TFM134",), todo=True),
    ]
    REQUIRES = ("TFM130", "TFM131", "TFM133", "TFM144")
