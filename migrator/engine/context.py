"""``FileContext``: what rules share while one file is migrated (metadata, reports, TODO marks,
statement edits, imports, helpers, analyses, suppression, the invariant's protected statements)."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Sequence

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider

from .. import cstcache
from ..analysis.bindings import KEPT_ID
from ..cstcache import walk as _walk  # pre-order, memoised children
from ..diagnostics import Diagnostic, Kind, Severity
from ..emit import code as code_of
from ..helpers import HELPERS
from ..names import NameResolver
from ..options import Options
from ..rules.base import Rule
from .import_passes import CodemodContext, add_needed_import
from .legacy_refs import COMPOUND, STATEMENT_TYPES, LegacyBindings
from .switches import Switches
from .suppression import UNTRANSLATED_ID, is_suppressed, suppression_lines
from .todo import Mark, kept_before

_MISSING = object()


class FileContext:
    """Everything rules share while one file is migrated."""

    def __init__(self, codemod_context: CodemodContext, options: Options, path: str) -> None:
        self.codemod_context = codemod_context
        self.options = options
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.module: cst.Module = None  # type: ignore[assignment]  # set by the dispatcher
        self.resolver: NameResolver = None  # type: ignore[assignment]
        self.bindings: LegacyBindings = None  # type: ignore[assignment]
        self._meta: Callable[..., Any] = None  # type: ignore[assignment]
        self._parents: dict[int, cst.CSTNode] | None = None  # id(original node) -> parent
        self._marks: dict[int, list[Mark]] = defaultdict(list)
        self._before: dict[int, list[cst.BaseStatement]] = defaultdict(list)
        self._after: dict[int, list[cst.BaseStatement]] = defaultdict(list)
        self._removed: set[int] = set()
        self._analyses: dict[type, Any] = {}
        self._legacy_names: dict[int, str | None] = {}  # id(original node) -> legacy_name
        self.helpers: list[str] = []
        self.mode_switches: list[tuple] = []  # TFM148: (text, (line, col)) of the mode switches removed
        self.kept_legacy_names: set[str] = set()  # names bound by legacy imports kept for TODO lines
        self.counts: dict[str, int] = defaultdict(int)
        self.rules_by_id: dict[str, Rule] = {}  # the rules run on this file (after the prefilter)
        self.enabled_ids: frozenset[str] = frozenset()  # the rules enabled in this run
        # the invariant (analysis/bindings.py): the input's resolved metadata, and the
        # positions of statements a rule must not remove (their names are still read)
        self.input_metadata: dict = {}
        self.protected: dict[tuple[int, int], str] = {}
        # inline suppression: id(original statement) -> rule IDs its line's comment ignores
        self.source: str | None = None  # the input's text, when known (else printed once)
        self.suppress: dict[int, frozenset[str]] = {}
        self.current_rule: str | None = None  # the rule whose hook runs (suppressed removals)

    @property
    def module_code(self) -> str:
        """``self.module.code`` without printing the tree again: ``self.module`` is the parsed
        input and ``source`` its text (libcst prints a parsed module back byte for byte)."""
        return self.source if self.source is not None else self.module.code

    def _find_suppressions(self, module: cst.Module) -> None:
        """Which statements carry a ``# tflearn-migrate: ignore[...]`` comment on their own
        line(s): a simple statement's lines, a compound statement's header lines."""
        by_line = suppression_lines(self.source if self.source is not None else module.code)
        self.suppress = {}
        if not by_line:
            return
        for node in _walk(module):
            if not isinstance(node, STATEMENT_TYPES):
                continue
            pos = self.meta(PositionProvider, node, None)
            if pos is None:
                continue
            last = pos.end.line
            body = getattr(node, "body", None)
            if isinstance(node, COMPOUND) and isinstance(body, cst.IndentedBlock):
                bpos = self.meta(PositionProvider, body, None)
                first = body.body[0] if body.body else None
                if bpos is not None:
                    last = bpos.start.line - 1 - len(getattr(first, "leading_lines", ()))
            ids = frozenset().union(*(by_line.get(l, frozenset()) for l in range(pos.start.line, last + 1)))
            if ids:
                self.suppress[id(node)] = ids

    def suppressed(self, node: cst.CSTNode | None, rule_id: str) -> bool:
        """Does an inline comment switch ``rule_id`` off on the statement holding ``node``?"""
        if not self.suppress or node is None:
            return False
        stmt = node if isinstance(node, STATEMENT_TYPES) else self.statement_of(node)
        return stmt is not None and is_suppressed(self.suppress.get(id(stmt)), rule_id)

    # -- metadata ----------------------------------------------------------------------
    def meta(self, provider, node: cst.CSTNode, default: Any = None) -> Any:
        if provider is ParentNodeProvider:  # our own map: cstcache.parent_map
            return self._parent_map().get(id(node), default)
        return self._meta(provider, node, default)

    def _parent_map(self) -> dict[int, cst.CSTNode]:
        """Parents of the original tree's nodes (built on first use when the dispatcher has
        not built them, e.g. for a context set up by hand around ``module``)."""
        if self._parents is None:
            if self.module is None:
                return {}
            self._parents = cstcache.parent_map(self.module)
        return self._parents

    def qualified(self, node: cst.CSTNode) -> set[str]:
        self._check_original(node)
        return self.resolver.qualified(node)

    def legacy_name(self, node: cst.CSTNode | None) -> str | None:
        """Canonical tflearn/tensorflow name of an ORIGINAL node (None otherwise)."""
        if node is None:
            return None
        # memoised by id: only nodes of the original tree are stored, and the engine keeps that
        # tree alive for the whole file, so an id stored here is never reused by another node
        # (the dispatcher asks for every call, and the rules ask again for the same nodes)
        hit = self._legacy_names.get(id(node), _MISSING)
        if hit is not _MISSING:
            return hit
        self._check_original(node)
        name = self._legacy_names[id(node)] = self.resolver.legacy_name(node)
        return name

    def _check_original(self, node: cst.CSTNode) -> None:
        if node is not self.module and self.meta(ParentNodeProvider, node, None) is None:
            raise RuntimeError(
                "metadata lookup on a node that is not part of the original tree - pass the "
                f"original node (BoundArgs.orig) instead: {code_of(node)[:60]!r}")

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._parent_map().get(id(node))

    def loops_around(self, node: cst.CSTNode, stop: tuple[type, ...] = (cst.FunctionDef, cst.Module)
                     ) -> list[cst.CSTNode]:
        """The ``for`` / ``while`` loops around ``node``, innermost first, up to the first
        ancestor of a ``stop`` type (by default: the loops of its own function, or the module's)."""
        out: list[cst.CSTNode] = []
        p = self.parent(node)
        while p is not None and not isinstance(p, stop):
            if isinstance(p, (cst.For, cst.While)):
                out.append(p)
            p = self.parent(p)
        return out

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The original statement (simple line or compound header) holding ``node``."""
        n: cst.CSTNode | None = node
        while n is not None and not isinstance(n, STATEMENT_TYPES):
            n = self.parent(n)
        return n

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        n: cst.CSTNode | None = node
        while n is not None:
            pos = self.meta(PositionProvider, n, None)
            if pos is not None:
                return pos.start.line, pos.start.column + 1
            n = self.parent(n)
        return 1, 1

    def analysis(self, cls: type) -> Any:
        """A per-file analysis object, built once on first request: ``cls(ctx)``."""
        if cls not in self._analyses:
            self._analyses[cls] = cls(self)
        return self._analyses[cls]

    # -- reporting -------------------------------------------------------------------------
    def report(self, node: cst.CSTNode, rule: Rule | str, message: str, *,
               severity: Severity | None = None, fixed: bool = False, todo: bool = False,
               withheld: bool = False) -> None:
        rid, kind, sev = self._rule_info(rule)
        if self.suppress and self.suppressed(node, rid):
            return
        message = " ".join(message.split())  # one line (a message may quote multi-line code)
        line, col = self.position(node)
        self.diagnostics.append(Diagnostic(
            path=self.path, line=line, col=col, rule=rid, message=message,
            severity=severity or sev, kind=kind, todo=todo, fixed=fixed, withheld=withheld))

    def count(self, rule: Rule | str) -> None:
        """Count one translation done by ``rule`` (reported as statistics, not diagnostics)."""
        self.counts[rule.ID if isinstance(rule, Rule) else rule] += 1

    def todo(self, node: cst.CSTNode, rule: Rule | str, message: str) -> None:
        stmt = self.statement_of(node)
        if stmt is None:
            stmt = node
        rid, _, _ = self._rule_info(rule)
        if self.suppress and is_suppressed(self.suppress.get(id(stmt)), rid):
            return
        message = " ".join(message.split())  # a marker is comment lines: no newline of its own
        if any(m.rule == rid and m.message == message for m in self._marks[id(stmt)]):
            return
        self._marks[id(stmt)].append(Mark(rid, message))
        self.report(node, rule, message, severity=Severity.WARNING, todo=True)

    def has_todo(self, node: cst.CSTNode) -> bool:
        stmt = self.statement_of(node)
        return stmt is not None and bool(self._marks.get(id(stmt)))

    def _rule_info(self, rule: Rule | str) -> tuple[str, Kind, Severity]:
        if isinstance(rule, Rule):
            return rule.ID, rule.KIND, rule.SEVERITY
        if rule == UNTRANSLATED_ID:
            return rule, Kind.TRANSLATE, Severity.WARNING
        from ..rules import rule_by_id

        try:
            cls = rule_by_id(rule)
        except KeyError:
            return rule, Kind.TOOL, Severity.ERROR
        return cls.ID, cls.KIND, cls.SEVERITY

    # -- edits -------------------------------------------------------------------------------
    def insert_before(self, node: cst.CSTNode, stmts: Sequence[cst.BaseStatement]) -> None:
        stmt = self.statement_of(node)
        assert stmt is not None, "insert_before needs a node inside a statement"
        self._before[id(stmt)].extend(stmts)

    def insert_after(self, node: cst.CSTNode, stmts: Sequence[cst.BaseStatement]) -> None:
        stmt = self.statement_of(node)
        assert stmt is not None, "insert_after needs a node inside a statement"
        self._after[id(stmt)].extend(stmts)

    def remove_statement(self, node: cst.CSTNode) -> None:
        stmt = self.statement_of(node)
        assert stmt is not None
        if self.current_rule is not None and self.suppressed(stmt, self.current_rule):
            return  # an inline comment keeps the statement from that rule
        self._removed.add(id(stmt))

    def add_import(self, module: str, obj: str | None = None, asname: str | None = None) -> None:
        add_needed_import(self.codemod_context, module, obj, asname)

    def use_helper(self, name: str) -> str:
        helper = HELPERS[name]
        for dep in helper.requires:
            self.use_helper(dep)
        if not self.options.helpers_module:  # else the helpers module imports them
            for mod, obj, asname in helper.imports:
                self.add_import(mod, obj, asname)
        if name not in self.helpers:
            self.helpers.append(name)
        return name

    def rule_active(self, rule_id: str) -> bool:
        return rule_id in self.enabled_ids

    @property
    def switches(self) -> Switches:
        """The flags analyses read instead of the options (engine/switches.py); recomputed when
        the enabled rules change."""
        got = self.__dict__.get("_switches")
        if got is None or got[0] is not self.enabled_ids:
            got = self.__dict__["_switches"] = (self.enabled_ids, Switches.of(self))
        return got[1]

    def keep_protected(self, original: cst.CSTNode, updated: cst.CSTNode, result: Any) -> Any:
        """A statement whose bound names the output still reads (found by the invariant
        check of a first pass) stays: a rule's removal / unwrapping is undone and marked."""
        if kept_before(original):  # kept by an earlier run: stays as it is (idempotence)
            self._removed.discard(id(original))
            if isinstance(original, cst.SimpleStatementLine):
                return original
            return result if isinstance(result, cst.CSTNode) and type(result) is type(original) else updated
        pos = self.meta(PositionProvider, original, None)
        why = self.protected.get((pos.start.line, pos.start.column)) if pos is not None else None
        if why is None:
            return result
        removed = id(original) in self._removed
        self._removed.discard(id(original))
        if removed or not isinstance(result, cst.CSTNode) or type(result) is not type(original):
            self.todo(original, KEPT_ID, why)
            if isinstance(result, cst.FlattenSentinel) and isinstance(original, cst.SimpleStatementLine):
                # a rule replaced a line by several statements: those stay too, after it (they
                # bind what the rest of the rule's translation reads, e.g. the model a train op
                # became); a compound statement's are its own body, unwrapped (not repeated)
                rest = [s for s in result.nodes if not s.deep_equals(updated)]
                if rest:
                    return cst.FlattenSentinel([updated, *rest])
            return updated
        return result
