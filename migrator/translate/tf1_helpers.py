"""Keras helper definitions the TF1 rules emit and share (registered with ``helpers.register``:
``ctx.use_helper(name)`` inserts one into a migrated file). Each was written for one rule and is
used by others; keeping them here keeps rules from importing each other."""
from __future__ import annotations

from ..helpers import HELPERS, register


LOSS_MODEL = register("LossModel", '''
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
''', imports=[("keras", None, None)])


TF1_ADD = register("tf1_add", '''
def tf1_add(x, y):
    # TF1's x + y. Keras 3's add on the TensorFlow backend (keras.ops.add, + of Keras tensors)
    # takes x of shape (1, n) plus y of shape (n, 1) for a bias add when n is known and returns
    # shape (1, n); x - (-y) is the same sum, exactly, broadcast as TF1 did
    return keras.ops.subtract(x, keras.ops.negative(y))
''', imports=[("keras", None, None)])


FIXED_MODE_BN = register("FixedModeBatchNormalization", '''
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
''', imports=[("keras", None, None)])



TF1_MODE_DROPOUT = register("TF1ModeDropout", '''
class TF1ModeDropout(keras.layers.Dropout):
    # TF1 tf.layers.dropout(training=<a Python bool>): the mode of each call was fixed when the
    # graph was built (a training tower drops units whenever it runs, an evaluation tower never),
    # while a functional Keras model passes ITS training flag to every layer call - the call pins it

    def call(self, inputs, training=None, tf1_training=None):
        return super().call(inputs, training=training if tf1_training is None else bool(tf1_training))
''', imports=[("keras", None, None)])


TF1_LAYER = register("tf1_layer", '''
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
''', imports=[("keras", None, None)])


FROM_SLICES = "tensorflow.data.Dataset.from_tensor_slices"



TF1_DATASET = register("TF1Dataset", '''
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
''', imports=[("keras", None, None), ("numpy", None, "np")])


TF1_TRAIN_STEP = register("TF1TrainStep", '''
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
''', imports=[("keras", None, None), ("numpy", None, "np")])



TF1_TRAIN_RUN = register("tf1_train_run", """
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
""", imports=[("keras", None, None)], requires=("TF1TrainStep",))


CLASS_LOSSES = register("tf1_regularization_losses", '''
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
''', imports=[("keras", None, None)])


def helper_example_output(imports: str, helpers, body: str) -> str:
    """Expected example output: the imports, the helpers' definitions, ``body``."""
    if any(h not in HELPERS for h in helpers):
        _register_all()
    return imports + "\n\n" + "".join(f"# tflearn-migrate helper: {h}\n{HELPERS[h].code}\n\n" for h in helpers) + body


def _register_all() -> None:
    """Import every rule module (each registers its helpers at import): an example may show a
    helper another rule registers. Plain imports, not ``rules.all_rules()`` (whose cached list
    must not be built while a rule module is still being imported)."""
    import importlib
    import pkgutil

    from .. import rules

    for info in pkgutil.iter_modules(rules.__path__):
        importlib.import_module(f"{rules.__name__}.{info.name}")
