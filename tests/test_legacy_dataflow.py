"""The legacy runtime pins a thread race in tflearn's ``FeedDictFlow`` (shim item 11).

tflearn's batch-id thread hands out ``index_array[start:end]`` - a view - and reshuffles
``index_array`` in place when an epoch ends, while a worker thread may still be slicing the data
through that view. The last batch of an epoch then sometimes holds rows of the next epoch's
order, and two runs of one program train differently. Under the runtime the ids are a copy.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a TensorFlow subprocess

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = textwrap.dedent('''
    import json, os
    import numpy as np
    import tflearn
    from tflearn.data_flow import FeedDictFlow

    flow = FeedDictFlow({"x": np.arange(4)}, coord=None, batch_size=4, shuffle=True, continuous=True)
    first = flow.next_batch_ids()
    before = first.copy()
    flow.next_batch_ids()        # the next epoch: index_array reshuffled in place
    flow.next_batch_ids()
    json.dump({"shares": bool(np.shares_memory(first, flow.index_array)),
               "unchanged": bool(np.array_equal(first, before))}, open(os.environ["OUT"], "w"))
''')


def _run(tmp_path, runner):
    src = tmp_path / "prog.py"
    src.write_text(PROGRAM)
    env = dict(os.environ, OUT=str(tmp_path / "out.json"), PYTHONPATH=str(ROOT), CUDA_VISIBLE_DEVICES="",
               TF_CPP_MIN_LOG_LEVEL="3")
    p = subprocess.run([sys.executable, *runner, str(src)], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads((tmp_path / "out.json").read_text())


def test_batch_ids_are_a_copy_under_the_runtime(tmp_path):
    out = _run(tmp_path, ["-m", "migrator.legacy.run"])
    assert out == {"shares": False, "unchanged": True}


def test_without_the_pin_the_ids_are_a_view(tmp_path):
    # the negative control: the shim alone (what tflearn does) hands out a view
    boot = ("import sys, runpy; from migrator.legacy import shim; shim.install(); "
            "sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != '_PinDataFlowRace']; "
            "runpy.run_path(sys.argv[1], run_name='__main__')")
    out = _run(tmp_path, ["-c", boot])
    assert out["shares"] is True
