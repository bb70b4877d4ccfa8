"""Migrate a corpus of real legacy code and measure what the migrator leaves behind.

    python scripts/realworld_check.py PATH [PATH ...] [--jobs N] [--json out.json]

PATH is legacy code you have (e.g. a checkout of tflearn's own ``examples/`` directory:
``git clone https://github.com/tflearn/tflearn && python scripts/realworld_check.py
tflearn/examples``). Nothing fetched is committed to this repository; the numbers this
prints are quoted in the closing notes / README.

It runs the real CLI (``python -m migrator PATH --out TMP --report TMP/report.json``) and
then checks every output file:

* it parses (``compile``);
* a second run over the output changes nothing (``--check`` exits 0: idempotence);
* no legacy reference (tflearn / TensorFlow name) is left outside a statement carrying a
  ``TODO(tflearn-migrate)`` marker (``migrator.check.legacy_refs_outside_todo``);
* how many TODO markers remain, by rule, and how many files are fully translated;
* with ``--run``: every fully translated output that no longer imports TensorFlow is RUN on
  small synthetic datasets (``scripts/run_synthetic.py``: mnist.npz in a temporary
  KERAS_HOME, step constants capped in a temporary copy, ``--run-timeout`` seconds each;
  a timeout after the script started counts as "partial": it trained, we stopped it).

Exit status 1 when an output does not parse, is not idempotent, or has unmarked legacy
references - the promises of the tool - so the script can gate a release.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from migrator import TODO_MARKER  # noqa: E402


def _unmarked(source: str) -> list:
    try:
        from migrator.check import legacy_refs_outside_todo
    except ImportError:  # pragma: no cover - older checkouts
        return []
    return list(legacy_refs_outside_todo(source))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--json", help="write the numbers as JSON here")
    ap.add_argument("--keep", help="keep the migrated tree in this directory")
    ap.add_argument("--run", action="store_true", help="run the fully translated outputs on synthetic data")
    ap.add_argument("--run-timeout", type=float, default=120)
    ap.add_argument("--run-cap", type=int, default=20, help="cap step/epoch constants in the run copy")
    args = ap.parse_args(argv)

    tmp = Path(args.keep or tempfile.mkdtemp(prefix="tfm-realworld-"))
    out = tmp / "out"
    report = tmp / "report.json"
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "migrator", *args.paths, "--out", str(out), "--report", str(report),
           "--jobs", str(args.jobs), "-q"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if not report.exists():
        print(proc.stdout, proc.stderr, sep="\n")
        print(f"migration failed (exit {proc.returncode})")
        return 2
    rep = json.loads(report.read_text())
    summ = rep["summary"]

    # the helpers modules the run wrote (one per directory) are not corpus files
    outputs = sorted(f for f in out.rglob("*.py") if f.name != "tfm_helpers.py")
    parse_fail, unmarked, todo_files, clean, full = [], {}, 0, [], 0
    todo_lines = 0
    for f in outputs:
        src = f.read_text(encoding="utf-8", errors="replace")
        rel = str(f.relative_to(out))
        status = next((x["status"] for x in rep["files"] if x["path"].endswith(rel)), "?")
        try:
            compile(src, str(f), "exec")
        except SyntaxError:
            # inputs that did not parse are copied unchanged (reported as failed); only
            # count outputs the migrator wrote
            if status == "migrated":
                parse_fail.append(rel)
            continue
        n = src.count(TODO_MARKER)
        todo_lines += n
        todo_files += bool(n)
        refs = _unmarked(src)
        if refs:
            unmarked[rel] = refs[:5]
        # fully translated: no TODO, no legacy name left, and written by the migrator (a file it
        # failed on is copied unchanged: no TODO marker, but nothing translated either)
        if not n and not refs and status != "failed":
            full += 1
            if not re.search(r"^\s*(import|from)\s+tensorflow\b", src, re.M):
                clean.append(f)

    again = subprocess.run([sys.executable, "-m", "migrator", str(out), "--check", "-q"], cwd=ROOT,
                           capture_output=True, text=True)
    by_rule = collections.Counter()
    for r in summ["rules"]:
        if r["todo"]:
            by_rule[r["rule"]] = r["todo"]
    n_py = len(outputs)
    result = {
        "files": summ["files"], "migrated": summ["migrated"], "unchanged": summ["unchanged"],
        "failed": summ["failed"], "todo_markers": summ["todo"], "todo_by_rule": dict(by_rule.most_common()),
        "files_fully_translated": full, "files_with_todo": todo_files,
        "outputs_not_parsing": parse_fail, "files_with_unmarked_legacy_refs": unmarked,
        "second_run_changes_nothing": again.returncode == 0,
        "lines": sum(len(f.read_text(errors="replace").splitlines()) for f in outputs),
        "wall_s": round(wall, 2), "files_per_s": round(summ["files"] / wall, 2) if wall else None,
    }
    print(f"{result['files']} files ({result['lines']} lines) in {wall:.1f} s "
          f"({result['files_per_s']} files/s, -j{args.jobs})")
    print(f"migrated {result['migrated']}, unchanged {result['unchanged']}, failed {result['failed']}")
    print(f"fully translated (no TODO): {result['files_fully_translated']}/{n_py}; "
          f"TODO markers: {result['todo_markers']}")
    for rule, n in by_rule.most_common(12):
        name = next((r["name"] for r in summ["rules"] if r["rule"] == rule), "")
        print(f"  {rule} {name:<28} {n:5d}")
    print(f"outputs that do not parse: {len(parse_fail)}")
    print(f"files with legacy references outside TODO lines: {len(unmarked)}")
    for k, v in list(unmarked.items())[:10]:
        print(f"  {k}: {v}")
    print(f"second run changes nothing: {result['second_run_changes_nothing']}")
    if not result["second_run_changes_nothing"]:
        print(again.stdout[-2000:])
    if args.run:
        sys.path.insert(0, str(ROOT / "scripts"))
        import run_synthetic

        runs = {}
        for f in clean:
            r = run_synthetic.run(f, timeout=args.run_timeout, cap=args.run_cap or None)
            runs[str(f.relative_to(out))] = r
            why = f" ({r['error']})" if r["error"] else ""
            print(f"  run {r['status']:<8} {r['wall_s']:6.1f}s {f.relative_to(out)}{why}")
        counts = collections.Counter(r["status"] for r in runs.values())
        result["runs"] = runs
        result["runs_ok"] = counts["ok"] + counts["partial"]
        print(f"fully translated outputs that run on synthetic data: {result['runs_ok']}/{len(clean)} "
              f"({dict(counts)})")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    ok = not parse_fail and not unmarked and result["second_run_changes_nothing"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
