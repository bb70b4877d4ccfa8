"""TF1 streaming metrics (``tf.metrics.*``) as stateful objects, for TFM140.

``value, update_op = tf.metrics.auc(labels=y, predictions=p)`` made LOCAL variables (the
confusion counts), ``update_op`` added one batch to them and evaluated to the UPDATED value,
``value`` read the current one, and ``tf.local_variables_initializer()`` zeroed them. The
translation keeps that: ``value`` becomes a ``TF1StreamingMetric`` (the variables),
``update_op`` a function of (labels, model outputs) calling its ``update_state`` (which returns
the updated value, as the update op did), ``sess.run(value)`` its ``result()`` and a run of the
local-variables initializer its ``reset_state()``.

The helper computes what ``tensorflow/python/ops/metrics_impl.py`` computes, in float32:

* ``auc``: thresholds ``[-1e-7, 1/(n-1), ..., (n-2)/(n-1), 1+1e-7]`` (``num_thresholds=200``),
  a prediction counts positive when it is strictly above a threshold, labels cast to bool, the
  ROC curve ``rec = (tp+1e-6)/(tp+fn+1e-6)`` against ``fpr = fp/(fp+tn+1e-6)`` summed by
  trapezoids ('trapezoidal'; 'minoring' / 'majoring'; PR with 'careful_interpolation' the
  interpolated PR-AUC). ``keras.metrics.AUC(curve='ROC', summation_method='interpolation')`` is
  NOT the same number: no 1e-6 epsilons (divide_no_nan) and a bucketed threshold test - so the
  helper is ours;
* ``accuracy``: predictions cast to the labels' dtype, ``mean(predictions == labels)``;
* ``mean``: ``total / count`` (0 when count is 0), weights broadcast to the values;
* ``precision`` / ``recall``: labels and predictions cast to bool, ``tp / (tp + fp)`` /
  ``tp / (tp + fn)``, 0 when the denominator is 0.
"""
from __future__ import annotations

from ..helpers import register_source

# tf.metrics.<kind>: its TF1 parameters in order; the tensors go to update_state, the rest
# (the configuration) to the constructor
SIGNATURES = {
    "auc": ("labels", "predictions", "weights", "num_thresholds", "metrics_collections",
            "updates_collections", "curve", "name", "summation_method", "thresholds"),
    "accuracy": ("labels", "predictions", "weights", "metrics_collections", "updates_collections", "name"),
    "mean": ("values", "weights", "metrics_collections", "updates_collections", "name"),
    "precision": ("labels", "predictions", "weights", "metrics_collections", "updates_collections", "name"),
    "recall": ("labels", "predictions", "weights", "metrics_collections", "updates_collections", "name"),
}
TENSOR_ARGS = ("labels", "predictions", "values", "weights")
CONFIG_ARGS = ("num_thresholds", "curve", "summation_method", "thresholds")
# the arguments that must be absent (or None): a collection the program would read elsewhere
COLLECTION_ARGS = ("metrics_collections", "updates_collections")

TF1_METRIC = register_source("tf1", "TF1StreamingMetric")
