"""Two TF1 forms of real Siamese code (issue 10's held-out programs), as fixtures of our own
in tests/fixtures/tf1_real/:

* ``class_rnn_dropout_train_graph``: a ``DropoutWrapper`` whose keep probability is a Python
  number when the graph is built (``1.0 - dropout``, the constructor's argument), added only
  ``if training:`` - and the program evaluates that same training graph. TF1 drops in every run
  of a graph holding the wrapper, evaluation included; the faithful migration keeps that
  (TFM158: ``TF1DropoutWrapper(..., every_run=True)``, warned), a graph built without the
  wrapper has none.
* ``func_returns_session``: a module function given the model instance that builds its own
  ``tf.Session``, trains and RETURNS it; the caller evaluates with ``sess.run`` (TFM144).

Fast: both migrate completely in both modes, idempotently. Slow: legacy vs migrated training
runs; ``verify`` (same weights, forward outputs and one training step, dropout the identity on
both sides: the only deterministic comparison of a dropping program) EQUIVALENT; and the
every-run dropout's statistics at EVALUATION in both runtimes (the masks are random, so they
are compared by their statistics, not value by value).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.options import Options
from tests.migrate_cache import migrate_source

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "tf1_real"
NAMES = ["class_rnn_dropout_train_graph", "func_returns_session"]


def _migrate(name: str, fixes: bool = False):
    src = (FIXTURES / f"{name}.py").read_text()
    return migrate_source(src, str(FIXTURES / f"{name}.py"), Options(wrap_lines=False, fixes=fixes))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fixes", [False, True])
def test_forms_translate_completely(name, fixes):
    res = _migrate(name, fixes)
    assert res.status == "migrated", res.reason
    out = res.code
    compile(out, name, "exec")
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    body = out.split('"""', 2)[-1]
    for word in ("tensorflow", "tf.", "Session", "sess.", "sess =", "feed_dict"):
        assert word not in body, word
    assert migrate_source(out, str(FIXTURES / f"{name}.py"), Options(wrap_lines=False, fixes=fixes)).code == out  # idempotent


def test_fixed_keep_wrapper_drops_in_every_run_and_says_so():
    res = _migrate("class_rnn_dropout_train_graph")
    assert "        if training:\n            cell = TF1DropoutWrapper(cell, input_keep_prob=1.0 - dropout, " \
           "every_run=True)\n" in res.code
    warned = [d for d in res.diagnostics if d.rule == "TFM158"]
    assert len(warned) == 1 and "evaluation included" in warned[0].message
    # the evaluation runs the training graph: the Keras inference of that graph
    assert "prob = keras.Model([model.a, model.b], model.prob).predict_on_batch([test_a, test_b])" in res.code


def test_function_owning_and_returning_its_session():
    out = _migrate("func_returns_session").code
    fit = out[out.index("def fit("):out.index("def train(")]
    assert "l = net.train_op.train_on_batch([a[i:i + batch_size], b[i:i + batch_size], y[i:i + batch_size]])" in fit
    assert "return" not in fit
    assert "    fit(model, pair_a, pair_b, pair_y, steps, batch_size, losses)\n" in out
    assert "sim = keras.Model([model.x1, model.x2], model.sim).predict_on_batch(" in out
    assert "encoder = keras.Model(" in out  # reuse=True: one encoder for both inputs


def test_returned_session_rebound_by_the_caller_stays_marked():
    # the caller keeps using the returned session under another name: followed only as a plain
    # ``x = f(..)``; here the session is returned inside a tuple - not a session function
    src = (FIXTURES / "func_returns_session.py").read_text()
    src = src.replace("    return sess\n", "    return sess, len(log)\n").replace(
        "    sess = fit(model, ", "    sess, _ = fit(model, ")
    out = migrate_source(src, "s.py", Options(wrap_lines=False, fixes=False)).code
    assert "TFM144" in out and "fit() runs a session it is not given" in out, out
    assert migrate_source(out, "s.py", Options(wrap_lines=False, fixes=False)).code == out


def _env(**extra):
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e["TF_CPP_MIN_LOG_LEVEL"] = "3"
    e.update(extra)
    return e


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_forms_train_like_legacy(name, tmp_path):
    from sklearn.metrics import roc_auc_score

    from migrator.reference import data as D
    from tests.test_tf1_real import _run

    migrated = tmp_path / f"{name}.py"
    migrated.write_text(_migrate(name).code)
    legacy = _run("legacy", FIXTURES / f"{name}.py", tmp_path)
    keras = _run("keras", migrated, tmp_path)
    assert len(keras["loss"]) == len(legacy["loss"])
    first = lambda r: sum(r["loss"][:10]) / 10  # noqa: E731
    last = lambda r: sum(r["loss"][-20:]) / 20  # noqa: E731
    assert last(keras) < first(keras) and last(legacy) < first(legacy)
    assert abs(last(keras) - last(legacy)) < 0.05, (last(keras), last(legacy))
    same = D.load(D.DataConfig())["pair_test_y"][:256]
    key = "prob" if "prob" in legacy else "sim"
    auc = {k: roc_auc_score(same, r[key]) for k, r in (("legacy", legacy), ("keras", keras))}
    assert auc["legacy"] > 0.7 and abs(auc["keras"] - auc["legacy"]) <= 0.06, auc


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_forms_verify_equivalent(name, tmp_path):
    # the same weights: forward outputs and one training step agree (dropout the identity on
    # both sides, TF1's DropoutWrapper included)
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIXTURES / f"{name}.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], call="train", workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    assert any("after one step" in line for line in lines)


SOURCE = '''
import numpy as np
import tensorflow as tf
rng = np.random.RandomState(3)
X = rng.uniform(-1, 1, (400, 6, 3)).astype('float32')
x = tf.placeholder(tf.float32, [None, 6, 3])
cell = tf.nn.rnn_cell.BasicRNNCell(5)
noisy_cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=0.5)
with tf.variable_scope('r'):
    clean, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
with tf.variable_scope('r', reuse=True):
    noisy, _ = tf.nn.dynamic_rnn(noisy_cell, x, dtype=tf.float32)
both = tf.concat([clean, noisy], axis=-1)
'''

STATS = r'''
def stats(a, b):
    """two evaluations of [clean | noisy]: zero fraction of the noisy half, the kept units /
    clean (an output-only wrapper leaves the recurrence alone: kept = clean / 0.5), the
    agreement of consecutive steps' masks and of the two evaluations' masks."""
    import numpy as np
    clean, noisy, noisy2 = a[..., :5], a[..., 5:], b[..., 5:]
    z, z2 = noisy == 0, noisy2 == 0
    return {'zero': float(z.mean()), 'ratio': float(np.max(np.abs(noisy[~z] - 2.0 * clean[~z]))),
            'agree_steps': float((z[:, 1:] == z[:, :-1]).mean()), 'agree_runs': float((z == z2).mean())}
'''

LEGACY = STATS + r'''
import json, sys
from migrator.legacy.shim import install
install()
import tensorflow.compat.v1 as tf
tf.set_random_seed(0)
ns = {}
exec(open(sys.argv[1]).read(), ns)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
a = sess.run(ns['both'], {ns['x']: ns['X']})
b = sess.run(ns['both'], {ns['x']: ns['X']})
print('STATS=' + json.dumps(stats(a, b)))
'''

KERAS = STATS + r'''
import json, sys
import numpy as np
import keras
keras.utils.set_random_seed(0)
ns = {}
exec(open(sys.argv[1]).read(), ns)
model = keras.Model(ns['x'], ns['both'])
a = np.asarray(model.predict(ns['X'], verbose=0))
b = np.asarray(model.predict(ns['X'], verbose=0))
print('STATS=' + json.dumps(stats(a, b)))
'''


def test_every_run_wrapper_source_translates():
    from migrator.engine import migrate_source as migrate

    out = migrate(SOURCE, "every_run.py").code
    assert TODO_MARKER not in out and "tf." not in out, out
    assert "noisy_cell = TF1DropoutWrapper(cell, output_keep_prob=0.5, every_run=True)" in out, out


@pytest.mark.slow
def test_every_run_wrapper_drops_at_evaluation_in_both_runtimes(tmp_path):
    from migrator.engine import migrate_source as migrate

    legacy_src = tmp_path / "legacy.py"
    legacy_src.write_text(SOURCE)
    keras_src = tmp_path / "migrated.py"
    keras_src.write_text(migrate(SOURCE, "every_run.py").code)
    got = {}
    for side, script, path, env in (("legacy", LEGACY, legacy_src, _env()),
                                    ("keras", KERAS, keras_src, _env(KERAS_BACKEND="tensorflow"))):
        if side == "keras":
            env.pop("TF_USE_LEGACY_KERAS", None)
        p = subprocess.run([sys.executable, "-c", script, str(path)], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=600)
        line = next((ln for ln in p.stdout.splitlines() if ln.startswith("STATS=")), None)
        assert line is not None, p.stdout[-2000:] + p.stderr[-3000:]
        got[side] = json.loads(line[len("STATS="):])
    for st in got.values():
        # evaluation drops half of the units, a new mask per step and per run, kept ones scaled by 2
        for k in ("zero", "agree_steps", "agree_runs"):
            assert abs(st[k] - 0.5) < 0.03, (k, got)
        assert st["ratio"] <= 1e-5, got
