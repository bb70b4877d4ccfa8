"""Whole-file plan for tflearn programs: inputs, ``regression`` layers and ``DNN`` models.

tflearn assembles a model implicitly: ``input_data`` registers placeholders in a graph
collection, ``regression`` registers a training op, and ``DNN(network)`` picks both up.
Keras needs them explicitly: ``keras.Model(inputs, outputs)`` and ``model.compile(...)``.
This analysis finds, for each ``DNN(...)``:

* the ``regression`` call that produced its network - in the same scope (case "A":
  the regression statement disappears and ``compile`` follows the model), or returned by
  a builder function (case "B": the builder builds and compiles the model itself);
* the ``input_data`` tensors the network depends on, in creation order (the order in
  which tflearn feeds a list of inputs).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from ..cstcache import walk as _walk  # pre-order, memoised children
from .flow import Def, Flow, load_names
from ..args import BoundArgs, Unbindable
from ..emit import literal

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileContext

INPUT_DATA = "tflearn.layers.core.input_data"
REGRESSION = "tflearn.layers.estimator.regression"
DNN = "tflearn.models.dnn.DNN"
SEQGEN = "tflearn.models.generator.SequenceGenerator"

INPUT_SIG = ("shape=None, placeholder=None, dtype=None, data_preprocessing=None, "
             "data_augmentation=None, name='InputData'")
REGRESSION_SIG = ("incoming, placeholder='default', optimizer='adam', loss='categorical_crossentropy', "
                  "metric='default', learning_rate=0.001, dtype=None, batch_size=64, shuffle_batches=True, "
                  "to_one_hot=False, n_classes=None, trainable_vars=None, restore=True, op_name=None, "
                  "validation_monitors=None, validation_batch_size=None, name=None")
DNN_SIG = ("network, clip_gradients=5.0, tensorboard_verbose=0, tensorboard_dir='/tmp/tflearn_logs/', "
           "checkpoint_path=None, best_checkpoint_path=None, max_checkpoints=None, session=None, "
           "best_val_accuracy=0.0")
# tflearn 0.5.0 models/generator.py: a DNN-like model whose Trainer clips at 0.0 (no clip) by default
SEQGEN_SIG = ("network, dictionary=None, seq_maxlen=25, clip_gradients=0.0, tensorboard_verbose=0, "
              "tensorboard_dir='/tmp/tflearn_logs/', checkpoint_path=None, max_checkpoints=None, session=None")


@dataclass(eq=False)
class InputInfo:
    d: Def
    call: cst.Call
    var: str            # the name that holds the keras.Input
    alias: bool         # the assignment splits into ``var = keras.Input(..)`` + ``target = ...``
    name: str | None    # tflearn ``name=`` (keys of dict feeds)


@dataclass(eq=False)
class HeldInput:
    var: str            # ``network.x1``: an input_data held by an instance of a class of the file
    name: str | None


@dataclass(eq=False)
class RegressionInfo:
    call: cst.Call
    stmt: cst.CSTNode
    target: str | None            # ``target = regression(...)``
    incoming: cst.BaseExpression  # original first argument
    inputs: list[InputInfo]
    mode: str = ""                # "A" | "B"
    dnns: list["DNNInfo"] = field(default_factory=list)
    bound: BoundArgs | None = None  # translated arguments, filled while the pass runs
    name: str | None = None
    # the network's inputs are (also) made inside builder functions (seed 004: ``left =
    # build_tower(shape)``): names, in creation order, whose graphs hold them; the Keras
    # inputs are then found at run time from these tensors (helper tflearn_graph_inputs)
    roots: list[str] = field(default_factory=list)
    builders: list[str] = field(default_factory=list)
    # the network is an attribute / method result of an instance of a class of this file whose
    # ``__init__`` makes the input_data (``network = Siamese()``; ``regression(network.loss())``):
    # the inputs as ``network.x1`` ... (creation order), and the instance's name
    attr_inputs: list[str] = field(default_factory=list)
    attr_names: list[str | None] = field(default_factory=list)
    # ``regression(..., placeholder=network.y_)`` with ``self.y_ = tf.placeholder(...)`` read by
    # the network: tflearn feeds Y into it; in Keras it is one more model input (fed Y too)
    label_input: str | None = None
    label_call: cst.Call | None = None


@dataclass(eq=False)
class DNNInfo:
    call: cst.Call
    target: str | None
    regression: RegressionInfo | None
    args: BoundArgs | None
    problem: str = ""
    kind: str = "DNN"   # or "SequenceGenerator" (same training; generate() instead of predict())


def _prep_given(b: BoundArgs) -> bool:
    """input_data(...) with a data_preprocessing / data_augmentation object."""
    return any(b.given(k) and literal(b.node(k), 0) is not None
               for k in ("data_preprocessing", "data_augmentation"))


def _assign_target(ctx: "FileContext", call: cst.Call) -> str | None:
    parent = ctx.parent(call)
    if isinstance(parent, cst.Assign) and parent.value is call and len(parent.targets) == 1 \
            and isinstance(parent.targets[0].target, cst.Name):
        return parent.targets[0].target.value
    return None


class TflearnProgram:
    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx
        self.flow: Flow = ctx.analysis(Flow)
        self.inputs: dict[int, InputInfo] = {}       # id(input_data call) -> info
        self.regressions: dict[int, RegressionInfo] = {}
        self.dnns: dict[int, DNNInfo] = {}
        used = {n.value for n in _walk(ctx.module) if isinstance(n, cst.Name)}
        calls = [n for n in _walk(ctx.module) if isinstance(n, cst.Call)]
        for c in calls:
            q = ctx.legacy_name(c)
            if q == INPUT_DATA:
                self._input(c, used)
        for c in calls:
            q = ctx.legacy_name(c)
            if q == REGRESSION:
                self._regression(c)
        for c in calls:
            q = ctx.legacy_name(c)
            if q == DNN:
                self._dnn(c)
            elif q == SEQGEN:
                self._dnn(c, SEQGEN_SIG, "SequenceGenerator")

    # -- inputs ------------------------------------------------------------------------
    def _input(self, c: cst.Call, used: set[str]) -> None:
        target = _assign_target(self.ctx, c)
        if target is None:
            return
        d = self.flow.def_of(target, self.ctx.statement_of(c))
        scope, idx = self.flow.index_of(c)
        d = next((x for x in scope.by_name.get(target, ()) if x.index == idx), None)
        if d is None:
            return
        try:
            b = BoundArgs(c, INPUT_SIG)
        except Unbindable:
            return
        alias = scope.reassigned_after(d) or _prep_given(b)
        var = target
        if alias:
            var = f"{target}_input"
            while var in used:
                var += "_"
            used.add(var)
        name = b.value("name", None) if b.given("name") else None
        self.inputs[id(c)] = InputInfo(d, c, var, alias, name if isinstance(name, str) else None)

    def input_of(self, call: cst.Call) -> InputInfo | None:
        return self.inputs.get(id(call))

    def reaching_inputs(self, expr: cst.BaseExpression, at: cst.CSTNode) -> list[InputInfo]:
        defs = self.flow.reaching(expr, at)
        out = [self.inputs[id(d.value)] for d in defs
               if isinstance(d.value, cst.Call) and id(d.value) in self.inputs]
        return sorted(out, key=lambda i: (i.d.index, i.var))

    # -- regression / DNN --------------------------------------------------------------------
    def _regression(self, c: cst.Call) -> None:
        if not c.args or c.args[0].keyword is not None and c.args[0].keyword.value != "incoming":
            return
        incoming = c.args[0].value
        stmt = self.ctx.statement_of(c)
        name = None
        for a in c.args:
            if a.keyword is not None and a.keyword.value == "name":
                name = literal(a.value, None)
        info = RegressionInfo(c, stmt, _assign_target(self.ctx, c), incoming,
                              self.reaching_inputs(incoming, stmt), name=name)
        self._builder_roots(info, stmt)
        if not info.inputs and not info.roots:
            held = self.instance_inputs(incoming, stmt)
            if held is not None:
                info.attr_inputs, info.attr_names = held[0], held[1]
                self._label_input(info, c, held[2])
        self.regressions[id(c)] = info

    # -- inputs held by an instance of a class of the file -------------------------------------
    def _instance_class(self, expr: cst.BaseExpression, at: cst.CSTNode):
        """``network.loss()`` / ``network.out`` with ``network = Cls(...)`` (Cls a class of this
        file, the only binding of ``network`` reaching ``at``) -> (``network``, the ClassDef)."""
        root = expr
        while True:
            if isinstance(root, cst.Call):
                root = root.func
            elif isinstance(root, cst.Attribute):
                root = root.value
            else:
                break
        if not isinstance(root, cst.Name) or root is expr:
            return None
        d = self.flow.def_of(root.value, at)
        if d is None or not isinstance(d.value, cst.Call) or not isinstance(d.value.func, cst.Name):
            return None
        cls = next((st for st in self.ctx.module.body if isinstance(st, cst.ClassDef)
                    and st.name.value == d.value.func.value), None)
        return (root.value, cls) if cls is not None else None

    def _init_of(self, cls: cst.ClassDef) -> cst.FunctionDef | None:
        body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else []
        return next((st for st in body if isinstance(st, cst.FunctionDef) and st.name.value == "__init__"), None)

    def _self_assigns(self, init: cst.FunctionDef) -> list[tuple[str, cst.BaseExpression]]:
        out = []
        for st in init.body.body if isinstance(init.body, cst.IndentedBlock) else []:
            if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign):
                a = st.body[0]
                t = a.targets[0].target if len(a.targets) == 1 else None
                if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self":
                    out.append((t.attr.value, a.value))
        return out

    def instance_inputs(self, expr: cst.BaseExpression, at: cst.CSTNode):
        """The input_data an instance's network is computed from: ``(["network.x1", ...],
        [tflearn names], the ClassDef)`` - every ``self.<attr> = input_data(...)`` of ``__init__``
        for a method result (``network.loss()``: the whole model), those the attribute's own
        assignment reads for ``network.out``. None when it is not such an expression."""
        found = self._instance_class(expr, at)
        if found is None:
            return None
        inst, cls = found
        init = self._init_of(cls)
        if init is None:
            return None
        assigns = self._self_assigns(init)
        inputs = [(a, v) for a, v in assigns if isinstance(v, cst.Call) and self.ctx.legacy_name(v) == INPUT_DATA]
        if not inputs or len({a for a, _ in inputs}) != len(inputs):
            return None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == inst:
            mine = [v for a, v in assigns if a == expr.attr.value]
            if len(mine) != 1:
                return None
            reads = {n.attr.value for n in _walk(mine[0]) if isinstance(n, cst.Attribute)
                     and isinstance(n.value, cst.Name) and n.value.value == "self"}
            inputs = [(a, v) for a, v in inputs if a in reads]
            if not inputs:
                return None
        names = []
        for _, v in inputs:
            try:
                b = BoundArgs(v, INPUT_SIG)
            except Unbindable:
                return None
            if _prep_given(b):
                return None  # statistics computed at fit time: not this way
            n = b.value("name", None) if b.given("name") else None
            names.append(n if isinstance(n, str) else None)
        return [f"{inst}.{a}" for a, _ in inputs], names, cls

    def _label_input(self, info: RegressionInfo, c: cst.Call, cls: cst.ClassDef) -> None:
        """``placeholder=network.y_`` where ``__init__`` makes ``self.y_ = tf.placeholder(...)``."""
        p = next((a.value for a in c.args if a.keyword is not None and a.keyword.value == "placeholder"), None)
        if p is None and len(c.args) > 1 and c.args[1].keyword is None:
            p = c.args[1].value
        if not (isinstance(p, cst.Attribute) and isinstance(p.value, cst.Name)):
            return
        inst = info.attr_inputs[0].split(".", 1)[0]
        if p.value.value != inst:
            return
        init = self._init_of(cls)
        mine = [v for a, v in self._self_assigns(init) if a == p.attr.value] if init is not None else []
        if len(mine) == 1 and isinstance(mine[0], cst.Call) and self.ctx.legacy_name(mine[0]) == "tensorflow.placeholder":
            info.label_input = f"{inst}.{p.attr.value}"
            info.label_call = mine[0]

    def label_placeholder_calls(self) -> dict[int, RegressionInfo]:
        """id(tf.placeholder call) -> the regression that feeds its targets into it."""
        return {id(r.label_call): r for r in self.regressions.values() if r.label_call is not None and r.dnns}

    def _builder_roots(self, info: RegressionInfo, stmt: cst.CSTNode) -> None:
        """Calls of local functions that create their own input_data (without preprocessing,
        which needs statistics at fit time) and reach the network."""
        found: list[tuple[int, str, str]] = []
        for d in self.flow.reaching(info.incoming, stmt):
            v = d.value
            if not (isinstance(v, cst.Call) and isinstance(v.func, cst.Name) and v.func.value in self.flow.functions):
                continue
            own = [self.inputs.get(id(n)) for n in _walk(self.flow.functions[v.func.value])
                   if isinstance(n, cst.Call) and self.ctx.legacy_name(n) == INPUT_DATA]
            if not own:
                continue
            if any(i is None or self._has_prep(i.call) for i in own):
                return  # not translatable this way: keep the TODO
            found.append((d.index, d.name, v.func.value))
        if not found:
            return
        found += [(i.d.index, i.var, "") for i in info.inputs]
        found.sort()
        info.roots = [n for _, n, _ in found]
        info.builders = sorted({b for _, _, b in found if b})

    def _has_prep(self, c: cst.Call) -> bool:
        try:
            return _prep_given(BoundArgs(c, INPUT_SIG))
        except Unbindable:
            return True

    def _dnn(self, c: cst.Call, sig: str = DNN_SIG, kind: str = "DNN") -> None:
        try:
            b = BoundArgs(c, sig)
        except Unbindable as ex:
            self.dnns[id(c)] = DNNInfo(c, _assign_target(self.ctx, c), None, None, str(ex), kind)
            return
        info = DNNInfo(c, _assign_target(self.ctx, c), None, b, kind=kind)
        self.dnns[id(c)] = info
        net = b.node("network")
        reg = None
        if isinstance(net, cst.Name):
            d = self.flow.def_of(net.value, c)
            if d is not None and isinstance(d.value, cst.Call) and id(d.value) in self.regressions:
                reg = self.regressions[id(d.value)]
                if reg.mode == "B":
                    info.problem = "this regression also feeds a DNN built elsewhere"
                    return
                reg.mode = "A"
        elif isinstance(net, cst.Call) and isinstance(net.func, cst.Name) and net.func.value in self.flow.functions:
            fn = self.flow.functions[net.func.value]
            reg = self._returned_regression(fn)
            if reg is not None:
                if reg.mode == "A":
                    info.problem = "this regression also feeds a DNN in its own scope"
                    return
                reg.mode = "B"
        if reg is None:
            info.problem = "cannot find the tflearn.regression(...) that produced this network"
            return
        if not reg.inputs and not reg.roots and not reg.attr_inputs:
            info.problem = "cannot find the input_data(...) tensors this network depends on"
            return
        info.regression = reg
        reg.dnns.append(info)

    def _returned_regression(self, fn: cst.FunctionDef) -> RegressionInfo | None:
        scope = self.flow.scopes[id(fn)]
        for i, s in enumerate(scope.statements):
            if isinstance(s, cst.SimpleStatementLine):
                for small in s.body:
                    if isinstance(small, cst.Return) and isinstance(small.value, cst.Name):
                        d = scope.latest(small.value.value, i)
                        if d is not None and isinstance(d.value, cst.Call) and id(d.value) in self.regressions:
                            return self.regressions[id(d.value)]
        return None

    def regression_of(self, call: cst.Call) -> RegressionInfo | None:
        return self.regressions.get(id(call))

    def dnn_of(self, call: cst.Call) -> DNNInfo | None:
        return self.dnns.get(id(call))

    def session_inputs(self, info: DNNInfo) -> list:
        """``m2 = DNN(encoder, session=m.session)`` (no regression; another model's session: the
        same weights) -> the inputs ``encoder`` is computed from ([] when it is not such a DNN)."""
        b = info.args
        if b is None or info.regression is not None or info.target is None or not b.given("session"):
            return []
        sess = b.orig("session")
        if not (isinstance(sess, cst.Attribute) and sess.attr.value == "session"):
            return []
        if b.given("clip_gradients") or not b.given("network"):
            return []
        found = self.reaching_inputs(b.orig("network"), info.call)
        if not found:
            held = self.instance_inputs(b.orig("network"), info.call)
            if held is not None:
                return [HeldInput(v, n) for v, n in zip(held[0], held[1])]
        return found

    def dnn_for_receiver(self, receiver: cst.BaseExpression, at: cst.CSTNode) -> DNNInfo | None:
        """The DNN a method is called on: ``model.fit(...)`` with ``model = DNN(...)``."""
        if not isinstance(receiver, cst.Name):
            return None
        d = self.flow.def_of(receiver.value, at)
        if d is None or not isinstance(d.value, cst.Call):
            return None
        return self.dnns.get(id(d.value))


__all__ = ["TflearnProgram", "InputInfo", "RegressionInfo", "DNNInfo", "load_names",
           "INPUT_DATA", "REGRESSION", "DNN", "SEQGEN", "INPUT_SIG", "REGRESSION_SIG", "DNN_SIG", "SEQGEN_SIG"]
