"""TF-Slim ``arg_scope`` blocks: which contrib / slim layer calls take which default keywords
(TFM150 drops the blocks, TFM132 writes the keywords into the calls)."""
from __future__ import annotations

import libcst as cst

from ..cstcache import children

ARG_SCOPE = ("tensorflow.contrib.slim.arg_scope", "tensorflow.contrib.framework.arg_scope",
             "tensorflow.contrib.layers.arg_scope",   # names.canonical: slim's layer names are contrib.layers'

             "tensorflow.contrib.slim.scopes.arg_scope", "tensorflow.contrib.framework.python.ops.arg_scope")
_PREFIXES = ("tensorflow.contrib.slim.layers.", "tensorflow.contrib.slim.", "tensorflow.contrib.layers.")
_ALIASES = {"convolution2d": "conv2d", "conv2d_transpose": "conv2d_transpose", "convolution2d_transpose":
            "conv2d_transpose", "linear": "fully_connected"}


def scoped_op(op: str) -> bool:
    """A slim / contrib.layers function an ``arg_scope`` can give keywords to (its layers, not its
    regularizer / initializer factories or the scope machinery itself)."""
    return not (op.endswith(("_regularizer", "_initializer")) or op.startswith("get_")
                or op in ("arg_scope", "add_arg_scope", "sum_regularizer", "apply_regularization"))


def slim_op(q: str | None) -> str | None:
    """``tensorflow.contrib.slim.conv2d`` / ``tensorflow.contrib.layers.convolution2d`` -> 'conv2d'
    (slim re-exports contrib's layer functions: one op under several names)."""
    if not q:
        return None
    for p in _PREFIXES:
        if q.startswith(p):
            tail = q[len(p):]
            if "." in tail:
                return None
            return _ALIASES.get(tail, tail)
    return None


class _Scope:
    def __init__(self, node: cst.With) -> None:
        self.node = node
        self.ops: set[str] = set()
        self.kwargs: dict[str, cst.BaseExpression] = {}
        self.reason: str | None = None
        self.calls: list[cst.Call] = []
        # the listed ops are not written at the block (`arg_scope(saved_scope())`,
        # `arg_scope(ops_list)`): any layer op it reaches may take its keywords
        self.unknown_ops = False

    def reaches(self, op: str | None) -> bool:
        """Would slim give this scope's keywords to a call of ``op``?"""
        if op is None:
            return False
        return op in self.ops or (self.unknown_ops and scoped_op(op))


class ArgScopes:
    """``ctx.analysis(ArgScopes)``: every ``arg_scope`` block, the listed ops' calls inside it
    (lexically, nested ``def``s included) and the keyword defaults each call receives (inner
    scopes win; the call's own keywords win over both). slim applies a scope DYNAMICALLY (to
    calls made while it is open): a block that calls a function of this file defined OUTSIDE it,
    which calls a listed op, is declined (``reason``), and so are its calls."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.scopes: dict[int, _Scope] = {}
        self.kwargs: dict[int, dict[str, cst.BaseExpression]] = {}
        self.blocked: dict[int, str] = {}
        self.failed: set[int] = set()          # scopes with a listed call left as TODO (TFM132)
        self.scope_of_call: dict[int, list[_Scope]] = {}
        # a layer call whose normalizer_fn is slim's batch_norm: the keywords the scopes listing
        # batch_norm give that implicit call (slim applies them to every batch_norm call)
        self.normalizer_kwargs: dict[int, dict[str, cst.BaseExpression]] = {}
        self._functions: dict[str, list[cst.FunctionDef]] = {}
        self._collect_functions(ctx.module)
        self._visit(ctx.module, [])
        for s in self.scopes.values():
            self._check_dynamic(s)

    def _collect_functions(self, node: cst.CSTNode) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, cst.FunctionDef):
                self._functions.setdefault(n.name.value, []).append(n)
            stack.extend(children(n))

    def qname(self, node: cst.CSTNode) -> str | None:
        try:
            return self.ctx.legacy_name(node)
        except Exception:  # noqa: BLE001 - a node the metadata does not know
            return None

    def is_arg_scope(self, w: cst.With) -> bool:
        return (len(w.items) == 1 and isinstance(w.items[0].item, cst.Call)
                and self.qname(w.items[0].item.func) in ARG_SCOPE)

    def _visit(self, node: cst.CSTNode, active: list[_Scope]) -> None:
        if isinstance(node, cst.With) and self.is_arg_scope(node):
            s = self._scope(node)
            self.scopes[id(node)] = s
            for c in children(node):
                if c is node.body:
                    self._visit(c, active + [s])
                else:
                    self._visit(c, active)
            return
        if isinstance(node, cst.Call) and active:
            op = slim_op(self.qname(node.func))
            if op is not None:
                merged: dict[str, cst.BaseExpression] = {}
                mine = []
                for s in active:
                    if op in s.ops:
                        merged.update(s.kwargs)
                        mine.append(s)
                        s.calls.append(node)
                    elif s.reaches(op):
                        s.calls.append(node)   # keywords unknown: declined with the scope
                if op in ("fully_connected", "conv2d") and (
                        "normalizer_fn" in merged
                        or any(a.keyword is not None and a.keyword.value == "normalizer_fn" for a in node.args)):
                    bn: dict[str, cst.BaseExpression] = {}
                    for s in active:
                        if "batch_norm" in s.ops:
                            bn.update(s.kwargs)
                            if s not in mine:
                                mine.append(s)
                            if node not in s.calls:
                                s.calls.append(node)
                    if bn:
                        self.normalizer_kwargs[id(node)] = bn
                if mine:
                    self.kwargs[id(node)] = merged
                    self.scope_of_call[id(node)] = mine
        for c in children(node):
            self._visit(c, active)

    def _scope(self, w: cst.With) -> _Scope:
        s = _Scope(w)
        c = w.items[0].item
        if w.items[0].asname is not None:
            s.reason = "the scope is bound to a name (arg_scope(sc) reopens it elsewhere)"
        pos = [a for a in c.args if a.keyword is None]
        if len(pos) != 1 or any(a.star for a in c.args):
            s.reason = s.reason or "arg_scope without exactly one list of ops"
            s.unknown_ops = True
            return s
        ops = pos[0].value
        if not isinstance(ops, (cst.List, cst.Tuple)):
            s.reason = s.reason or "arg_scope of a saved scope or of a list held in a name"
            s.unknown_ops = True
            return s
        for e in ops.elements:
            op = slim_op(self.qname(e.value))
            if op is None:
                s.reason = s.reason or f"arg_scope lists {cst.Module([]).code_for_node(e.value)}, not a slim layer"
                continue
            s.ops.add(op)
        for a in c.args:
            if a.keyword is not None:
                s.kwargs[a.keyword.value] = a.value
        return s

    def _check_dynamic(self, s: _Scope) -> None:
        """A function of this file defined outside the block, called inside it, that calls a
        listed op - directly or through further functions of the file: slim would give that call
        the scope's keywords too (declined). A scope whose ops are unknown reaches every layer op."""
        inside = {id(n) for n in _walk(s.node)}
        seen: set[int] = set()
        todo = [(n, None) for n in _walk(s.node.body) if isinstance(n, cst.Call)]
        while todo:
            n, via = todo.pop()
            name = n.func.value if isinstance(n.func, cst.Name) else (
                n.func.attr.value if isinstance(n.func, cst.Attribute) and isinstance(n.func.value, cst.Name)
                and n.func.value.value == "self" else None)
            for fn in self._functions.get(name or "", []):
                if id(fn) in inside or id(fn) in seen:
                    continue
                seen.add(id(fn))
                first = via or name
                calls = [m for m in _walk(fn) if isinstance(m, cst.Call)]
                hits = [m for m in calls if s.reaches(slim_op(self.qname(m.func)))]
                if hits:
                    s.reason = s.reason or (f"{first}() is defined outside the block and calls a listed op "
                                            "(slim applies the scope to it while the block runs)")
                    for m in hits:
                        self.blocked[id(m)] = s.reason
                todo.extend((m, first) for m in calls)
        if s.reason:
            for c in s.calls:
                self.blocked.setdefault(id(c), s.reason)

    def defaults_for(self, call: cst.Call) -> dict[str, cst.BaseExpression]:
        """The keyword defaults the enclosing arg_scopes give this (original) call."""
        return self.kwargs.get(id(call), {})

    def normalizer_defaults(self, call: cst.Call) -> dict[str, cst.BaseExpression]:
        """The keyword defaults the enclosing arg_scopes listing batch_norm give the batch_norm
        that this (original) layer call applies as its ``normalizer_fn``."""
        return self.normalizer_kwargs.get(id(call), {})

    def mark_failed(self, call: cst.Call) -> None:
        for s in self.scope_of_call.get(id(call), []):
            self.failed.add(id(s.node))


def _walk(node: cst.CSTNode):
    from ..cstcache import walk_rl

    return walk_rl(node)  # (memoised for a module)
