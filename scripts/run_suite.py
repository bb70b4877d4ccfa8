"""Run the whole reference suite: every bundled legacy model at its own default number of
epochs, legacy vs migrated (faithful and with fixes) vs the hand-written targets, and print
the table and the total runtime.

    python scripts/run_suite.py [--out DIR] [--seed S] [--data FILE.npz] [--models A,B] [--epochs N]

Same as ``tflearn-migrate suite``; outputs in DIR (default: out/suite): results.json,
results.md, plots/, migrated/, runs/.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from migrator.reference.cli import main  # noqa: E402

if __name__ == "__main__":
    argv = sys.argv[1:]
    if "--out" not in argv:
        argv += ["--out", str(Path(__file__).resolve().parents[1] / "out" / "suite")]
    t0 = time.time()
    rc = main("suite", argv)
    print(f"reference suite: {time.time() - t0:.0f}s wall-clock")
    sys.exit(rc)
