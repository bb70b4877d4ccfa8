"""TFM230: a train op a model class's method keeps in a local name -> an attribute of the object.

The work is the engine's pre-step
(:func:`migrator.analysis.local_train_ops.attach_local_train_ops`, run before the rule pass when
this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class LocalTrainOps(Rule):
    ID = "TFM230"
    TRIGGERS = ("minimize", "apply_gradients")
    NAME = "local-train-ops"
    MESSAGE = ("`optimizer = opt.minimize(self.loss)` + `sess.run([optimizer, ..])` in a model class's method -> "
               "`self.optimizer = ...` + `sess.run([self.optimizer, ..])` (the same TF1 program)")
    RATIONALE = (
        "Model classes often build their optimizer in the training method that runs it (`def train(self, sess, "
        "...)`: `optimizer = tf.train.AdamOptimizer(lr).minimize(self.loss)`, the initializer, then the loop "
        "of `sess.run([optimizer, self.loss], ...)`; a public face-recognition triplet class does it with the "
        "loss local too). The op is a node of the graph whether a local name or an attribute holds it, but the "
        "class analysis (TFM144) follows train ops the object holds, and a local one kept the whole class TF1. "
        "Written as the attribute only when nothing tells the two apart: bound once in its method by "
        "`.minimize(...)` / `.apply_gradients(...)`, read only after that and only among the fetches of "
        "`<session>.run(...)` calls of that method, and no attribute or method of that name in the class.")
    VALID = [
        # the op is returned: the caller holds it (TFM144 follows returned train ops itself)
        "import tensorflow as tf\nclass M:\n    def optimize(self):\n"
        "        op = tf.train.AdamOptimizer(0.1).minimize(self.loss)\n        return op\n",
        # the class already has an attribute of that name
        "import tensorflow as tf\nclass M:\n    def train(self, sess):\n"
        "        step = tf.train.AdamOptimizer(0.1).minimize(self.loss)\n"
        "        sess.run([step, self.loss])\n        self.step = 0\n",
        # read other than as a fetch
        "import tensorflow as tf\nclass M:\n    def train(self, sess):\n"
        "        step = tf.train.AdamOptimizer(0.1).minimize(self.loss)\n"
        "        sess.run(step)\n        print(step)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nclass M:\n    def train(self, sess, X):\n"
             "        step = tf.train.AdamOptimizer(0.1).minimize(self.loss)\n"
             "        for i in range(3):\n"
             "            _, l = sess.run([step, self.loss], feed_dict={self.x: X})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "class M:\n    def train(self, sess, X):\n"
             "        self.step = tf.train.AdamOptimizer(0.1).minimize(self.loss)\n"
             "        for i in range(3):\n"
             "            _, l = sess.run([self.step, self.loss], feed_dict={self.x: X})\n",
             ("TFM230",), todo=True),
    ]
