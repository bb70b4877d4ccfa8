"""Train ops a model class builds for its one instance (rule TFM181's pre-step): a pure function of
the source.

The forms (a model OBJECT built from the script's placeholders, the script running its train op)::

    class Model:                                   # Danijar's define_scope / lazy_property form
        def __init__(self, x, y, lr):
            self.x, self.y, self.lr = x, y, lr
            self.loss
            self.optimize                          # touched: built with the object
        @define_scope
        def optimize(self):
            optimizer = tf.train.AdamOptimizer(self.lr)
            return optimizer.minimize(self.loss)

    class Model:                                   # the train op set in __init__
        def __init__(self, x, y):
            ...
            self.global_step = tf.Variable(0, trainable=False)
            optimizer = tf.train.AdamOptimizer(1e-3)
            self.train_op = optimizer.minimize(self.loss, global_step=self.global_step)

    model = Model(x, y, 1e-3)
    sess.run(model.optimize, feed_dict={...})      # or model.train_op

TF1 semantics: the statements run once, when the object is built (the member is touched in
``__init__``, so the cached property builds its train op there), over the object's attributes.
``hoist_class_train_ops`` writes the same program with those statements right after the
instance's construction, at module level, ``self.<attr>`` read as ``model.<attr>`` and the names
they bind as ``model_<name>`` (``model_optimizer = tf.train.AdamOptimizer(model.lr)``,
``model_optimize = model_optimizer.minimize(model.loss)``); every read ``model.optimize`` becomes
``model_optimize``. The session-program rule then sees a module-level train op over the object's
loss (TFM140's ``minimize(model.loss)`` path: a LossModel of the object's placeholders).

Declined (kept as written; TFM140 then keeps the program TF1 with its reason): a class owning
placeholders (TFM144 translates those as a whole), a subclass, a class built more than once or by anything but one module-level ``name = Class(...)``; a member not touched in
``__init__`` (TF1 would build it at its first read, maybe after the variables were initialized);
statements reading ``__init__``'s parameters or locals other than the ones moved, ``self``
otherwise than ``self.<attr>``, an attribute set after them or outside ``__init__``; a moved member
or attribute read elsewhere in the class; a read of the train op before the construction; a name
``<instance>_<name>`` already used in the file; a read of a moved member in a class, or in a
function that binds the instance's name itself (a module function reading the instance as a
global - ``def main(): sess.run(model.train_op, ..)`` - reads the renamed member).
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes  # pre-order, memoised children
from .flow import target_names


def _single(s: cst.CSTNode) -> cst.BaseSmallStatement | None:
    if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1:
        return s.body[0]
    return None


def _self_attr(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return None


def _minimize(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
        and value.func.attr.value == "minimize"


class _Rename(cst.CSTTransformer):
    """``self.<attr>`` -> ``inst.<attr>`` (a moved attribute: ``inst_<attr>``), a moved local
    ``n`` -> ``inst_n``."""

    def __init__(self, inst: str, attrs: set[str], local: set[str]) -> None:
        self.inst, self.attrs, self.local = inst, attrs, local

    def leave_Attribute(self, original, updated):
        a = _self_attr(original)
        if a is None:
            return updated.with_changes(attr=original.attr)
        if a in self.attrs:
            return cst.Name(f"{self.inst}_{a}")
        return cst.Attribute(cst.Name(self.inst), cst.Name(a))

    def leave_Name(self, original, updated):
        return cst.Name(f"{self.inst}_{original.value}") if original.value in self.local else updated

    def leave_Arg(self, original, updated):
        return updated.with_changes(keyword=original.keyword)


class _Reads(cst.CSTTransformer):
    """``inst.<member>`` -> ``inst_<member>`` outside the class."""

    def __init__(self, inst: str, members: set[str]) -> None:
        self.inst, self.members = inst, members

    def leave_Attribute(self, original, updated):
        if isinstance(original.value, cst.Name) and original.value.value == self.inst \
                and original.attr.value in self.members:
            return cst.Name(f"{self.inst}_{original.attr.value}")
        return updated


def _reads_ok(stmts: list, params: set[str], local: set[str], attrs_after: set[str]) -> bool:
    """The moved statements read no parameter of ``__init__``, no local other than the moved
    ones, ``self`` only as ``self.<attr>`` of an attribute not set again after them."""
    for s in stmts:
        attr_values = {id(n.value) for n in _nodes(s) if isinstance(n, cst.Attribute)}
        not_reads = {id(n.attr) for n in _nodes(s) if isinstance(n, cst.Attribute)} | {
            id(n.keyword) for n in _nodes(s) if isinstance(n, cst.Arg) and n.keyword is not None}
        for n in _nodes(s):
            if isinstance(n, cst.Name) and id(n) not in not_reads:
                if n.value == "self" and id(n) not in attr_values:
                    return False
                if n.value in params and n.value != "self" and n.value not in local:
                    return False
            if isinstance(n, (cst.Lambda, cst.FunctionDef, cst.ListComp, cst.GeneratorExp, cst.DictComp,
                              cst.SetComp)):
                return False
            a = _self_attr(n)
            if a is not None and a in attrs_after:
                return False
    return True


def _plan(cls: cst.ClassDef) -> tuple[list, set[str], set[str], set[str], list] | None:
    """What to move out of ``cls``: (statements to move, in order; the moved attributes; the moved
    locals; the members read from outside as ``inst.<m>``; the statements / methods to drop)."""
    if not isinstance(cls.body, cst.IndentedBlock):
        return None
    methods = {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}
    init = methods.get("__init__")
    if init is None or not isinstance(init.body, cst.IndentedBlock) or not init.params.params \
            or init.params.params[0].name.value != "self" or init.decorators:
        return None
    params = {p.name.value for p in (*init.params.params, *init.params.kwonly_params)}
    if init.params.star_arg is not None and isinstance(init.params.star_arg, cst.Param):
        params.add(init.params.star_arg.name.value)
    if init.params.star_kwarg is not None:
        params.add(init.params.star_kwarg.name.value)
    body = list(init.body.body)
    moved: list = []
    drop: list = []
    attrs: set[str] = set()
    local: set[str] = set()
    members: set[str] = set()
    # (i) a cached-property member returning a minimize(), touched in __init__
    for k, s in enumerate(body):
        e = _single(s)
        m = _self_attr(e.value) if isinstance(e, cst.Expr) else None
        fn = methods.get(m) if m else None
        if fn is None or len(fn.decorators) != 1 or len(fn.params.params) != 1 \
                or isinstance(fn.params.star_arg, cst.Param) \
                or fn.params.kwonly_params or fn.params.star_kwarg or not isinstance(fn.body, cst.IndentedBlock):
            continue
        stmts = list(fn.body.body)
        last = _single(stmts[-1]) if stmts else None
        if not (isinstance(last, cst.Return) and last.value is not None and _minimize(last.value)):
            continue
        names: set[str] = set()
        ok = True
        for x in stmts[:-1]:
            a = _single(x)
            if not (isinstance(a, cst.Assign) and len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)):
                ok = False
                break
            names.add(a.targets[0].target.value)
        if not ok:
            continue
        after = _set_attrs(body[k + 1:])
        if not _reads_ok(stmts, set(), names, after):
            continue
        ret = cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(m))], last.value)])
        moved.extend([*stmts[:-1], ret])
        local |= names | {m}
        members.add(m)
        drop.extend([s, fn])
    # (ii) ``self.T = <...>.minimize(...)`` in __init__, with the locals / attributes only it reads
    for k, s in enumerate(body):
        a = _single(s)
        if not (isinstance(a, cst.Assign) and len(a.targets) == 1 and _self_attr(a.targets[0].target)
                and _minimize(a.value)):
            continue
        t = _self_attr(a.targets[0].target)
        group = [s]
        g_attrs, g_local = {t}, set()
        for prev in reversed(body[:k]):
            p = _single(prev)
            if not (isinstance(p, cst.Assign) and len(p.targets) == 1):
                continue
            tgt = p.targets[0].target
            name = tgt.value if isinstance(tgt, cst.Name) else None
            attr = _self_attr(tgt)
            if name is None and attr is None:
                continue
            if name is not None:
                read = any(isinstance(n, cst.Name) and n.value == name for g in group for n in _nodes(g))
            else:
                read = any(_self_attr(n) == attr for g in group for n in _nodes(g))
            if not read or (attr is not None and (not isinstance(p.value, cst.Call)
                                                  or not _reads_ok([prev], params, set(), set()))):
                continue  # an attribute computed from the parameters (``self.lr = lr``) is read as ``model.lr``
            # moved only when nothing else of the class reads it
            others = [x for x in body if x is not prev and all(x is not g for g in group)]
            if name is not None and any(isinstance(n, cst.Name) and n.value == name for x in others for n in _nodes(x)):
                return None
            if attr is not None:
                if any(_self_attr(n) == attr for x in others for n in _nodes(x)) or any(
                        _self_attr(n) == attr for f in methods.values() if f is not init for n in _nodes(f)):
                    return None
                g_attrs.add(attr)
            else:
                g_local.add(name)
            group.insert(0, prev)
        after = _set_attrs(body[k + 1:])
        if not _reads_ok(group, params, g_local, after):
            return None
        if any(_self_attr(n) == t for f in methods.values() if f is not init for n in _nodes(f)) or any(
                _self_attr(n) == t for x in body if all(x is not g for g in group) for n in _nodes(x)):
            return None
        moved.extend(group)
        drop.extend(group)
        attrs |= g_attrs
        local |= g_local
        members |= g_attrs
    if not moved:
        return None
    # every moved member / attribute is read nowhere else in the class
    dropped = {id(y) for d in drop for y in _nodes(d)}
    if any(_self_attr(n) in members and id(n) not in dropped for x in cls.body.body for n in _nodes(x)):
        return None
    # attributes the moved statements read are set in __init__ only
    reads = {_self_attr(n) for s in moved for n in _nodes(s)} - {None} - attrs
    for f in methods.values():
        if f is init:
            continue
        if reads & _set_attrs(list(f.body.body) if isinstance(f.body, cst.IndentedBlock) else []):
            return None
    return moved, attrs, local, members, drop


def _set_attrs(stmts: list) -> set[str]:
    out: set[str] = set()
    for s in stmts:
        for n in _nodes(s):
            if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)):
                for x in _nodes(n.target):
                    a = _self_attr(x)
                    if a is not None:
                        out.add(a)
            if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == "setattr" \
                    and n.args and isinstance(n.args[0].value, cst.Name) and n.args[0].value.value == "self":
                out.add("*")
    return out


def _binds(fn: cst.FunctionDef, name: str) -> bool:
    """``name`` is bound somewhere in ``fn`` (a parameter, an assignment, a loop / with / except /
    comprehension target, an import, a nested definition) or declared ``nonlocal``."""
    for n in _nodes(fn):
        if isinstance(n, cst.Param):
            hit = [n.name.value]
        elif isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.NamedExpr)):
            hit = target_names(n.target)
        elif isinstance(n, cst.AsName):
            hit = target_names(n.name) if isinstance(n.name, (cst.Name, cst.Tuple, cst.List)) else []
        elif isinstance(n, cst.ImportAlias):
            hit = [n.evaluated_alias or n.evaluated_name.split(".")[0]]
        elif isinstance(n, (cst.FunctionDef, cst.ClassDef)) and n is not fn:
            hit = [n.name.value]
        elif isinstance(n, cst.Nonlocal):
            hit = [x.name.value for x in n.names]
        else:
            continue
        if name in hit:
            return True
    return False


def _global_reader(s: cst.CSTNode, inst: str) -> bool:
    """``s`` is a module function (no decorator) reading the instance ``inst`` only as the global
    (``def main(): ... sess.run(model.train_op, ..)``): it runs after the module's statements it is
    called after, so a renamed member read (``model_train_op``) names what TF1 read - the hoisted
    statements follow the construction directly, and ``model`` does not exist before it."""
    return isinstance(s, cst.FunctionDef) and not s.decorators and not _binds(s, inst)


class _Drop(cst.CSTTransformer):
    def __init__(self, drop: list) -> None:
        self.drop = {id(d) for d in drop}

    def on_leave(self, original, updated):
        if id(original) in self.drop:
            return cst.RemoveFromParent()
        return updated

    def leave_IndentedBlock(self, original, updated):
        if not updated.body:
            return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated


def hoist_class_train_ops(module: cst.Module) -> cst.Module | None:
    taken = {n.value for n in _nodes(module) if isinstance(n, cst.Name)}
    body = list(module.body)
    changed = False
    for cls in [s for s in body if isinstance(s, cst.ClassDef)]:
        name = cls.name.value
        if any(isinstance(n, cst.Attribute) and n.attr.value in ("placeholder", "placeholder_with_default")
               for n in _nodes(cls)):
            continue  # a class owning its placeholders: TFM144's (its runs become the class's models)
        if cls.bases and any(not isinstance(b.value, cst.Name) or b.value.value != "object" for b in cls.bases):
            continue  # a subclass / a keras model: its methods come from elsewhere too
        calls = [n for n in _nodes(module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name)
                 and n.func.value == name]
        reads = [n for n in _nodes(module) if isinstance(n, cst.Name) and n.value == name]
        if len(calls) != 1 or len(reads) != 2:  # the class statement's name + the one call
            continue
        k = next((i for i, s in enumerate(body) if isinstance(_single(s), cst.Assign) and _single(s).value is calls[0]
                  and len(_single(s).targets) == 1 and isinstance(_single(s).targets[0].target, cst.Name)), None)
        if k is None:
            continue
        inst = _single(body[k]).targets[0].target.value
        if sum(1 for n in _nodes(module) if isinstance(n, (cst.AssignTarget, cst.For, cst.WithItem, cst.AugAssign))
               for x in _nodes(getattr(n, "target", None) or getattr(n, "asname", None) or cst.Name("_"))
               if isinstance(x, cst.Name) and x.value == inst) != 1:
            continue
        plan = _plan(cls)
        if plan is None:
            continue
        moved, attrs, local, members, drop = plan
        new_names = {f"{inst}_{n}" for n in local | attrs}
        if new_names & taken:
            continue
        # no read of a moved member before the construction, nor inside a function or class
        early = any(isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == inst
                    and n.attr.value in members for s in body[:k] for n in _nodes(s))
        nested = any(isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == inst
                     and n.attr.value in members
                     for s in body[k + 1:] if isinstance(s, (cst.FunctionDef, cst.ClassDef))
                     and not _global_reader(s, inst) for n in _nodes(s))
        if early or nested:
            continue
        ren = _Rename(inst, attrs, local)
        hoisted = [s.visit(ren).with_changes(leading_lines=()) for s in moved]
        i_cls = next(i for i, s in enumerate(body) if s is cls)
        body[i_cls] = cls.visit(_Drop(drop))
        rest = [s.visit(_Reads(inst, members)) for s in body[k + 1:]]
        body = body[:k + 1] + hoisted + rest
        taken |= new_names
        changed = True
    return module.with_changes(body=body) if changed else None
