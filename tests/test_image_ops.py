"""tf.image ops a TF1 graph prepares its images with (TFM130): ``convert_image_dtype`` to a float
(an integer image scaled by 1 / its dtype's largest value), ``per_image_standardization`` (also
mapped over a batch with ``tf.map_fn``) and ``resize_images`` / ``resize_bilinear`` - TF1's
legacy bilinear kernel, whose source coordinate has no half-pixel offset (Keras' resize and TF2's
tf.image.resize have one: other values). Each becomes a helper of helper_src/tf1_ops.py; a
nearest-neighbour / bicubic / area resize, an aspect-preserving one and a conversion to an
integer dtype stay TODO. Fast tier: the text; slow tier: the helpers against TF1's kernels (the
legacy runtime) on the same arrays, and verify on a fixture."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "image_prep_pairs.py"
SOURCE = FIXTURE.read_text()


@pytest.mark.parametrize("fixes", [False, True])
def test_the_image_preparation_becomes_helpers(fixes):
    out = migrate_text(SOURCE, fixes)
    assert TODO_MARKER not in out
    assert ("    img = tf1_convert_image_dtype(img, 'float32')\n"
            "    img = tf1_resize_bilinear(img, [16, 16])\n"
            "    return tf1_per_image_standardization(img)\n") in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("call", [
    "tf.image.resize_images(img, [16, 16], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)",
    "tf.image.resize_images(img, [16, 16], preserve_aspect_ratio=True)",
    "tf.image.convert_image_dtype(img, tf.uint16)",
])
def test_other_forms_stay_marked(call):
    line = {"resize": "    img = tf.image.resize_images(img, [16, 16])\n",
            "conver": "    img = tf.image.convert_image_dtype(img, tf.float32)\n"}[call[9:15]]
    src = SOURCE.replace(line, f"    img = {call}\n")
    assert src != SOURCE
    out = migrate_text(src, True)
    assert TODO_MARKER in out and call in out


TF1_SIDE = r'''
import numpy as np
import tensorflow as tf
rng = np.random.RandomState(0)
u8 = rng.randint(0, 256, size=(2, 5, 7, 3)).astype(np.uint8)
f32 = rng.rand(2, 5, 7, 3).astype(np.float32) * 4 - 1
outs = {}
with tf.Session() as sess:
    outs["convert"] = sess.run(tf.image.convert_image_dtype(tf.constant(u8), tf.float32))
    outs["convert16"] = sess.run(tf.image.convert_image_dtype(tf.constant(u8.astype(np.int16)), tf.float32))
    outs["standardize"] = sess.run(tf.map_fn(tf.image.per_image_standardization, tf.constant(f32)))
    outs["standardize_flat"] = sess.run(tf.image.per_image_standardization(tf.constant(np.ones((4, 4, 1), np.float32))))
    for h, w in ((11, 16), (3, 4), (5, 7), (10, 3)):
        outs[f"resize_{h}_{w}"] = sess.run(tf.image.resize_images(tf.constant(f32), [h, w]))
        outs[f"aligned_{h}_{w}"] = sess.run(tf.image.resize_images(tf.constant(f32), [h, w], align_corners=True))
    outs["bilinear_u8"] = sess.run(tf.image.resize_bilinear(tf.constant(u8), [9, 4]))
    img = tf.image.resize_images(tf.image.convert_image_dtype(tf.constant(u8), tf.float32), [11, 16])
    outs["model"] = sess.run(tf.map_fn(tf.image.per_image_standardization, img))
    outs["dynamic"] = outs["resize_11_16"]
np.savez(OUT, **outs)
'''

KERAS_SIDE = r'''
import numpy as np
rng = np.random.RandomState(0)
u8 = rng.randint(0, 256, size=(2, 5, 7, 3)).astype(np.uint8)
f32 = rng.rand(2, 5, 7, 3).astype(np.float32) * 4 - 1
cv = lambda t: keras.ops.convert_to_numpy(t)
outs = {"convert": cv(tf1_convert_image_dtype(u8, "float32")),
        "convert16": cv(tf1_convert_image_dtype(u8.astype(np.int16), "float32")),
        "standardize": cv(tf1_per_image_standardization(f32)),
        "standardize_flat": cv(tf1_per_image_standardization(np.ones((4, 4, 1), np.float32)))}
for h, w in ((11, 16), (3, 4), (5, 7), (10, 3)):
    outs[f"resize_{h}_{w}"] = cv(tf1_resize_bilinear(f32, [h, w]))
    outs[f"aligned_{h}_{w}"] = cv(tf1_resize_bilinear(f32, [h, w], align_corners=True))
outs["bilinear_u8"] = cv(tf1_resize_bilinear(u8, [9, 4]))
# in a functional model too (symbolic while it is built)
x = keras.Input(shape=(5, 7, 3), dtype="uint8")
m = keras.Model(x, tf1_per_image_standardization(tf1_resize_bilinear(tf1_convert_image_dtype(x, "float32"), [11, 16])))
outs["model"] = cv(m(u8))
# and where the image size is known only when it runs (a tf.data map, a TF graph)
import tensorflow as tf
dyn = tf.function(lambda t: tf1_resize_bilinear(t, [11, 16]),
                  input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)])
outs["dynamic"] = cv(dyn(f32))
np.savez(OUT, **outs)
'''


@pytest.mark.slow
def test_the_helpers_compute_tf1s_kernels(tmp_path):
    import numpy as np

    from migrator.helpers import source_text

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    (tmp_path / "tf1.py").write_text(f"OUT = {str(tmp_path / 'tf1.npz')!r}\n" + TF1_SIDE)
    helpers = "\n".join(source_text("tf1_ops", n, also=a) for n, a in (
        ("tf1_convert_image_dtype", ()), ("tf1_per_image_standardization", ()),
        ("tf1_resize_bilinear", ("_tf1_resize_weights",))))
    (tmp_path / "k.py").write_text(f"import keras\nOUT = {str(tmp_path / 'k.npz')!r}\n" + helpers + KERAS_SIDE)
    for cmd in ([sys.executable, "-m", "migrator.legacy.run", str(tmp_path / "tf1.py")],
                [sys.executable, str(tmp_path / "k.py")]):
        p = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr[-2000:]
    tf1, k = np.load(tmp_path / "tf1.npz"), np.load(tmp_path / "k.npz")
    for key in tf1.files:
        assert k[key].dtype == np.float32 and k[key].shape == tf1[key].shape, key
        np.testing.assert_allclose(k[key], tf1[key], rtol=1e-5, atol=1e-5, err_msg=key)


@pytest.mark.slow
def test_the_program_computes_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(FIXTURE, tmp_path)
