"""TF-Slim ``arg_scope``: which contrib / slim layer calls take which default arguments.

``with slim.arg_scope([slim.conv2d, slim.fully_connected], activation_fn=None, padding='SAME'):``
makes every call of the listed functions made WHILE the block runs use these keyword arguments
unless the call gives its own (nested scopes: the inner one wins). TF1 applies it dynamically,
so a layer call inside a function called from the block is affected too. This analysis resolves
the lexical part - calls written inside the block (not inside a nested ``def`` / ``lambda`` /
class, which do not run there) - and names what it cannot resolve:

* ``dynamic``: the block calls a function of this module whose body calls a listed layer (the
  defaults would reach it through the call);
* ``why``: the scope's arguments are not a literal list of known layers and keywords
  (``arg_scope(sc)`` reusing a stored scope, ``**kwargs``, ``as sc``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .. import cstcache

ARG_SCOPE = frozenset({"tensorflow.contrib.framework.arg_scope", "tensorflow.contrib.slim.arg_scope",
                       "tensorflow.contrib.framework.python.ops.arg_scope.arg_scope",
                       "tensorflow.contrib.layers.arg_scope"})
LAYER_PREFIXES = ("tensorflow.contrib.layers.", "tensorflow.contrib.slim.")
# slim's names for the same functions
ALIASES = {"convolution2d": "conv2d", "convolution": "conv2d", "linear": "fully_connected"}
_ANY = "*"


def layer_short(qname: str | None) -> str | None:
    """``tensorflow.contrib.slim.conv2d`` -> ``conv2d`` (None for anything else)."""
    if not qname or not qname.startswith(LAYER_PREFIXES):
        return None
    tail = qname.rsplit(".", 1)[-1]
    return ALIASES.get(tail, tail)


@dataclass
class ArgScope:
    node: cst.With
    ops: frozenset[str] = frozenset()
    kwargs: dict[str, cst.BaseExpression] = field(default_factory=dict)
    why: str | None = None            # not analysable
    dynamic: list[str] = field(default_factory=list)   # functions the defaults reach through calls
    calls: list[cst.Call] = field(default_factory=list)  # the layer calls it gives defaults to


class ArgScopes:
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.scopes: dict[int, ArgScope] = {}
        self.defaults_of: dict[int, dict[str, cst.BaseExpression]] = {}
        self.blocked: dict[int, str] = {}   # layer calls whose arg_scope defaults are unknown: why
        self.translated: set[int] = set()   # layer calls a rule translated WITH their defaults
        module = ctx.module
        if "arg_scope" not in ctx.module_code:
            return
        funcs: dict[str, cst.FunctionDef] = {}
        for n in cstcache.walk(module):
            if isinstance(n, cst.FunctionDef):
                funcs.setdefault(n.name.value, n)
        for n in cstcache.walk(module):
            if isinstance(n, cst.With) and len(n.items) == 1 and isinstance(n.items[0].item, cst.Call) \
                    and ctx.legacy_name(n.items[0].item.func) in ARG_SCOPE:
                self.scopes[id(n)] = self._scope(n, funcs)

    def _scope(self, w: cst.With, funcs: dict[str, cst.FunctionDef]) -> ArgScope:
        item = w.items[0]
        sc = ArgScope(w)
        call = item.item
        if item.asname is not None:
            sc.why = "the scope is stored (`as ...`) for a later arg_scope"
        args = list(call.args)
        ops = set()
        if not args or args[0].keyword is not None or args[0].star \
                or not isinstance(args[0].value, (cst.List, cst.Tuple)):
            sc.why = sc.why or "its first argument is not a literal list of layer functions"
        else:
            for el in args[0].value.elements:
                short = layer_short(self.ctx.legacy_name(el.value))
                if short is None:
                    sc.why = sc.why or f"{cstcache_code(el.value)} is not a tf.contrib.layers / slim layer"
                else:
                    ops.add(short)
        for a in args[1:]:
            if a.star or a.keyword is None:
                sc.why = sc.why or "keyword arguments given as **kwargs or positionally"
            else:
                sc.kwargs[a.keyword.value] = a.value
        # a scope we cannot read blocks every contrib / slim layer call under it
        sc.ops = frozenset(ops) if sc.why is None else frozenset(_ANY)
        # the lexical calls, and user functions called from the block (dynamic scope)
        stack = list(cstcache.children(w.body))
        while stack:
            n = stack.pop()
            if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                continue
            if isinstance(n, cst.Call):
                short = layer_short(self.ctx.legacy_name(n.func))
                if short is not None and (short in sc.ops or _ANY in sc.ops):
                    sc.calls.append(n)
                    if sc.why is not None:
                        self.blocked.setdefault(id(n), f"it runs under an arg_scope this tool cannot read ({sc.why})")
                    else:
                        # scopes are met outer first (pre-order walk): an inner scope's value wins
                        self.defaults_of.setdefault(id(n), {}).update(sc.kwargs)
                elif isinstance(n.func, (cst.Name, cst.Attribute)):
                    name = n.func.value if isinstance(n.func, cst.Name) else n.func.attr.value
                    fn = funcs.get(name)
                    inner = self._layer_calls(fn, sc.ops) if fn is not None else []
                    if inner:
                        sc.dynamic.append(name)
                        line = self.ctx.position(w)[0]
                        for c in inner:   # TF1 gives them the defaults through the call
                            self.blocked.setdefault(id(c), f"{name}() is called under the arg_scope of line "
                                                           f"{line}, whose defaults reach this call at run time")
            stack.extend(cstcache.children(n))
        return sc

    def _layer_calls(self, fn: cst.FunctionDef, ops: frozenset[str]) -> list[cst.Call]:
        out = []
        for n in cstcache.walk(fn):
            if isinstance(n, cst.Call):
                short = layer_short(self.ctx.legacy_name(n.func))
                if short is not None and (short in ops or _ANY in ops):
                    out.append(n)
        return out

    def block_reason(self, call: cst.Call) -> str | None:
        return self.blocked.get(id(call))

    def defaults(self, call: cst.Call) -> dict[str, cst.BaseExpression]:
        """The arg_scope keyword arguments the ORIGINAL ``call`` takes (innermost scope wins)."""
        return self.defaults_of.get(id(call), {})


def cstcache_code(node: cst.CSTNode) -> str:
    from ..emit import code

    return code(node)
