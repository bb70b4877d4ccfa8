"""The add pass: libcst's ``AddImportsVisitor`` ported (absolute imports, no ``__future__``
request) - the requested imports, in the module's leading import block."""
from __future__ import annotations

from collections import defaultdict

import libcst as cst

from .shims import NoAttributeHooks


def _single_import(stmt: cst.CSTNode) -> cst.Import | cst.ImportFrom | None:
    if type(stmt) is cst.SimpleStatementLine and len(stmt.body) == 1 and type(stmt.body[0]) in (
            cst.Import, cst.ImportFrom):
        return stmt.body[0]  # type: ignore[return-value]
    return None


NOTEBOOK_CELL = "__tflearn_migrate_cell__"  # notebooks.CELL (not imported: notebooks is not an engine module)


def _skip_first(module: cst.Module) -> bool:
    """A ``__strict__ = ...`` line, a docstring or a notebook's first cell marker first (the
    imports then go into that cell, as they did when the cell's own imports followed it): never
    insert before it."""
    if not module.body or type(module.body[0]) is not cst.SimpleStatementLine or len(module.body[0].body) != 1:
        return False
    small = module.body[0].body[0]
    if type(small) is cst.Expr and type(small.value) is cst.Call and type(small.value.func) is cst.Name \
            and small.value.func.value == NOTEBOOK_CELL:
        return True
    if type(small) is cst.Assign:
        return (len(small.targets) == 1 and type(small.targets[0].target) is cst.Name
                and small.targets[0].target.value == "__strict__")
    return type(small) is cst.Expr and type(small.value) is cst.SimpleString


def from_module(node: cst.ImportFrom) -> str | None:
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
            module = from_module(imp)  # type: ignore[arg-type]
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
        module = from_module(updated_node)
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


