"""Held-out forms (set M): TF1 programs whose session runs a graph that is not the default
graph (``tf.Graph().as_default()`` + ``tf.Session(graph=graph)``), with ``tf.layers.Dense``
objects shared by the two towers."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator.engine import migrate_source
from migrator.options import Options

FIXTURE = Path(__file__).parent / "fixtures" / "heldout_m" / "graph_layer_objects.py"


def test_graph_layer_objects_migrate_whole_and_shared():
    src = FIXTURE.read_text(encoding="utf-8")
    for fixes in (False, True):
        out = migrate_source(src, "t.py", Options(fixes=fixes)).code
        assert "TODO(tflearn-migrate)" not in out, out
        assert "tensorflow" not in out
        # one layer object per TF1 layer object, each applied to both inputs (shared weights)
        assert out.count("keras.layers.Dense(") == 2, out
        assert "o1 = embed(hidden(left))" in out and "o2 = embed(hidden(right))" in out, out
        assert migrate_source(out, "t.py", Options(fixes=fixes)).code == out


@pytest.mark.slow
def test_graph_layer_objects_equivalent_to_tf1(tmp_path):
    # verify reads the variables of the SESSION's graph (not the default graph, empty here)
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    res = verify_pairs([(FIXTURE, migrate_faithful(FIXTURE, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
