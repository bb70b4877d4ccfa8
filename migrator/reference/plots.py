"""PNG plots for a suite run (matplotlib, Agg backend; no display needed).

Per Siamese model: ``<model>_loss.png`` (training loss per epoch, every variant),
``<model>_distances.png`` (histograms of same vs different held-out pair distances, one panel
per variant), ``<model>_projection.png`` (2-D PCA projection of the held-out embeddings
coloured by class), ``<model>_spectrum.png`` (normalised singular values of the embedding
matrix, log scale). Per classifier: ``<model>_loss.png`` and ``<model>_recall.png`` (per-class
recall on the class-balanced held-out set).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import metrics  # noqa: E402

LABELS = {"legacy": "legacy", "faithful": "migrated (faithful)", "fixed": "migrated (fixes)",
          "expected_faithful": "hand-written faithful*", "expected_fixed": "hand-written fixed*"}


def _ok(entry: dict) -> list[str]:
    arrays = entry.get("_arrays", {})
    return [v for v, r in entry["variants"].items() if r.get("status") == "ok" and v in arrays]


def _title(name: str, v: str, r: dict) -> str:
    verdict = "collapsed" if r.get("collapsed") else "ok"
    return f"{LABELS.get(v, v)}: {r['headline']:.3f} {verdict}"


def plot_model(name: str, entry: dict, test: dict, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    variants = _ok(entry)
    if not variants:
        return written
    arrays = entry["_arrays"]

    fig, ax = plt.subplots(figsize=(6, 4))
    for v in variants:
        loss = entry["variants"][v].get("loss") or []
        if loss:
            ax.plot(range(1, len(loss) + 1), loss, marker="o", label=LABELS.get(v, v))
    ax.set(xlabel="epoch", ylabel="training loss", title=f"{name}: loss")
    ax.legend(fontsize=8)
    written.append(_save(fig, out / f"{name}_loss.png"))

    n = len(variants)
    if entry["kind"] == "siamese":
        y = np.asarray(test["pair_test_y"]) > 0.5
        fig, axes = plt.subplots(1, n, figsize=(4 * n, 3.2), squeeze=False)
        for ax, v in zip(axes[0], variants):
            d = metrics.pair_distances(arrays[v]["emb_a"], arrays[v]["emb_b"])
            d = np.nan_to_num(d, nan=0.0, posinf=0.0)
            bins = np.linspace(0, max(float(d.max()), 1e-9), 40)
            ax.hist(d[y], bins=bins, alpha=0.6, label="same")
            ax.hist(d[~y], bins=bins, alpha=0.6, label="different")
            ax.set_title(_title(name, v, entry["variants"][v]), fontsize=8)
            ax.set_xlabel("distance")
        axes[0][0].legend(fontsize=8)
        written.append(_save(fig, out / f"{name}_distances.png"))

        fig, axes = plt.subplots(1, n, figsize=(4 * n, 3.6), squeeze=False)
        labels = np.asarray(test["y_test"])
        for ax, v in zip(axes[0], variants):
            e = np.nan_to_num(np.asarray(arrays[v]["emb"], np.float64).reshape(len(labels), -1))
            e = e - e.mean(axis=0)
            _, _, vt = np.linalg.svd(e, full_matrices=False)
            p = e @ vt[:2].T if vt.shape[0] >= 2 else np.c_[e[:, :1], np.zeros(len(e))]
            sc = ax.scatter(p[:, 0], p[:, 1], c=labels, cmap="tab10", s=6)
            ax.set_title(_title(name, v, entry["variants"][v]), fontsize=8)
        fig.colorbar(sc, ax=axes[0].tolist(), label="class")
        written.append(_save(fig, out / f"{name}_projection.png", tight=False))

        fig, ax = plt.subplots(figsize=(6, 4))
        for v in variants:
            s = metrics.singular_values(arrays[v]["emb"])
            if s.sum() > 0:
                ax.semilogy(range(1, len(s) + 1), s / s.sum(), marker=".",
                            label=f"{LABELS.get(v, v)} (RankMe {entry['variants'][v]['metrics']['rankme']:.1f})")
        ax.set(xlabel="singular value index", ylabel="normalised singular value", title=f"{name}: spectrum")
        ax.legend(fontsize=8)
        written.append(_save(fig, out / f"{name}_spectrum.png"))
    else:
        fig, ax = plt.subplots(figsize=(7, 4))
        width = 0.8 / n
        for i, v in enumerate(variants):
            rec = entry["variants"][v]["metrics"]["per_class_recall"]
            ax.bar(np.arange(len(rec)) + i * width, rec, width, label=_title(name, v, entry["variants"][v]))
        ax.set(xlabel="class", ylabel="recall (held-out)", title=f"{name}: per-class recall", ylim=(0, 1.05))
        ax.legend(fontsize=7)
        written.append(_save(fig, out / f"{name}_recall.png"))
    return written


def _save(fig, path: Path, tight: bool = True) -> Path:
    if tight:
        fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def plot_run(result: dict, test: dict, out: Path) -> list[Path]:
    written = []
    for name, entry in result["models"].items():
        written += plot_model(name, entry, test, Path(out))
    return written


# --- compare SCRIPT.py -------------------------------------------------------------------------

def _smooth(x: np.ndarray, k: int) -> np.ndarray:
    if k <= 1 or len(x) < k:
        return x
    return np.convolve(x, np.ones(k) / k, mode="valid")


def plot_compare(name: str, entry: dict, arrays: dict, out: Path) -> list[Path]:
    """Plots of ``compare SCRIPT.py``: ``<name>_loss.png`` (per-step training loss of every
    variant, moving average), ``<name>_distances.png`` (the headline analysis of each variant:
    pair distances or scores split by label, or class predictions), ``<name>_spectrum.png``
    (normalised singular values of the embeddings) and ``<name>_projection.png`` (2-D PCA of
    the embeddings, coloured by class when labels were found)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    vs = entry["variants"]
    ran = [v for v, r in vs.items() if r.get("collapsed") is not None and arrays.get(v)]

    fig, ax = plt.subplots(figsize=(6, 4))
    drawn = False
    for v, r in vs.items():
        loss = np.array([x for x in r.get("loss") or [] if x is not None], np.float64)
        if len(loss):
            k = max(1, len(loss) // 50)
            ax.plot(np.arange(len(_smooth(loss, k))) + k, _smooth(loss, k), label=f"{LABELS.get(v, v)}"
                    + (f" (mean of {k})" if k > 1 else ""))
            drawn = True
    if drawn:
        ax.set(xlabel="training step", ylabel="loss", title=f"{name}: training loss")
        ax.legend(fontsize=8)
        written.append(_save(fig, out / f"{name}_loss.png"))
    else:
        plt.close(fig)
    if not ran:
        return written

    def head(v):
        k = vs[v].get("headline_index")
        a = {key.split("_", 1)[1]: val for key, val in arrays[v].items() if key.startswith(f"a{k}_")}
        return vs[v]["analyses"][k], a

    fig, axes = plt.subplots(1, len(ran), figsize=(4 * len(ran), 3.2), squeeze=False)
    for ax, v in zip(axes[0], ran):
        meta, a = head(v)
        title = f"{LABELS.get(v, v)}: " + ("collapsed" if vs[v]["collapsed"] else "ok")
        if "values" in a:
            x = np.nan_to_num(np.asarray(a["values"], np.float64))
            bins = np.linspace(float(x.min()), max(float(x.max()), float(x.min()) + 1e-9), 40)
            if "labels" in a:
                y = np.asarray(a["labels"], bool)
                ax.hist(x[y], bins=bins, alpha=0.6, label="same / 1")
                ax.hist(x[~y], bins=bins, alpha=0.6, label="different / 0")
                ax.legend(fontsize=7)
            else:
                ax.hist(x, bins=bins)
            ax.set_xlabel("pair distance" if meta["kind"] == "pairs" else "score")
        elif "pred" in a:
            pred = np.asarray(a["pred"], int)
            ax.bar(np.arange(pred.max() + 1), np.bincount(pred) / len(pred))
            ax.set_xlabel("predicted class")
            ax.set_ylabel("share")
        elif "emb" in a:
            s = metrics.singular_values(a["emb"])
            ax.semilogy(range(1, len(s) + 1), s / max(s.sum(), 1e-12), marker=".")
            ax.set_xlabel("singular value index")
        h = vs[v].get("headline")
        ax.set_title(title + (f" ({vs[v]['headline_metric']} {h:.3f})" if isinstance(h, (int, float)) else ""),
                     fontsize=8)
    written.append(_save(fig, out / f"{name}_distances.png"))

    embs = {v: head(v)[1] for v in ran if "emb" in head(v)[1]}
    if embs:
        fig, ax = plt.subplots(figsize=(6, 4))
        for v, a in embs.items():
            s = metrics.singular_values(a["emb"])
            if s.sum() > 0:
                rk = vs[v]["metrics"].get("rankme")
                ax.semilogy(range(1, len(s) + 1), s / s.sum(), marker=".",
                            label=f"{LABELS.get(v, v)}" + (f" (RankMe {rk:.1f})" if isinstance(rk, float) else ""))
        ax.set(xlabel="singular value index", ylabel="normalised singular value", title=f"{name}: spectrum")
        ax.legend(fontsize=8)
        written.append(_save(fig, out / f"{name}_spectrum.png"))

        fig, axes = plt.subplots(1, len(embs), figsize=(4 * len(embs), 3.6), squeeze=False)
        for ax, (v, a) in zip(axes[0], embs.items()):
            e = np.nan_to_num(np.asarray(a["emb"], np.float64))
            e = e - e.mean(axis=0)
            _, _, vt = np.linalg.svd(e, full_matrices=False)
            p = e @ vt[:2].T if vt.shape[0] >= 2 else np.c_[e[:, :1], np.zeros(len(e))]
            c = a.get("classes")
            ax.scatter(p[:, 0], p[:, 1], c=c if c is not None and len(c) == len(p) else None,
                       cmap="tab10", s=5)
            ax.set_title(LABELS.get(v, v), fontsize=8)
        written.append(_save(fig, out / f"{name}_projection.png", tight=False))
    return written
