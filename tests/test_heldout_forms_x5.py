"""Held-out form of issue 10 (session 29, round X5, after kyrie_weights_collection_alternating): weights
put into ``tf.GraphKeys.WEIGHTS`` with ``tf.add_to_collection`` by a helper each tower calls, and
``tf.contrib.layers.apply_regularization(reg)`` with NO weights list, which sums the penalty over the
collection's entries - each weight twice, once per tower. Session 29 kept both statements,
marked by TFM151 with that reason; since session 31 (round X8, tests/test_heldout_forms_x8.py) the
program translates, each entry counted. Regression tier: no TensorFlow."""
from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options
from tests.outputs import undefined_names as _undefined

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_x5"
SRC = (FIX / "weights_collection_penalty_mlp.py").read_text()


def _run(src: str, fixes: bool) -> str:
    return migrate_source(src, "x5.py", Options(fixes=fixes)).code


@pytest.mark.parametrize("fixes", [False, True])
def test_weights_collection_translates_with_each_entry_counted(fixes):
    # session 31 (round X8): no longer a TODO - the add goes with its variable (the Dense's output is
    # marked by tf1_weights_entry) and the apply reads tf1_weights_collection(self), which counts the
    # shared encoder's layers once per tower call, as TF1 counted the adds (tests/test_heldout_forms_x8.py)
    out = _run(SRC, fixes)
    cst.parse_module(out)
    assert _run(out, fixes) == out  # idempotent
    assert _undefined(out) == set()
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert "tf1_weights_entry(keras.layers.Dense(" in out
    assert re.search(r"penalty = tf1_apply_regularization\(\s*keras\.regularizers\.L2\(0\.025\),\s*"
                     r"tf1_weights_collection\(self\),?\s*\)", out)


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
