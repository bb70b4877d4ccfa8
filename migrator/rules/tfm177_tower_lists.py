"""TFM177: towers kept in a list built by a loop or a comprehension -> one named statement per
input, so the session-program and Siamese rules see each tower.

The work is the engine's pre-step (:func:`migrator.analysis.tower_lists.unroll_tower_lists`,
run before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from .base import Case, Rule


class TowerLists(Rule):
    ID = "TFM177"
    TRIGGERS = ("for",)
    NAME = "tower-lists"
    MESSAGE = ("towers kept in a list built by a loop or a comprehension -> one named statement per input "
               "(the same TF1 program)")
    RATIONALE = (
        "`outs = [net(x) for x in (x1, x2)]` (or `outs = []` + `for x in (x1, x2): outs.append(net(x))`) runs "
        "the builder once per input, in order: TF1 builds the same graph as `outs_0 = net(x1)` then "
        "`outs_1 = net(x2)`. Written that way (reads `outs[k]` -> `outs_k`, any other read -> the list of the "
        "names), the program's towers are named tensors the session-program rules translate and the Siamese "
        "rules check for sharing (TFM201 / TFM205). Only a builder the file defines (or tf.placeholder) is "
        "unrolled, over an iterable the program fixes: a literal tuple or list (or a name bound once to one), "
        "range(N), tf.split(v, N) / tf.unstack(v, num=N), zip() of those. Declined (kept as written): `if` clauses or nested loops, a loop "
        "body other than the one append, a list changed or bound again, read by a nested function or by a "
        "non-constant index, a loop variable read after the loop, a name `<list>_<k>` already taken.")
    VALID = [
        # a builder of the file, but over a computed iterable: kept as written
        "import tensorflow as tf\ndef net(x):\n    return tf.layers.dense(x, 4)\nouts = [net(x) for x in inputs]\n",
        # a list of library calls: nothing to unroll
        "import tensorflow as tf\ndef net(x):\n    return x\nsizes = [tf.shape(x) for x in (x1, x2)]\n",
        # the list is changed after (another append): kept as written
        "import tensorflow as tf\ndef net(x):\n    return tf.layers.dense(x, 4)\n"
        "outs = [net(x) for x in (x1, x2)]\nouts.append(x3)\n",
        # the loop variable is read after the loop (it stays bound to the last input)
        "import tensorflow as tf\ndef net(x):\n    return tf.layers.dense(x, 4)\n"
        "outs = []\nfor x in (x1, x2):\n    outs.append(net(x))\nprint(x)\n",
    ]
    # the pre-step alone (the rule pass then translates the named towers: TFM205's encoder here)
    INVALID = [
        Case("import tensorflow as tf\n"
             "def net(x):\n"
             "    return tf.layers.dense(x, 4, name='fc', reuse=tf.AUTO_REUSE)\n"
             "outs = [net(x) for x in (x1, x2)]\n"
             "d = outs[0] - outs[-1]\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def net(x):\n"
             "    return tf.layers.dense(x, 4, name='fc', reuse=tf.AUTO_REUSE)\n"
             "outs_0 = net(x1)\n"
             "outs_1 = net(x2)\n"
             "d = outs_0 - outs_1\n",
             ("TFM177",), todo=True),
        Case("import tensorflow as tf\n"
             "def net(x, k):\n"
             "    return tf.layers.dense(x, k, name='fc', reuse=tf.AUTO_REUSE)\n"
             "outs = []\n"
             "for x in [x1, x2]:\n"
             "    outs.append(net(x, k=4))\n"
             "d = tf.concat(outs, 1)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def net(x, k):\n"
             "    return tf.layers.dense(x, k, name='fc', reuse=tf.AUTO_REUSE)\n"
             "outs_0 = net(x1, k=4)\n"
             "outs_1 = net(x2, k=4)\n"
             "d = tf.concat([outs_0, outs_1], 1)\n",
             ("TFM177",), todo=True),
        Case("import tensorflow as tf\n"
             "def net(x, name):\n"
             "    return tf.layers.dense(x, 4, name=name, reuse=tf.AUTO_REUSE)\n"
             "inputs = [x1, x2]\n"
             "outs = []\n"
             "for x, name in zip(inputs, ['fc', 'fc']):\n"
             "    outs.append(net(x, name))\n"
             "parts = [net(p, 'fc') for p in tf.split(x3, 2)]\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def net(x, name):\n"
             "    return tf.layers.dense(x, 4, name=name, reuse=tf.AUTO_REUSE)\n"
             "inputs = [x1, x2]\n"
             "outs_0 = net(x1, 'fc')\n"
             "outs_1 = net(x2, 'fc')\n"
             "parts_0 = net(tf.split(x3, 2)[0], 'fc')\n"
             "parts_1 = net(tf.split(x3, 2)[1], 'fc')\n",
             ("TFM177",), todo=True),
        Case("import tensorflow as tf\n"
             "def net(x):\n"
             "    return tf.layers.dense(x, 4, name='fc', reuse=tf.AUTO_REUSE)\n"
             "o1, o2 = [net(x) for x in (x1, x2)]\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def net(x):\n"
             "    return tf.layers.dense(x, 4, name='fc', reuse=tf.AUTO_REUSE)\n"
             "o1 = net(x1)\n"
             "o2 = net(x2)\n",
             ("TFM177",), todo=True),
    ]
