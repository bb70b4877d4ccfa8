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

from abc import ABCMeta

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


class _ExactABCMeta(ABCMeta):
    """``ABCMeta`` whose ``isinstance`` / ``issubclass`` answers are the plain type checks in C.

    libcst's node, visitor and provider classes are ABCs: every ``isinstance(x, cst.Name)``
    that is not an exact-type hit runs ``ABCMeta.__instancecheck__``, a Python-level call
    (about 15 million of them for a generated 5,000-line file: libcst's own ``visit`` asks
    ``isinstance(visitor, CSTVisitor)`` and ``isinstance(result, RemovalSentinel)`` per node,
    its scope pass and the analyses more). An ABC answers differently from a plain class only
    for virtual subclasses (``register``) or a ``__subclasshook__``; libcst defines neither
    (:func:`fast_isinstance` checks that, class by class), so the same answers come from
    ``type``'s own checks."""

    __instancecheck__ = type.__instancecheck__
    __subclasscheck__ = type.__subclasscheck__


def _plain_abc(cls: type) -> bool:
    """An ABC with no virtual subclasses and no ``__subclasshook__`` of its own (``ABC``'s is
    the default, which says NotImplemented)."""
    import abc

    if type(cls) is not ABCMeta or abc._get_dump(cls)[0]:
        return False
    return all("__subclasshook__" not in vars(k) for k in cls.__mro__ if k not in (abc.ABC, object))


def fast_isinstance() -> None:
    """Give libcst's ABC classes (nodes, visitors, metadata providers: every subclass of
    ``CSTNode`` and ``MetadataDependent`` defined so far) :class:`_ExactABCMeta`; classes
    defined later from them inherit it."""
    import libcst as cst
    from libcst._metadata_dependent import MetadataDependent

    seen: set[type] = set()
    stack: list[type] = [cst.CSTNode, MetadataDependent]
    while stack:
        c = stack.pop()
        if c in seen:
            continue
        seen.add(c)
        stack.extend(c.__subclasses__())
    if not all(_plain_abc(c) or type(c) is _ExactABCMeta for c in seen):
        return  # something registered a virtual subclass: keep ABCMeta's answers
    for c in seen:
        if type(c) is ABCMeta:
            c.__class__ = _ExactABCMeta


def install() -> None:
    if BatchableCSTVisitor.get_visitors is not get_visitors:
        BatchableCSTVisitor.get_visitors = get_visitors  # type: ignore[method-assign]
        fast_isinstance()
