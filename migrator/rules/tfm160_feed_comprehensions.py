"""TFM160: a feed dict built by a comprehension over a tuple of placeholders -> a dict display.

The work is the engine's pre-step
(:func:`migrator.analysis.trainer_objects.unroll_feed_comprehensions`, run before the rule pass
when this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class FeedComprehensions(Rule):
    ID = "TFM160"
    TRIGGERS = ("zip", "range")
    NAME = "feed-comprehensions"
    MESSAGE = ("a feed dict built by a comprehension over a tuple of placeholders (`{xs[i]: batch[i] for i in "
               "range(len(xs))}`, `dict(zip(xs, batch))`) -> the dict display (the same TF1 program)")
    RATIONALE = (
        "Generic training loops feed a tuple of input placeholders from a tuple of arrays with a comprehension "
        "(`{self.inputs[i]: batch[i] for i in range(len(self.inputs))}`, `{p: b for p, b in zip(inputs, "
        "batch)}`, `dict(zip(inputs, batch))`). TF1's feed is a Python dict; the session rules read the keys "
        "of a display. Where the placeholders are a tuple display of names (written there, or a module name "
        "bound once to it, its elements bound once and no function parameter of that name), the comprehension "
        "is written as the display `{x0: batch[0], x1: batch[1]}`: the same keys, the same values read by "
        "index (the batch is a name or attribute, read once per key).")
    VALID = [
        # the keys are not a display known here
        "import tensorflow as tf\ndef feed(xs, b):\n    return {xs[i]: b[i] for i in range(len(xs))}\n"
        "y = tf.py_func(f, [1], tf.float32)\n",
        # the value calls something per key
        "import tensorflow as tf\nfeed = {(x0, x1)[i]: f(b[i]) for i in range(2)}\ny = tf.py_func(f, [1], tf.float32)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\ninputs = (x0, x1)\nfeed = {inputs[i]: b[i] for i in range(len(inputs))}\n"
             "y = tf.py_func(f, [1], tf.float32)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "inputs = (x0, x1)\nfeed = {x0: b[0], x1: b[1]}\n"
             "y = tf.py_func(f, [1], tf.float32)\n",
             ("TFM160",), todo=True),
        Case("import tensorflow as tf\nfeed = dict(zip((x0, x1), batch))\n",
             "feed = {x0: batch[0], x1: batch[1]}\n",
             ("TFM160",)),
    ]
