"""TFM179: a helper that only makes placeholders -> its placeholder statements at its one call.

The work is the engine's pre-step
(:func:`migrator.analysis.placeholder_forms.inline_placeholder_helpers`, run before the rule
pass when this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class PlaceholderHelpers(Rule):
    ID = "TFM179"
    TRIGGERS = ("placeholder",)
    NAME = "placeholder-helpers"
    MESSAGE = ("a helper that only makes placeholders -> its placeholder statements at its one call "
               "(the same TF1 program)")
    RATIONALE = (
        "`def placeholder_inputs(dims): a = tf.placeholder(...); y = tf.placeholder(...); return a, y` called "
        "once as `left, label = placeholder_inputs([8, 8, 1])` adds the placeholders to the graph at the call "
        "and hands them to the caller's names: the same program as the placeholder statements written there "
        "(parameters replaced by the arguments). Written that way the session-program rules see the "
        "placeholders in the scope that feeds them (they were 'also used in: return ...' and the whole "
        "program stayed TF1). Only a module-level helper whose body is placeholder assignments and one "
        "return of them, called once as an unpacking statement, with arguments that are names, attributes, "
        "numbers, strings or lists of those, literal defaults, and a body reading only its parameters.")
    VALID = [
        # called twice: two sets of placeholders, kept as written
        "import tensorflow as tf\ndef inputs():\n    x = tf.placeholder(tf.float32, [None, 4])\n    return x\n"
        "a = inputs()\nb = inputs()\n",
        # the body does something else too
        "import tensorflow as tf\ndef inputs():\n    x = tf.placeholder(tf.float32, [None, 4])\n"
        "    print(x)\n    return x\na = inputs()\n",
        # an argument that is a call (evaluated once at the call): kept
        "import tensorflow as tf\ndef inputs(n):\n    x = tf.placeholder(tf.float32, [None, n])\n    return x\n"
        "a = inputs(size())\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def placeholder_inputs(dims, n=2):\n"
             "    \"\"\"Inputs.\"\"\"\n"
             "    left = tf.placeholder(tf.float32, [None] + dims, name='left')\n"
             "    label = tf.placeholder(tf.int32, [None, n], name='label')\n"
             "    return left, label\n"
             "\n"
             "x, y = placeholder_inputs([8, 8, 1])\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "\n"
             "x = tf.placeholder(tf.float32, [None] + [8, 8, 1], name='left')\n"
             "y = tf.placeholder(tf.int32, [None, 2], name='label')\n",
             ("TFM179",), todo=True),
    ]
