"""TFM157: tf.contrib.losses.metric_learning (TF 1.x) -> keras.ops helpers with TF1's math.

Fast tier (no TensorFlow): each program below migrates completely (no TODO, no legacy API, the
helper inserted, idempotent): scope programs (the loss becomes ``def loss(y, emb)``, compiled) and
model classes (the loss is built from symbolic Keras tensors, a LossModel's output), with the
three import forms. Slow tier: every program runs in the legacy runtime (the shim's
transcription of TF 1.15's metric_loss_ops.py) and migrated under Keras 3, from the same weights
(a constant initializer) on the same batches; the per-step losses (the pre-update loss of each SGD
step, so every step after the first also checks the previous update) and a distance matrix
fetched after training must agree. A naive triplet loss (always the FARTHEST negative, no
semi-hard mining) put in the helper's place must not.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.options import Options
from tests.migrate_cache import migrate_source

ROOT = Path(__file__).resolve().parents[1]

_HEAD = '''import json
import os

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
X = rng.rand(64, 10).astype("float32")
X2 = rng.rand(64, 10).astype("float32")
Y = rng.randint(0, 4, 64)
W0 = rng.rand(10, 6).astype("float32") - 0.5
'''
_TAIL = '''train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
losses = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(3):
        for i in range(0, 64, 16):
            _, l = sess.run([train_op, loss], feed_dict={%s})
            losses.append(float(l))
    %s
with open(os.environ["LOSS_OUT"], "w") as f:
    json.dump({"loss": losses, "fetched": np.asarray(fetched).tolist()}, f)
'''
_ONE = '''x = tf.placeholder(tf.float32, [None, 10])
y = tf.placeholder(tf.int32, [None])
emb = tf.layers.dense(x, 6, kernel_initializer=tf.constant_initializer(W0))
dist = tf.contrib.losses.metric_learning.pairwise_distance(emb)
loss = tf.contrib.losses.metric_learning.__LOSS__
''' + _TAIL % ("x: X[i:i + 16], y: Y[i:i + 16]", "fetched = sess.run(dist, feed_dict={x: X[:12]})")
_TWO = '''

def tower(t, reuse):
    with tf.variable_scope("emb", reuse=reuse):
        return tf.layers.dense(t, 6, kernel_initializer=tf.constant_initializer(W0))


a = tf.placeholder(tf.float32, [None, 10])
b = tf.placeholder(tf.float32, [None, 10])
y = tf.placeholder(tf.int32, [None])
ea = tower(a, False)
eb = tower(b, True)
loss = tf.contrib.losses.metric_learning.__LOSS__
''' + _TAIL % ("a: X[i:i + 16], b: X2[i:i + 16], y: Y[i:i + 16] % 2", "fetched = sess.run(ea, feed_dict={a: X[:12]})")

# a model class: its loss is built from symbolic Keras tensors (the output of a LossModel), where
# Keras 3's add would take a [B, 1] operand of a [B, B] one for a bias (hence tf1_add)
_CLASS = '''

class Net(object):
    def __init__(self):
        self.x = tf.placeholder(tf.float32, [None, 10])
        self.y = tf.placeholder(tf.int32, [None])
        self.emb = tf.layers.dense(self.x, 6, kernel_initializer=tf.constant_initializer(W0))
        self.loss = tf.contrib.losses.metric_learning.__LOSS__


net = Net()
''' + _TAIL.replace("minimize(loss)", "minimize(net.loss)").replace("train_op, loss]", "train_op, net.loss]") % (
    "net.x: X[i:i + 16], net.y: Y[i:i + 16]", "fetched = sess.run(net.emb, feed_dict={net.x: X[:12]})")

PROGRAMS = {
    "triplet_semihard": _HEAD + _ONE.replace("__LOSS__", "triplet_semihard_loss(labels=y, embeddings=emb, margin=0.5)"),
    # the import forms TF1 code uses: the module attribute path, the module, the ops file
    "lifted_struct": (_HEAD + _ONE.replace("__LOSS__", "lifted_struct_loss(y, emb)")).replace(
        "import tensorflow as tf\n", "import tensorflow as tf\nfrom tensorflow.contrib.losses import metric_learning\n"
    ).replace("tf.contrib.losses.metric_learning.lifted", "metric_learning.lifted"),
    "triplet_class": _HEAD + _CLASS.replace("__LOSS__", "triplet_semihard_loss(self.y, self.emb, margin=0.5)"),
    "lifted_class": _HEAD + _CLASS.replace("__LOSS__", "lifted_struct_loss(self.y, self.emb)"),
    "contrastive": _HEAD + _TWO.replace("__LOSS__", "contrastive_loss(y, ea, eb, margin=2.0)"),
    "npairs": (_HEAD + _TWO.replace("__LOSS__", "npairs_loss(y, ea, eb, reg_lambda=0.01)")).replace(
        "import tensorflow as tf\n",
        "import tensorflow as tf\nfrom tensorflow.contrib.losses.python.metric_learning import metric_loss_ops as mlo\n"
    ).replace("tf.contrib.losses.metric_learning.npairs", "mlo.npairs"),
}
HELPER = {"triplet_semihard": "tf1_triplet_semihard_loss", "lifted_struct": "tf1_lifted_struct_loss",
          "triplet_class": "tf1_triplet_semihard_loss", "lifted_class": "tf1_lifted_struct_loss",
          "contrastive": "tf1_contrastive_loss", "npairs": "tf1_npairs_loss"}


def _migrated(name: str) -> str:
    res = migrate_source(PROGRAMS[name], f"{name}.py", Options(fixes=False))
    assert res.status == "migrated", res.reason
    return res.code


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_migrates_completely(name):
    out = _migrated(name)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == [] and "tensorflow" not in out
    assert f"# tflearn-migrate helper: {HELPER[name]}\n" in out
    if "class" in name:  # the loss attribute of a model class (a LossModel's output)
        assert f"self.loss = {HELPER[name]}(self.y, self.emb" in out and "LossModel([net.x, net.y], net.loss)" in out
    else:  # inside the program's loss function
        assert f"return {HELPER[name]}(" in out
    assert migrate_source(out, f"{name}.py", Options(fixes=False)).code == out  # idempotent
    compile(out, name, "exec")
    if name in ("triplet_semihard", "lifted_struct"):
        assert "dist = tf1_pairwise_distance(emb)" in out


def test_contrastive_keeps_tf1_label_sense_and_mean():
    out = _migrated("contrastive")
    assert "return tf1_contrastive_loss(y, ea, eb, margin=2.0)" in out
    # labels 1 = similar; the Euclidean distance (no epsilon); MEAN over the pairs
    assert "keras.ops.sqrt(keras.ops.sum(keras.ops.square(embeddings_anchor - embeddings_positive), 1))" in out
    assert "return keras.ops.mean(y * keras.ops.square(distances)" in out


# the naive control: the farthest negative for every positive pair (no semi-hard mining)
_NAIVE = ("    semi_hard_negatives = keras.ops.where(mask_final, negatives_outside, negatives_inside)\n",
          "    semi_hard_negatives = negatives_inside + 0.0 * negatives_outside\n")


def _env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.pop("TF_USE_LEGACY_KERAS", None)
    e.update(TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow", TF_ENABLE_ONEDNN_OPTS="0",
             TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1", OMP_NUM_THREADS="1")
    return e


def _run(path: Path, legacy: bool) -> dict:
    out = path.with_suffix(".json")
    cmd = [sys.executable, "-m", "migrator.legacy.run", str(path)] if legacy else [sys.executable, str(path)]
    p = subprocess.run(cmd, env={**_env(), "LOSS_OUT": str(out)}, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_migrated_loss_trains_exactly_like_tf1(name, tmp_path):
    legacy_src = tmp_path / f"{name}_legacy.py"
    legacy_src.write_text(PROGRAMS[name])
    keras_src = tmp_path / f"{name}_keras.py"
    keras_src.write_text(_migrated(name))
    leg, ker = _run(legacy_src, True), _run(keras_src, False)
    assert len(leg["loss"]) == len(ker["loss"]) == 12
    assert len(set(leg["loss"])) > 1 and leg["loss"][0] > 0  # a loss that moves, not a constant
    # the first loss: the same weights and batch -> the same float (forward is op-for-op TF1's)
    assert abs(ker["loss"][0] - leg["loss"][0]) <= 1e-6 * abs(leg["loss"][0]), (ker["loss"][0], leg["loss"][0])
    # later losses read the weights after 1..11 SGD steps: gradients agree to rounding
    np.testing.assert_allclose(ker["loss"], leg["loss"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ker["fetched"], leg["fetched"], rtol=1e-5, atol=1e-6)
    if name == "triplet_semihard":
        fetched = np.asarray(leg["fetched"])
        assert fetched.shape == (12, 12) and np.all(np.diag(fetched) == 0) and np.all(fetched >= 0)
        # negative control: the same program with the farthest negative instead of semi-hard mining
        code = _migrated(name)
        assert _NAIVE[0] in code
        naive_src = tmp_path / "naive_keras.py"
        naive_src.write_text(code.replace(*_NAIVE))
        naive = _run(naive_src, False)
        assert abs(naive["loss"][0] - leg["loss"][0]) > 1e-2, (naive["loss"][0], leg["loss"][0])
