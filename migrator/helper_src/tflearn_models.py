"""Helpers migrated code may need: tflearn DNN models, trainers, estimators (TFM116, TFM117,
TFM121, TFM122, TFM125, TFM127).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import keras
import numpy as np
import re


def tflearn_graph_inputs(tensors):
    """The keras.Input tensors that ``tensors`` are computed from, in the order a depth-first
    walk from them (in the given order) meets them. tflearn's DNN feeds every input_data of
    the graph in creation order; the migrator passes the tensors in that order."""
    found, seen = [], set()
    stack = list(reversed(tensors if isinstance(tensors, (list, tuple)) else [tensors]))
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        op, node_index, _ = t._keras_history
        node = op._inbound_nodes[node_index] if op is not None else None
        if node is None or node.is_input:
            found.append(t)
            continue
        stack.extend(reversed(node.input_tensors))
    return found[0] if len(found) == 1 else found


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TflearnTensorLossModel(keras.Model):
    """A tflearn regression whose loss function also reads other tensors of the graph (a
    VAE's z_mean / z_std): the model outputs them too, and compute_loss calls
    loss_fn(y_pred, y_true, **tensors) - tflearn's argument order - on the same forward pass
    (plus the layers' own losses, as Keras does). predict() returns the network's output."""

    def __init__(self, inputs, outputs, loss_fn, loss_tensors, **kwargs):
        super().__init__(inputs=inputs, outputs=[outputs, *loss_tensors.values()], **kwargs)
        self.loss_fn = loss_fn
        self.tensor_names = list(loss_tensors)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        out, *tensors = y_pred
        loss = self.loss_fn(out, y, **dict(zip(self.tensor_names, tensors)))
        for extra in self.losses:
            loss = loss + keras.ops.cast(extra, loss.dtype)
        return loss

    def predict_step(self, data):
        return super().predict_step(data)[0]


def tflearn_load_weights_only(model, filepath, exclude=()):
    """tflearn DNN.load(model_file, weights_only=True): only the TRAINABLE variables are
    restored (not batch-norm moving statistics, optimizer slots or the step), and none of the
    layers built with restore=False (`exclude`: their names). TF1 matched variables by scope
    name; here each layer's trainable weights come from the layer of the same name in the
    .keras file model.save wrote (a layer missing there, or another shape, raises as TF1 did)."""
    saved = keras.saving.load_model(filepath, compile=False)

    def restore(layers, source):
        for layer in layers:
            if layer.name in exclude or not layer.trainable_weights:
                continue
            src = source.get_layer(layer.name)
            if hasattr(layer, "layers") and hasattr(src, "layers"):
                restore(layer.layers, src)
                continue
            if len(src.trainable_weights) != len(layer.trainable_weights):
                raise ValueError(f"layer {layer.name!r}: {len(src.trainable_weights)} trainable weights "
                                 f"in {filepath}, {len(layer.trainable_weights)} in the model")
            for w, v in zip(layer.trainable_weights, src.trainable_weights):
                if tuple(w.shape) != tuple(v.shape):
                    raise ValueError(f"{w.path}: shape {tuple(v.shape)} in {filepath}, {tuple(w.shape)} in the model")
                w.assign(v)

    restore(model.layers, saved)


class TflearnLossMetricModel(keras.Model):
    """A functional model whose outputs are a loss tensor (and a metric tensor) computed from
    its inputs, labels included, as a tflearn TrainOp trained them: fit() minimises the loss
    output plus the layers' regularization losses (tflearn adds REGULARIZATION_LOSSES) and
    shows the metric's batch mean."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric_mean = keras.metrics.Mean(name="metric")

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        outs = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]
        loss = keras.ops.sum(outs[0])
        if len(outs) > 1:
            self.metric_mean.update_state(outs[1])
        if self.losses:
            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))
        return loss


class TflearnTrainOp:
    """tflearn TrainOp: a loss tensor (keras.ops on keras.Input "placeholders") minimised by
    `optimizer`, an optional metric tensor, tflearn's batch size (64) and per-epoch shuffle."""

    def __init__(self, loss, optimizer, metric=None, batch_size=64, shuffle=True,
                 validation_batch_size=None, name=None):
        self.loss = loss
        self.optimizer = optimizer
        self.metric = metric
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.validation_batch_size = validation_batch_size or batch_size
        self.name = name


class TflearnTrainer:
    """tflearn Trainer with one TrainOp: the TrainOp's loss (and metric) become the outputs of
    a functional model over the inputs fit() feeds (its feed dict's keys, in order); gradients
    are clipped by global norm `clip_gradients` (tflearn's default 5.0); fit() trains
    `n_epoch` epochs of ceil(n / batch_size) steps on tflearn's batch stream (see
    `tflearn_batches`) and evaluates `val_feed_dicts` after each epoch."""

    def __init__(self, train_ops, clip_gradients=5.0, tensorboard_dir="/tmp/tflearn_logs/",
                 tensorboard_verbose=0):
        ops = list(train_ops) if isinstance(train_ops, (list, tuple)) else [train_ops]
        if len(ops) != 1:
            raise NotImplementedError("several TrainOps (tflearn alternates their steps): write a train_step")
        self.train_op = ops[0]
        self.clip_gradients = clip_gradients
        self.model = None

    @staticmethod
    def tflearn_batches(arrays, batch_size, shuffle):
        """tflearn 0.5.0's FeedDictFlow(continuous=True) stream: the index array is shuffled (NumPy's
        global RNG) when the flow is made, then batches [0:b], [b:2b] ... (the last partial); when
        they run out it reshuffles and restarts at batch index -1, so every later pass starts with
        its LAST batch (and yields it twice when it ends) - what tflearn trained on unshuffled.
        (Shuffled, tflearn's prefetch thread also reshuffles batches still queued: not reproduced.)"""
        n = len(arrays[0])
        index = np.arange(n)
        bounds = [(i * batch_size, min(n, (i + 1) * batch_size)) for i in range(int(np.ceil(n / float(batch_size))))]
        if shuffle:
            np.random.shuffle(index)
        i = -1
        while True:
            i += 1
            if i == len(bounds):
                if shuffle:
                    np.random.shuffle(index)
                i = -1
            ids = index[bounds[i][0]:bounds[i][1]]
            yield (tuple(a[ids] for a in arrays),)

    def fit(self, feed_dicts, n_epoch=10, val_feed_dicts=None, show_metric=False, snapshot_step=None,
            snapshot_epoch=True, shuffle_all=None, run_id=None):
        op = self.train_op
        if self.model is None:
            outputs = [op.loss] + ([op.metric] if op.metric is not None else [])
            self.model = TflearnLossMetricModel(inputs=list(feed_dicts), outputs=outputs)
            if self.clip_gradients:
                op.optimizer.global_clipnorm = self.clip_gradients
            self.model.compile(optimizer=op.optimizer)
        inputs = self.model.inputs
        arrays = [np.asarray(feed_dicts[t]) for t in inputs]
        validation = None
        if val_feed_dicts is not None:
            validation = ([np.asarray(val_feed_dicts[t]) for t in inputs],)
        shuffle = op.shuffle if shuffle_all is None else shuffle_all
        steps = int(np.ceil(len(arrays[0]) / float(op.batch_size)))
        return self.model.fit(self.tflearn_batches(arrays, op.batch_size, bool(shuffle)), steps_per_epoch=steps,
                              epochs=n_epoch, validation_data=validation,
                              validation_batch_size=op.validation_batch_size)


class TflearnTrainerSession:
    """``trainer.session`` of a tflearn Trainer (a TflearnTrainer): run() computes the fetched
    tensors of the Keras graph from the fed inputs in one call over all the rows, in tflearn's
    training mode of the moment: off until the first fit, ON after a fit (tflearn's Trainer
    switches it on for its steps and, without validation data, never back), and what
    ``tflearn.is_training(flag, session=trainer.session)`` set since the last fit."""

    def __init__(self, trainer):
        self.trainer = trainer

    def _steps(self):
        model = self.trainer.model
        return 0 if model is None else int(keras.ops.convert_to_numpy(model.optimizer.iterations))

    def is_training(self, is_training=False):
        self.trainer.tflearn_training = (bool(is_training), self._steps())

    def run(self, fetches, feed_dict=None):
        feed = dict(feed_dict or {})
        flag, steps = getattr(self.trainer, "tflearn_training", (False, 0))
        training = flag if steps == self._steps() else True
        single = not isinstance(fetches, (list, tuple))
        model = keras.Model(inputs=list(feed), outputs=[fetches] if single else list(fetches))
        values = model([np.asarray(feed[t]) for t in model.inputs], training=training)
        values = [keras.ops.convert_to_numpy(v) for v in (values if isinstance(values, (list, tuple)) else [values])]
        return values[0] if single else values


def tflearn_sequence_generate(model, dictionary, seq_maxlen, seq_length, temperature=0.5, seq_seed=None,
                              display=False):
    """tflearn SequenceGenerator.generate: seq_length times, one-hot the current window over
    ``dictionary`` (float64, seq_maxlen steps), predict, draw the next index from
    softmax(log(p) / temperature) with np.random.multinomial, append its key. Returns the seed
    followed by the generated items (a str for a str seed, else a list)."""
    import sys

    rev_dic = {}
    for key in dictionary:
        rev_dic[dictionary[key]] = key
    generated = seq_seed[:]
    sequence = seq_seed[:]
    whole_sequence = seq_seed[:]
    if display:
        sys.stdout.write(str(generated))
    for _ in range(seq_length):
        x = np.zeros((1, seq_maxlen, len(dictionary)))
        for t, char in enumerate(sequence):
            x[0, t, dictionary[char]] = 1.
        preds = np.asarray(model.predict_on_batch(x))[0].tolist()
        a = np.log(preds) / temperature
        a = np.exp(a) / np.sum(np.exp(a))
        next_char = rev_dic[np.argmax(np.random.multinomial(1, a, 1))]
        if type(sequence) is str:
            generated += next_char
            sequence = sequence[1:] + next_char
            whole_sequence += next_char
        else:
            generated.append(next_char)
            sequence = sequence[1:]
            sequence.append(next_char)
            whole_sequence.append(next_char)
        if display:
            sys.stdout.write(str(next_char))
            sys.stdout.flush()
    if display:
        print()
    return whole_sequence


class TflearnRegressionsDNN:
    """tflearn DNN over a graph holding several regression(...) layers: one TrainOp per regression
    (its optimizer, its loss on its own targets, its batch size and shuffle). tflearn's Trainer
    runs, per batch step, one training step of every TrainOp in turn (creation order), each on its
    own batch stream, its gradients clipped by global norm `clip_gradients` on their own. Here a
    TrainOp is a Keras model over the same layers (inputs -> that regression's output) compiled
    with its optimizer (global_clipnorm set) and loss, trained with train_on_batch in that order.
    fit(X, [Y1, Y2 ...]) feeds Yi to the i-th regression; predict(X) returns the network's output."""

    def __init__(self, inputs, network, regressions, clip_gradients=5.0, tensorboard_verbose=0,
                 tensorboard_dir="/tmp/tflearn_logs/"):
        self.model = keras.Model(inputs, network)
        self.several_inputs = isinstance(inputs, (list, tuple))
        self.train_ops = []
        for output, loss, optimizer, batch_size, shuffle in regressions:
            model = keras.Model(inputs, output)
            model.compile(optimizer=optimizer, loss=loss)
            self.train_ops.append((model, batch_size, shuffle))

    @staticmethod
    def tflearn_batches(arrays, batch_size, shuffle):
        """tflearn 0.5.0's FeedDictFlow(continuous=True) stream (as TflearnTrainer's): batches
        [0:b], [b:2b] ... of an index array shuffled with NumPy's global RNG; when they run out it
        reshuffles and restarts at batch index -1 (every later pass starts with its LAST batch)."""
        n = len(arrays[0])
        index = np.arange(n)
        bounds = [(i * batch_size, min(n, (i + 1) * batch_size)) for i in range(int(np.ceil(n / float(batch_size))))]
        if shuffle:
            np.random.shuffle(index)
        i = -1
        while True:
            i += 1
            if i == len(bounds):
                if shuffle:
                    np.random.shuffle(index)
                i = -1
            ids = index[bounds[i][0]:bounds[i][1]]
            yield tuple(a[ids] for a in arrays)

    def fit(self, X_inputs, Y_targets, n_epoch=10, show_metric=False, batch_size=None, shuffle=None,
            snapshot_epoch=True, snapshot_step=None, run_id=None):
        xs = [np.asarray(x) for x in X_inputs] if self.several_inputs else [np.asarray(X_inputs)]
        if not isinstance(Y_targets, (list, tuple)) or len(Y_targets) != len(self.train_ops):
            raise ValueError("tflearn feeds one target array per regression: pass a list of %d" % len(self.train_ops))
        streams, steps = [], []
        for (model, op_batch, op_shuffle), y in zip(self.train_ops, Y_targets):
            b = batch_size or op_batch
            s = op_shuffle if shuffle is None else shuffle
            streams.append(self.tflearn_batches(xs + [np.asarray(y)], b, bool(s)))
            steps.append(int(np.ceil(len(xs[0]) / float(b))))
        for _ in range(n_epoch):
            for _ in range(max(steps)):
                for (model, _, _), stream in zip(self.train_ops, streams):
                    batch = next(stream)
                    model.train_on_batch(list(batch[:-1]) if self.several_inputs else batch[0], batch[-1])

    def predict(self, X):
        x = [np.asarray(v) for v in X] if self.several_inputs else np.asarray(X)
        return self.model.predict(x, verbose=0)


class TflearnScopeVariables:
    """tflearn get_layer_variables_by_scope(scope): the layer variables whose TF1 name matches
    `scope` (re.match) - here the Keras variables whose path does (the layers were built under
    keras.name_scope(scope), where TF1 had variable_scope(scope)). Resolved against a model's
    variables by TflearnTrainOpsDNN (Keras has no graph-wide collection)."""

    def __init__(self, scope):
        self.scope = scope

    def resolve(self, variables):
        return [v for v in variables if re.match(self.scope, v.path)]


class TflearnVarListLossModel(keras.Model):
    """A functional model whose output is a tflearn TrainOp's loss tensor: training minimises it
    (plus the layers' regularization losses) over `train_vars` only - TF1's
    optimizer.minimize(loss, var_list=...). Every other variable stays as it is (batch norm
    statistics of layers run in training mode still update, as TF1's update ops did)."""

    train_vars = None

    @property
    def trainable_weights(self):
        if self.train_vars is None:
            return super().trainable_weights
        return list(self.train_vars)

    @property
    def trainable_variables(self):
        return self.trainable_weights

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = keras.ops.sum(y_pred)
        if self.losses:
            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))
        return loss


class TflearnTrainOpsDNN:
    """tflearn DNN over a graph whose regression(...) layers each minimise a loss tensor
    (placeholder=None) over their own variables (trainable_vars=): one TrainOp per regression.
    tflearn's Trainer runs, per batch step, one step of every TrainOp in turn (creation order),
    each on its own batch stream over ALL the fed inputs, its gradients (over its variables only)
    clipped by global norm `clip_gradients` on their own. Here a TrainOp is a
    TflearnVarListLossModel (inputs -> its loss) with its optimizer, trained with train_on_batch
    in that order. fit(X_inputs, Y_targets=None) takes tflearn's feeds (a dict keyed by inputs or
    their names, or a list in input order); predict(X) runs the network on the inputs it is fed."""

    def __init__(self, inputs, network, train_ops, clip_gradients=5.0, tensorboard_verbose=0,
                 tensorboard_dir="/tmp/tflearn_logs/"):
        self.inputs = list(inputs)
        self.network = network
        self.train_ops = []
        for loss, optimizer, variables, batch_size, shuffle in train_ops:
            model = TflearnVarListLossModel(self.inputs, loss)
            model.train_vars = variables.resolve(model.trainable_variables) \
                if isinstance(variables, TflearnScopeVariables) else list(variables)
            model.compile(optimizer=optimizer)
            self.train_ops.append((model, batch_size, shuffle))

    def _feed(self, X):
        if isinstance(X, dict):
            out = {}
            for key, value in X.items():
                match = [t for t in self.inputs if t is key or (isinstance(key, str) and t.name == key)]
                if not match:
                    raise Exception("Feed dict asks for variable named '%s' but no such variable is known to exist" % key)
                out[id(match[0])] = np.asarray(value)
            return [(t, out[id(t)]) for t in self.inputs if id(t) in out]
        if len(self.inputs) == 1 or np.ndim(X) < 2:
            X = [X]
        return [(t, np.asarray(x)) for t, x in zip(self.inputs, X)]

    @staticmethod
    def tflearn_batches(arrays, batch_size, shuffle):
        """tflearn 0.5.0's FeedDictFlow(continuous=True) stream: batches [0:b], [b:2b] ... of an
        index array shuffled with NumPy's global RNG; when they run out it reshuffles and restarts
        at batch index -1 (every later pass starts with its LAST batch)."""
        n = len(arrays[0])
        index = np.arange(n)
        bounds = [(i * batch_size, min(n, (i + 1) * batch_size)) for i in range(int(np.ceil(n / float(batch_size))))]
        if shuffle:
            np.random.shuffle(index)
        i = -1
        while True:
            i += 1
            if i == len(bounds):
                if shuffle:
                    np.random.shuffle(index)
                i = -1
            ids = index[bounds[i][0]:bounds[i][1]]
            yield tuple(a[ids] for a in arrays)

    def fit(self, X_inputs, Y_targets=None, n_epoch=10, show_metric=False, batch_size=None, shuffle=None,
            snapshot_epoch=True, snapshot_step=None, run_id=None):
        if Y_targets is not None:
            raise ValueError("these TrainOps have no target placeholder (placeholder=None): Y_targets must be None")
        feed = self._feed(X_inputs)
        if [t for t, _ in feed] != self.inputs:
            raise ValueError("every TrainOp is fed every input: feed all of %d inputs" % len(self.inputs))
        xs = [x for _, x in feed]
        streams, steps = [], []
        for model, op_batch, op_shuffle in self.train_ops:
            b = batch_size or op_batch
            s = op_shuffle if shuffle is None else shuffle
            streams.append(self.tflearn_batches(xs, b, bool(s)))
            steps.append(int(np.ceil(len(xs[0]) / float(b))))
        for _ in range(n_epoch):
            for _ in range(max(steps)):
                for (model, _, _), stream in zip(self.train_ops, streams):
                    model.train_on_batch(list(next(stream)))

    def predict(self, X):
        feed = self._feed(X)
        model = keras.Model([t for t, _ in feed], self.network)
        return model.predict([x for _, x in feed], verbose=0)


class TflearnKMeans:
    """tflearn.estimators.KMeans (TF1 contrib full-batch k-means, squared Euclidean distance):
    initial centers drawn from the first fit's data (NumPy's RNG, with replacement) or `init`
    rows; each step assigns every row to its nearest center and moves each center to the mean
    of its rows (sum / (count + 1e-6)); fit stops when the last 10 losses (mean squared
    distance) vary by <= 0.01 (max_iter unused, as in tflearn) or after max_steps. predict
    returns the first row's cluster (tflearn's indices[0]); transform Euclidean distances."""

    def __init__(self, n_clusters, max_iter=300, init="random", distance="squared_euclidean",
                 metric=None, num_features=None, log_dir="/tmp/tflearn_logs/", global_step=None,
                 session=None, graph=None, name=None):
        if distance != "squared_euclidean":
            raise NotImplementedError("TflearnKMeans: only distance='squared_euclidean'")
        if isinstance(init, str) and init != "random":
            raise NotImplementedError("TflearnKMeans: init='random' or an array of centers")
        self.n_clusters = n_clusters
        self.max_iter = max_iter
        self.init = init
        self.distance = distance
        self.metric = metric
        self.num_features = num_features
        self._data = None
        self._centers = None
        self.global_step = 0

    def _build(self, X):
        if self._data is not None:
            return
        self._data = np.asarray(X)
        if self.num_features is None:
            self.num_features = self._data.shape[1]
        if not isinstance(self.init, str):
            self._centers = np.array(self.init, dtype=self._data.dtype)
        elif len(self._data) <= self.n_clusters:
            self._centers = self._data.copy()
        else:
            self._centers = self._data[np.random.randint(0, len(self._data), size=self.n_clusters)]

    @staticmethod
    def _sq_distances(X, centers):
        d = (np.sum(np.square(X), axis=1, keepdims=True) - 2 * np.matmul(X, centers.T)
             + np.sum(np.square(centers), axis=1)[None, :])
        return np.maximum(d, 0).astype(X.dtype)

    def _nearest(self, X):
        d = self._sq_distances(X, self._centers)
        idx = np.argmin(d, axis=1)
        return idx, d[np.arange(len(X)), idx]

    def fit(self, X, shuffle=True, display_step=500, n_jobs=1, max_steps=None):
        if np.ndim(X) != 2:
            raise ValueError("X must be 2-D")
        from datetime import datetime as _datetime
        import time as _time

        self._build(X)
        data = self._data
        gstep = self.global_step
        last_loss, loss_val, step = [], None, 0
        while True:
            if loss_val:
                last_loss.append(loss_val)
            if len(last_loss) > 10:
                last_loss.pop(0)
            start_time = _time.time()
            idx, scores = self._nearest(data)
            loss_val = np.mean(scores)
            sums = np.zeros_like(self._centers)
            np.add.at(sums, idx, data)
            counts = np.bincount(idx, minlength=len(self._centers)).astype(data.dtype)
            self._centers = (sums / (counts[:, None] + np.asarray(1e-6, data.dtype))).astype(data.dtype)
            self.global_step += 1
            duration = _time.time() - start_time
            if step % display_step == 0:
                examples_per_sec = len(data) / duration if duration else float("inf")
                if self.metric:
                    format_str = "%s: step %d, loss = %.2f, acc = %.2f, (%.1f examples/sec; %.3f sec/batch)"
                else:
                    format_str = "%s: step %d, loss = %.2f, (%.1f examples/sec; %.3f sec/batch)"
                print(format_str % (_datetime.now(), step + gstep, loss_val, examples_per_sec, duration))
            step += 1
            if len(last_loss) == 10 and np.var(last_loss) <= 0.01 and not max_steps:
                break
            if max_steps and step == max_steps:
                break

    @property
    def cluster_centers_vars(self):
        return None if self._centers is None else self._centers.copy()

    cluster_centers_ = cluster_centers_vars

    @property
    def cluster_idx(self):
        return None if self._centers is None else self._nearest(self._data)[0]

    labels_ = cluster_idx

    @property
    def scores(self):  # tflearn returns the centers here
        return self.cluster_centers_vars

    @property
    def all_scores(self):  # tflearn returns the centers here
        return self.cluster_centers_vars

    @property
    def distances_(self):
        return (self._nearest(self._data)[1],)

    @property
    def all_distances_(self):
        data = self._data
        return ((np.sum(np.square(data), 1, keepdims=True) - 2 * np.matmul(data, self._centers.T)
                 + np.sum(np.square(self._centers), 1)[None, :]),)

    def _prepare(self, X):
        ndim = np.ndim(X)
        X = np.asarray(X, dtype=np.float32)
        if ndim < 2:
            X = X[None, :]
        return X, ndim

    def predict(self, X, with_distances=False):
        X, ndim = self._prepare(X)
        idx, dist = self._nearest(X)
        indices, distances = idx[:1], dist[:1]  # tflearn: indices[0] of the (n, 1) result
        if ndim == 1:
            indices, distances = indices[0], distances[0]
        if with_distances:
            return indices, distances
        return indices

    def transform(self, X):
        X, ndim = self._prepare(X)
        centers = self._centers.astype(np.float32)
        out = np.sqrt(np.sum(np.square(X[:, None, :] - centers[None, :, :]), axis=2))
        return out[0] if ndim == 1 else out
