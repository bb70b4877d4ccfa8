"""TFM231's pre-step: a variable fetched back by name under ``reuse=True`` written as the value
that created it.

    def add_prediction_op(self):
        with tf.variable_scope("Hidden"):
            W1 = tf.get_variable("W1", [n, m], initializer=xavier)    # -> self.W1 = ...
        return tf.matmul(h, W1) + b1                                  # -> tf.matmul(h, self.W1) + b1

    def add_loss_op(self, preds):
        with tf.variable_scope("Hidden", reuse=True):                 # (the block goes)
            W1 = tf.get_variable("W1")                                # -> W1 = self.W1
        return loss + beta * tf.nn.l2_loss(W1)

TF1 semantics: under ``reuse=True`` (or ``AUTO_REUSE``), ``tf.get_variable(name)`` with no shape
and no initializer looks up the variable ``<scope path>/<name>`` an earlier call created: it is
the same variable object, so reading the creating statement's value instead computes the same
graph. The fetch is rewritten only when that creation is certain: the path of both calls is
made of literal ``variable_scope`` names inside their function (``name_scope`` / ``device``
blocks do not change a variable's name), exactly one ``get_variable`` of the unit (the module's
functions, or one class's methods) creates that name under that path and none of the unit's
``get_variable`` calls with that name has a path the analysis cannot read; the creation binds a
name once (or ``self.<attr>``). Either the fetch follows the creation in the same function, or
both are in methods of one class, the creating method called once in the file (a second call
under another outer scope would make a second variable): the creating method's local then
becomes an attribute of the object (a name no method or attribute of the class uses). A reuse
block left holding only such fetches goes (nothing in it names a variable any more). A pure
function of the module; no TensorFlow import.
"""
from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..cstcache import walk as _nodes
from ..emit import literal
from ..names import dotted
from .graph_datasets import tf_aliases
from .local_train_ops import _class_names
from .placeholder_aliases import _bindings


@dataclass
class _GetVariable:
    stmt: cst.SimpleStatementLine
    call: cst.Call
    target: cst.BaseExpression
    name: str | None                    # the variable's literal name (None: not a literal)
    path: tuple[str, ...] | None        # the literal variable_scope path inside the function (None: unknown)
    reuse: bool                         # an enclosing variable_scope says reuse=True / AUTO_REUSE
    fn: cst.FunctionDef | None          # the function holding it (None: module level)
    blocks: list                        # the enclosing variable_scope With nodes, innermost first


def _tf_call(c: cst.BaseExpression, tfs: set[str], *names: str) -> bool:
    if not isinstance(c, cst.Call):
        return False
    d = dotted(c.func) or ""
    head, _, tail = d.partition(".")
    if head not in tfs:
        return False
    tail = tail[len("compat.v1."):] if tail.startswith("compat.v1.") else tail
    return tail in names


def _arg(c: cst.Call, pos: int, kw: str) -> cst.BaseExpression | None:
    for i, a in enumerate(c.args):
        if (a.keyword is None and i == pos and not a.star) or (a.keyword is not None and a.keyword.value == kw):
            return a.value
    return None


def _get_variables(module: cst.Module, tfs: set[str]) -> tuple[list[_GetVariable], dict[int, cst.CSTNode]]:
    parents: dict[int, cst.CSTNode] = {}
    for n in _nodes(module):
        for c in n.children:
            parents[id(c)] = n
    out = []
    for n in _nodes(module):
        if not (isinstance(n, cst.SimpleStatementLine) and len(n.body) == 1 and isinstance(n.body[0], cst.Assign)
                and len(n.body[0].targets) == 1 and _tf_call(n.body[0].value, tfs, "get_variable")):
            if isinstance(n, cst.Call) and _tf_call(n, tfs, "get_variable") and not _in_assign(n, parents):
                out.append(_GetVariable(None, n, None, None, None, False, None, []))  # (only counted)
            continue
        call = n.body[0].value
        name = _arg(call, 0, "name")
        name = literal(name, None) if name is not None else None
        path: list[str] | None = []
        reuse, fn, blocks = False, None, []
        p = parents.get(id(n))
        while p is not None and p is not module:
            if isinstance(p, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                fn = p if isinstance(p, cst.FunctionDef) else None
                if not isinstance(p, cst.FunctionDef):
                    path = None
                break
            if isinstance(p, cst.With):
                for item in p.items:
                    c = item.item
                    if _tf_call(c, tfs, "variable_scope"):
                        s = _arg(c, 0, "name_or_scope")
                        s = literal(s, None) if s is not None else None
                        if not isinstance(s, str) or len(p.items) != 1 or path is None:
                            path = None
                            continue
                        path.insert(0, s)
                        r = _arg(c, 99, "reuse")
                        if r is not None and (literal(r, None) is True
                                              or (dotted(r) or "").endswith(".AUTO_REUSE")):
                            reuse = True
                        blocks.append(p)
                    elif not _tf_call(c, tfs, "name_scope", "device"):
                        path = None
            elif isinstance(p, (cst.For, cst.While)):
                path = None  # a variable made in a loop
            p = parents.get(id(p))
        out.append(_GetVariable(n, call, n.body[0].targets[0].target, name if isinstance(name, str) else None,
                                None if path is None else tuple(path), reuse, fn, blocks))
    return out, parents


def _in_assign(c: cst.Call, parents) -> bool:
    p = parents.get(id(c))
    return isinstance(p, cst.Assign) and p.value is c and isinstance(parents.get(id(p)), cst.SimpleStatementLine) \
        and len(parents[id(p)].body) == 1


def _is_fetch(g: _GetVariable) -> bool:
    return g.reuse and g.path is not None and g.name is not None and len(g.call.args) == 1 \
        and isinstance(g.target, cst.Name)


def _class_of(fn: cst.FunctionDef | None, parents) -> cst.ClassDef | None:
    if fn is None:
        return None
    body = parents.get(id(fn))
    cls = parents.get(id(body)) if body is not None else None
    return cls if isinstance(cls, cst.ClassDef) else None


def _self(fn: cst.FunctionDef) -> str | None:
    ps = fn.params.params
    return ps[0].name.value if ps and not fn.decorators else None


class _Rewrite(cst.CSTTransformer):
    def __init__(self, values: dict[int, cst.BaseExpression], to_attr: dict[int, str],
                 blocks: set[int], replace: dict[int, cst.BaseExpression], dropped: set[int]) -> None:
        self.values, self.to_attr, self.blocks = values, to_attr, blocks
        self.replace, self.dropped = replace, dropped

    def leave_SimpleStatementLine(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.dropped else updated

    def leave_Assign(self, original, updated):
        v = self.values.get(id(original.value))
        return updated.with_changes(value=v) if v is not None else updated

    def leave_Name(self, original, updated):
        if id(original) in self.replace:
            return self.replace[id(original)].deep_clone()
        me = self.to_attr.get(id(original))
        return cst.Attribute(cst.Name(me), cst.Name(original.value)) if me is not None else updated

    def leave_With(self, original, updated):
        if id(original) not in self.blocks:
            return updated
        body = list(updated.body.body)
        if not body:
            return cst.RemoveFromParent()
        body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
        return cst.FlattenSentinel(body)


def share_fetched_variables(module: cst.Module) -> cst.Module | None:
    tfs = set(tf_aliases(module))
    if not tfs:
        return None
    found, parents = _get_variables(module, tfs)
    values: dict[int, cst.BaseExpression] = {}
    replace: dict[int, cst.BaseExpression] = {}  # id(a read of a fetched name) -> the value
    to_attr: dict[int, str] = {}
    attrs: dict[int, str] = {}  # id(creating statement) -> the attribute its local became
    done: list[_GetVariable] = []
    order = {id(n): i for i, n in enumerate(_nodes(module))}
    for f in found:
        if f.stmt is None or not _is_fetch(f):
            continue
        cls_f = _class_of(f.fn, parents)
        # every get_variable of the file that may make a variable of this name (another fetch
        # makes none): exactly one, at the fetch's path, bound by a statement of its own
        makers = [g for g in found if g is not f and (g.name is None or g.name == f.name)
                  and not (g.reuse and len(g.call.args) == 1)]
        if len(makers) != 1 or makers[0].stmt is None or makers[0].path != f.path:
            continue
        c = makers[0]
        if c.fn is f.fn:
            # the same function (or both at module level): the creation first, its name bound once
            if order[id(c.stmt)] > order[id(f.stmt)]:
                continue
            if isinstance(c.target, cst.Name):
                scope = c.fn if c.fn is not None else module
                if _bindings(scope, c.target.value) != 1:
                    continue
                values[id(f.call)] = cst.Name(c.target.value)
            elif _self_attr(c.target, c.fn):
                values[id(f.call)] = c.target.deep_clone()
            else:
                continue
            done.append(f)
            continue
        cls = _class_of(c.fn, parents)
        if cls is None or cls is not cls_f or _self(c.fn) is None or _self(f.fn) is None:
            continue
        calls = [n for n in _nodes(module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                 and n.func.attr.value == c.fn.name.value]
        if len(calls) != 1 or any(isinstance(p, (cst.For, cst.While)) for p in _ancestors(calls[0], parents)):
            continue
        if isinstance(c.target, cst.Attribute) and _self_attr(c.target, c.fn):
            attr = c.target.attr.value
        elif isinstance(c.target, cst.Name):
            attr = attrs.get(id(c.stmt))
            if attr is None:
                attr = c.target.value
                if attr in _class_names(cls) or _bindings(c.fn, attr) != 1:
                    continue
                reads = [n for n in _nodes(c.fn) if isinstance(n, cst.Name) and n.value == attr
                         and not _attr_or_keyword(n, parents)]
                nested = {id(x) for n in _nodes(c.fn) if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef))
                          and n is not c.fn for x in _nodes(n)}
                if any(id(r) in nested for r in reads):
                    continue
                for r in reads:
                    to_attr[id(r)] = _self(c.fn)
                attrs[id(c.stmt)] = attr
        else:
            continue
        values[id(f.call)] = cst.Attribute(cst.Name(_self(f.fn)), cst.Name(attr))
        done.append(f)
    if not values:
        return None
    # the fetched name read as the value itself where it stands for it alone (bound once, by the
    # fetch, read after it and not in a nested function): the fetch statement goes
    dropped: set[int] = set()
    for f in done:
        scope = f.fn if f.fn is not None else module
        name = f.target.value
        if _bindings(scope, name) != 1:
            continue
        nested = {id(x) for n in _nodes(scope) if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef))
                  and n is not scope for x in _nodes(n)}
        reads = [n for n in _nodes(scope) if isinstance(n, cst.Name) and n.value == name and n is not f.target
                 and not _attr_or_keyword(n, parents)]
        if not reads or any(id(r) in nested or order[id(r)] < order[id(f.stmt)] for r in reads):
            continue
        for r in reads:
            replace[id(r)] = values[id(f.call)]
        dropped.add(id(f.stmt))
    fetched = {id(f.stmt) for f in done}
    blocks: set[int] = set()
    for f in done:
        for w in f.blocks:
            if all(id(st) in fetched or id(st) in blocks for st in w.body.body):
                blocks.add(id(w))
            else:
                break
    # a block goes only when every statement in it is a fetch (or a block that goes)
    return module.visit(_Rewrite(values, to_attr, blocks, replace, dropped))


def _self_attr(t: cst.BaseExpression, fn: cst.FunctionDef | None) -> bool:
    return fn is not None and isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) \
        and t.value.value == _self(fn)


def _attr_or_keyword(n: cst.Name, parents) -> bool:
    p = parents.get(id(n))
    return (isinstance(p, cst.Attribute) and p.attr is n) or (isinstance(p, cst.Arg) and p.keyword is n) \
        or isinstance(p, (cst.FunctionDef, cst.ClassDef))


def _ancestors(n: cst.CSTNode, parents):
    p = parents.get(id(n))
    while p is not None:
        yield p
        p = parents.get(id(p))
