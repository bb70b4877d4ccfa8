"""tflearn.estimators.KMeans -> the TflearnKMeans helper (translate/kmeans.py, TFM121).

tflearn 0.5.0's estimators import tf.contrib, gone from TF 2; the legacy runtime maps
``tensorflow.contrib.factorization.python.ops.clustering_ops`` to the same ops TF 2.21 still
ships (``tensorflow.python.ops.clustering_ops``, training_graph with the contrib return
values), so tflearn's own KMeans code runs there. The slow test fits both from the same
initial centers (``init=`` an array: tflearn hands it to contrib's KMeans) and compares the
printed losses, the step at which fit stops (tflearn's ten-flat-losses rule), the centers,
labels_, distances_, predict (tflearn returns the first row only) and transform; then a second
fit on OTHER data (tflearn keeps training on the first fit's array) and max_steps.
The programs end with ``os._exit(0)``: tflearn's fit leaves its data-queue threads running,
and a normal interpreter exit then sometimes aborts in TensorFlow's C++ teardown.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]

SRC = '''\
import json
import os
import sys
import numpy as np
from tflearn.estimators import KMeans

rng = np.random.RandomState(0)
X = np.concatenate([rng.normal(c, 0.7, size=(60, 5)) for c in (-2.0, 0.0, 1.5)]).astype(np.float32)
X2 = rng.normal(5.0, 1.0, size=(30, 5)).astype(np.float32)
m = KMeans(n_clusters=4, init=X[[0, 1, 2, 3]].copy())
m.fit(X, display_step=3)
first = {"centers": m.cluster_centers_vars.tolist(), "labels": m.labels_.tolist(),
         "dist": [len(m.distances_), m.distances_[0].tolist()],
         "alld": np.asarray(m.all_distances_)[0].tolist(),
         "pred": int(m.predict(X[70])), "pred2": np.asarray(m.predict(X[100:104])).tolist(),
         "pred_d": float(m.predict(X[5], with_distances=True)[1]),
         "tr": np.asarray(m.transform(X[70])).tolist(), "tr2": np.asarray(m.transform(X[:3])).tolist()}
m.fit(X2, display_step=1, max_steps=2)
first["again"] = m.cluster_centers_vars.tolist()
print("RESULT " + json.dumps(first))
sys.stdout.flush()
os._exit(0)  # tflearn's data-queue threads still run: a normal exit can abort in TF's C++ teardown
'''


def test_kmeans_translates_to_the_helper():
    res = migrate_source(SRC, "km.py", Options(fixes=False))
    assert TODO_MARKER not in res.code
    assert "m = TflearnKMeans(n_clusters=4, init=X[[0, 1, 2, 3]].copy())" in res.code
    assert "class TflearnKMeans:" in res.code and "from tflearn" not in res.code


def _run(path: Path, legacy: bool) -> tuple[dict, list]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               CUDA_VISIBLE_DEVICES="")
    if not legacy:
        env.pop("TF_USE_LEGACY_KERAS", None)
    cmd = [sys.executable, "-m", "migrator.legacy.run", str(path)] if legacy else [sys.executable, str(path)]
    p = subprocess.run(cmd, cwd=path.parent, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    line = next(ln for ln in p.stdout.splitlines() if ln.startswith("RESULT "))
    steps = re.findall(r": step (\d+), loss = ([0-9.]+), ", p.stdout)
    return json.loads(line[len("RESULT "):]), steps


def _close(a, b, tol=1e-4):
    import numpy as np

    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=tol, atol=tol)


@pytest.mark.slow
def test_helper_matches_tflearn_kmeans_on_the_contrib_ops(tmp_path):
    legacy = tmp_path / "legacy.py"
    legacy.write_text(SRC)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(migrate_source(SRC, "migrated.py", Options(fixes=False)).code)
    want, want_steps = _run(legacy, True)
    got, got_steps = _run(migrated, False)
    assert len(want_steps) >= 4 and got_steps == want_steps  # same losses printed, same stopping step
    assert got["labels"] == want["labels"] and len(set(want["labels"])) >= 3
    assert [got["pred"], got["pred2"]] == [want["pred"], want["pred2"]] and len(want["pred2"]) == 1
    assert got["dist"][0] == want["dist"][0] == 1
    for key in ("centers", "alld", "pred_d", "tr", "tr2", "again"):
        _close(got[key], want[key])
    _close(got["dist"][1], want["dist"][1])
    _close(want["again"], want["centers"], tol=1e-3)  # X converged: X2 never reached the centers
