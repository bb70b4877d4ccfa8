"""A weight decay over ``tf.trainable_variables()`` filtered by the variables' TF1 names, in a
TF1 placeholder / Session program (TFM140):

    l2 = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables() if 'w' in v.name])
    total = loss + 1e-4 * l2

TF1 listed the variables created so far, each named ``<variable_scope path>/<name>:0``. The
filter is evaluated HERE, on the TF1 names the program's get_variable calls produce (TFM135
turns them into Keras layer weights): the scope path of each call is followed through the
``with tf.variable_scope(<literal or parameter>)`` blocks around it and the call sites of the
functions holding it (a parameter resolved to the literal each call site passes). The
translation is possible when the filter's answer depends only on what the weight becomes - a
(Keras layer class, weight) pair such as ("Dense", "kernel") - for every name a call can get;
the weight decay then reads those weights of the trained model at each step
(``tf1_selected_weights(model, {("Dense", "kernel"): True, ("Dense", "bias"): False})``), which is what TF1's loss read.
Anything else (a scope name the analysis cannot resolve, a filter reading more than the
name through ``in`` / ``startswith`` / ``endswith``, a weight created after the statement)
stays TF1 with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import libcst as cst

from ..emit import literal
from .handmade_layers import NameSuffix

TRAINABLE = ("tensorflow.trainable_variables", "tensorflow.compat.v1.trainable_variables")
# tf.layers functions whose trainable variables are exactly their Keras layer's trainable weights
_TF_LAYERS = tuple(f"tensorflow.layers.{n}" for n in ("dense", "conv1d", "conv2d", "conv3d", "conv2d_transpose",
                                                       "batch_normalization"))


class Untraced(Exception):
    """The TF1 names cannot be computed (the reason)."""


@dataclass(eq=False)
class WeightDecay:
    name: str                         # the assigned name (``l2``)
    statement: cst.SimpleStatementLine
    comp_for: cst.CompFor             # ``for v in tf.trainable_variables() if ...``
    # (layer class, weight) -> kept; None: every trainable weight (an unfiltered decay over tf.layers weights)
    table: dict[tuple[str, str], bool] | None = field(default_factory=dict)
    why: str | None = None            # not translated: the reason


def _scope_arg(ctx, item: cst.WithItem) -> cst.BaseExpression | None | bool:
    """The name argument of ``tf.variable_scope(...)`` (False: not a variable scope)."""
    c = item.item
    if not isinstance(c, cst.Call) or ctx.legacy_name(c) not in ("tensorflow.variable_scope",
                                                                  "tensorflow.compat.v1.variable_scope"):
        return False
    for i, a in enumerate(c.args):
        if (a.keyword is None and i == 0) or (a.keyword is not None and a.keyword.value == "name_or_scope"):
            return a.value
    return None


class NameTracer:
    """The TF1 variable-scope paths under which a node of the file runs."""

    def __init__(self, ctx, top: cst.CSTNode) -> None:
        from .flow import Flow

        self.ctx = ctx
        self.flow = ctx.analysis(Flow)
        self.top = top  # the program's scope: the module, or the function holding the program

    def _calls_of(self, fn: cst.FunctionDef) -> list[cst.Call]:
        out = []
        stack: list[cst.CSTNode] = [self.ctx.module]
        from ..cstcache import children

        while stack:
            n = stack.pop()
            if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == fn.name.value:
                out.append(n)
            stack.extend(children(n))
        return out

    def paths(self, node: cst.CSTNode, depth: int = 0) -> list[tuple[str, ...]]:
        """Each scope path (tuple of names) ``node`` may run under, paired with nothing else:
        raises Untraced when one cannot be computed."""
        if depth > 8:
            raise Untraced("variable scopes nested through too many calls")
        local: list[cst.BaseExpression] = []
        n = self.ctx.parent(node)
        fn = None
        while n is not None:
            if isinstance(n, cst.With):
                for item in reversed(n.items):
                    arg = _scope_arg(self.ctx, item)
                    if arg is False:
                        continue
                    if arg is None:
                        raise Untraced("a variable_scope without a name")
                    local.append(arg)
            if isinstance(n, cst.FunctionDef):
                fn = n
                break
            if isinstance(n, (cst.ClassDef, cst.Lambda)):
                raise Untraced("a variable created in a class or lambda")
            n = self.ctx.parent(n)
        local.reverse()
        if fn is None or fn is self.top:
            return [tuple(self._literal(a, None) for a in local)]
        if self.flow.functions.get(fn.name.value) is not fn:
            raise Untraced(f"{fn.name.value}() is not a module function")
        sites = self._calls_of(fn)
        if not sites:
            raise Untraced(f"{fn.name.value}() is never called")
        out: list[tuple[str, ...]] = []
        for site in sites:
            bound = self.flow.call_bindings(fn, site)
            if bound is None:
                raise Untraced(f"a call of {fn.name.value}() not bound one argument per parameter")
            mine = tuple(self._literal(a, (fn, bound)) for a in local)
            for outer in self.paths(site, depth + 1):
                out.append(outer + mine)
        return out

    def _literal(self, e: cst.BaseExpression, binding) -> str:
        v = literal(e, None)
        if isinstance(v, str):
            return v
        if binding is not None and isinstance(e, cst.Name):
            fn, bound = binding
            if e.value in bound:
                v = literal(bound[e.value], None)
            else:
                p = next((p for p in [*fn.params.params, *fn.params.kwonly_params] if p.name.value == e.value), None)
                v = literal(p.default, None) if p is not None and p.default is not None else None
            if isinstance(v, str):
                return v
        raise Untraced(f"the variable scope {cst.Module([]).code_for_node(e)!r} is not a string the call sites pass")


def _name_test(t: cst.BaseExpression, v: str):
    """``t`` (a filter on ``v.name`` / ``v.op.name``) as a Python function of the TF1 name."""
    if isinstance(t, cst.BooleanOperation):
        left, right = _name_test(t.left, v), _name_test(t.right, v)
        if isinstance(t.operator, cst.And):
            return lambda n: left(n) and right(n)
        return lambda n: left(n) or right(n)
    if isinstance(t, cst.UnaryOperation) and isinstance(t.operator, cst.Not):
        inner = _name_test(t.expression, v)
        return lambda n: not inner(n)

    def name_of(e) -> str | None:  # "name" (``v.name``: with ":0") or "op" (``v.op.name``)
        if isinstance(e, cst.Attribute) and e.attr.value == "name":
            if isinstance(e.value, cst.Name) and e.value.value == v:
                return "name"
            if isinstance(e.value, cst.Attribute) and e.value.attr.value == "op" \
                    and isinstance(e.value.value, cst.Name) and e.value.value.value == v:
                return "op"
        return None

    def pick(kind, n):
        return n if kind == "name" else n[:-2]

    if isinstance(t, cst.Comparison) and len(t.comparisons) == 1:
        comp = t.comparisons[0]
        s = literal(t.left, None)
        kind = name_of(comp.comparator)
        if isinstance(s, str) and kind is not None:
            if isinstance(comp.operator, cst.In):
                return lambda n: s in pick(kind, n)
            if isinstance(comp.operator, cst.NotIn):
                return lambda n: s not in pick(kind, n)
    if isinstance(t, cst.Call) and isinstance(t.func, cst.Attribute) \
            and t.func.attr.value in ("endswith", "startswith") and len(t.args) == 1:
        kind = name_of(t.func.value)
        s = literal(t.args[0].value, None)
        if kind is not None and (isinstance(s, str) or (isinstance(s, tuple) and all(isinstance(x, str) for x in s))):
            if t.func.attr.value == "endswith":
                return lambda n: pick(kind, n).endswith(s)
            return lambda n: pick(kind, n).startswith(s)
    raise Untraced("the filter reads more than `'...' in v.name` / v.name.endswith / startswith")


def _suffix_answer(ifs, v: str, suffix: str) -> bool:
    """The filter's answer on every name ending in ``suffix`` (``<scopes>/<prefix><suffix>:0``):
    only ``v.name.endswith(s)`` / ``v.op.name.endswith(s)`` tests (and / or / not) whose strings
    fit in the known end decide it."""
    def check(t) -> None:
        if isinstance(t, cst.BooleanOperation):
            check(t.left)
            check(t.right)
            return
        if isinstance(t, cst.UnaryOperation) and isinstance(t.operator, cst.Not):
            check(t.expression)
            return
        if isinstance(t, cst.Call) and isinstance(t.func, cst.Attribute) and t.func.attr.value == "endswith" \
                and len(t.args) == 1:
            s = literal(t.args[0].value, None)
            known = len(suffix) + (2 if isinstance(t.func.value, cst.Attribute) and isinstance(t.func.value.value, cst.Name)
                                   else 0)  # v.name ends with ':0'; v.op.name does not
            strings = s if isinstance(s, tuple) else (s,)
            if all(isinstance(x, str) and len(x) <= known for x in strings):
                return
        raise Untraced("a variable name known only by its end, filtered by more than endswith of that end")

    for c in ifs:
        check(c.test)
    tests = [_name_test(c.test, v) for c in ifs]
    full = "\x00" + suffix + ":0"
    return all(t(full) for t in tests)


def weight_decay(ctx, prog, stmt: cst.SimpleStatementLine) -> WeightDecay | None:
    """The WeightDecay of ``stmt`` (``name = ...[... for v in tf.trainable_variables() if ...]``
    at the program's scope), None when the statement is no such thing."""
    from ..analysis.handmade_layers import HandmadeLayersAnalysis

    if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign) or len(stmt.body[0].targets) != 1 \
            or not isinstance(stmt.body[0].targets[0].target, cst.Name):
        return None
    fors = []
    stack: list[cst.CSTNode] = [stmt.body[0].value]
    calls = []
    from ..cstcache import children

    while stack:
        n = stack.pop()
        if isinstance(n, cst.Call) and ctx.legacy_name(n) in TRAINABLE:
            calls.append(n)
        if isinstance(n, cst.CompFor):
            fors.append(n)
        stack.extend(children(n))
    if not calls or not any(f.iter is c for f in fors for c in calls):
        return None  # not a comprehension over the collection (a var_list=, tvars = ...: not ours)
    for f in fors:
        comp = ctx.parent(f)
        if any(f.iter is c for c in calls) and isinstance(comp, (cst.ListComp, cst.GeneratorExp)) \
                and isinstance(comp.elt, cst.Name) and isinstance(f.target, cst.Name) and comp.elt.value == f.target.value:
            return None  # ``[v for v in tf.trainable_variables() if ...]``: a variable list, no decay
    wd = WeightDecay(stmt.body[0].targets[0].target.value, stmt, None)
    try:
        comp_for = next((f for f in fors if f.iter is calls[0]), None)
        if len(calls) != 1 or comp_for is None or calls[0].args or comp_for.inner_for_in is not None \
                or not isinstance(comp_for.target, cst.Name):
            raise Untraced("tf.trainable_variables() not read as `for v in tf.trainable_variables() if <its name>`")
        wd.comp_for = comp_for
        v = comp_for.target.value
        tests = [_name_test(c.test, v) for c in comp_for.ifs]
        weights = ctx.analysis(HandmadeLayersAnalysis).tf1_weight_names()
        # an UNFILTERED decay (``for v in tf.trainable_variables()`` with no ``if``) needs no TF1
        # names: tf.layers calls' variables (each a Keras layer's trainable weights, kernel / bias /
        # gamma / beta, once however often the layer is reused) are in it too - the model's
        # trainable weights, all of them (``tf1_selected_weights(model, None)``)
        layers = {} if comp_for.ifs else {id(c): c for c in _calls(ctx.module) if ctx.legacy_name(c) in _TF_LAYERS}
        if not weights and not layers:
            raise Untraced("no variable of the file becomes a layer weight")
        tracer = NameTracer(ctx, prog.scope.node)
        answer: dict[tuple[str, str], bool] = {}
        by_id = {id(n): n for n in _calls(ctx.module)}
        for cid, (leaf, cls, role) in weights.items():
            call = by_id[cid]
            if isinstance(leaf, NameSuffix) and not _tf_variable(ctx, call):
                # only the name's end is known: an endswith filter no longer than it decides
                keep = _suffix_answer(comp_for.ifs, v, leaf.suffix)
                if answer.setdefault((cls, role), keep) != keep:
                    raise Untraced(f"the filter keeps some {cls} {role} weights and not others ({leaf!r})")
                continue
            if not isinstance(leaf, str):
                raise Untraced(f"a {cls} {role} whose TF1 variable name is not a literal")
            if ctx.position(call) > ctx.position(stmt) and tracer.flow.scope_of(call) is prog.scope:
                raise Untraced(f"the variable {leaf!r} is created after the statement")
            for path in tracer.paths(call):
                full = "/".join([*path, leaf]) + ":0"
                keep = all(t(full) for t in tests)
                if answer.setdefault((cls, role), keep) != keep:
                    raise Untraced(f"the filter keeps some {cls} {role} weights and not others ({full!r})")
                if _tf_variable(ctx, call) and any(all(t(u) for t in tests) != keep for u in _uniquified(path, leaf)):
                    raise Untraced(f"the filter's answer on {full!r} depends on the suffix TF1 makes a "
                                   "tf.Variable's name unique with ('_1')")
        _check_created_before(ctx, tracer, {**weights, **dict.fromkeys(layers)}, by_id, stmt, prog)
        _check_no_other_variables(ctx, weights, set(layers))
        wd.table = None if layers else answer
    except Untraced as ex:
        wd.why = str(ex)
    return wd


def _check_no_other_variables(ctx, weights, layers=frozenset()) -> None:
    """Every trainable variable of the file is one of ``weights`` (a tf.layers call, a contrib
    layer, a get_variable TFM135 does not turn into a weight would be in TF1's collection under
    a name this analysis does not compute)."""
    from .tf1_program import _PARAM_PREFIXES, _VARIABLE_CALLS

    for c in _calls(ctx.module):
        if id(c) in weights or id(c) in layers:
            continue
        q = ctx.legacy_name(c) or ""
        if q in _VARIABLE_CALLS:
            t = next((a.value for a in c.args if a.keyword is not None and a.keyword.value == "trainable"), None)
            if t is not None and literal(t, None) is False:
                continue  # a step counter
            if _helper_of_weights(ctx, c, weights):
                continue  # weight_variable(shape)'s tf.Variable: each call of the helper is a weight
            raise Untraced(f"a {q.rsplit('.', 1)[-1]} call that does not become a layer weight")
        leafname = q.rsplit(".", 1)[-1]
        if q.startswith(_PARAM_PREFIXES) and not leafname.endswith(("initializer", "regularizer")) \
                and leafname not in ("flatten", "max_pooling2d", "average_pooling2d", "max_pooling1d",
                                     "average_pooling1d", "dropout", "max_pool2d", "avg_pool2d", "Flatten",
                                     "MaxPooling2D", "AveragePooling2D", "Dropout", "l2_regularizer"):
            raise Untraced(f"{q} creates variables whose TF1 names are not computed")


def _tf_variable(ctx, call: cst.Call) -> bool:
    """The weight's variable is a ``tf.Variable`` (itself or a helper's): TF1 names it in the
    NAME scope and makes it unique (``net_1/W_conv1``, ``W_1``), unlike get_variable."""
    from .handmade_layers import HandmadeLayersAnalysis

    q = ctx.legacy_name(call)
    if q is not None:
        return q in ("tensorflow.Variable", "tensorflow.compat.v1.Variable")
    return isinstance(call.func, cst.Name) and ctx.analysis(HandmadeLayersAnalysis)._helper_variable(call) is None


def _uniquified(path: tuple, leaf: str):
    """The names TF1 may give a tf.Variable created under ``path`` as ``leaf``: any component
    (a re-entered scope, a repeated name) with a ``_1`` suffix."""
    from itertools import product

    parts = [*path, leaf]
    for suffixes in product(("", "_1"), repeat=min(len(parts), 6)):
        yield "/".join(p + s for p, s in zip(parts, (*suffixes, *[""] * len(parts)))) + ":0"


def _helper_of_weights(ctx, c: cst.Call, weights) -> bool:
    """``c`` is the variable call of a module function (the tutorials' ``weight_variable``)
    every call of which is one of ``weights``: its variables are those weights."""
    from .flow import Flow

    fn = ctx.parent(c)
    while fn is not None and not isinstance(fn, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        fn = ctx.parent(fn)
    if not isinstance(fn, cst.FunctionDef) or ctx.analysis(Flow).functions.get(fn.name.value) is not fn:
        return False
    sites = NameTracer(ctx, ctx.module)._calls_of(fn)
    return bool(sites) and all(id(s) in weights for s in sites)


def _calls(node):
    from ..cstcache import children

    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Call):
            yield n
        stack.extend(children(n))


def _check_created_before(ctx, tracer, weights, by_id, stmt, prog) -> None:
    """Every weight is created (its get_variable, or the program-scope call leading to it) before
    the statement: TF1's collection held only those."""
    top_stmt = stmt
    for cid in weights:
        n = by_id[cid]
        frontier = [n]
        seen = 0
        while frontier:
            seen += 1
            if seen > 200:
                raise Untraced("calls nested too deep to order")
            c = frontier.pop()
            if tracer.flow.scope_of(c) is prog.scope:
                if ctx.position(c) > ctx.position(top_stmt):
                    raise Untraced("a variable is created after the statement")
                continue
            fn = ctx.parent(c)
            while fn is not None and not isinstance(fn, cst.FunctionDef):
                fn = ctx.parent(fn)
            if fn is None:
                continue
            frontier.extend(tracer._calls_of(fn))
