"""A function or class handed to a module function as an argument, the same one at every call
(rule TFM194's pre-step): a pure function of the source.

The form (rajibchakravorty/tf_siamese's ``train_step``)::

    def train_step(images_one, images_two, network, optimizer, ...):
        updater = optimizer(learning_rate=rate)
        out_one = network(images_one, reuse=False)
        out_two = network(images_two, reuse=True)
        ...

    class Config(object):
        optimizer = tf.train.MomentumOptimizer

    class Trainer():
        def __init__(self, network, config):
            self.network = network
            self.config = config
        def train(self, ...):
            ... = train_step(..., network=self.network, optimizer=self.config.optimizer)

    Trainer(cnn_archi, Config()).train(...)

TF1 semantics: a Python callable is called where the graph is built; calling the parameter is
calling the one object every call site hands over. ``resolve_callable_params`` writes that object
at the parameter's calls (``out_one = cnn_archi(images_one, reuse=False)``, ``updater =
tf.train.MomentumOptimizer(learning_rate=rate)``), so the analyses that follow tower builders,
optimizers and layers see them (the sharing analysis saw an unknown ``network``). The parameter
and the arguments stay (nothing else changes).

An argument resolves to a module-level function or class bound once (by ``def`` / ``class``), or
a TensorFlow ``train`` name (the optimizer classes; an op such as ``tf.nn.relu`` handed as an
activation is left as written); through ``self.attr`` inside a class whose ``__init__``
binds ``self.attr = <its parameter>`` (the only store of that attribute in the file) and which the
file constructs exactly once (the argument that construction gives); and through ``obj.attr``
where ``obj`` resolves to ``K()`` of a module-level class without ``__init__`` whose body binds
``attr`` once (and the file stores no ``.attr`` elsewhere). Only a parameter read solely as the
callee of calls and never rebound, of a module-level function referenced only by calls, each
call binding it (or the parameter's default) to an argument resolving to the same object.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes
from ..emit import drop_left_comma_args
from ..names import dotted
from .placeholder_forms import _tf_aliases


def _param_names(fn: cst.FunctionDef) -> list[str]:
    return [p.name.value for p in fn.params.params]


def _stores_param(init: cst.FunctionDef, st: cst.CSTNode) -> bool:
    """``st`` is ``self.attr = <a parameter of __init__>`` inside ``init``, the parameter never rebound."""
    if not (isinstance(st, cst.Assign) and len(st.targets) == 1 and isinstance(st.value, cst.Name)
            and any(x is st for x in _nodes(init)) and st.value.value in _param_names(init)[1:]):
        return False
    name = st.value.value
    return not any(isinstance(n, (cst.AssignTarget, cst.AugAssign)) and isinstance(n.target, cst.Name)
                   and n.target.value == name for n in _nodes(init))


def _bound_arg(fn: cst.FunctionDef, call: cst.Call, name: str, skip_self: bool = False):
    """The argument expression ``call`` binds to parameter ``name`` (its default when omitted), or None."""
    params = fn.params.params[1:] if skip_self else fn.params.params
    names = [p.name.value for p in params]
    if name not in names or any(a.star for a in call.args):
        return None
    i = names.index(name)
    pos = [a for a in call.args if a.keyword is None]
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a.value
    if i < len(pos):
        return pos[i].value
    return params[i].default


# the last module's facts: the pre-steps that start from them (TFM194's two, TFM196) run one
# after another on the same tree until one rewrites it (a _Facts is never changed once made)
_LAST: list = [None, None]


def facts_of(module: cst.Module) -> "_Facts":
    """``_Facts(module)``, made once for consecutive asks about the same tree."""
    if _LAST[0] is not module:
        _LAST[0], _LAST[1] = module, _Facts(module)
    return _LAST[1]


class _Facts:
    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.tf = _tf_aliases(module)
        self.top_defs: dict[str, cst.CSTNode] = {}
        counts: dict[str, int] = {}
        for s in module.body:
            if isinstance(s, (cst.FunctionDef, cst.ClassDef)):
                counts[s.name.value] = counts.get(s.name.value, 0) + 1
                self.top_defs[s.name.value] = s
        # a name bound at module level other than by its def: not one object
        for n in _nodes(module):
            if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name):
                counts[n.target.value] = counts.get(n.target.value, 0) + 1
        self.top_defs = {k: v for k, v in self.top_defs.items() if counts.get(k) == 1}
        self.attr_stores: dict[str, list[cst.Assign]] = {}
        self.calls_by_name: dict[str, list[cst.Call]] = {}
        self.name_uses: dict[str, int] = {}
        skip: set[int] = set()
        for n in _nodes(module):
            if isinstance(n, cst.Attribute):
                skip.add(id(n.attr))
            elif isinstance(n, cst.Arg) and n.keyword is not None:
                skip.add(id(n.keyword))
            elif isinstance(n, cst.Name) and id(n) not in skip:
                self.name_uses[n.value] = self.name_uses.get(n.value, 0) + 1
            if isinstance(n, cst.Call) and isinstance(n.func, cst.Name):
                self.calls_by_name.setdefault(n.func.value, []).append(n)
            if isinstance(n, cst.Assign):
                for t in n.targets:
                    for x in _nodes(t.target):
                        if isinstance(x, cst.Attribute):
                            self.attr_stores.setdefault(x.attr.value, []).append(n)
            if isinstance(n, (cst.AugAssign, cst.AnnAssign)):
                for x in _nodes(n.target):
                    if isinstance(x, cst.Attribute):
                        self.attr_stores.setdefault(x.attr.value, []).append(n)
        self.method_class: dict[int, cst.ClassDef] = {}
        for c in self.top_defs.values():
            if isinstance(c, cst.ClassDef):
                for s in c.body.body:
                    if isinstance(s, cst.FunctionDef):
                        for x in _nodes(s):
                            self.method_class[id(x)] = c

    def only_called(self, name: str) -> list[cst.Call] | None:
        """The calls of a module-level name referenced only as a callee (None otherwise)."""
        calls = self.calls_by_name.get(name, [])
        defs = 1 if name in self.top_defs else 0
        if self.name_uses.get(name, 0) != len(calls) + defs:
            return None
        return calls

    def resolve(self, e: cst.BaseExpression | None, at: cst.CSTNode, depth: int = 0) -> str | None:
        """The code of the object ``e`` evaluates to (read at node ``at``), or None."""
        if e is None or depth > 6:
            return None
        if isinstance(e, cst.Name):
            d = self.top_defs.get(e.value)
            return e.value if d is not None else None
        d = dotted(e) if isinstance(e, cst.Attribute) else None
        if d is None:
            return None
        root, *rest = d.split(".")
        if root in self.tf:
            return d
        if not isinstance(e, cst.Attribute):
            return None
        attr = e.attr.value
        owner = e.value
        # self.attr in a method of a class constructed once, bound in __init__ from a parameter
        if isinstance(owner, cst.Name) and owner.value == "self":
            cls = self.method_class.get(id(at))
            if cls is None:
                return None
            stores = self.attr_stores.get(attr, [])
            init = next((s for s in cls.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"),
                        None)
            if init is None or len(stores) != 1:
                return None
            st = stores[0]
            if not _stores_param(init, st):
                return None
            constructions = self.only_called(cls.name.value)
            if constructions is None or len(constructions) != 1:
                return None
            arg = _bound_arg(init, constructions[0], st.value.value, skip_self=True)
            return self._resolve_object(arg, constructions[0], attr=None, depth=depth + 1)
        # obj.attr where obj is an instance K() of a class without __init__: K's class attribute
        return self._resolve_object(owner, at, attr=attr, depth=depth + 1)

    def _resolve_object(self, e, at, attr: str | None, depth: int) -> str | None:
        if attr is None:
            return self.resolve(e, at, depth)
        # e must evaluate to ``K()``: an instance of a module class whose body binds ``attr``
        inst = self._instance(e, at, depth)
        if inst is None:
            return None
        cls = self.top_defs.get(inst)
        if not isinstance(cls, cst.ClassDef) or self.attr_stores.get(attr):
            return None
        if any(isinstance(s, cst.FunctionDef) and s.name.value == "__init__" for s in cls.body.body):
            return None
        values = [s.body[0].value for s in cls.body.body
                  if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign)
                  and any(isinstance(t.target, cst.Name) and t.target.value == attr for t in s.body[0].targets)]
        if len(values) != 1:
            return None
        return self.resolve(values[0], cls, depth + 1)

    def _instance(self, e, at, depth: int) -> str | None:
        """The class name when ``e`` evaluates to ``K()`` (no arguments) of a module class."""
        if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and not e.args:
            return e.func.value if isinstance(self.top_defs.get(e.func.value), cst.ClassDef) else None
        if isinstance(e, cst.Attribute) and isinstance(e.value, cst.Name) and e.value.value == "self":
            cls = self.method_class.get(id(at))
            stores = self.attr_stores.get(e.attr.value, [])
            if cls is None or len(stores) != 1:
                return None
            init = next((s for s in cls.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"),
                        None)
            if init is None or not _stores_param(init, stores[0]):
                return None
            st = stores[0]
            constructions = self.only_called(cls.name.value)
            if constructions is None or len(constructions) != 1:
                return None
            return self._instance(_bound_arg(init, constructions[0], st.value.value, skip_self=True),
                                  constructions[0], depth + 1)
        return None


def _callee_only(fn: cst.FunctionDef, name: str) -> list[cst.Name] | None:
    """The Name nodes calling parameter ``name`` when every read of it in the body is a callee."""
    callees = {id(n.func) for n in _nodes(fn.body) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name)}
    skip: set[int] = set()
    out = []
    for n in _nodes(fn.body):
        if isinstance(n, cst.Attribute):
            skip.add(id(n.attr))
        elif isinstance(n, cst.Arg) and n.keyword is not None:
            skip.add(id(n.keyword))
        elif isinstance(n, (cst.Lambda, cst.FunctionDef, cst.ClassDef, cst.Global, cst.Nonlocal)):
            return None
        elif isinstance(n, cst.Name) and id(n) not in skip and n.value == name:
            if id(n) not in callees:
                return None
            out.append(n)
    return out or None


class _Write(cst.CSTTransformer):
    def __init__(self, names: dict[int, str], params: set[int], args: set[int]) -> None:
        self.names, self.params, self.args = names, params, args

    def leave_Name(self, original, updated):
        new = self.names.get(id(original))
        return cst.parse_expression(new) if new is not None else updated

    def leave_Param(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.params else updated

    def leave_Arg(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.args else updated

    def leave_Call(self, original, updated):
        return drop_left_comma_args(original, updated)

    def leave_Parameters(self, original, updated):
        if len(updated.params) < len(original.params) and updated.params and not isinstance(updated.star_arg, cst.Param) \
                and isinstance(updated.params[-1].comma, cst.Comma) \
                and not isinstance(original.params[-1].comma, cst.Comma):
            return updated.with_changes(params=[*updated.params[:-1], updated.params[-1].with_changes(
                comma=cst.MaybeSentinel.DEFAULT)])
        return updated


class _DropAttrs(cst.CSTTransformer):
    def __init__(self, stmts: set[int]) -> None:
        self.stmts = stmts

    def leave_SimpleStatementLine(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.stmts else updated

    def leave_IndentedBlock(self, original, updated):
        if not updated.body:
            return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated


def _arg_node(fn: cst.FunctionDef, call: cst.Call, name: str) -> cst.Arg | None:
    names = _param_names(fn)
    i = names.index(name)
    pos = [a for a in call.args if a.keyword is None]
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a
    return pos[i] if i < len(pos) else None


def _plain(e: cst.BaseExpression) -> bool:
    return isinstance(e, cst.Name) or (isinstance(e, cst.Attribute) and dotted(e) is not None)


def _has_params(module: cst.Module) -> bool:
    """A module-level function with a parameter: what both resolutions start from."""
    return any(isinstance(s, cst.FunctionDef) and s.params.params for s in module.body)


def resolve_callable_params(module: cst.Module) -> cst.Module | None:
    if not _has_params(module):
        return None
    facts = facts_of(module)
    if not facts.tf:
        return None
    names: dict[int, str] = {}
    params: set[int] = set()
    args: set[int] = set()
    carried: set[str] = set()  # attribute names the removed arguments read (``self.config.optimizer``)
    for fn, calls in _plain_functions(module, facts):
        for param in _param_names(fn):
            reads = _callee_only(fn, param)
            if reads is None:
                continue
            targets = {facts.resolve(_bound_arg(fn, c, param), c) for c in calls}
            if len(targets) != 1 or None in targets:
                continue
            target = targets.pop()
            root = target.split(".")[0]
            if root in facts.tf and ".train." not in f".{target}.":
                continue  # an op (tf.nn.relu as an activation): not a builder or an optimizer

            if root in _param_names(fn) or any(isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name)
                                               and n.target.value == root for n in _nodes(fn)):
                continue  # the object's name is shadowed inside the function
            for n in reads:
                names[id(n)] = target
            # the parameter is read by nothing now: it goes, with the plain arguments (names, attributes)
            # that carried the object (a positional argument at its index: the others keep their places)
            given = [_arg_node(fn, c, param) for c in calls]
            if all(a is None or _plain(a.value) for a in given):
                params.add(id(next(q for q in fn.params.params if q.name.value == param)))
                for a in given:
                    if a is not None:
                        args.add(id(a))
                        if isinstance(a.value, cst.Attribute):
                            carried.add(a.value.attr.value)
    if not names:
        return None
    new = module.visit(_Write(names, params, args))
    return _drop_carrier_attributes(new, carried, facts.tf)


def _drop_carrier_attributes(module: cst.Module, carried: set[str], tf: set[str]) -> cst.Module:
    """A class attribute bound to a TensorFlow name (``optimizer = tf.train.AdamOptimizer``) that only
    carried the object to the removed arguments: read nowhere in the file any more, it goes."""
    if not carried or any(w in module.code for w in ("getattr", "__dict__", "vars(")):
        return module
    read = {n.attr.value for n in _nodes(module) if isinstance(n, cst.Attribute)}
    stmts: set[int] = set()
    for c in module.body:
        if not isinstance(c, cst.ClassDef):
            continue
        for s in c.body.body:
            if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign) \
                    and len(s.body[0].targets) == 1 and isinstance(s.body[0].targets[0].target, cst.Name):
                attr = s.body[0].targets[0].target.value
                d = dotted(s.body[0].value) if isinstance(s.body[0].value, cst.Attribute) else None
                if attr in carried and attr not in read and d is not None and d.split(".")[0] in tf:
                    stmts.add(id(s))
    return module.visit(_DropAttrs(stmts)) if stmts else module


# -- TFM195: a keyword dict handed to a module function as an argument -------------------------------
"""The form (rajibchakravorty/tf_siamese's ``optimizer_kwargs``)::

    def train_step(loss, rate, optimizer_kwargs):
        if optimizer_kwargs is None:
            updater = tf.train.MomentumOptimizer(learning_rate=rate)
        else:
            updater = tf.train.MomentumOptimizer(learning_rate=rate, **optimizer_kwargs)

    class Config(object):
        optimizer_kwargs = {'momentum': 0.9}
    ... train_step(loss, rate, optimizer_kwargs=self.config.optimizer_kwargs)   # the one Config()

TF1 semantics: the parameter is the one dict every call hands over (a display of literals nothing
mutates), so ``optimizer_kwargs is None`` is False when the graph is built and ``**optimizer_kwargs``
passes its keywords. ``resolve_dict_params`` writes that: the ``if`` on the parameter replaced by
the branch the dict selects, the keywords written at each ``**`` (``tf.train.MomentumOptimizer(
learning_rate=rate, momentum=0.9)``), the parameter and the arguments that carried it removed.
"""


def _literal(e: cst.BaseExpression) -> bool:
    if isinstance(e, cst.Name):
        return e.value in ("None", "True", "False")
    if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus):
        return isinstance(e.expression, (cst.Integer, cst.Float))
    return isinstance(e, (cst.Integer, cst.Float, cst.SimpleString))


def _literal_dict(e: cst.BaseExpression | None) -> dict[str, cst.BaseExpression] | None:
    """``{'k': literal, ...}`` with distinct identifier keys -> {k: value node}, else None."""
    import ast
    if not isinstance(e, cst.Dict):
        return None
    out: dict[str, cst.BaseExpression] = {}
    for el in e.elements:
        if not isinstance(el, cst.DictElement) or not isinstance(el.key, cst.SimpleString) or not _literal(el.value):
            return None
        try:
            k = ast.literal_eval(el.key.value)
        except (ValueError, SyntaxError):
            return None
        if not isinstance(k, str) or not k.isidentifier() or k in out:
            return None
        out[k] = el.value
    return out


def _dict_value(facts: _Facts, e: cst.BaseExpression | None, at: cst.CSTNode, depth: int = 0):
    """The dict display (or ``None``) ``e`` evaluates to, through the chains ``resolve`` follows."""
    if e is None or depth > 6:
        return None
    if isinstance(e, cst.Dict) or (isinstance(e, cst.Name) and e.value == "None"):
        return e
    if isinstance(e, cst.Name):
        binds = [s.body[0] for s in facts.module.body if isinstance(s, cst.SimpleStatementLine)
                 and len(s.body) == 1 and isinstance(s.body[0], cst.Assign) and len(s.body[0].targets) == 1
                 and isinstance(s.body[0].targets[0].target, cst.Name) and s.body[0].targets[0].target.value == e.value]
        stores = sum(1 for n in _nodes(facts.module) if isinstance(n, (cst.AssignTarget, cst.AugAssign))
                     and isinstance(n.target, cst.Name) and n.target.value == e.value)
        return binds[0].value if len(binds) == 1 and stores == 1 and isinstance(binds[0].value, cst.Dict) else None
    if not isinstance(e, cst.Attribute):
        return None
    attr, owner = e.attr.value, e.value
    if isinstance(owner, cst.Name) and owner.value == "self":
        cls = facts.method_class.get(id(at))
        stores = facts.attr_stores.get(attr, [])
        if cls is None or len(stores) != 1:
            return None
        init = next((s for s in cls.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None)
        if init is None or not _stores_param(init, stores[0]):
            return None
        constructions = facts.only_called(cls.name.value)
        if constructions is None or len(constructions) != 1:
            return None
        arg = _bound_arg(init, constructions[0], stores[0].value.value, skip_self=True)
        if isinstance(arg, (cst.Name, cst.Attribute)) and _carrier_reads(facts.module, arg) != 1:
            return None  # the dict is read elsewhere too (it might be mutated there)
        return _dict_value(facts, arg, constructions[0], depth + 1)
    inst = facts._instance(owner, at, depth)
    cls = facts.top_defs.get(inst) if inst is not None else None
    if not isinstance(cls, cst.ClassDef) or facts.attr_stores.get(attr) \
            or any(isinstance(s, cst.FunctionDef) and s.name.value == "__init__" for s in cls.body.body):
        return None
    values = [s.body[0].value for s in cls.body.body
              if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign)
              and any(isinstance(t.target, cst.Name) and t.target.value == attr for t in s.body[0].targets)]
    if len(values) != 1 or not (isinstance(values[0], cst.Dict)
                                or (isinstance(values[0], cst.Name) and values[0].value == "None")):
        return None
    return values[0]


def _carrier(facts: _Facts, e: cst.BaseExpression) -> bool:
    """A name, a dotted attribute, or ``K().attr`` of a module class without ``__init__`` (removing it
    removes nothing the program does)."""
    if _plain(e):
        return True
    return isinstance(e, cst.Attribute) and isinstance(e.value, cst.Call) and not e.value.args \
        and isinstance(e.value.func, cst.Name) and isinstance(facts.top_defs.get(e.value.func.value), cst.ClassDef) \
        and not any(isinstance(s, cst.FunctionDef) and s.name.value == "__init__"
                    for s in facts.top_defs[e.value.func.value].body.body)


def _last(e: cst.BaseExpression) -> str:
    return e.attr.value if isinstance(e, cst.Attribute) else e.value if isinstance(e, cst.Name) else ""


def _carrier_reads(module: cst.Module, e: cst.BaseExpression) -> int:
    """How many times the file reads the name / attribute ``e`` ends in (each read may mutate the dict)."""
    if isinstance(e, cst.Attribute):
        stored = {id(t.target) for t in _nodes(module) if isinstance(t, cst.AssignTarget)}
        return sum(1 for n in _nodes(module) if isinstance(n, cst.Attribute) and n.attr.value == e.attr.value
                   and id(n) not in stored)
    skip: set[int] = set()
    count = 0
    for n in _nodes(module):
        if isinstance(n, cst.Attribute):
            skip.add(id(n.attr))
        elif isinstance(n, cst.Arg) and n.keyword is not None:
            skip.add(id(n.keyword))
        elif isinstance(n, cst.Name) and n.value == e.value and id(n) not in skip:
            count += 1
    return count - 1  # its one binding


def _dict_param_uses(fn: cst.FunctionDef, name: str):
    """(the ``**name`` Args, the If nodes testing the parameter) when every read of the parameter is one of
    them (``if name is None`` / ``is not None`` / ``if name`` / ``if not name``) and nothing rebinds it."""
    stars: list[cst.Arg] = []
    ifs: list[cst.If] = []
    ok_names: set[int] = set()
    elifs = {id(n.orelse) for n in _nodes(fn.body) if isinstance(n, cst.If) and isinstance(n.orelse, cst.If)}
    for n in _nodes(fn.body):
        if isinstance(n, (cst.Lambda, cst.FunctionDef, cst.ClassDef, cst.Global, cst.Nonlocal, cst.ListComp,
                          cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            return None
        if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.WithItem)) \
                and any(isinstance(x, cst.Name) and x.value == name
                        for x in _nodes(getattr(n, "target", None) or getattr(n, "asname", None) or cst.Pass())):
            return None
        if isinstance(n, cst.Arg) and n.star == "**" and isinstance(n.value, cst.Name) and n.value.value == name:
            stars.append(n)
            ok_names.add(id(n.value))
        elif isinstance(n, cst.If) and _param_test(n.test, name) is not None:
            if id(n) in elifs:
                return None
            ifs.append(n)
            ok_names.update(id(x) for x in _nodes(n.test))
    skip: set[int] = set()
    for n in _nodes(fn.body):
        if isinstance(n, cst.Attribute):
            skip.add(id(n.attr))
        elif isinstance(n, cst.Arg) and n.keyword is not None:
            skip.add(id(n.keyword))
        elif isinstance(n, cst.Name) and n.value == name and id(n) not in skip and id(n) not in ok_names:
            return None
    return (stars, ifs) if stars or ifs else None


def _param_test(test: cst.BaseExpression, name: str):
    """How an ``if`` test reads the parameter: 'none' / 'not none' / 'truth' / 'not truth', else None."""
    if isinstance(test, cst.Name) and test.value == name:
        return "truth"
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _param_test(test.expression, name)
        flip = {"truth": "not truth", "not truth": "truth", "none": "not none", "not none": "none"}
        return flip.get(inner) if inner is not None else None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name) \
            and test.left.value == name and isinstance(test.comparisons[0].comparator, cst.Name) \
            and test.comparisons[0].comparator.value == "None":
        op = test.comparisons[0].operator
        return "none" if isinstance(op, cst.Is) else "not none" if isinstance(op, cst.IsNot) else None
    return None


def _test_value(kind: str, value: cst.BaseExpression) -> bool:
    is_none = isinstance(value, cst.Name)
    truth = not is_none and bool(value.elements)
    return {"none": is_none, "not none": not is_none, "truth": truth, "not truth": not truth}[kind]


class _WriteDicts(cst.CSTTransformer):
    def __init__(self, stars: dict[int, dict], ifs: dict[int, bool], params: set[int], args: set[int]) -> None:
        self.stars, self.ifs, self.params, self.args = stars, ifs, params, args

    def leave_If(self, original, updated):
        taken = self.ifs.get(id(original))
        if taken is None:
            return updated
        if taken:
            return cst.FlattenSentinel(list(updated.body.body)) if isinstance(updated.body, cst.IndentedBlock) \
                else cst.FlattenSentinel([cst.SimpleStatementLine(list(updated.body.body))])
        o = updated.orelse
        if o is None:
            return cst.RemoveFromParent()
        if isinstance(o, cst.If):
            return o.with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(list(o.body.body)) if isinstance(o.body, cst.IndentedBlock) \
            else cst.FlattenSentinel([cst.SimpleStatementLine(list(o.body.body))])

    def leave_Call(self, original, updated):
        if updated.args and isinstance(updated.args[-1].comma, cst.Comma) \
                and not isinstance(original.args[-1].comma, cst.Comma):
            updated = updated.with_changes(args=[*updated.args[:-1], updated.args[-1].with_changes(
                comma=cst.MaybeSentinel.DEFAULT)])
        return drop_left_comma_args(original, updated)

    def leave_Arg(self, original, updated):
        if id(original) in self.args:
            return cst.RemoveFromParent()
        kw = self.stars.get(id(original))
        if kw is None:
            return updated
        if not kw:
            return cst.RemoveFromParent()
        new = [cst.Arg(value=v, keyword=cst.Name(k), equal=cst.AssignEqual(cst.SimpleWhitespace(""),
                                                                             cst.SimpleWhitespace("")),
                       comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for k, v in kw.items()]
        new[-1] = new[-1].with_changes(comma=updated.comma)
        return cst.FlattenSentinel(new)

    def leave_Param(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.params else updated

    def leave_Parameters(self, original, updated):
        return _Write.leave_Parameters(self, original, updated)

    def leave_IndentedBlock(self, original, updated):
        if not updated.body:
            return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated


def _plain_functions(module: cst.Module, facts):
    """The module's functions without decorators, ``*args`` / ``**kwargs``, positional-only or
    keyword-only parameters that are called (and only called) in the file: ``(fn, calls)``."""
    for fn in module.body:
        if not isinstance(fn, cst.FunctionDef) or fn.decorators or fn.name.value not in facts.top_defs:
            continue
        p = fn.params
        if (p.star_arg is not cst.MaybeSentinel.DEFAULT and p.star_arg is not None) or p.star_kwarg is not None \
                or p.posonly_params or p.kwonly_params:
            continue
        calls = facts.only_called(fn.name.value)
        if calls:
            yield fn, calls


def resolve_dict_params(module: cst.Module) -> cst.Module | None:
    if not _has_params(module):
        return None
    facts = facts_of(module)
    if not facts.tf or any(w in module.code for w in ("getattr", "setattr", "__dict__", "vars(")):
        return None
    stars: dict[int, dict] = {}
    ifs: dict[int, bool] = {}
    params: set[int] = set()
    args: set[int] = set()
    for fn, calls in _plain_functions(module, facts):
        for param in _param_names(fn):
            uses = _dict_param_uses(fn, param)
            if uses is None:
                continue
            given = [_bound_arg(fn, c, param) for c in calls]
            values = [_dict_value(facts, g, c) for g, c in zip(given, calls)]
            if any(v is None for v in values) or len({cst.Module([]).code_for_node(v) for v in values}) != 1:
                continue
            value = values[0]
            kw = _literal_dict(value) if isinstance(value, cst.Dict) else None
            if isinstance(value, cst.Dict) and kw is None:
                continue
            # the dict reaches the function only through these arguments (nothing else may mutate it)
            nodes = [_arg_node(fn, c, param) for c in calls]
            carriers = [a.value for a in nodes if a is not None]
            if not all(isinstance(v, cst.Dict) or (_carrier(facts, v) and _carrier_reads(module, v) == sum(
                    1 for w in carriers if type(w) is type(v) and _last(w) == _last(v))) for v in carriers):
                continue
            star_args, tests = uses
            decided = {id(i): _test_value(_param_test(i.test, param), value) for i in tests}
            # a ``**`` left in a branch that stays, with no dict (None), or a keyword the call passes too
            # (TypeError in TF1): declined
            dead: set[int] = set()
            for i in tests:
                gone = i.orelse if decided[id(i)] else i.body
                if gone is not None:
                    dead.update(id(x) for x in _nodes(gone))
            live = [a for a in star_args if id(a) not in dead]
            if live and kw is None:
                continue
            calls_of = {id(a): c for c in _nodes(fn.body) if isinstance(c, cst.Call) for a in c.args}
            if any(any(b.keyword is not None and b.keyword.value in kw for b in calls_of[id(a)].args)
                   or sum(1 for b in calls_of[id(a)].args if b.star) > 1 for a in live):
                continue
            for a in star_args:
                stars[id(a)] = kw or {}
            ifs.update(decided)
            params.add(id(next(q for q in fn.params.params if q.name.value == param)))
            args.update(id(a) for a in nodes if a is not None)
    if not stars and not ifs:
        return None
    return module.visit(_WriteDicts(stars, ifs, params, args))
