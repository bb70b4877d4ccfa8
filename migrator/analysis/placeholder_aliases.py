"""TFM225's pre-step: a local name standing for a model class's scalar placeholder attribute,
written as the attribute at its reads.

    def add_prediction_op(self):
        dropout_rate = self.dropout_placeholder        # the alias: removed
        ...
        h = tf.nn.dropout(h, keep_prob=dropout_rate)   # -> keep_prob=self.dropout_placeholder

TF1 semantics: the local is the same tensor object as the attribute (Python binds the name to
it), so every read of it is a read of ``self.<attr>``. The class analyses (TFM144: a keep
probability / training flag fed one constant per kind of run) look for the attribute where the
dropout or batch norm reads it; through the alias they saw an unknown local and kept the whole
class TF1. Only when nothing can tell the two apart: the attribute is a scalar placeholder the
class makes (no shape, or shape ``[]`` / ``()``), the local is bound once in its method - by the
alias statement, which carries no comment - and read only after it, outside nested functions,
and the method does not assign the attribute after the alias. A pure function of the module; no TensorFlow import.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes
from ..names import dotted
from .graph_datasets import tf_aliases


def _scalar_placeholder(value: cst.BaseExpression, tf: set[str]) -> bool:
    if not isinstance(value, cst.Call):
        return False
    d = dotted(value.func) or ""
    if d.split(".")[0] not in tf or d.rpartition(".")[2] not in ("placeholder", "placeholder_with_default"):
        return False
    pos = [a for a in value.args if a.keyword is None]
    shape = next((a.value for a in value.args if a.keyword is not None and a.keyword.value == "shape"), None)
    if shape is None and len(pos) >= 2:
        shape = pos[1].value
    if shape is None:
        return True
    return (isinstance(shape, (cst.List, cst.Tuple)) and not shape.elements) or (
        isinstance(shape, cst.Name) and shape.value == "None")


class ReplaceNames(cst.CSTTransformer):
    """Reads of the names in ``values`` written as their expressions (an attribute's name, a
    keyword and a parameter are not reads); the statements whose ids are in ``stmts`` (the
    aliases) removed, a block they emptied given ``pass``. Shared by the alias pre-steps."""

    def __init__(self, values: dict[str, cst.BaseExpression], stmts: set[int]) -> None:
        self.values, self.stmts = values, stmts

    def leave_Name(self, original, updated):
        v = self.values.get(original.value)
        return v.deep_clone() if v is not None else updated

    def leave_Attribute(self, original, updated):
        return updated.with_changes(attr=original.attr)

    def leave_Arg(self, original, updated):
        return updated.with_changes(keyword=original.keyword)

    def leave_Param(self, original, updated):
        return updated.with_changes(name=original.name)

    def leave_SimpleStatementLine(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.stmts else updated

    def leave_IndentedBlock(self, original, updated):
        if not updated.body:  # the alias was the block's only statement
            return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated


def _Method(aliases: dict[str, str], stmts: set[int], self_name: str) -> ReplaceNames:
    return ReplaceNames({n: cst.Attribute(cst.Name(self_name), cst.Name(a)) for n, a in aliases.items()}, stmts)


def _bindings(fn: cst.FunctionDef, name: str) -> int:
    n = 0
    for node in _nodes(fn):
        if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)):
            n += sum(1 for x in _nodes(node.target) if isinstance(x, cst.Name) and x.value == name)
        elif isinstance(node, (cst.For, cst.CompFor)):
            n += sum(1 for x in _nodes(node.target) if isinstance(x, cst.Name) and x.value == name)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            n += sum(1 for x in _nodes(node.asname.name) if isinstance(x, cst.Name) and x.value == name)
        elif isinstance(node, cst.Param) and node.name.value == name:
            n += 2  # a parameter: not an alias
        elif isinstance(node, (cst.Global, cst.Nonlocal, cst.Import, cst.ImportFrom, cst.Del)):
            if any(isinstance(x, cst.Name) and x.value == name for x in _nodes(node)):
                n += 2
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node is not fn and node.name.value == name:
            n += 2
    return n


def single_aliases(fn: cst.FunctionDef, value_ok, skip: set[str] = frozenset()) -> dict[str, cst.SimpleStatementLine]:
    """The local names of ``fn`` that stand for one value: ``name = <value>`` as a statement of its
    own (``value_ok(value, stmt)`` says which values), the name's only binding in ``fn`` (no
    parameter, ``global``, loop target...), no comment of the user's on the statement (it would
    go with it), read at least once, only after it and not in a nested function. Names in
    ``skip`` are left out. name -> the alias statement (a pre-step replaces the reads and drops it)."""
    order = {id(n): i for i, n in enumerate(_nodes(fn))}
    nested = {id(x) for n in _nodes(fn) if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef)) and n is not fn
              for x in _nodes(n)}
    out: dict[str, cst.SimpleStatementLine] = {}
    for st in _nodes(fn.body):
        if id(st) in nested or not isinstance(st, cst.SimpleStatementLine) or len(st.body) != 1:
            continue
        a = st.body[0]
        if not (isinstance(a, cst.Assign) and len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)
                and value_ok(a.value, st)):
            continue
        name = a.targets[0].target.value
        if name in skip or name in out or _bindings(fn, name) != 1:
            continue
        if st.trailing_whitespace.comment is not None or any(e.comment is not None for e in st.leading_lines):
            continue  # a comment of the user's would go with the statement
        target = a.targets[0].target
        reads = [n for n in _nodes(fn) if isinstance(n, cst.Name) and n.value == name and n is not target]
        if not reads or any(id(r) in nested or order[id(r)] < order[id(st)] for r in reads):
            continue
        out[name] = st
    return out


def _plan_method(fn: cst.FunctionDef, attrs: set[str]) -> tuple[dict[str, str], set[int]] | None:
    ps = fn.params.params
    if not ps or not isinstance(fn.body, cst.IndentedBlock):
        return None
    me = ps[0].name.value
    order = {id(n): i for i, n in enumerate(_nodes(fn))}
    assigned: dict[str, int] = {}  # attribute -> the last position the method assigns it at
    for t in _nodes(fn):
        if isinstance(t, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)):
            for x in _nodes(t.target):
                if isinstance(x, cst.Attribute) and isinstance(x.value, cst.Name) and x.value.value == me:
                    assigned[x.attr.value] = max(assigned.get(x.attr.value, -1), order[id(t)])

    def of_attr(v: cst.BaseExpression, st: cst.CSTNode) -> bool:
        return isinstance(v, cst.Attribute) and isinstance(v.value, cst.Name) and v.value.value == me \
            and v.attr.value in attrs and assigned.get(v.attr.value, -1) < order[id(st)]

    found = single_aliases(fn, of_attr, {me})
    if not found:
        return None
    return {n: st.body[0].value.attr.value for n, st in found.items()}, {id(st) for st in found.values()}


def inline_placeholder_aliases(module: cst.Module) -> cst.Module | None:
    tf = set(tf_aliases(module))
    if not tf:
        return None
    changed = False

    class Classes(cst.CSTTransformer):
        def leave_ClassDef(self, original, updated):
            nonlocal changed
            if not isinstance(updated.body, cst.IndentedBlock):
                return updated
            methods = [m for m in updated.body.body if isinstance(m, cst.FunctionDef)]
            attrs = set()
            for m in methods:
                ps = m.params.params
                me = ps[0].name.value if ps else None
                for n in _nodes(m):
                    if isinstance(n, cst.Assign) and _scalar_placeholder(n.value, tf):
                        for t in n.targets:
                            x = t.target
                            if isinstance(x, cst.Attribute) and isinstance(x.value, cst.Name) and x.value.value == me:
                                attrs.add(x.attr.value)
            if not attrs:
                return updated
            body = []
            for st in updated.body.body:
                plan = _plan_method(st, attrs) if isinstance(st, cst.FunctionDef) else None
                if plan is not None:
                    st = st.visit(_Method(*plan, st.params.params[0].name.value))
                    changed = True
                body.append(st)
            return updated.with_changes(body=updated.body.with_changes(body=body))

    new = module.visit(Classes())
    return new if changed else None
