"""CI smoke run of the reference suite: two models, few epochs, both runtimes (the legacy
runtime and Keras 3), asserting the verdicts. One TensorFlow subprocess per variant.

The Keras 3 side runs the migrator's output when it is runnable, and always the hand-written
targets in reference_models/expected/ (labelled as such: they are not migrator output)."""
import pytest

from migrator.reference import data as D
from migrator.reference import harness, report

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    d = D.load(D.DataConfig())
    path = D.save(d, tmp_path_factory.mktemp("data") / "data.npz")
    return path, {"pair_test_y": d["pair_test_y"], "y_test": d["y_test"]}


def _variants(name):
    out = {"legacy": harness.LEGACY_DIR / f"{name}.py"}
    for mode in ("faithful", "fixed"):
        out[mode] = harness.MODELS / "migrated" / mode / f"{name}.py"
        out[f"expected_{mode}"] = harness.EXPECTED_DIR / mode / f"{name}.py"
    return out


def _run(name, epochs, dataset, tmp_path):
    path, test = dataset
    res = {}
    for vn, p in _variants(name).items():
        r = harness.run_variant(name, vn, p, path, tmp_path, epochs=epochs, seed=0, data=test)
        assert r.status in ("ok", "not_runnable"), f"{vn}: {r.status}: {r.reason}"
        res[vn] = r.to_json()
    return res


def test_smoke_distance_label(dataset, tmp_path):
    res = _run("distance_label", 2, dataset, tmp_path)
    leg = res["legacy"]
    assert leg["runtime"] == "legacy" and leg["info"]["backend"].startswith("tensorflow (TF1")
    assert leg["collapsed"] and leg["headline"] <= 0.6, leg["reasons"]
    assert len(leg["epoch_time"]) == 2 and all(t > 0 for t in leg["epoch_time"])
    hand = report.checks(res, "expected_faithful", "expected_fixed")
    assert res["expected_faithful"]["runtime"] == "keras"
    assert hand == {"legacy_collapsed": True, "faithful_reproduces": True, "fixed_cured": True}, \
        {k: (v.get("headline"), v.get("reasons")) for k, v in res.items()}
    mine = report.checks(res)
    if res["faithful"]["status"] == "ok":
        assert mine["faithful_reproduces"], res["faithful"]
    if res["fixed"]["status"] == "ok":
        assert mine["fixed_cured"], res["fixed"]
    s = report.speed(res)
    assert s["legacy_s_per_epoch"] > 0 and s["expected_fixed_vs_legacy"] > 0


def test_smoke_class_imbalance_through_compare(tmp_path):
    """`tflearn-migrate compare` on the classifier: the CLI migrates it with the real migrator
    (faithful and fixed, run when runnable) and also runs the hand-written targets given."""
    import json
    import os
    import re
    import subprocess
    import sys

    legacy = harness.LEGACY_DIR / "class_imbalance.py"
    out = tmp_path / "cmp"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(harness.ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    p = subprocess.run([sys.executable, "-m", "migrator", "compare", str(legacy),
                        "--expected-faithful", str(harness.EXPECTED_DIR / "faithful" / "class_imbalance.py"),
                        "--expected-fixed", str(harness.EXPECTED_DIR / "fixed" / "class_imbalance.py"),
                        "--no-plots", "--out", str(out)], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    m = json.loads((out / "results.json").read_text())["models"]["class_imbalance"]
    res = m["variants"]
    assert m["epochs"] == 20   # the model's own EPOCHS: ~3 steps each
    assert (out / "migrated" / "faithful" / "class_imbalance.py").is_file()
    leg = res["legacy"]
    assert leg["runtime"] == "legacy" and leg["collapsed"] and leg["metrics"]["majority_share"] >= 0.9
    assert leg["metrics"]["majority_class"] == D.MAJORITY_CLASS
    hand = m["expected_checks"]
    assert hand["legacy_collapsed"] and hand["faithful_reproduces"] and hand["fixed_cured"], \
        {k: (v.get("headline"), v.get("reasons")) for k, v in res.items()}
    fixed = res["expected_fixed"]["metrics"]
    assert fixed["balanced_accuracy"] > 3 * fixed["chance"] and fixed["majority_share"] < 0.5
    for mode in ("faithful", "fixed"):
        assert res[mode]["status"] in ("ok", "not_runnable"), res[mode]
        if res[mode]["status"] == "not_runnable":
            assert f"class_imbalance / {mode}: not runnable" in p.stdout
    if res["faithful"]["status"] == "ok":
        assert m["checks"]["faithful_reproduces"], res["faithful"]
    if res["fixed"]["status"] == "ok":
        assert m["checks"]["fixed_cured"], res["fixed"]
    s = m["speed"]
    assert s["legacy_s_per_epoch"] > 0 and s["expected_faithful_vs_legacy"] > 0
    # the legacy cell: its balanced accuracy (at chance, 0.1) marked collapsed
    assert re.search(r"\| class_imbalance \| classifier \| 20 \| 0\.1\d\d \*\*collapsed\*\* \|", p.stdout), p.stdout
