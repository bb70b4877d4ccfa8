"""tflearn's image_preloader and DNN.load(weights_only=True), as tflearn's
examples/images/vgg_network_finetuning.py uses them.

* ``image_preloader`` -> ``tflearn_image_preloader`` (TFM118): the slow test writes small
  images (RGB PNG/JPEG of other sizes, a grayscale one, a file of another extension), a
  'file' list and a 'folder' tree, and compares tflearn's own Preloaders (legacy runtime,
  indexed sample by sample) with the helper's arrays: same samples, order, pixels, labels.
* ``load(weights_only=True)`` -> ``tflearn_load_weights_only`` (TFM117): only trainable
  weights are restored, layers made with ``restore=False`` are skipped (their scope becomes
  the Keras layer name). The slow test saves a trained model, rebuilds it with a new head and
  restores: body weights equal the file's, the head and a batch norm's moving statistics
  keep their own values (TF1's restorer_trainvars holds trainable variables only).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]

PRELOAD = '''\
import json
import sys
import numpy as np
from tflearn.data_utils import image_preloader

out = {}
for mode, target, kw in (("file", "files.txt", dict(categorical_labels=True, normalize=False,
                                                   files_extension=['.jpg', '.png'], filter_channel=True)),
                         ("folder", "tree", dict(categorical_labels=False, normalize=True)),
                         ("gray", "files.txt", dict(mode="file", grayscale=True, image_base_path=""))):
    X, Y = image_preloader(target, image_shape=(12, 10), **({"mode": mode} if mode != "gray" else {}), **kw)
    out[mode] = {"n": len(X), "x": [np.asarray(X[i]).tolist() for i in range(len(X))],
                 "y": [np.asarray(Y[i]).tolist() for i in range(len(Y))]}
print("RESULT " + json.dumps(out))
'''


def _write_images(root: Path) -> None:
    import numpy as np
    from PIL import Image

    rng = np.random.RandomState(0)
    lines = []
    for i, (size, mode, ext, label) in enumerate([((12, 10), "RGB", ".png", 0), ((20, 16), "RGB", ".png", 2),
                                                  ((9, 14), "RGB", ".jpg", 1), ((12, 10), "L", ".png", 1),
                                                  ((12, 10), "RGB", ".bmp", 0)]):
        arr = rng.randint(0, 256, size=(size[1], size[0], 3) if mode == "RGB" else (size[1], size[0]), dtype=np.uint8)
        path = root / f"img{i}{ext}"
        Image.fromarray(arr, mode).save(path)
        lines.append(f"{path} {label}")
        cls = root / "tree" / f"c{label}"
        cls.mkdir(parents=True, exist_ok=True)
        Image.fromarray(arr, mode).convert("RGB").save(cls / f"img{i}{ext}")
    (root / "files.txt").write_text("\n".join(lines) + "\n")


def _run(path: Path, legacy: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               CUDA_VISIBLE_DEVICES="")
    if not legacy:
        env.pop("TF_USE_LEGACY_KERAS", None)
    cmd = [sys.executable, "-m", "migrator.legacy.run", str(path)] if legacy else [sys.executable, str(path)]
    p = subprocess.run(cmd, cwd=path.parent, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    line = next(ln for ln in p.stdout.splitlines() if "RESULT " in ln)  # after tflearn's progress line
    return json.loads(line[line.index("RESULT ") + len("RESULT "):])


def test_preloader_and_weights_only_load_translate():
    out = migrate_source(PRELOAD, "pre.py", Options(fixes=False)).code
    assert TODO_MARKER not in out and "tflearn_image_preloader(target" in out


@pytest.mark.slow
def test_image_preloader_helper_matches_tflearn(tmp_path):
    _write_images(tmp_path)
    legacy = tmp_path / "legacy.py"
    legacy.write_text(PRELOAD)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(migrate_source(PRELOAD, "migrated.py", Options(fixes=False)).code)
    want = _run(legacy, True)
    got = _run(migrated, False)
    assert [want[m]["n"] for m in ("file", "folder", "gray")] == [3, 5, 5]  # filter_channel, extensions
    assert got == want


NET = '''\
import json
import numpy as np
import tflearn

net = tflearn.input_data(shape=[None, 6])
net = tflearn.fully_connected(net, 8, activation='relu', scope='body')
net = tflearn.batch_normalization(net, scope='bn')
net = tflearn.fully_connected(net, {n}, activation='softmax', scope='head'{restore})
net = tflearn.regression(net{restore})
model = tflearn.DNN(net)
'''
TRAIN = NET.format(n=3, restore="") + '''\
rng = np.random.RandomState(0)
X = rng.rand(64, 6).astype(np.float32)
Y = np.eye(3)[rng.randint(0, 3, 64)]
model.fit(X, Y, n_epoch=2)
model.save('base.tflearn')
'''
TUNE = NET.format(n=5, restore=", restore=False") + "model.load('base.tflearn', weights_only=True)\n"

LEGACY_PROBE = '''
import tensorflow as tf
ck = tf.train.load_checkpoint('base.tflearn')
v = {x.name[:-2]: model.session.run(x) for x in tf.global_variables()}
same = lambda k: bool(np.array_equal(v[k], ck.get_tensor(k)))
print("RESULT " + json.dumps({"body": same("body/W") and same("body/b"),
                              "bn_trainable": same("bn/beta") and same("bn/gamma"),
                              "bn_moving_restored": same("bn/moving_mean") or same("bn/moving_variance"),
                              "head_shape": list(v["head/W"].shape)}))
'''
KERAS_PROBE = '''
import keras
saved = keras.saving.load_model('base.keras', compile=False)
same = lambda a, b: all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b))
body, bn = model.layers[1], model.layers[2]
s_body, s_bn = saved.layers[1], saved.layers[2]
print("RESULT " + json.dumps({"body": same(body.weights, s_body.weights),
                              "bn_trainable": same(bn.trainable_weights, s_bn.trainable_weights),
                              "bn_moving_restored": any(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in
                                                        zip(bn.non_trainable_weights, s_bn.non_trainable_weights)),
                              "head_shape": list(model.get_layer("head").weights[0].shape)}))
'''


def _pair(tmp_path: Path, legacy: bool) -> dict:
    d = tmp_path / ("legacy" if legacy else "migrated")
    d.mkdir()
    train, tune = TRAIN, TUNE
    if not legacy:
        train = migrate_source(TRAIN, "train.py", Options(fixes=False)).code
        tune = migrate_source(TUNE, "tune.py", Options(fixes=False)).code
        assert TODO_MARKER not in train + tune
        assert "tflearn_load_weights_only(model, 'base.keras', exclude=('head',))" in tune
    (d / "train.py").write_text(train + "print('\\nRESULT {}')\n")
    _run(d / "train.py", legacy)
    (d / "tune.py").write_text(tune + (LEGACY_PROBE if legacy else KERAS_PROBE))
    return _run(d / "tune.py", legacy)


@pytest.mark.slow
def test_weights_only_load_restores_what_tflearn_restores(tmp_path):
    want = {"body": True, "bn_trainable": True, "bn_moving_restored": False, "head_shape": [8, 5]}
    assert _pair(tmp_path, True) == want
    assert _pair(tmp_path, False) == want
