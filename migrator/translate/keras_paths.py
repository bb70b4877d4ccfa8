"""Keras 2 / tf.keras module paths -> their Keras 3 module (TFM170's import rewrite; the engine's
unused-import removal asks it too: an import TFM170 rewrote is removed under its new path)."""
from __future__ import annotations

# Keras 2 submodules merged into their package in Keras 3
_MERGED = {
    "keras.layers.core": "keras.layers", "keras.layers.convolutional": "keras.layers",
    "keras.layers.pooling": "keras.layers", "keras.layers.merge": "keras.layers",
    "keras.layers.normalization": "keras.layers", "keras.layers.recurrent": "keras.layers",
    "keras.layers.embeddings": "keras.layers", "keras.layers.advanced_activations": "keras.layers",
    "keras.layers.noise": "keras.layers", "keras.layers.wrappers": "keras.layers",
    "keras.engine.topology": "keras.layers", "keras.engine.base_layer": "keras.layers",
    "keras.engine.training": "keras.models", "keras.engine": "keras.models",
    # Keras 2.11+'s pre-2.11 optimizers: the same classes, defaults and positional order as
    # Keras 3's (SGD, RMSprop, Adam, Adagrad, Adadelta, Adamax, Nadam, Ftrl)
    "keras.optimizers.legacy": "keras.optimizers",
}


def keras3_module(mod: str) -> str | None:
    """``tensorflow.keras.layers`` -> ``keras.layers``; Keras 2-only paths mapped; None: unchanged."""
    new = mod
    if mod == "tensorflow.keras" or mod.startswith("tensorflow.keras."):
        new = mod[len("tensorflow."):]
    elif mod.startswith("tensorflow.python.keras"):
        new = "keras" + mod[len("tensorflow.python.keras"):]
    for old, repl in _MERGED.items():
        if new == old or new.startswith(old + "."):
            new = repl
            break
    return None if new == mod else new
