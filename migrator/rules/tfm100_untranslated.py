"""TFM100: any tflearn / TF1 reference left after translation is marked, never dropped."""
from __future__ import annotations

from ..diagnostics import Severity
from .base import Case, Rule


class Untranslated(Rule):
    """Implemented by the engine (``RuleDispatcher._finish_statement``): after all rules ran
    on a statement, any reference still bound to a tflearn / TensorFlow-1 import gets a
    ``# TODO(tflearn-migrate): TFM100`` marker and a report entry; legacy imports that
    such lines still need are kept (and marked) instead of being removed."""

    ID = "TFM100"
    NAME = "untranslated-api"
    MESSAGE = "no Keras translation for this legacy API; statement kept and marked TODO"
    RATIONALE = ("Anything the rewriter cannot translate must stay visible: the statement is "
                 "kept as it was and marked so that a person finishes the port.")
    SEVERITY = Severity.WARNING
    VALID = ["import keras\nx = keras.layers.Dense(3)(y)\n"]
    INVALID = [
        Case("import tflearn\nnet = tflearn.layers.conv.upscore_layer(net, 3)\n",
             None, ("TFM100",), todo=True),
        Case("import tensorflow as tf\nq = tf.FIFOQueue(10, [tf.float32])\n",
             None, ("TFM100",), todo=True),
    ]
