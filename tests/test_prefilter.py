"""The per-file rule prefilter (issue 13, ``Rule.TRIGGERS``) never drops a rule that would fire.

A rule whose trigger words all miss a file's text is not instantiated there. These tests run
every rule's own examples (VALID and INVALID sources of all rules: a pool of small legacy files
of every kind) through the engine with every rule enabled, prefilter on and off: the output,
diagnostics and counts must be the same. No TensorFlow is started."""
from __future__ import annotations

import pytest

from migrator import engine
from migrator.engine import may_fire, migrate_source
from migrator.options import Options
from migrator.rules import all_rules

RULES = all_rules()
FILTERED = [r for r in RULES if r.TRIGGERS is not None]


def _pool():
    for rule in RULES:
        for i, src in enumerate(rule.VALID):
            yield f"{rule.ID}-valid-{i}", src, True, True
        for i, case in enumerate(rule.INVALID):
            yield f"{rule.ID}-invalid-{i}", case.before, case.fixes, case.unsafe_fixes


# only the sources on which the prefilter skips some rule can differ
POOL = [p for p in _pool() if any(not may_fire(r, p[1]) for r in FILTERED)]


def _result(src: str, fixes: bool, unsafe: bool, prefilter: bool, monkeypatch):
    monkeypatch.setattr(engine.prefilter, "PREFILTER", prefilter)
    r = migrate_source(src, "example.py", Options(fixes=fixes, unsafe_fixes=unsafe))
    return r.status, r.code, [(d.line, d.col, d.rule, d.message) for d in r.diagnostics], r.counts


def test_the_prefilter_skips_rules_on_the_pool():
    """The test below compares something: most example files skip some rule."""
    assert len(FILTERED) >= 40
    assert len(POOL) >= 200


@pytest.mark.parametrize("rule", FILTERED, ids=[r.ID for r in FILTERED])
def test_own_examples_pass_the_prefilter(rule):
    """A rule's INVALID examples (where it fires) hold one of its trigger words."""
    for case in rule.INVALID:
        assert may_fire(rule, case.before), case.before


# every 10th pool file in the fast tier, the others in the slow tier (time, not TensorFlow: each
# case migrates its file twice with every rule on)
PARAMS = [p if i % 10 == 0 else pytest.param(*p, marks=pytest.mark.slow) for i, p in enumerate(POOL)]


@pytest.mark.parametrize("name,src,fixes,unsafe", PARAMS, ids=[p[0] for p in POOL])
def test_prefilter_changes_nothing(name, src, fixes, unsafe, monkeypatch):
    on = _result(src, fixes, unsafe, True, monkeypatch)
    off = _result(src, fixes, unsafe, False, monkeypatch)
    assert on == off


def test_may_fire_reads_words_and_star_imports():
    class R:
        TRIGGERS = ("tensorflow",)

    assert may_fire(R, "import tensorflow as tf\n")
    assert not may_fire(R, "import tflearn\nnet = tflearn.input_data([None, 4])\n")
    # tflearn's star exports bind tf: tf.* names resolve without the word in the file
    assert may_fire(R, "from tflearn.layers.core import *\nx = tf.placeholder(tf.float32)\n")
    assert may_fire(R, "from tflearn import \\\n    *\n")
    R.TRIGGERS = None
    assert may_fire(R, "")
