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
    _offset_seeds()
    script = argv[0]
    sys.argv = argv
    sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


def _offset_seeds() -> None:
    """``TFM_SEED_OFFSET=k`` (scripts/realworld_siamese.py --seeds): every graph-level seed the
    program sets is moved by k (and the default graph starts seeded with k), so one program can
    be trained from several initialisations. Data shuffles (``random`` / NumPy) are untouched."""
    import os

    off = int(os.environ.get("TFM_SEED_OFFSET", "0") or 0)
    if not off:
        return
    import sys

    proxy = sys.modules["tensorflow"]  # the shim's TF1 view: compat.v1 first
    tf1 = object.__getattribute__(proxy, "_v1")
    orig = tf1.set_random_seed

    def set_random_seed(seed):
        return orig(None if seed is None else int(seed) + off)

    for mod in (tf1, tf1.random):
        try:
            setattr(mod, "set_random_seed", set_random_seed)
        except AttributeError:  # pragma: no cover
            pass
    orig(off)


if __name__ == "__main__":
    sys.exit(main())
