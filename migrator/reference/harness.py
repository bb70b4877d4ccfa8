"""The harness: train one model file in its runtime (a subprocess of its own), evaluate it.

A *variant* is one model file in one runtime:

* ``legacy``   - reference_models/legacy/<cause>.py in the legacy runtime (TF1 graph mode,
  tf-keras, tflearn; migrator/legacy/shim.py);
* ``faithful`` - the migrator's ``--no-fixes`` output, in Keras 3;
* ``fixed``    - the migrator's output with ``--unsafe-fixes`` (every FIX rule applied: the safe
  ones, which apply by default, and the unsafe ones - rescaling TFM301, class weights TFM302,
  learning rate TFM303, keep_prob TFM304 - which change data or hyperparameters and apply only
  on request), in Keras 3; each reference model is one known collapse cause and the suite
  measures whether its cure works, so it asks for every cure (``MIGRATE_FLAGS``);
* ``expected_faithful`` / ``expected_fixed`` - hand-written Keras 3 targets
  (reference_models/expected/{faithful,fixed}/), NOT migrator output: they show what the
  migrator should reach and that each cause and cure behave as claimed on the data.

Every variant sees the same data file (one ``.npz`` written once per run) and the same seed.
The worker (migrator/reference/worker.py) calls the model's ``train(data, epochs=, seed=)``
and saves what it returns; this module turns that into metrics and a verdict
(migrator/reference/metrics.py). A migrated file that still holds TODO markers or legacy
imports is reported ``not runnable`` with the reason instead of being run.
"""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import metrics

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "reference_models"
LEGACY_DIR = MODELS / "legacy"
EXPECTED_DIR = MODELS / "expected"
VARIANTS = ("legacy", "faithful", "fixed", "expected_faithful", "expected_fixed")
TODO_MARK = "TODO(tflearn-migrate)"
# The migrator's flags for each migrated variant (scripts/regen_reference_models.py uses the same).
# each migrated model reads (and runs) on its own: its helpers written into it
MIGRATE_FLAGS = {"faithful": ("--no-fixes", "--helpers", "inline"), "fixed": ("--unsafe-fixes", "--helpers", "inline")}


def fix_rules() -> dict[str, list[str]]:
    """The FIX rules by applicability: {"safe": [...], "unsafe": [...]} (stated in results)."""
    from ..rules import all_rules

    out: dict[str, list[str]] = {"safe": [], "unsafe": []}
    for r in all_rules():
        if r.APPLICABILITY is not None:
            out[r.APPLICABILITY.value].append(r.ID)
    return out


_LEGACY_IMPORT = re.compile(r"^\s*(import|from)\s+(tflearn|tensorflow)\b", re.M)


@dataclass
class VariantResult:
    model: str
    variant: str
    path: str
    kind: str
    status: str = "ok"              # ok | error | not_runnable | skipped
    reason: str = ""
    runtime: str = ""               # legacy | keras
    metrics: dict = field(default_factory=dict)
    collapsed: bool | None = None
    reasons: list = field(default_factory=list)
    headline: float | None = None
    loss: list = field(default_factory=list)
    epoch_time: list = field(default_factory=list)
    epoch_time_median: float | None = None
    wall_s: float = 0.0
    info: dict = field(default_factory=dict)
    arrays: dict = field(default_factory=dict, repr=False)   # not written to JSON

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("arrays", None)
        return d


def model_names(directory: Path = LEGACY_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.py") if not p.name.startswith("_"))


def model_attr(path: str | Path, name: str, default: Any = None) -> Any:
    """A module-level constant (``KIND``, ``EPOCHS``...) read from source, without importing it."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return default
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return default
    return default


def runnable(path: str | Path) -> tuple[bool, str]:
    """Can a migrated file run on Keras 3 alone? (No TODO markers, no legacy imports, a train().)"""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as ex:
        return False, f"cannot read: {ex}"
    try:
        tree = ast.parse(text)
    except SyntaxError as ex:
        return False, f"does not parse: {ex}"
    todos = text.count(TODO_MARK)
    if todos:
        return False, f"{todos} TODO marker(s) left by the migrator"
    m = _LEGACY_IMPORT.search(text)
    if m:
        return False, f"still imports {m.group(2)}"
    if not any(isinstance(n, ast.FunctionDef) and n.name == "train" for n in tree.body):
        return False, "no train() function"
    return True, ""


def _env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYTHONUNBUFFERED"] = "1"  # epoch lines reach the progress bar as they happen
    env.pop("TF_USE_LEGACY_KERAS", None)  # the legacy worker sets it itself; Keras 3 must not see it
    if extra:
        env.update(extra)
    return env


def run_variant(model: str, variant: str, path: str | Path, data_path: str | Path, workdir: str | Path, *,
                epochs: int | None = None, seed: int = 0, kind: str | None = None,
                data: dict | None = None, env: dict | None = None, timeout: float = 1800,
                log=None) -> VariantResult:
    """Train ``path`` in the runtime of ``variant`` in a subprocess and evaluate its outputs."""
    path = Path(path)
    kind = kind or model_attr(path, "KIND", "siamese")
    runtime = "legacy" if variant == "legacy" else "keras"
    res = VariantResult(model=model, variant=variant, path=str(path), kind=kind, runtime=runtime)
    if not path.exists():
        res.status, res.reason = "skipped", "file not present"
        return res
    if runtime == "keras":
        ok, why = runnable(path)
        if not ok:
            res.status, res.reason = "not_runnable", why
            return res
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    prefix = workdir / f"{model}.{variant}.s{seed}"
    cmd = [sys.executable, "-m", "migrator.reference.worker", "--runtime", runtime, "--model", str(path),
           "--data", str(data_path), "--out", str(prefix), "--seed", str(seed)]
    if epochs is not None:
        cmd += ["--epochs", str(epochs)]
    t0 = time.time()
    total = epochs if epochs is not None else model_attr(path, "EPOCHS", None)
    try:
        code, output = _stream(cmd, _env(env), total, f"{model} {variant}", timeout)
    except subprocess.TimeoutExpired:
        res.status, res.reason = "error", f"timed out after {timeout:.0f}s"
        return res
    res.wall_s = round(time.time() - t0, 3)
    (workdir / f"{model}.{variant}.s{seed}.log").write_text(output)
    if code != 0:
        res.status, res.reason = "error", error_line(output, code)
        return res
    with open(str(prefix) + ".json") as f:
        out = json.load(f)
    with np.load(str(prefix) + ".npz") as z:
        arrays = {k: z[k] for k in z.files}
    res.info = out.get("info", {})
    res.loss = [float(x) for x in out["result"].get("loss", [])]
    res.epoch_time = [round(float(x), 4) for x in out["result"].get("epoch_time", [])]
    if res.epoch_time:
        res.epoch_time_median = round(float(np.median(res.epoch_time)), 4)
    res.arrays = arrays
    if data is None:
        with np.load(str(data_path)) as z:
            data = {k: z[k] for k in ("pair_test_y", "y_test")}
    try:
        res.metrics = evaluate(kind, arrays, data)
    except Exception as ex:  # a model returning the wrong arrays is a model bug: report it
        res.status, res.reason = "error", f"cannot evaluate outputs: {ex}"
        return res
    res.collapsed, res.reasons = metrics.verdict(kind, res.metrics)
    res.headline = metrics.headline(kind, res.metrics)
    if log:
        log(f"  {model:18} {variant:9} {describe(res)}")
    return res


_ERROR_LINE = re.compile(r"^([\w.]*(?:Error|Exception|Exit)): (.{20,})$")


def error_line(output: str, code: int) -> str:
    """The most informative line of a failed run: the last ``SomeError: message`` line with a
    real message (TF follows its error with a bare "Graph execution error:"), else the last line."""
    lines = [ln.rstrip() for ln in output.strip().splitlines() if ln.strip()]
    errors = [m for m in (_ERROR_LINE.match(ln) for ln in lines)
              if m and not m.group(2).startswith("Graph execution error")]
    if errors:
        m = errors[-1]
        return f"{m.group(1).rsplit('.', 1)[-1]}: {m.group(2)}"[:300]
    return (lines[-1] if lines else f"exit {code}")[:300]


_EPOCH_LINE = re.compile(r"^\s*epoch\s+(\d+)", re.I)


def _stream(cmd: list[str], env: dict, total: int | None, desc: str, timeout: float) -> tuple[int, str]:
    """Run the worker, echo its epochs on a progress bar (stderr, only on a terminal), return
    (exit code, combined output). Legacy models print ``epoch N ...``; Keras prints ``Epoch N/M``."""
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is in the reference extra
        tqdm = None
    bar = tqdm(total=total, desc=desc, unit="epoch", leave=False, disable=None) if tqdm else None
    lines: list[str] = []
    deadline = time.time() + timeout
    proc = subprocess.Popen(cmd, env=env, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)
    try:
        for line in proc.stdout:
            lines.append(line)
            m = _EPOCH_LINE.match(line)
            if bar is not None and m and int(m.group(1)) > bar.n:
                bar.update(int(m.group(1)) - bar.n)
            if time.time() > deadline:
                proc.kill()
                raise subprocess.TimeoutExpired(cmd, timeout)
        code = proc.wait(timeout=max(1.0, deadline - time.time()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    finally:
        if bar is not None:
            bar.close()
    return code, "".join(lines)


def evaluate(kind: str, arrays: dict, data: dict) -> dict:
    if kind == "siamese":
        for k in ("emb_a", "emb_b", "emb"):
            if k not in arrays:
                raise KeyError(f"train() must return {k!r} for a Siamese model")
        return metrics.siamese_metrics(arrays["emb_a"], arrays["emb_b"], data["pair_test_y"], arrays["emb"])
    if "probs" not in arrays:
        raise KeyError("train() must return 'probs' for a classifier")
    return metrics.classifier_metrics(arrays["probs"], data["y_test"])


def describe(r: VariantResult) -> str:
    if r.status != "ok":
        return f"{r.status}: {r.reason}"
    name = "pair AUC" if r.kind == "siamese" else "balanced acc"
    verdict = "COLLAPSED (" + "; ".join(r.reasons) + ")" if r.collapsed else "healthy"
    return f"{name} {r.headline:.3f}  {verdict}  [{r.epoch_time_median or 0:.2f}s/epoch]"
