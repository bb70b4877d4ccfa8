"""TFM148: ``tf.enable_eager_execution()`` statements -> removed (Keras 3 runs eagerly)."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Severity
from .base import Case, Rule

_CALLS = ("tensorflow.enable_eager_execution", "tensorflow.contrib.eager.enable_eager_execution",
          "tensorflow.compat.v1.enable_eager_execution")


class EnableEager(Rule):
    ID = "TFM148"
    TRIGGERS = ("tensorflow",)
    NAME = "enable-eager-execution"
    MESSAGE = "tf.enable_eager_execution() removed (Keras 3 and keras.ops run eagerly)"
    RATIONALE = ("TF1 built graphs unless `enable_eager_execution()` was called first; Keras 3 "
                 "has no graph mode outside its own traced functions, so keras.ops already "
                 "compute immediately, as the eager script expects. A call with arguments "
                 "(a config, a device policy) is kept: those settings have no Keras equivalent.")

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        if len(original.body) != 1 or not isinstance(original.body[0], cst.Expr):
            return updated
        v = original.body[0].value
        if not isinstance(v, cst.Call) or v.args or self.ctx.legacy_name(v.func) not in _CALLS:
            return updated
        self.report(original, "enable_eager_execution() removed: Keras 3 runs eagerly", severity=Severity.INFO)
        self.ctx.count(self)
        return cst.RemoveFromParent()

    VALID = ["print(x)\n"]
    INVALID = [
        Case("import tensorflow as tf\ntf.enable_eager_execution()\nprint(1)\n", "print(1)\n", ("TFM148",)),
        Case("import tensorflow.contrib.eager as tfe\ntfe.enable_eager_execution()\nprint(1)\n", "print(1)\n",
             ("TFM148",)),
    ]
