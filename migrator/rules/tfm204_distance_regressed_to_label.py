"""TFM204: a distance regressed toward the 0/1 "same" label -> contrastive loss with a margin."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, expr, literal
from ..analysis.siamese import (CONTRASTIVE_HELPER, bound_param, compiled_distance_model, distance_kind,
                       label_convention, loss_family, qnames, tail, walk)
from ..analysis.tflearn_model import REGRESSION, REGRESSION_SIG, TflearnProgram
from .base import Case, Rule
from ..translate.encoder import plus_epsilon

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
_FILLED = ("zeros_like", "ones_like", "zeros", "ones", "fill")  # constant tensors
_DIFFERENCES = ("squared_difference",)   # tf.squared_difference(a, b): (a - b)^2, either order
# tflearn's regression loss name (and the spellings seen in scripts written for it)
_TFLEARN_REGRESSION = ("mean_square", "l2", "l1", "mean_absolute", "mean_squared", "absolute_difference")


def _arg(call: cst.Call, kw: str, pos: int) -> cst.BaseExpression | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == kw:
            return a.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[pos].value if pos < len(positional) else None


def _is_constant(ctx, node: cst.BaseExpression) -> bool:
    """A number (or a name bound to one): ``MARGIN - d`` is a hinge, not a label regression."""
    from ..analysis.siamese import resolve_literal

    v = resolve_literal(ctx, node, None)
    if isinstance(node, cst.Call) and tail(ctx, node) in _FILLED:
        return True  # tf.zeros_like(d): a constant target (a contrastive loss's same-pair term), not a label
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
    distance (sqrt(d + eps) when ``d`` is a squared distance: TFM203's guard, whose gradient
    stays non-zero near 0)."""
    if kind == "squared":
        dist = expr("keras.ops.sqrt({d})", d=plus_epsilon(d))
        same = expr("{y} * {d}", y=y, d=d)
    else:
        dist = d
        same = expr("{y} * keras.ops.square({d})", y=y, d=d)
    return expr("keras.ops.mean({same} + (1.0 - {y}) * keras.ops.square(keras.ops.maximum({m} - {dist}, 0.0)))",
                same=same, y=y, m=cst.Float(repr(MARGIN)), dist=dist)


def _operands(ctx, original: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression, str,
                                                cst.BaseExpression | None] | None:
    """(a, b, loss text, prediction) when ``original`` is a regression loss of ``a`` against
    ``b``: mean(abs(a - b)), mean(square(a - b)), mean((a - b) ** 2), mean(squared_difference(a,
    b)), MSE(a, b) / MAE(a, b). ``prediction`` is the operand a named loss (MSE...) takes as its
    prediction (None when the loss is symmetric)."""
    q = qnames(ctx, original)
    for name, ((lk, li), (pk, pi)) in _PAIR_LOSSES.items():
        if name in q:
            y, d = _arg(original, lk, li), _arg(original, pk, pi)
            if y is None or d is None:
                return None
            return y, d, name.rsplit(".", 1)[1], d
    if tail(ctx, original) not in _MEANS or not original.args or not q:
        return None
    text = code(original).strip()
    inner = original.args[0].value
    if isinstance(inner, cst.Call) and tail(ctx, inner) in _DIFFERENCES and len(inner.args) >= 2:
        return inner.args[0].value, inner.args[1].value, text, None
    diff = None
    if isinstance(inner, cst.Call) and tail(ctx, inner) in ("abs", "square") and inner.args:
        diff = inner.args[0].value
    elif isinstance(inner, cst.Call) and tail(ctx, inner) == "pow" and len(inner.args) >= 2 \
            and literal(inner.args[1].value, None) == 2:
        diff = inner.args[0].value
    elif isinstance(inner, cst.BinaryOperation) and isinstance(inner.operator, cst.Power):
        diff = inner.left
    if isinstance(diff, cst.Call) and tail(ctx, diff) == "subtract" and len(diff.args) >= 2:
        return diff.args[0].value, diff.args[1].value, text, None
    if isinstance(diff, cst.BinaryOperation) and isinstance(diff.operator, cst.Subtract):
        return diff.left, diff.right, text, None
    return None


def regressed_pair(ctx, original: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression, str, str] | None:
    """(label, distance, distance kind, loss text) when ``original`` regresses a distance (or
    squared distance) onto a label: mean(abs(y - d)), mean(square(d - y)), mean((y - d) ** 2),
    mean(squared_difference(d, y)), MSE(y, d) / MAE(y, d) - either order, either label polarity."""
    ops = _operands(ctx, original)
    if ops is None:
        return None
    a, b, text, pred = ops
    found = _split(ctx, a, b)
    if found is None or (pred is not None and found[1] is not pred):
        return None
    return (*found, text)


def regression_function(ctx, node: cst.BaseExpression) -> str | None:
    """The loss text when ``node`` names a function defined once at module level whose two
    first parameters are regressed onto each other by its single ``return``: ``def l1(y_pred,
    y_true): return tf.reduce_mean(tf.abs(y_true - y_pred))`` (either order: tflearn calls
    fn(y_pred, y_true), Keras fn(y_true, y_pred))."""
    if not isinstance(node, cst.Name):
        return None
    defs = [s for s in ctx.module.body if isinstance(s, cst.FunctionDef) and s.name.value == node.value]
    if len(defs) != 1:
        return None
    params = [p.name.value for p in defs[0].params.params]
    if len(params) < 2:
        return None
    returns = [n for n in walk(defs[0].body) if isinstance(n, cst.Return)]
    if len(returns) != 1 or not isinstance(returns[0].value, cst.Call):
        return None
    ops = _operands(ctx, returns[0].value)
    if ops is None or not all(isinstance(n, cst.Name) for n in ops[:2]):
        return None
    if {ops[0].value, ops[1].value} != set(params[:2]) or ops[0].value == ops[1].value:
        return None
    return f"{node.value}() = {code(returns[0].value).strip()}"


def _regression_loss(ctx, node: cst.BaseExpression) -> str | None:
    """The loss text when a ``loss=`` argument is a plain regression loss: a Keras/tflearn
    regression loss name or a regression function defined in the file."""
    val = literal(node, None)
    if loss_family(node) == "regression" or (isinstance(val, str) and val.lower() in _TFLEARN_REGRESSION):
        return code(node).strip()
    return regression_function(ctx, node)


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
                 "distance (sqrt(d + epsilon) of a squared distance), with the file's label "
                 "convention: 1 = SAME when the labels are built with ==, else 1 = SAME is "
                 "assumed (seed 002's convention) and the report says so. The same on a model's "
                 "loss: tflearn's regression(d, loss='mean_square' or loss=fn) and Keras' "
                 "compile(loss='mse' or loss=fn) on a distance output, fn a function of the file "
                 "whose return regresses its two arguments onto each other (mean |a - b|, "
                 "mean (a - b)^2, MSE): the loss becomes the contrastive_loss helper (on the "
                 "output as it is, 1 = SAME). With --no-fixes the loss is kept and reported.")
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
        """``model.compile(loss='mse')`` on a model whose output is a distance, and tflearn's
        ``regression(dist, loss='mean_square')`` / ``regression(dist, loss=l1)`` with ``l1`` a
        function of the file that regresses the distance onto the label."""
        call = self.ctx.parent(original)
        if not isinstance(call, cst.Call):
            return updated
        if original.keyword is not None and original.keyword.value == "loss" \
                and compiled_distance_model(self.ctx, call) is not None:
            text = _regression_loss(self.ctx, original.value)
            if text is None:
                return updated
            return self._contrastive_arg(original, updated, text, "the model's distance output")
        if REGRESSION not in qnames(self.ctx, call) or bound_param(call, original, REGRESSION_SIG) != "loss":
            return updated
        reg = self.ctx.analysis(TflearnProgram).regression_of(call)
        incoming = next((a.value for a in call.args if bound_param(call, a, REGRESSION_SIG) == "incoming"), None)
        if reg is None or not reg.dnns or incoming is None or distance_kind(self.ctx, incoming) is None:
            return updated
        text = _regression_loss(self.ctx, original.value)
        if text is None:
            return updated
        # TFM116 passes the (Keras-order) ``contrastive_loss`` into compile() as it is; with
        # TFM116 off the tflearn graph stays and a Keras loss has no place in it
        why = "" if self.ctx.rule_active("TFM116") else "; not fixed: tflearn's regression() is not translated (TFM116 off)"
        return self._contrastive_arg(original, updated, text, f"the distance {code(incoming).strip()}", why)

    def _contrastive_arg(self, original: cst.Arg, updated: cst.Arg, text: str, what: str,
                         why: str = "") -> cst.Arg:
        if not self.fixes_enabled or why:
            self.report(original, f"loss={text} regresses {what} toward the label; use a contrastive loss{why}")
            return updated
        helper = self.ctx.use_helper(CONTRASTIVE_HELPER)
        self.ctx.add_import("keras")
        conv = ("labels built with ==: 1 = SAME" if label_convention(self.ctx) == "==" else
                "assuming label 1 = SAME pair (seed 002's convention): check how the labels are made")
        self.report(original, f"loss={text} on a distance -> {helper} (margin {MARGIN}, {conv})", fixed=True)
        return updated.with_changes(value=cst.Name(helper))

    VALID = [
        # the same-pair term of a contrastive loss: the distance regressed toward zeros, weighted by the label
        "import tensorflow as tf\n"
        "d = tf.sqrt(tf.reduce_sum(tf.square(a - b), 1) + 1e-6)\n"
        "pos = tf.losses.mean_squared_error(labels=tf.zeros_like(d), predictions=d, weights=y)\n",
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
        # tflearn: a classifier (softmax output) trained with mean_square is not a distance
        "import tflearn\n"
        "x = tflearn.input_data(shape=[None, 64])\n"
        "net = tflearn.fully_connected(x, 10, activation='softmax')\n"
        "net = tflearn.regression(net, loss='mean_square')\n"
        "model = tflearn.DNN(net)\n",
        # a learned sigmoid head on |a - b| with binary cross-entropy (a classifier of the pair)
        "import tensorflow as tf\nimport tflearn\n"
        "a = tflearn.input_data(shape=[None, 64])\n"
        "b = tflearn.input_data(shape=[None, 64])\n"
        "h = tflearn.fully_connected(tf.abs(a - b), 1, activation='sigmoid')\n"
        "net = tflearn.regression(h, loss='binary_crossentropy')\n"
        "model = tflearn.DNN(net)\n",
        # a correct contrastive loss function on the distance
        "import tensorflow as tf\nimport tflearn\n"
        "a = tflearn.input_data(shape=[None, 64])\n"
        "b = tflearn.input_data(shape=[None, 64])\n"
        "dist = tf.sqrt(tf.reduce_sum(tf.square(a - b), axis=1, keepdims=True) + 1e-6)\n"
        "def contrastive(y_pred, y_true):\n"
        "    return tf.reduce_mean(y_true * tf.square(y_pred) + (1.0 - y_true) * tf.square(tf.maximum(1.0 - y_pred, 0.0)))\n"
        "net = tflearn.regression(dist, loss=contrastive)\n"
        "model = tflearn.DNN(net)\n",
        # a regression function on a model whose output is not a distance
        "import keras\n"
        "def l1(y_true, y_pred):\n"
        "    return keras.ops.mean(keras.ops.abs(y_true - y_pred))\n"
        "model = keras.Model(x, keras.layers.Dense(1)(x))\n"
        "model.compile(loss=l1, optimizer='adam')\n",
    ]
    INVALID = [
        Case("import keras\n"
             "distance = keras.ops.sum(keras.ops.square(left - right), axis=1)\n"
             "loss = keras.ops.mean(keras.ops.abs(target - distance))\n",
             "import keras\n"
             "distance = keras.ops.sum(keras.ops.square(left - right), axis=1)\n"
             "loss = keras.ops.mean(target * distance + (1.0 - target) * keras.ops.square(keras.ops.maximum("
             "1.0 - keras.ops.sqrt(distance + keras.config.epsilon()), 0.0)))\n",
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
             "1.0 - keras.ops.sqrt(distance + keras.config.epsilon()), 0.0)))\n",
             ("TFM204",), todo=True),
        # MSE of a squared distance against the label, TF1 spelling, keywords
        Case("import tensorflow as tf\n"
             "d2 = tf.reduce_sum(tf.square(left - right), 1)\n"
             "loss = tf.losses.mean_squared_error(labels=same, predictions=d2)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "d2 = tf.reduce_sum(tf.square(left - right), 1)\n"
             "loss = keras.ops.mean(same * d2 + (1.0 - same) * keras.ops.square(keras.ops.maximum("
             "1.0 - keras.ops.sqrt(d2 + keras.config.epsilon()), 0.0)))\n",
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
        # tflearn: the distance through regression(loss=<a file function regressing it>)
        Case("import tensorflow as tf\nimport tflearn\n"
             "a = tflearn.input_data(shape=[None, 64])\n"
             "b = tflearn.input_data(shape=[None, 64])\n"
             "dist = tf.reduce_sum(tf.square(a - b), axis=1, keepdims=True)\n"
             "def l1(y_pred, y_true):\n"
             "    return tf.reduce_mean(tf.abs(y_true - y_pred))\n"
             "net = tflearn.regression(dist, optimizer='adam', loss=l1, metric=None)\n"
             "model = tflearn.DNN(net)\n",
             None, ("TFM204",), fixes=False, todo=True),
        # with fixes but TFM116 off, the tflearn graph stays: reported, not fixed (tests/test_tfm204_tflearn.py
        # runs the whole migration, where compile() gets loss=contrastive_loss)
        Case("import tensorflow as tf\nimport tflearn\n"
             "a = tflearn.input_data(shape=[None, 64])\n"
             "b = tflearn.input_data(shape=[None, 64])\n"
             "dist = tf.sqrt(tf.reduce_sum(tf.square(a - b), 1, keepdims=True) + 1e-6)\n"
             "net = tflearn.regression(dist, loss='mean_square')\n"
             "model = tflearn.DNN(net)\n",
             None, ("TFM204",), todo=True),
        # Keras: a regression function of the file as the loss of a distance model
        Case("import keras\n"
             "def l2(y_true, y_pred):\n"
             "    return keras.ops.mean(keras.ops.square(y_pred - y_true))\n"
             "d = keras.layers.Lambda(lambda v: keras.ops.norm(v[0] - v[1], axis=1))([a, b])\n"
             "model = keras.Model([ia, ib], d)\n"
             "model.compile(loss=l2, optimizer='adam')\n",
             "import keras\n\n\n"
             "# tflearn-migrate helper: contrastive_loss\n"
             "def contrastive_loss(y_true, y_pred, margin=1.0):\n"
             "    \"\"\"TFM204/TFM305: contrastive loss on a distance ``y_pred``; ``y_true`` = 1 for a SAME pair:\n"
             "    mean(y * d^2 + (1 - y) * max(margin - d, 0)^2).\"\"\"\n"
             "    y_pred = keras.ops.reshape(y_pred, (-1,))\n"
             "    y_true = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), y_pred.dtype)\n"
             "    same = y_true * keras.ops.square(y_pred)\n"
             "    different = (1.0 - y_true) * keras.ops.square(keras.ops.maximum(margin - y_pred, 0.0))\n"
             "    return keras.ops.mean(same + different)\n\n\n"
             "def l2(y_true, y_pred):\n"
             "    return keras.ops.mean(keras.ops.square(y_pred - y_true))\n"
             "d = keras.layers.Lambda(lambda v: keras.ops.norm(v[0] - v[1], axis=1))([a, b])\n"
             "model = keras.Model([ia, ib], d)\n"
             "model.compile(loss=contrastive_loss, optimizer='adam')\n",
             ("TFM204",)),
    ]
