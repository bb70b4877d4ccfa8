"""TFM146's helper reproduces TF1's tutorial MNIST DataSets (fast: no Keras, no TF).

TF1 1.x `tensorflow/contrib/learn/python/learn/datasets/mnist.py` is the spec: the first
`validation_size` training images are the validation set; images flattened and scaled by
1/255 in float32; one-hot labels float64; `next_batch` permutes with NumPy's global RNG
before the first batch and at each epoch end, joining the rest of an epoch with the start
of the next one; each DataSet reseeds NumPy's RNG with `seed`."""
from __future__ import annotations

import collections
import types

import numpy as np
import pytest

from migrator.helpers import HELPERS
from migrator.rules import tfm146_mnist_read_data_sets  # noqa: F401  (registers the helpers)


def _loader(n_train=5013, n_test=37, seed=0):
    rng = np.random.RandomState(seed)
    data = ((rng.randint(0, 256, (n_train, 28, 28)).astype(np.uint8), rng.randint(0, 10, n_train).astype(np.uint8)),
            (rng.randint(0, 256, (n_test, 28, 28)).astype(np.uint8), rng.randint(0, 10, n_test).astype(np.uint8)))
    keras = types.SimpleNamespace(datasets=types.SimpleNamespace(
        mnist=types.SimpleNamespace(load_data=lambda path="mnist.npz": data)))
    ns = {"np": np, "keras": keras, "collections": collections}
    exec(HELPERS["TF1MnistDataSet"].code, ns)
    exec(HELPERS["tf1_mnist_read_data_sets"].code, ns)
    return ns["tf1_mnist_read_data_sets"], data


def _tf1_batches(images, labels, seed, sizes):
    """TF 1.15 DataSet.next_batch, step by step (the reference the helper must match)."""
    np.random.seed(seed)
    n, idx, epochs, out = len(images), 0, 0, []
    for b in sizes:
        start = idx
        if epochs == 0 and start == 0:
            p = np.arange(n)
            np.random.shuffle(p)
            images, labels = images[p], labels[p]
        if start + b > n:
            epochs += 1
            ri, rl = images[start:n], labels[start:n]
            p = np.arange(n)
            np.random.shuffle(p)
            images, labels = images[p], labels[p]
            idx = b - (n - start)
            out.append((np.concatenate((ri, images[:idx])), np.concatenate((rl, labels[:idx]))))
        else:
            idx += b
            out.append((images[start:idx], labels[start:idx]))
    return out


def test_splits_scaling_and_dtypes():
    read, ((x, y), (xt, yt)) = _loader()
    m = read(one_hot=True, seed=3)
    assert (m.train.num_examples, m.validation.num_examples, m.test.num_examples) == (13, 5000, 37)
    assert m.train.images.shape == (13, 784) and m.train.images.dtype == np.float32
    np.testing.assert_array_equal(m.validation.images, np.multiply(x[:5000].reshape(5000, 784).astype(np.float32), 1.0 / 255.0))
    assert m.train.labels.dtype == np.float64 and m.train.labels.shape == (13, 10)
    np.testing.assert_array_equal(m.test.labels.argmax(1), yt)
    assert float(m.train.images.max()) <= 1.0
    dense = read(validation_size=0)
    assert dense.train.num_examples == 5013 and dense.train.labels.dtype == np.uint8
    raw = read(dtype="uint8", reshape=False)
    assert raw.test.images.shape == (37, 28, 28, 1) and raw.test.images.dtype == np.uint8
    train, validation, test = raw  # a namedtuple, as TF1's base.Datasets
    assert test is raw.test
    with pytest.raises(ValueError):
        read(validation_size=6000)


@pytest.mark.parametrize("sizes", [[5, 5, 5, 5, 5, 5], [13, 13, 4, 9, 13], [7] * 9])
def test_next_batch_matches_tf1_order(sizes):
    read, ((x, y), _) = _loader()
    m = read(one_hot=False, seed=11)
    got = [m.train.next_batch(b) for b in sizes]
    want = _tf1_batches(np.multiply(x[5000:].reshape(13, 784).astype(np.float32), 1.0 / 255.0), y[5000:], 11, sizes)
    for (gi, gl), (wi, wl) in zip(got, want):
        np.testing.assert_array_equal(gi, wi)
        np.testing.assert_array_equal(gl, wl)
    # every epoch sees every example once
    flat = np.concatenate([g[1] for g in got])[:13 * (sum(sizes) // 13)]
    for e in range(sum(sizes) // 13):
        assert sorted(flat[13 * e:13 * (e + 1)].tolist()) == sorted(y[5000:].tolist())


def test_same_seed_same_batches_and_no_shuffle():
    read, _ = _loader()
    # NumPy's global RNG, as in TF1: creating the DataSets reseeds it, next_batch draws from it
    a = read(seed=5)
    first = [a.train.next_batch(6)[0] for _ in range(4)]
    b = read(seed=5)
    for want in first:
        np.testing.assert_array_equal(b.train.next_batch(6)[0], want)
    c = read(seed=5)
    first = c.test.next_batch(10, shuffle=False)[1]
    np.testing.assert_array_equal(first, _loader()[1][1][1][:10])


# --- a TensorFlow-Examples-style script migrated, then RUN on synthetic data (issue 10, item 4)

import gzip
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "tf1_mnist" / "mlp_next_batch.py"
sys.path.insert(0, str(ROOT / "scripts"))
import run_synthetic  # noqa: E402


def _migrated(tmp_path):
    from migrator import TODO_MARKER
    from migrator.engine import migrate_source
    from migrator.options import Options
    res = migrate_source(FIXTURE.read_text(), path="mlp_next_batch.py", options=Options())
    assert res.status == "migrated", res.reason
    assert TODO_MARKER not in res.code
    assert "tensorflow" not in res.code.replace("tensorflow/contrib", "")
    assert "mnist = tf1_mnist_read_data_sets(one_hot=True)" in res.code
    out = tmp_path / "mlp_next_batch.py"
    out.write_text(res.code)
    return out


def test_fixture_migrates_without_todo(tmp_path):
    _migrated(tmp_path)


def test_cap_steps_only_in_the_copy():
    src = "num_steps = 30000  # steps\nbatch_size = 128\ntraining_epochs = 5\ndef f():\n    num_steps = 900\n"
    capped, changed = run_synthetic.cap_steps(src, 20)
    assert capped == "num_steps = 20  # steps\nbatch_size = 128\ntraining_epochs = 5\ndef f():\n    num_steps = 900\n"
    assert changed == ["num_steps 30000 -> 20"]


def test_synthetic_files_in_each_loader_format(tmp_path):
    data = run_synthetic.mnist_arrays(5010, 7)
    npz = run_synthetic.write_mnist_npz(tmp_path / "home", data)
    with np.load(npz) as f:  # what keras.datasets.mnist.load_data reads
        assert f["x_train"].shape == (5010, 28, 28) and f["x_train"].dtype == np.uint8
        assert f["y_test"].shape == (7,)
    run_synthetic.write_mnist_idx(tmp_path / "idx", data)
    with gzip.open(tmp_path / "idx" / "t10k-images-idx3-ubyte.gz") as f:  # TF1's extract_images
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        images = np.frombuffer(f.read(), dtype=np.uint8).reshape(n, rows, cols)
    assert (magic, n, rows, cols) == (2051, 7, 28, 28)
    np.testing.assert_array_equal(images, data[1][0])
    with gzip.open(tmp_path / "idx" / "train-labels-idx1-ubyte.gz") as f:
        assert struct.unpack(">II", f.read(8)) == (2049, 5010)
        np.testing.assert_array_equal(np.frombuffer(f.read(), dtype=np.uint8), data[0][1])


@pytest.mark.slow
def test_migrated_fixture_runs_on_synthetic_mnist(tmp_path):
    res = run_synthetic.run(_migrated(tmp_path), timeout=240, cap=30)
    assert res["status"] == "ok", res
    assert res["capped"] == ["num_steps 300 -> 30"]
    assert res["stdout_tail"][-1].startswith("Testing Accuracy:")


def test_tflearn_files_in_their_own_format(tmp_path):
    # what TFM119's helpers read: imdb.pkl (two pickles) and the 17flowers class folders
    import pickle

    from migrator.helpers import HELPERS
    from migrator.rules import tfm119_datasets  # noqa: F401

    run_synthetic.write_imdb_pkl(tmp_path / "imdb.pkl")
    with open(tmp_path / "imdb.pkl", "rb") as f:
        train, test = pickle.load(f), pickle.load(f)
    assert len(train[0]) == len(train[1]) == 96 and len(test[0]) == 32
    run_synthetic.write_flowers(tmp_path / "17flowers")
    ns: dict = {"np": np}
    exec(HELPERS["tflearn_to_categorical"].code, ns)
    exec(HELPERS["tflearn_oxflower17_load_data"].code, ns)
    X, Y = ns["tflearn_oxflower17_load_data"](dirname=str(tmp_path / "17flowers"), resize_pics=(8, 8), one_hot=True)
    assert X.shape == (34, 8, 8, 3) and Y.shape == (34, 17)
