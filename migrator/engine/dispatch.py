"""``RuleDispatcher``: the single pass that calls the enabled rules' hooks on every node and applies
the statement edits, TODO marks and TFM100 markers the rules asked for."""
from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any, Callable, Sequence

import libcst as cst
from libcst.metadata import PositionProvider, ScopeProvider

from .. import cstcache
from ..emit import with_leading_lines
from ..helpers import HELPER_MARKER, HELPERS
from ..names import NameResolver
from ..rules.base import NOT_MINE, CallRule, Rule
from .context import FileContext
from .import_passes import CodemodContext
from .legacy_refs import STATEMENT_SET, LegacyBindings
from .shims import NoAttributeHooks
from .suppression import UNTRANSLATED_ID, is_suppressed
from .todo import kept_before, mark_inner, mark_statement, mark_tf1_optimizer_calls, strip_leading


_DEFINITIONS = (cst.FunctionDef, cst.ClassDef)


@functools.lru_cache(maxsize=None)
def _hook_names(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``visit_*`` and ``leave_*`` hook names of a rule class (``dir`` order)."""
    names = dir(cls)
    return (tuple(a for a in names if a.startswith("visit_") and a != "visit_"),
            tuple(a for a in names if a.startswith("leave_")))

class RuleDispatcher(NoAttributeHooks, cst.CSTTransformer):
    """The single pass: dispatches libcst hooks to rules (in ``ORDER``)."""

    # parents come from cstcache.parent_map (one field walk), not ParentNodeProvider;
    # qualified names from the scopes, per node asked (NameResolver), not QualifiedNameProvider
    METADATA_DEPENDENCIES = (ScopeProvider, PositionProvider)

    def __init__(self, context: CodemodContext, fctx: FileContext, rules: Sequence[Rule]) -> None:
        super().__init__()
        self.context = context
        self.fctx = fctx
        self.rules = sorted(rules, key=lambda r: (r.ORDER, r.ID))
        self.visit_hooks: dict[str, list[Callable]] = defaultdict(list)
        self.leave_hooks: dict[str, list[Callable]] = defaultdict(list)
        self.call_rules: dict[str, list[CallRule]] = {}  # in ORDER; the first takes the call (NOT_MINE: the next)
        for rule in self.rules:
            visits, leaves = _hook_names(type(rule))
            for attr in visits:
                self.visit_hooks[attr[6:]].append(getattr(rule, attr))
            for attr in leaves:
                self.leave_hooks[attr[6:]].append(getattr(rule, attr))
            if isinstance(rule, CallRule):
                for name in rule.CALLS:
                    self.call_rules.setdefault(name, []).append(rule)
        fctx._meta = self.get_metadata
        self._active: list[frozenset[str]] = []  # suppressions of the statements being visited

    def on_visit(self, node: cst.CSTNode) -> bool:
        if type(node) in _DEFINITIONS and self._pasted_helper(node):
            return False  # (on_leave returns it as it is)
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
        if type(node) in STATEMENT_SET:
            self._active.append(self.fctx.suppress.get(id(node), frozenset()))
        ids = self._active[-1] if self._active else None
        for hook in self.visit_hooks.get(type(node).__name__, ()):
            rid = hook.__self__.ID
            if not is_suppressed(ids, rid):
                self.fctx.current_rule = rid
                hook(node)
        self.fctx.current_rule = None
        return True

    def _pasted_helper(self, node) -> bool:
        """A helper definition an earlier migration wrote into this file (a module-level def /
        class under its ``# tflearn-migrate helper: NAME`` marker): the tool's own Keras code,
        which no rule rewrites (TFM203 added an epsilon to the TF1 contrastive loss helper's
        faithful sqrt on a second run)."""
        if self.fctx.parent(node) is not self.fctx.module:
            return False
        for line in node.leading_lines:
            c = line.comment.value if line.comment is not None else ""
            if c.startswith(HELPER_MARKER) and c[len(HELPER_MARKER):].strip() in HELPERS:
                return True
        return False

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):  # noqa: C901
        # exact type tests (libcst's classes are not subclassed; isinstance against them is a
        # Python-level ABCMeta call, several per node of every file)
        t = type(original)
        if t in _DEFINITIONS and original is updated and self._pasted_helper(original):
            return updated
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
        if t in STATEMENT_SET:
            if self.fctx.suppress and self._active:
                self._active.pop()
            if self.fctx.protected or kept_before(original):
                result = self.fctx.keep_protected(original, updated, result)
            result = self._finish_statement(original, result)
        return result

    def _translate_call(self, original: cst.Call, updated: cst.Call,
                        ids: frozenset[str] | None = None) -> cst.BaseExpression:
        if not self.call_rules:
            return updated
        qname = self.fctx.legacy_name(original)
        for rule in (self.call_rules.get(qname, ()) if qname else ()):
            if ids and is_suppressed(ids, rule.ID):
                return updated
            if ids:
                self.fctx.current_rule = rule.ID
            out = rule.translate(qname, original, updated)
            if out is NOT_MINE:  # (a rule that takes only some calls of the name: the next one's)
                continue
            return updated if out is None else out
        return updated

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
        at = 0  # the statement a TFM100-only marker goes on: the first that still uses a legacy API
        if not f._marks.get(key) and f.options.rule_enabled(UNTRANSLATED_ID):
            refs: list[str] = []
            built = isinstance(original, cst.SimpleStatementLine)  # a simple line -> maybe a def
            shadow = f.bindings.rebinds.shadowed(original)
            for i, s in enumerate(stmts):
                own = f.bindings.refs(s, shadowed=shadow)
                if own and not refs:
                    at = i
                refs.extend(own)
                if built and not isinstance(s, cst.SimpleStatementLine) and f.bindings.refs(s, deep=True):
                    stmts[i] = mark_inner(s, f, original)  # the pass never visits its inner lines
            refs = sorted(set(refs))
            if refs:
                f.todo(original, UNTRANSLATED_ID, (
                    "left as it is by its `tflearn-migrate: ignore` comment; still uses "
                    if key in f.suppress else "no Keras translation for ") + ", ".join(refs))
        if f.counts.get("TFM133") and not f._marks.get(key) and isinstance(original, cst.SimpleStatementLine):
            mark_tf1_optimizer_calls(f, original, stmts)  # keras.optimizers.SGD(...).minimize(loss)
        marks = f._marks.get(key)
        if marks and stmts:
            # a rule's own marker on the first statement; TFM100's on the one that uses the API
            # (``model.compile(optimizer=tf.train.FtrlOptimizer(...))`` after ``model = ...``),
            # where a second run would look for it
            i = at if at < len(stmts) and all(m.rule == UNTRANSLATED_ID for m in marks) else 0
            stmts[i] = mark_statement(stmts[i], marks)
        before, after = f._before.pop(key, []), f._after.pop(key, [])
        if before:
            stmts = with_leading_lines(list(before), stmts[0]) + [
                strip_leading(stmts[0])] + stmts[1:] if stmts else list(before)
        stmts = stmts + list(after)
        if len(stmts) == 1 and isinstance(stmts[0], cst.CSTNode):
            # one node, never a sentinel of one: an ``elif`` (an If in an If's orelse) cannot
            # be replaced by a sequence (a marker on its condition made libcst raise)
            return stmts[0]
        if not stmts:
            return cst.RemoveFromParent()
        return cst.FlattenSentinel(stmts)
