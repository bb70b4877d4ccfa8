"""TFM185: a fetch list held in a name -> the list written at its session run.

The work is the engine's pre-step (:func:`migrator.analysis.fetch_lists.inline_fetch_lists`, run
before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from .base import Case, Rule


class FetchLists(Rule):
    ID = "TFM185"
    TRIGGERS = ("run(",)
    NAME = "fetch-lists"
    MESSAGE = ("a fetch list held in a name (`fetches = [train_op, loss]`, `sess.run(fetches, ...)`) -> the list "
               "written at the run (the same TF1 program)")
    RATIONALE = (
        "Programs often gather what a training run fetches in a name first (`tensors = [self.train_op, "
        "self.loss, self.merged]`, then `self.sess.run(tensors, feed_dict=feed)`). Session.run reads the "
        "list's elements when it runs; the list is a Python value. The session rules read the fetches "
        "written at the run, so such runs stayed TF1. Where the name is bound once to a list / tuple display "
        "of names and attributes, read only as the fetches of `.run(...)` calls in statements of the same "
        "block after it, and nothing between binds what an element reads (a loop whose body rebinds `loss` "
        "would fetch the new value), the display is written at each run and the binding goes.")
    VALID = [
        # an element is rebound before the run: the list holds the first tensor, the display would not
        "import tensorflow as tf\nfetches = [train, loss]\nloss = tf.py_func(f, [loss], tf.float32)\n"
        "sess.run(fetches)\n",
        # the list is read otherwise too
        "import tensorflow as tf\nfetches = [train, loss]\nfetches.append(acc)\nsess.run(fetches)\n"
        "y = tf.py_func(f, [1], tf.float32)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nfetches = [train, loss]\nfor i in range(3):\n"
             "    _, l = sess.run(fetches, feed_dict=feed)\ny = tf.py_func(f, [1], tf.float32)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "for i in range(3):\n    _, l = sess.run([train, loss], feed_dict=feed)\n"
             "y = tf.py_func(f, [1], tf.float32)\n",
             ("TFM185",), todo=True),
    ]
