"""Where a TF1 program reads its regularization-loss collection (``REGULARIZATION_LOSSES``,
``tf.losses.get_regularization_loss(es)``): ``ctx.analysis(RegularizationReads)``. TFM151
translates the reads; TFM132 / TFM131 keep a layer's regularizer only when the file reads them;
TFM144 builds a class's LossModel without Keras' layer losses when the class's own loss reads
them (the penalties are then in the loss tensor)."""
from __future__ import annotations

import libcst as cst

from ..cstcache import children

_READS = ("tensorflow.losses.get_regularization_losses", "tensorflow.compat.v1.losses.get_regularization_losses",
          "tensorflow.contrib.slim.losses.get_regularization_losses")
_READ_SUM = ("tensorflow.losses.get_regularization_loss", "tensorflow.compat.v1.losses.get_regularization_loss")
_GET_COLLECTION = ("tensorflow.get_collection", "tensorflow.compat.v1.get_collection",
                   "tensorflow.python.framework.ops.get_collection")


class RegularizationReads:
    """``ctx.analysis(RegularizationReads)``: the file's reads of ``REGULARIZATION_LOSSES``."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.reads: list[cst.Call] = []
        stack: list[cst.CSTNode] = [ctx.module]
        while stack:
            n = stack.pop()
            if isinstance(n, cst.Call) and self.is_read(n):
                self.reads.append(n)
            stack.extend(children(n))

    def _q(self, node) -> str | None:
        try:
            return self.ctx.legacy_name(node)
        except Exception:  # noqa: BLE001
            return None

    def is_read(self, call: cst.Call) -> bool:
        q = self._q(call.func)
        if q in _READS or q in _READ_SUM:
            return True
        if q in _GET_COLLECTION:
            keys = [a.value for a in call.args if a.keyword is None][:1] + [
                a.value for a in call.args if a.keyword is not None and a.keyword.value == "key"]
            if not keys:
                return False
            key = keys[0]
            if isinstance(key, cst.SimpleString):
                return key.evaluated_value == "regularization_losses"
            return (self._q(key) or "").endswith("GraphKeys.REGULARIZATION_LOSSES")
        return False

    @staticmethod
    def added_in(ctx, stmt) -> bool:
        """``x += <read>``: a statement that only adds the collection to a list or a loss."""
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return False
        s = stmt.body[0]
        return (isinstance(s, cst.AugAssign) and isinstance(s.operator, cst.AddAssign)
                and isinstance(s.value, cst.Call) and ctx.analysis(RegularizationReads).is_read(s.value)
                ) or RegularizationReads.loop_adding(ctx, stmt) is not None

    @staticmethod
    def loop_adding(ctx, stmt) -> cst.For | None:
        """The loop when ``stmt`` is the only statement of ``for i in range(len(R)): x += R[i]`` or
        ``for r in R: x += r`` with ``R`` a name whose binding there is a read of the collection
        (each penalty added to the loss in turn: Keras adds the layers' losses itself, so the
        loop goes with the read, as ``x += <read>`` does)."""
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return None
        s = stmt.body[0]
        if not (isinstance(s, cst.AugAssign) and isinstance(s.operator, cst.AddAssign)
                and isinstance(s.target, cst.Name)):
            return None
        block = ctx.parent(stmt)
        loop = ctx.parent(block) if isinstance(block, cst.IndentedBlock) and len(block.body) == 1 else None
        if not isinstance(loop, cst.For) or loop.orelse is not None or loop.asynchronous is not None \
                or not isinstance(loop.target, cst.Name):
            return None
        var, it, v = loop.target.value, loop.iter, s.value
        lst = None
        if isinstance(it, cst.Name) and isinstance(v, cst.Name) and v.value == var:
            lst = it  # for r in R: x += r
        elif isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value == "range" \
                and len(it.args) == 1 and isinstance(it.args[0].value, cst.Call) \
                and isinstance(it.args[0].value.func, cst.Name) and it.args[0].value.func.value == "len" \
                and len(it.args[0].value.args) == 1 and isinstance(it.args[0].value.args[0].value, cst.Name) \
                and isinstance(v, cst.Subscript) and isinstance(v.value, cst.Name) \
                and v.value.value == it.args[0].value.args[0].value.value and len(v.slice) == 1 \
                and isinstance(v.slice[0].slice, cst.Index) and isinstance(v.slice[0].slice.value, cst.Name) \
                and v.slice[0].slice.value.value == var:
            lst = v.value  # for i in range(len(R)): x += R[i]
        if lst is None or s.target.value in (var, lst.value):
            return None
        from .flow import Flow

        d = ctx.analysis(Flow).def_of(lst.value, loop)
        value = d.value if d is not None else None
        if not (isinstance(value, cst.Call) and ctx.analysis(RegularizationReads).is_read(value)):
            return None
        return loop

    @property
    def any(self) -> bool:
        return bool(self.reads)
