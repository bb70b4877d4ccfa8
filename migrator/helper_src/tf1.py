"""Helpers migrated code may need: Keras helpers several TF1 rules share (TFM131, TFM140, TFM144,
TFM205 ...).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import keras
import numpy as np


class LossModel(keras.Model):
    """A functional model whose output IS the TF1 loss tensor (its labels are inputs too).
    Training adds the layers' regularization losses (the REGULARIZATION_LOSSES a TF1 loss added),
    unless layer_losses=False: the loss tensor already holds those penalties."""

    def __init__(self, inputs, outputs, layer_losses=True, **kwargs):
        super().__init__(inputs, outputs, **kwargs)
        self.layer_losses = layer_losses

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = keras.ops.sum(y_pred)
        if training and self.layer_losses and self.losses:
            loss = loss + keras.ops.sum(self.losses)
        return loss


def tf1_add(x, y):
    # TF1's x + y. Keras 3's add on the TensorFlow backend (keras.ops.add, + of Keras tensors)
    # takes x of shape (1, n) plus y of shape (n, 1) for a bias add when n is known and returns
    # shape (1, n); x - (-y) is the same sum, exactly, broadcast as TF1 did
    return keras.ops.subtract(x, keras.ops.negative(y))


class FixedModeBatchNormalization(keras.layers.BatchNormalization):
    # TF1 batch_normalization(training=<a constant>): always in that mode. A functional Keras
    # model passes its own training flag to every layer call, overriding training=False written
    # at the call; TF1 kept using the moving statistics (and trained gamma/beta) instead

    def __init__(self, training=False, **kwargs):
        super().__init__(**kwargs)
        self.fixed_training = training

    def call(self, inputs, training=None, mask=None):
        return super().call(inputs, training=self.fixed_training, mask=mask)

    def get_config(self):
        return {**super().get_config(), "training": self.fixed_training}


def tf1_softmax_xent(labels, logits, axis=-1):
    # TF1's softmax_cross_entropy_with_logits: labels and logits of COMPATIBLE static shapes (a
    # None batch against a fixed one, after a reshape to a fixed batch size); Keras' op wants
    # them equal: the side with the unknown dimension is broadcast to the other's static shape
    # first (the same values: TF1 fed them the same size, or raised)
    ls, zs = tuple(getattr(labels, "shape", ())), tuple(getattr(logits, "shape", ()))
    if ls != zs and len(ls) == len(zs):
        if None not in zs:
            labels = keras.ops.broadcast_to(labels, zs)
        elif None not in ls:
            logits = keras.ops.broadcast_to(logits, ls)
    return keras.ops.categorical_crossentropy(labels, logits, from_logits=True, axis=axis)


class TF1ModeDropout(keras.layers.Dropout):
    # TF1 tf.layers.dropout(training=<a Python bool>): the mode of each call was fixed when the
    # graph was built (a training tower drops units whenever it runs, an evaluation tower never),
    # while a functional Keras model passes ITS training flag to every layer call - the call pins it

    def call(self, inputs, training=None, tf1_training=None):
        return super().call(inputs, training=training if tf1_training is None else bool(tf1_training))


TF1_LAYERS = {}


def tf1_layer(name, make):
    # TF1's variable store: the layer whose variables get_variable created under `name` is made
    # once; a later call under reuse (another tower) gets the same layer, so the same weights.
    # A new graph (tf.reset_default_graph -> keras.backend.clear_session, which restarts Keras'
    # uid counters) starts an empty store, as TF1's
    if keras.backend.get_uid("tf1_layer") == 1:
        TF1_LAYERS.clear()
    if name not in TF1_LAYERS:
        TF1_LAYERS[name] = make()
    return TF1_LAYERS[name]


class TF1Dataset:
    """An eager tf.data.Dataset made by from_tensor_slices / repeat / batch / prefetch: the same
    elements in the same order, as NumPy arrays (tuples and dicts of them)."""

    def __init__(self, make):
        self._make = make

    @staticmethod
    def from_tensor_slices(tensors):
        def convert(t):
            if isinstance(t, tuple):
                return tuple(convert(v) for v in t)
            if isinstance(t, dict):
                return {k: convert(v) for k, v in t.items()}
            a = np.asarray(t)
            if not isinstance(t, np.ndarray) and a.dtype in (np.float64, np.int64):
                a = a.astype(np.float32 if a.dtype == np.float64 else np.int32)  # TF's Python conversion
            return a

        tensors = convert(tensors)
        n = len(keras.tree.flatten(tensors)[0])

        def make():
            for i in range(n):
                yield keras.tree.map_structure(lambda a: a[i], tensors)
        return TF1Dataset(make)

    def repeat(self, count=None):
        def make():
            k = 0
            while count is None or count < 0 or k < count:
                empty = True
                for element in self._make():
                    empty = False
                    yield element
                if empty:
                    return
                k += 1
        return TF1Dataset(make)

    def batch(self, batch_size, drop_remainder=False):
        def make():
            buf = []
            for element in self._make():
                buf.append(element)
                if len(buf) == batch_size:
                    yield keras.tree.map_structure(lambda *xs: np.stack(xs), *buf)
                    buf = []
            if buf and not drop_remainder:
                yield keras.tree.map_structure(lambda *xs: np.stack(xs), *buf)
        return TF1Dataset(make)

    def prefetch(self, buffer_size):
        return self

    def __iter__(self):
        return TF1DatasetIterator(self._make())


class TF1DatasetIterator:
    """tfe.Iterator(dataset): ``next()``, ``get_next()`` and Python's ``next``."""

    def __init__(self, elements):
        self._elements = elements

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._elements)

    def next(self):
        return next(self._elements)

    def get_next(self):
        return next(self._elements)


class TF1TrainStep(keras.Model):
    """TF1 ``train_op = optimizer.minimize(loss, var_list=variables)`` over tf.Variables, run by
    ``sess.run(train_op, feed_dict)``: ``train_op.step(*fed)`` does one step of ``optimizer`` on
    ``loss(*fed)`` (summed, as TF1 differentiated a non-scalar loss) over ``variables`` (TF1's
    var_list; by default every trainable variable made before minimize - one the loss does not
    read gets no gradient and no update, as in TF1), eagerly through Keras' own train step; it
    returns the loss before the update (what a TF1 run fetching the loss got)."""

    def __init__(self, optimizer, loss_fn, variables):
        super().__init__()
        self.loss_fn = loss_fn
        self.tracked = list(variables)
        self._step_optimizer = optimizer
        self._step_args = ()

    def call(self, x):
        return x

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return keras.ops.sum(self.loss_fn(*self._step_args))

    def step(self, *args):
        if not self.compiled:
            self.compile(optimizer=self._step_optimizer, run_eagerly=True, jit_compile=False)
        self._step_args = args
        loss = self.train_on_batch(np.zeros((1, 1), "float32"))
        self._step_args = ()
        return loss


def tf1_train_run(steps, fetches):
    # TF1 sess.run([train ops and their losses], feed): every op's gradients and fetched loss
    # come from the values the variables had before the run (read once for the run), each op
    # applied by its own optimizer; a train op fetches None, a loss its value before the update
    before = [[keras.ops.convert_to_numpy(v) for v in op.tracked] for op, _ in steps]
    losses, after = [], []
    for op, args in steps:
        for (other, _), values in zip(steps, before):
            for v, x in zip(other.tracked, values):
                v.assign(x)
        losses.append(op.step(*args))
        after.append([keras.ops.convert_to_numpy(v) for v in op.tracked])
    for (op, _), values in zip(steps, after):
        for v, x in zip(op.tracked, values):
            v.assign(x)
    return [None if i is None else losses[i] for i in fetches]


class TF1RegularizationPenalties(keras.layers.Layer):
    """The penalties of regularized weights that other layers own, computed from their current
    values as tensors of the graph (called on a tensor of it only to be placed there): a loss
    adding them follows every update, as TF1's REGULARIZATION_LOSSES tensors did."""

    def __init__(self, variables, **kwargs):
        super().__init__(**kwargs)
        self._variables = lambda: variables  # not tracked: the layers that made them own them

    def call(self, anchor):
        return [v.regularizer(keras.ops.convert_to_tensor(v)) for v in self._variables()]

    def compute_output_spec(self, anchor):
        return [keras.KerasTensor((), dtype=v.dtype) for v in self._variables()]


def tf1_regularization_losses(owner):
    """tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) read while a TF1 model class built its
    graph: one penalty per regularized weight of the layers that computed the tensors the object
    holds so far (inputs first), each weight once (TF1 applied a variable's regularizer when it
    made the variable; towers sharing it made it once). The object's loss adds them itself, as in
    TF1 (the LossModel trains on that loss alone, not on Keras' model.losses)."""
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
    variables, taken = [], set()
    for op in reversed(ops):
        for layer in op._flatten_layers(include_self=True) if isinstance(op, keras.layers.Layer) else []:
            for w in layer.trainable_weights if not layer._layers else []:
                if getattr(w, "regularizer", None) is not None and id(w) not in taken:
                    taken.add(id(w))
                    variables.append(w)
    if not variables:
        return []
    anchor = next((t for t in tensors if not isinstance(t._keras_history[0], keras.layers.InputLayer)), tensors[0])
    return list(TF1RegularizationPenalties(variables)(anchor))


def tf1_regularization_loss(owner):
    """tf.losses.get_regularization_loss() read while a TF1 model class built its graph: the sum
    of :func:`tf1_regularization_losses` (0.0 when there is none, as TF1)."""
    losses = tf1_regularization_losses(owner)
    return keras.ops.sum(keras.ops.stack(losses)) if losses else 0.0


TF1_SCOPE_STACK = []
TF1_SCOPED_LAYERS = {}


class tf1_variable_scope:
    # TF1's variable_scope(name, reuse=...): a name on the scope path of the layers made inside;
    # reuse None / False inherits the enclosing scope's, True and "AUTO_REUSE" are kept

    def __init__(self, name, reuse=None):
        self.name = name
        self.reuse = reuse if reuse not in (None, False) else (TF1_SCOPE_STACK[-1][1] if TF1_SCOPE_STACK else None)

    def __enter__(self):
        TF1_SCOPE_STACK.append((self.name, self.reuse))
        return self

    def __exit__(self, *exc):
        TF1_SCOPE_STACK.pop()
        return False


def tf1_scoped_layer(name, make):
    # the layer whose TF1 variables get_variable / a named tf.layers call created under
    # <scope path>/<name>: made once; under reuse (True / AUTO_REUSE) a later call gets it back
    if name is None:
        raise ValueError("a TF1 layer without a name under a shared variable store")
    key = "/".join([s for s, _ in TF1_SCOPE_STACK] + [name])
    reuse = TF1_SCOPE_STACK[-1][1] if TF1_SCOPE_STACK else None
    if key in TF1_SCOPED_LAYERS:
        if not reuse:
            raise ValueError(f"Variable {key} already exists, disallowed (TF1 get_variable without reuse)")
        return TF1_SCOPED_LAYERS[key]
    if reuse is True:
        raise ValueError(f"Variable {key} does not exist, disallowed (TF1 get_variable with reuse=True)")
    TF1_SCOPED_LAYERS[key] = make()
    return TF1_SCOPED_LAYERS[key]


def tf1_scope_name():
    # TF1's tf.get_variable_scope().name: the names of the variable scopes around the call, joined
    # by "/" (the scopes the migration kept as tf1_variable_scope blocks for it)
    return "/".join(s for s, _ in TF1_SCOPE_STACK)


class TF1StreamingMetric:
    """A TF1 streaming metric (tf.metrics.<kind>): the local variables it accumulated into;
    update_state(...) is its update op (adds one batch, returns the UPDATED value), result()
    its value tensor, reset_state() what tf.local_variables_initializer() did. float32 math
    exactly as tensorflow/python/ops/metrics_impl.py (auc: TF1's thresholds and 1e-6 epsilons)."""

    def __init__(self, kind, num_thresholds=200, curve="ROC", summation_method="trapezoidal", thresholds=None):
        if kind == "auc" and curve not in ("ROC", "PR"):
            raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
        self.kind, self.curve, self.summation_method = kind, curve, summation_method
        if thresholds is not None:
            inner = sorted(thresholds)
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.thresholds = np.array([0.0 - 1e-7] + inner + [1.0 + 1e-7], np.float32)
        self.reset_state()

    def reset_state(self):
        n = len(self.thresholds) if self.kind == "auc" else 1
        self.state = {k: np.zeros(n, np.float32) for k in ("tp", "fn", "tn", "fp", "total", "count")}

    @staticmethod
    def _squeeze(a, b):
        # TF1's _remove_squeezable_dimensions: a trailing 1 on the one of rank one more goes
        if a.ndim == b.ndim + 1 and a.shape[-1:] == (1,):
            a = a[..., 0]
        elif b.ndim == a.ndim + 1 and b.shape[-1:] == (1,):
            b = b[..., 0]
        return a, b

    def _weights(self, weights, like):
        if weights is None:
            return np.ones(like.shape, np.float32)
        w = np.asarray(keras.ops.convert_to_numpy(weights)).astype(np.float32)
        if w.ndim == like.ndim + 1 and w.shape[-1:] == (1,):
            w = w[..., 0]
        return np.broadcast_to(w, like.shape).astype(np.float32)

    def update_state(self, labels=None, predictions=None, weights=None, values=None):
        s = self.state
        if self.kind in ("mean", "accuracy"):
            if self.kind == "accuracy":
                lab = np.asarray(keras.ops.convert_to_numpy(labels))
                pred = np.asarray(keras.ops.convert_to_numpy(predictions))
                pred, lab = self._squeeze(pred, lab)
                if pred.dtype != lab.dtype:
                    pred = pred.astype(lab.dtype)
                values = (pred == lab).astype(np.float32)
            else:
                values = np.asarray(keras.ops.convert_to_numpy(values)).astype(np.float32)
            w = self._weights(weights, values)
            s["total"] += np.sum(values * w, dtype=np.float32)
            s["count"] += np.sum(w, dtype=np.float32)
            return self.result()
        lab = np.asarray(keras.ops.convert_to_numpy(labels)).astype(bool)
        pred = np.asarray(keras.ops.convert_to_numpy(predictions))
        if self.kind == "auc":
            pred = pred.astype(np.float32)
            if pred.size and (pred.min() < 0 or pred.max() > 1):
                raise ValueError("predictions must be in [0, 1]")
        else:
            pred = pred.astype(bool)
        pred, lab = self._squeeze(pred, lab)
        w = self._weights(weights, pred).reshape(1, -1)
        pos = pred.reshape(1, -1) > self.thresholds[:, None] if self.kind == "auc" else pred.reshape(1, -1)
        lab = lab.reshape(1, -1)
        for k, m in (("tp", lab & pos), ("fn", lab & ~pos), ("tn", ~lab & ~pos), ("fp", ~lab & pos)):
            s[k] += np.sum(m.astype(np.float32) * w, axis=1, dtype=np.float32)
        return self.result()

    def result(self):
        s = self.state
        if self.kind in ("mean", "accuracy"):
            c = np.maximum(s["count"][0], np.float32(0))
            return np.float32(s["total"][0] / c) if c != 0 else np.float32(0.0)
        if self.kind in ("precision", "recall"):
            tp, other = s["tp"][0], s["fp" if self.kind == "precision" else "fn"][0]
            return np.float32(tp / (tp + other)) if tp + other > 0 else np.float32(0.0)
        return self._auc(s["tp"], s["fn"], s["tn"], s["fp"])

    def _auc(self, tp, fn, tn, fp):
        def div_no_nan(a, b):
            return np.where(b == 0, np.float32(0), a / np.where(b == 0, np.float32(1), b)).astype(np.float32)

        eps = np.float32(1e-6)
        if self.curve == "PR" and self.summation_method == "careful_interpolation":
            dtp = tp[:-1] - tp[1:]
            p = tp + fp
            slope = div_no_nan(dtp, np.maximum(p[:-1] - p[1:], np.float32(0)))
            intercept = tp[1:] - slope * p[1:]
            ratio = np.where((p[:-1] > 0) & (p[1:] > 0), div_no_nan(p[:-1], np.maximum(p[1:], np.float32(0))),
                             np.float32(1)).astype(np.float32)
            return np.float32(np.sum(div_no_nan(slope * (dtp + intercept * np.log(ratio)),
                                                np.maximum(tp[1:] + fn[1:], np.float32(0))), dtype=np.float32))
        rec = (tp + eps) / (tp + fn + eps)
        if self.curve == "ROC":
            x, y = fp / (fp + tn + eps), rec
        else:
            x, y = rec, (tp + eps) / (tp + fp + eps)
        if self.summation_method in ("trapezoidal", "careful_interpolation"):
            h = (y[:-1] + y[1:]) / np.float32(2.0)
        elif self.summation_method == "minoring":
            h = np.minimum(y[:-1], y[1:])
        elif self.summation_method == "majoring":
            h = np.maximum(y[:-1], y[1:])
        else:
            raise ValueError(f"Invalid summation_method: {self.summation_method}")
        return np.float32(np.sum((x[:-1] - x[1:]) * h, dtype=np.float32))


class TF1FixedMode(keras.layers.Layer):
    # One TF1 tower of a pair that shares its variables but was built in a constant mode
    # (tf.layers.dropout(training=True) in the training tower, training=False in the evaluation
    # one): TF1 kept each tower in its mode whatever ran it. A functional Keras model passes ITS
    # training flag to every layer call, so this layer applies the shared encoder in its own mode
    def __init__(self, tower, training, **kwargs):
        super().__init__(**kwargs)
        self.tower = tower
        self.fixed_training = training

    def call(self, inputs, training=None):
        return self.tower(inputs, training=self.fixed_training)


TF1_WEIGHTS = []  # the layers whose kernel tf.add_to_collection(tf.GraphKeys.WEIGHTS, ..) added, once per add


def tf1_weights_entry(out):
    """tf.add_to_collection(tf.GraphKeys.WEIGHTS, w) where w is the kernel of the layer that
    computed ``out`` (or of the layer ``out`` itself): one entry per add, as in TF1; returns ``out``."""
    layer = out if isinstance(out, keras.layers.Layer) else out._keras_history[0]
    TF1_WEIGHTS.append(layer)
    return out


class TF1VariableValues(keras.layers.Layer):
    """The current values of variables that other layers own, as tensors of the graph (called on
    a tensor of it only to be placed there): a loss computed from them follows every update."""

    def __init__(self, variables, **kwargs):
        super().__init__(**kwargs)
        self._variables = lambda: variables  # not tracked: the layers that made them own them

    def call(self, anchor):
        return [keras.ops.convert_to_tensor(v) for v in self._variables()]

    def compute_output_spec(self, anchor):
        return [keras.KerasTensor(tuple(v.shape), dtype=v.dtype) for v in self._variables()]


def tf1_weights_collection(owner):
    """tf.get_collection(tf.GraphKeys.WEIGHTS) (what apply_regularization without a list reads)
    while a TF1 model class built its graph: the kernel of each layer marked by tf1_weights_entry,
    once per TF1 add. TF1 added it each time the helper ran: once per call of the layer in the
    object's graph (the towers of a shared encoder are one layer called once per tower: a weight
    the helper added in each tower is there twice, as in TF1), and at least once per marking (a
    layer built and never read)."""
    tensors = [t for t in vars(owner).values() if isinstance(t, keras.KerasTensor)]
    calls = {}

    def walk(outputs, times):
        seen, todo = set(), list(outputs)
        while todo:
            op, index, _ = todo.pop(0)._keras_history
            if (id(op), index) in seen:
                continue
            seen.add((id(op), index))
            node = op._inbound_nodes[index]
            if isinstance(op, keras.Model) and getattr(op, "_operations", None) is not None:
                walk(op.outputs, times)  # a model called here: its layers run once more
            elif any(op is m for m in TF1_WEIGHTS):
                calls[id(op)] = calls.get(id(op), 0) + times
            todo.extend(node.input_tensors)

    walk(tensors, 1)
    order, adds = [], {}
    for layer in TF1_WEIGHTS:
        if id(layer) not in adds:
            order.append(layer)
        adds[id(layer)] = adds.get(id(layer), 0) + 1
    order = [layer for layer in order if layer.built]
    if not order:
        return []
    anchor = next((t for t in tensors if not isinstance(t._keras_history[0], keras.layers.InputLayer)), tensors[0])
    values = TF1VariableValues([layer.kernel for layer in order])(anchor)
    return [v for layer, v in zip(order, values) for _ in range(max(adds[id(layer)], calls.get(id(layer), 0)))]
