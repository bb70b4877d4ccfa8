"""TFM125: a tflearn DNN over a merge of several regression layers (tflearn's logical.py XOR
shape) -> TflearnRegressionsDNN: one Keras model per tflearn TrainOp, trained in tflearn's order.

The slow test runs a program of that shape in the legacy runtime (tflearn 0.5.0) and migrated
under Keras 3: the two regressions SHARE their first layer (so the order of the TrainOps' steps
and their separate global-norm clips matter), one is shuffled (4 rows, batch 64: one full batch,
only the row order changes), initial weights given as arrays. The network's predictions after
30 epochs must agree; a negative control runs the TrainOps in the other order and differs.
"""
from __future__ import annotations

import numpy as np
import pytest

from migrator.engine import Options, migrate_source
from tests.test_tflearn_layer_vars import _keras, _legacy, _migrate

XOR = """\
import json
import numpy as np
import tensorflow.compat.v1 as tf
import tflearn

rs = np.random.RandomState(0)
W0 = rs.randn(2, 8).astype('float32')
Wa = rs.randn(8, 1).astype('float32')
Wb = rs.randn(8, 1).astype('float32')
X = [[0., 0.], [0., 1.], [1., 0.], [1., 1.]]
Y_nand = [[1.], [1.], [1.], [0.]]
Y_or = [[0.], [1.], [1.], [1.]]

with tf.Graph().as_default():
    g = tflearn.input_data(shape=[None, 2])
    shared = tflearn.fully_connected(g, 8, activation='tanh', weights_init=W0)
    g_nand = tflearn.fully_connected(shared, 1, activation='sigmoid', weights_init=Wa)
    g_nand = tflearn.regression(g_nand, optimizer='sgd', learning_rate=2., loss='binary_crossentropy')
    g_or = tflearn.fully_connected(shared, 1, activation='sigmoid', weights_init=Wb)
    g_or = tflearn.regression(g_or, optimizer='sgd', learning_rate=2., loss='mean_square', shuffle_batches=False)
    g_xor = tflearn.merge([g_nand, g_or], mode='elemwise_mul')
    m = tflearn.DNN(g_xor)
    m.fit(X, [Y_nand, Y_or], n_epoch=30, snapshot_epoch=False)
    print('RESULT' + json.dumps(np.asarray(m.predict(X)).tolist()))
"""


def _out(src: str) -> str:
    return migrate_source(src, "example.py", Options(fixes=False)).code


def test_translation_shape():
    code = _migrate(XOR)
    assert "m = TflearnRegressionsDNN(" in code
    assert "(g_nand, tflearn_binary_crossentropy, " \
           "keras.optimizers.SGD(learning_rate=2., global_clipnorm=5.0), 64, True)" in code
    assert "(g_or, 'mean_squared_error', keras.optimizers.SGD(learning_rate=2., global_clipnorm=5.0), 64, False)" in code
    assert "m.fit(X, [Y_nand, Y_or], n_epoch=30, snapshot_epoch=False)" in code
    assert "tflearn.regression" not in code and "g_nand = g_nand" not in code


@pytest.mark.parametrize("edit, why", [
    ("m.fit(X, [Y_nand, Y_or], n_epoch=30, snapshot_epoch=False)",
     "m.fit(X, [Y_nand, Y_or], n_epoch=30, validation_set=0.1)"),          # a validation split
    ("m = tflearn.DNN(g_xor)", "m = tflearn.DNN(g_xor, checkpoint_path='ck')"),  # checkpoints
    ("optimizer='sgd', learning_rate=2., loss='binary_crossentropy')",
     "optimizer='sgd', learning_rate=2., loss='binary_crossentropy', trainable_vars=[])"),
    ("weights_init=W0)", "weights_init=W0, regularizer='L2')"),  # every TrainOp adds it
    ("print('RESULT'", "m.save('x.tfl')\n    print('RESULT'"),  # another use of the model
])
def test_declines_what_the_helper_does_not_cover(edit, why):
    src = XOR.replace(edit, why)
    assert src != XOR
    code = _out(src)
    assert "TflearnRegressionsDNN" not in code
    assert "TODO(tflearn-migrate): TFM116" in code


@pytest.mark.slow
def test_regressions_dnn_matches_tflearn(tmp_path):
    legacy = tmp_path / "legacy.py"
    legacy.write_text(XOR)
    code = _migrate(XOR)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(code)
    want, got = np.array(_legacy(legacy)), np.array(_keras(migrated))
    assert want.shape == got.shape == (4, 1)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    # it trained: XOR-like outputs, far from the untrained network's
    assert want[1, 0] > 0.5 and want[0, 0] < 0.5
    # negative control: the other TrainOp order (the shared layer sees the other update first)
    swapped = tmp_path / "swapped.py"
    loop = "for (model, _, _), stream in zip(self.train_ops, streams):"
    assert loop in code
    swapped.write_text(code.replace(loop, "for (model, _, _), stream in reversed(list(zip(self.train_ops, streams))):"))
    assert np.abs(np.array(_keras(swapped)) - want).max() > 1e-3
    # negative control: Keras' own crossentropy on the sigmoid layer (it takes the layer's logits)
    keras_bce = tmp_path / "keras_bce.py"
    keras_bce.write_text(code.replace("(g_nand, tflearn_binary_crossentropy,",
                                      "(g_nand, keras.losses.BinaryCrossentropy(from_logits=True),"))
    assert np.abs(np.array(_keras(keras_bce)) - want).max() > 1e-2


# tflearn's logits losses after a softmax layer (TFM116): tflearn squashes twice; Keras 3's
# CategoricalCrossentropy(from_logits=True) would take the softmax layer's own logits
# (one full batch per epoch: tflearn's batch stream order is not what this compares)
SOFTMAX = """\
import json
import numpy as np
import tflearn

rs = np.random.RandomState(1)
X = rs.rand(24, 5).astype('float32')
Y = np.eye(3)[rs.randint(0, 3, 24)].astype('float32')
W = rs.randn(5, 3).astype('float32')
net = tflearn.input_data(shape=[None, 5])
net = tflearn.fully_connected(net, 3, activation='softmax', weights_init=W)
net = tflearn.regression(net, optimizer='sgd', learning_rate=1., loss='softmax_categorical_crossentropy',
                         batch_size=24, shuffle_batches=False)
m = tflearn.DNN(net)
m.fit(X, Y, n_epoch=4, shuffle=False, snapshot_epoch=False)
print('RESULT' + json.dumps(np.asarray(m.predict(X)).tolist()))
"""


def test_logits_losses_use_the_helpers():
    code = _migrate(SOFTMAX)
    assert "loss=tflearn_softmax_categorical_crossentropy" in code
    assert "keras.ops.log_softmax(y_pred, axis=-1)" in code


@pytest.mark.slow
def test_softmax_logits_loss_matches_tflearn(tmp_path):
    legacy = tmp_path / "legacy.py"
    legacy.write_text(SOFTMAX)
    code = _migrate(SOFTMAX)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(code)
    want, got = np.array(_legacy(legacy)), np.array(_keras(migrated))
    assert want.shape == got.shape == (24, 3)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    keras_cce = tmp_path / "keras_cce.py"
    keras_cce.write_text(code.replace("loss=tflearn_softmax_categorical_crossentropy",
                                      "loss=keras.losses.CategoricalCrossentropy(from_logits=True)"))
    assert np.abs(np.array(_keras(keras_cce)) - want).max() > 1e-3
