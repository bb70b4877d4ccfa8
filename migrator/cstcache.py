"""Fast ``CSTNode.children`` and a per-file parent map.

libcst computes ``node.children`` by re-visiting the node with a collecting visitor: it
rebuilds and re-validates the node every time. The rewriter walks trees many times, so
:func:`children` reads the node's dataclass fields instead, in the order libcst visits them
(lexical order). That order is a fixed property of each node class; it is learned from
libcst itself the first time a class - or a field of it not seen filled before - comes up
(``node.children`` on that one node), so the result is always libcst's list.
``MIGRATOR_CHECK_CHILDREN=1`` compares every call with libcst's (used by the tests).

Children are memoised per file (the analyses walk the original tree many times); the engine
clears the memo (:func:`clear`) at the start and end of every file.
"""
from __future__ import annotations

import os
from typing import Iterable, Sequence

import libcst as cst

from . import libcst_speedups

libcst_speedups.install()  # memoised BatchableCSTVisitor.get_visitors (metadata resolution)

_CHECK = bool(os.environ.get("MIGRATOR_CHECK_CHILDREN"))
_ORDER: dict[type, list[str]] = {}       # node class -> its child fields, in visiting order
_FIELDS: dict[type, tuple[str, ...]] = {}
_EXTRA: dict[type, tuple[str, ...]] = {}  # node class -> its fields not in _ORDER (read for a node)
# id(node) -> children for the current file (a leaf's is the shared empty tuple); _ALIVE keeps
# each cached node alive, so an id is never reused while cached (a list slot, not a
# (node, children) pair per node). Cleared per file (the original tree lives that long anyway).
_CHILDREN: dict[int, tuple[cst.CSTNode, ...]] = {}
_ALIVE: list[cst.CSTNode] = []


def _learn(node: cst.CSTNode) -> list[str]:
    """Merge the field order libcst uses for ``node`` into its class's known order."""
    t = type(node)
    _EXTRA.pop(t, None)
    where: dict[int, str] = {}
    for f in _fields_of(t):
        v = getattr(node, f)
        if isinstance(v, cst.CSTNode):
            where[id(v)] = f
        elif isinstance(v, (tuple, list)):
            for x in v:
                if isinstance(x, cst.CSTNode):
                    where[id(x)] = f
    seen: list[str] = []
    for c in node.children:
        f = where[id(c)]
        if not seen or seen[-1] != f:
            if f in seen:  # a field's children not contiguous: no fixed order, stay slow
                _ORDER[t] = None  # type: ignore[assignment]
                return []
            seen.append(f)
    known = list(_ORDER.get(t) or [])
    order = list(known)
    for i, f in enumerate(seen):
        if f not in order:
            prev = next((seen[j] for j in range(i - 1, -1, -1) if seen[j] in order), None)
            at = order.index(prev) + 1 if prev is not None else 0
            if at < len(order) and order[at] not in seen:
                # a known field this node leaves empty sits where ``f`` would go: whether it
                # comes before or after ``f`` is not known (``Parameters``: ``params`` learned
                # first, then a node with ``star_arg`` and ``kwonly_params`` only). Learn
                # nothing: this node's children are libcst's, the order stays as it was.
                return known
            order.insert(at, f)
    if [f for f in order if f in seen] != seen:  # contradicts what was learned: stay slow
        _ORDER[t] = None  # type: ignore[assignment]
        return []
    _ORDER[t] = order
    return order


# type -> is it a CSTNode? (``isinstance`` against libcst's ABC-based classes goes through
# ABCMeta.__instancecheck__, a Python-level call; the answer depends on the type only)
_IS_NODE: dict[type, bool] = {}


def _is_node(v: object) -> bool:
    t = type(v)
    r = _IS_NODE.get(t)
    if r is None:
        r = _IS_NODE[t] = isinstance(v, cst.CSTNode)
    return r


def _fields_of(t: type) -> tuple[str, ...]:
    f = _FIELDS.get(t)
    if f is None:
        f = _FIELDS[t] = tuple(t.__dataclass_fields__)
    return f


def children(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """``node.children`` (lexical order), memoised for the current file."""
    hit = _CHILDREN.get(id(node))
    if hit is not None:
        return hit
    kids = _children(node)
    _CHILDREN[id(node)] = kids
    _ALIVE.append(node)
    return kids


def children_of(node: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    """``node.children`` without the memo: for nodes of an output tree, walked once."""
    return _children(node)


def _children(node: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    """``node.children`` from the node's fields."""
    t = type(node)
    order = _ORDER.get(t, ())
    if order is None:  # a class without a fixed field order
        return tuple(node.children)
    out: list[cst.CSTNode] = []
    is_node = _IS_NODE
    for f in order:
        v = getattr(node, f)
        tv = type(v)
        if tv is tuple or tv is list:  # (exact types first: one dict lookup per value)
            for x in v:
                r = is_node.get(type(x))
                if r is None:
                    r = _is_node(x)
                if r:
                    out.append(x)
            continue
        r = is_node.get(tv)
        if r is None:
            r = _is_node(v)
        if r:
            out.append(v)
        elif isinstance(v, (tuple, list)) and v:
            out.extend(x for x in v if _is_node(x))
    extra = _EXTRA.get(t)
    if extra is None:
        # (libcst's slots classes list ``__slots__`` among their dataclass fields: a class
        # attribute, the slot names, never a child)
        extra = _EXTRA[t] = tuple(f for f in _fields_of(t) if f not in order and f != "__slots__")
    for f in extra:
        # a field not in the learned order, filled on this node: learn from libcst
        v = getattr(node, f)
        tv = type(v)
        if tv is str or v is None or ((tv is tuple or tv is list) and not v):
            continue
        if _is_node(v) or (isinstance(v, (tuple, list)) and any(_is_node(x) for x in v)):
            _learn(node)
            return tuple(node.children)
    if _CHECK:
        real = tuple(node.children)
        if len(real) != len(out) or any(a is not b for a, b in zip(real, out)):
            raise AssertionError(f"cstcache.children differs from libcst for {t.__name__}")
    return tuple(out)


# the pre-order of each whole module walked in the current file (most analyses start with a
# walk of the module: one walk, the others read the list); cleared with the children
_MODULE_WALKS: dict[int, tuple[cst.Module, tuple[cst.CSTNode, ...]]] = {}


def _memo_walk(table: dict, node: cst.CSTNode, gen) -> Iterable[cst.CSTNode]:
    """``gen(node)``; for a module, computed once and kept in ``table`` (until cleared)."""
    if type(node) is cst.Module:
        hit = table.get(id(node))
        if hit is None or hit[0] is not node:
            hit = table[id(node)] = (node, tuple(gen(node)))
        return hit[1]
    return gen(node)


def walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """Pre-order, lexical order: ``node`` and all its descendants."""
    return _memo_walk(_MODULE_WALKS, node, _walk)


def _walk(node: cst.CSTNode, kids=None) -> Iterable[cst.CSTNode]:
    kids = children if kids is None else kids
    stack = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        n = pop()
        yield n
        extend(reversed(kids(n)))


# the same for the other pre-order the analyses use: children pushed in lexical order, so
# taken right to left (``stack.extend(children(n))``)
_MODULE_WALKS_RL: dict[int, tuple[cst.Module, tuple[cst.CSTNode, ...]]] = {}


def walk_rl(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """Pre-order with each node's children taken last to first (the order of a stack walk
    that pushes ``children(n)``): ``node`` and all its descendants; memoised for a module."""
    return _memo_walk(_MODULE_WALKS_RL, node, _walk_rl)


def _walk_rl(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    stack = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        n = pop()
        yield n
        extend(children(n))


def own_nodes(scope: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """Pre-order, lexical order: the nodes of ``scope`` (a function, class or module) that are not
    inside a function or class nested in it (those are yielded, not entered)."""
    stack = list(reversed(children(scope)))
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, (cst.FunctionDef, cst.ClassDef)):
            continue
        stack.extend(reversed(children(n)))


def walk_fresh(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """Pre-order, lexical order, without the per-file memo: for trees walked once outside the
    engine's file (outputs, checks)."""
    return _walk(node, _children)


def parent_map(module: cst.Module) -> dict[int, cst.CSTNode]:
    """``{id(node): parent}`` for every node below ``module`` (what libcst's
    ParentNodeProvider computes, from one field walk). The nodes must stay alive while the
    map is used (ids): the engine keeps the original tree for the whole file."""
    parents: dict[int, cst.CSTNode] = {}
    stack: list[cst.CSTNode] = [module]
    pop, push = stack.pop, stack.append
    while stack:
        n = pop()
        for c in children(n):
            parents[id(c)] = n
            push(c)
    return parents


libcst_speedups.fast_readonly_visit(children_of)  # read-only visits from the fields, no rebuilt tree


def clear() -> None:
    """Drop the per-file memo (the learned field orders are properties of libcst's
    classes, not of a file, and stay)."""
    _CHILDREN.clear()
    _ALIVE.clear()
    _MODULE_WALKS.clear()
    _MODULE_WALKS_RL.clear()
    _MODULE_READS.clear()
    _MODULE_READS_BY.clear()


# a module's read_names, and the same by name (the pre-steps ask them once per function of the
# file: computed once per module); cleared with the children
_MODULE_READS: dict[int, tuple[cst.Module, tuple[cst.Name, ...]]] = {}
_MODULE_READS_BY: dict[int, tuple[cst.Module, dict[str, list[cst.Name]]]] = {}


def read_names(node: cst.CSTNode) -> list[cst.Name]:
    """The Name nodes under ``node`` that name a variable (read or bound): not the attribute of
    an Attribute (``.name``) nor a keyword (``name=``)."""
    if type(node) is cst.Module:
        return list(_memo_walk(_MODULE_READS, node, _read_names))
    return _read_names(node)


def read_names_of(module: cst.Module, name: str) -> list[cst.Name]:
    """``[n for n in read_names(module) if n.value == name]``, from a per-module index."""
    hit = _MODULE_READS_BY.get(id(module))
    if hit is None or hit[0] is not module:
        index: dict[str, list[cst.Name]] = {}
        for n in read_names(module):
            index.setdefault(n.value, []).append(n)
        hit = _MODULE_READS_BY[id(module)] = (module, index)
    return list(hit[1].get(name, ()))


def _read_names(node: cst.CSTNode) -> list[cst.Name]:
    skip: set[int] = set()
    out = []
    for x in walk(node):
        if isinstance(x, cst.Attribute):
            skip.add(id(x.attr))
        elif isinstance(x, cst.Arg) and x.keyword is not None:
            skip.add(id(x.keyword))
        elif isinstance(x, cst.Name) and id(x) not in skip:
            out.append(x)
    return out


def name_read(module: cst.CSTNode, name: str) -> bool:
    """``name`` is read somewhere under ``module`` as a variable: a Name that is neither an
    attribute, a keyword nor the target of an assignment (``saver = tf.train.Saver()`` twice is
    no read of the first)."""
    bound = {id(a.target) for a in walk(module) if isinstance(a, cst.AssignTarget)}
    return any(n.value == name and id(n) not in bound for n in read_names(module))
