"""Held-out TF1 forms (the lead's held-out Siamese programs, rewritten as
tests/fixtures/tf1_real/func_tuple_loss.py and class_guide_conv_relu.py):

* a helper returning a tuple, ``loss, dist = pair_loss(e1, e2, same)``, whose distance does not
  read the label (``Flow.tuple_parts``: per-element dependencies; TFM140 splits the statement:
  ``def loss(...): return pair_loss(...)[0]`` and ``dist = pair_loss_dist(e1, e2)``, a sliced
  copy of the helper - analysis/tuple_calls.py);
* the TF guide's ``conv_relu(input, kernel_shape, bias_shape)``: get_variable shapes given as
  parameters (TFM135 ``_NamedShape``: ``Conv2D(kernel_shape[-1], kernel_shape[:2])``; a ``+``
  bias is the layer's own only when every call passes ``[.., n]`` / ``[n]``, else
  ``TF1BroadcastBias``).

Fast tests never start TensorFlow; the slow ones run the legacy runtime (verify)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.marks import marked

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "tf1_real"


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, "m.py", Options(fixes=fixes))
    assert res.status in ("migrated", "unchanged"), res.reason
    compile(res.code, "m.py", "exec")
    assert migrate_source(res.code, "m.py", Options(fixes=fixes)).code == res.code  # idempotent
    return res.code


PROGRAM = '''import tensorflow as tf

def pair_loss(a, b, y, margin=1.0):
%s
x1 = tf.placeholder(tf.float32, [None, 4])
x2 = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None])
o1 = tf.layers.dense(x1, 3)
o2 = tf.layers.dense(x2, 3)
loss, dist = pair_loss(o1, o2, y)
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(3):
        _, l = sess.run([train_op, loss], feed_dict={x1: A, x2: B, y: Y})
    d = sess.run(dist, feed_dict={x1: A, x2: B})
'''
FLAT = '''    sq = tf.reduce_sum(tf.square(a - b), axis=1)
    d = tf.sqrt(sq + 1e-10)
    return tf.reduce_mean(y * sq + (1.0 - y) * tf.maximum(margin - d, 0.0)), d
'''


@pytest.mark.parametrize("fixes", [False, True])
def test_tuple_helper_splits_into_loss_function_and_sliced_distance(fixes):
    out = _migrate(PROGRAM % FLAT, fixes)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "def loss(y, o1, o2):\n    return pair_loss(o1, o2, y)[0]\n" in out
    assert "dist = pair_loss_d(o1, o2)\n" in out
    # the slice: the statements d needs, not the label's
    sl = out.split("def pair_loss_d(a, b):\n", 1)[1].split("\n\n", 1)[0]
    assert "sq = keras.ops.sum" in sl and "d = keras.ops.sqrt" in sl and sl.rstrip().endswith("return d")
    assert "y" not in sl.replace("only", "")
    assert "d = keras.Model([x1, x2], dist).predict_on_batch([A, B])" in out


@pytest.mark.parametrize("body", [
    # a branch: the def-use chains do not follow it - the whole call's dependencies
    FLAT.replace("    d = tf.sqrt", "    if margin > 0:\n        sq = sq * y\n    d = tf.sqrt"),
    # a statement run for its effect: not followed either
    FLAT.replace("    d = tf.sqrt", "    print(y)\n    d = tf.sqrt"),
    # the distance reads the label: it stays label-dependent, the run does not feed it
    FLAT.replace("tf.sqrt(sq + 1e-10)", "tf.sqrt(sq + 1e-10) * y"),
])
def test_tuple_helper_not_understood_stays_marked(body):
    out = _migrate(PROGRAM % body)
    assert marked(out, "d = sess.run(dist, feed_dict={x1: A, x2: B})", "TFM140 sess.run(dist) does not feed y")
    assert "pair_loss_d" not in out


def test_tuple_of_a_helper_building_layers_is_not_sliced():
    # the helper builds the layer: a slice would build it twice; its logits element is read
    # from the one call (the label an input of the LossModel, as before)
    src = ("import tensorflow as tf\n\ndef model(x, y):\n    logits = tf.layers.dense(x, 3)\n"
           "    loss = tf.reduce_mean(tf.square(logits - y))\n    return logits, loss\n\n"
           "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 3])\n"
           "logits, loss = model(x, y)\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
           "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
           "    for i in range(3):\n        _, l = sess.run([train_op, loss], feed_dict={x: X, y: Y})\n"
           "    p = sess.run(logits, feed_dict={x: X})\n")
    out = _migrate(src)
    assert "logits, loss = model(x, y)" in out and "model_" not in out.split("def model", 1)[1].split("\n\n")[0]
    assert "p = keras.Model(x, logits).predict_on_batch(X)" in out
    assert TODO_MARKER not in out


def test_class_method_tuple_is_unchanged():
    out = _migrate((FIXTURES / "class_guide_conv_relu.py").read_text())
    assert "self.loss, self.acc = self.contrastive(margin)" in out
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []


def test_guide_conv_relu_named_shapes():
    out = _migrate((FIXTURES / "class_guide_conv_relu.py").read_text())
    body = out.split("def conv_relu(inp, kernel_shape, bias_shape):\n", 1)[1].split("\n\n", 1)[0]
    assert "keras.layers.Conv2D(\n        kernel_shape[-1],\n        kernel_shape[:2]," in body
    assert "kernel_initializer=keras.initializers.RandomNormal(stddev=0.1)" in body
    # every call passes [3, 3, c, n] and [n]: the bias is the layer's own
    assert "bias_initializer=keras.initializers.Constant(0.0)" in body and "TF1BroadcastBias" not in out
    assert "use_bias" not in body


GUIDE = '''import tensorflow as tf

def conv_relu(inp, kernel_shape, bias_shape):
    weights = tf.get_variable("weights", kernel_shape, initializer=tf.random_normal_initializer(stddev=0.1))
    biases = tf.get_variable("biases", bias_shape, initializer=tf.constant_initializer(0.0))
    conv = tf.nn.conv2d(inp, weights, strides=[1, 1, 1, 1], padding='SAME')
    return tf.nn.relu(conv + biases)
'''


@pytest.mark.parametrize("calls,fused", [
    ("", False),                                           # never called here: not proven
    ("h = conv_relu(x, [3, 3, 1, 8], [8])\n", True),
    ("h = conv_relu(x, [3, 3, 1, 8], [1])\n", False),      # TF1 broadcast one bias to 8 channels
    ("h = conv_relu(x, [3, 3, 1, 8], [8])\ng = conv_relu(h, k, [8])\n", False),  # not a literal
    ("h = conv_relu(x, kernel_shape=[3, 3, 1, n], bias_shape=[n])\n", True),
])
def test_guide_conv_relu_bias_broadcast(calls, fused):
    out = _migrate(GUIDE + "\n" + calls)
    assert TODO_MARKER not in out
    assert ("TF1BroadcastBias(bias_shape, keras.initializers.Constant(0.0))(keras.layers.Conv2D(" in out) != fused
    assert ("bias_initializer=keras.initializers.Constant(0.0)" in out) == fused


def test_named_shape_rebound_or_an_embedding_table_stays_marked():
    src = ("import tensorflow as tf\n\ndef conv(inp, kernel_shape):\n    kernel_shape = list(kernel_shape)\n"
           "    w = tf.get_variable('w', kernel_shape)\n"
           "    return tf.nn.conv2d(inp, w, strides=[1, 1, 1, 1], padding='SAME')\n\n"
           "def embed(ids, shape):\n    table = tf.get_variable('table', shape)\n"
           "    return tf.nn.embedding_lookup(table, ids)\n")
    out = _migrate(src)
    assert marked(out, "w = tf.get_variable('w', kernel_shape)")
    assert marked(out, "table = tf.get_variable('table', shape)")


def test_tutorial_variable_of_a_parameter_shape():
    src = ("import tensorflow as tf\n\ndef fc(x, shape):\n    W = tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n"
           "    b = tf.Variable(tf.constant(0.1, shape=[shape[1]]))\n    return tf.nn.relu(tf.matmul(x, W) + b)\n")
    out = _migrate(src)
    assert TODO_MARKER not in out
    assert ("keras.layers.Dense(\n        shape[-1],\n        kernel_initializer=keras.initializers.TruncatedNormal("
            "stddev=0.1),\n        bias_initializer=keras.initializers.Constant(0.1),\n    )(x)") in out


# -- slow: legacy runtime vs Keras 3 -----------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("name", ["func_tuple_loss", "class_guide_conv_relu"])
def test_heldout_fixtures_are_equivalent_to_legacy(name, tmp_path):
    # verify: the same weights give the same forward outputs (the loss, the distance) and one
    # training step agrees with the legacy TF1 program
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIXTURES / f"{name}.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], call="train", workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    assert any("after one step" in line for line in lines)


BROADCAST_PROGRAM = '''import numpy as np
import tensorflow as tf


def conv_relu(inp, kernel_shape, bias_shape):
    weights = tf.get_variable("weights", kernel_shape, initializer=tf.random_normal_initializer(stddev=0.1))
    biases = tf.get_variable("biases", bias_shape, initializer=tf.random_normal_initializer(stddev=0.5))
    conv = tf.nn.conv2d(inp, weights, strides=[1, 1, 1, 1], padding="SAME")
    return tf.nn.relu(conv + biases)


def train(data, steps=30, seed=0):
    x_train = data["x_train"][:64].astype(np.float32) / 255.0
    y_train = (data["y_train"][:64] % 2).astype(np.float32)
    tf.reset_default_graph()
    tf.set_random_seed(seed)
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    y = tf.placeholder(tf.float32, [None])
    with tf.variable_scope("c1"):
        h = conv_relu(x, [3, 3, 1, 4], BIAS_SHAPE)
    out = tf.reduce_mean(h, axis=[1, 2, 3])
    loss = tf.reduce_mean(tf.square(out - y))
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    losses = []
    for step in range(steps):
        _, l = sess.run([train_op, loss], feed_dict={x: x_train, y: y_train})
        losses.append(float(l))
    pred = sess.run(out, feed_dict={x: x_train})
    return {"loss": losses, "pred_mean": np.mean(pred)}
'''


@pytest.mark.slow
@pytest.mark.parametrize("bias", ["[4]", "[1]", "[8, 1, 4]"])
def test_broadcast_bias_is_equivalent_to_legacy(bias, tmp_path):
    # a bias of [1] / [8, 1, 4] (TF1 broadcast it over the conv output) is TF1BroadcastBias; [4]
    # the Conv2D's own bias - verify: the same weights, outputs and one training step
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = tmp_path / "broadcast.py"
    src.write_text(BROADCAST_PROGRAM.replace("BIAS_SHAPE", bias))
    migrated = migrate_faithful(src, tmp_path / "m")
    text = Path(migrated).read_text()
    assert ("TF1BroadcastBias" in text) == (bias != "[4]") and TODO_MARKER not in text
    res = verify_pairs([(src, migrated)], call="train", workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    assert any("after one step" in line for line in lines)


def test_tutorial_weight_variable_helpers():
    # the TF MNIST tutorial's helpers: weight_variable(shape) = tf.Variable(tf.truncated_normal(shape,
    # stddev=0.1)), bias_variable(shape) = tf.Variable(tf.constant(0.1, shape=shape)), called with lists
    src = ("import tensorflow as tf\n\ndef weight_variable(shape):\n    initial = tf.truncated_normal(shape, stddev=0.1)\n"
           "    return tf.Variable(initial)\n\ndef bias_variable(shape):\n    initial = tf.constant(0.1, shape=shape)\n"
           "    return tf.Variable(initial)\n\n"
           "W_fc1 = weight_variable([16, 8])\nb_fc1 = bias_variable([8])\nh = tf.nn.relu(tf.matmul(x, W_fc1) + b_fc1)\n"
           "W2 = weight_variable([3, 3, 8, 4])\nb2 = bias_variable([4])\n"
           "c = tf.nn.conv2d(img, W2, strides=[1, 1, 1, 1], padding='VALID') + b2\n")
    out = _migrate(src)
    assert TODO_MARKER not in out and "weight_variable" not in out and "bias_variable" not in out
    assert ("keras.layers.Dense(\n    8,\n    kernel_initializer=keras.initializers.TruncatedNormal("
            "stddev=0.1),\n    bias_initializer=keras.initializers.Constant(0.1),\n)(x)") in out
    assert "keras.layers.Conv2D(\n    4,\n    (3, 3)," in out
    # a helper call passing something else (a seed) stays a variable, marked
    out = _migrate(src.replace("stddev=0.1)", "stddev=0.1, seed=1)"))
    assert marked(out, "return tf.Variable(initial)")


TUTORIAL = '''import numpy as np
import tensorflow as tf


def weight_variable(shape, name=None):
    initial = tf.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial, name=name)


def bias_variable(shape, name=None):
    initial = tf.constant(0.1, shape=shape)
    return tf.Variable(initial, name=name)


def conv2d(x, W):
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME")


def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def train(data, steps=30, seed=0):
    x_train = data["x_train"][:128].astype(np.float32) / 255.0
    y_train = np.eye(10, dtype=np.float32)[data["y_train"][:128]]
    tf.reset_default_graph()
    tf.set_random_seed(seed)
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    y_ = tf.placeholder(tf.float32, [None, 10])
    W_conv1 = weight_variable([3, 3, 1, 8])
    b_conv1 = bias_variable([8])
    h_conv1 = tf.nn.relu(conv2d(x, W_conv1) + b_conv1)
    h_pool1 = max_pool_2x2(h_conv1)
    W_conv2 = weight_variable([3, 3, 8, 16])
    b_conv2 = bias_variable([16])
    h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
    h_pool2 = max_pool_2x2(h_conv2)
    flat = tf.reshape(h_pool2, [-1, 2 * 2 * 16])
    W_fc1 = weight_variable([2 * 2 * 16, 10])
    b_fc1 = bias_variable([10])
    y_conv = tf.matmul(flat, W_fc1) + b_fc1
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y_conv))
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    losses = []
    for step in range(steps):
        _, l = sess.run([train_op, loss], feed_dict={x: x_train, y_: y_train})
        losses.append(float(l))
    pred = sess.run(y_conv, feed_dict={x: x_train})
    return {"loss": losses, "pred_mean": np.mean(pred)}
'''


def test_tutorial_conv2d_helper_with_the_bias_outside():
    out = _migrate(TUTORIAL)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "def conv2d(x, W):\n    return W(x)\n" in out
    assert "weight_variable" not in out and "bias_variable" not in out
    assert ("h_conv1 = keras.ops.relu(conv2d(x, keras.layers.Conv2D(\n        8,\n        (3, 3),\n        strides=(1, 1),"
            "\n        padding=\"same\",\n        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),"
            "\n        bias_initializer=keras.initializers.Constant(0.1),\n    )))") in out


@pytest.mark.parametrize("change", [
    ("b_conv1 = bias_variable([8])", "b_conv1 = bias_variable([1])"),     # broadcast: not the layer's bias
    ("h_pool1 = max_pool_2x2(h_conv1)", "h_pool1 = max_pool_2x2(h_conv1) + b_conv1"),  # read again
    ('    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME")',
     '    return tf.nn.relu(tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME"))'),  # not the conv's output
])
def test_tutorial_bias_outside_not_fused_stays_a_marked_variable(change):
    out = _migrate(TUTORIAL.replace(*change))
    assert "b_conv1 = bias_variable(" in out and marked(out, "return tf.Variable(initial, name=name)")
    assert "+ b_conv1" in out


@pytest.mark.slow
def test_tutorial_program_is_equivalent_to_legacy(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    # (named variables: verify maps TF1's variables to the layers' weights by their names)
    src = tmp_path / "tutorial.py"
    named = TUTORIAL
    for v in ("W_conv1", "b_conv1", "W_conv2", "b_conv2", "W_fc1", "b_fc1"):
        kind = "weight" if v[0] == "W" else "bias"
        named = re.sub(rf"{v} = {kind}_variable\((.*)\)\n", rf"{v} = {kind}_variable(\1, '{v}')\n", named)
    assert named.count("_variable(") - 2 == 6 and "'b_fc1')" in named
    src.write_text(named)
    migrated = migrate_faithful(src, tmp_path / "m")
    assert TODO_MARKER not in Path(migrated).read_text()
    res = verify_pairs([(src, migrated)], call="train", workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    assert any("after one step" in line for line in lines)
