"""TFM158 DropoutWrapper numerics: TF1's ``DropoutWrapper`` around ``BasicLSTMCell`` s in a
``MultiRNNCell`` + ``static_bidirectional_rnn`` (dhwajraj/deep-siamese-text-similarity's
BiRNN) and around a ``BasicRNNCell`` in a ``dynamic_rnn``, the keep probability a placeholder
fed 0.5 in the training run and 1.0 in the evaluation run, vs the migrated Keras 3 program.

TF1 (rnn_cell_impl.DropoutWrapper, variational_recurrent=False) draws a NEW mask at every step
(one dropout op per step) whenever the graph runs; the program feeds 1.0 outside training. The
migration: a ``TF1DropoutWrapper`` cell dropping with keep 0.5 in Keras' training mode only.

* evaluation (keep 1.0 / Keras inference): with the SAME weights (loaded with
  ``migrator.weights``' plan) every output matches the legacy one;
* training (keep 0.5 / ``training=True``): in BOTH runtimes about half of each wrapped output is
  zero, the masks of consecutive steps agree only about half of the time (a mask per step, not
  per sequence), and where the output-only wrapper of the BasicRNNCell keeps a unit it is the
  evaluation value / 0.5 (its recurrence is untouched: TF1 drops the output, not the state).
  The random streams differ (TF1's graph seeds vs keras.random), so the masks are compared by
  their statistics, not value by value.
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
import numpy as np
import tensorflow as tf
STEPS = 0
rng = np.random.RandomState(3)
X = rng.uniform(-1, 1, (400, 6, 3)).astype('float32')
Y = rng.uniform(-1, 1, (400, 4)).astype('float32')
x = tf.placeholder(tf.float32, [None, 6, 3])
y = tf.placeholder(tf.float32, [None, 4])
keep = tf.placeholder(tf.float32)
xs = tf.unstack(tf.transpose(x, perm=[1, 0, 2]))
stacked = []
for _ in range(2):
    stacked.append(tf.contrib.rnn.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(4, forget_bias=1.0), output_keep_prob=keep))
fw = tf.nn.rnn_cell.MultiRNNCell(cells=stacked, state_is_tuple=True)
bw = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(3), input_keep_prob=keep, output_keep_prob=keep,
                                   state_keep_prob=keep)
outs, _, _ = tf.nn.static_bidirectional_rnn(fw, bw, xs, dtype=tf.float32)
with tf.variable_scope('plain'):
    r_out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(5), output_keep_prob=keep),
                                 x, dtype=tf.float32)
both = tf.concat([tf.stack(outs, axis=1), r_out], axis=-1)
loss = tf.reduce_mean(tf.square(both[:, -1, :4] - y))
op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(STEPS):
    sess.run(op, feed_dict={x: X, y: Y, keep: 0.5})
p = sess.run(both, feed_dict={x: X, keep: 1.0})
'''

STATS = r'''
def stats(train, ev):
    """zero fractions of the wrapped outputs, consecutive-step mask agreement, the kept units of
    the output-only wrapper / their evaluation value."""
    import numpy as np
    z = train == 0
    m = ~z[..., 7:]
    return {'zero_fw': float(z[..., :4].mean()), 'zero_bw': float(z[..., 4:7].mean()),
            'zero_rnn': float(z[..., 7:].mean()),
            'agree': float((z[:, 1:, 7:] == z[:, :-1, 7:]).mean()),
            'ratio': float(np.max(np.abs(train[..., 7:][m] - 2.0 * ev[..., 7:][m])))}
'''

LEGACY = STATS + r'''
import sys
import numpy as np
from migrator.legacy.shim import install
install()
import tensorflow.compat.v1 as tf
tf.set_random_seed(0)
src, out = sys.argv[1], sys.argv[2]
ns = {}
exec(open(src).read(), ns)
sess = ns['sess']
rng = np.random.RandomState(1)
values = {}
for v in tf.trainable_variables():
    val = rng.uniform(-1, 1, v.shape.as_list()).astype('float32')
    sess.run(v.assign(val))
    values[v.name[:-2]] = val
ev = sess.run(ns['both'], {ns['x']: ns['X'], ns['keep']: 1.0})
tr = sess.run(ns['both'], {ns['x']: ns['X'], ns['keep']: 0.5})
order = [v.name[:-2] for v in tf.trainable_variables()]
np.savez(out, EV=ev, ORDER=np.array(order), **{'var:' + k: v for k, v in values.items()})
print('STATS=' + __import__('json').dumps(stats(tr, ev)))
'''

KERAS = STATS + r'''
import json, sys
import numpy as np
import keras
from migrator.weights.keras_side import apply, klayers
from migrator.weights.mapping import plan
from migrator.weights.naming import LegacyVar, LegacyVars
keras.utils.set_random_seed(0)
src, npz = sys.argv[1], sys.argv[2]
ns = {}
exec(open(src).read(), ns)
d = np.load(npz)
model = keras.Model(ns['x'], ns['both'])
lv = LegacyVars([LegacyVar(str(n), d['var:' + str(n)], True, i) for i, n in enumerate(d['ORDER'])],
                order_known=True)
p = plan(lv, klayers(model))
apply(p)
ev = np.asarray(model.predict(ns['X'], verbose=0))
tr = keras.ops.convert_to_numpy(model(ns['X'], training=True))
res = {'plan': [a.legacy for a in p.assignments], 'eval': float(np.max(np.abs(ev - d['EV']))),
       'stats': stats(tr, ev)}
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
    from migrator.options import Options

    return migrate_source(SOURCE, "wrapper.py", Options(wrap_lines=False)).code


def test_wrappers_become_the_helper_with_the_training_keep_probability():
    from migrator import TODO_MARKER

    out = _migrated()
    assert TODO_MARKER not in out, out
    assert "tensorflow" not in out and "tf." not in out, out
    assert out.count("TF1DropoutWrapper(TF1") == 3, out
    assert "output_keep_prob=0.5" in out and "state_keep_prob=0.5" in out and "input_keep_prob=0.5" in out, out
    assert "keep = " not in out, out  # the placeholder went: Keras' training mode is the fed value


@pytest.mark.slow
def test_dropout_wrapper_matches_legacy_at_evaluation_and_drops_per_step_in_training(tmp_path):
    legacy_src = tmp_path / "legacy.py"
    legacy_src.write_text(SOURCE)
    keras_src = tmp_path / "migrated.py"
    keras_src.write_text(_migrated())
    npz = tmp_path / "legacy.npz"
    p = subprocess.run([sys.executable, "-c", LEGACY, str(legacy_src), str(npz)], cwd=tmp_path,
                       env=_env(), capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    legacy = json.loads(next(l for l in p.stdout.splitlines() if l.startswith("STATS="))[len("STATS="):])
    env = _env(KERAS_BACKEND="tensorflow")
    env.pop("TF_USE_LEGACY_KERAS", None)
    p = subprocess.run([sys.executable, "-c", KERAS, str(keras_src), str(npz)], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=600)
    line = next((l for l in p.stdout.splitlines() if l.startswith("RESULT=")), None)
    assert line is not None, p.stdout[-2000:] + p.stderr[-3000:]
    res = json.loads(line[len("RESULT="):])
    used = [n for a in res["plan"] for n in a]
    assert len(used) == 8, used  # 3 LSTM + 1 RNN cells: kernel and bias each (nothing left out)
    assert res["eval"] <= 1e-5, res
    for st in (legacy, res["stats"]):
        for k in ("zero_fw", "zero_bw", "zero_rnn", "agree"):
            assert abs(st[k] - 0.5) < 0.03, (k, legacy, res["stats"])
        assert st["ratio"] <= 1e-5, (legacy, res["stats"])


PROGRAM = '''import tensorflow as tf
tf.flags.DEFINE_float("dropout_keep_prob", 0.5, "keep")
FLAGS = tf.flags.FLAGS
x = tf.placeholder(tf.float32, [None, 5, 3])
y = tf.placeholder(tf.float32, [None, 4])
keep = tf.placeholder(tf.float32)
cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(4), output_keep_prob=keep)
out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
loss = tf.reduce_mean(tf.square(out[:, -1] - y))
op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
sess = tf.Session()
sess.run(op, feed_dict={x: a, y: b, keep: FLAGS.dropout_keep_prob})
p = sess.run(out, feed_dict={x: a, keep: 1.0})
'''


def test_a_flag_fed_as_the_keep_probability_is_read_where_the_wrapper_is_built():
    from migrator import TODO_MARKER
    from migrator.engine import migrate_source

    out = migrate_source(PROGRAM, "flags.py").code
    assert TODO_MARKER not in out, out
    assert "TF1DropoutWrapper(TF1BasicRNNCell(4), output_keep_prob=FLAGS.dropout_keep_prob)" in out, out
    # the flag set by the program: not one value for every run - not translated
    out = migrate_source(PROGRAM.replace("sess = tf.Session()", "FLAGS.dropout_keep_prob = 0.7\nsess = tf.Session()"),
                         "flags_set.py").code
    assert "TFM158 tf.nn.rnn_cell.DropoutWrapper" in out and "TF1DropoutWrapper(" not in out, out


def test_an_evaluation_run_feeding_the_training_keep_probability_keeps_dropping():
    from migrator.engine import migrate_source

    src = PROGRAM.replace("keep: FLAGS.dropout_keep_prob}", "keep: 0.5}").replace("keep: 1.0}", "keep: 0.5}")
    out = migrate_source(src, "eval_drop.py").code
    assert "output_keep_prob=0.5" in out and "training=True" in out, out
