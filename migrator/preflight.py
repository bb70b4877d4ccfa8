"""Cheap checks that classify files the rewriter cannot take, with one clear line each."""
from __future__ import annotations

import re
import sys

import libcst as cst

_PY2_HINTS = (
    (re.compile(r"^\s*print\s+[^\s(=]", re.M), "a Python 2 print statement"),
    (re.compile(r"^\s*exec\s+[\"'\w]", re.M), "a Python 2 exec statement"),
    (re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:", re.M), "a Python 2 'except X, e:' clause"),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,", re.M), "a Python 2 'raise X, msg' statement"),
    (re.compile(r"\b0[0-7]+L?\b|\b\d+L\b"), "a Python 2 numeric literal"),
    (re.compile(r"`[^`\n]+`"), "Python 2 backquotes"),
    (re.compile(r"<>"), "the Python 2 '<>' operator"),
)

PY2_ADVICE = ("it looks like Python 2 - port it to Python 3 first "
              "(e.g. `python3.11 -m lib2to3 -w FILE`), then run tflearn-migrate again")


class Reject(Exception):
    """A file we cannot migrate: ``reason`` is one line (what is wrong, what to do)."""

    def __init__(self, reason: str, line: int = 1, rule: str = "TFM001") -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.rule = rule


def check_syntax(source: str, path: str) -> None:
    """Raise Reject if CPython cannot parse ``source``."""
    try:
        compile(source, path, "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
    except SyntaxError as ex:
        raise Reject(_syntax_reason(source, ex.msg, ex.lineno or 1), line=ex.lineno or 1,
                     rule="TFM003" if _py2_hint(source, ex.msg) else "TFM001") from None
    except (ValueError, RecursionError) as ex:  # e.g. null bytes
        raise Reject(f"cannot be parsed ({ex}); fix the file and run again") from None


def _py2_hint(source: str, msg: str) -> str | None:
    if "Missing parentheses in call to 'print'" in msg:
        return "a Python 2 print statement"
    for rx, what in _PY2_HINTS:
        if rx.search(source):
            return what
    return None


def _syntax_reason(source: str, msg: str, line: int) -> str:
    hint = _py2_hint(source, msg)
    if hint:
        return f"syntax error ({msg}): {hint}; {PY2_ADVICE}"
    return (f"syntax error ({msg}); fix the file and run again (read as Python "
            f"{sys.version_info[0]}.{sys.version_info[1]} reads it)")


def describe_parse_error(source: str, ex: cst.ParserSyntaxError) -> str:
    return _syntax_reason(source, ex.message, ex.raw_line)
