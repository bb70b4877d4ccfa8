"""Unshared towers whose calls differ only in a scope name (TFM201): dhwajraj's
``BiRNN(x, keep, "side1", ...)`` / ``"side2"`` open ``tf.variable_scope("fw" + scope)``, so TF1
makes two sets of LSTM weights. The name only names them: the fix (one encoder) needs the same
arguments besides the input, and a parameter read ONLY in the name of a variable / name scope,
alone or joined to string literals (``"fw" + scope``, ``f"{scope}_fw"``), is no argument that
changes what the encoder computes (``shared_plan.scope_name_params``). Faithful mode keeps both
towers; a name also read elsewhere keeps the report's "not fixed". Fast tier: the text; slow
tier: the AUCs of legacy and fixed training."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIX = Path(__file__).parent / "fixtures"
DHWAJRAJ = FIX / "realworld" / "dhwajraj_bilstm.py"
W2V = FIX / "real_sweep" / "w2v_branch_sigmoid_pairs.py"


def _diagnostics(src: str, fixes: bool) -> list[str]:
    from migrator.engine import migrate_source
    from migrator.options import Options

    return [d.format() for d in migrate_source(src, "x.py", Options(fixes=fixes)).diagnostics if "TFM201" in d.format()]


@pytest.mark.parametrize("fixture, tower, sides", [
    (DHWAJRAJ, "self.BiRNN", ("self.embedded_chars1", "self.embedded_chars2")),
    (W2V, "self.stackedRNN", ("self.embedded_words1", "self.embedded_words2")),
], ids=["dhwajraj", "w2v"])
def test_towers_named_by_their_scope_become_one_encoder_with_fixes(fixture, tower, sides):
    src = fixture.read_text()
    out = migrate_text(src, True)
    assert "encoder = keras.Model(" in out
    for k, side in enumerate(sides, 1):
        assert f"self.out{k} = encoder({side})" in out
    assert out.count(f"{tower}(") == 1  # the encoder's one build
    assert any("[fixed]" in d for d in _diagnostics(src, True))
    assert not undefined_names(out)
    assert_idempotent(out, True)
    faithful = migrate_text(src, False)
    assert "encoder = keras.Model(" not in faithful and faithful.count(f"{tower}(") == 2
    assert any("kept as written" in d for d in _diagnostics(src, False))


def test_a_formatted_scope_name_is_a_name_too():
    src = W2V.read_text().replace('tf.name_scope("fw" + scope), tf.variable_scope("fw" + scope)',
                                  'tf.name_scope(f"fw{scope}"), tf.variable_scope(f"fw_{scope}")')
    assert src != W2V.read_text()
    assert "encoder = keras.Model(" in migrate_text(src, True)


def test_a_scope_name_also_read_otherwise_is_an_argument():
    src = W2V.read_text().replace("        n_layers = 2\n", "        n_layers = 2 if scope == 'side1' else 1\n")
    assert src != W2V.read_text()
    out = migrate_text(src, True)
    assert "encoder = keras.Model(" not in out
    assert any("not fixed: the calls pass different arguments besides the input" in d
               for d in _diagnostics(src, True))


@pytest.mark.slow
def test_the_fixed_towers_rank_pairs_at_least_as_well(tmp_path):
    from tests.legacy_pairs import legacy_and_migrated_aucs

    legacy, fixed = legacy_and_migrated_aucs(W2V, migrate_text(W2V.read_text(), True), tmp_path)
    assert legacy > 0.7 and fixed >= legacy - 0.02, (legacy, fixed)
