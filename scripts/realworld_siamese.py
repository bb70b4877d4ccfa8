"""Measure the real-world Siamese corpus: legacy vs faithful vs fixed migration, plus verify.

    python scripts/realworld_siamese.py [FIXTURE ...] [--timeout 300] [--no-verify]
                                        [--seeds K] [--json out.json] [--keep DIR]

FIXTURE defaults to every ``tests/fixtures/realworld/*.py`` (each written after a public
TF1 Siamese / triplet repository, see ``docs/corpus.md``). For each one:

1. **legacy**: the fixture runs in the legacy runtime (``python -m migrator.legacy.run``,
   TF1 semantics on TF 2.21, its own subprocess);
2. **faithful**: ``tflearn-migrate --no-fixes`` output runs under Keras 3 (own subprocess);
3. **fixed**: ``tflearn-migrate`` (default: the SAFE fixes only) output runs under Keras 3;
4. **all fixes**: ``tflearn-migrate --unsafe-fixes`` (the unsafe fixes too: data and
   hyperparameter changes - rescaling, class weights, learning rate, keep_prob ...) output runs
   under Keras 3; where its text is the safe-fixes text (no unsafe fix fired) the fixed run is
   reported again ("= fixed") instead of training the same program twice;
5. **verify**: ``tflearn-migrate verify FIXTURE --migrated FAITHFUL`` (the fixtures all
   train), only when the faithful output ran.

A fixture may also be a DIRECTORY (a program split over modules, e.g.
``tests/fixtures/multifile_siamese``): its entry point is ``train.py``, the whole directory is
migrated in one run (the runner's cross-module facts) and ``train.py`` is what runs and what
verify compares; the docstring facts are read from ``train.py``.

The corpus convention: every fixture ends by writing
``np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=..., same=...)`` - ``d`` one number
per held-out pair, a DISTANCE (smaller = more alike; models that output a probability of
"same" write ``1 - p``), ``same`` 1 for a same-class pair, 0 otherwise. The pair ROC AUC is
``migrator.reference.metrics.roc_auc(-d, same)``. A migrated file that does not run, or runs
without writing that file, is reported "not runnable" with the reason (TODO markers left,
the exception it died of). "TFM201" counts the unshared-towers diagnostics of each
migration; the "TF1 sharing" column is what TF1 does with the fixture's towers (from its
docstring), so an unshared fixture whose TFM201 count is 0 is a missed report.

``--seeds K`` trains each program K times from K initialisations (``TFM_SEED_OFFSET`` 0..K-1:
``migrator.legacy.run`` moves TF1's graph-level seeds, ``migrator.reference.run_seeded`` moves
Keras' backend seed; the data is the same in every run) and reports mean +- standard deviation:
one initialisation of a small model trained for a minute can move the AUC by 0.1, more than
the 0.05 a faithful migration is judged by.

Prints a markdown table (quoted in issue 10's closing note). Exit 0 unless a LEGACY run
fails (that would be a broken fixture); migrated runs failing is the measurement itself.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from migrator.reference.metrics import roc_auc  # noqa: E402  (numpy only)

CORPUS = ROOT / "tests" / "fixtures" / "realworld"
TODO = "TODO(tflearn-migrate)"


ENTRY = "train.py"  # a directory fixture's entry point


def entry_of(path: Path) -> Path:
    """The script that runs: the fixture itself, or a directory fixture's ``train.py``."""
    return path / ENTRY if path.is_dir() else path


def fixture_info(path: Path) -> dict:
    """Repository and TF1 sharing, read from the fixture's docstring."""
    text = entry_of(path).read_text(encoding="utf-8")
    repo = re.search(r"Mirrors\s+([\w.-]+/[\w.-]+)", text)
    share = re.search(r"Sharing in TF1:\s*([^\n]*)", text)
    word = (share.group(1) if share else "?").strip()
    first = re.match(r"[A-Za-z]*", word).group(0).upper()
    sharing = {"YES": "shared", "NO": "unshared", "PARTLY": "partly shared"}.get(first, first.lower() or "?")
    return {"repo": repo.group(1) if repo else "?", "sharing": sharing}


def _env(legacy: bool, out: Path) -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e["TFM_EVAL_OUT"] = str(out)
    e.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    e["KERAS_BACKEND"] = "tensorflow"
    e["CUDA_VISIBLE_DEVICES"] = ""
    for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
        e.setdefault(k, "1")
    if not legacy:
        e.pop("TF_USE_LEGACY_KERAS", None)
    return e


def _last_error(stderr: str) -> str:
    lines = [l.strip() for l in stderr.strip().splitlines() if l.strip()]
    for l in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception|Exit)\b", l) or l.startswith(("ValueError", "TypeError")):
            return l[:160]
    return (lines[-1][:160] if lines else "no output")


def run_seeds(cmd: list, cwd: Path, legacy: bool, timeout: int, seeds: int) -> dict:
    """``run_program`` once per initialisation; -> the first run's fields, plus ``aucs`` and
    ``auc`` = their mean, ``auc_std`` (when seeds > 1)."""
    if seeds <= 1:
        return run_program(cmd, cwd, legacy, timeout)
    runs = [run_program(cmd, cwd / f"seed{k}", legacy, timeout, offset=k) for k in range(seeds)]
    bad = next((r for r in runs if "auc" not in r), None)
    if bad is not None:
        return bad
    import numpy as np

    aucs = [r["auc"] for r in runs]
    return {**runs[0], "aucs": aucs, "auc": float(np.mean(aucs)), "auc_std": float(np.std(aucs)),
            "seconds": round(sum(r["seconds"] for r in runs), 1), "finite": all(r["finite"] for r in runs)}


def run_program(cmd: list, cwd: Path, legacy: bool, timeout: int, offset: int = 0) -> dict:
    """Run one program in its own subprocess; -> {auc, seconds} or {error}."""
    cwd.mkdir(parents=True, exist_ok=True)
    out = cwd / "eval.npz"
    out.unlink(missing_ok=True)
    env = _env(legacy, out)
    if offset:
        env["TFM_SEED_OFFSET"] = str(offset)
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    res = {"seconds": round(time.perf_counter() - t0, 1), "exit": p.returncode}
    (cwd / "stderr.txt").write_text(p.stderr)
    if p.returncode != 0:
        res["error"] = f"crashed: {_last_error(p.stderr)}"
        return res
    if not out.exists():
        res["error"] = "ran but wrote no eval.npz"
        return res
    import numpy as np

    z = np.load(out)
    d, same = np.asarray(z["d"], np.float64).ravel(), np.asarray(z["same"]).ravel()
    res["pairs"] = int(len(d))
    res["finite"] = bool(np.all(np.isfinite(d)))
    res["auc"] = float(roc_auc(-d, same)) if len(d) == len(same) else float("nan")
    return res


MODES = (("faithful", ["--no-fixes"]), ("fixed", []), ("all", ["--unsafe-fixes"]))


def migrate(fixture: Path, out_dir: Path, flags: list[str]) -> dict:
    """Run the CLI with ``flags``; -> {path, todo, todo_rules, tfm201, fixed_rules, error?}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / "report.json"
    cmd = [sys.executable, "-m", "migrator", str(fixture), "--out", str(out_dir), "--report", str(report), "-q"]
    cmd += flags
    p = subprocess.run(cmd, cwd=ROOT, env=_env(False, out_dir / "unused.npz"), capture_output=True, text=True,
                       timeout=300)
    target = out_dir / ENTRY if fixture.is_dir() else out_dir / fixture.name
    if not target.exists() or not report.exists():
        return {"error": f"migration failed (exit {p.returncode}): {_last_error(p.stderr or p.stdout)}"}
    rep = json.loads(report.read_text())
    diags = [d for f in rep.get("files", []) for d in f.get("diagnostics", [])]
    todo_rules: dict = {}
    for d in diags:
        if d.get("todo"):
            todo_rules[d["rule"]] = todo_rules.get(d["rule"], 0) + 1
    outputs = sorted(out_dir.glob("*.py")) if fixture.is_dir() else [target]
    todo = sum(f.read_text(encoding="utf-8").count(TODO) for f in outputs)
    return {"path": str(target), "todo": todo, "todo_rules": todo_rules,
            "tfm201": sum(1 for d in diags if d["rule"] == "TFM201"),
            "fixed_rules": sorted({d["rule"] for d in diags if d.get("fixed")}),
            "errors": [f"{d['rule']}:{d['line']}" for d in diags if d.get("severity") == "error"]}


def run_verify(fixture: Path, migrated: Path, work: Path, timeout: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    js = work / "verify.json"
    # verify runs the legacy program in its own directory: a copy here, so that what it writes
    # (checkpoints, event files) stays out of tests/fixtures
    legacy_dir = work / "legacy_src"
    legacy_dir.mkdir(exist_ok=True)
    if fixture.is_dir():  # the modules the entry point imports come along
        import shutil

        shutil.copytree(fixture, legacy_dir / fixture.name, dirs_exist_ok=True)
        copy = legacy_dir / fixture.name / ENTRY
    else:
        copy = legacy_dir / fixture.name
        copy.write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    cmd = [sys.executable, "-m", "migrator", "verify", str(copy), "--migrated", str(migrated),
           "--json", str(js), "--keep", str(work / "probes")]
    try:
        p = subprocess.run(cmd, cwd=work, env=_env(False, work / "unused.npz"), capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"verdict": f"timed out after {timeout} s"}
    (work / "verify.txt").write_text(p.stdout + p.stderr)
    if not js.exists():
        return {"verdict": f"error: {_last_error(p.stderr or p.stdout)}"}
    res = json.loads(js.read_text())
    if res.get("error"):
        return {"verdict": "error: " + res["error"].strip().splitlines()[-1][:120]}
    return {"verdict": "EQUIVALENT" if res.get("ok") else "NOT PROVEN" if res.get("unproven") else "DIFFERENT"}


def _cell(res: dict, mig: dict | None = None) -> str:
    if mig is not None and "error" in mig:
        return "not runnable: " + mig["error"]
    if res.get("same_as"):
        return "= " + res["same_as"]
    if "auc" in res:
        s = f"{res['auc']:.3f}" + (f" +- {res['auc_std']:.3f}" if "auc_std" in res else "")
        if not res.get("finite", True):
            s += " (non-finite d)"
        if mig and mig.get("todo"):
            s += f" ({mig['todo']} TODO)"
        return s
    why = res.get("error", "?")
    if mig and mig.get("todo"):
        rules = ", ".join(f"{r} x{n}" for r, n in sorted(mig["todo_rules"].items())) or "?"
        why = f"{mig['todo']} TODO ({rules}); {why}"
    return "not runnable: " + why


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fixtures", nargs="*", type=Path)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per program run")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--seeds", type=int, default=1, help="initialisations per program (mean +- std)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", type=Path, help="work directory (kept)")
    args = ap.parse_args(argv)
    fixtures = []
    for f in args.fixtures:  # a path, or a fixture's name in the corpus (``evildj_expcontrastive``)
        cand = f if f.exists() else CORPUS / (f.name if f.suffix == ".py" else f.name + ".py")
        if cand.is_dir() and (cand / ENTRY).is_file():
            fixtures.append(cand.resolve())
            continue
        if not cand.is_file():
            ap.error(f"{f}: no such file, and no fixture of that name in {CORPUS}")
        fixtures.append(cand.resolve())
    fixtures = fixtures or sorted(p for p in CORPUS.glob("*.py") if not p.name.startswith("_"))
    work = args.keep or Path(tempfile.mkdtemp(prefix="tfm-siamese-corpus-"))
    rows, broken = [], 0
    for fx in fixtures:
        name = fx.name if fx.is_dir() else fx.stem
        info = fixture_info(fx)
        row = {"fixture": name, **info}
        print(f"[{name}] legacy ...", file=sys.stderr, flush=True)
        row["legacy"] = run_seeds([sys.executable, "-m", "migrator.legacy.run", str(entry_of(fx))], work / name / "legacy",
                                  True, args.timeout, args.seeds)
        broken += "auc" not in row["legacy"]
        texts: dict = {}
        for mode, flags in MODES:
            mig = migrate(fx, work / name / f"{mode}_src", flags)
            row[mode + "_migration"] = mig
            text = Path(mig["path"]).read_text(encoding="utf-8") if "path" in mig else None
            if mode == "all" and text is not None and texts.get("fixed") == text:
                row[mode] = {**row["fixed"], "same_as": "fixed"}
                continue
            texts[mode] = text
            print(f"[{name}] {mode} ...", file=sys.stderr, flush=True)
            if "path" not in mig:  # the migration itself failed: its error is the cell
                row[mode] = {}
                continue
            cmd = [sys.executable, "-m", "migrator.reference.run_seeded", mig["path"]] if args.seeds > 1 else \
                [sys.executable, mig["path"]]
            row[mode] = run_seeds(cmd, work / name / mode, False, args.timeout, args.seeds)
        if args.no_verify:
            row["verify"] = {"verdict": "skipped"}
        elif "auc" in row["faithful"]:
            print(f"[{name}] verify ...", file=sys.stderr, flush=True)
            row["verify"] = run_verify(fx, Path(row["faithful_migration"]["path"]), work / name / "verify",
                                       args.timeout * 2)
        else:
            row["verify"] = {"verdict": "n/a (faithful output does not run)"}
        rows.append(row)

    print("| fixture | repo | TF1 sharing | legacy AUC | faithful AUC | fixed AUC (safe) | all fixes AUC | "
          "fixes applied (safe; + unsafe) | verify | TFM201 faithful / fixed |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        fm, xm = r["faithful_migration"], r["fixed_migration"]
        rep = f"{fm.get('tfm201', '-')} / {xm.get('tfm201', '-')}"
        if r["sharing"] in ("unshared", "partly shared") and not fm.get("tfm201"):
            rep += " (missed)"
        am = r["all_migration"]
        safe = xm.get("fixed_rules", [])
        extra = [x for x in am.get("fixed_rules", []) if x not in safe]
        applied = (", ".join(safe) or "-") + ("; + " + ", ".join(extra) if extra else "")
        print(f"| {r['fixture']} | {r['repo']} | {r['sharing']} | {_cell(r['legacy'])} | "
              f"{_cell(r['faithful'], fm)} | {_cell(r['fixed'], xm)} | {_cell(r['all'], am)} | {applied} | "
              f"{r['verify']['verdict']} | {rep} |")
    runs = [sum("auc" in r[m] for r in rows) for m, _ in MODES]
    print(f"\n{len(rows)} fixtures: faithful runs {runs[0]}/{len(rows)}, fixed runs {runs[1]}/{len(rows)}, "
          f"all-fixes runs {runs[2]}/{len(rows)}, "
          f"verify EQUIVALENT {sum(r['verify']['verdict'] == 'EQUIVALENT' for r in rows)}; work dir {work}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
