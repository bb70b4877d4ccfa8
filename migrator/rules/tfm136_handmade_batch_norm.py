"""TFM136: a hand-made batch norm (get_variable beta/gamma + tf.nn.moments or moving-statistics
variables + moving_averages.assign_moving_average + tf.nn.batch_normalization) ->
keras.layers.BatchNormalization with the same epsilon, momentum and initializers."""
from __future__ import annotations

import libcst as cst

from ..emit import call, code, wrap_long_call
from ..helpers import register_source
from .base import Case, Rule
from ..translate.tf1_helpers import FIXED_MODE_BN
from ..analysis.handmade_batch_norm import _BN, HandmadeBatchNormAnalysis

TF1_MOMENTS_AXES = register_source("tf1_ops", "tf1_moments_axes")


_FIXED = "# tflearn-migrate helper: FixedModeBatchNormalization\n" + FIXED_MODE_BN.code + "\n\n"


class HandmadeBatchNorm(HandmadeBatchNormAnalysis, Rule):
    ID = "TFM136"
    TRIGGERS = ("tensorflow",)
    NAME = "handmade-batch-norm"
    MESSAGE = "hand-made batch norm (moments / moving averages / tf.nn.batch_normalization) -> keras.layers.BatchNormalization"
    RATIONALE = ("A function that creates beta/gamma with get_variable, takes the batch statistics from "
                 "tf.nn.moments (every axis but the last) or its moving-statistics variables, and calls "
                 "tf.nn.batch_normalization computes what keras.layers.BatchNormalization(axis=-1) computes: "
                 "the same epsilon (variance_epsilon), momentum = assign_moving_average's decay, the same "
                 "initializers. Which statistics TF1 used was decided when the graph was built (a Python "
                 "`if` in the function): that test becomes the layer's `training=` argument - batch "
                 "statistics when it held, the moving statistics otherwise (the layer updates them only "
                 "while training=True, when they are not read). "
                 "assign_moving_average's zero_debias only changes the moving statistics of the branch "
                 "that never reads them, so it has no effect on any output. A test that is a TF1 tensor "
                 "(tf.cond) is not translated. A moments axes list is checked where it runs "
                 "(tf1_moments_axes).")
    ORDER = 25

    # -- rewriting ---------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.ctx.legacy_name(original.func) != _BN:
            return updated
        plan = self._plan()
        spec = plan.calls.get(id(original))
        if spec is None:
            why = self._why.get(id(original))
            if why:
                self.todo(original, f"hand-made batch norm not translated: {why}")
            return updated
        x = updated.args[0].value
        kw = {k: (v.deep_clone() if isinstance(v, cst.CSTNode) else v) for k, v in spec["kw"].items()}
        # TF1 chose the statistics once, when it built the graph: the layer keeps that mode
        # (a functional Keras model would pass its own training flag over a training= argument)
        layer = wrap_long_call(call("FixedModeBatchNormalization", training=spec["training"].deep_clone(), **kw))
        self.ctx.use_helper("FixedModeBatchNormalization")
        self.ctx.add_import("keras")
        self.ctx.count(self)
        self.report(original, f"hand-made batch norm -> FixedModeBatchNormalization(training="
                              f"{code(spec['training']).strip()})")
        return cst.Call(func=layer, args=[cst.Arg(x)])

    def leave_SimpleStatementLine(self, original, updated):
        plan = self._plan()
        if id(original) in plan.remove:
            self.ctx.remove_statement(original)
            return updated
        m = plan.moments.get(id(original))
        if m is not None:
            value = updated.body[0].value
            args = {a.keyword.value if a.keyword else i: a.value for i, a in enumerate(value.args)}
            x = args.get(0, args.get("x"))
            axes = args.get(1, args.get("axes"))
            self.ctx.use_helper("tf1_moments_axes")
            return updated.with_changes(body=[cst.Expr(call("tf1_moments_axes", x, axes))])
        return updated

    def leave_If(self, original, updated):
        plan = self._plan()
        if id(original) not in plan.ifs:
            return updated
        body = updated.body
        if isinstance(body, cst.IndentedBlock) and not body.body:
            updated = updated.with_changes(body=body.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])]))
        if isinstance(updated.orelse, cst.Else) and isinstance(updated.orelse.body, cst.IndentedBlock) \
                and not updated.orelse.body.body:
            updated = updated.with_changes(orelse=None)
        return updated

    VALID = ["import keras\ny = keras.layers.BatchNormalization()(x)\n"]
    INVALID = [
        # a Python flag decides the statistics when the graph is built: training=<the test>
        Case("import tensorflow as tf\nfrom tensorflow.python.training import moving_averages\n\n\n"
             "def batch_norm(x, name, ops, is_train=True):\n"
             "    with tf.variable_scope(name):\n"
             "        shape = [x.get_shape()[-1]]\n"
             "        beta = tf.get_variable('beta', shape, tf.float32, initializer=tf.constant_initializer(0.0))\n"
             "        gamma = tf.get_variable('gamma', shape, tf.float32, initializer=tf.constant_initializer(1.0))\n"
             "        if is_train:\n"
             "            mean, variance = tf.nn.moments(x, [0, 1, 2], name='moments')\n"
             "            moving_mean = tf.get_variable('moving_mean', shape, tf.float32,\n"
             "                                          initializer=tf.constant_initializer(0.0), trainable=False)\n"
             "            moving_variance = tf.get_variable('moving_variance', shape, tf.float32,\n"
             "                                              initializer=tf.constant_initializer(1.0), trainable=False)\n"
             "            ops.append(moving_averages.assign_moving_average(moving_mean, mean, 0.99))\n"
             "            ops.append(moving_averages.assign_moving_average(moving_variance, variance, 0.99))\n"
             "        else:\n"
             "            mean = tf.get_variable('moving_mean', shape, tf.float32,\n"
             "                                   initializer=tf.constant_initializer(0.0), trainable=False)\n"
             "            variance = tf.get_variable('moving_variance', shape, tf.float32,\n"
             "                                       initializer=tf.constant_initializer(1.0), trainable=False)\n"
             "        y = tf.nn.batch_normalization(x, mean, variance, beta, gamma, 1e-3)\n"
             "        y.set_shape(x.get_shape())\n"
             "        return y\n",
             "import keras\n\n\n# tflearn-migrate helper: tf1_moments_axes\n" + TF1_MOMENTS_AXES.code + "\n\n" + _FIXED + 'def batch_norm(x, name, ops, is_train=True):\n    shape = [x.shape[-1]]\n    if is_train:\n        tf1_moments_axes(x, [0, 1, 2])\n    y = FixedModeBatchNormalization(\n        training=is_train,\n        epsilon=1e-3,\n        momentum=0.99,\n    )(x)\n    return y\n', ("TFM136",)),
        # batch statistics only (no moving averages), no scale, a beta initialized to 0.1
        Case("import tensorflow as tf\n\n\ndef bn(x):\n"
             "    beta = tf.get_variable('beta', [8], initializer=tf.constant_initializer(0.1))\n"
             "    mean, var = tf.nn.moments(x, [0])\n"
             "    return tf.nn.batch_normalization(x, mean, var, beta, None, 1e-5)\n",
             "import keras\n\n\n# tflearn-migrate helper: tf1_moments_axes\n" + TF1_MOMENTS_AXES.code + "\n\n" + _FIXED + 'def bn(x):\n    tf1_moments_axes(x, [0])\n    return FixedModeBatchNormalization(\n        training=True,\n        epsilon=1e-5,\n        scale=False,\n        beta_initializer=keras.initializers.Constant(0.1),\n    )(x)\n', ("TFM136",)),
        # statistics chosen by a TF1 tensor (tf.cond on a placeholder): not translated, said why
        Case("import tensorflow as tf\n\n\ndef bn(x, training):\n"
             "    beta = tf.get_variable('beta', [8], initializer=tf.constant_initializer(0.0))\n"
             "    gamma = tf.get_variable('gamma', [8], initializer=tf.constant_initializer(1.0))\n"
             "    mean, var = tf.cond(training, lambda: tf.nn.moments(x, [0]), lambda: (m, v))\n"
             "    return tf.nn.batch_normalization(x, mean, var, beta, gamma, 1e-5)\n",
             None, ("TFM136",), todo=True),
    ]
    REQUIRES = ("TFM138", "TFM139")

