"""TFM109 / TFM110 numerics: tflearn RNN layers vs their Keras translations, same weights.

A legacy subprocess builds tflearn ``embedding``, ``lstm`` (default, forget_bias=0.5,
dynamic=True on zero-padded sequences, return_seq), ``gru``, ``simple_rnn`` and
``bidirectional_rnn`` (LSTM forward, GRU backward), gives every variable random values of
order 1 (so gate order, the forget bias and the split of the TF1 matrix matter) and dumps
the variables and the outputs on random inputs. A Keras-3 subprocess runs the SAME source
migrated by the real engine, loads the variables through ``LAYER_MAPS`` and compares.
Also (numpy only): the weight maps' layouts on hand-made arrays.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator.weights.layer_maps import LAYER_MAPS

pytestmark = pytest.mark.slow  # TensorFlow subprocesses: the slow tier

ROOT = Path(__file__).resolve().parents[1]

SOURCE = '''
import tflearn
x = tflearn.input_data([None, 7, 4])
a = tflearn.lstm(x, 5, name='L1')
b = tflearn.lstm(x, 3, forget_bias=0.5, return_seq=True, name='L2')
c = tflearn.gru(x, 4, name='G1')
d = tflearn.simple_rnn(x, 3, name='S1')
e = tflearn.bidirectional_rnn(x, tflearn.BasicLSTMCell(3), tflearn.GRUCell(3), name='B1')
f = tflearn.bidirectional_rnn(x, tflearn.BasicRNNCell(2), tflearn.BasicLSTMCell(2, forget_bias=0.0),
                              return_seq=True, name='B2')
g = tflearn.lstm(x, 4, dynamic=True, dropout=0.7, name='L3')
ids = tflearn.input_data([None, 6])
h = tflearn.embedding(ids, input_dim=9, output_dim=4, name='E1')
k = tflearn.gru(h, 3, inner_activation='tanh', activation='sigmoid', name='G2')
OUTPUTS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'k']
'''

LEGACY = r'''
import json, sys
import numpy as np
from migrator.legacy.shim import install
install()
import tensorflow.compat.v1 as tf
import tflearn
src, out = sys.argv[1], sys.argv[2]
ns = {}
exec(open(src).read(), ns)
rng = np.random.RandomState(1)
X = rng.uniform(-1, 1, (5, 7, 4)).astype('float32')
X[:, 4:] = 0.0          # trailing zero padding (dynamic=True)
X[0, 2:] = 0.0
IDS = rng.randint(0, 9, (5, 6)).astype('float32') + 0.7   # tflearn casts to int32
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    tflearn.is_training(False, session=sess)
    values = {}
    for v in tf.trainable_variables():
        val = rng.uniform(-1, 1, v.shape.as_list()).astype('float32')
        sess.run(v.assign(val))
        values[v.name[:-2]] = val
    outs = sess.run([ns[n] for n in ns['OUTPUTS']], {ns['x']: X, ns['ids']: IDS})
np.savez(out, X=X, IDS=IDS, **{'var:' + k: v for k, v in values.items()},
         **{'out:' + n: o for n, o in zip(ns['OUTPUTS'], outs)})
'''

KERAS = r'''
import json, sys
import numpy as np
import keras
from migrator.weights.layer_maps import LAYER_MAPS
src, npz = sys.argv[1], sys.argv[2]
ns = {}
exec(open(src).read(), ns)
d = np.load(npz)
legacy = {k[4:]: d[k] for k in d.files if k.startswith('var:')}
MAPS = {'L': 'tflearn.layers.recurrent.lstm', 'G': 'tflearn.layers.recurrent.gru',
        'S': 'tflearn.layers.recurrent.simple_rnn', 'B': 'tflearn.layers.recurrent.bidirectional_rnn',
        'E': 'tflearn.layers.embedding_ops.embedding'}
names = ns['OUTPUTS']
model = keras.Model([ns['x'], ns['ids']], [ns[n] for n in names])
done = set()
for layer in model.layers:
    if layer.name[:1] in MAPS and layer.name[1:].isdigit():
        scope = layer.name
        tf_vars = {k[len(scope) + 1:]: v for k, v in legacy.items() if k.startswith(scope + '/')}
        layer.set_weights(LAYER_MAPS[MAPS[scope[0]]](tf_vars, layer))
        done.add(scope)
outs = model.predict([d['X'], d['IDS']], verbose=0)
res = {'layers': sorted(done)}
for n, o in zip(names, outs):
    res[n] = float(np.max(np.abs(np.asarray(o) - d['out:' + n])))
print('RESULT=' + json.dumps(res))
'''


def _env(**extra):
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e["TF_CPP_MIN_LOG_LEVEL"] = "3"
    e.update(extra)
    return e


def test_migrated_source_has_no_todo():
    from migrator import TODO_MARKER
    from migrator.engine import migrate_source

    res = migrate_source(SOURCE, "rnn.py")
    assert TODO_MARKER not in res.code, res.code
    assert "tflearn" not in res.code.replace("tflearn_migrate", "").replace("tflearn-migrate", "")


def test_rnn_translations_compute_the_legacy_function(tmp_path):
    from migrator.engine import migrate_source

    legacy_src = tmp_path / "legacy.py"
    legacy_src.write_text(SOURCE)
    keras_src = tmp_path / "migrated.py"
    keras_src.write_text(migrate_source(SOURCE, "rnn.py").code)
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
    assert res.pop("layers") == ["B1", "B2", "E1", "G1", "G2", "L1", "L2", "L3", "S1"]
    bad = {k: v for k, v in res.items() if not v <= 1e-5}
    assert not bad, res


# -- numpy only: layouts -----------------------------------------------------------------

class _Cell:
    def __init__(self, unit_forget_bias=True, bias_initializer=None):
        self.unit_forget_bias = unit_forget_bias
        self.bias_initializer = bias_initializer


class _Layer:
    def __init__(self, **kw):
        self.cell = _Cell(**kw)


def test_lstm_map_reorders_gates_splits_and_adds_forget_bias():
    n_in, u = 3, 2
    m = np.arange((n_in + u) * 4 * u, dtype="float32").reshape(n_in + u, 4 * u)
    b = np.arange(4 * u, dtype="float32")
    k, r, bias = LAYER_MAPS["tflearn.layers.recurrent.lstm"](
        {"LSTM/BasicLSTMCell/Linear/Matrix": m, "LSTM/BasicLSTMCell/Linear/Bias": b}, _Layer())
    i, j, f, o = np.split(m, 4, axis=1)
    np.testing.assert_array_equal(np.concatenate([k, r]), np.concatenate([i, f, j, o], axis=1))
    assert k.shape == (n_in, 4 * u) and r.shape == (u, 4 * u)
    np.testing.assert_array_equal(bias, [0, 1, 4 + 1, 5 + 1, 2, 3, 6, 7])
    _, _, bias0 = LAYER_MAPS["tflearn.layers.recurrent.lstm"](
        {"LSTM/BasicLSTMCell/Linear/Matrix": m, "LSTM/BasicLSTMCell/Linear/Bias": b},
        _Layer(unit_forget_bias=False))
    np.testing.assert_array_equal(bias0, [0, 1, 4, 5, 2, 3, 6, 7])


def test_gru_map_orders_z_r_h():
    n_in, u = 2, 2
    mg = np.arange((n_in + u) * 2 * u, dtype="float32").reshape(n_in + u, 2 * u)
    mc = 100 + np.arange((n_in + u) * u, dtype="float32").reshape(n_in + u, u)
    k, r, bias = LAYER_MAPS["tflearn.layers.recurrent.gru"](
        {"GRU/GRUCell/Gates/Linear/Matrix": mg, "GRU/GRUCell/Gates/Linear/Bias": np.array([1, 2, 3, 4.]),
         "GRU/GRUCell/Candidate/Linear/Matrix": mc, "GRU/GRUCell/Candidate/Linear/Bias": np.array([5, 6.])},
        None)
    full = np.concatenate([k, r])
    np.testing.assert_array_equal(full, np.concatenate([mg[:, u:], mg[:, :u], mc], axis=1))
    np.testing.assert_array_equal(bias, [3, 4, 1, 2, 5, 6])


@pytest.mark.parametrize("name", ["lstm", "gru", "simple_rnn", "bidirectional_rnn"])
def test_rnn_groups_only_become_their_keras_class(name):
    from migrator.weights.mapping import COMPATIBLE

    assert COMPATIBLE[f"tflearn.layers.recurrent.{name}"] == {
        "lstm": {"LSTM"}, "gru": {"GRU"}, "simple_rnn": {"SimpleRNN"}, "bidirectional_rnn": {"Bidirectional"}}[name]


def test_plan_maps_tflearn_rnn_groups_whole():
    from migrator.weights.mapping import KLayer, plan
    from migrator.weights.naming import LegacyVar, LegacyVars

    rng = np.random.RandomState(0)
    specs = [("GRU/GRU/GRUCell/Gates/Linear/Matrix", (7, 6), "GRU"), ("GRU/GRU/GRUCell/Gates/Linear/Bias", (6,), "GRU"),
             ("GRU/GRU/GRUCell/Candidate/Linear/Matrix", (7, 3), "GRU"),
             ("GRU/GRU/GRUCell/Candidate/Linear/Bias", (3,), "GRU"),
             ("BiRNN/bidirectional_rnn/fw/BasicLSTMCell/Linear/Matrix", (6, 8), "BiRNN"),
             ("BiRNN/bidirectional_rnn/fw/BasicLSTMCell/Linear/Bias", (8,), "BiRNN"),
             ("BiRNN/bidirectional_rnn/bw/BasicRNNCell/Linear/Matrix", (6, 2), "BiRNN"),
             ("BiRNN/bidirectional_rnn/bw/BasicRNNCell/Linear/Bias", (2,), "BiRNN")]
    lv = LegacyVars([LegacyVar(n, rng.rand(*s).astype("float32"), True, i, layer)
                     for i, (n, s, layer) in enumerate(specs)], order_known=True)
    ks = [KLayer("gru", "GRU", ["kernel", "recurrent_kernel", "bias"], [(4, 9), (3, 9), (9,)]),
          KLayer("bidirectional", "Bidirectional", ["kernel", "recurrent_kernel", "bias"] * 2,
                 [(4, 8), (2, 8), (8,), (4, 2), (2, 2), (2,)])]
    p = plan(lv, ks)
    assert p.complete, p.lines()
    assert [a.how for a in p.assignments] == ["layer map", "layer map"]
