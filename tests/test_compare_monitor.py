"""The CollapseMonitor callback (migrator/monitor.py) in a real Keras 3 training (slow: starts
Keras). Each test runs in a subprocess of its own: Keras 3 never shares a process with the
legacy runtime that other slow tests start."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = textwrap.dedent('''
    import json, sys, warnings
    import numpy as np
    import keras
    from migrator.monitor import CollapseMonitor, CollapseWarning

    keras.utils.set_random_seed(0)
    rng = np.random.RandomState(0)
    centres = rng.randn(5, 16) * 2
    def pairs(n):
        c1, same = rng.randint(0, 5, n), rng.rand(n) < 0.5
        c2 = np.where(same, c1, (c1 + rng.randint(1, 5, n)) % 5)
        return (centres[c1] + 0.3 * rng.randn(n, 16)).astype("float32"), \\
               (centres[c2] + 0.3 * rng.randn(n, 16)).astype("float32"), same.astype("float32")
    a, b, y = pairs(2000)
    va, vb, vy = pairs(300)

    def build(shared):
        x1, x2 = keras.Input((16,)), keras.Input((16,))
        def tower():
            i = keras.Input((16,))
            return keras.Model(i, keras.layers.Dense(8)(keras.layers.Dense(32, activation="relu")(i)))
        t1 = tower()
        t2 = t1 if shared else tower()
        d = keras.ops.sum(keras.ops.square(t1(x1) - t2(x2)), axis=1)
        return keras.Model([x1, x2], d)

    def contrastive(y, d):
        dist = keras.ops.sqrt(keras.ops.maximum(d, 1e-9))
        return keras.ops.mean(y * d + (1 - y) * keras.ops.square(keras.ops.maximum(1.0 - dist, 0.0)))

    def regressed(y, d):   # the distance regressed toward 1 = same
        return keras.ops.mean(keras.ops.abs(y - d))

    mode = sys.argv[1]
    model = build(shared=True)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=contrastive if mode == "good" else regressed)
    mon = CollapseMonitor([va, vb], vy, action="stop" if mode == "stop" else "warn")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hist = model.fit([a, b], y, batch_size=64, epochs=4, verbose=0, callbacks=[mon])
    print("RESULT " + json.dumps({"history": mon.history, "epochs": len(hist.history["loss"]),
          "warnings": sum(issubclass(w.category, CollapseWarning) for w in caught),
          "logged": "collapse" in hist.history}))
''')


def _run(mode):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TF_USE_LEGACY_KERAS", None)
    proc = subprocess.run([sys.executable, "-c", PROGRAM, mode], cwd=str(ROOT), env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


@pytest.mark.slow
def test_monitor_quiet_on_a_healthy_siamese_model():
    r = _run("good")
    assert r["epochs"] == 4 and len(r["history"]) == 4 and r["logged"]
    last = r["history"][-1]
    assert last["collapsed"] is False and last["metric"] == "pair_auc" and last["value"] > 0.9
    assert last["what"].startswith("pair (")       # the shared encoder's embeddings, found by itself
    assert r["warnings"] == 0


@pytest.mark.slow
def test_monitor_warns_and_stops_on_a_collapsing_one():
    warn = _run("bad")
    assert warn["epochs"] == 4 and warn["warnings"] >= 1
    assert any(h["collapsed"] for h in warn["history"])
    stop = _run("stop")
    first_bad = next(h["epoch"] for h in stop["history"] if h["collapsed"])
    assert first_bad < 4 and stop["epochs"] == first_bad   # stopped at the first collapsed check
