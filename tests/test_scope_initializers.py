"""TF1's variable-scope initializer (``variable_scope(..., initializer=X)``): every variable made
inside with no initializer of its own (``get_variable`` without ``initializer=``, ``tf.layers``'
kernels, RNN cells' kernels) takes X, nested scopes inherit it; the scope's ``regularizer=`` R
likewise, for every variable without a regularizer of its own, biases too
(analysis/scope_initializers.py).

Fast tier: the migrations' text; slow: the untrained embedding's spread against TF1's, and verify
(forward pass and training step with TF1's weights) on the regularized program."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, run_pair
from tests.outputs import assert_idempotent, body, migrate_text, undefined_names

PTB = Path(__file__).parent / "fixtures" / "scope_init" / "ptb_style_scope_initializer.py"
REG = Path(__file__).parent / "fixtures" / "scope_init" / "scope_regularizer_mlp.py"
UNIFORM = "keras.initializers.RandomUniform(minval=-0.05, maxval=0.05)"

_run = functools.partial(migrate_text, name="si.py")


def _flat(out: str) -> str:
    return " ".join(body(out).split()).replace("'", '"').replace("( ", "(").replace(", )", ")")


@pytest.mark.parametrize("fixes", [False, True])
def test_variables_and_kernels_take_the_scope_initializer(fixes):
    out = _run(PTB.read_text(), fixes)
    assert TODO_MARKER not in out
    assert not legacy_refs_outside_todo(out) and not undefined_names(out)
    assert_idempotent(out, fixes)
    flat = _flat(out)
    # W and b (get_variable without initializer=): the scope's, for both
    assert f"Dense(256, kernel_initializer={UNIFORM}, bias_initializer={UNIFORM})(x)" in flat
    # tf.layers.dense: its kernel takes the scope's; its bias keeps tf.layers' own zeros
    assert f"Dense(256, kernel_initializer={UNIFORM})(h)" in flat
    assert "glorot" not in flat


_HEAD = """import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 8])
"""


def test_nested_scopes_inherit_and_an_own_initializer_wins():
    out = _run(_HEAD + """with tf.variable_scope('m', initializer=tf.random_normal_initializer(0.0, 0.3)):
    with tf.variable_scope('inner'):
        w = tf.get_variable('w', [8, 4])
        v = tf.get_variable('v', [4, 2], initializer=tf.zeros_initializer())
        y = tf.matmul(tf.matmul(x, w), v)
""")
    flat = _flat(out)
    assert "Dense(4, kernel_initializer=keras.initializers.RandomNormal(stddev=0.3), use_bias=False)" in flat
    assert 'Dense(2, kernel_initializer="zeros", use_bias=False)' in flat


def test_outside_any_scope_initializer_the_default_stands():
    out = _run(_HEAD + """with tf.variable_scope('a', initializer=tf.random_normal_initializer(0.0, 0.3)):
    h = tf.layers.dense(x, 4)
g = tf.layers.dense(x, 3)
""")
    flat = _flat(out)
    assert "Dense(4, kernel_initializer=keras.initializers.RandomNormal(stddev=0.3))(x)" in flat
    assert "Dense(3)(x)" in flat


def test_the_main_function_tf_app_run_calls_is_followed():
    out = _run(_HEAD + """def main(_):
    with tf.variable_scope('a', initializer=tf.random_normal_initializer(0.0, 0.3)):
        h = tf.layers.dense(x, 4)
    print(h)


if __name__ == '__main__':
    tf.app.run()
""")
    assert "Dense(4, kernel_initializer=keras.initializers.RandomNormal(stddev=0.3))(x)" in _flat(out)


def test_a_library_builder_opening_its_own_scope_initializer_takes_it():
    """FOX111/siamese's convnet.py: a method no code of the file calls (train_model.py does), each
    layer under its own ``variable_scope(name, initializer=...)``: whatever the caller's scope,
    the innermost initializer decides. The scope is not kept (idempotence: a kept TF1 variable
    would be translated by a second run once its scope is gone)."""
    out = _run("""import tensorflow as tf


class ConvNet(object):
    def inference(self, x):
        with tf.variable_scope('conv1', initializer=tf.random_normal_initializer(stddev=1e-3)):
            kernel = tf.get_variable('kernel', (5, 5, 3, 8))
            biases = tf.get_variable('biases', (8))
            h = tf.nn.relu(tf.nn.conv2d(x, kernel, strides=[1, 1, 1, 1], padding='SAME') + biases)
        with tf.variable_scope('out'):
            w = tf.get_variable('w', (8, 2))
            return tf.matmul(tf.reduce_mean(h, [1, 2]), w)
""")
    flat = _flat(out)
    assert ("kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3), "
            "bias_initializer=keras.initializers.RandomNormal(stddev=1e-3)") in flat
    # the last layer inherits the caller's scope: not known here
    assert "in a function the file never calls" in " ".join(out.replace("#  ", "").split())
    assert "variable_scope('conv1'" not in out
    assert_idempotent(out)


def test_a_constructor_python_calls_is_followed_from_where_the_object_is_made():
    out = _run(_HEAD + """class Net(object):
    def __init__(self, t):
        self.out = tf.layers.dense(t, 4)


with tf.variable_scope('m', initializer=tf.random_normal_initializer(0.0, 0.3)):
    net = Net(x)
""")
    assert "Dense(4, kernel_initializer=keras.initializers.RandomNormal(stddev=0.3))(t)" in _flat(out)


def test_a_scope_initializer_of_none_changes_nothing():
    out = _run(_HEAD + """with tf.variable_scope('a', initializer=None):
    h = tf.layers.dense(x, 4)
""")
    assert "Dense(4)(x)" in _flat(out)


@pytest.mark.parametrize("src, why", [
    # one builder, made under two different scope initializers: two sets of weights, two initializers
    ("""def f(t):
    return tf.layers.dense(t, 4)
with tf.variable_scope('a', initializer=tf.random_normal_initializer(0.0, 0.3)):
    h1 = f(x)
with tf.variable_scope('b', initializer=tf.random_uniform_initializer(-0.1, 0.1)):
    h2 = f(x)
""", "different initializer="),
    # a builder the file never calls: which scope is in force is the caller's (another module's)
    ("""def f(t):
    return tf.layers.dense(t, 4)
with tf.variable_scope('a', initializer=tf.random_normal_initializer(0.0, 0.3)):
    h = tf.layers.dense(x, 4)
""", "in a function the file never calls"),
    # a layer object: made where it is first called
    ("""layer = tf.layers.Dense(4)
with tf.variable_scope('a', initializer=tf.random_normal_initializer(0.0, 0.3)):
    h = layer(x)
""", "first called"),
    # an initializer the translation cannot read
    ("""def make(s):
    return tf.random_normal_initializer(0.0, s)
with tf.variable_scope('a', initializer=make(0.3)):
    h = tf.layers.dense(x, 4)
""", "not a TF1 initializer with literal arguments"),
], ids=["different", "unreached", "object", "computed"])
def test_what_is_not_known_stays_tf1_with_the_reason(src, why):
    out = _run(_HEAD + src)
    assert why in " ".join(out.replace("#  ", "").split())
    assert "tf.layers" in out


def test_the_same_initializer_name_in_a_reuse_scope_is_one_initializer():
    """The PTB pattern for RNN cells: the cell built for the training model under the scope
    initializer and again, reused, for the evaluation model: one initializer (TFM158)."""
    src = _HEAD.replace("[None, 8]", "[None, 5, 8]") + """def rnn(t):
    cell = tf.contrib.rnn.BasicLSTMCell(16, forget_bias=1.0)
    out, _ = tf.nn.dynamic_rnn(cell, t, dtype=tf.float32)
    return out
init = tf.random_uniform_initializer(-0.05, 0.05)
with tf.variable_scope('model', reuse=None, initializer=init):
    a = rnn(x)
with tf.variable_scope('model', reuse=True, initializer=init):
    b = rnn(x)
"""
    out = _run(src)
    assert f"kernel_initializer={UNIFORM}" in _flat(out)
    assert "different initializer=" not in out


# -- variable_scope(regularizer=) -------------------------------------------------------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_every_variable_takes_the_scope_regularizer_where_the_loss_reads_them(fixes):
    out = _run(REG.read_text(), fixes)
    assert TODO_MARKER not in out
    assert not legacy_refs_outside_todo(out) and not undefined_names(out)
    assert_idempotent(out, fixes)
    flat = _flat(out)
    # three layers (get_variable W / b, tf.layers.dense, contrib fully_connected): kernel and bias
    assert flat.count("kernel_regularizer=keras.regularizers.L2(0.025)") == 3
    assert flat.count("bias_regularizer=keras.regularizers.L2(0.025)") == 3


def test_a_scope_regularizer_nothing_reads_is_dropped_as_tf1_never_trained_with_it():
    src = REG.read_text().replace(" + tf.losses.get_regularization_loss()", "")
    out = _run(src)
    assert "regularizer" not in body(out) and TODO_MARKER not in out


@pytest.mark.parametrize("layer, why", [
    ("cell = tf.nn.rnn_cell.GRUCell(4)\n    o, _ = tf.nn.dynamic_rnn(cell, tf.reshape(x, [-1, 2, 4]), dtype=tf.float32)",
     "not written for cells"),
    ("h = tf.contrib.layers.batch_norm(x)", "batch norm"),
    ("h = tf.layers.Dense(4)(x)", "first called"),
], ids=["cell", "batch_norm", "object"])
def test_variables_the_translation_cannot_regularize_stay_tf1(layer, why):
    out = _run(_HEAD + f"""with tf.variable_scope('a', regularizer=tf.contrib.layers.l2_regularizer(0.1)):
    {layer}
loss = tf.reduce_sum(x) + tf.losses.get_regularization_loss()
""")
    assert why in " ".join(out.replace("#  ", "").split())


# -- slow: against TF1 --------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_untrained_embedding_spreads_like_tf1s(tmp_path):
    """The spread of the untrained embedding depends on the initializer's scale (Glorot-uniform
    gives about six times TF1's here): the migrated program's is TF1's."""
    got, want = run_pair(PTB, tmp_path, lambda s: migrate_text(s, False, name=PTB.name))
    assert 0.8 < got["std"] / want["std"] < 1.25, (got, want)


@pytest.mark.slow
def test_the_regularized_program_trains_like_tf1(tmp_path):
    assert_equivalent(REG, tmp_path)

