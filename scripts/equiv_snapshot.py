"""Snapshot the migrator's output (code + diagnostics + counts) on a set of trees, both
modes (default and --no-fixes), to compare two versions byte for byte:

    python scripts/equiv_snapshot.py OUT.json [DIR ...] [--helpers-module]
    python scripts/equiv_snapshot.py --compare A.json B.json

--helpers-module adds a third mode, directory runs' ``from tfm_helpers import ...`` instead of
inline helpers, and the text of a helpers module of every registered helper (compare two
snapshots taken with the same flags).

Default trees: tests/fixtures, reference_models/legacy (and any DIR given, e.g. fetched
corpora). In-process (migrate_source), one file at a time."""
from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def files(dirs: list[Path]) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        out.extend(sorted(p for p in d.rglob("*.py") if p.is_file()))
    return out


def snapshot(dirs: list[Path], helpers_module: bool = False) -> dict:
    from migrator.engine import migrate_source
    from migrator.options import Options

    res: dict[str, dict] = {}
    modes = [("default", Options()), ("no-fixes", Options(fixes=False))]
    if helpers_module:
        from migrator.helpers import HELPERS, module_source
        from migrator.rules import all_rules

        all_rules()
        modes.append(("module", Options(helpers_module="tfm_helpers")))
        text = module_source(HELPERS)
        res["helpers-module"] = {"code": hashlib.sha256(text.encode("utf-8")).hexdigest(), "names": sorted(HELPERS)}
    for mode, opts in modes:
        for p in files(dirs):
            src = p.read_text(encoding="utf-8", errors="surrogateescape")
            r = migrate_source(src, str(p), opts)
            res[f"{mode}:{p}"] = {
                "status": r.status,
                "code": hashlib.sha256(r.code.encode("utf-8", "surrogateescape")).hexdigest(),
                "diags": [f"{d.line}:{d.col}:{d.rule}:{d.message}" for d in r.diagnostics],
                "counts": sorted((r.counts or {}).items()),
            }
    return res


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"]:
        a, b = (json.loads(Path(x).read_text()) for x in argv[1:3])
        bad = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        for k in bad[:20]:
            print("DIFF", k)
        print(f"{len(a)} vs {len(b)} entries, {len(bad)} differ")
        return 1 if bad else 0
    module = "--helpers-module" in argv
    argv = [a for a in argv if a != "--helpers-module"]
    dirs = [ROOT / "tests" / "fixtures", ROOT / "reference_models" / "legacy"] + [Path(x) for x in argv[1:]]
    t = time.perf_counter()
    snap = snapshot(dirs, module)
    Path(argv[0]).write_text(json.dumps(snap, indent=0, sort_keys=True))
    print(f"{len(snap)} entries in {time.perf_counter() - t:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
