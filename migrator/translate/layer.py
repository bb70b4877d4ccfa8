"""Base class for rules that turn one tflearn layer function into one Keras layer call."""
from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import apply_layer, call, wrap_long_call
from .tflearn import Untranslatable, activation
from ..rules.base import CallRule


class LayerRule(CallRule):
    """Subclasses set ``SIGNATURES`` (canonical name -> tflearn signature, copied from
    tflearn 0.5.0) and implement :meth:`build` returning the expression applied to the
    incoming tensor(s)."""

    SIGNATURES: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kw) -> None:
        super().__init_subclass__(**kw)
        if "SIGNATURES" in vars(cls) and "CALLS" not in vars(cls):
            cls.CALLS = tuple(cls.SIGNATURES)

    def translate(self, qname: str, original: cst.Call, updated: cst.Call):
        try:
            b = BoundArgs(updated, self.SIGNATURES[qname], original)
            out = self.build(qname, b, original)
        except (Unbindable, Untranslatable, ValueError) as ex:
            self.todo(original, f"{qname.rsplit('.', 1)[1]}: {ex}")
            return None
        if out is None:
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def build(self, qname: str, b: BoundArgs, original: cst.Call) -> cst.BaseExpression | None:
        raise NotImplementedError

    # -- helpers for subclasses -------------------------------------------------------------
    def layer(self, cls: str, incoming: cst.BaseExpression, *args, b: BoundArgs | None = None,
              act: str | None = None, **kwargs) -> cst.BaseExpression:
        """``keras.layers.<cls>(*args, **kwargs)(incoming)``, then any activation that has
        to be applied as its own op (see ``_tflearn.activation``). ``act`` names the
        activation parameter of ``b``."""
        act_kw, wrap = activation(self.ctx, b, act) if act is not None and b is not None else (None, None)
        if act_kw is not None:
            kwargs = {"activation": act_kw, **kwargs}
        ctor = wrap_long_call(call(f"keras.layers.{cls}", *args, **kwargs))
        out: cst.BaseExpression = apply_layer(ctor, incoming)
        if wrap is not None:
            out = wrap(out)
        return out
