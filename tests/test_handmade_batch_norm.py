"""TFM136: a hand-made TF1 batch norm (kym343's ``batch_norm`` helper) -> keras.layers.BatchNormalization.

Fast: what the migration writes (epsilon, momentum = decay, the initializers, ``training=`` the
Python test that picked the statistics in TF1; nothing of the moving-average bookkeeping left).
Slow: the migrated function against TF's own ``tf.nn.moments`` + ``tf.nn.batch_normalization``
on random data, for both values of the flag (a fresh Keras 3 subprocess).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]

LEGACY = textwrap.dedent("""\
    import tensorflow as tf
    from tensorflow.python.training import moving_averages


    def batch_norm(x, name, _ops, is_train=True):
        with tf.compat.v1.variable_scope(name):
            params_shape = [x.get_shape()[-1]]
            beta = tf.compat.v1.get_variable('beta', params_shape, tf.float32,
                                             initializer=tf.compat.v1.constant_initializer(0.3))
            gamma = tf.compat.v1.get_variable('gamma', params_shape, tf.float32,
                                              initializer=tf.compat.v1.constant_initializer(1.5))
            if is_train is True:
                index = [i for i in range(len(x.get_shape().as_list()[:-1]))]
                mean, variance = tf.compat.v1.nn.moments(x, index, name='moments')
                moving_mean = tf.compat.v1.get_variable('moving_mean', params_shape, tf.float32,
                                                        initializer=tf.compat.v1.constant_initializer(0.2),
                                                        trainable=False)
                moving_variance = tf.compat.v1.get_variable('moving_variance', params_shape, tf.float32,
                                                            initializer=tf.compat.v1.constant_initializer(2.0),
                                                            trainable=False)
                _ops.append(moving_averages.assign_moving_average(moving_mean, mean, 0.9))
                _ops.append(moving_averages.assign_moving_average(moving_variance, variance, 0.9))
            else:
                mean = tf.compat.v1.get_variable('moving_mean', params_shape, tf.float32,
                                                 initializer=tf.compat.v1.constant_initializer(0.2), trainable=False)
                variance = tf.compat.v1.get_variable('moving_variance', params_shape, tf.float32,
                                                     initializer=tf.compat.v1.constant_initializer(2.0),
                                                     trainable=False)
            y = tf.nn.batch_normalization(x, mean, variance, beta, gamma, 1e-3)
            y.set_shape(x.get_shape())
            return y
""")


def _migrated() -> str:
    res = migrate_source(LEGACY, "bn.py", Options(fixes=False))
    assert res.status == "migrated", res.reason
    return res.code


def test_the_batch_norm_becomes_one_keras_layer():
    out = _migrated()
    assert TODO_MARKER not in out
    assert "import tensorflow" not in out and "moving_averages" not in out
    assert "FixedModeBatchNormalization(" in out
    assert "epsilon=1e-3" in out and "momentum=0.9" in out
    assert "beta_initializer=keras.initializers.Constant(0.3)" in out
    assert "gamma_initializer=keras.initializers.Constant(1.5)" in out
    assert "moving_mean_initializer=keras.initializers.Constant(0.2)" in out
    assert "moving_variance_initializer=keras.initializers.Constant(2.0)" in out
    # TF1 chose the statistics when it built the graph: the layer keeps that mode in a model too
    assert "training=is_train is True," in out
    assert "tf1_moments_axes(x, index)" in out  # the axes TF1 reduced over, checked where they run
    assert "set_shape" not in out
    again = migrate_source(out, "bn.py", Options(fixes=False))
    assert again.code == out


def test_a_tensor_flag_is_not_translated():
    # tf.cond on a placeholder: the statistics are chosen per run, not when the graph is built
    src = LEGACY.replace("            if is_train is True:\n", "            if True:\n")
    src = src.replace("mean, variance = tf.compat.v1.nn.moments(x, index, name='moments')",
                      "mean, variance = tf.cond(is_train, lambda: tf.nn.moments(x, index), lambda: (0., 1.))")
    out = migrate_source(src, "bn.py", Options(fixes=False)).code
    assert "TFM136 hand-made batch norm not translated" in out
    assert "tf.nn.batch_normalization(" in out


PROBE = textwrap.dedent("""\
    import json, sys
    import numpy as np
    import keras
    import tensorflow as tf

    ns = {}
    exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), ns)
    x = np.random.RandomState(0).normal(1.0, 2.0, size=(16, 5, 5, 3)).astype("float32")
    beta, gamma, mm, mv = 0.3, 1.5, 0.2, 2.0
    m, v = tf.nn.moments(tf.constant(x), [0, 1, 2])
    ref_train = tf.nn.batch_normalization(x, m, v, beta, gamma, 1e-3).numpy()
    ref_infer = tf.nn.batch_normalization(x, mm, mv, beta, gamma, 1e-3).numpy()
    got_train = keras.ops.convert_to_numpy(ns["batch_norm"](keras.ops.convert_to_tensor(x), "bn", [], is_train=True))
    got_infer = keras.ops.convert_to_numpy(ns["batch_norm"](keras.ops.convert_to_tensor(x), "bn", [], is_train=False))
    # inside a functional model trained by Keras (training=True passed to every layer): TF1's
    # graph still used the statistics chosen when it was built
    inp = keras.Input(shape=x.shape[1:])
    fixed = keras.Model(inp, ns["batch_norm"](inp, "bn", [], is_train=False))
    got_model = keras.ops.convert_to_numpy(fixed(keras.ops.convert_to_tensor(x), training=True))
    print(json.dumps({"train": float(np.abs(got_train - ref_train).max()),
                      "infer": float(np.abs(got_infer - ref_infer).max()),
                      "model": float(np.abs(got_model - ref_infer).max()),
                      "differ": float(np.abs(ref_train - ref_infer).max())}))
""")


@pytest.mark.slow
def test_migrated_batch_norm_computes_tf1s_values(tmp_path):
    mod = tmp_path / "bn_keras.py"
    mod.write_text(_migrated())
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, str(probe), str(mod)], capture_output=True, text=True, env=env,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    r = json.loads(p.stdout.strip().splitlines()[-1])
    assert r["differ"] > 0.1  # the two branches really compute different things
    assert r["train"] < 1e-4, r
    assert r["infer"] < 1e-4, r
    assert r["model"] < 1e-4, r
