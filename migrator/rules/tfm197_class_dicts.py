"""TFM197: a module-level dict of TensorFlow classes read by literal keys -> the class at its reads.

The work is the engine's pre-step
(:func:`migrator.analysis.class_dicts.resolve_class_dicts`, run before the rule pass when this
rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class ClassDicts(Rule):
    ID = "TFM197"
    TRIGGERS = ("tensorflow",)
    NAME = "class-dicts"
    MESSAGE = ("a module-level dict of TensorFlow classes read only by literal keys -> the class written at "
               "each read, the dict removed (the same TF1 program)")
    RATIONALE = (
        "Course code keeps its optimizers in a table: `OPTIMIZER_DICT = {'sgd': tf.train."
        "GradientDescentOptimizer, 'adam': tf.train.AdamOptimizer, ...}` and builds one with "
        "`OPTIMIZER_DICT['adam'](learning_rate=r)`. The subscript by a literal key IS that class; written so, "
        "the optimizer rules translate the optimizer (TF1's constants included) and the classes nothing else "
        "reads do not hold the file in TF1. Followed: a module-level statement binding a dict display of "
        "string keys and TensorFlow names, bound once, every other use a subscript by a key it has. Declined: "
        "a key read through a variable (`OPTIMIZER_DICT[FLAGS.optimizer]`), `.get` / iteration / `in`, a "
        "rebinding, a `global` statement.")
    VALID = [
        # the key is a flag: which class is read cannot be told
        "import tensorflow as tf\nOPT = {'adam': tf.train.AdamOptimizer, 'sgd': tf.train.GradientDescentOptimizer}\n"
        "opt = OPT[FLAGS.optimizer](0.01)\n",
        # iterated
        "import tensorflow as tf\nOPT = {'adam': tf.train.AdamOptimizer}\nnames = list(OPT)\nopt = OPT['adam'](0.1)\n",
        # a value that is not a TensorFlow name
        "import tensorflow as tf\nOPT = {'adam': tf.train.AdamOptimizer, 'mine': MyOptimizer}\nopt = OPT['adam'](0.1)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "OPTIMIZER_DICT = {'sgd': tf.train.GradientDescentOptimizer,\n"
             "                  'adam': tf.train.AdamOptimizer}\n\n\n"
             "def train_step(loss):\n    return OPTIMIZER_DICT['adam'](learning_rate=0.001).minimize(loss)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n\n"
             "def train_step(loss):\n    return tf.train.AdamOptimizer(learning_rate=0.001).minimize(loss)\n",
             ("TFM197",), todo=True),
    ]
