"""TFM184: keyword-argument dicts spliced into TensorFlow calls -> the keywords themselves.

The work is the engine's pre-step (:func:`migrator.analysis.kwarg_dicts.inline_kwarg_dicts`, run
before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from .base import Case, Rule


class KwargDicts(Rule):
    ID = "TFM184"
    TRIGGERS = ("**",)
    NAME = "kwarg-dicts"
    MESSAGE = ("keyword-argument dict spliced into TensorFlow calls (`tf.layers.conv2d(x, 8, 3, **conv_args)`) "
               "-> the keywords written at each call (the same TF1 program)")
    RATIONALE = (
        "Layer code often gathers shared arguments in dicts (`conv_args = {'padding': 'same', **w_args}`, "
        "`bn_args = {'training': is_training}`) and splices them into each call with `**`. Python passes "
        "each key as a keyword (a later key of the display replaces an earlier one); the layer rules read "
        "keywords, not a dict, so such calls stayed TF1. Where the dict is a display bound once, before its "
        "uses, in the same function, with identifier string keys, read only as `**name` in calls of "
        "TensorFlow (or in another such dict), and its values are names, attributes, literals, lambdas, "
        "arithmetic of those or TensorFlow initializer / regularizer constructors reading nothing the "
        "function rebinds later, each call gets the keywords themselves (values evaluated at the call: a "
        "new initializer object per layer draws the same values in TF1) and the dict statement goes. A "
        "key the call also passes (a TypeError in Python), a use in a nested function, a non-TF call or "
        "any other read leaves the dict as written.")
    VALID = [
        # the dict is passed to a function of the file, not to TensorFlow
        "import tensorflow as tf\n\ndef f(x):\n    args = {'padding': 'same'}\n    return conv(x, **args)\n\n"
        "y = tf.py_func(f, [1], tf.float32)\n",
        # bound twice
        "import tensorflow as tf\n\ndef f(x, big):\n    args = {'padding': 'same'}\n    if big:\n"
        "        args = {'padding': 'valid'}\n    return tf.layers.conv2d(x, 8, 3, **args)\n",
        # a value that creates state (a variable) would be created once per call
        "import tensorflow as tf\n\ndef f(x):\n    args = {'bias': tf.Variable(0.0)}\n"
        "    return tf.py_func(g, [x], tf.float32, **args)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n\ndef f(x):\n    w_args = {'use_bias': False}\n"
             "    conv_args = {'padding': 'same', **w_args}\n    x = tf.layers.conv2d(x, 8, 3, **conv_args)\n"
             "    return tf.layers.dense(x, 4, **w_args)\n",
             "import keras\n\ndef f(x):\n    x = keras.layers.Conv2D(8, 3, padding='same', use_bias=False)(x)\n"
             "    return keras.layers.Dense(4, use_bias=False)(x)\n",
             ("TFM184",), requires=("TFM131",)),
    ]
