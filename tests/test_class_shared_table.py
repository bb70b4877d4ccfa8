"""TFM135: a model class's table ``self.W = tf.Variable(tf.random_uniform([V, D], -1.0, 1.0))``
looked up for both sides in its constructor (dhwajraj/deep-siamese-text-similarity's
SiameseLSTM): TF1 has ONE variable (the same object read twice), the migration ONE
``TF1Embedding`` on ``self.W`` applied to both ids, initialised RandomUniform(-1, 1). The slow
test runs the TF1 source in the legacy runtime and the migrated source under Keras 3: with the
same table the looked-up rows and the distance match; the Keras model has one Embedding and one
trainable weight; its fresh table spans [-1, 1) like TF1's (not Keras' default +-0.05)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SOURCE = '''
import numpy as np
import tensorflow as tf
STEPS = 0
rng = np.random.RandomState(1)
A, B, Y = rng.randint(0, 17, (6, 5)), rng.randint(0, 17, (6, 5)), (rng.rand(6) < 0.5).astype('float32')


class Pair(object):
    def __init__(self, vocab_size, embedding_size):
        self.input_x1 = tf.placeholder(tf.int32, [None, 5], name="input_x1")
        self.input_x2 = tf.placeholder(tf.int32, [None, 5], name="input_x2")
        self.input_y = tf.placeholder(tf.float32, [None], name="input_y")
        with tf.name_scope("embedding"):
            self.W = tf.Variable(tf.random_uniform([vocab_size, embedding_size], -1.0, 1.0), trainable=True,
                                 name="W")
            self.embedded_chars1 = tf.nn.embedding_lookup(self.W, self.input_x1)
            self.embedded_chars2 = tf.nn.embedding_lookup(self.W, self.input_x2)
        self.distance = tf.reduce_sum(tf.abs(self.embedded_chars1 - self.embedded_chars2), axis=[1, 2])
        self.loss = tf.reduce_mean(self.input_y * self.distance)


net = Pair(17, 8)
op = tf.train.GradientDescentOptimizer(0.1).minimize(net.loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(STEPS):
    sess.run(op, feed_dict={net.input_x1: A, net.input_x2: B, net.input_y: Y})
d = sess.run(net.distance, {net.input_x1: A, net.input_x2: B})
'''

LEGACY = r'''
import sys
import numpy as np
from migrator.legacy.shim import install
install()
import tensorflow.compat.v1 as tf
ns = {}
exec(open(sys.argv[1]).read(), ns)
sess, net = ns['sess'], ns['net']
table = np.random.RandomState(5).normal(0.0, 0.5, (17, 8)).astype('float32')
sess.run(net.W.assign(table))
outs = sess.run([net.embedded_chars1, net.embedded_chars2, net.distance], {net.input_x1: ns['A'], net.input_x2: ns['B']})
np.savez(sys.argv[2], table=table, n=len(tf.trainable_variables()), **{f'out:{i}': o for i, o in enumerate(outs)})
'''

KERAS = r'''
import json, sys
import numpy as np
import keras
ns = {}
exec(open(sys.argv[1]).read(), ns)
d = np.load(sys.argv[2])
net = ns['net']
model = keras.Model([net.input_x1, net.input_x2], [net.embedded_chars1, net.embedded_chars2, net.distance])
embs = [l for l in model.layers if isinstance(l, keras.layers.Embedding)]
fresh = np.asarray(embs[0].embeddings)
res = {'layers': float(len(embs) != 1), 'trainable': float(len(model.trainable_weights) != int(d['n'])),
       'spread': float(not (fresh.min() < -0.8 and fresh.max() > 0.8 and fresh.min() >= -1.0 and fresh.max() < 1.0))}
embs[0].embeddings.assign(d['table'])
outs = model.predict([ns['A'], ns['B']], verbose=0)
res.update({f'out{i}': float(np.max(np.abs(np.asarray(o) - d[f'out:{i}']))) for i, o in enumerate(outs)})
print('RESULT=' + json.dumps(res))
'''


def _migrated() -> str:
    from migrator.engine import migrate_source

    return migrate_source(SOURCE, "pair.py").code


def _env(**extra):
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e["TF_CPP_MIN_LOG_LEVEL"] = "3"
    e.update(extra)
    return e


def test_one_embedding_on_self_w_applied_to_both_ids():
    from migrator import TODO_MARKER

    out = _migrated()
    assert TODO_MARKER not in out and "tensorflow" not in out, out
    assert out.count("TF1Embedding(") == 2, out  # the helper's class line and the one layer
    assert "self.W(self.input_x1)" in out and "self.W(self.input_x2)" in out, out
    assert "RandomUniform(minval=-1.0, maxval=1.0)" in out, out


@pytest.mark.slow
def test_class_table_computes_the_legacy_lookups(tmp_path):
    legacy_src = tmp_path / "legacy.py"
    legacy_src.write_text(SOURCE)
    keras_src = tmp_path / "migrated.py"
    keras_src.write_text(_migrated())
    npz = tmp_path / "legacy.npz"
    p = subprocess.run([sys.executable, "-c", LEGACY, str(legacy_src), str(npz)], cwd=tmp_path,
                       env=_env(), capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    env = _env(KERAS_BACKEND="tensorflow")
    env.pop("TF_USE_LEGACY_KERAS", None)
    p = subprocess.run([sys.executable, "-c", KERAS, str(keras_src), str(npz)], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=600)
    line = next((l for l in p.stdout.splitlines() if l.startswith("RESULT=")), None)
    assert line is not None, p.stdout[-2000:] + p.stderr[-3000:]
    res = json.loads(line[len("RESULT="):])
    bad = {k: v for k, v in res.items() if not v <= 1e-6}
    assert not bad, res
