"""Held-out forms of round AL (session 36, after ThomasTracy/Triplet_Loss_Tensorflow's tf.keras
Sequential feature extractor inside a TF1 graph and ngym/kernel-approximation-by-siamese-rnn's
Keras 2 Siamese GRU):

* tf.keras ``BatchNormalization`` / ``Dropout`` layers called on the placeholders of a TF1
  session program (TFM169): TF1 ran them with Keras' learning phase 0 (a
  placeholder_with_default nobody feeds) - moving statistics (never updated) and no dropout, in
  the training steps too. SILENT before: plain Keras layers, trained by train_on_batch with batch
  statistics and active dropout (0 TODO, verify DIFFERENT). Now
  ``FixedModeBatchNormalization(training=False)`` and ``keras.layers.Identity()``; a program
  that feeds or sets the learning phase keeps the layers (and its TODO on the fed phase);
* ``tensorflow.keras.optimizers.legacy.X`` (import or attribute): kept as
  ``keras.optimizers.legacy``, whose import raises in Keras 3 (0 TODO, crash); now
  ``keras.optimizers.X`` (the same classes, defaults and positional order);
* ``K.batch_dot(x, y, axes=1)`` (or -1, or a pair of them): TODO before; for the (batch, d)
  tensors TFM171 already assumes, the default's contraction ``sum(x * y, axis=1,
  keepdims=True)``.

Regression tier: no TensorFlow; slow: the Keras-layers program against TF1 (verify), the legacy
optimizer program's pair AUC against TF1's."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import assert_idempotent, body, migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_al"
BN_GRAPH = FIX / "keras_bn_dropout_graph.py"
PHASE_FED = FIX / "keras_learning_phase_fed.py"
LEGACY_OPT = FIX / "keras2_legacy_rmsprop_batch_dot.py"

_run = functools.partial(migrate_text, name="al.py")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fixes", [False, True])
def test_keras_layers_in_a_session_program_run_in_inference_mode(fixes):
    out = _run(BN_GRAPH.read_text(), fixes)
    assert TODO_MARKER not in out
    tower = _flat(body(out).split("tower =", 1)[1].split("e1 =", 1)[0])
    assert "FixedModeBatchNormalization(training=False)" in tower
    assert "keras.layers.Identity()" in tower
    assert "keras.layers.BatchNormalization" not in tower and "Dropout" not in tower
    assert "train_on_batch" in out  # the session program itself is still translated
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_fed_learning_phase_keeps_the_keras_layers(fixes):
    out = _run(PHASE_FED.read_text(), fixes)
    assert "keras.layers.BatchNormalization()" in out
    assert "keras.layers.Dropout(0.5)" in out
    assert "FixedModeBatchNormalization" not in out
    assert TODO_MARKER in out  # the fed learning phase has no Keras 3 translation


def test_keras_trained_model_keeps_its_own_training_flag():
    src = ("import tensorflow as tf\n"
           "x = tf.placeholder(tf.float32, [None, 4])\n"
           "m = tf.keras.Sequential([tf.keras.layers.BatchNormalization(), tf.keras.layers.Dropout(0.2)])\n"
           "m.compile('sgd', 'mse')\n"
           "sess = tf.Session()\n")
    out = _run(src, False)
    assert "FixedModeBatchNormalization" not in out and "Identity" not in out


def test_training_keyword_at_a_keras_call_keeps_the_layers():
    src = ("import tensorflow as tf\n"
           "x = tf.placeholder(tf.float32, [None, 4])\n"
           "flag = tf.placeholder(tf.bool, [])\n"
           "bn = tf.keras.layers.BatchNormalization()\n"
           "h = bn(x, training=flag)\n"
           "sess = tf.Session()\n")
    out = _run(src, False)
    assert "FixedModeBatchNormalization" not in out


def test_positional_batch_norm_arguments_become_keywords():
    src = ("import tensorflow as tf\n"
           "x = tf.placeholder(tf.float32, [None, 4])\n"
           "h = tf.keras.layers.BatchNormalization(-1, 0.9)(x)\n"
           "sess = tf.Session()\n")
    out = _flat(_run(src, False))
    assert "FixedModeBatchNormalization(training=False, axis=-1, momentum=0.9)(x)" in out


@pytest.mark.parametrize("fixes", [False, True])
def test_legacy_optimizer_and_batch_dot_axes(fixes):
    out = _run(LEGACY_OPT.read_text(), fixes)
    assert TODO_MARKER not in out
    assert "optimizers.legacy" not in body(out)
    assert "from keras.optimizers import RMSprop" in out
    assert "keras.ops.sum(v[0] * v[1], axis=1, keepdims=True)" in _flat(out)
    assert_idempotent(out, fixes)


def test_batch_dot_over_another_axis_stays_todo():
    src = "import keras.backend as K\ns = K.batch_dot(a, b, axes=(2, 1))\n"
    out = _run(src, False)
    assert TODO_MARKER in out and "K.batch_dot(a, b, axes=(2, 1))" in out


@pytest.mark.slow
def test_keras_layers_in_graph_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(BN_GRAPH, tmp_path)


@pytest.mark.slow
def test_legacy_optimizer_program_runs_and_learns_like_tf1(tmp_path):
    """A Keras-compiled program: verify's probe needs a session train op, so the pair AUCs
    (legacy runtime vs Keras 3) are compared instead; both learn the kernel (AUC well above
    chance) and agree within the spread of one initialisation."""
    legacy, keras_auc = legacy_and_migrated_aucs(LEGACY_OPT, migrate_text(LEGACY_OPT.read_text(), False), tmp_path)
    assert legacy > 0.65 and keras_auc > 0.65
    assert abs(legacy - keras_auc) < 0.1
