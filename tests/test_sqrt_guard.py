"""TFM203's guard must keep a gradient where the distance is tiny (a fix never breaks a model
that trains without it).

``sqrt(maximum(x, eps))`` (keras.io's form) has gradient 0 for every ``x < eps``: towers whose
initial embeddings all lie within ~3e-4 of each other (small initializers through several
layers) get no gradient from the distance and never train. Found on the real-world fixture
evildj_expcontrastive: with one shared encoder and no dropout, TF1's plain sqrt reaches pair
AUC 0.916, the maximum guard 0.696 (the loss never moves from its initial value), the added
epsilon 0.888. The guard is ``sqrt(x + eps)``: finite, non-zero gradient at and near 0.

Static part: no TensorFlow. Numeric part: one Keras-3 subprocess (slow).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.engine import migrate_source
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]

SRC = ("import keras\n"
       "def distance(a, b):\n"
       "    return keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1))\n")


def _fixed() -> str:
    res = migrate_source(SRC, "m.py", Options())
    assert {d.rule for d in res.diagnostics if d.fixed} == {"TFM203"}
    return res.code


def test_guard_adds_epsilon_instead_of_clamping():
    code = _fixed()
    assert "keras.ops.sum(keras.ops.square(a - b), axis=1) + keras.config.epsilon()" in code
    assert "maximum" not in code
    # a second run leaves the guarded distance alone
    assert migrate_source(code, "m.py", Options()).code == code


PROBE = r"""
import json, sys
import numpy as np
import tensorflow as tf
import keras

ns = {}
exec(sys.argv[1], ns)
clamped = lambda a, b: keras.ops.sqrt(keras.ops.maximum(keras.ops.sum(keras.ops.square(a - b), axis=1),
                                                        keras.config.epsilon()))
out = {}
for name, fn in (("fixed", ns["distance"]), ("clamped", clamped)):
    rows = []
    for gap in (0.0, 1e-5, 1e-4, 1.0):  # squared distances 0, 2e-10, 2e-8, 2
        a = tf.Variable(np.array([[gap, gap]], np.float32))
        b = tf.constant(np.zeros((1, 2), np.float32))
        with tf.GradientTape() as tape:
            d = fn(a, b)
        g = tape.gradient(d, a).numpy()
        rows.append([float(d.numpy()[0]), float(np.abs(g).max()), bool(np.all(np.isfinite(g)))])
    out[name] = rows
print(json.dumps(out))
"""


@pytest.mark.slow
def test_guarded_distance_has_a_gradient_below_epsilon():
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               CUDA_VISIBLE_DEVICES="")
    env.pop("TF_USE_LEGACY_KERAS", None)
    p = subprocess.run([sys.executable, "-c", PROBE, _fixed()], env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    res = json.loads(p.stdout.strip().splitlines()[-1])
    fixed, clamped = res["fixed"], res["clamped"]
    # finite everywhere (the NaN the fix exists for), non-zero below epsilon
    assert all(row[2] for row in fixed)
    for value, grad, _ in fixed[1:3]:
        assert grad > 0.01, fixed
    # the distance itself moves by at most sqrt(1e-7) ~ 3.2e-4; at 1.0 apart not at all (float32)
    assert fixed[0][0] == pytest.approx(1e-7 ** 0.5, rel=1e-3)
    assert fixed[3][0] == pytest.approx(2 ** 0.5, rel=1e-6)
    # negative control: the clamped form has NO gradient below epsilon (why it was replaced)
    assert clamped[1][1] == 0.0 and clamped[2][1] == 0.0
    assert clamped[3][1] > 0.1
