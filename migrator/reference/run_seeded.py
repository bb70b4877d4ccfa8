"""Run a migrated (Keras 3) script from another initialisation:
``TFM_SEED_OFFSET=k python -m migrator.reference.run_seeded SCRIPT [ARGS...]``.

Every ``keras.utils.set_random_seed(s)`` the script makes seeds the backend and Python's
``random`` with ``s + k`` (Keras 3 draws an unseeded initializer's seed from ``random``) and
NumPy with ``s`` as before, so NumPy-drawn data (shuffles, pairs) is the same as without the
offset - the weights' initial values and dropout masks change. The legacy side's counterpart is ``migrator.legacy.run``
with the same variable (graph-level seeds moved by k). Used by
``scripts/realworld_siamese.py --seeds``.
"""
from __future__ import annotations

import os
import runpy
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        print("usage: python -m migrator.reference.run_seeded SCRIPT [ARGS...]", file=sys.stderr)
        return 2
    off = int(os.environ.get("TFM_SEED_OFFSET", "0") or 0)
    if off:
        import keras
        import numpy as np

        orig = keras.utils.set_random_seed

        def set_random_seed(seed):
            orig(int(seed) + off)
            np.random.seed(seed)

        keras.utils.set_random_seed = set_random_seed
        np_state = np.random.get_state()
        orig(off)  # the backend and random start seeded with k; NumPy as it was
        np.random.set_state(np_state)
    script = argv[0]
    sys.argv = argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
