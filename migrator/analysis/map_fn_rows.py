"""Per-row reductions of a masked row written with ``tf.map_fn`` (rule TFM182's pre-step): a pure
function of the source.

The form (batch-hard triplet mining, one anchor per pass, the function closing over tensors of
the graph)::

    def hardest_positive(i):
        return tf.reduce_max(tf.boolean_mask(dist[i], pos_mask[i]))     # or: v = boolean_mask(..)
    hard_pos = tf.map_fn(hardest_positive, tf.range(n), dtype=tf.float32)   # return reduce_max(v)

(or a ``lambda i: ...`` of the same body). TF1 semantics: pass ``i`` reduces the elements of row
``i`` of ``dist`` where row ``i`` of the mask is true; an empty selection reduces to the identity
(max: -inf, min: +inf, sum: 0). ``rewrite_map_fn_rows`` writes the same values with masks over
the whole matrix, in TF1 ops the rule pass translates (keras.ops.where / max / min / sum)::

    hard_pos = tf.reduce_max(tf.where(pos_mask, dist, tf.ones_like(dist) * float('-inf')), axis=1)[:n]

``[:n]`` keeps rows 0..n-1 as ``tf.range(n)`` did; any other index tensor ``idx`` is
``tf.gather(<rows>, idx)``. The gradient is TF1's too: the maximum's (ties split equally) reaches
the same element of ``dist``, the masked-out ones get none. The function goes when the map_fn
was its only use.

Declined (kept; TFM130 marks it with why): a body doing anything else, a mask / matrix that is
not a name indexed by the pass variable alone, a reduction other than reduce_max / reduce_min /
reduce_sum over the whole selection, other map_fn arguments (several sequences, an initializer).
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes  # pre-order, memoised children

_IDENTITY = {"reduce_max": "tf.ones_like({a}) * float('-inf')", "reduce_min": "tf.ones_like({a}) * float('inf')",
             "reduce_sum": "tf.zeros_like({a})"}
_MAP_ARGS = ("fn", "elems", "dtype")
_ALLOWED_KW = {"dtype", "parallel_iterations", "back_prop", "name", "fn_output_signature"}


def _tf_call(node: cst.CSTNode, name: str) -> bool:
    """``tf.<name>(...)`` (any module alias ending in ``<name>``: tf, tf.compat.v1)."""
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == name \
        and isinstance(node.func.value, (cst.Name, cst.Attribute))


def _row(node: cst.BaseExpression, var: str) -> str | None:
    """``A[i]`` -> 'A'."""
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and len(node.slice) == 1 \
            and isinstance(node.slice[0].slice, cst.Index) and isinstance(node.slice[0].slice.value, cst.Name) \
            and node.slice[0].slice.value.value == var:
        return node.value.value
    return None


def _reduction(stmts: list, var: str) -> tuple[str, str, str] | None:
    """The body's (reduction, matrix, mask) names, or None."""
    bound: dict[str, cst.BaseExpression] = {}
    for s in stmts[:-1]:
        if not (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign)
                and len(s.body[0].targets) == 1 and isinstance(s.body[0].targets[0].target, cst.Name)):
            return None
        bound[s.body[0].targets[0].target.value] = s.body[0].value
    last = stmts[-1] if stmts else None
    if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1 and isinstance(last.body[0], cst.Return)
            and last.body[0].value is not None):
        return None
    return _expr_reduction(last.body[0].value, var, bound) if len(bound) <= 1 else None


def _expr_reduction(e: cst.BaseExpression, var: str, bound: dict) -> tuple[str, str, str] | None:
    red = next((r for r in _IDENTITY if _tf_call(e, r)), None)
    if red is None or len(e.args) != 1 or e.args[0].keyword is not None or e.args[0].star:
        return None
    inner = e.args[0].value
    if isinstance(inner, cst.Name) and inner.value in bound:
        inner = bound[inner.value]
    elif bound:
        return None
    if not _tf_call(inner, "boolean_mask") or len(inner.args) != 2 or any(a.keyword is not None and a.keyword.value
                                                                          not in ("tensor", "mask") for a in inner.args):
        return None
    args = {(a.keyword.value if a.keyword else ("tensor", "mask")[k]): a.value for k, a in enumerate(inner.args)}
    if set(args) != {"tensor", "mask"}:
        return None
    a, m = _row(args["tensor"], var), _row(args["mask"], var)
    if a is None or m is None:
        return None
    return red, a, m


def _map_args(call: cst.Call) -> dict | None:
    out = {}
    for k, a in enumerate(call.args):
        if a.star:
            return None
        key = a.keyword.value if a.keyword is not None else (_MAP_ARGS[k] if k < 2 else None)
        if key is None or (key not in ("fn", "elems") and key not in _ALLOWED_KW):
            return None
        out[key] = a.value
    return out if "fn" in out and "elems" in out else None


def _shapes(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """Names bound once in the file to ``tf.shape(t)[k]`` (inlined as a count: a name of the
    program would otherwise be one more tensor the loss reads)."""
    count: dict[str, int] = {}
    value: dict[str, cst.BaseExpression] = {}
    for n in _nodes(module):
        if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
            for x in _nodes(n.target):
                if isinstance(x, cst.Name):
                    count[x.value] = count.get(x.value, 0) + 1
        if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Name) \
                and isinstance(n.value, cst.Subscript) and _tf_call(n.value.value, "shape"):
            value[n.targets[0].target.value] = n.value
    return {k: v for k, v in value.items() if count.get(k) == 1}


def _rows_expr(red: str, a: str, m: str, elems: cst.BaseExpression, module: cst.Module) -> cst.BaseExpression:
    ident = _IDENTITY[red].format(a=a)
    rows = f"tf.{red}(tf.where({m}, {a}, {ident}), axis=1)"
    if _tf_call(elems, "range") and len(elems.args) == 1 and elems.args[0].keyword is None:
        count = elems.args[0].value
        if isinstance(count, cst.Name):
            count = _shapes(module).get(count.value, count)
        n = module.code_for_node(count)
        return cst.parse_expression(f"{rows}[:{n}]")
    return cst.parse_expression(f"tf.gather({rows}, {module.code_for_node(elems)})")


class _Scopes(cst.CSTVisitor):
    """The function each one-parameter def is defined in (None: the module)."""

    def __init__(self) -> None:
        self.stack: list = [None]
        self.where: dict[str, int | None] = {}

    def visit_FunctionDef(self, node):
        self.where[node.name.value] = id(self.stack[-1]) if self.stack[-1] is not None else None
        self.stack.append(node)

    def leave_FunctionDef(self, node):
        self.stack.pop()


class _Rewrite(cst.CSTTransformer):
    def __init__(self, module: cst.Module, defs: dict, where: dict) -> None:
        self.module, self.defs, self.where = module, defs, where
        self.used: set[str] = set()
        self.stack: list = [None]

    def visit_FunctionDef(self, node):
        self.stack.append(node)

    def leave_FunctionDef(self, original, updated):
        self.stack.pop()
        return updated

    def leave_Call(self, original, updated):
        if not _tf_call(original, "map_fn"):
            return updated
        args = _map_args(original)
        if args is None:
            return updated
        fn = args["fn"]
        found = None
        here = id(self.stack[-1]) if self.stack[-1] is not None else None
        if isinstance(fn, cst.Name) and fn.value in self.defs and self.where.get(fn.value, -1) == here:
            found = self.defs[fn.value]  # defined in the map_fn's own scope: its closure reads the same names
        elif isinstance(fn, cst.Lambda) and len(fn.params.params) == 1 and not fn.params.kwonly_params \
                and not isinstance(fn.params.star_arg, cst.Param) and fn.params.star_kwarg is None:
            found = _expr_reduction(fn.body, fn.params.params[0].name.value, {})
        if found is None:
            return updated
        if isinstance(fn, cst.Name):
            self.used.add(fn.value)
        if any(isinstance(n, cst.Call) for n in _nodes(args["elems"])) and not _tf_call(args["elems"], "range"):
            return updated  # an index tensor computed in place: gather reads it once, map_fn once too - kept simple
        return _rows_expr(*found, args["elems"], self.module)


class _DropDefs(cst.CSTTransformer):
    def __init__(self, names: set[str]) -> None:
        self.names = names

    def leave_FunctionDef(self, original, updated):
        return cst.RemoveFromParent() if original.name.value in self.names else updated


def rewrite_map_fn_rows(module: cst.Module) -> cst.Module | None:
    defs: dict[str, tuple[str, str, str]] = {}
    count: dict[str, int] = {}
    for n in _nodes(module):
        if isinstance(n, cst.FunctionDef):
            count[n.name.value] = count.get(n.name.value, 0) + 1
            p = n.params
            if len(p.params) == 1 and not p.kwonly_params and not isinstance(p.star_arg, cst.Param) \
                    and p.star_kwarg is None and not n.decorators and isinstance(n.body, cst.IndentedBlock):
                found = _reduction(list(n.body.body), p.params[0].name.value)
                if found is not None:
                    defs[n.name.value] = found
    defs = {k: v for k, v in defs.items() if count[k] == 1}
    if not any(_tf_call(n, "map_fn") for n in _nodes(module)):
        return None
    scopes = _Scopes()
    module.visit(scopes)
    rw = _Rewrite(module, defs, scopes.where)
    new = module.visit(rw)
    if new.deep_equals(module):
        return None
    # a function whose only read was a rewritten map_fn goes with it
    gone = {name for name in rw.used  # the def's own name is its one Name left
            if sum(1 for n in _nodes(new) if isinstance(n, cst.Name) and n.value == name) == 1}
    return new.visit(_DropDefs(gone)) if gone else new
