"""Random draws that only ever become ONE ``tf.Variable``'s initial value (TFM190).

``initial_value = tf.truncated_normal([3, 3, 1, 8], 0.0, 0.001)`` bound to a name whose every read
is either a static shape read (``initial_value.get_shape()`` / ``.shape`` / ``.dtype``) or carries
the value - through ``v = initial_value`` aliases and parameters of the file's own functions
(``get_var(initial_value, ...)``) - into the initial value of exactly one ``tf.Variable(...)``
call that no layer rule takes over (TFM135 removes / re-creates the variables it makes layers of,
with the draw as their initializer). In TF1 such a tensor is evaluated once, by the variables'
initializer; drawn eagerly with ``keras.random`` (same distribution, truncation at two standard
deviations, other numbers) it is the same value the variable starts from. A draw read by an
op that runs per ``sess.run`` (noise) is NOT this form: TF1 drew it again at every run.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable, bind_def
from ..cstcache import walk
from .variable_program import RANDOM_INITS, RANDOM_SIG

_SHAPE_ATTRS = ("shape", "get_shape", "dtype")


class DrawnInitialValues:
    """``ctx.analysis(DrawnInitialValues).calls``: ids of the random calls (``name = tf.truncated_normal
    (...)`` / ``tf.random_normal(...)`` statements, float32, no seed) drawn once as one surviving
    ``tf.Variable``'s initial value."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.calls: frozenset[int] = frozenset()
        self.variables: frozenset[int] = frozenset()  # ids of the tf.Variable calls those draws start
        from .flow import Flow
        from .handmade_layers import HandmadeLayersAnalysis
        from .variable_program import VariableProgram

        if ctx.analysis(VariableProgram).ok:
            return  # TFM162's program: its own keras.Variables and draws
        self._flow = ctx.analysis(Flow)
        hm = ctx.analysis(HandmadeLayersAnalysis)
        self._layered = hm.removed_variable_calls() | hm.free_variable_calls()
        out, variables = set(), set()
        for node in walk(ctx.module):
            if not (isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.value, cst.Call)
                    and isinstance(node.targets[0].target, cst.Name)):
                continue
            if ctx.legacy_name(node.value.func) not in RANDOM_INITS or not self._plain(node.value):
                continue
            stmt = ctx.statement_of(node)
            if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
                continue
            sinks: list = []
            if self._carried(node.targets[0].target.value, stmt, sinks, set()) and len(sinks) == 1:
                out.add(id(node.value))
                variables.add(id(sinks[0]))
        self.calls = frozenset(out)
        self.variables = frozenset(variables)

    def _plain(self, c: cst.Call) -> bool:
        """No seed (TF1's op seed has no Keras counterpart) and float32 (the default)."""
        try:
            b = BoundArgs(c, RANDOM_SIG)
        except Unbindable:
            return False
        if b.given("seed") or not b.given("shape"):
            return False
        if b.given("dtype"):
            d = self.ctx.legacy_name(b.node("dtype"))
            if d not in ("tensorflow.float32",):
                return False
        return True

    def _carried(self, name: str, stmt, sinks: list, seen: set) -> bool:
        """Every read of ``name``'s binding at ``stmt`` is a shape read or carries it into a
        tf.Variable's initial value (recorded in ``sinks``)."""
        if (id(stmt), name) in seen:
            return False  # recursion: a function passing the value back to itself
        seen.add((id(stmt), name))
        reads = self._flow.binding_reads(name, stmt)
        if not reads:
            return False
        ctx = self.ctx
        for n in reads:
            if n is None:
                return False
            p = ctx.parent(n)
            if isinstance(p, cst.Attribute) and p.value is n and p.attr.value in _SHAPE_ATTRS:
                continue  # static shape / dtype: the same in Keras
            if isinstance(p, cst.Assign) and p.value is n and len(p.targets) == 1 \
                    and isinstance(p.targets[0].target, cst.Name):
                st = ctx.statement_of(p)
                if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                        and self._carried(p.targets[0].target.value, st, sinks, seen)):
                    return False
                continue
            if not isinstance(p, cst.Arg) or p.star:
                return False
            c = ctx.parent(p)
            if not isinstance(c, cst.Call):
                return False
            if ctx.legacy_name(c.func) == "tensorflow.Variable":
                first = c.args[0] is p and p.keyword is None or (p.keyword is not None
                                                                 and p.keyword.value == "initial_value")
                if not first or id(c) in self._layered:
                    return False
                sinks.append(c)
                continue
            fn = self._flow.functions.get(c.func.value) if isinstance(c.func, cst.Name) else None
            if fn is None or ctx.legacy_name(c.func) is not None:
                return False
            bound = bind_def(fn, c)
            param = next((k for k, v in (bound or {}).items() if v is n), None)
            if param is None or not self._carried(param, fn, sinks, seen):
                return False
        return True
