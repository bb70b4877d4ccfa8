"""``tflearn-migrate demo | compare | suite``: retrain legacy and migrated models side by side.

    tflearn-migrate demo [--models A,B] [--epochs N] [--out DIR] [--data FILE.npz] [--quick]
        Migrate the bundled legacy reference models (reference_models/legacy/) with the real
        migrator - faithful (--no-fixes) and with fixes - into DIR (default: a temp dir), print
        the migration summary, retrain every variant that can run on the same data and seed,
        and print the comparison table.
    tflearn-migrate compare SCRIPT.py --out DIR [--steps N] [--time-limit S] [--migrated M.py] [--fixed F.py]
        Any legacy script (top-level tflearn / TF1 code that trains and prints), unmodified: it
        runs in the legacy runtime, its faithful and fixed migrations in Keras 3, each in its
        own subprocess, instrumented from the outside (per-step loss and time, predictions,
        labels; migrator/reference/compare_script.py). A script that defines the reference
        harness contract ``train(data, epochs=, seed=)`` (reference_models/README.md) is
        trained by the harness on the suite's data instead (--script forces the plain mode).
    tflearn-migrate suite [...]
        Every bundled model at its own default number of epochs (scripts/run_suite.py).

Outputs in DIR: results.json (every metric, verdict, per-epoch times), results.md (the
table), migrated/{faithful,fixed}/ (the migrator's output and report.json), runs/ (logs and raw
outputs of each training run), plots/ (PNG) unless --no-plots.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import harness, report

QUICK_EPOCHS = 2


def _parser(name: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"tflearn-migrate {name}", description=__doc__.split("\n\n")[1 if name == "demo" else 0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    if name == "compare":
        p.add_argument("legacy", type=Path, help="legacy script (plain, or defining train(data, epochs=, seed=))")
        p.add_argument("--steps", type=int, help="plain scripts: stop every variant's training after N steps")
        p.add_argument("--time-limit", type=float, metavar="S",
                       help="plain scripts: stop every variant's training after S seconds of training")
        p.add_argument("--script", action="store_true",
                       help="run it as a plain script even if it defines train(data, epochs=...)")
        p.add_argument("--timeout", type=float, default=1800, help="plain scripts: seconds per run (default 1800)")
        p.add_argument("--no-monitor", action="store_true",
                       help="plain scripts: do not add the CollapseMonitor to Keras fit calls")
        p.add_argument("--migrated", type=Path, help="faithful migrated version (default: run the migrator --no-fixes)")
        p.add_argument("--fixed", type=Path, help="migrated version with fixes (default: run the migrator)")
        p.add_argument("--expected-faithful", type=Path, help="a hand-written faithful Keras 3 version to compare as well")
        p.add_argument("--expected-fixed", type=Path, help="a hand-written fixed Keras 3 version to compare as well")
    else:
        p.add_argument("--models", help="comma-separated model names (default: all bundled models)")
    p.add_argument("--epochs", type=int, default=None,
                   help="epochs for every model (default: each model's EPOCHS; demo: at most %d for "
                        "Siamese models)" % 4)
    p.add_argument("--seed", type=int, default=0, help="training seed (the data split never depends on it)")
    p.add_argument("--data", type=Path, help="images + labels .npz instead of sklearn's digits")
    p.add_argument("--out", type=Path, help="output directory (default: a new temp dir)")
    p.add_argument("--quick", action="store_true", help=f"{QUICK_EPOCHS} epochs, fewer training pairs (smoke test)")
    p.add_argument("--no-expected", action="store_true",
                   help="do not run the hand-written Keras 3 targets in reference_models/expected/")
    p.add_argument("--no-plots", action="store_true", help="write no PNG plots")
    p.add_argument("--json", action="store_true", help="print results.json instead of the table")
    return p


def _migrate(sources: list[Path], out: Path, fixes: bool) -> dict:
    """Run the real migrator CLI (a subprocess: exactly what a user runs) on ``sources``."""
    staging = out.with_name(out.name + "_src")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for s in sources:
        shutil.copy2(s, staging / s.name)
    rep = out.with_name(out.name + "_report.json")
    cmd = [sys.executable, "-m", "migrator", str(staging), "--out", str(out), "--force", "-q", "--jobs", "1",
           "--report", str(rep)] + list(harness.MIGRATE_FLAGS["fixed" if fixes else "faithful"])
    proc = subprocess.run(cmd, env=harness._env(), cwd=str(harness.ROOT), capture_output=True, text=True)
    doc = json.loads(rep.read_text()) if rep.exists() else {}
    shutil.rmtree(staging, ignore_errors=True)
    if rep.exists():
        shutil.move(str(rep), str(out / "report.json"))
    return {"exit": proc.returncode, "stderr": proc.stderr[-2000:], "report": doc}


def _print_migration(label: str, mig: dict, out: Path, echo) -> None:
    doc = mig.get("report") or {}
    s = doc.get("summary")
    if not s:
        echo(f"  {label}: migrator failed (exit {mig['exit']}): {mig['stderr'].strip()[-300:]}")
        return
    echo(f"  {label:9} -> {out}: {s['migrated']} migrated, {s['unchanged']} unchanged, {s['failed']} failed; "
         f"{s['todo']} TODO markers (exit {mig['exit']})")
    for f in doc.get("files", []):
        todo = sum(1 for d in f["diagnostics"] if d["todo"])
        fixed = sorted({d["rule"] for d in f["diagnostics"] if d["fixed"]})
        found = sorted({d["rule"] for d in f["diagnostics"] if d["kind"] == "fix" and not d["fixed"]})
        extra = (f"; fixes applied: {','.join(fixed)}" if fixed else "") + \
                (f"; causes reported: {','.join(found)}" if found else "")
        echo(f"      {Path(f['path']).name:24} {f['status']:9} {todo:3d} TODO{extra}")


def _data(args, quick: bool, workdir: Path, echo) -> tuple[Path, dict]:
    from . import data as D

    cfg = D.DataConfig(path=str(args.data) if args.data else None)
    if quick:
        cfg.train_pairs, cfg.test_pairs = 2000, 1000
    d = D.load(cfg)
    path = D.save(d, workdir / "data.npz")
    summ = {**cfg.describe(), **D.summary(d)}
    echo(f"data: {summ['source']}: {summ['train']} train / {summ['test']} held-out images {summ['image_shape']}, "
         f"{summ['train_pairs']} / {summ['test_pairs']} pairs, fingerprint {summ['fingerprint']}")
    return path, summ


DEMO_SIAMESE_EPOCHS = 4


def epochs_for(path: Path, args, name: str) -> int:
    """--epochs if given; --quick: QUICK_EPOCHS; demo: at most DEMO_SIAMESE_EPOCHS for Siamese
    models (about 0.5-1 s an epoch on 2 cores) and the model's own EPOCHS for classifiers (a few
    steps an epoch); compare/suite: the model's own EPOCHS."""
    own = int(harness.model_attr(path, "EPOCHS", 8))
    if args.epochs is not None:
        return args.epochs
    if args.quick:
        return QUICK_EPOCHS
    if name == "demo" and harness.model_attr(path, "KIND", "siamese") == "siamese":
        return min(own, DEMO_SIAMESE_EPOCHS)
    return own


def run_models(models: dict[str, dict[str, Path]], args, out: Path, *, command: str, echo=print) -> dict:
    """``models``: name -> {variant: path}. Trains every variant; returns the run dict."""
    t0 = time.time()
    runs = out / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    data_path, summ = _data(args, args.quick, runs, echo)
    result = {"tool": "tflearn-migrate reference suite", "command": command,
              "config": {"epochs": args.epochs, "seed": args.seed, "quick": bool(args.quick)},
              "migrate_flags": {k: list(v) for k, v in harness.MIGRATE_FLAGS.items()},
              "fix_rules": harness.fix_rules(),
              "data": summ, "machine": report.machine(), "models": {}}
    with __import__("numpy").load(data_path) as z:
        test = {k: z[k] for k in ("pair_test_y", "y_test")}
    echo(f"training (seed={args.seed}); logs in {runs}")
    for name, variants in models.items():
        kind = harness.model_attr(variants["legacy"], "KIND", "siamese")
        epochs = epochs_for(variants["legacy"], args, command)
        entry = {"kind": kind, "cause": _first_line(variants["legacy"]), "epochs": epochs, "variants": {}}
        for vn in harness.VARIANTS:
            if vn not in variants:
                continue
            r = harness.run_variant(name, vn, variants[vn], data_path, runs, epochs=epochs, seed=args.seed,
                                    kind=kind, data=test)
            echo(f"  {name:18} {vn:9} {harness.describe(r)}")
            entry["variants"][vn] = r.to_json()
            entry.setdefault("_arrays", {})[vn] = r.arrays
        entry["checks"] = report.checks(entry["variants"])
        if any(k.startswith("expected") for k in entry["variants"]):
            entry["expected_checks"] = report.checks(entry["variants"], "expected_faithful", "expected_fixed")
        entry["speed"] = report.speed(entry["variants"])
        result["models"][name] = entry
    if not args.no_plots:
        try:
            from . import plots

            written = plots.plot_run(result, test, out / "plots")
            result["plots"] = [str(p) for p in written]
        except ImportError as ex:  # matplotlib missing: the numbers still count
            echo(f"plots skipped: {ex}")
    for entry in result["models"].values():
        entry.pop("_arrays", None)
    result["elapsed_s"] = round(time.time() - t0, 1)
    return result


def _first_line(path: Path) -> str:
    try:
        import ast

        doc = ast.get_docstring(ast.parse(Path(path).read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError):
        return ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _finish(result: dict, out: Path, args, echo) -> int:
    j, md = report.write(result, out)
    if args.json:
        print(j.read_text())
    else:
        echo("")
        echo(report.markdown(result))
    echo(f"wrote {j} and {md}" + (f" and {len(result.get('plots', []))} plots in {out / 'plots'}"
                                 if result.get("plots") else ""))
    echo(f"total {result['elapsed_s']:.0f}s")
    return 0


def main(name: str, argv: list[str]) -> int:
    args = _parser(name).parse_args(argv)
    echo = (lambda *a, **k: print(*a, file=sys.stderr, **k)) if args.json else (lambda *a, **k: print(*a, **k, flush=True))
    out = args.out or Path(tempfile.mkdtemp(prefix=f"tflearn-migrate-{name}-"))
    out.mkdir(parents=True, exist_ok=True)
    if name == "compare":
        legacy = args.legacy
        if not legacy.is_file():
            print(f"tflearn-migrate compare: {legacy}: no such file", file=sys.stderr)
            return 2
        import ast

        try:
            ast.parse(legacy.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError) as ex:
            print(f"tflearn-migrate compare: {legacy}: cannot parse: {ex}", file=sys.stderr)
            return 2
        from . import compare_script

        if args.script or not compare_script.is_harness_model(legacy):
            if args.steps is not None and args.steps < 1:
                print("tflearn-migrate compare: --steps must be at least 1", file=sys.stderr)
                return 2
            result = compare_script.compare(legacy.resolve(), out, migrated=args.migrated, fixed=args.fixed,
                                            steps=args.steps, time_limit=args.time_limit, timeout=args.timeout,
                                            plots=not args.no_plots, monitor=not args.no_monitor, echo=echo)
            j, md = compare_script.write(result, out)
            if args.json:
                print(j.read_text())
            else:
                echo("")
                echo(md.read_text())
            echo(f"wrote {j} and {md}" + (f" and {len(result.get('plots', []))} plots in {out / 'plots'}"
                                         if result.get("plots") else ""))
            return 0
        mname = legacy.stem
        variants = {"legacy": legacy}
        for vn, given, fixes in (("faithful", args.migrated, False), ("fixed", args.fixed, True)):
            if given is not None:
                variants[vn] = given
                continue
            dest = out / "migrated" / vn
            mig = _migrate([legacy], dest, fixes=fixes)
            _print_migration(vn, mig, dest, echo)
            variants[vn] = dest / legacy.name
        for vn in ("expected_faithful", "expected_fixed"):
            if getattr(args, vn) is not None:
                variants[vn] = getattr(args, vn)
        result = run_models({mname: variants}, args, out, command=name, echo=echo)
        return _finish(result, out, args, echo)

    names = harness.model_names()
    if args.models:
        wanted = [m.strip() for m in args.models.split(",") if m.strip()]
        unknown = [m for m in wanted if m not in names]
        if unknown:
            print(f"tflearn-migrate {name}: unknown model(s) {', '.join(unknown)}; bundled: {', '.join(names)}",
                  file=sys.stderr)
            return 2
        names = wanted
    sources = [harness.LEGACY_DIR / f"{n}.py" for n in names]
    echo(f"tflearn-migrate {name}: {len(names)} legacy reference model(s) from {harness.LEGACY_DIR}")
    echo("migrating with the real migrator (tflearn-migrate --no-fixes, and --unsafe-fixes: every "
         "fix, unsafe ones " + ", ".join(harness.fix_rules()["unsafe"]) + " included):")
    models: dict[str, dict[str, Path]] = {n: {"legacy": harness.LEGACY_DIR / f"{n}.py"} for n in names}
    for vn, fixes in (("faithful", False), ("fixed", True)):
        dest = out / "migrated" / vn
        mig = _migrate(sources, dest, fixes=fixes)
        _print_migration(vn, mig, dest, echo)
        for n in names:
            models[n][vn] = dest / f"{n}.py"
    if not args.no_expected:
        for n in names:
            for mode in ("faithful", "fixed"):
                p = harness.EXPECTED_DIR / mode / f"{n}.py"
                if p.exists():
                    models[n][f"expected_{mode}"] = p
    result = run_models(models, args, out, command=name, echo=echo)
    return _finish(result, out, args, echo)
