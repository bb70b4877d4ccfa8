"""TFM150: ``with slim.arg_scope([...], **defaults):`` -> its body, the defaults written into
each layer call (TFM132 reads them from ``analysis.arg_scopes``)."""
from __future__ import annotations

import libcst as cst

from ..analysis.arg_scopes import ArgScopes
from .base import Case, Rule


class ArgScope(Rule):
    ID = "TFM150"
    NAME = "arg-scope"
    MESSAGE = "slim / contrib arg_scope -> its defaults written into each translated layer call"
    RATIONALE = ("TF-Slim's arg_scope gives default keyword arguments to the listed layer functions "
                 "while the block runs (an inner scope and the call's own arguments win). Keras has no "
                 "such context: TFM132 writes the defaults into every call it translates, and the block "
                 "goes when all its layer calls are translated. A scope whose defaults reach layer calls "
                 "inside a function called from the block (TF1 applies them at run time), a stored scope "
                 "(`as sc`) or one whose arguments are not literal stays, marked, with those calls.")
    ORDER = 40

    def leave_With(self, original: cst.With, updated: cst.With):
        scopes = self.ctx.analysis(ArgScopes)
        sc = scopes.scopes.get(id(original))
        if sc is None:
            return updated
        if sc.why is not None:
            self.todo(original.items[0], f"arg_scope kept: {sc.why}")
            return updated
        if sc.dynamic:
            self.todo(original.items[0], f"arg_scope kept: its defaults reach layer calls inside "
                      f"{', '.join(sorted(set(sc.dynamic)))}() at run time")
            return updated
        left = [c for c in sc.calls if id(c) not in scopes.translated]
        if left:
            self.todo(original.items[0], f"arg_scope kept: {len(left)} layer call(s) under it are not translated")
            return updated
        self.ctx.count(self)
        body = list(updated.body.body)
        body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
        return cst.FlattenSentinel(body)

    VALID = [
        # an arg_scope of the user's own library: not slim's
        "import tensorflow as tf\nfrom mylib import arg_scope, conv\nwith arg_scope([conv], padding='VALID'):\n"
        "    net = conv(tf.zeros([1]))\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nimport tensorflow.contrib.slim as slim\n"
             "with slim.arg_scope([slim.conv2d, slim.fully_connected], activation_fn=None):\n"
             "    with slim.arg_scope([slim.conv2d], padding='VALID', stride=2):\n"
             "        net = slim.conv2d(x, 8, [3, 3])\n"
             "        net = slim.conv2d(net, 8, [3, 3], padding='SAME')\n"
             "    net = slim.flatten(net)\n"
             "    net = slim.fully_connected(net, 2, activation_fn=tf.nn.relu)\n",
             "import keras\n\n"
             "net = keras.layers.Conv2D(8, [3, 3], strides=2, padding='valid')(x)\n"
             "net = keras.layers.Conv2D(8, [3, 3], strides=2, padding='same')(net)\n"
             "net = keras.layers.Flatten()(net)\n"
             "net = keras.layers.Dense(2, activation='relu')(net)\n",
             diagnostics=()),
        Case("import tensorflow.contrib.slim as slim\n"
             "def tower(x):\n    return slim.conv2d(x, 8, 3)\n"
             "with slim.arg_scope([slim.conv2d], padding='VALID'):\n    net = tower(x)\n",
             None, diagnostics=("TFM132", "TFM150"), todo=True),
        # a stored scope: kept, with its calls
        Case("import tensorflow.contrib.slim as slim\nwith slim.arg_scope([slim.conv2d], padding='VALID') as sc:\n"
             "    net = slim.conv2d(x, 8, 3)\n", None, diagnostics=("TFM132", "TFM150"), todo=True),
    ]
    REQUIRES = ("TFM132",)
