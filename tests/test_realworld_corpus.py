"""The real-world Siamese corpus (tests/fixtures/realworld, docs/corpus.md).

Each fixture is written after a public TF1 Siamese / triplet repository, keeps its idioms and
bugs, trains on ``load_digits`` and ends with the corpus convention
``np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=..., same=...)`` (held-out pair
distances, 1 = same class). ``scripts/realworld_siamese.py`` measures legacy / faithful /
fixed AUC and verify on it; these tests hold the promises that do not depend on the
translator's coverage:

* fast: every fixture migrates in both modes (``--no-fixes`` and default), the output parses,
  a second migration changes nothing, the evaluation line survives, and the fixture is
  documented (repository, TF1 sharing) the way the measuring script reads it;
* slow: every fixture runs in the legacy runtime and writes a sane npz (finite distances, both
  classes of pairs, an AUC computed from it).
"""
from __future__ import annotations

import ast
import importlib.util
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator.options import Options
from migrator.reference.metrics import roc_auc
from tests.migrate_cache import migrate_file, migrate_source

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "realworld"
NAMES = sorted(p.stem for p in CORPUS.glob("*.py") if not p.name.startswith("_"))
EVAL_LINE = 'np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz")'


def _script():
    spec = importlib.util.spec_from_file_location("realworld_siamese", ROOT / "scripts" / "realworld_siamese.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_corpus_has_at_least_eight_repositories():
    repos = {_script().fixture_info(CORPUS / f"{n}.py")["repo"] for n in NAMES}
    assert len(NAMES) >= 8 and len(repos) >= 8 and "?" not in repos, repos


@pytest.mark.parametrize("name", NAMES)
def test_fixture_is_documented_and_follows_the_convention(name):
    path = CORPUS / f"{name}.py"
    src = path.read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(src)) or ""
    assert "Mirrors" in doc and "Sharing in TF1:" in doc and "Bugs kept" in doc, name
    info = _script().fixture_info(path)
    assert info["sharing"] in ("shared", "unshared", "partly shared"), info
    assert src.count(EVAL_LINE) == 1, "one evaluation line, the corpus convention"
    # listed in docs/corpus.md
    assert f"{name}.py" in (ROOT / "docs" / "corpus.md").read_text(encoding="utf-8")


# every other fixture in faithful mode in the fast tier; the rest, and fixed mode (the same
# analyses plus the fix rules, with test_invariant's corpus run), in the slow tier (time, not
# TensorFlow: issue 14's fast tier on 2 cores)
@pytest.mark.parametrize("name,fixes", [
    pytest.param(n, f, marks=pytest.mark.slow) if f or i % 2 else (n, f)
    for i, n in enumerate(NAMES) for f in (False, True)],
    ids=[f"{n}-{'fixed' if f else 'faithful'}" for n in NAMES for f in (False, True)])
def test_fixture_migrates_parses_and_is_idempotent(name, fixes):
    path = CORPUS / f"{name}.py"
    src = path.read_text(encoding="utf-8")
    res = migrate_file(path, fixes)  # the migration test_invariant's corpus run checks too
    assert res.status != "failed", res.reason
    out = res.code
    compile(out, f"{name}.py", "exec")
    assert out != src, "a TF1 program is rewritten"
    again = migrate_source(out, str(path), Options(fixes=fixes))
    assert again.code == out, "a second migration changes nothing"
    # the evaluation reads only numpy arrays the script computed: it stays as written
    assert EVAL_LINE in out


def test_measuring_script_reads_sharing_from_docstrings(tmp_path):
    mod = _script()
    for words, want in (("YES - all get_variable", "shared"), ("NO - tf.Variable weights", "unshared"),
                        ("PARTLY (mostly not).", "partly shared")):
        p = tmp_path / "f.py"
        p.write_text(f'"""Mirrors someone/repo, x.py.\n\nSharing in TF1: {words}\n"""\n')
        assert mod.fixture_info(p) == {"repo": "someone/repo", "sharing": want}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_legacy_fixture_trains_and_writes_a_sane_npz(name, tmp_path):
    out = tmp_path / "eval.npz"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["TFM_EVAL_OUT"] = str(out)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["CUDA_VISIBLE_DEVICES"] = ""
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(CORPUS / f"{name}.py")], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    z = np.load(out)
    d, same = np.asarray(z["d"], np.float64), np.asarray(z["same"])
    assert d.shape == same.shape and d.ndim == 1 and len(d) >= 100
    assert np.all(np.isfinite(d))
    assert set(np.unique(same)) == {0.0, 1.0}
    auc = roc_auc(-d, same)
    assert math.isfinite(auc) and 0.0 <= auc <= 1.0


def test_measuring_script_runs_safe_and_all_fixes_and_reuses_identical_texts(tmp_path, monkeypatch, capsys):
    """The "fixed" column is the default migration (safe fixes only), "all fixes" adds
    --unsafe-fixes; an all-fixes text identical to the fixed one is not trained again."""
    mod = _script()
    head = '"""Mirrors someone/{0}, x.py.\n\nSharing in TF1: YES\n"""\nimport tensorflow as tf\n'
    body = ("x = tf.placeholder(tf.float32, [None, 4])\n"
            "y = tf.placeholder(tf.float32, [None, 1])\n"
            "out = tf.layers.dense(x, 1)\n"
            "loss = tf.reduce_mean(tf.square(out - y))\n"
            "train_op = tf.train.AdamOptimizer({1}).minimize(loss)\n")
    (tmp_path / "high_rate.py").write_text(head.format("a") + body.format("a", "0.5"))   # TFM303: unsafe
    (tmp_path / "plain.py").write_text(head.format("b") + body.format("b", "0.001"))     # no fix at all
    runs = []

    def fake_run(cmd, cwd, legacy, timeout, seeds):
        runs.append(Path(cwd).parent.name + "/" + Path(cwd).name)
        return {"auc": 0.5 + 0.01 * len(runs), "seconds": 0.0, "finite": True}

    monkeypatch.setattr(mod, "run_seeds", fake_run)
    assert mod.main([str(tmp_path / "high_rate.py"), str(tmp_path / "plain.py"), "--no-verify",
                     "--keep", str(tmp_path / "work")]) == 0
    assert runs == ["high_rate/legacy", "high_rate/faithful", "high_rate/fixed", "high_rate/all",
                    "plain/legacy", "plain/faithful", "plain/fixed"]
    fixed = (tmp_path / "work" / "high_rate" / "fixed_src" / "high_rate.py").read_text()
    unsafe = (tmp_path / "work" / "high_rate" / "all_src" / "high_rate.py").read_text()
    assert "learning_rate=0.5" in fixed and "learning_rate=0.001" in unsafe
    table = capsys.readouterr().out
    rows = {line.split(" | ")[0].strip("| "): line for line in table.splitlines() if line.startswith("| ")}
    assert "| 0.530 | 0.540 | -; + TFM303 |" in rows["high_rate"]  # fixed (run 3), all fixes (run 4)
    assert "| = fixed | - |" in rows["plain"]
