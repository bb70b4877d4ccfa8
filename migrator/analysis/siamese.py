"""Shared support for the Siamese (TFM2xx) and collapse-cause (TFM3xx) rules.

These rules look at legacy code (tflearn, TF1, Keras 2) AND at code that is already Keras 3,
so names are matched with every qualified name libcst resolves (``keras.*`` included), not
only the legacy roots of ``ctx.legacy_name``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

import libcst as cst

from ..cstcache import walk  # pre-order, memoised children
from .flow import Flow
from ..args import BoundArgs, Unbindable
from ..emit import literal
from ..names import canonical, dotted

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileContext

_MISSING = object()


def qnames(ctx: "FileContext", node: cst.CSTNode) -> set[str]:
    """Canonical qualified names of an ORIGINAL Name/Attribute/Call (any root).
    ``tensorflow.keras.X`` and ``keras.X`` are both reported as ``keras.X`` too."""
    try:
        names = set(ctx.qualified(node))
    except RuntimeError:
        return set()
    out = set(names)
    for n in names:
        for prefix in ("tensorflow.keras.", "tensorflow.python.keras.", "tf_keras."):
            if n.startswith(prefix):
                out.add("keras." + n[len(prefix):])
    return {canonical(n) for n in out}


def matches(ctx: "FileContext", node: cst.CSTNode, names: Iterable[str]) -> str | None:
    """The first of ``names`` that ``node`` resolves to (None otherwise)."""
    q = qnames(ctx, node)
    for n in names:
        if n in q:
            return n
    return None


def bound_param(call: cst.Call, arg: cst.Arg, signature: str) -> str | None:
    """The parameter of ``signature`` that ``arg`` of ``call`` binds to."""
    try:
        b = BoundArgs(call, signature)
    except Unbindable:
        return None
    for name, node in b.nodes.items():
        if node is arg.value:
            return name
    return None


def resolve_literal(ctx: "FileContext", node: cst.BaseExpression, default: Any = None) -> Any:
    """Python value of a literal, or of a Name bound (once, in the same function or at module
    level) to a literal: ``LEARNING_RATE = 0.1``."""
    val = literal(node, _MISSING)
    if val is not _MISSING:
        return val
    if not isinstance(node, cst.Name):
        return default
    flow: Flow = ctx.analysis(Flow)
    try:
        d = flow.def_of(node.value, node)
    except Exception:
        d = None
    if d is None:
        mod = flow.scopes.get(id(ctx.module))
        defs = mod.by_name.get(node.value, []) if mod is not None else []
        if len(defs) != 1:
            return default
        d = defs[0]
    elif len(d.scope.by_name.get(node.value, [])) != 1:
        return default
    if d.value is None:
        return default
    return literal(d.value, default)


def definition(ctx: "FileContext", node: cst.BaseExpression):
    """The Flow definition of a Name (same scope, else the single module-level binding)."""
    if not isinstance(node, cst.Name):
        return None
    flow: Flow = ctx.analysis(Flow)
    try:
        d = flow.def_of(node.value, node)
    except Exception:
        d = None
    if d is None:
        mod = flow.scopes.get(id(ctx.module))
        defs = mod.by_name.get(node.value, []) if mod is not None else []
        d = defs[0] if len(defs) == 1 else None
    return d


def name_text(node: cst.BaseExpression) -> str | None:
    """``keep_prob`` / ``self.keep_prob`` / ``cfg['keep_prob']`` -> the identifier-ish text."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        return dotted(node)
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        idx = node.slice[0].slice
        if isinstance(idx, cst.Index):
            key = literal(idx.value, None)
            if isinstance(key, str):
                return key
    return None


# ---------------------------------------------------------------------------------------
# distances (TFM204, TFM305)
# ---------------------------------------------------------------------------------------

def tail(ctx: "FileContext", call: cst.Call) -> str:
    """The last component of a call's qualified name (``tf.reduce_sum`` -> ``reduce_sum``)."""
    q = sorted(qnames(ctx, call))
    if q:
        return q[0].rsplit(".", 1)[-1]
    f = call.func
    if isinstance(f, cst.Attribute):
        return f.attr.value
    return f.value if isinstance(f, cst.Name) else ""


def _squares_difference(ctx, n: cst.CSTNode) -> bool:
    """square(a - b), abs(a - b), (a - b) ** 2."""
    if isinstance(n, cst.Call) and n.args and tail(ctx, n) in ("square", "abs", "absolute"):
        return isinstance(n.args[0].value, cst.BinaryOperation) and isinstance(n.args[0].value.operator, cst.Subtract)
    if isinstance(n, cst.BinaryOperation) and isinstance(n.operator, cst.Power):
        return isinstance(n.left, cst.BinaryOperation) and isinstance(n.left.operator, cst.Subtract)
    return False


_AGGREGATES = ("reduce_sum", "sum", "norm", "sqrt", "reduce_mean", "mean")
_DISTANCE_WORDS = ("dist", "euclid")
_SIMILARITIES = ("exp", "sigmoid", "tanh", "softmax")


def distance_kind(ctx: "FileContext", node: cst.BaseExpression, depth: int = 0) -> str | None:
    """"squared" (sum of squared differences), "euclidean"/"l1" (a distance) or None.

    Follows a Name to its definition; recognises per-pair aggregates of a difference
    (``reduce_sum(square(a - b), 1)``, ``sqrt(...)``, ``norm(a - b)``) and calls of functions
    whose name says distance (``euclidean_distance(...)``, ``Lambda(euclidean_distance)``)."""
    if depth > 5:
        return None
    if isinstance(node, cst.Call) and tail(ctx, node) in _SIMILARITIES:
        return None  # exp(-d), sigmoid(d): a similarity in (0, 1], not a distance (MaLSTM)
    if isinstance(node, cst.Name):
        d = definition(ctx, node)
        if d is not None and d.value is not None:
            return distance_kind(ctx, d.value, depth + 1)
        return None
    nodes = list(walk(node))
    calls = [n for n in nodes if isinstance(n, cst.Call)]
    tails = {tail(ctx, c) for c in calls}
    has_diff = any(_squares_difference(ctx, n) for n in nodes)
    if any(tail(ctx, c) == "norm" and c.args and isinstance(c.args[0].value, cst.BinaryOperation)
           and isinstance(c.args[0].value.operator, cst.Subtract) for c in calls):
        return "euclidean"
    if has_diff and tails & {"reduce_sum", "sum", "sqrt"}:
        squared = any((isinstance(n, cst.Call) and tail(ctx, n) == "square") or (
            isinstance(n, cst.BinaryOperation) and isinstance(n.operator, cst.Power)) for n in nodes)
        if "sqrt" in tails:
            return "euclidean"
        return "squared" if squared else "l1"
    for c in calls:
        parts = [c.func] + ([c.args[0].value] if tail(ctx, c) == "Lambda" and c.args else [])
        for part in parts:
            text = (dotted(part) or "").lower()
            if any(w in text.rsplit(".", 1)[-1] for w in _DISTANCE_WORDS):
                return "euclidean"
    return None


def label_convention(ctx: "FileContext") -> str:
    """How the file builds its pair labels: "==" when some label is computed with ``==``
    (1 = same), else "assumed" (1 = same, seed 002's convention, stated in the report)."""
    for n in walk(ctx.module):
        if isinstance(n, cst.Comparison) and any(isinstance(t.operator, cst.Equal) for t in n.comparisons):
            return "=="
    return "assumed"


CONTRASTIVE_HELPER = "contrastive_loss"
CONTRASTIVE_MARGIN = 1.0


def _register_contrastive() -> None:
    from ..helpers import register_source

    # helper_src/fixes.py; its margin default is CONTRASTIVE_MARGIN (tests/test_helper_src.py)
    register_source("fixes", CONTRASTIVE_HELPER)


_register_contrastive()


def compiled_distance_model(ctx: "FileContext", compile_call: cst.Call) -> str | None:
    """For ``model.compile(...)``: the distance kind of the model's output when ``model =
    keras.Model(inputs, <a distance>)`` (a Lambda of a distance function, a sqrt/sum of a
    squared difference...); None otherwise."""
    f = compile_call.func
    if not (isinstance(f, cst.Attribute) and f.attr.value == "compile" and isinstance(f.value, cst.Name)):
        return None
    d = definition(ctx, f.value)
    if d is None or not isinstance(d.value, cst.Call) or tail(ctx, d.value) not in ("Model", "Functional"):
        return None
    outputs = next((a.value for a in d.value.args if a.keyword is not None and a.keyword.value == "outputs"), None)
    if outputs is None:
        pos = [a for a in d.value.args if a.keyword is None]
        outputs = pos[1].value if len(pos) > 1 else None
    return distance_kind(ctx, outputs) if outputs is not None else None


def loss_family(node: cst.BaseExpression) -> str | None:
    """"bce" / "regression" / None for a Keras loss argument."""
    val = literal(node, None)
    text = (val if isinstance(val, str) else (dotted(node.func) if isinstance(node, cst.Call) else dotted(node)) or "")
    text = text.rsplit(".", 1)[-1].lower()
    if text in ("binary_crossentropy", "binarycrossentropy", "bce", "binary_focal_crossentropy",
                "binaryfocalcrossentropy"):
        return "bce"
    if text in ("mse", "mae", "mean_squared_error", "mean_absolute_error", "meansquarederror",
                "meanabsoluteerror", "huber", "log_cosh", "logcosh"):
        return "regression"
    return None
