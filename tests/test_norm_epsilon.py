"""TFM228: ``tf.norm(a - b, axis=1)`` is a Euclidean distance whose gradient at 0 is 0 / 0. With
fixes it is written ``sqrt(sum(square(a - b), axis=1) + keras.config.epsilon())``; faithful mode
keeps ``keras.ops.norm`` and reports. Fast tier: the text (the rule's own VALID / INVALID cases
run with every rule's); slow tier: on a fixture whose pair sampler sometimes pairs an image with
itself and whose loss reads the distance itself, TF1 training ends in NaN (pair AUC 0.5) and
the fixed migration trains."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "norm_distance_pairs.py"
SOURCE = FIXTURE.read_text()
FIXED = ("distance = keras.ops.sqrt(\n    keras.ops.sum(keras.ops.square(encoder(left) - encoder(right)), axis=1)\n"
         "    + keras.config.epsilon(),\n)\n")


def test_the_distance_gets_an_epsilon_with_fixes():
    out = migrate_text(SOURCE, True)
    assert TODO_MARKER not in out and "keras.ops.norm(" not in out
    assert FIXED in out
    assert not undefined_names(out)
    assert_idempotent(out, True)


def test_faithful_mode_keeps_the_norm_and_reports_it():
    from migrator.engine import migrate_source
    from migrator.options import Options

    res = migrate_source(SOURCE, "x.py", Options(fixes=False))
    assert "keras.ops.norm(" in res.code and "keras.config.epsilon()" not in res.code
    msgs = [d.format() for d in res.diagnostics if "TFM228" in d.format()]
    assert len(msgs) == 1 and "no epsilon under the norm's square root" in msgs[0] and "x.py:31:" in msgs[0]


@pytest.mark.parametrize("norm", [
    "tf.norm(tower(left), axis=1)",                        # not a difference
    "tf.norm(tower(left) - tower(right), ord=1, axis=1)",  # L1
    "tf.norm(tower(left) - tower(right))",                 # every element: no single axis
])
def test_other_norms_are_left_alone(norm):
    src = SOURCE.replace("tf.norm(tower(left) - tower(right), axis=1)", norm)
    assert src != SOURCE
    out = migrate_text(src, True)
    assert "keras.ops.norm(" in out and "TFM228" not in out


@pytest.mark.slow
def test_tf1_training_ends_in_nan_and_the_fixed_migration_trains(tmp_path):
    from tests.legacy_pairs import legacy_and_migrated_aucs

    legacy, fixed = legacy_and_migrated_aucs(FIXTURE, migrate_text(SOURCE, True), tmp_path)
    assert legacy == 0.5 and fixed > 0.9, (legacy, fixed)
