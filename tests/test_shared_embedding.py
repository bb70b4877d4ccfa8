"""TFM135: one embedding table read by two lookups (a Siamese pair's token ids, as
chiaminchuang_malstm): TF1 has ONE variable, the migration ONE ``keras.layers.Embedding`` bound
to the table's name and applied at each lookup; get_variable's ``trainable=False`` and float64
are kept. The slow test runs the TF1 source in the legacy runtime and the migrated source under
Keras 3 and compares the looked-up rows (and checks dtype and that nothing is trainable)."""
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
table = np.random.RandomState(0).normal(0.0, 0.5, (17, 8))
a = tf.placeholder(tf.int32, [None, 5])
b = tf.placeholder(tf.int32, [None, 5])
E = tf.get_variable('E', shape=(17, 8), dtype=tf.float64, initializer=tf.constant_initializer(table, dtype=tf.float64),
                    trainable=False)
ea = tf.nn.embedding_lookup(E, a)
eb = tf.nn.embedding_lookup(E, b)
OUTPUTS = [ea, eb, tf.reduce_sum(tf.abs(ea - eb), axis=[1, 2])]
'''

LEGACY = r'''
import sys
import numpy as np
from migrator.legacy.shim import install
install()
import tensorflow.compat.v1 as tf
ns = {}
exec(open(sys.argv[1]).read(), ns)
rng = np.random.RandomState(1)
A, B = rng.randint(0, 17, (4, 5)), rng.randint(0, 17, (4, 5))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    outs = sess.run(ns['OUTPUTS'], {ns['a']: A, ns['b']: B})
    n_trainable = len(tf.trainable_variables())
np.savez(sys.argv[2], A=A, B=B, n=n_trainable, **{f'out:{i}': o for i, o in enumerate(outs)})
'''

KERAS = r'''
import json, sys
import numpy as np
import keras
ns = {}
exec(open(sys.argv[1]).read(), ns)
d = np.load(sys.argv[2])
model = keras.Model([ns['a'], ns['b']], ns['OUTPUTS'])
outs = model.predict([d['A'], d['B']], verbose=0)
res = {f'out{i}': float(np.max(np.abs(np.asarray(o) - d[f'out:{i}']))) for i, o in enumerate(outs)}
res['float64'] = float(not all(np.asarray(o).dtype == np.float64 for o in outs))
res['trainable'] = float(len(model.trainable_weights) != int(d['n']))
res['layers'] = float(len([l for l in model.layers if isinstance(l, keras.layers.Embedding)]) != 1)
print('RESULT=' + json.dumps(res))
'''


def _migrated() -> str:
    from migrator.engine import migrate_source

    return migrate_source(SOURCE, "emb.py").code


def _env(**extra):
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e["TF_CPP_MIN_LOG_LEVEL"] = "3"
    e.update(extra)
    return e


def test_one_embedding_layer_applied_at_each_lookup():
    from migrator import TODO_MARKER

    out = _migrated()
    assert TODO_MARKER not in out and "tensorflow" not in out, out
    assert out.count("keras.layers.Embedding(") == 1, out
    assert "E(a)" in out and "E(b)" in out and "trainable=False" in out and "dtype='float64'" in out, out


@pytest.mark.slow
def test_shared_table_computes_the_legacy_lookups(tmp_path):
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
    bad = {k: v for k, v in res.items() if not v <= 1e-12}
    assert not bad, res
