"""Model classes built twice into one TF1 graph (translate/tf1_store.py, conan7882/triplet-loss).

A training and an inference instance of one class (``create_train_model`` /
``create_inference_model``) share their weights in TF1 through ``variable_scope(...,
reuse=AUTO_REUSE)`` and layer helpers that make ``get_variable`` weights inside
``variable_scope(name)``. The translation keeps the scopes (``tf1_variable_scope``) and takes
each such layer from TF1's variable store keyed by its full name at run time
(``tf1_scoped_layer``): with reuse both instances hold the same Keras layers, without reuse a
second creation raises as TF1's get_variable did, and tf.Variable weights stay per instance.

Fast: the migrations (what is emitted, 0 TODO markers). Slow: the store's semantics in Keras 3
against the legacy runtime (shared / raises / unshared), and ``verify`` of the corpus fixture
(forward and one training step equal with the legacy initial weights).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.migrate_cache import migrate_source  # one migration per input and run
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
CONAN = ROOT / "tests" / "fixtures" / "realworld" / "conan7882_batchhard.py"

# a class built twice (a training and an inference instance) by a get_variable layer helper
# under one variable_scope whose reuse is REUSE; the last line prints what the program saw
PROGRAM = '''import json

import numpy as np
import tensorflow as tf


def dense(x, n, name, init_w=None):
    with tf.variable_scope(name):
        w = tf.get_variable('weights', [x.get_shape().as_list()[-1], n], initializer=init_w)
        b = tf.get_variable('biases', [n], initializer=tf.zeros_initializer())
        return tf.nn.xw_plus_b(x, w, b)


class Net(object):
    def build(self):
        self.x = tf.placeholder(tf.float32, [None, 4])
        with tf.variable_scope('net'%s):
            self.out = dense(tf.nn.relu(dense(self.x, 8, 'fc1')), 2, 'fc2')

    def build_train(self):
        self.build()
        self.y = tf.placeholder(tf.float32, [None, 2])
        self.loss = tf.reduce_mean(tf.square(self.out - self.y))
        self.train_op = tf.train.GradientDescentOptimizer(0.1).minimize(self.loss)


def main():
    rs = np.random.RandomState(0)
    X = rs.rand(16, 4).astype(np.float32)
    Y = rs.rand(16, 2).astype(np.float32)
    train_net = Net()
    train_net.build_train()
    test_net = Net()
    try:
        test_net.build()
    except ValueError as ex:
        print("RESULT", json.dumps({"raised": "already exists" in str(ex)}))
        return
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(test_net.out, feed_dict={test_net.x: X})
        for i in range(20):
            sess.run(train_net.train_op, feed_dict={train_net.x: X, train_net.y: Y})
        trained = sess.run(train_net.out, feed_dict={train_net.x: X})
        after = sess.run(test_net.out, feed_dict={test_net.x: X})
    print("RESULT", json.dumps({"raised": False, "test_moved": float(np.abs(after - before).max()),
                                "test_is_trained": float(np.abs(after - trained).max())}))


main()
'''
SHARED = PROGRAM % ", reuse=tf.AUTO_REUSE"
NO_REUSE = PROGRAM % ""


def _todo(code: str) -> int:
    return code.count(TODO_MARKER)


@pytest.mark.parametrize("fixes", [False, True], ids=["faithful", "fixed"])
def test_corpus_fixture_migrates_without_todo(fixes):
    res = migrate_source(CONAN.read_text(encoding="utf-8"), str(CONAN), Options(wrap_lines=False, fixes=fixes))
    assert res.status != "failed", res.reason
    out = res.code
    assert _todo(out) == 0, [ln for ln in out.splitlines() if TODO_MARKER in ln]
    assert "import tensorflow" not in out
    # the shared scope stays as the store's path; layers and batch norms come from the store
    assert "with tf1_variable_scope('embedding_net', reuse='AUTO_REUSE'):" in out
    assert out.count("tf1_scoped_layer('weights', lambda: keras.layers.Conv2D(") == 1
    assert "tf1_scoped_layer(name, lambda: TF1ModeBatchNormalization())(x, tf1_training=train)" in out
    # the training and the inference instance each get their own keras.Input image
    assert out.count("self.image = keras.Input(shape=(self.im_h, self.im_w, self.n_channels))") == 2
    assert "keras.Model(infer_model.image, infer_model.embedding).predict_on_batch(images[1300:])" in out
    assert migrate_source(out, str(CONAN), Options(wrap_lines=False, fixes=fixes)).code == out


def test_store_only_where_a_class_is_built_twice():
    # the same helper and class with ONE instance, built once: plain layers, the scopes dropped
    head = SHARED[:SHARED.index("def main():")]
    one = head + ("net = Net()\nnet.build_train()\nwith tf.Session() as sess:\n"
                  "    sess.run(tf.global_variables_initializer())\n"
                  "    sess.run(net.train_op, feed_dict={net.x: X, net.y: Y})\n")
    res = migrate_source(one, "one.py", Options(wrap_lines=False))
    assert res.code.count(TODO_MARKER) == 0, res.code
    assert "tf1_scoped_layer" not in res.code and "tf1_variable_scope" not in res.code
    two = migrate_source(SHARED, "two.py", Options(wrap_lines=False)).code
    assert _todo(two) == 0 and two.count("tf1_scoped_layer('weights'") == 1
    assert "with tf1_variable_scope('net', reuse='AUTO_REUSE'):" in two
    # without reuse the scope stays too (TF1 raised on the second build: so does the store)
    plain = migrate_source(NO_REUSE, "plain.py", Options(wrap_lines=False)).code
    assert _todo(plain) == 0 and "with tf1_variable_scope('net'):" in plain


def _run(path: Path, legacy: bool) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["CUDA_VISIBLE_DEVICES"] = ""
    env["KERAS_BACKEND"] = "tensorflow"
    cmd = [sys.executable, "-m", "migrator.legacy.run", str(path)] if legacy else [sys.executable, str(path)]
    if not legacy:
        env.pop("TF_USE_LEGACY_KERAS", None)
    p = subprocess.run(cmd, cwd=path.parent, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    line = next(ln for ln in p.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


@pytest.mark.slow
@pytest.mark.parametrize("reuse", ["auto_reuse", "none"])
def test_store_semantics_match_tf1(reuse, tmp_path):
    src = SHARED if reuse == "auto_reuse" else NO_REUSE
    legacy = tmp_path / "legacy.py"
    legacy.write_text(src)
    migrated = tmp_path / "migrated.py"
    out = migrate_source(src, "migrated.py", Options(wrap_lines=False, fixes=False)).code
    assert _todo(out) == 0
    migrated.write_text(out)
    a, b = _run(legacy, True), _run(migrated, False)
    assert a["raised"] == b["raised"] == (reuse == "none")
    if reuse == "auto_reuse":
        # the inference instance reads the weights the training instance trained, in both
        for r in (a, b):
            assert r["test_moved"] > 1e-3 and r["test_is_trained"] < 1e-6, r


@pytest.mark.slow
def test_corpus_fixture_verifies(tmp_path):
    migrated = tmp_path / "migrated" / CONAN.name
    migrated.parent.mkdir()
    migrated.write_text(migrate_source(CONAN.read_text(encoding="utf-8"), str(CONAN), Options(wrap_lines=False, fixes=False)).code)
    legacy = tmp_path / "legacy" / CONAN.name
    legacy.parent.mkdir()
    legacy.write_text(CONAN.read_text(encoding="utf-8"))
    js = tmp_path / "verify.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["CUDA_VISIBLE_DEVICES"] = ""
    env.pop("TF_USE_LEGACY_KERAS", None)
    p = subprocess.run([sys.executable, "-m", "migrator", "verify", str(legacy), "--migrated", str(migrated),
                        "--json", str(js)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    res = json.loads(js.read_text())
    assert res.get("ok"), (p.stdout + p.stderr)[-4000:]
