"""Subprocess entry point: train one model file in one runtime and save what it returns.

    python -m migrator.reference.worker --runtime legacy|keras --model M.py --data D.npz
        --out RESULT_PREFIX [--epochs N] [--seed S]

``legacy`` installs the legacy shim (migrator/legacy/shim.py) before the model is imported:
TensorFlow 1 graph mode + tf-keras + tflearn. ``keras`` imports nothing but the model: Keras 3
on whatever ``KERAS_BACKEND`` says. The two never share a process.

The model module defines ``train(data, epochs=..., seed=0) -> dict`` (see
reference_models/README.md). Arrays in the returned dict go to ``RESULT_PREFIX.npz``, everything
else (losses, per-epoch times) plus runtime facts to ``RESULT_PREFIX.json``.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import sys
import time


def _runtime_info(runtime: str) -> dict:
    info: dict = {"runtime": runtime, "python": platform.python_version(), "pid": os.getpid()}
    if runtime == "legacy":
        import tensorflow as tf  # the shimmed module

        info["tensorflow"] = tf.__version__
        info["backend"] = "tensorflow (TF1 graph mode, tf-keras)"
        try:
            info["gpus"] = [d.name for d in tf.config.list_physical_devices("GPU")]
        except Exception:  # pragma: no cover
            info["gpus"] = []
        try:
            import tflearn

            info["tflearn"] = getattr(tflearn, "__version__", "0.5.0")
        except Exception:  # pragma: no cover
            pass
    else:
        import keras

        info["keras"] = keras.__version__
        info["backend"] = keras.backend.backend()
        info["gpus"] = _keras_gpus(info["backend"])
    info["device"] = "gpu" if info["gpus"] else "cpu"
    return info


def _keras_gpus(backend: str) -> list[str]:
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return [d.name for d in tf.config.list_physical_devices("GPU")]
        if backend == "jax":
            import jax

            return [str(d) for d in jax.devices() if d.platform == "gpu"]
        if backend == "torch":
            import torch

            return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    except Exception:  # pragma: no cover
        return []
    return []


def load_module(path: str):
    name = "reference_model_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m migrator.reference.worker")
    p.add_argument("--runtime", choices=("legacy", "keras"), required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    t_start = time.time()
    if args.runtime == "legacy":
        from migrator.legacy.shim import install

        install()
    import numpy as np

    random.seed(args.seed)
    np.random.seed(args.seed)
    with np.load(args.data) as z:
        data = {k: z[k] for k in z.files}
    t_import = time.time()
    mod = load_module(args.model)
    info = _runtime_info(args.runtime)
    info["import_s"] = round(time.time() - t_start, 3)
    kwargs = {"seed": args.seed}
    if args.epochs is not None:
        kwargs["epochs"] = args.epochs
    t0 = time.time()
    result = mod.train(data, **kwargs)
    info["train_call_s"] = round(time.time() - t0, 3)
    info["model_import_s"] = round(t0 - t_import, 3)
    if not isinstance(result, dict):
        raise TypeError(f"{args.model}: train() returned {type(result).__name__}, expected a dict")
    arrays, scalars = {}, {}
    for k, v in result.items():
        if isinstance(v, np.ndarray) or (hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, (int, float))):
            arrays[k] = np.asarray(v)
        else:
            scalars[k] = [float(x) for x in v] if isinstance(v, (list, tuple)) else v
    np.savez(args.out + ".npz", **arrays)
    with open(args.out + ".json", "w") as f:
        json.dump({"result": scalars, "info": info, "epochs": kwargs.get("epochs"), "seed": args.seed},
                  f, default=float)
    return 0


if __name__ == "__main__":
    sys.exit(main())
