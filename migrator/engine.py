"""The migration engine: one libcst codemod that runs every enabled rule.

Per file:

1. The module is wrapped once (``MetadataWrapper``) and qualified names, scopes,
   parents and positions are resolved once.
2. :class:`RuleDispatcher` walks the tree a single time, dispatching libcst
   ``visit_*``/``leave_*`` hooks to every enabled rule and calls to the
   :class:`~migrator.rules.base.CallRule` registered for their canonical qualified name.
   Rules report diagnostics against original positions and may ask for statements to
   be inserted, removed or marked with a ``TODO(tflearn-migrate)`` comment.
3. Any tflearn / TF1 reference still present in a statement afterwards is marked TODO
   (rule TFM100) - nothing legacy is dropped silently.
4. libcst's ``AddImportsVisitor``/``RemoveImportsVisitor`` add ``import keras`` etc. and
   drop legacy imports that are no longer used; helper definitions are inserted.
5. The result must compile; otherwise the original is kept and an error is reported.
"""
from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Callable, Sequence

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, ContextAwareTransformer
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)

from . import TODO_MARKER
from .diagnostics import Diagnostic, FileResult, Kind, Severity
from .emit import code as code_of
from .emit import with_leading_lines
from .helpers import HELPER_MARKER, HELPERS
from .cstcache import walk as _walk  # pre-order, memoised children
from . import cstcache
from .names import LEGACY_ROOTS, NameResolver, canonical, dotted
from .options import Options
from .rules import all_rules
from .rules.base import CallRule, Rule
from .analysis import bindings
from .analysis.bindings import KEPT_ID

UNTRANSLATED_ID = "TFM100"
INTERNAL_ERROR_ID = "TFM009"
WIDENED_ID = "TFM014"  # an inline suppression had to cover the whole file
_INVARIANT_ERRORS = frozenset({"TFM010", "TFM011", "TFM012"})

# inline suppression: ``# tflearn-migrate: ignore`` / ``# tflearn-migrate: ignore[TFM303, TFM2]``
SUPPRESS_RE = re.compile(r"#.*?\btflearn-migrate:\s*ignore\b(?:\[([^\]]*)\])?", re.I)
SUPPRESS_ALL = "*"
# the invariant's diagnostics and TODO markers cannot be suppressed: legacy code that stays is
# always marked (TFM100), kept statements are always said (TFM013), broken names are errors
UNSUPPRESSIBLE = frozenset({UNTRANSLATED_ID, KEPT_ID, INTERNAL_ERROR_ID, WIDENED_ID}) | _INVARIANT_ERRORS


def suppression_lines(source: str) -> dict[int, frozenset[str]]:
    """Line -> rule IDs (or prefixes; ``*`` for all) named by ``# tflearn-migrate: ignore[...]``
    comments (comment tokens only: never text inside a string)."""
    if "tflearn-migrate:" not in source.lower():
        return {}
    import io
    import tokenize

    out: dict[int, frozenset[str]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type != tokenize.COMMENT:
                continue
            m = SUPPRESS_RE.match(tok.string)
            if m is None:
                continue
            ids = frozenset(t.strip().upper() for t in (m.group(1) or "").split(",") if t.strip())
            out[tok.start[0]] = out.get(tok.start[0], frozenset()) | (ids or {SUPPRESS_ALL})
    except (tokenize.TokenError, SyntaxError):
        pass
    return out


def is_suppressed(ids: frozenset[str] | None, rule_id: str) -> bool:
    if not ids or rule_id in UNSUPPRESSIBLE:
        return False
    return SUPPRESS_ALL in ids or any(rule_id == p or rule_id.startswith(p) for p in ids)


_COMPOUND = (cst.If, cst.For, cst.While, cst.With, cst.FunctionDef, cst.ClassDef, cst.Try)
_STATEMENT_TYPES = (cst.SimpleStatementLine,) + _COMPOUND
_STATEMENT_SET = frozenset(_STATEMENT_TYPES)  # exact types (libcst's classes are not subclassed)
_SCOPE_TYPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


def _stmt_headers(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The parts of a statement that belong to its own line(s), not to nested blocks."""
    if isinstance(node, cst.SimpleStatementLine):
        return [node]
    if isinstance(node, (cst.If, cst.While)):
        return [node.test]
    if isinstance(node, cst.For):
        return [node.target, node.iter]
    if isinstance(node, cst.With):
        return list(node.items)
    if isinstance(node, cst.FunctionDef):
        return [node.params, *node.decorators] + ([node.returns] if node.returns else [])
    if isinstance(node, cst.ClassDef):
        return [*node.bases, *node.keywords, *node.decorators]
    return []


def _top_bindings(st: cst.CSTNode):
    """(name, bound by an import?) for the names a module-level statement binds unconditionally:
    imports, plain assignments to names, def / class."""
    if isinstance(st, (cst.FunctionDef, cst.ClassDef)):
        yield st.name.value, False
        return
    if not isinstance(st, cst.SimpleStatementLine):
        return
    for small in st.body:
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            if isinstance(small.names, cst.ImportStar):
                continue
            for a in small.names:
                if a.asname is not None:
                    local = dotted(a.asname.name) or ""
                elif isinstance(small, cst.Import):
                    local = (dotted(a.name) or "").split(".")[0]
                else:
                    local = dotted(a.name) or ""
                yield local, True
        elif isinstance(small, cst.Assign):
            for t in small.targets:
                for n in ([t.target] if isinstance(t.target, cst.Name) else
                          [e.value for e in t.target.elements if isinstance(e.value, cst.Name)]
                          if isinstance(t.target, (cst.Tuple, cst.List)) else []):
                    yield n.value, False
        elif isinstance(small, cst.AnnAssign) and small.value is not None and isinstance(small.target, cst.Name):
            yield small.target.value, False


class TopRebinds:
    """Legacy names a module-level statement reads as something else: ``regression =
    regression(net, ...)`` (tflearn's finetuning example) rebinds the imported name, so later
    module-level statements read the new value, not tflearn's function. Only unconditional
    module-level bindings (imports, assignments, def / class) are followed."""

    def __init__(self, module: cst.Module, names) -> None:
        self._top = {id(st): i for i, st in enumerate(module.body)}
        self._bound_at: dict[str, list[tuple[int, bool]]] = {}
        for i, st in enumerate(module.body):
            for name, by_import in _top_bindings(st):
                if name in names:
                    self._bound_at.setdefault(name, []).append((i, by_import))

    def shadowed(self, stmt: cst.CSTNode) -> frozenset:
        """The names whose last binding before ``stmt`` (a module-level statement; anything
        else: none) is an assignment / def, not the import."""
        at = self._top.get(id(stmt))
        if at is None:
            return frozenset()
        out = set()
        for name, binds in self._bound_at.items():
            before = [b for b in binds if b[0] < at]
            if before and not before[-1][1]:
                out.add(name)
        return frozenset(out)


class LegacyBindings:
    """Local names bound to tflearn / TensorFlow-1 objects by the module's imports."""

    def __init__(self, module: cst.Module, resolver: NameResolver) -> None:
        self.names: dict[str, str] = {}
        for node in _walk(module):
            if isinstance(node, cst.Import):
                for a in node.names:
                    full = dotted(a.name) or ""
                    if a.asname is not None:
                        self._bind(dotted(a.asname.name) or "", full)
                    else:
                        self._bind(full.split(".")[0], full.split(".")[0])
            elif isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
                mod = dotted(node.module) or ""
                if isinstance(node.names, cst.ImportStar):
                    continue
                for a in node.names:
                    local = dotted(a.asname.name) if a.asname is not None else dotted(a.name)
                    self._bind(local or "", f"{mod}.{dotted(a.name)}")
        from .names import star_names

        for mod in resolver.star_modules:
            for name, target in star_names(mod).items():
                if name not in self.names:
                    self._bind(name, target)
        self.rebinds = TopRebinds(module, self.names)

    def _bind(self, local: str, target: str) -> None:
        target = canonical(target)
        root = target.split(".")[0]
        if root not in LEGACY_ROOTS or target.startswith("tensorflow.keras"):
            return
        self.names[local] = target

    def refs(self, node: cst.CSTNode, deep: bool = False, shadowed: frozenset = frozenset()) -> list[str]:
        """Legacy dotted references (``tf.placeholder``) used in ``node``: its own line(s), or
        with ``deep`` its whole body (a compound statement a rule built from a simple one,
        whose inner statements the pass never visits). Names in ``shadowed`` (see
        ``TopRebinds``) are not references."""
        found: list[str] = []
        names = {k: v for k, v in self.names.items() if k not in shadowed} if shadowed else self.names
        if deep or type(node) not in (cst.FunctionDef, cst.ClassDef):
            _collect_refs(node, names, deep, found)
        else:
            for part in _stmt_headers(node):
                _collect_refs(part, names, deep, found)
        return found


def _collect_refs(root: cst.CSTNode, names: dict[str, str], deep: bool, found: list[str]) -> None:
    """The references ``LegacyBindings.refs`` collects, in libcst's visiting order, from one walk
    over the node fields (a libcst visitor rebuilt every node it passed): a legacy name or
    dotted name is a reference; an attribute's name, a keyword, an import, an assignment target
    and a parameter's name are not; nested blocks / defs / classes only with ``deep``."""
    stack = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        n = pop()
        t = type(n)  # (exact types: libcst's node classes are not subclassed)
        if t is cst.Name:
            if n.value in names:
                found.append(names[n.value])
        elif t is cst.Attribute:
            d = dotted(n)
            if d is None:
                push(n.value)  # ``f(x).reshape``: the attribute name is not a reference
                continue
            head = d.split(".")[0]
            if head in names:
                found.append(canonical(names[head] + d[len(head):]))
        elif t is cst.Arg:
            push(n.value)  # skip the keyword name
        elif t is cst.Import or t is cst.ImportFrom or t is cst.AssignTarget:
            continue  # rebinding a name is not a use
        elif t is cst.FunctionDef or t is cst.ClassDef or t is cst.IndentedBlock:
            if deep:
                extend(reversed(cstcache.children_of(n)))
        elif t is cst.Param:
            # the parameter's name is not a use
            extend(reversed([p for p in (n.annotation, n.default) if p is not None]))
        else:
            extend(reversed(cstcache.children_of(n)))


_LEGACY_WORD = re.compile(r"\b(?:tflearn|tensorflow|keras)\b")
_IMPORT_WORD = re.compile(r"\bimport\b")


def has_legacy_import(source: str) -> bool:
    """Cheap pre-check: files that import none of tflearn / tensorflow / keras are left alone
    without building any metadata (most files of a real repository). Deliberately loose: any
    file naming a legacy module and holding an import statement is migrated, so no import
    form is missed (``import os, tflearn``, ``import os; import tensorflow as tf``, imports
    inside ``if``/``try``, continuation lines)."""
    return _LEGACY_WORD.search(source) is not None and _IMPORT_WORD.search(source) is not None


# the prefilter (issue 13): a rule whose TRIGGERS words all miss the file's text is not run there
PREFILTER = not os.environ.get("MIGRATOR_NO_PREFILTER")
_STAR_IMPORT = re.compile(r"\bimport[\s\\]*\*")


def may_fire(cls: type[Rule], source: str, _seen: dict | None = None) -> bool:
    """Can rule ``cls`` do anything in a file with this text? (``Rule.TRIGGERS``: a cheap text
    scan; ``_seen`` memoises the words already looked up for this text.)"""
    words = cls.TRIGGERS
    if words is None or not PREFILTER:
        return True
    seen = {} if _seen is None else _seen

    def has(w: str) -> bool:
        hit = seen.get(w)
        if hit is None:
            hit = seen[w] = w in source or (w == "tensorflow" and _STAR_IMPORT.search(source) is not None)
        return hit

    # a word, or a tuple of words that must all occur
    return any(has(w) if isinstance(w, str) else all(has(x) for x in w) for w in words)


@dataclass
class _Mark:
    rule: str
    message: str


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
        self._marks: dict[int, list[_Mark]] = defaultdict(list)
        self._before: dict[int, list[cst.BaseStatement]] = defaultdict(list)
        self._after: dict[int, list[cst.BaseStatement]] = defaultdict(list)
        self._removed: set[int] = set()
        self._analyses: dict[type, Any] = {}
        self.helpers: list[str] = []
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
            if not isinstance(node, _STATEMENT_TYPES):
                continue
            pos = self.meta(PositionProvider, node, None)
            if pos is None:
                continue
            last = pos.end.line
            body = getattr(node, "body", None)
            if isinstance(node, _COMPOUND) and isinstance(body, cst.IndentedBlock):
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
        stmt = node if isinstance(node, _STATEMENT_TYPES) else self.statement_of(node)
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
        self._check_original(node)
        return self.resolver.legacy_name(node)

    def _check_original(self, node: cst.CSTNode) -> None:
        if node is not self.module and self.meta(ParentNodeProvider, node, None) is None:
            raise RuntimeError(
                "metadata lookup on a node that is not part of the original tree - pass the "
                f"original node (BoundArgs.orig) instead: {code_of(node)[:60]!r}")

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._parent_map().get(id(node))

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The original statement (simple line or compound header) holding ``node``."""
        n: cst.CSTNode | None = node
        while n is not None and not isinstance(n, _STATEMENT_TYPES):
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
        if any(m.rule == rid and m.message == message for m in self._marks[id(stmt)]):
            return
        self._marks[id(stmt)].append(_Mark(rid, message))
        self.report(node, rule, message, severity=Severity.WARNING, todo=True)

    def has_todo(self, node: cst.CSTNode) -> bool:
        stmt = self.statement_of(node)
        return stmt is not None and bool(self._marks.get(id(stmt)))

    def _rule_info(self, rule: Rule | str) -> tuple[str, Kind, Severity]:
        if isinstance(rule, Rule):
            return rule.ID, rule.KIND, rule.SEVERITY
        if rule == UNTRANSLATED_ID:
            return rule, Kind.TRANSLATE, Severity.WARNING
        from .rules import rule_by_id

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
        AddImportsVisitor.add_needed_import(self.codemod_context, module, obj, asname)

    def use_helper(self, name: str) -> str:
        helper = HELPERS[name]
        for dep in helper.requires:
            self.use_helper(dep)
        for mod, obj, asname in helper.imports:
            self.add_import(mod, obj, asname)
        if name not in self.helpers:
            self.helpers.append(name)
        return name

    def rule_active(self, rule_id: str) -> bool:
        return rule_id in self.enabled_ids

    def keep_protected(self, original: cst.CSTNode, updated: cst.CSTNode, result: Any) -> Any:
        """A statement whose bound names the output still reads (found by the invariant
        check of a first pass) stays: a rule's removal / unwrapping is undone and marked."""
        if _kept_before(original):  # kept by an earlier run: stays as it is (idempotence)
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
            return updated
        return result


@functools.lru_cache(maxsize=None)
def _hook_names(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``visit_*`` and ``leave_*`` hook names of a rule class (``dir`` order)."""
    names = dir(cls)
    return (tuple(a for a in names if a.startswith("visit_") and a != "visit_"),
            tuple(a for a in names if a.startswith("leave_")))


class _NoAttributeHooks:
    """Transformer mixin: no per-attribute hooks (``visit_Call_func``). The inherited
    matcher-aware ``on_*_attribute`` would only look them up (twice per child of every node)
    and find nothing; neither the rules nor the import passes define any."""

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


def _no_matcher_funcs_for_plain_classes() -> None:
    """libcst's matcher-aware visitors look for ``@m.visit`` / ``@m.leave`` decorated
    methods in ``__init__`` by ``getattr`` on every name in ``dir(self)`` - twice per
    instance, several instances per file: 40-50% of the time of a small file. Decorated
    methods are functions on the class carrying libcst's marker attributes, so whether a
    class has any is decided once per class; a class without any gets the (empty) answer
    directly, every other class is scanned as before."""
    from libcst.matchers import _visitors as mv

    if getattr(mv, "_migrator_plain", False):
        return
    plain: dict[type, bool] = {}
    markers = (mv.CONSTRUCTED_VISIT_MATCHER_ATTR, mv.CONSTRUCTED_LEAVE_MATCHER_ATTR)

    def is_plain(cls: type) -> bool:
        hit = plain.get(cls)
        if hit is None:
            hit = plain[cls] = not any(
                any(getattr(f, m, None) for m in markers)
                for f in (getattr(cls, name, None) for name in dir(cls)) if callable(f))
        return hit

    visit, leave = mv._gather_constructed_visit_funcs, mv._gather_constructed_leave_funcs

    def gather_visit(obj: object):
        return {} if is_plain(type(obj)) else visit(obj)

    def gather_leave(obj: object):
        return {} if is_plain(type(obj)) else leave(obj)

    mv._gather_constructed_visit_funcs, mv._gather_constructed_leave_funcs = gather_visit, gather_leave
    mv._migrator_plain = True


_no_matcher_funcs_for_plain_classes()


class RuleDispatcher(_NoAttributeHooks, ContextAwareTransformer):
    """The single pass: dispatches libcst hooks to rules (in ``ORDER``)."""

    # parents come from cstcache.parent_map (one field walk), not ParentNodeProvider;
    # qualified names from the scopes, per node asked (NameResolver), not QualifiedNameProvider
    METADATA_DEPENDENCIES = (ScopeProvider, PositionProvider)

    def __init__(self, context: CodemodContext, fctx: FileContext, rules: Sequence[Rule]) -> None:
        super().__init__(context)
        self.fctx = fctx
        self.rules = sorted(rules, key=lambda r: (r.ORDER, r.ID))
        self.visit_hooks: dict[str, list[Callable]] = defaultdict(list)
        self.leave_hooks: dict[str, list[Callable]] = defaultdict(list)
        self.call_rules: dict[str, CallRule] = {}
        for rule in self.rules:
            visits, leaves = _hook_names(type(rule))
            for attr in visits:
                self.visit_hooks[attr[6:]].append(getattr(rule, attr))
            for attr in leaves:
                self.leave_hooks[attr[6:]].append(getattr(rule, attr))
            if isinstance(rule, CallRule):
                for name in rule.CALLS:
                    self.call_rules.setdefault(name, rule)
        fctx._meta = self.get_metadata
        self._active: list[frozenset[str]] = []  # suppressions of the statements being visited

    def on_visit(self, node: cst.CSTNode) -> bool:
        if type(node) is cst.Module:
            self.fctx.module = node
            self.fctx._parents = cstcache.parent_map(node)
            self.fctx.resolver = NameResolver(node, self.get_metadata)
            self.fctx.bindings = LegacyBindings(node, self.fctx.resolver)
            self.fctx.input_metadata = self.metadata
            self.fctx._find_suppressions(node)
        if self.fctx.suppress:
            return self._visit_suppressible(node)
        for hook in self.visit_hooks.get(type(node).__name__, ()):
            hook(node)
        return True

    # inline suppression (``# tflearn-migrate: ignore[...]``): while the pass is inside a
    # statement that carries one, the hooks of the rules it names are not called - no
    # translation, no fix, no diagnostic of theirs on that statement (nested statements of
    # a compound one have their own lines, and their own comments)
    def _visit_suppressible(self, node: cst.CSTNode) -> bool:
        if type(node) in _STATEMENT_SET:
            self._active.append(self.fctx.suppress.get(id(node), frozenset()))
        ids = self._active[-1] if self._active else None
        for hook in self.visit_hooks.get(type(node).__name__, ()):
            rid = hook.__self__.ID
            if not is_suppressed(ids, rid):
                self.fctx.current_rule = rid
                hook(node)
        self.fctx.current_rule = None
        return True

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):  # noqa: C901
        # exact type tests (libcst's classes are not subclassed; isinstance against them is a
        # Python-level ABCMeta call, several per node of every file)
        t = type(original)
        result: Any = updated
        ids = self._active[-1] if self.fctx.suppress and self._active else None
        if t is cst.Call:
            result = self._translate_call(original, updated, ids)
        for hook in self.leave_hooks.get(t.__name__, ()):
            if type(result) is not t:  # a sentinel or another node: the later hooks do not apply
                break
            if ids:
                rid = hook.__self__.ID
                if is_suppressed(ids, rid):
                    continue
                self.fctx.current_rule = rid
            result = hook(original, result)
        self.fctx.current_rule = None
        if t in _STATEMENT_SET:
            if self.fctx.suppress and self._active:
                self._active.pop()
            if self.fctx.protected or _kept_before(original):
                result = self.fctx.keep_protected(original, updated, result)
            result = self._finish_statement(original, result)
        return result

    def _translate_call(self, original: cst.Call, updated: cst.Call,
                        ids: frozenset[str] | None = None) -> cst.BaseExpression:
        if not self.call_rules:
            return updated
        qname = self.fctx.legacy_name(original)
        rule = self.call_rules.get(qname) if qname else None
        if rule is None or (ids and is_suppressed(ids, rule.ID)):
            return updated
        if ids:
            self.fctx.current_rule = rule.ID
        out = rule.translate(qname, original, updated)
        return updated if out is None else out

    def _finish_statement(self, original: cst.CSTNode, result: Any) -> Any:
        f = self.fctx
        key = id(original)
        if key in f._removed:
            kept = list(f._before.pop(key, [])) + list(f._after.pop(key, []))
            if not kept:
                return cst.RemoveFromParent()
            return cst.FlattenSentinel(with_leading_lines(kept, original))
        stmts: list[cst.BaseStatement]
        if isinstance(result, cst.FlattenSentinel):
            stmts = list(result.nodes)
        elif isinstance(result, cst.RemovalSentinel):
            stmts = []
        else:
            stmts = [result]
        # leftover legacy references in the statement's own line(s): TFM100
        if not f._marks.get(key) and f.options.rule_enabled(UNTRANSLATED_ID):
            refs: list[str] = []
            built = isinstance(original, cst.SimpleStatementLine)  # a simple line -> maybe a def
            shadow = f.bindings.rebinds.shadowed(original)
            for i, s in enumerate(stmts):
                refs.extend(f.bindings.refs(s, shadowed=shadow))
                if built and not isinstance(s, cst.SimpleStatementLine) and f.bindings.refs(s, deep=True):
                    stmts[i] = _mark_inner(s, f, original)  # the pass never visits its inner lines
            refs = sorted(set(refs))
            if refs:
                f.todo(original, UNTRANSLATED_ID, (
                    "left as it is by its `tflearn-migrate: ignore` comment; still uses "
                    if key in f.suppress else "no Keras translation for ") + ", ".join(refs))
        if f.counts.get("TFM133") and not f._marks.get(key) and isinstance(original, cst.SimpleStatementLine):
            _mark_tf1_optimizer_calls(f, original, stmts)  # keras.optimizers.SGD(...).minimize(loss)
        marks = f._marks.get(key)
        if marks and stmts:
            stmts[0] = _mark_statement(stmts[0], marks)
        before, after = f._before.pop(key, []), f._after.pop(key, [])
        if before:
            stmts = with_leading_lines(list(before), stmts[0]) + [
                _strip_leading(stmts[0])] + stmts[1:] if stmts else list(before)
        stmts = stmts + list(after)
        if isinstance(result, cst.CSTNode) and len(stmts) == 1 and stmts[0] is result:
            return result
        if not stmts:
            return cst.RemoveFromParent()
        return cst.FlattenSentinel(stmts)


_KEPT_MARK = f"{TODO_MARKER}: {KEPT_ID} "


def _kept_before(stmt: cst.CSTNode) -> bool:
    """The statement carries a TFM013 marker: an earlier run kept it for the invariant."""
    ws = getattr(stmt, "trailing_whitespace", None)
    if ws is not None and ws.comment is not None and _KEPT_MARK in ws.comment.value:
        return True
    return any(l.comment is not None and _KEPT_MARK in l.comment.value
               for l in getattr(stmt, "leading_lines", ()))


def _mark_tf1_optimizer_calls(f: "FileContext", original: cst.CSTNode, stmts: list) -> None:
    from .analysis.flow import Flow
    from .analysis.leftovers import MESSAGE, tf1_optimizer_calls

    def is_tf1_optimizer(name: str) -> bool:
        d = f.analysis(Flow).def_of(name, original)
        q = f.legacy_name(d.value) if d is not None and isinstance(d.value, cst.Call) else None
        return bool(q) and q.startswith("tensorflow.train.") and q.endswith("Optimizer")

    for s in stmts:
        found = tf1_optimizer_calls(s, is_tf1_optimizer) if isinstance(s, cst.SimpleStatementLine) else []
        if found:
            f.todo(original, "TFM133", MESSAGE.format(m=found[0]))
            return


def _mark_inner(stmt: cst.BaseStatement, f: "FileContext", original: cst.CSTNode) -> cst.BaseStatement:
    """TFM100 markers on the inner lines of a compound statement a rule built (e.g. TFM140's
    ``def loss(...)`` from ``loss = ...``) that still use a legacy API."""
    class T(cst.CSTTransformer):
        def leave_SimpleStatementLine(self, o, u):
            refs = sorted(set(f.bindings.refs(u)))
            if not refs:
                return u
            msg = "no Keras translation for " + ", ".join(refs)
            f.report(original, UNTRANSLATED_ID, msg, severity=Severity.WARNING, todo=True)
            return _mark_statement(u, [_Mark(UNTRANSLATED_ID, msg)])

    return stmt.visit(T())


def _strip_leading(stmt: cst.BaseStatement) -> cst.BaseStatement:
    return stmt.with_changes(leading_lines=[]) if hasattr(stmt, "leading_lines") else stmt


def _has_marker(stmt: cst.BaseStatement) -> bool:
    lines = [l.comment.value for l in getattr(stmt, "leading_lines", []) if l.comment]
    if isinstance(stmt, cst.SimpleStatementLine) and stmt.trailing_whitespace.comment:
        lines.append(stmt.trailing_whitespace.comment.value)
    return any(TODO_MARKER in c for c in lines)


def _mark_statement(stmt: cst.BaseStatement, marks: list[_Mark]) -> cst.BaseStatement:
    if _has_marker(stmt):
        return stmt  # idempotence: a second run does not stack markers
    texts = [f"# {TODO_MARKER}: {m.rule} {m.message}" for m in marks]
    if (isinstance(stmt, cst.SimpleStatementLine) and len(texts) == 1
            and stmt.trailing_whitespace.comment is None):
        body = code_of(stmt.with_changes(leading_lines=[])).rstrip("\n")
        if "\n" not in body and len(body) + len(texts[0]) <= 150:
            return stmt.with_changes(trailing_whitespace=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(texts[0])))
    extra = [cst.EmptyLine(comment=cst.Comment(t)) for t in texts]
    return stmt.with_changes(leading_lines=list(stmt.leading_lines) + extra)


class _SkipCopyWrapper:
    """Codemod mixin: wrap the module for metadata without libcst's defensive deep copy.

    ``MetadataWrapper`` deep-copies its module so that no node appears twice in the tree
    (metadata is keyed by node identity). That is only needed where metadata is actually
    resolved on a tree that rules have built: the mixin is used for the migration command
    (its module comes straight from the parser, and it declares no metadata itself: the
    dispatcher wraps the tree again with ``unsafe_skip_copy``) and for
    :class:`_TopImportsAdder` (no metadata at all). The copy changes nothing in the output.
    """

    @contextmanager
    def _handle_metadata_reference(self, module: cst.Module):
        if self.context.metadata_manager is not None and self.context.filename:
            with super()._handle_metadata_reference(module) as tree:  # type: ignore[misc]
                yield tree
            return
        oldwrapper = self.context.wrapper
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        with self.resolve(wrapper):  # type: ignore[attr-defined]
            self.context = replace(self.context, wrapper=wrapper)
            try:
                yield wrapper.module
            finally:
                self.context = replace(self.context, wrapper=oldwrapper)


def _is_import_line(stmt: cst.CSTNode) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom)))


class _TopImportsAdder(_SkipCopyWrapper, _NoAttributeHooks, AddImportsVisitor):
    """libcst's ``AddImportsVisitor``, without the walks that cannot change anything.

    It only reads and rewrites the module's leading import statements (the ones before any
    other statement, after a docstring / ``__strict__`` line) and the module itself, so:
    its gatherer is shown just that head of the module (the statements it reads), and the
    transforming pass does not descend into any other statement.
    """

    def visit_Module(self, node: cst.Module) -> None:
        body = node.body
        end = 1
        while end < len(body) and _is_import_line(body[end]):
            end += 1
        self._head = {id(s) for s in body[:end]}
        super().visit_Module(node.with_changes(body=body[:end]))

    def on_visit(self, node: cst.CSTNode) -> bool:
        visit_children = super().on_visit(node)
        if isinstance(node, cst.BaseStatement) and id(node) not in self._head:
            return False
        return visit_children


_REMOVER_SKIPS: dict[type, bool] = {}  # node type -> no import below it (expressions, small statements)


class _ImportsRemover(_NoAttributeHooks, RemoveImportsVisitor):
    """libcst's ``RemoveImportsVisitor``, whose transforming pass does not rebuild
    expressions and non-import simple statements: its only hooks are on ``Import`` /
    ``ImportFrom`` statements (and the module).

    Which scheduled imports are unused is decided by :mod:`migrator.fastimports` in one
    walk when that walk can tell for certain (nearly always); otherwise by libcst's own
    analysis (a deep copy of the tree, scope + qualified-name metadata, three visitor
    passes), exactly as before. Either way the same imports are removed."""

    _fast: dict | None = None
    _allow_fast = True

    def _scheduled(self, alias: cst.ImportAlias, stmt: cst.CSTNode) -> bool:
        """The match ``leave_Import`` / ``leave_ImportFrom`` apply before asking about use."""
        if isinstance(stmt, cst.Import):
            name = alias.evaluated_name
            return (name in self.unused_module_imports
                    and alias.evaluated_alias == self.unused_module_imports[name])
        from libcst.helpers import get_absolute_module_from_package_for_import

        module = get_absolute_module_from_package_for_import(self.context.full_package_name, stmt)
        if module is None or module not in self.unused_obj_imports:
            return False
        return any(n == alias.evaluated_name and a == alias.evaluated_alias
                   for n, a in self.unused_obj_imports[module])

    def transform_module(self, tree: cst.Module) -> cst.Module:
        from .fastimports import unused_imports

        fast = unused_imports(tree, self._scheduled) if self._allow_fast else None
        if fast is None:
            return super().transform_module(tree)
        self._fast = fast
        out = tree.visit(self)  # no metadata: the hooks only read the decision
        if os.environ.get("MIGRATOR_CHECK_IMPORTS"):  # tests: the same as libcst's analysis
            slow = _SlowImportsRemover(self.context).transform_module(tree)
            if slow.code != out.code:
                raise AssertionError("fast unused-import removal differs from libcst's")
        return out

    def visit_Module(self, node: cst.Module) -> None:
        if self._fast is not None:
            self._unused_imports = self._fast
        else:
            super().visit_Module(node)

    def on_visit(self, node: cst.CSTNode) -> bool:
        visit_children = super().on_visit(node)
        t = type(node)
        skip = _REMOVER_SKIPS.get(t)
        if skip is None:
            skip = _REMOVER_SKIPS[t] = isinstance(node, cst.BaseExpression) or (
                isinstance(node, cst.BaseSmallStatement) and not isinstance(node, (cst.Import, cst.ImportFrom)))
        if skip or (self._fast is not None and (t is cst.FunctionDef or t is cst.ClassDef)):
            # (the fast decision holds no import of a def / class body: unused_imports hands a
            # file with a scheduled import there to libcst)
            return False
        return visit_children


class _SlowImportsRemover(_ImportsRemover):
    _allow_fast = False


_IMPORT_PASSES = {AddImportsVisitor: _TopImportsAdder, RemoveImportsVisitor: _ImportsRemover}


class MigrateCommand(_SkipCopyWrapper, CodemodCommand):
    """libcst codemod: migrate one module. Instantiated per file by libcst's runner."""

    DESCRIPTION = "Migrate tflearn / TensorFlow 1 code to Keras 3."

    def __init__(self, context: CodemodContext, options: Options | None = None,
                 display_path: str | None = None) -> None:
        super().__init__(context)
        self.options = options or Options()
        path = display_path or context.filename or "<string>"
        self.fctx = FileContext(context, self.options, path)

    def _code_of(self, module: cst.Module) -> str:
        """``module.code``, reusing the text printed for the input / the output."""
        for known in (getattr(self, "_source", None), getattr(self, "_output", None)):
            if known is not None and known[0] is module:
                return known[1]
        return module.code

    def _instantiate_and_run(self, transform, tree: cst.Module) -> cst.Module:
        # CodemodCommand runs AddImportsVisitor / RemoveImportsVisitor after the rules
        return super()._instantiate_and_run(_IMPORT_PASSES.get(transform, transform), tree)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        enabled = [cls for cls in all_rules() if self.options.rule_enabled(cls.ID)]
        source = self.fctx.source if self.fctx.source is not None else tree.code
        seen: dict[str, bool] = {}
        rules = [cls(self.fctx) for cls in enabled if may_fire(cls, source, seen)]
        self.fctx.rules_by_id = {r.ID: r for r in rules}
        # "is rule X on in this run": the rules the prefilter skipped are on, they just cannot
        # fire here (answers exactly as before the prefilter)
        self.fctx.enabled_ids = frozenset(cls.ID for cls in enabled)
        wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
        dispatcher = RuleDispatcher(self.context, self.fctx, rules)
        new = wrapper.visit(dispatcher)
        new = self._insert_helpers(new)
        self._schedule_legacy_import_removal(tree)
        return new

    def transform_module(self, tree: cst.Module) -> cst.Module:
        original = tree
        self._source = (tree, tree.code)
        self.fctx.source = self._source[1]
        if not has_legacy_import(self._source[1]):
            return tree
        cstcache.clear()
        try:
            try:
                new = self._migrate_once(tree)
                new = self._keep_invariant(tree, new)
            except Exception:
                if not self.fctx.suppress:
                    raise
                new = None  # a rule relied on a statement an inline comment kept
            if self.fctx.suppress and (new is None or any(
                    d.rule in _INVARIANT_ERRORS for d in self.fctx.diagnostics)
                    or not self._stable(new)):
                new = self._widen_suppression(tree, new)
        except Exception as ex:  # never half-write: keep the original, report why
            self.fctx.diagnostics.append(Diagnostic(
                path=self.fctx.path, line=getattr(ex, "lineno", 1) or 1, col=1,
                rule=INTERNAL_ERROR_ID,
                message=f"internal error, file left unchanged: {type(ex).__name__}: {ex}",
                severity=Severity.ERROR, kind=Kind.TOOL))
            self.fctx.failed = True  # type: ignore[attr-defined]
            return original
        finally:
            cstcache.clear()
        return self._graph_dataset_program(original, new)

    _desugared = False

    def _graph_dataset_program(self, tree: cst.Module, new: cst.Module) -> cst.Module:
        """TFM167: a graph-mode tf.data iterator program is also migrated in its placeholder form
        (analysis/graph_datasets.py: the same TF1 program, the iterator's batches fed run by run);
        that migration is kept when it leaves fewer TODO markers, no invariant error and no failure."""
        if self._desugared or getattr(self.fctx, "failed", False) or "get_next" not in (self.fctx.source or "") \
                or not self.options.rule_enabled("TFM167"):
            return new
        from .analysis.graph_datasets import desugar

        try:
            alt_tree, _found = desugar(tree)
        except Exception:  # the analysis must never cost the file its migration
            return new
        if alt_tree is None:
            return new
        inner = MigrateCommand(replace(self.context, scratch={}), self.options, self.fctx.path)
        inner._desugared = True
        alt = inner.transform_module(alt_tree)
        if getattr(inner.fctx, "failed", False) or any(d.rule in _INVARIANT_ERRORS for d in inner.fctx.diagnostics):
            return new
        alt_code, new_code = inner._code_of(alt), self._code_of(new)
        if alt_code.count(TODO_MARKER) >= new_code.count(TODO_MARKER):
            return new
        self.fctx, self._output = inner.fctx, (alt, alt_code)
        self.fctx.count("TFM167")
        self.fctx.diagnostics.append(Diagnostic(
            path=self.fctx.path, line=1, col=1, rule="TFM167",
            message="graph-mode tf.data iterator program migrated as the equivalent placeholder program fed batch "
                    "by batch (diagnostics below refer to lines of that form)",
            severity=Severity.INFO, kind=Kind.TRANSLATE))
        return alt

    def _migrate_once(self, tree: cst.Module) -> cst.Module:
        new = super().transform_module(tree)
        new = _finish_imports(new, self.fctx)
        out = new.code
        self._output = (new, out)
        compile(out, self.fctx.path, "exec", dont_inherit=True)
        return new

    def _keep_invariant(self, tree: cst.Module, new: cst.Module) -> cst.Module:
        """No dangling names, nothing dropped (analysis/bindings.py). When the output breaks
        the invariant, the rules run again with the input statements that bound the names
        protected (kept, TODO-marked); what still breaks it is reported as an error."""
        meta = self.fctx.input_metadata
        if not meta:
            return new
        facts = bindings.InputFacts(self.fctx.module, meta[ScopeProvider], _Parents(self.fctx._parent_map()))
        exports = self.options.exports_of(self.context.filename or self.fctx.path)
        # each round keeps the statements binding what the previous output read (a chain of
        # kept statements - merge(list) needing list = [] - takes a round per link)
        for _ in range(8):
            found = bindings.check(facts, new, exports, self._code_of(new))
            extra: dict[tuple[int, int], str] = {}
            for v in found:
                for stmt in v.binders:
                    pos = meta[PositionProvider].get(stmt)
                    key = (pos.start.line, pos.start.column) if pos is not None else None
                    if key is not None and key not in self.fctx.protected and key not in extra:
                        extra[key] = f"statement kept: `{v.name}` is still read after the migration"
            if not extra:
                break
            cmd = MigrateCommand(replace(self.context, scratch={}), self.options, self.fctx.path)
            cmd.fctx.protected = {**self.fctx.protected, **extra}
            cmd.fctx.source = self.fctx.source
            cstcache.clear()
            new = cmd._migrate_once(tree)
            self.fctx, self._output = cmd.fctx, cmd._output
        else:  # the last round's output is checked too
            found = bindings.check(facts, new, exports, self._code_of(new))
        for v in found:
            self.fctx.diagnostics.append(Diagnostic(
                path=self.fctx.path, line=v.line, col=1, rule=v.rule, message=v.message + " (line of the output)",
                severity=Severity.ERROR, kind=Kind.TOOL))
        return new

    _checking_stability = False

    def _stable(self, new: cst.Module) -> bool:
        """A second migration of the output changes nothing. Checked only for files with
        inline suppressions: a kept statement whose translation others relied on (an object
        built by it, then used with translated methods) shows up as a second run that still
        finds work to do."""
        if self._checking_stability:
            return True
        out = self._code_of(new)
        inner = MigrateCommand(CodemodContext(filename=self.context.filename), self.options, self.fctx.path)
        inner._checking_stability = True
        again = inner.transform_module(cst.parse_module(out))
        return not getattr(inner.fctx, "failed", False) and inner._code_of(again) == out

    def _widen_suppression(self, tree: cst.Module, new: cst.Module | None) -> cst.Module:
        """An inline ``# tflearn-migrate: ignore[...]`` kept a statement whose translation
        other statements' translations rely on (a tower's encoder, ``net_input``, a model):
        the output breaks the invariant, or a second migration of it would change it. Run again with the suppressed rules off in the whole
        file (a bare ``ignore``: every rule; legacy code is then TODO-marked), and say so.
        ``new`` is None when the first run failed (a rule assumed the kept statement's
        translation); an exception here is then the file's internal error."""
        named: set[str] = set().union(*self.fctx.suppress.values())
        lines = [str(line) for line in sorted(suppression_lines(self.fctx.source or ""))]
        if SUPPRESS_ALL in named:
            options = replace(self.options, select=frozenset({UNTRANSLATED_ID, KEPT_ID}))
            what = "every rule is"
        else:
            named -= UNSUPPRESSIBLE
            options = replace(self.options, ignore=self.options.ignore | frozenset(named))
            what = ", ".join(sorted(named)) + (" is" if len(named) == 1 else " are")
        cmd = MigrateCommand(replace(self.context, scratch={}), options, self.fctx.path)
        cmd.fctx.source = self.fctx.source
        cstcache.clear()
        out = cmd._migrate_once(tree)
        out = cmd._keep_invariant(tree, out)
        if new is not None and any(d.rule in _INVARIANT_ERRORS for d in cmd.fctx.diagnostics):
            return new  # no better: keep the first output and its errors
        self.fctx, self._output = cmd.fctx, cmd._output
        self.fctx.diagnostics.append(Diagnostic(
            path=self.fctx.path, line=int(lines[0]) if lines else 1, col=1, rule=WIDENED_ID,
            message=(f"`tflearn-migrate: ignore` comments (line {', '.join(lines)}) keep statements "
                     f"whose translation other statements need: {what} off in the whole file"),
            severity=Severity.WARNING, kind=Kind.TOOL))
        return out

    def _schedule_legacy_import_removal(self, tree: cst.Module) -> None:
        for node in _walk(tree):
            t = type(node)  # (exact types: isinstance against libcst's classes is slow)
            if t is not cst.Import and t is not cst.ImportFrom:
                continue
            if self.fctx.suppress and SUPPRESS_ALL in self.fctx.suppress.get(id(self.fctx.parent(node)), ()):
                continue  # ``import tflearn  # tflearn-migrate: ignore``: stays as it is
            if t is cst.Import:
                for a in node.names:
                    full = dotted(a.name) or ""
                    if full.split(".")[0] in LEGACY_ROOTS:
                        asname = dotted(a.asname.name) if a.asname else None
                        RemoveImportsVisitor.remove_unused_import(self.context, full, None, asname)
            elif isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
                mod = dotted(node.module) or ""
                if mod.split(".")[0] in LEGACY_ROOTS and not isinstance(node.names, cst.ImportStar):
                    for a in node.names:
                        asname = dotted(a.asname.name) if a.asname else None
                        RemoveImportsVisitor.remove_unused_import(
                            self.context, mod, dotted(a.name), asname)

    def _insert_helpers(self, module: cst.Module) -> cst.Module:
        if not self.fctx.helpers:
            return module
        defined = {s.name.value for s in module.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))}
        new_stmts: list[cst.BaseStatement] = []
        for name in self.fctx.helpers:
            if name in defined:
                continue
            body = cst.parse_module(HELPERS[name].code).body
            first = body[0].with_changes(leading_lines=[
                cst.EmptyLine(), cst.EmptyLine(),
                cst.EmptyLine(comment=cst.Comment(f"{HELPER_MARKER} {name}"))])
            new_stmts.extend([first, *body[1:]])
        if not new_stmts:
            return module
        idx = _after_imports(module)
        rest = list(module.body[idx:])
        if rest:
            rest[0] = rest[0].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()] + [
                l for l in rest[0].leading_lines if l.comment is not None])
        return module.with_changes(body=list(module.body[:idx]) + new_stmts + rest)


def _after_imports(module: cst.Module) -> int:
    idx = 0
    for i, s in enumerate(module.body):
        if isinstance(s, cst.SimpleStatementLine) and all(
                isinstance(b, (cst.Import, cst.ImportFrom)) or (
                    i == 0 and isinstance(b, cst.Expr) and isinstance(b.value, cst.SimpleString))
                for b in s.body):
            idx = i + 1
        elif isinstance(s, cst.If) and code_of(s.test).strip() == "TYPE_CHECKING":
            idx = i + 1
        else:
            break
    return idx


def _finish_imports(module: cst.Module, fctx: FileContext) -> cst.Module:
    """Star imports of tflearn that nothing needs any more are dropped; legacy imports
    that TODO lines still need are kept and marked."""
    resolver_stars = fctx.resolver.star_modules if fctx.resolver else []
    bindings = fctx.bindings
    if bindings is None:
        return module
    used: set[str] = set()
    body_wo_imports = []
    for s in module.body:
        if isinstance(s, cst.SimpleStatementLine) and all(isinstance(b, (cst.Import, cst.ImportFrom)) for b in s.body):
            continue
        body_wo_imports.append(s)
    attr_names: set[int] = set()   # ``x.reshape``, ``f(k=...)``: not uses of a star-imported name
    # ``used`` is read only for a star import of a tflearn module the input had (resolver_stars)
    for s in body_wo_imports if resolver_stars else ():
        for n in _walk(s):
            if isinstance(n, cst.Attribute):
                attr_names.add(id(n.attr))
            elif isinstance(n, cst.Arg) and n.keyword is not None:
                attr_names.add(id(n.keyword))
            elif isinstance(n, cst.Name) and id(n) not in attr_names:
                used.add(n.value)

    from .names import star_names

    imported: set[str] = set()  # names bound by the module's other imports
    for s in module.body:
        if isinstance(s, cst.SimpleStatementLine):
            for b in s.body:
                if isinstance(b, (cst.Import, cst.ImportFrom)) and not isinstance(b.names, cst.ImportStar):
                    for a in b.names:
                        imported.add(dotted(a.asname.name) if a.asname else (dotted(a.name) or "").split(".")[0])
    provided: set[str] = set()
    rebound = _rebound_legacy_names(module)

    class T(cst.CSTTransformer):
        def on_visit(self, node: cst.CSTNode) -> bool:
            # only (import) statement lines change: leave expressions and lines as they are
            return not isinstance(node, (cst.SimpleStatementLine, cst.BaseExpression))

        def leave_SimpleStatementLine(self, orig, upd):
            if not all(isinstance(b, (cst.Import, cst.ImportFrom)) for b in upd.body):
                return upd
            new_body = []
            for b in upd.body:
                if rebound.get(id(b)):
                    keep = [a for a in b.names if id(a) not in rebound[id(b)]]
                    if not keep:
                        continue
                    b = b.with_changes(names=[a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in keep])
                if isinstance(b, cst.ImportFrom) and isinstance(b.names, cst.ImportStar) and b.module is not None:
                    mod = dotted(b.module) or ""
                    if mod in resolver_stars:
                        names = star_names(mod)
                        needed = {n: t for n, t in names.items() if n in used}
                        if not any(canonical(t).split(".")[0] in LEGACY_ROOTS for t in needed.values()):
                            # dropped: the other modules it bound (``np``) are imported instead
                            for n, t in sorted(needed.items()):
                                if n not in imported and n not in provided:
                                    provided.add(n)
                                    new_body.append(cst.Import(names=[cst.ImportAlias(
                                        name=cst.parse_expression(t),  # type: ignore[arg-type]
                                        asname=None if n == t else cst.AsName(name=cst.Name(n)))]))
                            continue
                new_body.append(b)
            if not new_body:
                return cst.RemoveFromParent()
            upd = upd.with_changes(body=new_body)
            if not _has_marker(upd) and not _ignored_line(upd):
                legacy = _legacy_import_names(upd)
                if legacy:
                    msg = f"# {TODO_MARKER}: {UNTRANSLATED_ID} import kept for the TODO lines below"
                    upd = upd.with_changes(trailing_whitespace=cst.TrailingWhitespace(
                        whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(msg)))
            return upd

    return module.visit(T())


def _ignored_line(stmt: cst.SimpleStatementLine) -> bool:
    """The line ends in ``# tflearn-migrate: ignore`` (every rule)."""
    c = stmt.trailing_whitespace.comment
    m = SUPPRESS_RE.match(c.value) if c is not None else None
    return m is not None and not (m.group(1) or "").strip()


def _rebound_legacy_names(module: cst.Module) -> dict[int, set[int]]:
    """id(legacy import) -> ids of its aliases whose name every remaining read sees rebound:
    all reads are module-level statements after an unconditional module-level assignment /
    def of the name that follows the import (``regression = regression(net, ...)`` became
    ``regression = softmax``; ``outputs=regression`` reads the new value). libcst's analysis,
    which is not flow-sensitive, counts those reads as uses of the import."""
    aliases: dict[str, list[tuple[int, cst.CSTNode, cst.ImportAlias]]] = {}
    for i, st in enumerate(module.body):
        if not isinstance(st, cst.SimpleStatementLine):
            continue
        for b in st.body:
            if not isinstance(b, (cst.Import, cst.ImportFrom)) or isinstance(b.names, cst.ImportStar):
                continue
            mod = dotted(b.module) or "" if isinstance(b, cst.ImportFrom) else ""
            for a in b.names:
                full = (mod + "." if mod else "") + (dotted(a.name) or "")
                if full.split(".")[0] not in LEGACY_ROOTS or full.startswith("tensorflow.keras"):
                    continue
                if a.asname is not None:
                    local = dotted(a.asname.name) or ""
                elif isinstance(b, cst.Import):
                    continue  # ``import tensorflow``: a module, not rebound this way
                else:
                    local = dotted(a.name) or ""
                aliases.setdefault(local, []).append((i, b, a))
    wanted = {n for n, v in aliases.items() if len(v) == 1}
    if not wanted:
        return {}
    rebinds: dict[str, list[int]] = {}
    reads: dict[str, list[int]] = {}
    nested: set[str] = set()
    # (exact type tests: libcst's node classes are not subclassed; isinstance against them is
    # a Python-level ABCMeta call)
    for i, st in enumerate(module.body):
        for name, by_import in _top_bindings(st):
            if name in wanted and not by_import:
                rebinds.setdefault(name, []).append(i)
        stack: list[tuple[cst.CSTNode, bool]] = [(st, False)]
        while stack:  # the names read or bound inside a def / class / lambda
            n, inside = stack.pop()
            t = type(n)
            if inside and t is cst.Name and n.value in wanted:
                nested.add(n.value)
            inside = inside or t in _SCOPE_TYPES
            stack.extend((c, inside) for c in cstcache.children(n))
    for i, st in enumerate(module.body):
        skip: set[int] = set()
        for n in _walk(st):
            t = type(n)
            if t is cst.Attribute:
                skip.add(id(n.attr))
            elif t is cst.Arg and n.keyword is not None:
                skip.add(id(n.keyword))
            elif t is cst.AssignTarget and type(n.target) is cst.Name:
                skip.add(id(n.target))
            elif t is cst.FunctionDef or t is cst.ClassDef:
                skip.add(id(n.name))
            elif t is cst.Import or t is cst.ImportFrom:
                for m in _walk(n):
                    skip.add(id(m))
            elif t is cst.Name and n.value in wanted and id(n) not in skip:
                reads.setdefault(n.value, []).append(i)
    out: dict[int, set[int]] = {}
    for name in wanted - nested:
        (at, imp, alias), = aliases[name]
        after = [r for r in rebinds.get(name, ()) if r > at]
        if after and all(any(at < r < i for r in after) for i in reads.get(name, ())):
            out.setdefault(id(imp), set()).add(id(alias))
    return out


def _legacy_import_names(stmt: cst.SimpleStatementLine) -> list[str]:
    out = []
    for b in stmt.body:
        if isinstance(b, cst.Import):
            out += [dotted(a.name) or "" for a in b.names if (dotted(a.name) or "").split(".")[0] in LEGACY_ROOTS
                    and not (dotted(a.name) or "").startswith("tensorflow.keras")]
        elif isinstance(b, cst.ImportFrom) and b.module is not None and not b.relative:
            mod = dotted(b.module) or ""
            if mod.split(".")[0] in LEGACY_ROOTS and not mod.startswith("tensorflow.keras"):
                if mod == "tensorflow" and not isinstance(b.names, cst.ImportStar) and all(
                        dotted(a.name) == "keras" for a in b.names):
                    continue
                out.append(mod)
    return out


# ---------------------------------------------------------------------------------------
# entry points
# ---------------------------------------------------------------------------------------

def migrate_source(source: str, path: str = "<string>", options: Options | None = None) -> FileResult:
    """Migrate one module's source text (no I/O). Parse errors are reported, not raised."""
    options = options or Options()
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as ex:
        from .preflight import describe_parse_error

        return FileResult(path, "failed", reason=describe_parse_error(source, ex), code=source)
    ctx = CodemodContext(filename=path)
    cmd = MigrateCommand(ctx, options, display_path=path)
    new = cmd.transform_module(tree)
    diags = sorted(cmd.fctx.diagnostics, key=lambda d: (d.line, d.col, d.rule))
    if getattr(cmd.fctx, "failed", False):
        return FileResult(path, "failed", diags, reason=diags[-1].message if diags else "",
                          code=source, counts=dict(cmd.fctx.counts))
    out = cmd._code_of(new)
    return FileResult(path, "migrated" if out != source else "unchanged", diags, code=out,
                      counts=dict(cmd.fctx.counts))


class _Parents:
    """``parents.get(node)`` over cstcache's ``{id(node): parent}`` map (what the invariant's
    InputFacts reads; libcst's ParentNodeProvider is not computed)."""

    def __init__(self, by_id: dict[int, cst.CSTNode]) -> None:
        self._by_id = by_id

    def get(self, node: cst.CSTNode, default=None):
        return self._by_id.get(id(node), default)
