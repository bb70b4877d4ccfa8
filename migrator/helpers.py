"""Helper definitions that migrated code may need (pure Keras 3 / NumPy).

Some tflearn behaviour has no one-call Keras equivalent (e.g. tflearn's
``data_utils.shuffle``). Rules ask for a helper with ``ctx.use_helper(name)``; the
engine then inserts its definition once, after the module's imports, under a marker
comment. Helper code must never import TensorFlow.

The helpers are real code in ``migrator/helper_src/*.py`` (linted, tested, importable where
Keras is): ``register_source`` reads a helper's text from its module's file with ``ast`` and
registers it; the rewriter never imports those modules.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

HELPER_MARKER = "# tflearn-migrate helper:"


@dataclass(frozen=True)
class Helper:
    name: str
    code: str  # defines ``name`` at module level
    imports: tuple[tuple[str, str | None, str | None], ...] = ()  # (module, obj, asname)
    requires: tuple[str, ...] = field(default=())  # other helpers it uses


HELPERS: dict[str, Helper] = {}


def register(name: str, code: str, imports=(), requires=()) -> Helper:
    h = Helper(name, code.strip("\n") + "\n", tuple(imports), tuple(requires))
    existing = HELPERS.get(name)
    if existing is not None and existing != h:
        raise ValueError(f"helper {name!r} registered twice with different code")
    HELPERS[name] = h
    return h


# ---------------------------------------------------------------------------------------
# helpers written as real code (migrator/helper_src/*.py), read as text, never imported
# ---------------------------------------------------------------------------------------

SOURCE_PACKAGE = Path(__file__).resolve().parent / "helper_src"
SOURCE_OF: dict[str, str] = {}  # helper -> the helper_src module its code was read from
_SOURCES: dict[str, tuple[list[str], list]] = {}


def _source(module: str) -> tuple[list[str], list]:
    """``helper_src/<module>.py``: its lines and its top-level statements (parsed once)."""
    hit = _SOURCES.get(module)
    if hit is None:
        import ast

        text = (SOURCE_PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        hit = _SOURCES[module] = (text.splitlines(keepends=True), ast.parse(text).body)
    return hit


def _bound(node) -> set[str]:
    import ast

    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    return set()


def source_text(module: str, name: str, also=()) -> str:
    """The text of the top-level statements of ``helper_src/<module>.py`` that bind ``name``
    and ``also`` (one contiguous run: decorators and the comments between them included)."""
    lines, body = _source(module)
    wanted = {name, *also}
    at = [i for i, node in enumerate(body) if _bound(node) & wanted]
    found = {b for i in at for b in _bound(body[i])}
    if not at or not set(also) <= found or (name not in found and not also):  # a group: name binds nothing
        raise ValueError(f"helper_src/{module}.py does not define {sorted(wanted)}")
    if at != list(range(at[0], at[-1] + 1)):
        raise ValueError(f"helper_src/{module}.py: {sorted(wanted)} are not one run of statements")
    first = body[at[0]]
    start = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", ())])
    return "".join(lines[start - 1:body[at[-1]].end_lineno])


def source_imports(module: str, code: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """The absolute imports of ``helper_src/<module>.py`` that ``code`` reads, in the module's
    order (its relative imports are other helpers: ``requires``)."""
    import ast

    read = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    out = []
    for node in _source(module)[1]:
        if isinstance(node, ast.Import):
            out.extend((a.name, None, a.asname) for a in node.names
                       if (a.asname or a.name.split(".")[0]) in read)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            out.extend((node.module, a.name, a.asname) for a in node.names if (a.asname or a.name) in read)
    return tuple(out)


def register_source(module: str, name: str, also=(), imports=None, requires=()) -> Helper:
    """Register helper ``name`` from ``migrator/helper_src/<module>.py`` without importing it:
    its text is the statements binding ``name`` (and ``also``), its imports the module's imports
    that text reads (unless ``imports`` is given)."""
    code = source_text(module, name, also)
    if imports is None:
        imports = source_imports(module, code)
    h = register(name, code, imports, requires)
    SOURCE_OF[name] = module
    return h


# ---------------------------------------------------------------------------------------
# one helpers module per output directory (directory runs; ``--helpers module``)
# ---------------------------------------------------------------------------------------

MODULE_NAME = "tfm_helpers"
MODULE_FILE = MODULE_NAME + ".py"
_MODULE_DOC = ('"""Helpers the migrated files of this directory import (written by tflearn-migrate).\n\n'
               "Each one reproduces a tflearn / TensorFlow 1 behaviour that has no one-call Keras 3\n"
               "equivalent; the comment above each names it. Regenerated, with the union of the names\n"
               'already here, when tflearn-migrate writes this directory again."""\n')


def closure(names) -> list[str]:
    """``names`` and every helper they require, each after what it requires, ties by name."""
    out: list[str] = []
    seen: set[str] = set()

    def add(n: str) -> None:
        if n in seen or n not in HELPERS:
            return
        seen.add(n)
        for dep in sorted(HELPERS[n].requires):
            add(dep)
        out.append(n)

    for n in sorted(set(names)):
        add(n)
    return out


def _import_line(mod: str, obj: str | None, asname: str | None) -> str:
    if obj is None:
        return f"import {mod}" + (f" as {asname}" if asname and asname != mod else "")
    return f"from {mod} import {obj}" + (f" as {asname}" if asname and asname != obj else "")


def module_source(names) -> str:
    """The text of the helpers module defining ``names`` (and what they require)."""
    order = closure(names)
    imports = sorted({_import_line(*imp) for n in order for imp in HELPERS[n].imports},
                     key=lambda s: (s.startswith("from "), s))
    parts = [_MODULE_DOC, "\n".join(imports) + "\n" if imports else ""]
    for n in order:
        parts.append(f"\n\n{HELPER_MARKER} {n}\n{HELPERS[n].code}")
    return "".join(parts)


def names_in_module(text: str) -> list[str]:
    """The helpers a helpers module (written by ``module_source``) defines, by its markers."""
    return [line[len(HELPER_MARKER):].strip() for line in text.splitlines()
            if line.startswith(HELPER_MARKER) and line[len(HELPER_MARKER):].strip() in HELPERS]


_DEFINED: dict[str, tuple[str, ...]] = {}


def defines(name: str) -> tuple[str, ...]:
    """The module-level names helper ``name``'s code binds (its own name first)."""
    hit = _DEFINED.get(name)
    if hit is None:
        import ast

        found = [name]
        for node in ast.parse(HELPERS[name].code).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.append(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    found.extend(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
        hit = _DEFINED[name] = tuple(dict.fromkeys(found))
    return hit


def helper_of(binding: str) -> str | None:
    """The helper whose code binds ``binding`` (None: no helper does)."""
    if binding in HELPERS:
        return binding
    for name in HELPERS:
        if binding in defines(name):
            return name
    return None


def imported_helpers(text: str) -> list[str]:
    """The helper names a migrated file imports from the helpers module."""
    if MODULE_NAME not in text:
        return []
    import ast

    out: list[str] = []
    for node in ast.parse(text).body:
        if isinstance(node, ast.ImportFrom) and node.module == MODULE_NAME and not node.level:
            out.extend(h for h in (helper_of(a.name) for a in node.names) if h is not None)
    return list(dict.fromkeys(out))
