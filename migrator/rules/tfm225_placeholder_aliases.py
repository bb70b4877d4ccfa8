"""TFM225: a local name standing for a model class's scalar placeholder -> the attribute at its reads.

The work is the engine's pre-step
(:func:`migrator.analysis.placeholder_aliases.inline_placeholder_aliases`, run before the rule
pass when this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class PlaceholderAliases(Rule):
    ID = "TFM225"
    TRIGGERS = ("placeholder",)
    NAME = "placeholder-aliases"
    MESSAGE = ("`keep = self.keep_prob` + `tf.nn.dropout(h, keep)` -> `tf.nn.dropout(h, self.keep_prob)` "
               "(a local alias of a scalar placeholder attribute; the same TF1 program)")
    RATIONALE = (
        "Model classes read their keep-probability or training-flag placeholder through a local "
        "(`dropout_rate = self.dropout_placeholder`, then `DropoutWrapper(cell, dropout_rate)` and "
        "`tf.nn.dropout(h, keep_prob=dropout_rate)` in the Quora Siamese LSTM). The local is the same "
        "tensor object, but the class analysis (TFM144: a scalar placeholder fed one constant per kind of "
        "run becomes Keras' training mode) looks for the attribute where dropout or batch norm reads it, "
        "found an unknown local and kept the whole class TF1. Written as the attribute only when nothing "
        "tells them apart: a scalar placeholder the class makes, the local bound once in its method by an "
        "uncommented alias statement and read only after it (not in a nested function), the attribute "
        "not assigned after it in that method.")
    VALID = [
        # the attribute is an input placeholder (a shape): its aliases are read as they are
        "import tensorflow as tf\nclass M:\n    def build(self):\n"
        "        self.x = tf.placeholder(tf.float32, [None, 4])\n        x = self.x\n        return f(x)\n",
        # the local is bound twice
        "import tensorflow as tf\nclass M:\n    def build(self, h):\n"
        "        self.keep = tf.placeholder(tf.float32)\n        k = self.keep\n        k = k * 1\n"
        "        return tf.nn.dropout(h, k)\n",
        # the alias carries a comment
        "import tensorflow as tf\nclass M:\n    def build(self, h):\n"
        "        self.keep = tf.placeholder(tf.float32)\n        k = self.keep  # keep probability\n"
        "        return tf.nn.dropout(h, k)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nclass M:\n    def build(self, h):\n"
             "        self.keep = tf.placeholder(tf.float32, [])\n        k = self.keep\n"
             "        return tf.nn.dropout(h, keep_prob=k)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "class M:\n    def build(self, h):\n"
             "        self.keep = tf.placeholder(tf.float32, [])\n"
             "        return tf.nn.dropout(h, keep_prob=self.keep)\n",
             ("TFM225",), todo=True),
    ]
