"""Small helpers to build and inspect libcst nodes."""
from __future__ import annotations

import ast
from typing import Any, Sequence

import libcst as cst
from libcst.helpers._template import TemplateChecker, mangle_template, unmangled_name, unmangle_nodes

_MODULE = cst.Module(body=[])
_NOT_LITERAL = object()


def code(node: cst.CSTNode) -> str:
    return _MODULE.code_for_node(node)


# template text and hole names -> the parsed template with its holes as mangled names (libcst's
# parse_template_* parse the text again at every call; nodes are immutable and the holes are
# filled by a transformer that builds new parents, so one parse serves every call)
_TEMPLATES: dict[tuple[str, frozenset[str], bool], cst.CSTNode] = {}


def _template(template: str, holes: frozenset[str], statement: bool) -> cst.CSTNode:
    key = (template, holes, statement)
    hit = _TEMPLATES.get(key)
    if hit is None:
        if len(_TEMPLATES) >= 4096:  # templates made with user names (``"{m}.%s()" % method``): bounded
            _TEMPLATES.clear()
        source = mangle_template(template, set(holes))
        hit = _TEMPLATES[key] = cst.parse_statement(source) if statement else cst.parse_expression(source)
    return hit


# Python's operator precedence (higher binds tighter); atoms, calls, attributes, subscripts: _ATOM
_ATOM = 16
_BINARY_PREC = {
    cst.BitOr: 6, cst.BitXor: 7, cst.BitAnd: 8, cst.LeftShift: 9, cst.RightShift: 9,
    cst.Add: 10, cst.Subtract: 10, cst.Multiply: 11, cst.Divide: 11, cst.FloorDivide: 11,
    cst.Modulo: 11, cst.MatrixMultiply: 11, cst.Power: 13}


def _precedence(node: cst.CSTNode) -> int:
    if getattr(node, "lpar", None):
        return _ATOM
    if isinstance(node, cst.Lambda):
        return 0
    if isinstance(node, cst.IfExp):
        return 1
    if isinstance(node, cst.BooleanOperation):
        return 2 if isinstance(node.operator, cst.Or) else 3
    if isinstance(node, cst.UnaryOperation):
        return 4 if isinstance(node.operator, cst.Not) else 12
    if isinstance(node, cst.Comparison):
        return 5
    if isinstance(node, cst.BinaryOperation):
        return _BINARY_PREC.get(type(node.operator), 0)
    if isinstance(node, (cst.NamedExpr, cst.Yield)):
        return 0
    if isinstance(node, cst.Await):
        return 14
    return _ATOM


def _hole_needs(tree: cst.CSTNode) -> dict[str, int]:
    """Per hole of a parsed template: the lowest precedence a node filling it may have without
    parentheses (``1 - {k}`` with ``k`` = ``1.0 - rate`` must read ``1 - (1.0 - rate)``)."""
    needs: dict[str, int] = {}

    def need(child, prec: int) -> None:
        name = unmangled_name(child.value) if isinstance(child, cst.Name) and not child.lpar else None
        if name is not None:
            needs[name] = max(needs.get(name, 0), prec)

    stack: list[cst.CSTNode] = [tree]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.BinaryOperation) and not n.lpar:
            p = _BINARY_PREC.get(type(n.operator), 0)
            if isinstance(n.operator, cst.Power):  # right-associative; a unary right operand is fine
                need(n.left, p + 1)
                need(n.right, 12)
            else:  # left-associative: an equal-precedence right operand needs its parentheses
                need(n.left, p)
                need(n.right, p + 1)
        elif isinstance(n, cst.UnaryOperation) and not n.lpar:
            need(n.expression, 4 if isinstance(n.operator, cst.Not) else 12)
        elif isinstance(n, cst.Comparison) and not n.lpar:
            need(n.left, 6)
            for c in n.comparisons:
                need(c.comparator, 6)
        elif isinstance(n, cst.BooleanOperation) and not n.lpar:
            p = 2 if isinstance(n.operator, cst.Or) else 3
            need(n.left, p)
            need(n.right, p + 1)
        elif isinstance(n, (cst.Attribute, cst.Subscript)):
            need(n.value, _ATOM)
        elif isinstance(n, cst.Call):
            need(n.func, _ATOM)
        stack.extend(n.children)
    return needs


_NEEDS: dict[tuple[str, frozenset[str], bool], dict[str, int]] = {}


def _parenthesized(node: cst.CSTNode, prec: int) -> cst.CSTNode:
    if isinstance(node, cst.BaseExpression) and _precedence(node) < prec:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def _fill(template: str, nodes: dict[str, Any], statement: bool) -> cst.CSTNode:
    """libcst's ``parse_template_statement`` / ``parse_template_expression``, the parse memoised;
    a node filling a hole gets parentheses where the operators around the hole bind tighter
    than its own (libcst's templates insert it as it is)."""
    repl = {k: to_node(v) for k, v in nodes.items()}
    holes = frozenset(repl)
    tree = _template(template, holes, statement)
    key = (template, holes, statement)
    needs = _NEEDS.get(key)
    if needs is None:
        if len(_NEEDS) >= 4096:
            _NEEDS.clear()
        needs = _NEEDS[key] = _hole_needs(tree)
    if needs:
        repl = {k: _parenthesized(v, needs[k]) if k in needs else v for k, v in repl.items()}
    new = unmangle_nodes(tree, repl)
    if statement and not isinstance(new, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        raise TypeError(f"Expected a statement but got a {new.__class__.__qualname__}!")
    if not statement and not isinstance(new, cst.BaseExpression):
        raise TypeError(f"Expected an expression but got a {new.__class__.__qualname__}!")
    new.visit(TemplateChecker(set(holes)))
    return new


def expr(template: str, **nodes: Any) -> cst.BaseExpression:
    """Parse ``template`` with ``{name}`` holes filled by nodes or Python literals."""
    return _fill(template, nodes, False)


def stmt(template: str, **nodes: Any) -> cst.BaseStatement:
    return _fill(template, nodes, True)


def to_node(value: Any) -> cst.CSTNode:
    """A node for ``value``: nodes pass through, Python literals are written with repr."""
    if isinstance(value, cst.CSTNode):
        return value
    if isinstance(value, float):
        return cst.parse_expression(float_repr(value))
    if isinstance(value, (tuple, list)) and value and isinstance(value[0], cst.CSTNode):
        elems = [cst.Element(v) for v in value]
        return cst.Tuple(elems) if isinstance(value, tuple) else cst.List(elems)
    return cst.parse_expression(repr(value))


def float_repr(x: float) -> str:
    r = repr(float(x))
    if "e" in r:  # 1e-08 -> 1e-8
        mant, exp = r.split("e")
        r = f"{mant}e{int(exp)}"
    return r


def literal(node: cst.CSTNode | None, default: Any = _NOT_LITERAL) -> Any:
    """Python value of a literal expression node; ``default`` (or raise) otherwise."""
    if node is None:
        if default is _NOT_LITERAL:
            raise ValueError("no node")
        return default
    try:
        return ast.literal_eval(code(node).strip())
    except Exception:
        if default is _NOT_LITERAL:
            raise ValueError(f"not a literal: {code(node)}") from None
        return default


def is_literal(node: cst.CSTNode | None) -> bool:
    return node is not None and literal(node, _NOT_LITERAL_SENTINEL) is not _NOT_LITERAL_SENTINEL


_NOT_LITERAL_SENTINEL = object()


# Keras' own names for variance-scaling initializers: (scale, mode, distribution) -> class
KERAS_VARIANCE_SCALING = {
    (1.0, "fan_in", "uniform"): "LecunUniform",
    (1.0, "fan_in", "truncated_normal"): "LecunNormal",
    (2.0, "fan_in", "uniform"): "HeUniform",
    (2.0, "fan_in", "truncated_normal"): "HeNormal",
    (1.0, "fan_avg", "uniform"): "GlorotUniform",
    (1.0, "fan_avg", "truncated_normal"): "GlorotNormal",
}
# keyword arguments equal to the Keras default are not written
KERAS_DEFAULTS = {
    "initializers.TruncatedNormal": {"mean": 0.0},
    "initializers.RandomNormal": {"mean": 0.0},
}


def _keras_idiom(func: str, args: tuple, kwargs: dict) -> tuple[str, dict]:
    """``keras.initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform")``
    -> ``keras.initializers.LecunUniform()``; arguments equal to Keras' defaults dropped. The
    same initializer (Keras defines those classes as exactly these VarianceScaling calls)."""
    module, _, name = func.partition(".")
    if module != "keras" or args:
        return func, kwargs
    vals = {k: literal(v, None) if isinstance(v, cst.CSTNode) else v for k, v in kwargs.items()}
    if name == "initializers.VarianceScaling" and set(kwargs) == {"scale", "mode", "distribution"}:
        key = (vals["scale"], vals["mode"], vals["distribution"])
        if isinstance(key[0], (int, float)) and not isinstance(key[0], bool):
            hit = KERAS_VARIANCE_SCALING.get((float(key[0]), key[1], key[2]))
            if hit is not None:
                return f"keras.initializers.{hit}", {}
    defaults = KERAS_DEFAULTS.get(name)
    if defaults:
        kwargs = {k: v for k, v in kwargs.items()
                  if not (k in defaults and type(vals[k]) is type(defaults[k]) and vals[k] == defaults[k])}
    return func, kwargs


def call(func: str | cst.BaseExpression, *args: Any, **kwargs: Any) -> cst.Call:
    """``func(*args, **kwargs)``; values may be nodes or literals; None kwargs are dropped.
    Keras initializers come out under Keras' own names, without arguments equal to its
    defaults (``_keras_idiom``)."""
    if isinstance(func, str):
        func, kwargs = _keras_idiom(func, args, {k: v for k, v in kwargs.items() if v is not None})
    f = cst.parse_expression(func) if isinstance(func, str) else func
    out = [cst.Arg(to_node(a)) for a in args]
    for k, v in kwargs.items():
        if v is None:
            continue
        out.append(cst.Arg(to_node(v), keyword=cst.Name(k), equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))))
    return cst.Call(func=f, args=out)


def apply_layer(layer: cst.BaseExpression, *inputs: cst.BaseExpression) -> cst.Call:
    """``layer(inputs)``: the Keras functional call."""
    return cst.Call(func=layer, args=[cst.Arg(i) for i in inputs])


def wrap_long_call(node: cst.Call, width: int = 72) -> cst.Call:
    """Put each argument of a long call on its own line (hanging indent)."""
    if len(code(node)) <= width or not node.args:
        return node
    nl = lambda last="    ": cst.ParenthesizedWhitespace(  # noqa: E731
        first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True,
        last_line=cst.SimpleWhitespace(last))
    args = []
    for i, a in enumerate(node.args):
        last = i == len(node.args) - 1
        args.append(a.with_changes(comma=cst.Comma(whitespace_after=nl("" if last else "    "))))
    return node.with_changes(whitespace_before_args=nl(), args=args)


def with_leading_lines(new: Sequence[cst.BaseStatement], old: cst.BaseStatement) -> list[cst.BaseStatement]:
    """Move the comments/blank lines above ``old`` onto the first of ``new``."""
    new = list(new)
    if new and hasattr(old, "leading_lines") and hasattr(new[0], "leading_lines"):
        new[0] = new[0].with_changes(leading_lines=list(old.leading_lines) + list(new[0].leading_lines))
    return new



def drop_left_comma_params(original: cst.Parameters, updated: cst.Parameters) -> cst.Parameters:
    """After a rule removed parameters (``RemoveFromParent``): no comma left after the last one
    (``def f(model, )``)."""
    if len(updated.params) != len(original.params) and updated.params \
            and not isinstance(updated.star_arg, (cst.Param, cst.ParamStar)) \
            and not updated.kwonly_params and not isinstance(updated.star_kwarg, cst.Param):
        last = updated.params[-1]
        if isinstance(last.comma, cst.Comma) and not isinstance(original.params[-1].comma, cst.Comma):
            return updated.with_changes(params=[*updated.params[:-1], last.with_changes(comma=cst.MaybeSentinel.DEFAULT)])
    return updated


def drop_left_comma_args(original: cst.Call, updated: cst.Call) -> cst.Call:
    """After a rule removed the last argument(s) of a call: no comma left behind (``f(a, )``)."""
    if len(updated.args) < len(original.args) and updated.args and isinstance(updated.args[-1].comma, cst.Comma) \
            and not isinstance(original.args[-1].comma, cst.Comma):
        return updated.with_changes(args=[*updated.args[:-1], updated.args[-1].with_changes(
            comma=cst.MaybeSentinel.DEFAULT)])
    return updated
