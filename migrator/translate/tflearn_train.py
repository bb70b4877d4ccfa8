"""Optimizers, losses and metrics: tflearn names and objects -> Keras 3.

TF1 optimizer constants (what tflearn's wrappers build):

* ``Adam(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8)`` -> Keras Adam with
  ``epsilon=1e-8`` (Keras' default is 1e-7); the update rule is the same (epsilon-hat).
* ``SGD`` -> GradientDescentOptimizer; ``Momentum(momentum=0.9)`` / ``Nesterov`` ->
  MomentumOptimizer(use_nesterov) == Keras SGD(momentum, nesterov) for a constant rate.
* ``lr_decay``/``decay_step``/``staircase`` -> ``tf.train.exponential_decay`` ==
  ``keras.optimizers.schedules.ExponentialDecay``.
* ``RMSProp(decay=0.9, momentum=0.0, epsilon=1e-10)``; TF1 starts the mean-square
  accumulator at 1.0, Keras at 0.0 -> helper subclass ``TF1RMSprop`` (starts at 1.0);
  epsilon is inside the square root in both.
* ``AdaGrad(initial_accumulator_value=0.1)`` has no epsilon in TF1 -> Keras epsilon=0.0.
* ``AdaDelta(rho=0.1, epsilon=1e-8)`` (tflearn's rho default is 0.1, Keras' 0.95).
* ``ProximalAdaGrad`` builds a plain ``AdagradOptimizer`` in tflearn 0.5.0.
* ``Ftrl(learning_rate=3.0, learning_rate_power=-0.5, initial_accumulator_value=0.1)``.
* tflearn's trainer clips gradients by global norm (``clip_gradients=5.0`` on DNN and
  Trainer) -> ``global_clipnorm=5.0``.

Losses (tflearn ``objectives``): ``categorical_crossentropy`` takes probabilities
(normalises and clips like Keras), ``binary_crossentropy`` and
``softmax_categorical_crossentropy`` take LOGITS (``from_logits=True``),
``mean_square`` is the mean of squares over all elements (== Keras MSE for equal rows).
tflearn clips probabilities at 1e-10 in ``categorical_crossentropy``, Keras at 1e-7: the
regression(loss='categorical_crossentropy') translation keeps Keras' built-in (differs only
where a predicted probability is below 1e-7); direct calls use the exact helper.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from ..args import BoundArgs
from ..emit import call, code, literal, to_node, wrap_long_call
from ..helpers import register_source
from .tflearn import Untranslatable

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileContext

OPTIMIZER_SIGS = {
    "SGD": "learning_rate=0.001, lr_decay=0.0, decay_step=100, staircase=False, use_locking=False, name='SGD'",
    "RMSProp": "learning_rate=0.001, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, name='RMSProp'",
    "Adam": "learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False, name='Adam'",
    "Momentum": "learning_rate=0.001, momentum=0.9, lr_decay=0.0, decay_step=100, staircase=False, use_locking=False, name='Momentum'",
    "AdaGrad": "learning_rate=0.001, initial_accumulator_value=0.1, use_locking=False, name='AdaGrad'",
    "AdaDelta": "learning_rate=0.001, rho=0.1, epsilon=1e-08, use_locking=False, name='AdaDelta'",
    "Nesterov": "learning_rate=0.001, momentum=0.9, lr_decay=0.0, decay_step=100, staircase=False, use_locking=False, name='Nesterov'",
    "Ftrl": "learning_rate=3.0, learning_rate_power=-0.5, initial_accumulator_value=0.1, l1_regularization_strength=0.0, l2_regularization_strength=0.0, use_locking=False, name='Ftrl'",
    "ProximalAdaGrad": "learning_rate=0.001, initial_accumulator_value=0.1, use_locking=False, name='AdaGrad'",
}
SHORT_NAMES = {"sgd": "SGD", "rmsprop": "RMSProp", "adam": "Adam", "momentum": "Momentum",
               "adagrad": "AdaGrad", "adadelta": "AdaDelta", "nesterov": "Nesterov", "ftrl": "Ftrl",
               "proximaladagrad": "ProximalAdaGrad"}
DEFAULT_CLIP = 5.0
TF1_RMSPROP = "TF1RMSprop"  # the helper (TFM114 for tflearn's RMSProp, TFM133 for TF1's)
register_source("tflearn_train", TF1_RMSPROP)
TF1_MOMENTUM = "TF1Momentum"  # TFM133: TF1's MomentumOptimizer under a changing learning rate
register_source("tflearn_train", TF1_MOMENTUM)


def _lr(b: BoundArgs, decay_ok: bool) -> cst.BaseExpression:
    lr = b.node("learning_rate")
    if decay_ok and not b.is_literal("lr_decay"):
        raise Untranslatable("non-literal lr_decay (tflearn decays only when it is > 0)")
    if decay_ok and b.value("lr_decay") > 0:
        return call("keras.optimizers.schedules.ExponentialDecay", lr,
                    decay_steps=b.node("decay_step"), decay_rate=b.node("lr_decay"),
                    staircase=b.node("staircase") if b.given("staircase") else None)
    return lr


def optimizer(ctx: "FileContext", cls: str, b: BoundArgs, clip: cst.BaseExpression | float | None,
              node: cst.CSTNode) -> cst.BaseExpression:
    """Keras optimizer for tflearn optimizer class ``cls`` with bound arguments ``b``."""
    clipkw = None if clip is None or literal(to_node(clip), 1) in (0, 0.0) else clip
    if cls == "Adam":
        return call("keras.optimizers.Adam", learning_rate=b.node("learning_rate"),
                    beta_1=b.node("beta1") if b.given("beta1") else None,
                    beta_2=b.node("beta2") if b.given("beta2") else None,
                    epsilon=b.node("epsilon"), global_clipnorm=clipkw)
    if cls == "SGD":
        return wrap_long_call(call("keras.optimizers.SGD", learning_rate=_lr(b, True), global_clipnorm=clipkw))
    if cls in ("Momentum", "Nesterov"):
        if b.is_literal("lr_decay") and b.value("lr_decay") > 0:
            ctx.report(node, "TFM114", "TF1 momentum multiplies the whole accumulated velocity by "
                       "the CURRENT decayed rate, Keras SGD folds each step's rate into the "
                       "velocity: with lr_decay the trajectories differ slightly")
        return wrap_long_call(call(
            "keras.optimizers.SGD", learning_rate=_lr(b, True), momentum=b.node("momentum"),
            nesterov=True if cls == "Nesterov" else None, global_clipnorm=clipkw))
    if cls == "RMSProp":
        # TF1 starts the mean-square accumulator at 1.0, Keras at 0.0: the helper subclass
        # starts it at 1.0 like TF1
        ctx.use_helper(TF1_RMSPROP)
        return call(TF1_RMSPROP, learning_rate=b.node("learning_rate"),
                    rho=b.node("decay"), momentum=b.node("momentum") if not b.is_default("momentum") else None,
                    epsilon=b.node("epsilon"), global_clipnorm=clipkw)
    if cls in ("AdaGrad", "ProximalAdaGrad"):  # tflearn's ProximalAdaGrad builds AdagradOptimizer
        return wrap_long_call(call(
            "keras.optimizers.Adagrad", learning_rate=b.node("learning_rate"),
            initial_accumulator_value=b.node("initial_accumulator_value"),
            epsilon=0.0, global_clipnorm=clipkw))
    if cls == "AdaDelta":
        return call("keras.optimizers.Adadelta", learning_rate=b.node("learning_rate"),
                    rho=b.node("rho"), epsilon=b.node("epsilon"), global_clipnorm=clipkw)
    if cls == "Ftrl":
        return wrap_long_call(call(
            "keras.optimizers.Ftrl", learning_rate=b.node("learning_rate"),
            learning_rate_power=b.node("learning_rate_power"),
            initial_accumulator_value=b.node("initial_accumulator_value"),
            l1_regularization_strength=b.node("l1_regularization_strength"),
            l2_regularization_strength=b.node("l2_regularization_strength"),
            global_clipnorm=clipkw))
    raise Untranslatable(f"optimizer {cls}")


def set_clip(opt: cst.BaseExpression, clip: cst.BaseExpression | float | None) -> cst.BaseExpression | None:
    """``opt`` (a translated optimizer call) with ``global_clipnorm`` set to ``clip`` (dropped
    for 0/None); None when ``opt`` is not a call that can be edited."""
    if not isinstance(opt, cst.Call):
        return None
    pos = [a.value for a in opt.args if a.keyword is None]
    kw = {a.keyword.value: a.value for a in opt.args
          if a.keyword is not None and a.keyword.value != "global_clipnorm"}
    if clip is not None and literal(to_node(clip), 1) not in (0, 0.0):
        kw["global_clipnorm"] = clip
    return call(opt.func, *pos, **kw)


def flat(node: cst.BaseExpression) -> cst.BaseExpression:
    """A call rebuilt on one line (a wrapped call nested in another wrapped call would be
    mis-indented)."""
    if not isinstance(node, cst.Call):
        return node
    return call(node.func, *[a.value for a in node.args if a.keyword is None and not a.star],
                **{a.keyword.value: a.value for a in node.args if a.keyword is not None}) \
        if not any(a.star for a in node.args) else node


def optimizer_from_name(ctx: "FileContext", name: str, lr: cst.BaseExpression | None,
                        clip, node: cst.CSTNode) -> cst.BaseExpression:
    cls = SHORT_NAMES.get(name.lower())
    if cls is None:
        raise Untranslatable(f"optimizer {name!r}")
    args = [] if lr is None else [cst.Arg(lr)]
    return optimizer(ctx, cls, BoundArgs(cst.Call(cst.Name("f"), args), OPTIMIZER_SIGS[cls]), clip, node)


# ---------------------------------------------------------------------------------------
# tflearn objectives that Keras lacks (or computes differently): registered helpers, in
# Keras' argument order (y_true, y_pred); tflearn calls objectives as fn(y_pred, y_true).
# ---------------------------------------------------------------------------------------
LOSS_HELPERS = {  # tflearn objective -> helper (helper_src/tflearn_train.py)
    "categorical_crossentropy": "tflearn_categorical_crossentropy",
    "softmax_categorical_crossentropy": "tflearn_softmax_categorical_crossentropy",
    "binary_crossentropy": "tflearn_binary_crossentropy",
    "weighted_crossentropy": "tflearn_weighted_crossentropy",
    "mean_square": "tflearn_mean_square",
    "hinge_loss": "tflearn_hinge_loss",
    "roc_auc_score": "tflearn_roc_auc_score",
    "contrastive_loss": "tflearn_contrastive_loss",
}
for _helper in LOSS_HELPERS.values():
    register_source("tflearn_train", _helper)

# regression(loss='<name>') -> Keras (built-in where Keras computes the same function)
LOSSES = {
    "categorical_crossentropy": lambda ctx: to_node("categorical_crossentropy"),
    # Keras 3's crossentropies (TensorFlow backend, _get_logits) replace an output made by a
    # softmax / sigmoid activation with that activation's INPUT even with from_logits=True:
    # tflearn applied the logits loss to the activation's output itself (a softmax / sigmoid
    # layer before these losses is squashed twice) - the helpers compute exactly that
    "softmax_categorical_crossentropy": lambda ctx: cst.Name(ctx.use_helper("tflearn_softmax_categorical_crossentropy")),
    "binary_crossentropy": lambda ctx: cst.Name(ctx.use_helper("tflearn_binary_crossentropy")),
    "mean_square": lambda ctx: to_node("mean_squared_error"),
    "weighted_crossentropy": lambda ctx: cst.Name(ctx.use_helper("tflearn_weighted_crossentropy")),
    "hinge_loss": lambda ctx: cst.Name(ctx.use_helper("tflearn_hinge_loss")),
    "roc_auc_score": lambda ctx: cst.Name(ctx.use_helper("tflearn_roc_auc_score")),
    "contrastive_loss": lambda ctx: cst.Name(ctx.use_helper("tflearn_contrastive_loss")),
}


def loss(ctx: "FileContext", b: BoundArgs, name: str = "loss", to_one_hot: bool = False) -> cst.BaseExpression:
    """Keras loss for tflearn's ``regression(loss=...)``."""
    if not b.given(name):
        lname = "categorical_crossentropy"
    else:
        node, orig = b.node(name), b.orig(name)
        from ..analysis.siamese import CONTRASTIVE_HELPER
        if isinstance(node, cst.Name) and node.value == CONTRASTIVE_HELPER and not (
                isinstance(orig, cst.Name) and orig.value == CONTRASTIVE_HELPER):
            return node  # TFM204 put its (Keras-order) contrastive loss in place of the file's loss
        if isinstance(orig, cst.SimpleString) and not isinstance(node, cst.SimpleString) \
                and code(node).startswith("keras.losses."):
            return node  # a FIX (TFM306) put a Keras loss in place of the file's loss name
        val = literal(node, None)
        if isinstance(val, str):
            lname = val
        else:
            q = ctx.legacy_name(orig)
            if q and q.startswith("tflearn.objectives."):
                lname = q.rsplit(".", 1)[1]
            elif q:
                raise Untranslatable(f"loss {q}")
            else:
                # tflearn calls custom losses as fn(y_pred, y_true); Keras as fn(y_true, y_pred)
                return cst.parse_expression(f"lambda y_true, y_pred: {code(node)}(y_pred, y_true)")
    if to_one_hot:
        if lname == "categorical_crossentropy":
            return to_node("sparse_categorical_crossentropy")
        if lname == "softmax_categorical_crossentropy":
            return call("keras.losses.SparseCategoricalCrossentropy", from_logits=True)
        raise Untranslatable(f"to_one_hot=True with loss {lname!r}")
    if lname not in LOSSES:
        raise Untranslatable(f"loss {lname!r}")
    return LOSSES[lname](ctx)


_UNIT_PASSTHROUGH = {"tflearn.layers.core.dropout", "tflearn.layers.core.activation",
                     "tflearn.layers.normalization.batch_normalization"}


def units_of(ctx: "FileContext", node: cst.BaseExpression, at: cst.CSTNode, depth: int = 0) -> int | None:
    """Last-axis size of a tflearn tensor expression when statically known (the
    ``n_units`` of the fully_connected that produced it)."""
    from ..analysis.flow import Flow

    if depth > 50:
        return None
    if isinstance(node, cst.Name):
        d = ctx.analysis(Flow).def_of(node.value, at)
        if d is None or d.value is None:
            return None
        return units_of(ctx, d.value, d.stmt, depth + 1)
    if not isinstance(node, cst.Call) or not node.args:
        return None
    q = ctx.legacy_name(node)
    if q == "tflearn.layers.core.fully_connected":
        n = node.args[1].value if len(node.args) > 1 and node.args[1].keyword is None else next(
            (a.value for a in node.args if a.keyword is not None and a.keyword.value == "n_units"), None)
        v = literal(n, None)
        return v if isinstance(v, int) else None
    if q in _UNIT_PASSTHROUGH:
        return units_of(ctx, node.args[0].value, at, depth + 1)
    return None


register_source("tflearn_train", "tflearn_r2")

R2_BATCH = ("tflearn's R2 (1 - SSE/SST per batch) -> the tflearn_r2 metric function; Keras displays "
            "its running mean over the epoch's batches (reported metric only)")

R2_DIFFERENCE = ("tflearn's R2 is 1 - SSE/SST per batch around the mean of ALL targets; "
                 "keras R2Score accumulates over the epoch per output column (reported metric only)")


def binary_accuracy() -> cst.BaseExpression:
    """tflearn's Accuracy on a 1-unit output thresholds at 0 (it expects logits)."""
    return call("keras.metrics.BinaryAccuracy", threshold=0.0)


def metrics(ctx: "FileContext", b: BoundArgs, out_rank: int | None, name: str = "metric",
            units: int | None = None) -> cst.BaseExpression | None:
    """Keras ``metrics=`` for tflearn's ``regression(metric=...)`` (None: no metrics).
    tflearn's accuracy is argmax-accuracy, or ``(y_pred > 0) == y_true`` for a 1-unit
    output; Keras' "accuracy" is argmax-accuracy for one-hot targets."""
    acc = lambda: cst.List([cst.Element(binary_accuracy() if units == 1 else to_node("accuracy"))])  # noqa: E731
    if not b.given(name):
        return None if out_rank == 1 else acc()
    node, orig = b.node(name), b.orig(name)
    if isinstance(node, cst.Name) and node.value == "None":
        return None
    val = literal(node, None)
    if val == "default":
        return None if out_rank == 1 else acc()
    if val in ("accuracy", "acc"):
        return acc()
    if val == "top_k":
        return cst.List([cst.Element(call("keras.metrics.TopKCategoricalAccuracy", k=1))])
    if val == "R2":
        ctx.report(b.orig(name) or node, "TFM115", R2_BATCH)
        return cst.List([cst.Element(cst.Name(ctx.use_helper("tflearn_r2")))])
    q = ctx.legacy_name(orig)
    if q in ("tflearn.metrics.Accuracy", "tflearn.metrics.accuracy") and isinstance(orig, cst.Call):
        return acc()
    if q in ("tflearn.metrics.Top_k", "tflearn.metrics.top_k") and isinstance(orig, cst.Call):
        k = BoundArgs(orig, "k=1, name=None").node("k")
        return cst.List([cst.Element(call("keras.metrics.TopKCategoricalAccuracy", k=k))])
    if q in ("tflearn.metrics.R2",) and isinstance(orig, cst.Call):
        return cst.List([cst.Element(node)])  # translated by TFM115
    if q is None and isinstance(orig, cst.Name):
        from ..analysis.flow import Flow

        d = ctx.analysis(Flow).def_of(orig.value, orig)
        dq = ctx.legacy_name(d.value) if d is not None and isinstance(d.value, cst.Call) else None
        if dq in ("tflearn.metrics.Accuracy", "tflearn.metrics.accuracy") and units == 1:
            return acc()
        if dq and dq.startswith("tflearn.metrics."):
            return cst.List([cst.Element(node)])  # a metric object translated by TFM115
    raise Untranslatable(f"metric {code(node)}: tflearn calls a custom metric as fn(y_pred, y_true, "
                         "inputs); write a keras.metrics.Metric")
