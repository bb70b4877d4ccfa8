"""TensorFlow-Examples' idioms (tests/fixtures/tfex/, written in our words after
aymericdamien/TensorFlow-Examples' MLP scripts): weight dicts passed to the model function,
``tf.gradients`` + ``list(zip(...))`` + ``apply_gradients``, histogram loops over variables and
gradients, an accuracy tensor bound twice. Static checks are fast; verify (legacy initial
weights: forward and one training step) is slow."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.migrate_cache import migrate_source  # one migration per input and run
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "tfex" / "weight_dicts_mlp.py"


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, str(FIXTURE), Options(wrap_lines=False, fixes=fixes))
    assert res.status == "migrated", res.reason
    return res.code


@pytest.mark.parametrize("fixes", [False, True])
def test_weight_dict_mlp_translates_completely(fixes):
    code = _migrate(FIXTURE.read_text(), fixes)
    assert TODO_MARKER not in code
    assert not legacy_refs_outside_todo(code)
    assert "def mlp(x):" in code and "mlp(x)" in code  # the dict parameters and arguments went
    # TF1's tf.random_normal default (stddev 1.0) for all six variables
    assert code.count("keras.initializers.RandomNormal(stddev=1.0)") == 6
    assert "def acc(y, pred):\n        acc = keras.ops.equal(" in code
    body = code.split("def mlp(x):", 1)[1]
    assert "grads" not in body and "tf.gradients" not in body
    again = migrate_source(code, str(FIXTURE), Options(wrap_lines=False, fixes=fixes))
    assert again.status == "unchanged", again.code  # a second run changes nothing


def test_value_of_eval_is_not_a_tensor():
    """``accuracy = acc.eval(feed)`` binds a NumPy value (like sess.run): not a label function."""
    code = _migrate(FIXTURE.read_text())
    assert "def accuracy(" not in code
    assert "accuracy = keras.ops.convert_to_numpy(acc(" in code


@pytest.mark.slow
def test_weight_dict_mlp_is_equivalent_under_verify(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    mig = migrate_faithful(FIXTURE, tmp_path / "m")
    (res,) = verify_pairs([(FIXTURE, mig)], call="train", workdir=tmp_path / "v")
    ok, lines = judge(res)
    assert not res.get("todo")
    assert ok, "\n".join(lines + res.get("mapping", []))


CONV = ROOT / "tests" / "fixtures" / "tfex" / "conv_helper_dicts.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_conv_helper_with_dict_entries_translates_completely(fixes):
    code = migrate_source(CONV.read_text(), str(CONV), Options(wrap_lines=False, fixes=fixes)).code
    assert TODO_MARKER not in code
    assert not legacy_refs_outside_todo(code)
    assert "def conv2d(x, W, strides=1):\n    x = W(x)" in code  # the helper receives its layer
    assert code.count("keras.layers.Conv2D(") == 2 and code.count("keras.layers.Dense(") == 2
    assert "keras.ops.reshape(conv2, [-1, (2 * 2 * 16)])" in code  # the static shape written out
    assert "def conv_net(x, dropout):" in code and "keras.layers.Dropout(0.2)" in code
    again = migrate_source(code, str(CONV), Options(wrap_lines=False, fixes=fixes))
    assert again.status == "unchanged", again.code


@pytest.mark.slow
def test_conv_helper_with_dict_entries_is_equivalent_under_verify(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    mig = migrate_faithful(CONV, tmp_path / "m")
    (res,) = verify_pairs([(CONV, mig)], call="train", workdir=tmp_path / "v")
    ok, lines = judge(res)
    assert not res.get("todo")
    assert ok, "\n".join(lines + res.get("mapping", []))
