"""Unshared towers in the forms public TF1 code writes them without naming each tower's output
(issue 10: "every unshared pair reported"): the towers called inside the comparison itself,
and one call run per input by a loop or a comprehension. Fast tier: no TensorFlow."""
from __future__ import annotations

import pytest

from migrator.engine import migrate_source
from migrator.options import Options

HEAD = ("import tensorflow as tf\n\n"
        "def weight_variable(shape):\n"
        "    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n\n"
        "def net(x):\n"
        "    W = weight_variable([64, 16])\n"
        "    return tf.matmul(x, W)\n\n"
        "x1 = tf.placeholder(tf.float32, [None, 64])\n"
        "x2 = tf.placeholder(tf.float32, [None, 64])\n")
TAIL = "loss = tf.reduce_mean(d)\ntrain = tf.train.AdamOptimizer(1e-3).minimize(loss)\n"


def _tfm201(src: str, fixes: bool) -> list:
    res = migrate_source(src, "t.py", Options(fixes=fixes))
    return res, [d for d in res.diagnostics if d.rule == "TFM201"]


@pytest.mark.parametrize("body", [
    "d = tf.reduce_sum(tf.square(net(x1) - net(x2)), 1)\n",
    "def dist(a, b):\n    return tf.reduce_sum(tf.square(a - b), 1)\nd = dist(net(x1), net(x2))\n",
    "o1, o2 = net(x1), net(x2)\nd = tf.reduce_sum(tf.square(o1 - o2), 1)\n",
])
def test_inline_unshared_towers_are_reported_and_fixed(body):
    res, found = _tfm201(HEAD + body + TAIL, fixes=False)
    assert len(found) == 1 and "share nothing" in found[0].message and "kept as written" in found[0].message
    assert "encoder" not in res.code  # faithful: two towers, as TF1 built them
    res, found = _tfm201(HEAD + body + TAIL, fixes=True)
    assert len(found) == 1 and found[0].fixed
    assert "encoder(x1)" in res.code and "encoder(x2)" in res.code and "net(x1)" not in res.code


@pytest.mark.parametrize("body", [
    "outs = [net(x) for x in (x1, x2)]\nd = tf.reduce_sum(tf.square(outs[0] - outs[1]), 1)\n",
    "outs = []\nfor x in (x1, x2):\n    outs.append(net(x))\nd = tf.reduce_sum(tf.square(outs[0] - outs[1]), 1)\n",
])
def test_towers_built_by_a_loop_are_reported(body):
    for fixes in (False, True):
        _, found = _tfm201(HEAD + body + TAIL, fixes=fixes)
        assert len(found) == 1 and "2 loop passes" in found[0].message and "built by a loop" in found[0].message


def test_a_shared_builder_called_inline_is_not_reported():
    src = HEAD.replace("    W = weight_variable([64, 16])\n",
                       "    with tf.variable_scope('net', reuse=tf.AUTO_REUSE):\n"
                       "        W = tf.get_variable('W', [64, 16])\n")
    _, found = _tfm201(src + "d = tf.reduce_sum(tf.square(net(x1) - net(x2)), 1)\n" + TAIL, fixes=False)
    assert found == []
