"""TFM176: a ``tf.train.MonitoredTrainingSession`` / ``SingularMonitoredSession`` loop stopped by a
``StopAtStepHook``, or a ``tf.train.Supervisor`` without a logdir and its ``managed_session()`` ->
the same plain session program (``tf.Session``, the initializer, ``for _ in range(N)``), which
TFM140 translates.

The work is the engine's pre-steps (:func:`migrator.analysis.monitored_sessions.desugar_monitored`
and ``desugar_supervisor``, run before the rule pass when this rule is enabled and the file names
``should_stop`` and ``StopAtStepHook``, or ``Supervisor`` and ``managed_session``). This class
carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class MonitoredSession(Rule):
    ID = "TFM176"
    TRIGGERS = ("tensorflow",)
    NAME = "monitored-session"
    MESSAGE = ("tf.train.MonitoredTrainingSession / SingularMonitoredSession + StopAtStepHook loop, or "
               "tf.train.Supervisor without a logdir -> the same tf.Session program (initializer, for _ in range(N))")
    RATIONALE = (
        "A monitored session initializes the variables when it is created; StopAtStepHook(last_step=N) (or "
        "num_steps=N from a new global step) requests a stop after the run that brings the global step to N; "
        "minimize(loss, global_step=gs) adds 1 per run. With a fresh global step and exactly one run of that "
        "train op per iteration at the top of the loop body, `while not sess.should_stop():` runs its body N "
        "times, and `sess.raw_session()` is the underlying tf.Session. The program is rewritten as the same "
        "plain session program (tf.Session(), sess.run(tf.global_variables_initializer()), for _ in range(N)), "
        "which TFM140 translates like any session program. Declined (the session stays, TODO): other hooks "
        "(NanTensorHook raises on NaN, logging / saver / summary hooks write files), checkpoint_dir= (restores "
        "the latest checkpoint and saves new ones), scaffold= / session_creator=, several train ops or runs per "
        "iteration, a run after the loop on the monitored session itself. tf.train.Supervisor(logdir=None) "
        "restores nothing and starts no saver or summary thread: its managed_session() is a tf.Session whose "
        "global variables are initialized, and should_stop() stays False while nothing requests a stop "
        "(`while not sv.should_stop():` -> `while True:`, `if sv.should_stop(): break` goes). Declined: a logdir "
        "(restores the latest checkpoint, saves checkpoints and summaries), queue runners or iterators (it "
        "starts the runners and swallows OutOfRangeError), local variables (it initializes them too), "
        "request_stop(), any other use of the Supervisor.")
    VALID = ["import tensorflow as tf\nwith tf.Session() as sess:\n    sess.run(op)\n"]
    INVALID = [
        Case("import tensorflow as tf\n"
             "step = tf.train.get_or_create_global_step()\n"
             "train_op = opt.minimize(loss, global_step=step)\n"
             "hooks = [tf.train.StopAtStepHook(last_step=100)]\n"
             "with tf.train.MonitoredTrainingSession(hooks=hooks) as sess:\n"
             "    while not sess.should_stop():\n"
             "        sess.run(train_op, feed_dict={x: X})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "step = tf.train.get_or_create_global_step()\n"
             "train_op = opt.minimize(loss, global_step=step)\n"
             "with tf.Session() as sess:\n"
             "    sess.run(tf.global_variables_initializer())\n"
             "    for _ in range(100):\n"
             "        sess.run(train_op, feed_dict={x: X})\n",
             ("TFM176",), todo=True),
        Case("import tensorflow as tf\n"
             "sv = tf.train.Supervisor(logdir=None, global_step=step)\n"
             "with sv.managed_session() as sess:\n"
             "    while not sv.should_stop():\n"
             "        sess.run(train_op, feed_dict={x: X})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "with tf.Session() as sess:\n"
             "    sess.run(tf.global_variables_initializer())\n"
             "    while True:\n"
             "        sess.run(train_op, feed_dict={x: X})\n",
             ("TFM176",), todo=True),
        # declined: a logdir (the Supervisor restores the latest checkpoint there and saves new ones)
        Case("import tensorflow as tf\n"
             "sv = tf.train.Supervisor(logdir='/tmp/run')\n"
             "with sv.managed_session() as sess:\n"
             "    sess.run(train_op)\n",
             None, (), todo=True),
        # declined: a checkpoint_dir (the session restores and saves checkpoints)
        Case("import tensorflow as tf\n"
             "step = tf.train.get_or_create_global_step()\n"
             "train_op = opt.minimize(loss, global_step=step)\n"
             "with tf.train.MonitoredTrainingSession(checkpoint_dir='ckpt', hooks=[tf.train.StopAtStepHook(last_step=9)]) as s:\n"
             "    while not s.should_stop():\n"
             "        s.run(train_op)\n",
             None, (), todo=True),
    ]
