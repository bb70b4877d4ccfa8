"""Helpers migrated code may need: TF1 layers and hand-made variables (TFM131, TFM132, TFM135,
TFM159).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import keras


class TF1ModeBatchNormalization(keras.layers.BatchNormalization):
    # TF1 batch_normalization(training=<a Python bool>): the mode of each call was fixed when the
    # graph was built (one layer shared by a training and an inference graph: one mode per call),
    # while a functional Keras model passes ITS flag to every layer call - the call pins it. A
    # training-mode graph normalised with batch statistics whenever it ran and updated the moving
    # ones only when a training step ran its update ops (updates=True: the train op depends on
    # UPDATE_OPS), fused for 4-D inputs (moving variance from the unbiased batch variance).
    # keras_flag=True: the mode is Keras' training flag (TF1's was fed from an is_training
    # placeholder: True in the training runs, False in the others), with TF1's update rules

    def __init__(self, updates=True, keras_flag=False, **kwargs):
        super().__init__(**kwargs)
        self.tf1_updates = updates
        self.tf1_keras_flag = keras_flag

    def call(self, inputs, training=None, mask=None, tf1_training=None):
        if tf1_training is None and self.tf1_keras_flag:
            tf1_training = bool(training)
        if tf1_training is None:
            return super().call(inputs, training=training, mask=mask)
        if not tf1_training or not self.trainable:
            return super().call(inputs, training=False, mask=mask)
        x = keras.ops.cast(inputs, "float64" if inputs.dtype == "float64" else "float32")
        axes = [i for i in range(len(x.shape)) if i != self.axis % len(x.shape)]
        mean, variance = keras.ops.moments(x, axes)
        if training and self.tf1_updates:
            unbiased = variance
            if len(x.shape) == 4:
                n = keras.ops.cast(keras.ops.size(x) // x.shape[self.axis], x.dtype)
                unbiased = variance * n / keras.ops.maximum(n - 1.0, 1.0)
            self.moving_mean.assign(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
            self.moving_variance.assign(self.moving_variance * self.momentum + unbiased * (1.0 - self.momentum))
        out = keras.ops.batch_normalization(x, mean, variance, axis=self.axis,
                                            offset=self.beta if self.center else None,
                                            scale=self.gamma if self.scale else None, epsilon=self.epsilon)
        return keras.ops.cast(out, self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "updates": self.tf1_updates, "keras_flag": self.tf1_keras_flag}


class ContribBatchNormalization(keras.layers.BatchNormalization):
    # tf.contrib.layers.batch_norm (slim.batch_norm). On 2-D and 4-D inputs TF1 ran it FUSED:
    # normalised with the batch variance but moved the moving variance toward the UNBIASED one
    # (x n / (n - 1), n values per channel). training=None: the model's mode (is_training a
    # tensor); True / False: a constant is_training, pinned (contrib's default True normalises
    # evaluation batches with their own statistics too). updates=False: no train op ran the
    # UPDATE_OPS, so TF1 never moved the statistics

    def __init__(self, training=None, updates=True, **kwargs):
        super().__init__(**kwargs)
        self.fixed_training = training
        self.tf1_updates = updates

    def call(self, inputs, training=None, mask=None):
        step = bool(training) and self.tf1_updates and self.trainable
        if self.fixed_training is not None:
            training = self.fixed_training
        if not training or not self.trainable:
            return super().call(inputs, training=False, mask=mask)
        x = keras.ops.cast(inputs, "float64" if inputs.dtype == "float64" else "float32")
        axes = [i for i in range(len(x.shape)) if i != self.axis % len(x.shape)]
        mean, variance = keras.ops.moments(x, axes)
        if step:
            unbiased = variance
            if len(x.shape) in (2, 4):
                n = keras.ops.cast(keras.ops.size(x) // x.shape[self.axis], x.dtype)
                unbiased = variance * n / keras.ops.maximum(n - 1.0, 1.0)
            self.moving_mean.assign(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
            self.moving_variance.assign(self.moving_variance * self.momentum + unbiased * (1.0 - self.momentum))
        out = keras.ops.batch_normalization(x, mean, variance, axis=self.axis,
                                            offset=self.beta if self.center else None,
                                            scale=self.gamma if self.scale else None, epsilon=self.epsilon)
        return keras.ops.cast(out, self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "training": self.fixed_training, "updates": self.tf1_updates}


class TF1Variable(keras.layers.Layer):
    """A TF1 variable read directly by tensor ops: the layer owns the weight; called on a tensor
    of the graph (only to place it there), it returns the weight's value. ``tf1_name``: the
    name TF1 gave the variable (its checkpoint name), when the program named it."""

    def __init__(self, shape, initializer="glorot_uniform", tf1_name=None, **kwargs):
        super().__init__(**kwargs)
        self.tf1_name = tf1_name
        self.variable = self.add_weight(shape=tuple(shape), initializer=initializer, name="variable")

    def call(self, anchor):
        return keras.ops.convert_to_tensor(self.variable)

    def compute_output_spec(self, anchor):
        return keras.KerasTensor(tuple(self.variable.shape), dtype=self.variable.dtype)


class TF1VariableObject(TF1Variable):
    """A TF1 variable made apart from the ops that read it (a helper makes ``tf.Variable(value)``,
    returns it, keeps it in a dict, asserts and counts its static shape): the layer owns the
    weight, starting from ``initial_value`` (drawn once, as TF1's initializer evaluated it). Each
    op reading the variable calls the object on a tensor of the graph (only to place it there)
    and gets the weight's value: one object, one weight, however many reads. ``shape``: the
    variable's static shape, as TF1's ``var.get_shape()`` read it."""

    def __init__(self, initial_value, tf1_name=None, **kwargs):
        value = keras.ops.convert_to_tensor(initial_value, dtype="float32")
        super().__init__(tuple(value.shape), lambda shape, dtype=None: keras.ops.cast(value, dtype or "float32"),
                         tf1_name=tf1_name, **kwargs)

    @property
    def shape(self):
        return tuple(self.variable.shape)


class TF1Embedding(keras.layers.Embedding):
    """A TF1 table read by tf.gather / tf.nn.embedding_lookup. Its gradient is sparse (one slice
    per looked-up id); TF1's optimizers summed the slices of an id that repeats in a batch before
    their update, Keras 3's TensorFlow optimizers apply the slices one by one (Adam squares each
    repeated slice instead of their sum). Reading the table through a product by one makes its
    gradient the dense sum TF1 used (TF1's dense Adam / SGD step); the values are the same."""

    def call(self, inputs):
        if inputs.dtype != "int32" and inputs.dtype != "int64":
            inputs = keras.ops.cast(inputs, "int32")
        return keras.ops.take(keras.ops.multiply(self.embeddings, 1.0), inputs, axis=0)


class TF1Bias(keras.layers.Layer):
    # a bias variable of its own (tf.Variable) added on the last axis (tf.nn.bias_add / + b / xw_plus_b)
    # to a layer whose kernel TF1 shared between towers: each tower gets its own bias, as in TF1

    def __init__(self, bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(input_shape[-1],), initializer=self.bias_initializer, name="bias")

    def call(self, inputs):
        return inputs + self.bias


class TF1BroadcastBias(keras.layers.Layer):
    # a TF1 bias variable whose shape is known at run time only (get_variable("biases", bias_shape)),
    # added as TF1 added it (conv + biases): with broadcasting, whatever the shape

    def __init__(self, shape, bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        # the shape given to get_variable: a list / tuple, or one int (a vector)
        self.bias_shape = (shape,) if isinstance(shape, int) else tuple(shape)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        self.bias = self.add_weight(shape=self.bias_shape, initializer=self.bias_initializer, name="bias")

    def call(self, inputs):
        return inputs + self.bias


class TF1Template:
    """TF1's make_template(name, func, **kwargs): func creates its variables on the first call
    and every later call reuses them. The first call builds func once, into a model on inputs
    shaped like its arguments; every call applies that one model (the same weights)."""

    def __init__(self, func, **kwargs):
        self.func, self.kwargs, self.model, self.call_kwargs = func, kwargs, None, None

    def __call__(self, *args, **kwargs):
        if self.model is None:
            inputs = [keras.Input(shape=tuple(a.shape[1:]), dtype=a.dtype) for a in args]
            self.model = keras.Model(inputs, self.func(*inputs, **self.kwargs, **kwargs))
            self.call_kwargs = kwargs
        elif kwargs != self.call_kwargs:
            raise ValueError("TF1Template called with other keyword arguments than its first call")
        return self.model(list(args) if len(args) > 1 else args[0])
