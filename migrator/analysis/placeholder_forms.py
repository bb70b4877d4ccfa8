"""Placeholders written in forms the session-program rules do not read (rules TFM178 / TFM179's
pre-steps): pure functions of the source.

**A placeholder rebound to a cast of itself** (TFM178)::

    label = tf.placeholder(tf.int32, [None, 1], name='label')
    label = tf.to_float(label)                 # or tf.cast(label, tf.float32)
    ... sess.run(train, feed_dict={..., label: y})

TF1 semantics: after the rebinding the name is the CAST tensor; a feed of ``label`` replaces
that tensor's value (TF1 feeds any tensor, converting the value to its dtype) and the
placeholder itself is never fed or read again. That is the program with one placeholder of the
cast's dtype and shape::

    label = tf.placeholder(tf.float32, [None, 1], name='label')

``rebind_fed_casts`` writes it so (the cast statement dropped). Only when both statements are
in the same block, the name is not used between them, the cast is of the name alone
(``to_float`` / ``to_double`` / ``to_int32`` / ``to_int64`` / ``cast(x, dtype)``), and the file
never looks tensors up by name (``get_tensor_by_name``: the cast's graph name is not the
placeholder's).

**A helper that only makes placeholders** (TFM179)::

    def placeholder_inputs(image_dims):
        left = tf.placeholder(tf.float32, [None] + image_dims, name="left")
        label = tf.placeholder(tf.int32, [None, 1], name="label")
        return left, label

    a, y = placeholder_inputs([8, 8, 1])

TF1 semantics: calling it adds the placeholders to the graph where it is called; the tuple
hands them to the caller's names. ``inline_placeholder_helpers`` writes the placeholder
statements at the call, bound to the caller's names, the parameters replaced by the arguments
(``a = tf.placeholder(tf.float32, [None] + [8, 8, 1], name="left")``), and drops the helper.
Only a module-level function whose body is placeholder assignments (a docstring allowed) and
one ``return`` of those names, called exactly once as a statement unpacking its result into as
many names, with arguments that are names, attributes, numbers, strings or lists / tuples of
those (evaluating them again is the same value), literal defaults, no ``*args`` / ``**kw``,
and a body reading nothing but its parameters, its placeholders and the TensorFlow module.
"""
from __future__ import annotations

import libcst as cst

from ..args import bind_def
from ..cstcache import read_names, read_names_of
from ..cstcache import walk as _nodes  # pre-order, memoised children
from ..names import dotted
from .graph_datasets import tf_aliases

_CASTS = {"to_float": "float32", "to_double": "float64", "to_int32": "int32", "to_int64": "int64"}


def _tf_aliases(module: cst.Module) -> set[str]:
    """The module's names for TensorFlow (graph_datasets.tf_aliases: ``tf``, compat.v1 imports)."""
    return set(tf_aliases(module))


def _tf_named_call(e: cst.CSTNode, tf: set[str], *names: str) -> bool:
    """``tf.<name>(...)`` / ``tf.compat.v1.<name>(...)`` for one of ``names``, ``tf`` any of the
    module's TensorFlow aliases (pre-steps run before qualified names exist)."""
    if not isinstance(e, cst.Call):
        return False
    d = dotted(e.func) or ""
    return any(d in (f"{a}.{n}", f"{a}.compat.v1.{n}") for a in tf for n in names)


def _is_placeholder(value: cst.BaseExpression, tf: set[str]) -> bool:
    return _tf_named_call(value, tf, "placeholder")


def _single_assign(s: cst.CSTNode) -> tuple[str, cst.BaseExpression] | None:
    if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign) \
            and len(s.body[0].targets) == 1 and isinstance(s.body[0].targets[0].target, cst.Name):
        return s.body[0].targets[0].target.value, s.body[0].value
    return None


def _cast_of(value: cst.BaseExpression, name: str, tf: set[str]) -> cst.BaseExpression | None:
    """The dtype expression when ``value`` casts the name alone (``tf.to_float(name)``,
    ``tf.cast(name, tf.float32)``), else None."""
    if not isinstance(value, cst.Call):
        return None
    d = dotted(value.func) or ""
    alias, _, fn = d.rpartition(".")
    if alias.endswith(".compat.v1"):
        alias = alias[: -len(".compat.v1")]
    if alias not in tf:
        return None
    pos = [a for a in value.args if a.keyword is None]
    kw = {a.keyword.value: a.value for a in value.args if a.keyword is not None}
    if any(a.star for a in value.args):
        return None
    if fn in _CASTS:
        x = pos[0].value if pos else kw.get("x")
        if len(pos) > 1 or set(kw) - {"x", "name"}:
            return None
        dtype: cst.BaseExpression | None = cst.Attribute(cst.Name(alias), cst.Name(_CASTS[fn]))
    elif fn == "cast":
        x = pos[0].value if pos else kw.get("x")
        dtype = pos[1].value if len(pos) > 1 else kw.get("dtype")
        if len(pos) > 2 or set(kw) - {"x", "dtype", "name"}:
            return None
    else:
        return None
    if not (isinstance(x, cst.Name) and x.value == name) or dtype is None:
        return None
    if any(isinstance(n, cst.Name) and n.value == name for n in _nodes(dtype)):
        return None
    return dtype


def _with_dtype(call: cst.Call, dtype: cst.BaseExpression) -> cst.Call | None:
    args = list(call.args)
    for i, a in enumerate(args):
        if (a.keyword is None and i == 0) or (a.keyword is not None and a.keyword.value == "dtype"):
            args[i] = a.with_changes(value=dtype.deep_clone())
            return call.with_changes(args=args)
    return None


def _mentions(stmts: list, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for s in stmts for n in _nodes(s))


def _rebind_block(body: list, tf: set[str]) -> list | None:
    changed = False
    out = list(body)
    i = 0
    while i < len(out):
        s = out[i]
        hit = _single_assign(s)
        if hit is not None and _is_placeholder(hit[1], tf):
            name = hit[0]
            for j in range(i + 1, len(out)):
                other = _single_assign(out[j])
                dtype = _cast_of(other[1], name, tf) if other is not None and other[0] == name else None
                if dtype is not None:
                    new = _with_dtype(hit[1], dtype)
                    if new is not None:
                        assign = s.body[0].with_changes(value=new)
                        out[i] = s.with_changes(body=[assign])
                        del out[j]
                        changed = True
                    break
                if _mentions([out[j]], name):
                    break
        i += 1
    # nested blocks (function bodies, with / if / for / while / try)
    for k, s in enumerate(out):
        if isinstance(s, cst.BaseCompoundStatement):
            inner = _rebind_compound(s, tf)
            if inner is not None:
                out[k] = inner
                changed = True
    return out if changed else None


def _rebind_compound(s: cst.BaseCompoundStatement, tf: set[str]) -> cst.CSTNode | None:
    changes = {}
    body = getattr(s, "body", None)
    if isinstance(body, cst.IndentedBlock):
        new = _rebind_block(list(body.body), tf)
        if new is not None:
            changes["body"] = body.with_changes(body=new)
    orelse = getattr(s, "orelse", None)
    if isinstance(orelse, (cst.Else, cst.If)):
        inner = _rebind_compound(orelse, tf)
        if inner is not None:
            changes["orelse"] = inner
    if isinstance(s, cst.ClassDef):
        return None  # class bodies: TF1Classes' placeholders (class attributes) are read there
    return s.with_changes(**changes) if changes else None


def rebind_fed_casts(module: cst.Module) -> cst.Module | None:
    tf = _tf_aliases(module)
    if not tf or "get_tensor_by_name" in module.code:
        return None
    new = _rebind_block(list(module.body), tf)
    return module.with_changes(body=new) if new is not None else None


# -- TFM179: helpers that only make placeholders --------------------------------------------------
def _simple_arg(e: cst.BaseExpression) -> bool:
    if isinstance(e, (cst.Name, cst.Integer, cst.Float, cst.SimpleString)):
        return True
    if isinstance(e, cst.Attribute):
        return dotted(e) is not None
    if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus):
        return isinstance(e.expression, (cst.Integer, cst.Float))
    if isinstance(e, (cst.List, cst.Tuple)):
        return all(isinstance(el, cst.Element) and _simple_arg(el.value) for el in e.elements)
    return False


def _literal(e: cst.BaseExpression) -> bool:
    if isinstance(e, (cst.Integer, cst.Float, cst.SimpleString)) or (isinstance(e, cst.Name) and e.value in (
            "None", "True", "False")):
        return True
    if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus):
        return isinstance(e.expression, (cst.Integer, cst.Float))
    if isinstance(e, (cst.List, cst.Tuple)):
        return all(isinstance(el, cst.Element) and _literal(el.value) for el in e.elements)
    return False


class _Rename(cst.CSTTransformer):
    def __init__(self, mapping: dict[str, cst.BaseExpression]) -> None:
        self.mapping = mapping

    def leave_Name(self, original, updated):
        v = self.mapping.get(original.value)
        return v.deep_clone() if v is not None else updated

    def leave_Attribute(self, original, updated):
        return updated.with_changes(attr=original.attr)

    def leave_Arg(self, original, updated):
        return updated.with_changes(keyword=original.keyword)


def _helper(fn: cst.FunctionDef, tf: set[str]) -> tuple[list[tuple[str, cst.Call]], list[str]] | None:
    """([(local name, placeholder call)], [returned names]) for a placeholder-only helper."""
    p = fn.params
    if p.star_arg is not cst.MaybeSentinel.DEFAULT and p.star_arg is not None or p.star_kwarg is not None \
            or p.posonly_params or p.kwonly_params or fn.decorators or fn.asynchronous is not None:
        return None
    if not isinstance(fn.body, cst.IndentedBlock):
        return None
    stmts = list(fn.body.body)
    if stmts and isinstance(stmts[0], cst.SimpleStatementLine) and len(stmts[0].body) == 1 \
            and isinstance(stmts[0].body[0], cst.Expr) and isinstance(stmts[0].body[0].value, cst.SimpleString):
        stmts = stmts[1:]
    if len(stmts) < 2:
        return None
    made: list[tuple[str, cst.Call]] = []
    for s in stmts[:-1]:
        hit = _single_assign(s)
        if hit is None or not _is_placeholder(hit[1], tf) or any(n == hit[0] for n, _ in made):
            return None
        made.append((hit[0], hit[1]))
    last = stmts[-1]
    if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1
            and isinstance(last.body[0], cst.Return) and last.body[0].value is not None):
        return None
    rv = last.body[0].value
    elems = [e.value for e in rv.elements] if isinstance(rv, cst.Tuple) else [rv]
    if not all(isinstance(e, cst.Name) for e in elems):
        return None
    returned = [e.value for e in elems]
    if sorted(returned) != sorted(n for n, _ in made):
        return None
    params = {q.name.value for q in p.params}
    if any(q.default is not None and not _literal(q.default) for q in p.params):
        return None
    for _, call in made:
        if _free_names(call) - params - tf - {"None", "True", "False"}:
            return None
    return made, returned


def _free_names(e: cst.CSTNode) -> set[str]:
    """Names an expression reads (attribute names and keywords excluded)."""
    return set(_free_names_list(e))


def _free_names_list(e: cst.CSTNode) -> list[str]:
    """The names an expression reads, once per read, in order (attribute names and keywords
    excluded)."""
    return [n.value for n in read_names(e)]


def _bind(fn: cst.FunctionDef, call: cst.Call) -> dict[str, cst.BaseExpression] | None:
    bound = bind_def(fn, call)
    if bound is None or not all(_simple_arg(v) for v in bound.values()):
        return None
    return bound


def _calls_of(module: cst.Module, fname: str) -> list[cst.Name]:
    return read_names_of(module, fname)


class _Inline(cst.CSTTransformer):
    def __init__(self, plans: dict[int, list[cst.SimpleStatementLine]], drop: set[int]) -> None:
        self.plans, self.drop = plans, drop

    def leave_SimpleStatementLine(self, original, updated):
        new = self.plans.get(id(original))
        if new is None:
            return updated
        first = new[0].with_changes(leading_lines=original.leading_lines)
        return cst.FlattenSentinel([first, *new[1:]])

    def leave_FunctionDef(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.drop else updated


def inline_placeholder_helpers(module: cst.Module) -> cst.Module | None:
    tf = _tf_aliases(module)
    if not tf:
        return None
    plans: dict[int, list[cst.SimpleStatementLine]] = {}
    drop: set[int] = set()
    for fn in module.body:
        if not isinstance(fn, cst.FunctionDef):
            continue
        helper = _helper(fn, tf)
        if helper is None:
            continue
        made, returned = helper
        fname = fn.name.value
        uses = [n for n in _calls_of(module, fname) if n is not fn.name]
        if len(uses) != 1:
            continue
        # the one use: ``a, b = fname(...)`` as a statement of its own
        stmt = None
        for s in _nodes(module):
            if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign) \
                    and len(s.body[0].targets) == 1 and isinstance(s.body[0].value, cst.Call) \
                    and s.body[0].value.func is uses[0]:
                stmt = s
                break
        if stmt is None:
            continue
        target = stmt.body[0].targets[0].target
        targets = [e.value for e in target.elements] if isinstance(target, (cst.Tuple, cst.List)) else [target]
        if len(targets) != len(returned) or not all(isinstance(t, cst.Name) for t in targets):
            continue
        if isinstance(target, (cst.Tuple, cst.List)) != isinstance(
                fn.body.body[-1].body[0].value, cst.Tuple):
            continue
        bound = _bind(fn, stmt.body[0].value)
        if bound is None:
            continue
        to_target = {r: t.value for r, t in zip(returned, targets)}
        rename = _Rename(dict(bound))
        new_stmts = [cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(to_target[local]))],
                                                         call.visit(rename))])
                     for local, call in made]
        plans[id(stmt)] = new_stmts
        drop.add(id(fn))
    if not plans:
        return None
    return module.visit(_Inline(plans, drop))
