"""Held-out form of issue 10 (session 29, round X5, after kyrie_weights_collection_alternating): weights
put into ``tf.GraphKeys.WEIGHTS`` with ``tf.add_to_collection`` by a helper each tower calls, and
``tf.contrib.layers.apply_regularization(reg)`` with NO weights list, which sums the penalty over the
collection's entries - each weight twice, once per tower. No faithful translation yet (the Keras encoder
is built once and no Keras model keeps such a collection): both statements stay, marked by TFM151 with
that reason (before: the add carried TFM100's bare "no Keras translation", the apply only "TF1 then
regularized the WEIGHTS collection"). Fast tier: no TensorFlow; no slow test (the output does not run)."""
from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options
from tests.outputs import undefined_names as _undefined

FIX = Path(__file__).parent / "fixtures" / "heldout_x5"
SRC = (FIX / "weights_collection_penalty_mlp.py").read_text()


def _run(src: str, fixes: bool) -> str:
    return migrate_source(src, "x5.py", Options(fixes=fixes)).code


def _marked(out: str, statement: str) -> str:
    """The TODO comment block right above ``statement`` (joined into one line)."""
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == statement)
    block = []
    for line in reversed(lines[:at]):
        if not line.lstrip().startswith("#"):
            break
        block.insert(0, line.strip().lstrip("#").strip())
    return " ".join(block)


@pytest.mark.parametrize("fixes", [False, True])
def test_weights_collection_is_an_honest_todo_with_the_reason(fixes):
    out = _run(SRC, fixes)
    cst.parse_module(out)
    assert _run(out, fixes) == out  # idempotent
    assert _undefined(out) == set()
    add = _marked(out, "tf.add_to_collection(tf.GraphKeys.WEIGHTS, w)")
    assert add.startswith(f"{TODO_MARKER}: TFM151 add to the WEIGHTS collection kept")
    assert "once per tower" in add and "duplicates included" in add and "TFM100" not in add
    reg = [line for line in out.splitlines() if "= tf.contrib.layers.apply_regularization(" in line]
    assert len(reg) == 1
    why = _marked(out, reg[0].strip())
    assert why.startswith(f"{TODO_MARKER}: TFM151 apply_regularization without a weights list regularizes the "
                          "WEIGHTS collection")
    assert "duplicates included" in why
    # pinned: the import, the two get_variable lines, the add and the apply (5 before this round too)
    assert out.count(TODO_MARKER) == 5


def test_another_graph_key_keeps_the_plain_marker():
    src = "import tensorflow as tf\ntf.add_to_collection(tf.GraphKeys.UPDATE_OPS, op)\n"
    out = _run(src, False)
    assert "TFM100 no Keras translation" in out and "WEIGHTS collection" not in out


def test_a_weights_list_still_translates():
    src = ("import tensorflow as tf\npen = tf.contrib.layers.l2_regularizer(0.1)\n"
           "extra = tf.contrib.layers.apply_regularization(pen, [w1, w2])\n")
    out = _run(src, False)
    assert TODO_MARKER not in out
    assert re.search(r"extra = tf1_apply_regularization\(pen, \[w1, w2\]\)", out)
