"""TFM183: a graph collection of the user's own key, read only by the file -> a Python list.

The work is the engine's pre-step
(:func:`migrator.analysis.user_collections.desugar_user_collections`, run before the rule pass
when this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class UserCollections(Rule):
    ID = "TFM183"
    TRIGGERS = ("add_to_collection",)
    NAME = "user-collections"
    MESSAGE = ("tf.add_to_collection / tf.get_collection of the file's own key, no meta graph written -> a "
               "Python list (never read: the add goes)")
    RATIONALE = (
        "A TF1 collection is a list the default graph keeps by key: `add_to_collection` appends, "
        "`get_collection(k)` returns a copy, `get_collection_ref(k)` the list. Its only readers besides the "
        "file are runs loading the graph's meta graph (Saver.save writes one by default, export_meta_graph, "
        "SavedModel, Supervisor / monitored sessions, Estimators). Where the file writes none and every use "
        "of the key is a literal-key call of the file's own, the collection is a module-level list "
        "(`collection_k = []`, `.append(t)`, `list(collection_k)`), and a key the file never reads is dropped "
        "with its adds (they changed nothing computed). Declined: keys that are not string literals, "
        "`scope=` filters, `add_to_collections`, a graph's own `.get_collection`, any meta-graph writer or "
        "reader, and (when read) a second graph or a reset_default_graph after a module-level use.")
    VALID = [
        # a Saver saves the meta graph: another run may read the collection
        "import tensorflow as tf\ntf.add_to_collection('logits', y)\nsaver = tf.train.Saver()\n"
        "saver.save(sess, 'model.ckpt')\n",
        # the key is not a literal: it cannot be told which reads are of it
        "import tensorflow as tf\nk = 'out'\ntf.add_to_collection(k, y)\nouts = tf.get_collection(k)\n",
        # read with a scope filter
        "import tensorflow as tf\ntf.add_to_collection('out', y)\nouts = tf.get_collection('out', 'tower')\n",
        # TF's own collection read without an add of the file
        "import tensorflow as tf\nregs = tf.get_collection('losses')\n",
    ]
    INVALID = [
        # never read, no meta graph written (a Saver that never saves): the adds go
        Case("import tensorflow as tf\ntf.add_to_collection('train_loss', loss)\nsaver = tf.train.Saver()\n"
             "print(loss)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "saver = tf.train.Saver()\nprint(loss)\n", ("TFM183",), todo=True),
        # read back by the file: a module-level list
        Case("import tensorflow as tf\n\ndef tower(x):\n    y = x * 2\n    tf.add_to_collection('towers', y)\n"
             "    return y\n\na = tower(p)\nb = tower(q)\nouts = tf.get_collection('towers')\n",
             "collection_towers = []\n\ndef tower(x):\n    y = x * 2\n"
             "    collection_towers.append(y)\n    return y\n\na = tower(p)\nb = tower(q)\n"
             "outs = list(collection_towers)\n", ("TFM183",)),
    ]
