"""Moving averages that nothing computed from them reaches, and the control dependencies and
grouped train ops that only order them (rule TFM188's pre-step): a pure function of the source.

The form (davidsandberg/facenet's ``train``)::

    loss_averages = tf.train.ExponentialMovingAverage(0.9, name='avg')
    loss_averages_op = loss_averages.apply(losses + [total_loss])
    for l in losses + [total_loss]:
        tf.summary.scalar(l.op.name, loss_averages.average(l))
    with tf.control_dependencies([loss_averages_op]):
        opt = tf.train.AdagradOptimizer(learning_rate)
        grads = opt.compute_gradients(total_loss)
    apply_gradient_op = opt.apply_gradients(grads, global_step=global_step)
    variable_averages = tf.train.ExponentialMovingAverage(0.9999, global_step)
    variables_averages_op = variable_averages.apply(tf.trainable_variables())
    with tf.control_dependencies([apply_gradient_op, variables_averages_op]):
        train_op = tf.no_op(name='train')

TF1 semantics: ``E.apply(xs)`` makes one shadow variable per ``x`` and an op moving each
toward its ``x``; the shadows are read only through ``E.average(x)`` (here: by summaries, which
are logging) and by checkpoints restored through ``E.variables_to_restore()``. A control
dependency on that op only orders the shadow update before (or with) the step; the step's
gradients and the trained variables do not read the shadows. Where the EMA object is read only
by ``apply`` and by ``average`` inside ``tf.summary.*`` calls, and its op only by
``tf.control_dependencies([...])`` lists, ``tf.group(...)`` arguments or a ``return`` (a helper
such as facenet's ``_add_loss_summaries`` whose result is used that way), the trained model is
the same function without them; ``desugar_moving_averages`` writes that program::

    opt = tf.train.AdagradOptimizer(learning_rate)
    grads = opt.compute_gradients(total_loss)
    apply_gradient_op = opt.apply_gradients(grads, global_step=global_step)
    train_op = apply_gradient_op

(``with tf.control_dependencies([a, ema_op]): t = tf.no_op()`` -> ``t = a``; ``tf.group(a,
ema_op)`` -> ``a``; a dependency list holding only EMA ops: the block's body). Declined when the
file reads the shadows in any other way (``variables_to_restore``, ``average_name``, an
``average`` outside a summary, the op fetched or passed on), or restores checkpoints. Names that
only fed the removed statements (``losses = tf.get_collection('losses')``) go with them inside
the function.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes
from ..names import dotted
from .placeholder_forms import _calls_of, _free_names_list, _simple_arg, _single_assign, _tf_aliases
from .placeholder_forms import _tf_named_call as _is

_PURE = ("get_collection", "trainable_variables", "global_variables", "moving_average_variables")


def _summary(s: cst.CSTNode, tf: set[str]) -> bool:
    if not (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Expr)
            and isinstance(s.body[0].value, cst.Call)):
        return False
    d = dotted(s.body[0].value.func) or ""
    return any(d.startswith((f"{a}.summary.", f"{a}.compat.v1.summary.")) for a in tf)


def _statements(block: cst.CSTNode):
    """The statements of a block and of its nested compound statements (not of nested defs)."""
    body = block.body if isinstance(block, cst.Module) else block.body.body
    for s in body:
        yield s
        if isinstance(s, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(s, cst.BaseCompoundStatement):
            for b in _blocks(s):
                yield from _statements_of(b)


def _statements_of(block: cst.BaseSuite):
    if isinstance(block, cst.IndentedBlock):
        for s in block.body:
            yield s
            if isinstance(s, cst.BaseCompoundStatement) and not isinstance(s, (cst.FunctionDef, cst.ClassDef)):
                for b in _blocks(s):
                    yield from _statements_of(b)


def _blocks(s: cst.BaseCompoundStatement):
    yield s.body
    orelse = getattr(s, "orelse", None)
    while orelse is not None:
        yield orelse.body
        orelse = getattr(orelse, "orelse", None)
    for h in getattr(s, "handlers", ()):
        yield h.body
    fin = getattr(s, "finalbody", None)
    if fin is not None:
        yield fin.body


def _deps_list(w: cst.With, tf: set[str]) -> list[str] | None:
    """``with tf.control_dependencies([a, b]):`` -> ["a", "b"] (names only), else None."""
    if len(w.items) != 1 or w.items[0].asname is not None or not _is(w.items[0].item, tf, "control_dependencies"):
        return None
    c = w.items[0].item
    if len(c.args) != 1 or c.args[0].keyword is not None or not isinstance(c.args[0].value, (cst.List, cst.Tuple)):
        return None
    out = []
    for el in c.args[0].value.elements:
        if not (isinstance(el, cst.Element) and isinstance(el.value, cst.Name)):
            return None
        out.append(el.value.value)
    return out


class _Scope:
    """One function (or the module): its EMA objects, their ops and what reads them."""

    def __init__(self, node: cst.CSTNode, tf: set[str], ema_fns: set[str]) -> None:
        self.node, self.tf = node, tf
        self.objects: dict[str, cst.SimpleStatementLine] = {}
        self.ops: dict[str, cst.SimpleStatementLine] = {}
        self.stmts = list(_statements(node))
        for s in self.stmts:
            a = _single_assign(s)
            if a is None:
                continue
            name, value = a
            if _is(value, tf, "train.ExponentialMovingAverage"):
                self.objects[name] = s
        for s in self.stmts:
            a = _single_assign(s)
            if a is None:
                continue
            name, value = a
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
                    and isinstance(value.func.value, cst.Name) and value.func.value.value in self.objects \
                    and value.func.attr.value == "apply":
                self.ops[name] = s
            elif isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in ema_fns \
                    and all(_simple_arg(x.value) and not x.star for x in value.args):
                self.ops[name] = s

    def ok(self) -> bool:
        """Every read of an EMA object / op is one of the allowed forms."""
        allowed: set[int] = set()
        for s in self.stmts:
            if s in self.objects.values() or s in self.ops.values():
                for n in _nodes(s):
                    if isinstance(n, cst.Name):
                        allowed.add(id(n))
                continue
            if _summary(s, self.tf):  # E.average(x) read by a summary (logging)
                for n in _nodes(s):
                    if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) \
                            and n.func.attr.value == "average" and isinstance(n.func.value, cst.Name):
                        allowed.add(id(n.func.value))
            if isinstance(s, cst.With) and _deps_list(s, self.tf) is not None:
                for el in s.items[0].item.args[0].value.elements:
                    allowed.add(id(el.value))
            for n in _nodes(s) if isinstance(s, cst.SimpleStatementLine) else ():
                if _is(n, self.tf, "group"):
                    for a in n.args:
                        if isinstance(a.value, cst.Name) and a.keyword is None and not a.star:
                            allowed.add(id(a.value))
            if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Return) \
                    and isinstance(s.body[0].value, cst.Name):
                allowed.add(id(s.body[0].value))
        names = set(self.objects) | set(self.ops)
        # every read in the scope, nested functions and lambdas included (a closure reading the
        # object or the op declines the scope; the module scope sees the functions' names too)
        skip = {id(n.attr) for n in _nodes(self.node) if isinstance(n, cst.Attribute)}
        skip |= {id(n.keyword) for n in _nodes(self.node) if isinstance(n, cst.Arg) and n.keyword is not None}
        targets = {id(s.body[0].targets[0].target) for s in self.stmts if _single_assign(s) is not None}
        for n in _nodes(self.node.body if isinstance(self.node, cst.FunctionDef) else self.node):
            if isinstance(n, cst.Name) and n.value in names and id(n) not in allowed and id(n) not in skip \
                    and id(n) not in targets:
                return False
        # an object's only statement binding it; an op bound once
        return all(sum(1 for s in self.stmts if (_single_assign(s) or ("",))[0] == n) == 1 for n in names)

    def returns_op(self) -> bool:
        body = self.node.body.body
        last = body[-1] if body else None
        return (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1 and isinstance(last.body[0], cst.Return)
                and isinstance(last.body[0].value, cst.Name) and last.body[0].value.value in self.ops)


class _Rewrite(cst.CSTTransformer):
    def __init__(self, tf: set[str], ops: dict[str | None, set[str]], drop: set[int], drop_fns: set[str]) -> None:
        self.tf, self.scoped, self.drop, self.drop_fns = tf, ops, drop, drop_fns
        self.ops: set[str] = ops.get(None, set())
        self.stack: list[set[str]] = []
        self.changed = False
        self.aliases: set[tuple[str, str]] = set()   # ``t = a`` written for a train op

    def leave_SimpleStatementLine(self, original, updated):
        if id(original) in self.drop:
            self.changed = True
            return cst.RemoveFromParent()
        return updated

    def leave_For(self, original, updated):
        if id(original) in self.drop:
            self.changed = True
            return cst.RemoveFromParent()
        return updated

    def visit_FunctionDef(self, node):
        self.stack.append(self.ops)
        self.ops = self.scoped.get(node.name.value, set()) if len(self.stack) == 1 else set()

    def leave_FunctionDef(self, original, updated):
        self.ops = self.stack.pop()
        if original.name.value in self.drop_fns:
            self.changed = True
            return cst.RemoveFromParent()
        return updated

    def leave_Call(self, original, updated):
        if not _is(original, self.tf, "group"):
            return updated
        keep = [a for a in updated.args if not (isinstance(a.value, cst.Name) and a.value.value in self.ops)]
        if len(keep) == len(updated.args) or not keep:
            return updated
        self.changed = True
        keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=keep)

    def leave_Assign(self, original, updated):
        # ``t = tf.group(a)`` left with one op: ``t = a`` (running either runs a's step)
        v = updated.value
        if _is(original.value, self.tf, "group") and isinstance(v, cst.Call) and len(v.args) == 1 \
                and len(original.value.args) > 1 and v.args[0].keyword is None and isinstance(v.args[0].value, cst.Name):
            if len(updated.targets) == 1 and isinstance(updated.targets[0].target, cst.Name):
                self.aliases.add((updated.targets[0].target.value, v.args[0].value.value))
            return updated.with_changes(value=v.args[0].value)
        return updated

    def leave_With(self, original, updated):
        deps = _deps_list(original, self.tf)
        if deps is None or not any(d in self.ops for d in deps):
            return updated
        self.changed = True
        others = [d for d in deps if d not in self.ops]
        body = list(updated.body.body)
        if not others:
            if not body:
                return cst.RemoveFromParent()
            body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
            return cst.FlattenSentinel(body)
        if len(body) == 1 and _single_assign(body[0]) is not None and _is(_single_assign(body[0])[1], self.tf, "no_op"):
            name = _single_assign(body[0])[0]
            if len(others) == 1:
                value: cst.BaseExpression = cst.Name(others[0])
                self.aliases.add((name, others[0]))
            else:
                alias = next(iter(sorted(self.tf)))
                value = cst.Call(func=cst.Attribute(cst.Name(alias), cst.Name("group")),
                                 args=[cst.Arg(cst.Name(o), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                                       for o in others[:-1]] + [cst.Arg(cst.Name(others[-1]))])
            return cst.SimpleStatementLine(
                body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=value)],
                leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
        c = original.items[0].item
        lst = c.args[0].value
        els = [e for e in lst.elements if e.value.value not in self.ops]
        els[-1] = els[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        item = updated.items[0].with_changes(item=updated.items[0].item.with_changes(
            args=[updated.items[0].item.args[0].with_changes(value=lst.with_changes(elements=els))]))
        return updated.with_changes(items=[item])


def _dead_pure(fn: cst.FunctionDef, tf: set[str], drop: set[int]) -> None:
    """Assignments of a pure TF read (``tf.get_collection(...)`` ...) in ``fn`` that nothing left
    reads any more: dropped with the statements that read them."""
    while True:
        stmts = [s for s in _statements(fn) if id(s) not in drop]
        reads: list[str] = []
        for s in stmts:
            if isinstance(s, cst.SimpleStatementLine):
                a = _single_assign(s)
                reads += _free_names_list(a[1] if a is not None else s)
            elif isinstance(s, cst.With):
                reads += [n for i in s.items for n in _free_names_list(i.item)]
            elif isinstance(s, (cst.For, cst.If, cst.While)):
                reads += _free_names_list(getattr(s, "iter", None) or s.test)
                if isinstance(s, cst.For):
                    reads += _free_names_list(s.target)
        more = False
        for s in stmts:
            a = _single_assign(s)
            if a is not None and a[0] not in reads and _is(a[1], tf, *_PURE) \
                    and all(_simple_arg(x.value) for x in a[1].args):
                drop.add(id(s))
                more = True
        if not more:
            return


def desugar_moving_averages(module: cst.Module) -> cst.Module | None:
    tf = _tf_aliases(module)
    code = module.code
    if not tf or any(w in code for w in ("variables_to_restore", "average_name", "import_meta_graph", ".restore(")):
        return None
    fns = [s for s in module.body if isinstance(s, cst.FunctionDef)]
    # helpers whose result is an EMA op (facenet's _add_loss_summaries), found first
    ema_fns: set[str] = set()
    for fn in fns:
        sc = _Scope(fn, tf, set())
        if sc.ops and sc.returns_op() and sc.ok():
            ema_fns.add(fn.name.value)
    drop: set[int] = set()
    ops: dict[str | None, set[str]] = {}
    used_fns: set[str] = set()
    for node in [module, *fns]:
        if isinstance(node, cst.FunctionDef) and node.name.value in ema_fns:
            continue
        sc = _Scope(node, tf, ema_fns)
        if not sc.ops or not sc.ok():
            continue
        ops[node.name.value if isinstance(node, cst.FunctionDef) else None] = set(sc.ops)
        for name, s in sc.ops.items():
            drop.add(id(s))
            v = _single_assign(s)[1]
            if isinstance(v.func, cst.Name):
                used_fns.add(v.func.value)
        for s in sc.objects.values():
            drop.add(id(s))
        for s in sc.stmts:
            if _summary(s, tf) and any(n in sc.objects for n in _free_names_list(s)):
                drop.add(id(s))
            elif isinstance(s, cst.For) and all(_summary(b, tf) for b in s.body.body) \
                    and any(n in sc.objects for n in _free_names_list(s.body)):
                drop.add(id(s))
        if isinstance(node, cst.FunctionDef):
            _dead_pure(node, tf, drop)
    if not ops:
        return None
    # an EMA helper goes when every call of it went (its calls are the ops' statements)
    drop_fns = {f for f in used_fns
                if len([n for n in _calls_of(module, f) if not any(n is fn.name for fn in fns)]) == sum(
                    1 for fn in fns for s in _statements(fn) if id(s) in drop and _calls_f(s, f))
                + sum(1 for s in module.body if id(s) in drop and _calls_f(s, f))}
    rw = _Rewrite(tf, ops, drop, drop_fns)
    new = module.visit(rw)
    if not rw.changed:
        return None
    if rw.aliases:
        counts: dict[str, int] = {}
        for n in _free_names_list(new):
            counts[n] = counts.get(n, 0) + 1
        new = new.visit(_FoldAlias({(t, a) for t, a in rw.aliases if counts.get(a) == 2 and counts.get(t, 0) >= 1}))
    return new


class _FoldAlias(cst.CSTTransformer):
    """``a = <step>`` ... ``t = a`` in one block, ``a`` read by nothing else and ``t`` not named
    between: ``t = <step>`` where ``a`` was bound (the same op under the name that is run)."""

    def __init__(self, pairs: set[tuple[str, str]]) -> None:
        self.pairs = pairs

    def _block(self, body: list) -> list | None:
        body = list(body)
        changed = False
        for t, a in self.pairs:
            k = next((i for i, s in enumerate(body) if _single_assign(s) is not None and _single_assign(s)[0] == t
                      and isinstance(_single_assign(s)[1], cst.Name) and _single_assign(s)[1].value == a), None)
            j = next((i for i, s in enumerate(body[:k or 0]) if _single_assign(s) is not None
                      and _single_assign(s)[0] == a), None)
            if k is None or j is None or any(t in _free_names_list(s) for s in body[j + 1:k]):
                continue
            first = body[j]
            body[j] = first.with_changes(body=[first.body[0].with_changes(targets=[cst.AssignTarget(cst.Name(t))])])
            del body[k]
            changed = True
        return body if changed else None

    def leave_IndentedBlock(self, original, updated):
        new = self._block(updated.body)
        return updated.with_changes(body=new) if new is not None else updated

    def leave_Module(self, original, updated):
        new = self._block(updated.body)
        return updated.with_changes(body=new) if new is not None else updated


def _calls_f(s: cst.CSTNode, f: str) -> bool:
    a = _single_assign(s)
    return a is not None and isinstance(a[1], cst.Call) and isinstance(a[1].func, cst.Name) and a[1].func.value == f
