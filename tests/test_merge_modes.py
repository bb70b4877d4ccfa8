"""TFM111: every translated tflearn merge mode computes what tflearn 0.5.0 computes.

Each case is a one-line tflearn program (``out = tflearn.merge([a, b, c], mode, axis)``)
migrated by the real engine (TFM111 only). The legacy call runs in the legacy runtime (its
own subprocess, tflearn on fixed NumPy inputs); the migrated line runs in a Keras 3
subprocess on ``keras.Input`` tensors (a functional model, so the keras.ops reductions are
exercised on KerasTensors) with the same inputs.
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
from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.slow  # TensorFlow subprocesses: the slow tier

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    "tflearn.merge([a, b, c], mode='concat')",
    "tflearn.merge([a, b, c], mode='concat', axis=2)",
    "tflearn.merge([a, b, c], 'concat', -1)",
    "tflearn.merge([a, b, c], mode='elemwise_sum')",
    "tflearn.merge([a, b, c], mode='elemwise_mul')",
    "tflearn.merge([a, b, c], mode='sum')",
    "tflearn.merge([a, b, c], mode='mean', axis=2)",
    "tflearn.merge([a, b, c], mode='prod')",
    "tflearn.merge([a, b, c], mode='max')",
    "tflearn.merge([a, b, c], mode='min', axis=-1)",
    "tflearn.merge_outputs([a, b, c])",
]
SHAPE = (4, 3, 5)  # batch, 3, 5


def _inputs():
    rng = np.random.RandomState(0)
    return [rng.uniform(-2, 2, SHAPE).astype("float32") for _ in range(3)]


LEGACY = r'''
import json, sys
import numpy as np
from migrator.legacy.shim import install
install()
import tensorflow as tf
import tflearn
inputs = [np.asarray(x, dtype="float32") for x in json.loads(sys.argv[1])]
out = []
for expr in json.loads(sys.argv[2]):
    tf.reset_default_graph()
    a, b, c = [tf.constant(x) for x in inputs]
    t = eval(expr)
    with tf.Session() as s:
        out.append(s.run(t).tolist())
print("RESULTS=" + json.dumps(out))
'''

KERAS = r'''
import json, sys
import numpy as np
import keras
inputs = [np.asarray(x, dtype="float32") for x in json.loads(sys.argv[1])]
out = []
for src in json.loads(sys.argv[2]):
    a, b, c = [keras.Input(shape=x.shape[1:]) for x in inputs]
    g = {"a": a, "b": b, "c": c}
    exec(src, g)
    model = keras.Model([a, b, c], g["out"])
    out.append(np.asarray(model.predict(inputs, verbose=0)).tolist())
print("RESULTS=" + json.dumps(out))
'''


def _run(script: str, arg2: list[str], **env) -> list:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT)
    e.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    e.pop("TF_USE_LEGACY_KERAS", None)
    e.update(env)
    inputs = json.dumps([x.tolist() for x in _inputs()])
    p = subprocess.run([sys.executable, "-c", script, inputs, json.dumps(arg2)], cwd=ROOT, env=e,
                       capture_output=True, text=True, timeout=600)
    line = next((l for l in p.stdout.splitlines() if l.startswith("RESULTS=")), None)
    assert line is not None, p.stdout[-3000:] + p.stderr[-3000:]
    return json.loads(line[len("RESULTS="):])


def _migrated(expr: str) -> str:
    res = migrate_source(f"import tflearn\nout = {expr}\n", "example.py",
                         Options(select=frozenset({"TFM111"})))
    assert TODO_MARKER not in res.code and "tflearn" not in res.code, res.code
    return res.code


@pytest.fixture(scope="module")
def results():
    migrated = [_migrated(c) for c in CASES]
    legacy = _run(LEGACY, CASES)
    keras_out = _run(KERAS, migrated, KERAS_BACKEND="tensorflow")
    return migrated, legacy, keras_out


@pytest.mark.parametrize("i", range(len(CASES)), ids=CASES)
def test_merge_mode_matches_tflearn(results, i):
    migrated, legacy, keras_out = results
    want, got = np.asarray(legacy[i]), np.asarray(keras_out[i])
    assert want.shape == got.shape, (CASES[i], migrated[i], want.shape, got.shape)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6, err_msg=migrated[i])
