"""A train op that is never run, removed (rule TFM219's pre-step): a pure function of the source.

The form (yoavalon/TensorflowMnistCNN builds a second optimizer for its classification head and
never runs it)::

    optimizer = tf.train.AdamOptimizer(learning_rate=lr).minimize(model.loss)
    classifier = tf.train.AdamOptimizer(learning_rate=lr).minimize(model.classLoss)   # never read
    ...
    sess.run([optimizer, model.loss, ...], feed_dict=...)

TF1 semantics: ``minimize`` / ``apply_gradients`` add the gradient ops, the optimizer's slot
variables (initialised with the others, read by nothing else) and the update op to the graph; an
update op no run fetches (or depends on: ``tf.group`` / ``control_dependencies`` read its name) never
changes a variable. The program without the statement trains, evaluates and prints the same
values; only the graph's variable list (what a Saver would write) loses the unused slots. The
session rules then see the one train op the program runs instead of "several train ops".

Only in a file that runs its training itself (another train op of it read by a ``.run(...)``
call: a file without one may be a library whose train op a driver imports and runs), and only a
statement ``name = <optimizer>.minimize(...)`` / ``.apply_gradients(...)`` at module level
(or in a module-level ``if`` / ``with`` / ``for`` block), one target name bound nowhere else and read
NOWHERE in the file (no Name node of it besides the target: no run, group, list, ``global``); the
optimizer a TensorFlow constructor call or a name; every argument of the calls a name, attribute,
number or string (nothing evaluated for its own effect). A name read by ``globals()`` / ``eval``
strings is not followed (none of the corpus does).
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes
from ..names import dotted
from .placeholder_forms import _simple_arg, _tf_aliases

_STEPS = ("minimize", "apply_gradients")
_BLOCKS = (cst.If, cst.With, cst.For, cst.While, cst.Else)


def _train_op_value(v: cst.BaseExpression, tf: set[str]) -> bool:
    if not (isinstance(v, cst.Call) and isinstance(v.func, cst.Attribute) and v.func.attr.value in _STEPS):
        return False
    opt = v.func.value
    if isinstance(opt, cst.Call):
        head = (dotted(opt.func) or "").split(".")[0]
        if head not in tf or not all(_simple_arg(a.value) and a.star == "" for a in opt.args):
            return False
    elif not isinstance(opt, cst.Name):
        return False
    return all(_simple_arg(a.value) and a.star == "" for a in v.args)


def _module_level(stmts, out: list) -> None:
    for s in stmts:
        if isinstance(s, cst.SimpleStatementLine):
            out.append(s)
        elif isinstance(s, _BLOCKS):
            _module_level(s.body.body, out)
            orelse = getattr(s, "orelse", None)
            if orelse is not None:
                _module_level([orelse] if isinstance(orelse, cst.If) else orelse.body.body, out)


def drop_unrun_train_ops(module: cst.Module) -> cst.Module | None:
    tf = _tf_aliases(module)
    if not tf:
        return None
    counts: dict[str, int] = {}
    for n in _nodes(module):
        if isinstance(n, cst.Name):
            counts[n.value] = counts.get(n.value, 0) + 1
    lines: list[cst.SimpleStatementLine] = []
    _module_level(module.body, lines)
    # the file runs its training itself: another train op of it is read by a ``.run(...)`` call
    # (a module without one may be a library whose train op a driver imports and runs)
    steps = {s.body[0].targets[0].target.value for s in lines
             if len(s.body) == 1 and isinstance(s.body[0], cst.Assign) and len(s.body[0].targets) == 1
             and isinstance(s.body[0].targets[0].target, cst.Name)
             and isinstance(s.body[0].value, cst.Call) and isinstance(s.body[0].value.func, cst.Attribute)
             and s.body[0].value.func.attr.value in _STEPS}
    run_reads = {n.value for c in _nodes(module)
                 if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and c.func.attr.value == "run"
                 for a in c.args for n in _nodes(a) if isinstance(n, cst.Name)}
    if not steps & run_reads:
        return None
    drop: set[int] = set()
    for s in lines:
        if not (len(s.body) == 1 and isinstance(s.body[0], cst.Assign) and len(s.body[0].targets) == 1
                and isinstance(s.body[0].targets[0].target, cst.Name)):
            continue
        name = s.body[0].targets[0].target.value
        # the target is the name's only Name node: never read, never bound again
        if counts.get(name) != 1 or not _train_op_value(s.body[0].value, tf):
            continue
        drop.add(id(s))
    if not drop:
        return None

    class T(cst.CSTTransformer):
        def leave_SimpleStatementLine(self, original, updated):
            return cst.RemoveFromParent() if id(original) in drop else updated

    return module.visit(T())
