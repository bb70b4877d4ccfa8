"""Held-out forms of the eighth held-out set (issue 10, helper heldH): TF1's LOSSES collection
(bare ``tf.losses.*`` statements, ``tf.losses.add_loss``, ``get_total_loss()``: TFM175's pre-step),
``tf.losses.*`` with ``weights=`` (TFM130: SUM_BY_NONZERO_WEIGHTS), a step-counter learning rate
read with ``lr.eval()`` (TFM140), ``MonitoredTrainingSession`` / ``SingularMonitoredSession`` loops
stopped by a ``StopAtStepHook`` (TFM176's pre-step), ``tf.tile`` (TFM130) and a
``variable_scope(reuse=tf.AUTO_REUSE)`` builder run once (TFM138).

Fast tests never start TensorFlow; the slow ones run the fixtures in tests/fixtures/heldout_h/
in the legacy runtime (TF1 semantics) and migrated under Keras 3, in two subprocesses, and
compare the numbers.
"""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import numpy as np
import pytest

from migrator import TODO_MARKER
from migrator.analysis.loss_collection import desugar_losses
from migrator.analysis.monitored_sessions import desugar_monitored
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.legacy_pairs import run_pair

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "heldout_h"


def _migrate(src: str, fixes: bool = False):
    res = migrate_source(src, "m.py", Options(fixes=fixes))
    assert res.status in ("migrated", "unchanged"), res.reason
    compile(res.code, "m.py", "exec")
    assert migrate_source(res.code, "m.py", Options(fixes=fixes)).code == res.code  # idempotent
    return res


def _ids(res) -> list[str]:
    return [d.rule for d in res.diagnostics]


def _losses(src: str) -> str | None:
    out = desugar_losses(cst.parse_module(src))
    return None if out is None else out.code


# -- TFM175: the LOSSES collection -------------------------------------------------------------
def test_losses_collection_fixture_translates_whole():
    res = _migrate((FIX / "losses_collection.py").read_text(encoding="utf-8"))
    out = res.code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "TFM175" in _ids(res)
    assert "def loss(label, d):\n    return mean_squared_error_loss(label, d) + added_loss(label, d)\n" in out
    assert "tf1_weighted_loss(" in out                    # weights=label: SUM_BY_NONZERO_WEIGHTS
    assert "encoder = keras.Model(" in out                 # name= / reuse=reuse per layer: one encoder
    assert "keras.ops.convert_to_numpy(lr(model.optimizer.iterations))" in out   # lr.eval()


def test_losses_written_out_in_order_with_names():
    src = ("import tensorflow as tf\n"
           "tf.losses.mean_squared_error(y, p)\n"
           "xent = tf.losses.sigmoid_cross_entropy(y, z)\n"
           "tf.losses.add_loss(extra)\n"
           "total = 0.5 * tf.losses.get_total_loss()\n"
           "terms = tf.get_collection(tf.GraphKeys.LOSSES)\n")
    out = _losses(src)
    assert "mean_squared_error_loss = tf.losses.mean_squared_error(y, p)\n" in out
    assert "added_loss = extra\n" in out
    assert "total = 0.5 * (mean_squared_error_loss + xent + added_loss)\n" in out
    assert "terms = [mean_squared_error_loss, xent, added_loss]\n" in out
    assert out.count("\n") == src.count("\n")              # statements keep their lines


def test_losses_regularization_kept_in_total():
    src = ("import tensorflow as tf\n"
           "h = tf.layers.dense(x, 4, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1))\n"
           "tf.losses.mean_squared_error(y, h)\n"
           "total = tf.losses.get_total_loss()\n")
    assert "total = mean_squared_error_loss + tf.losses.get_regularization_loss()\n" in _losses(src)
    no_reg = src.replace("total = tf.losses.get_total_loss()", "total = tf.losses.get_total_loss(False)")
    assert _losses(no_reg) is None                         # a positional argument: declined


@pytest.mark.parametrize("src", [
    # added in a loop: the collection grows per iteration
    "import tensorflow as tf\nfor p in ps:\n    tf.losses.mean_squared_error(y, p)\nt = tf.losses.get_total_loss()\n",
    # added after the read
    "import tensorflow as tf\nt = tf.losses.get_total_loss()\ntf.losses.mean_squared_error(y, p)\n",
    # added in another function than the read
    "import tensorflow as tf\ndef f():\n    tf.losses.mean_squared_error(y, p)\nf()\nt = tf.losses.get_total_loss()\n",
    # a builder run twice adds its loss twice
    "import tensorflow as tf\ndef f(p):\n    tf.losses.mean_squared_error(y, p)\n    return tf.losses.get_total_loss()\n"
    "a = f(p1)\nb = f(p2)\n",
    # the named loss is rebound before the read
    "import tensorflow as tf\nl = tf.losses.mean_squared_error(y, p)\nl = l * 2\nt = tf.losses.get_total_loss()\n",
    # another collection / a scope filter
    "import tensorflow as tf\ntf.losses.mean_squared_error(y, p, loss_collection='mine')\nt = tf.losses.get_total_loss()\n",
    "import tensorflow as tf\ntf.losses.mean_squared_error(y, p)\nt = tf.losses.get_losses(scope='a')\n",
    # add_loss's result is None, not the loss
    "import tensorflow as tf\nl = tf.losses.add_loss(x)\nt = tf.losses.get_total_loss()\n",
])
def test_losses_collection_declined(src):
    assert _losses(src) is None
    out = _migrate(src).code
    assert legacy_refs_outside_todo(out) == []            # nothing dangles: the reads stay TODO


def test_loss_collection_none_is_not_added():
    src = ("import tensorflow as tf\nl = tf.losses.mean_squared_error(y, p, loss_collection=None)\n"
           "tf.losses.add_loss(q)\nt = tf.losses.get_total_loss()\n")
    out = _migrate(src).code
    assert "t = added_loss\n" in out and "l = keras.ops.mean(" in out


# -- TFM130: weights= and tf.tile --------------------------------------------------------------
def test_weighted_losses_use_the_nonzero_weight_mean():
    src = ("import tensorflow as tf\n"
           "a = tf.losses.mean_squared_error(y, p, weights=w)\n"
           "b = tf.losses.sigmoid_cross_entropy(y, z, weights=w)\n"
           "c = tf.losses.hinge_loss(y, z, weights=2.0)\n"
           "d = tf.losses.log_loss(y, p, weights=w)\n")
    out = _migrate(src).code
    assert out.count("tf1_weighted_loss(") == 4            # three calls + the helper's definition
    assert "TFM130 tf.losses.log_loss: log_loss with weights" in out


def test_tile_translates_with_symbolic_multiples():
    out = _migrate((FIX / "tile_masks.py").read_text(encoding="utf-8")).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "rows = tf1_tile(keras.ops.expand_dims(labels, 0), [n, 1])" in out


def test_masked_reductions_translate_whole_selections_only():
    out = _migrate((FIX / "tile_masks.py").read_text(encoding="utf-8")).code
    assert "tf1_masked_reduce(dist, same_b, 'max')" in out and "'min'" in out and "'mean'" in out
    src = ("import tensorflow as tf\n"
           "def f(d, same):\n"
           "    a = tf.reduce_sum(tf.boolean_mask(d, same))\n"
           "    c = tf.reduce_max(tf.boolean_mask(d, same), axis=0)\n"     # a partial reduction
           "    e = tf.boolean_mask(d, same)\n"                            # the selection itself
           "    return a, c, tf.reduce_max(e)\n")
    out = _migrate(src).code
    assert "a = tf1_masked_reduce(d, same, 'sum')" in out
    assert out.count("TFM130 tf.boolean_mask: its length depends on the data") == 2
    assert legacy_refs_outside_todo(out) == []


# -- TFM138: AUTO_REUSE in a builder run once ---------------------------------------------------
def test_auto_reuse_builder_run_once_drops_the_scope():
    src = ("import tensorflow as tf\n"
           "def embed(x):\n"
           "    with tf.variable_scope('embed', reuse=tf.AUTO_REUSE):\n"
           "        return tf.layers.dense(x, 4, name='fc')\n"
           "e = embed(images)\n")
    out = _migrate(src).code
    assert TODO_MARKER not in out and "variable_scope" not in out
    # called twice: the scope shares, TFM205's encoder (not this shortcut)
    twice = _migrate(src.replace("e = embed(images)\n", "e = embed(images)\nf = embed(other)\n")).code
    assert "e = encoder(images)\nf = encoder(other)\n" in twice
    # called in a loop: shared at the second iteration; not taken as built once
    loop = _migrate(src.replace("e = embed(images)\n", "for im in ims:\n    e = embed(im)\n")).code
    assert "TFM138 variable_scope shares variables" in loop


# -- TFM140: lr.eval() -----------------------------------------------------------------------------
def test_exponential_decay_eval_is_the_schedule_at_the_step():
    src = (FIX / "losses_collection.py").read_text(encoding="utf-8")
    out = _migrate(src).code
    assert "rates.append(float(keras.ops.convert_to_numpy(lr(model.optimizer.iterations))))" in out


# -- TFM176: monitored sessions --------------------------------------------------------------------
def test_monitored_loop_fixture_translates_whole():
    res = _migrate((FIX / "monitored_loop.py").read_text(encoding="utf-8"))
    out = res.code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "TFM176" in _ids(res)
    body = out.split('"""', 2)[2]
    assert "for _ in range(6):\n" in body and "should_stop" not in body and "raw_session" not in body


_MON = ("import tensorflow as tf\n"
        "gs = tf.train.get_or_create_global_step()\n"
        "train_op = opt.minimize(loss, global_step=gs)\n"
        "with tf.train.MonitoredTrainingSession(hooks=[tf.train.StopAtStepHook(num_steps=5)]) as sess:\n"
        "    while not sess.should_stop():\n"
        "        sess.run(train_op)\n")


def test_monitored_desugared_form():
    out = desugar_monitored(cst.parse_module(_MON)).code
    assert ("with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
            "    for _ in range(5):\n        sess.run(train_op)\n") in out


@pytest.mark.parametrize("edit", [
    ("hooks=[", "checkpoint_dir='ck', hooks=["),                       # restores / saves checkpoints
    ("[tf.train.StopAtStepHook(num_steps=5)]", "[tf.train.StopAtStepHook(num_steps=5), tf.train.NanTensorHook(loss)]"),
    ("        sess.run(train_op)\n", "        if flag:\n            sess.run(train_op)\n"),   # a run an `if` can skip
    ("        sess.run(train_op)\n", "        sess.run(train_op)\n        sess.run(train_op)\n"),  # two runs per step
    ("global_step=gs", "global_step=None"),                              # nothing counts the steps
])
def test_monitored_declined(edit):
    src = _MON.replace(*edit)
    assert src != _MON
    assert desugar_monitored(cst.parse_module(src)) is None
    assert legacy_refs_outside_todo(_migrate(src).code) == []


# -- slow: legacy (TF1) against migrated (Keras 3) ------------------------------------------------
def _run_pair(fixture: Path, tmp_path: Path):
    return run_pair(fixture, tmp_path, lambda src: _migrate(src).code)


@pytest.mark.slow
def test_losses_collection_equals_tf1(tmp_path):
    got, want = _run_pair(FIX / "losses_collection.py", tmp_path)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6)   # total losses of 8 steps
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6)              # staircase rates after each step
    np.testing.assert_allclose(got[2], want[2], rtol=1e-4, atol=1e-6)   # distances after training
    assert len(set(np.round(want[1], 6))) > 1 and len(set(np.round(want[0], 4))) > 1


@pytest.mark.slow
def test_monitored_loop_equals_tf1(tmp_path):
    got, want = _run_pair(FIX / "monitored_loop.py", tmp_path)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6)   # losses: as many runs as TF1's
    assert got[1] == want[1] == [1, 2, 3, 4, 5, 6]                       # the fetched global step
    np.testing.assert_allclose(got[2], want[2], rtol=1e-4, atol=1e-6)   # scores after training


@pytest.mark.slow
def test_tile_masks_equals_tf1(tmp_path):
    got, want = _run_pair(FIX / "tile_masks.py", tmp_path)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)


def test_probe_flattens_a_monitored_sessions_hook_fetches():
    # a monitored session's inner run fetches {'caller': fetches, <hook>: tensors}: nest cannot
    # sort those keys; verify's legacy probe takes the values in order (no TensorFlow here)
    from types import SimpleNamespace

    from migrator.weights.probe_legacy import _flatten

    def strict(x):
        if isinstance(x, dict):
            sorted(x)                                      # raises on mixed keys, like tf.nest
            return [v for k in sorted(x) for v in strict(x[k])]
        return [v for e in x for v in strict(e)] if isinstance(x, (list, tuple)) else [x]

    fake_tf = SimpleNamespace(nest=SimpleNamespace(flatten=strict))
    hook = object()
    assert _flatten(fake_tf, {"caller": ["train_op", "loss"], hook: "global_step"}) == \
        ["train_op", "loss", "global_step"]
    assert _flatten(fake_tf, ["a", ("b", "c")]) == ["a", "b", "c"]
