"""A DNN over a merge of several tflearn regressions (TFM125's plans; TFM116 stands aside for them)."""
from __future__ import annotations
import libcst as cst
from ..args import BoundArgs, Unbindable
from ..cstcache import walk
from ..emit import literal
from ..analysis.tflearn_model import DNN, DNN_SIG, REGRESSION, REGRESSION_SIG, TflearnProgram
from ..translate.tflearn_train import LOSSES, SHORT_NAMES


MERGE = "tflearn.layers.merge_ops.merge"
FIT_SIG = ("X_inputs, Y_targets, n_epoch=10, validation_set=None, show_metric=False, batch_size=None, "
           "shuffle=None, snapshot_epoch=True, snapshot_step=None, excl_trainops=None, "
           "validation_batch_size=None, run_id=None, callbacks=[]")
_DNN_OK = ("network", "clip_gradients", "tensorboard_verbose", "tensorboard_dir")
_REG_NONE = ("trainable_vars", "validation_monitors", "dtype", "n_classes", "validation_batch_size")


class _No(Exception):
    pass


class _Plan:
    def __init__(self, dnn_stmt, target, regs, dnn_args, inputs):
        self.dnn_stmt, self.target, self.regs, self.dnn_args, self.inputs = dnn_stmt, target, regs, dnn_args, inputs
        self.bound: dict[int, BoundArgs] = {}  # id(regression call) -> updated arguments


class RegressionsDNNPlans:
    """Per file: the DNNs over merged regressions this rule translates (``ctx.analysis``)."""

    def __init__(self, ctx) -> None:
        from ..analysis.flow import Flow

        self.ctx = ctx
        self.flow = ctx.analysis(Flow)
        self.plans: dict[int, _Plan] = {}       # id(DNN call) -> plan
        self.by_reg: dict[int, _Plan] = {}      # id(regression call) -> plan
        self.by_stmt: dict[int, _Plan] = {}     # id(statement) -> plan (DNN and regression statements)
        self.declined: dict[int, str] = {}      # id(DNN call) -> why (its network IS a merge of regressions)
        calls = [n for n in walk(ctx.module) if isinstance(n, cst.Call)]
        if not any(ctx.legacy_name(c) == MERGE for c in calls):
            return
        if any(a.keyword is not None and a.keyword.value == "regularizer" and literal(a.value, "?") is not None
               for c in calls for a in c.args if (ctx.legacy_name(c) or "").startswith("tflearn.")) \
                or any((ctx.legacy_name(c) or "").endswith(("add_weights_regularizer", "weight_decay"))
                       for c in calls):
            return  # tflearn adds every regularization loss to every TrainOp
        for c in calls:
            if ctx.legacy_name(c) != DNN:
                continue
            self._merged = False
            try:
                plan = self._plan(c)
            except (_No, Unbindable) as ex:
                if self._merged:
                    self.declined[id(c)] = str(ex) or "arguments"
                continue
            self.plans[id(c)] = plan
            self.by_stmt[id(plan.dnn_stmt)] = plan
            for r in plan.regs:
                self.by_reg[id(r)] = plan
                self.by_stmt[id(self.ctx.statement_of(r))] = plan

    def _assigned(self, c: cst.Call) -> str:
        p = self.ctx.parent(c)
        if not (isinstance(p, cst.Assign) and p.value is c and len(p.targets) == 1
                and isinstance(p.targets[0].target, cst.Name)):
            raise _No("not assigned to one name")
        st = self.ctx.statement_of(c)
        if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1):
            raise _No("not alone on its line")
        return p.targets[0].target.value

    def _call_def(self, name: cst.BaseExpression, at, q: str):
        if not isinstance(name, cst.Name):
            raise _No("not a name")
        d = self.flow.def_of(name.value, at)
        if d is None or not isinstance(d.value, cst.Call) or self.ctx.legacy_name(d.value) != q:
            raise _No(f"{name.value} is not bound by {q}")
        return d

    def _plan(self, dnn: cst.Call) -> _Plan:
        ctx = self.ctx
        target = self._assigned(dnn)
        stmt = ctx.statement_of(dnn)
        b = BoundArgs(dnn, DNN_SIG)
        for a in dnn.args:
            k = a.keyword.value if a.keyword is not None else None
            if k is not None and k not in _DNN_OK:
                raise _No(f"DNN({k}=)")
        if len([a for a in dnn.args if a.keyword is None]) > 1 or any(a.star for a in dnn.args):
            raise _No("positional DNN arguments")
        if b.given("clip_gradients") and not isinstance(literal(b.node("clip_gradients"), None), (int, float)):
            raise _No("clip_gradients")
        merge = self._call_def(b.node("network"), stmt, MERGE).value
        mb = BoundArgs(merge, "tensors_list, mode, axis=1, name='Merge'")
        lst = mb.node("tensors_list")
        if not isinstance(lst, (cst.List, cst.Tuple)) or len(lst.elements) < 2:
            raise _No("merge of a list display")
        merge_stmt = ctx.statement_of(merge)
        regs = []
        defs = [self._call_def(e.value, merge_stmt, REGRESSION) for e in lst.elements]
        self._merged = True  # from here on, say why it is not translated
        for e, d in zip(lst.elements, defs):
            if self.flow.def_of(e.value.value, stmt) is not d:
                raise _No("rebound between the merge and the DNN")
            r = d.value
            self._assigned(r)
            rb = BoundArgs(r, REGRESSION_SIG)
            if rb.given("placeholder") and literal(rb.node("placeholder"), None) != "default":
                raise _No("placeholder=")
            for k in _REG_NONE:
                if rb.given(k) and literal(rb.node(k), "?") is not None:
                    raise _No(f"{k}=")
            if rb.given("to_one_hot") and literal(rb.node("to_one_hot"), "?") is not False:
                raise _No("to_one_hot")
            opt = literal(rb.node("optimizer"), None) if rb.given("optimizer") else "adam"
            if not isinstance(opt, str) or opt.lower() not in SHORT_NAMES:
                raise _No("an optimizer object or an unknown optimizer name")
            lname = literal(rb.node("loss"), None) if rb.given("loss") else "categorical_crossentropy"
            if lname not in LOSSES:  # checked here: the regressions go before the DNN is rewritten
                raise _No("a loss that is not one of tflearn's objectives by name")
            regs.append(r)
        prog: TflearnProgram = ctx.analysis(TflearnProgram)
        infos = [prog.regressions.get(id(r)) for r in regs]
        if any(i is None or not i.inputs or i.roots or i.attr_inputs for i in infos):
            raise _No("inputs")
        seen, inputs = set(), []
        for i in sorted((x for info in infos for x in info.inputs), key=lambda x: (x.d.index, x.var)):
            if id(i.call) not in seen:
                seen.add(id(i.call))
                inputs.append(i)
        if any(i.alias for i in inputs):
            raise _No("an input_data with preprocessing or rebound")
        self._check_uses(target, stmt)
        return _Plan(stmt, target, regs, b, [i.var for i in inputs])

    def _check_uses(self, target: str, stmt) -> None:
        ctx = self.ctx
        scope = self.flow.scope_of(stmt)
        for n in walk(scope.node):
            if not (isinstance(n, cst.Name) and n.value == target) or self.flow.scope_of(n) is not scope:
                continue
            p = ctx.parent(n)
            if isinstance(p, cst.AssignTarget):
                continue
            d = self.flow.def_of(target, n)
            if d is None or d.stmt is not stmt:
                continue
            c = ctx.parent(p) if isinstance(p, cst.Attribute) and p.value is n else None
            if not (isinstance(c, cst.Call) and c.func is p and p.attr.value in ("fit", "predict")):
                raise _No(f"{target} is used otherwise than fit / predict")
            if p.attr.value == "predict":
                if len(c.args) != 1 or c.args[0].keyword is not None and c.args[0].keyword.value != "X":
                    raise _No("predict arguments")
                continue
            fb = BoundArgs(c, FIT_SIG)
            for k in ("validation_set", "excl_trainops", "callbacks", "validation_batch_size"):
                if fb.given(k) and literal(fb.node(k), "?") not in (None, []):
                    raise _No(f"fit({k}=)")
