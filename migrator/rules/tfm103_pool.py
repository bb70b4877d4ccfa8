"""TFM103: tflearn pooling -> keras pooling layers (strides default to the kernel size)."""
from __future__ import annotations

from ..args import BoundArgs
from ..emit import code, literal, to_node
from ..translate.layer import LayerRule
from ..translate.tflearn import Untranslatable
from .base import Case

_POOL = "incoming, kernel_size, strides=None, padding='same', name='{n}'"


def _spatial(node, ndim):
    """[1, k, k, 1] (tf.nn style) -> k ; k -> k."""
    v = literal(node, None)
    if isinstance(v, (list, tuple)) and len(v) == ndim + 2:
        v = tuple(v[1:-1])
        return to_node(v if len(set(v)) > 1 else v[0])
    return node


class Pool(LayerRule):
    ID = "TFM103"
    TRIGGERS = ("tflearn",)
    NAME = "pooling"
    MESSAGE = "tflearn max/avg/global pooling -> keras pooling layers"
    RATIONALE = ("tflearn pools pad 'same' and, when strides is not given, stride by the kernel "
                 "size; Keras pads 'valid' and strides by the pool size too. padding='same' is written "
                 "out; strides only where they differ from the pool size (Keras' own default).")
    SIGNATURES = {
        "tflearn.layers.conv.max_pool_2d": _POOL.format(n="MaxPool2D"),
        "tflearn.layers.conv.avg_pool_2d": _POOL.format(n="AvgPool2D"),
        "tflearn.layers.conv.max_pool_1d": _POOL.format(n="MaxPool1D"),
        "tflearn.layers.conv.avg_pool_1d": _POOL.format(n="AvgPool1D"),
        "tflearn.layers.conv.global_avg_pool": "incoming, name='GlobalAvgPool'",
        "tflearn.layers.conv.global_max_pool": "incoming, name='GlobalMaxPool'",
    }
    _CLS = {"max_pool_2d": "MaxPooling2D", "avg_pool_2d": "AveragePooling2D",
            "max_pool_1d": "MaxPooling1D", "avg_pool_1d": "AveragePooling1D",
            "global_avg_pool": "GlobalAveragePooling2D", "global_max_pool": "GlobalMaxPooling2D"}

    def build(self, qname, b: BoundArgs, original):
        short = qname.rsplit(".", 1)[1]
        cls = self._CLS[short]
        kw = {}
        if b.given("name"):
            kw["name"] = b.node("name")
        if short.startswith("global"):
            return self.layer(cls, b.node("incoming"), **kw)
        ndim = 2 if short.endswith("2d") else 1
        k = _spatial(b.node("kernel_size"), ndim)
        s = _spatial(b.node("strides"), ndim) if b.given("strides") and literal(b.node("strides"), 0) is not None else k
        pad = literal(b.node("padding"), None)
        if isinstance(pad, str) and pad.lower() not in ("same", "valid"):
            raise Untranslatable(f"padding {pad!r}")
        padn = to_node(pad.lower()) if isinstance(pad, str) else b.node("padding")
        # what differs from Keras' defaults (strides = the pool size, padding 'valid')
        if code(s) != code(k):
            kw = {"strides": s, **kw}
        if not (isinstance(pad, str) and pad.lower() == "valid"):
            kw = {"padding": padn, **kw} if "strides" not in kw else {"strides": s, "padding": padn, **kw}
        return self.layer(cls, b.node("incoming"), k, **kw)

    VALID = ["import keras\nx = keras.layers.MaxPooling2D(2)(x)\n"]
    INVALID = [
        Case("import tflearn\nx = tflearn.max_pool_2d(x, 2)\ny = tflearn.avg_pool_2d(x, 3, strides=1)\n",
             "import keras\n\nx = keras.layers.MaxPooling2D(2, padding='same')(x)\n"
             "y = keras.layers.AveragePooling2D(3, strides=1, padding='same')(x)\n"),
        Case("import tflearn\nx = tflearn.max_pool_2d(x, [1, 2, 2, 1], padding='valid')\n",
             "import keras\n\nx = keras.layers.MaxPooling2D(2)(x)\n"),
    ]
