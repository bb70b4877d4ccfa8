"""TFM186: ``tf.add_check_numerics_ops()`` fetched with a model class's training step -> a check of
the step's loss and weights; ``except tf.errors.InvalidArgumentError`` around it -> the helper's error.

The fetch itself is rewritten where TFM144 rewrites the training run (``tf1_check_numerics(model,
model.train_on_batch(...))``, the attribute statement removed); this rule carries the form's
identity, rewrites the ``except`` clause and holds the examples.
"""
from __future__ import annotations

import libcst as cst

from ..analysis.tf1_classes import NUMERICS_OPS, TF1Classes
from ..cstcache import walk
from ..translate.tf1_helpers import CHECK_NUMERICS, INVALID_ARGUMENT, LOSS_MODEL, helper_example_output
from .base import Case, Rule

_ERRORS = ("tensorflow.errors.InvalidArgumentError", "tensorflow.compat.v1.errors.InvalidArgumentError")


class CheckNumerics(Rule):
    ID = "TFM186"
    TRIGGERS = ("add_check_numerics_ops",)
    NAME = "check-numerics"
    MESSAGE = ("tf.add_check_numerics_ops() fetched with a training step -> tf1_check_numerics(model, "
               "model.train_on_batch(...)) (raises TF1InvalidArgumentError on a NaN / Inf loss or weight); "
               "`except tf.errors.InvalidArgumentError` around it -> `except TF1InvalidArgumentError`")
    RATIONALE = (
        "`self.debug_op = tf.add_check_numerics_ops()` adds a CheckNumerics op for every float tensor of the "
        "graph; fetching it with the train op (`sess.run([self.train_op, self.debug_op], feed)`) makes the run "
        "raise tf.errors.InvalidArgumentError when any value of that step (an activation, the loss, a "
        "gradient) is NaN or Inf, and changes nothing otherwise: it is a debugging stop, not part of the "
        "model. Keras has no per-tensor check; `keras.callbacks.TerminateOnNaN` only stops fit() quietly on a "
        "NaN loss and raises nothing. The faithful form is the same stop: the training step's loss and the "
        "weights it left are checked with np.isfinite after the step and TF1InvalidArgumentError (with "
        "`.message`, like TF's errors) is raised. A NaN / Inf activation reaches the loss and a NaN / Inf "
        "gradient the updated weights, so the same steps stop; two differences remain and are stated: TF1 "
        "raised during the step (the update may not have been applied; here it has been), and a non-finite "
        "intermediate that does not reach the loss or a gradient (masked by a where / maximum) stopped TF1 "
        "only. `except tf.errors.InvalidArgumentError` whose try body runs such a training step (and no other "
        "TF1 run that stays) catches the helper's error instead; other InvalidArgumentErrors of TF1 (an unfed "
        "placeholder) were program bugs whose Keras counterparts have other types. Done for model classes "
        "TFM144 translates, the op bound to an attribute and fetched only by their training runs (its value "
        "unread: `_`); anything else keeps the TODO.")
    REQUIRES = ("TFM130", "TFM131", "TFM133", "TFM140", "TFM144")

    def _tc(self) -> TF1Classes:
        return self.ctx.analysis(TF1Classes)

    def _checked_run(self, call: cst.Call) -> bool | None:
        """True: a training run of a translated class fetching the numerics op; False: another run
        of a translated class; None: a run that stays TF1 (or not a class run)."""
        cp, r = self._tc().class_of_run(call)
        if cp is None or cp.why:
            return None
        return r.train and any(kind == "numerics" for kind, _ in r.fetches)

    def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler):
        if original.type is None or self.ctx.legacy_name(original.type) not in _ERRORS:
            return updated
        if not self.ctx.rule_active("TFM144"):
            return updated
        tr = self.ctx.parent(original)
        if not isinstance(tr, cst.Try):
            return updated
        runs = [n for n in walk(tr.body) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                and n.func.attr.value == "run"]
        checked = [self._checked_run(c) for c in runs]
        if not any(checked) or any(c is None for c in checked):
            return updated
        self.ctx.use_helper("TF1InvalidArgumentError")
        self.ctx.count(self)
        return updated.with_changes(type=cst.Name("TF1InvalidArgumentError"))

    VALID = [
        # a numerics op of a program without a class: not this form
        "import keras\nx = keras.ops.ones(3)\n",
    ]
    INVALID = [
        Case(
            "import tensorflow as tf\n\n\n"
            "class Net(object):\n"
            "    def __init__(self):\n"
            "        self.x = tf.placeholder(tf.float32, [None, 4])\n"
            "        self.y = tf.placeholder(tf.float32, [None, 1])\n"
            "        self.loss = tf.reduce_mean(tf.square(tf.layers.dense(self.x, 1) - self.y))\n"
            "        self.check = tf.add_check_numerics_ops()\n"
            "        self.train_op = tf.train.GradientDescentOptimizer(0.1).minimize(self.loss)\n"
            "        self.sess = tf.Session()\n"
            "        self.sess.run(tf.global_variables_initializer())\n\n"
            "    def fit(self, X, Y):\n"
            "        try:\n"
            "            _, _ = self.sess.run([self.train_op, self.check], feed_dict={self.x: X, self.y: Y})\n"
            "        except tf.errors.InvalidArgumentError as e:\n"
            "            print(e.message)\n"
            "            raise\n\n\n"
            "net = Net()\n"
            "net.fit(X, Y)\n",
            helper_example_output(
                "import keras\nimport numpy as np\n", ("LossModel", "TF1InvalidArgumentError", "tf1_check_numerics"),
                "class Net(object):\n"
                "    def __init__(self):\n"
                "        self.x = keras.Input(shape=(4,))\n"
                "        self.y = keras.Input(shape=(1,))\n"
                "        self.loss = keras.ops.mean(keras.ops.square(keras.layers.Dense(1)(self.x) - self.y))\n"
                "        self.train_op = LossModel([self.x, self.y], self.loss)\n"
                "        self.train_op.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\n\n"
                "    def fit(self, X, Y):\n"
                "        try:\n"
                "            tf1_check_numerics(self.train_op, self.train_op.train_on_batch([X, Y]))\n"
                "        except TF1InvalidArgumentError as e:\n"
                "            print(e.message)\n"
                "            raise\n\n\n"
                "net = Net()\n"
                "net.fit(X, Y)\n")),
    ]


_ = (CHECK_NUMERICS, INVALID_ARGUMENT, LOSS_MODEL, NUMERICS_OPS)  # registered helpers the examples show
