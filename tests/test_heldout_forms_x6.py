"""Held-out forms of issue 10 (round X6, session 29; after the aarti_batch_all_modelfn program of
held-out set X, whose ``train_input_fn`` returns its ``tf.data`` pipeline).

* an INPUT FUNCTION that builds a ``tf.data`` pipeline from its arguments and returns it, called
  once as ``f(...).make_one_shot_iterator().get_next()`` (or ``ds = f(...)``): TFM167 looked for
  the pipeline only in the scope that makes the iterator, so the whole program stayed TF1
  (12 TODO in the fixture). ``graph_datasets.inline_input_fns`` writes the function out at its
  call (the same ops from the same values) before the iterator program is desugared; a function
  it cannot write out faithfully is left alone (tests below);
* a ``get_next`` target whose name another function binds LOCALLY (a model function's
  ``labels = tf.cast(labels, ...)``): TFM167 counted every binding of the name in the file and
  declined ("bound again"); now only the bindings of the analysed scope count (and a function's
  ``global`` / ``nonlocal`` ones).

Regression tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.analysis.graph_datasets import inline_input_fns
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent
from tests.outputs import migrate_text as _migrate, body as _body, assert_idempotent as _idempotent

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_x6"


_FIXTURES = ["input_fn_pipeline_towers.py", "input_fn_model_fn_locals.py"]


@pytest.mark.parametrize("fixes", [False, True])
@pytest.mark.parametrize("name", _FIXTURES)
def test_fixture_translates_whole(name, fixes):
    out = _migrate((FIX / name).read_text(), fixes)
    body = _body(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert legacy_refs_outside_todo(out) == []
    assert "train_input_fn" not in body  # written out at its call
    assert ("tf1_shuffle(TF1Dataset.from_tensor_slices((X[i], X[j], pair_same)), 1000).repeat(5).batch("
            in body)
    assert "iterator_next = next(iterator)" in body and "except StopIteration:" in body
    assert "model.train_on_batch([iterator_next[0], iterator_next[1]], iterator_next[2])" in body
    program = body.split("digits = load_digits()")[1]
    assert "Session" not in program and "get_next" not in program
    if name == "input_fn_model_fn_locals.py":
        assert "def pair_loss(dist, same_b):\n    same_b = keras.ops.cast(same_b, 'float32')" in body
    compile(out, "x.py", "exec")
    _idempotent(out, fixes)


_PROGRAM = '''import numpy as np
import tensorflow as tf

{fn}

xs = np.zeros((40, 4), np.float32)
ys = np.zeros((40,), np.float32)
{call}
out = tf.layers.dense(a, 1)
loss = tf.reduce_mean(tf.square(tf.squeeze(out, 1) - b))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(3):
        sess.run(train_op)
'''

_FN = '''def input_fn(x, y, batch_size=8):
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    dataset = dataset.repeat()
    dataset = dataset.batch(batch_size=batch_size)
    return dataset'''


def _inlined(fn: str, call: str) -> str | None:
    new = inline_input_fns(cst.parse_module(_PROGRAM.format(fn=fn, call=call)))
    return None if new is None else new.code


@pytest.mark.parametrize("call, first, batch", [
    ("a, b = input_fn(xs, ys).make_one_shot_iterator().get_next()", "(xs, ys)", "8"),       # a default
    ("a, b = input_fn(xs, ys, 4).make_one_shot_iterator().get_next()", "(xs, ys)", "4"),
    ("a, b = input_fn(y=ys, x=xs[:32], batch_size=5).make_one_shot_iterator().get_next()", "(xs[:32], ys)", "5"),
])
def test_an_input_function_is_written_at_its_call(call, first, batch):
    code = _inlined(_FN, call)
    assert code is not None and "def input_fn" not in code
    assert f"dataset = tf.data.Dataset.from_tensor_slices({first})\ndataset = dataset.repeat()\n" \
           f"dataset = dataset.batch(batch_size={batch})\n" \
           "a, b = dataset.make_one_shot_iterator().get_next()" in code
    out = _migrate(_PROGRAM.format(fn=_FN, call=call))
    assert TODO_MARKER not in out and "input_fn" not in out and "train_on_batch" in out
    _idempotent(out)


def test_the_dataset_name_is_renamed_where_the_file_uses_it():
    call = "dataset = 3\nds = input_fn(xs, ys)\na, b = ds.make_one_shot_iterator().get_next()"
    code = _inlined(_FN, call)
    assert "input_fn_dataset = tf.data.Dataset.from_tensor_slices((xs, ys))" in code
    assert "ds = input_fn_dataset.batch(batch_size=8)\n" in code and "dataset = 3\n" in code
    out = _migrate(_PROGRAM.format(fn=_FN, call=call))
    assert TODO_MARKER not in out and "input_fn" not in out and "train_on_batch" in out
    _idempotent(out)


@pytest.mark.parametrize("fn, call", [
    # called twice: two pipelines
    (_FN, "a, b = input_fn(xs, ys).make_one_shot_iterator().get_next()\nc = input_fn(xs, ys)"),
    # an argument with a call: evaluated once before the body in TF1
    (_FN, "a, b = input_fn(np.copy(xs), ys).make_one_shot_iterator().get_next()"),
    # the body reads a module name (it may be rebound between the definition and the call)
    (_FN.replace("dataset.repeat()", "dataset.repeat(EPOCHS)"),
     "EPOCHS = 2\na, b = input_fn(xs, ys).make_one_shot_iterator().get_next()"),
    # a statement that is not a step of the pipeline
    (_FN.replace("    return dataset", "    print(dataset)\n    return dataset"),
     "a, b = input_fn(xs, ys).make_one_shot_iterator().get_next()"),
    # an argument expression read twice
    (_FN.replace("dataset.repeat()", "dataset.repeat(len(x))"),
     "a, b = input_fn(xs[:8], ys).make_one_shot_iterator().get_next()"),
    # *args
    (_FN.replace("(x, y, batch_size=8)", "(x, y, *rest)").replace("batch_size=batch_size", "batch_size=8"),
     "a, b = input_fn(xs, ys).make_one_shot_iterator().get_next()"),
])
def test_an_input_function_that_cannot_be_written_out_is_left_alone(fn, call):
    assert _inlined(fn, call) is None


def test_a_declined_input_function_keeps_its_honest_todo():
    out = _migrate(_PROGRAM.format(fn=_FN, call="a, b = input_fn(np.copy(xs), ys).make_one_shot_iterator()"
                                                   ".get_next()"))
    assert "def input_fn(x, y, batch_size=8):" in out and TODO_MARKER in out
    _idempotent(out)


_LOCAL = '''import numpy as np
import tensorflow as tf

xs = np.zeros((40, 4), np.float32)
ys = np.zeros((40,), np.int32)


def loss_of(out, y):
    {decl}b = tf.cast(y, tf.float32)
    return tf.reduce_mean(tf.square(tf.squeeze(out, 1) - b))


dataset = tf.data.Dataset.from_tensor_slices((xs, ys)).repeat().batch(8)
a, b = dataset.make_one_shot_iterator().get_next()
out = tf.layers.dense(a, 1)
loss = loss_of(out, b)
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(3):
        sess.run(train_op)
'''


def test_a_local_of_another_function_is_not_a_rebinding():
    out = _migrate(_LOCAL.format(decl=""))
    assert TODO_MARKER not in out and "train_on_batch" in out
    assert "def loss_of(out, y):\n    b = keras.ops.cast(y, 'float32')" in out
    _idempotent(out)


@pytest.mark.parametrize("decl", ["global b\n    ", "global a, b\n    "])
def test_a_global_rebinding_in_a_function_still_declines(decl):
    out = _migrate(_LOCAL.format(decl=decl))
    assert "TFM167 tf.data iterator `iterator` kept: a name bound by get_next() is" in out
    _idempotent(out)


# -- slow: the migrated program runs and matches TF1 -------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", _FIXTURES)
def test_fixture_is_equivalent_to_tf1(name, tmp_path):
    src = FIX / name
    assert_equivalent(src, tmp_path)
