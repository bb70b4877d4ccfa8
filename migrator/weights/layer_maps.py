"""Per-layer weight conversion: legacy variables -> ``keras_layer.set_weights(...)`` order.

Interface (shared by the layer translations and the checkpoint tools):

    LAYER_MAPS[canonical tflearn function name](tf_vars, keras_layer) -> list[np.ndarray]

``tf_vars`` maps the variable's short name inside the layer's scope (``"W"``, ``"b"``,
``"beta"``, ``"moving_mean"``, ...; for nested scopes the path below the layer scope, e.g.
``"BasicLSTMCell/Linear/Matrix"``) to its value. The function returns arrays in the order
of ``keras_layer.get_weights()`` (checking shapes is the caller's job), applying any layout
change the translation implies (gate order, forget-bias offset, ...). Layers whose
translation has no weights map to ``None``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

LayerMap = Callable[[dict[str, np.ndarray], object], list[np.ndarray]]


def _kernel_bias(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    out = [v["W"]]
    if "b" in v:
        out.append(v["b"])
    return out


def _batch_norm(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    # Keras BatchNormalization weight order: gamma, beta, moving_mean, moving_variance
    return [v["gamma"], v["beta"], v["moving_mean"], v["moving_variance"]]


LAYER_MAPS: dict[str, LayerMap | None] = {
    "tflearn.layers.core.fully_connected": _kernel_bias,
    "tflearn.layers.conv.conv_2d": _kernel_bias,
    "tflearn.layers.conv.conv_1d": _kernel_bias,
    "tflearn.layers.normalization.batch_normalization": _batch_norm,
    "tflearn.layers.core.dropout": None,
    "tflearn.layers.core.flatten": None,
    "tflearn.layers.core.reshape": None,
    "tflearn.layers.conv.max_pool_2d": None,
    "tflearn.layers.conv.avg_pool_2d": None,
}

# Per-area maps live in their own modules (layer_maps_<area>.py, each defining MAPS) so the
# layer translations can be added independently; they are merged here.
from . import layer_maps_norm, layer_maps_rnn, layer_maps_merge, layer_maps_blocks  # noqa: E402

for _m in (layer_maps_norm, layer_maps_rnn, layer_maps_merge, layer_maps_blocks):
    LAYER_MAPS.update(_m.MAPS)

from . import layer_maps_conv  # noqa: E402  (TFM123)

LAYER_MAPS.update(layer_maps_conv.MAPS)
