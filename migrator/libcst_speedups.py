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

import weakref
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
        fast_codegen()


# -- read-only visits without rebuilding the tree -------------------------------------------
#
# libcst's ``CSTNode.visit`` rebuilds every node it passes (``_visit_and_replace_children``:
# a new dataclass, validated) even for a read-only ``CSTVisitor``, whose result it then throws
# away: the metadata passes (expression context, the scope pass and its batch) and every
# analysis visitor pay for a copy of the tree. For a ``CSTVisitor`` the same hooks can be
# called on the same nodes in the same order from the node's children (libcst's ``children``
# is defined as what ``_visit_and_replace_children`` visits, in that order). The per-field
# hooks (``visit_ClassDef_bases``) are the one thing a children walk does not reproduce: a
# node whose type has such a hook in the visitor, or a visitor that replaces libcst's
# ``on_visit_attribute`` / ``on_leave_attribute``, is visited by libcst's own code.

# (class, attribute) -> libcst's own function that a speed-up replaced (the tests compare)
ORIGINALS: dict[tuple[type, str], object] = {}

_ALWAYS = frozenset({"*"})
# visitor class -> node type names with field hooks in it or its bases (weak: analyses define
# visitor classes inside functions, a new class per call)
_ATTR_TYPES: "weakref.WeakKeyDictionary[type, frozenset[str]]" = weakref.WeakKeyDictionary()


def _field_hook_types(names) -> frozenset[str]:
    """Node type names ``T`` with a ``visit_T_field`` / ``leave_T_field`` among ``names``
    (libcst's node class names have no underscore)."""
    out = set()
    for n in names:
        if n.startswith(("visit_", "leave_")) and n.count("_") >= 2:
            out.add(n.split("_")[1])
    return frozenset(out)


def _no_op(f) -> bool:
    """libcst's generated do-nothing hooks (``CSTTypedVisitorFunctions``, ``@mark_no_op``)."""
    return bool(getattr(f, "_is_no_op", False))


def _class_hook_types(cls: type) -> frozenset[str]:
    """The node type names with a field hook defined in ``cls`` or a base (a hook that a
    subclass overrides with a no-op still counts: libcst's visit is then used, as before)."""
    hit = _ATTR_TYPES.get(cls)
    if hit is None:
        hit = _field_hook_types(n for n, v in vars(cls).items() if not _no_op(v))
        for b in cls.__bases__:
            if b is not object:
                hit = hit | _class_hook_types(b)
        _ATTR_TYPES[cls] = hit
    return hit


def _attr_types(visitor) -> frozenset[str]:
    """The node type names whose visit must call ``visitor``'s field hooks (``_ALWAYS``:
    every node)."""
    from libcst import CSTVisitor
    from libcst._batched_visitor import _BatchedCSTVisitor

    cls = type(visitor)
    if cls.on_visit_attribute is _BatchedCSTVisitor.on_visit_attribute \
            and cls.on_leave_attribute is _BatchedCSTVisitor.on_leave_attribute:
        hit = _class_hook_types(cls) | _field_hook_types(visitor.visitor_methods)
    elif cls.on_visit_attribute is CSTVisitor.on_visit_attribute \
            and cls.on_leave_attribute is CSTVisitor.on_leave_attribute:
        hit = _class_hook_types(cls)
    else:
        hit = _ALWAYS
    d = getattr(visitor, "__dict__", None)
    if d is None:
        return hit
    if hit is not _ALWAYS:
        hit = hit | _field_hook_types(k for k, v in d.items() if callable(v))
    d["_migrator_field_hooks"] = hit
    return hit


def fast_readonly_visit(children_of) -> None:
    """``CSTNode.visit`` for ``CSTVisitor``s without rebuilding the nodes (same hooks, same
    order, same result: the node itself); ``children_of(node)``: libcst's ``node.children``."""
    import libcst as cst
    from libcst import CSTVisitor

    base = cst.CSTNode
    if getattr(base.visit, "_migrator_fast", False):
        return
    original = base.visit

    def visit(self, visitor):
        if isinstance(visitor, CSTVisitor):
            d = getattr(visitor, "__dict__", None)
            hooks = d.get("_migrator_field_hooks") if d is not None else None
            if hooks is None:
                hooks = _attr_types(visitor)
            if not hooks or (hooks is not _ALWAYS and type(self).__name__ not in hooks):
                if visitor.on_visit(self):
                    for child in children_of(self):
                        child.visit(visitor)
                visitor.on_leave(self)
                return self
        return original(self, visitor)

    visit._migrator_fast = True  # type: ignore[attr-defined]
    ORIGINALS[(base, "visit")] = original
    base.visit = visit  # type: ignore[method-assign]


# -- code generation without generator-based context managers --------------------------------
#
# libcst prints a node inside ``with state.record_syntactic_position(node)`` and, for every
# expression, ``with self._parenthesize(state)``: ``@contextmanager`` generators, a generator
# object and four Python calls each, for every node of every print (``module.code``,
# ``code_for_node``) and of the position pass. The same steps as small classes: the plain
# state's record is a shared object that does nothing (libcst's yields and does nothing); the
# position state's records the node's range on exit as libcst's ``finally`` does; parentheses,
# brackets and braces are written around the body as libcst's generators write them (the
# closing one only when the body raised nothing).

class _NoRecord:
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, et, ev, tb) -> None:
        return None


_NO_RECORD = _NoRecord()


def _no_record(self, node, *, start_node=None, end_node=None):  # CodegenState's: nothing
    return _NO_RECORD


class _PositionRecord:
    """``PositionProvidingCodegenState.record_syntactic_position``'s steps."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state, node, start_node, end_node) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = _position(self.state.line, self.state.column)

    def __exit__(self, et, ev, tb) -> None:
        state = self.state
        end = _position(state.line, state.column)
        computed = state.provider._computed
        start = computed[self.start_node].start if self.start_node is not None else self.start
        end = computed[self.end_node].end if self.end_node is not None else end
        computed[self.node] = _CodeRange(start, end)


# one CodePosition object per (line, column) during a position pass (libcst made one per node
# boundary: most are equal to a neighbour's - a call and its callee start together): the
# ranges of a large file hold a third as many objects. CodePosition is a frozen value class,
# compared by value; the table is emptied when the pass ends.
_POSITIONS: dict[int, object] = {}


def _position(line: int, column: int):
    key = (line << 24) | column if column < (1 << 24) else (line, column)
    p = _POSITIONS.get(key)
    if p is None:
        p = _POSITIONS[key] = _CodePosition(line, column)
    return p


def _before_codegen(self, node) -> None:  # WhitespaceInclusivePositionProvidingCodegenState's
    self._stack.append(_position(self.line, self.column))


def _after_codegen(self, node) -> None:  # WhitespaceInclusivePositionProvidingCodegenState's
    start_pos = self._stack.pop()
    computed = self.provider._computed
    if node not in computed:
        computed[node] = _CodeRange(start_pos, _position(self.line, self.column))


def _interning_gen_impl(original):
    def _gen_impl(self, module) -> None:
        _POSITIONS.clear()
        try:
            original(self, module)
        finally:
            _POSITIONS.clear()
    return _gen_impl


def _update_position(self, value: str) -> None:  # WhitespaceInclusivePositionProvidingCodegenState's
    # the same arithmetic; a token without a line break (nearly all) skips the regex split
    if "\n" in value or "\r" in value:
        segments = _NEWLINE_RE.split(value)
        self.line += len(segments) - 1
        self.column = len(segments[-1])
    else:
        self.column += len(value)


def _position_record(self, node, *, start_node=None, end_node=None):
    return _PositionRecord(self, node, start_node, end_node)


class _Parens:
    """``_BaseParenthesizedNode._parenthesize``'s steps."""

    __slots__ = ("node", "state", "inner")

    def __init__(self, node, state) -> None:
        self.node, self.state = node, state

    def __enter__(self) -> None:
        state = self.state
        for lpar in self.node.lpar:
            lpar._codegen(state)
        self.inner = state.record_syntactic_position(self.node)
        self.inner.__enter__()

    def __exit__(self, et, ev, tb) -> None:
        self.inner.__exit__(et, ev, tb)
        if et is None:
            state = self.state
            for rpar in self.node.rpar:
                rpar._codegen(state)


def _parenthesize(self, state):
    return _Parens(self, state)


class _Around:
    """``_bracketize`` / ``_braceize``: an opening token node, the body, the closing one."""

    __slots__ = ("open", "close", "state")

    def __init__(self, open_, close, state) -> None:
        self.open, self.close, self.state = open_, close, state

    def __enter__(self) -> None:
        self.open._codegen(self.state)

    def __exit__(self, et, ev, tb) -> None:
        if et is None:
            self.close._codegen(self.state)


def _bracketize(self, state):
    return _Around(self.lbracket, self.rbracket, state)


def _braceize(self, state):
    return _Around(self.lbrace, self.rbrace, state)


_CodePosition = _CodeRange = _NEWLINE_RE = None  # set by fast_codegen


def fast_codegen() -> None:
    """Install the context managers above in libcst's code generation (once)."""
    global _CodePosition, _CodeRange, _NEWLINE_RE
    import inspect

    from libcst._nodes import expression
    from libcst._nodes.internal import CodegenState
    from libcst._position import CodePosition, CodeRange
    from libcst.metadata.position_provider import (
        NEWLINE_RE, PositionProvider, PositionProvidingCodegenState, WhitespaceInclusivePositionProvider,
        WhitespaceInclusivePositionProvidingCodegenState,
    )

    if CodegenState.record_syntactic_position is _no_record:
        return
    # only the library code these replace (another libcst version: leave it as it is)
    expected = {
        CodegenState.record_syntactic_position: "yield",
        PositionProvidingCodegenState.record_syntactic_position: "self.provider._computed[node] = CodeRange(start, end)",
        expression._BaseParenthesizedNode._parenthesize: "with state.record_syntactic_position(self):",
        expression.BaseList._bracketize: "self.rbracket._codegen(state)",
        expression._BaseSetOrDict._braceize: "self.rbrace._codegen(state)",
        WhitespaceInclusivePositionProvidingCodegenState.before_codegen:
            "self._stack.append(CodePosition(self.line, self.column))",
        WhitespaceInclusivePositionProvidingCodegenState.after_codegen:
            "self.provider._computed[node] = node_range",
        WhitespaceInclusivePositionProvidingCodegenState._update_position:
            "self.column = len(segments[-1])",
        PositionProvider._gen_impl: "module._codegen(state)",
        WhitespaceInclusivePositionProvider._gen_impl: "module._codegen(state)",
    }
    try:
        if not all(needle in inspect.getsource(f) for f, needle in expected.items()):
            return
    except (OSError, TypeError):
        return
    if NEWLINE_RE.pattern != r"\r\n?|\n":
        return
    _CodePosition, _CodeRange, _NEWLINE_RE = CodePosition, CodeRange, NEWLINE_RE
    for cls, name in ((CodegenState, "record_syntactic_position"),
                      (PositionProvidingCodegenState, "record_syntactic_position"),
                      (expression._BaseParenthesizedNode, "_parenthesize"), (expression.BaseList, "_bracketize"),
                      (expression._BaseSetOrDict, "_braceize"),
                      (WhitespaceInclusivePositionProvidingCodegenState, "before_codegen"),
                      (WhitespaceInclusivePositionProvidingCodegenState, "after_codegen"),
                      (WhitespaceInclusivePositionProvidingCodegenState, "_update_position"),
                      (PositionProvider, "_gen_impl"), (WhitespaceInclusivePositionProvider, "_gen_impl")):
        ORIGINALS[(cls, name)] = vars(cls)[name]
    CodegenState.record_syntactic_position = _no_record
    PositionProvidingCodegenState.record_syntactic_position = _position_record
    expression._BaseParenthesizedNode._parenthesize = _parenthesize
    expression.BaseList._bracketize = _bracketize
    expression._BaseSetOrDict._braceize = _braceize
    WhitespaceInclusivePositionProvidingCodegenState.before_codegen = _before_codegen
    WhitespaceInclusivePositionProvidingCodegenState.after_codegen = _after_codegen
    WhitespaceInclusivePositionProvidingCodegenState._update_position = _update_position
    PositionProvider._gen_impl = _interning_gen_impl(PositionProvider._gen_impl)
    WhitespaceInclusivePositionProvider._gen_impl = _interning_gen_impl(WhitespaceInclusivePositionProvider._gen_impl)
