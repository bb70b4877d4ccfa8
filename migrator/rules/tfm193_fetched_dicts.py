"""TFM193: a dict of tensors a session run fetches by key -> one name per key.

The work is the engine's pre-step
(:func:`migrator.analysis.mode_builders.split_fetched_dicts`, run before the rule pass when this
rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class FetchedDicts(Rule):
    ID = "TFM193"
    TRIGGERS = ("run", "eval")
    NAME = "fetched-dicts"
    MESSAGE = ("a dict literal of tensors read only by literal keys, fetched by a session run -> one name per "
               "key (the same TF1 program)")
    RATIONALE = (
        "`predictions = {'classes': tf.round(y), 'probabilities': y}` is a Python container of graph "
        "tensors; `sess.run(predictions['probabilities'])` fetches the tensor under the key. Where the name is "
        "bound once, to a dict display of identifier string keys, and read only as `predictions['<key>']`, "
        "the same program binds one name per key in the dict's order (`predictions_classes = tf.round(y)`, "
        "`predictions_probabilities = y`) and reads the names: the session-program rules then see the fetch "
        "as a model tensor (it was 'an expression that is not a function of model tensors').")
    VALID = [
        # read whole (passed on): kept
        "import tensorflow as tf\nd = {'p': tf.round(y)}\nsess.run(d['p'])\nshow(d)\n",
        # never fetched by a run: not a session program's fetch
        "import tensorflow as tf\nd = {'p': tf.round(y)}\nz = d['p'] * 2\n",
        # a key that is not an identifier
        "import tensorflow as tf\nd = {'a-b': tf.round(y)}\nsess.run(d['a-b'])\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "predictions = {'classes': tf.round(y), 'probabilities': y}\n"
             "p = sess.run(predictions['probabilities'], feed_dict={x: batch})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "predictions_classes = tf.round(y)\n"
             "predictions_probabilities = y\n"
             "p = sess.run(predictions_probabilities, feed_dict={x: batch})\n",
             ("TFM193",), todo=True),
    ]
