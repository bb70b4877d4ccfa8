"""A TF1 RNN cell CLASS bound to a name and called through it (TFM158).

PTB-style and text-matching code picks the cell class by a setting, then builds the cells by
calling the name::

    if rnn_cell.lower() == 'lstm':
        rnn_cell = tf.nn.rnn_cell.LSTMCell
    elif rnn_cell.lower() == 'gru':
        rnn_cell = tf.nn.rnn_cell.GRUCell
    fw_cells = [rnn_cell(hidden_units) for _ in range(num_layers)]

(Lapis-Hong/atec-nlp; ``cell_fn = tf.nn.rnn_cell.GRUCell if ... else ...``). TFM158 translates a
cell CALL ``tf.nn.rnn_cell.LSTMCell(n)`` to its helper ``TF1LSTMCell(n)``: with the number of units
alone, the call's translation is the class swapped. So the class may be swapped where it is bound
(``rnn_cell = TF1LSTMCell``) when every call that the binding reaches is ``name(units)`` /
``name(num_units=units)`` (an LSTM class's also with ``forget_bias=<number>``, which the helper
takes: ``cell_unit = tf.contrib.rnn.BasicLSTMCell`` + ``cell_unit(n, forget_bias=1.0)``), nothing
else reads it there, and no ``variable_scope(..,
initializer=)`` in the file gives the kernel an initializer TF1 would have used (TFM158 follows
those into a call it sees, not into a call through a name). ``CellClasses.swappable``
answers which class references (ids of the original nodes) may be swapped.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk

SWAPPABLE = ("LSTMCell", "BasicLSTMCell", "GRUCell")
_PATHS = ("tensorflow.contrib.rnn.", "tensorflow.nn.rnn_cell.", "tensorflow.contrib.rnn.core_rnn_cell.")


def cell_class_name(ctx, node) -> str | None:
    """``LSTMCell`` for a reference to ``tf.nn.rnn_cell.LSTMCell`` (not a call), else None."""
    if not isinstance(node, (cst.Attribute, cst.Name)):
        return None
    q = ctx.legacy_name(node) or ""
    for p in _PATHS:
        if q.startswith(p) and q[len(p):] in SWAPPABLE:
            return q[len(p):]
    return None


class CellClasses:
    """``ctx.analysis(CellClasses).swappable``: ids of the class references that may be swapped."""

    def __init__(self, ctx):
        self.swappable = _swappable(ctx)


def _swappable(ctx) -> set[int]:
    from .flow import Flow

    flow = ctx.analysis(Flow)
    module = ctx.module
    out: set[int] = set()
    for n in walk(module):  # a variable_scope initializer anywhere: the kernels' may come from it
        if isinstance(n, cst.Call) and (ctx.legacy_name(n.func) or "").endswith("variable_scope") \
                and any(a.keyword is not None and a.keyword.value == "initializer" for a in n.args):
            return out
    for n in walk(module):
        if not (isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Name)
                and cell_class_name(ctx, n.value) is not None):
            continue
        name = n.targets[0].target.value
        scope = flow.scope_of(ctx.parent(n))
        order = {id(x): i for i, x in enumerate(walk(scope.node))}
        reads = [x for x in walk(scope.node) if isinstance(x, cst.Name) and x.value == name and _is_read(ctx, x)]
        if any(id(x) not in order or flow.scope_of(x) is not scope and not _in_comprehension_of(ctx, x, scope)
               for x in reads):
            continue  # read by a nested function: not followed
        seen = [x for x in reads if _may_see(ctx, n, x, order, scope)]
        lstm = cell_class_name(ctx, n.value) in ("LSTMCell", "BasicLSTMCell")
        if seen and all(_units_call(ctx, x, lstm) for x in seen):
            out.add(id(n.value))
    return out


def _may_see(ctx, assign, x, order, scope) -> bool:
    """The value ``assign`` binds may reach the read ``x``: not a read before it outside a loop
    around both, not a read in a branch of an if chain exclusive with the assignment's."""
    anc_a = _ancestors(ctx, assign, scope.node)
    anc_x = _ancestors(ctx, x, scope.node)
    ids_x = {id(a) for a in anc_x}
    if order[id(x)] < order[id(assign)] and not any(isinstance(a, (cst.For, cst.While)) and id(a) in ids_x
                                                    for a in anc_a):
        return False
    for child, parent in zip(anc_a, anc_a[1:]):
        if isinstance(parent, cst.If) and child is parent.body and parent.orelse is not None \
                and id(parent.orelse) in ids_x:
            return False  # ``if c: name = Cell`` / ``elif name.lower() == ..`` / ``else:`` reads
        if isinstance(parent, cst.If) and child is parent.orelse and id(parent.body) in ids_x:
            return False
    return True


def _ancestors(ctx, node, stop) -> list:
    out = [node]
    n = ctx.parent(node)
    while n is not None and n is not stop:
        out.append(n)
        n = ctx.parent(n)
    return out


def _is_read(ctx, x: cst.Name) -> bool:
    p = ctx.parent(x)
    return not (isinstance(p, cst.AssignTarget) or (isinstance(p, cst.Attribute) and p.attr is x)
                or (isinstance(p, (cst.Arg, cst.Param)) and getattr(p, "keyword", None) is x)
                or isinstance(p, cst.Param))


def _units_call(ctx, x: cst.Name, lstm: bool = False) -> bool:
    """``name(units)`` / ``name(num_units=units)``; for an LSTM class also with
    ``forget_bias=<number>`` (nfmcclure's ``cell_unit(num_hidden, forget_bias=1.0)``: the helper
    takes it as TFM158's translation of the call does; the call is left as written, so only
    arguments the helper class takes)."""
    from ..emit import literal

    c = ctx.parent(x)
    if not (isinstance(c, cst.Call) and c.func is x and c.args and not any(a.star for a in c.args)):
        return False
    a, rest = c.args[0], c.args[1:]
    if not (a.keyword is None or a.keyword.value == "num_units"):
        return False
    for r in rest:
        v = literal(r.value, None)
        if not lstm or r.keyword is None:
            return False
        if r.keyword.value == "forget_bias" and isinstance(v, (int, float)) and not isinstance(v, bool):
            continue
        return False
    return True


def _in_comprehension_of(ctx, x, scope) -> bool:
    n = ctx.parent(x)
    while n is not None and n is not scope.node:
        if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return False
        n = ctx.parent(n)
    return True
