"""Instrumentation of the legacy runtime (TF1 graph mode + tflearn) for ``compare``: installed
by migrator/reference/runner.py after the legacy shim and before the user's script runs, in
the script's own subprocess. Nothing in the user's files changes; what is patched:

* ``Optimizer.compute_gradients`` / ``tf.gradients`` remember the loss being differentiated;
  ``Optimizer.apply_gradients`` (which ``minimize`` and tflearn's trainer call) registers the
  op it returns as a *train op* with that loss.
* ``BaseSession.run`` (every ``sess.run`` and ``Tensor.eval``/``Operation.run``): a run whose
  fetches depend on a train op is a training step - it is timed and the loss is fetched along
  (the script's own fetches are returned unchanged); any other run that fetches tensors
  computed from a fed placeholder through the model's variables is a prediction, recorded with
  its inputs; a placeholder fed next to them that does not reach the model's weights (the
  label placeholder) gives the labels.
* tflearn ``DNN.fit`` / ``evaluate`` link their X to their Y (and ``validation_set``);
  ``DNN.predict`` / ``predict_label`` are recorded as predictions of their X.
"""
from __future__ import annotations

import sys
import time

from .capture import Recorder, StepLimit

_VAR_OPS = {"VariableV2", "Variable", "VarHandleOp", "ReadVariableOp", "ResourceGather"}
_WALK_LIMIT = 200_000


def _is_weight(t) -> bool:
    op = t.op
    if op.type in _VAR_OPS:
        return True
    return op.type == "Identity" and len(op.inputs) > 0 and op.inputs[0].op.type in _VAR_OPS


def _ancestors(ops) -> set:
    seen, stack = set(), list(ops)
    while stack and len(seen) < _WALK_LIMIT:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return seen


def _reaches_weights(ph_op, scope: set) -> bool:
    """Does the placeholder's value flow (within ``scope``) into an op that also reads a weight?"""
    seen, stack = set(), [ph_op]
    while stack and len(seen) < _WALK_LIMIT:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op is not ph_op and any(_is_weight(t) for t in op.inputs):
            return True
        for out in op.outputs:
            stack.extend(c for c in out.consumers() if c in scope)
    return False


def _towers(out_op, fed: dict) -> list | None:
    """The two embeddings a two-input output is computed from: for each fed input, the tensor
    that depends on it alone (through the model's weights) and is consumed where the inputs
    meet (``left - right``, a concat, ...). None when the graph has no such pair."""
    dep: dict = {}
    weighted: dict = {}
    order, stack, seen = [], [(out_op, False)], set()
    while stack:  # post-order over the ancestors (data inputs only)
        op, done = stack.pop()
        if done:
            order.append(op)
            continue
        if op in seen:
            continue
        seen.add(op)
        stack.append((op, True))
        stack.extend((t.op, False) for t in op.inputs if t.op not in seen)
    for op in order:
        d = {op} if op in fed else set()
        w = op.type in _VAR_OPS
        for t in op.inputs:
            d |= dep.get(t.op, set())
            w = w or weighted.get(t.op, False)
        dep[op], weighted[op] = frozenset(d), w
    cands: dict = {}
    for op in order:
        if len(dep[op]) < 2:
            continue
        for t in op.inputs:
            src = dep.get(t.op, frozenset())
            if len(src) == 1 and weighted.get(t.op) and t.op not in fed and t.shape.rank is not None \
                    and t.shape.rank >= 2 and t.dtype.is_floating:
                cands.setdefault(next(iter(src)), set()).add(t)
    if len(cands) != 2 or any(len(c) != 1 for c in cands.values()):
        return None
    (a,), (b,) = (cands[k] for k in sorted(cands, key=lambda o: o.name))
    if a.shape.as_list()[1:] != b.shape.as_list()[1:]:
        return None
    return [a, b]


class _Site:
    def __init__(self, script: str):
        import os

        self.script = os.path.abspath(script)
        self.base = os.path.basename(script)

    def __call__(self) -> str:
        f = sys._getframe(1)
        while f is not None:
            if f.f_code.co_filename == self.script:
                return f"{self.base}:{f.f_lineno}"
            f = f.f_back
        return "?"


def install(rec: Recorder, script: str) -> None:
    import numpy as np
    import tensorflow as tf  # the shim's TF1 view
    from tensorflow.python.client import session as tf_session
    from tensorflow.python.framework import ops as tf_ops
    from tensorflow.python.framework import tensor as tf_tensor
    from tensorflow.python.training import optimizer as tf_optimizer
    from tensorflow.python.util import nest

    site = _Site(script)

    def _note(msg):
        if msg not in rec.notes:
            rec.notes.append(msg)

    state = {"loss": {}, "train_ops": {}, "cache": {}, "last": {}, "quiet": 0, "fit": 0, "towers_only": 0}

    # -- train ops and their losses -------------------------------------------------------
    def remember_loss(loss):
        try:
            t = loss[0] if isinstance(loss, (list, tuple)) and len(loss) == 1 else loss
            if isinstance(t, tf_tensor.Tensor) and t.shape.rank == 0:
                state["loss"][id(t.graph)] = t
        except Exception:  # pragma: no cover - never break the script
            pass

    orig_cg = tf_optimizer.Optimizer.compute_gradients

    def compute_gradients(self, loss, *a, **k):
        if not callable(loss):
            remember_loss(loss)
        return orig_cg(self, loss, *a, **k)

    orig_ag = tf_optimizer.Optimizer.apply_gradients

    def apply_gradients(self, *a, **k):
        op = orig_ag(self, *a, **k)
        try:
            state["train_ops"][op] = state["loss"].get(id(op.graph))
        except Exception:  # pragma: no cover
            pass
        return op

    tf_optimizer.Optimizer.compute_gradients = compute_gradients
    tf_optimizer.Optimizer.apply_gradients = apply_gradients
    v1_modules = {id(m): m for m in (tf.compat.v1, sys.modules.get("tensorflow.compat.v1")) if m is not None}
    for m in v1_modules.values():
        orig_grad = m.gradients

        def gradients(ys, *a, __orig=orig_grad, **k):
            remember_loss(ys)
            return __orig(ys, *a, **k)

        m.gradients = gradients

    # -- Session.run ------------------------------------------------------------------------
    def classify(graph, flat, feed_dict):
        feed_names = tuple(sorted(getattr(k, "name", str(k)) for k in (feed_dict or {})))
        elems = []
        for f in flat:
            try:
                elems.append(graph.as_graph_element(f, allow_tensor=True, allow_operation=True))
            except Exception:
                elems.append(None)
        key = (id(graph), tuple(getattr(e, "name", None) for e in elems), feed_names)
        info = state["cache"].get(key)
        if info is not None:
            return key, info
        ops = [e.op if isinstance(e, tf_tensor.Tensor) else e for e in elems if e is not None]
        info = {"train": False, "loss": None, "preds": [], "inputs": set(), "labels": set()}
        anc = _ancestors([o for o in ops if isinstance(o, tf_ops.Operation)])
        for op, loss in state["train_ops"].items():
            if op in anc:
                info["train"], info["loss"] = True, loss
                break
        fed = {}
        for k in feed_dict or {}:
            try:
                t = graph.as_graph_element(k)
                fed[t.op] = t.name
            except Exception:
                continue
        info["towers"] = None
        if not info["train"]:
            for i, e in enumerate(elems):
                if not isinstance(e, tf_tensor.Tensor) or not (e.dtype.is_floating or e.dtype.is_integer) \
                        or e.shape.rank == 0:
                    continue
                a = _ancestors([e.op])
                phs = {fed[o] for o in a if o in fed}
                if phs and any(o.type in _VAR_OPS for o in a):
                    info["preds"].append((i, e.name))
                    info["inputs"] |= phs
            # the towers of a two-input prediction - or of a scalar evaluation (a test loss or
            # accuracy run), so a script that only prints its test loss still shows its pairs
            heads = [elems[i] for i, _ in info["preds"][:1]] or \
                [e for e in elems if isinstance(e, tf_tensor.Tensor) and e.dtype.is_floating and e.shape.rank == 0][:1]
            for e in heads:
                try:
                    info["towers"] = _towers(e.op, fed)
                except Exception:  # pragma: no cover - an odd graph: no tower capture
                    info["towers"] = None
            scope = anc
            for op, name in fed.items():
                if name in info["inputs"]:
                    continue
                if op in scope and _reaches_weights(op, scope):
                    info["inputs"].add(name)
                else:
                    info["labels"].add(name)
        state["cache"][key] = info
        return key, info

    orig_run = tf_session.BaseSession.run

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if state["quiet"] and not state["towers_only"]:
            return orig_run(self, fetches, feed_dict, options, run_metadata)
        try:
            flat = nest.flatten(fetches)
            key, info = classify(self.graph, flat, feed_dict)
        except Exception as ex:  # pragma: no cover - never break the script
            _note(f"Session.run not classified: {type(ex).__name__}: {ex}")
            return orig_run(self, fetches, feed_dict, options, run_metadata)
        if info["train"]:
            if rec.capped():
                if state["fit"]:
                    raise StepLimit(rec.cap_reason)
                if key in state["last"]:
                    rec.skip()
                    return state["last"][key]
                raise StepLimit(rec.cap_reason)
            loss = info["loss"]
            t0 = time.perf_counter()
            if loss is not None:
                res, lv = orig_run(self, (fetches, loss), feed_dict, options, run_metadata)
            else:
                res, lv = orig_run(self, fetches, feed_dict, options, run_metadata), None
            rec.step(lv, time.perf_counter() - t0, "tflearn trainer" if state["fit"] else "Session.run(train op)")
            state["last"][key] = res
            return res
        towers = info.get("towers")
        if towers:
            res, tv = orig_run(self, (fetches, towers), feed_dict, options, run_metadata)
        else:
            res, tv = orig_run(self, fetches, feed_dict, options, run_metadata), None
        try:
            record(key, info, flat, res, feed_dict, tv)
        except Exception as ex:  # pragma: no cover - never break the script
            rec.notes.append(f"capture failed: {type(ex).__name__}: {ex}")
        return res

    def record(key, info, flat, res, feed_dict, tower_values=None):
        by_name = {}
        for k, v in (feed_dict or {}).items():
            by_name[getattr(k, "name", str(k))] = v
        inputs = [by_name[n] for n in sorted(info["inputs"]) if n in by_name]
        labels = [(n, by_name[n]) for n in sorted(info["labels"]) if n in by_name and np.ndim(by_name[n]) >= 1]
        n_in = {len(np.asarray(x)) for x in inputs if np.ndim(x) >= 1}
        labels = [(n, v) for n, v in labels if len(np.asarray(v)) in n_in]
        lab, lsrc = (labels[0][1], f"feed of placeholder '{labels[0][0]}'") if len(labels) == 1 else (None, "")
        if lab is not None and inputs:
            rec.link(inputs, lab, lsrc)
        if info["preds"] and not state["towers_only"]:
            flat_res = nest.flatten(res)
            rec.predict("Session.run", site(), [n for _, n in info["preds"]],
                        [flat_res[i] for i, _ in info["preds"]], inputs, lab, lsrc)
        if tower_values is not None:
            rec.predict("tower outputs", site(), [f"tower({t.name})" for t in info["towers"]],
                        list(tower_values), inputs, lab, lsrc)

    tf_session.BaseSession.run = run

    # -- tflearn ------------------------------------------------------------------------------
    try:
        import tflearn  # noqa: F401
        from tflearn.helpers.trainer import Trainer
        from tflearn.models.dnn import DNN
    except Exception:  # pragma: no cover - tflearn is part of the legacy runtime
        return

    def as_list(x):
        if isinstance(x, dict):
            return [x[k] for k in sorted(x, key=str)]
        return list(x) if isinstance(x, (list, tuple)) else [x]

    def one(y):
        ys = as_list(y)
        return ys[0] if len(ys) == 1 else None

    orig_fit = DNN.fit

    def fit(self, X_inputs, Y_targets, *a, **k):
        rec.link(as_list(X_inputs), one(Y_targets), "y given to DNN.fit")
        vs = k.get("validation_set", a[1] if len(a) > 1 else None)
        if isinstance(vs, (list, tuple)) and len(vs) == 2:
            rec.link(as_list(vs[0]), one(vs[1]), "validation_set of DNN.fit")
        return orig_fit(self, X_inputs, Y_targets, *a, **k)

    orig_tfit = Trainer.fit

    def trainer_fit(self, *a, **k):   # DNN.fit and scripts that drive tflearn's Trainer
        if rec.capped():
            rec.notes.append("tflearn Trainer.fit skipped: training already stopped at the cap")
            return None
        state["fit"] += 1
        try:
            return orig_tfit(self, *a, **k)
        except StepLimit:
            rec.notes.append("tflearn Trainer.fit ended at the cap")
            return None
        finally:
            state["fit"] -= 1

    orig_eval = DNN.evaluate

    def evaluate(self, X, Y, *a, **k):
        rec.link(as_list(X), one(Y), "y given to DNN.evaluate")
        state["quiet"] += 1
        try:
            return orig_eval(self, X, Y, *a, **k)
        finally:
            state["quiet"] -= 1

    def wrap_predict(name):
        orig = getattr(DNN, name)

        def predict(self, X, *a, **k):
            state["quiet"] += 1
            state["towers_only"] += 1   # the session level adds the towers' embeddings only
            try:
                out = orig(self, X, *a, **k)
            finally:
                state["quiet"] -= 1
                state["towers_only"] -= 1
            try:
                rec.predict(f"DNN.{name}", site(), ["output"], [np.asarray(out)], as_list(X))
            except Exception as ex:  # pragma: no cover
                rec.notes.append(f"capture failed: {type(ex).__name__}: {ex}")
            return out

        setattr(DNN, name, predict)

    DNN.fit, DNN.evaluate, Trainer.fit = fit, evaluate, trainer_fit
    wrap_predict("predict")
    wrap_predict("predict_label")
