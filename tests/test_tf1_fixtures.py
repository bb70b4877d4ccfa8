"""TF1 / Keras-2 fixtures migrated with the real CLI, checked statically and run end to end
under Keras 3 (one subprocess), and run as legacy code (one subprocess) for comparison."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.migrate_cache import cli, migrate_source  # one migration per input and run

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "tf1"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.py"))
PY = sys.executable


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    out = tmp_path_factory.mktemp("tf1_migrated")
    report = out / "report.json"
    rc, output = cli(FIXTURES, "--out", out / "src", "--report", report)  # in this process
    assert rc in (0, 1), output[-2000:]
    return out / "src", json.loads(report.read_text())


def _code_lines(src: str) -> list[str]:
    return [l for l in src.splitlines() if TODO_MARKER not in l and not l.lstrip().startswith("#")]


@pytest.mark.parametrize("name", NAMES)
def test_no_legacy_api_left_outside_todo(migrated, name):
    out, report = migrated
    src = (out / f"{name}.py").read_text()
    assert legacy_refs_outside_todo(src) == []
    code_only = "\n".join(l for l in _code_lines(src) if not l.strip().startswith(('"""', "'''")))
    body = code_only.split('"""')[-1]  # skip the module docstring
    for word in ("tf.compat.v1", "placeholder(", "Session(", "sess.run", "tflearn", "import tensorflow",
                 "from keras import backend", "feed_dict"):
        assert word not in body, (name, word)
    # every TODO line the file keeps is listed in the report
    todo_lines = [i + 1 for i, l in enumerate(src.splitlines()) if TODO_MARKER in l]
    file_diags = [d for f in report["files"] if f["path"].endswith(f"{name}.py") for d in f.get("diagnostics", [])]
    assert len(todo_lines) <= sum(1 for d in file_diags if d.get("todo")), (todo_lines, file_diags)
    # idempotent: a second migration changes nothing
    assert migrate_source(src, f"{name}.py").code == src


RUNNER = textwrap.dedent('''
    import importlib.util, json, os, sys
    import numpy as np
    mode, src_dir, out_path = sys.argv[1:4]
    if mode == "legacy":
        from migrator.legacy.shim import install
        install()
        compiled = []
    else:
        import keras
        compiled = []
        _compile = keras.Model.compile
        def compile_spy(self, *a, **k):
            compiled.append(self)
            return _compile(self, *a, **k)
        keras.Model.compile = compile_spy

    def load(name):
        spec = importlib.util.spec_from_file_location(name, os.path.join(src_dir, name + ".py"))
        mod = importlib.util.module_from_spec(spec)
        sys.path.insert(0, src_dir)  # its helpers module imports
        spec.loader.exec_module(mod)
        return mod

    from migrator.reference import data as D
    full = D.load(D.DataConfig())
    data = {"x_train": full["x_train"][:500], "y_train": full["y_train"][:500], "x_test": full["x_test"][:100],
            "pair_train_a": full["pair_train_a"][:512], "pair_train_b": full["pair_train_b"][:512],
            "pair_train_y": full["pair_train_y"][:512]}
    flat = lambda a: a.reshape(len(a), -1).astype("float32")
    pa, pb, py = flat(data["pair_train_a"]), flat(data["pair_train_b"]), data["pair_train_y"].astype("float32")
    res = {}
    names = sys.argv[4:]
    for name in names:
        mod = load(name)
        compiled.clear()
        if name == "classifier":
            h = mod.train(data, epochs=3,
                          save_path=os.path.join(os.path.dirname(out_path), mode + "_clf.ckpt"),
                          logdir=os.path.join(os.path.dirname(out_path), mode + "_logs"))
            r = {"loss_first": h["loss"][0], "loss_last": float(np.mean(h["loss"][-3:])), "accuracy": h["accuracy"],
                 "probs_shape": list(np.shape(h["probs"])), "probs_sum": float(np.mean(np.sum(h["probs"], 1)))}
            r["saved"] = sorted(f for f in os.listdir(os.path.dirname(out_path)) if f.startswith(mode + "_clf"))
        elif name == "siamese_scope":
            h = mod.train(data, epochs=3)
            r = {"loss": h["loss"], "test_loss": h["test_loss"],
                 "emb_shape": list(np.shape(h["emb_a"])),
                 "towers_equal": bool(np.allclose(h["emb_a"], h["emb_b"], atol=1e-5))}
        elif name == "mixed_tflearn":
            h = mod.train(data, epochs=2)
            r = {"loss_first": h["loss"][0], "loss_last": float(np.mean(h["loss"][-3:])),
                 "probs_shape": list(np.shape(h["probs"]))}
        elif name == "handmade":
            h = mod.train(data, epochs=3)
            r = {"loss": h["loss"], "probs_shape": list(np.shape(h["probs"]))}
        elif name == "keras2_siamese":
            h = mod.train(data["pair_train_a"].astype("float32"), data["pair_train_b"].astype("float32"),
                          py, epochs=2)
            r = {"loss": [float(v) for v in h["loss"]], "pred_shape": list(np.shape(h["pred"])),
                 "emb_equal": bool(np.allclose(h["emb_a"], h["emb_b"], atol=1e-5))}
        else:
            continue
        if mode == "keras" and compiled:
            m = compiled[-1]
            enc = [l for l in m.layers if hasattr(l, "trainable_weights") and getattr(l, "layers", None)]
            r["model_weights"] = sorted(w.path for w in m.trainable_weights)
            r["sub_models"] = [{"name": e.name, "weights": sorted(w.path for w in e.trainable_weights),
                                "calls": len(e._inbound_nodes)} for e in enc]
        res[name] = r
    json.dump(res, open(out_path, "w"))
''')


# Keras-2-era code (Model(input=...), fit_generator) does not run in the TF1 legacy runtime
LEGACY_NAMES = [n for n in NAMES if not n.startswith("keras2")]


def _run(mode: str, src_dir: Path, tmp: Path) -> dict:
    script = tmp / f"run_{mode}.py"
    script.write_text(RUNNER)
    out = tmp / f"{mode}.json"
    env = _env()
    if mode == "keras":
        env["KERAS_BACKEND"] = "tensorflow"
    names = NAMES if mode == "keras" else LEGACY_NAMES
    proc = subprocess.run([PY, str(script), mode, str(src_dir), str(out), *names], cwd=tmp, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def keras_results(migrated, tmp_path_factory):
    return _run("keras", migrated[0], tmp_path_factory.mktemp("keras_run"))


@pytest.mark.slow
def test_classifier_runs_under_keras3(keras_results):
    r = keras_results["classifier"]
    assert r["probs_shape"] == [100, 10] and abs(r["probs_sum"] - 1.0) < 1e-4
    assert r["loss_last"] < r["loss_first"] and r["accuracy"] > 0.6
    assert "keras_clf.ckpt.weights.h5" in r["saved"]  # Saver.save -> save_weights


@pytest.mark.slow
def test_variable_scope_siamese_shares_one_encoder(keras_results):
    r = keras_results["siamese_scope"]
    assert r["loss"][-1] < r["loss"][0] and r["emb_shape"] == [100, 8]
    assert r["towers_equal"]  # both inputs go through the same weights
    (enc,) = r["sub_models"]
    assert enc["name"] == "encoder" and enc["calls"] == 2  # one model, applied to left and right
    # the trained model's weights are exactly the encoder's (this network has no head)
    assert r["model_weights"] == enc["weights"] and len(enc["weights"]) == 4


@pytest.mark.slow
def test_mixed_tflearn_tf1_runs_under_keras3(keras_results):
    r = keras_results["mixed_tflearn"]
    assert r["probs_shape"] == [100, 10] and r["loss_last"] < r["loss_first"]


@pytest.mark.slow
def test_handmade_layers_run_under_keras3(keras_results):
    r = keras_results["handmade"]
    assert r["probs_shape"] == [100, 10] and r["loss"] < 1.0  # ln(10) = 2.3 before training
    # two Dense layers (kernel + bias each) replaced the four tf.get_variable / tf.Variable
    assert len(r["model_weights"]) == 4


@pytest.mark.slow
def test_keras2_siamese_runs_under_keras3(keras_results):
    r = keras_results["keras2_siamese"]
    assert r["pred_shape"] == [64, 1] and all(v == v for v in r["loss"])  # finite
    assert r["emb_equal"]  # the body model is shared by both inputs
    (body,) = r["sub_models"]
    assert body["calls"] == 2
    head = [w for w in r["model_weights"] if w not in body["weights"]]
    assert len(head) == 2  # the trained weights are the body's plus the Dense head's


@pytest.mark.slow
def test_legacy_fixtures_run_and_agree_in_kind(keras_results, tmp_path):
    legacy = _run("legacy", FIXTURES, tmp_path)
    for name in legacy:
        if "probs_shape" in legacy[name]:
            assert legacy[name]["probs_shape"] == keras_results[name]["probs_shape"]
    assert legacy["siamese_scope"]["towers_equal"] and keras_results["siamese_scope"]["towers_equal"]
    assert legacy["classifier"]["accuracy"] > 0.6
    assert legacy["handmade"]["loss"] < 1.0
