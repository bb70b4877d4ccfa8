"""``MigrateCommand``: one file's migration - the rule pass, helpers, the import passes, the
import lines finished, the invariant kept (rules run again with statements protected), inline
suppressions widened when the kept statements break the output; never a half-written file."""
from __future__ import annotations

from dataclasses import replace

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from .. import TODO_MARKER, cstcache
from ..analysis import bindings
from ..analysis.bindings import KEPT_ID
from ..cstcache import walk as _walk  # pre-order, memoised children
from ..diagnostics import Diagnostic, Kind, Severity
from ..names import LEGACY_ROOTS, dotted
from ..options import Options
from ..parsing import parse_module
from ..rules import all_rules
from .context import FileContext
from .dispatch import RuleDispatcher
from .finish_imports import finish_imports
from .helper_insert import import_helpers, insert_helpers
from . import statements
from .import_order import order_new_imports
from .statements import check_compiles, module_code
from ..translate.keras_paths import keras3_module
from .layer_lines import one_layer_call_per_line
from .layout import wrap_long_lines
from .quotes import match_quote_style
from .import_passes import CodemodContext, remove_unused_import, run_import_passes
from .prefilter import has_legacy_import, may_fire
from .presteps import input_lines, run_pre_steps
from .suppression import (
    INTERNAL_ERROR_ID, INVARIANT_ERRORS, SUPPRESS_ALL, UNSUPPRESSIBLE, UNTRANSLATED_ID, WIDENED_ID,
    suppression_lines,
)


class MigrateCommand:
    """Migrate one module (the shape of a libcst ``CodemodCommand``: the transform, then the
    import passes it scheduled - without importing ``libcst.codemod``)."""

    DESCRIPTION = "Migrate tflearn / TensorFlow 1 code to Keras 3."

    def __init__(self, context: CodemodContext, options: Options | None = None,
                 display_path: str | None = None) -> None:
        self.context = context
        self.options = options or Options()
        path = display_path or context.filename or "<string>"
        self.fctx = FileContext(context, self.options, path)

    def _code_of(self, module: cst.Module) -> str:
        """``module.code``, reusing the text printed for the input / the output."""
        for known in (getattr(self, "_source", None), getattr(self, "_output", None)):
            if known is not None and known[0] is module:
                return known[1]
        return module.code

    def _transform_and_import(self, tree: cst.Module) -> cst.Module:
        """The rules, then the import passes they scheduled (libcst's ``CodemodCommand``)."""
        new = run_import_passes(self.context, self.transform_module_impl(tree))
        if self.options.helpers_module and self.fctx.helpers:  # after the imports the passes added
            defined = {s.name.value for s in new.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))}
            new = import_helpers(self.fctx, self.options, new, defined)
        return new

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
        new = insert_helpers(self.fctx, self.options, new)
        self._schedule_legacy_import_removal(tree)
        # the rule pass is over: the children memo of the input tree (a third of a large
        # file's memory) is not kept through the import and layout passes; the few walks after
        # this compute the children they need again
        cstcache.clear()
        return new

    def transform_module(self, tree: cst.Module, source: str | None = None) -> cst.Module:
        """``source``: the text ``tree`` was parsed from, when the caller has it (libcst prints a
        parsed module back byte for byte: the text is not printed again)."""
        original = tree
        cstcache.clear()
        tree, code = run_pre_steps(tree, self.fctx, self.options, source)
        first = len(self.fctx.diagnostics)
        try:
            return self._transform(original, tree, code)
        finally:
            # diagnostics of the rule pass name the input's lines, not those of the pre-steps' text
            to_input = input_lines(source if source is not None else original.code, code) \
                if tree is not original else None
            if to_input is not None:
                self.fctx.diagnostics[first:] = [replace(d, line=to_input(d.line))
                                                 for d in self.fctx.diagnostics[first:]]

    def _transform(self, original: cst.Module, tree: cst.Module, code: str) -> cst.Module:
        self._source = (tree, code)
        self.fctx.source = self._source[1]
        if not has_legacy_import(self._source[1]):
            return tree
        if tree is not original:  # a pre-step rewrote it (otherwise the walks it memoised are the rule pass's)
            cstcache.clear()
        try:
            try:
                new = self._migrate_once(tree)
                new = self._keep_mode_switches(tree, new)
                new = self._keep_invariant(tree, new)
            except Exception:
                if not self.fctx.suppress:
                    raise
                new = None  # a rule relied on a statement an inline comment kept
            if self.fctx.suppress and (new is None or any(
                    d.rule in INVARIANT_ERRORS for d in self.fctx.diagnostics)
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
            statements.clear()
        return self._graph_dataset_program(original, new)

    _desugared = False

    def _graph_dataset_program(self, tree: cst.Module, new: cst.Module) -> cst.Module:
        """TFM167: a graph-mode tf.data iterator program is also migrated in its placeholder form
        (analysis/graph_datasets.py: the same TF1 program, the iterator's batches fed run by run);
        that migration is kept when it leaves fewer TODO markers, no invariant error and no failure."""
        source = self.fctx.source or ""
        queues = "slice_input_producer" in source and "start_queue_runners" in source
        if self._desugared or getattr(self.fctx, "failed", False) or ("get_next" not in source and not queues) \
                or not self.options.rule_enabled("TFM167"):
            return new
        from ..analysis.graph_datasets import desugar
        from ..analysis.queue_inputs import queues_to_dataset

        try:
            if queues:  # TF1 queue runners: first the same pipeline as a tf.data iterator program
                tree = queues_to_dataset(tree)
                if tree is None:
                    return new
            alt_tree, _found = desugar(tree, queue_origin=queues)
        except Exception:  # the analysis must never cost the file its migration
            return new
        if alt_tree is None:
            return new
        inner = MigrateCommand(replace(self.context, scratch={}), self.options, self.fctx.path)
        inner._desugared = True
        inner.fctx.queue_origin = queues  # type: ignore[attr-defined]  # TFM167: the shuffles are the queues'
        alt = inner.transform_module(alt_tree)
        if getattr(inner.fctx, "failed", False) or any(d.rule in INVARIANT_ERRORS for d in inner.fctx.diagnostics):
            return new
        alt_code, new_code = inner._code_of(alt), self._code_of(new)
        if alt_code.count(TODO_MARKER) >= new_code.count(TODO_MARKER):
            return new
        self.fctx, self._output = inner.fctx, (alt, alt_code)
        self.fctx.count("TFM167")
        self.fctx.diagnostics.append(Diagnostic(
            path=self.fctx.path, line=1, col=1, rule="TFM167",
            message=("TF1 queue-runner input (slice_input_producer / shuffle_batch) migrated as the same pipeline "
                     "fed batch by batch (batch order: TF1's came from queue threads and differed from run to run "
                     "even with seeds; this one differs from TF1's; diagnostics below refer to lines of that form)"
                     if queues else
                     "graph-mode tf.data iterator program migrated as the equivalent placeholder program fed batch "
                     "by batch (diagnostics below refer to lines of that form)"),
            severity=Severity.INFO, kind=Kind.TRANSLATE))
        return alt

    def _migrate_once(self, tree: cst.Module) -> cst.Module:
        statements.clear()
        new = self._transform_and_import(tree)
        new = finish_imports(new, self.fctx)
        if self.options.sort_imports:
            new = order_new_imports(tree, new, {self.options.helpers_module} - {None})
        if self.options.wrap_lines:
            from ..helpers import defines

            source = self.fctx.source if self.fctx.source is not None else tree.code
            helper_names = {b for n in self.fctx.helpers for b in defines(n)}
            text = new.code  # each pass reads the text first and returns early when it has nothing to do
            for layout_pass in (one_layer_call_per_line, match_quote_style, wrap_long_lines):
                done = layout_pass(new, source, helper_names, text)
                if done is not new:  # (a pass that changed the module printed it to compile it)
                    new, text = done, module_code(done)
            out = text
        else:
            out = new.code
        self._output = (new, out)
        check_compiles(out, self.fctx.path)
        statements.clear()
        return new

    def _keep_mode_switches(self, tree: cst.Module, new: cst.Module) -> cst.Module:
        """TFM148 removed ``tf.compat.v1.disable_v2_behavior()`` / ``tf.logging.set_verbosity(..)``
        and the like; when TF1 lines stay behind (TODO-marked, with the import they read), they
        run with those settings: the rules run again with the switches kept where they were."""
        keep = {(line, col - 1): "kept: the TF1 lines left below (TODO) run with this setting"
                for text, (line, col) in self.fctx.mode_switches if text.split(".")[0] in self.fctx.kept_legacy_names}
        if not keep:
            return new
        new = self._rerun_protected(tree, keep)
        # (the rule's "removed" note at a kept switch gives way to the TODO)
        f = self.fctx
        f.diagnostics = [d for d in f.diagnostics if not (d.rule == "TFM148" and (d.line, d.col - 1) in keep)]
        f.counts["TFM148"] -= len(keep)
        if f.counts["TFM148"] <= 0:
            del f.counts["TFM148"]
        return new

    def _rerun_protected(self, tree: cst.Module, extra: dict[tuple[int, int], str]) -> cst.Module:
        """The rules run again on ``tree`` with the input statements at ``extra``'s positions
        protected too (kept, TODO-marked with the reason); this command takes that run's file
        context and output."""
        cmd = MigrateCommand(replace(self.context, scratch={}), self.options, self.fctx.path)
        cmd.fctx.protected = {**self.fctx.protected, **extra}
        cmd.fctx.source = self.fctx.source
        cstcache.clear()
        new = cmd._migrate_once(tree)
        self.fctx, self._output = cmd.fctx, cmd._output
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
            new = self._rerun_protected(tree, extra)
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
        again = inner.transform_module(parse_module(out), out)
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
        if new is not None and any(d.rule in INVARIANT_ERRORS for d in cmd.fctx.diagnostics):
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
                        remove_unused_import(self.context, full, None, asname)
                        renamed = keras3_module(full)  # (TFM170: ``import keras.backend as K``)
                        if renamed is not None and asname is not None:
                            remove_unused_import(self.context, renamed, None, asname)
            elif isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
                mod = dotted(node.module) or ""
                if mod.split(".")[0] in LEGACY_ROOTS and not isinstance(node.names, cst.ImportStar):
                    renamed = keras3_module(mod)  # (TFM170 writes ``from tensorflow.keras import`` anew)
                    for a in node.names:
                        asname = dotted(a.asname.name) if a.asname else None
                        remove_unused_import(self.context, mod, dotted(a.name), asname)
                        if renamed is not None:
                            remove_unused_import(self.context, renamed, dotted(a.name), asname)

class _Parents:
    """``parents.get(node)`` over cstcache's ``{id(node): parent}`` map (what the invariant's
    InputFacts reads; libcst's ParentNodeProvider is not computed)."""

    def __init__(self, by_id: dict[int, cst.CSTNode]) -> None:
        self._by_id = by_id

    def get(self, node: cst.CSTNode, default=None):
        return self._by_id.get(id(node), default)
