"""Which names of a module are bound to tflearn / TF1 objects, and where statements still use them
(the TFM100 markers: nothing legacy disappears silently)."""
from __future__ import annotations

import libcst as cst

from .. import cstcache
from ..cstcache import walk as _walk  # pre-order, memoised children
from ..names import LEGACY_ROOTS, NameResolver, canonical, dotted

COMPOUND = (cst.If, cst.For, cst.While, cst.With, cst.FunctionDef, cst.ClassDef, cst.Try)
STATEMENT_TYPES = (cst.SimpleStatementLine,) + COMPOUND
STATEMENT_SET = frozenset(STATEMENT_TYPES)  # exact types (libcst's classes are not subclassed)
SCOPE_TYPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


def stmt_headers(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The parts of a statement that belong to its own line(s), not to nested blocks."""
    if isinstance(node, cst.SimpleStatementLine):
        return [node]
    if isinstance(node, (cst.If, cst.While)):
        return [node.test]
    if isinstance(node, cst.For):
        return [node.target, node.iter]
    if isinstance(node, cst.With):
        return list(node.items)
    if isinstance(node, cst.FunctionDef):
        return [node.params, *node.decorators] + ([node.returns] if node.returns else [])
    if isinstance(node, cst.ClassDef):
        return [*node.bases, *node.keywords, *node.decorators]
    return []


def top_bindings(st: cst.CSTNode):
    """(name, bound by an import?) for the names a module-level statement binds unconditionally:
    imports, plain assignments to names, def / class."""
    if isinstance(st, (cst.FunctionDef, cst.ClassDef)):
        yield st.name.value, False
        return
    if not isinstance(st, cst.SimpleStatementLine):
        return
    for small in st.body:
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            if isinstance(small.names, cst.ImportStar):
                continue
            for a in small.names:
                if a.asname is not None:
                    local = dotted(a.asname.name) or ""
                elif isinstance(small, cst.Import):
                    local = (dotted(a.name) or "").split(".")[0]
                else:
                    local = dotted(a.name) or ""
                yield local, True
        elif isinstance(small, cst.Assign):
            for t in small.targets:
                for n in ([t.target] if isinstance(t.target, cst.Name) else
                          [e.value for e in t.target.elements if isinstance(e.value, cst.Name)]
                          if isinstance(t.target, (cst.Tuple, cst.List)) else []):
                    yield n.value, False
        elif isinstance(small, cst.AnnAssign) and small.value is not None and isinstance(small.target, cst.Name):
            yield small.target.value, False


class TopRebinds:
    """Legacy names a module-level statement reads as something else: ``regression =
    regression(net, ...)`` (tflearn's finetuning example) rebinds the imported name, so later
    module-level statements read the new value, not tflearn's function. Only unconditional
    module-level bindings (imports, assignments, def / class) are followed."""

    def __init__(self, module: cst.Module, names) -> None:
        self._top = {id(st): i for i, st in enumerate(module.body)}
        self._bound_at: dict[str, list[tuple[int, bool]]] = {}
        for i, st in enumerate(module.body):
            for name, by_import in top_bindings(st):
                if name in names:
                    self._bound_at.setdefault(name, []).append((i, by_import))

    def shadowed(self, stmt: cst.CSTNode) -> frozenset:
        """The names whose last binding before ``stmt`` (a module-level statement; anything
        else: none) is an assignment / def, not the import."""
        at = self._top.get(id(stmt))
        if at is None:
            return frozenset()
        out = set()
        for name, binds in self._bound_at.items():
            before = [b for b in binds if b[0] < at]
            if before and not before[-1][1]:
                out.add(name)
        return frozenset(out)


class LegacyBindings:
    """Local names bound to tflearn / TensorFlow-1 objects by the module's imports."""

    def __init__(self, module: cst.Module, resolver: NameResolver) -> None:
        self.names: dict[str, str] = {}
        for node in _walk(module):
            if isinstance(node, cst.Import):
                for a in node.names:
                    full = dotted(a.name) or ""
                    if a.asname is not None:
                        self._bind(dotted(a.asname.name) or "", full)
                    else:
                        self._bind(full.split(".")[0], full.split(".")[0])
            elif isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
                mod = dotted(node.module) or ""
                if isinstance(node.names, cst.ImportStar):
                    continue
                for a in node.names:
                    local = dotted(a.asname.name) if a.asname is not None else dotted(a.name)
                    self._bind(local or "", f"{mod}.{dotted(a.name)}")
        from ..names import star_names

        for mod in resolver.star_modules:
            for name, target in star_names(mod).items():
                if name not in self.names:
                    self._bind(name, target)
        self.rebinds = TopRebinds(module, self.names)

    def _bind(self, local: str, target: str) -> None:
        target = canonical(target)
        root = target.split(".")[0]
        if root not in LEGACY_ROOTS or target.startswith("tensorflow.keras"):
            return
        self.names[local] = target

    def refs(self, node: cst.CSTNode, deep: bool = False, shadowed: frozenset = frozenset()) -> list[str]:
        """Legacy dotted references (``tf.placeholder``) used in ``node``: its own line(s), or
        with ``deep`` its whole body (a compound statement a rule built from a simple one,
        whose inner statements the pass never visits). Names in ``shadowed`` (see
        ``TopRebinds``) are not references."""
        found: list[str] = []
        names = {k: v for k, v in self.names.items() if k not in shadowed} if shadowed else self.names
        if deep or type(node) not in (cst.FunctionDef, cst.ClassDef):
            _collect_refs(node, names, deep, found)
        else:
            for part in stmt_headers(node):
                _collect_refs(part, names, deep, found)
        return found


def _collect_refs(root: cst.CSTNode, names: dict[str, str], deep: bool, found: list[str]) -> None:
    """The references ``LegacyBindings.refs`` collects, in libcst's visiting order, from one walk
    over the node fields (a libcst visitor rebuilt every node it passed): a legacy name or
    dotted name is a reference; an attribute's name, a keyword, an import, an assignment target
    and a parameter's name are not; nested blocks / defs / classes only with ``deep``."""
    stack = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        n = pop()
        t = type(n)  # (exact types: libcst's node classes are not subclassed)
        if t is cst.Name:
            if n.value in names:
                found.append(names[n.value])
        elif t is cst.Attribute:
            d = dotted(n)
            if d is None:
                push(n.value)  # ``f(x).reshape``: the attribute name is not a reference
                continue
            head = d.split(".")[0]
            if head in names:
                found.append(canonical(names[head] + d[len(head):], tf0=False))
        elif t is cst.Arg:
            push(n.value)  # skip the keyword name
        elif t is cst.Import or t is cst.ImportFrom or t is cst.AssignTarget:
            continue  # rebinding a name is not a use
        elif t is cst.FunctionDef or t is cst.ClassDef or t is cst.IndentedBlock \
                or (t is cst.If and n is not root):  # an ``elif``: a statement of its own
            if deep:
                extend(reversed(cstcache.children_of(n)))
        elif t is cst.Param:
            # the parameter's name is not a use
            extend(reversed([p for p in (n.annotation, n.default) if p is not None]))
        else:
            extend(reversed(cstcache.children_of(n)))
