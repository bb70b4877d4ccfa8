"""``tensorflow.contrib.slim`` for the legacy runtime: the subset Siamese programs use
(``arg_scope``, ``conv2d``, ``fully_connected``, ``max_pool2d``, ``avg_pool2d``, ``flatten``,
``dropout``, ``l2_regularizer``), written after TF 1.15's ``tf.contrib.layers`` with its
semantics (tf.contrib is gone from TF 2.x):

* a layer opens ``variable_scope(scope, default_name, reuse=reuse)`` and creates ``weights`` /
  ``biases`` with ``get_variable`` (so ``reuse_variables()`` shares them, and a regularizer
  adds its loss to ``REGULARIZATION_LOSSES`` only when the variable is created);
* defaults: ``conv2d`` stride 1, 'SAME', relu, xavier (uniform) weights, zero biases;
  ``fully_connected`` relu, xavier, zeros; ``max_pool2d`` / ``avg_pool2d`` stride 2, 'VALID';
  ``l2_regularizer(scale)`` = ``scale * tf.nn.l2_loss(w)`` (half the squared sum);
* ``arg_scope([ops], **kw)`` supplies keyword defaults to the listed ops while it is open
  (dynamically, as slim does: calls made from functions called inside the block get them too);
  explicit keywords win.
"""
from __future__ import annotations

import contextlib
import functools
import types

_STACK: list[dict] = [{}]


def _key(op) -> str:
    return getattr(op, "_key_op", str(op))


def add_arg_scope(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        current = dict(_STACK[-1].get(_key(func), {}))
        current.update(kwargs)
        return func(*args, **current)

    wrapper._key_op = _key(func)
    return wrapper


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    if isinstance(list_ops_or_scope, dict):
        _STACK.append(list_ops_or_scope)
        try:
            yield list_ops_or_scope
        finally:
            _STACK.pop()
        return
    current = {k: dict(v) for k, v in _STACK[-1].items()}
    for op in list_ops_or_scope:
        key = _key(op)
        current.setdefault(key, {}).update(kwargs)
    _STACK.append(current)
    try:
        yield current
    finally:
        _STACK.pop()


def build(tf1, initializers) -> types.ModuleType:
    """The ``slim`` module (also ``tf.contrib.layers``' layer functions) over TF1 ``tf1``."""

    def _pair(v):
        return [int(v), int(v)] if isinstance(v, int) else [int(x) for x in v]

    def _act(x, fn):
        return x if fn is None else fn(x)

    @add_arg_scope
    def conv2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None, rate=1,
               activation_fn=tf1.nn.relu, normalizer_fn=None, normalizer_params=None,
               weights_initializer=None, weights_regularizer=None,
               biases_initializer=tf1.zeros_initializer(), biases_regularizer=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True, scope=None):
        if normalizer_fn is not None or rate != 1 or data_format not in (None, "NHWC"):
            raise NotImplementedError("legacy slim shim: normalizer_fn / rate / NCHW")
        w_init = weights_initializer or initializers.xavier_initializer()
        kh, kw = _pair(kernel_size)
        sh, sw = _pair(stride)
        with tf1.variable_scope(scope, "Conv", [inputs], reuse=reuse):
            cin = int(inputs.get_shape()[-1])
            w = tf1.get_variable("weights", [kh, kw, cin, num_outputs], initializer=w_init,
                                 regularizer=weights_regularizer, trainable=trainable)
            out = tf1.nn.conv2d(inputs, w, [1, sh, sw, 1], padding.upper())
            if biases_initializer is not None:
                b = tf1.get_variable("biases", [num_outputs], initializer=biases_initializer,
                                     regularizer=biases_regularizer, trainable=trainable)
                out = tf1.nn.bias_add(out, b)
            return _act(out, activation_fn)

    @add_arg_scope
    def fully_connected(inputs, num_outputs, activation_fn=tf1.nn.relu, normalizer_fn=None,
                        normalizer_params=None, weights_initializer=None, weights_regularizer=None,
                        biases_initializer=tf1.zeros_initializer(), biases_regularizer=None, reuse=None,
                        variables_collections=None, outputs_collections=None, trainable=True, scope=None):
        if normalizer_fn is not None:
            raise NotImplementedError("legacy slim shim: normalizer_fn")
        w_init = weights_initializer or initializers.xavier_initializer()
        with tf1.variable_scope(scope, "fully_connected", [inputs], reuse=reuse):
            cin = int(inputs.get_shape()[-1])
            w = tf1.get_variable("weights", [cin, num_outputs], initializer=w_init,
                                 regularizer=weights_regularizer, trainable=trainable)
            out = tf1.matmul(inputs, w)
            if biases_initializer is not None:
                b = tf1.get_variable("biases", [num_outputs], initializer=biases_initializer,
                                     regularizer=biases_regularizer, trainable=trainable)
                out = tf1.nn.bias_add(out, b)
            return _act(out, activation_fn)

    def _pool(fn, default):
        @add_arg_scope
        def pool(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
                 outputs_collections=None, scope=None):
            kh, kw = _pair(kernel_size)
            sh, sw = _pair(stride)
            with tf1.name_scope(scope, default, [inputs]):
                return fn(inputs, [1, kh, kw, 1], [1, sh, sw, 1], padding.upper())
        return pool

    @add_arg_scope
    def flatten(inputs, outputs_collections=None, scope=None):
        with tf1.name_scope(scope, "Flatten", [inputs]):
            n = 1
            for d in inputs.get_shape()[1:]:
                n *= int(d)
            return tf1.reshape(inputs, [-1, n])

    @add_arg_scope
    def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None,
                scope=None, seed=None):
        with tf1.name_scope(scope, "Dropout", [inputs]):
            if not is_training:
                return tf1.identity(inputs)
            return tf1.nn.dropout(inputs, keep_prob=keep_prob, noise_shape=noise_shape, seed=seed)

    def l2_regularizer(scale, scope=None):
        def l2(weights):
            with tf1.name_scope(scope, "l2_regularizer", [weights]) as name:
                return tf1.multiply(tf1.convert_to_tensor(scale, dtype=weights.dtype.base_dtype),
                                    tf1.nn.l2_loss(weights), name=name)
        return l2

    mod = types.ModuleType("tensorflow.contrib.slim")
    mod.arg_scope = arg_scope
    mod.add_arg_scope = add_arg_scope
    mod.conv2d = mod.convolution2d = conv2d
    mod.fully_connected = fully_connected
    mod.max_pool2d = _pool(tf1.nn.max_pool, "MaxPool2D")
    mod.avg_pool2d = _pool(tf1.nn.avg_pool, "AvgPool2D")
    mod.flatten = flatten
    mod.dropout = dropout
    mod.l2_regularizer = l2_regularizer
    mod.xavier_initializer = initializers.xavier_initializer
    mod.variance_scaling_initializer = initializers.variance_scaling_initializer
    return mod
