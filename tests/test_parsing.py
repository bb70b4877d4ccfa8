"""migrator/parsing.py: a large module parsed in pieces is the tree ``cst.parse_module`` builds
(every fixture, cut into pieces of a few lines), and what cannot be cut is parsed whole."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator.parsing import _pieces, parse_module

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p for d in ("tests/fixtures", "reference_models") for p in (ROOT / d).rglob("*.py"))


def _same(a: cst.Module, b: cst.Module) -> bool:
    return (a.deep_equals(b) and a.code == b.code and a.default_indent == b.default_indent
            and a.default_newline == b.default_newline and a.has_trailing_newline == b.has_trailing_newline
            and a.encoding == b.encoding)


# every 8th file in the fast tier, all of them in the slow tier (issue 14: the fast tier's time)
@pytest.mark.parametrize("every", [8, pytest.param(1, marks=pytest.mark.slow)], ids=["sample", "all"])
def test_pieces_equal_whole_parse_on_every_fixture(every):
    cut = 0
    files = FILES[::every]
    for p in files:
        src = p.read_text(encoding="utf-8")
        whole = cst.parse_module(src)
        cut += len(_pieces(src, 3)) > 1
        assert _same(parse_module(src, chunk_lines=3, min_lines=0), whole), p
    assert len(files) >= 15 and cut > len(files) // 2  # the comparison did cut most files


SRC = '''"""doc."""
import os


def f():
    x = 1

    # tail comment in the block


class A:
  def g(self):
      pass
    # odd comment


if os:
    pass


else_ = 3


@decorator

def h():
    return """
def not_a_statement():


    pass
"""


y = [
    1,

2]
z = 1  # end
'''


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 8])
def test_cuts_never_change_the_tree(chunk):
    assert _same(parse_module(SRC, chunk_lines=chunk, min_lines=0), cst.parse_module(SRC))


@pytest.mark.parametrize("src", [
    "a = 1\n\n\nb = 2\n\n\nif a:\n  c = 3\n\n\nif b:\n  d = 4\n",     # first block in a later piece
    "a = 1\n\n\nb = 2\n\n\nif a:\n  c = 3\n\n\nif b:\n    d = 4\n",   # pieces disagree: parsed whole
])
def test_default_indent_is_the_whole_files(src):
    m = parse_module(src, chunk_lines=1, min_lines=0)
    assert len(_pieces(src, 1)) == 4
    assert m.default_indent == "  " and _same(m, cst.parse_module(src))


def test_syntax_errors_are_libcsts_own():
    src = "a = 1\n\n\nb = (\n\n\nc = 2\n"
    with pytest.raises(cst.ParserSyntaxError) as got:
        parse_module(src, chunk_lines=1, min_lines=0)
    with pytest.raises(cst.ParserSyntaxError) as want:
        cst.parse_module(src)
    assert str(got.value) == str(want.value)


def test_small_files_are_parsed_whole():
    assert _pieces(SRC, 3) and parse_module(SRC).deep_equals(cst.parse_module(SRC))
