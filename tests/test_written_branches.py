"""TFM201 on Siamese branches written OUT twice, statement by statement (issue 10, session 30).

Jerry1014/ObjectTracking's form: two placeholders of one shape, one ``tf.Variable`` parameter
dict per branch and layer, the same layer statements applied to each input, the two outputs
meeting in one distance / loss. TF1 shares nothing between the branches; TFM201 reports it in
both modes and never rewrites it (no builder to make one encoder from). The match is strict
(analysis/branches.py): these tests hold the negative cases too.

Fast tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_y" / "param_dict_branches.py"

HEAD = ("import tensorflow as tf\n\n"
        "def new_weights(shape):\n"
        "    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n\n"
        "def new_biases(n):\n"
        "    return tf.Variable(tf.constant(0.1, shape=n))\n\n"
        "def conv(x, w):\n"
        "    return tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding='VALID')\n\n"
        "a_in = tf.placeholder(tf.float32, shape=[None, 8, 8, 1])\n"
        "b_in = tf.placeholder(tf.float32, shape=[None, 8, 8, 1])\n")

DICTS = ("pa1 = {'weight': new_weights([3, 3, 1, 4]), 'biases': new_biases([4])}\n"
         "pb1 = {'weight': new_weights([3, 3, 1, 4]), 'biases': new_biases([4])}\n"
         "pa2 = {'weight': new_weights([1, 1, 4, 2]), 'biases': new_biases([2])}\n"
         "pb2 = {'weight': new_weights([1, 1, 4, 2]), 'biases': new_biases([2])}\n")

CHAIN_A = ("with tf.name_scope('conv1_a'):\n"
           "    c1_a = tf.nn.relu(conv(a_in, pa1['weight']) + pa1['biases'])\n"
           "pool_a = tf.nn.max_pool(c1_a, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='VALID')\n"
           "c2_a = conv(pool_a, pa2['weight']) + \\\n"
           "    pa2['biases']\n"
           "e_a = tf.reshape(c2_a, [-1, 18])\n")
CHAIN_B = ("with tf.name_scope('conv1_b'):\n"
           "    c1_b = tf.nn.relu(conv(b_in, pb1['weight']) + pb1['biases'])\n"
           "pool_b = tf.nn.max_pool(c1_b, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='VALID')\n"
           "c2_b = conv(pool_b, pb2['weight']) + pb2['biases']\n"
           "e_b = tf.reshape(c2_b, [-1, 18])\n")
MEET = "score = tf.reduce_sum(e_a * e_b, 1)\n"

SOURCE = HEAD + DICTS + CHAIN_A + CHAIN_B + MEET


def _tfm201(src: str, fixes: bool) -> list:
    res = migrate_source(src, "x.py", Options(fixes=fixes))
    return [d for d in res.diagnostics if d.rule == "TFM201"]


def _code(src: str, fixes: bool, ignore: frozenset = frozenset()) -> str:
    res = migrate_source(src, "x.py", Options(fixes=fixes, ignore=ignore))
    return res.code if res.code is not None else src


@pytest.mark.parametrize("fixes", [False, True])
def test_written_out_branches_are_reported(fixes):
    found = _tfm201(SOURCE, fixes)
    assert len(found) == 1
    msg = found[0].message
    assert "a_in -> e_a, b_in -> e_b: 4 statement(s) each" in msg
    assert "4 per branch" in msg and "the towers share nothing" in msg
    assert ("the towers are kept as written" in msg) != fixes
    assert ("not fixed" in msg) == fixes
    assert found[0].line == SOURCE.splitlines().index("    c1_a = tf.nn.relu(conv(a_in, pa1['weight']) + pa1['biases'])") + 1


@pytest.mark.parametrize("fixes", [False, True])
def test_reporting_does_not_change_the_output(fixes):
    # reporting only: the output is the one the run without TFM201 makes
    assert _code(SOURCE, fixes) == _code(SOURCE, fixes, frozenset({"TFM201"}))


@pytest.mark.parametrize("fixes", [False, True])
def test_fixture_param_dict_branches(fixes):
    src = FIX.read_text()
    found = _tfm201(src, fixes)
    assert len(found) == 1 and "left_in -> e_left, right_in -> e_right: 2 statement(s) each" in found[0].message
    assert _code(src, fixes) == _code(src, fixes, frozenset({"TFM201"}))


def test_in_a_function_meeting_in_return():
    head, inputs = HEAD.split("a_in = ")
    body = ("a_in = " + inputs + DICTS + CHAIN_A + CHAIN_B).replace("\n", "\n    ")
    src = head + "def build():\n    " + body.rstrip() + "\n    return tf.concat([e_a, e_b], 1)\n"
    assert len(_tfm201(src, False)) == 1


NEGATIVE = {
    # different layer sizes in the second layer
    "sizes": SOURCE.replace("pb2 = {'weight': new_weights([1, 1, 4, 2]), 'biases': new_biases([2])}",
                            "pb2 = {'weight': new_weights([1, 1, 4, 3]), 'biases': new_biases([2])}"),
    # one branch reads the other's variables: TF1 shares them (one tower on two inputs)
    "shared": SOURCE.replace("conv(b_in, pb1['weight']) + pb1['biases']", "conv(b_in, pa1['weight']) + pa1['biases']")
                    .replace("conv(pool_b, pb2['weight']) + pb2['biases']",
                             "conv(pool_b, pa2['weight']) + pa2['biases']"),
    # partly shared: the second layer's dict is read by both branches
    "partial": SOURCE.replace("conv(pool_b, pb2['weight']) + pb2['biases']",
                              "conv(pool_b, pa2['weight']) + pa2['biases']"),
    # the outputs never meet (two separate models)
    "no meeting": HEAD + DICTS + CHAIN_A + CHAIN_B,
    # inputs of different shapes
    "shapes": SOURCE.replace("b_in = tf.placeholder(tf.float32, shape=[None, 8, 8, 1])",
                             "b_in = tf.placeholder(tf.float32, shape=[None, 9, 9, 1])"),
    # a different op in one branch (no relu)
    "ops": SOURCE.replace("c1_b = tf.nn.relu(conv(b_in, pb1['weight']) + pb1['biases'])",
                          "c1_b = tf.nn.tanh(conv(b_in, pb1['weight']) + pb1['biases'])"),
    # one branch has a layer more
    "length": SOURCE.replace("e_b = tf.reshape(c2_b, [-1, 18])", "e_b = tf.reshape(tf.nn.relu(c2_b), [-1, 18])")
                    .replace("c2_b = conv(pool_b, pb2['weight']) + pb2['biases']\n",
                             "c2_b = conv(pool_b, pb2['weight']) + pb2['biases']\nc3_b = tf.nn.relu(c2_b)\n")
                    .replace("tf.reshape(tf.nn.relu(c2_b)", "tf.reshape(c3_b"),
    # a branch name bound twice: no chain to speak of
    "rebound": SOURCE.replace(MEET, "e_b = e_b * 2.0\n" + MEET),
    # two heads on ONE input (a classifier): not two inputs
    "heads": HEAD + DICTS + CHAIN_A + CHAIN_B.replace("b_in", "a_in") + MEET,
}


@pytest.mark.parametrize("name", sorted(NEGATIVE))
def test_strict_negative_cases(name):
    src = NEGATIVE[name]
    compile(src, "x.py", "exec")
    assert _tfm201(src, False) == [] and _tfm201(src, True) == []


def test_variable_helper_is_not_a_tower():
    # ``w = weight([16, 8])`` calls of a helper returning tf.Variable, whose results meet in an
    # expression, were taken for tower calls (and "fixed" into an encoder of the helper)
    src = ("import tensorflow as tf\n\n"
           "def weight(shape):\n"
           "    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n\n"
           "x1 = tf.placeholder(tf.float32, [None, 16])\n"
           "w1 = weight([16, 8])\n"
           "v = weight([8, 4])\n"
           "h1 = tf.matmul(tf.matmul(x1, w1), v)\n")
    assert _tfm201(src, True) == [] and "encoder" not in _code(src, True)
