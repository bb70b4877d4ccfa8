"""`python -m migrator demo`: migrates the bundled legacy models with the real migrator and
retrains what can run (one TensorFlow subprocess per variant; small settings)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(args, tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("TF_USE_LEGACY_KERAS", None)
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)


def test_demo_migrates_and_compares(tmp_path):
    out = tmp_path / "demo"
    p = _run(["demo", "--quick", "--epochs", "3", "--models", "distance_label", "--no-plots",
              "--no-expected", "--out", str(out)], tmp_path)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    text = p.stdout
    assert "migrating with the real migrator" in text
    # the migrator's real output, both modes, with its own report
    for mode in ("faithful", "fixed"):
        migrated = out / "migrated" / mode / "distance_label.py"
        assert migrated.is_file()
        compile(migrated.read_text(), str(migrated), "exec")
        rep = json.loads((out / "migrated" / mode / "report.json").read_text())
        assert rep["fixes"] == (mode == "fixed") and rep["summary"]["files"] == 1
        assert rep["unsafe_fixes"] == (mode == "fixed")  # the suite asks for every cure
        assert f"{mode:9} -> {out / 'migrated' / mode}" in text
    res = json.loads((out / "results.json").read_text())
    m = res["models"]["distance_label"]
    leg = m["variants"]["legacy"]
    assert leg["status"] == "ok" and leg["runtime"] == "legacy"
    assert len(leg["loss"]) == 3 and len(leg["epoch_time"]) == 3
    assert leg["info"]["tflearn"] == "0.5.0"
    # the distance regressed to a 0/1 label collapses: the learned distance does not rank pairs
    assert leg["collapsed"] is True and leg["headline"] <= 0.6
    assert m["checks"]["legacy_collapsed"] is True
    for mode in ("faithful", "fixed"):
        v = m["variants"][mode]
        assert v["status"] in ("ok", "not_runnable", "error")
        if v["status"] == "not_runnable":
            assert f"| {v['status'].replace('_', ' ')}" not in text or "not runnable" in text
            assert f"distance_label / {mode}: not runnable - {v['reason']}" in text
        elif v["status"] == "ok":
            assert v["runtime"] == "keras" and v["info"]["backend"] in ("tensorflow", "jax", "torch")
    assert (out / "results.md").read_text().splitlines()[2].startswith("| distance_label | siamese | 3 | ")
    assert (out / "results.md").read_text().splitlines()[2] in text


def test_demo_rejects_unknown_model(tmp_path):
    p = _run(["demo", "--models", "nope", "--out", str(tmp_path / "x")], tmp_path)
    assert p.returncode == 2 and "unknown model(s) nope" in p.stderr


def test_runnable_detects_what_keras_alone_cannot_run(tmp_path):
    from migrator.reference.harness import runnable

    cases = {
        "ok.py": ("import keras\n\ndef train(data, epochs=1, seed=0):\n    return {}\n", True),
        "todo.py": ("import keras\nx = 1  # TODO(tflearn-migrate): TFM100 no Keras translation\n"
                    "def train(data, epochs=1, seed=0):\n    return {}\n", False),
        "legacy.py": ("import tensorflow as tf\n\ndef train(data, epochs=1, seed=0):\n    return {}\n", False),
        "notrain.py": ("import keras\n", False),
        "broken.py": ("def train(:\n", False),
    }
    for name, (src, expect) in cases.items():
        (tmp_path / name).write_text(src)
        ok, why = runnable(tmp_path / name)
        assert ok is expect, (name, why)
        assert bool(why) is not expect


def test_compare_rejects_bad_input_before_running_anything(tmp_path):
    """A script without train() is compared as a plain script (tests/test_compare_script.py);
    what cannot be run is refused with exit 2 before any subprocess starts."""
    script = tmp_path / "old.py"
    script.write_text("import tensorflow as tf\nx = tf.placeholder(tf.float32)\n")
    p = _run(["compare", str(script), "--out", str(tmp_path / "o"), "--steps", "0"], tmp_path)
    assert p.returncode == 2 and "--steps must be at least 1" in p.stderr
    bad = tmp_path / "bad.py"
    bad.write_text("def f(:\n")
    p = _run(["compare", str(bad), "--out", str(tmp_path / "o")], tmp_path)
    assert p.returncode == 2 and "cannot parse" in p.stderr
    assert not (tmp_path / "o" / "runs").exists()
