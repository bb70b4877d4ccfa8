"""Sizes read with ``tf.shape`` while a model is built, used as sizes (TFM130).

A few-shot learner's episode placeholder is ``[None, None, H, W, C]`` (ways, shots); the program
reads both back and reshapes across them::

    num_classes, num_support = tf.shape(x)[0], tf.shape(x)[1]
    emb = encoder(tf.reshape(x, [num_classes * num_support, H, W, C]))
    protos = tf.reduce_mean(tf.reshape(emb, [num_classes, num_support, -1]), axis=1)

On a functional model's symbolic tensors ``keras.ops.shape`` gives None for those sizes, and
``None * None`` fails while the model is built. ``tf1_shape`` reads them as tensors of the running
model instead, and ``tf1_reshape`` / ``tf1_tile`` / ``tf1_full`` / ``tf1_random_normal`` /
``tf1_range`` / ``tf1_sequence_mask`` / a one-hot depth take such tensors. This analysis finds the ``tf.shape`` calls whose values (through ``[i]``,
arithmetic, casts, names, tuple assignments and the file's own functions' parameters) end ONLY in
those places: a reshape's size list, a tile's multiples, a zeros / ones / fill / random_normal
shape list, a range bound, a sequence mask's maxlen, a one-hot depth, a cell's ``zero_state`` batch size. A value read anywhere else - a slice bound, a Python
``if``, a size unpacked from the shape - keeps ``keras.ops.shape`` (what it was before), since a symbolic size would not do
there.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable, bind_def
from ..cstcache import walk

_CASTS = ("tensorflow.cast", "tensorflow.to_float", "tensorflow.to_int32", "tensorflow.to_int64",
          "tensorflow.dtypes.cast")
_SIGS = {"tensorflow.reshape": ("tensor, shape, name=None", "shape"),
         "tensorflow.tile": ("input, multiples, name=None", "multiples"),
         "tensorflow.one_hot": ("indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None",
                                "depth"),
         "tensorflow.zeros": ("shape, dtype='float32', name=None", "shape"),
         "tensorflow.ones": ("shape, dtype='float32', name=None", "shape"),
         "tensorflow.fill": ("dims, value, name=None", "dims"),
         "tensorflow.random_normal": ("shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None", "shape"),
         "tensorflow.random.normal": ("shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None", "shape"),
         "tensorflow.sequence_mask": ("lengths, maxlen=None, dtype=None, name=None", "maxlen"),
         "tensorflow.range": ("start, limit=None, delta=1, dtype=None, name='range'", ("start", "limit", "delta"))}
# calls written with a tf1_* helper when a size reaches them (tf1_tile / tf1_range take such sizes
# anyway; a one-hot depth only reaches a loss, where sizes are values)
_FILLS = ("tensorflow.zeros", "tensorflow.ones", "tensorflow.fill")
_DRAWS = ("tensorflow.random_normal", "tensorflow.random.normal")
_LISTS = ("tensorflow.reshape", "tensorflow.tile") + _FILLS + _DRAWS


class DynamicShapes:
    """``ctx.analysis(DynamicShapes)``: ``shape_calls`` - ids of the ``tf.shape(t)`` calls to read
    with tf1_shape; ``reshapes`` - ids of the ``tf.reshape`` calls their sizes reach (tf1_reshape);
    ``fills`` - of the ``tf.zeros`` / ``tf.ones`` / ``tf.fill`` calls they reach (tf1_full);
    ``draws`` - of the ``tf.random_normal`` calls (tf1_random_normal)."""

    def __init__(self, ctx) -> None:
        from .flow import Flow

        self.ctx = ctx
        self.shape_calls: frozenset[int] = frozenset()
        self.reshapes: frozenset[int] = frozenset()
        self.fills: frozenset[int] = frozenset()
        self.draws: frozenset[int] = frozenset()
        self._flow = None
        found: dict[int, tuple[bool, list]] = {}
        for node in walk(ctx.module):
            if not (isinstance(node, cst.Call) and ctx.legacy_name(node.func) == "tensorflow.shape"
                    and len(node.args) == 1 and node.args[0].keyword is None):
                continue
            if self._flow is None:
                self._flow = ctx.analysis(Flow)
            sinks: list = []
            found[id(node)] = (self._ends(node, sinks, set()) and bool(sinks), sinks)
        # sizes that meet in one reshape / tile / one-hot (``[n_way * n_shot, 8]``) are read the
        # same way or not at all: a size kept as keras.ops.shape (None) would meet a tensor
        ok = {k for k, (good, _) in found.items() if good}
        changed = True
        while changed:
            bad_sinks = {id(c) for k, (_, sinks) in found.items() if k not in ok for _, c in sinks}
            drop = {k for k in ok if any(id(c) in bad_sinks for _, c in found[k][1])}
            ok -= drop
            changed = bool(drop)
        self.shape_calls = frozenset(ok)
        self.reshapes = frozenset(id(c) for k in ok for q, c in found[k][1] if q == "tensorflow.reshape")
        self.fills = frozenset(id(c) for k in ok for q, c in found[k][1] if q in _FILLS)
        self.draws = frozenset(id(c) for k in ok for q, c in found[k][1] if q in _DRAWS)

    def _ends(self, expr: cst.CSTNode, sinks: list, seen: set) -> bool:
        """Every use of the value of ``expr`` is a size the tf1_* helpers take (recorded in
        ``sinks`` as (legacy name, call))."""
        ctx = self.ctx
        p = ctx.parent(expr)
        if isinstance(p, cst.Index):
            return False  # a subscript's index: x[n]
        if isinstance(p, cst.Subscript) and p.value is expr:
            return self._ends(p, sinks, seen)
        if isinstance(p, cst.BinaryOperation) or (isinstance(p, cst.UnaryOperation)
                                                  and isinstance(p.operator, (cst.Minus, cst.Plus))):
            return self._ends(p, sinks, seen)
        if isinstance(p, cst.Element):
            seq = ctx.parent(p)
            if not isinstance(seq, (cst.List, cst.Tuple)) or isinstance(p, cst.StarredElement):
                return False
            holder = ctx.parent(seq)
            if isinstance(holder, cst.Assign) and holder.value is seq:
                return self._unpacked(holder, next(i for i, e in enumerate(seq.elements) if e is p), sinks, seen)
            if isinstance(holder, cst.Arg):
                return self._size_arg(holder, sinks, _LISTS)
            return False
        if isinstance(p, cst.Arg):
            if p.star:
                return False
            if self._size_arg(p, sinks, ("tensorflow.one_hot", "tensorflow.range", "tensorflow.sequence_mask")):
                return True
            c = ctx.parent(p)
            if not isinstance(c, cst.Call):
                return False
            if isinstance(c.func, cst.Attribute) and c.func.attr.value == "zero_state" and (
                    c.args[0] is p and p.keyword is None or p.keyword is not None and p.keyword.value == "batch_size"):
                sinks.append(("zero_state", c))  # a TF1 cell's (tf1_zero_state)
                return True
            if ctx.legacy_name(c.func) in _CASTS and (c.args[0] is p):
                return self._ends(c, sinks, seen)
            fn = self._flow.functions.get(c.func.value) if isinstance(c.func, cst.Name) else None
            if fn is None or ctx.legacy_name(c.func) is not None:
                return False
            bound = bind_def(fn, c)
            param = next((k for k, v in (bound or {}).items() if v is expr), None)
            return param is not None and self._name_ends(param, fn, sinks, seen)
        if isinstance(p, cst.Assign) and p.value is expr and len(p.targets) == 1:
            t = p.targets[0].target
            if isinstance(t, cst.Name):
                return self._bound(p, t.value, sinks, seen)
            if isinstance(t, (cst.Tuple, cst.List)):
                # unpacking a shape: the sizes as Python values (where they go still recorded)
                for e in t.elements:
                    if isinstance(e.value, cst.Name):
                        self._bound(p, e.value.value, sinks, seen)
                return False
        return False

    def _unpacked(self, assign: cst.Assign, i: int, sinks: list, seen: set) -> bool:
        """``a, b = e0, e1``: the value at ``i`` is bound to the name at ``i``."""
        if len(assign.targets) != 1:
            return False
        t = assign.targets[0].target
        if not isinstance(t, (cst.Tuple, cst.List)) or len(t.elements) != len(assign.value.elements) \
                or any(isinstance(e, cst.StarredElement) for e in t.elements):
            return False
        name = t.elements[i].value
        return isinstance(name, cst.Name) and self._bound(assign, name.value, sinks, seen)

    def _bound(self, assign: cst.Assign, name: str, sinks: list, seen: set) -> bool:
        stmt = self.ctx.statement_of(assign)
        return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 \
            and self._name_ends(name, stmt, sinks, seen)

    def _name_ends(self, name: str, stmt, sinks: list, seen: set) -> bool:
        if (id(stmt), name) in seen:
            return False  # recursion
        seen.add((id(stmt), name))
        reads = self._flow.binding_reads(name, stmt, closures=True)
        known = reads if None not in reads else self._flow.binding_reads(name, stmt)
        # every read followed (not stopping at the first that fails): the sinks it does reach are
        # all recorded, so sizes meeting this one there are dropped with it
        ends = [self._ends(n, sinks, seen) for n in known if n is not None]
        return None not in reads and all(ends)

    def _size_arg(self, arg: cst.Arg, sinks: list, names: tuple) -> bool:
        """``arg`` is the size argument of one of the ``names`` calls (recorded)."""
        c = self.ctx.parent(arg)
        q = self.ctx.legacy_name(c.func) if isinstance(c, cst.Call) else None
        if q not in names:
            return False
        sig, params = _SIGS[q]
        try:
            b = BoundArgs(c, sig)
        except Unbindable:
            return False
        if not any(b.given(k) and b.orig(k) is arg.value for k in (params if isinstance(params, tuple) else (params,))):
            return False
        sinks.append((q, c))
        return True
