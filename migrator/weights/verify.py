"""``tflearn-migrate verify``: prove that the migrated program computes the legacy function.

    tflearn-migrate verify LEGACY.py [--migrated MIGRATED.py | --model MODULE:BUILDER]
                           [--batch 8] [--seed 0] [--atol 1e-5] [--rtol 1e-5] [--no-step]
                           [--outputs T1,T2] [--call FUNC] [--json FILE] [--keep DIR]

1. LEGACY.py runs in the legacy runtime (``probe_legacy``) up to its first training call;
   its variables, its outputs on fixed random inputs (inference mode) and its variables
   after ONE training step on a fixed batch are dumped.
2. The migrated program (``--migrated``; default: LEGACY.py migrated now in faithful mode,
   ``--no-fixes``) runs in a Keras 3 process (``probe_keras``) up to its first
   ``fit``/``train_on_batch``; the legacy variables are loaded through the weight mapping
   (partial loads refused), the same inputs and the same training batch are used. Variables
   are mapped by their names; TF1's made-up names (``Variable_3``: unnamed ``tf.Variable`` s)
   by where the legacy graph reads them, matched to where the Keras layers are called
   (``structure.py``; two equally placed candidates are reported, never guessed).
3. Pass when every output agrees within ``--atol`` (max absolute difference) and every
   weight after the step within ``--rtol`` (relative error ||migrated - legacy|| / ||legacy||,
   2-norm over the tensor). Not the element-wise maximum: Adam's first step is
   ``lr * g / (|g| + eps')``, so a single weight whose gradient is a near-cancelling sum (its
   float error relatively large) moves by a visibly different amount on the two sides
   although both compute the same function; the max abs difference is reported as well.
   Weights whose gradient is rounding noise (a bias feeding batch norm: true gradient 0) are
   judged on their gradients, which both probes dump: see ``is_rounding_noise``.

Dropout is the identity on both sides (so the training step is deterministic); a dropout
rate is therefore NOT checked by verify. This process imports neither TensorFlow nor Keras.
Exit: 0 equivalent, 1 a difference (or the model could not be matched), 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# rounding-noise gradients (see judge): an element whose gradient is at most NOISE_REL times
# the largest gradient of the model, on both sides, is noise when the whole weight's gradients
# agree within GRAD_RTOL of that scale
NOISE_REL = 1e-4
GRAD_RTOL = 1e-4


def _env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.pop("TF_USE_LEGACY_KERAS", None)
    e.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    e.setdefault("KERAS_BACKEND", "tensorflow")
    # one thread: the same run gives the same numbers (multi-threaded
    # reductions reorder float sums, and Adam's first step amplifies that for tiny gradients)
    for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
        e.setdefault(k, "1")
    # TensorFlow's oneDNN kernels: on CPUs where they pick other algorithms for the TF1 graph and
    # for the Keras model (convolutions: seen on imironhead's towers), gradients differ by more than
    # the rounding verify tolerates and Adam's first step amplifies it: plain TF kernels on both sides
    e.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    return e


def migrate_faithful(legacy: Path, out_dir: Path) -> Path:
    """LEGACY.py migrated with fixes off (the faithful translation) -> its path."""
    from ..options import Options
    from ..runner import run

    res = run([legacy], mode="out", options=Options(fixes=False), out=out_dir, jobs=1, progress=False,
              force=True)
    outs = list(res.outputs.values())
    if not outs:
        raise RuntimeError(f"{legacy} could not be migrated")
    # plain helper modules next to the legacy script (``_data.py``: NumPy only) travel with it
    import shutil

    for helper in Path(legacy).parent.glob("_*.py"):
        target = Path(outs[0]).parent / helper.name
        text = helper.read_text(encoding="utf-8", errors="replace")
        if not target.exists() and "tensorflow" not in text and "tflearn" not in text:
            shutil.copyfile(helper, target)
    return Path(outs[0])


def verify(legacy: str | os.PathLike, migrated: str | os.PathLike | None = None, *, model: str | None = None,
           batch: int = 8, seed: int = 0, step: bool = True, outputs: str = "", call: str = "",
           workdir: str | os.PathLike | None = None, timeout: int = 600) -> dict:
    """Run both probes; -> the comparison (dict, see ``probe_keras``) plus ``legacy``/``migrated``
    paths and, on failure to run, ``error``."""
    return verify_many(legacy, [migrated], model=model, batch=batch, seed=seed, step=step,
                       outputs=outputs, call=call, workdir=workdir, timeout=timeout)[0]


def verify_many(legacy: str | os.PathLike, migrated: list, *, model: str | None = None,
                batch: int = 8, seed: int = 0, step: bool = True, outputs: str = "", call: str = "",
                workdir: str | os.PathLike | None = None, timeout: int = 600) -> list[dict]:
    """Several migrated variants (None: migrate LEGACY now, faithful) against ONE legacy run;
    the Keras side checks them all in one process."""
    legacy = Path(legacy).resolve()
    work = Path(workdir or tempfile.mkdtemp(prefix="tfm_verify_"))
    work.mkdir(parents=True, exist_ok=True)
    paths = [Path(m).resolve() if m is not None else migrate_faithful(legacy, work / "migrated")
             for m in migrated]
    results = []
    for m in paths:
        res = {"legacy": str(legacy), "migrated": str(m)}
        if "TODO(tflearn-migrate)" in m.read_text(encoding="utf-8"):
            res["todo"] = True
        results.append(res)
    dump = work / "legacy"
    cmd = [sys.executable, "-m", "migrator.weights.probe_legacy", str(legacy), str(dump),
           "--batch", str(batch), "--seed", str(seed)] + (["--no-step"] if not step else []) + (
        ["--outputs", outputs] if outputs else []) + (["--call", call] if call else [])
    p = subprocess.run(cmd, cwd=legacy.parent, env=_env(), capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        for res in results:
            res["error"] = f"legacy side failed (exit {p.returncode}): {p.stderr[-2000:]}"
        return results
    outs = [work / f"keras_{i}.json" for i in range(len(paths))]
    cmd = [sys.executable, "-m", "migrator.weights.probe_keras", str(dump)]
    for m, o in zip(paths, outs):
        o.unlink(missing_ok=True)
        cmd += ["--check", str(m), str(o)]
    cmd += (["--no-step"] if not step else []) + (["--model", model] if model else []) + (
        ["--call", call] if call else [])
    p = subprocess.run(cmd, cwd=paths[0].parent, env=_env(), capture_output=True, text=True, timeout=timeout)
    for res, o in zip(results, outs):
        if o.exists():
            res.update(json.loads(o.read_text()))
        else:
            res["error"] = f"migrated side failed (exit {p.returncode}): {p.stderr[-2000:]}"
    return results


_LEGACY_IMPORT = re.compile(r"^[ \t]*(import|from)[ \t]+(tensorflow|tflearn)\b", re.M)


def verify_pairs(pairs: list, *, batch: int = 8, seed: int = 0, step: bool = True, call: str = "",
                 workdir: str | os.PathLike | None = None, timeout: int = 600) -> list[dict]:
    """Several (legacy, migrated) programs: ONE legacy-runtime process probes every legacy
    program in turn, ONE Keras process checks every migrated one (two TF imports in all)."""
    work = Path(workdir or tempfile.mkdtemp(prefix="tfm_verify_"))
    work.mkdir(parents=True, exist_ok=True)
    pairs = [(Path(l).resolve(), Path(m).resolve()) for l, m in pairs]
    results = []
    skip: set[int] = set()
    for i, (leg, mig) in enumerate(pairs):
        res = {"legacy": str(leg), "migrated": str(mig)}
        text = mig.read_text(encoding="utf-8")
        if "TODO(tflearn-migrate)" in text:
            res["todo"] = True
        if _LEGACY_IMPORT.search(text):
            # a half-migrated program still importing TF1 / tflearn would switch the shared
            # Keras process to graph mode (the legacy shim) for every program after it
            res["error"] = "not run: the migrated program still imports tensorflow / tflearn"
            skip.add(i)
        results.append(res)
    legacies = list(dict.fromkeys(leg for leg, _ in pairs))      # each legacy program probed once
    dump_of = {leg: work / f"legacy_{i}" for i, leg in enumerate(legacies)}
    dumps = [dump_of[leg] for leg, _ in pairs]
    cmd = [sys.executable, "-m", "migrator.weights.probe_legacy", str(legacies[0]), str(dump_of[legacies[0]]),
           "--batch", str(batch), "--seed", str(seed)] + (["--no-step"] if not step else []) + (
        ["--call", call] if call else [])
    for leg in legacies[1:]:
        cmd += ["--also", str(leg), str(dump_of[leg])]
    p = subprocess.run(cmd, cwd=work, env=_env(), capture_output=True, text=True, timeout=timeout)
    outs = [work / f"keras_{i}.json" for i in range(len(pairs))]
    cmd = [sys.executable, "-m", "migrator.weights.probe_keras"] + (["--no-step"] if not step else []) + (
        ["--call", call] if call else [])
    for i, ((_, mig), d, o) in enumerate(zip(pairs, dumps, outs)):
        o.unlink(missing_ok=True)
        if i in skip:
            continue
        if not (d / "legacy.json").exists() and not (d / "error.txt").exists():
            d.mkdir(parents=True, exist_ok=True)
            (d / "error.txt").write_text(f"legacy process exit {p.returncode}: {p.stderr[-2000:]}")
        cmd += ["--pair", str(mig), str(d), str(o)]
    k = subprocess.run(cmd, cwd=work, env=_env(), capture_output=True, text=True, timeout=timeout)
    for i, (res, o) in enumerate(zip(results, outs)):
        if i in skip:
            continue
        if o.exists():
            res.update(json.loads(o.read_text()))
        else:
            res["error"] = f"migrated side failed (exit {k.returncode}): {k.stderr[-2000:]}"
    return results


def judge(res: dict, atol: float = 1e-5, rtol: float = 1e-5) -> tuple[bool, list[str]]:
    lines: list[str] = []
    ok = "error" not in res
    if "error" in res:
        lines.append(f"ERROR: {res['error']}")
    if not res.get("forward") and "error" not in res:
        ok = False
        lines.append("ERROR: no outputs compared")
    blind = 0
    for j in res.get("weights_only", []):
        lines.append(f"  --  output {j} is computed from the weights alone (set from TF1's): compared through the step")
    for f in res.get("forward", []):
        good = f["max_abs"] <= atol
        ok &= good
        if not good and f.get("same_nonfinite") and f["max_abs"] != f["max_abs"]:
            # NaN (or one infinity) in every element on both sides: the two programs agree that
            # this output is not a number, and nothing else about it can be compared
            blind += 1
            lines.append(f"  ??  output {f['output']:<32} shape {tuple(f['shape'])}  non-finite in every element on "
                         "both sides: not compared")
            continue
        lines.append(f"  {'ok  ' if good else 'FAIL'} output {f['output']:<32} shape {tuple(f['shape'])}  "
                     f"max abs {f['max_abs']:.3g}  max rel {f['max_rel']:.3g}")
    for s in res.get("step", []):
        good = s["rel"] <= rtol
        order = not good and is_update_order(s)
        noise = not good and not order and is_rounding_noise(s, rtol)
        amp = not good and not order and not noise and is_gradient_amplified(s, rtol)
        ok &= good or noise or order or amp
        lines.append(f"  {'ok  ' if good or noise or order or amp else 'FAIL'} after one step {s['weight']:<32} "
                     f"rel {s['rel']:.3g}  max abs {s['max_abs']:.3g}  (update rel {s['update_rel']:.3g})")
        if order:
            lines.append(f"       a moving statistic: its update agrees within {stat_order_bound(s):.3g} of itself (the "
                         "order in which TF1 ran the towers' UPDATE_OPS is not fixed"
                         + (f"; {s['stat_calls']} towers, momentum {s['stat_momentum']:g})"
                            if stat_order_bound(s) > STAT_ORDER_REL else ")"))
        if noise:
            lines.append(f"       rounding noise: {s['noise_elems']} element(s) with |gradient| <= {NOISE_REL:g} x the "
                         f"model's largest ({s['grad_max']:.2g} vs {s['grad_scale']:.2g}) on both sides, gradients "
                         f"agree to {s['grad_rel']:.2g} of it; the other elements: rel {s['rel_signal']:.3g}")
        elif amp:
            lines.append(f"       gradient amplified by the optimizer: the gradients agree to {s['grad_rel']:.2g} of the "
                         f"model's largest ({s['grad_scale']:.2g}; this weight's {s['grad_max']:.2g}), and the Keras "
                         f"optimizer's step fed the legacy gradient lands on the legacy weight (rel "
                         f"{s['replay_rel']:.3g})")
        elif not good and "rel_signal" in s:
            lines.append(f"       gradients: this weight's largest {s['grad_max']:.2g}, the model's {s['grad_scale']:.2g}, "
                         f"differ by {s['grad_rel']:.2g} of it; without the {s['noise_elems']} noise-level "
                         f"element(s): rel {s['rel_signal']:.3g}")
    # the only failures are outputs NaN on both sides everywhere: not proven, rather than different
    res["unproven"] = bool(blind) and not any(line.lstrip().startswith(("FAIL", "ERROR")) for line in lines)
    return ok, lines


STAT_ORDER_REL = 2e-3


def is_update_order(s: dict) -> bool:
    """A batch norm's moving statistic whose one-step UPDATE agrees within ``STAT_ORDER_REL``.

    A batch norm shared by several towers adds one update op per tower to UPDATE_OPS; TF1 runs
    them in no fixed order (each moves the statistic by ``1 - decay`` of its own batch's), Keras
    in call order, so the results differ by about ``(1 - decay) x towers`` of the update (a
    moving mean that starts at 0: 1.6e-4 of it with three towers and decay 0.999). A wrong
    decay changes the update by O(1) of itself, a missing Bessel correction of the moving
    variance (TF1's fused kernels) by ``1 / (n - 1)`` - caught for batches of up to ~500 values
    per channel (tests/test_verify_noise.py)."""
    name = s["weight"].rsplit("/", 1)[-1].split(":")[0]
    return name in ("moving_mean", "moving_variance") and s.get("update_rel", 1.0) <= stat_order_bound(s)


def stat_order_bound(s: dict) -> float:
    """How far a moving statistic's one-step update may move with the order of its updates.

    ``STAT_ORDER_REL`` in general. A moving MEAN updated by ``k >= 2`` towers (the probe counts
    the Keras layer's applications: ``stat_calls``) with momentum ``m``: each TF1 update op
    ``v -= (v - mean_i) * (1 - m)`` reads ``v`` when it runs - after 0 .. k-1 of the others -
    so any two orders differ by second-order terms, at most ``(k - 1) * (1 - m)`` of the
    update (tflearn's decay 0.9, three towers: 0.2; the measured spread, e_triplet_bn: 0.02).
    A wrong momentum changes the update by O(1) of itself and still fails; the moving
    VARIANCE keeps the strict bound (a missing Bessel correction is ``1 / (n - 1)`` of it)."""
    name = s["weight"].rsplit("/", 1)[-1].split(":")[0]
    k, m = s.get("stat_calls", 0), s.get("stat_momentum")
    if name != "moving_mean" or k < 2 or m is None:
        return STAT_ORDER_REL
    return max(STAT_ORDER_REL, (k - 1) * (1.0 - m))


def is_rounding_noise(s: dict, rtol: float = 1e-5) -> bool:
    """A weight whose one-step values differ only where its gradient is rounding noise.

    A weight with a true gradient of 0 (the bias of a conv/dense feeding batch norm: batch
    norm removes any per-channel shift; a whole last layer whose output only enters a
    shift-invariant distance of two towers) gets a float32 rounding residue instead (~1e-8
    against ~1e-2 for the model's largest gradient); Adam's first step
    ``lr * g / (|g| + eps)`` makes each side's residue an independent step of up to +-lr, so
    the weights after the step differ by O(lr) although both programs compute the same
    function. Such a weight passes when (both probes dumped the gradients of the step):

    * every element that differs beyond ``rtol`` has a gradient of at most ``NOISE_REL``
      times the largest gradient of the MODEL on BOTH sides (``rel_signal``: the relative
      error over the other elements is <= rtol), and
    * the gradients of the whole weight agree within ``GRAD_RTOL`` of that scale.

    The scale is the model's, not the layer's: a layer that is all residue (its largest
    gradient ~1e-7, stonekong's last conv + batch norm) has no scale of its own to be noise
    against. A real difference fails: a wrong constant or layer changes the gradients or the
    update of the elements that carry signal (tests/test_verify_noise.py's negative controls)."""
    if "rel_signal" not in s or not s.get("noise_elems") or not s.get("grad_scale"):
        return False
    return s["rel_signal"] <= rtol and s["grad_rel"] <= GRAD_RTOL


def is_gradient_amplified(s: dict, rtol: float = 1e-5) -> bool:
    """A weight whose one-step difference is its gradient's float32 rounding, magnified by the
    optimizer.

    Adam's first step is ``lr * g / (|g| + eps')`` (``eps' = eps / sqrt(1 - beta2)``, 3.2e-7
    for TF1's 1e-8): where ``|g|`` is a few ``eps'`` its slope is ``lr * eps' / (|g| + eps')^2``,
    ~1e4 x lr. A gradient that is a near-cancelling difference (the bias of a sigmoid unit on
    an L1 distance of two towers: 4.6e-6 against the model's 4.6e-4) carries a float32 error
    of ~1e-3 of ITSELF - but of ~1e-5 of the model's gradients, whose terms cancel in it -
    and the two sides' steps then differ by ~1e-4 of the weight. Not noise (``|g|`` is above
    ``NOISE_REL`` of the scale), so it is judged in two separate halves, each strict:

    * the FUNCTION: both gradients agree within ``GRAD_RTOL`` of the model's largest gradient
      (the same bound as ``is_rounding_noise``; a bias used differently changes its gradient
      by O(itself), 1e-2 of the scale here);
    * the OPTIMIZER: the probe replays the step on the Keras side from the same weights with a
      fresh copy of the Keras optimizer fed the LEGACY gradient (``replay_rel``); it must land
      on the legacy weight within ``rtol``, so a wrong learning rate, epsilon or beta - the
      constants this slope magnifies most - still fails (tests/test_verify_noise.py)."""
    if "replay_rel" not in s or not s.get("grad_scale"):
        return False
    return s["replay_rel"] <= rtol and s["grad_rel"] <= GRAD_RTOL


def verify_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="tflearn-migrate verify", description=__doc__.split("\n\n")[0])
    ap.add_argument("legacy", type=Path)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--migrated", type=Path, help="the migrated script (default: migrate LEGACY now, faithful mode)")
    ap.add_argument("--model", metavar="MODULE:BUILDER", help="take the migrated model from a builder")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--atol", type=float, default=1e-5, help="forward pass: max absolute difference")
    ap.add_argument("--rtol", type=float, default=1e-5,
                    help="after one step: max relative error (2-norm) per weight")
    ap.add_argument("--no-step", action="store_true", help="compare the forward pass only")
    ap.add_argument("--outputs", default="", help="raw TF1: legacy output tensor names (comma-separated)")
    ap.add_argument("--call", default="", metavar="FUNC",
                    help="call FUNC(data) of both programs with the reference data (reference models: train)")
    ap.add_argument("--json", type=Path, help="write the full comparison here")
    ap.add_argument("--keep", type=Path, help="keep the probes' files in this directory")
    args = ap.parse_args(argv)
    if not args.legacy.is_file():
        print(f"tflearn-migrate verify: {args.legacy}: no such file", file=sys.stderr)
        return 2
    if args.migrated is not None and not args.migrated.is_file():
        print(f"tflearn-migrate verify: {args.migrated}: no such file", file=sys.stderr)
        return 2
    res = verify(args.legacy, args.migrated, model=args.model, batch=args.batch, seed=args.seed,
                 step=not args.no_step, outputs=args.outputs, call=args.call, workdir=args.keep)
    ok, lines = judge(res, args.atol, args.rtol)
    print(f"verify {res['legacy']}\n    vs {res['migrated']}" + (" (has TODO markers)" if res.get("todo") else ""))
    if res.get("mapping"):
        print("weight mapping:")
        # (optimizer slots, counters: not shown; a model variable left out of the comparison is)
        print("\n".join(l for l in res["mapping"] if not l.lstrip().startswith("ignored")
                        or "only another train op" in l))
    print("\n".join(lines))
    verdict = "EQUIVALENT" if ok else "NOT PROVEN" if res.get("unproven") else "DIFFERENT"
    print(f"{verdict} (forward atol {args.atol:g}, step rtol {args.rtol:g})")
    if args.json:
        res["ok"] = ok
        args.json.write_text(json.dumps(res, indent=1))
    return 0 if ok else 1
