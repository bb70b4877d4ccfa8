"""TFM126: reading a tflearn layer's variables -> the Keras layer's weights.

Read from tflearn 0.5.0 (variables.py, models/dnn.py):

* ``get_layer_variables_by_name(name)`` is ``tf.get_collection(LAYER_VARIABLES/<name>)``: the
  layer's ``[W, b]`` in creation order (``[W]`` without a bias) -> ``M.get_layer(name).weights``
  (Keras Dense/Conv hold ``[kernel, bias]``, the same arrays in the same layout). M is the file's
  only tflearn DNN (a keras.Model after TFM116): the graph collection has no Keras counterpart
  without a model.
* ``get_value(var, session=None)`` is ``var.eval(session)`` -> ``keras.ops.convert_to_numpy(var)``;
  ``set_value(var, value, session=None)`` is ``var.assign(value)`` run in the session ->
  ``var.assign(value)``.
* ``with M.session.as_default():`` only makes M's session the default one for those reads ->
  its body, once nothing TF1 / tflearn is left inside.

A variable is followed when it is ``T.W`` / ``T.b`` of a translated layer's output
(``tflearn_layer_weight(M, T, 'W')``, see ``_tflearn_vars``) or comes from
``get_layer_variables_by_name``; anything else stays a TODO.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call, literal
from ..translate.tflearn import Untranslatable
from ..analysis.tflearn_vars import LAYER_VARIABLES, TflearnVars, _as_default_of
from .base import Case, CallRule

_SIGS = {
    "tflearn.variables.get_layer_variables_by_name": "name",
    "tflearn.variables.get_layer_variables": "name",
    "tflearn.variables.get_value": "var, session=None",
    "tflearn.variables.set_value": "var, value, session=None",
}


class TflearnVariables(CallRule):
    ID = "TFM126"
    TRIGGERS = ("tflearn",)
    NAME = "tflearn-layer-variables"
    MESSAGE = ("tflearn get_layer_variables_by_name / get_value / set_value, model.session.as_default() "
               "-> the Keras layer's weights")
    RATIONALE = ("tflearn files a layer's [W, b] under LAYER_VARIABLES/<name> and attaches W/b to its "
                 "output tensor; the Keras layer (same name) holds [kernel, bias] with the same arrays. "
                 "get_value evaluates a variable in the default session: keras.ops.convert_to_numpy. "
                 "The session context has no Keras meaning once the reads inside are translated.")
    CALLS = tuple(_SIGS)
    REQUIRES = ("TFM101", "TFM104", "TFM116")
    ORDER = 46

    def translate(self, qname, original, updated):
        tv: TflearnVars = self.ctx.analysis(TflearnVars)
        short = qname.rsplit(".", 1)[1]
        try:
            b = BoundArgs(updated, _SIGS[qname], original)
            if qname in LAYER_VARIABLES:
                name = literal(b.orig("name"), None)
                if not isinstance(name, str):
                    raise Untranslatable("the layer name is not a string literal")
                tv.layer_of_name(name)
                model = tv.model_for(original)
                out = cst.Attribute(call(cst.Attribute(cst.Name(model), cst.Name("get_layer")),
                                         b.node("name")), cst.Name("weights"))
            else:
                session = b.orig("session") if b.given("session") else None
                var = tv.variable(b.orig("var"), b.node("var"), original, session=session)
                if short == "get_value":
                    out = call("keras.ops.convert_to_numpy", var)
                else:
                    out = call(cst.Attribute(var, cst.Name("assign")), b.node("value"))
        except (Untranslatable, Unbindable) as ex:
            self.todo(original, f"{short}: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def leave_With(self, original: cst.With, updated: cst.With):
        if len(original.items) != 1 or original.items[0].asname is not None:
            return updated
        sess = _as_default_of(original.items[0].item)
        tv: TflearnVars = self.ctx.analysis(TflearnVars)
        if tv.session_model(sess, original) is None:
            return updated
        if self.ctx.bindings.refs(updated.body, deep=True):
            # tflearn / TF1 code left inside (TODO) may still read the default session
            self.todo(original.items[0], "session context kept: the code inside still uses tflearn / TF1")
            return updated
        self.ctx.count(self)
        body = list(updated.body.body)
        body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
        return cst.FlattenSentinel(body)

    VALID = ["import keras\nw = keras.ops.convert_to_numpy(v)\n"]
    INVALID = [
        Case("import tflearn\n"
             "net = tflearn.input_data(shape=[None, 4])\n"
             "fc = tflearn.fully_connected(net, 2, name='fc')\n"
             "net = tflearn.regression(fc)\n"
             "model = tflearn.DNN(net)\n"
             "fc_vars = tflearn.variables.get_layer_variables_by_name('fc')\n"
             "with model.session.as_default():\n"
             "    print(tflearn.variables.get_value(fc_vars[1]))\n"
             "    print(tflearn.variables.get_value(fc.W))\n"
             "    tflearn.variables.set_value(fc.b, [0., 0.])\n",
             "import keras\n\n\n"
             "# tflearn-migrate helper: tflearn_layer_weight\n"
             "def tflearn_layer_weight(model, tensor, attr):\n"
             "    \"\"\"tflearn's `tensor.W` / `tensor.b` (the variables tflearn attaches to a layer's output):\n"
             "    the kernel (or embeddings) / bias of the layer of `model` whose output is `tensor`.\"\"\"\n"
             "    names = {\"W\": (\"kernel\", \"embeddings\"), \"b\": (\"bias\",)}[attr]\n"
             "    for layer in model.layers:\n"
             "        try:\n"
             "            out = layer.output\n"
             "        except (AttributeError, ValueError):\n"
             "            continue\n"
             "        if out is tensor:\n"
             "            for name in names:\n"
             "                if getattr(layer, name, None) is not None:\n"
             "                    return getattr(layer, name)\n"
             "            raise ValueError(f\"layer {layer.name} holds no {attr} ({' / '.join(names)})\")\n"
             "    raise ValueError(f\"no layer of model {model.name} outputs this tensor: its {attr} is not found\")\n"
             "\n\n"
             "net_input = keras.Input(shape=(4,))\n"
             "net = net_input\n"
             "fc = keras.layers.Dense(\n"
             "    2,\n"
             "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
             "    name='fc',\n"
             ")(net)\n"
             "net = fc\n"
             "model = keras.Model(inputs=net_input, outputs=net)\n"
             "model.compile(\n"
             "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
             "    loss='categorical_crossentropy',\n"
             "    metrics=['accuracy'],\n"
             ")\n"
             "fc_vars = model.get_layer('fc').weights\n"
             "print(keras.ops.convert_to_numpy(fc_vars[1]))\n"
             "print(keras.ops.convert_to_numpy(tflearn_layer_weight(model, fc, 'W')))\n"
             "tflearn_layer_weight(model, fc, 'b').assign([0., 0.])\n"),
        # two models: which one holds the layer is not decided here
        Case("import tflearn\n"
             "net = tflearn.input_data(shape=[None, 4])\n"
             "fc = tflearn.fully_connected(net, 2, name='fc')\n"
             "r1 = tflearn.regression(fc)\n"
             "m1 = tflearn.DNN(r1)\n"
             "r2 = tflearn.regression(tflearn.fully_connected(net, 2))\n"
             "m2 = tflearn.DNN(r2)\n"
             "v = tflearn.variables.get_layer_variables_by_name('fc')\n",
             "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nnet = keras.Input(shape=(4,))\nfc = keras.layers.Dense(\n    2,\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n    name='fc',\n)(net)\nr1 = fc\nm1 = keras.Model(inputs=net, outputs=r1)\nm1.compile(\n    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n    loss='categorical_crossentropy',\n    metrics=['accuracy'],\n)\nr2 = keras.layers.Dense(\n    2,\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(net)\nm2 = keras.Model(inputs=net, outputs=r2)\nm2.compile(\n    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n    loss='categorical_crossentropy',\n    metrics=['accuracy'],\n)\n# TODO(tflearn-migrate): TFM126 get_layer_variables_by_name: 2 tflearn DNNs in the file: which model holds the variable?\nv = tflearn.variables.get_layer_variables_by_name('fc')\n", ("TFM126",), todo=True),
        # not a variable of a translated layer
        Case("import tflearn\nx = tflearn.variables.get_value(some_var)\n", None, ("TFM126",), todo=True),
    ]
