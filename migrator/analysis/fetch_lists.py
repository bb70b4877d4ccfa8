"""Fetch lists held in a name (rule TFM185's pre-step): a pure function of the source.

::

    tensors = [self.train_op, self.loss, self.merged]     # or a tuple
    _, l, s = self.sess.run(tensors, feed_dict=feed_dict)

TF1 semantics: ``Session.run(fetches)`` reads the list's elements when it runs; the list
itself is a Python value. Written with the display at the run (``self.sess.run([self.train_op,
self.loss, self.merged], feed_dict=feed_dict)``) it is the same program - what the session
rules translate - and the binding goes.

Written out only where that is so: the name is bound once, as a statement of its own, to a list
or tuple display of names and dotted attributes (no starred elements); every read of the name is
the fetches argument (first positional, or ``fetches=``) of a ``<x>.run(...)`` call in a statement
of the SAME block, after the binding; no statement between the binding and that statement (the
run's own included) binds a name or attribute an element reads; nothing in a nested function,
class or comprehension reads or binds the name. Anything else leaves the file as written.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import children as _kids
from ..cstcache import walk
from ..names import dotted

_NESTED = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def _binding(st: cst.CSTNode) -> tuple[str, cst.BaseExpression] | None:
    if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
            and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name) \
            and isinstance(st.body[0].value, (cst.List, cst.Tuple)):
        value = st.body[0].value
        if value.elements and all(isinstance(e, cst.Element) and dotted(e.value) is not None for e in value.elements):
            return st.body[0].targets[0].target.value, value
    return None


def _bound_names(st: cst.CSTNode) -> set[str]:
    """Names and dotted attributes a statement binds (assignments, loops, with / except as,
    imports, definitions), outside nested scopes."""
    out: set[str] = set()

    def target(t) -> None:
        d = dotted(t)
        if d is not None:
            out.add(d)
        elif isinstance(t, (cst.Tuple, cst.List)):
            for e in t.elements:
                target(e.value)
        elif isinstance(t, cst.StarredElement):
            target(t.value)

    todo = [st]
    while todo:
        n = todo.pop()
        if isinstance(n, cst.AssignTarget):
            target(n.target)
        elif isinstance(n, (cst.AugAssign, cst.AnnAssign)):
            target(n.target)
        elif isinstance(n, (cst.For, cst.CompFor)):
            target(n.target)
        elif isinstance(n, cst.AsName):
            target(n.name)
        elif isinstance(n, cst.NamedExpr):
            target(n.target)
        elif isinstance(n, (cst.FunctionDef, cst.ClassDef)):
            out.add(n.name.value)
            continue
        elif isinstance(n, (cst.Global, cst.Nonlocal, cst.Del, cst.Import, cst.ImportFrom)):
            out.add("*")  # (conservative: anything may change)
        if isinstance(n, _NESTED):
            continue
        todo.extend(_kids(n))
    return out


def _fetch_arg(call: cst.Call) -> cst.Arg | None:
    for i, a in enumerate(call.args):
        if a.keyword is not None and a.keyword.value == "fetches":
            return a
    pos = [a for a in call.args if a.keyword is None and not a.star]
    return pos[0] if pos and call.args and call.args[0] is pos[0] else None


def _reads(value: cst.BaseExpression) -> set[str]:
    out = set()
    for e in value.elements:
        d = dotted(e.value)
        parts = d.split(".")
        out.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return out


class _Writer(cst.CSTTransformer):
    def __init__(self, runs: dict[int, cst.BaseExpression], drop: set[int]):
        self.runs = runs
        self.drop = drop

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        value = self.runs.get(id(original))
        return updated.with_changes(value=value.deep_clone()) if value is not None else updated

    def leave_SimpleStatementLine(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.drop else updated


def inline_fetch_lists(module: cst.Module) -> cst.Module | None:
    """The module with the fetch lists written at their runs, or None (nothing to do)."""
    blocks = [module.body] + [n.body for n in walk(module) if isinstance(n, cst.IndentedBlock)]
    if not any(_binding(st) is not None for body in blocks for st in body):
        return None  # no list of fetches bound to a name
    parents: dict[int, cst.CSTNode] = {}
    for n in walk(module):
        for c in _kids(n):
            parents[id(c)] = n

    def innermost(node) -> cst.CSTNode:
        """The nearest enclosing function / lambda / class / comprehension (the module: none)."""
        p = parents.get(id(node))
        while p is not None and not isinstance(p, _NESTED + (cst.Module,)):
            p = parents.get(id(p))
        return p
    names: dict[str, list[cst.Name]] = {}
    for n in walk(module):
        if isinstance(n, cst.Name):
            names.setdefault(n.value, []).append(n)

    def scope_of(node) -> cst.CSTNode:
        p = parents.get(id(node))
        while p is not None and not isinstance(p, (cst.FunctionDef, cst.Module)):
            p = parents.get(id(p))
        return p

    def within(node, home) -> bool:
        p = parents.get(id(node))
        while p is not None and p is not home:
            p = parents.get(id(p))
        return p is home

    runs: dict[int, cst.BaseExpression] = {}
    drop: set[int] = set()
    for body in blocks:
        for i, st in enumerate(body):
            b = _binding(st)
            if b is None:
                continue
            name, value = b
            home = scope_of(st)
            target = st.body[0].targets[0].target
            occurrences = [n for n in names.get(name, ()) if n is not target and within(n, home)]
            if any(innermost(n) is not home for n in occurrences):
                continue  # read or bound in a nested function / class / comprehension
            if any(isinstance(parents.get(id(n)), cst.AssignTarget) for n in occurrences):
                continue  # bound again
            if not occurrences:
                continue
            reads = _reads(value)
            plan: dict[int, cst.BaseExpression] = {}
            ok = True
            for occ in occurrences:
                arg = parents.get(id(occ))
                call = parents.get(id(arg))
                if not (isinstance(arg, cst.Arg) and arg.value is occ and isinstance(call, cst.Call)
                        and isinstance(call.func, cst.Attribute) and call.func.attr.value == "run"
                        and _fetch_arg(call) is arg):
                    ok = False
                    break
                # the statement of the run, a statement of this block after the binding
                s = call
                while s is not None and parents.get(id(s)) is not None and not any(s is x for x in body):
                    s = parents.get(id(s))
                idx = next((k for k, x in enumerate(body) if x is s), None)
                if idx is None or idx <= i:
                    ok = False
                    break
                between: set[str] = set()
                for x in body[i + 1: idx + 1]:
                    between |= _bound_names(x)
                if "*" in between or between & reads:
                    ok = False
                    break
                plan[id(arg)] = value
            if ok:
                runs.update(plan)
                drop.add(id(st))
    if not runs:
        return None
    return module.visit(_Writer(runs, drop))
