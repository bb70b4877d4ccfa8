"""Held-out forms (set N): TensorFlow-Examples-style weight dicts held by a model OBJECT
(``self.weights = {'conv': tf.Variable(..), ...}`` in ``__init__``) and read by a method applied to
both inputs (``net.forward(left)`` / ``net.forward(right)``, or ``net(left)`` through ``__call__``):
TF1 shares those variables; the entries become layers inside the method, built once as the
encoder."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ATTR_DICTS = Path(__file__).parent / "fixtures" / "heldout_n" / "attr_weight_dicts.py"


def _code(out: str) -> str:
    return out.split('"""', 2)[2]  # (the docstring names the TF1 forms)


def test_attribute_weight_dicts_become_one_encoder():
    src = ATTR_DICTS.read_text(encoding="utf-8")
    for fixes in (False, True):
        out = migrate_source(src, "t.py", Options(fixes=fixes)).code
        assert "TODO(tflearn-migrate)" not in out, out
        code = _code(out)
        assert "tensorflow" not in code and "self.weights" not in code and "self.biases" not in code, out
        # __init__ loses its dict statements (every entry became a layer): its body is ``pass``
        assert "    def __init__(self):\n        pass\n" in out, out
        assert "encoder = keras.Model(encoder_input, net.forward(encoder_input), name='encoder')" in out, out
        assert "e1 = encoder(left)" in out and "e2 = encoder(right)" in out, out
        assert out.count("keras.layers.Conv2D(") == 1 and out.count("keras.layers.Dense(") == 2, out
        assert migrate_source(out, "t.py", Options(fixes=fixes)).code == out


def test_attribute_weight_dicts_through_call():
    # ``net(left)`` / ``net(right)`` with a ``__call__`` method: the object applied as a model
    src = ATTR_DICTS.read_text(encoding="utf-8")
    src = src.replace("def forward(self, x)", "def __call__(self, x)").replace("net.forward(", "net(")
    for fixes in (False, True):
        out = migrate_source(src, "t.py", Options(fixes=fixes)).code
        assert "TODO(tflearn-migrate)" not in out, out
        assert "tensorflow" not in _code(out), out
        assert "encoder = keras.Model(encoder_input, net(encoder_input), name='encoder')" in out, out
        assert "e1 = encoder(left)" in out and "e2 = encoder(right)" in out, out
        assert out.count("keras.layers.Conv2D(") == 1, out
        assert migrate_source(out, "t.py", Options(fixes=fixes)).code == out


def test_weight_dicts_made_per_call_stay_unshared():
    # the dicts bound INSIDE forward: new tf.Variables at each call - TF1 shares nothing; the
    # entries do not become layers of one encoder (faithful), TFM201 reports the towers
    src = ATTR_DICTS.read_text(encoding="utf-8")
    init = src[src.index("    def __init__(self):"):src.index("    def forward(self, x):")]
    moved = "\n".join(ln for ln in init.splitlines()[1:] if ln.strip()) + "\n"
    src = src.replace(init, "").replace("    def forward(self, x):\n", "    def forward(self, x):\n" + moved)
    res = migrate_source(src, "t.py", Options(fixes=False))
    out = res.code
    assert "encoder" not in _code(out), out
    assert "e1 = net.forward(left)" in out and "e2 = net.forward(right)" in out, out
    assert "keras.layers.Conv2D(" not in out, out
    assert any(d.rule == "TFM201" and "share nothing" in d.message for d in res.diagnostics), res.diagnostics
    assert migrate_source(out, "t.py", Options(fixes=False)).code == out


def test_attribute_weight_dict_also_read_elsewhere_stays():
    # a read of the dict outside the translated patterns (printed): the dict stays a dict of
    # variables, nothing dangles
    src = ATTR_DICTS.read_text(encoding="utf-8").replace(
        "net = Embedder()\n", "net = Embedder()\nprint(sorted(net.weights))\n")
    out = migrate_source(src, "t.py", Options(fixes=False)).code
    assert "self.weights = {" in out, out
    assert migrate_source(out, "t.py", Options(fixes=False)).code == out


@pytest.mark.slow
def test_attribute_weight_dicts_equivalent_to_tf1(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    res = verify_pairs([(ATTR_DICTS, migrate_faithful(ATTR_DICTS, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))


_REG_PROGRAM = '''import numpy as np
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 1])
h = tf.layers.dense(x, 8, activation=tf.nn.relu, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.01))
out = tf.layers.dense(h, 1)
reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
loss = tf.reduce_mean(tf.square(out - y)) + tf.add_n(reg_losses)
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(3):
    sess.run(train_op, feed_dict={x: np.zeros((2, 4)), y: np.zeros((2, 1))})
'''


@pytest.mark.parametrize("form", ["name", "inline"])
def test_add_n_over_regularization_read_is_zero(form):
    # the read becomes [] (Keras adds the layers' losses itself): add_n of it is 0.0, never
    # keras.ops.stack([]) (which raises at run time)
    src = _REG_PROGRAM if form == "name" else _REG_PROGRAM.replace(
        "tf.add_n(reg_losses)", "tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))").replace(
        "reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n", "")
    for fixes in (False, True):
        out = migrate_source(src, "t.py", Options(fixes=fixes)).code
        assert "TODO(tflearn-migrate)" not in out, out
        assert "keras.ops.stack" not in out, out
        total = "keras.ops.sum(reg_losses)" if form == "name" else "0.0"  # (keras.ops.sum([]) is 0.0)
        assert f"return keras.ops.mean(keras.ops.square(out - y)) + {total}" in out, out
        assert "kernel_regularizer=keras.regularizers.L2(0.005)" in out, out
        assert migrate_source(out, "t.py", Options(fixes=fixes)).code == out


def test_add_n_over_an_extended_read_stays_a_sum():
    # the list gets another penalty: add_n sums what it holds
    src = _REG_PROGRAM.replace("reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n",
                               "reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n"
                               "reg_losses.append(tf.reduce_mean(tf.square(h)))\n")
    out = migrate_source(src, "t.py", Options(fixes=False)).code
    assert "keras.ops.stack(reg_losses)" in out, out
