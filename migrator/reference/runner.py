"""Subprocess entry point of ``compare SCRIPT.py``: run one unmodified script, instrumented.

    python -m migrator.reference.runner --runtime legacy|keras --script S.py --out PREFIX
        [--cwd DIR] [--steps N] [--time-limit S] [--no-monitor]

``legacy`` installs the legacy shim (migrator/legacy/shim.py) and the TF1/tflearn hooks
(hooks_legacy.py); ``keras`` the Keras 3 hooks (hooks_keras.py). Then the script runs as
``__main__`` (as ``runpy.run_path`` would run it, with its globals kept for the label search)
with ``sys.argv = [script]``, its directory first on ``sys.path`` and ``--cwd`` as the working
directory. Whatever happens - the script ends, fails, is stopped at the step cap - the
captures are analysed (capture.analyze) and written: ``PREFIX.json`` (steps, analysis,
notes, the error if any) and ``PREFIX.npz`` (the predicted arrays and labels, for the plots).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import types


def _clean(o):
    import math

    import numpy as np

    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, np.generic):
        o = o.item()
    if isinstance(o, float) and (math.isnan(o) or math.isinf(o)):
        return None if math.isnan(o) else ("inf" if o > 0 else "-inf")
    return o


_NOISE = ("Graph execution error", "Detected at node", "Node: ", "Traceback", "File ", "Original stack trace")


def error_reason(err: BaseException) -> str:
    """``Type: message`` with the message's informative line (TF puts "Graph execution error:"
    and a stack of node definitions before the cause)."""
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    useful = [ln for ln in lines if not ln.startswith(_NOISE) and not ln.startswith("[[")]
    msg = useful[0] if useful else (lines[0] if lines else "")
    return f"{type(err).__name__}: {msg}"[:400]


def run_script(path: str, argv: list[str]) -> tuple[dict, BaseException | None]:
    """Execute ``path`` as ``__main__``; return its globals and the exception that ended it."""
    path = os.path.abspath(path)
    with open(path, "rb") as f:
        code = compile(f.read(), path, "exec")
    mod = types.ModuleType("__main__")
    mod.__file__ = path
    mod.__builtins__ = __builtins__
    saved_main, saved_argv = sys.modules.get("__main__"), sys.argv
    sys.modules["__main__"] = mod
    sys.argv = [path] + list(argv)
    sys.path.insert(0, os.path.dirname(path))  # as `python path` does: its directory's modules import
    err = None
    try:
        exec(code, mod.__dict__)
    except SystemExit as ex:
        if ex.code not in (None, 0):
            err = ex
    except BaseException as ex:  # noqa: BLE001 - reported, not swallowed
        err = ex
    finally:
        sys.argv = saved_argv
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
    return mod.__dict__, err


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m migrator.reference.runner")
    p.add_argument("--runtime", choices=("legacy", "keras"), required=True)
    p.add_argument("--script", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--cwd")
    p.add_argument("--steps", type=int)
    p.add_argument("--time-limit", type=float)
    p.add_argument("--no-monitor", action="store_true")
    args = p.parse_args(argv)

    t0 = time.time()
    if args.runtime == "legacy":
        from migrator.legacy.shim import install

        install()
    import numpy as np

    from . import capture

    rec = capture.Recorder(max_steps=args.steps, time_limit=args.time_limit)
    script = os.path.abspath(args.script)
    info = {"runtime": args.runtime}
    if args.runtime == "legacy":
        from . import hooks_legacy

        hooks_legacy.install(rec, script)
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
        info["backend"] = "tensorflow (TF1 graph mode)"
    else:
        from . import hooks_keras

        hooks_keras.install(rec, script, monitor=not args.no_monitor)
        import keras

        info["keras"] = keras.__version__
        info["backend"] = keras.backend.backend()
    info["setup_s"] = round(time.time() - t0, 3)
    if args.cwd:
        os.chdir(args.cwd)
    if args.cwd:   # the original script's directory: its sibling modules and data files
        sys.path.insert(0, os.path.abspath(args.cwd))
    sys.path.insert(0, os.path.dirname(script))
    t1 = time.time()
    g, err = run_script(script, [])
    info["script_s"] = round(time.time() - t1, 3)
    sys.stdout.flush()
    status, reason = "ok", ""
    if isinstance(err, capture.StepLimit):
        rec.notes.append("script stopped at the step cap")
    elif err is not None:
        status = "error"
        reason = error_reason(err)
        traceback.print_exception(type(err), err, err.__traceback__, file=sys.stderr)
    rec.script_globals = g
    final = rec.final()
    try:
        analysis = capture.analyze(final, rec.resolve)
    except Exception as ex:  # an analysis bug must not hide the run
        traceback.print_exc()
        analysis = {"analyses": [], "collapsed": None, "reasons": [], "warnings": [],
                    "error": f"{type(ex).__name__}: {ex}"}
    arrays = {}
    preds = []
    for i, grp in enumerate(final):
        for j, (name, out) in enumerate(zip(grp["names"], grp["outputs"])):
            arrays[f"pred{i}_{j}"] = np.asarray(out)
        if grp["labels"] is not None:
            arrays[f"labels{i}"] = np.asarray(grp["labels"])
        preds.append({"index": i, "source": grp["source"], "site": grp["site"], "names": grp["names"],
                      "shapes": [list(np.shape(o)) for o in grp["outputs"]], "batches": grp["batches"],
                      "passes": grp["passes"], "after_step": grp["after_step"],
                      "labels": grp["labels"] is not None, "label_source": grp["label_source"]})
    # the arrays each analysis is drawn from, for the plots
    for k, a in enumerate(analysis.get("analyses", [])):
        for name, arr in (a.pop("_plot", None) or {}).items():
            arrays[f"a{k}_{name}"] = np.asarray(arr)
    np.savez(args.out + ".npz", **arrays)
    doc = {"status": status, "reason": reason, "info": info, "steps": rec.steps, "skipped_steps": rec.skipped,
           "cap": rec.cap_reason, "predictions": preds, "analysis": analysis, "monitor": rec.monitor,
           "notes": rec.notes, "sources": sorted(rec.sources)}
    with open(args.out + ".json", "w") as f:
        json.dump(_clean(doc), f, default=float)
    return 0 if status == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
