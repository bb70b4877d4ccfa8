"""TFM148: TensorFlow execution-mode switches (``tf.enable_eager_execution()``,
``tf.compat.v1.disable_v2_behavior()``, ``disable_eager_execution()`` ...) -> removed: Keras 3
runs eagerly. Where TF1 lines stay behind (TODO-marked), the switch is put back after the
imports, marked, because those lines still need it (engine/finish_imports.py)."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Severity
from ..emit import code as code_of
from .base import Case, Rule

_SWITCHES = ("enable_eager_execution", "disable_eager_execution", "enable_v2_behavior", "disable_v2_behavior",
             "enable_resource_variables", "disable_resource_variables", "enable_control_flow_v2",
             "disable_control_flow_v2", "enable_v2_tensorshape", "disable_v2_tensorshape",
             "enable_tensor_equality", "disable_tensor_equality")
_CALLS = tuple(f"{m}.{s}" for m in ("tensorflow", "tensorflow.compat.v1", "tensorflow.compat.v2") for s in _SWITCHES) + (
    "tensorflow.contrib.eager.enable_eager_execution",)


class EnableEager(Rule):
    ID = "TFM148"
    TRIGGERS = ("tensorflow",)
    NAME = "execution-mode-switch"
    MESSAGE = ("tf.enable_eager_execution() / tf.compat.v1.disable_v2_behavior() and the other execution-mode "
               "switches removed (Keras 3 and keras.ops run eagerly)")
    RATIONALE = ("TF1 built graphs unless `enable_eager_execution()` was called first, and TF1 code run on TF2 "
                 "calls `tf.compat.v1.disable_v2_behavior()` (or `disable_eager_execution()`) to get graphs "
                 "back; Keras 3 has no graph mode outside its own traced functions, so the migrated code "
                 "needs neither. When TF1 statements stay behind, TODO-marked, the switch they need is "
                 "written back after the imports, marked too. A call with arguments (a config, a device "
                 "policy) is kept: those settings have no Keras equivalent.")

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        if len(original.body) != 1 or not isinstance(original.body[0], cst.Expr):
            return updated
        v = original.body[0].value
        if not isinstance(v, cst.Call) or v.args or self.ctx.legacy_name(v.func) not in _CALLS:
            return updated
        from ..engine.todo import has_marker

        if has_marker(original):
            return updated  # written back by an earlier run for the TF1 lines it kept
        self.report(original, f"{code_of(v.func)}() removed: Keras 3 runs eagerly", severity=Severity.INFO)
        self.ctx.count(self)
        self.ctx.mode_switches.append((code_of(original.with_changes(leading_lines=[])).strip(), self.ctx.position(original)))
        return cst.RemoveFromParent()

    VALID = [
        "print(x)\n",
        # a switch with arguments: settings with no Keras equivalent
        "import tensorflow as tf\ntf.enable_eager_execution(config=cfg)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\ntf.enable_eager_execution()\nprint(1)\n", "print(1)\n", ("TFM148",)),
        Case("import tensorflow.contrib.eager as tfe\ntfe.enable_eager_execution()\nprint(1)\n", "print(1)\n",
             ("TFM148",)),
        Case("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\nprint(1)\n", "print(1)\n", ("TFM148",)),
        Case("import tensorflow as tf\ntf.compat.v1.disable_eager_execution()\nprint(1)\n", "print(1)\n",
             ("TFM148",)),
    ]
