"""TFM181: the train op a model class builds for its one instance (a cached-property member
returning ``optimizer.minimize(self.loss)``, or ``self.train_op = optimizer.minimize(...)`` in
``__init__``) -> the same statements after the instance's construction, so the session-program
rule sees a module-level train op over the object's loss.

The work is the engine's pre-step (:func:`migrator.analysis.class_train_ops.hoist_class_train_ops`,
run before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from ..diagnostics import Kind
from .base import Case, Rule

_DEFINE_SCOPE = ("import functools\n"
                 "import tensorflow as tf\n"
                 "def lazy(fn):\n"
                 "    return property(functools.lru_cache()(fn))\n")


class ClassTrainOps(Rule):
    ID = "TFM181"
    TRIGGERS = ("minimize",)
    NAME = "class-train-ops"
    KIND = Kind.TRANSLATE
    MESSAGE = ("train op built inside a model class for its one instance -> the same statements after the "
               "instance's construction (the same TF1 program)")
    RATIONALE = (
        "Danijar's define_scope / lazy_property models build their train op as a member "
        "(`@define_scope def optimize(self): return tf.train.AdamOptimizer(self.lr).minimize(self.loss)`, "
        "touched in __init__), other model classes in __init__ (`self.train_op = "
        "optimizer.minimize(self.loss, global_step=self.global_step)`); the script runs "
        "`sess.run(model.optimize, feed)`. TF1 builds those ops once, with the object, over its attributes: "
        "the same program as the statements written right after `model = Model(...)` with `self.<a>` read "
        "as `model.<a>` and their names as `model_<name>` (`model_optimize = "
        "model_optimizer.minimize(model.loss)`), every `model.optimize` read as `model_optimize`. The "
        "session-program rule (TFM140) then trains the object's loss as any module-level train op. "
        "Declined (kept as written, TFM140 says why): a class built more than once, a member not touched in "
        "__init__ (TF1 would build it at its first run, perhaps after the initializer), statements reading "
        "__init__'s parameters or locals not moved, an attribute set after them or in another method, a "
        "moved member read elsewhere in the class, a name `<instance>_<name>` already taken.")
    VALID = [
        # the member is not touched in __init__: TF1 builds it at its first read (kept as written)
        _DEFINE_SCOPE
        + "class M:\n"
          "    def __init__(self, x):\n"
          "        self.x = x\n"
          "    @lazy\n"
          "    def optimize(self):\n"
          "        return tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(self.x))\n"
          "m = M(x)\n",
        # two instances: each builds its own train op (kept as written)
        "import tensorflow as tf\n"
        "class M:\n"
        "    def __init__(self, loss):\n"
        "        self.train_op = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
        "a = M(l1)\nb = M(l2)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "class M:\n"
             "    def __init__(self, x):\n"
             "        self.x = x\n"
             "        self.loss = tf.reduce_sum(tf.layers.dense(x, 1))\n"
             "        self.step = tf.Variable(0, trainable=False)\n"
             "        opt = tf.train.GradientDescentOptimizer(0.1)\n"
             "        self.train_op = opt.minimize(self.loss, global_step=self.step)\n"
             "m = M(x)\n"
             "t = m.train_op\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "class M:\n"
             "    def __init__(self, x):\n"
             "        self.x = x\n"
             "        self.loss = tf.reduce_sum(tf.layers.dense(x, 1))\n"
             "m = M(x)\n"
             "m_step = tf.Variable(0, trainable=False)\n"
             "m_opt = tf.train.GradientDescentOptimizer(0.1)\n"
             "m_train_op = m_opt.minimize(m.loss, global_step=m_step)\n"
             "t = m_train_op\n",
             ("TFM181",), todo=True),
    ]
