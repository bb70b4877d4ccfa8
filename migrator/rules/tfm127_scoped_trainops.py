"""TFM127: tflearn regression(...) layers minimising loss TENSORS over variable lists taken by
scope, trained by one DNN (GANs: tflearn's examples/images/gan.py) -> TflearnTrainOpsDNN.

Read from tflearn 0.5.0 (layers/estimator.py, helpers/trainer.py, models/dnn.py, variables.py):
``regression(x, placeholder=None, loss=T, trainable_vars=V)`` adds a TrainOp minimising the tensor
T over V only (no target, no metric) and returns x; ``get_layer_variables_by_scope('S')`` is the
LAYER_VARIABLES collection filtered by ``re.match('S', name)``; ``DNN(r)`` trains EVERY TrainOp
of the graph: per batch step one step of each, in creation order, each on its own batch stream
over the whole feed (every input), its gradients over its variables clipped by global norm
``clip_gradients`` (5.0) on their own; ``predict(X)`` runs the DNN's network on the inputs fed
(a list is matched to the inputs in creation order).

The translation (see migrator/analysis/scoped_trainops.py for when): the scopes stay as
``keras.name_scope('S')`` (TFM138), so the Keras variables' paths start with S as the TF1 names
did; ``V = TflearnScopeVariables('S')``; the regressions become their incoming tensor; the DNN
becomes ``TflearnTrainOpsDNN(inputs, network, [(T, optimizer, V, batch_size, shuffle), ...])``,
one TflearnVarListLossModel (inputs -> T, trained over V only) per TrainOp, stepped in tflearn's
order with train_on_batch. fit / predict keep tflearn's signatures.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..emit import call, literal, to_node, wrap_long_call
from ..translate.tflearn import Untranslatable
from ..analysis.scoped_trainops import scoped_trainops
from ..analysis.tflearn_model import DNN_SIG, REGRESSION_SIG
from ..translate.scoped_trainops import SCOPE_VARIABLES, TRAINOPS_DNN
from ..translate.tflearn_train import DEFAULT_CLIP, flat, optimizer_from_name
from .base import Case, Rule


class ScopedTrainOpsDNN(Rule):
    ID = "TFM127"
    TRIGGERS = ("tflearn",)
    NAME = "scoped-trainops-dnn"
    MESSAGE = ("tflearn regressions minimising loss tensors over get_layer_variables_by_scope lists (GAN) "
               "-> TflearnTrainOpsDNN")
    RATIONALE = ("A tflearn GAN builds two regression(placeholder=None, loss=tensor, trainable_vars=scope "
                 "variables) layers; its DNN alternates one step of each TrainOp per batch step (creation "
                 "order, own batch stream, own optimizer, own global-norm clip over its own variables). "
                 "keras.Model.compile takes one loss and one optimizer over every weight: the helper keeps "
                 "one loss model per TrainOp whose training updates only its variables (the Keras "
                 "variables under keras.name_scope(scope), as TF1's scope named them).")
    ORDER = 40
    REQUIRES = ("TFM101", "TFM104", "TFM116", "TFM130", "TFM138")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.bound: dict[int, BoundArgs] = {}

    def leave_SimpleStatementLine(self, original, updated):
        plan = scoped_trainops(self.ctx)
        if plan is None or len(original.body) != 1 or not isinstance(original.body[0], cst.Assign):
            return updated
        assign_o, assign_u = original.body[0], updated.body[0]
        if id(original) in plan.var_stmts:
            self.ctx.use_helper(SCOPE_VARIABLES)
            self.ctx.count(self)
            return updated.with_changes(body=[assign_u.with_changes(
                value=call(SCOPE_VARIABLES, to_node(plan.var_stmts[id(original)])))])
        if any(assign_o.value is r for r in plan.regs):
            r = assign_o.value
            ub = BoundArgs(assign_u.value, REGRESSION_SIG, r)
            self.bound[id(r)] = ub
            inc = ub.node("incoming")
            self.ctx.count(self)
            if isinstance(inc, cst.Name) and inc.value == assign_o.targets[0].target.value:
                return cst.RemoveFromParent()
            return updated.with_changes(body=[assign_u.with_changes(value=inc)])
        if original is not plan.dnn:
            return updated
        if len(self.bound) != len(plan.regs):
            self.todo(original, "DNN: its regression(...) statements were not translated first")
            return updated
        b = BoundArgs(assign_u.value, DNN_SIG, assign_o.value)
        clip = b.node("clip_gradients") if b.given("clip_gradients") else DEFAULT_CLIP
        items = []
        try:
            for r in plan.regs:
                rb = self.bound[id(r)]
                name = literal(rb.node("optimizer"), None) if rb.given("optimizer") else "adam"
                lr = rb.node("learning_rate") if rb.given("learning_rate") else to_node(0.001)
                opt = flat(optimizer_from_name(self.ctx, name, lr, clip, r))
                bs = rb.node("batch_size") if rb.given("batch_size") else to_node(64)
                sh = rb.node("shuffle_batches") if rb.given("shuffle_batches") else cst.Name("True")
                items.append(cst.Element(cst.Tuple([cst.Element(x) for x in (
                    rb.node("loss"), opt, rb.node("trainable_vars"), bs, sh)])))
        except Untranslatable as ex:
            self.todo(original, f"DNN: {ex}")
            return updated
        kw = {k: b.node(k) for k in ("clip_gradients", "tensorboard_verbose", "tensorboard_dir") if b.given(k)}
        inputs = cst.List([cst.Element(cst.Name(v)) for v in plan.inputs])
        helper = wrap_long_call(call(self.ctx.use_helper(TRAINOPS_DNN), inputs, b.node("network"),
                                     cst.List(items), **kw))
        self.ctx.add_import("keras")
        self.ctx.count(self)
        self.report(original, "DNN over TrainOps with their own loss tensors and variable lists: one loss model "
                              "per TrainOp, trained over its variables in tflearn's order (TflearnTrainOpsDNN)")
        return updated.with_changes(body=[assign_u.with_changes(value=helper)])

    VALID = ["import keras\nm = keras.Model(x, y)\n"]
    INVALID: list = []
