"""Keras helpers for tflearn programs whose regression(...) layers minimise loss TENSORS over
lists of layer variables (GANs: ``trainable_vars=get_layer_variables_by_scope(...)``).

Read from tflearn 0.5.0: ``get_layer_variables_by_scope(scope)`` is
``tf.get_collection(LAYER_VARIABLES, scope)`` (variables whose name ``re.match``-es the scope);
``regression(x, placeholder=None, loss=T, trainable_vars=V)`` makes a TrainOp minimising T over
V only (``tf.gradients(loss, V)``, clipped by global norm ``clip_gradients`` over V); a DNN takes
every TrainOp of the graph and its Trainer runs, per batch step, one step of each TrainOp in
creation order, each on its own batch stream (FeedDictFlow over the whole feed dict: every
TrainOp is fed every input).
"""
from __future__ import annotations

from ..helpers import register

SCOPE_VARIABLES = "TflearnScopeVariables"
TRAINOPS_DNN = "TflearnTrainOpsDNN"
LOSS_MODEL = "TflearnVarListLossModel"

register(SCOPE_VARIABLES, '''
class TflearnScopeVariables:
    """tflearn get_layer_variables_by_scope(scope): the layer variables whose TF1 name matches
    `scope` (re.match) - here the Keras variables whose path does (the layers were built under
    keras.name_scope(scope), where TF1 had variable_scope(scope)). Resolved against a model's
    variables by TflearnTrainOpsDNN (Keras has no graph-wide collection)."""

    def __init__(self, scope):
        self.scope = scope

    def resolve(self, variables):
        return [v for v in variables if re.match(self.scope, v.path)]
''', imports=[("re", None, None)])

register(LOSS_MODEL, '''
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
''', imports=[("keras", None, None)])

register(TRAINOPS_DNN, '''
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
            model.train_vars = variables.resolve(model.trainable_variables) \\
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
''', imports=[("keras", None, None), ("numpy", None, "np")],
    requires=(SCOPE_VARIABLES, LOSS_MODEL))
