"""The import lines after the rules and libcst's import passes: unneeded tflearn star imports
dropped (the other modules they bound imported instead), legacy imports rebound before every
read removed, legacy imports that TODO lines still need kept and marked."""
from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from .. import TODO_MARKER
from ..cstcache import children_of
from ..cstcache import walk as _walk  # pre-order, memoised children
from ..emit import code as code_of
from ..names import LEGACY_ROOTS, canonical, dotted
from .legacy_refs import SCOPE_TYPES, top_bindings
from .suppression import SUPPRESS_RE, UNTRANSLATED_ID
from .todo import has_marker

if TYPE_CHECKING:  # pragma: no cover
    from .context import FileContext


def after_imports(module: cst.Module) -> int:
    idx = 0
    for i, s in enumerate(module.body):
        if isinstance(s, cst.SimpleStatementLine) and all(
                isinstance(b, (cst.Import, cst.ImportFrom)) or (
                    i == 0 and isinstance(b, cst.Expr) and isinstance(b.value, cst.SimpleString))
                for b in s.body):
            idx = i + 1
        elif isinstance(s, cst.If) and code_of(s.test).strip() == "TYPE_CHECKING":
            idx = i + 1
        else:
            break
    return idx


def finish_imports(module: cst.Module, fctx: FileContext) -> cst.Module:
    """Star imports of tflearn that nothing needs any more are dropped; legacy imports
    that TODO lines still need are kept and marked."""
    resolver_stars = fctx.resolver.star_modules if fctx.resolver else []
    bindings = fctx.bindings
    if bindings is None:
        return module
    used: set[str] = set()
    body_wo_imports = []
    for s in module.body:
        if isinstance(s, cst.SimpleStatementLine) and all(isinstance(b, (cst.Import, cst.ImportFrom)) for b in s.body):
            continue
        body_wo_imports.append(s)
    attr_names: set[int] = set()   # ``x.reshape``, ``f(k=...)``: not uses of a star-imported name
    # ``used`` is read only for a star import of a tflearn module the input had (resolver_stars)
    for s in body_wo_imports if resolver_stars else ():
        for n in _walk(s):
            if isinstance(n, cst.Attribute):
                attr_names.add(id(n.attr))
            elif isinstance(n, cst.Arg) and n.keyword is not None:
                attr_names.add(id(n.keyword))
            elif isinstance(n, cst.Name) and id(n) not in attr_names:
                used.add(n.value)

    from ..names import star_names

    imported: set[str] = set()  # names bound by the module's other imports
    for s in module.body:
        if isinstance(s, cst.SimpleStatementLine):
            imported |= _bound_names(s)
    provided: set[str] = set()
    rebound = _rebound_legacy_names(module)
    kept_roots: set[str] = set()  # names bound by the legacy imports kept for TODO lines

    class T(cst.CSTTransformer):
        def on_visit(self, node: cst.CSTNode) -> bool:
            # only (import) statement lines change: leave expressions and lines as they are
            return not isinstance(node, (cst.SimpleStatementLine, cst.BaseExpression))

        def leave_SimpleStatementLine(self, orig, upd):
            if not all(isinstance(b, (cst.Import, cst.ImportFrom)) for b in upd.body):
                return upd
            new_body = []
            for b in upd.body:
                if rebound.get(id(b)):
                    keep = [a for a in b.names if id(a) not in rebound[id(b)]]
                    if not keep:
                        continue
                    b = b.with_changes(names=[a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in keep])
                if isinstance(b, cst.ImportFrom) and isinstance(b.names, cst.ImportStar) and b.module is not None:
                    mod = dotted(b.module) or ""
                    if mod in resolver_stars:
                        names = star_names(mod)
                        needed = {n: t for n, t in names.items() if n in used}
                        if not any(canonical(t).split(".")[0] in LEGACY_ROOTS for t in needed.values()):
                            # dropped: the other modules it bound (``np``) are imported instead
                            for n, t in sorted(needed.items()):
                                if n not in imported and n not in provided:
                                    provided.add(n)
                                    new_body.append(cst.Import(names=[cst.ImportAlias(
                                        name=cst.parse_expression(t),  # type: ignore[arg-type]
                                        asname=None if n == t else cst.AsName(name=cst.Name(n)))]))
                            continue
                new_body.append(b)
            if not new_body:
                return cst.RemoveFromParent()
            upd = upd.with_changes(body=new_body)
            if not has_marker(upd) and not _ignored_line(upd):
                legacy = _legacy_import_names(upd)
                if legacy:
                    kept_roots.update(_bound_names(upd))
                    msg = f"# {TODO_MARKER}: {UNTRANSLATED_ID} import kept for the TODO lines below"
                    upd = upd.with_changes(trailing_whitespace=cst.TrailingWhitespace(
                        whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(msg)))
            return upd

    module = module.visit(T())
    fctx.kept_legacy_names = kept_roots  # (the mode switches they need stay: MigrateCommand)
    return module


def _bound_names(stmt: cst.SimpleStatementLine) -> set[str]:
    """The names a line's imports bind (star imports aside)."""
    out = set()
    for b in stmt.body:
        if isinstance(b, (cst.Import, cst.ImportFrom)) and not isinstance(b.names, cst.ImportStar):
            for a in b.names:
                out.add(dotted(a.asname.name) if a.asname else (dotted(a.name) or "").split(".")[0])
    return out


def _ignored_line(stmt: cst.SimpleStatementLine) -> bool:
    """The line ends in ``# tflearn-migrate: ignore`` (every rule)."""
    c = stmt.trailing_whitespace.comment
    m = SUPPRESS_RE.match(c.value) if c is not None else None
    return m is not None and not (m.group(1) or "").strip()


def _rebound_legacy_names(module: cst.Module) -> dict[int, set[int]]:
    """id(legacy import) -> ids of its aliases whose name every remaining read sees rebound:
    all reads are module-level statements after an unconditional module-level assignment /
    def of the name that follows the import (``regression = regression(net, ...)`` became
    ``regression = softmax``; ``outputs=regression`` reads the new value). libcst's analysis,
    which is not flow-sensitive, counts those reads as uses of the import."""
    aliases: dict[str, list[tuple[int, cst.CSTNode, cst.ImportAlias]]] = {}
    for i, st in enumerate(module.body):
        if not isinstance(st, cst.SimpleStatementLine):
            continue
        for b in st.body:
            if not isinstance(b, (cst.Import, cst.ImportFrom)) or isinstance(b.names, cst.ImportStar):
                continue
            mod = dotted(b.module) or "" if isinstance(b, cst.ImportFrom) else ""
            for a in b.names:
                full = (mod + "." if mod else "") + (dotted(a.name) or "")
                if full.split(".")[0] not in LEGACY_ROOTS or full.startswith("tensorflow.keras"):
                    continue
                if a.asname is not None:
                    local = dotted(a.asname.name) or ""
                elif isinstance(b, cst.Import):
                    continue  # ``import tensorflow``: a module, not rebound this way
                else:
                    local = dotted(a.name) or ""
                aliases.setdefault(local, []).append((i, b, a))
    wanted = {n for n, v in aliases.items() if len(v) == 1}
    if not wanted:
        return {}
    rebinds: dict[str, list[int]] = {}
    reads: dict[str, list[int]] = {}
    nested: set[str] = set()
    # (exact type tests: libcst's node classes are not subclassed; isinstance against them is
    # a Python-level ABCMeta call)
    for i, st in enumerate(module.body):
        for name, by_import in top_bindings(st):
            if name in wanted and not by_import:
                rebinds.setdefault(name, []).append(i)
        # one pre-order walk of the statement: the names read or bound inside a def / class /
        # lambda (``nested``), and the reads of the names (``reads``; a parent is seen before
        # its children, so ``skip`` holds the attribute / keyword / target names in time)
        skip: set[int] = set()
        # (two stacks, node and "inside a def / class / lambda"; the output tree's children are
        # read from the fields, not stored in the per-file memo kept for the input tree)
        stack: list[cst.CSTNode] = [st]
        flags: list[bool] = [False]
        while stack:
            n, inside = stack.pop(), flags.pop()
            t = type(n)
            if t is cst.Name:
                if n.value in wanted:
                    if inside:
                        nested.add(n.value)
                    if id(n) not in skip:
                        reads.setdefault(n.value, []).append(i)
            elif t is cst.Attribute:
                skip.add(id(n.attr))
            elif t is cst.Arg and n.keyword is not None:
                skip.add(id(n.keyword))
            elif t is cst.AssignTarget and type(n.target) is cst.Name:
                skip.add(id(n.target))
            elif t is cst.FunctionDef or t is cst.ClassDef:
                skip.add(id(n.name))
            elif t is cst.Import or t is cst.ImportFrom:
                for m in _walk(n):
                    skip.add(id(m))
            kids = children_of(n)
            if kids:
                stack.extend(kids)
                flags.extend([inside or t in SCOPE_TYPES] * len(kids))
    out: dict[int, set[int]] = {}
    for name in wanted - nested:
        (at, imp, alias), = aliases[name]
        after = [r for r in rebinds.get(name, ()) if r > at]
        if after and all(any(at < r < i for r in after) for i in reads.get(name, ())):
            out.setdefault(id(imp), set()).add(id(alias))
    return out


def _legacy_import_names(stmt: cst.SimpleStatementLine) -> list[str]:
    out = []
    for b in stmt.body:
        if isinstance(b, cst.Import):
            out += [dotted(a.name) or "" for a in b.names if (dotted(a.name) or "").split(".")[0] in LEGACY_ROOTS
                    and not (dotted(a.name) or "").startswith("tensorflow.keras")]
        elif isinstance(b, cst.ImportFrom) and b.module is not None and not b.relative:
            mod = dotted(b.module) or ""
            if mod.split(".")[0] in LEGACY_ROOTS and not mod.startswith("tensorflow.keras"):
                if mod == "tensorflow" and not isinstance(b.names, cst.ImportStar) and all(
                        dotted(a.name) == "keras" for a in b.names):
                    continue
                out.append(mod)
    return out
