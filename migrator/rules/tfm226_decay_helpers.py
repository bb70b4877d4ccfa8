"""TFM226: a weight-decay helper (a function over ``tf.trainable_variables()``) -> its statements at
its one call.

The work is the engine's pre-step
(:func:`migrator.analysis.decay_helpers.inline_decay_helpers`, run before the rule pass when this
rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class DecayHelpers(Rule):
    ID = "TFM226"
    TRIGGERS = ("trainable_variables",)
    NAME = "decay-helpers"
    MESSAGE = ("a weight-decay helper over tf.trainable_variables() written at its one call (the list statement "
               "before the calling statement, the returned expression in place of the call; the same TF1 program)")
    RATIONALE = (
        "Model code computes its L2 weight decay in a helper (`def _l2_loss(self): l2_losses = []; for var in "
        "tf.trainable_variables(): l2_losses.append(tf.nn.l2_loss(var)); return tf.multiply(self._l2_weight, "
        "tf.add_n(l2_losses))`, called as `total_loss = self._loss(out) + self._l2_loss()`). The weight-decay "
        "translation (TFM140: the decay over the Keras model's trainable weights) finds a decay as a statement "
        "where the loss is; in a helper it saw an unknown call and kept the whole program TF1. Written at the "
        "call the helper makes the same ops, and tf.trainable_variables() lists the same variables, provided "
        "nothing the calling statement evaluates before the call makes a variable: only then (every other call "
        "of that statement a TensorFlow op or a function of the file making no weights), only for a module "
        "function of one-name assignments and a return calling TensorFlow ops only, called once with names or "
        "literals, from a plain statement (not a comprehension or lambda).")
    VALID = [
        # called twice
        "import tensorflow as tf\ndef l2():\n    return tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()])\n"
        "a = loss + l2()\nb = loss + l2()\n",
        # the calling statement builds a tower before the call: TF1's list held its variables
        "import tensorflow as tf\ndef l2():\n    return tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()])\n"
        "total = tf.reduce_sum(tf.layers.dense(x, 4)) + l2()\n",
        # the helper calls a function of the file
        "import tensorflow as tf\ndef l2():\n    return scale(tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()]))\n"
        "total = loss + l2()\n",
        # no tf.trainable_variables() in it: not a decay
        "import tensorflow as tf\ndef sq(x):\n    y = tf.square(x)\n    return tf.reduce_sum(y)\ntotal = sq(e)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def l2_loss(weight):\n"
             "    terms = [tf.nn.l2_loss(v) for v in tf.trainable_variables()]\n"
             "    return weight * tf.add_n(terms)\n"
             "def build(x):\n"
             "    out = tf.layers.dense(x, 4)\n"
             "    total = tf.reduce_sum(out) + l2_loss(1e-4)\n"
             "    return total\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def build(x):\n"
             "    out = tf.layers.dense(x, 4)\n"
             "    terms = [tf.nn.l2_loss(v) for v in tf.trainable_variables()]\n"
             "    total = tf.reduce_sum(out) + (1e-4 * tf.add_n(terms))\n"
             "    return total\n",
             ("TFM226",), todo=True),
    ]
