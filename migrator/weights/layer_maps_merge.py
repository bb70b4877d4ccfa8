"""LAYER_MAPS entries for the merge translations (see layer_maps.py for the interface).

* ``merge`` / ``merge_outputs`` (TFM111) create no variables: ``None``.
* ``residual_block`` / ``residual_bottleneck`` (TFM112) get NO entry on purpose: tflearn
  creates no variable in the block's own scope; its variables live in nested tflearn layer
  scopes, ``<block>/BatchNormalization[_n]/{beta,gamma,moving_mean,moving_variance}`` and
  ``<block>/Conv2D[_n]/{W,b}``, recorded as ordinary ``layer_variables`` groups whose last
  scope component names the layer (``naming._tflearn_key``). The TFM112 helpers create the
  Keras ``BatchNormalization`` / ``Conv2D`` layers in tflearn's creation order (BN, Conv2D,
  BN, Conv2D, ... per block), so ``mapping.plan`` maps each group with the
  ``batch_normalization`` and ``conv_2d`` entries (tests/test_residual_blocks.py).
"""
from __future__ import annotations

import numpy as np  # noqa: F401

MAPS: dict = {
    "tflearn.layers.merge_ops.merge": None,
    "tflearn.layers.merge_ops.merge_outputs": None,
}
