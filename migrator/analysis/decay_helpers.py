"""TFM226's pre-step: a weight-decay helper written at its one call.

    def _l2_loss(weight):                                   # the helper: removed
        l2_losses = [tf.nn.l2_loss(v) for v in tf.trainable_variables()]
        return tf.multiply(weight, tf.add_n(l2_losses))
    ...
    total_loss = loss_fn(out) + _l2_loss(0.0002)
    ->
    _l2_loss_l2_losses = [tf.nn.l2_loss(v) for v in tf.trainable_variables()]
    total_loss = loss_fn(out) + tf.multiply(0.0002, tf.add_n(_l2_loss_l2_losses))

(a model class's ``self._l2_loss()`` is this helper once TFM187 has written the class's methods as
module functions). The weight-decay analysis (analysis/weight_decay.py, read by TFM140) finds a
decay as a statement of the program's scope, where the loss is; inside a function it saw an
unknown call and kept the program TF1.

TF1 semantics: the helper's statements run when it is called, each making its ops; run just
before the statement that calls it they make the same ops, and ``tf.trainable_variables()`` lists
the same variables as long as nothing that statement evaluates before the call makes a variable.
Only then: a module-level function without decorators, ``*args`` / ``**kwargs`` or keyword-only
parameters, its body (a docstring aside) one-name assignments then one ``return <expression>``,
reading ``tf.trainable_variables()`` and calling only TensorFlow ops (no layers, variables or
functions of the file); called once in the file, with names / literals as arguments, from a
plain statement (an assignment, an expression, a return) of a function's or the module's block -
not from a comprehension, lambda or a compound statement's header; every other call of that
statement a TensorFlow op or a function of the file that makes no weights (a tower built in the
same statement before the decay would be missing from TF1's list otherwise). The helper's locals
are renamed ``<helper>_<local>`` where the caller's scope reads or binds the name. A pure function
of the module; no TensorFlow import.
"""
from __future__ import annotations

import libcst as cst

from ..args import bind_def
from ..cstcache import read_names, read_names_of, walk as _nodes
from ..names import dotted
from .mode_builders import _call_makes_weights, _makes_weights
from .placeholder_forms import _Rename, _simple_arg, _tf_aliases
from .train_op_helpers import plain_statements
from .trainer_objects import _bound

_ATOMS = (cst.Name, cst.Call, cst.Attribute, cst.Subscript, cst.Integer, cst.Float, cst.SimpleString)


def _helper_body(fn: cst.FunctionDef, tf: set[str]) -> tuple[list, cst.BaseExpression] | None:
    """(assignment statements, returned expression) of a decay helper, or None."""
    p = fn.params
    stmts = plain_statements(fn)
    if not stmts:
        return None
    for s in stmts:
        if not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1:
            return None
    *assigns, last = stmts
    if not (isinstance(last.body[0], cst.Return) and last.body[0].value is not None):
        return None
    for s in assigns:
        a = s.body[0]
        if not (isinstance(a, cst.Assign) and len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)):
            return None
    if any(isinstance(n, (cst.Lambda, cst.Yield, cst.Await, cst.NamedExpr, cst.Global, cst.Nonlocal))
           for n in _nodes(fn.body)):
        return None
    reads_list = False
    for n in _nodes(fn.body):
        if isinstance(n, cst.Call):
            d = dotted(n.func) or ""
            if d.split(".")[0] not in tf:
                return None  # a function of the file, a method: what it makes is not followed
            reads_list |= d.rpartition(".")[2] == "trainable_variables"
    if not reads_list or _makes_weights(fn, tf):
        return None
    params = {q.name.value for q in p.params}
    if any(isinstance(n, cst.CompFor) and {x.value for x in _nodes(n.target) if isinstance(x, cst.Name)} & params
           for n in _nodes(fn.body)):
        return None  # a comprehension variable named like a parameter
    return assigns, last.body[0].value


def _block_of(module: cst.Module, stmt: cst.SimpleStatementLine) -> tuple[cst.CSTNode, list] | None:
    """The function (or module) whose block holds ``stmt`` directly, with that block's statements."""
    todo: list[cst.CSTNode] = [module]
    while todo:
        node = todo.pop()
        body = list(node.body) if isinstance(node, cst.Module) else (
            list(node.body.body) if isinstance(node, cst.FunctionDef) and isinstance(node.body, cst.IndentedBlock)
            else [])
        if any(s is stmt for s in body):
            return node, body
        todo.extend(s for s in _nodes(node) if isinstance(s, cst.FunctionDef) and s is not node)
    return None


def _statement_of(module: cst.Module, call: cst.Call) -> cst.SimpleStatementLine | None:
    """The simple statement holding ``call`` outside any comprehension / lambda, or None."""
    for s in _nodes(module):
        if isinstance(s, cst.SimpleStatementLine) and any(n is call for n in _nodes(s)):
            for n in _nodes(s):
                if isinstance(n, (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)) \
                        and any(m is call for m in _nodes(n)):
                    return None
            return s if len(s.body) == 1 and isinstance(s.body[0], (cst.Assign, cst.Expr, cst.Return)) else None
    return None


def inline_decay_helpers(module: cst.Module) -> cst.Module | None:
    tf = _tf_aliases(module)
    if not tf:
        return None
    functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
    for name, fn in functions.items():
        helper = _helper_body(fn, tf)
        if helper is None:
            continue
        uses = [n for n in read_names_of(module, name) if n is not fn.name]
        calls = [c for c in _nodes(module) if isinstance(c, cst.Call) and isinstance(c.func, cst.Name)
                 and c.func.value == name]
        if len(uses) != 1 or len(calls) != 1 or calls[0].func is not uses[0]:
            continue
        call = calls[0]
        if any(n is call for n in _nodes(fn)):
            continue
        bound = bind_def(fn, call)
        if bound is None or not all(_simple_arg(v) for v in bound.values()):
            continue
        stmt = _statement_of(module, call)
        if stmt is None:
            continue
        where = _block_of(module, stmt)
        if where is None:
            continue
        scope, _ = where
        # every other call the statement makes: a TensorFlow op or a function of the file making no weights
        inside = {id(m) for m in _nodes(call)}
        if not all(not _call_makes_weights(c, tf) if (dotted(c.func) or "").split(".")[0] in tf
                   else dotted(c.func) in functions and not _makes_weights(functions[dotted(c.func)], tf)
                   for c in _nodes(stmt) if isinstance(c, cst.Call) and id(c) not in inside):
            continue
        assigns, value = helper
        taken = {n.value for n in read_names(scope)} | _bound(scope.body if isinstance(scope, cst.FunctionDef)
                                                              else scope, nested=True)
        if isinstance(scope, cst.FunctionDef):
            taken |= {p.name.value for p in _nodes(scope.params) if isinstance(p, cst.Param)}
        if scope is not module:
            taken |= set(functions) | _bound(module)
        mapping: dict[str, cst.BaseExpression] = dict(bound)
        for a in assigns:
            local = a.body[0].targets[0].target.value
            new = local if local not in taken else f"{name}_{local}"
            if new in taken or local in bound:
                mapping = {}
                break
            mapping[local] = cst.Name(new)
        else:
            written = [s.visit(_Rename(mapping)) for s in assigns]
            value = value.visit(_Rename(mapping))
            if not isinstance(value, _ATOMS):
                value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            if written:
                written[0] = written[0].with_changes(leading_lines=stmt.leading_lines)
            replaced = stmt.deep_replace(call, value)
            if written:
                replaced = replaced.with_changes(leading_lines=[])
            return _apply(module, fn, stmt, [*written, replaced])
    return None


def _apply(module: cst.Module, fn: cst.FunctionDef, stmt: cst.SimpleStatementLine, new: list) -> cst.Module:
    class T(cst.CSTTransformer):
        def leave_SimpleStatementLine(self, original, updated):
            return cst.FlattenSentinel(new) if original is stmt else updated

        def leave_FunctionDef(self, original, updated):
            return cst.RemoveFromParent() if original is fn else updated

    out = module.visit(T())
    return inline_decay_helpers(out) or out
