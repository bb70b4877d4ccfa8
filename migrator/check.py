"""Checks on migrated sources (no TensorFlow import): what legacy code is left?

``legacy_refs_outside_todo(source)`` lists every reference to a tflearn / TensorFlow name
that is NOT on a statement carrying a ``# TODO(tflearn-migrate): ...`` marker: the
migrator's promise is that nothing legacy stays unmarked. Tests of every work package
use it on migrated fixtures.

A reference is an import of a legacy module, or a use of a name that such an import
bound (``tflearn.conv_2d``, ``tf.placeholder``, ``conv_2d`` after
``from tflearn.layers.conv import conv_2d``, names from ``from tflearn import *``).
A statement counts as TODO-marked when the marker is in its trailing comment or in a
comment line directly above it (how the engine writes markers); a compound statement
(``def``/``with``/``if`` ...) is marked for its header only, nested statements need their
own marker.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from . import TODO_MARKER
from .names import dotted

LEGACY = ("tflearn", "tensorflow")

_COMPOUND = (cst.If, cst.For, cst.While, cst.With, cst.FunctionDef, cst.ClassDef, cst.Try)


def _matches(module: str, roots: Sequence[str]) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


def _bindings(module: cst.Module, roots: Sequence[str]) -> dict[str, str]:
    """local name -> legacy module/object it is bound to by an import (anywhere in the file)."""
    out: dict[str, str] = {}
    star: list[str] = []
    for node in _walk(module):
        if isinstance(node, cst.Import):
            for a in node.names:
                full = dotted(a.name) or ""
                if not _matches(full, roots):
                    continue
                if a.asname is not None:
                    out[dotted(a.asname.name) or ""] = full
                else:
                    out[full.split(".")[0]] = full.split(".")[0]
        elif isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
            mod = dotted(node.module) or ""
            if not _matches(mod, roots):
                continue
            if isinstance(node.names, cst.ImportStar):
                star.append(mod)
                continue
            for a in node.names:
                local = dotted(a.asname.name) if a.asname is not None else dotted(a.name)
                out[local or ""] = f"{mod}.{dotted(a.name)}"
    if star:
        from .names import star_names

        for mod in star:
            for name, target in star_names(mod).items():
                if _matches(target, roots):
                    out.setdefault(name, target)
    return out


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    from .cstcache import walk_fresh

    return walk_fresh(node)


def _marked(stmt: cst.CSTNode) -> bool:
    comments = [l.comment.value for l in getattr(stmt, "leading_lines", ()) if l.comment is not None]
    if isinstance(stmt, cst.SimpleStatementLine) and stmt.trailing_whitespace.comment is not None:
        comments.append(stmt.trailing_whitespace.comment.value)
    if isinstance(stmt, _COMPOUND):
        body = getattr(stmt, "body", None)
        header = getattr(body, "header", None)  # ``def f():  # TODO...``
        if isinstance(header, cst.TrailingWhitespace) and header.comment is not None:
            comments.append(header.comment.value)
    return any(TODO_MARKER in c for c in comments)


def _headers(stmt: cst.CSTNode) -> list[cst.CSTNode]:
    if isinstance(stmt, cst.SimpleStatementLine):
        return [stmt]
    if isinstance(stmt, (cst.If, cst.While)):
        return [stmt.test]
    if isinstance(stmt, cst.For):
        return [stmt.target, stmt.iter]
    if isinstance(stmt, cst.With):
        return list(stmt.items)
    if isinstance(stmt, cst.FunctionDef):
        return [stmt.params, *stmt.decorators] + ([stmt.returns] if stmt.returns else [])
    if isinstance(stmt, cst.ClassDef):
        return [*stmt.bases, *stmt.keywords, *stmt.decorators]
    if isinstance(stmt, cst.Try):
        return [h.type for h in stmt.handlers if h.type is not None]
    return []


class _Refs(cst.CSTVisitor):
    def __init__(self, names: dict[str, str], roots: Sequence[str]) -> None:
        self.names = names
        self.roots = roots
        self.found: list[tuple[cst.CSTNode, str]] = []

    def visit_Import(self, n: cst.Import) -> bool:
        for a in n.names:
            full = dotted(a.name) or ""
            if _matches(full, self.roots):
                self.found.append((n, full))
        return False

    def visit_ImportFrom(self, n: cst.ImportFrom) -> bool:
        mod = dotted(n.module) if n.module is not None else None
        if mod and not n.relative and _matches(mod, self.roots):
            self.found.append((n, mod))
        return False

    def visit_Attribute(self, n: cst.Attribute) -> bool:
        d = dotted(n)
        if d is not None:
            head = d.split(".")[0]
            if head in self.names:
                self.found.append((n, self.names[head] + d[len(head):]))
            return False
        return True

    def visit_Name(self, n: cst.Name) -> None:
        if n.value in self.names:
            self.found.append((n, self.names[n.value]))

    def visit_Arg(self, n: cst.Arg) -> bool:
        n.value.visit(self)  # a keyword name is not a reference
        return False

    def visit_Param(self, n: cst.Param) -> bool:
        for part in (n.annotation, n.default):
            if part is not None:
                part.visit(self)
        return False

    def visit_AssignTarget(self, n: cst.AssignTarget) -> bool:
        return isinstance(n.target, (cst.Attribute, cst.Subscript))  # ``x = ...`` rebinds, no use


def legacy_refs_outside_todo(source: str, roots: Sequence[str] = LEGACY) -> list[tuple[int, str]]:
    """``(line, dotted legacy name)`` for each tflearn/TensorFlow reference (imports and uses
    of imported names) on a statement without a TODO(tflearn-migrate) marker. ``roots``
    restricts the check (``("tflearn",)`` for tflearn only)."""
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    names = _bindings(module, roots)
    # a legacy name the module rebinds (``regression = regression(net, ...)``): module-level
    # statements after the rebinding read the new value (the migrator's own rule, engine/legacy_refs.py)
    from .engine import TopRebinds

    rebinds = TopRebinds(module, names)
    out: list[tuple[int, str]] = []
    for stmt in _walk(module):
        if not isinstance(stmt, (cst.SimpleStatementLine,) + _COMPOUND):
            continue
        if _marked(stmt):
            continue
        shadow = rebinds.shadowed(stmt)
        v = _Refs({k: val for k, val in names.items() if k not in shadow} if shadow else names, roots)
        for part in _headers(stmt):
            part.visit(v)
        for node, name in v.found:
            out.append((positions[node].start.line, name))
    return sorted(set(out))


__all__ = ["legacy_refs_outside_todo", "LEGACY"]
