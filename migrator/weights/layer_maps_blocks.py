"""LAYER_MAPS entries for the TFM124 translations (see layer_maps.py for the interface).

* ``highway`` -> the ``TflearnHighway`` helper layer, ``highway_conv_2d`` / ``_1d`` ->
  ``TflearnHighwayConv2D`` / ``TflearnHighwayConv1D`` (its filter keeps tflearn's
  ``[fs, 1, in, nb_filter]`` layout): tflearn creates ``W, b, W_T, b_T`` in the layer scope
  (``FullyConnectedHighway/W_T`` ...); the helper layers create ``kernel, bias,
  gate_kernel, gate_bias`` in that order with the same layouts.
* ``grouped_conv_2d`` (inside ``resnext_block``: ``ResNeXtBlock/GroupedConv2D/W``, no bias)
  -> ``keras.layers.DepthwiseConv2D``: mapped by TFM123's ``layer_maps_conv``.
* ``resnext_block`` / ``densenet_block`` get NO entry (as TFM112's blocks): their variables
  live in nested ordinary tflearn layer scopes (``ResNeXtBlock/Conv2D_1``,
  ``DenseNetBlock/BatchNormalization_2`` ...) created in the order the TFM124 helpers create
  the Keras layers, mapped with the ``conv_2d`` / ``batch_normalization`` entries.
"""
from __future__ import annotations

import numpy as np


def _highway(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    return [v["W"], v["b"], v["W_T"], v["b_T"]]


MAPS: dict = {
    "tflearn.layers.core.highway": _highway,
    "tflearn.layers.conv.highway_conv_2d": _highway,
    "tflearn.layers.conv.highway_conv_1d": _highway,
}
