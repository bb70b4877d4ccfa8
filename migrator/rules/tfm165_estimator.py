"""TFM165: ``tf.estimator.Estimator(model_fn)`` trained and evaluated on
``tf.estimator.inputs.numpy_input_fn`` -> the ``TF1Estimator`` helper on Keras 3 (model_fn called
on keras.Input features/labels per mode; train = train_on_batch of the spec's loss with its
optimizer; evaluate = the EVAL graph over the input with the trained weights)."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..emit import call
from ..helpers import register
from .base import Case, Rule
from ..translate.tf1_helpers import LOSS_MODEL  # registers the LossModel helper
from ..analysis.estimators import ACCURACY, ESTIMATOR, Estimators, INPUT_FN, SPEC, _KEEP, _SIGS, why_args
MODE_KEYS = "tensorflow.estimator.ModeKeys"
_TO = {ESTIMATOR: "TF1Estimator", SPEC: "TF1EstimatorSpec", INPUT_FN[0]: "TF1NumpyInputFn",
       INPUT_FN[1]: "TF1NumpyInputFn", ACCURACY: "TF1Accuracy"}

PARTS = register("TF1EstimatorParts", '''
class TF1ModeKeys:
    """tf.estimator.ModeKeys (TF1's string values)."""
    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


class TF1EstimatorSpec:
    """tf.estimator.EstimatorSpec: what a model_fn returned for one mode (symbolic Keras tensors)."""

    def __init__(self, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None):
        self.mode = mode
        self.predictions = predictions
        self.loss = loss
        self.train_op = train_op
        self.eval_metric_ops = dict(eval_metric_ops or {})


class TF1Minimize:
    """``optimizer.minimize(loss, global_step=...)`` inside a model_fn: the step TF1Estimator runs."""

    def __init__(self, optimizer, loss):
        self.optimizer = optimizer
        self.loss = loss


class TF1Accuracy:
    """tf.metrics.accuracy(labels, predictions): correct / count over every evaluated example
    (predictions cast to the labels' dtype, as TF1 did)."""

    def __init__(self, labels, predictions):
        self.labels = labels
        self.predictions = predictions

    def per_example(self):
        p = keras.ops.cast(self.predictions, self.labels.dtype)
        return keras.ops.cast(keras.ops.equal(p, self.labels), "float32")

    @staticmethod
    def result(values):
        values = np.concatenate([np.reshape(v, (-1,)) for v in values])
        return np.float32(values.sum() / max(len(values), 1))


class TF1NumpyInputFn:
    """tf.estimator.inputs.numpy_input_fn: rows read in order from a random start (shuffle) or
    from 0, epoch after epoch (num_epochs=None: forever; batches run across epoch ends), through
    a RandomShuffleQueue of queue_capacity rows keeping queue_capacity // 4 after each dequeue
    (shuffle=True) or a FIFO queue; with num_epochs set, the last batch may be smaller."""

    def __init__(self, x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000):
        if not isinstance(shuffle, bool):
            raise ValueError("shuffle must be provided explicitly as a bool, it was %r" % (shuffle,))
        self.x, self.y = x, y
        self.batch_size, self.num_epochs = batch_size, num_epochs
        self.shuffle, self.queue_capacity = shuffle, queue_capacity

    def _keys(self):
        return sorted(self.x) if isinstance(self.x, dict) else None

    def arrays(self):
        xs = [np.asarray(self.x[k]) for k in self._keys()] if isinstance(self.x, dict) else [np.asarray(self.x)]
        return xs + ([np.asarray(self.y)] if self.y is not None else [])

    def symbolic(self):
        arrays = self.arrays()
        inputs = [keras.Input(shape=a.shape[1:], dtype=str(a.dtype)) for a in arrays]
        n = len(arrays) - (self.y is not None)
        features = dict(zip(self._keys(), inputs[:n])) if isinstance(self.x, dict) else inputs[0]
        labels = inputs[n] if self.y is not None else None
        return inputs, features, labels

    def batches(self):
        import random

        arrays = self.arrays()
        n = len(arrays[0])
        rng = random.Random()
        start = rng.randrange(n) if self.shuffle else 0
        total = None if self.num_epochs is None else self.num_epochs * n
        i = 0
        queue = []
        while True:
            # the feeding thread keeps the queue full (capacity) while rows remain
            while (total is None or i < total) and len(queue) < (self.queue_capacity if self.shuffle else self.batch_size):
                queue.append((start + i) % n)
                i += 1
            if not queue:
                return
            take = min(self.batch_size, len(queue))
            rows = []
            for _ in range(take):
                j = rng.randrange(len(queue)) if self.shuffle else 0
                rows.append(queue.pop(j))
            yield [a[rows] for a in arrays]


class TF1Estimator:
    """tf.estimator.Estimator(model_fn) on Keras 3. model_fn is called once per mode on keras.Input
    features and labels shaped like the input_fn's arrays; ``train`` runs ``steps`` (or up to
    ``max_steps``) optimizer steps on the spec's loss (train_on_batch, one batch each);
    ``evaluate`` copies the trained weights into the EVAL graph (Estimator restored its
    checkpoint) and returns the metrics over every batch (``steps``: at most that many), the mean
    batch loss and global_step."""

    def __init__(self, model_fn, params=None):
        self.model_fn = model_fn
        self.params = params
        self.global_step = 0
        self._graphs = {}

    def _graph(self, mode, input_fn):
        if mode not in self._graphs:
            import inspect

            inputs, features, labels = input_fn.symbolic()
            names = inspect.signature(self.model_fn).parameters
            kwargs = {k: v for k, v in (("labels", labels), ("mode", mode), ("params", self.params)) if k in names}
            spec = self.model_fn(features, **kwargs)
            if mode == TF1ModeKeys.TRAIN:
                model = LossModel(inputs, spec.loss)
                model.compile(optimizer=spec.train_op.optimizer)
            else:
                outputs = {"loss": spec.loss}
                outputs.update({k: m.per_example() for k, m in spec.eval_metric_ops.items()})
                model = keras.Model(inputs, outputs)
            self._graphs[mode] = (spec, model)
        return self._graphs[mode]

    def train(self, input_fn, steps=None, max_steps=None):
        spec, model = self._graph(TF1ModeKeys.TRAIN, input_fn)
        todo = steps if max_steps is None else max(max_steps - self.global_step, 0)
        for k, batch in enumerate(input_fn.batches()):
            if todo is not None and k >= todo:
                break
            model.train_on_batch(batch)
            self.global_step += 1
        return self

    def evaluate(self, input_fn, steps=None):
        spec, model = self._graph(TF1ModeKeys.EVAL, input_fn)
        if TF1ModeKeys.TRAIN in self._graphs:
            model.set_weights(self._graphs[TF1ModeKeys.TRAIN][1].get_weights())
        losses, values = [], {k: [] for k in spec.eval_metric_ops}
        for k, batch in enumerate(input_fn.batches()):
            if steps is not None and k >= steps:
                break
            out = model.predict_on_batch(batch)
            losses.append(float(out["loss"]))
            for name in values:
                values[name].append(np.asarray(out[name]))
        result = {name: type(spec.eval_metric_ops[name]).result(v) for name, v in values.items()}
        result["loss"] = np.float32(np.mean(losses))
        result["global_step"] = self.global_step
        return result
''', imports=[("keras", None, None), ("numpy", None, "np")], requires=("LossModel",))


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
