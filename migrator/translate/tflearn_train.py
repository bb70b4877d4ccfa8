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
from ..helpers import register
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
TF1_RMSPROP = "TF1RMSprop"  # helper registered by tfm114_optimizers


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
_K = (("keras", None, None),)
LOSS_HELPERS = {
    "categorical_crossentropy": ("tflearn_categorical_crossentropy", """
def tflearn_categorical_crossentropy(y_true, y_pred):
    \"\"\"tflearn objectives.categorical_crossentropy: probabilities renormalised, clipped to
    [1e-10, 1 - 1e-10] (Keras clips at 1e-7), summed over classes, averaged.\"\"\"
    y_pred = y_pred / keras.ops.sum(y_pred, axis=-1, keepdims=True)
    y_pred = keras.ops.clip(y_pred, 1e-10, 1.0 - 1e-10)
    return keras.ops.mean(-keras.ops.sum(y_true * keras.ops.log(y_pred), axis=-1))
"""),
    "softmax_categorical_crossentropy": ("tflearn_softmax_categorical_crossentropy", """
def tflearn_softmax_categorical_crossentropy(y_true, y_pred):
    \"\"\"tflearn objectives.softmax_categorical_crossentropy: y_pred are LOGITS, even when they
    come out of a softmax layer (written out: Keras' crossentropy would take that layer's own
    logits instead).\"\"\"
    return keras.ops.mean(-keras.ops.sum(y_true * keras.ops.log_softmax(y_pred, axis=-1), axis=-1))
"""),
    "binary_crossentropy": ("tflearn_binary_crossentropy", """
def tflearn_binary_crossentropy(y_true, y_pred):
    \"\"\"tflearn objectives.binary_crossentropy: tf.nn.sigmoid_cross_entropy_with_logits of y_pred
    as LOGITS, averaged - even when y_pred comes out of a sigmoid layer (written out: Keras'
    crossentropy would take that layer's own logits instead).\"\"\"
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    return keras.ops.mean(keras.ops.relu(y_pred) - y_pred * y_true
                          + keras.ops.log1p(keras.ops.exp(-keras.ops.abs(y_pred))))
"""),
    "weighted_crossentropy": ("tflearn_weighted_crossentropy", """
def tflearn_weighted_crossentropy(y_true, y_pred, weight=1.0):
    \"\"\"tflearn objectives.weighted_crossentropy: tf.nn.weighted_cross_entropy_with_logits
    (positives weighted by ``weight``), averaged; y_pred are LOGITS.\"\"\"
    log_weight = 1.0 + (weight - 1.0) * y_true
    softplus_neg = keras.ops.log1p(keras.ops.exp(-keras.ops.abs(y_pred))) + keras.ops.relu(-y_pred)
    return keras.ops.mean((1.0 - y_true) * y_pred + log_weight * softplus_neg)
"""),
    "mean_square": ("tflearn_mean_square", """
def tflearn_mean_square(y_true, y_pred):
    \"\"\"tflearn objectives.mean_square: mean of squared errors over all elements.\"\"\"
    return keras.ops.mean(keras.ops.square(y_pred - y_true))
"""),
    "hinge_loss": ("tflearn_hinge_loss", """
def tflearn_hinge_loss(y_true, y_pred):
    \"\"\"tflearn objectives.hinge_loss: mean(max(1 - y_true * y_pred, 0)) with the labels as
    given (Keras' hinge turns 0/1 labels into -1/1 first).\"\"\"
    return keras.ops.mean(keras.ops.maximum(1.0 - y_true * y_pred, 0.0))
"""),
    "roc_auc_score": ("tflearn_roc_auc_score", """
def tflearn_roc_auc_score(y_true, y_pred):
    \"\"\"tflearn objectives.roc_auc_score: sum over (positive i, negative j) pairs with
    p_i - p_j < 0.2 of (0.2 - (p_i - p_j)) ** 3 (Yan et al.'s AUC surrogate).\"\"\"
    p = keras.ops.reshape(y_pred, (-1,))
    t = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "bool")
    diff = keras.ops.expand_dims(p, 0) - keras.ops.expand_dims(p, 1) - 0.2
    pairs = keras.ops.logical_and(keras.ops.expand_dims(t, 0),
                                  keras.ops.expand_dims(keras.ops.logical_not(t), 1))
    hit = keras.ops.logical_and(pairs, diff < 0.0)
    return keras.ops.sum(keras.ops.where(hit, -diff, 0.0) ** 3)
"""),
    "contrastive_loss": ("tflearn_contrastive_loss", """
def tflearn_contrastive_loss(y_true, y_pred, margin=1.0):
    \"\"\"tflearn objectives.contrastive_loss: y_pred is a distance, y_true 1 for similar
    pairs; SUM (not mean) over the batch, halved.\"\"\"
    similar = y_true * keras.ops.square(y_pred)
    dissimilar = (1.0 - y_true) * keras.ops.square(keras.ops.maximum(margin - y_pred, 0.0))
    return keras.ops.sum(similar + dissimilar) / 2.0
"""),
}
for _name, (_helper, _code) in LOSS_HELPERS.items():
    register(_helper, _code, imports=_K)

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


register("tflearn_r2", '''
def tflearn_r2(y_true, y_pred):
    """tflearn's metric='R2' (metrics.r2_op) on one batch: 1 - SSE / SST, SST around the mean of
    the batch's targets; works on 1-D outputs (single_unit) too. Keras shows its mean over the
    batches seen so far."""
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    sse = keras.ops.sum(keras.ops.square(y_true - y_pred))
    sst = keras.ops.sum(keras.ops.square(y_true - keras.ops.mean(y_true)))
    return 1.0 - sse / sst
''', imports=(("keras", None, None),))

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
