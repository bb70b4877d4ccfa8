"""TF1 streaming metrics (``tf.metrics.auc / accuracy / mean / precision / recall``) ->
``TF1StreamingMetric`` (translate/tf1_metrics.py, TFM140): the value / update-op pair, the
local-variable initializer as ``reset_state()``. Fast tests migrate the fixtures
(tests/fixtures/tf1_real/streaming_metrics_math.py, graph_main_streaming_auc.py) and check the
helper's arithmetic with NumPy alone; the slow ones run the legacy TF1 programs and their
migrations and compare the streamed values."""
from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.options import Options
from migrator.translate.tf1_metrics import TF1_METRIC
from tests.migrate_cache import migrate_source

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "tf1_real"
FORMS = ["streaming_metrics_math", "graph_main_streaming_auc"]


def _migrate(name: str, fixes: bool = False) -> str:
    path = FIXTURES / f"{name}.py"
    res = migrate_source(path.read_text(), str(path), Options(wrap_lines=False, fixes=fixes))
    assert res.status == "migrated", res.reason
    return res.code


@pytest.mark.parametrize("name", FORMS)
@pytest.mark.parametrize("fixes", [False, True])
def test_streaming_metric_programs_translate_completely(name, fixes):
    out = _migrate(name, fixes)
    compile(out, name, "exec")
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    from migrator.helpers import HELPERS

    assert TF1_METRIC.code in out
    body = out
    for h in HELPERS.values():  # the helpers' docstrings cite TF1
        body = body.replace(h.code, "")
    body = body.split('"""', 2)[-1]
    for word in ("tensorflow", "tf.", "Session", "sess.", "feed_dict", "local_variables"):
        assert word not in body, word
    assert migrate_source(out, name + ".py", Options(wrap_lines=False, fixes=fixes)).code == out  # idempotent


def test_metric_pair_update_value_and_reset_forms():
    out = _migrate("graph_main_streaming_auc")
    assert "auc = TF1StreamingMetric('auc')\n" in out
    assert "def auc_update(same, p_same):\n        return auc.update_state(labels=same, predictions=p_same)" in out
    # accuracy of a thresholded probability: the label-free expression goes into the update function
    assert "return acc.update_state(labels=same, predictions=keras.ops.round(p_same))" in out
    # the update op's result is the value so far; sess.run(auc) is the current value
    assert "so_far = keras.ops.convert_to_numpy(auc_update(keras.ops.convert_to_tensor(ts[i:i + 100], " \
           "dtype='float32'), tf1_fetches([left, right], [p_same]).predict_on_batch(" in out
    assert "passes.append([auc.result(), acc.result()])" in out
    # each run of tf.local_variables_initializer() resets every metric of the program
    assert "        auc.reset_state()\n        acc.reset_state()\n" in out
    # an update op fetched by the training runs: the step returns its arguments (the labels and
    # outputs of its forward pass), the update runs after it and its value is what was fetched
    assert "def model_fetches(same, logit):\n        return loss(same, logit), (same, logit)" in out
    assert "l, running = keras.tree.map_structure(keras.ops.convert_to_numpy, model.train_on_batch(" in out
    assert "        running = train_acc_update(*running)\n" in out
    assert "trained_acc = train_acc.result()" in out
    # the towers share their variables (AUTO_REUSE): one encoder
    assert "encoder(left)" in out and "encoder(right)" in out
    math_out = _migrate("streaming_metrics_math")
    assert "pr_auc = TF1StreamingMetric('auc', curve='PR', summation_method='careful_interpolation')" in math_out
    assert "return rec.update_state(labels=y, predictions=hard(s), weights=w)" in math_out
    assert "return avg.update_state(values=prob(s), weights=w)" in math_out


_PROGRAM = ("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None])\n"
            "p = tf.sigmoid(tf.squeeze(tf.layers.dense(x, 1), axis=1))\nloss = tf.reduce_mean(tf.square(p - y))\n"
            "train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n%s\nsess = tf.Session()\n"
            "sess.run(tf.global_variables_initializer())\nsess.run(tf.local_variables_initializer())\n"
            "sess.run(train_op, feed_dict={x: X, y: Y})\n%s\n")


@pytest.mark.parametrize("metric, use, why", [
    # a collection another part of the program reads
    ("m, op = tf.metrics.auc(y, p, metrics_collections=['evals'])", "v = sess.run(op, feed_dict={x: X, y: Y})",
     "the collection is read elsewhere"),
    # the value read outside a sess.run (a summary of it, a tensor of the graph)
    ("m, op = tf.metrics.mean(p)", "v = sess.run(op, feed_dict={x: X})\nz = m + 1",
     "m (a TF1 streaming metric) is read other than as a fetch of an evaluation run"),
    # the VALUE fetched next to the train op (before or after the update: TF1 did not say)
    ("m, op = tf.metrics.recall(y, p)", "sess.run([train_op, m], feed_dict={x: X, y: Y})",
     "fetched by a training run whose step cannot return"),
    # an update reading a tensor the trained model does not output (the step cannot return it)
    ("m, op = tf.metrics.mean(tf.nn.relu(x))", "sess.run([train_op, loss, op], feed_dict={x: X, y: Y})",
     "fetched by a training run whose step cannot return"),
])
def test_untranslated_metric_uses_stay_marked(metric, use, why):
    out = migrate_source(_PROGRAM % (metric, use), "m.py", Options(wrap_lines=False, fixes=False)).code
    assert TODO_MARKER in out and why in out, out
    compile(out, "m.py", "exec")


def _helper():
    """The emitted helper, run with NumPy only (a stand-in ``keras.ops.convert_to_numpy``)."""
    keras = types.SimpleNamespace(ops=types.SimpleNamespace(convert_to_numpy=np.asarray))
    ns = {"np": np, "keras": keras}
    exec(TF1_METRIC.code, ns)
    return ns["TF1StreamingMetric"]


def test_helper_arithmetic_is_tf1s():
    M = _helper()
    y = np.array([1, 0, 1, 1, 0], np.float32)
    p = np.array([0.9, 0.2, 0.4, 0.6, 0.7], np.float32)
    hard = (p > 0.5).astype(np.float32)
    acc = M("accuracy")
    assert acc.update_state(labels=y, predictions=hard) == np.float32(3 / 5)
    assert acc.update_state(labels=y[:2], predictions=hard[:2]) == np.float32(5 / 7)  # accumulated
    assert acc.result() == np.float32(5 / 7)
    acc.reset_state()
    assert acc.result() == 0.0  # no count: 0 (div_no_nan)
    # accuracy casts the predictions to the labels' dtype (TF1): 0.7 -> 0 for int labels
    assert M("accuracy").update_state(labels=np.array([0, 1]), predictions=np.array([0.7, 1.2])) == 1.0
    prec, rec = M("precision"), M("recall")
    assert prec.update_state(labels=y, predictions=hard) == np.float32(2 / 3)
    assert rec.update_state(labels=y, predictions=hard, weights=np.array([1, 1, 3, 1, 1], np.float32)) == \
        np.float32(2 / 5)
    assert M("precision").result() == 0.0
    mean = M("mean")
    assert mean.update_state(values=p, weights=np.array([2, 0, 0, 0, 0], np.float32)) == np.float32(0.9)
    # auc: TF1's thresholds (num_thresholds=200, +-1e-7 ends) and epsilons, trapezoids over the ROC
    auc = M("auc")
    t = np.array([-1e-7] + [(i + 1) / 199 for i in range(198)] + [1 + 1e-7], np.float32)
    assert auc.thresholds.shape == (200,) and np.array_equal(auc.thresholds, t)
    v = auc.update_state(labels=y, predictions=p)
    pos = p[None, :] > t[:, None]
    tp, fn = (pos & (y == 1)).sum(1).astype(np.float32), (~pos & (y == 1)).sum(1).astype(np.float32)
    fp, tn = (pos & (y == 0)).sum(1).astype(np.float32), (~pos & (y == 0)).sum(1).astype(np.float32)
    rec_ = (tp + 1e-6) / (tp + fn + 1e-6)
    fpr = fp / (fp + tn + 1e-6)
    expect = np.sum((fpr[:-1] - fpr[1:]) * (rec_[:-1] + rec_[1:]) / 2)
    assert abs(v - expect) < 1e-6 and abs(v - 4 / 6) < 1e-3
    # no positive seen: TF1's epsilons give recall 1 (keras.metrics.AUC's divide_no_nan gives 0)
    only_neg = M("auc")
    assert abs(only_neg.update_state(labels=np.zeros(3), predictions=np.array([0.1, 0.5, 0.9])) - 1.0) < 1e-5
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        M("auc").update_state(labels=y, predictions=p + 1)


def _run(cmd: list[str], out: Path, cwd: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               TFM_EVAL_OUT=str(out))
    proc = subprocess.run([sys.executable, *cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with np.load(out) as z:
        return {k: z[k] for k in z.files}


@pytest.mark.slow
def test_streamed_values_equal_tf1s(tmp_path):
    # no weights: every update-op result, every value read, both passes (reset between) equal TF1's
    src = FIXTURES / "streaming_metrics_math.py"
    mig = tmp_path / "m.py"
    mig.write_text(_migrate("streaming_metrics_math"))
    legacy = _run(["-m", "migrator.legacy.run", str(src)], tmp_path / "legacy.npz", tmp_path)
    keras = _run([str(mig)], tmp_path / "keras.npz", tmp_path)
    assert sorted(legacy) == sorted(keras) and len(legacy) == 11
    for k in legacy:
        np.testing.assert_allclose(keras[k], legacy[k], rtol=0, atol=1e-6, err_msg=k)
    assert legacy["final0"][0] != legacy["final1"][0]  # the reset made the second pass its own


@pytest.mark.slow
def test_graph_main_streaming_auc_runs_like_tf1(tmp_path):
    src = FIXTURES / "graph_main_streaming_auc.py"
    mig = tmp_path / "g.py"
    mig.write_text(_migrate("graph_main_streaming_auc"))
    legacy = _run(["-m", "migrator.legacy.run", str(src)], tmp_path / "legacy.npz", tmp_path)
    keras = _run([str(mig)], tmp_path / "keras.npz", tmp_path)
    for r in (legacy, keras):
        # the streamed AUC of the first pass is TF1's AUC of the program's own probabilities
        M = _helper()
        m = M("auc")
        m.update_state(labels=r["same"], predictions=1.0 - r["d"])
        assert abs(r["passes"][0][0] - m.result()) < 1e-5
        assert r["passes"][0][0] != r["passes"][1][0]  # the second pass (half the pairs) was reset
    assert np.abs(keras["passes"] - legacy["passes"]).max() < 0.05, (keras["passes"], legacy["passes"])
    # the training accuracy streamed by the training runs' fetches (forward passes before each update)
    assert 0.6 < float(legacy["train_acc"]) < 1 and abs(float(keras["train_acc"]) - float(legacy["train_acc"])) < 0.05
