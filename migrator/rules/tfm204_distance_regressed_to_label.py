"""TFM204: a distance regressed toward the 0/1 "same" label -> contrastive loss with a margin."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, expr
from ._siamese import (CONTRASTIVE_HELPER, compiled_distance_model, distance_kind, label_convention,
                       loss_family, qnames, tail)
from .base import Case, Rule

MARGIN = 1.0
_MEANS = ("mean", "reduce_mean")
_PAIR_LOSSES = {  # name -> (labels position, predictions position)
    "tensorflow.losses.mean_squared_error": (0, 1), "tensorflow.losses.absolute_difference": (0, 1),
    "keras.losses.mean_squared_error": (0, 1), "keras.losses.mean_absolute_error": (0, 1),
    "keras.losses.mse": (0, 1), "keras.losses.mae": (0, 1),
}


def contrastive(y: cst.BaseExpression, d: cst.BaseExpression, kind: str) -> cst.BaseExpression:
    """mean(y * D^2 + (1 - y) * max(margin - D, 0)^2), y = 1 for a SAME pair, D the Euclidean
    distance (sqrt(max(d, eps)) when ``d`` is a squared distance)."""
    if kind == "squared":
        dist = expr("keras.ops.sqrt(keras.ops.maximum({d}, keras.config.epsilon()))", d=d)
        same = expr("{y} * {d}", y=y, d=d)
    else:
        dist = d
        same = expr("{y} * keras.ops.square({d})", y=y, d=d)
    return expr("keras.ops.mean({same} + (1.0 - {y}) * keras.ops.square(keras.ops.maximum({m} - {dist}, 0.0)))",
                same=same, y=y, m=cst.Float(repr(MARGIN)), dist=dist)


def regressed_pair(ctx, original: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression, str, str] | None:
    """(label, distance, distance kind, loss text) when ``original`` regresses a distance
    onto a label: mean(abs(y - d)), mean(square(d - y)), mean((y - d) ** 2), MSE(y, d)."""
    q = qnames(ctx, original)
    for name, (li, pi) in _PAIR_LOSSES.items():
        if name in q and len(original.args) > max(li, pi):
            y, d = original.args[li].value, original.args[pi].value
            kind = distance_kind(ctx, d)
            if kind and not distance_kind(ctx, y):
                return y, d, kind, name.rsplit(".", 1)[1]
            return None
    if tail(ctx, original) not in _MEANS or not original.args or not q:
        return None
    inner = original.args[0].value
    diff = None
    if isinstance(inner, cst.Call) and tail(ctx, inner) in ("abs", "square") and inner.args:
        diff = inner.args[0].value
    elif isinstance(inner, cst.BinaryOperation) and isinstance(inner.operator, cst.Power):
        diff = inner.left
    if not (isinstance(diff, cst.BinaryOperation) and isinstance(diff.operator, cst.Subtract)):
        return None
    kl, kr = distance_kind(ctx, diff.left), distance_kind(ctx, diff.right)
    if bool(kl) == bool(kr):
        return None
    y, d, kind = (diff.right, diff.left, kl) if kl else (diff.left, diff.right, kr)
    return y, d, kind, code(original).strip()


class DistanceRegressedToLabel(Rule):
    ID = "TFM204"
    NAME = "distance-regressed-to-label"
    MESSAGE = "a distance is regressed toward the 0/1 pair label with a plain regression loss"
    RATIONALE = ("mean(|y - d|) or mean((y - d)^2) with y = 1 for a SAME pair pulls DIFFERENT pairs "
                 "to distance 0 and SAME pairs to distance 1 - the opposite of a verification "
                 "objective - and nothing pushes different pairs apart beyond 1, so the distance "
                 "stops separating pairs (seed 004). FIX: the contrastive loss with margin "
                 f"{MARGIN}, mean(y * D^2 + (1 - y) * max({MARGIN} - D, 0)^2), D the Euclidean "
                 "distance (sqrt(max(d, epsilon)) of a squared distance), with the file's label "
                 "convention: 1 = SAME when the labels are built with ==, else 1 = SAME is "
                 "assumed (seed 002's convention) and the report says so. With --no-fixes the "
                 "loss is kept and reported.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.SAFE
    APPLICABILITY_REASON = ('a distance (>= 0, unbounded) regressed to a 0/1 label pulls SAME '
                            'pairs (label 1) apart and DIFFERENT pairs (label 0) together: the '
                            'objective is inverted, proven from the code (the label and the '
                            'distance are both visible). The cure is the contrastive loss on the '
                            'same distance.')
    SEVERITY = Severity.WARNING
    ORDER = 150  # replaces the (translated) loss expression as a whole

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        found = regressed_pair(self.ctx, original)
        if found is None:
            return updated
        y, d, kind, text = found
        conv = label_convention(self.ctx)
        assumption = ("labels built with ==: 1 = SAME" if conv == "==" else
                      "assuming label 1 = SAME pair (seed 002's convention): check how the labels are made")
        simple = all(isinstance(n, cst.Name) for n in (y, d))
        if not self.fixes_enabled or not simple:
            why = "" if simple else "; not fixed: label and distance must be plain names"
            self.report(original, f"{text}: the distance {code(d).strip()} is regressed toward the "
                                  f"label {code(y).strip()}; use a contrastive loss{why}")
            return updated
        self.ctx.add_import("keras")
        self.report(original, f"{text} -> contrastive loss (margin {MARGIN}, {assumption})", fixed=True)
        return contrastive(cst.Name(y.value), cst.Name(d.value), kind)

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        """``model.compile(loss='mse')`` on a model whose output is a distance."""
        call = self.ctx.parent(original)
        if (original.keyword is None or original.keyword.value != "loss" or not isinstance(call, cst.Call)
                or loss_family(original.value) != "regression"):
            return updated
        if compiled_distance_model(self.ctx, call) is None:
            return updated
        text = code(original.value).strip()
        if not self.fixes_enabled:
            self.report(original, f"loss={text} regresses the model's distance output toward the "
                                  f"label; use a contrastive loss")
            return updated
        self.ctx.use_helper(CONTRASTIVE_HELPER)
        self.ctx.add_import("keras")
        self.report(original, f"loss={text} on a distance -> contrastive_loss (margin {MARGIN}, "
                              f"label 1 = SAME)", fixed=True)
        return updated.with_changes(value=cst.Name(CONTRASTIVE_HELPER))

    VALID = [
        "import keras\n"
        "d = keras.ops.sqrt(keras.ops.maximum(keras.ops.sum(keras.ops.square(a - b), axis=1), 1e-7))\n"
        "loss = keras.ops.mean(y * keras.ops.square(d) + (1.0 - y) * keras.ops.square(keras.ops.maximum(1.0 - d, 0.0)))\n",
        "import keras\nloss = keras.ops.mean(keras.ops.abs(y - pred))\n",
    ]
    INVALID = [
        Case("import keras\n"
             "distance = keras.ops.sum(keras.ops.square(left - right), axis=1)\n"
             "loss = keras.ops.mean(keras.ops.abs(target - distance))\n",
             "import keras\n"
             "distance = keras.ops.sum(keras.ops.square(left - right), axis=1)\n"
             "loss = keras.ops.mean(target * distance + (1.0 - target) * keras.ops.square(keras.ops.maximum("
             "1.0 - keras.ops.sqrt(keras.ops.maximum(distance, keras.config.epsilon())), 0.0)))\n",
             ("TFM204",)),
        Case("import keras\n"
             "distance = keras.ops.sum(keras.ops.square(left - right), axis=1)\n"
             "loss = keras.ops.mean(keras.ops.abs(target - distance))\n",
             None, ("TFM204",), fixes=False),
        Case("import keras\n"
             "d = keras.ops.sqrt(keras.ops.sum(keras.ops.square(left - right), axis=1) + 1e-6)\n"
             "same = (labels_a == labels_b)\n"
             "loss = keras.ops.mean((d - same) ** 2)\n",
             "import keras\n"
             "d = keras.ops.sqrt(keras.ops.sum(keras.ops.square(left - right), axis=1) + 1e-6)\n"
             "same = (labels_a == labels_b)\n"
             "loss = keras.ops.mean(same * keras.ops.square(d) + (1.0 - same) * keras.ops.square("
             "keras.ops.maximum(1.0 - d, 0.0)))\n",
             ("TFM204",)),
        Case("import tensorflow as tf\n"
             "distance = tf.reduce_sum(tf.square(left - right), axis=1)\n"
             "loss = tf.reduce_mean(tf.abs(target - distance))\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "distance = tf.reduce_sum(tf.square(left - right), axis=1)\n"
             "loss = keras.ops.mean(target * distance + (1.0 - target) * keras.ops.square(keras.ops.maximum("
             "1.0 - keras.ops.sqrt(keras.ops.maximum(distance, keras.config.epsilon())), 0.0)))\n",
             ("TFM204",), todo=True),
        Case("import keras\n"
             "d = keras.layers.Lambda(lambda v: keras.ops.norm(v[0] - v[1], axis=1))([a, b])\n"
             "model = keras.Model([ia, ib], d)\n"
             "model.compile(loss='mse', optimizer='adam')\n",
             None, ("TFM204",), fixes=False),
    ]
