"""Generated statements wrapped at 100 columns, black-style: a call too long for its line puts
one argument per line (hanging indent, trailing comma, the closing parenthesis on a line of its
own), and an argument still too long is wrapped the same way one level deeper.

Only statements the migration wrote are touched: a statement of the input that came through
unchanged keeps its layout (a long line the user wrote stays theirs), and so do helper
definitions (their text is the registered helper's), statements carrying a comment the user
wrote, and f-strings. A comment the migration wrote (a TODO marker, a note) that would take its
line past 100 columns goes on its own line(s) above the statement, wrapped at 100 columns
(a TODO marker too: its first line names the marker and rule, continuation lines ``#   ``
follow, then the code it marks). Layout only:
the wrapped statement is the same code."""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk_fresh as walk
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
    if (isinstance(e, (cst.List, cst.Set)) or (isinstance(e, cst.Tuple) and len(e.lpar) == 1)) \
            and e.elements:  # one element per line, the same way
        elems = []
        for i, el in enumerate(e.elements):
            star = len(getattr(el, "star", "") or "") if isinstance(el, cst.StarredElement) else 0
            v = _layout(el.value, base + 4 * (level + 1) + star, level + 1, base, bracketed=True, tail=1)
            last = i == len(e.elements) - 1
            elems.append(el.with_changes(value=v, comma=cst.Comma(whitespace_after=_nl(level if last else level + 1))))
        if isinstance(e, cst.Tuple):
            return e.with_changes(elements=elems, lpar=[e.lpar[0].with_changes(whitespace_after=_nl(level + 1))])
        brace = e.lbracket if isinstance(e, cst.List) else e.lbrace
        brace = brace.with_changes(whitespace_after=_nl(level + 1))
        return e.with_changes(elements=elems, **({"lbracket": brace} if isinstance(e, cst.List) else {"lbrace": brace}))
    if isinstance(e, cst.Dict) and e.elements:  # one entry per line, the same way
        items = []
        for i, el in enumerate(e.elements):
            if isinstance(el, cst.DictElement):
                at = base + 4 * (level + 1) + len(code_of(el.key)) + 2
                el = el.with_changes(value=_layout(el.value, at, level + 1, base, bracketed=True, tail=1))
            last = i == len(e.elements) - 1
            items.append(el.with_changes(comma=cst.Comma(whitespace_after=_nl(level if last else level + 1))))
        return e.with_changes(elements=items, lbrace=e.lbrace.with_changes(whitespace_after=_nl(level + 1)))
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


_OPERATORS = (cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp)


class _Join(cst.CSTTransformer):
    """An expression's line breaks inside brackets and backslash continuations removed (one
    line); a trailing comma before a removed line break dropped (``f(a,\n)`` -> ``f(a)``)."""

    def on_leave(self, original, updated):
        if isinstance(original, cst.ParenthesizedWhitespace):
            return cst.SimpleWhitespace("")
        if isinstance(original, cst.SimpleWhitespace) and "\\" in original.value:  # a backslash continuation
            return cst.SimpleWhitespace(" " if original.value.startswith(" ") else "")
        if isinstance(original, cst.Comma) and isinstance(original.whitespace_after, cst.ParenthesizedWhitespace):
            return updated.with_changes(whitespace_after=cst.SimpleWhitespace(" "))
        if isinstance(original, cst.ConcatenatedString) and isinstance(original.whitespace_between,
                                                                       cst.ParenthesizedWhitespace):
            return updated.with_changes(whitespace_between=cst.SimpleWhitespace(" "))  # "a" "b"
        if isinstance(original, _OPERATORS):
            for attr in ("whitespace_before", "whitespace_after"):
                if isinstance(getattr(original, attr, None), cst.ParenthesizedWhitespace):
                    updated = updated.with_changes(**{attr: cst.SimpleWhitespace(" ")})
            return updated
        field = {cst.Call: "args", cst.List: "elements", cst.Set: "elements", cst.Dict: "elements",
                 cst.Tuple: "elements"}.get(type(original))
        if field is not None:
            old, new = getattr(original, field), getattr(updated, field)
            if (len(old) > (1 if field == "elements" and isinstance(original, cst.Tuple) else 0)
                    and isinstance(old[-1].comma, cst.Comma)
                    and isinstance(old[-1].comma.whitespace_after, cst.ParenthesizedWhitespace)):
                return updated.with_changes(**{field: [*new[:-1], new[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]})
        return updated


def _comment_lines(value: str, base: int) -> list[cst.EmptyLine]:
    """Comment ``value`` as comment lines at column ``base``, wrapped at ``LIMIT`` (continuation
    lines indented under the first line's text: ``#   ``). A TODO marker wraps the same way: its
    first line keeps ``# TODO(tflearn-migrate): TFMxxx`` (what grep, the TODO counts and
    ``todo.has_marker`` read), the rest of its message is on the continuation lines below it."""
    width = max(LIMIT - base, 40)
    lines: list[str] = []
    cur = "#"
    for word in value[1:].strip().split(" "):
        if cur not in ("#", "#  ") and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = "#  "
        cur = f"{cur} {word}"
    lines.append(cur)
    return [cst.EmptyLine(indent=True, whitespace=cst.SimpleWhitespace(""), comment=cst.Comment(t))
            for t in lines]


def _leading_comments(source: str, keep: set[str], indent: int):
    """The ``leading`` function of the statement walk: comment lines the migration wrote above
    a statement, wrapped where they pass ``LIMIT``."""
    def fn(stmt: cst.BaseStatement, depth: int) -> list[cst.EmptyLine] | None:
        base = depth * indent
        lines = getattr(stmt, "leading_lines", ())
        if not any(ln.comment is not None and base + len(ln.comment.value) > LIMIT for ln in lines):
            return None
        out: list[cst.EmptyLine] = []
        changed = False
        for ln in lines:
            c = ln.comment
            if c is None or base + len(c.value) <= LIMIT or c.value.strip() in keep or c.value in source:
                out.append(ln)
            else:
                out.extend(_comment_lines(c.value, base))
                changed = True
        return out if changed else None
    return fn


def _move_comment(module: cst.Module, stmt: cst.SimpleStatementLine, base: int, keep: set[str],
                  source: str) -> cst.SimpleStatementLine | None:
    """``stmt`` with the comment the migration put at the end of its line moved above it, when
    the line is longer than ``LIMIT``; None otherwise."""
    comment = stmt.trailing_whitespace.comment
    if comment is None or comment.value in source:
        return None
    line = module.code_for_node(stmt.with_changes(leading_lines=[])).rstrip("\r\n")
    if "\n" in line or base + len(line) <= LIMIT or line.strip() in keep:
        return None
    return stmt.with_changes(leading_lines=[*stmt.leading_lines, *_comment_lines(comment.value, base)],
                             trailing_whitespace=cst.TrailingWhitespace(newline=stmt.trailing_whitespace.newline))


def _wrap_statement(module: cst.Module, stmt: cst.SimpleStatementLine, depth: int, keep: set[str],
                    indent: int, source: str = "", long_new: frozenset[str] = frozenset()
                    ) -> cst.SimpleStatementLine | None:
    """``stmt`` (``depth`` blocks in) with its value wrapped, or None when it is left as it is
    (``long_new``: the output's lines over ``LIMIT`` the input does not have, stripped)."""
    moved = _move_comment(module, stmt, depth * indent, keep, source)
    if moved is not None:
        return _wrap_statement(module, moved, depth, keep, indent, source, long_new) or moved
    if len(stmt.body) != 1 or stmt.trailing_whitespace.comment is not None:
        return None
    small = stmt.body[0]
    if not isinstance(small, _VALUE_STMTS) or small.value is None:
        return None
    line = node_code(module, small)
    if line.strip() in keep:  # the user's statement, as written
        return None
    base = depth * indent
    if ("f'" in line or 'f"' in line or "F'" in line or 'F"' in line) \
            and any(isinstance(n, cst.FormattedString) for n in walk(small)):  # an f-string: kept as it is
        return None
    if "\n" in line:  # a statement the migration wrote over several lines, one of them too long
        if not any(ln.strip() in long_new for ln in line.splitlines()) or "#" in line \
                or '"""' in line or "'''" in line:
            return None
        small = small.with_changes(value=small.value.visit(_Join()))
        line = code_of(small)
        if "\n" in line:
            return None
        if base + len(line) <= LIMIT:
            return stmt.with_changes(body=[small])
    elif base + len(line) <= LIMIT:
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
    long_new = frozenset(ln.strip() for ln in text.splitlines() if len(ln) > LIMIT and ln.strip() not in keep)
    if not long_new:
        return module  # no long line the migration wrote
    indent = len(module.default_indent.replace("\t", "    "))
    try:
        new = rewrite_statements(module, lambda stmt, depth: _wrap_statement(module, stmt, depth, keep, indent,
                                                                             source, long_new),
                                 helper_names, leading=_leading_comments(source, keep, indent))
        if new is not module:
            check_compiles(module_code(new), "<layout>")
    except Exception:  # layout never costs a file its migration
        return module
    return new
