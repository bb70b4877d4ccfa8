"""scripts/run_synthetic.py's CIFAR-10 archive is read by both loaders the examples use.

tflearn's ``cifar10.load_data`` unpickles with ``encoding="latin1"`` and indexes ``d["data"]``
(str keys); Keras' ``keras.datasets.cifar10.load_data`` unpickles with ``encoding="bytes"``
through an unpickler that allows only numpy's array globals, then decodes the keys. The
fast test checks the file format with the same whitelist; the slow ones run each loader.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import run_synthetic  # noqa: E402

ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
           ("numpy._core.multiarray", "_reconstruct")}   # keras.src.datasets.npz_utils


class _Restricted(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name}")
        return super().find_class(module, name)


def test_archive_format_both_encodings():
    archive = run_synthetic.write_cifar10(per_batch=20)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        names = tar.getnames()
        raw = {n.rsplit("/", 1)[1]: tar.extractfile(n).read() for n in names}
    assert names == [f"cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)] + ["cifar-10-batches-py/test_batch"]
    for blob in raw.values():
        k = _Restricted(io.BytesIO(blob), encoding="bytes").load()      # Keras' reading
        t = pickle.loads(blob, encoding="latin1")                         # tflearn's reading
        assert set(k) == {b"batch_label", b"labels", b"data", b"filenames"}
        assert set(t) == {"batch_label", "labels", "data", "filenames"}
        assert t["data"].dtype == np.uint8 and t["data"].shape == (20, 3072)
        assert np.array_equal(k[b"data"], t["data"]) and k[b"labels"] == t["labels"]
        assert all(0 <= c < 10 for c in t["labels"]) and isinstance(t["labels"], list)
    # the same seed writes the same archive (both loaders of a comparison read the same data)
    assert run_synthetic.write_cifar10(per_batch=20) == archive
    # the square's colour plane and place depend on the label: learnable
    t = pickle.loads(raw["data_batch_1"], encoding="latin1")
    img = t["data"].reshape(-1, 3, 32, 32)
    for i, c in enumerate(t["labels"]):
        r, k = divmod(c, 5)
        assert (img[i, c % 3, 4 + 14 * r:12 + 14 * r, 1 + 6 * k:7 + 6 * k] == 255).all()


KERAS_SCRIPT = """
import hashlib, json
import keras
(x, y), (xt, yt) = keras.datasets.cifar10.load_data()
print(json.dumps([list(x.shape), list(y.shape), list(xt.shape), str(x.dtype),
                  hashlib.sha256(x.tobytes()).hexdigest(), y[:20].ravel().tolist(),
                  hashlib.sha256(xt.tobytes()).hexdigest()]))
"""

TFLEARN_SCRIPT = """
import hashlib, json
import numpy as np
from tflearn.datasets import cifar10
(X, Y), (Xt, Yt) = cifar10.load_data()
x = np.rint(X * 255).astype(np.uint8)
xt = np.rint(Xt * 255).astype(np.uint8)
print(json.dumps([list(X.shape), str(X.dtype), hashlib.sha256(x.tobytes()).hexdigest(),
                  [int(v) for v in Y[:20]], hashlib.sha256(xt.tobytes()).hexdigest()]))
"""


@pytest.mark.slow
def test_keras_and_tflearn_load_the_same_images(tmp_path):
    # Keras: through run_synthetic (its KERAS_HOME archive, get_file's hash check accepted)
    script = tmp_path / "keras_cifar.py"
    script.write_text(KERAS_SCRIPT, encoding="utf-8")
    res = run_synthetic.run(script, timeout=240, cap=None, keep=tmp_path / "work")
    assert res["status"] == "ok", res
    kshape, yshape, tshape, dtype, kx, ky, kt = json.loads(res["stdout_tail"][-1])
    assert (kshape, yshape, tshape, dtype) == ([50000, 32, 32, 3], [50000, 1], [10000, 32, 32, 3], "uint8")
    # tflearn: its own loader in the legacy runtime, on the archive unpacked where it looks
    legacy = tmp_path / "legacy"
    run_synthetic.write_cifar10(tflearn_dir=legacy / "cifar-10-batches-py")
    (legacy / "tfl_cifar.py").write_text(TFLEARN_SCRIPT, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", "tfl_cifar.py"], env=env, capture_output=True,
                       text=True, timeout=300, cwd=legacy)
    assert p.returncode == 0, p.stderr[-2000:]
    tshape2, tdtype, tx, ty, tt = json.loads(p.stdout.strip().splitlines()[-1])
    assert "Downloading" not in p.stdout
    assert (tshape2, tdtype) == ([50000, 32, 32, 3], "float64")
    assert (tx, ty, tt) == (kx, ky, kt)   # same pixels (channels last), labels, test images
    assert hashlib.sha256(b"").hexdigest() not in (kx, kt)
