"""Round AG follow-up (session 33, after nlml/dlass3): a conv helper whose strides another helper
computes and whose bias (an int shape) is added first. Regression tier: no TensorFlow; slow: verify and
AUCs."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_ag2"
BIAS_FIRST = FIX / "bias_first_helper_strides.py"
SUMMARY_FETCH = FIX / "summary_fetch_by_name.py"

_run = functools.partial(migrate_text, name="ag2.py")


@pytest.mark.parametrize("fixes", [False, True])
def test_bias_first_conv_with_computed_strides_translates(fixes):
    # before: 5 TODO (TFM135 "conv2d strides/padding not literal NHWC", W / b kept as TF1
    # get_variable, TFM100 on the pool_type=tf.nn.max_pool default): the strides were a name
    # bound to a helper's list, the bias added first
    out = _run(BIAS_FIRST.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    # the run-time [1, s, s, 1] list through tf1_window (an int or [1, h, w, 1], else ValueError)
    assert "strides=tf1_window(strides)," in out and "def tf1_window(k):" in out
    # the int-shaped bias, added to the conv (the same sum as b + conv)
    assert "TF1BroadcastBias(c_out, keras.initializers.Constant(0.01))(" in out
    assert "self.bias_shape = (shape,) if isinstance(shape, int) else tuple(shape)" in out
    assert "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')" in out
    # the pooling function as a default: a helper with TF1's signature
    assert "def pool(x, size, step, pool_type=tf1_max_pool):" in out and "def tf1_max_pool(value, ksize," in out
    assert _run(out, fixes) in (None, out)


@pytest.mark.parametrize("src", [
    # a literal list that is not [1, h, w, 1]: TODO as before
    "import tensorflow as tf\nW = tf.get_variable('W', [3, 3, 1, 4])\nb = tf.get_variable('b', [4])\n"
    "y = b + tf.nn.conv2d(x, W, strides=[2, 1, 1, 1], padding='SAME')\n",
    # the strides an arithmetic expression: not a name / call / subscript, TODO as before
    "import tensorflow as tf\nW = tf.get_variable('W', [3, 3, 1, 4])\n"
    "y = tf.nn.conv2d(x, W, strides=s + t, padding='SAME')\n",
])
def test_strides_not_understood_keep_their_todo(src):
    out = _run(src, False)
    assert "TFM135 conv2d strides/padding not literal NHWC" in out


def test_bias_first_dense_is_the_layer_bias():
    src = ("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\n"
           "W = tf.get_variable('W', [4, 2])\nb = tf.get_variable('b', [2], initializer=tf.zeros_initializer())\n"
           "y = b + tf.matmul(x, W)\n")
    out = _run(src, False)
    assert out.endswith("y = keras.layers.Dense(2)(x)\n") and "tf.get_variable" not in out


@pytest.mark.parametrize("fixes", [False, True])
def test_summary_fetch_by_name_translates(fixes):
    # before: 3 TODO (TFM100 on the bare tf.get_variable('W') the histogram read, TFM138 on the
    # reuse=True scope around it)
    out = _run(SUMMARY_FETCH.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert "def weight_summary(name):\n    pass\n" in out
    assert "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')" in out
    assert _run(out, fixes) in (None, out)


@pytest.mark.parametrize("src", [
    # a get_variable with a shape CREATES a variable (under no reuse): not a fetch, kept
    "import tensorflow as tf\ndef s():\n    w = tf.get_variable('W', [3])\n    tf.summary.histogram('w', w)\n",
    # the fetched variable is read by something else than a summary: kept
    "import tensorflow as tf\ndef s():\n    with tf.variable_scope('a', reuse=True):\n"
    "        w = tf.get_variable('W')\n        tf.summary.histogram('w', w)\n    return w\n",
])
def test_get_variable_not_a_summary_only_fetch_is_kept(src):
    assert "tf.get_variable('W'" in _run(src, False)


@pytest.mark.slow
def test_summary_fetch_by_name_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(SUMMARY_FETCH, tmp_path)


@pytest.mark.slow
def test_bias_first_conv_with_computed_strides_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(BIAS_FIRST, tmp_path)


@pytest.mark.slow
def test_bias_first_conv_with_computed_strides_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(BIAS_FIRST, _run(BIAS_FIRST.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs
