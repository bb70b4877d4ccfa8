"""Held-out forms of issue 10 (session 26): weights made once at module level with
``tf.get_variable`` and read by a tower function applied to both inputs. One variable per
``get_variable`` call outside any function, whoever reads it: TF1 shares them, so faithful mode
builds ONE encoder. Fast tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

FIX = Path(__file__).parent / "fixtures" / "heldout_t"
SRC = (FIX / "global_get_variable_towers.py").read_text()


def _run(src: str, fixes: bool) -> str:
    return migrate_source(src, "t.py", Options(fixes=fixes)).code


@pytest.mark.parametrize("fixes", [False, True])
def test_global_get_variables_make_one_encoder_in_both_modes(fixes):
    out = _run(SRC, fixes)
    cst.parse_module(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    # the tower is built once (one set of layers) and applied to both inputs
    assert "encoder = keras.Model(encoder_input, tower(encoder_input)" in out
    assert "e_left = encoder(left)" in out and "e_right = encoder(right)" in out
    assert out.count("keras.layers.Conv2D(") == 1 and out.count("keras.layers.Dense(") == 1
    # the get_variable initializers reach the layers
    assert "kernel_initializer=init_w" in out and "keras.initializers.Constant(0.1)" in out
    assert _run(out, fixes) in (None, out)


def test_a_weight_dict_of_get_variables_is_shared_too():
    src = SRC.replace(
        "W_fc = tf.get_variable('W_fc', [4 * 4 * 12, 24], initializer=init_w)\n"
        "b_fc = tf.get_variable('b_fc', [24], initializer=tf.constant_initializer(0.1))\n",
        "fc = {'w': tf.get_variable('W_fc', [4 * 4 * 12, 24], initializer=init_w),\n"
        "      'b': tf.get_variable('b_fc', [24], initializer=tf.constant_initializer(0.1))}\n",
    ).replace("return tf.matmul(h, W_fc) + b_fc", "return tf.matmul(h, fc['w']) + fc['b']")
    assert "fc['w']" in src
    out = _run(src, False)
    assert TODO_MARKER not in out and "e_right = encoder(right)" in out
    assert out.count("keras.layers.Dense(") == 1


def test_global_get_variables_under_a_module_level_scope_are_shared_too():
    # ``with tf.variable_scope('weights'):`` at module level runs once: still one variable each
    src = SRC.replace("W_conv = tf.get_variable(", "with tf.variable_scope('weights'):\n    W_conv = tf.get_variable(")
    for name in ("b_conv", "W_fc", "b_fc"):
        src = src.replace(f"\n{name} =", f"\n    {name} =")
    assert "    b_fc = tf.get_variable(" in src
    out = _run(src, False)
    assert TODO_MARKER not in out and "e_right = encoder(right)" in out and "variable_scope" not in out


def test_a_tower_that_also_makes_its_own_variable_is_not_one_encoder():
    # tf.Variable inside the tower: a new weight per call (never shared) beside the shared
    # globals - neither one encoder nor a layer per call is TF1's model: kept, reported
    src = SRC.replace("    return tf.matmul(h, W_fc) + b_fc",
                      "    W_out = tf.Variable(tf.truncated_normal([24, 8], stddev=0.1))\n"
                      "    return tf.matmul(tf.matmul(h, W_fc) + b_fc, W_out)")
    out = _run(src, False)
    assert "encoder(" not in out
    assert "W_fc = tf.get_variable(" in out and TODO_MARKER in out and "TFM201" in out


@pytest.mark.slow
def test_global_get_variable_towers_are_equivalent_to_tf1(tmp_path):
    # verify: the same weights give the same forward outputs and the same SGD step as TF1
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / "global_get_variable_towers.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
