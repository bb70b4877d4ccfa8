"""TFM202: placeholders fed in feed_dict that the loss never sees, while the inputs the loss
needs are never fed (seed 004) -> feed the data to the inputs the loss reads."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from .base import Case, Rule
from ..analysis.unconnected_feeds import Feeds


class UnconnectedFeeds(Rule):
    ID = "TFM202"
    NAME = "fed-placeholders-not-connected"
    MESSAGE = "placeholders are fed but not connected to the loss, and the loss's inputs are never fed"
    RATIONALE = ("In seed 004 the training loop feeds X1, X2, Y while the network and the loss are "
                 "built on other placeholders (left_input, right_input, target): the loss never "
                 "sees the data. In TF1 this either fails (unfed placeholder) or trains on nothing; "
                 "a translation that follows the feed_dict keys would train a model that is not "
                 "connected to its inputs. FIX: each fed-but-unconnected key is replaced by the "
                 "unfed input the loss needs - matched by identical shape first, then by creation "
                 "order - in every feed_dict of that function. With --no-fixes the feeds are kept "
                 "and reported.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.SAFE
    APPLICABILITY_REASON = ('the feed_dict feeds placeholders the loss never reads (TF1 raises or '
                            'trains on nothing): a wiring bug proven from the graph. The cure '
                            'feeds the placeholders the loss does read, with the same arrays; no '
                            'data or hyperparameter changes.')
    SEVERITY = Severity.WARNING
    ORDER = 50  # before the Session loop translation reads the feed_dict

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict) -> cst.Dict:
        sf = self.ctx.analysis(Feeds).by_dict.get(id(original))
        if sf is None:
            return updated
        from ..analysis.variable_program import VariableProgram

        if self.ctx.rule_active("TFM162") and self.ctx.analysis(VariableProgram).ok:
            # TFM162's program: every run feeds what its fetches read, each read resolved to the
            # binding in effect at the run (a rebuilt ``decoder`` on ``noise_input``), which this
            # analysis of the last binding does not see
            return updated
        fixing = self.fixes_enabled and bool(sf.mapping)
        if original is sf.report_at:
            if fixing:
                pairs = ", ".join(f"{k} -> {v}" for k, v in sf.mapping.items())
                extra = f" (not matched: {', '.join(sf.unfixed)})" if sf.unfixed else ""
                self.report(original, f"{sf.message}: feeds rewired {pairs}{extra}", fixed=True)
            else:
                self.report(original, sf.message)
        if not fixing:
            return updated
        elements = []
        for el in updated.elements:
            if isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name) and el.key.value in sf.mapping:
                el = el.with_changes(key=cst.Name(sf.mapping[el.key.value]))
            elements.append(el)
        return updated.with_changes(elements=elements)

    VALID = [
        # the feeds are the placeholders the loss reads (the engine's TODO markers aside)
        "import tensorflow as tf\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "y = tf.placeholder(tf.float32, [None])\n"
        "loss = tf.reduce_mean(tf.square(y - model(x)))\n"
        "train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
        "sess.run(train_op, feed_dict={x: a, y: b})\n",
        # two towers fed through the placeholders they are built on, plus a keep_prob the
        # towers read: every fed placeholder is connected
        "import tensorflow as tf\n"
        "def train(a, b, y):\n"
        "    left_input = tf.placeholder(tf.float32, [None, 4])\n"
        "    right_input = tf.placeholder(tf.float32, [None, 4])\n"
        "    keep = tf.placeholder(tf.float32)\n"
        "    target = tf.placeholder(tf.float32, [None])\n"
        "    distance = tower(left_input, keep) - tower(right_input, keep)\n"
        "    loss = tf.reduce_mean(tf.abs(target - distance))\n"
        "    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
        "    with tf.Session() as sess:\n"
        "        sess.run(train_op, feed_dict={left_input: a, right_input: b, keep: 0.8, target: y})\n",
    ]
    INVALID = [
        # the loss reads a placeholder_with_default nobody feeds (TF1 trains on its default, zeros),
        # while the loop feeds a placeholder of the same shape the loss never reads: rewired
        Case('import tensorflow as tf\nu = tf.placeholder(tf.float32, [None, 4])\nv = tf.placeholder(tf.float32, [None, 4])\nmatch = tf.placeholder(tf.float32, [None])\ngap = tf.reduce_sum(tf.abs(tower(u) - tower(v)), 1)\ntarget = tf.placeholder_with_default(tf.zeros_like(gap), [None])\nloss = tf.reduce_mean(target * gap + (1 - target) * tf.maximum(2.0 - gap, 0.0))\nstep = tf.train.AdamOptimizer(0.01).minimize(loss)\nsess.run(step, feed_dict={u: A, v: B, match: M})\n',
             'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nu = tf.placeholder(tf.float32, [None, 4])\nv = tf.placeholder(tf.float32, [None, 4])\nmatch = tf.placeholder(tf.float32, [None])\ngap = tf.reduce_sum(tf.abs(tower(u) - tower(v)), 1)\ntarget = tf.placeholder_with_default(tf.zeros_like(gap), [None])\nloss = tf.reduce_mean(target * gap + (1 - target) * tf.maximum(2.0 - gap, 0.0))\nstep = tf.train.AdamOptimizer(0.01).minimize(loss)\nsess.run(step, feed_dict={u: A, v: B, target: M})\n', ('TFM202',), todo=True),
        Case("import tensorflow as tf\n"
             "def train(a, b, y):\n"
             "    left_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    right_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    target = tf.placeholder(tf.float32, [None])\n"
             "    distance = tower(left_input) - tower(right_input)\n"
             "    loss = tf.reduce_mean(tf.abs(target - distance))\n"
             "    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
             "    X1 = tf.placeholder(tf.float32, [None, 4])\n"
             "    X2 = tf.placeholder(tf.float32, [None, 4])\n"
             "    Y = tf.placeholder(tf.float32, [None])\n"
             "    with tf.Session() as sess:\n"
             "        sess.run(train_op, feed_dict={X1: a, X2: b, Y: y})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def train(a, b, y):\n"
             "    left_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    right_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    target = tf.placeholder(tf.float32, [None])\n"
             "    distance = tower(left_input) - tower(right_input)\n"
             "    loss = tf.reduce_mean(tf.abs(target - distance))\n"
             "    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
             "    X1 = tf.placeholder(tf.float32, [None, 4])\n"
             "    X2 = tf.placeholder(tf.float32, [None, 4])\n"
             "    Y = tf.placeholder(tf.float32, [None])\n"
             "    with tf.Session() as sess:\n"
             "        sess.run(train_op, feed_dict={left_input: a, right_input: b, target: y})\n",
             ("TFM202",), todo=True),
            Case("import tensorflow as tf\n"
             "def train(a, b, y):\n"
             "    left_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    right_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    target = tf.placeholder(tf.float32, [None])\n"
             "    distance = tower(left_input) - tower(right_input)\n"
             "    loss = tf.reduce_mean(tf.abs(target - distance))\n"
             "    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
             "    X1 = tf.placeholder(tf.float32, [None, 4])\n"
             "    X2 = tf.placeholder(tf.float32, [None, 4])\n"
             "    Y = tf.placeholder(tf.float32, [None])\n"
             "    with tf.Session() as sess:\n"
             "        sess.run(train_op, feed_dict={X1: a, X2: b, Y: y})\n",
             None, ("TFM202",), fixes=False, todo=True),
    ]
