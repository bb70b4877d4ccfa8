"""TFM196: a graph builder without mode branches, called once (inside another function or at
module level) -> its statements at the call.

The work is the engine's pre-step
(:func:`migrator.analysis.mode_builders.inline_graph_builders`, run before the rule pass when this
rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class GraphBuilders(Rule):
    ID = "TFM196"
    TRIGGERS = ("minimize", "apply_gradients")
    NAME = "graph-builders"
    MESSAGE = ("a graph builder returning its tensors and train op, called once (or an optimizer helper "
               "making no weights, at each call) -> its statements at the call, `with tf.device(...)` bodies in place (the same TF1 program)")
    RATIONALE = (
        "`def train_step(x1, x2, y, ...): ...; with tf.device(cpu): out_one = net(x1); ...; train_op = "
        "opt.minimize(loss, global_step=step); return out_one, out_two, loss, rate, step, train_op`, called once "
        "as `out_one, ..., train_op = train_step(x1_ph, x2_ph, y_ph, ...)` in the method that makes the "
        "placeholders and runs the session (rajibchakravorty/tf_siamese): the placeholders and the train op "
        "live in two scopes, so the session rules saw neither the model nor the training step. The call adds "
        "the builder's ops where it is called; written there - parameters replaced by the arguments, returned "
        "locals bound to the targets, other locals renamed `<function>_<name>` where the name is taken, "
        "`with tf.device(...)` blocks replaced by their bodies (placement only) - the program is in one scope. "
        "TFM192's conditions otherwise (module-level builder of a train step called exactly once as a "
        "statement, straight-line, ending with a return of local names). Called at module level, the same: "
        "the session rules take a train op only where minimize is written, and a returned one would "
        "be evaluated as a tensor. A helper that only makes the optimizer and its step (`def training(loss, lr): "
        "opt = tf.train.GradientDescentOptimizer(lr); return opt.minimize(loss)`, the TF tutorials' form) is "
        "written at each of its calls: each call made its own ops; a builder that makes weights and is called "
        "twice is a tower, left to the sharing rules. Statements after the body's return never ran and are "
        "not written.")
    VALID = [
        # called twice
        "import tensorflow as tf\ndef build(x):\n    y = f(x)\n    t = tf.train.AdamOptimizer(0.1).minimize(y)\n"
        "    return y, t\ndef fit(p, q):\n    a, b = build(p)\n    c, d = build(q)\n",
        # a loop in the builder
        "import tensorflow as tf\ndef build(x):\n    for i in range(2):\n        x = f(x)\n"
        "    t = tf.train.AdamOptimizer(0.1).minimize(x)\n    return x, t\ndef fit(p):\n    a, b = build(p)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def build(x, y):\n"
             "    with tf.device(\"/cpu:0\"):\n"
             "        out = tf.layers.dense(x, 1)\n"
             "        loss = tf.reduce_mean(tf.square(out - y))\n"
             "    step = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
             "    return out, loss, step\n"
             "def fit(a, b):\n"
             "    x = tf.placeholder(tf.float32, [None, 4])\n"
             "    y = tf.placeholder(tf.float32, [None, 1])\n"
             "    out, loss, step = build(x, y)\n"
             "    with tf.Session() as sess:\n"
             "        sess.run(tf.global_variables_initializer())\n"
             "        sess.run(step, feed_dict={x: a, y: b})\n"
             "        return sess.run(out, feed_dict={x: a})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def fit(a, b):\n"
             "    x = tf.placeholder(tf.float32, [None, 4])\n"
             "    y = tf.placeholder(tf.float32, [None, 1])\n"
             "    out = tf.layers.dense(x, 1)\n"
             "    loss = tf.reduce_mean(tf.square(out - y))\n"
             "    step = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
             "    with tf.Session() as sess:\n"
             "        sess.run(tf.global_variables_initializer())\n"
             "        sess.run(step, feed_dict={x: a, y: b})\n"
             "        return sess.run(out, feed_dict={x: a})\n",
             ("TFM196",), todo=True),
        # called at module level (the placeholders there, the train op in the builder: the session
        # rules saw a train op returned by a call, and would have evaluated it as a tensor)
        Case("import tensorflow as tf\n"
             "def build(x, y):\n"
             "    out = tf.layers.dense(x, 1)\n"
             "    loss = tf.reduce_mean(tf.square(out - y))\n"
             "    step = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
             "    return out, loss, step\n"
             "x = tf.placeholder(tf.float32, [None, 4])\n"
             "y = tf.placeholder(tf.float32, [None, 1])\n"
             "out, loss, step = build(x, y)\n"
             "with tf.Session() as sess:\n"
             "    sess.run(tf.global_variables_initializer())\n"
             "    sess.run(step, feed_dict={x: a, y: b})\n"
             "    print(sess.run(out, feed_dict={x: a}))\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "x = tf.placeholder(tf.float32, [None, 4])\n"
             "y = tf.placeholder(tf.float32, [None, 1])\n"
             "out = tf.layers.dense(x, 1)\n"
             "loss = tf.reduce_mean(tf.square(out - y))\n"
             "step = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
             "with tf.Session() as sess:\n"
             "    sess.run(tf.global_variables_initializer())\n"
             "    sess.run(step, feed_dict={x: a, y: b})\n"
             "    print(sess.run(out, feed_dict={x: a}))\n",
             ("TFM196",), todo=True),
    ]
