"""TFM154: a TF1 variable handed around as an object (the VGG-npy ``get_var``) -> a layer object
owning the weight, called at each op that reads it.

The analysis is :class:`migrator.analysis.variable_objects.VariableObjects`.
"""
from __future__ import annotations

import libcst as cst

from ..analysis.variable_objects import VariableObjects
from ..emit import apply_layer, call, literal
from ..helpers import register_source
from .base import Case, Rule

TF1_VARIABLE = register_source("tf1_layers", "TF1Variable")
TF1_VARIABLE_OBJECT = register_source("tf1_layers", "TF1VariableObject", requires=("TF1Variable",))


class VariableObjectsRule(Rule):
    ID = "TFM154"
    TRIGGERS = (("tensorflow", "Variable"),)
    NAME = "variable-objects"
    MESSAGE = ("`var = tf.Variable(value)` made by a helper that returns it (through `(weights, biases)` tuples) "
               "to the ops reading it, kept in a dict, its shape asserted / counted -> `TF1VariableObject(value)`, "
               "called on the op's other operand at each read (`tf.nn.conv2d(x, w, ...)` -> `keras.ops.conv(x, "
               "w(x), ...)`)")
    RATIONALE = (
        "The VGG-npy idiom (the VGG16 / VGG19 'trainable' ports and the many repositories built on them, such as "
        "Osagawara/triplet): `get_var(initial_value, "
        "name, idx, var_name)` makes `tf.Variable(value, name=var_name)`, stores it in `var_dict[(name, idx)]`, "
        "asserts `var.get_shape() == initial_value.get_shape()` and returns it; `get_conv_var` / `get_fc_var` "
        "return `(filters, biases)` pairs that `conv_layer` / `fc_layer` unpack and read in `tf.nn.conv2d`, "
        "`tf.matmul`, `tf.nn.bias_add`. In Keras 3 a weight that a functional model trains must belong to a "
        "layer called on the model's tensors. The variable becomes a layer object owning the weight, started "
        "from the same value (drawn once: TFM190), with a `shape` property, so that the dict store, the assert "
        "and `get_var_count` read it unchanged; every op read - followed from the helper's `return` through "
        "the `x = f(...)` / `a, b = f(...)` bindings of the file's own functions - calls the object on a tensor "
        "of the graph (the op's other operand, or the first tensor it is made of), which returns the weight: "
        "one object, one weight however many reads (TF1's one variable). `tf.nn.conv2d(x, w, strides, "
        "padding)` with such a filter (NHWC, no dilations, a 'SAME' / 'VALID' literal) is `keras.ops.conv(x, "
        "w(x), strides=(h, w), padding=...)`. Declined (all its reads stay, with TFM100's TODO): any other read "
        "of the variable (a `sess.run` of it, an assignment, a dict whose values are read as tensors: a "
        "`save_npy` the program calls; one nothing calls never runs), a helper with another `return`, a call site binding the result otherwise, "
        "`trainable=False`, an initial value not drawn once (TFM190), an anchor that is itself such a read.")
    ORDER = 41

    def _a(self) -> VariableObjects:
        return self.ctx.analysis(VariableObjects)

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        anchor = self._a().wraps.get(id(original)) if self._a().variables else None
        if anchor is None:
            return updated
        return apply_layer(updated, anchor.deep_clone())

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        a = self._a()
        if not a.variables:
            return updated
        if id(original) in a.variables:
            value = next(x.value for x in updated.args if x.keyword is None or x.keyword.value == "initial_value")
            name = next((x.value for x in updated.args if x.keyword is not None and x.keyword.value == "name"), None)
            self.ctx.use_helper("TF1VariableObject")
            self.ctx.add_import("keras")
            self.ctx.count(self)
            self.report(original, "tf.Variable handed on as an object (returned, stored, its shape read) -> "
                                  "TF1VariableObject: a layer owning the weight, called at each op that reads it")
            return call("TF1VariableObject", value, tf1_name=name)
        if id(original) in a.convs:
            x, w, strides, padding = a.conv_parts(updated)
            s = literal(strides, None)
            if isinstance(s, (list, tuple)) and len(s) == 4 and s[0] == 1 and s[3] == 1 \
                    and all(type(v) is int for v in s):
                strides = cst.parse_expression(f"({s[1]}, {s[2]})")
            else:
                self.ctx.use_helper("tf1_window")
                strides = call("tf1_window", strides)
            self.ctx.add_import("keras")
            self.ctx.count(self)
            self.report(original, "tf.nn.conv2d with a TF1VariableObject filter -> keras.ops.conv (NHWC)")
            return call("keras.ops.conv", x, w, strides=strides, padding=literal(padding, None).lower())
        return updated

    VALID = [
        # the variable is also run by a session (a read needing a tensor): not this form
        "import tensorflow as tf\n\n\n"
        "def get_var(n_in, n_out):\n"
        "    initial_value = tf.truncated_normal([n_in, n_out], 0.0, 0.01)\n"
        "    var = tf.Variable(initial_value, name='w')\n"
        "    return var\n\n\n"
        "w = get_var(4, 2)\n"
        "y = tf.matmul(x, w)\n"
        "print(sess.run(w))\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n\n"
             "store = {}\n\n\n"
             "def get_var(initial_value, name):\n"
             "    var = tf.Variable(initial_value, name=name)\n"
             "    store[name] = var\n"
             "    assert var.get_shape() == initial_value.get_shape()\n"
             "    return var\n\n\n"
             "def get_fc_var(n_in, n_out, name):\n"
             "    initial_value = tf.truncated_normal([n_in, n_out], 0.0, 0.01)\n"
             "    weights = get_var(initial_value, name + '_w')\n"
             "    initial_value = tf.truncated_normal([n_out], 0.0, 0.01)\n"
             "    biases = get_var(initial_value, name + '_b')\n"
             "    return weights, biases\n\n\n"
             "def fc_layer(x, n_in, n_out, name):\n"
             "    weights, biases = get_fc_var(n_in, n_out, name)\n"
             "    return tf.nn.bias_add(tf.matmul(x, weights), biases)\n",
             "import keras\n\n\n# tflearn-migrate helper: TF1Variable\n" + TF1_VARIABLE.code
             + "\n\n# tflearn-migrate helper: TF1VariableObject\n" + TF1_VARIABLE_OBJECT.code + "\n\n"
             "store = {}\n\n\n"
             "def get_var(initial_value, name):\n"
             "    var = TF1VariableObject(initial_value, tf1_name=name)\n"
             "    store[name] = var\n"
             "    assert var.shape == initial_value.shape\n"
             "    return var\n\n\n"
             "def get_fc_var(n_in, n_out, name):\n"
             "    initial_value = keras.random.truncated_normal([n_in, n_out], mean=0.0, stddev=0.01)\n"
             "    weights = get_var(initial_value, name + '_w')\n"
             "    initial_value = keras.random.truncated_normal([n_out], mean=0.0, stddev=0.01)\n"
             "    biases = get_var(initial_value, name + '_b')\n"
             "    return weights, biases\n\n\n"
             "def fc_layer(x, n_in, n_out, name):\n"
             "    weights, biases = get_fc_var(n_in, n_out, name)\n"
             "    return keras.ops.add(keras.ops.matmul(x, weights(x)), biases(x))\n",
             ("TFM154", "TFM190", "TFM190"), requires=("TFM190", "TFM139", "TFM130")),
    ]
