"""TFM224: TensorFlow-version shims -> the branch TensorFlow 1 takes.

The work is the engine's pre-step (:func:`migrator.analysis.version_shims.fold_version_shims`,
run before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from .base import Case, Rule


class VersionShims(Rule):
    ID = "TFM224"
    TRIGGERS = ("__version__", "hasattr")
    NAME = "version-shims"
    MESSAGE = ("TensorFlow-version shims written as the branch TF 1 takes (the same TF1 program)")
    RATIONALE = (
        "Code written while TensorFlow moved from 0.x to 1.x picks APIs by the version: "
        "`BasicLSTMCell = tf.contrib.rnn.BasicLSTMCell if hasattr(tf.contrib.rnn, 'BasicLSTMCell') else "
        "tf.nn.rnn_cell.BasicLSTMCell`, `if int(tf.__version__.split('.')[0]) >= 1: return tf.concat(values, "
        "axis)` else the 0.x argument order. The rules saw a conditional class and `tf.__version__` (TODO) "
        "and translated the dead 0.x branch as well. A TF1 program's major version is 1: a comparison of "
        "it with an integer (or `tf.__version__.startswith('1.')` / `'0.'`) is decided, the `if` becomes "
        "the branch taken (statements after a `return` it wrote into a block go: they never ran). A "
        "conditional whose two branches name the same TF 1 object (`tf.contrib.rnn` re-exports "
        "`tf.nn.rnn_cell`'s cells and wrappers; slim re-exports contrib.layers) is that object whatever "
        "its test, when the test has no effects. A minor-version test is kept (two TF 1 releases).")
    VALID = [
        # a minor-version test: a choice between TF 1 releases, kept
        "import tensorflow as tf\nif int(tf.__version__.split('.')[1]) >= 4:\n    x = 1\nelse:\n    x = 2\n",
        # the branches are different objects
        "import tensorflow as tf\nC = tf.nn.rnn_cell.GRUCell if hasattr(tf.nn.rnn_cell, 'GRUCell') "
        "else tf.nn.rnn_cell.LSTMCell\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def concat(values, axis):\n"
             "    if int(tf.__version__.split('.')[0]) >= 1:\n"
             "        return tf.concat(values, axis)\n"
             "    return tf.concat(axis, values)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def concat(values, axis):\n"
             "    return tf.concat(values, axis)\n",
             ("TFM224",), todo=True),
        Case("import tensorflow as tf\n"
             "Cell = (tf.contrib.rnn.BasicLSTMCell if hasattr(tf.contrib.rnn, 'BasicLSTMCell')\n"
             "        else tf.nn.rnn_cell.BasicLSTMCell)\n"
             "old = 1 if tf.__version__.startswith('0.') else 0\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "Cell = tf.contrib.rnn.BasicLSTMCell\n"
             "old = 0\n",
             ("TFM224",), todo=True),
    ]
