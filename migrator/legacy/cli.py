"""``tflearn-migrate legacy-run SCRIPT [ARGS...]``: run old code as a baseline."""
from __future__ import annotations

import os
import subprocess
import sys


def main(name: str, argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: tflearn-migrate legacy-run SCRIPT [ARGS...]\n\nRuns a tflearn 0.5.0 / "
              "TensorFlow-1 script unmodified on the installed TensorFlow 2, in a subprocess, "
              "with the shim described in migrator/legacy/shim.py.")
        return 0 if argv else 2
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = os.pathsep.join([root, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.call([sys.executable, "-m", "migrator.legacy.run", *argv], env=env)
