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


# Whole-program tests parametrized over both modes (``fixes`` True / False, or ``mode``
# "fixed" / "faithful") run their default-mode case in the fast tier and their faithful twin in
# the slow tier: each such case migrates a whole fixture, the two modes share almost all of the
# engine's work, and together they are what keeps the fast tier over its two minutes on two
# cores. A faithful case without a fixed-mode twin (a test about faithful output only) stays
# fast. CI runs both tiers, so every case still runs there.
_FAITHFUL = {"fixes": (False, True), "mode": ("faithful", "fixed")}


# The regression tier: test files marked ``pytestmark = pytest.mark.programs`` (the held-out
# program files tests/test_heldout_forms_*.py and the files named after one real program's
# form) migrate whole programs written after public repositories, in several variants, and read
# the output. They run with the slow tier, after the fast tier of rule examples, analyses,
# engine, CLI and the corpus invariants; CI runs both. They keep the fast tier's rule that the
# test process never starts TensorFlow.


@pytest.hookimpl(tryfirst=True)  # before pytest's -m selection reads the marks
def pytest_collection_modifyitems(config, items):
    seen = set()
    faithful = []
    for item in items:
        if item.get_closest_marker("programs") is not None:
            if item.get_closest_marker("slow") is None:
                item.add_marker(pytest.mark.slow)
                item.tfm_tensorflow_free = True  # checked like a fast test
            continue
        params = getattr(getattr(item, "callspec", None), "params", {})
        for arg, (slow_value, fast_value) in _FAITHFUL.items():
            if arg in params and params[arg] in (slow_value, fast_value):
                rest = tuple(sorted((k, repr(v)) for k, v in params.items() if k != arg))
                key = (item.module.__name__ if item.module else "", item.originalname, arg, rest)
                if params[arg] == fast_value:
                    seen.add(key)
                else:
                    faithful.append((key, item))
    for key, item in faithful:
        if key in seen and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


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
    node = request.node
    if node.get_closest_marker("slow") is None or getattr(node, "tfm_tensorflow_free", False):
        started = _heavy_modules() - before
        if started:
            pytest.fail(f"a fast test imported {sorted(started)}: mark it @pytest.mark.slow "
                        "(fast tests must not start TensorFlow)", pytrace=False)
        if _COLLECTED:
            pytest.fail(f"a test module imported {sorted(_COLLECTED)} when it was collected: import "
                        "it inside slow tests (fast tests must not start TensorFlow)", pytrace=False)
