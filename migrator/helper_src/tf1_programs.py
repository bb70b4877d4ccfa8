"""Helpers migrated code may need: TF1 session / eager / estimator programs (TFM140, TFM141,
TFM143, TFM144, TFM163, TFM165, TFM167, TFM172).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import argparse
import csv
import keras
import numpy as np
import os

from .tf1 import LossModel, TF1Dataset, TF1VariableValues


class TF1DeferredTerm(keras.layers.Layer):
    """A term of a TF1 loss computed from the model's own weights when the model runs: a weight
    decay over tf.trainable_variables() read by a loss that IS the model's output (LossModel).
    ``fn`` reads the trained model's weights then (they are the model's: the training step's
    gradients reach them); the layer's input only places the term in the functional graph. A
    scalar, as TF1's decay was (anything else raises where it runs)."""

    def __init__(self, fn, **kwargs):
        super().__init__(**kwargs)
        self.fn = fn

    def call(self, anchor):
        return keras.ops.reshape(keras.ops.convert_to_tensor(self.fn()), ())

    def compute_output_spec(self, anchor):
        return keras.KerasTensor((), dtype=keras.config.floatx())


def tf1_selected_weights(model, tf1_filter):
    """What tf.trainable_variables() filtered by the TF1 variable names gave a weight decay: the
    trainable weights of the model's layers (each once: a layer shared by towers holds one set,
    as TF1's reused variables) whose (layer class, weight) the filter kept (tf1_filter:
    {(layer class, weight): kept}, evaluated on the TF1 names by the migration; None: every one,
    an unfiltered tf.trainable_variables())."""
    out, seen = [], set()
    for layer in model._flatten_layers(include_self=False):
        if layer._layers:
            continue
        for w in layer.trainable_weights:
            if id(w) in seen:
                continue
            seen.add(id(w))
            if tf1_filter is None:
                out.append(w)
                continue
            key = (type(layer).__name__, w.name)
            if key not in tf1_filter:
                raise ValueError(f"no TF1 variable is known for the weight {w.path} ({key})")
            if tf1_filter[key]:
                out.append(w)
    return out


class TrainingModel(keras.Model):
    """A functional model whose loss is a function of (labels..., outputs...)."""

    def __init__(self, inputs, outputs, loss_fn, **kwargs):
        super().__init__(inputs, outputs, **kwargs)
        self.loss_fn = loss_fn

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        ps = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]
        # a TF1 placeholder cast what it was fed: float labels arrive as floatx
        ys = [keras.ops.cast(v, keras.config.floatx())
              if "float" in keras.ops.dtype(v) else v for v in ys]
        loss = self.loss_fn(*ys, *ps)
        if self.losses:  # layer regularizers: TF1 added REGULARIZATION_LOSSES to the loss it read them in
            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))
        return loss


class IndexedLossModel(keras.Model):
    """A functional model trained on element `index` of loss_fn(labels..., outputs...) (TF1
    minimize(loss[index])); train_on_batch(..., return_dict=True)["fetched"] is the whole value
    of loss_fn, computed on the forward pass of the step (what a TF1 training run fetched)."""

    def __init__(self, inputs, outputs, loss_fn, index, **kwargs):
        super().__init__(inputs, outputs, **kwargs)
        self.loss_fn = loss_fn
        self.index = index

    def _loss_args(self, y, y_pred):
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        ps = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]
        # a TF1 placeholder cast what it was fed: float labels arrive as floatx
        ys = [keras.ops.cast(v, keras.config.floatx())
              if "float" in keras.ops.dtype(v) else v for v in ys]
        return ys + ps

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = self.loss_fn(*self._loss_args(y, y_pred))[self.index]
        if self.losses:  # layer regularizers: TF1 added REGULARIZATION_LOSSES to the loss it read them in
            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        logs = super().compute_metrics(x, y, y_pred, sample_weight)
        logs["fetched"] = self.loss_fn(*self._loss_args(y, y_pred))
        return logs


class FetchingModel(keras.Model):
    """A functional model trained on loss_fn(labels..., outputs...) whose training step also
    returns fetch_fn(labels..., outputs...), computed on the step's forward pass before the
    update (what a TF1 sess.run([train_op, loss, metric, ...]) fetched):
    train_on_batch(..., return_dict=True)["fetched"]."""

    def __init__(self, inputs, outputs, loss_fn, fetch_fn, **kwargs):
        super().__init__(inputs, outputs, **kwargs)
        self.loss_fn = loss_fn
        self.fetch_fn = fetch_fn

    def _loss_args(self, y, y_pred):
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        ps = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]
        # a TF1 placeholder cast what it was fed: float labels arrive as floatx
        ys = [keras.ops.cast(v, keras.config.floatx())
              if "float" in keras.ops.dtype(v) else v for v in ys]
        return ys + ps

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = self.loss_fn(*self._loss_args(y, y_pred))
        if self.losses:  # layer regularizers: TF1 added REGULARIZATION_LOSSES to the loss it read them in
            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        logs = super().compute_metrics(x, y, y_pred, sample_weight)
        logs["fetched"] = self.fetch_fn(*self._loss_args(y, y_pred))
        return logs


class StepSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """A TF1 learning rate computed from a step counter variable: fn(iterations) is the rate
    of the update made after `iterations` updates (Keras calls it with optimizer.iterations)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, step):
        return self.fn(step)


def save_checkpoint(model, path):
    # tf.train.Saver.save: creates the checkpoint's directory, returns the path it saved to
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    model.save_weights(path)
    return path


def tf1_saved_path(model, weights_path, save_path):
    # tf.train.Saver.save(sess, save_path) read as a value: the weights saved (the directory made first),
    # TF1's checkpoint prefix - save_path itself - returned
    os.makedirs(os.path.dirname(weights_path) or ".", exist_ok=True)
    model.save_weights(weights_path)
    return save_path


FLAGS_PARSER = argparse.ArgumentParser(allow_abbrev=False)  # tf.app.flags: each DEFINE_* is one add_argument


FLAG_VALUES = argparse.Namespace()  # tf.app.flags.FLAGS: filled by FLAGS_PARSER.parse_known_args


def flag_bool(value):
    """absl's boolean flag value: true/t/1 or false/f/0, in any case."""
    if value.lower() in ("true", "t", "1"):
        return True
    if value.lower() in ("false", "f", "0"):
        return False
    raise argparse.ArgumentTypeError(f"non-boolean argument to boolean flag: {value!r}")


def flag_list(value):
    """absl's list flag value: comma-separated (csv quoting), each item stripped; '' -> []."""
    if not value:
        return []
    return [s.strip() for s in next(csv.reader([value], strict=True))]


class BatchLoss(keras.metrics.Metric):
    """The loss of the last training batch (what TF1's sess.run([train_op, loss]) returned).

    ``fit`` logs the running mean of the loss over the epoch; this metric holds the value of
    the loss function on the current batch's labels and predictions.
    """

    def __init__(self, loss_fn, name="batch_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.loss_fn = loss_fn
        self.value = self.add_variable(shape=(), initializer="zeros", name="value")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = keras.ops.convert_to_tensor(y_true, dtype=keras.config.floatx())  # as keras.losses do
        self.value.assign(keras.ops.cast(self.loss_fn(y_true, y_pred), self.dtype))

    def result(self):
        return self.value

    def reset_state(self):
        self.value.assign(0.0)


class FetchingLossModel(keras.Model):
    """A functional model whose output ``loss_index`` IS the TF1 loss tensor; its training step
    also returns every output, computed on the step's forward pass (training mode: dropout as
    the TF1 step applied it) before the update - what a TF1 sess.run([train_op, loss, metric,
    ...]) fetched: train_on_batch(..., return_dict=True)["fetched"]."""

    def __init__(self, inputs, outputs, loss_index, **kwargs):
        super().__init__(inputs, outputs, **kwargs)
        self.loss_index = loss_index

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return keras.ops.sum(y_pred[self.loss_index])

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        logs = super().compute_metrics(x, y, y_pred, sample_weight)
        logs["fetched"] = list(y_pred)
        return logs


_TF1_FETCHES = {}


def tf1_fetches(inputs, outputs):
    """The keras.Model computing ``outputs`` from ``inputs`` - what a TF1 sess.run of these
    tensors evaluated - built once per (inputs, outputs), not at every run of a loop."""
    key = (tuple(id(t) for t in inputs), tuple(id(t) for t in outputs))
    if key not in _TF1_FETCHES:
        _TF1_FETCHES[key] = (inputs, outputs, keras.Model(inputs, outputs))
    return _TF1_FETCHES[key][2]


def tf1_trainable_variables(owner, tf1_names):
    """tf.trainable_variables() read while a TF1 model class built its graph: the trainable weights
    of the layers that computed the tensors the object holds so far, as tensors of the graph,
    each named "<layer>/<its TF1 variable name>:0" (tf1_names: {(layer class, weight): TF1 name})."""
    tensors = [t for t in vars(owner).values() if isinstance(t, keras.KerasTensor)]
    ops, seen, todo = [], set(), list(tensors)
    while todo:
        op = todo.pop(0)._keras_history[0]
        if id(op) in seen:
            continue
        seen.add(id(op))
        ops.append(op)
        for node in op._inbound_nodes:
            todo.extend(node.input_tensors)
    variables, names, taken = [], [], set()
    for op in ops:
        layers = op._flatten_layers(include_self=True) if isinstance(op, keras.layers.Layer) else []
        for layer in layers:
            for w in layer.trainable_weights if not layer._layers else []:
                if id(w) in taken:
                    continue
                key = (type(layer).__name__, w.name)
                if key not in tf1_names:
                    raise ValueError(f"no TF1 variable is known for the weight {w.path} ({key})")
                taken.add(id(w))
                variables.append(w)
                names.append(f"{layer.name}/{tf1_names[key]}:0")
    anchor = next((t for t in tensors if not isinstance(t._keras_history[0], keras.layers.InputLayer)), tensors[0])
    values = TF1VariableValues(variables)(anchor)
    for v, n in zip(values, names):
        v.name = n
    return values


class ImplicitGradients(keras.Model):
    """TF1 eager ``grad = tfe.implicit_gradients(loss_fn)``: ``grad.step(optimizer, *args)`` is
    ``optimizer.apply_gradients(grad(*args))`` - one step of ``optimizer`` on ``loss_fn(*args)``
    over the trainable variables of ``tracked`` (variables, layers, models), computed eagerly
    by Keras' own train step (no GradientTape in the script; checked on the TensorFlow backend)."""

    def __init__(self, loss_fn, tracked):
        super().__init__()
        self.loss_fn = loss_fn
        self.tracked = list(tracked)
        self._step_args = ((), {})
        self._step_optimizer = None

    def call(self, x):
        return x

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        args, kwargs = self._step_args
        return self.loss_fn(*args, **kwargs)

    def step(self, optimizer, *args, **kwargs):
        if self._step_optimizer is not optimizer:
            self.compile(optimizer=optimizer, run_eagerly=True, jit_compile=False)
            self._step_optimizer = optimizer
        self._step_args = (args, kwargs)
        self.train_on_batch(np.zeros((1, 1), "float32"))
        self._step_args = ((), {})


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


def tf1_shuffle(dataset, buffer_size):
    """Dataset.shuffle(buffer_size) without an op seed (TF1 drew a new order per run, or a fixed one under a
    graph seed; NumPy's global RNG is seeded by keras.utils.set_random_seed then): TF's algorithm - a buffer
    of the first buffer_size elements, each element yielded chosen uniformly from the buffer and replaced
    by the next one - on NumPy's global RNG, again on every iteration (reshuffle_each_iteration). The
    order is not TF1's: TF1's own order differed from run to run."""
    def make():
        source = iter(dataset)
        buf = []
        for element in source:
            buf.append(element)
            if len(buf) >= buffer_size:
                break
        while buf:
            i = np.random.randint(len(buf))
            out = buf[i]
            try:
                buf[i] = next(source)
            except StopIteration:
                buf[i] = buf[-1]
                buf.pop()
            yield out
    return TF1Dataset(make)


def tf1_map(dataset, fn):
    """Dataset.map(fn) (num_parallel_calls: TF kept the elements' order): fn applied to each element - the
    components of a tuple element as its arguments, as TF called it - and its results as NumPy arrays."""
    def make():
        for element in dataset:
            out = fn(*element) if isinstance(element, tuple) else fn(element)
            yield keras.tree.map_structure(lambda t: np.asarray(keras.ops.convert_to_numpy(t)), out)
    return TF1Dataset(make)


def keras3_batches(batches):
    """Batches of a Keras 2 generator, as Keras 3 reads them: several inputs as a tuple."""
    for batch in batches:
        if isinstance(batch, (list, tuple)) and batch and isinstance(batch[0], list):
            batch = (tuple(batch[0]),) + tuple(batch[1:])
        yield batch


class Keras2Loss(keras.losses.Loss):
    """keras.losses.Loss as a Keras 2 model's compiled loss called it: a rank-1 label against a
    rank-2 prediction ((batch,) labels, a (batch, 1) output) was expanded to (batch, 1) first;
    Keras 3 passes it as it is, and an element-wise ``call`` then broadcasts to (batch, batch)."""

    def __call__(self, y_true, y_pred, sample_weight=None):
        if len(getattr(y_true, "shape", ())) == 1 and len(getattr(y_pred, "shape", ())) == 2:
            y_true = keras.ops.expand_dims(y_true, -1)
        return super().__call__(y_true, y_pred, sample_weight)


class Keras2BatchNormalization(keras.layers.BatchNormalization):
    """keras.layers.BatchNormalization as Keras 2 ran it in a TF1 graph: made non-trainable
    (``layer.trainable = False``, a frozen model), a training call still normalises with the
    batch's moments - it only stops updating the moving ones (and training gamma / beta). Keras 3
    (like TF 2's tf.keras) switches a frozen batch norm to its moving statistics instead."""

    def call(self, inputs, training=None, mask=None):
        if not training or self.trainable:
            return super().call(inputs, training=training, mask=mask)
        x = keras.ops.cast(inputs, "float64" if "float64" in str(inputs.dtype) else "float32")  # as Keras 3's call
        mean, variance = self._moments(x, mask)
        gamma = keras.ops.cast(self.gamma, x.dtype) if self.scale else None
        beta = keras.ops.cast(self.beta, x.dtype) if self.center else None
        out = keras.ops.batch_normalization(x, mean, variance, axis=self.axis, offset=beta, scale=gamma,
                                            epsilon=self.epsilon)
        return keras.ops.cast(out, self.compute_dtype)


class TF1InvalidArgumentError(Exception):
    """tf.errors.InvalidArgumentError as tf.add_check_numerics_ops() raised it: a float value of the
    training step was NaN or Inf (``message`` holds the text, as TF's errors did; ``op.name`` /
    ``op.type`` name what was checked - TF1's named the CheckNumerics op of the first bad tensor)."""

    def __init__(self, message, name="CheckNumerics"):
        super().__init__(message)
        self.message = message
        self.op = type("CheckNumericsOp", (), {"name": name, "type": "CheckNumerics"})()


def tf1_check_numerics(model, loss):
    """What fetching tf.add_check_numerics_ops() with a training step did: raise when a value of
    the step is not finite. The step's loss and the weights it left are checked (a NaN / Inf
    activation reaches the loss, a NaN / Inf gradient the updated weights); returns the loss."""
    if not np.all(np.isfinite(np.asarray(keras.tree.flatten(loss), dtype=np.float64))):
        raise TF1InvalidArgumentError("check_numerics: the loss of the training step is NaN or Inf", "loss")
    for w in model.weights:
        if "float" in str(w.dtype) and not np.all(np.isfinite(keras.ops.convert_to_numpy(w))):
            raise TF1InvalidArgumentError(f"check_numerics: {w.path} is NaN or Inf after the training step", w.path)
    return loss


class TF1GlobalNormRecording:
    """Mixed into a Keras optimizer by :func:`tf1_applied_global_norm`: each ``apply`` (the one
    call every backend's train step makes with the step's gradients) first stores their global
    norm in ``self.tf1_global_norm``."""

    def apply(self, grads, trainable_variables=None):
        present = [g.values if type(g).__name__ == "IndexedSlices" else g for g in grads if g is not None]
        if present:
            # the norm of the per-tensor norms: sqrt(sum of all squares), as tf.global_norm
            norm = keras.ops.norm(keras.ops.stack([keras.ops.norm(keras.ops.reshape(keras.ops.cast(g, "float32"), (-1,)))
                                                   for g in present]))
            if self.loss_scale_factor is not None:
                norm = norm / self.loss_scale_factor  # the norm of the unscaled gradients, as TF1's
            self.assign(self.tf1_global_norm, norm)
        return super().apply(grads, trainable_variables)


_TF1_NORM_RECORDING = {}


def tf1_applied_global_norm(optimizer):
    """tf.global_norm(grads) of the (gradient, variable) list a TF1 train op applied
    (``gvs = opt.compute_gradients(loss)``, ``opt.apply_gradients(gvs)``), fetched with the train
    op: the norm of the gradients of THAT step (same batch, same dropout mask). ``optimizer``
    (the one the train op's model is compiled with) records it at each step it applies, in a
    non-trainable variable of its own that this returns: read it after train_on_batch. Gradients
    of None (variables the loss does not reach) are left out, as tf.global_norm ignored them.
    Pure Keras 3: no train_step of a backend is overridden (the optimizer's ``apply`` computes
    it; the variable is the optimizer's, so JAX's stateless step carries it too); checked on the
    TensorFlow and JAX backends."""
    if not hasattr(optimizer, "tf1_global_norm"):
        base = type(optimizer)
        if base not in _TF1_NORM_RECORDING:  # the same class name and module: saved as the base
            _TF1_NORM_RECORDING[base] = type(base.__name__, (TF1GlobalNormRecording, base),
                                             {"__module__": base.__module__, "__qualname__": base.__qualname__})
        optimizer.__class__ = _TF1_NORM_RECORDING[base]
        optimizer.tf1_global_norm = optimizer.add_variable((), dtype="float32", name="tf1_global_norm")
    return optimizer.tf1_global_norm
