"""Keras side of ``verify`` (Keras 3 process of its own):

    python -m migrator.weights.probe_keras LEGACY_DIR --check MIGRATED OUT.json [--check ...]
                                           [--no-step] [--model SPEC]

Captures the migrated model at its first ``fit``/``train_on_batch`` (or ``--model
MODULE:BUILDER``), loads the legacy variables dumped by ``probe_legacy`` through the
matching plan (refusing partial loads), runs the same inputs in inference mode
(``training=False``) and ONE ``train_on_batch`` on the same batch with the model's own
compiled optimizer and loss, with dropout disabled as on the legacy side. Writes the
differences per output and per weight to OUT.json. Several ``--check`` pairs (variants of
one migrated program against one legacy dump) share this process.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np



def _weights_only(t) -> bool:
    """The Keras tensor ``t`` is computed from TF1Variable layers' outputs alone (the model's
    weights, no input data: each such layer is placed on a graph tensor only to sit in the graph)."""
    seen: set[int] = set()

    def walk(x) -> bool:
        hist = getattr(x, "_keras_history", None)
        if hist is None:
            return True  # a constant
        op = hist.operation
        if type(op).__name__ == "TF1Variable":
            return True
        nodes = getattr(op, "_inbound_nodes", None) or []
        if hist.node_index >= len(nodes) or type(op).__name__ == "InputLayer":
            return False
        ins = list(nodes[hist.node_index].input_tensors)
        if id(x) in seen:
            return True
        seen.add(id(x))
        return bool(ins) and all(walk(i) for i in ins)

    return walk(t)

def diff(a, b) -> dict:
    """``a``: migrated, ``b``: legacy. ``max_abs`` = max |a-b|; ``max_rel`` = max |a-b| / max |b|;
    ``rel`` = ||a-b|| / ||b|| (2-norm over the whole tensor: the relative error of the tensor,
    not dominated by a single element whose Adam update amplified float cancellation)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        if a.size == b.size:
            a = a.reshape(b.shape)
        else:
            inf = float("inf")
            return {"shape": [list(a.shape), list(b.shape)], "max_abs": inf, "max_rel": inf, "rel": inf}
    # NaN (or the same infinity) in both at the same place is the same value (a mean over an empty
    # sequence: 0 / 0 in both programs); the rest is compared as numbers
    same = (np.isnan(a) & np.isnan(b)) | (np.isinf(a) & (a == b))
    nans = int(np.sum(same))
    if nans and nans == a.size:
        nan = float("nan")  # nothing but NaN on both sides: nothing compared
        return {"shape": list(b.shape), "max_abs": nan, "max_rel": nan, "rel": nan, "same_nonfinite": nans}
    if nans:
        a, b = np.where(same, 0.0, a), np.where(same, 0.0, b)
    d = float(np.max(np.abs(a - b))) if a.size else 0.0
    scale = float(np.max(np.abs(b))) if b.size else 0.0
    with np.errstate(invalid="ignore"):  # inf / inf (an infinity on one side only): NaN, a failure
        rel = float(np.linalg.norm(a - b) / max(float(np.linalg.norm(b)), 1e-30)) if a.size else 0.0
    out = {"shape": list(b.shape), "max_abs": d, "max_rel": d / max(scale, 1e-12), "rel": rel}
    if nans:
        out["same_nonfinite"] = nans
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="probe_keras")
    ap.add_argument("legacy_dir", nargs="?")
    ap.add_argument("--check", nargs=2, action="append", default=[], metavar=("MIGRATED", "OUT"),
                    help="a migrated program against LEGACY_DIR")
    ap.add_argument("--pair", nargs=3, action="append", default=[], metavar=("MIGRATED", "LEGACY_DIR", "OUT"),
                    help="a migrated program against its own legacy dump")
    ap.add_argument("--no-step", action="store_true")
    ap.add_argument("--model", help="MODULE:BUILDER instead of capturing MIGRATED's first fit")
    ap.add_argument("--call", default="", help="call this function with the reference data")
    args = ap.parse_args(argv)
    os.environ.pop("TF_USE_LEGACY_KERAS", None)

    import keras

    from .keras_side import capture_from_script, load_model

    keras.layers.Dropout.call = lambda self, inputs, training=None: inputs   # as on the legacy side
    # the migrator's dropout helpers (TF1DropoutWrapper: TF1's DropoutWrapper, tf.nn.dropout inside)
    keras.random.dropout = lambda inputs, rate, noise_shape=None, seed=None: inputs
    jobs = [(m, args.legacy_dir, o) for m, o in args.check] + [tuple(p) for p in args.pair]
    rc = 0
    for migrated, legacy_dir, out in jobs:
        keras.utils.clear_session()
        if os.path.exists(os.path.join(legacy_dir, "error.txt")):
            err = open(os.path.join(legacy_dir, "error.txt")).read()
            json.dump({"error": f"legacy side failed: {err}"}, open(out, "w"), indent=1)
            rc = 1
            continue
        meta = json.load(open(os.path.join(legacy_dir, "legacy.json")))
        arr = np.load(os.path.join(legacy_dir, "legacy.npz"))
        try:
            model = load_model(args.model) if args.model else capture_from_script(migrated, call=args.call)[0]
        except Exception as ex:  # noqa: BLE001 - report it as this check's failure
            res = {"error": f"the migrated program failed before its first training call: "
                            f"{type(ex).__name__}: {ex}"}
            json.dump(res, open(out, "w"), indent=1)
            rc = 1
            continue
        rc = max(rc, _check(model, meta, arr, out, args.no_step))
    return rc


def _check(model, meta, arr, out, no_step) -> int:
    import keras

    from .keras_side import apply, klayers
    from .mapping import MappingError, plan
    from .naming import LegacyVar, LegacyVars

    _augmentation_off(model)
    lv = LegacyVars([LegacyVar(v["name"], arr[f"before_{i}"], v["trainable"], v["index"], v["layer"])
                     for i, v in enumerate(meta["vars"])], order_known=True, source="legacy graph")
    res: dict = {"mapping": [], "forward": [], "step": [], "backend": keras.backend.backend()}
    auto = bool(meta.get("auto_outputs"))
    n_leg = len(meta["inputs"])
    idx, tgt = list(range(n_leg)), []
    if auto:
        # raw TF1 without output names: Keras inputs <- fed placeholders by order and shape,
        # the other fed placeholders are the targets of the training step
        free = list(range(n_leg))
        idx = []
        for t in model.inputs:
            shp = [None if d is None else int(d) for d in t.shape[1:]]
            j = next((j for j in free if list(meta["input_shapes"][j]) == shp), None)
            if j is None:
                res["error"] = f"no fed legacy placeholder of shape {shp} for Keras input {t.name}"
                json.dump(res, open(out, "w"), indent=1)
                return 1
            idx.append(j)
            free.remove(j)
        tgt = free
    # unnamed TF1 variables (``Variable_3``): placed by where the legacy graph reads them
    uses = {v["name"]: v["uses"] for v in meta["vars"] if v.get("uses")}
    pos = {}
    if uses:
        from .keras_side import positions

        pos = positions(model, [meta["inputs"][j] for j in idx])
    p = plan(lv, klayers(model), uses=uses, positions=pos)
    # a legacy variable no Keras weight takes and the TF1 loss has no gradient for (``conv3 =
    # conv2d(pool2)`` computed and never used): Keras' functional model holds no such layer; an
    # output that did read it would still differ in the forward comparison
    dead = {v["name"] for v in meta["vars"] if v.get("no_gradient")}
    live_unused = [v for v in p.unused if v.name not in dead]
    if dead and live_unused:
        # a dead layer of the same shape as a live one (``fc2 = dropout(fc1)`` leaves fc2's weights
        # unread; fc3 is (64, 64) too): matched by order it took the live one's Keras layer. The
        # Keras model holds no layer for it: map without the dead variables, when that maps more
        import re as _re

        p2 = plan(lv, klayers(model), [f"^{_re.escape(n)}$" for n in dead], uses=uses, positions=pos)
        if not p2.unmapped and len([v for v in p2.unused if v.name not in dead]) < len(live_unused):
            p = p2
    other = {v["name"] for v in meta["vars"] if v.get("other_train_op")}
    for v in [v for v in p.unused if v.name in dead]:
        p.unused.remove(v)
        p.ignored.append((v, "trainable, but only another train op than the probed step's updates it (the step's "
                             "loss does not read it; no compared Keras output holds it)" if v.name in other else
                             "trainable, but TF1 computed no gradient for it (a layer whose output nothing reads)"))
    res["mapping"] = p.lines()
    try:
        apply(p)
    except MappingError as ex:
        res["error"] = str(ex)
        json.dump(res, open(out, "w"), indent=1)
        return 1
    x = [arr[f"in_{j}"] for j in idx]
    y = model(x if len(x) > 1 else x[0], training=False)
    ys = [keras.ops.convert_to_numpy(k) for k in (y if isinstance(y, (list, tuple)) else [y])]
    if auto:
        # an output that is a TF1 variable's value (a TF1Variable layer's output: the program's
        # loss reads the weight itself, ``beta * tf.nn.l2_loss(W1)``): no legacy tensor computed
        # from the inputs is it; it is compared with the legacy variable it was set from
        legacy_of = {id(a.klayer.layer): a for a in p.assignments}
        by_name = {v["name"]: i for i, v in enumerate(meta["vars"])}
        for j, k in enumerate(ys):
            hist = getattr(model.outputs[j], "_keras_history", None)
            a = legacy_of.get(id(hist.operation)) if hist is not None and \
                type(hist.operation).__name__ == "TF1Variable" else None
            if a is not None and len(a.legacy) == 1 and a.legacy[0] in by_name:
                res["forward"].append({"output": f"output {j} ~ legacy variable {a.legacy[0]}",
                                       **diff(k, arr[f"before_{by_name[a.legacy[0]]}"])})
                continue
            if not np.issubdtype(k.dtype, np.floating):
                # an integer output (a size read with tf.shape that the loss reads - an episode's
                # number of ways): no float legacy tensor to compare; the step checks its use
                continue
            cands = [i for i, name in enumerate(meta["outputs"])
                     if tuple(arr[f"out_{i}"].shape) == tuple(k.shape)
                     and meta["output_deps"][i] and set(meta["output_deps"][i]) <= set(idx)]
            if not cands and _weights_only(model.outputs[j]):
                # a value of the weights alone (``l2_loss += tf.nn.l2_loss(W)``, given to the loss
                # as an output): the legacy probe fetches no such tensor (it reads no placeholder);
                # the weights are set from the legacy ones and the step compares its use
                res.setdefault("weights_only", []).append(j)
                continue
            if not cands:
                res["error"] = f"no legacy tensor of shape {tuple(k.shape)} computed from the same inputs"
                continue
            def rank(i):  # NaN sorts nowhere: an output non-finite on both sides before one on a side only
                d = diff(k, arr[f"out_{i}"])
                return (0, d["max_abs"]) if d["max_abs"] == d["max_abs"] else (1 if d.get("same_nonfinite") else 2, 0)

            best = min(cands, key=rank)
            res["forward"].append({"output": f"output {j} ~ legacy {meta['outputs'][best]}",
                                   **diff(k, arr[f"out_{best}"])})
    else:
        if len(ys) != len(meta["outputs"]):
            res["error"] = f"the migrated model has {len(ys)} outputs, the legacy graph {len(meta['outputs'])}"
        for i, (k, name) in enumerate(zip(ys, meta["outputs"])):
            res["forward"].append({"output": name, **diff(k, arr[f"out_{i}"])})
    if meta.get("step") and not no_step:
        tx = [arr[f"tx_{j}"] for j in idx]
        ty = [arr[f"tx_{j}"] for j in tgt] if auto else [arr[f"ty_{i}"] for i in range(len(meta["targets"]))]
        if getattr(model, "optimizer", None) is None or getattr(model, "loss", None) is None and not getattr(model, "compiled", False):
            res["error"] = "the migrated model is not compiled: no training step to compare"
        else:
            before = [[np.array(w) for w in a.klayer.layer.get_weights()] for a in p.assignments]
            calls = _norm_calls(model, tx if len(tx) > 1 else tx[0])
            kgrads = _capture_keras_gradients(model)
            # (no targets: a LossModel, whose labels are inputs and whose output is the loss)
            model.train_on_batch(tx if len(tx) > 1 else tx[0], (ty if len(ty) > 1 else ty[0]) if ty else None)
            after_legacy = p.convert({v["name"]: arr[f"after_{i}"] for i, v in enumerate(meta["vars"])})
            lgrads = _legacy_gradients(p, meta, arr)
            # the gradient scale of the whole model (verify.judge's noise floor): a layer whose
            # gradients are all far below it (a bias feeding batch norm; a last layer whose
            # output only enters a shift-invariant distance) carries no signal in this step
            model_scale = max((float(np.max(np.abs(x))) for row in (lgrads or []) for x in row
                               if x is not None and np.size(x)), default=0.0)
            for ai, (a, b0, want) in enumerate(zip(p.assignments, before, after_legacy)):
                got = a.klayer.layer.get_weights()
                for k, (wname, g, w, w0) in enumerate(zip(a.klayer.weight_names, got, want, b0)):
                    d = diff(g, w)
                    d["update_rel"] = diff(np.asarray(g) - w0, np.asarray(w) - w0)["rel"]
                    gk = kgrads.get(id(a.klayer.layer.weights[k]))
                    gl = lgrads[ai][k] if lgrads is not None else None
                    if gk is not None and gl is not None and np.shape(gk) == np.shape(gl):
                        layer_scale = max(float(np.max(np.abs(x))) if x is not None and np.size(x) else 0.0
                                          for x in lgrads[ai])
                        d.update(_noise_fields(g, w, gk, gl, model_scale))
                        d["layer_grad_scale"] = layer_scale
                        if d["rel"] > 1e-7:
                            # the Keras optimizer's step from the same weights fed the LEGACY
                            # gradient (verify.is_gradient_amplified)
                            r = _replay_step(model.optimizer, w0, gl, a.klayer.layer.weights[k])
                            if r is not None:
                                d["replay_rel"] = diff(r, w)["rel"]
                    if id(a.klayer.layer) in calls and wname.startswith("moving_"):
                        # a shared batch norm: one moving-statistic update per tower (verify.judge)
                        d["stat_calls"] = calls[id(a.klayer.layer)]
                        d["stat_momentum"] = float(a.klayer.layer.momentum)
                    res["step"].append({"weight": f"{a.klayer.name}/{wname}", **d})
    json.dump(res, open(out, "w"), indent=1)
    return 0


def _norm_calls(model, x) -> dict:
    """{id(layer): how many times one forward pass applies it} for the batch-norm layers (a
    shared encoder applies its batch norm once per tower): counted on a ``training=False``
    call, which moves no statistic."""
    import keras

    norms = [layer for layer in model._flatten_layers(include_self=False)
             if isinstance(layer, keras.layers.BatchNormalization)]
    counts = {id(layer): 0 for layer in norms}

    def counting(layer):
        orig = layer.call

        def call(*a, **k):
            counts[id(layer)] += 1
            return orig(*a, **k)
        return call

    for layer in norms:
        layer.call = counting(layer)
    try:
        model(x, training=False)
    except Exception:  # noqa: BLE001 - the count is advisory; verify then uses the strict bound
        counts = {}
    finally:
        for layer in norms:
            del layer.call
    return counts


def _capture_keras_gradients(model) -> dict:
    """{id(variable): gradient} of the next training step, as the update sees it (after the
    optimizer's clipping, like the legacy gradients, which tflearn clips before
    ``apply_gradients``): the step runs eagerly and the optimizer's
    ``_backend_apply_gradients`` (where every ``apply`` / ``apply_gradients`` / train_step
    ends) records its arguments first."""
    grads: dict = {}
    opt = model.optimizer
    name = "_backend_apply_gradients" if hasattr(opt, "_backend_apply_gradients") else "apply"
    orig = getattr(opt, name)

    def record(gradients, trainable_variables=None, *a, **k):
        tv = trainable_variables if trainable_variables is not None else opt._trainable_variables
        try:
            clipped = opt._clip_gradients(list(gradients)) if name != "apply" else list(gradients)
            for g, v in zip(clipped, tv):
                if g is not None:
                    grads[id(v)] = np.asarray(g)
        except Exception:  # noqa: BLE001 - symbolic tensors (not eager): no capture
            grads.clear()
        return orig(gradients, trainable_variables, *a, **k)

    try:
        setattr(opt, name, record)
        model.run_eagerly = True
        model.train_function = None   # rebuilt for eager execution at the next step
    except Exception:  # noqa: BLE001 - the step is still compared, without gradients
        pass
    return grads


def _replay_step(opt, before, grad, var):
    """The weight after ONE step of a fresh copy of ``opt`` (same class and constants, no
    clipping: the legacy gradient is already clipped) from ``before`` fed ``grad``; None when
    the optimizer cannot be copied. Every element is updated on its own (the optimizers of
    verify's programs are element-wise), so the weight is replayed alone."""
    import keras

    try:
        cfg = dict(opt.get_config())
        for k in ("clipnorm", "clipvalue", "global_clipnorm"):
            cfg[k] = None
        for k in ("use_ema", "loss_scale_factor", "gradient_accumulation_steps"):
            cfg.pop(k, None)
        fresh = type(opt).from_config(cfg)
        v = keras.Variable(np.asarray(before, dtype=var.dtype), dtype=var.dtype)
        fresh.apply_gradients([(keras.ops.convert_to_tensor(np.asarray(grad, dtype=var.dtype)), v)])
        return np.asarray(v)
    except Exception:  # noqa: BLE001 - no replay: verify keeps the other rules
        return None


def _legacy_gradients(p, meta, arr):
    """The legacy gradients (dumped by probe_legacy) in the Keras layout: the plan's
    conversion is affine (a layout change, maybe plus a constant such as a forget bias), so
    convert(before + g) - convert(before) is g moved into place. None when not dumped."""
    names = [v["name"] for v in meta["vars"]]
    have = set(meta.get("grads") or [])
    if not have:
        return None
    base = {n: arr[f"before_{i}"] for i, n in enumerate(names)}
    moved = {n: (arr[f"before_{i}"] + arr[f"grad_{i}"] if i in have else arr[f"before_{i}"])
             for i, n in enumerate(names)}
    b, m = p.convert(base), p.convert(moved)
    out = []
    for a, xs, ys in zip(p.assignments, b, m):
        row = []
        for k, (x, y) in enumerate(zip(xs, ys)):
            trainable = k < len(a.klayer.layer.weights) and a.klayer.layer.weights[k].trainable
            row.append(np.asarray(y, np.float64) - np.asarray(x, np.float64) if trainable else None)
        out.append(row)
    return out


def _noise_fields(got, want, gk, gl, scale: float) -> dict:
    """Per-weight numbers verify.judge needs to tell rounding noise from a real difference:
    ``grad_scale`` (largest |legacy gradient| of the model), ``grad_max`` (largest |gradient|
    of this weight, either side), ``grad_rel`` (||g_keras - g_legacy|| / scale), and, for the
    elements whose gradient is below NOISE_REL * scale on BOTH sides, ``rel_signal``: the
    relative error over the other elements only (same denominator as ``rel``)."""
    from .verify import NOISE_REL

    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    gk, gl = np.asarray(gk, np.float64), np.asarray(gl, np.float64)
    noise = (np.abs(gk) <= NOISE_REL * scale) & (np.abs(gl) <= NOISE_REL * scale)
    den = max(float(np.linalg.norm(want)), 1e-30)
    return {"grad_scale": scale, "grad_max": float(max(np.max(np.abs(gk)), np.max(np.abs(gl)))) if gk.size else 0.0,
            "grad_rel": float(np.max(np.abs(gk - gl)) / scale) if scale > 0 and gk.size else 0.0,
            "noise_elems": int(noise.sum()),
            "rel_signal": float(np.linalg.norm((got - want)[~noise]) / den) if got.size else 0.0}


def _augmentation_off(model) -> None:
    """Real-time augmentation layers (keras.layers.Random*, the migrator's TflearnRandom*
    helpers) become the identity, as on the legacy side: they are random, like dropout."""
    seen = set()
    stack = list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        stack.extend(getattr(layer, "layers", []) or [])
        cls = type(layer)
        if cls.__name__.startswith(("Random", "TflearnRandom")):
            cls.call = lambda self, inputs, training=None, **kw: inputs


if __name__ == "__main__":
    sys.exit(main())
