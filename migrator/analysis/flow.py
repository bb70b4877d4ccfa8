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

from ..cstcache import children, own_nodes, walk


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


class _Every(frozenset):
    def __contains__(self, item) -> bool:
        return True


_EVERY = _Every()


def _walk_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    from ..cstcache import walk_rl

    return walk_rl(node)  # (memoised for a module)


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
        self._classes: dict[str, cst.ClassDef] | None = None
        self._unread: dict[tuple[int, int], frozenset[str]] = {}
        self._split_tuple_calls()
        self._drop_unread_arguments()

    # -- ``a, b = f(...)``: one dependency set per element ----------------------------------------
    def _split_tuple_calls(self) -> None:
        """``a, b = e1, e2`` (a display of as many elements: each target what its element reads);
        ``loss, dist = contrastive_loss(out_l, out_r, label)`` calling a module-level function
        of this file that ends in its only ``return`` of a tuple of as many elements: each target
        depends on the arguments of the parameters ITS element reads (through the function's own
        def-use chains), not on the whole call - ``dist`` does not depend on ``label`` when the
        function computes it without ``y``. Anything else keeps the whole call's dependencies."""
        for scope in self.scopes.values():
            for s in scope.statements:
                if not (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1
                        and isinstance(s.body[0], cst.Assign) and len(s.body[0].targets) == 1):
                    continue
                t, value = s.body[0].targets[0].target, s.body[0].value
                if not isinstance(t, (cst.Tuple, cst.List)) or not all(
                        isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in t.elements):
                    continue
                if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(t.elements) \
                        and all(isinstance(e, cst.Element) for e in value.elements):
                    # ``o1, o2 = net(x1), net(x2)``: each target is its own element (Python binds
                    # them pairwise), it depends on what that element reads
                    parts = [(frozenset(load_names(e.value)), frozenset()) for e in value.elements]
                else:
                    parts = self.tuple_parts(value, len(t.elements), scope)
                if parts is None:
                    continue
                names = [e.value.value for e in t.elements]
                if len(set(names)) != len(names):
                    continue
                for d in scope.defs:
                    if d.stmt is s and d.name in names:
                        d.deps = parts[names.index(d.name)][0]

    # -- ``loss = net.loss(a, b, y, margin, batch_size_pl)``: an argument the callee never reads --
    def _drop_unread_arguments(self) -> None:
        """``t = f(..., p)`` / ``t = obj.m(..., p)`` where ``f`` is a plain module-level function of
        this file, or ``m`` a plain method of the module-level class ``obj`` is bound to (once, in
        the same scope, by ``obj = C(...)``), whose parameter receiving the bare name ``p`` is never
        read in its body (nor ``locals()`` / ``vars()``): ``t`` does not depend on ``p`` (geomois'
        ``batch_size`` placeholder fed and handed to a loss that ignores it). Only names that the
        call reads nowhere else are dropped."""
        for scope in self.scopes.values():
            for d in scope.defs:
                value = d.value
                if not (isinstance(value, cst.Call) and isinstance(d.stmt, cst.SimpleStatementLine)
                        and len(d.stmt.body) == 1 and isinstance(d.stmt.body[0], cst.Assign)):
                    continue
                fn, skip = self.plain_callee(value, scope)
                if fn is None or any(a.star for a in value.args):
                    continue
                unread = self.unread_params(fn, skip)
                bound = self.call_bindings(fn, value, skip) if unread else None
                if not bound:
                    continue
                drop = {v.value for p, v in bound.items() if p in unread and isinstance(v, cst.Name)}
                keep = set(load_names(value.func)).union(
                    *(load_names(v) for p, v in bound.items() if not (p in unread and isinstance(v, cst.Name))))
                drop -= keep
                if drop:
                    d.deps = frozenset(n for n in d.deps if n not in drop)

    def plain_callee(self, value: cst.Call, scope: ScopeFlow | None):
        """(the function or method a call in ``scope`` runs, how many leading parameters it binds
        implicitly: 1 for ``self``), or (None, 0) when not known for certain."""
        module = self.scopes[id(self.ctx.module)]
        scope = scope or module
        if self._classes is None:
            self._classes = {s.name.value: s for s in self.ctx.module.body if isinstance(s, cst.ClassDef)}
        classes = self._classes

        def once(sc: ScopeFlow, name: str) -> bool:
            return len(sc.by_name.get(name, ())) == 1

        f = value.func
        if isinstance(f, cst.Name):
            fn = self.functions.get(f.value)
            if fn is None or not once(module, f.value) or (scope is not module and scope.by_name.get(f.value)):
                return None, 0
            return (fn, 0) if not fn.decorators else (None, 0)
        if not (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name)):
            return None, 0
        obj = f.value.value
        defs = scope.by_name.get(obj, ())
        if len(defs) != 1 or not (isinstance(defs[0].value, cst.Call) and isinstance(defs[0].value.func, cst.Name)):
            return None, 0
        cls = classes.get(defs[0].value.func.value)
        if cls is None or not once(module, cls.name.value) or not isinstance(cls.body, cst.IndentedBlock):
            return None, 0
        if scope is not module and scope.by_name.get(cls.name.value):
            return None, 0
        m = self._resolve_method(cls, f.attr.value, scope)
        if m is None or m.decorators or not m.params.params:
            return None, 0
        return m, 1

    def _resolve_method(self, cls: cst.ClassDef, name: str, scope: ScopeFlow) -> cst.FunctionDef | None:
        """The one def of ``name`` that ``cls().name`` runs, by Python's lookup along a chain of
        single inheritance through the module's own classes (``class Siamese(ConvNet)``; the
        first class defining ``name`` wins) ending at ``object`` (the whole chain, above the def
        too: an unknown base could hook attribute lookup); None when not certain: several
        bases, a base that is not a class of this file bound once (nor shadowed in ``scope``), a
        metaclass, ``__getattribute__``, two defs of the name in one class, or an attribute of
        that name assigned anywhere in the file (an instance attribute would shadow the method)."""
        module = self.scopes[id(self.ctx.module)]
        if name in self._assigned_attrs():
            return None
        seen: set[int] = set()
        found: cst.FunctionDef | None = None
        c: cst.ClassDef | None = cls
        while c is not None:  # the whole chain, also above the def: a base's own lookup hooks
            if id(c) in seen or not isinstance(c.body, cst.IndentedBlock) or c.keywords:
                return None
            seen.add(id(c))
            fns = [m for m in c.body.body if isinstance(m, cst.FunctionDef)]
            if any(m.name.value == "__getattribute__" for m in fns):
                return None
            if any(isinstance(s, cst.SimpleStatementLine) and any(
                    isinstance(x, (cst.Assign, cst.AnnAssign)) and name in {
                        n for t in (x.targets if isinstance(x, cst.Assign) else [x]) for n in target_names(t.target)}
                    for x in s.body) for s in c.body.body):
                return None  # ``name = ...`` in the class body
            ms = [m for m in fns if m.name.value == name]
            if len(ms) > 1:
                return None
            if ms and found is None:
                found = ms[0]
            bases = [b for b in c.bases if not (isinstance(b.value, cst.Name) and b.value.value == "object")]
            if not bases:
                return found
            if len(bases) != 1 or not isinstance(bases[0].value, cst.Name) or bases[0].star:
                return None
            base = bases[0].value.value
            c = self._classes.get(base)
            if c is None or len(module.by_name.get(base, ())) != 1 or (
                    scope is not module and scope.by_name.get(base)):
                return None
        return None

    def _assigned_attrs(self) -> frozenset[str]:
        """Attribute names assigned anywhere in the file (``x.name = ...``, ``+=``, ``for x.name
        in``, ``with .. as x.name``); every name when the file calls ``setattr``. Memoised."""
        if getattr(self, "_attrs_set", None) is None:
            out: set[str] = set()
            for n in _walk_nodes(self.ctx.module):
                targets = []
                if isinstance(n, cst.AssignTarget):
                    targets = [n.target]
                elif isinstance(n, (cst.AugAssign, cst.AnnAssign)):
                    targets = [n.target]
                elif isinstance(n, (cst.For, cst.CompFor)):
                    targets = [n.target]
                elif isinstance(n, cst.AsName):
                    targets = [n.name]
                elif isinstance(n, cst.Name) and n.value == "setattr":
                    out.add("*")
                for t in targets:
                    for x in _walk_nodes(t):
                        if isinstance(x, cst.Attribute):
                            out.add(x.attr.value)
            self._attrs_set = frozenset(out)
        if "*" in self._attrs_set:
            return _EVERY
        return self._attrs_set

    def unread_params(self, fn: cst.FunctionDef, skip: int) -> frozenset[str]:
        """The parameters of ``fn`` (its first ``skip`` positional ones aside: ``self``) that its
        body never reads; none when it takes ``*args`` / ``**kwargs`` or calls ``locals()`` /
        ``vars()`` / ``eval`` / ``exec``. Memoised per function."""
        key = (id(fn), skip)
        if key not in self._unread:
            self._unread[key] = frozenset(self._unread_params(fn, skip))
        return self._unread[key]

    @staticmethod
    def _unread_params(fn: cst.FunctionDef, skip: int) -> set[str]:
        ps = fn.params
        if isinstance(ps.star_arg, cst.Param) or ps.star_kwarg is not None:
            return set()
        names = {p.name.value for p in [*ps.posonly_params, *ps.params][skip:]} | {
            p.name.value for p in ps.kwonly_params}
        # every Name node in the body with a parameter's spelling counts as a read (in a nested
        # scope too, or rebound), except a keyword's name (``keep_prob=0.5``) and an attribute's
        # name (``self.keep_prob``)
        not_reads: set[int] = set()
        nodes = list(_walk_nodes(fn.body))
        for n in nodes:
            if isinstance(n, cst.Arg) and n.keyword is not None:
                not_reads.add(id(n.keyword))
            elif isinstance(n, cst.Attribute):
                not_reads.add(id(n.attr))
        for n in nodes:
            if isinstance(n, cst.Name) and id(n) not in not_reads:
                if n.value in ("locals", "vars", "eval", "exec"):
                    return set()
                names.discard(n.value)
        return names

    def _summary_call(self, e: cst.BaseExpression) -> bool:
        """``tf.summary.scalar(...)`` / TF 0.x ``tf.scalar_summary(...)`` as a statement: logging
        only (TFM142 removes it); it computes nothing the function returns."""
        return isinstance(e, cst.Call) and any(
            q.startswith("tensorflow.summary.") or (q.startswith("tensorflow.") and q.endswith("_summary"))
            for q in self.ctx.qualified(e.func))

    def tuple_function(self, value: cst.BaseExpression, n: int, scope: ScopeFlow | None = None):
        """The module-level function ``value`` calls when it is a plain call of one (not shadowed
        in ``scope``), or the method of a class of the file ``obj.m(...)`` runs (``plain_callee``:
        ``obj`` bound once in ``scope`` to an instance of that class), whose flat body ends in its
        only ``return``, of an ``n``-tuple; else None. ``tuple_skip``: how many leading
        parameters the call binds implicitly (1 for a method's ``self``)."""
        if not isinstance(value, cst.Call):
            return None
        module = self.scopes[id(self.ctx.module)]
        if isinstance(value.func, cst.Name):
            fn = self.functions.get(value.func.value)
            if fn is None or fn.decorators or any(d.stmt is not fn for d in module.by_name.get(fn.name.value, ())):
                return None
            if scope is not None and scope is not module and scope.by_name.get(fn.name.value):
                return None
        elif isinstance(value.func, cst.Attribute) and isinstance(value.func.value, cst.Name):
            fn, skip = self.plain_callee(value, scope)
            if fn is None or skip != 1 or fn.params.posonly_params or len(fn.params.params) < 1:
                return None
        else:
            return None
        ps = fn.params
        if isinstance(ps.star_arg, cst.Param) or ps.star_kwarg is not None or any(a.star for a in value.args):
            return None
        if not isinstance(fn.body, cst.IndentedBlock):
            return None
        body = list(fn.body.body)
        if not body or not all(isinstance(b, cst.SimpleStatementLine) and len(b.body) == 1 for b in body):
            return None
        for i, b in enumerate(body):
            small = b.body[0]
            if isinstance(small, cst.Return):
                if i != len(body) - 1:
                    return None
            elif isinstance(small, cst.Expr):
                if not (i == 0 and isinstance(small.value, cst.SimpleString)) and not self._summary_call(small.value):
                    return None  # a call for its effect (``out.append(y)``): not followed by def-use chains
            elif not isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Pass)):
                return None
        ret = body[-1].body[0]
        if not (isinstance(ret, cst.Return) and isinstance(ret.value, cst.Tuple) and len(ret.value.elements) == n
                and all(isinstance(e, cst.Element) for e in ret.value.elements)):
            return None
        for node in _walk_nodes(fn.body):
            if isinstance(node, (cst.Lambda, cst.Yield, cst.Await, cst.Global, cst.Nonlocal, cst.NamedExpr)):
                return None
        return fn

    @staticmethod
    def tuple_skip(value: cst.Call) -> int:
        """1 for a method call ``obj.m(...)`` (its ``self``), 0 for a function's."""
        return 1 if isinstance(value.func, cst.Attribute) else 0

    def call_bindings(self, fn: cst.FunctionDef, value: cst.Call,
                      skip: int = 0) -> dict[str, cst.BaseExpression] | None:
        """Parameter name -> the call's argument (positional or keyword); None when not bound one to
        one. ``skip``: leading positional parameters the call binds implicitly (1: a method's ``self``)."""
        ps = fn.params
        positional = [p.name.value for p in [*ps.posonly_params, *ps.params]][skip:]
        names = positional + [p.name.value for p in ps.kwonly_params]
        out: dict[str, cst.BaseExpression] = {}
        for i, a in enumerate(value.args):
            if a.keyword is None:
                if i >= len(positional) or positional[i] in out:
                    return None
                out[positional[i]] = a.value
            else:
                k = a.keyword.value
                if k not in names or k in out or k in [p.name.value for p in ps.posonly_params]:
                    return None
                out[k] = a.value
        return out

    def tuple_parts(self, value: cst.BaseExpression, n: int, scope: ScopeFlow | None = None):
        """For ``a, b = f(...)`` (see ``tuple_function``): per element, (the names it depends on at
        the call, the parameters of ``f`` it reads through ``f``'s own def-use chains); None when
        not understood."""
        fn = self.tuple_function(value, n, scope)
        if fn is None:
            return None
        bound = self.call_bindings(fn, value, self.tuple_skip(value))
        if bound is None:
            return None
        fscope = self.scopes[id(fn)]
        ret_stmt = fn.body.body[-1]
        idx = fscope.index_of[id(ret_stmt)]
        params = {d.name for d in fscope.defs if d.index == -1}
        out = []
        for e in ret_stmt.body[0].value.elements:
            reached = {d.name for d in fscope.reaching(load_names(e.value), idx) if d.index == -1}
            reached &= params
            deps = set(load_names(value.func))
            for p in reached:
                if p in bound:
                    deps |= load_names(bound[p])
            out.append((frozenset(deps), frozenset(reached)))
        return out

    def scope_of(self, node: cst.CSTNode) -> ScopeFlow:
        n = self.ctx.parent(node)
        while n is not None and id(n) not in self.scopes:
            n = self.ctx.parent(n)
        return self.scopes[id(n if n is not None else self.ctx.module)]

    def binding_scope(self, node: cst.Name) -> ScopeFlow | None:
        """The function / module scope whose variable the name read at ``node`` is: its own scope
        when that binds the name, else the nearest enclosing function that does (a closure read:
        ``def snn(x, keep): def tower(v): ... dropout(v, keep)``), else the module's. None when a
        scope on the way declares the name ``global`` / ``nonlocal`` (not followed)."""
        return self.resolve(node.value, self.scope_of(node))

    def resolve(self, name: str, sc: ScopeFlow) -> ScopeFlow | None:
        """:meth:`binding_scope` of a read of ``name`` in the scope ``sc``."""
        while True:
            if isinstance(sc.node, cst.FunctionDef) and any(
                    isinstance(n, (cst.Global, cst.Nonlocal)) and any(x.name.value == name for x in n.names)
                    for n in own_nodes(sc.node)):
                return None
            if name in sc.by_name or isinstance(sc.node, cst.Module):
                return sc
            sc = self.scope_of(sc.node)

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

    def binding_reads(self, name: str, stmt, closures: bool = False) -> list:
        """The Name nodes of ``stmt``'s scope reading the binding of ``name`` that ``stmt`` makes
        (``stmt`` a FunctionDef: its parameter); ``[None]`` where which binding a read sees is not
        known. ``closures``: a read of the name from a function nested in that scope (a global /
        closure read) is such an unknown read too."""
        flow = self
        scope = flow.scopes[id(stmt)] if isinstance(stmt, cst.FunctionDef) else flow.scope_of(stmt)
        defs = scope.by_name.get(name, ())
        d = next((x for x in defs if x.stmt is stmt), None)
        if d is None:
            return [None]
        out = []
        for n in walk(scope.node):
            if not isinstance(n, cst.Name) or n.value != name:
                continue
            p = self.ctx.parent(n)
            if isinstance(p, (cst.AssignTarget, cst.Param)) or (isinstance(p, cst.Attribute) and p.attr is n) \
                    or (isinstance(p, cst.Arg) and p.keyword is n):
                continue
            if flow.scope_of(n) is not scope:
                if closures and flow.binding_scope(n) is scope:
                    return [None]
                continue
            if len(defs) > 1 and (self.ctx.loops_around(n) or not isinstance(stmt, cst.FunctionDef)
                                  and self.ctx.loops_around(stmt)):
                return [None]  # bound again and read in a loop: which binding a read sees is unknown
            if flow.def_of(name, n) is d:
                out.append(n)
        return out

    def def_of(self, name: str, at: cst.CSTNode) -> Def | None:
        scope, idx = self.index_of(at)
        return scope.latest(name, idx)
