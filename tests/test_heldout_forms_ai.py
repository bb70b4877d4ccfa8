"""Held-out forms of round AI (session 33, TF1 Siamese programs on token sequences, after
THTBSE/siamese-lstm-network):

* weights made by METHODS of the model class (``self.weight_variables(shape, name)`` returning
  ``tf.Variable(tf.truncated_normal(...))``): TFM135 read only module-level helper functions, so
  the embedding, the dense weights and their ``embedding_lookup`` / ``tf.device`` stayed TODO;
* ``tf.split(x, steps, 0)`` with ``steps`` a parameter: TF1 decides count or sizes from the
  value when the graph is built (TODO before; now the ``tf1_split`` helper decides when it runs);
* (verify) one cell object run both ways: the Keras graph may list the backward RNN layer
  first; TF1's variables are the forward direction's (``keras_side.weighted_layers``); weights
  whose names play no Keras role (``table``, ``fc_w1``) are placed by where the graph reads them;
* ``tf.reduce_mean(outputs, 0)`` over the Python LIST a static RNN (or ``tf.split`` /
  ``tf.unstack``) returns: TF1 packed the list (convert_to_tensor) before reducing; the
  translated ``keras.ops.mean(outputs, axis=0)`` raised on the list with no TODO (a silent
  failure: the output did not run). Now ``keras.ops.mean(keras.ops.stack(outputs), axis=0)``.

Regression tier: no TensorFlow; slow: the helper's semantics, verify and AUCs."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import assert_clean, body, migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_ai"
METHODS = FIX / "method_weight_helpers.py"
STATIC = FIX / "static_rnn_list_mean.py"
ONE_CELL = FIX / "one_cell_both_ways.py"

_run = functools.partial(migrate_text, name="ai.py")


_clean = assert_clean


def _flat(out: str) -> str:
    return " ".join(body(out).split()).replace("'", '"')


# -- weight helper methods (TFM135) -----------------------------------------------------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_weight_helper_methods_become_layers(fixes):
    out = _run(METHODS.read_text(), fixes)
    _clean(out, fixes)
    b = body(out)
    # every call became a layer: the helper methods go with them
    assert "def weight_variables" not in b and "def bias_variables" not in b
    assert "tf.device" not in b
    flat = _flat(out)
    assert "embeddings_initializer=keras.initializers.TruncatedNormal(stddev=0.1)" in flat
    # one Dense per side (tf.Variable never shares), TF1's initializers
    assert flat.count("keras.layers.Dense( out, kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1), "
                      "bias_initializer=keras.initializers.Constant(0.1), )") == 2, flat


_KEPT = '''import tensorflow as tf


class Net(object):
    def weight_variables(self, shape, name):
        return tf.Variable(tf.truncated_normal(shape=shape, stddev=0.1), name=name)

    def __init__(self):
        self.x = tf.placeholder(tf.float32, [None, 4])
        self.y = tf.placeholder(tf.float32, [None, 2])
        w = self.weight_variables([4, 2], 'w')
        self.out = tf.matmul(self.x, w)
        self.scale = self.weight_variables([2], 'scale')
        self.loss = tf.reduce_mean(tf.square(self.out * self.scale - self.y))
        self.train_op = tf.train.AdamOptimizer(0.1).minimize(self.loss)
'''


def test_a_helper_method_still_called_stays():
    # ``self.scale`` is no layer's weight (an elementwise factor): that call stays, so does the
    # method it runs (never lose a statement whose names are still used)
    out = _run(_KEPT, False)
    assert "def weight_variables" in out
    assert "self.weight_variables([2], 'scale')" in out


_OVERRIDDEN = _KEPT.replace("        self.scale = self.weight_variables([2], 'scale')\n", "").replace(
    "self.out * self.scale", "self.out") + '''

class Wide(Net):
    def weight_variables(self, shape, name):
        return tf.Variable(tf.zeros(shape), name=name)
'''


def test_a_method_a_subclass_overrides_is_not_read_as_the_helper():
    # which def ``self.weight_variables`` runs depends on the instance's class
    out = _run(_OVERRIDDEN, False)
    assert "self.weight_variables([4, 2], 'w')" in out
    assert out.count("def weight_variables") == 2


# -- tf.split by a computed count; reductions of a list of tensors (TFM130) -------------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_split_by_a_parameter_and_mean_of_static_outputs(fixes):
    out = _run(STATIC.read_text(), fixes)
    _clean(out, fixes)
    flat = _flat(out)
    assert "return tf1_split(x, steps, axis=0)" in flat
    assert "keras.ops.mean(keras.ops.stack(outputs), axis=0)" in flat


def test_one_cell_both_ways_stays_one_cell():
    out = _run(ONE_CELL.read_text(), False)
    _clean(out, False)
    assert "tf1_static_bidirectional_rnn(cell, cell, seq)" in _flat(out)


def test_mean_of_static_outputs_after_unstack():
    # the silent failure: tf.unstack was translated, the list reduction raised when it ran
    src = STATIC.read_text().replace("return tf.split(x, steps, 0)", "return tf.unstack(x, steps, 0)")
    out = _run(src, False)
    _clean(out, False)
    assert "keras.ops.mean(keras.ops.stack(outputs), axis=0)" in _flat(out)


_REDUCE = '''import tensorflow as tf


def pool(x):
    parts = tf.split(x, 3, 1)
    steps = tf.unstack(x, axis=1)
    both = tf.concat(parts, 2)
    a = tf.reduce_sum(parts, 0)
    b = tf.reduce_max(steps, 0)
    c = tf.reduce_mean(both, 0)
    parts_n, = [tf.split(x, 2, 1)]
    d = tf.reduce_mean(parts_n, 0)
    return a, b, c, d
'''


def test_only_names_bound_to_a_list_of_tensors_are_stacked():
    flat = _flat(_run(_REDUCE, False))
    assert "a = keras.ops.sum(keras.ops.stack(parts), axis=0)" in flat
    assert "b = keras.ops.max(keras.ops.stack(steps), axis=0)" in flat
    assert "c = keras.ops.mean(both, axis=0)" in flat          # a tensor
    assert "d = keras.ops.mean(parts_n, axis=0)" in flat       # bound by a display, not the call


def test_split_literals_keep_keras_split():
    flat = _flat(_run("import tensorflow as tf\n\n\ndef cut(x):\n    a = tf.split(x, 3, 1)\n"
                      "    b = tf.split(x, [2, 4], 1)\n    return a, b\n", False))
    assert "a = keras.ops.split(x, 3, axis=1)" in flat
    assert "b = keras.ops.split(x, [2], axis=1)" in flat


# -- slow: the helper, verify, AUCs ------------------------------------------------------------------

@pytest.mark.slow
def test_tf1_split_helper_counts_and_sizes():
    import numpy as np

    from migrator.helper_src.tf1_ops import tf1_split

    x = np.arange(12.0).reshape(6, 2)
    assert [p.shape for p in tf1_split(x, 3, axis=0)] == [(2, 2)] * 3
    assert [p.shape for p in tf1_split(x, np.int64(2), axis=0)] == [(3, 2)] * 2
    assert [p.shape for p in tf1_split(x, [1, 5], axis=0)] == [(1, 2), (5, 2)]
    assert [p.shape for p in tf1_split(x, np.array([4, 2]), axis=0)] == [(4, 2), (2, 2)]


@pytest.mark.slow
@pytest.mark.parametrize("src", [METHODS, STATIC, ONE_CELL], ids=["methods", "static_rnn", "one_cell"])
def test_round_ai_programs_are_equivalent_to_tf1(src, tmp_path):
    assert_equivalent(src, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("src", [METHODS, STATIC], ids=["methods", "static_rnn"])
def test_round_ai_programs_rank_like_tf1(src, tmp_path):
    aucs = legacy_and_migrated_aucs(src, _run(src.read_text(), False), tmp_path)
    assert min(aucs) > 0.7 and abs(aucs[0] - aucs[1]) < 0.05, aucs
