"""TF1 eager programs (TFM163 tf.contrib.eager, TFM164 eager tf.data): the migrated programs are
complete, idempotent, and (slow) train exactly like TF1's eager runtime from the same start."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.migrate_cache import migrate_source  # one migration per input and run
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "tf1_eager"
NAMES = ("eager_linear", "eager_classifier")


def _migrate(src: str, fixes: bool = False, path: str = "p.py") -> str:
    res = migrate_source(src, path, Options(fixes=fixes))
    assert res.status == "migrated", res.reason
    return res.code


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fixes", [False, True])
def test_eager_programs_translate_completely(name, fixes):
    path = FIX / f"{name}.py"
    out = _migrate(path.read_text(), fixes, str(path))  # the corpus test's migration
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "import tensorflow" not in out and "\ntfe = " not in out and "self.track_layer" not in out
    assert "grad = ImplicitGradients(" in out and "grad.step(optimizer, " in out
    again = migrate_source(out, str(path), Options(fixes=fixes))
    assert again.status == "unchanged" and again.code == out  # idempotent


def test_tracked_objects_are_the_variables_and_networks_bound_before():
    out = _migrate((FIX / "eager_classifier.py").read_text())
    assert "grad = ImplicitGradients(loss_fn, [net, W, b])" in out
    assert "class Net(keras.Model):" in out and "track_layer" not in out
    assert "dataset = TF1Dataset.from_tensor_slices((X, Y))" in out and "dataset_iter = iter(dataset)" in out
    out = _migrate((FIX / "eager_linear.py").read_text())
    assert "grad = ImplicitGradients(mean_square_fn, [W, b])" in out


def test_gradients_used_otherwise_stay_marked():
    src = ("import tensorflow as tf\ntfe = tf.contrib.eager\nW = tfe.Variable(1.0)\n"
           "def f(x):\n    return x * W\nopt = tf.train.GradientDescentOptimizer(0.1)\n"
           "grad = tfe.implicit_gradients(f)\ngs = grad(2.0)\nopt.apply_gradients(gs)\n")
    out = _migrate(src)
    assert "tfe.implicit_gradients(f)" in out and "opt.apply_gradients(gs)" in out
    assert TODO_MARKER in out and legacy_refs_outside_todo(out) == []


def test_graph_mode_dataset_is_not_taken_for_an_eager_one():
    src = ("import tensorflow as tf\nd = tf.data.Dataset.from_tensor_slices((x, y))\nd = d.repeat().batch(4)\n"
           "it = d.make_one_shot_iterator()\nX, Y = it.get_next()\n")
    out = _migrate(src)
    assert "TF1Dataset" not in out and TODO_MARKER in out


def _run(cmd: list[str], cwd: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               TF_NUM_INTEROP_THREADS="1", TF_NUM_INTRAOP_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run(cmd + [str(cwd / "out.json")], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((cwd / "out.json").read_text())


def _close(a, b, rel=1e-4, abs_=1e-5) -> bool:
    import numpy as np

    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rel, atol=abs_))


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_eager_program_trains_like_tf1(name, tmp_path):
    """The legacy runtime runs the TF1 script eagerly (shim: tfe.Variable = ResourceVariable,
    implicit_gradients = backprop.implicit_grad, tfe.Iterator = the eager iterator); the migrated
    one runs on Keras 3. Same start (NumPy-seeded), so the per-step losses and the final weights agree."""
    src = (FIX / f"{name}.py").read_text()
    (tmp_path / "legacy.py").write_text(src)
    (tmp_path / "migrated.py").write_text(_migrate(src))
    legacy = _run([sys.executable, "-m", "migrator.legacy.run", str(tmp_path / "legacy.py")], tmp_path)
    keras = _run([sys.executable, str(tmp_path / "migrated.py")], tmp_path)
    assert legacy["loss"][-1] < legacy["loss"][0]  # it trains
    assert _close(keras["loss"], legacy["loss"]), (keras["loss"], legacy["loss"])
    assert _close(keras["W"], legacy["W"]) and _close(keras["b"], legacy["b"])
    if name != "eager_classifier":
        return
    # negative controls: batching before repeating (no batch crossing an epoch), and a step
    # that does not watch the network, both train differently
    migrated = _migrate(src)
    for bad in (migrated.replace("dataset.repeat().batch(100)", "dataset.batch(100).repeat()"),
                migrated.replace("ImplicitGradients(loss_fn, [net, W, b])", "ImplicitGradients(loss_fn, [W, b])")):
        assert bad != migrated
        (tmp_path / "bad.py").write_text(bad)
        off = _run([sys.executable, str(tmp_path / "bad.py")], tmp_path)
        assert not _close(off["loss"], legacy["loss"])
