"""TFM102: tflearn conv_1d / conv_2d -> keras.layers.Conv1D / Conv2D."""
from __future__ import annotations

from ..args import BoundArgs
from ..emit import literal, to_node
from ..translate.layer import LayerRule
from ..translate.tflearn import Untranslatable, check_scope, initializer, is_default_init, name_kwarg, regularizer
from .base import Case

_COMMON = ("strides=1, padding='same', activation='linear', bias=True, weights_init='uniform_scaling', "
           "bias_init='zeros', regularizer=None, weight_decay=0.001, trainable=True, restore=True, "
           "reuse=False, scope=None")


class Conv(LayerRule):
    ID = "TFM102"
    TRIGGERS = ("tflearn",)
    NAME = "conv"
    MESSAGE = "tflearn conv_1d/conv_2d -> keras.layers.Conv1D/Conv2D"
    RATIONALE = ("tflearn pads 'same' by default (Keras: 'valid') and initializes kernels with "
                 "uniform_scaling, i.e. U(+-sqrt(3/fan_in)) (Keras: Glorot-uniform); both are "
                 "written out.")
    SIGNATURES = {
        "tflearn.layers.conv.conv_2d": f"incoming, nb_filter, filter_size, {_COMMON}, name='Conv2D'",
        "tflearn.layers.conv.conv_1d": f"incoming, nb_filter, filter_size, {_COMMON}, name='Conv1D'",
    }

    def build(self, qname, b: BoundArgs, original):
        check_scope(b)
        cls = "Conv2D" if qname.endswith("conv_2d") else "Conv1D"
        kw: dict = {}
        strides = b.node("strides") if b.given("strides") else None
        sv = literal(strides, None) if strides is not None else None
        if isinstance(sv, (list, tuple)):  # tflearn accepts [1, s, s, 1] like tf.nn.conv2d
            if len(sv) in (3, 4):
                sv = tuple(sv[1:-1])
                strides = to_node(sv if len(set(sv)) > 1 else sv[0])
        if strides is not None and sv != 1:
            kw["strides"] = strides
        pad = b.node("padding")
        pv = literal(pad, None)
        if isinstance(pv, str):
            pv = pv.lower()
            if pv not in ("same", "valid"):
                raise Untranslatable(f"padding {pv!r}")
            pad = to_node(pv)
        kw["padding"] = pad
        if not b.is_default("bias"):
            kw["use_bias"] = b.node("bias")
        kw["kernel_initializer"] = initializer(self.ctx, b, "weights_init")
        if not is_default_init(b, "bias_init", "zeros"):
            kw["bias_initializer"] = initializer(self.ctx, b, "bias_init")
        reg = regularizer(self.ctx, b, original=original)
        if reg is not None:
            kw["kernel_regularizer"] = reg
        if not b.is_default("trainable"):
            kw["trainable"] = b.node("trainable")
        kw["name"] = name_kwarg(b)
        return self.layer(cls, b.node("incoming"), b.node("nb_filter"), b.node("filter_size"),
                          b=b, act="activation", **kw)

    VALID = ["import keras\nx = keras.layers.Conv2D(32, 3)(x)\n"]
    INVALID = [
        Case("import tflearn\nx = tflearn.conv_2d(x, 32, 3, activation='relu', regularizer='L2')\n",
             "import keras\n\nx = keras.layers.Conv2D(\n    32,\n    3,\n    activation='relu',\n"
             "    padding='same',\n"
             "    kernel_initializer=keras.initializers.LecunUniform(),\n"
             "    kernel_regularizer=keras.regularizers.L2(0.0005),\n)(x)\n"),
        Case("from tflearn.layers.conv import conv_1d\nx = conv_1d(x, 8, 5, strides=2, padding='valid', bias=False)\n",
             "import keras\n\nx = keras.layers.Conv1D(\n    8,\n    5,\n    strides=2,\n    padding='valid',\n"
             "    use_bias=False,\n"
             "    kernel_initializer=keras.initializers.LecunUniform(),\n)(x)\n"),
    ]
