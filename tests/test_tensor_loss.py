"""A tflearn regression whose loss reads other tensors of the graph (tflearn's VAE example:
z_mean / z_std) and tf.random_normal(tf.shape(t)) in the graph.

TFM116 builds a TflearnTensorLossModel (the tensors are extra outputs handed to the loss by
name), TFM130 a TF1RandomNormalLike layer. Fast: the translation. Slow: with the same
weights, one SGD step of tflearn (legacy runtime) and of the migrated model give the same
weights (stddev 0 makes the sample its mean, so the step is deterministic on both sides),
and a real draw (stddev 1) differs per call in the migrated model, as TF1's op per run.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator.engine import migrate_source

ROOT = Path(__file__).resolve().parents[1]

SRC = """\
import json
import numpy as np
import tensorflow as tf
import tflearn
X = np.random.RandomState(0).rand(16, 6).astype(np.float32)
enc = tflearn.input_data(shape=[None, 6], name='input_images')
h = tflearn.fully_connected(enc, 5, activation='relu', name='h')
z_mean = tflearn.fully_connected(h, 2, name='zm')
z_std = tflearn.fully_connected(h, 2, name='zs')
eps = tf.random_normal(tf.shape(z_std), dtype=tf.float32, mean=0.25, stddev=STDDEV, name='epsilon')
z = z_mean + tf.exp(z_std / 2) * eps
dec = tflearn.fully_connected(z, 5, activation='relu', name='d1')
dec = tflearn.fully_connected(dec, 6, activation='sigmoid', name='d2')


def vae_loss(x_reconstructed, x_true):
    r = x_true * tf.log(1e-10 + x_reconstructed) + (1 - x_true) * tf.log(1e-10 + 1 - x_reconstructed)
    r = -tf.reduce_sum(r, 1)
    kl = 1 + z_std - tf.square(z_mean) - tf.exp(z_std)
    kl = -0.5 * tf.reduce_sum(kl, 1)
    return tf.reduce_mean(r + kl)


net = tflearn.regression(dec, optimizer='sgd', learning_rate=0.5, loss=vae_loss, metric=None, batch_size=16)
model = tflearn.DNN(net)
set_weights_here(model)
model.fit(X, X, n_epoch=1, batch_size=16, shuffle=False)
report(model)
"""

NAMES = ["h", "zm", "zs", "d1", "d2"]
SHAPES = [(6, 5), (5, 2), (5, 2), (2, 5), (5, 6)]

WEIGHTS = f"""\
import numpy as np
_rng = np.random.RandomState(3)
WS = {{n: [(0.5 * _rng.randn(*s)).astype(np.float32), (0.1 * _rng.randn(s[1])).astype(np.float32)]
      for n, s in zip({NAMES!r}, {SHAPES!r})}}
"""

LEGACY = WEIGHTS + """\
def set_weights_here(m):
    import tflearn
    for n, (w, b) in WS.items():
        W, B = tflearn.variables.get_layer_variables_by_name(n)
        m.set_weights(W, w)
        m.set_weights(B, b)


def report(m):
    import tflearn
    print(json.dumps([[m.get_weights(v).tolist() for v in tflearn.variables.get_layer_variables_by_name(n)]
                      for n in WS]))
"""

KERAS = WEIGHTS + """\
def set_weights_here(m):
    for n, wb in WS.items():
        m.get_layer(n).set_weights(wb)


def report(m):
    print(json.dumps([[w.tolist() for w in m.get_layer(n).get_weights()] for n in WS]))
"""


def _migrated(stddev: str) -> str:
    code = migrate_source(SRC.replace("STDDEV", stddev)).code
    assert "TODO" not in code and "import tflearn" not in code and "tensorflow" not in code, code
    return code


def test_translation():
    code = _migrated("0.0")
    assert "def vae_loss(x_reconstructed, x_true, z_std, z_mean):" in code
    assert "loss_tensors={'z_std': z_std, 'z_mean': z_mean}" in code
    assert "eps = TF1RandomNormalLike(mean=0.25, stddev=0.0, dtype='float32')(z_std)" in code
    assert "loss=" not in code.split("model.compile(")[1].split(")\n")[0]


def _run(cmd, env, cwd=None):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=cwd)
    assert p.returncode == 0, p.stderr[-2000:]
    line = p.stdout.strip().splitlines()[-1]
    return json.loads(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line))   # tflearn's progress-bar escapes


@pytest.mark.slow
def test_one_step_equals_tflearn(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    legacy = tmp_path / "legacy.py"
    legacy.write_text(LEGACY + SRC.replace("STDDEV", "0.0"), encoding="utf-8")
    want = _run([sys.executable, "-m", "migrator.legacy.run", str(legacy)], env)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(KERAS + _migrated("0.0"), encoding="utf-8")
    got = _run([sys.executable, str(migrated)], env)
    start = [[w.tolist(), b.tolist()] for w, b in
             (lambda ns: [ns["WS"][n] for n in NAMES])(_exec(WEIGHTS))]
    for n, g, w, s in zip(NAMES, got, want, start):
        for a, b, c in zip(g, w, s):
            assert not np.allclose(b, c), f"{n}: the step did not move it"   # the loss reaches every layer
            np.testing.assert_allclose(np.array(a), np.array(b), rtol=1e-5, atol=1e-6, err_msg=n)


def _exec(src: str) -> dict:
    ns: dict = {}
    exec(src, ns)
    return ns


@pytest.mark.slow
def test_sampler_draws_at_every_call(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    script = tmp_path / "sampler.py"
    script.write_text(KERAS + _migrated("1.0").replace("model.fit(", "_ = (lambda *a, **k: None)(") + """
m = keras.Model(enc, eps)
a, b = m.predict(X, verbose=0), m.predict(X, verbose=0)
print(json.dumps([float(np.abs(a - b).max()), float(a.mean()), float(a.std())]))
""", encoding="utf-8")
    diff, mean, std = _run([sys.executable, str(script)], env)
    assert diff > 0.1 and abs(mean - 0.25) < 0.6 and 0.4 < std < 1.6
