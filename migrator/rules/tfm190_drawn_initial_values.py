"""TFM190: a random draw that is only ever one ``tf.Variable``'s initial value -> ``keras.random``.

The analysis is :class:`migrator.analysis.drawn_initial_values.DrawnInitialValues`.
"""
from __future__ import annotations

import libcst as cst

from ..analysis.drawn_initial_values import DrawnInitialValues
from ..analysis.variable_program import RANDOM_INITS, RANDOM_SIG
from ..args import BoundArgs
from ..emit import call
from .base import Case, Rule


class DrawnInitialValuesRule(Rule):
    ID = "TFM190"
    TRIGGERS = (("tensorflow", "Variable"),)
    NAME = "drawn-initial-values"
    MESSAGE = ("`init = tf.truncated_normal(shape, mean, stddev)` / `tf.random_normal(...)` read only as one "
               "tf.Variable's initial value (and its static shape) -> `keras.random.truncated_normal` / "
               "`keras.random.normal` drawn once")
    RATIONALE = (
        "The VGG-npy `get_var` idiom draws `initial_value = tf.truncated_normal([k, k, c_in, c_out], 0.0, "
        "0.001)` in `get_conv_var` and hands it to `get_var(initial_value, ...)`, which makes `tf.Variable("
        "value)` of it and asserts `var.get_shape() == initial_value.get_shape()`. In TF1 that tensor is "
        "evaluated once, by the variables' initializer; its shape is static. Drawn eagerly with `keras.random` "
        "(the same distribution - truncated at two standard deviations like TF1 - other numbers, as any "
        "unseeded draw) it is the value the variable starts from. Done only where every read of the drawn "
        "name, followed through `v = name` aliases and the parameters of the file's own functions, is a "
        "static `.shape` / `.get_shape()` / `.dtype` read or the initial value of exactly ONE `tf.Variable` "
        "call that no layer rule takes over (TFM135 makes the draw the layer's initializer itself), with no "
        "seed (TF1's op seed has no Keras counterpart) and float32. Not for a draw read by an op (noise: TF1 "
        "drew it again at every run), nor where a name bound twice is read in a loop. The `tf.Variable` "
        "itself keeps its TODO where nothing translates it: this removes the draw's TODO line only.")
    ORDER = 40

    def _calls(self) -> frozenset[int]:
        return self.ctx.analysis(DrawnInitialValues).calls

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if id(original) not in self._calls():
            return updated
        b = BoundArgs(updated, RANDOM_SIG, original)
        fn = RANDOM_INITS[self.ctx.legacy_name(original.func)]
        kw = {k: b.node(k) for k in ("mean", "stddev") if b.given(k)}
        self.ctx.add_import("keras")
        self.ctx.count(self)
        self.report(original, f"{fn}: drawn once as a tf.Variable's initial value (TF1 evaluated it once, "
                              f"in the variables' initializer)")
        return call(fn, b.node("shape"), **kw)

    VALID = [
        # a draw read by an op (noise, drawn at every run in TF1): not this form
        "import tensorflow as tf\n\nnoise = tf.random_normal([4], 0.0, 0.1)\nv = tf.Variable(noise)\ny = x + noise\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n\n\n"
             "def get_var(initial_value, name):\n"
             "    value = initial_value\n"
             "    var = tf.Variable(value, name=name)\n"
             "    store[name] = var\n"
             "    assert var.get_shape() == initial_value.get_shape()\n"
             "    return var\n\n\n"
             "def get_fc_var(n_in, n_out):\n"
             "    initial_value = tf.truncated_normal([n_in, n_out], 0.0, 0.001)\n"
             "    return get_var(initial_value, 'w')\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n\n"
             "def get_var(initial_value, name):\n"
             "    value = initial_value\n"
             "    var = tf.Variable(value, name=name)\n"
             "    store[name] = var\n"
             "    assert var.shape == initial_value.shape\n"
             "    return var\n\n\n"
             "def get_fc_var(n_in, n_out):\n"
             "    initial_value = keras.random.truncated_normal([n_in, n_out], mean=0.0, stddev=0.001)\n"
             "    return get_var(initial_value, 'w')\n",
             ("TFM190",), todo=True, requires=("TFM139",)),
    ]
