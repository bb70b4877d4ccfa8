"""TF1's ``LOSSES`` collection written out (rule TFM175's pre-step): a pure function of the source.

The form (the ``tf.losses`` API of TF 1.x)::

    tf.losses.mean_squared_error(labels=z, predictions=d, weights=y)   # adds itself to LOSSES
    tf.losses.add_loss(tf.reduce_mean(hinge))                           # adds a tensor to LOSSES
    xent = tf.losses.sigmoid_cross_entropy(y, logits)                   # adds itself, also named
    total = tf.losses.get_total_loss()      # add_n(LOSSES + REGULARIZATION_LOSSES)

TF1 semantics: every ``tf.losses.*`` loss function (``loss_collection=tf.GraphKeys.LOSSES`` by
default) and ``tf.losses.add_loss`` append their tensor to the graph's ``LOSSES`` collection when
the statement runs while the graph is built; ``get_total_loss(add_regularization_losses=True)``
is ``tf.add_n`` of that collection in insertion order plus ``get_regularization_losses()``;
``get_losses()`` / ``tf.get_collection(tf.GraphKeys.LOSSES)`` are the list itself.

``desugar_losses(module)`` writes the collection out as names: a bare loss statement becomes an
assignment to a fresh name (``mean_squared_error_loss = tf.losses.mean_squared_error(...)``), an
``add_loss(t)`` statement ``added_loss = t``, a named loss keeps its name, and each read becomes
the sum (``a + b``, TF1's add_n of the same tensors; ``+ tf.losses.get_regularization_loss()``
when the file has regularizers) or the list of those names. The result is the same TF1 program
(same tensors, same gradients) without the collection, so the session-program rules translate it
like any other loss. Statements keep their lines (diagnostics stay on the input's lines).

Declined (None: the collection stays, TFM130 keeps its losses as TODOs): adds or reads in
different scopes, in loops / conditionals / try blocks, a scope that a function run more than
once builds (the collection would grow at each call), an add after a read, an add nested in an
expression, a member name rebound before the read, a ``loss_collection=`` / ``scope=`` other
than the default, another read of the collection (``tf.get_collection_ref``, a string key).
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import children as _kids

from ..names import dotted
from .graph_datasets import _walk, tf_aliases

# the tf.losses functions that add their result to LOSSES (TF 1.15's tf.compat.v1.losses)
LOSS_FUNCTIONS = ("absolute_difference", "compute_weighted_loss", "cosine_distance", "hinge_loss", "huber_loss",
                  "log_loss", "mean_pairwise_squared_error", "mean_squared_error", "sigmoid_cross_entropy",
                  "softmax_cross_entropy", "sparse_softmax_cross_entropy")
_READS = ("losses.get_total_loss", "losses.get_losses")
_COLLECTION_READS = ("get_collection", "get_collection_ref")


def _rel(node: cst.BaseExpression, aliases: dict[str, str]) -> str | None:
    """``tf.losses.add_loss`` -> ``losses.add_loss`` (``tf.compat.v1.`` and ``v1.`` dropped)."""
    d = dotted(node)
    if not d:
        return None
    head, _, rest = d.partition(".")
    if head not in aliases or not rest:
        return None
    for prefix in ("compat.v1.",):
        if rest.startswith(prefix):
            rest = rest[len(prefix):]
    return rest


def _kw(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _is_losses_key(node: cst.BaseExpression, aliases) -> bool:
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value == "losses"
    return _rel(node, aliases) == "GraphKeys.LOSSES"


class _Site:
    def __init__(self, kind: str, call: cst.Call, stmt: cst.SimpleStatementLine, owner: cst.CSTNode) -> None:
        self.kind, self.call, self.stmt, self.owner = kind, call, stmt, owner


def desugar_losses(module: cst.Module) -> cst.Module | None:
    """The module with its LOSSES collection written out as names, or None (not this form / declined)."""
    aliases = tf_aliases(module)
    if not aliases:
        return None
    parents: dict[int, cst.CSTNode] = {}
    for n in _walk(module):
        for c in _kids(n):
            parents[id(c)] = n
    adds: list[_Site] = []
    reads: list[_Site] = []
    for n in _walk(module):
        if isinstance(n, (cst.Attribute, cst.Name)) and _rel(n, aliases) == "GraphKeys.LOSSES":
            # every mention of the key must be the key of a read or an add classified below
            p = parents.get(id(n))
            p = parents.get(id(p)) if isinstance(p, cst.Arg) else None
            if not (isinstance(p, cst.Call) and (_rel(p.func, aliases) or "") in (
                    "get_collection", "add_to_collection", "losses.add_loss") + tuple(
                        f"losses.{f}" for f in LOSS_FUNCTIONS)):
                return None
        if not isinstance(n, cst.Call):
            continue
        r = _rel(n.func, aliases) or ""
        kind = None
        if r in _READS:
            if r == "losses.get_losses" and n.args:
                return None  # a scope / collection filter
            if r == "losses.get_total_loss" and any(a.keyword is None or a.keyword.value == "scope" for a in n.args):
                return None
            kind = "read"
        elif r in _COLLECTION_READS:
            key = n.args[0].value if n.args and n.args[0].keyword is None else (
                _kw(n, "key").value if _kw(n, "key") else None)
            if key is not None and _is_losses_key(key, aliases):
                if r == "get_collection_ref" or len(n.args) > 1:
                    return None
                kind = "read"
        elif r.startswith("losses.") and r[7:] in LOSS_FUNCTIONS:
            lc = _kw(n, "loss_collection")
            if lc is not None:
                if isinstance(lc.value, cst.Name) and lc.value.value == "None":
                    continue  # not added
                if not _is_losses_key(lc.value, aliases):
                    return None
            kind = "add"
        elif r == "losses.add_loss":
            lc = _kw(n, "loss_collection")
            if lc is not None and not _is_losses_key(lc.value, aliases):
                return None
            if len([a for a in n.args if a.keyword is None]) != 1:
                return None
            kind = "add"
        elif r == "add_to_collection":
            key = n.args[0].value if n.args else None
            if key is not None and _is_losses_key(key, aliases):
                # ``tf.add_to_collection('losses', t)`` (the CIFAR-10 tutorial's form): t is added
                if _in_dead_function(n, parents, module):
                    continue  # a helper nothing in the file calls adds nothing
                if len(n.args) != 2 or any(a.keyword is not None or a.star for a in n.args):
                    return None
                kind = "add"
        if kind is None:
            continue
        site = _site(kind, n, parents)
        if site is None:
            return None
        (reads if kind == "read" else adds).append(site)
    if not reads:
        return None
    owner = reads[0].owner
    if not adds or any(s.owner is not owner for s in adds + reads) or not _runs_once(module, owner):
        return None
    order = _statement_order(owner)
    first_read = min(order[id(s.stmt)] for s in reads)
    if any(order[id(s.stmt)] >= first_read for s in adds):
        return None
    taken = {n.value for n in _walk(module) if isinstance(n, cst.Name)}
    members: list[str] = []
    new_stmts: dict[int, cst.SimpleStatementLine] = {}
    for s in sorted(adds, key=lambda s: order[id(s.stmt)]):
        small = s.stmt.body[0]
        if isinstance(small, cst.Assign):
            if (_rel(s.call.func, aliases) or "") in ("losses.add_loss", "add_to_collection"):
                return None  # add_loss returns None: the name is not the loss
            name = small.targets[0].target.value
            if _rebound(owner, order, name, order[id(s.stmt)], first_read):
                return None
            members.append(name)
            continue
        r = _rel(s.call.func, aliases) or ""
        added = r in ("losses.add_loss", "add_to_collection")
        base = "added_loss" if added else r.rsplit(".", 1)[1] + "_loss"
        name, k = base, 2
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        taken.add(name)
        value = s.call.args[-1].value if added else s.call
        if added and isinstance(value, cst.Name) \
                and _rebound(owner, order, value.value, order[id(s.stmt)], first_read):
            return None
        members.append(name)
        new_stmts[id(s.stmt)] = s.stmt.with_changes(body=[cst.Assign(
            targets=[cst.AssignTarget(cst.Name(name))], value=value, semicolon=small.semicolon)])
    alias = next(iter(aliases))
    regularized = "regulariz" in module.code
    replace_reads: dict[int, cst.BaseExpression] = {}
    for s in reads:
        r = _rel(s.call.func, aliases) or ""
        if r == "losses.get_total_loss":
            a = _kw(s.call, "add_regularization_losses")
            terms: list[cst.BaseExpression] = [cst.Name(m) for m in members]
            if regularized and not (a is not None and isinstance(a.value, cst.Name) and a.value.value == "False"):
                if a is not None and not (isinstance(a.value, cst.Name) and a.value.value == "True"):
                    return None
                terms.append(cst.parse_expression(f"{alias}.losses.get_regularization_loss()"))
            expr = terms[0]
            for t in terms[1:]:
                expr = cst.BinaryOperation(expr, cst.Add(), t)
            if len(terms) > 1 and not isinstance(parents.get(id(s.call)), (cst.Assign, cst.Arg, cst.Return)):
                expr = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            replace_reads[id(s.call)] = expr
        else:
            replace_reads[id(s.call)] = cst.List([cst.Element(cst.Name(m)) for m in members])

    class _Rewrite(cst.CSTTransformer):
        def leave_SimpleStatementLine(self, orig, upd):
            return new_stmts.get(id(orig), upd)

        def leave_Call(self, orig, upd):
            return replace_reads.get(id(orig), upd)

    return module.visit(_Rewrite())


def _in_dead_function(node: cst.CSTNode, parents, module: cst.Module) -> bool:
    """Inside a function whose name nothing in the module reads (a copied helper never called,
    ``_variable_with_weight_decay`` of a tutorial): its statements never run."""
    fn = parents.get(id(node))
    while fn is not None and not isinstance(fn, cst.FunctionDef):
        fn = parents.get(id(fn))
    if fn is None or fn.decorators:
        return False
    name = fn.name.value
    return not any(isinstance(n, cst.Name) and n.value == name and n is not fn.name for n in _walk(module)) \
        and f"'{name}'" not in module.code and f'"{name}"' not in module.code


def _site(kind: str, call: cst.Call, parents) -> _Site | None:
    """The statement holding ``call`` and the scope body it sits in (only ``with`` blocks between);
    an add must be the whole statement (bare, or one ``name = loss(...)``)."""
    p = parents.get(id(call))
    stmt = None
    if kind == "add":
        if isinstance(p, cst.Expr):
            stmt = parents.get(id(p))
        elif isinstance(p, cst.Assign) and len(p.targets) == 1 and isinstance(p.targets[0].target, cst.Name) \
                and p.value is call:
            stmt = parents.get(id(p))
            if not isinstance(stmt, cst.SimpleStatementLine):
                return None
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return None
    else:
        node = call
        while node is not None and not isinstance(node, cst.SimpleStatementLine):
            if isinstance(node, (cst.Lambda, cst.FunctionDef, cst.ListComp, cst.GeneratorExp)):
                return None
            node = parents.get(id(node))
        stmt = node
        if stmt is None:
            return None
    node = parents.get(id(stmt))
    while node is not None:
        if isinstance(node, (cst.Module, cst.FunctionDef)):
            return _Site(kind, call, stmt, node)
        if not isinstance(node, (cst.IndentedBlock, cst.With)):
            return None  # a loop, a conditional, a try, a class body
        node = parents.get(id(node))
    return None


def _statement_order(owner: cst.CSTNode) -> dict[int, int]:
    out: dict[int, int] = {}
    for n in _walk(owner):
        if isinstance(n, cst.SimpleStatementLine):
            out[id(n)] = len(out)
    return out


def _rebound(owner, order, name: str, start: int, end: int) -> bool:
    """``name`` is assigned again by a statement after ``start`` and up to ``end``."""
    for n in _walk(owner):
        if isinstance(n, cst.SimpleStatementLine) and start < order.get(id(n), -1) <= end:
            for small in n.body:
                targets = []
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                    targets = [small.target]
                for t in targets:
                    if any(isinstance(x, cst.Name) and x.value == name for x in _walk(t)):
                        return True
    return False


def _runs_once(module: cst.Module, owner: cst.CSTNode) -> bool:
    """The scope builds the graph once: the module, or a function (method) called from one place
    only, not inside a loop (each call would add its losses to the same collection again)."""
    if isinstance(owner, cst.Module):
        return True
    name = owner.name.value
    calls = []
    for n in _walk(module):
        if isinstance(n, cst.Call):
            f = n.func
            if (isinstance(f, cst.Name) and f.value == name) or (isinstance(f, cst.Attribute) and f.attr.value == name):
                calls.append(n)
    if name == "__init__":
        return _class_built_once(module, owner)
    if len(calls) != 1:
        return False
    parents: dict[int, cst.CSTNode] = {}
    for n in _walk(module):
        for c in _kids(n):
            parents[id(c)] = n
    node = parents.get(id(calls[0]))
    while node is not None:
        if isinstance(node, (cst.For, cst.While, cst.ListComp, cst.GeneratorExp)):
            return False
        node = parents.get(id(node))
    return True


def _class_built_once(module: cst.Module, init: cst.FunctionDef) -> bool:
    cls = next((c for c in _walk(module) if isinstance(c, cst.ClassDef) and init in c.body.body), None)
    if cls is None:
        return False
    calls = [n for n in _walk(module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name)
             and n.func.value == cls.name.value]
    return len(calls) == 1


_CANON_READS = ("tensorflow.losses.get_total_loss", "tensorflow.losses.get_losses",
                "tensorflow.compat.v1.losses.get_total_loss", "tensorflow.compat.v1.losses.get_losses")
_CANON_COLLECTION = ("tensorflow.get_collection", "tensorflow.get_collection_ref",
                     "tensorflow.compat.v1.get_collection", "tensorflow.compat.v1.get_collection_ref")


class LossesRead:
    """``ctx.analysis(LossesRead)``: does the (pre-stepped) file still read TF1's LOSSES collection
    (``get_total_loss`` / ``get_losses`` / ``get_collection(GraphKeys.LOSSES)``)? TFM130 then keeps
    the tf.losses functions, whose values the reads would miss."""

    def __init__(self, ctx) -> None:
        code = ctx.module_code
        self.reads = False
        if not ("get_total_loss" in code or "get_losses" in code or "LOSSES" in code or "'losses'" in code
                or '"losses"' in code):
            return
        for n in _walk(ctx.module):
            if not isinstance(n, cst.Call):
                continue
            q = ctx.legacy_name(n.func) or ""
            if q in _CANON_READS:
                self.reads = True
            elif q in _CANON_COLLECTION and n.args:
                key = n.args[0].value
                if (isinstance(key, cst.SimpleString) and key.evaluated_value == "losses") or (
                        ctx.legacy_name(key) or "").endswith("GraphKeys.LOSSES"):
                    self.reads = True
            if self.reads:
                return
