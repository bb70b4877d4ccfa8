"""Which tflearn DNNs train regression(...) layers that minimise loss TENSORS over variable
lists taken by scope (GAN programs: tflearn's examples/images/gan.py); TFM127 translates them,
TFM116 stands aside, TFM138 keeps their scopes as ``keras.name_scope``.

Planned only when, at module level: every ``tflearn.regression`` of the file is
``r = tflearn.regression(x, placeholder=None, loss=T, trainable_vars=V, ...)`` alone on its line
(T a name, V bound by ``V = tflearn.get_layer_variables_by_scope('S')`` read only there), with a
string optimizer and no other argument than optimizer / learning_rate / batch_size /
shuffle_batches / name / op_name; the file's one ``DNN`` is ``m = tflearn.DNN(r)`` of one of
them (clip_gradients / tensorboard arguments only); every ``tflearn.input_data`` is a module
statement ``v = tflearn.input_data(...)``; ``m`` is read only as ``m.fit(...)`` (no validation,
callbacks, excluded TrainOps) and ``m.predict(X)``; each scope S is a literal
``tf.variable_scope('S', ...)`` of the file; no regularizer (tflearn adds every regularization
loss to every TrainOp).
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..cstcache import walk
from ..emit import literal
from .tflearn_model import DNN, DNN_SIG, REGRESSION, REGRESSION_SIG
from ..translate.tflearn_train import SHORT_NAMES

BY_SCOPE = "tflearn.variables.get_layer_variables_by_scope"
INPUT_DATA = "tflearn.layers.core.input_data"
VARIABLE_SCOPE = "tensorflow.variable_scope"
FIT_SIG = ("X_inputs, Y_targets=None, n_epoch=10, validation_set=None, show_metric=False, batch_size=None, "
           "shuffle=None, snapshot_epoch=True, snapshot_step=None, excl_trainops=None, "
           "validation_batch_size=None, run_id=None, callbacks=[]")
_REG_OK = ("incoming", "placeholder", "optimizer", "loss", "trainable_vars", "learning_rate", "batch_size",
           "shuffle_batches", "name", "op_name")
_DNN_OK = ("network", "clip_gradients", "tensorboard_verbose", "tensorboard_dir")


class _No(Exception):
    pass


class ScopedTrainOps:
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.why = None
        self.dnn = None                 # the DNN statement
        self.regs: list = []            # regression calls, creation order
        self.var_stmts: dict[int, str] = {}   # id(get_layer_variables_by_scope statement) -> scope
        self.scopes: set[str] = set()
        self.inputs: list[str] = []
        self.dnn_name = None
        try:
            self._plan()
        except (_No, Unbindable) as ex:
            self.why = str(ex)
            self.dnn, self.regs, self.var_stmts, self.scopes = None, [], {}, set()

    @property
    def planned(self) -> bool:
        return self.dnn is not None

    def _module_assign(self, c: cst.Call) -> str:
        p = self.ctx.parent(c)
        st = self.ctx.statement_of(c)
        if not (isinstance(p, cst.Assign) and p.value is c and len(p.targets) == 1
                and isinstance(p.targets[0].target, cst.Name) and isinstance(st, cst.SimpleStatementLine)
                and len(st.body) == 1 and self.ctx.parent(st) is self.ctx.module):
            raise _No("not a module statement assigning one name")
        return p.targets[0].target.value

    def _plan(self) -> None:
        ctx = self.ctx
        calls = [n for n in walk(ctx.module) if isinstance(n, cst.Call)]
        names = [ctx.legacy_name(c) or "" for c in calls]
        regs = [c for c, q in zip(calls, names) if q == REGRESSION]
        if not regs or not any(q == BY_SCOPE for q in names):
            raise _No("")
        if any(a.keyword is not None and a.keyword.value == "regularizer" and literal(a.value, "?") is not None
               for c, q in zip(calls, names) if q.startswith("tflearn.") for a in c.args) \
                or any(q.endswith(("add_weights_regularizer", "weight_decay")) for q in names):
            raise _No("a regularizer (tflearn adds it to every TrainOp)")
        dnns = [c for c, q in zip(calls, names) if q == DNN]
        if len(dnns) != 1:
            raise _No("not one DNN")
        scopes_in_file = {literal(c.args[0].value, None) for c, q in zip(calls, names)
                          if q == VARIABLE_SCOPE and c.args}
        reg_names, var_defs = {}, {}
        for c, q in zip(calls, names):
            if q == BY_SCOPE:
                v = self._module_assign(c)
                if len(c.args) != 1 or not isinstance(literal(c.args[0].value, None), str):
                    raise _No("get_layer_variables_by_scope of a literal scope")
                scope = literal(c.args[0].value, None)
                if scope not in scopes_in_file:
                    raise _No(f"no tf.variable_scope({scope!r}) in the file")
                if v in var_defs:
                    raise _No(f"{v} bound twice")
                var_defs[v] = (ctx.statement_of(c), scope)
            elif q == INPUT_DATA:
                self.inputs.append(self._module_assign(c))
        if len(set(self.inputs)) != len(self.inputs):
            raise _No("an input name bound twice")
        used_vars = []
        for r in regs:
            reg_names[self._module_assign(r)] = r
            b = BoundArgs(r, REGRESSION_SIG)
            for a in r.args:
                if a.star or (a.keyword is not None and a.keyword.value not in _REG_OK):
                    raise _No("regression arguments")
            if len([a for a in r.args if a.keyword is None]) > 1:
                raise _No("positional regression arguments")
            if not b.given("placeholder") or literal(b.node("placeholder"), "?") is not None:
                raise _No("a regression with a target placeholder")
            if not (b.given("loss") and isinstance(b.node("loss"), cst.Name)):
                raise _No("a regression whose loss is not a tensor name")
            tv = b.node("trainable_vars") if b.given("trainable_vars") else None
            if not (isinstance(tv, cst.Name) and tv.value in var_defs):
                raise _No("trainable_vars= not a get_layer_variables_by_scope(...) name")
            used_vars.append(tv.value)
            opt = literal(b.node("optimizer"), None) if b.given("optimizer") else "adam"
            if not isinstance(opt, str) or opt.lower() not in SHORT_NAMES:
                raise _No("an optimizer object or an unknown optimizer name")
        if len(reg_names) != len(regs):
            raise _No("a regression name bound twice")
        # the variable lists: read only as trainable_vars of the regressions
        for v in var_defs:
            reads = [n for n in walk(ctx.module) if isinstance(n, cst.Name) and n.value == v
                     and not isinstance(ctx.parent(n), cst.AssignTarget)]
            if len(reads) != used_vars.count(v):
                raise _No(f"{v} is read otherwise than as trainable_vars")
        dnn = dnns[0]
        m = self._module_assign(dnn)
        for a in dnn.args:
            if a.star or (a.keyword is not None and a.keyword.value not in _DNN_OK):
                raise _No("DNN arguments")
        db = BoundArgs(dnn, DNN_SIG)
        net = db.node("network")
        if not (isinstance(net, cst.Name) and net.value in reg_names):
            raise _No("the DNN's network is not a regression's name")
        self._check_uses(m, ctx.statement_of(dnn))
        self.dnn = ctx.statement_of(dnn)
        self.dnn_name = m
        self.regs = regs
        self.var_stmts = {id(st): scope for st, scope in var_defs.values()}
        self.scopes = {scope for _, scope in var_defs.values()}

    def _check_uses(self, target: str, stmt) -> None:
        ctx = self.ctx
        for n in walk(ctx.module):
            if not (isinstance(n, cst.Name) and n.value == target):
                continue
            p = ctx.parent(n)
            if isinstance(p, cst.AssignTarget):
                if ctx.statement_of(n) is not stmt:
                    raise _No(f"{target} bound twice")
                continue
            c = ctx.parent(p) if isinstance(p, cst.Attribute) and p.value is n else None
            if not (isinstance(c, cst.Call) and c.func is p and p.attr.value in ("fit", "predict")):
                raise _No(f"{target} is used otherwise than fit / predict")
            if p.attr.value == "predict":
                if len(c.args) != 1 or (c.args[0].keyword is not None and c.args[0].keyword.value != "X"):
                    raise _No("predict arguments")
                continue
            fb = BoundArgs(c, FIT_SIG)
            for k in ("validation_set", "excl_trainops", "callbacks", "validation_batch_size"):
                if fb.given(k) and literal(fb.node(k), "?") not in (None, []):
                    raise _No(f"fit({k}=)")
            if fb.given("Y_targets") and literal(fb.node("Y_targets"), "?") is not None:
                raise _No("fit with targets")


def scoped_trainops(ctx) -> ScopedTrainOps | None:
    """The plan when TFM127 is on and the file has one; None otherwise."""
    if not ctx.switches.scoped_trainops:
        return None
    plan = ctx.analysis(ScopedTrainOps)
    return plan if plan.planned else None
