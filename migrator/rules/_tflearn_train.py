"""Optimizers, losses and metrics: tflearn names and objects -> Keras 3.

TF1 optimizer constants (what tflearn's wrappers build):

* ``Adam(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8)`` -> Keras Adam with
  ``epsilon=1e-8`` (Keras' default is 1e-7); the update rule is the same (epsilon-hat).
* ``SGD`` -> GradientDescentOptimizer; ``Momentum(momentum=0.9)`` / ``Nesterov`` ->
  MomentumOptimizer(use_nesterov) == Keras SGD(momentum, nesterov) for a constant rate.
* ``lr_decay``/``decay_step``/``staircase`` -> ``tf.train.exponential_decay`` ==
  ``keras.optimizers.schedules.ExponentialDecay``.
* ``RMSProp(decay=0.9, momentum=0.0, epsilon=1e-10)``; TF1 starts the mean-square
  accumulator at 1.0, Keras at 0.0 (reported; the first updates differ).
* ``AdaGrad(initial_accumulator_value=0.1)`` has no epsilon in TF1 -> Keras epsilon=0.0.
* ``AdaDelta(rho=0.1, epsilon=1e-8)`` (tflearn's rho default is 0.1, Keras' 0.95).
* tflearn's trainer clips gradients by global norm (``clip_gradients=5.0`` on DNN and
  Trainer) -> ``global_clipnorm=5.0``.

Losses (tflearn ``objectives``): ``categorical_crossentropy`` takes probabilities
(normalises and clips like Keras), ``binary_crossentropy`` and
``softmax_categorical_crossentropy`` take LOGITS (``from_logits=True``),
``mean_square`` is the mean of squares over all elements (== Keras MSE for equal rows).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from ..args import BoundArgs
from ..emit import call, code, literal, to_node
from ._tflearn import Untranslatable

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


def _lr(b: BoundArgs, decay_ok: bool) -> cst.BaseExpression:
    lr = b.node("learning_rate")
    if decay_ok and b.value("lr_decay", 1.0) not in (0, 0.0):
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
        return call("keras.optimizers.SGD", learning_rate=_lr(b, True), global_clipnorm=clipkw)
    if cls in ("Momentum", "Nesterov"):
        return call("keras.optimizers.SGD", learning_rate=_lr(b, True), momentum=b.node("momentum"),
                    nesterov=True if cls == "Nesterov" else None, global_clipnorm=clipkw)
    if cls == "RMSProp":
        ctx.report(node, "TFM114", "TF1 RMSProp starts its mean-square accumulator at 1.0, Keras "
                   "RMSprop at 0.0: the first updates differ until the accumulators converge")
        return call("keras.optimizers.RMSprop", learning_rate=b.node("learning_rate"),
                    rho=b.node("decay"), momentum=b.node("momentum") if b.given("momentum") else None,
                    epsilon=b.node("epsilon"), global_clipnorm=clipkw)
    if cls == "AdaGrad":
        return call("keras.optimizers.Adagrad", learning_rate=b.node("learning_rate"),
                    initial_accumulator_value=b.node("initial_accumulator_value"),
                    epsilon=0.0, global_clipnorm=clipkw)
    if cls == "AdaDelta":
        return call("keras.optimizers.Adadelta", learning_rate=b.node("learning_rate"),
                    rho=b.node("rho"), epsilon=b.node("epsilon"), global_clipnorm=clipkw)
    raise Untranslatable(f"optimizer {cls}")


def optimizer_from_name(ctx: "FileContext", name: str, lr: cst.BaseExpression | None,
                        clip, node: cst.CSTNode) -> cst.BaseExpression:
    cls = SHORT_NAMES.get(name.lower())
    if cls is None:
        raise Untranslatable(f"optimizer {name!r}")
    args = [] if lr is None else [cst.Arg(lr)]
    return optimizer(ctx, cls, BoundArgs(cst.Call(cst.Name("f"), args), OPTIMIZER_SIGS[cls]), clip, node)


LOSSES = {
    "categorical_crossentropy": lambda: to_node("categorical_crossentropy"),
    "softmax_categorical_crossentropy": lambda: call("keras.losses.CategoricalCrossentropy", from_logits=True),
    "binary_crossentropy": lambda: call("keras.losses.BinaryCrossentropy", from_logits=True),
    "mean_square": lambda: to_node("mean_squared_error"),
}


def loss(ctx: "FileContext", b: BoundArgs, name: str = "loss", to_one_hot: bool = False) -> cst.BaseExpression:
    """Keras loss for tflearn's ``regression(loss=...)``."""
    if not b.given(name):
        lname = "categorical_crossentropy"
    else:
        node, orig = b.node(name), b.orig(name)
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
    return LOSSES[lname]()


def metrics(ctx: "FileContext", b: BoundArgs, out_rank: int | None, name: str = "metric") -> cst.BaseExpression | None:
    """Keras ``metrics=`` for tflearn's ``regression(metric=...)`` (None: no metrics)."""
    acc = lambda: cst.List([cst.Element(to_node("accuracy"))])  # noqa: E731
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
        return cst.List([cst.Element(call("keras.metrics.R2Score"))])
    q = ctx.legacy_name(orig)
    if q == "tflearn.metrics.Accuracy" and isinstance(orig, cst.Call):
        return acc()
    if q == "tflearn.metrics.Top_k" and isinstance(orig, cst.Call):
        k = BoundArgs(orig, "k=1, name=None").node("k")
        return cst.List([cst.Element(call("keras.metrics.TopKCategoricalAccuracy", k=k))])
    raise Untranslatable(f"metric {code(node)}")
