"""Helpers migrated code may need: tflearn residual and other blocks (TFM112, TFM124).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import keras


def tflearn_fresh_initializer(init):
    """A new initializer object for each layer: a Keras initializer object without a seed
    draws the SAME values at every call; tflearn draws new values for every variable."""
    init = keras.initializers.get(init)
    if isinstance(init, keras.initializers.Initializer):
        return type(init).from_config(init.get_config())
    return init


def tflearn_pre_activation(x, activation, batch_norm=True):
    """tflearn batch_normalization with its defaults (gamma ~ N(1.0, 0.002), beta 0,
    decay 0.9, epsilon 1e-5; always trainable), if batch_norm, then the activation."""
    if batch_norm:
        x = keras.layers.BatchNormalization(
            momentum=0.9,
            epsilon=1e-5,
            gamma_initializer=keras.initializers.RandomNormal(mean=1.0, stddev=0.002),
        )(x)
    return keras.layers.Activation(activation)(x)


def tflearn_residual_shortcut(identity, strides, out_channels):
    """tflearn's residual shortcut: avg_pool_2d(identity, strides, strides) ('same') when
    strides > 1, then (out - in) // 2 zero channels on each side when the channel counts
    differ."""
    if strides > 1:
        identity = keras.layers.AveragePooling2D(pool_size=strides, strides=strides, padding="same")(identity)
    in_channels = identity.shape[-1]
    if in_channels != out_channels:
        ch = (out_channels - in_channels) // 2
        if ch < 0 or in_channels + 2 * ch != out_channels:
            raise ValueError(f"tflearn pads {in_channels} channels with {ch} on each side, which "
                             f"cannot give {out_channels} (tflearn 0.5.0 fails here too)")
        identity = keras.ops.pad(identity, [[0, 0], [0, 0], [0, 0], [ch, ch]])
    return identity


def tflearn_residual_block(incoming, nb_blocks, out_channels, downsample=False, downsample_strides=2,
                           activation="relu", batch_norm=True, bias=True, kernel_initializer=None,
                           bias_initializer="zeros", kernel_regularizer=None, trainable=True):
    """tflearn 0.5.0 residual_block: nb_blocks full pre-activation blocks
    (BN, act, 3x3 conv with the strides, BN, act, 3x3 conv) + tflearn's shortcut. As in
    tflearn, downsample=True downsamples in EVERY block. kernel_initializer=None: Keras'
    default (the migrator writes tflearn's out)."""
    strides = downsample_strides if downsample else 1
    x = incoming
    for _ in range(nb_blocks):
        identity = x
        for s in (strides, 1):
            x = tflearn_pre_activation(x, activation, batch_norm)
            x = keras.layers.Conv2D(
                out_channels, 3, strides=s, padding="same", use_bias=bias,
                kernel_initializer=tflearn_fresh_initializer(kernel_initializer or "glorot_uniform"),
                bias_initializer=tflearn_fresh_initializer(bias_initializer),
                kernel_regularizer=kernel_regularizer, trainable=trainable,
            )(x)
        identity = tflearn_residual_shortcut(identity, strides, out_channels)
        x = keras.layers.Add()([x, identity])
    return x


def tflearn_residual_bottleneck(incoming, nb_blocks, bottleneck_size, out_channels, downsample=False,
                                downsample_strides=2, activation="relu", batch_norm=True, bias=True,
                                kernel_initializer=None, bias_initializer="zeros", kernel_regularizer=None,
                                trainable=True):
    """tflearn 0.5.0 residual_bottleneck: BN, act, 1x1 conv (strides, 'valid'), BN, act,
    3x3 conv, 1x1 conv to out_channels with the activation. As in tflearn, the shortcut
    (and the activation after the sum) is added only in blocks whose input does not have
    out_channels channels; downsample=True downsamples in EVERY block."""
    strides = downsample_strides if downsample else 1

    def conv(x, filters, size, s, padding, act="linear"):
        return keras.layers.Conv2D(
            filters, size, strides=s, padding=padding, activation=act, use_bias=bias,
            kernel_initializer=tflearn_fresh_initializer(kernel_initializer or "glorot_uniform"),
            bias_initializer=tflearn_fresh_initializer(bias_initializer),
            kernel_regularizer=kernel_regularizer, trainable=trainable,
        )(x)

    x = incoming
    for _ in range(nb_blocks):
        identity = x
        x = tflearn_pre_activation(x, activation, batch_norm)
        x = conv(x, bottleneck_size, 1, strides, "valid")
        x = tflearn_pre_activation(x, activation, batch_norm)
        x = conv(x, bottleneck_size, 3, 1, "same")
        x = conv(x, out_channels, 1, 1, "valid", activation)
        if identity.shape[-1] != out_channels:
            identity = tflearn_residual_shortcut(identity, strides, out_channels)
            x = keras.layers.Add()([x, identity])
            x = keras.layers.Activation(activation)(x)
    return x


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TflearnHighway(keras.layers.Layer):
    """tflearn 0.5.0 highway (fully connected highway layer). On the input flattened to
    n_inputs features: H = activation(x @ kernel + bias), T = sigmoid(x @ gate_kernel +
    gate_bias), T = dropout(T) with keep probability transform_dropout (training only) when
    given, y = H * T + x * (1 - T); n_inputs must equal units. Weights in tflearn's order:
    kernel (W, regularized), bias (b), gate_kernel (W_T, same initializer, not regularized),
    gate_bias (b_T, starts at -1)."""

    def __init__(self, units, activation=None, transform_dropout=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.transform_dropout = transform_dropout
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.gate_dropout = keras.layers.Dropout(1.0 - transform_dropout) if transform_dropout else None

    def build(self, input_shape):
        n_inputs = 1
        for d in input_shape[1:]:
            n_inputs *= int(d)
        if n_inputs != self.units:
            raise ValueError(f"tflearn highway adds its {n_inputs} inputs to its {self.units} units "
                             "(tflearn 0.5.0 fails here too)")
        self.n_inputs = n_inputs
        self.kernel = self.add_weight(shape=(n_inputs, self.units), name="kernel",
                                      initializer=tflearn_fresh_initializer(self.kernel_initializer),
                                      regularizer=self.kernel_regularizer)
        self.bias = self.add_weight(shape=(self.units,), name="bias",
                                    initializer=tflearn_fresh_initializer(self.bias_initializer))
        self.gate_kernel = self.add_weight(shape=(n_inputs, self.units), name="gate_kernel",
                                           initializer=tflearn_fresh_initializer(self.kernel_initializer))
        self.gate_bias = self.add_weight(shape=(self.units,), name="gate_bias",
                                         initializer=keras.initializers.Constant(-1.0))

    def call(self, inputs, training=None):
        x = keras.ops.reshape(inputs, (-1, self.n_inputs))
        h = self.activation(keras.ops.matmul(x, self.kernel) + self.bias)
        t = keras.ops.sigmoid(keras.ops.matmul(x, self.gate_kernel) + self.gate_bias)
        if self.gate_dropout is not None:
            t = self.gate_dropout(t, training=training)
        return h * t + x * (1.0 - t)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": keras.activations.serialize(self.activation),
                "transform_dropout": self.transform_dropout,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer)}


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TflearnHighwayConv2D(keras.layers.Layer):
    """tflearn 0.5.0 highway_conv_2d: c = conv2d(x, kernel), H = activation(c + bias),
    T = sigmoid(c * gate_kernel + gate_bias), y = H * T + c * (1 - T) (the carry is the
    convolved input). Weights in tflearn's order: kernel (W, regularized), bias (b),
    gate_kernel (W_T, one per filter, gate_initializer), gate_bias (b_T, starts at -3)."""

    def __init__(self, filters, kernel_size, strides=1, padding="same", activation=None,
                 kernel_initializer="glorot_uniform", gate_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.filters = int(filters)
        self.kernel_size = tuple(kernel_size) if isinstance(kernel_size, (list, tuple)) else (kernel_size,) * 2
        self.strides = tuple(strides) if isinstance(strides, (list, tuple)) else (strides,) * 2
        self.padding = padding
        self.activation = keras.activations.get(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.gate_initializer = keras.initializers.get(gate_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        f = self.filters
        self.kernel = self.add_weight(shape=self.kernel_size + (int(input_shape[-1]), f), name="kernel",
                                      initializer=tflearn_fresh_initializer(self.kernel_initializer),
                                      regularizer=self.kernel_regularizer)
        self.bias = self.add_weight(shape=(f,), name="bias",
                                    initializer=tflearn_fresh_initializer(self.bias_initializer))
        self.gate_kernel = self.add_weight(shape=(f,), name="gate_kernel",
                                           initializer=tflearn_fresh_initializer(self.gate_initializer))
        self.gate_bias = self.add_weight(shape=(f,), name="gate_bias",
                                         initializer=keras.initializers.Constant(-3.0))

    def call(self, inputs):
        c = keras.ops.conv(inputs, self.kernel, strides=self.strides, padding=self.padding)
        h = self.activation(c + self.bias)
        t = keras.ops.sigmoid(c * self.gate_kernel + self.gate_bias)
        return h * t + c * (1.0 - t)

    def compute_output_shape(self, input_shape):
        dims = []
        for n, k, s in zip(input_shape[1:3], self.kernel_size, self.strides):
            if n is None:
                dims.append(None)
            elif self.padding == "same":
                dims.append(-(-n // s))
            else:
                dims.append((n - k) // s + 1)
        return (input_shape[0], *dims, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding,
                "activation": keras.activations.serialize(self.activation),
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "gate_initializer": keras.initializers.serialize(self.gate_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer)}


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TflearnHighwayConv1D(TflearnHighwayConv2D):
    """tflearn 0.5.0 highway_conv_1d: TflearnHighwayConv2D on the input with a dummy width
    axis (tflearn's tf.expand_dims(x, 2) and [fs, 1, in, nb_filter] filter), squeezed back.
    As in tflearn, the stride along the steps is always 1 (tflearn sets strides[1] = 1)."""

    def __init__(self, filters, kernel_size, padding="same", **kwargs):
        kwargs.pop("strides", None)
        k = kernel_size[0] if isinstance(kernel_size, (list, tuple)) else kernel_size
        super().__init__(filters, (k, 1), strides=1, padding=padding, **kwargs)

    def call(self, inputs):
        return keras.ops.squeeze(super().call(keras.ops.expand_dims(inputs, 2)), 2)

    def compute_output_shape(self, input_shape):
        out = super().compute_output_shape((input_shape[0], input_shape[1], 1, input_shape[2]))
        return (out[0], out[1], out[3])

    def get_config(self):
        config = super().get_config()
        config.pop("strides", None)
        config["kernel_size"] = self.kernel_size[0]
        return config


def tflearn_resnext_block(incoming, nb_blocks, out_channels, cardinality, downsample=False, downsample_strides=2,
                          activation="relu", batch_norm=True, bias=True, kernel_initializer=None,
                          bias_initializer="zeros", kernel_regularizer=None):
    """tflearn 0.5.0 resnext_block: per block 1x1 conv (bottleneck width, strides, 'valid'),
    BN, act, 3x3 depthwise conv (channel multiplier = cardinality, no bias), BN, act, 1x1
    conv (out_channels, with the activation), BN; shortcut: kernel-1 average pooling with
    the strides (if > 1) and zero channel padding; act(x + shortcut). As in tflearn,
    downsample=True downsamples in EVERY block. kernel_initializer=None: Keras' default
    (the migrator writes tflearn's out)."""
    card_values = [1, 2, 4, 8, 32]
    if cardinality not in card_values:
        raise ValueError("cardinality must be in [1, 2, 4, 8, 32]")
    bottleneck_size = [64, 40, 24, 14, 4][card_values.index(cardinality)]
    strides = downsample_strides if downsample else 1
    kernel_initializer = kernel_initializer or "glorot_uniform"

    def conv(x, filters, s, act="linear"):
        return keras.layers.Conv2D(
            filters, 1, strides=s, padding="valid", activation=act, use_bias=bias,
            kernel_initializer=tflearn_fresh_initializer(kernel_initializer),
            bias_initializer=tflearn_fresh_initializer(bias_initializer),
            kernel_regularizer=kernel_regularizer,
        )(x)

    x = incoming
    for _ in range(nb_blocks):
        identity = x
        x = conv(x, bottleneck_size, strides)
        x = tflearn_pre_activation(x, activation, batch_norm)
        x = keras.layers.DepthwiseConv2D(
            3, strides=1, padding="same", depth_multiplier=cardinality, use_bias=False,
            depthwise_initializer=tflearn_fresh_initializer(kernel_initializer),
            depthwise_regularizer=kernel_regularizer,
        )(x)
        x = tflearn_pre_activation(x, activation, batch_norm)
        x = conv(x, out_channels, 1, activation)
        if batch_norm:
            x = tflearn_pre_activation(x, "linear", batch_norm)
        if strides > 1:
            identity = keras.layers.AveragePooling2D(pool_size=1, strides=strides, padding="same")(identity)
        identity = tflearn_residual_shortcut(identity, 1, out_channels)
        x = keras.layers.Add()([x, identity])
        x = keras.layers.Activation(activation)(x)
    return x


def tflearn_densenet_block(incoming, nb_layers, growth, bottleneck=True, downsample=True, downsample_strides=2,
                           activation="relu", batch_norm=True, dropout=False, dropout_keep_prob=0.5, bias=True,
                           kernel_initializer=None, bias_initializer="zeros", kernel_regularizer=None,
                           trainable=True):
    """tflearn 0.5.0 densenet_block: per layer [BN, act, 1x1 conv if bottleneck], BN, act,
    3x3 conv, concat([new, input]); then BN, act, a 1x1 transition conv with growth filters,
    dropout (keep probability dropout_keep_prob) if dropout, 2x2 average pooling with
    downsample_strides ('same') if downsample. Convs: growth filters, stride 1, 'same'.
    kernel_initializer=None: Keras' default (the migrator writes tflearn's out)."""
    kernel_initializer = kernel_initializer or "glorot_uniform"

    def conv(x, size):
        return keras.layers.Conv2D(
            growth, size, strides=1, padding="same", use_bias=bias,
            kernel_initializer=tflearn_fresh_initializer(kernel_initializer),
            bias_initializer=tflearn_fresh_initializer(bias_initializer),
            kernel_regularizer=kernel_regularizer, trainable=trainable,
        )(x)

    x = incoming
    for _ in range(nb_layers):
        conn = x
        if bottleneck:
            x = tflearn_pre_activation(x, activation, batch_norm)
            x = conv(x, 1)
        x = tflearn_pre_activation(x, activation, batch_norm)
        x = conv(x, 3)
        x = keras.layers.Concatenate(axis=3)([x, conn])
    x = tflearn_pre_activation(x, activation, batch_norm)
    x = conv(x, 1)
    if dropout:
        x = keras.layers.Dropout(1.0 - dropout_keep_prob)(x)
    if downsample:
        x = keras.layers.AveragePooling2D(pool_size=2, strides=downsample_strides, padding="same")(x)
    return x
