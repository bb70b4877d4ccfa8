"""TFM229: TF1's own collection keys spelled as strings -> the ``GraphKeys`` names.

The work is the engine's pre-step
(:func:`migrator.analysis.collection_keys.spell_collection_keys`, run before the rule pass when
this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class CollectionKeys(Rule):
    ID = "TFM229"
    TRIGGERS = ("collection",)
    NAME = "collection-keys"
    MESSAGE = ("TF1 collection keys spelled as strings written as their GraphKeys names "
               "(`tf.get_collection(\"update_ops\")` -> `tf.get_collection(tf.GraphKeys.UPDATE_OPS)`; the same "
               "TF1 program)")
    RATIONALE = (
        "TF1's GraphKeys are strings: tf.GraphKeys.UPDATE_OPS == \"update_ops\", REGULARIZATION_LOSSES == "
        "\"regularization_losses\", TRAINABLE_VARIABLES == \"trainable_variables\", GLOBAL_VARIABLES == "
        "\"variables\". A train op made under `tf.control_dependencies(tf.get_collection(\"update_ops\"))` runs "
        "the batch norms' moving-average updates exactly as with the GraphKeys name; the rules follow the "
        "collections by those names, and with the string the translated batch norms were told that no train "
        "op ran their updates - their moving statistics never moved (a silent change, found on a probe after "
        "a public metric-learning repository). The keys of those collections are written as the names; "
        "\"losses\" (TFM175 reads it) and the user's own keys (TFM183) are left as they are.")
    VALID = [
        # a user's own key
        "import tensorflow as tf\nops = tf.get_collection('my_ops')\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "update_ops = tf.get_collection(\"update_ops\")\n"
             "reg = tf.get_collection(key='regularization_losses')\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
             "reg = tf.get_collection(key=tf.GraphKeys.REGULARIZATION_LOSSES)\n",
             ("TFM229",), todo=True),
    ]
