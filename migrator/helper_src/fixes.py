"""Helpers migrated code may need: the code the FIX rules write (TFM204, TFM302, TFM305).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import keras
import numpy as np


def contrastive_loss(y_true, y_pred, margin=1.0):
    """TFM204/TFM305: contrastive loss on a distance ``y_pred``; ``y_true`` = 1 for a SAME pair:
    mean(y * d^2 + (1 - y) * max(margin - d, 0)^2)."""
    y_pred = keras.ops.reshape(y_pred, (-1,))
    y_true = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), y_pred.dtype)
    same = y_true * keras.ops.square(y_pred)
    different = (1.0 - y_true) * keras.ops.square(keras.ops.maximum(margin - y_pred, 0.0))
    return keras.ops.mean(same + different)


def balanced_class_weight(y, max_ratio=3.0):
    """TFM302: scikit-learn's "balanced" class weights, n_samples / (n_classes * count),
    when the most frequent class of ``y`` outnumbers the rarest by more than ``max_ratio``;
    None (no weighting) otherwise. ``y``: integer labels, one-hot rows or 0/1 values."""
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = y.reshape(-1, y.shape[-1]).argmax(axis=-1)
    else:
        labels = np.rint(y.reshape(-1)).astype("int64")
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2 or counts.max() <= max_ratio * counts.min():
        return None
    weights = len(labels) / (len(classes) * counts)
    return {int(c): float(w) for c, w in zip(classes, weights)}
