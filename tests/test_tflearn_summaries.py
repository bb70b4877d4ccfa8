"""tflearn's summaries helpers around a hand-made TF1 network trained by a TrainOp / Trainer
(tflearn's examples/extending_tensorflow/summaries.py shape), translated.

* TFM135 ``tflearn.add_weights_regularizer(W, 'L2', weight_decay=wd)`` on a variable that becomes a
  layer -> ``kernel_regularizer=keras.regularizers.L2(wd / 2)`` (tflearn's L2 is
  ``wd * sum(W ** 2) / 2``, added to REGULARIZATION_LOSSES, which the TrainOp adds to its loss);
* TFM142 ``tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, x)`` -> removed (only tflearn's
  Trainer reads that collection, for TensorBoard histograms);
* TFM121 ``TrainOp(validation_monitors=[...])`` -> dropped (tflearn only wrote their values at
  validation to TensorBoard).

The slow test runs the program in the legacy runtime (tflearn 0.5.0) and the migrated one under
Keras 3 with the same constant initial weights, unshuffled, and compares the trained network's
outputs; a negative control shows the regularizer matters at that tolerance.
"""
from __future__ import annotations

import re

import pytest

from migrator.engine import Options, migrate_source
from tests.marks import unwrap_markers
from tests.test_tflearn_layer_vars import TRAINER, TRAINER_KERAS_PROBE, TRAINER_LEGACY_PROBE, _keras, _legacy, _migrate

SUMMARIES = TRAINER.replace(
    "    def dnn(x):\n        x = tf.nn.tanh(tf.add(tf.matmul(x, W1), b1))\n        return tf.add(tf.matmul(x, W2), b2)\n",
    "    def dnn(x):\n"
    "        with tf.name_scope('Layer1'):\n"
    "            x = tf.nn.tanh(tf.add(tf.matmul(x, W1), b1))\n"
    "            tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, x)\n"
    "            tflearn.add_weights_regularizer(W1, 'L2', weight_decay=0.05)\n"
    "        with tf.name_scope('Layer2'):\n"
    "            x = tf.add(tf.matmul(x, W2), b2)\n"
    "            tflearn.add_weights_regularizer(b2, 'L1', weight_decay=0.02)\n"
    "        return x\n").replace(
    "metric=accuracy, batch_size=16, shuffle=False)",
    "metric=accuracy, batch_size=16, shuffle=False,\n"
    "                              validation_monitors=[tf.reduce_sum(net), tf.constant(32.0)])").replace(
    "tensorboard_verbose=0)", "tensorboard_verbose=2)")


def test_summaries_program_translates():
    assert SUMMARIES.count("add_weights_regularizer") == 2 and "validation_monitors" in SUMMARIES
    assert "GraphKeys.ACTIVATIONS" in SUMMARIES
    code = _migrate(SUMMARIES)
    assert "kernel_regularizer=keras.regularizers.L2(0.025)" in code
    assert "bias_regularizer=keras.regularizers.L1(0.02)" in code
    assert code.count("_regularizer=") == 2
    assert "ACTIVATIONS" not in code and "add_to_collection" not in code
    assert "validation_monitors" not in code


def test_regularizer_on_a_variable_that_stays_is_kept():
    # W is also read by a print: it stays a TF1 variable, so its regularizer statement stays (TODO)
    src = ("import tensorflow.compat.v1 as tf\nimport tflearn\n"
           "W = tf.get_variable('W', [6, 5])\nb = tf.get_variable('b', [5])\n"
           "h = tf.nn.tanh(tf.matmul(x, W) + b)\nprint(W)\n"
           "tflearn.add_weights_regularizer(W, 'L2', weight_decay=0.05)\n")
    code = migrate_source(src, "example.py", Options(fixes=False)).code
    assert ("# TODO(tflearn-migrate): TFM100 no Keras translation for tflearn.helpers.regularizer.add_weights_regularizer\n"
            "tflearn.add_weights_regularizer(W, 'L2', weight_decay=0.05)\n") in unwrap_markers(code)
    assert "_regularizer=" not in code


@pytest.mark.slow
def test_summaries_trainer_matches_tflearn(tmp_path):
    import numpy as np

    legacy = tmp_path / "legacy.py"
    legacy.write_text(SUMMARIES + TRAINER_LEGACY_PROBE)
    code = _migrate(SUMMARIES)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(code + TRAINER_KERAS_PROBE)
    want, got = np.array(_legacy(legacy)), np.array(_keras(migrated))
    assert want.shape == got.shape == (40, 3)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    # negative control: without the regularizers the trained outputs differ beyond the tolerance
    plain = tmp_path / "plain.py"
    stripped = re.sub(r"^\s*(kernel|bias)_regularizer=keras\.regularizers\.L[12]\([0-9.]+\),\n", "", code, flags=re.M)
    assert "_regularizer=" not in stripped
    plain.write_text(stripped + TRAINER_KERAS_PROBE)
    assert np.abs(np.array(_keras(plain)) - want).max() > 1e-3
