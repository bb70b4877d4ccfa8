"""TFM205: two towers that share their variables and differ only in a constant dropout mode
(TensorFlow-Examples' ``conv_net(..., reuse=False, is_training=True)`` /
``conv_net(..., reuse=True, is_training=False)``) -> one encoder applied through ``TF1FixedMode``
in each tower's mode. Fixture tests/fixtures/tfex/two_mode_towers.py (in our words). Static
checks are fast; verify (legacy weights: forward and one training step, dropout off on both
sides) and the helper's mode pinning in a Keras 3 subprocess are slow."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.marks import unwrap_markers

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "tfex" / "two_mode_towers.py"


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, FIXTURE.name, Options(fixes=fixes))
    assert res.status == "migrated", res.reason
    return res.code


@pytest.mark.parametrize("fixes", [False, True])
def test_two_mode_towers_become_one_encoder(fixes):
    code = _migrate(FIXTURE.read_text(), fixes)
    assert TODO_MARKER not in code
    assert not legacy_refs_outside_todo(code)
    assert code.count("encoder = keras.Model(") == 1  # one set of weights, as TF1's one scope
    assert "logits_train = TF1FixedMode(encoder, training=True)(X)" in code
    assert "logits_test = TF1FixedMode(encoder, training=False)(X)" in code
    # the builder is called once, still with every parameter it requires (reuse has no default)
    assert "conv_net(encoder_input, 10, 0.25, reuse=False, is_training=True)" in code
    assert "keras.layers.Dropout(dropout)(fc1)" in code and "with tf.variable_scope" not in code
    assert "model = keras.Model(X, logits_train)" in code
    assert "keras.Model(X, logits_test).predict_on_batch(x_test)" in code
    again = migrate_source(code, FIXTURE.name, Options(fixes=fixes))
    assert again.status == "unchanged", again.code  # a second run changes nothing


@pytest.mark.parametrize("change, why", [
    # the mode parameter read otherwise than as dropout's training=: the towers differ in more
    ("        out = tf.layers.dense(fc1, n_classes)\n",
     "        out = tf.layers.dense(fc1, n_classes)\n        if is_training:\n            out = out * 2.0\n"),
    # two parameters differ
    ("logits_test = conv_net(X, 10, 0.25, reuse=True, is_training=False)",
     "logits_test = conv_net(X, 10, 0.5, reuse=True, is_training=False)"),
])
def test_other_constant_differences_build_each_tower_from_the_name_store(change, why):
    """Towers that differ in more than the dropout mode are built as written, their layers taken
    from TF1's name store (tests/test_stored_mode_towers.py)."""
    src = FIXTURE.read_text()
    assert change in src
    code = _migrate(src.replace(change, why))
    assert TODO_MARKER not in code and "TF1FixedMode" not in code
    assert "tf1_layer('ConvNet/conv2d', lambda: keras.layers.Conv2D(" in code.replace('"', "'")  # any quote style
    assert "TF1ModeDropout(dropout)(fc1, tf1_training=is_training)" in code


@pytest.mark.parametrize("change, why", [
    # a mode that is not a constant: decided per call site at run time
    ("logits_test = conv_net(X, 10, 0.25, reuse=True, is_training=False)",
     "logits_test = conv_net(X, 10, 0.25, reuse=True, is_training=seed > 0)"),
])
def test_other_differences_keep_the_todo(change, why):
    src = FIXTURE.read_text()
    assert change in src
    code = unwrap_markers(_migrate(src.replace(change, why)))
    assert "TFM205 conv_net() towers share their variables in TF1 but are not turned into one encoder" in code
    assert "TF1FixedMode" not in code


PROBE = textwrap.dedent("""\
    import json, sys
    import numpy as np
    import keras

    ns = {}
    exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), ns)
    keras.utils.set_random_seed(0)
    x = np.random.RandomState(0).uniform(size=(64, 64)).astype("float32")
    y = np.arange(64) % 10
    X = keras.Input(shape=(64,))
    encoder_input = keras.Input(shape=(64,))
    encoder = keras.Model(encoder_input, ns["conv_net"](encoder_input, 10, 0.5, reuse=False, is_training=True))
    t = ns["TF1FixedMode"](encoder, training=True)(X)
    e = ns["TF1FixedMode"](encoder, training=False)(X)
    both = keras.Model(X, [t, e])
    plain = keras.ops.convert_to_numpy(encoder(x, training=False))
    t1, e1 = both.predict_on_batch(x)             # Keras passes training=False
    t2, e2 = [keras.ops.convert_to_numpy(v) for v in both(x, training=True)]
    model = keras.Model(X, t)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.train_on_batch(x, y)
    e3 = keras.Model(X, e).predict_on_batch(x)
    print(json.dumps({
        "eval_tower_predict": float(np.abs(e1 - plain).max()),
        "eval_tower_training": float(np.abs(e2 - plain).max()),
        "train_tower_predict": float(np.abs(t1 - plain).max()),
        "train_tower_training": float(np.abs(t2 - plain).max()),
        "eval_tower_after_step": float(np.abs(e3 - plain).max()),
        "weights": [len(both.weights), len(encoder.weights), len(model.weights)],
    }))
""")


@pytest.mark.slow
def test_each_tower_keeps_its_mode_and_the_weights_are_shared(tmp_path):
    mod = tmp_path / "towers_keras.py"
    mod.write_text(_migrate(FIXTURE.read_text()))
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, str(probe), str(mod)], capture_output=True, text=True, env=env,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    r = json.loads(p.stdout.strip().splitlines()[-1])
    # the evaluation tower never drops (TF1: training=False), even in a Keras training call
    assert r["eval_tower_predict"] < 1e-6, r
    assert r["eval_tower_training"] < 1e-6, r
    # the training tower always drops (TF1: training=True), even in predict
    assert r["train_tower_predict"] > 1e-3, r
    assert r["train_tower_training"] > 1e-3, r
    # one set of weights: a step through the training tower moves the evaluation tower
    assert r["eval_tower_after_step"] > 1e-4, r
    assert r["weights"][0] == r["weights"][1] == r["weights"][2] == 6, r


@pytest.mark.slow
def test_two_mode_towers_are_equivalent_under_verify(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    mig = migrate_faithful(FIXTURE, tmp_path / "m")
    (res,) = verify_pairs([(FIXTURE, mig)], call="train", workdir=tmp_path / "v")
    ok, lines = judge(res)
    assert not res.get("todo")
    assert ok, "\n".join(lines + res.get("mapping", []))
