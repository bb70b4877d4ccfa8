"""The initializer (and regularizer) a TF1 variable takes from the ``variable_scope`` it is made in.

In TF1, ``tf.get_variable`` without ``initializer=`` uses the initializer of the variable scope in
force (set by ``variable_scope(..., initializer=X)`` and inherited by the scopes nested in it), and
Glorot-uniform only where no scope sets one. The same holds for every variable a layer makes with
``initializer=None``: ``tf.layers``' kernels (``kernel_initializer=None`` by default) and the RNN
cells' kernels. The PTB-tutorial pattern ``with tf.variable_scope('model', initializer=init):``
around a whole model is common in real code; a translation that writes Keras' default there
silently changes the model's initialisation.

Which scope is in force where a call runs is what the sharing analysis (analysis/sharing.py)
interprets: it records, per call, the scope initializer node at each execution
(``Sharing.scope_inits``). This module turns those records into one Keras initializer:

- no ``variable_scope`` of the file sets an initializer (one syntactic look, no interpretation):
  None - the layer's own default stands;
- the call ran under no scope initializer: None;
- it ran under one (one node, or names reading one binding of it) that is a TF1 initializer with
  literal arguments: that initializer in Keras;
- otherwise (different ones, one the analysis cannot read, or a call the analysis never reached
  in a file that sets scope initializers): :class:`Untranslatable` with the reason, so the call
  stays TF1 with a TODO instead of a silent Glorot-uniform.

``variable_scope(..., regularizer=R)`` works the same way for every variable made with no
regularizer of its own - biases included (``tf.layers``' and contrib's ``*_regularizer=None``,
checked in the legacy runtime: ``m/dense/bias/Regularizer/...`` in REGULARIZATION_LOSSES). It
matters only where the file adds that collection to a loss (``RegularizationReads``; otherwise TF1
never trained with it and ``translate/regularizers.regularizer_of`` drops it, as for a layer's own):
:func:`inherited_regularizer`.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk
from ..emit import code
from ..translate.tflearn import Untranslatable
from .sharing import Sharing, scope_argument

_SET_INITIALIZER = "set_initializer"
_SET_REGULARIZER = "set_regularizer"
_APP_RUN = ("tensorflow.app.run", "tensorflow.compat.v1.app.run")


class ScopeInitializers:
    """``ctx.analysis(ScopeInitializers)``: does any variable scope of the file set an initializer
    (``any``) / a regularizer (``regularizer``)?"""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.any = False
        self.regularizer = False
        text = ctx.module_code
        if "variable_scope" not in text and _SET_INITIALIZER not in text and _SET_REGULARIZER not in text:
            return  # (no scope can set one)
        for n in walk(ctx.module):
            if type(n) is not cst.Call:
                continue
            f = n.func
            if isinstance(f, cst.Attribute) and f.attr.value in (_SET_INITIALIZER, _SET_REGULARIZER):
                # tf.get_variable_scope().set_initializer(...): not followed, every variable unknown
                self.any = self.regularizer = True
                return
            if ctx.legacy_name(n) == "tensorflow.variable_scope":
                self.any = self.any or scope_argument(n, "initializer") is not None
                self.regularizer = self.regularizer or scope_argument(n, "regularizer") is not None


def scope_defaults(call: cst.Call) -> list[str]:
    """Which of ``initializer`` / ``regularizer`` a ``variable_scope(...)`` call sets."""
    return [k for k in ("initializer", "regularizer") if scope_argument(call, k) is not None]


def _number(node) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


def _one(ctx, seen: list, what: str, kind: str):
    """The one scope node in force at every execution in ``seen`` (None: none in force), the
    node its name is bound to where it is a name."""
    from .flow import Flow

    flow = ctx.analysis(Flow)

    def binding(n):
        # the same object: one node, or names reading one binding of it (``initializer = ...``
        # then ``variable_scope('model', initializer=initializer)`` for the training model and
        # again with ``reuse=True`` for the evaluation one)
        d = flow.def_of(n.value, n) if isinstance(n, cst.Name) else None
        return ("def", id(d.stmt), d.name) if d is not None and d.value is not None else ("node", id(n))

    if any(n is OUTSIDE for n in seen):
        raise Untranslatable(f"{what} is made in a function the file never calls: the {kind}= of the "
                             "variable scope its caller opens is not known (TF1 takes it)")
    given = list({binding(n): n for n in seen if n is not None}.values())
    if not given:
        return None, None
    if len(given) > 1 or None in seen:
        raise Untranslatable(f"{what} is made under variable scopes with different {kind}= (TF1 takes the "
                             "scope's)")
    node = given[0]
    if isinstance(node, cst.Name):
        d = flow.def_of(node.value, node)
        node = None if d is None else d.value
    return given[0], node


def keras_initializer(ctx, seen: list, what: str) -> cst.BaseExpression | None:
    """The Keras initializer of the scope initializer nodes ``seen`` (one per execution of the
    call that made ``what``; None: no scope initializer in force there). None when none is in force."""
    from ..translate.tf1 import initializer_of

    written, node = _one(ctx, seen, what, "initializer")
    if written is None:
        return None
    if not isinstance(node, cst.Call) or ctx.legacy_name(node.func) is None or not all(
            (a.keyword is not None and a.keyword.value == "dtype") or _number(a.value) for a in node.args):
        raise Untranslatable(f"variable_scope initializer={code(written)} ({what}'s in TF1) is not a TF1 "
                             "initializer with literal arguments")
    node = node.with_changes(args=[a for a in node.args if not (a.keyword is not None and a.keyword.value == "dtype")])
    return initializer_of(ctx, node, node)


def inherited_initializer(ctx, call: cst.Call, what: str, cell: bool = False) -> cst.BaseExpression | None:
    """The Keras initializer TF1 gave ``what`` (a variable made by the original-tree ``call`` with
    no initializer of its own; ``cell``: an RNN cell's constructor call, whose variables a loop
    makes) from the variable scope it was made in; None: none is in force (the caller's default
    stands). Raises :class:`Untranslatable` when that is not known."""
    if not ctx.analysis(ScopeInitializers).any:
        return None
    return keras_initializer(ctx, _records(ctx, call, what, cell, "initializer"), what)


def _records(ctx, call: cst.Call, what: str, cell: bool, kind: str) -> list:
    """The scope ``kind`` nodes in force at each creating execution of ``call`` (the whole-program
    interpretation); Untranslatable where the interpreter never reached it."""
    program = ctx.analysis(_WholeProgram)
    table = {("initializer", False): program.scope_inits, ("initializer", True): program.cell_inits,
             ("regularizer", False): program.scope_regs, ("regularizer", True): program.cell_regs}[kind, cell]
    seen = table.get(id(call))
    if seen is None:
        raise Untranslatable(f"the file's variable scopes set {kind}=; where {what} is made is not "
                             "followed (TF1 takes the scope's)")
    return seen


def scope_regularizer_matters(ctx) -> bool:
    """Some variable scope of the file sets a regularizer and the file adds REGULARIZATION_LOSSES
    to a loss (otherwise TF1 never trained with scope regularizers)."""
    from .regularization import RegularizationReads

    return ctx.analysis(ScopeInitializers).regularizer and ctx.analysis(RegularizationReads).any


def inherited_regularizer(ctx, call: cst.Call, what: str, cell: bool = False) -> cst.BaseExpression | None:
    """The Keras regularizer of the ``variable_scope(regularizer=)`` in force where TF1 made ``what``
    (a variable of the original-tree ``call`` with no regularizer of its own), where it trains
    (:func:`scope_regularizer_matters`); None: none. Raises :class:`Untranslatable` when that is not
    known or has no translation."""
    if not scope_regularizer_matters(ctx):
        return None
    from ..translate.regularizers import regularizer_of

    written, node = _one(ctx, _records(ctx, call, what, cell, "regularizer"), what, "regularizer")
    if written is None:
        return None
    if not isinstance(node, cst.Call):
        raise Untranslatable(f"variable_scope regularizer={code(written)} ({what}'s in TF1) is not read")
    reg, _ = regularizer_of(ctx, node, node)
    return reg


class _Outside:
    """The scope initializer / regularizer in force where a function the file never calls is
    called from: unknown (another module's caller may open a scope that sets one)."""


OUTSIDE = _Outside()


class _WholeProgram(Sharing):
    """The sharing analysis' interpreter run once over the module, the program's entry (Sharing
    itself runs only the scopes that build towers): which variable scope is in force at each
    variable the program makes. Asked only in files whose scopes set an initializer / regularizer.

    Then the function ``tf.app.run()`` calls, and each function or method the file never names
    otherwise (a library module's builders, called from another file): run from a scope whose
    initializer and regularizer are :data:`OUTSIDE` - a scope the function opens itself decides,
    one it inherits is not known."""

    def _entries(self):
        out: list = [self.module]
        self._outside: set[int] = set()
        for n in walk(self.module):
            if type(n) is cst.Call and self.ctx.legacy_name(n) in _APP_RUN:
                fn = next((a.value for a in n.args if a.keyword is not None and a.keyword.value == "main"),
                          cst.Name("main"))
                target = self.functions.get(fn.value) if isinstance(fn, cst.Name) else None
                if target is not None and all(target is not e for e in out):
                    out.append(target)
        named: dict[str, int] = {}  # Name nodes per spelling (a def's own name is one)
        for n in walk(self.module):
            if type(n) is cst.Name:
                named[n.value] = named.get(n.value, 0) + 1
        defined: dict[str, int] = {}
        for n in walk(self.module):
            if type(n) in (cst.FunctionDef, cst.ClassDef):
                defined[n.name.value] = defined.get(n.name.value, 0) + 1
        for n in walk(self.module):
            # (a def's own name is a Name node too: named once, by its def, means never read)
            if type(n) is cst.FunctionDef and defined.get(n.name.value) == 1 and all(n is not e for e in out) \
                    and not self._read_elsewhere(n, named):
                out.append(n)
                self._outside.add(id(n))
        return out

    def _read_elsewhere(self, fn: cst.FunctionDef, named: dict[str, int]) -> bool:
        name = fn.name.value
        if name.startswith("__") and name.endswith("__"):
            # ``__init__`` / ``__call__``: Python calls them for the class's objects
            cls = self._class_of(fn)
            if cls is None:
                return True
            name = cls.name.value
        return named.get(name, 0) > 1

    def _start(self, entry, it) -> None:
        if id(entry) in self._outside:
            it.stack[0].init = it.stack[0].reg = OUTSIDE

    def _group(self, entry, it) -> None:
        pass  # (towers are Sharing's question)
