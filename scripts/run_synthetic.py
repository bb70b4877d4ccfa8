"""Run a migrated (Keras 3) script on small synthetic data, in its own subprocess.

    python scripts/run_synthetic.py SCRIPT [--timeout S] [--cap N] [--keep DIR]

Issue 10, item 4: a translated script must RUN, and its datasets are downloads. This writes
small synthetic datasets in each loader's own on-disk format and runs the script unchanged:

* keras.datasets.mnist: ``$KERAS_HOME/datasets/mnist.npz`` (x_train 5,000 + ``--train`` extra
  images so TF1's 5,000-image validation split leaves a training set, x_test ``--test``
  images; uint8 28x28, labels 0-9). ``get_file`` checks the real file's SHA-256 and would
  download again; the bootstrap accepts the synthetic file (only that path) by wrapping
  ``keras.src.utils.file_utils.validate_file`` - the script itself is not edited.
* TF1's ``read_data_sets(dir)`` (for running a legacy original elsewhere): the four IDX
  ``.gz`` files, written with ``--idx-dir``.
* CIFAR-10 (``keras.datasets.cifar10`` and tflearn's ``cifar10.load_data``): the
  ``cifar-10-python.tar.gz`` archive of ``cifar-10-batches-py/data_batch_1..5`` and
  ``test_batch``, each a Python 2 pickle of a dict with ``'data'`` (uint8 N x 3072, the
  red, green then blue 32x32 planes) and ``'labels'`` (list of ints). Keras reads the keys
  as bytes (``encoding="bytes"``, then decodes them), tflearn as str (``encoding="latin1"``),
  so the keys are written as Python 2 strings, which give each its own. Keras
  preallocates 50,000 training images (10,000 per batch) and fails on anything smaller, so
  the batches have 10,000 images each (a constant grey image with a class-coloured square:
  the archive compresses to a few MB). Keras' copy is
  ``$KERAS_HOME/datasets/cifar-10-batches-py-target_archive`` (``get_file``'s name for it,
  hash accepted as for mnist.npz); tflearn's is ``cifar-10-batches-py/cifar-10-python.tar.gz``
  next to the script, already unpacked (tflearn untars only after a download).
* tflearn's own files, read relative to the script's directory (the helpers TFM119 emits
  read them the same way): ``imdb.pkl`` (two pickles, training and test (sequences,
  labels)) and ``17flowers/jpg/<class>/*.jpg`` with a placeholder ``17flowers.tgz`` (so
  nothing is downloaded); the generator examples' ``shakespeare_input.txt`` /
  ``US_Cities.txt`` (a few KB of lines of words); word2vec's ``text8.zip`` (one member, one
  line of words).

Scripts hard-code their step counts; ``--cap N`` rewrites module-level integer constants
named like step/epoch counts (``num_steps = 30000`` -> ``num_steps = N``) in the TEMPORARY
copy that runs, never in the file measured; ``--timeout`` bounds the rest (a timeout after
training started counts as "partial"). Plots use the Agg backend. Exit status: the
script's; the last line of stdout is a JSON summary.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import pickle
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

STEP_NAMES = r"(num_steps|training_steps|training_iters|training_epochs|num_epochs|epochs|n_epochs|max_steps)"
_CAP = re.compile(rf"^({STEP_NAMES}\s*=\s*)(\d+)(\s*(#.*)?)$", re.M)

BOOT = r'''
import os, runpy, sys
home = os.environ["KERAS_HOME"]
import keras
from keras.src.utils import file_utils
_validate = file_utils.validate_file
def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    if os.path.abspath(fpath).startswith(os.path.abspath(home) + os.sep):
        return True  # the synthetic dataset written by run_synthetic.py
    return _validate(fpath, file_hash, algorithm, chunk_size)
file_utils.validate_file = validate_file
try:  # nobody presses a key under the Agg backend: plt.waitforbuttonpress() would wait forever
    import matplotlib.pyplot as _plt
    _plt.waitforbuttonpress = lambda *a, **k: True
except ImportError:
    pass
print("RUN_SYNTHETIC_START", flush=True)
sys.argv = [sys.argv[1]]
runpy.run_path(sys.argv[0], run_name="__main__")
'''


def mnist_arrays(n_train: int, n_test: int, seed: int = 0):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 10, n_train).astype(np.uint8)
    yt = rng.randint(0, 10, n_test).astype(np.uint8)
    # a learnable signal: a bright 4x4 square whose position is the label
    def images(labels):
        x = rng.randint(0, 64, (len(labels), 28, 28)).astype(np.uint8)
        for i, c in enumerate(labels):
            r, k = divmod(int(c), 5)
            x[i, 4 + 10 * r:8 + 10 * r, 2 + 5 * k:6 + 5 * k] = 255
        return x
    return (images(y), y), (images(yt), yt)


def write_mnist_npz(keras_home: Path, data) -> Path:
    (x, y), (xt, yt) = data
    path = keras_home / "datasets" / "mnist.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x_train=x, y_train=y, x_test=xt, y_test=yt)
    return path


def write_mnist_idx(directory: Path, data) -> None:
    """TF1's read_data_sets format: big-endian IDX (magic 2051 images, 2049 labels), gzipped."""
    (x, y), (xt, yt) = data
    directory.mkdir(parents=True, exist_ok=True)
    for name, arr in (("train-images-idx3-ubyte.gz", x), ("t10k-images-idx3-ubyte.gz", xt)):
        with gzip.open(directory / name, "wb") as f:
            f.write(struct.pack(">IIII", 2051, *arr.shape) + arr.tobytes())
    for name, arr in (("train-labels-idx1-ubyte.gz", y), ("t10k-labels-idx1-ubyte.gz", yt)):
        with gzip.open(directory / name, "wb") as f:
            f.write(struct.pack(">II", 2049, len(arr)) + arr.tobytes())


def write_imdb_pkl(path: Path, n_train: int = 96, n_test: int = 32, seed: int = 0) -> None:
    """tflearn's imdb.pkl: two pickles, (sequences, labels) for training then test."""
    import pickle

    rng = np.random.RandomState(seed)

    def part(n):
        xs = [[int(w) for w in rng.randint(1, 10000, size=rng.randint(5, 120))] for _ in range(n)]
        return xs, [int(v) for v in rng.randint(0, 2, size=n)]

    with open(path, "wb") as f:
        pickle.dump(part(n_train), f)
        pickle.dump(part(n_test), f)


def write_flowers(root: Path, per_class: int = 2, seed: int = 0) -> None:
    """tflearn's oxflower17 layout after unpacking: 17 class folders of jpgs under jpg/, and a
    17flowers.tgz so that the loader does not download."""
    from PIL import Image

    rng = np.random.RandomState(seed)
    for c in range(17):
        d = root / "jpg" / str(c)
        d.mkdir(parents=True, exist_ok=True)
        for k in range(per_class):
            Image.fromarray(rng.randint(0, 256, size=(48, 40, 3)).astype(np.uint8)).save(d / f"image_{c}_{k}.jpg")
    (root / "17flowers.tgz").write_bytes(b"")


class _Py2Str(str):
    """A Python 2 ``str``: pickled as STRING bytes, which Python 3 loads as ``str`` with
    ``encoding="latin1"`` (tflearn) and as ``bytes`` with ``encoding="bytes"`` (Keras)."""


class _Py2Pickler(pickle._Pickler):
    dispatch = dict(pickle._Pickler.dispatch)

    def save_py2str(self, obj):
        data = obj.encode("latin1")
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[_Py2Str] = save_py2str


def cifar10_batch(labels, index: int, rng) -> bytes:
    """One cifar-10-batches-py file: a pickled dict as the real files have (protocol 3 so
    that the image bytes need no ``_codecs`` global, which Keras' unpickler refuses)."""
    n = len(labels)
    x = np.repeat(rng.randint(40, 120, size=(n, 1, 1, 1)).astype(np.uint8), 3, axis=1)
    x = np.ascontiguousarray(np.broadcast_to(x, (n, 3, 32, 32)))
    for i, c in enumerate(labels):   # a learnable signal: the square's place and colour
        r, k = divmod(int(c), 5)
        x[i, int(c) % 3, 4 + 14 * r:12 + 14 * r, 1 + 6 * k:7 + 6 * k] = 255
    d = {_Py2Str("batch_label"): _Py2Str(f"synthetic batch {index}"),
         _Py2Str("labels"): [int(c) for c in labels],
         _Py2Str("data"): x.reshape(n, 3072),
         _Py2Str("filenames"): [_Py2Str(f"synthetic_{index}_{i}.png") for i in range(n)]}
    buf = io.BytesIO()
    _Py2Pickler(buf, protocol=3).dump(d)
    return buf.getvalue()


def write_cifar10(keras_home: Path | None = None, tflearn_dir: Path | None = None, per_batch: int = 10000,
                  seed: int = 0) -> bytes:
    """The cifar-10-python.tar.gz archive (see the module docstring), written where Keras and/or
    tflearn look for it; returns the archive's bytes."""
    rng = np.random.RandomState(seed)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=6) as tar:
        for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
            raw = cifar10_batch(rng.randint(0, 10, per_batch), i, rng)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    archive = buf.getvalue()
    if keras_home is not None:
        target = keras_home / "datasets" / "cifar-10-batches-py-target_archive"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(archive)
    if tflearn_dir is not None:
        tflearn_dir.mkdir(parents=True, exist_ok=True)
        (tflearn_dir / "cifar-10-python.tar.gz").write_bytes(archive)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tflearn_dir, filter="data")
    return archive


# text files tflearn's generator examples download from tflearn.github.io when absent
TEXT_FILES = ("shakespeare_input.txt", "US_Cities.txt")


def write_text(path: Path, n_chars: int = 3000, seed: int = 0) -> None:
    """A small text of lines of words drawn from a few (learnable character statistics)."""
    rng = np.random.RandomState(seed)
    words = ["the", "king", "shall", "speak", "and", "queen", "to", "thee", "my", "lord", "new", "york"]
    out, size = [], 0
    while size < n_chars:
        line = " ".join(words[i] for i in rng.randint(0, len(words), rng.randint(2, 8))) + "\n"
        out.append(line)
        size += len(line)
    path.write_text("".join(out), encoding="utf-8")


def write_text8_zip(path: Path, n_words: int = 30000, seed: int = 0) -> None:
    """text8.zip (word2vec's Wikipedia sample): one member ``text8``, a single line of
    lower-case words separated by spaces; 120 words (more than word2vec's 64 sampled classes),
    each frequent enough for a min_occurrence cut (TensorFlow-Examples' eval words among them)."""
    import zipfile

    rng = np.random.RandomState(seed)
    vocab = ["the", "of", "and", "one", "in", "a", "to", "zero", "nine", "two", "is", "as", "eight", "for",
             "five", "going", "hardware", "american", "britain", "three", "four", "six", "seven", "king"]
    vocab += [f"w{i}" for i in range(120 - len(vocab))]
    p = 1.0 / np.arange(1, len(vocab) + 1) ** 0.5
    words = rng.choice(vocab, n_words, p=p / p.sum())
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("text8", " " + " ".join(words))


def cap_steps(source: str, cap: int) -> tuple[str, list[str]]:
    changed = []

    def sub(m):
        if int(m.group(3)) <= cap:
            return m.group(0)
        changed.append(f"{m.group(2)} {m.group(3)} -> {cap}")
        return f"{m.group(1)}{cap}{m.group(4) or ''}"
    return _CAP.sub(sub, source), changed


def run(script: Path, timeout: float = 120, cap: int | None = 20, n_train: int = 512, n_test: int = 256,
        keep: Path | None = None, idx_dir: Path | None = None) -> dict:
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="tfm-synthetic-"))
    work.mkdir(parents=True, exist_ok=True)
    data = mnist_arrays(5000 + n_train, n_test)
    write_mnist_npz(work / "keras_home", data)
    if idx_dir:
        write_mnist_idx(Path(idx_dir), data)
    source = script.read_text(encoding="utf-8")
    capped = []
    if cap is not None:
        source, capped = cap_steps(source, cap)
    copy = work / "run" / script.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(source, encoding="utf-8")
    helpers = script.parent / "tfm_helpers.py"  # a directory run's helpers module
    if helpers.is_file():
        shutil.copyfile(helpers, copy.parent / helpers.name)
    if "tflearn_imdb_load_data" in source:
        write_imdb_pkl(copy.parent / "imdb.pkl")
    if "cifar10.load_data" in source or "cifar10_load_data" in source:
        legacy = re.search(r"^\s*(from|import)\s+tflearn\b", source, re.M)
        write_cifar10(work / "keras_home", copy.parent / "cifar-10-batches-py" if legacy else None)
    for name in TEXT_FILES:
        if name in source:
            write_text(copy.parent / name)
    if "text8.zip" in source:
        write_text8_zip(copy.parent / "text8.zip")
    if "tflearn_oxflower17_load_data" in source:
        write_flowers(copy.parent / "17flowers")
    env = dict(os.environ, KERAS_HOME=str(work / "keras_home"), MPLBACKEND="Agg",
               TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", BOOT, str(copy)], cwd=copy.parent, env=env,
                              capture_output=True, text=True, timeout=timeout)
        rc, out, err, status = proc.returncode, proc.stdout, proc.stderr, "ok" if proc.returncode == 0 else "failed"
    except subprocess.TimeoutExpired as ex:
        out = (ex.stdout or b"").decode(errors="replace") if isinstance(ex.stdout, bytes) else (ex.stdout or "")
        err = (ex.stderr or b"").decode(errors="replace") if isinstance(ex.stderr, bytes) else (ex.stderr or "")
        rc, status = None, "partial" if "RUN_SYNTHETIC_START" in out else "timeout"
    wall = time.perf_counter() - t0
    err_lines = [l for l in err.strip().splitlines() if l.strip()]
    result = {"script": str(script), "status": status, "rc": rc, "wall_s": round(wall, 1), "capped": capped,
              "error": err_lines[-1] if status == "failed" and err_lines else None,
              "stdout_tail": out.strip().splitlines()[-3:]}
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("script", type=Path)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--cap", type=int, default=20, help="cap step/epoch constants (0: no cap)")
    ap.add_argument("--train", type=int, default=512)
    ap.add_argument("--test", type=int, default=256)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--idx-dir", type=Path, help="also write TF1's four IDX .gz files here")
    args = ap.parse_args(argv)
    res = run(args.script, args.timeout, args.cap or None, args.train, args.test, args.keep, args.idx_dir)
    print(json.dumps(res))
    return 0 if res["status"] in ("ok", "partial") else 1


if __name__ == "__main__":
    sys.exit(main())
