"""TFM203: sqrt of a squared distance without an epsilon -> sqrt(x + epsilon)."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, literal
from ..analysis.siamese import definition, qnames, walk
from .base import Case, Rule
from ..translate.encoder import plus_epsilon

SQRT = ("tensorflow.sqrt", "tensorflow.math.sqrt", "keras.ops.sqrt", "keras.backend.sqrt",
        "keras.ops.numpy.sqrt")


def _callee_tail(ctx, node: cst.Call) -> str:
    q = sorted(qnames(ctx, node))
    if q:
        return q[0].rsplit(".", 1)[-1]
    f = node.func
    return f.attr.value if isinstance(f, cst.Attribute) else f.value if isinstance(f, cst.Name) else ""


def has_square(ctx, node: cst.CSTNode) -> bool:
    """Does the expression square something (square(), ``** 2``, ``x * x``)?"""
    for n in walk(node):
        if isinstance(n, cst.Call) and _callee_tail(ctx, n) in ("square", "pow", "power") and (
                _callee_tail(ctx, n) == "square" or len(n.args) > 1 and literal(n.args[1].value, None) == 2):
            return True
        if isinstance(n, cst.BinaryOperation):
            if isinstance(n.operator, cst.Power) and literal(n.right, None) == 2:
                return True
            if isinstance(n.operator, cst.Multiply) and n.left.deep_equals(n.right):
                return True
    return False


def is_guarded(ctx, node: cst.BaseExpression) -> bool:
    """``maximum(x, eps)``, ``x + eps`` (``add(x, eps)``), ``clip_by_value(...)``, ``clip(...)`` at the top."""
    if isinstance(node, cst.Call):
        # (tf1_add: TF1's ``x + y`` as a migration writes it when y may broadcast as a column)
        return _callee_tail(ctx, node) in ("maximum", "clip_by_value", "clip", "relu", "softplus", "abs", "add",
                                           "tf1_add")
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return True  # x + eps (any added term keeps the gradient finite at x = 0)
    return False


class SqrtWithoutEpsilon(Rule):
    ID = "TFM203"
    TRIGGERS = ("sqrt",)
    NAME = "sqrt-without-epsilon"
    MESSAGE = "sqrt of a squared distance without an epsilon: NaN gradients at distance 0"
    RATIONALE = ("d/dx sqrt(x) = 1 / (2 sqrt(x)) is infinite at x = 0, so a Euclidean distance "
                 "sqrt(sum(square(a - b))) gives NaN gradients as soon as two embeddings coincide "
                 "(identical pairs, or collapsed towers) and the NaNs then spread to every weight. "
                 "FIX: sqrt(x + keras.config.epsilon()) (epsilon 1e-7): the gradient at 0 is "
                 "1 / (2 sqrt(1e-7)) ~ 1600, finite, and distances move by at most 3.2e-4. Not "
                 "keras.io's sqrt(maximum(x, epsilon)): maximum has gradient 0 below epsilon, so "
                 "towers whose initial embeddings all lie within 3e-4 of each other (small "
                 "initializers through several layers) never get a gradient and never train - "
                 "realworld evildj_expcontrastive with its shared towers and no dropout: "
                 "plain sqrt 0.916, maximum 0.696 (the loss never moves), + epsilon 0.888 pair "
                 "AUC; stonekong_margin fixed, 4 seeds: 0.667 +- 0.030 with maximum, 0.801 +- 0.014 "
                 "with + epsilon (legacy 0.701 +- 0.072). With --no-fixes the formula is kept and reported.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.SAFE
    APPLICABILITY_REASON = ('the gradient of sqrt at 0 is infinite: a distance of two identical '
                            'embeddings produces NaN - a numerical bug proven from the '
                            'expression. The cure adds keras.config.epsilon() (1e-7) to the '
                            'squared distance: a distance d becomes sqrt(d^2 + 1e-7), a change '
                            'of at most 3.2e-4, and the gradient stays finite and non-zero.')
    SEVERITY = Severity.WARNING
    ORDER = 50

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        call = self.ctx.parent(original)
        if not isinstance(call, cst.Call) or original.star or original.keyword is not None:
            return updated
        if next((a for a in call.args if a.keyword is None), None) is not original:
            return updated
        if not (qnames(self.ctx, call) & set(SQRT)):
            return updated
        value = original.value
        d = definition(self.ctx, value) if isinstance(value, cst.Name) else None
        inspected = d.value if d is not None and d.value is not None else value
        if is_guarded(self.ctx, value) or is_guarded(self.ctx, inspected) or not has_square(self.ctx, inspected):
            return updated
        src = code(call).strip()
        if not self.fixes_enabled:
            self.report(original, f"{src}: no epsilon under the square root (NaN gradients at "
                                  f"distance 0); use sqrt(x + keras.config.epsilon())")
            return updated
        self.ctx.add_import("keras")
        self.report(original, f"{src}: epsilon added under the square root "
                              f"(sqrt(x + keras.config.epsilon()))", fixed=True)
        return updated.with_changes(value=plus_epsilon(updated.value))

    VALID = [
        "import keras\nd = keras.ops.sqrt(keras.ops.maximum(s, keras.config.epsilon()))\n",
        "import keras\nd = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1) + 1e-6)\n",
        "import keras\nd = keras.ops.sqrt(variance)\n",
        "import keras\nd = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1) + keras.config.epsilon())\n",
    ]
    INVALID = [
        Case("import keras\nd = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1))\n",
             "import keras\nd = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), "
             "axis=1) + keras.config.epsilon())\n", ("TFM203",)),
        # an operand that binds looser than + keeps its parentheses
        Case("import keras\nd = keras.ops.sqrt(s if ok else t * t)\n",
             "import keras\nd = keras.ops.sqrt((s if ok else t * t) + keras.config.epsilon())\n", ("TFM203",)),
        Case("import keras\nd = keras.ops.sqrt((a - b) ** 2)\n",
             "import keras\nd = keras.ops.sqrt((a - b) ** 2 + keras.config.epsilon())\n", ("TFM203",)),
        Case("import keras\nd = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1))\n",
             None, ("TFM203",), fixes=False),
        Case("from keras import backend as K\n"
             "def euclid(v):\n"
             "    s = K.sum(K.square(v[0] - v[1]), axis=1, keepdims=True)\n"
             "    return K.sqrt(s)\n",
             "from keras import backend as K\nimport keras\n\n"
             "def euclid(v):\n"
             "    s = K.sum(K.square(v[0] - v[1]), axis=1, keepdims=True)\n"
             "    return K.sqrt(s + keras.config.epsilon())\n", ("TFM203",)),
        Case("import tensorflow as tf\nd = tf.sqrt(tf.reduce_sum((a - b) ** 2, 1))\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "d = tf.sqrt(tf.reduce_sum((a - b) ** 2, 1) + keras.config.epsilon())\n",
             ("TFM203",), todo=True),
    ]
