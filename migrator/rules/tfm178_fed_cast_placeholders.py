"""TFM178: a placeholder rebound to a cast of itself -> one placeholder of the cast's dtype.

The work is the engine's pre-step (:func:`migrator.analysis.placeholder_forms.rebind_fed_casts`,
run before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from .base import Case, Rule


class FedCastPlaceholders(Rule):
    ID = "TFM178"
    TRIGGERS = ("placeholder",)
    NAME = "fed-cast-placeholders"
    MESSAGE = ("a placeholder rebound to a cast of itself -> one placeholder of the cast's dtype "
               "(the same TF1 program)")
    RATIONALE = (
        "`label = tf.placeholder(tf.int32, [None, 1])` then `label = tf.to_float(label)` leaves the name on the "
        "CAST tensor: every later read is the cast, and a feed `{label: y}` feeds the cast tensor itself (TF1 "
        "feeds any tensor, converting the value to its dtype); the placeholder is never fed or read again. "
        "That is the program `label = tf.placeholder(tf.float32, [None, 1])`, which the session-program rules "
        "translate (the cast statement was translated alone and read the removed placeholder: a NameError). "
        "Casts: to_float / to_double / to_int32 / to_int64 / cast(x, dtype) of the name alone. Declined: the "
        "two statements in different blocks, the name used between them, a file that looks tensors up by "
        "graph name (`get_tensor_by_name`: the cast's name is not the placeholder's).")
    VALID = [
        # the placeholder is read before the cast: two tensors, kept as written
        "import tensorflow as tf\ny = tf.placeholder(tf.int32, [None])\nn = tf.size(y)\ny = tf.to_float(y)\n",
        # a cast of something else
        "import tensorflow as tf\ny = tf.placeholder(tf.int32, [None])\ny = tf.to_float(y * 2)\n",
        # graph-name lookups: kept
        "import tensorflow as tf\ny = tf.placeholder(tf.int32, [None], name='y')\ny = tf.to_float(y)\n"
        "t = tf.get_default_graph().get_tensor_by_name('y:0')\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "with tf.name_scope('similarity'):\n"
             "    label = tf.placeholder(tf.int32, [None, 1], name='label')\n"
             "    label = tf.to_float(label)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "with tf.name_scope('similarity'):\n"
             "    label = tf.placeholder(tf.float32, [None, 1], name='label')\n",
             ("TFM178",), todo=True),
        Case("import tensorflow as tf\n"
             "y = tf.placeholder(tf.int64, shape=(None,))\n"
             "y = tf.cast(y, dtype=tf.float32)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "y = tf.placeholder(tf.float32, shape=(None,))\n",
             ("TFM178",), todo=True),
    ]
