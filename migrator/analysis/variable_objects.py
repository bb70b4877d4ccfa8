"""TF1 variables made apart from the ops that read them, handed around as objects (TFM154).

The VGG-npy ``get_var`` idiom: ``var = tf.Variable(value, name=var_name)`` in a helper (its
``value`` a draw that TFM190 makes eagerly), stored in a dict, its static shape asserted, RETURNED;
the callers hand it on through ``return weights, biases`` tuples to the layer helper, which reads
it in ops (``tf.nn.conv2d(bottom, filt, ...)``, ``tf.matmul(x, weights)``, ``tf.nn.bias_add(conv,
biases)``). No layer pattern takes such a variable (TFM135 needs it read by the layer op alone).

The variable becomes a layer object owning the weight (``TF1VariableObject(value)``), and every op
read of it - followed from the helper's ``return`` through ``x = f(...)`` / ``a, b = f(...)`` call
sites of the file's own functions - calls the object on a tensor of the graph (the op's other
operand, or the first tensor inside it): one object, one weight, however many reads (TF1's one
variable). Its other reads must not need a tensor: a static ``.shape`` / ``.get_shape()`` /
``.dtype`` (the object has a ``shape``), a store in a dict whose values are only ever read for
their static shape (``get_var_count``), ``return``. Anything else declines the variable (all its
reads stay as they are, with TFM100's TODO).
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk
from ..emit import literal

_SHAPE_ATTRS = ("shape", "get_shape", "dtype")
# legacy ops reading two tensors by position: (positions the variable may take, anchor position or
# None for "the other one")
_BINARY_OPS = {
    "tensorflow.matmul": (0, 1),
    "tensorflow.add": (0, 1),
    "tensorflow.subtract": (0, 1),
    "tensorflow.multiply": (0, 1),
    "tensorflow.math.add": (0, 1),
    "tensorflow.math.subtract": (0, 1),
    "tensorflow.math.multiply": (0, 1),
    "tensorflow.nn.bias_add": (1,),
}
_CONV_KEYWORDS = {"input", "filter", "filters", "strides", "padding", "use_cudnn_on_gpu", "data_format", "name"}
_ARITH = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.MatrixMultiply)


class _Decline(Exception):
    pass


class VariableObjects:
    """``ctx.analysis(VariableObjects)``: ``variables`` (ids of the ``tf.Variable`` calls that become
    ``TF1VariableObject``), ``wraps`` (id(a Name reading one in an op) -> the anchor expression, an
    original node), ``convs`` (ids of the ``tf.nn.conv2d`` calls whose filter is such a read)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.variables: frozenset[int] = frozenset()
        self.wraps: dict[int, cst.BaseExpression] = {}
        self.convs: frozenset[int] = frozenset()
        from .drawn_initial_values import DrawnInitialValues
        from .flow import Flow

        drawn = ctx.analysis(DrawnInitialValues)
        if not drawn.variables:
            return
        self._drawn = drawn
        self._flow = ctx.analysis(Flow)
        self._dicts: dict[str, bool] = {}
        variables, wraps, convs = set(), {}, set()
        for node in walk(ctx.module):
            if not (isinstance(node, cst.Call) and id(node) in drawn.variables):
                continue
            w: dict[int, cst.BaseExpression] = {}
            c: set[int] = set()
            try:
                name, stmt = self._variable_statement(node)
                first = next((a.value for a in node.args if a.keyword is None or a.keyword.value == "initial_value"), None)
                if first is None or not self._drawn_only(first, first, set()):
                    raise _Decline
                self._follow(name, stmt, w, c, set())
            except _Decline:
                continue
            variables.add(id(node))
            wraps.update(w)
            convs |= c
        # an anchor that is itself a variable object read: no tensor to place the weight by
        anchored = {id(n) for a in wraps.values() for n in walk(a) if isinstance(n, cst.Name)}
        if anchored & set(wraps):
            return
        self.variables, self.wraps, self.convs = frozenset(variables), wraps, frozenset(convs)

    # -- the tf.Variable statement ------------------------------------------------------------------
    def _variable_statement(self, c: cst.Call):
        ctx = self.ctx
        a = ctx.parent(c)
        if not (isinstance(a, cst.Assign) and a.value is c and len(a.targets) == 1
                and isinstance(a.targets[0].target, cst.Name)):
            raise _Decline
        stmt = ctx.statement_of(a)
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
            raise _Decline
        for i, arg in enumerate(c.args):
            k = arg.keyword.value if arg.keyword is not None else None
            if arg.star or (k is None and i > 0) or k not in (None, "initial_value", "name", "trainable", "dtype"):
                raise _Decline
            if k == "trainable" and literal(arg.value, None) is not True:
                raise _Decline  # trainable=False: a constant of TF1's graph, not a Keras weight
            if k == "dtype" and ctx.legacy_name(arg.value) != "tensorflow.float32":
                raise _Decline
        return a.targets[0].target.value, stmt

    def _uses(self, fname: str) -> list[cst.Name]:
        """Every Name spelling the function ``fname`` in the module but its ``def`` (attribute names
        and keywords included: a caller checks each is a plain call)."""
        ctx = self.ctx
        return [x for x in walk(ctx.module) if isinstance(x, cst.Name) and x.value == fname
                and not (isinstance(ctx.parent(x), cst.FunctionDef) and ctx.parent(x).name is x)]

    def _drawn_only(self, e: cst.BaseExpression, at: cst.CSTNode, seen: set) -> bool:
        """Every value that may reach ``e`` (read at ``at``) is a draw TFM190 makes once: followed
        through names' bindings and the parameters of the file's own functions to their call sites."""
        if isinstance(e, cst.Call):
            return id(e) in self._drawn.calls
        if not isinstance(e, cst.Name) or (id(at), e.value) in seen or len(seen) > 50:
            return False
        seen.add((id(at), e.value))
        flow, ctx = self._flow, self.ctx
        scope = flow.scope_of(at)
        defs = scope.by_name.get(e.value, ())
        if not defs:
            return False
        for d in defs:
            if d.index >= 0:
                if not (isinstance(d.stmt, cst.SimpleStatementLine) and len(d.stmt.body) == 1
                        and isinstance(d.stmt.body[0], cst.Assign) and d.value is d.stmt.body[0].value
                        and self._drawn_only(d.value, d.value, seen)):
                    return False
                continue
            fn = scope.node
            if not isinstance(fn, cst.FunctionDef) or flow.functions.get(fn.name.value) is not fn:
                return False
            sites = self._uses(fn.name.value)
            if not sites:
                return False
            for x in sites:
                c = ctx.parent(x)
                if not (isinstance(c, cst.Call) and c.func is x):
                    return False
                bound = flow.call_bindings(fn, c)
                if bound is None or e.value not in bound or not self._drawn_only(bound[e.value], c, seen):
                    return False
        return True

    # -- following the object -------------------------------------------------------------------------
    def _follow(self, name: str, stmt, wraps: dict, convs: set, seen: set) -> None:
        """Every read of ``name``'s binding at ``stmt`` is understood (else _Decline)."""
        if (id(stmt), name) in seen:
            raise _Decline
        seen.add((id(stmt), name))
        reads = self._flow.binding_reads(name, stmt) + self._global_reads(name, stmt)
        ctx = self.ctx
        for n in reads:
            if n is None:
                raise _Decline
            p = ctx.parent(n)
            if isinstance(p, cst.Attribute) and p.value is n and p.attr.value in _SHAPE_ATTRS:
                continue
            if isinstance(p, cst.Assign) and p.value is n:
                if len(p.targets) == 1 and isinstance(p.targets[0].target, cst.Subscript) \
                        and isinstance(p.targets[0].target.value, cst.Name) \
                        and self._dict_ok(p.targets[0].target.value.value):
                    continue
                raise _Decline
            if isinstance(p, cst.Return) and p.value is n:
                self._returned(n, None, wraps, convs, seen)
                continue
            if isinstance(p, cst.Element) and isinstance(ctx.parent(p), cst.Tuple) \
                    and isinstance(ctx.parent(ctx.parent(p)), cst.Return):
                tup = ctx.parent(p)
                self._returned(n, (list(tup.elements).index(p), len(tup.elements)), wraps, convs, seen)
                continue
            if isinstance(p, cst.BinaryOperation) and isinstance(p.operator, _ARITH):
                wraps[id(n)] = self._anchor(p.right if p.left is n else p.left)
                continue
            if isinstance(p, cst.Arg) and not p.star:
                call = ctx.parent(p)
                q = ctx.legacy_name(call.func) if isinstance(call, cst.Call) else None
                if q == "tensorflow.nn.conv2d":
                    wraps[id(n)] = self._conv(call, p)
                    convs.add(id(call))
                    continue
                if q in _BINARY_OPS and p.keyword is None:
                    pos = list(call.args).index(p)
                    if pos in _BINARY_OPS[q] and len(call.args) >= 2 \
                            and all(a.keyword is None and not a.star for a in call.args[:2]):
                        wraps[id(n)] = self._anchor(call.args[1 - pos].value)
                        continue
            raise _Decline

    def _global_reads(self, name: str, stmt) -> list:
        """A module-level binding (the module binds the name once) read by functions that do not
        bind it (``tower(x)`` reading ``w`` made at module level, called once per tower: each
        read calls the one object, TF1's sharing)."""
        flow = self._flow
        module = flow.scopes[id(self.ctx.module)]
        if isinstance(stmt, cst.FunctionDef) or flow.scope_of(stmt) is not module:
            return []
        if len(module.by_name.get(name, ())) != 1:
            return [None]
        out: list = []
        for s in flow.scopes.values():
            if s is module or not any(isinstance(n, cst.Name) and n.value == name for n in walk(s.node.body)):
                continue
            if s.by_name.get(name) or any(isinstance(n, (cst.Global, cst.Nonlocal)) for n in walk(s.node.body)):
                return [None]
            for n in walk(s.node.body):
                if isinstance(n, cst.Name) and n.value == name and flow.scope_of(n) is s:
                    p = self.ctx.parent(n)
                    if (isinstance(p, cst.Attribute) and p.attr is n) or (isinstance(p, cst.Arg) and p.keyword is n):
                        continue
                    out.append(n)
        return out

    def _returned(self, n: cst.Name, index, wraps, convs, seen) -> None:
        """``return var`` / ``return a, b``: the bindings of every call of the function."""
        ctx, flow = self.ctx, self._flow
        fn = flow.scope_of(n).node
        if not isinstance(fn, cst.FunctionDef) or flow.functions.get(fn.name.value) is not fn or fn.decorators:
            raise _Decline
        returns = [r for r in walk(fn.body) if isinstance(r, (cst.Return, cst.Yield, cst.Lambda, cst.FunctionDef))]
        if len(returns) != 1:
            raise _Decline  # another return (or a nested def): what a call binds is not only this
        fname = fn.name.value
        sites = self._uses(fname)
        if not sites:
            raise _Decline
        for x in sites:
            c = ctx.parent(x)
            if not (isinstance(c, cst.Call) and c.func is x) or flow.scope_of(c).by_name.get(fname) \
                    and flow.scope_of(c).node is not ctx.module:
                raise _Decline
            a = ctx.parent(c)
            if not (isinstance(a, cst.Assign) and a.value is c and len(a.targets) == 1):
                raise _Decline
            st = ctx.statement_of(a)
            if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1):
                raise _Decline
            t = a.targets[0].target
            if index is None:
                if not isinstance(t, cst.Name):
                    raise _Decline
                self._follow(t.value, st, wraps, convs, seen)
                continue
            i, size = index
            if not (isinstance(t, (cst.Tuple, cst.List)) and len(t.elements) == size
                    and all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in t.elements)):
                raise _Decline
            self._follow(t.elements[i].value.value, st, wraps, convs, seen)

    def _anchor(self, e: cst.BaseExpression) -> cst.BaseExpression:
        """A tensor of the graph inside the op's other operand: a name (or an attribute of one), or
        the first tensor operand of a call / arithmetic / subscript it is made of."""
        ctx = self.ctx
        while True:
            if isinstance(e, cst.Name) or (isinstance(e, cst.Attribute) and isinstance(e.value, cst.Name)):
                if ctx.legacy_name(e) is not None or e.value in ("None", "True", "False"):
                    raise _Decline
                return e
            if isinstance(e, cst.Call) and e.args and not e.args[0].star:
                e = e.args[0].value
            elif isinstance(e, cst.BinaryOperation):
                e = e.left
            elif isinstance(e, cst.Subscript):
                e = e.value
            else:
                raise _Decline

    def _conv(self, call: cst.Call, p: cst.Arg) -> cst.BaseExpression:
        """``tf.nn.conv2d(x, var, strides, padding)`` (NHWC, no dilations): the filter is ``var``,
        the anchor ``x``; the padding a 'SAME' / 'VALID' literal."""
        args = list(call.args)
        pos = [a for a in args if a.keyword is None]
        if any(a.star for a in args) or len(pos) > 4 or any(
                a.keyword is not None and a.keyword.value not in _CONV_KEYWORDS for a in args):
            raise _Decline
        named = {a.keyword.value: a for a in args if a.keyword is not None}
        slots = dict(zip(("input", "filter", "strides", "padding"), pos))
        for k in ("input", "strides", "padding"):
            if k in named:
                if k in slots:
                    raise _Decline
                slots[k] = named[k]
        flt = named.get("filter") or named.get("filters") or slots.get("filter")
        if flt is not p or not all(k in slots for k in ("input", "strides", "padding")):
            raise _Decline
        if literal(slots["padding"].value, None) not in ("SAME", "VALID"):
            raise _Decline
        if "data_format" in named and literal(named["data_format"].value, None) != "NHWC":
            raise _Decline
        return self._anchor(slots["input"].value)

    def conv_parts(self, call: cst.Call) -> tuple:
        """(input, filter, strides, padding) argument values of a conv2d call taken here."""
        pos = [a for a in call.args if a.keyword is None]
        slots = dict(zip(("input", "filter", "strides", "padding"), (a.value for a in pos)))
        for a in call.args:
            if a.keyword is not None:
                k = "filter" if a.keyword.value == "filters" else a.keyword.value
                slots[k] = a.value
        return slots["input"], slots["filter"], slots["strides"], slots["padding"]

    def _dict_ok(self, name: str) -> bool:
        """Every read of the module's ``name`` is a store into it, ``len`` / ``in``, or a loop over its
        ``.values()`` (or ``list(...)`` of them) reading each value's static shape only."""
        if name in self._dicts:
            return self._dicts[name]
        ctx = self.ctx
        ok = True
        for n in walk(ctx.module):
            if not (isinstance(n, cst.Name) and n.value == name):
                continue
            p = ctx.parent(n)
            if isinstance(p, cst.AssignTarget) and p.target is n:
                continue
            if self._dead(n):
                continue  # in a module function nothing calls (a save_npy): its reads never run
            if isinstance(p, cst.Subscript) and p.value is n and isinstance(ctx.parent(p), cst.AssignTarget):
                continue
            if isinstance(p, cst.Arg) and isinstance(ctx.parent(p), cst.Call) \
                    and isinstance(ctx.parent(p).func, cst.Name) and ctx.parent(p).func.value == "len":
                continue
            if isinstance(p, cst.ComparisonTarget):
                continue
            if isinstance(p, cst.Attribute) and p.value is n and p.attr.value == "values" \
                    and isinstance(ctx.parent(p), cst.Call) and self._shape_loop(ctx.parent(p)):
                continue
            ok = False
            break
        self._dicts[name] = ok
        return ok

    def _dead(self, n: cst.CSTNode) -> bool:
        """``n`` is inside a module-level function whose name nothing in the module (nor another
        module of the run) reads."""
        ctx = self.ctx
        fn = ctx.parent(n)
        while fn is not None and not (isinstance(fn, cst.FunctionDef) and ctx.parent(fn) is ctx.module):
            fn = ctx.parent(fn)
        if fn is None or fn.decorators or self._flow.functions.get(fn.name.value) is not fn:
            return False
        name = fn.name.value
        if name.startswith("__") or self.ctx.switches.exported_names:
            return False  # another module of the run imports from this one: it may call it
        return not any(isinstance(x, cst.Name) and x.value == name and x is not fn.name for x in walk(ctx.module))

    def _shape_loop(self, values: cst.Call) -> bool:
        ctx = self.ctx
        it = values
        p = ctx.parent(it)
        if isinstance(p, cst.Arg) and isinstance(ctx.parent(p), cst.Call) \
                and isinstance(ctx.parent(p).func, cst.Name) and ctx.parent(p).func.value == "list":
            it = ctx.parent(p)
            p = ctx.parent(it)
        if not (isinstance(p, cst.For) and p.iter is it and isinstance(p.target, cst.Name)):
            return False
        v = p.target.value
        for n in walk(p.body):
            if isinstance(n, cst.Name) and n.value == v:
                a = ctx.parent(n)
                if isinstance(a, cst.AssignTarget) or not (isinstance(a, cst.Attribute) and a.value is n
                                                           and a.attr.value in _SHAPE_ATTRS):
                    return False
        return True
