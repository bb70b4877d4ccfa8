"""The import lines a migration added, placed the way isort / ruff's ``I`` rules would.

The add pass (libcst's order) appends new imports after the module's leading import block:
``import keras`` after ``from sklearn.datasets import load_digits``, or right under
``from __future__ import ...`` with no blank line. This pass moves each ADDED line (one whose
text is not a top-level import of the source) into its section - ``__future__``, standard
library, third party, first party (relative imports and the directory's helpers module) - at
the place isort's default profile sorts it: within a section, ``import x`` lines before
``from x import`` lines, each by module name, case-insensitively; one blank line between
sections. The user's own import lines stay where they are, in their order, with their comments;
a section the user did not sort gets the new line before its first line that sorts after it.
"""
from __future__ import annotations

import sys

import libcst as cst

from ..names import dotted
from .import_add import _single_import as _import  # one import per line, else None

_FUTURE, _STDLIB, _THIRD, _FIRST = range(4)
_STDLIB_NAMES = frozenset(sys.stdlib_module_names)
_EMPTY = cst.Module(body=[])


def _module_of(imp: cst.Import | cst.ImportFrom) -> str:
    if type(imp) is cst.Import:
        return dotted(imp.names[0].name) or ""
    return ("." * len(imp.relative)) + (dotted(imp.module) or "" if imp.module is not None else "")


def _section(imp: cst.Import | cst.ImportFrom, first_party: frozenset[str]) -> int:
    mod = _module_of(imp)
    if mod == "__future__":
        return _FUTURE
    if mod.startswith("."):
        return _FIRST
    top = mod.split(".")[0]
    if top in first_party:
        return _FIRST
    return _STDLIB if top in _STDLIB_NAMES else _THIRD


def _key(imp: cst.Import | cst.ImportFrom) -> tuple[int, str]:
    return (0 if type(imp) is cst.Import else 1, _module_of(imp).lower())


def _text(stmt: cst.BaseStatement) -> str:
    return _EMPTY.code_for_node(stmt.with_changes(leading_lines=())).strip()


def _leading_block(body) -> tuple[int, int]:
    """[start, end) of the leading import lines (after a docstring / ``__strict__``)."""
    start = 0
    if body and type(body[0]) is cst.SimpleStatementLine and len(body[0].body) == 1:
        small = body[0].body[0]
        if type(small) is cst.Expr and type(small.value) in (cst.SimpleString, cst.ConcatenatedString):
            start = 1
    end = start
    while end < len(body) and _import(body[end]) is not None:
        end += 1
    return start, end


def order_new_imports(source: cst.Module, new: cst.Module, first_party=()) -> cst.Module:
    """``new`` with the import lines it added (not in ``source``) moved to their isort place."""
    first = frozenset(first_party)
    old = {_text(s) for s in source.body if _import(s) is not None}
    body = list(new.body)
    start, end = _leading_block(body)
    block = body[start:end]
    added = [s for s in block if _text(s) not in old]
    if not added or len(added) == len(block) and len(block) == 1:
        return new
    kept = [s for s in block if _text(s) in old]
    for stmt in sorted(added, key=lambda s: _key(_import(s))):  # type: ignore[arg-type]
        kept = _insert(kept, stmt, first)
    if [id(s) for s in kept] == [id(s) for s in block] and all(
            a.leading_lines == b.leading_lines for a, b in zip(kept, block)):
        return new
    if kept and start == 0:  # the first line of the module carries no blank line before it
        kept[0] = kept[0].with_changes(leading_lines=[l for l in kept[0].leading_lines if l.comment is not None])
    return new.with_changes(body=body[:start] + kept + body[end:])


def _blank(stmt: cst.BaseStatement) -> cst.BaseStatement:
    """``stmt`` with one blank line before it (its comment lines kept)."""
    lines = list(stmt.leading_lines)
    if lines and lines[0].comment is None:
        return stmt
    return stmt.with_changes(leading_lines=[cst.EmptyLine(), *lines])


def _insert(lines: list, stmt: cst.BaseStatement, first: frozenset[str]) -> list:
    imp = _import(stmt)
    sec, key = _section(imp, first), _key(imp)  # type: ignore[arg-type]
    secs = [_section(_import(s), first) for s in lines]  # type: ignore[arg-type]
    group = [i for i, s in enumerate(secs) if s == sec]
    stmt = stmt.with_changes(leading_lines=())
    out = list(lines)
    if group:
        lo, hi = group[0], group[-1]
        at = next((i for i in range(lo, hi + 1) if secs[i] == sec and _key(_import(out[i])) > key), None)
        if at is None:  # after the section's last line
            out.insert(hi + 1, stmt)
            return out
        # before ``out[at]``: the new line takes its blank lines, it keeps its comments
        blanks = [l for l in out[at].leading_lines if l.comment is None]
        if at == lo and blanks:
            stmt = stmt.with_changes(leading_lines=blanks[:1])
            out[at] = out[at].with_changes(leading_lines=[l for l in out[at].leading_lines if l.comment is not None])
        out.insert(at, stmt)
        return out
    # a new section: after the last line of an earlier section, blank lines around it
    at = max((i + 1 for i, s in enumerate(secs) if s < sec), default=0)
    if at > 0:
        stmt = _blank(stmt)
    if at < len(out):
        out[at] = _blank(out[at])
    out.insert(at, stmt)
    return out
