"""Statements joined on one line by ``;`` (TFM227's pre-step): written one per line, so the TF1
program translation sees each placeholder, run and print. Fast tier: the text; slow tier: verify
on the fixture."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "semicolon_statements.py"
SOURCE = FIXTURE.read_text()


def _one_per_line(src: str) -> str:
    """The fixture written by hand one statement per line (its docstring as it is)."""
    doc, code = src.split('"""\n', 1)
    out = [doc + '"""']
    for line in code.splitlines():
        indent = line[:len(line) - len(line.lstrip())]
        out.extend(indent + part for part in line.strip().split("; ")) if "; " in line else out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("fixes", [False, True])
def test_a_semicolon_script_migrates_as_its_one_statement_per_line_form(fixes):
    out = migrate_text(SOURCE, fixes)
    assert TODO_MARKER not in out and "tf." not in out.split('"""', 2)[2] and not undefined_names(out)
    assert "x1 = keras.Input(shape=(8, 8, 1))\nx2 = keras.Input(shape=(8, 8, 1))\n" in out
    assert out == migrate_text(_one_per_line(SOURCE), fixes)
    assert_idempotent(out, fixes)


def test_comments_stay_with_the_first_and_last_statement():
    src = ("import tensorflow as tf\n\n# the pair\n"
           "a = tf.square(x); b = tf.sqrt(x)  # both\nprint(a, b)\n"
           "def f(x):\n    y = tf.square(x); z = tf.sqrt(y)\n    return z\n")
    out = migrate_text(src, False)
    assert "# the pair\na = keras.ops.square(x)\nb = keras.ops.sqrt(x)  # both\n" in out
    assert "    y = keras.ops.square(x)\n    z = keras.ops.sqrt(y)\n" in out


def test_a_file_without_tensorflow_keeps_its_semicolons():
    src = "import numpy as np\na = np.zeros(3); b = np.ones(3)\n"
    assert migrate_text(src, False) == src


@pytest.mark.slow
def test_the_semicolon_script_computes_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(FIXTURE, tmp_path)
