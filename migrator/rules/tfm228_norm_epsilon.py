"""TFM228: the Euclidean norm of a difference (a distance) without an epsilon -> sqrt(sum + epsilon)."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..args import BoundArgs
from ..emit import code, expr, literal
from ..analysis.siamese import definition, qnames
from .base import Case, Rule
from ..translate.encoder import plus_epsilon

NORMS = {"tensorflow.norm": "tensor, ord='euclidean', axis=None, keepdims=None, name=None, keep_dims=None",
         "tensorflow.linalg.norm": "tensor, ord='euclidean', axis=None, keepdims=None, name=None, keep_dims=None",
         "keras.ops.norm": "x, ord=None, axis=None, keepdims=False",
         "keras.ops.numpy.norm": "x, ord=None, axis=None, keepdims=False"}
SUBTRACT = ("tensorflow.subtract", "tensorflow.math.subtract", "tensorflow.sub", "keras.ops.subtract",
            "keras.ops.numpy.subtract")


def _difference(ctx, node: cst.BaseExpression, depth: int = 0) -> bool:
    """``a - b`` / ``tf.subtract(a, b)``, or a name bound to one (the distance's operand)."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Subtract):
        return True
    if isinstance(node, cst.Call) and qnames(ctx, node) & set(SUBTRACT):
        return True
    if isinstance(node, cst.Name) and depth == 0:
        d = definition(ctx, node)
        return d is not None and d.value is not None and _difference(ctx, d.value, 1)
    return False


def _one_axis(node: cst.BaseExpression | None) -> bool:
    v = literal(node, None) if node is not None else None
    return isinstance(v, int) and not isinstance(v, bool)


class NormWithoutEpsilon(Rule):
    ID = "TFM228"
    TRIGGERS = ("norm",)
    NAME = "norm-without-epsilon"
    MESSAGE = "Euclidean norm of a difference without an epsilon: NaN gradients at distance 0"
    RATIONALE = ("tf.norm(a - b, axis=1) is sqrt(sum(square(a - b))): its gradient is (a - b) / norm, 0 / 0 "
                 "= NaN when the two embeddings coincide (a pair of one image with itself, collapsed "
                 "towers), and the NaN then spreads to every weight - the same cause as TFM203's sqrt, "
                 "hidden inside the norm (keras.ops.norm has the same gradient). FIX: the norm written "
                 "as keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=..) + "
                 "keras.config.epsilon()): the gradient at 0 is finite and a distance moves by at most "
                 "3.2e-4. Fixture real_sweep/norm_distance_pairs.py (positive partners drawn from the "
                 "class, the image itself included; a hinge loss on the distance itself): legacy and "
                 "faithful pair AUC 0.500 (NaN distances), fixed 0.942. A norm squared where it is "
                 "computed (tf.square(tf.norm(..)), ** 2) has the gradient 2 (a - b), measured 0 at "
                 "distance 0 in TF1 and Keras 3: left alone. Only a single-axis Euclidean norm (ord "
                 "default / 'euclidean' / 2) of a difference; with --no-fixes the norm is kept and "
                 "reported.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.SAFE
    APPLICABILITY_REASON = ("the gradient of the Euclidean norm at 0 is 0 / 0: a distance of two "
                            "identical embeddings produces NaN - a numerical bug proven from the "
                            "expression. The cure adds keras.config.epsilon() (1e-7) under the square "
                            "root: a distance d becomes sqrt(d^2 + 1e-7), a change of at most 3.2e-4.")
    SEVERITY = Severity.WARNING
    ORDER = 150  # replaces the (translated) norm call as a whole

    def leave_Call(self, original: cst.Call, updated: cst.BaseExpression) -> cst.BaseExpression:
        q = next(iter(qnames(self.ctx, original) & set(NORMS)), None)
        if q is None or any(a.star for a in original.args):
            return updated
        try:
            b = BoundArgs(original, NORMS[q], original)
        except Exception:
            return updated
        x, ord_ = b.orig(next(iter(b.params))), b.orig("ord") if b.given("ord") else None
        if not _one_axis(b.orig("axis") if b.given("axis") else None) \
                or (ord_ is not None and literal(ord_, None) not in ("euclidean", 2, None)) \
                or not _difference(self.ctx, x) or self._squared(original):
            return updated
        src = code(original).strip()
        keras_norm = isinstance(updated, cst.Call) and code(updated.func).strip() == "keras.ops.norm" \
            and updated.args and updated.args[0].keyword is None
        if not self.fixes_enabled or not keras_norm:
            why = "" if keras_norm or not self.fixes_enabled else "; not fixed: the norm is not translated"
            self.report(original, f"{src}: no epsilon under the norm's square root (NaN gradients at "
                                  f"distance 0); use sqrt(sum(square(x)) + keras.config.epsilon()){why}")
            return updated
        keep = None
        for kw in ("keepdims", "keep_dims"):
            if kw in b.params and b.given(kw):
                keep = literal(b.orig(kw), None)
                if keep not in (True, False):
                    return updated
        axis = next((a.value for a in updated.args if a.keyword is not None and a.keyword.value == "axis"), None)
        if axis is None:
            return updated
        template = "keras.ops.sum(keras.ops.square({x}), axis={axis}" + (", keepdims=True)" if keep else ")")
        total = expr(template, x=updated.args[0].value, axis=axis)
        self.ctx.add_import("keras")
        self.report(original, f"{src}: written as sqrt(sum(square(x)) + keras.config.epsilon())", fixed=True)
        return expr("keras.ops.sqrt({s})", s=plus_epsilon(total))

    def _squared(self, node: cst.Call) -> bool:
        """The norm is only squared where it is computed (``tf.square(tf.norm(d, axis=1))``, ``** 2``,
        ``tf.pow(.., 2)``): its gradient there is 2 (a - b), measured 0 at distance 0 (TF1 and Keras
        3) - no NaN to cure."""
        parent = self.ctx.parent(node)
        if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Power) \
                and parent.left is node and literal(parent.right, None) == 2:
            return True
        arg = parent if isinstance(parent, cst.Arg) else None
        call = self.ctx.parent(arg) if arg is not None else None
        if not isinstance(call, cst.Call) or call.args[0] is not arg:
            return False
        tail = (self.ctx.legacy_name(call) or code(call.func).strip()).rsplit(".", 1)[-1]
        return tail == "square" or (tail in ("pow", "power") and len(call.args) == 2
                                    and literal(call.args[1].value, None) == 2)

    VALID = [
        # a norm of one tensor (not a distance), a matrix norm, an L1 norm
        "import tensorflow as tf\nn = tf.norm(w, axis=1)\n",
        "import keras\nn = keras.ops.norm(a - b, ord=1, axis=1)\n",
        "import keras\nn = keras.ops.norm(a - b)\n",
        # squared where it is computed: no NaN at 0
        "import keras\nn = keras.ops.square(keras.ops.norm(a - b, axis=1))\n",
        "import tensorflow as tf\nn = tf.norm(a - b, ord=2, axis=-1) ** 2\n",
    ]
    INVALID = [
        Case("import keras\nd = keras.ops.norm(a - b, axis=1)\n",
             "import keras\nd = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1) + "
             "keras.config.epsilon())\n", ("TFM228",)),
        Case("import keras\ndiff = keras.ops.subtract(a, b)\nd = keras.ops.norm(diff, axis=-1, keepdims=True)\n",
             "import keras\ndiff = keras.ops.subtract(a, b)\nd = keras.ops.sqrt(keras.ops.sum(keras.ops.square(diff), "
             "axis=-1, keepdims=True) + keras.config.epsilon())\n", ("TFM228",)),
        Case("import keras\nd = keras.ops.norm(a - b, axis=1)\n", None, ("TFM228",), fixes=False),
    ]
