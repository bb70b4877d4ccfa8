"""Metrics and the collapse verdict on synthetic embeddings / predictions (no TensorFlow)."""
import math

import numpy as np
import pytest

from migrator.reference import metrics, report


def _pairs(emb_fn, n=400, classes=10, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(classes, dim)) * 3
    ya = rng.integers(0, classes, n)
    same = rng.random(n) < 0.5
    yb = np.where(same, ya, (ya + rng.integers(1, classes, n)) % classes)
    a = emb_fn(centers[ya] + rng.normal(size=(n, dim)) * 0.5, rng)
    b = emb_fn(centers[yb] + rng.normal(size=(n, dim)) * 0.5, rng)
    samples = emb_fn(centers[rng.integers(0, classes, n)] + rng.normal(size=(n, dim)) * 0.5, rng)
    return a, b, same.astype(np.float32), samples


def test_roc_auc_known_values_and_ties():
    assert metrics.roc_auc([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1]) == 1.0
    assert metrics.roc_auc([0.4, 0.3, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    assert metrics.roc_auc([1.0, 1.0, 1.0, 1.0], [0, 1, 0, 1]) == 0.5   # constant scores: a coin
    # one inversion out of four positive/negative pairs
    assert metrics.roc_auc([0.1, 0.3, 0.2, 0.4], [0, 0, 1, 1]) == 0.75
    assert math.isnan(metrics.roc_auc([0.1, 0.2], [1, 1]))


def test_rankme_bounds():
    rng = np.random.default_rng(1)
    line = np.outer(rng.normal(size=200), rng.normal(size=8))  # rank one
    assert metrics.rankme(line) == pytest.approx(1.0, abs=0.01)
    iso = rng.normal(size=(2000, 8))
    assert 7.5 < metrics.rankme(iso) <= 8.0


def test_healthy_embeddings_are_not_collapsed():
    a, b, y, e = _pairs(lambda x, rng: x)
    m = metrics.siamese_metrics(a, b, y, e)
    assert m["pair_auc"] > 0.95 and m["d_ratio"] > 2 and m["rankme"] > 5
    collapsed, reasons = metrics.verdict("siamese", m)
    assert not collapsed and reasons == []


def test_constant_embeddings_are_collapsed():
    a, b, y, e = _pairs(lambda x, rng: np.ones_like(x) * 0.3)
    m = metrics.siamese_metrics(a, b, y, e)
    assert m["pair_auc"] == 0.5 and m["emb_std_rel"] < 1e-12
    collapsed, reasons = metrics.verdict("siamese", m)
    assert collapsed and any("AUC" in r for r in reasons) and any("std" in r for r in reasons)


def test_uninformative_embeddings_are_collapsed_by_auc():
    # varied but unrelated to the class: high rank, AUC ~ 0.5
    a, b, y, e = _pairs(lambda x, rng: rng.normal(size=x.shape))
    m = metrics.siamese_metrics(a, b, y, e)
    assert abs(m["pair_auc"] - 0.5) < 0.1 and m["rankme"] > 5
    assert metrics.verdict("siamese", m)[0]


def test_one_dimensional_embeddings_are_collapsed_by_rank():
    a, b, y, e = _pairs(lambda x, rng: np.outer(x[:, 0], np.ones(16)))
    m = metrics.siamese_metrics(a, b, y, e)
    assert m["rankme"] < 2.0
    collapsed, reasons = metrics.verdict("siamese", m)
    assert collapsed and any("rank" in r for r in reasons)


def test_nan_embeddings_are_collapsed():
    a, b, y, e = _pairs(lambda x, rng: x * np.nan)
    m = metrics.siamese_metrics(a, b, y, e)
    assert not m["finite"] and metrics.verdict("siamese", m)[0]


def test_classifier_majority_and_chance():
    y = np.repeat(np.arange(10), 20)
    one_class = np.zeros((200, 10)); one_class[:, 3] = 1
    m = metrics.classifier_metrics(one_class, y)
    assert m["majority_share"] == 1.0 and m["majority_class"] == 3
    assert m["balanced_accuracy"] == pytest.approx(0.1)
    assert m["per_class_recall"][3] == 1.0 and m["per_class_recall"][0] == 0.0
    assert metrics.verdict("classifier", m)[0]
    good = np.eye(10)[y]
    good[:10] = np.eye(10)[(y[:10] + 1) % 10]   # a few mistakes
    m = metrics.classifier_metrics(good, y)
    assert m["balanced_accuracy"] == pytest.approx(0.95)
    assert metrics.verdict("classifier", m) == (False, [])


def test_classifier_near_chance_without_one_class_is_collapsed():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 30)
    m = metrics.classifier_metrics(rng.random((300, 10)), y)
    assert m["majority_share"] < 0.9
    collapsed, reasons = metrics.verdict("classifier", m)
    assert collapsed and "chance" in reasons[0]


def _v(kind, status="ok", collapsed=False, headline=0.5, t=0.1):
    return {"kind": kind, "status": status, "collapsed": collapsed, "headline": headline,
            "epoch_time_median": t, "reason": "" if status == "ok" else "2 TODO marker(s)"}


def test_checks_and_speed():
    c = report.checks({"legacy": _v("siamese", collapsed=True, headline=0.52),
                       "faithful": _v("siamese", collapsed=True, headline=0.55),
                       "fixed": _v("siamese", headline=0.97)})
    assert c == {"legacy_collapsed": True, "faithful_reproduces": True, "fixed_cured": True}
    c = report.checks({"legacy": _v("siamese", collapsed=True, headline=0.52),
                       "faithful": _v("siamese", collapsed=True, headline=0.59),   # > 0.05 away
                       "fixed": _v("siamese", headline=0.93)})                     # < 0.95
    assert c == {"legacy_collapsed": True, "faithful_reproduces": False, "fixed_cured": False}
    c = report.checks({"legacy": _v("classifier", collapsed=True, headline=0.1),
                       "faithful": _v("classifier", status="not_runnable")})
    assert c == {"legacy_collapsed": True, "faithful_reproduces": None, "fixed_cured": None}
    s = report.speed({"legacy": _v("siamese", t=0.2), "fixed": _v("siamese", t=0.3)})
    assert s["fixed_vs_legacy"] == 1.5 and s["faithful_vs_legacy"] is None


def test_markdown_table_lists_every_variant():
    run = {"config": {"epochs": 2, "seed": 0}, "data": {"source": "digits"}, "machine": {"cpus": 2},
           "models": {"m1": {"kind": "siamese", "epochs": 2, "variants": {
               "legacy": _v("siamese", collapsed=True, headline=0.51),
               "faithful": _v("siamese", status="not_runnable"),
               "fixed": _v("siamese", headline=0.98)}}}}
    for m in run["models"].values():
        m["checks"], m["speed"] = report.checks(m["variants"]), report.speed(m["variants"])
    md = report.markdown(run)
    assert "| m1 | siamese | 2 | 0.510 **collapsed** | not runnable | 0.980 ok |" in md
    assert "m1 / faithful: not runnable - 2 TODO marker(s)" in md and "m1 / legacy: collapsed" in md
