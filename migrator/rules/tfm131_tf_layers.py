"""TFM131: tf.layers.* (TF1 functional layers) -> keras.layers with TF1's defaults."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..diagnostics import Severity
from ..emit import apply_layer, call, literal, to_node, wrap_long_call
from ..translate.tf1 import activation_kw, initializer_of, padding_of, reads_update_ops
from ..translate.tflearn import Untranslatable
from ..analysis.keep_prob import fixed_number
from ..helpers import register_source
from ..translate.tf1_store import scoped_layer, store_function
from .base import Case, CallRule
from ..translate.tf1_helpers import FIXED_MODE_BN

_WEIGHTED = ("dense", "conv2d", "conv1d", "batch_normalization")  # layers with variables


TF1_MODE_BN = register_source("tf1_layers", "TF1ModeBatchNormalization")

_COMMON = ("kernel_initializer=None, bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, "
           "activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None, "
           "reuse=None")
SIGS = {
    "dense": "inputs, units, activation=None, use_bias=True, " + _COMMON,
    # the layer class (eager code: tfe.Network's track_layer) - built, not applied
    "Dense": "units, activation=None, use_bias=True, " + _COMMON.rsplit(", reuse=None", 1)[0],
    "conv2d": ("inputs, filters, kernel_size, strides=(1, 1), padding='valid', data_format='channels_last', "
               "dilation_rate=(1, 1), activation=None, use_bias=True, " + _COMMON),
    "conv1d": ("inputs, filters, kernel_size, strides=1, padding='valid', data_format='channels_last', "
               "dilation_rate=1, activation=None, use_bias=True, " + _COMMON),
    "max_pooling2d": "inputs, pool_size, strides, padding='valid', data_format='channels_last', name=None",
    "average_pooling2d": "inputs, pool_size, strides, padding='valid', data_format='channels_last', name=None",
    "max_pooling1d": "inputs, pool_size, strides, padding='valid', data_format='channels_last', name=None",
    "flatten": "inputs, name=None, data_format='channels_last'",
    "dropout": "inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None",
    "batch_normalization": (
        "inputs, axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True, beta_initializer=None, "
        "gamma_initializer=None, moving_mean_initializer=None, moving_variance_initializer=None, "
        "beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, "
        "training=False, trainable=True, name=None, reuse=None, renorm=False, renorm_clipping=None, "
        "renorm_momentum=0.99, fused=None, virtual_batch_size=None, adjustment=None"),
}
_KERAS = {"dense": "Dense", "conv2d": "Conv2D", "conv1d": "Conv1D", "max_pooling2d": "MaxPooling2D",
          "average_pooling2d": "AveragePooling2D", "max_pooling1d": "MaxPooling1D", "flatten": "Flatten",
          "dropout": "Dropout", "batch_normalization": "BatchNormalization"}


class TfLayers(CallRule):
    ID = "TFM131"
    TRIGGERS = ("tensorflow",)
    NAME = "tf-layers"
    MESSAGE = "tf.layers.* -> keras.layers with TF1's defaults"
    RATIONALE = ("tf.layers' defaults mostly equal Keras' (glorot_uniform kernels, zero biases, 'valid' "
                 "padding, batch_normalization momentum 0.99 / epsilon 1e-3). The differences written out: "
                 "tf.layers.dropout and batch_normalization default to training=False (dropout is then "
                 "the identity and batch norm always uses its moving statistics); a training= argument "
                 "fed from an is_training placeholder becomes Keras' own training flag. Layer names are "
                 "dropped (Keras numbers layers; TF1 reused names across towers). reuse= is left to "
                 "TFM205.")
    CALLS = tuple(f"tensorflow.layers.{n}" for n in SIGS)

    def translate(self, qname, original, updated):
        short = qname.rsplit(".", 1)[1]
        try:
            b = BoundArgs(updated, SIGS[short], original)
            out = self.build(short, b, original)
            key = self._named_key(original) if short in _WEIGHTED else None
            if key is not None:
                out = self._named(key, out)
            elif short in _WEIGHTED and store_function(self.ctx, original) is not None:
                out = self._scoped(b, out)
        except (Unbindable, Untranslatable, ValueError) as ex:
            self.todo(original, f"tf.layers.{short}: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def _python_mode(self, original: cst.Call, training: cst.BaseExpression) -> bool:
        """``training=<a parameter>`` in a translated model class's code (TF1Classes.class_function)
        whose class has no placeholder read as a mode: the value is a Python bool the class
        passes down (``set_is_training(True)``), fixed when TF1 built that instance's graph."""
        from ..analysis.flow import Flow
        from ..analysis.tf1_classes import TF1Classes

        if not isinstance(training, cst.Name):
            return False
        if self._tower_mode(original, training):
            return True
        tc = self.ctx.analysis(TF1Classes)
        fn = tc.class_function(original)
        if fn is None:
            return False
        defs = self.ctx.analysis(Flow).scope_of(original).by_name.get(training.value, ())
        if len(defs) != 1 or defs[0].index != -1:
            return False
        return not any(p.role == "hyper" and p.name not in cp.learning_rates and tc.attr_read(cp, p.name)
                       for cp in tc.classes.values() if not cp.why for p in cp.placeholders.values())

    def _tower_mode(self, original: cst.Call, training: cst.BaseExpression) -> bool:
        """``training=<a parameter>`` of a tower builder whose towers TFM205 keeps as written
        (each call passes a constant mode: TF1's training and evaluation towers)."""
        if not isinstance(training, cst.Name) or not self.ctx.rule_active("TFM205"):
            return False
        from ..analysis.shared_plan import SharedPlan

        return self.ctx.analysis(SharedPlan).mode_param(original, training.value)

    def _scoped(self, b: BoundArgs, out):
        """A model class built twice into one graph (translate/tf1_store.py): the layer comes from
        TF1's variable store, keyed at run time by its scope path and name=."""
        if not b.given("name") or literal(b.node("name"), "?") is None:
            raise Untranslatable("a layer without name= in a model class built twice (TF1 numbers such layers)")
        if not (isinstance(out, cst.Call) and isinstance(out.func, cst.Call) and out.args):
            raise Untranslatable("a layer this rule does not apply to its input in a model class built twice")
        stored = scoped_layer(self.ctx, b.node("name"), out.func, out.args[0].value)
        return stored.with_changes(args=[*stored.args, *out.args[1:]])

    def _named_key(self, original: cst.Call) -> str | None:
        from ..analysis.named_layer_reuse import NamedLayerReuse

        return self.ctx.analysis(NamedLayerReuse).key_of(original)

    def _named(self, key: str, out):
        """``tf1_layer('<scope>/<name>', lambda: <layer>)(x)``: straight-line calls sharing their
        variables by name (analysis/named_layer_reuse.py) get one layer."""
        if not (isinstance(out, cst.Call) and isinstance(out.func, cst.Call) and out.args):
            raise Untranslatable("a layer this rule does not apply to its input, shared by name")
        self.ctx.use_helper("tf1_layer")
        make = cst.Lambda(params=cst.Parameters(), body=out.func)
        return cst.Call(func=cst.Call(func=cst.Name("tf1_layer"), args=[cst.Arg(cst.SimpleString(repr(key))),
                                                                        cst.Arg(make)]), args=out.args)

    def build(self, short: str, b: BoundArgs, original: cst.Call):
        if b.given("reuse") and literal(b.node("reuse"), True) is not None and self._named_key(original) is None:
            raise Untranslatable("reuse= (variables shared by name; see TFM205)")
        regs = {}
        if short in ("dense", "conv2d", "conv1d", "Dense"):
            # contrib / slim l1 / l2 regularizers as TFM132 writes them (rules/tfm151: only where the
            # file adds REGULARIZATION_LOSSES to a loss; otherwise TF1 never trained with them)
            from ..translate.regularizers import regularizer_of

            from ..analysis.scope_initializers import inherited_regularizer, scope_regularizer_matters

            for n in ("kernel_regularizer", "bias_regularizer"):
                if b.given(n) and literal(b.node(n), 0) is not None:
                    reg, note = regularizer_of(self.ctx, b.node(n), b.orig(n))
                    regs[n] = reg  # None: no regularizer, or one TF1 never trained with
                    if reg is None and note:
                        self.report(original, f"{n} {note}", severity=Severity.INFO)
                elif n == "bias_regularizer" and literal(b.node("use_bias"), True) is False:
                    continue  # (no bias variable)
                elif short == "Dense":
                    if scope_regularizer_matters(self.ctx):
                        raise Untranslatable("the file's variable scopes set regularizer=: this layer object's "
                                             "variables take the one in force where it is first called (not followed)")
                else:
                    # None: TF1's get_variable adds the variable scope's regularizer (bias too)
                    regs[n] = inherited_regularizer(self.ctx, original, "the " + n.split("_")[0])
        unset = object()  # not a literal (a regularizer call): never "the default"
        for n in ("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                  "bias_constraint", "beta_regularizer", "gamma_regularizer", "renorm", "virtual_batch_size",
                  "adjustment", "noise_shape", "dilation_rate"):
            if n in regs:
                continue
            v = literal(b.node(n), unset) if n in b.params and b.given(n) else None
            if v is unset or v not in (None, False, 1, (1, 1)) or (v in (1, (1, 1)) and n != "dilation_rate"):
                raise Untranslatable(f"{n}= is not translated")
        if b.given("data_format") and literal(b.node("data_format"), None) != "channels_last":
            raise Untranslatable("data_format other than channels_last")
        cls = short == "Dense"  # the class: the same layer, not applied to an input
        if cls:
            short = "dense"
        x = b.node("inputs") if not cls else None
        kw: dict = {}
        args: list = []
        if short in ("dense", "conv2d", "conv1d"):
            args.append(b.node("units" if short == "dense" else "filters"))
            if short != "dense":
                args.append(b.node("kernel_size"))
                if b.given("strides"):
                    kw["strides"] = b.node("strides")
                if b.given("padding"):
                    kw["padding"] = padding_of(b.node("padding"), "valid")
            kw["activation"] = activation_kw(self.ctx, b.node("activation"), b.orig("activation")) \
                if b.given("activation") else None
            if not b.is_default("use_bias"):
                kw["use_bias"] = b.node("use_bias")
            k = initializer_of(self.ctx, b.node("kernel_initializer"), b.orig("kernel_initializer")) \
                if b.given("kernel_initializer") else None
            if k is None:
                # kernel_initializer=None: TF1's get_variable takes the variable scope's initializer
                # (``variable_scope('model', initializer=...)`` around the model), else Glorot-uniform
                from ..analysis.scope_initializers import ScopeInitializers, inherited_initializer

                if not cls:
                    k = inherited_initializer(self.ctx, original, "the kernel")
                elif self.ctx.analysis(ScopeInitializers).any:
                    raise Untranslatable("the file's variable scopes set initializer=: this layer object's "
                                         "kernel takes the one in force where it is first called (not followed)")
            if k is not None:
                kw["kernel_initializer"] = k
            if b.given("bias_initializer"):
                kw["bias_initializer"] = initializer_of(self.ctx, b.node("bias_initializer"),
                                                        b.orig("bias_initializer"))
            kw.update({n: r for n, r in regs.items() if r is not None})
        elif short in ("max_pooling2d", "average_pooling2d", "max_pooling1d"):
            args += [b.node("pool_size")]
            kw["strides"] = b.node("strides")
            if b.given("padding"):
                kw["padding"] = padding_of(b.node("padding"), "valid")
        elif short == "dropout":
            training = b.node("training") if b.given("training") else None
            if training is None or literal(training, None) is False:
                self.report(original, "tf.layers.dropout without training= never drops (TF1 default "
                            "training=False): translated to the identity", severity=Severity.WARNING)
                return x
            args.append(b.node("rate"))
            if b.given("seed"):
                kw["seed"] = b.node("seed")
            tower = self._tower_mode(original, b.orig("training"))
            if tower or (
                    literal(training, None) is True
                    and fixed_number(self.ctx, b.orig("rate") or b.node("rate"), original)):
                # pinned per call in TF1ModeDropout, as a functional Keras model would pass ITS
                # training flag over the one written at the call: a Python bool each tower call
                # fixes (TF1 built one graph per mode), or training=True at a constant rate
                # (TF1 dropped in every run, evaluation too)
                self.ctx.use_helper("TF1ModeDropout")
                return call(call("TF1ModeDropout", *args, **kw), x, tf1_training=training if tower else to_node(True))
            layer = call("keras.layers.Dropout", *args, **kw)
            if literal(training, None) is True:
                return cst.Call(func=layer, args=[cst.Arg(x), cst.Arg(to_node(True), keyword=cst.Name("training"),
                                                                      equal=_eq())])
            return apply_layer(layer, x)
        elif short == "batch_normalization":
            for n in ("axis", "momentum", "epsilon", "center", "scale"):
                if b.given(n):
                    kw[n] = b.node(n)
            for n, k in (("beta_initializer", "beta_initializer"), ("gamma_initializer", "gamma_initializer")):
                if b.given(n):
                    kw[k] = initializer_of(self.ctx, b.node(n), b.orig(n))
            training = b.node("training") if b.given("training") else None
            if training is None or literal(training, None) is not None:
                # a constant mode: a functional Keras model passes ITS training flag to every layer
                # call (overriding training=False written at the call), so the layer pins it
                flag = bool(literal(training, False)) if training is not None else False
                self.ctx.use_helper("FixedModeBatchNormalization")
                return apply_layer(wrap_long_call(call("FixedModeBatchNormalization", training=to_node(flag), **kw)), x)
            if self._python_mode(original, b.orig("training")):
                # a Python bool passed down from the model class (train / inference instance):
                # TF1 fixed the mode per call; Keras' functional flag would override it
                self.ctx.use_helper("TF1ModeBatchNormalization")
                if not reads_update_ops(self.ctx):
                    kw = {"updates": to_node(False), **kw}  # no train op runs them: TF1 never updated
                layer = wrap_long_call(call("TF1ModeBatchNormalization", **kw))
                return cst.Call(func=layer, args=[cst.Arg(x), cst.Arg(training, keyword=cst.Name("tf1_training"),
                                                                      equal=_eq())])
            # training=<fed from a placeholder>: Keras' own training flag; TF1 moved the moving
            # statistics only in steps that ran UPDATE_OPS, and its fused kernel (4-D inputs)
            # moves the variance by the UNBIASED batch variance: TF1ModeBatchNormalization does both
            self.ctx.use_helper("TF1ModeBatchNormalization")
            kw = {"keras_flag": to_node(True), **kw}
            if not reads_update_ops(self.ctx):
                kw = {"updates": to_node(False), **kw}  # no train op runs them: TF1 never updated
            layer = wrap_long_call(call("TF1ModeBatchNormalization", **kw))
            return apply_layer(layer, x)
        if b.given("trainable") and not b.is_default("trainable"):
            kw["trainable"] = b.node("trainable")
        layer = wrap_long_call(call(f"keras.layers.{_KERAS[short]}", *args, **kw))
        return layer if cls else apply_layer(layer, x)

    VALID = ["import keras\nh = keras.layers.Dense(3)(x)\n"]
    INVALID = [
        Case("import tensorflow as tf\nh = tf.layers.dense(x, 32, activation=tf.nn.relu, name='fc1')\n"
             "h = tf.layers.conv2d(h, 8, 3, padding='SAME')\n",
             "import keras\n\nh = keras.layers.Dense(32, activation='relu')(x)\n"
             "h = keras.layers.Conv2D(8, 3, padding='same')(h)\n"),
        Case("import tensorflow as tf\n"
             "h = tf.layers.dense(x, 4, kernel_initializer=tf.truncated_normal_initializer(stddev=0.1))\n"
             "h = tf.layers.dropout(h, 0.3, training=is_training)\nh = tf.layers.dropout(h, 0.3)\n"
             "h = tf.layers.batch_normalization(h, training=is_training)\n",
             "import keras\n\n\n# tflearn-migrate helper: TF1ModeBatchNormalization\n" + TF1_MODE_BN.code
             + "\n\nh = keras.layers.Dense(\n    4,\n"
             "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n)(x)\n"
             "h = keras.layers.Dropout(0.3)(h)\nh = h\n"
             "h = TF1ModeBatchNormalization(updates=False, keras_flag=True)(h)\n", ("TFM131",)),
        # the train op runs UPDATE_OPS: the moving statistics move in the training steps
        Case("import tensorflow as tf\n"
             "h = tf.layers.batch_normalization(x, training=is_training)\n"
             "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n\n# tflearn-migrate helper: TF1ModeBatchNormalization\n"
             + TF1_MODE_BN.code + "\n\nh = TF1ModeBatchNormalization(keras_flag=True)(x)\n"
             "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n", todo=True),
        Case("import tensorflow as tf\nfc = tf.layers.Dense(10, activation=tf.nn.relu)\nout = tf.layers.Dense(2)\n",
             "import keras\n\nfc = keras.layers.Dense(10, activation='relu')\nout = keras.layers.Dense(2)\n"),
        Case("import tensorflow as tf\nh = tf.layers.batch_normalization(x, momentum=0.9)\n",
             "import keras\n\n\n# tflearn-migrate helper: FixedModeBatchNormalization\n" + FIXED_MODE_BN.code
             + "\n\nh = FixedModeBatchNormalization(training=False, momentum=0.9)(x)\n"),
        Case("import tensorflow as tf\nh = tf.layers.dense(x, 4, reuse=True, name='fc')\n", None, ("TFM131",),
             todo=True),
        # a contrib l2 regularizer whose collection the file adds to its loss: Keras' L2 at half the
        # scale (TF1's l2_loss halves); the LossModel / compile(loss=) add the layer losses
        Case("import tensorflow as tf\nh = tf.layers.dense(x, 4, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1))\n"
             "loss = tf.reduce_mean(tf.square(h - y)) + tf.losses.get_regularization_loss()\n",
             "import keras\n\nh = keras.layers.Dense(4, kernel_regularizer=keras.regularizers.L2(0.05))(x)\n"
             "loss = keras.ops.mean(keras.ops.square(h - y)) + 0.0\n"),
        # nothing reads the collection: TF1 never trained with the regularizer (dropped, reported)
        Case("import tensorflow as tf\nh = tf.layers.dense(x, 4, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1))\n",
             "import keras\n\nh = keras.layers.Dense(4)(x)\n", ("TFM131",)),
        # a regularizer held in a name (TFM151 translates the binding): nothing reads the collection,
        # so the layer drops it as above, reported (it used to be dropped silently: a call is no literal)
        Case("import tensorflow as tf\nreg = tf.contrib.layers.l2_regularizer(0.1)\n"
             "h = tf.layers.dense(x, 4, kernel_regularizer=reg)\n",
             "import keras\n\nreg = keras.regularizers.L2(0.05)\nh = keras.layers.Dense(4)(x)\n", ("TFM131",)),
    ]
    REQUIRES = ("TFM130", "TFM151")


def _eq() -> cst.AssignEqual:
    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
