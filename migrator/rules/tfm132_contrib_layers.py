"""TFM132: tf.contrib.layers.* -> keras.layers with contrib's defaults written out."""
from __future__ import annotations

import libcst as cst

from ..analysis.arg_scopes import ArgScopes, slim_op
from ..args import BoundArgs, Unbindable
from ..diagnostics import Severity
from ..emit import apply_layer, call, expr, literal, to_node, wrap_long_call
from ..translate.tf1 import activation_kw, initializer_of, padding_of, reads_update_ops
from ..translate.tflearn import Untranslatable
from ..helpers import register_source
from .base import Case, CallRule

CONTRIB_BN = register_source("tf1_layers", "ContribBatchNormalization")

_FC = ("inputs, num_outputs, activation_fn='relu', normalizer_fn=None, normalizer_params=None, "
       "weights_initializer='xavier', weights_regularizer=None, biases_initializer='zeros', "
       "biases_regularizer=None, reuse=None, variables_collections=None, outputs_collections=None, "
       "trainable=True, scope=None")
_CONV = ("inputs, num_outputs, kernel_size, stride=1, padding='SAME', data_format=None, rate=1, "
         "activation_fn='relu', normalizer_fn=None, normalizer_params=None, weights_initializer='xavier', "
         "weights_regularizer=None, biases_initializer='zeros', biases_regularizer=None, reuse=None, "
         "variables_collections=None, outputs_collections=None, trainable=True, scope=None")
SIGS = {
    "fully_connected": _FC,
    "conv2d": _CONV,
    "max_pool2d": "inputs, kernel_size, stride=2, padding='VALID', data_format='NHWC', outputs_collections=None, scope=None",
    "avg_pool2d": "inputs, kernel_size, stride=2, padding='VALID', data_format='NHWC', outputs_collections=None, scope=None",
    "flatten": "inputs, outputs_collections=None, scope=None",
    "dropout": "inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None, scope=None, seed=None",
    "batch_norm": ("inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None, "
                   "param_initializers=None, param_regularizers=None, updates_collections='UPDATE_OPS', "
                   "is_training=True, reuse=None, variables_collections=None, outputs_collections=None, "
                   "trainable=True, batch_weights=None, fused=None, data_format='NHWC', zero_debias_moving_mean=False, "
                   "scope=None, renorm=False, renorm_clipping=None, renorm_decay=0.99, adjustment=None"),
}


class ContribLayers(CallRule):
    ID = "TFM132"
    TRIGGERS = ("tensorflow",)
    NAME = "contrib-layers"
    MESSAGE = "tf.contrib.layers.* -> keras.layers with contrib's defaults"
    RATIONALE = ("contrib's defaults differ from Keras': fully_connected and conv2d apply relu unless "
                 "activation_fn=None and use xavier (glorot-uniform) weights; conv2d pads 'SAME'; "
                 "max_pool2d/avg_pool2d stride 2, 'VALID'; batch_norm decay 0.999, epsilon 0.001, "
                 "scale=False (no gamma); dropout takes keep_prob (0.5). batch_norm runs TF1's fused kernel "
                 "(the moving variance moves toward the unbiased batch variance) and its default "
                 "is_training=True normalises evaluation batches with their own statistics too (pinned "
                 "by the ContribBatchNormalization helper); dropout's is_training=True default drops in "
                 "evaluation runs too (reported: Keras' Dropout drops in training only).")
    CALLS = tuple(f"tensorflow.contrib.layers.{n}" for n in SIGS) + tuple(
        f"tensorflow.contrib.slim.{n}" for n in SIGS) + (
        "tensorflow.contrib.layers.convolution2d", "tensorflow.contrib.slim.convolution2d")

    def translate(self, qname, original, updated):
        short = slim_op(qname) or qname.rsplit(".", 1)[1]
        scopes = self.ctx.analysis(ArgScopes)
        try:
            if id(original) in scopes.blocked:
                raise Untranslatable(f"arg_scope not translated: {scopes.blocked[id(original)]}")
            # slim.arg_scope keyword defaults (TFM150 drops the block): written into the call
            given = {a.keyword.value for a in original.args if a.keyword is not None}
            extra = [cst.Arg(value=v, keyword=cst.Name(k), equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
                for k, v in scopes.defaults_for(original).items() if k not in given]
            bound_orig = original.with_changes(args=list(original.args) + extra) if extra else original
            if extra:
                updated = updated.with_changes(args=list(updated.args) + extra)
            out = self.build(short, BoundArgs(updated, SIGS[short], bound_orig), original)
        except (Unbindable, Untranslatable, ValueError) as ex:
            scopes.mark_failed(original)
            self.todo(original, f"tf.contrib.layers.{short}: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def _act(self, b: BoundArgs):
        if not b.given("activation_fn"):
            return to_node("relu")
        return activation_kw(self.ctx, b.node("activation_fn"), b.orig("activation_fn"))

    def build(self, short: str, b: BoundArgs, original: cst.Call):
        from ..translate.regularizers import regularizer_of

        regs = {}
        for n, k in (("weights_regularizer", "kernel_regularizer"), ("biases_regularizer", "bias_regularizer")):
            if n in b.params and b.given(n):
                reg, note = regularizer_of(self.ctx, b.node(n), b.orig(n))
                if reg is not None:
                    regs[k] = reg
                elif note:
                    self.report(original, f"{n} {note}", severity=Severity.INFO)
        for n in ("reuse", "normalizer_fn", "param_initializers",
                  "param_regularizers", "noise_shape", "batch_weights", "renorm"):
            if n in b.params and b.given(n) and literal(b.node(n), 1) not in (None, False):
                raise Untranslatable(f"{n}= is not translated")
        x = b.node("inputs")
        kw: dict = {}
        if short in ("fully_connected", "conv2d"):
            args = [b.node("num_outputs")]
            if short == "conv2d":
                if b.given("rate") and literal(b.node("rate"), None) != 1:
                    raise Untranslatable("rate= (dilation)")
                args.append(b.node("kernel_size"))
                if b.given("stride"):
                    kw["strides"] = b.node("stride")
                kw["padding"] = padding_of(b.node("padding") if b.given("padding") else None, "same")
            kw["activation"] = self._act(b)
            if b.given("weights_initializer"):
                kw["kernel_initializer"] = initializer_of(self.ctx, b.node("weights_initializer"),
                                                          b.orig("weights_initializer"))
            if b.given("biases_initializer"):
                if literal(b.node("biases_initializer"), 0) is None:
                    kw["use_bias"] = False
                else:
                    kw["bias_initializer"] = initializer_of(self.ctx, b.node("biases_initializer"),
                                                            b.orig("biases_initializer"))
            if b.given("trainable") and not b.is_default("trainable"):
                kw["trainable"] = b.node("trainable")
            kw.update(regs)
            cls = "Dense" if short == "fully_connected" else "Conv2D"
            return apply_layer(wrap_long_call(call(f"keras.layers.{cls}", *args, **kw)), x)
        if regs:
            raise Untranslatable("a regularizer on a layer without weights")
        if short in ("max_pool2d", "avg_pool2d"):
            cls = "MaxPooling2D" if short == "max_pool2d" else "AveragePooling2D"
            return apply_layer(call(f"keras.layers.{cls}", b.node("kernel_size"),
                                    strides=b.node("stride") if b.given("stride") else 2,
                                    padding=padding_of(b.node("padding") if b.given("padding") else None, "valid")), x)
        if short == "flatten":
            return apply_layer(call("keras.layers.Flatten"), x)
        if short == "dropout":
            if not b.given("is_training") or literal(b.node("is_training"), None) is True:
                self.report(original, "contrib dropout's is_training=True (its default) drops in evaluation "
                            "runs too; Keras' Dropout drops in training only", severity=Severity.WARNING)
            keep = b.node("keep_prob")
            v = literal(keep, None)
            rate = to_node(round(1.0 - float(v), 10)) if isinstance(v, (int, float)) else expr("1 - {k}", k=keep)
            return apply_layer(call("keras.layers.Dropout", rate), x)
        # batch_norm
        kw = {"momentum": b.node("decay") if b.given("decay") else 0.999,
              "epsilon": b.node("epsilon") if b.given("epsilon") else 0.001,
              "center": b.node("center") if b.given("center") else None,
              "scale": b.node("scale") if b.given("scale") else False}
        for n in ("fused", "zero_debias_moving_mean"):
            if b.given(n) and literal(b.node(n), None) is not None and literal(b.node(n), None) != (n == "fused"):
                raise Untranslatable(f"{n}={literal(b.node(n), None)} is not translated")
        if b.given("data_format") and literal(b.node("data_format"), None) != "NHWC":
            raise Untranslatable("data_format other than NHWC is not translated")
        training = b.node("is_training") if b.given("is_training") else None
        flag = True if training is None else literal(training, None)
        if isinstance(flag, bool):
            # a constant mode (contrib's default is_training=True: evaluation batches are
            # normalised with their own statistics too): pinned, the model's flag would override it
            kw = {"training": to_node(flag), **kw}
        coll = b.orig("updates_collections") if b.given("updates_collections") else None
        if coll is None or self.ctx.legacy_name(coll) == "tensorflow.GraphKeys.UPDATE_OPS":
            if not reads_update_ops(self.ctx, original):
                kw["updates"] = to_node(False)  # nothing runs UPDATE_OPS: TF1 never moved the statistics
        elif literal(coll, 1) is not None:
            raise Untranslatable("updates_collections other than None / UPDATE_OPS is not translated")
        self.ctx.use_helper("ContribBatchNormalization")
        out = apply_layer(wrap_long_call(call("ContribBatchNormalization", **kw)), x)
        if b.given("activation_fn"):
            act = activation_kw(self.ctx, b.node("activation_fn"), b.orig("activation_fn"))
            if act is not None:
                out = apply_layer(call("keras.layers.Activation", act), out)
        return out

    VALID = ["import keras\nh = keras.layers.Dense(3)(x)\n"]
    INVALID = [
        Case("import tensorflow as tf\nh = tf.contrib.layers.fully_connected(x, 32)\n"
             "o = tf.contrib.layers.fully_connected(h, 10, activation_fn=None)\n"
             "c = tf.contrib.layers.conv2d(img, 8, 3)\np = tf.contrib.layers.max_pool2d(c, 2)\n",
             "import keras\n\nh = keras.layers.Dense(32, activation='relu')(x)\n"
             "o = keras.layers.Dense(10)(h)\n"
             "c = keras.layers.Conv2D(8, 3, padding='same', activation='relu')(img)\n"
             "p = keras.layers.MaxPooling2D(2, strides=2, padding='valid')(c)\n"),
        Case("import tensorflow as tf\nh = tf.contrib.layers.dropout(x, 0.8)\n"
             "g = tf.contrib.layers.dropout(x, 0.8, is_training=training)\n",
             "import keras\n\nh = keras.layers.Dropout(0.2)(x)\ng = keras.layers.Dropout(0.2)(x)\n",
             diagnostics=("TFM132",)),
        # a tensor flag: the model's mode; no train op runs UPDATE_OPS: the statistics never move
        Case("import tensorflow as tf\nh = tf.contrib.layers.batch_norm(x, is_training=training)\n",
             "import keras\n\n\n# tflearn-migrate helper: ContribBatchNormalization\n" + CONTRIB_BN.code
             + "\n\nh = ContribBatchNormalization(\n    momentum=0.999,\n    epsilon=0.001,\n"
             "    scale=False,\n    updates=False,\n)(x)\n"),
        # contrib's default is_training=True is pinned; updates_collections=None: updated in place
        Case("import tensorflow as tf\nh = tf.contrib.layers.batch_norm(x, decay=0.9, updates_collections=None)\n",
             "import keras\n\n\n# tflearn-migrate helper: ContribBatchNormalization\n"
             + CONTRIB_BN.code + "\n\nh = ContribBatchNormalization(\n    training=True,\n    momentum=0.9,\n"
             "    epsilon=0.001,\n    scale=False,\n)(x)\n"),
    ]
