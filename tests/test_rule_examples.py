"""Every rule's own VALID / INVALID examples, run through the real engine (Fixit style)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.analysis.modules import with_modules
from migrator.engine import migrate_source
from migrator.options import Options
from migrator.rules import all_rules

RULES = all_rules()


def _params():
    for rule in RULES:
        for i, src in enumerate(rule.VALID):
            yield pytest.param(rule, src, id=f"{rule.ID}-valid-{i}")


def _cases():
    for rule in RULES:
        for i, case in enumerate(rule.INVALID):
            yield pytest.param(rule, case, id=f"{rule.ID}-invalid-{i}")


def strip_markers(code: str) -> str:
    out = []
    for line in code.splitlines(keepends=True):
        if line.lstrip().startswith(f"# {TODO_MARKER}"):
            continue
        out.append(re.sub(rf"  # {re.escape(TODO_MARKER)}.*$", "", line))
    return "".join(out)


def run(rule, src: str, fixes: bool = True, unsafe_fixes: bool = False, modules=(), requires=()):
    opts = Options(fixes=fixes, unsafe_fixes=unsafe_fixes, select=frozenset({rule.ID, *rule.REQUIRES, *requires}), wrap_lines=False,
                   sort_imports=False)
    return migrate_source(src, path="example.py", options=with_modules(opts, "example.py", src, modules))


@pytest.mark.parametrize("rule,src", list(_params()))
def test_valid_example_is_left_alone(rule, src):
    # with every fix enabled (safe and unsafe): a negative case must not fire at all
    res = run(rule, src, unsafe_fixes=True)
    assert strip_markers(res.code) == src  # the engine's TODO markers on legacy code aside
    assert [d for d in res.diagnostics if d.rule == rule.ID] == []


@pytest.mark.parametrize("rule,case", list(_cases()))
def test_invalid_example(rule, case):
    res = run(rule, case.before, case.fixes, case.unsafe_fixes, case.modules, case.requires)
    assert res.status != "failed", res.reason
    if case.after is None:
        assert strip_markers(res.code) == case.before
    else:
        assert res.code == case.after
    assert sorted(d.rule for d in res.diagnostics) == sorted(case.diagnostics)
    assert (TODO_MARKER in res.code) == case.todo
    compile(res.code, "example.py", "exec")
    again = run(rule, res.code, case.fixes, case.unsafe_fixes, case.modules, case.requires)
    assert again.code == res.code, "a second run must change nothing"


@pytest.mark.parametrize("rule", RULES, ids=[r.ID for r in RULES])
def test_rule_metadata(rule):
    assert re.fullmatch(r"TFM[0-9]{3}", rule.ID)
    assert rule.NAME and rule.MESSAGE and rule.RATIONALE
    assert rule.INVALID, "every rule carries at least one before/after example"
    module_file = Path(__import__(rule.__module__, fromlist=["x"]).__file__).name
    assert module_file.startswith(rule.ID.lower() + "_"), module_file


def test_rule_ids_are_unique_and_ranged():
    ids = [r.ID for r in RULES]
    assert len(ids) == len(set(ids))
    for r in RULES:
        n = int(r.ID[3:])
        assert 100 <= n < 400, r.ID
