"""Shared support for the tflearn translation rules.

Every numeric default here was read from tflearn 0.5.0's source:

* ``initializations.uniform_scaling(factor=1.0)`` as an initializer (no shape) is
  ``tf.uniform_unit_scaling_initializer()`` with factor 1.0 WHATEVER ``factor`` says:
  U(-sqrt(3/fan_in), +sqrt(3/fan_in)) (input_size = prod(shape[:-1]) = fan_in)
  == VarianceScaling(1.0, "fan_in", "uniform") (``factor`` only scales the shape= form).
* ``truncated_normal`` / ``normal``: mean 0.0, stddev 0.02 (2-sigma truncation, as Keras).
* ``xavier(uniform)`` and ``variance_scaling(factor=2.0, mode='FAN_IN', uniform=False)``
  call tf.contrib's initializers: uniform limit sqrt(3*factor/n); normal is a truncated
  normal with stddev sqrt(1.3*factor/n). Keras' truncated normal divides its stddev by
  0.87962566103423978, so the exact Keras scale is ``factor * 1.3 * 0.8796...**2``.
* ``regularizers.L2(t, wd) = wd * sum(t**2) / 2`` (tf.nn.l2_loss) -> keras L2(wd / 2);
  ``L1(t, wd) = wd * sum(|t|)`` -> keras L1(wd).
* ``activations.leaky_relu(x, alpha=0.1)`` (Keras' default slope is 0.2).
"""
from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import libcst as cst

from ..analysis.flow import Flow
from ..args import BoundArgs
from ..diagnostics import Severity
from ..emit import call, code, expr, literal, to_node
from ..helpers import register_source

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileContext

TRUNC_CORRECTION = 0.87962566103423978  # Keras' truncated-normal stddev correction
CONTRIB_TRUNC_SCALE = 1.3 * TRUNC_CORRECTION ** 2  # tf.contrib truncated normal -> Keras scale

KERAS = "keras"


class Untranslatable(Exception):
    """A value the translation cannot express; the caller leaves a TODO."""


# ---------------------------------------------------------------------------------------
# initializers
# ---------------------------------------------------------------------------------------

_INIT_SIGS = {
    "zeros": "shape=None, dtype=None, seed=None",
    "uniform": "shape=None, minval=0, maxval=None, dtype=None, seed=None",
    "uniform_scaling": "shape=None, factor=1.0, dtype=None, seed=None",
    "normal": "shape=None, mean=0.0, stddev=0.02, dtype=None, seed=None",
    "truncated_normal": "shape=None, mean=0.0, stddev=0.02, dtype=None, seed=None",
    "xavier": "uniform=True, seed=None, dtype=None",
    "variance_scaling": "factor=2.0, mode='FAN_IN', uniform=False, seed=None, dtype=None",
}


def _keras_init(kind: str, b: BoundArgs | None) -> cst.BaseExpression:
    v = (lambda n: b.value(n)) if b is not None else (lambda n: literal(to_node(_default(kind, n))))
    seed = b.node("seed") if b is not None and b.given("seed") else None
    if kind == "zeros":
        return to_node("zeros")
    if kind == "uniform":
        maxval = v("maxval")
        return call(f"{KERAS}.initializers.RandomUniform", minval=float(v("minval")),
                    maxval=1.0 if maxval is None else float(maxval), seed=seed)
    if kind == "uniform_scaling":
        # tflearn 0.5.0 applies ``factor`` only when called WITH a shape (it then returns a
        # tensor); as an initializer (no shape) it returns tf.uniform_unit_scaling_initializer
        # with its default factor 1.0: U(+-sqrt(3 / fan_in)), whatever factor says.
        if b is not None and b.given("shape") and literal(b.node("shape"), 0) is not None:
            raise Untranslatable("uniform_scaling(shape=...) returns a tensor, not an initializer")
        return call(f"{KERAS}.initializers.VarianceScaling", scale=1.0, mode="fan_in",
                    distribution="uniform", seed=seed)
    if kind in ("normal", "truncated_normal"):
        cls = "RandomNormal" if kind == "normal" else "TruncatedNormal"
        return call(f"{KERAS}.initializers.{cls}", mean=float(v("mean")), stddev=float(v("stddev")), seed=seed)
    if kind == "xavier":
        if v("uniform"):
            return call(f"{KERAS}.initializers.GlorotUniform", seed=seed)
        return call(f"{KERAS}.initializers.VarianceScaling", scale=round(CONTRIB_TRUNC_SCALE, 8),
                    mode="fan_avg", distribution="truncated_normal", seed=seed)
    if kind == "variance_scaling":
        factor = float(v("factor"))
        mode = str(v("mode")).lower()
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise Untranslatable(f"variance_scaling mode {mode!r}")
        if v("uniform"):
            return call(f"{KERAS}.initializers.VarianceScaling", scale=factor, mode=mode,
                        distribution="uniform", seed=seed)
        return call(f"{KERAS}.initializers.VarianceScaling", scale=round(factor * CONTRIB_TRUNC_SCALE, 8),
                    mode=mode, distribution="truncated_normal", seed=seed)
    raise Untranslatable(f"initializer {kind!r}")


def _default(kind: str, name: str):
    from ..args import parse_signature

    params, _ = parse_signature(_INIT_SIGS[kind])
    return next(p.default for p in params if p.name == name)


def initializer(ctx: "FileContext", b: BoundArgs | str, name: str = "") -> cst.BaseExpression:
    """Keras initializer for tflearn's ``weights_init``/``bias_init`` argument ``name`` of
    ``b``: a name (``'truncated_normal'``), a call
    (``tflearn.initializations.xavier(uniform=False)``) or an initializer object from
    elsewhere (passed through). ``b`` may also be a tflearn initializer name."""
    if isinstance(b, str):
        return _keras_init(b, None) if b in _INIT_SIGS else _fail(f"initializer {b!r}")
    node, orig = b.node(name), b.orig(name)
    val = literal(node, None)
    if isinstance(val, str):
        if val not in _INIT_SIGS:
            raise Untranslatable(f"unknown tflearn initializer {val!r}")
        return _keras_init(val, None)
    if isinstance(val, (int, float)) and not isinstance(val, bool):
        return call(f"{KERAS}.initializers.Constant", float(val))
    q = ctx.legacy_name(orig) if orig is not None else None
    if q and q.startswith("tflearn.initializations.") and isinstance(orig, cst.Call):
        kind = q.rsplit(".", 1)[1]
        if kind not in _INIT_SIGS:
            raise Untranslatable(f"initializer {q}")
        ib = BoundArgs(node if isinstance(node, cst.Call) else orig, _INIT_SIGS[kind])
        if kind == "uniform_scaling" and ib.given("factor") and literal(ib.node("factor"), None) != 1.0:
            ctx.report(orig, "TFM113", f"tflearn 0.5.0 ignores factor={code(ib.node('factor'))} of an "
                       "initializer uniform_scaling(...) (it applies it only with shape=): the "
                       "faithful translation uses 1.0; scale the initializer yourself if you meant it")
        return _keras_init(kind, ib)
    if q and q.startswith("tensorflow.") and isinstance(orig, cst.Call):
        # a TF1 initializer object (``weights_init=tf.truncated_normal_initializer(stddev=0.01)``):
        # tflearn hands it to get_variable as it is - the TF1 translation of that object
        from .tf1 import initializer_of

        out = initializer_of(ctx, node, orig)
        if out is None or out is node:
            raise Untranslatable(f"initializer {q}")
        return out
    if q:
        raise Untranslatable(f"initializer {q}")
    return node  # a user / Keras initializer object: keep it


def _fail(msg: str):
    raise Untranslatable(msg)


def is_default_init(b: BoundArgs, arg: str, name: str) -> bool:
    return not b.given(arg) or literal(b.node(arg), None) == name


# ---------------------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------------------

def activation(ctx: "FileContext", b: BoundArgs, name: str = "activation"):
    """-> (value for a Keras ``activation=`` argument or None, wrapper or None).

    ``wrapper(x)`` builds the expression applying an activation that Keras cannot take
    as a layer argument with tflearn's constants (leaky_relu's alpha, prelu, crelu)."""
    if not b.given(name):
        return None, None
    node, orig = b.node(name), b.orig(name)
    val = literal(node, None)
    act = None
    if isinstance(val, str):
        act = val
    elif isinstance(node, cst.Name) and node.value == "None":
        return None, None
    else:
        q = ctx.legacy_name(orig) if orig is not None else None
        if q and q.startswith("tflearn.activations.") and not isinstance(orig, cst.Call):
            act = q.rsplit(".", 1)[1]
        elif q:
            raise Untranslatable(f"activation {q if not isinstance(orig, cst.Call) else code(orig)}")
        else:
            return node, None  # user callable or Keras activation: pass through
    try:
        return _activation_by_name(act)
    except InvalidIdentifier as ex:
        return invalid_identifier(ctx, orig if orig is not None else node, ex), None


# tflearn 0.5.0 tflearn/activations.py: every module-level name. ``activations.get(name)``
# is ``utils.get_from_module(name, globals(), 'activation')``: the name as given, then
# lowercased; anything else raises ``Exception('Invalid activation: ' + name)``.
TFLEARN_ACTIVATION_GLOBALS = frozenset((
    "division", "print_function", "absolute_import", "tf", "np", "tflearn", "initializations",
    "va", "get_from_module", "get", "linear", "tanh", "sigmoid", "softmax", "softplus",
    "softsign", "relu", "relu6", "leaky_relu", "leakyrelu", "prelu", "elu", "crelu", "selu",
    "hard_sigmoid", "gelu",
))


class InvalidIdentifier(Untranslatable):
    """A string tflearn's ``get_from_module`` does not know: tflearn raises
    ``Exception('Invalid <kind>: <name>')`` where the layer is built."""

    def __init__(self, kind: str, name: str):
        super().__init__(f"{kind} {name!r}: tflearn raises Exception('Invalid {kind}: {name}')")
        self.kind, self.name = kind, name


register_source("tflearn_layers", "tflearn_invalid_identifier")

_OPTIMIZER_NAMES = ("sgd", "rmsprop", "adam", "momentum", "adagrad", "ftrl", "adadelta",
                    "proximaladagrad", "nesterov")


def invalid_identifier(ctx: "FileContext", node: cst.CSTNode, ex: InvalidIdentifier) -> cst.BaseExpression:
    """The faithful translation of an identifier tflearn rejects: an argument that raises
    tflearn's own Exception at the same statement (the legacy program never got further),
    with an error diagnostic saying so and what was probably meant."""
    hint = ""
    if ex.kind == "activation" and ex.name.lower() in _OPTIMIZER_NAMES:
        hint = (f"; {ex.name!r} is an optimizer name, not an activation (a classifier head trained "
                "with categorical_crossentropy wants activation='softmax')")
    ctx.report(node, "TFM113", f"tflearn 0.5.0 raises Exception('Invalid {ex.kind}: {ex.name}') here "
               f"(activations.get): the legacy program never ran past this statement; the translation "
               f"raises the same Exception at the same statement (tflearn_invalid_identifier) - "
               f"replace that call by the {ex.kind} you meant{hint}", severity=Severity.ERROR)
    ctx.use_helper("tflearn_invalid_identifier")
    return call("tflearn_invalid_identifier", ex.kind, ex.name)


def _activation_by_name(act: str):
    if act not in TFLEARN_ACTIVATION_GLOBALS and act.lower() in TFLEARN_ACTIVATION_GLOBALS:
        act = act.lower()  # get_from_module's second look-up
    if act not in TFLEARN_ACTIVATION_GLOBALS:
        raise InvalidIdentifier("activation", act)
    if act == "linear":
        return None, None
    if act in ("tanh", "sigmoid", "softmax", "softplus", "softsign", "relu", "relu6", "elu", "selu"):
        return to_node(act), None
    if act in ("leaky_relu", "leakyrelu", "LeakyReLU"):
        return None, lambda x: cst.Call(call(f"{KERAS}.layers.LeakyReLU", negative_slope=0.1), [cst.Arg(x)])
    if act == "prelu":
        return None, lambda x: cst.Call(call(f"{KERAS}.layers.PReLU"), [cst.Arg(x)])
    if act == "crelu":
        return None, lambda x: expr(
            "keras.ops.concatenate([keras.ops.relu({x}), keras.ops.relu(-{x})], axis=-1)", x=x)
    raise Untranslatable(f"activation {act!r}")


# ---------------------------------------------------------------------------------------
# regularizers
# ---------------------------------------------------------------------------------------

def regularizer(ctx: "FileContext", b: BoundArgs, reg: str = "regularizer",
                wd: str = "weight_decay", original: cst.Call | None = None) -> cst.BaseExpression | None:
    """``regularizer='L2', weight_decay=wd`` -> Keras' L2(wd / 2) (tflearn: wd * l2_loss = wd *
    sum(W ** 2) / 2). tflearn's ``variables.variable`` adds ``regularizer(W)`` to
    REGULARIZATION_LOSSES itself on EVERY call of the layer - also when ``reuse`` hands it the
    variable made by an earlier call - so a tower shared by N calls adds the term N times; the
    one Keras layer of the shared encoder carries it once: its factor is multiplied by N
    (``original``: the layer call, to find its tower)."""
    if not b.given(reg) or literal(b.node(reg), "x") is None:
        return None
    kind = literal(b.node(reg), None)
    if kind not in ("L2", "L1"):
        raise Untranslatable(f"regularizer {code(b.node(reg))}")
    decay = b.value(wd, None)
    if decay is None:
        raise Untranslatable(f"non-literal weight_decay {code(b.node(wd))}")
    factor = float(decay) * (shared_tower_calls(ctx, original) if original is not None else 1)
    if kind == "L2":
        return call(f"{KERAS}.regularizers.L2", factor / 2)
    return call(f"{KERAS}.regularizers.L1", factor)


def shared_tower_calls(ctx: "FileContext", original: cst.Call) -> int:
    """How many times TF1 built the layer call ``original`` on ONE set of variables: the number
    of executions of the tower builder that contains it when Sharing finds that builder's towers
    sharing all their variables (1 otherwise)."""
    from ..analysis.sharing import Sharing

    fn = ctx.parent(original)
    while fn is not None and not isinstance(fn, cst.FunctionDef):
        fn = ctx.parent(fn)
    if fn is None:
        return 1
    groups = [g for g in ctx.analysis(Sharing).groups if g.function is fn and g.verdict == "shared"]
    return max((g.executions for g in groups), default=1)


# ---------------------------------------------------------------------------------------
# layer names, scopes
# ---------------------------------------------------------------------------------------

def name_kwarg(b: BoundArgs) -> cst.BaseExpression | None:
    """tflearn's own default names (``"Conv2D"``) are dropped; Keras numbers layers. A layer
    made with ``restore=False`` keeps its ``scope`` as its name: ``DNN.load`` skips its
    variables by that scope, the translated load (``tflearn_load_weights_only``) by layer name."""
    if b.given("name"):
        n = b.node("name")
        return n
    if not_restored(b) and b.given("scope"):
        return b.node("scope")
    return None


def not_restored(b: BoundArgs) -> bool:
    """``restore=False`` given to a tflearn layer (its variables join EXCLUDED_VARS)."""
    return b.given("restore") and literal(b.node("restore"), None) is False


def check_scope(b: BoundArgs) -> None:
    """Variable sharing through ``reuse=True, scope=...`` needs the Siamese rules."""
    if b.given("reuse") and literal(b.node("reuse"), True) is not False:
        raise Untranslatable("variable sharing with reuse=/scope= (TFM205 handles towers)")


# ---------------------------------------------------------------------------------------
# ranks: when does fully_connected need a Flatten?
# ---------------------------------------------------------------------------------------

_SAME_RANK = {
    "tflearn.layers.core.dropout", "tflearn.layers.core.activation",
    "tflearn.layers.normalization.batch_normalization",
    "tflearn.layers.normalization.local_response_normalization",
    "tflearn.layers.normalization.l2_normalize",
    "tflearn.layers.conv.max_pool_2d", "tflearn.layers.conv.avg_pool_2d",
    "tflearn.layers.conv.max_pool_1d", "tflearn.layers.conv.avg_pool_1d",
    "tflearn.layers.conv.conv_2d", "tflearn.layers.conv.conv_1d",
    "tflearn.layers.conv.residual_block", "tflearn.layers.conv.residual_bottleneck",
    "tflearn.layers.conv.highway_conv_2d", "tflearn.layers.conv.highway_conv_1d",   # TFM124
    "tflearn.layers.conv.resnext_block", "tflearn.layers.conv.densenet_block",
}
_RANK2 = {"tflearn.layers.core.fully_connected", "tflearn.layers.core.flatten",
          "tflearn.layers.core.highway",  # TFM124
          "tflearn.layers.conv.global_avg_pool", "tflearn.layers.conv.global_max_pool"}


def rank_of(ctx: "FileContext", node: cst.BaseExpression, at: cst.CSTNode, depth: int = 0) -> int | None:
    """Static rank of a tflearn tensor expression (None when unknown)."""
    if depth > 50:
        return None
    if isinstance(node, cst.Name):
        flow = ctx.analysis(Flow)
        d = flow.def_of(node.value, at)
        if d is None or d.value is None:
            return None
        return rank_of(ctx, d.value, d.stmt, depth + 1)
    if not isinstance(node, cst.Call):
        return None
    q = ctx.legacy_name(node)
    if q is None:
        return None
    if q == "tflearn.layers.core.input_data":
        try:
            b = BoundArgs(node, "shape=None, placeholder=None, dtype=None, data_preprocessing=None,"
                                " data_augmentation=None, name='InputData'")
            shape = b.value("shape", None)
        except Exception:
            return None
        if not isinstance(shape, (list, tuple)):
            return None
        return len(shape) if (len(shape) > 1 and shape[0] is None) or len(shape) <= 1 else len(shape) + 1
    if q in _RANK2:
        return 2
    if q == "tflearn.layers.core.reshape":
        new_shape = literal(node.args[1].value, None) if len(node.args) > 1 else None
        return len(new_shape) if isinstance(new_shape, (list, tuple)) else None
    if q in _SAME_RANK and node.args:
        return rank_of(ctx, node.args[0].value, at, depth + 1)
    if q in ("tflearn.layers.merge_ops.merge", "tflearn.layers.merge_ops.merge_outputs") and node.args \
            and isinstance(node.args[0].value, (cst.List, cst.Tuple)) and node.args[0].value.elements:
        # concat / elemwise modes keep the rank; the reducing modes drop the merged axis (TFM111)
        first = node.args[0].value.elements[0].value
        r = rank_of(ctx, first, at, depth + 1)
        mode = node.args[1].value if len(node.args) > 1 and node.args[1].keyword is None else next(
            (a.value for a in node.args if a.keyword and a.keyword.value == "mode"), None)
        m = literal(mode, None) if mode is not None else "concat"
        if r is None or m in ("concat", "elemwise_sum", "elemwise_mul"):
            return r
        return r - 1 if m in ("sum", "mean", "prod", "max", "min", "and", "or") else None
    if q in ("tflearn.layers.recurrent.lstm", "tflearn.layers.recurrent.gru",
             "tflearn.layers.recurrent.simple_rnn"):
        rs = next((literal(a.value, None) for a in node.args if a.keyword and a.keyword.value == "return_seq"), False)
        return 3 if rs else 2
    if q == "tflearn.layers.embedding_ops.embedding" and node.args:
        r = rank_of(ctx, node.args[0].value, at, depth + 1)
        return None if r is None else r + 1
    return None


EMBEDDING_SIG = ("incoming, input_dim, output_dim, validate_indices=False, weights_init='truncated_normal', "
       "trainable=True, restore=True, reuse=False, scope=None, name='Embedding'")


@functools.lru_cache(maxsize=16)  # (the rules ask it of the same module text several times)
def code_text(source: str) -> str:
    """The source without comments and docstrings (bare string statements), one space between
    tokens except around dots (``np.uint8``, ``Image.open``)."""
    import io
    import tokenize

    out = []
    line_start = True
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT or (tok.type == tokenize.STRING and line_start):
                continue
            if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
                line_start = True
                out.append("\n")
                continue
            line_start = False
            out.append(tok.string + " ")
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    return re.sub(r" ?\. (?=[A-Za-z_])", ".", "".join(out))
