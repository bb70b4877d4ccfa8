"""TFM124: tflearn highway / highway_conv_2d / highway_conv_1d / resnext_block / densenet_block -> Keras 3 helpers.

What tflearn 0.5.0 builds, read line by line (layers/core.py, layers/conv.py):

``highway(incoming, n_units, activation='linear', transform_dropout=None, ...)``: on the
input flattened to ``n_inputs`` features, variables ``W`` [n_inputs, n_units] (weights_init,
regularizer), ``b`` (bias_init), ``W_T`` [n_inputs, n_units] (weights_init, NO regularizer),
``b_T`` (constant -1), created in that order; ``H = act(x W + b)``, ``T = sigmoid(x W_T + b_T)``,
``T = dropout(T, transform_dropout)`` (a KEEP probability, training only) when
``transform_dropout`` is truthy, ``y = H * T + x * (1 - T)`` (so ``n_inputs`` must equal
``n_units``). -> the ``TflearnHighway`` helper layer (same four weights, same order).

``highway_conv_2d(incoming, nb_filter, filter_size, strides=1, padding='same', activation=
'linear', weights_init='uniform_scaling', ...)``: ``W`` (the conv filter), ``b``, ``W_T``
[nb_filter] (weights_init applied to a 1-D shape), ``b_T`` (constant -3);
``c = conv2d(x, W)``, ``H = act(c + b)``, ``T = sigmoid(c * W_T + b_T)``,
``y = H * T + c * (1 - T)`` (the carry is the CONVOLVED input, not the input). ->
``TflearnHighwayConv2D``. tflearn's ``uniform_scaling`` on the 1-D ``W_T`` has fan_in 1
(``prod(shape[:-1])``): U(-sqrt(3), sqrt(3)); Keras would use fan_in = nb_filter, so the gate
initializer is written out separately.

``highway_conv_1d`` is the same on ``tf.expand_dims(x, 2)`` with a ``[fs, 1, in, nb_filter]``
filter (``filter_size[1] = 1``), squeezed back; tflearn also sets ``strides[1] = 1``, the
STEPS axis (the stride lands on the dummy width axis of size 1), so the layer always strides
1 whatever ``strides`` says. -> ``TflearnHighwayConv1D`` (tflearn's 4-D filter layout kept).

``resnext_block(incoming, nb_blocks, out_channels, cardinality, downsample=False, ...)``:
bottleneck width ``[64, 40, 24, 14, 4][[1, 2, 4, 8, 32].index(cardinality)]``; per block:
1x1 conv_2d (bottleneck, the strides, 'valid', linear, bias), BN, act, grouped_conv_2d
(channel_multiplier=cardinality, 3x3, 'same', NO bias: a depthwise conv), BN, act, 1x1
conv_2d (out_channels, 'valid', WITH the activation, bias), BN; the shortcut is
avg_pool_2d(identity, 1, strides) ('same': a kernel-1 pooling, i.e. subsampling) when
strides > 1 and zero channel padding ``(out - in) // 2`` each side when the channel counts
differ; ``y = act(x + shortcut)``. ``downsample=True`` downsamples in EVERY block (tflearn
never resets the strides). The BNs get the block's ``trainable``; ``trainable=False`` is left
as a TODO (a non-trainable Keras BatchNormalization runs in inference mode, tflearn's keeps
updating its moving statistics).

``densenet_block(incoming, nb_layers, growth, bottleneck=True, downsample=True, ...)``: per
layer: [BN, act, 1x1 conv_2d(growth) if bottleneck], BN, act, 3x3 conv_2d(growth),
``concat([new, input], axis 3)``; then BN, act, a 1x1 "transition" conv_2d with ``growth``
filters (tflearn's, whatever the channel count), ``dropout(keep_prob=dropout_keep_prob)``
if dropout, ``avg_pool_2d(2, downsample_strides)`` ('same') if downsample. The convs are
conv_2d's defaults (stride 1, 'same', linear) with the block's bias / inits / regularizer /
trainable; the BNs are tflearn's defaults (always trainable).

Every BN is tflearn's default one (gamma ~ N(1.0, 0.002), decay 0.9, epsilon 1e-5), built by
TFM112's ``tflearn_pre_activation``; the regularizer default ``'L2'`` with weight_decay
0.0001 -> ``keras.regularizers.L2(5e-05)``; ``weights_init='variance_scaling'`` (default of
the blocks) -> tf.contrib's truncated normal (see ``_tflearn``).

Weights: highway layers -> ``layer_maps_blocks`` (``W, b, W_T, b_T`` in the helper layers'
order); the blocks' variables live in nested ordinary tflearn layer scopes
(``ResNeXtBlock/Conv2D``, ``.../GroupedConv2D``, ``.../BatchNormalization_1``,
``DenseNetBlock/Conv2D_2`` ...) created in the order the helpers create the Keras layers.
"""
from __future__ import annotations

import math

import libcst as cst

from ..args import BoundArgs
from ..emit import apply_layer, call, literal, to_node, wrap_long_call
from ..helpers import HELPERS, HELPER_MARKER, register_source
from ..translate import residual_helpers as _residual_helpers  # noqa: F401  (registers tflearn_fresh_initializer, tflearn_pre_activation, ...)
from ..translate.layer import LayerRule
from ..translate.tflearn import (Untranslatable, activation, check_scope, initializer, is_default_init, name_kwarg,
                       regularizer)
from .base import Case


register_source("residual", "TflearnHighway", requires=("tflearn_fresh_initializer",))

register_source("residual", "TflearnHighwayConv2D", requires=("tflearn_fresh_initializer",))

register_source("residual", "TflearnHighwayConv1D",
                requires=("tflearn_fresh_initializer", "TflearnHighwayConv2D"))

register_source("residual", "tflearn_resnext_block",
                requires=("tflearn_fresh_initializer", "tflearn_pre_activation", "tflearn_residual_shortcut"))

register_source("residual", "tflearn_densenet_block",
                requires=("tflearn_fresh_initializer", "tflearn_pre_activation"))

_HIGHWAY = ("tflearn_fresh_initializer", "TflearnHighway")
_HCONV = ("tflearn_fresh_initializer", "TflearnHighwayConv2D")
_HCONV1 = _HCONV + ("TflearnHighwayConv1D",)
_RESNEXT = ("tflearn_fresh_initializer", "tflearn_pre_activation", "tflearn_residual_shortcut",
            "tflearn_resnext_block")
_DENSENET = ("tflearn_fresh_initializer", "tflearn_pre_activation", "tflearn_densenet_block")
_VS = "keras.initializers.VarianceScaling(scale=2.01172739, mode='fan_in', distribution='truncated_normal')"
_TN = "keras.initializers.TruncatedNormal(stddev=0.02)"
_US = "keras.initializers.LecunUniform()"


def _after(helpers, body: str) -> str:
    """Expected output of an example: ``import keras``, the helper definitions, the body."""
    return "import keras\n\n\n" + "\n\n".join(f"{HELPER_MARKER} {n}\n{HELPERS[n].code}" for n in helpers) \
        + "\n\n" + body


_TAIL = "trainable=True, restore=True, reuse=False, scope=None"


class Blocks(LayerRule):
    ID = "TFM124"
    TRIGGERS = ("tflearn",)
    NAME = "blocks"
    MESSAGE = ("tflearn highway/highway_conv_2d/1d/resnext_block/densenet_block -> Keras 3 helper "
               "layers/functions building the same function")
    RATIONALE = ("Keras has no highway, ResNeXt or DenseNet block. Registered helpers (keras / "
                 "keras.ops only, any backend) compute what tflearn 0.5.0 computes: highway's "
                 "gate bias starting at -1 (-3 for the conv highway), its unregularized gate "
                 "kernel and carry of the (convolved) input; ResNeXt's bottleneck widths, "
                 "depthwise grouped conv, BN after the last conv and kernel-1 pooled, "
                 "zero-padded shortcut; DenseNet's [new, input] concatenation and growth-wide "
                 "transition conv; tflearn's BN defaults (gamma ~ N(1, 0.002), momentum 0.9, "
                 "epsilon 1e-5), tf.contrib's variance_scaling and L2(weight_decay / 2); "
                 "quirks included (downsample=True downsamples every ResNeXt block).")
    SIGNATURES = {
        "tflearn.layers.core.highway":
            "incoming, n_units, activation='linear', transform_dropout=None, weights_init='truncated_normal', "
            f"bias_init='zeros', regularizer=None, weight_decay=0.001, {_TAIL}, name='FullyConnectedHighway'",
        "tflearn.layers.conv.highway_conv_2d":
            "incoming, nb_filter, filter_size, strides=1, padding='same', activation='linear', "
            "weights_init='uniform_scaling', bias_init='zeros', regularizer=None, weight_decay=0.001, "
            f"{_TAIL}, name='HighwayConv2D'",
        "tflearn.layers.conv.highway_conv_1d":
            "incoming, nb_filter, filter_size, strides=1, padding='same', activation='linear', "
            "weights_init='uniform_scaling', bias_init='zeros', regularizer=None, weight_decay=0.001, "
            f"{_TAIL}, name='HighwayConv1D'",
        "tflearn.layers.conv.resnext_block":
            "incoming, nb_blocks, out_channels, cardinality, downsample=False, downsample_strides=2, "
            "activation='relu', batch_norm=True, weights_init='variance_scaling', regularizer='L2', "
            f"weight_decay=0.0001, bias=True, bias_init='zeros', {_TAIL}, name='ResNeXtBlock'",
        "tflearn.layers.conv.densenet_block":
            "incoming, nb_layers, growth, bottleneck=True, downsample=True, downsample_strides=2, "
            "activation='relu', batch_norm=True, dropout=False, dropout_keep_prob=0.5, "
            "weights_init='variance_scaling', regularizer='L2', weight_decay=0.0001, bias=True, "
            f"bias_init='zeros', {_TAIL}, name='DenseNetBlock'",
    }

    def build(self, qname, b: BoundArgs, original):
        check_scope(b)
        short = qname.rsplit(".", 1)[1]
        return getattr(self, f"_{short}")(b)

    # -- pieces ------------------------------------------------------------------------------
    def _act(self, b: BoundArgs, where: str):
        """The activation as one value (None: linear); tflearn activations that Keras only has
        as a layer with other constants (leaky_relu, prelu, crelu) are left as a TODO."""
        act, wrap = activation(self.ctx, b, "activation")
        if wrap is not None:
            raise Untranslatable(f"activation {literal(b.node('activation'), '?')!r} inside {where}")
        return act

    def _inits(self, b: BoundArgs, kw: dict) -> None:
        kw["kernel_initializer"] = initializer(self.ctx, b, "weights_init")
        if not is_default_init(b, "bias_init", "zeros"):
            kw["bias_initializer"] = initializer(self.ctx, b, "bias_init")

    def _block_regularizer(self, b: BoundArgs):
        if b.given("regularizer"):
            return regularizer(self.ctx, b)
        decay = b.value("weight_decay", None)  # the blocks' default regularizer is 'L2'
        if decay is None:
            raise Untranslatable("non-literal weight_decay")
        return call("keras.regularizers.L2", float(decay) / 2)

    def _layer_call(self, helper: str, b: BoundArgs, *args, **kw) -> cst.BaseExpression:
        if not b.is_default("trainable"):
            kw["trainable"] = b.node("trainable")
        kw["name"] = name_kwarg(b)
        cls = self.ctx.use_helper(helper)
        return apply_layer(wrap_long_call(call(cls, *args, **kw)), b.node("incoming"))

    def _highway(self, b: BoundArgs):
        kw: dict = {"activation": self._act(b, "highway")}
        if b.given("transform_dropout") and literal(b.node("transform_dropout"), 1) is not None:
            kw["transform_dropout"] = b.node("transform_dropout")
        self._inits(b, kw)
        kw["kernel_regularizer"] = regularizer(self.ctx, b)
        return self._layer_call("TflearnHighway", b, b.node("n_units"), **kw)

    def _highway_conv_1d(self, b: BoundArgs):
        return self._highway_conv_2d(b, one_d=True)

    def _highway_conv_2d(self, b: BoundArgs, one_d: bool = False):
        args = [b.node("nb_filter"), b.node("filter_size")]
        fs = literal(b.node("filter_size"), None)  # a name (tflearn's example loops over sizes): the helper decides
        if fs is not None and not (isinstance(fs, int) or (isinstance(fs, (list, tuple)) and len(fs) == 2)):
            raise Untranslatable("filter_size must be an int or a pair")
        if one_d and isinstance(fs, (list, tuple)):
            args[1] = to_node(fs[0])  # tflearn: [fs0, fs1, in, nb] then filter_size[1] = 1
        kw: dict = {}
        if one_d:
            s = literal(b.node("strides"), None)
            if not (isinstance(s, int) or (isinstance(s, (list, tuple)) and len(s) in (2, 4))):
                raise Untranslatable("strides must be a literal int, pair or 4-list")
            if isinstance(s, (list, tuple)) and len(s) == 4 and (s[0] != 1 or s[3] != 1):
                raise Untranslatable("strides on the batch or channel axis")
            # tflearn sets strides[1] = 1 (the steps axis): any stride is a stride of 1
        elif b.given("strides"):
            s = literal(b.node("strides"), None)
            if isinstance(s, (list, tuple)) and len(s) == 4 and s[0] == 1 and s[3] == 1:
                kw["strides"] = to_node((s[1], s[2]))
            elif isinstance(s, int) or (isinstance(s, (list, tuple)) and len(s) == 2):
                if s != 1:
                    kw["strides"] = b.node("strides")
            else:
                raise Untranslatable("strides must be a literal int, pair or [1, a, b, 1]")
        if b.given("padding"):
            p = literal(b.node("padding"), None)
            if p not in ("same", "SAME", "valid", "VALID"):
                raise Untranslatable("padding must be a literal 'same' or 'valid'")
            if p.lower() != "same":
                kw["padding"] = p.lower()
        kw["activation"] = self._act(b, "a highway conv")
        self._inits(b, kw)
        kw["gate_initializer"] = self._gate_init(b, kw["kernel_initializer"])
        kw["kernel_regularizer"] = regularizer(self.ctx, b)
        return self._layer_call("TflearnHighwayConv1D" if one_d else "TflearnHighwayConv2D", b, *args, **kw)

    def _gate_init(self, b: BoundArgs, kernel_init: cst.BaseExpression) -> cst.BaseExpression:
        """tflearn applies weights_init to the 1-D W_T [nb_filter]. Only uniform_scaling
        depends on the shape differently there (fan_in = prod(shape[:-1]) = 1; Keras and
        tf.contrib take fan_in = fan_out = nb_filter for a 1-D shape)."""
        node, orig = b.node("weights_init"), b.orig("weights_init")
        kind = literal(node, None)
        if kind is None and isinstance(orig, cst.Call):
            q = self.ctx.legacy_name(orig)
            kind = q.rsplit(".", 1)[1] if q and q.startswith("tflearn.initializations.") else None
            if kind == "uniform_scaling":
                # tflearn's uniform_scaling(factor=...) without a shape returns
                # tf.uniform_unit_scaling_initializer(seed, dtype): the factor is NOT passed on
                raise Untranslatable("initializations.uniform_scaling(...) object in a highway conv")
        if not b.given("weights_init"):
            kind = "uniform_scaling"
        if kind == "uniform_scaling":
            lim = round(math.sqrt(3.0), 8)
            return call("keras.initializers.RandomUniform", minval=-lim, maxval=lim)
        if isinstance(kind, str) or isinstance(orig, cst.Call):
            return kernel_init
        raise Untranslatable("a weights_init object for a highway conv's 1-D gate weights")

    def _resnext_block(self, b: BoundArgs):
        args = [b.node("incoming"), b.node("nb_blocks"), b.node("out_channels"), b.node("cardinality")]
        card = literal(b.node("cardinality"), None)
        if card is not None and card not in (1, 2, 4, 8, 32):
            raise Untranslatable("cardinality must be in [1, 2, 4, 8, 32] (tflearn asserts it)")
        if not b.is_default("trainable"):
            raise Untranslatable("trainable=False: tflearn's BN keeps updating its moving statistics, "
                                 "a non-trainable Keras BatchNormalization runs in inference mode")
        kw = self._block_kw(b, ("downsample", "downsample_strides"))
        strides = literal(b.node("downsample_strides"), None)
        if b.given("downsample_strides") and not isinstance(strides, int):
            raise Untranslatable("downsample_strides must be a literal int (tflearn compares it with 1)")
        fn = self.ctx.use_helper("tflearn_resnext_block")
        return wrap_long_call(call(fn, *args, **kw))

    def _densenet_block(self, b: BoundArgs):
        args = [b.node("incoming"), b.node("nb_layers"), b.node("growth")]
        strides = literal(b.node("downsample_strides"), None)
        if b.given("downsample_strides") and not (isinstance(strides, int) or (
                isinstance(strides, (list, tuple)) and len(strides) == 2)):
            raise Untranslatable("downsample_strides must be a literal int or pair")
        kw = self._block_kw(b, ("bottleneck", "downsample", "downsample_strides"),
                            ("dropout", "dropout_keep_prob"))
        if not b.is_default("trainable"):
            kw["trainable"] = b.node("trainable")
        fn = self.ctx.use_helper("tflearn_densenet_block")
        return wrap_long_call(call(fn, *args, **kw))

    def _block_kw(self, b: BoundArgs, before: tuple, after: tuple = ()) -> dict:
        kw: dict = {}
        for name in before:
            if not b.is_default(name):
                kw[name] = b.node(name)
        if b.given("activation"):
            act = self._act(b, "a block")
            kw["activation"] = act if act is not None else to_node("linear")
        for name in ("batch_norm",) + after + ("bias",):
            if not b.is_default(name):
                kw[name] = b.node(name)
        self._inits(b, kw)
        kw["kernel_regularizer"] = self._block_regularizer(b)
        return kw

    VALID = [
        "def highway(x, n):\n    return x\ny = highway(x, 16)\n",
        "import keras\ny = keras.layers.Dense(16)(x)\n",
    ]
    INVALID = [
        Case("import tflearn\nnet = tflearn.highway(net, 64, activation='relu', transform_dropout=0.8)\n",
             _after(_HIGHWAY, "net = TflearnHighway(\n    64,\n    activation='relu',\n"
                              "    transform_dropout=0.8,\n"
                              f"    kernel_initializer={_TN},\n)(net)\n")),
        Case("from tflearn.layers.core import highway\n"
             "def body(x):\n    return highway(x, 32, regularizer='L2', weights_init='xavier', bias_init=0.5,\n"
             "                   trainable=False, name='hw')\n",
             _after(_HIGHWAY, "def body(x):\n    return TflearnHighway(\n        32,\n"
                              "        kernel_initializer=keras.initializers.GlorotUniform(),\n"
                              "        bias_initializer=keras.initializers.Constant(0.5),\n"
                              "        kernel_regularizer=keras.regularizers.L2(0.0005),\n"
                              "        trainable=False,\n        name='hw',\n    )(x)\n")),
        Case("import tflearn\nnet = tflearn.highway_conv_2d(net, 16, 3, activation='elu')\n",
             _after(_HCONV, "net = TflearnHighwayConv2D(\n    16,\n    3,\n    activation='elu',\n"
                            f"    kernel_initializer={_US},\n"
                            "    gate_initializer=keras.initializers.RandomUniform(minval=-1.73205081, "
                            "maxval=1.73205081),\n)(net)\n")),
        Case("import tflearn\nnet = tflearn.layers.conv.highway_conv_2d(net, 8, [3, 2], strides=[1, 2, 2, 1],\n"
             "                                        padding='valid', weights_init='truncated_normal')\n",
             _after(_HCONV, "net = TflearnHighwayConv2D(\n    8,\n    [3, 2],\n    strides=(2, 2),\n"
                            f"    padding='valid',\n    kernel_initializer={_TN},\n"
                            f"    gate_initializer={_TN},\n)(net)\n")),
        Case("import tflearn\nnet = tflearn.highway_conv_1d(net, 16, [5, 1], strides=2, padding='valid', weights_init='xavier')\n",
             _after(_HCONV1, "net = TflearnHighwayConv1D(\n    16,\n    5,\n    padding='valid',\n"
                             "    kernel_initializer=keras.initializers.GlorotUniform(),\n"
                             "    gate_initializer=keras.initializers.GlorotUniform(),\n)(net)\n")),
        Case("from tflearn.layers.conv import highway_conv_2d\nfor j in [3, 2, 1]:\n"
             "    net = highway_conv_2d(net, 16, j, activation='elu')\n",
             _after(_HCONV, "for j in [3, 2, 1]:\n    net = TflearnHighwayConv2D(\n        16,\n        j,\n"
                            "        activation='elu',\n"
                            f"        kernel_initializer={_US},\n"
                            "        gate_initializer=keras.initializers.RandomUniform(minval=-1.73205081, "
                            "maxval=1.73205081),\n    )(net)\n")),
        Case("import tflearn\nnet = tflearn.resnext_block(net, 2, 32, 4)\n",
             _after(_RESNEXT, "net = tflearn_resnext_block(\n    net,\n    2,\n    32,\n    4,\n"
                              f"    kernel_initializer={_VS},\n"
                              "    kernel_regularizer=keras.regularizers.L2(5e-5),\n)\n")),
        Case("from tflearn.layers.conv import resnext_block\n"
             "net = resnext_block(net, 1, 64, 32, downsample=True, activation='tanh', batch_norm=False,\n"
             "                    weights_init='uniform_scaling', regularizer=None, bias=False)\n",
             _after(_RESNEXT, "net = tflearn_resnext_block(\n    net,\n    1,\n    64,\n    32,\n"
                              "    downsample=True,\n    activation='tanh',\n    batch_norm=False,\n"
                              f"    bias=False,\n    kernel_initializer={_US},\n)\n")),
        Case("import tflearn\nnet = tflearn.densenet_block(net, 3, 12)\n",
             _after(_DENSENET, "net = tflearn_densenet_block(\n    net,\n    3,\n    12,\n"
                               f"    kernel_initializer={_VS},\n"
                               "    kernel_regularizer=keras.regularizers.L2(5e-5),\n)\n")),
        Case("import tflearn\nnet = tflearn.densenet_block(net, 2, 8, bottleneck=False, downsample=False,\n"
             "                             dropout=True, dropout_keep_prob=0.8, bias_init='truncated_normal',\n"
             "                             weight_decay=0.001, trainable=False)\n",
             _after(_DENSENET, "net = tflearn_densenet_block(\n    net,\n    2,\n    8,\n    bottleneck=False,\n"
                               "    downsample=False,\n    dropout=True,\n    dropout_keep_prob=0.8,\n"
                               f"    kernel_initializer={_VS},\n    bias_initializer={_TN},\n"
                               "    kernel_regularizer=keras.regularizers.L2(0.0005),\n"
                               "    trainable=False,\n)\n")),
        Case("import tflearn\nnet = tflearn.highway(net, 16, reuse=True, scope='hw')\n",
             None, ("TFM124",), todo=True),
        Case("import tflearn\nnet = tflearn.highway(net, 16, activation='leaky_relu')\n",
             None, ("TFM124",), todo=True),
        Case("import tflearn\nnet = tflearn.resnext_block(net, 2, 32, 4, trainable=False)\n",
             None, ("TFM124",), todo=True),
        Case("import tflearn\nnet = tflearn.resnext_block(net, 2, 32, 3)\n",
             None, ("TFM124",), todo=True),
    ]
