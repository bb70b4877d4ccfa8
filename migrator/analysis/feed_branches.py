"""A feed helper that picks its feed dict by a constant argument (TFM140).

nlml/dlass3's ``train_model.py`` builds every feed dict with one nested helper::

    def get_feed(c, train=True, chunk=None, chunks=None):
        if train == 'train' or train == 't':
            xd1, xd2, yd = c.train.next_batch(BATCH_SIZE)
            return {x1: xd1, x2: xd2, y: yd, is_training: True}
        elif train == 'vali' or train == 'v':
            st, en = chunks[chunk], chunks[chunk + 1]
            return {x1: xv1[st:en], ..., is_training: False}

    sess.run(train_op, feed_dict=get_feed(data, 'train'))

At a call whose selecting arguments are constants, Python's own semantics pick one path
through the helper: ``if`` / ``elif`` tests made of ``==`` / ``!=`` / ``is`` comparisons of
literals (a parameter stands for its argument or its literal default; ``p is None`` is also
decided for an argument that is a number or a loop variable over ``range(...)``), ``and`` /
``or`` / ``not``. When that path is plain assignments followed by ``return {placeholder:
value, ...}``, the call is that path inlined at the run: the assignments (each parameter
replaced by its argument) go before the run's statement, and each placeholder is fed its
value. Everything else (a test that depends on data, a path without a return, statements
other than assignments, a TensorFlow call on the path, arguments that are not names,
literals or attributes of names, names of the path that the calling scope also uses) is no
inline feed: the run keeps its TODO.
"""
from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..emit import literal
from .flow import Flow, load_names, target_names

_UNKNOWN = object()


@dataclass(eq=False)
class InlineFeed:
    fn: cst.FunctionDef
    stmts: list[cst.SimpleStatementLine]   # the path's assignments (the helper's own nodes)
    value: cst.Dict                        # the returned dict literal (the helper's node)
    bound: dict[str, cst.BaseExpression]   # parameter -> the call's argument or its default

    def substitute(self, node: cst.CSTNode) -> cst.CSTNode:
        """``node`` (of the helper) with each read of a parameter replaced by its argument."""
        return substitute(node, self.bound)

    def hoisted(self) -> list[cst.SimpleStatementLine]:
        out = []
        for s in self.stmts:
            out.append(self.substitute(s).with_changes(leading_lines=[]))  # type: ignore[union-attr]
        return out

    def fed(self) -> dict[str, cst.BaseExpression]:
        """placeholder name -> its value at the run (parameters replaced)."""
        return {el.key.value: self.substitute(el.value)  # type: ignore[union-attr,misc]
                for el in self.value.elements}


def substitute(node: cst.CSTNode, bound: dict[str, cst.BaseExpression]) -> cst.CSTNode:
    """``node`` (of a helper) with each read of a name in ``bound`` (a parameter) replaced by a copy
    of its value (the call's argument); attribute and keyword names stay."""

    class U(cst.CSTTransformer):
        def leave_Name(self, original, updated):
            return bound[original.value].deep_clone() if original.value in bound else updated

        def leave_Attribute(self, original, updated):
            return updated.with_changes(attr=original.attr)

        def leave_Arg(self, original, updated):
            return updated.with_changes(keyword=original.keyword)

    return node.visit(U())


def _pure(e: cst.BaseExpression) -> bool:
    """An argument that may be written several times or not at all: a name, a literal, an
    attribute of a name."""
    if isinstance(e, cst.Name):
        return True
    if isinstance(e, cst.Attribute):
        return _pure(e.value)
    return isinstance(e, (cst.SimpleString, cst.Integer, cst.Float)) or (
        isinstance(e, cst.UnaryOperation) and isinstance(e.expression, (cst.Integer, cst.Float)))


def resolve(ctx, flow: Flow, fn: cst.FunctionDef, call: cst.Call, placeholders) -> InlineFeed | None:
    """The inline feed of ``call`` (a call of helper ``fn`` given as a run's feed), or None
    (TensorFlow / tflearn names on the path are not inlined: no rule would translate them there).
    ``placeholders``: the program's placeholder names (the returned dict's keys)."""
    ps = fn.params
    if fn.decorators or ps.star_arg not in (None, cst.MaybeSentinel.DEFAULT) or ps.star_kwarg is not None \
            or any(a.star for a in call.args):
        return None
    bound = flow.call_bindings(fn, call)
    if bound is None or not all(_pure(v) for v in bound.values()):
        return None
    for p in [*ps.posonly_params, *ps.params, *ps.kwonly_params]:
        if p.name.value not in bound:
            if p.default is None or not _pure(p.default):
                return None
            bound[p.name.value] = p.default
    if flow.scope_of(call) is not flow.scope_of(fn):
        return None  # the helper's closure names are read where it is defined
    for node in _walk(fn.body):
        if isinstance(node, (cst.Global, cst.Nonlocal, cst.Yield, cst.Await, cst.FunctionDef, cst.ClassDef,
                             cst.Lambda)):
            return None

    def value(e):
        if isinstance(e, cst.Name) and e.value in bound:
            e = bound[e.value]
        return literal(e, _UNKNOWN)

    def not_none(e) -> bool:
        if isinstance(e, cst.Name) and e.value in bound:
            e = bound[e.value]
        v = literal(e, _UNKNOWN)
        if v is not _UNKNOWN:
            return v is not None
        if isinstance(e, cst.Name):  # ``for i in range(n)``: an int
            d = flow.def_of(e.value, call)
            return d is not None and isinstance(d.stmt, cst.For) and isinstance(d.stmt.target, cst.Name) \
                and d.stmt.target.value == e.value and isinstance(d.stmt.iter, cst.Call) \
                and isinstance(d.stmt.iter.func, cst.Name) and (
                    d.stmt.iter.func.value == "range" and flow.binding_scope(d.stmt.iter.func) is not None
                    and "range" not in flow.scope_of(d.stmt).by_name
                    or d.stmt.iter.func.value == "xrange"
                    and ctx.qualified(d.stmt.iter.func) & {"six.moves.xrange", "past.builtins.xrange"})
        return False

    def test(e) -> bool | None:
        if isinstance(e, cst.BooleanOperation):
            left = test(e.left)
            if left is None:
                return None
            if isinstance(e.operator, cst.Or):
                return True if left else test(e.right)
            return test(e.right) if left else False
        if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Not):
            t = test(e.expression)
            return None if t is None else not t
        if isinstance(e, cst.Comparison) and len(e.comparisons) == 1:
            op, right = e.comparisons[0].operator, e.comparisons[0].comparator
            a, b = value(e.left), value(right)
            if isinstance(op, (cst.Is, cst.IsNot)):
                if a is None and b is None:
                    same = True
                elif (a is None and not_none(right)) or (b is None and not_none(e.left)):
                    same = False
                else:
                    return None
                return same if isinstance(op, cst.Is) else not same
            if a is _UNKNOWN or b is _UNKNOWN or not isinstance(op, (cst.Equal, cst.NotEqual)):
                return None
            if not all(isinstance(v, (str, int, float, bool, type(None))) for v in (a, b)):
                return None
            return (a == b) if isinstance(op, cst.Equal) else (a != b)
        v = value(e)
        if v is _UNKNOWN or not isinstance(v, (str, int, float, bool, type(None))):
            return None
        return bool(v)

    stmts: list[cst.SimpleStatementLine] = []

    def block(body) -> cst.Dict | None | bool:
        """The returned dict; False: fell through; None: not understood."""
        for i, s in enumerate(body):
            if i == 0 and s is fn.body.body[0] and isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 \
                    and isinstance(s.body[0], cst.Expr) and isinstance(s.body[0].value, cst.SimpleString):
                continue  # a docstring
            if isinstance(s, cst.If):
                branch = s
                chosen = None
                while True:
                    t = test(branch.test)
                    if t is None:
                        return None
                    if t:
                        chosen = branch.body.body
                        break
                    if isinstance(branch.orelse, cst.If):
                        branch = branch.orelse
                        continue
                    if isinstance(branch.orelse, cst.Else):
                        chosen = branch.orelse.body.body
                    break
                if chosen is not None:
                    r = block(chosen)
                    if r is None or isinstance(r, cst.Dict):
                        return r
                continue
            if not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1:
                return None
            small = s.body[0]
            if isinstance(small, cst.Return):
                return small.value if isinstance(small.value, cst.Dict) else None
            if isinstance(small, cst.Pass):
                continue
            if not (isinstance(small, cst.Assign) and all(
                    isinstance(t.target, (cst.Name, cst.Tuple, cst.List)) for t in small.targets)):
                return None
            stmts.append(s)
        return False

    if not isinstance(fn.body, cst.IndentedBlock):
        return None
    d = block(fn.body.body)
    if not isinstance(d, cst.Dict):
        return None
    keys = []
    for el in d.elements:
        if not (isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name) and el.key.value in placeholders
                and el.key.value not in bound and el.key.value not in keys):
            return None
        keys.append(el.key.value)
    # the path's own names become names of the calling scope: none may be one it has already
    assigned = {n for s in stmts for t in s.body[0].targets for n in target_names(t.target)}  # type: ignore[union-attr]
    if assigned & set(bound):
        return None
    # a local of the helper the path reads must be one the path assigns (another branch's local
    # would be unbound in TF1's run, and a name of the calling scope once inlined)
    fscope = flow.scopes.get(id(fn))
    params = {p.name.value for p in [*ps.posonly_params, *ps.params, *ps.kwonly_params]}
    fn_locals = set(fscope.by_name) - params if fscope is not None else set()
    if (load_names_of(stmts, d) & fn_locals) - assigned:
        return None
    scope = flow.scope_of(call)
    fn_nodes = {id(n) for n in _walk(fn)}
    for node in _walk(scope.node):
        if isinstance(node, cst.Name) and node.value in assigned and id(node) not in fn_nodes:
            return None
    for node in [*stmts, *(el.value for el in d.elements)]:
        for n in _walk(node):
            if isinstance(n, (cst.Call, cst.Attribute, cst.Name)) and ctx.legacy_name(n) is not None:
                return None
    return InlineFeed(fn, stmts, d, bound)


def load_names_of(stmts, d: cst.Dict) -> set[str]:
    """Names the path's assignments (their values) and the returned dict's values read."""
    out: set[str] = set()
    for s in stmts:
        out |= load_names(s.body[0].value)
    for el in d.elements:
        out |= load_names(el.value)
    return out


def _walk(node: cst.CSTNode):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children)
