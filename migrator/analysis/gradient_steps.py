"""A training step written as ``compute_gradients`` then ``apply_gradients`` of the unchanged
gradients, with TF1's whole variable list (rule TFM189's pre-step): a pure function of the source.

The form (davidsandberg/facenet's ``train``, once TFM188 took its moving averages out)::

    def train(total_loss, global_step, learning_rate, update_gradient_vars):
        opt = tf.train.AdagradOptimizer(learning_rate)
        grads = opt.compute_gradients(total_loss, update_gradient_vars)
        apply_gradient_op = opt.apply_gradients(grads, global_step=global_step)
        ...
    train_op = train(total_loss, global_step, lr, tf.global_variables())

TF1 semantics: ``opt.minimize(loss, global_step, var_list, ..., name)`` IS
``opt.apply_gradients(opt.compute_gradients(loss, var_list, ...), global_step, name)``; where the
gradients are bound to a name read only by the ``apply_gradients`` of the same optimizer on the
next statement, ``fold_gradient_steps`` writes the ``minimize`` call. ``tf.global_variables()``
as the variable list is ``tf.trainable_variables()`` where every variable the file makes with
``trainable=False`` is an integer counter (``tf.Variable(0, trainable=False)``: TF1 computes no
gradient for an integer variable, so the step updates the same variables) and the file has no
batch norm (its moving statistics are float globals). A parameter of a module function read
only as that variable list, given all the trainable variables at every call, with nothing that
makes variables between the function's start and the step, is TF1's default list: the parameter,
the arguments that pass it and the ``var_list`` go (``minimize``'s default is the trainable
variables at that point: the same list).
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..cstcache import walk as _nodes
from ..names import dotted
from .placeholder_forms import _calls_of, _free_names_list, _single_assign, _tf_aliases
from .placeholder_forms import _tf_named_call as _is

_COMPUTE = ("loss", "var_list", "gate_gradients", "aggregation_method", "colocate_gradients_with_ops", "grad_loss")
_APPLY = ("grads_and_vars", "global_step", "name")


def _bind(call: cst.Call, names: tuple[str, ...]) -> dict[str, cst.BaseExpression] | None:
    """The arguments given, by parameter name (``names`` in order, every one optional); None for
    ``*args``, an unknown keyword or one given twice."""
    try:
        return BoundArgs(call, ", ".join(f"{n}=None" for n in names)).nodes
    except Unbindable:
        return None


def _method(value: cst.BaseExpression, attr: str) -> str | None:
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == attr \
            and isinstance(value.func.value, cst.Name):
        return value.func.value.value
    return None


def _all_variables_ok(module: cst.Module, code: str) -> bool:
    """``tf.global_variables()`` gets the trainable ones' gradients only: every ``trainable=False``
    of the file is an integer counter, and no batch norm."""
    low = code.lower()
    if "batch_norm" in low or "batchnorm" in low or "batch_normalization" in low:
        return False
    for n in _nodes(module):
        if isinstance(n, cst.Call) and (dotted(n.func) or "").endswith("ExponentialMovingAverage"):
            return False  # shadow variables (float, untrainable) a loss may read
        if isinstance(n, cst.Arg) and n.keyword is not None and n.keyword.value == "trainable" \
                and isinstance(n.value, cst.Name) and n.value.value == "False":
            continue
        if isinstance(n, cst.Call) and any(a.keyword is not None and a.keyword.value == "trainable"
                                           and not (isinstance(a.value, cst.Name) and a.value.value == "True")
                                           for a in n.args):
            first = n.args[0].value if n.args and n.args[0].keyword is None else None
            if not (dotted(n.func) or "").endswith(".Variable") or not isinstance(first, cst.Integer):
                return False
    return True


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))


def _join(args: list[cst.Arg]) -> list[cst.Arg]:
    return [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if i < len(args) - 1
                           else cst.MaybeSentinel.DEFAULT) for i, a in enumerate(args)]


def _marked(stmt: cst.BaseStatement) -> bool:
    """A statement a previous run kept with a TODO marker stays as it is (a second run changes
    nothing: the first may have kept the pair because of a read it then removed, such as a
    gradient-summary loop). The engine's own test: a marker above the line or at its end."""
    from ..engine.todo import has_marker

    return has_marker(stmt)


class _Fold(cst.CSTTransformer):
    """compute + apply on consecutive statements -> minimize; the whole variable list -> the
    trainable one; a var_list parameter dropped (``params``: fn name -> parameter)."""

    def __init__(self, tf: set[str], reads: dict[str, int], all_ok: bool, params: dict[str, tuple[str, int]]) -> None:
        self.tf, self.reads, self.all_ok, self.params = tf, reads, all_ok, params
        self.changed = False
        self.fn: list[str] = []

    def visit_FunctionDef(self, node):
        self.fn.append(node.name.value)

    def leave_FunctionDef(self, original, updated):
        self.fn.pop()
        p = self.params.get(original.name.value)
        if p is None:
            return updated
        self.changed = True
        ps = [q for q in updated.params.params if q.name.value != p[0]]
        ps = [q.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if i < len(ps) - 1
                             else cst.MaybeSentinel.DEFAULT) for i, q in enumerate(ps)]
        return updated.with_changes(params=updated.params.with_changes(params=ps))

    def _block(self, body: list) -> list | None:
        out, i, changed = [], 0, False
        while i < len(body):
            s = body[i]
            a, b = _single_assign(s), _single_assign(body[i + 1]) if i + 1 < len(body) else None
            if a is not None and b is not None:
                opt = _method(a[1], "compute_gradients")
                if opt is not None and _method(b[1], "apply_gradients") == opt and self.reads.get(a[0]) == 2 \
                        and not _marked(s) and not _marked(body[i + 1]):
                    c, ap = _bind(a[1], _COMPUTE), _bind(b[1], _APPLY)
                    if c is not None and ap is not None and "loss" in c and isinstance(ap.get("grads_and_vars"), cst.Name) \
                            and ap["grads_and_vars"].value == a[0]:
                        args = [cst.Arg(c["loss"])] + [_kw(k, ap[k]) for k in ("global_step",) if k in ap] \
                            + [_kw(k, c[k]) for k in _COMPUTE[1:] if k in c] + [_kw(k, ap[k]) for k in ("name",) if k in ap]
                        call = cst.Call(func=cst.Attribute(cst.Name(opt), cst.Name("minimize")), args=_join(args))
                        new = body[i + 1].with_changes(body=[body[i + 1].body[0].with_changes(value=call)],
                                                       leading_lines=list(s.leading_lines) + list(
                                                           body[i + 1].leading_lines))
                        out.append(new)
                        i += 2
                        changed = True
                        continue
            out.append(s)
            i += 1
        return out if changed else None

    def leave_IndentedBlock(self, original, updated):
        new = self._block(list(updated.body))
        if new is None:
            return updated
        self.changed = True
        return updated.with_changes(body=new)

    def leave_Module(self, original, updated):
        new = self._block(list(updated.body))
        if new is None:
            return updated
        self.changed = True
        return updated.with_changes(body=new)

    def leave_Call(self, original, updated):
        f = original.func
        if not isinstance(f, cst.Attribute):
            return updated
        if f.attr.value not in ("compute_gradients", "minimize"):
            return updated
        names = _COMPUTE if f.attr.value == "compute_gradients" else ("loss", "global_step", "var_list")
        args = list(updated.args)
        for k, a in enumerate(original.args):
            key = a.keyword.value if a.keyword is not None else (names[k] if k < len(names) else None)
            if key != "var_list":
                continue
            v = a.value
            if self.all_ok and _is(v, self.tf, "global_variables") and not v.args:
                self.changed = True
                alias = (dotted(v.func) or "tf").rsplit(".", 1)[0]
                args[k] = args[k].with_changes(value=cst.parse_expression(f"{alias}.trainable_variables()"))
            elif isinstance(v, cst.Name) and self.fn and self.params.get(self.fn[-1], ("",))[0] == v.value \
                    and k == len(args) - 1:
                self.changed = True
                del args[k]
                if args:
                    args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=args)


class _DropArgs(cst.CSTTransformer):
    def __init__(self, params: dict[str, tuple[str, int]]) -> None:
        self.params = params

    def leave_Call(self, original, updated):
        if not isinstance(original.func, cst.Name) or original.func.value not in self.params:
            return updated
        name, index = self.params[original.func.value]
        args = [a for k, a in enumerate(updated.args)
                if not ((a.keyword is None and k == index) or (a.keyword is not None and a.keyword.value == name))]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=args)


def _var_list_params(module: cst.Module, tf: set[str], all_ok: bool) -> dict[str, tuple[str, int]]:
    """Module functions whose parameter is read only as the var_list of one step that the
    function's first statements reach without making variables, given all the (trainable)
    variables at every call: fn -> (parameter, position)."""
    out: dict[str, tuple[str, int]] = {}
    whole = ("trainable_variables", "global_variables") if all_ok else ("trainable_variables",)
    for fn in module.body:
        if not isinstance(fn, cst.FunctionDef) or not isinstance(fn.body, cst.IndentedBlock):
            continue
        p = fn.params
        if p.posonly_params or p.kwonly_params or p.star_kwarg is not None or isinstance(p.star_arg, cst.Param):
            continue
        names = [q.name.value for q in p.params]
        for idx, q in enumerate(p.params):
            if q.default is not None:
                continue
            reads = [n for n in _nodes(fn.body) if isinstance(n, cst.Name) and n.value == q.name.value]
            if len(reads) != 1:
                continue
            ok = False
            for k, s in enumerate(fn.body.body):
                if any(n is reads[0] for n in _nodes(s)):
                    a = _single_assign(s)
                    step = a[1] if a is not None else None
                    if isinstance(step, cst.Call) and isinstance(step.func, cst.Attribute) \
                            and step.func.attr.value in ("compute_gradients", "minimize"):
                        lst = ("loss", "var_list") if step.func.attr.value == "compute_gradients" else (
                            "loss", "global_step", "var_list")
                        b = _bind(step, lst)
                        ok = b is not None and b.get("var_list") is reads[0] and \
                            (step.args[-1].value is reads[0])
                        # the statements before: optimizers made (no variables yet)
                        ok = ok and all(_single_assign(e) is not None and isinstance(_single_assign(e)[1], cst.Call)
                                        and (dotted(_single_assign(e)[1].func) or "").endswith("Optimizer")
                                        for e in fn.body.body[:k])
                    break
            if not ok:
                continue
            uses = [n for n in _calls_of(module, fn.name.value) if n is not fn.name]
            if not uses:
                continue
            good = True
            for u in uses:
                call = next((c for c in _nodes(module) if isinstance(c, cst.Call) and c.func is u), None)
                if call is None or any(a.star for a in call.args):
                    good = False
                    break
                given = [a.value for k, a in enumerate(call.args)
                         if (a.keyword is None and k == idx) or (a.keyword is not None and a.keyword.value == names[idx])]
                if len(given) != 1 or not (_is(given[0], tf, *whole) and not given[0].args):
                    good = False
                    break
            if good:
                out[fn.name.value] = (q.name.value, idx)
                break
    return out


def _has_step(module: cst.Module) -> bool:
    """A ``compute_gradients`` call, or a ``minimize`` given a var_list: what every rewrite here needs."""
    for n in _nodes(module):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute):
            attr = n.func.attr.value
            if attr == "compute_gradients" or (attr == "minimize" and (len(n.args) >= 3 or any(
                    a.keyword is not None and a.keyword.value == "var_list" for a in n.args))):
                return True
    return False


def fold_gradient_steps(module: cst.Module) -> cst.Module | None:
    if not _has_step(module):
        return None
    tf = _tf_aliases(module)
    if not tf:
        return None
    all_ok = _all_variables_ok(module, module.code)
    reads: dict[str, int] = {}
    for n in _free_names_list(module):
        reads[n] = reads.get(n, 0) + 1
    params = _var_list_params(module, tf, all_ok)
    fold = _Fold(tf, reads, all_ok, params)
    new = module.visit(fold)
    if params:
        new = new.visit(_DropArgs(params))
    return new if (fold.changed or params) else None
