"""tflearn.datasets loaders translated by TFM119 give tflearn's arrays.

The imdb helper is a port of tflearn.datasets.imdb.load_data (its own imdb.pkl, not
keras.datasets.imdb); checked here against tflearn itself on a small file in imdb.pkl's
format (two pickles: training and test (sequences, labels)), with the same NumPy seed.
"""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator.helpers import HELPERS
from migrator.rules import tfm119_datasets  # noqa: F401  (registers the helpers)

ROOT = Path(__file__).resolve().parents[1]


def _write_pkl(path: Path) -> None:
    rng = np.random.RandomState(3)

    def part(n):
        xs = [[int(w) for w in rng.randint(1, 40, size=rng.randint(2, 12))] for _ in range(n)]
        return xs, [int(v) for v in rng.randint(0, 2, size=n)]

    with open(path, "wb") as f:
        pickle.dump(part(30), f)
        pickle.dump(part(10), f)


def _helper(name: str):
    ns: dict = {"np": np}
    exec(HELPERS[name].code, ns)
    return ns[name]


CALLS = [dict(), dict(n_words=20, maxlen=9), dict(valid_portion=0.3, sort_by_len=False)]


def _legacy_json(script: Path):
    """Run ``script`` with tflearn in the legacy runtime; its last stdout line is JSON."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(script)], env=env, capture_output=True,
                       text=True, timeout=300, cwd=script.parent)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_imdb_helper_contract(tmp_path):
    # fast: what tflearn's loader promises, on the file format (no TensorFlow)
    pkl = tmp_path / "imdb.pkl"
    _write_pkl(pkl)
    load = _helper("tflearn_imdb_load_data")
    np.random.seed(0)
    (tx, ty), (vx, vy), (sx, sy) = load(str(pkl), n_words=20, maxlen=9)
    assert len(tx) + len(vx) == sum(1 for x in pickle.load(open(pkl, "rb"))[0] if len(x) < 9)
    assert all(w < 20 or w == 1 for seq in tx + vx + sx for w in seq)
    assert [len(x) for x in tx] == sorted(len(x) for x in tx) and len(sx) == 10


@pytest.mark.slow
def test_imdb_helper_equals_tflearn(tmp_path):
    pkl = tmp_path / "imdb.pkl"
    _write_pkl(pkl)
    script = tmp_path / "legacy.py"
    script.write_text(
        "import json, sys\nimport numpy as np\nfrom tflearn.datasets import imdb\nout = []\n"
        f"for kw in {CALLS!r}:\n"
        "    np.random.seed(0)\n"
        f"    out.append(imdb.load_data(path={str(pkl)!r}, **kw))\n"
        "print(json.dumps(out))\n", encoding="utf-8")
    want = _legacy_json(script)
    load = _helper("tflearn_imdb_load_data")
    got = []
    for kw in CALLS:
        np.random.seed(0)
        got.append(load(str(pkl), **kw))
    assert json.loads(json.dumps(got)) == want


def _flowers(root: Path) -> None:
    """A small tree in the layout tflearn's oxflower17 loader leaves after unpacking: jpg/<class>/
    (12 classes, so that sorted names put "10" and "11" before "2"), and a 17flowers.tgz so that
    nothing is downloaded."""
    from PIL import Image

    rng = np.random.RandomState(5)
    for c in range(12):
        d = root / "jpg" / str(c)
        d.mkdir(parents=True)
        for k in range(2):
            Image.fromarray(rng.randint(0, 256, size=(10 + c, 12, 3)).astype(np.uint8)).save(d / f"image_{c}{k}.jpg")
    (root / "17flowers.tgz").write_bytes(b"")


FLOWER_CALLS = [dict(resize_pics=(8, 8)), dict(resize_pics=(6, 5), one_hot=True),
                dict(resize_pics=(8, 8), shuffle=False)]


@pytest.mark.slow
def test_oxflower17_helper_equals_tflearn(tmp_path):
    for i, kw in enumerate(FLOWER_CALLS):
        _flowers(tmp_path / f"legacy{i}")
        _flowers(tmp_path / f"helper{i}")
    script = tmp_path / "legacy.py"
    script.write_text(
        "import json\nimport numpy as np\nfrom tflearn.datasets import oxflower17\nout = []\n"
        f"for i, kw in enumerate({FLOWER_CALLS!r}):\n"
        "    np.random.seed(0)\n"
        f"    X, Y = oxflower17.load_data(dirname={str(tmp_path)!r} + '/legacy%d' % i, **kw)\n"
        "    out.append([np.asarray(X).tolist(), np.asarray(Y).tolist()])\n"
        "print(json.dumps(out))\n", encoding="utf-8")
    want = _legacy_json(script)
    ns: dict = {"np": np}
    exec(HELPERS["tflearn_to_categorical"].code, ns)
    exec(HELPERS["tflearn_oxflower17_load_data"].code, ns)
    for i, kw in enumerate(FLOWER_CALLS):
        np.random.seed(0)
        X, Y = ns["tflearn_oxflower17_load_data"](dirname=str(tmp_path / f"helper{i}"), **kw)
        assert np.asarray(X).dtype == np.float32
        assert np.allclose(np.asarray(X), np.asarray(want[i][0]), atol=0) and np.asarray(Y).tolist() == want[i][1]
        # the cache file is read back the same
        X2, Y2 = ns["tflearn_oxflower17_load_data"](dirname=str(tmp_path / f"helper{i}"), **kw)
        assert np.array_equal(np.asarray(X2), np.asarray(X)) and np.asarray(Y2).tolist() == np.asarray(Y).tolist()
