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

from ..diagnostics import Applicability, Kind, Severity

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
    unsafe_fixes: bool = False  # run with --unsafe-fixes (an unsafe rule's fix applied)
    # other files of the same run, (file name, source): ``before`` is migrated as ``example.py``
    # next to them, with the facts the runner computes across modules (analysis/modules.py)
    modules: tuple[tuple[str, str], ...] = ()
    # rules this example needs besides the rule's REQUIRES (a form another rule translates
    # first, e.g. get_variable weights made layers by TFM135 for a TFM140 weight decay)
    requires: tuple[str, ...] = ()


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
    # FIX rules only: SAFE (a structural bug proven from the code; applied by default) or UNSAFE
    # (changes data or hyperparameters; applied only with --unsafe-fixes or --fix ID), and why.
    APPLICABILITY: ClassVar[Applicability | None] = None
    APPLICABILITY_REASON: ClassVar[str] = ""
    # Prefilter (issue 13): words of which at least one must occur in a file's text for the rule
    # to do anything there (report, count, change); in a file with none of them the rule is
    # never instantiated. None: always run. An entry may be a tuple of words that must all
    # occur. A rule matching the canonical names of one root lists that root ("tensorflow" also
    # counts as present after any ``import *``: tflearn's star exports bind ``tf``); any other
    # word must survive canonicalisation (a name's last part). If in doubt, leave None.
    # tests/test_prefilter.py checks every rule's examples with the prefilter on and off.
    TRIGGERS: ClassVar[tuple[str | tuple[str, ...], ...] | None] = None

    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx

    # -- helpers ---------------------------------------------------------------------
    def report(self, node: cst.CSTNode, message: str | None = None, *,
               severity: Severity | None = None, fixed: bool = False, fix: str | None = None) -> None:
        """``fix``: for a FIX rule that leaves the code unchanged although it has a cure here,
        the exact change it would make (said in the message; an unsafe fix counts as withheld)."""
        message = message or self.MESSAGE
        withheld = False
        if fix is not None and not fixed:
            if self.fix_withheld:
                withheld = True
                message += (f"; unsafe fix withheld: {fix} (apply with --unsafe-fixes or "
                            f"--fix {self.ID})")
            else:
                message += f"; fix (off under --no-fixes): {fix}"
        self.ctx.report(node, self, message, severity=severity, fixed=fixed, withheld=withheld)

    def todo(self, node: cst.CSTNode, message: str | None = None) -> None:
        """Leave the statement holding ``node`` unchanged-but-marked with a TODO."""
        self.ctx.todo(node, self, message or self.MESSAGE)

    @property
    def fixes_enabled(self) -> bool:
        """May this FIX rule change code in this run (safe/unsafe gating, --no-fixes)?"""
        return self.ctx.options.fix_enabled(self.ID, self.APPLICABILITY is Applicability.UNSAFE)

    @property
    def fix_withheld(self) -> bool:
        """Fixes are on, but this rule's fix is unsafe and was not requested."""
        return self.ctx.options.fixes and not self.fixes_enabled


NOT_MINE = object()  # CallRule.translate's answer for a call another rule listing the name translates


class CallRule(Rule):
    """Translates calls of the canonical qualified names in ``CALLS``.

    ``translate`` gets the *updated* call (children already translated) and the
    original node (for metadata and positions) and returns the replacement
    expression, or None to leave the call alone (after reporting why), or ``NOT_MINE``
    to hand it to the next rule (in ORDER) whose CALLS name it too.
    """

    CALLS: ClassVar[tuple[str, ...]] = ()

    def translate(self, qname: str, original: cst.Call, updated: cst.Call) -> cst.BaseExpression | None:
        raise NotImplementedError
