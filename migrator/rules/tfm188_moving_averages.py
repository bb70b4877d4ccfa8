"""TFM188: moving averages nothing but summaries reads, and the control dependencies / grouped
train ops that only order them -> the same program without them.

The work is the engine's pre-step
(:func:`migrator.analysis.moving_averages.desugar_moving_averages`, run before the rule pass
when this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class MovingAverages(Rule):
    ID = "TFM188"
    TRIGGERS = ("ExponentialMovingAverage",)
    NAME = "unread-moving-averages"
    MESSAGE = ("tf.train.ExponentialMovingAverage whose shadows only summaries read, with the "
               "control_dependencies / tf.group / tf.no_op that order its op -> the program without them "
               "(the trained model is the same function)")
    RATIONALE = (
        "`ema_op = ema.apply(vars)` makes shadow variables and an op moving them toward `vars`; a control "
        "dependency on it (`with tf.control_dependencies([apply_op, ema_op]): train_op = tf.no_op()`, "
        "`tf.group(apply_op, ema_op)`, or around `compute_gradients`) only makes each step also update the "
        "shadows. The step's gradients and the trained weights never read them: where the EMA object is read "
        "only by `apply` and by `average` inside tf.summary calls (logging), and its op only by dependency "
        "lists, tf.group arguments or a helper's return (facenet's `_add_loss_summaries`), the model trained "
        "and evaluated is the same function without them. `train_op = tf.no_op()` under dependencies on one "
        "step and EMA ops is that step (`train_op = apply_op`). Declined where the shadows are read another "
        "way: `variables_to_restore`, `average_name`, an `average` outside a summary, the op fetched by a "
        "run or passed on, a checkpoint restored.")
    VALID = [
        # the shadows are restored for evaluation: kept
        "import tensorflow as tf\nema = tf.train.ExponentialMovingAverage(0.99)\nema_op = ema.apply(tf.trainable_variables())\n"
        "with tf.control_dependencies([step]):\n    train_op = tf.group(ema_op)\n"
        "saver = tf.train.Saver(ema.variables_to_restore())\n",
        # the op is fetched by a run
        "import tensorflow as tf\nema = tf.train.ExponentialMovingAverage(0.9)\nema_op = ema.apply([loss])\n"
        "sess.run(ema_op)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "ema = tf.train.ExponentialMovingAverage(0.9999, global_step)\n"
             "ema_op = ema.apply(tf.trainable_variables())\n"
             "with tf.control_dependencies([apply_op, ema_op]):\n"
             "    train_op = tf.no_op(name='train')\n",
             "train_op = apply_op\n",
             ("TFM188",), todo=False),
        Case("import tensorflow as tf\n"
             "ema = tf.train.ExponentialMovingAverage(0.9)\n"
             "ema_op = ema.apply([loss])\n"
             "tf.summary.scalar('loss_avg', ema.average(loss))\n"
             "train_op = tf.group(apply_op, ema_op)\n",
             "train_op = apply_op\n",
             ("TFM188",), todo=False),
    ]
