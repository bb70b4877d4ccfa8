"""Statements joined on one line by ``;`` written one per line (rule TFM227's pre-step): a pure
function of the source.

Scripts written in a hurry put several statements on a line::

    x1 = tf.placeholder(tf.float32, [None, 8]); x2 = tf.placeholder(tf.float32, [None, 8])
    _, l = sess.run([train, loss], feed); print(l)

Python runs them one after the other, exactly as if each were on a line of its own. The analyses
and rules read a statement line as one statement (a placeholder bound on it, a session run made
by it), so such a line kept the whole program TF1. Written one per line - the first keeping the
comments above the line, the last its trailing comment - the program is the same. Only in a file
that imports TensorFlow or tflearn, only lines of a block (``if c: a; b`` stays as written).
"""
from __future__ import annotations

import libcst as cst

from .blocks import BlockRewriter

from ..names import dotted


def _imports_legacy(module: cst.Module) -> bool:
    for st in module.body:
        if not isinstance(st, cst.SimpleStatementLine):
            continue
        for small in st.body:
            if isinstance(small, cst.Import) and any(
                    (dotted(a.name) or "").split(".")[0] in ("tensorflow", "tflearn") for a in small.names):
                return True
            if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None \
                    and (dotted(small.module) or "").split(".")[0] in ("tensorflow", "tflearn"):
                return True
    return False


class _Split(BlockRewriter):
    def _block(self, body):
        if not any(isinstance(st, cst.SimpleStatementLine) and len(st.body) > 1 for st in body):
            return None
        out = []
        for st in body:
            if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) > 1):
                out.append(st)
                continue
            last = len(st.body) - 1
            for i, small in enumerate(st.body):
                out.append(cst.SimpleStatementLine(
                    body=[small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                    leading_lines=st.leading_lines if i == 0 else (),
                    trailing_whitespace=st.trailing_whitespace if i == last else cst.TrailingWhitespace()))
            self.changed += 1
        return out


def split_statement_lines(module: cst.Module) -> cst.Module | None:
    if not _imports_legacy(module):
        return None
    t = _Split()
    new = module.visit(t)
    return new if t.changed else None
