"""Jupyter notebooks (``.ipynb``), migrated cell by cell.

The code cells are joined into one module (so an ``import tflearn`` in cell 1 is seen by the
code in cell 5), each cell opened by a marker statement ``__tflearn_migrate_cell__(N)`` that
no rule touches; IPython magics (``%matplotlib inline``, ``!pip install``, ``x = !ls``,
``obj?``) and ``from __future__`` imports (valid in any cell, not after a marker) are swapped
for marker statements ``__tflearn_migrate_magic__(K)`` with the same indentation and put back
afterwards. A cell that is not valid Python even so (a ``%%bash``
cell, say) is left exactly as it was. After the rewrite the module is split at the cell
markers again; if a marker went missing or out of order the notebook is left unchanged.
Markdown/raw cells, metadata and (unless ``clear_outputs``) outputs are kept; only the
``source`` of changed code cells is replaced. Cell numbers in messages are 1-based positions
among all cells of the notebook.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

CELL = "__tflearn_migrate_cell__"
MAGIC = "__tflearn_migrate_magic__"
_CELL_RX = re.compile(rf"^{CELL}\((\d+)\)\s*$")
_MAGIC_RX = re.compile(rf"^([ \t]*){MAGIC}\((\d+)\)[ \t]*$")
_MAGIC_LINE = re.compile(r"^[ \t]*(?:[%!]|[\w.\[\]]+[ \t]*=[ \t]*[%!])|^[ \t]*[\w.]+\?\??[ \t]*$")
# ``from __future__ import print_function`` opens many a notebook's first cell (and later ones:
# each cell compiles alone); in the joined module it would follow a cell marker, a SyntaxError.
# It is set aside like a magic (a no-op in Python 3, except ``annotations``, which only changes
# how annotations are evaluated) and put back where it was
_FUTURE_LINE = re.compile(r"^from[ \t]+__future__[ \t]+import[ \t]+[\w, \t]+(?:#.*)?$")


class NotebookError(Exception):
    pass


@dataclass
class Prepared:
    nb: dict
    indent: int | None
    code: str                                   # the joined module
    cells: list[int] = field(default_factory=list)          # code cell indexes migrated
    starts: list[tuple[int, int]] = field(default_factory=list)  # (first line, cell index)
    magics: list[str] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)           # code cells left as they were
    list_source: dict[int, bool] = field(default_factory=dict)

    def cell_of(self, line: int) -> tuple[int, int]:
        """Line of the joined module -> (1-based cell number, line within the cell)."""
        best = (self.starts[0] if self.starts else (1, 0))
        for start, idx in self.starts:
            if start <= line:
                best = (start, idx)
        return best[1] + 1, max(1, line - best[0])


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def prepare(text: str) -> Prepared:
    try:
        nb = json.loads(text)
    except ValueError as ex:
        raise NotebookError(f"not a valid notebook (JSON error: {ex})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError("not a notebook in nbformat 4 (no 'cells' list)")
    m = re.match(r"\{\s*\n( +)\"", text)
    prep = Prepared(nb=nb, indent=len(m.group(1)) if m else None, code="")
    out: list[str] = []
    line = 1
    for idx, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = _source(cell)
        prep.list_source[idx] = isinstance(cell.get("source"), list)
        body_lines = []
        for ln in src.split("\n"):
            if _MAGIC_LINE.match(ln) or _FUTURE_LINE.match(ln):
                indent = re.match(r"[ \t]*", ln).group(0)
                body_lines.append(f"{indent}{MAGIC}({len(prep.magics)})")
                prep.magics.append(ln)
            else:
                body_lines.append(ln)
        body = "\n".join(body_lines)
        try:
            compile(body + "\n", f"cell {idx + 1}", "exec", dont_inherit=True, flags=0x400)
        except (SyntaxError, ValueError):
            prep.kept.append(idx)     # a cell magic, shell code ...: left as it is
            continue
        prep.cells.append(idx)
        out.append(f"{CELL}({idx})\n")
        prep.starts.append((line, idx))
        line += 1
        if body.strip():
            out.append(body + "\n")
            line += body.count("\n") + 1
    prep.code = "".join(out)
    return prep


def _futures_first(lines: list[str]) -> list[str]:
    """A cell's ``from __future__`` imports back above its first statement (the rewriter may
    have put its own imports, say ``import keras``, above the marker that stood for them)."""
    futures = [i for i, ln in enumerate(lines) if _FUTURE_LINE.match(ln)]
    if not futures:
        return lines
    top = 0
    while top < len(lines) and (not lines[top].strip() or lines[top].lstrip().startswith("#")):
        top += 1
    if all(i == top + k for k, i in enumerate(futures)):
        return lines
    rest = [ln for i, ln in enumerate(lines) if i not in futures and i >= top]
    while rest and not rest[0].strip():
        rest.pop(0)
    # the imports that now follow them: one blank line at most between two (the marker's
    # lines are gone)
    i = 0
    while i + 2 < len(rest) and (rest[i].startswith(("import ", "from ")) or not rest[i].strip()):
        if not rest[i].strip() and not rest[i + 1].strip():
            del rest[i]
            continue
        i += 1
    return lines[:top] + [lines[i] for i in futures] + ([""] if rest else []) + rest


def rebuild(prep: Prepared, new_code: str, clear_outputs: bool = False) -> tuple[str, list[int]]:
    """The notebook text with the migrated cells; -> (text, 1-based numbers of changed cells)."""
    chunks: dict[int, list[str]] = {}
    current: int | None = None
    head: list[str] = []
    order: list[int] = []
    for ln in new_code.split("\n"):
        m = _CELL_RX.match(ln)
        if m:
            current = int(m.group(1))
            order.append(current)
            chunks[current] = []
            continue
        (head if current is None else chunks[current]).append(ln)
    if order != prep.cells:
        raise NotebookError("the migrated code could not be split back into its cells; "
                            "notebook left unchanged")
    if prep.cells and head:  # imports the rewriter put above the first cell belong to it
        first = prep.cells[0]
        chunks[first] = head + chunks[first]

    def unmagic(ln: str) -> str:
        m = _MAGIC_RX.match(ln)
        return prep.magics[int(m.group(2))] if m else ln

    changed = []
    nb = prep.nb
    for idx in prep.cells:
        cell = nb["cells"][idx]
        old = _source(cell)
        lines = _futures_first([unmagic(ln) for ln in chunks[idx]])
        while lines and not lines[-1].strip():
            lines.pop()
        new = "\n".join(lines)
        if old.endswith("\n") and new:
            new += "\n"
        if new.strip() == old.strip() and new.rstrip("\n") == old.rstrip("\n"):
            continue
        changed.append(idx + 1)
        cell["source"] = new.splitlines(keepends=True) if prep.list_source.get(idx) else new
        if clear_outputs:
            cell["outputs"] = []
            cell["execution_count"] = None
    if not changed:
        return "", []
    text = json.dumps(nb, indent=prep.indent, ensure_ascii=False)
    return text + "\n", changed
