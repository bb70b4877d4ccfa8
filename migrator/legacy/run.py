"""Run a legacy script with the shim: ``python -m migrator.legacy.run SCRIPT [ARGS...]``."""
from __future__ import annotations

import runpy
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        print("usage: python -m migrator.legacy.run SCRIPT [ARGS...]", file=sys.stderr)
        return 2
    from .shim import install

    install()
    script = argv[0]
    sys.argv = argv
    sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
