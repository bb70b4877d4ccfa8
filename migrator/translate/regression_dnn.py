"""tflearn regression / DNN translation pieces shared by TFM116 and TFM122: the model's inputs, model.compile from a regression layer (RegressionCompile, a rule mixin)."""
from __future__ import annotations
import libcst as cst
from .. import cstcache
from ..args import BoundArgs
from ..emit import call, literal, to_node, wrap_long_call
from ..helpers import register_source
from ..translate.tflearn import rank_of
from ..analysis.tflearn_model import RegressionInfo, TflearnProgram
from ..translate.tflearn_train import DEFAULT_CLIP, loss, metrics, flat, optimizer_from_name, set_clip, units_of


register_source("tflearn_models", "tflearn_graph_inputs")


register_source("tflearn_models", "TflearnTensorLossModel")


def tensor_loss(ctx, prog: TflearnProgram, reg: RegressionInfo) -> tuple[str, list[str]] | None:
    """``regression(loss=fn)`` with ``fn`` a module-level function of this file that reads
    tensors of the network's graph by their module-level names (not parameters): (fn, those
    names, in order of first read). Only for one DNN over the regression in its own scope,
    without metrics, ``fn`` read nowhere else (its signature gets the names as parameters)."""
    from ..analysis.flow import load_names

    call_ = reg.call
    kw = {a.keyword.value: a.value for a in call_.args if a.keyword is not None}
    fn_node = kw.get("loss")
    if not isinstance(fn_node, cst.Name) or fn_node.value not in prog.flow.functions:
        return None
    if literal(kw.get("metric", cst.Name("x")), 0) is not None:
        return None  # metrics would see the extra outputs
    if len(reg.dnns) != 1 or reg.dnns[0].kind != "DNN" or reg.dnns[0].target is None:
        return None
    fn = prog.flow.functions[fn_node.value]
    reads = [n for n in cstcache.walk(ctx.module) if isinstance(n, cst.Name) and n.value == fn.name.value]
    if len(reads) != 2:   # the def's name and the loss= argument
        return None
    local = prog.flow.scopes[id(fn)].by_name
    scope, idx = prog.flow.index_of(reg.stmt)
    names: list[str] = []
    for n in cstcache.walk(fn.body):
        if isinstance(n, cst.Name) and n.value not in local and n.value not in names and n.value in load_names(fn.body):
            if any(isinstance(d.value, cst.Call) and id(d.value) in prog.inputs for d in scope.reaching([n.value], idx)):
                names.append(n.value)
    return (fn.name.value, names) if names else None


def _inputs_expr(ctx, reg: RegressionInfo) -> cst.BaseExpression:
    if reg.roots:
        helper = ctx.use_helper("tflearn_graph_inputs")
        roots = [cst.Name(n) for n in reg.roots]
        return call(helper, roots[0] if len(roots) == 1 else cst.List([cst.Element(n) for n in roots]))
    if reg.attr_inputs:  # held by an instance (``network.x1``), the label placeholder last
        names = [cst.parse_expression(v) for v in reg.attr_inputs + ([reg.label_input] if reg.label_input else [])]
    else:
        names = [cst.Name(i.var) for i in reg.inputs]
    return names[0] if len(names) == 1 else cst.List([cst.Element(n) for n in names])


class RegressionCompile:
    """RegressionDNN's analysis (_clip_set_by_tfm114, _compile); the rule inherits it, other rules ask ``ctx.analysis(RegressionCompile)``."""
    
    def __init__(self, ctx) -> None:
        self.ctx = ctx

    def _compile(self, reg: RegressionInfo, model: str, dnn: BoundArgs | None,
                 default_clip: float = DEFAULT_CLIP, tensor_loss: bool = False) -> cst.BaseStatement:
        """``model.compile(...)``; ``default_clip``: the clip_gradients default of the model
        class (DNN 5.0, SequenceGenerator 0.0: no clipping)."""
        b = reg.bound
        assert b is not None
        clip: cst.BaseExpression | float | None = default_clip
        if dnn is not None and dnn.given("clip_gradients"):
            clip = dnn.node("clip_gradients")
        opt_node = b.node("optimizer")
        opt_name = literal(opt_node, None)
        if isinstance(opt_name, str):
            lr = b.node("learning_rate") if b.given("learning_rate") else None
            opt = optimizer_from_name(self.ctx, opt_name, lr, clip, reg.call)
        else:
            opt = flat(opt_node)  # an optimizer object (translated by TFM114 with global_clipnorm=5.0)
            if dnn is not None and literal(to_node(clip), None) != DEFAULT_CLIP:
                q = self.ctx.legacy_name(b.orig("optimizer"))
                edited = set_clip(opt_node, clip) if q and q.startswith("tflearn.optimizers.") else None
                if edited is not None:
                    opt = flat(edited)
                elif not self._clip_set_by_tfm114(b.orig("optimizer"), reg):
                    self.report(reg.call, "DNN(clip_gradients=...) with an optimizer object: set "
                                          "global_clipnorm on that optimizer to match")
        to_one_hot = bool(b.value("to_one_hot", False))
        lss = None if tensor_loss else loss(self.ctx, b, "loss", to_one_hot)
        mets = metrics(self.ctx, b, rank_of(self.ctx, reg.incoming, reg.call),
                       units=units_of(self.ctx, reg.incoming, reg.call))
        kw = {"optimizer": opt, "loss": lss, "metrics": mets}
        return cst.SimpleStatementLine([cst.Expr(wrap_long_call(call(f"{model}.compile", **kw)))])

    def _clip_set_by_tfm114(self, opt: cst.BaseExpression | None, reg: RegressionInfo) -> bool:
        """TFM114 gives an optimizer object assigned to a name the clip of its DNN."""
        from ..analysis.flow import Flow

        if not isinstance(opt, cst.Name) or not self.ctx.rule_active("TFM114"):
            return False
        d = self.ctx.analysis(Flow).def_of(opt.value, reg.call)
        q = self.ctx.legacy_name(d.value) if d is not None and isinstance(d.value, cst.Call) else None
        return bool(q) and q.startswith("tflearn.optimizers.")


def regression_passthrough(ctx, rule, assign_o: cst.Assign, assign_u: cst.Assign, bound: dict):
    """``net = regression(incoming, ...)`` in a program whose trainer takes the regressions
    itself (TFM125, TFM127): its arguments are kept in ``bound`` and the statement becomes
    ``net = incoming`` (removed when that is ``net = net``)."""
    from ..analysis.tflearn_model import REGRESSION_SIG

    r = assign_o.value
    ub = BoundArgs(assign_u.value, REGRESSION_SIG, r)
    bound[id(r)] = ub
    inc = ub.node("incoming")
    ctx.count(rule)
    if isinstance(inc, cst.Name) and inc.value == assign_o.targets[0].target.value:
        return cst.RemoveFromParent()
    return inc


def regression_step_settings(ctx, rb: BoundArgs, clip, reg) -> tuple:
    """A tflearn regression's TrainOp settings in a DNN over several of them: (the optimizer
    with the DNN's gradient clipping, batch size, shuffle), tflearn's defaults adam at 0.001,
    64, True."""
    name = literal(rb.node("optimizer"), None) if rb.given("optimizer") else "adam"
    lr = rb.node("learning_rate") if rb.given("learning_rate") else to_node(0.001)
    opt = flat(optimizer_from_name(ctx, name, lr, clip, reg))
    bs = rb.node("batch_size") if rb.given("batch_size") else to_node(64)
    sh = rb.node("shuffle_batches") if rb.given("shuffle_batches") else cst.Name("True")
    return opt, bs, sh
