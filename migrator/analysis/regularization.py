"""Where a TF1 program reads its regularization-loss collection (``REGULARIZATION_LOSSES``,
``tf.losses.get_regularization_loss(es)``): ``ctx.analysis(RegularizationReads)``. TFM151
translates the reads; TFM132 / TFM131 keep a layer's regularizer only when the file reads them;
TFM144 builds a class's LossModel without Keras' layer losses when the class's own loss reads
them (the penalties are then in the loss tensor)."""
from __future__ import annotations

import libcst as cst

from ..cstcache import children

_READS = ("tensorflow.losses.get_regularization_losses", "tensorflow.compat.v1.losses.get_regularization_losses",
          "tensorflow.contrib.slim.losses.get_regularization_losses")
_READ_SUM = ("tensorflow.losses.get_regularization_loss", "tensorflow.compat.v1.losses.get_regularization_loss")
_GET_COLLECTION = ("tensorflow.get_collection", "tensorflow.compat.v1.get_collection",
                   "tensorflow.python.framework.ops.get_collection")


class RegularizationReads:
    """``ctx.analysis(RegularizationReads)``: the file's reads of ``REGULARIZATION_LOSSES``."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.reads: list[cst.Call] = []
        stack: list[cst.CSTNode] = [ctx.module]
        while stack:
            n = stack.pop()
            if isinstance(n, cst.Call) and self.is_read(n):
                self.reads.append(n)
            stack.extend(children(n))

    def _q(self, node) -> str | None:
        try:
            return self.ctx.legacy_name(node)
        except Exception:  # noqa: BLE001
            return None

    def is_read(self, call: cst.Call) -> bool:
        q = self._q(call.func)
        if q in _READS or q in _READ_SUM:
            return True
        if q in _GET_COLLECTION:
            keys = [a.value for a in call.args if a.keyword is None][:1] + [
                a.value for a in call.args if a.keyword is not None and a.keyword.value == "key"]
            if not keys:
                return False
            key = keys[0]
            if isinstance(key, cst.SimpleString):
                return key.evaluated_value == "regularization_losses"
            return (self._q(key) or "").endswith("GraphKeys.REGULARIZATION_LOSSES")
        return False

    @staticmethod
    def added_in(ctx, stmt) -> bool:
        """``x += <read>``: a statement that only adds the collection to a list or a loss."""
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return False
        s = stmt.body[0]
        return (isinstance(s, cst.AugAssign) and isinstance(s.operator, cst.AddAssign)
                and isinstance(s.value, cst.Call) and ctx.analysis(RegularizationReads).is_read(s.value)
                ) or RegularizationReads.loop_adding(ctx, stmt) is not None

    @staticmethod
    def loop_adding(ctx, stmt) -> cst.For | None:
        """The loop when ``stmt`` is the only statement of ``for i in range(len(R)): x += R[i]`` or
        ``for r in R: x += r`` with ``R`` a name whose binding there is a read of the collection
        (each penalty added to the loss in turn: Keras adds the layers' losses itself, so the
        loop goes with the read, as ``x += <read>`` does)."""
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return None
        s = stmt.body[0]
        if not (isinstance(s, cst.AugAssign) and isinstance(s.operator, cst.AddAssign)
                and isinstance(s.target, cst.Name)):
            return None
        block = ctx.parent(stmt)
        loop = ctx.parent(block) if isinstance(block, cst.IndentedBlock) and len(block.body) == 1 else None
        if not isinstance(loop, cst.For) or loop.orelse is not None or loop.asynchronous is not None \
                or not isinstance(loop.target, cst.Name):
            return None
        var, it, v = loop.target.value, loop.iter, s.value
        lst = None
        if isinstance(it, cst.Name) and isinstance(v, cst.Name) and v.value == var:
            lst = it  # for r in R: x += r
        elif isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value == "range" \
                and len(it.args) == 1 and isinstance(it.args[0].value, cst.Call) \
                and isinstance(it.args[0].value.func, cst.Name) and it.args[0].value.func.value == "len" \
                and len(it.args[0].value.args) == 1 and isinstance(it.args[0].value.args[0].value, cst.Name) \
                and isinstance(v, cst.Subscript) and isinstance(v.value, cst.Name) \
                and v.value.value == it.args[0].value.args[0].value.value and len(v.slice) == 1 \
                and isinstance(v.slice[0].slice, cst.Index) and isinstance(v.slice[0].slice.value, cst.Name) \
                and v.slice[0].slice.value.value == var:
            lst = v.value  # for i in range(len(R)): x += R[i]
        if lst is None or s.target.value in (var, lst.value):
            return None
        from .flow import Flow

        d = ctx.analysis(Flow).def_of(lst.value, loop)
        value = d.value if d is not None else None
        if not (isinstance(value, cst.Call) and ctx.analysis(RegularizationReads).is_read(value)):
            return None
        return loop

    @property
    def any(self) -> bool:
        return bool(self.reads)


class RegularizerParams:
    """``ctx.analysis(RegularizerParams)``: parameters of the file's functions that carry a
    regularizer into a TensorFlow layer (``def conv(x, n, regularizer=None): return
    tf.layers.conv2d(x, n, 3, kernel_regularizer=regularizer)``), directly or through another such
    function (``conv2d_relu(..., regularizer=regularizer)``), and the values their calls pass
    (``conv2d_relu(x, 3, 32, regularizer=tf.contrib.layers.l2_regularizer(wd))``).

    A function is followed when it is a module function or a method read as ``self.<name>``,
    called with plain arguments (no ``*args`` / ``**kwargs``) and never read otherwise; the
    parameter is bound nowhere else in it."""

    def __init__(self, ctx) -> None:
        from ..cstcache import walk
        from .flow import Flow

        self.ctx = ctx
        flow = ctx.analysis(Flow)
        self.flow = flow
        self.params: set[tuple[int, str]] = set()
        self._calls: dict[int, list[cst.Call]] = {}
        self._bad: set[int] = set()
        defs: dict[int, cst.FunctionDef] = {}
        calls = [n for n in walk(ctx.module) if isinstance(n, cst.Call)]
        for c in calls:
            fn = self.function_of(c)
            if fn is not None:
                defs[id(fn)] = fn
                self._calls.setdefault(id(fn), []).append(c)
                if any(a.star for a in c.args):
                    self._bad.add(id(fn))
        # a followed function read other than by a call (passed on, stored): its calls are not all known
        for n in walk(ctx.module):
            if isinstance(n, cst.Name) and n.value in flow.functions and not isinstance(ctx.parent(n), cst.FunctionDef):
                p = ctx.parent(n)
                if isinstance(p, cst.Attribute) and p.attr is n or isinstance(p, cst.Arg) and p.keyword is n:
                    continue
                if not (isinstance(p, cst.Call) and p.func is n):
                    self._bad.add(id(flow.functions[n.value]))
        for c in calls:  # seeds: ``<tf layer>(..., kernel_regularizer=<a parameter>)``
            q = ctx.legacy_name(c.func) or ""
            if not q.startswith("tensorflow."):
                continue
            for a in c.args:
                if a.keyword is not None and a.keyword.value.endswith("regularizer") and isinstance(a.value, cst.Name):
                    self._add_param_of(a.value)
        changed = True
        while changed:  # through the followed functions' calls
            changed = False
            for fid, cs in self._calls.items():
                fn = defs[fid]
                for c in cs:
                    for a in c.args:
                        p = self.param_of(c, a, fn)
                        if p is not None and (fid, p) in self.params and isinstance(a.value, cst.Name):
                            changed |= self._add_param_of(a.value)

    def function_of(self, c: cst.Call) -> cst.FunctionDef | None:
        """The module function / ``self.<method>`` of the enclosing class that ``c`` calls."""
        if isinstance(c.func, cst.Name):
            return self.flow.functions.get(c.func.value)
        if isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name) and c.func.value.value == "self":
            cls = self.ctx.parent(c)
            while cls is not None and not isinstance(cls, cst.ClassDef):
                cls = self.ctx.parent(cls)
            if cls is not None and isinstance(cls.body, cst.IndentedBlock):
                return next((s for s in cls.body.body if isinstance(s, cst.FunctionDef)
                             and s.name.value == c.func.attr.value), None)
        return None

    @staticmethod
    def param_of(c: cst.Call, a: cst.Arg, fn: cst.FunctionDef) -> str | None:
        """The parameter of ``fn`` that argument ``a`` of the call ``c`` binds."""
        if a.star:
            return None
        if a.keyword is not None:
            return a.keyword.value
        ps = list(fn.params.params)
        if ps and ps[0].name.value == "self" and isinstance(c.func, cst.Attribute):
            ps = ps[1:]
        i = [x for x in c.args if x.keyword is None].index(a)
        return ps[i].name.value if i < len(ps) else None

    def _enclosing(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        n = self.flow.scope_of(node).node
        return n if isinstance(n, cst.FunctionDef) else None

    def _add_param_of(self, name: cst.Name) -> bool:
        fn = self._enclosing(name)
        if fn is None or id(fn) in self._bad:
            return False
        scope = self.flow.scopes[id(fn)]
        ds = scope.by_name.get(name.value, ())
        if not ds or any(d.index >= 0 for d in ds) or not any(p.name.value == name.value for p in fn.params.params):
            return False
        key = (id(fn), name.value)
        if key in self.params:
            return False
        self.params.add(key)
        return True

    def carries(self, call: cst.Call, arg: cst.Arg) -> bool:
        """Does ``arg`` of ``call`` bind a parameter that carries a regularizer into a layer?"""
        fn = self.function_of(call)
        return fn is not None and id(fn) not in self._bad and (id(fn), self.param_of(call, arg, fn)) in self.params

    def values(self, name: cst.Name) -> list[cst.BaseExpression | None] | None:
        """What the parameter ``name`` (read in its function) holds at each call: the argument
        expressions (a parameter of the caller followed in turn; the default, or None, where a
        call omits it). None when a call cannot be followed."""
        out: list = []
        seen: set[tuple[int, str]] = set()

        def follow(fn: cst.FunctionDef, p: str) -> bool:
            if (id(fn), p) in seen:
                return True
            seen.add((id(fn), p))
            if id(fn) in self._bad or (id(fn), p) not in self.params:
                return False
            param = next((x for x in fn.params.params if x.name.value == p), None)
            if param is None:
                return False
            for c in self._calls.get(id(fn), []):
                a = next((x for x in c.args if self.param_of(c, x, fn) == p), None)
                v = a.value if a is not None else param.default
                if isinstance(v, cst.Name) and v.value != "None":
                    inner = self._enclosing(v)
                    if inner is not None and (id(inner), v.value) in self.params:
                        if not follow(inner, v.value):
                            return False
                        continue
                out.append(v)
            return True

        fn = self._enclosing(name)
        if fn is None or not follow(fn, name.value):
            return None
        return out
