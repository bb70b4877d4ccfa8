"""Data for the reference suite: real images that work offline.

Default: scikit-learn's ``load_digits`` (1,797 handwritten digits, 8x8, 10 classes), shipped
with scikit-learn, so nothing is downloaded. ``--data FILE.npz`` takes any images + labels the
user already has (e.g. an MNIST npz) for larger runs.

Every model gets the same dictionary of numpy arrays (see :data:`KEYS`):

* images are ``uint8`` in ``[0, 255]`` with a channel axis, ``(N, H, W, C)`` - the *raw*
  pixels, as images come off disk. Digits' 0..16 intensities are rescaled to 0..255 so the
  "unnormalized input" cause (seed 002) is reproduced on the same scale as real images.
  Preprocessing (``x / 255.``) is the model's job, as it was in the legacy programs.
* ``x_train``/``y_train`` and a fixed held-out ``x_test``/``y_test`` (stratified; for digits
  exactly ``test_per_class`` images of every class, so the test set is class-balanced).
* pairs for Siamese models, ``pair_{train,test}_{a,b,y}`` with ``y = 1`` for a SAME-class
  pair and ``0`` for a DIFFERENT pair (the convention of seed 002), half of each; test pairs
  are drawn from the held-out images only.
* ``x_train_imbalanced``/``y_train_imbalanced``: the training set with every class but one
  (:data:`MAJORITY_CLASS`) thinned to ``minority_fraction`` of its images, for the
  class-imbalance cause (seeds 000/001).

The split and the pairs depend only on ``DATA_SEED`` (never on the training seed), so legacy
and migrated runs, and runs on different days, see the same data.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA_SEED = 20240607
MAJORITY_CLASS = 0
KEYS = ("x_train", "y_train", "x_test", "y_test",
        "pair_train_a", "pair_train_b", "pair_train_y",
        "pair_test_a", "pair_test_b", "pair_test_y",
        "x_train_imbalanced", "y_train_imbalanced")


@dataclass
class DataConfig:
    path: str | None = None          # None: sklearn digits; else an .npz with images + labels
    test_per_class: int = 50         # held-out images per class (digits: 500 of 1,797)
    train_pairs: int = 6000
    test_pairs: int = 2000
    minority_fraction: float = 0.05  # share of each non-majority class kept in the imbalanced set
    max_train: int | None = None     # cap on training images (large --data sets)
    seed: int = DATA_SEED
    extra: dict = field(default_factory=dict)

    def describe(self) -> dict:
        return {"source": self.path or "sklearn.datasets.load_digits", "test_per_class": self.test_per_class,
                "train_pairs": self.train_pairs, "test_pairs": self.test_pairs,
                "minority_fraction": self.minority_fraction, "max_train": self.max_train,
                "seed": self.seed}


def _to_uint8_images(x: np.ndarray, vmax: float | None = None) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim == 2:  # flat vectors: square images if possible
        side = int(round(np.sqrt(x.shape[1])))
        if side * side != x.shape[1]:
            raise ValueError(f"cannot reshape vectors of length {x.shape[1]} into square images")
        x = x.reshape(len(x), side, side)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError(f"images must be (N,H,W), (N,H,W,C) or (N,D); got shape {x.shape}")
    if x.dtype == np.uint8:
        return x
    x = x.astype(np.float64)
    top = vmax if vmax is not None else (1.0 if x.max() <= 1.0 else 16.0 if x.max() <= 16.0 else 255.0)
    return np.clip(np.round(x * (255.0 / top)), 0, 255).astype(np.uint8)


def _load_source(cfg: DataConfig):
    """(x, y) or (x_train, y_train, x_test, y_test) from digits or an npz."""
    if cfg.path is None:
        from sklearn.datasets import load_digits

        d = load_digits()
        return _to_uint8_images(d.images, vmax=16.0), d.target.astype(np.int64), None, None
    with np.load(cfg.path, allow_pickle=False) as z:
        names = set(z.files)
        if {"x_train", "y_train", "x_test", "y_test"} <= names:
            return (_to_uint8_images(z["x_train"]), z["y_train"].astype(np.int64).ravel(),
                    _to_uint8_images(z["x_test"]), z["y_test"].astype(np.int64).ravel())
        for xk, yk in (("images", "labels"), ("x", "y"), ("X", "Y"), ("data", "target")):
            if xk in names and yk in names:
                return _to_uint8_images(z[xk]), z[yk].astype(np.int64).ravel(), None, None
    raise ValueError(f"{cfg.path}: expected arrays images+labels, x+y, or x_train/y_train/x_test/y_test; "
                     f"found {sorted(names)}")


def _relabel(*ys):
    classes = np.unique(np.concatenate([y for y in ys if y is not None]))
    lut = {c: i for i, c in enumerate(classes)}
    return [None if y is None else np.array([lut[v] for v in y], dtype=np.int64) for y in ys], len(classes)


def _split(x, y, per_class: int, rng: np.random.Generator):
    test_idx = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        if len(idx) <= per_class:
            raise ValueError(f"class {c} has only {len(idx)} images; need more than test_per_class={per_class}")
        test_idx.extend(rng.choice(idx, per_class, replace=False))
    test_idx = np.sort(np.array(test_idx))
    mask = np.ones(len(y), bool)
    mask[test_idx] = False
    train_idx = rng.permutation(np.flatnonzero(mask))
    test_idx = rng.permutation(test_idx)
    return x[train_idx], y[train_idx], x[test_idx], y[test_idx]


def make_pairs(y: np.ndarray, n: int, rng: np.random.Generator):
    """Index pairs (a, b, same): ``n // 2`` same-class pairs then the rest different, shuffled."""
    by_class = {c: np.flatnonzero(y == c) for c in np.unique(y)}
    classes = np.array(sorted(by_class))
    n_same = n // 2
    a, b, same = [], [], []
    for _ in range(n_same):
        c = rng.choice(classes)
        i, j = rng.choice(by_class[c], 2, replace=False)
        a.append(i); b.append(j); same.append(1.0)
    for _ in range(n - n_same):
        c1, c2 = rng.choice(classes, 2, replace=False)
        a.append(rng.choice(by_class[c1])); b.append(rng.choice(by_class[c2])); same.append(0.0)
    order = rng.permutation(n)
    return np.array(a)[order], np.array(b)[order], np.array(same, np.float32)[order]


def imbalanced_subset(y: np.ndarray, majority: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Indices keeping every image of ``majority`` and ``fraction`` (at least one) of each other class."""
    keep = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        k = len(idx) if c == majority else max(1, int(round(fraction * len(idx))))
        keep.extend(rng.choice(idx, k, replace=False))
    return rng.permutation(np.array(keep))


def load(cfg: DataConfig | None = None) -> dict[str, np.ndarray]:
    cfg = cfg or DataConfig()
    rng = np.random.default_rng(cfg.seed)
    x, y, xt, yt = _load_source(cfg)
    (y, yt), n_classes = _relabel(y, yt)
    if xt is None:
        x_train, y_train, x_test, y_test = _split(x, y, cfg.test_per_class, rng)
    else:
        order = rng.permutation(len(y))
        x_train, y_train = x[order], y[order]
        x_test, y_test = xt, yt
        # a class-balanced held-out set of test_per_class per class (when there are enough)
        sel = []
        for c in range(n_classes):
            idx = np.flatnonzero(y_test == c)
            sel.extend(rng.choice(idx, min(cfg.test_per_class, len(idx)), replace=False))
        sel = rng.permutation(np.array(sel))
        x_test, y_test = x_test[sel], y_test[sel]
    if cfg.max_train is not None and len(y_train) > cfg.max_train:
        x_train, y_train = x_train[:cfg.max_train], y_train[:cfg.max_train]
    ta, tb, ty = make_pairs(y_train, cfg.train_pairs, rng)
    va, vb, vy = make_pairs(y_test, cfg.test_pairs, rng)
    imb = imbalanced_subset(y_train, MAJORITY_CLASS, cfg.minority_fraction, rng)
    data = {
        "x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test,
        "pair_train_a": x_train[ta], "pair_train_b": x_train[tb], "pair_train_y": ty,
        "pair_test_a": x_test[va], "pair_test_b": x_test[vb], "pair_test_y": vy,
        "x_train_imbalanced": x_train[imb], "y_train_imbalanced": y_train[imb],
    }
    return data


def fingerprint(data: dict[str, np.ndarray]) -> str:
    """A short hash of every array (the JSON records which data a run saw)."""
    h = hashlib.sha256()
    for k in sorted(data):
        h.update(k.encode())
        h.update(np.ascontiguousarray(data[k]).tobytes())
    return h.hexdigest()[:16]


def save(data: dict[str, np.ndarray], path: str | Path) -> Path:
    path = Path(path)
    np.savez(path, **data)
    return path


def summary(data: dict[str, np.ndarray]) -> dict:
    y_imb = data["y_train_imbalanced"]
    counts = np.bincount(y_imb)
    return {
        "image_shape": list(data["x_train"].shape[1:]),
        "classes": int(max(data["y_train"].max(), data["y_test"].max()) + 1),
        "train": int(len(data["y_train"])), "test": int(len(data["y_test"])),
        "train_pairs": int(len(data["pair_train_y"])), "test_pairs": int(len(data["pair_test_y"])),
        "imbalanced_train": int(len(y_imb)),
        "imbalanced_majority_share": round(float(counts.max() / counts.sum()), 4),
        "fingerprint": fingerprint(data),
    }
