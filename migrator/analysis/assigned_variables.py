"""What the analyses of a TF1 variable written by assign runs share (rate_variables.py: the PTB
tutorial's learning rate; assigned_tables.py: a pretrained embedding table).

Both idioms are one ``tf.Variable`` of a session program, a placeholder read only by
``tf.assign(v, p)`` / ``v.assign(p)`` ops, and runs of those ops ("set runs"). Per program
(:class:`~.tf1_program.Program`) an analysis finds its variables once (``_candidate`` per name
bound once in the program's scope) and answers which statement of the idiom a statement is.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk_rl
from .flow import Flow
from .tf1_program import Program, Run


def number_literal(node) -> bool:
    """An int or float literal, negated or not."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


class AssignedVariables:
    """Base of the two analyses. A found variable has ``stmt`` (its ``tf.Variable`` statement),
    ``placeholder_stmt``, ``assigns`` (assign-op name -> statement) and ``set_runs``."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self._cache: dict[int, list] = {}

    def _candidate(self, prog: Program, name: str, d):  # pragma: no cover - each analysis has its own
        raise NotImplementedError

    # -- queries -------------------------------------------------------------------------
    def of(self, prog: Program | None) -> list:
        if prog is None:
            return []
        if id(prog) not in self._cache:
            self._cache[id(prog)] = self._find(prog)
        return self._cache[id(prog)]

    def statement(self, prog: Program | None, stmt):
        """(variable, "variable" | "placeholder" | "assign" | "set") for a statement of the idiom."""
        for v in self.of(prog):
            if v.stmt is stmt:
                return v, "variable"
            if v.placeholder_stmt is stmt:
                return v, "placeholder"
            if any(s is stmt for s in v.assigns.values()):
                return v, "assign"
            if any(r.statement is stmt for r in v.set_runs):
                return v, "set"
        return None

    # -- search --------------------------------------------------------------------------
    def _find(self, prog: Program) -> list:
        out = []
        if prog.several_graphs:
            return out
        for name, defs in prog.scope.by_name.items():
            if len(defs) != 1 or not isinstance(defs[0].value, cst.Call):
                continue
            v = self._candidate(prog, name, defs[0])
            if v is not None:
                out.append(v)
        return out

    def _reads(self, prog: Program, name: str) -> list[cst.Name]:
        """Reads of ``name`` in the program's scope and its nested functions that do not bind it
        (a feed-dict key, an attribute's or a keyword's name are not reads)."""
        flow = self.ctx.analysis(Flow)
        out = []
        for node in walk_rl(prog.scope.node):
            if not (isinstance(node, cst.Name) and node.value == name):
                continue
            sc = flow.scope_of(node)
            if sc is not prog.scope and name in sc.by_name:
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.DictElement) and parent.key is node) \
                    or (isinstance(parent, cst.Attribute) and parent.attr is node) \
                    or (isinstance(parent, cst.Arg) and parent.keyword is node) \
                    or isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Param)):
                continue
            out.append(node)
        return out

    def _fetched_by(self, prog: Program, node: cst.Name) -> Run | None:
        """The run whose fetches hold ``node`` as one element (or as the whole fetch)."""
        for r in prog.runs:
            if r.fetches is node or (r.fetch_is_list and any(e.value is node for e in r.fetches.elements)):
                return r
        return None
