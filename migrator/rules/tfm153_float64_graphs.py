"""TFM153: a TF1 graph built in float64 (or float16): the Keras layers compute in float32.

TF1 made a variable in the dtype it was given (``tf.get_variable(..., dtype=tf.float64)``, a
``variable_scope(..., dtype=tf.float64)`` around it) and its legacy layers (``tf.layers``, the RNN
cells) took the dtype of their inputs (a ``tf.placeholder(tf.float64, ...)``). Keras 3 layers
compute in their own dtype policy, float32 unless ``dtype=`` or ``keras.config.set_floatx`` says
otherwise, and cast their inputs to it. The translations of this tool write no layer dtype (except
where a rule says so, e.g. TFM158's cells in a loop's ``dtype=``), so such a program runs in float32
after migration: the same model at another precision. That is reported where TF1 chose the
dtype, never silently changed; where the whole model was float64, ``keras.config.set_floatx(
"float64")`` at the top of the migrated program gives TF1's precision back.
"""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Severity
from .base import Case, Rule

_WIDE = {"tensorflow.float64": "float64", "tensorflow.double": "float64", "tensorflow.float16": "float16",
         "tensorflow.half": "float16"}
# the calls that choose a dtype for what layers compute: (positional index of dtype, or None)
_DTYPE_AT = {
    "tensorflow.placeholder": 0,
    "tensorflow.compat.v1.placeholder": 0,
    "tensorflow.get_variable": 2,
    "tensorflow.variable_scope": None,
}


class Float64Graphs(Rule):
    ID = "TFM153"
    TRIGGERS = ("float64", "double", "float16", "half")
    NAME = "float64-graphs"
    MESSAGE = "TF1 graph in float64 / float16: the Keras layers compute in float32 (reported)"
    RATIONALE = ("TF1 variables take the dtype they are given (get_variable / variable_scope dtype=) "
                 "and its layers the dtype of their inputs (a float64 placeholder); Keras 3 layers compute "
                 "in their dtype policy (float32) and cast their inputs to it. The migration writes no "
                 "layer dtype, so the program runs at float32 precision: reported on each call that chose "
                 "float64 / float16 - keras.config.set_floatx('float64') gives a whole-float64 model its "
                 "precision back.")

    def visit_Module(self, node: cst.Module) -> None:
        self._lines: set[int] = set()

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        q = self.ctx.legacy_name(original)
        if q not in _DTYPE_AT:
            return updated
        at = _DTYPE_AT[q]
        positional = [a for a in original.args if a.keyword is None and not a.star]
        node = next((a.value for a in original.args if a.keyword is not None and a.keyword.value == "dtype"),
                    positional[at].value if at is not None and len(positional) > at else None)
        wide = _WIDE.get(self.ctx.legacy_name(node) or "") if node is not None else None
        if wide is None:
            return updated
        line = self.ctx.position(original)[0]
        if line in self._lines:
            return updated
        self._lines.add(line)
        what = {"tensorflow.variable_scope": "variables made in this scope are",
                "tensorflow.get_variable": "this variable is"}.get(q, "this input is")
        self.report(original, f"{what} {wide} in TF1 (and the legacy layers reading it computed in {wide}); "
                    "Keras layers compute in float32 unless the migration gives them dtype= (TFM158's "
                    f"recurrent loops do) - set keras.config.set_floatx('{wide}') where the whole model was {wide}",
                    severity=Severity.WARNING)
        return updated

    VALID = [
        "import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\n",
        "import tensorflow as tf\nx = tf.placeholder(tf.int64, [None])\n",
        "import tensorflow as tf\nwith tf.variable_scope('m', reuse=True):\n    pass\n",
        # the dtype of a cast, of numpy data: no layer's
        "import numpy as np\nimport tensorflow as tf\na = np.zeros(3, dtype=np.float64)\nb = tf.cast(x, tf.float64)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nx = tf.placeholder(tf.float64, [None, 4])\ny = tf.layers.dense(x, 2)\n",
             "import keras\n\nx = keras.Input(shape=(4,), dtype='float64')\ny = keras.layers.Dense(2)(x)\n",
             ("TFM153",), requires=("TFM140", "TFM131")),
        Case("import tensorflow as tf\nwith tf.variable_scope('m', dtype=tf.float64):\n    pass\n", None,
             ("TFM153",), todo=True),
    ]
