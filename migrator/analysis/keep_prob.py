"""Where a TF1 dropout keep probability comes from (TFM158's DropoutWrapper; the same search as
TFM134's for tf.nn.dropout, which still has its own copy of it): a placeholder fed one constant in
every training run (and 1.0 elsewhere) becomes Keras' training-only dropout with that rate.

``dropout_keep_arg(ctx, arg)`` says whether an argument is a dropout keep probability that the
translation reads only through the fed value (tf.nn.dropout's ``keep_prob``, a DropoutWrapper's
``input_keep_prob`` / ``output_keep_prob`` / ``state_keep_prob``) - what a program analysis
needs to let such a placeholder disappear.
"""
from __future__ import annotations

import libcst as cst

from ..emit import code, literal
from .tf1_program import TF1Program, _walk
from ..translate.tflearn import Untranslatable

NN_DROPOUT = ("tensorflow.nn.dropout", "tensorflow.contrib.layers.dropout")
DROPOUT_WRAPPERS = ("tensorflow.contrib.rnn.DropoutWrapper", "tensorflow.nn.rnn_cell.DropoutWrapper",
                    "tensorflow.contrib.rnn.core_rnn_cell.DropoutWrapper")
WRAPPER_SIG = ("cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0, "
               "variational_recurrent=False, input_size=None, dtype=None, seed=None, "
               "dropout_state_filter_visitor=None")
WRAPPER_KEEPS = ("input_keep_prob", "output_keep_prob", "state_keep_prob")  # positions 1, 2, 3


def _call_site(ctx, arg: cst.CSTNode):
    """(qualified name of the call, keyword or None, position) of an original ``cst.Arg``."""
    if not isinstance(arg, cst.Arg) or arg.star:
        return None
    c = ctx.parent(arg)
    if not isinstance(c, cst.Call):
        return None
    return ctx.legacy_name(c), (arg.keyword.value if arg.keyword is not None else None), list(c.args).index(arg)


def dropout_keep_arg(ctx, arg: cst.CSTNode) -> bool:
    """``arg`` (an original ``cst.Arg``) is the keep probability of a tf.nn.dropout (``keep_prob=``
    or the 2nd positional) or of a DropoutWrapper (``*_keep_prob=`` or positions 2-4)."""
    site = _call_site(ctx, arg)
    if site is None:
        return False
    q, kw, i = site
    if q in NN_DROPOUT:
        return kw == "keep_prob" or (kw is None and i == 1)
    if q in DROPOUT_WRAPPERS:
        return kw in WRAPPER_KEEPS or (kw is None and 1 <= i <= 3)
    return False


def module_number(ctx, value: cst.BaseExpression):
    """``value`` as a number: a literal, a configuration object's number attribute
    (:func:`config_number`), or a name of a module-level constant bound once to a
    number literal (``KEEP_PROB = 0.75``), bound nowhere else in the file and not shadowed where
    it is read; or a name bound once, in the function that reads it, to a number literal (``def
    main(): keep_prob = 0.75 ... feed_dict={m.keep: keep_prob}``: one value wherever it is read
    there, no ``global`` / ``nonlocal`` of it); otherwise ``literal(value, None)``."""
    val = literal(value, None)
    if val is None and isinstance(value, cst.Attribute):
        return config_number(ctx, value)
    if val is not None or not isinstance(value, cst.Name):
        return val
    from .flow import Flow

    flow = ctx.analysis(Flow)
    mod = flow.scopes.get(id(ctx.module))
    try:
        here = flow.scope_of(value)
    except KeyError:
        here = mod
    if here is not None and here is not mod and value.value in here.by_name:
        return _local_number(here, value.value)
    defs = mod.by_name.get(value.value, ()) if mod is not None else ()
    if len(defs) != 1 or defs[0].value is None:
        return None
    num = literal(defs[0].value, None)
    if not isinstance(num, (int, float)) or isinstance(num, bool):
        return None
    if any(isinstance(n, cst.Global) and any(x.name.value == value.value for x in n.names)
           for n in _walk(ctx.module)):
        return None  # a function assigns the module's name (``global``): not one value
    if ctx.parent(value) is not None:  # a read of the file: which variable it is, by Python's scoping
        if flow.binding_scope(value) is not mod:
            return None  # read where a function's own variable of that name (a parameter) shadows it
    elif any(value.value in sc.by_name for sc in flow.scopes.values() if sc is not mod):
        return None  # (a node the rule pass made: where it is read is not known - bound in a function too)
    return num


def config_number(ctx, value: cst.BaseExpression):
    """``config.keep_prob`` / ``Config.keep_prob``: a number attribute of a PTB-style
    configuration class - a module-level class of the file with no base but ``object``, no
    decorator and no method, whose body binds ``keep_prob`` once to a number literal; read through
    the class's name or through a module-level name bound ONCE to ``Config()`` (no arguments).
    Neither name is bound anywhere else (not in a function either), nothing in the file assigns
    any ``<x>.keep_prob`` (an ``eval_config.keep_prob = 1.0`` makes it per-object) or calls
    ``setattr`` / ``vars`` / ``__dict__``: one value for the whole run, returned; None otherwise."""
    if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Attribute) \
            and isinstance(value.value.value, cst.Name) and value.value.value.value == "self":
        return _instance_config_number(ctx, value)
    if not (isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name)):
        return None
    from .flow import Flow

    flow = ctx.analysis(Flow)
    mod = flow.scopes.get(id(ctx.module))
    if mod is None:
        return None
    name, attr = value.value.value, value.attr.value

    def _once(n: str):
        defs = mod.by_name.get(n, ())
        if len(defs) != 1 or any(n in sc.by_name for sc in flow.scopes.values() if sc is not mod):
            return None
        return defs[0]

    d = _once(name)
    if d is None:
        return None
    cls = d.stmt
    if isinstance(d.value, cst.Call) and not d.value.args and isinstance(d.value.func, cst.Name):
        c = _once(d.value.func.value)
        cls = c.stmt if c is not None else None
    if not isinstance(cls, cst.ClassDef) or cls.decorators or cls.keywords \
            or any(not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in cls.bases):
        return None
    nums = []
    for stmt in cls.body.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            return None  # a method (an __init__ setting self.<attr>, a property ...)
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                for t in small.targets:
                    if isinstance(t.target, cst.Name) and t.target.value == attr:
                        nums.append(literal(small.value, None) if len(small.targets) == 1 else None)
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)) and isinstance(small.target, cst.Name) \
                    and small.target.value == attr:
                return None
    if len(nums) != 1 or not isinstance(nums[0], (int, float)) or isinstance(nums[0], bool):
        return None
    for n in _walk(ctx.module):
        if isinstance(n, cst.Attribute) and n.attr.value in (attr, "__dict__") \
                and isinstance(ctx.parent(n), (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)):
            return None
        if isinstance(n, cst.Attribute) and n.attr.value == "__dict__":
            return None
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in ("setattr", "vars", "delattr"):
            return None
    return nums[0]


def _instance_config_number(ctx, value: cst.Attribute):
    """``self.config.dropout`` in a method of a model class (the CS224n model skeleton): every
    binding of ``<x>.config`` in the file is ``self.config = <parameter>`` in the ``__init__`` of
    that class or of a class deriving from it, and every instantiation of those classes passes,
    for that parameter, a name bound once in its scope to ``Config()`` of a configuration class
    whose ``dropout`` :func:`config_number` reads (one number for the whole run); None otherwise."""
    from .flow import Flow

    a, attr = value.value.attr.value, value.attr.value
    cls = ctx.parent(value)
    while cls is not None and not isinstance(cls, cst.ClassDef):
        cls = ctx.parent(cls)
    if cls is None:
        return None
    classes = {c.name.value: c for c in ctx.module.body if isinstance(c, cst.ClassDef)}
    if classes.get(cls.name.value) is not cls:
        return None
    family = {cls.name.value}
    grew = True
    while grew:
        grew = False
        for c in classes.values():
            if c.name.value not in family and any(isinstance(b.value, cst.Name) and b.value.value in family
                                                  for b in c.bases):
                family.add(c.name.value)
                grew = True
    params: dict[str, tuple[cst.FunctionDef, str]] = {}  # class -> (its __init__, the parameter bound)
    for n in _walk(ctx.module):
        if not (isinstance(n, cst.Attribute) and n.attr.value == a):
            continue
        par = ctx.parent(n)
        if isinstance(par, (cst.AugAssign, cst.AnnAssign, cst.Del)) and getattr(par, "target", None) is n:
            return None
        if not isinstance(par, cst.AssignTarget):
            continue
        asg = ctx.parent(par)
        fn = ctx.parent(ctx.parent(ctx.parent(asg))) if isinstance(asg, cst.Assign) else None
        owner = ctx.parent(ctx.parent(fn)) if isinstance(fn, cst.FunctionDef) else None
        if not (isinstance(owner, cst.ClassDef) and owner.name.value in family and fn.name.value == "__init__"
                and isinstance(n.value, cst.Name) and n.value.value == "self" and len(asg.targets) == 1
                and isinstance(asg.value, cst.Name) and owner.name.value not in params):
            return None
        if asg.value.value not in [p.name.value for p in fn.params.params][1:]:
            return None
        params[owner.name.value] = (fn, asg.value.value)
    if not params:
        return None
    flow = ctx.analysis(Flow)
    seen = 0
    number = None
    for n in _walk(ctx.module):
        if not (isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in family):
            continue
        where = params.get(n.func.value)
        if where is None:
            return None  # (an instantiated class whose __init__ is inherited or another's: not followed)
        bound = None if any(x.star for x in n.args) else flow.call_bindings(where[0], n, 1)
        arg = bound.get(where[1]) if bound is not None else None
        if not isinstance(arg, cst.Name):
            return None
        scope = flow.scope_of(n)
        defs = scope.by_name.get(arg.value, ()) if scope is not None else ()
        if len(defs) != 1 or not isinstance(defs[0].value, cst.Call) or defs[0].value.args \
                or not isinstance(defs[0].value.func, cst.Name):
            return None
        got = config_number(ctx, cst.Attribute(value=cst.Name(defs[0].value.func.value), attr=cst.Name(attr)))
        if got is None or (number is not None and got != number):
            return None
        number, seen = got, seen + 1
    return number if seen else None


def _local_number(scope, name: str):
    """The number literal ``name`` is bound to, once, in the function scope ``scope``; None when
    it has another binding there (a parameter, a loop target, a second assignment) or the
    function declares it global / nonlocal."""
    defs = scope.by_name.get(name, ())
    if len(defs) != 1 or defs[0].value is None or not isinstance(defs[0].stmt, cst.SimpleStatementLine):
        return None
    small = defs[0].stmt.body[0] if len(defs[0].stmt.body) == 1 else None
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
            and small.targets[0].target.value == name and small.value is defs[0].value):
        return None  # ``a = b = 0.5``, a tuple target, an augmented assignment
    for n in _walk(scope.node):
        if isinstance(n, (cst.Global, cst.Nonlocal)) and any(x.name.value == name for x in n.names):
            return None
    num = literal(defs[0].value, None)
    if not isinstance(num, (int, float)) or isinstance(num, bool):
        return None
    return num


def dropout_rate_arg(ctx, arg: cst.CSTNode) -> bool:
    """``arg`` (an original ``cst.Arg``) is the DROP rate of a dropout: tf.nn.dropout's ``rate=``
    (TF 1.13+, the 6th positional) or tf.layers.dropout's ``rate=`` / 2nd positional. A
    placeholder read so is inactive at 0.0 (where a keep probability is at 1.0)."""
    site = _call_site(ctx, arg)
    if site is None:
        return False
    q, kw, i = site
    if q == "tensorflow.nn.dropout":
        return kw == "rate" or (kw is None and i == 5)
    if q == "tensorflow.layers.dropout":
        return kw == "rate" or (kw is None and i == 1)
    return False


def run_constant(ctx, value: cst.BaseExpression):
    """A fed value fixed for the whole run: a number (returned as a float; a literal or a
    module-level number constant, :func:`module_number`) or ``FLAGS.<name>`` of a module-level
    ``FLAGS = tf.(app.)flags.FLAGS`` never assigned to (returned as a new expression, valid
    wherever FLAGS is the module's); None otherwise."""
    val = module_number(ctx, value)
    if isinstance(val, (int, float)) and not isinstance(val, bool):
        return float(val)
    if not (isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name)):
        return None
    from .flow import Flow

    flow = ctx.analysis(Flow)
    mod = flow.scopes.get(id(ctx.module))
    name, attr = value.value.value, value.attr.value
    defs = mod.by_name.get(name, ()) if mod is not None else ()
    if len(defs) != 1 or defs[0].value is None or ctx.legacy_name(defs[0].value) not in (
            "tensorflow.flags.FLAGS", "tensorflow.app.flags.FLAGS"):
        return None
    if any(name in sc.by_name for sc in flow.scopes.values() if sc is not mod):
        return None  # shadowed somewhere: the name may not be the flags where the wrapper is built
    for n in _walk(ctx.module):
        if isinstance(n, cst.Attribute) and n.attr.value == attr and isinstance(n.value, cst.Name) \
                and n.value.value == name and isinstance(ctx.parent(n), (cst.AssignTarget, cst.AugAssign)):
            return None  # the flag is set in the program: not one value
    return cst.parse_expression(code(value))


def _static_method(fn: cst.FunctionDef) -> bool:
    """``fn`` is decorated with ``@staticmethod`` only (no ``self`` parameter)."""
    return len(fn.decorators) == 1 and isinstance(fn.decorators[0].decorator, cst.Name) \
        and fn.decorators[0].decorator.value == "staticmethod"


def method_keep_arg(ctx, arg: cst.CSTNode) -> bool:
    """``arg`` (an original ``cst.Arg``) passes a value to ``self.<method>(...)`` of the enclosing
    class whose matching parameter the method reads only as a dropout keep probability
    (:func:`dropout_keep_arg`): dhwajraj's ``self.BiRNN(x, self.dropout_keep_prob, ...)``; the
    method may be a ``@staticmethod`` (atec-nlp's ``self.bi_rnn(x, ..., self.dropout_keep_prob)``:
    no ``self`` parameter to skip)."""
    if not isinstance(arg, cst.Arg) or arg.star:
        return False
    c = ctx.parent(arg)
    if not (isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name)):
        return False
    cls = ctx.parent(c)
    while cls is not None and not isinstance(cls, cst.ClassDef):
        cls = ctx.parent(cls)
    if cls is None:
        return False
    fn = next((m for m in cls.body.body if isinstance(m, cst.FunctionDef) and m.name.value == c.func.attr.value
               and (not m.decorators or _static_method(m))), None)
    if fn is None:
        return False
    params = list(fn.params.params)
    skip = 0 if _static_method(fn) else 1  # a method's self
    if arg.keyword is not None:
        param = next((p for p in params if p.name.value == arg.keyword.value), None)
    else:
        i = list(c.args).index(arg) + skip
        if any(a.keyword is not None for a in c.args[:i - skip]) or i >= len(params):
            return False
        param = params[i]
    if param is None:
        return False
    reads = [n for n in _walk(fn.body) if isinstance(n, cst.Name) and n.value == param.name.value]
    if not reads:
        return False
    for n in reads:
        parent = ctx.parent(n)
        if isinstance(parent, cst.Arg) and parent.keyword is n:
            continue
        if isinstance(parent, cst.Attribute) and parent.attr is n:
            continue
        if not (isinstance(parent, cst.Arg) and parent.value is n and dropout_keep_arg(ctx, parent)):
            return False  # read otherwise, or rebound
    return True


class KeepProbResolver:
    """Mixin for rules (``self.ctx``): the constant a keep-probability placeholder is fed in the
    training runs."""

    def _placeholder_attribute(self, keep: cst.BaseExpression) -> bool:
        """``self.keep_prob`` where a method of the enclosing class sets
        ``self.keep_prob = tf.placeholder(...)``."""
        if not (isinstance(keep, cst.Attribute) and isinstance(keep.value, cst.Name)):
            return False
        me, attr = keep.value.value, keep.attr.value
        cls = self.ctx.parent(keep)
        while cls is not None and not isinstance(cls, cst.ClassDef):
            cls = self.ctx.parent(cls)
        if cls is None:
            return False

        found = []
        ctx = self.ctx

        class V(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                if any(isinstance(t.target, cst.Attribute) and isinstance(t.target.value, cst.Name)
                       and t.target.value.value == me and t.target.attr.value == attr for t in node.targets) \
                        and isinstance(node.value, cst.Call) \
                        and (ctx.legacy_name(node.value) or "").startswith("tensorflow.placeholder"):
                    found.append(node)

        cls.visit(V())
        return bool(found)

    def _class_keep_prob(self, keep: cst.Attribute, flags: bool = False):
        """``self.<attr>``: the constant its class's training runs feed it (TF1Classes), None if
        it is not such a placeholder. ``flags``: a flag value (``FLAGS.keep``, fixed for the
        run) fed by every training run counts as such a constant (returned as an expression);
        the class's other runs must feed 1.0."""
        from .tf1_classes import TF1Classes, _self_attr

        tc = self.ctx.analysis(TF1Classes)
        if not flags:
            return tc.keep_prob(keep)
        attr = _self_attr(keep)
        cls = self.ctx.parent(keep)
        while cls is not None and not isinstance(cls, cst.ClassDef):
            cls = self.ctx.parent(cls)
        cp = tc.classes.get(cls.name.value) if cls is not None else None
        if cp is None or attr not in cp.placeholders or cp.why:
            return None
        train = [r.feeds[attr] for r in cp.runs if r.train and attr in r.feeds]
        if any(literal(r.feeds[attr], None) != 1 for r in cp.runs if not r.train and attr in r.feeds):
            return None
        vals = {code(v) for v in train}
        if len(vals) != 1:
            return None
        return self._run_constant(train[0])

    def _run_constant(self, value: cst.BaseExpression):
        return run_constant(self.ctx, value)

    def _fed_value(self, name: str, at: cst.CSTNode, flags: bool = False):
        """The value the training runs feed the placeholder ``name`` (a number; with ``flags``
        also a ``FLAGS.<name>`` expression, see :meth:`_run_constant`)."""
        arg = self._passed_as(name, at)
        if arg is not None:  # conv_net(x, weights, biases, keep_prob): the parameter is the placeholder
            return self._fed_value(arg.value, arg, flags)
        attrs = self._method_args(name, at)
        if attrs:  # self.tower(x, self.keep_prob): the method's parameter is the class's placeholder
            vals = [self._class_keep_prob(a, flags) for a in attrs]
            if None not in vals and len({v if isinstance(v, float) else code(v) for v in vals}) == 1:
                return vals[0]
            raise Untranslatable(f"keep probability {name} is {code(attrs[0])}, not a placeholder of a translated "
                                 "class fed one constant in its training runs and 1.0 elsewhere")
        tp = self.ctx.analysis(TF1Program)
        progs = [tp.program_of(at)] + list(tp.programs.values())
        for prog in progs:
            if prog is None or name not in prog.placeholders:
                continue
            fed = [v for r, v in prog.fed_values(name) if r.train_op is not None]
            if flags and len({code(v) for v in fed}) == 1 and self._run_constant(fed[0]) is not None:
                return self._run_constant(fed[0])
            vals = {module_number(self.ctx, v) for v in fed}
            if len(vals) == 1:
                return vals.pop()
            raise Untranslatable(f"{name} is fed {sorted(map(str, vals)) or 'nothing'} in the training runs")
        raise Untranslatable(f"keep_prob {name} is not a placeholder fed with a constant")

    def _param_of(self, name: str, at: cst.CSTNode):
        """(function, parameter index) when ``name`` is a parameter of the function holding ``at``,
        never rebound there; None otherwise."""
        from .flow import Flow

        flow = self.ctx.analysis(Flow)
        scope = flow.scope_of(at)
        if isinstance(scope.node, cst.FunctionDef) and name not in scope.by_name:
            # a free variable of a nested function (``def snn(x, keep): def tower(v): ...
            # dropout(v, keep)``): the enclosing function's variable, read through the closure
            scope = flow.resolve(name, scope) or scope
        fn = scope.node
        if not isinstance(fn, cst.FunctionDef) or (fn.decorators and not _static_method(fn)):
            return None
        defs = scope.by_name.get(name, ())
        if len(defs) != 1 or defs[0].index != -1:
            return None
        params = list(fn.params.params)
        idx = next((i for i, p in enumerate(params) if p.name.value == name), None)
        return None if idx is None else (fn, idx)

    def _passed_as(self, name: str, at: cst.CSTNode) -> cst.Name | None:
        """``name`` is a parameter of the module function holding ``at``, never rebound there, and
        every call of that function in the file passes the same plain name for it, from one scope
        (a tower function called once per input with the program's keep placeholder): that name
        (the first call's)."""
        from .flow import Flow

        found = self._param_of(name, at)
        if found is None or found[0] not in self.ctx.module.body or found[0].decorators:
            return None
        fn, _ = found
        flow = self.ctx.analysis(Flow)
        params = list(fn.params.params)
        refs = [n for n in _walk(self.ctx.module) if isinstance(n, cst.Name) and n.value == fn.name.value
                and n is not fn.name]
        passed = []
        for ref in refs:
            c = self.ctx.parent(ref)
            if not isinstance(c, cst.Call) or c.func is not ref or any(a.star for a in c.args):
                return None
            a = next((a for i, a in enumerate(c.args)
                      if (a.keyword is None and i < len(params) and params[i].name.value == name)
                      or (a.keyword is not None and a.keyword.value == name)), None)
            if a is None or not isinstance(a.value, cst.Name):
                return None
            passed.append(a.value)
        if not passed or len({p.value for p in passed}) != 1 or len({id(flow.scope_of(p)) for p in passed}) != 1:
            return None
        return passed[0]

    def _method_args(self, name: str, at: cst.CSTNode) -> list:
        """``name`` is a parameter of a method (``def tower(self, x, dropout)``) that the class
        calls only as ``self.tower(...)``, each call passing ``self.<attr>`` for it: those
        attributes (empty when the method is read any other way)."""
        found = self._param_of(name, at)
        if found is None:
            return []
        fn, idx = found
        body = self.ctx.parent(fn)
        cls = self.ctx.parent(body) if body is not None else None
        static = _static_method(fn)  # ``@staticmethod def bi_rnn(x, ..., dropout)`` called as self.bi_rnn(..)
        if not isinstance(cls, cst.ClassDef) or (idx == 0 and not static):
            return []
        me = "self" if static else fn.params.params[0].name.value
        shift = 0 if static else 1
        out = []
        for n in _walk(self.ctx.module):
            if not (isinstance(n, cst.Attribute) and n.attr.value == fn.name.value):
                continue
            c = self.ctx.parent(n)
            inside = cls
            p = n
            while p is not None and p is not inside:
                p = self.ctx.parent(p)
            if p is None or not (isinstance(n.value, cst.Name) and n.value.value == me) \
                    or not isinstance(c, cst.Call) or c.func is not n or any(a.star for a in c.args):
                return []
            a = next((a for i, a in enumerate(c.args) if (a.keyword is None and i == idx - shift)
                      or (a.keyword is not None and a.keyword.value == name)), None)
            if a is None or not (isinstance(a.value, cst.Attribute) and isinstance(a.value.value, cst.Name)
                                 and a.value.value.value == me):
                return []
            out.append(a.value)
        return out


def python_numbers(ctx, name: str, at: cst.CSTNode, _depth: int = 0) -> frozenset | None:
    """Every value ``name`` (read at ``at``) can hold when it is a Python number whatever the
    run: a module constant (:func:`module_number`), or a local of the function holding ``at``
    each of whose bindings is a number, a conditional expression of numbers
    (``keep = 0.75 if training else 1.0``; TF1 raises on a tensor used as a Python bool, so the
    test is a Python value) or another such local, or a parameter of a module function with a
    number default that every call in the file omits or passes a number for
    (``def tower(x, keep=0.5)``). None when some binding may be anything else (a placeholder)."""
    from .flow import Flow

    if _depth > 8:
        return None
    flow = ctx.analysis(Flow)
    scope = flow.scope_of(at)
    if scope.node is ctx.module or name not in scope.by_name:
        val = module_number(ctx, cst.Name(name))
        ok = isinstance(val, (int, float)) and not isinstance(val, bool)
        return frozenset({float(val)}) if ok else None
    out: set = set()
    for d in scope.by_name[name]:
        if d.index == -1:
            vals = _param_numbers(ctx, scope.node, name)
        elif d.value is not None and not isinstance(d.stmt, (cst.With, cst.For)):
            vals = _expr_numbers(ctx, d.value, _depth)
        else:
            vals = None
        if vals is None:
            return None
        out |= vals
    return frozenset(out) if out else None


def _expr_numbers(ctx, value: cst.BaseExpression, depth: int) -> frozenset | None:
    if isinstance(value, cst.IfExp):
        a, b = _expr_numbers(ctx, value.body, depth), _expr_numbers(ctx, value.orelse, depth)
        return None if a is None or b is None else a | b
    val = literal(value, None)
    if isinstance(val, (int, float)) and not isinstance(val, bool):
        return frozenset({float(val)})
    if isinstance(value, cst.Name):
        return python_numbers(ctx, value.value, value, depth + 1)
    return None


def _param_numbers(ctx, fn: cst.FunctionDef, name: str) -> frozenset | None:
    """A module function's parameter: its number default and the numbers every call passes."""
    def number(e):
        val = literal(e, None)
        return frozenset({float(val)}) if isinstance(val, (int, float)) and not isinstance(val, bool) else None

    return _param_values(ctx, fn, name, number, lambda e: _expr_numbers(ctx, e, 0), default_always=True)


def _param_values(ctx, fn: cst.FunctionDef, name: str, read_default, read_arg,
                  default_always: bool = False) -> frozenset | None:
    """The values parameter ``name`` of module function ``fn`` takes: what every call of the file
    passes (``read_arg``) and its default (``read_default``) where a call omits it - or in any case
    with ``default_always`` (each reader: an expression -> its set of values, None where not
    known). None when a value is not known, a call omits a parameter without default, or the
    function is passed around / called with ``*args``."""
    if fn.decorators or fn not in ctx.module.body:
        return None
    params = list(fn.params.params)
    idx = next((i for i, p in enumerate(params) if p.name.value == name), None)
    if idx is None:
        return None
    out: set = set()
    default = params[idx].default
    defaults = read_default(default) if default is not None else frozenset()
    if defaults is None:
        return None
    if default_always:
        out |= defaults
    refs = [n for n in _walk(ctx.module) if isinstance(n, cst.Name) and n.value == fn.name.value
            and n is not fn.name]
    if not refs:
        return None
    for ref in refs:
        c = ctx.parent(ref)
        if not isinstance(c, cst.Call) or c.func is not ref or any(a.star for a in c.args):
            return None  # passed around, or called with *args: the values are not all seen
        a = next((a for i, a in enumerate(c.args) if (a.keyword is None and i == idx)
                  or (a.keyword is not None and a.keyword.value == name)), None)
        if a is None:
            if default is None:
                return None
            out |= defaults
            continue
        vals = read_arg(a.value)
        if vals is None:
            return None
        out |= vals
    return frozenset(out)


def fixed_number(ctx, node: cst.BaseExpression, at: cst.CSTNode) -> bool:
    """``node`` (a dropout's keep_prob / rate, read at ``at``) is the same Python number in every
    run: a numeric literal or a name :func:`python_numbers` resolves. Not a placeholder or tensor
    (fed one value in the training runs and another - 1.0 / 0 - in the evaluations)."""
    from ..emit import literal

    v = literal(node, None)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return True
    return isinstance(node, cst.Name) and python_numbers(ctx, node.value, at) is not None


def python_bools(ctx, name: str, at: cst.CSTNode) -> frozenset | None:
    """The Python bools a mode flag read as ``name`` at ``at`` can be: a parameter of a module
    function, never rebound in it, whose default (if any) is a bool literal and which every call
    in the file omits or passes a bool literal for (``def tower(x, is_training=True)`` called as
    ``tower(a, is_training=False)``). TF1 built each call's graph with that value. None when a
    binding may be anything else (a placeholder, a computed value, the function passed around)."""
    from .flow import Flow

    scope = ctx.analysis(Flow).scope_of(at)
    fn = scope.node
    defs = scope.by_name.get(name, ()) if fn is not ctx.module else ()
    if not isinstance(fn, cst.FunctionDef) or len(defs) != 1 or defs[0].index != -1:
        return None
    if sum(1 for s in ctx.module.body if isinstance(s, cst.FunctionDef) and s.name.value == fn.name.value) != 1:
        return None

    def as_bool(e):
        b = e.value == "True" if isinstance(e, cst.Name) and e.value in ("True", "False") else None
        return None if b is None else frozenset({b})

    return _param_values(ctx, fn, name, as_bool, as_bool)
