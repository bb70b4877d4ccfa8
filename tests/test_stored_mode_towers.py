"""TFM205: towers that share their variables in TF1 but whose calls differ in more than a dropout
mode (TensorFlow-Examples' tensorflow_dataset_api.py: ``out = tf.nn.softmax(out) if not
is_training else out`` in the evaluation tower only) are built as written; each weighted layer
comes from ``tf1_layer``'s store keyed by its TF1 name (``ConvNet/conv2d``, numbered by TF1 in the
scope), and ``tf.layers.dropout(training=is_training)`` is pinned per call (``TF1ModeDropout``).
Fixture tests/fixtures/tfex/two_mode_softmax_towers.py (in our words). Static checks are fast;
verify (legacy weights: forward and one training step) and a Keras 3 probe of the modes, the
sharing and the store's reset on a new graph are slow."""
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
FIXTURE = ROOT / "tests" / "fixtures" / "tfex" / "two_mode_softmax_towers.py"


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, FIXTURE.name, Options(fixes=fixes))
    assert res.status == "migrated", res.reason
    return res.code


@pytest.mark.parametrize("fixes", [False, True])
def test_towers_are_built_as_written_from_the_name_store(fixes):
    code = _migrate(FIXTURE.read_text(), fixes)
    assert TODO_MARKER not in code and not legacy_refs_outside_todo(code)
    assert "encoder" not in code  # no single encoder: the towers are different graphs
    for name in ("ConvNet/conv2d", "ConvNet/dense", "ConvNet/dense_1"):
        assert code.replace('"', "'").count(f"tf1_layer('{name}', lambda: keras.layers.") == 1, name  # any quotes
    assert "TF1ModeDropout(dropout)(fc1, tf1_training=is_training)" in code
    assert "out = keras.ops.softmax(out) if not is_training else out" in code
    assert "logits_train = conv_net(X, 10, 0.25, reuse=False, is_training=True)" in code
    assert "logits_test = conv_net(X, 10, 0.25, reuse=True, is_training=False)" in code
    assert "with tf.variable_scope" not in code
    again = migrate_source(code, FIXTURE.name, Options(fixes=fixes))
    assert again.status == "unchanged", again.code


def test_a_mode_passed_as_a_tensor_keeps_the_todo():
    src = FIXTURE.read_text().replace("logits_test = conv_net(X, 10, 0.25, reuse=True, is_training=False)",
                                      "logits_test = conv_net(X, 10, 0.25, reuse=True, is_training=seed > 0)")
    code = unwrap_markers(_migrate(src))
    assert "TFM205 conv_net() towers share their variables in TF1 but are not turned into one encoder" in code
    assert "tf1_layer" not in code and "TF1ModeDropout" not in code


def test_a_layer_without_one_tf1_name_keeps_the_todo():
    # the builder's scope name depends on the call: the towers do not share - TFM205 has nothing to do,
    # and the store is not used either
    src = FIXTURE.read_text().replace("with tf.variable_scope('ConvNet', reuse=reuse):",
                                      "with tf.variable_scope('ConvNet' if reuse else 'Other'):")
    code = _migrate(src)
    assert "tf1_layer" not in code


PROBE = textwrap.dedent("""\
    import json, sys
    import numpy as np
    import keras

    ns = {}
    exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), ns)
    keras.utils.set_random_seed(0)
    x = np.random.RandomState(0).uniform(size=(32, 64)).astype("float32")
    X = keras.Input(shape=(64,))
    lt = ns["conv_net"](X, 10, 0.5, reuse=False, is_training=True)
    le = ns["conv_net"](X, 10, 0.5, reuse=True, is_training=False)
    plain = ns["conv_net"](X, 10, 0.0, reuse=True, is_training=True)   # no dropout: the logits
    both = keras.Model(X, [lt, le, plain])
    t1, e1, p1 = both.predict_on_batch(x)
    t2, e2, p2 = both.predict_on_batch(x)
    soft = np.exp(p1 - p1.max(1, keepdims=True)); soft /= soft.sum(1, keepdims=True)
    # train() twice in one process: reset_default_graph -> clear_session empties the store
    data = {"x_train": (np.random.RandomState(1).uniform(size=(96, 8, 8)) * 255).astype("uint8"),
            "y_train": np.arange(96) % 10, "x_test": np.zeros((8, 8, 8), "uint8"), "y_test": np.arange(8)}
    r1 = ns["train"](data, steps=6)
    r2 = ns["train"](data, steps=6)
    print(json.dumps({
        "eval_is_softmax": float(np.abs(e1 - soft).max()),
        "eval_deterministic": float(np.abs(e1 - e2).max()),
        "train_drops_in_predict": float(np.abs(t1 - t2).max()),
        "weights": len(both.weights),
        "rerun": float(np.abs(np.array(r1["losses"]) - np.array(r2["losses"])).max()),
    }))
""")


def _probe(tmp_path, code: str) -> dict:
    mod = tmp_path / "towers_keras.py"
    mod.write_text(code)
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "PYTHONPATH": str(ROOT), "TF_ENABLE_ONEDNN_OPTS": "0",
           "CUDA_VISIBLE_DEVICES": ""}
    p = subprocess.run([sys.executable, str(probe), str(mod)], capture_output=True, text=True, env=env,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_each_tower_keeps_its_mode_shares_the_weights_and_a_new_graph_starts_fresh(tmp_path):
    code = _migrate(FIXTURE.read_text())
    r = _probe(tmp_path, code)
    assert r["eval_is_softmax"] < 1e-5, r        # the evaluation tower: same weights, no dropout, softmax
    assert r["eval_deterministic"] == 0.0, r
    assert r["train_drops_in_predict"] > 1e-3, r  # the training tower drops units even in predict
    assert r["weights"] == 6, r                   # three towers, one set of variables (TF1: 6)
    assert r["rerun"] < 1e-6, r                   # train() again: fresh layers from the same seed
    # negative control: a store that survives clear_session gives the second train() trained layers
    stale = code.replace('    if keras.backend.get_uid("tf1_layer") == 1:\n        TF1_LAYERS.clear()\n', "")
    assert stale != code
    assert _probe(tmp_path, stale)["rerun"] > 1e-4


@pytest.mark.slow
def test_stored_towers_are_equivalent_under_verify(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    mig = migrate_faithful(FIXTURE, tmp_path / "m")
    (res,) = verify_pairs([(FIXTURE, mig)], call="train", workdir=tmp_path / "v")
    ok, lines = judge(res)
    assert not res.get("todo")
    assert ok, "\n".join(lines + res.get("mapping", []))
