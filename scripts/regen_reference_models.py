"""Regenerate reference_models/migrated/{faithful,fixed}/ from reference_models/legacy/ with the
real CLI (``--no-fixes`` for faithful, ``--unsafe-fixes`` for fixed: every fix, the unsafe ones
that change data or hyperparameters included - each model is one collapse cause and ``fixed`` is
its cure). Never edit those files by hand.

    python scripts/regen_reference_models.py           # rewrite them
    python scripts/regen_reference_models.py --check   # exit 1 if they are out of date
"""
from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ROOT / "reference_models" / "legacy"
MIGRATED = ROOT / "reference_models" / "migrated"
# the same flags as migrator/reference/harness.MIGRATE_FLAGS (tests/test_reference_models.py checks)
# each migrated model reads on its own: its helpers written into it (not a shared module)
MODES = {"faithful": ["--no-fixes", "--helpers", "inline"], "fixed": ["--unsafe-fixes", "--helpers", "inline"]}


def generate(dest: Path) -> dict[str, Path]:
    """Migrate the legacy models into ``dest/{faithful,fixed}``; return mode -> directory."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = {}
    for mode, flags in MODES.items():
        d = dest / mode
        cmd = [sys.executable, "-m", "migrator", str(LEGACY), "--out", str(d), "-q", "--jobs", "1", *flags]
        p = subprocess.run(cmd, cwd=str(ROOT), env=env, capture_output=True, text=True)
        if p.returncode not in (0, 4):
            raise SystemExit(f"migrator failed ({mode}, exit {p.returncode}):\n{p.stderr}")
        out[mode] = d
    return out


def differences(generated: dict[str, Path]) -> list[str]:
    diffs = []
    for mode, d in generated.items():
        mine = {p.name for p in (MIGRATED / mode).glob("*.py")}
        new = {p.name for p in d.glob("*.py")}
        for name in sorted(mine ^ new):
            diffs.append(f"{mode}/{name}: {'missing' if name in new else 'not generated any more'}")
        for name in sorted(mine & new):
            if not filecmp.cmp(MIGRATED / mode / name, d / name, shallow=False):
                diffs.append(f"{mode}/{name}: differs from the migrator's output")
    return diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if out of date")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        gen = generate(Path(tmp))
        diffs = differences(gen)
        if args.check:
            for d in diffs:
                print(d)
            return 1 if diffs else 0
        for mode, d in gen.items():
            target = MIGRATED / mode
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for p in sorted(d.glob("*.py")):
                shutil.copy2(p, target / p.name)
        print("\n".join(diffs) if diffs else "reference_models/migrated: already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
