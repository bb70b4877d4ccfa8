"""Match legacy variables to the weights of the migrated Keras model (numpy only).

The Keras side is described by :class:`KLayer` (name, class, weight names and shapes, the
layer object itself for ``LAYER_MAPS`` functions that need it), in the order the migrated
model creates its layers (shared layers once). The legacy side is a
:class:`~migrator.weights.naming.LegacyVars`.

Matching, for each Keras layer in order:

1. **whole group** - the earliest unused legacy layer group (``naming.group``) that is
   compatible with the Keras class (a tflearn ``FullyConnected*`` scope only becomes a
   ``Dense``, ...) and whose converted arrays (``LAYER_MAPS`` for tflearn layers, roles for
   the rest) have exactly the Keras shapes;
2. **piece by piece** - otherwise each Keras weight takes the earliest unused legacy
   variable with the same role (``kernel`` <- ``W``/``kernel``/``weights``/``W1``...) and
   shape, preferring the scope of the first piece (hand-made ``get_variable`` layers that
   share one scope: ``W1, b1, W2, b2``).

A Keras layer that cannot be filled is *unmapped*; a legacy model variable left over is
*unused*; optimizer slots, step counters and tflearn internals are *ignored* (with the
reason). :meth:`Plan.check` raises :class:`MappingError` listing them all unless everything
mapped: partial loads are refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from .layer_maps import LAYER_MAPS
from .naming import _PREP_STAT, Group, LegacyVar, LegacyVars, classify, group


class MappingError(Exception):
    """The checkpoint and the model do not correspond one to one."""


@dataclass
class KLayer:
    name: str
    cls: str
    weight_names: list[str]
    shapes: list[tuple[int, ...]]
    layer: object = None


# tflearn canonical function -> Keras classes its translation may produce
COMPATIBLE = {
    "tflearn.layers.core.fully_connected": {"Dense"},
    "tflearn.layers.conv.conv_2d": {"Conv2D"},
    "tflearn.layers.conv.conv_1d": {"Conv1D"},
    "tflearn.layers.conv.conv_3d": {"Conv3D"},
    "tflearn.layers.conv.conv_2d_transpose": {"Conv2DTranspose"},
    "tflearn.layers.conv.atrous_conv_2d": {"Conv2D"},
    "tflearn.layers.conv.grouped_conv_2d": {"DepthwiseConv2D"},
    "tflearn.layers.normalization.batch_normalization": {"BatchNormalization"},
    "tflearn.layers.embedding_ops.embedding": {"Embedding"},
    "tflearn.layers.recurrent.lstm": {"LSTM"},
    "tflearn.layers.recurrent.gru": {"GRU"},
    "tflearn.layers.recurrent.simple_rnn": {"SimpleRNN"},
    "tflearn.layers.recurrent.bidirectional_rnn": {"Bidirectional"},
    "tflearn.layers.core.highway": {"TflearnHighway"},                      # TFM124
    "tflearn.layers.conv.highway_conv_2d": {"TflearnHighwayConv2D"},
    "tflearn.layers.conv.highway_conv_1d": {"TflearnHighwayConv1D"},
}

# Keras weight name -> legacy short names (last path component) that play that role
ROLES = {
    # also the layer name written first (``get_variable(name + 'W')``: ``fc1W``, ``conv1_w``,
    # ``fc1_weights``): a digit or ``_`` must precede a one-letter suffix (``emb`` is no bias)
    "kernel": re.compile(r"^(kernel|Matrix|filters?|weights?|[Ww])(_?[A-Za-z0-9]*\d)?$|^[Ww]_[A-Za-z0-9_]+$"
                         r"|^[A-Za-z0-9_]*[0-9_][Ww]$|^[A-Za-z0-9_]*_(kernel|filters?|weights?)$"),
    "bias": re.compile(r"^(bias|biases|Bias|b)(_?[A-Za-z0-9]*\d)?$|^b_[A-Za-z0-9_]+$"
                       r"|^[A-Za-z0-9_]*[0-9_]b$|^[A-Za-z0-9_]*_(bias|biases)$"),
    "gamma": re.compile(r"^(gamma|scale)$"),
    "beta": re.compile(r"^(beta|offset)$"),
    "moving_mean": re.compile(r"^(moving_mean|mean|pop_mean|population_mean)$"),
    "moving_variance": re.compile(r"^(moving_variance|variance|var|pop_var|population_variance)$"),
    "embeddings": re.compile(r"^(embeddings?|W|embedding_matrix)$"),
}
# TFM158's TF1GRUCell keeps TF1's two matrices: gates (``kernel``, ``bias``) and candidate
# (``<scope>/gru_cell/candidate/kernel|bias``, half the width: told apart by shape)
ROLES["candidate_kernel"] = ROLES["kernel"]
ROLES["candidate_bias"] = ROLES["bias"]


def role_of_keras(weight_name: str) -> str:
    return weight_name.rsplit("/", 1)[-1].split(":")[0]


def plays_no_role(legacy_name: str) -> bool:
    """A variable whose last name plays no Keras weight's role (``table``, ``fc_w1``): the name
    matcher cannot place it; where the graph reads it can (``plan``'s ``uses``)."""
    return not any(plays(r, legacy_name) for r in ROLES)


def plays(role: str, legacy_short: str) -> bool:
    pat = ROLES.get(role)
    last = legacy_short.rsplit("/", 1)[-1]
    return bool(pat.match(last)) if pat is not None else False


@dataclass
class Assignment:
    klayer: KLayer
    legacy: list[str]             # legacy variable names used
    arrays: list[np.ndarray]      # in keras_layer.get_weights() order
    how: str                      # "layer map", "roles", "pieces"
    scope: str | None = None      # the legacy group's scope
    tflearn: str | None = None    # its canonical tflearn layer (for LAYER_MAPS)


@dataclass
class Plan:
    assignments: list[Assignment] = field(default_factory=list)
    unmapped: list[tuple[KLayer, str]] = field(default_factory=list)
    unused: list[LegacyVar] = field(default_factory=list)
    ignored: list[tuple[LegacyVar, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unmapped and not self.unused

    def lines(self) -> list[str]:
        out = []
        for a in self.assignments:
            shapes = ", ".join(str(tuple(x.shape)) for x in a.arrays)
            out.append(f"  {a.klayer.name} ({a.klayer.cls}) <- {', '.join(a.legacy)}  [{shapes}] ({a.how})")
        for k, why in self.unmapped:
            out.append(f"  UNMAPPED Keras layer {k.name} ({k.cls}) needs "
                       f"{', '.join(f'{n} {s}' for n, s in zip(k.weight_names, k.shapes))}: {why}")
        for v in self.unused:
            out.append(f"  UNUSED legacy variable {v.name} {v.shape}")
        for v, why in self.ignored:
            out.append(f"  ignored {v.name} {v.shape}: {why}")
        return out

    def check(self) -> None:
        if not self.complete:
            raise MappingError("checkpoint and model do not match (refusing a partial load):\n"
                               + "\n".join(l for l in self.lines() if "UNMAPPED" in l or "UNUSED" in l))

    def convert(self, values: dict[str, np.ndarray]) -> list[list[np.ndarray]]:
        """Apply this plan to other values of the same variables (e.g. after a training step)."""
        out = []
        for a in self.assignments:
            if a.how == "layer map":
                g = Group(a.scope or "", [LegacyVar(n, values[n]) for n in a.legacy])
                fn = LAYER_MAPS[a.tflearn]
                out.append([np.asarray(x) for x in fn({g.short(v): v.value for v in g.vars}, a.klayer.layer)])
            elif a.how == "broadcast":
                out.append([np.broadcast_to(np.asarray(values[n], np.float32).reshape(-1), s).copy()
                            for n, s in zip(a.legacy, a.klayer.shapes)])
            else:
                out.append([np.asarray(values[n]) for n in a.legacy])
        return out


def _shapes_ok(arrays: list[np.ndarray], k: KLayer) -> bool:
    return len(arrays) == len(k.shapes) and all(
        tuple(np.shape(a)) == tuple(s) for a, s in zip(arrays, k.shapes))


def _by_roles(g: Group, k: KLayer, used: set[str]) -> list[LegacyVar] | None:
    """All of group ``g`` (unused) assigned to the Keras weights of ``k`` by role and shape."""
    free = [v for v in g.vars if v.name not in used]
    if len(free) != len(k.shapes):
        return None
    picked: list[LegacyVar] = []
    for wname, shape in zip(k.weight_names, k.shapes):
        role = role_of_keras(wname)
        cands = [v for v in free if v not in picked and v.shape == tuple(shape)]
        named = [v for v in cands if plays(role, g.short(v))]
        pool = named or (cands if len(cands) == 1 else [])
        if not pool:
            return None
        picked.append(pool[0])
    return picked


# tflearn DataPreprocessing statistics (``<scope>/mean|std|pc``, a scalar or one value per
# channel, with a boolean ``<name>_r`` flag telling whether it was computed/given) and the
# migrated preprocessing layers (TFM120) that hold them.
PREP_LAYERS = {"FeaturewiseZeroCenter": "mean", "FeaturewiseStdNorm": "std"}


def _split_prep_stats(lv: LegacyVars, model_vars: list[LegacyVar], ignored: list):
    # the flags only: a model's own weight may end in "_r" too (a right tower's ``w_r``)
    flags = {v.name: bool(np.asarray(v.value)) for v in lv.vars if v.name.endswith("_r")
             and _PREP_STAT.search(v.name[:-2]) and np.asarray(v.value).size == 1}
    stats, rest = [], []
    for v in model_vars:
        if not _PREP_STAT.search(v.name):
            rest.append(v)
        elif not flags.get(v.name + "_r", True):
            ignored.append((v, "tflearn preprocessing statistic never computed (its _r flag is False)"))
        else:
            stats.append(v)
    return stats, rest


def plan(lv: LegacyVars, klayers: Iterable[KLayer], ignore: Iterable[str] = (), *,
         uses: dict | None = None, positions: dict | None = None) -> Plan:
    """``uses`` (legacy variable name -> its forward uses, ``probe_legacy._var_uses``) and
    ``positions`` (Keras layer name -> its calls' positions, ``keras_side.positions``): unnamed TF1
    variables (``Variable_3``) left over by the name matcher are placed by where the graph
    reads them (``structure.py``), never by creation order alone."""
    named, taken, klayers = _place_named_variables(lv, list(klayers), ignore)
    p = _plan(lv, klayers, ignore, taken)
    p.assignments[:0] = named
    if uses and positions:
        _demote_misplaced(p, lv, uses, positions)
    if uses and p.unmapped:
        from .structure import is_unnamed, match

        # unnamed variables (``Variable_3``), and named ones whose last name plays no Keras role
        # (an embedding table called ``table``, a kernel ``fc_w1``): where the graph reads them
        free = [v for v in p.unused if v.name in uses and (is_unnamed(v.name) or plays_no_role(v.name))]
        if free:
            done, still, _left = match([k for k, _ in p.unmapped], positions or {}, free, uses)
            why = {id(k): w for k, w in p.unmapped}
            for k, vs in done:
                p.assignments.append(Assignment(k, [v.name for v in vs], [np.asarray(v.value) for v in vs],
                                                "graph position"))
            taken = {v.name for _, vs in done for v in vs}
            p.unmapped = [(k, f"{why[id(k)]}; {w}") for k, w in still]
            p.unused = [v for v in p.unused if v.name not in taken]
    return p


def _place_named_variables(lv: LegacyVars, klayers: list, ignore: Iterable[str] = ()):
    """A ``TF1Variable`` layer (TFM135: a variable no layer owns, ``tf.Variable(5.0,
    name='scale')``) whose weight is called ``variable`` plays no role, and two scalars of one
    scope are not told apart by shape; the migration carries the name TF1 gave it
    (``tf1_name``), which the checkpoint spells in full (``scale:0``) or under the scopes around
    it (``head/scale``: the only model variable of that last name). Placed by that name FIRST
    (before any matching by order); same shape required. Returns (assignments, the legacy
    names they took - kept in ``lv``, so that their optimizer slots stay slots - and the Keras
    layers left); a name with no single candidate leaves its layer
    to the other matchers (an unnamed one: the graph structure)."""
    from .naming import strip_suffix

    model_vars, _ = classify(lv, ignore)
    taken: set[str] = set()
    named, rest = [], []
    for k in klayers:
        name = getattr(k.layer, "tf1_name", None)
        if k.cls in ("TF1Variable", "TF1VariableObject") and isinstance(name, str) and len(k.shapes) == 1:
            fits = [v for v in model_vars if v.name not in taken and v.shape == tuple(k.shapes[0])]
            exact = [v for v in fits if strip_suffix(v.name) == name]
            cands = exact or [v for v in fits if strip_suffix(v.name).rsplit("/", 1)[-1] == name]
            if len(cands) == 1:
                v = cands[0]
                named.append(Assignment(k, [v.name], [np.asarray(v.value)], "TF1 name"))
                taken.add(v.name)
                continue
        rest.append(k)
    return named, taken, rest


def _demote_misplaced(p: Plan, lv: LegacyVars, uses: dict, positions: dict) -> None:
    """An assignment of the name matcher that took an UNNAMED kernel (``tower2/fc1/Variable``,
    placed by scope and creation order) read at other positions than the Keras layer's calls
    is undone (the layer unmapped, its variables unused): the graph places them instead."""
    from .structure import is_unnamed, positions_of

    keep = []
    for a in p.assignments:
        kpos = positions.get(a.klayer.name)
        kernels = [n for n in a.legacy if is_unnamed(n) and any(u.get("role") == "kernel" for u in uses.get(n, ()))]
        if a.how != "layer map" and kpos and kernels and any(positions_of(uses[n], "kernel") != kpos for n in kernels):
            p.unmapped.append((a.klayer, f"the name matcher's {', '.join(a.legacy)} are read elsewhere in the graph"))
            byname = lv.by_name()
            p.unused.extend(byname[n] for n in a.legacy)
            continue
        keep.append(a)
    p.assignments = keep


def _direction_ok(k: KLayer, name: str) -> bool:
    """A TF1 bidirectional RNN's variables live under ``.../fw/...`` and ``.../bw/...``: the
    backward ones go to a Keras RNN layer running backwards (``go_backwards``), the forward ones
    to one running forwards. Anything else: no constraint."""
    backwards = getattr(k.layer, "go_backwards", None)
    if k.cls != "RNN" or backwards is None:
        return True
    parts = name.split("/")
    if "bw" in parts:
        return bool(backwards)
    if "fw" in parts:
        return not backwards
    return True


def _plan(lv: LegacyVars, klayers: Iterable[KLayer], ignore: Iterable[str] = (), taken: Iterable[str] = ()) -> Plan:
    model_vars, ignored = classify(lv, ignore)
    taken = set(taken)
    model_vars = [v for v in model_vars if v.name not in taken]
    stats, model_vars = _split_prep_stats(lv, model_vars, ignored)
    groups = group(model_vars)
    p = Plan(ignored=ignored)
    used: set[str] = set()
    touched: set[str] = set()        # groups partly consumed piece by piece

    for k in klayers:
        if not k.shapes:
            continue
        if k.cls in PREP_LAYERS:
            want = PREP_LAYERS[k.cls]
            v = next((v for v in stats if v.name not in used and v.name.rsplit("/", 1)[1] == want
                      and np.size(v.value) in (1, int(np.prod(k.shapes[0])))), None)
            if v is None:
                p.unmapped.append((k, f"no computed tflearn preprocessing '{want}' statistic"))
                continue
            arr = np.broadcast_to(np.asarray(v.value, dtype=np.float32).reshape(-1), k.shapes[0]).copy()
            p.assignments.append(Assignment(k, [v.name], [arr], "broadcast"))
            used.add(v.name)
            continue
        done = False
        # 1. whole groups, in order
        for g in groups:
            if not all(_direction_ok(k, v.name) for v in g.vars):
                continue
            if g.scope in touched:
                # what is left of a group already taken piece by piece comes first, in creation order
                # (``output/W`` shared by the towers went to a Dense; ``output/b2`` is the first
                # tower's own bias, before ``output_1/b2``)
                picked = _by_roles(g, k, used)
                if picked is None:
                    continue
                p.assignments.append(Assignment(k, [v.name for v in picked], [v.value for v in picked], "pieces",
                                                g.scope))
                used.update(v.name for v in picked)
                done = True
                break
            if any(v.name in used for v in g.vars):
                continue
            if g.tflearn in COMPATIBLE and k.cls not in COMPATIBLE[g.tflearn]:
                continue
            fn = LAYER_MAPS.get(g.tflearn) if g.tflearn else None
            arrays = None
            legacy = None
            how = ""
            if fn is not None:
                try:
                    arrays = [np.asarray(x) for x in fn({g.short(v): v.value for v in g.vars}, k.layer)]
                    legacy = [v.name for v in g.vars]
                    how = "layer map"
                except (KeyError, ValueError, IndexError, TypeError):
                    arrays = None
            if arrays is None or not _shapes_ok(arrays, k):
                picked = _by_roles(g, k, used)
                if picked is None:
                    continue
                arrays = [v.value for v in picked]
                legacy = [v.name for v in picked]
                how = "roles"
            a = Assignment(k, legacy, arrays, how, g.scope, g.tflearn)
            p.assignments.append(a)
            used.update(v.name for v in g.vars)
            done = True
            break
        if done:
            continue
        # 2. piece by piece (hand-made variables sharing a scope), never from tflearn layers
        picked: list[LegacyVar] = []
        scope = None
        for wname, shape in zip(k.weight_names, k.shapes):
            role = role_of_keras(wname)
            cands = [(g, v) for g in groups if not (g.exact or (g.tflearn and LAYER_MAPS.get(g.tflearn)))
                     for v in g.vars
                     if v.name not in used and v not in picked and v.shape == tuple(shape)
                     and plays(role, g.short(v)) and _direction_ok(k, v.name)]
            same = [c for c in cands if scope is not None and c[0].scope == scope]
            best = min(same or cands, key=lambda c: c[1].index, default=None)
            if best is None:
                picked = []
                break
            scope = scope if scope is not None else best[0].scope
            picked.append(best[1])
        if picked:
            a = Assignment(k, [v.name for v in picked], [v.value for v in picked], "pieces", scope)
            p.assignments.append(a)
            used.update(v.name for v in picked)
            touched.add(scope or "")
        else:
            p.unmapped.append((k, "no unused legacy variables with these roles and shapes"))
    p.unused = [v for v in model_vars + stats if v.name not in used]
    return p
