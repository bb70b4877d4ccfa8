"""LAYER_MAPS entries for the norm translations (see layer_maps.py for the interface).

``batch_normalization`` (TFM107 -> keras BatchNormalization: gamma, beta, moving_mean,
moving_variance, all four with tflearn's layout) is mapped in layer_maps.py. The other
TFM106/TFM108 translations have no weights.
"""
from __future__ import annotations

import numpy as np  # noqa: F401

MAPS: dict = {
    "tflearn.layers.core.activation": None,                                  # TFM106
    "tflearn.layers.normalization.local_response_normalization": None,       # TFM108 helper layer
    "tflearn.layers.normalization.l2_normalize": None,                       # TFM108 keras.ops.normalize
}
