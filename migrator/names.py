"""Qualified-name resolution for legacy APIs.

libcst's ``QualifiedNameProvider`` resolves ``import tflearn as tl; tl.conv_2d`` and
``from tflearn.layers.conv import conv_2d as c``. Two things it cannot do are added here:

* names bound by ``from tflearn.layers.core import *`` (resolved from a static export
  table generated from tflearn's source, see scripts/gen_tflearn_api.py);
* canonical names: tflearn re-exports one function under several paths
  (``tflearn.conv_2d``, ``tflearn.layers.conv_2d``, ``tflearn.layers.conv.conv_2d``), and
  ``tensorflow.compat.v1.X`` is the TF1 ``tensorflow.X``. Rules match canonical names.
"""
from __future__ import annotations

import builtins
import functools

import libcst as cst
from libcst.metadata import Scope, ScopeProvider

from .apis.tflearn_api import ALIASES, EXPORTS, EXTERNAL

LEGACY_ROOTS = ("tflearn", "tensorflow")
_BUILTINS = frozenset(dir(builtins))

_PREFIX_REWRITES = (
    ("tensorflow.compat.v1.", "tensorflow."),
    ("tensorflow.python.keras.", "tensorflow.keras."),
    # TensorFlow's own modules behind the public names (``from tensorflow.python.ops import
    # math_ops``: the metric-learning losses copied out of tf.contrib are written with them); in
    # TF1 ``tf.reduce_sum`` IS ``math_ops.reduce_sum``, ``tf.transpose`` ``array_ops.transpose``
    ("tensorflow.python.ops.math_ops.", "tensorflow."),
    ("tensorflow.python.ops.array_ops.", "tensorflow."),
    ("tensorflow.python.ops.nn_ops.", "tensorflow.nn."),
    ("tensorflow.python.ops.nn.", "tensorflow.nn."),
    ("tensorflow.python.framework.dtypes.", "tensorflow."),
)


# TF-Slim re-exports these tf.contrib.layers functions: ``slim.conv2d`` IS ``tf.contrib.layers.conv2d``
_SLIM_LAYERS = frozenset({
    "conv2d", "convolution2d", "fully_connected", "max_pool2d", "avg_pool2d", "flatten", "dropout", "batch_norm",
    "conv2d_transpose", "separable_conv2d", "l2_regularizer", "l1_regularizer", "xavier_initializer",
    "xavier_initializer_conv2d", "variance_scaling_initializer", "layer_norm", "one_hot_encoding", "softmax",
    "arg_scope", "repeat", "stack", "unit_norm", "linear"})


# tf.contrib.layers re-exports its regularizers / initializers modules (``from tensorflow.contrib.layers
# import regularizers``; ``regularizers.l2_regularizer`` IS ``tf.contrib.layers.l2_regularizer``)
_CONTRIB_LAYERS_SUBMODULES = {
    "tensorflow.contrib.layers.regularizers.": frozenset({
        "l1_regularizer", "l2_regularizer", "l1_l2_regularizer", "sum_regularizer", "apply_regularization"}),
    "tensorflow.contrib.layers.initializers.": frozenset({
        "xavier_initializer", "xavier_initializer_conv2d", "variance_scaling_initializer"}),
    # ``slim.layers`` is contrib's layers module itself (slim star-imports contrib.layers' package,
    # which binds its ``layers`` submodule): ``slim.layers.conv2d`` IS ``tf.contrib.layers.conv2d``
    "tensorflow.contrib.slim.layers.": _SLIM_LAYERS - {"arg_scope", "l2_regularizer", "l1_regularizer",
                                                        "xavier_initializer", "xavier_initializer_conv2d",
                                                        "variance_scaling_initializer"},
}


# TF1 modules scripts bind to a name by ASSIGNMENT (``slim = tf.contrib.slim``, TF-Slim's own
# models write it; ``layers = tf.contrib.layers``, ``rnn = tf.contrib.rnn``): the name IS the module
MODULE_ALIASES = frozenset({
    "tensorflow.contrib.slim", "tensorflow.contrib.layers", "tensorflow.contrib.rnn", "tensorflow.contrib.framework",
    "tensorflow.contrib.losses", "tensorflow.contrib.losses.metric_learning", "tensorflow.layers", "tensorflow.nn",
    "tensorflow.nn.rnn_cell", "tensorflow.losses", "tensorflow.train", "tensorflow.initializers",
    "tensorflow.contrib.layers.initializers"})


# TF 0.x names TF 1.0 renamed (the same op, the same parameters in the same order; TF's own
# tf_upgrade.py renamed them so): rules match the TF 1 name. Renames that also reordered the
# parameters (tf.concat(concat_dim, values), tf.split(split_dim, num_split, value), the
# cross-entropies' (logits, labels)) keep their name; TFM130 reads their TF 0.x order.
TF0_RENAMES = {
    "tensorflow.sub": "tensorflow.subtract", "tensorflow.mul": "tensorflow.multiply",
    "tensorflow.neg": "tensorflow.negative", "tensorflow.inv": "tensorflow.reciprocal",
    "tensorflow.pack": "tensorflow.stack", "tensorflow.unpack": "tensorflow.unstack",
    "tensorflow.select": "tensorflow.where",
    "tensorflow.scalar_summary": "tensorflow.summary.scalar",
    "tensorflow.histogram_summary": "tensorflow.summary.histogram",
    "tensorflow.image_summary": "tensorflow.summary.image",
    "tensorflow.audio_summary": "tensorflow.summary.audio",
    "tensorflow.merge_summary": "tensorflow.summary.merge",
    "tensorflow.merge_all_summaries": "tensorflow.summary.merge_all",
    "tensorflow.train.SummaryWriter": "tensorflow.summary.FileWriter",
    "tensorflow.initialize_all_variables": "tensorflow.global_variables_initializer",
    "tensorflow.initialize_variables": "tensorflow.variables_initializer",
    "tensorflow.initialize_local_variables": "tensorflow.local_variables_initializer",
    "tensorflow.all_variables": "tensorflow.global_variables",
}


def canonical(qname: str, tf0: bool = True) -> str:
    """The name rules match. ``tf0=False`` keeps TF 0.x's names as written (TODO messages name
    the API the user wrote)."""
    for old, new in _PREFIX_REWRITES:
        if qname.startswith(old):
            qname = new + qname[len(old):]
    if qname in TF0_RENAMES:
        return TF0_RENAMES[qname] if tf0 else qname
    if qname.startswith("tensorflow.contrib.slim.") and qname[24:] in _SLIM_LAYERS:
        return "tensorflow.contrib.layers." + qname[24:]
    for sub, names in _CONTRIB_LAYERS_SUBMODULES.items():
        if qname.startswith(sub) and qname[len(sub):] in names:
            return "tensorflow.contrib.layers." + qname[len(sub):]
    if qname.startswith("tflearn"):
        if qname in ALIASES:
            return ALIASES[qname]
        # attribute of an aliased object: tflearn.DNN.fit -> tflearn.models.dnn.DNN.fit
        head, sep, tail = qname.rpartition(".")
        while head:
            if head in ALIASES:
                return ALIASES[head] + qname[len(head):]
            head, sep, _ = head.rpartition(".")
    return qname


@functools.lru_cache(maxsize=None)
def star_names(mod: str) -> dict[str, str]:
    """What ``from mod import *`` binds (tflearn modules): local name -> qualified name. Besides
    tflearn's own names, the modules it imports: every tflearn module binds ``tf``
    (``tensorflow.compat.v1``), many ``np``."""
    out = {name: target for name, target in EXTERNAL.get(mod, {}).items()}
    out.update((name, f"{mod}.{name}") for name in EXPORTS.get(mod, ()))
    return out


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` -> "a.b.c"; None for anything that is not a plain dotted name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


class NameResolver:
    """Per-file resolver; ``get_metadata`` is the metadata lookup of the running visitor."""

    def __init__(self, module: cst.Module, get_metadata) -> None:
        self._get = get_metadata
        self._qnames: dict[int, object] = {}  # id(node) -> QualifiedName set (nodes of the input)
        self.star_modules: list[str] = []
        self._alias_stmts: dict[str, cst.Assign] = {}  # module-level ``name = a.b.c``
        self._aliases: dict[str, str | None] = {}
        for stmt in module.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar):
                        mod = dotted(small.module) if small.module is not None else None
                        if mod and not small.relative and mod in EXPORTS:
                            self.star_modules.append(mod)
                    elif isinstance(small, cst.Assign) and len(small.targets) == 1 \
                            and isinstance(small.targets[0].target, cst.Name) and isinstance(small.value, cst.Attribute):
                        # ``slim = tf.contrib.slim``: resolved on demand (module_alias)
                        self._alias_stmts[small.targets[0].target.value] = small

    def _star(self, name: str) -> str | None:
        for mod in reversed(self.star_modules):  # later star imports shadow earlier ones
            target = star_names(mod).get(name)
            if target is not None:
                return target
        return None

    def _unbound(self, node: cst.Name) -> bool:
        scope: Scope | None = self._get(ScopeProvider, node, None)
        if scope is None:
            return False
        try:
            return not scope[node.value] and node.value not in _BUILTINS
        except Exception:  # pragma: no cover - defensive: scope lookups on odd nodes
            return False

    def _qualified_names(self, node: cst.CSTNode):
        """What libcst's ``QualifiedNameProvider`` gives for ``node`` (its visitor computes
        ``scope.get_qualified_names_for(node)`` for the node's scope, ``set()`` for a node
        without one), computed on demand: the provider's pass over every node of the module
        cost more than all the lookups the rules make."""
        key = id(node)
        got = self._qnames.get(key)
        if got is None:
            scope = self._get(ScopeProvider, node, None)
            got = scope.get_qualified_names_for(node) if scope else set()
            self._qnames[key] = got
        return got

    def module_alias(self, assign: cst.Assign) -> str | None:
        """The TF1 module a module-level ``name = tf.contrib.slim`` binds (``MODULE_ALIASES``),
        when that is the name's only binding in the module; else None."""
        target = assign.targets[0].target
        if self._alias_stmts.get(getattr(target, "value", None)) is not assign:
            return None
        name = target.value
        if name not in self._aliases:
            self._aliases[name] = None
            scope = self._get(ScopeProvider, assign.value, None)
            try:
                bound = list(scope.assignments[name]) if scope is not None else []
            except Exception:  # pragma: no cover - defensive
                bound = []
            if len(bound) == 1 and getattr(bound[0], "node", None) is target:
                mods = {canonical(q.name) for q in self._qualified_names(assign.value)} & MODULE_ALIASES
                self._aliases[name] = next(iter(mods)) if len(mods) == 1 else None
        return self._aliases[name]

    def _through_alias(self, node: cst.CSTNode) -> set[str]:
        base = node
        while isinstance(base, cst.Attribute):
            base = base.value
        if type(base) is not cst.Name or base.value not in self._alias_stmts:
            return set()
        assign = self._alias_stmts[base.value]
        mod = self.module_alias(assign)
        if mod is None:
            return set()
        scope = self._get(ScopeProvider, base, None)
        try:
            seen = list(scope[base.value]) if scope is not None else []
        except Exception:  # pragma: no cover - defensive
            return set()
        if len(seen) != 1 or getattr(seen[0], "node", None) is not assign.targets[0].target:
            return set()  # shadowed here
        full = dotted(node)
        return {mod + full[len(base.value):]} if full else set()

    def qualified(self, node: cst.CSTNode) -> set[str]:
        """Canonical qualified names of ``node`` (a Name, Attribute or Call)."""
        if isinstance(node, cst.Call):
            node = node.func
        names = {q.name for q in self._qualified_names(node)}
        if self._alias_stmts:
            names |= self._through_alias(node)
        if not names and self.star_modules:
            base = node
            while isinstance(base, cst.Attribute):
                base = base.value
            if isinstance(base, cst.Name) and self._unbound(base):
                target = self._star(base.value)
                full = dotted(node)
                if target and full:
                    names = {target + full[len(base.value):]}
        return {canonical(n) for n in names}

    def legacy_name(self, node: cst.CSTNode) -> str | None:
        """The canonical tflearn/tensorflow name of ``node``, if it is one."""
        for q in sorted(self.qualified(node)):
            if q.split(".", 1)[0] in LEGACY_ROOTS:
                return q
        return None
