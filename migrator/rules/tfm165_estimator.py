"""TFM165: ``tf.estimator.Estimator(model_fn)`` trained and evaluated on
``tf.estimator.inputs.numpy_input_fn`` -> the ``TF1Estimator`` helper on Keras 3 (model_fn called
on keras.Input features/labels per mode; train = train_on_batch of the spec's loss with its
optimizer; evaluate = the EVAL graph over the input with the trained weights)."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..emit import call
from ..helpers import register_source
from .base import Case, Rule
from ..translate.tf1_helpers import LOSS_MODEL  # registers the LossModel helper
from ..analysis.estimators import ACCURACY, ESTIMATOR, Estimators, INPUT_FN, SPEC, _KEEP, _SIGS, why_args
MODE_KEYS = "tensorflow.estimator.ModeKeys"
_TO = {ESTIMATOR: "TF1Estimator", SPEC: "TF1EstimatorSpec", INPUT_FN[0]: "TF1NumpyInputFn",
       INPUT_FN[1]: "TF1NumpyInputFn", ACCURACY: "TF1Accuracy"}

PARTS = register_source("tf1_programs", "TF1EstimatorParts",
                        also=("TF1ModeKeys", "TF1EstimatorSpec", "TF1Minimize", "TF1Accuracy", "TF1NumpyInputFn", "TF1Estimator"),
                        requires=("LossModel",))


class Estimator(Rule):
    ID = "TFM165"
    TRIGGERS = ("tensorflow",)
    NAME = "estimator"
    MESSAGE = "tf.estimator.Estimator(model_fn) + numpy_input_fn -> TF1Estimator helper (Keras 3)"
    RATIONALE = (
        "An Estimator called model_fn(features, labels, mode) in a fresh graph per train / evaluate call "
        "and carried the weights through its checkpoint. TF1Estimator calls model_fn once per mode on "
        "keras.Input features and labels shaped like the input_fn's arrays (the layers model_fn builds are "
        "Keras layers after TFM131/TFM130), trains a LossModel of the spec's loss with the spec's optimizer "
        "(the one passed to minimize; global_step is TF1Estimator.global_step) one batch per step, and "
        "evaluates the EVAL graph with the trained weights copied in (same layers in the same order; "
        "Estimator restored them by name): the metrics over every example (tf.metrics.accuracy: "
        "correct / count), `loss` the mean of the batch losses (Estimator's tf.metrics.mean of the loss) "
        "and `global_step`. numpy_input_fn's defaults (batch_size 128, num_epochs 1, queue_capacity 1000) "
        "and feeding are TF1's: rows in order (shuffle=False) or from a random start through a shuffle "
        "queue keeping capacity/4 rows (shuffle=True - random in both, so not the same order), batches "
        "running across epoch ends, the last one smaller when num_epochs is set. Declined: model_dir / "
        "config / warm_start_from (a checkpoint could be restored), hooks, predict / export, other "
        "metrics, train_op other than one minimize.")
    ORDER = 40

    def _est(self) -> Estimators:
        return self.ctx.analysis(Estimators)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        e = self._est()
        if not e.ok:
            return updated
        if id(original) in e.minimize:
            b = BoundArgs(updated, "loss, global_step=None, var_list=None")
            self.ctx.use_helper("TF1EstimatorParts")
            self.ctx.count(self)
            return call("TF1Minimize", updated.func.value, b.node("loss"))
        q = self.ctx.legacy_name(original.func)
        if q not in _TO:
            return updated
        why = why_args(self.ctx, q, original)
        if why:
            self.todo(original, f"{q.rsplit('.', 1)[1]}: {why}")
            return updated
        b = BoundArgs(updated, _SIGS[q], original)
        kw = {k: b.node(k) for k in _KEEP[q] if b.given(k)}
        self.ctx.use_helper("TF1EstimatorParts")
        self.ctx.count(self)
        return call(_TO[q], **kw) if q != ESTIMATOR else call(_TO[q], kw.pop("model_fn"), **kw)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        e = self._est()
        if not e.ok or self.ctx.legacy_name(original.value) != MODE_KEYS:
            return updated
        if original.attr.value not in ("TRAIN", "EVAL", "PREDICT"):
            return updated
        self.ctx.use_helper("TF1EstimatorParts")
        return cst.Attribute(cst.Name("TF1ModeKeys"), original.attr)

    VALID = [
        # the estimator is exported / predicted with: not translated
        "import tensorflow as tf\nm = tf.estimator.Estimator(model_fn)\nm.predict(fn)\n",
        "import tensorflow as tf\nm = tf.estimator.Estimator(model_fn, model_dir='/tmp/m')\nm.train(fn, steps=3)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def model_fn(features, labels, mode):\n"
             "    logits = net(features)\n"
             "    if mode == tf.estimator.ModeKeys.PREDICT:\n"
             "        return tf.estimator.EstimatorSpec(mode, predictions=logits)\n"
             "    loss_op = loss(labels, logits)\n"
             "    train_op = opt.minimize(loss_op, global_step=tf.train.get_global_step())\n"
             "    acc_op = tf.metrics.accuracy(labels=labels, predictions=logits)\n"
             "    return tf.estimator.EstimatorSpec(mode=mode, predictions=logits, loss=loss_op,\n"
             "                                      train_op=train_op, eval_metric_ops={'accuracy': acc_op})\n"
             "model = tf.estimator.Estimator(model_fn)\n"
             "fn = tf.estimator.inputs.numpy_input_fn(x={'images': X}, y=Y, batch_size=64, num_epochs=None,\n"
             "                                        shuffle=True)\n"
             "model.train(fn, steps=10)\n"
             "e = model.evaluate(tf.estimator.inputs.numpy_input_fn(x={'images': X}, y=Y, shuffle=False))\n",
             "import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: LossModel\n" + LOSS_MODEL.code
             + "\n\n# tflearn-migrate helper: TF1EstimatorParts\n" + PARTS.code + "\n\n"
             "def model_fn(features, labels, mode):\n"
             "    logits = net(features)\n"
             "    if mode == TF1ModeKeys.PREDICT:\n"
             "        return TF1EstimatorSpec(mode=mode, predictions=logits)\n"
             "    loss_op = loss(labels, logits)\n"
             "    train_op = TF1Minimize(opt, loss_op)\n"
             "    acc_op = TF1Accuracy(labels=labels, predictions=logits)\n"
             "    return TF1EstimatorSpec(mode=mode, predictions=logits, loss=loss_op, train_op=train_op, "
             "eval_metric_ops={'accuracy': acc_op})\n"
             "model = TF1Estimator(model_fn)\n"
             "fn = TF1NumpyInputFn(x={'images': X}, y=Y, batch_size=64, num_epochs=None, shuffle=True)\n"
             "model.train(fn, steps=10)\n"
             "e = model.evaluate(TF1NumpyInputFn(x={'images': X}, y=Y, shuffle=False))\n",
             ()),
        # hooks: the whole estimator stays (TFM100 marks it)
        Case("import tensorflow as tf\nm = tf.estimator.Estimator(model_fn)\nm.train(fn, hooks=[h])\n", None,
             todo=True),
    ]
