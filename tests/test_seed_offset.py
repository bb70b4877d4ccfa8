"""scripts/realworld_siamese.py --seeds: the same program from other initialisations.

``TFM_SEED_OFFSET=k`` moves the seeds a program gives its framework (TF1's graph-level seed
under ``migrator.legacy.run``, Keras' backend seed under ``migrator.reference.run_seeded``)
and leaves NumPy's randomness (the fixtures' data) as it was; Python's ``random`` moves on the
Keras side only (Keras 3 draws unseeded initializers' seeds from it).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

KERAS_PROG = """import json, random, sys
import numpy as np
import keras
keras.utils.set_random_seed(0)
w = keras.layers.Dense(3)
w.build((None, 2))
print(json.dumps({"w": np.asarray(w.kernel).ravel().tolist(), "np": float(np.random.rand()),
                  "py": random.random()}))
"""

LEGACY_PROG = """import json, random
import numpy as np
import tensorflow as tf
np.random.seed(0)
random.seed(0)
tf.set_random_seed(0)
v = tf.random_uniform([4])
with tf.Session() as s:
    print(json.dumps({"w": s.run(v).tolist(), "np": float(np.random.rand()), "py": random.random()}))
"""


def _run(tmp_path: Path, module: str, prog: str, offset: int) -> dict:
    script = tmp_path / "p.py"
    script.write_text(prog, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3",
               CUDA_VISIBLE_DEVICES="")
    env.pop("TF_USE_LEGACY_KERAS", None)
    if offset:
        env["TFM_SEED_OFFSET"] = str(offset)
    p = subprocess.run([sys.executable, "-m", module, str(script)], env=env, capture_output=True, text=True,
                       timeout=300, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("module,prog", [("migrator.reference.run_seeded", KERAS_PROG),
                                         ("migrator.legacy.run", LEGACY_PROG)])
def test_offset_moves_the_weights_not_the_data(tmp_path, module, prog):
    a, a2, b = _run(tmp_path, module, prog, 0), _run(tmp_path, module, prog, 0), _run(tmp_path, module, prog, 1)
    assert a == a2  # no offset: the program's own seeding, reproducible
    assert a["w"] != b["w"]  # another initialisation
    assert a["np"] == b["np"]  # the same NumPy data
    if module == "migrator.legacy.run":
        assert a["py"] == b["py"]  # TF1 seeds only its graph
