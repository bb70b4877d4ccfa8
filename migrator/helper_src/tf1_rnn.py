"""Helpers migrated code may need: TF1 RNN cells and loops (TFM110, TFM158).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import collections
import keras


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1RNNGlorotUniform(keras.initializers.Initializer):
    """TF1 RNN cells draw each ``Linear/Matrix`` [input_dim + units, width * units] from
    tf.get_variable's default Glorot-uniform, U(+-sqrt(6 / (input_dim + units + width * units))).
    Keras splits that matrix into ``kernel`` [input_dim, ...] and ``recurrent_kernel``
    [units, ...]: this draws either with the TF1 limits. ``widths``: for each block of
    ``units`` Keras columns, the width (in units) of the TF1 matrix it comes from."""

    def __init__(self, input_dim, widths, seed=None):
        self.input_dim = int(input_dim)
        self.widths = tuple(int(w) for w in widths)
        self.seed = seed

    def __call__(self, shape, dtype=None):
        units = shape[-1] // len(self.widths)
        parts = []
        for i, w in enumerate(self.widths):
            limit = (6.0 / (self.input_dim + units + w * units)) ** 0.5
            seed = None if self.seed is None else self.seed + i
            parts.append(keras.random.uniform((shape[0], units), -limit, limit, dtype=dtype, seed=seed))
        return keras.ops.concatenate(parts, axis=-1)

    def get_config(self):
        return {"input_dim": self.input_dim, "widths": list(self.widths), "seed": self.seed}


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1BlockConstant(keras.initializers.Initializer):
    """A bias made of len(values) equal blocks, block i filled with values[i] (TF1 GRU cells:
    gates 1.0, candidate 0.0; an LSTM forget_bias other than 1.0 on the f block)."""

    def __init__(self, values):
        self.values = [float(v) for v in values]

    def __call__(self, shape, dtype=None):
        n = shape[-1] // len(self.values)
        dtype = dtype or keras.config.floatx()
        return keras.ops.concatenate([keras.ops.full((n,), v, dtype=dtype) for v in self.values])

    def get_config(self):
        return {"values": list(self.values)}


TF1LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ["c", "h"])


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1LSTMCell(keras.layers.Layer):
    """TF1's BasicLSTMCell / LSTMCell (no peepholes, projection or clipping) as a Keras RNN
    cell (use it through keras.layers.RNN / tf1_rnn): ONE kernel [input_dim + units, 4 * units]
    over concat([x, h]), gates in TF1's order i, j (new input), f, o; a bias starting at 0;
    forget_bias added to f at run time; the state (c, h) as TF1's LSTMStateTuple."""

    def __init__(self, units, forget_bias=1.0, activation="tanh", kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.forget_bias = float(forget_bias)
        self.activation = keras.activations.get(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1] + self.units, 4 * self.units),
                                      initializer=self.kernel_initializer, name="kernel")
        self.bias = self.add_weight(shape=(4 * self.units,), initializer="zeros", name="bias")

    def call(self, inputs, states):
        c, h = states[0], states[1]
        z = keras.ops.matmul(keras.ops.concatenate([inputs, h], axis=-1), self.kernel) + self.bias
        i, j, f, o = keras.ops.split(z, 4, axis=-1)
        c = c * keras.ops.sigmoid(f + self.forget_bias) + keras.ops.sigmoid(i) * self.activation(j)
        h = self.activation(c) * keras.ops.sigmoid(o)
        return h, [c, h]

    def tf1_state(self, states):
        return TF1LSTMStateTuple(states[0], states[1])

    def get_config(self):
        return {**super().get_config(), "units": self.units, "forget_bias": self.forget_bias,
                "activation": keras.activations.serialize(self.activation),
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1GRUCell(keras.layers.Layer):
    """TF1's GRUCell as a Keras RNN cell: gates kernel [input_dim + units, 2 * units] over
    concat([x, h]) -> r, u (bias starting at 1.0); candidate kernel over concat([x, r * h])
    (bias 0.0); h' = u * h + (1 - u) * act(candidate)."""

    def __init__(self, units, activation="tanh", kernel_initializer="glorot_uniform", bias_initializer=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = None if bias_initializer is None else keras.initializers.get(bias_initializer)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        n = input_shape[-1] + self.units
        self.kernel = self.add_weight(shape=(n, 2 * self.units), initializer=self.kernel_initializer,
                                      name="kernel")
        self.bias = self.add_weight(shape=(2 * self.units,), initializer=self.bias_initializer or "ones",
                                    name="bias")
        self.candidate_kernel = self.add_weight(shape=(n, self.units), initializer=self.kernel_initializer,
                                                name="candidate_kernel")
        self.candidate_bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer or "zeros",
                                              name="candidate_bias")

    def call(self, inputs, states):
        h = states[0] if isinstance(states, (list, tuple)) else states
        value = keras.ops.sigmoid(keras.ops.matmul(keras.ops.concatenate([inputs, h], axis=-1), self.kernel)
                                  + self.bias)
        r, u = keras.ops.split(value, 2, axis=-1)
        c = self.activation(keras.ops.matmul(keras.ops.concatenate([inputs, r * h], axis=-1),
                                             self.candidate_kernel) + self.candidate_bias)
        h = u * h + (1 - u) * c
        return h, [h]

    def tf1_state(self, states):
        return states[0]

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": keras.activations.serialize(self.activation),
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": None if self.bias_initializer is None
                else keras.initializers.serialize(self.bias_initializer)}


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1BasicRNNCell(keras.layers.Layer):
    """TF1's BasicRNNCell as a Keras RNN cell: h' = act(concat([x, h]) @ kernel + bias), one
    Glorot-uniform kernel [input_dim + units, units], bias 0."""

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1] + self.units, self.units),
                                      initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs, states):
        h = states[0] if isinstance(states, (list, tuple)) else states
        h = self.activation(keras.ops.matmul(keras.ops.concatenate([inputs, h], axis=-1), self.kernel) + self.bias)
        return h, [h]

    def tf1_state(self, states):
        return states[0]

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": keras.activations.serialize(self.activation)}


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1MultiRNNCell(keras.layers.Layer):
    """TF1's MultiRNNCell: each cell's output is the next cell's input; the state is the tuple
    of the cells' states (flattened for Keras, rebuilt by tf1_state)."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        self.cells = list(cells)
        self._sizes = [len(c.state_size) if isinstance(c.state_size, (list, tuple)) else 1 for c in self.cells]
        self.state_size = [s for c in self.cells for s in
                           (c.state_size if isinstance(c.state_size, (list, tuple)) else [c.state_size])]
        self.output_size = self.cells[-1].output_size

    def build(self, input_shape):
        for cell in self.cells:
            if not cell.built:  # ``MultiRNNCell([cell] * n)``: ONE cell, its weights in every layer
                cell.build(input_shape)
            input_shape = tuple(input_shape[:-1]) + (cell.output_size,)

    def call(self, inputs, states):
        new, k = [], 0
        for cell, n in zip(self.cells, self._sizes):
            inputs, s = cell(inputs, list(states[k:k + n]))
            new.extend(s)
            k += n
        return inputs, new

    def tf1_state(self, states):
        out, k = [], 0
        for cell, n in zip(self.cells, self._sizes):
            out.append(cell.tf1_state(list(states[k:k + n])))
            k += n
        return tuple(out)


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1DropoutWrapper(keras.layers.Layer):
    """TF1's DropoutWrapper (variational_recurrent=False) around a TF1 cell helper: a NEW dropout
    mask at every step (TF1 built one dropout op per step) on the cell's input, its output and its
    new state (of an LSTM state only h: TF1's default state filter keeps c), each unit kept with
    its keep probability and scaled by 1 / keep; only while training (TF1's keep probability
    placeholder was fed 1.0 outside training, where nothing is dropped). every_run=True: a keep
    probability fixed when TF1 built the graph (a Python number): TF1 dropped in every run of
    that graph, evaluation included, and so does this cell in Keras' inference."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0, seed=None,
                 every_run=False, **kwargs):
        super().__init__(**kwargs)
        self.cell = cell
        self.every_run = bool(every_run)
        self.input_keep_prob = float(input_keep_prob)
        self.output_keep_prob = float(output_keep_prob)
        self.state_keep_prob = float(state_keep_prob)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.state_size = cell.state_size
        self.output_size = cell.output_size

    def build(self, input_shape):
        if not self.cell.built:  # the cell may run unwrapped too (one set of weights, as in TF1)
            self.cell.build(input_shape)

    def _drop(self, x, keep, training):
        if not training or keep >= 1.0:
            return x
        return keras.random.dropout(x, 1.0 - keep, seed=self.seed_generator)

    def call(self, inputs, states, training=False):
        training = bool(training) or self.every_run
        inputs = self._drop(inputs, self.input_keep_prob, training)
        output, new = self.cell(inputs, list(states))
        if training and self.state_keep_prob < 1.0:
            kept, todo = set(), [self.cell.tf1_state(list(range(len(new))))]
            while todo:
                s = todo.pop()
                if getattr(s, "_fields", None) == ("c", "h"):  # TF1's LSTMStateTuple
                    kept.add(s.c)
                elif isinstance(s, (list, tuple)):
                    todo.extend(s)
            new = [v if i in kept else self._drop(v, self.state_keep_prob, training) for i, v in enumerate(new)]
        return self._drop(output, self.output_keep_prob, training), list(new)

    def tf1_state(self, states):
        return self.cell.tf1_state(states)


def tf1_zero_state(cell, batch_size, dtype="float32"):
    """TF1's cell.zero_state(batch_size, dtype): zeros of the cell's state sizes in TF1's structure
    (an LSTM's (c, h), a MultiRNNCell's tuple of states). A batch size read with tf1_shape from a
    model being built is a symbolic tensor: the zeros are made when the model runs."""
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    if isinstance(batch_size, keras.KerasTensor):
        def zeros(n, size):
            return keras.ops.zeros(keras.ops.stack([keras.ops.cast(keras.ops.reshape(n, ()), "int32"), size]),
                                   dtype=dtype)

        def shape_of(size):
            return lambda _: (None, size)

        states = [keras.layers.Lambda(zeros, output_shape=shape_of(size), arguments={"size": size})(batch_size)
                  for size in sizes]
    else:
        states = [keras.ops.zeros((batch_size, size), dtype=dtype) for size in sizes]
    return cell.tf1_state(states)


def tf1_rnn(cell, inputs, sequence_length=None, initial_state=None, go_backwards=False, dtype=None):
    """TF1's recurrent loop over [batch, time, features] with a TF1 cell helper: returns
    (outputs [batch, time, units], the final state in TF1's structure). With sequence_length,
    steps at or past an example's length output zeros and keep its state (the final state is
    the one after its last step). go_backwards: the backward cell of TF1's bidirectional RNNs
    (the valid steps reversed), its outputs put back in time order. dtype (a loop's dtype=,
    e.g. "float64"): TF1 built the cell's variables in its inputs' dtype, so a cell not yet
    built takes it too."""
    mask = None
    if sequence_length is not None:
        mask = keras.ops.less(keras.ops.arange(inputs.shape[1]), keras.ops.expand_dims(sequence_length, -1))
    if dtype is not None:
        for c in [cell, *getattr(cell, "cells", [])]:
            if not c.built:
                c.dtype_policy = dtype
    layer = keras.layers.RNN(cell, return_sequences=True, return_state=True, go_backwards=go_backwards,
                             zero_output_for_mask=True, dtype=dtype)
    if initial_state is not None:
        initial_state = keras.tree.flatten(initial_state)
    outputs, *states = layer(inputs, initial_state=initial_state, mask=mask)
    if go_backwards:
        outputs = keras.ops.flip(outputs, axis=1)
    return outputs, cell.tf1_state(states)


def tf1_static_rnn(cell, inputs, initial_state=None, sequence_length=None, dtype=None):
    """TF1's static_rnn: ``inputs`` a list of [batch, features] tensors -> (list of outputs, state)."""
    outputs, state = tf1_rnn(cell, keras.ops.stack(inputs, axis=1), sequence_length, initial_state, dtype=dtype)
    return keras.ops.unstack(outputs, len(inputs), axis=1), state


def tf1_dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, time_major=False, dtype=None):
    """TF1's dynamic_rnn: (outputs [batch, time, units] - [time, batch, units] if time_major -, state)."""
    if time_major:
        inputs = keras.ops.swapaxes(inputs, 0, 1)
    outputs, state = tf1_rnn(cell, inputs, sequence_length, initial_state, dtype=dtype)
    if time_major:
        outputs = keras.ops.swapaxes(outputs, 0, 1)
    return outputs, state


def tf1_static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None, initial_state_bw=None,
                                 sequence_length=None, dtype=None):
    """TF1's static_bidirectional_rnn -> (list of concat([fw_t, bw_t], -1), state_fw, state_bw)."""
    x = keras.ops.stack(inputs, axis=1)
    out_fw, state_fw = tf1_rnn(cell_fw, x, sequence_length, initial_state_fw, dtype=dtype)
    out_bw, state_bw = tf1_rnn(cell_bw, x, sequence_length, initial_state_bw, go_backwards=True, dtype=dtype)
    outputs = keras.ops.concatenate([out_fw, out_bw], axis=-1)
    return keras.ops.unstack(outputs, len(inputs), axis=1), state_fw, state_bw


def tf1_bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None, initial_state_fw=None,
                                  initial_state_bw=None, time_major=False, dtype=None):
    """TF1's bidirectional_dynamic_rnn -> ((output_fw, output_bw), (state_fw, state_bw))."""
    if time_major:
        inputs = keras.ops.swapaxes(inputs, 0, 1)
    out_fw, state_fw = tf1_rnn(cell_fw, inputs, sequence_length, initial_state_fw, dtype=dtype)
    out_bw, state_bw = tf1_rnn(cell_bw, inputs, sequence_length, initial_state_bw, go_backwards=True, dtype=dtype)
    if time_major:
        out_fw, out_bw = keras.ops.swapaxes(out_fw, 0, 1), keras.ops.swapaxes(out_bw, 0, 1)
    return (out_fw, out_bw), (state_fw, state_bw)
