"""tflearn activation names: looked up as given, then lowercased; an unknown one raises.

tflearn 0.5.0's ``activations.get(name)`` is ``utils.get_from_module(name, globals(),
'activation')``: the name, then ``name.lower()``, else ``Exception('Invalid activation: ' +
name)`` where the layer is built (tflearn's own examples/images/VGG19.py passes
``activation='rmsprop'`` to its last layer and so never gets past that line). The faithful
translation raises the same Exception at the same statement and reports an error; the
slow test runs both programs and compares what they raise and how far they get.
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

SRC = '''\
import json
import tflearn

net = tflearn.input_data(shape=[None, 8])
net = tflearn.fully_connected(net, 4, activation='ReLU')
reached = []
err = None
try:
    head = tflearn.fully_connected(net, 3, activation='rmsprop')
    reached.append('after')
except Exception as ex:
    err = [type(ex).__name__, str(ex)]
print("RESULT " + json.dumps({"err": err, "reached": reached}))
'''


def test_unknown_activation_is_translated_to_the_same_exception():
    res = migrate_source(SRC, "vgg_head.py", Options(fixes=False))
    assert TODO_MARKER not in res.code
    assert "activation='relu'" in res.code  # 'ReLU' -> relu (tflearn's lowercase look-up)
    assert "activation=tflearn_invalid_identifier('activation', 'rmsprop')" in res.code
    errs = [d for d in res.diagnostics if d.rule == "TFM113"]
    assert len(errs) == 1 and errs[0].severity.name == "ERROR"
    assert "softmax" in errs[0].message and "never ran past this statement" in errs[0].message
    # the recurrent layers take the name directly: a rejected name stays a TODO there
    rnn = migrate_source("import tflearn\nnet = tflearn.lstm(net, 8, activation='rmsprop')\n",
                         "rnn.py", Options(fixes=False))
    assert TODO_MARKER in rnn.code


def _run(path: Path, legacy: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow",
               CUDA_VISIBLE_DEVICES="")
    if not legacy:
        env.pop("TF_USE_LEGACY_KERAS", None)
    cmd = [sys.executable, "-m", "migrator.legacy.run", str(path)] if legacy else [sys.executable, str(path)]
    p = subprocess.run(cmd, cwd=path.parent, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    line = next(ln for ln in p.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


@pytest.mark.slow
def test_legacy_and_migrated_raise_the_same_at_the_same_statement(tmp_path):
    legacy = tmp_path / "legacy.py"
    legacy.write_text(SRC)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(migrate_source(SRC, "migrated.py", Options(fixes=False)).code)
    want = {"err": ["Exception", "Invalid activation: rmsprop"], "reached": []}
    assert _run(legacy, True) == want
    assert _run(migrated, False) == want
