"""TFM173: ``tf.print(...)`` debugging statements -> removed (reported)."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Severity
from .base import Case, Rule


class TfPrint(Rule):
    ID = "TFM173"
    TRIGGERS = ("tensorflow",)
    NAME = "tf-print"
    MESSAGE = "tf.print debugging statement removed (no backend-neutral equivalent)"
    RATIONALE = ("tf.print inside a loss or layer is a TensorFlow-only side effect (and seed 002's "
                 "`.numpy()` inside it fails in graph mode); it does not change what is computed. "
                 "The statement is removed and reported so the migrated code runs on every backend.")

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        if len(original.body) != 1 or not isinstance(original.body[0], cst.Expr):
            return updated
        v = original.body[0].value
        if not isinstance(v, cst.Call) or self.ctx.legacy_name(v) not in ("tensorflow.print", "tensorflow.Print"):
            return updated
        self.report(original, "tf.print statement removed", severity=Severity.INFO)
        self.ctx.count(self)
        return cst.RemoveFromParent()

    VALID = ["print(x)\n"]
    INVALID = [Case("import tensorflow as tf\n\ndef loss(y, p):\n    tf.print(p)\n    return p\n",
                    "\ndef loss(y, p):\n    return p\n", ("TFM173",))]
