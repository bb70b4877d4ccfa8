"""Towers kept in a list built by a loop or a comprehension (rule TFM177's pre-step): a pure
function of the source.

The forms (one builder applied to each input, its outputs kept in a list)::

    outs = [net(x) for x in (x1, x2)]          # a comprehension over a literal tuple / list
    o1, o2 = [net(x) for x in (x1, x2)]        # ... unpacked
    outs = []                                  # a loop appending, the statement just before it
    for x in (x1, x2):                         # ``outs = []``
        outs.append(net(x))

TF1 semantics: the loop runs its body once per item, in order; each pass builds the graph the
statement would build with the item in place of the loop variable. ``unroll_tower_lists``
writes the same program with one named statement per item::

    outs_0 = net(x1)
    outs_1 = net(x2)

and every read of the list by a constant index (``outs[1]``) becomes that name; any other read
of the list becomes the list of names (``tf.concat(outs, 1)`` -> ``tf.concat([outs_0, outs_1], 1)``).
The session-program and Siamese rules then see named towers (TFM140, TFM201, TFM205).

Declined (the statement stays as written): an iterable that is not a literal tuple / list of
names, attributes or subscripts; a comprehension with ``if`` clauses or several ``for``; a
loop body other than the one ``append``; a list bound or changed elsewhere in its scope, read by
a nested function, or indexed by a non-constant or out of range; a loop variable read after the
loop; a name ``<list>_<k>`` already used in the file.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes  # pre-order, memoised children

_ITEMS = (cst.Name, cst.Attribute, cst.Subscript)


def _items(it: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    if isinstance(it, (cst.Tuple, cst.List)) and len(it.elements) >= 2 and all(
            isinstance(e, cst.Element) and isinstance(e.value, _ITEMS) for e in it.elements):
        return [e.value for e in it.elements]
    return None


class _Substitute(cst.CSTTransformer):
    def __init__(self, name: str, value: cst.BaseExpression) -> None:
        self.name, self.value = name, value

    def leave_Name(self, original, updated):
        return self.value.deep_clone() if original.value == self.name else updated

    def leave_Attribute(self, original, updated):
        return updated.with_changes(attr=original.attr)  # ``y.x``: an attribute name, not the variable

    def leave_Arg(self, original, updated):
        return updated.with_changes(keyword=original.keyword)  # ``f(x=x)``: the keyword stays


def _comp(value: cst.BaseExpression) -> tuple[str, cst.BaseExpression, list] | None:
    """``[E for x in (a, b)]`` -> ('x', E, [a, b])."""
    if not isinstance(value, cst.ListComp):
        return None
    f = value.for_in
    if f.inner_for_in is not None or f.ifs or f.asynchronous is not None or not isinstance(f.target, cst.Name):
        return None
    items = _items(f.iter)
    if items is None:
        return None
    return f.target.value, value.elt, items


def _builds(elt: cst.BaseExpression, defined: set[str]) -> bool:
    """``elt`` calls a function (or ``self.<method>``) the file defines: a builder, whose graph
    the rules must see per input - the only lists this pre-step unrolls."""
    for n in _nodes(elt):
        if isinstance(n, cst.Call):
            f = n.func
            if isinstance(f, cst.Name) and f.value in defined:
                return True
            if isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.value.value == "self" \
                    and f.attr.value in defined:
                return True
    return False


def _unrolled(var: str, elt: cst.BaseExpression, items: list, defined: set[str]
              ) -> list[cst.BaseExpression] | None:
    if not _builds(elt, defined):
        return None
    if any(isinstance(n, (cst.Lambda, cst.ListComp, cst.GeneratorExp, cst.DictComp, cst.SetComp))
           for n in _nodes(elt)):
        return None  # a nested scope may bind the loop variable again
    if not any(isinstance(n, cst.Name) and n.value == var for n in _nodes(elt)):
        return None
    return [elt.visit(_Substitute(var, it)) for it in items]


def _assign(target: "str | cst.BaseAssignTargetExpression", value: cst.BaseExpression, leading=()
            ) -> cst.SimpleStatementLine:
    t = cst.Name(target) if isinstance(target, str) else target.deep_clone()
    return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(t)], value)], leading_lines=list(leading))


def _single_assign(s: cst.CSTNode) -> cst.Assign | None:
    if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign) \
            and len(s.body[0].targets) == 1:
        return s.body[0]
    return None


def _append_loop(s: cst.CSTNode, lst: str) -> tuple[str, cst.BaseExpression, list] | None:
    """``for x in (a, b): lst.append(E)`` -> ('x', E, [a, b])."""
    if not isinstance(s, cst.For) or s.orelse is not None or s.asynchronous is not None \
            or not isinstance(s.target, cst.Name) or not isinstance(s.body, cst.IndentedBlock) \
            or len(s.body.body) != 1:
        return None
    items = _items(s.iter)
    inner = s.body.body[0]
    if items is None or not isinstance(inner, cst.SimpleStatementLine) or len(inner.body) != 1:
        return None
    e = inner.body[0]
    if not isinstance(e, cst.Expr) or not isinstance(e.value, cst.Call):
        return None
    c = e.value
    if not (isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name) and c.func.value.value == lst
            and c.func.attr.value == "append" and len(c.args) == 1 and c.args[0].keyword is None
            and not c.args[0].star):
        return None
    return s.target.value, c.args[0].value, items


class _Reads(cst.CSTTransformer):
    """Reads of list ``lst`` -> its names (``lst[k]`` -> ``lst_k``, else ``[lst_0, lst_1]``)."""

    def __init__(self, lst: str, names: list[str]) -> None:
        self.lst, self.names = lst, names
        self.ok = True

    def leave_Subscript(self, original, updated):
        if isinstance(original.value, cst.Name) and original.value.value == self.lst:
            k = _index(original)
            if k is not None and -len(self.names) <= k < len(self.names):
                return cst.Name(self.names[k])
        return updated

    def leave_Name(self, original, updated):
        if original.value == self.lst:
            return cst.List([cst.Element(cst.Name(n)) for n in self.names])
        return updated


def _index(sub: cst.Subscript) -> int | None:
    if len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Index):
        return None
    v = sub.slice[0].slice.value
    neg = False
    if isinstance(v, cst.UnaryOperation) and isinstance(v.operator, cst.Minus):
        v, neg = v.expression, True
    if isinstance(v, cst.Integer):
        return -int(v.value) if neg else int(v.value)
    return None


def _list_uses_ok(rest: list[cst.CSTNode], lst: str, n: int) -> bool:
    """``lst`` is only read after its definition in ``rest`` (never bound, changed, read by a
    nested function, or indexed by a non-constant / out-of-range index)."""
    for s in rest:
        nested = {id(x) for d in _nodes(s) if isinstance(d, (cst.FunctionDef, cst.Lambda, cst.ClassDef))
                  for x in _nodes(d)}
        for node in _nodes(s):
            if isinstance(node, cst.Name) and node.value == lst and id(node) in nested:
                return False
            if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del, cst.For, cst.CompFor,
                                 cst.WithItem)):
                target = getattr(node, "target", None) or getattr(node, "asname", None)
                if target is not None and any(isinstance(x, cst.Name) and x.value == lst for x in _nodes(target)):
                    return False
            if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == lst:
                return False  # lst.append / lst.extend ...: the list changes
            if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and node.value.value == lst:
                k = _index(node)
                if k is None or not -n <= k < n:
                    return False
    return True


def _rewrite_block(body: list, taken: "_Taken", defined: set[str]) -> list | None:
    out: list = []
    changed = False
    i = 0
    while i < len(body):
        s = body[i]
        a = _single_assign(s)
        new: list | None = None
        consumed = 1
        if a is not None and isinstance(a.targets[0].target, cst.Tuple) and _comp(a.value) is not None:
            var, elt, items = _comp(a.value)
            targets = [e.value for e in a.targets[0].target.elements
                       if isinstance(e, cst.Element) and isinstance(e.value, (cst.Name, cst.Attribute))]
            vals = _unrolled(var, elt, items, defined)
            if vals is not None and len(targets) == len(items) == len(a.targets[0].target.elements):
                new = [_assign(t, v, s.leading_lines if k == 0 else ()) for k, (t, v) in enumerate(zip(targets, vals))]
        elif a is not None and isinstance(a.targets[0].target, cst.Name):
            lst = a.targets[0].target.value
            found = _comp(a.value)
            if found is None and isinstance(a.value, cst.List) and not a.value.elements and i + 1 < len(body):
                found = _append_loop(body[i + 1], lst)
                consumed = 2
                if found is not None and any(isinstance(x, cst.Name) and x.value == found[0]
                                             for r in body[i + 2:] for x in _nodes(r)):
                    found = None  # the loop variable is read after the loop (it stays bound there)
            if found is not None:
                var, elt, items = found
                names = [f"{lst}_{k}" for k in range(len(items))]
                vals = _unrolled(var, elt, items, defined)
                rest = body[i + consumed:]
                before = any(isinstance(x, cst.Name) and x.value == lst for r in body[:i] for x in _nodes(r))
                if vals is not None and not before and taken.isdisjoint(names) \
                        and _list_uses_ok(rest, lst, len(items)):
                    new = [_assign(nm, v, s.leading_lines if k == 0 else ()) for k, (nm, v) in enumerate(zip(names, vals))]
                    reads = _Reads(lst, names)
                    body = body[:i + consumed] + [r.visit(reads) for r in rest]
                    taken.update(names)
        if new is None:
            out.append(_inner(s, taken, defined))
            changed = changed or out[-1] is not s
            i += 1
            continue
        out.extend(new)
        changed = True
        i += consumed
    return out if changed else None


def _inner(s: cst.CSTNode, taken: "_Taken", defined: set[str]) -> cst.CSTNode:
    """Function bodies (module-level functions, methods) rewritten the same way."""
    if isinstance(s, cst.FunctionDef) and isinstance(s.body, cst.IndentedBlock):
        new = _rewrite_block(list(s.body.body), taken, defined)
        return s.with_changes(body=s.body.with_changes(body=new)) if new is not None else s
    if isinstance(s, cst.ClassDef) and isinstance(s.body, cst.IndentedBlock):
        body = [_inner(x, taken, defined) for x in s.body.body]
        if any(a is not b for a, b in zip(body, s.body.body)):
            return s.with_changes(body=s.body.with_changes(body=body))
    return s


class _Taken:
    """The names the module uses (and the ones the unrolling added), collected when a candidate
    first needs them: most files have none, and this pre-step runs on every file with a ``for``."""

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._names: set[str] | None = None

    def _get(self) -> set[str]:
        if self._names is None:
            self._names = {n.value for n in _nodes(self._module) if isinstance(n, cst.Name)}
        return self._names

    def isdisjoint(self, names) -> bool:
        return self._get().isdisjoint(names)

    def update(self, names) -> None:
        self._get().update(names)


def unroll_tower_lists(module: cst.Module) -> cst.Module | None:
    taken = _Taken(module)
    defined = {n.name.value for n in _nodes(module) if isinstance(n, cst.FunctionDef)}
    if not defined:
        return None
    new = _rewrite_block(list(module.body), taken, defined)
    return module.with_changes(body=new) if new is not None else None
