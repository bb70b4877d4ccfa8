"""The migration engine: one pass over a libcst tree that runs every enabled rule.

Per file (``command.MigrateCommand``):

1. The module is wrapped once (``MetadataWrapper``) and scopes and positions are resolved
   once; qualified names are asked of the scopes when a rule asks, parents come from
   ``cstcache.parent_map``.
2. ``dispatch.RuleDispatcher`` walks the tree a single time, dispatching libcst
   ``visit_*``/``leave_*`` hooks to every enabled rule (``prefilter.may_fire``: only rules
   whose trigger words occur in the file) and calls to the
   :class:`~migrator.rules.base.CallRule` registered for their canonical qualified name.
   Rules talk to ``context.FileContext``: diagnostics against original positions,
   statements inserted, removed or marked with a ``TODO(tflearn-migrate)`` comment
   (``todo``).
3. Any tflearn / TF1 reference still present in a statement afterwards is marked TODO
   (rule TFM100, ``legacy_refs``) - nothing legacy is dropped silently.
4. The import passes (``import_passes``: libcst's ``AddImportsVisitor`` /
   ``RemoveImportsVisitor`` ported, libcst's own as the fallback) add ``import keras`` etc. and
   drop legacy imports that are no longer used; helper definitions are inserted;
   ``finish_imports`` settles star imports and marks legacy imports TODO lines still need.
5. The result must compile and keep the invariant (analysis/bindings.py); otherwise the
   original is kept and an error is reported.

Inline suppression comments: ``suppression``. The library entry point: ``api.migrate_source``.
"""
from __future__ import annotations

from ..options import Options
from .api import migrate_source
from .command import MigrateCommand
from .context import FileContext
from .dispatch import RuleDispatcher
from .legacy_refs import LegacyBindings, TopRebinds
from .prefilter import has_legacy_import, may_fire
from .suppression import (
    INTERNAL_ERROR_ID,
    SUPPRESS_ALL,
    SUPPRESS_RE,
    UNSUPPRESSIBLE,
    UNTRANSLATED_ID,
    WIDENED_ID,
    is_suppressed,
    suppression_lines,
)

__all__ = [
    "FileContext", "INTERNAL_ERROR_ID", "LegacyBindings", "MigrateCommand", "Options", "RuleDispatcher",
    "SUPPRESS_ALL", "SUPPRESS_RE", "TopRebinds", "UNSUPPRESSIBLE", "UNTRANSLATED_ID", "WIDENED_ID",
    "has_legacy_import", "is_suppressed", "may_fire", "migrate_source", "suppression_lines",
]
