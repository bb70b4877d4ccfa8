"""TFM143: plain epoch/batch sess.run loops -> model.fit(shuffle=False), and nothing else.

Static part (no TensorFlow): which loops are plain. Numeric part (ONE Keras-3 subprocess):
the fit version trains exactly like the train_on_batch loop TFM140 writes without TFM143
(same per-batch losses, same predictions after training, last batch partial), and the
TensorBoard callback writes event files where the FileWriter wrote."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.slow  # TensorFlow subprocesses: the slow tier

ROOT = Path(__file__).resolve().parents[1]

HEAD = '''import numpy as np
import tensorflow as tf

def train(X, Y, epochs, logdir, B=16):
    x = tf.placeholder(tf.float32, [None, 5])
    y = tf.placeholder(tf.float32, [None, 3])
    h = tf.layers.dense(x, 8, activation=tf.nn.relu)
    logits = tf.layers.dense(h, 3)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    train_op = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    tf.summary.scalar("loss", loss)
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(logdir)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
'''
TAIL = '''        pred = sess.run(logits, feed_dict={x: X})
    return pred, losses
'''

PLAIN = HEAD + '''        for epoch in range(epochs):
            for i in range(0, len(X), B):
                _, l, s = sess.run([train_op, loss, merged], feed_dict={x: X[i:i + B], y: Y[i:i + B]})
                losses.append(float(l))
                writer.add_summary(s, len(losses))
''' + TAIL

PLAIN_TEMPS = HEAD + '''        n = X.shape[0]
        for epoch in range(epochs):
            for i in range(0, n, B):
                bx, by = X[i:i + B], Y[i:i + B]
                _, l = sess.run([train_op, loss], feed_dict={x: bx, y: by})
                losses.append(l)
''' + TAIL

FULL_BATCH = HEAD + '''        for step in range(epochs):
            sess.run(train_op, feed_dict={x: X, y: Y})
''' + TAIL

EPOCH_LOOP_DOES_MORE = HEAD + '''        for epoch in range(epochs):
            for i in range(0, len(X), B):
                sess.run(train_op, feed_dict={x: X[i:i + B], y: Y[i:i + B]})
            losses.append(sess.run(loss, feed_dict={x: X, y: Y}))
''' + TAIL

NOT_PLAIN = {
    "permutation": HEAD + '''        for epoch in range(epochs):
            order = np.random.permutation(len(X))
            for i in range(0, len(X), B):
                idx = order[i:i + B]
                _, l = sess.run([train_op, loss], feed_dict={x: X[idx], y: Y[idx]})
                losses.append(l)
''' + TAIL,
    "print in the loop": HEAD + '''        for epoch in range(epochs):
            for i in range(0, len(X), B):
                _, l = sess.run([train_op, loss], feed_dict={x: X[i:i + B], y: Y[i:i + B]})
                print(epoch, l)
''' + TAIL,
    "loss read after the loop": HEAD + '''        for epoch in range(epochs):
            for i in range(0, len(X), B):
                _, l = sess.run([train_op, loss], feed_dict={x: X[i:i + B], y: Y[i:i + B]})
        losses.append(l)
''' + TAIL,
    "remainder dropped": HEAD + '''        for epoch in range(epochs):
            for i in range(len(X) // B):
                _, l = sess.run([train_op, loss], feed_dict={x: X[i * B:(i + 1) * B], y: Y[i * B:(i + 1) * B]})
''' + TAIL,
    "other length": HEAD + '''        for epoch in range(epochs):
            for i in range(0, 40, B):
                sess.run(train_op, feed_dict={x: X[i:i + B], y: Y[i:i + B]})
''' + TAIL,
    "slice width differs": HEAD + '''        for epoch in range(epochs):
            for i in range(0, len(X), B):
                sess.run(train_op, feed_dict={x: X[i:i + 8], y: Y[i:i + 8]})
''' + TAIL,
}


def _migrate(src: str, fit: bool = True) -> str:
    # what the rules write, before the layout pass wraps long statements (tests/test_layout.py)
    opts = Options(ignore=frozenset() if fit else frozenset({"TFM143"}), wrap_lines=False)
    res = migrate_source(src, path="loop.py", options=opts)
    assert res.status in ("migrated", "unchanged"), res.reason
    compile(res.code, "loop.py", "exec")
    return res.code


@pytest.mark.parametrize("src", [PLAIN, PLAIN_TEMPS, FULL_BATCH], ids=["plain", "temporaries", "full-batch"])
def test_plain_loops_become_fit(src):
    out = _migrate(src)
    assert "train_on_batch" not in out and out.count(".fit(") == 1
    assert "shuffle=False" in out and "for epoch" not in out and "for i in" not in out
    assert "TODO(tflearn-migrate)" not in out
    assert _migrate(out) == out  # idempotent


def test_plain_loop_details():
    # (the generated strings follow the source's quote style: compared quote-blind)
    out = _migrate(PLAIN).replace('"', "'")
    assert "model.fit(X, Y, batch_size=B, epochs=epochs, shuffle=False, verbose=0" in out
    assert "keras.callbacks.TensorBoard(log_dir=logdir, update_freq='batch')" in out
    assert "metrics=[BatchLoss(loss)]" in out and "losses.append(float(logs['batch_loss']))" in out
    assert "FileWriter" not in out and "add_summary" not in out
    full = _migrate(FULL_BATCH)
    assert "batch_size=len(X), epochs=epochs" in full and "BatchLoss" not in full
    temps = _migrate(PLAIN_TEMPS).replace('"', "'")
    assert "model.fit(X, Y, batch_size=B" in temps and "losses.append(logs['batch_loss'])" in temps
    assert "bx" not in temps


@pytest.mark.parametrize("name", list(NOT_PLAIN))
def test_loops_that_are_not_plain_keep_train_on_batch(name):
    out = _migrate(NOT_PLAIN[name])
    assert ".fit(" not in out and "train_on_batch" in out
    assert "BatchLoss" not in out  # no metric, so train_on_batch still returns the loss alone


def test_batch_loop_inside_a_busier_epoch_loop_becomes_one_epoch_of_fit():
    out = _migrate(EPOCH_LOOP_DOES_MORE)
    assert "for epoch in range(epochs):" in out and "train_on_batch" not in out
    assert "model.fit(X, Y, batch_size=B, epochs=1, shuffle=False, verbose=0)" in out


def test_disabled_rule_keeps_the_loop():
    out = _migrate(PLAIN, fit=False)
    assert ".fit(" not in out and "train_on_batch" in out and "BatchLoss" not in out


KERAS = r'''
import json, sys, os, types
import numpy as np
import keras
out = {}
rng = np.random.RandomState(0)
X = rng.randn(50, 5).astype("float32")   # 50 = 3 full batches of 16 + 2
Y = np.eye(3, dtype="float32")[rng.randint(0, 3, 50)]
for name, path in json.loads(sys.argv[1]).items():
    mod = types.ModuleType(name)
    exec(open(path).read(), mod.__dict__)
    keras.utils.set_random_seed(0)
    logdir = os.path.join(os.path.dirname(path), name + "_logs")
    pred, losses = mod.train(X, Y, 3, logdir)
    events = [f for d, _, fs in os.walk(logdir) for f in fs if "tfevents" in f] if os.path.isdir(logdir) else []
    out[name] = {"pred": np.asarray(pred).tolist(), "losses": [float(v) for v in losses], "events": len(events)}
print("RESULTS=" + json.dumps(out))
'''


def test_fit_trains_exactly_like_the_train_on_batch_loop(tmp_path):
    files = {}
    for name, src, fit in [("fit", PLAIN, True), ("loop", PLAIN, False), ("full_fit", FULL_BATCH, True),
                           ("full_loop", FULL_BATCH, False)]:
        code = _migrate(src, fit)
        if name.startswith("full"):
            code = code.replace("return pred, losses", "return pred, []")
        p = tmp_path / f"{name}.py"
        p.write_text(code)
        files[name] = str(p)
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    proc = subprocess.run([sys.executable, "-c", KERAS, json.dumps(files)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULTS=")), None)
    assert line is not None, proc.stdout[-3000:] + proc.stderr[-3000:]
    r = json.loads(line[len("RESULTS="):])
    import numpy as np

    fit, loop = r["fit"], r["loop"]
    assert len(fit["losses"]) == len(loop["losses"]) == 3 * 4  # 3 epochs x 4 batches, last one partial
    np.testing.assert_allclose(fit["losses"], loop["losses"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fit["pred"], loop["pred"], rtol=1e-5, atol=1e-5)
    assert fit["losses"][-1] < fit["losses"][0]  # it trained
    assert fit["events"] >= 1 and loop["events"] == 0  # TensorBoard where the FileWriter wrote
    np.testing.assert_allclose(r["full_fit"]["pred"], r["full_loop"]["pred"], rtol=1e-5, atol=1e-5)
