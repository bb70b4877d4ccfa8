"""Shared-encoder support: one Keras encoder model applied to every Siamese input.

Used by TFM205 (faithful: TF1 towers that share variables through ``variable_scope`` /
``reuse=True`` / ``scope.reuse_variables()`` / ``tf.AUTO_REUSE``) and by the Siamese FIX
rules (TFM201: towers that were meant to share weights but do not). The emitted code follows
keras.io's ``siamese_contrastive`` example::

    encoder_input = keras.Input(shape=x1.shape[1:])
    encoder = keras.Model(encoder_input, tower(encoder_input), name="encoder")
    left = encoder(x1)
    right = encoder(x2)

Calling ``tower(...)`` once on a fresh ``keras.Input`` creates the layers exactly once;
applying the resulting model to each input shares every weight between the towers.

API (stable; other rules build on it):

* :func:`tower_calls` - the calls of one tower-building function in a statement list
  (``[(target_name, call_node, input_expr), ...]`` grouped by the called function's name).
* :func:`encoder_statements` - the two statements that build the encoder model.
* :func:`apply_encoder` - ``encoder(x)``.
* :func:`free_name` - a name not yet bound in the module (``encoder``, ``encoder_2``...);
  :func:`encoder_name` - the same, unique among every rule's encoders of the file.

All builders return fresh libcst nodes and only use ``keras`` (the caller must
``ctx.add_import("keras")``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import libcst as cst

from ..cstcache import children, walk
from ..emit import code, expr, stmt, to_node
from ..names import dotted


@dataclass(frozen=True)
class TowerCall:
    target: str                    # the name (or ``self.attr``) the tower's output is assigned to
    statement: cst.SimpleStatementLine
    call: cst.Call                 # the ORIGINAL call node ``tower(x, ...)``
    function: str                  # dotted name of the called function ("tower", "net.tower")
    input: cst.BaseExpression      # its first argument (the tower's input)


def tower_calls(statements: Iterable[cst.CSTNode]) -> dict[str, list[TowerCall]]:
    """``name = f(x, ...)`` assignments in ``statements`` (descending into ``with`` blocks,
    not into functions), grouped by ``f``. Groups with two or more calls on different
    inputs are the candidate Siamese towers; callers decide (qualified names, reuse)."""
    out: dict[str, list[TowerCall]] = {}

    def walk(stmts: Iterable[cst.CSTNode]) -> None:
        for s in stmts:
            if isinstance(s, cst.With):
                walk(s.body.body)
                continue
            if not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1:
                continue
            a = s.body[0]
            if not isinstance(a, cst.Assign) or len(a.targets) != 1:
                continue
            t = a.targets[0].target
            v = a.value
            target = dotted(t) if isinstance(t, (cst.Name, cst.Attribute)) else None
            if target is None or not isinstance(v, cst.Call) or not v.args:
                continue
            fn = dotted(v.func)
            if fn is None or v.args[0].keyword is not None or v.args[0].star:
                continue
            out.setdefault(fn, []).append(TowerCall(target, s, v, fn, v.args[0].value))

    walk(statements)
    return {k: v for k, v in out.items() if len({code(c.input) for c in v}) >= 2}


def inline_tower_calls(statements: Iterable[cst.CSTNode]) -> dict[str, list[TowerCall]]:
    """Calls ``f(x, ...)`` of one function on different inputs INSIDE one statement's
    expression (``d = dist(net(x1), net(x2))``, ``loss(f(a) - f(b))``), grouped by ``f``; a
    call that is a statement's whole value (``a = f(x)``) is ``tower_calls``' business. The
    ``target`` of each is the call's own text (the output has no name)."""
    out: dict[str, list[TowerCall]] = {}

    def lines(stmts: Iterable[cst.CSTNode]):
        for s in stmts:
            if isinstance(s, cst.With):
                yield from lines(s.body.body)
            elif isinstance(s, cst.SimpleStatementLine):
                yield s

    for s in lines(statements):
        whole = {id(getattr(b, "value", None)) for b in s.body}
        found: dict[str, list[cst.Call]] = {}
        stack: list[cst.CSTNode] = [s]
        while stack:
            n = stack.pop()
            if isinstance(n, (cst.Lambda, cst.FunctionDef)):
                continue
            if isinstance(n, cst.Call) and id(n) not in whole and n.args and n.args[0].keyword is None \
                    and not n.args[0].star:
                fn = dotted(n.func)
                if fn is not None:
                    found.setdefault(fn, []).append(n)
            stack.extend(reversed(children(n)))
        for fn, calls in found.items():
            if len(calls) < 2 or len({code(c.args[0].value) for c in calls}) < 2:
                continue
            inner = {id(x) for c in calls for a in c.args for x in walk(a)}
            if any(id(c) in inner for c in calls):
                continue  # f(f(x)): one tower inside another, not two towers side by side
            out.setdefault(fn, []).extend(TowerCall(code(c), s, c, fn, c.args[0].value) for c in calls)
    return out


def free_name(taken: Iterable[str], base: str = "encoder") -> str:
    """``base``, or ``base_2``, ``base_3``... whichever is not in ``taken``."""
    taken = set(taken)
    if base not in taken:
        return base
    i = 2
    while f"{base}_{i}" in taken:
        i += 1
    return f"{base}_{i}"


class EncoderNames:
    """``ctx.analysis(EncoderNames)``: the encoder names rules have given out in this file.
    TFM201 (a fixed unshared group), TFM205 (a shared group) and TFM206 each plan their own
    groups; one scope may hold groups of two of them (a shared tower beside an unshared one),
    whose encoders must not both be ``encoder``."""

    def __init__(self, ctx) -> None:
        self.given: set[str] = set()


def encoder_name(ctx, taken: Iterable[str], base: str = "encoder") -> str:
    """``free_name(taken, base)``, also avoiding every name another rule's encoder got here."""
    given = ctx.analysis(EncoderNames).given
    name = free_name(set(taken) | given, base)
    given.add(name)
    return name


def encoder_statements(encoder: str, tower: str | cst.BaseExpression, sample_input: cst.BaseExpression,
                       extra_args: Sequence[cst.Arg] = (), input_name: str | None = None,
                       input_dtype: bool = False, fixed_batch: bool = False) -> list[cst.BaseStatement]:
    """``<encoder>_input = keras.Input(shape=<sample>.shape[1:])`` and
    ``<encoder> = keras.Model(<encoder>_input, <tower>(<encoder>_input, *extra), name=...)``.

    ``sample_input`` is one of the inputs the towers are applied to (a Keras tensor, e.g.
    the ``keras.Input`` that replaced a placeholder); its shape gives the encoder's input
    shape, so the statements must come after it is defined. ``extra_args`` are the tower
    call's other arguments (they must be the same for every tower call). ``input_dtype``: the
    input also takes the sample's dtype (``dtype=<sample>.dtype``: a float64 tower).
    ``fixed_batch``: the sample is a placeholder written with a fixed batch size, so the input
    takes it too (``batch_size=<sample>.shape[0]``: a tower reading its static batch dimension,
    ``tf.reshape(pool, [shape[0], nodes])``, gets the number TF1 gave it)."""
    inp = input_name or f"{encoder}_input"
    # shape-preserving wrappers (TFM301's Rescaling) do not matter for the shape: take the input
    while (isinstance(sample_input, cst.Call) and isinstance(sample_input.func, cst.Call)
           and dotted(sample_input.func.func) == "keras.layers.Rescaling" and len(sample_input.args) == 1):
        sample_input = sample_input.args[0].value
    tower_node = cst.parse_expression(tower) if isinstance(tower, str) else tower
    call = cst.Call(func=tower_node, args=[cst.Arg(cst.Name(inp)), *[
        a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in extra_args]])
    first = "{n} = keras.Input(shape={s}.shape[1:], dtype={s}.dtype" if input_dtype else \
        "{n} = keras.Input(shape={s}.shape[1:]"
    first += ", batch_size={s}.shape[0])" if fixed_batch else ")"
    return [
        stmt(first, n=cst.Name(inp), s=sample_input),
        stmt("{e} = keras.Model({i}, {c}, name={q})", e=cst.Name(encoder), i=cst.Name(inp), c=call,
             q=to_node(encoder)),
    ]


def apply_encoder(encoder: str, x: cst.BaseExpression) -> cst.Call:
    """``encoder(x)``."""
    return cst.Call(func=cst.Name(encoder), args=[cst.Arg(x)])


# operands that can take ``+ eps`` without parentheses (``a - b + eps`` is ``(a - b) + eps``)
_ADDABLE = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power,
            cst.MatrixMultiply)



def plus_epsilon(x: cst.BaseExpression) -> cst.BaseExpression:
    """``x + keras.config.epsilon()``, ``x`` in parentheses where precedence needs them."""
    if not (isinstance(x, (cst.Call, cst.Name, cst.Attribute, cst.Subscript, cst.Integer, cst.Float))
            or isinstance(x, cst.BinaryOperation) and isinstance(x.operator, _ADDABLE) and not x.lpar
            or x.lpar):
        x = x.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return expr("{x} + keras.config.epsilon()", x=x)
