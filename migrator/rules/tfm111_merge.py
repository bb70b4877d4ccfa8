"""TFM111: tflearn merge / merge_outputs -> keras.layers.Concatenate / Add / Multiply / keras.ops.

tflearn 0.5.0 (layers/merge_ops.py), ``merge(tensors_list, mode, axis=1)``:

* ``'concat'``: ``tf.concat(tensors, axis)`` -> ``keras.layers.Concatenate(axis=axis)``
  (the axis is always written out: tflearn's default is 1, Keras' is -1);
* ``'elemwise_sum'`` / ``'elemwise_mul'``: ``tensors[0] + tensors[1] + ...`` (left to right)
  -> ``keras.layers.Add`` / ``keras.layers.Multiply`` (same order);
* ``'sum'`` / ``'mean'`` / ``'prod'`` / ``'max'`` / ``'min'`` / ``'and'`` / ``'or'``: a
  reduction OVER THE CONCATENATED tensor along the SAME axis,
  ``tf.reduce_<op>(tf.concat(tensors, axis), axis)`` (the merged axis disappears) ->
  ``keras.ops.<op>(keras.ops.concatenate(tensors, axis=axis), axis=axis)`` (keras.ops work on
  KerasTensors in functional models, on every backend);
* ``merge_outputs(tensor_list)``: ``tf.concat(tensor_list, 1)`` -> ``Concatenate(axis=1)``.

tflearn asserts ``len(tensors_list) > 1``: a literal list of one tensor is left as a TODO.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..emit import call, literal
from ..translate.layer import LayerRule
from ..translate.tflearn import Untranslatable, name_kwarg
from .base import Case

_LAYERS = {"concat": "Concatenate", "elemwise_sum": "Add", "elemwise_mul": "Multiply"}
_REDUCE = {"sum": "sum", "mean": "mean", "prod": "prod", "max": "max", "min": "min",
           "and": "all", "or": "any"}


class Merge(LayerRule):
    ID = "TFM111"
    TRIGGERS = ("tflearn",)
    NAME = "merge"
    MESSAGE = "tflearn merge/merge_outputs -> keras.layers.Concatenate/Add/Multiply or keras.ops reductions"
    RATIONALE = ("tflearn's merge concatenates on axis 1 by default (Keras' Concatenate: -1), "
                 "and its 'sum'/'mean'/'prod'/'max'/'min'/'and'/'or' modes reduce the "
                 "concatenated tensor along that same axis (they are not element-wise): the axis "
                 "and the concatenate-then-reduce are written out.")
    SIGNATURES = {
        "tflearn.layers.merge_ops.merge": "tensors_list, mode, axis=1, name='Merge'",
        "tflearn.layers.merge_ops.merge_outputs": "tensor_list, name='MergeOutputs'",
    }

    def build(self, qname, b: BoundArgs, original):
        if qname.endswith("merge_outputs"):
            tensors = b.node("tensor_list")
            self._check_count(tensors)
            return self.layer("Concatenate", tensors, axis=1, name=name_kwarg(b))
        tensors = b.node("tensors_list")
        self._check_count(tensors)
        mode = literal(b.node("mode"), None)
        if not isinstance(mode, str):
            raise Untranslatable("merge mode is not a literal string")
        axis = b.node("axis")
        if mode in _LAYERS:
            kw = {"axis": axis} if mode == "concat" else {}
            return self.layer(_LAYERS[mode], tensors, **kw, name=name_kwarg(b))
        if mode in _REDUCE:
            cat = call("keras.ops.concatenate", tensors, axis=axis)
            return call(f"keras.ops.{_REDUCE[mode]}", cat, axis=axis)
        raise Untranslatable(f"unknown merge mode {mode!r}")

    @staticmethod
    def _check_count(tensors: cst.BaseExpression) -> None:
        if isinstance(tensors, (cst.List, cst.Tuple)):
            if any(isinstance(e, cst.StarredElement) for e in tensors.elements):
                return
            if len(tensors.elements) < 2:
                raise Untranslatable("tflearn merges 2 or more tensors (it asserts len > 1)")

    VALID = [
        "import keras\nx = keras.layers.Concatenate(axis=1)([a, b])\n",
        "def merge(ts, mode):\n    return ts[0]\ny = merge([a, b], 'concat')\n",
    ]
    INVALID = [
        Case("import tflearn\nnet = tflearn.merge([a, b], mode='concat', axis=1)\n",
             "import keras\n\nnet = keras.layers.Concatenate(axis=1)([a, b])\n"),
        Case("import tflearn\nnet = tflearn.merge([a, b], 'concat')\n"
             "s = tflearn.merge([a, b, c], 'elemwise_sum', name='sum3')\n"
             "p = tflearn.merge([a, b], mode='elemwise_mul')\n",
             "import keras\n\nnet = keras.layers.Concatenate(axis=1)([a, b])\n"
             "s = keras.layers.Add(name='sum3')([a, b, c])\n"
             "p = keras.layers.Multiply()([a, b])\n"),
        Case("from tflearn.layers.merge_ops import merge, merge_outputs\n"
             "m = merge([a, b], mode='mean')\nx = merge([a, b], 'max', axis=-1)\n"
             "o = merge_outputs([a, b])\n",
             "import keras\n\nm = keras.ops.mean(keras.ops.concatenate([a, b], axis=1), axis=1)\n"
             "x = keras.ops.max(keras.ops.concatenate([a, b], axis=-1), axis=-1)\n"
             "o = keras.layers.Concatenate(axis=1)([a, b])\n"),
        Case("import tflearn\ntowers = [a, b]\nnet = tflearn.merge(towers, mode='concat', axis=2)\n"
             "ok = tflearn.merge(towers, 'or')\n",
             "import keras\n\ntowers = [a, b]\nnet = keras.layers.Concatenate(axis=2)(towers)\n"
             "ok = keras.ops.any(keras.ops.concatenate(towers, axis=1), axis=1)\n"),
        Case("import tflearn\nnet = tflearn.merge([a, b], mode=m)\n", None, ("TFM111",), todo=True),
        Case("import tflearn\nnet = tflearn.merge([a], mode='concat')\n", None, ("TFM111",), todo=True),
    ]
