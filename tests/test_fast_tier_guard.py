"""The fast tier never starts TensorFlow (tests/conftest.py): a fast test that imports it fails,
a slow one may. Checked on a throw-away test file and a stand-in ``tensorflow`` module, so that
no TensorFlow is started here either."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_fast_test_that_imports_tensorflow_fails(tmp_path):
    for stand_in in ("tensorflow", "keras"):
        (tmp_path / f"{stand_in}.py").write_text("STARTED = True\n")
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F401,F403\n")
    (tmp_path / "test_probe.py").write_text(
        "import pytest\n\n\n"
        "def test_fast_starts_tf():\n    import tensorflow  # noqa: F401\n\n\n"
        "def test_fast_plain():\n    assert True\n\n\n"
        "@pytest.mark.slow\ndef test_slow_starts_keras():\n    import keras  # noqa: F401\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(tmp_path)]))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-o", "markers=slow", "test_probe.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "a fast test imported ['tensorflow']" in out, out
    # the fast probe fails (at teardown); the plain fast test and the slow one pass
    assert "ERROR test_probe.py::test_fast_starts_tf" in out and "3 passed, 1 error" in out, out
