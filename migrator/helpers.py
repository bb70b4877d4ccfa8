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

import re
from pathlib import Path
from typing import NamedTuple

HELPER_MARKER = "# tflearn-migrate helper:"


Import = tuple  # (module, obj or None, asname or None)


class Helper:
    """A helper: ``code`` defines ``name`` at module level, ``imports`` are the imports it reads,
    ``requires`` the other helpers it uses. A helper read from helper_src (``register_source``)
    derives its imports from its module's on first use (``ast``: not at start-up)."""

    __slots__ = ("name", "code", "requires", "_imports", "_module")

    def __init__(self, name: str, code: str, imports=(), requires=(), module: str | None = None) -> None:
        self.name = name
        self.code = code
        self.requires: tuple[str, ...] = tuple(requires)
        self._imports: tuple[Import, ...] | None = None if imports is None else tuple(imports)
        self._module = module

    @property
    def imports(self) -> tuple[Import, ...]:
        if self._imports is None:
            self._imports = source_imports(self._module, self.code)
        return self._imports

    def _key(self):
        return (self.name, self.code, self.imports, self.requires)

    def __eq__(self, other) -> bool:
        return isinstance(other, Helper) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.name, self.code))

    def __repr__(self) -> str:
        return f"Helper({self.name!r}, module={self._module!r})"


HELPERS: dict[str, Helper] = {}


def register(name: str, code: str, imports=(), requires=(), module: str | None = None) -> Helper:
    h = Helper(name, code.strip("\n") + "\n", imports, requires, module)
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


class Statement(NamedTuple):
    """A top-level statement of a helper_src module: lines ``start`` (a decorator's, 0-based) to
    ``end`` (exclusive; trailing blank and comment lines not included, as ``ast``), the names it
    binds (none for an import), whether it is an import."""
    start: int
    end: int
    names: frozenset
    is_import: bool


_SOURCES: dict[str, tuple[list[str], list[Statement]]] = {}
_DEF = re.compile(r"(?:async\s+)?(?:def|class)\s+(\w+)")
_TARGETS = re.compile(r"\s*([A-Za-z_][\w\s,]*?)\s*(?::[^=]*)?=(?!=)")
_IMPORT = re.compile(r"(?:import|from)\s")


def _names(line: str) -> tuple[frozenset, bool]:
    m = _DEF.match(line)
    if m:
        return frozenset([m.group(1)]), False
    if _IMPORT.match(line):
        return frozenset(), True
    names: set[str] = set()
    rest = line
    while (m := _TARGETS.match(rest)) is not None:
        names.update(n.strip() for n in m.group(1).split(",") if n.strip())
        rest = rest[m.end():]
    return frozenset(names), False


def _source(module: str) -> tuple[list[str], list[Statement]]:
    """``helper_src/<module>.py``: its lines and its top-level statements, found by a scan of
    the lines (not ``ast``: start-up cost; tests/test_helper_src.py checks it against ``ast``):
    a statement starts on a line beginning at column 0 outside a triple-quoted string (a
    decorator's line, or a closing bracket's, continues it: continuation lines are indented)."""
    hit = _SOURCES.get(module)
    if hit is not None:
        return hit
    lines = (SOURCE_PACKAGE / f"{module}.py").read_text(encoding="utf-8").splitlines(keepends=True)
    heads: list[tuple[int, int]] = []  # (start, head line)
    quote = None
    decorated = None
    for i, line in enumerate(lines):
        c = line[:1]
        if quote is None and c and c not in " \t\r\n#)]}":
            if c == "@":
                decorated = i if decorated is None else decorated
            else:
                heads.append((i if decorated is None else decorated, i))
                decorated = None
        j = 0
        while True:  # triple quotes opened / closed on this line
            if quote is None:
                hits = [(line.find(q, j), q) for q in ('"""', "'''") if line.find(q, j) >= 0]
                if not hits:
                    break
                j, quote = min(hits)
                j += 3
            else:
                k = line.find(quote, j)
                if k < 0:
                    break
                j, quote = k + 3, None
    stmts: list[Statement] = []
    for n, (start, head) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        while end > head + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        names, is_import = _names(lines[head])
        stmts.append(Statement(start, end, names, is_import))
    hit = _SOURCES[module] = (lines, stmts)
    return hit


def source_text(module: str, name: str, also=()) -> str:
    """The text of the top-level statements of ``helper_src/<module>.py`` that bind ``name``
    and ``also`` (one contiguous run: decorators and the comments between them included)."""
    lines, stmts = _source(module)
    wanted = {name, *also}
    at = [i for i, st in enumerate(stmts) if st.names & wanted]
    found = {b for i in at for b in stmts[i].names}
    if not at or not set(also) <= found or (name not in found and not also):  # a group: name binds nothing
        raise ValueError(f"helper_src/{module}.py does not define {sorted(wanted)}")
    if at != list(range(at[0], at[-1] + 1)):
        raise ValueError(f"helper_src/{module}.py: {sorted(wanted)} are not one run of statements")
    return "".join(lines[stmts[at[0]].start:stmts[at[-1]].end])


def source_imports(module: str, code: str) -> tuple[Import, ...]:
    """The absolute imports of ``helper_src/<module>.py`` that ``code`` reads, in the module's
    order (its relative imports are other helpers: ``requires``)."""
    import ast

    lines, stmts = _source(module)
    read = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    out: list[Import] = []
    for st in stmts:
        if not st.is_import:
            continue
        node = ast.parse("".join(lines[st.start:st.end])).body[0]
        if isinstance(node, ast.Import):
            out.extend((a.name, None, a.asname) for a in node.names
                       if (a.asname or a.name.split(".")[0]) in read)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            out.extend((node.module, a.name, a.asname) for a in node.names if (a.asname or a.name) in read)
    return tuple(out)


def register_source(module: str, name: str, also=(), imports=None, requires=()) -> Helper:
    """Register helper ``name`` from ``migrator/helper_src/<module>.py`` without importing it:
    its text is the statements binding ``name`` (and ``also``), its imports the module's imports
    that text reads (unless ``imports`` is given; derived on first use)."""
    h = register(name, source_text(module, name, also), imports, requires, module)
    SOURCE_OF[name] = module
    return h


# ---------------------------------------------------------------------------------------
# one helpers module per output directory (directory runs; ``--helpers module``)
# ---------------------------------------------------------------------------------------

MODULE_NAME = "tfm_helpers"
RUNTIME_MODULE = "migrator.runtime"  # --helpers package: the installed tool's helpers (runtime.py)
MODULE_FILE = MODULE_NAME + ".py"
# one line: the module's lines count against every file that imports it (scripts/output_style.py);
# a later run adds the helpers it needs to the ones already here (runner._helper_modules)
_MODULE_DOC = '"""tflearn / TF1 behaviour with no one-call Keras 3 equivalent (written by tflearn-migrate)."""\n'


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
