"""TFM198: a bias added to a layer's output with ``+=`` -> written as an assignment.

The work is the engine's pre-step
(:func:`migrator.analysis.tensor_augassign.rewrite_tensor_augassigns`, run before the rule pass
when this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class TensorAugAssign(Rule):
    ID = "TFM198"
    TRIGGERS = ("+=",)
    NAME = "tensor-augassign"
    MESSAGE = ("`layer = tf.nn.conv2d(...)` / `tf.matmul(...)` then `layer += bias` -> `layer = layer + bias` "
               "(a tensor has no in-place add; the same TF1 program)")
    RATIONALE = (
        "The Hvass-Labs TensorFlow tutorials' `new_conv_layer` (and the Siamese code built on its helpers) "
        "adds the bias with `layer += biases` right after `layer = tf.nn.conv2d(...)`. A tf.Tensor defines no "
        "`__iadd__`: Python calls `__add__` and rebinds the name, so the statement IS `layer = layer + "
        "biases`, a form the hand-made layer translation (TFM135) fuses into the convolution or dense layer. "
        "Only `+=` of a plain name or subscript right after the name was bound to a convolution or matmul in "
        "the same block (a tensor, never a list or array that `+=` would mutate).")
    VALID = [
        # the name was bound to something else than a layer op just before: a list, an array ...
        "import tensorflow as tf\nlayer = []\nlayer += biases\nz = tf.round(q)\n",
        "import tensorflow as tf\nlayer = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME')\nprint(layer)\nlayer += biases\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\ndef conv(x, w, b):\n    layer = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME')\n"
             "    layer += b\n    return tf.nn.relu(layer)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def conv(x, w, b):\n    layer = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME')\n"
             "    layer = layer + b\n    return tf.nn.relu(layer)\n",
             ("TFM198",), todo=True),
    ]
