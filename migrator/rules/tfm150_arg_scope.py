"""TFM150: ``with slim.arg_scope([ops], **kw):`` -> its body, ``kw`` written into the listed calls."""
from __future__ import annotations

import libcst as cst

from ..analysis.arg_scopes import ArgScopes
from .base import Case, Rule


class ArgScope(Rule):
    ID = "TFM150"
    TRIGGERS = ("tensorflow",)
    NAME = "slim-arg-scope"
    MESSAGE = "slim.arg_scope block -> its body (the keyword defaults written into the listed layer calls)"
    RATIONALE = ("slim.arg_scope([ops], **kw) only supplies keyword defaults to the listed layer functions "
                 "while it is open (a call's own keywords win, an inner scope wins over an outer one). "
                 "TFM132 writes those keywords into each listed call it translates, so the block itself "
                 "means nothing in Keras and is dropped. It is kept with a TODO when slim would also reach "
                 "calls the block does not contain (a helper of the file defined outside the block), when "
                 "the scope is saved and reopened (`as sc`, `arg_scope(sc)`), or when a listed call inside "
                 "could not be translated (it would lose the scope's keywords).")
    ORDER = 45
    REQUIRES = ("TFM132",)

    def leave_With(self, original: cst.With, updated: cst.With):
        scopes = self.ctx.analysis(ArgScopes)
        s = scopes.scopes.get(id(original))
        if s is None:
            return updated
        if s.reason:
            self.todo(original.items[0], f"arg_scope not translated: {s.reason}")
            return updated
        if id(original) in scopes.failed:
            self.todo(original.items[0], "arg_scope kept: a layer call inside it is not translated and "
                      "still needs its keyword defaults")
            return updated
        self.ctx.count(self)
        body = list(updated.body.body)
        if not body:
            return cst.RemoveFromParent()
        body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
        return cst.FlattenSentinel(body)

    VALID = ["import keras\nwith open(p) as f:\n    h = f.read()\n"]
    INVALID = [
        Case("import tensorflow as tf\nimport tensorflow.contrib.slim as slim\n\n"
             "with slim.arg_scope([slim.conv2d, slim.fully_connected], activation_fn=tf.nn.tanh):\n"
             "    with slim.arg_scope([slim.conv2d], padding='VALID'):\n"
             "        h = slim.conv2d(x, 8, [3, 3], scope='conv1')\n"
             "        h = slim.conv2d(h, 8, [3, 3], padding='SAME', scope='conv2')\n"
             "    h = slim.fully_connected(slim.flatten(h), 2, activation_fn=None, scope='fc')\n",
             "import keras\n\n"
             "h = keras.layers.Conv2D(8, [3, 3], padding='valid', activation='tanh')(x)\n"
             "h = keras.layers.Conv2D(8, [3, 3], padding='same', activation='tanh')(h)\n"
             "h = keras.layers.Dense(2)(keras.layers.Flatten()(h))\n"),
        Case("import tensorflow.contrib.slim as slim\n\n"
             "def tower(x):\n    return slim.conv2d(x, 8, [3, 3], scope='conv1')\n\n"
             "with slim.arg_scope([slim.conv2d], padding='VALID'):\n    h = tower(x)\n",
             "import tensorflow.contrib.slim as slim  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n"
             "def tower(x):\n"
             "    # TODO(tflearn-migrate): TFM132 "
             "tf.contrib.layers.conv2d: arg_scope not translated: tower() is defined outside the block and "
             "calls a listed op (slim applies the scope to it while the block runs)\n"
             "    return slim.conv2d(x, 8, [3, 3], scope='conv1')\n\n"
             "# TODO(tflearn-migrate): TFM150 arg_scope not translated: tower() is defined outside the block and "
             "calls a listed op (slim applies the scope to it while the block runs)\n"
             "with slim.arg_scope([slim.conv2d], padding='VALID'):\n    h = tower(x)\n",
             diagnostics=("TFM132", "TFM150"), todo=True),
    ]
