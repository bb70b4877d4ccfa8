"""Which scheduled legacy imports are unused - decided in one cheap walk where that is certain.

libcst's ``RemoveImportsVisitor`` decides "unused" with full scope analysis of the final tree
(a deep copy, QualifiedNameProvider + ScopeProvider, then three more visitor passes). That was
half the rewriter's time. For the imports the engine schedules (module-level
``import tensorflow as tf`` and the like) the answer of that analysis follows from where the
bound name is read, which one plain walk over the node fields finds:

* the name is bound by nothing but module-level imports and module-level ``name = ...``
  assignments (no other assignment, parameter, loop target, ``global``, nested import ...
  anywhere; libcst links a read to every binding before it in its scope, so a module-level
  rebinding does not change which reads reach the import), and
* it is read inside a function / class / lambda body or a comprehension, or at module level
  in a statement after its first import  ->  libcst links that read to the import: USED;
* it is read nowhere (or only in module-level statements before its first import, which
  libcst does not link to a later binding)  ->  UNUSED.

Anything else - a read in the same statement as the import, a read in a comprehension before
it, a dotted ``import a.b`` without ``as``, ``__all__``, string annotations, a name also bound
another way - returns ``None`` and the engine runs libcst's full analysis instead, so the
result is always the one libcst's visitor would give. ``MIGRATOR_CHECK_IMPORTS=1`` runs both and
raises on any difference (used by the tests).
"""
from __future__ import annotations

import re
from typing import Any, Callable

import libcst as cst

# parents whose Name child BINDS (or may bind) the name: any such binding of a scheduled
# import's name sends the file to libcst's analysis
_BINDING_PARENTS = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor,
                    cst.AsName, cst.NamedExpr, cst.FunctionDef, cst.ClassDef, cst.Param,
                    cst.NameItem, cst.Del, cst.Element, cst.StarredElement, cst.Tuple, cst.List,
                    cst.MatchAs, cst.MatchStar, cst.MatchMapping, cst.MatchKeywordElement)
_SCOPE_BODIES = {cst.FunctionDef: "body", cst.ClassDef: "body", cst.Lambda: "body"}
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
_TYPING_CALLS = {"cast", "TypeVar", "NewType", "NamedTuple", "TypedDict"}

_FIELDS: dict[type, tuple[str, ...]] = {}
# the same, as sets of exact types (libcst's node classes are not subclassed)
_BINDING_TYPES = frozenset(_BINDING_PARENTS)
_COMPREHENSION_TYPES = frozenset(_COMPREHENSIONS)
_STRING_TYPES = frozenset(_STRINGS)
_IS_NODE: dict[type, bool] = {}


def _is_node(v: object) -> bool:
    t = type(v)
    r = _IS_NODE.get(t)
    if r is None:
        r = _IS_NODE[t] = isinstance(v, cst.CSTNode)
    return r
_WORD = re.compile(r"\w+")


def _fields(node: cst.CSTNode) -> tuple[str, ...]:
    t = type(node)
    f = _FIELDS.get(t)
    if f is None:
        # (libcst's slots classes list ``__slots__`` among their dataclass fields: the slot
        # names, never a child)
        f = _FIELDS[t] = tuple(n for n in t.__dataclass_fields__ if n != "__slots__")
    return f


class _Names:
    __slots__ = ("nested", "top", "comp", "bound", "bound_nested")

    def __init__(self) -> None:
        self.nested = False          # read inside a def / class / lambda body
        self.top: set[int] = set()   # module statements (index) with a module-level read
        self.comp: set[int] = set()  # module statements with a read inside a comprehension
        self.bound = False           # bound other than by a module-level import (see below)
        self.bound_nested = False    # a parameter / assignment / def of a def, class or lambda


def unused_imports(module: cst.Module, scheduled: Callable[[cst.ImportAlias, cst.CSTNode], bool]
                   ) -> dict[cst.ImportAlias, cst.CSTNode] | None:
    """``{alias: import statement}`` for the ``scheduled`` import aliases whose bound name
    nobody reads (libcst's definition of unused), or None when that needs libcst's scope
    analysis. Aliases that are not scheduled are not decided (they are never removed)."""
    names: dict[str, _Names] = {}
    imports: list[tuple[cst.ImportAlias, cst.CSTNode, str, int]] = []  # alias, stmt, name, index
    dotted_roots: set[str] = set()
    typed_strings: list[str] = []
    has_all = False

    def info(name: str) -> _Names:
        n = names.get(name)
        if n is None:
            n = names[name] = _Names()
        return n

    # iterative walk: (node, parent, field, top index, nested, in comprehension, typed)
    for top, stmt in enumerate(module.body):
        stack: list[tuple[Any, Any, str, bool, bool, bool, frozenset]] = [
            (stmt, module, "body", False, False, False, _NONE)]
        while stack:
            node, parent, field, nested, comp, typed, params = stack.pop()
            # exact type tests: libcst's node classes have no subclasses, and ``isinstance``
            # against them is a Python-level ABCMeta call (half of this walk's time)
            t = type(node)
            if t is cst.Import or t is cst.ImportFrom:
                if t is cst.ImportFrom and isinstance(node.names, cst.ImportStar):
                    continue
                for a in node.names:  # type: ignore[union-attr]
                    wanted = scheduled(a, node)
                    if wanted and nested:
                        return None  # an import inside a def / class: its own scope
                    if a.asname is not None:
                        if not isinstance(a.asname.name, cst.Name):
                            return None
                        bound = a.asname.name.value
                    elif isinstance(a.name, cst.Attribute):  # ``import a.b``: dotted binding
                        root = a.name
                        while isinstance(root, cst.Attribute):
                            root = root.value
                        if wanted:
                            return None
                        dotted_roots.add(getattr(root, "value", ""))
                        continue
                    else:
                        bound = a.name.value
                    if nested:
                        info(bound).bound = True
                    else:
                        imports.append((a, node, bound, top if wanted else -top - 1))
                continue
            if t is cst.Name:
                pt = type(parent)
                if (field == "attr" and pt is cst.Attribute) or (field == "keyword" and pt is cst.Arg):
                    continue
                v = node.value
                if v == "__all__":
                    has_all = True
                if nested and v in params and not (field == "name" and pt is cst.Param):
                    continue  # a read of a parameter of an enclosing def / lambda: libcst links it there
                plain = (field == "target" and pt is cst.AssignTarget) or (
                    field == "name" and (pt is cst.FunctionDef or pt is cst.ClassDef))
                if plain and not nested and not comp:
                    # ``regression = regression(net, ...)`` / a def at module level: libcst links
                    # every later module-level read to every earlier binding, the import included
                    # (an access takes all assignments before it in its scope), and reads in
                    # nested scopes to all of them: which reads reach the import does not change
                    pass
                elif (plain or (field == "name" and pt is cst.Param)) and not comp:
                    # a binding of a def / class / lambda scope (a helper's ``shuffle=True``
                    # parameter): it changes nothing for module-level reads; reads in nested
                    # scopes then need libcst (bound_nested + nested -> None)
                    info(v).bound_nested = True
                elif pt in _BINDING_TYPES:
                    # Element / Tuple / List ... may be loads too: "bound" only costs the fast path
                    info(v).bound = True
                elif nested:
                    info(v).nested = True
                elif comp:
                    info(v).comp.add(top)
                else:
                    info(v).top.add(top)
                continue
            if typed and t in _STRING_TYPES:
                # libcst parses such strings and takes the names in them: every one is a word
                text = getattr(node, "evaluated_value", None)
                if not isinstance(text, str):
                    text = cst.Module([]).code_for_node(node)
                typed_strings.append(text)
                continue
            body_field = _SCOPE_BODIES.get(t)
            inner = params
            if body_field is not None and t is not cst.ClassDef:
                inner = params | _param_names(node.params)
            is_comp = comp or t in _COMPREHENSION_TYPES
            node_typed = typed or t is cst.Annotation or t is cst.SubscriptElement or (
                t is cst.Call and _call_name(node) in _TYPING_CALLS)
            kids = []
            for f in _fields(node):
                value = getattr(node, f)
                vt = type(value)
                if vt is tuple or vt is list:
                    if not value:
                        continue
                    items = [x for x in value if _is_node(x)]
                    if not items:
                        continue
                elif vt is str or value is None:
                    continue
                elif _is_node(value):
                    items = [value]
                else:
                    continue
                entry = (node, f, nested or f == body_field, is_comp, node_typed, inner if f == body_field else params)
                kids.extend((x, *entry) for x in items)
            stack.extend(reversed(kids))

    if has_all:
        return None
    first: dict[str, int] = {}
    for _a, _s, bound, top in imports:
        top = top if top >= 0 else -top - 1
        first[bound] = min(first.get(bound, top), top)
    out: dict[cst.ImportAlias, cst.CSTNode] = {}
    for alias, stmt, bound, top in imports:
        if top < 0:  # not scheduled: never removed, nothing to decide
            continue
        if bound in dotted_roots or any(bound in s and bound in _WORD.findall(s) for s in typed_strings):
            return None
        n = names.get(bound)
        if n is None:
            out[alias] = stmt
            continue
        if n.bound or (n.bound_nested and n.nested):
            return None
        start = first[bound]
        if n.nested or any(i > start for i in n.top) or any(i > start for i in n.comp):
            continue  # used
        if start in n.top or any(i <= start for i in n.comp):
            return None  # a read libcst may or may not link to this import
        out[alias] = stmt
    return out


_NONE: frozenset = frozenset()


def _param_names(ps: cst.Parameters) -> frozenset:
    """The names a def's / lambda's parameters bind (local to its body)."""
    out = [p.name.value for p in (*ps.posonly_params, *ps.params, *ps.kwonly_params)]
    for star in (ps.star_arg, ps.star_kwarg):
        if isinstance(star, cst.Param):
            out.append(star.name.value)
    return frozenset(out)


def _call_name(call: cst.Call) -> str | None:
    f = call.func
    if isinstance(f, cst.Attribute):
        return f.attr.value
    if isinstance(f, cst.Name):
        return f.value
    return None
