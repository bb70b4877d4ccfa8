"""Does the program read tensors by their TF1 graph names?

``sess.run('pnet/prob1:0', feed_dict={'pnet/input:0': img})`` or
``graph.get_tensor_by_name('onet/input:0')`` reach tensors through the names TF1 gave them: the
variable / name scopes they were built in and their ``name=`` arguments. A Keras translation keeps
none of those names (a placeholder becomes an ``Input``, the scopes go), so such a program is left
TF1 whole (TFM140 says why on its placeholders) and its scopes stay (TFM138).
"""
from __future__ import annotations

import re

import libcst as cst

from ..cstcache import walk

_TENSOR_NAME = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_./-]*:\d+$")
_BY_NAME = ("get_tensor_by_name", "get_operation_by_name")


class TensorNameReads:
    """``ctx.analysis(TensorNameReads)``: ``example`` is the first tensor name the file's runs or
    ``get_tensor_by_name`` calls read (None: none)."""

    def __init__(self, ctx) -> None:
        self.example: str | None = None
        text = ctx.module_code
        if ":0" not in text and "get_tensor_by_name" not in text and "get_operation_by_name" not in text:
            return
        for n in walk(ctx.module):
            if type(n) is not cst.Call or not isinstance(n.func, cst.Attribute):
                continue
            attr = n.func.attr.value
            if attr not in ("run", "eval") and attr not in _BY_NAME:
                continue
            for s in walk(n):
                if type(s) is cst.SimpleString:
                    v = s.evaluated_value
                    if isinstance(v, str) and (_TENSOR_NAME.match(v) or attr in _BY_NAME):
                        self.example = v
                        return

    @property
    def why(self) -> str | None:
        if self.example is None:
            return None
        return (f"the program reads tensors by their TF1 graph names ({self.example!r}), which a Keras "
                "translation does not keep: not translated")
