"""TFM123 numerics: conv_2d_transpose, atrous_conv_2d, grouped_conv_2d, conv_3d, the 3-D pools
and upsample_2d.

1. Layer by layer against TensorFlow's own ops: the real faithful migration of tflearn snippets
   is run in a fresh Keras 3 subprocess (no legacy TF1 mode) on random data and random
   weights (biases too), and compared with the exact op call tflearn 0.5.0 makes
   (``tf.nn.conv2d_transpose`` with tflearn's explicit output shape, ``tf.nn.atrous_conv2d``,
   ``tf.nn.depthwise_conv2d``, ``tf.nn.conv3d``, ``tf.nn.max_pool3d``/``avg_pool3d``,
   ``tf.compat.v1.image.resize_nearest_neighbor`` - align_corners=False,
   half_pixel_centers=False), with odd sizes, even kernels, uneven strides and 'valid'
   padding. An output_shape Keras does not compute raises when the model is built.
2. Whole programs: tests/fixtures/conv_more/*.py (real tflearn code on the digits) migrated
   in faithful mode, no TODO left, and ``verify`` with the same weights: forward <= 1e-5, one
   SGD step <= 1e-5 and the updates themselves <= 1e-4 relative. (tests/test_verify_fixtures.py
   collects the same fixtures.)
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

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from migrator.weights.verify import judge, migrate_faithful, verify

pytestmark = pytest.mark.slow  # TensorFlow subprocesses: the slow tier

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "conv_more"

LEGACY = textwrap.dedent("""\
    import tflearn
    from tflearn.layers.conv import atrous_conv_2d, grouped_conv_2d, deconv_2d

    def up3(x):
        return tflearn.upsample_2d(x, 3)

    def up23(x):
        return tflearn.upsample_2d(x, [2, 3])

    def up_full(x):
        return deconv_2d(x, [1, 2, 2, 1])

    def mp3(x):
        return tflearn.max_pool_3d(x, 2)

    def ap3(x):
        return tflearn.avg_pool_3d(x, 3, strides=2)

    def ap3_valid(x):
        return tflearn.avg_pool_3d(x, [1, 2, 3, 2, 1], strides=[1, 2, 1, 2, 1], padding='valid')

    def tp_same(x):
        return tflearn.conv_2d_transpose(x, 5, 3, [14, 10], strides=2)

    def tp_valid(x):
        return tflearn.conv_2d_transpose(x, 5, [3, 2], [15, 10, 5], strides=2, padding='VALID')

    def tp_even(x):
        return tflearn.conv_2d_transpose(x, 3, 4, [7, 5], activation='relu')

    def tp_bad(x):
        return tflearn.conv_2d_transpose(x, 3, 3, [13, 9], strides=2)

    def atrous_same(x):
        return atrous_conv_2d(x, 6, 3, rate=3, activation='relu')

    def atrous_valid(x):
        return atrous_conv_2d(x, 4, [3, 2], rate=2, padding='valid', bias=False)

    def grouped(x):
        return grouped_conv_2d(x, 3, [3, 2], strides=[1, 2, 2, 1], bias=True, activation='tanh')

    def grouped_valid(x):
        return grouped_conv_2d(x, 2, 2, padding='valid')

    def c3d(x):
        return tflearn.conv_3d(x, 4, [3, 2, 3], strides=[1, 2, 1, 2, 1])

    def c3d_valid(x):
        return tflearn.conv_3d(x, 2, 2, padding='valid', activation='sigmoid')
""")

PROBE = textwrap.dedent("""\
    import json, sys
    import numpy as np
    import keras
    import tensorflow as tf
    ns = {}
    exec(compile(open(sys.argv[1]).read(), "migrated.py", "exec"), ns)
    rng = np.random.default_rng(0)
    x4 = rng.normal(size=(2, 7, 5, 4)).astype("float32")
    x4b = rng.normal(size=(2, 9, 8, 4)).astype("float32")
    x5 = rng.normal(size=(2, 5, 6, 7, 3)).astype("float32")
    conv = keras.ops.convert_to_numpy

    def model(name, x):
        inp = keras.Input(shape=x.shape[1:])
        m = keras.Model(inp, ns[name](inp))
        ws = []
        for layer in m.layers:
            arrs = [rng.normal(size=tuple(w.shape)).astype("float32") * 0.5 for w in layer.weights]
            layer.set_weights(arrs)
            ws += arrs
        return conv(m(x)), ws

    def bias(y, ws):
        return y + ws[1] if len(ws) > 1 else y

    S = lambda *s: [1, *s, 1]
    refs = {
        "up3": (x4, lambda ws: tf.compat.v1.image.resize_nearest_neighbor(x4, size=[21, 15])),
        "up23": (x4, lambda ws: tf.compat.v1.image.resize_nearest_neighbor(x4, size=[14, 15])),
        "up_full": (x4, lambda ws: tf.compat.v1.image.resize_nearest_neighbor(x4, size=[14, 10])),
        "mp3": (x5, lambda ws: tf.nn.max_pool3d(x5, S(2, 2, 2), S(1, 1, 1), "SAME")),
        "ap3": (x5, lambda ws: tf.nn.avg_pool3d(x5, S(3, 3, 3), S(2, 2, 2), "SAME")),
        "ap3_valid": (x5, lambda ws: tf.nn.avg_pool3d(x5, S(2, 3, 2), S(2, 1, 2), "VALID")),
        "tp_same": (x4, lambda ws: bias(tf.nn.conv2d_transpose(x4, ws[0], [2, 14, 10, 5], S(2, 2), "SAME"), ws)),
        "tp_valid": (x4, lambda ws: bias(tf.nn.conv2d_transpose(x4, ws[0], [2, 15, 10, 5], S(2, 2), "VALID"), ws)),
        "tp_even": (x4, lambda ws: tf.nn.relu(bias(tf.nn.conv2d_transpose(x4, ws[0], [2, 7, 5, 3], S(1, 1), "SAME"), ws))),
        "atrous_same": (x4b, lambda ws: tf.nn.relu(bias(tf.nn.atrous_conv2d(x4b, ws[0], 3, "SAME"), ws))),
        "atrous_valid": (x4b, lambda ws: tf.nn.atrous_conv2d(x4b, ws[0], 2, "VALID")),
        "grouped": (x4b, lambda ws: tf.tanh(bias(tf.nn.depthwise_conv2d(x4b, ws[0], S(2, 2), "SAME"), ws))),
        "grouped_valid": (x4b, lambda ws: tf.nn.depthwise_conv2d(x4b, ws[0], S(1, 1), "VALID")),
        "c3d": (x5, lambda ws: bias(tf.nn.conv3d(x5, ws[0], S(2, 1, 2), "SAME"), ws)),
        "c3d_valid": (x5, lambda ws: tf.sigmoid(bias(tf.nn.conv3d(x5, ws[0], S(1, 1, 1), "VALID"), ws))),
    }
    out = {}
    for name, (x, ref) in refs.items():
        got, ws = model(name, x)
        want = np.asarray(ref(ws))
        out[name] = [list(got.shape) == list(want.shape), list(got.shape), list(want.shape),
                     float(np.max(np.abs(got - want))) if got.shape == want.shape else -1.0,
                     float(np.max(np.abs(want))), len(ws)]
    try:
        model("tp_bad", x4)
        out["tp_bad_raises"] = False
    except ValueError as ex:
        out["tp_bad_raises"] = "output_shape" in str(ex)
    print("RESULT" + json.dumps(out))
""")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    res = migrate_source(LEGACY, "more_conv.py", Options(fixes=False))
    assert TODO_MARKER not in res.code, res.code
    assert not re.search(r"^\s*(import|from)\s+(tensorflow|tflearn)\b", res.code, re.M), res.code
    p = tmp_path_factory.mktemp("more_conv") / "migrated.py"
    p.write_text(res.code)
    return p


def test_migrated_layers_write_out_tflearn_defaults(migrated):
    code = migrated.read_text()
    assert "keras.layers.UpSampling2D(size=(2, 3))(x)" in code
    assert "keras.layers.MaxPooling3D(pool_size=2, strides=1, padding='same')(x)" in code
    assert "pool_size=(2, 3, 2),\n        strides=(2, 1, 2),\n        padding='valid'," in code
    assert code.count("tflearn_transpose_output_shape(keras.layers.Conv2DTranspose(") == 4
    assert "use_bias=False" in code and "depth_multiplier=3" in code and "dilation_rate=3" in code


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_translations_match_the_tensorflow_ops_tflearn_calls(migrated, backend, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"Keras backend {backend!r} is not installed")
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
    env.pop("TF_USE_LEGACY_KERAS", None)
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    r = subprocess.run([sys.executable, str(probe), str(migrated)],
                       env=env, capture_output=True, text=True, timeout=300)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("RESULT")), None)
    assert line is not None, r.stdout[-3000:] + r.stderr[-3000:]
    out = json.loads(line[len("RESULT"):])
    assert out.pop("tp_bad_raises") is True
    bad = {k: v for k, v in out.items() if not v[0] or v[3] > 1e-5 * max(1.0, v[4])}
    assert not bad, bad
    # the weights really take part: every conv got its kernel (and bias where tflearn has one)
    assert {k: v[5] for k, v in out.items() if v[5]} == {
        "tp_same": 2, "tp_valid": 2, "tp_even": 2, "atrous_same": 2, "atrous_valid": 1,
        "grouped": 2, "grouped_valid": 1, "c3d": 2, "c3d_valid": 2}


# -- whole tflearn programs: verify with the same weights ---------------------------------
@pytest.mark.parametrize("name", ["conv_variants", "conv3d_small"])
def test_fixture_program_is_equivalent_with_the_same_weights(name, tmp_path, monkeypatch):
    monkeypatch.setenv("FIXTURE_QUICK", "1")
    fixture = FIXTURES / f"{name}.py"
    mig = migrate_faithful(fixture, tmp_path / "m")
    code = mig.read_text()
    assert TODO_MARKER not in code
    assert legacy_refs_outside_todo(code) == []
    assert not re.search(r"^\s*(import|from)\s+(tensorflow|tflearn)\b", code, re.M)
    res = verify(fixture, mig, workdir=tmp_path / "v")
    ok, lines = judge(res)
    assert ok, "\n".join(lines + res.get("mapping", []))
    mapping = "\n".join(res.get("mapping", []))
    assert "UNMAPPED" not in mapping and "UNUSED" not in mapping, mapping
    checked = 0
    for s in res.get("step", []):
        if s["update_rel"] > 0:
            assert s["update_rel"] <= 1e-4, s
            checked += 1
    assert checked >= 4
