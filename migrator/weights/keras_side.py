"""The migrated Keras 3 model: find it in a program, list its weighted layers, load a plan.

Imports Keras 3 - never import this module in a legacy-runtime process.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import runpy
import sys
from pathlib import Path

import numpy as np

from .mapping import KLayer, Plan


class Captured(BaseException):
    """Raised by the patched ``fit``/``train_on_batch`` to stop the program at its first
    training call (BaseException: the program's own ``except Exception`` does not eat it)."""

    def __init__(self, model, args=(), kwargs=None):
        super().__init__("captured")
        self.model, self.args, self.kwargs = model, args, kwargs or {}


_TRAIN_METHODS = ("fit", "train_on_batch")


class _Patched:
    """Within the block, ``keras.Model.fit`` / ``train_on_batch`` raise :class:`Captured`
    (``mode='capture'``) or do nothing (``mode='skip'``)."""

    def __init__(self, mode: str = "capture"):
        self.mode = mode
        self.saved = {}

    def __enter__(self):
        import keras

        for m in _TRAIN_METHODS:
            self.saved[m] = getattr(keras.Model, m)

            def fake(model, *args, _m=m, **kwargs):
                if self.mode == "capture":
                    raise Captured(model, args, kwargs)
                return None

            setattr(keras.Model, m, fake)
        return self

    def __exit__(self, *exc):
        import keras

        for m, f in self.saved.items():
            setattr(keras.Model, m, f)
        return False


def _is_model(x) -> bool:
    import keras

    return isinstance(x, keras.Model)


def _find_model(value):
    if _is_model(value):
        return value
    if isinstance(value, (tuple, list)):
        for v in value:
            if _is_model(v):
                return v
    if isinstance(value, dict):
        for v in value.values():
            if _is_model(v):
                return v
    return None


def capture_from_script(script: str | os.PathLike, argv: list[str] | None = None, call: str = ""):
    """Run a migrated script until its first ``fit``/``train_on_batch`` -> (model, args, kwargs).
    ``call``: then call that function of the script with the reference data (``train(data)``).
    A script that never trains: its last module-level ``keras.Model`` (args empty)."""
    script = str(Path(script).resolve())
    old_argv, old_path = sys.argv, list(sys.path)
    sys.argv = [script] + list(argv or [])
    sys.path.insert(0, os.path.dirname(script))
    try:
        with _Patched("capture"):
            g = runpy.run_path(script, run_name="__main__")
            if call and callable(g.get(call)):
                from .probe_legacy import reference_data

                g[call](reference_data())
    except Captured as c:
        return c.model, c.args, c.kwargs
    finally:
        sys.argv, sys.path[:] = old_argv, old_path
    models = [v for v in g.values() if _is_model(v)]
    if not models:
        raise LookupError(f"{script}: no keras.Model was trained or left at module level")
    return models[-1], (), {}


def load_model(spec: str):
    """``path/to/module.py:builder`` / ``package.module:builder`` (builder: a function that
    returns the model, or a module-level model) or ``script.py`` (captured at its first
    training call). Importing a module for its builder skips the module's own training calls."""
    target, _, attr = spec.rpartition(":") if ":" in spec and not os.path.exists(spec) else (spec, "", "")
    if not attr:
        return capture_from_script(target)[0]
    if target.endswith(".py") or os.path.sep in target:
        path = Path(target).resolve()
        sys.path.insert(0, str(path.parent))
        mspec = importlib.util.spec_from_file_location(f"_migrated_{path.stem}", path)
        module = importlib.util.module_from_spec(mspec)
        with _Patched("skip"):
            mspec.loader.exec_module(module)
    else:
        with _Patched("skip"):
            module = importlib.import_module(target)
    obj = getattr(module, attr)
    model = _find_model(obj)
    if model is None and callable(obj):
        with _Patched("skip"):
            model = _find_model(obj())
    if model is None:
        raise LookupError(f"{spec}: did not produce a keras.Model")
    return model


def weighted_layers(model) -> list:
    """Layers that own weights, in creation order, each shared layer once (nested models
    and a shared Siamese encoder are walked into). A layer whose weights are all an earlier
    layer's (two keras.layers.RNN wrapping ONE cell object: TF1's cell run twice) is that
    layer's weights again: not listed twice."""
    out, seen, owned = [], set(), set()

    def walk(layer):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        subs = getattr(layer, "layers", None)
        if isinstance(subs, (list, tuple)):
            for s in subs:
                walk(s)
        elif layer.weights:
            ids = {id(w) for w in layer.weights}
            if ids <= owned:
                # one cell run both ways (a backward cell list that is the forward one): TF1 made
                # its variables under ``fw``, so the FORWARD layer stands for them, whichever
                # the functional graph lists first
                k = next((i for i, o in enumerate(out) if {id(w) for w in o.weights} == ids), None)
                if k is not None and getattr(out[k], "go_backwards", False) \
                        and getattr(layer, "go_backwards", None) is False:
                    out[k] = layer
                return
            owned.update(ids)
            out.append(layer)

    walk(model)
    return out


def klayers(model) -> list[KLayer]:
    out = []
    for layer in weighted_layers(model):
        ws = layer.weights
        out.append(KLayer(layer.name, type(layer).__name__, [w.name for w in ws],
                          [tuple(int(d) for d in w.shape) for w in ws], layer))
    return out


def apply(plan: Plan, values: list[list[np.ndarray]] | None = None) -> None:
    """Load the plan's arrays (or ``values`` in the same layout) into the layers."""
    plan.check()
    arrays = values if values is not None else [a.arrays for a in plan.assignments]
    for a, arrs in zip(plan.assignments, arrays):
        a.klayer.layer.set_weights([np.asarray(x, dtype=np.asarray(w).dtype)
                                    for x, w in zip(arrs, a.klayer.layer.get_weights())])


def _weighted(layer) -> bool:
    """Counted in a position's depth (as the legacy probe counts MatMul / Conv / Gather ops
    reading a variable): a layer with a kernel or an embedding table."""
    return any(w.name.rsplit("/", 1)[-1].split(":")[0] in ("kernel", "embeddings", "depthwise_kernel")
               for w in getattr(layer, "weights", []))


def positions(model, input_names: list[str]) -> dict[str, frozenset]:
    """{layer name: frozenset of (sorted legacy placeholder names, depth)} over every call of each
    weighted layer in the functional graph of ``model`` (nested functional models walked into
    with their callers' positions); ``input_names[j]``: the legacy placeholder model input j
    takes. Depth: layers with a kernel on the longest path from the inputs, this one included
    (``structure.py``). {} when the model is not a functional graph (a subclassed model)."""
    out: dict[str, set] = {}
    ins = getattr(model, "inputs", None)
    outs = getattr(model, "outputs", None)
    if not ins or not outs or len(ins) != len(input_names):
        return {}
    try:
        _trace(model, [(frozenset([n]), 0) for n in input_names], out)
    except Exception:  # noqa: BLE001 - an unexpected graph: no positions, the names decide alone
        return {}
    return {k: frozenset(v) for k, v in out.items()}


def _trace(model, in_pos: list, out: dict) -> list:
    """Positions of ``model``'s outputs given its inputs' positions; records each weighted layer
    call's position in ``out``."""
    memo: dict[int, tuple] = {id(t): p for t, p in zip(model.inputs, in_pos)}

    def pos(t):
        if id(t) in memo:
            return memo[id(t)]
        hist = getattr(t, "_keras_history", None)
        if hist is None:
            return (frozenset(), 0)
        op, node_index, tensor_index = hist
        node = op._inbound_nodes[node_index]
        args = [pos(x) for x in node.input_tensors]
        if getattr(op, "inputs", None) is not None and getattr(op, "outputs", None) is not None \
                and hasattr(op, "layers"):
            res = _trace(op, args, out)          # a nested functional model
            for x, r in zip(node.output_tensors, res):
                memo[id(x)] = r
            return memo.get(id(t), (frozenset(), 0))
        deps = frozenset().union(*(a[0] for a in args)) if args else frozenset()
        depth = max((a[1] for a in args), default=0) + (1 if _weighted(op) else 0)
        if getattr(op, "weights", None):
            out.setdefault(op.name, set()).add((tuple(sorted(deps)), depth))
        for x in node.output_tensors:
            memo[id(x)] = (deps, depth)
        return memo[id(t)]

    import sys

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20000))
    try:
        return [pos(t) for t in model.outputs]
    finally:
        sys.setrecursionlimit(old)
