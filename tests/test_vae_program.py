"""TFM162 on a variational autoencoder (TensorFlow-Examples' variational_autoencoder.py; fixture
tests/fixtures/tf1_variables/vae.py, in our words): a per-run ``tf.random_normal`` noise ->
``keras.random.normal`` drawn once per run, a tensor name bound again (one function per binding,
the decoder rebuilt on ``noise_input`` inside the session), a loss function reading module
tensors (the placeholders become keyword-only parameters). Static checks are fast; the slow test
runs the TF1 program in the legacy runtime and the migrated one on Keras 3 from the same weights
with the same noise (TF1: the ``eps`` tensor fed; Keras: ``keras.random.normal`` replaced by the
same array, counting its calls) and compares the per-step losses, the variables after the steps
and the images the rebuilt decoder generates."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "tf1_variables" / "vae.py"


def _migrate(src: str, fixes: bool = False) -> str:
    res = migrate_source(src, "p.py", Options(wrap_lines=False, fixes=fixes))
    assert res.status == "migrated", res.reason
    return res.code


@pytest.mark.parametrize("fixes", [False, True])
def test_vae_translates_completely(fixes):
    out = _migrate(FIXTURE.read_text(), fixes)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "import tensorflow" not in out and "tf.placeholder(" not in out
    assert ("def eps(input_image):\n    return keras.random.normal(keras.ops.shape(z_std(input_image)), "
            "mean=0., stddev=1.0)") in out
    assert "def decoder_2(input_image):\n    return keras.ops.tanh(decoder(input_image))" in out
    assert "def decoder_4(input_image):\n    return keras.ops.sigmoid(decoder_3(input_image))" in out
    assert "def decoder_5(noise_input):\n    return keras.ops.matmul(noise_input, weights['decoder_h1'])" in out
    assert "def vae_loss(x_reconstructed, x_true, *, input_image):" in out
    assert "kl = 1 + z_std(input_image) - keras.ops.square(z_mean(input_image))" in out
    assert "return vae_loss(decoder_4(input_image), input_image, input_image=input_image)" in out
    assert "decoder_8(keras.ops.convert_to_tensor(grid, dtype='float32'))" in out
    assert "TF1RandomNormalLike" not in out
    again = migrate_source(out, "p.py", Options(wrap_lines=False, fixes=fixes))
    assert again.status == "unchanged" and again.code == out  # idempotent


@pytest.mark.parametrize("edit, why", [
    # the noise read twice in one run: two functions calls would draw twice, TF1 drew once
    (("z = z_mean + tf.exp(z_std / 2) * eps", "z = z_mean + tf.exp(z_std / 2) * eps + 0. * eps"), "twice"),
    (("reconstruction = -tf.reduce_sum(reconstruction, 1)",
      "reconstruction = -tf.reduce_sum(reconstruction, 1) + tf.reduce_sum(z, 1) * 0."), "twice via function"),
    # a seeded per-run draw (TF1's op seed: not NumPy's / Keras' stream)
    (("stddev=1.0, name='epsilon')", "stddev=1.0, seed=3)"), "seed"),
    # a run fetching the reconstruction and the loss: one draw in TF1, two calls here
    (("_, l = sess.run([train_op, loss_op], feed_dict=feed_dict)",
      "_, l = sess.run([train_op, loss_op], feed_dict=feed_dict)\n"
      "        print(sess.run([decoder, loss_op], feed_dict={input_image: batch_x}))"), "run"),
    # the loss function used outside the program's statements
    (("losses = []", "losses = [vae_loss]"), "function read outside"),
    # a tensor name bound again as a placeholder
    (("noise_input = tf.placeholder", "decoder = tf.placeholder(tf.float32)\n    noise_input = tf.placeholder"),
     "rebound as placeholder"),
])
def test_other_programs_are_left_to_tfm140(edit, why):
    src = FIXTURE.read_text()
    assert edit[0] in src, why
    out = _migrate(src.replace(*edit))
    assert "TF1TrainStep" not in out and "keras.Variable(" not in out, why
    assert TODO_MARKER in out and legacy_refs_outside_todo(out) == [], why


def _run(cmd: list[str], cwd: Path, fix: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               TF_NUM_INTEROP_THREADS="1", TF_NUM_INTRAOP_THREADS="1", OMP_NUM_THREADS="1", VAE_FIX=str(fix))
    proc = subprocess.run(cmd + [str(cwd / "out.json")], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((cwd / "out.json").read_text())


def _close(a, b, rel=1e-4, abs_=1e-5) -> bool:
    import numpy as np

    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rel, atol=abs_))


_KERAS_FIXED = '''
for _k in weights:
    weights[_k].assign(_fix['w_' + _k])
for _k in biases:
    biases[_k].assign(_fix['b_' + _k])
_draws = []


def _fixed_normal(shape, mean=0.0, stddev=1.0, **kw):
    _draws.append([int(d) for d in shape])
    assert (mean, stddev, kw) == (0.0, 1.0, {}), (mean, stddev, kw)
    return keras.ops.convert_to_tensor(_fix['eps'])


keras.random.normal = _fixed_normal
losses = []'''

_TF1_FIXED = '''    sess.run(init)
    for _k in weights:
        sess.run(tf.assign(weights[_k], _fix['w_' + _k]))
    for _k in biases:
        sess.run(tf.assign(biases[_k], _fix['b_' + _k]))'''


@pytest.mark.slow
def test_vae_trains_like_tf1(tmp_path):
    import numpy as np

    src = FIXTURE.read_text()
    rs = np.random.RandomState(5)
    shapes = {"w_encoder_h1": (64, 32), "w_z_mean": (32, 2), "w_z_std": (32, 2), "w_decoder_h1": (2, 32),
              "w_decoder_out": (32, 64), "b_encoder_b1": (32,), "b_z_mean": (2,), "b_z_std": (2,),
              "b_decoder_b1": (32,), "b_decoder_out": (64,)}
    fixed = {k: (rs.randn(*s) * 0.3).astype(np.float32) for k, s in shapes.items()}
    fixed["eps"] = rs.randn(16, 2).astype(np.float32)
    np.savez(tmp_path / "fix.npz", **fixed)
    other = dict(fixed, eps=rs.randn(16, 2).astype(np.float32))
    np.savez(tmp_path / "other.npz", **other)

    head = "import tensorflow as tf\n"
    load = "import os\n_fix = np.load(os.environ['VAE_FIX'])\n"
    legacy_src = src.replace(head, head + load).replace("    sess.run(init)", _TF1_FIXED).replace(
        "feed_dict = {input_image: batch_x}", "feed_dict = {input_image: batch_x, eps: _fix['eps']}")
    assert legacy_src.count("_fix[") == 3
    (tmp_path / "legacy.py").write_text(legacy_src)
    migrated = _migrate(src)
    keras_src = migrated.replace("images = (", load + "images = (", 1).replace("losses = []", _KERAS_FIXED, 1)
    keras_src += "\nwith open(os.environ['VAE_FIX'] + '.draws.json', 'w') as f:\n    json.dump(_draws, f)\n"
    assert keras_src.count("_fix[") == 3
    (tmp_path / "migrated.py").write_text(keras_src)

    legacy = _run([sys.executable, "-m", "migrator.legacy.run", str(tmp_path / "legacy.py")], tmp_path,
                  tmp_path / "fix.npz")
    keras = _run([sys.executable, str(tmp_path / "migrated.py")], tmp_path, tmp_path / "fix.npz")
    draws = json.loads((tmp_path / "fix.npz.draws.json").read_text())
    assert draws == [[16, 2]] * 3  # one draw per training run, the batch's shape
    assert len(legacy["losses"]) == 3 and legacy["losses"][-1] != legacy["losses"][0]  # it trains
    assert _close(keras["losses"], legacy["losses"]), (keras["losses"], legacy["losses"])
    for k, (a, b) in enumerate(zip(keras["final"], legacy["final"])):
        assert _close(a, b), k
    start = fixed["w_decoder_out"]
    assert not _close(legacy["final"][2], start)  # the step moved the decoder's weights
    assert _close(keras["generated"], legacy["generated"])
    # negative control: other noise, other losses
    off = _run([sys.executable, str(tmp_path / "migrated.py")], tmp_path, tmp_path / "other.npz")
    assert not _close(off["losses"], legacy["losses"])
