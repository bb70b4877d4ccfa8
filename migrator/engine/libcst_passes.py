"""libcst's own ``AddImportsVisitor`` / ``RemoveImportsVisitor`` (imported only when needed):
where ``import_passes`` hands a file to libcst (a relative / ``__future__`` request, an
unused-import decision that needs libcst's scope analysis) and what ``MIGRATOR_CHECK_IMPORTS=1``
compares ``import_passes`` with. Without the walks that cannot change anything."""
from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from .shims import NoAttributeHooks, SkipCopyWrapper, no_matcher_funcs_for_plain_classes

no_matcher_funcs_for_plain_classes()


def _is_import_line(stmt: cst.CSTNode) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom)))


class _TopImportsAdder(SkipCopyWrapper, NoAttributeHooks, AddImportsVisitor):
    """libcst's ``AddImportsVisitor``, without the walks that cannot change anything.

    It only reads and rewrites the module's leading import statements (the ones before any
    other statement, after a docstring / ``__strict__`` line) and the module itself, so:
    its gatherer is shown just that head of the module (the statements it reads), and the
    transforming pass does not descend into any other statement.
    """

    def visit_Module(self, node: cst.Module) -> None:
        body = node.body
        end = 1
        while end < len(body) and _is_import_line(body[end]):
            end += 1
        self._head = {id(s) for s in body[:end]}
        super().visit_Module(node.with_changes(body=body[:end]))

    def on_visit(self, node: cst.CSTNode) -> bool:
        visit_children = super().on_visit(node)
        if isinstance(node, cst.BaseStatement) and id(node) not in self._head:
            return False
        return visit_children


_REMOVER_SKIPS: dict[type, bool] = {}  # node type -> no import below it (expressions, small statements)


class _ImportsRemover(NoAttributeHooks, RemoveImportsVisitor):
    """libcst's ``RemoveImportsVisitor`` (its own analysis: a deep copy of the tree, scope +
    qualified-name metadata, three visitor passes), whose transforming pass does not rebuild
    expressions and non-import simple statements: its only hooks are on ``Import`` /
    ``ImportFrom`` statements (and the module)."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        visit_children = super().on_visit(node)
        t = type(node)
        skip = _REMOVER_SKIPS.get(t)
        if skip is None:
            skip = _REMOVER_SKIPS[t] = isinstance(node, cst.BaseExpression) or (
                isinstance(node, cst.BaseSmallStatement) and not isinstance(node, (cst.Import, cst.ImportFrom)))
        return False if skip else visit_children


def run(which: str, context, tree: cst.Module) -> cst.Module:
    """libcst's pass ``add`` or ``remove`` (its own unused-import analysis) on ``tree``."""
    if which == "add":
        return _TopImportsAdder(context).transform_module(tree)
    return _ImportsRemover(context).transform_module(tree)
