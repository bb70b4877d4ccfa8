"""Held-out forms of issue 10 (round Y, session 30).

* a model written out at module level with one parameter DICT per branch and layer, the
  variables made by tutorial helpers (``p = {'w': make_kernel([..]), 'b': make_bias([..])}``),
  each layer a helper returning ``tf.nn.conv2d`` / ``tf.matmul`` with the bias added OUTSIDE the
  helper from the dict (``conv(x, p['w']) + p['b']``). Before, the bias read as a subscript was
  not taken into the layer, so both helpers stayed TF1 (3 TODO, the output crashed on
  ``tf.truncated_normal``); now each dict becomes one Conv2D / Dense layer and the helpers go.

Fast tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs

FIX = Path(__file__).parent / "fixtures" / "heldout_y"


def _migrate(src: str, fixes: bool = False, name: str = "x.py") -> str:
    out = migrate_source(src, name, Options(fixes=fixes)).code
    return out if out is not None else src


def _body(out: str) -> str:
    return out.split('"""', 2)[2] if out.startswith('"""') else out


def _idempotent(out: str, fixes: bool = False) -> None:
    assert migrate_source(out, "again.py", Options(fixes=fixes)).code in (None, out)


@pytest.mark.parametrize("fixes", [False, True])
def test_param_dict_branches_translate_whole(fixes):
    out = _migrate((FIX / "param_dict_branches.py").read_text(), fixes)
    body = _body(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert legacy_refs_outside_todo(out) == []
    # the branches do not share in TF1: two layers per depth, each with its dict's bias
    assert body.count("keras.layers.Conv2D(") == 2 and body.count("keras.layers.Dense(") == 2
    assert body.count("bias_initializer=keras.initializers.Constant(0.05)") == 4
    assert "def make_kernel" not in body and "def make_bias" not in body  # every call became a layer
    assert "left_c1" not in body and "right_f2" not in body
    assert "def conv(x, w):\n    return w(x)" in body and "def fc(x, w):\n    return w(x)" in body
    compile(out, "x.py", "exec")
    _idempotent(out, fixes)


_PROG = '''import numpy as np
import tensorflow as tf


def make_kernel(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


def make_bias(size):
    return tf.Variable(tf.constant(0.1, shape=size))


def fc(x, w):
    return tf.matmul(x, w)


x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None])
{params}
out = tf.reduce_sum({layer}, 1)
loss = tf.reduce_mean(tf.square(out - y){extra})
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train_op, feed_dict={{x: np.ones((2, 4)), y: np.ones(2)}})
'''


@pytest.mark.parametrize("params, layer", [
    ("p = {'w': make_kernel([4, 3]), 'b': make_bias([3])}", "fc(x, p['w']) + p['b']"),
    ("p = {'weight': make_kernel([4, 3]),\n     'biases': make_bias([3])}", "fc(x, p['weight']) + p['biases']"),
    ("w = make_kernel([4, 3])\nb = make_bias([3])", "fc(x, w) + b"),  # the names, as before
])
def test_a_dict_read_by_a_helper_and_an_outer_bias_becomes_one_dense(params, layer):
    out = _migrate(_PROG.format(params=params, layer=layer, extra=""))
    assert TODO_MARKER not in out, out
    assert out.count("keras.layers.Dense(") == 1 and "bias_initializer=keras.initializers.Constant(0.1)" in out
    assert "make_kernel" not in out and "make_bias" not in out and "tf." not in out
    compile(out, "x.py", "exec")
    _idempotent(out)


@pytest.mark.parametrize("params, layer, extra", [
    # the bias is also read by the loss: it is not only the layer's
    ("p = {'w': make_kernel([4, 3]), 'b': make_bias([3])}", "fc(x, p['w']) + p['b']",
     " + tf.reduce_sum(p['b'])"),
    # the bias of another dict (shape [4], not the kernel's last dimension)
    ("p = {'w': make_kernel([4, 3]), 'b': make_bias([4])}", "fc(x, p['w']) + p['b'][:3]", ""),
])
def test_a_dict_bias_that_is_not_only_the_layers_stays_honest(params, layer, extra):
    out = _migrate(_PROG.format(params=params, layer=layer, extra=extra))
    assert legacy_refs_outside_todo(out) == []
    assert "keras.layers.Dense(" not in out or "p['b']" not in out
    compile(out, "x.py", "exec")
    _idempotent(out)


# -- slow: the migrated program runs and matches TF1 -------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["param_dict_branches.py"])
def test_fixture_is_equivalent_to_tf1(name, tmp_path):
    assert_equivalent(FIX / name, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["param_dict_branches.py"])
def test_fixture_trains_like_tf1(name, tmp_path):
    src = FIX / name
    legacy, keras_auc = legacy_and_migrated_aucs(src, _migrate(src.read_text()), tmp_path)
    assert legacy > 0.85 and abs(keras_auc - legacy) < 0.05, (legacy, keras_auc)
