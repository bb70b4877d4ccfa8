"""Unshared towers in the forms public TF1 code writes them without naming each tower's output
(issue 10: "every unshared pair reported"): the towers called inside the comparison itself,
and one call run per input by a loop or a comprehension (TFM177 writes such lists out as named
towers, so the whole program translates). Regression tier: no TensorFlow."""
from __future__ import annotations

import pytest

from migrator.engine import migrate_source
from migrator.options import Options
from tests.marks import unwrap_markers

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

HEAD = ("import tensorflow as tf\n\n"
        "def weight_variable(shape):\n"
        "    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n\n"
        "def net(x):\n"
        "    W = weight_variable([64, 16])\n"
        "    return tf.matmul(x, W)\n\n"
        "x1 = tf.placeholder(tf.float32, [None, 64])\n"
        "x2 = tf.placeholder(tf.float32, [None, 64])\n")
TAIL = "loss = tf.reduce_mean(d)\ntrain = tf.train.AdamOptimizer(1e-3).minimize(loss)\n"


def _tfm201(src: str, fixes: bool) -> tuple:
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
    # TFM177 writes such lists out as named towers (below); without it the loop is reported as such
    for fixes in (False, True):
        res = migrate_source(HEAD + body + TAIL, "t.py", Options(fixes=fixes, ignore=frozenset({"TFM177"})))
        found = [d for d in res.diagnostics if d.rule == "TFM201"]
        assert len(found) == 1 and "2 loop passes" in found[0].message and "built by a loop" in found[0].message
        _, found = _tfm201(HEAD + body + TAIL, fixes=fixes)
        assert len(found) == 1 and "(x1, x2)" in found[0].message


def test_a_shared_builder_called_inline_is_not_reported():
    src = HEAD.replace("    W = weight_variable([64, 16])\n",
                       "    with tf.variable_scope('net', reuse=tf.AUTO_REUSE):\n"
                       "        W = tf.get_variable('W', [64, 16])\n")
    _, found = _tfm201(src + "d = tf.reduce_sum(tf.square(net(x1) - net(x2)), 1)\n" + TAIL, fixes=False)
    assert found == []


FULL = HEAD + "y = tf.placeholder(tf.float32, [None])\n%s" + (
    "loss = tf.reduce_mean(y * d + (1 - y) * tf.maximum(1.0 - d, 0.0))\n"
    "train = tf.train.AdamOptimizer(1e-3).minimize(loss)\n"
    "with tf.Session() as sess:\n"
    "    sess.run(tf.global_variables_initializer())\n"
    "    for i in range(3):\n"
    "        sess.run(train, feed_dict={x1: A, x2: B, y: Y})\n"
    "    print(sess.run(d, feed_dict={x1: A, x2: B}))\n")


@pytest.mark.parametrize("towers", [
    "outs = [net(x) for x in (x1, x2)]\nd = tf.reduce_sum(tf.square(outs[0] - outs[1]), 1)\n",
    "outs = []\nfor x in [x1, x2]:\n    outs.append(net(x))\nd = tf.reduce_sum(tf.square(outs[0] - outs[-1]), 1)\n",
    "o1, o2 = [net(x) for x in (x1, x2)]\nd = tf.reduce_sum(tf.square(o1 - o2), 1)\n",
])
def test_a_program_whose_towers_are_a_list_translates_whole(towers):
    """TFM177 writes the list out as named towers: the session program translates (no TODO),
    TFM201 reports the unshared pair in both modes and, with fixes, builds one encoder."""
    for fixes in (False, True):
        res, found = _tfm201(FULL % towers, fixes=fixes)
        assert "TODO(tflearn-migrate)" not in res.code and "model.fit(" in res.code
        assert len(found) == 1 and "share nothing" in found[0].message
        assert ("encoder(x1)" in res.code) == fixes
        assert any(d.rule == "TFM177" for d in res.diagnostics)
        assert migrate_source(res.code, "t.py", Options(fixes=fixes)).code == res.code


def test_a_list_the_program_changes_stays_a_list():
    src = FULL % ("outs = [net(x) for x in (x1, x2)]\nouts.reverse()\n"
                  "d = tf.reduce_sum(tf.square(outs[0] - outs[1]), 1)\n")
    res = migrate_source(src, "t.py", Options(fixes=False))
    assert "outs = [net(x) for x in (x1, x2)]" in res.code and not any(d.rule == "TFM177" for d in res.diagnostics)


def test_an_untranslated_api_in_a_generated_statement_is_marked_on_that_statement():
    # TFM140 writes ``train_op = tf.train.FtrlOptimizer(...).minimize(loss)`` as two statements;
    # the optimizer it cannot translate is marked on ``model.compile(...)``, the statement using
    # it, where a second run looks for the marker (idempotence)
    src = ("import numpy as np\nimport tensorflow as tf\n"
           "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None])\n"
           "out = tf.layers.dense(x, 1)\nloss = tf.reduce_mean(tf.square(out[:, 0] - y))\n"
           "train_op = tf.train.FtrlOptimizer(0.01).minimize(loss)\n"
           "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
           "    for i in range(3):\n        sess.run(train_op, feed_dict={x: X, y: Y})\n")
    out = migrate_source(src, "t.py", Options()).code
    lines = out.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("model.compile(optimizer=tf.train.FtrlOptimizer"))
    assert "TODO(tflearn-migrate): TFM100" in lines[at - 1] and lines[at - 2].startswith("model = keras.Model(")
    assert migrate_source(out, "t.py", Options()).code == out


@pytest.mark.slow
def test_keras_normalize_is_tf1_l2_normalize():
    # TFM130 writes tf.nn.l2_normalize(<expression>, axis, epsilon=eps) as keras.ops.normalize(..,
    # epsilon=sqrt(eps)): x * min(rsqrt(s), 1/sqrt(eps)) == TF1's x * rsqrt(max(s, eps)), s = sum(x^2)
    import numpy as np

    import keras

    rng = np.random.RandomState(0)
    x = rng.randn(6, 5).astype("float32")
    x[1] = 0.0
    x[2] *= 1e-8  # below the clamp
    for eps in (1e-12, 1e-10):
        tf1 = x / np.sqrt(np.maximum((x.astype("float64") ** 2).sum(1, keepdims=True), eps))
        got = keras.ops.convert_to_numpy(keras.ops.normalize(x, axis=1, epsilon=eps ** 0.5))
        np.testing.assert_allclose(got, tf1, rtol=2e-6, atol=0)


LAYER_AUTO_REUSE = (
    "import numpy as np\nimport tensorflow as tf\n\n"
    "def cnn(x):\n"
    "    x = tf.reshape(x, [-1, 8, 8, 1])\n"
    "    h = tf.layers.conv2d(x, 8, 3, padding='same', activation=tf.nn.relu, name='c1', reuse=tf.AUTO_REUSE)\n"
    "    h = tf.layers.flatten(tf.layers.max_pooling2d(h, 2, 2))\n"
    "    return tf.layers.dense(h, 16, name='fc', reuse=tf.AUTO_REUSE)\n\n"
    "x1 = tf.placeholder(tf.float32, [None, 64])\nx2 = tf.placeholder(tf.float32, [None, 64])\n"
    "y = tf.placeholder(tf.float32, [None])\n"
    "e1, e2 = cnn(x1), cnn(x2)\n"
    "d = tf.norm(e1 - e2, axis=1)\n"
    "loss = tf.reduce_mean(y * tf.square(d) + (1 - y) * tf.square(tf.nn.relu(1.0 - d)))\n"
    "train_op = tf.train.AdamOptimizer(1e-3).minimize(loss, var_list=%s)\n"
    "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
    "    for i in range(5):\n        sess.run(train_op, feed_dict={x1: A, x2: B, y: Y})\n"
    "    print(sess.run(d, feed_dict={x1: A, x2: B}))\n")


@pytest.mark.parametrize("var_list", ["tf.trainable_variables()", "tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)"])
def test_layers_shared_by_their_own_auto_reuse_become_one_encoder(var_list):
    # tf.layers.conv2d(..., name='c1', reuse=tf.AUTO_REUSE) without a scope: TF1 shares them by
    # name (TFM205's encoder; the reuse= arguments go); minimize over every trainable variable
    # is minimize's default
    for fixes in (False, True):
        res = migrate_source(LAYER_AUTO_REUSE % var_list, "t.py", Options(fixes=fixes))
        assert "TODO(tflearn-migrate)" not in res.code, res.code
        assert "encoder(x1)" in res.code and "encoder(x2)" in res.code and "reuse" not in res.code
    res = migrate_source(LAYER_AUTO_REUSE % "tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, 'cnn')",
                         "t.py", Options(fixes=False))
    assert "TFM140 minimize(var_list=tf.get_collection(" in unwrap_markers(res.code)  # a scope filter: not the default, marked


def test_a_lazy_property_model_storing_its_inputs_by_tuple_assignment():
    # Danijar's define_scope (a variable_scope inside the caching decorator) and
    # ``self.a, self.b, self.label = a, b, label`` in __init__: each attribute holds its own
    # parameter, so the members' inputs are known and the program translates whole
    src = open(__file__.replace("test_heldout_forms_j.py", "fixtures/heldout_j/define_scope_siamese.py")).read()
    for fixes in (False, True):
        out = migrate_source(src, "t.py", Options(fixes=fixes)).code
        assert "TODO(tflearn-migrate)" not in out, out
        assert "keras.Model(encoder_input, self.tower(encoder_input)" in out
        assert migrate_source(out, "t.py", Options(fixes=fixes)).code == out


@pytest.mark.slow
def test_define_scope_siamese_is_equivalent_to_tf1(tmp_path):
    # verify: the same weights give the same forward outputs and the same Adam step as TF1
    from pathlib import Path

    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = Path(__file__).parent / "fixtures" / "heldout_j" / "define_scope_siamese.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
