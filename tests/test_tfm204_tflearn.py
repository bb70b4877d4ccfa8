"""TFM204 on tflearn's regression(): the whole migration (TFM116 active), both modes, no TF."""
from __future__ import annotations

from pathlib import Path

from migrator.engine import migrate_source
from migrator.options import Options

FIXTURE = Path(__file__).parent / "fixtures" / "compare" / "tflearn_unshared_distance.py"

MEAN_SQUARE = (
    "import tensorflow as tf\nimport tflearn\n"
    "a = tflearn.input_data(shape=[None, 64])\n"
    "b = tflearn.input_data(shape=[None, 64])\n"
    "dist = tf.sqrt(tf.reduce_sum(tf.square(a - b), 1, keepdims=True) + 1e-6)\n"
    "net = tflearn.regression(dist, loss='mean_square')\n"
    "model = tflearn.DNN(net)\n")

CLASSIFIER = (
    "import tflearn\n"
    "x = tflearn.input_data(shape=[None, 64])\n"
    "net = tflearn.fully_connected(x, 10, activation='softmax')\n"
    "net = tflearn.regression(net, loss='mean_square')\n"
    "model = tflearn.DNN(net)\n")


def _tfm204(res):
    return [d for d in res.diagnostics if d.rule == "TFM204"]


def test_user_l1_function_becomes_contrastive_loss_in_compile():
    res = migrate_source(FIXTURE.read_text(), path=str(FIXTURE), options=Options())
    assert res.status == "migrated", res.reason
    assert "    loss=contrastive_loss,\n" in res.code
    assert "def contrastive_loss(y_true, y_pred, margin=1.0):" in res.code
    assert "lambda y_true, y_pred: l1(y_pred, y_true)" not in res.code  # the flipped call is gone
    [d] = _tfm204(res)
    assert d.fixed and "labels built with ==" in d.message
    again = migrate_source(res.code, path=str(FIXTURE), options=Options())
    assert again.code == res.code


def test_faithful_mode_keeps_the_l1_function_and_only_reports():
    res = migrate_source(FIXTURE.read_text(), path=str(FIXTURE), options=Options(fixes=False))
    assert "    loss=lambda y_true, y_pred: l1(y_pred, y_true),\n" in res.code
    assert "contrastive_loss" not in res.code
    [d] = _tfm204(res)
    assert not d.fixed


def test_builtin_mean_square_on_a_distance():
    res = migrate_source(MEAN_SQUARE, path="x.py", options=Options())
    assert "loss=contrastive_loss" in res.code and "mean_squared_error" not in res.code
    assert [d.fixed for d in _tfm204(res)] == [True]


def test_mean_square_on_a_softmax_classifier_is_left_alone():
    res = migrate_source(CLASSIFIER, path="x.py", options=Options())
    assert "loss='mean_squared_error'" in res.code
    assert _tfm204(res) == []
