"""TFM231: a variable fetched back by name under ``reuse=True`` -> the value that created it.

The work is the engine's pre-step
(:func:`migrator.analysis.fetched_variables.share_fetched_variables`, run before the rule pass
when this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class FetchedVariables(Rule):
    ID = "TFM231"
    TRIGGERS = ("get_variable",)
    NAME = "fetched-variables"
    MESSAGE = ("`with tf.variable_scope('h', reuse=True): W1 = tf.get_variable('W1')` -> `self.W1` at its reads "
               "(the variable its one creation made; the same TF1 program)")
    RATIONALE = (
        "Programs fetch a weight back by name to regularize or log it: `add_prediction_op` creates "
        "`W1 = tf.get_variable('W1', [n, m], ...)` under `variable_scope('HiddenLayerVars')`, and `add_loss_op` "
        "opens `variable_scope('HiddenLayerVars', reuse=True)` to get `W1` again for `tf.nn.l2_loss`. Under "
        "reuse, `get_variable` with only a name returns the variable an earlier call created at that path: the "
        "same object. Written as that object (the creating method's local becomes an attribute of the "
        "object) when the creation is certain: one `get_variable` of the file makes that name, at the same "
        "literal scope path, bound by a statement of its own, in the same function before the fetch or in a "
        "method of the same class called once. The reuse block goes when only such fetches were in it.")
    VALID = [
        # two creations of the name: which one the fetch gets depends on the caller's scopes
        "import tensorflow as tf\nclass M:\n    def a(self, h):\n        with tf.variable_scope('s'):\n"
        "            W = tf.get_variable('W', [2, 2])\n        return tf.matmul(h, W)\n"
        "    def b(self, h):\n        W = tf.get_variable('W', [2, 2])\n        return tf.matmul(h, W)\n"
        "    def c(self):\n        with tf.variable_scope('s', reuse=True):\n            W = tf.get_variable('W')\n"
        "        return tf.nn.l2_loss(W)\n",
        # no reuse: a get_variable with only a name creates (and fails without a shape)
        "import tensorflow as tf\ndef f():\n    with tf.variable_scope('s'):\n"
        "        W = tf.get_variable('W', [2, 2])\n    with tf.variable_scope('s'):\n"
        "        V = tf.get_variable('W')\n    return V\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nclass M:\n    def build(self, h):\n        self.p = self.predict(h)\n"
             "        self.loss = self.reg()\n"
             "    def predict(self, h):\n        with tf.variable_scope('hidden'):\n"
             "            W1 = tf.get_variable('W1', [4, 2])\n        return tf.matmul(h, W1)\n"
             "    def reg(self):\n        with tf.variable_scope('hidden', reuse=True):\n"
             "            W1 = tf.get_variable('W1')\n        return tf.nn.l2_loss(W1)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "class M:\n    def build(self, h):\n        self.p = self.predict(h)\n        self.loss = self.reg()\n"
             "    def predict(self, h):\n        with tf.variable_scope('hidden'):\n"
             "            self.W1 = tf.get_variable('W1', [4, 2])\n        return tf.matmul(h, self.W1)\n"
             "    def reg(self):\n        return tf.nn.l2_loss(self.W1)\n",
             ("TFM231",), todo=True),
        Case("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\nwith tf.variable_scope('fc'):\n"
             "    W = tf.get_variable('W', [4, 2])\ny = tf.matmul(x, W)\nwith tf.variable_scope('fc', reuse=True):\n"
             "    W_again = tf.get_variable('W')\nreg = tf.nn.l2_loss(W_again)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "x = tf.placeholder(tf.float32, [None, 4])\nwith tf.variable_scope('fc'):\n"
             "    W = tf.get_variable('W', [4, 2])\ny = tf.matmul(x, W)\nreg = tf.nn.l2_loss(W)\n",
             ("TFM231",), todo=True),
    ]
