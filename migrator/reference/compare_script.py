"""``tflearn-migrate compare SCRIPT.py``: any legacy script, unmodified, against its migrations.

The script (top-level tflearn / TensorFlow 1 code that trains and prints) runs three times,
each in a subprocess of its own (migrator/reference/runner.py):

* ``legacy``   - as it is, in the legacy runtime (TF1 graph mode + tflearn, the shim);
* ``faithful`` - the migrator's ``--no-fixes`` output, in Keras 3;
* ``fixed``    - the migrator's default output, in Keras 3.

Each run is instrumented from the outside (hooks_legacy.py / hooks_keras.py: the user's files
are never edited): per-step loss and time, the arrays the script predicts and their labels
where they can be found (capture.py). A migrated file with TODO markers or legacy imports left
is reported "not runnable" with the reason - it is not run. ``--steps N`` / ``--time-limit S``
cap the training of every variant alike.

Outputs in DIR: results.json, results.md, plots/*.png, migrated/{faithful,fixed}/ (the
migrator's output and report.json), runs/ (each run's log and raw captures).
"""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from . import harness, report

VARIANTS = ("legacy", "faithful", "fixed")
_LEGACY_IMPORT = re.compile(r"^\s*(import|from)\s+(tflearn|tensorflow)\b", re.M)


def is_harness_model(path: Path) -> bool:
    """Does the file follow the reference harness contract (``def train(data, epochs=...)``)?"""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return False
    for n in tree.body:
        if isinstance(n, ast.FunctionDef) and n.name == "train":
            names = [a.arg for a in n.args.args + n.args.kwonlyargs]
            return bool(names) and names[0] == "data" and "epochs" in names
    return False


def runnable(path: Path) -> tuple[bool, str]:
    """Can a migrated script run on Keras 3 alone (no TODO markers, no legacy imports)?"""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as ex:
        return False, f"cannot read: {ex}"
    try:
        ast.parse(text)
    except SyntaxError as ex:
        return False, f"does not parse: {ex}"
    todos = text.count(harness.TODO_MARK)
    if todos:
        lines = [i + 1 for i, ln in enumerate(text.splitlines()) if harness.TODO_MARK in ln][:5]
        return False, f"{todos} TODO marker(s) left by the migrator (lines {', '.join(map(str, lines))})"
    m = _LEGACY_IMPORT.search(text)
    if m:
        return False, f"still imports {m.group(2)}"
    return True, ""


def local_modules(script: Path) -> list[Path]:
    """The script's sibling modules it imports (transitively): migrated along with it, so the
    migrated script imports their migrated versions."""
    found, todo = [], [script]
    while todo:
        f = todo.pop()
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        names = set()
        for n in ast.walk(tree):
            if isinstance(n, ast.Import):
                names |= {a.name.split(".")[0] for a in n.names}
            elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
                names.add(n.module.split(".")[0])
        for name in sorted(names):
            p = script.parent / f"{name}.py"
            if p.is_file() and p != script and p not in found:
                found.append(p)
                todo.append(p)
    return found


def run_one(variant: str, path: Path, cwd: Path, runs: Path, *, steps: int | None, time_limit: float | None,
            timeout: float, monitor: bool = True, modules: tuple = ()) -> dict:
    runtime = "legacy" if variant == "legacy" else "keras"
    res = {"variant": variant, "path": str(path), "runtime": runtime, "status": "ok", "reason": "",
           "collapsed": None, "reasons": []}
    if runtime == "keras":
        if not path.exists():
            res.update(status="not_runnable", reason="the migrator wrote no file")
            return res
        for f in [path] + [path.parent / m for m in modules]:
            if not f.is_file():
                continue
            ok, why = runnable(f)
            if not ok:
                res.update(status="not_runnable", reason=why if f == path else f"{f.name}: {why}")
                return res
    prefix = runs / f"{path.stem}.{variant}"
    for ext in (".json", ".npz"):
        Path(str(prefix) + ext).unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "migrator.reference.runner", "--runtime", runtime, "--script", str(path.resolve()),
           "--cwd", str(cwd.resolve()), "--out", str(prefix.resolve())]
    if steps is not None:
        cmd += ["--steps", str(steps)]
    if time_limit is not None:
        cmd += ["--time-limit", str(time_limit)]
    if not monitor:
        cmd.append("--no-monitor")
    t0 = time.time()
    try:
        proc = subprocess.run(cmd, env=harness._env(), cwd=str(cwd), capture_output=True, text=True, timeout=timeout)
        output, code = proc.stdout + proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as ex:
        output = (ex.stdout or b"").decode(errors="replace") if isinstance(ex.stdout, bytes) else (ex.stdout or "")
        code = None
    res["wall_s"] = round(time.time() - t0, 2)
    (runs / f"{path.stem}.{variant}.log").write_text(output)
    res["log"] = str(runs / f"{path.stem}.{variant}.log")
    j = Path(str(prefix) + ".json")
    if code is None:
        res.update(status="error", reason=f"timed out after {timeout:.0f}s")
    if not j.exists():
        if code is not None:
            res.update(status="error", reason=harness.error_line(output, code))
        return res
    doc = json.loads(j.read_text())
    if doc["status"] != "ok":
        res.update(status="error", reason=doc["reason"] or harness.error_line(output, code or 1))
    with np.load(str(prefix) + ".npz") as z:
        res["_arrays"] = {k: z[k] for k in z.files}
    return _summarise(res, doc)


def _summarise(res: dict, doc: dict) -> dict:
    steps = doc.get("steps", [])
    losses = [s["loss"] for s in steps]
    times = [s["time"] for s in steps]
    an = doc.get("analysis", {})
    head = an.get("analyses", [])[an["headline_index"]] if an.get("headline_index") is not None else {}
    res.update(
        info=doc.get("info", {}), steps=len(steps), skipped_steps=doc.get("skipped_steps", 0),
        cap=doc.get("cap", ""), step_sources=doc.get("sources", []),
        loss=losses, step_time_median=round(float(np.median(times[1:] or times)), 5) if times else None,
        step_time_first=round(times[0], 4) if times else None, train_s=round(float(np.sum(times)), 3) if times else 0.0,
        kind=an.get("kind"), headline_index=an.get("headline_index"), headline_what=an.get("headline_what"), headline_metric=an.get("headline_metric"),
        headline=an.get("headline"), collapsed=an.get("collapsed"), reasons=an.get("reasons", []),
        warnings=an.get("warnings", []), metrics={k: v for k, v in head.items() if k not in ("what",)},
        analyses=an.get("analyses", []), predictions=doc.get("predictions", []), monitor=doc.get("monitor", []),
        notes=doc.get("notes", []))
    res["captured"] = captured(res)
    return res


def captured(r: dict) -> dict:
    """What was and was not captured, in words (``not captured: why``)."""
    out = {}
    if r["steps"]:
        known = sum(1 for x in r["loss"] if x is not None)
        out["training loss"] = (f"{known} of {r['steps']} steps ({', '.join(r['step_sources'])})" if known
                                else f"not captured: {r['steps']} steps seen, no loss value")
        out["time per step"] = f"{r['steps']} steps, median {r['step_time_median'] * 1000:.1f} ms"
    else:
        why = "no training step seen (no train-op run, trainer fit, Keras fit or train_on_batch)"
        out["training loss"] = out["time per step"] = f"not captured: {why}"
    preds = r["predictions"]
    out["predictions"] = (", ".join(f"{p['source']} at {p['site']} {p['shapes']}" for p in preds) if preds
                          else "not captured: the script predicted nothing from its model that was seen "
                               "(tflearn predict, Session.run/.eval of model tensors, Keras predict/model call)")
    labelled = [a for a in r["analyses"] if a.get("labelled")]
    out["labels"] = ("; ".join(sorted({a["label_source"] for a in labelled if a.get("label_source")})) if labelled
                     else "not captured: no labels found next to the predictions (feed, fit/evaluate y, "
                          "script globals)" if preds else "not captured")
    if r["runtime"] == "keras":
        out["collapse monitor"] = (f"{len(r['monitor'])} epoch checks" if r["monitor"]
                                   else "not used: the script trains without Model.fit")
    return out


def checks(vs: dict) -> dict:
    leg, fai, fix = (vs.get(v) for v in VARIANTS)

    def ok(r):
        return r is not None and r.get("status") in ("ok", "error") and r.get("collapsed") is not None

    out = {"legacy_collapsed": None, "faithful_reproduces": None, "fixed_cured": None}
    if ok(leg):
        out["legacy_collapsed"] = bool(leg["collapsed"])
    if ok(leg) and ok(fai):
        same_metric = leg["headline_metric"] == fai["headline_metric"]
        out["faithful_reproduces"] = bool(leg["collapsed"] == fai["collapsed"] and
                                          (not same_metric or leg["headline"] is None or fai["headline"] is None or
                                           abs(leg["headline"] - fai["headline"]) <= report.FAITHFUL_TOLERANCE * 2))
    if ok(fix):
        out["fixed_cured"] = not fix["collapsed"]
    return out


def compare(script: Path, out: Path, *, migrated: Path | None = None, fixed: Path | None = None,
            steps: int | None = None, time_limit: float | None = None, timeout: float = 1800,
            plots: bool = True, monitor: bool = True, echo=print) -> dict:
    from .cli import _migrate, _print_migration

    t0 = time.time()
    out.mkdir(parents=True, exist_ok=True)
    runs = out / "runs"
    runs.mkdir(exist_ok=True)
    paths = {"legacy": script}
    migration = {}
    siblings = local_modules(script)
    if siblings:
        echo(f"migrating with it the local modules it imports: {', '.join(p.name for p in siblings)}")
    for vn, given, fixes in (("faithful", migrated, False), ("fixed", fixed, True)):
        if given is not None:
            paths[vn] = given
            continue
        dest = out / "migrated" / vn
        mig = _migrate([script] + siblings, dest, fixes=fixes)
        _print_migration(vn, mig, dest, echo)
        paths[vn] = dest / script.name
        files = [f for f in (mig.get("report") or {}).get("files", []) if Path(f["path"]).name == script.name]
        if files:
            f = files[0]
            migration[vn] = {"status": f["status"], "todo": sum(1 for d in f["diagnostics"] if d["todo"]),
                             "fixes_applied": sorted({d["rule"] for d in f["diagnostics"] if d["fixed"]}),
                             "causes_reported": sorted({d["rule"] for d in f["diagnostics"]
                                                        if d["kind"] == "fix" and not d["fixed"]})}
    cap = ", ".join(x for x in (f"--steps {steps}" if steps else "", f"--time-limit {time_limit:g}s" if time_limit else "") if x)
    echo(f"running {script.name} in each runtime (instrumented, unmodified){'; cap: ' + cap if cap else ''}; "
         f"logs in {runs}")
    variants, arrays = {}, {}
    for vn in VARIANTS:
        r = run_one(vn, Path(paths[vn]), script.parent, runs, steps=steps, time_limit=time_limit,
                    timeout=timeout, monitor=monitor,
                    modules=tuple(p.name for p in siblings) if vn != "legacy" and vn in migration else ())
        arrays[vn] = r.pop("_arrays", {})
        r["model"], r["migration"] = script.stem, migration.get(vn)
        variants[vn] = r
        echo(f"  {vn:9} {describe(r)}")
    entry = {"kind": next((v["kind"] for v in variants.values() if v.get("kind")), None), "script": str(script),
             "steps": steps, "time_limit": time_limit, "variants": variants, "checks": checks(variants)}
    entry["speed"] = speed(variants)
    result = {"tool": "tflearn-migrate compare (plain script)", "command": "compare", "script": str(script),
              "config": {"steps": steps, "time_limit": time_limit, "seed": None}, "machine": report.machine(),
              "models": {script.stem: entry}}
    if plots:
        try:
            from . import plots as P

            result["plots"] = [str(p) for p in P.plot_compare(script.stem, entry, arrays, out / "plots")]
        except ImportError as ex:  # matplotlib missing: the numbers still count
            echo(f"plots skipped: {ex}")
    result["elapsed_s"] = round(time.time() - t0, 1)
    return result


def speed(vs: dict) -> dict:
    leg = vs.get("legacy") or {}
    t_leg = leg.get("step_time_median")
    out = {"legacy_s_per_step": t_leg}
    for v in ("faithful", "fixed"):
        t = (vs.get(v) or {}).get("step_time_median")
        out[f"{v}_s_per_step"] = t
        out[f"{v}_vs_legacy"] = round(t / t_leg, 3) if t and t_leg else None
    return out


def describe(r: dict) -> str:
    if r["status"] == "not_runnable":
        return f"not runnable: {r['reason']}"
    if r.get("collapsed") is None:
        base = "nothing to judge: " + r["captured"]["predictions"] if "captured" in r else ""
    else:
        verdict = "COLLAPSED (" + "; ".join(r["reasons"]) + ")" if r["collapsed"] else "healthy"
        h = r.get("headline")
        base = f"{r['headline_metric']} {h:.3f} " if isinstance(h, (int, float)) else ""
        base += f"{verdict} [{r['kind']}: {r['headline_what']}]"
    steps = f"; {r.get('steps', 0)} steps" + (f", {r['step_time_median'] * 1000:.1f} ms/step" if r.get("step_time_median") else "")
    err = f"; ERROR {r['reason']}" if r["status"] == "error" else ""
    return base + steps + err


def _cell(r: dict | None) -> str:
    if r is None:
        return "-"
    if r["status"] == "not_runnable":
        return "not runnable"
    if r.get("collapsed") is None:
        return "error" if r["status"] == "error" else "not captured"
    h = r.get("headline")
    num = f"{r['headline_metric']} {h:.3f} " if isinstance(h, (int, float)) else ""
    return num + ("**collapsed**" if r["collapsed"] else "ok") + (" (script failed)" if r["status"] == "error" else "")


def markdown(result: dict) -> str:
    lines = []
    for name, m in result["models"].items():
        v, c, s = m["variants"], m["checks"], m["speed"]
        lines += [f"## {name}", "", f"`{m['script']}`" + (f", capped at {m['steps']} steps" if m.get("steps") else "")
                  + (f", {m['time_limit']:g} s of training" if m.get("time_limit") else ""), "",
                  "| variant | verdict | headline analysis | steps | s/step (x legacy) | loss first -> last |",
                  "|---|---|---|---|---|---|"]
        for vn in VARIANTS:
            r = v.get(vn)
            if r is None:
                continue
            loss = [x for x in r.get("loss", []) if x is not None]
            lt = f"{loss[0]:.4g} -> {loss[-1]:.4g}" if loss else "not captured"
            sp = "-"
            if r.get("step_time_median"):
                ratio = s.get(f"{vn}_vs_legacy")
                sp = f"{r['step_time_median']:.4f}" + (f" ({ratio:.2f}x)" if ratio else "")
            lines.append(f"| {vn} | {_cell(r)} | {r.get('headline_what') or '-'} | {r.get('steps', '-')} | {sp} | {lt} |")
        lines += ["", f"Checks: legacy collapsed: {_mark(c['legacy_collapsed'])}; faithful = legacy verdict: "
                  f"{_mark(c['faithful_reproduces'])}; fixed not collapsed: {_mark(c['fixed_cured'])}", ""]
        for vn in VARIANTS:
            r = v.get(vn)
            if r is None:
                continue
            lines.append(f"**{vn}** ({r['path']}): {r['status'].replace('_', ' ')}"
                         + (f" - {r['reason']}" if r.get("reason") else ""))
            if r.get("migration"):
                mg = r["migration"]
                lines.append(f"- migration: {mg['todo']} TODO; fixes applied: {', '.join(mg['fixes_applied']) or 'none'}"
                             + (f"; causes reported: {', '.join(mg['causes_reported'])}" if mg["causes_reported"] else ""))
            for k, val in (r.get("captured") or {}).items():
                lines.append(f"- {k}: {val}")
            for why in r.get("reasons", []):
                lines.append(f"- collapsed: {why}")
            for w in r.get("warnings", []):
                lines.append(f"- also: {w}")
            for note in r.get("notes", []):
                lines.append(f"- note: {note}")
            lines.append("")
    lines += ["Verdicts by the rules in migrator/reference/capture.py (thresholds of metrics.py): pair AUC "
              "(1 = same pair) <= 0.6 or inverted, effective rank < 2, constant outputs, majority class >= 90%, "
              "balanced accuracy within 0.1 of chance.",
              f"total {result.get('elapsed_s', 0):.0f}s on {result.get('machine', {}).get('cpus')} CPUs"]
    return "\n".join(lines) + "\n"


def _mark(v) -> str:
    return "-" if v is None else ("yes" if v else "no")


def write(result: dict, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    j = out / "results.json"
    j.write_text(json.dumps(report._clean(result), indent=1, default=float))
    md = out / "results.md"
    md.write_text(markdown(result))
    return j, md
