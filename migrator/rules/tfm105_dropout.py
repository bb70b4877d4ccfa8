"""TFM105: tflearn dropout(x, keep_prob) -> keras.layers.Dropout(rate=1 - keep_prob)."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..diagnostics import Severity
from ..emit import expr, float_repr, literal, to_node
from ..translate.layer import LayerRule
from ..translate.tflearn import Untranslatable
from .base import Case


class Dropout(LayerRule):
    ID = "TFM105"
    TRIGGERS = ("tflearn",)
    NAME = "dropout-keep-prob"
    MESSAGE = "tflearn dropout(x, keep_prob) -> keras.layers.Dropout(rate=1 - keep_prob)"
    RATIONALE = ("tflearn's second argument is the probability to KEEP a unit; Keras' Dropout "
                 "takes the probability to DROP it. dropout(x, 0.8) keeps 80% -> Dropout(0.2). "
                 "Both apply only while training and scale kept units by 1/keep_prob.")
    SIGNATURES = {"tflearn.layers.core.dropout": "incoming, keep_prob, noise_shape=None, name='Dropout'"}

    def build(self, qname, b: BoundArgs, original):
        keep = b.node("keep_prob")
        val = literal(keep, None)
        if isinstance(val, (int, float)) and not isinstance(val, bool):
            if not 0 < val <= 1:
                raise Untranslatable(f"keep_prob={val} is not in (0, 1]")
            rate: cst.BaseExpression = cst.parse_expression(float_repr(round(1.0 - float(val), 10)))
            if val < 0.5:
                self.report(original, f"dropout keeps only {val:.0%} of the units (keep_prob={val}); "
                            f"if {val} was meant as a drop rate, use Dropout({val})",
                            severity=Severity.WARNING)
        else:
            rate = expr("1 - {k}", k=keep)
        kw = {}
        if b.given("noise_shape") and literal(b.node("noise_shape"), 0) is not None:
            ns = literal(b.node("noise_shape"), None)
            if not isinstance(ns, (list, tuple)):
                raise Untranslatable("non-literal noise_shape")
            kw["noise_shape"] = to_node(tuple(None if i == 0 else d for i, d in enumerate(ns)))
        if b.given("name"):
            kw["name"] = b.node("name")
        return self.layer("Dropout", b.node("incoming"), rate, **kw)

    VALID = ["import keras\nx = keras.layers.Dropout(0.5)(x)\n"]
    INVALID = [
        Case("import tflearn\nx = tflearn.dropout(x, 0.8)\n",
             "import keras\n\nx = keras.layers.Dropout(0.2)(x)\n"),
        Case("from tflearn.layers.core import dropout\ndef f(x, keep):\n    return dropout(x, keep_prob=keep)\n",
             "import keras\n\ndef f(x, keep):\n    return keras.layers.Dropout(1 - keep)(x)\n"),
        Case("import tflearn\nx = tflearn.dropout(x, 0.2)\n",
             "import keras\n\nx = keras.layers.Dropout(0.8)(x)\n", ("TFM105",)),
    ]
