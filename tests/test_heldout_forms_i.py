"""Held-out forms of the ninth held-out set (issue 10, helper heldI):

* the TF tutorials' ``weight_variable(shape, name)`` / ``bias_variable(shape, name)`` helpers
  returning ``tf.Variable(..., name=name)``, ``conv2d(x, W) + b``, towers ``siamese_net(x,
  reuse)`` under ``variable_scope('net', reuse=reuse)`` (tf.Variable: never shared), and a weight
  decay over ``tf.trainable_variables()`` filtered by ``'W' in v.name`` (analysis/weight_decay.py
  reads the names the call sites pass; HandmadeLayersAnalysis.tf1_weight_names lists the
  helper-made conv kernels and their outside biases);
* text towers whose ``GRUCell`` objects are made inside the tower function (or at module level,
  or wrapped in ``DropoutWrapper``) and run by ``bidirectional_dynamic_rnn`` twice inside
  ``variable_scope('rnn')`` + ``reuse_variables()``, the towers differing by their lengths
  argument: each cell comes from TF1's store by its TF1 name (TFM205 ``tf1_layer``), the scope goes;
* a model-dict program TFM145 declines says why.

Fast tests never start TensorFlow; the slow ones verify the fixtures in tests/fixtures/heldout_i/
(legacy runtime vs Keras 3, the same weights) with ``migrator verify``'s machinery.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.marks import unwrap_markers
from tests.legacy_pairs import run_migrated, run_pair

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "heldout_i"
TUTORIAL = (FIX / "tutorial_towers_decay.py").read_text(encoding="utf-8")
BIGRU = (FIX / "bigru_reuse_scope.py").read_text(encoding="utf-8")


def _migrate(src: str, fixes: bool = False):
    res = migrate_source(src, "m.py", Options(fixes=fixes))
    assert res.status in ("migrated", "unchanged"), res.reason
    compile(res.code, "m.py", "exec")
    assert migrate_source(res.code, "m.py", Options(fixes=fixes)).code == res.code  # idempotent
    return res


def _body(code: str) -> str:
    return code.split('"""', 2)[2]


# -- tutorial helpers + filtered weight decay ---------------------------------------------------
def test_tutorial_towers_with_filtered_decay_translate_and_stay_two():
    res = _migrate(TUTORIAL)
    out = res.code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    # tf.Variable under reuse=True shares nothing: the faithful output keeps two towers
    assert "o1 = siamese_net(x1)\no2 = siamese_net(x2, reuse=True)\n" in out
    assert "encoder" not in _body(out)
    assert any(d.rule == "TFM201" for d in res.diagnostics)
    # the filter 'W' in v.name evaluated on net/W_conv1, net/b_conv1, net/W_fc1 ...
    for pair in ("('Conv2D', 'bias'): False", "('Conv2D', 'kernel'): True", "('Dense', 'bias'): False",
                 "('Dense', 'kernel'): True"):
        assert pair in out
    assert "weight_variable(" not in _body(out) and "in tf.trainable_variables()" not in out


def test_tutorial_towers_fixed_become_one_encoder():
    out = _migrate(TUTORIAL, fixes=True).code
    assert TODO_MARKER not in out
    assert "encoder = keras.Model(encoder_input, siamese_net(encoder_input), name='encoder')" in out
    assert "o1 = encoder(x1)\no2 = encoder(x2)\n" in out


def test_tutorial_filter_by_layer_name_keeps_only_those_kernels():
    out = _migrate(TUTORIAL.replace("if 'W' in v.name", "if 'W_fc' in v.name")).code
    assert TODO_MARKER not in out
    assert "('Conv2D', 'kernel'): False" in out and "('Dense', 'kernel'): True" in out


@pytest.mark.parametrize("edit,why", [
    # TF1 names the second tower's variable net_1/W_fc1:0, a repeated one W_fc1_1:0: an exact-end
    # test may read that suffix
    (("if 'W' in v.name", "if v.name.endswith('W_fc1:0')"), "depends on the suffix TF1 makes a tf.Variable"),
    # the name is computed at the call site: not a literal
    (("'W_fc1')", "'W_fc' + str(1))"), "not a literal"),
])
def test_tutorial_filter_that_reads_more_stays_tf1(edit, why):
    out = _migrate(TUTORIAL.replace(*edit)).code
    assert "TFM140 tf.trainable_variables() kept: " in out and why in out
    assert legacy_refs_outside_todo(out) == []


def test_helper_variable_name_defaults():
    """name= a parameter with a default: the default where the call leaves it out ('W' holds a W);
    no name= at all: TF1's 'Variable' (the filter keeps no kernel - TF1's tf.add_n([]) raises, as
    stacking nothing does)."""
    src = TUTORIAL.replace("def weight_variable(shape, name):", "def weight_variable(shape, name='W'):") \
        .replace("weight_variable([4 * 4 * 8, 16], 'W_fc1')", "weight_variable([4 * 4 * 8, 16])")
    out = _migrate(src).code
    assert TODO_MARKER not in out and "('Dense', 'kernel'): True" in out
    nameless = src.replace("return tf.Variable(initial, name=name)\n\n\ndef bias",
                           "return tf.Variable(initial)\n\n\ndef bias")
    assert nameless != src
    out = _migrate(nameless).code
    assert "('Conv2D', 'kernel'): False" in out and "('Dense', 'kernel'): False" in out


# -- RNN towers from TF1's store ------------------------------------------------------------------
def test_bigru_towers_take_their_cells_from_the_store():
    out = _migrate(BIGRU).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "fw_cell = tf1_layer('rnn/bidirectional_rnn/fw/gru_cell', lambda: TF1GRUCell(12))" in out
    assert "bw_cell = tf1_layer('rnn/bidirectional_rnn/bw/gru_cell', lambda: TF1GRUCell(12))" in out
    assert "variable_scope" not in _body(out) and "reuse_variables" not in _body(out)
    assert "h1 = encoder(embedding(s1), len1)\nh2 = encoder(embedding(s2), len2)\n" in out


@pytest.mark.parametrize("edit,want", [
    # cells made once at module level and run by the tower function: the same variables in TF1
    (("def encoder(inputs, lengths):\n    fw_cell = tf.contrib.rnn.GRUCell(12)\n    bw_cell = tf.contrib.rnn.GRUCell(12)\n",
      "fw_cell = tf.contrib.rnn.GRUCell(12)\nbw_cell = tf.contrib.rnn.GRUCell(12)\n\n\ndef encoder(inputs, lengths):\n"),
     "fw_cell = tf1_layer('rnn/bidirectional_rnn/fw/gru_cell', lambda: TF1GRUCell(12))\n"),
    # a DropoutWrapper has no variables: the wrapped cell is the stored one
    (("fw_cell = tf.contrib.rnn.GRUCell(12)",
      "fw_cell = tf.contrib.rnn.DropoutWrapper(tf.contrib.rnn.GRUCell(12), output_keep_prob=0.9)"),
     "TF1DropoutWrapper(\n        tf1_layer('rnn/bidirectional_rnn/fw/gru_cell', lambda: TF1GRUCell(12)),"),
    # one AUTO_REUSE scope per tower
    (("with tf.variable_scope('rnn'):\n    h1 = encoder(tf.nn.embedding_lookup(embedding, s1), len1)\n"
      "    tf.get_variable_scope().reuse_variables()\n",
      "with tf.variable_scope('rnn', reuse=tf.AUTO_REUSE):\n    h1 = encoder(tf.nn.embedding_lookup(embedding, s1), len1)\n"
      "with tf.variable_scope('rnn', reuse=tf.AUTO_REUSE):\n"),
     "bw_cell = tf1_layer('rnn/bidirectional_rnn/bw/gru_cell', lambda: TF1GRUCell(12))"),
])
def test_bigru_store_forms(edit, want):
    src = BIGRU.replace(*edit)
    assert src != BIGRU
    out = _migrate(src).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert want in out and "variable_scope" not in _body(out)


def test_bigru_without_reuse_raises_in_tf1_and_stays_marked():
    # no reuse_variables(): the second loop's get_variable raises in TF1 (the variables exist)
    out = _migrate(BIGRU.replace("    tf.get_variable_scope().reuse_variables()\n", "")).code
    assert "tf1_layer" not in out
    assert legacy_refs_outside_todo(out) == []


def test_module_cells_run_by_a_function_are_one_group():
    from migrator.analysis.sharing import Sharing
    from migrator.engine import migrate_source as ms

    seen = {}
    orig = Sharing.__init__

    def spy(self, ctx):
        orig(self, ctx)
        seen["groups"] = [(g.verdict, len(g.calls)) for g in self.groups]

    src = BIGRU.replace(
        "def encoder(inputs, lengths):\n    fw_cell = tf.contrib.rnn.GRUCell(12)\n    bw_cell = tf.contrib.rnn.GRUCell(12)\n",
        "fw_cell = tf.contrib.rnn.GRUCell(12)\nbw_cell = tf.contrib.rnn.GRUCell(12)\n\n\ndef encoder(inputs, lengths):\n")
    Sharing.__init__ = spy
    try:
        ms(src, "m.py", Options(fixes=False))
    finally:
        Sharing.__init__ = orig
    assert seen["groups"] == [("shared", 2)]


# -- dict programs: metrics fetched by training runs; a declined one says why ----------------------
DICT_SRC = ("import tensorflow as tf\n\n\ndef build():\n    x = tf.placeholder(tf.float32, [None, 4])\n"
            "    y = tf.placeholder(tf.float32, [None, 1])\n    out = tf.layers.dense(x, 1)\n"
            "    loss = tf.reduce_mean(tf.square(out - y))\n"
            "    train = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
            "    return {'x': x, 'y': y, 'out': out, 'loss': loss, 'train': train}\n\n\n"
            "m = build()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
            "    r = sess.run({'loss': m['loss'], 'train': m['train'], 'out': m['out']},\n"
            "                 feed_dict={m['x']: X, m['y']: Y})\n")


def test_dict_training_run_fetching_a_model_tensor_translates():
    out = _migrate(DICT_SRC).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "    train = FetchingLossModel([x, y], [loss, out], 0)\n" in out
    assert "r = {'loss': fetched[0], 'train': None, 'out': fetched[1]}" in out


def test_dict_fixture_fetching_a_metric_translates():
    out = _migrate((FIX / "dict_fetch_metric.py").read_text(encoding="utf-8")).code
    assert TODO_MARKER not in out
    assert "train_op = FetchingLossModel([a, p, n], [loss, accuracy], 0)" in out
    assert "out = {'loss': fetched[0], 'train': None, 'acc': fetched[1]}" in out


@pytest.mark.parametrize("edit,why", [
    # computed after the train op: the fetching model cannot be built where the train op was
    (("    train = tf.train.AdamOptimizer(0.1).minimize(loss)\n",
      "    train = tf.train.AdamOptimizer(0.1).minimize(loss)\n    out = out * 2.0\n"),
     "the training run fetches out, not bound once before the train op"),
    # the builder's layers carry regularizers: the fetching model would not add their losses
    (("tf.layers.dense(x, 1)", "tf.layers.dense(x, 1, kernel_regularizer=tf.nn.l2_loss)"),
     "have regularizers"),
])
def test_dict_training_run_fetch_declines_say_why(edit, why):
    src = DICT_SRC.replace(*edit)
    assert src != DICT_SRC
    out = unwrap_markers(_migrate(src).code)
    assert "TFM145 build() returns its model as a dict; not translated: " in out and why in out
    assert legacy_refs_outside_todo(out) == []


@pytest.mark.slow
def test_dict_fetch_metric_equals_tf1(tmp_path):
    got, want = _run_pair(FIX / "dict_fetch_metric.py", tmp_path)
    import numpy as np

    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)   # loss of every step
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5, atol=1e-6)   # metric of every step
    np.testing.assert_allclose(got[2], want[2], rtol=1e-4, atol=1e-5)   # codes after training
    assert len(set(want[0])) > 1                                         # training moved the loss


def _run_pair(fixture: Path, tmp_path: Path):
    return run_pair(fixture, tmp_path, lambda src: _migrate(src).code)


# -- slow: the same weights give the same numbers --------------------------------------------------
def _verify(fixture: Path, tmp_path: Path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = tmp_path / fixture.name
    src.write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    migrated = migrate_faithful(src, tmp_path / "m")
    assert TODO_MARKER not in Path(migrated).read_text(encoding="utf-8")
    res = verify_pairs([(src, migrated)], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    assert any("after one step" in line for line in lines)
    return lines


@pytest.mark.slow
def test_tutorial_towers_decay_is_equivalent_to_tf1(tmp_path):
    _verify(FIX / "tutorial_towers_decay.py", tmp_path)


@pytest.mark.slow
def test_bigru_reuse_scope_is_equivalent_to_tf1(tmp_path):
    _verify(FIX / "bigru_reuse_scope.py", tmp_path)


# -- a learning rate fed per training run ------------------------------------------------------------
RATE = (FIX / "rate_per_run.py").read_text(encoding="utf-8")


def test_rate_fed_per_run_is_set_before_each_step():
    out = _migrate(RATE).code
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    assert "lr = 0.0  # fed per training run: each step sets optimizer.learning_rate\n" in out
    assert ("    model.optimizer.learning_rate = base_lr * 0.5 ** (step // 2)\n"
            "    l = model.train_on_batch([A, B], Y)\n") in out


def test_rate_from_a_named_feed_dict():
    src = RATE.replace(
        "        _, l = sess.run([train_op, loss], feed_dict={left: A, right: B, label: Y, lr: base_lr * 0.5 ** (step // 2)})",
        "        feed = {left: A, right: B, label: Y, lr: base_lr * 0.5 ** (step // 2)}\n"
        "        _, l = sess.run([train_op, loss], feed_dict=feed)")
    assert src != RATE
    out = _migrate(src).code
    assert TODO_MARKER not in out
    assert "    model.optimizer.learning_rate = feed['lr']\n" in out


def test_rate_per_run_into_momentum_uses_tf1_momentum():
    # TF1's momentum applies the CURRENT rate to the accumulator: TFM133's TF1Momentum (not Keras'
    # SGD(momentum), whose velocity keeps the old rates) - the rate then set before each step
    out = _migrate(RATE).code
    assert "optimizer=TF1Momentum(learning_rate=lr, momentum=0.9)" in out
    adam = _migrate(RATE.replace("tf.train.MomentumOptimizer(lr, 0.9)", "tf.train.AdamOptimizer(lr)")).code
    assert TODO_MARKER not in adam and "model.optimizer.learning_rate = base_lr" in adam


@pytest.mark.parametrize("edit,why", [
    # an optimizer whose per-step rate is not modelled
    (("tf.train.MomentumOptimizer(lr, 0.9)", "tf.train.AdadeltaOptimizer(lr)"), "not proven to step"),
    # read by something else than the optimizer
    (("base_lr = 0.05\n", "base_lr = 0.05\nhalf = lr / 2\n"), "is also used in"),
])
def test_rate_per_run_forms_not_translated_stay_marked(edit, why):
    src = RATE.replace(*edit)
    assert src != RATE
    out = _migrate(src).code
    assert "TFM140 hyper placeholder lr" in out and why in out
    assert legacy_refs_outside_todo(out) == []


@pytest.mark.slow
def test_rate_per_run_equals_tf1(tmp_path):
    import numpy as np

    fixture = FIX / "rate_per_run.py"
    got, want = run_pair(fixture, tmp_path, lambda src: _migrate(RATE).code)
    migrated = tmp_path / fixture.name
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6)   # the loss of every step
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-5)   # distances after training
    # the fed rates mattered: one fixed rate (the first) gives other numbers
    const = tmp_path / "const.py"
    const.write_text(migrated.read_text().replace("model.optimizer.learning_rate = base_lr * 0.5 ** (step // 2)",
                                                  "model.optimizer.learning_rate = base_lr"))
    other = run_migrated(const, tmp_path)
    assert not np.allclose(other[1], want[1], rtol=1e-4, atol=1e-5)


def test_towers_assigned_as_one_tuple_depend_on_their_own_inputs():
    # ``ea, ep, en = embed(a), embed(p), embed(n)``: ea reads a only (Flow splits a tuple display
    # pairwise), so an evaluation run feeding only a translates
    src = (FIX / "dict_fetch_metric.py").read_text(encoding="utf-8").replace(
        "    ea = embed(a)\n    ep = embed(p, reuse=True)\n    en = embed(n, reuse=True)\n",
        "    ea, ep, en = embed(a), embed(p, reuse=True), embed(n, reuse=True)\n")
    assert "ea, ep, en = " in src
    out = _migrate(src).code
    assert TODO_MARKER not in out
    assert "codes = keras.Model(m['a'], m['emb']).predict_on_batch(XA)" in out
