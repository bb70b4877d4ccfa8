"""The helpers TFM114/115/118/120 insert compute what tflearn 0.5.0 computes.

ONE legacy subprocess evaluates tflearn's own objectives, metric ops, data_utils, image
preprocessing statistics and TF1's RMSProp / Adam / Momentum optimizers on fixed arrays;
ONE Keras-3 subprocess evaluates the registered helpers (the exact code inserted into
migrated files) and the Keras optimizers as TFM114 writes them. Values must agree.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import migrator.rules  # noqa: F401
from migrator.helpers import HELPERS
from migrator.rules import all_rules

pytestmark = pytest.mark.slow  # TensorFlow subprocesses: the slow tier

ROOT = Path(__file__).resolve().parents[1]
all_rules()  # registers every helper

DATA = r'''
import numpy as np
rng = np.random.RandomState(0)
logits = rng.randn(6, 4).astype("float32")
probs = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype("float32")
onehot = np.eye(4, dtype="float32")[[0, 1, 2, 3, 1, 2]]
binary = (rng.rand(6, 4) > 0.5).astype("float32")
dist = np.abs(rng.randn(8)).astype("float32")
same = (rng.rand(8) > 0.5).astype("float32")
images = (rng.rand(5, 6, 6, 3) * 255).astype("float32")
grads = [rng.randn(3).astype("float32") for _ in range(4)]
w0 = rng.randn(3).astype("float32")
'''

LEGACY = DATA + r'''
import json, sys
from migrator.legacy.shim import install
install()
import tensorflow as tf
import tflearn
from tflearn import objectives as O, metrics as M, data_utils as D
out = {}
sess = tf.Session()
run = lambda t: np.asarray(sess.run(t)).tolist()
c = tf.constant
out["softmax_categorical_crossentropy"] = run(O.softmax_categorical_crossentropy(c(logits), c(onehot)))
out["categorical_crossentropy"] = run(O.categorical_crossentropy(c(probs), c(onehot)))
out["binary_crossentropy"] = run(O.binary_crossentropy(c(logits), c(binary)))
out["weighted_crossentropy"] = run(O.weighted_crossentropy(c(logits), c(binary), weight=2.5))
out["mean_square"] = run(O.mean_square(c(logits), c(binary)))
out["hinge_loss"] = run(O.hinge_loss(c(logits), c(binary)))
out["roc_auc_score"] = run(O.roc_auc_score(c(dist), c(same)))
out["contrastive_loss"] = run(O.contrastive_loss(c(dist), c(same), margin=1.5))
out["accuracy_op"] = run(M.accuracy_op(c(logits), c(onehot)))
out["top_k_op"] = run(M.top_k_op(c(logits), c(onehot), 2))
out["r2_op"] = run(M.r2_op(c(logits), c(binary)))
out["to_categorical"] = D.to_categorical([3, 1, 3, 7]).tolist()
out["to_categorical_n"] = D.to_categorical([3, 1, 0], 5).tolist()
out["pad_sequences"] = D.pad_sequences([[1, 2, 3, 4, 5], [6, 7]], maxlen=4).tolist()
np.random.seed(3)
a, b = D.shuffle(np.arange(6), np.arange(6) * 10)
out["shuffle"] = [a.tolist(), b.tolist()]
X, Y, idx = D.string_to_semi_redundant_sequences("hello world, hello tflearn", seq_maxlen=5, redun_step=4)
out["semi_redundant"] = [X.astype(int).tolist(), Y.astype(int).tolist(), sorted(idx.items())]
prep = tflearn.ImagePreprocessing()
prep.add_featurewise_zero_center(per_channel=True)
prep.add_featurewise_stdnorm(per_channel=True)
prep.add_samplewise_zero_center()
out["pc_mean"] = np.asarray(prep._compute_global_mean(images, sess)).tolist()
out["pc_std"] = np.asarray(prep._compute_global_std(images, sess)).tolist()
out["prep_apply"] = np.asarray(prep.apply(images.copy())).tolist()
prep2 = tflearn.ImagePreprocessing()
prep2.add_featurewise_zero_center()
prep2.add_featurewise_stdnorm()
out["mean"] = float(prep2._compute_global_mean(images, sess))
out["std"] = float(prep2._compute_global_std(images, sess))
for name, opt in [("rmsprop", tflearn.RMSProp(learning_rate=0.1, decay=0.9)),
                  ("adam", tflearn.Adam(learning_rate=0.1)),
                  ("momentum", tflearn.Momentum(learning_rate=0.1)),
                  ("adagrad", tflearn.AdaGrad(learning_rate=0.1)),
                  ("adadelta", tflearn.AdaDelta(learning_rate=1.0))]:
    opt.build()
    v = tf.Variable(w0)
    g = tf.placeholder(tf.float32, [3])
    step = opt.get_tensor().apply_gradients([(g, v)])
    sess.run(tf.global_variables_initializer())
    for gr in grads:
        sess.run(step, {g: gr})
    out["opt_" + name] = sess.run(v).tolist()
print("RESULTS=" + json.dumps(out))
'''

KERAS = DATA + r'''
import json, sys
import keras
helpers = json.loads(sys.argv[1])
ns = {"keras": keras, "np": np, "random": __import__("random"), "csv": __import__("csv")}
for code in helpers:
    exec(code, ns)
out = {}
f = lambda v: np.asarray(keras.ops.convert_to_numpy(v)).tolist()
for name in ["softmax_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
             "mean_square", "hinge_loss"]:
    y_pred = probs if name == "categorical_crossentropy" else logits
    y_true = onehot if "categorical" in name else binary
    out[name] = f(ns["tflearn_" + name](y_true, y_pred))
out["weighted_crossentropy"] = f(ns["tflearn_weighted_crossentropy"](binary, logits, weight=2.5))
out["roc_auc_score"] = f(ns["tflearn_roc_auc_score"](same, dist))
out["contrastive_loss"] = f(ns["tflearn_contrastive_loss"](same, dist, margin=1.5))
out["accuracy_op"] = f(ns["tflearn_accuracy_op"](logits, onehot))
out["top_k_op"] = f(ns["tflearn_top_k_op"](logits, onehot, 2))
out["r2_op"] = f(ns["tflearn_r2_op"](logits, binary))
out["to_categorical"] = ns["tflearn_to_categorical"]([3, 1, 3, 7]).tolist()
out["to_categorical_n"] = keras.utils.to_categorical([3, 1, 0], num_classes=5).tolist()
out["pad_sequences"] = keras.utils.pad_sequences([[1, 2, 3, 4, 5], [6, 7]], maxlen=4,
                                                 padding="post", truncating="post").tolist()
np.random.seed(3)
a, b = ns["tflearn_shuffle"](np.arange(6), np.arange(6) * 10)
out["shuffle"] = [a.tolist(), b.tolist()]
X, Y, idx = ns["tflearn_string_to_semi_redundant_sequences"]("hello world, hello tflearn", seq_maxlen=5, redun_step=4)
out["semi_redundant"] = [X.astype(int).tolist(), Y.astype(int).tolist(), sorted(idx.items())]
prep = keras.Sequential([ns["FeaturewiseZeroCenter"](per_channel=True), ns["FeaturewiseStdNorm"](per_channel=True),
                         ns["SamplewiseZeroCenter"]()])
inp = keras.Input((6, 6, 3))
model = keras.Model(inp, prep(inp))
ns["tflearn_adapt_preprocessing"](prep, images)
out["pc_mean"] = f(prep.layers[0].mean)
out["pc_std"] = f(prep.layers[1].std)
out["prep_apply"] = f(model(images))
prep2 = keras.Sequential([ns["FeaturewiseZeroCenter"](), ns["FeaturewiseStdNorm"]()])
prep2.build((None, 6, 6, 3))
ns["tflearn_adapt_preprocessing"](prep2, images)
out["mean"] = float(f(prep2.layers[0].mean)[0])
out["std"] = float(f(prep2.layers[1].std)[0])
opts = {"rmsprop": ns["TF1RMSprop"](learning_rate=0.1, rho=0.9, epsilon=1e-10),
        "adam": keras.optimizers.Adam(learning_rate=0.1, epsilon=1e-8),
        "momentum": keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
        "adagrad": keras.optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.1, epsilon=0.0),
        "adadelta": keras.optimizers.Adadelta(learning_rate=1.0, rho=0.1, epsilon=1e-8),
        "rmsprop_plain": keras.optimizers.RMSprop(learning_rate=0.1, rho=0.9, epsilon=1e-10)}
for name, opt in opts.items():
    v = keras.Variable(w0)
    for gr in grads:
        opt.apply_gradients([(keras.ops.convert_to_tensor(gr), v)])
    out["opt_" + name] = f(v)
print("RESULTS=" + json.dumps(out))
'''


def _run(code, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULTS=")), None)
    assert line is not None, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(line[len("RESULTS="):])


@pytest.fixture(scope="module")
def both():
    names = [n for n in HELPERS if n.startswith("tflearn_") or n in (
        "TF1RMSprop", "FeaturewiseZeroCenter", "FeaturewiseStdNorm", "SamplewiseZeroCenter",
        "SamplewiseStdNorm")]
    # dependencies first (registration order already puts them first within a module)
    codes = [HELPERS[n].code for n in names if not HELPERS[n].requires]
    codes += [HELPERS[n].code for n in names if HELPERS[n].requires]
    return _run(LEGACY), _run(KERAS, json.dumps(codes))


KEYS = ["softmax_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
        "weighted_crossentropy", "mean_square", "hinge_loss", "roc_auc_score", "contrastive_loss",
        "accuracy_op", "top_k_op", "r2_op", "to_categorical", "to_categorical_n", "pad_sequences",
        "shuffle", "semi_redundant", "pc_mean", "pc_std", "prep_apply", "mean", "std",
        "opt_rmsprop", "opt_adam", "opt_momentum", "opt_adagrad", "opt_adadelta"]


@pytest.mark.parametrize("key", KEYS)
def test_helper_matches_tflearn(both, key):
    legacy, migrated = both
    a, b = legacy[key], migrated[key]
    if key in ("shuffle", "semi_redundant", "pad_sequences", "to_categorical", "to_categorical_n"):
        assert a == b
    else:
        np.testing.assert_allclose(np.asarray(b, dtype=float), np.asarray(a, dtype=float),
                                   rtol=2e-5, atol=2e-6)


def test_keras_rmsprop_without_the_helper_differs(both):
    """The reason TF1RMSprop exists: plain keras RMSprop starts its accumulator at 0."""
    legacy, migrated = both
    assert not np.allclose(migrated["opt_rmsprop_plain"], legacy["opt_rmsprop"], rtol=1e-3)
