"""TFM303: a learning rate far too high for an adaptive optimizer (Adam/RMSprop...) -> 0.001."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, literal
from ..analysis.siamese import bound_param, matches, resolve_literal
from ..analysis.tflearn_model import REGRESSION, REGRESSION_SIG
from .base import Case, Rule

# What counts as too high, per optimizer family: (reported at lr >= threshold, fixed value).
# Adam-type and RMSprop steps are normalised to about lr per weight whatever the gradient, so a
# rate 50x their default (0.001) moves every weight by ~0.05 per step from the first step on.
# Lion steps are exactly lr * sign(.) per weight: 10x its default already does that. Adagrad's
# steps shrink as squared gradients accumulate (usual rates 0.01-0.1): only >= 0.5 is reported.
# Plain/momentum SGD, Adadelta and Ftrl are never reported: their step size depends on the
# gradient's scale (SGD) or is normalised around lr = 1.0 (Adadelta), so the rate alone is no
# evidence. A rate below the threshold (a moderate one such as Adam's 0.01) never fires.
FAMILIES = {
    "adam": (0.05, 0.001), "adamax": (0.05, 0.001), "rmsprop": (0.05, 0.001),
    "lion": (0.01, 0.001), "adagrad": (0.5, 0.01),
}
THRESHOLD, FIXED_LR = FAMILIES["adam"]

_KERAS = {"Adam": "adam", "AdamW": "adam", "Nadam": "adam", "Adamax": "adamax", "RMSprop": "rmsprop",
          "Lion": "lion", "Adagrad": "adagrad"}
OPTIMIZER_FAMILY = {
    "tensorflow.train.AdamOptimizer": "adam", "tensorflow.train.RMSPropOptimizer": "rmsprop",
    "tensorflow.train.AdagradOptimizer": "adagrad",
    "tensorflow.contrib.opt.AdamWOptimizer": "adam", "tensorflow.contrib.opt.NadamOptimizer": "adam",
    "tflearn.optimizers.Adam": "adam", "tflearn.optimizers.RMSProp": "rmsprop",
    "tflearn.optimizers.AdaGrad": "adagrad",
    **{f"keras.optimizers.{n}": f for n, f in _KERAS.items()},
    **{f"keras.optimizers.legacy.{n}": f for n, f in _KERAS.items()},
    **{f"keras.optimizers.{n.lower()}": f for n, f in _KERAS.items()},
}
ADAPTIVE_OPTIMIZERS = tuple(OPTIMIZER_FAMILY)
# tflearn regression(optimizer='...') strings
_STRING_FAMILY = {"adam": "adam", "rmsprop": "rmsprop", "nadam": "adam", "adamax": "adamax",
                  "adamw": "adam", "adagrad": "adagrad"}


class LearningRateTooHigh(Rule):
    ID = "TFM303"
    NAME = "learning-rate-too-high"
    MESSAGE = "learning rate too high for an adaptive optimizer"
    RATIONALE = ("Adam-type optimizers normalise each step to about the learning rate in every "
                 "weight, so a rate far above the usual one moves every weight by that much per "
                 "step from the first step on; on the seeds' Siamese networks Adam with lr=0.1 "
                 "collapses the embeddings to about one dimension. Too high, per optimizer: "
                 "Adam/AdamW/Nadam/Adamax/RMSprop >= 0.05 (fixed to 0.001, their default), Lion "
                 ">= 0.01 (-> 0.001), Adagrad >= 0.5 (-> 0.01). SGD (plain, momentum, Nesterov), "
                 "Adadelta and Ftrl are never reported (their steps follow the gradient's scale "
                 "or are normalised around lr = 1.0: the rate alone is no evidence). Only rates "
                 "the code states (a literal or a name bound once to one) are judged. Unsafe: "
                 "the fix changes a hyperparameter; it is applied only with --unsafe-fixes or "
                 "--fix TFM303, otherwise reported with the exact change.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.UNSAFE
    APPLICABILITY_REASON = ("changes a hyperparameter the program chose: a port meant to "
                            "reproduce its results must not train with another rate unless "
                            "asked to.")
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
            what, family = opt.rsplit(".", 1)[1], OPTIMIZER_FAMILY[opt]
        elif matches(self.ctx, call, (REGRESSION,)) is not None:
            if bound_param(call, original, REGRESSION_SIG) != "learning_rate":
                return updated
            opt_arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "optimizer"), None)
            name = "adam" if opt_arg is None else literal(opt_arg.value, None)
            if not isinstance(name, str) or name.lower() not in _STRING_FAMILY:
                return updated
            what, family = f"regression(optimizer={name!r})", _STRING_FAMILY[name.lower()]
        else:
            return updated
        threshold, fixed_lr = FAMILIES[family]
        lr = resolve_literal(self.ctx, original.value)
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or lr < threshold:
            return updated
        shown = code(original.value).strip()
        src = f"{lr}" if shown == repr(lr) or literal(original.value, None) == lr else f"{shown} = {lr}"
        why = f"learning rate {src} is too high for {what} (>= {threshold}; its usual rate is {fixed_lr})"
        if not self.fixes_enabled:
            self.report(original, why, fix=f"learning rate {shown} -> {fixed_lr}")
            return updated
        self.report(original, f"{why}: lowered to {fixed_lr}", fixed=True)
        return updated.with_changes(value=cst.Float(repr(fixed_lr)))

    VALID = [
        # moderate rates: below each optimizer's threshold
        "import keras\nopt = keras.optimizers.Adam(learning_rate=0.01)\n",
        "import keras\nopt = keras.optimizers.RMSprop(0.001)\n",
        "import keras\nopt = keras.optimizers.Lion(learning_rate=0.001)\n",
        "import keras\nopt = keras.optimizers.Adagrad(learning_rate=0.1)\n",
        # optimizers whose rate alone is no evidence: never judged
        "import keras\nopt = keras.optimizers.SGD(learning_rate=0.5)\n",
        "import keras\nopt = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)\n",
        "import keras\nopt = keras.optimizers.Adadelta(learning_rate=1.0)\n",
        # a rate the code does not state
        "import keras\ndef make(lr):\n    return keras.optimizers.Adam(learning_rate=lr)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nopt = tf.train.AdamOptimizer(0.001)\n", None, (), todo=True,
             unsafe_fixes=True),
        Case("import tensorflow as tf\nopt = tf.train.GradientDescentOptimizer(0.1)\n", None, (), todo=True,
             unsafe_fixes=True),
        Case("import keras\nopt = keras.optimizers.Adam(learning_rate=0.1)\n",
             "import keras\nopt = keras.optimizers.Adam(learning_rate=0.001)\n", ("TFM303",), unsafe_fixes=True),
        # unsafe: by default the rate is kept and the change reported (withheld)
        Case("import keras\nopt = keras.optimizers.Adam(learning_rate=0.1)\n", None, ("TFM303",)),
        Case("import keras\nopt = keras.optimizers.Adam(learning_rate=0.1)\n",
             None, ("TFM303",), fixes=False),
        Case("from tensorflow import keras\nopt = keras.optimizers.RMSprop(lr=0.5)\n",
             "from tensorflow import keras\nopt = keras.optimizers.RMSprop(lr=0.001)\n", ("TFM303",),
             unsafe_fixes=True),
        Case("import keras\nopt = keras.optimizers.Lion(learning_rate=0.03)\n",
             "import keras\nopt = keras.optimizers.Lion(learning_rate=0.001)\n", ("TFM303",), unsafe_fixes=True),
        Case("import keras\nopt = keras.optimizers.Adagrad(1.0)\n",
             "import keras\nopt = keras.optimizers.Adagrad(0.01)\n", ("TFM303",), unsafe_fixes=True),
        Case("import keras\nLEARNING_RATE = 0.1\n\ndef make():\n"
             "    return keras.optimizers.Adam(LEARNING_RATE)\n",
             "import keras\nLEARNING_RATE = 0.1\n\ndef make():\n"
             "    return keras.optimizers.Adam(0.001)\n", ("TFM303",), unsafe_fixes=True),
        Case("import tensorflow as tf\ntrain_op = tf.train.AdamOptimizer(learning_rate=0.1).minimize(loss)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "train_op = tf.train.AdamOptimizer(learning_rate=0.001).minimize(loss)\n",
             ("TFM303",), todo=True, unsafe_fixes=True),
        Case("import tflearn\nnet = tflearn.regression(net, learning_rate=0.1)\n",
             "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "net = tflearn.regression(net, learning_rate=0.001)\n",
             ("TFM303",), todo=True, unsafe_fixes=True),
        Case("import tflearn\nnet = tflearn.regression(net, optimizer='sgd', learning_rate=0.1)\n", None, (),
             todo=True, unsafe_fixes=True),
    ]
