"""TFM207: tflearn layers sharing variables through ``scope='x'`` + ``reuse=True`` -> one Keras
layer object applied to each input."""
from __future__ import annotations

import re

import libcst as cst

from ..analysis.flow import Flow
from ..emit import code, literal, stmt
from ..translate.encoder import free_name
from ..analysis.siamese import qnames, walk
from .base import Case, Rule


def _kw(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


class ScopeReuse:
    """``ctx.analysis(ScopeReuse)``: groups of tflearn layer calls with the same literal
    ``scope=``, the first without reuse, the later ones with ``reuse=True``."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        flow: Flow = ctx.analysis(Flow)
        groups: dict[str, list[cst.Call]] = {}
        for n in walk(ctx.module):
            if isinstance(n, cst.Call) and any(q.startswith("tflearn.layers.") for q in qnames(ctx, n)):
                sc = _kw(n, "scope")
                name = literal(sc.value, None) if sc is not None else None
                if isinstance(name, str):
                    groups.setdefault(name, []).append(n)
        self.role: dict[int, tuple[str, int]] = {}   # id(call) -> (scope, index in group)
        self.var: dict[str, str] = {}
        self.problem: dict[str, str] = {}
        self.strip: set[int] = set()
        taken = {n.value for n in walk(ctx.module) if isinstance(n, cst.Name)}
        for scope, calls in groups.items():
            calls.sort(key=ctx.position)
            reuse = [literal(_kw(c, "reuse").value, None) if _kw(c, "reuse") is not None else False for c in calls]
            if len(calls) < 2 or reuse[0] is not False or not all(r is True for r in reuse[1:]):
                continue
            for i, c in enumerate(calls):
                self.role[id(c)] = (scope, i)
            sig = [[code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip() for a in c.args[1:]
                    if not (a.keyword and a.keyword.value in ("reuse", "incoming"))] for c in calls]
            if any(s != sig[0] for s in sig) or calls[0].args[0].keyword is not None:
                self.problem[scope] = "the calls sharing this scope pass different layer arguments"
            elif len({id(flow.scope_of(c)) for c in calls}) != 1:
                self.problem[scope] = "the calls sharing this scope are in different functions"
            if scope not in self.problem:
                self.strip.update(id(_kw(c, "reuse")) for c in calls[1:])
            base = re.sub(r"\W", "_", scope).strip("_") or "shared"
            self.var[scope] = free_name(taken, f"{base}_layer")
            taken.add(self.var[scope])


class TflearnScopeReuse(Rule):
    ID = "TFM207"
    TRIGGERS = (("tflearn", "reuse"),)
    NAME = "tflearn-scope-reuse"
    MESSAGE = "tflearn layers sharing a scope with reuse=True -> one Keras layer object"
    RATIONALE = ("In tflearn, fully_connected(x, n, scope='fc') followed by fully_connected(y, n, "
                 "scope='fc', reuse=True) applies the SAME weights to x and y (e.g. the decoder "
                 "reused as a generator in tflearn's variational_autoencoder example). Keras shares "
                 "weights by reusing the layer object: the first call's layer is bound to a name "
                 "(<scope>_layer = keras.layers.Dense(...)) and every call of the scope applies it. "
                 "Faithful (a translation, not a fix). Calls whose other arguments differ are left "
                 "with a TODO.")
    ORDER = 60  # drop reuse= before the layer rules; rebuild after they translated the call

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        if id(original) in self.ctx.analysis(ScopeReuse).strip:
            return cst.RemoveFromParent()
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.BaseExpression) -> cst.BaseExpression:
        sr: ScopeReuse = self.ctx.analysis(ScopeReuse)
        hit = sr.role.get(id(original))
        if hit is None:
            return updated
        scope, i = hit
        if scope in sr.problem:
            if i:
                self.todo(original, f"scope {scope!r} shared with reuse=True: {sr.problem[scope]}")
            return updated
        if not (isinstance(updated, cst.Call) and isinstance(updated.func, cst.Call)
                and (code(updated.func.func).startswith("keras.layers."))):
            self.todo(original, f"scope {scope!r} shared with reuse=True: the translated layer is not "
                                f"a single Keras layer call")
            return updated
        var = sr.var[scope]
        if i == 0:
            self.ctx.insert_before(original, [stmt("{v} = {layer}", v=cst.Name(var), layer=updated.func)])
            self.ctx.count(self)
        return updated.with_changes(func=cst.Name(var))

    INVALID = [
        Case("import tflearn\n"
             "h = tflearn.fully_connected(z, 8, activation='relu', scope='decoder_h')\n"
             "g = tflearn.fully_connected(noise, 8, activation='relu', scope='decoder_h', reuse=True)\n",
             "import keras\n\n"
             "decoder_h_layer = keras.layers.Dense(\n"
             "    8,\n"
             "    activation='relu',\n"
             "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
             ")\n"
             "h = decoder_h_layer(keras.layers.Flatten()(z))\n"
             "g = decoder_h_layer(keras.layers.Flatten()(noise))\n"),
        Case("import tflearn\n"
             "h = tflearn.fully_connected(z, 8, activation='relu', scope='d')\n"
             "g = tflearn.fully_connected(noise, 8, activation='sigmoid', scope='d', reuse=True)\n",
             "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "h = keras.layers.Dense(\n"
             "    8,\n"
             "    activation='relu',\n"
             "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
             ")(keras.layers.Flatten()(z))\n"
             "# TODO(tflearn-migrate): TFM104 fully_connected: variable sharing with reuse=/scope= (TFM205 handles towers)\n"
             "# TODO(tflearn-migrate): TFM207 scope 'd' shared with reuse=True: the calls sharing this scope pass "
             "different layer arguments\n"
             "g = tflearn.fully_connected(noise, 8, activation='sigmoid', scope='d', reuse=True)\n",
             ("TFM104", "TFM207"), todo=True),
    ]
    VALID = ["import keras\nlayer = keras.layers.Dense(4)\na = layer(x)\nb = layer(y)\n"]
    REQUIRES = ("TFM104",)
