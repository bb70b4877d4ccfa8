"""TFM129: a tflearn layer name given twice gets the name TF1 made unique.

Slow: the legacy program (tflearn on TF1) prints the scope of every layer's output; the
migrated one builds its Keras model (it would raise on duplicate names) and prints the layer
names. They must be the same list.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.engine import migrate_source

ROOT = Path(__file__).resolve().parents[1]

LEGACY = """\
import json
import tflearn
x = tflearn.input_data([None, 8, 8, 3])
a = tflearn.conv_2d(x, 4, 1, name='c')
b = tflearn.conv_2d(a, 4, 1, name='c')
y = tflearn.max_pool_2d(tflearn.max_pool_2d(b, 2, name='p'), 2, name='p')
z = tflearn.max_pool_2d(y, 2, name='p_1')
c = tflearn.conv_2d(z, 4, 1, name='c')
"""


def test_static_renames():
    out = migrate_source(LEGACY).code
    names = re.findall(r"name=('[^']*')", out)
    assert names == ["'c'", "'c_1'", "'p_1'", "'p'", "'p_1_1'", "'c_2'"]


@pytest.mark.slow
def test_names_equal_tf1s(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    legacy = tmp_path / "legacy.py"
    legacy.write_text(LEGACY + "print(json.dumps([t.name.split('/')[0] for t in (a, b, "
                      "y.op.inputs[0], y, z, c)]))\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(legacy)], env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    want = json.loads(p.stdout.strip().splitlines()[-1])
    assert want == ["c", "c_1", "p", "p_1", "p_1_1", "c_2"]
    migrated = tmp_path / "migrated.py"
    code = migrate_source(LEGACY).code
    assert "tflearn" not in code
    migrated.write_text(code + "model = keras.Model(x, c)\nimport json\n"
                        "print(json.dumps([l.name for l in model.layers[1:]]))\n", encoding="utf-8")
    p = subprocess.run([sys.executable, str(migrated)], env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout.strip().splitlines()[-1]) == want


BLOCKS = """\
import json
import numpy as np
import tflearn
import tflearn.activations as activations
from tflearn.utils import repeat


def block(net, scale=1.0, activation='relu'):
    a = tflearn.conv_2d(net, 4, 1, activation=None, name='c')
    b = tflearn.conv_2d(a, 4, 1, activation=None, name='c')
    net = net + scale * b
    if activation:
        net = activations.get(activation)(net)
    return net


x = tflearn.input_data([None, 3, 3, 4])
y = tflearn.conv_2d(x, 4, 1, activation='linear', name='c')
z = repeat(y, 3, block, scale=0.5, activation='leaky_relu')
z = repeat(z, 2, block, activation='Hard_Sigmoid')
X = np.random.RandomState(0).randn(2, 3, 3, 4).astype(np.float32)
"""

BLOCKS_LEGACY = BLOCKS + """\
import tensorflow as tf
names = []
for v in tf.trainable_variables():
    if v.name.split('/')[0] not in names:
        names.append(v.name.split('/')[0])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    ws = s.run(tf.trainable_variables())
    out = s.run(z, {x: X})
print(json.dumps([names, [w.tolist() for w in ws], out.tolist()]))
"""

BLOCKS_KERAS = """
names = [l.name for l in model.layers if isinstance(l, keras.layers.Conv2D)]
print(json.dumps(names))
"""


def test_blocks_translate():
    code = migrate_source(BLOCKS).code
    assert "TODO" not in code and "import tflearn" not in code
    assert "z = tflearn_repeat(y, 3, block, scale=0.5, activation='leaky_relu')" in code
    assert "net = tflearn_activation(activation)(net)" in code
    assert code.count("name=tflearn_layer_name('c')") == 3


@pytest.mark.slow
def test_repeated_blocks_names_and_values_equal_tf1s(tmp_path):
    """Names made unique at run time (3 + 2 blocks of two 'c' convs after one 'c' conv),
    tflearn.utils.repeat and activations.get('leaky_relu' alpha 0.1, 'Hard_Sigmoid' by its
    lower-case name): same names and, with TF1's weights, the same output."""
    import numpy as np

    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    legacy = tmp_path / "legacy.py"
    legacy.write_text(BLOCKS_LEGACY, encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(legacy)], env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    names, ws, out = json.loads(p.stdout.strip().splitlines()[-1])
    assert names == ["c"] + [f"c_{k}" for k in range(1, 11)]
    np.save(tmp_path / "ws.npy", np.array([np.array(w, dtype=np.float32) for w in ws], dtype=object),
            allow_pickle=True)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(migrate_source(BLOCKS).code + f"""
model = keras.Model(x, z)
ws = np.load({str(tmp_path / 'ws.npy')!r}, allow_pickle=True)
convs = [l for l in model.layers if isinstance(l, keras.layers.Conv2D)]
for i, l in enumerate(convs):
    l.set_weights([ws[2 * i], ws[2 * i + 1]])
print(json.dumps([[l.name for l in convs], model.predict(X, verbose=0).tolist()]))
""", encoding="utf-8")
    p = subprocess.run([sys.executable, str(migrated)], env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    got_names, got = json.loads(p.stdout.strip().splitlines()[-1])
    assert got_names == names
    np.testing.assert_allclose(np.array(got), np.array(out), rtol=1e-5, atol=1e-6)
