"""``run_pair``: a fixture run under the legacy runtime (TF1 / tflearn, its own subprocess) and
its migration run under Keras 3, each printing ``RESULT <json>``; returns (migrated, legacy)
results for the slow tests that compare them number by number."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]


def _result(stdout: str):
    return json.loads(stdout.rsplit("RESULT ", 1)[1].splitlines()[0])


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
                OMP_NUM_THREADS="1", TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1")


def run_migrated(path: Path, cwd: Path):
    """A migrated program run under Keras 3 (no legacy runtime): its RESULT."""
    env = _env()
    env.pop("TF_USE_LEGACY_KERAS", None)
    p = subprocess.run([sys.executable, str(path)], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    return _result(p.stdout)


def run_pair(fixture: Path, tmp_path: Path, migrate: Callable[[str], str]):
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(fixture)], env=_env(), cwd=tmp_path,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    want = _result(p.stdout)
    migrated = tmp_path / fixture.name
    migrated.write_text(migrate(fixture.read_text(encoding="utf-8")), encoding="utf-8")
    return run_migrated(migrated, tmp_path), want


def assert_equivalent(src: Path, tmp_path: Path) -> None:
    """verify on ``src`` and its faithful migration: no TODO left, and the same weights give the
    same forward outputs and the same training steps as TF1 (slow tests)."""
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))


def legacy_and_migrated_aucs(src: Path, migrated: str, tmp_path: Path) -> list[float]:
    """Pair ROC AUCs of ``src`` under the legacy runtime and of its migration ``migrated`` (text)
    under Keras 3, each program writing its held-out distances to ``$TFM_EVAL_OUT`` (``d``,
    ``same``): [legacy, keras] (slow tests)."""
    import numpy as np

    from migrator.reference.metrics import roc_auc

    (tmp_path / "migrated.py").write_text(migrated)
    aucs = []
    for cmd, out in (([sys.executable, "-m", "migrator.legacy.run", str(src)], "legacy.npz"),
                     ([sys.executable, str(tmp_path / "migrated.py")], "keras.npz")):
        env = dict(os.environ, TFM_EVAL_OUT=str(tmp_path / out), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
                   PYTHONPATH=str(ROOT))
        p = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr[-2000:]
        z = np.load(tmp_path / out)
        aucs.append(roc_auc(-z["d"], z["same"]))
    return aucs
