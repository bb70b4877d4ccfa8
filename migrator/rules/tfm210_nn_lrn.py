"""TFM210: TF1's ``tf.nn.local_response_normalization`` / ``tf.nn.lrn`` -> the LRN helper layer.

Read from TensorFlow 1.15 (``nn_ops.local_response_normalization``, the raw op ``LRN``):
``local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None)``
over the LAST axis of a 4-D input::

    sqr_sum[a, b, c, d] = sum(input[a, b, c, d - depth_radius : d + depth_radius + 1] ** 2)
    output = input / (bias + alpha * sqr_sum) ** beta

(``tf.nn.lrn`` is the same function). Keras 3 has no LRN layer: TFM108's registered helper layer
``LocalResponseNormalization`` computes exactly this with ``keras.ops``; its defaults are tflearn's
(alpha 1e-4, beta 0.75), so TF's own defaults alpha=1 and beta=0.5 are written out when the call
leaves them out. The layer has no weights: a new one per call is the same function (AlexNet
helpers call ``lrn(x, 2, 2e-05, 0.75, name='norm1')`` in each tower). ``name=`` names TF1's op,
not a layer: it is not passed (two towers would make two Keras layers of one name).
"""
from __future__ import annotations

from ..args import BoundArgs, Unbindable
from ..emit import apply_layer, call, to_node, wrap_long_call
from ..helpers import HELPER_MARKER, register_source
from .base import Case, CallRule

_SIG = "input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None"
_LRN = register_source("tflearn_layers", "LocalResponseNormalization")


class NnLocalResponseNormalization(CallRule):
    ID = "TFM210"
    TRIGGERS = ("tensorflow",)
    NAME = "tf-nn-lrn"
    MESSAGE = "tf.nn.local_response_normalization / tf.nn.lrn -> the LRN helper layer (TF's defaults written out)"
    RATIONALE = ("Keras 3 has no local response normalization. The helper layer TFM108 writes for "
                 "tflearn computes tf.nn.lrn's formula over the last axis with keras.ops; TF1's "
                 "defaults (alpha=1, beta=0.5) differ from the helper's (tflearn's 1e-4, 0.75), so "
                 "they are passed explicitly when the call leaves them out. No weights: one layer "
                 "per call computes the same as TF1's op.")
    CALLS = ("tensorflow.nn.local_response_normalization", "tensorflow.nn.lrn")

    def translate(self, qname, original, updated):
        try:
            b = BoundArgs(updated, _SIG, original)
        except Unbindable as ex:
            self.todo(original, f"{qname.replace('tensorflow', 'tf', 1)}: {ex}")
            return None
        kw = {p: b.node(p) for p in ("depth_radius", "bias") if b.given(p)}
        kw["alpha"] = b.node("alpha") if b.given("alpha") else to_node(1.0)
        kw["beta"] = b.node("beta") if b.given("beta") else to_node(0.5)
        self.ctx.add_import("keras")
        self.ctx.count(self)
        ctor = wrap_long_call(call(self.ctx.use_helper("LocalResponseNormalization"), **kw))
        return apply_layer(ctor, b.node("input"))

    VALID = [
        "import keras\ny = LocalResponseNormalization(depth_radius=2, alpha=2e-05, beta=0.75)(x)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n\ndef lrn(x, radius, alpha, beta, name, bias=1.0):\n"
             "    return tf.nn.local_response_normalization(x, depth_radius=radius, alpha=alpha,\n"
             "                                              beta=beta, bias=bias, name=name)\n\n"
             "y = tf.nn.lrn(h, 4, bias=1.0)\n",
             f"import keras\n\n\n{HELPER_MARKER} LocalResponseNormalization\n{_LRN.code}\n\n"
             "def lrn(x, radius, alpha, beta, name, bias=1.0):\n"
             "    return LocalResponseNormalization(\n        depth_radius=radius,\n        bias=bias,\n"
             "        alpha=alpha,\n        beta=beta,\n    )(x)\n\n"
             "y = LocalResponseNormalization(\n    depth_radius=4,\n    bias=1.0,\n    alpha=1.0,\n"
             "    beta=0.5,\n)(h)\n"),
    ]
