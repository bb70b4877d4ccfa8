"""TFM112: tflearn residual_block / residual_bottleneck, numerically.

tests/fixtures/residual/resnet_small.py is real tflearn code (a small ResNet on the digits
with both block kinds: identity and zero-padded shortcuts, downsampling in every block, a
bottleneck whose second block has no shortcut, a bottleneck without batch norm). It is
migrated in faithful mode and ``verify`` runs both programs in their own processes (legacy
runtime / Keras 3) with the SAME weights (mapped from the legacy variables):

* forward pass (inference mode) within 1e-5;
* one SGD step of each program's own training op: the weights after it within 1e-5
  (relative), and the UPDATES themselves (after - before) within 1e-4 relative for every
  kernel, gamma and beta, so the gradients are compared, not only the (much larger)
  weights. Conv biases directly followed by a batch normalization are excluded from the
  update check: their exact gradient is zero (batch norm removes any per-channel shift), so
  both sides move them by rounding noise only.

The same fixture is also collected by tests/test_verify_fixtures.py.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.weights.verify import judge, migrate_faithful, verify

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "residual" / "resnet_small.py"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    return migrate_faithful(FIXTURE, tmp_path_factory.mktemp("resnet_small"))


@pytest.fixture(scope="module")
def result(migrated, tmp_path_factory):
    return verify(FIXTURE, migrated, workdir=tmp_path_factory.mktemp("resnet_verify"))


def test_migration_is_complete_and_keras_only(migrated):
    code = migrated.read_text()
    assert TODO_MARKER not in code
    assert legacy_refs_outside_todo(code) == []
    assert not re.search(r"^\s*(import|from)\s+(tensorflow|tflearn)\b", code, re.M)
    assert code.count("= tflearn_residual_block(") == 2
    assert code.count("= tflearn_residual_bottleneck(") == 2


def test_same_function_with_the_same_weights(result):
    ok, lines = judge(result)
    assert ok, "\n".join(lines + result.get("mapping", []))


def test_every_nested_block_variable_is_mapped(result):
    mapping = "\n".join(result.get("mapping", []))
    assert "UNMAPPED" not in mapping and "UNUSED" not in mapping, mapping
    for var in ("ResidualBlock/BatchNormalization/gamma", "ResidualBlock/Conv2D_1/W",
                "ResidualBlock_1/Conv2D_3/W", "ResidualBlock_1/BatchNormalization_3/moving_variance",
                "ResidualBottleneck/Conv2D_5/b", "ResidualBottleneck_1/Conv2D_2/W"):
        assert var in mapping, var


def test_one_step_updates_agree(result):
    steps = result.get("step", [])
    assert steps, result
    checked = 0
    for s in steps:
        role = s["weight"].rsplit("/", 1)[-1]
        if role in ("kernel", "gamma", "beta") and s["update_rel"] > 0:
            assert s["update_rel"] <= 1e-4, s
            checked += 1
    assert checked >= 30
