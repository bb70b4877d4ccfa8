"""A weight decay over ``tf.trainable_variables()`` filtered by the TF1 variable names, in a TF1
placeholder / Session program (analysis/weight_decay.py, TFM140): the filter is evaluated on
the names TF1 gave (scope path through ``variable_scope`` blocks and call-site literals), the
decay becomes a function of the trained model's weights called by the loss. Fast tests migrate;
the slow one verifies tests/fixtures/tf1_real/module_weight_decay.py against TF1."""
from __future__ import annotations

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.options import Options
from tests.migrate_cache import migrate_source

from .test_tf1_real import FIXTURES

_PROGRAM = '''import tensorflow as tf


def fc(x, n, name):
    with tf.variable_scope(name):
        w = tf.get_variable('w', [4, n])
        b = tf.get_variable('b', [n], initializer=tf.zeros_initializer())
        return tf.matmul(x, w) + b


x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 4])
with tf.variable_scope(%(outer)r):
    out = fc(fc(x, 4, 'hidden'), 4, %(last)r)
reg = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables() if %(cond)s])
loss = tf.reduce_mean(tf.square(out - y)) + 0.01 * reg
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(3):
    sess.run(train_op, feed_dict={x: X, y: Y})
'''


def _out(outer="net", last="out", cond="'w' in v.name") -> str:
    out = migrate_source(_PROGRAM % {"outer": outer, "last": last, "cond": cond}, "wd.py", Options(wrap_lines=False, fixes=False)).code
    compile(out, "wd.py", "exec")
    return out


@pytest.mark.parametrize("outer, last, cond, kernel, bias", [
    ("net", "out", "'w' in v.name", True, False),
    ("net", "out", "not v.name.endswith('b:0')", True, False),
    ("net", "out", "'/b' not in v.op.name", True, False),
    # the enclosing scope's name holds a 'w': TF1 kept the biases too (twin/hidden/b:0)
    ("twin", "out", "'w' in v.name", True, True),
    ("net", "out", "v.name.startswith('net/')", True, True),
    ("net", "out", "v.name.startswith('other/')", False, False),
])
def test_filter_is_evaluated_on_tf1_names(outer, last, cond, kernel, bias):
    out = _out(outer, last, cond)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "def reg():\n    return keras.ops.sum(keras.ops.stack([keras.ops.sum(keras.ops.square(v)) / 2 for v in " \
           f"tf1_selected_weights(model, {{('Dense', 'bias'): {bias}, ('Dense', 'kernel'): {kernel}}})]), axis=0)" in out
    assert "return keras.ops.mean(keras.ops.square(out - y)) + 0.01 * reg()" in out  # read at each step


@pytest.mark.parametrize("outer, last, cond, why", [
    # 'w_out/b:0' has a 'w', 'hidden/b:0' not: the answer depends on more than the weight's role
    ("net", "w_out", "'w' in v.name", "the filter keeps some Dense bias weights and not others"),
    ("net", "out", "'w' in v.name.lower()", "the filter reads more than"),
    ("net", "out", "len(v.name) > 3", "the filter reads more than"),
])
def test_filters_not_decided_by_the_role_stay_marked(outer, last, cond, why):
    out = _out(outer, last, cond)
    assert TODO_MARKER in out and why in out, out


def test_unresolved_scope_and_late_variables_stay_marked():
    src = _PROGRAM % {"outer": "net", "last": "out", "cond": "'w' in v.name"}
    out = migrate_source(src.replace("fc(fc(x, 4, 'hidden'), 4, 'out')", "fc(fc(x, 4, NAMES[0]), 4, 'out')"),
                         "wd.py", Options(wrap_lines=False, fixes=False)).code
    assert "is not a string the call sites pass" in out
    late = src.replace("with tf.variable_scope('net'):\n    out = fc(fc(x, 4, 'hidden'), 4, 'out')\n", "") \
        .replace("loss = ", "with tf.variable_scope('net'):\n    out = fc(fc(x, 4, 'hidden'), 4, 'out')\nloss = ")
    out = migrate_source(late, "wd.py", Options(wrap_lines=False, fixes=False)).code
    assert TODO_MARKER in out and "created after the statement" in out, out
    # a tf.layers call's variables are in the collection under names this analysis does not compute
    out = migrate_source(src.replace("out = fc(fc(x, 4, 'hidden'), 4, 'out')",
                                     "out = tf.layers.dense(fc(x, 4, 'hidden'), 4)"), "wd.py", Options(wrap_lines=False, fixes=False)).code
    assert TODO_MARKER in out and "creates variables whose TF1 names are not computed" in out, out
    # a plain variable list (``[v for v in tf.trainable_variables() if ...]``) is no weight decay: not ours
    out = migrate_source(src.replace("tf.add_n([tf.nn.l2_loss(v) for v in", "len([v for v in"), "wd.py",
                         Options(wrap_lines=False, fixes=False)).code
    assert "tf1_selected_weights" not in out


@pytest.mark.parametrize("fixes", [False, True])
def test_module_weight_decay_fixture_translates_completely(fixes):
    src = (FIXTURES / "module_weight_decay.py").read_text()
    out = migrate_source(src, "module_weight_decay.py", Options(wrap_lines=False, fixes=fixes)).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "tf1_selected_weights(model, {('Dense', 'bias'): False, ('Dense', 'kernel'): True})" in out
    assert "return contrastive(same, dist) + 5e-4 * decay()" in out
    assert "opt.global_clipnorm = 3.0" in out and "ExponentialDecay(" in out
    assert migrate_source(out, "module_weight_decay.py", Options(wrap_lines=False, fixes=fixes)).code == out


@pytest.mark.slow
def test_module_weight_decay_is_equivalent_to_tf1(tmp_path):
    # verify: the same weights give the same distances, and one training step (the contrastive
    # loss PLUS the kernels' decay, clipped by global norm, momentum at the decayed rate) moves
    # every weight as TF1 did - biases included, which the decay leaves out
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIXTURES / "module_weight_decay.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    steps = [line for line in lines if "after one step" in line]
    assert len(steps) == 4 and all(line.lstrip().startswith("ok") for line in steps), lines
