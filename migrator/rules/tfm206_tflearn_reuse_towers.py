"""TFM206: tflearn towers shared with ``reuse=True, scope=...`` -> one encoder applied twice."""
from __future__ import annotations

import libcst as cst

from ..translate.encoder import apply_encoder, encoder_statements
from .base import Case, Rule
from ..analysis.reuse_towers import ReuseTowers

# the migrated towers and the encoder both INVALID cases below end with (after ``def tower(...):``)
_ENCODER_PROGRAM = (
    "    x = keras.layers.Dense(\n"
    "        8,\n"
    "        activation='relu',\n"
    "        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
    "    )(keras.layers.Flatten()(x))\n"
    "    return keras.layers.Dense(\n"
    "        4,\n"
    "        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
    "    )(x)\n"
    "in_a = keras.Input(shape=(16,))\n"
    "in_b = keras.Input(shape=(16,))\n"
    "encoder_input = keras.Input(shape=in_a.shape[1:])\n"
    "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
    "a = encoder(in_a)\n"
    "b = encoder(in_b)\n"
)


class TflearnReuseTowers(Rule):
    ID = "TFM206"
    TRIGGERS = (("tflearn", "reuse"),)
    NAME = "tflearn-reuse-towers"
    MESSAGE = "tflearn towers sharing variables through reuse=True/scope= -> one encoder model"
    RATIONALE = ("tflearn shares a layer's variables between calls that use the same scope= with "
                 "reuse=True: a builder called first with reuse=False and then with reuse=True "
                 "builds ONE set of weights used by both towers. Keras shares weights by applying "
                 "the same layer/model objects, so (faithfully, not a fix) the builder is called "
                 "once on a fresh keras.Input to make one encoder keras.Model that is applied to "
                 "every input, and the reuse= arguments of its layers are dropped (the encoder is "
                 "built once, with reuse=False). Inside TF1 programs TFM205 builds the encoder; "
                 "this rule then only drops the layers' reuse= arguments.")
    ORDER = 60  # strip reuse= before the layer rules see the call; replace calls after translation

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        if id(original) in self.ctx.analysis(ReuseTowers).strip:
            return cst.RemoveFromParent()
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.BaseExpression) -> cst.BaseExpression:
        rt: ReuseTowers = self.ctx.analysis(ReuseTowers)
        hit = rt.by_call.get(id(original))
        if hit is None or not isinstance(updated, cst.Call):
            return updated
        g, i = hit
        if g in rt.problem:
            if i == 0:
                self.todo(original, f"shared tflearn towers: {rt.problem[g]}")
            return updated
        param = rt.param[g]
        enc = rt.encoder[g]
        calls = rt.groups[g]
        if i == 0:
            self.ctx.count(self)
            extra = [a for a in updated.args[1:] if not (a.keyword and a.keyword.value == param)]
            sample = cst.Name(calls[0].input.value) if isinstance(calls[0].input, cst.Name) else \
                updated.args[0].value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            self.ctx.insert_before(original, encoder_statements(enc, updated.func, sample, extra))
            self.ctx.add_import("keras")
        return apply_encoder(enc, updated.args[0].value)

    VALID = [
        "import keras\nencoder = keras.Sequential([keras.layers.Dense(4)])\na = encoder(x1)\nb = encoder(x2)\n",
    ]
    INVALID = [
        Case("import tflearn\n"
             "def tower(x, reuse=False):\n"
             "    x = tflearn.fully_connected(x, 8, activation='relu', scope='fc1', reuse=reuse)\n"
             "    return tflearn.fully_connected(x, 4, scope='fc2', reuse=reuse)\n"
             "in_a = tflearn.input_data(shape=[None, 16])\n"
             "in_b = tflearn.input_data(shape=[None, 16])\n"
             "a = tower(in_a)\n"
             "b = tower(in_b, reuse=True)\n",
             "import keras\n\n"
             "def tower(x, reuse=False):\n" + _ENCODER_PROGRAM),
        # reuse=tf.AUTO_REUSE with scope=: TF1 shares (Sharing models it); TFM205 builds the
        # encoder and the layers' reuse= arguments go
        Case("import tensorflow as tf\nimport tflearn\n"
             "def tower(x):\n"
             "    x = tflearn.fully_connected(x, 8, activation='relu', scope='fc1', reuse=tf.AUTO_REUSE)\n"
             "    return tflearn.fully_connected(x, 4, scope='fc2', reuse=tf.AUTO_REUSE)\n"
             "in_a = tflearn.input_data(shape=[None, 16])\n"
             "in_b = tflearn.input_data(shape=[None, 16])\n"
             "a = tower(in_a)\n"
             "b = tower(in_b)\n",
             "import keras\n\n"
             "def tower(x):\n" + _ENCODER_PROGRAM, ("TFM205",), requires=("TFM205",)),
        # AUTO_REUSE without scope=: tflearn's variable_scope(None, default_name=..., reuse=...)
        # raises in TF1 ("reuse=True cannot be used without a name_or_scope"): kept, TODO
        Case("import tensorflow as tf\nimport tflearn\n"
             "def tower(x):\n"
             "    return tflearn.fully_connected(x, 4, reuse=tf.AUTO_REUSE)\n"
             "in_a = tflearn.input_data(shape=[None, 16])\n"
             "in_b = tflearn.input_data(shape=[None, 16])\n"
             "a = tower(in_a)\n"
             "b = tower(in_b)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "def tower(x):\n"
             "    # TODO(tflearn-migrate): TFM104 fully_connected: variable sharing with reuse=/scope= (TFM205 handles towers)\n"
             "    return tflearn.fully_connected(x, 4, reuse=tf.AUTO_REUSE)\n"
             "in_a = keras.Input(shape=(16,))\n"
             "in_b = keras.Input(shape=(16,))\n"
             "a = tower(in_a)\n"
             "b = tower(in_b)\n", ("TFM104",), todo=True, requires=("TFM205",)),
    ]
    REQUIRES = ("TFM101", "TFM104")
