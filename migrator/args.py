"""Bind a call's arguments to a legacy function's signature."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import libcst as cst

from .emit import code, literal, to_node

REQUIRED = object()


class Unbindable(Exception):
    """The call cannot be bound statically (``*args``, unknown keyword, missing arg)."""


def bind_def(fn: cst.FunctionDef, call: cst.Call, skip_self: bool = False) -> dict[str, cst.BaseExpression] | None:
    """The arguments ``call`` gives the plain parameters of the file's own function ``fn`` (their
    defaults where omitted; ``skip_self``: a method called on its instance), by parameter name; None
    when the call cannot be bound so (a ``*`` / ``**`` argument, too many positional arguments, a
    keyword that names no plain parameter or one given twice, a parameter without a default left out)."""
    params = list(fn.params.params)[1 if skip_self else 0:]
    names = [q.name.value for q in params]
    bound: dict[str, cst.BaseExpression] = {}
    for i, a in enumerate(call.args):
        if a.star:
            return None
        if a.keyword is None:
            if i >= len(names) or any(x.keyword is not None for x in call.args[:i]):
                return None
            bound[names[i]] = a.value
        else:
            k = a.keyword.value
            if k not in names or k in bound:
                return None
            bound[k] = a.value
    for q in params:
        if q.name.value not in bound:
            if q.default is None:
                return None
            bound[q.name.value] = q.default
    return bound


@dataclass(frozen=True)
class Param:
    name: str
    default: Any  # REQUIRED, or a Python value; unparsable defaults are kept as source text


@lru_cache(maxsize=None)
def parse_signature(sig: str) -> tuple[tuple[Param, ...], bool]:
    """``"incoming, n_units, activation='linear', **kwargs"`` -> params, accepts_kwargs."""
    fn = ast.parse(f"def f({sig}): pass").body[0]
    assert isinstance(fn, ast.FunctionDef)
    a = fn.args
    pos = a.posonlyargs + a.args
    defaults: list[Any] = [REQUIRED] * (len(pos) - len(a.defaults))
    for d in a.defaults:
        try:
            defaults.append(ast.literal_eval(d))
        except ValueError:
            defaults.append(ast.unparse(d))
    params = [Param(p.arg, d) for p, d in zip(pos, defaults)]
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        params.append(Param(p.arg, REQUIRED if d is None else ast.literal_eval(d)))
    return tuple(params), a.kwarg is not None


class BoundArgs:
    """Arguments of ``call`` by parameter name. Pass the ``original`` call too when the
    call being bound is an *updated* node: ``orig(name)`` then gives the original argument
    (the one metadata - qualified names, positions - is known for)."""

    def __init__(self, call: cst.Call, signature: str, original: cst.Call | None = None) -> None:
        self.original = BoundArgs(original, signature) if original is not None and original is not call else None
        params, accepts_kwargs = parse_signature(signature)
        self.params = {p.name: p for p in params}
        self.nodes: dict[str, cst.BaseExpression] = {}
        self.extra: dict[str, cst.BaseExpression] = {}
        order = [p.name for p in params]
        i = 0
        for arg in call.args:
            if arg.star:
                raise Unbindable(f"cannot translate a call with {arg.star}-arguments: {code(arg)}")
            if arg.keyword is None:
                if i >= len(order):
                    raise Unbindable(f"too many positional arguments: {code(call)}")
                self.nodes[order[i]] = arg.value
                i += 1
            else:
                k = arg.keyword.value
                if k in self.params:
                    if k in self.nodes:
                        raise Unbindable(f"argument {k!r} given twice")
                    self.nodes[k] = arg.value
                elif accepts_kwargs:
                    self.extra[k] = arg.value
                else:
                    raise Unbindable(f"unknown argument {k!r}")
        for p in params:
            if p.default is REQUIRED and p.name not in self.nodes:
                raise Unbindable(f"missing argument {p.name!r}")

    def orig(self, name: str) -> cst.BaseExpression | None:
        """The original (metadata-bearing) argument node, None when absent."""
        src = self.original if self.original is not None else self
        return src.nodes.get(name)

    def given(self, name: str) -> bool:
        return name in self.nodes

    def node(self, name: str) -> cst.BaseExpression:
        """The argument's node, or the default written as a node."""
        if name in self.nodes:
            return self.nodes[name]
        d = self.params[name].default
        return to_node(d) if not isinstance(d, str) or d != "" else to_node(d)

    def value(self, name: str, fallback: Any = REQUIRED) -> Any:
        """The argument's Python value: the default when absent, the literal when given.
        Non-literal arguments return ``fallback`` (or raise ValueError)."""
        if name not in self.nodes:
            return self.params[name].default
        if fallback is REQUIRED:
            return literal(self.nodes[name])
        return literal(self.nodes[name], fallback)

    def is_literal(self, name: str) -> bool:
        marker = object()
        return name not in self.nodes or literal(self.nodes[name], marker) is not marker

    def is_default(self, name: str) -> bool:
        marker = object()
        return name not in self.nodes or literal(self.nodes[name], marker) == self.params[name].default
