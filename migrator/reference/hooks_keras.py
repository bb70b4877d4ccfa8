"""Instrumentation of the Keras 3 runtime for ``compare``: installed by
migrator/reference/runner.py before the migrated script runs, in its own subprocess. What is
patched (on ``keras.Model``, so every functional, sequential and subclassed model):

* ``fit``: links x to y (and ``validation_data``); adds a callback that records every batch's
  loss (Keras logs the running mean of the epoch, weighted by batch size: the batch's own loss
  is recovered from two consecutive means) and time, and stops training at the cap; adds a
  :class:`migrator.monitor.CollapseMonitor` on the validation data (or, without any, on the
  first rows of the training data - said so in the results) whose checks are recorded.
* ``train_on_batch``: one training step (loss, time; skipped after the cap).
* ``predict`` / ``predict_on_batch`` / calling a model on arrays: predictions of their inputs.
* ``evaluate``: links x to y.
"""
from __future__ import annotations

import collections
import inspect
import math
import time

from .capture import Recorder, StepLimit, rows
from .hooks_legacy import _Site

MONITOR_ROWS = 512


def _as_list(x):
    if isinstance(x, dict):
        return [x[k] for k in sorted(x, key=str)]
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _names(model, outs) -> list[str]:
    base = getattr(model, "name", "model")
    return [f"{base} output {i}" for i in range(len(outs))] if len(outs) > 1 else [f"{base} output"]


def _arrays(x) -> bool:
    import numpy as np

    xs = _as_list(x)
    return bool(xs) and all(isinstance(a, np.ndarray) for a in xs)


def _towers(model):
    """For a functional model with two or more inputs: the two tensors that each depend on one
    input alone (through weights) and meet in the layer that joins them - the towers'
    embeddings (``encoder(x1)``, ``encoder(x2)``). None when there is no such pair."""
    import keras

    inputs = list(getattr(model, "inputs", None) or [])
    outputs = list(getattr(model, "outputs", None) or [])
    if len(inputs) < 2 or not outputs:
        return None
    in_ids = {id(t): i for i, t in enumerate(inputs)}
    dep, weighted, cands = {}, {}, {}

    def parents(t):
        hist = getattr(t, "_keras_history", None)
        if hist is None:
            return None, []
        op, node_index = hist[0], hist[1]
        try:
            node = op._inbound_nodes[node_index]
        except (AttributeError, IndexError):
            return op, []
        return op, list(keras.tree.flatten(node.arguments.keras_tensors if hasattr(node, "arguments")
                                           else node.input_tensors))

    def visit(t, depth=0):
        if id(t) in dep:
            return dep[id(t)], weighted[id(t)]
        if id(t) in in_ids:
            dep[id(t)], weighted[id(t)] = frozenset([in_ids[id(t)]]), False
            return dep[id(t)], False
        if depth > 500:
            raise RecursionError
        op, ins = parents(t)
        d, w = frozenset(), bool(op is not None and getattr(op, "weights", None))
        results = [(x, *visit(x, depth + 1)) for x in ins]
        for _, dx, wx in results:
            d, w = d | dx, w or wx
        if len(d) >= 2:
            for x, dx, wx in results:
                if len(dx) == 1 and wx and len(getattr(x, "shape", ())) >= 2:
                    cands.setdefault(next(iter(dx)), {})[id(x)] = x
        dep[id(t)], weighted[id(t)] = d, w
        return d, w

    for o in outputs:
        visit(o)
    if len(cands) != 2 or any(len(c) != 1 for c in cands.values()):
        return None
    a, b = (next(iter(cands[k].values())) for k in sorted(cands))
    if tuple(a.shape[1:]) != tuple(b.shape[1:]):
        return None
    return keras.Model(inputs, [a, b])


def install(rec: Recorder, script: str, monitor: bool = True) -> None:
    import keras
    import numpy as np

    site = _Site(script)
    state = {"quiet": 0, "last": {}, "towers": {}}
    M = keras.Model
    orig_predict = M.predict

    def one(y):
        ys = _as_list(y)
        return ys[0] if len(ys) == 1 else None

    class _Steps(keras.callbacks.Callback):
        def __init__(self, n, batch_size):
            super().__init__()
            self.n, self.bs = n, batch_size

        def on_epoch_begin(self, epoch, logs=None):
            self.seen, self.prev = 0, 0.0

        def on_train_batch_begin(self, batch, logs=None):
            self.t0 = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            dt = time.perf_counter() - self.t0
            mean = (logs or {}).get("loss")
            loss = None
            if mean is not None:
                mean = float(np.asarray(mean))
                size = min(self.bs, self.n - batch * self.bs) if self.n and self.bs else 1
                size = max(size, 1)
                seen = self.seen + size
                loss = (mean * seen - self.prev * self.seen) / size
                self.seen, self.prev = seen, mean
            rec.step(loss, dt, "keras fit")
            if rec.capped():
                self.model.stop_training = True

    orig_fit = M.fit

    fit_sig = inspect.signature(orig_fit)

    def fit(self, *args, **kwargs):
        try:   # every argument by name, however the script passed it
            bound = fit_sig.bind(self, *args, **kwargs)
        except TypeError:
            return orig_fit(self, *args, **kwargs)
        k = dict(bound.arguments)
        k.pop("self", None)
        k.update(k.pop("kwargs", {}) or {})
        x, y = k.pop("x", None), k.pop("y", None)
        if _arrays(x) and y is not None:
            rec.link(_as_list(x), one(y), "y given to Model.fit")
        vd = k.get("validation_data")
        if isinstance(vd, (list, tuple)) and len(vd) >= 2 and _arrays(vd[0]):
            rec.link(_as_list(vd[0]), one(vd[1]), "validation_data of Model.fit")
        if rec.capped():
            rec.notes.append("Model.fit skipped: training already stopped at the cap")
            hist = keras.callbacks.History()   # what a script reads from it still reads
            last = next((s["loss"] for s in reversed(rec.steps) if s["loss"] is not None), float("nan"))
            hist.history = collections.defaultdict(lambda: [float("nan")], loss=[last])
            hist.epoch = []
            return hist
        cbs = list(k.pop("callbacks", None) or [])
        n = rows(_as_list(x)[0]) if _arrays(x) else None
        bs = k.get("batch_size") or (32 if n else None)
        vs = k.get("validation_split") or 0.0
        if n and vs:
            n = int(math.ceil(n * (1.0 - vs)))
        cbs.append(_Steps(n, bs))
        if monitor:
            mon = _monitor(x, y, vd, n)
            if mon is not None:
                cbs.append(mon)
        state["quiet"] += 1
        try:
            return orig_fit(self, x, y, callbacks=cbs, **k)
        finally:
            state["quiet"] -= 1

    def _monitor(x, y, vd, n):
        from migrator.monitor import CollapseMonitor

        if isinstance(vd, (list, tuple)) and len(vd) >= 2 and _arrays(vd[0]):
            hx, hy, what = vd[0], one(vd[1]), "validation_data"
        elif _arrays(x):
            m = min(MONITOR_ROWS, n or MONITOR_ROWS)
            hx = [a[:m] for a in _as_list(x)] if isinstance(x, (list, tuple, dict)) else x[:m]
            hy = None if one(y) is None else np.asarray(one(y))[:m]
            what = f"first {m} training rows (no validation data given)"
        else:
            rec.notes.append("CollapseMonitor not used: fit was given no arrays")
            return None

        def on_check(entry, res):
            rec.monitor.append({**entry, "data": what, "site": fit_site})

        fit_site = site()
        try:
            return CollapseMonitor(hx, hy, action="warn", verbose=0, on_check=on_check)
        except Exception as ex:  # pragma: no cover
            rec.notes.append(f"CollapseMonitor not used: {type(ex).__name__}: {ex}")
            return None

    orig_tob = M.train_on_batch

    def train_on_batch(self, x=None, y=None, *a, **k):
        key = id(self)
        if rec.capped():
            if key in state["last"]:
                rec.skip()
                return state["last"][key]
            raise StepLimit(rec.cap_reason)
        state["quiet"] += 1
        t0 = time.perf_counter()
        try:
            out = orig_tob(self, x, y, *a, **k)
        finally:
            state["quiet"] -= 1
        dt = time.perf_counter() - t0
        loss = out[0] if isinstance(out, (list, tuple)) else (out.get("loss") if isinstance(out, dict) else out)
        rec.step(loss, dt, "Model.train_on_batch")
        state["last"][key] = out
        return out

    orig_eval = M.evaluate

    def evaluate(self, x=None, y=None, *a, **k):
        if _arrays(x) and y is not None:
            rec.link(_as_list(x), one(y), "y given to Model.evaluate")
        state["quiet"] += 1
        try:
            return orig_eval(self, x, y, *a, **k)
        finally:
            state["quiet"] -= 1

    def wrap(name):
        orig = getattr(M, name)

        def predict(self, x, *a, **k):
            state["quiet"] += 1
            try:
                out = orig(self, x, *a, **k)
            finally:
                state["quiet"] -= 1
            if not state["quiet"] and _arrays(x):
                outs = _as_list(out)
                try:
                    names = _names(self, outs)
                    rec.predict(f"Model.{name}", site(), names,
                                [np.asarray(keras.ops.convert_to_numpy(o)) for o in outs], _as_list(x))
                    tower_capture(self, x)
                except Exception as ex:  # pragma: no cover
                    rec.notes.append(f"capture failed: {type(ex).__name__}: {ex}")
            return out

        setattr(M, name, predict)

    def tower_capture(model, x):
        xs = _as_list(x)
        if len(xs) < 2:
            return
        key = id(model)
        if key not in state["towers"]:
            try:
                state["towers"][key] = _towers(model)
            except Exception as ex:  # pragma: no cover - an odd model: no tower capture
                rec.notes.append(f"tower outputs not found: {type(ex).__name__}: {ex}")
                state["towers"][key] = None
        tm = state["towers"][key]
        if tm is None:
            return
        state["quiet"] += 1
        try:
            ea, eb = orig_predict(tm, x, verbose=0)
        finally:
            state["quiet"] -= 1
        rec.predict("tower outputs", site(), [f"tower({model.name} input {i})" for i in (0, 1)],
                    [np.asarray(ea), np.asarray(eb)], xs)

    orig_call = M.__call__

    def call(self, *args, **kwargs):
        x = args[0] if args else kwargs.get("inputs")
        if state["quiet"] or not _arrays(x):
            return orig_call(self, *args, **kwargs)
        state["quiet"] += 1
        try:
            out = orig_call(self, *args, **kwargs)
        finally:
            state["quiet"] -= 1
        try:
            outs = _as_list(out)
            names = _names(self, outs)
            rec.predict("Model.__call__", site(), names,
                        [np.asarray(keras.ops.convert_to_numpy(o)) for o in outs], _as_list(x))
            tower_capture(self, x)
        except Exception as ex:  # pragma: no cover
            rec.notes.append(f"capture failed: {type(ex).__name__}: {ex}")
        return out

    M.fit, M.train_on_batch, M.evaluate, M.__call__ = fit, train_on_batch, evaluate, call
    wrap("predict")
    wrap("predict_on_batch")
