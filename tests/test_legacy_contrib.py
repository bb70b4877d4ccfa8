"""The legacy runtime runs ``tf.contrib.layers`` / ``tf.contrib.slim`` code (through tf_slim)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a TensorFlow subprocess

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = textwrap.dedent('''
    import json, os
    import numpy as np
    import tensorflow as tf
    import tensorflow.contrib.slim as slim
    from tensorflow.contrib.framework import arg_scope

    def tower(x, reuse=False):
        with tf.name_scope("model"):
            with tf.variable_scope("conv1") as scope:
                net = tf.contrib.layers.conv2d(x, 4, [3, 3], activation_fn=tf.nn.relu, padding='SAME',
                    weights_initializer=tf.contrib.layers.xavier_initializer_conv2d(), scope=scope, reuse=reuse)
                net = tf.contrib.layers.max_pool2d(net, [2, 2], padding='SAME')
            net = tf.contrib.layers.flatten(net)
        with arg_scope([slim.fully_connected], activation_fn=None):
            net = slim.fully_connected(net, 2, scope="fc", reuse=reuse,
                                       weights_regularizer=tf.contrib.layers.l2_regularizer(0.1))
        return net

    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    a, b = tower(x), tower(x, reuse=True)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        va, vb = s.run([a, b], {x: np.ones((2, 8, 8, 1))})
    json.dump({"vars": [v.name for v in tf.global_variables()], "same": bool(np.array_equal(va, vb)),
               "shape": list(va.shape), "reg": len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))},
              open(os.environ["OUT"], "w"))
''')


def test_contrib_layers_and_slim_run_and_share(tmp_path):
    src = tmp_path / "prog.py"
    src.write_text(PROGRAM)
    env = dict(os.environ, OUT=str(tmp_path / "out.json"), PYTHONPATH=str(ROOT), CUDA_VISIBLE_DEVICES="")
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(src)], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads((tmp_path / "out.json").read_text())
    # reuse=True: the second tower made no variables; both towers compute the same
    assert out["vars"] == ["conv1/weights:0", "conv1/biases:0", "fc/weights:0", "fc/biases:0"]
    assert out["same"] and out["shape"] == [2, 2]
    assert out["reg"] == 1   # the regularizer of the one (shared) fc kernel


BN_PROGRAM = textwrap.dedent('''
    import json, os
    import numpy as np
    import tensorflow as tf

    x = tf.placeholder(tf.float32, [None, 3])
    is_training = tf.placeholder(tf.bool)
    y = tf.contrib.layers.batch_norm(x, is_training=is_training, scope="bn")
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        step = tf.identity(y)
    data = np.arange(12, dtype=np.float32).reshape(4, 3)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        train = s.run(step, {x: data, is_training: True})
        test = s.run(y, {x: data, is_training: False})
        mean = s.run(tf.global_variables("bn/moving_mean")[0])
    json.dump({"train": train.tolist(), "test": test.tolist(), "mean": mean.tolist()}, open(os.environ["OUT"], "w"))
''')


def test_contrib_batch_norm_with_a_tensor_training_flag(tmp_path):
    """tf_slim's batch_norm goes through control_flow_ops.cond when is_training is a tensor
    (TF 2.21 moved cond out of that module: the shim puts TF1's back)."""
    src = tmp_path / "bn.py"
    src.write_text(BN_PROGRAM)
    env = dict(os.environ, OUT=str(tmp_path / "out.json"), PYTHONPATH=str(ROOT), CUDA_VISIBLE_DEVICES="")
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(src)], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads((tmp_path / "out.json").read_text())
    import numpy as np

    data = np.arange(12, dtype=np.float32).reshape(4, 3)
    # training: batch statistics (no scale: contrib's default), epsilon 0.001
    want = (data - data.mean(0)) / np.sqrt(data.var(0) + 0.001)
    assert np.allclose(out["train"], want, atol=1e-5)
    # one update of the moving mean with decay 0.999
    assert np.allclose(out["mean"], 0.001 * data.mean(0), atol=1e-6)
    # inference: moving statistics (mean ~0, variance ~1) -> nearly the input itself
    assert not np.allclose(out["test"], out["train"], atol=1e-3)
