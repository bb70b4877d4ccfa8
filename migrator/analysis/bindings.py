"""The engine's invariant: no dangling names, nothing dropped.

After a file is rewritten, :func:`check` compares the output with the input:

* **dangling** (TFM010): every name the output reads is bound in its scope (or an enclosing
  one, or imported, or a builtin) - unless the input already read it unbound (a name the
  migration did not break). Names a star import provided count as bound only while that
  star import is still there (``tf.float32`` after ``from tflearn import *`` was removed is
  a NameError at run time);
* **dropped** (TFM011): every name the input bound at module level (other modules may import
  it) still exists - checked for the names other files of the run import from this module
  (``Options.exports``) and the names of ``__all__``;
* **attribute** (TFM012): every ``self.X`` that a class of the input set and that the output
  still reads (in that class) is still set.

The output gets ONE scope analysis (libcst ``ScopeProvider``); the input's facts come from
the metadata the rule pass already resolved (:class:`InputFacts`, built by the dispatcher).

Each :class:`Violation` names the input statements that bound the name (``binders``): the
engine re-runs the rules with those statements protected (kept, TODO-marked TFM013) and
reports what still dangles as an error.
"""
from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import libcst as cst

from ..cstcache import children_of as _kids
from libcst.metadata import (
    ClassScope,
    ComprehensionScope,
    FunctionScope,
    GlobalScope,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

DANGLING_ID = "TFM010"
DROPPED_ID = "TFM011"
ATTRIBUTE_ID = "TFM012"
KEPT_ID = "TFM013"

_STATEMENTS = (cst.SimpleStatementLine, cst.If, cst.For, cst.While, cst.With, cst.FunctionDef,
               cst.ClassDef, cst.Try)
# module attributes Python defines that libcst's builtin scope does not list
_MODULE_DUNDERS = frozenset({"__file__", "__doc__", "__spec__", "__loader__", "__package__",
                             "__builtins__", "__path__", "__annotations__", "__dict__",
                             "__cached__", "__name__", "__debug__"})
_BUILTINS = frozenset(dir(builtins)) | _MODULE_DUNDERS

Key = tuple  # scope path: ("Model", "__init__"), () for the module


def scope_key(scope: Scope | None) -> Key:
    """Names of the classes / functions enclosing ``scope`` (outermost first)."""
    parts: list[str] = []
    while scope is not None and not isinstance(scope, GlobalScope):
        if isinstance(scope, (FunctionScope, ClassScope)):
            parts.append(getattr(scope, "name", None) or "<lambda>")
        elif isinstance(scope, ComprehensionScope):
            parts.append("<comp>")
        scope = scope.parent
    return tuple(reversed(parts))


def _star_modules(module: cst.Module) -> list[str]:
    from ..names import dotted

    out = []
    for node in _iter_imports(module):
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            out.append(("." * len(node.relative)) + (dotted(node.module) if node.module else ""))
    return out


def _iter_imports(module: cst.Module) -> Iterable[cst.CSTNode]:
    """Import statements at module level and in module-level if/try blocks (cheap: no
    descent into functions or classes; a star import is only legal at module level)."""
    stack = list(module.body)
    while stack:
        s = stack.pop()
        if isinstance(s, cst.SimpleStatementLine):
            for b in s.body:
                if isinstance(b, (cst.Import, cst.ImportFrom)):
                    yield b
        elif isinstance(s, (cst.If, cst.Try, cst.With)):
            for child in _kids(s):
                if isinstance(child, cst.BaseSuite):
                    stack.extend(child.body)
                elif isinstance(child, (cst.If, cst.Else, cst.ExceptHandler, cst.Finally)):
                    stack.append(child)  # type: ignore[arg-type]
        elif isinstance(s, (cst.Else, cst.ExceptHandler, cst.Finally)):
            stack.extend(s.body.body)


def _all_names(module: cst.Module) -> set[str]:
    """The string literals of a module-level ``__all__ = [...]``."""
    out: set[str] = set()
    for s in module.body:
        if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign):
            a = s.body[0]
            if any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in a.targets) \
                    and isinstance(a.value, (cst.List, cst.Tuple)):
                for e in a.value.elements:
                    if isinstance(e.value, cst.SimpleString):
                        out.add(e.value.evaluated_value if isinstance(e.value.evaluated_value, str) else "")
    return out


# ---------------------------------------------------------------------------------------
# self.X attributes per class (syntactic: targets vs reads)
# ---------------------------------------------------------------------------------------

@dataclass
class ClassAttrs:
    sets: dict[str, list[cst.CSTNode]] = field(default_factory=dict)   # attr -> statements
    reads: dict[str, cst.CSTNode] = field(default_factory=dict)        # attr -> first read
    members: set[str] = field(default_factory=set)                     # class-body names
    bases: list[str] = field(default_factory=list)


class _AttrCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.classes: dict[Key, ClassAttrs] = {}
        self._path: list[str] = []
        self._cls: list[ClassAttrs | None] = []
        self._self: list[str | None] = []
        self._stmt: list[cst.CSTNode] = []
        self._targets: set[int] = set()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._path.append(node.name.value)
        ca = self.classes.setdefault(tuple(self._path), ClassAttrs())
        ca.bases += [b.value.value for b in node.bases if isinstance(b.value, cst.Name)]
        for s in node.body.body:
            if isinstance(s, (cst.FunctionDef, cst.ClassDef)):
                ca.members.add(s.name.value)
            elif isinstance(s, cst.SimpleStatementLine):
                for b in s.body:
                    for t in getattr(b, "targets", ()) or ():
                        if isinstance(t.target, cst.Name):
                            ca.members.add(t.target.value)
                    if isinstance(b, (cst.AnnAssign, cst.AugAssign)) and isinstance(b.target, cst.Name):
                        ca.members.add(b.target.value)
        self._cls.append(ca)
        self._self.append(None)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._path.pop()
        self._cls.pop()
        self._self.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        in_class = bool(self._cls) and self._cls[-1] is not None and self._self[-1] is None
        first = node.params.params[0].name.value if node.params.params else None
        is_static = any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
                        for d in node.decorators)
        self._path.append(node.name.value)
        if in_class and first and not is_static:
            self._self.append(first)
            self._cls.append(self._cls[-1])
        else:  # a nested function keeps its method's self (a closure)
            self._self.append(self._self[-1] if self._self else None)
            self._cls.append(self._cls[-1] if self._cls else None)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._path.pop()
        self._self.pop()
        self._cls.pop()

    def visit_SimpleStatementLine(self, node) -> None:
        self._stmt.append(node)

    def leave_SimpleStatementLine(self, node) -> None:
        self._stmt.pop()

    def _target(self, t: cst.BaseExpression) -> None:
        if isinstance(t, (cst.Tuple, cst.List)):
            for e in t.elements:
                self._target(e.value)
        elif isinstance(t, cst.StarredElement):
            self._target(t.value)
        elif isinstance(t, cst.Attribute):
            self._targets.add(id(t))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._target(node.name)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        me = self._self[-1] if self._self else None
        ca = self._cls[-1] if self._cls else None
        if me is None or ca is None or not isinstance(node.value, cst.Name) or node.value.value != me:
            return
        name = node.attr.value
        if id(node) in self._targets:
            stmt = self._stmt[-1] if self._stmt else node
            ca.sets.setdefault(name, []).append(stmt)
        else:
            ca.reads.setdefault(name, node)


def _has_class(module: cst.Module) -> bool:
    """Whether the module defines a class at module level (or in a module-level if/try):
    the attribute check is skipped, at no cost, for the (many) scripts without one."""
    stack: list[cst.CSTNode] = list(module.body)
    while stack:
        s = stack.pop()
        if isinstance(s, cst.ClassDef):
            return True
        if isinstance(s, (cst.If, cst.Try, cst.Else, cst.ExceptHandler, cst.Finally, cst.With)):
            for c in _kids(s):
                if isinstance(c, cst.BaseSuite):
                    stack.extend(c.body)
                elif isinstance(c, (cst.If, cst.Else, cst.ExceptHandler, cst.Finally)):
                    stack.append(c)
    return False


def class_attrs(module: cst.Module, statement_of=None) -> dict[Key, ClassAttrs]:
    """``self.X`` set / read per class. ``statement_of`` maps a node to its statement
    (for compound statements binding ``self.X``: ``with ... as self.X``, ``for self.X in``)."""
    if not _has_class(module):
        return {}
    v = _AttrCollector()
    module.visit(v)
    if statement_of is not None:
        for ca in v.classes.values():
            for k, stmts in ca.sets.items():
                ca.sets[k] = [s if isinstance(s, _STATEMENTS) else (statement_of(s) or s) for s in stmts]
    return v.classes


def _attr_set_in(classes: Mapping[Key, ClassAttrs], key: Key, attr: str, seen=None) -> bool:
    ca = classes.get(key)
    if ca is None:
        return False
    if attr in ca.sets or attr in ca.members:
        return True
    seen = seen or set()
    seen.add(key)
    for b in ca.bases:
        bkey = key[:-1] + (b,)
        if bkey not in seen and _attr_set_in(classes, bkey, attr, seen):
            return True
        if (b,) not in seen and _attr_set_in(classes, (b,), attr, seen):
            return True
    return False


def _inherits_unknown(classes: Mapping[Key, ClassAttrs], key: Key) -> bool:
    """A class with a base that is not a class of this module (attributes may come from it)."""
    ca = classes.get(key)
    if ca is None:
        return True
    return any(b != "object" and key[:-1] + (b,) not in classes and (b,) not in classes
               for b in ca.bases)


# ---------------------------------------------------------------------------------------
# the input side
# ---------------------------------------------------------------------------------------

class InputFacts:
    """What the invariant needs from the INPUT, taken from the metadata the rule pass
    resolved anyway (no extra scope analysis)."""

    def __init__(self, module: cst.Module, scopes: Mapping[cst.CSTNode, Scope],
                 parents: Mapping[cst.CSTNode, cst.CSTNode]) -> None:
        self.module = module
        self._parents = parents
        self.stars = _star_modules(module)
        self.unresolved: set[str] = set()   # names the input already read unbound
        self.binders: dict[Key, dict[str, list[cst.CSTNode]]] = {}
        self.top_level: set[str] = set()
        for scope in set(scopes.values()):
            if scope is None:
                continue
            key = scope_key(scope)
            for access in scope.accesses:
                if not access.referents:
                    self.unresolved.add(access.node.value if isinstance(access.node, cst.Name) else "")
            b = self.binders.setdefault(key, {})
            for a in scope.assignments:
                node = getattr(a, "node", None)
                if node is None:
                    continue
                b.setdefault(a.name, []).append(node)
                if isinstance(scope, GlobalScope) and not isinstance(node, (cst.Import, cst.ImportFrom)):
                    self.top_level.add(a.name)
        self.classes = class_attrs(module, self.statement_of)

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        n: cst.CSTNode | None = node
        while n is not None and not isinstance(n, _STATEMENTS):
            n = self._parents.get(n)
        return n

    def binds_in_chain(self, key: Key, name: str) -> bool:
        """Whether the input bound ``name`` (not by an import) in scope ``key`` or a scope
        around it: the program's own binding, which a star import cannot stand in for."""
        k: Key | None = key
        while k is not None:
            if any(not isinstance(n, (cst.Import, cst.ImportFrom)) for n in self.binders.get(k, {}).get(name, ())):
                return True
            k = k[:-1] if k else None
        return False

    def binding_statements(self, key: Key, name: str) -> list[cst.CSTNode]:
        """Input statements binding ``name`` as seen from scope ``key``: the innermost enclosing
        scope of the input that binds it; if none, every binder of the module."""
        k = key
        while True:
            nodes = self.binders.get(k, {}).get(name)
            if nodes:
                break
            if not k:
                nodes = [n for b in self.binders.values() for n in b.get(name, ())]
                break
            k = k[:-1]
        out = []
        for n in nodes:
            s = self.statement_of(n)
            if s is not None and not (isinstance(s, cst.SimpleStatementLine) and all(
                    isinstance(b, (cst.Import, cst.ImportFrom)) for b in s.body)):
                out.append(s)
        return out


# ---------------------------------------------------------------------------------------
# the check
# ---------------------------------------------------------------------------------------

@dataclass
class Violation:
    rule: str          # TFM010 / TFM011 / TFM012
    name: str          # the name (or ``self.X``)
    message: str
    out_node: cst.CSTNode | None = None          # where the output reads it (output tree)
    binders: list[cst.CSTNode] = field(default_factory=list)  # input statements that bound it
    line: int = 0      # output line (filled by ``check`` when there are violations)


def _covered(stars: list[str], name: str) -> bool:
    """Whether a star import may provide ``name``: tflearn modules' names are known
    statically (apis/tflearn_api.py); any other star import may provide anything (the
    rewriter never imports the modules it reads)."""
    from ..apis.tflearn_api import EXPORTS
    from ..names import star_names

    return any(name in star_names(m) if m in EXPORTS else True for m in stars)


def _symtable_names(code: str) -> tuple[set[str], set[str]]:
    """(names read where no enclosing scope binds them, names bound at module level), from
    Python's own compiler symbol tables (``symtable``, per scope, in C): the cheap first look
    at the output. Only when it finds a candidate does :func:`check` run libcst's
    ScopeProvider for the exact places and binders."""
    import symtable

    top = symtable.symtable(code, "<output>", "exec")
    module: set[str] = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    unbound: set[str] = set()
    stack = list(top.get_children())
    while stack:  # names a function declares global and assigns are module names too
        t = stack.pop()
        stack.extend(t.get_children())
        module.update(s.get_name() for s in t.get_symbols() if s.is_declared_global() and s.is_assigned())
    stack = [top]
    while stack:
        t = stack.pop()
        stack.extend(t.get_children())
        is_module = t.get_type() == "module"
        for s in t.get_symbols():
            if not s.is_referenced():
                continue
            if is_module or s.is_global():
                if s.get_name() not in module:
                    unbound.add(s.get_name())
            elif not (s.is_local() or s.is_free()):
                unbound.add(s.get_name())
    return unbound, module


def _quick_clean(facts: InputFacts, output: cst.Module, exports: set[str], code: str) -> bool:
    """True when the output certainly keeps the invariant (no libcst analysis needed)."""
    try:
        unbound, module = _symtable_names(code)
    except (SyntaxError, ValueError):  # pragma: no cover - the output compiled already
        return False
    out_stars = _star_modules(output)
    genuinely_unbound = {n for n in facts.unresolved if not _covered(facts.stars, n)}
    own = {n for b in facts.binders.values() for n in b} if out_stars else set()
    if any(n not in _BUILTINS and n not in genuinely_unbound and (n in own or not _covered(out_stars, n))
           for n in unbound):
        return False
    wanted = facts.top_level if "*" in exports else (exports | _all_names(facts.module)) & facts.top_level
    if any(n not in module and not _covered(out_stars, n) for n in wanted):
        return False
    if facts.classes:
        out_classes = class_attrs(output)
        for key, ca in out_classes.items():
            if _inherits_unknown(out_classes, key):
                continue
            if any(not _attr_set_in(out_classes, key, a) and _attr_set_in(facts.classes, key, a) for a in ca.reads):
                return False
    return True


def check(facts: InputFacts, output: cst.Module, exports: Iterable[str] = (),
          code: str | None = None) -> list[Violation]:
    """The violations of the invariant in ``output`` (the rewritten ``facts.module``; ``code``:
    its text, when the caller has it - then a clean output costs one ``symtable`` pass)."""
    if code is not None and _quick_clean(facts, output, set(exports), code):
        return []
    wrapper = MetadataWrapper(output)
    scopes = wrapper.resolve(ScopeProvider)
    out_stars = _star_modules(wrapper.module)
    genuinely_unbound = {n for n in facts.unresolved if not _covered(facts.stars, n)}  # broken before us
    violations: list[Violation] = []
    seen: set[tuple[Key, str]] = set()
    global_scope: GlobalScope | None = None
    for scope in set(scopes.values()):
        if scope is None:
            continue
        if isinstance(scope, GlobalScope):
            global_scope = scope
        key = None
        for access in scope.accesses:
            if access.referents or not isinstance(access.node, cst.Name):
                continue
            name = access.node.value
            if name in _BUILTINS or name in genuinely_unbound:
                continue
            key = scope_key(scope) if key is None else key
            if _covered(out_stars, name) and not facts.binds_in_chain(key, name):
                continue  # a star import may provide it (the input did not bind it itself)
            if (key, name) in seen:
                continue
            seen.add((key, name))
            violations.append(Violation(
                DANGLING_ID, name, f"`{name}` is read but no longer bound (a statement binding it was "
                f"removed by the migration)", access.node, facts.binding_statements(key, name)))
    # names other modules import from this one
    exports = set(exports)
    wanted = facts.top_level if "*" in exports else (exports | _all_names(facts.module)) & facts.top_level
    if wanted and global_scope is not None:
        bound = {a.name for a in global_scope.assignments}
        for name in sorted(wanted - bound):
            if _covered(out_stars, name):
                continue
            violations.append(Violation(
                DROPPED_ID, name, f"module-level name `{name}` was removed, but other modules "
                "import it", None, facts.binding_statements((), name)))
    # self.X still set where it is read
    out_classes = class_attrs(wrapper.module)
    for key, ca in out_classes.items():
        if _inherits_unknown(out_classes, key):
            continue
        for attr, node in ca.reads.items():
            if _attr_set_in(out_classes, key, attr) or not _attr_set_in(facts.classes, key, attr):
                continue
            binders = list(facts.classes[key].sets.get(attr, ())) if key in facts.classes else []
            violations.append(Violation(
                ATTRIBUTE_ID, f"self.{attr}", f"`self.{attr}` is read but no longer set in class "
                f"{'.'.join(key)} (the statement setting it was removed by the migration)", node, binders))
    if violations:
        positions = wrapper.resolve(PositionProvider)
        for v in violations:
            pos = positions.get(v.out_node) if v.out_node is not None else None
            v.line = pos.start.line if pos is not None else 1
    return violations
