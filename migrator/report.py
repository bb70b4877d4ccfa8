"""Run summaries: the terminal table and ``--report`` files (JSON or Markdown)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from . import __version__
from .diagnostics import FileResult
from .rules import all_rules


def _rule_info() -> dict[str, dict]:
    info = {r.ID: {"name": r.NAME, "message": r.MESSAGE, "kind": r.KIND.value,
                   "fix": r.APPLICABILITY.value if r.APPLICABILITY is not None else None}
            for r in all_rules()}
    info.setdefault("TFM001", {"name": "syntax-error", "message": "file does not parse", "kind": "tool"})
    info.setdefault("TFM002", {"name": "encoding", "message": "file does not decode in its encoding (or cannot be encoded back)", "kind": "tool"})
    info.setdefault("TFM003", {"name": "python2", "message": "Python 2 source", "kind": "tool"})
    info.setdefault("TFM004", {"name": "empty-file", "message": "empty file", "kind": "tool"})
    info.setdefault("TFM005", {"name": "symlink", "message": "symbolic link not followed", "kind": "tool"})
    info.setdefault("TFM006", {"name": "unreadable", "message": "file cannot be read", "kind": "tool"})
    info.setdefault("TFM007", {"name": "changed-during-run", "message": "file changed while it was migrated; left as it is now", "kind": "tool"})
    info.setdefault("TFM008", {"name": "hard-link", "message": "file had hard links; only the migrated name changed", "kind": "tool"})
    info.setdefault("TFM020", {"name": "not-regular-file", "message": "FIFO, socket or device: not read", "kind": "tool"})
    info.setdefault("TFM021", {"name": "virtualenv", "message": "virtualenv / third-party directory not migrated", "kind": "tool"})
    info.setdefault("TFM022", {"name": "notebook-cell-kept", "message": "notebook cell that is not Python, kept as it is", "kind": "tool"})
    info.setdefault("TFM023", {"name": "bad-notebook", "message": "notebook that cannot be read as nbformat 4 JSON", "kind": "tool"})
    info.setdefault("TFM024", {"name": "helpers-module-taken", "message": "a file named like the helpers module exists and is not one: not replaced, helpers inline", "kind": "tool"})
    info.setdefault("TFM025", {"name": "format-failed", "message": "--format: the formatter failed on a migrated file: written unformatted", "kind": "tool"})
    info.setdefault("TFM009", {"name": "internal-error", "message": "rewriter error; file left unchanged", "kind": "tool"})
    return info


def summarize(results: list[FileResult]) -> dict:
    status = Counter(r.status for r in results)
    diags = Counter(d.rule for r in results for d in r.diagnostics)
    todos = Counter(d.rule for r in results for d in r.diagnostics if d.todo)
    fixed = Counter(d.rule for r in results for d in r.diagnostics if d.fixed)
    withheld = Counter(d.rule for r in results for d in r.diagnostics if d.withheld)
    counts: Counter = Counter()
    for r in results:
        counts.update(r.counts)
    info = _rule_info()
    rules = []
    for rid in sorted(set(diags) | set(counts)):
        rules.append({"rule": rid, **info.get(rid, {"name": "", "message": "", "kind": "", "fix": None}),
                      "translations": counts.get(rid, 0), "diagnostics": diags.get(rid, 0),
                      "todo": todos.get(rid, 0), "fixed": fixed.get(rid, 0),
                      "withheld": withheld.get(rid, 0)})
    return {
        "files": len(results),
        "migrated": status.get("migrated", 0),
        "unchanged": status.get("unchanged", 0),
        "failed": status.get("failed", 0),
        "skipped": status.get("skipped", 0),
        "todo": sum(todos.values()),
        "fixed": sum(fixed.values()),
        "withheld": sum(withheld.values()),  # unsafe fixes not applied (--unsafe-fixes / --fix ID)
        "skipped_paths": [{"path": r.path, "reason": r.reason} for r in sorted(results, key=lambda r: r.path)
                          if r.status == "skipped"],
        "unreadable_paths": [{"path": r.path, "reason": r.reason} for r in sorted(results, key=lambda r: r.path)
                             if r.status == "failed" and any(d.rule == "TFM006" for d in r.diagnostics)],
        "rules": rules,
    }


def withheld_line(n: int) -> str:
    """ruff's wording for the unsafe fixes that were not applied."""
    return (f"{n} hidden fix{'' if n == 1 else 'es'} can be enabled with the `--unsafe-fixes` option.")


def slowest(results: list[FileResult], n: int = 3) -> str:
    """One line naming the ``n`` slowest files (those with a measured time), or ""."""
    timed = sorted((r for r in results if r.seconds is not None), key=lambda r: -r.seconds)
    if not timed:
        return ""
    return "slowest: " + ", ".join(f"{r.path} {r.seconds:.2f}s" for r in timed[:n])


def table(summary: dict) -> str:
    lines = [f"{summary['files']} files: {summary['migrated']} migrated, {summary['unchanged']} unchanged, "
             f"{summary['failed']} failed, {summary['skipped']} skipped; {summary['todo']} TODO markers"]
    if summary["rules"]:
        lines.append(f"{'rule':7} {'kind':9} {'done':>5} {'diag':>5} {'todo':>5} {'fixed':>5}  message")
        for r in summary["rules"]:
            lines.append(f"{r['rule']:7} {r['kind']:9} {r['translations']:5d} {r['diagnostics']:5d} "
                         f"{r['todo']:5d} {r['fixed']:5d}  {r['message']}")
    return "\n".join(lines)


def write_report(path: Path, results: list[FileResult], *, mode: str, fixes: bool,
                 outputs: dict[str, str] | None = None, options=None) -> None:
    summary = summarize(results)
    unsafe = bool(options is not None and options.unsafe_fixes)
    fix_ids = sorted(options.fix) if options is not None else []
    doc = {"tool": "tflearn-migrate", "version": __version__, "mode": mode, "fixes": fixes,
           "unsafe_fixes": unsafe, "fix": fix_ids,
           "fix_rules": {r.ID: r.APPLICABILITY.value for r in all_rules() if r.APPLICABILITY is not None},
           "outputs": outputs or {}, "summary": summary,
           "seconds": round(sum(r.seconds or 0.0 for r in results), 4),
           "files": [r.to_json() for r in sorted(results, key=lambda r: r.path)]}
    if path.suffix.lower() == ".json":
        _write(path, json.dumps(doc, indent=2) + "\n")
        return
    if path.suffix.lower() not in (".md", ".markdown"):
        raise ValueError(f"--report must end in .json or .md: {path}")
    md = ["# tflearn-migrate report", "",
          f"Mode: `{mode}`, fixes: " + ("off (faithful only)" if not fixes else
                                         "safe and unsafe" if unsafe else
                                         "safe" + (f" + {', '.join(fix_ids)}" if fix_ids else "")), "",
          "| files | migrated | unchanged | failed | skipped | TODO markers |",
          "|---:|---:|---:|---:|---:|---:|",
          f"| {summary['files']} | {summary['migrated']} | {summary['unchanged']} | {summary['failed']} "
          f"| {summary['skipped']} | {summary['todo']} |", ""]
    if summary["withheld"]:
        md += [withheld_line(summary["withheld"]), ""]
    if summary["rules"]:
        md += ["## By rule", "", "| rule | kind | fix | translated | diagnostics | TODO | fixed | withheld | message |",
               "|---|---|---|---:|---:|---:|---:|---:|---|"]
        md += [f"| {r['rule']} | {r['kind']} | {r.get('fix') or ''} | {r['translations']} | {r['diagnostics']} "
               f"| {r['todo']} | {r['fixed']} | {r['withheld']} | {r['message']} |" for r in summary["rules"]]
        md.append("")
    md += ["## Files", ""]
    for r in sorted(results, key=lambda r: r.path):
        md.append(f"- `{r.path}`: **{r.status}**" + (f" - {r.reason}" if r.reason else ""))
        for d in r.diagnostics:
            if d.kind.value == "tool" and d.message == r.reason:
                continue
            flag = " (TODO)" if d.todo else (" (fixed)" if d.fixed else
                                             " (unsafe fix withheld)" if d.withheld else "")
            where = f"{d.path[len(r.path):].strip()}, " if d.path != r.path and d.path.startswith(r.path) else ""
            md.append(f"  - {where}line {d.line}: `{d.rule}` {d.severity.value}: {d.message}{flag}")
    _write(path, "\n".join(md) + "\n")


def _write(path: Path, text: str) -> None:
    """Atomic, and file names that are not UTF-8 come out escaped instead of failing."""
    import os

    from .fileio import atomic_write

    os.makedirs(path.parent, exist_ok=True)  # only inside an --out tree (checked beforehand)
    atomic_write(path, text.encode("utf-8", errors="backslashreplace"), replace_link=False)
