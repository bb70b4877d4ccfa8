"""A train op or assign op that is never run, removed (rule TFM219's pre-step): a pure function of
the source. (Assign ops and the variables only they read: ``_unrun_assigns`` below.)

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

from ..cstcache import parent_map, walk as _nodes
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
    drop: set[int] = _unrun_assigns(module, tf, counts, bool(run_reads)) | _unread_variables(module, tf, counts)
    for s in lines if steps & run_reads else ():
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


_ASSIGNS = ("assign", "assign_add", "assign_sub")
# calls that hand the graph's variables to something (a weight decay, a custom Saver list ...)
_LISTS = ("trainable_variables", "global_variables", "all_variables", "get_collection", "model_variables",
          "variables_initializer", "moving_average_variables")


def _pure(e: cst.BaseExpression, tf: set[str]) -> bool:
    """An initial value computed by TensorFlow ops of names, attributes and literals only."""
    if _simple_arg(e):
        return True
    if isinstance(e, (cst.List, cst.Tuple)):
        return all(isinstance(el, cst.Element) and _pure(el.value, tf) for el in e.elements)
    if isinstance(e, cst.BinaryOperation):
        return _pure(e.left, tf) and _pure(e.right, tf)
    if isinstance(e, cst.Call):
        return (dotted(e.func) or "").split(".")[0] in tf and all(a.star == "" and _pure(a.value, tf) for a in e.args)
    return False


def _update_ops(call: cst.Call) -> bool:
    """``tf.get_collection(tf.GraphKeys.UPDATE_OPS)``: a list of ops, not of variables."""
    if not call.args:
        return False
    a = call.args[0].value
    name = dotted(a) if not isinstance(a, cst.SimpleString) else a.evaluated_value
    return (dotted(call.func) or "").endswith("get_collection") and str(name).rpartition(".")[2] in (
        "UPDATE_OPS", "update_ops")


def _unrun_assigns(module: cst.Module, tf: set[str], counts: dict[str, int], runs: bool) -> set[int]:
    """``v = tf.Variable(<pure value>)`` and ``a = tf.assign(v, x)`` (or ``v.assign(x)``) where no
    run, group or list ever reads ``a`` (its only Name node is the target) and ``v`` is read by
    such assigns only: TF1 never executes the assign, and nothing computes with the variable (no
    call in the file lists the graph's variables either: a weight decay over
    ``tf.trainable_variables()`` would have read it). Both statements go; a Saver would have
    written one variable less. At module level only in a file that runs sessions itself (a
    library's module-level op may be run by a driver importing it); in a function the local is
    out of everyone's reach. The ids of the statements, or none."""
    stmts = [n for n in _nodes(module) if isinstance(n, cst.SimpleStatementLine) and len(n.body) == 1
             and isinstance(n.body[0], cst.Assign) and len(n.body[0].targets) == 1
             and isinstance(n.body[0].targets[0].target, cst.Name)]
    variables: dict[str, cst.SimpleStatementLine] = {}
    for st in stmts:
        v = st.body[0].value
        d = dotted(v.func) if isinstance(v, cst.Call) else None
        if d is not None and d.split(".")[0] in tf and d.rpartition(".")[2] == "Variable" \
                and all(a.star == "" and _pure(a.value, tf) for a in v.args):
            variables[st.body[0].targets[0].target.value] = st
    candidates: list[tuple[str, cst.SimpleStatementLine]] = []
    for st in stmts:
        name = st.body[0].targets[0].target.value
        v = st.body[0].value
        if counts.get(name) != 1 or not isinstance(v, cst.Call):
            continue
        d = dotted(v.func) or ""
        if d.split(".")[0] in tf and d.rpartition(".")[2] in _ASSIGNS and len(v.args) >= 2 \
                and isinstance(v.args[0].value, cst.Name):
            var, rest = v.args[0].value.value, v.args[1:]
        elif isinstance(v.func, cst.Attribute) and v.func.attr.value in _ASSIGNS \
                and isinstance(v.func.value, cst.Name) and len(v.args) >= 1:
            var, rest = v.func.value.value, v.args
        else:
            continue
        if var in variables and all(a.star == "" and _simple_arg(a.value) for a in rest):
            candidates.append((var, st))
    if not candidates or any(isinstance(n, cst.Call) and (dotted(n.func) or "").rpartition(".")[2] in _LISTS
                             and not _update_ops(n) for n in _nodes(module)):
        return set()
    parents = parent_map(module) if not runs else {}

    def in_function(node: cst.CSTNode) -> bool:
        p = parents.get(id(node))
        while p is not None and not isinstance(p, (cst.FunctionDef, cst.Lambda)):
            p = parents.get(id(p))
        return p is not None

    assigns: dict[str, list] = {}
    for var, st in candidates:
        if runs or (in_function(st) and in_function(variables[var])):
            assigns.setdefault(var, []).append(st)
    out: set[int] = set()
    for var, sts in assigns.items():
        if counts.get(var) == 1 + len(sts):  # the target, and one read per dropped assign
            out.add(id(variables[var]))
            out.update(id(st) for st in sts)
    return out


def _unread_variables(module: cst.Module, tf: set[str], counts: dict[str, int]) -> set[int]:
    """``penalty = tf.get_variable('penalty', [1, 1], initializer=...)`` (or ``tf.Variable(<pure
    value>)``) bound to a LOCAL name of a function that nothing in the file reads (its only Name
    node is the target): a variable no computation uses. TF1 made it, initialised it and
    computed no gradient for it (minimize skips a variable without one); the program trains and
    evaluates the same without it. Not in a file that lists the graph's variables (a weight
    decay over ``tf.trainable_variables()`` would read it). The ids of the statements."""
    if any(isinstance(n, cst.Call) and (dotted(n.func) or "").rpartition(".")[2] in _LISTS and not _update_ops(n)
           for n in _nodes(module)):
        return set()
    parents = parent_map(module)
    out: set[int] = set()
    for st in _nodes(module):
        if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)
                and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name)):
            continue
        name, v = st.body[0].targets[0].target.value, st.body[0].value
        d = dotted(v.func) if isinstance(v, cst.Call) else None
        if counts.get(name) != 1 or d is None or d.split(".")[0] not in tf \
                or d.rpartition(".")[2] not in ("get_variable", "Variable") \
                or not all(a.star == "" and _pure(a.value, tf) for a in v.args):
            continue
        p = parents.get(id(st))
        while p is not None and not isinstance(p, cst.FunctionDef):
            p = parents.get(id(p))
        if p is not None and not any(isinstance(x, (cst.Global, cst.Nonlocal)) for x in _nodes(p)):
            out.add(id(st))
    return out
