"""A module function that only builds a train op, written at its one call (rule TFM180's
pre-step): a pure function of the source.

The form (a fingerprint-matching repository's ``momentum_training``)::

    def momentum_training(loss, learning_rate, momentum):
        optimizer = tf.train.MomentumOptimizer(learning_rate, momentum)
        train_op = optimizer.minimize(loss)
        return train_op

    train_op = momentum_training(train_loss, 0.01, 0.9)

TF1 semantics: the call builds the optimizer and its step where it is called, from the caller's
loss; the name receives the step. ``inline_train_op_helpers`` writes the same program::

    train_op = tf.train.MomentumOptimizer(0.01, 0.9).minimize(train_loss)

so the session-program rules see the optimizer's ``minimize`` in the scope of its runs (the
call was taken for a tensor computed from the placeholders, and the training runs became
evaluations of a function). Only a module-level function whose body (a docstring allowed) is
single assignments of locals each read exactly once, by the next statement, then ``return``
of an expression, that calls ``minimize`` / ``apply_gradients``; called exactly once, as the
value of a one-name assignment, with arguments that are names, attributes, numbers or strings
(each parameter read at most once, or its argument a name / number); literal defaults, no
``*args`` / ``**kw``, and a body reading nothing but its parameters, its locals and the
TensorFlow module. The locals are folded into the returned expression in order (each was
evaluated once, right before the statement that reads it: the same order).

A summary statement in the body (``tf.summary.scalar("cost", cost)``, TF 0.12's
``tf.scalar_summary``) reading nothing but the parameters and the TensorFlow module is kept: it is
written, its parameters replaced by the call's arguments, right before the call's assignment. In
TF1 it made the same summary op in the same graph (graph building has no order between an op
that reads only the caller's tensors and the optimizer's ops), so the program is the same one and
the summaries are then what the session rules already handle at module level.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes
from .class_dicts import _summary_call
from .placeholder_forms import _bind, _calls_of, _free_names, _free_names_list, _Rename, _simple_arg, _tf_aliases

_STEPS = ("minimize", "apply_gradients")


def _names_read(e: cst.CSTNode, name: str) -> int:
    return sum(1 for n in _free_names_list(e) if n == name)


def _summary_line(s: cst.BaseStatement, tf: set[str]) -> bool:
    return isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Expr) \
        and _summary_call(s.body[0].value, tf)


def plain_statements(fn: cst.FunctionDef) -> list | None:
    """The statements of a plain function (no decorator, not async, no ``*args`` / ``**kwargs`` /
    keyword-only / positional-only parameters, an indented body) without its docstring, or None."""
    p = fn.params
    if (p.star_arg is not cst.MaybeSentinel.DEFAULT and p.star_arg is not None) or p.star_kwarg is not None \
            or p.posonly_params or p.kwonly_params or fn.decorators or fn.asynchronous is not None \
            or not isinstance(fn.body, cst.IndentedBlock):
        return None
    stmts = list(fn.body.body)
    if stmts and isinstance(stmts[0], cst.SimpleStatementLine) and len(stmts[0].body) == 1 \
            and isinstance(stmts[0].body[0], cst.Expr) and isinstance(stmts[0].body[0].value, cst.SimpleString):
        stmts = stmts[1:]
    return stmts


def _fold(fn: cst.FunctionDef, tf: set[str]) -> tuple[cst.BaseExpression, list[cst.SimpleStatementLine]] | None:
    """The function's returned expression with its locals folded in, and its summary statements
    (reading only parameters and TensorFlow), or None."""
    stmts = plain_statements(fn)
    if not stmts:
        return None
    last = stmts[-1]
    if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1
            and isinstance(last.body[0], cst.Return) and last.body[0].value is not None):
        return None
    params = {q.name.value for q in fn.params.params}
    summaries = [s for s in stmts[:-1] if _summary_line(s, tf)]
    if any(_free_names(s.body[0].value) - params - tf for s in summaries):
        return None
    locals_: list[tuple[str, cst.BaseExpression]] = []
    for s in stmts[:-1]:
        if _summary_line(s, tf):
            continue
        if not (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign)
                and len(s.body[0].targets) == 1 and isinstance(s.body[0].targets[0].target, cst.Name)):
            return None
        name = s.body[0].targets[0].target.value
        if name in params or any(n == name for n, _ in locals_):
            return None
        locals_.append((name, s.body[0].value))
    result = last.body[0].value
    known = params | tf | {n for n, _ in locals_} | {"None", "True", "False"}
    for _, v in locals_:
        if _free_names(v) - known:
            return None
    if _free_names(result) - known:
        return None
    # fold the locals in, last first: each read exactly once by the statements after it
    for k in range(len(locals_) - 1, -1, -1):
        name, value = locals_[k]
        later = [v for _, v in locals_[k + 1:]] + [result]
        # read once, by the statement right after it (folded there, it is still evaluated
        # before everything that came after it)
        if [_names_read(v, name) for v in later] != [1] + [0] * (len(later) - 1):
            return None
        mapping = {name: value}
        later_new = [v.visit(_Rename(mapping)) for v in later]
        locals_ = locals_[:k] + [(n, v) for (n, _), v in zip(locals_[k + 1:], later_new[:-1])]
        result = later_new[-1]
    if not any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in _STEPS
               for n in _nodes(result)):
        return None
    return result, summaries


class _Inline(cst.CSTTransformer):
    def __init__(self, values: dict[int, cst.BaseExpression], drop: set[int],
                 before: dict[int, list[cst.SimpleStatementLine]]) -> None:
        self.values, self.drop, self.before = values, drop, before

    def leave_Assign(self, original, updated):
        v = self.values.get(id(original))
        return updated.with_changes(value=v) if v is not None else updated

    def leave_SimpleStatementLine(self, original, updated):
        lines = next((self.before[id(b)] for b in original.body if id(b) in self.before), None)
        if not lines:
            return updated
        # the blank lines / comments above the call's statement go above the summaries
        return cst.FlattenSentinel([lines[0].with_changes(leading_lines=updated.leading_lines), *lines[1:],
                                    updated.with_changes(leading_lines=())])

    def leave_FunctionDef(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.drop else updated


def inline_train_op_helpers(module: cst.Module) -> cst.Module | None:
    tf = _tf_aliases(module)
    if not tf:
        return None
    values: dict[int, cst.BaseExpression] = {}
    before: dict[int, list[cst.SimpleStatementLine]] = {}
    drop: set[int] = set()
    assigns = [n for n in _nodes(module) if isinstance(n, cst.Assign)]
    for fn in module.body:
        if not isinstance(fn, cst.FunctionDef):
            continue
        found = _fold(fn, tf)
        if found is None:
            continue
        folded, summaries = found
        uses = [n for n in _calls_of(module, fn.name.value) if n is not fn.name]
        if len(uses) != 1:
            continue
        site = next((a for a in assigns if len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)
                     and isinstance(a.value, cst.Call) and a.value.func is uses[0]), None)
        if site is None:
            continue
        bound = _bind(fn, site.value)
        if bound is None:
            continue
        # a parameter read twice evaluates its argument twice: only names / numbers may be
        reads = _free_names_list(folded)
        if any(reads.count(k) > 1 and not isinstance(v, (cst.Name, cst.Integer, cst.Float))
               for k, v in bound.items()):
            continue
        if not all(_simple_arg(v) for v in bound.values()):
            continue
        # a summary evaluates its arguments once more: only names / attributes / literals
        if summaries and not all(isinstance(v, (cst.Name, cst.Attribute, cst.Integer, cst.Float, cst.SimpleString))
                                 for k, v in bound.items()
                                 if any(k in _free_names_list(s.body[0].value) for s in summaries)):
            continue
        values[id(site)] = folded.visit(_Rename(dict(bound)))
        if summaries:
            before[id(site)] = [s.visit(_Rename(dict(bound))).with_changes(leading_lines=())
                                for s in summaries]
        drop.add(id(fn))
    if not values:
        return None
    return module.visit(_Inline(values, drop, before))
