"""The source's quote style in the statements the migration wrote.

The rules emit string literals with Python's ``repr`` quotes (``'relu'``); a file written with
double quotes would get a mix. This pass reads which quote the input's one-line string literals
use most and rewrites the literals of every statement the migration wrote (a statement whose
text is not a line of the input) to it - only where the text between the quotes holds neither
quote character nor a backslash, so the value is the same string (black's rule). Statements of
the input that came through unchanged, helper definitions (their text is the registered
helper's), docstrings and triple-quoted, prefixed or f-strings are left as they are."""
from __future__ import annotations

import io
import re
import tokenize

import libcst as cst

from .statements import node_code, input_lines, rewrite_statements


def preferred_quote(source: str) -> str | None:
    """``'`` or ``"``: the quote most one-line, unprefixed string literals of ``source`` use
    (None: no literal, a tie, or a source that does not tokenize)."""
    counts = {"'": 0, '"': 0}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.STRING and tok.string[:1] in counts and tok.string[:3] not in ("'''", '"""'):
                counts[tok.string[0]] += 1
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    if counts["'"] == counts['"']:
        return None
    return "'" if counts["'"] > counts['"'] else '"'


class _Requote(cst.CSTTransformer):
    """The literals of one statement in ``quote`` (not inside f-strings)."""

    def __init__(self, quote: str) -> None:
        super().__init__()
        self.quote = quote
        self.other = '"' if quote == "'" else "'"

    def visit_FormattedString(self, node) -> bool:
        return False

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString):
        s = updated.value
        if s[:1] != self.other or s[:3] == self.other * 3 or len(s) < 2:
            return updated  # prefixed (r'', b''), already the preferred quote, triple-quoted
        body = s[1:-1]
        if "'" in body or '"' in body or "\\" in body:
            return updated
        return updated.with_changes(value=f"{self.quote}{body}{self.quote}")


def match_quote_style(module: cst.Module, source: str, helper_names: set[str], code: str | None = None
                      ) -> cst.Module:
    """``module`` with the string literals of the statements the migration wrote in the input's
    preferred quote (unchanged when the input has none). ``code``: ``module``'s text, when known."""
    quote = preferred_quote(source)
    if quote is None:
        return module
    other = '"' if quote == "'" else "'"
    keep = input_lines(source)
    text = module.code if code is None else code
    if not any(other in ln and ln.strip() not in keep for ln in text.splitlines()):
        return module  # no line the migration wrote holds the other quote
    requote = _Requote(quote)

    def fn(stmt: cst.SimpleStatementLine, depth: int):
        if len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr) \
                and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            return None  # a docstring / bare string statement
        line = node_code(module, stmt).strip()
        if other not in line or line.split("\n")[0].strip() in keep:
            return None
        new = stmt.visit(requote)
        return None if new.deep_equals(stmt) else new

    module = rewrite_statements(module, fn, helper_names)
    if not any(_HEADER.match(ln) and other in ln and ln.strip() not in keep for ln in text.splitlines()):
        return module  # no compound header the migration wrote holds the other quote
    return module.visit(_Headers(module, requote, keep, other, helper_names))


# the first line of an ``if`` / ``elif`` / ``while`` / ``for`` / ``with`` (a superset of the
# headers _Headers requotes: the whole-module visit is skipped when no line is one)
_HEADER = re.compile(r"\s*(?:if|elif|while|for|with|async\s+for|async\s+with)\b")


class _Headers(cst.CSTTransformer):
    """The header expression of ``if`` / ``elif`` / ``while`` / ``for`` / ``with`` statements whose
    header line the migration wrote (not a line of the input), requoted like the simple statements."""

    def __init__(self, module: cst.Module, requote: _Requote, keep, other: str, skip) -> None:
        super().__init__()
        self.module, self.requote, self.keep, self.other, self.skip = module, requote, keep, other, skip
        self.elifs: set[int] = set()

    def visit_FunctionDef(self, node) -> bool:
        return node.name.value not in self.skip  # (a helper's definition is the registered text)

    def visit_ClassDef(self, node) -> bool:
        return node.name.value not in self.skip

    def visit_If(self, node) -> bool:
        if isinstance(node.orelse, cst.If):
            self.elifs.add(id(node.orelse))
        return True

    def _written(self, original, prefix: str = "") -> bool:
        if not isinstance(original.body, cst.IndentedBlock):
            return False  # ``if x: y = 1``: the line holds the body too
        head = prefix + node_code(self.module, original).strip().split("\n")[0].strip()
        return self.other in head and head not in self.keep

    def leave_If(self, original, updated):
        if self._written(original, "el" if id(original) in self.elifs else ""):
            return updated.with_changes(test=updated.test.visit(self.requote))
        return updated

    def leave_While(self, original, updated):
        if self._written(original):
            return updated.with_changes(test=updated.test.visit(self.requote))
        return updated

    def leave_For(self, original, updated):
        if self._written(original):
            return updated.with_changes(iter=updated.iter.visit(self.requote))
        return updated

    def leave_With(self, original, updated):
        if self._written(original):
            return updated.with_changes(items=[i.visit(self.requote) for i in updated.items])
        return updated
