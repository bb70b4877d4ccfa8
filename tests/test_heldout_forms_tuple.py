"""Held-out form (session 34): a model METHOD returning a tuple, ``loss, sq_dist =
pairs.loss(e1, e2, same, margin)`` (nlml/dlass3's ``Siamese.loss`` returning ``(loss, d2)``).
Module functions were split per returned value (Flow.tuple_parts); a method call tied BOTH
targets to all its arguments, so ``sess.run(sq_dist, {left, right})`` was judged "does not feed
same". Now ``Flow.tuple_function`` also takes ``obj.m(...)`` of a method ``plain_callee`` resolves
(through a single-inheritance chain of the file's classes, ``class Siamese(ConvNet)``), each
target depending on what ITS element reads; TFM140's label-free slice of a method is a
``@staticmethod`` of its class. Regression tier: no TensorFlow."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator.analysis.flow import Flow
from tests.outputs import assert_idempotent, body, migrate_text, undefined_names

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_tuple"
METHOD_TUPLE = FIX / "method_tuple_loss.py"

_run = functools.partial(migrate_text, name="tuple.py")


@pytest.mark.parametrize("fixes", [False, True])
def test_method_tuple_second_value_needs_no_label(fixes):
    out = _run(METHOD_TUPLE.read_text(), fixes)
    b = body(out)
    assert "does not feed same" not in b
    # the distance is the method's sliced copy, a static method called through the same instance
    assert "@staticmethod\n    def loss_sq_dist(a, b):" in b
    assert "keras.Model([left, right], sq_dist)" in b
    assert not undefined_names(out)
    # the scalar margin every run feeds 0.5 is that constant (session 35): nothing stays TF1
    assert "margin = 0.5  # the one value every run fed" in b and "TODO(tflearn-migrate)" not in out
    assert_idempotent(out, fixes)


def _flow(src: str):
    """(Flow, the deps of each name bound at module level) of ``src``."""
    import libcst as cst

    class _Ctx:
        def __init__(self, module):
            self.module = module
            self._parents = {}
            for n in _walk(module):
                for c in n.children:
                    self._parents[id(c)] = n

        def parent(self, node):
            return self._parents.get(id(node))

    def _walk(n):
        yield n
        for c in n.children:
            yield from _walk(c)

    module = cst.parse_module(src)
    flow = Flow(_Ctx(module))
    scope = flow.scopes[id(module)]
    return {d.name: set(d.deps) for d in scope.defs}


_CLASSES = """
class Base(object):
    def loss(self, a, b, y):
        d = a - b
        return y * d, d


class Sub(Base):
    def other(self):
        return 1
"""


def test_inherited_method_is_split_per_value():
    deps = _flow(_CLASSES + "m = Sub()\nl, d = m.loss(x1, x2, lab)\n")
    assert deps["d"] == {"m", "x1", "x2"}
    assert deps["l"] == {"m", "x1", "x2", "lab"}


def test_overriding_method_is_the_one_split():
    src = _CLASSES + ("class Sub2(Base):\n    def loss(self, a, b, y):\n        return a, b + y\n\n\n"
                      "m = Sub2()\nl, d = m.loss(x1, x2, lab)\n")
    deps = _flow(src)
    assert deps["l"] == {"m", "x1"}
    assert deps["d"] == {"m", "x2", "lab"}


@pytest.mark.parametrize("extra", [
    "m.loss = None\n",                      # an instance attribute shadows the method
    "setattr(m, 'loss', None)\n",
])
def test_shadowed_method_keeps_whole_call(extra):
    deps = _flow(_CLASSES + "m = Sub()\n" + extra + "l, d = m.loss(x1, x2, lab)\n")
    assert "lab" in deps["d"]


def test_unknown_base_keeps_whole_call():
    src = _CLASSES.replace("class Base(object)", "class Base(Mixin)") + "m = Sub()\nl, d = m.loss(x1, x2, lab)\n"
    # Base defines ``loss`` itself, but an unknown base above it could hook attribute lookup
    assert "lab" in _flow(src)["d"]
    src2 = _CLASSES.replace("class Sub(Base)", "class Sub(Base, Mixin)") + "m = Sub()\nl, d = m.loss(x1, x2, lab)\n"
    assert "lab" in _flow(src2)["d"]  # several bases: not followed


def test_element_reading_self_is_not_sliced():
    src = METHOD_TUPLE.read_text().replace("return total, sq_dist", "return total, self.scale * sq_dist")
    out = _run(src, False)
    assert "loss_sq_dist" not in out
