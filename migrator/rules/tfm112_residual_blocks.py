"""TFM112: tflearn residual_block / residual_bottleneck -> registered Keras 3 helper functions.

What tflearn 0.5.0 builds (layers/conv.py), read line by line:

``residual_block(incoming, nb_blocks, out_channels, downsample=False, downsample_strides=2, ...)``,
for each of the ``nb_blocks`` blocks (full pre-activation):

    identity = x
    x = batch_normalization(x) (if batch_norm) ; x = activation(x)
    x = conv_2d(x, out_channels, 3, strides, 'same')      strides = downsample_strides if downsample else 1
    x = batch_normalization(x) (if batch_norm) ; x = activation(x)
    x = conv_2d(x, out_channels, 3, 1, 'same')
    identity = avg_pool_2d(identity, strides, strides)      (kernel = strides, 'same'; only if strides > 1)
    identity = pad the channel axis with (out - in)//2 zeros on each side   (only if in != out)
    x = x + identity

``downsample=True`` downsamples in EVERY block (tflearn never resets the strides inside its
loop). ``residual_bottleneck(incoming, nb_blocks, bottleneck_size, out_channels, ...)``:
BN, act, conv 1x1 (strides, 'valid'), BN, act, conv 3x3 ('same'), conv 1x1 (out_channels,
'valid', WITH the activation); its shortcut add and the activation after it sit inside
tflearn's ``if in_channels != out_channels:`` branch (its indentation), so only the blocks
that change the channel count are residual; the others are a plain stack. Both are
reproduced as written.

The batch normalizations are tflearn's defaults whatever the block's arguments: gamma ~
N(1.0, 0.002), beta 0, decay 0.9 (Keras momentum), epsilon 1e-5, always trainable. The convs
take the block's ``bias``, ``weights_init`` (default ``variance_scaling``: tf.contrib's
truncated normal, see ``_tflearn``), ``bias_init``, ``regularizer`` (default ``'L2'`` with
weight_decay 0.0001 -> ``keras.regularizers.L2(5e-05)``) and ``trainable``.

Weights: tflearn creates ``<block scope>/BatchNormalization[_n]`` and ``<block scope>/Conv2D[_n]``
layer scopes in the order the helpers create the Keras layers (BN, Conv2D, BN, Conv2D, ...),
so ``tflearn-migrate weights``/``verify`` map them as ordinary ``batch_normalization`` and
``conv_2d`` groups (no residual-specific entry in ``LAYER_MAPS``).
"""
from __future__ import annotations

from ..args import BoundArgs
from ..emit import call, literal, to_node, wrap_long_call
from ..helpers import HELPER_MARKER, HELPERS
from ..translate.layer import LayerRule
from ..translate.tflearn import Untranslatable, activation, check_scope, initializer, is_default_init, regularizer
from .base import Case
from ..translate import residual_helpers as _residual_helpers  # noqa: F401  (registers its helpers)

_BLOCK = ("tflearn_fresh_initializer", "tflearn_pre_activation", "tflearn_residual_shortcut",
          "tflearn_residual_block")
_BOTTLENECK = _BLOCK[:3] + ("tflearn_residual_bottleneck",)
_VS = "keras.initializers.VarianceScaling(scale=2.01172739, mode='fan_in', distribution='truncated_normal')"


def _after(helpers, body: str) -> str:
    """Expected output of an example: ``import keras``, the helper definitions, the body."""
    return "import keras\n\n\n" + "\n\n".join(f"{HELPER_MARKER} {n}\n{HELPERS[n].code}" for n in helpers) \
        + "\n\n" + body


_COMMON = ("downsample=False, downsample_strides=2, activation='relu', batch_norm=True, bias=True, "
           "weights_init='variance_scaling', bias_init='zeros', regularizer='L2', weight_decay=0.0001, "
           "trainable=True, restore=True, reuse=False, scope=None")


class ResidualBlocks(LayerRule):
    ID = "TFM112"
    TRIGGERS = ("tflearn",)
    NAME = "residual-blocks"
    MESSAGE = "tflearn residual_block/residual_bottleneck -> Keras 3 helper functions building the same layers"
    RATIONALE = ("Keras has no residual block layer. Registered helpers (keras / keras.ops only, "
                 "any backend) build what tflearn 0.5.0 builds: pre-activation BN (gamma ~ "
                 "N(1, 0.002), momentum 0.9, epsilon 1e-5), 'same' 3x3 convs initialized with "
                 "tf.contrib's variance_scaling and L2(weight_decay / 2), an average-pooled, "
                 "zero-channel-padded shortcut; including tflearn's quirks (downsample=True "
                 "downsamples every block; residual_bottleneck adds its shortcut only when the "
                 "channel count changes).")
    SIGNATURES = {
        "tflearn.layers.conv.residual_block":
            f"incoming, nb_blocks, out_channels, {_COMMON}, name='ResidualBlock'",
        "tflearn.layers.conv.residual_bottleneck":
            f"incoming, nb_blocks, bottleneck_size, out_channels, {_COMMON}, name='ResidualBottleneck'",
    }

    def build(self, qname, b: BoundArgs, original):
        check_scope(b)
        short = qname.rsplit(".", 1)[1]
        args = [b.node("incoming"), b.node("nb_blocks")]
        if short == "residual_bottleneck":
            args.append(b.node("bottleneck_size"))
        args.append(b.node("out_channels"))
        kw: dict = {}
        for name in ("downsample", "downsample_strides"):
            if not b.is_default(name):
                kw[name] = b.node(name)
        strides = literal(b.node("downsample_strides"), None)
        if b.given("downsample_strides") and isinstance(strides, (list, tuple)):
            raise Untranslatable("downsample_strides must be an int (tflearn compares it with 1)")
        if b.given("activation"):
            act, wrap = activation(self.ctx, b, "activation")
            if wrap is not None:
                raise Untranslatable(f"activation {literal(b.node('activation'), '?')!r} inside a residual block")
            kw["activation"] = act if act is not None else to_node("linear")
        for name in ("batch_norm", "bias"):
            if not b.is_default(name):
                kw[name] = b.node(name)
        kw["kernel_initializer"] = initializer(self.ctx, b, "weights_init")
        if not is_default_init(b, "bias_init", "zeros"):
            kw["bias_initializer"] = initializer(self.ctx, b, "bias_init")
        reg = self._regularizer(b)
        if reg is not None:
            kw["kernel_regularizer"] = reg
        if not b.is_default("trainable"):
            kw["trainable"] = b.node("trainable")
        fn = self.ctx.use_helper(f"tflearn_{short}")
        return wrap_long_call(call(fn, *args, **kw))

    def _regularizer(self, b: BoundArgs):
        if b.given("regularizer"):
            return regularizer(self.ctx, b)
        decay = b.value("weight_decay", None)  # tflearn's default regularizer is 'L2' here
        if decay is None:
            raise Untranslatable("non-literal weight_decay")
        return call("keras.regularizers.L2", float(decay) / 2)

    VALID = [
        "def residual_block(x, n, c):\n    return x\ny = residual_block(x, 2, 16)\n",
    ]
    INVALID = [
        Case("import tflearn\nnet = tflearn.residual_block(net, 2, 16)\n",
             _after(_BLOCK, "net = tflearn_residual_block(\n    net,\n    2,\n    16,\n"
                            f"    kernel_initializer={_VS},\n"
                            "    kernel_regularizer=keras.regularizers.L2(5e-5),\n)\n")),
        Case("from tflearn.layers.conv import residual_bottleneck\n"
             "def body(net):\n"
             "    return residual_bottleneck(net, 3, 16, 64, downsample=True, activation='tanh', bias=False,\n"
             "                               weights_init='xavier', regularizer=None, batch_norm=False)\n",
             _after(_BOTTLENECK, "def body(net):\n    return tflearn_residual_bottleneck(\n"
                                 "        net,\n        3,\n        16,\n        64,\n        downsample=True,\n"
                                 "        activation='tanh',\n        batch_norm=False,\n        bias=False,\n"
                                 "        kernel_initializer=keras.initializers.GlorotUniform(),\n    )\n")),
        Case("import tflearn\nnet = tflearn.residual_block(net, 1, 32, downsample=True, downsample_strides=3,\n"
             "                             weights_init='uniform_scaling', bias_init='truncated_normal',\n"
             "                             weight_decay=0.001, activation='linear', trainable=False)\n",
             _after(_BLOCK, "net = tflearn_residual_block(\n    net,\n    1,\n    32,\n    downsample=True,\n"
                            "    downsample_strides=3,\n    activation='linear',\n"
                            "    kernel_initializer=keras.initializers.LecunUniform(),\n"
                            "    bias_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
                            "    kernel_regularizer=keras.regularizers.L2(0.0005),\n    trainable=False,\n)\n")),
        Case("import tflearn\nnet = tflearn.residual_block(net, 2, 16, reuse=True, scope='res')\n",
             None, ("TFM112",), todo=True),
        Case("import tflearn\nnet = tflearn.residual_block(net, 2, 16, activation='leaky_relu')\n",
             None, ("TFM112",), todo=True),
    ]
