"""TFM139: TF1 tensor shape methods -> Keras 3 tensor attributes.

``t.get_shape()`` -> ``t.shape``; ``t.get_shape().as_list()`` / ``t.shape.as_list()`` ->
``list(t.shape)``; ``t.get_shape()[i].value`` (a TF1 ``Dimension``) -> ``t.shape[i]``. Keras 3
tensors (KerasTensor, backend tensors) have neither ``get_shape`` nor ``TensorShape``: their
``shape`` is a tuple of ints / None, the same values TF1's ``as_list()`` returned.
Only in files that import TensorFlow or tflearn (whose layers return TF tensors; the method names
are TF's; NumPy has none of them).
"""
from __future__ import annotations

import libcst as cst

from .base import Case, Rule


def _is_method_call(node: cst.BaseExpression, name: str) -> bool:
    return (isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == name)


class TensorShapeMethods(Rule):
    ID = "TFM139"
    NAME = "tensor-shape-methods"
    MESSAGE = ("t.get_shape() / .as_list() / Dimension.value / .num_elements() -> t.shape / list(t.shape) / "
               "t.shape[i] / math.prod(t.shape); "
               "t.set_shape(s) statements removed")
    RATIONALE = ("Keras 3 tensors have no get_shape() and their shape is a plain tuple (no as_list(), "
                 "no Dimension.value); the values are the same as TF1's static shape. t.set_shape(s) only "
                 "refined TF1's static shape (values unchanged): Keras infers it, the statement goes.")
    ORDER = 20

    def _active(self) -> bool:
        cache = self.__dict__.get("_imports_tf")
        if cache is None:
            cache = self.__dict__["_imports_tf"] = any(
                v.split(".")[0] in ("tensorflow", "tflearn") for v in self.ctx.bindings.names.values())
        return cache

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if not self._active():
            return updated
        if _is_method_call(updated, "get_shape"):
            self.ctx.count(self)
            return cst.Attribute(value=updated.func.value, attr=cst.Name("shape"))
        if _is_method_call(updated, "num_elements"):
            # TensorShape.num_elements(): the product of the static dimensions (t.get_shape()[1:] ...)
            inner = updated.func.value
            base = inner.value if isinstance(inner, cst.Subscript) else inner
            obase = original.func.value.value if isinstance(original.func.value, cst.Subscript) else original.func.value
            if (isinstance(base, cst.Attribute) and base.attr.value == "shape") or self._shape_name(obase):
                self.ctx.count(self)
                self.ctx.add_import("math")
                return cst.Call(func=cst.Attribute(cst.Name("math"), cst.Name("prod")), args=[cst.Arg(inner)])
        if _is_method_call(updated, "as_list"):
            inner = updated.func.value
            if (isinstance(inner, cst.Attribute) and inner.attr.value == "shape") or self._shape_name(original.func.value):
                self.ctx.count(self)
                return cst.Call(func=cst.Name("list"), args=[cst.Arg(inner)])
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        # ``t.set_shape(shape)`` as a statement: TF1 only merged static shape information (no
        # value changes); Keras tensors carry their inferred static shape and have no set_shape
        if not self._active() or len(original.body) != 1 or not isinstance(original.body[0], cst.Expr):
            return updated
        c = original.body[0].value
        if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and c.func.attr.value == "set_shape" \
                and len(c.args) == 1 and c.args[0].keyword is None and not c.args[0].star \
                and self.ctx.legacy_name(c.func) is None:
            self.ctx.count(self)
            self.ctx.remove_statement(original)
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        # t.get_shape()[i].value / t.shape[i].value -> t.shape[i]
        if not self._active() or original.attr.value != "value" or not isinstance(original.value, cst.Subscript):
            return updated
        base = original.value.value
        if _is_method_call(base, "get_shape") or (isinstance(base, cst.Attribute) and base.attr.value == "shape") \
                or self._shape_name(base):
            self.ctx.count(self)
            return updated.value
        return updated

    def _shape_name(self, node) -> bool:
        """``node`` is a name whose binding there is ``t.get_shape()`` / ``t.shape`` (``layer_shape =
        layer.get_shape()`` + ``layer_shape[1:4].num_elements()``: the Hvass-Labs tutorials' flatten)."""
        if not isinstance(node, cst.Name):
            return False
        from ..analysis.flow import Flow

        d = self.ctx.analysis(Flow).def_of(node.value, node)
        v = getattr(d, "value", None)
        return _is_method_call(v, "get_shape") or (isinstance(v, cst.Attribute) and v.attr.value == "shape")

    VALID = ["import numpy as np\nn = x.shape[1]\n",
             "d = obj.get_shape()\n"]  # no TensorFlow import: not a tensor method
    INVALID = [Case("import tflearn\nn = net.get_shape()[3]\n", "n = net.shape[3]\n", ()), Case(
        "import tensorflow as tf\n"
        "shape = x.get_shape().as_list()\nn_in = x.get_shape()[1].value\nc = x.shape.as_list()[-1]\n"
        "s = x.get_shape()\ny.set_shape(x.get_shape())\n",
        "shape = list(x.shape)\nn_in = x.shape[1]\nc = list(x.shape)[-1]\ns = x.shape\n"), Case(
        "import tensorflow as tf\nn = h.get_shape()[1:4].num_elements()\nm = h.get_shape().num_elements()\n",
        "import math\n\nn = math.prod(h.shape[1:4])\nm = math.prod(h.shape)\n", ()),
        # the shape held in a name first (the Hvass-Labs tutorials' flatten_layer)
        Case("import tensorflow as tf\nlayer_shape = layer.get_shape()\nn = layer_shape[1:4].num_elements()\n"
             "dims = layer_shape.as_list()\nc = layer_shape[-1].value\n",
             "import math\n\nlayer_shape = layer.shape\nn = math.prod(layer_shape[1:4])\n"
             "dims = list(layer_shape)\nc = layer_shape[-1]\n", ())]
