"""libcst's ``AddImportsVisitor`` / ``RemoveImportsVisitor`` as the engine runs them: the same
decisions, without the walks that cannot change anything."""
from __future__ import annotations

import os

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from .shims import NoAttributeHooks, SkipCopyWrapper

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
    """libcst's ``RemoveImportsVisitor``, whose transforming pass does not rebuild
    expressions and non-import simple statements: its only hooks are on ``Import`` /
    ``ImportFrom`` statements (and the module).

    Which scheduled imports are unused is decided by :mod:`migrator.fastimports` in one
    walk when that walk can tell for certain (nearly always); otherwise by libcst's own
    analysis (a deep copy of the tree, scope + qualified-name metadata, three visitor
    passes), exactly as before. Either way the same imports are removed."""

    _fast: dict | None = None
    _allow_fast = True

    def _scheduled(self, alias: cst.ImportAlias, stmt: cst.CSTNode) -> bool:
        """The match ``leave_Import`` / ``leave_ImportFrom`` apply before asking about use."""
        if isinstance(stmt, cst.Import):
            name = alias.evaluated_name
            return (name in self.unused_module_imports
                    and alias.evaluated_alias == self.unused_module_imports[name])
        from libcst.helpers import get_absolute_module_from_package_for_import

        module = get_absolute_module_from_package_for_import(self.context.full_package_name, stmt)
        if module is None or module not in self.unused_obj_imports:
            return False
        return any(n == alias.evaluated_name and a == alias.evaluated_alias
                   for n, a in self.unused_obj_imports[module])

    def transform_module(self, tree: cst.Module) -> cst.Module:
        from ..fastimports import unused_imports

        fast = unused_imports(tree, self._scheduled) if self._allow_fast else None
        if fast is None:
            return super().transform_module(tree)
        self._fast = fast
        out = tree.visit(self)  # no metadata: the hooks only read the decision
        if os.environ.get("MIGRATOR_CHECK_IMPORTS"):  # tests: the same as libcst's analysis
            slow = _SlowImportsRemover(self.context).transform_module(tree)
            if slow.code != out.code:
                raise AssertionError("fast unused-import removal differs from libcst's")
        return out

    def visit_Module(self, node: cst.Module) -> None:
        if self._fast is not None:
            self._unused_imports = self._fast
        else:
            super().visit_Module(node)

    def on_visit(self, node: cst.CSTNode) -> bool:
        visit_children = super().on_visit(node)
        t = type(node)
        skip = _REMOVER_SKIPS.get(t)
        if skip is None:
            skip = _REMOVER_SKIPS[t] = isinstance(node, cst.BaseExpression) or (
                isinstance(node, cst.BaseSmallStatement) and not isinstance(node, (cst.Import, cst.ImportFrom)))
        if skip or (self._fast is not None and (t is cst.FunctionDef or t is cst.ClassDef)):
            # (the fast decision holds no import of a def / class body: unused_imports hands a
            # file with a scheduled import there to libcst)
            return False
        return visit_children


class _SlowImportsRemover(_ImportsRemover):
    _allow_fast = False


IMPORT_PASSES = {AddImportsVisitor: _TopImportsAdder, RemoveImportsVisitor: _ImportsRemover}
