"""The layout passes' walk: every simple statement line of a module, through the bodies of
compound statements only (never into expressions), rebuilt where a pass changed it.

A libcst visitor calls its hooks on every node of the tree; the layout passes (quote style, one
layer call per line) look at whole statement lines, so this walk visits ``Module.body`` and the
``body`` / ``orelse`` / ``handlers`` / ``finalbody`` / ``cases`` of compound statements and
nothing else. Top-level functions and classes named in ``skip`` (helper definitions) are left
as they are. ``fn`` gets each statement and its depth (the indented blocks around it)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
import warnings

import libcst as cst

# fn(statement line, depth) -> None (unchanged), a statement, or a list of statements
StatementFn = Callable[[cst.SimpleStatementLine, int], "cst.BaseStatement | list[cst.BaseStatement] | None"]
# leading(statement, depth) -> None (unchanged) or its new leading lines (comment lines above it)
LeadingFn = Callable[[cst.BaseStatement, int], "list[cst.EmptyLine] | None"]


# what the layout passes printed or compiled for the current file (``clear()`` per file and per
# migration round): a pass that changed the module prints and compiles the new text to check
# it; the engine reads that text instead of printing the tree again, and does not compile a
# text compile() already accepted
_MODULE_TEXT: list = [None, ""]   # [module, its text]: the last module printed whole
_COMPILED: list = [None]          # the last text compile() accepted
_NODE_TEXT: dict[int, tuple] = {}  # id(node) -> (node, indent, newline, its text)


def node_code(module: cst.Module, node: cst.CSTNode) -> str:
    """``module.code_for_node(node)``, memoised: a statement the first pass printed and left
    as it is is not printed again by the next (the text depends on the node and the module's
    indent and newline only)."""
    hit = _NODE_TEXT.get(id(node))
    if hit is not None and hit[0] is node and hit[1] == module.default_indent and hit[2] == module.default_newline:
        return hit[3]
    text = module.code_for_node(node)
    _NODE_TEXT[id(node)] = (node, module.default_indent, module.default_newline, text)
    return text


def module_code(module: cst.Module) -> str:
    """``module.code``, printed once for the module last asked about."""
    if _MODULE_TEXT[0] is module:
        return _MODULE_TEXT[1]
    text = module.code
    _MODULE_TEXT[0], _MODULE_TEXT[1] = module, text
    return text


def check_compiles(text: str, filename: str) -> None:
    """``compile(text, filename, "exec", dont_inherit=True)`` (raises the same errors); a text
    already accepted is not compiled again (whether it compiles does not depend on the name)."""
    if _COMPILED[0] is not None and _COMPILED[0] == text:
        return
    with warnings.catch_warnings():  # the user's ``x is 1``: CPython's warning, not ours to print
        warnings.simplefilter("ignore", SyntaxWarning)
        compile(text, filename, "exec", dont_inherit=True)
    _COMPILED[0] = text


def clear() -> None:
    _MODULE_TEXT[0], _MODULE_TEXT[1] = None, ""
    _COMPILED[0] = None
    _NODE_TEXT.clear()


@lru_cache(maxsize=4)
def input_lines(source: str) -> frozenset[str]:
    """The input's non-empty lines, stripped: a statement whose text is one of them came
    through unchanged (read by every layout pass of one file; ``source`` is the same object)."""
    return frozenset(ln.strip() for ln in source.splitlines() if ln.strip())


def rewrite_statements(module: cst.Module, fn: StatementFn, skip: frozenset[str] | set[str] = frozenset(),
                       leading: LeadingFn | None = None) -> cst.Module:
    """``leading``, when given, sees every statement (compound ones too) before ``fn`` and may
    replace its leading lines."""
    body = _block(module.body, fn, skip, 0, top=True, leading=leading)
    return module if body is None else module.with_changes(body=body)


def _block(body: Sequence[cst.BaseStatement], fn: StatementFn, skip, depth: int, top: bool = False,
           leading: LeadingFn | None = None) -> list | None:
    out: list = []
    changed = False
    for stmt in body:
        if leading is not None and not (top and type(stmt) in (cst.FunctionDef, cst.ClassDef)
                                        and stmt.name.value in skip):
            lines = leading(stmt, depth)
            if lines is not None:
                stmt = stmt.with_changes(leading_lines=lines)
                changed = True
        if type(stmt) is cst.SimpleStatementLine:
            new = fn(stmt, depth)
        elif top and type(stmt) in (cst.FunctionDef, cst.ClassDef) and stmt.name.value in skip:
            new = None
        else:
            new = _compound(stmt, fn, skip, depth, leading)
        if new is None:
            out.append(stmt)
        elif isinstance(new, list):
            out.extend(new)
            changed = True
        else:
            out.append(new)
            changed = changed or new is not stmt
    return out if changed else None


def _compound(node: cst.CSTNode, fn: StatementFn, skip, depth: int,
              leading: LeadingFn | None = None) -> cst.CSTNode | None:
    changes: dict = {}
    body = getattr(node, "body", None)
    if type(body) is cst.IndentedBlock:
        inner = _block(body.body, fn, skip, depth + 1, leading=leading)
        if inner is not None:
            changes["body"] = body.with_changes(body=inner)
    for attr in ("orelse", "finalbody"):
        child = getattr(node, attr, None)
        if isinstance(child, cst.CSTNode):
            new = _compound(child, fn, skip, depth, leading)
            if new is not None:
                changes[attr] = new
    for attr in ("handlers", "cases"):
        children = getattr(node, attr, None)
        if children:
            new_children = [_compound(c, fn, skip, depth, leading) for c in children]
            if any(c is not None for c in new_children):
                changes[attr] = [n if n is not None else c for n, c in zip(new_children, children)]
    return node.with_changes(**changes) if changes else None
