"""A word table made once outside the tower that looks it up (HandmadeLayersAnalysis, TFM135): a
module-level ``get_variable`` read by ``embedding_lookup`` in a function called once per side, and
an instance's ``self.W`` made in ``__init__`` and read in a tower method. TF1 has ONE variable
however often the function or method runs, so the translation is ONE Embedding bound to the
table's name and applied at each lookup - never a layer made per call. A table also read by
something other than a lookup, read from outside its class, or looked up in a loop keeps its TODO.
Fast tier: the text; slow tier: verify and the AUCs of legacy and migrated training."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURES = Path(__file__).parent / "fixtures" / "real_sweep"
MODULE = FIXTURES / "module_table_length_pairs.py"
INSTANCE = FIXTURES / "instance_table_method_pairs.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_a_module_table_looked_up_in_a_tower_function_is_one_embedding(fixes):
    out = migrate_text(MODULE.read_text(), fixes)
    assert TODO_MARKER not in out
    assert out.count("word_table = TF1Embedding(") == 1
    code = out[out.index("def encoder("):]
    assert "    words = word_table(ids)\n" in code and "Embedding(" not in code
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("fixes", [False, True])
def test_an_instance_table_looked_up_in_a_tower_method_is_one_embedding_attribute(fixes):
    out = migrate_text(INSTANCE.read_text(), fixes)
    assert TODO_MARKER not in out
    assert out.count("self.W = TF1Embedding(") == 1
    tower = out[out.index("    def tower(self, x):"):out.index("def tokens(")]
    assert "        words = self.W(x)\n" in tower and "Embedding(" not in tower
    assert "encoder = keras.Model(" in out  # the towers: one encoder model (TFM205)
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


MODULE_SRC = MODULE.read_text()
INSTANCE_SRC = INSTANCE.read_text()


@pytest.mark.parametrize("src, change", [
    # the table is also read by a penalty: it is a variable, not only a lookup table
    (MODULE_SRC, ("train_op = tf.train.AdamOptimizer(0.01).minimize(loss)",
                  "train_op = tf.train.AdamOptimizer(0.01).minimize(loss + 1e-4 * tf.nn.l2_loss(word_table))")),
    # looked up in a loop of the function: one lookup per pass, left as it is
    (MODULE_SRC, ("        words = tf.nn.embedding_lookup(word_table, ids)\n",
                  "        for _ in range(1):\n            words = tf.nn.embedding_lookup(word_table, ids)\n")),
    # the instance's table read from outside its class (its value fetched): a layer is no value
    (INSTANCE_SRC, ("d = sess.run(model.distance,", "table = sess.run(model.W)\nd = sess.run(model.distance,")),
], ids=["penalty", "loop", "read-outside"])
def test_a_table_read_otherwise_is_left_marked(src, change):
    old, new = change
    assert old in src
    out = migrate_text(src.replace(old, new, 1), True)
    assert "Embedding(" not in out and TODO_MARKER in out
    assert "tf.nn.embedding_lookup(" in out
    assert not undefined_names(out)


@pytest.mark.slow
@pytest.mark.parametrize("fixture", [MODULE, INSTANCE], ids=lambda p: p.stem)
def test_the_programs_compute_what_tf1_computes(fixture, tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(fixture, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("fixture", [MODULE, INSTANCE], ids=lambda p: p.stem)
def test_the_migrated_programs_rank_pairs_like_tf1(fixture, tmp_path):
    from tests.legacy_pairs import legacy_and_migrated_aucs

    legacy, keras_auc = legacy_and_migrated_aucs(fixture, migrate_text(fixture.read_text(), True), tmp_path)
    assert legacy > 0.7 and abs(legacy - keras_auc) < 0.05, (legacy, keras_auc)


ONCE = """import numpy as np
import tensorflow as tf
ids = tf.placeholder(tf.int32, [None, 4])
y = tf.placeholder(tf.float32, [None])
table = tf.get_variable('table', [10, 3])


def encode(x):
    for_loop_free = tf.nn.embedding_lookup(table, x)
    return tf.reduce_sum(for_loop_free, [1, 2])


out = encode(ids)
loss = tf.reduce_mean(tf.square(out - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train_op, {ids: np.zeros((2, 4), np.int32), y: np.ones(2, np.float32)})
"""


def test_a_table_looked_up_by_a_function_called_once_is_that_calls_layer():
    out = migrate_text(ONCE, False)
    assert TODO_MARKER not in out and "table = " not in out
    assert "Embedding(" in out[out.index("def encode(x):"):out.index("out = encode(ids)")]
