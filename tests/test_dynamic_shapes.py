"""Sizes read with ``tf.shape`` while the model is built (DynamicShapes, TFM130): an episode's ways
and shots reshaped across, tiled by, one-hot depths; a batch size in reshapes and zeros / ones
pads. They become tf1_shape / tf1_reshape / tf1_full (read when the model runs); a size also read where a symbolic one would not do (a slice bound) keeps
``keras.ops.shape``, together with every size it meets. Fast tier: the text; slow tier: the
helpers on a functional model, and verify on the fixture."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "episode_prototypes.py"
SOURCE = FIXTURE.read_text()
PADS = FIXTURE.with_name("batch_size_pads.py")


def _code(out: str) -> str:
    """The migrated program without its docstring and helper definitions."""
    return out[out.index("FEATURES, CLASSES"):]


def _run_with_helpers(helpers, body: str) -> None:
    """Run ``body`` under Keras 3 (a subprocess) after the named helpers' sources ((module, name,
    also) each); the body prints OK at its end (slow tests)."""
    import subprocess
    import sys
    import textwrap

    from migrator.helpers import source_text

    prog = "import collections\nimport keras\nimport numpy as np\n" + "\n".join(
        source_text(module, name, also=also) for module, name, also in helpers) + "\n" + textwrap.dedent(body)
    p = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and p.stdout.strip().endswith("OK"), p.stderr[-2000:]


@pytest.mark.parametrize("fixes", [False, True])
def test_episode_sizes_are_read_when_the_model_runs(fixes):
    out = migrate_text(SOURCE, fixes)
    code = _code(out)
    assert TODO_MARKER not in out and "keras.ops.shape(" not in code
    assert "n_way = tf1_shape(support_x)[0]\n" in code
    assert "n_shot, n_query = tf1_shape(support_x)[1], tf1_shape(query_x)[1]\n" in code
    assert "encoder(tf1_reshape(support_x, [n_way * n_shot, FEATURES]))" in code
    assert "keras.ops.mean(tf1_reshape(support_emb, [n_way, n_shot, dim]), axis=1)" in code
    assert "n, m = tf1_shape(q)[0], tf1_shape(p)[0]\n" in code
    assert "keras.ops.one_hot(labels_y, n_way)" in code
    assert "def tf1_reshape(t, shape):" in out and "class TF1Reshape(keras.layers.Layer):" in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_batch_size_read_with_tf_shape_makes_reshapes_and_pads_when_the_model_runs(fixes):
    out = migrate_text(PADS.read_text(), fixes)
    code = out[out.index("rng = np.random"):]
    assert TODO_MARKER not in out and "keras.ops.shape(" not in code
    assert "batch_size = tf1_shape(x)[0]\n" in code
    assert "frames = tf1_reshape(x, [batch_size, 4, 3])\n" in code
    assert "tf1_full([batch_size, 2], 0, dtype='float32')" in code
    assert "tf1_full([batch_size, 1], 1, dtype='float32')" in code
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def test_a_size_read_as_a_slice_bound_keeps_keras_shape_with_the_sizes_it_meets():
    src = SOURCE.replace("dim = tf.shape(support_emb)[-1]\n",
                         "dim = tf.shape(support_emb)[-1]\nfirst_way = support_emb[:n_way]\n")
    code = _code(migrate_text(src, False))
    assert "first_way = support_emb[:n_way, ...]" in code
    # n_way meets n_shot / n_query / dim in the reshapes: none of them is read symbolically
    assert "n_way = keras.ops.shape(support_x)[0]\n" in code
    assert "n_shot, n_query = keras.ops.shape(support_x)[1], keras.ops.shape(query_x)[1]\n" in code
    assert "dim = keras.ops.shape(support_emb)[-1]\n" in code
    assert "tf1_reshape(" not in code
    # the distance function's sizes meet nothing else: read when the model runs
    assert "n, m = tf1_shape(q)[0], tf1_shape(p)[0]\n" in code


@pytest.mark.parametrize("change", [
    # a size read by a function nested in the builder (a global read): not followed
    ("dim = tf.shape(support_emb)[-1]\n", "dim = tf.shape(support_emb)[-1]\n\n\ndef ways():\n    return n_way\n\n\n"),
    # unpacked as Python values
    ("n_way = tf.shape(support_x)[0]\n", "n_way, _, _ = tf.shape(support_x)\n"),
    # a slice's size list
    ("dim = tf.shape(support_emb)[-1]\n", "dim = tf.shape(support_emb)[-1]\nfirst = tf.slice(support_emb, [0, 0], [n_way, -1])\n"),
])
def test_sizes_read_elsewhere_are_not_made_symbolic(change):
    old, new = change
    code = _code(migrate_text(SOURCE.replace(old, new), False))
    assert "tf1_shape(support_x)" not in code and "tf1_reshape(support_x" not in code


def test_a_size_without_a_reshape_tile_or_one_hot_stays_keras_shape():
    src = ("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 1])\n"
           "n = tf.shape(x)[0]\nout = tf.layers.dense(x, 1)\nloss = tf.reduce_sum(tf.square(out - y)) / tf.cast(n, tf.float32)\n"
           "train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n")
    out = migrate_text(src, False)
    assert "tf1_shape" not in out and "keras.ops.shape(x)[0]" in out


@pytest.mark.slow
def test_the_helpers_reshape_across_the_batch_axis_of_a_functional_model():
    _run_with_helpers([("tf1_ops", "tf1_shape", ("TF1Shape",)), ("tf1_ops", "tf1_reshape", ("TF1Reshape",)),
                       ("tf1_ops", "tf1_full", ("TF1Full",))], """
        x = keras.Input(shape=(None, 3))
        ways, shots = tf1_shape(x)[0], tf1_shape(x)[1]
        flat = tf1_reshape(x, [ways * shots, 3])
        assert tuple(flat.shape) == (None, 3), flat.shape
        back = tf1_reshape(flat * 2.0, [ways, shots, -1])
        model = keras.Model(x, [flat, back])
        data = np.arange(5 * 4 * 3, dtype="float32").reshape(5, 4, 3)
        f, b = model.predict_on_batch(data)
        assert f.shape == (20, 3) and np.array_equal(f, data.reshape(20, 3))
        assert b.shape == (5, 4, 3) and np.array_equal(b, 2.0 * data)
        # no symbolic size: keras.ops.reshape itself
        assert tuple(tf1_reshape(x, [-1, 3]).shape) == (None, 3)
        pad = tf1_full([ways, 2], 1, "float32")
        assert tuple(pad.shape) == (None, 2)
        p = keras.Model(x, pad).predict_on_batch(data)
        assert p.shape == (5, 2) and np.all(p == 1.0)
        assert tf1_full([2, 3], 0, "int32").shape == (2, 3)
        print("OK")
    """)


@pytest.mark.slow
@pytest.mark.parametrize("fixture", [FIXTURE, PADS], ids=lambda p: p.stem)
def test_the_programs_compute_what_tf1_computes(fixture, tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(fixture, tmp_path)


LAST_STEP = """import numpy as np
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 6])
y = tf.placeholder(tf.float32, [None, 4])
seq = tf.reshape(x, [-1, 3, 2])
outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(5), seq, dtype=tf.float32)
batch_size = tf.shape(outputs)[0]
lengths = tf.fill([batch_size], 2)
last = tf.gather_nd(outputs, tf.stack([tf.range(batch_size), lengths - 1], axis=1))
mu = tf.layers.dense(last, 4)
eps = tf.random_normal([tf.shape(mu)[0], 4], 0.0, 1.0)
out = mu + 0.01 * eps
loss = tf.reduce_mean(tf.square(out - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train_op, feed_dict={x: np.ones((8, 6), np.float32), y: np.ones((8, 4), np.float32)})
"""


@pytest.mark.parametrize("fixes", [False, True])
def test_last_relevant_steps_and_batch_sized_noise(fixes):
    """The RNN idiom ``gather_nd(outputs, stack([range(batch), lengths - 1], 1))`` (tf1_gather_nd)
    and a VAE-style draw of ``[tf.shape(mu)[0], 4]`` (tf1_random_normal: a layer drawing at every
    run, as TF1's op did)."""
    out = migrate_text(LAST_STEP, fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    assert "lengths = tf1_full([batch_size], 2, dtype='int32')\n" in out
    assert "last = tf1_gather_nd(outputs, keras.ops.stack([tf1_range(batch_size), lengths - 1], axis=1))\n" in out
    assert "eps = tf1_random_normal([tf1_shape(mu)[0], 4], mean=0.0, stddev=1.0)\n" in out
    assert_idempotent(out, fixes)


def test_a_draw_of_a_fixed_shape_stays_marked():
    """A fixed shape in the graph: TF1 drew anew at every run; no size to make it a layer's input."""
    out = migrate_text(LAST_STEP.replace("[tf.shape(mu)[0], 4]", "[8, 4]"), False)
    assert "tf1_random_normal" not in out and "TFM130 tf.random_normal" in out


@pytest.mark.slow
def test_gather_nd_and_the_draw_layer_on_a_functional_model():
    _run_with_helpers([("tf1_ops", "tf1_shape", ("TF1Shape",)), ("tf1_ops", "tf1_gather_nd", ()),
                       ("tf1_ops", "tf1_random_normal", ("TF1RandomNormal",))], """
        seq = keras.Input(shape=(3, 2))
        idx = keras.Input(shape=(2,), dtype="int32")
        picked = tf1_gather_nd(seq, idx)
        assert tuple(picked.shape) == (None, 2), picked.shape
        noise = tf1_random_normal([tf1_shape(seq)[0], 500], 0.0, 2.0)
        model = keras.Model([seq, idx], [picked, noise])
        data = np.arange(4 * 3 * 2, dtype="float32").reshape(4, 3, 2)
        rows = np.array([[0, 2], [1, 0], [2, 1], [3, 2]], dtype="int32")
        p, n1 = model.predict_on_batch([data, rows])
        assert np.array_equal(p, data[rows[:, 0], rows[:, 1]])
        assert n1.shape == (4, 500) and 1.8 < n1.std() < 2.2
        _, n2 = model.predict_on_batch([data, rows])
        assert not np.array_equal(n1, n2)  # drawn again at every run, as TF1's op was
        print("OK")
    """)


ZERO_STATE = """import numpy as np
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 6])
y = tf.placeholder(tf.float32, [None, 4])
batch_size = tf.shape(x)[0]
seq = tf.reshape(x, [-1, 3, 2])
cell = tf.nn.rnn_cell.GRUCell(5)
state = cell.zero_state(batch_size, tf.float32)
outputs, last = tf.nn.dynamic_rnn(cell, seq, initial_state=state)
out = tf.layers.dense(last, 4)
loss = tf.reduce_mean(tf.square(out - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train_op, feed_dict={x: np.ones((8, 6), np.float32), y: np.ones((8, 4), np.float32)})
"""


@pytest.mark.parametrize("fixes", [False, True])
def test_a_cells_zero_state_of_a_batch_size_read_with_tf_shape(fixes):
    out = migrate_text(ZERO_STATE, fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    assert "batch_size = tf1_shape(x)[0]\n" in out
    assert "state = tf1_zero_state(cell, batch_size, dtype='float32')\n" in out
    assert_idempotent(out, fixes)


def test_zero_state_of_an_object_that_is_no_tf1_cell_is_left_alone():
    src = ZERO_STATE.replace("cell = tf.nn.rnn_cell.GRUCell(5)\n", "cell = make_cell()\n")
    out = migrate_text(src, False)
    assert "tf1_zero_state" not in out and "cell.zero_state(" in out


@pytest.mark.slow
def test_zero_states_run_in_a_functional_model():
    _run_with_helpers([("tf1_ops", "tf1_shape", ("TF1Shape",))] + [("tf1_rnn", n, ()) for n in (
        "TF1LSTMStateTuple", "TF1LSTMCell", "TF1GRUCell", "TF1MultiRNNCell", "tf1_zero_state", "tf1_rnn", "tf1_dynamic_rnn")], """
        x = keras.Input(shape=(3, 2))
        data = np.random.RandomState(0).rand(8, 3, 2).astype("float32")
        for make in (lambda: TF1GRUCell(5), lambda: TF1MultiRNNCell([TF1LSTMCell(4), TF1LSTMCell(3)])):
            for size in (tf1_shape(x)[0], 8):
                cell = make()
                state = tf1_zero_state(cell, size, "float32")
                out, _ = tf1_dynamic_rnn(cell, x, initial_state=state)
                ref, _ = tf1_dynamic_rnn(cell, x)  # no initial state: Keras' zeros
                a, b = keras.Model(x, [out, ref]).predict_on_batch(data)
                assert a.shape == (8, 3, cell.output_size) and np.allclose(a, b), (a - b)
        lstm = TF1LSTMCell(4)
        zero = tf1_zero_state(lstm, 2, "float32")
        assert zero._fields == ("c", "h") and tuple(zero.c.shape) == (2, 4)
        print("OK")
    """)


MASKED_MEAN = """import numpy as np
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 5, 3])
lengths = tf.placeholder(tf.int32, [None])
y = tf.placeholder(tf.float32, [None, 3])
steps = tf.shape(x)[1]
mask = tf.expand_dims(tf.sequence_mask(lengths, steps, dtype=tf.float32), -1)
fixed = tf.sequence_mask(lengths, 5)
out = tf.layers.dense(tf.reduce_sum(x * mask, axis=1), 3)
loss = tf.reduce_mean(tf.square(out - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train_op, feed_dict={x: np.ones((4, 5, 3), np.float32), lengths: [1, 2, 5, 3], y: np.ones((4, 3), np.float32)})
"""


@pytest.mark.parametrize("fixes", [False, True])
def test_sequence_masks_of_a_length_read_with_tf_shape(fixes):
    out = migrate_text(MASKED_MEAN, fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    assert "steps = tf1_shape(x)[1]\n" in out
    assert "tf1_sequence_mask(lengths, maxlen=steps, dtype='float32')" in out
    assert "fixed = tf1_sequence_mask(lengths, maxlen=5)\n" in out
    assert_idempotent(out, fixes)


@pytest.mark.slow
def test_sequence_masks_as_tf1_makes_them():
    _run_with_helpers([("tf1_ops", "tf1_shape", ("TF1Shape",)), ("tf1_ops", "tf1_sequence_mask", ())], """
        lengths = np.array([1, 3, 0, 2], dtype="int32")
        want = np.array([[1, 0, 0], [1, 1, 1], [0, 0, 0], [1, 1, 0]], dtype=bool)
        assert np.array_equal(keras.ops.convert_to_numpy(tf1_sequence_mask(lengths)), want)
        got = keras.ops.convert_to_numpy(tf1_sequence_mask(lengths, 4, "float32"))
        assert got.dtype == np.float32 and np.array_equal(got[:, :3], want) and not got[:, 3].any()
        x = keras.Input(shape=(None, 2))
        n = keras.Input(shape=(), dtype="int32")
        mask = tf1_sequence_mask(n, tf1_shape(x)[1], "float32")
        m = keras.Model([x, n], mask).predict_on_batch([np.ones((4, 3, 2), "float32"), lengths])
        assert np.array_equal(m, want.astype("float32"))
        print("OK")
    """)
