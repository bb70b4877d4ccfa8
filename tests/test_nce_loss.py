"""TFM161's ``tf1_nce_loss`` helper against TF1's ``tf.nn.nce_loss`` (legacy runtime, its own
subprocess): with the sampled classes fixed (TF1's own sampler's draw passed as
``sampled_values`` to both), the per-example losses and their gradients agree; TF1's expected
counts are our sampler's formula for the number of draws TF1 made; and our sampler draws the
log-uniform distribution TF1's does. word2vec (TensorFlow-Examples) is the program it serves:
its translation is checked statically here."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from migrator.rules.tfm161_sampled_losses import TF1_NCE_LOSS

ROOT = Path(__file__).resolve().parents[1]

LEGACY = textwrap.dedent("""\
    import json, sys
    import numpy as np
    import tensorflow as tf

    tf.set_random_seed(1)
    rs = np.random.RandomState(0)
    V, D, B, S = 40, 6, 16, 7
    W0 = rs.randn(V, D).astype(np.float32)
    b0 = (rs.randn(V) * 0.1).astype(np.float32)
    x0 = rs.randn(B, D).astype(np.float32)
    y0 = rs.randint(0, V, (B, 1)).astype(np.int64)
    W = tf.Variable(W0)
    b = tf.Variable(b0)
    x = tf.Variable(x0)
    y = tf.constant(y0)
    sv = tf.nn.log_uniform_candidate_sampler(y, 1, S, True, V, seed=3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sampled, te, se = sess.run(sv)
        fixed = (tf.constant(sampled), tf.constant(te), tf.constant(se))
        loss = tf.nn.nce_loss(W, b, y, x, S, V, sampled_values=fixed)
        gw, gx = tf.gradients(tf.reduce_mean(loss), [W, x])
        l, gw, gx = sess.run([loss, tf.convert_to_tensor(gw), gx])
        # the default sampler's draws, many times: the frequencies of the classes
        draws = tf.nn.log_uniform_candidate_sampler(y, 1, S, True, V)[0]
        freq = np.zeros(V)
        for _ in range(2000):
            freq[sess.run(draws)] += 1
    json.dump({"W": W0.tolist(), "b": b0.tolist(), "x": x0.tolist(), "y": y0.tolist(),
               "sampled": sampled.tolist(), "te": te.tolist(), "se": se.tolist(),
               "loss": l.tolist(), "gw": gw.tolist(), "gx": gx.tolist(), "freq": (freq / 2000).tolist()},
              open(sys.argv[1], "w"))
""")

KERAS = textwrap.dedent("""\
    import json, sys
    import numpy as np
    import keras
    import tensorflow as tf

    HELPER

    r = json.load(open(sys.argv[1]))
    W = keras.Variable(np.array(r["W"], "float32"))
    b = keras.Variable(np.array(r["b"], "float32"))
    x = keras.Variable(np.array(r["x"], "float32"))
    y = np.array(r["y"], "int64")
    S, V = len(r["sampled"]), len(r["W"])
    fixed = (np.array(r["sampled"]), np.array(r["te"], "float32"), np.array(r["se"], "float32"))
    with tf.GradientTape() as tape:
        loss = tf1_nce_loss(W, b, y, x, S, V, sampled_values=fixed)
        mean = keras.ops.mean(loss)
    gw, gx = tape.gradient(mean, [W.value, x.value])
    # negative control: no log-Q correction (expected counts of 1)
    ones = (fixed[0], np.ones_like(fixed[1]), np.ones_like(fixed[2]))
    uncorrected = tf1_nce_loss(W, b, y, x, S, V, sampled_values=ones)
    # TF1's expected counts: 1 - (1 - p)^tries for one number of tries, which our sampler uses too
    p = np.log((np.array(r["sampled"]) + 2.0) / (np.array(r["sampled"]) + 1.0)) / np.log(V + 1.0)
    tries = np.log1p(-np.array(r["se"], "float64")) / np.log1p(-p)
    # our sampler: expected counts by the same formula, the same distribution
    np.random.seed(0)
    freq = np.zeros(V)
    for _ in range(2000):
        s, te, se = tf1_log_uniform_candidate_sampler(y, 1, S, True, V)
        assert len(set(s.tolist())) == S and te.shape == y.shape
        freq[s] += 1
    json.dump({"loss": keras.ops.convert_to_numpy(loss).tolist(),
               "uncorrected": keras.ops.convert_to_numpy(uncorrected).tolist(), "gw": tf.convert_to_tensor(gw).numpy().tolist(),
               "gx": keras.ops.convert_to_numpy(gx).tolist(), "tries": tries.tolist(), "freq": (freq / 2000).tolist()},
              open(sys.argv[2], "w"))
""").replace("HELPER", TF1_NCE_LOSS.code.replace("\n", "\n"))


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
                TF_ENABLE_ONEDNN_OPTS="0", CUDA_VISIBLE_DEVICES="")


@pytest.mark.slow
def test_nce_loss_matches_tf1_with_the_sampled_classes_fixed(tmp_path):
    import numpy as np

    (tmp_path / "legacy.py").write_text(LEGACY)
    (tmp_path / "keras_side.py").write_text(KERAS)
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(tmp_path / "legacy.py"),
                        str(tmp_path / "legacy.json")], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    p = subprocess.run([sys.executable, str(tmp_path / "keras_side.py"), str(tmp_path / "legacy.json"),
                        str(tmp_path / "keras.json")], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    legacy = json.loads((tmp_path / "legacy.json").read_text())
    ours = json.loads((tmp_path / "keras.json").read_text())
    assert np.allclose(ours["loss"], legacy["loss"], rtol=1e-5, atol=1e-5), (ours["loss"], legacy["loss"])
    assert np.allclose(ours["gw"], legacy["gw"], rtol=1e-4, atol=1e-6)
    assert np.allclose(ours["gx"], legacy["gx"], rtol=1e-4, atol=1e-6)
    # negative control: the logits without TF1's log-Q correction give another loss
    assert not np.allclose(ours["uncorrected"], legacy["loss"], rtol=1e-3, atol=1e-3)
    tries = np.array(ours["tries"])
    assert np.allclose(tries, np.round(tries[0]), atol=1e-2) and tries[0] >= len(legacy["sampled"])
    # the same distribution of sampled classes (2000 draws of 7 of 40, both seeded: frequencies
    # within 0.06, about 4 standard deviations of the difference)
    f_tf, f_ours = np.array(legacy["freq"]), np.array(ours["freq"])
    assert np.abs(f_tf - f_ours).max() < 0.06, (f_tf, f_ours)
    assert f_tf[0] > f_tf[-1] + 0.2  # log-uniform: small ids far more often (not a uniform sampler)


def test_word2vec_shape_program_translates_whole():
    src = (ROOT / "migrator" / "rules" / "tfm161_sampled_losses.py").read_text()
    assert "TF1's" in src  # (the rule documents its sampler)
    prog = textwrap.dedent("""\
        import numpy as np
        import tensorflow as tf

        X = tf.placeholder(tf.int32, shape=[None])
        Y = tf.placeholder(tf.int32, shape=[None, 1])
        with tf.device('/cpu:0'):
            embedding = tf.Variable(tf.random_normal([30, 4]))
            X_embed = tf.nn.embedding_lookup(embedding, X)
            nce_weights = tf.Variable(tf.random_normal([30, 4]))
            nce_biases = tf.Variable(tf.zeros([30]))
        loss_op = tf.reduce_mean(tf.nn.nce_loss(weights=nce_weights, biases=nce_biases, labels=Y,
                                                inputs=X_embed, num_sampled=4, num_classes=30))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss_op)
        sim = tf.matmul(X_embed, embedding, transpose_b=True)
        init = tf.global_variables_initializer()
        with tf.Session() as sess:
            sess.run(init)
            for step in range(3):
                _, loss = sess.run([train_op, loss_op], feed_dict={X: bx, Y: by})
            s = sess.run(sim, feed_dict={X: bx})
        """)
    res = migrate_source(prog, "w2v.py", Options())
    assert res.status == "migrated"
    code = res.code
    assert TODO_MARKER not in code and not legacy_refs_outside_todo(code), code
    assert "tf.device" not in code
    assert "def X_embed(X):\n    return keras.ops.take(embedding, X, axis=0)" in code
    assert "tf1_nce_loss(nce_weights, nce_biases, Y, X_embed(X), 4, 30)" in code
    assert "train_op = TF1TrainStep(" in code
    assert migrate_source(code, "w2v.py", Options()).status == "unchanged"
