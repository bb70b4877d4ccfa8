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
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import libcst as cst

from .shims import NoAttributeHooks

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


# -- addition (libcst's AddImportsVisitor, for the module's leading imports) -----------------

def _single_import(stmt: cst.CSTNode) -> cst.Import | cst.ImportFrom | None:
    if type(stmt) is cst.SimpleStatementLine and len(stmt.body) == 1 and type(stmt.body[0]) in (
            cst.Import, cst.ImportFrom):
        return stmt.body[0]  # type: ignore[return-value]
    return None


def _skip_first(module: cst.Module) -> bool:
    """A ``__strict__ = ...`` line or a docstring first: never insert before it."""
    if not module.body or type(module.body[0]) is not cst.SimpleStatementLine or len(module.body[0].body) != 1:
        return False
    small = module.body[0].body[0]
    if type(small) is cst.Assign:
        return (len(small.targets) == 1 and type(small.targets[0].target) is cst.Name
                and small.targets[0].target.value == "__strict__")
    return type(small) is cst.Expr and type(small.value) is cst.SimpleString


def _from_module(node: cst.ImportFrom) -> str | None:
    """The absolute module of ``from X import ...`` (None: relative, no package known)."""
    if node.relative:
        return None
    from libcst.helpers import get_full_name_for_node

    return get_full_name_for_node(node.module) if node.module is not None else None


class TopImportsAdder(NoAttributeHooks, cst.CSTTransformer):
    """Ensure the requested imports exist: extend a leading ``from X import`` of the same module,
    else new lines after the leading import block (libcst's order and layout)."""

    def __init__(self, items) -> None:
        super().__init__()
        imps = list(items)
        self.module_imports = {i.module for i in imps if i.obj_name is None and i.alias is None}
        from_imports = {i.module for i in imps if i.obj_name is not None and i.alias is None}
        self.module_mapping: dict[str, set[str]] = {
            mod: {i.obj_name for i in imps if i.module == mod and i.obj_name is not None and i.alias is None}
            for mod in sorted(from_imports)}
        self.module_aliases = {i.module: i.alias for i in imps if i.obj_name is None and i.alias is not None}
        from_aliases = {i.module for i in imps if i.obj_name is not None and i.alias is not None}
        self.alias_mapping: dict[str, list[tuple[str, str]]] = {
            mod: [(i.obj_name, i.alias) for i in imps if i.module == mod and i.obj_name is not None
                  and i.alias is not None]
            for mod in sorted(from_aliases)}
        self.head: set[int] = set()

    def visit_Module(self, node: cst.Module) -> None:
        # what the leading imports already bind (libcst's _GatherTopImportsBeforeStatements)
        module_imports: set[str] = set()
        module_aliases: dict[str, str] = {}
        alias_mapping: dict[str, list[tuple[str, str]]] = {}
        object_mapping: dict[str, set[str]] = {}
        body = node.body
        self.head = {id(s) for s in body[:1]}
        for stmt in body[1 if _skip_first(node) else 0:]:
            imp = _single_import(stmt)
            if imp is None:
                break
            self.head.add(id(stmt))
            if type(imp) is cst.Import:
                for name in imp.names:
                    alias = name.evaluated_alias
                    if alias is not None:
                        module_aliases[name.evaluated_name] = alias
                    else:
                        module_imports.add(name.evaluated_name)
                continue
            module = _from_module(imp)  # type: ignore[arg-type]
            if module is None:
                continue
            if isinstance(imp.names, cst.ImportStar):
                object_mapping[module] = set("*")
                continue
            new_aliases = [(ia.evaluated_name, ia.evaluated_alias) for ia in imp.names if ia.asname is not None]
            if new_aliases:
                alias_mapping.setdefault(module, []).extend(new_aliases)  # type: ignore[arg-type]
            new_objects = {ia.evaluated_name for ia in imp.names if ia.asname is None}
            if new_objects:
                object_mapping.setdefault(module, set())
                if "*" in object_mapping[module]:
                    object_mapping[module] = set("*")
                    continue
                object_mapping[module].update(new_objects)
        self._heads = [s.body[0] for s in body if id(s) in self.head and _single_import(s) is not None]
        # (libcst's AddImportsVisitor.visit_Module)
        self.module_imports -= module_imports
        for module, alias in module_aliases.items():
            if module in self.module_aliases and self.module_aliases[module] == alias:
                del self.module_aliases[module]
        for module, aliases in alias_mapping.items():
            for obj, alias in aliases:
                if module in self.alias_mapping and (obj, alias) in self.alias_mapping[module]:
                    self.alias_mapping[module].remove((obj, alias))
                    if len(self.alias_mapping[module]) == 0:
                        del self.alias_mapping[module]
        for module, objs in object_mapping.items():
            if module not in self.module_mapping:
                continue
            if "*" in objs:
                del self.module_mapping[module]
            else:
                self.module_mapping[module] = self.module_mapping[module] - objs
                if not self.module_mapping[module]:
                    del self.module_mapping[module]

    def on_visit(self, node: cst.CSTNode) -> bool:
        # only the module's leading import lines can change
        if isinstance(node, cst.BaseStatement) and id(node) not in self.head:
            return False
        return super().on_visit(node)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        if not any(original_node is h for h in self._heads):
            return updated_node
        module = _from_module(updated_node)
        if module is None or module not in self.module_mapping and module not in self.alias_mapping:
            return updated_node
        imports_to_add = self.module_mapping.pop(module, [])
        aliases_to_add = self.alias_mapping.pop(module, [])
        return updated_node.with_changes(names=[
            *(cst.ImportAlias(name=cst.Name(imp)) for imp in sorted(imports_to_add)),
            *(cst.ImportAlias(name=cst.Name(imp), asname=cst.AsName(name=cst.Name(alias)))
              for (imp, alias) in sorted(aliases_to_add)),
            *updated_node.names,
        ])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not (self.module_imports or self.module_mapping or self.module_aliases or self.alias_mapping):
            return updated_node
        before = add_at = 1 if _skip_first(original_node) else 0
        for i, statement in enumerate(original_node.body[before:]):
            if _single_import(statement) is None:
                break
            add_at = i + before + 1
        body = list(updated_node.body)
        after = body[add_at:]
        if after:  # at least one empty line before the first non-import
            lines = after[0].leading_lines
            if len(lines) == 0:
                after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(),))
            elif lines[0].comment is not None:
                after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(), *lines))
        by_module: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for module, aliases in self.alias_mapping.items():
            by_module[module].extend(aliases)
        for module, objs in self.module_mapping.items():
            by_module[module].extend([(obj, None) for obj in objs])
        config = updated_node.config_for_parsing

        def line(text: str) -> cst.BaseStatement:
            return cst.parse_statement(text, config=config)

        def from_line(module: str, aliases) -> cst.BaseStatement:
            return line(f"from {module} import " + ", ".join(
                obj if alias is None else f"{obj} as {alias}" for (obj, alias) in sorted(aliases)))

        return updated_node.with_changes(body=(
            *body[:before],
            *body[before:add_at],
            *[line(f"import {module}") for module in sorted(self.module_imports)],
            *[line(f"import {module} as {asname}") for (module, asname) in self.module_aliases.items()],
            *[from_line(module, aliases) for module, aliases in by_module.items()],
            *after,
        ))


# -- removal (libcst's RemoveImportsVisitor, with fastimports' decision) ---------------------

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
        module = _from_module(stmt)  # type: ignore[arg-type]
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
        module = _from_module(updated_node)
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
