"""``parse_module``: libcst's ``cst.parse_module``, in pieces for a large file.

libcst's native parser keeps its working memory (tokens, the intermediate tree) until it
returns, and the allocator does not give it back: parsing a 20,000-line file peaks at about
550 MB while the Python tree it returns takes about 40 MB. A large module is therefore parsed
as runs of top-level statements (about ``CHUNK_LINES`` lines each) and the pieces are joined
into one ``Module``: the same tree ``cst.parse_module`` builds (``tests/test_parsing.py``
compares them on every fixture with pieces of a few lines).

A piece starts at a line that starts a top-level statement (column 0, not a comment, not a
clause such as ``else:``) preceded only by empty lines (``"\\n"``, no spaces, no comments):
in a whole-file parse those empty lines are the statement's ``leading_lines``; in a piece's
parse they are the piece's ``header``, so they are moved back. A cut inside a string, a bracket
or a decorated definition makes a piece that does not parse: any piece that fails (or a file
with a ``\\r`` or a form feed, or pieces whose first blocks are indented differently) is
parsed whole, as before, so errors are libcst's own.
"""
from __future__ import annotations

import libcst as cst

CHUNK_LINES = 1500   # lines per piece, about
MIN_LINES = 3000     # files with fewer lines are parsed whole
_CLAUSES = ("else", "elif", "except", "finally")


def parse_module(source: str, chunk_lines: int | None = None, min_lines: int | None = None) -> cst.Module:
    chunk = CHUNK_LINES if chunk_lines is None else chunk_lines
    least = MIN_LINES if min_lines is None else min_lines
    if source.count("\n") < least or "\r" in source or "\f" in source or "\\\n" in source:
        return cst.parse_module(source)
    pieces = _pieces(source, chunk)
    if len(pieces) < 2:
        return cst.parse_module(source)
    try:
        modules = [cst.parse_module(p) for p in pieces]
    except cst.ParserSyntaxError:
        return cst.parse_module(source)  # the whole file's own error (or a cut we cannot make)
    return _join(modules) or cst.parse_module(source)


def _pieces(source: str, chunk: int) -> list[str]:
    lines = source.splitlines(keepends=True)
    cuts = [0]
    last = 0
    i = 1
    n = len(lines)
    while i < n:
        if i - last >= chunk and lines[i - 1] == "\n":
            # the statement after this run of empty lines
            j = i
            while j < n and lines[j] == "\n":
                j += 1
            start = i
            while start > 0 and lines[start - 1] == "\n":
                start -= 1
            if j < n and start > last and _starts_statement(lines[j]) and lines[start - 1].endswith("\n") \
                    and not lines[start - 1].lstrip().startswith("@"):
                cuts.append(start)
                last = start
            i = j + 1
            continue
        i += 1
    cuts.append(n)
    return ["".join(lines[a:b]) for a, b in zip(cuts, cuts[1:]) if b > a]


def _starts_statement(line: str) -> bool:
    c = line[:1]
    if not c or c.isspace() or c == "#":
        return False
    word = line.split(None, 1)[0].rstrip(":")
    return word not in _CLAUSES


def _first_block(stmt: cst.CSTNode) -> bool:
    """``stmt`` (a top-level statement) contains an indented block: its piece saw an INDENT."""
    if isinstance(stmt, cst.IndentedBlock):
        return True
    if not isinstance(stmt, (cst.BaseCompoundStatement, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler,
                             cst.Finally, cst.MatchCase)):
        return False
    for f in ("body", "orelse", "handlers", "finalbody", "cases"):
        v = getattr(stmt, f, None)
        for x in (v if isinstance(v, (tuple, list)) else (v,)):
            if isinstance(x, cst.CSTNode) and _first_block(x):
                return True
    return False


def _join(modules: list[cst.Module]) -> cst.Module | None:
    body: list[cst.BaseStatement] = list(modules[0].body)
    for m in modules[1:]:
        if not m.body or not modules[0].body:
            return None
        first = m.body[0]
        if getattr(first, "leading_lines", None) or not m.header:
            return None  # a piece always starts with the empty lines moved out of the last one
        body.append(first.with_changes(leading_lines=m.header))
        body.extend(m.body[1:])
    for m in modules[:-1]:
        if m.footer or not m.has_trailing_newline:
            return None
    # a block whose indentation is the module's default stores ``indent=None``: every piece
    # with a block must have detected the same default as the whole file (its first block's)
    indents = {m.default_indent for m in modules if any(_first_block(s) for s in m.body)}
    if len(indents) > 1:
        return None
    indent = next(iter(indents), modules[0].default_indent)
    last = modules[-1]
    return modules[0].with_changes(body=body, footer=last.footer, default_indent=indent,
                                   has_trailing_newline=last.has_trailing_newline)
