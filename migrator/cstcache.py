"""Per-file memo of ``CSTNode.children``.

libcst computes ``node.children`` by re-visiting the node with a collecting visitor (it
rebuilds and re-validates the node every time), and the rules' analyses walk the module
many times. libcst nodes are immutable, so a node's children never change: the engine
clears this memo at the start and end of every file, and every walk in the rewriter goes
through :func:`children`. Entries keep their node alive, so an ``id`` is never reused
while it is cached.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import libcst as cst

_CHILDREN: dict[int, tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]] = {}


def children(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """``node.children`` (lexical order), memoized."""
    hit = _CHILDREN.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    kids = tuple(node.children)
    _CHILDREN[id(node)] = (node, kids)
    return kids


def walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """Pre-order, lexical order: ``node`` and all its descendants."""
    stack = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        n = pop()
        yield n
        extend(reversed(children(n)))


def clear() -> None:
    _CHILDREN.clear()
