"""A Python list of tensors (static_rnn's outputs, tf.unstack / tf.split parts) given to an op
that takes one tensor: TF1's convert_to_tensor packed it on a new axis 0; keras.ops take no list,
so TFM130 writes the ``keras.ops.stack`` (``_list_of_tensors``): reductions, transpose, reshape,
squeeze, expand_dims. A name counts as a list when EVERY binding of it in its scope makes one
(``outputs`` bound by static_bidirectional_rnn in one branch and static_rnn in the other) and it
is not a parameter (``x = tf.unstack(tf.transpose(x, ...))`` transposes the tensor passed in).
Fast tier: the text; slow tier: verify on a fixture."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.outputs import migrate_text

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "w2v_branch_sigmoid_pairs.py"

RNN = """import numpy as np
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 5, 3])
y = tf.placeholder(tf.float32, [None, 5, 4])
seq = tf.unstack(x, 5, 1)
cell = tf.nn.rnn_cell.BasicLSTMCell(4)
outputs, _ = tf.nn.static_rnn(cell, seq, dtype=tf.float32)
out = {use}
loss = tf.reduce_mean(tf.square(out - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    _, l = sess.run([train_op, loss], {{x: np.ones((2, 5, 3)), y: np.ones((2, 5, 4))}})
"""


@pytest.mark.parametrize("use, expected", [
    ("tf.transpose(outputs, [1, 0, 2])", "keras.ops.transpose(keras.ops.stack(outputs), axes=[1, 0, 2])"),
    ("tf.reshape(outputs, [-1, 5, 4])", "keras.ops.reshape(keras.ops.stack(outputs), [-1, 5, 4])"),
    ("tf.squeeze(outputs)", "keras.ops.squeeze(keras.ops.stack(outputs))"),
    ("tf.expand_dims(outputs, 0)", "keras.ops.expand_dims(keras.ops.stack(outputs), 0)"),
    ("tf.reduce_max(outputs, 0)", "keras.ops.max(keras.ops.stack(outputs), axis=0)"),
    # (an explicit stack is not stacked again)
    ("tf.transpose(tf.stack(outputs), [1, 0, 2])", "keras.ops.transpose(keras.ops.stack(outputs, axis=0), axes=[1, 0, 2])"),
    ("tf.transpose(seq[0])", "keras.ops.transpose(seq[0])"),
])
def test_a_list_given_to_a_one_tensor_op_is_stacked(use, expected):
    out = migrate_text(RNN.format(use=use))
    assert f"out = {expected}\n" in out


def test_a_parameter_rebound_to_a_list_is_a_tensor_before():
    out = migrate_text(FIXTURE.read_text())
    assert "x = keras.ops.unstack(keras.ops.transpose(x, axes=[1, 0, 2]))" in out
    # bound in both branches (bidirectional / not), a list either way
    assert "return keras.ops.sum(keras.ops.stack(outputs), axis=0) / sequence_length" in out


def test_a_name_also_bound_to_a_tensor_is_not_stacked():
    src = RNN.format(use="tf.transpose(outputs, [1, 0, 2])").replace(
        "out = ", "if np.random.rand() > 2:\n    outputs = tf.zeros([5, 2, 4])\nout = ")
    out = migrate_text(src)
    assert "keras.ops.transpose(outputs, axes=[1, 0, 2])" in out


@pytest.mark.slow
def test_the_program_computes_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(FIXTURE, tmp_path)
