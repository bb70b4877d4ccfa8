"""TFM230's pre-step: a train op a model class's method keeps in a local name, written as an
attribute of the object.

    def train(self, sess, X, Y):
        optimizer = tf.train.AdamOptimizer(self.lr).minimize(self.loss)   # -> self.optimizer = ...
        sess.run(tf.global_variables_initializer())
        for i in range(steps):
            _, l = sess.run([optimizer, self.loss], feed_dict={...})      # -> [self.optimizer, ...]

TF1 semantics: the op is a node of the graph either way; a Python name or an attribute only
holds it. The class analysis (TFM144) follows train ops held by the object (``self.train_op =
opt.minimize(...)``, built in ``__init__`` or in the method that runs it); a local one kept the
whole class TF1. Written as the attribute only when nothing can tell the two apart: the local is
bound once in its method, by ``<optimizer>.minimize(...)`` / ``.apply_gradients(...)``, read only
after that statement and only among the fetches of ``<session>.run(...)`` calls of the same
method (not returned, not passed on, not read by a nested function), and the class has no
attribute or method of that name. A pure function of the module; no TensorFlow import.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes
from .graph_datasets import tf_aliases
from .placeholder_aliases import _bindings

_STEPS = ("minimize", "apply_gradients")


class _Method(cst.CSTTransformer):
    def __init__(self, names: set[str], reads: set[int], targets: set[int], me: str) -> None:
        self.names, self.reads, self.targets, self.me = names, reads, targets, me

    def leave_Name(self, original, updated):
        if id(original) in self.reads or id(original) in self.targets:
            return cst.Attribute(cst.Name(self.me), cst.Name(original.value))
        return updated


def _class_names(cls: cst.ClassDef) -> set[str]:
    """Every ``self.<attr>`` attribute name read or set in the class (``self`` the first parameter
    of a method), and the names it binds in its body (methods, class attributes)."""
    out: set[str] = set()
    mes = {st.params.params[0].name.value for st in _nodes(cls)
           if isinstance(st, cst.FunctionDef) and st.params.params}
    for n in _nodes(cls):
        if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value in mes:
            out.add(n.attr.value)
    if isinstance(cls.body, cst.IndentedBlock):
        for st in cls.body.body:
            if isinstance(st, (cst.FunctionDef, cst.ClassDef)):
                out.add(st.name.value)
            elif isinstance(st, cst.SimpleStatementLine):
                for s in st.body:
                    if isinstance(s, (cst.Assign, cst.AnnAssign)):
                        targets = [t.target for t in s.targets] if isinstance(s, cst.Assign) else [s.target]
                        out.update(x.value for t in targets for x in _nodes(t) if isinstance(x, cst.Name))
    return out


def _in_fetches(node: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> bool:
    """Is ``node`` inside the first positional argument (the fetches) of a ``<x>.run(...)`` call?"""
    p = parents.get(id(node))
    while p is not None and not isinstance(p, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
        if isinstance(p, cst.Arg) and p.keyword is None:
            call = parents.get(id(p))
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "run" \
                    and call.args and call.args[0] is p:
                return True
        if isinstance(p, (cst.Lambda, cst.Arg)):
            return False
        p = parents.get(id(p))
    return False


def _plan_method(fn: cst.FunctionDef, taken: set[str]):
    ps = fn.params.params
    if not ps or not isinstance(fn.body, cst.IndentedBlock):
        return None
    me = ps[0].name.value
    order = {id(n): i for i, n in enumerate(_nodes(fn))}
    parents: dict[int, cst.CSTNode] = {}
    for n in _nodes(fn):
        for c in n.children:
            parents[id(c)] = n
    nested = {id(x) for n in _nodes(fn) if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef)) and n is not fn
              for x in _nodes(n)}
    names: set[str] = set()
    reads: set[int] = set()
    targets: set[int] = set()
    for st in _nodes(fn.body):
        if id(st) in nested or not isinstance(st, cst.SimpleStatementLine) or len(st.body) != 1:
            continue
        a = st.body[0]
        if not (isinstance(a, cst.Assign) and len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)
                and isinstance(a.value, cst.Call) and isinstance(a.value.func, cst.Attribute)
                and a.value.func.attr.value in _STEPS):
            continue
        target = a.targets[0].target
        name = target.value
        if name == me or name in taken or name in names or _bindings(fn, name) != 1:
            continue
        found = [n for n in _nodes(fn) if isinstance(n, cst.Name) and n.value == name and n is not target]
        found = [n for n in found if not (isinstance(parents.get(id(n)), cst.Attribute)
                                          and parents[id(n)].attr is n)
                 and not (isinstance(parents.get(id(n)), cst.Arg) and parents[id(n)].keyword is n)]
        if not found or any(id(r) in nested or order[id(r)] < order[id(st)] or not _in_fetches(r, parents)
                            for r in found):
            continue
        names.add(name)
        reads.update(id(r) for r in found)
        targets.add(id(target))
    return (names, reads, targets, me) if names else None


def attach_local_train_ops(module: cst.Module) -> cst.Module | None:
    if not tf_aliases(module):
        return None
    changed = False

    class Classes(cst.CSTTransformer):
        def leave_ClassDef(self, original, updated):
            nonlocal changed
            if not isinstance(updated.body, cst.IndentedBlock):
                return updated
            taken = _class_names(updated)
            body = []
            for st in updated.body.body:
                plan = _plan_method(st, taken) if isinstance(st, cst.FunctionDef) and not st.decorators else None
                if plan is not None:
                    st = st.visit(_Method(*plan))
                    taken |= plan[0]
                    changed = True
                body.append(st)
            return updated.with_changes(body=updated.body.with_changes(body=body))

    new = module.visit(Classes())
    return new if changed else None
