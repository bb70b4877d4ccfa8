"""Keyword-argument dicts spliced into TensorFlow calls (rule TFM184's pre-step): a pure function
of the source.

::

    def tower(x, is_training):
        w_args = {'kernel_initializer': tf.initializers.variance_scaling(2),
                  'kernel_regularizer': lambda w: 1e-4 * tf.nn.l2_loss(w)}
        conv_args = {'padding': 'same', **w_args}
        net = tf.layers.conv2d(x, 32, 3, name='conv1', **conv_args)
        net = tf.layers.batch_normalization(net, **{'training': is_training}, name='bn1')
        return tf.layers.dense(tf.layers.flatten(net), 8, name='fc', **w_args)

Python semantics: ``f(a, **d)`` passes each ``key: value`` of ``d`` as the keyword ``key=value``
(a key given twice is a TypeError); a dict display evaluates its values once, in order, a later
key (of an ``**other`` entry too) replacing an earlier one. The pre-step writes each such call
with the keywords themselves (``tf.layers.conv2d(x, 32, 3, name='conv1', padding='same',
kernel_initializer=..., kernel_regularizer=...)``: what the layer rules translate) and drops the
dict statements no longer read.

Written out only where that is the same program: the dict is a display bound ONCE, as a
statement of its own, in the function (or module body) of its uses, before them; its keys are
string literals that are identifiers; every use of the name is ``**name`` in a call of
TensorFlow (its function a dotted name from a TensorFlow import) or in another such dict of the
same scope, none in a nested function; its values are names, attributes, literals, lambdas,
arithmetic of those and calls of TensorFlow initializer / regularizer constructors (evaluated
again at each call: a new initializer object per layer, which draws the same values - TF1 seeds a
variable's initial value by the op, not by the initializer object), reading no name or attribute
the scope binds after the dict (``self.x = ...`` included). A key the call already passes
declines the call's dict. Anything else leaves the file as written.
"""
from __future__ import annotations

import keyword

import libcst as cst

from ..cstcache import children, walk
from ..names import dotted
from .graph_datasets import tf_aliases

# keywords of TensorFlow calls whose value is a dict of keywords for another call (slim's
# ``normalizer_params``): a name bound to a dict display there is written as the display
_DICT_KEYWORDS = ("normalizer_params",)
_PURE_LEAVES = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.ListComp, cst.SetComp, cst.DictComp,
           cst.GeneratorExp)


def _tf_names(module: cst.Module) -> set[str]:
    """Local names bound to TensorFlow or one of its modules by an import."""
    out = set(tf_aliases(module))
    for st in module.body:
        if not isinstance(st, cst.SimpleStatementLine):
            continue
        for small in st.body:
            if isinstance(small, cst.Import):
                for a in small.names:
                    full = dotted(a.name) or ""
                    if full.startswith("tensorflow.") and a.asname is not None:
                        out.add(dotted(a.asname.name))
            elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None \
                    and (dotted(small.module) or "").split(".")[0] == "tensorflow" \
                    and not isinstance(small.names, cst.ImportStar):
                for a in small.names:
                    out.add(dotted(a.asname.name) if a.asname else dotted(a.name))
    out.discard(None)
    return out


def _tf_call(call: cst.Call, tf: set[str]) -> bool:
    d = dotted(call.func) or ""
    return "." in d and d.split(".")[0] in tf


def _initializer_call(call: cst.Call, tf: set[str]) -> bool:
    d = (dotted(call.func) or "").lower()
    return _tf_call(call, tf) and ("initializer" in d or "regularizer" in d)


def _pure(node: cst.CSTNode, tf: set[str]) -> bool:
    """A value the dict may be evaluated again for (see the module docstring)."""
    if isinstance(node, (cst.Name, cst.Lambda) + _PURE_LEAVES):
        return True
    if isinstance(node, cst.Attribute):
        return _pure(node.value, tf)
    if isinstance(node, cst.UnaryOperation):
        return _pure(node.expression, tf)
    if isinstance(node, cst.BinaryOperation):
        return _pure(node.left, tf) and _pure(node.right, tf)
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(isinstance(e, cst.Element) and _pure(e.value, tf) for e in node.elements)
    if isinstance(node, cst.Call):
        return _initializer_call(node, tf) and all(
            not a.star and _pure(a.value, tf) for a in node.args)
    return False


def _reads(node: cst.CSTNode) -> tuple[set[str], set[str]]:
    """Names and ``self.attr``-style dotted attributes the value reads outside lambdas."""
    names, attrs = set(), set()
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, cst.Lambda):
            continue
        if isinstance(n, cst.Name):
            names.add(n.value)
            continue
        if isinstance(n, cst.Attribute):
            d = dotted(n)
            if d is not None:
                attrs.add(d)
                names.add(d.split(".")[0])
                continue
        todo.extend(children(n))
    return names, attrs


class _Scope:
    """One function body (or the module body): its nodes in document order, nested scopes apart."""

    def __init__(self, node: cst.CSTNode, body: list):
        self.node = node
        self.order: dict[int, int] = {}
        self.nodes: list[cst.CSTNode] = []
        self.nested: set[int] = set()  # ids of nodes inside nested scopes
        for st in body:
            self._add(st, False)

    def _add(self, node: cst.CSTNode, nested: bool) -> None:
        self.order[id(node)] = len(self.order)
        if nested:
            self.nested.add(id(node))
        else:
            self.nodes.append(node)
        for c in children(node):
            self._add(c, nested or isinstance(node, _SCOPES))


def _bound(scope: _Scope) -> dict[str, list[int]]:
    """name (or dotted attribute) -> document positions where the scope binds it."""
    out: dict[str, list[int]] = {}

    def target(t: cst.CSTNode, at: int) -> None:
        if isinstance(t, cst.Name):
            out.setdefault(t.value, []).append(at)
        elif isinstance(t, cst.Attribute) and dotted(t) is not None:
            out.setdefault(dotted(t), []).append(at)
        elif isinstance(t, (cst.Tuple, cst.List)):
            for e in t.elements:
                target(e.value, at)
        elif isinstance(t, cst.StarredElement):
            target(t.value, at)

    for n in scope.nodes:
        at = scope.order[id(n)]
        if isinstance(n, cst.AssignTarget):
            target(n.target, at)
        elif isinstance(n, (cst.AugAssign, cst.AnnAssign)):
            target(n.target, at)
        elif isinstance(n, cst.For):
            target(n.target, at)
        elif isinstance(n, cst.AsName):
            target(n.name, at)
        elif isinstance(n, cst.NamedExpr):
            target(n.target, at)
        elif isinstance(n, (cst.Global, cst.Nonlocal, cst.Del)):
            for x in walk(n):
                if isinstance(x, cst.Name):
                    out.setdefault(x.value, []).extend([at, at])
    return out


def _dict_statement(st: cst.CSTNode) -> tuple[str, cst.Dict] | None:
    if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
            and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name) \
            and isinstance(st.body[0].value, cst.Dict):
        return st.body[0].targets[0].target.value, st.body[0].value
    return None


def _key(el: cst.DictElement) -> str | None:
    if not isinstance(el.key, cst.SimpleString):
        return None
    try:
        k = el.key.evaluated_value
    except Exception:
        return None
    return k if isinstance(k, str) and k.isidentifier() and not keyword.iskeyword(k) else None


def _plan_scope(scope: _Scope, body: list, tf: set[str]) -> tuple[dict[str, list], set[int]]:
    """{dict name: [(key, value)] resolved} for the dicts of this scope that can be written out,
    and the ids of their statements."""
    bound = _bound(scope)
    cands: dict[str, tuple[cst.CSTNode, cst.Dict]] = {}
    for st in body:
        d = _dict_statement(st)
        if d is not None:
            cands[d[0]] = (st, d[1])
    if not cands:
        return {}, set()
    # every occurrence of a candidate name: its binding, or ``**name`` in a TF call / candidate dict
    uses: dict[str, list[cst.CSTNode]] = {n: [] for n in cands}
    bad: set[str] = set()
    stmt_dicts = {id(d) for _, d in cands.values()}
    parents: dict[int, cst.CSTNode] = {}
    for n in [scope.node] + scope.nodes:
        for c in children(n):
            parents[id(c)] = n
    for n in walk(scope.node):
        if isinstance(n, cst.Name) and n.value in cands:
            if id(n) in scope.nested:
                bad.add(n.value)
                continue
            p = parents.get(id(n))
            if isinstance(p, cst.AssignTarget):
                continue
            if isinstance(p, cst.Arg) and p.star == "**" and p.value is n:
                call = parents.get(id(p))
                if isinstance(call, cst.Call) and _tf_call(call, tf):
                    uses[n.value].append(call)
                    continue
            if isinstance(p, cst.Arg) and not p.star and p.value is n and p.keyword is not None \
                    and p.keyword.value in _DICT_KEYWORDS:
                call = parents.get(id(p))
                if isinstance(call, cst.Call) and _tf_call(call, tf):
                    uses[n.value].append(call)  # ``normalizer_params=name``: the dict itself
                    continue
            if isinstance(p, cst.StarredDictElement) and p.value is n:
                owner = parents.get(id(p))
                if owner is not None and id(owner) in stmt_dicts:
                    uses[n.value].append(owner)
                    continue
            bad.add(n.value)
    for name, (st, d) in cands.items():
        at = scope.order[id(st)]
        if len(bound.get(name, ())) != 1 or not uses[name] or any(scope.order[id(u)] < at for u in uses[name]):
            bad.add(name)
            continue
        for el in d.elements:
            if isinstance(el, cst.DictElement):
                if _key(el) is None or not _pure(el.value, tf):
                    bad.add(name)
                    break
                names, attrs = _reads(el.value)
                for r in names | attrs:
                    if any(p > at for p in bound.get(r, ())) or (r in bound and r in names and len(bound[r]) > 1):
                        bad.add(name)
                        break
            elif not (isinstance(el.value, cst.Name) and el.value.value in cands):
                bad.add(name)
                break
    # a dict splicing in a declined one cannot be resolved: declined too (the declined one stays
    # bound; a dict a declined one splices in stays bound too - ``keep_bound`` below)
    changed = True
    while changed:
        changed = False
        for name, (st, d) in cands.items():
            inner = [el.value.value for el in d.elements if isinstance(el, cst.StarredDictElement)]
            if name not in bad and any(i in bad for i in inner):
                bad.add(name)
                changed = True

    resolved: dict[str, list] = {}

    def resolve(name: str) -> list:
        if name in resolved:
            return resolved[name]
        items: dict[str, cst.BaseExpression] = {}
        for el in cands[name][1].elements:
            if isinstance(el, cst.DictElement):
                items.pop(_key(el), None)
                items[_key(el)] = el.value
            else:
                for k, v in resolve(el.value.value):
                    items.pop(k, None)
                    items[k] = v
        resolved[name] = list(items.items())
        return resolved[name]

    ok = {n: resolve(n) for n in cands if n not in bad}
    # a call passing a key the dict holds too (Python raises): decline that dict
    for name in list(ok):
        for u in uses[name]:
            if isinstance(u, cst.Call) and any(a.star == "**" and isinstance(a.value, cst.Name)
                                               and a.value.value == name for a in u.args):
                given = {a.keyword.value for a in u.args if a.keyword is not None}
                spliced = [k for a in u.args if a.star == "**" and isinstance(a.value, cst.Name)
                           and a.value.value in ok and a.value.value != name for k, _ in ok[a.value.value]]
                if given & {k for k, _ in ok[name]} or set(spliced) & {k for k, _ in ok[name]}:
                    ok.pop(name)
                    break
    # a declined dict's own splices stay bound (it still reads them)
    keep_bound = {el.value.value for n, (st, d) in cands.items() if n not in ok for el in d.elements
                  if isinstance(el, cst.StarredDictElement)}
    drop = {id(cands[n][0]) for n in ok if n not in keep_bound}
    return ok, drop


def _names_dict(a: cst.Arg) -> bool:
    """``**name``, or ``normalizer_params=name`` (a keyword whose value TensorFlow reads as a dict
    of keywords: slim's layers call ``normalizer_fn(x, **normalizer_params)``)."""
    if not isinstance(a.value, cst.Name):
        return False
    return a.star == "**" or (not a.star and a.keyword is not None and a.keyword.value in _DICT_KEYWORDS)


class _Writer(cst.CSTTransformer):
    def __init__(self, calls: dict[int, dict[str, list]], drop: set[int]):
        self.calls = calls
        self.drop = drop
        self.changed = False

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        plan = self.calls.get(id(original))
        if not plan:
            return updated
        args: list[cst.Arg] = []
        for a in updated.args:
            if a.star == "**" and isinstance(a.value, cst.Name) and a.value.value in plan:
                for k, v in plan[a.value.value]:
                    args.append(cst.Arg(keyword=cst.Name(k), value=v.deep_clone(),
                                        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                              whitespace_after=cst.SimpleWhitespace(""))))
                self.changed = True
            elif not a.star and a.keyword is not None and a.keyword.value in _DICT_KEYWORDS \
                    and isinstance(a.value, cst.Name) and a.value.value in plan:
                items = plan[a.value.value]
                args.append(a.with_changes(comma=cst.MaybeSentinel.DEFAULT, value=cst.Dict([
                    cst.DictElement(cst.SimpleString(repr(k)), v.deep_clone()) for k, v in items])))
                self.changed = True
            else:
                args.append(a.with_changes(comma=cst.MaybeSentinel.DEFAULT))
        return updated.with_changes(args=args)

    def leave_SimpleStatementLine(self, original, updated):
        if id(original) in self.drop:
            self.changed = True
            return cst.RemoveFromParent()
        return updated


def inline_kwarg_dicts(module: cst.Module) -> cst.Module | None:
    """The module with the dicts written out at their calls, or None (nothing to do)."""
    # only calls that unpack a name (``f(**kw)``) are rewritten
    if not any(isinstance(n, cst.Call) and any(_names_dict(a) for a in n.args) for n in walk(module)):
        return None
    tf = _tf_names(module)
    if not tf:
        return None
    calls: dict[int, dict[str, list]] = {}
    drop: set[int] = set()
    scopes: list[tuple[cst.CSTNode, list]] = [(module, list(module.body))]
    for n in walk(module):
        if isinstance(n, cst.FunctionDef) and isinstance(n.body, cst.IndentedBlock):
            scopes.append((n, list(n.body.body)))
    for node, body in scopes:
        scope = _Scope(node, body)
        ok, d = _plan_scope(scope, body, tf)
        if not ok:
            continue
        for n in scope.nodes:
            if isinstance(n, cst.Call) and any(_names_dict(a) and a.value.value in ok for a in n.args):
                calls[id(n)] = ok
        drop |= d
    if not calls:
        return None
    w = _Writer(calls, drop)
    new = module.visit(w)
    return new if w.changed else None
