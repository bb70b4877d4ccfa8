"""A legacy name the program rebinds at module level (tflearn's finetuning example:
``regression = regression(softmax, ...)``) is read afterwards as the new value: no TFM100
marker on those reads, and the import goes once nothing reads it."""
from __future__ import annotations

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.marks import marked

SRC = """import tflearn
from tflearn.layers.core import input_data, fully_connected
from tflearn.layers.estimator import regression

net = input_data(shape=[None, 8])
softmax = fully_connected(net, 3, activation='softmax')
regression = regression(softmax, optimizer='adam', loss='categorical_crossentropy')
model = tflearn.DNN(regression)
model.fit(X, Y, n_epoch=2)
"""


def test_rebound_name_is_not_a_legacy_reference():
    res = migrate_source(SRC, "f.py", Options(fixes=False))
    assert res.status == "migrated", res.reason
    assert TODO_MARKER not in res.code, res.code
    assert "tflearn" not in res.code and legacy_refs_outside_todo(res.code) == []
    assert "regression = softmax" in res.code
    compile(res.code, "f.py", "exec")
    assert migrate_source(res.code, "f.py", Options(fixes=False)).code == res.code


def test_a_read_before_the_rebinding_is_the_import():
    src = SRC.replace("net = input_data", "print(regression)\nnet = input_data")
    res = migrate_source(src, "f.py", Options(fixes=False))
    assert "from tflearn.layers.estimator import regression" in res.code
    assert marked(res.code, "print(regression)")
    assert legacy_refs_outside_todo(res.code) == []
