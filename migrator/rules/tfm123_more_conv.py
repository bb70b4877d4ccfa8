"""TFM123: the other tflearn conv layers -> Keras 3 layers.

Read from tflearn 0.5.0 (layers/conv.py, utils.py):

* ``conv_2d_transpose(incoming, nb_filter, filter_size, output_shape, strides=1,
  padding='same', ...)``: ``W`` of shape ``[h, w, nb_filter, in]`` (``autoformat_filter_conv2d(
  filter_size, nb_filter, in)``), ``tf.nn.conv2d_transpose(x, W, [batch] + output_shape,
  strides, padding)`` + bias. Keras' ``Conv2DTranspose`` kernel has the same layout
  ``(h, w, filters, in)`` and, without ``output_padding``, computes the output size as
  ``in * s`` ('same') or ``in * s + max(k - s, 0)`` ('valid'); on that size both call the same
  transposed convolution. tflearn's explicit ``output_shape`` is therefore only translated when
  it equals Keras' size: checked statically when the input's spatial size can be followed
  back to ``input_data`` through tflearn layers with known output sizes; otherwise the layer
  output is wrapped in a helper that raises at model construction if the sizes differ (no
  other function is computed silently). A statically known mismatch is left as a TODO
  (``output_padding`` could express some of them, but that is not verified on every backend).
* ``atrous_conv_2d(incoming, nb_filter, filter_size, rate=1, padding='same', ...)``:
  ``tf.nn.atrous_conv2d`` = a stride-1 convolution with dilation ``rate`` -> ``Conv2D(...,
  dilation_rate=rate)``. ``activation=None`` means no activation.
* ``grouped_conv_2d(incoming, channel_multiplier, filter_size, strides=1, padding='same',
  bias=False, ...)``: ``tf.nn.depthwise_conv2d`` with ``W`` of shape ``[h, w, in, multiplier]``
  (output channel ``k * multiplier + q``) -> ``DepthwiseConv2D(depth_multiplier=...)``, whose
  depthwise kernel has the same shape and channel order. tflearn has NO bias by default
  (Keras: ``use_bias=True``): ``use_bias=False`` is written out.
* ``conv_3d(incoming, nb_filter, filter_size, strides=1, padding='same', ...)``: ``W``
  ``[d, h, w, in, out]`` (as Keras' Conv3D), strides int, 3- or 5-element list.
* ``max_pool_3d`` / ``avg_pool_3d(incoming, kernel_size, strides=1, padding='same')``: unlike
  the 2-D pools, the strides default to 1 (Keras: the pool size); written out.
* ``upsample_2d(incoming, kernel_size)`` (alias ``deconv_2d``):
  ``tf.image.resize_nearest_neighbor`` (TF1: align_corners=False, half_pixel_centers=False)
  to ``(H * k, W * k)``: output pixel ``i`` reads ``floor(i / k)``, i.e. each pixel repeated k
  times = ``UpSampling2D(size=k)`` ('nearest', the Keras default).

All of them: tflearn's 'same' padding (Keras: 'valid') and ``uniform_scaling`` kernels
(``U(+-sqrt(3 / prod(shape[:-1])))``, which is Keras' ``fan_in`` for each of these kernel
layouts) are written out, as in TFM102.
"""
from __future__ import annotations


import libcst as cst

from ..analysis.flow import Flow
from ..args import BoundArgs
from ..emit import call, code, literal, to_node
from ..helpers import HELPER_MARKER, register_source
from ..translate.layer import LayerRule
from ..translate.tflearn import Untranslatable, check_scope, initializer, is_default_init, name_kwarg, regularizer
from .base import Case

_TAIL = ("activation='linear', bias={bias}, weights_init='uniform_scaling', bias_init='zeros', "
         "regularizer=None, weight_decay=0.001, trainable=True, restore=True, reuse=False, "
         "scope=None, name='{name}'")
_P = "tflearn.layers.conv."

SIGS = {
    _P + "conv_2d_transpose": "incoming, nb_filter, filter_size, output_shape, strides=1, padding='same', "
                              + _TAIL.format(bias=True, name="Conv2DTranspose"),
    _P + "atrous_conv_2d": "incoming, nb_filter, filter_size, rate=1, padding='same', "
                           + _TAIL.format(bias=True, name="AtrousConv2D"),
    _P + "grouped_conv_2d": "incoming, channel_multiplier, filter_size, strides=1, padding='same', "
                            + _TAIL.format(bias=False, name="GroupedConv2D"),
    _P + "conv_3d": "incoming, nb_filter, filter_size, strides=1, padding='same', "
                    + _TAIL.format(bias=True, name="Conv3D"),
    _P + "max_pool_3d": "incoming, kernel_size, strides=1, padding='same', name='MaxPool3D'",
    _P + "avg_pool_3d": "incoming, kernel_size, strides=1, padding='same', name='AvgPool3D'",
    _P + "upsample_2d": "incoming, kernel_size, name='UpSample2D'",
    _P + "deconv_2d": "incoming, kernel_size, name='UpSample2D'",
}

# signatures of the layers whose output size _hw follows (tflearn 0.5.0)
_CONV2D = ("incoming, nb_filter, filter_size, strides=1, padding='same', " + _TAIL.format(bias=True, name="Conv2D"))
_POOL2D = "incoming, kernel_size, strides=None, padding='same', name='Pool'"
_INPUT = ("shape=None, placeholder=None, dtype=None, data_preprocessing=None, data_augmentation=None, "
          "name='InputData'")
_KEEP_SIZE = {
    "tflearn.layers.core.dropout", "tflearn.layers.core.activation",
    "tflearn.layers.normalization.batch_normalization",
    "tflearn.layers.normalization.local_response_normalization",
    "tflearn.layers.normalization.l2_normalize",
}

CHECK_HELPER = "tflearn_transpose_output_shape"
_CHECK = register_source("tflearn_layers", CHECK_HELPER)


# ---------------------------------------------------------------------------------------
# argument formats (tflearn.utils.autoformat_*)
# ---------------------------------------------------------------------------------------

def _ints(v, ndim: int, full: bool):
    """int / ndim-list (/ (ndim+2)-list [1, ..., 1] when ``full``) -> tuple of ndim ints, or None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return (v,) * ndim
    if isinstance(v, (list, tuple)) and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
        if len(v) == ndim:
            return tuple(v)
        if full and len(v) == ndim + 2:
            return tuple(v[1:-1])
    return None


def _spatial(b: BoundArgs, name: str, ndim: int, full: bool = True):
    """The Keras node for a tflearn size/stride argument (``[1, s, s, 1]`` -> ``s``)."""
    node = b.node(name)
    v = literal(node, None)
    if v is None:
        if not isinstance(node, cst.Name) or node.value == "None":
            raise Untranslatable(f"{name} {literal(node, '?')!r}")
        return node, None  # a variable: Keras accepts the same int / ndim-tuple
    t = _ints(v, ndim, full)
    if t is None:
        raise Untranslatable(f"{name} {v!r}")
    return to_node(t[0] if len(set(t)) == 1 else t), t


def _padding(b: BoundArgs):
    node = b.node("padding")
    v = literal(node, None)
    if isinstance(v, str):
        if v.lower() not in ("same", "valid"):
            raise Untranslatable(f"padding {v!r}")
        return to_node(v.lower()), v.lower()
    return node, None


# ---------------------------------------------------------------------------------------
# static spatial size (H, W) of a tflearn tensor expression
# ---------------------------------------------------------------------------------------

def _conv_out(n, k, s, pad, rate=1):
    if pad == "same":
        return -(-n // s)
    keff = (k - 1) * rate + 1
    return -(-(n - keff + 1) // s) if n >= keff else None


def _bound_values(node: cst.Call, sig: str, *names):
    try:
        b = BoundArgs(node, sig)
        return [b.value(n, None) for n in names]
    except Exception:
        return None


def input_hw(ctx, node: cst.BaseExpression, at: cst.CSTNode, depth: int = 0) -> tuple[int, int] | None:
    """Static (height, width) of a 4-D tflearn tensor expression (ORIGINAL nodes), or None."""
    if depth > 50:
        return None
    if isinstance(node, cst.Name):
        d = ctx.analysis(Flow).def_of(node.value, at)
        if d is None or d.value is None:
            return None
        return input_hw(ctx, d.value, d.stmt, depth + 1)
    if not isinstance(node, cst.Call) or not node.args:
        return None
    q = ctx.legacy_name(node)
    if q is None:
        if code(node.func) in ("keras.Input", "keras.layers.Input"):  # already migrated (TFM101)
            vals = _bound_values(node, "shape=None, batch_size=None, dtype=None, sparse=None, "
                                       "batch_shape=None, name=None, tensor=None, optional=False", "shape")
            shape = vals[0] if vals else None
            if isinstance(shape, (list, tuple)) and len(shape) == 3 \
                    and all(isinstance(x, int) and not isinstance(x, bool) for x in shape[:2]):
                return tuple(shape[:2])
        return None
    if q == "tflearn.layers.core.input_data":
        vals = _bound_values(node, _INPUT, "shape")
        shape = vals[0] if vals else None
        if not isinstance(shape, (list, tuple)) or len(shape) not in (3, 4):
            return None
        hw = shape[1:3] if len(shape) == 4 else shape[0:2]
        return tuple(hw) if all(isinstance(x, int) and not isinstance(x, bool) for x in hw) else None
    first = node.args[0].value if node.args[0].keyword is None else None
    if first is None:
        return None
    if q in _KEEP_SIZE:
        return input_hw(ctx, first, at, depth + 1)
    if q in (_P + "conv_2d", _P + "grouped_conv_2d", _P + "max_pool_2d", _P + "avg_pool_2d",
             _P + "atrous_conv_2d"):
        if q.endswith("pool_2d"):
            vals = _bound_values(node, _POOL2D, "kernel_size", "strides", "padding")
            if vals is None:
                return None
            k, s, pad = vals
            s, rate = (k if s is None else s), 1
        elif q.endswith("atrous_conv_2d"):
            vals = _bound_values(node, SIGS[q], "filter_size", "rate", "padding")
            if vals is None:
                return None
            k, rate, pad = vals
            s = 1
        else:
            vals = _bound_values(node, SIGS[q] if q in SIGS else _CONV2D, "filter_size", "strides", "padding")
            if vals is None:
                return None
            k, s, pad = vals
            rate = 1
        k, s = _ints(k, 2, False), _ints(s, 2, True)
        if k is None or s is None or not isinstance(rate, int) or not isinstance(pad, str) \
                or pad.lower() not in ("same", "valid"):
            return None
        hw = input_hw(ctx, first, at, depth + 1)
        if hw is None:
            return None
        out = tuple(_conv_out(n, kk, ss, pad.lower(), rate) for n, kk, ss in zip(hw, k, s))
        return None if None in out else out
    if q in (_P + "upsample_2d", _P + "deconv_2d"):
        vals = _bound_values(node, SIGS[q], "kernel_size")
        k = _ints(vals[0], 2, True) if vals else None
        hw = input_hw(ctx, first, at, depth + 1) if k is not None else None
        return None if hw is None else (hw[0] * k[0], hw[1] * k[1])
    if q == _P + "conv_2d_transpose":
        vals = _bound_values(node, SIGS[q], "output_shape")
        os_ = vals[0] if vals else None
        if isinstance(os_, (list, tuple)) and len(os_) in (2, 3) and all(isinstance(x, int) for x in os_[:2]):
            return tuple(os_[:2])
    return None


def _transpose_out(n: int, k: int, s: int, pad: str) -> int:
    """Keras' Conv2DTranspose output size without output_padding."""
    return n * s if pad == "same" else n * s + max(k - s, 0)


class MoreConv(LayerRule):
    ID = "TFM123"
    TRIGGERS = ("tflearn",)
    NAME = "more-conv"
    MESSAGE = ("tflearn conv_2d_transpose/atrous_conv_2d/grouped_conv_2d/conv_3d/3-D pools/upsample_2d "
               "-> keras.layers")
    RATIONALE = ("tflearn pads 'same' and uses uniform_scaling kernels (Keras: 'valid', Glorot); "
                 "grouped_conv_2d has no bias by default; the 3-D pools stride 1 by default (Keras: "
                 "the pool size); conv_2d_transpose's explicit output_shape is only kept when it is "
                 "what Keras computes (checked statically or when the model is built). All written out.")
    SIGNATURES = SIGS

    def build(self, qname, b: BoundArgs, original):
        short = qname.rsplit(".", 1)[1]
        if short in ("max_pool_3d", "avg_pool_3d"):
            return self._pool3d(short, b)
        if short in ("upsample_2d", "deconv_2d"):
            size, _ = _spatial(b, "kernel_size", 2)
            return self.layer("UpSampling2D", b.node("incoming"), size=size,
                              name=b.node("name") if b.given("name") else None)
        check_scope(b)
        if short == "conv_2d_transpose":
            return self._transpose(b, original)
        if short == "atrous_conv_2d":
            k, _ = _spatial(b, "filter_size", 2, full=False)
            rate = b.node("rate")
            rv = literal(rate, None)
            if rv is not None and (not isinstance(rv, int) or isinstance(rv, bool) or rv < 1):
                raise Untranslatable(f"rate {rv!r}")
            pad, _ = _padding(b)
            kw = {"dilation_rate": rate if rv != 1 else None, "padding": pad, **self._weights(b)}
            return self.layer("Conv2D", b.node("incoming"), b.node("nb_filter"), k, b=b, act="activation", **kw)
        if short == "grouped_conv_2d":
            k, _ = _spatial(b, "filter_size", 2, full=False)
            s, sv = _spatial(b, "strides", 2)
            pad, _ = _padding(b)
            kw = {"strides": s if sv != (1, 1) else None, "padding": pad,
                  "depth_multiplier": b.node("channel_multiplier"),
                  **self._weights(b, kernel="depthwise", default_bias=False)}
            return self.layer("DepthwiseConv2D", b.node("incoming"), k, b=b, act="activation", **kw)
        # conv_3d
        k, _ = _spatial(b, "filter_size", 3, full=False)
        s, sv = _spatial(b, "strides", 3)
        pad, _ = _padding(b)
        kw = {"strides": s if sv != (1, 1, 1) else None, "padding": pad, **self._weights(b)}
        return self.layer("Conv3D", b.node("incoming"), b.node("nb_filter"), k, b=b, act="activation", **kw)

    # -- pieces ------------------------------------------------------------------------------
    def _weights(self, b: BoundArgs, kernel: str = "kernel", default_bias: bool = True) -> dict:
        kw: dict = {}
        bias = b.value("bias", None) if b.given("bias") else default_bias
        if not b.given("bias"):
            if not default_bias:
                kw["use_bias"] = to_node(False)
        elif bias is not True:
            kw["use_bias"] = b.node("bias")
        kw[f"{kernel}_initializer"] = initializer(self.ctx, b, "weights_init")
        if bias is not False and not is_default_init(b, "bias_init", "zeros"):
            kw["bias_initializer"] = initializer(self.ctx, b, "bias_init")
        reg = regularizer(self.ctx, b)
        if reg is not None:
            kw[f"{kernel}_regularizer"] = reg
        if not b.is_default("trainable"):
            kw["trainable"] = b.node("trainable")
        kw["name"] = name_kwarg(b)
        return kw

    def _pool3d(self, short: str, b: BoundArgs):
        k, _ = _spatial(b, "kernel_size", 3)
        s, _ = _spatial(b, "strides", 3)
        pad, _ = _padding(b)
        cls = "MaxPooling3D" if short.startswith("max") else "AveragePooling3D"
        return self.layer(cls, b.node("incoming"), pool_size=k, strides=s, padding=pad,
                          name=b.node("name") if b.given("name") else None)

    def _transpose(self, b: BoundArgs, original: cst.Call):
        k, kv = _spatial(b, "filter_size", 2, full=False)
        s, sv = _spatial(b, "strides", 2)
        pad, pv = _padding(b)
        os_node = b.node("output_shape")
        os_ = literal(os_node, None)
        nf = literal(b.node("nb_filter"), None)
        if os_ is not None:
            if not isinstance(os_, (list, tuple)) or len(os_) not in (2, 3) \
                    or not all(isinstance(x, int) and not isinstance(x, bool) for x in os_):
                raise Untranslatable(f"output_shape {os_!r}")
            if len(os_) == 3 and isinstance(nf, int) and os_[2] != nf:
                raise Untranslatable(f"output_shape {os_!r} has {os_[2]} channels, nb_filter is {nf}")
        check = True
        inc = b.orig("incoming")
        hw = input_hw(self.ctx, inc, original) if inc is not None else None
        if hw is not None and os_ is not None and kv is not None and sv is not None and pv is not None:
            want = tuple(_transpose_out(n, kk, ss, pv) for n, kk, ss in zip(hw, kv, sv))
            if tuple(os_[:2]) != want:
                raise Untranslatable(
                    f"output_shape {list(os_)} from a {hw[0]}x{hw[1]} input: Keras' Conv2DTranspose "
                    f"computes {want[0]}x{want[1]} (strides {sv}, padding {pv!r})")
            check = False
        kw = {"strides": s if sv != (1, 1) else None, "padding": pad, **self._weights(b)}
        out = self.layer("Conv2DTranspose", b.node("incoming"), b.node("nb_filter"), k, b=b,
                         act="activation", **kw)
        if not check:
            return out
        shape = to_node(tuple(os_)) if os_ is not None else os_node
        return call(self.ctx.use_helper(CHECK_HELPER), out, shape)

    _KU = "kernel_initializer=keras.initializers.LecunUniform()"
    VALID = [
        "import keras\nx = keras.layers.Conv2DTranspose(8, 3, strides=2, padding='same')(x)\n",
        "def upsample_2d(x, k):\n    return x\ny = upsample_2d(x, 2)\n",
    ]
    INVALID = [
        Case("import tflearn\nnet = tflearn.input_data(shape=[None, 7, 7, 4])\n"
             "net = tflearn.conv_2d_transpose(net, 8, 3, [14, 14], strides=2, activation='relu')\n"
             "net = tflearn.upsample_2d(net, 2)\n",
             "import keras\n\nnet_input = keras.Input(shape=(7, 7, 4))\nnet = net_input\n"
             "net = keras.layers.Conv2DTranspose(\n    8,\n    3,\n    activation='relu',\n    strides=2,\n"
             f"    padding='same',\n    {_KU},\n)(net)\n"
             "net = keras.layers.UpSampling2D(size=2)(net)\n"),
        Case("import tflearn\n\ndef up(x):\n    return tflearn.conv_2d_transpose(x, 4, [3, 3], [16, 16, 4], strides=[1, 2, 2, 1])\n",
             f"import keras\n\n\n{HELPER_MARKER} {CHECK_HELPER}\n{_CHECK.code}\n\n"
             "def up(x):\n    return tflearn_transpose_output_shape(keras.layers.Conv2DTranspose(\n"
             f"        4,\n        3,\n        strides=2,\n        padding='same',\n        {_KU},\n"
             "    )(x), (16, 16, 4))\n"),
        Case("import tflearn\nnet = tflearn.input_data(shape=[None, 7, 7, 4])\n"
             "net = tflearn.conv_2d_transpose(net, 8, 3, [15, 15], strides=2)\n",
             "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\nnet_input = keras.Input(shape=(7, 7, 4))\nnet = net_input\n"
             "# TODO(tflearn-migrate): TFM123 conv_2d_transpose: output_shape [15, 15] from a 7x7 input: "
             "Keras' Conv2DTranspose computes 14x14 (strides (2, 2), padding 'same')\n"
             "net = tflearn.conv_2d_transpose(net, 8, 3, [15, 15], strides=2)\n",
             ("TFM123",), todo=True),
        Case("from tflearn.layers.conv import atrous_conv_2d, grouped_conv_2d\n"
             "x = atrous_conv_2d(x, 16, 3, rate=2, activation=None)\n"
             "x = grouped_conv_2d(x, 2, 3, strides=2, regularizer='L2')\n",
             "import keras\n\nx = keras.layers.Conv2D(\n    16,\n    3,\n    dilation_rate=2,\n    padding='same',\n"
             f"    {_KU},\n)(x)\n"
             "x = keras.layers.DepthwiseConv2D(\n    3,\n    strides=2,\n    padding='same',\n    depth_multiplier=2,\n"
             "    use_bias=False,\n"
             "    depthwise_initializer=keras.initializers.LecunUniform(),\n"
             "    depthwise_regularizer=keras.regularizers.L2(0.0005),\n)(x)\n"),
        Case("import tflearn\nx = tflearn.conv_3d(x, 8, 3, strides=[1, 2, 2, 2, 1], activation='relu')\n"
             "x = tflearn.max_pool_3d(x, [1, 2, 2, 2, 1])\ny = tflearn.avg_pool_3d(x, 2, strides=2, padding='valid')\n",
             "import keras\n\nx = keras.layers.Conv3D(\n    8,\n    3,\n    activation='relu',\n    strides=2,\n"
             f"    padding='same',\n    {_KU},\n)(x)\n"
             "x = keras.layers.MaxPooling3D(pool_size=2, strides=1, padding='same')(x)\n"
             "y = keras.layers.AveragePooling3D(pool_size=2, strides=2, padding='valid')(x)\n"),
        Case("import tflearn\nx = tflearn.conv_3d(x, 8, [3, 3, 3, 3])\n", None, ("TFM123",), todo=True),
    ]
    REQUIRES = ("TFM101",)
