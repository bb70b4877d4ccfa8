"""Session-owning trainer objects and comprehension feeds (rules TFM156 / TFM160's pre-steps):
pure functions of the source.

TFM156 - a generic trainer class whose one instance is made at module level and whose methods own
the session::

    class Trainer(object):
        def __init__(self, train_op, inputs, next_batch, metrics=()):
            self.train_op, self.inputs, self.next_batch = train_op, inputs, next_batch
            self.names = list(map(itemgetter(0), metrics))
            self.tensors = list(map(itemgetter(1), metrics))

        def train(self, steps):
            sess = tf.Session()
            ...
            return sess

    trainer = Trainer(step, (xa, xb), gen.next, metrics=(('loss', loss),))
    sess = trainer.train(200)

TF1 semantics: the object only carries graph tensors and Python values from the constructor to the
method; calling the method runs its statements with ``self.<attr>`` reading what the constructor
stored. Written out at the call (the constructor's arguments read where the method read the
attributes, the method's parameters replaced by the call's arguments, ``return x`` -> ``sess = x``)
it is the same program - the plain module-level session program the session rules translate - and
the class and the construction go.

Written out only where that is so: the class is a module-level class (no decorators, no base but
``object``) of plain methods, one of which makes a ``Session``; its name is read once, by ``<obj> =
<Class>(...)``, a statement of the module's block, of a top-level ``if __name__ == '__main__':`` or of a
module function (there a method's locals become the function's: none the function reads elsewhere or the
module binds); every other read of ``<obj>`` is a statement ``[<name> =] <obj>.<method>(...)`` of the same
block after it. The constructor's statements are ``self.<attr> =
<expr>``, ``<param> = <expr>``, expression statements and ``if`` statements whose test the
arguments decide; values that are STABLE once the arguments are read in (names, dotted attributes,
literals and tuple / list displays of those; a few calls are folded where the arguments are
displays: ``isinstance(<display>, (list, tuple))``, ``list(map(itemgetter(k), <display>))``, ``[m[k]
for m in <display>]``, ``list(<display>)``, ``len(<display>)``, ``<display>[k]``) are read where the
methods read the attribute; any other value (a call: ``self.sess = tf.Session()``, a train op) and
every expression statement is made at the construction, in order, bound to ``<obj>_<attr>`` (an
argument's part, ``<obj>_<param>[_<k>]``); no statement between the construction and a call binds a
name those values read. A method's argument that is not stable is bound to the parameter's name at
the call (a name the module binds nowhere and no function reads).
A method written out has no return but a last ``return <expr>``, no ``yield`` / ``global`` /
nested definitions, reads ``self`` only as ``self.<attr>``, never stores a constructor attribute
(other attributes it stores become module names ``<obj>_<attr>``), calls no other method, and binds
no name that the module binds before the call (the call's own target aside) or that another
function of the module reads. Anything else leaves the file as written.

TFM160 - a feed dict built by a comprehension over a tuple of placeholders known statically::

    {(xa, xb)[i]: batch[i] for i in range(len((xa, xb)))}   ->  {xa: batch[0], xb: batch[1]}
    {p: b for p, b in zip((xa, xb), batch)}                  ->  {xa: batch[0], xb: batch[1]}
    dict(zip((xa, xb), batch))                               ->  {xa: batch[0], xb: batch[1]}

(the display may also be a module name bound once, at module level, to such a display of names).
The same dict, built by the same reads of ``batch`` (TF1's feed is a Python dict), written as a
display: the session rules read a display's keys.
"""
from __future__ import annotations

import libcst as cst

from ..args import bind_def
from ..cstcache import children as _kids
from ..cstcache import read_names, walk
from ..names import dotted
from .flow import target_names

_NESTED = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_DISPLAY = (cst.Tuple, cst.List)


class _Decline(Exception):
    pass


# ---------------------------------------------------------------- static values

def _stable(e: cst.BaseExpression) -> bool:
    if isinstance(e, (cst.Integer, cst.Float, cst.SimpleString, cst.Name)):
        return True
    if isinstance(e, cst.Attribute):
        return dotted(e) is not None
    if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus):
        return isinstance(e.expression, (cst.Integer, cst.Float))
    if isinstance(e, _DISPLAY):
        return all(isinstance(x, cst.Element) and _stable(x.value) for x in e.elements)
    return False


def _int(e: cst.BaseExpression) -> int | None:
    if isinstance(e, cst.Integer):
        return int(e.value, 0)
    return None


def _elements(e: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    if isinstance(e, _DISPLAY) and all(isinstance(x, cst.Element) for x in e.elements):
        return [x.value for x in e.elements]
    return None


def _list(values: list[cst.BaseExpression]) -> cst.List:
    return cst.List([cst.Element(v.deep_clone()) for v in values])


_UNKNOWN = object()


def _constant(e: cst.BaseExpression):
    """The value of a literal string / number / None / True / False, or ``_UNKNOWN``."""
    if isinstance(e, (cst.SimpleString, cst.Integer, cst.Float)):
        return e.evaluated_value
    if isinstance(e, cst.Name) and e.value in ("None", "True", "False"):
        return {"None": None, "True": True, "False": False}[e.value]
    return _UNKNOWN


def _bool_op(e: cst.BooleanOperation, decide) -> bool | None:
    """``a and b`` / ``a or b`` as Python evaluates it, each side's truth given by ``decide`` (None:
    not known; the right side is read only where the left does not settle it)."""
    left = decide(e.left)
    if left is None:
        return None
    if isinstance(e.operator, cst.And):
        return decide(e.right) if left else False
    return True if left else decide(e.right)


def _truth(e: cst.BaseExpression, builtins: set[str]) -> bool | None:
    """The value of ``isinstance(<display>, (list, tuple, ...))`` / ``None is [not] None``, or None."""
    if isinstance(e, cst.Name) and e.value in ("True", "False"):
        return e.value == "True"
    if isinstance(e, cst.Comparison) and len(e.comparisons) == 1 \
            and isinstance(e.comparisons[0].operator, (cst.Is, cst.IsNot)):
        # `None is not None` (a parameter defaulting to None, read in): identity of two constants
        left, right = e.left, e.comparisons[0].comparator
        consts = ("None", "True", "False")
        if isinstance(left, cst.Name) and isinstance(right, cst.Name) and left.value in consts \
                and right.value in consts:
            same = left.value == right.value
            return same if isinstance(e.comparisons[0].operator, cst.Is) else not same
        return None
    if isinstance(e, cst.Comparison) and len(e.comparisons) == 1 \
            and isinstance(e.comparisons[0].operator, (cst.Equal, cst.NotEqual)):
        # `"NHWC" != "NCHW"`: two literals (a constructor's value read where a method tests it)
        left, right = _constant(e.left), _constant(e.comparisons[0].comparator)
        if left is _UNKNOWN or right is _UNKNOWN:
            return None
        return (left == right) == isinstance(e.comparisons[0].operator, cst.Equal)
    if isinstance(e, cst.BooleanOperation):
        return _bool_op(e, lambda x: _truth(x, builtins))
    if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == "isinstance" \
            and "isinstance" in builtins and len(e.args) == 2 and not any(a.keyword or a.star for a in e.args):
        obj, kinds = e.args[0].value, e.args[1].value
        names = _elements(kinds) if isinstance(kinds, cst.Tuple) else [kinds]
        if names is None or not all(isinstance(n, cst.Name) and n.value in ("list", "tuple", "dict")
                                    and n.value in builtins for n in names):
            return None
        kind = {cst.Tuple: "tuple", cst.List: "list", cst.Dict: "dict"}.get(type(obj))
        if kind is None:
            return None
        return kind in {n.value for n in names}
    return None


def _literal_dict(e: cst.BaseExpression) -> bool:
    return isinstance(e, cst.Dict) and all(
        isinstance(el, cst.DictElement) and _constant(el.key) is not _UNKNOWN and _constant(el.value) is not _UNKNOWN
        for el in e.elements)


def _dict_item(d: cst.Dict, key: cst.BaseExpression):
    """The value a dict display of literal keys gives for a literal key: the node, None when the key
    is not there, ``_UNKNOWN`` when that cannot be told."""
    k = _constant(key)
    if k is _UNKNOWN:
        return _UNKNOWN
    found = None
    for el in d.elements:
        if not isinstance(el, cst.DictElement):
            return _UNKNOWN
        ek = _constant(el.key)
        if ek is _UNKNOWN:
            return _UNKNOWN
        if ek == k:
            found = el.value  # (the last one, as Python's)
    return found


class _Fold(cst.CSTTransformer):
    """Folds the calls on displays a trainer's constructor writes (see the module docstring)."""

    def __init__(self, builtins: set[str], itemgetters: set[str]):
        self.builtins, self.itemgetters = builtins, itemgetters

    def leave_IfExp(self, original, updated):
        t = _truth(updated.test, self.builtins)
        if t is None:
            return updated
        return updated.body if t else updated.orelse

    def leave_Subscript(self, original, updated):
        if isinstance(updated.value, cst.Dict) and len(updated.slice) == 1 \
                and isinstance(updated.slice[0].slice, cst.Index):
            # {'k': v, ...}['k'] (a configuration dict handed to the constructor)
            found = _dict_item(updated.value, updated.slice[0].slice.value)
            if found is not None and found is not _UNKNOWN:
                return found.deep_clone()
            return updated
        items = _elements(updated.value)
        if items is not None and len(updated.slice) == 1 and isinstance(updated.slice[0].slice, cst.Index):
            k = _int(updated.slice[0].slice.value)
            if k is not None and -len(items) <= k < len(items):
                return items[k].deep_clone()
        return updated

    def leave_ListComp(self, original, updated):
        # [m[k] for m in <display>]
        f = updated.for_in
        items = _elements(f.iter)
        if items is None or f.ifs or f.inner_for_in is not None or not isinstance(f.target, cst.Name):
            return updated
        el = updated.elt
        if not (isinstance(el, cst.Subscript) and isinstance(el.value, cst.Name) and el.value.value == f.target.value
                and len(el.slice) == 1 and isinstance(el.slice[0].slice, cst.Index)):
            return updated
        k = _int(el.slice[0].slice.value)
        out = []
        for it in items:
            sub = _elements(it)
            if k is None or sub is None or not -len(sub) <= k < len(sub):
                return updated
            out.append(sub[k])
        return _list(out)

    def leave_Call(self, original, updated):
        if isinstance(updated.func, cst.Attribute) and isinstance(updated.func.value, cst.Dict) \
                and updated.func.attr.value == "get" and 1 <= len(updated.args) <= 2 \
                and not any(a.keyword or a.star for a in updated.args):
            # {'k': v, ...}.get('k'[, default])
            found = _dict_item(updated.func.value, updated.args[0].value)
            if found is _UNKNOWN:
                return updated
            if found is None:
                return updated.args[1].value.deep_clone() if len(updated.args) == 2 else cst.Name("None")
            return found.deep_clone()
        if not isinstance(updated.func, cst.Name) or any(a.keyword or a.star for a in updated.args):
            return updated
        fn = updated.func.value
        if fn not in self.builtins and not (fn in self.itemgetters):
            return updated
        args = [a.value for a in updated.args]
        if fn == "len" and len(args) == 1 and _elements(args[0]) is not None:
            return cst.Integer(str(len(_elements(args[0]))))
        if fn == "list" and len(args) == 1:
            items = _elements(args[0])
            if items is not None:
                return _list(items)
            inner = args[0]
            # list(map(itemgetter(k), <display of displays>))
            if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Name) and inner.func.value == "map" \
                    and "map" in self.builtins and len(inner.args) == 2 \
                    and not any(a.keyword or a.star for a in inner.args):
                getter, seq = inner.args[0].value, _elements(inner.args[1].value)
                if isinstance(getter, cst.Call) and dotted(getter.func) in self.itemgetters \
                        and len(getter.args) == 1 and not getter.args[0].keyword and not getter.args[0].star \
                        and seq is not None:
                    k = _int(getter.args[0].value)
                    out = []
                    for it in seq:
                        sub = _elements(it)
                        if k is None or sub is None or not -len(sub) <= k < len(sub):
                            return updated
                        out.append(sub[k])
                    return _list(out)
        return updated


def _module_binds(module: cst.Module) -> set[str]:
    """Every name bound anywhere in the module (definitions, imports, assignment targets, params)."""
    out: set[str] = set()
    for n in walk(module):
        if isinstance(n, (cst.FunctionDef, cst.ClassDef)):
            out.add(n.name.value)
        elif isinstance(n, cst.ImportAlias):
            if n.asname is not None and isinstance(n.asname.name, cst.Name):
                out.add(n.asname.name.value)
            else:
                out.add((dotted(n.name) or "*").split(".")[0])
        elif isinstance(n, cst.ImportFrom) and isinstance(n.names, cst.ImportStar):
            out.add("*")
        elif isinstance(n, cst.Param):
            out.add(n.name.value)
        elif isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
            out.update(target_names(n.target))
    return out


def _itemgetters(module: cst.Module) -> set[str]:
    out: set[str] = set()
    for n in walk(module):
        if isinstance(n, cst.ImportFrom) and isinstance(n.module, cst.Name) and n.module.value == "operator" \
                and not isinstance(n.names, cst.ImportStar):
            for a in n.names:
                if isinstance(a.name, cst.Name) and a.name.value == "itemgetter":
                    out.add(a.asname.name.value if a.asname else "itemgetter")
        elif isinstance(n, cst.Import):
            for a in n.names:
                if isinstance(a.name, cst.Name) and a.name.value == "operator" and a.asname is None:
                    out.add("operator.itemgetter")
    return out


def _fold(e: cst.BaseExpression, builtins: set[str], getters: set[str]) -> cst.BaseExpression:
    return e.visit(_Fold(builtins, getters))


# ---------------------------------------------------------------- names

def _bound(st: cst.CSTNode, nested: bool = False) -> set[str]:
    """Names a statement binds (with ``nested``: comprehension / lambda targets too)."""
    out: set[str] = set()

    def target(t) -> None:
        out.update(target_names(t))

    todo = [st]
    while todo:
        n = todo.pop()
        if isinstance(n, cst.AssignTarget) or isinstance(n, (cst.AugAssign, cst.AnnAssign)):
            target(n.target)
        elif isinstance(n, (cst.For, cst.CompFor)) and (nested or isinstance(n, cst.For)):
            target(n.target)
        elif isinstance(n, cst.AsName):
            target(n.name)
        elif isinstance(n, cst.NamedExpr):
            target(n.target)
        elif isinstance(n, (cst.FunctionDef, cst.ClassDef)):
            out.add(n.name.value)
            continue
        elif isinstance(n, (cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal)):
            out.add("*")
        elif isinstance(n, cst.Lambda) and nested:
            out.update(p.name.value for p in n.params.params)
        if isinstance(n, _NESTED) and not nested and n is not st:
            continue
        todo.extend(_kids(n))
    return out


def _reads(node: cst.CSTNode) -> set[str]:
    """Names read (attribute names and keywords aside)."""
    return {n.value for n in read_names(node)}


def _free_reads(st: cst.CSTNode) -> set[str]:
    """Names the functions in ``st`` read and do not bind themselves (the globals they read)."""
    out: set[str] = set()
    for fn in walk(st):
        if isinstance(fn, cst.FunctionDef):
            own = _bound(fn.body, nested=True) | {p.name.value for p in walk(fn.params) if isinstance(p, cst.Param)}
            out |= _reads(fn.body) - own
    return out


class _Subst(cst.CSTTransformer):
    """``self.<attr>`` -> its value (or ``<obj>_<attr>``; ``self.<method>`` -> its name in
    ``methods``), parameters -> the call's arguments."""

    def __init__(self, attrs: dict, stored: dict, params: dict, methods: dict[str, str] | None = None):
        self.attrs, self.stored, self.params, self.methods = attrs, stored, params, methods or {}

    def leave_Attribute(self, original, updated):
        updated = updated.with_changes(attr=original.attr)
        if isinstance(updated.value, cst.Name) and updated.value.value == "self":
            a = updated.attr.value
            if a in self.attrs:
                return self.attrs[a].deep_clone()
            if a in self.stored:
                return cst.Name(self.stored[a])
            if a in self.methods:
                return cst.Name(self.methods[a])
            raise _Decline
        return updated

    def leave_Name(self, original, updated):
        if updated.value in self.params:
            return self.params[updated.value].deep_clone()
        return updated

    def leave_Arg(self, original, updated):
        return updated.with_changes(keyword=original.keyword)


def _no_self(node: cst.CSTNode) -> None:
    if "self" in _reads(node):
        raise _Decline


def _bind(fn: cst.FunctionDef, call: cst.Call) -> dict[str, cst.BaseExpression]:
    ps = fn.params
    if ps.star_arg is not cst.MaybeSentinel.DEFAULT and ps.star_arg is not None or ps.star_kwarg or ps.kwonly_params \
            or ps.posonly_params or any(a.star for a in call.args):
        raise _Decline
    if not ps.params or ps.params[0].name.value != "self":
        raise _Decline
    out = bind_def(fn, call, skip_self=True)
    if out is None:
        raise _Decline
    return out


def _makes_session(fn: cst.FunctionDef) -> bool:
    return any(isinstance(n, cst.Call) and (dotted(n.func) or "").split(".")[-1] in ("Session", "InteractiveSession")
               for n in walk(fn))


def _method_call(st: cst.CSTNode, obj: str) -> tuple[str | None, str, cst.Call] | None:
    """``[target =] obj.m(...)`` as a statement: (target, m, call)."""
    if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1):
        return None
    small = st.body[0]
    target = None
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        target, value = small.targets[0].target.value, small.value
    elif isinstance(small, cst.Expr):
        value = small.value
    else:
        return None
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
            and isinstance(value.func.value, cst.Name) and value.func.value.value == obj:
        return target, value.func.attr.value, value
    return None


def _construction(st: cst.CSTNode, cls: str) -> tuple[str, cst.Call] | None:
    if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
            and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name) \
            and isinstance(st.body[0].value, cst.Call) and isinstance(st.body[0].value.func, cst.Name) \
            and st.body[0].value.func.value == cls:
        return st.body[0].targets[0].target.value, st.body[0].value
    return None


def _count(module: cst.Module, name: str) -> int:
    return sum(1 for n in walk(module) if isinstance(n, cst.Name) and n.value == name)


def _hoist(e: cst.BaseExpression, name: str, out: list, taken: set[str]) -> cst.BaseExpression:
    """``e`` with each part that is not stable (a call: a graph op made at the construction) bound to a
    name of its own first, in the order Python evaluates the argument."""
    if _stable(e):
        return e
    items = _elements(e)
    if items is not None:
        new = [_hoist(x, f"{name}_{k}", out, taken) for k, x in enumerate(items)]
        return e.with_changes(elements=[el.with_changes(value=v) for el, v in zip(e.elements, new)])
    if name in taken or any(isinstance(n, (cst.Yield, cst.NamedExpr, cst.Lambda)) for n in walk(e)):
        raise _Decline
    taken.add(name)
    out.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(name))], e)]))
    return cst.Name(name)


def _plan_init(init: cst.FunctionDef | None, call: cst.Call, builtins: set[str], getters: set[str],
               obj: str, hoisted: list, taken: set[str]) -> dict:
    if init is None:
        if call.args:
            raise _Decline
        return {}
    # (a dict display of literals stays a display: the constructor's reads of it fold to its values;
    # stored whole it is no literal, and the model-object form declines it)
    env = {k: v if _literal_dict(v) else _hoist(_fold(v, builtins, getters), f"{obj}_{k}", hoisted, taken)
           for k, v in _bind(init, call).items()}
    attrs: dict[str, cst.BaseExpression] = {}
    body = list(init.body.body) if isinstance(init.body, cst.IndentedBlock) else []
    while body:
        st = body.pop(0)
        if isinstance(st, cst.If):
            # a test the arguments decide (`if not isinstance(report, (list, tuple)):`)
            test = _fold(st.test.visit(_Subst(attrs, {}, env)), builtins, getters)
            if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
                t = _truth(test.expression, builtins)
                t = None if t is None else not t
            else:
                t = _truth(test, builtins)
            if t is None:
                raise _Decline
            if t:
                chosen = list(st.body.body) if isinstance(st.body, cst.IndentedBlock) else None
            elif st.orelse is None:
                chosen = []
            elif isinstance(st.orelse, cst.Else) and isinstance(st.orelse.body, cst.IndentedBlock):
                chosen = list(st.orelse.body.body)
            elif isinstance(st.orelse, cst.If):
                chosen = [st.orelse]
            else:
                chosen = None
            if chosen is None:
                raise _Decline
            body = chosen + body
            continue
        if not isinstance(st, cst.SimpleStatementLine):
            raise _Decline
        for small in st.body:
            if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
                continue
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Expr):
                # a call made at the construction (`self.sess.run(init)`): made there, in order
                value = _fold(small.value.visit(_Subst(attrs, {}, env)), builtins, getters)
                _no_self(value)
                hoisted.append(cst.SimpleStatementLine([small.with_changes(value=value)]))
                continue
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
                raise _Decline
            tgt = small.targets[0].target
            value = _fold(small.value.visit(_Subst(attrs, {}, env)), builtins, getters)
            _no_self(value)
            pairs: list[tuple[cst.BaseExpression, cst.BaseExpression]]
            if isinstance(tgt, _DISPLAY):
                vals = _elements(value)
                tg = _elements(tgt)
                if vals is None or tg is None or len(vals) != len(tg):
                    raise _Decline
                pairs = list(zip(tg, vals))
            else:
                pairs = [(tgt, value)]
            for t, v in pairs:
                if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self":
                    # a value made here (`self.sess = tf.Session()`): made at the construction, in order
                    attrs[t.attr.value] = _hoist(v, f"{obj}_{t.attr.value}", hoisted, taken)
                elif isinstance(t, cst.Name) and t.value in env:
                    env[t.value] = _hoist(v, f"{obj}_{t.value}", hoisted, taken)
                else:
                    raise _Decline
    return attrs


def _check_method(fn: cst.FunctionDef, methods: dict) -> None:
    if fn.decorators or not isinstance(fn.body, cst.IndentedBlock):
        raise _Decline
    body = list(fn.body.body)
    for n in walk(fn.body):
        if isinstance(n, (cst.Yield, cst.Await, cst.Global, cst.Nonlocal, cst.FunctionDef, cst.ClassDef)):
            raise _Decline
        if isinstance(n, cst.Return) and not (body and isinstance(body[-1], cst.SimpleStatementLine)
                                              and len(body[-1].body) == 1 and body[-1].body[0] is n):
            raise _Decline
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and isinstance(n.func.value, cst.Name) \
                and n.func.value.value == "self" and n.func.attr.value in methods:
            raise _Decline


def inline_trainer_objects(module: cst.Module) -> cst.Module | None:
    for cls in [s for s in module.body if isinstance(s, cst.ClassDef)]:
        try:
            new = _inline_one(module, cls)
        except _Decline:
            new = None
        if new is not None:
            return inline_trainer_objects(new) or new
    return None


# calls that make a class a model class (it builds the graph it trains, TFM144's form) rather than a
# trainer handed the graph
_MODEL_CALLS = ("placeholder", "placeholder_with_default", "get_variable", "Variable", "Input")  # (Input: a first run's)


def _inline_one(module: cst.Module, cls: cst.ClassDef) -> cst.Module | None:
    if cls.decorators or any(a.keyword or dotted(a.value) != "object" for a in cls.bases) or cls.keywords:
        return None
    methods: dict[str, cst.FunctionDef] = {}
    for i, st in enumerate(cls.body.body):
        if isinstance(st, cst.FunctionDef):
            methods[st.name.value] = st
        elif not (i == 0 and isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                  and isinstance(st.body[0], cst.Expr) and isinstance(st.body[0].value, cst.SimpleString)):
            return None
    if not any(_makes_session(m) for m in methods.values()):
        return None
    if any(isinstance(n, cst.Call) and (dotted(n.func) or "").rsplit(".", 1)[-1] in _MODEL_CALLS for n in walk(cls)):
        return None  # a model class (its own placeholders / variables): the class rules' (TFM144), not a trainer
    name = cls.name.value
    if _count(module, name) != 2:
        return None
    # the block the object lives in: the module's, `if __name__ == '__main__':`'s or a module function's
    block, owner, before0, forbidden = None, None, set(), set()
    for k, top_st in enumerate(module.body):
        inner = None
        if isinstance(top_st, cst.If) and isinstance(top_st.body, cst.IndentedBlock) and top_st.orelse is None \
                and "__main__" in cst.Module([]).code_for_node(top_st.test):
            inner = top_st
        elif isinstance(top_st, cst.FunctionDef) and isinstance(top_st.body, cst.IndentedBlock) \
                and not top_st.decorators:
            inner = top_st
        if inner is not None and any(_construction(x, name) for x in inner.body.body):
            block, owner = list(inner.body.body), inner
            before0 = set().union(*(_bound(x) for x in module.body[:k])) if isinstance(inner, cst.If) else set()
            if isinstance(inner, cst.FunctionDef):
                # a method local becomes the function's: no name the function reads or the module binds
                forbidden = _reads(inner) | set().union(*(_bound(x) for x in module.body)) | {"*"}
            break
    body = list(module.body) if block is None else block
    made = [(i, _construction(st, name)) for i, st in enumerate(body)]
    made = [(i, c) for i, c in made if c is not None]
    if len(made) != 1:
        return None
    at, (obj, ctor) = made[0]
    calls = [(i, _method_call(st, obj)) for i, st in enumerate(body)]
    calls = [(i, c) for i, c in calls if c is not None]
    if not calls or any(i < at for i, _ in calls) or _count(module, obj) != 1 + len(calls) \
            or any(m not in methods or m == "__init__" for _, (_, m, _) in calls):
        return None
    binds = _module_binds(module)
    builtins = {b for b in ("isinstance", "list", "tuple", "dict", "len", "map") if b not in binds}
    getters = _itemgetters(module)
    hoisted: list = []
    taken = set(binds)
    attrs = _plan_init(methods.get("__init__"), ctor, builtins, getters, obj, hoisted, taken)
    if hoisted:
        hoisted[0] = hoisted[0].with_changes(leading_lines=body[at].leading_lines)
    # attributes the methods store become module names <obj>_<attr>
    stored: dict[str, str] = {}
    for m, fn in methods.items():
        if m == "__init__":
            continue
        _check_method(fn, methods)
        for n in walk(fn.body):
            t = None
            if isinstance(n, cst.AssignTarget):
                t = n.target
            elif isinstance(n, (cst.AugAssign, cst.AnnAssign)):
                t = n.target
            for x in ([t] if t is not None else []) + (_elements(t) or [] if t is not None else []):
                if isinstance(x, cst.Attribute) and isinstance(x.value, cst.Name) and x.value.value == "self":
                    if x.attr.value in attrs:
                        raise _Decline
                    stored[x.attr.value] = f"{obj}_{x.attr.value}"
    if any(v in binds for v in stored.values()):
        return None
    # names the attribute values read: not rebound between the construction and the last call
    read = set().union(*(_reads(v) for v in attrs.values())) if attrs else set()
    last = max(i for i, _ in calls)
    for st in body[at + 1:last + 1]:
        if _bound(st) & (read | {"*"}):
            return None
    other_reads: set[str] = set()
    for st in body:
        if st is not cls:
            other_reads |= _free_reads(st)
    before: set[str] = set(before0)
    top = set().union(*(_bound(st) for st in body)) | {n for n in taken if n not in binds} | forbidden
    out_body: list = []
    done = {i: c for i, c in calls}
    for i, st in enumerate(body):
        if st is cls:
            continue
        if i == at:
            out_body.extend(hoisted)
            for h in hoisted:
                before |= _bound(h)
            continue
        if i in done:
            target, m, call = done[i]
            fn = methods[m]
            params = {k: _fold(v, builtins, getters) for k, v in _bind(fn, call).items()}
            first: list = []
            for k, v in params.items():
                if not _stable(v):
                    # an argument computed at the call: bound to the parameter's name there
                    if k in top or k in before or k in other_reads or k in read:
                        return None
                    top.add(k)
                    first.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(k))], v)]))
                    params[k] = cst.Name(k)
            local = _bound(fn.body, nested=True)
            if local & set(params) or "*" in local or "self" in local:
                return None
            clash = (local - {target}) & (before | forbidden)
            if clash or (local & other_reads) or (local & read):
                return None
            stmts = list(fn.body.body)
            ret = None
            if stmts and isinstance(stmts[-1], cst.SimpleStatementLine) and isinstance(stmts[-1].body[0], cst.Return):
                ret = stmts.pop().body[0].value
            if stmts and isinstance(stmts[0], cst.SimpleStatementLine) and len(stmts[0].body) == 1 \
                    and isinstance(stmts[0].body[0], cst.Expr) \
                    and isinstance(stmts[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
                stmts.pop(0)  # the method's docstring
            sub = _Subst(attrs, stored, params)
            new_stmts = first + [_fold(s.visit(sub), builtins, getters) for s in stmts]
            for s in new_stmts:
                _no_self(s)
            if new_stmts:
                new_stmts[0] = new_stmts[0].with_changes(leading_lines=st.leading_lines)
            if ret is not None:
                ret = _fold(ret.visit(sub), builtins, getters)
                _no_self(ret)
                if target is not None and not (isinstance(ret, cst.Name) and ret.value == target):
                    new_stmts.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(target))], ret)]))
                elif target is None and not isinstance(ret, cst.Name):
                    new_stmts.append(cst.SimpleStatementLine([cst.Expr(ret)]))
            elif target is not None:
                new_stmts.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(target))],
                                                                     cst.Name("None"))]))
            out_body.extend(new_stmts)
            before |= local | ({target} if target else set())
            continue
        out_body.append(st)
        before |= _bound(st)
    if owner is None:
        if out_body and body and body[0] is cls:
            out_body[0] = out_body[0].with_changes(leading_lines=())
        return module.with_changes(body=out_body)
    if not out_body:
        out_body = [cst.SimpleStatementLine([cst.Pass()])]
    new_owner = owner.with_changes(body=owner.body.with_changes(body=out_body))
    top_body = [new_owner if x is owner else x for x in module.body if x is not cls]
    if module.body and module.body[0] is cls and top_body:
        top_body[0] = top_body[0].with_changes(leading_lines=())
    return module.with_changes(body=top_body)


# ---------------------------------------------------------------- TFM160: comprehension feeds

class _Feeds(cst.CSTTransformer):
    def __init__(self, names: dict[str, cst.BaseExpression], builtins: set[str], ranges: set[str]):
        self.names, self.builtins, self.ranges = names, builtins, ranges
        self.changed = False

    def _display(self, e: cst.BaseExpression) -> list[cst.BaseExpression] | None:
        if isinstance(e, cst.Name) and e.value in self.names:
            e = self.names[e.value]
        items = _elements(e)
        if items is None or not all(dotted(x) is not None for x in items):
            return None
        return items

    def _zip(self, e: cst.BaseExpression):
        if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == "zip" \
                and "zip" in self.builtins and len(e.args) == 2 and not any(a.keyword or a.star for a in e.args):
            keys = self._display(e.args[0].value)
            if keys is not None and _stable_read(e.args[1].value):
                return keys, e.args[1].value
        return None

    def _make(self, pairs) -> cst.Dict:
        self.changed = True
        return cst.Dict([cst.DictElement(k.deep_clone(), v.deep_clone()) for k, v in pairs])

    def leave_DictComp(self, original, updated):
        f = updated.for_in
        if f.ifs or f.inner_for_in is not None or f.asynchronous:
            return updated
        # {T[i]: B[i] for i in range(len(T))} / range(n)
        if isinstance(f.target, cst.Name) and isinstance(f.iter, cst.Call) and isinstance(f.iter.func, cst.Name) \
                and f.iter.func.value in self.ranges and len(f.iter.args) == 1 \
                and not f.iter.args[0].keyword:
            i = f.iter.args[0].value
            n = None
            if isinstance(i, cst.Call) and isinstance(i.func, cst.Name) and i.func.value == "len" \
                    and "len" in self.builtins and len(i.args) == 1:
                d = self._display(i.args[0].value)
                n = None if d is None else len(d)
            elif isinstance(i, cst.Integer):
                n = int(i.value, 0)
            key, val = updated.key, updated.value
            if n is None or not (isinstance(key, cst.Subscript) and len(key.slice) == 1
                                 and isinstance(key.slice[0].slice, cst.Index)
                                 and isinstance(key.slice[0].slice.value, cst.Name)
                                 and key.slice[0].slice.value.value == f.target.value):
                return updated
            keys = self._display(key.value)
            if keys is None or len(keys) != n or f.target.value in _reads(key.value):
                return updated
            if not _index_only(val, f.target.value):
                return updated
            pairs = [(keys[k], val.visit(_Index(f.target.value, k))) for k in range(n)]
            return self._make(pairs)
        # {p: b for p, b in zip(T, B)}
        z = self._zip(f.iter)
        if z is not None and isinstance(f.target, cst.Tuple) and len(f.target.elements) == 2 \
                and all(isinstance(x.value, cst.Name) for x in f.target.elements) \
                and isinstance(updated.key, cst.Name) and isinstance(updated.value, cst.Name) \
                and updated.key.value == f.target.elements[0].value.value \
                and updated.value.value == f.target.elements[1].value.value:
            keys, b = z
            return self._make([(k, _item(b, j)) for j, k in enumerate(keys)])
        return updated

    def leave_Call(self, original, updated):
        # dict(zip(T, B))
        if isinstance(updated.func, cst.Name) and updated.func.value == "dict" and "dict" in self.builtins \
                and len(updated.args) == 1 and not updated.args[0].keyword and not updated.args[0].star:
            z = self._zip(updated.args[0].value)
            if z is not None:
                keys, b = z
                return self._make([(k, _item(b, j)) for j, k in enumerate(keys)])
        return updated


def _stable_read(e: cst.BaseExpression) -> bool:
    """Reading ``e`` once per key reads the same value as reading it once (a name / dotted attribute)."""
    return dotted(e) is not None


def _item(b: cst.BaseExpression, j: int) -> cst.Subscript:
    return cst.Subscript(b.deep_clone(), [cst.SubscriptElement(cst.Index(cst.Integer(str(j))))])


def _index_only(val: cst.BaseExpression, i: str) -> bool:
    """``val`` reads ``i`` only as ``<name or dotted>[i]`` and calls nothing."""
    if any(isinstance(n, (cst.Call, cst.Lambda, cst.ListComp, cst.DictComp, cst.SetComp, cst.GeneratorExp))
           for n in walk(val)):
        return False
    return isinstance(val, cst.Subscript) and dotted(val.value) is not None and len(val.slice) == 1 \
        and isinstance(val.slice[0].slice, cst.Index) and isinstance(val.slice[0].slice.value, cst.Name) \
        and val.slice[0].slice.value.value == i and i not in _reads(val.value)


class _Index(cst.CSTTransformer):
    def __init__(self, name: str, k: int):
        self.name, self.k = name, k

    def leave_Name(self, original, updated):
        return cst.Integer(str(self.k)) if updated.value == self.name else updated


def unroll_feed_comprehensions(module: cst.Module) -> cst.Module | None:
    # the transformer rewrites only comprehensions over ``range(..)`` / ``zip(..)`` (a call of a
    # plain name) and ``dict(zip(..))``
    if not any((isinstance(n, cst.DictComp) and isinstance(n.for_in.iter, cst.Call)
                and isinstance(n.for_in.iter.func, cst.Name))
               or (isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == "dict"
                   and len(n.args) == 1 and isinstance(n.args[0].value, cst.Call)
                   and isinstance(n.args[0].value.func, cst.Name) and n.args[0].value.func.value == "zip")
               for n in walk(module)):
        return None
    binds = _module_binds(module)
    builtins = {b for b in ("zip", "dict", "range", "len") if b not in binds}
    # module names bound once, at module level, to a tuple display of names, never a parameter
    params = {p.name.value for p in walk(module) if isinstance(p, cst.Param)}
    bound_count: dict[str, int] = {}
    for n in walk(module):
        if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
            for x in target_names(n.target):
                bound_count[x] = bound_count.get(x, 0) + 1
    names: dict[str, cst.BaseExpression] = {}
    for st in module.body:
        if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
                and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name):
            nm, v = st.body[0].targets[0].target.value, st.body[0].value
            items = _elements(v)
            if isinstance(v, cst.Tuple) and items and all(isinstance(x, cst.Name) for x in items) \
                    and bound_count.get(nm) == 1 and nm not in params \
                    and all(bound_count.get(x.value, 0) <= 1 and x.value not in params for x in items):
                names[nm] = v
    ranges = {"range"} & builtins
    for n in walk(module):  # six's spellings of range
        if isinstance(n, cst.ImportFrom) and n.module is not None and dotted(n.module) == "six.moves" \
                and not isinstance(n.names, cst.ImportStar):
            for a in n.names:
                if isinstance(a.name, cst.Name) and a.name.value in ("range", "xrange"):
                    ranges.add(a.asname.name.value if a.asname else a.name.value)
    t = _Feeds(names, builtins, ranges)
    new = module.visit(t)
    return new if t.changed else None


