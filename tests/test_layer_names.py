"""TFM129: a tflearn layer name given twice gets the name TF1 made unique.

Slow: the legacy program (tflearn on TF1) prints the scope of every layer's output; the
migrated one builds its Keras model (it would raise on duplicate names) and prints the layer
names. They must be the same list.
"""
from __future__ import annotations

import json
import os
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
    names = [line.split("name=")[1].strip(" ,)") for line in out.splitlines() if "name=" in line]
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
