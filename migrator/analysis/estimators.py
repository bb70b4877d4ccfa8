"""tf.estimator programs: model_fn, specs, minimize calls (TFM165's analysis; TFM140 asks)."""
from __future__ import annotations
import libcst as cst
from .. import cstcache
from ..args import BoundArgs, Unbindable
from ..emit import literal


ESTIMATOR = "tensorflow.estimator.Estimator"
SPEC = "tensorflow.estimator.EstimatorSpec"
INPUT_FN = ("tensorflow.estimator.inputs.numpy_input_fn", "tensorflow.compat.v1.estimator.inputs.numpy_input_fn")
ACCURACY = "tensorflow.metrics.accuracy"
GLOBAL_STEP = ("tensorflow.train.get_global_step", "tensorflow.train.get_or_create_global_step")

_SIGS = {
    ESTIMATOR: "model_fn, model_dir=None, config=None, params=None, warm_start_from=None",
    SPEC: ("mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None, export_outputs=None, "
           "training_chief_hooks=None, training_hooks=None, scaffold=None, evaluation_hooks=None, "
           "prediction_hooks=None"),
    INPUT_FN[0]: "x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000, num_threads=1",
    ACCURACY: ("labels, predictions, weights=None, metrics_collections=None, updates_collections=None, "
               "name=None"),
}
_SIGS[INPUT_FN[1]] = _SIGS[INPUT_FN[0]]
_KEEP = {ESTIMATOR: ("model_fn", "params"), SPEC: ("mode", "predictions", "loss", "train_op", "eval_metric_ops"),
         INPUT_FN[0]: ("x", "y", "batch_size", "num_epochs", "shuffle", "queue_capacity"),
         INPUT_FN[1]: ("x", "y", "batch_size", "num_epochs", "shuffle", "queue_capacity"),
         ACCURACY: ("labels", "predictions")}
_METHODS = {"train": "input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None",
            "evaluate": "input_fn, steps=None, hooks=None, checkpoint_path=None, name=None"}


class Estimators:
    """Which estimator calls of the file translate: every ``tf.estimator.Estimator`` bound to a
    module-level name read only as ``.train(...)`` / ``.evaluate(...)`` with supported arguments,
    and the ``opt.minimize(loss[, global_step=tf.train.get_global_step()])`` results passed as an
    EstimatorSpec's ``train_op`` in the same function."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.ok = False
        self.minimize: set[int] = set()
        names: dict[str, list[cst.Name]] = {}
        estimators: list[tuple[str, cst.Call]] = []
        specs: list[cst.Call] = []
        for n in cstcache.walk(ctx.module):
            if isinstance(n, cst.Name):
                names.setdefault(n.value, []).append(n)
            elif isinstance(n, cst.Call):
                q = ctx.legacy_name(n.func)
                if q == ESTIMATOR:
                    p = ctx.parent(n)
                    if not (isinstance(p, cst.Assign) and len(p.targets) == 1
                            and isinstance(p.targets[0].target, cst.Name)):
                        return
                    estimators.append((p.targets[0].target.value, n))
                elif q == SPEC:
                    specs.append(n)
        if not estimators:
            return
        for name, c in estimators:
            if why_args(ctx, ESTIMATOR, c):
                return
            for n in names.get(name, ()):
                p = ctx.parent(n)
                if isinstance(p, cst.AssignTarget):
                    continue
                if not (isinstance(p, cst.Attribute) and p.value is n and p.attr.value in _METHODS):
                    return
                m = ctx.parent(p)
                if not (isinstance(m, cst.Call) and m.func is p):
                    return
                try:
                    b = BoundArgs(m, _METHODS[p.attr.value])
                except Unbindable:
                    return
                if any(b.given(k) and literal(b.node(k), 0) is not None
                       for k in ("hooks", "saving_listeners", "checkpoint_path", "name") if k in b.params):
                    return
        # minimize calls feeding a spec's train_op
        for s in specs:
            try:
                b = BoundArgs(s, _SIGS[SPEC])
            except Unbindable:
                return
            if not b.given("train_op"):
                continue
            t = b.node("train_op")
            m = _minimize_of(ctx, t, names)
            if m is None:
                return
            self.minimize.add(id(m))
        self.ok = True


def _minimize_of(ctx, t, names) -> cst.Call | None:
    """``t`` (a spec's train_op) is ``opt.minimize(loss[, global_step=<the global step>])`` or a name
    bound once in the same function to one."""
    if isinstance(t, cst.Name):
        binders = []
        for n in names.get(t.value, ()):
            p = ctx.parent(n)
            if isinstance(p, cst.AssignTarget):
                binders.append(ctx.parent(p))
        if len(binders) != 1:
            return None
        t = binders[0].value
    if not (isinstance(t, cst.Call) and isinstance(t.func, cst.Attribute) and t.func.attr.value == "minimize"):
        return None
    try:
        b = BoundArgs(t, "loss, global_step=None, var_list=None")
    except Unbindable:
        return None
    if b.given("var_list"):
        return None
    if b.given("global_step"):
        g = b.node("global_step")
        if not (isinstance(g, cst.Call) and not g.args and ctx.legacy_name(g.func) in GLOBAL_STEP):
            return None
    return t


def why_args(ctx, q: str, c: cst.Call) -> str | None:
    try:
        b = BoundArgs(c, _SIGS[q])
    except Unbindable as ex:
        return str(ex)
    for k in b.nodes:
        if k not in _KEEP[q] and literal(b.node(k), 0) is not None:
            return f"{k}= is not translated"
    if q in INPUT_FN:
        if not b.given("shuffle"):
            return "shuffle= not given (TF1 raised)"
        if b.given("num_threads") and literal(b.node("num_threads"), None) != 1:
            return "num_threads= other than 1"
    return None
