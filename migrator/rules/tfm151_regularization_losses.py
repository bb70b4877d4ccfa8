"""TFM151: reads of TF1's regularization-loss collection -> nothing (Keras adds layer losses itself)."""
from __future__ import annotations

import libcst as cst

from ..cstcache import children
from .base import Case, CallRule

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
                and isinstance(s.value, cst.Call) and ctx.analysis(RegularizationReads).is_read(s.value))

    @property
    def any(self) -> bool:
        return bool(self.reads)


def regularizer_of(ctx, node: cst.BaseExpression | None, orig: cst.BaseExpression | None):
    """A contrib/slim ``weights_regularizer`` -> (Keras regularizer or None, note). TF1 puts the
    penalty in ``REGULARIZATION_LOSSES``; it only trains when the program adds that collection to
    its loss. Keras always adds a layer's regularization losses to the training loss, so the
    regularizer is written only when the file reads the collection (TFM151 turns the read into
    nothing), and dropped otherwise (TF1 computed it and never used it)."""
    from ._tflearn import Untranslatable
    from ..emit import call, expr, literal, to_node

    if node is None or literal(node, 0) is None:
        return None, None
    if not isinstance(orig, cst.Call):
        raise Untranslatable("a regularizer held in a name")
    q = ctx.legacy_name(orig.func) or ""
    short = q.rsplit(".", 1)[-1]
    if short not in ("l2_regularizer", "l1_regularizer") or not q.startswith(
            ("tensorflow.contrib.layers.", "tensorflow.contrib.slim.", "tensorflow.keras.regularizers.")):
        raise Untranslatable(f"regularizer {q or 'of unknown kind'}")
    if not ctx.analysis(RegularizationReads).any:
        return None, "dropped: nothing in this file adds tf.GraphKeys.REGULARIZATION_LOSSES to a loss, so TF1 never trained with it"
    args = [a for a in node.args if a.keyword is None or a.keyword.value == "scale"] if isinstance(node, cst.Call) else []
    if not args:
        raise Untranslatable("regularizer without a scale")
    scale = args[0].value
    if short == "l1_regularizer":
        return call("keras.regularizers.L1", scale), None
    v = literal(scale, None)
    half = to_node(v / 2.0) if isinstance(v, (int, float)) and not isinstance(v, bool) else expr("{s} / 2", s=scale)
    # TF1's l2_regularizer(s) is s * tf.nn.l2_loss(w) = s * sum(w ** 2) / 2; Keras' L2(l) is l * sum(w ** 2)
    return call("keras.regularizers.L2", half), None


class RegularizationLosses(CallRule):
    ID = "TFM151"
    TRIGGERS = ("tensorflow",)
    NAME = "regularization-losses"
    MESSAGE = "tf.get_collection(REGULARIZATION_LOSSES) / tf.losses.get_regularization_loss(s) -> [] / 0.0"
    RATIONALE = ("TF1 layer regularizers put their penalties in the REGULARIZATION_LOSSES collection and "
                 "the program adds them to its loss by reading it. Keras layers own their regularizers "
                 "(TFM132 writes kernel_regularizer only in files that read the collection) and "
                 "fit / train_on_batch add model.losses to the training loss themselves, so the read "
                 "becomes an empty list (get_regularization_loss: 0.0; ``losses += <read>`` goes) and the loss is "
                 "not counted twice.")
    CALLS = _READS + _READ_SUM + _GET_COLLECTION

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if RegularizationReads.added_in(self.ctx, original):
            self.ctx.count(self)
            return cst.RemoveFromParent()
        return updated

    def translate(self, qname, original, updated):
        if not self.ctx.analysis(RegularizationReads).is_read(original):
            return None
        self.ctx.count(self)
        return cst.Float("0.0") if qname in _READ_SUM else cst.List([])

    VALID = ["import tensorflow as tf\nops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # tflearn-migrate: ignore\n"]
    INVALID = [
        Case("import tensorflow as tf\nlosses = [loss]\nlosses += tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n"
             "total = loss + tf.losses.get_regularization_loss()\n",
             "losses = [loss]\ntotal = loss + 0.0\n"),
    ]
