"""Writers for the reference suite: one JSON file per run and a Markdown comparison table.

The table compares, per model, legacy / faithful-migrated / fixed-migrated (and the
hand-written ``expected_*`` targets when present) by the headline number (pair ROC AUC for
Siamese models, balanced accuracy for classifiers) and the collapse verdict, and puts the
median training time per epoch of legacy and migrated side by side as a ratio.

``checks`` are the acceptance criteria of the suite (issue #4):

* ``legacy_collapsed``      - the legacy model is reported collapsed;
* ``faithful_reproduces``   - faithful-migrated has the legacy verdict and a headline within
  :data:`FAITHFUL_TOLERANCE` of legacy;
* ``fixed_cured``           - fixed-migrated is not collapsed and reaches :data:`CURED_AUC`
  (Siamese) or balanced accuracy >= :data:`CURED_BALANCED_ACC` (classifiers).
A check is ``None`` when a variant did not run (e.g. the migrator left TODO markers).
"""
from __future__ import annotations

import json
import math
import platform
from pathlib import Path

FAITHFUL_TOLERANCE = 0.05
CURED_AUC = 0.95
CURED_BALANCED_ACC = 0.5


def _ok(v) -> bool:
    return v is not None and v.get("status") == "ok"


def checks(variants: dict, faithful: str = "faithful", fixed: str = "fixed") -> dict:
    """The acceptance checks for one model from its variants' JSON dicts (``faithful``/``fixed``
    name the variants to judge: the migrator's, or the hand-written ``expected_*`` targets)."""
    leg, fai, fix = variants.get("legacy"), variants.get(faithful), variants.get(fixed)
    out = {"legacy_collapsed": None, "faithful_reproduces": None, "fixed_cured": None}
    if _ok(leg):
        out["legacy_collapsed"] = bool(leg["collapsed"])
    if _ok(leg) and _ok(fai):
        out["faithful_reproduces"] = bool(leg["collapsed"] == fai["collapsed"] and
                                          abs(leg["headline"] - fai["headline"]) <= FAITHFUL_TOLERANCE)
    if _ok(fix):
        target = CURED_AUC if fix["kind"] == "siamese" else CURED_BALANCED_ACC
        out["fixed_cured"] = bool(not fix["collapsed"] and fix["headline"] >= target)
    return out


KERAS_VARIANTS = ("faithful", "fixed", "expected_faithful", "expected_fixed")


def speed(variants: dict) -> dict:
    """Median seconds per epoch, legacy vs each migrated variant (same machine, same run)."""
    leg = variants.get("legacy")
    t_leg = leg.get("epoch_time_median") if _ok(leg) else None
    out = {"legacy_s_per_epoch": t_leg}
    for v in KERAS_VARIANTS:
        r = variants.get(v)
        t = r.get("epoch_time_median") if _ok(r) else None
        out[f"{v}_s_per_epoch"] = t
        out[f"{v}_vs_legacy"] = round(t / t_leg, 3) if t and t_leg else None
    return out


def _cell(r: dict | None) -> str:
    if r is None or r.get("status") == "skipped":
        return "-"
    st = r.get("status")
    if st == "not_runnable":
        return "not runnable"
    if st != "ok":
        return "error"
    h = r["headline"]
    return f"{h:.3f} **collapsed**" if r["collapsed"] else f"{h:.3f} ok"


def _mark(v) -> str:
    return "-" if v is None else ("yes" if v else "**NO**")


def markdown(run: dict) -> str:
    models = run["models"]
    has_expected = any(k.startswith("expected") for m in models.values() for k in m["variants"])
    cols = ["model", "kind", "epochs", "legacy", "faithful", "fixed"]
    if has_expected:
        cols += ["hand faithful*", "hand fixed*"]
    cols += ["legacy s/ep", "Keras s/ep (x legacy)", "legacy collapsed", "faithful = legacy", "fixed cured"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for name, m in models.items():
        v, c, s = m["variants"], m["checks"], m["speed"]
        row = [name, m["kind"], str(m.get("epochs", "")), _cell(v.get("legacy")), _cell(v.get("faithful")), _cell(v.get("fixed"))]
        if has_expected:
            row += [_cell(v.get("expected_faithful")), _cell(v.get("expected_fixed"))]
        keras_v = next((k for k in KERAS_VARIANTS if s.get(f"{k}_vs_legacy")), None)
        row.append(f"{s['legacy_s_per_epoch']:.3f}" if s.get("legacy_s_per_epoch") else "-")
        row.append(f"{s[keras_v + '_s_per_epoch']:.3f} ({s[keras_v + '_vs_legacy']:.2f}x {keras_v.replace('expected_', 'hand ')})"
                   if keras_v else "-")
        ec = m.get("expected_checks") or {}

        def both(key):
            mine = _mark(c[key])
            return mine + (f" (hand: {_mark(ec.get(key))})" if has_expected and ec.get(key) is not None else "")

        row += [_mark(c["legacy_collapsed"]), both("faithful_reproduces"), both("fixed_cured")]
        lines.append("| " + " | ".join(row) + " |")
    notes = ["", "Headline: pair ROC AUC on held-out pairs (Siamese) or balanced accuracy on the "
             "class-balanced held-out set (classifiers); **collapsed** by the rule in "
             "migrator/reference/metrics.py. faithful/fixed: the migrator's output (--no-fixes / "
             "--unsafe-fixes)."]
    fr = run.get("fix_rules") or {}
    if fr:
        notes.append(f"fixed = every fix applied: safe fixes (on by default) {', '.join(fr.get('safe', []))}; "
                     f"unsafe fixes (change data or hyperparameters; only on request) "
                     f"{', '.join(fr.get('unsafe', []))}.")
    if has_expected:
        notes.append("*hand: HAND-WRITTEN Keras 3 targets in reference_models/expected/ - NOT migrator "
                     "output; they show each cause/cure on this data and what the migrator must reach.")
    reasons = []
    for name, m in models.items():
        for vn, r in m["variants"].items():
            if r.get("status") in ("not_runnable", "error"):
                reasons.append(f"- {name} / {vn}: {r['status'].replace('_', ' ')} - {r['reason']}")
            elif r.get("status") == "ok" and r.get("collapsed"):
                reasons.append(f"- {name} / {vn}: collapsed - {'; '.join(r.get('reasons', []))}")
    if reasons:
        notes += ["", "Details:"] + reasons
    cfg = run.get("config", {})
    notes += ["", f"seed={cfg.get('seed')} "
              f"data={run.get('data', {}).get('source')} ({run.get('data', {}).get('fingerprint')}); "
              f"total {run.get('elapsed_s', 0):.0f}s on {run.get('machine', {}).get('cpus')} CPUs"]
    return "\n".join(lines + notes) + "\n"


def machine() -> dict:
    import os

    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}


def _clean(o):
    if isinstance(o, float) and (math.isnan(o) or math.isinf(o)):
        return None if math.isnan(o) else ("inf" if o > 0 else "-inf")
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def write(run: dict, out_dir: str | Path) -> tuple[Path, Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    j = out_dir / "results.json"
    j.write_text(json.dumps(_clean(run), indent=1, default=float))
    md = out_dir / "results.md"
    md.write_text(markdown(run))
    return j, md
