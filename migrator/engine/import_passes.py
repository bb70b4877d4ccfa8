"""The import passes after the rules: add the imports rules asked for (``import keras``), remove
the legacy imports nothing reads any more.

The same results as libcst's ``AddImportsVisitor`` / ``RemoveImportsVisitor`` (ported here for
the cases the engine meets: absolute imports, no ``__future__`` request), without importing
``libcst.codemod`` - whose matchers package alone costs about 0.2 s of a one-file run. Requests
sit in the context's ``scratch`` under libcst's keys, in libcst's shapes, so a rule may still
schedule with libcst's static methods; anything else (a relative or ``__future__`` request, an
unused-import decision ``fastimports`` cannot make) goes to libcst's visitors
(``libcst_passes``). ``MIGRATOR_CHECK_IMPORTS=1`` runs libcst's beside ours and fails on a
difference (the tests)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import libcst as cst

from .import_add import TopImportsAdder
from .import_remove import ImportsRemover

ADD_KEY = "AddImportsVisitor"        # libcst's scratch keys
REMOVE_KEY = "RemoveImportsVisitor"


@dataclass(frozen=True)
class CodemodContext:
    """What libcst's ``CodemodContext`` holds (same fields; libcst's visitors accept it)."""

    warnings: list = field(default_factory=list)
    scratch: dict = field(default_factory=dict)
    filename: str | None = None
    full_module_name: str | None = None
    full_package_name: str | None = None
    wrapper: Any = None
    metadata_manager: Any = None


class ImportItem(NamedTuple):
    """libcst's ``ImportItem`` for an absolute import (the attributes its visitor reads)."""

    module_name: str
    obj_name: str | None = None
    alias: str | None = None
    relative: int = 0

    @property
    def module(self) -> str:
        return self.module_name

    def resolve_relative(self, package_name: str | None) -> "ImportItem":
        return self


def add_needed_import(context, module: str, obj: str | None = None, asname: str | None = None) -> None:
    """``AddImportsVisitor.add_needed_import``: schedule ``import module`` / ``from module import
    obj`` (``as asname``)."""
    if module == "__future__" and obj is None:
        raise ValueError("Cannot import __future__ directly!")
    context.scratch[ADD_KEY] = [*context.scratch.get(ADD_KEY, []), ImportItem(module, obj, asname)]


def remove_unused_import(context, module: str, obj: str | None = None, asname: str | None = None) -> None:
    """``RemoveImportsVisitor.remove_unused_import``: remove it if nothing reads it."""
    context.scratch[REMOVE_KEY] = [*context.scratch.get(REMOVE_KEY, []), (module, obj, asname)]


def run_import_passes(context, tree: cst.Module) -> cst.Module:
    """What ``CodemodCommand`` runs after a transform: the add pass, then the remove pass, each
    only when something was scheduled."""
    check = bool(os.environ.get("MIGRATOR_CHECK_IMPORTS"))
    ours = context.full_package_name is None  # (relative imports: libcst resolves them)
    if ADD_KEY in context.scratch:
        items = context.scratch[ADD_KEY]
        if ours and all(type(i) is ImportItem and not i.module_name.startswith(".") and i.module_name != "__future__"
               for i in items):
            out = tree.visit(TopImportsAdder(items))
            if check:
                _same(out, _libcst_pass("add", context, tree), "addition")
        else:
            out = _libcst_pass("add", context, tree)
        tree = out
    if REMOVE_KEY in context.scratch:
        from ..fastimports import unused_imports

        remover = ImportsRemover(context.scratch[REMOVE_KEY])
        fast = unused_imports(tree, remover.scheduled) if ours else None
        if fast is None:
            out = _libcst_pass("remove", context, tree)
        else:
            remover.unused = fast
            out = tree.visit(remover)
            if check:
                _same(out, _libcst_pass("remove", context, tree), "unused-import removal")
        tree = out
    return tree


def _libcst_pass(which: str, context, tree: cst.Module) -> cst.Module:
    from . import libcst_passes

    return libcst_passes.run(which, context, tree)


def _same(ours: cst.Module, libcst_out: cst.Module, what: str) -> None:
    if ours.code != libcst_out.code:
        raise AssertionError(f"fast {what} differs from libcst's")
