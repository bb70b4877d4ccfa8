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

The iterable may be one the program fixes (the same TF1 graph, pass by pass): a literal tuple /
list, a name bound once in the file to one and never changed (``inputs = [left, right]``; ``xs[k]``
of such a list in the body is its element), ``range(N)``, ``tf.split(v, N)`` / ``tf.unstack(v,
num=N)`` with N a number (each pass reads ``tf.split(v, N)[k]``: the same split again), or
``zip(...)`` of those unpacked into names (``for x, name in zip(inputs, names)``), or
``enumerate(...)`` of one (``[net(x, reuse=k > 0) for k, x in enumerate([a, p, n])]``: each pass's
``k`` is its number). A list of
placeholders (``xs = [tf.placeholder(...) for _ in range(2)]``) is written out too; the pre-step
runs again while it changes something (``xs[i]`` in another loop becomes ``xs[0]``, then ``xs_0``).

Declined (the statement stays as written): an iterable that is none of those; a comprehension with ``if`` clauses or several ``for``; a
loop body other than the one ``append``; a list bound or changed elsewhere in its scope, read by
a lambda, a class or a function with a parameter of its name, or indexed by a non-constant or out of range; a loop variable read after the
loop; a name ``<list>_<k>`` already used in the file.
"""
from __future__ import annotations

import operator

import libcst as cst

from ..cstcache import children as _kids
from ..cstcache import read_names as _read_names
from ..cstcache import walk as _nodes  # pre-order, memoised children

_ITEMS = (cst.Name, cst.Attribute, cst.Subscript)


_LITERALS = (cst.SimpleString, cst.Integer, cst.Float)
_COMPARE = {cst.LessThan: operator.lt, cst.LessThanEqual: operator.le, cst.GreaterThan: operator.gt,
            cst.GreaterThanEqual: operator.ge, cst.Equal: operator.eq, cst.NotEqual: operator.ne}


def _items(it: cst.BaseExpression, lists: dict | None = None) -> list[cst.BaseExpression] | None:
    """The values a loop over ``it`` takes, when the program fixes them: a literal tuple / list,
    a name bound once to one (``lists``), ``range(N)``, ``tf.split(v, N)`` / ``tf.unstack(v, num=N)``
    (``N`` a number: the parts ``tf.split(v, N)[k]`` - the same ops TF1 ran for each pass)."""
    lists = lists or {}
    if isinstance(it, (cst.Tuple, cst.List)) and len(it.elements) >= 2 and all(
            isinstance(e, cst.Element) and isinstance(e.value, _ITEMS + _LITERALS) for e in it.elements):
        return [e.value for e in it.elements]
    if isinstance(it, cst.Name) and it.value in lists:
        return list(lists[it.value])
    if not isinstance(it, cst.Call) or any(a.star for a in it.args):
        return None
    f = it.func
    if isinstance(f, cst.Name) and f.value in ("range", "xrange") and len(it.args) == 1 and it.args[0].keyword is None \
            and isinstance(it.args[0].value, cst.Integer) and 2 <= int(it.args[0].value.value) <= 16:
        return [cst.Integer(str(k)) for k in range(int(it.args[0].value.value))]
    if isinstance(f, cst.Attribute) and f.attr.value in ("split", "unstack", "unpack") \
            and isinstance(f.value, (cst.Name, cst.Attribute)):
        key = {"split": ("num_or_size_splits", 1), "unstack": ("num", 1), "unpack": ("num", 1)}[f.attr.value]
        n = None
        for k, a in enumerate(it.args):
            if (a.keyword is None and k == key[1] and f.attr.value == "split") or (
                    a.keyword is not None and a.keyword.value in (key[0], "num_split")):  # num_split: TF 0.x
                n = a.value
        if isinstance(n, cst.Integer) and 2 <= int(n.value) <= 16:
            return [cst.Subscript(it.deep_clone(), [cst.SubscriptElement(cst.Index(cst.Integer(str(k))))])
                    for k in range(int(n.value))]
    return None


def _iteration(target: cst.BaseExpression, it: cst.BaseExpression, lists: dict
               ) -> tuple[tuple[str, ...], list[tuple]] | None:
    """``for x in <items>`` -> (('x',), [(a,), (b,)]); ``for x, n in zip(A, B)`` -> (('x', 'n'),
    [(a0, b0), (a1, b1)]); ``for k, x in enumerate(A)`` -> (('k', 'x'), [(0, a0), (1, a1)])."""
    if isinstance(target, cst.Name):
        items = _items(it, lists)
        return ((target.value,), [(v,) for v in items]) if items is not None else None
    if isinstance(target, cst.Tuple) and all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name)
                                             for e in target.elements) \
            and isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value == "zip" \
            and len(it.args) == len(target.elements) and all(a.keyword is None and not a.star for a in it.args):
        seqs = [_items(a.value, lists) for a in it.args]
        if any(q is None for q in seqs) or len({len(q) for q in seqs}) != 1:
            return None
        names = tuple(e.value.value for e in target.elements)
        return (names, list(zip(*seqs))) if len(set(names)) == len(names) else None
    if isinstance(target, cst.Tuple) and len(target.elements) == 2 \
            and all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in target.elements) \
            and isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value == "enumerate" \
            and 1 <= len(it.args) <= 2 and not any(a.star for a in it.args) and it.args[0].keyword is None:
        # ``for k, x in enumerate(<items>[, start])``: (k, item) per pass, k a number
        start = it.args[1].value if len(it.args) == 2 else cst.Integer("0")
        if len(it.args) == 2 and it.args[1].keyword is not None and it.args[1].keyword.value != "start":
            return None
        items = _items(it.args[0].value, lists)
        names = tuple(e.value.value for e in target.elements)
        if items is None or not isinstance(start, cst.Integer) or names[0] == names[1]:
            return None
        first = int(start.value, 0)
        return names, [(cst.Integer(str(first + k)), v) for k, v in enumerate(items)]
    return None


def literal_lists(module: cst.Module) -> dict[str, list]:
    """Names bound once in the file, to a literal tuple / list (of names, attributes, subscripts or
    constants), never changed: ``inputs = [left, right]``, ``names = ['a', 'b']``."""
    bound: dict[str, int] = {}
    values: dict[str, cst.BaseExpression] = {}
    changed: set[str] = set()
    for n in _nodes(module):
        targets = []
        if isinstance(n, cst.AssignTarget):
            targets = [n.target]
        elif isinstance(n, (cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
            targets = [n.target]
        elif isinstance(n, cst.Del):
            targets = [n.target]
        elif isinstance(n, cst.WithItem) and n.asname is not None:
            targets = [n.asname.name]
        for t in targets:
            for x in _nodes(t):
                if isinstance(x, cst.Name):
                    bound[x.value] = bound.get(x.value, 0) + (0 if x is not t and not isinstance(
                        t, (cst.Tuple, cst.List)) else 1)
                if isinstance(x, (cst.Subscript, cst.Attribute)) and isinstance(x.value, cst.Name):
                    changed.add(x.value.value)
        if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Name):
            values[n.targets[0].target.value] = n.value
        if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name):
            changed.add(n.value.value)  # xs.append(...), xs.sort() ...
    out = {}
    for name, v in values.items():
        if bound.get(name) == 1 and name not in changed and isinstance(v, (cst.Tuple, cst.List)) \
                and len(v.elements) >= 2 and all(isinstance(e, cst.Element) and isinstance(e.value, _ITEMS + _LITERALS)
                                                 for e in v.elements):
            out[name] = [e.value for e in v.elements]
    return out


class _Substitute(cst.CSTTransformer):
    """The loop variables -> one pass's values (or a folded temporary -> its value); ``xs[k]`` of a
    literal list ``xs`` -> its element."""

    def __init__(self, values: dict, lists: dict | None = None) -> None:
        self.values, self.lists = values, lists or {}

    def leave_Name(self, original, updated):
        if original.value not in self.values:
            return updated
        v = self.values[original.value].deep_clone()
        if isinstance(v, (cst.BinaryOperation, cst.BooleanOperation, cst.Comparison, cst.UnaryOperation)) \
                and not v.lpar:  # (a folded temporary's value: the same operand)
            v = v.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return v

    def leave_Attribute(self, original, updated):
        return updated.with_changes(attr=original.attr)  # ``y.x``: an attribute name, not the variable

    def leave_Arg(self, original, updated):
        return updated.with_changes(keyword=original.keyword)  # ``f(x=x)``: the keyword stays

    def leave_Comparison(self, original, updated):
        # ``k > 0`` of a numbered pass (``enumerate``): its value, as TF1 saw it (``reuse=True``)
        if len(updated.comparisons) == 1 and isinstance(updated.left, cst.Integer) \
                and isinstance(updated.comparisons[0].comparator, cst.Integer) \
                and type(updated.comparisons[0].operator) in _COMPARE \
                and any(isinstance(n, cst.Name) and n.value in self.values for n in _nodes(original)):
            a, b = (int(x.value, 0) for x in (updated.left, updated.comparisons[0].comparator))
            return cst.Name(str(_COMPARE[type(updated.comparisons[0].operator)](a, b)))
        return updated

    def leave_Subscript(self, original, updated):
        if isinstance(updated.value, cst.Name) and updated.value.value in self.lists \
                and not (isinstance(original.value, cst.Name) and original.value.value in self.values):
            k = _index(updated)
            items = self.lists[updated.value.value]
            if k is not None and -len(items) <= k < len(items):
                return items[k].deep_clone()
        return updated


def _comp(value: cst.BaseExpression, lists: dict) -> tuple[tuple[str, ...], cst.BaseExpression, list] | None:
    """``[E for x in (a, b)]`` -> (('x',), E, [(a,), (b,)])."""
    if not isinstance(value, cst.ListComp):
        return None
    f = value.for_in
    if f.inner_for_in is not None or f.ifs or f.asynchronous is not None:
        return None
    found = _iteration(f.target, f.iter, lists)
    if found is None:
        return None
    return found[0], value.elt, found[1]


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


def _placeholder(elt: cst.BaseExpression) -> bool:
    """``tf.placeholder(...)``: a list of the program's inputs, one per pass."""
    return isinstance(elt, cst.Call) and isinstance(elt.func, cst.Attribute) \
        and elt.func.attr.value in ("placeholder", "placeholder_with_default")


def _unrolled(names: tuple[str, ...], elt: cst.BaseExpression, items: list, defined: set[str], lists: dict
              ) -> list[cst.BaseExpression] | None:
    if not _builds(elt, defined) and not _placeholder(elt):
        return None
    if any(isinstance(n, (cst.Lambda, cst.ListComp, cst.GeneratorExp, cst.DictComp, cst.SetComp))
           for n in _nodes(elt)):
        return None  # a nested scope may bind the loop variable again
    if not _placeholder(elt) and not any(isinstance(n, cst.Name) and n.value in names for n in _nodes(elt)):
        return None
    return [elt.visit(_Substitute(dict(zip(names, it)), lists)) for it in items]


def _assign(target: "str | cst.BaseAssignTargetExpression", value: cst.BaseExpression, leading=()
            ) -> cst.SimpleStatementLine:
    t = cst.Name(target) if isinstance(target, str) else target.deep_clone()
    return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(t)], value)], leading_lines=list(leading))


def _single_assign(s: cst.CSTNode) -> cst.Assign | None:
    if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign) \
            and len(s.body[0].targets) == 1:
        return s.body[0]
    return None


def _append_loop(s: cst.CSTNode, lst: str, lists: dict) -> tuple[tuple[str, ...], cst.BaseExpression, list] | None:
    """``for x in (a, b): lst.append(E)`` -> (('x',), E, [(a,), (b,)]); a body of temporaries
    each read once, by the next statement, first thing it computes (``h = net(x)`` then
    ``lst.append(h)``) is that one append with the temporaries written in (``_folded``)."""
    if not isinstance(s, cst.For) or s.orelse is not None or s.asynchronous is not None \
            or not isinstance(s.body, cst.IndentedBlock):
        return None
    found = _iteration(s.target, s.iter, lists)
    inner = s.body.body[-1]
    if found is None or not isinstance(inner, cst.SimpleStatementLine) or len(inner.body) != 1:
        return None
    e = inner.body[0]
    if not isinstance(e, cst.Expr) or not isinstance(e.value, cst.Call):
        return None
    c = e.value
    if not (isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name) and c.func.value.value == lst
            and c.func.attr.value == "append" and len(c.args) == 1 and c.args[0].keyword is None
            and not c.args[0].star):
        return None
    value = _folded(list(s.body.body[:-1]), c.args[0].value, found[0], lst)
    return (found[0], value, found[1]) if value is not None else None


def _folded(temps: list, value: cst.BaseExpression, loop_vars: tuple, lst: str) -> cst.BaseExpression | None:
    """``value`` with the loop body's temporaries ``temps`` (``name = E`` statements) written in,
    last first: each read once and only by the next statement (not after the loop: the caller
    checks ``_temporaries``), and that read comes before any other call of that statement
    (the calls run in TF1's order: the graph, and its auto-names, are the same)."""
    for t in reversed(temps):
        a = _single_assign(t)
        if a is None or not isinstance(a.targets[0].target, cst.Name) \
                or len(t.body) != 1 or a.targets[0].target.value in loop_vars + (lst,):
            return None
        name = a.targets[0].target.value
        reads = [n for n in _nodes(value) if isinstance(n, cst.Name) and n.value == name]
        if len(reads) != 1 or any(isinstance(n, (cst.IfExp, cst.Lambda, cst.ListComp, cst.GeneratorExp,
                                                 cst.DictComp, cst.SetComp, cst.NamedExpr)) for n in _nodes(value)):
            return None
        above = _ancestors(value, reads[0])
        for n in _nodes(value):
            if n is reads[0]:
                break
            if isinstance(n, cst.Call) and id(n) not in above:
                return None  # a call that TF1 ran before this temporary's value was read
        value = value.visit(_Substitute({name: a.value}))
    return value


def _ancestors(root: cst.CSTNode, node: cst.CSTNode) -> set[int]:
    path: list = []

    def down(n) -> bool:
        if n is node:
            return True
        for k in _kids(n):
            if down(k):
                path.append(id(n))
                return True
        return False

    down(root)
    return set(path)


def _temporaries(s: cst.For) -> set[str]:
    """The names a folded loop body bound before its append."""
    return {a.targets[0].target.value for t in s.body.body[:-1] if (a := _single_assign(t)) is not None
            and isinstance(a.targets[0].target, cst.Name)}


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


def _local_binds(fn: cst.FunctionDef) -> set[str]:
    """Names ``fn`` binds itself (parameters, assignments, loop / with targets; not in nested
    functions, classes or comprehensions) and declares neither global nor nonlocal."""
    out = {p.name.value for p in _nodes(fn.params) if isinstance(p, cst.Param)}
    declared: set[str] = set()
    todo = list(_kids(fn.body))
    while todo:
        n = todo.pop()
        if isinstance(n, (cst.FunctionDef, cst.ClassDef)):
            out.add(n.name.value)
            continue
        if isinstance(n, (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            continue
        if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For)):
            out.update(x.value for x in _nodes(n.target) if isinstance(x, cst.Name))
        elif isinstance(n, cst.AsName):
            out.update(x.value for x in _nodes(n.name) if isinstance(x, cst.Name))
        elif isinstance(n, (cst.Global, cst.Nonlocal)):
            declared.update(x.name.value for x in n.names)
        todo.extend(_kids(n))
    return out - declared


def _outer_reads(node: cst.CSTNode, names) -> list[cst.Name]:
    """The Name nodes under ``node`` that may name the enclosing scope's ``names``: those in a
    function binding the name itself (``def main(): i = rng.randint(..)``) or in a comprehension
    binding it (``[f(k) for k in a]``) are its locals."""
    skip = {id(x) for f in _nodes(node) if isinstance(f, cst.FunctionDef) and set(names) & _local_binds(f)
            for x in _nodes(f) if isinstance(x, cst.Name) and x.value in _local_binds(f)}
    # a comprehension's own variables (``[f(k) for k in a]``): all but its first iterable
    for c in _nodes(node):
        if isinstance(c, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            own = {x.value for f in _nodes(c) if isinstance(f, cst.CompFor)
                   for x in _nodes(f.target) if isinstance(x, cst.Name)} & set(names)
            outer = {id(x) for x in _nodes(c.for_in.iter)}
            skip |= {id(x) for x in _nodes(c) if isinstance(x, cst.Name) and x.value in own and id(x) not in outer}
    return [x for x in _read_names(node) if id(x) not in skip]


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
    lambda, a class or a function with a parameter of its name, or indexed by a non-constant /
    out-of-range index)."""
    for s in rest:
        # a function defined after the list reads it as a closure / global when called, after its
        # definition: the list as built (``def main(): sess.run(.., {xs[0]: a})``); one with a
        # parameter of that name, a lambda or a class body is another scope's name
        nested = {id(x) for d in _nodes(s) if isinstance(d, (cst.Lambda, cst.ClassDef)) or (
            isinstance(d, cst.FunctionDef) and any(isinstance(p, cst.Param) and p.name.value == lst
                                                   for p in _nodes(d))) for x in _nodes(d)}
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


def _rewrite_block(body: list, taken: "_Taken", defined: set[str], lists: dict) -> list | None:
    out: list = []
    changed = False
    i = 0
    while i < len(body):
        s = body[i]
        a = _single_assign(s)
        new: list | None = None
        consumed = 1
        if a is not None and isinstance(a.targets[0].target, cst.Tuple) and _comp(a.value, lists) is not None:
            var, elt, items = _comp(a.value, lists)
            targets = [e.value for e in a.targets[0].target.elements
                       if isinstance(e, cst.Element) and isinstance(e.value, (cst.Name, cst.Attribute))]
            vals = _unrolled(var, elt, items, defined, lists)
            if vals is not None and len(targets) == len(items) == len(a.targets[0].target.elements):
                new = [_assign(t, v, s.leading_lines if k == 0 else ()) for k, (t, v) in enumerate(zip(targets, vals))]
        elif a is not None and isinstance(a.targets[0].target, cst.Name):
            lst = a.targets[0].target.value
            found = _comp(a.value, lists)
            if found is None and isinstance(a.value, cst.List) and not a.value.elements and i + 1 < len(body):
                found = _append_loop(body[i + 1], lst, lists)
                consumed = 2
                # the loop variable or a temporary is read after the loop (it stays bound there)
                after = found[0] + tuple(_temporaries(body[i + 1])) if found is not None else ()
                if found is not None and any(x.value in after for r in body[i + 2:] for x in _outer_reads(r, after)):
                    found = None
            if found is not None:
                var, elt, items = found
                names = [f"{lst}_{k}" for k in range(len(items))]
                vals = _unrolled(var, elt, items, defined, lists)
                rest = body[i + consumed:]
                before = any(x.value == lst for r in body[:i] for x in _read_names(r))
                if vals is not None and not before and taken.isdisjoint(names) \
                        and _list_uses_ok(rest, lst, len(items)):
                    new = [_assign(nm, v, s.leading_lines if k == 0 else ()) for k, (nm, v) in enumerate(zip(names, vals))]
                    reads = _Reads(lst, names)
                    body = body[:i + consumed] + [r.visit(reads) for r in rest]
                    taken.update(names)
        if new is None:
            out.append(_inner(s, taken, defined, lists))
            changed = changed or out[-1] is not s
            i += 1
            continue
        out.extend(new)
        changed = True
        i += consumed
    return out if changed else None


def _inner(s: cst.CSTNode, taken: "_Taken", defined: set[str], lists: dict) -> cst.CSTNode:
    """Function bodies (module-level functions, methods) rewritten the same way."""
    if isinstance(s, cst.FunctionDef) and isinstance(s.body, cst.IndentedBlock):
        new = _rewrite_block(list(s.body.body), taken, defined, lists)
        return s.with_changes(body=s.body.with_changes(body=new)) if new is not None else s
    if isinstance(s, cst.ClassDef) and isinstance(s.body, cst.IndentedBlock):
        body = [_inner(x, taken, defined, lists) for x in s.body.body]
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
    out = None
    for _ in range(3):  # a list read by another loop's passes (``xs[i]``) is unrolled once that loop is
        lists = literal_lists(module)
        new = _rewrite_block(list(module.body), taken, defined, lists)
        if new is None:
            break
        module = out = module.with_changes(body=new)
    return out
