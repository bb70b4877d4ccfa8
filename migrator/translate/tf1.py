"""Shared support for the TF1 graph-code rules (TFM130-169).

Numeric defaults written out below were read from TensorFlow 2.21's ``tf.compat.v1`` sources
(python/ops, python/training, python/layers, python/keras/legacy_tf_layers):

* ``tf.get_variable``'s default initializer is ``glorot_uniform`` (Keras' default too).
* ``tf.layers.dense/conv2d``: kernel ``glorot_uniform``, bias zeros, padding ``valid``.
* ``tf.layers.batch_normalization``: momentum 0.99, epsilon 1e-3 (Keras' defaults).
* ``tf.contrib.layers.fully_connected`` / ``conv2d``: ``activation_fn=relu``, xavier (glorot
  uniform) weights, zero biases; contrib ``conv2d`` padding ``SAME``.
* ``tf.contrib.layers.batch_norm``: decay 0.999, epsilon 0.001, ``center=True, scale=False``.
* ``tf.train.AdamOptimizer``: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8 (Keras: 1e-7).
* ``tf.train.RMSPropOptimizer``: decay 0.9, momentum 0, epsilon 1e-10, accumulator starts at
  1.0 (Keras RMSprop: rho 0.9, epsilon 1e-7, accumulator starts at 0 - not expressible).
* ``tf.train.AdagradOptimizer``: initial accumulator 0.1, no epsilon (Keras: epsilon 1e-7).
* ``tf.argmax(x)`` without an axis reduces axis 0 (Keras' ``ops.argmax`` flattens).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from ..emit import call, code, expr, literal, to_node
from .tflearn import Untranslatable

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileContext

DTYPES = {f"tensorflow.{d}": d for d in (
    "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8",
    "uint16", "uint32", "uint64", "bool", "string", "complex64", "complex128")}
DTYPES.update({f"tensorflow.dtypes.{d}": d for d in list(DTYPES.values())})  # tf.dtypes.bool: the same objects

ACTIVATIONS = {
    "tensorflow.nn.relu": "relu", "tensorflow.nn.relu6": "relu6", "tensorflow.nn.elu": "elu",
    "tensorflow.nn.selu": "selu", "tensorflow.nn.softplus": "softplus", "tensorflow.nn.softsign": "softsign",
    "tensorflow.nn.sigmoid": "sigmoid", "tensorflow.sigmoid": "sigmoid", "tensorflow.nn.tanh": "tanh",
    "tensorflow.tanh": "tanh", "tensorflow.nn.softmax": "softmax", "tensorflow.identity": None,
    "tensorflow.nn.swish": "silu",
}


def dtype_of(ctx: "FileContext", node: cst.BaseExpression | None, orig: cst.BaseExpression | None
             ) -> cst.BaseExpression | None:
    """``tf.float32`` -> ``"float32"``; strings pass; None stays None; others: Untranslatable."""
    if node is None:
        return None
    val = literal(node, None)
    if isinstance(val, str):
        # TF1's dtype aliases (tf.as_dtype): "float" is float32, "double" float64; Keras rejects them
        alias = {"float": "float32", "double": "float64", "half": "float16"}.get(val)
        return to_node(alias) if alias else node
    q = ctx.legacy_name(orig) if orig is not None else None
    if q in DTYPES:
        return to_node(DTYPES[q])
    if q is None and isinstance(node, (cst.Name, cst.Attribute)):
        return node  # a user variable / numpy dtype
    raise Untranslatable(f"dtype {code(node)}")


def activation_kw(ctx: "FileContext", node: cst.BaseExpression | None, orig: cst.BaseExpression | None):
    """A TF activation callable (``tf.nn.relu``) -> a Keras ``activation=`` value.
    Returns (value or None, leaky_alpha or None)."""
    if node is None or (isinstance(node, cst.Name) and node.value == "None"):
        return None
    q = ctx.legacy_name(orig) if orig is not None else None
    if q in ACTIVATIONS:
        a = ACTIVATIONS[q]
        return None if a is None else to_node(a)
    if q == "tensorflow.nn.leaky_relu":
        return call("keras.layers.LeakyReLU", negative_slope=0.2)
    if q is not None:
        raise Untranslatable(f"activation {q}")
    return node  # user callable / Keras activation


def static_list(ctx: "FileContext", name: cst.BaseExpression | None, at: cst.CSTNode):
    """The list / tuple literal a name (an ORIGINAL node) is bound to, when it is bound once in
    its scope, before ``at``, and its elements are literals or names bound at most once there
    (their values are then the same where ``at`` reads them); else None."""
    from ..analysis.flow import Flow

    if not isinstance(name, cst.Name):
        return None
    flow = ctx.analysis(Flow)
    scope, idx = flow.index_of(at)
    defs = scope.by_name.get(name.value, ())
    if len(defs) != 1 or not isinstance(defs[0].value, (cst.List, cst.Tuple)) or defs[0].index >= idx:
        return None
    for e in defs[0].value.elements:
        if isinstance(e, cst.StarredElement):
            return None
        if isinstance(e.value, cst.Name):
            if len(scope.by_name.get(e.value.value, ())) > 1:
                return None
        elif literal(e.value, None) is None:
            return None
    return defs[0].value


def _kw(call_node: cst.Call, names: tuple[str, ...]) -> dict[str, cst.BaseExpression]:
    """An initializer call's arguments by parameter name (``names``: its parameters besides
    ``dtype``, in order). An argument it has no parameter for (``stdev=0.01``: TF1 raised a
    TypeError) or ``*args`` cannot be translated: dropping it would change the initializer."""
    out = {}
    if any(a.star for a in call_node.args):
        raise Untranslatable("initializer called with *args / **kwargs")
    positional = [a for a in call_node.args if a.keyword is None]
    if len(positional) > len(names) + 1:  # (dtype is the last positional parameter of every one)
        raise Untranslatable("initializer called with more positional arguments than it takes")
    for i, a in enumerate(positional):
        if i < len(names):
            out[names[i]] = a.value
    for a in call_node.args:
        if a.keyword is not None:
            if a.keyword.value not in names and a.keyword.value != "dtype":
                raise Untranslatable(f"initializer argument {a.keyword.value}= (no such parameter)")
            out[a.keyword.value] = a.value
    return out


def _f(node: cst.BaseExpression | None, default: float) -> cst.BaseExpression:
    return to_node(float(default)) if node is None else node


# tf.initializers.<name>() -> the Keras class with the same VarianceScaling(scale, mode, distribution)
_VS_NAMED = {"he_normal": "HeNormal", "he_uniform": "HeUniform", "lecun_normal": "LecunNormal",
             "lecun_uniform": "LecunUniform"}


def initializer_of(ctx: "FileContext", node: cst.BaseExpression | None, orig: cst.BaseExpression | None
                   ) -> cst.BaseExpression | None:
    """A TF1 initializer expression -> a Keras initializer (None: leave the Keras default,
    which must then be the same as TF's default for that argument)."""
    if node is None or (isinstance(node, cst.Name) and node.value == "None"):
        return None
    from .tflearn import CONTRIB_TRUNC_SCALE

    q = ctx.legacy_name(orig.func if isinstance(orig, cst.Call) else orig) if orig is not None else None
    if q is None:
        return node  # a Keras / user initializer
    short = q.rsplit(".", 1)[1]
    if not isinstance(node, cst.Call):
        raise Untranslatable(f"initializer {code(node)}")
    if short in ("zeros_initializer",):
        return to_node("zeros")
    if short in ("ones_initializer",):
        return to_node("ones")
    if short == "constant_initializer":
        k = _kw(node, ("value", "dtype", "verify_shape"))
        return call("keras.initializers.Constant", _f(k.get("value"), 0.0))
    if short in ("truncated_normal_initializer", "random_normal_initializer"):
        k = _kw(node, ("mean", "stddev", "seed"))
        cls = "TruncatedNormal" if short.startswith("trunc") else "RandomNormal"
        return call(f"keras.initializers.{cls}", mean=_f(k.get("mean"), 0.0), stddev=_f(k.get("stddev"), 1.0),
                    seed=k.get("seed"))
    if short == "random_uniform_initializer":
        k = _kw(node, ("minval", "maxval", "seed"))
        return call("keras.initializers.RandomUniform", minval=_f(k.get("minval"), 0.0),
                    maxval=_f(k.get("maxval"), 1.0), seed=k.get("seed"))
    if short in ("glorot_uniform_initializer", "glorot_normal_initializer"):
        k = _kw(node, ("seed",))
        cls = "GlorotUniform" if "uniform" in short else "GlorotNormal"
        return call(f"keras.initializers.{cls}", seed=k.get("seed"))
    if short in ("xavier_initializer", "xavier_initializer_conv2d"):
        k = _kw(node, ("uniform", "seed"))
        if literal(k.get("uniform", to_node(True)), None) is False:
            return call("keras.initializers.VarianceScaling", scale=round(CONTRIB_TRUNC_SCALE, 8),
                        mode="fan_avg", distribution="truncated_normal", seed=k.get("seed"))
        if "uniform" in k and literal(k["uniform"], None) is not True:
            raise Untranslatable("non-literal uniform=")
        return call("keras.initializers.GlorotUniform", seed=k.get("seed"))
    if short in _VS_NAMED and ".initializers." in q:
        # tf.initializers.he_normal & co. (TF1.13+): VarianceScaling with the same constants as
        # Keras' HeNormal / HeUniform / LecunNormal / LecunUniform (normal = truncated normal)
        k = _kw(node, ("seed",))
        return call(f"keras.initializers.{_VS_NAMED[short]}", seed=k.get("seed"))
    if short == "variance_scaling_initializer" and q.startswith("tensorflow.contrib"):
        k = _kw(node, ("factor", "mode", "uniform", "seed"))
        f_node = k.get("factor", to_node(2.0))
        f_val = literal(f_node, None)
        m_val = literal(k.get("mode", to_node("FAN_IN")), None)
        # a factor / mode held in a name (``factor = 2.0 if act == 'relu' else 1.0`` in a helper):
        # the same expression of it; Keras names the modes in lower case
        if isinstance(f_val, (int, float)) and not isinstance(f_val, bool):
            factor = float(f_val)
        elif isinstance(f_node, (cst.Name, cst.Attribute)):
            factor = f_node
        else:
            raise Untranslatable("contrib variance_scaling_initializer: factor is not a number or a name")
        if isinstance(m_val, str):
            mode = m_val.lower()
        elif isinstance(k.get("mode"), (cst.Name, cst.Attribute)):
            mode = expr("{m}.lower()", m=k["mode"])
        else:
            raise Untranslatable("contrib variance_scaling_initializer: mode is not a string or a name")
        u = literal(k.get("uniform", to_node(False)), None)
        if not isinstance(u, (bool, int, float)):
            raise Untranslatable("contrib variance_scaling_initializer: non-literal uniform=")
        if u:
            return call("keras.initializers.VarianceScaling", scale=factor, mode=mode, distribution="uniform",
                        seed=k.get("seed"))
        # TF1: a truncated normal of stddev sqrt(1.3 * factor / n) (CONTRIB_TRUNC_SCALE)
        scale = round(factor * CONTRIB_TRUNC_SCALE, 8) if isinstance(factor, float) else \
            expr("{f} * %r" % round(CONTRIB_TRUNC_SCALE, 8), f=factor)
        return call("keras.initializers.VarianceScaling", scale=scale, mode=mode,
                    distribution="truncated_normal", seed=k.get("seed"))
    if short == "variance_scaling_initializer" or (short == "variance_scaling" and ".initializers." in q):
        # (tf.initializers.variance_scaling is TF1's other name of tf.variance_scaling_initializer)
        k = _kw(node, ("scale", "mode", "distribution", "seed"))
        dist = literal(k.get("distribution", to_node("truncated_normal")), None)
        if dist == "normal":
            dist = "truncated_normal"  # TF1: "normal" is the truncated normal
        return call("keras.initializers.VarianceScaling", scale=_f(k.get("scale"), 1.0),
                    mode=k.get("mode", to_node("fan_in")), distribution=to_node(dist), seed=k.get("seed"))
    raise Untranslatable(f"initializer {q}")


def reads_update_ops(ctx: "FileContext", outside: cst.CSTNode | None = None) -> bool:
    """The file reads TF1's UPDATE_OPS (``tf.get_collection(tf.GraphKeys.UPDATE_OPS)`` for the
    train op's control dependencies), outside the node ``outside`` when given (a batch norm
    call naming it as its ``updates_collections``): batch norms in training mode move their
    moving statistics in training steps."""
    from ..cstcache import walk

    inside = {id(n) for n in walk(outside)} if outside is not None else set()
    return any(isinstance(n, cst.Attribute) and id(n) not in inside and not _names_updates_collection(ctx, n)
               and ctx.legacy_name(n) == "tensorflow.GraphKeys.UPDATE_OPS" for n in walk(ctx.module))


def _names_updates_collection(ctx: "FileContext", node: cst.CSTNode) -> bool:
    """``updates_collections=tf.GraphKeys.UPDATE_OPS`` (a batch norm's keyword, an arg_scope's, or
    a ``normalizer_params`` dict's key): it names where the updates go, nothing runs them."""
    p = ctx.parent(node)
    if isinstance(p, cst.Arg) and p.value is node and p.keyword is not None:
        return p.keyword.value == "updates_collections"
    if isinstance(p, cst.DictElement) and p.value is node:
        return literal(p.key, None) == "updates_collections"
    return False


def padding_of(node: cst.BaseExpression | None, default: str) -> cst.BaseExpression:
    if node is None:
        return to_node(default)
    v = literal(node, None)
    if not isinstance(v, str):
        raise Untranslatable(f"non-literal padding {code(node)}")
    return to_node(v.lower())


def keras_input(ctx: "FileContext", elems: list | None, dtype: cst.BaseExpression | None,
                shape_node: cst.BaseExpression | None = None) -> cst.Call:
    """``tf.placeholder(dtype, [b, d1, ...])`` -> ``keras.Input(shape=(d1, ...))``; a literal batch
    size stays (``batch_size=b``: TF1 fixed it), float32 is Keras' default dtype. ``elems`` None
    (the shape is not a literal list): ``shape=tuple(<shape_node>)[1:]``."""
    from ..emit import expr

    kw = {}
    if elems is None:
        shape = expr("tuple({s})[1:]", s=shape_node)
    else:
        shape = cst.Tuple([cst.Element(e) for e in elems[1:]]) if len(elems) > 2 else (
            expr("({e},)", e=elems[1]) if len(elems) == 2 else cst.Tuple([]))
        if literal(elems[0], "x") is not None:
            kw["batch_size"] = elems[0]
    dt = dtype_of(ctx, dtype, dtype) if dtype is not None else None
    if dt is not None and literal(dt, None) == "float32":
        dt = None
    ctx.add_import("keras")
    return call("keras.Input", shape=shape, dtype=dt, **kw)


RNN_LOOP_SIGS = {
    "static_rnn": "cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None",
    "dynamic_rnn": "cell, inputs, sequence_length=None, initial_state=None, dtype=None, parallel_iterations=None, "
                   "swap_memory=False, time_major=False, scope=None",
    "static_bidirectional_rnn": "cell_fw, cell_bw, inputs, initial_state_fw=None, initial_state_bw=None, "
                                "dtype=None, sequence_length=None, scope=None",
    "bidirectional_dynamic_rnn": "cell_fw, cell_bw, inputs, sequence_length=None, initial_state_fw=None, "
                                 "initial_state_bw=None, dtype=None, parallel_iterations=None, swap_memory=False, "
                                 "time_major=False, scope=None",
}
