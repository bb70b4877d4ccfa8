"""TFM201 on towers compared through PARALLEL steps (after THTBSE/siamese-lstm-network, found in
round AI): a builder method (``self.encode``) called once per side under two variable scopes,
each call making new RNN cells, each side then through its OWN projection before the two meet.
TF1 builds two unshared towers; TFM201 used to look only for the builders' outputs meeting in
one expression, so it said nothing. Now the outputs are followed through steps that are the same
expression but for names (``out_a = matmul(state_a, proj_a)`` / ``out_b = matmul(state_b,
proj_b)``) up to where they meet. Such a pair is reported, not fixed: one encoder for the builder
would leave the per-side steps (their own weights) as two networks. Faithful and fixed outputs
are what they were (the report is the only change).

Regression tier: no TensorFlow; slow: verify and AUCs of the faithful migration."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import assert_idempotent, migrate_text, undefined_names

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_ur"
CELLS = FIX / "method_cells_per_scope.py"


def _tfm201(src: str, fixes: bool) -> list[str]:
    r = migrate_source(src, "ur.py", Options(fixes=fixes))
    return [d.message for d in r.diagnostics if d.rule == "TFM201"]


def _variant(old: str, new: str) -> str:
    src = CELLS.read_text()
    assert old in src
    return src.replace(old, new)


@pytest.mark.parametrize("fixes", [False, True])
def test_towers_compared_after_per_side_steps_are_reported_not_fixed(fixes):
    src = CELLS.read_text()
    msgs = _tfm201(src, fixes)
    assert len(msgs) == 1, msgs
    m = msgs[0]
    assert "self.encode() is called on 2 inputs (self.a, self.b)" in m
    assert "the towers share nothing" in m
    assert "not fixed: the outputs meet only after each side's own further steps (self.out_a, self.out_b)" in m
    out = migrate_text(src, fixes, name="ur.py")
    assert TODO_MARKER not in out
    assert not legacy_refs_outside_todo(out)
    assert not undefined_names(out)
    assert_idempotent(out, fixes)
    # the report is the only change: the same code as with TFM201 switched off (no encoder)
    off = migrate_source(src, "ur.py", Options(fixes=fixes, ignore=frozenset({"TFM201"}))).code
    assert out == off
    assert "name='encoder'" not in out and 'name="encoder"' not in out
    assert out.count("self.encode(") == 2


def test_outputs_compared_directly_are_still_fixed_with_one_encoder():
    src = _variant("tf.abs(self.out_a - self.out_b)", "tf.abs(state_a - state_b)")
    msgs = _tfm201(src, True)
    assert len(msgs) == 1 and "one shared encoder, `encoder`, is applied to every input" in msgs[0], msgs


def test_cells_reused_under_one_scope_are_no_unshared_towers():
    # get_variable under reuse (the cells' variables): TF1 shares, TFM205's business
    src = _variant("with tf.variable_scope('side_b'):", "with tf.variable_scope('side_a', reuse=True):")
    assert _tfm201(src, True) == [] and _tfm201(src, False) == []


def test_steps_on_one_side_only_are_no_comparison():
    # an online / target shape: one side goes through a step the other does not take
    src = _variant("self.out_b = tf.matmul(state_b, proj_b)",
                   "self.out_b = 0.9 * tf.reduce_max(tf.matmul(state_b, proj_b), 1, keepdims=True)")
    assert _tfm201(src, True) == []


@pytest.mark.slow
def test_per_scope_cells_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(CELLS, tmp_path)


@pytest.mark.slow
def test_per_scope_cells_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(CELLS, migrate_text(CELLS.read_text(), False, name="ur.py"), tmp_path)
    assert min(aucs) > 0.7 and abs(aucs[0] - aucs[1]) < 0.05, aucs
