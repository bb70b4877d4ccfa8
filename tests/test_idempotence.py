"""A second run changes nothing, on every fixture of the repository.

The brief's promise ("output always parses; a second run changes nothing") checked on each file
under tests/fixtures and reference_models/legacy, in both modes: the migrated text migrated again
is the same text. Many test files check it for their own fixtures; this one holds it for all of
them, so a rule change that breaks it on a fixture nobody is looking at is caught.

Known exceptions are listed below with the reason, as strict xfails: each one flips to a failure
once the engine keeps the promise there, and is then removed from the list.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator.options import Options
from tests import migrate_cache

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p for d in (ROOT / "tests" / "fixtures", ROOT / "reference_models" / "legacy")
               for p in d.rglob("*.py") if p.is_file())

# fixture (relative to ROOT) -> why a second run still changes its output
KNOWN: dict[str, str] = {}


def _params():
    out = []
    for p in FILES:
        rel = p.relative_to(ROOT).as_posix()
        for fixes in (True, False):
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN[rel])] if rel in KNOWN else []
            out.append(pytest.param(p, fixes, marks=marks, id=f"{rel}-{'fixed' if fixes else 'faithful'}"))
    return out


def test_every_known_exception_is_a_fixture():
    assert set(KNOWN) <= {p.relative_to(ROOT).as_posix() for p in FILES}


@pytest.mark.slow  # time, not TensorFlow: every fixture migrated twice, both modes
@pytest.mark.parametrize("path,fixes", _params())
def test_second_run_changes_nothing(path: Path, fixes: bool):
    src = path.read_text(encoding="utf-8")
    first = migrate_cache.migrate_source(src, str(path), Options(fixes=fixes))
    if first.status != "migrated":
        assert first.code in (None, src)  # unchanged or failed: the input is left as it was
        return
    again = migrate_cache.migrate_source(first.code, str(path), Options(fixes=fixes))
    assert again.status != "failed", again.reason
    assert (again.code or first.code) == first.code
