"""Helpers in a migrated file: pasted after the imports (single-file runs) or imported from the
output directory's helpers module (directory runs)."""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _walk  # pre-order, memoised children
from ..helpers import HELPER_MARKER, HELPERS, defines
from ..names import dotted
from ..options import Options
from .context import FileContext
from .finish_imports import after_imports


# helper name -> (its code, its parsed statements): parsed once per process (libcst nodes are
# immutable; a tree may share them with other files' trees)
_BODIES: dict[str, tuple[str, tuple[cst.BaseStatement, ...]]] = {}


def _helper_body(name: str) -> tuple[cst.BaseStatement, ...]:
    code = HELPERS[name].code
    hit = _BODIES.get(name)
    if hit is None or hit[0] != code:
        hit = _BODIES[name] = (code, tuple(cst.parse_module(code).body))
    return hit[1]


def insert_helpers(fctx: FileContext, options: Options, module: cst.Module) -> cst.Module:
    """Single-file runs: each helper's definition after the imports, under its marker comment
    (directory runs: only the helpers' own imports the file's code reads too)."""
    if not fctx.helpers:
        return module
    defined = {s.name.value for s in module.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))}
    if options.helpers_module:  # imported once the import passes ran
        # a helper's own imports the file's code reads too (a rule relying on them)
        read = {n.value for n in _walk(module) if isinstance(n, cst.Name)}
        for name in fctx.helpers:
            for mod, obj, asname in HELPERS[name].imports:
                if (asname or obj or mod.split(".")[0]) in read:
                    fctx.add_import(mod, obj, asname)
        return module
    new_stmts: list[cst.BaseStatement] = []
    for name in fctx.helpers:
        if name in defined:
            continue
        body = _helper_body(name)
        first = body[0].with_changes(leading_lines=[
            cst.EmptyLine(), cst.EmptyLine(),
            cst.EmptyLine(comment=cst.Comment(f"{HELPER_MARKER} {name}"))])
        new_stmts.extend([first, *body[1:]])
    if not new_stmts:
        return module
    idx = after_imports(module)
    rest = list(module.body[idx:])
    if rest:
        rest[0] = rest[0].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()] + [
            l for l in rest[0].leading_lines if l.comment is not None])
    return module.with_changes(body=list(module.body[:idx]) + new_stmts + rest)

def import_helpers(fctx: FileContext, options: Options, module: cst.Module,
                   defined: set[str]) -> cst.Module:
    """Directory runs: ``from <helpers module> import ...`` (the names the file reads)
    after the imports, merged into that import when the file already has one."""
    name = options.helpers_module
    wanted = {b for n in fctx.helpers for b in defines(n)} - defined
    if not wanted:
        return module
    read = {n.value for n in _walk(module) if isinstance(n, cst.Name)}
    names = wanted & read
    body = list(module.body)
    at = None
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 \
                and isinstance(stmt.body[0], cst.ImportFrom) and not stmt.body[0].relative \
                and stmt.body[0].module is not None and dotted(stmt.body[0].module) == name \
                and not isinstance(stmt.body[0].names, cst.ImportStar):
            names |= {dotted(a.name) for a in stmt.body[0].names}
            at = i
    if not names:
        return module
    text = f"from {name} import {', '.join(sorted(names))}"
    if len(text) > 100:
        text = f"from {name} import (\n" + "".join(f"    {n},\n" for n in sorted(names)) + ")"
    new = cst.parse_statement(text + "\n")
    if at is not None:
        if body[at].deep_equals(new.with_changes(leading_lines=body[at].leading_lines)):
            return module
        body[at] = new.with_changes(leading_lines=body[at].leading_lines)
    else:
        idx = after_imports(module)
        body.insert(idx, new)
    return module.with_changes(body=body)
