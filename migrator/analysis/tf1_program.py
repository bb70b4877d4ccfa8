"""TF1Program: what a TensorFlow-1 graph program does, per scope (``ctx.analysis(TF1Program)``).

A stable, documented API the TF1 rules (TFM130-169) and the Siamese rules (TFM2xx) build on.
Everything refers to ORIGINAL libcst nodes.

For every scope (the module, each function) that creates placeholders, a :class:`Program`:

* ``placeholders``: ``{name: Placeholder}`` in source order, each with ``role``:
  ``"input"`` (a trainable op - a layer, ``matmul``, a call of a user function - is applied to
  something computed from it), ``"label"`` (non-scalar, but no trainable op ever sees it:
  only the loss/metrics read it) or ``"hyper"`` (a scalar: ``keep_prob``, ``is_training``, a
  learning rate; shape ``[]``/``()``/absent, or ``placeholder_with_default``).
* ``train_ops``: ``optimizer.minimize(loss)`` assignments (:class:`TrainOp`).
* ``runs``: every ``sess.run(fetches, feed_dict)`` (:class:`Run`): the fetched names and
  which placeholders each run feeds with which (original) value nodes.
* ``tensors``: names bound to values computed from placeholders (values fetched through
  ``sess.run`` are NumPy arrays, not tensors, and are excluded);
  ``closure(name)`` - every name it depends on, transitively;
  ``placeholders_of(name)``; ``label_dependent(name)``; ``model_reads(name)`` - the label-free
  tensors a label-dependent tensor (a loss, a metric) reads: the MODEL OUTPUTS it needs.
* ``sessions`` (names bound to ``tf.Session()``), ``savers`` (``tf.train.Saver()``),
  ``scopes`` (``tf.variable_scope`` blocks with their ``reuse``) and ``reuse_calls``
  (``scope.reuse_variables()`` statements).

The analysis is syntactic and deliberately conservative: where a program does something it
does not model (a feed_dict that is not a dict literal - or a named one, or the call of a
helper ``def make_feed(a, b): return {x: a, y: b}`` of the same scope, whose arguments are then
the fed values -, fetches built dynamically), the
corresponding ``Run.ok`` is False and rules leave the code with a TODO.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import libcst as cst

from .flow import Flow, ScopeFlow, load_names, target_names
from ..emit import code, literal
from ..names import dotted

PLACEHOLDERS = ("tensorflow.placeholder", "tensorflow.placeholder_with_default")
SESSIONS = ("tensorflow.Session", "tensorflow.InteractiveSession")
# sessions that run hooks (StopAtStepHook, checkpoint/summary savers), initialize the variables
# themselves and end through ``should_stop()`` (also ``tf.train.Supervisor``'s ``managed_session()``
# / ``prepare_or_wait_for_session()``): their runs are runs of the program, none of them
# translated (the program stays TF1 as a whole, with the reason)
MONITORED_SESSIONS = ("tensorflow.train.MonitoredTrainingSession", "tensorflow.train.MonitoredSession",
                      "tensorflow.train.SingularMonitoredSession")
INITIALIZERS = ("tensorflow.global_variables_initializer", "tensorflow.initialize_all_variables",
                "tensorflow.local_variables_initializer", "tensorflow.initialize_local_variables",
                "tensorflow.initializers.local_variables", "tensorflow.initializers.global_variables",
                "tensorflow.tables_initializer")
# the initializers of TF1's LOCAL variables (the streaming metrics' state): a run of one resets them
LOCAL_INITIALIZERS = ("tensorflow.local_variables_initializer", "tensorflow.initialize_local_variables",
                      "tensorflow.initializers.local_variables")
# tf.metrics.<kind> translated to a TF1StreamingMetric (translate/tf1_metrics.py)
STREAMING_METRICS = ("auc", "accuracy", "mean", "precision", "recall")
SAVERS = ("tensorflow.train.Saver",)
VARIABLE_SCOPES = ("tensorflow.variable_scope", "tensorflow.name_scope")
# calls that apply trainable parameters to their arguments (a placeholder reaching one is an input)
_PARAM_PREFIXES = ("tensorflow.layers.", "tensorflow.contrib.layers.", "tensorflow.contrib.slim.", "tflearn.", "tensorflow.keras.layers.",
                   "keras.layers.")
# the same ops once TFM130 translated them (a second run must decide roles the same way)
_KERAS_PARAM_OPS = ("keras.ops.matmul", "keras.ops.conv", "keras.ops.tensordot", "keras.ops.dot")
# calls that CREATE trainable parameters (a user function making one is a model part)
_VARIABLE_CALLS = ("tensorflow.get_variable", "tensorflow.Variable", "tensorflow.contrib.framework.model_variable",
                   "tensorflow.contrib.framework.variable")
# constructors of objects that own trainable weights and apply them when called (one object called
# on two inputs shares its weights in TF1 too): ``base = tf.keras.Sequential([...])``,
# ``self.fc = tf.layers.Dense(4)``, ``tower = tf.make_template("tower", fn)``
_OBJECT_CALLS = ("tensorflow.keras.Sequential", "tensorflow.keras.Model", "tensorflow.keras.models.Sequential",
                 "tensorflow.keras.models.Model", "keras.Sequential", "keras.Model", "keras.models.Sequential",
                 "keras.models.Model", "tensorflow.make_template")
_KERAS_BASES = ("tensorflow.keras.Model", "tensorflow.keras.models.Model", "tensorflow.keras.layers.Layer",
                "keras.Model", "keras.models.Model", "keras.layers.Layer")
_PARAM_CALLS = ("tensorflow.matmul", "tensorflow.nn.conv2d", "tensorflow.nn.conv1d", "tensorflow.nn.embedding_lookup",
                "tensorflow.nn.xw_plus_b", "tensorflow.tensordot", "tensorflow.nn.bias_add",
                "tensorflow.nn.batch_normalization") + tuple(
    # TF1 recurrent loops apply their cell's kernel to the inputs (TFM158)
    f"{p}{n}" for p in ("tensorflow.nn.", "tensorflow.contrib.rnn.")
    for n in ("static_rnn", "dynamic_rnn", "static_bidirectional_rnn", "bidirectional_dynamic_rnn"))


# the FileWriter methods whose statements go with the writer (TFM142)
WRITER_METHODS = ("add_summary", "add_graph", "flush", "close", "add_run_metadata")


def emptied_guard(original: cst.If, updated: cst.If) -> bool:
    """``if c is not None: <one statement>`` (no else) whose statement the rule pass removed (a
    guarded ``tf.clip_by_global_norm`` that became the optimizer's ``global_clipnorm=c``, see
    ``TF1Program._clip_guard``): only ``pass`` is left - the ``if`` goes too."""
    t = original.test
    if original.orelse is not None or len(original.body.body) != 1 or not isinstance(t, cst.Comparison) \
            or len(t.comparisons) != 1 or not isinstance(t.comparisons[0].operator, cst.IsNot) \
            or not isinstance(t.left, cst.Name) or not (isinstance(t.comparisons[0].comparator, cst.Name)
                                                        and t.comparisons[0].comparator.value == "None"):
        return False
    if "clip_by_global_norm" not in cst.Module(body=[original.body.body[0]]).code:
        return False
    left = updated.body.body if isinstance(updated.body, cst.IndentedBlock) else ()
    return all(isinstance(st, cst.SimpleStatementLine) and all(isinstance(x, cst.Pass) for x in st.body)
               for st in left)


@dataclass(eq=False)
class Placeholder:
    name: str
    statement: cst.SimpleStatementLine
    call: cst.Call
    dtype: cst.BaseExpression | None
    shape: cst.BaseExpression | None      # the shape argument (None: not given)
    default: cst.BaseExpression | None    # placeholder_with_default's value
    role: str = "input"                   # "input" | "label" | "hyper"

    @property
    def shape_elements(self) -> list[cst.BaseExpression] | None:
        """The shape's elements when it is a list/tuple display, else None."""
        if isinstance(self.shape, (cst.List, cst.Tuple)):
            return [e.value for e in self.shape.elements]
        return None


@dataclass(eq=False)
class TrainOp:
    name: str | None                      # the assigned name (None: used inline)
    statement: cst.SimpleStatementLine
    call: cst.Call                        # the ``.minimize(...)`` call
    optimizer: cst.BaseExpression         # the object ``minimize`` is called on
    loss: str | None                      # the loss tensor's name (None: not a plain name)
    # ``opt.apply_gradients(...)`` of ``opt.compute_gradients(loss)`` (clipped or not): the
    # Keras optimizer argument that clips the same way (("clipvalue", 1.0) ...) and the
    # statements computing the gradients (they disappear with the train op)
    clip: tuple[str, cst.BaseExpression] | None = None
    extra: list = field(default_factory=list)
    # ``minimize(loss[i])``: ``loss`` names a structure (a helper returning ``(total, pos, neg)``)
    # and the integer literal ``i`` picks the minimized element (None: ``loss`` itself)
    loss_index: cst.BaseExpression | None = None


@dataclass(eq=False)
class Run:
    call: cst.Call                        # ``sess.run(...)``
    statement: cst.CSTNode                # the statement holding it
    fetches: cst.BaseExpression | None
    fetch_names: list[str | None]         # one per fetched element (None: not a plain name)
    fetch_is_list: bool                   # fetches written as a list/tuple display
    feed: cst.BaseExpression | None
    feeds: dict[str, cst.BaseExpression]  # placeholder name -> fed value
    ok: bool                              # fetches and feeds fully understood
    why: str = ""
    train_op: TrainOp | None = None       # the train op it runs, if any
    initializer: bool = False             # ``sess.run(tf.global_variables_initializer())``
    feed_name: str | None = None          # the feed dict passed by name (``feed_dict=feed``)
    feed_params: dict[str, str] | None = None  # ``feed_dict=make_feed(a, b)``: placeholder -> the
                                          # helper's parameter fed to it (``Program.feed_helpers``)
    feed_inline: Any = None               # ``feed_dict=get_feed(data, 'train')``: the helper's path
                                          # taken (analysis/feed_branches.py InlineFeed)
    method: str = "session"               # "session": ``sess.run(fetches, feed)``; "eval": ``t.eval(feed)``,
                                          # ``op.run(feed)`` (the fetch is the object, the feed arg 0)

    @property
    def feed_pos(self) -> int:
        return 1 if self.method == "session" else 0

    def fetch_arg(self, call: cst.Call) -> cst.BaseExpression | None:
        """The fetches of ``call`` (this run's call or its updated version)."""
        if self.method == "session":
            return _arg(call, 0, "fetches")
        return call.func.value  # type: ignore[union-attr]

    def feed_arg(self, call: cst.Call) -> cst.BaseExpression | None:
        return _arg(call, self.feed_pos, "feed_dict")


@dataclass(eq=False)
class StreamingMetric:
    """``value, update = tf.metrics.<kind>(...)`` (a statement of the program's scope)."""
    value: str
    update: str
    kind: str
    call: cst.Call
    statement: cst.SimpleStatementLine


@dataclass(eq=False)
class VariableScope:
    statement: cst.With
    call: cst.Call
    scope_name: cst.BaseExpression | None
    reuse: str | None                     # None | "True" | "AUTO_REUSE" | source of the value
    alias: str | None                     # ``as scope``


@dataclass(eq=False)
class Program:
    scope: ScopeFlow
    placeholders: dict[str, Placeholder] = field(default_factory=dict)
    train_ops: list[TrainOp] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    tensors: set[str] = field(default_factory=set)
    scopes: list[VariableScope] = field(default_factory=list)
    reuse_calls: list[cst.SimpleStatementLine] = field(default_factory=list)
    feed_dicts: dict[int, Any] = field(default_factory=dict)   # id(statement) -> Def of a named feed dict
    feed_helpers: dict[int, Any] = field(default_factory=dict)  # id(FunctionDef) -> a helper returning the feed
    # ``minimize(model.loss)`` with ``model = Cls(x, y)`` an object of a model class of the file
    # (TF1Program.object_member_placeholders): "model.loss" -> the placeholders it is computed
    # from; such a dotted name is a tensor of the program (a train op's loss, a run's fetch)
    members: dict[str, list[str]] = field(default_factory=dict)
    member_ops: set = field(default_factory=set)   # "model.optimize": a member building a train op
    # ``name = tf.placeholder_with_default(<a tensor of the program>, shape)`` no run feeds: the
    # default in every run - a tensor, not a placeholder (name -> Placeholder)
    unfed_defaults: dict[str, Any] = field(default_factory=dict)
    # ``auc, auc_op = tf.metrics.auc(...)``: both names -> the StreamingMetric
    metrics: dict[str, Any] = field(default_factory=dict)
    # runs in module functions the module's program calls (``def train_epoch(sess, epoch): ...
    # sess.run([opt, loss], feed_dict={x1: a, ...})``, the tensors read as globals): the session
    # parameters (Param nodes) and the arguments passing them (Arg nodes), which go with the runs
    session_params: list = field(default_factory=list)
    session_args: list = field(default_factory=list)
    # several TF1 graphs in one scope (``tf.reset_default_graph()`` between programs that bind
    # placeholders again: a notebook's cells in sequence), or tensors read by their TF1 names: why
    # the scope is not translated
    several_graphs: str | None = None
    # names bound (every time) to a trainable ``tf.get_variable`` / ``tf.Variable`` of the scope
    # (``W1 = tf.get_variable('W1', [4, 2])``): a loss reading one directly (``beta *
    # tf.nn.l2_loss(W1)``) reads it as a model output when a model tensor reads it too
    variables: set[str] = field(default_factory=set)
    # ``pooled = []`` + ``pooled.append(h)`` in a loop (the text CNN's one branch per filter
    # size) + ``tf.concat(pooled, 3)``: a list's name -> the names its appends read (its binding
    # to ``[]`` reads none; the list holds tensors of the program)
    appended: dict[str, frozenset[str]] = field(default_factory=dict)
    _closure: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def deps_of(self, d) -> frozenset[str]:
        """The names binding ``d`` reads, and for a list filled by appends what those read."""
        extra = self.appended.get(d.name)
        return d.deps | extra if extra else d.deps

    # -- queries -------------------------------------------------------------------------
    def by_role(self, role: str) -> list[Placeholder]:
        return [p for p in self.placeholders.values() if p.role == role]

    @property
    def inputs(self) -> list[Placeholder]:
        return self.by_role("input")

    @property
    def labels(self) -> list[Placeholder]:
        return self.by_role("label")

    @property
    def hypers(self) -> list[Placeholder]:
        return self.by_role("hyper")

    def closure(self, name: str) -> frozenset[str]:
        """Every name ``name`` depends on (itself excluded), across all its bindings."""
        if name in self._closure:
            return self._closure[name]
        self._closure[name] = frozenset()  # cycle guard
        out: set[str] = set()
        stack = [name]
        while stack:
            n = stack.pop()
            for d in self.scope.by_name.get(n, ()):
                if _is_numpy_def(d):
                    continue
                for dep in self.deps_of(d):
                    if dep not in out and dep != name:
                        out.add(dep)
                        stack.append(dep)
        self._closure[name] = frozenset(out)
        return self._closure[name]

    def placeholders_of(self, name: str) -> list[str]:
        """Placeholders ``name`` is computed from (itself if it is one), in source order."""
        if name in self.members:
            return list(self.members[name])
        c = self.closure(name) | {name}
        return [p for p in self.placeholders if p in c]

    def label_dependent(self, name: str) -> bool:
        return any(self.placeholders[p].role == "label" for p in self.placeholders_of(name))

    def is_model_tensor(self, name: str) -> bool:
        """A label-free tensor (a model output or intermediate)."""
        return name in self.tensors and name not in self.placeholders and not self.label_dependent(name)

    def model_variable(self, name: str) -> bool:
        """A trainable variable a label-free tensor of the program reads (a weight of the model;
        TFM135 makes it a TF1Variable layer placed in the model's graph): its value is the
        variable itself in every run, so a loss reads it as one more model output."""
        return name in self.variables and any(
            name in d.deps and self.is_model_tensor(d.name) for d in self.scope.defs)

    def weight_value(self, name: str) -> bool:
        """A value computed from the model's variables alone, no placeholder
        (``l2_loss = tf.constant(0.0)`` + ``l2_loss += tf.nn.l2_loss(W)`` per layer): like a
        variable, one more model output a loss reading it is given."""
        if name in self.placeholders or name in self.tensors or name in self.variables:
            return False
        defs = self.scope.by_name.get(name, ())
        if not defs or any(d.value is not None and not isinstance(d.value, (cst.Call, cst.BinaryOperation))
                           for d in defs):
            return False
        c = self.closure(name)
        return not any(p in c for p in self.placeholders) and any(
            v in self.variables and self.model_variable(v) for v in c)

    def weight_inputs(self, name: str) -> list[str]:
        """The input placeholders the TF1Variable layers a variable or weight value reads are
        placed on: those of the first model tensor reading each of its variables."""
        out: list[str] = []
        for v in sorted(self.closure(name) | {name}):
            if v not in self.variables or not self.model_variable(v):
                continue
            reader = next(d.name for d in self.scope.defs if v in d.deps and self.is_model_tensor(d.name))
            out += [p for p in self.placeholders_of(reader)
                    if self.placeholders[p].role == "input" and p not in out]
        return out

    def model_reads(self, name: str) -> list[str]:
        """The label-free tensors the label-dependent computation of ``name`` reads directly
        (the model outputs a loss or metric needs), in source order of their definitions."""
        seen: list[str] = []
        todo = [name]
        visited: set[str] = set()
        while todo:
            n = todo.pop()
            if n in visited:
                continue
            visited.add(n)
            for d in self.scope.by_name.get(n, ()):
                for dep in self.deps_of(d):
                    if self.is_model_tensor(dep) or self.model_variable(dep) or self.weight_value(dep):
                        if dep not in seen:
                            seen.append(dep)
                    elif dep in self.tensors and dep not in self.placeholders and self.label_dependent(dep):
                        todo.append(dep)
        first = {}
        for n in seen:
            defs = self.scope.by_name.get(n, ())
            first[n] = min((d.index for d in defs), default=0)
        return sorted(seen, key=lambda n: first[n])

    def labels_of(self, name: str) -> list[str]:
        return [p for p in self.placeholders_of(name) if self.placeholders[p].role == "label"]

    def label_chain(self, name: str) -> list[str]:
        """Label-dependent tensor names ``name``'s computation goes through (itself last)."""
        out: list[str] = []
        for d in self.scope.defs:
            if d.name in out or d.name == name:
                continue
            if d.name in self.closure(name) and d.name in self.tensors and d.name not in self.placeholders \
                    and self.label_dependent(d.name):
                out.append(d.name)
        return out + [name]

    def train_op(self, name: str) -> TrainOp | None:
        return next((t for t in self.train_ops if t.name == name), None)

    def training_runs(self) -> list[Run]:
        return [r for r in self.runs if r.train_op is not None]

    def fed_values(self, placeholder: str) -> list[tuple[Run, cst.BaseExpression]]:
        return [(r, r.feeds[placeholder]) for r in self.runs if placeholder in r.feeds]


def _stored_layer(c: cst.Call) -> str:
    """``tf1_layer('fc1', lambda: keras.layers.Dense(8))`` / ``tf1_scoped_layer(...)`` - a layer
    from the TF1-name store a first run wrote - as the layer class's dotted name ('' otherwise):
    a second run reads the application of it as the layer's."""
    if not (isinstance(c.func, cst.Name) and c.func.value in ("tf1_layer", "tf1_scoped_layer")):
        return ""
    make = next((a.value for a in c.args if isinstance(a.value, cst.Lambda)), None)
    body = make.body if make is not None else None
    d = dotted(body.func) if isinstance(body, cst.Call) else ""
    return d if d and d.startswith("keras.layers.") else ""


def _is_numpy_def(d) -> bool:
    """A binding whose value comes out of ``sess.run`` / ``t.eval()`` (NumPy, not a graph tensor)."""
    if d.value is None:
        return isinstance(d.stmt, cst.For)  # loop variables
    return any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in ("run", "eval")
               for n in _walk(d.value))


def appended_calls(scope: ScopeFlow) -> dict[str, list[cst.Call]]:
    """Names of ``scope`` bound only to ``[]`` and filled by ``name.append(e)`` / ``name.extend(e)``
    statements of the scope (none of them appending what a session computed: a list of NumPy
    values): name -> those calls."""
    out: dict[str, list[cst.Call]] = {}
    fetched: set[str] = set()
    for st in scope.statements:
        if not isinstance(st, cst.SimpleStatementLine):
            continue
        for small in st.body:
            c = small.value if isinstance(small, cst.Expr) else None
            if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name) \
                    and c.func.attr.value in ("append", "extend"):
                if any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in ("run", "eval")
                       for a in c.args for n in _walk(a)):
                    fetched.add(c.func.value.value)
                out.setdefault(c.func.value.value, []).append(c)

    def empty(v) -> bool:  # ``[]``, or ``[], []`` bound to ``a, b``
        return (isinstance(v, cst.List) and not v.elements) or (
            isinstance(v, (cst.Tuple, cst.List)) and bool(v.elements)
            and all(isinstance(e.value, cst.List) and not e.value.elements for e in v.elements))

    return {n: cs for n, cs in out.items()
            if n not in fetched and scope.by_name.get(n) and all(empty(d.value) for d in scope.by_name[n])}


def _appended(scope: ScopeFlow) -> dict[str, frozenset[str]]:
    """:func:`appended_calls`' lists: name -> the names their appends read."""
    return {n: frozenset(set().union(*(load_names(c) for c in cs)) - {n}) for n, cs in appended_calls(scope).items()}


def _optimizer_call(value: cst.BaseExpression) -> bool:
    """``opt.minimize(...)`` / ``compute_gradients`` / ``apply_gradients``: an op or a list of
    (gradient, variable) pairs, not a tensor a run could evaluate."""
    return (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
            and value.func.attr.value in ("minimize", "compute_gradients", "apply_gradients"))


_MODEL_CLASSES = ("Sequential", "Model")


def _returns_keras_model(fn: cst.FunctionDef) -> bool:
    """Every ``return`` of ``fn`` gives a (tf.)keras ``Sequential`` / ``Model`` it made: the call
    itself, or a local bound once to it."""
    made: dict[str, int] = {}
    models: set[str] = set()
    rets = []
    for n in _walk(fn.body):
        if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Name):
            name = n.targets[0].target.value
            made[name] = made.get(name, 0) + 1
            if isinstance(n.value, cst.Call) and (dotted(n.value.func) or "").rpartition(".")[2] in _MODEL_CLASSES \
                    and "keras" in (dotted(n.value.func) or "keras"):
                models.add(name)
        elif isinstance(n, cst.Return):
            rets.append(n.value)
    if not rets:
        return False
    for v in rets:
        if isinstance(v, cst.Call) and (dotted(v.func) or "").rpartition(".")[2] in _MODEL_CLASSES:
            continue
        if isinstance(v, cst.Name) and v.value in models and made.get(v.value) == 1:
            continue
        return False
    return True


def default_minimize_arg(qname, a: cst.Arg) -> bool:
    """An argument of ``opt.minimize(loss, ...)`` that changes nothing a Keras model's optimizer
    step does: ``global_step`` / ``name``, or ``var_list=tf.trainable_variables()`` (or
    ``tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)``) written out inline (TF1's default:
    every trainable variable when minimize is called). ``qname``: the
    canonical name of an ORIGINAL call node."""
    if a.keyword is None:
        return False
    if a.keyword.value in ("global_step", "name"):
        return True
    v = a.value
    if a.keyword.value != "var_list" or not isinstance(v, cst.Call):
        return False
    if not v.args:
        return qname(v) == "tensorflow.trainable_variables"
    # tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES): the same list (no scope= filter)
    if len(v.args) == 1 and v.args[0].keyword is None and qname(v) == "tensorflow.get_collection":
        k = v.args[0].value
        return isinstance(k, cst.Attribute) and k.attr.value == "TRAINABLE_VARIABLES" \
            and isinstance(k.value, cst.Attribute) and k.value.attr.value == "GraphKeys"
    return False


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    from ..cstcache import walk_rl

    return walk_rl(node)  # (memoised for a module)


def saver_makedirs(path: cst.BaseExpression):
    """TF1's ``Saver.save`` creates the checkpoint's parent directory; Keras' ``save_weights``
    does not: the statement that does (None: a literal path without a directory)."""
    from ..emit import literal, stmt

    v = literal(path, None)
    if isinstance(v, str):
        import os.path

        d = os.path.dirname(v)
        return stmt("os.makedirs({d}, exist_ok=True)", d=cst.SimpleString(repr(d))) if d else None
    return stmt('os.makedirs(os.path.dirname(str({p})) or ".", exist_ok=True)', p=path.deep_clone())


def _arg(call: cst.Call, pos: int, kw: str) -> cst.BaseExpression | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == kw:
            return a.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[pos].value if pos < len(positional) else None


def _feed_renames(ctx, feed: cst.Dict) -> dict[str, str]:
    """Fed key -> placeholder, where TFM202's fix rewires a feed_dict (fed placeholders the loss
    never sees -> the unfed ones it needs); empty unless that fix applies to ``feed``."""
    if not ctx.switches.feeds_rewired:
        return {}
    from ..analysis.unconnected_feeds import Feeds

    sf = ctx.analysis(Feeds).by_dict.get(id(feed))
    return dict(sf.mapping) if sf is not None else {}


def _self_attr_of(node) -> str | None:
    """``self.<attr>`` -> attr."""
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return None


def _class_body(ctx, stmt: cst.CSTNode) -> cst.ClassDef | None:
    """The class whose body holds ``stmt`` directly (a class attribute assignment)."""
    block = ctx.parent(stmt)
    cls = ctx.parent(block) if block is not None else None
    return cls if isinstance(cls, cst.ClassDef) else None


GRAPH_RESETS = frozenset({"tensorflow.reset_default_graph", "tensorflow.compat.v1.reset_default_graph",
                          "keras.backend.clear_session", "tensorflow.keras.backend.clear_session"})


class TF1Program:
    """``ctx.analysis(TF1Program)``: the TF1 programs of a file (see the module docstring)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.flow: Flow = ctx.analysis(Flow)
        self.programs: dict[int, Program] = {}
        self.session_names: set[str] = set()
        self.monitored_names: set[str] = set()   # names bound to a MONITORED_SESSIONS session
        self.saver_names: set[str] = set()
        self.summary_names: set[str] = set()   # names bound to tf.summary.* ops (merge_all, scalar...)
        self.writer_names: set[str] = set()    # names bound to tf.summary.FileWriter(...)
        calls = sorted((n for n in _walk(ctx.module) if isinstance(n, cst.Call)), key=ctx.position)
        qn = {}
        for c in calls:
            try:
                qn[id(c)] = ctx.legacy_name(c)
            except Exception:  # pragma: no cover - nodes without metadata
                qn[id(c)] = None
        self._qn = qn
        # names and attributes bound to layer objects / models / templates (see _OBJECT_CALLS)
        self.layer_objects: set[str] = set()
        keras_classes = self._keras_classes()
        for c in calls:
            q = qn[id(c)] or self._keras3_name(c)
            if not (q in _OBJECT_CALLS or (q.startswith(_PARAM_PREFIXES) and q.rpartition(".")[2][:1].isupper())
                    or (not q and isinstance(c.func, cst.Name) and c.func.value in keras_classes)):
                continue
            parent = ctx.parent(c)
            if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
                t = dotted(parent.targets[0].target)
                if t:
                    self.layer_objects.add(t)
        # sessions and savers (names, file-wide)
        supervisors: set[str] = set()   # names bound to tf.train.Supervisor (its sessions are monitored)
        for c in calls:
            q = qn[id(c)]
            if q == "tensorflow.train.Supervisor" and isinstance(ctx.parent(c), cst.Assign):
                supervisors.update(n for t in ctx.parent(c).targets for n in target_names(t.target))
            supervised = (isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name)
                          and c.func.value.value in supervisors
                          and c.func.attr.value in ("managed_session", "prepare_or_wait_for_session"))
            if q in MONITORED_SESSIONS or supervised:
                parent = ctx.parent(c)
                if isinstance(parent, cst.WithItem) and parent.asname is not None:
                    self.monitored_names.update(target_names(parent.asname.name))
                elif isinstance(parent, cst.Assign):
                    self.monitored_names.update(n for t in parent.targets for n in target_names(t.target))
            if q in SESSIONS or q in SAVERS:
                parent = ctx.parent(c)
                names: list[str] = []
                if isinstance(parent, cst.Assign):
                    names = [n for t in parent.targets for n in target_names(t.target)]
                elif isinstance(parent, cst.WithItem) and parent.asname is not None:
                    names = target_names(parent.asname.name)
                elif isinstance(parent, cst.Attribute):  # tf.Session().as_default() ...
                    names = []
                (self.session_names if q in SESSIONS else self.saver_names).update(names)
            if q and q.startswith("tensorflow.summary.") or q == "tensorflow.train.SummaryWriter":
                parent = ctx.parent(c)
                if isinstance(parent, cst.Assign):
                    names = [n for t in parent.targets for n in target_names(t.target)]
                    writer = q.endswith(("FileWriter", "SummaryWriter"))
                    (self.writer_names if writer else self.summary_names).update(names)
        # module functions that build a session of their own and return it (``def train(model, ..):
        # session = tf.Session(); ...; return session``): the names their calls bind
        # (``sess = train(model, ..)``) are sessions too - the caller runs that same session
        self.session_functions: dict[str, tuple] = self._session_functions(calls)
        self.summary_functions: dict[str, list] = self._summary_functions(calls)
        self.writer_attrs: set[str] = self._writer_attrs(calls)
        self._escaping_summaries()
        for scope in self.flow.scopes.values():
            prog = self._build(scope, calls)
            if prog is not None:
                self.programs[id(scope.node)] = prog

    def _session_functions(self, calls) -> dict[str, tuple]:
        """Module functions (no decorator) whose body binds ``S = tf.Session()`` once, at its top
        level, and ends with ``return S``: name -> (FunctionDef, the ``S = ..`` statement, the
        ``return S`` statement, the ``x = f(..)`` statements of its calls). Every call of such a
        function must be a statement ``f(..)`` or ``x = f(..)`` (x a plain name); the names ``x``
        join ``session_names``."""
        out: dict[str, tuple] = {}
        qn = self._qn
        for fn in self.ctx.module.body:
            if not isinstance(fn, cst.FunctionDef) or fn.decorators or not isinstance(fn.body, cst.IndentedBlock):
                continue
            body = list(fn.body.body)
            last = body[-1] if body else None
            if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1
                    and isinstance(last.body[0], cst.Return) and isinstance(last.body[0].value, cst.Name)):
                continue
            sname = last.body[0].value.value
            binds = [st for st in body if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                     and isinstance(st.body[0], cst.Assign) and len(st.body[0].targets) == 1
                     and isinstance(st.body[0].targets[0].target, cst.Name)
                     and st.body[0].targets[0].target.value == sname]
            if len(binds) != 1 or not isinstance(binds[0].body[0].value, cst.Call) \
                    or qn.get(id(binds[0].body[0].value)) not in SESSIONS:
                continue
            scope = self.flow.scopes.get(id(fn))
            if scope is None or len(scope.by_name.get(sname, ())) != 1:
                continue  # bound again somewhere in the function
            callers, ok = [], True
            for c in calls:
                if not (isinstance(c.func, cst.Name) and c.func.value == fn.name.value):
                    continue
                parent = self.ctx.parent(c)
                if isinstance(parent, cst.Expr):
                    continue
                if isinstance(parent, cst.Assign) and len(parent.targets) == 1 \
                        and isinstance(parent.targets[0].target, cst.Name) \
                        and isinstance(self.ctx.parent(parent), cst.SimpleStatementLine):
                    callers.append(self.ctx.parent(parent))
                    continue
                ok = False
            if not ok:
                continue
            out[fn.name.value] = (fn, binds[0], last, callers)
            self.session_names.update(st.body[0].targets[0].target.value for st in callers)
        return out

    def _keras_classes(self) -> set[str]:
        """Module-level classes of the file that subclass a (tf.)keras Model / Layer, directly or
        through another such class: their instances own their weights (``Tower()`` called on two
        inputs shares them, in TF1's graph as in Keras 3)."""
        classes = {s.name.value: s for s in self.ctx.module.body if isinstance(s, cst.ClassDef)}
        out: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, cls in classes.items():
                if name in out:
                    continue
                for a in cls.bases:
                    if a.keyword is not None:
                        continue
                    if isinstance(a.value, cst.Name) and a.value.value in out:
                        out.add(name)
                    else:
                        try:
                            q = self.ctx.legacy_name(a.value) or ""
                        except Exception:  # pragma: no cover - nodes without metadata
                            q = ""
                        if q in _KERAS_BASES:
                            out.add(name)
                    if name in out:
                        changed = True
                        break
        return out

    def _writer_attrs(self, calls) -> set[str]:
        """``self.X = tf.summary.FileWriter(...)`` in a method: X, when every other read of
        ``self.X`` in the file is a statement ``self.X.<writer method>(...)`` (add_summary, flush,
        close ...) and every binding of it is such a writer - TFM142 removes them all (a class's
        TensorBoard writer, as fedden's ``self.writer``)."""
        ctx = self.ctx
        found: set[str] = set()
        for c in calls:
            if self._qn.get(id(c)) not in ("tensorflow.summary.FileWriter", "tensorflow.train.SummaryWriter"):
                continue
            a = ctx.parent(c)
            if isinstance(a, cst.Assign) and len(a.targets) == 1 and a.value is c:
                t = a.targets[0].target
                if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self":
                    found.add(t.attr.value)
        if not found:
            return set()
        ok = set(found)
        for n in _walk(ctx.module):
            if not (isinstance(n, cst.Attribute) and n.attr.value in ok):
                continue
            if not (isinstance(n.value, cst.Name) and n.value.value == "self"):
                ok.discard(n.attr.value)  # (another object's attribute of that name: not told apart)
                continue
            p = ctx.parent(n)
            if isinstance(p, cst.AssignTarget):
                a = ctx.parent(p)
                if not (isinstance(a, cst.Assign) and len(a.targets) == 1 and isinstance(a.value, cst.Call)
                        and self._qn.get(id(a.value)) in ("tensorflow.summary.FileWriter",
                                                          "tensorflow.train.SummaryWriter")):
                    ok.discard(n.attr.value)
                continue
            c = ctx.parent(p) if isinstance(p, cst.Attribute) and p.value is n else None
            if not (isinstance(c, cst.Call) and c.func is p and p.attr.value in WRITER_METHODS
                    and isinstance(ctx.parent(c), cst.Expr)):
                ok.discard(n.attr.value)
        return ok

    def _escaping_summaries(self) -> None:
        """Summary ops and FileWriters bound to names TFM142 removes with their uses: a name read
        otherwise than by those uses (``{'op': summary_op, 'writer': summary_writer}``, an alias,
        an argument of a function of the file) would be left unbound - such a name is no summary
        name: its statements stay, marked (nothing dangles)."""
        names = self.summary_names | self.writer_names
        if not names:
            return
        ctx = self.ctx
        bad: set[str] = set()
        for n in _walk(ctx.module):
            if not (isinstance(n, cst.Name) and n.value in names) or n.value in bad:
                continue
            p = ctx.parent(n)
            below, t = n, p
            while isinstance(t, (cst.Element, cst.Tuple, cst.List, cst.StarredElement)):
                below, t = t, ctx.parent(t)  # ``s, w = make_summaries(...)``: a binding, not a read
            if isinstance(t, (cst.AssignTarget, cst.Param, cst.AsName)) or (isinstance(t, cst.For) and t.target is below) \
                    or (isinstance(p, cst.Attribute) and p.attr is n) \
                    or (isinstance(p, cst.Arg) and p.keyword is n) or isinstance(p, (cst.FunctionDef, cst.ClassDef)):
                continue
            if isinstance(p, cst.Attribute) and p.value is n:
                continue  # ``writer.add_summary(...)``, ``merged.name``: the statement goes or stays whole
            if self._summary_use(n):
                continue
            bad.add(n.value)
        self.summary_names -= bad
        self.writer_names -= bad

    def _summary_use(self, n: cst.Name) -> bool:
        """``n`` is not read where TFM142's removal would leave it unbound: not in a dict display
        (``{'op': summary_op, 'writer': summary_writer}``) nor as the value bound to another name
        (``op = summary_op``), the reads TFM142 does not follow (runs, writer calls, summary
        lists, summary helpers' returns and the writers handed to functions are its own)."""
        ctx = self.ctx
        x = ctx.parent(n)
        while x is not None and not isinstance(x, cst.BaseStatement):
            if isinstance(x, (cst.Dict, cst.DictElement)):
                return False
            if isinstance(x, (cst.Call, cst.Lambda)):
                return True
            if isinstance(x, cst.Assign):
                return x.value is not n  # (a list of summaries is TFM142's)
            x = ctx.parent(x)
        return True

    def is_writer(self, node) -> bool:
        """``node`` names a FileWriter TFM142 removes: a name of ``writer_names`` or ``self.X`` of
        ``writer_attrs``."""
        if isinstance(node, cst.Name):
            return node.value in self.writer_names
        return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self" \
            and node.attr.value in self.writer_attrs

    def summary_only_assign(self, assign: cst.Assign) -> bool:
        """Every name ``assign`` binds is a summary op or a FileWriter (also the values a summary
        helper returns, unpacked): TFM142 removes the statement with their uses."""
        if len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Attribute):
            return self.is_writer(assign.targets[0].target)  # self.writer = tf.summary.FileWriter(...)
        v = assign.value
        if isinstance(v, cst.Call) and isinstance(v.func, cst.Name) and v.func.value in self.summary_functions:
            from .flow import target_names

            names = {n for t in assign.targets for n in target_names(t.target)}
        else:
            names = {t.target.value for t in assign.targets if isinstance(t.target, cst.Name)}
        return bool(names) and names <= (self.summary_names | self.writer_names)

    def _summary_functions(self, calls) -> dict[str, list]:
        """Module functions made only of TensorBoard statements that return summary ops and
        FileWriters (``def do_summaries(m, graph): tf.summary.scalar(..); merged =
        tf.summary.merge_all(); return merged, tf.summary.FileWriter(d, graph)``), every call of
        which is a statement ``s, w = do_summaries(...)`` unpacking the returned tuple: name ->
        those call statements. The names the calls bind join ``summary_names`` / ``writer_names``
        (element by element), so the fetch of ``s`` and ``w.add_summary`` go with them (TFM142)."""
        out: dict[str, list] = {}
        qn = self._qn

        def kind(e) -> str | None:
            q = qn.get(id(e)) if isinstance(e, cst.Call) else None
            if q and (q.startswith("tensorflow.summary.") or q == "tensorflow.train.SummaryWriter"):
                return "writer" if q.endswith(("FileWriter", "SummaryWriter")) else "summary"
            if isinstance(e, cst.Name):
                if e.value in self.writer_names:
                    return "writer"
                if e.value in self.summary_names:
                    return "summary"
            return None

        by_name: dict[str, list] = {}
        for c in calls:
            if isinstance(c.func, cst.Name):
                by_name.setdefault(c.func.value, []).append(c)
        for fn in self.ctx.module.body:
            if not isinstance(fn, cst.FunctionDef) or fn.decorators or not isinstance(fn.body, cst.IndentedBlock):
                continue
            body = list(fn.body.body)
            if len(body) < 2 or not all(isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 for st in body):
                continue
            ret = body[-1].body[0]
            if not isinstance(ret, cst.Return) or ret.value is None:
                continue
            elems = [e.value for e in ret.value.elements] if isinstance(ret.value, cst.Tuple) else [ret.value]
            kinds = [kind(e) for e in elems]
            if None in kinds:
                continue
            ok = True
            for st in body[:-1]:
                small = st.body[0]
                v = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
                q = qn.get(id(v)) if isinstance(v, cst.Call) else None
                if not (q and q.startswith("tensorflow.summary.")) or isinstance(small, cst.Assign) and not all(
                        isinstance(t.target, cst.Name) and t.target.value in self.summary_names | self.writer_names
                        for t in small.targets):
                    ok = False
                    break
            uses = [n for n in _walk(self.ctx.module) if isinstance(n, cst.Name) and n.value == fn.name.value
                    and n is not fn.name]
            sites = by_name.get(fn.name.value, [])
            if not ok or not sites or len(uses) != len(sites):
                continue
            stmts = []
            for c in sites:
                parent = self.ctx.parent(c)
                t = parent.targets[0].target if isinstance(parent, cst.Assign) and len(parent.targets) == 1 else None
                tnames = ([e.value for e in t.elements] if isinstance(t, cst.Tuple) and len(elems) > 1
                          else [t] if len(elems) == 1 else None)
                if t is None or tnames is None or len(tnames) != len(kinds) \
                        or not all(isinstance(n, cst.Name) for n in tnames):
                    stmts = None
                    break
                for n, k in zip(tnames, kinds):
                    (self.writer_names if k == "writer" else self.summary_names).add(n.value)
                stmts.append(self.ctx.statement_of(c))
            if stmts:
                out[fn.name.value] = stmts
        return out

    # -- public ----------------------------------------------------------------------------
    def model_name(self, prog: Program) -> str:
        """The name of the Keras model TFM140 builds for ``prog`` (free in the whole file)."""
        cache = self.__dict__.setdefault("_model_names", {})
        if id(prog) not in cache:
            from ..translate.encoder import free_name

            taken = self.__dict__.get("_taken_names")  # once per file, not once per program
            if taken is None:
                taken = self.__dict__["_taken_names"] = {d.name for s in self.flow.scopes.values() for d in s.defs}
            cache[id(prog)] = free_name(taken, "model")
        return cache[id(prog)]

    def qname(self, call: cst.Call) -> str | None:
        return self._qn.get(id(call))

    def summary_lists(self, scope) -> set[str]:
        """Names bound once in ``scope`` to ``[]`` and read only as ``L.append(x)`` statements
        inside for loops and as arguments of ``tf.summary.merge`` (a list of summary ops being
        collected: ``grad_summaries = []`` ... ``tf.summary.merge(grad_summaries)``)."""
        cache = self.__dict__.setdefault("_summary_lists", {})
        if id(scope) in cache:
            return cache[id(scope)]
        cands = {n for n, ds in scope.by_name.items()
                 if len(ds) == 1 and isinstance(ds[0].value, cst.List) and not ds[0].value.elements}
        used: set[str] = set()  # a list nothing appends to or merges collects no summaries (`R = []` left by TFM151)
        for node in _walk(self.ctx.module):  # (a function reading the list counts too)
            if not (isinstance(node, cst.Name) and node.value in cands):
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.Attribute) and parent.attr is node):
                continue
            if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "append" \
                    and self.flow.scope_of(node) is scope:
                c = self.ctx.parent(parent)
                st = self.ctx.statement_of(node)
                loop = self.ctx.parent(self.ctx.parent(st)) if st is not None else None
                while loop is not None and not isinstance(loop, (cst.For, cst.FunctionDef, cst.Module)):
                    loop = self.ctx.parent(loop)
                if isinstance(c, cst.Call) and isinstance(self.ctx.parent(c), cst.Expr) and isinstance(loop, cst.For):
                    used.add(node.value)
                    continue
            if isinstance(parent, cst.Arg) and parent.value is node and self.flow.scope_of(node) is scope:
                c = self.ctx.parent(parent)
                if isinstance(c, cst.Call) and self.qname(c) == "tensorflow.summary.merge":
                    used.add(node.value)
                    continue
            cands.discard(node.value)
        cands &= used
        cache[id(scope)] = cands
        return cands

    def summary_loop(self, loop: cst.For) -> bool:
        """A for loop (no ``else``) whose body only makes TensorBoard summaries: ``tf.summary.*``
        calls as statements or bound to names that only the loop's ``L.append(name)`` of a
        summary list reads, under ``if`` s without calls in their tests (``for g, v in
        grads_and_vars: if g is not None: h = tf.summary.histogram(...); summaries.append(h)``)."""
        if loop.orelse is not None:
            return False
        scope = self.flow.scope_of(loop)
        lists = self.summary_lists(scope)
        local: set[str] = set()

        def summary_call(v) -> bool:
            q = self.qname(v) if isinstance(v, cst.Call) else None
            return bool(q) and q.startswith("tensorflow.summary.") and not q.endswith("FileWriter")

        def ok(stmts) -> bool:
            for st in stmts:
                if isinstance(st, cst.If):
                    if any(isinstance(n, cst.Call) for n in _walk(st.test)) or not isinstance(st.body, cst.IndentedBlock) \
                            or not ok(st.body.body):
                        return False
                    if st.orelse is not None and not (isinstance(st.orelse, cst.Else) and isinstance(
                            st.orelse.body, cst.IndentedBlock) and ok(st.orelse.body.body)):
                        return False
                    continue
                if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1):
                    return False
                small = st.body[0]
                if isinstance(small, cst.Expr) and summary_call(small.value):
                    continue
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    c, f = small.value, small.value.func
                    if isinstance(f, cst.Attribute) and f.attr.value == "append" and isinstance(f.value, cst.Name) \
                            and f.value.value in lists and len(c.args) == 1 and (
                                isinstance(c.args[0].value, cst.Name) and c.args[0].value.value in local
                                # ``summaries.append(tf.summary.histogram(name, g))``: the op appended as made
                                or summary_call(c.args[0].value) and c.args[0].keyword is None):
                        continue
                    return False
                if isinstance(small, cst.Assign) and summary_call(small.value) \
                        and all(isinstance(t.target, cst.Name) for t in small.targets):
                    local.update(t.target.value for t in small.targets)
                    continue
                return False
            return True

        if not isinstance(loop.body, cst.IndentedBlock) or not ok(loop.body.body):
            return False
        inside = {id(n) for n in _walk(loop)}
        return not any(isinstance(n, cst.Name) and n.value in local and id(n) not in inside
                       for n in _walk(scope.node))

    def gradient_summary_loop(self, loop: cst.For) -> bool:
        """``for g, v in zip(grads, tvars):`` whose body only makes summaries (``summary_loop``),
        ``grads`` / ``tvars`` plain names each bound once in the loop's scope by a statement
        ``grads, _ = tf.clip_by_global_norm(..)`` / ``grads = tf.gradients(..)`` / ``tvars =
        tf.trainable_variables()`` (the text-CNN tutorials' gradient histograms over the clipped
        gradients): iterating lists, the loop changes nothing but the summaries."""
        it = loop.iter
        if not (isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value == "zip"
                and len(it.args) == 2 and all(a.keyword is None and not a.star and isinstance(a.value, cst.Name)
                                              for a in it.args)):
            return False
        if self.flow.scope_of(loop) is None or any(  # ``zip`` rebound in the file: not the builtin
                d.name == "zip" for sc in self.flow.scopes.values() for d in sc.defs):
            return False
        scope = self.flow.scope_of(loop)
        for a in it.args:
            defs = scope.by_name.get(a.value.value, ())
            v = defs[0].value if len(defs) == 1 else None
            q = self.qname(v) if isinstance(v, cst.Call) else None
            if q not in ("tensorflow.clip_by_global_norm", "tensorflow.gradients", "tensorflow.trainable_variables"):
                return False
        return self.summary_loop(loop)

    def _keras3_name(self, c: cst.Call) -> str:
        """A Keras 3 model / layer constructor (``keras.Sequential(...)``, ``keras.layers.Dense``):
        a second run reads what the first wrote from ``tf.keras`` the same way (the legacy names
        above are TensorFlow's and tflearn's only)."""
        d = dotted(c.func) or ""
        if not (d.startswith("keras.") or isinstance(c.func, cst.Name)):
            return ""
        try:
            names = self.ctx.qualified(c.func)
        except Exception:  # pragma: no cover - nodes without metadata
            return ""
        return next((n for n in sorted(names) if n.startswith("keras.")), "")

    def program_of(self, node: cst.CSTNode) -> Program | None:
        """The program of the scope holding ``node`` (or the module's, if that has one)."""
        n: cst.CSTNode | None = node
        while n is not None:
            if id(n) in self.programs:
                return self.programs[id(n)]
            n = self.ctx.parent(n)
        return self.programs.get(id(self.ctx.module))

    def _gram(self, c: cst.Call, q: str) -> bool:
        """``tf.matmul(e, tf.transpose(e))`` / ``tf.matmul(e, e, transpose_b=True)``: the products of
        one tensor's rows with each other (a pairwise-distance matrix) - no weight is applied."""
        if q.rpartition(".")[2] not in ("matmul", "dot", "tensordot"):
            return False
        pos = [a.value for a in c.args if a.keyword is None][:2]
        if len(pos) != 2:
            return False

        def base(e):
            if isinstance(e, cst.Call) and (dotted(e.func) or "").rpartition(".")[2] == "transpose" and e.args:
                e = e.args[0].value
            return code(e).strip() if isinstance(e, (cst.Name, cst.Attribute)) else None

        a, b = base(pos[0]), base(pos[1])
        return a is not None and a == b

    def trainable_functions(self) -> set[str]:
        """Names of the file's functions that apply or create trainable parameters (a layer,
        ``matmul``/``conv2d``, ``get_variable``/``Variable``), directly or through another such
        function. A helper computing only tensor ops (a loss, a distance) is not one: the
        placeholders it reads stay labels."""
        if "_trainable_fns" in self.__dict__:
            return self.__dict__["_trainable_fns"]
        defs: dict[str, list[cst.FunctionDef]] = {}
        for s in self.flow.scopes.values():
            if isinstance(s.node, cst.FunctionDef):
                defs.setdefault(s.node.name.value, []).append(s.node)
        direct: dict[str, bool] = {}
        called: dict[str, set[str]] = {}
        for name, nodes in defs.items():
            direct[name], called[name] = False, set()
            for fn in nodes:
                for node in _walk(fn.body):
                    if not isinstance(node, cst.Call):
                        continue
                    q = self._qn.get(id(node)) or ""
                    if not q and isinstance(node.func, cst.Call):  # keras.layers.Dense(4)(x)
                        q = self._qn.get(id(node.func)) or next(
                            (n for n in self.ctx.qualified(node.func.func) if n.startswith(_PARAM_PREFIXES)), "") \
                            or _stored_layer(node.func)
                    d = dotted(node.func) or ""
                    # (keras.ops.matmul/conv: the same op after TFM130 - a second run must agree)
                    if (q.startswith(_PARAM_PREFIXES) or q in _PARAM_CALLS or q in _VARIABLE_CALLS
                            or d in _KERAS_PARAM_OPS or (not q and d in self.layer_objects)) \
                            and not self._gram(node, q or d):
                        direct[name] = True
                    head, _, tail = d.partition(".")
                    called[name].add(tail if head in ("self", "cls") and "." not in tail else head)
        out = {n for n, v in direct.items() if v}
        changed = True
        while changed:
            changed = False
            for n in defs:
                if n not in out and called[n] & out:
                    out.add(n)
                    changed = True
        self.__dict__["_trainable_fns"] = out
        return out

    def trainable_classes(self) -> set[str]:
        """Names of the file's module-level classes one of whose methods (its own or a base's of
        the file; properties and cached properties - ``@property``, ``functools.cached_property``,
        DIGITS' ``model_property``, Danijar's ``lazy_property`` - are methods here) applies or
        creates trainable parameters: an object built from placeholders (``m = Model(x, y)``)
        whose attributes are graph tensors is the model itself, every placeholder given to its
        constructor one of its inputs (the loss it builds is then a tensor of all of them)."""
        if "_trainable_classes" in self.__dict__:
            return self.__dict__["_trainable_classes"]
        fns = self.trainable_functions()
        classes = {s.name.value: s for s in self.ctx.module.body if isinstance(s, cst.ClassDef)}

        def methods(cls, seen=()):
            out = {s.name.value for s in cls.body.body if isinstance(s, cst.FunctionDef)}
            for a in cls.bases:
                if a.keyword is None and isinstance(a.value, cst.Name) and a.value.value in classes \
                        and a.value.value not in seen:
                    out |= methods(classes[a.value.value], (*seen, cls.name.value))
            return out

        out = {n for n, c in classes.items() if (methods(c) - {"__init__"}) & fns}
        self.__dict__["_trainable_classes"] = out
        return out

    def _called_instance(self, scope, func, user_functions) -> bool:
        """``net(x)`` with ``net = ConvNet()`` bound once, ConvNet a trainable class of the file
        with a ``__call__`` method that builds (the object applied as a model)."""
        if not isinstance(func, cst.Name):
            return False
        defs = scope.by_name.get(func.value, ())
        if not (len(defs) == 1 and isinstance(defs[0].value, cst.Call) and isinstance(defs[0].value.func, cst.Name)
                and defs[0].value.func.value in user_functions):
            return False
        if "__call__" in user_functions:
            return True
        # ``extractor = build_model(params)`` returning the ``tf.keras.Sequential([...])`` it made
        fn = next((st for st in self.ctx.module.body if isinstance(st, cst.FunctionDef)
                   and st.name.value == defs[0].value.func.value), None)
        return fn is not None and _returns_keras_model(fn)

    def _class_methods(self, cls: cst.ClassDef, seen: tuple = ()) -> dict[str, cst.FunctionDef]:
        classes = {s.name.value: s for s in self.ctx.module.body if isinstance(s, cst.ClassDef)}
        out: dict[str, cst.FunctionDef] = {}
        for a in reversed(cls.bases):
            if a.keyword is None and isinstance(a.value, cst.Name) and a.value.value in classes \
                    and a.value.value not in seen:
                out.update(self._class_methods(classes[a.value.value], (*seen, cls.name.value)))
        out.update({s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)})
        return out

    def member_params(self, cls: cst.ClassDef, member: str) -> set[str] | None:
        """The ``__init__`` parameters the value of ``obj.member`` is computed from, for an object
        of ``cls`` (a class of this file): a method, property or cached property (DIGITS'
        ``model_property``, ``lazy_property``, ``functools.cached_property``) is read like a
        method called once - the ``self.<attr>`` it reads, through the other members it reads in
        turn, down to attributes ``__init__`` sets to one of its parameters (``self.x = x``).
        None when something is not understood (an attribute set otherwise, ``self`` passed on)."""
        methods = self._class_methods(cls)
        init = methods.get("__init__")
        if init is None or not init.params.params:
            return None
        params = {p.name.value for p in init.params.params[1:]}
        attrs: dict[str, str | None] = {}   # data attribute -> the __init__ parameter it holds
        for fn in methods.values():
            sn = fn.params.params[0].name.value if fn.params.params else None
            for node in _walk(fn.body):
                if isinstance(node, cst.Assign):
                    for t in node.targets:
                        unpack = isinstance(t.target, (cst.Tuple, cst.List))
                        targets = [el.value for el in t.target.elements] if unpack else [t.target]
                        # ``self.a, self.b = a, b``: each target its own element
                        values = ([el.value for el in node.value.elements]
                                  if unpack and isinstance(node.value, (cst.Tuple, cst.List))
                                  and len(node.value.elements) == len(targets)
                                  and not any(isinstance(el, cst.StarredElement) for el in node.value.elements)
                                  else [None if unpack else node.value] * len(targets))
                        for e, v in zip(targets, values):
                            if isinstance(e, cst.Attribute) and isinstance(e.value, cst.Name) and e.value.value == sn:
                                ok = fn is init and isinstance(v, cst.Name) and v.value in params \
                                    and e.attr.value not in attrs
                                attrs[e.attr.value] = v.value if ok else None
        out: set[str] = set()
        seen: set[str] = set()
        todo = [member]
        while todo:
            m = todo.pop()
            if m in seen:
                continue
            seen.add(m)
            if m in methods and m != "__init__":
                fn = methods[m]
                if not fn.params.params:
                    return None
                sn = fn.params.params[0].name.value
                for node in _walk(fn.body):
                    if isinstance(node, cst.Name) and node.value == sn:
                        parent = self.ctx.parent(node)
                        if not (isinstance(parent, cst.Attribute) and parent.value is node):
                            return None  # ``self`` passed on or stored: not followed
                        todo.append(parent.attr.value)
            elif attrs.get(m) is not None:
                out.add(attrs[m])
            else:  # set otherwise, or not by the class: not followed
                return None
        return out

    @staticmethod
    def member_train_op(prog: "Program", node) -> bool:
        """``inst.member`` whose method builds a train op (Danijar's ``optimize`` member returning
        ``optimizer.minimize(self.loss)``): no tensor to predict (see object_member_placeholders)."""
        return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) \
            and f"{node.value.value}.{node.attr.value}" in prog.member_ops

    @staticmethod
    def _member_name(prog: "Program", e) -> str | None:
        """A fetched ``model.loss`` that a train op minimizes (``Program.members``)."""
        if isinstance(e, cst.Attribute) and isinstance(e.value, cst.Name):
            name = f"{e.value.value}.{e.attr.value}"
            if name in prog.members:
                return name
        return None

    def _member_tensor(self, prog: "Program", node) -> str | None:
        """``model.loss`` (see ``Program.members``): its dotted name, recorded; else None."""
        phs = self.object_member_placeholders(prog, node) if node is not None else None
        if not phs:
            return None
        name = f"{node.value.value}.{node.attr.value}"
        prog.members[name] = phs
        prog.tensors.add(name)
        return name

    def object_member_placeholders(self, prog: "Program", node: cst.BaseExpression) -> list[str] | None:
        """``inst.member`` with ``inst = Cls(...)`` bound once in the program's scope (Cls a
        trainable class of this file, see ``trainable_classes``): the placeholders its value
        depends on (those given to the constructor parameters the member reads); None when not
        such an expression or not understood."""
        if not (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name)):
            return None
        defs = prog.scope.by_name.get(node.value.value, ())
        if len(defs) != 1 or not isinstance(defs[0].value, cst.Call) or not isinstance(defs[0].value.func, cst.Name):
            return None
        value = defs[0].value
        if value.func.value not in self.trainable_classes():
            return None
        cls = next((s for s in self.ctx.module.body if isinstance(s, cst.ClassDef)
                    and s.name.value == value.func.value), None)
        init = self._class_methods(cls).get("__init__") if cls is not None else None
        if init is None:
            return None
        fn = self._class_methods(cls).get(node.attr.value)
        if fn is not None and any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                                  and n.func.attr.value in ("minimize", "apply_gradients", "compute_gradients")
                                  for n in _walk(fn.body)):
            prog.member_ops.add(f"{node.value.value}.{node.attr.value}")
            return None
        used = self.member_params(cls, node.attr.value)
        if used is None:
            return None
        fake = init.with_changes(params=init.params.with_changes(params=init.params.params[1:]))
        bound = self.flow.call_bindings(fake, value)
        if bound is None:
            return None
        out: set[str] = set()
        for p in used:
            if p in bound:
                for n in load_names(bound[p]):
                    out.update(prog.placeholders_of(n))
        return [p for p in prog.placeholders if p in out]

    def _monitored_run(self, call: cst.Call) -> bool:
        f = call.func
        return (isinstance(f, cst.Attribute) and f.attr.value == "run"
                and isinstance(f.value, cst.Name) and f.value.value in self.monitored_names)

    def is_session_run(self, call: cst.Call) -> bool:
        f = call.func
        return (isinstance(f, cst.Attribute) and f.attr.value == "run"
                and isinstance(f.value, cst.Name) and f.value.value in self.session_names)

    # -- building ----------------------------------------------------------------------------
    def _scope_calls(self, scope: ScopeFlow, calls: list[cst.Call]) -> list[cst.Call]:
        by_scope = self.__dict__.get("_calls_by_scope")
        if by_scope is None or by_scope[0] is not calls:  # group once (order kept), not per scope
            groups: dict[int, list[cst.Call]] = {}
            for c in calls:
                groups.setdefault(id(self.flow.scope_of(c)), []).append(c)
            by_scope = self.__dict__["_calls_by_scope"] = (calls, groups)
        return list(by_scope[1].get(id(scope), ()))

    def _several_graphs(self, prog: Program, mine: list[cst.Call]) -> str | None:
        """Why the scope holds several TF1 programs (None: one): graph resets
        (``tf.reset_default_graph()``, or the ``keras.backend.clear_session()`` a first run wrote
        for it) with placeholders bound both before and after one of them - a notebook running
        program after program in one namespace, redefining ``x``, ``loss``, ``train_op``, ``sess``.
        One analysis of the scope would mix the programs (a name's roles and reads taken from
        all of them), and its half-translated output would be read differently on a second run."""
        resets = [self.ctx.position(c) for c in mine
                  if self._qn[id(c)] in GRAPH_RESETS or dotted(c.func) == "keras.backend.clear_session"]
        if not resets:
            return None
        segments = {sum(1 for r in resets if r < self.ctx.position(p.call)) for p in prog.placeholders.values()}
        for n in prog.scope.by_name:
            for d in prog.scope.by_name[n]:
                if isinstance(d.value, cst.Call) and self._qn.get(id(d.value)) in PLACEHOLDERS:
                    segments.add(sum(1 for r in resets if r < self.ctx.position(d.value)))
        if len(segments) < 2:
            return None
        return (f"{len(segments)} TF1 programs in one scope (graph reset between them, the same names bound "
                "again): not translated - migrate each program on its own (its own script or function)")

    def _build(self, scope: ScopeFlow, calls: list[cst.Call]) -> Program | None:
        mine = self._scope_calls(scope, calls)
        prog = Program(scope)
        twice: list[str] = []  # names two placeholder statements bind
        for c in mine:
            q = self._qn[id(c)]
            parent = self.ctx.parent(c)
            if q in PLACEHOLDERS and isinstance(parent, cst.Assign) and len(parent.targets) == 1 \
                    and isinstance(parent.targets[0].target, cst.Name):
                stmt = self.ctx.statement_of(c)
                if _class_body(self.ctx, stmt):
                    continue  # a class attribute (``x = tf.placeholder(...)`` in a class body): TF1Classes'

                if q == "tensorflow.placeholder":
                    dtype, shape, default = _arg(c, 0, "dtype"), _arg(c, 1, "shape"), None
                else:
                    default, shape, dtype = _arg(c, 0, "input"), _arg(c, 1, "shape"), None
                name = parent.targets[0].target.value
                if name in prog.placeholders and prog.placeholders[name].statement is not stmt:
                    twice.append(name)
                p = Placeholder(name, stmt, c, dtype, shape, default)
                # a scalar (keep_prob, is_training, a rate): hyper; a placeholder_with_default of a
                # batch shape ([None], [None, 4]) is an input / label like a plain placeholder
                if shape is None or literal(shape, None) in ([], ()) or (
                        default is not None and not (isinstance(shape, (cst.List, cst.Tuple)) and shape.elements)):
                    p.role = "hyper"
                prog.placeholders[name] = p
        if not prog.placeholders:
            return None
        prog.several_graphs = self._several_graphs(prog, mine)
        if prog.several_graphs is None:
            from .tensor_names import TensorNameReads

            prog.several_graphs = self.ctx.analysis(TensorNameReads).why
        if prog.several_graphs is None and twice:
            # (TF-Examples' multi-GPU script: one graph made twice over under the same names)
            prog.several_graphs = (f"placeholder {twice[0]} is made by two statements of one scope (a second "
                                   "graph under the same names): not translated - one program per scope")
        for name, ds in scope.by_name.items():
            if ds and all(isinstance(d.value, cst.Call) and self.qname(d.value) in _VARIABLE_CALLS[:2]
                          and not any(a.keyword is not None and a.keyword.value == "trainable"
                                      for a in d.value.args) for d in ds):
                prog.variables.add(name)
        prog.appended = _appended(scope)
        # tensors: names whose closure reaches a placeholder
        for d in scope.defs:
            if d.name in prog.placeholders:
                prog.tensors.add(d.name)
        changed = True
        while changed:
            changed = False
            for d in scope.defs:
                if d.name in prog.tensors or _is_numpy_def(d) or d.value is None or isinstance(
                        d.value, (cst.Dict, cst.DictComp, cst.Set, cst.SetComp, cst.SimpleString)):
                    continue
                if not d.name.strip("_"):
                    # ``grads, _ = tf.clip_by_global_norm(...)``: the throwaway name, bound again to
                    # run results and loop counters in the same scope, is no tensor of the program
                    continue
                if prog.deps_of(d) & prog.tensors and not _optimizer_call(d.value) \
                        and not self._object_of_flags(prog, d):
                    prog.tensors.add(d.name)
                    changed = True
        # roles: placeholders reaching a trainable op are inputs, the other non-scalars labels
        user_functions = self.trainable_functions() | self.trainable_classes()
        reaching: set[str] = set()
        for c in mine:
            q = self._qn[id(c)] or ""
            if not q and isinstance(c.func, cst.Call):  # ``keras.layers.Dense(4)(x)``: a layer applied
                q = self._qn.get(id(c.func)) or next(
                    (n for n in self.ctx.qualified(c.func.func) if n.startswith(_PARAM_PREFIXES)), "") \
                    or _stored_layer(c.func)
            fn = dotted(c.func) or ""
            if not (q.startswith(_PARAM_PREFIXES) or q in _PARAM_CALLS or fn in _KERAS_PARAM_OPS
                    or (not q and fn in self.layer_objects)
                    or (not q and (fn.split(".")[0] in user_functions
                                   or (isinstance(c.func, cst.Attribute) and c.func.attr.value in user_functions)))
                    or (not q and self._called_instance(scope, c.func, user_functions))):
                continue
            if q in PLACEHOLDERS or self._gram(c, q or fn):
                continue
            for a in c.args:
                for n in load_names(a.value):
                    reaching.update(prog.placeholders_of(n))
        for p in prog.placeholders.values():
            if p.role != "hyper":
                p.role = "input" if p.name in reaching else "label"
            if p.role != "hyper" and self._assigned_only(scope, p.name):
                # ``W.assign(ph)`` / ``tf.assign(W, ph)``: a value written into a variable (a
                # pretrained table, a rate), not an input of the model's computation
                p.role = "hyper"
        # train ops
        for c in mine:
            f = c.func
            if isinstance(f, cst.Attribute) and f.attr.value == "minimize":
                loss = _arg(c, 0, "loss")
                parent = self.ctx.parent(c)
                name = None
                if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(
                        parent.targets[0].target, cst.Name):
                    name = parent.targets[0].target.value
                index = None
                if isinstance(loss, cst.Subscript) and isinstance(loss.value, cst.Name) and len(loss.slice) == 1 \
                        and isinstance(loss.slice[0].slice, cst.Index) \
                        and type(literal(loss.slice[0].slice.value, None)) is int:
                    loss, index = loss.value, loss.slice[0].slice.value
                loss_name = loss.value if isinstance(loss, cst.Name) else self._member_tensor(prog, loss)
                prog.train_ops.append(TrainOp(name, self.ctx.statement_of(c), c, f.value, loss_name,
                                              loss_index=index))
        for c in mine:
            f = c.func
            if isinstance(f, cst.Attribute) and f.attr.value == "apply_gradients":
                op = self._apply_gradients(prog, scope, c)
                if op is not None:
                    prog.train_ops.append(op)
        # streaming metrics: ``value, update_op = tf.metrics.auc(...)``
        for c in mine:
            q = (self._qn[id(c)] or "").replace("tensorflow.compat.v1.", "tensorflow.")
            if q.startswith("tensorflow.metrics.") and q.rsplit(".", 1)[1] in STREAMING_METRICS:
                parent = self.ctx.parent(c)
                stmt = self.ctx.statement_of(c)
                if isinstance(parent, cst.Assign) and len(parent.targets) == 1 \
                        and isinstance(parent.targets[0].target, (cst.Tuple, cst.List)) \
                        and len(parent.targets[0].target.elements) == 2 \
                        and all(isinstance(e.value, cst.Name) for e in parent.targets[0].target.elements):
                    v, u = (e.value.value for e in parent.targets[0].target.elements)
                    m = StreamingMetric(v, u, q.rsplit(".", 1)[1], c, stmt)
                    prog.metrics[v] = prog.metrics[u] = m
                    prog.tensors.update((v, u))
        # runs: sess.run(...), tensor.eval(...), op.run(...)
        for c in mine:
            if self.is_session_run(c):
                prog.runs.append(self._run(prog, c))
            elif self._monitored_run(c):
                self.session_names.add(c.func.value.value)
                run = self._run(prog, c)
                self.session_names.discard(c.func.value.value)
                run.ok, run.why = False, ("a run of a MonitoredTrainingSession / Supervisor session (its hooks, "
                                          "should_stop() and variable initialization are not translated)")
                prog.runs.append(run)
            elif self._method_run(prog, c):
                prog.runs.append(self._run(prog, c, method="eval"))
        if scope.node is self.ctx.module:
            self._function_runs(prog, calls)
        for name, p in list(prog.placeholders.items()):
            if p.default is not None and not prog.fed_values(name) and literal(p.default, None) is None \
                    and any(n in prog.tensors and n != name for n in load_names(p.default)):
                prog.unfed_defaults[name] = prog.placeholders.pop(name)
        # variable scopes
        for node in _walk(scope.node):
            if isinstance(node, cst.With) and self.flow.scope_of(node) is scope:
                for item in node.items:
                    if isinstance(item.item, cst.Call) and self._qn.get(id(item.item)) == "tensorflow.variable_scope":
                        reuse = _arg(item.item, 99, "reuse")
                        r = None
                        if reuse is not None:
                            d = dotted(reuse) or code(reuse)
                            r = "AUTO_REUSE" if d.endswith("AUTO_REUSE") else d
                        alias = item.asname.name.value if item.asname is not None and isinstance(
                            item.asname.name, cst.Name) else None
                        prog.scopes.append(VariableScope(node, item.item, _arg(item.item, 0, "name_or_scope"),
                                                         r, alias))
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                    and node.func.attr.value == "reuse_variables" and self.flow.scope_of(node) is scope:
                prog.reuse_calls.append(self.ctx.statement_of(node))
        return prog

    def _assigned_only(self, scope: ScopeFlow, name: str) -> bool:
        """Every read of ``name`` in the scope is the value of an assign to a variable:
        ``v.assign(name)`` / ``tf.assign(v, name)`` (feed-dict keys and bindings are no reads)."""
        reads = 0
        for node in _walk(scope.node):
            if not (isinstance(node, cst.Name) and node.value == name):
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.DictElement) and parent.key is node) \
                    or (isinstance(parent, cst.Attribute) and parent.attr is node) \
                    or (isinstance(parent, cst.Arg) and parent.keyword is node):
                continue
            c = self.ctx.parent(parent) if isinstance(parent, cst.Arg) and parent.value is node else None
            if not isinstance(c, cst.Call) or parent.star:
                return False
            if isinstance(c.func, cst.Attribute) and c.func.attr.value == "assign" and len(c.args) == 1:
                reads += 1
                continue
            if self._qn.get(id(c)) in ("tensorflow.assign", "tensorflow.compat.v1.assign") \
                    and _arg(c, 1, "value") is node:
                reads += 1
                continue
            return False
        return reads > 0

    def _function_runs(self, prog: Program, calls: list[cst.Call]) -> None:
        """Runs of the module's program in module functions (``def train_epoch(sess, epoch)``,
        ``def evaluate(sess, a, b)``, or reading a global session) that read the program's
        placeholders and tensors as globals: runs of the program. A session parameter must be
        read only by those runs and every call of the function must pass a session of the file
        at its position (that parameter and those arguments go with the runs)."""
        names = set(prog.placeholders) | prog.tensors | {t.name for t in prog.train_ops if t.name}
        fns = [fn for fn in self.ctx.module.body if isinstance(fn, cst.FunctionDef) and not fn.decorators
               and fn.name.value not in self.session_functions]
        # (functions making their own session last: they may pass it to the others, whose session
        # parameters must be known first)
        own = [fn for fn in fns if self._binds_session(fn)]
        for fn in [f for f in fns if all(f is not o for o in own)] + own:
            fscope = self.flow.scopes.get(id(fn))
            if fscope is None:
                continue
            mine = self._scope_calls(fscope, calls)
            own_ops = self._own_train_ops(prog, fn, fscope, mine, calls) if any(fn is o for o in own) else []
            runs = [c for c in mine if self.is_session_run(c)]
            # ``loss.eval(feed)`` / ``train_op.run(feed)`` on the function's own InteractiveSession
            mruns = [c for c in mine if not self.is_session_run(c) and self._method_run(prog, c)]
            if not runs and not mruns:
                continue
            read = set()
            for c in runs + mruns:
                read |= {n.value for n in _walk(c) if isinstance(n, cst.Name)}
            if any(fscope.by_name.get(n) for n in read & names - {t.name for t in own_ops}):
                continue  # a local of the same name as one of the program's tensors
            sessions = {c.func.value.value for c in runs}
            given = [self._session_kw(c) for c in mruns]
            dflt = self._default_session_block(fn, mruns, given, sessions) if mruns else None
            if not read & names and not self._passes_session(prog, fn, sessions or ({dflt} if dflt else set())):
                continue  # none of the program's tensors (nor its session given to functions running them)
            params = list(fn.params.params)
            if mruns and all(g is not None for g in given) and len(set(given) | sessions) == 1 \
                    and all(d.index >= 0 and isinstance(d.value, cst.Call) and self._qn.get(id(d.value)) in SESSIONS
                            for d in fscope.by_name.get(given[0], ())) and fscope.by_name.get(given[0]):
                sessions = set(given)  # ``t.eval(session=sess, feed_dict=..)`` on the function's own session
            elif dflt:
                sessions = {dflt}  # ``init.run()`` inside ``with tf.Session() as sess:`` (the default session)
            elif mruns:
                own = {n for n, ds in fscope.by_name.items() if ds and all(
                    isinstance(d.value, cst.Call) and self._qn.get(id(d.value)) == "tensorflow.InteractiveSession"
                    for d in ds)}
                if len(own) != 1 or not sessions <= own or any(g is not None and g not in own for g in given):
                    continue  # method runs need the function's own InteractiveSession (the default one)
                sessions = own
            sess_params = [i for i, p_ in enumerate(params) if p_.name.value in sessions]
            if len(sessions) != 1 or len(sess_params) > 1 or (sess_params and isinstance(fn.params.star_arg, cst.Param)):
                continue  # (a ``*args`` after the session: its position at the calls is not followed)
            args: list = []
            if sess_params:
                idx = sess_params[0]
                sname = params[idx].name.value
                if any(d.index >= 0 for d in fscope.by_name.get(sname, ())):
                    continue  # rebound in the function
                reads = [n for n in _walk(fn.body) if isinstance(n, cst.Name) and n.value == sname]
                if len(reads) != len(runs) or not all(
                        isinstance(self.ctx.parent(n), cst.Attribute) and self.ctx.parent(n).value is n
                        and any(c.func is self.ctx.parent(n) for c in runs) for n in reads):
                    continue  # the session used other than by these runs
                uses = [n for n in _walk(self.ctx.module) if isinstance(n, cst.Name)
                        and n.value == fn.name.value and n is not fn.name]
                sites = [self.ctx.parent(n) for n in uses]
                if not sites or not all(isinstance(c, cst.Call) and c.func is n for c, n in zip(sites, uses)):
                    continue  # passed around, not only called
                ok = True
                for c in sites:
                    pos = [a for a in c.args if a.keyword is None and not a.star]
                    if any(a.star for a in c.args) or len(pos) <= idx or not isinstance(pos[idx].value, cst.Name) \
                            or pos[idx].value.value not in self.session_names:
                        ok = False
                        break
                    args.append(pos[idx])
                if not ok:
                    continue
                prog.session_params.append(params[idx])
                prog.session_args.extend(args)
            elif any(fscope.by_name.get(s_) for s_ in sessions) and not self._own_session(prog, fn, fscope, sessions, runs + mruns):
                continue  # a session of its own, used otherwise than by runs of the program
            prog.train_ops.extend(own_ops)  # (once its runs are the program's: before they are read)
            for c in runs:
                prog.runs.append(self._run(prog, c))
            for c in mruns:
                prog.runs.append(self._run(prog, c, method="eval"))

    def _own_train_ops(self, prog: Program, fn: cst.FunctionDef, fscope, mine: list[cst.Call],
                       calls: list[cst.Call]) -> list[TrainOp]:
        """``def main(): with tf.Session() as sess: train_op = opt.minimize(loss); ...``: the
        train op of the module's loss built in the function making its own session (TF1 adds it
        to the one graph, before the variables are initialized). Taken as the program's (added to
        ``prog.train_ops``) when the function binds the name once, to that ``minimize`` of a
        module tensor, and every run of the file but initializer runs is in the function (the
        Keras model it becomes is the function's local). The candidates: ``_function_runs`` adds
        them once the function's runs are the program's."""
        out = []
        for c in mine:
            f = c.func
            if not (isinstance(f, cst.Attribute) and f.attr.value == "minimize"):
                continue
            loss = _arg(c, 0, "loss")
            parent = self.ctx.parent(c)
            if not (isinstance(loss, cst.Name) and loss.value in prog.tensors and not fscope.by_name.get(loss.value)
                    and isinstance(parent, cst.Assign) and len(parent.targets) == 1
                    and isinstance(parent.targets[0].target, cst.Name)
                    and len(fscope.by_name.get(parent.targets[0].target.value, ())) == 1
                    and all(default_minimize_arg(self.qname, a) for a in c.args[1:])):
                return []
            out.append(TrainOp(parent.targets[0].target.value, self.ctx.statement_of(c), c, f.value, loss.value))
        if len(out) != 1 or prog.train_ops:
            return []
        for c in calls:
            if (self.is_session_run(c) or self._method_run(prog, c) or self._monitored_run(c)) \
                    and not self._inside(c, fn):
                a = c.args[0].value if len(c.args) == 1 else (c.func.value if not c.args else None)
                if not (isinstance(a, cst.Call) and self._qn.get(id(a)) in INITIALIZERS):
                    return []  # a run elsewhere (its model would be the function's local)
        return out

    def _default_session_block(self, fn: cst.FunctionDef, mruns: list, given: list, sessions: set[str]) -> str | None:
        """``with tf.Session() as sess:`` in ``fn`` around every method run (``init.run()``,
        ``t.eval(feed_dict=..)``): inside the block ``sess`` is TF1's default session, the one those
        runs use. The session name (also that of every ``sess.run`` of ``fn``), or None."""
        blocks = [w for w in _walk(fn.body) if isinstance(w, cst.With) and len(w.items) == 1
                  and isinstance(w.items[0].item, cst.Call) and self._qn.get(id(w.items[0].item)) in SESSIONS
                  and w.items[0].asname is not None and isinstance(w.items[0].asname.name, cst.Name)]
        if len(blocks) != 1:
            return None
        name = blocks[0].items[0].asname.name.value
        if not all(self._inside(c, blocks[0]) for c in mruns) or any(g not in (None, name) for g in given) \
                or not sessions <= {name}:
            return None
        return name

    @staticmethod
    def _session_kw(c: cst.Call) -> str | None:
        """``t.eval(session=sess, ..)`` / ``op.run(session=sess)``: the session name given."""
        a = next((a for a in c.args if a.keyword is not None and a.keyword.value == "session"), None)
        return a.value.value if a is not None and isinstance(a.value, cst.Name) else None

    def _binds_session(self, fn: cst.FunctionDef) -> bool:
        """``fn`` makes a session of its own (``sess = tf.Session()`` / ``with tf.Session() as sess``)."""
        fscope = self.flow.scopes.get(id(fn))
        return fscope is not None and any(
            d.index >= 0 and isinstance(d.value, cst.Call) and self._qn.get(id(d.value)) in SESSIONS
            for ds in fscope.by_name.values() for d in ds)

    def _passes_session(self, prog: Program, fn: cst.FunctionDef, sessions: set[str]) -> bool:
        """``def main(): with tf.Session() as sess: sess.run(init); train_epoch(sess, e)``: the
        session its runs use is given to functions whose runs are the program's (a session
        argument of ``prog``)."""
        return len(sessions) == 1 and any(
            isinstance(a.value, cst.Name) and a.value.value in sessions and self._inside(a, fn)
            for a in prog.session_args)

    def _inside(self, node, fn) -> bool:
        n = node
        while n is not None:
            if n is fn:
                return True
            n = self.ctx.parent(n)
        return False

    def _own_session(self, prog: Program, fn: cst.FunctionDef, fscope, sessions: set[str], runs: list[cst.Call]) -> bool:
        """``def main():`` creating its own session (``sess = tf.Session()`` / ``with tf.Session()
        as sess:``) to run the module's program: the session is bound only to new sessions and
        read only by those runs (``t.eval(session=sess, ..)`` too), ``sess.close()``,
        ``sess.run(<initializer>)`` (which go with it) and as the session argument of a function
        running the program (``train_epoch(sess, k)``: ``prog.session_args``, which go too)."""
        (sname,) = sessions
        for d in fscope.by_name.get(sname, ()):
            v = d.value
            if not (isinstance(v, cst.Call) and self._qn.get(id(v)) in SESSIONS):
                return False
        run_funcs = {id(c.func) for c in runs}  # (method runs read it only as ``session=``)
        run_ids = {id(c) for c in runs}
        for n in _walk(fn.body):
            if not (isinstance(n, cst.Name) and n.value == sname):
                continue
            p = self.ctx.parent(n)
            if isinstance(p, (cst.AssignTarget, cst.AsName)):
                continue
            if isinstance(p, cst.Arg) and p.keyword is not None and p.keyword.value == "session" \
                    and id(self.ctx.parent(p)) in run_ids:
                continue  # t.eval(session=sess, feed_dict=..): a method run of the program on it
            if isinstance(p, cst.Arg) and p.keyword is not None and p.keyword.value == "session" \
                    and self._qn.get(id(self.ctx.parent(p))) == "tflearn.config.is_training":
                continue  # tflearn.is_training(flag, session=sess): the mode TFM140 follows
            c = self.ctx.parent(p) if isinstance(p, cst.Arg) else None
            if isinstance(c, cst.Call) and c.args and c.args[0] is p and isinstance(c.func, cst.Attribute) \
                    and c.func.attr.value in ("save", "restore") and isinstance(c.func.value, cst.Name) \
                    and c.func.value.value in self.saver_names:
                continue  # saver.save(sess, path): the program's Saver (TFM140 saves the model's weights)
            if isinstance(p, cst.Arg) and any(a is p for a in prog.session_args):
                continue  # train_epoch(sess, epoch): a function running the program with it
            if not (isinstance(p, cst.Attribute) and p.value is n):
                return False
            if id(p) in run_funcs:
                continue
            if self.in_writer(n):
                continue  # tf.summary.FileWriter(logdir, sess.graph) / a summary helper's call: TFM142 removes it
            c = self.ctx.parent(p)
            if isinstance(c, cst.Call) and c.func is p and p.attr.value == "close" and not c.args:
                continue
            if isinstance(c, cst.Call) and c.func is p and p.attr.value == "run" and len(c.args) == 1 \
                    and isinstance(c.args[0].value, cst.Call) and self._qn.get(id(c.args[0].value)) in INITIALIZERS:
                continue
            return False
        return True

    def in_writer(self, node) -> bool:
        """``node`` is inside the arguments of a ``tf.summary.FileWriter`` bound to a name, or of
        a call of a summary helper function (TFM142 removes them with their uses)."""
        if not self.ctx.switches.summaries_removed:
            return False
        n = self.ctx.parent(node)
        while n is not None and not isinstance(n, cst.BaseStatement):
            if isinstance(n, cst.Call) and self.qname(n) in ("tensorflow.summary.FileWriter",
                                                            "tensorflow.train.SummaryWriter"):
                a = self.ctx.parent(n)
                return isinstance(a, cst.Assign) and all(self.is_writer(t.target) for t in a.targets)
            if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in self.summary_functions:
                # ``merged, fw = make_summaries(model, sess.graph)``: a summary helper's call that
                # TFM142 removes with the helper
                a = self.ctx.parent(n)
                return isinstance(a, cst.Expr) or (isinstance(a, cst.Assign) and self.summary_only_assign(a))
            n = self.ctx.parent(n)
        return False

    def _all_trainable(self, v: cst.Call) -> bool:
        """``compute_gradients(loss, tf.trainable_variables())``: the var_list is TF1's default."""
        if len(v.args) != 2 or (v.args[1].keyword is not None and v.args[1].keyword.value != "var_list"):
            return False
        vl = v.args[1].value
        return isinstance(vl, cst.Call) and not vl.args and \
            self._qn.get(id(vl)) in ("tensorflow.trainable_variables", "tensorflow.compat.v1.trainable_variables")

    def _clip_guard(self, clip_stmt, clip_norm, compute_stmt):
        """Where ``grads, _ = tf.clip_by_global_norm(grads, c)`` sits: None in the block of the
        gradients' computation (unconditional); the ``If`` when it is the whole body of
        ``if c is not None:`` (no else) right in that block - an optional clip, the same as the
        Keras optimizer's ``global_clipnorm=c`` (None: no clipping); False anywhere else."""
        ctx = self.ctx
        block = ctx.parent(clip_stmt)
        home = ctx.parent(compute_stmt)
        if block is home:
            return None
        if_ = ctx.parent(block) if isinstance(block, cst.IndentedBlock) else None
        if not (isinstance(if_, cst.If) and if_.orelse is None and len(block.body) == 1 and ctx.parent(if_) is home
                and isinstance(clip_norm, cst.Name)):
            return False
        t = if_.test
        if not (isinstance(t, cst.Comparison) and isinstance(t.left, cst.Name) and t.left.value == clip_norm.value
                and len(t.comparisons) == 1 and isinstance(t.comparisons[0].operator, cst.IsNot)
                and isinstance(t.comparisons[0].comparator, cst.Name) and t.comparisons[0].comparator.value == "None"):
            return False
        return if_

    def _apply_gradients(self, prog: Program, scope: ScopeFlow, c: cst.Call, attrs: bool = False,
                         inst: str | None = None) -> TrainOp | None:
        """``train = opt.apply_gradients(G)`` where G is ``opt.compute_gradients(loss)``, a
        list comprehension clipping each of its gradients (``tf.clip_by_value(g, -c, c)`` /
        ``tf.clip_by_norm(g, c)``), or ``zip(grads, tvars)`` with ``grads`` from
        ``tf.gradients(loss, tvars)`` (optionally through ``tf.clip_by_global_norm(..., c)``)
        and ``tvars = tf.trainable_variables()``. None when it is anything else.

        ``attrs`` (a model class's method): the train op, the gradients and the loss may be
        ``self.<attr>`` attributes (``self.grad = opt.compute_gradients(self.loss)``;
        ``self.train = opt.apply_gradients(self.grad)``) - each attribute assigned once in the
        method; the TrainOp's ``loss`` is then ``"self.<attr>"``. ``inst`` (a model class's
        instance, outside the class): ``tf.gradients(inst.<attr>, tvars)``'s loss may be that
        instance's attribute; the TrainOp's ``loss`` is then ``"<inst>.<attr>"``."""
        parent = self.ctx.parent(c)
        if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1
                and (isinstance(parent.targets[0].target, cst.Name)
                     or (attrs and _self_attr_of(parent.targets[0].target) is not None))
                or attrs and isinstance(parent, cst.Return)):  # a method's ``return opt.apply_gradients(gv)``
            return None
        if any(a.keyword is None for a in c.args[1:]):
            return None
        opt = c.func.value  # type: ignore[union-attr]
        extra: list = []
        clip = None

        apply_stmt = self.ctx.statement_of(c)

        def single_def(node, at=None):
            a = _self_attr_of(node) if attrs else None
            if a is not None:
                return self._attr_def(scope, a)
            if not isinstance(node, cst.Name):
                return None
            defs = scope.by_name.get(node.value, ())
            if len(defs) > 1:  # ``grads = tf.gradients(..)``; ``grads = list(zip(grads, ..))``: straight-line
                at = at if at is not None else apply_stmt
                block = self.ctx.parent(at)
                if id(at) not in scope.index_of or any(
                        not isinstance(d.stmt, cst.SimpleStatementLine) or self.ctx.parent(d.stmt) is not block
                        for d in defs):
                    return None
                d = scope.latest(node.value, scope.index_of[id(at)])
                return d if d is not None and d.value is not None else None
            if len(defs) != 1 or not isinstance(defs[0].stmt, cst.SimpleStatementLine):
                return None
            return defs[0]

        def compute(node):
            d = single_def(node)
            v = d.value if d is not None else node if isinstance(node, cst.Call) else None
            if isinstance(v, cst.Call) and isinstance(v.func, cst.Attribute) and v.func.attr.value == "compute_gradients" \
                    and code(v.func.value) == code(opt) and (len(v.args) == 1 or self._all_trainable(v)):
                loss = _arg(v, 0, "loss")
                if d is not None:
                    extra.append(d.stmt)
                if attrs and _self_attr_of(loss) is not None:
                    return f"self.{_self_attr_of(loss)}"
                return loss.value if isinstance(loss, cst.Name) else None
            return None

        def unzipped(gnode, tnode):
            """``grads, tvars = zip(*opt.compute_gradients(loss))`` (optionally then
            ``grads, _ = tf.clip_by_global_norm(grads, c)``, or the clipped gradients under a
            new name: ``clipped, _ = tf.clip_by_global_norm(grads, c)``): (loss, clip) or None."""
            if not (isinstance(gnode, cst.Name) and isinstance(tnode, cst.Name)):
                return None
            tdefs = scope.by_name.get(tnode.value, ())
            if len(tdefs) != 1:
                return None
            first = tdefs[0]
            st = first.stmt
            if not isinstance(st, cst.SimpleStatementLine) or len(st.body) != 1 or not isinstance(st.body[0], cst.Assign):
                return None
            tgt = st.body[0].targets[0].target if len(st.body[0].targets) == 1 else None
            if not (isinstance(tgt, (cst.Tuple, cst.List)) and len(tgt.elements) == 2
                    and isinstance(tgt.elements[0].value, cst.Name) and code(tgt.elements[1].value) == tnode.value):
                return None
            g0 = tgt.elements[0].value.value  # the unclipped gradients' name
            gdefs = scope.by_name.get(gnode.value, ())
            if gnode.value == g0:
                if len(gdefs) not in (1, 2) or gdefs[0].stmt is not st:
                    return None
                clip_def = gdefs[1] if len(gdefs) == 2 else None
            else:  # ``clipped, _ = tf.clip_by_global_norm(grads, c)``
                g0defs = scope.by_name.get(g0, ())
                if len(g0defs) != 1 or g0defs[0].stmt is not st or len(gdefs) != 1:
                    return None
                clip_def = gdefs[0]
            val = st.body[0].value
            if isinstance(val, cst.Call) and isinstance(val.func, cst.Name) and val.func.value in ("list", "tuple") \
                    and len(val.args) == 1:
                val = val.args[0].value
            if not (isinstance(val, cst.Call) and isinstance(val.func, cst.Name) and val.func.value == "zip"
                    and len(val.args) == 1 and val.args[0].star == "*"):
                return None
            n = len(extra)
            found = compute(val.args[0].value)
            if found is None:
                del extra[n:]
                return None
            got_clip = None
            if clip_def is not None:
                cv = clip_def.value
                cst_ = clip_def.stmt
                ctgt = (cst_.body[0].targets[0].target if isinstance(cst_, cst.SimpleStatementLine)
                        and len(cst_.body) == 1 and isinstance(cst_.body[0], cst.Assign)
                        and len(cst_.body[0].targets) == 1 else None)
                if not (isinstance(cv, cst.Call) and self._qn.get(id(cv)) == "tensorflow.clip_by_global_norm"
                        and isinstance(_arg(cv, 0, "t_list"), cst.Name) and _arg(cv, 0, "t_list").value == g0
                        and _arg(cv, 1, "clip_norm") is not None and clip_def.index > first.index
                        and isinstance(ctgt, (cst.Tuple, cst.List)) and len(ctgt.elements) == 2
                        and code(ctgt.elements[0].value) == gnode.value):
                    del extra[n:]
                    return None
                guard = self._clip_guard(cst_, _arg(cv, 1, "clip_norm"), st)
                if guard is False:
                    del extra[n:]
                    return None
                got_clip = ("global_clipnorm", _arg(cv, 1, "clip_norm"))
                extra.append(clip_def.stmt)
                if guard is not None:
                    extra.append(guard)  # ``if c is not None:`` around it: global_clipnorm=None clips nothing
            extra.append(st)
            return found, got_clip

        def unzipped_call(v):
            """``zip(grads, tvars)`` or ``list(zip(grads, tvars))`` over :func:`unzipped` names."""
            if v.func.value == "list" and len(v.args) == 1 and isinstance(v.args[0].value, cst.Call) \
                    and isinstance(v.args[0].value.func, cst.Name):
                v = v.args[0].value
            if v.func.value != "zip" or len(v.args) != 2 or any(a.star or a.keyword for a in v.args):
                return None
            return unzipped(v.args[0].value, v.args[1].value)

        g = _arg(c, 0, "grads_and_vars")
        loss = compute(g)
        if loss is None:
            d = single_def(g)
            v = d.value if d is not None else g
            if isinstance(v, cst.ListComp) and isinstance(v.elt, cst.Tuple) and len(v.elt.elements) == 2 \
                    and isinstance(v.elt.elements[0].value, cst.Call) and v.for_in.inner_for_in is None:
                cl = v.elt.elements[0].value
                q = self._qn.get(id(cl))
                if q == "tensorflow.clip_by_value" and len(cl.args) == 3:
                    lo, hi = literal(cl.args[1].value, None), literal(cl.args[2].value, None)
                    if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo == -hi and hi > 0:
                        clip = ("clipvalue", cl.args[2].value)
                elif q == "tensorflow.clip_by_norm" and len(cl.args) == 2:
                    clip = ("clipnorm", cl.args[1].value)
                if clip is None:
                    return None
                if d is not None:
                    extra.append(d.stmt)
                loss = compute(v.for_in.iter)
            elif isinstance(v, cst.Call) and isinstance(v.func, cst.Name) and (uz := unzipped_call(v)) is not None:
                if d is not None:
                    extra.append(d.stmt)
                loss, clip = uz
            elif isinstance(v, cst.Call) and isinstance(v.func, cst.Name) and (
                    v.func.value == "zip" and len(v.args) == 2 or v.func.value == "list" and len(v.args) == 1
                    and isinstance(v.args[0].value, cst.Call) and isinstance(v.args[0].value.func, cst.Name)
                    and v.args[0].value.func.value == "zip" and len(v.args[0].value.args) == 2):
                if v.func.value == "list":  # list(zip(grads, tvars))
                    v = v.args[0].value
                at = d.stmt if d is not None else None
                tvars = v.args[1].value
                inline = isinstance(tvars, cst.Call) and not tvars.args \
                    and self._qn.get(id(tvars)) == "tensorflow.trainable_variables"
                gd = single_def(v.args[0].value, at)
                tv = None if inline else single_def(tvars, at)
                if d is not None:
                    extra.append(d.stmt)
                if gd is None or (not inline and (tv is None or not isinstance(tv.value, cst.Call)
                                                  or self._qn.get(id(tv.value)) != "tensorflow.trainable_variables")):
                    return None
                gv = gd.value
                if isinstance(gv, cst.Call) and self._qn.get(id(gv)) == "tensorflow.clip_by_global_norm":
                    clip = ("global_clipnorm", _arg(gv, 1, "clip_norm"))
                    gv = _arg(gv, 0, "t_list")
                    if clip[1] is None:
                        return None
                    if isinstance(gv, cst.Name):
                        # ``gradients = tf.gradients(loss, params)`` on its own line, then
                        # ``clipped, norm = tf.clip_by_global_norm(gradients, c)`` (TF's NMT tutorial)
                        gg = single_def(gv, gd.stmt)
                        if gg is None or len(scope.by_name.get(gv.value, ())) != 1:
                            return None
                        extra.append(gg.stmt)
                        gv = gg.value
                ys = _arg(gv, 0, "ys") if isinstance(gv, cst.Call) else None
                # a class's method (prog None, TF1Classes): the loss may be an attribute, self.loss
                self_loss = prog is None and isinstance(ys, cst.Attribute) and isinstance(ys.value, cst.Name) \
                    and ys.value.value == (inst or "self")
                if not (isinstance(gv, cst.Call) and self._qn.get(id(gv)) == "tensorflow.gradients"
                        and (isinstance(ys, cst.Name) or self_loss) and code(_arg(gv, 1, "xs")) == code(v.args[1].value)
                        and len(gv.args) == 2):
                    return None
                loss = f"{inst or 'self'}.{ys.attr.value}" if self_loss else ys.value
                extra += [gd.stmt] + ([tv.stmt] if tv is not None else [])
            else:
                return None
        if loss is None:
            return None
        if isinstance(parent, cst.Return):
            return TrainOp(None, self.ctx.statement_of(c), c, opt, loss, clip, extra)
        t = parent.targets[0].target
        name = t.value if isinstance(t, cst.Name) else f"self.{_self_attr_of(t)}"
        return TrainOp(name, self.ctx.statement_of(c), c, opt, loss, clip, extra)

    def _attr_def(self, scope: ScopeFlow, attr: str):
        """The one ``self.<attr> = value`` statement of a method's scope, as a def-like
        object (``value``, ``stmt``); None when there is not exactly one."""
        found = []
        for n in _walk(scope.node):
            if isinstance(n, cst.Assign) and any(_self_attr_of(t.target) == attr for t in n.targets):
                found.append(n)
        if len(found) != 1 or len(found[0].targets) != 1 or self.flow.scope_of(found[0]) is not scope:
            return None
        stmt = self.ctx.statement_of(found[0])
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return None
        from types import SimpleNamespace

        return SimpleNamespace(value=found[0].value, stmt=stmt)

    def _method_run(self, prog: Program, c: cst.Call) -> bool:
        """``t.eval(feed)`` on a tensor, ``op.run(feed)`` on a train op, ``init.run()`` /
        ``tf.global_variables_initializer().run()`` (the default session runs them)."""
        f = c.func
        if not isinstance(f, cst.Attribute) or f.attr.value not in ("eval", "run"):
            return False
        if any(a.keyword is not None and a.keyword.value not in ("feed_dict", "session") for a in c.args):
            return False
        v = f.value
        if isinstance(v, cst.Call):
            return f.attr.value == "run" and self._qn.get(id(v)) in INITIALIZERS
        if not isinstance(v, cst.Name):
            return False
        if f.attr.value == "eval":
            return v.value in prog.tensors and v.value not in prog.placeholders
        return (any(t.name == v.value for t in prog.train_ops) or self._initializer_name(prog, v.value))

    _ASSIGNS = ("tensorflow.assign", "tensorflow.assign_add", "tensorflow.assign_sub")

    @property
    def summary_vars(self) -> set[str]:
        """Names bound to ``tf.Variable(...)`` that only feed summaries: every read is inside a
        ``tf.summary.*`` call or the variable of a ``tf.assign(v, value)`` run for its own sake
        (``loss_ave = tf.Variable(0.)``; ``sess.run(tf.assign(loss_ave, mean))``; a scalar summary
        of ``loss_ave``). Also names bound to a BARE ``tf.get_variable(name)`` (the name alone: no
        shape, initializer or other argument) only summaries read: TF1 fetches an existing
        variable there (under ``reuse=True``; it raises otherwise), it creates nothing."""
        got = self.__dict__.get("_summary_vars")
        if got is not None:
            return got
        ctx = self.ctx
        cands: set[str] = set()
        for scope in self.flow.scopes.values():
            for name, ds in scope.by_name.items():
                if ds and all(isinstance(d.value, cst.Call) and (self.qname(d.value) == "tensorflow.Variable"
                                                                 or self.bare_get_variable(d.value))
                              for d in ds):
                    cands.add(name)
        used_in_summary: set[str] = set()
        for node in _walk(ctx.module):
            if not (isinstance(node, cst.Name) and node.value in cands):
                continue
            parent = ctx.parent(node)
            if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.Attribute) and parent.attr is node) \
                    or (isinstance(parent, cst.Arg) and parent.keyword is node):
                continue
            n, ok = node, False
            while n is not None and not isinstance(n, (cst.BaseStatement, cst.BaseSmallStatement)):
                if isinstance(n, cst.Call):
                    q = self.qname(n) or ""
                    if q.startswith("tensorflow.summary."):
                        ok = True
                        used_in_summary.add(node.value)
                        break
                    if q in self._ASSIGNS and n.args and n.args[0].value is node and self._assign_run(n):
                        ok = True
                        break
                n = ctx.parent(n)
            if not ok:
                cands.discard(node.value)
        got = self.__dict__["_summary_vars"] = cands & used_in_summary
        return got

    def bare_get_variable(self, c: cst.Call) -> bool:
        """``tf.get_variable(name)`` with the name alone (positional or ``name=``): a fetch."""
        return self.qname(c) == "tensorflow.get_variable" and len(c.args) == 1 and not c.args[0].star \
            and (c.args[0].keyword is None or c.args[0].keyword.value == "name")

    def _summary_op_call(self, e: cst.Call) -> bool:
        """``tf.summary.scalar(...)`` / ``merge(...)``: a call making a summary op (not a FileWriter)."""
        q = self.qname(e) or ""
        return q.startswith("tensorflow.summary.") and not q.endswith(("FileWriter", "FileWriterCache"))

    def _assign_run(self, assign: cst.Call) -> bool:
        """``sess.run(tf.assign(v, x))`` as a statement of its own."""
        run = self.ctx.parent(self.ctx.parent(assign))
        r = self.run_of(run) if isinstance(run, cst.Call) else None
        return r is not None and isinstance(self.ctx.parent(run), cst.Expr) and r.fetches is assign

    def summary_run(self, r: Run) -> bool:
        """A run that only evaluates summaries (``s = sess.run(merged)``, its value read only by
        FileWriter calls; ``w.add_summary(sess.run(tf.summary.scalar('avg', v)), i)``, a summary op
        made in the call itself) or assigns a summary-only variable (``sess.run(tf.assign(v, x))``)."""
        if r.train_op is not None or r.initializer or r.fetches is None:
            return False
        elems = [e.value for e in r.fetches.elements] if r.fetch_is_list else [r.fetches]
        for n, e in zip(r.fetch_names, elems):
            if n is not None and n in self.summary_names:
                continue
            if n is None and isinstance(e, cst.Call) and self.qname(e) in self._ASSIGNS and e.args \
                    and isinstance(e.args[0].value, cst.Name) and e.args[0].value.value in self.summary_vars:
                continue
            if n is None and isinstance(e, cst.Call) and self._summary_op_call(e):
                continue
            return False
        parent = self.ctx.parent(r.call)
        if isinstance(parent, cst.Expr):
            return True
        if isinstance(parent, cst.Arg):
            # the run's value passed straight to a FileWriter method (add_summary)
            call = self.ctx.parent(parent)
            f = call.func if isinstance(call, cst.Call) else None
            return (isinstance(f, cst.Attribute) and self.is_writer(f.value) and f.attr.value in WRITER_METHODS
                    and isinstance(self.ctx.parent(call), cst.Expr))
        if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1):
            return False
        names = set(target_names(parent.targets[0].target))
        scope = self.flow.scope_of(r.call)
        for node in _walk(scope.node):
            if isinstance(node, cst.Name) and node.value in names:
                p = self.ctx.parent(node)
                if isinstance(p, cst.AssignTarget) or p is parent.targets[0].target:
                    continue
                call = self.ctx.parent(p) if isinstance(p, cst.Arg) else None
                f = call.func if isinstance(call, cst.Call) else None
                if not (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name)
                        and f.value.value in self.writer_names):
                    return False
        return True

    def run_of(self, call: cst.Call) -> Run | None:
        """The :class:`Run` of ``call`` (an original ``sess.run`` / ``t.eval`` / ``op.run``)."""
        index = self.__dict__.get("_run_index")
        if index is None:
            index = {id(r.call): r for p in self.programs.values() for r in p.runs}
            self.__dict__["_run_index"] = index
        return index.get(id(call))

    def _run(self, prog: Program, c: cst.Call, method: str = "session") -> Run:
        probe = Run(c, None, None, [], False, None, {}, True, method=method)
        fetches = probe.fetch_arg(c)
        feed = probe.feed_arg(c)
        stmt = self.ctx.statement_of(c)
        ok, why = True, ""
        elems: list[cst.BaseExpression]
        is_list = isinstance(fetches, (cst.List, cst.Tuple))
        if fetches is None:
            elems, ok, why = [], False, "no fetches"
        elif is_list:
            elems = [e.value for e in fetches.elements]  # type: ignore[union-attr]
            if any(isinstance(e, cst.StarredElement) for e in fetches.elements):  # type: ignore[union-attr]
                ok, why = False, "starred fetches"
        else:
            elems = [fetches]
        names = [e.value if isinstance(e, cst.Name) else self._member_name(prog, e) for e in elems]
        run = Run(c, stmt, fetches, names, is_list, feed, {}, ok, why, method=method)
        if elems and all(self.initializer_call(e) for e in elems):
            # sess.run(tf.global_variables_initializer()), a list of initializers, or tf.group of them
            run.initializer = True
        for n in names:
            if n is not None and prog.train_op(n) is not None:
                run.train_op = prog.train_op(n)
            elif n is not None and self._initializer_name(prog, n):
                run.initializer = True
        for e in elems:
            if isinstance(e, cst.Call) and isinstance(e.func, cst.Attribute) and e.func.attr.value == "minimize":
                run.train_op = next((t for t in prog.train_ops if t.call is e), None)
        if feed is not None:
            if isinstance(feed, cst.Dict):
                renames = _feed_renames(self.ctx, feed)
                for el in feed.elements:
                    if not isinstance(el, cst.DictElement) or not isinstance(el.key, cst.Name) \
                            or el.key.value not in prog.placeholders:
                        run.ok, run.why = False, f"feed_dict key {code(el)[:40]!r} is not a placeholder"
                        continue
                    run.feeds[renames.get(el.key.value, el.key.value)] = el.value
            elif isinstance(feed, cst.Name) and (d := self._named_feed(prog, feed, c, method)) is not None:
                # ``feed = {x: ..., y: ...}`` then ``sess.run(..., feed_dict=feed)``: the dict stays,
                # keyed by the placeholders' names (TFM140), and the run reads ``feed["x"]``
                for el in d.value.elements:
                    run.feeds[el.key.value] = el.value
                run.feed_name = feed.value
                prog.feed_dicts[id(d.stmt)] = d
            elif isinstance(feed, cst.Call) and (h := self._feed_helper(prog, feed)) is not None:
                # ``feed_dict=make_feed(a, b, y)`` with ``def make_feed(x1v, x2v, yv): return {x1: x1v,
                # ...}``: the run feeds each placeholder the call's argument for that parameter
                fn, params, bound = h
                run.feed_params = params
                for ph, param in params.items():
                    run.feeds[ph] = bound[param]
                prog.feed_helpers[id(fn)] = fn
            elif isinstance(feed, cst.Call) and (inl := self._inline_feed(prog, feed, c)) is not None:
                # ``feed_dict=get_feed(data, 'train')``: the helper's path for these constant
                # arguments, inlined at the run (analysis/feed_branches.py)
                run.feed_inline = inl
                for el in inl.value.elements:
                    v = el.value
                    run.feeds[el.key.value] = inl.bound[v.value] if isinstance(v, cst.Name) and v.value in inl.bound \
                        else v
                prog.feed_helpers[id(inl.fn)] = inl.fn
            elif isinstance(feed, cst.Call):
                run.ok, run.why = False, ("feed_dict is not a dict literal (a call, but not of a helper of "
                                          "this scope that only returns {placeholder: parameter, ...})")
            else:
                run.ok, run.why = False, "feed_dict is not a dict literal"
        return run

    def feed_helper_params(self, fn: cst.FunctionDef) -> dict[str, str] | None:
        """``def make_feed(a, b, label): return {x1: a, x2: b, y: label}`` (an optional docstring
        first) -> {placeholder name: parameter}; None for anything else (defaults, star
        parameters, decorators, values that are not plain parameters, keys that are not names)."""
        ps = fn.params
        if fn.decorators or ps.star_arg not in (None, cst.MaybeSentinel.DEFAULT) or ps.star_kwarg is not None \
                or ps.kwonly_params or any(p.default is not None for p in [*ps.posonly_params, *ps.params]):
            return None
        names = [p.name.value for p in [*ps.posonly_params, *ps.params]]
        body = list(fn.body.body) if isinstance(fn.body, cst.IndentedBlock) else []
        if body and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1 \
                and isinstance(body[0].body[0], cst.Expr) and isinstance(body[0].body[0].value, cst.SimpleString):
            body = body[1:]
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
            return None
        ret = body[0].body[0]
        if not isinstance(ret, cst.Return) or not isinstance(ret.value, cst.Dict):
            return None
        out: dict[str, str] = {}
        for el in ret.value.elements:
            if not (isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name) and isinstance(el.value, cst.Name)
                    and el.value.value in names and el.key.value not in names and el.key.value not in out):
                return None
            out[el.key.value] = el.value.value
        return out

    def _feed_helper(self, prog: Program, feed: cst.Call):
        """(the FunctionDef, {placeholder: parameter}, {parameter: argument}) when ``feed`` calls a
        feed helper (``feed_helper_params``) defined once in the program's own scope, whose keys
        are this program's placeholders, bound one to one by the call, and whose every use in
        the file is the feed argument of a run; else None (the run keeps its TODO)."""
        if not isinstance(feed.func, cst.Name) or any(a.star for a in feed.args):
            return None
        name = feed.func.value
        defs = prog.scope.by_name.get(name, ())
        if len(defs) != 1 or not isinstance(defs[0].stmt, cst.FunctionDef):
            return None
        fn = defs[0].stmt
        params = self.feed_helper_params(fn)
        if params is None or not all(p in prog.placeholders for p in params):
            return None
        bound = self.flow.call_bindings(fn, feed)
        if bound is None or set(bound) != set(params.values()) or len(fn.params.params) + len(
                fn.params.posonly_params) != len(bound):
            return None
        if not self._only_fed(fn):
            return None
        return fn, params, bound

    def _inline_feed(self, prog: Program, feed: cst.Call, c: cst.Call):
        """The InlineFeed (analysis/feed_branches.py) of ``feed_dict=helper(...)``: a helper
        defined once in the program's scope, only ever called as a run's feed in a statement that
        evaluates nothing else calling code before the run (the path's assignments go before
        the statement); else None."""
        from .feed_branches import resolve

        if not isinstance(feed.func, cst.Name):
            return None
        defs = prog.scope.by_name.get(feed.func.value, ())
        if len(defs) != 1 or not isinstance(defs[0].stmt, cst.FunctionDef) or not self._only_fed(defs[0].stmt):
            return None
        stmt = self.ctx.statement_of(c)
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
                and isinstance(stmt.body[0], (cst.Expr, cst.Assign))):
            return None
        # the path's assignments run before the statement: nothing of it evaluated before the
        # run may call anything (``print(step, sess.run(...))``), nor is the run conditional
        node: cst.CSTNode = c
        while node is not stmt:
            parent = self.ctx.parent(node)
            if isinstance(parent, (cst.IfExp, cst.BooleanOperation, cst.Lambda, cst.ListComp, cst.SetComp,
                                   cst.DictComp, cst.GeneratorExp)):
                return None
            for ch in parent.children:
                if ch is node:
                    break
                if any(isinstance(x, (cst.Call, cst.Yield, cst.Await)) for x in _walk(ch)):
                    return None
            node = parent
        return resolve(self.ctx, self.flow, defs[0].stmt, feed, prog.placeholders)

    def _object_of_flags(self, prog: Program, d) -> bool:
        """``model = Siamese(is_training=is_training, dropout_rate=0.1)``: an object of a class of
        this file built from scalar placeholders only (no other tensor): a Python object whose
        methods build tensors, not a tensor itself (it is no model input / output; what its
        methods compute still depends on the scalars, through the closure)."""
        v = d.value
        if not (isinstance(v, cst.Call) and isinstance(v.func, cst.Name)):
            return False
        classes = self.__dict__.get("_file_classes")
        if classes is None:
            classes = self.__dict__["_file_classes"] = {
                n.name.value for n in _walk(self.ctx.module) if isinstance(n, cst.ClassDef)}
        if v.func.value not in classes:
            return False
        return all(n in prog.placeholders and prog.placeholders[n].role == "hyper"
                   for n in d.deps & prog.tensors)

    def _only_fed(self, fn: cst.FunctionDef) -> bool:
        """Every use of ``fn``'s name in the file is the feed argument of a run."""
        name = fn.name.value
        for node in _walk(self.ctx.module):
            if not (isinstance(node, cst.Name) and node.value == name) or node is fn.name:
                continue
            call = self.ctx.parent(node)
            arg = self.ctx.parent(call) if isinstance(call, cst.Call) and call.func is node else None
            run = self.ctx.parent(arg) if isinstance(arg, cst.Arg) else None
            if not (isinstance(run, cst.Call) and isinstance(run.func, cst.Attribute)
                    and run.func.attr.value in ("run", "eval")
                    and (arg.keyword is not None and arg.keyword.value == "feed_dict"
                         or arg.keyword is None and run.args.index(arg) == (1 if run.func.attr.value == "run" else 0))):
                return False
        return True

    def _named_feed(self, prog: Program, feed: cst.Name, c: cst.Call, method: str):
        """The definition of a feed dict passed by name, when it is a dict literal keyed by this
        program's placeholders bound by a plain ``name = {...}`` statement, and every read of
        the name in the scope is the feed argument of a run."""
        d = self.flow.def_of(feed.value, c)
        if d is None or not isinstance(d.value, cst.Dict) or not isinstance(d.stmt, cst.SimpleStatementLine) \
                or len(d.stmt.body) != 1 or not isinstance(d.stmt.body[0], cst.Assign) \
                or len(d.stmt.body[0].targets) != 1 or not isinstance(d.stmt.body[0].targets[0].target, cst.Name):
            return None
        if _feed_renames(self.ctx, d.value):
            return None
        if not all(isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name) and el.key.value in prog.placeholders
                   for el in d.value.elements):
            return None
        pos = 1 if method == "session" else 0
        for node in _walk(prog.scope.node):
            if not (isinstance(node, cst.Name) and node.value == feed.value):
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget):
                continue
            call = self.ctx.parent(parent) if isinstance(parent, cst.Arg) else None
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                    and call.func.attr.value in ("run", "eval")
                    and (parent.keyword is not None and parent.keyword.value == "feed_dict"
                         or (parent.keyword is None and call.args.index(parent) == pos))):
                return None
        return d

    def initializer_call(self, e: cst.BaseExpression) -> bool:
        if not isinstance(e, cst.Call):
            return False
        q = self._qn.get(id(e))
        if q in INITIALIZERS or self._all_locals_initializer(e):
            return True
        return q == "tensorflow.group" and bool(e.args) and all(
            a.keyword is None and not a.star and self.initializer_call(a.value) for a in e.args)

    def _all_locals_initializer(self, e: cst.Call) -> bool:
        """``tf.variables_initializer(tf.local_variables())``: every local variable."""
        if self._qn.get(id(e)) != "tensorflow.variables_initializer" or len(e.args) != 1:
            return False
        v = e.args[0].value
        return isinstance(v, cst.Call) and not v.args and self._qn.get(id(v)) == "tensorflow.local_variables"

    def resets_locals(self, prog: Program, r: Run) -> bool:
        """An initializer run that (also) initialises TF1's local variables: the streaming
        metrics' counts go back to 0."""
        def local(e) -> bool:
            if isinstance(e, cst.Name):
                return any(d.value is not None and local(d.value) for d in prog.scope.by_name.get(e.value, ()))
            if not isinstance(e, cst.Call):
                return False
            q = self._qn.get(id(e))
            if q in LOCAL_INITIALIZERS or self._all_locals_initializer(e):
                return True
            return q == "tensorflow.group" and any(local(a.value) for a in e.args)

        elems = [x.value for x in r.fetches.elements] if r.fetch_is_list else [r.fetches]
        return r.initializer and any(local(e) for e in elems)

    def _initializer_name(self, prog: Program, name: str) -> bool:
        return any(self.initializer_call(d.value) for d in prog.scope.by_name.get(name, ()))
