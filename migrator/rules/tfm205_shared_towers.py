"""TFM205: TF1 towers sharing variables (variable_scope reuse) -> ONE Keras encoder model."""
from __future__ import annotations

import libcst as cst

from ._encoder import apply_encoder, encoder_statements, free_name
from ._tf1_program import TF1Program
from .base import Case, Rule


class SharedTowers(Rule):
    ID = "TFM205"
    NAME = "shared-towers"
    MESSAGE = "towers sharing variables through variable_scope reuse -> one encoder model applied to each input"
    RATIONALE = ("In TF1 `scope.reuse_variables()`, `variable_scope(..., reuse=True)` or `tf.AUTO_REUSE` "
                 "make the second call of a tower function reuse the first call's variables. Keras has "
                 "no name-based sharing: calling the tower function twice would create two sets of "
                 "layers. The faithful translation builds the tower once as a Keras model "
                 "(keras.io's siamese_contrastive style) and applies that model to every input.")
    ORDER = 40

    def _groups(self, node):
        tp = self.ctx.analysis(TF1Program)
        prog = tp.program_of(node)
        return [] if prog is None else tp.shared_towers(prog), prog

    def leave_SimpleStatementLine(self, original, updated):
        groups, prog = self._groups(original)
        if not groups:
            return updated
        if any(r is original for r in prog.reuse_calls):
            return cst.RemoveFromParent()
        for calls in groups:
            for i, c in enumerate(calls):
                if c.statement is not original:
                    continue
                key = ("encoder", id(calls[0].statement))
                names = self.__dict__.setdefault("_enc", {})
                if key not in names:
                    taken = {d.name for s in self.ctx.analysis(TF1Program).flow.scopes.values() for d in s.defs}
                    names[key] = free_name(taken | set(names.values()), "encoder")
                enc = names[key]
                value = updated.body[0].value
                x = value.args[0].value
                new = updated.with_changes(body=[updated.body[0].with_changes(value=apply_encoder(enc, x))])
                self.ctx.add_import("keras")
                self.ctx.count(self)
                if i > 0:
                    return new
                extra = [a for a in value.args[1:] if not (a.keyword is not None and a.keyword.value == "reuse")]
                stmts = encoder_statements(enc, value.func, x, extra)
                stmts[0] = stmts[0].with_changes(leading_lines=original.leading_lines)
                return cst.FlattenSentinel([*stmts, new.with_changes(leading_lines=[])])
        return updated

    VALID = ["def tower(x):\n    return x\na = tower(x1)\nb = tower(x2)\n"]
    INVALID = [
        Case("import tensorflow as tf\n\ndef tower(x):\n    return tf.layers.dense(x, 4)\n\n"
             "x1 = tf.placeholder(tf.float32, [None, 3])\nx2 = tf.placeholder(tf.float32, [None, 3])\n"
             "with tf.variable_scope('siamese') as scope:\n    o1 = tower(x1)\n    scope.reuse_variables()\n"
             "    o2 = tower(x2)\n",
             "import keras\n\ndef tower(x):\n    return keras.layers.Dense(4)(x)\n\n"
             "x1 = keras.Input(shape=(3,))\nx2 = keras.Input(shape=(3,))\n"
             "encoder_input = keras.Input(shape=x1.shape[1:])\n"
             "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
             "o1 = encoder(x1)\no2 = encoder(x2)\n"),
    ]
    REQUIRES = ("TFM131", "TFM138", "TFM140")
