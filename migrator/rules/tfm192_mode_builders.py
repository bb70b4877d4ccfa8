"""TFM192: a model_fn-style graph builder with mode branches -> its statements at its one call.

The work is the engine's pre-step
(:func:`migrator.analysis.mode_builders.inline_mode_builders`, run before the rule pass when this
rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class ModeBuilders(Rule):
    ID = "TFM192"
    TRIGGERS = ("minimize", "apply_gradients")
    NAME = "mode-builders"
    MESSAGE = ("a graph builder with `if mode == ...` branches, called once with literal modes -> its "
               "statements at the call, the branches resolved (the same TF1 program)")
    RATIONALE = (
        "`def model_fn(features, labels, mode): ...; if mode == 'train': train_op = opt.minimize(loss); ...; "
        "return predictions, loss, train_op` called once as `predictions, loss, train_op = model_fn(x, y, "
        "'train')` adds to the graph, where it is called, the ops of the branches the Python string selects "
        "(an `if` on a Python value is decided when TF1 builds the graph); the tuple hands three locals to the "
        "caller's names. Written out at the call - branches resolved, parameters replaced by the arguments, "
        "returned locals bound to the targets, other locals renamed `<function>_<name>` where the name is "
        "taken, a literal bound again before any read dropped - the session-program rules see the placeholders, "
        "the loss and the train op in one scope (the train op was hidden in the call). Only a module-level "
        "builder of a train step called exactly once as a statement, every `if` decided by literal "
        "arguments, straight-line otherwise (no loop, with, early return, nested scope), ending with a "
        "return of local names.")
    VALID = [
        # called twice: kept (each call would need its own names)
        "import tensorflow as tf\ndef build(x, mode):\n    y = f(x)\n    t = None\n    if mode == 'train':\n"
        "        t = tf.train.AdamOptimizer(0.1).minimize(y)\n    return y, t\n"
        "a, b = build(p, 'train')\nc, d = build(q, 'eval')\n",
        # the mode is not a literal: the branch is not decided
        "import tensorflow as tf\ndef build(x, mode):\n    y = f(x)\n    t = None\n    if mode == 'train':\n"
        "        t = tf.train.AdamOptimizer(0.1).minimize(y)\n    return y, t\na, b = build(p, MODE)\n",
        # no mode branch: TFM180's or the session rules' form
        "import tensorflow as tf\ndef build(x):\n    y = f(x)\n    t = tf.train.AdamOptimizer(0.1).minimize(y)\n"
        "    return y, t\na, b = build(p)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def model_fn(features, labels, mode):\n"
             "    y = net(features)\n"
             "    loss = None\n"
             "    train_op = None\n"
             "    if mode == 'eval' or mode == 'train':\n"
             "        labels = tf.reshape(labels, (-1,))\n"
             "        loss = tf.reduce_mean(tf.square(labels - y))\n"
             "    if mode == 'train':\n"
             "        train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)\n"
             "    return y, loss, train_op\n"
             "\n"
             "out, loss, step = model_fn(x, labels, 'train')\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "\n"
             "out = net(x)\n"
             "model_fn_labels = tf.reshape(labels, (-1,))\n"
             "loss = tf.reduce_mean(tf.square(model_fn_labels - out))\n"
             "step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)\n",
             ("TFM192",), todo=True),
    ]
