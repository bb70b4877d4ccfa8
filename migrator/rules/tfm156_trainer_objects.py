"""TFM156: a session-owning trainer object of one instance -> its method written out at the call.

The work is the engine's pre-step (:func:`migrator.analysis.trainer_objects.inline_trainer_objects`,
run before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from .base import Case, Rule


class TrainerObjects(Rule):
    ID = "TFM156"
    TRIGGERS = ("Session",)
    NAME = "trainer-objects"
    MESSAGE = ("a trainer object of one instance whose method owns the session (`trainer = Trainer(train_op, "
               "(x0, x1), gen.next)`, `sess = trainer.train(n)`) -> the method written out at its call (the "
               "same TF1 program)")
    RATIONALE = (
        "Public TF1 code often hands the train op, a tuple of placeholders, a batch function and (name, tensor) "
        "metric pairs to a generic `Trainer` class whose `train()` method makes its own `tf.Session()`, "
        "initializes the variables and feeds the placeholders. The object only carries graph tensors and "
        "Python values from the constructor to the method; the session rules read a module-level program. "
        "Where the class has one instance made at module level and each method call is a statement of its "
        "own, the method's statements are written at the call with `self.<attr>` reading what the constructor "
        "stored (names, attributes, literals and displays of those, after folding `isinstance(<display>, "
        "(list, tuple))`, `list(map(itemgetter(k), <display>))`, `len(<display>)`; anything the constructor "
        "computes - `self.sess = tf.Session()`, a train op - is made where the object was constructed, bound "
        "to `<obj>_<attr>`) and the parameters replaced by the call's arguments (`return sess` -> the call's "
        "target); the class and the construction go. Declined where a method's locals would clash with a module name "
        "bound before the call or read by a function, where a method calls another method, or where a name "
        "the constructor's values read is rebound between the construction and the call.")
    VALID = [
        # two instances: the object is not written out
        "import tensorflow as tf\nclass T(object):\n    def __init__(self, op):\n        self.op = op\n"
        "    def train(self):\n        sess = tf.Session()\n        sess.run(self.op)\n        return sess\n"
        "a = T(op1)\nb = T(op2)\ns = a.train()\ny = tf.py_func(f, [1], tf.float32)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nclass T(object):\n    def __init__(self, op, xs):\n        self.op = op\n"
             "        self.xs = xs\n"
             "    def train(self, n):\n        sess = tf.Session()\n        for i in range(n):\n"
             "            sess.run(self.op, {self.xs[0]: 1.0})\n        return sess\n"
             "t = T(op, (x0, x1))\nsess = t.train(3)\ny = tf.py_func(f, [1], tf.float32)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "sess = tf.Session()\n"
             "for i in range(3):\n    sess.run(op, {x0: 1.0})\n"
             "y = tf.py_func(f, [1], tf.float32)\n",
             ("TFM156",), todo=True),
    ]
