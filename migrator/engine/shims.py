"""Speed-ups around libcst's visitor machinery (no behaviour change): no per-attribute hooks, no
matcher-decorator scan for classes without any, no defensive deep copy of a freshly parsed module."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

import libcst as cst
from libcst.metadata import MetadataWrapper

class NoAttributeHooks:
    """Transformer mixin: no per-attribute hooks (``visit_Call_func``). The inherited
    matcher-aware ``on_*_attribute`` would only look them up (twice per child of every node)
    and find nothing; neither the rules nor the import passes define any."""

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


def no_matcher_funcs_for_plain_classes() -> None:
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


class SkipCopyWrapper:
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
