"""The tf.* op calls TFM130 translates to keras.ops (TFM135 reads them)."""
from __future__ import annotations


_REDUCE = {"reduce_sum": "sum", "reduce_mean": "mean", "reduce_max": "max", "reduce_min": "min",
           "reduce_prod": "prod", "reduce_any": "any", "reduce_all": "all",
           "reduce_logsumexp": "logsumexp"}
_UNARY = {  # tf name -> keras.ops name; signature "x, name=None"
    "sqrt": "sqrt", "square": "square", "abs": "abs", "exp": "exp", "log": "log", "sign": "sign",
    "negative": "negative", "rsqrt": "rsqrt", "floor": "floor", "ceil": "ceil", "round": "round",
    "log1p": "log1p", "sin": "sin", "cos": "cos", "zeros_like": "zeros_like", "ones_like": "ones_like",
    "sigmoid": "sigmoid", "tanh": "tanh", "nn.relu": "relu", "nn.relu6": "relu6", "nn.elu": "elu",
    "nn.selu": "selu", "nn.softplus": "softplus", "nn.softsign": "softsign", "nn.sigmoid": "sigmoid",
    "nn.tanh": "tanh", "stop_gradient": "stop_gradient", "math.sqrt": "sqrt", "math.square": "square",
    "math.abs": "abs", "math.exp": "exp", "math.log": "log", "logical_not": "logical_not",
    "math.logical_not": "logical_not", "shape": "shape",
    # tf.rint rounds half to even, as tf.round (keras.ops.round) does
    "rint": "round", "math.rint": "round",
    "reciprocal": "reciprocal",  # also TF 0.x's tf.inv (names.TF0_RENAMES)
}
_BINARY = {  # signature "x, y, name=None"
    "maximum": "maximum", "minimum": "minimum", "add": "add", "subtract": "subtract",
    "multiply": "multiply", "divide": "divide", "truediv": "true_divide", "pow": "power",
    "equal": "equal", "not_equal": "not_equal", "greater": "greater", "less": "less",
    "greater_equal": "greater_equal", "less_equal": "less_equal", "logical_and": "logical_and",
    "logical_or": "logical_or", "squared_difference": None, "nn.bias_add": "add",
    "math.maximum": "maximum", "math.minimum": "minimum",
    # tf.div / realdiv: Python-2 division; true division on the float tensors models compute
    "div": "divide", "realdiv": "divide",
}
# tf.math.<op> aliases of the same ops
_REDUCE.update({f"math.{k}": v for k, v in list(_REDUCE.items())})
_BINARY.update({f"math.{k}": v for k, v in list(_BINARY.items()) if "." not in k})
_UNARY.update({f"math.{k}": v for k, v in list(_UNARY.items()) if "." not in k and f"math.{k}" not in _UNARY})


# TF1 initializer objects bound to a name (``init = tf.truncated_normal_initializer(stddev=0.02)``,
# then ``kernel_initializer=init`` in several layers); inline ones are the layer rules' (initializer_of)
_INITIALIZERS = ("truncated_normal_initializer", "random_normal_initializer", "random_uniform_initializer",
                 "glorot_uniform_initializer", "glorot_normal_initializer", "constant_initializer",
                 "zeros_initializer", "ones_initializer", "variance_scaling_initializer",
                 "initializers.he_normal", "initializers.he_uniform", "initializers.lecun_normal",
                 "initializers.lecun_uniform", "initializers.variance_scaling",
                 "contrib.layers.xavier_initializer", "contrib.layers.xavier_initializer_conv2d",
                 "contrib.layers.variance_scaling_initializer")


def _tf(name: str) -> str:
    return f"tensorflow.{name}"


OPS_CALLS = tuple([_tf(n) for n in _REDUCE] + [_tf(n) for n in _UNARY] + [_tf(n) for n in _BINARY] + [
    _tf(n) for n in (
        "matmul", "concat", "stack", "reshape", "argmax", "argmin", "cast", "dtypes.cast", "convert_to_tensor", "transpose", "expand_dims",
        "squeeze", "one_hot", "where", "clip_by_value", "nn.softmax", "nn.log_softmax",
        "nn.leaky_relu", "nn.l2_normalize", "nn.softmax_cross_entropy_with_logits",
        "nn.softmax_cross_entropy_with_logits_v2", "nn.sigmoid_cross_entropy_with_logits",
        "nn.weighted_cross_entropy_with_logits",
        "nn.sparse_softmax_cross_entropy_with_logits", "losses.mean_squared_error",
        "losses.absolute_difference", "losses.log_loss", "losses.sigmoid_cross_entropy", "losses.hinge_loss",
        "losses.sparse_softmax_cross_entropy", "losses.softmax_cross_entropy", "to_float", "to_int32", "constant", "eye", "norm",
        "diag_part", "linalg.diag_part", "matrix_diag_part", "nn.max_pool", "nn.avg_pool", "nn.max_pool2d",
        "nn.avg_pool2d", "linalg.matmul", "linalg.tensor_diag_part", "nn.xw_plus_b", "count_nonzero",
        "math.count_nonzero", "cond", "math.argmax", "math.argmin", "identity", "pad", "random_normal",
        "random.normal", "split", "fill", "add_n", "math.add_n", "range", "gather", "nn.l2_loss", "tile",
        "confusion_matrix", "math.confusion_matrix", "train.confusion_matrix", "diag", "zeros", "ones", "gather_nd", "sequence_mask",
        "image.convert_image_dtype", "image.per_image_standardization", "image.resize_images",
        "image.resize_bilinear", "tensordot", "linalg.tensordot", "linspace", "lin_space", "meshgrid", "nn.conv2d")]
    + [_tf(n) for n in _INITIALIZERS])
