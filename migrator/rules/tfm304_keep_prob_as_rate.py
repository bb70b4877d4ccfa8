"""TFM304: a keep probability passed where a drop rate is expected -> rate = 1 - keep_prob."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, expr
from ..analysis.siamese import matches, name_text, resolve_literal
from .base import Case, Rule

# calls whose ``rate`` parameter is a DROP probability: name -> index of ``rate`` when positional
RATE_CALLS = {
    "keras.layers.Dropout": 0, "keras.layers.SpatialDropout1D": 0, "keras.layers.SpatialDropout2D": 0,
    "keras.layers.SpatialDropout3D": 0, "keras.layers.AlphaDropout": 0, "keras.layers.GaussianDropout": 0,
    "keras.layers.core.Dropout": 0, "keras.random.dropout": 1,
    "tensorflow.layers.dropout": 1, "tensorflow.layers.Dropout": 0,
    "tensorflow.nn.dropout": None,  # TF1: the 2nd positional is keep_prob; only rate= is a rate
}


def looks_like_keep(text: str | None) -> bool:
    return text is not None and "keep" in text.lower()


class KeepProbAsRate(Rule):
    ID = "TFM304"
    NAME = "keep-prob-as-drop-rate"
    MESSAGE = "a keep probability is passed as a dropout rate"
    RATIONALE = ("TF1's tf.nn.dropout(x, keep_prob) and tflearn's dropout(x, keep_prob) take the "
                 "probability to KEEP a unit; Keras' Dropout(rate), tf.layers.dropout(rate=) and "
                 "tf.nn.dropout(rate=) take the probability to DROP it. Passing keep_prob=0.9 "
                 "as a rate drops 90% of the units (and scales the rest by 10): training sees "
                 "mostly noise. FIX: rate = 1 - keep_prob. Detected when the value passed as "
                 "rate is a name containing 'keep' (keep_prob, self.keep_rate, cfg['keep_prob']) "
                 "whose value is not known to be <= 0.5: a name bound to a literal 0.5 or less "
                 "is left alone (0.5 keeps and drops alike; a smaller 'keep' value passed as a "
                 "rate is a moderate drop rate, not evidence of a mix-up). Unsafe: applied only "
                 "with --unsafe-fixes or --fix TFM304.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.UNSAFE
    APPLICABILITY_REASON = ("changes a hyperparameter (the dropout rate the model trains with) "
                            "on the evidence of a name only: if the name lies, the fix turns an "
                            "intended drop rate into its complement.")
    SEVERITY = Severity.WARNING
    ORDER = 50  # before the enclosing call is translated

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        call = self.ctx.parent(original)
        if not isinstance(call, cst.Call) or original.star:
            return updated
        name = matches(self.ctx, call, RATE_CALLS)
        if name is None:
            return updated
        kw = original.keyword.value if original.keyword is not None else None
        if kw is None:
            idx = RATE_CALLS[name]
            positional = [a for a in call.args if a.keyword is None]
            if idx is None or idx >= len(positional) or positional[idx] is not original:
                return updated
        elif kw != "rate":
            return updated
        text = name_text(original.value)
        if not looks_like_keep(text):
            return updated
        value = resolve_literal(self.ctx, original.value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0.5:
            return updated  # keep 0.5 == drop 0.5; a small "keep" value is a moderate drop rate
        what = name.rsplit(".", 1)[1]
        src = code(original.value).strip()
        if not self.fixes_enabled:
            self.report(original, f"{src} looks like a keep probability but {what} takes the "
                                  f"drop rate", fix=f"rate={src} -> rate=1 - {src}")
            return updated
        self.report(original, f"{src} looks like a keep probability but {what} takes the drop "
                              f"rate: rate=1 - {src}", fixed=True)
        return updated.with_changes(value=expr("1 - {k}", k=updated.value))

    VALID = [
        "import keras\nx = keras.layers.Dropout(0.5)(x)\n",
        "import keras\nx = keras.layers.Dropout(rate=drop_rate)(x)\n",
        "import keras\nx = keras.layers.Dropout(1 - keep_prob)(x)\n",
        # a 'keep' name whose value is 0.5 or less: nothing to cure
        "import keras\nkeep_prob = 0.5\nx = keras.layers.Dropout(keep_prob)(x)\n",
        "import keras\nkeep_rate = 0.2\nx = keras.layers.Dropout(rate=keep_rate)(x)\n",
    ]
    INVALID = [
        Case("import keras\nx = keras.layers.Dropout(keep_prob)(x)\n",
             "import keras\nx = keras.layers.Dropout(1 - keep_prob)(x)\n", ("TFM304",), unsafe_fixes=True),
        # unsafe: withheld by default, reported with the change it would make
        Case("import keras\nx = keras.layers.Dropout(keep_prob)(x)\n", None, ("TFM304",)),
        Case("import keras\nx = keras.layers.Dropout(keep_prob)(x)\n", None, ("TFM304",), fixes=False),
        Case("import keras\nkeep_prob = 0.8\nx = keras.layers.Dropout(keep_prob)(x)\n",
             "import keras\nkeep_prob = 0.8\nx = keras.layers.Dropout(1 - keep_prob)(x)\n", ("TFM304",),
             unsafe_fixes=True),
        Case("from tensorflow import keras\n"
             "x = keras.layers.Dropout(rate=self.keep_rate)(x)\n",
             "from tensorflow import keras\n"
             "x = keras.layers.Dropout(rate=1 - self.keep_rate)(x)\n", ("TFM304",), unsafe_fixes=True),
        Case("import tensorflow as tf\nh = tf.nn.dropout(h, rate=keep_prob)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "h = tf.nn.dropout(h, rate=1 - keep_prob)\n", ("TFM304",), todo=True, unsafe_fixes=True),
        Case("import tensorflow as tf\nh = tf.nn.dropout(h, keep_prob)\n", None, (), todo=True,
             unsafe_fixes=True),
    ]
