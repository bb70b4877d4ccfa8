"""TFM175: TF1's ``LOSSES`` collection (``tf.losses.*`` statements, ``tf.losses.add_loss``,
``tf.losses.get_total_loss()`` / ``get_losses()``) -> the same terms as names and their sum.

The work is the engine's pre-step (:func:`migrator.analysis.loss_collection.desugar_losses`, run
before the rule pass when this rule is enabled and the file reads the collection): the program is
rewritten into the same TF1 program without the collection, which TFM130 (the tf.losses
functions) and TFM140 (the session program) then translate. This class carries the rule's
identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class LossesCollection(Rule):
    ID = "TFM175"
    TRIGGERS = ("tensorflow",)
    NAME = "losses-collection"
    MESSAGE = ("TF1 LOSSES collection (tf.losses.* statements, add_loss, get_total_loss) -> the terms as names "
               "and their sum")
    RATIONALE = (
        "In TF1 every tf.losses.* loss function and tf.losses.add_loss append their tensor to the graph's LOSSES "
        "collection while the graph is built, and tf.losses.get_total_loss() is tf.add_n of that collection "
        "(insertion order) plus the regularization losses; get_losses() / tf.get_collection(LOSSES) is the list. "
        "Keras has no graph collections: a bare `tf.losses.mean_squared_error(...)` statement would translate "
        "to an expression nobody reads and get_total_loss() to nothing. When every add and read of the "
        "collection is in one scope built once (the module, or a function called from one place outside a "
        "loop), in straight-line code (with blocks allowed), every add before the reads, the collection is "
        "written out: a bare loss statement becomes `<fn>_loss = tf.losses.<fn>(...)`, `tf.losses.add_loss(t)` "
        "becomes `added_loss = t`, a named loss keeps its name, and each read becomes the sum (TF1's add_n of "
        "the same tensors, `+ tf.losses.get_regularization_loss()` when the file has regularizers, which TFM151 "
        "translates) or the list. The CIFAR-10 tutorial's form counts too: `tf.add_to_collection('losses', t)` "
        "(or GraphKeys.LOSSES) is an add (`added_loss = t`) and `tf.get_collection('losses')` the list; an add "
        "inside a function nothing in the file calls never runs and is left out. The result is the same TF1 "
        "program, statement for statement on the same "
        "lines, which the other rules translate. Otherwise (adds in a loop, in another function, a function "
        "building the graph twice, a loss_collection= / scope= argument, get_collection_ref) the collection "
        "stays and TFM130 keeps its losses with a TODO.")
    VALID = ["import tensorflow as tf\nloss = tf.losses.mean_squared_error(y, p)\n"]
    INVALID = [
        # a bare loss statement and an added tensor: named, the read is their sum
        Case("import tensorflow as tf\n"
             "tf.losses.mean_squared_error(y, p)\n"
             "tf.losses.add_loss(tf.reduce_mean(h))\n"
             "total = tf.losses.get_total_loss()\n",
             "import keras\n\n"
             "mean_squared_error_loss = keras.ops.mean(keras.ops.square(keras.ops.subtract("
             "keras.ops.cast(p, 'float32'), keras.ops.cast(y, 'float32'))))\n"
             "added_loss = keras.ops.mean(h)\n"
             "total = mean_squared_error_loss + added_loss\n",
             ("TFM175",), requires=("TFM130",)),
        # a named loss keeps its name; get_losses() is the list
        Case("import tensorflow as tf\n"
             "xent = tf.losses.sigmoid_cross_entropy(y, z)\n"
             "terms = tf.losses.get_losses()\n",
             "import keras\n\n"
             "xent = keras.ops.mean(keras.ops.binary_crossentropy(keras.ops.cast(y, 'float32'), "
             "keras.ops.cast(z, 'float32'), from_logits=True))\n"
             "terms = [xent]\n",
             ("TFM175",), requires=("TFM130",)),
        # the tutorial's form, in a loss function called once; the weight-decay helper is never called
        Case("import tensorflow as tf\n\n"
             "def decayed(v, wd):\n    tf.add_to_collection('losses', tf.nn.l2_loss(v) * wd)\n    return v\n\n"
             "def total_loss(d):\n    tf.add_to_collection('losses', tf.reduce_mean(d))\n"
             "    return tf.add_n(tf.get_collection('losses'))\n\n"
             "loss = total_loss(dist)\n",
             "import keras\n\n"
             "def decayed(v, wd):\n    return v\n\n"
             "def total_loss(d):\n    added_loss = keras.ops.mean(d)\n"
             "    return keras.ops.sum(keras.ops.stack([added_loss]), axis=0)\n\n"
             "loss = total_loss(dist)\n",
             ("TFM175", "TFM183"), requires=("TFM130", "TFM183")),
        # declined: the loss is added in a loop (the collection grows per iteration); TFM130 keeps it
        Case("import tensorflow as tf\n"
             "for p in preds:\n"
             "    tf.losses.mean_squared_error(y, p)\n"
             "total = tf.losses.get_total_loss()\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "for p in preds:\n"
             "    # TODO(tflearn-migrate): TFM130 tf.losses.mean_squared_error: the file reads TF1's LOSSES "
             "collection this loss is added to\n"
             "    tf.losses.mean_squared_error(y, p)\n"
             "total = tf.losses.get_total_loss()\n",
             ("TFM130",), requires=("TFM130",), todo=True),
    ]
