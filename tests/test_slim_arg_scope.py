"""slim layers under ``slim.arg_scope`` with an l2 regularizer whose collection the loss adds
(NVIDIA/DIGITS' siamese-TF idiom; tests/fixtures/tf1/slim_arg_scope.py).

Fast: the program migrates with no TODO - TFM150 drops the arg_scope block and TFM132 writes
its keywords into each listed call, the regularizer is Keras' L2 at HALF TF1's scale (TF1's
``l2_regularizer(s)`` is ``s * tf.nn.l2_loss(w)`` = ``s * sum(w ** 2) / 2``), TFM151 removes
``losses += tf.get_collection(REGULARIZATION_LOSSES)`` (Keras adds layer losses itself), the
nested ``make_tower`` shared through ``reuse_variables()`` becomes one encoder, and a
regularizer whose collection nothing reads is dropped (TF1 computed it and never trained with it).

Slow: ``verify`` proves the faithful output computes the legacy function (the legacy runtime's
slim re-implements TF 1.15's contrib layers), and a negative control (the L2 factor at TF1's
full scale) is judged DIFFERENT - the step sees the regularizer.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator.engine import migrate_source
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "tf1" / "slim_arg_scope.py"


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, "f.py", Options(fixes=fixes))
    assert res.status != "failed", res.reason
    return res.code


def test_slim_program_migrates_without_todo():
    out = _migrate(FIXTURE.read_text(encoding="utf-8"))
    assert "TODO(tflearn-migrate)" not in out, out
    code = out.split('"""', 2)[2]  # after the docstring
    assert "arg_scope" not in code and "tensorflow" not in code and "slim" not in code
    assert out.count("kernel_regularizer=keras.regularizers.L2(0.005)") == 3
    assert out.count("kernel_initializer=keras.initializers.GlorotUniform()") == 3
    assert "get_collection" not in code and "losses +=" not in code
    assert "encoder = keras.Model(" in out and "keras.ops.split(x, 2, axis=3)" in out
    assert _migrate(out) == out


def test_regularizer_without_a_collection_read_is_dropped():
    src = ("import tensorflow as tf\nimport tensorflow.contrib.slim as slim\n"
           "with slim.arg_scope([slim.fully_connected], weights_regularizer=slim.l2_regularizer(0.1)):\n"
           "    h = slim.fully_connected(x, 4)\n")
    res = migrate_source(src, "f.py", Options(fixes=False))
    assert "regularizer" not in res.code and "TODO" not in res.code, res.code
    assert any("REGULARIZATION_LOSSES" in d.message for d in res.diagnostics)


def test_arg_scope_reaching_a_helper_outside_the_block_is_declined():
    src = ("import tensorflow.contrib.slim as slim\n\n"
           "def tower(x):\n    return slim.conv2d(x, 8, [3, 3])\n\n"
           "with slim.arg_scope([slim.conv2d], padding='VALID'):\n    h = tower(x)\n")
    out = _migrate(src)
    assert "TFM150 arg_scope not translated" in out and "TFM132" in out
    assert "padding='same'" not in out  # the helper's call is not translated without the scope


@pytest.mark.slow
def test_slim_migration_is_equivalent_and_the_regularizer_counts(tmp_path):
    from migrator.weights.verify import judge, verify_pairs

    mig = tmp_path / "m.py"
    out = _migrate(FIXTURE.read_text(encoding="utf-8"))
    mig.write_text(out, encoding="utf-8")
    neg = tmp_path / "neg.py"
    neg.write_text(out.replace("L2(0.005)", "L2(0.01)"), encoding="utf-8")
    good, bad = verify_pairs([(FIXTURE, mig), (FIXTURE, neg)], workdir=tmp_path / "v")
    ok, lines = judge(good)
    assert ok, "\n".join(lines + good.get("mapping", []))
    ok_neg, lines_neg = judge(bad)
    assert not ok_neg, "\n".join(lines_neg)
