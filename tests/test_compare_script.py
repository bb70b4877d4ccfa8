"""End-to-end ``tflearn-migrate compare SCRIPT.py`` on plain legacy scripts (slow: each test
starts TensorFlow in three subprocesses and trains tiny models for a few seconds)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "compare"


def _compare(script: Path, out: Path, *extra: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "migrator.cli", "compare", str(script), "--out", str(out), *extra],
                          cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((out / "results.json").read_text())


@pytest.mark.slow
def test_tf1_unshared_towers_distance_regressed(tmp_path):
    """Done-when of issue 12: legacy collapsed, fixed not collapsed, from the user's script as is."""
    script = FIX / "tf1_unshared_distance.py"
    before = script.read_text()
    res = _compare(script, tmp_path)
    assert script.read_text() == before                      # the user's file is not touched
    (entry,) = res["models"].values()
    v = entry["variants"]
    assert {k: v[k]["variant"] for k in v} == {"legacy": "legacy", "faithful": "faithful", "fixed": "fixed"}
    for name in ("legacy", "faithful", "fixed"):
        r = v[name]
        assert r["status"] == "ok", r
        assert r["steps"] == 180 and all(x is not None for x in r["loss"])   # 3 epochs x 60 batches
        assert r["kind"] == "pairs" and r["metrics"]["labelled"]
    assert v["legacy"]["collapsed"] is True and v["legacy"]["metrics"]["pair_auc"] < 0.4
    assert v["faithful"]["collapsed"] is True
    assert v["fixed"]["collapsed"] is False and v["fixed"]["metrics"]["pair_auc"] > 0.9
    assert set(v["fixed"]["migration"]["fixes_applied"]) >= {"TFM201", "TFM204"}
    assert entry["checks"] == {"legacy_collapsed": True, "faithful_reproduces": True, "fixed_cured": True}
    assert (tmp_path / "results.md").read_text().count("**collapsed**") == 2
    assert {p.name for p in (tmp_path / "plots").glob("*.png")} >= {
        "tf1_unshared_distance_loss.png", "tf1_unshared_distance_distances.png"}


@pytest.mark.slow
def test_tflearn_script_with_step_cap(tmp_path):
    """tflearn's DNN.fit is ended at the cap on the legacy side and Keras fit on the migrated
    side; the script then goes on to its predictions."""
    res = _compare(FIX / "tflearn_unshared_distance.py", tmp_path, "--steps", "25")
    (entry,) = res["models"].values()
    for name in ("legacy", "faithful", "fixed"):
        r = entry["variants"][name]
        assert r["status"] == "ok", r
        assert r["steps"] == 25 and r["cap"] == "--steps 25"
        assert r["predictions"] and r["predictions"][0]["after_step"] == 25
        assert r["collapsed"] is not None
    assert entry["variants"]["legacy"]["step_sources"] == ["tflearn trainer"]
    assert entry["variants"]["fixed"]["monitor"]   # the CollapseMonitor ran inside Keras fit
    # the l1 regression of the distance (loss=l1, a function of the file) is fixed too
    assert set(entry["variants"]["fixed"]["migration"]["fixes_applied"]) >= {"TFM201", "TFM204"}


@pytest.mark.slow
def test_tflearn_classifier_labels_from_validation_set(tmp_path):
    res = _compare(FIX / "tflearn_digits_classifier.py", tmp_path, "--no-plots")
    (entry,) = res["models"].values()
    for name in ("legacy", "faithful", "fixed"):
        r = entry["variants"][name]
        assert r["status"] == "ok", r
        assert r["kind"] == "probs" and r["metrics"]["labelled"], r["captured"]
        assert r["collapsed"] is False and r["metrics"]["balanced_accuracy"] > 0.7
    assert "validation_set" in entry["variants"]["legacy"]["captured"]["labels"]


@pytest.mark.slow
def test_failing_legacy_script_and_unrunnable_migrations_are_reported(tmp_path):
    """Seed 004's unconnected feeds: the legacy script stops with TF's error, nothing is
    faked; a migration with TODO markers is "not runnable" with the reason, not run."""
    res = _compare(FIX / "tf1_unconnected_feeds.py", tmp_path, "--no-plots")
    (entry,) = res["models"].values()
    leg = entry["variants"]["legacy"]
    assert leg["status"] == "error" and "You must feed a value for placeholder" in leg["reason"]
    assert leg["collapsed"] is None and leg["captured"]["predictions"].startswith("not captured")
    for name in ("faithful", "fixed"):
        r = entry["variants"][name]
        if r["status"] == "not_runnable":
            assert "TODO marker" in r["reason"] and "steps" not in r
        else:   # once the migrator translates it whole, it runs
            assert r["status"] == "ok" and r["steps"] == 20
    assert entry["variants"]["faithful"]["status"] == "not_runnable"   # the broken feeds are kept as TODOs
    md = (tmp_path / "results.md").read_text()
    assert "| legacy | error |" in md and "not runnable" in md
