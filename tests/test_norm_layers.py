"""TFM106-108 numerics: the migrated norm/shape code against TensorFlow's own ops.

Each check runs in a fresh subprocess (Keras 3, no legacy TF1 mode): the helper layer /
translated expression is taken from the real migration output of a tflearn snippet and
compared with ``tf.nn.local_response_normalization`` / ``tf.math.l2_normalize`` (what
tflearn 0.5.0 calls) on random data, under every installed Keras backend (the helper uses
``keras.ops`` only; jax / torch are skipped where they are not installed).
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.slow  # TensorFlow subprocesses: the slow tier

ROOT = Path(__file__).resolve().parents[1]

LEGACY = textwrap.dedent("""\
    import tflearn
    from tflearn.layers.normalization import l2_normalize

    def lrn_default(x):
        return tflearn.local_response_normalization(x)

    def lrn_small(x):
        return tflearn.layers.normalization.local_response_normalization(
            x, depth_radius=2, bias=2.0, alpha=0.01, beta=0.5)

    def lrn_wide(x):
        return tflearn.local_response_normalization(x, depth_radius=7, alpha=0.3, beta=1.0)

    def l2(x):
        return l2_normalize(x, 1)

    def l2_last(x):
        return l2_normalize(x, dim=-1, epsilon=1e-4)

    def reshape(x):
        return tflearn.reshape(x, [-1, 3, 4])

    def act(x):
        return tflearn.activation(x, 'leaky_relu')
""")

PROBE = textwrap.dedent("""\
    import json, sys
    import numpy as np
    import keras
    import tensorflow as tf
    ns = {}
    exec(compile(open(sys.argv[1]).read(), "migrated.py", "exec"), ns)
    rng = np.random.default_rng(0)
    x4 = rng.normal(size=(2, 3, 4, 6)).astype("float32") * 3
    x2 = rng.normal(size=(5, 12)).astype("float32")
    x2[0] = 0.0          # a zero row: the epsilon branch
    x2[1] = 1e-4         # squared norm below 1e-4 (l2_last's epsilon)
    conv = keras.ops.convert_to_numpy
    ref = {
        # tflearn passes its own defaults (TF's are alpha=1, beta=0.5)
        "lrn_default": tf.nn.local_response_normalization(x4, 5, 1.0, 0.0001, 0.75).numpy(),
        "lrn_small": tf.nn.local_response_normalization(x4, 2, 2.0, 0.01, 0.5).numpy(),
        "lrn_wide": tf.nn.local_response_normalization(x4, 7, 1.0, 0.3, 1.0).numpy(),
        "l2": tf.math.l2_normalize(x2, 1).numpy(),
        "l2_last": tf.math.l2_normalize(x2, -1, epsilon=1e-4).numpy(),
        "reshape": tf.reshape(x2, [-1, 3, 4]).numpy(),
        "act": tf.nn.leaky_relu(x2, alpha=0.1).numpy(),
    }
    out = {}
    for name, want in ref.items():
        x = x4 if name.startswith("lrn") else x2
        got = conv(ns[name](keras.ops.convert_to_tensor(x)))
        out[name] = [list(got.shape) == list(want.shape),
                     float(np.max(np.abs(got - want))), float(np.max(np.abs(want)))]
    # the helper inside a functional model, saved and reloaded (get_config round trip)
    inp = keras.Input(shape=x4.shape[1:])
    m = keras.Model(inp, ns["lrn_small"](inp))
    m.save(sys.argv[2])
    m2 = keras.saving.load_model(sys.argv[2])
    out["saved"] = [True, float(np.max(np.abs(conv(m2(x4)) - ref["lrn_small"]))), 1.0]
    print("RESULT" + json.dumps(out))
""")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    res = migrate_source(LEGACY, "norms.py", Options(fixes=False))
    assert "TODO(tflearn-migrate)" not in res.code, res.code
    assert not re.search(r"^\s*(import|from)\s+(tensorflow|tflearn)\b", res.code, re.M), res.code
    p = tmp_path_factory.mktemp("norms") / "migrated.py"
    p.write_text(res.code)
    return p


def test_migrated_code_uses_keras_ops_only(migrated):
    code = migrated.read_text()
    assert "class LocalResponseNormalization(keras.layers.Layer)" in code
    assert "keras.ops.normalize(x, axis=1, epsilon=1e-6)" in code
    assert "keras.layers.Reshape((3, 4))(x)" in code


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_norm_translations_match_tensorflow(migrated, backend, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"Keras backend {backend!r} is not installed")
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
    env.pop("TF_USE_LEGACY_KERAS", None)
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    r = subprocess.run([sys.executable, str(probe), str(migrated), str(tmp_path / "m.keras")],
                       env=env, capture_output=True, text=True, timeout=300)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("RESULT")), None)
    assert line is not None, r.stdout[-3000:] + r.stderr[-3000:]
    out = json.loads(line[len("RESULT"):])
    bad = {k: v for k, v in out.items() if not v[0] or v[1] > 1e-5 * max(1.0, v[2])}
    assert not bad, bad


TFLEARN_NORM_NET = """\
import numpy as np
import tflearn
from tflearn.layers.conv import conv_2d
from tflearn.layers.normalization import local_response_normalization, l2_normalize

rs = np.random.RandomState(0)
X = rs.rand(40, 72).astype('float32')
Y = np.eye(4)[rs.randint(0, 4, 40)].astype('float32')
net = tflearn.input_data(shape=[None, 72])
net = tflearn.reshape(net, [-1, 6, 6, 2])
net = conv_2d(net, 8, 3, activation='relu')
net = local_response_normalization(net, depth_radius=2, alpha=0.05)
net = tflearn.batch_normalization(net, decay=0.8, epsilon=1e-4, beta=0.1)
net = tflearn.activation(net, 'leaky_relu')
net = tflearn.flatten(net)
net = l2_normalize(net, 1)
net = tflearn.fully_connected(net, 4, activation='softmax')
net = tflearn.regression(net, optimizer='sgd', learning_rate=0.1, loss='categorical_crossentropy')
model = tflearn.DNN(net)
model.fit(X, Y, n_epoch=1, batch_size=8)
"""


def test_norm_program_is_equivalent_with_the_same_weights(tmp_path):
    """reshape, LRN, conv batch norm (statistics over 3 axes, non-default decay/epsilon/beta),
    activation, flatten, l2_normalize: legacy tflearn vs the migrated model, same weights."""
    from migrator.weights.verify import judge, verify

    legacy = tmp_path / "norm_net.py"
    legacy.write_text(TFLEARN_NORM_NET)
    res = verify(legacy, workdir=tmp_path / "work")       # migrated now, faithful mode
    ok, lines = judge(res)
    assert ok, "\n".join(lines + res.get("mapping", []))
    assert not res.get("todo")
    assert len(res["step"]) == 8      # conv kernel+bias, BN gamma/beta/mean/variance, fc kernel+bias
