"""Held-out forms of round AN (session 37, after cattidea/shoeprint-recognition's AUTO_REUSE
triplet model and a stacked-batch triplet descriptor repository's ``nn.py`` helpers):

* ``tf.nn.conv2d(..., dilations=[1, r, r, 1])`` in a hand-made conv layer (TFM135): the
  keyword was dropped - a dilated convolution became an undilated one (SILENT: 0 TODO once the
  pooling next to it translates, another model). Now ``dilation_rate=(r, r)`` (any
  expressions, a helper's ``rate`` parameter); other dilations stay TODO;
* ``tf.nn.conv2d(..., data_format=...)`` (TFM135): dropped too - a literal "NCHW" became a
  channels-last Conv2D. Now a literal other than "NHWC" is a TODO, and a helper's parameter is
  handed to ``tf1_nhwc`` (a helper that returns "channels_last" for "NHWC" and raises for any
  other layout where the program runs);
* ``tf.nn.max_pool(x, ksize, strides, padding, data_format)`` with the layout a helper's
  parameter (TFM130): TODO before; now ``keras.ops.max_pool(..., data_format=tf1_nhwc(...))``;
* a weight helper binding its initializer to a local before ``return tf.get_variable(...,
  initializer=init_op)`` (the stacked-triplet repository's ``create_conv_kernel``): not taken as
  a weight helper (the get_variable and the conv2d / matmul reading it TODO); now the local's
  value is put in the call (each local bound once, read once as a whole argument) and the
  helper is TFM135's like ``return tf.get_variable(...)``;
* ``tf.div`` (TFM130): TF1's Python 2 division, FLOOR division when x is an integer; it became
  ``keras.ops.divide`` (true division) - SILENT on integer labels grouped in the graph
  (``tf.equal(tf.div(y1, 2), tf.div(y2, 2))``: 0 TODO, verify DIFFERENT). Now ``tf1_div`` (floor
  division for an integer x, decided where it runs), ``keras.ops.divide`` where an operand is a
  float literal;
* a weight decay over EVERY trainable variable (``tf.add_n([tf.nn.l2_loss(v) for v in
  tf.trainable_variables()])``, no filter) with the weights made by ``tf.layers`` (TFM140): TODO
  before (the analysis computed TF1 names of get_variable weights only); now
  ``tf1_selected_weights(model, None)`` - all the model's trainable weights, each once. A filtered
  decay over tf.layers weights, or a layer made after the statement, stays TODO;
* that decay built by a loop appending each variable's term to a list (TFM214's pre-step): TODO
  before; now written as the comprehension (the same ops in the same order) and translated as
  above. A loop variable read after the loop keeps the loop.

Regression tier: no TensorFlow; slow: the fixture's pair AUC against TF1's (verify's legacy
probe cannot take the gradient of a dilated conv2d there), the weight-helper program against TF1
(verify), the integer-division program against TF1 (verify), the unfiltered decay
programs (comprehension, loop) against TF1 (verify)."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import assert_idempotent, body, migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_an"
LAYOUT = FIX / "layout_param_dilated_conv.py"
KERNEL_HELPER = FIX / "kernel_helper_local_initializer.py"
INT_DIV = FIX / "integer_div_labels.py"
DECAY = FIX / "layers_unfiltered_decay.py"
DECAY_LOOP = FIX / "layers_decay_loop.py"

_run = functools.partial(migrate_text, name="an.py")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fixes", [False, True])
def test_layout_parameter_and_dilation_are_carried(fixes):
    out = _run(LAYOUT.read_text(), fixes)
    assert TODO_MARKER not in out
    flat = _flat(body(out))
    assert "data_format=tf1_nhwc(data_format), dilation_rate=(rate, rate), )(x)" in flat
    assert ("keras.ops.max_pool( x, (2, 2), strides=(2, 2), padding='valid', "
            "data_format=tf1_nhwc(data_format), )") in flat
    assert "def tf1_nhwc(data_format):" in out
    assert_idempotent(out, fixes)


_CONV = ("import tensorflow as tf\n"
         "x = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
         "w = tf.get_variable('w', [3, 3, 1, 4])\n"
         "h = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME'{extra})\n"
         "sess = tf.Session()\n")


def test_literal_nchw_conv_stays_todo():
    out = _run(_CONV.format(extra=", data_format='NCHW'"), False)
    assert TODO_MARKER in out and "keras.layers.Conv2D" not in out
    assert "only NHWC is translated" in out


def test_literal_nhwc_and_unit_dilation_add_nothing():
    out = _flat(_run(_CONV.format(extra=", data_format='NHWC', dilations=[1, 1, 1, 1]"), False))
    assert "keras.layers.Conv2D( 4, (3, 3), strides=(1, 1), padding='same', use_bias=False, )(x)" in out
    assert "data_format" not in out.split("keras.layers.Conv2D", 1)[1]
    assert "dilation_rate" not in out


def test_literal_dilation_becomes_dilation_rate():
    out = _flat(_run(_CONV.format(extra=", dilations=[1, 2, 3, 1]"), False))
    assert "dilation_rate=(2, 3)" in out and TODO_MARKER not in out


@pytest.mark.parametrize("dil", ["[2, 1, 1, 2]", "2", "rates"])
def test_other_dilations_stay_todo(dil):
    out = _run(_CONV.format(extra=f", dilations={dil}"), False)
    assert TODO_MARKER in out and "keras.layers.Conv2D" not in out


def test_literal_nchw_pool_stays_todo():
    src = ("import tensorflow as tf\n"
           "x = tf.placeholder(tf.float32, [None, 1, 8, 8])\n"
           "h = tf.nn.max_pool(x, [1, 1, 2, 2], [1, 1, 2, 2], 'VALID', 'NCHW')\n")
    out = _run(src, False)
    assert TODO_MARKER in out and "keras.ops.max_pool" not in out


@pytest.mark.parametrize("fixes", [False, True])
def test_weight_helper_with_a_local_initializer(fixes):
    out = _run(KERNEL_HELPER.read_text(), fixes)
    assert TODO_MARKER not in out
    flat = _flat(body(out))
    assert "def create_conv_kernel" not in flat and "def create_fc_weights" not in flat
    assert ("keras.layers.Conv2D( shape[-1], shape[:2], strides=(stride, stride), padding='same', "
            "kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1), use_bias=False, )(input_tensor)") in flat
    assert ("keras.layers.Dense( n_out, kernel_initializer=keras.initializers.RandomUniform(minval=-0.1, "
            "maxval=0.1), use_bias=False, )(x)") in flat
    assert_idempotent(out, fixes)


_HELPER = ("import tensorflow as tf\n"
           "def make_w(shape):\n"
           "{body}"
           "x = tf.placeholder(tf.float32, [None, 4])\n"
           "w = make_w([4, 2])\n"
           "h = tf.matmul(x, w)\n"
           "sess = tf.Session()\n")


@pytest.mark.parametrize("body", [
    # the local read twice
    "    init = tf.zeros_initializer()\n    print(init)\n    return tf.get_variable('w', shape, initializer=init)\n",
    # a local read by another local
    "    s = 0.1\n    init = tf.truncated_normal_initializer(stddev=s)\n"
    "    return tf.get_variable('w', shape, initializer=init)\n",
    # a local that shadows a parameter
    "    shape = [4, 3]\n    return tf.get_variable('w', shape)\n",
])
def test_other_helper_bodies_stay_todo(body):
    out = _run(_HELPER.format(body=body), False)
    assert TODO_MARKER in out and "keras.layers.Dense" not in out


@pytest.mark.parametrize("fixes", [False, True])
def test_integer_tf_div_is_floor_division(fixes):
    out = _run(INT_DIV.read_text(), fixes)
    assert TODO_MARKER not in out
    flat = _flat(body(out))
    assert "keras.ops.equal(tf1_div(y1, 2), tf1_div(y2, 2))" in flat
    assert "keras.ops.divide(y1" not in flat
    assert "keras.ops.floor_divide(x, y) if integer else keras.ops.divide(x, y)" in out
    assert_idempotent(out, fixes)


def test_tf_div_with_a_float_literal_stays_divide():
    out = _run("import tensorflow as tf\nh = tf.div(s, 2.0)\ng = tf.div(1.5, t)\n", False)
    assert "keras.ops.divide(s, 2.0)" in out and "keras.ops.divide(1.5, t)" in out
    assert "tf1_div" not in out


@pytest.mark.parametrize("fixes", [False, True])
def test_unfiltered_decay_over_layers_weights(fixes):
    out = _run(DECAY.read_text(), fixes)
    assert TODO_MARKER not in out
    flat = _flat(body(out))
    assert "for v in tf1_selected_weights(model, None)" in flat
    assert "def l2():" in out and "contrastive(same, d) + 0.01 * l2()" in flat
    assert "if tf1_filter is None:" in out
    assert_idempotent(out, fixes)


_DECAY = ("import tensorflow as tf\n"
          "x = tf.placeholder(tf.float32, [None, 4])\n"
          "y = tf.placeholder(tf.float32, [None, 1])\n"
          "h = tf.layers.dense(x, 8, name='h')\n"
          "{before}"
          "reg = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables(){cond}])\n"
          "{after}"
          "loss = tf.reduce_mean(tf.square(out - y)) + 0.01 * reg\n"
          "train_op = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
          "sess = tf.Session()\n"
          "sess.run(tf.global_variables_initializer())\n"
          "for i in range(3):\n"
          "    sess.run(train_op, feed_dict={{x: X, y: Y}})\n")


def test_unfiltered_decay_of_a_module_program():
    out = _run(_DECAY.format(before="out = tf.layers.dense(h, 1, name='out')\n", cond="", after=""), False)
    assert TODO_MARKER not in out and "tf1_selected_weights(model, None)" in out


@pytest.mark.parametrize("before,cond,after", [
    # a filter: the TF1 names of tf.layers weights are not computed
    ("out = tf.layers.dense(h, 1, name='out')\n", " if 'kernel' in v.name", ""),
    # a layer made after the statement: not in TF1's list
    ("", "", "out = tf.layers.dense(h, 1, name='out')\n"),
    # a trainable tf.Variable that is no layer weight (a learning rate): in TF1's list
    ("out = tf.layers.dense(h, 1, name='out') * tf.Variable(1.0)\n", "", ""),
])
def test_other_decays_stay_todo(before, cond, after):
    out = _run(_DECAY.format(before=before, cond=cond, after=after), False)
    assert TODO_MARKER in out and "tf1_selected_weights(model, None)" not in out


@pytest.mark.parametrize("fixes", [False, True])
def test_decay_built_by_a_loop(fixes):
    out = _run(DECAY_LOOP.read_text(), fixes)
    assert TODO_MARKER not in out
    flat = _flat(body(out))
    assert ("def l2_losses(): return [keras.ops.sum(keras.ops.square(var)) / 2 for var in "
            "tf1_selected_weights(model, None)]") in flat
    assert "keras.ops.stack(l2_losses())" in flat and "l2_losses.append" not in flat
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("loop", [
    # the loop variable read after the loop
    "terms = []\nfor v in tf.trainable_variables():\n    terms.append(tf.nn.l2_loss(v))\nprint(v)\n",
    # a statement between the list and the loop
    "terms = []\nn = 0\nfor v in tf.trainable_variables():\n    terms.append(tf.nn.l2_loss(v))\n",
    # more than the append in the body
    "terms = []\nfor v in tf.trainable_variables():\n    print(v)\n    terms.append(tf.nn.l2_loss(v))\n",
    # the term reads the list itself
    "terms = []\nfor v in tf.trainable_variables():\n    terms.append(tf.nn.l2_loss(v) + len(terms))\n",
    # another collection
    "terms = []\nfor v in tf.global_variables():\n    terms.append(tf.nn.l2_loss(v))\n",
])
def test_other_loops_are_kept(loop):
    out = _run("import tensorflow as tf\n" + loop, False)
    assert "for v in tf." in out and ".append(" in out


@pytest.mark.slow
def test_unfiltered_decay_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(DECAY, tmp_path)


@pytest.mark.slow
def test_decay_loop_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(DECAY_LOOP, tmp_path)


@pytest.mark.slow
def test_integer_div_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(INT_DIV, tmp_path)


@pytest.mark.slow
def test_weight_helper_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(KERNEL_HELPER, tmp_path)


@pytest.mark.slow
def test_layout_parameter_program_learns_like_tf1(tmp_path):
    legacy, keras_auc = legacy_and_migrated_aucs(LAYOUT, migrate_text(LAYOUT.read_text(), False), tmp_path)
    assert legacy > 0.85 and keras_auc > 0.85
    assert abs(legacy - keras_auc) < 0.05
