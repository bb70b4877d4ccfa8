"""Held-out forms (issue 10, rajibchakravorty/tf_siamese): a graph builder with no mode switch
called once from inside the function / method that makes the placeholders (TFM196's pre-step; the
placeholders and the train op were in two scopes), a keyword DICT handed as an argument and
spliced in with ``**`` under ``if ... is None`` (TFM195's pre-step), the step counter and its
exponentially decayed rate fetched by a run with no feed (TFM140), and a tower builder's
``reuse=tf.AUTO_REUSE`` default (TFM205). Regression tier: no TensorFlow; slow: verify on
tests/fixtures/heldout_u/rajib_*.py."""
from __future__ import annotations

import builtins
import symtable
from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_u"
NAMES = ["rajib_builder_in_method.py", "rajib_dict_kwargs_function.py"]


def _migrate(name: str, fixes: bool):
    return migrate_source((FIX / name).read_text(), name, Options(fixes=fixes))


def _unbound(source: str) -> set[str]:
    top = symtable.symtable(source, "<m>", "exec")
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()} | set(dir(builtins))
    missing: set[str] = set()

    def visit(t):
        for s in t.get_symbols():
            if s.is_referenced() and (s.is_global() or t is top) and not s.is_assigned() and s.get_name() not in bound:
                missing.add(s.get_name())
        for c in t.get_children():
            visit(c)
    visit(top)
    return missing


# -- the fixtures: complete, idempotent, sharing kept as TF1 had it ------------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fixes", [False, True])
def test_fixture_translates_whole(name, fixes):
    res = _migrate(name, fixes)
    out = res.code
    assert TODO_MARKER not in out and "import tensorflow" not in out and "reuse=tf." not in out, out
    assert not any(d.rule in ("TFM010", "TFM011", "TFM012", "TFM013") for d in res.diagnostics)
    assert _unbound(out) == set()
    assert {"TFM195", "TFM196"} <= {d.rule for d in res.diagnostics}
    assert "train_on_batch" in out and "def make_graph(" not in out and "def assemble(" not in out
    assert "encoder(" in out  # shared in TF1 (reuse=True / AUTO_REUSE): one encoder
    assert migrate_source(out, name, Options(fixes=fixes)).code in (None, out)  # idempotent


def test_the_builder_is_written_in_the_method_with_the_dict_keywords():
    out = _migrate("rajib_builder_in_method.py", False).code
    assert "def fit(self, sample, probe):" in out
    assert "TF1Momentum(learning_rate=rate, momentum=0.8, nesterov=True)" in out
    # the parameter and the argument that carried the dict are gone; the settings class keeps it
    assert "solver_args = {'momentum': 0.8, 'use_nesterov': True}" in out and "self.settings.solver_args" not in out
    assert "def embed(x, reuse=None):" in out
    # the step and the rate, fetched together after the updates so far
    assert 'keras.ops.convert_to_numpy(keras.ops.cast(model.optimizer.iterations, "int64"))' in out
    assert "keras.ops.convert_to_numpy(rate(model.optimizer.iterations))" in out


def test_the_truth_tested_module_dict_and_two_single_fetches():
    out = _migrate("rajib_dict_kwargs_function.py", False).code
    assert "keras.optimizers.Adam(learning_rate=rate, beta_1=0.85, epsilon=1e-6)" in out
    assert "assemble(" not in out and "ADAM_EXTRA = {" in out
    assert 'done = keras.ops.convert_to_numpy(keras.ops.cast(model.optimizer.iterations, "int32"))' in out
    assert "now = keras.ops.convert_to_numpy(rate(model.optimizer.iterations))" in out
    assert "def twin(x, reuse=None):" in out


# -- TFM195: the pre-step on its own ---------------------------------------------------------------

def _dicts(src: str) -> str | None:
    from migrator.analysis.callable_params import resolve_dict_params

    m = resolve_dict_params(cst.parse_module("import tensorflow as tf\n" + src))
    return m.code.split("\n", 1)[1] if m is not None else None


def test_dict_keywords_written_and_the_none_test_decided():
    assert _dicts("def step(r, kw):\n    if kw is None:\n        o = tf.train.AdamOptimizer(r)\n    else:\n"
                  "        o = tf.train.AdamOptimizer(r, **kw)\n    return o\n"
                  "class C(object):\n    kw = {'beta1': 0.8, 'epsilon': 1e-6}\nstep(0.1, C().kw)\n") == (
        "def step(r):\n    o = tf.train.AdamOptimizer(r, beta1=0.8, epsilon=1e-6)\n    return o\n"
        "class C(object):\n    kw = {'beta1': 0.8, 'epsilon': 1e-6}\nstep(0.1)\n")


def test_dict_default_none_and_not_none_test():
    # the call omits the dict: the default None decides the test, no ``**`` is left
    assert _dicts("def step(r, kw=None):\n    if kw is not None:\n        return tf.train.AdamOptimizer(r, **kw)\n"
                  "    return tf.train.AdamOptimizer(r)\nstep(0.1)\n") == (
        "def step(r):\n    return tf.train.AdamOptimizer(r)\nstep(0.1)\n")


def test_dict_class_attribute_none_takes_the_none_branch():
    assert _dicts("def step(r, kw):\n    if kw is None:\n        o = tf.train.AdamOptimizer(r)\n    else:\n"
                  "        o = tf.train.AdamOptimizer(r, **kw)\n    return o\n"
                  "class C(object):\n    kw = None\nstep(0.1, C().kw)\n") == (
        "def step(r):\n    o = tf.train.AdamOptimizer(r)\n    return o\n"
        "class C(object):\n    kw = None\nstep(0.1)\n")


def test_dict_through_self_and_a_module_name():
    assert _dicts("KW = {'momentum': 0.5}\ndef step(r, kw):\n    return tf.train.MomentumOptimizer(r, **kw)\n"
                  "class T:\n    def __init__(self, kw):\n        self.kw = kw\n    def go(self):\n"
                  "        return step(0.1, self.kw)\nT(KW).go()\n") == (
        "KW = {'momentum': 0.5}\ndef step(r):\n    return tf.train.MomentumOptimizer(r, momentum=0.5)\n"
        "class T:\n    def __init__(self, kw):\n        self.kw = kw\n    def go(self):\n"
        "        return step(0.1)\nT(KW).go()\n")


@pytest.mark.parametrize("src", [
    # a value that is not a literal
    "def step(r, kw):\n    return tf.train.AdamOptimizer(r, **kw)\nstep(0.1, {'beta1': b})\n",
    # mutated after its binding
    "KW = {'beta1': 0.8}\nKW.update(beta2=0.9)\ndef step(r, kw):\n    return tf.train.AdamOptimizer(r, **kw)\n"
    "step(0.1, KW)\n",
    # read as a value
    "def step(r, kw):\n    n = len(kw)\n    return tf.train.AdamOptimizer(r, **kw)\nstep(0.1, {'beta1': 0.8})\n",
    # rebound inside
    "def step(r, kw):\n    kw = dict(kw)\n    return tf.train.AdamOptimizer(r, **kw)\nstep(0.1, {'beta1': 0.8})\n",
    # ``**None`` left where the default is taken
    "def step(r, kw=None):\n    return tf.train.AdamOptimizer(r, **kw)\nstep(0.1)\n",
    # the key passed twice
    "def step(r, kw):\n    return tf.train.AdamOptimizer(r, beta1=0.9, **kw)\nstep(0.1, {'beta1': 0.8})\n",
    # two calls, two dicts
    "def step(r, kw):\n    return tf.train.AdamOptimizer(r, **kw)\nstep(0.1, {'beta1': 0.8})\nstep(0.1, {})\n",
    # a class attribute stored elsewhere
    "class C:\n    kw = {'beta1': 0.8}\nC.kw = {}\ndef step(r, kw):\n    return tf.train.AdamOptimizer(r, **kw)\n"
    "step(0.1, C().kw)\n",
    # setattr anywhere
    "class C:\n    kw = {'beta1': 0.8}\nsetattr(C, 'kw', {})\ndef step(r, kw):\n"
    "    return tf.train.AdamOptimizer(r, **kw)\nstep(0.1, C().kw)\n",
])
def test_dict_declines(src):
    assert _dicts(src) is None


# -- TFM196: the pre-step on its own ---------------------------------------------------------------

def _graph(src: str) -> str | None:
    from migrator.analysis.mode_builders import inline_graph_builders

    m = inline_graph_builders(cst.parse_module("import tensorflow as tf\n" + src))
    return m.code.split("\n", 1)[1] if m is not None else None


BUILD = ("def build(a, b, dev='/cpu:0'):\n"
         "    with tf.device(dev):\n"
         "        ea = net(a)\n"
         "        eb = net(b)\n"
         "    cost = tf.reduce_mean(tf.square(ea - eb))\n"
         "    op = tf.train.AdamOptimizer(0.1).minimize(cost)\n"
         "    return ea, cost, op\n")


def test_graph_builder_written_in_the_caller_device_blocks_in_place():
    assert _graph(BUILD + "def fit(p, q):\n    e, c, t = build(p, q)\n    return e, c, t\n") == (
        "def fit(p, q):\n    e = net(p)\n    eb = net(q)\n    c = tf.reduce_mean(tf.square(e - eb))\n"
        "    t = tf.train.AdamOptimizer(0.1).minimize(c)\n    return e, c, t\n")


def test_graph_builder_in_a_method():
    out = _graph(BUILD + "class L:\n    def fit(self, p, q):\n        e, c, t = build(p, q)\n        return t\n")
    assert out is not None and "def build(" not in out and "        t = tf.train.AdamOptimizer(0.1).minimize(c)" in out


def test_graph_builder_at_module_level_and_kept_blocks():
    """Called at module level (the session rules see its train op only where minimize is
    written); a ``with`` block the body has (a named device block, a variable scope) is kept as
    written: the same ops under the same scopes, the body always run."""
    out = _graph(BUILD + "e, c, t = build(p, q)\n")
    assert out is not None and "def build(" not in out and "t = tf.train.AdamOptimizer(0.1).minimize(c)" in out
    out = _graph("def build(a):\n    with tf.variable_scope('s'):\n        e = net(a)\n"
                 "    op = tf.train.AdamOptimizer(0.1).minimize(e)\n    return e, op\ndef fit(p):\n    e, t = build(p)\n")
    assert out is not None and "    with tf.variable_scope('s'):\n        e = net(p)\n" in out
    out = _graph("def build(a):\n    with tf.device('/cpu:0') as d:\n        e = net(a)\n"
                 "    op = tf.train.AdamOptimizer(0.1).minimize(e)\n    return e, op\ndef fit(p):\n    e, t = build(p)\n")
    assert out is not None and "with tf.device('/cpu:0') as d:" in out


@pytest.mark.parametrize("src", [
    # called twice (its net(...) may build a tower: the sharing rules' business)
    BUILD + "def fit(p, q):\n    e, c, t = build(p, q)\n    f, d, s = build(q, p)\n",
    # a mode branch: TFM192's
    "def build(a, mode):\n    e = net(a)\n    op = None\n    if mode == 'train':\n"
    "        op = tf.train.AdamOptimizer(0.1).minimize(e)\n    return e, op\n"
    "def fit(p):\n    e, t = build(p, 'train')\n",
    # a loop in the builder
    "def build(a):\n    for i in range(2):\n        a = net(a)\n"
    "    op = tf.train.AdamOptimizer(0.1).minimize(a)\n    return a, op\ndef fit(p):\n    e, t = build(p)\n",
])
def test_graph_builder_declines(src):
    assert _graph(src) is None


# -- slow: the migrated programs compute what TF1 computed -------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_fixture_is_equivalent_to_tf1(name, tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / name
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))


# -- the sharing analysis through a callable object (bsmind/ftfy-official's BaseNet) -----------------

CALLABLE_NET = '''
import tensorflow as tf


class Base(object):
    def __init__(self, name="base"):
        self.name = name

    def __call__(self, x, **kwargs):
        return self.call(x, **kwargs)

    def call(self, x, **kwargs):
        raise NotImplementedError()


class Net(Base):
    def __init__(self, reuse=None, name="net"):
        super().__init__(name)
        self.reuse = reuse

    def call(self, x, **kwargs):
        head = kwargs.get("head", "")
        with tf.variable_scope(self.name, reuse=self.reuse):
            h = tf.layers.dense(x, 8, name="fc")
            return tf.layers.dense(h, 2, name=head + "_out")


def build(a, b):
    net = Net(reuse=tf.AUTO_REUSE, name="pair")
    return net(a, head="left"), net(b, head="right")


x1 = tf.placeholder(tf.float32, [None, 4])
x2 = tf.placeholder(tf.float32, [None, 4])
o1, o2 = build(x1, x2)
'''


def test_a_callable_object_forwarding_to_the_subclass_call_is_a_tower_builder():
    # Base.__call__ runs the subclass' call (self.call: the instance's class), super().__init__ sets the
    # name, kwargs.get reads the keyword the tower was called with: TF1 shares pair/fc, not the heads
    from migrator.analysis.sharing import Sharing
    from tests.test_tf1_program import analyse

    ctx, _ = analyse(CALLABLE_NET)
    groups = ctx.analysis(Sharing).groups
    assert len(groups) == 1 and groups[0].verdict == "partial"
    assert groups[0].shared == ["pair/fc/<weights>"]
    assert sorted(groups[0].unshared) == ["pair/left_out/<weights>", "pair/right_out/<weights>"]
