"""TFM115: tflearn objectives / metrics called or built in code -> Keras 3 equivalents."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call
from ..helpers import register_source
from ..translate.tflearn import Untranslatable
from ..translate.tflearn_train import LOSS_HELPERS, R2_DIFFERENCE
from .base import Case, CallRule

_OBJ_EXTRA = {"weighted_crossentropy": "weight=1.0", "contrastive_loss": "margin=1.0"}

METRIC_OPS = ("accuracy_op", "binary_accuracy_op", "top_k_op", "r2_op")  # helper_src/tflearn_train.py
for _name in METRIC_OPS:
    register_source("tflearn_train", f"tflearn_{_name}")

_OBJ_SIG = "y_pred, y_true"
CALLS = tuple(f"tflearn.objectives.{n}" for n in [*LOSS_HELPERS, "weak_cross_entropy_2d"]) + tuple(
    f"tflearn.metrics.{n}" for n in ["Accuracy", "accuracy", "Top_k", "top_k", "R2", "WeightedR2",
                                     "weighted_r2", "Prediction_Counts", "prediction_counts", *METRIC_OPS])


class LossesMetrics(CallRule):
    ID = "TFM115"
    TRIGGERS = ("tflearn",)
    NAME = "losses-metrics"
    MESSAGE = "tflearn objective / metric -> Keras loss helper / keras.metrics"
    RATIONALE = ("tflearn calls objectives as fn(y_pred, y_true), Keras losses take (y_true, y_pred): "
                 "calls are rewritten with the arguments swapped. binary_crossentropy, "
                 "softmax_categorical_crossentropy and weighted_crossentropy take LOGITS; "
                 "categorical_crossentropy clips at 1e-10 (Keras 1e-7); hinge_loss keeps 0/1 "
                 "labels (Keras' hinge maps them to -1/1); contrastive_loss SUMS over the batch "
                 "and halves (margin 1.0); roc_auc_score is a pairwise surrogate (gamma 0.2, "
                 "power 3). Keras has none of these exactly, so each becomes a small registered "
                 "helper written with keras.ops. Metric objects: Accuracy -> CategoricalAccuracy "
                 "(1-unit outputs: BinaryAccuracy(threshold=0.0) when used in regression), "
                 "Top_k(k=1) -> TopKCategoricalAccuracy, R2 -> R2Score (reported difference).")
    CALLS = CALLS

    def translate(self, qname, original, updated):
        try:
            out = self._translate(qname, original, updated)
        except (Untranslatable, Unbindable, ValueError) as ex:
            self.todo(original, f"{qname.rsplit('.', 1)[1]}: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def _translate(self, qname, original, updated):
        mod, name = qname.rsplit(".", 1)
        if mod == "tflearn.objectives":
            if name not in LOSS_HELPERS:
                raise Untranslatable("no Keras equivalent written yet (reshapes to 2-D and adds "
                                     "epsilon to the logits)")
            extra = _OBJ_EXTRA.get(name)
            b = BoundArgs(updated, _OBJ_SIG + (f", {extra}" if extra else ""), original)
            helper = self.ctx.use_helper(LOSS_HELPERS[name])
            kw = {}
            if extra:
                pname = extra.split("=")[0]
                kw[pname] = b.node(pname) if b.given(pname) else None
            return call(helper, b.node("y_true"), b.node("y_pred"), **kw)
        if name in METRIC_OPS:
            return updated.with_changes(func=cst.Name(self.ctx.use_helper(f"tflearn_{name}")))
        if name in ("Accuracy", "accuracy"):
            b = BoundArgs(updated, "name=None", original)
            return call("keras.metrics.CategoricalAccuracy", name=b.node("name") if b.given("name") else None)
        if name in ("Top_k", "top_k"):
            b = BoundArgs(updated, "k=1, name=None", original)
            return call("keras.metrics.TopKCategoricalAccuracy", k=b.node("k"),
                        name=b.node("name") if b.given("name") else None)
        if name == "R2":
            b = BoundArgs(updated, "name=None", original)
            self.report(original, R2_DIFFERENCE)
            return call("keras.metrics.R2Score", name=b.node("name") if b.given("name") else None)
        raise Untranslatable(f"{name} has no Keras equivalent (needs the model inputs or prints "
                             "prediction counts)")

    VALID = ["import keras\nm = keras.metrics.CategoricalAccuracy()\n",
             "def mean_square(a, b):\n    return a - b\nl = mean_square(p, t)\n"]
    INVALID = [
        Case("import tflearn\n\ndef my_loss(y_pred, y_true):\n"
             "    return tflearn.objectives.mean_square(y_pred, y_true) + 0.1 * tflearn.hinge_loss(y_pred, y_true)\n",
             "import keras\n\n\n"
             "# tflearn-migrate helper: tflearn_mean_square\n"
             "def tflearn_mean_square(y_true, y_pred):\n"
             "    \"\"\"tflearn objectives.mean_square: mean of squared errors over all elements.\"\"\"\n"
             "    return keras.ops.mean(keras.ops.square(y_pred - y_true))\n\n\n"
             "# tflearn-migrate helper: tflearn_hinge_loss\n"
             "def tflearn_hinge_loss(y_true, y_pred):\n"
             "    \"\"\"tflearn objectives.hinge_loss: mean(max(1 - y_true * y_pred, 0)) with the labels as\n"
             "    given (Keras' hinge turns 0/1 labels into -1/1 first).\"\"\"\n"
             "    return keras.ops.mean(keras.ops.maximum(1.0 - y_true * y_pred, 0.0))\n\n\n"
             "def my_loss(y_pred, y_true):\n"
             "    return tflearn_mean_square(y_true, y_pred) + 0.1 * tflearn_hinge_loss(y_true, y_pred)\n"),
        Case("from tflearn.objectives import contrastive_loss\nl = contrastive_loss(d, y, margin=2.0)\n",
             "import keras\n\n\n"
             "# tflearn-migrate helper: tflearn_contrastive_loss\n"
             "def tflearn_contrastive_loss(y_true, y_pred, margin=1.0):\n"
             "    \"\"\"tflearn objectives.contrastive_loss: y_pred is a distance, y_true 1 for similar\n"
             "    pairs; SUM (not mean) over the batch, halved.\"\"\"\n"
             "    similar = y_true * keras.ops.square(y_pred)\n"
             "    dissimilar = (1.0 - y_true) * keras.ops.square(keras.ops.maximum(margin - y_pred, 0.0))\n"
             "    return keras.ops.sum(similar + dissimilar) / 2.0\n\n\n"
             "l = tflearn_contrastive_loss(y, d, margin=2.0)\n"),
        Case("import tflearn\nacc = tflearn.metrics.Accuracy()\ntop = tflearn.metrics.Top_k(k=3)\n",
             "import keras\n\nacc = keras.metrics.CategoricalAccuracy()\n"
             "top = keras.metrics.TopKCategoricalAccuracy(k=3)\n"),
        Case("import tflearn\nm = tflearn.metrics.WeightedR2()\n", None, ("TFM115",), todo=True),
    ]
