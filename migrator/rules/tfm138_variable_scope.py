"""TFM138: tf.variable_scope / tf.name_scope blocks used for naming -> dropped (body dedented)."""
from __future__ import annotations

import libcst as cst

from ._tf1_program import TF1Program
from .base import Case, Rule

_SCOPES = ("tensorflow.variable_scope", "tensorflow.name_scope")


class VariableScope(Rule):
    ID = "TFM138"
    NAME = "variable-scope"
    MESSAGE = "tf.variable_scope / tf.name_scope block -> its body (Keras layers own their weights)"
    RATIONALE = ("A scope that only names variables has no Keras meaning: each Keras layer owns its "
                 "weights. A scope that SHARES variables (reuse=True, AUTO_REUSE, reuse_variables()) is "
                 "only dropped when TFM205 has replaced the towers by one encoder model; otherwise it "
                 "stays with a TODO (dropping it would silently unshare the towers).")
    ORDER = 45

    def leave_With(self, original: cst.With, updated: cst.With):
        tp = self.ctx.analysis(TF1Program)
        if len(original.items) != 1 or not isinstance(original.items[0].item, cst.Call):
            return updated
        if tp.qname(original.items[0].item) not in _SCOPES:
            return updated
        if self._sharing(tp, original) and not self._shared_handled(tp, original):
            self.todo(original.items[0], "variable_scope shares variables (reuse): no Keras translation "
                      "without TFM205's shared encoder")
            return updated
        self.ctx.count(self)
        body = list(updated.body.body)
        body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
        return cst.FlattenSentinel(body)

    def _sharing(self, tp: TF1Program, w: cst.With) -> bool:
        from ._tf1_program import _arg, _walk

        reuse = _arg(w.items[0].item, 99, "reuse")
        if reuse is not None and not (isinstance(reuse, cst.Name) and reuse.value in ("False", "None")):
            return True
        return any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                   and n.func.attr.value == "reuse_variables" for n in _walk(w.body))

    def _shared_handled(self, tp: TF1Program, w: cst.With) -> bool:
        if not self.ctx.rule_active("TFM205"):
            return False
        from ._tf1_program import _walk

        for prog in tp.programs.values():
            for calls in tp.shared_towers(prog):
                stmts = {id(c.statement) for c in calls}
                if any(id(n) in stmts for n in _walk(w)):
                    return True
                fn = calls[0].function
                n = self.ctx.parent(w)
                while n is not None and not isinstance(n, cst.FunctionDef):
                    n = self.ctx.parent(n)
                if isinstance(n, cst.FunctionDef) and n.name.value == fn:
                    return True
        return False

    VALID = ["import keras\nh = keras.layers.Dense(3)(x)\n"]
    INVALID = [
        Case("import tensorflow as tf\nwith tf.variable_scope('fc'):\n    h = f(x)\n",
             "h = f(x)\n"),
        Case("import tensorflow as tf\nwith tf.variable_scope('fc', reuse=True):\n    h = f(x)\n",
             None, ("TFM138",), todo=True),
    ]
