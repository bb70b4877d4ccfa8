"""What ``tflearn-migrate compare SCRIPT.py`` records from a script it does not control, and
the collapse analysis of it (numpy only: no TensorFlow, no Keras - the hooks that feed a
:class:`Recorder` live in hooks_legacy.py / hooks_keras.py and run in the script's process).

Recorded:

* **training steps** - loss and wall time of every training step (a TF1 ``Session.run`` of a
  train op, a step of tflearn's trainer, a Keras ``fit`` batch or ``train_on_batch``);
* **predictions** - the arrays the script computes from its model (tflearn ``predict``, a
  ``Session.run``/``.eval`` of model tensors, Keras ``predict``/``predict_on_batch``/a model
  call on arrays), with a fingerprint of the inputs they were computed from;
* **label links** - input fingerprint -> label array, wherever the script puts labels next to
  inputs (the feed that carried the label placeholder, the y given to fit/evaluate).

Predictions made from one call site are grouped: consecutive calls with new inputs are one
prediction made in batches (concatenated); a call after a training step, or with the inputs
the group started with, starts the group again, so each group holds the model's LAST
prediction. Labels are looked up by input fingerprint (the feed / fit / evaluate that carried
them) and, failing that, among the script's global arrays of the right length whose names
say label (``y``, ``labels``, ``same``, ``target`` ...); where they come from is recorded.

The step cap (``--steps N`` / ``--time-limit S``): once reached, a framework loop that can be
ended cleanly (tflearn's ``fit``, Keras ``fit``) is ended; a step of the script's own loop is
skipped - it returns that step's previous result without running - so the script goes on to
its predictions, on the model as trained so far. A script that keeps looping past the cap for
:data:`SKIP_GRACE_S` seconds or :data:`SKIP_MAX` skipped steps is stopped with
:class:`StepLimit` (what was captured so far is analysed).
"""
from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import metrics as M

SKIP_MAX = 200_000
SKIP_GRACE_S = 60.0
MAX_GROUP_ROWS = 100_000  # a group that grows past this (a model called in a loop) starts again
MIN_ROWS = 2            # a prediction must have at least this many rows to be analysed
SPREAD_COLLAPSED = 1e-3  # relative spread of scores / distances below which they are constant
PAIR_SAMPLE = 4000      # pairs drawn from a labelled embedding set
INVERTED_CONVENTION = 0.1  # pair AUC (1 = same) at or below this: the labels say 0 = same


class StepLimit(BaseException):
    """Raised from a patched step to end the script (BaseException: ``except Exception`` in the
    script does not swallow it)."""


def fingerprint(a: Any) -> str | None:
    """Content fingerprint of an array (dtype-independent: float32 values + shape)."""
    try:
        arr = np.asarray(a)
    except Exception:  # pragma: no cover - not array-like
        return None
    if arr.dtype == object or arr.ndim == 0:
        return None
    try:
        arr = np.ascontiguousarray(arr, dtype=np.float32)
    except (TypeError, ValueError):
        return None
    h = hashlib.blake2b(arr.tobytes(), digest_size=12)
    h.update(repr(arr.shape).encode())
    return h.hexdigest()


def rows(a: Any) -> int | None:
    try:
        s = np.shape(a)
    except Exception:  # pragma: no cover
        return None
    return int(s[0]) if len(s) >= 1 else None


@dataclass
class Capture:
    source: str
    site: str
    names: list
    outputs: list
    input_keys: list
    step: int
    labels: Any = None
    label_source: str = ""


@dataclass
class Group:
    key: tuple
    source: str
    site: str
    names: list
    captures: list = field(default_factory=list)
    passes: int = 0


class Recorder:
    def __init__(self, max_steps: int | None = None, time_limit: float | None = None, clock=time.time):
        self.max_steps = max_steps
        self.time_limit = time_limit
        self.clock = clock
        self.steps: list[dict] = []
        self.groups: dict[tuple, Group] = {}
        self.order: list[tuple] = []          # group keys by first appearance of their last pass
        self.links: dict[frozenset, tuple] = {}   # input keys -> (labels, source)
        self.skipped = 0
        self.capped_at: float | None = None
        self.cap_reason = ""
        self.t_first_step: float | None = None
        self.notes: list[str] = []
        self.monitor: list[dict] = []
        self.sources: set[str] = set()
        self.script_globals: dict = {}

    # -- training steps -------------------------------------------------------------------
    def capped(self) -> bool:
        """Has the cap been reached (no more real training steps)?"""
        if self.capped_at is not None:
            return True
        now = self.clock()
        if self.max_steps is not None and len(self.steps) >= self.max_steps:
            self.cap_reason = f"--steps {self.max_steps}"
        elif self.time_limit is not None and self.t_first_step is not None and \
                now - self.t_first_step >= self.time_limit:
            self.cap_reason = f"--time-limit {self.time_limit:g}s"
        else:
            return False
        self.capped_at = now
        self.notes.append(f"training stopped after {len(self.steps)} steps ({self.cap_reason})")
        return True

    def skip(self) -> None:
        """A training step not run because of the cap; ends the script if it keeps looping."""
        self.skipped += 1
        if self.skipped > SKIP_MAX or (self.capped_at is not None and
                                      self.clock() - self.capped_at > SKIP_GRACE_S):
            self.notes.append(f"the script kept training past the cap ({self.skipped} steps skipped): "
                              f"stopped it")
            raise StepLimit(self.cap_reason)

    def step(self, loss: Any, seconds: float, source: str) -> None:
        if self.t_first_step is None:
            self.t_first_step = self.clock() - seconds
        try:
            value = float(np.mean(np.asarray(loss, dtype=np.float64))) if loss is not None else None
        except (TypeError, ValueError):
            value = None
        self.steps.append({"loss": value, "time": float(seconds), "source": source})
        self.sources.add(source)

    # -- predictions and labels -----------------------------------------------------------
    def link(self, inputs: list, labels: Any, source: str) -> None:
        """Remember that ``labels`` go with ``inputs`` (a list of arrays)."""
        if labels is None or rows(labels) is None:
            return
        keys = [fingerprint(x) for x in inputs]
        if not keys or any(k is None for k in keys):
            return
        n = rows(labels)
        if any(rows(x) != n for x in inputs):
            return
        self.links[frozenset(keys)] = (np.asarray(labels), source)

    def predict(self, source: str, site: str, names: list, outputs: list, inputs: list,
                labels: Any = None, label_source: str = "") -> None:
        outs, kept = [], []
        for name, o in zip(names, outputs):
            try:
                a = np.asarray(o)
            except Exception:
                continue
            if a.dtype == object or a.ndim == 0 or a.shape[0] < MIN_ROWS or \
                    not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
                continue
            outs.append(a)
            kept.append(name)
        if not outs:
            return
        keys = [fingerprint(x) for x in inputs]
        cap = Capture(source, site, kept, outs, keys, len(self.steps), labels, label_source)
        gkey = (source, site, tuple(kept))
        g = self.groups.get(gkey)
        restart = g is None or not g.captures or g.captures[-1].step != cap.step or \
            sum(len(c.outputs[0]) for c in g.captures) + len(outs[0]) > MAX_GROUP_ROWS or \
            (keys and g.captures[0].input_keys == keys) or \
            any(c.outputs[i].shape[1:] != o.shape[1:] for c in g.captures[:1] for i, o in enumerate(outs)
                if i < len(c.outputs))
        if g is None:
            g = self.groups[gkey] = Group(gkey, source, site, kept)
        if restart:
            g.captures = []
            g.passes += 1
            if gkey in self.order:
                self.order.remove(gkey)
            self.order.append(gkey)
        g.captures.append(cap)

    # -- results --------------------------------------------------------------------------
    def resolve(self, keys: list, n: int, script_globals: dict | None = None) -> tuple[Any, str]:
        """Labels for inputs with fingerprints ``keys`` (``n`` rows): a link, else a global."""
        hit = self.links.get(frozenset(k for k in keys if k))
        if hit is not None and rows(hit[0]) == n:
            return hit[0], hit[1]
        g = self.script_globals if script_globals is None else script_globals
        return labels_from_globals(g, n, keys) if g else (None, "")

    def final(self, script_globals: dict | None = None) -> list[dict]:
        """One entry per prediction group: outputs (concatenated), labels and where they came
        from, the input fingerprints."""
        out = []
        for gkey in self.order:
            g = self.groups[gkey]
            caps = g.captures
            outputs = []
            for i in range(len(g.names)):
                parts = [c.outputs[i] for c in caps if i < len(c.outputs)]
                try:
                    outputs.append(np.concatenate(parts, axis=0) if len(parts) > 1 else parts[0])
                except ValueError:
                    outputs.append(parts[-1])
            input_keys = [c.input_keys for c in caps]
            labels, lsrc = self._labels(caps, script_globals if script_globals is not None else self.script_globals)
            out.append({"source": g.source, "site": g.site, "names": list(g.names), "outputs": outputs,
                        "input_keys": input_keys, "batches": len(caps), "passes": g.passes,
                        "labels": labels, "label_source": lsrc, "after_step": caps[-1].step})
        return out

    def _labels(self, caps: list, script_globals: dict | None) -> tuple[Any, str]:
        parts, srcs = [], set()
        for c in caps:
            if c.labels is not None:
                parts.append(np.asarray(c.labels))
                srcs.add(c.label_source)
                continue
            hit = self.links.get(frozenset(k for k in c.input_keys if k)) if c.input_keys else None
            if hit is None:
                parts = None
                break
            parts.append(hit[0])
            srcs.add(hit[1])
        if parts:
            try:
                return (np.concatenate(parts, axis=0) if len(parts) > 1 else parts[0]), "; ".join(sorted(srcs))
            except ValueError:
                pass
        n = sum(int(c.outputs[0].shape[0]) for c in caps)
        keys = [k for c in caps for k in c.input_keys if k]
        if script_globals and len(caps) == 1:
            return labels_from_globals(script_globals, n, keys)
        return None, ""


_LABEL_NAME = re.compile(r"(^|_)(y|ys|yy|label|labels|lbl|lbls|target|targets|same|is_same|similar|match|"
                         r"truth|gt|cls|classes|class)(_|$|\d)|^y|^Y|label|target", re.I)


def _tokens(name: str) -> set[str]:
    return {t for t in re.split(r"[_\d]+", name.lower()) if t}


def labels_from_globals(g: dict, n: int, input_keys: list) -> tuple[Any, str]:
    """A global array of ``n`` rows whose name says label, next to the inputs' own globals
    (names sharing a word with the inputs' names win: ``test_y`` for ``test_a``)."""
    arrays = {k: v for k, v in g.items() if not k.startswith("__") and isinstance(v, np.ndarray)
              and v.ndim >= 1 and v.shape[0] == n}
    input_names = {k for k, v in arrays.items() if fingerprint(v) in set(input_keys)}
    near = set().union(*(_tokens(k) for k in input_names)) if input_names else set()
    cands = []
    for k, v in arrays.items():
        if k in input_names or not _LABEL_NAME.search(k) or not _label_like(v):
            continue
        cands.append((len(_tokens(k) & near), k, v))
    if not cands:
        return None, ""
    cands.sort(key=lambda c: -c[0])
    best = [c for c in cands if c[0] == cands[0][0]]
    note = f"script global '{best[0][1]}' (matched by name and length"
    note += f"; also {', '.join(c[1] for c in best[1:])})" if len(best) > 1 else ")"
    return best[0][2], note


def _label_like(v: np.ndarray) -> bool:
    """Class ids, 0/1 flags or one-hot rows."""
    a = np.asarray(v)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if not np.issubdtype(a.dtype, np.number) and a.dtype != bool:
        return False
    a = a.astype(np.float64)
    if a.ndim == 1:
        return bool(np.all(np.isfinite(a)) and np.all(a == np.round(a)) and len(np.unique(a)) <= max(2, len(a) // 2))
    if a.ndim == 2:
        return bool(np.all((a == 0) | (a == 1)) and np.all(a.sum(axis=1) == 1))
    return False


# --- analysis -----------------------------------------------------------------------------

def output_kind(a: np.ndarray) -> str:
    """scores (one number a row) | probs (rows of class probabilities) | classes (integer
    predictions) | embeddings (anything else with several numbers a row)."""
    a = np.asarray(a)
    if a.ndim >= 2 and int(np.prod(a.shape[1:])) == 1:
        a = a.reshape(len(a))
    if a.ndim == 1:
        return "classes" if (np.issubdtype(a.dtype, np.integer) or a.dtype == bool) else "scores"
    f = a.reshape(len(a), -1).astype(np.float64)
    if a.ndim == 2 and f.shape[1] >= 2 and np.all(np.isfinite(f)) and f.min() >= -1e-6 and f.max() <= 1 + 1e-6 \
            and np.allclose(f.sum(axis=1), 1.0, atol=1e-3):
        return "probs"
    return "embeddings"


def _binary(labels: Any, n: int) -> np.ndarray | None:
    if labels is None:
        return None
    y = np.asarray(labels, dtype=np.float64)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != n:
        return None
    u = np.unique(y[np.isfinite(y)])
    if len(u) != 2:
        return None
    return y == u.max()


def _classes(labels: Any, n: int) -> np.ndarray | None:
    if labels is None:
        return None
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if len(y) != n:
        return None
    if y.ndim == 2:
        return np.argmax(y, axis=1)
    if y.ndim == 1 and np.all(np.asarray(y, np.float64) == np.round(np.asarray(y, np.float64))):
        return y.astype(int)
    return None


def separation(scores: np.ndarray, positive: np.ndarray) -> tuple[float, float]:
    """(AUC of ``scores`` for ``positive``, orientation-free separation max(AUC, 1 - AUC))."""
    auc = M.roc_auc(scores, positive)
    return auc, (max(auc, 1.0 - auc) if not math.isnan(auc) else auc)


def _spread(x: np.ndarray) -> float:
    x = np.asarray(x, np.float64).ravel()
    if not np.all(np.isfinite(x)):
        return float("nan")
    scale = float(np.mean(np.abs(x)))
    return float(np.std(x) / scale) if scale > 0 else 0.0


def embedding_stats(e: np.ndarray) -> dict:
    e = np.asarray(e, np.float64).reshape(len(e), -1)
    finite = bool(np.all(np.isfinite(e)))
    if not finite:
        return {"emb_dim": int(e.shape[1]), "finite": False, "rankme": float("nan"), "emb_std_rel": float("nan")}
    std = e.std(axis=0)
    norm = float(np.mean(np.linalg.norm(e, axis=1)))
    return {"emb_dim": int(e.shape[1]), "finite": True, "rankme": M.rankme(e),
            "emb_std_mean": float(std.mean()), "emb_std_rel": float(std.mean() / norm) if norm > 0 else 0.0}


def _emb_rules(m: dict) -> list[str]:
    r = []
    if not m.get("finite", True):
        r.append("non-finite outputs (training diverged)")
        return r
    if m["emb_dim"] > 2 and m["rankme"] < M.RANKME_COLLAPSED:
        r.append(f"effective rank {m['rankme']:.2f} < {M.RANKME_COLLAPSED}")
    if m["emb_std_rel"] < M.STD_REL_COLLAPSED:
        r.append(f"relative embedding std {m['emb_std_rel']:.2e} < {M.STD_REL_COLLAPSED}")
    return r


def analyze_pair(ea: np.ndarray, eb: np.ndarray, labels: Any = None) -> dict:
    """Two embeddings of the same pairs (rows): distance distribution, effective rank of
    both, and - with 0/1 pair labels - how well the distance separates them."""
    ea = np.asarray(ea, np.float64).reshape(len(ea), -1)
    eb = np.asarray(eb, np.float64).reshape(len(eb), -1)
    d = M.pair_distances(ea, eb)
    m = {"kind": "pairs", "rows": int(len(d)), **embedding_stats(np.concatenate([ea, eb])),
         "distance_mean": float(np.mean(d)) if np.all(np.isfinite(d)) else float("nan"),
         "distance_spread": _spread(d)}
    reasons = _emb_rules(m)
    if m["finite"] and m["distance_spread"] < SPREAD_COLLAPSED:
        reasons.append(f"pair distances constant (relative spread {m['distance_spread']:.1e})")
    y = _binary(labels, len(d))
    if y is not None:
        auc, sep = separation(-d, y)
        m.update(pair_auc=auc, separation=sep, d_same=float(np.mean(d[y])), d_diff=float(np.mean(d[~y])),
                 label_convention="1 = same")
        if auc <= INVERTED_CONVENTION:
            # near-perfectly inverted: read as the other convention (0 = same, Hadsell et al.)
            m.update(pair_auc=1.0 - auc, label_convention="0 = same (read from the data: AUC "
                     f"{auc:.3f} with 1 = same)", d_same=m["d_diff"], d_diff=m["d_same"])
        elif auc < 1.0 - M.AUC_COLLAPSED:
            reasons.append(f"distances inverted: same pairs ({m['d_same']:.3g}) farther apart than different "
                           f"ones ({m['d_diff']:.3g}), pair AUC {auc:.3f}")
        elif not auc > M.AUC_COLLAPSED:
            reasons.append(f"pair AUC {auc:.3f} <= {M.AUC_COLLAPSED}")
    return _finish(m, reasons, y is not None, "pair_auc" if y is not None else "rankme")


def analyze_output(a: np.ndarray, labels: Any = None, rng_seed: int = 0) -> dict:
    """Metrics and verdict of one predicted array (kind from :func:`output_kind`)."""
    a = np.asarray(a)
    kind = output_kind(a)
    n = len(a)
    if kind == "scores":
        s = a.reshape(n).astype(np.float64)
        m = {"kind": kind, "rows": n, "finite": bool(np.all(np.isfinite(s))),
             "score_mean": float(np.mean(s)), "score_std": float(np.std(s)), "score_spread": _spread(s)}
        reasons = [] if m["finite"] else ["non-finite outputs (training diverged)"]
        if m["finite"] and m["score_spread"] < SPREAD_COLLAPSED:
            reasons.append(f"scores constant (relative spread {m['score_spread']:.1e})")
        y = _binary(labels, n)
        if y is not None:
            auc, sep = separation(s, y)
            m.update(auc=auc, separation=sep, score_pos=float(np.mean(s[y])), score_neg=float(np.mean(s[~y])))
            if not sep > M.AUC_COLLAPSED:
                reasons.append(f"scores separate the two label values with AUC {sep:.3f} <= {M.AUC_COLLAPSED}")
        return _finish(m, reasons, y is not None, "separation" if y is not None else "score_spread")
    if kind in ("probs", "classes"):
        y = _classes(labels, n)
        if kind == "probs":
            p = a.reshape(n, -1)
        else:
            pred = a.reshape(n).astype(int)
            k = int(max(pred.max(), (y.max() if y is not None else 0))) + 1
            p = np.eye(max(k, 2))[np.clip(pred, 0, None)]
        if y is not None:
            m = {"kind": kind, "rows": n, **M.classifier_metrics(p, y)}
            _, reasons = M.verdict("classifier", m)
            return _finish(m, reasons, True, "balanced_accuracy")
        pred = np.argmax(np.nan_to_num(p), axis=1)
        counts = np.bincount(pred, minlength=p.shape[1])
        m = {"kind": kind, "rows": n, "classes": int(p.shape[1]), "finite": bool(np.all(np.isfinite(p))),
             "majority_share": float(counts.max() / n), "majority_class": int(counts.argmax())}
        reasons = []
        if m["majority_share"] >= M.MAJORITY_COLLAPSED:
            reasons.append(f"class {m['majority_class']} is {m['majority_share']:.0%} of predictions "
                           f">= {M.MAJORITY_COLLAPSED:.0%}")
        return _finish(m, reasons, False, "majority_share")
    e = a.reshape(n, -1).astype(np.float64)
    m = {"kind": kind, "rows": n, **embedding_stats(e)}
    reasons = _emb_rules(m)
    y = _classes(labels, n)
    # class labels (3+ classes: 0/1 labels beside one input are a pair's, not a class)
    if y is not None and m["finite"] and len(np.unique(y)) >= 3:
        rng = np.random.RandomState(rng_seed)
        i, j = rng.randint(0, n, PAIR_SAMPLE), rng.randint(0, n, PAIR_SAMPLE)
        keep = i != j
        d = M.pair_distances(e[i[keep]], e[j[keep]])
        same = y[i[keep]] == y[j[keep]]
        if same.any() and (~same).any():
            auc = M.roc_auc(-d, same)
            m.update(class_pair_auc=auc)
            if not auc > M.AUC_COLLAPSED:
                reasons.append(f"distance separates same/different-class pairs with AUC {auc:.3f} "
                               f"<= {M.AUC_COLLAPSED}")
            return _finish(m, reasons, True, "class_pair_auc")
    return _finish(m, reasons, False, "rankme")


def _finish(m: dict, reasons: list, labelled: bool, headline: str) -> dict:
    m["labelled"] = labelled
    m["headline_metric"] = headline
    m["headline"] = m.get(headline)
    m["collapsed"] = bool(reasons)
    m["reasons"] = reasons
    return m


_PRIORITY = {("pairs", True): 0, ("scores", True): 1, ("probs", True): 2, ("classes", True): 3,
             ("embeddings", True): 4, ("pairs", False): 5, ("embeddings", False): 6, ("probs", False): 7,
             ("classes", False): 8, ("scores", False): 9}


def analyze(final: list[dict], resolve=None) -> dict:
    """Analyse every captured prediction (``Recorder.final()``), pair up embeddings, pick the
    headline analysis (labelled pairs first, then labelled scores, class predictions,
    embeddings ...; among equals the one with most rows) and the verdict from it. Other
    analyses that fire are listed as warnings."""
    items = []
    # a call without labels borrows those of another call on the same inputs
    for g in final:
        if g["labels"] is None:
            keys = {k for ks in g["input_keys"] for k in ks}
            for h in final:
                if h["labels"] is not None and keys and {k for ks in h["input_keys"] for k in ks} == keys \
                        and rows(h["labels"]) == rows(g["outputs"][0]):
                    g["labels"], g["label_source"] = h["labels"], h["label_source"]
                    break
    for gi, g in enumerate(final):
        for name, out in zip(g["names"], g["outputs"]):
            single = all(len(ks) <= 1 for ks in g["input_keys"])
            items.append({"what": f"{name} @ {g['site']}", "group": gi, "array": out,
                          "labels": g["labels"], "label_source": g["label_source"], "single_input": single,
                          "input_keys": [k for ks in g["input_keys"] for k in ks]})
    analyses = []
    for it in items:
        # labels beside a two-input call are pair labels: they say nothing of one embedding
        own = it["labels"] if it["single_input"] or output_kind(it["array"]) != "embeddings" else None
        m = analyze_output(it["array"], own)
        analyses.append({"what": it["what"], "label_source": it["label_source"] if m["labelled"] else "",
                         "items": [it], "_plot": _plot_data(m["kind"], it["array"], own), **m})
    # embedding pairs: two outputs of one call, or two consecutive single-input calls
    embs = [it for it in items if output_kind(it["array"]) == "embeddings"]
    used = set()
    for x, y in zip(embs, embs[1:]):
        if id(x) in used or id(y) in used:
            continue
        ax, ay = np.asarray(x["array"]), np.asarray(y["array"])
        if ax.shape != ay.shape:
            continue
        same_call = x["group"] == y["group"]
        separate = (abs(x["group"] - y["group"]) == 1 and len(x["input_keys"]) == 1 and
                    len(y["input_keys"]) == 1 and x["input_keys"] != y["input_keys"])
        if not (same_call or separate):
            continue
        used |= {id(x), id(y)}
        labels, src = (x["labels"], x["label_source"]) if same_call else (None, "")
        if labels is None or _binary(labels, len(ax)) is None:
            labels, src = _pair_labels(final, x, y, resolve)
        m = analyze_pair(ax, ay, labels)
        plot = {"values": M.pair_distances(ax, ay), "emb": np.concatenate([ax.reshape(len(ax), -1),
                                                                           ay.reshape(len(ay), -1)])}
        yb = _binary(labels, len(ax))
        if yb is not None:
            plot["labels"] = yb if "1 = same" == m.get("label_convention") else ~yb
        analyses.append({"what": f"pair ({x['what']}, {y['what']})", "label_source": src if m["labelled"] else "",
                         "items": [x, y], "_plot": plot, **m})
    if not analyses:
        return {"analyses": [], "headline": None, "collapsed": None, "reasons": [], "warnings": []}
    # the most informative analysis; among equals the largest (a held-out evaluation rather than
    # a training batch printed along the way), then the first
    best = min(range(len(analyses)), key=lambda i: (_PRIORITY[(analyses[i]["kind"], analyses[i]["labelled"])],
                                                    -analyses[i]["rows"], i))
    head = analyses[best]
    warnings = [f"{a['what']}: {r}" for i, a in enumerate(analyses) if i != best for r in a["reasons"]]
    for a in analyses:
        a.pop("items", None)
    return {"analyses": analyses, "headline_index": best, "headline_what": head["what"],
            "headline_metric": head["headline_metric"], "headline": head["headline"], "kind": head["kind"],
            "collapsed": head["collapsed"], "reasons": head["reasons"], "warnings": warnings}


def _plot_data(kind: str, a: np.ndarray, labels: Any) -> dict:
    """The arrays the plots draw (migrator/reference/plots.py: plot_compare)."""
    a = np.asarray(a)
    n = len(a)
    if kind == "scores":
        d = {"values": a.reshape(n).astype(np.float64)}
        y = _binary(labels, n)
        if y is not None:
            d["labels"] = y
        return d
    if kind == "embeddings":
        d = {"emb": a.reshape(n, -1).astype(np.float64)}
        y = _classes(labels, n)
        if y is not None:
            d["classes"] = y
        return d
    pred = np.argmax(a.reshape(n, -1), axis=1) if kind == "probs" else a.reshape(n).astype(int)
    d = {"pred": pred}
    y = _classes(labels, n)
    if y is not None:
        d["classes"] = y
    return d


def _pair_labels(final: list[dict], x: dict, y: dict, resolve=None) -> tuple[Any, str]:
    """Labels of a pair found with a call on the same two inputs (a loss or accuracy run, an
    ``evaluate``, ``resolve``: the recorder's links and the script's globals) or beside one of
    them."""
    want = set(x["input_keys"]) | set(y["input_keys"])
    for g in final:
        keys = {k for ks in g["input_keys"] for k in ks}
        if keys == want and g["labels"] is not None:
            return g["labels"], g["label_source"]
    if resolve is not None:
        labels, src = resolve(sorted(want), len(x["array"]))
        if labels is not None:
            return labels, src
    for it in (x, y):
        if _binary(it["labels"], len(it["array"])) is not None:
            return it["labels"], it["label_source"]
    return None, ""
