"""TFM204: a distance regressed toward the 0/1 "same" label -> contrastive loss with a margin."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, expr, literal
from ._siamese import (CONTRASTIVE_HELPER, compiled_distance_model, distance_kind, label_convention,
                       loss_family, qnames, tail)
from .base import Case, Rule

MARGIN = 1.0
_MEANS = ("mean", "reduce_mean", "reduce_sum", "sum")
_PAIR_LOSSES = {  # name -> ((labels keyword, position), (predictions keyword, position))
    "tensorflow.losses.mean_squared_error": (("labels", 0), ("predictions", 1)),
    "tensorflow.losses.absolute_difference": (("labels", 0), ("predictions", 1)),
    "tensorflow.compat.v1.losses.mean_squared_error": (("labels", 0), ("predictions", 1)),
    "keras.losses.mean_squared_error": (("y_true", 0), ("y_pred", 1)),
    "keras.losses.mean_absolute_error": (("y_true", 0), ("y_pred", 1)),
    "keras.losses.mse": (("y_true", 0), ("y_pred", 1)), "keras.losses.mae": (("y_true", 0), ("y_pred", 1)),
    "keras.metrics.mean_squared_error": (("y_true", 0), ("y_pred", 1)),
}
_DIFFERENCES = ("squared_difference",)   # tf.squared_difference(a, b): (a - b)^2, either order


def _arg(call: cst.Call, kw: str, pos: int) -> cst.BaseExpression | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == kw:
            return a.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[pos].value if pos < len(positional) else None


def _is_constant(ctx, node: cst.BaseExpression) -> bool:
    """A number (or a name bound to one): ``MARGIN - d`` is a hinge, not a label regression."""
    from ._siamese import resolve_literal

    v = resolve_literal(ctx, node, None)
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _split(ctx, a: cst.BaseExpression, b: cst.BaseExpression):
    """(label, distance, kind) when exactly one of ``a``/``b`` is a distance and the other a
    label (not a constant)."""
    ka, kb = distance_kind(ctx, a), distance_kind(ctx, b)
    if bool(ka) == bool(kb):
        return None
    y, d, kind = (b, a, ka) if ka else (a, b, kb)
    if _is_constant(ctx, y):
        return None
    return y, d, kind


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
    """(label, distance, distance kind, loss text) when ``original`` regresses a distance (or
    squared distance) onto a label: mean(abs(y - d)), mean(square(d - y)), mean((y - d) ** 2),
    mean(squared_difference(d, y)), MSE(y, d) / MAE(y, d) - either order, either label polarity."""
    q = qnames(ctx, original)
    for name, ((lk, li), (pk, pi)) in _PAIR_LOSSES.items():
        if name in q:
            y, d = _arg(original, lk, li), _arg(original, pk, pi)
            if y is None or d is None:
                return None
            found = _split(ctx, y, d)
            if found is None or found[1] is not d:
                return None
            return (*found, name.rsplit(".", 1)[1])
    if tail(ctx, original) not in _MEANS or not original.args or not q:
        return None
    inner = original.args[0].value
    if isinstance(inner, cst.Call) and tail(ctx, inner) in _DIFFERENCES and len(inner.args) >= 2:
        found = _split(ctx, inner.args[0].value, inner.args[1].value)
        return None if found is None else (*found, code(original).strip())
    diff = None
    if isinstance(inner, cst.Call) and tail(ctx, inner) in ("abs", "square") and inner.args:
        diff = inner.args[0].value
    elif isinstance(inner, cst.Call) and tail(ctx, inner) == "pow" and len(inner.args) >= 2 \
            and literal(inner.args[1].value, None) == 2:
        diff = inner.args[0].value
    elif isinstance(inner, cst.BinaryOperation) and isinstance(inner.operator, cst.Power):
        diff = inner.left
    if isinstance(diff, cst.Call) and tail(ctx, diff) == "subtract" and len(diff.args) >= 2:
        found = _split(ctx, diff.args[0].value, diff.args[1].value)
        return None if found is None else (*found, code(original).strip())
    if not (isinstance(diff, cst.BinaryOperation) and isinstance(diff.operator, cst.Subtract)):
        return None
    found = _split(ctx, diff.left, diff.right)
    return None if found is None else (*found, code(original).strip())


def _same_label(y: cst.BaseExpression) -> tuple[cst.BaseExpression, bool]:
    """(label, complemented): the target ``1 - y`` aims distance 0 at the pairs with y = 1 (read
    as SAME: right direction, but no margin); the target ``y`` aims distance 1 at them (the
    objective upside down). Either way the contrastive loss takes ``y`` as its SAME label."""
    if isinstance(y, cst.BinaryOperation) and isinstance(y.operator, cst.Subtract) \
            and literal(y.left, None) in (1, 1.0) and isinstance(y.right, cst.Name):
        return y.right, True
    return y, False


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
        y, complemented = _same_label(y)
        conv = label_convention(self.ctx)
        assumption = ("labels built with ==: 1 = SAME" if conv == "==" else
                      "assuming label 1 = SAME pair (seed 002's convention): check how the labels are made")
        effect = ("distance 0 for one class of pairs, 1 for the other, and nothing pushes different pairs "
                  "further apart" if complemented else "SAME pairs are pulled to distance 1 and "
                  "DIFFERENT pairs to 0")
        simple = all(isinstance(n, cst.Name) for n in (y, d))
        if not self.fixes_enabled or not simple:
            why = "" if simple else "; not fixed: label and distance must be plain names"
            self.report(original, f"{text}: the distance {code(d).strip()} is regressed toward the "
                                  f"label {code(found[0]).strip()} ({effect}); use a contrastive loss{why}")
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
        # a hinge on the distance against a constant margin is not a label regression
        "import keras\n"
        "MARGIN = 1.0\n"
        "d = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1))\n"
        "loss = keras.ops.mean(keras.ops.square(MARGIN - d))\n",
        # MaLSTM: exp(-L1) is a similarity in (0, 1]; regressing it to the label is the model
        "import keras\n"
        "sim = keras.ops.exp(-keras.ops.sum(keras.ops.abs(a - b), axis=1))\n"
        "loss = keras.ops.mean(keras.ops.square(sim - y))\n",
        # Chopra et al.'s exponential contrastive loss and the inverted-label contrastive loss
        "import keras\n"
        "e = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1))\n"
        "loss = keras.ops.mean(y * 0.4 * keras.ops.square(e) + (1 - y) * 10.0 * keras.ops.exp(-0.554 * e))\n",
        "import keras\n"
        "d = keras.ops.sqrt(keras.ops.sum(keras.ops.square(keras.ops.subtract(o1, o2)), 1))\n"
        "loss = keras.ops.mean(keras.ops.add(keras.ops.multiply(keras.ops.subtract(1.0, y), keras.ops.square(d)),\n"
        "                      keras.ops.multiply(y, keras.ops.square(keras.ops.maximum(0.0, keras.ops.subtract(8.0, d))))))\n",
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
        # MSE of a squared distance against the label, TF1 spelling, keywords
        Case("import tensorflow as tf\n"
             "d2 = tf.reduce_sum(tf.square(left - right), 1)\n"
             "loss = tf.losses.mean_squared_error(labels=same, predictions=d2)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "d2 = tf.reduce_sum(tf.square(left - right), 1)\n"
             "loss = keras.ops.mean(same * d2 + (1.0 - same) * keras.ops.square(keras.ops.maximum("
             "1.0 - keras.ops.sqrt(keras.ops.maximum(d2, keras.config.epsilon())), 0.0)))\n",
             ("TFM204",), todo=True),
        # the other polarity: distance regressed to 1 - y (0 for same pairs), squared_difference
        Case("import tensorflow as tf\n"
             "dist = tf.sqrt(tf.reduce_sum(tf.square(a - b), 1) + 1e-6)\n"
             "loss = tf.reduce_mean(tf.squared_difference(dist, 1.0 - y))\n",
             None, ("TFM204",), fixes=False, todo=True),
        Case("import keras\n"
             "dist = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), 1) + 1e-6)\n"
             "loss = keras.ops.mean(keras.ops.square(dist - (1.0 - y)))\n",
             "import keras\n"
             "dist = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), 1) + 1e-6)\n"
             "loss = keras.ops.mean(y * keras.ops.square(dist) + (1.0 - y) * keras.ops.square(keras.ops.maximum("
             "1.0 - dist, 0.0)))\n",
             ("TFM204",)),
        Case("import keras\n"
             "d = keras.layers.Lambda(lambda v: keras.ops.norm(v[0] - v[1], axis=1))([a, b])\n"
             "model = keras.Model([ia, ib], d)\n"
             "model.compile(loss='mse', optimizer='adam')\n",
             None, ("TFM204",), fixes=False),
    ]
