"""Fast tests (no TensorFlow, no Keras) of what ``compare SCRIPT.py`` records and how it
judges it: migrator/reference/capture.py and the plain-script helpers of compare_script.py."""
import numpy as np
import pytest

from migrator.reference import capture as C
from migrator.reference import compare_script as CS


def _clusters(n=300, dim=8, classes=5, spread=0.1, seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.randn(classes, dim) * 3
    y = rng.randint(0, classes, n)
    return centres[y] + spread * rng.randn(n, dim), y


def _pairs(n=400, seed=0):
    """Embeddings of pairs from a healthy encoder: same pairs close, different far."""
    rng = np.random.RandomState(seed)
    e, cls = _clusters(2 * n, seed=seed)
    a, b = e[:n], np.empty((n, e.shape[1]))
    same = rng.rand(n) < 0.5
    for i in range(n):
        pool = np.where((cls[n:] == cls[i]) == same[i])[0]
        b[i] = e[n + rng.choice(pool)] if len(pool) else e[n + i]
    return a, b, (cls[:n] == np.array([cls[n + 0]] * n)).astype(float) * 0 + same.astype(float)


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


# --- recorder: steps and the cap ------------------------------------------------------------

def test_steps_cap_then_skip_then_stop():
    clock = FakeClock()
    rec = C.Recorder(max_steps=3, clock=clock)
    for i in range(3):
        assert not rec.capped()
        rec.step(np.float32(1.0 / (i + 1)), 0.01, "test")
    assert rec.capped() and rec.cap_reason == "--steps 3"
    assert [s["loss"] for s in rec.steps] == [1.0, 0.5, pytest.approx(1 / 3)]
    rec.skip()  # a step of the script's own loop after the cap: skipped, not an error
    clock.t += C.SKIP_GRACE_S + 1  # ... but a script looping on for a minute is stopped
    with pytest.raises(C.StepLimit):
        rec.skip()
    assert issubclass(C.StepLimit, BaseException) and not issubclass(C.StepLimit, Exception)


def test_time_limit_counts_from_first_step():
    clock = FakeClock()
    rec = C.Recorder(time_limit=10, clock=clock)
    clock.t = 100.0           # imports and data loading do not count
    assert not rec.capped()
    rec.step(0.5, 1.0, "test")
    clock.t = 105.0
    assert not rec.capped()
    clock.t = 109.5           # 9.5 s after the end of the first step, 10.5 s after its start
    assert rec.capped() and "time-limit" in rec.cap_reason


# --- recorder: grouping predictions ---------------------------------------------------------

def test_batched_prediction_is_concatenated_and_last_pass_kept():
    rec = C.Recorder()
    x = np.arange(40, dtype=np.float32).reshape(20, 2)
    rec.step(1.0, 0.1, "t")
    for i in range(0, 20, 5):   # an evaluation in batches after epoch 1
        rec.predict("run", "s.py:9", ["emb"], [x[i:i + 5] * 0], [x[i:i + 5]])
    rec.step(1.0, 0.1, "t")
    for i in range(0, 20, 5):   # again after epoch 2: replaces the first pass
        rec.predict("run", "s.py:9", ["emb"], [x[i:i + 5] * 2], [x[i:i + 5]])
    final = rec.final()
    assert len(final) == 1
    assert final[0]["outputs"][0].shape == (20, 2) and final[0]["batches"] == 4 and final[0]["passes"] == 2
    np.testing.assert_array_equal(final[0]["outputs"][0], x * 2)


def test_same_inputs_again_without_training_start_a_new_pass():
    rec = C.Recorder()
    x = np.ones((6, 3))
    rec.predict("run", "s.py:1", ["o"], [np.zeros((6, 2))], [x])
    rec.predict("run", "s.py:1", ["o"], [np.ones((6, 2))], [x])
    (g,) = rec.final()
    assert g["outputs"][0].shape == (6, 2) and g["outputs"][0][0, 0] == 1.0


def test_scalar_and_tiny_outputs_are_not_predictions():
    rec = C.Recorder()
    rec.predict("run", "s.py:1", ["loss", "acc"], [np.float32(0.3), np.array([0.9])], [np.ones((1, 2))])
    assert rec.final() == []


# --- labels ----------------------------------------------------------------------------------

def test_labels_from_a_link_by_content_not_identity():
    rec = C.Recorder()
    x = np.random.RandomState(0).rand(10, 4)
    y = np.arange(10) % 2
    rec.link([x.astype(np.float64)], y, "y given to evaluate")
    rec.predict("p", "s.py:3", ["out"], [np.random.rand(10)], [x.astype(np.float32)])
    (g,) = rec.final()
    assert g["label_source"] == "y given to evaluate"
    np.testing.assert_array_equal(g["labels"], y)


def test_labels_from_globals_prefer_names_near_the_inputs():
    rng = np.random.RandomState(0)
    test_a, train_a = rng.rand(50, 4), rng.rand(50, 4)
    g = {"test_a": test_a, "train_a": train_a, "test_y": (rng.rand(50) > 0.5).astype(np.float32),
         "train_y": (rng.rand(50) > 0.5).astype(np.float32), "noise": rng.rand(50),
         "__doc__": None}
    labels, src = C.labels_from_globals(g, 50, [C.fingerprint(test_a)])
    assert labels is g["test_y"] and "test_y" in src
    # a float array named like a label is not a label
    labels, _ = C.labels_from_globals({"y": rng.rand(50)}, 50, [])
    assert labels is None


def test_fingerprint_ignores_dtype_but_not_values_or_shape():
    a = np.arange(12).reshape(3, 4)
    assert C.fingerprint(a) == C.fingerprint(a.astype(np.float32))
    assert C.fingerprint(a) != C.fingerprint(a.reshape(4, 3))
    assert C.fingerprint(a) != C.fingerprint(a + 1)
    assert C.fingerprint(object()) is None


# --- analysis ----------------------------------------------------------------------------------

def test_output_kinds():
    assert C.output_kind(np.random.rand(10)) == "scores"
    assert C.output_kind(np.random.rand(10, 1)) == "scores"
    p = np.random.rand(10, 4)
    assert C.output_kind(p / p.sum(1, keepdims=True)) == "probs"
    assert C.output_kind(np.random.randn(10, 4)) == "embeddings"
    assert C.output_kind(np.arange(10)) == "classes"


def test_pair_analysis_healthy_collapsed_and_inverted():
    a, b, y = _pairs()
    healthy = C.analyze_pair(a, b, y)
    assert not healthy["collapsed"] and healthy["pair_auc"] > 0.9

    const = C.analyze_pair(np.ones_like(a), np.ones_like(b), y)
    assert const["collapsed"] and const["pair_auc"] == 0.5

    # same pairs a bit farther apart than different ones: the distance regressed to 1 = same
    rng = np.random.RandomState(1)
    d = np.where(y > 0, 0.8, 0.7) + 0.3 * rng.rand(len(y))
    base = rng.randn(len(d), 4)
    unit = rng.randn(len(d), 4)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    inv = C.analyze_pair(base, base + d[:, None] * unit, y)
    assert inv["collapsed"] and 0.1 < inv["pair_auc"] < 0.4
    assert any("inverted" in r for r in inv["reasons"]) and inv["rankme"] > 2

    # near-perfectly inverted: the other label convention (0 = same), not a collapse
    flipped = C.analyze_pair(a, b, 1 - y)
    assert not flipped["collapsed"] and flipped["label_convention"].startswith("0 = same")


def test_rank_collapse_of_pairs_without_labels():
    rng = np.random.RandomState(0)
    line = rng.randn(200, 1) @ rng.randn(1, 16)         # every embedding on one line
    m = C.analyze_pair(line[:100], line[100:], None)
    assert m["collapsed"] and m["rankme"] < 2 and not m["labelled"]
    e, _ = _clusters(200)
    assert not C.analyze_pair(e[:100], e[100:], None)["collapsed"]


def test_scores_are_judged_orientation_free():
    rng = np.random.RandomState(0)
    y = (rng.rand(300) > 0.5).astype(float)
    distance = np.where(y > 0, 0.2, 1.0) + 0.1 * rng.rand(300)   # small = same
    assert not C.analyze_output(distance, y)["collapsed"]
    assert not C.analyze_output(-distance, y)["collapsed"]
    noise = C.analyze_output(rng.rand(300), y)
    assert noise["collapsed"] and noise["headline_metric"] == "separation"
    const = C.analyze_output(np.full(300, 0.5), None)
    assert const["collapsed"] and "constant" in const["reasons"][0]


def test_classifier_outputs_with_and_without_labels():
    rng = np.random.RandomState(0)
    y = np.repeat(np.arange(5), 20)
    good = np.eye(5)[y] * 0.9 + 0.02
    m = C.analyze_output(good, y)
    assert not m["collapsed"] and m["balanced_accuracy"] == 1.0
    bad = np.tile(np.array([[0.9, 0.025, 0.025, 0.025, 0.025]]), (100, 1))
    assert C.analyze_output(bad, y)["collapsed"]
    assert C.analyze_output(bad, None)["collapsed"]                       # 100% one class
    assert C.analyze_output(np.eye(5)[y], np.eye(5)[y])["labelled"]       # one-hot labels
    assert not C.analyze_output(rng.randint(0, 5, 100), None)["collapsed"]  # predicted class ids


def test_embeddings_with_class_labels_use_class_pairs():
    e, y = _clusters(300)
    m = C.analyze_output(e, y)
    assert m["headline_metric"] == "class_pair_auc" and m["class_pair_auc"] > 0.9 and not m["collapsed"]
    rng = np.random.RandomState(3)
    m = C.analyze_output(rng.randn(300, 8), y)
    assert m["collapsed"] and m["class_pair_auc"] < 0.6
    # 0/1 labels next to one embedding set are a pair's labels, not classes: not used
    assert C.analyze_output(e, (y > 2).astype(int))["headline_metric"] == "rankme"


def _final(groups):
    return [{"source": "s", "site": f"x.py:{i}", "names": g["names"], "outputs": g["outputs"],
             "input_keys": g["keys"], "labels": g.get("labels"), "label_source": g.get("src", ""),
             "batches": 1, "passes": 1, "after_step": 0} for i, g in enumerate(groups)]


def test_analyze_pairs_two_single_input_calls_and_finds_their_labels():
    a, b, y = _pairs()
    final = _final([{"names": ["left"], "outputs": [a], "keys": [["ka"]]},
                    {"names": ["right"], "outputs": [b], "keys": [["kb"]]}])
    seen = {}

    def resolve(keys, n):
        seen["keys"] = keys
        return y, "test"
    res = C.analyze(final, resolve)
    assert res["kind"] == "pairs" and res["headline_metric"] == "pair_auc" and not res["collapsed"]
    assert sorted(seen["keys"]) == ["ka", "kb"]


def test_analyze_pairs_outputs_of_one_call_and_prefers_labelled_pairs():
    a, b, y = _pairs()
    scores = np.random.RandomState(5).rand(len(y))
    final = _final([{"names": ["score"], "outputs": [scores], "keys": [["ka", "kb"]]},
                    {"names": ["l", "r"], "outputs": [a, b], "keys": [["ka", "kb"]], "labels": y, "src": "feed"}])
    res = C.analyze(final)
    assert res["kind"] == "pairs" and not res["collapsed"]
    # the random scores are reported as a warning, not the verdict
    assert any("score" in w for w in res["warnings"])


def test_analyze_nothing():
    res = C.analyze([])
    assert res["collapsed"] is None and res["analyses"] == []


# --- compare_script helpers -------------------------------------------------------------------

def test_harness_contract_detection(tmp_path):
    harness = tmp_path / "h.py"
    harness.write_text("def train(data, epochs=3, seed=0):\n    return {}\n")
    plain = tmp_path / "p.py"
    plain.write_text("def train():\n    pass\n\ntrain()\n")
    assert CS.is_harness_model(harness) and not CS.is_harness_model(plain)


def test_runnable_reports_todo_lines_and_legacy_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("import keras\nx = 1  # TODO(tflearn-migrate): TFM100 untranslated\n")
    ok, why = CS.runnable(f)
    assert not ok and "1 TODO" in why and "line" in why
    f.write_text("import tflearn\n")
    assert CS.runnable(f) == (False, "still imports tflearn")
    f.write_text("import keras\n")
    assert CS.runnable(f) == (True, "")


def _variant(collapsed, headline=0.5, metric="pair_auc"):
    return {"status": "ok", "collapsed": collapsed, "headline": headline, "headline_metric": metric}


def test_checks():
    c = CS.checks({"legacy": _variant(True, 0.3), "faithful": _variant(True, 0.25), "fixed": _variant(False, 0.97)})
    assert c == {"legacy_collapsed": True, "faithful_reproduces": True, "fixed_cured": True}
    c = CS.checks({"legacy": _variant(True), "faithful": {"status": "not_runnable", "collapsed": None},
                   "fixed": _variant(True)})
    assert c == {"legacy_collapsed": True, "faithful_reproduces": None, "fixed_cured": False}


def test_markdown_says_not_runnable_and_not_captured():
    r_ok = {**_variant(False, 0.9), "variant": "legacy", "path": "s.py", "runtime": "legacy", "reason": "",
            "kind": "pairs", "headline_what": "pair", "steps": 0, "loss": [], "step_time_median": None,
            "analyses": [], "predictions": [], "monitor": [], "reasons": [], "warnings": [], "notes": []}
    r_ok["captured"] = CS.captured({**r_ok, "step_sources": []})
    r_nr = {"variant": "fixed", "path": "f.py", "runtime": "keras", "status": "not_runnable",
            "reason": "2 TODO marker(s) left by the migrator (lines 3, 4)", "collapsed": None}
    result = {"models": {"s": {"script": "s.py", "variants": {"legacy": r_ok, "fixed": r_nr},
                               "checks": CS.checks({"legacy": r_ok, "fixed": r_nr}),
                               "speed": CS.speed({"legacy": r_ok, "fixed": r_nr})}}}
    md = CS.markdown(result)
    assert "| fixed | not runnable |" in md and "2 TODO marker(s)" in md
    assert "training loss: not captured" in md and "predictions: not captured" in md


def test_compare_modules_import_no_framework():
    """The runner picks the runtime before anything imports TensorFlow or Keras: the compare
    modules themselves (and the CLI that parses compare's arguments) import neither."""
    import subprocess
    import sys

    code = ("import sys\n"
            "import migrator.reference.capture, migrator.reference.compare_script\n"
            "import migrator.reference.hooks_legacy, migrator.reference.hooks_keras, migrator.reference.runner\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tflearn')]\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_model_called_in_a_loop_does_not_grow_without_bound(monkeypatch):
    monkeypatch.setattr(C, "MAX_GROUP_ROWS", 50)
    rec = C.Recorder()
    for i in range(30):
        x = np.full((10, 2), float(i))
        rec.predict("call", "s.py:4", ["m"], [x], [x])
    (g,) = rec.final()
    assert len(g["outputs"][0]) <= 50 and g["outputs"][0][-1, 0] == 29.0


def test_local_modules_are_found_transitively(tmp_path):
    (tmp_path / "main.py").write_text("import numpy as np\nfrom model import tower\nimport data\n")
    (tmp_path / "model.py").write_text("from layers import conv\n")
    (tmp_path / "layers.py").write_text("import tensorflow as tf\n")
    (tmp_path / "data.py").write_text("x = 1\n")
    (tmp_path / "unused.py").write_text("y = 2\n")
    names = sorted(p.name for p in CS.local_modules(tmp_path / "main.py"))
    assert names == ["data.py", "layers.py", "model.py"]


def test_error_reason_skips_tensorflow_preamble():
    from migrator.reference.runner import error_reason

    class InvalidArgumentError(Exception):
        pass
    err = InvalidArgumentError("Graph execution error:\n\nDetected at node 'x' defined at (most recent call "
                               "last):\n  File \"s.py\", line 3, in <module>\nNode: 'x'\nYou must feed a value for "
                               "placeholder tensor 'x' with dtype float\n\t [[{{node x}}]]")
    assert error_reason(err) == "InvalidArgumentError: You must feed a value for placeholder tensor 'x' with dtype float"
    assert error_reason(ValueError("bad")) == "ValueError: bad"


def test_headline_prefers_the_larger_evaluation():
    a, b, y = _pairs(400)
    small = _final([{"names": ["l", "r"], "outputs": [a[:30], b[:30]], "keys": [["k1", "k2"]], "labels": y[:30]},
                    {"names": ["l", "r"], "outputs": [a, b], "keys": [["k3", "k4"]], "labels": y}])
    res = C.analyze(small)
    assert res["analyses"][res["headline_index"]]["rows"] == 400
