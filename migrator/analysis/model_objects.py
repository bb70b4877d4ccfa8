"""Model objects of one instance built by a method call (rule TFM187's pre-step): a pure function of
the source.

The VGG-npy shape of TF1 model code (``vgg16.py`` and the many repositories built on it)::

    class Net:
        def __init__(self, npy_path=None, trainable=True):
            if npy_path is not None:
                self.data_dict = np.load(npy_path, encoding='latin1').item()
            else:
                self.data_dict = None
            self.var_dict = {}
            self.trainable = trainable

        def build(self, x):
            self.conv1 = self.conv_layer(x, 1, 8, 'conv1')
            self.out = tf.nn.l2_normalize(self.fc_layer(self.conv1, 64, 16, 'fc'), 1)

        def conv_layer(self, bottom, in_channels, out_channels, name):
            ...   # self.get_var(...), self.data_dict, self.trainable, self.var_dict[(name, 0)] = var

    net = Net()
    net.build(images)
    loss = f(net.out)

TF1 semantics: the object carries Python values from the constructor to the methods and the graph
tensors ``build`` makes to the code after it; calling ``build`` runs its statements with ``self.<attr>``
reading what the constructor stored, and the helper methods it calls are plain functions of their
arguments and of those values. Written out - the helper methods as module functions ``<obj>_<method>``,
the storing method's statements at its call with ``self.<attr> = e`` -> ``<obj>_<attr> = e``, the
constructor's values read where the methods read them (its ``if`` tests decided by the arguments, the
``if`` tests of the methods those values decide folded), every later ``<obj>.<attr>`` read as
``<obj>_<attr>`` - it is the same program: the same ops, made in the same order, with the same
variables.

Written out only where that is so: a module-level class without decorators (no base but ``object``) of
plain methods, none making a ``Session`` (TFM156's), read once, by ``<obj> = <Class>(...)``, a
statement of the module's block, of a top-level ``with`` block or of ``if __name__ == '__main__':``; the
constructor stores literals (``None`` / numbers / strings / booleans, tuple or list displays of them)
and empty ``{}`` / ``[]`` (made at the construction as ``<obj>_<attr>``) and computes nothing else
(a constructor making placeholders or variables is the class rules' form, TFM144); the methods that
store attributes are called only as statements ``[<target> =] <obj>.<m>(<names or literals>)`` of the
same block, after the construction, never by another method, have no ``return`` but one ending the
method (``return self.embedding``: ``<target> = <obj>_embedding``); the other methods read ``self``
only as ``self.<attr>`` / ``self.<method>(...)`` and store no attribute; every other read of ``<obj>``
in the block after the first storing call is ``<obj>.<attr>`` or ``<obj>.<method>(...)``, and before it
only calls of the helper methods (``o1 = net.inference(x1)`` before ``loss = net.loss(o1, o2, y)``). The
class may have no constructor. A storing method's locals that the module binds elsewhere are renamed
``<obj>_<local>`` (``<obj>_<method>_<local>`` where that is an attribute's name: ``self.d = d``).
Anything else leaves the file as written.

Built inside a module function (``def main():`` - public TF1 code builds everything there), the
storing method's statements become the function's locals, as TF1's attributes were reachable only
through the object there; the helper functions stay module functions, so what they read must be
module-level too: an empty container the constructor made and the helpers fill
(``self.var_dict[(name, idx)] = var``) is made once at module level, beside them. That is the same
object only while the function runs at most once (``_runs_once``: its one read is a call made outside
any loop, at module level, under the main guard or in a function that itself runs once; ``def
main(_)`` run by one ``tf.app.run()``); a function run more often made one container per call in TF1
and is declined, as are helpers reading a tensor the storing method made (the function's local).
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk
from ..names import dotted
from .placeholder_forms import _tf_aliases
from .trainer_objects import (_Decline, _Subst, _bind, _bool_op, _bound, _construction, _count, _free_reads,
                              _literal_dict, _makes_session, _method_call, _module_binds, _no_self, _plan_init,
                              _reads, _stable, _truth)

_CONSTS = ("None", "True", "False")


def _literal(e: cst.BaseExpression) -> bool:
    """A literal the constructor may store (read where the methods read it)."""
    if isinstance(e, cst.Name):
        return e.value in _CONSTS
    if isinstance(e, (cst.Integer, cst.Float, cst.SimpleString)):
        return True
    if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus):
        return isinstance(e.expression, (cst.Integer, cst.Float))
    if isinstance(e, (cst.Tuple, cst.List)):
        return all(isinstance(x, cst.Element) and _literal(x.value) for x in e.elements)
    return False


def _decided(e: cst.BaseExpression) -> bool | None:
    """The truth of a test the constructor's literals decide, or None."""
    t = _truth(e, set())
    if t is not None:
        return t
    if isinstance(e, cst.Name) and e.value == "None":
        return False
    if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Not):
        t = _decided(e.expression)
        return None if t is None else not t
    if isinstance(e, cst.BooleanOperation):
        return _bool_op(e, _decided)
    return None


class _Rewrite(_Subst):
    """In a method's body: ``self.<attr>`` -> the constructor's value / ``<obj>_<attr>``,
    ``self.<m>(...)`` -> ``<obj>_<m>(...)``, names -> their replacement (parameters -> the call's
    arguments, renamed locals), ``if`` statements whose test is decided -> the chosen branch."""

    def __init__(self, obj: str, attrs: dict, stored: dict, helpers: set[str], names: dict):
        super().__init__(attrs, stored, names, {h: f"{obj}_{h}" for h in helpers})

    def leave_Call(self, original, updated):
        # a storing method called from a method: not this form
        if isinstance(updated.func, cst.Attribute) and isinstance(updated.func.value, cst.Name) \
                and updated.func.value.value == "self":
            raise _Decline
        return updated

    def leave_If(self, original, updated):
        t = _decided(updated.test)
        if t is None:
            return updated
        if t:
            chosen = updated.body
        elif updated.orelse is None:
            return cst.RemoveFromParent()
        elif isinstance(updated.orelse, cst.If):
            return updated.orelse.with_changes(leading_lines=updated.leading_lines)
        else:
            chosen = updated.orelse.body
        if not isinstance(chosen, cst.IndentedBlock):
            raise _Decline
        stmts = list(chosen.body)
        if stmts:
            stmts[0] = stmts[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(stmts)


def _check(fn: cst.FunctionDef) -> None:
    ps = fn.params
    if fn.decorators or not isinstance(fn.body, cst.IndentedBlock) or fn.asynchronous is not None:
        raise _Decline
    if not ps.params or ps.params[0].name.value != "self" or ps.posonly_params:
        raise _Decline
    for n in walk(fn.body):
        if isinstance(n, (cst.Yield, cst.Await, cst.Global, cst.Nonlocal, cst.FunctionDef, cst.ClassDef)):
            raise _Decline
    if "self" in _bound(fn.body, nested=True):
        raise _Decline


def _stores(fn: cst.FunctionDef) -> set[str]:
    out: set[str] = set()
    for n in walk(fn.body):
        targets = []
        if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)):
            targets = [n.target]
        elif isinstance(n, (cst.For, cst.CompFor, cst.AsName)):
            targets = [n.target if not isinstance(n, cst.AsName) else n.name]
        while targets:
            t = targets.pop()
            if isinstance(t, (cst.Tuple, cst.List)):
                targets.extend(x.value for x in t.elements)
            elif isinstance(t, cst.StarredElement):
                targets.append(t.value)
            elif isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self":
                out.add(t.attr.value)
    return out


def _find(stmts: list, name: str, depth: int) -> list | None:
    """The statements enclosing the block that constructs ``name`` (outermost first; [] for ``stmts``
    itself), or None."""
    if any(_construction(x, name) for x in stmts):
        return []
    if depth >= 3:
        return None
    for st in stmts:
        ok = isinstance(st, cst.With) or (
            isinstance(st, cst.If) and st.orelse is None and "__main__" in cst.Module([]).code_for_node(st.test)) or (
            isinstance(st, cst.FunctionDef) and depth == 0 and not st.decorators)
        if ok and isinstance(st.body, cst.IndentedBlock):
            inner = _find(list(st.body.body), name, depth + 1)
            if inner is not None:
                return [st] + inner
    return None


def _helper_reads_made(methods: dict, helpers: set[str], attrs: dict, stored: dict) -> tuple[bool, bool]:
    """Whether a helper method reads ``self.<attr>`` of a value a storing method makes, and whether one
    reads a container made at the construction."""
    by_build = by_ctor = False
    for m in helpers:
        for n in walk(methods[m]):
            if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == "self":
                a = n.attr.value
                by_build |= a in stored
                by_ctor |= a in attrs and isinstance(attrs[a], cst.Name) and attrs[a].value not in _CONSTS
    return by_build, by_ctor


def _app_run(call: cst.Call) -> bool:
    return (dotted(call.func) or "") in ("tf.app.run", "tensorflow.app.run", "tf.compat.v1.app.run",
                                         "tensorflow.compat.v1.app.run")


_REPEATS = (cst.For, cst.While, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.ClassDef)


def _sites(node: cst.CSTNode, name: str, chain: tuple, out: list) -> None:
    """Each read of ``name`` (the Name node's ancestors, outermost first); a def's own name, a keyword,
    an attribute's name and the names of a function binding ``name`` itself are no reads."""
    if isinstance(node, cst.Name) and node.value == name:
        out.append(chain)
        return
    if isinstance(node, (cst.FunctionDef, cst.Lambda)) and name in _bound(node.body, nested=False) | {
            p.name.value for p in walk(node.params) if isinstance(p, cst.Param)} \
            and not any(isinstance(n, (cst.Global, cst.Nonlocal)) for n in walk(node.body)):
        # its own local of that name: only its decorators and defaults read the outer one
        outer = list(getattr(node, "decorators", ())) + [p.default for p in walk(node.params)
                                                         if isinstance(p, cst.Param) and p.default is not None]
        for child in outer:
            _sites(child, name, chain + (node,), out)
        return
    for child in node.children:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and child is node.name \
                or isinstance(node, cst.Arg) and child is node.keyword \
                or isinstance(node, cst.Attribute) and child is node.attr:
            continue
        _sites(child, name, chain + (node,), out)


def _once_at(chain: tuple, module: cst.Module, depth: int) -> bool:
    """The statement at the end of ``chain`` runs at most once: no loop, comprehension or lambda around
    it, in the module's block or in a module function that runs at most once."""
    if any(isinstance(x, _REPEATS) for x in chain):
        return False
    fns = [x for x in chain if isinstance(x, cst.FunctionDef)]
    if not fns:
        return True
    return len(fns) == 1 and any(fns[0] is st for st in module.body) and _runs_once(module, fns[0], depth + 1)


def _runs_once(module: cst.Module, fn: cst.FunctionDef, depth: int = 0) -> bool:
    """The module function ``fn`` runs at most once: its one read is the callee of a call made at most
    once (``main()`` under the main guard, ``train()`` called by such a ``main``), or (``def main``) the
    one ``tf.app.run()`` - which calls ``main`` once - made at most once, ``main`` read nowhere else or
    handed to it (``tf.app.run(main)``)."""
    if depth > 3 or fn.decorators:
        return False
    name = fn.name.value
    reads: list = []
    _sites(module, name, (), reads)
    if len(reads) == 1:
        chain = reads[0]
        call = chain[-1]
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == name:
            return _once_at(chain, module, depth)
    if name != "main":
        return False
    runs: list = []

    def find(node: cst.CSTNode, chain: tuple) -> None:
        if isinstance(node, cst.Call) and _app_run(node):
            runs.append((node, chain))
        for child in node.children:
            find(child, chain + (node,))

    find(module, ())
    if len(runs) != 1 or not _once_at(runs[0][1], module, depth):
        return False
    args = runs[0][0].args
    if not args:
        return not reads
    arg = args[0]
    return len(reads) == 1 and len(args) == 1 and isinstance(arg.value, cst.Name) and arg.value.value == name \
        and (arg.keyword is None or arg.keyword.value == "main")


def _assigns_attr(node: cst.CSTNode, obj: str) -> bool:
    """``node`` assigns (or deletes) an attribute of ``obj``."""
    for n in walk(node):
        if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)):
            t = n.target
        elif isinstance(n, cst.Del):
            t = n.target
        else:
            continue
        for x in walk(t):
            if isinstance(x, cst.Attribute) and isinstance(x.value, cst.Name) and x.value.value == obj:
                return True
    return False


def inline_model_objects(module: cst.Module) -> cst.Module | None:
    for cls in [s for s in module.body if isinstance(s, cst.ClassDef)]:
        try:
            new = _inline_one(module, cls)
        except _Decline:
            new = None
        if new is not None:
            return inline_model_objects(new) or new
    return None


class _ObjReads(cst.CSTTransformer):
    """``<obj>.<attr>`` -> the module name / value, ``<obj>.<m>`` -> ``<obj>_<m>``; any other read of
    ``<obj>`` declines."""

    def __init__(self, obj: str, attrs: dict, stored: dict, helpers: set[str]):
        self.obj, self.attrs, self.stored, self.helpers = obj, attrs, stored, helpers
        self.done = 0

    def leave_Attribute(self, original, updated):
        updated = updated.with_changes(attr=original.attr)
        if isinstance(updated.value, cst.Name) and updated.value.value == self.obj:
            a = updated.attr.value
            self.done += 1
            if a in self.stored:
                return cst.Name(self.stored[a])
            if a in self.helpers:
                return cst.Name(f"{self.obj}_{a}")
            if a in self.attrs:
                return self.attrs[a].deep_clone()
            raise _Decline
        return updated

    def leave_Arg(self, original, updated):
        return updated.with_changes(keyword=original.keyword)


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
    if not methods or any(_makes_session(m) for m in methods.values()):
        return None
    name = cls.name.value
    # the class statement and its one construction (a method's local of the same name - ``model = {}``
    # in ``class model`` - is another variable)
    shadowed = sum(_count(fn, name) for fn in methods.values() if name in _bound(fn.body, nested=True))
    if _count(module, name) - shadowed != 2:
        return None
    # the block the object lives in: the module's, or (nested up to three deep) a `with` block's, the
    # main guard's or a module function's
    path = _find(list(module.body), name, 0)
    if path is None:
        return None
    block = list(path[-1].body.body) if path else list(module.body)
    in_function = any(isinstance(x, cst.FunctionDef) for x in path)
    made = [(i, _construction(st, name)) for i, st in enumerate(block)]
    made = [(i, c) for i, c in made if c is not None]
    if len(made) != 1:
        return None
    at, (obj, ctor) = made[0]
    for fn in methods.values():
        _check(fn)
    stores = {m: _stores(fn) for m, fn in methods.items() if m != "__init__"}
    builders = {m for m, s in stores.items() if s}
    helpers = {m for m in stores if m not in builders}
    if not builders:
        # no method stores an attribute: the methods return what they build (``loss, step, out =
        # net.train(x)``) and read the constructor's values only - each a module function
        # ``<obj>_<m>``, every read of the object one of them or a constructor value. Only where a
        # method builds the train op and returns it: run by the session outside, it is a training
        # step no class rule translates in place (other classes of returning methods - towers,
        # losses - are the class rules' form, TFM144)
        tf = _tf_aliases(module)
        if not any(_reads(fn) & tf for fn in methods.values()):
            return None  # (no TF1 graph code in it: a Keras class - a migrated program - is left alone)
        if not any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                   and n.func.attr.value in ("minimize", "apply_gradients")
                   for fn in methods.values() for n in walk(fn)):
            return None
        if not any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                   and isinstance(n.func.value, cst.Name) and n.func.value.value == obj
                   and n.func.attr.value in helpers for st in block[at + 1:] for n in walk(st)):
            return None
    calls = [(i, _method_call(st, obj)) for i, st in enumerate(block)]
    calls = [(i, c) for i, c in calls if c is not None and c[1] in builders]
    if builders and not calls or any(i < at or c[0] == obj for i, c in calls):
        return None
    ctor = _dict_args(ctor, block, at, module if not in_function else None)
    rest = module.with_changes(body=[s for s in module.body if s is not cls])
    binds = _module_binds(rest)
    rest_reads = _reads(rest)
    hoisted: list = []
    taken = set(binds)
    attrs = _plan_init(methods.get("__init__"), ctor, set(), set(), obj, hoisted, taken)
    for a, v in list(attrs.items()):
        if isinstance(v, cst.List) and not v.elements:
            # an empty list (a display _plan_init reads where the methods read it): one list, made at the
            # construction, as an empty dict is (`self.layers = []` the helpers append to)
            new = f"{obj}_{a}"
            if new in taken:
                return None
            taken.add(new)
            hoisted.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(new))], cst.List([]))]))
            attrs[a] = cst.Name(new)
    for h in hoisted:
        # only empty containers are made at the construction (a constructor computing graph ops or
        # reading files is not this form)
        small = h.body[0]
        if not (isinstance(small, cst.Assign) and isinstance(small.value, (cst.Dict, cst.List))
                and not (small.value.elements)):
            return None
    hoisted_names = {h.body[0].targets[0].target.value for h in hoisted}
    for a, v in attrs.items():
        # read where the methods read the attribute: immutable values only (a list a method appends
        # to would be a new list at each read); an empty container is the one made at the construction
        mutable = any(isinstance(n, cst.List) for n in walk(v))
        if not (_literal(v) and not mutable or isinstance(v, cst.Name) and v.value in hoisted_names):
            return None
    stored: dict[str, str] = {}
    for m in builders:
        for a in stores[m]:
            if a in attrs:
                return None
            stored[a] = f"{obj}_{a}"
    new_names = set(stored.values()) | {f"{obj}_{m}" for m in helpers}
    if new_names & (binds | hoisted_names) or len(new_names) != len(stored) + len(helpers):
        return None
    # every read of the object: the construction, the storing calls, then attribute reads after them
    # (never an attribute assigned from outside: `net.k = 3` would change what the methods read)
    if any(_assigns_attr(st, obj) for st in module.body):
        return None
    first = min(i for i, _ in calls) if calls else at + 1
    reads = _ObjReads(obj, attrs, stored, helpers)
    done = {i: c for i, c in calls}
    # names the helper functions read (a builtin among them): a storing method's local written at
    # module level must not shadow them
    helper_reads = set().union(*(_reads(methods[m]) for m in helpers)) if helpers else set()
    out_block: list = []
    for i, st in enumerate(block):
        if i == at:
            if hoisted:
                hoisted[0] = hoisted[0].with_changes(leading_lines=st.leading_lines)
            out_block.extend(hoisted)
            continue
        if i in done:
            target, m, call = done[i]
            out_block.extend(_write_out(methods[m], call, st, obj, attrs, stored, helpers,
                                        binds | new_names | rest_reads | hoisted_names | helper_reads, target))
            continue
        if i < first:
            if obj in _reads(st):
                # before the first storing call only the helper methods may be called (pure functions of
                # their arguments and of the constructor's values: ``o1 = net.inference(x1)``)
                early = _ObjReads(obj, {}, {}, helpers)
                st = st.visit(early)
                reads.done += early.done
            out_block.append(st)
            continue
        out_block.append(st.visit(reads))
    # the statements after the block, at every level out to the module's, read the attributes too
    after: dict[int, cst.CSTNode] = {}
    outer = [list(module.body)] + [list(x.body.body) for x in path[:-1]]
    for stmts, x in zip(outer, path):
        k = next(n for n, y in enumerate(stmts) if y is x)
        for y in stmts[k + 1:]:
            after[id(y)] = y.visit(reads)
    written = len(calls) + 1 + reads.done
    if _count(module, obj) != written:
        return None
    module_made: list = []
    if in_function:
        # names made in a function are its locals: the module functions could not read them
        by_build, by_ctor = _helper_reads_made(methods, helpers, attrs, stored)
        if by_build:
            return None
        if by_ctor:
            # the empty containers the helpers fill: made once at module level instead, where the
            # helper functions are - the same object when the function runs once (TF1 made one per call)
            if not _runs_once(module, path[0]):
                return None
            module_made = [h.with_changes(leading_lines=[]) for h in hoisted]
            out_block = [st for st in out_block if not any(st is h for h in hoisted)]
    # the helper methods as module functions, where the class was
    funcs: list = []
    for m in [m for m in methods if m in helpers]:
        fn = methods[m]
        body = fn.body.visit(_Rewrite(obj, attrs, stored, helpers, {}))
        _no_self(body)
        if not body.body:
            body = body.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        params = fn.params.with_changes(params=list(fn.params.params)[1:])
        funcs.append(fn.with_changes(name=cst.Name(f"{obj}_{m}"), params=params, body=body,
                                     leading_lines=cls.leading_lines if not funcs else fn.leading_lines))
    if funcs:
        # the blank lines around module functions (two, as the class had)
        funcs = [f.with_changes(leading_lines=cls.leading_lines if k == 0 and not module_made else
                                [cst.EmptyLine(), cst.EmptyLine()]) for k, f in enumerate(funcs)]
    if module_made:
        module_made[0] = module_made[0].with_changes(leading_lines=cls.leading_lines)
        funcs = module_made + funcs
    new_nodes: dict[int, cst.CSTNode] = {}
    for x in reversed(path):
        if x is path[-1]:
            body = out_block or [cst.SimpleStatementLine([cst.Pass()])]
        else:
            body = [new_nodes.get(id(y), after.get(id(y), y)) for y in x.body.body]
        new_nodes[id(x)] = x.with_changes(body=x.body.with_changes(body=body))
    top: list = []
    for x in (list(module.body) if path else out_block):
        if x is cls:
            top.extend(funcs)
        else:
            top.append(new_nodes.get(id(x), after.get(id(x), x)))
    return module.with_changes(body=top)


def _dict_args(ctor: cst.Call, block: list, at: int, module: cst.Module | None) -> cst.Call:
    """The constructor call with each argument that is a name bound once, before it in the block, to a
    dict display of string keys and literal values, and otherwise only read by subscripts / ``.get``
    (never changed, never handed elsewhere), written as that display (``model(params)`` with ``params =
    {'batch': 32, ...}``: the constructor's ``params.get('batch', 32)`` reads a literal then)."""
    args = list(ctor.args)
    before = block[:at]
    # at module level a function may read the name as a global (not followed); the functions and
    # classes of the module are scopes of their own (a method's parameter of the same name)
    free = _free_reads(module) if module is not None else set()
    scope = cst.Module(body=[st for st in block if module is None or not isinstance(st, (cst.FunctionDef,
                                                                                         cst.ClassDef))])
    for k, a in enumerate(args):
        if a.star or not isinstance(a.value, cst.Name):
            continue
        name = a.value.value
        if name in free:
            continue
        binds = [st.body[0].value for st in before if isinstance(st, cst.SimpleStatementLine)
                 and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) and len(st.body[0].targets) == 1
                 and isinstance(st.body[0].targets[0].target, cst.Name) and st.body[0].targets[0].target.value == name]
        if len(binds) != 1 or not isinstance(binds[0], cst.Dict):
            continue
        d = binds[0]
        if not _literal_dict(d) or not all(isinstance(el.key, cst.SimpleString) for el in d.elements):
            continue
        # every Name node of it: the binding, this argument, a subscript read or a .get call
        uses = 0
        for n in walk(scope):
            if isinstance(n, cst.Subscript) and isinstance(n.value, cst.Name) and n.value.value == name:
                uses += 1
            elif isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "get" \
                    and isinstance(n.func.value, cst.Name) and n.func.value.value == name:
                uses += 1
        stores = sum(1 for n in walk(scope) if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.Del))
                     and any(isinstance(x, cst.Name) and x.value == name for x in walk(n)))
        if stores != 1 or _count(scope, name) != uses + 2:
            continue
        args[k] = a.with_changes(value=d.deep_clone())
    return ctor.with_changes(args=args)


def _write_out(fn: cst.FunctionDef, call: cst.Call, st: cst.CSTNode, obj: str, attrs: dict, stored: dict,
               helpers: set[str], taken: set[str], target: str | None = None) -> list:
    """The storing method's statements at its call; its one ``return e``, the last statement, becomes
    ``<target> = e`` (``logits = net.build(x)``), or goes where the call was a statement and ``e`` reads
    a name or attribute only."""
    params = _bind(fn, call)
    if not all(_stable(v) and not isinstance(v, (cst.Tuple, cst.List)) or _literal(v) for v in params.values()):
        raise _Decline
    stmts = list(fn.body.body)
    returns = [n for n in walk(fn.body) if isinstance(n, cst.Return)]
    if returns:
        last = stmts[-1]
        if len(returns) != 1 or not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1
                                     and last.body[0] is returns[0]):
            raise _Decline
        value = returns[0].value
        if target is not None and value is None:
            raise _Decline  # (None bound to the name: not a model-building call)
        if target is not None:
            stmts[-1] = last.with_changes(body=[cst.Assign([cst.AssignTarget(cst.Name(target))], value)])
        elif value is None or _stable(value) and not any(isinstance(n, cst.Call) for n in walk(value)):
            stmts.pop()
        else:
            stmts[-1] = last.with_changes(body=[cst.Expr(value)])
    elif target is not None:
        raise _Decline  # (None bound to the name: not a model-building call)
    local = _bound(fn.body, nested=True)
    if "*" in local or local & set(params):
        raise _Decline
    names: dict[str, cst.BaseExpression] = dict(params)
    for n in sorted(local):
        if n in taken:
            new = f"{obj}_{n}"
            if new in taken or new in local:
                new = f"{obj}_{fn.name.value}_{n}"  # (``self.d = d``: the attribute is ``<obj>_d``)
            if new in taken or new in local:
                raise _Decline
            names[n] = cst.Name(new)
            taken = taken | {new}
    if stmts and isinstance(stmts[0], cst.SimpleStatementLine) and len(stmts[0].body) == 1 \
            and isinstance(stmts[0].body[0], cst.Expr) \
            and isinstance(stmts[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
        stmts.pop(0)  # the method's docstring
    body = cst.IndentedBlock(stmts).visit(_Rewrite(obj, attrs, stored, helpers, names))
    _no_self(body)
    out = list(body.body)
    if out:
        # the call's blank lines and comments, then the first statement's comments
        own = [x for x in out[0].leading_lines if x.comment is not None]
        out[0] = out[0].with_changes(leading_lines=list(st.leading_lines) + own)
    return out
