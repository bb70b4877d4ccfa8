"""LAYER_MAPS entries for the TFM123 conv translations (see layer_maps.py for the interface).

Kernel layouts (tflearn 0.5.0 ``W`` vs the Keras layer's kernel) are identical, so the arrays
pass through unchanged:

* ``conv_2d_transpose``: ``[h, w, nb_filter, in]`` = Conv2DTranspose ``(h, w, filters, in)``;
* ``atrous_conv_2d``: ``[h, w, in, nb_filter]`` = Conv2D (dilation only changes sampling);
* ``grouped_conv_2d``: ``[h, w, in, multiplier]`` = DepthwiseConv2D's depthwise kernel; no bias
  by default (tflearn ``bias=False``), ``b`` of ``in * multiplier`` when ``bias=True``;
* ``conv_3d``: ``[d, h, w, in, nb_filter]`` = Conv3D.

The pools and ``upsample_2d`` have no weights.
"""
from __future__ import annotations

import numpy as np


def _kernel_bias(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    out = [v["W"]]
    if "b" in v:
        out.append(v["b"])
    return out


_P = "tflearn.layers.conv."
MAPS: dict = {
    _P + "conv_2d_transpose": _kernel_bias,
    _P + "atrous_conv_2d": _kernel_bias,
    _P + "grouped_conv_2d": _kernel_bias,
    _P + "conv_3d": _kernel_bias,
    _P + "max_pool_3d": None,
    _P + "avg_pool_3d": None,
    _P + "upsample_2d": None,
    _P + "deconv_2d": None,
}
