"""The remove pass: libcst's ``RemoveImportsVisitor`` ported, with ``fastimports``' decision of
which scheduled imports nobody reads."""
from __future__ import annotations

from typing import Any

import libcst as cst

from .import_add import from_module
from .shims import NoAttributeHooks


_REMOVER_SKIPS: dict[type, bool] = {}  # node type -> no import below it (expressions, small statements)


class ImportsRemover(NoAttributeHooks, cst.CSTTransformer):
    """Remove the scheduled import aliases that ``fastimports.unused_imports`` found unused;
    a statement left without names goes, a trailing comma goes with its alias, comments after a
    removed alias's comma move to the previous one."""

    def __init__(self, requests) -> None:
        super().__init__()
        self.unused_module_imports = {module: alias for module, obj, alias in requests if obj is None}
        self.unused_obj_imports: dict[str, set[tuple[str, str | None]]] = {}
        for module, obj, alias in requests:
            if obj is not None:
                self.unused_obj_imports.setdefault(module, set()).add((obj, alias))
        self.unused: dict = {}

    def scheduled(self, alias: cst.ImportAlias, stmt: cst.CSTNode) -> bool:
        """The match the hooks apply before asking about use."""
        if isinstance(stmt, cst.Import):
            name = alias.evaluated_name
            return name in self.unused_module_imports and alias.evaluated_alias == self.unused_module_imports[name]
        module = from_module(stmt)  # type: ignore[arg-type]
        if module is None or module not in self.unused_obj_imports:
            return False
        return any(n == alias.evaluated_name and a == alias.evaluated_alias
                   for n, a in self.unused_obj_imports[module])

    def on_visit(self, node: cst.CSTNode) -> bool:
        t = type(node)
        skip = _REMOVER_SKIPS.get(t)
        if skip is None:
            skip = _REMOVER_SKIPS[t] = isinstance(node, cst.BaseExpression) or (
                isinstance(node, cst.BaseSmallStatement) and not isinstance(node, (cst.Import, cst.ImportFrom)))
        if skip or t is cst.FunctionDef or t is cst.ClassDef:
            # (the fast decision holds no import of a def / class body: unused_imports hands a
            # file with a scheduled import there to libcst)
            return False
        return super().on_visit(node)

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import):
        names_to_keep = []
        for import_alias in original_node.names:
            name = import_alias.evaluated_name
            if (name not in self.unused_module_imports
                    or import_alias.evaluated_alias != self.unused_module_imports[name]
                    or import_alias not in self.unused):
                names_to_keep.append(import_alias)
        if names_to_keep == original_node.names:
            return updated_node
        return _keep(updated_node, names_to_keep, original_node.names, {})

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom):
        names = original_node.names
        if isinstance(names, cst.ImportStar):
            return updated_node
        module = from_module(updated_node)
        if module is None or module not in self.unused_obj_imports:
            return updated_node
        to_remove = self.unused_obj_imports[module]
        updates: dict[str, Any] = {}
        names_to_keep: list[cst.ImportAlias] = []
        for import_alias in names:
            if not any(n == import_alias.evaluated_name and a == import_alias.evaluated_alias
                       for n, a in to_remove) or import_alias not in self.unused:
                names_to_keep.append(import_alias)
                continue
            # removed: comments after its comma go to the previous alias (or the open paren)
            comma = import_alias.comma
            if isinstance(comma, cst.Comma):
                if names_to_keep:
                    prev = names_to_keep[-1]
                    if isinstance(prev.comma, cst.Comma):
                        prev = prev.with_deep_changes(prev.comma, whitespace_after=_merge_whitespace_after(
                            prev.comma.whitespace_after, comma.whitespace_after))
                    else:
                        prev = prev.with_changes(comma=comma)
                    names_to_keep[-1] = prev
                else:
                    lpar = updated_node.lpar
                    if isinstance(lpar, cst.LeftParen):
                        updates["lpar"] = lpar.with_changes(whitespace_after=_merge_whitespace_after(
                            lpar.whitespace_after, comma.whitespace_after))
        if names_to_keep == list(names):
            return updated_node
        return _keep(updated_node, names_to_keep, names, updates)


def _keep(updated_node, names_to_keep: list, names, updates: dict):
    if len(names_to_keep) == 0:
        return cst.RemoveFromParent()
    if names_to_keep[-1] != names[-1]:
        names_to_keep = [*names_to_keep[:-1], names_to_keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    updates["names"] = names_to_keep
    return updated_node.with_changes(**updates)


def _merge_whitespace_after(left, right):
    if not isinstance(right, cst.ParenthesizedWhitespace):
        return left
    if not isinstance(left, cst.ParenthesizedWhitespace):
        return right
    return left.with_changes(empty_lines=tuple(line for line in right.empty_lines if line.comment is not None))
