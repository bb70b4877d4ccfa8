"""An evaluation run of a tensor that is not the model's output builds its sub-model once when
it runs in a loop (``tf1_fetches``), not a new ``keras.Model`` at every iteration."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source

SRC = """\
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 2])
h = tf.layers.dense(x, 8, activation=tf.nn.relu)
out = tf.layers.dense(h, 2)
loss = tf.reduce_mean(tf.square(out - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(10):
    sess.run(train_op, feed_dict={x: X, y: Y})
    codes = sess.run(h, feed_dict={x: X})
last = sess.run(h, feed_dict={x: X})
"""


def test_a_fetch_in_a_loop_builds_its_model_once():
    out = migrate_source(SRC, "f.py").code
    assert TODO_MARKER not in out
    assert "    codes = tf1_fetches([x], [h]).predict_on_batch(X)\n" in out
    assert "def tf1_fetches(inputs, outputs):" in out  # the helper (single-file run: inline)
    assert "\nlast = keras.Model(x, h).predict_on_batch(X)\n" in out  # once: a plain sub-model
    assert migrate_source(out, "f.py").code == out


@pytest.mark.slow
def test_the_migrated_loop_runs_under_keras3(tmp_path):
    src = "import numpy as np\nX = np.ones((5, 4), 'float32')\nY = np.zeros((5, 2), 'float32')\n" + SRC \
        + "print('shapes', codes.shape, last.shape, bool(np.allclose(codes, last)))\n"
    script = tmp_path / "f.py"
    script.write_text(migrate_source(src, "f.py").code)
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    # one array per fetch (not a one-element list), the cached model sees the trained weights
    assert "shapes (5, 8) (5, 8) True" in p.stdout
