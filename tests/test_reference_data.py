"""Data for the reference suite: digits split/pairs and --data npz loading (no TensorFlow)."""
import numpy as np
import pytest

from migrator.reference import data as D


@pytest.fixture(scope="module")
def digits():
    return D.load(D.DataConfig(train_pairs=600, test_pairs=400))


def test_digits_split_is_fixed_and_balanced(digits):
    again = D.load(D.DataConfig(train_pairs=600, test_pairs=400))
    assert D.fingerprint(digits) == D.fingerprint(again)
    assert digits["x_train"].dtype == np.uint8 and digits["x_train"].shape[1:] == (8, 8, 1)
    assert digits["x_train"].max() == 255            # raw 0-255 pixels, as images come off disk
    assert np.bincount(digits["y_test"]).tolist() == [50] * 10
    assert len(digits["y_train"]) + len(digits["y_test"]) == 1797
    # held-out images are not in the training set
    train = {x.tobytes() for x in digits["x_train"]}
    overlap = sum(x.tobytes() in train for x in digits["x_test"])
    assert overlap < 5                                # digits has a handful of duplicate images


def test_pairs_have_correct_labels(digits):
    for split, (x, y) in {"test": (digits["x_test"], digits["y_test"]),
                          "train": (digits["x_train"], digits["y_train"])}.items():
        a, b, same = digits[f"pair_{split}_a"], digits[f"pair_{split}_b"], digits[f"pair_{split}_y"]
        assert same.mean() == 0.5
        lut = {img.tobytes(): lab for img, lab in zip(x, y)}
        la = np.array([lut[i.tobytes()] for i in a])
        lb = np.array([lut[i.tobytes()] for i in b])
        assert np.array_equal(la == lb, same > 0.5)


def test_imbalanced_subset(digits):
    y = digits["y_train_imbalanced"]
    counts = np.bincount(y, minlength=10)
    assert counts.argmax() == D.MAJORITY_CLASS and (counts > 0).all()
    assert counts.max() / counts.sum() > 0.6


def test_npz_data(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((300, 28 * 28)).astype(np.float32)          # flat floats in [0, 1]
    y = np.repeat(np.array([3, 5, 7]), 100)                     # labels not 0..k-1
    p = tmp_path / "mine.npz"
    np.savez(p, images=x, labels=y)
    d = D.load(D.DataConfig(path=str(p), test_per_class=20, train_pairs=100, test_pairs=50))
    assert d["x_train"].shape[1:] == (28, 28, 1) and d["x_train"].dtype == np.uint8
    assert sorted(np.unique(d["y_test"]).tolist()) == [0, 1, 2]
    assert len(d["y_test"]) == 60 and len(d["y_train"]) == 240
    bad = tmp_path / "bad.npz"
    np.savez(bad, foo=x)
    with pytest.raises(ValueError, match="expected arrays"):
        D.load(D.DataConfig(path=str(bad)))
