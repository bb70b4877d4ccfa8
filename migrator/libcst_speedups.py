"""Per-class memo of libcst's ``BatchableCSTVisitor.get_visitors``.

libcst resolves every batchable metadata provider (``ScopeProvider``,
``ExpressionContextProvider`` ...) by asking each provider instance for its ``visit_*`` /
``leave_*`` methods with ``inspect.getmembers``: a ``getattr`` and a predicate call for each of
the ~1,600 attributes of a visitor class, for every provider, for every file - about half of
the metadata time of a small file. Which names qualify is a property of the class (the
predicate reads the class's functions: bound methods that are not libcst's ``_is_no_op``
stubs), so the names are found once per class with libcst's own predicate and the methods
of each instance are then bound by name. An instance with its own ``visit_*`` / ``leave_*``
attributes, or a class with ``__getattr__``, is answered by libcst's code as before.
"""
from __future__ import annotations

from libcst._batched_visitor import BatchableCSTVisitor

_NAMES: dict[type, tuple[str, ...]] = {}
_original = BatchableCSTVisitor.get_visitors


def _own_hooks(obj: object) -> bool:
    d = getattr(obj, "__dict__", None)
    return bool(d) and any(k.startswith(("visit_", "leave_")) for k in d)


def get_visitors(self):  # type: ignore[no-untyped-def]
    t = type(self)
    names = _NAMES.get(t)
    if names is None:
        if _own_hooks(self) or hasattr(t, "__getattr__"):
            return _original(self)
        found = _original(self)
        _NAMES[t] = tuple(found)
        return found
    if _own_hooks(self):
        return _original(self)
    return {n: getattr(self, n) for n in names}


def install() -> None:
    if BatchableCSTVisitor.get_visitors is not get_visitors:
        BatchableCSTVisitor.get_visitors = get_visitors  # type: ignore[method-assign]
