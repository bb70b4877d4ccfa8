"""Held-out forms of issue 10 (round X2, session 29): a template-method fit - a base class's
``fit`` opens the Session and runs the tensors its one subclass's hooks return, callbacks get the
session in a dict (MLRichter/simnet's ``AbstractModel``; TFM152's pre-step). Fast tier: no
TensorFlow."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options
from tests.legacy_pairs import assert_equivalent

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_x2"


def _migrate(name: str, fixes: bool) -> str:
    src = (FIX / name).read_text()
    return migrate_source(src, name, Options(fixes=fixes)).code


def _inline(src: str) -> str | None:
    from migrator.analysis.template_fits import inline_template_fits

    m = inline_template_fits(cst.parse_module("import tensorflow as tf\n" + src))
    return m.code.split("\n", 1)[1] if m is not None else None


def _undefined(code: str) -> set[str]:
    import builtins
    import symtable

    out: set[str] = set()
    top = symtable.symtable(code, "m.py", "exec")
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}

    def visit(t):
        for s in t.get_symbols():
            if s.is_global() and s.is_referenced() and s.get_name() not in defined \
                    and not hasattr(builtins, s.get_name()):
                out.add(s.get_name())
        for c in t.get_children():
            visit(c)

    visit(top)
    return out


@pytest.mark.parametrize("fixes", [False, True])
def test_template_fit_translates_without_todo(fixes):
    out = _migrate("template_fit_hooks.py", fixes)
    code = out.split('"""', 2)[2]
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not _undefined(out)
    # the base's loop is written at the call: the subclass's hooks resolved, the callbacks written out
    assert "c_1 = net.opt.train_on_batch([part[0], part[1], part[2]])" in code
    assert "probe.d = keras.Model([net.a, net.b], net.dist).predict_on_batch([probe.left, probe.right])" in code
    assert "print('epoch cost', c)" in code
    assert "class Trainer(object):\n    pass\n" in code and "def _step_op" not in code and "def on_done" not in code
    assert migrate_source(out, "t.py", Options(fixes=fixes)).code in (None, out)


def _variant(name: str) -> str:
    """The fixture in the two other spellings of the form: the hooks as read-only properties, or the
    session made by the base's constructor as ``self.sess``."""
    src = (FIX / "template_fit_hooks.py").read_text()
    if name == "properties":
        src = src.replace("self._step_op()", "self.step_op").replace("self._cost()", "self.cost")
        src = src.replace("    def _step_op(self):\n        pass\n\n    def _cost(self):\n        pass\n",
                          "    @property\n    def step_op(self):\n        raise NotImplementedError\n\n"
                          "    @property\n    def cost(self):\n        raise NotImplementedError\n")
        src = src.replace("    def _step_op(self):\n        return self.opt\n\n    def _cost(self):\n        return self.loss\n",
                          "    @property\n    def step_op(self):\n        return self.opt\n\n"
                          "    @property\n    def cost(self):\n        return self.loss\n")
        assert "@property" in src and "_step_op" not in src
    else:
        a = src.index("    def train(self")
        b = src.index("    def _prepare(self")
        loop = src[a:b].replace("        with tf.Session() as s:\n", "").replace("\n    ", "\n").replace(
            "(s,", "(self.sess,").replace("(s)", "(self.sess)").replace("': s}", "': self.sess}")
        loop = "    def __init__(self):\n        self.sess = tf.Session()\n\n" + "    " + loop.lstrip()
        src = src[:a] + loop + src[b:]
        assert "self.sess = tf.Session()" in src and "        with tf.Session" not in src
    return src


@pytest.mark.parametrize("name", ["properties", "self_sess"])
def test_other_spellings_translate(name):
    src = _variant(name)
    for fixes in (False, True):
        out = migrate_source(src, name + ".py", Options(fixes=fixes)).code
        code = out.split('"""', 2)[2]
        assert TODO_MARKER not in out and "import tensorflow" not in out and not _undefined(out)
        assert "c_1 = net.opt.train_on_batch([part[0], part[1], part[2]])" in code
        assert "probe.d = keras.Model([net.a, net.b], net.dist).predict_on_batch([probe.left, probe.right])" in code
        assert "class Trainer(object):\n    pass\n" in code
        assert ("super().__init__()" in code) == (name == "properties")
        if name == "self_sess":   # the base's session was made at the construction: nothing of it is left
            assert "net = PairNet(1.0)\nprobe = Probe(net, X[ti], X[tj])\nfor e in range(4):" in code
        assert migrate_source(out, "t.py", Options(fixes=fixes)).code in (None, out)


def test_the_written_out_tf1_program():
    out = _inline("class B(object):\n"
                  "    def fit(self, n, callbacks=[]):\n"
                  "        with tf.Session() as sess:\n"
                  "            sess.run(tf.global_variables_initializer())\n"
                  "            for i in range(n):\n"
                  "                loss = self._epoch(sess)\n"
                  "                for cb in callbacks:\n"
                  "                    cb.seen({'loss': loss})\n"
                  "            for cb in callbacks:\n"
                  "                cb.done({'session': sess})\n"
                  "    def _epoch(self, sess):\n"
                  "        _, loss = sess.run([self._op(), self._cost()], feed_dict=self._feed(3))\n"
                  "        return loss\n"
                  "    def _op(self):\n        pass\n"
                  "class S(B):\n"
                  "    def __init__(self):\n        self.x = tf.placeholder(tf.float32)\n"
                  "    def _op(self):\n        return self.op\n"
                  "    def _cost(self):\n        return self.loss\n"
                  "    def _feed(self, v):\n        return {self.x: v}\n"
                  "class C(object):\n"
                  "    def __init__(self, m):\n        self.m = m\n"
                  "    def seen(self, logs):\n        print(logs['loss'])\n"
                  "    def done(self, logs):\n        s = logs['session']\n        self.out = s.run(self.m.loss)\n"
                  "m = S()\nc = C(m)\nm.fit(2, callbacks=[c])\n")
    assert out == ("class B(object):\n    pass\n"
                   "class S(B):\n"
                   "    def __init__(self):\n        self.x = tf.placeholder(tf.float32)\n"
                   "class C(object):\n"
                   "    def __init__(self, m):\n        self.m = m\n"
                   "m = S()\nc = C(m)\n"
                   "with tf.Session() as sess:\n"
                   "    sess.run(tf.global_variables_initializer())\n"
                   "    for i in range(2):\n"
                   "        _, loss_1 = sess.run([m.op, m.loss], feed_dict={m.x: 3})\n"
                   "        loss = loss_1\n"
                   "        print(loss)\n"
                   "    c.out = sess.run(m.loss)\n")


_BASE = ("class B(object):\n"
         "    def fit(self, n):\n"
         "        with tf.Session() as sess:\n"
         "            for i in range(n):\n"
         "                sess.run(self._op())\n")
_SUB = "class S(B):\n    def _op(self):\n        return self.op\n"


_BASE_OWN = ("class B(object):\n"
             "    def __init__(self):\n        self.sess = tf.Session()\n"
             "    def fit(self, n):\n"
             "        for i in range(n):\n"
             "            self.sess.run(self._op())\n")
_SUB_INIT = ("class S(B):\n    def __init__(self):\n        super().__init__()\n        self.op = op()\n"
             "    def _op(self):\n        return self.op\n")


def test_the_base_constructors_session_is_made_after_the_construction():
    assert _inline(_BASE_OWN + _SUB_INIT + "m = S()\nm.fit(3)\n") == (
        "class B(object):\n    pass\nclass S(B):\n    def __init__(self):\n        self.op = op()\n"
        "m = S()\nsess = tf.Session()\nfor i in range(3):\n    sess.run(m.op)\n")


def test_base_form_is_written_out():
    assert _inline(_BASE + _SUB + "m = S()\nm.fit(3)\n") is not None


def test_a_dict_the_callback_stores_into_is_bound_to_its_name():
    out = _inline(_BASE.replace("def fit(self, n):", "def fit(self, n, cbs=[]):").replace(
        "sess.run(self._op())", "sess.run(self._op())\n                for cb in cbs:\n                    cb.seen({'s': sess})")
        + _SUB + "class C(object):\n    def seen(self, logs):\n        logs['s'] = 1\n        print(logs)\n"
        + "m = S()\nc = C()\nm.fit(3, cbs=[c])\n")
    assert "        logs = {'s': sess}\n        logs['s'] = 1\n        print(logs)\n" in out


def test_a_callback_attribute_stored_again_is_read_from_the_object():
    out = _inline(_BASE.replace("def fit(self, n):", "def fit(self, n, cbs=[]):").replace(
        "sess.run(self._op())", "sess.run(self._op())\n                for cb in cbs:\n                    cb.seen()")
        + _SUB + "class C(object):\n    def __init__(self, m):\n        self.m = m\n"
        + "    def seen(self):\n        print(self.m.op)\n"
        + "m = S()\nc = C(m)\nc.m = None\nm.fit(3, cbs=[c])\n")
    assert "        print(c.m.op)\n" in out


@pytest.mark.parametrize("src", [
    # two subclasses: the hooks depend on the instance
    _BASE + _SUB + "class T(B):\n    def _op(self):\n        return self.op2\nm = S()\nm.fit(3)\n",
    # two instances
    _BASE + _SUB + "m = S()\nk = S()\nm.fit(3)\n",
    # the base read elsewhere
    _BASE + _SUB + "m = S()\nm.fit(3)\nprint(B)\n",
    # the base has a constructor
    _BASE.replace("    def fit", "    def __init__(self):\n        self.k = 1\n    def fit") + _SUB + "m = S()\nm.fit(3)\n",
    # a method returning from the middle
    _BASE.replace("sess.run(self._op())", "if i:\n                    return\n                sess.run(self._op())")
    + _SUB + "m = S()\nm.fit(3)\n",
    # a base constructor doing more than making the session / the subclass not running it first
    _BASE_OWN.replace("self.sess = tf.Session()", "self.sess = tf.Session()\n        self.k = 1") + _SUB_INIT + "m = S()\nm.fit(3)\n",
    _BASE_OWN + _SUB_INIT.replace("        super().__init__()\n        self.op = op()\n",
                                  "        self.op = op()\n        super().__init__()\n") + "m = S()\nm.fit(3)\n",
    # the object's session read after the fit
    _BASE_OWN + _SUB_INIT + "m = S()\nm.fit(3)\nm.sess.close()\n",
    # the fit called before the construction / not a statement
    _BASE + _SUB + "r = S().fit(3)\n",
])
def test_declined(src):
    assert _inline(src) is None


@pytest.mark.slow
@pytest.mark.parametrize("fixes", [False, True])
def test_template_fit_runs_under_keras(tmp_path, fixes):
    import os
    import subprocess
    import sys

    import numpy as np

    out = tmp_path / "m.py"
    out.write_text(_migrate("template_fit_hooks.py", fixes))
    env = dict(os.environ, TFM_EVAL_OUT=str(tmp_path / "e.npz"), KERAS_BACKEND="tensorflow")
    subprocess.run([sys.executable, str(out)], check=True, env=env, cwd=tmp_path, timeout=600,
                   capture_output=True)
    r = np.load(tmp_path / "e.npz")
    assert r["d"].shape == (300,) and np.isfinite(r["d"]).all()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["properties", "self_sess"])
def test_other_spellings_are_equivalent_to_tf1(tmp_path, name):
    src = tmp_path / f"{name}.py"
    src.write_text(_variant(name))
    assert_equivalent(src, tmp_path)


@pytest.mark.slow
def test_template_fit_is_equivalent_to_tf1(tmp_path):
    src = FIX / "template_fit_hooks.py"
    assert_equivalent(src, tmp_path)
