"""Test-run plumbing: the shared migration cache (tests/migrate_cache.py) and the rule that
the fast tier never starts TensorFlow in the test process."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile

import pytest

from tests.migrate_cache import ENV

# a fast test (not marked slow) that leaves one of these imported has started TensorFlow
HEAVY = ("tensorflow", "keras", "tflearn", "tf_keras")


def pytest_configure(config):
    # one cache directory per run, made by the controller before pytest-xdist starts its
    # workers (they inherit the environment); a run inside a run keeps the outer one
    if not hasattr(config, "workerinput") and ENV not in os.environ:
        config._tfm_cache_dir = tempfile.mkdtemp(prefix="tfm-test-migrations-")
        os.environ[ENV] = config._tfm_cache_dir


def pytest_collection_finish(session):
    # imported by a test module itself: every fast test of the run is failed below
    global _COLLECTED
    _COLLECTED = _heavy_modules()


_COLLECTED: set[str] = set()


def pytest_unconfigure(config):
    d = getattr(config, "_tfm_cache_dir", None)
    if d:
        shutil.rmtree(d, ignore_errors=True)
        os.environ.pop(ENV, None)


def _heavy_modules() -> set[str]:
    return {m for m in HEAVY if m in sys.modules}


@pytest.fixture(autouse=True)
def fast_tests_do_not_start_tensorflow(request):
    before = _heavy_modules()
    yield
    if request.node.get_closest_marker("slow") is None:
        started = _heavy_modules() - before
        if started:
            pytest.fail(f"a fast test imported {sorted(started)}: mark it @pytest.mark.slow "
                        "(fast tests must not start TensorFlow)", pytrace=False)
        if _COLLECTED:
            pytest.fail(f"a test module imported {sorted(_COLLECTED)} when it was collected: import "
                        "it inside slow tests (fast tests must not start TensorFlow)", pytrace=False)
