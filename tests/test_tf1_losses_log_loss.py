"""TFM130: ``tf.losses.log_loss`` and ``tf.losses.sigmoid_cross_entropy`` (TF1's defaults:
float32 casts, weights 1.0, SUM_BY_NONZERO_WEIGHTS = the mean over every element; log_loss
adds epsilon 1e-7 inside both logarithms) -> ``tf1_log_loss`` / ``keras.ops.mean`` of the
elementwise sigmoid cross-entropy.

Fast tier: the Koch-style program (L1 of two shared towers into one sigmoid unit,
``tf.losses.log_loss``) migrates without a TODO. Slow tier: the same numbers through TF1's
functions (legacy runtime) and through the migrated text (Keras 3) agree to float32 rounding,
with probabilities at 0 and 1 where the epsilon matters; Keras' own clipped binary
cross-entropy in the helper's place (the negative control) does not agree.
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
from migrator.engine import migrate_source
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]

_DATA = '''import json
import os

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(3)
Y = (rng.rand(16, 1) > 0.5).astype("float32")
P = rng.rand(16, 1).astype("float32")
P[:3, 0] = [0.0, 1.0, 1e-9]
Z = (rng.randn(16, 1) * 3).astype("float32")
'''
_LOSSES = '''bce = tf.losses.log_loss(Y, P)
bce_eps = tf.losses.log_loss(labels=Y, predictions=P, epsilon=1e-4)
xent = tf.losses.sigmoid_cross_entropy(Y, Z)
'''
LEGACY = _DATA + _LOSSES + '''with tf.Session() as sess:
    vals = sess.run([bce, bce_eps, xent])
json.dump([float(v) for v in vals], open(os.environ["LOSS_OUT"], "w"))
'''
KERAS_TAIL = '''json.dump([float(v) for v in [bce, bce_eps, xent]], open(os.environ["LOSS_OUT"], "w"))
'''

KOCH = '''import tensorflow as tf

def tower(x, reuse=False):
    h = tf.layers.dense(x, 16, activation=tf.nn.relu, name="h", reuse=reuse)
    return tf.layers.dense(h, 8, activation=tf.nn.sigmoid, name="e", reuse=reuse)

a = tf.placeholder(tf.float32, [None, 4])
b = tf.placeholder(tf.float32, [None, 4])
same = tf.placeholder(tf.float32, [None, 1])
e1 = tower(a)
e2 = tower(b, reuse=True)
p = tf.layers.dense(tf.abs(e1 - e2), 1, activation=tf.sigmoid, name="out")
loss = tf.losses.log_loss(same, p)
step = tf.train.AdamOptimizer(1e-3).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(3):
        sess.run(step, feed_dict={a: A, b: B, same: S})
    q = sess.run(p, feed_dict={a: A, b: B})
'''


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, "m.py", Options(wrap_lines=False, fixes=fixes))
    assert res.status == "migrated", res.reason
    compile(res.code, "m.py", "exec")
    assert migrate_source(res.code, "m.py", Options(wrap_lines=False, fixes=fixes)).code == res.code
    return res.code


@pytest.mark.parametrize("fixes", [False, True])
def test_koch_log_loss_program_migrates_whole(fixes):
    out = _migrate(KOCH, fixes)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "return tf1_log_loss(same, p, 1e-7)" in out
    assert "def tf1_log_loss(labels, predictions, epsilon):" in out


def test_losses_translate_to_the_mean():
    out = _migrate(_DATA + _LOSSES)
    assert "bce = tf1_log_loss(Y, P, 1e-7)" in out
    assert "bce_eps = tf1_log_loss(Y, P, 1e-4)" in out
    assert "xent = keras.ops.mean(keras.ops.binary_crossentropy(" in out
    assert TODO_MARKER not in out


def _env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.pop("TF_USE_LEGACY_KERAS", None)
    e.update(TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow", TF_ENABLE_ONEDNN_OPTS="0")
    return e


def _run(path: Path, legacy: bool) -> list:
    out = path.with_suffix(".json")
    cmd = [sys.executable, "-m", "migrator.legacy.run", str(path)] if legacy else [sys.executable, str(path)]
    p = subprocess.run(cmd, env={**_env(), "LOSS_OUT": str(out)}, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.slow
def test_log_loss_and_sigmoid_xent_match_tf1(tmp_path):
    legacy = tmp_path / "legacy.py"
    legacy.write_text(LEGACY)
    code = _migrate(_DATA + _LOSSES) + KERAS_TAIL
    migrated = tmp_path / "migrated.py"
    migrated.write_text(code)
    leg, ker = _run(legacy, True), _run(migrated, False)
    assert leg[0] > 0.5 and leg[0] != leg[1]  # the epsilon matters on these numbers
    np.testing.assert_allclose(ker, leg, rtol=1e-6)
    # negative control: Keras' own binary cross-entropy (probabilities clipped to [eps, 1 - eps])
    helper = "    return keras.ops.mean(losses)\n"
    assert helper in code
    naive = tmp_path / "naive.py"
    naive.write_text(code.replace(helper, "    return keras.ops.mean(keras.ops.binary_crossentropy(y, p))\n"))
    nai = _run(naive, False)
    assert abs(nai[1] - leg[1]) > 1e-2 * abs(leg[1]), (nai[1], leg[1])  # epsilon 1e-4 ignored
