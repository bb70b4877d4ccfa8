"""TFM180: a module function that only builds a train op -> its expression at its one call.

The work is the engine's pre-step
(:func:`migrator.analysis.train_op_helpers.inline_train_op_helpers`, run before the rule pass
when this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class TrainOpHelpers(Rule):
    ID = "TFM180"
    TRIGGERS = ("minimize", "apply_gradients")
    NAME = "train-op-helpers"
    MESSAGE = ("a module function that only builds a train op -> its expression at its one call "
               "(the same TF1 program)")
    RATIONALE = (
        "`def momentum_training(loss, lr, m): optimizer = tf.train.MomentumOptimizer(lr, m); "
        "train_op = optimizer.minimize(loss); return train_op` called once as `train_op = "
        "momentum_training(train_loss, 0.01, 0.9)` builds the optimizer and its step where it is called: the "
        "same program as `train_op = tf.train.MomentumOptimizer(0.01, 0.9).minimize(train_loss)`. Written that "
        "way the session-program rules see the step in the scope of its runs (the call was taken for a "
        "tensor of the placeholders and the training runs for evaluations). Only a body of locals each read "
        "once by the next statement, then a return, calling minimize / apply_gradients; one call, as a "
        "one-name assignment, with name / attribute / number / string arguments; nothing else read. A summary "
        "statement of the parameters in the body (`tf.summary.scalar('cost', cost)`) is written right before the "
        "call's assignment, on the call's arguments: the same summary op of the same graph.")
    VALID = [
        # called twice: two optimizers, kept as written
        "import tensorflow as tf\ndef step(loss):\n    return tf.train.AdamOptimizer(0.1).minimize(loss)\n"
        "a = step(l1)\nb = step(l2)\n",
        # a local read twice
        "import tensorflow as tf\ndef step(loss):\n    opt = tf.train.AdamOptimizer(0.1)\n"
        "    print(opt)\n    return opt.minimize(loss)\na = step(l1)\n",
        # no train step in it
        "import tensorflow as tf\ndef dist(a, b):\n    return tf.reduce_sum(a - b)\nd = dist(x, y)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def momentum_training(loss, learning_rate, momentum):\n"
             "    optimizer = tf.train.MomentumOptimizer(learning_rate, momentum)\n"
             "    train_op = optimizer.minimize(loss)\n"
             "    return train_op\n"
             "\n"
             "train = momentum_training(total, 0.01, 0.9)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "\n"
             "train = tf.train.MomentumOptimizer(0.01, 0.9).minimize(total)\n",
             ("TFM180",), todo=True),
        Case("import tensorflow as tf\n"
             "def training(cost, step):\n"
             "    tf.summary.scalar('cost', cost)\n"
             "    return tf.train.AdamOptimizer(0.1).minimize(cost, global_step=step)\n"
             "\n"
             "train = training(total, gs)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "\n"
             "tf.summary.scalar('cost', total)\n"
             "train = tf.train.AdamOptimizer(0.1).minimize(total, global_step=gs)\n",
             ("TFM180",), todo=True),
    ]
