"""tf.estimator programs (TFM165): Estimator(model_fn) + numpy_input_fn -> the TF1Estimator helper.
Fast: the TensorFlow-Examples-shaped fixture translates completely and idempotently, declined uses
stay marked. Slow: the migrated program evaluates to the same accuracy / loss / global_step as the
TF1 graph program Estimator ran (tests/fixtures/tf1_estimator/_session_reference.py, legacy runtime)."""
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
FIX = ROOT / "tests" / "fixtures" / "tf1_estimator"


def _migrate(src: str, fixes: bool = False, path: str = "p.py") -> str:
    res = migrate_source(src, path, Options(wrap_lines=False, fixes=fixes))
    assert res.status == "migrated", res.reason
    return res.code


@pytest.mark.parametrize("fixes", [False, True])
def test_estimator_program_translates_completely(fixes):
    path = FIX / "estimator_mlp.py"
    out = _migrate(path.read_text(), fixes, str(path))  # the corpus test's migration
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "import tensorflow" not in out
    for s in ("model = TF1Estimator(model_fn)", "train_op = TF1Minimize(optimizer, loss_op)",
              "acc_op = TF1Accuracy(labels=labels, predictions=pred_classes)",
              "if mode == TF1ModeKeys.PREDICT:", "TF1NumpyInputFn(x={'images': train_x}, y=train_y, batch_size=batch_size, num_epochs=None, shuffle=False)"):
        assert s in out, s
    again = migrate_source(out, str(path), Options(wrap_lines=False, fixes=fixes))
    assert again.status == "unchanged" and again.code == out


@pytest.mark.parametrize("use", ["model.predict(fn)", "model.train(fn, hooks=[h])", "model.export_savedmodel(d, f)"])
def test_estimator_used_otherwise_stays_marked(use):
    src = ("import tensorflow as tf\nmodel = tf.estimator.Estimator(model_fn)\n"
           "fn = tf.estimator.inputs.numpy_input_fn(x=X, y=Y, shuffle=False)\n" + use + "\n")
    out = _migrate(src)
    assert "TF1Estimator" not in out and TODO_MARKER in out and legacy_refs_outside_todo(out) == []


def test_numpy_input_fn_without_shuffle_is_not_guessed():
    src = ("import tensorflow as tf\nmodel = tf.estimator.Estimator(model_fn)\n"
           "fn = tf.estimator.inputs.numpy_input_fn(x=X, y=Y)\nmodel.train(fn, steps=2)\n")
    out = _migrate(src)
    assert "tf.estimator.inputs.numpy_input_fn(x=X, y=Y)" in out and TODO_MARKER in out


def _run(cmd: list[str], cwd: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               TF_NUM_INTEROP_THREADS="1", TF_NUM_INTRAOP_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run(cmd + [str(cwd / "out.json")], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((cwd / "out.json").read_text())


@pytest.mark.slow
def test_estimator_evaluates_like_the_tf1_graph_it_ran(tmp_path):
    """Same start (NumPy kernels), rows in order across epoch ends (30 steps of 128 over 1500 rows),
    the last evaluation batch smaller: accuracy, mean batch loss and global_step agree."""
    migrated = _migrate((FIX / "estimator_mlp.py").read_text())
    (tmp_path / "migrated.py").write_text(migrated)
    legacy = _run([sys.executable, "-m", "migrator.legacy.run", str(FIX / "_session_reference.py")], tmp_path)
    keras = _run([sys.executable, str(tmp_path / "migrated.py")], tmp_path)
    assert keras["global_step"] == legacy["global_step"] == 30
    assert keras["accuracy"] == pytest.approx(legacy["accuracy"], abs=1e-6)
    assert keras["loss"] == pytest.approx(legacy["loss"], rel=1e-4)
    # negative control: one step fewer trains to a different loss
    bad = migrated.replace("model.train(input_fn, steps=num_steps)", "model.train(input_fn, steps=num_steps - 1)")
    assert bad != migrated
    (tmp_path / "bad.py").write_text(bad)
    off = _run([sys.executable, str(tmp_path / "bad.py")], tmp_path)
    assert off["loss"] != pytest.approx(legacy["loss"], rel=1e-4)
