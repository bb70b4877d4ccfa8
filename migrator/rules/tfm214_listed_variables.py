"""TFM214: a loop printing ``tf.trainable_variables()`` in a translated TF1 program -> the same loop
over the Keras model's ``trainable_variables``."""
from __future__ import annotations

import libcst as cst

from ..analysis.flow import Flow
from ..analysis.session_runs import SessionProgramRuns
from ..analysis.tf1_program import TF1Program
from ..cstcache import walk
from ..diagnostics import Severity
from ..emit import expr
from .base import Case, Rule

_LISTS = ("tensorflow.trainable_variables", "tensorflow.compat.v1.trainable_variables")
_READ = ("name", "shape")


class ListedVariables(Rule):
    ID = "TFM214"
    TRIGGERS = ("trainable_variables",)
    NAME = "listed-variables"
    MESSAGE = ("`for v in tf.trainable_variables(): print(v.name)` in a translated TF1 program -> the same "
               "loop over the Keras model's trainable_variables (Keras' weight names, not TF1's scope paths)")
    RATIONALE = (
        "TF1 programs list their trainable variables after building the graph (kwangh's notebook, the "
        "text-CNN tutorials: `for v in tf.trainable_variables(): print(v.name)`) - a log line, nothing the "
        "model computes. Once TFM140 has turned the program into a Keras model the variables are the "
        "model's weights: the loop runs over `model.trainable_variables` (the same weights; a frozen table "
        "is in neither list). The names printed are Keras' (`kernel`, `embeddings`), not TF1's scope paths "
        "(`Model/siamese/rnn/.../kernel:0`): an info diagnostic says so. Done only when the loop follows the "
        "statement building the model (the program's one train op) in the program's own scope, its body is "
        "print calls reading the loop variable's `.name` / `.shape` only, and the program translates; "
        "anything else keeps the TODO. Its pre-step (analysis/variable_loops.py) writes a list of "
        "per-variable terms appended by such a loop (`l = []` + `for v in tf.trainable_variables(): "
        "l.append(tf.nn.l2_loss(v))`) as the comprehension, the form TFM140's weight decay reads.")
    SEVERITY = Severity.INFO
    REQUIRES = ("TFM130", "TFM131", "TFM133", "TFM140")

    def leave_For(self, original: cst.For, updated: cst.For):
        it = original.iter
        if not (isinstance(it, cst.Call) and not it.args and self.ctx.legacy_name(it) in _LISTS):
            return updated
        if not self.ctx.rule_active("TFM140") or original.orelse is not None or original.asynchronous \
                or not isinstance(original.target, cst.Name) or not self._prints_only(original):
            return updated
        tp = self.ctx.analysis(TF1Program)
        prog = tp.program_of(original)
        if prog is None or len(prog.train_ops) != 1 or not SessionProgramRuns.translates(self.ctx, prog):
            return updated
        if self.ctx.analysis(Flow).scope_of(original) is not prog.scope \
                or self.ctx.position(original) < self.ctx.position(prog.train_ops[0].statement):
            return updated  # the model does not exist yet there
        self.ctx.count(self)
        self.report(original, "tf.trainable_variables() -> the Keras model's trainable_variables: the same "
                              "weights, named by Keras, not by TF1's variable scopes")
        return updated.with_changes(iter=expr("{m}.trainable_variables", m=cst.Name(tp.model_name(prog))))

    def _prints_only(self, loop: cst.For) -> bool:
        """The body is ``print(...)`` calls reading the loop variable as ``v.name`` / ``v.shape`` only."""
        v = loop.target.value
        body = loop.body.body if isinstance(loop.body, cst.IndentedBlock) else ()
        if not body:
            return False
        for st in body:
            if not (isinstance(st, cst.SimpleStatementLine) and all(
                    isinstance(s, cst.Expr) and isinstance(s.value, cst.Call) and isinstance(s.value.func, cst.Name)
                    and s.value.func.value == "print" for s in st.body)):
                return False
            for node in walk(st):
                if isinstance(node, cst.Name) and node.value == v:
                    parent = self.ctx.parent(node)
                    if not (isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in _READ
                            and not isinstance(self.ctx.parent(parent), cst.Call)):
                        return False
                    grand = self.ctx.parent(parent)
                    if isinstance(grand, cst.Call) and grand.func is parent:
                        return False
        return True

    VALID = [
        # no TF1 program the migration turns into a Keras model: nothing to list the weights of
        "import tensorflow as tf\nfor v in tf.trainable_variables():\n    print(v.name)\n",
        # (the pre-step) the loop variable read after the loop: TF1 left it bound there - kept
        "import tensorflow as tf\nterms = []\nfor v in tf.trainable_variables():\n    terms.append(v)\nprint(v)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 1])\n"
             "out = tf.layers.dense(x, 1)\nloss = tf.reduce_mean(tf.square(out - y))\n"
             "train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
             "for v in tf.trainable_variables():\n    print(v.name, v.shape)\n"
             "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
             "    sess.run(train_op, feed_dict={x: X, y: Y})\n",
             "import keras\n\n"
             "x = keras.Input(shape=(4,))\nout = keras.layers.Dense(1)(x)\n"
             "def loss(y, out):\n    return keras.ops.mean(keras.ops.square(out - y))\n"
             "model = keras.Model(x, out)\n"
             "model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n"
             "for v in model.trainable_variables:\n    print(v.name, v.shape)\n"
             "model.train_on_batch(X, Y)\n",
             ("TFM214",)),
        # (the pre-step) per-variable terms appended by a loop: the comprehension, the same ops in the
        # same order - the form TFM140's weight decay reads
        Case("import tensorflow as tf\nterms = []\nfor v in tf.trainable_variables():\n"
             "    terms.append(tf.nn.l2_loss(v))\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "terms = [keras.ops.sum(keras.ops.square(v)) / 2 for v in tf.trainable_variables()]\n",
             ("TFM214",), todo=True),
    ]
