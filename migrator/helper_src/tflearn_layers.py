"""Helpers migrated code may need: tflearn layers, activations, layer names and variables (TFM106,
TFM108, TFM113, TFM123, TFM126, TFM129).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import keras
import numpy as np


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TflearnSingleUnit(keras.layers.Layer):
    """tflearn single_unit: the input flattened to [-1] times W plus b, W and b of shape
    [prod(input_shape[1:])], each initialised to one np.random.randn() draw (W first) when the
    layer is built, as tflearn did when it built the graph. Its broadcast only works with one
    feature per sample."""

    def __init__(self, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.use_bias = bool(use_bias)

    def build(self, input_shape):
        n_inputs = int(np.prod(input_shape[1:]))
        if n_inputs != 1:
            raise ValueError(f"tflearn's single_unit broadcasts one feature per sample; input shape {input_shape}")
        self.kernel = self.add_weight(name="W", shape=(n_inputs,),
                                      initializer=keras.initializers.Constant(float(np.random.randn())))
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="b", shape=(n_inputs,),
                                        initializer=keras.initializers.Constant(float(np.random.randn())))

    def call(self, x):
        y = keras.ops.reshape(x, (-1,)) * self.kernel
        return y + self.bias if self.use_bias else y

    def compute_output_shape(self, input_shape):
        return (input_shape[0],)

    def get_config(self):
        return {**super().get_config(), "use_bias": self.use_bias}


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class LocalResponseNormalization(keras.layers.Layer):
    """tflearn local_response_normalization (tf.nn.lrn) over the last axis:
    x / (bias + alpha * sum(x[..., d - r:d + r + 1] ** 2)) ** beta, r = depth_radius."""

    def __init__(self, depth_radius=5, bias=1.0, alpha=0.0001, beta=0.75, **kwargs):
        super().__init__(**kwargs)
        self.depth_radius = int(depth_radius)
        self.bias = float(bias)
        self.alpha = float(alpha)
        self.beta = float(beta)

    def call(self, x):
        r = self.depth_radius
        channels = x.shape[-1]
        sqr = keras.ops.pad(keras.ops.square(x), [[0, 0]] * (len(x.shape) - 1) + [[r, r]])
        sqr_sum = sqr[..., 0:channels]
        for k in range(1, 2 * r + 1):
            sqr_sum = sqr_sum + sqr[..., k:k + channels]
        return x / keras.ops.power(self.bias + self.alpha * sqr_sum, self.beta)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "depth_radius": self.depth_radius, "bias": self.bias,
                "alpha": self.alpha, "beta": self.beta}


def tflearn_activation(identifier):
    """tflearn.activations.get: a callable as it is; a name (or its lower case) -> that tflearn
    activation as keras.ops with tflearn's constants (leaky_relu alpha 0.1, hard_sigmoid
    0.2 * x + 0.5, gelu's tanh approximation); an unknown name raises as tflearn does."""
    if hasattr(identifier, "__call__"):
        return identifier
    acts = {
        "linear": lambda x: x, "tanh": keras.ops.tanh, "sigmoid": keras.ops.sigmoid,
        "softmax": keras.ops.softmax, "softplus": keras.ops.softplus, "softsign": keras.ops.softsign,
        "relu": keras.ops.relu, "relu6": keras.ops.relu6, "elu": keras.ops.elu, "selu": keras.ops.selu,
        "leaky_relu": lambda x, alpha=0.1: keras.ops.leaky_relu(x, negative_slope=alpha),
        "leakyrelu": lambda x, alpha=0.1: keras.ops.leaky_relu(x, negative_slope=alpha),
        "crelu": lambda x: keras.ops.concatenate([keras.ops.relu(x), keras.ops.relu(-x)], axis=-1),
        "hard_sigmoid": lambda x: keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0),
        "gelu": lambda x: keras.ops.gelu(x, approximate=True),
    }
    if isinstance(identifier, str):
        res = acts.get(identifier) or acts.get(identifier.lower())
        if res is None:
            raise Exception("Invalid activation: " + identifier)
        return res
    return identifier


def tflearn_transpose_output_shape(x, output_shape):
    """tflearn's conv_2d_transpose took an explicit output_shape; Keras' Conv2DTranspose
    computes it from the input size, strides and padding. Raise while building the model
    when the two differ (the layer would compute another function)."""
    got = tuple(x.shape[1:1 + len(output_shape)])
    if got != tuple(output_shape):
        raise ValueError(f"Conv2DTranspose output {got} != tflearn output_shape {tuple(output_shape)}")
    return x


def tflearn_layer_name(name, _used=set()):
    """The name TF1 gave a tflearn layer: the first layer of a name keeps it, the next ones get
    the smallest free suffix (name_1, name_2 ...), as tflearn's variable/name scopes made
    them unique in the graph (Keras refuses two layers of one name in a model)."""
    if name in _used:
        k = 1
        while f"{name}_{k}" in _used:
            k += 1
        name = f"{name}_{k}"
    _used.add(name)
    return name


def tflearn_invalid_identifier(kind, identifier):
    """tflearn.utils.get_from_module: a name its module does not define (as given or
    lowercased) raises Exception('Invalid <kind>: <name>') where the layer is built; the
    legacy program stopped there, and so does this one."""
    raise Exception("Invalid " + str(kind) + ": " + str(identifier))


def tflearn_layer_weight(model, tensor, attr):
    """tflearn's `tensor.W` / `tensor.b` (the variables tflearn attaches to a layer's output):
    the kernel (or embeddings) / bias of the layer of `model` whose output is `tensor`."""
    names = {"W": ("kernel", "embeddings"), "b": ("bias",)}[attr]
    for layer in model.layers:
        try:
            out = layer.output
        except (AttributeError, ValueError):
            continue
        if out is tensor:
            for name in names:
                if getattr(layer, name, None) is not None:
                    return getattr(layer, name)
            raise ValueError(f"layer {layer.name} holds no {attr} ({' / '.join(names)})")
    raise ValueError(f"no layer of model {model.name} outputs this tensor: its {attr} is not found")
