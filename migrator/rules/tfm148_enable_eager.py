"""TFM148: TensorFlow execution-mode switches (``tf.enable_eager_execution()``,
``tf.compat.v1.disable_v2_behavior()``, ``disable_eager_execution()`` ...) -> removed: Keras 3
runs eagerly; ``tf.logging.set_verbosity(tf.logging.ERROR)`` too (TF's own log level). Where
TF1 lines stay behind (TODO-marked), the switch is kept where it was, marked, because those lines
still run with it (MigrateCommand._keep_mode_switches)."""
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
# TensorFlow's own log level (``tf.logging.set_verbosity(tf.logging.ERROR)``): what TF printed,
# not what the program computes; the Keras program does not run TF1's graph code that logged
_LOGGING = ("tensorflow.logging.set_verbosity", "tensorflow.compat.v1.logging.set_verbosity",
            "tensorflow.autograph.set_verbosity")


class EnableEager(Rule):
    ID = "TFM148"
    TRIGGERS = ("tensorflow",)
    NAME = "execution-mode-switch"
    MESSAGE = ("tf.enable_eager_execution() / tf.compat.v1.disable_v2_behavior() and the other execution-mode "
               "switches removed (Keras 3 and keras.ops run eagerly), and tf.logging.set_verbosity(...)")
    RATIONALE = ("TF1 built graphs unless `enable_eager_execution()` was called first, and TF1 code run on TF2 "
                 "calls `tf.compat.v1.disable_v2_behavior()` (or `disable_eager_execution()`) to get graphs "
                 "back; Keras 3 has no graph mode outside its own traced functions, so the migrated code "
                 "needs neither. When TF1 statements stay behind, TODO-marked, the switch they need is "
                 "kept where it was, marked too. A call with arguments (a config, a device "
                 "policy) is kept: those settings have no Keras equivalent. `tf.logging.set_verbosity(tf.logging.X)` "
                 "set TensorFlow's own log level for the TF1 graph code; it goes (and stays with TF1 lines "
                 "left behind) the same way.")

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        if len(original.body) != 1 or not isinstance(original.body[0], cst.Expr):
            return updated
        v = original.body[0].value
        if not isinstance(v, cst.Call):
            return updated
        q = self.ctx.legacy_name(v.func)
        if not ((q in _CALLS and not v.args) or (q in _LOGGING and self._tf_level(v))):
            return updated
        from ..engine.todo import has_marker

        if has_marker(original):
            return updated  # kept by an earlier run for the TF1 lines it left
        self.report(original, f"{code_of(v.func)}() removed: Keras 3 runs eagerly" if q in _CALLS else
                    f"{code_of(v.func)}(...) removed: TensorFlow's own log level (the TF1 graph code it "
                    "quietened is gone)", severity=Severity.INFO)
        self.ctx.count(self)
        self.ctx.mode_switches.append((code_of(original.with_changes(leading_lines=[])).strip(), self.ctx.position(original)))
        return cst.RemoveFromParent()

    def _tf_level(self, v: cst.Call) -> bool:
        """The level is a constant of TF's logging module or a number (not a computed value)."""
        if len(v.args) != 1 or v.args[0].keyword is not None:
            return False
        a = v.args[0].value
        return isinstance(a, cst.Integer) or (self.ctx.legacy_name(a) or "").startswith(
            ("tensorflow.logging.", "tensorflow.compat.v1.logging."))

    VALID = [
        "print(x)\n",
        # a switch with arguments: settings with no Keras equivalent
        "import tensorflow as tf\ntf.enable_eager_execution(config=cfg)\n",
        # a computed log level: kept
        "import tensorflow as tf\ntf.logging.set_verbosity(level)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\ntf.enable_eager_execution()\nprint(1)\n", "print(1)\n", ("TFM148",)),
        Case("import tensorflow as tf\ntf.logging.set_verbosity(tf.logging.ERROR)\nprint(1)\n", "print(1)\n",
             ("TFM148",)),
        Case("import tensorflow.contrib.eager as tfe\ntfe.enable_eager_execution()\nprint(1)\n", "print(1)\n",
             ("TFM148",)),
        Case("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\nprint(1)\n", "print(1)\n", ("TFM148",)),
        Case("import tensorflow as tf\ntf.compat.v1.disable_eager_execution()\nprint(1)\n", "print(1)\n",
             ("TFM148",)),
    ]
