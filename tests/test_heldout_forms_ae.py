"""Held-out forms of issue 10 (round AE, session 32): TF1 contrastive pair Siamese programs after
kvolle/neural_net_tests and LousyLory/siamese_for_maps (the kratzert AlexNet helpers).

* an AlexNet ``conv(x, ..., name)`` helper that binds a local ``conv`` too and adds its bias as
  ``tf.reshape(tf.nn.bias_add(conv, biases), tf.shape(conv))``: the bias is fused into the layer
  (before: the bias ``get_variable`` stayed a TFM100 TODO - the ``def``'s own name counted as a
  second read of the local ``conv``, and so did ``tf.shape(conv)``);
* ``tf.nn.local_response_normalization`` / ``tf.nn.lrn`` -> the LRN helper layer with TF's
  defaults written out (TFM210; before: a TFM100 TODO);
* a model class's convolution through its own METHOD ``self.conv2d(x, W)`` with a
  ``tf.Variable`` kernel whose shape is a parameter (``conv_layer(self, x, weights, name)``) and a
  ``tf.Variable`` bias added by ``tf.nn.bias_add(conv, bias)`` in a later statement: the kernel and
  the bias become the method's Conv2D (before: 4 TODO - the method wrapper was not followed, a
  kernel of a named shape was not taken as a helper's parameter, and a bias added after a helper
  call was only fused when added in the same expression);
* ``tf.reshape(t, tf.shape(u))`` keeps u's static shape (``tf1_reshape_like``); before, with the
  rest translated, ``keras.ops.reshape(t, tf1_shape(u))`` left every axis unknown and the next
  layer's ``int(x.shape[-1])`` crashed with 0 TODO (a silent crash).

Regression tier: no TensorFlow; slow: verify and AUCs."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import assert_idempotent, migrate_text, undefined_names

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_ae"
ALEXNET = FIX / "alexnet_conv_helper_bias.py"
LRN = FIX / "nn_lrn_towers.py"
METHOD = FIX / "conv_method_wrapper.py"


def _clean(out: str) -> None:
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert not undefined_names(out)


# -- kratzert's AlexNet conv helper: local ``conv`` in ``def conv``, bias reshaped to tf.shape(conv) --

@pytest.mark.parametrize("fixes", [False, True])
def test_alexnet_conv_helper_bias_is_fused(fixes):
    out = migrate_text(ALEXNET.read_text(), fixes)
    _clean(out)
    assert "bias_initializer='glorot_uniform'" in out  # TF1's get_variable default, the bias too
    assert "use_bias=False" not in out
    assert "bias = tf1_reshape_like(conv, conv)" in out
    assert "tf1_shape" not in out  # the tf.shape inside the reshape is written by the reshape
    assert_idempotent(out, fixes)


_CONV = ("import tensorflow as tf\n\n\n"
         "def conv(x, n, name):\n"
         "    with tf.variable_scope(name) as scope:\n"
         "        w = tf.get_variable('w', shape=[3, 3, 1, n])\n"
         "        b = tf.get_variable('b', shape=[n])\n"
         "    conv = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding='SAME')\n"
         "    {line}\n"
         "    return tf.nn.relu(out)\n\n\n"
         "x = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
         "y = conv(x, 4, 'c1')\n")


@pytest.mark.parametrize("line", [
    "out = tf.nn.bias_add(conv, b)",  # the def's own name is no read of the local conv
    "out = tf.reshape(tf.nn.bias_add(conv, b), tf.shape(conv))",
    "out = tf.reshape(conv + b, tf.shape(conv))",
])
def test_a_bias_added_after_the_layer_is_fused_despite_shape_reads(line):
    out = migrate_text(_CONV.format(line=line), False)
    assert TODO_MARKER not in out and "get_variable" not in out
    assert "use_bias=False" not in out and "bias_initializer='glorot_uniform'" in out


def test_a_second_value_read_keeps_the_bias_apart():
    # the layer's output read again as a VALUE (not its shape): the bias cannot go into the layer
    out = migrate_text(_CONV.format(line="out = tf.nn.bias_add(conv, b) + conv"), False)
    assert "use_bias=False" in out


@pytest.mark.parametrize("src,want", [
    ("t = tf.reshape(a, tf.shape(b))\n", "tf1_reshape_like(a, b)"),
    ("t = tf.reshape(a, shape=tf.shape(self.b))\n", "tf1_reshape_like(a, self.b)"),
])
def test_reshape_to_another_tensors_shape_keeps_its_static_shape(src, want):
    full = ("import tensorflow as tf\n\n\nclass M:\n    def __init__(self):\n"
            "        self.b = tf.placeholder(tf.float32, [None, 4])\n        a = self.b * 2.0\n        b = self.b\n"
            + "".join("        " + ln + "\n" for ln in src.splitlines()))
    out = migrate_text(full, False)
    assert want in out and "tf1_shape(" not in out


def test_reshape_to_a_called_tensors_shape_is_left_to_tf1_shape():
    # tf.shape(f(b)): the helper would evaluate f(b) again - keras.ops.reshape as before
    src = ("import tensorflow as tf\n\n\nclass M:\n    def __init__(self):\n"
           "        self.b = tf.placeholder(tf.float32, [None, 4])\n"
           "        self.t = tf.reshape(self.b, tf.shape(tf.nn.relu(self.b)))\n")
    out = migrate_text(src, False)
    assert "tf1_reshape_like" not in out


@pytest.mark.slow
def test_alexnet_conv_helper_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(ALEXNET, tmp_path)


@pytest.mark.slow
def test_alexnet_conv_helper_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(ALEXNET, migrate_text(ALEXNET.read_text(), False), tmp_path)
    assert min(aucs) > 0.75 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- tf.nn.local_response_normalization / tf.nn.lrn (TFM210) -------------------------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_nn_lrn_towers_translate(fixes):
    out = migrate_text(LRN.read_text(), fixes)
    _clean(out)
    assert "LocalResponseNormalization(depth_radius=3, alpha=1.0, beta=0.5)(h)" in out  # TF's defaults
    assert "name=name" not in out.split('"""', 2)[2]  # TF1's op name is no layer name
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("call,want", [
    ("tf.nn.lrn(h)", "LocalResponseNormalization(alpha=1.0, beta=0.5)(h)"),
    ("tf.nn.local_response_normalization(h, 2, 2.0, 0.001, 0.75)",
     "LocalResponseNormalization(depth_radius=2, bias=2.0, alpha=0.001, beta=0.75)(h)"),
    ("tf.nn.local_response_normalization(input=h, beta=0.6)", "LocalResponseNormalization(alpha=1.0, beta=0.6)(h)"),
])
def test_nn_lrn_arguments(call, want):
    out = migrate_text(f"import tensorflow as tf\ny = {call}\n", False)
    flat = "".join(out.split()).replace(",)", ")")  # wrapped at 100 columns or not
    assert "".join(want.split()) in flat and TODO_MARKER not in out


@pytest.mark.slow
def test_helper_layer_computes_tf_lrn():
    np = pytest.importorskip("numpy")
    tf = pytest.importorskip("tensorflow")
    from migrator.helper_src.tflearn_layers import LocalResponseNormalization

    x = np.random.RandomState(0).rand(2, 3, 3, 7).astype("float32") * 3
    for kw in ({}, {"depth_radius": 2, "bias": 2.0, "alpha": 2e-5, "beta": 0.75}):
        tf_kw = {"depth_radius": 5, "bias": 1.0, "alpha": 1.0, "beta": 0.5, **kw}
        want = tf.nn.local_response_normalization(x, **tf_kw).numpy()
        got = np.asarray(LocalResponseNormalization(**tf_kw)(x))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_nn_lrn_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(LRN, tmp_path)


@pytest.mark.slow
def test_nn_lrn_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(LRN, migrate_text(LRN.read_text(), False), tmp_path)
    assert min(aucs) > 0.75 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- a conv wrapper METHOD given tf.Variable kernels of a parameter's shape ---------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_conv_method_wrapper_translates(fixes):
    out = migrate_text(METHOD.read_text(), fixes)
    _clean(out)
    assert "    def conv2d(self, input_layer, W):\n        return W(input_layer)" in out
    assert "conv = self.conv2d(input_layer, keras.layers.Conv2D(\n            weights[-1],\n            weights[:2]," in out
    assert "bias_initializer=keras.initializers.Constant(0.1)" in out and "preactivation = conv\n" in out
    assert_idempotent(out, fixes)


_WRAP = ("import tensorflow as tf\n\n\n"
         "class Net:\n"
         "    def __init__(self):\n"
         "        self.x = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
         "        self.out = self.layer(self.x, [3, 3, 1, 4])\n\n"
         "    def conv2d(self, x, W):\n"
         "        return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')\n\n"
         "    def layer(self, x, shape):\n"
         "        kernel = tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n"
         "        {conv}\n"
         "        bias = tf.Variable(tf.constant(0.1, shape=[shape[-1]]))\n"
         "        {add}\n"
         "        return tf.nn.relu(pre)\n\n\n"
         "net = Net()\n")


@pytest.mark.parametrize("conv,add", [
    ("conv = self.conv2d(x, kernel)", "pre = tf.nn.bias_add(conv, bias)"),
    ("conv = self.conv2d(x, kernel)", "pre = conv + bias"),
    ("conv = self.conv2d(x, W=kernel)", "pre = tf.add(conv, bias)"),
])
def test_conv_method_wrapper_spellings(conv, add):
    out = migrate_text(_WRAP.format(conv=conv, add=add), False)
    # (the class has no train op: its placeholder stays TF1, TFM144's TODO; the layers translate)
    assert "tf.Variable" not in out and "tf.nn" not in out and "tf.add" not in out
    assert "return W(x)" in out and "bias_initializer=keras.initializers.Constant(0.1)" in out


def test_a_function_wrapper_with_a_later_bias_add_fuses_too():
    src = ("import tensorflow as tf\n\n\ndef conv2d(x, W):\n"
           "    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')\n\n\n"
           "def layer(x, shape):\n    kernel = tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n"
           "    bias = tf.Variable(tf.constant(0.1, shape=[shape[-1]]))\n"
           "    return tf.nn.relu(conv2d(x, kernel) + bias)\n\n\n"
           "x = tf.placeholder(tf.float32, [None, 8, 8, 1])\ny = layer(layer(x, [3, 3, 1, 4]), [3, 3, 4, 8])\n")
    out = migrate_text(src, False)
    assert TODO_MARKER not in out and "return W(x)" in out
    assert "bias_initializer=keras.initializers.Constant(0.1)" in out


def test_a_method_wrapper_called_on_another_object_is_left_alone():
    # other.conv2d(x, kernel): not this instance's method - the wrapper stays as written
    src = _WRAP.format(conv="conv = Other().conv2d(x, kernel)", add="pre = tf.nn.bias_add(conv, bias)")
    out = migrate_text(src, False)
    assert "return W(x)" not in out


def test_a_conv_output_read_twice_keeps_its_bias_apart():
    src = _WRAP.format(conv="conv = self.conv2d(x, kernel)", add="pre = tf.nn.bias_add(conv, bias) * conv")
    out = migrate_text(src, False)
    assert "bias_initializer=keras.initializers.Constant(0.1)" not in out


@pytest.mark.slow
def test_conv_method_wrapper_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(METHOD, tmp_path)


@pytest.mark.slow
def test_conv_method_wrapper_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(METHOD, migrate_text(METHOD.read_text(), False), tmp_path)
    assert abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- tf.constant(<literal list>, shape=<literal shape>): the AlexNet / VGG image mean ------------

@pytest.mark.parametrize("src,want", [
    ("tf.constant([103.9, 116.7, 123.6], dtype=tf.float32, shape=[1, 1, 1, 3], name='img_mean')",
     "keras.ops.reshape(keras.ops.convert_to_tensor([103.9, 116.7, 123.6], dtype='float32'), [1, 1, 1, 3])"),
    ("tf.constant([0.3], shape=[1, 1, 1, 1])",
     "keras.ops.reshape(keras.ops.convert_to_tensor([0.3]), [1, 1, 1, 1])"),
    ("tf.constant([0.3], shape=[2, 2])", "keras.ops.full([2, 2], 0.3)"),  # one number fills the shape
    ("tf.constant([[1, 2], [3, 4]], shape=[4])",
     "keras.ops.reshape(keras.ops.convert_to_tensor([[1, 2], [3, 4]]), [4])"),
])
def test_shaped_list_constant_translates(src, want):
    out = migrate_text(f"import tensorflow as tf\nm = {src}\n", False)
    flat = "".join(out.split()).replace(",)", ")")
    assert "".join(want.split()) in flat and TODO_MARKER not in out


@pytest.mark.parametrize("src", [
    "tf.constant([1.0, 2.0], shape=[3])",  # TF1 repeats the last element: not written
    "tf.constant(v, shape=[3])",           # a name: its length unknown
    "tf.constant([1.0, 2.0], shape=s)",    # a shape not written out
])
def test_shaped_constants_not_known_keep_their_todo(src):
    out = migrate_text(f"import tensorflow as tf\nm = {src}\n", False)
    assert TODO_MARKER in out


@pytest.mark.slow
def test_shaped_list_constant_matches_tf1():
    np = pytest.importorskip("numpy")
    tf = pytest.importorskip("tensorflow")
    import keras

    for value, shape in (([103.9, 116.7, 123.6], [1, 1, 1, 3]), ([0.3], [2, 2]), ([[1, 2], [3, 4]], [4])):
        want = tf.constant(value, shape=shape).numpy()
        n = int(np.prod(shape))
        got = (keras.ops.full(shape, np.ravel(value)[0]) if np.size(value) == 1 and n != 1
               else keras.ops.reshape(keras.ops.convert_to_tensor(value), shape))
        np.testing.assert_array_equal(np.asarray(got), want)
        assert np.asarray(got).dtype == want.dtype
