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
    # a random draw's shape
    ("dim = tf.shape(support_emb)[-1]\n", "dim = tf.shape(support_emb)[-1]\nnoise = tf.random_normal([n_way, 4])\n"),
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
    import subprocess
    import sys
    import textwrap

    from migrator.helpers import source_text

    prog = "import keras\nimport numpy as np\n" + source_text("tf1_ops", "tf1_shape", also=("TF1Shape",)) + "\n" \
        + source_text("tf1_ops", "tf1_reshape", also=("TF1Reshape",)) + "\n" \
        + source_text("tf1_ops", "tf1_full", also=("TF1Full",)) + textwrap.dedent("""
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
    p = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and p.stdout.strip().endswith("OK"), p.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("fixture", [FIXTURE, PADS], ids=lambda p: p.stem)
def test_the_programs_compute_what_tf1_computes(fixture, tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(fixture, tmp_path)
