"""Legacy variables: which are model weights, which are not, and which layer owns each.

Pure Python + numpy (no TensorFlow): the same code classifies variables read from a
checkpoint (``checkpoint.py``) and variables dumped by the legacy-runtime probe
(``probe_legacy.py``).

Not model weights (listed as *ignored*, never as unmapped):

* optimizer slots - any variable named ``<another variable>/<slot>`` (``Conv2D/W/Adam``,
  ``fc1/kernel/Momentum``, ``W/RMSProp_1``, ``W/ExponentialMovingAverage``);
* optimizer accumulators ``beta1_power`` / ``beta2_power`` (Adam);
* step counters ``global_step``, tflearn's ``Global_Step`` and ``Training_step``, and any other
  non-trainable integer scalar (``get_variable('training_step', [], tf.int64, trainable=False)``);
* tflearn internals: the ``is_training`` flag, ``val_loss`` / ``val_acc`` and validation
  monitor variables (``*_T``), the exponential moving averages of summarised metrics and
  losses (``Accuracy/Mean/moving_avg``, ``Crossentropy/Mean/moving_avg``);
* boolean variables (training-mode flags);
* any other non-trainable scalar (a float step counter, ``loss_ave = tf.Variable(0.,
  trainable=False)`` assigned from Python for a summary): model weights are arrays;
* whatever matches a user ``--ignore`` pattern.

Everything else is a model weight and must land in the Keras model.

Layer ownership: tflearn records each layer's variables in the graph collection
``layer_variables/<layer scope>`` (kept in the ``.meta`` file next to a checkpoint and
readable in the probe); those groups are exact. Without them a variable belongs to the
scope it was created in (``tower/fc1/kernel`` -> ``tower/fc1``); variables created with
``tf.get_variable`` side by side in one scope (``W1``, ``b1``, ``W2`` ...) form one group
that the matcher consumes piece by piece (see ``mapping.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

# tflearn's default layer names (the ``name=`` default of each layer function) -> the
# canonical function, i.e. the key of ``layer_maps.LAYER_MAPS``.
TFLEARN_DEFAULT_NAMES = {
    "FullyConnected": "tflearn.layers.core.fully_connected",
    "Conv2D": "tflearn.layers.conv.conv_2d",
    "Conv1D": "tflearn.layers.conv.conv_1d",
    "Conv3D": "tflearn.layers.conv.conv_3d",
    "Conv2DTranspose": "tflearn.layers.conv.conv_2d_transpose",
    "AtrousConv2D": "tflearn.layers.conv.atrous_conv_2d",
    "GroupedConv2D": "tflearn.layers.conv.grouped_conv_2d",
    "BatchNormalization": "tflearn.layers.normalization.batch_normalization",
    "Embedding": "tflearn.layers.embedding_ops.embedding",
    "LSTM": "tflearn.layers.recurrent.lstm",
    "GRU": "tflearn.layers.recurrent.gru",
    "SimpleRNN": "tflearn.layers.recurrent.simple_rnn",
    "BiRNN": "tflearn.layers.recurrent.bidirectional_rnn",
    "ResidualBlock": "tflearn.layers.conv.residual_block",
    "ResidualBottleneck": "tflearn.layers.conv.residual_bottleneck",
    "HighwayConv2D": "tflearn.layers.conv.highway_conv_2d",
    "HighwayConv1D": "tflearn.layers.conv.highway_conv_1d",
    "Highway": "tflearn.layers.core.highway",
    "FullyConnectedHighway": "tflearn.layers.core.highway",
    "SingleUnit": "tflearn.layers.core.single_unit",
    "PReLU": "tflearn.activations.prelu",
}

_STEP = re.compile(r"(^|/)(global_step|Global_Step|Training_step)(_\d+)?$")
_ADAM_POWER = re.compile(r"(^|/)beta[12]_power(_\d+)?$")
_TFLEARN_MONITOR = re.compile(r"(^|/)(val_loss|val_acc|is_training)(_\d+)?$|_T$")
_MOVING_AVG = re.compile(r"/moving_avg(_\d+)?$")


@dataclass
class LegacyVar:
    """One legacy variable. ``index``: creation order when known (``LegacyVars.order_known``),
    else alphabetical. ``layer``: the tflearn layer scope that recorded it, if any."""

    name: str
    value: np.ndarray
    trainable: bool | None = None
    index: int = 0
    layer: str | None = None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(d) for d in np.shape(self.value))


@dataclass
class LegacyVars:
    vars: list[LegacyVar]
    order_known: bool = False
    source: str = ""

    def by_name(self) -> dict[str, LegacyVar]:
        return {v.name: v for v in self.vars}

    def values(self) -> dict[str, np.ndarray]:
        return {v.name: v.value for v in self.vars}


@dataclass
class Group:
    """Variables of one legacy layer (or of one scope of hand-made variables)."""

    scope: str
    vars: list[LegacyVar] = field(default_factory=list)
    exact: bool = False           # from tflearn's layer_variables collection
    tflearn: str | None = None    # canonical tflearn layer function when the name says so

    def short(self, v: LegacyVar) -> str:
        return v.name[len(self.scope) + 1:] if self.scope else v.name

    @property
    def first(self) -> int:
        return min(v.index for v in self.vars)


def strip_suffix(name: str) -> str:
    """``Conv2D/W:0`` -> ``Conv2D/W``."""
    return name[:-2] if re.search(r":\d+$", name) else name


# tflearn DataPreprocessing statistics (mapping.py reads them into the preprocessing layers)
_PREP_STAT = re.compile(r"(^|/)[A-Za-z]*Preprocessing(_\d+)?/(mean|std|pc)$")


def ignore_reason(v: LegacyVar, names: set[str], patterns: Iterable[re.Pattern] = ()) -> str | None:
    """Why ``v`` is not a model weight (None: it is one)."""
    for p in patterns:
        if p.search(v.name):
            return f"matches --ignore {p.pattern!r}"
    parts = v.name.split("/")
    for i in range(len(parts) - 1, 0, -1):
        owner = "/".join(parts[:i])
        if owner in names and v.trainable is not True:
            return f"optimizer slot / moving average of {owner}"
    if v.trainable is not True:  # a slot made under the optimizer's scope: ``metrics/<owner>/Adam``
        for j in range(1, len(parts) - 1):
            for i in range(len(parts) - 1, j, -1):
                owner = "/".join(parts[j:i])
                if owner in names:
                    return f"optimizer slot / moving average of {owner} (made under {'/'.join(parts[:j])})"
    if _ADAM_POWER.search(v.name):
        return "optimizer accumulator (Adam beta power)"
    if _STEP.search(v.name):
        return "step counter"
    if v.trainable is not True and np.ndim(v.value) == 0 and np.issubdtype(np.asarray(v.value).dtype, np.integer):
        return "step counter (non-trainable integer scalar)"
    if np.asarray(v.value).dtype == np.bool_:
        return "boolean flag (training mode)"
    if v.trainable is not True and np.ndim(v.value) == 0 and (
            _TFLEARN_MONITOR.search(v.name) or _MOVING_AVG.search(v.name)):
        return "tflearn training/validation monitor"
    if v.trainable is not True and np.ndim(v.value) == 0 and not _PREP_STAT.search(v.name):
        # ``loss_ave = tf.Variable(0., trainable=False)``; a tflearn DataPreprocessing mean/std
        # is a scalar too, but a model weight (the migrated preprocessing layer holds it)
        return "non-trainable scalar (a counter or a value assigned for summaries)"
    return None


def classify(lv: LegacyVars, ignore: Iterable[str] = ()) -> tuple[list[LegacyVar], list[tuple[LegacyVar, str]]]:
    """-> (model weights in order, [(ignored variable, reason)])."""
    patterns = [re.compile(p) for p in ignore]
    names = {v.name for v in lv.vars}
    model, ignored = [], []
    for v in sorted(lv.vars, key=lambda v: v.index):
        why = ignore_reason(v, names, patterns)
        if why is None:
            model.append(v)
        else:
            ignored.append((v, why))
    return model, ignored


def _tflearn_key(scope: str) -> str | None:
    base = scope.rsplit("/", 1)[-1]
    base = re.sub(r"_\d+$", "", base)
    return TFLEARN_DEFAULT_NAMES.get(base)


def group(model_vars: list[LegacyVar]) -> list[Group]:
    """Layer groups in creation order (of each group's first variable)."""
    groups: dict[str, Group] = {}
    for v in model_vars:
        if v.layer is not None:
            scope, exact = v.layer, True
        else:
            scope, exact = (v.name.rsplit("/", 1)[0] if "/" in v.name else ""), False
        g = groups.get(scope)
        if g is None:
            g = groups[scope] = Group(scope, exact=exact, tflearn=_tflearn_key(scope) if scope else None)
        g.vars.append(v)
    return sorted(groups.values(), key=lambda g: g.first)
