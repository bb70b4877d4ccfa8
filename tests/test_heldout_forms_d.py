"""Held-out forms of the fourth held-out set (issue 10, helper heldd): tflearn's Trainer read
back through ``trainer.session.run`` and ``tflearn.is_training(flag, session=trainer.session)``
(TFM121), ``tflearn.is_training(flag, session=sess)`` around a hand-written session loop (TFM140),
a learned scalar read by ``*`` with an expression (TFM135's TF1Variable), DNN feed dicts keyed by
the input tensors (TFM117), TF1 initializer objects handed to tflearn layers (TFM104), and
Python 2 scripts (TFM003 for the syntax, TFM174 for the builtins).

Fast tests never start TensorFlow; the slow ones run the fixtures in tests/fixtures/heldout_d/
in the legacy runtime (TF1 semantics) and migrated under Keras 3, in two subprocesses, and
compare the numbers.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.marks import marked

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "heldout_d"


def _migrate(src: str, fixes: bool = False):
    res = migrate_source(src, "m.py", Options(fixes=fixes))
    assert res.status in ("migrated", "unchanged"), res.reason
    compile(res.code, "m.py", "exec")
    assert migrate_source(res.code, "m.py", Options(fixes=fixes)).code == res.code  # idempotent
    return res


def test_trainer_session_run_translates():
    res = _migrate((FIX / "trainer_session_bn.py").read_text(encoding="utf-8"))
    out = res.code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "d_train = TflearnTrainerSession(trainer).run(d, feed_dict={x1: left[:6], x2: right[:6]})" in out
    assert "TflearnTrainerSession(trainer).is_training(False)\n" in out
    assert "kernel_initializer=keras.initializers.Constant(W0)" in out  # tf.constant_initializer as weights_init


def test_trainer_session_is_training_of_another_session_stays_todo():
    src = (FIX / "trainer_session_bn.py").read_text(encoding="utf-8").replace(
        "tflearn.is_training(False, session=trainer.session)", "tflearn.is_training(False, session=other)")
    out = _migrate(src).code
    assert marked(out, "tflearn.is_training(False, session=other)", "TFM100")
    assert legacy_refs_outside_todo(out) == []


def test_triplet_feed_dict_keyed_by_tensors():
    out = _migrate((FIX / "triplet_tensor_feed.py").read_text(encoding="utf-8")).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    # keys in another order than the inputs: values put in the model's input order
    assert "out = model.predict([A[:5], P[:5], N[:5]], verbose=0)" in out
    assert "emb = embedder.predict(A[:5], verbose=0)" in out
    assert "keras.ops.normalize(h, axis=1, epsilon=1e-6)" in out  # tflearn's 1e-12 under the root


def test_feed_dict_keyed_by_a_tensor_of_another_model_stays_todo():
    src = (FIX / "triplet_tensor_feed.py").read_text(encoding="utf-8").replace(
        "embedder.predict({anchor: A[:5]})", "embedder.predict({positive: A[:5]})")
    out = _migrate(src).code
    assert any(marked(out, line, "TFM117") for line in out.splitlines() if "embedder.predict({positive: A[:5]})" in line)


def test_session_is_training_statements_go_when_the_modes_match():
    res = _migrate((FIX / "session_is_training_bn.py").read_text(encoding="utf-8"))
    out = res.code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    body = out.split('"""', 2)[2]  # after the docstring
    assert "is_training" not in body and "Session" not in body
    assert "    l = model.train_on_batch(" in out and "pred = model.predict_on_batch(X)" in out
    # the learned scale: a weight of the model, placed on the tensor h read in the other operand
    assert "scale = TF1Variable([], keras.initializers.Constant(1.5), tf1_name='scale')(h)\n" in out


@pytest.mark.parametrize("edit", [
    # an evaluation run while the flag is on (tflearn: dropout / batch statistics in it)
    ("    tflearn.is_training(False, session=sess)\n    pred", "    pred"),
    # training after the flag went off (tflearn: no dropout, moving averages frozen)
    ("    tflearn.is_training(True, session=sess)\n", ""),
])
def test_session_is_training_stays_todo_when_a_run_sees_the_other_mode(edit):
    src = (FIX / "session_is_training_bn.py").read_text(encoding="utf-8")
    assert edit[0] in src
    out = _migrate(src.replace(edit[0], edit[1])).code
    assert "# TODO(tflearn-migrate): TFM100 no Keras translation for tflearn.config.is_training" in out
    assert legacy_refs_outside_todo(out) == []


PY2 = '''import numpy as np
import tensorflow as tf
import tflearn


def pairs(x, n):
    out = []
    for i in xrange(n):
        out.append((x[i], x[-i]))
    return out


a = tflearn.input_data(shape=[None, 4])
h = tflearn.fully_connected(a, 2)
print "built", h
'''


def test_python2_print_statement_is_reported_and_left_unchanged(tmp_path):
    f = tmp_path / "siamese_py2.py"
    f.write_text(PY2, encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "migrator", str(f), "--in-place"], cwd=tmp_path,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert f"{f}:15:1: TFM003 error" in p.stderr and "Python 2 print statement" in p.stderr
    assert f.read_text(encoding="utf-8") == PY2  # nothing half-written
    assert [x.name for x in tmp_path.iterdir()] == ["siamese_py2.py"]  # no temp file left


def test_python2_builtin_is_reported_with_its_line_and_kept():
    src = PY2.replace('print "built", h', 'print("built", h)')
    res = _migrate(src)
    hits = [d for d in res.diagnostics if d.rule == "TFM174"]
    assert [d.line for d in hits] == [8] and "xrange" in hits[0].message
    assert "    for i in xrange(n):\n" in res.code  # left as written
    assert "keras.layers.Dense(" in res.code  # the rest migrated
    # after 2to3 (xrange -> range) nothing is reported
    ported = _migrate(src.replace("xrange(", "range("))
    assert not [d for d in ported.diagnostics if d.rule == "TFM174"]


def _run_pair(fixture: Path, tmp_path: Path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
               OMP_NUM_THREADS="1", TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1")
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(fixture)], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    want = json.loads(p.stdout.rsplit("RESULT ", 1)[1].splitlines()[0])  # after tflearn's progress output
    migrated = tmp_path / fixture.name
    migrated.write_text(_migrate(fixture.read_text(encoding="utf-8")).code, encoding="utf-8")
    env.pop("TF_USE_LEGACY_KERAS", None)
    p = subprocess.run([sys.executable, str(migrated)], env=env, cwd=tmp_path, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    got = json.loads(p.stdout.rsplit("RESULT ", 1)[1].splitlines()[0])
    return got, want


@pytest.mark.slow
def test_trainer_session_run_equals_tflearn(tmp_path):
    got, want = _run_pair(FIX / "trainer_session_bn.py", tmp_path)
    # loss after one epoch; distances in training mode (batch statistics: tflearn's fit leaves
    # training mode on) and, after is_training(False), in inference mode (moving averages)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got[2], want[2], rtol=1e-4, atol=1e-6)
    assert not np.allclose(want[1], want[2][:6], rtol=1e-3)  # the two modes do differ here


@pytest.mark.slow
def test_triplet_tensor_feed_equals_tflearn(tmp_path):
    got, want = _run_pair(FIX / "triplet_tensor_feed.py", tmp_path)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)
    w = np.asarray(want[0])
    assert not np.allclose(w[:, 0:3], w[:, 6:9])  # the anchor / negative slots are told apart


@pytest.mark.slow
def test_session_is_training_equals_tflearn(tmp_path):
    got, want = _run_pair(FIX / "session_is_training_bn.py", tmp_path)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6)   # training mode: batch statistics
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)   # inference mode: moving averages
