"""Held-out forms of issue 10 (round AF, session 32): TF1 triplet / face-verification programs
built with slim (Andrew62/facenet's triplet training). Regression tier: no TensorFlow; slow: verify
and AUCs."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import migrate_text

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_af"

# the engine's output (``src`` itself when nothing changes: a second run then returns its input)
_run = functools.partial(migrate_text, name="af.py")


# -- slim layers normalised by batch norm: normalizer_fn=slim.batch_norm + normalizer_params -------

BN_FLAG = FIX / "slim_normalizer_bn_flag.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_normalizer_fn_batch_norm_program_translates(fixes):
    # before: 4 TODO (TFM132 "normalizer_fn= is not translated", TFM150 keeping the
    # arg_scope, TFM140 "hyper placeholder is_training is also used in: with slim.arg_scope(...")
    out = _run(BN_FLAG.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    # no biases; slim's batch norm (decay 0.9, no gamma, statistics never moved: no UPDATE_OPS);
    # the activation after the normaliser
    assert out.count("use_bias=False") == 2
    assert out.count("ContribBatchNormalization(\n    momentum=0.9,\n    epsilon=0.001,\n"
                     "    scale=False,\n    updates=False,\n)") == 2
    assert out.count("keras.layers.Activation('relu')(ContribBatchNormalization(") == 2
    assert "logits = keras.layers.Dense(16)(net)" in out  # normalizer_fn=None: biases, no norm
    # the mode: training runs train, is_training=False runs predict
    assert "model.train_on_batch(batch[k:k + 30])" in out
    assert "keras.Model(images, embeddings).predict_on_batch(test_x)" in out
    assert _run(out, fixes) in (None, out)


_SRC = ("import tensorflow as tf\nfrom tensorflow.contrib import slim\n\n"
        "x = tf.placeholder(tf.float32, [None, 8])\n{body}")


def test_normalizer_fn_in_the_call_without_params_uses_batch_norms_defaults():
    out = _run(_SRC.format(body="h = tf.contrib.layers.fully_connected(x, 4, normalizer_fn="
                                "tf.contrib.layers.batch_norm)\n"), False)
    assert TODO_MARKER not in out
    # contrib batch_norm's defaults: is_training=True (pinned), decay 0.999
    assert ("h = keras.layers.Activation('relu')(ContribBatchNormalization(\n    training=True,\n"
            "    momentum=0.999,\n") in out
    assert "keras.layers.Dense(4, use_bias=False)(x)" in out


def test_conv2d_normalizer_and_arg_scope_of_batch_norm():
    # the keywords of an arg_scope listing batch_norm reach the batch norm normalizer_fn calls
    body = ("img = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
            "with slim.arg_scope([slim.batch_norm], decay=0.95, scale=True):\n"
            "    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm):\n"
            "        c = slim.conv2d(img, 4, [3, 3], activation_fn=tf.nn.tanh, scope='c1')\n")
    out = _run(_SRC.format(body=body), False)
    assert TODO_MARKER not in out and "arg_scope" not in out
    assert "keras.layers.Conv2D(4, [3, 3], padding='same', use_bias=False)(img)" in out
    assert "momentum=0.95," in out and "scale=True," in out
    assert out.count("keras.layers.Activation('tanh')(ContribBatchNormalization(") == 1


def test_update_ops_run_by_the_train_op_move_the_statistics():
    body = ("y = tf.placeholder(tf.float32, [None, 1])\nt = tf.placeholder(tf.bool)\n"
            "h = slim.fully_connected(x, 4, normalizer_fn=slim.batch_norm, "
            "normalizer_params={'is_training': t})\n"
            "loss = tf.reduce_mean(tf.square(slim.fully_connected(h, 1, activation_fn=None) - y))\n"
            "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
            "with tf.control_dependencies(ops):\n"
            "    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n")
    out = _run(_SRC.format(body=body), False)
    assert "ContribBatchNormalization(momentum=0.999, epsilon=0.001, scale=False)(" in out


def test_naming_update_ops_as_the_collection_runs_nothing():
    # updates_collections=tf.GraphKeys.UPDATE_OPS (slim's default, written out) names where the
    # update ops go; nothing runs them, so TF1 never moves the statistics (before: read as a
    # train op running UPDATE_OPS - the statistics moved in the migration: a silent change)
    for params in ("{'updates_collections': tf.GraphKeys.UPDATE_OPS}",):
        body = f"h = slim.fully_connected(x, 4, normalizer_fn=slim.batch_norm, normalizer_params={params})\n"
        assert "    updates=False,\n)" in _run(_SRC.format(body=body), False)
    body = "h = slim.batch_norm(x, updates_collections=tf.GraphKeys.UPDATE_OPS)\n"
    assert "    updates=False,\n)" in _run(_SRC.format(body=body), False)
    # the same keyword from an arg_scope (on main 5cd656a the statistics moved: silent change)
    body = ("with slim.arg_scope([slim.batch_norm], updates_collections=tf.GraphKeys.UPDATE_OPS):\n"
            "    h = slim.batch_norm(x)\n")
    assert "    updates=False,\n)" in _run(_SRC.format(body=body), False)


@pytest.mark.parametrize("call,reason", [
    ("slim.fully_connected(x, 4, normalizer_fn=slim.layer_norm)", "other than batch_norm"),
    ("slim.fully_connected(x, 4, normalizer_fn=slim.batch_norm, normalizer_params=make_params())",
     "other than a dict literal"),
    ("slim.fully_connected(x, 4, normalizer_fn=slim.batch_norm, normalizer_params={'foo': 1})",
     "normalizer_params= with foo"),
])
def test_normalizers_not_translated_keep_a_todo(call, reason):
    out = _run(_SRC.format(body=f"bn_params = {{'decay': 0.9}}\nh = {call}\n"), False)
    assert TODO_MARKER in out and reason in out.replace("\n#   ", " ")


def test_training_flag_passed_to_a_tower_function_for_its_normalizer():
    # the bool placeholder reaches normalizer_params through the tower function's parameter
    # (before: TFM140 "hyper placeholder is_training_ph is also used in: net = tower(...")
    src = BN_FLAG.read_text()
    old = ("with slim.arg_scope([slim.fully_connected], weights_regularizer=slim.l2_regularizer(1e-4),\n"
           "                    normalizer_fn=slim.batch_norm,\n"
           "                    normalizer_params={'is_training': is_training, 'decay': 0.9}):\n"
           "    net = slim.fully_connected(images, 64, scope='fc1')\n"
           "    net = slim.fully_connected(net, 32, scope='fc2')\n")
    new = ("def tower(x, training):\n"
           "    with slim.arg_scope([slim.fully_connected], normalizer_fn=slim.batch_norm,\n"
           "                        normalizer_params={'is_training': training, 'decay': 0.9}):\n"
           "        h = slim.fully_connected(x, 64, scope='fc1')\n"
           "        h = slim.dropout(h, 0.8, is_training=training)\n"
           "        return slim.fully_connected(h, 32, scope='fc2')\n\n\n"
           "net = tower(images, is_training)\n")
    assert old in src
    out = _run(src.replace(old, new), False)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert "is_training = True  # the value its training runs fed" in out
    assert out.count("ContribBatchNormalization(\n        momentum=0.9,") == 2


def test_training_flag_from_an_outer_arg_scope_of_batch_norm_and_dropout():
    # facenet's inception towers: arg_scope([slim.batch_norm, slim.dropout], is_training=<flag>)
    # around the layers whose own arg_scope names normalizer_fn=slim.batch_norm
    src = BN_FLAG.read_text()
    start = src.index("with slim.arg_scope([slim.fully_connected]")
    old = src[start:src.index("logits = ")]
    new = ("with slim.arg_scope([slim.batch_norm, slim.dropout], is_training=is_training):\n"
           "    with slim.arg_scope([slim.fully_connected], weights_regularizer=slim.l2_regularizer(1e-4),\n"
           "                        normalizer_fn=slim.batch_norm, normalizer_params={'decay': 0.9}):\n"
           "        net = slim.fully_connected(images, 64, scope='fc1')\n"
           "        net = slim.dropout(net, 0.9)\n"
           "        net = slim.fully_connected(net, 32, scope='fc2')\n")
    out = _run(src.replace(old, new), False)
    assert TODO_MARKER not in out and "import tensorflow" not in out and "with slim.arg_scope" not in out
    assert out.count("ContribBatchNormalization(\n    momentum=0.9,\n    epsilon=0.001,\n"
                     "    scale=False,\n    updates=False,\n)") == 2
    assert "net = keras.layers.Dropout(0.1)(net)" in out


PARAMS_NAME = FIX / "slim_normalizer_params_name.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_normalizer_params_held_in_a_name(fixes):
    # davidsandberg/facenet's towers: batch_norm_params = {...} bound once, given as
    # normalizer_params=batch_norm_params (TFM184's pre-step writes the display there; the dict
    # statement goes with its last read). Before: TFM132 "normalizer_params= other than a dict
    # literal"; with the display alone, the UPDATE_OPS it names read as "a train op runs them"
    out = _run(PARAMS_NAME.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert "batch_norm_params = {" not in out and "normalizer_params=batch_norm_params)" not in out
    assert out.count("ContribBatchNormalization(\n    momentum=0.9,\n    epsilon=0.001,\n"
                     "    scale=False,\n    updates=False,\n)") == 2
    assert _run(out, fixes) in (None, out)


@pytest.mark.parametrize("extra", [
    "print(batch_norm_params)\n",                      # read as a dict elsewhere: kept
    "batch_norm_params['decay'] = 0.5\n",              # changed after its display
])
def test_normalizer_params_name_read_otherwise_is_not_inlined(extra):
    body = ("batch_norm_params = {'decay': 0.9}\n" + extra
            + "h = slim.fully_connected(x, 4, normalizer_fn=slim.batch_norm, normalizer_params=batch_norm_params)\n")
    out = _run(_SRC.format(body=body), False)
    assert TODO_MARKER in out and "other than a dict literal" in out.replace("\n#   ", " ")


@pytest.mark.slow
def test_normalizer_fn_batch_norm_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(BN_FLAG, tmp_path)


@pytest.mark.slow
def test_normalizer_params_name_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(PARAMS_NAME, tmp_path)


@pytest.mark.slow
def test_normalizer_fn_batch_norm_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(BN_FLAG, _run(BN_FLAG.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs
