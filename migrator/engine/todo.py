"""TODO(tflearn-migrate) markers on statements: writing them once (idempotent), TFM100 on the
inner lines of a compound statement a rule built, TFM133 on TF1 optimizer steps left in a line."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from .. import TODO_MARKER
from ..analysis.bindings import KEPT_ID
from ..diagnostics import Severity
from ..emit import code as code_of
from .suppression import UNTRANSLATED_ID

if TYPE_CHECKING:  # pragma: no cover
    from .context import FileContext


@dataclass
class Mark:
    rule: str
    message: str

_KEPT_MARK = f"{TODO_MARKER}: {KEPT_ID} "


def kept_before(stmt: cst.CSTNode) -> bool:
    """The statement carries a TFM013 marker: an earlier run kept it for the invariant."""
    ws = getattr(stmt, "trailing_whitespace", None)
    if ws is not None and ws.comment is not None and _KEPT_MARK in ws.comment.value:
        return True
    return any(l.comment is not None and _KEPT_MARK in l.comment.value
               for l in getattr(stmt, "leading_lines", ()))


def mark_tf1_optimizer_calls(f: "FileContext", original: cst.CSTNode, stmts: list) -> None:
    from ..analysis.flow import Flow
    from ..analysis.leftovers import MESSAGE, tf1_optimizer_calls

    def is_tf1_optimizer(name: str) -> bool:
        d = f.analysis(Flow).def_of(name, original)
        q = f.legacy_name(d.value) if d is not None and isinstance(d.value, cst.Call) else None
        return bool(q) and q.startswith("tensorflow.train.") and q.endswith("Optimizer")

    for s in stmts:
        found = tf1_optimizer_calls(s, is_tf1_optimizer) if isinstance(s, cst.SimpleStatementLine) else []
        if found:
            f.todo(original, "TFM133", MESSAGE.format(m=found[0]))
            return


def mark_inner(stmt: cst.BaseStatement, f: "FileContext", original: cst.CSTNode) -> cst.BaseStatement:
    """TFM100 markers on the inner lines of a compound statement a rule built (e.g. TFM140's
    ``def loss(...)`` from ``loss = ...``) that still use a legacy API."""
    class T(cst.CSTTransformer):
        def leave_SimpleStatementLine(self, o, u):
            refs = sorted(set(f.bindings.refs(u)))
            if not refs:
                return u
            msg = "no Keras translation for " + ", ".join(refs)
            f.report(original, UNTRANSLATED_ID, msg, severity=Severity.WARNING, todo=True)
            return mark_statement(u, [Mark(UNTRANSLATED_ID, msg)])

    return stmt.visit(T())


def strip_leading(stmt: cst.BaseStatement) -> cst.BaseStatement:
    return stmt.with_changes(leading_lines=[]) if hasattr(stmt, "leading_lines") else stmt


def has_marker(stmt: cst.BaseStatement) -> bool:
    lines = [l.comment.value for l in getattr(stmt, "leading_lines", []) if l.comment]
    if isinstance(stmt, cst.SimpleStatementLine) and stmt.trailing_whitespace.comment:
        lines.append(stmt.trailing_whitespace.comment.value)
    return any(TODO_MARKER in c for c in lines)


def mark_statement(stmt: cst.BaseStatement, marks: list[Mark]) -> cst.BaseStatement:
    if has_marker(stmt):
        return stmt  # idempotence: a second run does not stack markers
    texts = [f"# {TODO_MARKER}: {m.rule} {m.message}" for m in marks]
    if (isinstance(stmt, cst.SimpleStatementLine) and len(texts) == 1
            and stmt.trailing_whitespace.comment is None):
        body = code_of(stmt.with_changes(leading_lines=[])).rstrip("\n")
        if "\n" not in body and len(body) + len(texts[0]) <= 150:
            return stmt.with_changes(trailing_whitespace=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(texts[0])))
    extra = [cst.EmptyLine(comment=cst.Comment(t)) for t in texts]
    return stmt.with_changes(leading_lines=list(stmt.leading_lines) + extra)
