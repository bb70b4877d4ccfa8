"""TFM106: tflearn reshape / flatten / activation -> keras.layers.Reshape / Flatten / Activation.

Read from tflearn 0.5.0 (layers/core.py):

* ``reshape(incoming, new_shape)`` is ``tf.reshape(incoming, new_shape)``: ``new_shape``
  INCLUDES the batch axis (``[-1, 28, 28, 1]``); Keras' ``Reshape(target_shape)`` keeps the
  batch axis and takes the rest. Only a ``new_shape`` whose first entry is ``-1`` (or
  ``None``) keeps the batch axis; anything else (a fixed batch size, ``[-1]``) is left as a
  TODO. A list of tensors as ``incoming`` (tflearn concatenates them) is left too.
* ``flatten(incoming)`` is ``reshape(incoming, [-1, prod(shape[1:])])`` == ``Flatten()``.
* ``activation(incoming, activation)`` applies ``tflearn.activations.get(activation)``;
  the same translation as the layers' ``activation=`` argument is used (``_tflearn``:
  leaky_relu keeps tflearn's slope 0.1, prelu/crelu become their own ops).

* ``single_unit(incoming)`` flattens the batch to ``[-1]``, multiplies by ``W`` (shape
  ``[prod(shape[1:])]``) and adds ``b`` (same shape), each initialised to ONE
  ``np.random.randn()`` draw (W first) at graph-building time: the helper layer
  ``TflearnSingleUnit`` draws them the same way when Keras builds it (the same point of the
  program, so NumPy's global RNG gives the same values). tflearn's broadcast only works for one
  feature per sample (a ``[None]`` input, or ``[None, 1]``): the layer raises otherwise. Only the
  'linear' activation is translated; ``reuse``/``scope``/``restore=False`` are left as TODOs.
  (``highway`` is TFM124's.)
* ``custom_layer(incoming, custom_fn, **kwargs)`` is ``custom_fn(incoming, **kwargs)`` under a
  ``tf.name_scope`` (which names ops only; ``name=`` is one of the kwargs and reaches
  ``custom_fn`` too): the call is written out. The function's body is migrated by the other
  rules (``tf.abs`` -> ``keras.ops.abs`` ...); Keras 3's functional API accepts keras.ops on its
  symbolic tensors, so the result joins the model as tflearn's did the graph.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..emit import call, literal
from ..helpers import register_source
from ..translate.layer import LayerRule
from ..translate.tflearn import Untranslatable, activation
from .base import Case

_BATCH = (-1, None)
_EQ = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))

register_source("tflearn_layers", "TflearnSingleUnit")


def _single(body: str) -> str:
    from ..helpers import HELPER_MARKER, HELPERS

    return ("import keras\nimport numpy as np\n\n\n"
            f"{HELPER_MARKER} TflearnSingleUnit\n{HELPERS['TflearnSingleUnit'].code}\n\n" + body)


class CoreShapeOps(LayerRule):
    ID = "TFM106"
    TRIGGERS = ("tflearn",)
    NAME = "reshape-flatten-activation"
    MESSAGE = ("tflearn reshape/flatten/activation -> keras.layers.Reshape/Flatten/Activation; "
               "custom_layer -> a call of its function")
    RATIONALE = ("tflearn's reshape takes the full shape including the batch axis ([-1, 28, 28, 1]); "
                 "Keras' Reshape takes the shape without it ((28, 28, 1)). tflearn's activation layer "
                 "uses tflearn's activations (leaky_relu slope 0.1, Keras' default is 0.2), written out.")
    SIGNATURES = {
        "tflearn.layers.core.reshape": "incoming, new_shape, name='Reshape'",
        "tflearn.layers.core.flatten": "incoming, name='Flatten'",
        "tflearn.layers.core.activation": "incoming, activation='linear', name='activation'",
        "tflearn.layers.core.single_unit": ("incoming, activation='linear', bias=True, trainable=True, "
                                            "restore=True, reuse=False, scope=None, name='Linear'"),
        "tflearn.layers.core.custom_layer": "incoming, custom_fn, **kwargs",
    }

    def build(self, qname, b: BoundArgs, original):
        short = qname.rsplit(".", 1)[1]
        kw = {}
        if b.given("name"):
            kw["name"] = b.node("name")
        if short == "single_unit":
            return self._single_unit(b, kw)
        if short == "custom_layer":
            fn = b.node("custom_fn")
            if isinstance(fn, cst.Lambda):
                fn = fn.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return cst.Call(fn, [cst.Arg(b.node("incoming"))]
                            + [cst.Arg(v, keyword=cst.Name(k), equal=_EQ) for k, v in b.extra.items()])
        if short == "flatten":
            return self.layer("Flatten", b.node("incoming"), **kw)
        if short == "reshape":
            return self.layer("Reshape", b.node("incoming"), self._target_shape(b), **kw)
        # activation
        act_kw, wrap = activation(self.ctx, b, "activation")
        if wrap is not None:
            return wrap(b.node("incoming"))
        return self.layer("Activation", b.node("incoming"),
                          act_kw if act_kw is not None else "linear", **kw)

    def _single_unit(self, b: BoundArgs, kw: dict) -> cst.BaseExpression:
        if b.given("activation") and literal(b.node("activation"), None) not in ("linear", None):
            raise Untranslatable("an activation other than 'linear'")
        for k, default in (("restore", True), ("reuse", False), ("scope", None)):
            if b.given(k) and literal(b.node(k), "?") != default:
                raise Untranslatable(f"{k}= (variable restoring / sharing through tflearn's scope)")
        if b.given("bias"):
            kw["use_bias"] = b.node("bias")
        if b.given("trainable"):
            kw["trainable"] = b.node("trainable")
        if isinstance(b.orig("incoming"), (cst.List, cst.Tuple)):
            raise Untranslatable("a list of tensors as incoming")
        self.ctx.use_helper("TflearnSingleUnit")
        return cst.Call(call("TflearnSingleUnit", **kw), [cst.Arg(b.node("incoming"))])

    def _target_shape(self, b: BoundArgs) -> cst.BaseExpression:
        if isinstance(b.orig("incoming"), (cst.List, cst.Tuple)):
            raise Untranslatable("a list of tensors as incoming (tflearn concatenates them)")
        shape = b.node("new_shape")
        if not isinstance(shape, (cst.List, cst.Tuple)) or any(
                not isinstance(e, cst.Element) for e in shape.elements):
            raise Untranslatable("new_shape is not a literal list (its batch entry is unknown)")
        elems = [e.value for e in shape.elements]
        if not elems or literal(elems[0], "x") not in _BATCH or (
                isinstance(literal(elems[0], "x"), bool)):
            raise Untranslatable("new_shape does not keep the batch axis (first entry is not -1)")
        rest = elems[1:]
        if not rest:
            raise Untranslatable("reshape to rank 1 merges the batch axis")
        if any(isinstance(e, cst.Name) and e.value == "None" for e in rest):
            raise Untranslatable("None inside new_shape")
        return cst.Tuple([cst.Element(e) for e in rest])

    VALID = [
        "import keras\nx = keras.layers.Reshape((28, 28, 1))(x)\n",
        "import numpy as np\nx = np.reshape(x, [-1, 28, 28, 1])\n",
    ]
    INVALID = [
        Case("import tflearn\n\ndef f(net):\n"
             "    net = tflearn.reshape(net, [-1, 28, 28, 1])\n    return tflearn.flatten(net)\n",
             "import keras\n\ndef f(net):\n"
             "    net = keras.layers.Reshape((28, 28, 1))(net)\n    return keras.layers.Flatten()(net)\n"),
        Case("from tflearn.layers.core import reshape, activation\n\ndef f(x, h):\n"
             "    x = reshape(x, new_shape=[None, h, 3], name='r')\n"
             "    x = activation(x, 'leaky_relu')\n    return activation(x, activation='relu')\n",
             "import keras\n\ndef f(x, h):\n"
             "    x = keras.layers.Reshape((h, 3), name='r')(x)\n"
             "    x = keras.layers.LeakyReLU(negative_slope=0.1)(x)\n"
             "    return keras.layers.Activation('relu')(x)\n"),
        Case("import tflearn\ny = tflearn.layers.core.reshape(x, [-1, 8])\nz = tflearn.activation(y)\n",
             "import keras\n\ny = keras.layers.Reshape((8,))(x)\nz = keras.layers.Activation('linear')(y)\n"),
        Case("import tflearn\ny = tflearn.reshape(x, [32, 8])\n", None, ("TFM106",), todo=True),
        Case("import tflearn\nd = tflearn.custom_layer([a, b], l1, name='L1')\n"
             "e = tflearn.layers.core.custom_layer(d, lambda t, k: t * k, k=2.0)\n",
             "import keras\n\nd = l1([a, b], name='L1')\ne = (lambda t, k: t * k)(d, k=2.0)\n"),
        Case("import tflearn\ny = tflearn.single_unit(x)\nz = tflearn.single_unit(y, bias=False, name='lin')\n",
             _single("y = TflearnSingleUnit()(x)\nz = TflearnSingleUnit(name='lin', use_bias=False)(y)\n")),
        Case("import tflearn\ny = tflearn.single_unit(x, activation='sigmoid')\n", None, ("TFM106",), todo=True),
        Case("import tflearn\ny = tflearn.single_unit(x, reuse=True, scope='s')\n", None, ("TFM106",), todo=True),
        Case("import tflearn\ny = tflearn.reshape(x, shape)\n", None, ("TFM106",), todo=True),
    ]
