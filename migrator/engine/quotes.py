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
import tokenize

import libcst as cst


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
    def __init__(self, module: cst.Module, quote: str, keep: set[str], helper_names: set[str]) -> None:
        self.module = module
        self.quote = quote
        self.other = '"' if quote == "'" else "'"
        self.keep = keep
        self.helper_names = helper_names
        self.depth = 0
        self.skip = 0
        self.in_stmt = 0
        self.changed = False

    def visit_IndentedBlock(self, node) -> bool:
        self.depth += 1
        return True

    def leave_IndentedBlock(self, original, updated):
        self.depth -= 1
        return updated

    def _enter_def(self, node) -> bool:
        if self.depth == 0 and node.name.value in self.helper_names:
            self.skip += 1
        return True

    def _leave_def(self, original, updated):
        if self.depth == 0 and original.name.value in self.helper_names:
            self.skip -= 1
        return updated

    visit_FunctionDef = visit_ClassDef = _enter_def
    leave_FunctionDef = leave_ClassDef = _leave_def

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        if self.skip:
            return False
        if len(node.body) == 1 and isinstance(node.body[0], cst.Expr) \
                and isinstance(node.body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            return False  # a docstring / bare string statement
        text = self.module.code_for_node(node).strip()
        if text.split("\n")[0].strip() in self.keep or text in self.keep:
            return False
        self.in_stmt += 1
        return True

    def leave_SimpleStatementLine(self, original, updated):
        if self.in_stmt:
            self.in_stmt -= 1
        return updated

    def visit_FormattedString(self, node) -> bool:
        return False

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString):
        if not self.in_stmt:
            return updated
        s = updated.value
        if s[:1] != self.other or s[:3] == self.other * 3 or len(s) < 2:
            return updated  # prefixed (r'', b''), already the preferred quote, triple-quoted
        body = s[1:-1]
        if "'" in body or '"' in body or "\\" in body:
            return updated
        self.changed = True
        return updated.with_changes(value=f"{self.quote}{body}{self.quote}")


def match_quote_style(module: cst.Module, source: str, helper_names: set[str]) -> cst.Module:
    """``module`` with the string literals of the statements the migration wrote in the input's
    preferred quote (unchanged when the input has none)."""
    quote = preferred_quote(source)
    if quote is None:
        return module
    keep = {ln.strip() for ln in source.splitlines() if ln.strip()}
    pass_ = _Requote(module, quote, keep, helper_names)
    new = module.visit(pass_)
    return new if pass_.changed else module
