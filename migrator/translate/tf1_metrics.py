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

from ..helpers import register

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

TF1_METRIC = register("TF1StreamingMetric", '''
class TF1StreamingMetric:
    """A TF1 streaming metric (tf.metrics.<kind>): the local variables it accumulated into;
    update_state(...) is its update op (adds one batch, returns the UPDATED value), result()
    its value tensor, reset_state() what tf.local_variables_initializer() did. float32 math
    exactly as tensorflow/python/ops/metrics_impl.py (auc: TF1's thresholds and 1e-6 epsilons)."""

    def __init__(self, kind, num_thresholds=200, curve="ROC", summation_method="trapezoidal", thresholds=None):
        if kind == "auc" and curve not in ("ROC", "PR"):
            raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
        self.kind, self.curve, self.summation_method = kind, curve, summation_method
        if thresholds is not None:
            inner = sorted(thresholds)
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.thresholds = np.array([0.0 - 1e-7] + inner + [1.0 + 1e-7], np.float32)
        self.reset_state()

    def reset_state(self):
        n = len(self.thresholds) if self.kind == "auc" else 1
        self.state = {k: np.zeros(n, np.float32) for k in ("tp", "fn", "tn", "fp", "total", "count")}

    @staticmethod
    def _squeeze(a, b):
        # TF1's _remove_squeezable_dimensions: a trailing 1 on the one of rank one more goes
        if a.ndim == b.ndim + 1 and a.shape[-1:] == (1,):
            a = a[..., 0]
        elif b.ndim == a.ndim + 1 and b.shape[-1:] == (1,):
            b = b[..., 0]
        return a, b

    def _weights(self, weights, like):
        if weights is None:
            return np.ones(like.shape, np.float32)
        w = np.asarray(keras.ops.convert_to_numpy(weights)).astype(np.float32)
        if w.ndim == like.ndim + 1 and w.shape[-1:] == (1,):
            w = w[..., 0]
        return np.broadcast_to(w, like.shape).astype(np.float32)

    def update_state(self, labels=None, predictions=None, weights=None, values=None):
        s = self.state
        if self.kind in ("mean", "accuracy"):
            if self.kind == "accuracy":
                lab = np.asarray(keras.ops.convert_to_numpy(labels))
                pred = np.asarray(keras.ops.convert_to_numpy(predictions))
                pred, lab = self._squeeze(pred, lab)
                if pred.dtype != lab.dtype:
                    pred = pred.astype(lab.dtype)
                values = (pred == lab).astype(np.float32)
            else:
                values = np.asarray(keras.ops.convert_to_numpy(values)).astype(np.float32)
            w = self._weights(weights, values)
            s["total"] += np.sum(values * w, dtype=np.float32)
            s["count"] += np.sum(w, dtype=np.float32)
            return self.result()
        lab = np.asarray(keras.ops.convert_to_numpy(labels)).astype(bool)
        pred = np.asarray(keras.ops.convert_to_numpy(predictions))
        if self.kind == "auc":
            pred = pred.astype(np.float32)
            if pred.size and (pred.min() < 0 or pred.max() > 1):
                raise ValueError("predictions must be in [0, 1]")
        else:
            pred = pred.astype(bool)
        pred, lab = self._squeeze(pred, lab)
        w = self._weights(weights, pred).reshape(1, -1)
        pos = pred.reshape(1, -1) > self.thresholds[:, None] if self.kind == "auc" else pred.reshape(1, -1)
        lab = lab.reshape(1, -1)
        for k, m in (("tp", lab & pos), ("fn", lab & ~pos), ("tn", ~lab & ~pos), ("fp", ~lab & pos)):
            s[k] += np.sum(m.astype(np.float32) * w, axis=1, dtype=np.float32)
        return self.result()

    def result(self):
        s = self.state
        if self.kind in ("mean", "accuracy"):
            c = np.maximum(s["count"][0], np.float32(0))
            return np.float32(s["total"][0] / c) if c != 0 else np.float32(0.0)
        if self.kind in ("precision", "recall"):
            tp, other = s["tp"][0], s["fp" if self.kind == "precision" else "fn"][0]
            return np.float32(tp / (tp + other)) if tp + other > 0 else np.float32(0.0)
        return self._auc(s["tp"], s["fn"], s["tn"], s["fp"])

    def _auc(self, tp, fn, tn, fp):
        def div_no_nan(a, b):
            return np.where(b == 0, np.float32(0), a / np.where(b == 0, np.float32(1), b)).astype(np.float32)

        eps = np.float32(1e-6)
        if self.curve == "PR" and self.summation_method == "careful_interpolation":
            dtp = tp[:-1] - tp[1:]
            p = tp + fp
            slope = div_no_nan(dtp, np.maximum(p[:-1] - p[1:], np.float32(0)))
            intercept = tp[1:] - slope * p[1:]
            ratio = np.where((p[:-1] > 0) & (p[1:] > 0), div_no_nan(p[:-1], np.maximum(p[1:], np.float32(0))),
                             np.float32(1)).astype(np.float32)
            return np.float32(np.sum(div_no_nan(slope * (dtp + intercept * np.log(ratio)),
                                                np.maximum(tp[1:] + fn[1:], np.float32(0))), dtype=np.float32))
        rec = (tp + eps) / (tp + fn + eps)
        if self.curve == "ROC":
            x, y = fp / (fp + tn + eps), rec
        else:
            x, y = rec, (tp + eps) / (tp + fp + eps)
        if self.summation_method in ("trapezoidal", "careful_interpolation"):
            h = (y[:-1] + y[1:]) / np.float32(2.0)
        elif self.summation_method == "minoring":
            h = np.minimum(y[:-1], y[1:])
        elif self.summation_method == "majoring":
            h = np.maximum(y[:-1], y[1:])
        else:
            raise ValueError(f"Invalid summation_method: {self.summation_method}")
        return np.float32(np.sum((x[:-1] - x[1:]) * h, dtype=np.float32))
''', imports=[("numpy", None, "np"), ("keras", None, None)])
