"""Benchmark: migrate a generated tree of tflearn / TF1 files, beside TensorFlow's tf_upgrade_v2.

    python scripts/bench_migrate.py                 # 50 and 500 files, --jobs 1 and 2
    python scripts/bench_migrate.py --sizes 50 --repeat 3 --json bench.json

For every tree size it times, in the same run and on the same generated tree:
  * ``tflearn-migrate TREE --out OUT --jobs 1`` and ``--jobs 2`` (a subprocess each, as a user runs it)
  * ``tf_upgrade_v2 --intree TREE --outtree OUT`` (when installed; it only renames TF1 APIs to
    tf.compat.v1, so it does much less work - the ratio is for orientation, not a contest)
and prints files per second and the ratio. Wall-clock times include interpreter start-up.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TEMPLATES = [
    '''"""CNN classifier {i}."""
from __future__ import division, print_function, absolute_import
import tflearn
from tflearn.layers.core import input_data, dropout, fully_connected
from tflearn.layers.conv import conv_2d, max_pool_2d
from tflearn.layers.estimator import regression

def build(n_classes={c}):
    network = input_data(shape=[None, 28, 28, 1], name='input')
    network = conv_2d(network, {f}, 3, activation='relu', regularizer="L2")
    network = max_pool_2d(network, 2)
    network = conv_2d(network, {f2}, 3, activation='relu', regularizer="L2")
    network = max_pool_2d(network, 2)
    network = fully_connected(network, 128, activation='tanh')
    network = dropout(network, 0.8)
    network = fully_connected(network, n_classes, activation='softmax')
    network = regression(network, optimizer='adam', learning_rate=0.01,
                         loss='categorical_crossentropy', name='target')
    return network

model = tflearn.DNN(build(), tensorboard_verbose=0)
model.fit(X, Y, n_epoch={e}, validation_set=0.1, show_metric=True, batch_size=64)
model.save('cnn_{i}.tflearn')
''',
    '''"""MLP {i}."""
import tflearn

net = tflearn.input_data(shape=[None, {c}0])
net = tflearn.fully_connected(net, {f}, activation='relu')
net = tflearn.dropout(net, 0.5)
net = tflearn.fully_connected(net, {f2}, activation='relu')
net = tflearn.fully_connected(net, 2, activation='softmax')
net = tflearn.regression(net, optimizer='sgd', learning_rate=0.1, loss='categorical_crossentropy')
model = tflearn.DNN(net)
model.fit(data, labels, n_epoch={e}, batch_size=16, show_metric=True)
pred = model.predict(data[:10])
''',
    '''"""TF1 classifier {i}."""
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 64])
y = tf.placeholder(tf.float32, [None, 10])
h = tf.layers.dense(x, {f}, activation=tf.nn.relu)
logits = tf.layers.dense(h, 10)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range({e}):
        for i in range(0, len(X), 32):
            sess.run(train_op, feed_dict={{x: X[i:i + 32], y: Y[i:i + 32]}})
''',
]


def make_tree(root: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for i in range(n):
        sub = root / f"pkg{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        t = TEMPLATES[i % len(TEMPLATES)]
        (sub / f"model_{i}.py").write_text(t.format(
            i=i, c=rng.randint(2, 9), f=rng.choice([16, 32, 64]), f2=rng.choice([32, 64, 128]),
            e=rng.randint(1, 20)), encoding="utf-8")


def timed(cmd: list[str], env: dict) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.perf_counter() - t0, p.returncode, p.stderr[-2000:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=1, help="runs per configuration (best is kept)")
    ap.add_argument("--no-tf-upgrade", action="store_true", help="skip tf_upgrade_v2")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    upgrade = shutil.which("tf_upgrade_v2") or str(Path(sys.executable).with_name("tf_upgrade_v2"))
    have_upgrade = not args.no_tf_upgrade and Path(upgrade).exists()
    results = []
    print(f"{'files':>6} {'tool':24} {'seconds':>8} {'files/s':>8}  note")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp, "tree")
            make_tree(tree, n)
            runs = [(f"tflearn-migrate -j{j}", [sys.executable, "-m", "migrator", str(tree), "--out",
                                                 str(Path(tmp, f"out{j}")), "--jobs", str(j), "-q"])
                    for j in args.jobs]
            if have_upgrade:
                runs.append(("tf_upgrade_v2", [upgrade, "--intree", str(tree), "--outtree",
                                               str(Path(tmp, "up")), "--reportfile", str(Path(tmp, "up.txt"))]))
            row = {"files": n}
            for name, cmd in runs:
                best = None
                for _ in range(args.repeat):
                    for d in ("up",) + tuple(f"out{j}" for j in args.jobs):
                        shutil.rmtree(Path(tmp, d), ignore_errors=True)
                    secs, rc, err = timed(cmd, env)
                    if rc not in (0, 4):
                        print(f"{name} failed (exit {rc}):\n{err}", file=sys.stderr)
                    best = secs if best is None else min(best, secs)
                row[name] = best
                print(f"{n:6d} {name:24} {best:8.2f} {n / best:8.1f}")
            if have_upgrade:
                for j in args.jobs:
                    r = row[f"tflearn-migrate -j{j}"] / row["tf_upgrade_v2"]
                    print(f"{n:6d} {'ratio -j%d / tf_upgrade_v2' % j:24} {r:8.2f}")
            results.append(row)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
