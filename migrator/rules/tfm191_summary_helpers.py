"""TFM191: the calls of a helper that only makes summaries -> removed.

The work is the engine's pre-step
(:func:`migrator.analysis.class_dicts.drop_summary_helpers`, run before the rule pass when this
rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class SummaryHelpers(Rule):
    ID = "TFM191"
    TRIGGERS = ("summary",)
    NAME = "summary-helpers"
    MESSAGE = ("calls of a function / method that only makes summaries (and the TensorFlow ops they read) "
               "removed: TFM142 removes its summaries, it computes nothing else")
    RATIONALE = (
        "`def _variable_summaries(self, var, name):` of `tf.summary.scalar('mean/' + name, tf.reduce_mean(var))`, "
        "`tf.summary.histogram(name, var)` ... called as `self._variable_summaries(bias, "
        "tf.get_variable_scope().name + '/bias')` after every get_variable: TensorBoard logging, which the "
        "migration removes (TFM142). The call reads the layer's variables and TF1's variable scope, which "
        "holds the hand-made layer in TF1 although the trained program never depends on it. Followed: a "
        "function or method whose statements are summaries, assignments of TensorFlow ops to names, "
        "`with tf.name_scope(..)` blocks of those and a docstring; every use of it an expression-statement "
        "call whose arguments are names, attributes, literals, string operations and "
        "`tf.get_variable_scope()` (arguments that make variables or ops keep the call). The definition "
        "stays.")
    VALID = [
        # the helper also returns a value
        "import tensorflow as tf\n\ndef log(v):\n    tf.summary.histogram('v', v)\n    return v\n\nlog(w)\n",
        # an argument makes a variable
        "import tensorflow as tf\n\ndef log(v):\n    tf.summary.histogram('v', v)\n\n"
        "log(tf.get_variable('w', [3]))\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n\n\ndef log(v, name):\n    with tf.name_scope('summaries'):\n"
             "        m = tf.reduce_mean(v)\n        tf.summary.scalar('mean/' + name, m)\n\n\n"
             "w = tf.Variable(tf.zeros([3]))\nlog(w, tf.get_variable_scope().name + '/w')\ny = w * 2\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n\n"
             "def log(v, name):\n    with tf.name_scope('summaries'):\n"
             "        m = tf.reduce_mean(v)\n        tf.summary.scalar('mean/' + name, m)\n\n\n"
             "w = tf.Variable(tf.zeros([3]))\ny = w * 2\n",
             ("TFM191",), todo=True),
    ]
