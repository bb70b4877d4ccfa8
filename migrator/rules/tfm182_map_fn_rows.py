"""TFM182: ``tf.map_fn`` over rows reducing a ``tf.boolean_mask`` of each (batch-hard mining per
anchor, the function closing over the graph's distance matrix and masks) -> the same reduction
with masks over the whole matrix (keras.ops.where + max / min / sum over axis 1).

The work is the engine's pre-step (:func:`migrator.analysis.map_fn_rows.rewrite_map_fn_rows`,
run before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from ..diagnostics import Kind
from .base import Case, Rule


class MapFnRows(Rule):
    ID = "TFM182"
    TRIGGERS = ("map_fn",)
    NAME = "map-fn-rows"
    KIND = Kind.TRANSLATE
    MESSAGE = ("tf.map_fn reducing a boolean_mask of each row -> the masked reduction over the whole matrix "
               "(the same values and gradients)")
    RATIONALE = (
        "Batch-hard triplet mining runs `tf.map_fn(fn, tf.range(n))` with `fn(i) = tf.reduce_max(tf.boolean_mask("
        "dist[i], pos_mask[i]))` (reduce_min for the negatives): a loop over the batch whose function reads "
        "tensors of the graph from its closure, which keras.ops.map cannot run on a functional model's "
        "symbolic tensors. Pass i reduces the elements of row i where the mask is true, an empty selection "
        "giving the reduction's identity (-inf, +inf, 0): exactly `tf.reduce_max(tf.where(pos_mask, dist, "
        "-inf), axis=1)` for rows 0..n-1 (`[:n]`; another index tensor: `tf.gather(rows, idx)`), whose "
        "gradient reaches the same elements (ties split equally, as TF1's). Written in TF1 ops, the rule pass "
        "translates it (keras.ops.where / max / min / sum). Declined (TFM130 keeps the map_fn with why): any "
        "other body, a matrix or mask that is not a name indexed by the pass variable alone, a function "
        "defined in another scope than the map_fn, other map_fn arguments.")
    VALID = [
        # a body doing more than one masked reduction: kept
        "import tensorflow as tf\n"
        "def f(i):\n"
        "    return tf.reduce_max(tf.boolean_mask(d[i], m[i])) + 1.0\n"
        "r = tf.map_fn(f, tf.range(n), dtype=tf.float32)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def hardest(i):\n"
             "    pos = tf.boolean_mask(d[i], same[i])\n"
             "    return tf.reduce_max(pos)\n"
             "n = tf.shape(d)[0]\n"
             "hp = tf.map_fn(hardest, tf.range(n), dtype=tf.float32)\n"
             "hn = tf.map_fn(lambda i: tf.reduce_min(tf.boolean_mask(d[i], other[i])), idx, dtype=tf.float32)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "n = tf.shape(d)[0]\n"
             "hp = tf.reduce_max(tf.where(same, d, tf.ones_like(d) * float('-inf')), axis=1)[:tf.shape(d)[0]]\n"
             "hn = tf.gather(tf.reduce_min(tf.where(other, d, tf.ones_like(d) * float('inf')), axis=1), idx)\n",
             ("TFM182",), todo=True),
    ]
