"""TFM159: ``tf.make_template(name, func, **kwargs)`` -> ``TF1Template(func, **kwargs)``: one
model built by the first call and applied by every call (TF1's template shares its variables)."""
from __future__ import annotations

from ..args import BoundArgs, Unbindable
from ..emit import call
from ..helpers import register_source
from .base import Case, CallRule

TF1_TEMPLATE = register_source("tf1_layers", "TF1Template")

_SIG = "name_, func_, create_scope_now_=False, unique_name_=None, custom_getter_=None, **kwargs"


class MakeTemplate(CallRule):
    ID = "TFM159"
    TRIGGERS = ("tensorflow",)
    NAME = "make-template"
    MESSAGE = "tf.make_template(name, func) -> TF1Template(func): one model shared by every call"
    RATIONALE = ("tf.make_template wraps func so that its first call creates the variables (tf.layers, "
                 "get_variable) under the template's scope and every later call reuses them: a Siamese "
                 "tower made with it shares its weights. After TFM131 func builds fresh Keras layers per "
                 "call, so the template becomes a helper that builds func ONCE into a keras.Model on "
                 "inputs shaped like the first call's arguments and applies that model on every call. "
                 "The scope name only named variables; extra keyword arguments are passed to func as "
                 "TF1 did. A custom_getter_ (variables transformed on creation) has no Keras "
                 "counterpart: TODO.")
    CALLS = ("tensorflow.make_template", "tensorflow.compat.v1.make_template")

    def translate(self, qname, original, updated):
        try:
            b = BoundArgs(updated, _SIG, original)
        except Unbindable as ex:
            self.todo(original, f"tf.make_template: {ex}")
            return None
        if b.given("custom_getter_"):
            self.todo(original, "tf.make_template with a custom_getter_: no Keras counterpart")
            return None
        kw = dict(b.extra)
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return call(self.ctx.use_helper("TF1Template"), b.node("func_"), **kw)

    VALID = ["import keras\nnet = keras.Sequential([keras.layers.Dense(4)])\n"]
    INVALID = [
        Case("import tensorflow as tf\n\ndef tower(x):\n    return x\n\n"
             "net = tf.make_template('tower', tower)\na = net(x1)\nb = net(x2)\n",
             "import keras\n\n\n# tflearn-migrate helper: TF1Template\n" + TF1_TEMPLATE.code + "\n\ndef tower(x):\n    return x\n\n"
             "net = TF1Template(tower)\na = net(x1)\nb = net(x2)\n"),
        Case("import tensorflow as tf\nnet = tf.make_template('t', tower, custom_getter_=g)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "net = tf.make_template('t', tower, custom_getter_=g)  "
             "# TODO(tflearn-migrate): TFM159 tf.make_template with a custom_getter_: no Keras counterpart\n",
             ("TFM159",), todo=True),
    ]
