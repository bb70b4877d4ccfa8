"""TFM305: a classification loss (binary cross-entropy) applied directly to a distance."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, expr
from ..analysis.siamese import (CONTRASTIVE_HELPER, CONTRASTIVE_MARGIN, compiled_distance_model, distance_kind,
                       loss_family, qnames)
from .base import Case, Rule

# TF1 / Keras per-example BCE calls: name -> (labels, logits-or-predictions) parameter positions/keywords
_BCE_CALLS = {
    "tensorflow.nn.sigmoid_cross_entropy_with_logits": (("labels", 1), ("logits", 2)),
    "keras.losses.binary_crossentropy": (("y_true", 0), ("y_pred", 1)),
    "keras.backend.binary_crossentropy": (("target", 0), ("output", 1)),
    "tensorflow.losses.sigmoid_cross_entropy": (("multi_class_labels", 0), ("logits", 1)),
    "tensorflow.losses.log_loss": (("labels", 0), ("predictions", 1)),
    "keras.metrics.binary_crossentropy": (("y_true", 0), ("y_pred", 1)),
}


def _arg(call: cst.Call, kw: str, pos: int) -> cst.BaseExpression | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == kw:
            return a.value
    positional = [a for a in call.args if a.keyword is None]
    return positional[pos].value if pos < len(positional) else None


class BceOnDistance(Rule):
    ID = "TFM305"
    NAME = "bce-on-distance"
    MESSAGE = "binary cross-entropy applied directly to a distance"
    RATIONALE = ("A distance is >= 0 and unbounded; binary cross-entropy reads it as a probability "
                 "(or a logit): sigmoid(d) >= 0.5 for every pair, so SAME pairs (y = 1) are pushed to "
                 "large distances and DIFFERENT pairs to distance 0 - the objective is inverted or "
                 "saturated and the embeddings collapse. FIX: the contrastive loss with margin "
                 f"{CONTRASTIVE_MARGIN} on the distance (y = 1 for a SAME pair): a registered "
                 "helper contrastive_loss(y_true, y_pred) for compile(loss=...), the same formula "
                 "inline for TF1 code. With --no-fixes the loss is kept and reported. (A sigmoid "
                 "HEAD on top of a distance, as in seed 002, is a learned classifier and is left alone.)")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.SAFE
    APPLICABILITY_REASON = ("proven from the code like TFM204: the model's output is computed as "
                            'a distance (a norm / abs / sqrt of a difference), which binary '
                            'cross-entropy cannot read as a probability (sigmoid(d) >= 0.5 for '
                            'every pair): the objective is inverted or saturated whatever the '
                            'data. The cure replaces an objective that cannot train with the '
                            'contrastive loss TFM204 uses; it changes no data and tunes no value '
                            'the program chose.')
    SEVERITY = Severity.WARNING
    ORDER = 150

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        call = self.ctx.parent(original)
        if (original.keyword is None or original.keyword.value != "loss" or not isinstance(call, cst.Call)
                or loss_family(original.value) != "bce"):
            return updated
        if compiled_distance_model(self.ctx, call) is None:
            return updated
        if not self.fixes_enabled:
            self.report(original, f"loss={code(original.value).strip()} on a model whose output is a "
                                  f"distance; use a contrastive loss")
            return updated
        self.ctx.use_helper(CONTRASTIVE_HELPER)
        self.ctx.add_import("keras")
        self.report(original, f"loss={code(original.value).strip()} on a distance -> contrastive_loss "
                              f"(margin {CONTRASTIVE_MARGIN}, label 1 = SAME)", fixed=True)
        return updated.with_changes(value=cst.Name(CONTRASTIVE_HELPER))

    def leave_Call(self, original: cst.Call, updated: cst.BaseExpression) -> cst.BaseExpression:
        q = qnames(self.ctx, original)
        spec = next((v for k, v in _BCE_CALLS.items() if k in q), None)
        if spec is None:
            return updated
        (ykw, ypos), (dkw, dpos) = spec
        y, d = _arg(original, ykw, ypos), _arg(original, dkw, dpos)
        if y is None or d is None or not distance_kind(self.ctx, d) or distance_kind(self.ctx, y):
            return updated
        simple = isinstance(y, cst.Name) and isinstance(d, cst.Name)
        if not self.fixes_enabled or not simple:
            self.report(original, f"{code(original).strip()}: cross-entropy on the distance "
                                  f"{code(d).strip()}; use a contrastive loss"
                                  + ("" if simple else " (not fixed: label and distance must be plain names)"))
            return updated
        self.ctx.add_import("keras")
        self.report(original, f"cross-entropy on the distance {d.value} -> per-pair contrastive loss "
                              f"(margin {CONTRASTIVE_MARGIN}, label 1 = SAME)", fixed=True)
        return expr("{y} * keras.ops.square({d}) + (1.0 - {y}) * keras.ops.square(keras.ops.maximum({m} - {d}, 0.0))",
                    y=cst.Name(y.value), d=cst.Name(d.value), m=cst.Float(repr(CONTRASTIVE_MARGIN)))

    VALID = [
        "import keras\n"
        "def euclidean_distance(v):\n    return keras.ops.sqrt(keras.ops.sum(keras.ops.square(v[0] - v[1]), axis=1))\n"
        "d = keras.layers.Lambda(euclidean_distance)([a, b])\n"
        "out = keras.layers.Dense(1, activation='sigmoid')(d)\n"
        "model = keras.Model([ia, ib], out)\n"
        "model.compile(loss='binary_crossentropy', optimizer='adam')\n",
        # a classifier (not a distance) trained with binary cross-entropy
        "import keras\n"
        "h = keras.layers.Concatenate()([a, b])\n"
        "out = keras.layers.Dense(1, activation='sigmoid')(h)\n"
        "model = keras.Model([ia, ib], out)\n"
        "model.compile(loss='binary_crossentropy', optimizer='adam')\n",
        # a distance trained with a contrastive loss already
        "import keras\n"
        "def euclidean_distance(v):\n    return v\n"
        "d = keras.layers.Lambda(euclidean_distance)([a, b])\n"
        "model = keras.Model([ia, ib], d)\n"
        "model.compile(loss=contrastive_loss, optimizer='adam')\n",
        # Koch et al.: a learned head (dense on |a - b|) gives the logits, not the distance itself
        "import keras\n"
        "joins = keras.ops.abs(fa - fb)\n"
        "logits = keras.layers.Dense(1)(joins)\n"
        "loss = keras.ops.mean(keras.losses.binary_crossentropy(labels, logits, from_logits=True))\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "d = tf.reduce_sum(tf.square(a - b), 1)\n"
             "loss = tf.losses.sigmoid_cross_entropy(y, d)\n",
             None, ("TFM305",), fixes=False, todo=True),
        Case("import keras\n"
             "def euclidean_distance(v):\n    return v\n"
             "d = keras.layers.Lambda(euclidean_distance)([a, b])\n"
             "model = keras.Model([ia, ib], d)\n"
             "model.compile(loss='binary_crossentropy', optimizer='adam')\n",
             "import keras\n\n\n"
             "# tflearn-migrate helper: contrastive_loss\n"
             "def contrastive_loss(y_true, y_pred, margin=1.0):\n"
             "    \"\"\"TFM204/TFM305: contrastive loss on a distance ``y_pred``; ``y_true`` = 1 for a SAME pair:\n"
             "    mean(y * d^2 + (1 - y) * max(margin - d, 0)^2).\"\"\"\n"
             "    y_pred = keras.ops.reshape(y_pred, (-1,))\n"
             "    y_true = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), y_pred.dtype)\n"
             "    same = y_true * keras.ops.square(y_pred)\n"
             "    different = (1.0 - y_true) * keras.ops.square(keras.ops.maximum(margin - y_pred, 0.0))\n"
             "    return keras.ops.mean(same + different)\n\n\n"
             "def euclidean_distance(v):\n    return v\n"
             "d = keras.layers.Lambda(euclidean_distance)([a, b])\n"
             "model = keras.Model([ia, ib], d)\n"
             "model.compile(loss=contrastive_loss, optimizer='adam')\n",
             ("TFM305",)),
        Case("import keras\n"
             "def euclidean_distance(v):\n    return v\n"
             "d = keras.layers.Lambda(euclidean_distance)([a, b])\n"
             "model = keras.Model([ia, ib], d)\n"
             "model.compile(loss='binary_crossentropy', optimizer='adam')\n",
             None, ("TFM305",), fixes=False),
        Case("import tensorflow as tf\n"
             "dist = tf.sqrt(tf.reduce_sum(tf.square(a - b), 1) + 1e-6)\n"
             "loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=dist))\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "dist = tf.sqrt(tf.reduce_sum(tf.square(a - b), 1) + 1e-6)\n"
             "loss = tf.reduce_mean(y * keras.ops.square(dist) + (1.0 - y) * keras.ops.square("
             "keras.ops.maximum(1.0 - dist, 0.0)))\n",
             ("TFM305",), todo=True),
    ]
