"""TFM108: tflearn local_response_normalization / l2_normalize -> keras.ops (a helper layer).

Read from tflearn 0.5.0 (layers/normalization.py):

* ``local_response_normalization(incoming, depth_radius=5, bias=1.0, alpha=0.0001,
  beta=0.75)`` is ``tf.nn.lrn`` over the LAST axis::

      sqr_sum[a, b, c, d] = sum(input[a, b, c, d - depth_radius : d + depth_radius + 1] ** 2)
      output = input / (bias + alpha * sqr_sum) ** beta

  Keras 3 has no LRN layer: the registered helper layer ``LocalResponseNormalization``
  computes exactly this with ``keras.ops`` (any backend), its defaults are tflearn's.
* ``l2_normalize(incoming, dim, epsilon=1e-12)`` is
  ``x * rsqrt(max(sum(x ** 2, dim), epsilon))``: epsilon bounds the SQUARED norm.
  ``keras.ops.normalize(x, axis, epsilon=e)`` computes ``x * min(rsqrt(sum(x ** 2)), 1 / e)``
  (e bounds the norm), so the translation passes ``epsilon=sqrt(epsilon)`` (1e-6).
  (``keras.layers.UnitNormalization`` fixes e = 1e-12, i.e. a different bound.)
"""
from __future__ import annotations

import math

import libcst as cst

from ..args import BoundArgs
from ..emit import apply_layer, call, expr, float_repr, literal, wrap_long_call
from ..helpers import HELPER_MARKER, register_source
from ..translate.layer import LayerRule
from .base import Case

LRN_SIG = ("incoming, depth_radius=5, bias=1.0, alpha=0.0001, beta=0.75, "
           "name='LocalResponseNormalization'")
L2_SIG = "incoming, dim, epsilon=1e-12, name='l2_normalize'"

_LRN = register_source("tflearn_layers", "LocalResponseNormalization")


class LocalResponseNormalization(LayerRule):
    ID = "TFM108"
    TRIGGERS = ("tflearn",)
    NAME = "local-response-normalization"
    MESSAGE = "tflearn local_response_normalization / l2_normalize -> keras.ops (LRN helper layer)"
    RATIONALE = ("Keras 3 has no local response normalization: a small helper layer computes "
                 "tf.nn.lrn's formula with keras.ops (tflearn's defaults depth_radius 5, bias 1.0, "
                 "alpha 1e-4, beta 0.75). l2_normalize's epsilon bounds the squared norm, Keras' "
                 "normalize bounds the norm: epsilon becomes sqrt(epsilon).")
    SIGNATURES = {
        "tflearn.layers.normalization.local_response_normalization": LRN_SIG,
        "tflearn.layers.normalization.l2_normalize": L2_SIG,
    }

    def build(self, qname, b: BoundArgs, original):
        if qname.endswith("l2_normalize"):
            return self._l2(b)
        kw = {p: b.node(p) for p in ("depth_radius", "bias", "alpha", "beta", "name") if b.given(p)}
        ctor = wrap_long_call(call(self.ctx.use_helper("LocalResponseNormalization"), **kw))
        return apply_layer(ctor, b.node("incoming"))

    def _l2(self, b: BoundArgs) -> cst.BaseExpression:
        eps = literal(b.node("epsilon"), None)
        if isinstance(eps, (int, float)) and not isinstance(eps, bool) and eps >= 0:
            epsn: cst.BaseExpression = cst.parse_expression(float_repr(math.sqrt(eps)))
        else:
            epsn = expr("{e} ** 0.5", e=b.node("epsilon"))
        return call("keras.ops.normalize", b.node("incoming"), axis=b.node("dim"), epsilon=epsn)

    VALID = [
        "def local_response_normalization(x):\n    return x\ny = local_response_normalization(x)\n",
        "import keras\ny = keras.ops.normalize(x, axis=1)\n",
    ]
    INVALID = [
        Case("import tflearn\n\ndef f(net):\n    net = tflearn.local_response_normalization(net)\n"
             "    return tflearn.layers.normalization.local_response_normalization(net, depth_radius=2, beta=0.5)\n",
             f"import keras\n\n\n{HELPER_MARKER} LocalResponseNormalization\n{_LRN.code}\n\n"
             "def f(net):\n    net = LocalResponseNormalization()(net)\n"
             "    return LocalResponseNormalization(depth_radius=2, beta=0.5)(net)\n"),
        Case("from tflearn.layers.normalization import l2_normalize\n\ndef f(x, e):\n"
             "    x = l2_normalize(x, 1)\n    return l2_normalize(x, dim=-1, epsilon=e)\n",
             "import keras\n\ndef f(x, e):\n    x = keras.ops.normalize(x, axis=1, epsilon=1e-6)\n"
             "    return keras.ops.normalize(x, axis=-1, epsilon=e ** 0.5)\n"),
    ]
