"""A bias added to a layer's output with ``+=`` written as an assignment (rule TFM198's pre-step):
a pure function of the source.

The form (the Hvass-Labs TensorFlow tutorials' ``new_conv_layer`` and the Siamese code built on
them)::

    layer = tf.nn.conv2d(input=input, filter=weights, strides=[1, 1, 1, 1], padding='SAME')
    layer += biases

TF1 semantics: a ``tf.Tensor`` has no in-place addition; Python falls back to ``__add__`` and
rebinds the name, so ``layer += biases`` IS ``layer = layer + biases`` (a new tensor). Written so,
the hand-made layer analysis (TFM135) sees the bias added to the convolution, a form it fuses
into the layer (before, the ``+=`` kept the bias variable, and the layer, untranslated).

Only ``X += Y`` with ``X`` a plain name whose binding just before, in the same block, is
``X = <tf>.nn.conv1d / conv2d / conv3d / depthwise_conv2d / atrous_conv2d (...)`` or
``<tf>.matmul(...)`` (a tensor, never a list or an array, whose ``+=`` would mutate it) and ``Y`` a
plain name or subscript. Anything else is left as written.
"""
from __future__ import annotations

import libcst as cst

from .blocks import BlockRewriter

from ..names import dotted
from .graph_datasets import tf_aliases
from .trainer_objects import _bound

_LAYER_OPS = frozenset({"nn.conv1d", "nn.conv2d", "nn.conv3d", "nn.depthwise_conv2d", "nn.atrous_conv2d",
                        "matmul", "linalg.matmul"})


def _layer_op(value: cst.BaseExpression, tf: set[str]) -> bool:
    if not isinstance(value, cst.Call):
        return False
    d = dotted(value.func) or ""
    root, _, rest = d.partition(".")
    return root in tf and rest in _LAYER_OPS


class _Rewrite(BlockRewriter):
    def __init__(self, tf: set[str]) -> None:
        super().__init__()
        self.tf = tf

    def _block(self, body):
        out = list(body)
        before = self.changed
        for i, st in enumerate(out):
            if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                    and isinstance(st.body[0], cst.AugAssign) and isinstance(st.body[0].operator, cst.AddAssign)):
                continue
            aug = st.body[0]
            if not isinstance(aug.target, cst.Name) or not isinstance(aug.value, (cst.Name, cst.Subscript)):
                continue
            name = aug.target.value
            prev = out[i - 1] if i > 0 else None
            if not (isinstance(prev, cst.SimpleStatementLine) and len(prev.body) == 1
                    and isinstance(prev.body[0], cst.Assign) and len(prev.body[0].targets) == 1
                    and isinstance(prev.body[0].targets[0].target, cst.Name)
                    and prev.body[0].targets[0].target.value == name and _layer_op(prev.body[0].value, self.tf)):
                continue
            bound = _bound(aug.value, nested=True)  # (a walrus or comprehension inside the subscript)
            if name in bound or "*" in bound:
                continue
            new = cst.Assign(targets=[cst.AssignTarget(cst.Name(name))],
                             value=cst.BinaryOperation(cst.Name(name), cst.Add(), aug.value),
                             semicolon=aug.semicolon)
            out[i] = st.with_changes(body=[new])
            self.changed += 1
        return out if self.changed != before else None


def rewrite_tensor_augassigns(module: cst.Module) -> cst.Module | None:
    tf = set(tf_aliases(module))
    if not tf:
        return None
    t = _Rewrite(tf)
    new = module.visit(t)
    return new if t.changed else None
