"""TF1 models written as classes: ``ctx.analysis(TF1Classes)``.

A class whose methods assign placeholders to attributes (``self.x1 = tf.placeholder(...)``)
is a model class. For each, a :class:`ClassProgram`:

* ``placeholders``: ``{attr: Placeholder}`` (``analysis/tf1_program.Placeholder``, ``name`` is the
  attribute), with roles decided as for scope programs: ``input`` when something computed from
  it reaches a trainable op (a layer, ``matmul``, a file function / method that applies or
  creates parameters), ``label`` (non-scalar, only the loss reads it), ``hyper`` (scalar);
* ``deps(attr)``: the attributes ``self.attr``'s value depends on, transitively - through the
  assigned expression, the method's local variables it reads and the bodies of the
  ``self.method(...)`` calls it makes (a loss method reading ``self.o1`` depends on ``o1``);
* ``instances``: ``(scope, name)`` of ``name = Class(...)`` bindings, and in their scopes the
  ``train_ops`` (``opt.minimize(inst.loss)``) and ``runs`` (``sess.run(...)`` fetching
  ``inst.attr`` / the train op, feeding ``{inst.P: value}``; ``inst.attr.eval(feed)``).

Everything refers to ORIGINAL nodes; syntactic and conservative like ``TF1Program``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ..cstcache import walk
from ..emit import literal
from .keep_prob import _static_method, dropout_keep_arg, run_constant
from .flow import Flow, ScopeFlow, load_names, target_names


# TF1's check of every float tensor of the graph for NaN / Inf (a debugging op fetched with a step)
NUMERICS_OPS = ("tensorflow.add_check_numerics_ops", "tensorflow.compat.v1.add_check_numerics_ops")


def default_minimize_arg(qname, a) -> bool:
    from .tf1_program import default_minimize_arg as f

    return f(qname, a)


_VAR_SUBSET_WHY = ("minimize() with var_list/gate arguments: var_list is a subset of the variables (TF1 "
                   "trains only those, with an optimizer of its own per train op: its own slots and step "
                   "count); a LossModel step updates every weight of the model, and which Keras weights "
                   "the TF1 names select is not traced")


def minimize_args_why(args) -> str:
    """Why ``minimize(loss, *args)`` keeps a class TF1: a ``var_list`` subset (the only argument not
    TF1's default) or another argument (gate_gradients, aggregation_method, ...)."""
    if all(a.keyword is not None and a.keyword.value in ("var_list", "global_step", "name") for a in args) \
            and any(a.keyword.value == "var_list" for a in args):
        return _VAR_SUBSET_WHY
    return "minimize() with var_list/gate arguments"


def self_close_statement(ctx, node: cst.CSTNode, attr: str) -> bool:
    """``node`` (``self.<attr>``) is the whole of a ``self.<attr>.close()`` statement: an owned
    session closed (nothing else after it in TF1; Keras has no session to close)."""
    parent = ctx.parent(node)
    call = ctx.parent(parent) if isinstance(parent, cst.Attribute) and parent.value is node else None
    if not (isinstance(call, cst.Call) and call.func is parent and parent.attr.value == "close" and not call.args):
        return False
    expr = ctx.parent(call)
    line = ctx.parent(expr) if isinstance(expr, cst.Expr) else None
    return isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and _self_attr(node) == attr


def _module_names(module: cst.Module) -> set[str]:
    """Names the module binds at its top level: imports, functions, classes, assignments."""
    out: set[str] = set()
    for st in module.body:
        if isinstance(st, (cst.FunctionDef, cst.ClassDef)):
            out.add(st.name.value)
        elif isinstance(st, cst.SimpleStatementLine):
            for small in st.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
                    for a in small.names:
                        if a.asname is not None and isinstance(a.asname.name, cst.Name):
                            out.add(a.asname.name.value)
                        else:
                            out.add((cst.helpers.get_full_name_for_node(a.name) or "").split(".")[0])
                elif isinstance(small, cst.Assign):
                    for t in small.targets:
                        if isinstance(t.target, cst.Name):
                            out.add(t.target.value)
    return out


def _self_attr(node: cst.CSTNode, self_name: str = "self") -> str | None:
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == self_name:
        return node.attr.value
    if "." in self_name and isinstance(node, cst.Attribute) and isinstance(node.value, cst.Attribute) \
            and isinstance(node.value.value, cst.Name) and "self." + node.value.attr.value == self_name \
            and node.value.value.value == "self":  # ``self._model.x``: a holder's model (TF1Classes._holders)
        return node.attr.value
    return None


@dataclass(eq=False)
class ClassRun:
    call: cst.Call
    statement: cst.CSTNode
    instance: str
    fetches: list[tuple[str, str]]          # ("attr", name) | ("op", train op name)
    fetch_is_list: bool
    feeds: dict[str, cst.BaseExpression]    # placeholder attr -> fed value (original)
    method: str = "session"                 # "session" | "eval"
    train: bool = False


@dataclass(eq=False)
class ClassTrainOp:
    name: str
    statement: cst.SimpleStatementLine
    call: cst.Call
    instance: str
    loss: str                               # the loss attribute (``method.name``: a method's local loss)
    # a train op built INSIDE a method (``train = opt.minimize(loss)`` / clipped
    # ``apply_gradients``, returned by the method): outside, ``loss, train = inst.method()``
    method: "MethodTrainOp | None" = None
    # ``gv = opt.compute_gradients(inst.loss)`` of ``opt.apply_gradients(gv)`` in the scope: removed with it
    extra: list = field(default_factory=list)
    # ``grads, _ = tf.clip_by_global_norm(tf.gradients(inst.loss, tvars), c)`` applied outside the
    # class: the Keras optimizer's clipping argument (("global_clipnorm", c), TrainOp.clip)
    clip: tuple | None = None


@dataclass(eq=False)
class MethodTrainOp:
    method: str                             # the method's name
    local: str                              # the train op's name in the method
    loss_node: cst.BaseExpression           # the loss (a local name or self.attr), original
    optimizer: cst.BaseExpression
    clip: tuple | None = None               # ("clipvalue", node) ... (TrainOp.clip)
    extra: list = field(default_factory=list)  # gradient statements, removed with the op
    returns: list = field(default_factory=list)  # the returned tuple: local names (None: other)
    attr: str | None = None                 # ``self.train_op = ...``: the attribute (local unused)
    # ``t = self.optimizer_fn(self.loss)`` + ``self.optim = tf.group(*[t] + self._ops)``: the
    # caller's statements - those that go, and the one that becomes ``self.optim = t``
    group_drop: list = field(default_factory=list)
    group_stmt: object = None
    group_local: str = ""
    # a step counter of the method (``g = tf.Variable(0, trainable=False)``, ``minimize(global_step=g)``)
    # and the statements computing the learning rate from it: see ``TF1Classes._method_counter``
    counter: object = None
    loss_param: str = ""                    # the loss is this parameter of the method (the caller passes loss)
    # ``self.opt = optimize(self.loss, lr)`` with a MODULE function ``def optimize(loss, lr):
    # return <optimizer>.minimize(loss)``: its ``return`` statement (which comes to return the
    # optimizer), the optimizer being compiled with what the call returns
    function_return: object = None
    returned: bool = False                  # ``return opt.apply_gradients(gv)``: the op is returned, not named


@dataclass(eq=False)
class ClassProgram:
    node: cst.ClassDef
    placeholders: dict = field(default_factory=dict)
    direct: dict[str, set[str]] = field(default_factory=dict)
    instances: list[tuple[ScopeFlow, str]] = field(default_factory=list)
    # ids of function scopes whose parameter is an instance (TF1Classes._param_instances)
    param_instances: set = field(default_factory=set)
    train_ops: list[ClassTrainOp] = field(default_factory=list)
    runs: list[ClassRun] = field(default_factory=list)
    method_ops: list[tuple[cst.SimpleStatementLine, cst.Call, MethodTrainOp]] = field(default_factory=list)
    loss_aliases: dict[str, str] = field(default_factory=dict)  # outside name -> loss key
    feed_defs: dict[int, str] = field(default_factory=dict)     # id(statement) of ``feed = {...}`` -> name
    # (class name, method name) of a feed-helper method (``create_feed_dict``) whose calls are
    # runs' feeds
    feed_methods: set[tuple[str, str]] = field(default_factory=set)
    # ``if ...: feed = {m.x: a, ...} else: feed = {m.x: b, ...}`` before one run: id(each statement) ->
    # the placeholder attributes of its keys; the keys become those names as strings and the run
    # reads ``feed["x"]``
    keyed_feeds: dict[int, list[str]] = field(default_factory=dict)
    # ``step = tf.Variable(0, trainable=False)`` of the scope using the class, given to its train
    # op's ``minimize(global_step=step)``: name -> (statement, start, the train op's call); read
    # only as a fetch of the class's runs (a training run returned the value after its update)
    # and by ``tf.train.global_step``
    scope_steps: dict[str, tuple] = field(default_factory=dict)
    why: str = ""                           # non-empty: not translatable, and why
    # scalar placeholders read only as an optimizer's learning rate, fed by every training run
    learning_rates: set = field(default_factory=set)
    # runs inside methods that take the session as a parameter: {method: (param name, index)};
    # the calls ``inst.method(sess, ...)`` whose session argument goes with them
    session_params: dict = field(default_factory=dict)
    session_args: list = field(default_factory=list)        # the Arg nodes (original) passing it
    # ``sess.run(tf.global_variables_initializer())`` in a method given the session, before its
    # runs (the method called once per instance): the Call nodes; they go with the session
    param_init_runs: list = field(default_factory=list)
    # TF1Classes._session_relays (computed once): method -> the session parameter's index, and
    # the ``.<method>(...)`` calls of the file for each such method
    relays: dict | None = None
    relay_calls: dict = field(default_factory=dict)
    loss_attr_alias: dict = field(default_factory=dict)     # self.X = self.get_loss(): X -> loss key
    twice: set = field(default_factory=set)                 # attributes assigned more than one placeholder
    # the other placeholders of a ``twice`` attribute (one per method assigning it; ``placeholders``
    # holds the last): each statement is translated like the one in ``placeholders``
    other_placeholders: list = field(default_factory=list)
    # several instances built into one TF1 graph whose layers share by TF1 name: the functions
    # (FunctionDef nodes) that build them, where variable scopes and layers go through the
    # run-time TF1 variable store (helpers tf1_variable_scope / tf1_scoped_layer)
    store_functions: list = field(default_factory=list)
    session_stmts: list = field(default_factory=list)       # ``self.sess = sess`` (a session the class was given)
    # module functions running a module-level instance in a session of their own (``def main():
    # sess = tf.Session(); ...``, TF1Classes._own_session_function): their FunctionDef nodes -
    # their session statements go as those of the instance's scope
    session_scopes: list = field(default_factory=list)
    # ``self.<attr> = tf.Session()`` in __init__: the object's own session, whose runs are in its
    # methods (they become runs of ``self``; the session and its initializer run go)
    session_attr: str | None = None
    saver_attr: str | None = None                           # ``self.saver = tf.train.Saver()`` with it
    self_saver_calls: list = field(default_factory=list)    # ``self.saver.save(self.sess, path)`` calls
    # ``saver = tf.train.Saver()`` in a method given the session, read only by ``saver.save(sess,
    # path)`` / ``restore`` statements there (their calls are in self_saver_calls): the Assign nodes
    local_savers: list = field(default_factory=list)
    # file functions given an instance and the session (``run_epoch(model, session, ...)``): the
    # Param nodes (original) of the session, which go with the arguments passing it
    session_param_nodes: list = field(default_factory=list)
    # file functions given an instance that build their own session and return it
    # (``def train(model, ..): session = tf.Session(); ..; return session``, TF1Program's
    # session_functions): the statements that go (the session, its initializer runs, the
    # ``return``) and the callers' ``sess = train(..)`` (the call stays, the binding goes)
    owned_session_stmts: list = field(default_factory=list)
    session_fn_callers: list = field(default_factory=list)
    # ``f(x, is_training=self.is_training)``: a training-mode placeholder passed to file functions
    # that only hand it to tf.layers' training= (TF1Classes._training_arg_ok); the attribute
    # stays, set to None (Keras' own training flag does the job: TFM131 drops training=)
    flag_args: list = field(default_factory=list)
    keep_args: list = field(default_factory=list)  # self.keep_prob passed to methods that only drop out with it
    # ``self.summary_op = tf.summary.merge_all()`` (any tf.summary op bound to an attribute):
    # fetched by runs whose result only reaches a FileWriter's add_summary (TFM142 removes those)
    summary_attrs: dict = field(default_factory=dict)       # attr -> the statement binding it
    # ``self.debug_op = tf.add_check_numerics_ops()``: fetched by training runs only, it becomes a
    # check of the step's loss and the updated weights (TFM186's rationale; TFM144 writes it)
    numerics_attrs: dict = field(default_factory=dict)      # attr -> the statement binding it
    # ``self.grad_norm = tf.global_norm(gs)`` of the gradients a method's train op applies,
    # fetched by training runs only (the norm the optimizer records at each step it applies)
    # (each becomes ``self.X = tf1_applied_global_norm(<the optimizer>)``, TFM144)
    norm_attrs: dict = field(default_factory=dict)          # attr -> (the statement binding it, optimizer)
    # ``self.net = Model(...)`` in a method of ANOTHER class of the file (the owner: it builds the
    # train op on ``self.net.loss``, opens the session in a method and passes it to the methods
    # that run it): (owner ClassDef, attr); see ``TF1Classes._owners``
    owner: tuple | None = None
    owner_scopes: list = field(default_factory=list)        # the owner's method scopes
    owner_saver_calls: list = field(default_factory=list)   # ``self.saver.save(sess, path)`` in the owner
    owner_saver_stmt: object = None                         # ``self.saver = tf.train.Saver()`` there
    # ``init = tf.global_variables_initializer()`` + ``return init`` in the owner method building
    # the model, the caller running what it returned: (statement, its caller's run statements)
    owner_inits: list = field(default_factory=list)
    # ``self.sess = sess`` in the owner's method making ``sess``, the attribute read only as the
    # session argument of a call on an instance of the owner (``m.evaluate(m.sess)``): they go
    owner_session_attrs: list = field(default_factory=list)
    # ``ModelEvaluator(model, session)``: another class of the file given an instance and the
    # session in its constructor (``self._model = model``, ``self._session = session``) whose
    # methods run the instance's tensors: its runs are the program's (instance "self._model");
    # the session parameter and the arguments passing it go
    holder_params: list = field(default_factory=list)       # the session Param nodes
    # a class defined in another module of the run (analysis/modules.ClassFacts): this file only
    # instantiates it; ``exported``: this file defines it, other files of the run instantiate it
    remote: object = None
    exported: object = None
    # the PTB tutorial's learning-rate variable (analysis/rate_variables.ClassRate): ``self._lr =
    # tf.Variable(0.0, trainable=False)`` given to the optimizer, set by ``self._lr_update =
    # tf.assign(self._lr, self._new_lr)`` runs and read by ``sess.run(m.lr)`` runs (their fetches
    # ("rate_set", attr) / ("rate", attr)); its placeholder is not in ``placeholders``
    rates: list = field(default_factory=list)

    def loss_attr(self) -> str:
        """The loss attribute the train op minimizes (a remote class without a train op in
        this file: the one another file of the run minimizes)."""
        if self.train_ops:
            return self.train_ops[0].loss
        return self.remote.loss if self.remote is not None else ""

    def distinct_train_ops(self) -> int:
        """How many train ops the class has: one ``self.<attr> = opt.minimize(..)`` of a method
        counts once however many instances build it (each instance trains its own model
        ``inst.<attr>``)."""
        if self.train_ops and all(t.method is not None and t.method.attr for t in self.train_ops):
            return len({id(t.statement) for t in self.train_ops})
        return len(self.train_ops)

    @property
    def name(self) -> str:
        return self.node.name.value

    def deps(self, attr: str) -> set[str]:
        out: set[str] = set()
        todo = [attr]
        while todo:
            a = todo.pop()
            for d in self.direct.get(a, ()):
                if d not in out:
                    out.add(d)
                    todo.append(d)
        return out

    def placeholders_of(self, attr: str, roles=("input", "label", "hyper")) -> list[str]:
        c = self.deps(attr) | {attr}
        return [p for p, ph in self.placeholders.items() if p in c and ph.role in roles]

    def is_tensor(self, attr: str) -> bool:
        return attr not in self.placeholders and bool(self.placeholders_of(attr))


class TF1Classes:
    def __init__(self, ctx) -> None:
        from .tf1_program import PLACEHOLDERS, TF1Program, _arg

        self.ctx = ctx
        self.flow: Flow = ctx.analysis(Flow)
        self.tp: TF1Program = ctx.analysis(TF1Program)
        self.classes: dict[str, ClassProgram] = {}
        self._arg = _arg
        # module-level classes by name: a model class inherits the methods of the base classes
        # defined in this file (``MetricNet(BaseModel)``: get_train_op / get_loss in the base)
        self._class_defs = {s.name.value: s for s in ctx.module.body if isinstance(s, cst.ClassDef)}
        self._methods_memo: dict[int, dict[str, cst.FunctionDef]] = {}
        for node in walk(ctx.module):
            if not isinstance(node, cst.ClassDef):
                continue
            if any(c is not node and node in self._bases(c) for c in self._class_defs.values()):
                continue  # a base class: its placeholders belong to the program of the class deriving from it
            cp = ClassProgram(node)
            # class attributes: ``x = tf.placeholder(...)`` in the class body, read as ``self.x``
            # in the methods and ``inst.x`` outside, like an attribute set in __init__
            for s in node.body.body:
                if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign) \
                        and len(s.body[0].targets) == 1 and isinstance(s.body[0].targets[0].target, cst.Name) \
                        and isinstance(s.body[0].value, cst.Call) and self.tp.qname(s.body[0].value) in PLACEHOLDERS:
                    attr = s.body[0].targets[0].target.value
                    cp.placeholders[attr] = self._placeholder(attr, s.body[0].value, s.body[0])
            for m in self._methods(node).values():
                for n in walk(m):
                    if isinstance(n, cst.Call) and self.tp.qname(n) in PLACEHOLDERS:
                        parent = ctx.parent(n)
                        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
                            attr = _self_attr(parent.targets[0].target)
                            if attr is not None:
                                if attr in cp.placeholders:  # one attribute, two placeholders (two methods)
                                    cp.twice.add(attr)
                                    cp.other_placeholders.append(cp.placeholders[attr])
                                cp.placeholders[attr] = self._placeholder(attr, n, parent)
            if cp.placeholders:
                cp.why = self._shared_base(cp)
                self._analyse(cp)
                self._class_rates(cp)
                self.classes[cp.name] = cp
        self._remote_classes()
        if self.classes:
            self._instances()

    # -- classes of other modules of the run (analysis/modules.py) ------------------------------
    def _remote_classes(self) -> None:
        """Model classes another file of the run defines and this file instantiates
        (``import model`` + ``model.Siamese()``, ``from model import Siamese`` + ``Siamese()``):
        a ClassProgram built from the defining file's facts (``Options.classes``) - its node an
        empty class, its placeholders without statements here - so that the train op, runs and
        savers of this file translate as for a class of the file."""
        from .modules import imported_modules

        self._remote_ctors: dict[tuple, ClassProgram] = {}  # ("mod", local, Class) | ("name", local)
        facts = self.ctx.switches.class_facts
        if not facts:
            return
        mods, names = imported_modules(self.ctx.module)
        for f in facts:
            keys = [("mod", local, f.name) for local, stem in mods.items() if stem == f.module]
            keys += [("name", local) for local, (stem, n) in names.items() if stem == f.module and n == f.name]
            if not keys or f.name in self.classes:
                continue
            cp = _remote_program(f, self.ctx)
            self.classes[f.name] = cp
            for k in keys:
                self._remote_ctors[k] = cp

    def _remote_passed(self, cp: ClassProgram) -> str:
        """An instance of a class of another module read other than as ``inst.attr`` (passed to
        a function, stored, returned): what is done with it there is not followed, and a Keras
        class body next to a TF1 session run there would break - "" or why."""
        for scope, inst in cp.instances:
            for n in walk(scope.node):
                if type(n) is not cst.Name or n.value != inst or self.flow.scope_of(n) is not scope:
                    continue
                parent = self.ctx.parent(n)
                if isinstance(parent, cst.Attribute) and parent.value is n:
                    continue
                if isinstance(parent, cst.AssignTarget) and parent.target is n:
                    continue
                return f"the instance {inst} is used other than through its attributes (passed on or stored)"
        return ""

    def _class_called(self, v) -> ClassProgram | None:
        """The class program ``v`` (an original expression) instantiates, or None."""
        if not isinstance(v, cst.Call):
            return None
        f = v.func
        if isinstance(f, cst.Name):
            cp = self._remote_ctors.get(("name", f.value)) if self._remote_ctors else None
            if cp is not None:
                return cp
            cp = self.classes.get(f.value)
            return None if cp is None or cp.remote is not None else cp
        if self._remote_ctors and isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name):
            return self._remote_ctors.get(("mod", f.value.value, f.attr.value))
        return None

    # -- class body ---------------------------------------------------------------------------
    def _methods(self, cls: cst.ClassDef, seen: frozenset = frozenset()) -> dict[str, cst.FunctionDef]:
        """The class's methods by name, with those it inherits from base classes defined in this
        file (the class's own override them; the first base wins over later ones, as Python's MRO
        does for single chains)."""
        memo = self._methods_memo.get(id(cls))
        if memo is not None:
            return memo
        out: dict[str, cst.FunctionDef] = {}
        for base in reversed(self._bases(cls)):
            if id(base) not in seen:
                out.update(self._methods(base, seen | {id(cls)}))
        own = {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}
        if "__init__" in own and "__init__" in out and self._delegates(
                own["__init__"], out["__init__"], {b.name.value for b in self._bases(cls)}):
            del own["__init__"]  # ``Base.__init__(self, a, b)`` and nothing else: the base's runs
        out.update(own)
        self._methods_memo[id(cls)] = out
        return out

    def _delegates(self, init: cst.FunctionDef, base_init: cst.FunctionDef, bases: set) -> bool:
        """``init`` only calls ``base_init`` with its own parameters, in the same order and with
        the same names as the base's (``Base.__init__(self, a, b)`` with Base one of ``bases``
        / ``super().__init__(a, b)``): the object is built by the base's ``__init__``."""
        ps, bps = init.params, base_init.params
        if ps.star_arg is not cst.MaybeSentinel.DEFAULT or ps.star_kwarg is not None or ps.kwonly_params \
                or ps.posonly_params or bps.star_arg is not cst.MaybeSentinel.DEFAULT or bps.star_kwarg \
                or bps.kwonly_params or bps.posonly_params:
            return False
        names = [p.name.value for p in ps.params]
        if names != [p.name.value for p in bps.params] or any(p.default is not None for p in ps.params):
            return False
        body = [st for st in init.body.body if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                and isinstance(st.body[0], cst.Expr) and isinstance(st.body[0].value, cst.SimpleString))]
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1 \
                or not isinstance(body[0].body[0], cst.Expr) or not isinstance(body[0].body[0].value, cst.Call):
            return False
        c = body[0].body[0].value
        if not (isinstance(c.func, cst.Attribute) and c.func.attr.value == "__init__"):
            return False
        owner = c.func.value
        args = [a for a in c.args]
        if any(a.keyword is not None or a.star for a in args) \
                or not all(isinstance(a.value, cst.Name) for a in args):
            return False
        passed = [a.value.value for a in args]
        if isinstance(owner, cst.Name):  # Base.__init__(self, a, b)
            return owner.value in bases and passed == names
        if isinstance(owner, cst.Call) and isinstance(owner.func, cst.Name) and owner.func.value == "super":
            return passed == names[1:]  # super().__init__(a, b) / super(Cls, self).__init__(a, b)
        return False

    def _bases(self, cls: cst.ClassDef) -> list[cst.ClassDef]:
        return [self._class_defs[a.value.value] for a in cls.bases
                if a.keyword is None and isinstance(a.value, cst.Name) and a.value.value in self._class_defs
                and self._class_defs[a.value.value] is not cls]

    def _shared_base(self, cp: ClassProgram) -> str:
        """A base class whose methods this program would rewrite while another class of the file
        also derives from it, or code instantiates it ("" if none)."""
        own = {s.name.value for s in cp.node.body.body if isinstance(s, cst.FunctionDef)}
        used = {id(m) for n, m in self._methods(cp.node).items() if n not in own}
        if not used:
            return ""
        for base_name, base in self._class_defs.items():
            if base is cp.node or not any(id(m) in used for m in self._methods(base).values()):
                continue
            others = [c for c in self._class_defs.values() if c is not cp.node and base in self._bases(c)]
            if others:
                return f"{cp.name} inherits methods from {base_name}, which {others[0].name.value} also derives from"
            for n in walk(self.ctx.module):
                if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == base_name:
                    return f"{cp.name} inherits methods from {base_name}, which is also instantiated"
        return ""

    def _placeholder(self, attr, call, assign):
        from .tf1_program import Placeholder

        q = self.tp.qname(call)
        if q == "tensorflow.placeholder":
            dtype, shape, default = self._arg(call, 0, "dtype"), self._arg(call, 1, "shape"), None
        else:
            default, shape, dtype = self._arg(call, 0, "input"), self._arg(call, 1, "shape"), None
        p = Placeholder(attr, self.ctx.statement_of(call), call, dtype, shape, default)
        if default is not None or shape is None or literal(shape, None) in ([], ()):
            p.role = "hyper"
        return p

    def _class_rates(self, cp: ClassProgram) -> None:
        """The class's learning-rate variables (analysis/rate_variables.class_rates): their
        placeholders leave ``placeholders`` (no model input; TFM144 removes them with the assign
        ops); the runs are checked by :meth:`_rate_runs`."""
        from .rate_variables import class_rates

        for cr in class_rates(self.ctx, self._methods(cp.node), self.properties(cp.node), _self_attr):
            p = cp.placeholders.get(cr.placeholder)
            if p is None or cr.placeholder in cp.twice or any(
                    cr.placeholder in cp.direct.get(a, ()) for a in cp.direct if a not in cr.assigns):
                continue  # not a placeholder, or something else computed from it
            cr.placeholder_stmt = p.statement
            del cp.placeholders[cr.placeholder]
            cp.rates.append(cr)

    def _rate_runs(self, cp: ClassProgram) -> str:
        """The runs of a rate variable (``ClassRate``): each run of an assign op
        (``session.run(self._lr_update, feed_dict={self._new_lr: v})``) is a statement of its own
        fetching that op alone and feeding the placeholder alone; each run reading the variable
        (``session.run(m.lr)``) fetches it alone and feeds nothing; no other run feeds the
        placeholder. The class's train op is an attribute built in a method reading the rate (its
        Keras model's optimizer is the one whose rate the runs set). Every read of the variable,
        its properties, the assign ops and the placeholder - ``self.<x>`` in the class, ``<inst>.<x>``
        of the runs' instances - is one of those. "" or why not."""
        if not cp.rates:
            return ""
        ops = list(cp.train_ops)
        if not ops or any(t.method is None or not t.method.attr for t in ops) \
                or len({t.method.method for t in ops}) != 1:
            return "a learning-rate variable (tf.Variable + tf.assign) of a class whose train op is not an attribute built in one method"
        ok_nodes: set[int] = set()
        for cr in cp.rates:
            if cr.optimizer_methods != {ops[0].method.method}:
                return f"self.{cr.attr} (a learning-rate variable) is the rate of an optimizer of another method"
            ok_nodes |= cr.known_reads
            names = {cr.attr, *cr.assigns}
            set_runs = 0
            for r in cp.runs:
                mine = [f for f in r.fetches if f is not None and f[0] in ("rate", "rate_set") and f[1] == cr.attr]
                if not mine:
                    if cr.placeholder in r.feeds:
                        return f"a run feeds self.{cr.placeholder} without running its assign op"
                    continue
                if r.method != "session":
                    return f"{r.instance}.<learning-rate variable> is evaluated other than by a session run"
                if len(r.fetches) != 1 or r.fetch_is_list:
                    return f"a run fetches {r.instance}.<learning-rate variable> with other fetches"
                st = r.statement
                if mine[0][0] == "rate_set":
                    if set(r.feeds) != {cr.placeholder} or not isinstance(st, cst.SimpleStatementLine) \
                            or len(st.body) != 1 or not isinstance(st.body[0], cst.Expr) or st.body[0].value is not r.call:
                        return (f"a run of {r.instance}'s learning-rate assign op is not a statement of its own "
                                f"feeding self.{cr.placeholder} alone")
                    set_runs += 1
                elif r.feeds:
                    return f"a run reading {r.instance}.<learning-rate variable> feeds something"
                for n in walk(r.call):
                    if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == r.instance:
                        ok_nodes.add(id(n))
            if not set_runs:
                return f"self.{cr.attr} (a learning-rate variable) is never set by a run of its assign op"
            watched = names | {cr.placeholder} | cr.props
            insts = {"self"} | {i for _, i in cp.instances} | {r.instance for r in cp.runs}
            for n in walk(self.ctx.module):
                if not (isinstance(n, cst.Attribute) and n.attr.value in watched and isinstance(n.value, cst.Name)
                        and n.value.value in insts) or id(n) in ok_nodes:
                    continue
                if n.value.value == "self" and not self._within(n, cp.node):
                    continue
                st = self.ctx.statement_of(n)
                if st is cr.stmt or st is cr.placeholder_stmt or any(st is a for a in cr.assigns.values()):
                    continue  # the statements of the idiom (TFM144 translates them together)
                return (f"{n.value.value}.{n.attr.value} (of a learning-rate variable) is read other than by "
                        "its optimizer, assign op and runs")
        return ""

    def _analyse(self, cp: ClassProgram) -> None:
        methods = self._methods(cp.node)
        method_reads: dict[str, set[str]] = {}
        for m in methods.values():
            for n in walk(m.body):
                if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.value, cst.Call) \
                        and _self_attr(n.targets[0].target) is not None \
                        and (self.tp.qname(n.value) or "").startswith("tensorflow.summary.") \
                        and not (self.tp.qname(n.value) or "").endswith("FileWriter"):
                    cp.summary_attrs[_self_attr(n.targets[0].target)] = self.ctx.statement_of(n)
                elif isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.value, cst.Call) \
                        and _self_attr(n.targets[0].target) is not None and not n.value.args \
                        and self.tp.qname(n.value) in NUMERICS_OPS:
                    cp.numerics_attrs[_self_attr(n.targets[0].target)] = self.ctx.statement_of(n)

        def reads_of_method(name: str, seen: set[str]) -> set[str]:
            if name in method_reads:
                return method_reads[name]
            if name in seen or name not in methods:
                return set()
            seen.add(name)
            out: set[str] = set()
            for n in walk(methods[name].body):
                a = _self_attr(n)
                if a is not None and a not in methods:
                    out.add(a)
                if isinstance(n, cst.Call):
                    m = _self_attr(n.func)
                    if m in methods:
                        out |= reads_of_method(m, seen)
            method_reads[name] = out
            return out

        def reads(expr: cst.CSTNode, scope: ScopeFlow, seen: set[str]) -> set[str]:
            out: set[str] = set()
            for n in walk(expr):
                a = _self_attr(n)
                if a is not None and a not in methods:
                    out.add(a)
                if isinstance(n, cst.Call):
                    m = _self_attr(n.func)
                    if m in methods:
                        out |= reads_of_method(m, set())
            for name in load_names(expr):
                if name in seen:
                    continue
                seen.add(name)
                for d in scope.by_name.get(name, ()):
                    if d.value is not None:
                        out |= reads(d.value, scope, seen)
                for arg in appended_args(scope).get(name, ()):
                    out |= reads(arg, scope, seen)  # ``pooled.append(h)`` (a list of the text CNN's branches)
            return out

        appended_memo: dict[int, dict] = {}

        def appended_args(scope: ScopeFlow) -> dict:
            """name -> the arguments of its ``name.append(..)`` / ``.extend(..)`` statements in
            ``scope`` (tf1_program.appended_calls)."""
            if id(scope) not in appended_memo:
                from .tf1_program import appended_calls

                appended_memo[id(scope)] = {n: [a.value for c in cs for a in c.args]
                                            for n, cs in appended_calls(scope).items()}
            return appended_memo[id(scope)]

        self._reads = reads
        for mname, m in methods.items():
            scope = self.flow.scopes.get(id(m))
            if scope is None:
                continue
            for n in walk(m.body):
                if isinstance(n, cst.Assign) and len(n.targets) == 1:
                    t = n.targets[0].target
                    # ``self.o, self.score = self.tower(x)``: each attribute depends on the value
                    elems = [e.value for e in t.elements] if isinstance(t, (cst.Tuple, cst.List)) else [t]
                    got = None
                    parts = self._returned_parts(methods, n.value, len(elems)) if len(elems) > 1 else None
                    for i, el in enumerate(elems):
                        a = _self_attr(el)
                        if a is not None and parts is not None:
                            # ``self.o1, self.o2 = self.towers()`` returning ``o1, o2``: each
                            # attribute depends on its own element (and on the call's arguments)
                            mscope, ret = parts[i]
                            own = reads(ret, mscope, set())
                            for arg in n.value.args:
                                own |= reads(arg.value, scope, set())
                            cp.direct.setdefault(a, set()).update(own)
                        elif a is not None:
                            got = reads(n.value, scope, set()) if got is None else got
                            cp.direct.setdefault(a, set()).update(got)
        # roles: a placeholder reaching a trainable call is an input
        from .tf1_program import _PARAM_CALLS, _PARAM_PREFIXES, _VARIABLE_CALLS

        trainable = self.tp.trainable_functions()
        reaching: set[str] = set()
        for m in methods.values():
            scope = self.flow.scopes.get(id(m))
            for n in walk(m.body):
                if not isinstance(n, cst.Call):
                    continue
                q = self.tp.qname(n) or ""
                fn = _self_attr(n.func) or (n.func.value if isinstance(n.func, cst.Name) else "")
                if not (q.startswith(_PARAM_PREFIXES) or q in _PARAM_CALLS or q in _VARIABLE_CALLS
                        or (not q and fn in trainable)):
                    continue
                for arg in n.args:
                    attrs = reads(arg.value, scope, set()) if scope is not None else set()
                    for a in attrs:
                        reaching.update(cp.placeholders_of(a))
        for p in cp.placeholders.values():
            if p.role != "hyper":
                p.role = "input" if p.name in reaching else "label"
        self._method_ops(cp, methods, reads)
        self._function_ops(cp, methods)

    def _method_ops(self, cp: ClassProgram, methods, reads) -> None:
        """``train = opt.minimize(loss)`` / ``opt.apply_gradients(<clipped compute_gradients>)``
        inside a method that returns ``train`` (and usually ``loss``)."""
        for mname, m in methods.items():
            scope = self.flow.scopes.get(id(m))
            if scope is None:
                continue
            for n in walk(m.body):
                if not (isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                        and n.func.attr.value in ("minimize", "apply_gradients")
                        and self.flow.scope_of(n) is scope):
                    continue
                parent = self.ctx.parent(n)
                # ``return opt.minimize(loss)`` / ``return opt.apply_gradients(gv)``: the method's
                # only return, the caller binding the op (``self.train_op = self.optimize(self.loss)``)
                returned = isinstance(parent, cst.Return) and isinstance(self.ctx.parent(parent), cst.SimpleStatementLine) \
                    and self.ctx.parent(self.ctx.parent(parent)) is m.body
                if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1 or returned):
                    continue
                attr = None if returned else _self_attr(parent.targets[0].target)
                if attr is None and not returned and not isinstance(parent.targets[0].target, cst.Name):
                    continue
                local = parent.targets[0].target.value if attr is None and not returned else ""
                if n.func.attr.value == "minimize":
                    extra = []
                    for a in n.args[1:]:
                        if default_minimize_arg(self.tp.qname, a):
                            continue
                        covered = self._scoped_var_list(m, scope, n, a)
                        if covered is None:
                            cp.why = cp.why or minimize_args_why(n.args[1:])
                        elif covered is not True:
                            extra.append(covered)  # ``vs = tf.get_collection(...)``: goes with the op
                    loss, clip = self._arg(n, 0, "loss"), None
                else:
                    op = self.tp._apply_gradients(None, scope, n, attrs=True)
                    if op is None:
                        cp.why = cp.why or f"{mname}: apply_gradients of gradients it cannot follow"
                        continue
                    loss = (cst.Attribute(cst.Name("self"), cst.Name(op.loss[5:])) if op.loss.startswith("self.")
                            else cst.Name(op.loss))
                    norms: list = []
                    summaries = self._gradient_summaries(scope, n, norms)
                    if summaries is None:
                        cp.why = cp.why or f"{mname}: the applied gradients are read by other statements"
                        continue
                    if norms and not (isinstance(n.func.value, cst.Name) or _self_attr(n.func.value) is not None):
                        cp.why = cp.why or f"{mname}: the global norm of gradients an unnamed optimizer applies is read"
                        continue
                    if norms and op.clip is not None:
                        # TF1 took the norm of the gradients before clipping; the recording optimizer
                        # sees them before its own clipping too, but it was not checked: kept
                        cp.why = cp.why or f"{mname}: the global norm of clipped gradients is read"
                        continue
                    for st, a in norms:
                        cp.norm_attrs[a] = (st, n.func.value)
                    clip, extra = op.clip, list(op.extra) + summaries
                if not isinstance(loss, cst.Name) and _self_attr(loss) is None:
                    cp.why = cp.why or f"{mname}: the loss is not a name"
                    continue
                counter = None
                if n.func.attr.value == "minimize":
                    counter, why_ = self._method_counter(m, scope, n)
                    if why_:
                        cp.why = cp.why or f"{mname}(): {why_}"
                        continue
                if attr is not None:  # self.train_op = opt.minimize(self.loss): runs fetch inst.train_op
                    mo = MethodTrainOp(mname, "", loss, n.func.value, clip, extra, [], attr)
                    mo.counter = counter
                    key = _self_attr(loss) or f"{mname}.{loss.value}"
                    if _self_attr(loss) is None:
                        cp.direct[key] = reads(loss, scope, set())
                    cp.method_ops.append((self.ctx.statement_of(n), n, mo))
                    continue
                rets = [r for r in walk(m.body) if isinstance(r, cst.Return) and self.flow.scope_of(r) is scope]
                if len(rets) != 1 or rets[0].value is None:
                    cp.why = cp.why or f"{mname}: the train op is not returned once"
                    continue
                if returned:
                    mo, why_ = self._called_train_op(cp, methods, m, mname, "", loss, n, clip, extra)
                    if not why_ and (mo.attr is None or mo.group_stmt is not None
                                     or mo.attr in scope.by_name or mo.attr == "self"):
                        why_ = "the train op it returns is not bound to an attribute"
                    if why_:
                        cp.why = cp.why or f"{mname}(): {why_}"
                        continue
                    mo.returned = True
                    mo.counter = counter
                    cp.method_ops.append((self.ctx.statement_of(n), n, mo))
                    continue
                v = rets[0].value
                elems = [e.value for e in v.elements] if isinstance(v, cst.Tuple) else [v]
                names = [e.value if isinstance(e, cst.Name) else None for e in elems]
                if local not in names:
                    cp.why = cp.why or f"{mname}: the train op is not returned"
                    continue
                # ``self.train_op = self.get_train_op()`` in another method: the attribute holds it
                into = self._assigned_from(methods, mname)
                if into == "" and names == [local]:
                    # ``t = self.optimizer_fn(self.loss)`` grouped into ``self.optim`` (or bound to it)
                    mo, why_ = self._called_train_op(cp, methods, m, mname, local, loss, n, clip, extra)
                    if why_:
                        cp.why = cp.why or f"{mname}(): {why_}"
                        continue
                    mo.counter = counter
                    cp.method_ops.append((self.ctx.statement_of(n), n, mo))
                    continue
                if into is not None:
                    if into == "" or names != [local]:
                        cp.why = cp.why or f"{mname}(): the train op it returns is not bound once to an attribute"
                        continue
                    mo = MethodTrainOp(mname, local, loss, n.func.value, clip, extra, names, into)
                    mo.counter = counter
                    key = _self_attr(loss) or f"{mname}.{loss.value}"
                    if _self_attr(loss) is None:
                        cp.direct[key] = reads(loss, scope, set())
                        self._loss_aliases(cp, methods, scope, loss, key)
                    cp.method_ops.append((self.ctx.statement_of(n), n, mo))
                    continue
                mo = MethodTrainOp(mname, local, loss, n.func.value, clip, extra, names)
                mo.counter = counter
                key = _self_attr(loss) or f"{mname}.{loss.value}"
                if _self_attr(loss) is None:
                    cp.direct[key] = reads(loss, scope, set())
                cp.method_ops.append((self.ctx.statement_of(n), n, mo))

    def _function_ops(self, cp: ClassProgram, methods) -> None:
        """``self.opt = optimize(self.loss, lr)`` in a method, ``optimize`` a module function
        called only there whose body is ``return <optimizer>.minimize(<its loss parameter>)``
        (a docstring allowed): the train op ``self.opt``, compiled with the optimizer the
        function comes to return."""
        funcs = self.flow.functions
        calls: dict[str, list] = {}
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in funcs:
                calls.setdefault(n.func.value, []).append(n)
        for mname, m in methods.items():
            for n in walk(m.body):
                if not (isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in funcs):
                    continue
                parent = self.ctx.parent(n)
                attr = _self_attr(parent.targets[0].target) if isinstance(parent, cst.Assign) \
                    and len(parent.targets) == 1 else None
                fn = funcs[n.func.value]
                ret = self._minimize_return(fn)
                if attr is None or ret is None or len(calls.get(n.func.value, ())) != 1:
                    continue
                pname = ret.value.args[0].value.value
                params = list(fn.params.params)
                idx = next(i for i, p_ in enumerate(params) if p_.name.value == pname)
                pos = [a for a in n.args if a.keyword is None]
                arg = pos[idx] if len(pos) > idx else next(
                    (a for a in n.args if a.keyword is not None and a.keyword.value == pname), None)
                if arg is None or any(a.star for a in n.args) or _self_attr(arg.value) is None:
                    continue
                mo = MethodTrainOp(mname, "", arg.value, n, None, [], [], attr)
                mo.function_return = self.ctx.statement_of(ret)
                cp.method_ops.append((self.ctx.statement_of(n), n, mo))

    def _minimize_return(self, fn: cst.FunctionDef):
        """``return <expr>.minimize(p)`` (``p`` a plain parameter of ``fn``) as fn's only
        statement besides a docstring: that Return, else None."""
        body = [st for st in fn.body.body if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                and isinstance(st.body[0], cst.Expr) and isinstance(st.body[0].value, cst.SimpleString))]
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
            return None
        ret = body[0].body[0]
        c = ret.value if isinstance(ret, cst.Return) else None
        ps = fn.params
        if not (isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and c.func.attr.value == "minimize"
                and len(c.args) == 1 and c.args[0].keyword in (None,) and not c.args[0].star
                and isinstance(c.args[0].value, cst.Name)) or ps.star_arg is not cst.MaybeSentinel.DEFAULT \
                or ps.star_kwarg is not None or ps.kwonly_params or ps.posonly_params:
            return None
        if not any(p_.name.value == c.args[0].value.value for p_ in ps.params):
            return None
        return ret

    def _called_train_op(self, cp: ClassProgram, methods, m: cst.FunctionDef, mname: str, local: str,
                         loss: cst.BaseExpression, n: cst.Call, clip, extra):
        """``t = self.<mname>(self.loss, ...)`` called once, in another method, whose result
        becomes an attribute: ``self.optim = t``, or grouped with update ops - ``self.optim =
        tf.group(*[t] + self._ops)``, ``ops = [t] + self._ops; self.optim = tf.group(*ops)``,
        ``tf.group(t, *ops)``. TF1's ``tf.group`` runs the train op and those ops; the update ops
        accepted are the ones a Keras model makes itself in its training step (batch-norm moving
        averages: ``tf.get_collection(UPDATE_OPS)``, lists filled only by ``assign_moving_average``).
        The loss may be a parameter of the method: the caller's argument (``self.loss``) is it.
        (MethodTrainOp, "") or (None, why)."""
        calls = [c for meth in methods.values() for c in walk(meth.body)
                 if isinstance(c, cst.Call) and _self_attr(c.func) == mname]
        if len(calls) != 1:
            return None, "the train op it returns is not bound once to an attribute"
        c = calls[0]
        # the loss: self.attr in the method, or a parameter the call passes self.attr to
        loss_param = ""
        if isinstance(loss, cst.Name):
            params = [p for p in m.params.params]
            idx = next((i for i, p in enumerate(params) if p.name.value == loss.value), None)
            if idx is None or idx == 0:
                if not self._local_loss_ok(m, loss):
                    return None, "the loss is not a parameter or an attribute"
            else:
                pos = [a for a in c.args if a.keyword is None]
                if any(a.star for a in c.args):
                    return None, "called with *args / **kwargs"
                arg = pos[idx - 1] if len(pos) >= idx else next(
                    (a for a in c.args if a.keyword is not None and a.keyword.value == loss.value), None)
                if arg is None or _self_attr(arg.value) is None:
                    return None, f"the loss passed as {loss.value} is not an attribute of the class"
                # the parameter is not assigned in the method (it is the caller's tensor)
                scope = self.flow.scopes.get(id(m))
                if scope is not None and any(d.index >= 0 for d in scope.by_name.get(loss.value, ())):
                    return None, f"{loss.value} is assigned in the method"
                loss_param = loss.value
                loss = cst.Attribute(cst.Name("self"), cst.Name(_self_attr(arg.value)))
        parent = self.ctx.parent(c)
        if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1 and parent.value is c):
            return None, "the train op it returns is not bound once to an attribute"
        attr = _self_attr(parent.targets[0].target)
        mo = MethodTrainOp(mname, local, loss, n.func.value, clip, extra, [local], attr)
        mo.loss_param = loss_param
        if attr is not None:
            return mo, ""
        if not isinstance(parent.targets[0].target, cst.Name):
            return None, "the train op it returns is not bound to a name"
        t = parent.targets[0].target.value
        caller = self._method_of(c)
        cscope = self.flow.scopes.get(id(caller)) if caller is not None else None
        if cscope is None or len(cscope.by_name.get(t, ())) != 1:
            return None, f"{t} (the train op) is bound more than once"
        # the reads of t: one group / attribute statement, possibly through one list name
        drop: list = []
        uses = self._local_reads(cscope, t)
        holder = None
        if len(uses) == 1:
            st = self.ctx.statement_of(uses[0])
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                lst = small.targets[0].target.value
                ok, why = self._update_list_expr(cp, small.value, t)
                if not ok:
                    return None, why
                lreads = self._local_reads(cscope, lst)
                if len(cscope.by_name.get(lst, ())) != 1 or len(lreads) != 1:
                    return None, f"{lst} (the train op and its update ops) is read more than once"
                drop.append(st)
                holder = lreads[0]
            else:
                holder = uses[0]
        else:
            return None, f"{t} (the train op) is read {len(uses)} times"
        st = self.ctx.statement_of(holder)
        small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and _self_attr(small.targets[0].target)):
            return None, "the train op is not grouped into an attribute"
        v = small.value
        if isinstance(v, cst.Name) and v.value == t and not drop:
            pass  # self.optim = t
        elif isinstance(v, cst.Call) and self.tp.qname(v) == "tensorflow.group" \
                and all(a.keyword is None for a in v.args):
            if drop:  # tf.group(*ops)
                if not (len(v.args) == 1 and v.args[0].star == "*" and v.args[0].value is holder):
                    return None, "tf.group of the op list is not tf.group(*ops)"
            elif len(v.args) == 1 and v.args[0].star == "*":  # tf.group(*[t] + ops)
                ok, why = self._update_list_expr(cp, v.args[0].value, t)
                if not ok:
                    return None, why
            else:  # tf.group(t, *ops, op2)
                for a in v.args:
                    if a.value is holder and not a.star:
                        continue
                    ok, why = self._update_ops(cp, a.value, many=a.star == "*")
                    if not ok:
                        return None, why
        else:
            return None, "the train op is not grouped into an attribute"
        mo.attr = _self_attr(small.targets[0].target)
        mo.group_drop = drop
        mo.group_stmt = st
        mo.group_local = t
        return mo, ""

    def _gradient_summaries(self, scope: ScopeFlow, apply: cst.Call, norms: list | None = None) -> list | None:
        """Statements of the method that read the applied (gradient, variable) list only to make
        its global norm: ``gs, vs = zip(*gv)`` whose names are read only by ``X =
        tf.global_norm(gs)``, or ``X = tf.global_norm([g for g, v in gv])``. X a local or
        ``self.X`` read nowhere but in ``tf.summary.*`` calls of the file: the statements go with
        the train op (``extra``, returned). ``self.X`` read otherwise (fetched with the train op,
        checked with the runs: ``_norms_fetched``): (statement, X) appended to ``norms``. None
        when gv has other reads."""
        g = apply.args[0].value if apply.args else None
        if not isinstance(g, cst.Name):
            return []
        out: list = []

        def norm_statement(st, arg) -> bool:
            us = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            uv = us.value if isinstance(us, cst.Assign) and len(us.targets) == 1 else None
            if not (isinstance(uv, cst.Call) and self.tp.qname(uv) == "tensorflow.global_norm"
                    and len(uv.args) == 1 and uv.args[0].value is arg and uv.args[0].keyword is None):
                return False
            target = us.targets[0].target
            if self._summary_only(scope, target):
                out.append(st)
                return True
            attr = _self_attr(target)
            if norms is None or attr is None or self.flow.scope_of(uv) is not scope:
                return False
            norms.append((st, attr))
            return True

        reads = [r for r in self._local_reads(scope, g.value) if not self._within(r, apply)]
        for r in reads:
            st = self.ctx.statement_of(r)
            comp = self.ctx.parent(self.ctx.parent(r))
            if isinstance(self.ctx.parent(r), cst.CompFor) and self.ctx.parent(r).iter is r \
                    and isinstance(comp, cst.ListComp) and comp.for_in is self.ctx.parent(r) \
                    and comp.for_in.inner_for_in is None and not comp.for_in.ifs \
                    and isinstance(comp.for_in.target, (cst.Tuple, cst.List)) and len(comp.for_in.target.elements) == 2 \
                    and isinstance(comp.for_in.target.elements[0].value, cst.Name) \
                    and isinstance(comp.elt, cst.Name) and comp.elt.value == comp.for_in.target.elements[0].value.value:
                # ``X = tf.global_norm([g for g, v in gv])``
                if not norm_statement(st, comp):
                    return None
                continue
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            v = small.value if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
            t = small.targets[0].target if v is not None else None
            if not (isinstance(v, cst.Call) and isinstance(v.func, cst.Name) and v.func.value == "zip"
                    and len(v.args) == 1 and v.args[0].star == "*" and v.args[0].value is r
                    and isinstance(t, (cst.Tuple, cst.List)) and all(isinstance(e.value, cst.Name) for e in t.elements)):
                return None
            out.append(st)
            for e in t.elements:
                name = e.value.value
                if len(scope.by_name.get(name, ())) != 1:
                    return None
                for u in self._local_reads(scope, name):
                    if self._within(u, t):
                        continue
                    if not norm_statement(self.ctx.statement_of(u), u):
                        return None
        return out

    def _norms_fetched(self, cp: ClassProgram) -> str:
        """Each ``self.X = tf.global_norm(<applied gradients>)`` of the class (``norm_attrs``) is
        read, outside the statement binding it, only as a fetch of a TRAINING run of the class
        (the step's own norm: the optimizer records it when it applies them) or as an argument
        of tf.summary calls (removed by TFM142) - "" or why not."""
        if not cp.norm_attrs:
            return ""
        fetched = {id(e) for r in cp.runs if r.train
                   for e in walk(r.call.args[0].value if r.call.args else r.call)}
        insts = {"self"} | {inst for _, inst in cp.instances}
        for attr, (st, _) in cp.norm_attrs.items():
            binds = [t for t in walk(cp.node) if isinstance(t, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign))
                     and _self_attr(t.target) == attr]
            if len(binds) != 1 or attr in cp.placeholders:
                return f"self.{attr} (the global norm of the applied gradients) is bound more than once"
            for n in walk(self.ctx.module):
                if not (isinstance(n, cst.Attribute) and n.attr.value == attr):
                    continue
                if not (isinstance(n.value, cst.Name) and n.value.value in insts):
                    return f"self.{attr} (the global norm of the applied gradients) is read other than by its instances"
                if self._within(n, st) or id(n) in fetched:
                    continue
                a = self.ctx.parent(n)
                c = self.ctx.parent(a) if isinstance(a, cst.Arg) else None
                if isinstance(c, cst.Call) and (self.tp.qname(c) or "").startswith("tensorflow.summary."):
                    continue
                return (f"self.{attr} (the global norm of the applied gradients) is read other than fetched "
                        "with the train op")
        return ""

    def _summary_only(self, scope: ScopeFlow, target) -> bool:
        """``target`` (a local name, or ``self.X``) is read only as an argument of tf.summary calls."""
        attr = _self_attr(target)
        if attr is None and not isinstance(target, cst.Name):
            return False
        if attr is None:
            uses = self._local_reads(scope, target.value)
        else:
            uses = [n for n in walk(self.ctx.module) if isinstance(n, cst.Attribute) and n.attr.value == attr
                    and n is not target]
        for u in uses:
            a = self.ctx.parent(u)
            c = self.ctx.parent(a) if isinstance(a, cst.Arg) else None
            if not (isinstance(c, cst.Call) and (self.tp.qname(c) or "").startswith("tensorflow.summary.")):
                return False
        return True

    def _local_loss_ok(self, m, loss) -> bool:
        return False

    def _method_of(self, node) -> cst.FunctionDef | None:
        n = self.ctx.parent(node)
        while n is not None and not isinstance(n, cst.FunctionDef):
            n = self.ctx.parent(n)
        return n

    def _local_reads(self, scope: ScopeFlow, name: str) -> list[cst.Name]:
        out = []
        for x in walk(scope.node):
            if isinstance(x, cst.Name) and x.value == name and self.flow.scope_of(x) is scope:
                parent = self.ctx.parent(x)
                if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.Attribute) and parent.attr is x) \
                        or (isinstance(parent, cst.Arg) and parent.keyword is x) or isinstance(parent, cst.Param):
                    continue
                out.append(x)
        return out

    def _update_list_expr(self, cp: ClassProgram, e, t: str):
        """``[t] + <update ops>`` / ``[t, *ops]``: (True, "") or (False, why)."""
        if isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Add):
            parts = [e.left, e.right]
            first = parts[0]
            if isinstance(first, cst.List) and first.elements and isinstance(first.elements[0].value, cst.Name) \
                    and first.elements[0].value.value == t and not isinstance(first.elements[0], cst.StarredElement):
                rest = [el for el in first.elements[1:]]
                for el in rest:
                    ok, why = self._update_ops(cp, el.value, many=isinstance(el, cst.StarredElement))
                    if not ok:
                        return False, why
                return self._update_ops(cp, parts[1], many=True)
        if isinstance(e, cst.List) and e.elements and isinstance(e.elements[0].value, cst.Name) \
                and e.elements[0].value.value == t:
            for el in e.elements[1:]:
                ok, why = self._update_ops(cp, el.value, many=isinstance(el, cst.StarredElement))
                if not ok:
                    return False, why
            return True, ""
        return False, "the train op is grouped with something other than a list of update ops"

    def _update_ops(self, cp: ClassProgram, e, many: bool):
        """``e`` (a list when ``many``) holds only ops a Keras model runs itself in its training
        step: ``tf.get_collection(tf.GraphKeys.UPDATE_OPS)`` (tf.layers batch norms) or a list
        attribute ``self.L`` that is only ever appended ``assign_moving_average(...)`` updates of
        hand-made batch norms (passed on as an argument to the file functions that append)."""
        if many and isinstance(e, cst.Call) and self.tp.qname(e) in ("tensorflow.get_collection",) \
                and len(e.args) == 1 and isinstance(e.args[0].value, cst.Attribute) \
                and e.args[0].value.attr.value == "UPDATE_OPS":
            return True, ""
        a = _self_attr(e)
        if many and a is not None:
            return self._moving_average_list(cp, a)
        return False, "the train op is grouped with ops that are not batch-norm updates"

    def _moving_average_list(self, cp: ClassProgram, attr: str):
        from .tf1_program import _arg  # noqa: F401

        ema = ("tensorflow.python.training.moving_averages.assign_moving_average",
               "tensorflow.train.assign_moving_average")
        funcs = {s.name.value: s for s in self.ctx.module.body if isinstance(s, cst.FunctionDef)}
        methods = self._methods(cp.node)
        assigned = 0
        for meth in methods.values():
            for x in walk(meth.body):
                if _self_attr(x) != attr:
                    continue
                parent = self.ctx.parent(x)
                if isinstance(parent, cst.AssignTarget):
                    v = self.ctx.parent(parent).value
                    if not (isinstance(v, cst.List) and not v.elements):
                        return False, f"self.{attr} is assigned something other than []"
                    assigned += 1
                    continue
                if isinstance(parent, cst.Element) or (isinstance(parent, cst.BinaryOperation)) \
                        or (isinstance(parent, cst.Arg) and parent.star == "*"):
                    continue  # the group itself (checked by the caller)
                if isinstance(parent, cst.Arg):
                    c = self.ctx.parent(parent)
                    f = funcs.get(c.func.value) if isinstance(c, cst.Call) and isinstance(c.func, cst.Name) else None
                    if f is None:
                        return False, f"self.{attr} is passed to something other than a function of the file"
                    pos = [q for q in c.args if q.keyword is None]
                    if parent.keyword is not None:
                        pname = parent.keyword.value
                    else:
                        i = pos.index(parent)
                        if i >= len(f.params.params):
                            return False, f"self.{attr} passed as *args"
                        pname = f.params.params[i].name.value
                    for y in walk(f.body):
                        if isinstance(y, cst.Name) and y.value == pname:
                            py = self.ctx.parent(y)
                            cy = self.ctx.parent(py) if isinstance(py, cst.Attribute) else None
                            if isinstance(py, cst.Attribute) and py.value is y and py.attr.value == "append" \
                                    and isinstance(cy, cst.Call) and len(cy.args) == 1 \
                                    and isinstance(cy.args[0].value, cst.Call) \
                                    and self.tp.qname(cy.args[0].value) in ema:
                                continue
                            return False, f"{f.name.value}() uses {pname} (self.{attr}) other than to append moving averages"
                    continue
                return False, f"self.{attr} is read other than as a list of batch-norm updates"
        if assigned != 1:
            return False, f"self.{attr} is not assigned [] once"
        return True, ""

    def _method_counter(self, m: cst.FunctionDef, scope: ScopeFlow, n: cst.Call):
        """``minimize(loss, global_step=g)`` with ``g = tf.Variable(<number>, trainable=False[,
        dtype=])`` made in the same method: TF1 adds 1 after each update, so the n-th training
        run reads ``start + n``; g may be read by nothing else than ``name = <expr>`` statements
        (each assigned once) that lead only to the optimizer's learning rate - they become a
        ``StepSchedule`` of the Keras optimizer's iterations. ((counter dict | None), why)."""
        from .step_counter import _DTYPES, _number

        g = self._arg(n, 1, "global_step")
        if g is None or (isinstance(g, cst.Name) and g.value == "None"):
            return None, ""
        if not isinstance(g, cst.Name):
            return None, ""  # not a counter of the method (left as it was)
        defs = scope.by_name.get(g.value, ())
        d = defs[0] if len(defs) == 1 else None
        v = d.value if d is not None else None
        if not (isinstance(v, cst.Call) and self.tp.qname(v) == "tensorflow.Variable"
                and literal(self._arg(v, 1, "trainable"), None) is False):
            return None, ""
        start = _number(self._arg(v, 0, "initial_value"))
        dt = self._arg(v, 99, "dtype")
        from ..emit import code

        dtype = ("float32" if isinstance(start, float) else "int32") if dt is None else \
            _DTYPES.get(code(dt).rsplit(".", 1)[-1].strip("'\""))
        if start is None or dtype is None or any(
                a.keyword is not None and a.keyword.value not in ("initial_value", "trainable", "dtype", "name")
                for a in v.args):
            return None, "a step counter that is not tf.Variable(<number>, trainable=False, dtype=...)"
        opt = n.func.value
        if isinstance(opt, cst.Name):  # optimizer = tf.train.AdamOptimizer(lr); optimizer.minimize(..)
            od = scope.by_name.get(opt.value, ())
            opt = od[0].value if len(od) == 1 else opt
        lr = self._arg(opt, 0, "learning_rate") if isinstance(opt, cst.Call) else None
        schedule: dict[int, str] = {}
        order: list = []
        todo = [g.value]
        seen = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for x in self._local_reads(scope, name):
                parent = self.ctx.parent(x)
                if x is g or (isinstance(parent, cst.Arg) and parent.value is x and parent.keyword is not None
                              and parent.keyword.value == "global_step" and self.ctx.parent(parent) is n):
                    continue
                if lr is not None and x is lr:
                    continue  # the optimizer's learning rate
                c = self.ctx.parent(parent) if isinstance(parent, cst.Arg) else None
                if name == g.value and isinstance(c, cst.Call) and self.tp.qname(c) == "tensorflow.train.exponential_decay" \
                        and (parent.keyword is None and list(c.args).index(parent) == 1
                             or parent.keyword is not None and parent.keyword.value == "global_step"):
                    if start != 0:
                        return None, "exponential_decay of a step counter that does not count updates from 0"
                    continue  # TFM133's ExponentialDecay: a schedule of the optimizer's iterations already
                st = self.ctx.statement_of(x)
                small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
                if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Name)) or self.flow.scope_of(st) is not scope:
                    return None, f"the step counter is read in: {code(st).strip().splitlines()[0][:50]}"
                t = small.targets[0].target.value
                if len(scope.by_name.get(t, ())) != 1:
                    return None, f"{t}, computed from the step counter, is assigned more than once"
                if id(st) not in schedule:
                    schedule[id(st)] = t
                    order.append(t)
                todo.append(t)
        return {"name": g.value, "stmt": d.stmt, "start": start, "dtype": dtype, "schedule": schedule,
                "names": order}, ""

    def _loss_aliases(self, cp: ClassProgram, methods, scope: ScopeFlow, loss: cst.Name, key: str) -> None:
        """``loss = self.get_loss()`` in the train op's method and ``self.loss_op = self.get_loss()``
        elsewhere: the attribute is the train op's loss (the same method's tensor, computed from the
        same inputs; a run fetching both gets the same value)."""
        defs = scope.by_name.get(loss.value, ())
        v = defs[0].value if len(defs) == 1 else None
        m = _self_attr(v.func) if isinstance(v, cst.Call) and not v.args else None
        if m is None or m not in methods:
            return
        for meth in methods.values():
            for n in walk(meth.body):
                if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.value, cst.Call) \
                        and not n.value.args and _self_attr(n.value.func) == m:
                    a = _self_attr(n.targets[0].target)
                    if a is not None:
                        cp.loss_attr_alias[a] = key

    def _method_runs(self, cp: ClassProgram) -> str:
        """Session runs INSIDE the class: ``sess.run([self.train_op, self.loss], feed_dict={self.x:
        ...})`` in a method taking the session as a parameter, called as ``inst.method(sess, ...)``
        with a session of the file by instances that have the train op. They become runs of
        ``self`` (the parameter and the arguments passing the session go); anything else: why."""
        attrs = set(cp.direct) | set(cp.placeholders) | {mo.attr for _, _, mo in cp.method_ops if mo.attr}
        attr_ops = {mo.attr for _, _, mo in cp.method_ops if mo.attr}
        trainers = {t.instance for t in cp.train_ops}
        for mname, m in self._methods(cp.node).items():
            local_losses = self._local_losses(cp, mname)
            runs = [n for n in walk(m.body) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                    and n.func.attr.value == "run" and n.args
                    and any(_self_attr(x) in attrs or (isinstance(x, cst.Name) and x.value in local_losses)
                            for x in walk(n.args[0].value))]
            for name, key in local_losses.items():
                if any(isinstance(x, cst.Name) and x.value == name for r in runs for x in walk(r.args[0].value)):
                    cp.loss_aliases.setdefault(name, key)
            if not runs:
                continue
            why = f"{mname}() runs a session on its own tensors"
            scope = self.flow.scopes.get(id(m))
            sess = runs[0].func.value

            def map_runs(tensors_only: bool = False):
                """The runs as runs of ``self`` -> (mapped, "") or (None, why not)."""
                mapped = []
                for r in runs:
                    run, why_ = self._run(cp, r, "self", self._arg(r, 0, "fetches"), self._arg(r, 1, "feed_dict"),
                                          "session", attr_ops, set(), scope)
                    if run is None or why_:
                        return None, f" ({why_ or 'a run it cannot map'})"
                    bad = [n for k, n in run.fetches if k == "attr" and not cp.is_tensor(n)
                           and not any(t.loss == n for t in cp.train_ops)] if tensors_only else []
                    if bad:
                        return None, f" (it fetches self.{bad[0]}, not a tensor computed from the placeholders)"
                    mapped.append(run)
                return mapped, ""

            attr = _self_attr(sess)
            if attr is not None:
                # self.sess: the session the class was given (``self.sess = sess``), or its own
                # (``self.sess = tf.Session()`` in __init__)
                given = self._given_session_attr(cp, attr, attrs)
                own = bool(given) and self._owns_session(cp, attr, runs)
                if not own:
                    if given:
                        return why + f" ({given})"
                elif scope is None or m.decorators:
                    return why + " (the session is not a parameter of the method)"
                else:
                    why_ = self._own_session_attr(cp, attr, runs)
                    if why_:
                        return why + f" ({why_})"
                mapped, why_ = map_runs(tensors_only=own)
                if mapped is None:
                    return why + why_
                cp.runs.extend(mapped)
                continue
            params = list(m.params.params)
            idx = next((i for i, p in enumerate(params) if isinstance(sess, cst.Name) and p.name.value == sess.value), None)
            if scope is None or idx is None or idx == 0 or m.decorators:
                return why + " (the session is not a parameter of the method)"
            if any(not (isinstance(r.func.value, cst.Name) and r.func.value.value == sess.value) for r in runs):
                return why + " (through several sessions)"
            # the session parameter is read only as ``sess.run`` of these runs (and of an
            # initializer, before them)
            inits = []
            for n in walk(m.body):
                if isinstance(n, cst.Name) and n.value == sess.value:
                    parent = self.ctx.parent(n)
                    call = self.ctx.parent(parent) if isinstance(parent, cst.Attribute) and parent.value is n else None
                    if isinstance(call, cst.Call) and parent.attr.value == "run" and len(call.args) == 1 \
                            and call.args[0].keyword is None and isinstance(self.ctx.parent(call), cst.Expr) \
                            and self._initializer(call.args[0].value, call) and call not in runs:
                        inits.append(call)
                        continue
                    if isinstance(parent, cst.Arg) and self._local_saver_call(cp, scope, parent):
                        continue
                    if isinstance(parent, cst.Arg) and self._session_relays(cp).get(mname) == idx \
                            and isinstance(self.ctx.parent(parent), cst.Call) \
                            and _self_attr(self.ctx.parent(parent).func) in self._session_relays(cp):
                        continue  # handed on to another method given the session (_session_relays)
                    if not (isinstance(parent, cst.Attribute) and parent.value is n and call in runs):
                        return why + f" (it reads {sess.value} other than in those runs)"
            if inits and (self._in_loop(inits[-1], m)
                          or max(self.ctx.position(c) for c in inits) > min(self.ctx.position(r) for r in runs)):
                return why + f" (it initializes the variables after running {sess.value} or in a loop)"
            # every call passes a session of the file, from an instance that has the train op
            args = []
            for scope_, inst in cp.instances:
                for n in walk(scope_.node):
                    if not (isinstance(n, cst.Call) and self.flow.scope_of(n) is scope_
                            and _self_attr(n.func, inst) == mname):
                        continue
                    pos = [a for a in n.args if a.keyword is None]
                    arg = pos[idx - 1] if len(pos) >= idx else next(
                        (a for a in n.args if a.keyword is not None and a.keyword.value == sess.value), None)
                    if arg is None or arg.star or not (isinstance(arg.value, cst.Name)
                                                       and arg.value.value in self.tp.session_names):
                        return why + f" (a call of {inst}.{mname}() does not pass a session of this file)"
                    if inst not in trainers and any(_self_attr(x) in attr_ops for r in runs for x in walk(r.args[0].value)):
                        return why + f" ({inst} has no train op)"
                    args.append(arg)
            if self._session_relays(cp).get(mname) == idx:
                # the session handed down through ``self`` by other methods given it
                args.extend(a for a in self._relay_args(cp, mname) if all(a is not x for x in args))
            # any other call of the method (self.method(...), another object): not followed
            for n in walk(self.ctx.module):
                if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == mname \
                        and not any(a is x for x in n.args for a in args):
                    return why + f" ({mname}() is called other than on an instance with a session)"
            mapped, why_ = map_runs()
            if mapped is None:
                return why + why_
            if not args:
                return why + f" ({mname}() is never called on an instance)"
            if inits and not self._called_once_each(cp, mname, args):
                # TF1 drew fresh weights at each call (training started over); Keras keeps training
                return why + f" ({mname}() initializes the variables and is called more than once)"
            if inits and not any(r.train for r in mapped):
                # a method that only evaluates: TF1's fresh weights replaced the trained ones, unless
                # a restore of every variable follows (``saver.restore(sess, path)``) before its runs
                last, first = max(self.ctx.position(c) for c in inits), min(self.ctx.position(r) for r in runs)
                if not any(c.func.attr.value == "restore" and self._within(c, m)
                           and last < self.ctx.position(c) < first for c in cp.self_saver_calls):
                    return why + f" ({mname}() initializes the variables without restoring them and does not train)"
            cp.param_init_runs.extend(inits)
            cp.runs.extend(mapped)
            cp.session_params[mname] = (sess.value, idx)
            cp.session_args.extend(args)
        relays = self._session_relays(cp)
        if any(relays.get(mn) == i for mn, (_, i) in cp.session_params.items()):
            # the methods that only hand the session on go with it: their parameter and the
            # arguments passing it
            methods = self._methods(cp.node)
            for mn, i in relays.items():
                if mn not in cp.session_params:
                    cp.session_params[mn] = (methods[mn].params.params[i].name.value, i)
                    cp.session_args.extend(a for a in self._relay_args(cp, mn) if all(a is not x for x in cp.session_args))
        return ""

    def _init_run_why(self, cp: ClassProgram, call: cst.Call) -> str:
        """An initializer run in a method of the class: TF1 drew fresh weights there. Keras'
        model is created initialized and keeps what it learned, so the run may go only where
        that is the same: in ``__init__``, or before the training runs of a method each instance
        calls once, or right before a restore (``saver.restore``) of every variable. "" or why."""
        m = next((x for x in self._methods(cp.node).values() if self._within(call, x)), None)
        if m is None or m.name.value == "__init__":
            return ""
        at = self.ctx.position(call)
        ops = {mo.attr for _, _, mo in cp.method_ops if mo.attr}
        later = [n for n in walk(m.body) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                 and self.ctx.position(n) > at]
        if any(n.func.attr.value == "restore" for n in later):
            return ""
        trains = any(n.func.attr.value == "run" and n.args and any(_self_attr(x) in ops for x in walk(n.args[0].value))
                     for n in later)
        if not trains:
            return f"{m.name.value}() initializes the variables without restoring them and does not train"
        if not self._called_once_each(cp, m.name.value, []):
            return f"{m.name.value}() initializes the variables and is called more than once"
        return ""

    def _local_saver_call(self, cp: ClassProgram, scope: ScopeFlow, arg: cst.Arg) -> bool:
        """``saver.save(sess, path)`` / ``saver.restore(sess, path)``, a statement, ``arg`` its
        session: ``saver`` bound once in the method to ``tf.train.Saver()`` (every variable) and
        read only by such statements. Recorded as a call of the object's own saver (it saves the
        model's weights)."""
        from .tf1_program import SAVERS

        call = self.ctx.parent(arg)
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in ("save", "restore") and isinstance(call.func.value, cst.Name)
                and self._arg(call, 0, "sess") is arg.value and isinstance(self.ctx.parent(call), cst.Expr)):
            return False
        name = call.func.value.value
        defs = scope.by_name.get(name, ())
        d = defs[0] if len(defs) == 1 else None
        stmt = self.ctx.parent(d.value) if d is not None and d.value is not None else None
        if not (isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 and isinstance(d.value, cst.Call)
                and self.tp.qname(d.value) in SAVERS and not d.value.args):
            return False
        for n in walk(scope.node):
            if isinstance(n, cst.Name) and n.value == name and self.flow.scope_of(n) is scope:
                p = self.ctx.parent(n)
                if isinstance(p, cst.AssignTarget):
                    continue
                c = self.ctx.parent(p) if isinstance(p, cst.Attribute) and p.value is n else None
                if not (isinstance(c, cst.Call) and p.attr.value in ("save", "restore")
                        and isinstance(self.ctx.parent(c), cst.Expr)):
                    return False
        if call not in cp.self_saver_calls:
            cp.self_saver_calls.append(call)
        if stmt not in cp.local_savers:
            cp.local_savers.append(stmt)
        return True

    def _session_relays(self, cp: ClassProgram) -> dict[str, int]:
        """Methods given the session as a parameter that run it or hand it on to another such
        method through ``self`` (the CS224n skeleton: ``fit(sess, ...)`` -> ``self._run_epoch(sess,
        ...)`` -> ``self._train_on_batch(sess, batch)`` -> ``sess.run(...)``): method -> the
        parameter's index. A greatest fixed point: every call of such a method passes, at that
        position, a session of the file on an instance of the class, or the session parameter of
        another such method through ``self``; the parameter is bound nowhere else in its method and
        read only as ``<p>.run`` / an initializer run / a local Saver's argument, or handed on at
        the session position of such a method."""
        if cp.relays is not None:
            return cp.relays
        methods = self._methods(cp.node)
        own = {id(m) for m in methods.values()}
        cand: dict[str, int] = {}
        handed: dict[str, list] = {}   # method -> [(callee, position)] its parameter is handed to
        for mname, m in methods.items():
            scope = self.flow.scopes.get(id(m))
            if scope is None or m.decorators:
                continue
            for i, prm in enumerate(m.params.params[1:], start=1):
                pn = prm.name.value
                if any(d.index >= 0 for d in scope.by_name.get(pn, ())):
                    continue
                runs_in_method = any(isinstance(x, cst.Attribute) and x.attr.value == "run"
                                     and isinstance(x.value, cst.Name) and x.value.value == pn for x in walk(m.body))
                ok, runs, outs = True, 0, []
                for n in walk(m.body):
                    if not (isinstance(n, cst.Name) and n.value == pn) or self.flow.scope_of(n) is not scope:
                        continue
                    parent = self.ctx.parent(n)
                    if isinstance(parent, cst.Attribute) and parent.value is n and parent.attr.value == "run":
                        runs += 1
                        continue
                    call = self.ctx.parent(parent) if isinstance(parent, cst.Arg) and parent.value is n else None
                    if isinstance(call, cst.Call) and _self_attr(call.func) in methods and not parent.star:
                        callee = methods[_self_attr(call.func)]
                        k = self._param_index(call, parent, callee)
                        if k is not None:
                            outs.append((_self_attr(call.func), k))
                            continue
                    if runs_in_method and isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) \
                            and call.func.attr.value in ("save", "restore"):
                        continue  # a Saver's call (checked with the method's runs, _local_saver_call)
                    ok = False
                    break
                if ok and (runs or outs) and mname not in cand:
                    cand[mname] = i
                    handed[mname] = outs
        # every ``.<method>(...)`` call of the file, one walk (the fixed point reads them again)
        calls: dict[str, list[cst.Call]] = {m: [] for m in cand}
        if cand:
            for n in walk(self.ctx.module):
                if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in calls:
                    calls[n.func.attr.value].append(n)
        changed = True
        while changed:
            changed = False
            for mname, i in list(cand.items()):
                if any(cand.get(callee) != k for callee, k in handed[mname]) \
                        or not all(self._relay_call_ok(cp, n, mname, i, cand, own) for n in calls[mname]):
                    del cand[mname]
                    changed = True
        cp.relays, cp.relay_calls = cand, calls
        return cand

    def _param_index(self, call: cst.Call, arg: cst.Arg, fn: cst.FunctionDef) -> int | None:
        """The index in ``fn``'s parameters (``self`` is 0) that ``arg`` of ``self.<fn>(...)`` binds."""
        ps = list(fn.params.params)
        if arg.keyword is not None:
            return next((j for j, x in enumerate(ps) if x.name.value == arg.keyword.value and j > 0), None)
        pos = [a for a in call.args if a.keyword is None]
        j = pos.index(arg) + 1
        return j if j < len(ps) and not any(a.star for a in call.args) else None

    def _relay_arg(self, call: cst.Call, i: int, fn: cst.FunctionDef) -> cst.Arg | None:
        pos = [a for a in call.args if a.keyword is None]
        if any(a.star for a in call.args):
            return None
        if len(pos) >= i:
            return pos[i - 1]
        name = fn.params.params[i].name.value
        return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)

    def _relay_call_ok(self, cp: ClassProgram, n: cst.Call, mname: str, i: int, cand: dict, own: set) -> bool:
        fn = self._methods(cp.node)[mname]
        arg = self._relay_arg(n, i, fn)
        if arg is None or not isinstance(arg.value, cst.Name):
            return False
        if isinstance(n.func.value, cst.Name) and n.func.value.value == "self":
            m2 = self._method_of(n)
            if m2 is None or id(m2) not in own or m2.name.value not in cand:
                return False
            return m2.params.params[cand[m2.name.value]].name.value == arg.value.value
        sc = self.flow.scope_of(n)
        return any(s_ is sc and _self_attr(n.func, inst) == mname for s_, inst in cp.instances) \
            and arg.value.value in self.tp.session_names

    def _relay_args(self, cp: ClassProgram, mname: str) -> list[cst.Arg]:
        """The arguments passing the session to ``mname`` at its relay position, every call."""
        i = self._session_relays(cp)[mname]
        fn = self._methods(cp.node)[mname]
        return [self._relay_arg(n, i, fn) for n in cp.relay_calls[mname]]

    def _in_loop(self, node: cst.CSTNode, stop: cst.CSTNode) -> bool:
        n = self.ctx.parent(node)
        while n is not None and n is not stop:
            if isinstance(n, (cst.For, cst.While)):
                return True
            n = self.ctx.parent(n)
        return False

    def _called_once_each(self, cp: ClassProgram, mname: str, args: list) -> bool:
        """Each instance's ``inst.<mname>(sess, ...)`` is written once in its scope and runs once
        (not in a loop, not in a function called from several places)."""
        seen: set[tuple[int, str]] = set()
        for scope_, inst in {(id(sc.node), i): (sc, i) for sc, i in cp.instances}.values():
            for n in walk(scope_.node):
                if isinstance(n, cst.Call) and self.flow.scope_of(n) is scope_ and _self_attr(n.func, inst) == mname:
                    key = (id(scope_.node), inst)
                    if key in seen or self._in_loop(n, scope_.node):
                        return False
                    seen.add(key)
        return bool(seen)

    def _given_session_attr(self, cp: ClassProgram, attr: str, attrs: set) -> str:
        """``self.<attr>`` holds the session the class was given (``__init__(self, sess, ...)``:
        ``self.sess = sess``) and is read only as ``self.<attr>.run(...)`` in runs of the class
        (of the class's tensors: each is mapped with its method's runs); every ``Class(...)`` of the
        file passes a session of the file. The parameter, the arguments and the assignment go
        with the session. "" or why not."""
        methods = self._methods(cp.node)
        init = methods.get("__init__")
        if init is None or init.decorators:
            return f"self.{attr} is not set by __init__"
        stmts = []
        for meth in methods.values():
            for x in walk(meth.body):
                if _self_attr(x) != attr:
                    continue
                parent = self.ctx.parent(x)
                if isinstance(parent, cst.AssignTarget):
                    stmts.append(self.ctx.statement_of(x))
                    continue
                c = self.ctx.parent(parent) if isinstance(parent, cst.Attribute) else None
                if isinstance(parent, cst.Attribute) and parent.value is x and parent.attr.value == "run" \
                        and isinstance(c, cst.Call) and c.args \
                        and any(_self_attr(y) in attrs for y in walk(c.args[0].value)):
                    continue  # a run of the class's tensors (each must map, or the class stays)
                return f"self.{attr} is read other than by its runs"
        if len(stmts) != 1 or self._method_of(stmts[0]) is not init:
            return f"self.{attr} is not assigned once in __init__"
        small = stmts[0].body[0] if isinstance(stmts[0], cst.SimpleStatementLine) and len(stmts[0].body) == 1 else None
        v = small.value if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
        params = list(init.params.params)
        idx = next((i for i, p in enumerate(params) if isinstance(v, cst.Name) and p.name.value == v.value), None)
        if idx is None or idx == 0:
            return f"self.{attr} is not a parameter of __init__"
        pname = params[idx].name.value
        iscope = self.flow.scopes.get(id(init))
        if iscope is None or any(d.index >= 0 for d in iscope.by_name.get(pname, ())) \
                or len(self._local_reads(iscope, pname)) != 1:
            return f"{pname} is used in __init__ other than as self.{attr}"
        args = []
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == cp.name:
                pos = [a for a in n.args if a.keyword is None]
                arg = pos[idx - 1] if len(pos) >= idx else next(
                    (a for a in n.args if a.keyword is not None and a.keyword.value == pname), None)
                if arg is None or arg.star or not (isinstance(arg.value, cst.Name)
                                                   and arg.value.value in self.tp.session_names):
                    return f"a {cp.name}() call does not pass a session of this file"
                args.append(arg)
            elif isinstance(n, cst.Attribute) and n.attr.value == attr and isinstance(n.value, cst.Name) \
                    and any(n.value.value == inst for _, inst in cp.instances):
                return f"{n.value.value}.{attr} is read outside the class"
        if not args:
            return f"{cp.name}() is never called"
        if "__init__" not in cp.session_params:
            cp.session_params["__init__"] = (pname, idx)
            cp.session_args.extend(args)
            cp.session_stmts.append(stmts[0])
        return ""

    def _owns_session(self, cp: ClassProgram, attr: str, runs) -> bool:
        """``self.<attr> = tf.Session()`` bound in the class (the object's own session)?"""
        from .tf1_program import SESSIONS

        return any(isinstance(n, cst.Assign) and any(_self_attr(t.target) == attr for t in n.targets)
                   and isinstance(n.value, cst.Call) and self.tp.qname(n.value) in SESSIONS
                   for m in self._methods(cp.node).values() for n in walk(m.body))

    def _config_only(self, session: cst.Call) -> bool:
        """``tf.Session()``, or ``tf.Session(config=tf.ConfigProto(...))`` written inline: device
        placement and GPU memory settings, nothing the program computes (Keras has no ConfigProto)."""
        if not session.args:
            return True
        a = session.args[0]
        return len(session.args) == 1 and a.keyword is not None and a.keyword.value == "config" \
            and isinstance(a.value, cst.Call) and self.tp.qname(a.value) in ("tensorflow.ConfigProto",) \
            and all(self.tp.qname(n) == "tensorflow.GPUOptions" for arg in a.value.args for n in walk(arg.value)
                    if isinstance(n, cst.Call))

    def _own_session_attr(self, cp: ClassProgram, attr: str, runs) -> str:
        """Why ``self.<attr>``, the session the runs of a method use, is not the object's own
        session ("" if it is): bound once, in ``__init__``, to ``tf.Session()`` (no arguments),
        read only as ``self.<attr>.run`` of runs of the class's tensors or of an initializer
        (every instance builds its train op in ``__init__``, so every instance trains)."""
        from .tf1_program import SESSIONS

        if cp.session_attr not in (None, attr):
            return "through several sessions"
        methods = self._methods(cp.node)
        init = methods.get("__init__")
        binds = [n for m in methods.values() for n in walk(m.body) if isinstance(n, cst.Assign)
                 and any(_self_attr(t.target) == attr for t in n.targets)]
        if init is None or len(binds) != 1 or not self._within(binds[0], init) or len(binds[0].targets) != 1 \
                or not isinstance(binds[0].value, cst.Call) or self.tp.qname(binds[0].value) not in SESSIONS \
                or not self._config_only(binds[0].value):
            return f"self.{attr} is not bound once in __init__ to tf.Session()"
        for n in walk(self.ctx.module):  # ``net.sess = sess`` outside: another session
            if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Attribute) \
                    and n.target.attr.value == attr and not self._within(n, cp.node):
                return f"self.{attr} is bound outside the class"
        if any(t.method is None or not self._built_before_runs(methods, t.method) for t in cp.train_ops) \
                or not any(self._built_before_runs(methods, mo) for _, _, mo in cp.method_ops):
            return "the train op is not built in __init__, nor in the method that runs it"
        if len({r.func.value.attr.value if isinstance(r.func.value, cst.Attribute) else "" for r in runs}) != 1:
            return "through several sessions"
        for n in walk(cp.node):
            if _self_attr(n) != attr:
                continue
            parent = self.ctx.parent(n)
            if isinstance(parent, cst.AssignTarget):
                continue
            if isinstance(parent, cst.Arg) and self._self_saver_call(cp, init, parent):
                continue
            if self.tp.in_writer(n):
                continue  # tf.summary.FileWriter(logdir, self.sess.graph): TFM142 removes the writer
            call = self.ctx.parent(parent) if isinstance(parent, cst.Attribute) and parent.value is n else None
            if isinstance(call, cst.Call) and parent.attr.value == "run":
                if len(call.args) == 1 and self._initializer(call.args[0].value, call):
                    why_ = self._init_run_why(cp, call)
                    if why_:
                        return why_
                    continue
                if any(_self_attr(x) is not None for x in walk(call.args[0].value) if call.args) \
                        or any(call is r for r in runs) or self._local_loss_run(cp, call):
                    continue  # a run of the class's tensors (mapped with the method's runs)
            if self_close_statement(self.ctx, n, attr):
                continue  # ``self.sess.close()``: the session goes, so does its closing
            return f"self.{attr} is read other than by its runs"
        cp.session_attr = attr
        return ""

    def _initializer(self, e: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """``tf.global_variables_initializer()`` (or its TF 0.x name), or a name bound to one where
        ``at`` reads it (``init = tf.global_variables_initializer(); sess.run(init)``)."""
        from .tf1_program import INITIALIZERS

        if isinstance(e, cst.Name):
            d = self.flow.def_of(e.value, at)
            e = d.value if d is not None else None
        return isinstance(e, cst.Call) and self.tp.qname(e) in INITIALIZERS

    @staticmethod
    def _local_losses(cp: ClassProgram, mname: str) -> dict[str, str]:
        """The losses of the train ops method ``mname`` builds held in local names (``loss =
        self.triplet_loss(); self.optim = opt.minimize(loss)``; a run of the method may fetch
        them): name -> the loss key."""
        return {mo.loss_node.value: f"{mname}.{mo.loss_node.value}" for _, _, mo in cp.method_ops
                if mo.method == mname and mo.attr and isinstance(mo.loss_node, cst.Name)}

    def _local_loss_run(self, cp: ClassProgram, call: cst.Call) -> bool:
        """``self.sess.run(loss, ...)`` in the method whose train op minimizes that local ``loss``
        (mapped with that method's runs, _method_runs)."""
        m = next((x for x in self._methods(cp.node).values() if self._within(call, x)), None)
        names = self._local_losses(cp, m.name.value) if m is not None else {}
        return bool(call.args) and any(isinstance(x, cst.Name) and x.value in names for x in walk(call.args[0].value))

    def _built_before_runs(self, methods, mo: MethodTrainOp) -> bool:
        """The train op is built while ``__init__`` runs (``_built_in_init``), or as ``self.<op> =
        ...`` once, in a method that also runs it (``train_model()`` builds the loss and the
        optimizer, initialises and trains): every read of the op is in that method, after the
        build."""
        if self._built_in_init(methods, mo):
            return True
        m = methods.get(mo.method)
        if m is None or not mo.attr or mo.returns or mo.method == "__init__":
            return False
        binds = [n for n in walk(m.body) if isinstance(n, cst.Assign)
                 and any(_self_attr(t.target) == mo.attr for t in n.targets)]
        reads = [n for x in methods.values() for n in walk(x.body) if _self_attr(n) == mo.attr
                 and not isinstance(self.ctx.parent(n), cst.AssignTarget)]
        if len(binds) != 1 or not reads or any(not self._within(r, m) for r in reads):
            return False
        at = self.ctx.position(binds[0])
        return all(self.ctx.position(r) > at for r in reads)

    def _built_in_init(self, methods, mo: MethodTrainOp) -> bool:
        """The train op ``mo`` is an attribute set while ``__init__`` runs: ``self.op =
        opt.minimize(...)`` in ``__init__``, or ``op = opt.minimize(...); return op`` in a method
        whose one call is ``self.op = self.<method>()`` in ``__init__``."""
        if not mo.attr:
            return False
        if mo.method == "__init__":
            return True
        init = methods.get("__init__")
        if mo.returns != [mo.local] or not mo.local:
            # ``self.train_op = opt.minimize(..)`` in a method ``__init__`` runs once as a statement
            # (``self.build_model()``), directly or through other such methods
            return init is not None and self._run_by_init(methods, mo.method, init)
        calls = [n for m in methods.values() for n in walk(m.body)
                 if isinstance(n, cst.Call) and _self_attr(n.func) == mo.method]
        return init is not None and len(calls) == 1 and self._within(calls[0], init)

    def _run_by_init(self, methods, name: str, init, seen: tuple = ()) -> bool:
        """Method ``name`` is called exactly once in the class, as a statement ``self.<name>()`` of
        ``__init__`` or of a method that is itself run so."""
        if name in seen or name not in methods:
            return False
        calls = [n for m in methods.values() for n in walk(m.body)
                 if isinstance(n, cst.Call) and _self_attr(n.func) == name]
        if len(calls) != 1 or not isinstance(self.ctx.parent(calls[0]), cst.Expr):
            return False
        if self._within(calls[0], init):
            return True
        owner = next((m for m in methods.values() if self._within(calls[0], m)), None)
        return owner is not None and owner.name.value != name and \
            self._run_by_init(methods, owner.name.value, init, (*seen, name))

    def _self_saver_call(self, cp: ClassProgram, init, arg: cst.Arg) -> bool:
        """``self.saver.save(self.sess, path)`` / ``restore``: the session argument of a call of
        the object's own Saver, bound once in __init__ to ``tf.train.Saver()`` (every variable);
        recorded in ``cp.self_saver_calls``."""
        from .tf1_program import SAVERS

        call = self.ctx.parent(arg)
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in ("save", "restore") and self._arg(call, 0, "sess") is arg.value):
            return False
        s = _self_attr(call.func.value)
        if s is None or s in cp.placeholders:
            return False
        binds = [n for m in self._methods(cp.node).values() for n in walk(m.body) if isinstance(n, cst.Assign)
                 and any(_self_attr(t.target) == s for t in n.targets)]
        if len(binds) != 1 or not self._within(binds[0], init) or len(binds[0].targets) != 1 \
                or not isinstance(binds[0].value, cst.Call) or self.tp.qname(binds[0].value) not in SAVERS \
                or binds[0].value.args:
            return False
        # every read of self.<s>: such a call
        for n in walk(cp.node):
            if _self_attr(n) == s and not isinstance(self.ctx.parent(n), cst.AssignTarget):
                p = self.ctx.parent(n)
                c = self.ctx.parent(p) if isinstance(p, cst.Attribute) and p.value is n else None
                if not (isinstance(c, cst.Call) and p.attr.value in ("save", "restore")):
                    return False
        if not isinstance(self.ctx.parent(call), cst.Expr):
            return False  # the path save() returned is used (not translated): the session stays
        cp.saver_attr = s
        if call not in cp.self_saver_calls:
            cp.self_saver_calls.append(call)
        return True

    def _graph_shared(self, cp: ClassProgram) -> str:
        """Several instances built in one scope (one TF1 graph) by a file using tf.get_variable /
        variable_scope: their variables may be SHARED (reuse / AUTO_REUSE - a training and an
        inference instance of one model); Keras layers made per instance would not be. They are
        translated with TF1's variable store at run time (``cp.store_functions``: every variable
        scope and every layer made from get_variable / a named tf.layers call in the code the
        class runs is keyed by its full TF1 name, with TF1's reuse rules) when that code creates
        its variables only in those forms; else why not."""
        by_scope: dict[int, list[str]] = {}
        for scope, inst in cp.instances:
            by_scope.setdefault(id(scope), []).append(inst)
        several = next((v for k, v in by_scope.items() if len(v) > 1 and not self._graphs_reset(cp, k, v)), None)
        if several is None:
            return ""
        if not any(isinstance(n, cst.Call) and self.tp.qname(n) in ("tensorflow.get_variable",
                                                                     "tensorflow.variable_scope")
                   for n in walk(self.ctx.module)):
            return ""
        why = (f"instances {', '.join(several)} are built into one TF1 graph whose get_variable / "
               "variable_scope sharing between them is not translated")
        functions = self._store_closure(cp)
        reason = self._store_blocker(functions)
        if reason:
            return f"{why} ({reason})"
        cp.store_functions = functions
        return ""

    def _graphs_reset(self, cp: ClassProgram, scope_id: int, names: list[str]) -> bool:
        """Each instance ``names`` of one scope is built into a graph of its own: every two
        constructions (``name = Cls(..)``) have a ``tf.reset_default_graph()`` between them."""
        from .tf1_program import GRAPH_RESETS

        scope = next(s_ for s_, _ in cp.instances if id(s_) == scope_id)
        builds, resets = [], []
        for n in walk(scope.node):
            if not isinstance(n, cst.Call) or self.flow.scope_of(n) is not scope:
                continue
            if self.tp.qname(n) in GRAPH_RESETS:
                resets.append(self.ctx.position(n))
            elif isinstance(n.func, cst.Name) and n.func.value == cp.name:
                builds.append(self.ctx.position(n))
        if len(builds) != len(names) or not resets:
            return False
        builds.sort()
        return all(any(a < r < b for r in resets) for a, b in zip(builds, builds[1:]))

    def _store_closure(self, cp: ClassProgram) -> list:
        """The class's methods and the module functions they call (transitively)."""
        methods = self._methods(cp.node)
        out: list = []
        seen: set[int] = set()
        todo = list(methods.values())
        while todo:
            f = todo.pop()
            if id(f) in seen:
                continue
            seen.add(id(f))
            out.append(f)
            for n in walk(f.body):
                if not isinstance(n, cst.Call):
                    continue
                m = _self_attr(n.func)
                if m is not None and m in methods:
                    todo.append(methods[m])
                elif isinstance(n.func, cst.Name) and n.func.value in self.flow.functions:
                    todo.append(self.flow.functions[n.func.value])
        return out

    def _store_blocker(self, functions) -> str:
        """Why the variables of ``functions`` cannot go through the run-time TF1 store ("" if
        they can): get_variable, tf.Variable (never shared), tf.layers with a name= (an
        auto-named layer's name depends on TF1's per-scope counters), variable scopes entered by
        name with at most reuse=."""
        named = ("tensorflow.layers.dense", "tensorflow.layers.conv2d", "tensorflow.layers.conv1d",
                 "tensorflow.layers.batch_normalization")
        for f in functions:
            for n in walk(f.body):
                if not isinstance(n, cst.Call):
                    continue
                q = self.tp.qname(n) or ""
                if q == "tensorflow.variable_scope":
                    item = self.ctx.parent(n)
                    if not (isinstance(item, cst.WithItem) and item.asname is None) or not n.args \
                            or n.args[0].keyword is not None or any(
                                a.keyword is None or a.keyword.value != "reuse" for a in n.args[1:]):
                        return f"{f.name.value}: a variable_scope other than `with variable_scope(name[, reuse=])`"
                elif q in named:
                    name = self._arg(n, 99, "name")
                    if name is None or literal(name, "?") is None:
                        return f"{f.name.value}: {q.rsplit('.', 1)[1]} without name= (TF1 numbers such layers)"
                elif q.startswith(("tensorflow.contrib.", "tflearn.")) or q == "tensorflow.get_variable_scope":
                    return f"{f.name.value}: {q} under a shared variable store"
                elif isinstance(n.func, cst.Attribute) and n.func.attr.value == "reuse_variables":
                    return f"{f.name.value}: reuse_variables()"
        return ""

    def _method_name_of(self, node: cst.CSTNode) -> str | None:
        n = self.ctx.parent(node)
        while n is not None and not isinstance(n, cst.FunctionDef):
            n = self.ctx.parent(n)
        return n.name.value if n is not None else None

    def _twice(self, cp: ClassProgram) -> str:
        """An attribute assigned a placeholder in several methods (``_create_train_input`` /
        ``_create_inference_input``) is fine when no instance runs two of them: each instance
        has one placeholder there (the statements are translated one by one). Why not, else."""
        for attr in sorted(cp.twice):
            phs = [cp.placeholders[attr]] + [p for p in cp.other_placeholders if p.name == attr]
            where = [self._method_name_of(p.call) for p in phs]
            if None in where or len(set(where)) != len(where):
                return f"self.{attr} is assigned a placeholder in more than one place"
            for scope, inst in cp.instances:
                reached = self._reached(cp, self._inst_methods(scope, inst))
                if sum(w in reached for w in where) > 1:
                    return f"self.{attr} is assigned a placeholder in more than one place that {inst} runs"
            main = cp.placeholders[attr]
            for p in phs[1:]:
                if (p.role == "hyper") != (main.role == "hyper"):
                    return f"self.{attr} is assigned placeholders of different kinds"
                p.role = main.role
        return ""

    def _returned_parts(self, methods, value, n: int):
        """``self.<m>(...)`` whose method returns ONE tuple display of ``n`` elements, none
        starred, and sets no attribute: [(the method's scope, element)] ; else None."""
        m = methods.get(_self_attr(value.func)) if isinstance(value, cst.Call) else None
        scope = self.flow.scopes.get(id(m)) if m is not None else None
        if scope is None:
            return None
        rets = [r for r in walk(m.body) if isinstance(r, cst.Return) and self.flow.scope_of(r) is scope]
        if len(rets) != 1 or not isinstance(rets[0].value, cst.Tuple) or len(rets[0].value.elements) != n \
                or any(isinstance(e, cst.StarredElement) for e in rets[0].value.elements):
            return None
        if any(isinstance(x, cst.AssignTarget) and _self_attr(x.target) is not None for x in walk(m.body)):
            return None
        return [(scope, e.value) for e in rets[0].value.elements]

    def _assigned_from(self, methods, mname: str) -> str | None:
        """``self.X = self.<mname>()`` in the class's methods: X (None when no method calls it,
        "" when it is called some other way or bound more than once)."""
        found: list[str] = []
        other = False
        for m in methods.values():
            for n in walk(m.body):
                if isinstance(n, cst.Call) and _self_attr(n.func) == mname:
                    parent = self.ctx.parent(n)
                    attr = _self_attr(parent.targets[0].target) if isinstance(parent, cst.Assign) \
                        and len(parent.targets) == 1 and not n.args else None
                    if attr is None:
                        other = True
                    else:
                        found.append(attr)
        if not found and not other:
            return None
        return found[0] if len(found) == 1 and not other else ""

    def _reached(self, cp: ClassProgram, roots: set[str]) -> set[str]:
        """The methods ``roots`` run, through ``self.method()`` calls (transitively)."""
        methods = self._methods(cp.node)
        out, todo = set(), [r for r in roots if r in methods]
        while todo:
            m = todo.pop()
            if m in out:
                continue
            out.add(m)
            for n in walk(methods[m].body):
                if isinstance(n, cst.Call):
                    callee = _self_attr(n.func)
                    if callee in methods and callee not in out:
                        todo.append(callee)
        return out

    def _inst_methods(self, scope: ScopeFlow, inst: str) -> set[str]:
        """``__init__`` and the methods code in ``scope`` calls on ``inst``."""
        out = {"__init__"}
        for n in walk(scope.node):
            if isinstance(n, cst.Call) and self.flow.scope_of(n) is scope:
                m = _self_attr(n.func, inst)
                if m is not None:
                    out.add(m)
        return out

    # -- instances and their programs ----------------------------------------------------------------
    def _instances(self) -> None:
        self._owners()
        for scope in self.flow.scopes.values():
            for d in scope.defs:
                cp = self._class_called(d.value)
                if cp is not None:
                    if any(s is scope and n == d.name for s, n in cp.instances):
                        cp.why = cp.why or f"{d.name} is bound to {cp.name}() twice"
                    cp.instances.append((scope, d.name))
                    props = self.properties(cp.node)
                    known = self.__dict__.setdefault("_inst_props", {})
                    if d.name in known and known[d.name] != props:
                        known[d.name] = {}  # one name, instances of classes with other properties
                    else:
                        known[d.name] = props
        for cp in self.classes.values():
            self._param_instances(cp)
            for scope, inst in cp.instances:
                self._scope_program(cp, scope, inst)
            if cp.owner is not None:
                cp.why = cp.why or self._owner_runs(cp)
            cp.why = cp.why or self._passed_instance_runs(cp)
            self._unused_session_param(cp)
            if cp.instances:
                self._holders(cp)
            cp.why = cp.why or self._method_runs(cp) or self._graph_shared(cp) or self._norms_fetched(cp)
            cp.why = cp.why or self._rate_runs(cp)
            if cp.twice:
                cp.why = cp.why or self._twice(cp)
            if cp.remote is not None and not cp.instances:
                cp.why = cp.why or (f"this file names {cp.name} (defined in {cp.remote.module}.py) without "
                                    "instantiating it: its instances here cannot be followed")
            elif cp.remote is not None:
                cp.why = cp.why or self._remote_passed(cp)
                if cp.remote.why:
                    cp.why = f"defined in {cp.remote.module}.py, not translated: {cp.remote.why}"
                elif cp.distinct_train_ops() > 1:
                    cp.why = cp.why or "several train ops"
                elif not cp.train_ops and any(r.train for r in cp.runs):
                    cp.why = cp.why or "no train op minimizes its loss"
            elif not cp.instances:
                # instantiated by other files of the run: translated when they all are
                # (analysis/modules.py: the facts every side decides from)
                exported = self.ctx.switches.exported_classes.get(cp.name)
                if exported is not None and cp.placeholders and \
                        tuple(cp.placeholders) == tuple(a for a, _ in exported.placeholders):
                    cp.exported = exported
                    cp.why = cp.why or (f"used by {', '.join(exported.users)}, not translated: {exported.why}"
                                        if exported.why else "")
                else:
                    cp.why = cp.why or "the class is never instantiated in this file"
            elif cp.distinct_train_ops() != 1:
                cp.why = cp.why or ("several train ops" if cp.train_ops else "no train op minimizes its loss")
            if cp.instances and cp.remote is None and self.ctx.switches.class_facts:
                exported = self.ctx.switches.exported_classes.get(cp.name)
                if exported is not None and exported.why:  # other modules use it too (analysis/modules.py)
                    cp.why = (f"used by {', '.join(exported.users)}, not translated: {exported.why}"
                              + (f" (and here: {cp.why})" if cp.why else ""))
            for p in cp.placeholders.values():
                if p.role == "hyper" and not cp.why and self._inert(cp, p.name):
                    p.role = "inert"
                    continue
                if p.role == "hyper":
                    why = self._hyper(cp, p.name)
                    if why:
                        cp.why = cp.why or f"scalar placeholder self.{p.name}: {why}"

    # -- owner classes: the model made in a method of another class ----------------------------------
    def _owners(self) -> None:
        """``self.<attr> = Model(...)`` in a method of another class of the file (no base class),
        the only place making an instance of the model class and binding ``self.<attr>`` there:
        the instance ``self.<attr>`` of that method's scope (its train op is built there on
        ``self.<attr>.loss``); the owner's other methods run it (``_owner_runs``)."""
        found: dict[str, list] = {}
        for o in self._class_defs.values():
            if o.name.value in self.classes or any(not (isinstance(b.value, cst.Name) and b.value.value == "object")
                                                   for b in o.bases):
                continue
            methods = {st.name.value: st for st in o.body.body if isinstance(st, cst.FunctionDef)}
            for m in methods.values():
                for n in walk(m.body):
                    if isinstance(n, cst.Assign) and len(n.targets) == 1 and _self_attr(n.targets[0].target) \
                            and self._class_called(n.value) is not None:
                        found.setdefault(self._class_called(n.value).name, []).append((o, m, n))
        for name, sites in found.items():
            cp = self.classes[name]
            calls = [n for n in walk(self.ctx.module) if isinstance(n, cst.Call) and self._class_called(n) is cp]
            if len(sites) != 1 or len(calls) != 1:
                continue
            o, m, n = sites[0]
            attr = _self_attr(n.targets[0].target)
            binds = [x for x in walk(o) if isinstance(x, cst.AssignTarget) and _self_attr(x.target) == attr]
            scope = self.flow.scopes.get(id(m))
            if len(binds) != 1 or scope is None or m.decorators:
                continue
            cp.owner = (o, attr)
            cp.instances.append((scope, f"self.{attr}"))

    def _owner_session_attrs(self, o: cst.ClassDef, methods: dict, sessions: dict) -> dict:
        """``self.sess = sess`` in an owner's method that made ``sess`` (the attribute bound
        nowhere else in the class), read only outside the class as the argument of a call on an
        instance of the owner, ``m.evaluate(m.sess)`` (``m = Owner()`` bound once in its scope):
        {"stmts": those statements, "args": ids of those Arg nodes} - the session the instance's
        method made, which goes with its runs. Empty when the attribute is read otherwise."""
        out: dict = {"stmts": [], "args": set()}
        for mname, m in methods.items():
            for st in walk(m.body):
                if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                        and isinstance(st.body[0], cst.Assign) and len(st.body[0].targets) == 1):
                    continue
                a = _self_attr(st.body[0].targets[0].target)
                v = st.body[0].value
                if a is None or not (isinstance(v, cst.Name) and v.value in sessions.get(mname, ())):
                    continue
                binds = [x for x in walk(o) if isinstance(x, cst.AssignTarget) and _self_attr(x.target) == a]
                if len(binds) != 1 or any(_self_attr(x) == a and not isinstance(self.ctx.parent(x), cst.AssignTarget)
                                          for x in walk(o)):
                    continue  # bound again, or read by the owner's own methods
                args: list = []
                ok = True
                for x in walk(self.ctx.module):
                    if not (isinstance(x, cst.Attribute) and x.attr.value == a) or self._method_of(x) is not None \
                            and any(self._method_of(x) is mm for mm in methods.values()):
                        continue
                    arg = self.ctx.parent(x)
                    call = self.ctx.parent(arg) if isinstance(arg, cst.Arg) else None
                    inst = x.value
                    if not (isinstance(arg, cst.Arg) and arg.value is x and not arg.star and arg.keyword is None
                            and isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                            and call.func.attr.value in methods and isinstance(inst, cst.Name)
                            and isinstance(call.func.value, cst.Name) and call.func.value.value == inst.value):
                        ok = False
                        break
                    ds = self.flow.scope_of(x).by_name.get(inst.value, ())
                    if len(ds) != 1 or self._class_called(ds[0].value) is not None \
                            or not (isinstance(ds[0].value, cst.Call) and isinstance(ds[0].value.func, cst.Name)
                                    and ds[0].value.func.value == o.name.value):
                        ok = False
                        break
                    args.append(arg)
                if ok and args:
                    out["stmts"].append(st)
                    out["args"].update(id(x) for x in args)
        return out

    def _owner_given_sessions(self, o: cst.ClassDef, methods: dict, sessions: dict, held: dict) -> dict:
        """Owner methods given the session as a parameter (``load_previous_model(self, sess)``):
        method -> (parameter name, Param node, the Arg nodes passing it), when every call of the
        method passes there a session its calling owner method made, or the session attribute of
        ``_owner_session_attrs`` from outside; the parameter bound nowhere in the method."""
        out: dict = {}
        for mname, m in methods.items():
            sc = self.flow.scopes.get(id(m))
            if sc is None or m.decorators:
                continue
            calls = [n for n in walk(self.ctx.module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                     and n.func.attr.value == mname]
            if not calls:
                continue
            for idx, prm in enumerate(m.params.params[1:], start=1):
                pn = prm.name.value
                if any(d.index >= 0 for d in sc.by_name.get(pn, ())):
                    continue
                args = []
                for n in calls:
                    caller = self._method_of(n)
                    pos = [a for a in n.args if a.keyword is None]
                    arg = pos[idx - 1] if len(pos) >= idx else next(
                        (a for a in n.args if a.keyword is not None and a.keyword.value == pn), None)
                    if arg is not None and id(arg) in held.get("args", ()):
                        args.append(arg)
                        continue
                    if not (arg is not None and not arg.star and isinstance(arg.value, cst.Name)
                            and isinstance(n.func.value, cst.Name) and n.func.value.value == "self"
                            and caller is not None and any(caller is x for x in methods.values())
                            and arg.value.value in sessions.get(caller.name.value, ())):
                        args = None
                        break
                    args.append(arg)
                if args:
                    out[mname] = (pn, prm, args)
                    break
        return out

    def _owner_runs(self, cp: ClassProgram) -> str:
        """Runs of the owner's methods on ``self.<attr>``'s tensors and train op: each method runs
        a session it makes (``sess = tf.Session()``) or is given as a parameter by every call
        ``self.method(sess, ...)`` of the owner (a session one of its methods made): those runs
        join ``cp.runs``, the parameter and the arguments passing it go (as for a file function
        given the session). Its Saver (``self.saver = tf.train.Saver()``, read only as
        ``self.saver.save / restore(sess, path)``) saves the model; an initializer the building
        method returns is run by its caller. "" or why not."""
        from .tf1_program import INITIALIZERS, SAVERS, SESSIONS

        o, attr = cp.owner
        inst = f"self.{attr}"
        methods = {st.name.value: st for st in o.body.body if isinstance(st, cst.FunctionDef)}
        home = next(s for s, i in cp.instances if i == inst)
        ops = {t.name for t in cp.train_ops if t.instance == inst}
        attr_ops = {t.method.attr for t in cp.train_ops if t.instance == inst and t.method is not None
                    and t.method.attr}
        cp.owner_scopes = [self.flow.scopes[id(m)] for m in methods.values() if id(m) in self.flow.scopes]
        sessions: dict[str, set[str]] = {}  # method -> its local names bound to tf.Session()
        for m in methods.values():
            sc = self.flow.scopes.get(id(m))
            if sc is None:
                continue
            for nm, ds in sc.by_name.items():
                if ds and all(isinstance(d.value, cst.Call) and self.tp.qname(d.value) in SESSIONS for d in ds):
                    sessions.setdefault(m.name.value, set()).add(nm)

        def touches(c: cst.Call) -> bool:
            return any(self._inst_attr(x, inst) is not None or (
                _self_attr(x) is not None and f"self.{_self_attr(x)}" in ops) for x in walk(c))

        held = self._owner_session_attrs(o, methods, sessions)
        given = self._owner_given_sessions(o, methods, sessions, held)

        for mname, m in methods.items():
            sc = self.flow.scopes.get(id(m))
            if sc is None or sc is home:
                continue
            evals = [n for n in walk(m.body) if isinstance(n, cst.Attribute) and n.attr.value == "eval"
                     and any(self._inst_attr(x, inst) is not None for x in walk(n.value))]
            if evals:
                return f"{o.name.value}.{mname}() evaluates {cp.name}'s tensors with .eval()"
            runs = [n for n in walk(m.body) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                    and n.func.attr.value == "run" and touches(n)]
            if not runs:
                continue
            if any(not isinstance(r.func.value, cst.Name) for r in runs):
                return f"{o.name.value}.{mname}() runs {cp.name}'s tensors with a session it keeps in an attribute"
            sname = runs[0].func.value.value
            if any(r.func.value.value != sname for r in runs) or self.flow.scope_of(runs[0]) is not sc:
                return f"{o.name.value}.{mname}() runs {cp.name}'s tensors through several sessions"
            params = list(m.params.params)
            idx = next((i for i, p_ in enumerate(params) if p_.name.value == sname), None)
            if idx is None and sname not in sessions.get(mname, ()):
                return f"{o.name.value}.{mname}() runs a session it neither makes nor is given"
            if idx is not None:
                if idx == 0 or any(d.index >= 0 for d in sc.by_name.get(sname, ())):
                    return f"{o.name.value}.{mname}() rebinds its session parameter"
                for n in walk(m.body):  # the parameter: read only as those runs
                    if isinstance(n, cst.Name) and n.value == sname:
                        parent = self.ctx.parent(n)
                        if not (isinstance(parent, cst.Attribute) and parent.value is n
                                and self.ctx.parent(parent) in runs):
                            return f"{o.name.value}.{mname}() reads its session other than by its runs"
                args = []
                for n in walk(self.ctx.module):
                    if not (isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == mname):
                        continue
                    caller = self._method_of(n)
                    pos = [a for a in n.args if a.keyword is None]
                    arg = pos[idx - 1] if len(pos) >= idx else next(
                        (a for a in n.args if a.keyword is not None and a.keyword.value == sname), None)
                    if arg is not None and id(arg) in held.get("args", ()):
                        args.append(arg)  # ``m.evaluate(m.sess)``: the session the instance's method made
                        continue
                    if not (isinstance(n.func.value, cst.Name) and n.func.value.value == "self" and caller is not None
                            and any(caller is x for x in methods.values()) and arg is not None and not arg.star
                            and isinstance(arg.value, cst.Name)
                            and (arg.value.value in sessions.get(caller.name.value, ())
                                 or given.get(caller.name.value, (None,))[0] == arg.value.value)):
                        return f"{mname}() is called other than by {o.name.value}'s methods with a session they make"
                    args.append(arg)
                if not args:
                    return f"{o.name.value}.{mname}() is never called"
                cp.session_param_nodes.append(params[idx])
                cp.session_args.extend(args)
            for r in runs:
                run, why = self._run(cp, r, inst, self._arg(r, 0, "fetches"), self._arg(r, 1, "feed_dict"),
                                     "session", attr_ops, ops, sc)
                if run is None or why:
                    return f"{o.name.value}.{mname}(): {why or 'a run it cannot map'}"
                cp.runs.append(run)
        # the owner's Saver
        for n in walk(o):
            if not (isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.value, cst.Call)
                    and self.tp.qname(n.value) in SAVERS):
                continue
            s = _self_attr(n.targets[0].target)
            if s is None or n.value.args:
                return f"{o.name.value} makes a Saver of some variables or binds its Saver to a local name"
            calls = []
            for x in walk(o):
                if _self_attr(x) == s and not isinstance(self.ctx.parent(x), cst.AssignTarget):
                    p_ = self.ctx.parent(x)
                    c = self.ctx.parent(p_) if isinstance(p_, cst.Attribute) and p_.value is x else None
                    sess = self._arg(c, 0, "sess") if isinstance(c, cst.Call) else None
                    caller = self._method_of(x)
                    if not (isinstance(c, cst.Call) and p_.attr.value in ("save", "restore")
                            and isinstance(self.ctx.parent(c), cst.Expr) and isinstance(sess, cst.Name)
                            and caller is not None and (sess.value in sessions.get(caller.name.value, ())
                                                        or given.get(caller.name.value, (None,))[0] == sess.value)):
                        return f"{o.name.value} uses self.{s} other than by save / restore of its session"
                    calls.append(c)
            if cp.owner_saver_stmt is not None:
                return f"{o.name.value} makes two Savers"
            cp.owner_saver_stmt = self.ctx.statement_of(n)
            cp.owner_saver_calls.extend(calls)
        for mname, (pname, prm, gargs) in given.items():
            # a method given the session only to save / restore the model (``load_previous_model(
            # self, sess)``): its parameter and the arguments passing it go with the session
            if not any(prm is x for x in cp.session_param_nodes):
                cp.session_param_nodes.append(prm)
                cp.session_args.extend(a for a in gargs if all(a is not x for x in cp.session_args))
        cp.owner_session_attrs = list(held.get("stmts", ()))
        # init = tf.global_variables_initializer(); return init (the building method), run by the caller
        m_home = home.node
        made = []  # (the statement making the initializer the method returns)
        for nm, ds in home.by_name.items():
            if not (len(ds) == 1 and isinstance(ds[0].value, cst.Call) and self.tp.qname(ds[0].value) in INITIALIZERS):
                continue
            reads = self._local_reads(home, nm)
            rets = [x for x in reads if isinstance(self.ctx.parent(x), cst.Return)]
            if len(reads) == 1 and len(rets) == 1:
                made.append(ds[0].stmt)
        # ``return tf.global_variables_initializer()`` directly
        made += [st for st in walk(m_home.body) if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                 and isinstance(st.body[0], cst.Return) and isinstance(st.body[0].value, cst.Call)
                 and self.tp.qname(st.body[0].value) in INITIALIZERS and self._method_of(st) is m_home]
        for stmt_made in made:
            callers = [n for n in walk(o) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                       and n.func.attr.value == m_home.name.value]
            runs_of = []
            for c in callers:
                asg = self.ctx.parent(c)
                csc = self.flow.scope_of(c)
                caller = self._method_of(c)
                t = asg.targets[0].target if isinstance(asg, cst.Assign) and len(asg.targets) == 1 else None
                if not isinstance(t, cst.Name) or caller is None or csc is None:
                    return f"what {o.name.value}.{m_home.name.value}() returns is used other than as an initializer"
                for x in self._local_reads(csc, t.value):
                    p_ = self.ctx.parent(x)
                    a_ = self.ctx.parent(p_) if isinstance(p_, cst.Arg) else None
                    f_ = a_.func if isinstance(a_, cst.Call) else None
                    if not (isinstance(f_, cst.Attribute) and f_.attr.value == "run" and isinstance(f_.value, cst.Name)
                            and f_.value.value in sessions.get(caller.name.value, ())
                            and isinstance(self.ctx.parent(a_), cst.Expr) and len(a_.args) == 1):
                        return (f"what {o.name.value}.{m_home.name.value}() returns is used other than as an "
                                "initializer")
                    runs_of.append(self.ctx.statement_of(a_))
            cp.owner_inits.append((stmt_made, runs_of))
        return ""

    # -- placeholders no graph op reads ----------------------------------------------------------------
    def _inert(self, cp: ClassProgram, attr: str) -> bool:
        """The placeholder ``self.<attr>`` reaches no TF1 op: it is only fed (feed-dict keys of the
        class's runs) and passed down to file functions / methods that only compare it by
        identity (``is_train is True`` - a placeholder never is) or pass it further down. TF1
        never read the values fed to it; a ``keras.Input`` in its place gives the same ``is``
        answers (kym343's ``batch_norm(x, ..., is_train=self.train_mode)``)."""
        feed_stmts = set(cp.feed_defs)
        runs = [r.call for r in cp.runs]
        insts = {inst for _, inst in cp.instances}
        own = {id(m) for m in self._methods(cp.node).values()}  # inherited methods read self.<attr> too
        seen: set = set()
        for node in walk(self.ctx.module):
            if not (isinstance(node, cst.Attribute) and node.attr.value == attr and isinstance(node.value, cst.Name)):
                continue
            if node.value.value == "self":
                m = self._method_of(node)
                while m is not None and id(m) not in own:
                    m = self._method_of(m)
                if m is None and not self._within(node, cp.node):
                    continue
            elif node.value.value not in insts:
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget):
                continue
            if isinstance(parent, cst.DictElement) and parent.key is node:
                st = self.ctx.statement_of(node)
                if id(st) in feed_stmts or any(self._within(node, c) for c in runs):
                    continue
                return False
            if isinstance(parent, cst.Arg) and parent.value is node and not parent.star \
                    and self._flag_arg_ok(cp, parent, seen):
                continue
            return False
        return True

    def _training_arg_ok(self, cp: ClassProgram, arg: cst.Arg, seen: set) -> bool:
        """``arg`` passes a training flag to file functions / methods whose parameter only
        reaches ``training=`` of tf.layers calls (dropout / batch_normalization, maybe through
        ``tf.convert_to_tensor``) or is passed on to such functions."""
        targets = self._arg_params(cp, arg)
        return bool(targets) and all(self._training_param_ok(cp, fn, pname, seen) for fn, pname in targets)

    def _arg_params(self, cp: ClassProgram, arg: cst.Arg) -> list | None:
        """(function, parameter name) that ``arg`` of a call binds in each function the call may
        reach (``_callees``); None when a callee is unknown or takes no such parameter."""
        c = self.ctx.parent(arg)
        callees = self._callees(cp, c.func, set()) if isinstance(c, cst.Call) else None
        if callees is None:
            return None
        pos = [a for a in c.args if a.keyword is None]
        out = []
        for fn, bound in callees:
            params = list(fn.params.params)[(1 if bound else 0):]
            if arg.keyword is not None:
                pname = arg.keyword.value
                if not any(p_.name.value == pname for p_ in params):
                    return None
            else:
                i = pos.index(arg)
                if i >= len(params):
                    return None
                pname = params[i].name.value
            out.append((fn, pname))
        return out

    def _param_reads(self, fn: cst.FunctionDef, pname: str, seen: set) -> list | None:
        """The reads of parameter ``pname`` in ``fn`` for the parameter checks below: [] when the
        check is already under way (a recursive call: nothing new), None when the parameter is
        rebound in the function or read by a function nested in it."""
        key = (id(fn), pname)
        if key in seen:
            return []
        seen.add(key)
        scope = self.flow.scopes.get(id(fn))
        if scope is None or any(d.index >= 0 for d in scope.by_name.get(pname, ())):
            return None
        if any(isinstance(y, cst.Name) and y.value == pname and self.flow.scope_of(y) is not scope
               for y in walk(fn.body)):
            return None
        return self._local_reads(scope, pname)

    def _training_param_ok(self, cp: ClassProgram, fn: cst.FunctionDef, pname: str, seen: set) -> bool:
        reads = self._param_reads(fn, pname, seen)
        if reads is None:
            return False
        for x in reads:
            parent = self.ctx.parent(x)
            if not (isinstance(parent, cst.Arg) and parent.value is x and not parent.star):
                return False
            c = self.ctx.parent(parent)
            q = self.tp.qname(c) if isinstance(c, cst.Call) else None
            if q == "tensorflow.convert_to_tensor" and len(c.args) == 1 and parent.keyword is None:
                parent = self.ctx.parent(c)  # training=tf.convert_to_tensor(flag)
                if not (isinstance(parent, cst.Arg) and parent.value is c):
                    return False
                c = self.ctx.parent(parent)
                q = self.tp.qname(c) if isinstance(c, cst.Call) else None
            if q in ("tensorflow.layers.dropout", "tensorflow.layers.batch_normalization") \
                    and parent.keyword is not None and parent.keyword.value == "training":
                continue
            if not q and self._training_arg_ok(cp, parent, seen):
                continue
            return False
        return True

    def _callees(self, cp: ClassProgram, func: cst.BaseExpression, seen: set):
        """The FunctionDefs a call of ``func`` may run, with whether ``self`` is bound: a file
        function, ``self.method``, or a parameter every caller passes one of those for. None: unknown."""
        methods = self._methods(cp.node)
        funcs = {s_.name.value: s_ for s_ in self.ctx.module.body if isinstance(s_, cst.FunctionDef)}
        m = _self_attr(func)
        if m is not None:  # self.method(..): self bound - not for a @staticmethod (no self parameter)
            return [(methods[m], not _static_method(methods[m]))] if m in methods else None
        if not isinstance(func, cst.Name):
            return None
        fn = self._method_of(func)
        if fn is not None:
            params = [p_.name.value for p_ in fn.params.params]
            if func.value in params:  # a function passed in: resolve at every call of fn
                scope = self.flow.scopes.get(id(fn))
                if scope is None or any(d.index >= 0 for d in scope.by_name.get(func.value, ())):
                    return None
                key = (id(fn), func.value)
                if key in seen:
                    return []
                seen.add(key)
                idx = params.index(func.value)
                bound = any(fn is x for x in methods.values())
                out = []
                calls = [c for c in walk(self.ctx.module) if isinstance(c, cst.Call) and (
                    (bound and _self_attr(c.func) == fn.name.value) or (not bound and isinstance(c.func, cst.Name)
                                                                        and c.func.value == fn.name.value))]
                if not calls:
                    return None
                for c in calls:
                    pos = [a for a in c.args if a.keyword is None]
                    if any(a.star for a in c.args):
                        return None
                    i = idx - (1 if bound else 0)
                    arg = pos[i] if len(pos) > i else next(
                        (a for a in c.args if a.keyword is not None and a.keyword.value == func.value), None)
                    if arg is None:
                        return None
                    got = self._callees(cp, arg.value, seen) if not isinstance(arg.value, cst.Call) else None
                    if got is None:
                        return None
                    out += got
                return out
        if func.value in funcs:
            return [(funcs[func.value], False)]
        return None

    def _keep_arg_ok(self, cp: ClassProgram, arg: cst.Arg, seen: set) -> bool:
        """``arg`` passes a keep probability to methods / file functions whose parameter is read
        only as the keep_prob of ``tf.nn.dropout`` / a ``DropoutWrapper`` keep probability, or
        passed on to such functions."""
        targets = self._arg_params(cp, arg)
        return bool(targets) and all(self._keep_param_ok(cp, fn, pname, seen) for fn, pname in targets)

    def _keep_param_ok(self, cp: ClassProgram, fn: cst.FunctionDef, pname: str, seen: set) -> bool:
        reads = self._param_reads(fn, pname, seen)
        if reads is None:
            return False
        for x in reads:
            parent = self.ctx.parent(x)
            if not (isinstance(parent, cst.Arg) and parent.value is x and not parent.star):
                return False
            c = self.ctx.parent(parent)
            q = self.tp.qname(c) if isinstance(c, cst.Call) else None
            # the keep probability of tf.nn.dropout or of a DropoutWrapper (TFM134 / TFM158 read
            # the value fed; contrib's dropout has its own is_training and is not one of them)
            if q != "tensorflow.contrib.layers.dropout" and dropout_keep_arg(self.ctx, parent):
                continue
            if not q and self._keep_arg_ok(cp, parent, seen):
                continue
            return False
        return True

    def _flag_arg_ok(self, cp: ClassProgram, arg: cst.Arg, seen: set) -> bool:
        targets = self._arg_params(cp, arg)
        return targets is not None and all(self._flag_param_ok(cp, fn, pname, seen) for fn, pname in targets)

    def _flag_param_ok(self, cp: ClassProgram, fn: cst.FunctionDef, pname: str, seen: set) -> bool:
        reads = self._param_reads(fn, pname, seen)
        if reads is None:
            return False
        for x in reads:
            parent = self.ctx.parent(x)
            if isinstance(parent, cst.Comparison) and parent.left is x and len(parent.comparisons) == 1 \
                    and isinstance(parent.comparisons[0].operator, (cst.Is, cst.IsNot)) \
                    and isinstance(parent.comparisons[0].comparator, cst.Name) \
                    and parent.comparisons[0].comparator.value in ("True", "False", "None"):
                continue  # an identity test: a placeholder is none of these, nor is a keras.Input
            if isinstance(parent, cst.Arg) and parent.value is x and not parent.star \
                    and self._flag_arg_ok(cp, parent, seen):
                continue
            return False
        return True

    def _passed_instance_runs(self, cp: ClassProgram) -> str:
        """Runs in a FILE FUNCTION given an instance and the session (``run_epoch(model, session,
        data)``, every call passing an instance of this class and a session of the file at the same
        positions): the runs become runs of that parameter as for an instance, the session parameter
        and the arguments passing it go. The session parameter must be read only by those runs.
        "" or why the class cannot be translated (a run there that cannot be mapped)."""
        if cp.why or not cp.instances:
            return ""
        attr_ops = {mo.attr for _, _, mo in cp.method_ops if mo.attr}
        inst_names = {(id(s), n) for s, n in cp.instances}
        for fscope in self.flow.scopes.values():
            fn = fscope.node
            if not isinstance(fn, cst.FunctionDef) or fn.decorators \
                    or isinstance(self.ctx.parent(self.ctx.parent(fn)), cst.ClassDef):
                continue
            params = list(fn.params.params)
            calls = [n for n in walk(self.ctx.module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name)
                     and n.func.value == fn.name.value]
            owned = self.tp.session_functions.get(fn.name.value)
            if owned is not None and owned[0] is not fn:
                owned = None
            if owned is not None:
                why = self._owned_session_runs(cp, fn, fscope, calls, owned, attr_ops, inst_names)
                if why:
                    return why
                continue
            why = self._unmapped_given_instance_runs(cp, fn, calls, inst_names)
            if why:
                return why
            if not calls or len(params) < 2:
                continue
            inst_idx = sess_idx = None
            sess_args = []
            ok = True
            for c in calls:
                if any(a.keyword is not None or a.star for a in c.args):
                    ok = False
                    break
                sc = self.flow.scope_of(c)
                insts = [i for i, a in enumerate(c.args) if self._inst_read(sc, a.value, inst_names)]
                sessions = [i for i, a in enumerate(c.args) if isinstance(a.value, cst.Name)
                            and a.value.value in self.tp.session_names]
                if len(insts) != 1 or len(sessions) != 1 or inst_idx not in (None, insts[0]) \
                        or sess_idx not in (None, sessions[0]):
                    ok = False
                    break
                inst_idx, sess_idx = insts[0], sessions[0]
                sess_args.append(c.args[sess_idx])
            if not ok or inst_idx is None or sess_idx >= len(params) or inst_idx >= len(params):
                continue
            pinst, psess = params[inst_idx].name.value, params[sess_idx].name.value
            known = self.__dict__.setdefault("_inst_props", {})
            props = self.properties(cp.node)  # ``model.cost`` of ``def cost(self): return self._cost``
            known[pinst] = props if known.get(pinst, props) == props else {}
            if any(d.index >= 0 for d in fscope.by_name.get(pinst, ())) \
                    or any(d.index >= 0 for d in fscope.by_name.get(psess, ())):
                continue  # rebound inside
            runs = []
            unmapped = False
            for n in walk(fn.body):
                if isinstance(n, cst.Name) and n.value == psess:
                    parent = self.ctx.parent(n)
                    call_ = self.ctx.parent(parent) if isinstance(parent, (cst.Attribute, cst.Arg)) else None
                    if isinstance(parent, cst.Attribute) and parent.value is n and parent.attr.value == "run" \
                            and isinstance(call_, cst.Call) and call_.func is parent:
                        runs.append(call_)
                        continue
                    if isinstance(parent, cst.Arg) and parent.value is n and isinstance(call_, cst.Call) \
                            and self._arg(call_, 1, "session") is n \
                            and isinstance(call_.func, cst.Attribute) and call_.func.attr.value == "eval" \
                            and self._inst_attr(call_.func.value, pinst) is not None:
                        runs.append(call_)  # ``model.out.eval(session=sess, feed_dict=..)``: a run of that session
                        continue
                    unmapped = True
                    break
            if unmapped or not runs:
                if runs or any(isinstance(x, cst.Call) and isinstance(x.func, cst.Attribute)
                               and x.func.attr.value == "eval" and self._inst_attr(x.func.value, pinst) is not None
                               for x in walk(fn.body)):
                    return (f"{fn.name.value}() is given the session {psess} but reads it, or evaluates "
                            f"{pinst}'s tensors, otherwise than by {psess}.run(..) / "
                            f"{pinst}.<tensor>.eval(session={psess}, ..)")
                continue
            mapped = []
            for r in runs:
                if isinstance(r.func, cst.Attribute) and r.func.attr.value == "eval":
                    run, why = self._run(cp, r, pinst, r.func.value, self._arg(r, 0, "feed_dict"), "eval",
                                         attr_ops, set(), fscope)
                else:
                    run, why = self._run(cp, r, pinst, self._arg(r, 0, "fetches"), self._arg(r, 1, "feed_dict"),
                                         "session", attr_ops, set(), fscope)
                if run is None:
                    return f"{fn.name.value}() runs its session on something other than {pinst}'s tensors"
                if why:
                    return f"{fn.name.value}(): {why}"
                loss = cp.train_ops[0].loss if cp.train_ops else None
                bad = [n for k, n in run.fetches if k == "attr" and n != loss and not cp.is_tensor(n)] \
                    if not run.train else []
                if bad:  # TFM144 could not map the run: its session parameter must stay with it
                    return f"{fn.name.value}() fetches {pinst}.{bad[0]} (not a tensor of the graph)"
                mapped.append(run)
            cp.runs.extend(mapped)
            cp.session_param_nodes.append(params[sess_idx])
            cp.session_args.extend(sess_args)
            for c in calls:  # ``def main(): with tf.Session() as sess: ..; train(sess, model, ..)``
                sc = self.flow.scope_of(c)
                if (id(sc), c.args[inst_idx].value.value) not in inst_names:
                    self._own_session_function(cp, self.flow.scopes[id(self.ctx.module)], c,
                                               c.args[sess_idx].value.value, c.args[inst_idx].value.value)
            self._given_writers(cp, fn, params, calls, {inst_idx, sess_idx})
        return ""

    def _given_writers(self, cp: ClassProgram, fn: cst.FunctionDef, params, calls, taken: set) -> None:
        """``train(sess, model, writer, steps)``: a parameter every call gives a FileWriter of the
        file at the same position (the same name on both sides: TF1Program's writer names), read
        in the body only by ``writer.add_summary(..)``-style statements (TFM142 removes them):
        it goes with its arguments, like the session."""
        from .tf1_program import WRITER_METHODS

        for idx, p_ in enumerate(params):
            if idx in taken or p_.star or p_.default is not None or p_.name.value not in self.tp.writer_names:
                continue
            args = [c.args[idx] if idx < len(c.args) else None for c in calls]
            if not all(a is not None and a.keyword is None and not a.star and isinstance(a.value, cst.Name)
                       and a.value.value in self.tp.writer_names for a in args):
                continue
            ok = True
            for n in walk(fn.body):
                if isinstance(n, cst.Name) and n.value == p_.name.value:
                    attr = self.ctx.parent(n)
                    call_ = self.ctx.parent(attr) if isinstance(attr, cst.Attribute) else None
                    expr = self.ctx.parent(call_) if isinstance(call_, cst.Call) else None
                    if not (isinstance(attr, cst.Attribute) and attr.value is n and call_.func is attr
                            and attr.attr.value in WRITER_METHODS and isinstance(expr, cst.Expr)):
                        ok = False
                        break
            if ok:
                cp.session_param_nodes.append(p_)
                cp.session_args.extend(args)

    def _given_session_and_instance(self, fn: cst.FunctionDef, sess: str, inst: str) -> bool:
        """Is ``fn`` a module function taking both the session ``sess`` and the instance (the
        root name of ``inst``) as plain parameters (``def train(sess, model, steps)``)? Its runs
        are the program's when every call passes them (``_passed_instance_runs``, which says why
        not otherwise)."""
        if fn.decorators or isinstance(self.ctx.parent(self.ctx.parent(fn)), cst.ClassDef):
            return False
        names = {p_.name.value for p_ in fn.params.params}
        return sess in names and inst.split(".")[0] in names

    def _param_instances(self, cp: ClassProgram) -> None:
        """A module function given an instance of the class by every call, at one position, that
        opens a session of its own and runs it on that parameter's tensors (``def run_network(s,
        epochs, X): optim = opt.minimize(s.loss); with tf.Session() as session: ...`` called as
        ``run_network(model, 10, X)``): the parameter is an instance in that function's scope, as
        ``model = Net()`` in a ``main()`` is (its train op, session and runs are that scope's
        program). Not for a function that returns its session (``_owned_session_runs``), is given
        a session too (``_passed_instance_runs``), rebinds the parameter, or is read other than
        by calls."""
        from .tf1_program import SESSIONS

        if cp.why or not cp.instances:
            return
        inst_names = {(id(sc), n) for sc, n in cp.instances}
        for fn in self.ctx.module.body:
            if not isinstance(fn, cst.FunctionDef) or fn.decorators or fn.name.value in self.tp.session_functions:
                continue
            fscope = self.flow.scopes.get(id(fn))
            if fscope is None or not any(isinstance(n, cst.Call) and self.tp.qname(n) in SESSIONS
                                         and self.flow.scope_of(n) is fscope for n in walk(fn.body)):
                continue
            if not self._session_kept_inside(fn, fscope):
                continue
            refs = [n for n in walk(self.ctx.module) if isinstance(n, cst.Name) and n.value == fn.name.value
                    and n is not fn.name]
            calls = [self.ctx.parent(n) for n in refs]
            if not refs or any(not (isinstance(c, cst.Call) and c.func is n) for c, n in zip(calls, refs)):
                continue
            idx = None
            for c in calls:
                sc = self.flow.scope_of(c)
                if any(a.keyword is not None or a.star for a in c.args) or any(
                        isinstance(a.value, cst.Name) and a.value.value in self.tp.session_names for a in c.args):
                    idx = -1
                    break
                insts = [i for i, a in enumerate(c.args) if self._inst_read(sc, a.value, inst_names)]
                if len(insts) != 1 or idx not in (None, insts[0]):
                    idx = -1
                    break
                idx = insts[0]
            params = list(fn.params.params)
            if idx is None or idx < 0 or idx >= len(params):
                continue
            pname = params[idx].name.value
            if len(fscope.by_name.get(pname, ())) != 1 or (id(fscope), pname) in inst_names:
                continue  # rebound in the function
            cp.instances.append((fscope, pname))
            cp.param_instances.add(id(fscope))

    def _session_kept_inside(self, fn: cst.FunctionDef, fscope: ScopeFlow) -> bool:
        """The sessions ``fn`` opens (``sess = tf.Session()``, ``with tf.Session() as sess:``) are
        read only as ``sess.run`` / ``sess.close()`` / ``sess.as_default()`` inside it: none is
        returned or handed on (a caller running it would need the TF1 session)."""
        from .tf1_program import SESSIONS

        names = set()
        for n in walk(fn.body):
            if isinstance(n, cst.Call) and self.tp.qname(n) in SESSIONS and self.flow.scope_of(n) is fscope:
                p = self.ctx.parent(n)
                if isinstance(p, cst.Assign) and len(p.targets) == 1 and isinstance(p.targets[0].target, cst.Name):
                    names.add(p.targets[0].target.value)
                elif isinstance(p, cst.WithItem) and p.asname is not None and isinstance(p.asname.name, cst.Name):
                    names.add(p.asname.name.value)
                elif not isinstance(p, cst.WithItem):
                    return False
        for n in walk(fn.body):
            if isinstance(n, cst.Name) and n.value in names:
                p = self.ctx.parent(n)
                if isinstance(p, (cst.AssignTarget, cst.AsName)):
                    continue
                if not (isinstance(p, cst.Attribute) and p.value is n and p.attr.value in ("run", "close", "as_default")):
                    return False
        return True

    def _inst_read(self, sc: ScopeFlow, e: cst.BaseExpression, inst_names) -> bool:
        """``e`` (read in scope ``sc``) names an instance: one of ``sc`` itself, or of the module
        read as a global by a module function that binds no such name (``def main(): train(sess,
        model, ..)`` with ``model = Net()`` at module level)."""
        if not isinstance(e, cst.Name):
            return False
        if (id(sc), e.value) in inst_names:
            return True
        mod = self.flow.scopes.get(id(self.ctx.module))
        return mod is not None and isinstance(sc.node, cst.FunctionDef) and self.ctx.parent(sc.node) is self.ctx.module \
            and not sc.by_name.get(e.value) and (id(mod), e.value) in inst_names

    def _unmapped_given_instance_runs(self, cp: ClassProgram, fn, calls, inst_names) -> str:
        """A file function every call gives one instance of this class (same position) and no
        session, that runs a session on that parameter's tensors (a session of its own it does
        not return, a global one): those runs would not be translated with the class - why
        ("" when there are none)."""
        params = list(fn.params.params)
        if id(self.flow.scopes.get(id(fn))) in cp.param_instances:
            return ""  # its parameter is an instance of its own scope (_param_instances)
        idx = None
        for c in calls:
            sc = self.flow.scope_of(c)
            insts = [i for i, a in enumerate(c.args) if a.keyword is None and not a.star
                     and self._inst_read(sc, a.value, inst_names)]
            if any(isinstance(a.value, cst.Name) and a.value.value in self.tp.session_names for a in c.args):
                return ""  # given a session too: the run_epoch(model, session, ..) form
            if len(insts) != 1 or idx not in (None, insts[0]):
                return ""
            idx = insts[0]
        if idx is None or idx >= len(params):
            return ""
        pinst = params[idx].name.value
        for n in walk(fn.body):
            if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "run" \
                    and isinstance(n.func.value, cst.Name) and n.func.value.value in self.tp.session_names \
                    and any(self._inst_attr(x, pinst) is not None for x in walk(n)):
                return (f"{fn.name.value}() runs a session it is not given on {pinst}'s tensors (not one it "
                        "builds and returns)")
        return ""

    def _owned_session_runs(self, cp: ClassProgram, fn, fscope, calls, owned, attr_ops, inst_names) -> str:
        """A file function that builds its own session and returns it (TF1Program's
        session_functions), every call passing one instance of this class at the same position
        and no session: its runs become runs of that parameter (as for an instance); the session,
        its initializer runs and ``return session`` go, and the callers' ``sess = f(..)`` keep
        the call only (their later ``sess.run`` of the instance's tensors are the instance
        scope's runs). "" (also when no call passes an instance) or why it cannot be translated."""
        from .tf1_program import INITIALIZERS

        _, bind, ret, callers = owned
        params = list(fn.params.params)
        inst_idx = None
        for c in calls:
            sc = self.flow.scope_of(c)
            insts = [i for i, a in enumerate(c.args) if a.keyword is None and not a.star
                     and self._inst_read(sc, a.value, inst_names)]
            if not insts:
                if inst_idx is not None:
                    return f"{fn.name.value}() is called without an instance of {cp.name}"
                continue
            if len(insts) != 1 or inst_idx not in (None, insts[0]) or any(a.star for a in c.args):
                return f"{fn.name.value}() is given {cp.name} instances at different positions"
            inst_idx = insts[0]
        if inst_idx is None:
            return ""
        if inst_idx >= len(params) or params[inst_idx].star:
            return f"{fn.name.value}(): the instance is not passed to a plain parameter"
        pinst = params[inst_idx].name.value
        if any(d.index >= 0 for d in fscope.by_name.get(pinst, ())):
            return f"{fn.name.value}() rebinds {pinst}"
        sname = ret.body[0].value.value
        bind_target = bind.body[0].targets[0].target
        drop, runs = [bind, ret], []
        for n in walk(fn.body):
            if not (isinstance(n, cst.Name) and n.value == sname) or n is bind_target or n is ret.body[0].value:
                continue
            parent = self.ctx.parent(n)
            call_ = self.ctx.parent(parent) if isinstance(parent, cst.Attribute) else None
            if not (isinstance(parent, cst.Attribute) and parent.value is n and parent.attr.value in ("run", "close")
                    and isinstance(call_, cst.Call) and call_.func is parent):
                return f"{fn.name.value}() uses its session {sname} other than by {sname}.run / return {sname}"
            stmt = self.ctx.statement_of(call_)
            fetch = self._arg(call_, 0, "fetches")
            if parent.attr.value == "close" or (isinstance(fetch, cst.Call)
                                                and self.tp.qname(fetch) in INITIALIZERS):
                if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
                        and isinstance(stmt.body[0], cst.Expr) and stmt.body[0].value is call_):
                    return f"{fn.name.value}(): the result of {sname}.{parent.attr.value}() is used"
                drop.append(stmt)
                continue
            runs.append(call_)
        mapped = []
        for r in runs:
            run, why = self._run(cp, r, pinst, self._arg(r, 0, "fetches"), self._arg(r, 1, "feed_dict"),
                                 "session", attr_ops, set(), fscope)
            if run is None:
                return f"{fn.name.value}() runs its session on something other than {pinst}'s tensors"
            if why:
                return f"{fn.name.value}(): {why}"
            mapped.append(run)
        cp.runs.extend(mapped)
        cp.owned_session_stmts.extend(drop)
        cp.session_fn_callers.extend(callers)
        return ""

    def _unused_session_param(self, cp: ClassProgram) -> None:
        """A parameter of ``__init__`` every ``Class(...)`` call passes a session of the file to,
        and that __init__ never reads (the repository's ``sess`` accepted and ignored): it goes
        with those arguments, so nothing keeps the session alive."""
        if cp.why or "__init__" in cp.session_params:
            return
        init = self._methods(cp.node).get("__init__")
        if init is None or init.decorators:
            return
        params = list(init.params.params)
        calls = [n for n in walk(self.ctx.module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name)
                 and n.func.value == cp.name]
        if not calls:
            return
        for idx, p in enumerate(params[1:], start=1):
            pname = p.name.value
            if any(isinstance(n, cst.Name) and n.value == pname for n in walk(init.body)):
                continue
            args = []
            for c in calls:
                pos = [a for a in c.args if a.keyword is None]
                if any(a.star for a in c.args):
                    args = []
                    break
                arg = pos[idx - 1] if len(pos) >= idx else next(
                    (a for a in c.args if a.keyword is not None and a.keyword.value == pname), None)
                if arg is None or not (isinstance(arg.value, cst.Name) and arg.value.value in self.tp.session_names):
                    args = []
                    break
                args.append(arg)
            if args:
                cp.session_params["__init__"] = (pname, idx)
                cp.session_args.extend(args)
                return

    def _inst_attr(self, node, inst: str) -> str | None:
        """``inst.attr`` -> attr; ``inst.prop`` of a read-only ``@property`` returning
        ``self.attr`` (``def loss(self): return self._loss``) -> attr: the same object."""
        a = _self_attr(node, inst)
        if a is None:
            return None
        props = self.__dict__.get("_inst_props", {}).get(inst)
        return props.get(a, a) if props else a

    @staticmethod
    def properties(cls: cst.ClassDef) -> dict[str, str]:
        """Read-only properties of ``cls`` whose body is ``return self.<attr>``: prop -> attr.
        A property with a setter / deleter, or whose name is also assigned as an attribute,
        is left out."""
        out: dict[str, str] = {}
        blocked: set[str] = set()
        for st in cls.body.body:
            if not isinstance(st, cst.FunctionDef):
                continue
            decos = [d.decorator for d in st.decorators]
            if any(isinstance(d, cst.Attribute) and d.attr.value in ("setter", "deleter") for d in decos):
                blocked.add(st.name.value)
                continue
            if not (len(decos) == 1 and isinstance(decos[0], cst.Name) and decos[0].value == "property"):
                continue
            body = st.body.body if isinstance(st.body, cst.IndentedBlock) else ()
            stmts = [b for b in body if not (isinstance(b, cst.SimpleStatementLine) and len(b.body) == 1
                                              and isinstance(b.body[0], cst.Expr)
                                              and isinstance(b.body[0].value, cst.SimpleString))]
            params = st.params.params
            if len(stmts) != 1 or not isinstance(stmts[0], cst.SimpleStatementLine) or len(stmts[0].body) != 1 \
                    or not isinstance(stmts[0].body[0], cst.Return) or len(params) != 1:
                continue
            attr = _self_attr(stmts[0].body[0].value, params[0].name.value)
            if attr is not None and attr != st.name.value:
                out[st.name.value] = attr
        for n in walk(cls):
            if isinstance(n, cst.AssignTarget):
                a = _self_attr(n.target)
                if a is not None:
                    blocked.add(a)
        return {k: v for k, v in out.items() if k not in blocked}

    def _holders(self, cp: ClassProgram) -> None:
        """Classes of the file given an instance of ``cp`` and a session by their constructor
        (``ModelEvaluator(model, session)``) whose methods run the instance's tensors with that
        session: those runs join ``cp.runs`` (instance ``self.<attr>``), or ``cp.why`` says why not."""
        names = {inst for _, inst in cp.instances}
        for h in self._class_defs.values():
            if h.name.value in self.classes or h is cp.node or h in self._bases(cp.node):
                continue
            methods = {st.name.value: st for st in h.body.body if isinstance(st, cst.FunctionDef)}
            init = methods.get("__init__")
            if init is None or h.bases or init.params.star_arg is not cst.MaybeSentinel.DEFAULT \
                    or init.params.kwonly_params or init.params.star_kwarg is not None:
                continue
            params = [p_.name.value for p_ in init.params.params][1:]
            kept: dict[str, tuple[str, object]] = {}  # attr -> (param, statement)
            for st in init.body.body:
                small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Name) \
                        and small.value.value in params and _self_attr(small.targets[0].target) is not None:
                    kept[_self_attr(small.targets[0].target)] = (small.value.value, st)
            calls = [n for n in walk(self.ctx.module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name)
                     and n.func.value == h.name.value]
            if not calls or not kept:
                continue
            model_attr = sess_attr = None
            for attr, (pname, _) in kept.items():
                idx = params.index(pname)
                vals = []
                for c in calls:
                    pos = [a for a in c.args if a.keyword is None]
                    arg = pos[idx] if len(pos) > idx else next(
                        (a for a in c.args if a.keyword is not None and a.keyword.value == pname), None)
                    vals.append(arg if arg is not None and not arg.star and isinstance(arg.value, cst.Name) else None)
                if all(a is not None and a.value.value in names for a in vals):
                    model_attr = model_attr or attr
                elif all(a is not None and a.value.value in self.tp.session_names for a in vals):
                    sess_attr, sess_args = attr, vals
            if model_attr is None:
                continue
            if sess_attr is None:
                cp.why = cp.why or f"{h.name.value} is given a {cp.name} without a session of this file"
                continue
            pname, sess_stmt = kept[sess_attr]
            scope_i = self.flow.scopes.get(id(init))
            if scope_i is None or len(self._local_reads(scope_i, pname)) != 1 \
                    or len(self._local_reads(scope_i, kept[model_attr][0])) != 1:
                cp.why = cp.why or f"{h.name.value}.__init__ uses its session or model other than by storing them"
                continue
            inst = f"self.{model_attr}"
            attr_ops = {t.method.attr for t in cp.train_ops if t.method is not None and t.method.attr}
            before = len(cp.runs)
            for m in methods.values():
                scope = self.flow.scopes.get(id(m))
                for n in walk(m.body):
                    if _self_attr(n) == sess_attr and not isinstance(self.ctx.parent(n), cst.AssignTarget):
                        parent = self.ctx.parent(n)
                        c = self.ctx.parent(parent) if isinstance(parent, cst.Attribute) and parent.value is n \
                            else None
                        if not (isinstance(c, cst.Call) and parent.attr.value == "run" and c.func is parent
                                and scope is not None and self.flow.scope_of(c) is scope):
                            cp.why = cp.why or f"{h.name.value} uses self.{sess_attr} other than by its runs"
                            continue
                        run, why = self._run(cp, c, inst, self._arg(c, 0, "fetches"), self._arg(c, 1, "feed_dict"),
                                             "session", attr_ops, set(), scope)
                        if run is None:
                            why = why or f"{h.name.value} runs something other than {cp.name}'s tensors"
                        cp.why = cp.why or why
                        if run is not None:
                            cp.runs.append(run)
                    elif _self_attr(n) == model_attr and not isinstance(self.ctx.parent(n), cst.AssignTarget):
                        parent = self.ctx.parent(n)
                        if not (isinstance(parent, cst.Attribute) and parent.value is n):
                            cp.why = cp.why or f"{h.name.value} uses self.{model_attr} other than by its tensors"
            if any(r.train for r in cp.runs[before:]):
                cp.why = cp.why or f"{h.name.value} runs a training step"
            if not all(t.method is not None and t.method.attr for t in cp.train_ops):
                cp.why = cp.why or f"{h.name.value} cannot reach the train op (not an attribute of {cp.name})"
            cp.session_stmts.append(sess_stmt)
            cp.session_args.extend(sess_args)
            cp.holder_params.append(next(p_ for p_ in init.params.params if p_.name.value == pname))

    def _attr_aliases(self, cp: ClassProgram, scope: ScopeFlow, inst: str) -> None:
        """``loss = model.loss`` in the scope running the instance (``train_net()`` of many
        scripts), then ``opt.minimize(loss)`` / ``sess.run([train_op, loss], ..)``: a name bound
        ONCE, to an attribute of the instance, and bound nowhere else in the module, is that
        attribute (the same tensor object). The statement stays: it reads the Keras tensor the
        attribute still holds."""
        for name, defs in scope.by_name.items():
            if len(defs) != 1 or defs[0].index < 0 or name in cp.loss_aliases:
                continue
            d = defs[0]
            small = d.stmt.body[0] if isinstance(d.stmt, cst.SimpleStatementLine) and len(d.stmt.body) == 1 else None
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and small.value is d.value
                    and isinstance(small.targets[0].target, cst.Name)):
                continue
            attr = self._inst_attr(d.value, inst)
            if attr is None or any(s_ is not scope and s_.by_name.get(name) for s_ in self.flow.scopes.values()):
                continue
            cp.loss_aliases[name] = attr

    def _scope_program(self, cp: ClassProgram, scope: ScopeFlow, inst: str) -> None:
        ctx = self.ctx
        self._attr_aliases(cp, scope, inst)
        for node in walk(scope.node):
            if not isinstance(node, cst.Call) or self.flow.scope_of(node) is not scope:
                continue
            f = node.func
            mo_ = next((x for x in cp.method_ops if not x[2].attr and self._inst_attr(f, inst) == x[2].method), None)
            if mo_ is not None:  # loss, train = inst.train_model()
                stmt_, _, mo = mo_
                parent = ctx.parent(node)
                t = parent.targets[0].target if isinstance(parent, cst.Assign) and len(parent.targets) == 1 else None
                ts = [e.value for e in t.elements] if isinstance(t, (cst.Tuple, cst.List)) else [t]
                if t is None or len(ts) != len(mo.returns) or not all(isinstance(x, cst.Name) for x in ts):
                    cp.why = cp.why or f"{inst}.{mo.method}() result not unpacked into names"
                    continue
                key = _self_attr(mo.loss_node) or f"{mo.method}.{mo.loss_node.value}"
                op_name = None
                for tn, rn in zip(ts, mo.returns):
                    if rn == mo.local:
                        op_name = tn.value
                    elif isinstance(mo.loss_node, cst.Name) and rn == mo.loss_node.value:
                        cp.loss_aliases[tn.value] = key
                cp.train_ops.append(ClassTrainOp(op_name, stmt_, mo_[1], inst, key, mo))
                continue
            extra = []
            if isinstance(f, cst.Attribute) and f.attr.value == "apply_gradients":
                # gv = opt.compute_gradients(inst.loss); op = opt.apply_gradients(gv[, global_step=]):
                # minimize() in two steps (nothing done to the gradients in between)
                gv = self._arg(node, 0, "grads_and_vars")
                defs = scope.by_name.get(gv.value, ()) if isinstance(gv, cst.Name) else ()
                cg = defs[0].value if len(defs) == 1 else None
                if not (isinstance(cg, cst.Call) and isinstance(cg.func, cst.Attribute)
                        and cg.func.attr.value == "compute_gradients" and isinstance(f.value, cst.Name)
                        and isinstance(cg.func.value, cst.Name) and cg.func.value.value == f.value.value
                        and len(cg.args) == 1):
                    self._outside_clipped_step(cp, scope, node, inst)
                    continue
                loss = self._arg(cg, 0, "loss")
                if self._inst_attr(loss, inst) is None:
                    continue
                reads = [x for x in self._local_reads(scope, gv.value)
                         if not (isinstance(self.ctx.parent(x), cst.For) and self.ctx.parent(x).iter is x
                                 and self.tp.summary_loop(self.ctx.parent(x)))]  # a TensorBoard loop: TFM142's
                if len(reads) != 1:
                    cp.why = cp.why or f"the gradients {gv.value} are read besides apply_gradients"
                    continue
                extra = [defs[0].stmt]
            if isinstance(f, cst.Attribute) and f.attr.value in ("minimize", "apply_gradients") \
                    and (f.attr.value == "minimize" or extra):
                loss = self._arg(node, 0, "loss") if not extra else loss
                attr = self._inst_attr(loss, inst) if loss is not None else None
                if attr is None and isinstance(loss, cst.Name) and scope.by_name.get(loss.value):
                    attr = cp.loss_aliases.get(loss.value)  # loss = model.loss; opt.minimize(loss)
                if attr is None:
                    continue
                parent = ctx.parent(node)
                owned = cp.owner is not None and inst == f"self.{cp.owner[1]}"
                if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1
                        and (isinstance(parent.targets[0].target, cst.Name)
                             or (owned and _self_attr(parent.targets[0].target) is not None))):
                    cp.why = cp.why or "minimize() result not assigned to a name"
                    continue
                if len(node.args) > 1 and not all(default_minimize_arg(self.tp.qname, a) for a in node.args[1:]):
                    cp.why = cp.why or minimize_args_why(node.args[1:])
                t_ = parent.targets[0].target
                # the owner's ``self.train_step = opt.minimize(self.net.loss)``: named by its attribute
                cp.train_ops.append(ClassTrainOp(t_.value if isinstance(t_, cst.Name) else f"self.{_self_attr(t_)}",
                                                 ctx.statement_of(node), node, inst, attr, extra=extra))
                self._scope_step(cp, scope, node)
        built = None
        for stmt_, call_, mo in cp.method_ops:  # self.train_op = ...: one train op per instance building it
            if mo.attr:  # self.attr = the op (or the method returning it): the instances that run that method
                built = self._reached(cp, self._inst_methods(scope, inst)) if built is None else built
                if mo.method not in built:
                    continue
            if mo.attr:
                key = _self_attr(mo.loss_node) or f"{mo.method}.{mo.loss_node.value}"
                cp.train_ops.append(ClassTrainOp(None, stmt_, call_, inst, key, mo))
        ops = {t.name for t in cp.train_ops if t.instance == inst}
        attr_ops = {t.method.attr for t in cp.train_ops if t.instance == inst and t.method is not None
                    and t.method.attr}
        for node in walk(scope.node):
            if not isinstance(node, cst.Call):
                continue
            f = node.func
            if not isinstance(f, cst.Attribute):
                continue
            run_scope = scope
            if self.flow.scope_of(node) is not scope:
                # a function nested in this scope that runs the session and the instance it closes
                # over (``def train_step(x1, x2, y): ... sess.run([train_op, model.loss], feed_dict)``
                # of many training scripts): its runs are the program's, mapped in that function
                sess_node = f.value if f.attr.value == "run" else None
                if f.attr.value == "eval" and self._inst_attr(f.value, inst) is not None:
                    # ``emb = model.out.eval(session=sess, feed_dict=..)`` in main(): a run of that session
                    sess_node = self._arg(node, 1, "session") or self._default_session(node)
                    if not (isinstance(sess_node, cst.Name) and sess_node.value in self.tp.session_names):
                        cp.why = cp.why or ("an .eval() of the instance's tensor in a function, not given "
                                            "its session by name")
                        continue
                if not (isinstance(sess_node, cst.Name)
                        and sess_node.value in self.tp.session_names
                        and any(self._inst_attr(n, inst) is not None
                                or (isinstance(n, cst.Name) and (n.value in ops or n.value in cp.loss_aliases)
                                    and not self.flow.scope_of(node).by_name.get(n.value))
                                for n in walk(node))):
                    continue  # (``sess.run([loss, train_op], ..)`` of ``loss, train_op = inst.train_model()``)
                fs = self.flow.scope_of(node).node
                if id(self.flow.scope_of(node)) in cp.param_instances:
                    continue  # a function given the instance, opening its own session: its own scope's program
                if isinstance(fs, cst.FunctionDef) and self.tp.session_functions.get(fs.name.value, (None,))[0] is fs \
                        and any(p_.name.value == inst.split(".")[0] for p_ in fs.params.params):
                    continue  # a function given the instance, owning its session: _owned_session_runs
                if isinstance(fs, cst.FunctionDef) and self._given_session_and_instance(fs, sess_node.value, inst):
                    continue  # ``train(sess, model, ..)`` given both: _passed_instance_runs maps its runs
                run_scope = self._closure(scope, node, (sess_node.value, inst.split(".")[0])) \
                    or self._own_session_function(cp, scope, node, sess_node.value, inst.split(".")[0])
                if run_scope is None:
                    cp.why = cp.why or ("a sess.run in a function nested in the scope using it, which "
                                        "binds the session or the instance itself")
                    continue
            if f.attr.value == "run" and isinstance(f.value, cst.Name) and f.value.value in self.tp.session_names:
                fetches, feed, method = self._arg(node, 0, "fetches"), self._arg(node, 1, "feed_dict"), "session"
            elif f.attr.value == "eval" and self._inst_attr(f.value, inst) is not None:
                fetches, feed, method = f.value, self._arg(node, 0, "feed_dict"), "eval"
            elif f.attr.value == "run" and isinstance(f.value, cst.Name) and f.value.value in ops:
                # ``train_step.run(feed_dict=..)``: Operation.run in the default session (TF's tutorials)
                fetches, feed, method = f.value, self._arg(node, 0, "feed_dict"), "eval"
            else:
                continue
            run, why = self._run(cp, node, inst, fetches, feed, method, attr_ops, ops, run_scope)
            cp.why = cp.why or why
            if run is not None:
                cp.runs.append(run)
        for name in cp.scope_steps:
            cp.why = cp.why or self._scope_step_reads(cp, name)

    def _default_session(self, node: cst.CSTNode) -> cst.Name | None:
        """The ``sess`` of the innermost ``with tf.Session() as sess:`` around ``node`` in its
        function (the default session a ``t.eval(feed_dict=..)`` there runs in), else None."""
        from .tf1_program import SESSIONS

        n = self.ctx.parent(node)
        while n is not None and not isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            if isinstance(n, cst.With):
                for item in n.items:
                    if isinstance(item.item, cst.Call) and self.tp.qname(item.item) in SESSIONS \
                            and item.asname is not None and isinstance(item.asname.name, cst.Name):
                        return item.asname.name
                if any(isinstance(item.item, cst.Call) and isinstance(item.item.func, cst.Attribute)
                       and item.item.func.attr.value == "as_default" for item in n.items):
                    return None  # another graph / session made the default inside
            n = self.ctx.parent(n)
        return None

    def _outside_clipped_step(self, cp: ClassProgram, scope: ScopeFlow, node: cst.Call, inst: str) -> None:
        """``tvars = tf.trainable_variables()``; ``grads, _ = tf.clip_by_global_norm(
        tf.gradients(inst.loss, tvars), c)``; ``op = opt.apply_gradients(zip(grads, tvars)[,
        global_step=g])`` outside the class (atec-nlp's / the text-CNN tutorials' train()): the
        instance's loss minimised with the gradients' global norm clipped at c - the Keras
        optimizer's ``global_clipnorm``. The statements computing the gradients go with the op
        when nothing else reads what they bind (a gradient-summary loop over ``zip(grads,
        tvars)`` keeps them: not taken)."""
        op = self.tp._apply_gradients(None, scope, node, inst=inst)
        if op is None or op.name is None or not isinstance(op.optimizer, cst.Name) \
                or not op.loss.startswith(f"{inst}.") or op.loss_index is not None:
            return
        if op.clip is not None and op.clip[0] != "global_clipnorm":
            return
        if any(a.keyword is not None and a.keyword.value not in ("global_step", "name") for a in node.args[1:]):
            return
        inside = {id(x) for st in (*op.extra, op.statement) for x in walk(st)}
        for loop in walk(scope.node):
            # ``for g, v in zip(grads, tvars): <summaries only>``: a TensorBoard loop TFM142 removes
            if isinstance(loop, cst.For) and self.tp.gradient_summary_loop(loop):
                inside.update(id(a.value) for a in loop.iter.args)
        for st in op.extra:
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            if not isinstance(small, cst.Assign):
                return
            for t in small.targets:
                for name in target_names(t.target):
                    if name != "_" and any(id(r) not in inside for r in self._local_reads(scope, name)):
                        return  # the gradients (or tvars) are read elsewhere: they stay TF1's
        attr = op.loss.split(".", 1)[1]
        cp.train_ops.append(ClassTrainOp(op.name, op.statement, node, inst, attr, extra=list(op.extra),
                                         clip=op.clip))
        self._scope_step(cp, scope, node)

    def _scope_step(self, cp: ClassProgram, scope: ScopeFlow, n: cst.Call) -> None:
        """``minimize(loss, global_step=g)`` with ``g = tf.Variable(<int>, trainable=False[, name=])``
        bound once in this scope: a counter of the train op's updates (``cp.scope_steps``)."""
        from .step_counter import _number

        g = self._arg(n, 1, "global_step")
        if not isinstance(g, cst.Name) or g.value == "None":
            return
        defs = scope.by_name.get(g.value, ())
        v = defs[0].value if len(defs) == 1 else None
        if not (isinstance(v, cst.Call) and self.tp.qname(v) == "tensorflow.Variable"
                and literal(self._arg(v, 1, "trainable"), None) is False):
            return
        start = _number(self._arg(v, 0, "initial_value"))
        if not isinstance(start, int) or any(a.keyword is not None and a.keyword.value not in (
                "initial_value", "trainable", "name") for a in v.args) or len(v.args) > 3:
            cp.why = cp.why or "a step counter that is not tf.Variable(<int>, trainable=False, name=...)"
            return
        cp.scope_steps[g.value] = (defs[0].stmt, start, n)

    def _scope_step_reads(self, cp: ClassProgram, name: str) -> str:
        """Why the scope's step counter ``name`` cannot become the optimizer's iterations ("" if it can)."""
        stmt_, _, minimize = cp.scope_steps[name]
        fetched = {id(e) for r in cp.runs
                   for e in ([el.value for el in r.call.args[0].value.elements]
                             if r.fetch_is_list and isinstance(r.call.args[0].value, (cst.List, cst.Tuple)) else [])}
        for node in walk(self.ctx.module):
            if not (isinstance(node, cst.Name) and node.value == name):
                continue
            parent = self.ctx.parent(node)
            if (isinstance(parent, cst.Attribute) and parent.attr is node) or (
                    isinstance(parent, cst.Arg) and parent.keyword is node):
                continue
            if isinstance(parent, cst.AssignTarget) and self.ctx.statement_of(node) is stmt_:
                continue
            if id(node) in fetched:
                continue
            if isinstance(parent, cst.Arg) and self.ctx.parent(parent) is minimize:
                continue
            c = self.ctx.parent(parent) if isinstance(parent, cst.Arg) else None
            if isinstance(c, cst.Call) and self.tp.qname(c) == "tensorflow.train.global_step" \
                    and len(c.args) == 2 and c.args[1] is parent:
                continue
            if isinstance(c, cst.Call) and self._scope_decay(cp, name, c, parent):
                continue
            if isinstance(c, cst.Call) and self.tp.qname(c) in ("tensorflow.summary.scalar",
                                                                 "tensorflow.summary.histogram") \
                    and len(c.args) >= 2 and c.args[1] is parent:
                # ``tf.summary.scalar('step', global_step)`` as a statement of its own: merged into
                # merge_all(), which goes with its add_summary (TFM142)
                small = self.ctx.statement_of(c)
                if isinstance(small, cst.SimpleStatementLine) and len(small.body) == 1 \
                        and isinstance(small.body[0], cst.Expr) and small.body[0].value is c:
                    continue
            return f"the step counter {name} is read other than as a fetch of a run or by tf.train.global_step"
        return ""

    def _scope_decay(self, cp: ClassProgram, name: str, c: cst.Call, arg: cst.Arg) -> bool:
        """``lr = tf.train.exponential_decay(base, g, decay_steps, rate[, staircase])`` of the
        scope's step counter ``g`` (counting from 0), ``lr`` bound once in g's scope and read only
        as the learning rate of the optimizer whose ``minimize`` / ``apply_gradients(..,
        global_step=g)`` counts g (or the decay written as that argument itself): the rate TF1
        read at the n-th update is the schedule at n - TFM133's ExponentialDecay, a schedule of
        the Keras optimizer's iterations, which count the same updates (atec-nlp's / the text-CNN
        tutorials' train())."""
        from .tf1_program import _arg

        stmt_, start, minimize = cp.scope_steps[name]
        if start != 0 or self.tp.qname(c) != "tensorflow.train.exponential_decay" or not (
                (arg.keyword is None and list(c.args).index(arg) == 1)
                or (arg.keyword is not None and arg.keyword.value == "global_step")):
            return False
        if any(a.star for a in c.args):
            return False
        scope = self.flow.scope_of(stmt_)
        if self.flow.scope_of(c) is not scope or not isinstance(minimize.func, cst.Attribute):
            return False
        opt = minimize.func.value
        if isinstance(opt, cst.Name):  # optimizer = tf.train.AdamOptimizer(lr); optimizer.minimize(..)
            od = scope.by_name.get(opt.value, ())
            opt = od[0].value if len(od) == 1 else None
        if not (isinstance(opt, cst.Call) and (self.tp.qname(opt) or "").startswith("tensorflow.train.")
                and (self.tp.qname(opt) or "").endswith("Optimizer")):
            return False
        lr = _arg(opt, 0, "learning_rate")
        if lr is c:
            return True
        parent = self.ctx.parent(c)
        small = self.ctx.parent(parent) if isinstance(parent, cst.Assign) else None
        if not (isinstance(parent, cst.Assign) and parent.value is c and len(parent.targets) == 1
                and isinstance(parent.targets[0].target, cst.Name) and isinstance(small, cst.SimpleStatementLine)
                and len(small.body) == 1):
            return False
        t = parent.targets[0].target.value
        if len(scope.by_name.get(t, ())) != 1 or not (isinstance(lr, cst.Name) and lr.value == t):
            return False
        reads = self._local_reads(scope, t)
        return len(reads) == 1 and reads[0] is lr

    def _own_session_function(self, cp: ClassProgram, scope: ScopeFlow, node: cst.CSTNode, sess: str,
                              inst: str) -> ScopeFlow | None:
        """``def main(): sess = tf.Session() ..; sess.run(model.train_op, ..)`` (or ``with
        tf.Session() as sess:``): a module function (no decorator) reading the MODULE's instance
        ``inst`` as a global and running it in a session of its own - every binding of ``sess``
        there a new session, none of ``inst`` (its scope joins ``cp.session_scopes``: the session,
        its initializer runs and ``close()`` go as in the instance's scope). None otherwise."""
        from .tf1_program import SESSIONS

        inner = self.flow.scope_of(node)
        fn = inner.node
        if not (scope.node is self.ctx.module and isinstance(fn, cst.FunctionDef) and not fn.decorators
                and self.ctx.parent(fn) is self.ctx.module):
            return None
        defs = inner.by_name.get(sess, ())
        if inner.by_name.get(inst) or not defs or not all(
                d.index >= 0 and isinstance(d.value, cst.Call) and self.tp.qname(d.value) in SESSIONS for d in defs):
            return None
        if all(fn is not x for x in cp.session_scopes):
            cp.session_scopes.append(fn)
        return inner

    def _closure(self, scope: ScopeFlow, node: cst.CSTNode, names: tuple[str, ...]) -> ScopeFlow | None:
        """The scope of ``node``, a function nested (at any depth, no class or lambda between)
        in ``scope`` that reads ``names`` from it without binding them anywhere on the way."""
        inner = self.flow.scope_of(node)
        s = inner
        while s is not scope:
            if not isinstance(s.node, cst.FunctionDef) or any(s.by_name.get(n) for n in names):
                return None
            p = self.ctx.parent(s.node)
            while p is not None and id(p) not in self.flow.scopes:
                if isinstance(p, (cst.ClassDef, cst.Lambda)):
                    return None
                p = self.ctx.parent(p)
            if p is None:
                return None
            s = self.flow.scopes[id(p)]
        return inner

    def _run(self, cp: ClassProgram, node: cst.Call, inst: str, fetches, feed, method: str, attr_ops: set,
             ops: set, scope: ScopeFlow):
        """(the ClassRun of ``node`` or None when it runs nothing of the class, why it cannot be
        mapped or "")."""
        ctx = self.ctx
        why = ""
        if isinstance(fetches, cst.Name) and scope is not None:  # fetches = [m.loss, m.op]; sess.run(fetches, ...)
            d = self._feed_def(cp, scope, fetches, node, (cst.List, cst.Tuple))
            if isinstance(d, (cst.List, cst.Tuple)) and any(self._inst_attr(e.value, inst) is not None
                                                           for e in d.elements):
                fetches = d
            elif d is not fetches:
                cp.feed_defs.pop(id(self.ctx.statement_of(d)), None)
        elems = [e.value for e in fetches.elements] if isinstance(fetches, (cst.List, cst.Tuple)) else [fetches]
        out = []
        rate_sets = {op: cr.attr for cr in cp.rates for op in cr.assigns}
        for e in elems:
            a = self._inst_attr(e, inst)
            if a is not None and a in rate_sets:
                out.append(("rate_set", rate_sets[a]))  # the PTB rate's assign op (_rate_runs)
            elif a is not None and any(a == cr.attr for cr in cp.rates):
                out.append(("rate", a))  # the PTB rate variable read
            elif a is not None and a in attr_ops:
                out.append(("op", a))
            elif a is not None and a in cp.summary_attrs:
                out.append(("summary", a))  # merge_all() attribute: dropped with its add_summary (TFM142)
            elif a is not None and a in cp.numerics_attrs:
                out.append(("numerics", a))  # tf.add_check_numerics_ops(): a check after the step (TFM186)
            elif a is not None and a in cp.norm_attrs:
                out.append(("norm", a))  # tf.global_norm of the applied gradients: recorded by the step
            elif a is not None:  # self.loss_op = self.get_loss(): the train op's loss
                out.append(("attr", cp.loss_attr_alias.get(a, a)))
            elif isinstance(e, cst.Name) and e.value in ops:
                out.append(("op", e.value))
            elif _self_attr(e) is not None and f"self.{_self_attr(e)}" in ops:
                out.append(("op", f"self.{_self_attr(e)}"))  # the owner's train op attribute
            elif isinstance(e, cst.Name) and e.value in cp.loss_aliases:
                out.append(("attr", cp.loss_aliases[e.value]))
            elif isinstance(e, cst.Name) and e.value in cp.scope_steps:
                out.append(("step", e.value))
            elif isinstance(e, cst.Name) and e.value in self.tp.summary_names:
                out.append(("summary", e.value))  # merge_all(): dropped with its add_summary (TFM142)
            else:
                out.append(None)
        if not any(o is not None for o in out):
            return None, ""  # a run of something else
        run = ClassRun(node, ctx.statement_of(node), inst, out, isinstance(fetches, (cst.List, cst.Tuple)), {},
                       method, any(o is not None and o[0] == "op" for o in out))
        if any(o is None for o in out):
            why = why or f"a run fetches something other than {inst}.<tensor> or its train op"
        # a learning-rate schedule attribute is read from the optimizer in a training run (TFM144);
        # fetched anywhere else it has no tensor to evaluate
        fetches_schedule = any(o is not None and o[0] == "attr" and o[1] in self._schedule_attrs(cp) for o in out)
        if fetches_schedule and (method != "session" or not any(o is not None and o[0] == "op" for o in out)):
            why = why or (f"a run outside training fetches {inst}.<learning-rate schedule> (a Keras "
                          "schedule object, not a tensor of the model)")
        stmt_ = ctx.statement_of(node)
        small = stmt_.body[0] if isinstance(stmt_, cst.SimpleStatementLine) and len(stmt_.body) == 1 else None
        t = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
        if isinstance(t, (cst.Tuple, cst.List)) and small.value is node and len(t.elements) == len(out):
            for el, o in zip(t.elements, out):
                if o is not None and o[0] == "op" and isinstance(el.value, cst.Name) \
                        and el.value.value != "_" and self._read(el.value.value):
                    why = why or f"{el.value.value} (what the train op evaluated to) is read"
        if isinstance(feed, cst.Name):  # feed = {inst.x: ...}; sess.run(..., feed_dict=feed)
            name = feed
            feed = self._feed_def(cp, scope, feed, node)
            keyed = self._branch_feeds(cp, scope, name, node, inst) if feed is name else None
            if keyed is not None:
                for a, same in keyed.items():
                    # a literal every branch feeds (a keep probability, a training flag) is the run's
                    run.feeds[a] = same if same is not None else cst.Subscript(
                        name, [cst.SubscriptElement(cst.Index(cst.SimpleString(f'"{a}"')))])
                return run, why
        if feed is not None:
            if not isinstance(feed, cst.Dict):
                why = why or "feed_dict is not a dict literal"
            else:
                for el in feed.elements:
                    a = self._inst_attr(el.key, inst) if isinstance(el, cst.DictElement) else None
                    if a is None or (a not in cp.placeholders and not any(a == cr.placeholder for cr in cp.rates)):
                        why = why or "feed_dict key is not a placeholder attribute"
                        continue
                    run.feeds[a] = el.value
        return run, why

    def _scoped_var_list(self, m: cst.FunctionDef, scope, call: cst.Call, a: cst.Arg):
        """``minimize(loss, var_list=V)`` where V (inline, or a name bound once in the method to it)
        is ``tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='S')`` /
        ``tf.trainable_variables(scope='S')`` and every trainable variable of the file is created
        under ``variable_scope('S')`` in this method (each layer / get_variable call - or call of a
        function that creates some - sits, outermost, in such a block): V is every trainable
        variable, TF1's default. True (inline), the statement binding V (it goes with the train
        op), or None."""
        from .tf1_program import _PARAM_PREFIXES, _VARIABLE_CALLS

        if a.keyword is None or a.keyword.value != "var_list":
            return None
        v, stmt = a.value, True
        if isinstance(v, cst.Name):
            defs = scope.by_name.get(v.value, ())
            if len(defs) != 1 or not isinstance(defs[0].value, cst.Call):
                return None
            reads = [x for x in walk(m.body) if isinstance(x, cst.Name) and x.value == v.value
                     and not isinstance(self.ctx.parent(x), cst.AssignTarget)
                     and not (isinstance(self.ctx.parent(x), cst.Arg) and self.ctx.parent(x).keyword is x)]
            if reads != [v]:
                return None
            v, stmt = defs[0].value, defs[0].stmt
            if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
                return None
        if not isinstance(v, cst.Call):
            return None
        q = self.tp.qname(v)
        sc = self._arg(v, 1 if q == "tensorflow.get_collection" else 0, "scope")
        if q == "tensorflow.get_collection":
            key = self._arg(v, 0, "key")
            if key is None or self.ctx.legacy_name(key) != "tensorflow.GraphKeys.TRAINABLE_VARIABLES":
                return None
        elif q != "tensorflow.trainable_variables":
            return None
        name = literal(sc, None) if sc is not None else None
        if not isinstance(name, str) or not name or len(v.args) > 2:
            return None
        fns = self.tp.trainable_functions()
        for c in walk(self.ctx.module):
            if not isinstance(c, cst.Call):
                continue
            cq = self.tp.qname(c) or ""
            fname = c.func.attr.value if isinstance(c.func, cst.Attribute) else (
                c.func.value if isinstance(c.func, cst.Name) else "")
            if cq in _VARIABLE_CALLS:
                tr = self._arg(c, 99, "trainable")
                if tr is not None and literal(tr, None) is False:
                    continue  # a step counter
            elif not (cq.startswith(_PARAM_PREFIXES) or (not cq and fname in fns)):
                continue
            if cq.startswith("tflearn.") and not cq.startswith("tflearn.layers."):
                return None
            fn = self.ctx.parent(c)
            while fn is not None and not isinstance(fn, cst.FunctionDef):
                fn = self.ctx.parent(fn)
            if fn is not None and fn is not m and fn.name.value in fns:
                continue  # inside a creating function: its call sites decide
            if fn is not m:
                return None  # created elsewhere (another method, a function, the module)
            outer = None
            node = self.ctx.parent(c)
            while node is not None and node is not m:
                if isinstance(node, cst.With):
                    outer = node
                node = self.ctx.parent(node)
            item = outer.items[0].item if outer is not None and len(outer.items) == 1 else None
            if not (isinstance(item, cst.Call) and self.tp.qname(item) == "tensorflow.variable_scope"
                    and literal(self._arg(item, 0, "name_or_scope"), None) == name):
                return None
        return stmt

    _SCHEDULES = ("tensorflow.train.exponential_decay", "tensorflow.train.polynomial_decay",
                  "tensorflow.train.piecewise_constant", "tensorflow.train.inverse_time_decay",
                  "tensorflow.train.natural_exp_decay", "tensorflow.train.cosine_decay",
                  "tensorflow.train.cosine_decay_restarts", "tensorflow.train.linear_cosine_decay",
                  "tensorflow.train.noisy_linear_cosine_decay")

    def schedule_attrs(self, cp: ClassProgram) -> set[str]:
        return self._schedule_attrs(cp)

    def _schedule_attrs(self, cp: ClassProgram) -> set[str]:
        """Attributes the class sets to a tf.train.*_decay of a step (``self.lr =
        tf.train.exponential_decay(...)``): Keras schedules after translation."""
        cache = self.__dict__.setdefault("_schedules", {})
        if id(cp) not in cache:
            out = set()
            for n in walk(cp.node):
                if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.value, cst.Call) \
                        and self.ctx.legacy_name(n.value) in self._SCHEDULES:
                    a = _self_attr(n.targets[0].target)
                    if a is not None:
                        out.add(a)
            cache[id(cp)] = out
        return cache[id(cp)]

    def _within(self, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
        while node is not None:
            if node is outer:
                return True
            node = self.ctx.parent(node)
        return False

    def _read(self, name: str) -> bool:
        """``name`` is read somewhere in the file (not only assigned)."""
        from ..analysis.flow import target_names
        from ..cstcache import walk

        stored = set()
        for node in walk(self.ctx.module):
            targets = node.targets if isinstance(node, cst.Assign) else [node] if isinstance(
                node, (cst.AssignTarget, cst.For)) else []
            for t in targets:
                tn = t.target
                stored |= {id(n) for n in walk(tn) if isinstance(n, cst.Name) and n.value in target_names(tn)}
        for node in walk(self.ctx.module):
            if isinstance(node, cst.Name) and node.value == name and id(node) not in stored:
                parent = self.ctx.parent(node)
                if isinstance(parent, cst.Attribute) and parent.attr is node:
                    continue
                if isinstance(parent, cst.Arg) and parent.keyword is node:
                    continue
                return True
        return False

    def _feed_def(self, cp: ClassProgram, scope: ScopeFlow, feed: cst.Name, run: cst.Call, kinds=(cst.Dict,)):
        """The dict literal a feed_dict name is bound to (``kinds``: the list of a fetches name),
        when the values it reads are still the same at the run (nothing rebinds them in between);
        else the name itself."""
        defs = scope.by_name.get(feed.value, ())
        d = self.flow.def_of(feed.value, run)
        value = d.value if d is not None else None
        if kinds == (cst.Dict,) and isinstance(value, cst.Call):
            value = self._feed_method_dict(cp, value)
        if value is None or not isinstance(value, kinds):
            return feed
        if len(defs) != 1 and not self._runs_before(d.stmt, run):
            return feed  # bound several times: only the one binding every path to the run passes
        _, idx = self.flow.index_of(run)
        reads_ = load_names(d.value)
        if d.index >= idx or any(x.index > d.index and x.index <= idx for n in reads_
                                 for x in scope.by_name.get(n, ())):
            return feed
        cp.feed_defs[id(d.stmt)] = feed.value
        return value

    def _feed_method_dict(self, cp: ClassProgram, call: cst.Call) -> cst.Dict | None:
        """``feed = self.create_feed_dict(a, b, labels_batch=y, dropout=0.5)`` (the CS224n model
        classes): a method of the class whose body builds a dict of its placeholders from its
        parameters - ``feed = {self.x: p, ...}``, ``feed[self.y] = q`` / ``feed.update({...})``,
        optionally under ``if q is not None:`` - and returns it. The dict the call returns,
        with the call's arguments in place (``self`` -> the receiver): a branch ``if q is not
        None`` is taken unless ``q`` is None there (the default, or a literal None; any other
        argument counts as given - a run fetching what it feeds would fail in TF1 without it).
        None when the method is not of that form."""
        f = call.func
        if not (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name)) or any(a.star for a in call.args):
            return None
        method = self._methods(cp.node).get(f.attr.value)
        if method is None or method.asynchronous is not None or method.decorators \
                or not isinstance(method.body, cst.IndentedBlock):
            return None
        ps = method.params
        if ps.star_arg is not cst.MaybeSentinel.DEFAULT or ps.star_kwarg is not None or ps.kwonly_params \
                or ps.posonly_params or not ps.params or ps.params[0].name.value != "self":
            return None
        params = ps.params[1:]
        names = [p.name.value for p in params]
        bound = self.flow.call_bindings(method, call, 1)
        if bound is None:
            return None
        for p in params:
            if p.name.value not in bound:
                if p.default is None:
                    return None
                bound[p.name.value] = p.default
        body = list(method.body.body)
        if body and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1 \
                and isinstance(body[0].body[0], cst.Expr) and isinstance(body[0].body[0].value, cst.SimpleString):
            body = body[1:]  # the docstring
        if not body:
            return None
        last = body[-1]
        ret = last.body[0] if isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1 else None
        if not isinstance(ret, cst.Return):
            return None
        elements: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []

        def add(key, value) -> bool:
            if _self_attr(key) is None:
                return False
            elements.append((key, value))
            return True

        def simple(st, var) -> bool:
            """``var[self.x] = v`` / ``var.update({self.x: v, ...})``."""
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                t = small.targets[0].target
                if isinstance(t, cst.Subscript) and isinstance(t.value, cst.Name) and t.value.value == var \
                        and len(t.slice) == 1 and isinstance(t.slice[0].slice, cst.Index):
                    return add(t.slice[0].slice.value, small.value)
                return False
            if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                c = small.value
                if isinstance(c.func, cst.Attribute) and c.func.attr.value == "update" \
                        and isinstance(c.func.value, cst.Name) and c.func.value.value == var \
                        and len(c.args) == 1 and c.args[0].keyword is None and isinstance(c.args[0].value, cst.Dict):
                    return all(isinstance(el, cst.DictElement) and add(el.key, el.value)
                               for el in c.args[0].value.elements)
            return False

        locals_: dict[str, cst.BaseExpression] = {}

        def local(st, var) -> bool:
            """``one_hot = [...]``: a local the dict's values read, bound once (written into them)."""
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)):
                return False
            n = small.targets[0].target.value
            if n in locals_ or n in names or n in ("self", var):
                return False
            locals_[n] = small.value
            return True

        if isinstance(ret.value, cst.Dict) and len(body) == 1:
            if not all(isinstance(el, cst.DictElement) and add(el.key, el.value) for el in ret.value.elements):
                return None
        else:
            first = body[0].body[0] if isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1 \
                else None
            if not (isinstance(first, cst.Assign) and len(first.targets) == 1
                    and isinstance(first.targets[0].target, cst.Name) and isinstance(first.value, cst.Dict)
                    and isinstance(ret.value, cst.Name) and ret.value.value == first.targets[0].target.value):
                return None
            var = ret.value.value
            if not all(isinstance(el, cst.DictElement) and add(el.key, el.value) for el in first.value.elements):
                return None
            for st in body[1:-1]:
                if simple(st, var) or local(st, var):
                    continue
                test = st.test if isinstance(st, cst.If) and st.orelse is None else None
                if not (isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name)
                        and test.left.value in bound and len(test.comparisons) == 1
                        and isinstance(test.comparisons[0].operator, cst.IsNot)
                        and isinstance(test.comparisons[0].comparator, cst.Name)
                        and test.comparisons[0].comparator.value == "None"
                        and isinstance(st.body, cst.IndentedBlock)):
                    return None
                given = not (isinstance(bound[test.left.value], cst.Name) and bound[test.left.value].value == "None")
                kept = len(elements)
                if not all(simple(x, var) or local(x, var) for x in st.body.body):
                    return None
                if not given:
                    del elements[kept:]
        from .feed_branches import substitute

        if locals_:  # each local written into the values that read it (in binding order)
            if any(sum(1 for x in walk(method.body) if isinstance(x, cst.Name) and x.value == n
                       and isinstance(self.ctx.parent(x), cst.AssignTarget)) != 1 for n in locals_):
                return None
            done: dict[str, cst.BaseExpression] = {}
            for n, v in locals_.items():
                done[n] = substitute(v, done) if done else v
            elements = [(k, substitute(v, done)) for k, v in elements]
        # every value reads only the parameters, literals and self's attributes (and the names a
        # comprehension binds: ``[(1, 0) if y == 0 else (0, 1) for y in labels_batch]``)
        import builtins

        from .flow import load_names

        allowed = set(names) | {"self"} | set(dir(builtins))
        if locals_:  # (a local's value moves to the call: the module's names are read there as here)
            allowed |= _module_names(self.ctx.module)
        for _, v in elements:
            comp_names = {x.value for c in walk(v) if isinstance(c, cst.CompFor)
                          for x in walk(c.target) if isinstance(x, cst.Name)}
            if comp_names & (set(names) | {"self"}) or any(isinstance(n, (cst.Lambda, cst.DictComp)) for n in walk(v)):
                return None
            if set(load_names(v)) - allowed - comp_names:
                return None
        at_call = {**bound, "self": f.value}
        # (a value that is just a parameter is the call's own argument node: analyses of the fed
        # value - a module constant, a configuration attribute - read it where it is)
        out = [cst.DictElement(substitute(k, at_call), bound[v.value] if isinstance(v, cst.Name) and v.value in bound
                               else substitute(v, at_call)) for k, v in elements]
        cp.feed_methods.add(self._method_key(method))
        return cst.Dict(out)

    def _method_key(self, fn: cst.FunctionDef) -> tuple[str, str]:
        cls = self.ctx.parent(self.ctx.parent(fn))
        return (cls.name.value if isinstance(cls, cst.ClassDef) else "", fn.name.value)

    def _in_feed_method(self, cp: ClassProgram, node: cst.CSTNode) -> bool:
        """``node`` is a placeholder key (``{self.x: ...}``, ``feed[self.x] = ...``) in a
        feed-helper method of the class (:meth:`_feed_method_dict`): a feed, checked with the runs."""
        if not cp.feed_methods:
            return False
        par = self.ctx.parent(node)
        if not (isinstance(par, cst.DictElement) and par.key is node) and not isinstance(par, cst.Index):
            return False
        fn = self.flow.scope_of(node).node
        return isinstance(fn, cst.FunctionDef) and self._method_key(fn) in cp.feed_methods

    def _branch_feeds(self, cp: ClassProgram, scope: ScopeFlow, feed: cst.Name, run: cst.Call,
                      inst: str) -> dict | None:
        """``feed`` bound only by dict literals with the same placeholder keys (the branches of an
        ``if`` - many scripts swap the two inputs at random), each before the run in its
        scope, and read only by this run: {placeholder attribute: the literal every dict gives
        it, or None}, in key order (None otherwise). The statements go to ``cp.keyed_feeds``."""
        defs = scope.by_name.get(feed.value, ())
        if not defs or scope is None:
            return None
        _, idx = self.flow.index_of(run)
        # a binding after the run (``feed = {...}`` again for an evaluation run below the training
        # loop) is not one of this run's unless a loop takes it back to the run
        later = [d for d in defs if d.index >= idx]
        if any(self._loop_around(d.stmt, run) for d in later):
            return None
        defs = [d for d in defs if d.index < idx]
        if not defs:
            return None
        keys: list[str] | None = None
        for d in defs:
            if not isinstance(d.value, cst.Dict) or d.index < 0:
                return None
            small = d.stmt.body[0] if isinstance(d.stmt, cst.SimpleStatementLine) and len(d.stmt.body) == 1 \
                else None
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)):
                return None
            ks = [self._inst_attr(el.key, inst) if isinstance(el, cst.DictElement) else None
                  for el in d.value.elements]
            if any(k is None or k not in cp.placeholders for k in ks) or len(set(ks)) != len(ks):
                return None
            if keys is not None and sorted(ks) != sorted(keys):
                return None
            keys = keys or ks
        reads = [n for n in walk(scope.node) if isinstance(n, cst.Name) and n.value == feed.value
                 and self.flow.scope_of(n) is scope and not isinstance(self.ctx.parent(n), cst.AssignTarget)
                 and not (isinstance(self.ctx.parent(n), cst.Attribute) and self.ctx.parent(n).attr is n)]
        mine = [r for r in reads if self._within(r, run)]
        if len(mine) != 1:
            return None
        for r in reads:  # every other read sees a later binding (one between the run and it)
            if r is not mine[0] and not any(d.index < self.flow.index_of(r)[1] for d in later):
                return None
        from ..emit import code

        values: dict = {}
        for k in keys:
            vals = [next(el.value for el in d.value.elements if self._inst_attr(el.key, inst) == k) for d in defs]
            same = len({code(v).strip() for v in vals}) == 1
            # the same literal, or the same never-assigned FLAGS value, in every dict
            values[k] = vals[0] if same and (literal(vals[0], None) is not None
                                             or run_constant(self.ctx, vals[0]) is not None) else None
        for d in defs:
            cp.keyed_feeds[id(d.stmt)] = list(keys)
        return values

    def _loop_around(self, a: cst.CSTNode, b: cst.CSTNode) -> bool:
        """A for / while loop of the same function encloses both ``a`` and ``b``."""
        stop = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
        loops = {id(n) for n in self.ctx.loops_around(a, stop)}
        return any(id(n) in loops for n in self.ctx.loops_around(b, stop))

    def _runs_before(self, stmt: cst.CSTNode, node: cst.CSTNode) -> bool:
        """``stmt`` sits in a block enclosing ``node`` (before it: the caller compares
        indices), so every execution of ``node`` follows one of ``stmt`` in the same pass
        through that block (``feed = {...}`` at the top of a loop body, the run below it)."""
        block = self.ctx.parent(stmt)
        n = self.ctx.parent(node)
        while n is not None and not isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            if n is block:
                return True
            n = self.ctx.parent(n)
        return n is not None and n is block

    def _hyper(self, cp: ClassProgram, attr: str) -> str:
        """Why the scalar placeholder ``self.<attr>`` cannot become Keras' training flag ("" if
        it can): every read must be a ``training=`` argument (tf.layers dropout / batch norm)
        or the keep_prob of ``tf.nn.dropout``; training runs must feed one constant (True / the
        keep probability) and evaluation runs False / 1.0 (TF1 then computed what Keras'
        inference mode computes)."""
        kind = None
        for m in self._methods(cp.node).values():
            for n in walk(m.body):
                if _self_attr(n) != attr:
                    continue
                parent = self.ctx.parent(n)
                if isinstance(parent, cst.AssignTarget):
                    continue
                if isinstance(parent, cst.DictElement) and parent.key is n and any(
                        r.instance == "self" and self.ctx.parent(self.ctx.parent(parent)) is not None
                        and self._within(parent, r.call) for r in cp.runs):
                    continue  # a feed_dict key of a run inside the class (checked with the runs)
                if isinstance(parent, cst.DictElement) and parent.key is n \
                        and id(self.ctx.statement_of(parent)) in cp.feed_defs:
                    continue  # ``feed = {self.keep_prob: ...}`` named feed of such a run
                if self._in_feed_method(cp, n):
                    continue  # a key of the dict a feed-helper method builds for the runs
                if isinstance(parent, cst.Arg):
                    c = self.ctx.parent(parent)
                    q = self.tp.qname(c) if isinstance(c, cst.Call) else None
                    if parent.keyword is not None and parent.keyword.value in ("training", "is_training") \
                            and (q or "").startswith("tensorflow."):
                        kind = kind or "training"
                        continue
                    if parent.keyword is not None and parent.keyword.value in ("training", "is_training") \
                            and not q and parent.value is n and self._training_arg_ok(cp, parent, set()):
                        kind = kind or "training"
                        if parent not in cp.flag_args:
                            cp.flag_args.append(parent)
                        continue
                    if q == "tensorflow.nn.dropout" and (
                            (parent.keyword is not None and parent.keyword.value == "keep_prob")
                            or (parent.keyword is None and c.args.index(parent) == 1)):
                        kind = kind or "keep_prob"
                        continue
                    if parent.value is n and dropout_keep_arg(self.ctx, parent):
                        kind = kind or "keep_prob"  # a DropoutWrapper's keep probability (TFM158)
                        continue
                    if not q and parent.value is n and self._keep_arg_ok(cp, parent, set()):
                        kind = kind or "keep_prob"  # self.tower(x, self.keep_prob): its dropout's keep_prob
                        if parent not in cp.keep_args:
                            cp.keep_args.append(parent)
                        continue
                    if q in ("tensorflow.contrib.layers.dropout", "tensorflow.contrib.slim.dropout") and (
                            (parent.keyword is not None and parent.keyword.value == "keep_prob")
                            or (parent.keyword is None and c.args.index(parent) == 1)) and all(
                            a.keyword is None or a.keyword.value != "is_training" or literal(a.value, None) is True
                            for a in c.args) and len([a for a in c.args if a.keyword is None]) < 4:
                        kind = kind or "keep_prob"  # contrib's dropout, is_training=True: drops in every run
                        continue
                    if q in ("tensorflow.layers.dropout", "tensorflow.compat.v1.layers.dropout") \
                            and not any(a.keyword is not None and a.keyword.value == "training" for a in c.args) \
                            and len([a for a in c.args if a.keyword is None]) < 5:
                        continue  # the rate of a dropout without training=: TF1's identity (TFM131)
                    if (q or "").startswith("tensorflow.train.") and q.endswith("Optimizer") and (
                            (parent.keyword is not None and parent.keyword.value == "learning_rate")
                            or (parent.keyword is None and c.args.index(parent) == 0)) and kind in (None, "lr"):
                        kind = "lr"
                        continue
                return "read outside a training= / keep_prob / optimizer learning-rate argument"
        if kind is None:
            return ""
        if kind == "lr":  # the optimizer's rate, set to the fed value before each training step
            if any(r.train and attr not in r.feeds for r in cp.runs):
                return "a training run does not feed the learning rate"
            cp.learning_rates.add(attr)
            return ""
        train_vals, eval_vals = set(), set()
        for r in cp.runs:
            if attr in r.feeds:
                v = literal(r.feeds[attr], None)
                if v is None and r.train and kind == "keep_prob":  # FLAGS.keep: one value for the run
                    rc = run_constant(self.ctx, r.feeds[attr])
                    v = cst.Module([]).code_for_node(rc) if isinstance(rc, cst.BaseExpression) else rc
                (train_vals if r.train else eval_vals).add(v)
            elif not r.train and any(f[0] == "attr" and attr in cp.placeholders_of(f[1], ("hyper",))
                                     for f in r.fetches):
                return "an evaluation run does not feed it"
        if len(train_vals) != 1 or None in train_vals:
            return f"the training runs feed it {sorted(map(str, train_vals)) or 'nothing'}, not one constant"
        want = {False} if kind == "training" else {1.0, 1}
        if kind == "training" and train_vals != {True}:
            return "the training runs do not feed True"
        if eval_vals - want:
            return (f"an evaluation run feeds {sorted(map(str, eval_vals - want))}: TF1 then dropped units "
                    "at evaluation, Keras' inference mode does not")
        return ""

    def keep_prob(self, node: cst.CSTNode) -> float | None:
        """The constant a class's keep_prob placeholder ``self.<attr>`` (``node``) is fed in
        its training runs, when it becomes Keras' Dropout rate (see :meth:`_hyper`)."""
        attr = _self_attr(node)
        n = self.ctx.parent(node)
        while n is not None and not isinstance(n, cst.ClassDef):
            n = self.ctx.parent(n)
        cp = self.classes.get(n.name.value) if n is not None else None
        if cp is None or attr not in cp.placeholders or cp.why:
            return None
        from .keep_prob import module_number  # a literal, or a module constant (``keep_prob = 1`` fed by name)

        vals = {module_number(self.ctx, r.feeds[attr]) for r in cp.runs if r.train and attr in r.feeds}
        return vals.pop() if len(vals) == 1 else None

    def constant_attr(self, node: cst.CSTNode):
        """``self.<attr>`` (``node``, in a class) bound once in the class to a number literal
        (``self.keep_prob = 0.5``) and assigned nowhere else in the file (no ``m.keep_prob = ..``,
        no ``+=``): that number - a Python constant of the graph, as TF1 saw it; else None."""
        attr = _self_attr(node)
        cls = self.ctx.parent(node)
        while cls is not None and not isinstance(cls, cst.ClassDef):
            cls = self.ctx.parent(cls)
        if attr is None or cls is None:
            return None
        values = []
        for n in walk(self.ctx.module):
            if isinstance(n, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
                targets = [t.target for t in n.targets] if isinstance(n, cst.Assign) else [n.target]
                for t in targets:
                    for x in walk(t):
                        if isinstance(x, cst.Attribute) and x.attr.value == attr:
                            if not (isinstance(n, cst.Assign) and len(n.targets) == 1 and x is t
                                    and _self_attr(t) == attr and self._within(n, cls)):
                                return None
                            values.append(n.value)
        if len(values) != 1:
            return None
        v = literal(values[0], None)
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    # -- queries -------------------------------------------------------------------------------------
    def session_consumed(self, name: str, block: cst.CSTNode) -> bool:
        """Every read of the session ``name`` inside ``block`` goes with a translated class
        program: a run of it, a session argument it removes, ``s.close()``, an initializer run
        (``s.run(tf.global_variables_initializer())`` / of a name bound to one), ``s.graph``
        given to a FileWriter that TFM142 removes."""

        ok = [cp for cp in self.classes.values() if not cp.why and cp.instances]
        if not ok:
            return False
        runs = {id(r.call) for cp in ok for r in cp.runs}
        runs |= {id(st.body[0].value) for cp in ok for _, rs in cp.owner_inits for st in rs}  # an owner's init
        args = {id(a) for cp in ok for a in cp.session_args}
        body = [block] if isinstance(block, cst.Module) else [block.body]
        for n in (x for b in body for x in walk(b)):
            if not (isinstance(n, cst.Name) and n.value == name):
                continue
            parent = self.ctx.parent(n)
            if isinstance(parent, cst.Arg) and id(parent) in args:
                continue
            if isinstance(parent, cst.Arg) and parent.keyword is not None and parent.keyword.value == "session" \
                    and id(self.ctx.parent(parent)) in runs:
                continue  # model.t.eval(session=s, ..): a run of the class (it becomes a predict)
            if isinstance(parent, cst.AssignTarget):
                continue
            if self.step_read(n) or self.default_block(n):
                continue  # tf.train.global_step(s, step) of a translated step counter; with s.as_default():
            if isinstance(parent, cst.Arg) and id(self.ctx.parent(parent)) in self.saver_call_ids():
                continue  # saver.save(s, path): TFM144 saves the model's weights (or keeps a TODO that reads s)
            if self.tp.in_writer(n):
                continue  # tf.summary.FileWriter(logdir, s.graph): TFM142 removes the writer
            c = self.ctx.parent(parent) if isinstance(parent, cst.Attribute) and parent.value is n else None
            if isinstance(c, cst.Call) and c.func is parent and parent.attr.value == "close" and not c.args \
                    and isinstance(self.ctx.parent(c), cst.Expr):
                continue  # s.close(): TFM144 removes it with the session
            if isinstance(c, cst.Call) and c.func is parent and parent.attr.value == "run":
                if id(c) in runs:
                    continue
                if len(c.args) == 1 and c.args[0].keyword is None and self._initializer(c.args[0].value, c):
                    continue
            return False
        return True

    def default_block(self, sess: cst.Name) -> bool:
        """``with sess.as_default():`` (one item, no ``as``): the block only makes the session
        the default one, for code that TFM140 / TFM144 translate (the block is dedented)."""
        parent = self.ctx.parent(sess)
        c = self.ctx.parent(parent) if isinstance(parent, cst.Attribute) and parent.value is sess else None
        item = self.ctx.parent(c) if isinstance(c, cst.Call) and c.func is parent and not c.args \
            and parent.attr.value == "as_default" else None
        w = self.ctx.parent(item) if isinstance(item, cst.WithItem) else None
        return isinstance(w, cst.With) and len(w.items) == 1 and item.asname is None

    def step_read(self, sess: cst.Name) -> bool:
        """``sess`` is the session argument of ``tf.train.global_step(sess, step)`` reading the step
        counter of a class program this analysis translates."""
        parent = self.ctx.parent(sess)
        c = self.ctx.parent(parent) if isinstance(parent, cst.Arg) else None
        if not (isinstance(c, cst.Call) and self.tp.qname(c) == "tensorflow.train.global_step"
                and len(c.args) == 2 and c.args[0] is parent and isinstance(c.args[1].value, cst.Name)):
            return False
        return any(not cp.why and c.args[1].value.value in cp.scope_steps for cp in self.classes.values())

    def class_of_run(self, call: cst.Call):
        for cp in self.classes.values():
            for r in cp.runs:
                if r.call is call:
                    return cp, r
        return None, None

    @staticmethod
    def runs_in(cp: ClassProgram, scope: ScopeFlow) -> bool:
        """The class's program runs in ``scope``: a scope binding an instance, or a module function
        running a module-level instance in a session of its own (``cp.session_scopes``)."""
        return any(s is scope for s, _ in cp.instances) or (
            bool(cp.train_ops) and any(fn is scope.node for fn in cp.session_scopes))

    def saver_calls(self) -> list[cst.Call]:
        """``saver.save(...)`` / ``saver.restore(...)`` calls of names bound to ``tf.train.Saver()``."""
        if not hasattr(self, "_saver_calls"):
            self._saver_calls = [] if not self.tp.saver_names else [
                n for n in walk(self.ctx.module)
                if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                and n.func.attr.value in ("save", "restore") and isinstance(n.func.value, cst.Name)
                and n.func.value.value in self.tp.saver_names]
            self._saver_calls += [c for cp in self.classes.values() if not cp.why
                                  for c in cp.self_saver_calls + cp.owner_saver_calls]
            self._saver_ids = {id(c) for c in self._saver_calls}
        return self._saver_calls

    def saver_call_ids(self) -> set[int]:
        self.saver_calls()
        return self._saver_ids

    def store_function(self, node: cst.CSTNode):
        """The store function (see ``ClassProgram.store_functions``) whose own code holds ``node``
        (None if none)."""
        ids = self.__dict__.get("_store_ids")
        if ids is None:
            ids = self.__dict__["_store_ids"] = {id(f): f for cp in self.classes.values() if not cp.why
                                                 for f in cp.store_functions}
        if not ids:
            return None
        return ids.get(id(self.flow.scope_of(node).node))

    def class_function(self, node: cst.CSTNode):
        """The function of a translated model class's code (its methods and the module functions
        they call) holding ``node``, else None: there the tensors are symbolic Keras tensors (the
        class's graph is built once, from keras.Input placeholders)."""
        ids = self.__dict__.get("_class_ids")
        if ids is None:
            ids = self.__dict__["_class_ids"] = {id(f): f for cp in self.classes.values() if not cp.why
                                                 for f in self._store_closure(cp)}
        if not ids:
            return None
        return ids.get(id(self.flow.scope_of(node).node))

    def attr_read(self, cp: ClassProgram, attr: str) -> bool:
        """``self.<attr>`` is read in the class's methods (not only assigned)."""
        for m in self._methods(cp.node).values():
            for n in walk(m.body):
                if _self_attr(n) == attr and not isinstance(self.ctx.parent(n), cst.AssignTarget):
                    return True
        return False

    def translates(self, cp: ClassProgram) -> bool:
        return not cp.why


def _remote_program(facts, ctx) -> ClassProgram:
    """A ClassProgram of a class defined in another module (``facts``: analysis/modules.ClassFacts)."""
    from .tf1_program import Placeholder

    node = cst.ClassDef(name=cst.Name(facts.name), body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])]))
    cp = ClassProgram(node, remote=facts)
    for attr, role in facts.placeholders:
        cp.placeholders[attr] = Placeholder(attr, None, None, None, None, None, role)
    cp.direct = {a: set(d) for a, d in facts.direct}
    return cp
