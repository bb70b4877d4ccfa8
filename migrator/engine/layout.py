"""Generated statements wrapped at 100 columns, black-style: a call too long for its line puts
one argument per line (hanging indent, trailing comma, the closing parenthesis on a line of its
own), and an argument still too long is wrapped the same way one level deeper.

Only statements the migration wrote are touched: a statement of the input that came through
unchanged keeps its layout (a long line the user wrote stays theirs), and so do helper
definitions (their text is the registered helper's), statements carrying a comment (a TODO
marker must stay on the line of the code it marks) and f-strings. Layout only: the wrapped
statement is the same code."""
from __future__ import annotations

import libcst as cst

from .. import TODO_MARKER
from ..emit import code as code_of
from .statements import node_code, check_compiles, module_code, rewrite_statements

LIMIT = 100


def _nl(level: int) -> cst.ParenthesizedWhitespace:
    """A line break inside brackets, then the block's indentation plus ``level`` indents."""
    return cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True,
                                       last_line=cst.SimpleWhitespace("    " * level))


def _wrappable(call: cst.Call) -> bool:
    if not call.args:
        return False
    if len(call.args) == 1 and isinstance(call.args[0].value, cst.GeneratorExp) \
            and not call.args[0].value.lpar:
        return False  # f(x for x in y,) does not parse
    return True


def _precedence(op: cst.CSTNode) -> int:
    """Operators of one precedence level chain left to right (a + b - c)."""
    for level, kinds in enumerate(((cst.Add, cst.Subtract),
                                   (cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.MatrixMultiply))):
        if isinstance(op, kinds):
            return level
    return 10 + id(type(op)) % 1000  # any other operator: a chain of itself only


def _break_operators(e: cst.BinaryOperation, col: int, level: int, base: int) -> cst.BaseExpression:
    """An operator chain inside brackets, too long for its line: a line break before each
    operator of the left-leaning chain (black's style), each operand laid out in turn."""
    parts: list[cst.BinaryOperation] = []
    node: cst.BaseExpression = e
    group = _precedence(e.operator)
    while isinstance(node, cst.BinaryOperation) and not node.lpar and _precedence(node.operator) == group:
        parts.append(node)
        node = node.left
    first = _layout(node, col, level, base)
    out = first
    for op in reversed(parts):
        right = _layout(op.right, base + 4 * level + len(code_of(op.operator).strip()) + 1, level, base)
        out = op.with_changes(left=out, right=right,
                              operator=op.operator.with_changes(whitespace_before=_nl(level)))
    return out


def _layout(e: cst.BaseExpression, col: int, level: int, base: int, bracketed: bool = False,
            tail: int = 0) -> cst.BaseExpression:
    """``e`` starting at column ``col``, its wrapped arguments ``level`` + 1 indents in;
    ``bracketed``: ``e`` is inside brackets of its own line (an operator may start a line);
    ``tail``: characters that follow it on its line (an argument's comma)."""
    text = code_of(e)
    if col + len(text) + tail <= LIMIT or "\n" in text:
        return e
    if bracketed and isinstance(e, cst.BinaryOperation) and not e.lpar:
        return _break_operators(e, col, level, base)
    if isinstance(e, cst.Call) and _wrappable(e):
        if col + len(code_of(e.func)) + 1 > LIMIT:  # f(a)(b), m(x).predict(y): the callee too
            e = e.with_changes(func=_layout(e.func, col, level, base, tail=1))
        args = []
        for i, a in enumerate(e.args):
            prefix = len(a.keyword.value) + 1 if a.keyword is not None else len(a.star)
            v = _layout(a.value, base + 4 * (level + 1) + prefix, level + 1, base, bracketed=True, tail=1)
            last = i == len(e.args) - 1
            args.append(a.with_changes(value=v, comma=cst.Comma(whitespace_after=_nl(level if last else level + 1)),
                                       whitespace_after_arg=cst.SimpleWhitespace("")))
        return e.with_changes(whitespace_before_args=_nl(level + 1), args=args)
    if isinstance(e, (cst.List, cst.Set)) and e.elements:  # one element per line, the same way
        elems = []
        for i, el in enumerate(e.elements):
            star = len(getattr(el, "star", "") or "") if isinstance(el, cst.StarredElement) else 0
            v = _layout(el.value, base + 4 * (level + 1) + star, level + 1, base, bracketed=True, tail=1)
            last = i == len(e.elements) - 1
            elems.append(el.with_changes(value=v, comma=cst.Comma(whitespace_after=_nl(level if last else level + 1))))
        brace = e.lbracket if isinstance(e, cst.List) else e.lbrace
        brace = brace.with_changes(whitespace_after=_nl(level + 1))
        return e.with_changes(elements=elems, **({"lbracket": brace} if isinstance(e, cst.List) else {"lbrace": brace}))
    # not a call (a lambda, an operator, a subscript ...): wrap the longest call inside it
    best = None
    stack = list(e.children)
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Call) and _wrappable(n):
            if best is None or len(code_of(n)) > len(code_of(best)):
                best = n
            continue
        if isinstance(n, (cst.FormattedString, cst.ConcatenatedString)):
            continue
        stack.extend(n.children)
    if best is None:
        return e
    best_text = code_of(best)
    at = max(text.find(best_text), 0)
    new = _layout(best, col + at, level, base, tail=tail + len(text) - at - len(best_text))
    return e.deep_replace(best, new) if new is not best else e


_VALUE_STMTS = (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr, cst.Return)


def _wrap_statement(module: cst.Module, stmt: cst.SimpleStatementLine, depth: int, keep: set[str],
                    indent: int) -> cst.SimpleStatementLine | None:
    """``stmt`` (``depth`` blocks in) with its value wrapped, or None when it is left as it is."""
    if len(stmt.body) != 1 or stmt.trailing_whitespace.comment is not None:
        return None
    small = stmt.body[0]
    if not isinstance(small, _VALUE_STMTS) or small.value is None:
        return None
    line = node_code(module, small)
    if line.strip() in keep:  # the user's statement, as written
        return None
    base = depth * indent
    if "\n" in line or base + len(line) <= LIMIT or "f'" in line or 'f"' in line:
        return None
    value = small.value
    col = base + max(line.rfind(code_of(value)), 0)
    new = _layout(value, col, 0, base)
    if new is value:
        return None
    return stmt.with_changes(body=[small.with_changes(value=new)])


def wrap_long_lines(module: cst.Module, source: str, helper_names: set[str], code: str | None = None) -> cst.Module:
    """``module`` with the long statements the migration wrote wrapped (``source``: the input,
    whose lines keep their layout wherever the output has them; ``code``: ``module``'s text,
    when known)."""
    keep = {ln.strip() for ln in source.splitlines() if len(ln) > LIMIT - 40}
    text = module.code if code is None else code
    if not any(len(ln) > LIMIT and ln.strip() not in keep and TODO_MARKER not in ln for ln in text.splitlines()):
        return module  # no long line the migration wrote (a line with a TODO marker is never wrapped)
    indent = len(module.default_indent.replace("\t", "    "))
    try:
        new = rewrite_statements(module, lambda stmt, depth: _wrap_statement(module, stmt, depth, keep, indent),
                                 helper_names)
        if new is not module:
            check_compiles(module_code(new), "<layout>")
    except Exception:  # layout never costs a file its migration
        return module
    return new
