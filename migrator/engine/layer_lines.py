"""One layer call per line in the statements the migration wrote.

A translated tflearn / TF1 line can nest layer applications
(``h = keras.layers.Dense(3, activation='relu')(keras.layers.Flatten()(y))``: tflearn's
``fully_connected`` flattens its input). Written the way a Keras user writes it, each layer
gets its own line, the assignment's target carrying the value::

    h = keras.layers.Flatten()(y)
    h = keras.layers.Dense(3, activation='relu')(h)

Only where that is the same program: a statement the migration wrote (not a line of the input),
one plain-name target, no comment on it; the outer layers' constructor arguments do not read
the target; no two layers of the chain are of the same class (Keras names a layer at
construction - ``dense``, ``dense_1`` - and the split constructs the inner one first; weights
are drawn when a layer is built, i.e. called, in the same order either way)."""
from __future__ import annotations

import libcst as cst

from ..names import dotted
from .statements import node_code, check_compiles, input_lines, module_code, rewrite_statements


def _layer_call(e: cst.BaseExpression) -> tuple[str, cst.Call] | None:
    """``keras.layers.X(...)(arg)`` -> ("X", outer call)."""
    if type(e) is not cst.Call or type(e.func) is not cst.Call or len(e.args) != 1 or e.args[0].keyword \
            or e.args[0].star or e.lpar:
        return None
    name = dotted(e.func.func) or ""
    if not name.startswith("keras.layers."):
        return None
    return name.rsplit(".", 1)[1], e


def _reads(node: cst.CSTNode, name: str) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is cst.Name and n.value == name:
            return True
        stack.extend(n.children)
    return False


def _chain(value: cst.BaseExpression) -> list[cst.Call] | None:
    """The layer applications of a nested chain, outermost first (None: fewer than two)."""
    out: list[cst.Call] = []
    e = value
    while True:
        hit = _layer_call(e)
        if hit is None:
            break
        out.append(hit[1])
        e = hit[1].args[0].value
    return out if len(out) >= 2 else None


def split_statement(stmt: cst.SimpleStatementLine) -> list[cst.SimpleStatementLine] | None:
    if len(stmt.body) != 1 or type(stmt.body[0]) is not cst.Assign or stmt.trailing_whitespace.comment:
        return None
    assign = stmt.body[0]
    if len(assign.targets) != 1 or type(assign.targets[0].target) is not cst.Name:
        return None
    target = assign.targets[0].target.value
    chain = _chain(assign.value)
    if chain is None:
        return None
    classes = [dotted(c.func.func) for c in chain]
    if len(set(classes)) != len(classes):
        return None
    # the outer constructors run after the inner applications once split: they must not read
    # the target (it then holds the inner value)
    if any(_reads(c.func, target) for c in chain[:-1]):
        return None
    innermost = chain[-1]
    lines = [stmt.with_changes(body=[assign.with_changes(value=innermost)])]
    for c in reversed(chain[:-1]):
        arg = c.args[0].with_changes(value=cst.Name(target))
        lines.append(cst.SimpleStatementLine(
            body=[assign.with_changes(value=c.with_changes(args=[arg]))]))
    return lines


def one_layer_call_per_line(module: cst.Module, source: str, helper_names: set[str], code: str | None = None
                            ) -> cst.Module:
    """``module`` with the nested layer chains the migration wrote split (``code``: its text,
    when known)."""
    keep = input_lines(source)
    text = module.code if code is None else code
    if not any(")(keras.layers." in ln and ln.strip() not in keep for ln in text.splitlines()):
        return module

    def fn(stmt: cst.SimpleStatementLine, depth: int):
        if node_code(module, stmt).strip() in keep:
            return None
        return split_statement(stmt)

    try:
        new = rewrite_statements(module, fn, helper_names)
        if new is not module:
            check_compiles(module_code(new), "<layer lines>")
    except Exception:  # layout never costs a file its migration
        return module
    return new
