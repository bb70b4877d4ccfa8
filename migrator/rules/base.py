"""Rule base classes (the Fixit pattern: a rule carries its own examples).

A rule is a small class with a stable ``ID``, a one-line ``MESSAGE``, a ``RATIONALE``
and ``VALID`` / ``INVALID`` examples. ``tests/test_rule_examples.py`` runs every rule's
examples through the real engine with only that rule (plus ``REQUIRES``) selected.

Rules hook into the engine's single metadata-resolved pass with libcst-style methods
(``visit_Call``, ``leave_Assign`` ...), dispatched by :class:`migrator.engine.RuleDispatcher`.
:class:`CallRule` subclasses instead declare the canonical qualified names they
translate and implement :meth:`CallRule.translate`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Sequence

import libcst as cst

from ..diagnostics import Kind, Severity

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileContext


@dataclass(frozen=True)
class Case:
    """One example: ``before`` migrates to ``after`` (None: unchanged) and reports
    exactly the rule IDs in ``diagnostics`` (order-insensitive, with multiplicity)."""

    before: str
    after: str | None = None
    diagnostics: tuple[str, ...] = ()
    fixes: bool = True
    todo: bool = False  # the output keeps a TODO(tflearn-migrate) marker


class Rule:
    ID: ClassVar[str]
    NAME: ClassVar[str]
    MESSAGE: ClassVar[str]
    RATIONALE: ClassVar[str]
    KIND: ClassVar[Kind] = Kind.TRANSLATE
    SEVERITY: ClassVar[Severity] = Severity.INFO
    VALID: ClassVar[Sequence[str]] = ()
    INVALID: ClassVar[Sequence[Case]] = ()
    REQUIRES: ClassVar[tuple[str, ...]] = ()  # rules its examples need alongside it
    ORDER: ClassVar[int] = 100  # hook order within the pass (lower runs first)

    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx

    # -- helpers ---------------------------------------------------------------------
    def report(self, node: cst.CSTNode, message: str | None = None, *,
               severity: Severity | None = None, fixed: bool = False) -> None:
        self.ctx.report(node, self, message or self.MESSAGE, severity=severity, fixed=fixed)

    def todo(self, node: cst.CSTNode, message: str | None = None) -> None:
        """Leave the statement holding ``node`` unchanged-but-marked with a TODO."""
        self.ctx.todo(node, self, message or self.MESSAGE)

    @property
    def fixes_enabled(self) -> bool:
        return self.ctx.options.fixes


class CallRule(Rule):
    """Translates calls of the canonical qualified names in ``CALLS``.

    ``translate`` gets the *updated* call (children already translated) and the
    original node (for metadata and positions) and returns the replacement
    expression, or None to leave the call alone (after reporting why).
    """

    CALLS: ClassVar[tuple[str, ...]] = ()

    def translate(self, qname: str, original: cst.Call, updated: cst.Call) -> cst.BaseExpression | None:
        raise NotImplementedError
