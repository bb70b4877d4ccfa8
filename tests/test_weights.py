"""`tflearn-migrate weights`: variable classification, matching, and checkpoint round trips.

Unit tests run on numpy only. The round trip runs two subprocesses (one TensorFlow import
each): the legacy runtime trains a tflearn CNN (saved with tflearn's ``model.save``) and a
raw-TF1 Siamese with a shared tower scope (saved with ``tf.train.Saver``); a Keras 3 process
converts both checkpoints with the CLI, loads the weights into the migrated models and
compares their outputs with the legacy outputs on the same inputs.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator.weights.mapping import KLayer, MappingError, plan
from migrator.weights.naming import LegacyVar, LegacyVars, classify

pytestmark = pytest.mark.slow  # TensorFlow subprocesses: the slow tier

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "weights"
PY = sys.executable


def env(**extra) -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.pop("TF_USE_LEGACY_KERAS", None)
    e["TF_CPP_MIN_LOG_LEVEL"] = "3"
    e["KERAS_BACKEND"] = "tensorflow"
    e.update(extra)
    return e


def lvars(*specs, order_known=True) -> LegacyVars:
    out = []
    for i, spec in enumerate(specs):
        name, shape = spec[0], spec[1]
        trainable = spec[2] if len(spec) > 2 else True
        out.append(LegacyVar(name, np.full(shape, float(i), "float32"), trainable=trainable, index=i))
    return LegacyVars(out, order_known=order_known)


def dense(name, n_in, n_out, bias=True):
    return KLayer(name, "Dense", ["kernel"] + (["bias"] if bias else []),
                  [(n_in, n_out)] + ([(n_out,)] if bias else []))


# -- classification --------------------------------------------------------------------------
def test_non_model_variables_are_ignored_with_reasons():
    lv = lvars(("is_training", (), False), ("Conv2D/W", (3, 3, 1, 4)), ("Conv2D/b", (4,)),
               ("Training_step", (), False), ("Global_Step", (), False), ("global_step", (), False),
               ("Conv2D/W/Adam", (3, 3, 1, 4), False), ("Conv2D/W/Adam_1", (3, 3, 1, 4), False),
               ("Adam/beta1_power", (), False), ("beta2_power", (), False),
               ("Accuracy/Mean/moving_avg", (), False), ("val_loss", (), False),
               ("BatchNormalization/moving_mean", (4,), False))
    lv.vars[0].value = np.asarray(True)
    model, ignored = classify(lv)
    assert [v.name for v in model] == ["Conv2D/W", "Conv2D/b", "BatchNormalization/moving_mean"]
    reasons = {v.name: why for v, why in ignored}
    assert "slot" in reasons["Conv2D/W/Adam_1"]
    assert "step" in reasons["Training_step"] and "step" in reasons["global_step"]
    assert "Adam" in reasons["beta2_power"]
    assert "boolean" in reasons["is_training"]
    assert "monitor" in reasons["Accuracy/Mean/moving_avg"]
    _, ignored2 = classify(lv, ignore=[r"^Conv2D/b$"])
    assert "Conv2D/b" in {v.name for v, _ in ignored2}


def test_any_non_trainable_integer_scalar_is_a_step_counter():
    # imironhead: get_variable('training_step', [], tf.int64, trainable=False) as minimize's global_step
    lv = lvars(("training_step", (), False), ("dense/kernel", (4, 2)), ("count", (), True))
    lv.vars[0].value = np.asarray(7, np.int64)
    lv.vars[2].value = np.asarray(3, np.int64)
    model, ignored = classify(lv)
    assert {v.name: why for v, why in ignored} == {"training_step": "step counter (non-trainable integer scalar)"}
    assert [v.name for v in model] == ["dense/kernel", "count"]  # trainable: a weight (not ours to drop)


def test_any_non_trainable_scalar_is_not_a_model_weight():
    # STONEKONG: a float64 global_step and summary/Variable (loss_ave, assigned from Python)
    lv = lvars(("leaning_rata/step", (), False), ("summary/Variable", (), False), ("conv/weights", (3, 3, 1, 2)),
               ("conv/batch_normal/moving_mean", (2,), False))
    model, ignored = classify(lv)
    assert [v.name for v in model] == ["conv/weights", "conv/batch_normal/moving_mean"]
    assert {v.name for v, _ in ignored} == {"leaning_rata/step", "summary/Variable"}


def test_optimizer_slots_made_under_the_optimizer_scope_are_ignored():
    # tf.variable_scope('metrics'): AdamOptimizer(...).minimize(loss) -> metrics/<var>/Adam
    lv = lvars(("siamese/fc1/w", (4, 2)), ("metrics/siamese/fc1/w/Adam", (4, 2), False),
               ("metrics/siamese/fc1/w/Adam_1", (4, 2), False), ("metrics/other", (2,), False))
    model, ignored = classify(lv)
    assert [v.name for v in model] == ["siamese/fc1/w", "metrics/other"]
    reasons = {v.name: why for v, why in ignored}
    assert "slot" in reasons["metrics/siamese/fc1/w/Adam"] and "metrics" in reasons["metrics/siamese/fc1/w/Adam"]


# -- matching --------------------------------------------------------------------------------
def test_tflearn_layers_match_in_order_and_shape():
    lv = lvars(("Conv2D/W", (3, 3, 1, 4)), ("Conv2D/b", (4,)), ("FullyConnected/W", (64, 16)),
               ("FullyConnected/b", (16,)), ("FullyConnected_1/W", (16, 16)), ("FullyConnected_1/b", (16,)),
               ("FullyConnected_2/W", (16, 16)), ("FullyConnected_2/b", (16,)))
    ks = [KLayer("conv", "Conv2D", ["kernel", "bias"], [(3, 3, 1, 4), (4,)]),
          dense("d0", 64, 16), dense("d1", 16, 16), dense("d2", 16, 16)]
    p = plan(lv, ks)
    p.check()
    assert [a.legacy for a in p.assignments] == [
        ["Conv2D/W", "Conv2D/b"], ["FullyConnected/W", "FullyConnected/b"],
        ["FullyConnected_1/W", "FullyConnected_1/b"], ["FullyConnected_2/W", "FullyConnected_2/b"]]
    # same-shaped layers keep creation order (values are the creation index)
    assert float(p.assignments[2].arrays[0].flat[0]) == 4.0
    assert float(p.assignments[3].arrays[0].flat[0]) == 6.0


def test_tflearn_scope_never_lands_in_another_layer_kind():
    lv = lvars(("FullyConnected/W", (4, 4)), ("FullyConnected/b", (4,)))
    p = plan(lv, [KLayer("e", "Embedding", ["embeddings"], [(4, 4)])])
    assert not p.complete
    with pytest.raises(MappingError, match="UNUSED legacy variable FullyConnected/W"):
        p.check()


def test_handmade_variables_in_one_scope_are_taken_piece_by_piece():
    # a shared Siamese tower: tf.layers.dense fc1 plus get_variable W2,b2,W3,b3 in one scope
    lv = lvars(("siamese/fc1/kernel", (64, 32)), ("siamese/fc1/bias", (32,)),
               ("siamese/W2", (32, 16)), ("siamese/b2", (16,)), ("siamese/W3", (16, 16)),
               ("siamese/b3", (16,)))
    p = plan(lv, [dense("fc1", 64, 32), dense("d2", 32, 16), dense("d3", 16, 16)])
    p.check()
    assert [a.legacy for a in p.assignments] == [
        ["siamese/fc1/kernel", "siamese/fc1/bias"], ["siamese/W2", "siamese/b2"],
        ["siamese/W3", "siamese/b3"]]


def test_what_is_left_of_a_group_taken_piece_by_piece_comes_first():
    # sanku-lib: the towers share output/W (get_variable under reuse), each has its own b2
    # (tf.Variable): a Dense without bias takes output/W, the three per-tower bias layers then
    # take output/b2, output_1/b2, output_2/b2 in creation order (output/b2 used to go last)
    lv = lvars(("output/W", (48, 32)), ("output/b2", (32,)), ("output_1/b2", (32,)), ("output_2/b2", (32,)))
    biases = [KLayer(f"tf1_bias{i}", "TF1Bias", ["bias"], [(32,)]) for i in ("", "_1", "_2")]
    p = plan(lv, [dense("dense", 48, 32, bias=False), *biases])
    p.check()
    assert [a.legacy for a in p.assignments] == [["output/W"], ["output/b2"], ["output_1/b2"], ["output_2/b2"]]


def test_partial_load_is_refused_listing_both_sides():
    lv = lvars(("FullyConnected/W", (8, 4)), ("FullyConnected/b", (4,)),
               ("FullyConnected_1/W", (4, 2)), ("FullyConnected_1/b", (2,)))
    p = plan(lv, [dense("d0", 8, 4), dense("d1", 4, 3)])
    assert not p.complete
    text = "\n".join(p.lines())
    assert "UNMAPPED Keras layer d1 (Dense) needs kernel (4, 3), bias (3,)" in text
    assert "UNUSED legacy variable FullyConnected_1/W (4, 2)" in text
    # extra legacy layer -> unused; extra Keras layer -> unmapped
    assert not plan(lv, [dense("d0", 8, 4)]).complete
    assert not plan(lvars(("FullyConnected/W", (8, 4)), ("FullyConnected/b", (4,))),
                    [dense("d0", 8, 4), dense("d1", 4, 2)]).complete


def test_batch_norm_uses_the_layer_map_order():
    lv = lvars(("BatchNormalization/beta", (3,)), ("BatchNormalization/gamma", (3,)),
               ("BatchNormalization/moving_mean", (3,), False),
               ("BatchNormalization/moving_variance", (3,), False))
    k = KLayer("bn", "BatchNormalization", ["gamma", "beta", "moving_mean", "moving_variance"], [(3,)] * 4)
    p = plan(lv, [k])
    p.check()
    assert [float(a.flat[0]) for a in p.assignments[0].arrays] == [1.0, 0.0, 2.0, 3.0]
    # the same plan converts other values of the same variables (after a training step)
    again = p.convert({v.name: v.value + 10 for v in lv.vars})
    assert [float(a.flat[0]) for a in again[0]] == [11.0, 10.0, 12.0, 13.0]


def test_unknown_order_uses_natural_name_order():
    from migrator.weights.checkpoint import natural_key

    names = ["FullyConnected_10/W", "FullyConnected_2/W", "FullyConnected/W", "FullyConnected_1/W"]
    assert sorted(names, key=natural_key) == [
        "FullyConnected/W", "FullyConnected_1/W", "FullyConnected_2/W", "FullyConnected_10/W"]


# -- checkpoint round trips (subprocesses) ---------------------------------------------------
KERAS_SIDE = r"""
import json, sys, os, io, contextlib
import numpy as np
from migrator.cli import main
from migrator.weights.keras_side import load_model
out, fix = sys.argv[1], sys.argv[2]
res = {}
def cli(*args):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(list(args))
    return rc, buf.getvalue()
# tflearn CNN, model found by running the migrated script up to its fit()
rc, text = cli("weights", f"{out}/tfl/model.tfl", "--model", f"{fix}/migrated_cnn.py",
               "--out", f"{out}/cnn.weights.h5")
res["cnn_rc"], res["cnn_text"] = rc, text
m = load_model(f"{fix}/migrated_cnn.py:build")
m.load_weights(f"{out}/cnn.weights.h5")
ref = np.load(f"{out}/tflearn_outputs.npz")
res["cnn_diff"] = float(np.max(np.abs(np.asarray(m.predict(ref["x"], verbose=0)) - ref["y"])))
fresh = load_model(f"{fix}/migrated_cnn.py:build")
res["cnn_fresh_diff"] = float(np.max(np.abs(np.asarray(fresh.predict(ref["x"], verbose=0)) - ref["y"])))
rc, text = cli("weights", f"{out}/tfl/model.tfl", "--model", f"{fix}/migrated_cnn.py:build_wrong",
               "--out", f"{out}/wrong.weights.h5")
res["wrong_rc"], res["wrong_text"], res["wrong_written"] = rc, text, os.path.exists(f"{out}/wrong.weights.h5")
# raw-TF1 Siamese with one shared tower scope -> one shared encoder
rc, text = cli("weights", f"{out}/tf1", "--model", f"{fix}/migrated_siamese.py:build",
               "--out", f"{out}/siamese.weights.h5", "--show")
res["siam_rc"], res["siam_text"] = rc, text
s = load_model(f"{fix}/migrated_siamese.py:build")
s.load_weights(f"{out}/siamese.weights.h5")
ref = np.load(f"{out}/siamese_outputs.npz")
d, emb = s.predict([ref["a"], ref["b"]], verbose=0)
res["siam_d_diff"] = float(np.max(np.abs(d - ref["d"])))
res["siam_emb_diff"] = float(np.max(np.abs(emb - ref["emb"])))
rc, text = cli("weights", f"{out}/tf1", "--model", f"{fix}/migrated_siamese.py:build_wrong",
               "--out", f"{out}/siamese_wrong.weights.h5")
res["siam_wrong_rc"] = rc
json.dump(res, open(f"{out}/result.json", "w"))
"""


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("weights_rt")
    legacy = subprocess.run([PY, "-m", "migrator.legacy.run", str(FIX / "legacy_train_save.py"), str(out)],
                            cwd=out, env=env(), capture_output=True, text=True, timeout=300)
    assert legacy.returncode == 0, legacy.stderr[-3000:]
    keras = subprocess.run([PY, "-c", KERAS_SIDE, str(out), str(FIX)], cwd=out, env=env(),
                           capture_output=True, text=True, timeout=300)
    assert keras.returncode == 0, keras.stderr[-3000:]
    return json.loads((out / "result.json").read_text())


def test_tflearn_checkpoint_round_trip(roundtrip):
    r = roundtrip
    assert r["cnn_rc"] == 0, r["cnn_text"]
    assert "10 legacy variables -> 4 Keras layers" in r["cnn_text"]
    assert r["cnn_diff"] <= 1e-5
    assert r["cnn_fresh_diff"] > 1e-3          # the comparison can fail: fresh weights differ


def test_mismatched_model_is_refused_and_nothing_written(roundtrip):
    r = roundtrip
    assert r["wrong_rc"] == 1 and not r["wrong_written"]
    assert "UNMAPPED Keras layer" in r["wrong_text"] and "UNUSED legacy variable FullyConnected/W" in r["wrong_text"]
    assert r["siam_wrong_rc"] == 1


def test_tf1_siamese_shared_scope_round_trip(roundtrip):
    r = roundtrip
    assert r["siam_rc"] == 0, r["siam_text"]
    assert "siamese/W2, siamese/b2" in r["siam_text"] and "ignored siamese/W2/Adam" in r["siam_text"]
    assert "6 legacy variables -> 3 Keras layers" in r["siam_text"]
    assert r["siam_d_diff"] <= 1e-5 and r["siam_emb_diff"] <= 1e-5


def test_preprocessing_scalar_statistics_are_weights_other_scalars_not():
    """A non-trainable scalar is a counter or a summary value - except tflearn's
    DataPreprocessing mean / std (a scalar for a global mean), which the migrated
    preprocessing layer holds (tests/fixtures/tflearn_repo/image_prep_aug.py)."""
    import numpy as np

    from migrator.weights.naming import LegacyVar, ignore_reason

    stat = LegacyVar("DataPreprocessing/mean", np.float32(0.3), trainable=False)
    counter = LegacyVar("global_step", np.float32(7.0), trainable=False)
    assert ignore_reason(stat, set()) is None
    assert ignore_reason(counter, set()) is not None
