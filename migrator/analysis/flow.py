"""Def-use chains for straight-line model-building code.

Legacy model code is mostly a sequence of assignments (``net = conv_2d(net, ...)``) in a
module or a builder function. ``Flow`` numbers the statements of each scope in source
order (descending into if/for/with/try blocks, not into nested functions) and records
every name binding with the names its value depends on. ``reaching`` then answers
"which definitions does this expression depend on at this point", following
re-assignments of the same name backwards.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

import libcst as cst

from ..cstcache import children


@dataclass(eq=False)
class Def:
    name: str
    stmt: cst.CSTNode            # original statement node holding the binding
    index: int                   # position of that statement in its scope
    value: cst.BaseExpression | None  # the bound expression (None: parameter, loop target, ...)
    deps: frozenset[str]
    scope: "ScopeFlow" = field(repr=False, default=None)  # type: ignore[assignment]


def load_names(node: cst.CSTNode | None) -> set[str]:
    """Names read by an expression (attribute names and keyword names excluded)."""
    out: set[str] = set()
    if node is None:
        return out

    class V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            out.add(n.value)

        def visit_Attribute(self, n: cst.Attribute) -> bool:
            n.value.visit(self)
            return False

        def visit_Arg(self, n: cst.Arg) -> bool:
            n.value.visit(self)
            return False

        def visit_Lambda(self, n: cst.Lambda) -> bool:
            return False

    node.visit(V())
    return out


def target_names(t: cst.BaseExpression) -> list[str]:
    if isinstance(t, cst.Name):
        return [t.value]
    if isinstance(t, (cst.Tuple, cst.List)):
        return [n for e in t.elements for n in target_names(e.value)]
    if isinstance(t, cst.StarredElement):
        return target_names(t.value)
    return []


class ScopeFlow:
    def __init__(self, node: cst.Module | cst.FunctionDef) -> None:
        self.node = node
        self.defs: list[Def] = []
        self.statements: list[cst.CSTNode] = []
        self.index_of: dict[int, int] = {}
        self.by_name: dict[str, list[Def]] = {}
        if isinstance(node, cst.FunctionDef):
            for p in [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]:
                self._add(p.name.value, node, -1, None, frozenset())
            for p in (node.params.star_arg, node.params.star_kwarg):
                if isinstance(p, cst.Param):
                    self._add(p.name.value, node, -1, None, frozenset())
            body = node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body]
        else:
            body = node.body
        self._walk(body)

    def _add(self, name: str, stmt: cst.CSTNode, index: int, value, deps) -> None:
        d = Def(name, stmt, index, value, frozenset(deps), self)
        self.defs.append(d)
        self.by_name.setdefault(name, []).append(d)

    def _walk(self, stmts: Iterable[cst.CSTNode]) -> None:
        for s in stmts:
            idx = len(self.statements)
            self.statements.append(s)
            self.index_of[id(s)] = idx
            if isinstance(s, cst.SimpleStatementLine):
                for small in s.body:
                    if isinstance(small, cst.Assign):
                        deps = load_names(small.value)
                        for t in small.targets:
                            for n in target_names(t.target):
                                self._add(n, s, idx, small.value, deps)
                    elif isinstance(small, cst.AnnAssign) and small.value is not None:
                        for n in target_names(small.target):
                            self._add(n, s, idx, small.value, load_names(small.value))
                    elif isinstance(small, cst.AugAssign):
                        for n in target_names(small.target):
                            self._add(n, s, idx, None, load_names(small.value) | {n})
                    elif isinstance(small, (cst.Import, cst.ImportFrom)):
                        pass
            elif isinstance(s, (cst.FunctionDef, cst.ClassDef)):
                self._add(s.name.value, s, idx, None, frozenset())
            elif isinstance(s, cst.For):
                for n in target_names(s.target):
                    self._add(n, s, idx, None, load_names(s.iter))
                self._walk(s.body.body)
                if s.orelse:
                    self._walk(s.orelse.body.body)
            elif isinstance(s, cst.With):
                for item in s.items:
                    if item.asname is not None:
                        for n in target_names(item.asname.name):
                            self._add(n, s, idx, item.item, load_names(item.item))
                self._walk(s.body.body)
            elif isinstance(s, (cst.If, cst.While)):
                self._walk(s.body.body)
                orelse = s.orelse
                while orelse is not None:
                    self._walk(orelse.body.body)
                    orelse = getattr(orelse, "orelse", None)
            elif isinstance(s, cst.Try):
                self._walk(s.body.body)
                for h in s.handlers:
                    self._walk(h.body.body)
                for extra in (s.orelse, s.finalbody):
                    if extra is not None:
                        self._walk(extra.body.body)

    def latest(self, name: str, before: int) -> Def | None:
        """The last binding of ``name`` in a statement before index ``before``."""
        best = None
        for d in self.by_name.get(name, ()):
            if d.index < before:
                best = d
        return best

    def reaching(self, names: Iterable[str], before: int) -> Iterator[Def]:
        """Every definition the names depend on, transitively (each once)."""
        seen: set[int] = set()
        todo = [(n, before) for n in names]
        while todo:
            name, at = todo.pop()
            d = self.latest(name, at)
            if d is None or id(d) in seen:
                continue
            seen.add(id(d))
            yield d
            at_next = d.index if d.index >= 0 else -1
            for dep in d.deps:
                if dep == name and d.index == at_next:
                    todo.append((dep, at_next))
                else:
                    todo.append((dep, at_next))

    def reassigned_after(self, d: Def) -> bool:
        return any(o.index > d.index for o in self.by_name.get(d.name, ()))


class Flow:
    """``ctx.analysis(Flow)``: def-use chains for the module and every function."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.scopes: dict[int, ScopeFlow] = {}
        module = ctx.module
        self.scopes[id(module)] = ScopeFlow(module)
        stack: list[cst.CSTNode] = [module]
        while stack:
            n = stack.pop()
            for c in children(n):
                if isinstance(c, cst.FunctionDef):
                    self.scopes[id(c)] = ScopeFlow(c)
                stack.append(c)
        self.functions: dict[str, cst.FunctionDef] = {
            s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}

    def scope_of(self, node: cst.CSTNode) -> ScopeFlow:
        n = self.ctx.parent(node)
        while n is not None and id(n) not in self.scopes:
            n = self.ctx.parent(n)
        return self.scopes[id(n if n is not None else self.ctx.module)]

    def index_of(self, node: cst.CSTNode) -> tuple[ScopeFlow, int]:
        """(scope, statement index) of the statement holding ``node``."""
        scope = self.scope_of(node)
        n: cst.CSTNode | None = node
        while n is not None and id(n) not in scope.index_of:
            n = self.ctx.parent(n)
        return scope, scope.index_of[id(n)] if n is not None else len(scope.statements)

    def reaching(self, expr: cst.CSTNode, at: cst.CSTNode | None = None) -> list[Def]:
        scope, idx = self.index_of(at or expr)
        return list(scope.reaching(load_names(expr), idx))

    def def_of(self, name: str, at: cst.CSTNode) -> Def | None:
        scope, idx = self.index_of(at)
        return scope.latest(name, idx)
