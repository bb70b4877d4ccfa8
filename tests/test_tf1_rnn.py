"""TFM158 numerics: TF1 cells and RNN loops vs their Keras translations, same weights.

A legacy subprocess builds ``BasicLSTMCell`` + ``static_rnn`` over ``tf.unstack`` (with and
without ``sequence_length``), ``LSTMCell(forget_bias=0.5)`` + ``dynamic_rnn`` with
``sequence_length``, ``GRUCell`` + ``dynamic_rnn``, a ``MultiRNNCell`` of a ``BasicRNNCell``
(relu) and a ``BasicLSTMCell``, ``static_bidirectional_rnn`` (LSTM forward, GRU backward) and
``bidirectional_dynamic_rnn`` with ``sequence_length``, and in float64 (a loop's
``dtype=tf.float64`` building an ``LSTMCell``, a ``GRUCell(dtype=tf.float64)``); gives every variable random values of
order 1 (gate order, the forget bias added at run time and the GRU layout then matter) and
dumps the variables and every output and final state on random inputs whose sequences end in
zero padding of different lengths (cell sizes differ: the weight plan matches by shape in layer order). A Keras-3 subprocess runs the SAME source migrated by the
real engine, loads the variables with ``migrator.weights`` (the plan ``verify`` uses: the TF1
names ``rnn/basic_lstm_cell/kernel`` ...) and compares.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SOURCE = '''
import tensorflow as tf
from tensorflow.contrib import rnn
x = tf.placeholder(tf.float32, [None, 6, 3])
seqlen = tf.placeholder(tf.int32, [None])
xs = tf.unstack(x, 6, 1)
a_out, a_state = rnn.static_rnn(rnn.BasicLSTMCell(4), xs, dtype=tf.float32)
with tf.variable_scope('b'):
    b_cell = tf.nn.rnn_cell.BasicLSTMCell(3, forget_bias=1.0)
    b_out, b_state = tf.nn.static_rnn(b_cell, xs, dtype=tf.float32, sequence_length=seqlen)
with tf.variable_scope('c'):
    c_out, c_state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(6, forget_bias=0.5), x, sequence_length=seqlen,
                                       dtype=tf.float32)
d_out, d_state = tf.nn.dynamic_rnn(tf.contrib.rnn.GRUCell(5), x, dtype=tf.float32)
stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicRNNCell(4, activation=tf.nn.relu),
                                     tf.nn.rnn_cell.BasicLSTMCell(2)])
with tf.variable_scope('e'):
    e_out, e_state = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)
f_out, f_fw, f_bw = rnn.static_bidirectional_rnn(rnn.BasicLSTMCell(5), rnn.GRUCell(2), xs, dtype=tf.float32)
with tf.variable_scope('g'):
    (g_fw, g_bw), (g_sfw, g_sbw) = tf.nn.bidirectional_dynamic_rnn(
        tf.nn.rnn_cell.BasicLSTMCell(2), tf.nn.rnn_cell.BasicLSTMCell(1), x, sequence_length=seqlen,
        dtype=tf.float32)
x64 = tf.cast(x, tf.float64)
with tf.variable_scope('h', dtype=tf.float64):
    h_out, h_state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(3), x64, sequence_length=seqlen, dtype=tf.float64)
    i_out, i_state = tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(2, dtype=tf.float64), tf.unstack(x64, 6, 1),
                                      dtype=tf.float64)
OUTPUTS = {
    'a': [a_out[-1], a_out[2], a_state.c, a_state.h], 'b': [b_out[-1], b_out[1], b_state.c, b_state.h],
    'c': [c_out, c_state.c, c_state.h], 'd': [d_out, d_state], 'e': [e_out, e_state[0], e_state[1].c],
    'f': [f_out[0], f_out[-1], f_fw.h, f_bw], 'g': [g_fw, g_bw, g_sfw.c, g_sbw.h],
    'h': [h_out, h_state.c, h_state.h], 'i': [i_out[-1], i_state],
}
'''

LEGACY = r'''
import sys
import numpy as np
from migrator.legacy.shim import install
install()
import tensorflow.compat.v1 as tf
src, out = sys.argv[1], sys.argv[2]
ns = {}
exec(open(src).read(), ns)
rng = np.random.RandomState(1)
X = rng.uniform(-1, 1, (5, 6, 3)).astype('float32')
L = np.array([6, 3, 1, 5, 4], dtype='int32')
for i, n in enumerate(L):
    X[i, n:] = 0.0
names = sorted(ns['OUTPUTS'])
fetch = [t for n in names for t in ns['OUTPUTS'][n]]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    values = {}
    for v in tf.trainable_variables():
        val = rng.uniform(-1, 1, v.shape.as_list()).astype(v.dtype.base_dtype.as_numpy_dtype)
        sess.run(v.assign(val))
        values[v.name[:-2]] = val
    outs = sess.run(fetch, {ns['x']: X, ns['seqlen']: L})
order = [v.name[:-2] for v in tf.trainable_variables()]
np.savez(out, X=X, L=L, ORDER=np.array(order), **{'var:' + k: v for k, v in values.items()},
         **{f'out:{i}': o for i, o in enumerate(outs)})
'''

KERAS = r'''
import json, sys
import numpy as np
import keras
from migrator.weights.keras_side import apply, klayers
from migrator.weights.mapping import plan
from migrator.weights.naming import LegacyVar, LegacyVars
src, npz = sys.argv[1], sys.argv[2]
ns = {}
exec(open(src).read(), ns)
d = np.load(npz)
names = sorted(ns['OUTPUTS'])
fetch = [t for n in names for t in ns['OUTPUTS'][n]]
model = keras.Model([ns['x'], ns['seqlen']], fetch)
lv = LegacyVars([LegacyVar(str(n), d['var:' + str(n)], True, i) for i, n in enumerate(d['ORDER'])],
                order_known=True)
p = plan(lv, klayers(model))
apply(p)
outs = model.predict([d['X'], d['L']], verbose=0)
res = {'plan': [a.legacy for a in p.assignments],
       # float64 as in TF1 (a float32 cell would cast its inputs and give float32): 1.0 where not
       'float64': float(not all(str(t.dtype) == 'float64' for t in ns['OUTPUTS']['h'] + ns['OUTPUTS']['i']))}
k = 0
for n in names:
    res[n] = max(float(np.max(np.abs(np.asarray(outs[k + i]) - d[f'out:{k + i}'])))
                 for i in range(len(ns['OUTPUTS'][n])))
    k += len(ns['OUTPUTS'][n])
print('RESULT=' + json.dumps(res))
'''


def _env(**extra):
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e["TF_CPP_MIN_LOG_LEVEL"] = "3"
    e.update(extra)
    return e


def _migrated() -> str:
    from migrator.engine import migrate_source

    return migrate_source(SOURCE, "rnn.py").code


def test_migrated_source_has_no_todo_and_no_tensorflow():
    from migrator import TODO_MARKER

    out = _migrated()
    assert TODO_MARKER not in out, out
    assert "tensorflow" not in out and "tf." not in out, out
    assert "tf1_static_rnn(" in out and "tf1_bidirectional_dynamic_rnn(" in out


@pytest.mark.slow
def test_tf1_rnn_translations_compute_the_legacy_function(tmp_path):
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
    used = [n for a in res.pop("plan") for n in a]
    assert "rnn/basic_lstm_cell/kernel" in used and "rnn/gru_cell/candidate/kernel" in used, used
    bad = {k: v for k, v in res.items() if not v <= 1e-5}
    assert not bad, res
