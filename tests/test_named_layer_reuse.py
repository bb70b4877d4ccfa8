"""tf.layers calls that share their variables by NAME in straight-line code (no tower function):
``e1 = tf.layers.dense(x1, 8, name='fc')`` then ``e2 = tf.layers.dense(x2, 8, name='fc',
reuse=True)`` or the same call under ``with tf.variable_scope('s', reuse=True):``. TF1 hands the
second call the first one's variables; the second call was a TODO (TFM131 "reuse=") and the scope
kept (TFM138), 3 TODO on tests/fixtures/real_sweep/named_layers_inline_pairs.py. Now each call
is ``tf1_layer('<scope>/<name>', lambda: keras.layers.Dense(...))(x)``: one layer
(analysis/named_layer_reuse.py). Fast: the text and the forms left alone; slow: verify."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, body, migrate_text, undefined_names

FIX = Path(__file__).parent / "fixtures" / "real_sweep" / "named_layers_inline_pairs.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_layers_shared_by_name_are_one_layer(fixes):
    out = migrate_text(FIX.read_text(), fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    code = body(out)
    assert code.count("tf1_layer('siamese/fc1', lambda: keras.layers.Dense(32, activation='relu'))") == 2
    assert code.count("tf1_layer('siamese/fc2', lambda: keras.layers.Dense(8))") == 2
    assert "variable_scope(" not in code and "reuse=" not in code
    assert_idempotent(out, fixes)


_BASE = ("import tensorflow as tf\n\nx1 = tf.placeholder(tf.float32, [None, 4])\n"
         "x2 = tf.placeholder(tf.float32, [None, 4])\n")


@pytest.mark.parametrize("src", [
    # the first call already reuses: TF1 raised (no such variable), nothing to share
    _BASE + "e1 = tf.layers.dense(x1, 2, name='t', reuse=True)\ne2 = tf.layers.dense(x2, 2, name='t', reuse=True)\n",
    # in a loop: the calls run several times (left to the other rules)
    _BASE + "for x in (x1, x2):\n    e = tf.layers.dense(x, 2, name='t', reuse=tf.AUTO_REUSE)\n",
    # a scope name not a literal
    _BASE + "s = 'a'\nwith tf.variable_scope(s):\n    e1 = tf.layers.dense(x1, 2, name='t')\n"
            "with tf.variable_scope(s, reuse=True):\n    e2 = tf.layers.dense(x2, 2, name='t')\n",
])
def test_layers_whose_sharing_is_not_known_stay(src):
    out = migrate_text(src, False)
    assert "tf1_layer(" not in out


def test_different_names_are_different_layers():
    src = _BASE + "e1 = tf.layers.dense(x1, 2, name='a')\ne2 = tf.layers.dense(x2, 2, name='b')\n"
    out = migrate_text(src, False)
    assert "tf1_layer(" not in out and out.count("keras.layers.Dense(2)") == 2


@pytest.mark.slow
def test_layers_shared_by_name_compute_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(FIX, tmp_path)
