"""TFM132: tf.contrib.layers.* -> keras.layers with contrib's defaults written out."""
from __future__ import annotations

import libcst as cst

from ..analysis.arg_scopes import ArgScopes, slim_op
from ..analysis.shared_plan import SharedPlan, ignores_reuse
from ..args import BoundArgs, Unbindable
from ..diagnostics import Severity
from ..emit import apply_layer, call, code, expr, literal, to_node, wrap_long_call
from ..translate.tf1 import activation_kw, initializer_of, padding_of, reads_update_ops
from ..translate.tflearn import Untranslatable
from ..translate.tf1_helpers import TF1_MODE_DROPOUT
from ..analysis.keep_prob import KeepProbResolver, fixed_number, python_bools
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
    "softmax": "logits, scope=None",
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
                 "max_pool2d/avg_pool2d stride 2, 'VALID'; softmax is over the last axis; batch_norm decay 0.999, epsilon 0.001, "
                 "scale=False (no gamma); dropout takes keep_prob (0.5). batch_norm runs TF1's fused kernel "
                 "(the moving variance moves toward the unbiased batch variance) and its default "
                 "is_training=True normalises evaluation batches with their own statistics too (pinned "
                 "by the ContribBatchNormalization helper); dropout's is_training=True default drops in "
                 "evaluation runs too (kept: TF1ModeDropout pinned to training, reported), is_training=False "
                 "never drops (the identity); a tensor flag is the model's mode. A fully_connected / "
                 "conv2d with normalizer_fn=batch_norm makes no biases and applies batch norm (its "
                 "normalizer_params, and the keywords of arg_scopes listing batch_norm) before the activation.")
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
            no_reuse = ignores_reuse(self.ctx.analysis(SharedPlan), original)
            extra = [cst.Arg(value=v, keyword=cst.Name(k), equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
                for k, v in scopes.defaults_for(original).items() if k not in given
                and not (k == "reuse" and no_reuse)]
            bound_orig = original.with_changes(args=list(original.args) + extra) if extra else original
            if extra:
                updated = updated.with_changes(args=list(updated.args) + extra)
            self._bn_defaults = scopes.normalizer_defaults(original)
            out = self.build(short, BoundArgs(updated, SIGS[short], bound_orig), original)
        except (Unbindable, Untranslatable, ValueError) as ex:
            scopes.mark_failed(original)
            self.todo(original, f"tf.contrib.layers.{short}: {ex}")
            return None
        if short != "dropout" or not any(out is a.value for a in updated.args):  # (is_training=False: its input)
            self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def _act(self, b: BoundArgs):
        if not b.given("activation_fn"):
            return to_node("relu")
        return activation_kw(self.ctx, b.node("activation_fn"), b.orig("activation_fn"))

    def _normalizer(self, short: str, b: BoundArgs, original: cst.Call):
        """``normalizer_fn=slim.batch_norm`` (with ``normalizer_params`` a dict literal, and the
        keywords of the arg_scopes listing batch_norm): the batch_norm call TF1 makes on the
        layer's bias-free output, as an (updated, original) pair of calls without the input; None
        when the layer has no normalizer."""
        if not b.given("normalizer_fn") or literal(b.node("normalizer_fn"), 1) is None:
            return None
        if slim_op(self.ctx.legacy_name(b.orig("normalizer_fn"))) != "batch_norm":
            raise Untranslatable("normalizer_fn= other than batch_norm is not translated")
        merged: dict[str, tuple[cst.BaseExpression, cst.BaseExpression]] = {
            k: (v, v) for k, v in getattr(self, "_bn_defaults", {}).items()}
        if b.given("normalizer_params") and literal(b.node("normalizer_params"), 1) is not None:
            new, old = b.node("normalizer_params"), b.orig("normalizer_params")
            if not (isinstance(new, cst.Dict) and isinstance(old, cst.Dict)
                    and len(new.elements) == len(old.elements)):
                raise Untranslatable("normalizer_params= other than a dict literal is not translated")
            for en, eo in zip(new.elements, old.elements):
                key = literal(getattr(eo, "key", None), None)
                if not isinstance(en, cst.DictElement) or not isinstance(key, str):
                    raise Untranslatable("normalizer_params= with a key that is not a string literal")
                merged[key] = (en.value, eo.value)
        params = {q.split("=")[0].strip() for q in SIGS["batch_norm"].split(",")}
        unknown = sorted(k for k in merged if k not in params or k == "inputs")
        if unknown:
            raise Untranslatable(f"normalizer_params= with {', '.join(unknown)}")

        def kwarg(k, v):
            return cst.Arg(value=v, keyword=cst.Name(k), equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))

        func = cst.Name("batch_norm")
        placeholder = cst.Name("inputs")
        new_call = cst.Call(func=func, args=[kwarg(k, v[0]) for k, v in merged.items()])
        old_call = cst.Call(func=func, args=[cst.Arg(value=placeholder)]
                            + [kwarg(k, v[1]) for k, v in merged.items()])
        return new_call, old_call

    def build(self, short: str, b: BoundArgs, original: cst.Call):
        from ..translate.regularizers import regularizer_of

        from ..analysis.scope_initializers import inherited_regularizer, scope_regularizer_matters

        regs = {}
        for n, k in (("weights_regularizer", "kernel_regularizer"), ("biases_regularizer", "bias_regularizer")):
            if n in b.params and b.given(n) and literal(b.node(n), 0) is not None:
                reg, note = regularizer_of(self.ctx, b.node(n), b.orig(n))
                if reg is not None:
                    regs[k] = reg
                elif note:
                    self.report(original, f"{n} {note}", severity=Severity.INFO)
            elif n in b.params and short in ("fully_connected", "conv2d"):
                # None: TF1's get_variable adds the variable scope's regularizer (biases too)
                reg = inherited_regularizer(self.ctx, original, "the " + n.split("_")[0])
                if reg is not None:
                    regs[k] = reg
        if short == "batch_norm" and scope_regularizer_matters(self.ctx):
            raise Untranslatable("the file's variable scopes set regularizer=: TF1 adds it for the batch norm's "
                                 "variables too (not translated)")
        for n in ("reuse", "normalizer_fn", "param_initializers",
                  "param_regularizers", "noise_shape", "batch_weights", "renorm"):
            if n == "normalizer_fn" and short in ("fully_connected", "conv2d"):
                continue
            if n == "reuse" and ignores_reuse(self.ctx.analysis(SharedPlan), original):
                continue  # the encoder / TF1's name store gives the sharing (analysis/shared_plan)
            if n in b.params and b.given(n) and literal(b.node(n), 1) not in (None, False):
                raise Untranslatable(f"{n}= is not translated")
        if short == "softmax":  # contrib: softmax over the last axis, whatever the rank
            return call("keras.ops.softmax", b.node("logits"), axis=-1)
        x = b.node("inputs")
        normalizer = self._normalizer(short, b, original) if short in ("fully_connected", "conv2d") else None
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
            kw["activation"] = self._act(b) if normalizer is None else None
            if b.given("weights_initializer"):
                kw["kernel_initializer"] = initializer_of(self.ctx, b.node("weights_initializer"),
                                                          b.orig("weights_initializer"))
            if normalizer is not None:
                # contrib: with a normalizer_fn the layer makes no biases; normalizer, then activation
                kw["use_bias"] = False
                regs.pop("bias_regularizer", None)
            elif b.given("biases_initializer"):
                if literal(b.node("biases_initializer"), 0) is None:
                    kw["use_bias"] = False
                else:
                    kw["bias_initializer"] = initializer_of(self.ctx, b.node("biases_initializer"),
                                                            b.orig("biases_initializer"))
            if b.given("trainable") and not b.is_default("trainable"):
                kw["trainable"] = b.node("trainable")
            kw.update(regs)
            cls = "Dense" if short == "fully_connected" else "Conv2D"
            out = apply_layer(wrap_long_call(call(f"keras.layers.{cls}", *args, **kw)), x)
            if normalizer is None:
                return out
            bn_call, bn_orig = normalizer
            out = self.build("batch_norm", BoundArgs(bn_call.with_changes(
                args=[cst.Arg(value=out)] + list(bn_call.args)), SIGS["batch_norm"], bn_orig), original)
            act = self._act(b)
            if act is not None:
                out = apply_layer(call("keras.layers.Activation", act), out)
            return out
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
            flag = literal(b.node("is_training"), None) if b.given("is_training") else True
            pinned = None
            if flag is None and isinstance(b.node("is_training"), cst.Name):
                # a parameter of a module function that every call gives a bool literal: TF1 built
                # each call's graph in that mode; Keras' Dropout would follow the model's flag
                # (dropping in training where TF1 passed False)
                modes = python_bools(self.ctx, b.node("is_training").value, original)
                if modes == frozenset({False}):
                    flag = False
                elif modes == frozenset({True}):
                    flag = True
                elif modes == frozenset({True, False}) and fixed_number(
                        self.ctx, b.orig("keep_prob") or b.node("keep_prob"), original):
                    pinned = b.node("is_training")
            if flag is False:  # TF1: the identity (contrib's Dropout layer applied with training=False)
                self.report(original, "contrib dropout with is_training=False never drops: translated to the "
                            "identity", severity=Severity.INFO)
                return x
            keep = b.node("keep_prob")
            v = literal(keep, None)
            okeep = b.orig("keep_prob")
            if v is None and isinstance(okeep, cst.Attribute) and flag is True:
                # self.keep_prob of a model class (TFM144): the constant its training runs feed
                # (the evaluation runs feed 1.0: Keras' inference mode)
                from ..analysis.tf1_classes import TF1Classes, _self_attr

                tc = self.ctx.analysis(TF1Classes)
                fed = tc.keep_prob(okeep)
                if isinstance(fed, (int, float)) and not isinstance(fed, bool) and 0 < fed <= 1:
                    self.report(original, f"keep_prob {code(okeep)} is fed {fed!r} in the training runs and 1.0 in "
                                "the others (TF1's dropout then dropped only while training, as Keras' Dropout "
                                f"does): rate {round(1.0 - float(fed), 10)!r}", severity=Severity.INFO)
                    return apply_layer(call("keras.layers.Dropout", to_node(round(1.0 - float(fed), 10))), x)
                elif _self_attr(okeep) is not None and KeepProbResolver._placeholder_attribute(self, okeep):
                    raise Untranslatable(f"keep_prob {code(okeep)} is a placeholder not fed one constant in "
                                         "training runs and 1.0 elsewhere: Keras' Dropout needs a number")
            rate = to_node(round(1.0 - float(v), 10)) if isinstance(v, (int, float)) else expr("1 - {k}", k=keep)
            if pinned is not None:
                # True at one call, False at another, a constant keep_prob: each call's mode pinned
                # (the True call's graph dropped in every run, evaluation included)
                self.report(original, "contrib dropout's is_training is a Python bool per call: each "
                            "call's mode kept (TF1ModeDropout)", severity=Severity.INFO)
                self.ctx.use_helper("TF1ModeDropout")
                return call(call("TF1ModeDropout", rate), x, tf1_training=pinned)
            if flag is True and not fixed_number(self.ctx, b.orig("keep_prob") or keep, original):
                # a placeholder / tensor keep_prob: the evaluation runs feed 1.0 (or the default), as
                # Keras' inference mode drops nothing; the mode stays the model's
                self.report(original, "contrib dropout's is_training=True (its default) drops in evaluation "
                            "runs too; Keras' Dropout drops in training only", severity=Severity.WARNING)
            elif flag is True:
                # is_training=True (contrib's default) with a constant keep_prob: TF1 dropped in
                # every run, evaluation included;
                # pinned (TF1ModeDropout: a functional model's predict would pass training=False over
                # a training=True written at the call)
                self.report(original, "contrib dropout's is_training=True (its default) drops in evaluation "
                            "runs too: kept so (TF1ModeDropout pinned to training)", severity=Severity.WARNING)
                self.ctx.use_helper("TF1ModeDropout")
                return call(call("TF1ModeDropout", rate), x, tf1_training=to_node(True))
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
        if flag is None and isinstance(training, cst.Name):
            # a tower parameter every call gives the same bool literal: TF1 built the graph in
            # that mode (moving statistics for False), whatever the Keras model's flag
            modes = python_bools(self.ctx, training.value, original)
            if modes is not None and len(modes) == 1:
                (flag,) = modes
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
             "import keras\n\n\n# tflearn-migrate helper: TF1ModeDropout\n" + TF1_MODE_DROPOUT.code
             + "\n\nh = TF1ModeDropout(0.2)(x, tf1_training=True)\ng = keras.layers.Dropout(0.2)(x)\n",
             diagnostics=("TFM132",)),
        # is_training=False: the identity in TF1
        Case("import tensorflow as tf\nh = tf.contrib.layers.dropout(x, 0.8, is_training=False)\n",
             "h = x\n", diagnostics=("TFM132",)),
        # a tensor flag: the model's mode; no train op runs UPDATE_OPS: the statistics never move
        Case("import tensorflow as tf\nh = tf.contrib.layers.batch_norm(x, is_training=training)\n",
             "import keras\n\n\n# tflearn-migrate helper: ContribBatchNormalization\n" + CONTRIB_BN.code
             + "\n\nh = ContribBatchNormalization(\n    momentum=0.999,\n    epsilon=0.001,\n"
             "    scale=False,\n    updates=False,\n)(x)\n"),
        # normalizer_fn=batch_norm: the layer makes no biases; batch norm (normalizer_params), then
        # the activation
        Case("import tensorflow as tf\nh = tf.contrib.layers.fully_connected(x, 8, normalizer_fn="
             "tf.contrib.layers.batch_norm,\n    normalizer_params={'is_training': training, 'decay': 0.9})\n",
             "import keras\n\n\n# tflearn-migrate helper: ContribBatchNormalization\n" + CONTRIB_BN.code
             + "\n\nh = keras.layers.Activation('relu')(ContribBatchNormalization(\n    momentum=0.9,\n"
             "    epsilon=0.001,\n    scale=False,\n    updates=False,\n)(keras.layers.Dense(8, use_bias=False)(x)))\n"),
        # contrib's default is_training=True is pinned; updates_collections=None: updated in place
        Case("import tensorflow as tf\nh = tf.contrib.layers.batch_norm(x, decay=0.9, updates_collections=None)\n",
             "import keras\n\n\n# tflearn-migrate helper: ContribBatchNormalization\n"
             + CONTRIB_BN.code + "\n\nh = ContribBatchNormalization(\n    training=True,\n    momentum=0.9,\n"
             "    epsilon=0.001,\n    scale=False,\n)(x)\n"),
    ]
