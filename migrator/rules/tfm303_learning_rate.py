"""TFM303: a learning rate far too high for an adaptive optimizer (Adam/RMSprop...) -> 0.001."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Kind, Severity
from ..emit import code, literal
from ._siamese import bound_param, matches, resolve_literal
from ._tflearn_model import REGRESSION, REGRESSION_SIG
from .base import Case, Rule

THRESHOLD = 0.05   # adaptive optimizers: lr >= this is reported
FIXED_LR = 0.001   # Adam's (and tflearn's regression) default; what keras.io's examples use

_ADAPTIVE = ("Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Lion")
ADAPTIVE_OPTIMIZERS = (
    "tensorflow.train.AdamOptimizer", "tensorflow.train.RMSPropOptimizer",
    "tensorflow.contrib.opt.AdamWOptimizer", "tensorflow.contrib.opt.NadamOptimizer",
    "tflearn.optimizers.Adam", "tflearn.optimizers.RMSProp",
    *(f"keras.optimizers.{n}" for n in _ADAPTIVE),
    *(f"keras.optimizers.legacy.{n}" for n in _ADAPTIVE),
    *(f"keras.optimizers.{n.lower()}" for n in _ADAPTIVE),
)
_ADAPTIVE_NAMES = {"adam", "rmsprop", "nadam", "adamax", "adamw"}  # string optimizers


class LearningRateTooHigh(Rule):
    ID = "TFM303"
    NAME = "learning-rate-too-high"
    MESSAGE = "learning rate too high for an adaptive optimizer"
    RATIONALE = (f"Adam-type optimizers normalise each step to about the learning rate in every "
                 f"weight, so lr >= {THRESHOLD} moves every weight by ~{THRESHOLD} per step from "
                 f"the first step on (the usual value is 0.001, Adam's default). On the seeds' "
                 f"Siamese networks lr=0.1 collapses the embeddings to about one dimension. FIX: "
                 f"the learning rate becomes {FIXED_LR} (Adam's and tflearn regression's default); "
                 f"with --no-fixes the value is kept and reported.")
    KIND = Kind.FIX
    SEVERITY = Severity.WARNING
    ORDER = 50  # before the translation of the enclosing call sees the argument

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        call = self.ctx.parent(original)
        if not isinstance(call, cst.Call) or original.star:
            return updated
        kw = original.keyword.value if original.keyword is not None else None
        opt = matches(self.ctx, call, ADAPTIVE_OPTIMIZERS)
        if opt is not None:
            first_positional = next((a for a in call.args if a.keyword is None), None)
            if not (kw in ("learning_rate", "lr") or (kw is None and first_positional is original)):
                return updated
            what = opt.rsplit(".", 1)[1]
        elif matches(self.ctx, call, (REGRESSION,)) is not None:
            if bound_param(call, original, REGRESSION_SIG) != "learning_rate":
                return updated
            opt_arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "optimizer"), None)
            name = "adam" if opt_arg is None else literal(opt_arg.value, None)
            if not isinstance(name, str) or name.lower() not in _ADAPTIVE_NAMES:
                return updated
            what = f"regression(optimizer={name!r})"
        else:
            return updated
        lr = resolve_literal(self.ctx, original.value)
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or lr < THRESHOLD:
            return updated
        shown = code(original.value).strip()
        src = f"{lr}" if shown == repr(lr) or literal(original.value, None) == lr else f"{shown} = {lr}"
        if not self.fixes_enabled:
            self.report(original, f"learning rate {src} is too high for {what} (>= {THRESHOLD}); "
                                  f"the usual value is {FIXED_LR}")
            return updated
        self.report(original, f"learning rate {src} is too high for {what} (>= {THRESHOLD}): "
                              f"lowered to {FIXED_LR}", fixed=True)
        return updated.with_changes(value=cst.Float(repr(FIXED_LR)))

    VALID = [
        "import keras\nopt = keras.optimizers.Adam(learning_rate=0.01)\n",
        "import keras\nopt = keras.optimizers.SGD(learning_rate=0.5)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nopt = tf.train.AdamOptimizer(0.001)\n", None, (), todo=True),
        Case("import tensorflow as tf\nopt = tf.train.GradientDescentOptimizer(0.1)\n", None, (), todo=True),
        Case("import keras\nopt = keras.optimizers.Adam(learning_rate=0.1)\n",
             "import keras\nopt = keras.optimizers.Adam(learning_rate=0.001)\n", ("TFM303",)),
        Case("import keras\nopt = keras.optimizers.Adam(learning_rate=0.1)\n",
             None, ("TFM303",), fixes=False),
        Case("from tensorflow import keras\nopt = keras.optimizers.RMSprop(lr=0.5)\n",
             "from tensorflow import keras\nopt = keras.optimizers.RMSprop(lr=0.001)\n", ("TFM303",)),
        Case("import keras\nLEARNING_RATE = 0.1\n\ndef make():\n"
             "    return keras.optimizers.Adam(LEARNING_RATE)\n",
             "import keras\nLEARNING_RATE = 0.1\n\ndef make():\n"
             "    return keras.optimizers.Adam(0.001)\n", ("TFM303",)),
        Case("import tensorflow as tf\ntrain_op = tf.train.AdamOptimizer(learning_rate=0.1).minimize(loss)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "train_op = tf.train.AdamOptimizer(learning_rate=0.001).minimize(loss)\n",
             ("TFM303",), todo=True),
        Case("import tflearn\nnet = tflearn.regression(net, learning_rate=0.1)\n",
             "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nnet = tflearn.regression(net, learning_rate=0.001)\n",
             ("TFM303",), todo=True),
        Case("import tflearn\nnet = tflearn.regression(net, optimizer='sgd', learning_rate=0.1)\n", None, (),
             todo=True),
    ]
