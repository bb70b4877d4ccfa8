"""Which tower calls share variables - decided by TensorFlow 1's own rules.

``ctx.analysis(Sharing)`` runs every scope that calls a builder defined in the file (a
function, a method through ``self``, an object's ``__call__``/method, a class whose
``__init__`` builds) through a small abstract interpreter of TF1's variable store, and
groups the executions of each builder made from one scope (two calls, or one call executed
by a loop over several inputs). It is a pure function of the source: it never looks at the
options or at which rules are enabled.

The variable store follows ``tensorflow/python/ops/variable_scope.py``:

* ``tf.get_variable(name)`` resolves ``<current scope>/<name>``: with reuse True it must
  exist (else TF1 raises "does not exist"), with ``AUTO_REUSE`` it is reused or created,
  without reuse it must not exist (else TF1 raises "already exists"). A ``variable_scope``
  with ``reuse=False``/``None`` INHERITS its parent's reuse; ``scope.reuse_variables()`` and
  ``tf.get_variable_scope().reuse_variables()`` switch the current scope to reuse.
* ``tf.Variable`` never shares (a fresh variable at every execution).
* ``tf.layers.*`` / ``tf.contrib.layers.*`` (slim) / tflearn layers open a variable scope
  per layer and create their weights with ``get_variable``: an explicit ``name=``
  (``scope=`` for contrib and tflearn) is used as is; otherwise the default name is made
  unique in the current scope (``dense``, ``dense_1`` ...). The counts behind that
  uniqueness are reset when a variable scope entered BY NAME is exited - so a builder that
  opens its own named scope gets the same auto-names at every call (and shares them under
  reuse), while two calls under one ``with`` + ``reuse_variables()`` get ``dense`` then
  ``dense_1`` and TF1 raises ("Variable .../dense_1/kernel does not exist").
* Keras layers (and ``tf.layers.Dense(...)`` objects) own their weights: a layer object
  applied twice shares, ``keras.layers.Dense(4)(x)`` written in a builder does not.

Verdicts per group (:class:`TowerGroup`): ``"shared"`` (every tower uses the same
variables), ``"unshared"`` (no variable in common), ``"partial"`` (some in common) and
``"raises"`` (TF1 raises a ValueError while building the towers; ``error`` says which).
Unknown values (a condition on an attribute, a name built from data) are represented
deterministically, so both towers see the same unknowns: the verdict is about the
variables the code names, not about values it cannot know.
"""
from __future__ import annotations

import operator as _op
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

import libcst as cst

from ..cstcache import children, own_nodes as _own_nodes, walk
from ..names import dotted

# -- what creates variables -----------------------------------------------------------------
GET_VARIABLE = ("tensorflow.get_variable", "tflearn.variables.variable", "tensorflow.contrib.framework.model_variable",
                "tensorflow.contrib.framework.variable")
NEW_VARIABLE = ("tensorflow.Variable", "tensorflow.contrib.eager.Variable")
VARIABLE_SCOPE = ("tensorflow.variable_scope",)
GET_SCOPE = ("tensorflow.get_variable_scope",)
AUTO_REUSE = ("tensorflow.AUTO_REUSE",)
# TF1 RNN cells (legacy Layers: their variables are made when a loop first runs them, under the
# loop's scope, ``<loop scope>/<cell name>/kernel``) and the loops that run them
_CELL_PATHS = ("tensorflow.contrib.rnn.", "tensorflow.nn.rnn_cell.", "tensorflow.contrib.rnn.core_rnn_cell.")
_CELL_NAMES = {"BasicLSTMCell": "basic_lstm_cell", "LSTMCell": "lstm_cell", "GRUCell": "gru_cell",
               "BasicRNNCell": "basic_rnn_cell", "MultiRNNCell": "multi_rnn_cell"}
CELLS = {p + n: base for p in _CELL_PATHS for n, base in _CELL_NAMES.items()}
CELL_WRAPPERS = {p + n for p in _CELL_PATHS for n in ("DropoutWrapper", "ResidualWrapper", "DeviceWrapper")}
_LOOP_HELPERS = {"tf1_dynamic_rnn": "tensorflow.nn.dynamic_rnn", "tf1_static_rnn": "tensorflow.nn.static_rnn",
                 "tf1_bidirectional_dynamic_rnn": "tensorflow.nn.bidirectional_dynamic_rnn",
                 "tf1_static_bidirectional_rnn": "tensorflow.nn.static_bidirectional_rnn"}
# loop -> (the default scope name, the cell parameters with the sub-scope each cell is built in)
RNN_LOOPS = {
    "tensorflow.nn.dynamic_rnn": ("rnn", (("cell", 0, None),)),
    "tensorflow.nn.static_rnn": ("rnn", (("cell", 0, None),)),
    "tensorflow.contrib.rnn.static_rnn": ("rnn", (("cell", 0, None),)),
    "tensorflow.nn.bidirectional_dynamic_rnn": ("bidirectional_rnn", (("cell_fw", 0, "fw"), ("cell_bw", 1, "bw"))),
    "tensorflow.nn.static_bidirectional_rnn": ("bidirectional_rnn", (("cell_fw", 0, "fw"), ("cell_bw", 1, "bw"))),
    "tensorflow.contrib.rnn.static_bidirectional_rnn": ("bidirectional_rnn",
                                                        (("cell_fw", 0, "fw"), ("cell_bw", 1, "bw"))),
}

# functional layers with weights: canonical name prefix -> (kind, keyword of the exact scope name)
_TF_LAYERS_WEIGHTED = {"dense", "conv1d", "conv2d", "conv3d", "conv2d_transpose", "conv3d_transpose",
                       "separable_conv1d", "separable_conv2d", "batch_normalization"}
_CONTRIB_WEIGHTED = {"fully_connected", "conv2d", "convolution2d", "conv1d", "conv3d", "convolution",
                     "conv2d_transpose", "convolution2d_transpose", "separable_conv2d", "batch_norm",
                     "layer_norm", "embed_sequence", "linear"}
_CONTRIB_DEFAULT = {"fully_connected": "fully_connected", "conv2d": "Conv", "convolution2d": "Conv",
                    "convolution": "Conv", "conv1d": "Conv", "conv3d": "Conv", "batch_norm": "BatchNorm",
                    "layer_norm": "LayerNorm", "conv2d_transpose": "Conv2d_transpose",
                    "separable_conv2d": "SeparableConv2d", "linear": "fully_connected",
                    "embed_sequence": "EmbedSequence"}
# tflearn layers that create weights (the rest - input_data, pooling, dropout... - do not)
_TFLEARN_WEIGHTED = {
    "fully_connected": "FullyConnected", "conv_1d": "Conv1D", "conv_2d": "Conv2D", "conv_3d": "Conv3D",
    "conv_2d_transpose": "Conv2DTranspose", "atrous_conv_2d": "AtrousConv2D", "grouped_conv_2d": "GroupedConv2D",
    "batch_normalization": "BatchNormalization", "embedding": "Embedding", "single_unit": "Linear",
    "highway": "FullyConnectedHighway", "highway_conv_2d": "HighwayConv2D", "lstm": "LSTM", "gru": "GRU",
    "simple_rnn": "SimpleRNN", "bidirectional_rnn": "BiRNN", "residual_block": "ResidualBlock",
    "residual_bottleneck": "ResidualBottleneck", "regression": None,
}


class _Unknown:
    """A value the interpreter cannot know; ``key`` makes it the same in every tower."""

    __slots__ = ("key",)

    def __init__(self, key: str = "?") -> None:
        self.key = key

    def __repr__(self) -> str:  # pragma: no cover - debugging
        return f"<?{self.key}>"


UNKNOWN = _Unknown()
_ORDER = {cst.LessThan: _op.lt, cst.LessThanEqual: _op.le, cst.GreaterThan: _op.gt,
          cst.GreaterThanEqual: _op.ge}


class _Auto:
    def __repr__(self) -> str:  # pragma: no cover
        return "AUTO_REUSE"


AUTO = _Auto()


@dataclass(eq=False)
class _Instance:
    cls: cst.ClassDef
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class _Method:
    fn: cst.FunctionDef
    self_: Any


@dataclass(eq=False)
class _Var:
    key: str          # a display name: "siamese/fc1" or "<tf.Variable w1 #3>"
    # a variable itself (get_variable / tf.Variable), not a layer call's output standing for its
    # variables: reading it in a tower uses it
    weight: bool = False


class _KwDict(dict):
    """The ``**kwargs`` a function was called with (keyword -> value)."""


class _VarDict(dict):
    """A dict literal holding variables (TensorFlow-Examples' weight dicts)."""


@dataclass(eq=False)
class _LayerObject:
    """A layer object (keras.layers.Dense(...), tf.layers.Dense(...)): weights on first call."""
    key: str
    built: bool = False


@dataclass(eq=False)
class _Cell:
    """A TF1 RNN cell object: its variables are made (or reused, ``reuse=True``) where a loop
    first runs it; a built cell run again uses its own variables."""
    node: cst.Call      # the cell's constructor call
    base: str           # its default name (``lstm_cell``)
    exact: Any          # ``name=``
    reuse: Any
    key: str | None = None


@dataclass(eq=False)
class _ScopeRef:
    frame: "_Frame"


@dataclass(eq=False)
class _Frame:
    name: str           # full variable-scope name ("" at the root)
    reuse: Any          # False | True | AUTO
    named: bool         # entered by a string name (its sub-counts reset on exit)
    init: Any = None    # the ``initializer=`` node in force (a variable_scope's, inherited)
    reg: Any = None     # the ``regularizer=`` node in force (likewise)


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Budget(Exception):
    pass


@dataclass(eq=False)
class _Execution:
    """One execution of a tower call: the variables it touched."""
    call: cst.Call
    function: cst.FunctionDef
    instance: Any
    keys: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def kept_scope_marker(lines) -> bool:
    """``lines`` (a statement's leading lines) hold TFM138's TODO from an earlier run: a
    ``variable_scope`` that shares variables, kept because no encoder replaced its towers."""
    from .. import TODO_MARKER

    return any(l.comment is not None and f"{TODO_MARKER}: TFM138 " in l.comment.value for l in lines)


def without_scope_marker(lines) -> list:
    """``lines`` less TFM138's TODO from an earlier run and the continuation lines (``#   ``)
    the layout pass wrapped its message onto."""
    out = []
    dropping = False
    for l in lines:
        if kept_scope_marker([l]):
            dropping = True
            continue
        if dropping and l.comment is not None and l.comment.value.startswith("#   "):
            continue
        dropping = False
        out.append(l)
    return out


@dataclass(eq=False)
class TowerGroup:
    """Executions of one builder made from one scope (``entry``)."""
    entry: cst.CSTNode                   # the Module or FunctionDef whose code makes the calls
    function: cst.FunctionDef            # the builder (function, method, __call__, __init__)
    calls: list[cst.Call]                # distinct ORIGINAL call nodes, in source order
    executions: int                      # how many times they ran (a loop counts each pass)
    verdict: str                         # "shared" | "unshared" | "partial" | "raises"
    shared: list[str]                    # variables every tower uses
    unshared: list[str]                  # variables only some towers use
    error: str | None = None             # the ValueError TF1 raises ("raises")
    in_loop: bool = False                # one call executed several times
    from_earlier_run: bool = False       # "shared" because an earlier run kept its sharing scope
    # every variable the towers use was made outside them (a weight dict given to each call):
    # they share for as long as those stay variables
    outside_only: bool = False

    @property
    def name(self) -> str:
        return self.function.name.value


_NAME_RE = re.compile(r"[^A-Za-z0-9_./<>#?@ -]")


class _Interp:
    """Interpret one entry scope; record tower executions."""

    MAX_STEPS = 40000
    MAX_DEPTH = 12

    def __init__(self, owner: "Sharing", entry: cst.CSTNode) -> None:
        self.o = owner
        self.entry = entry
        self.vars: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.stack: list[_Frame] = [_Frame("", False, False)]
        self.steps = 0
        self.depth = 0
        self._fns: list = []   # (function, self) of the invocations under way (for ``super()``)
        self.active: list[_Execution] = []
        self.executions: list[_Execution] = []
        self.new_vars = 0
        self.loop_depth = 0
        self.loop_calls: set[int] = set()
        # the module's live bindings when the entry is the module: a function it calls reads
        # the cell objects bound at module level (``fw_cell = GRUCell(n)``) as Python does
        self.globals: dict | None = None

    # -- variable store ----------------------------------------------------------------------
    @property
    def scope(self) -> str:
        return self.stack[-1].name

    def _join(self, name: str) -> str:
        return f"{self.scope}/{name}" if self.scope else name

    def _touch(self, key: str, action: str) -> None:
        if self.active:
            ex = self.active[0]  # the outermost tower call owns everything built inside it
            if action == "read" and key in ex.keys:
                return  # (a variable of its own, read after it made it)
            if key not in ex.keys:
                ex.keys.append(key)
            (ex.created if action == "create" else ex.reused).append(key)

    def _read(self, v: Any) -> Any:
        """A value read in a tower: a variable made OUTSIDE it (``weights['wc1']`` of a weight
        dict built once, a module-level ``W = tf.Variable(..)``) is one of the tower's variables -
        the same object at every call (TF1 shares what the towers are given)."""
        if isinstance(v, _Var) and v.weight and self.active:
            self._touch(v.key, "read")
        return v

    def _error(self, msg: str) -> None:
        if self.active:
            self.active[0].errors.append(msg)
        else:
            self.o.errors.append(msg)

    def get_variable(self, name: str) -> _Var:
        full = self._join(name)
        reuse = self.stack[-1].reuse
        exists = full in self.vars
        self.last_action = "error" if (reuse is True and not exists) or (reuse is False and exists) \
            else ("reuse" if exists else "create")
        if reuse is True and not exists:
            self._error(f"Variable {full} does not exist, or was not created with tf.get_variable(): "
                        f"reuse is set but nothing created it before")
            self.vars[full] = 1
            self._touch(full, "create")
        elif reuse is False and exists:
            self._error(f"Variable {full} already exists, disallowed: get_variable without reuse")
            self._touch(full, "reuse")
        elif exists:
            self._touch(full, "reuse")
        else:
            self.vars[full] = 1
            self._touch(full, "create")
        return _Var(full, weight=True)

    def _scope_init(self, node: cst.CSTNode) -> None:
        """Record the scope initializer in force for the variables ``node`` just made (an execution
        that only reused them records nothing: TF1 applies no initializer there)."""
        inits = self.o.scope_inits.setdefault(id(node), [])
        regs = self.o.scope_regs.setdefault(id(node), [])
        if getattr(self, "last_action", None) == "create":
            inits.append(self.stack[-1].init)
            regs.append(self.stack[-1].reg)

    def new_variable(self, name: Any) -> _Var:
        self.new_vars += 1
        label = name if isinstance(name, str) else "Variable"
        key = f"<tf.Variable {label} #{self.new_vars}>"
        self._touch(key, "create")
        return _Var(key, weight=True)

    def _count_name(self, full: str) -> int:
        return self.counts.get(full, 0)

    def enter(self, name: Any, default: str | None, reuse: Any) -> _Frame:
        """``variable_scope(name, default_name=default, reuse=reuse)``."""
        parent = self.stack[-1]
        if isinstance(name, _ScopeRef):
            full, named = name.frame.name, False
        elif isinstance(name, str) or isinstance(name, _Unknown):
            text = name if isinstance(name, str) else "{" + name.key + "}"
            full, named = (f"{parent.name}/{text}" if parent.name else text), True
        else:  # default name, made unique in the current scope
            base = default or "scope"
            prefix = f"{parent.name}/{base}" if parent.name else base
            unique = base
            if self._count_name(prefix):
                i = 1
                while self._count_name(f"{prefix}_{i}"):
                    i += 1
                unique = f"{base}_{i}"
            full, named = (f"{parent.name}/{unique}" if parent.name else unique), True
        self.counts[full] = self.counts.get(full, 0) + 1
        if reuse is True or reuse is AUTO:
            r = reuse
        elif isinstance(name, _ScopeRef) and name.frame.reuse is not False:
            r = name.frame.reuse
        else:
            r = parent.reuse
        frame = _Frame(full, r, named, parent.init, parent.reg)
        self.stack.append(frame)
        return frame

    def leave(self, frame: _Frame) -> None:
        if self.stack and self.stack[-1] is frame:
            self.stack.pop()
        if frame.named:
            prefix = frame.name + "/"
            for k in self.counts:
                if k.startswith(prefix):
                    self.counts[k] = 0

    def build_cell(self, cell: _Cell) -> None:
        """A loop runs ``cell``: a legacy Layer opens ``variable_scope(name or its base name)``
        (with reuse: the base name as is) and makes its variables there the first time; later runs
        use them. The scope's initializer in force is the kernel's (recorded per cell call)."""
        if cell.key is not None:
            self._touch(cell.key, "reuse")
            return
        init, reg = self.stack[-1].init, self.stack[-1].reg
        cell.key = self.layer(cell.exact, cell.base, cell.reuse, "tf.layers").key
        inits = self.o.cell_inits.setdefault(id(cell.node), [])
        regs = self.o.cell_regs.setdefault(id(cell.node), [])
        if getattr(self, "last_action", None) == "create":  # (a build that reuses applies none)
            inits.append(init)
            regs.append(reg)
        self.o.layer_vars.setdefault(id(cell.node), set()).add(cell.key)

    def layer(self, exact: Any, default: str, reuse: Any, family: str = "tf.layers") -> _Var:
        """A layer that opens ``variable_scope(exact, default_name=default, reuse=reuse)`` and
        calls get_variable inside (tf.layers / contrib / tflearn)."""
        if exact is None and reuse is True:
            if family == "tf.layers":
                exact = default  # tf.layers with reuse=True and no name: the base name, not uniquified
            else:
                self._error("reuse=True cannot be used without a name_or_scope (an unnamed "
                            f"{family} layer with reuse=True)")
                reuse = False
        frame = self.enter(exact, default, reuse)
        try:
            v = self.get_variable("<weights>")
            return _Var(v.key)  # (the layer's output: not a variable read later)
        finally:
            self.leave(frame)

    # -- statements ----------------------------------------------------------------------------
    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.MAX_STEPS:
            raise _Budget()

    def run_block(self, stmts: Iterable[cst.CSTNode], env: dict) -> None:
        for s in stmts:
            self.run_stmt(s, env)

    def _body(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        body = getattr(node, "body", None)
        if isinstance(body, cst.IndentedBlock):
            return list(body.body)
        if isinstance(body, cst.SimpleStatementSuite):
            return list(body.body)
        if isinstance(body, (list, tuple)):
            return list(body)
        return []

    def run_stmt(self, s: cst.CSTNode, env: dict) -> None:  # noqa: C901
        self.tick()
        if isinstance(s, cst.SimpleStatementLine):
            for small in s.body:
                self.run_stmt(small, env)
        elif isinstance(s, cst.Assign):
            v = self.ev(s.value, env)
            for t in s.targets:
                self.bind(t.target, v, env)
        elif isinstance(s, cst.AnnAssign):
            if s.value is not None:
                self.bind(s.target, self.ev(s.value, env), env)
        elif isinstance(s, cst.AugAssign):
            self.ev(s.value, env)
            self.bind(s.target, UNKNOWN, env)
        elif isinstance(s, cst.Expr):
            self.ev(s.value, env)
        elif isinstance(s, cst.Return):
            raise _Return(self.ev(s.value, env) if s.value is not None else None)
        elif isinstance(s, cst.If):
            t = _truth(self.ev(s.test, env))
            if t is False:
                if s.orelse is not None:
                    self.run_stmt(s.orelse, env) if isinstance(s.orelse, cst.If) else \
                        self.run_block(self._body(s.orelse), env)
            else:  # True, or unknown: the first branch (the same in every tower)
                self.run_block(self._body(s), env)
        elif isinstance(s, cst.Else):
            self.run_block(self._body(s), env)
        elif isinstance(s, cst.For):
            items = self.iterate(s.iter, env, s.target)
            self.loop_depth += 1
            try:
                for item in items:
                    self.bind(s.target, item, env)
                    self.run_block(self._body(s), env)
            finally:
                self.loop_depth -= 1
        elif isinstance(s, cst.While):
            self.ev(s.test, env)
            self.run_block(self._body(s), env)
        elif isinstance(s, cst.With):
            frames: list[_Frame] = []
            try:
                for item in s.items:
                    v = self.ev(item.item, env)
                    if isinstance(v, _Frame):
                        frames.append(v)
                        if item.asname is not None:
                            self.bind(item.asname.name, _ScopeRef(v), env)
                    elif item.asname is not None:
                        self.bind(item.asname.name, UNKNOWN, env)
                self.run_block(self._body(s), env)
            finally:
                for f in reversed(frames):
                    self.leave(f)
        elif isinstance(s, cst.Try):
            self.run_block(self._body(s), env)
        elif isinstance(s, cst.FunctionDef):
            env[s.name.value] = s
        elif isinstance(s, cst.ClassDef):
            env[s.name.value] = s

    def iterate(self, node: cst.BaseExpression, env: dict, target: cst.CSTNode | None = None) -> list:
        v = self.ev(node, env)
        if isinstance(v, (list, tuple)) and len(v) <= 16:
            return list(v)  # known: ``range(1, blocks)`` with blocks == 1 runs no iteration
        label = dotted(target) if isinstance(target, (cst.Name, cst.Attribute)) else "item"
        return [_Unknown(f"loop:{label}@{id(node)}")]

    def bind(self, target: cst.BaseExpression, v: Any, env: dict) -> None:
        if isinstance(target, cst.Name):
            env[target.value] = v
        elif isinstance(target, cst.Attribute):
            obj = self.ev(target.value, env)
            if isinstance(obj, _Instance):
                obj.attrs[target.attr.value] = v
        elif isinstance(target, (cst.Tuple, cst.List)):
            elems = [e.value for e in target.elements]
            vals = list(v) if isinstance(v, (list, tuple)) and len(v) == len(elems) else [UNKNOWN] * len(elems)
            for e, x in zip(elems, vals):
                self.bind(e, x, env)
        elif isinstance(target, cst.Subscript):
            self.ev(target.value, env)

    # -- expressions ---------------------------------------------------------------------------
    def ev(self, node: cst.CSTNode | None, env: dict) -> Any:  # noqa: C901
        if node is None:
            return None
        self.tick()
        if isinstance(node, cst.Name):
            if node.value in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.value]
            if node.value in env:
                return self._read(env[node.value])
            if self.globals is not None and isinstance(self.globals.get(node.value), (_Cell, _Var, _VarDict)):
                return self._read(self.globals[node.value])
            if node.value in self.o.module_env:
                return self.o.module_env[node.value]
            if self.o.is_auto(node):
                return AUTO
            return _Unknown(f"name:{node.value}")
        if isinstance(node, cst.Integer):
            return int(node.value, 0) if not node.value.startswith("0") or node.value == "0" else UNKNOWN
        if isinstance(node, cst.Float):
            return UNKNOWN
        if isinstance(node, cst.SimpleString):
            try:
                return node.evaluated_value
            except Exception:
                return UNKNOWN
        if isinstance(node, cst.ConcatenatedString):
            a, b = self.ev(node.left, env), self.ev(node.right, env)
            return a + b if isinstance(a, str) and isinstance(b, str) else UNKNOWN
        if isinstance(node, cst.FormattedString):
            out = []
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    out.append(part.value)
                else:
                    out.append(_text(self.ev(part.expression, env), part.expression))
            return "".join(out)
        if isinstance(node, cst.Attribute):
            if self.o.is_auto(node):
                return AUTO
            base = self.ev(node.value, env)
            if isinstance(base, _ScopeRef) and node.attr.value == "reuse":
                return base.frame.reuse  # ``tf.get_variable_scope().reuse``
            if isinstance(base, _Instance):
                attr = node.attr.value
                if attr in base.attrs:
                    return self._read(base.attrs[attr])  # (``self.W`` made in __init__: the tower's)
                m = self.o.method(base.cls, attr)
                if m is not None:
                    return _Method(m, base)
                ca = self.o.class_attr(base.cls, attr)
                if ca is not None:
                    return ca
                return _Unknown(f"attr:{attr}")
            if isinstance(base, cst.ClassDef):
                m = self.o.method(base, node.attr.value)
                if m is not None:
                    return _Method(m, None)
            return _Unknown(f"attr:{node.attr.value}")
        if isinstance(node, (cst.List, cst.Tuple)):
            return [self.ev(e.value, env) for e in node.elements]
        if isinstance(node, cst.Dict):
            out = _VarDict()
            for e in node.elements:
                k = self.ev(e.key, env) if isinstance(e, cst.DictElement) else None
                v = self.ev(e.value, env)
                if isinstance(k, str) and out is not None:
                    out[k] = v
                else:
                    out = None
            # ``weights = {'wc1': tf.Variable(..), ...}``: its entries are read by key
            return out if out is not None and any(isinstance(v, _Var) for v in out.values()) else UNKNOWN
        if isinstance(node, cst.Subscript):
            base = self.ev(node.value, env)
            if isinstance(base, _VarDict) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                k = self.ev(node.slice[0].slice.value, env)
                if isinstance(k, str) and k in base:
                    return self._read(base[k])
            for el in node.slice:
                for cc in children(el.slice):
                    if isinstance(cc, cst.BaseExpression):
                        self.ev(cc, env)
            return UNKNOWN
        if isinstance(node, cst.IfExp):
            t = _truth(self.ev(node.test, env))
            return self.ev(node.orelse if t is False else node.body, env)
        if isinstance(node, cst.UnaryOperation):
            v = self.ev(node.expression, env)
            if isinstance(node.operator, cst.Not):
                t = _truth(v)
                return UNKNOWN if t is None else (not t)
            return UNKNOWN
        if isinstance(node, cst.BooleanOperation):
            a = self.ev(node.left, env)
            b = self.ev(node.right, env)
            ta = _truth(a)
            if isinstance(node.operator, cst.Or):
                return a if ta is True else (b if ta is False else UNKNOWN)
            return b if ta is True else (a if ta is False else UNKNOWN)
        if isinstance(node, cst.BinaryOperation):
            a, b = self.ev(node.left, env), self.ev(node.right, env)
            if isinstance(node.operator, cst.Add) and isinstance(a, str) and isinstance(b, str):
                return a + b
            if isinstance(node.operator, cst.Add) and isinstance(a, int) and isinstance(b, int) \
                    and not isinstance(a, bool):
                return a + b
            if isinstance(node.operator, cst.Modulo) and isinstance(a, str):
                args = b if isinstance(b, list) else [b]
                try:
                    return a % tuple(_text(x, node.right) for x in args)
                except Exception:
                    return _Unknown(f"fmt@{id(node)}")
            return UNKNOWN
        if isinstance(node, cst.Comparison):
            left = self.ev(node.left, env)
            vals = [self.ev(c.comparator, env) for c in node.comparisons]
            if len(vals) == 1 and not isinstance(left, _Unknown) and not isinstance(vals[0], _Unknown):
                op = node.comparisons[0].operator
                try:
                    if isinstance(op, (cst.Is, cst.Equal)):
                        return left is vals[0] if isinstance(op, cst.Is) else left == vals[0]
                    if isinstance(op, (cst.IsNot, cst.NotEqual)):
                        return left is not vals[0] if isinstance(op, cst.IsNot) else left != vals[0]
                    if isinstance(op, tuple(_ORDER)) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                      for v in (left, vals[0])):
                        # ``reuse=k > 0`` of a numbered tower (an unrolled ``enumerate``)
                        return _ORDER[type(op)](left, vals[0])
                except Exception:
                    return UNKNOWN
            return UNKNOWN
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            return self.comprehension(node, env)
        if isinstance(node, cst.Call):
            return self.call(node, env)
        if isinstance(node, cst.Lambda):
            return UNKNOWN
        for c in children(node):
            if isinstance(c, cst.BaseExpression):
                self.ev(c, env)
            elif isinstance(c, (cst.Arg, cst.SubscriptElement, cst.Index, cst.Slice, cst.Element)):
                for cc in children(c):
                    if isinstance(cc, cst.BaseExpression):
                        self.ev(cc, env)
        return UNKNOWN

    def comprehension(self, node, env: dict) -> Any:
        f = node.for_in
        if f.inner_for_in is not None:
            return UNKNOWN
        items = self.iterate(f.iter, env, f.target)
        out = []
        local = dict(env)
        self.loop_depth += 1
        try:
            for item in items:
                self.bind(f.target, item, local)
                out.append(self.ev(node.elt, local))
        finally:
            self.loop_depth -= 1
        return out

    def _args(self, call: cst.Call, env: dict) -> tuple[list, dict]:
        pos, kw = [], {}
        for a in call.args:
            v = self.ev(a.value, env)
            if a.star == "**" and isinstance(v, _KwDict):
                kw.update(v)  # ``f(x, **kwargs)`` passing on the keywords it was given
                continue
            if a.star:
                continue
            if a.keyword is not None:
                kw[a.keyword.value] = v
            else:
                pos.append(v)
        return pos, kw

    def call(self, node: cst.Call, env: dict) -> Any:  # noqa: C901
        q = "" if isinstance(node.func, cst.Call) else self.o.qname(node.func)
        # method calls on values: ``scope.reuse_variables()``, ``"{}".format(...)``
        if isinstance(node.func, cst.Attribute):
            attr = node.func.attr.value
            if attr == "reuse_variables" and not q.startswith("keras"):
                target = self.ev(node.func.value, env)
                if isinstance(target, _ScopeRef):
                    target.frame.reuse = True
                else:
                    self.stack[-1].reuse = True
                return None
            if attr == "get" and q == "":
                base = self.ev(node.func.value, env)
                if isinstance(base, _KwDict):  # ``kwargs.get("bn_prefix", "")``
                    pos, kw = self._args(node, env)
                    if 1 <= len(pos) <= 2 and not kw and isinstance(pos[0], str):
                        return base.get(pos[0], pos[1] if len(pos) > 1 else None)
                    return UNKNOWN
            if attr == "__init__" and isinstance(node.func.value, cst.Call) and not node.func.value.args \
                    and isinstance(node.func.value.func, cst.Name) and node.func.value.func.value == "super" \
                    and self._fns:
                # ``super().__init__(name)``: the first base class' constructor on this instance
                fn, self_ = self._fns[-1]
                cls = self.o._class_of(fn)
                pos, kw = self._args(node, env)
                for b in (cls.bases if cls is not None and isinstance(self_, _Instance) else ()):
                    base_cls = self.o.classes.get(dotted(b.value) or "")
                    m = self.o.method(base_cls, "__init__") if base_cls is not None else None
                    if m is not None:
                        self.invoke(m, self_, pos, kw)
                        return None
                return UNKNOWN
            if attr == "format" and q == "":
                base = self.ev(node.func.value, env)
                pos, kw = self._args(node, env)
                if isinstance(base, str):
                    try:
                        return base.format(*[_text(p, node) for p in pos],
                                           **{k: _text(v, node) for k, v in kw.items()})
                    except Exception:
                        return _Unknown(f"fmt@{id(node)}")
                return UNKNOWN
        if q in GET_SCOPE:
            return _ScopeRef(self.stack[-1])
        if q in VARIABLE_SCOPE:
            pos, kw = self._args(node, env)
            name = kw.get("name_or_scope", pos[0] if pos else None)
            default = kw.get("default_name", pos[1] if len(pos) > 1 else None)
            reuse = kw.get("reuse", pos[3] if len(pos) > 3 else None)
            if name is None and not isinstance(default, str):
                default = "scope"
            frame = self.enter(name, default if isinstance(default, str) else None, _reuse(reuse))
            for what, keyword in (("init", "initializer"), ("reg", "regularizer")):
                v = scope_argument(node, keyword)
                if v is not None:
                    setattr(frame, what, v)
            return frame
        if q in GET_VARIABLE:
            pos, kw = self._args(node, env)
            name = kw.get("name", pos[0] if pos else None)
            v = self.get_variable(_text(name, node))
            self.o.getvar_keys.setdefault(id(node), set()).add(v.key)
            self._scope_init(node)
            return v
        if q in NEW_VARIABLE:
            pos, kw = self._args(node, env)
            return self.new_variable(kw.get("name"))
        if q in CELL_WRAPPERS:
            # DropoutWrapper(cell, ...): no variables of its own; the loop builds the wrapped cell
            # under the same scope (rnn/fw/gru_cell/..., no wrapper component in the names)
            pos, kw = self._args(node, env)
            inner = kw.get("cell", pos[0] if pos else None)
            return inner if isinstance(inner, _Cell) else UNKNOWN
        if q in CELLS:
            pos, kw = self._args(node, env)
            reuse = kw.get("reuse")
            exact = kw.get("name") if isinstance(kw.get("name"), str) else None
            return _Cell(node, CELLS[q], exact, _reuse(reuse))
        if not q and isinstance(node.func, cst.Name) and node.func.value in _LOOP_HELPERS:
            q = _LOOP_HELPERS[node.func.value]  # TFM158's loop helper (an earlier run): the same loop
        if q in RNN_LOOPS:
            pos, kw = self._args(node, env)
            default, cells = RNN_LOOPS[q]
            scope = kw.get("scope")
            frame = self.enter(scope if isinstance(scope, (str, _ScopeRef)) else default, None, False)
            try:
                for pname, i, sub in cells:
                    cell = kw.get(pname, pos[i] if len(pos) > i else None)
                    inner = self.enter(sub, None, False) if sub else None
                    try:
                        if isinstance(cell, _Cell):
                            self.build_cell(cell)
                    finally:
                        if inner is not None:
                            self.leave(inner)
            finally:
                self.leave(frame)
            return UNKNOWN
        kind = self.o.layer_kind(q)
        if kind is not None:
            family, base = kind
            pos, kw = self._args(node, env)
            if family == "tf.layers":
                exact, reuse = kw.get("name"), kw.get("reuse")
            else:
                if family == "contrib" and "reuse" not in kw:
                    # ``slim.arg_scope([slim.conv2d, ...], reuse=reuse)`` around the call: slim gives
                    # it the scope's reuse (evaluated where the call runs: lexically the same function)
                    from .arg_scopes import ArgScopes

                    d = self.o.ctx.analysis(ArgScopes).defaults_for(node).get("reuse")
                    if d is not None:
                        kw["reuse"] = self.ev(d, env)
                exact, reuse = kw.get("scope"), kw.get("reuse")
                if family == "tflearn" and isinstance(kw.get("name"), str):
                    base = kw["name"]
            if isinstance(exact, (_Unknown, _ScopeRef)):
                # a computed name (the same at every call of the tower), or the scope object of an
                # enclosing ``variable_scope(...) as scope`` (contrib's ``scope=scope``)
                pass
            elif not isinstance(exact, str):
                exact = None
            v = self.layer(exact, base, _reuse(reuse), family)
            self.o.layer_vars.setdefault(id(node), set()).add(v.key)
            self._scope_init(node)
            self.o.layer_actions.setdefault(id(node), set()).add(getattr(self, "last_action", "error"))
            return v
        if _layer_class(q):
            self._args(node, env)
            self.o.layer_objects += 1
            return _LayerObject(f"<{q.rsplit('.', 1)[-1]} object #{self.o.layer_objects}>")
        if _layer_class(q, weightless=True):
            self._args(node, env)
            return UNKNOWN
        if isinstance(node.func, cst.Name) and node.func.value in ("range", "xrange") and node.func.value not in env \
                and q in ("", "range", "builtins.range", "six.moves.xrange", "past.builtins.xrange"):
            pos, kw = self._args(node, env)
            if not kw and 1 <= len(pos) <= 3 and all(isinstance(p, int) and not isinstance(p, bool) for p in pos):
                r = range(*pos)
                if len(r) <= 16:
                    return list(r)
            return UNKNOWN
        # a user function / method / class / object
        callee = self.ev(node.func, env) if not q.startswith(("tensorflow.", "tflearn.", "keras.", "numpy.")) \
            else None
        if isinstance(callee, _LayerObject):
            self._args(node, env)
            if not callee.built:
                callee.built = True
                self._touch(callee.key, "create")
            else:
                self._touch(callee.key, "reuse")
            return UNKNOWN
        fn, self_, instance_new = self.o.resolve(callee)
        if fn is None and not instance_new:
            # an opaque call: still evaluate the arguments (they may build layers)
            if isinstance(node.func, cst.Attribute):
                self.ev(node.func.value, env)
            self._args(node, env)
            return UNKNOWN
        pos, kw = self._args(node, env)
        if self.depth >= self.MAX_DEPTH:
            return UNKNOWN
        ex = None
        if fn is not None and self.o.in_entry(node, self.entry) and self.o.builds(fn):
            ex = _Execution(node, fn, self_)
            if self.loop_depth:
                self.loop_calls.add(id(node))
            self.executions.append(ex)
            self.active.append(ex)
        try:
            result = self.invoke(fn, self_, pos, kw) if fn is not None else None
        finally:
            if ex is not None:
                self.active.pop()
        return self_ if instance_new else result

    def invoke(self, fn: cst.FunctionDef, self_: Any, pos: list, kw: dict) -> Any:
        env: dict = {}
        params = list(fn.params.params)
        if self_ is not None and params:
            env[params[0].name.value] = self_
            params = params[1:]
        for i, p in enumerate(params):
            name = p.name.value
            if i < len(pos):
                env[name] = pos[i]
            elif name in kw:
                env[name] = kw[name]
            elif p.default is not None:
                env[name] = self.ev(p.default, {})
            else:
                env[name] = _Unknown(f"param:{name}")
        for p in fn.params.kwonly_params:
            name = p.name.value
            env[name] = kw.get(name, self.ev(p.default, {}) if p.default is not None else UNKNOWN)
        if isinstance(fn.params.star_kwarg, cst.Param):  # ``**kwargs``: the keywords no parameter took
            taken = {p.name.value for p in fn.params.params} | {p.name.value for p in fn.params.kwonly_params}
            env[fn.params.star_kwarg.name.value] = _KwDict({k: v for k, v in kw.items() if k not in taken})
        self.depth += 1
        depth_stack = len(self.stack)
        self._fns.append((fn, self_))
        try:
            self.run_block(self._body(fn), env)
        except _Return as r:
            return r.value
        finally:
            self._fns.pop()
            self.depth -= 1
            del self.stack[depth_stack:]
        return None


_WEIGHTLESS = re.compile(r"(Flatten|Dropout|SpatialDropout\w*|GaussianNoise|GaussianDropout|AlphaDropout|Activation|"
                         r"ReLU|LeakyReLU|Softmax|ELU|Reshape|Permute|RepeatVector|Lambda|Input|InputLayer|"
                         r"\w*Pooling\w*|\w*Pool\dD|Concatenate|Add|Subtract|Multiply|Average|Maximum|Minimum|Dot|"
                         r"ZeroPadding\dD|Cropping\dD|UpSampling\dD|Rescaling|Resizing|Masking|Identity)$")
_LAYER_MODULES = ("keras.layers.", "tensorflow.keras.layers.", "tensorflow.layers.", "tf_keras.layers.")


def _module_statements(body) -> Iterable[cst.CSTNode]:
    """The statements that run once at module level: the module's own and those of its ``with``
    blocks (``with tf.variable_scope('w'):``, ``with graph.as_default():``), not of loops,
    branches or functions."""
    for st in body:
        if isinstance(st, cst.With):
            yield from _module_statements(st.body.body)
        else:
            yield st


def _layer_class(q: str, weightless: bool = False) -> bool:
    """``keras.layers.Dense`` / ``tf.layers.Dense``: a layer class (with weights unless asked)."""
    if not q.startswith(_LAYER_MODULES):
        return False
    tail = q.rsplit(".", 1)[-1]
    if not tail[:1].isupper():
        return False
    return bool(_WEIGHTLESS.match(tail)) == weightless


def _truth(v: Any) -> bool | None:
    if isinstance(v, bool):
        return v
    if v is None:
        return False
    if isinstance(v, (int, str)):
        return bool(v)
    if v is AUTO:
        return True
    return None


def _reuse(v: Any) -> Any:
    if v is True or v is AUTO:
        return v
    if isinstance(v, _Unknown):
        return False  # unknown: inherit (the same choice in every tower)
    return False


def _text(v: Any, node: cst.CSTNode) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool) or isinstance(v, int):
        return str(v)
    if isinstance(v, _Unknown):
        return "{" + v.key + "}"
    return "{" + f"value@{id(node)}" + "}"


class Sharing:
    """``ctx.analysis(Sharing)``: the tower groups of a file and their TF1 verdicts."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.module = ctx.module
        self.errors: list[str] = []
        self.layer_objects = 0
        self._qcache: dict[int, str] = {}
        self.functions: dict[str, cst.FunctionDef] = {}
        self.classes: dict[str, cst.ClassDef] = {}
        self.module_env: dict[str, Any] = {}
        self._builds: dict[int, bool] = {}
        self._weight_attrs: dict[int, frozenset[str]] = {}  # id(class) -> attrs assigned a weight
        self._entry_of: dict[int, cst.CSTNode] = {}
        for s in self.module.body:
            if isinstance(s, cst.FunctionDef):
                self.functions[s.name.value] = s
                self.module_env[s.name.value] = s
            elif isinstance(s, cst.ClassDef):
                self.classes[s.name.value] = s
                self.module_env[s.name.value] = s
            elif isinstance(s, cst.SimpleStatementLine):
                for small in s.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                            small.targets[0].target, cst.Name):
                        v = _const(small.value)
                        if v is not _NOCONST:
                            self.module_env[small.targets[0].target.value] = v
        self.groups: list[TowerGroup] = []
        self.by_call: dict[int, TowerGroup] = {}
        self.layer_vars: dict[int, set[str]] = {}  # id(layer call) -> the variables it got, every execution
        # id(layer call) -> what its get_variable did at each execution: "create", "reuse", "error"
        self.layer_actions: dict[int, set[str]] = {}
        self.getvar_keys: dict[int, set[str]] = {}  # id(get_variable call) -> its variables, every execution
        # id(RNN cell call) -> the variable-scope initializer node in force where a loop built its
        # variables (None: none), one entry per interpreted build that created them
        self.cell_inits: dict[int, list] = {}
        # id(get_variable call, or layer call) -> the variable-scope initializer node in force at
        # each interpreted execution that made its variables (None: none; reached but only reusing:
        # an empty list); analysis/scope_initializers.py reads it
        self.scope_inits: dict[int, list] = {}
        self.scope_regs: dict[int, list] = {}  # the same for the scope's ``regularizer=``
        self.cell_regs: dict[int, list] = {}
        # id(call) -> the executions of a builder call that no group holds (the builder runs once in
        # that entry, e.g. an inference tower ``CNN(x, reuse=True)`` next to a wrapper that makes
        # the towers): which variables each made / reused (SharedPlan: does it share a group's?)
        self.lone: dict[int, list[_Execution]] = {}
        # id(call) of layer helpers stacked on each other (``dense(dense(x, .., "h"), .., "o")``, or
        # through names) under a scope where TF1 reuses some of their variables: no group of towers (each call is
        # one layer), and no builder "creating new weights each time" either
        self.stacked_reused: set[int] = set()
        self._run()

    # -- name helpers ------------------------------------------------------------------------
    def qname(self, node: cst.CSTNode) -> str:
        k = id(node)
        if k not in self._qcache:
            q = ""
            try:
                q = self.ctx.legacy_name(node) or ""
            except Exception:
                q = ""
            if not q:
                try:
                    names = self.ctx.qualified(node)
                except Exception:
                    names = set()
                for n in sorted(names):
                    if n.startswith(("keras.", "tensorflow.keras.", "tf_keras.")):
                        q = n
                        break
            self._qcache[k] = q
        return self._qcache[k]

    def is_auto(self, node: cst.CSTNode) -> bool:
        return self.qname(node) in AUTO_REUSE

    def layer_kind(self, q: str) -> tuple[str, str] | None:
        if q.startswith("tensorflow.layers."):
            tail = q.rsplit(".", 1)[-1]
            return ("tf.layers", tail) if tail in _TF_LAYERS_WEIGHTED else None
        if q.startswith(("tensorflow.contrib.layers.", "tensorflow.contrib.slim.", "tensorflow.contrib.slim")):
            tail = q.rsplit(".", 1)[-1]
            return ("contrib", _CONTRIB_DEFAULT.get(tail, tail)) if tail in _CONTRIB_WEIGHTED else None
        if q.startswith("tflearn."):
            tail = q.rsplit(".", 1)[-1]
            base = _TFLEARN_WEIGHTED.get(tail, "")
            return ("tflearn", base) if base else None
        return None

    def method(self, cls: cst.ClassDef, name: str, _seen: int = 0) -> cst.FunctionDef | None:
        for s in self._body(cls):
            if isinstance(s, cst.FunctionDef) and s.name.value == name:
                return s
        if _seen < 5:
            for b in cls.bases:
                base = self.classes.get(dotted(b.value) or "")
                if base is not None:
                    m = self.method(base, name, _seen + 1)
                    if m is not None:
                        return m
        return None

    def class_attr(self, cls: cst.ClassDef, name: str) -> Any:
        for s in self._body(cls):
            if isinstance(s, cst.SimpleStatementLine):
                for small in s.body:
                    if isinstance(small, cst.Assign) and any(
                            isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets):
                        v = _const(small.value)
                        return None if v is _NOCONST else v
        return None

    @staticmethod
    def _body(node: cst.CSTNode) -> list[cst.CSTNode]:
        body = getattr(node, "body", None)
        return list(body.body) if isinstance(body, cst.IndentedBlock) else []

    def resolve(self, callee: Any) -> tuple[cst.FunctionDef | None, Any, bool]:
        """(function to run, self, is a construction)."""
        if isinstance(callee, cst.FunctionDef):
            return callee, None, False
        if isinstance(callee, _Method):
            return callee.fn, callee.self_, False
        if isinstance(callee, cst.ClassDef):
            inst = _Instance(callee)
            init = self.method(callee, "__init__")
            return init, inst, True
        if isinstance(callee, _Instance):
            m = self.method(callee.cls, "__call__")
            return m, callee, False
        return None, None, False

    def builds(self, fn: cst.FunctionDef, _depth: int = 0) -> bool:
        """Does ``fn`` (or a builder it calls) create or apply weights? (syntactic, cached)"""
        k = id(fn)
        if k in self._builds:
            return self._builds[k]
        self._builds[k] = False
        found = self._reads_variables(fn)
        for n in ([] if found else _walk(fn)):
            if isinstance(n, cst.Call):
                q = self.qname(n.func)
                if q in GET_VARIABLE or q in NEW_VARIABLE or self.layer_kind(q) is not None or _layer_class(q) \
                        or q in CELLS or q in RNN_LOOPS \
                        or (isinstance(n.func, cst.Name) and n.func.value in _LOOP_HELPERS and not q):
                    # (an RNN loop makes its cells' variables the first time it runs them: a
                    # function running a cell made elsewhere builds too)
                    found = True
                    break
                if _depth < 6:
                    if isinstance(n.func, cst.Name) and n.func.value in self.functions and \
                            self.builds(self.functions[n.func.value], _depth + 1):
                        found = True
                        break
                    if isinstance(n.func, cst.Attribute) and isinstance(n.func.value, cst.Name) \
                            and n.func.value.value == "self":
                        cls = self._class_of(fn)
                        m = self.method(cls, n.func.attr.value) if cls is not None else None
                        # ``self.call(x)`` in a base class: the subclasses' overrides run too
                        ms = ([m] if m is not None else []) + (
                            self._overrides(cls, n.func.attr.value) if cls is not None else [])
                        if any(self.builds(x, _depth + 1) for x in ms):
                            found = True
                            break
            if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == "self":
                # applying a layer object or a variable held by the instance (``self.fc(x)``, ``self.W``)
                cls = self._class_of(fn)
                if cls is not None and self._attr_is_weight(cls, n.attr.value):
                    found = True
                    break
        self._builds[k] = found
        return found

    def _variable_value(self, v: cst.BaseExpression) -> bool:
        """``tf.Variable(..)`` or ``tf.get_variable(..)`` (bound once, outside any function: one
        variable, whoever reads it), or a dict literal of them (a weight dict)."""
        vals = [e.value for e in v.elements] if isinstance(v, cst.Dict) else [v]
        return bool(vals) and all(isinstance(x, cst.Call) and self.qname(x.func) in NEW_VARIABLE + GET_VARIABLE
                                  for x in vals)

    def _variable_globals(self) -> tuple[frozenset, frozenset]:
        """Module names bound to ``tf.Variable(..)`` or to a weight dict, and the names of the
        functions some call passes one of them to (one walk of the module, kept)."""
        if "_var_globals" not in self.__dict__:
            names = {small.targets[0].target.value for st in _module_statements(self.module.body)
                     if isinstance(st, cst.SimpleStatementLine) for small in st.body
                     if isinstance(small, cst.Assign) and len(small.targets) == 1
                     and isinstance(small.targets[0].target, cst.Name) and self._variable_value(small.value)}
            passed = {n.func.value for n in _walk(self.module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name)
                      and any(isinstance(a.value, cst.Name) and a.value.value in names for a in n.args)} if names else set()
            self.__dict__["_var_globals"] = (frozenset(names), frozenset(passed))
        return self.__dict__["_var_globals"]

    def _reads_variables(self, fn: cst.FunctionDef) -> bool:
        """``fn`` reads module variables (a weight dict) by name, or a call of it passes one."""
        names, passed = self._variable_globals()
        if not names:
            return False
        return fn.name.value in passed or any(isinstance(n, cst.Name) and n.value in names for n in _walk(fn.body))

    def _attr_is_weight(self, cls: cst.ClassDef, attr: str) -> bool:
        """Is ``self.<attr>`` assigned a variable or a layer object somewhere in ``cls``? (one
        walk of the class, not one per attribute asked)"""
        k = id(cls)
        attrs = self._weight_attrs.get(k)
        if attrs is None:
            found: set[str] = set()
            for n in _walk(cls):
                if isinstance(n, cst.Assign) and isinstance(n.value, cst.Call):
                    names = [t.target.attr.value for t in n.targets if isinstance(t.target, cst.Attribute)]
                    if names:
                        q = self.qname(n.value.func)
                        if q in GET_VARIABLE or q in NEW_VARIABLE or _layer_class(q):
                            found.update(names)
                elif isinstance(n, cst.Assign) and isinstance(n.value, cst.Dict) and self._variable_value(n.value):
                    # ``self.weights = {'wc1': tf.Variable(..), ...}``: a weight dict held by the instance
                    found.update(t.target.attr.value for t in n.targets if isinstance(t.target, cst.Attribute))
            attrs = self._weight_attrs[k] = frozenset(found)
        return attr in attrs

    def _overrides(self, cls: cst.ClassDef, name: str) -> list[cst.FunctionDef]:
        """Methods ``name`` of the module's subclasses of ``cls`` (``self.name(...)`` in a method of
        ``cls`` runs the instance's class' one)."""
        out = []
        for sub in self.classes.values():
            if sub is cls:
                continue
            seen, todo = 0, [sub]
            while todo and seen < 6:
                c = todo.pop()
                seen += 1
                bases = [self.classes.get(dotted(b.value) or "") for b in c.bases]
                if any(b is cls for b in bases):
                    m = next((x for x in self._body(sub) if isinstance(x, cst.FunctionDef)
                              and x.name.value == name), None)
                    if m is not None:
                        out.append(m)
                    break
                todo.extend(b for b in bases if b is not None)
        return out

    def _class_of(self, fn: cst.FunctionDef) -> cst.ClassDef | None:
        n = self.ctx.parent(fn)
        while n is not None and not isinstance(n, cst.ClassDef):
            if isinstance(n, cst.Module):
                return None
            n = self.ctx.parent(n)
        return n

    def entry_of(self, node: cst.CSTNode) -> cst.CSTNode:
        k = id(node)
        if k not in self._entry_of:
            n = self.ctx.parent(node)
            while n is not None and not isinstance(n, (cst.FunctionDef, cst.Module)):
                n = self.ctx.parent(n)
            self._entry_of[k] = n if n is not None else self.module
        return self._entry_of[k]

    def in_entry(self, call: cst.Call, entry: cst.CSTNode) -> bool:
        return self.entry_of(call) is entry

    # -- running ---------------------------------------------------------------------------------
    def _entries(self) -> list[cst.CSTNode]:
        """Scopes (the module, functions) whose own code calls a builder twice or in a loop:
        a function or class of the file, a method through ``self``, or a name bound in it."""
        local = set(self.functions) | set(self.classes)
        out: list[cst.CSTNode] = []
        scopes = [self.module] + [n for n in _walk(self.module) if isinstance(n, cst.FunctionDef)]
        for scope in scopes:
            bound: set[str] = set()
            sites = 0
            for n in _own_nodes(scope):
                if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name):
                    bound.add(n.target.value)
                elif isinstance(n, cst.FunctionDef) and n is not scope:
                    bound.add(n.name.value)  # a tower builder defined inside (DIGITS' make_tower)
            for n in _own_nodes(scope):
                if not isinstance(n, cst.Call):
                    continue
                f = n.func
                if (isinstance(f, cst.Name) and (f.value in local or f.value in bound)) or (
                        isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name)
                        and f.attr.value not in _CONTAINER_METHODS
                        and (f.value.value == "self" or f.value.value in bound)):
                    sites += 2 if self._looped(n, scope) else 1
                    if sites >= 2:
                        out.append(scope)
                        break
        return out

    def _kept_sharing_scope(self, fn) -> bool:
        return fn is not None and any(isinstance(n, cst.With) and kept_scope_marker(n.leading_lines)
                                      for n in _walk(fn))

    def _looped(self, node: cst.CSTNode, scope: cst.CSTNode) -> bool:
        n = self.ctx.parent(node)
        while n is not None and n is not scope:
            if isinstance(n, (cst.For, cst.While, cst.ListComp, cst.GeneratorExp)):
                return True
            n = self.ctx.parent(n)
        return False

    def _start(self, entry: cst.CSTNode, it: "_Interp") -> None:
        """Set up the interpreter of one entry before it runs (a subclass's hook)."""

    def _run(self) -> None:
        for entry in self._entries():
            it = _Interp(self, entry)
            self._start(entry, it)
            try:
                if isinstance(entry, cst.Module):
                    it.globals = {}
                    it.run_block(entry.body, it.globals)
                else:
                    cls = self._class_of(entry)
                    self_ = _Instance(cls) if cls is not None and entry.params.params else None
                    if self_ is not None:
                        self._construct_first(entry, cls, self_, it)
                    it.invoke(entry, self_, [], {})
            except (_Budget, RecursionError):
                continue
            except _Return:
                pass
            self._group(entry, it)

    def _construct_first(self, entry: cst.FunctionDef, cls: cst.ClassDef, self_: Any, it: _Interp) -> None:
        """A method runs on an object its ``__init__`` has built: where ``__init__`` makes weights,
        the variable store the method meets holds them (``__init__`` builds an inference tower
        with ``reuse=False``, a later method the training towers with ``reuse=True``: TF1 shares).
        ``__init__`` runs first - only its statements before the first one leading to ``entry``
        where it calls the method itself (``self.loss = self.triplet_loss()``). Nothing it runs is
        an execution of the entry (those are the calls written in the entry)."""
        init = self.method(cls, "__init__")
        if init is None or init is entry or not self.builds(init):
            return
        reached: dict[int, bool] = {}

        def methods_called(node: cst.CSTNode):
            """The methods of ``cls`` that ``self.<name>(...)`` calls in ``node`` call."""
            for n in _walk(node):
                if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) \
                        and isinstance(n.func.value, cst.Name) and n.func.value.value == "self":
                    m = self.method(cls, n.func.attr.value)
                    if m is not None:
                        yield m

        def leads(fn: cst.FunctionDef, depth: int = 0) -> bool:
            if fn is entry:
                return True
            if id(fn) in reached or depth > 6:
                return reached.get(id(fn), False)
            reached[id(fn)] = False
            reached[id(fn)] = any(leads(m, depth + 1) for m in methods_called(fn))
            return reached[id(fn)]

        body = self._body(init)
        prefix = []
        for st in body:
            if any(m is not init and leads(m) for m in methods_called(st)):
                break
            prefix.append(st)
        if not prefix:
            return
        fn = init if len(prefix) == len(body) else init.with_changes(body=init.body.with_changes(body=prefix))
        try:
            it.invoke(fn, self_, [], {})
        except _Return:
            pass

    def _group(self, entry: cst.CSTNode, it: _Interp) -> None:
        by_fn: dict[int, list[_Execution]] = {}
        for ex in it.executions:
            by_fn.setdefault(id(ex.function), []).append(ex)
        for exs in by_fn.values():
            if len(exs) < 2:
                for ex in exs:
                    if ex.keys and not ex.errors:
                        self.lone.setdefault(id(ex.call), []).append(ex)
                continue
            if not any(ex.keys for ex in exs):
                continue
            calls: list[cst.Call] = []
            for ex in exs:
                if all(c is not ex.call for c in calls):
                    calls.append(ex.call)
            keys = [k for ex in exs for k in set(ex.keys)]
            chained = self._chained(entry, calls) or _state_chained(exs[0].function)
            if len(set(keys)) < len(keys) and (chained or self._nested(calls)):
                # layers stacked on each other, and an execution reuses another's variable
                self.stacked_reused.update(id(c) for c in calls)
                continue
            if chained:
                continue  # layers stacked on each other (conv(conv(x))), not towers side by side
            sets = [set(ex.keys) for ex in exs]
            common = set.intersection(*sets)
            union = set.union(*sets)
            order = [k for ex in exs for k in ex.keys]
            shared = _ordered(order, common)
            unshared = _ordered(order, union - common)
            errors = [e for ex in exs for e in ex.errors]
            if errors:
                verdict = "raises"
            elif not unshared:
                verdict = "shared"
            elif not common:
                verdict = "unshared"
            else:
                verdict = "partial"
            kept = verdict in ("unshared", "partial") and self._kept_sharing_scope(exs[0].function)
            if kept:
                # an earlier run kept a sharing scope here (TFM138's TODO): TF1 shared these
                # weights; the Keras layers now inside it would read as fresh per call
                verdict, shared, unshared = "shared", _ordered(order, union), []
            g = TowerGroup(entry, exs[0].function, calls, len(exs), verdict, shared, unshared,
                           errors[0] if errors else None, any(id(c) in it.loop_calls for c in calls))
            g.from_earlier_run = kept
            g.outside_only = not any(ex.created for ex in exs)
            self.groups.append(g)
            for c in calls:
                self.by_call.setdefault(id(c), g)

    def _nested(self, calls: list[cst.Call]) -> bool:
        """Is one of the calls written inside another's arguments (in the same statement)?"""
        ids = {id(c) for c in calls}
        for c in calls:
            n = self.ctx.parent(c)
            while n is not None and not isinstance(n, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                if id(n) in ids:
                    return True
                n = self.ctx.parent(n)
        return False

    def _chained(self, entry: cst.CSTNode, calls: list[cst.Call]) -> bool:
        """Does one call's input depend on a call's output (itself included, for a loop)?"""
        deps: dict[str, set[str]] = {}
        for n in _own_nodes(entry):
            if isinstance(n, (cst.Assign, cst.AugAssign, cst.AnnAssign)) and n.value is not None:
                targets = [t.target for t in n.targets] if isinstance(n, cst.Assign) else [n.target]
                loads = _loads(n.value)
                for t in targets:
                    for name in _target_texts(t):
                        deps.setdefault(name, set()).update(loads)
            elif isinstance(n, (cst.For, cst.CompFor)):
                for name in _target_texts(n.target):
                    deps.setdefault(name, set()).update(_loads(n.iter))

        def closure(names: set[str]) -> set[str]:
            out, todo = set(), list(names)
            while todo:
                x = todo.pop()
                if x in out:
                    continue
                out.add(x)
                todo.extend(deps.get(x, ()))
            return out

        outs = []
        for c in calls:
            stmt = self.ctx.parent(c)
            mine: set[str] = set()
            while stmt is not None and not isinstance(stmt, (cst.Assign, cst.AugAssign, cst.AnnAssign,
                                                             cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                stmt = self.ctx.parent(stmt)
            if isinstance(stmt, cst.Assign):
                for t in stmt.targets:
                    mine.update(_target_texts(t.target))
            elif isinstance(stmt, (cst.AugAssign, cst.AnnAssign)):
                mine.update(_target_texts(stmt.target))
            outs.append(mine)
        for j, c in enumerate(calls):
            inputs = closure(set().union(*(_loads(a.value) for a in c.args)))
            # ``h = tower(h)`` run once rebinds its input's name (DIGITS' ``model_g =
            # make_tower(model_g)``): only a loop feeds a call its own output
            if any(outs[i] & inputs for i in range(len(calls)) if i != j or self._looped(c, entry)):
                return True
        return False

    # -- queries -----------------------------------------------------------------------------------
    def wrapper_inner(self, g: TowerGroup) -> TowerGroup | None:
        """A shared group whose builder is a WRAPPER of one other shared group's towers (``def
        model(a, b)`` calling ``tower(a)``, reuse_variables(), ``tower(b)``; uatu's validation pair
        ``model(v_a, v_b)`` under reuse): that inner group (interpreted with the wrapper as entry)."""
        if g.verdict != "shared" or g.in_loop or g.function is None or not g.shared:
            return None
        inner = [a for a in self.groups if a is not g and a.entry is g.function
                 and a.verdict == "shared" and not a.in_loop]
        return inner[0] if len(inner) == 1 else None

    def wrapper_own(self, g: TowerGroup) -> list[str]:
        """The variables a wrapper group's runs share that its inner towers do not make (a fully
        connected head made by the wrapper itself)."""
        a = self.wrapper_inner(g)
        if a is None:
            return []
        return [k for k in g.shared if not any(k == v or k.endswith("/" + v) for v in a.shared)]

    def wrapper_head_variables(self, g: TowerGroup) -> dict[int, str]:
        """A wrapper group's own shared variables made by bare get_variable calls in the wrapper:
        id(call) -> its TF1 name in the group's entry (a translation that stores the layer made from
        it under that name shares it between the wrapper's runs, as TF1 did)."""
        own = set(self.wrapper_own(g))
        if not own:
            return {}
        inside = {id(n) for n in _walk(g.function)}
        out = {}
        for cid, keys in self.getvar_keys.items():
            hit = keys & own
            if cid in inside and len(hit) == 1:
                out[cid] = next(iter(hit))
        return out

    def stored_variables(self, g: TowerGroup, whole: bool = False) -> dict[int, str]:
        """A PARTLY shared group: id(bare get_variable call) -> its TF1 name, for the calls that
        get one name at every execution, a variable every tower shares (``output/W`` among
        tf.Variable weights, sanku-lib): a translation that stores the layer made from it under
        that name (tf1_layer) shares it as TF1 did. ``whole``: a FULLY shared group too (towers
        kept as written because their calls differ in more than the input)."""
        if g.verdict != "partial" and not (whole and g.verdict == "shared"):
            return {}
        shared = set(g.shared)
        return {cid: next(iter(keys)) for cid, keys in self.getvar_keys.items()
                if len(keys) == 1 and keys <= shared}

    def stored_layers(self, g: TowerGroup, handled: frozenset = frozenset(),
                      shared_ok: bool = False) -> dict[int, str] | None:
        """A PARTLY shared group whose shared variables all come from named layer calls
        (``tf.layers.batch_normalization(x, name='bn')`` under reuse), each of which gets only
        shared variables: id(layer call) -> the TF1 scope name of its variables (for a layer
        store keyed by that name). None when some shared variable is a bare get_variable or a
        layer call gets shared and unshared variables. ``shared_ok``: a FULLY shared group too
        (TFM205's towers built as written, whose calls differ in more than the input: the layers
        - named, or numbered by TF1 in the scope the builder opens - come from that store)."""
        if g.verdict != "partial" and not (shared_ok and g.verdict == "shared"):
            return None
        shared, out, covered = set(g.shared), {}, set()
        # bare get_variable calls whose layer another translation stores (TFM135) count as covered
        covered |= {k for cid, k in self.stored_variables(g, whole=shared_ok).items() if cid in handled}
        for call_id, keys in self.layer_vars.items():
            hit = keys & shared
            if not hit:
                continue
            if hit != keys or len(keys) != 1:  # one name at every execution, all of it shared
                return None
            key = next(iter(keys))
            if not key.endswith("/<weights>") or "{?}" in key:
                return None  # (a name part the analysis could not compute: not a store key)
            out[call_id] = key[: -len("/<weights>")]
            covered |= keys
        return out if covered == shared else None

    def group_of(self, call: cst.Call) -> TowerGroup | None:
        return self.by_call.get(id(call))

    def fresh_layer(self, call: cst.Call) -> bool:
        """A layer call (tf.layers / contrib / tflearn) whose every interpreted execution CREATED
        its variables (none found existing, no error) and whose variables no other layer call or
        ``get_variable`` got: its ``reuse=`` changed nothing in TF1, and a fresh Keras layer per
        execution is what TF1 built."""
        keys = self.layer_vars.get(id(call))
        if not keys or self.layer_actions.get(id(call)) != {"create"}:
            return False
        if any(cid != id(call) and ks & keys for cid, ks in self.layer_vars.items()):
            return False
        return not any(ks & keys for ks in self.getvar_keys.values())


# methods of Python's lists, dicts and strings (``layers.append((name, h))``): no tower builder
_CONTAINER_METHODS = frozenset({"append", "extend", "insert", "pop", "remove", "update", "get", "items", "keys",
                                "values", "setdefault", "format", "join", "split", "copy", "sort", "index",
                                "count", "clear"})

_NOCONST = object()


def _const(node: cst.BaseExpression) -> Any:
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.SimpleString):
        try:
            return node.evaluated_value
        except Exception:
            return _NOCONST
    if isinstance(node, cst.Integer):
        try:
            return int(node.value, 0)
        except ValueError:
            return _NOCONST
    if isinstance(node, (cst.List, cst.Tuple)):
        vals = [_const(e.value) for e in node.elements]
        if any(v is _NOCONST for v in vals):
            return [v if v is not _NOCONST else UNKNOWN for v in vals]
        return vals
    return _NOCONST


def _loads(node: cst.CSTNode) -> set[str]:
    """Names and dotted attribute chains (``self.x``) an expression reads."""
    out: set[str] = set()
    attrs: set[int] = set()  # ``v1`` of ``tf.compat.v1``, keyword names: not reads of those names
    for n in _walk(node):
        if isinstance(n, cst.Attribute):
            attrs.add(id(n.attr))
        elif isinstance(n, cst.Arg) and n.keyword is not None:
            attrs.add(id(n.keyword))
        if isinstance(n, (cst.Name, cst.Attribute)) and id(n) not in attrs:
            d = dotted(n)
            if d:
                out.add(d)
    return out


def _state_chained(fn: cst.CSTNode) -> bool:
    """Does the builder read an attribute of ``self`` before it rebinds it (``h =
    tf.matmul(self.previousLayer, w) ...; self.previousLayer = relu(h)``)? Then each execution
    stacks on the one before (a layer chain kept on the object), not towers side by side."""
    if not isinstance(fn, cst.FunctionDef) or not fn.params.params or fn.params.params[0].name.value != "self":
        return False
    first: dict[str, str] = {}

    def visit(n: cst.CSTNode) -> None:
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) and n is not fn:
            return
        if isinstance(n, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
            if n.value is not None:
                visit(n.value)
            targets = [t.target for t in n.targets] if isinstance(n, cst.Assign) else [n.target]
            for t in targets:
                if isinstance(n, cst.AugAssign):
                    visit(t)
                for d in _target_texts(t):
                    first.setdefault(d, "write")
            return
        if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == "self":
            first.setdefault(dotted(n), "read")
            return
        for c in children(n):
            visit(c)

    visit(fn.body)
    # a counter (``self.n += 1``, ``self.i = self.i + 1``) names layers; it stacks nothing
    written = {d for n in _walk(fn.body) if isinstance(n, (cst.Assign, cst.AnnAssign)) and n.value is not None
               and not any(isinstance(x, (cst.Integer, cst.Float)) for x in _walk(n.value))
               for t in ([t.target for t in n.targets] if isinstance(n, cst.Assign) else [n.target])
               for d in _target_texts(t) if d.startswith("self.")}
    return any(first.get(d) == "read" for d in written)


def _target_texts(t: cst.CSTNode) -> list[str]:
    if isinstance(t, (cst.Name, cst.Attribute)):
        d = dotted(t)
        return [d] if d else []
    if isinstance(t, (cst.Tuple, cst.List)):
        return [x for e in t.elements for x in _target_texts(e.value)]
    return []


_PRETTY = re.compile(r"\{\??(?:[a-z]+:)?([^@{}]*)(?:@\d+)?\}|/<weights>")


def pretty(key: str) -> str:
    """A variable key as people read it: ``siamese/{name}/conv1/weights``, ``siamese/fc1``."""
    return _PRETTY.sub(lambda m: "" if m.group(0) == "/<weights>" else "{" + m.group(1) + "}", key)


def _ordered(order: list[str], keep: set[str]) -> list[str]:
    out: list[str] = []
    for k in order:
        if k in keep and k not in out:
            out.append(k)
    return out


# ``variable_scope(name_or_scope, default_name, values, initializer, regularizer, ...)``
_SCOPE_POSITIONS = {"initializer": 3, "regularizer": 4}


def scope_argument(call: cst.Call, keyword: str) -> cst.BaseExpression | None:
    """The ``initializer`` / ``regularizer`` argument of a ``variable_scope(...)`` call, by keyword
    or position; None when absent or None."""
    node = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == keyword), None)
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if node is None and len(positional) > _SCOPE_POSITIONS[keyword]:
        node = positional[_SCOPE_POSITIONS[keyword]].value
    if node is None or (isinstance(node, cst.Name) and node.value == "None"):
        return None
    return node


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    return walk(node)  # cstcache's (memoised for a module)


