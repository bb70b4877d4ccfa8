"""A training run that fetches a metric along with the train op and the loss
(``sess.run([train_op, loss, acc], feed)``), the metric reading a label-free tensor that is not
the model's output the loss reads but computed from it - ``pred = tf.nn.softmax(logits)`` beside
a loss on ``logits``, or the distance matrix a pair loss returns next to the loss (``loss, dist =
pair_loss(f, labels)``; ``pred = tf.argmin(dist, 1)``). TF1 computed the metric on the step's
forward pass; the step's fetch function (FetchingModel) now computes those tensors from the
outputs it gets. Before, the whole program stayed TF1 ("the training run fetches more than the
train op and its loss"). Fast tier, text only; the fixture's verify runs in the slow tier."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "train_run_metric_pairs.py"

SOFTMAX = 'import numpy as np\nimport tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 3])\nlogits = tf.layers.dense(x, 3)\npred = tf.nn.softmax(logits)\nloss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))\ncorrect = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))\nacc = tf.reduce_mean(tf.cast(correct, tf.float32))\nstep = tf.train.AdamOptimizer(0.01).minimize(loss)\nX = np.random.rand(32, 4).astype(np.float32)\nY = np.eye(3)[np.random.randint(0, 3, 32)]\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(5):\n        _, l, a = sess.run([step, loss, acc], feed_dict={x: X, y: Y})\n    print(l, a)\n'


@pytest.mark.parametrize("fixes", [False, True])
def test_a_metric_on_the_softmax_of_the_logits(fixes):
    out = migrate_text(SOFTMAX, fixes)
    assert TODO_MARKER not in out and "tf." not in out
    assert "def model_fetches(y, logits):\n    pred = keras.ops.softmax(logits)\n" \
           "    return loss(y, logits), acc(y, pred)\n" in out
    assert "pred = keras.ops.softmax(logits)\ndef loss(" in out  # the model tensor itself stays
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_metric_on_the_distance_a_pair_loss_returns(fixes):
    out = migrate_text(FIXTURE.read_text(), fixes)
    assert TODO_MARKER not in out and "tf." not in out
    assert "    dist = pair_loss_d(emb)\n    pred = keras.ops.argmin(dist, axis=1)\n" in out
    assert "FetchingModel(" in out and 'return_dict=True)["fetched"]' in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def test_a_tensor_computed_after_the_train_op_keeps_the_program():
    """The fetch function is written where the train op is: a tensor the metric reads that is
    bound after it has no value there - the program stays TF1, and says why."""
    src = SOFTMAX.replace("pred = tf.nn.softmax(logits)\n", "")
    src = src.replace("step = tf.train.AdamOptimizer(0.01).minimize(loss)\n",
                      "step = tf.train.AdamOptimizer(0.01).minimize(loss)\npred = tf.nn.softmax(logits)\n")
    src = src.replace("correct = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))\n"
                      "acc = tf.reduce_mean(tf.cast(correct, tf.float32))\n", "")
    src = src.replace("pred = tf.nn.softmax(logits)\n", "pred = tf.nn.softmax(logits)\n"
                      "correct = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))\n"
                      "acc = tf.reduce_mean(tf.cast(correct, tf.float32))\n")
    assert src.index("minimize") < src.index("pred = tf.nn.softmax")
    out = migrate_text(src, False)
    assert "sess.run([step, loss, acc]" in out and TODO_MARKER in out
    assert "model_fetches" not in out
    assert not undefined_names(out)


OMOINDROT = Path(__file__).parent / "fixtures" / "real_sweep" / "batch_hard_triplet_session.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_a_batch_hard_triplet_program_translates_whole(fixes):
    """omoindrot's batch-hard triplet loss: the labels feed only the loss (a Gram matrix
    ``tf.matmul(e, tf.transpose(e))`` applies no weight - it made the loss helper look like a model
    part, so the labels were read as a second input and the loss as label-free); the step fetches
    the mean embedding norm (a FetchingModel); ``tf.train.get_global_step()`` is TF1's None here.
    Before: 7 TODO, the program TF1."""
    out = migrate_text(OMOINDROT.read_text(), fixes)
    code = out.split('"""', 2)[2]  # (the docstring names the TF1 calls)
    assert TODO_MARKER not in code and "import tensorflow" not in code and "get_global_step" not in code
    assert "def loss(labels, embeddings):" in out
    assert "model = FetchingModel(images, embeddings, loss, model_fetches)" in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def test_a_global_step_the_program_makes_is_not_none():
    """``tf.train.get_or_create_global_step()`` somewhere: ``get_global_step()`` returns that
    variable in TF1, not None - the statement is not dropped as a None."""
    src = OMOINDROT.read_text().replace("params = {", "made = tf.train.get_or_create_global_step()\nparams = {")
    out = migrate_text(src, False)
    assert "get_global_step()" in out
    assert not undefined_names(out)


def test_a_product_of_two_tensors_is_not_a_gram_matrix():
    """``tf.matmul(a, tf.transpose(b))`` of two different tensors may apply a weight (b a
    variable): only the product of one tensor with itself is read as applying none."""
    from migrator.analysis.tf1_program import TF1Program  # noqa: F401  (the analysis under test)
    src = OMOINDROT.read_text().replace("dot_product = tf.matmul(embeddings, tf.transpose(embeddings))",
                                        "dot_product = tf.matmul(embeddings, tf.transpose(embeddings * 1.0))")
    out = migrate_text(src, False)
    # the labels reach a "model part" again: they are a model input, the loss the model's output
    # (with the norm fetched beside it), not a loss function of (labels, embeddings)
    assert "model = FetchingLossModel([images, labels], [loss, embedding_mean_norm], 0)" in out
    assert "def loss(labels, embeddings):" not in out


PAIRS = FIXTURE.read_text()


@pytest.mark.parametrize("fixes", [False, True])
def test_a_summary_in_the_tuple_helper_does_not_stop_the_split(fixes):
    """``tf.summary.scalar(...)`` inside the helper returning (loss, distances) (ThomasTracy's
    batch-hard loss logs its hardest distances): logging only - the helper is still split, and
    the distance's slice is written from the TRANSLATED statements (TFM142 removed the summary:
    the bodies no longer lined up, and the slice came out in TF1 code)."""
    src = PAIRS.replace("    return tf.reduce_mean(same * d",
                        "    tf.summary.scalar('d', tf.reduce_mean(d))\n    return tf.reduce_mean(same * d")
    out = migrate_text(src, fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    slice_def = out.split("def pair_loss_d(f):", 1)[1].split("\n\n\n", 1)[0]
    assert "keras.ops.sum(" in slice_def and "tf." not in slice_def
    assert_idempotent(out, fixes)


def test_a_training_fetch_from_an_unsplit_tuple_keeps_the_program():
    """The helper returning (loss, distances) has a loop (not split into functions of the
    inputs): the training step cannot compute the loss or the fetched metric from its outputs -
    the program stays TF1, and no statement reads a loss function or label function it binds
    (before: the tuple statement stayed as written while the names it read became functions)."""
    src = PAIRS.replace("    d = tf.reduce_sum(tf.square(tf.expand_dims(f, 0) - tf.expand_dims(f, 1)), 2)\n",
                        "    d = 0.0\n    for k in range(3):\n"
                        "        d = d + tf.square(tf.expand_dims(f[:, k], 0) - tf.expand_dims(f[:, k], 1))\n")
    out = migrate_text(src, False)
    assert "sess.run([step, loss, acc]" in out and TODO_MARKER in out
    assert "def labels(" not in out and "def loss(" not in out
    assert not undefined_names(out)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_model_object_a_builder_returns_is_a_model_part(fixes):
    """``extractor = build_model(params)`` returning the ``tf.keras.Sequential([...])`` it made,
    then ``features = extractor(images)`` (ThomasTracy's model_fn): the images reach the model
    through the object - an input, not a label."""
    src = PAIRS.replace("emb = tf.layers.dense(x, 3)\n",
                        "def build_model():\n    return tf.keras.Sequential([tf.keras.layers.Dense(3)])\n\n\n"
                        "extractor = build_model()\nemb = extractor(x)\n")
    out = migrate_text(src, fixes)
    assert "x = keras.Input(shape=(4,))" in out
    assert "FetchingModel(x, emb, loss, model_fetches)" in out
    assert not undefined_names(out)
