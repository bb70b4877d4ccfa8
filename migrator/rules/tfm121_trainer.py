"""TFM121: tflearn Trainer / TrainOp on a graph built with keras.ops -> helper classes over a
Keras model; Evaluator (and what the helpers do not cover) stays a TODO.

Read from tflearn 0.5.0 (helpers/trainer.py):

* ``TrainOp(loss, optimizer, metric=None, batch_size=64, ema=0., trainable_vars=None,
  shuffle=True, step_tensor=None, validation_monitors=None, validation_batch_size=None,
  name=None, graph=None)`` only records what to train;
* ``Trainer(train_ops, graph=None, clip_gradients=5.0, ...)`` builds, per TrainOp, the total
  loss ``loss + REGULARIZATION_LOSSES``, its gradients over every trainable variable clipped
  by global norm ``clip_gradients`` and the optimizer's ``apply_gradients``;
* ``Trainer.fit(feed_dicts, n_epoch=10, val_feed_dicts=None, ...)`` feeds the placeholders
  (the dict's keys) with ``batch_size`` rows, the last batch partial, in training mode (dropout
  on), ``ceil(n / batch_size)`` steps an epoch, from one continuous stream (data_flow.py): the
  index array is shuffled with NumPy's global RNG (TrainOp ``shuffle`` / ``shuffle_all``) and,
  when the batches run out, reshuffled and restarted at batch index -1 - every later pass starts
  with its LAST batch (and repeats it at its end). Measured: unshuffled, 3 batches, the steps are
  b0 b1 b2 | b2 b0 b1 | b2 b2 b0. The helper yields that stream, so unshuffled training is the
  same (tests/test_tflearn_layer_vars.py). Shuffled, tflearn's batch-id thread runs ahead and
  reshuffles the index array IN PLACE while earlier batches (views of it) wait in its queue: what
  it trains on is not the seeded stream (measured: deterministic for one script, but no model of
  the race reproduced it), so there the helper's batches are the stream's - same sizes, steps
  and pass structure, other random rows. Validation runs the loss and metric in inference mode
  with ``validation_batch_size``.

Once the placeholders are ``keras.Input`` and the loss / metric are keras.ops tensors of them
(TFM140, TFM130, TFM135), the helper classes ``TflearnTrainOp`` / ``TflearnTrainer`` keep
tflearn's call signatures: the trainer makes a functional model over the fed inputs whose
outputs are the loss and the metric (``TflearnLossMetricModel``: the loss output plus the
layers' regularization losses is minimised; the metric's batch mean is shown), sets the
optimizer's ``global_clipnorm`` to ``clip_gradients`` and calls ``model.fit``. Not covered (left
as TODOs, with the argument named): several TrainOps (tflearn alternates their steps), ``ema``,
``trainable_vars``, ``step_tensor``, checkpoints, a random seed,
another session or graph, data preprocessing/augmentation dicts, callbacks, excluded train
ops, and a loss / optimizer that is still TF1 (its statement keeps a TODO).
``validation_monitors`` (tensors tflearn evaluates at each validation only to write them to
TensorBoard, Trainer.create_testing_summaries) are dropped with an info diagnostic: like the
Trainer's ``tensorboard_dir`` / ``tensorboard_verbose``, the helper writes no summaries.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import literal
from ..helpers import register_source
from ..translate import kmeans as _kmeans  # noqa: F401  (registers the TflearnKMeans helper)
from ..translate.tflearn import Untranslatable
from .base import Case, CallRule

TRAINOP = "tflearn.helpers.trainer.TrainOp"
TRAINER = "tflearn.helpers.trainer.Trainer"
EVALUATOR = "tflearn.helpers.evaluator.Evaluator"
IS_TRAINING = "tflearn.config.is_training"
IS_TRAINING_SIG = "is_training=False, session=None"

TRAINOP_SIG = ("loss, optimizer, metric=None, batch_size=64, ema=0., trainable_vars=None, shuffle=True, "
               "step_tensor=None, validation_monitors=None, validation_batch_size=None, name=None, graph=None")
TRAINER_SIG = ("train_ops, graph=None, clip_gradients=5.0, tensorboard_dir='/tmp/tflearn_logs/', "
               "tensorboard_verbose=0, checkpoint_path=None, best_checkpoint_path=None, max_checkpoints=None, "
               "keep_checkpoint_every_n_hours=10000.0, random_seed=None, session=None, best_val_accuracy=0.0")
FIT_SIG = ("feed_dicts, n_epoch=10, val_feed_dicts=None, show_metric=False, snapshot_step=None, "
           "snapshot_epoch=True, shuffle_all=None, dprep_dict=None, daug_dict=None, excl_trainops=None, "
           "run_id=None, callbacks=[]")
# arguments the helpers take (the others must be absent or at tflearn's default)
_TRAINOP_KEEP = ("loss", "optimizer", "metric", "batch_size", "shuffle", "validation_batch_size", "name")
_TRAINER_KEEP = ("train_ops", "clip_gradients", "tensorboard_dir", "tensorboard_verbose")
_TRAINER_DEFAULT_NONE = ("graph", "checkpoint_path", "best_checkpoint_path", "max_checkpoints", "random_seed",
                         "session")
_FIT_NONE = ("dprep_dict", "daug_dict", "excl_trainops")

_K = (("keras", None, None),)

register_source("tflearn_models", "TflearnLossMetricModel")

register_source("tflearn_models", "TflearnTrainOp")

register_source("tflearn_models", "TflearnTrainer", imports=(*_K, ("numpy", None, "np")),
                requires=("TflearnLossMetricModel",))

register_source("tflearn_models", "TflearnTrainerSession")

_WHY_EVALUATOR = "Evaluator runs tensors with feed dicts in a session: use model.predict / model.evaluate"
# tflearn.estimators: graph estimators on tf.contrib ops that TF 2 removed (tflearn 0.5.0's
# estimators package does not even import there: `tensorflow.contrib.tensor_forest` missing).
# KMeans (squared Euclidean, random or given initial centers) -> the TflearnKMeans helper
# (translate/kmeans.py), proven against tflearn's own code on the clustering ops TF 2.21 still has
# (the legacy shim maps contrib's module to them: tests/test_tflearn_kmeans.py); the rest -> TODO
_KMEANS = ("tflearn's {cls} runs tf.contrib.factorization's clustering ops (random initial centers "
           "drawn from the data, {distance} distance, {steps}); TF 2 has no tf.contrib and Keras no "
           "clustering: port by hand (e.g. sklearn.cluster.{cls}(n_clusters, init='random', n_init=1) - "
           "another random start, and Euclidean distance only)")
_STEPS = {"KMeans": "full-batch steps, max_iter 300", "MiniBatchKMeans": "mini-batch updates, batch_size 1024"}
_FOREST = ("tflearn's {cls} grows tf.contrib.tensor_forest trees online from batches (hybrid split "
           "candidates, max_nodes per tree); TF 2 has no tf.contrib and Keras no decision forests: port by "
           "hand (e.g. sklearn.ensemble.{cls}(n_estimators, max_leaf_nodes=...) - another tree-growing "
           "algorithm, other trees)")
def _helper_text(name: str) -> str:
    from ..helpers import HELPER_MARKER, HELPERS

    return f"{HELPER_MARKER} {name}\n{HELPERS[name].code}\n\n"


KMEANS = "tflearn.estimators.cluster.kmeans.KMeans"
KMEANS_SIG = ("n_clusters, max_iter=300, init='random', distance='squared_euclidean', metric=None, "
              "num_features=None, log_dir='/tmp/tflearn_logs/', global_step=None, session=None, graph=None, "
              "name=None")
ESTIMATORS = {
    "tflearn.estimators.cluster.kmeans.KMeans": _KMEANS,
    "tflearn.estimators.cluster.kmeans.MiniBatchKMeans": _KMEANS,
    "tflearn.estimators.ensemble.forest.RandomForestClassifier": _FOREST,
    "tflearn.estimators.ensemble.forest.RandomForestRegressor": _FOREST,
}


class TrainerTrainOp(CallRule):
    ID = "TFM121"
    TRIGGERS = ("tflearn",)
    NAME = "trainer-trainop"
    MESSAGE = ("tflearn TrainOp / Trainer over keras.ops tensors -> TflearnTrainOp / TflearnTrainer (a Keras model); "
               "KMeans -> TflearnKMeans (NumPy); Evaluator and the other tf.contrib estimators (cosine / kmeans++ "
               "KMeans, MiniBatchKMeans, RandomForest*) -> TODO with what to port")
    RATIONALE = ("tflearn's Trainer minimises each TrainOp's loss tensor plus the regularization losses, "
                 "gradients clipped by global norm 5.0 (clip_gradients), batches of the TrainOp's "
                 "batch_size (64) shuffled each epoch, dropout on. Once the graph is Keras (placeholders "
                 "-> keras.Input, ops -> keras.ops) the helper classes keep tflearn's signatures and "
                 "train a functional model whose outputs are the loss and metric tensors. What they do "
                 "not cover (several TrainOps, ema, step_tensor, checkpoints, "
                 "preprocessing dicts ...) stays a TODO naming it; the Evaluator too. tflearn's KMeans "
                 "(contrib's full-batch Lloyd steps: centers = sums / (counts + 1e-6), stopping when ten "
                 "losses are flat, max_iter unused; predict returns the first row's cluster) becomes "
                 "TflearnKMeans, the same algorithm in NumPy (only the random initial draw differs: "
                 "NumPy's RNG, not TF's).")
    CALLS = (TRAINOP, TRAINER, EVALUATOR, IS_TRAINING, *ESTIMATORS)
    ORDER = 60
    REQUIRES = ("TFM114",)

    def translate(self, qname, original, updated):
        short = qname.rsplit(".", 1)[1]
        if qname == IS_TRAINING:
            # tflearn.is_training(flag, session=trainer.session) of a translated Trainer: the
            # session helper keeps the mode; any other session is left to TFM100
            sess = BoundArgs(original, IS_TRAINING_SIG).orig("session") if self._is_training_ok(original) else None
            if not (isinstance(sess, cst.Attribute) and self._session_trainer(sess) is not None):
                return None
            b = BoundArgs(updated, IS_TRAINING_SIG, original)
            self.ctx.count(self)
            flag = [cst.Arg(b.node("is_training"))] if b.given("is_training") else []
            return cst.Call(cst.Attribute(b.node("session"), cst.Name("is_training")), flag,
                            lpar=updated.lpar, rpar=updated.rpar)
        if qname == EVALUATOR:
            self.todo(original, f"Evaluator: {_WHY_EVALUATOR}")
            return None
        if qname == KMEANS and self._kmeans_ok(original):
            self.ctx.use_helper("TflearnKMeans")
            self.ctx.count(self)
            return updated.with_changes(func=cst.Name("TflearnKMeans"))
        if qname in ESTIMATORS:
            dist = next((literal(a.value, None) for a in original.args
                         if a.keyword is not None and a.keyword.value == "distance"), None)
            self.todo(original, f"{short}: " + ESTIMATORS[qname].format(
                cls=short, distance=dist if isinstance(dist, str) else "squared_euclidean",
                steps=_STEPS.get(short, "")))
            return None
        try:
            self._plan(original)
        except (Untranslatable, Unbindable) as ex:
            self.todo(original, f"{short}: {ex}")
            return None
        b = BoundArgs(updated, TRAINOP_SIG if qname == TRAINOP else TRAINER_SIG, original)
        keep = _TRAINOP_KEEP if qname == TRAINOP else _TRAINER_KEEP
        if qname == TRAINOP and b.given("validation_monitors") and literal(b.orig("validation_monitors"), "?") is not None:
            # tflearn evaluates them at each validation only to write TensorBoard summaries
            # (Trainer.create_testing_summaries); nothing trained or returned reads them
            self.report(original, "TrainOp(validation_monitors=...) dropped: tflearn only wrote their values at "
                                  "validation to TensorBoard summaries (which the helper does not write)")
        self.ctx.use_helper("TflearnTrainOp" if qname == TRAINOP else "TflearnTrainer")
        self.ctx.count(self)
        args = [cst.Arg(b.node(k), keyword=cst.Name(k), equal=_EQ) for k in keep if b.given(k)]
        return cst.Call(cst.Name("TflearnTrainOp" if qname == TRAINOP else "TflearnTrainer"), args,
                        lpar=updated.lpar, rpar=updated.rpar)

    def _kmeans_ok(self, call: cst.Call) -> bool:
        """TflearnKMeans covers the squared Euclidean distance and random / given initial centers."""
        try:
            b = BoundArgs(call, KMEANS_SIG)
        except Unbindable:
            return False
        if b.extra:
            return False
        if b.given("distance") and literal(b.node("distance"), None) != "squared_euclidean":
            return False
        init = literal(b.node("init"), 0) if b.given("init") else "random"
        return init == "random" or not isinstance(init, str) and not isinstance(b.node("init"), cst.Attribute)

    # -- whole-group check: a TrainOp, the Trainer using it and every fit of that Trainer ---------
    def _plan(self, call: cst.Call) -> bool:
        """Raises Untranslatable (with the reason) unless the TrainOp(s) / Trainer group holding
        ``call`` translates as a whole (so no half-translated trainer is ever emitted)."""
        cache = self.__dict__.setdefault("_plans", {})
        key = id(call)
        if key not in cache:
            try:
                self._check_group(call)
                cache[key] = None
            except (Untranslatable, Unbindable) as ex:
                cache[key] = ex
        if cache[key] is not None:
            raise cache[key]
        return True

    def _def_call(self, name: cst.BaseExpression, at: cst.CSTNode) -> cst.Call | None:
        from ..analysis.flow import Flow

        if not isinstance(name, cst.Name):
            return None
        d = self.ctx.analysis(Flow).def_of(name.value, at)
        return d.value if d is not None and isinstance(d.value, cst.Call) else None

    def _check_group(self, call: cst.Call) -> None:
        q = self.ctx.legacy_name(call)
        trainers = [call] if q == TRAINER else self._trainers_using(call)
        if len(trainers) != 1:
            raise Untranslatable(f"the TrainOp is used by {len(trainers)} tflearn.Trainer(...) calls")
        trainer = trainers[0]
        b = BoundArgs(trainer, TRAINER_SIG)
        for k in _TRAINER_DEFAULT_NONE:
            if b.given(k) and literal(b.node(k), "?") is not None:
                raise Untranslatable(f"Trainer({k}=...) is not covered by the helper")
        if b.given("best_val_accuracy") or b.given("keep_checkpoint_every_n_hours"):
            raise Untranslatable("Trainer checkpoint options are not covered by the helper")
        ops = b.orig("train_ops")
        elems = [e.value for e in ops.elements] if isinstance(ops, (cst.List, cst.Tuple)) else [ops]
        if len(elems) != 1:
            raise Untranslatable("several TrainOps (tflearn alternates their training steps): write a "
                                 "custom train_step")
        op = self._def_call(elems[0], trainer)
        if op is None or self.ctx.legacy_name(op) != TRAINOP:
            raise Untranslatable("train_ops is not a tflearn.TrainOp(...) assigned to a name")
        if q == TRAINOP and op is not call:
            raise Untranslatable("the Trainer trains another TrainOp")
        ob = BoundArgs(op, TRAINOP_SIG)
        if ob.given("step_tensor") and not self._step_var(ob.node("step_tensor"), op):
            raise Untranslatable("TrainOp(step_tensor=...) is not a zero-initialised tflearn.variable read "
                                 "only by Optimizer.build(step_tensor=) and TrainOp(step_tensor=)")
        for k in ("trainable_vars", "graph"):
            if ob.given(k) and literal(ob.node(k), "?") is not None:
                raise Untranslatable(f"TrainOp({k}=...) is not covered by the helper")
        if ob.given("ema") and literal(ob.node("ema"), "?") not in (0, 0.0):
            raise Untranslatable("TrainOp(ema=...): moving averages of the weights are not covered")
        fits = self._fits_of(trainer)
        if not fits:
            raise Untranslatable("no fit() of this Trainer found")
        for f in fits:
            fb = BoundArgs(f, FIT_SIG)
            for k in _FIT_NONE:
                if fb.given(k) and literal(fb.node(k), "?") is not None:
                    raise Untranslatable(f"Trainer.fit({k}=...) is not covered by the helper")
            if fb.given("callbacks"):
                raise Untranslatable("Trainer.fit(callbacks=...): tflearn callbacks are not Keras callbacks")
            for k in ("feed_dicts", "val_feed_dicts"):
                if fb.given(k) and not isinstance(fb.node(k), cst.Dict):
                    if k == "val_feed_dicts" and literal(fb.node(k), "?") is None:
                        continue
                    raise Untranslatable(f"Trainer.fit({k}=...) is not a dict literal of placeholders")

    # -- tflearn Optimizer objects and their step variable ------------------------------------
    def _tflearn_optimizer(self, node: cst.BaseExpression, at: cst.CSTNode) -> bool:
        c = self._def_call(node, at)
        return c is not None and (self.ctx.legacy_name(c) or "").startswith("tflearn.optimizers.")

    def _step_var(self, node: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """``step = tflearn.variable('step', initializer='zeros', shape=[])`` read only as
        ``opt.build(step_tensor=step)`` (opt a tflearn Optimizer) and ``TrainOp(step_tensor=step)``:
        the counter tflearn's apply_gradients increments once per step - Keras' optimizer.iterations,
        which the translated learning-rate schedule already reads."""

        c = self._def_call(node, at)
        return c is not None and isinstance(node, cst.Name) and self._step_call(c, node.value)

    def _step_call(self, c: cst.Call, name: str) -> bool:
        from ..cstcache import walk

        if self.ctx.legacy_name(c) != "tflearn.variables.variable":
            return False
        try:
            b = BoundArgs(c, "name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True, "
                             "collections=None, caching_device=None, validate_shape=True, device=None, restore=True")
        except Unbindable:
            return False
        if literal(b.node("initializer"), None) != "zeros" if b.given("initializer") else True:
            return False
        if any(b.given(k) for k in ("regularizer", "collections", "device", "caching_device")):
            return False
        for n in walk(self.ctx.module):
            if not (isinstance(n, cst.Name) and n.value == name) or self._def_call(n, n) is not c:
                continue
            parent = self.ctx.parent(n)
            if isinstance(parent, cst.AssignTarget):
                continue
            if not (isinstance(parent, cst.Arg) and parent.value is n and parent.keyword is not None
                    and parent.keyword.value == "step_tensor"):
                return False
            owner = self.ctx.parent(parent)
            if not isinstance(owner, cst.Call):
                return False
            if self.ctx.legacy_name(owner) == TRAINOP:
                continue
            if not (isinstance(owner.func, cst.Attribute) and owner.func.attr.value == "build"
                    and self._tflearn_optimizer(owner.func.value, owner)):
                return False
        return True

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        """``step = tflearn.variable(...)`` / ``opt.build(step_tensor=step)`` (removed) and
        ``t = opt.get_tensor()`` (-> ``t = opt``) for a translated tflearn Optimizer ``opt``."""
        if len(original.body) != 1:
            return updated
        small = original.body[0]
        v = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
        if not isinstance(v, cst.Call):
            return updated
        if isinstance(small, cst.Assign) and self.ctx.legacy_name(v) == "tflearn.variables.variable":
            t = small.targets[0].target if len(small.targets) == 1 else None
            if isinstance(t, cst.Name) and self._step_call(v, t.value) and self._step_used_ok(v):
                self.report(original, "tflearn step variable removed: the Keras optimizer counts its iterations")
                self.ctx.count(self)
                return cst.RemoveFromParent()
            return updated
        f = v.func
        if not (isinstance(f, cst.Attribute) and self._tflearn_optimizer(f.value, original)):
            return updated
        if f.attr.value == "get_tensor" and not v.args and isinstance(small, cst.Assign):
            self.ctx.count(self)
            return updated.with_changes(body=[updated.body[0].with_changes(value=f.value.deep_clone())])
        if f.attr.value == "build" and isinstance(small, cst.Expr):
            step = next((a.value for a in v.args if a.keyword is not None and a.keyword.value == "step_tensor"), None)
            if len(v.args) == 1 and step is not None and self._step_var(step, original) \
                    and self._step_used_ok(self._def_call(step, original)):
                self.ctx.count(self)
                return cst.RemoveFromParent()
        return updated

    def _step_used_ok(self, c: cst.Call) -> bool:
        """Every TrainOp reading the step variable (made by ``c``) translates."""
        from ..cstcache import walk

        for n in walk(self.ctx.module):
            if isinstance(n, cst.Call) and self.ctx.legacy_name(n) == TRAINOP and any(
                    a.keyword is not None and a.keyword.value == "step_tensor" and isinstance(a.value, cst.Name)
                    and self._def_call(a.value, n) is c for a in n.args):
                try:
                    self._plan(n)
                except (Untranslatable, Unbindable):
                    return False
        return True

    def _trainers_using(self, op_call: cst.Call) -> list[cst.Call]:
        from ..cstcache import walk

        target = self._assigned_name(op_call)
        out = []
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Call) and self.ctx.legacy_name(n) == TRAINER:
                try:
                    ops = BoundArgs(n, TRAINER_SIG).node("train_ops")
                except Unbindable:
                    continue
                elems = [e.value for e in ops.elements] if isinstance(ops, (cst.List, cst.Tuple)) else [ops]
                if any(isinstance(e, cst.Name) and e.value == target for e in elems):
                    out.append(n)
        return out

    def _assigned_name(self, call: cst.Call) -> str | None:
        parent = self.ctx.parent(call)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
            return parent.targets[0].target.value
        return None

    def _fits_of(self, trainer: cst.Call) -> list[cst.Call]:
        from ..cstcache import walk

        name = self._assigned_name(trainer)
        if name is None:
            raise Untranslatable("the Trainer is not assigned to a name")
        out, sessions = [], 0
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == name:
                if self._def_call(n.value, n) is not trainer:
                    continue
                parent = self.ctx.parent(n)
                if n.attr.value == "session" and self._session_use(n, parent):
                    sessions += 1
                    continue
                if not (isinstance(parent, cst.Call) and parent.func is n and n.attr.value == "fit"):
                    raise Untranslatable(f"Trainer.{n.attr.value} is not covered by the helper")
                out.append(parent)
        if sessions and any(self._validates(f) for f in out):
            raise Untranslatable("Trainer.session read after a fit with val_feed_dicts (tflearn's training mode "
                                 "then depends on which step validated last)")
        return out

    def _validates(self, fit: cst.Call) -> bool:
        try:
            fb = BoundArgs(fit, FIT_SIG)
        except Unbindable:
            return True
        return fb.given("val_feed_dicts") and literal(fb.node("val_feed_dicts"), "?") is not None

    def _session_use(self, attr: cst.Attribute, parent: cst.CSTNode) -> bool:
        """``trainer.session`` read as ``trainer.session.run(...)`` or as the ``session=`` of
        ``tflearn.is_training(flag, session=trainer.session)``: what TflearnTrainerSession covers."""
        if isinstance(parent, cst.Attribute) and parent.value is attr and parent.attr.value == "run":
            owner = self.ctx.parent(parent)
            return isinstance(owner, cst.Call) and owner.func is parent
        if isinstance(parent, cst.Arg) and parent.value is attr and parent.keyword is not None \
                and parent.keyword.value == "session":
            owner = self.ctx.parent(parent)
            return isinstance(owner, cst.Call) and self.ctx.legacy_name(owner) == IS_TRAINING \
                and self._is_training_ok(owner)
        return False

    def _is_training_ok(self, call: cst.Call) -> bool:
        try:
            b = BoundArgs(call, IS_TRAINING_SIG)
        except Unbindable:
            return False
        return not b.extra and b.given("session")

    def _session_trainer(self, attr: cst.Attribute) -> cst.Call | None:
        """The Trainer call whose ``.session`` ``attr`` (an original node) reads, when the whole
        Trainer group translates."""
        if not (attr.attr.value == "session" and isinstance(attr.value, cst.Name)):
            return None
        trainer = self._def_call(attr.value, attr)
        if trainer is None or self.ctx.legacy_name(trainer) != TRAINER:
            return None
        try:
            self._plan(trainer)
        except (Untranslatable, Unbindable):
            return None
        return trainer if self._session_use(attr, self.ctx.parent(attr)) else None

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        """``trainer.session`` of a translated Trainer -> ``TflearnTrainerSession(trainer)``."""
        if original.attr.value != "session" or self._session_trainer(original) is None:
            return updated
        self.ctx.use_helper("TflearnTrainerSession")
        self.ctx.count(self)
        return cst.Call(cst.Name("TflearnTrainerSession"), [cst.Arg(updated.value)])

    VALID = ["import keras\nmodel = keras.Model(x, y)\n"]
    INVALID = [
        Case("import keras\nimport tflearn\n"
             "X = keras.Input(shape=(4,))\nY = keras.Input(shape=(2,))\n"
             "net = keras.layers.Dense(2)(X)\n"
             "loss = keras.ops.mean(keras.ops.categorical_crossentropy(Y, net, from_logits=True))\n"
             "op = tflearn.TrainOp(loss=loss, optimizer=keras.optimizers.SGD(0.1), metric=None, batch_size=32)\n"
             "trainer = tflearn.Trainer(train_ops=op, tensorboard_verbose=0)\n"
             "trainer.fit({X: x, Y: y}, val_feed_dicts={X: vx, Y: vy}, n_epoch=3, show_metric=True)\n",
             'import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: TflearnTrainOp\nclass TflearnTrainOp:\n    """tflearn TrainOp: a loss tensor (keras.ops on keras.Input "placeholders") minimised by\n    `optimizer`, an optional metric tensor, tflearn\'s batch size (64) and per-epoch shuffle."""\n\n    def __init__(self, loss, optimizer, metric=None, batch_size=64, shuffle=True,\n                 validation_batch_size=None, name=None):\n        self.loss = loss\n        self.optimizer = optimizer\n        self.metric = metric\n        self.batch_size = batch_size\n        self.shuffle = shuffle\n        self.validation_batch_size = validation_batch_size or batch_size\n        self.name = name\n\n\n# tflearn-migrate helper: TflearnLossMetricModel\nclass TflearnLossMetricModel(keras.Model):\n    """A functional model whose outputs are a loss tensor (and a metric tensor) computed from\n    its inputs, labels included, as a tflearn TrainOp trained them: fit() minimises the loss\n    output plus the layers\' regularization losses (tflearn adds REGULARIZATION_LOSSES) and\n    shows the metric\'s batch mean."""\n\n    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n        self.metric_mean = keras.metrics.Mean(name="metric")\n\n    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n        outs = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]\n        loss = keras.ops.sum(outs[0])\n        if len(outs) > 1:\n            self.metric_mean.update_state(outs[1])\n        if self.losses:\n            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))\n        return loss\n\n\n# tflearn-migrate helper: TflearnTrainer\nclass TflearnTrainer:\n    """tflearn Trainer with one TrainOp: the TrainOp\'s loss (and metric) become the outputs of\n    a functional model over the inputs fit() feeds (its feed dict\'s keys, in order); gradients\n    are clipped by global norm `clip_gradients` (tflearn\'s default 5.0); fit() trains\n    `n_epoch` epochs of ceil(n / batch_size) steps on tflearn\'s batch stream (see\n    `tflearn_batches`) and evaluates `val_feed_dicts` after each epoch."""\n\n    def __init__(self, train_ops, clip_gradients=5.0, tensorboard_dir="/tmp/tflearn_logs/",\n                 tensorboard_verbose=0):\n        ops = list(train_ops) if isinstance(train_ops, (list, tuple)) else [train_ops]\n        if len(ops) != 1:\n            raise NotImplementedError("several TrainOps (tflearn alternates their steps): write a train_step")\n        self.train_op = ops[0]\n        self.clip_gradients = clip_gradients\n        self.model = None\n\n    @staticmethod\n    def tflearn_batches(arrays, batch_size, shuffle):\n        """tflearn 0.5.0\'s FeedDictFlow(continuous=True) stream: the index array is shuffled (NumPy\'s\n        global RNG) when the flow is made, then batches [0:b], [b:2b] ... (the last partial); when\n        they run out it reshuffles and restarts at batch index -1, so every later pass starts with\n        its LAST batch (and yields it twice when it ends) - what tflearn trained on unshuffled.\n        (Shuffled, tflearn\'s prefetch thread also reshuffles batches still queued: not reproduced.)"""\n        n = len(arrays[0])\n        index = np.arange(n)\n        bounds = [(i * batch_size, min(n, (i + 1) * batch_size)) for i in range(int(np.ceil(n / float(batch_size))))]\n        if shuffle:\n            np.random.shuffle(index)\n        i = -1\n        while True:\n            i += 1\n            if i == len(bounds):\n                if shuffle:\n                    np.random.shuffle(index)\n                i = -1\n            ids = index[bounds[i][0]:bounds[i][1]]\n            yield (tuple(a[ids] for a in arrays),)\n\n    def fit(self, feed_dicts, n_epoch=10, val_feed_dicts=None, show_metric=False, snapshot_step=None,\n            snapshot_epoch=True, shuffle_all=None, run_id=None):\n        op = self.train_op\n        if self.model is None:\n            outputs = [op.loss] + ([op.metric] if op.metric is not None else [])\n            self.model = TflearnLossMetricModel(inputs=list(feed_dicts), outputs=outputs)\n            if self.clip_gradients:\n                op.optimizer.global_clipnorm = self.clip_gradients\n            self.model.compile(optimizer=op.optimizer)\n        inputs = self.model.inputs\n        arrays = [np.asarray(feed_dicts[t]) for t in inputs]\n        validation = None\n        if val_feed_dicts is not None:\n            validation = ([np.asarray(val_feed_dicts[t]) for t in inputs],)\n        shuffle = op.shuffle if shuffle_all is None else shuffle_all\n        steps = int(np.ceil(len(arrays[0]) / float(op.batch_size)))\n        return self.model.fit(self.tflearn_batches(arrays, op.batch_size, bool(shuffle)), steps_per_epoch=steps,\n                              epochs=n_epoch, validation_data=validation,\n                              validation_batch_size=op.validation_batch_size)\n\n\nX = keras.Input(shape=(4,))\nY = keras.Input(shape=(2,))\nnet = keras.layers.Dense(2)(X)\nloss = keras.ops.mean(keras.ops.categorical_crossentropy(Y, net, from_logits=True))\nop = TflearnTrainOp(loss=loss, optimizer=keras.optimizers.SGD(0.1), metric=None, batch_size=32)\ntrainer = TflearnTrainer(train_ops=op, tensorboard_verbose=0)\ntrainer.fit({X: x, Y: y}, val_feed_dicts={X: vx, Y: vy}, n_epoch=3, show_metric=True)\n'),
        # a tflearn Optimizer built on a step variable: the Keras optimizer counts its iterations
        Case("import keras\nimport tflearn\n"
             "opt = tflearn.SGD(learning_rate=0.1, lr_decay=0.96, decay_step=200)\n"
             "step = tflearn.variable('step', initializer='zeros', shape=[])\n"
             "opt.build(step_tensor=step)\nt = opt.get_tensor()\n"
             "op = tflearn.TrainOp(loss=loss, optimizer=t, batch_size=128, step_tensor=step)\n"
             "trainer = tflearn.Trainer(train_ops=op)\n"
             "trainer.fit({X: x, Y: y}, n_epoch=3)\n",
             'import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: TflearnTrainOp\nclass TflearnTrainOp:\n    """tflearn TrainOp: a loss tensor (keras.ops on keras.Input "placeholders") minimised by\n    `optimizer`, an optional metric tensor, tflearn\'s batch size (64) and per-epoch shuffle."""\n\n    def __init__(self, loss, optimizer, metric=None, batch_size=64, shuffle=True,\n                 validation_batch_size=None, name=None):\n        self.loss = loss\n        self.optimizer = optimizer\n        self.metric = metric\n        self.batch_size = batch_size\n        self.shuffle = shuffle\n        self.validation_batch_size = validation_batch_size or batch_size\n        self.name = name\n\n\n# tflearn-migrate helper: TflearnLossMetricModel\nclass TflearnLossMetricModel(keras.Model):\n    """A functional model whose outputs are a loss tensor (and a metric tensor) computed from\n    its inputs, labels included, as a tflearn TrainOp trained them: fit() minimises the loss\n    output plus the layers\' regularization losses (tflearn adds REGULARIZATION_LOSSES) and\n    shows the metric\'s batch mean."""\n\n    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n        self.metric_mean = keras.metrics.Mean(name="metric")\n\n    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n        outs = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]\n        loss = keras.ops.sum(outs[0])\n        if len(outs) > 1:\n            self.metric_mean.update_state(outs[1])\n        if self.losses:\n            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))\n        return loss\n\n\n# tflearn-migrate helper: TflearnTrainer\nclass TflearnTrainer:\n    """tflearn Trainer with one TrainOp: the TrainOp\'s loss (and metric) become the outputs of\n    a functional model over the inputs fit() feeds (its feed dict\'s keys, in order); gradients\n    are clipped by global norm `clip_gradients` (tflearn\'s default 5.0); fit() trains\n    `n_epoch` epochs of ceil(n / batch_size) steps on tflearn\'s batch stream (see\n    `tflearn_batches`) and evaluates `val_feed_dicts` after each epoch."""\n\n    def __init__(self, train_ops, clip_gradients=5.0, tensorboard_dir="/tmp/tflearn_logs/",\n                 tensorboard_verbose=0):\n        ops = list(train_ops) if isinstance(train_ops, (list, tuple)) else [train_ops]\n        if len(ops) != 1:\n            raise NotImplementedError("several TrainOps (tflearn alternates their steps): write a train_step")\n        self.train_op = ops[0]\n        self.clip_gradients = clip_gradients\n        self.model = None\n\n    @staticmethod\n    def tflearn_batches(arrays, batch_size, shuffle):\n        """tflearn 0.5.0\'s FeedDictFlow(continuous=True) stream: the index array is shuffled (NumPy\'s\n        global RNG) when the flow is made, then batches [0:b], [b:2b] ... (the last partial); when\n        they run out it reshuffles and restarts at batch index -1, so every later pass starts with\n        its LAST batch (and yields it twice when it ends) - what tflearn trained on unshuffled.\n        (Shuffled, tflearn\'s prefetch thread also reshuffles batches still queued: not reproduced.)"""\n        n = len(arrays[0])\n        index = np.arange(n)\n        bounds = [(i * batch_size, min(n, (i + 1) * batch_size)) for i in range(int(np.ceil(n / float(batch_size))))]\n        if shuffle:\n            np.random.shuffle(index)\n        i = -1\n        while True:\n            i += 1\n            if i == len(bounds):\n                if shuffle:\n                    np.random.shuffle(index)\n                i = -1\n            ids = index[bounds[i][0]:bounds[i][1]]\n            yield (tuple(a[ids] for a in arrays),)\n\n    def fit(self, feed_dicts, n_epoch=10, val_feed_dicts=None, show_metric=False, snapshot_step=None,\n            snapshot_epoch=True, shuffle_all=None, run_id=None):\n        op = self.train_op\n        if self.model is None:\n            outputs = [op.loss] + ([op.metric] if op.metric is not None else [])\n            self.model = TflearnLossMetricModel(inputs=list(feed_dicts), outputs=outputs)\n            if self.clip_gradients:\n                op.optimizer.global_clipnorm = self.clip_gradients\n            self.model.compile(optimizer=op.optimizer)\n        inputs = self.model.inputs\n        arrays = [np.asarray(feed_dicts[t]) for t in inputs]\n        validation = None\n        if val_feed_dicts is not None:\n            validation = ([np.asarray(val_feed_dicts[t]) for t in inputs],)\n        shuffle = op.shuffle if shuffle_all is None else shuffle_all\n        steps = int(np.ceil(len(arrays[0]) / float(op.batch_size)))\n        return self.model.fit(self.tflearn_batches(arrays, op.batch_size, bool(shuffle)), steps_per_epoch=steps,\n                              epochs=n_epoch, validation_data=validation,\n                              validation_batch_size=op.validation_batch_size)\n\n\nopt = keras.optimizers.SGD(\n    learning_rate=keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=200, decay_rate=0.96),\n    global_clipnorm=5.0,\n)\nt = opt\nop = TflearnTrainOp(loss=loss, optimizer=t, batch_size=128)\ntrainer = TflearnTrainer(train_ops=op)\ntrainer.fit({X: x, Y: y}, n_epoch=3)\n', ("TFM121",)),
        # trainer.session read after fit: run() and is_training() through the session helper
        Case("import keras\nimport tflearn\n"
             "X = keras.Input(shape=(4,))\nY = keras.Input(shape=(2,))\n"
             "loss = keras.ops.mean(keras.ops.square(keras.layers.Dense(2)(X) - Y))\n"
             "op = tflearn.TrainOp(loss=loss, optimizer=keras.optimizers.SGD(0.1))\n"
             "trainer = tflearn.Trainer(train_ops=op)\ntrainer.fit({X: x, Y: y}, n_epoch=1)\n"
             "tflearn.is_training(False, session=trainer.session)\n"
             "print(trainer.session.run(loss, feed_dict={X: x, Y: y}))\n",
             "import keras\nimport numpy as np\n\n\n" + _helper_text("TflearnTrainOp")
             + _helper_text("TflearnLossMetricModel") + _helper_text("TflearnTrainer")
             + _helper_text("TflearnTrainerSession")
             + "X = keras.Input(shape=(4,))\nY = keras.Input(shape=(2,))\n"
             "loss = keras.ops.mean(keras.ops.square(keras.layers.Dense(2)(X) - Y))\n"
             "op = TflearnTrainOp(loss=loss, optimizer=keras.optimizers.SGD(0.1))\n"
             "trainer = TflearnTrainer(train_ops=op)\ntrainer.fit({X: x, Y: y}, n_epoch=1)\n"
             "TflearnTrainerSession(trainer).is_training(False)\n"
             "print(TflearnTrainerSession(trainer).run(loss, feed_dict={X: x, Y: y}))\n"),
        # ... but not after a fit that validated (which step left inference mode on is not modelled)
        Case("import keras\nimport tflearn\n"
             "op = tflearn.TrainOp(loss=loss, optimizer=keras.optimizers.SGD(0.1))\n"
             "trainer = tflearn.Trainer(train_ops=op)\n"
             "trainer.fit({X: x, Y: y}, val_feed_dicts={X: vx, Y: vy})\n"
             "d = trainer.session.run(dist, feed_dict={X: vx})\n",
             None, ("TFM121",) * 2, todo=True),
        # several TrainOps: tflearn alternates their steps
        Case("import keras\nimport tflearn\n"
             "op1 = tflearn.TrainOp(loss=l1, optimizer=keras.optimizers.SGD(0.1))\n"
             "op2 = tflearn.TrainOp(loss=l2, optimizer=keras.optimizers.SGD(0.1))\n"
             "trainer = tflearn.Trainer(train_ops=[op1, op2])\n"
             "trainer.fit({X: x, Y: y}, n_epoch=3)\n",
             'import keras\nimport tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n# TODO(tflearn-migrate): TFM121 TrainOp: several TrainOps (tflearn alternates their training steps): write a custom train_step\nop1 = tflearn.TrainOp(loss=l1, optimizer=keras.optimizers.SGD(0.1))\n# TODO(tflearn-migrate): TFM121 TrainOp: several TrainOps (tflearn alternates their training steps): write a custom train_step\nop2 = tflearn.TrainOp(loss=l2, optimizer=keras.optimizers.SGD(0.1))\n# TODO(tflearn-migrate): TFM121 Trainer: several TrainOps (tflearn alternates their training steps): write a custom train_step\ntrainer = tflearn.Trainer(train_ops=[op1, op2])\ntrainer.fit({X: x, Y: y}, n_epoch=3)\n', ("TFM121",) * 3, todo=True),
        # a preprocessing dict on fit
        Case("import keras\nimport tflearn\n"
             "op = tflearn.TrainOp(loss=loss, optimizer=keras.optimizers.SGD(0.1))\n"
             "trainer = tflearn.Trainer(train_ops=op)\n"
             "trainer.fit({X: x, Y: y}, dprep_dict={X: prep})\n",
             'import keras\nimport tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n# TODO(tflearn-migrate): TFM121 TrainOp: Trainer.fit(dprep_dict=...) is not covered by the helper\nop = tflearn.TrainOp(loss=loss, optimizer=keras.optimizers.SGD(0.1))\ntrainer = tflearn.Trainer(train_ops=op)  # TODO(tflearn-migrate): TFM121 Trainer: Trainer.fit(dprep_dict=...) is not covered by the helper\ntrainer.fit({X: x, Y: y}, dprep_dict={X: prep})\n', ("TFM121",) * 2, todo=True),
        Case("import tflearn\nev = tflearn.Evaluator([net])\n", None, ("TFM121",), todo=True),
        Case("from tflearn.estimators import KMeans\nm = KMeans(n_clusters=10, distance='cosine')\n",
             None, ("TFM121",), todo=True),
        # the translated KMeans: same arguments, the helper class
        Case("from tflearn.estimators import KMeans\n"
             "m = KMeans(n_clusters=10, distance='squared_euclidean')\nm.fit(X, display_step=10)\n"
             "print(m.labels_[0], m.predict(x))\n",
             "import numpy as np\n\n\n" + _helper_text("TflearnKMeans") +
             "m = TflearnKMeans(n_clusters=10, distance='squared_euclidean')\nm.fit(X, display_step=10)\n"
             "print(m.labels_[0], m.predict(x))\n"),
        Case("from tflearn.estimators import KMeans\nm = KMeans(10, init='kmeans_plus_plus')\n",
             None, ("TFM121",), todo=True),
        Case("from tflearn.estimators import MiniBatchKMeans\nm = MiniBatchKMeans(n_clusters=10)\n",
             None, ("TFM121",), todo=True),
        Case("from tflearn.estimators import RandomForestClassifier\n"
             "m = RandomForestClassifier(n_estimators=100, max_nodes=1000)\n", None, ("TFM121",), todo=True),
    ]


_EQ = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
