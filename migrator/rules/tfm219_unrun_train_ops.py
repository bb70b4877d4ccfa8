"""TFM219: a train op or assign op that no run ever reads -> removed (and the variable only it reads);
a function's local variable that nothing reads -> removed.

The work is the engine's pre-step
(:func:`migrator.analysis.unrun_train_ops.drop_unrun_train_ops`, run before the rule pass when
this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class UnrunTrainOps(Rule):
    ID = "TFM219"
    TRIGGERS = ("minimize", "apply_gradients", "assign")
    NAME = "unrun-train-ops"
    MESSAGE = ("a train op or assign op bound to a name read nowhere removed: TF1 never ran it, no variable of "
               "the program is changed by it (the same trained program)")
    RATIONALE = (
        "`classifier = tf.train.AdamOptimizer(lr).minimize(model.classLoss)` whose name nothing reads (no run, "
        "group, list or control dependency) adds gradients, slot variables and an update op that TF1 never "
        "executes: every value the program computes is the same without it. Kept, the session rules saw "
        "\"several train ops\" and left the whole program as TF1. Only in a file that runs another of its train "
        "ops (`sess.run([train, ...])`: not a library module whose train op a driver imports), only a "
        "module-level (or module-level block) one-name assignment of `<optimizer>.minimize(...)` / `.apply_gradients(...)`, the optimizer a "
        "TensorFlow constructor or a name, every argument a name / attribute / literal, the name appearing "
        "nowhere else in the file. The same for `a = tf.assign(v, x)` / `v.assign(x)` (`assign_add` / "
        "`assign_sub`) read nowhere, with `v = tf.Variable(<TensorFlow ops of literals and names>)` read by such "
        "assigns only (a projector's embedding snapshot never run): both go. Not in a file that lists the "
        "graph's variables (`tf.trainable_variables()`, `tf.global_variables()`, `get_collection` of anything "
        "but UPDATE_OPS: a weight decay over them would read the variable), and at module level only in a file "
        "that runs sessions itself (a library's op may be run by a driver that imports it). Also a variable bound "
        "to a function's LOCAL name that nothing in the file reads (`penalty = tf.get_variable('penalty', [1, 1], "
        "initializer=...)` left in a loss method): TF1 made and initialised it, no loss read it, so minimize "
        "computed no gradient for it - the same trained program without it (in a file that lists no variables).")
    VALID = [
        # no train op of the file is run by it: a library module a driver may import
        "import tensorflow as tf\ntrain = tf.train.AdamOptimizer(0.1).minimize(loss)\n",
        # run by a group
        "import tensorflow as tf\na = tf.train.AdamOptimizer(0.1).minimize(l1)\n"
        "b = tf.train.AdamOptimizer(0.1).minimize(l2)\nboth = tf.group(a, b)\n",
        # inside a function: its result may be returned later
        "import tensorflow as tf\ndef f():\n    t = tf.train.AdamOptimizer(0.1).minimize(l1)\n",
        # an argument evaluated for its effect
        "import tensorflow as tf\nt = tf.train.AdamOptimizer(0.1).minimize(make_loss())\n",
    ]
    VALID += [
        # the assign is run
        "import tensorflow as tf\nv = tf.Variable(tf.zeros([4]))\na = tf.assign(v, x)\nsess.run(a)\n",
        # the variable is read by something else than its assign
        "import tensorflow as tf\ndef f(x):\n    v = tf.Variable(tf.zeros([4]))\n    a = tf.assign(v, x)\n"
        "    return v * 2\n",
        # a weight decay over every variable would read it
        "import tensorflow as tf\ndef f(x):\n    v = tf.Variable(tf.zeros([4]))\n    a = v.assign(x)\n"
        "    return tf.add_n([tf.nn.l2_loss(w) for w in tf.trainable_variables()])\n",
        # module level in a file that runs no session: a driver may import and run the assign
        "import tensorflow as tf\nv = tf.Variable(tf.zeros([4]))\na = tf.assign(v, x)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def model_fn(x):\n"
             "    out = tf.nn.relu(x)\n"
             "    snap = tf.Variable(tf.zeros([8, 4]), name='projector')\n"
             "    keep = tf.assign(snap, out)\n"
             "    return out\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def model_fn(x):\n"
             "    out = tf.nn.relu(x)\n"
             "    return out\n",
             ("TFM219",), todo=True),
        Case("import tensorflow as tf\n"
             "train = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
             "unused = tf.train.AdamOptimizer(0.1).minimize(other_loss)\n"
             "sess.run(train)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "train = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
             "sess.run(train)\n",
             ("TFM219",), todo=True),
    ]
