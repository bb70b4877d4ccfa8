"""Module-level dicts of TensorFlow classes read by literal keys (rule TFM197's pre-step), and
helpers whose only work is summaries (rule TFM191's pre-step): pure functions of the source.

TFM197::

    OPTIMIZER_DICT = {'sgd': tf.train.GradientDescentOptimizer,
                      'adam': tf.train.AdamOptimizer}
    ...
    optimizer = OPTIMIZER_DICT['adam'](learning_rate=r)

-> ``optimizer = tf.train.AdamOptimizer(learning_rate=r)``, and the dict goes once nothing reads
it. The dict is a module-level statement of its own binding a dict display whose keys are string
literals and whose values are TensorFlow names (``tf.train.X``, ``tf.nn.relu`` ...); the name is
bound once and every other use of it is a subscript by a string literal the dict has. A key
read through a variable (``OPTIMIZER_DICT[FLAGS.optimizer]``), a ``.get`` / ``.items()`` / ``in``
test, a rebinding or a ``global`` statement: the file is left as written.

TFM191::

    def _variable_summaries(self, var, name):
        with tf.name_scope('summaries'):
            mean = tf.reduce_mean(var)
            tf.summary.scalar('mean/' + name, mean)
            tf.summary.histogram(name, var)
    ...
        self._variable_summaries(bias, tf.get_variable_scope().name + '/bias')

A function (or method) whose every statement makes a summary (``tf.summary.*``, TF 0.12's
``tf.scalar_summary`` / ``tf.histogram_summary`` ...), binds a local name from TensorFlow ops
that only those statements read, or is a ``with tf.name_scope(..)`` block of such statements
adds nothing to what the program computes: its summaries are what TFM142 removes. Each of its
calls is an expression statement whose arguments are names, attributes, literals and string
operations (``tf.get_variable_scope().name + '/bias'``): those statements go (a call whose
arguments make variables or ops stays). The definition stays (its summaries removed by TFM142).
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import parent_map, walk as _nodes
from ..names import dotted
from .placeholder_forms import _tf_aliases


# ------------------------------------------------------------------------------------------- TFM197

def _class_dict(stmt: cst.CSTNode, tf: set[str]) -> tuple[str, dict[str, cst.BaseExpression]] | None:
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign)
            and len(stmt.body[0].targets) == 1 and isinstance(stmt.body[0].targets[0].target, cst.Name)
            and isinstance(stmt.body[0].value, cst.Dict)):
        return None
    d = stmt.body[0].value
    out: dict[str, cst.BaseExpression] = {}
    for el in d.elements:
        if not isinstance(el, cst.DictElement) or not isinstance(el.key, cst.SimpleString):
            return None
        k = el.key.evaluated_value
        name = dotted(el.value)
        if not isinstance(k, str) or k in out or name is None or name.split(".")[0] not in tf or "." not in name:
            return None
        out[k] = el.value
    return (stmt.body[0].targets[0].target.value, out) if out else None


class _Resolve(cst.CSTTransformer):
    def __init__(self, dicts: dict[str, dict[str, cst.BaseExpression]], drop: set[int]):
        self.dicts, self.drop = dicts, drop

    def leave_Subscript(self, original, updated):
        if isinstance(original.value, cst.Name) and original.value.value in self.dicts:
            k = original.slice[0].slice.value.evaluated_value
            return self.dicts[original.value.value][k].with_changes(lpar=[], rpar=[])
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.drop else updated


def resolve_class_dicts(module: cst.Module) -> cst.Module | None:
    tf = _tf_aliases(module)
    if not tf:
        return None
    found: dict[str, tuple[cst.CSTNode, dict[str, cst.BaseExpression]]] = {}
    for s in module.body:
        got = _class_dict(s, tf)
        if got is not None:
            found[got[0]] = (s, got[1])
    if not found:
        return None
    parents = parent_map(module)
    defs = {id(s.body[0].targets[0].target) for s, _ in found.values()}
    ok = dict(found)
    reads: dict[str, int] = {k: 0 for k in found}
    for n in _nodes(module):
        if isinstance(n, cst.Global):
            for g in n.names:
                ok.pop(g.name.value, None)
        if not isinstance(n, cst.Name) or n.value not in ok or id(n) in defs:
            continue
        p = parents.get(id(n))
        if isinstance(p, cst.Attribute) and p.attr is n:
            continue  # ``obj.OPTIMIZER_DICT``: another name
        if isinstance(p, (cst.Param, cst.Arg)) and getattr(p, "keyword", None) is n:
            continue
        if isinstance(p, cst.Subscript) and p.value is n and len(p.slice) == 1 \
                and isinstance(p.slice[0].slice, cst.Index) and isinstance(p.slice[0].slice.value, cst.SimpleString) \
                and p.slice[0].slice.value.evaluated_value in ok[n.value][1] \
                and not isinstance(parents.get(id(p)), (cst.AssignTarget, cst.Del)):
            reads[n.value] += 1
            continue
        ok.pop(n.value, None)  # rebound, iterated, passed, ``.get``: left as written
    ok = {k: v for k, v in ok.items() if reads[k]}
    if not ok:
        return None
    drop = {id(s) for s, _ in ok.values()}
    return module.visit(_Resolve({k: v[1] for k, v in ok.items()}, drop))


# ------------------------------------------------------------------------------------------- TFM191

_SUMMARY_FUNCS = ("scalar_summary", "histogram_summary", "image_summary", "audio_summary")


def _summary_call(e: cst.CSTNode, tf: set[str]) -> bool:
    if not isinstance(e, cst.Call):
        return False
    d = dotted(e.func) or ""
    head, _, fn = d.rpartition(".")
    if head.endswith(".compat.v1"):
        head = head[: -len(".compat.v1")]
    return (head in tf and fn in _SUMMARY_FUNCS) or any(head == f"{a}.summary" for a in tf) \
        and fn in ("scalar", "histogram", "image", "audio", "text", "tensor_summary")


def _tf_ops_only(e: cst.CSTNode, tf: set[str]) -> bool:
    """Every call in ``e`` is a TensorFlow function (an op: no variable made, nothing run)."""
    for n in _nodes(e):
        if isinstance(n, cst.Call):
            d = dotted(n.func) or ""
            if d.split(".")[0] not in tf or "variable" in d.lower() or d.endswith((".run", ".eval")):
                return False
        if isinstance(n, (cst.Lambda, cst.Yield, cst.Await, cst.NamedExpr)):
            return False
    return True


def _summary_only(body: cst.BaseSuite, tf: set[str], locals_: set[str]) -> bool:
    if not isinstance(body, cst.IndentedBlock):
        return False
    for i, s in enumerate(body.body):
        if isinstance(s, cst.With):
            if not (len(s.items) == 1 and isinstance(s.items[0].item, cst.Call)
                    and (dotted(s.items[0].item.func) or "").rpartition(".")[2] == "name_scope"
                    and s.items[0].asname is None and _tf_ops_only(s.items[0].item, tf)):
                return False
            if not _summary_only(s.body, tf, locals_):
                return False
            continue
        if not isinstance(s, cst.SimpleStatementLine):
            return False
        for small in s.body:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Expr) and i == 0 and isinstance(small.value, (cst.SimpleString,
                                                                                   cst.ConcatenatedString)):
                continue  # docstring
            if isinstance(small, cst.Expr) and _summary_call(small.value, tf) and _tf_ops_only(small.value, tf):
                continue
            if isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets) \
                    and _tf_ops_only(small.value, tf):
                locals_.update(t.target.value for t in small.targets)
                continue
            return False
    return True


def _plain_arg(e: cst.CSTNode, tf: set[str]) -> bool:
    """Names, attributes, literals, string operations and ``tf.get_variable_scope()``."""
    for n in _nodes(e):
        if isinstance(n, cst.Call):
            d = dotted(n.func) or ""
            if not (d.rpartition(".")[2] in ("get_variable_scope", "format", "str") or d == "str"):
                return False
        elif isinstance(n, (cst.Lambda, cst.Yield, cst.Await, cst.NamedExpr, cst.ListComp, cst.GeneratorExp)):
            return False
    return True


def drop_summary_helpers(module: cst.Module) -> cst.Module | None:
    tf = _tf_aliases(module)
    if not tf:
        return None
    parents = parent_map(module)
    helpers: dict[str, cst.FunctionDef] = {}
    for n in _nodes(module):
        if not isinstance(n, cst.FunctionDef) or n.decorators or n.asynchronous:
            continue
        owner = parents.get(id(parents.get(id(n))))
        if not (owner is module or isinstance(parents.get(id(n)), cst.Module)
                or isinstance(owner, cst.ClassDef)):
            continue
        locals_: set[str] = set()
        if not _summary_only(n.body, tf, locals_):
            continue
        if not any(_summary_call(c, tf) for c in _nodes(n.body)):
            continue
        params = {p.name.value for p in n.params.params}
        # a local it binds must not be read outside this function (it is its own)
        if locals_ & params:
            continue
        helpers.setdefault(n.name.value, n)
        if helpers[n.name.value] is not n:
            helpers[n.name.value] = None  # two definitions of one name: left alone
    helpers = {k: v for k, v in helpers.items() if v is not None}
    if not helpers:
        return None
    inside = {id(x) for f in helpers.values() for x in _nodes(f)}
    calls: list[cst.SimpleStatementLine] = []
    for n in _nodes(module):
        if id(n) in inside:
            continue
        name = n.value if isinstance(n, cst.Name) else None
        if name not in helpers:
            continue
        p = parents.get(id(n))
        ref = n
        if isinstance(p, cst.Attribute) and p.attr is n:
            if not (isinstance(p.value, cst.Name) and p.value.value == "self"):
                helpers.pop(name)
                continue
            ref = p
        elif isinstance(p, (cst.FunctionDef,)):
            continue
        c = parents.get(id(ref))
        e = parents.get(id(c))
        line = parents.get(id(e))
        if not (isinstance(c, cst.Call) and c.func is ref and isinstance(e, cst.Expr)
                and isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
                and all(_plain_arg(a.value, tf) for a in c.args)):
            helpers.pop(name)
            continue
        calls.append(line)
    drop = {id(s) for s in calls
            if any(isinstance(x, (cst.Name,)) and x.value in helpers for x in _nodes(s))}
    if not drop:
        return None

    class _Drop(cst.CSTTransformer):
        def leave_SimpleStatementLine(self, original, updated):
            return cst.RemoveFromParent() if id(original) in drop else updated

        def leave_IndentedBlock(self, original, updated):
            return updated if updated.body else updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])

    return module.visit(_Drop())
