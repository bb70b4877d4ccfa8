"""Run the Keras 3 side of the reference suite under other Keras backends (JAX, torch).

JAX and torch are NOT part of the default install (CI cost). This script installs the
requested backend ON DEMAND with pip into a private directory (default: out/backends/<name>;
``--no-deps``: numpy, scipy, ml_dtypes, opt_einsum already come with TensorFlow), then trains
every runnable Keras 3 variant - the migrator's output (reference_models/migrated/) once it has
no TODO markers, and the hand-written targets (reference_models/expected/, NOT migrator output)
- under ``KERAS_BACKEND=tensorflow`` and each requested backend, and prints headline, verdict
and seconds per epoch side by side.

    python scripts/run_backends.py --backend jax [--models distance_label,class_imbalance] [--epochs 2]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from migrator.reference import data as D  # noqa: E402
from migrator.reference import harness  # noqa: E402

PACKAGES = {"jax": ["jax", "jaxlib"], "torch": ["torch"]}


def install(backend: str, target: Path) -> Path:
    mod = {"jax": "jax", "torch": "torch"}[backend]
    if (target / mod).is_dir():
        return target
    print(f"installing {backend} on demand into {target} (pip, --no-deps)", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                    *PACKAGES[backend]], check=True)
    return target


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", action="append", choices=sorted(PACKAGES), required=True)
    ap.add_argument("--models", default="distance_label,class_imbalance")
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "backends")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    d = D.load(D.DataConfig())
    data_path = D.save(d, args.out / "data.npz")
    test = {"pair_test_y": d["pair_test_y"], "y_test": d["y_test"]}
    envs = {"tensorflow": {"KERAS_BACKEND": "tensorflow"}}
    for b in args.backend:
        pkgs = install(b, args.out / b)
        envs[b] = {"KERAS_BACKEND": b,
                   "PYTHONPATH": os.pathsep.join([str(ROOT), str(pkgs)]),
                   "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES", "")}
        if not os.environ.get("CUDA_VISIBLE_DEVICES"):
            envs[b].pop("CUDA_VISIBLE_DEVICES")
    rows = []
    for name in args.models.split(","):
        files = {f"expected_{m}": harness.EXPECTED_DIR / m / f"{name}.py" for m in ("faithful", "fixed")}
        files.update({m: harness.MODELS / "migrated" / m / f"{name}.py" for m in ("faithful", "fixed")})
        for vn, path in files.items():
            ok, why = harness.runnable(path) if path.exists() else (False, "missing")
            if not ok:
                rows.append((name, vn, "-", f"not runnable: {why}", ""))
                continue
            for backend, env in envs.items():
                r = harness.run_variant(name, vn, path, data_path, args.out / "runs" / backend, epochs=args.epochs,
                                        data=test, env=env)
                backend_seen = r.info.get("backend", "?") if r.status == "ok" else "?"
                rows.append((name, vn, backend_seen, harness.describe(r), ""))
                print(f"{name:16} {vn:18} {backend:10} {harness.describe(r)}", flush=True)
    print("\n| model | variant | backend | result |\n|---|---|---|---|")
    for name, vn, backend, desc, _ in rows:
        print(f"| {name} | {vn.replace('expected_', 'hand ')} | {backend} | {desc} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
