"""Held-out form of issue 10 (session 31, helper valtower): a validation tower pair made by
calling the two-input wrapper of the training towers AGAIN under ``scope.reuse_variables()``
(redsphinx/uatu's ``build_model_siamese_cnn(validation_node_1, validation_node_2)``).

TF1 gives the second call of the wrapper the trained variables. Before: TFM205 kept a TODO ("the
tower calls pass different arguments besides the input and reuse") and the wrapper built a new
encoder at each call, so the validation towers would have read fresh, untrained layers. Now the
wrapper's encoder is kept in TF1's name store (``tf1_layer('towers/encoder', lambda: keras.Model(
...))``): every call of the wrapper applies the encoder the first call built. A wrapper that makes
variables of its own besides its towers' (uatu's fully connected head) keeps the TODO, with
that reason.

Regression tier: no TensorFlow; slow: verify and AUCs."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import assert_idempotent, migrate_text, undefined_names

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_ad"
VAL = FIX / "validation_towers_reuse.py"
HEAD = FIX / "validation_towers_head.py"


def _clean(out: str) -> None:
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert not undefined_names(out)


@pytest.mark.parametrize("fixes", [False, True])
def test_validation_towers_translate(fixes):
    out = migrate_text(VAL.read_text(), fixes)
    _clean(out)
    body = out.split('"""', 2)[2]  # (the docstring names the TF1 calls)
    assert "reuse_variables" not in body and "variable_scope" not in body
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_the_validation_towers_read_the_training_encoder(fixes):
    out = migrate_text(VAL.read_text(), fixes)
    # one encoder, built by the first call of the wrapper and taken from the store by the second
    assert ("    encoder = tf1_layer(\n        'towers/encoder',\n"
            "        lambda: keras.Model(encoder_input, tower(encoder_input), name='encoder'),\n    )") in out
    assert out.count("keras.Model(encoder_input") == 1
    assert "ea, eb = model(x_a, x_b)" in out and "va, vb = model(v_a, v_b)" in out
    assert "def tf1_layer(name, make):" in out


_OWN = ("import tensorflow as tf\n\n"
        "def tower(x):\n    w = tf.get_variable('w', [4, 2])\n    return tf.matmul(x, w)\n\n"
        "def model(a, b):\n    with tf.variable_scope('t') as scope:\n        ea = tower(a)\n"
        "        scope.reuse_variables()\n        eb = tower(b)\n{head}    return ea - eb\n\n"
        "x1 = tf.placeholder(tf.float32, [None, 4])\nx2 = tf.placeholder(tf.float32, [None, 4])\n"
        "v1 = tf.placeholder(tf.float32, [None, 4])\nv2 = tf.placeholder(tf.float32, [None, 4])\n"
        "with tf.variable_scope('s') as scope:\n    d = model(x1, x2)\n    scope.reuse_variables()\n"
        "    v = model(v1, v2)\n")


def test_a_wrapper_without_variables_of_its_own_shares_its_encoder():
    out = migrate_text(_OWN.format(head=""), False)
    assert TODO_MARKER not in out and not undefined_names(out)
    assert "encoder = tf1_layer(\n        't/encoder'," in out or "tf1_layer('t/encoder'" in out


def test_a_wrapper_with_a_layer_head_of_its_own_keeps_the_todo():
    # a tf.layers head (not a bare get_variable that TFM135 stores): no store for it - TODO
    head = "    ea = tf.layers.dense(ea, 2, name='h')\n    eb = tf.layers.dense(eb, 2, name='h', reuse=True)\n"
    out = migrate_text(_OWN.format(head=head), False)
    assert TODO_MARKER in out and "tf1_layer('t/encoder'" not in out and "'t/encoder'" not in out
    assert "makes variables of its own besides its towers'" in out.replace("\n    #   ", " ")
    assert not undefined_names(out)


def test_a_wrapper_called_again_without_reuse_builds_new_towers():
    # no reuse between the wrapper's calls: TF1 makes new variables (a new scope) - no store
    src = _OWN.format(head="").replace("    scope.reuse_variables()\n    v = model(v1, v2)\n",
                                       "with tf.variable_scope('s2'):\n    v = model(v1, v2)\n")
    out = migrate_text(src, False)
    assert "'t/encoder'" not in out and "tf1_layer" not in out


@pytest.mark.parametrize("fixes", [False, True])
def test_the_wrapper_head_comes_from_the_store(fixes):
    out = migrate_text(HEAD.read_text(), fixes)
    _clean(out)
    assert "return tf1_layer('siam/head', lambda: keras.layers.Dense(" in out
    assert "    encoder = tf1_layer(\n        'towers/encoder'," in out
    assert "p = model(x_a, x_b)" in out and "vp = model(v_a, v_b)" in out
    assert_idempotent(out, fixes)


@pytest.mark.slow
def test_wrapper_head_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(HEAD, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("fixes", [False, True])
def test_wrapper_head_program_ranks_like_tf1(tmp_path, fixes):
    aucs = legacy_and_migrated_aucs(HEAD, migrate_text(HEAD.read_text(), fixes), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


@pytest.mark.slow
def test_validation_towers_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(VAL, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("fixes", [False, True])
def test_validation_towers_program_ranks_like_tf1(tmp_path, fixes):
    aucs = legacy_and_migrated_aucs(VAL, migrate_text(VAL.read_text(), fixes), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs
