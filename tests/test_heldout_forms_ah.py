"""Held-out forms of issue 10 (round AH, session 33): TF1 triplet-loss programs (a train op
built by a helper that also makes a summary, after pavelkrolevets/MNIST_triplet_loss). Fast
tier: no TensorFlow; slow: verify and AUCs."""
from __future__ import annotations

import functools
from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.analysis.train_op_helpers import inline_train_op_helpers
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_ah"
HELPER_SUMMARY = FIX / "train_helper_summary.py"

_run = functools.partial(migrate_text, name="ah.py")


def _inline(src: str) -> str | None:
    m = inline_train_op_helpers(cst.parse_module(src))
    return None if m is None else m.code


# -- a train-op helper that also makes a summary of its loss parameter (TFM180) -------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_train_helper_with_a_summary_program_translates(fixes):
    # before: 4 TODO (TFM140 "Keras 3 optimizers have no minimize" in the helper, "no train op
    # to build a model from" at the runs): the summary statement stopped the helper's inlining
    out = _run(HELPER_SUMMARY.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert "def training(" not in out
    # the helper's schedule and optimizer, on the model of the loss
    assert "keras.optimizers.schedules.ExponentialDecay(\n    0.01,\n    decay_steps=20,\n    decay_rate=0.9,\n" \
           "    staircase=True,\n)" in out
    assert "model.train_on_batch(train_x[i:i + 100], train_y[i:i + 100])" in out
    assert _run(out, fixes) in (None, out)


def test_summary_is_written_before_the_call_with_the_arguments():
    src = ("import tensorflow as tf\ndef training(cost, step):\n    tf.summary.scalar('cost', cost)\n"
           "    opt = tf.train.AdamOptimizer(0.1)\n    return opt.minimize(cost, global_step=step)\n\n\n"
           "if True:\n    total = f(x)\n    train = training(total, gs)\n")
    out = _inline(src)
    assert "def training" not in out
    assert ("    total = f(x)\n    tf.summary.scalar('cost', total)\n"
            "    train = tf.train.AdamOptimizer(0.1).minimize(total, global_step=gs)\n") in out


def test_tf_0_12_summary_and_attribute_argument():
    src = ("import tensorflow as tf\ndef training(cost):\n    tf.scalar_summary('cost', cost)\n"
           "    return tf.train.AdamOptimizer(0.1).minimize(cost)\ntrain = training(model.loss)\n")
    assert _inline(src).endswith("tf.scalar_summary('cost', model.loss)\n"
                                 "train = tf.train.AdamOptimizer(0.1).minimize(model.loss)\n")


@pytest.mark.parametrize("src", [
    # the summary reads a local (the schedule): the local is read twice, kept as written
    "import tensorflow as tf\ndef training(cost, lr):\n    rate = tf.train.exponential_decay(lr, 0, 10, 0.9)\n"
    "    tf.summary.scalar('lr', rate)\n    return tf.train.AdamOptimizer(rate).minimize(cost)\n"
    "train = training(total, 0.1)\n",
    # the argument is a call: written twice it would be evaluated twice
    "import tensorflow as tf\ndef training(cost):\n    tf.summary.scalar('cost', cost)\n"
    "    return tf.train.AdamOptimizer(0.1).minimize(cost)\ntrain = training(f(x))\n",
    # a statement that is not a summary
    "import tensorflow as tf\ndef training(cost):\n    print(cost)\n"
    "    return tf.train.AdamOptimizer(0.1).minimize(cost)\ntrain = training(loss)\n",
])
def test_helpers_kept_as_written(src):
    assert _inline(src) is None


@pytest.mark.slow
def test_train_helper_with_a_summary_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(HELPER_SUMMARY, tmp_path)


@pytest.mark.slow
def test_train_helper_with_a_summary_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(HELPER_SUMMARY, _run(HELPER_SUMMARY.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- an initializable tf.data iterator over placeholders used as a data loader (TFM167) -----------

LOADER = FIX / "initializable_loader.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_initializable_loader_program_translates(fixes):
    # before: 14 TODO (TFM140: the placeholders, dataset, iterator and get_next kept as TF1
    # tensors, "sess.run(next_batch) does not feed feat_in, lab_in", no train op)
    out = _run(LOADER.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    # the pipeline built again at each initializer run, on the fed arrays in the placeholders'
    # dtypes (float32 for the float64 array; the labels' own dtype: no conversion)
    assert ("    loader = iter(\n        TF1Dataset.from_tensor_slices((np.asarray(train_x, \"float32\"), "
            "train_y)).batch(60),\n    )\n") in out
    assert "bx, by = next(loader)" in out and "except StopIteration:" in out
    assert "feat_in" not in out and "next_batch =" not in out and "loader.get_next()" not in out
    assert _run(out, fixes) in (None, out)


_LOADER_SRC = (
    "import numpy as np\nimport tensorflow as tf\n"
    "x = tf.placeholder(tf.float32, [None, 4])\nloss = tf.reduce_sum(tf.layers.dense(x, 1))\n"
    "train_op = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
    "fx = tf.placeholder({dtype}, [None, 4])\n"
    "it = tf.data.Dataset.from_tensor_slices(fx).batch(2).make_initializable_iterator()\n"
    "nb = it.get_next()\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\n"
    "for e in range(2):\n    sess.run(it.initializer, feed_dict={{fx: {fed}}})\n"
    "    for k in range(3):\n        b = sess.run(nb)\n        sess.run(train_op, feed_dict={{x: b}})\n{extra}")


def _loader(dtype="tf.float32", fed="data", extra=""):
    from migrator.analysis.graph_datasets import fetched_initializable_batches

    m = fetched_initializable_batches(cst.parse_module(_LOADER_SRC.format(dtype=dtype, fed=fed, extra=extra)))
    return None if m is None else m.code


def test_loader_single_component_and_own_dtype():
    out = _loader(dtype="data.dtype")
    assert "    it = iter(tf.data.Dataset.from_tensor_slices(data).batch(2))\n" in out
    assert "        b = next(it)\n" in out
    assert "make_initializable_iterator" not in out and "fx = " not in out and "get_next" not in out


def test_loader_converts_to_the_placeholder_dtype():
    out = _loader(dtype="tf.int64", fed="rows[1:]")
    assert "iter(tf.data.Dataset.from_tensor_slices(np.asarray(rows[1:], 'int64')).batch(2))" in out


@pytest.mark.parametrize("kw", [
    {"extra": "print(sess.run(loss, feed_dict={x: sess.run(fx, feed_dict={fx: data})}))\n"},  # fx read elsewhere
    {"extra": "print(nb)\n"},                       # the element read otherwise than by a run
    {"dtype": "my_dtype"},                          # a dtype we cannot name
    {"extra": "it2 = it\n"},                        # the iterator read otherwise
])
def test_loader_forms_kept(kw):
    assert _loader(**kw) is None


@pytest.mark.slow
def test_initializable_loader_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(LOADER, tmp_path)


@pytest.mark.slow
def test_initializable_loader_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(LOADER, _run(LOADER.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- a second train op that is never run (TFM219) ------------------------------------------------

UNRUN = FIX / "unrun_second_optimizer.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_unrun_second_train_op_program_translates(fixes):
    # before: 13 TODO (TFM140 "several train ops": placeholders, train ops and runs kept as TF1)
    out = _run(UNRUN.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert "head_op" not in out
    assert "model = LossModel([a_in, p_in, n_in], loss)" in out
    assert "l = model.train_on_batch([train_x[a], train_x[p], train_x[n]])" in out
    assert _run(out, fixes) in (None, out)


def _drop(src: str) -> str | None:
    from migrator.analysis.unrun_train_ops import drop_unrun_train_ops

    m = drop_unrun_train_ops(cst.parse_module(src))
    return None if m is None else m.code


def test_unrun_train_op_in_a_main_block_with_a_named_optimizer():
    src = ("import tensorflow as tf\nif __name__ == '__main__':\n    opt = tf.train.GradientDescentOptimizer(0.1)\n"
           "    t = opt.minimize(loss)\n    extra = opt.apply_gradients(pairs)\n    sess.run(t)\n")
    assert _drop(src) == ("import tensorflow as tf\nif __name__ == '__main__':\n"
                          "    opt = tf.train.GradientDescentOptimizer(0.1)\n    t = opt.minimize(loss)\n"
                          "    sess.run(t)\n")


@pytest.mark.parametrize("src", [
    # read by a control dependency
    "import tensorflow as tf\nt = tf.train.AdamOptimizer(0.1).minimize(l1)\n"
    "with tf.control_dependencies([t]):\n    y = tf.identity(x)\n",
    # bound twice (the second binding may be the one read)
    "import tensorflow as tf\nt = tf.train.AdamOptimizer(0.1).minimize(l1)\nt = 3\n",
    # the optimizer made by a user function (it may do anything)
    "import tensorflow as tf\nt = make_opt().minimize(l1)\n",
    # a keyword argument that is a call
    "import tensorflow as tf\nt = tf.train.AdamOptimizer(0.1).minimize(l1, var_list=tf.trainable_variables())\n",
])
def test_train_ops_kept(src):
    assert _drop(src) is None


@pytest.mark.slow
def test_unrun_second_train_op_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(UNRUN, tmp_path)


@pytest.mark.slow
def test_unrun_second_train_op_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(UNRUN, _run(UNRUN.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- verify's legacy probe: no forward candidate computed from an unfed placeholder ----------------

def _fake_graph(spec):
    """{name: (type, [input op names])} -> a duck-typed graph (tf.Graph / tf.Operation / tf.Tensor)."""
    from types import SimpleNamespace

    ops = {n: SimpleNamespace(name=n, type=t, inputs=[], outputs=[]) for n, (t, _) in spec.items()}
    for n, op in ops.items():
        op.outputs = [SimpleNamespace(name=n + ":0", op=op)]
    for n, (_, ins) in spec.items():
        ops[n].inputs = [ops[i].outputs[0] for i in ins]
    return SimpleNamespace(get_operations=lambda: list(ops.values())), ops


def test_probe_skips_tensors_of_unfed_placeholders():
    from migrator.weights.probe_legacy import _unfed_deps

    graph, ops = _fake_graph({
        "a": ("Placeholder", []), "w": ("VariableV2", []), "emb": ("MatMul", ["a", "w"]),
        "labels": ("Placeholder", []), "lab_f": ("Cast", ["labels"]), "aux": ("Sub", ["emb", "lab_f"]),
        # a fed cast: its value is the feed, the placeholder upstream of it does not count
        "raw": ("Placeholder", []), "same": ("Cast", ["raw"]), "pair": ("Mul", ["emb", "same"]),
        "dflt": ("PlaceholderWithDefault", []), "scaled": ("Mul", ["emb", "dflt"]),
    })
    feed = [ops["a"].outputs[0], ops["same"].outputs[0]]   # (the run's feed dict: its keys)
    # (the unfed placeholders themselves are in the set; the probe skips placeholders anyway)
    assert _unfed_deps(graph, feed) == {"labels", "lab_f", "aux", "raw"}


def test_train_op_of_a_file_running_none_is_kept():
    # a library module: a driver may import `train` and run it
    assert _drop("import tensorflow as tf\ntrain = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
                 "aux = tf.train.AdamOptimizer(0.1).minimize(other)\n") is None
