"""Template-method fits (rule TFM152's pre-step): a pure function of the source.

simnet's shape of TF1 model code: an abstract base class owns the training loop and a subclass
supplies the graph and the tensors through hooks::

    class AbstractModel(object):
        def fit(self, gen, epochs, callbacks=[]):
            with tf.Session() as sess:
                self._init_session(sess)
                for epoch in range(epochs):
                    self._do_epoch(sess, gen, callbacks)
                for callback in callbacks:
                    callback.train_end({'session': sess})

        def _do_epoch(self, sess, gen, callbacks):
            for data, labels in gen.get_batch(32):
                _, loss = sess.run([self._get_train_step(), self._get_loss()],
                                   feed_dict=self._build_feed_dict(data, labels))

        def _get_train_step(self):
            pass
        ...

    class Simnet(AbstractModel):
        def __init__(self):
            self._init_network()            # placeholders, towers, self._train_step, self._loss

        def _get_train_step(self):
            return self._train_step

        def _build_feed_dict(self, samples, labels):
            return {self.X1: samples[0], self.X2: samples[1], self.Y: labels}

    model = Simnet()
    scorer = Scorer(model, left, right)     # its train_end runs logs['session'] on model's tensors
    model.fit(gen, 3, callbacks=[scorer])

TF1 semantics: ``model.fit(...)`` runs the base's statements with ``self`` the one instance of the
ONE subclass, every ``self.<hook>(...)`` resolved on that subclass (Python's method resolution),
the session an ordinary local handed from method to method (and to the callbacks in a dict).
Written out at the call - the methods' statements with their parameters replaced by the call's
arguments, ``self`` by the instance, a hook whose body is one ``return <expr>`` replaced by that
expression, a loop over a display of callbacks unrolled and each ``callback.<m>(...)`` written out
with the callback's object (``self.<attr>`` that its constructor stored from a name read as that
name), ``{'session': sess}['session']`` read as ``sess`` - it is the same program: a module-level
session program of the instance's tensors, which the session and class rules translate (TFM144:
the train op becomes the LossModel's ``train_on_batch``, the fetches ``predict_on_batch``).

Written out only where that is so: a module-level base class (no decorators, no base but
``object``, no ``__init__``, only methods and a docstring) with ONE subclass in the file and read
nowhere else; one method of the base makes a ``Session``; the subclass is constructed once, by a
statement ``<obj> = <Sub>(...)`` of the module's block; the call is a statement ``<obj>.<m>(...)`` of
the same block after it. A method written out has no ``return`` (a hook: only one ``return
<expr>``; one whose value is assigned: a last ``return <expr>``), no ``yield`` / ``global`` /
nested definitions / lambdas / comprehensions (``self`` is the object: read as its name); its locals keep their names unless the
module (or a method written out before) uses them, then ``<name>_<k>``. An argument that is not a
name, a literal, a dotted name or a display of those is bound to the parameter's name first. A
method every call of which was written out (no ``.<m>`` left in the file) is removed from its class.
Anything else leaves the file as written.
"""
from __future__ import annotations

import builtins

import libcst as cst

from ..args import bind_def
from ..cstcache import read_names, walk
from ..names import dotted
from .flow import target_names
from .placeholder_forms import _simple_arg
from .trainer_objects import _makes_session

_BUILTINS = set(dir(builtins))
_NO = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp,
       cst.Yield, cst.Global, cst.Nonlocal, cst.NamedExpr, cst.Await)
_DEPTH = 8


class _Decline(Exception):
    pass


def _simple(e: cst.BaseExpression) -> bool:
    """A value that is the same wherever it is read (names, literals, dotted names, displays)."""
    if isinstance(e, (cst.List, cst.Tuple)):
        return all(isinstance(x, cst.Element) and _simple(x.value) for x in e.elements)
    if isinstance(e, cst.Dict):
        return all(isinstance(x, cst.DictElement) and isinstance(x.key, cst.SimpleString) and _simple(x.value)
                   for x in e.elements)
    return _simple_arg(e)  # names, literals, dotted names, a negative number


def _binds(node: cst.CSTNode) -> set[str]:
    out: set[str] = set()
    for n in walk(node):
        if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For)):
            out.update(target_names(n.target))
        elif isinstance(n, cst.AsName):
            out.update(target_names(n.name))
    return out


def _methods(cls: cst.ClassDef) -> dict[str, cst.FunctionDef] | None:
    out: dict[str, cst.FunctionDef] = {}
    for i, st in enumerate(cls.body.body):
        if isinstance(st, cst.FunctionDef):
            if st.decorators and not _is_prop(st) or st.asynchronous:
                return None
            out[st.name.value] = st
        elif not (i == 0 and isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                  and isinstance(st.body[0], cst.Expr) and isinstance(st.body[0].value, cst.SimpleString)):
            return None
    return out


def _is_prop(fn: cst.FunctionDef | None) -> bool:
    """A read-only ``@property`` (the hooks' other spelling: ``self.train_op`` for ``self._get_train_step()``)."""
    return fn is not None and len(fn.decorators) == 1 and isinstance(fn.decorators[0].decorator, cst.Name) \
        and fn.decorators[0].decorator.value == "property"


def _body(fn: cst.FunctionDef) -> list:
    if not isinstance(fn.body, cst.IndentedBlock):
        raise _Decline
    body = list(fn.body.body)
    if body and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1 \
            and isinstance(body[0].body[0], cst.Expr) and isinstance(body[0].body[0].value, cst.SimpleString):
        body = body[1:]
    return body


def _returned(fn: cst.FunctionDef) -> cst.BaseExpression | None:
    """The expression of a hook whose body is one ``return <expr>``."""
    body = _body(fn)
    if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1 \
            and isinstance(body[0].body[0], cst.Return) and body[0].body[0].value is not None:
        return body[0].body[0].value
    return None


def _self_call(e: cst.CSTNode) -> tuple[str, cst.Call] | None:
    if isinstance(e, cst.Call) and isinstance(e.func, cst.Attribute) and isinstance(e.func.value, cst.Name) \
            and e.func.value.value == "self":
        return e.func.attr.value, e
    return None


class _Objects:
    """Module-level objects whose methods may be written out: name -> (class methods, stored)."""

    def __init__(self, module: cst.Module, classes: dict[str, cst.ClassDef]):
        self.module = module
        self.found: dict[str, tuple[dict, dict, str]] = {}
        counts: dict[str, int] = {}
        for n in walk(module):
            if isinstance(n, cst.AssignTarget):
                for t in target_names(n.target):
                    counts[t] = counts.get(t, 0) + 1
        self.counts = counts
        for st in module.body:
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name) and isinstance(small.value, cst.Call)
                    and isinstance(small.value.func, cst.Name) and small.value.func.value in classes):
                continue
            obj = small.targets[0].target.value
            cls = classes[small.value.func.value]
            if counts.get(obj) != 1 or cls.bases and any(dotted(b.value) != "object" for b in cls.bases):
                continue
            methods = _methods(cls)
            if methods is None:
                continue
            stored = self._stored(methods, small.value)
            for n in walk(module):   # ``obj.<attr> = ...`` anywhere: not what the constructor stored
                if isinstance(n, (cst.AssignTarget, cst.AugAssign)) and isinstance(n.target, cst.Attribute) \
                        and isinstance(n.target.value, cst.Name) and n.target.value.value == obj:
                    stored.pop(n.target.attr.value, None)
            self.found[obj] = (methods, stored, cls.name.value)

    def _stored(self, methods: dict, call: cst.Call) -> dict[str, cst.Name]:
        """``self.<attr>`` that ``__init__`` stores from a parameter given a name bound once (never
        stored by another method): attr -> that name."""
        init = methods.get("__init__")
        if init is None:
            return {}
        args = bind_def(init, call, skip_self=True)
        if args is None:
            return {}
        out: dict[str, cst.Name] = {}
        for st in _body(init):
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
                continue
            t, v = small.targets[0].target, small.value
            pairs = list(zip(t.elements, v.elements)) if isinstance(t, cst.Tuple) and isinstance(v, cst.Tuple) \
                and len(t.elements) == len(v.elements) else [(t, v)]
            for a, b in pairs:
                a = a.value if isinstance(a, cst.Element) else a
                b = b.value if isinstance(b, cst.Element) else b
                if isinstance(a, cst.Attribute) and isinstance(a.value, cst.Name) and a.value.value == "self" \
                        and isinstance(b, cst.Name) and isinstance(args.get(b.value), cst.Name) \
                        and self.counts.get(args[b.value].value, 0) == 1:
                    out[a.attr.value] = args[b.value]
        for name, m in methods.items():
            if name == "__init__":
                continue
            for n in walk(m):
                if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Attribute) \
                        and isinstance(n.target.value, cst.Name) and n.target.value.value == "self":
                    out.pop(n.target.attr.value, None)
        return out


class _Rename(cst.CSTTransformer):
    """Locals -> their new names, parameters -> the arguments, ``self.<stored>`` -> the stored name,
    ``self`` -> the object, ``{'k': v}['k']`` -> ``v``."""

    def __init__(self, names: dict[str, str], params: dict, obj: str, stored: dict):
        self.names, self.params, self.obj, self.stored = names, params, obj, stored

    def leave_Attribute(self, original, updated):
        updated = updated.with_changes(attr=original.attr)
        if isinstance(original.value, cst.Name) and original.value.value == "self" \
                and original.attr.value in self.stored:
            return self.stored[original.attr.value].deep_clone()
        return updated

    def leave_Arg(self, original, updated):
        return updated.with_changes(keyword=original.keyword)

    def leave_Name(self, original, updated):
        v = updated.value
        if v == "self":
            return cst.Name(self.obj)
        if v in self.params:
            return self.params[v].deep_clone()
        if v in self.names:
            return cst.Name(self.names[v])
        return updated

    def leave_Subscript(self, original, updated):
        if isinstance(updated.value, cst.Dict) and len(updated.slice) == 1 \
                and isinstance(updated.slice[0].slice, cst.Index) \
                and isinstance(updated.slice[0].slice.value, cst.SimpleString):
            key = updated.slice[0].slice.value.evaluated_value
            for el in updated.value.elements:
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString) \
                        and el.key.evaluated_value == key:
                    return el.value
            raise _Decline  # a KeyError in TF1: not this form
        return updated


class _Writer:
    def __init__(self, module: cst.Module, objects: _Objects, taken: set[str]):
        self.module, self.objects, self.taken = module, objects, taken
        self.expanded: set[tuple[int, str]] = set()   # (id(class methods), method)

    def fresh(self, name: str) -> str:
        new, k = name, 0
        while new in self.taken:
            k += 1
            new = f"{name}_{k}"
        self.taken.add(new)
        return new

    def write(self, methods: dict, stored: dict, obj: str, mname: str, call: cst.Call, depth: int,
              target: cst.BaseAssignTargetExpression | None = None) -> list:
        """The statements of ``obj.mname(...)`` (a statement; ``target = obj.mname(...)``: the method's
        one ``return <expr>``, its last statement, becomes ``target = <expr>``) written out."""
        fn = methods.get(mname)
        if fn is None or depth > _DEPTH or mname == "__init__":
            raise _Decline
        body = _body(fn)
        last = None
        if target is not None:
            st = body[-1] if body else None
            if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Return)
                    and st.body[0].value is not None):
                raise _Decline
            body, last = body[:-1], st
        if any(isinstance(n, _NO) for n in walk(fn.body)) \
                or any(isinstance(n, cst.Return) for st in body for n in walk(st)):
            raise _Decline
        params, pre = self.bind(fn, call)
        locals_ = _binds(fn.body) - {p.name.value for p in fn.params.params}
        names = {x: self.fresh(x) for x in sorted(locals_)}
        out = pre + [st.visit(_Rename(names, params, obj, stored)) for st in body]
        if last is not None:
            value = last.body[0].value.visit(_Rename(names, params, obj, stored))
            out.append(last.with_changes(body=[cst.Assign([cst.AssignTarget(target)], value)]))
        self.expanded.add((id(methods), mname))
        return self.stmts(out, methods, stored, fn, obj, depth)

    def bind(self, fn: cst.FunctionDef, call: cst.Call) -> tuple[dict, list]:
        ps = fn.params
        if ps.star_arg is not cst.MaybeSentinel.DEFAULT and ps.star_arg is not None or ps.star_kwarg \
                or ps.kwonly_params or ps.posonly_params or not ps.params or ps.params[0].name.value != "self":
            raise _Decline
        args = bind_def(fn, call, skip_self=True)
        if args is None:
            raise _Decline
        rebound = _binds(fn.body)
        params: dict[str, cst.BaseExpression] = {}
        pre: list = []
        for p, v in args.items():
            if _simple(v) and p not in rebound and not (isinstance(v, cst.Dict) and not self.subscripted(fn, p)):
                params[p] = v
            else:
                new = self.fresh(p)
                pre.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(new))], v)]))
                params[p] = cst.Name(new)
        return params, pre

    @staticmethod
    def subscripted(fn: cst.FunctionDef, p: str) -> bool:
        """Every read of ``p`` in ``fn`` is ``p['<key>']`` (a dict display given for it is then read so)."""
        ok = [n.value for n in walk(fn.body) if isinstance(n, cst.Subscript) and isinstance(n.value, cst.Name)
              and n.value.value == p and len(n.slice) == 1 and isinstance(n.slice[0].slice, cst.Index)
              and isinstance(n.slice[0].slice.value, cst.SimpleString)]
        reads = [n for n in read_names(fn.body) if n.value == p]
        stored = any(isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.Del)) and any(
            isinstance(x, cst.Name) and x.value == p for x in walk(n.target)) for n in walk(fn.body))
        return len(ok) == len(reads) and p not in _binds(fn.body) and not stored

    def stmts(self, body: list, methods: dict, stored: dict, fn, obj: str, depth: int) -> list:
        out: list = []
        for st in body:
            out.extend(self.stmt(st, methods, stored, obj, depth))
        # a ``pass`` of a method written out (an empty callback) says nothing here
        out = [s for s in out if not (isinstance(s, cst.SimpleStatementLine)
                                      and all(isinstance(x, cst.Pass) for x in s.body))]
        return self.aliases(out)

    def stmt(self, st, methods: dict, stored: dict, obj: str, depth: int) -> list:
        # obj.<m>(...) as a statement: written out
        if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Expr):
            c = st.body[0].value
            if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name):
                who, m = c.func.value.value, c.func.attr.value
                if who == obj and m in methods and _returned(methods[m]) is None and not _is_prop(methods[m]):
                    return self.write(methods, stored, obj, m, c, depth + 1)
                if who != obj and who in self.objects.found:
                    ms, st_, _ = self.objects.found[who]
                    if m in ms and _returned(ms[m]) is None and not _is_prop(ms[m]):
                        return self.write(ms, st_, who, m, c, depth + 1)
        # target = obj.<m>(...): the method's statements, then target = its returned value
        if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
                and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name):
            c = st.body[0].value
            if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name) \
                    and c.func.value.value == obj and c.func.attr.value in methods \
                    and _returned(methods[c.func.attr.value]) is None and not _is_prop(methods[c.func.attr.value]):
                new = self.write(methods, stored, obj, c.func.attr.value, c, depth + 1, st.body[0].targets[0].target)
                return new
        # for v in [a, b]: <v.m(...) statements> -> unrolled
        if isinstance(st, cst.For) and isinstance(st.target, cst.Name) and isinstance(st.iter, (cst.List, cst.Tuple)) \
                and st.orelse is None and all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name)
                                              and e.value.value in self.objects.found for e in st.iter.elements) \
                and isinstance(st.body, cst.IndentedBlock):
            v = st.target.value
            uses = [n for n in walk(st.body) if isinstance(n, cst.Name) and n.value == v]
            calls = [s for s in st.body.body if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1
                     and isinstance(s.body[0], cst.Expr) and isinstance(s.body[0].value, cst.Call)
                     and isinstance(s.body[0].value.func, cst.Attribute)
                     and isinstance(s.body[0].value.func.value, cst.Name) and s.body[0].value.func.value.value == v]
            if len(calls) == len(st.body.body) == len(uses):
                out: list = []
                for e in st.iter.elements:
                    for s in st.body.body:
                        c = s.body[0].value
                        c = c.with_changes(func=c.func.with_changes(value=cst.Name(e.value.value)))
                        out.extend(self.stmt(s.with_changes(body=[s.body[0].with_changes(value=c)]),
                                             methods, stored, obj, depth))
                return out
        # hooks read as their returned expression, compound statements written out inside
        st = st.visit(_Hooks(self, methods, stored, obj))
        if isinstance(st, (cst.For, cst.While, cst.With, cst.If)):
            st = self.block(st, methods, stored, obj, depth)
            if st is None:
                return []
        if any(isinstance(n, cst.Name) and n.value == "self" for n in walk(st)):
            raise _Decline
        return [st]

    def block(self, st, methods, stored, obj, depth):
        body = self.stmts(list(st.body.body), methods, stored, None, obj, depth) \
            if isinstance(st.body, cst.IndentedBlock) else None
        if body is None:
            raise _Decline
        orelse = st.orelse if isinstance(st, (cst.For, cst.While, cst.If)) else None
        if orelse is not None:
            if isinstance(orelse, cst.If):
                orelse = self.block(orelse, methods, stored, obj, depth) or orelse.with_changes(
                    body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])]))
            else:
                ob = self.stmts(list(orelse.body.body), methods, stored, None, obj, depth)
                orelse = orelse.with_changes(body=orelse.body.with_changes(
                    body=ob or [cst.SimpleStatementLine([cst.Pass()])]))
        if not body:
            if isinstance(st, cst.For) and orelse is None:
                return None   # a loop over a display / generator whose body did nothing
            body = [cst.SimpleStatementLine([cst.Pass()])]
        changes = {"body": st.body.with_changes(body=body)}
        if isinstance(st, (cst.For, cst.While, cst.If)):
            changes["orelse"] = orelse
        return st.with_changes(**changes)

    @staticmethod
    def aliases(body: list) -> list:
        """``x = y`` (names; ``x`` bound once, ``y`` never after) -> ``y`` read for ``x``."""
        out = list(body)
        i = 0
        while i < len(out):
            st = out[i]
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name) \
                    and isinstance(small.value, cst.Name):
                x, y = small.targets[0].target.value, small.value.value
                rest = cst.Module(body=out[i + 1:])
                if x == y:
                    del out[i]
                    continue
                if x not in _binds(rest) and y not in _binds(rest) \
                        and not any(isinstance(n, cst.Name) and n.value == x for s in out[:i] for n in walk(s)):
                    out = out[:i] + [s.visit(_Rename({x: y}, {}, "self", {})) for s in out[i + 1:]]
                    continue
            i += 1
        return out


class _Hooks(cst.CSTTransformer):
    """``self.<hook>(...)`` / ``<obj>.<hook>(...)`` whose method is one ``return <expr>`` -> that expression."""

    def __init__(self, writer: _Writer, methods: dict, stored: dict, obj: str):
        self.w, self.methods, self.stored, self.obj = writer, methods, stored, obj

    def visit_FunctionDef(self, node):
        return False

    def visit_AssignTarget(self, node):
        # a property stored: not the read-only hook this writes out
        if isinstance(node.target, cst.Attribute) and isinstance(node.target.value, cst.Name) \
                and node.target.value.value == self.obj and _is_prop(self.methods.get(node.target.attr.value)):
            raise _Decline

    def leave_Attribute(self, original, updated):
        updated = updated.with_changes(attr=original.attr)
        if not (isinstance(updated.value, cst.Name) and updated.value.value == self.obj):
            return updated
        fn = self.methods.get(updated.attr.value)
        if not _is_prop(fn):
            return updated
        e = _returned(fn)
        if e is None or any(isinstance(n, _NO) for n in walk(e)):
            raise _Decline
        self.w.expanded.add((id(self.methods), updated.attr.value))
        return e.visit(_Rename({}, {}, self.obj, self.stored))

    def leave_Call(self, original, updated):
        if not (isinstance(updated.func, cst.Attribute) and isinstance(updated.func.value, cst.Name)
                and updated.func.value.value == self.obj):
            return updated
        fn = self.methods.get(updated.func.attr.value)
        if _is_prop(fn):
            return updated
        e = _returned(fn) if fn is not None else None
        if e is None:
            return updated
        if any(isinstance(n, _NO) for n in walk(e)):
            raise _Decline
        params, pre = self.w.bind(fn, updated)
        if pre:
            raise _Decline
        self.w.expanded.add((id(self.methods), updated.func.attr.value))
        return e.visit(_Rename({}, params, self.obj, self.stored))


def _module_taken(module: cst.Module) -> set[str]:
    out = set(_BUILTINS)
    for st in module.body:
        if isinstance(st, (cst.FunctionDef, cst.ClassDef)):
            out.add(st.name.value)
            for fn in walk(st):
                if isinstance(fn, cst.FunctionDef):
                    own = _binds(fn.body) | {p.name.value for p in walk(fn.params) if isinstance(p, cst.Param)}
                    out |= {n.value for n in read_names(fn.body)} - own
            continue
        out |= {n.value for n in walk(st) if isinstance(n, cst.Name)}
    return out


def inline_template_fits(module: cst.Module) -> cst.Module | None:
    classes = {st.name.value: st for st in module.body if isinstance(st, cst.ClassDef)}
    for sub in classes.values():
        try:
            new = _one(module, classes, sub)
        except _Decline:
            new = None
        if new is not None:
            return new
    return None


def _one(module: cst.Module, classes: dict, sub: cst.ClassDef) -> cst.Module | None:
    if sub.decorators or sub.keywords or len(sub.bases) != 1 or not isinstance(sub.bases[0].value, cst.Name) \
            or sub.bases[0].keyword is not None:
        return None
    base = classes.get(sub.bases[0].value.value)
    if base is None or base.decorators or base.keywords \
            or any(a.keyword or dotted(a.value) != "object" for a in base.bases):
        return None
    bm, sm = _methods(base), _methods(sub)
    if not bm or sm is None or not any(_makes_session(m) for m in bm.values()):
        return None
    own = None
    if "__init__" in bm:
        # ``self.sess = tf.Session()`` the base's whole constructor, run by ``super().__init__()`` first
        own = _own_session(bm["__init__"], sm.get("__init__"))
        if own is None:
            return None
        bm = {k: v for k, v in bm.items() if k != "__init__"}
    # the base is read only as the subclass's base; the subclass only by its one construction
    if sum(1 for n in walk(module) if isinstance(n, cst.Name) and n.value == base.name.value) != 2 \
            or sum(1 for n in walk(module) if isinstance(n, cst.Name) and n.value == sub.name.value) != 2:
        return None
    methods = {**bm, **sm}
    objects = _Objects(module, classes)
    obj = next((st.body[0].targets[0].target.value for st in module.body
                if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)
                and isinstance(st.body[0].value, cst.Call) and isinstance(st.body[0].value.func, cst.Name)
                and st.body[0].value.func.value == sub.name.value and len(st.body[0].targets) == 1
                and isinstance(st.body[0].targets[0].target, cst.Name)), None)
    if obj is None or objects.counts.get(obj) != 1:
        return None
    writer = _Writer(module, objects, _module_taken(module))
    stored: dict[str, cst.Name] = {}
    if own is not None:
        stored[own[0]] = cst.Name(writer.fresh(own[0]))
    body: list = []
    seen = done = False
    for st in module.body:
        small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) \
                and isinstance(small.value.func, cst.Name) and small.value.func.value == sub.name.value:
            seen = True
            if own is not None:
                # the session the constructor made, made right after it (the graph is the same one)
                body.append(st)
                body.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(stored[own[0]])], own[1])]))
                continue
        c = small.value if isinstance(small, cst.Expr) else None
        if seen and isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) \
                and isinstance(c.func.value, cst.Name) and c.func.value.value == obj \
                and c.func.attr.value in bm and c.func.attr.value not in sm:
            new = writer.write(methods, stored, obj, c.func.attr.value, c, 0)
            if own is None and not any(_makes_session(s) for s in new) or own is not None and not any(
                    isinstance(n, cst.Name) and n.value == stored[own[0]].value for s in new for n in walk(s)):
                raise _Decline
            if new:
                new[0] = new[0].with_changes(leading_lines=st.leading_lines)
            body.extend(new)
            done = True
            continue
        body.append(st)
    if not done:
        return None
    if own is not None:
        body = [_without_init(st, base.name.value, sub.name.value) if isinstance(st, cst.ClassDef) else st
                for st in body]
    owners = {id(methods): (base.name.value, sub.name.value)}
    owners.update({id(ms): (cname,) for ms, _, cname in objects.found.values()})
    module = _drop_uncalled(module.with_changes(body=body), writer.expanded, owners)
    # no method of the base makes a session any more (each was written out at its calls)
    if any(_makes_session(s) for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == base.name.value):
        return None
    if own is not None and any(isinstance(n, cst.Attribute) and n.attr.value == own[0] for n in walk(module)):
        return None   # the object's session read elsewhere
    return module


def _own_session(init: cst.FunctionDef, sub_init: cst.FunctionDef | None) -> tuple[str, cst.Call] | None:
    """(attr, the Session call) where the base's constructor is ``self.<attr> = tf.Session()`` alone and the
    subclass's constructor (if any) runs it first, by ``super().__init__()``."""
    ps = init.params
    if len(ps.params) != 1 or ps.star_arg is not cst.MaybeSentinel.DEFAULT and ps.star_arg is not None \
            or ps.kwonly_params or ps.star_kwarg:
        return None
    body = _body(init)
    small = body[0].body[0] if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) \
        and len(body[0].body) == 1 else None
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Attribute)
            and isinstance(small.targets[0].target.value, cst.Name) and small.targets[0].target.value.value == "self"
            and isinstance(small.value, cst.Call) and not small.value.args
            and (dotted(small.value.func) or "").split(".")[-1] in ("Session", "InteractiveSession")):
        return None
    if sub_init is not None:
        first = _body(sub_init)[:1]
        if not (first and _super_init(first[0])) \
                or sum(1 for n in walk(sub_init) if isinstance(n, cst.Name) and n.value == "super") != 1:
            return None
    return small.targets[0].target.attr.value, small.value


def _super_init(st: cst.CSTNode) -> bool:
    small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
    c = small.value if isinstance(small, cst.Expr) else None
    return isinstance(c, cst.Call) and not c.args and isinstance(c.func, cst.Attribute) \
        and c.func.attr.value == "__init__" and isinstance(c.func.value, cst.Call) \
        and isinstance(c.func.value.func, cst.Name) and c.func.value.func.value == "super" and not c.func.value.args


def _without_init(cls: cst.ClassDef, base: str, sub: str) -> cst.ClassDef:
    """The base's constructor (its session now made at the construction) and the subclass's
    ``super().__init__()`` gone."""
    if cls.name.value not in (base, sub):
        return cls
    keep = []
    for st in cls.body.body:
        if isinstance(st, cst.FunctionDef) and st.name.value == "__init__":
            if cls.name.value == base:
                continue
            rest = [s for s in st.body.body if not _super_init(s)]
            st = st.with_changes(body=st.body.with_changes(body=rest or [cst.SimpleStatementLine([cst.Pass()])]))
        keep.append(st)
    return cls.with_changes(body=cls.body.with_changes(body=keep or [cst.SimpleStatementLine([cst.Pass()])]))


def _drop_uncalled(module: cst.Module, expanded: set, owners: dict[int, tuple[str, ...]]) -> cst.Module:
    """Methods written out at every call (no ``.<m>`` left in the file) removed from their classes
    (``owners``: the id of a method table -> the classes it was made of)."""
    drop: dict[str, set[str]] = {}
    for key, m in expanded:
        for cname in owners.get(key, ()):
            drop.setdefault(cname, set()).add(m)
    imported: set[str] = set()
    for n in walk(module):
        if isinstance(n, cst.ImportAlias):
            imported.add(n.asname.name.value if n.asname is not None and isinstance(n.asname.name, cst.Name)
                         else (dotted(n.name) or "").split(".")[0])

    def a_use(n: cst.CSTNode) -> bool:
        # ``tf.train.X`` names a module's attribute, not a method
        return isinstance(n, cst.Attribute) and (dotted(n) or ".").split(".")[0] not in imported

    while True:
        used: set[str] = set()
        for st in module.body:
            parts = [s for s in st.body.body if not (isinstance(s, cst.FunctionDef) and s.name.value
                                                    in drop.get(st.name.value, ()))] \
                if isinstance(st, cst.ClassDef) else [st]
            used |= {n.attr.value for p in parts for n in walk(p) if a_use(n)}
        if not any(m in used for ms in drop.values() for m in ms):
            break
        drop = {c: ms - used for c, ms in drop.items()}
    body = []
    for st in module.body:
        if isinstance(st, cst.ClassDef) and st.name.value in drop:
            keep = [s for s in st.body.body
                    if not (isinstance(s, cst.FunctionDef) and s.name.value in drop[st.name.value])]
            st = st.with_changes(body=st.body.with_changes(body=keep or [cst.SimpleStatementLine([cst.Pass()])]))
        body.append(st)
    return module.with_changes(body=body)
