"""TFM101: tflearn input_data -> keras.Input (batch dimension dropped)."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call, code, expr, literal, stmt, to_node
from ..analysis.tflearn_model import INPUT_DATA, INPUT_SIG, TflearnProgram
from .base import Case, CallRule

_DTYPES = {"float32", "float64", "float16", "int32", "int64", "int8", "uint8", "int16", "bool", "string"}


def keras_dtype(ctx, node: cst.BaseExpression, orig: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """``tf.float32`` -> ``"float32"`` (None for the float32 default)."""
    q = ctx.legacy_name(orig) if orig is not None else None
    name = q.rsplit(".", 1)[1] if q and q.startswith("tensorflow.") else literal(node, None)
    if name in ("float32",):
        return None
    if name in _DTYPES:
        return to_node(name)
    return node


def keras_shape(node: cst.BaseExpression) -> tuple[cst.BaseExpression, bool]:
    """tflearn's shape (``[None, 28, 28, 1]``; a leading non-None dim means no batch dim
    was given) -> Keras' per-sample shape tuple. Returns (node, statically_known)."""
    if isinstance(node, (cst.List, cst.Tuple)):
        elems = [e.value for e in node.elements]
        if elems and literal(elems[0], 0) is None and code(elems[0]).strip() == "None":
            elems = elems[1:]
        elif len(elems) <= 1:
            pass
        return cst.Tuple([cst.Element(e) for e in elems] or []) if len(elems) != 1 else \
            cst.Tuple([cst.Element(elems[0], comma=cst.Comma())]), True
    return expr("tuple({s}[1:])", s=node), False


class InputData(CallRule):
    ID = "TFM101"
    TRIGGERS = ("tflearn",)
    NAME = "input-data"
    MESSAGE = "tflearn input_data -> keras.Input"
    RATIONALE = ("tflearn shapes include the batch dimension (None) and register the placeholder "
                 "in a graph collection; keras.Input takes the per-sample shape and must stay "
                 "reachable by name for keras.Model(inputs=...), so an input whose variable is "
                 "re-assigned gets its own name (<var>_input).")
    CALLS = (INPUT_DATA,)

    def translate(self, qname, original, updated):
        try:
            b = BoundArgs(updated, INPUT_SIG, original)
        except Unbindable as ex:
            self.todo(original, f"input_data: {ex}")
            return None
        if b.given("placeholder") and literal(b.node("placeholder"), 0) is not None:
            self.todo(original, "input_data(placeholder=...): pass the tensor's shape instead")
            return None
        if not b.given("shape"):
            self.todo(original, "input_data without shape")
            return None
        shape, known = keras_shape(b.node("shape"))
        if not known:
            self.report(original, "input shape is not a literal: assumed to start with the batch "
                                  "dimension (None), as tflearn shapes usually do")
        kw = {"shape": shape}
        if b.given("dtype"):
            kw["dtype"] = keras_dtype(self.ctx, b.node("dtype"), b.orig("dtype"))
        if b.given("name"):
            kw["name"] = b.node("name")
        new = call("keras.Input", **kw)
        self.ctx.add_import("keras")
        self.ctx.count(self)
        info = self.ctx.analysis(TflearnProgram).input_of(original)
        if info is not None and info.alias:
            processed: cst.BaseExpression = cst.Name(info.var)
            # tflearn augments first, then preprocesses (data_flow.FeedDictFlow)
            for key in ("data_augmentation", "data_preprocessing"):
                if b.given(key) and literal(b.node(key), 0) is not None:
                    processed = cst.Call(b.node(key), [cst.Arg(processed)])
            self.ctx.insert_after(original, [stmt("{t} = {v}", t=cst.Name(info.d.name), v=processed)])
            self._rename_target(original, info.var)
        return new

    def _rename_target(self, original: cst.Call, new_name: str) -> None:
        self.ctx.rename_assignment = getattr(self.ctx, "rename_assignment", {})
        self.ctx.rename_assignment[id(self.ctx.parent(original))] = new_name

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        new = getattr(self.ctx, "rename_assignment", {}).get(id(original))
        if new is None:
            return updated
        return updated.with_changes(targets=[updated.targets[0].with_changes(target=cst.Name(new))])

    VALID = ["import keras\nx = keras.Input(shape=(3,))\n"]
    INVALID = [
        Case("import tflearn\nnet = tflearn.input_data(shape=[None, 28, 28, 1], name='input')\n",
             "import keras\n\nnet = keras.Input(shape=(28, 28, 1), name='input')\n"),
        Case("from tflearn.layers.core import *\nimport tensorflow as tf\n"
             "x = input_data(shape=[None, 100], dtype=tf.int32)\ny = f(x)\n",
             "import keras\n\nx = keras.Input(shape=(100,), dtype='int32')\ny = f(x)\n"),
        Case("import tflearn\nnet = tflearn.input_data([None, 8])\nnet = g(net)\n",
             "import keras\n\nnet_input = keras.Input(shape=(8,))\nnet = net_input\nnet = g(net)\n"),
        Case("import tflearn\ndef f(s):\n    return tflearn.input_data(shape=s)\n",
             "import keras\n\ndef f(s):\n    return keras.Input(shape=tuple(s[1:]))\n", ("TFM101",)),
    ]
