"""TFM209's pre-step: a name that stands for one TensorFlow dtype written as the dtype at its reads.

TF1 programs name their float type once and type everything with the name:

* a module constant, ``DATA_TYPE = tf.float32`` (redsphinx/uatu), read as ``tf.placeholder(DATA_TYPE,
  ...)``, ``tf.get_variable(..., dtype=DATA_TYPE)``, ``tf.Variable(0, dtype=DATA_TYPE)``;
* a module function of no parameters whose body only returns the dtype, ``def data_type(): return
  tf.float16 if FLAGS.use_fp16 else tf.float32`` (TF's own PTB / mnist convolutional models), called
  as ``data_type()``.

The value may be a conditional on a boolean command-line flag (``tf.flags.DEFINE_bool('use_fp16', False,
..)`` / ``argparse``'s ``action='store_true'``) read as ``FLAGS.<flag>``: the branch the flag's DEFAULT
selects, only when that branch is ``float32`` (the program as it runs without the flag; a program
whose default is another float type, or whose flag default is unknown, is declined: the rules keep
their TODO). A plain dtype constant is resolved whatever dtype it names.

Each read of the name (each call of the function) becomes the dtype attribute (``tf.float32``), and
the definition goes (nothing reads it any more): the same TF1 program, whose placeholders, variables
and step counters the rules then see typed. Declined: the name bound anywhere else (another
assignment, a parameter, ``global``, an import, a loop target), the function read otherwise than by
a call without arguments, a file with ``__all__``.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import parent_map, read_names_of, walk
from ..names import dotted
from .graph_datasets import tf_aliases

_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64", "half", "double", "int8", "int16", "int32",
                     "int64", "uint8", "uint16", "bool", "complex64", "complex128", "string"})
_BOOL_DEFS = frozenset({"DEFINE_bool", "DEFINE_boolean"})


def _dtype_attr(e: cst.BaseExpression, tf: set[str]) -> bool:
    """``tf.float32`` / ``tf.compat.v1.float32`` for a TensorFlow alias ``tf``."""
    d = dotted(e) or ""
    return any(d in (f"{a}.{t}", f"{a}.compat.v1.{t}") for a in tf for t in _DTYPES)


def _flag_defaults(module: cst.Module) -> dict[str, bool]:
    """Boolean flags the file defines with a literal default: ``DEFINE_bool('f', False, ..)`` and
    ``parser.add_argument('--f', action='store_true')`` (default False unless ``default=`` says)."""
    out: dict[str, bool] = {}
    for node in _calls(module):
        d = dotted(node.func) or ""
        last = d.rsplit(".", 1)[-1]
        pos = [a for a in node.args if a.keyword is None and a.star == ""]
        kw = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if last in _BOOL_DEFS:
            name = pos[0].value if pos else kw.get("name")
            default = pos[1].value if len(pos) > 1 else kw.get("default")
            if isinstance(name, cst.SimpleString) and isinstance(default, cst.Name) \
                    and default.value in ("True", "False"):
                out[name.evaluated_value] = default.value == "True"
        elif last == "add_argument" and pos and isinstance(pos[0].value, cst.SimpleString):
            action = kw.get("action")
            if not (isinstance(action, cst.SimpleString) and action.evaluated_value in ("store_true", "store_false")):
                continue
            flag = pos[-1].value.evaluated_value if isinstance(pos[-1].value, cst.SimpleString) else ""
            if not isinstance(flag, str) or not flag.startswith("--"):
                continue
            dest = kw.get("dest")
            name = dest.evaluated_value if isinstance(dest, cst.SimpleString) else flag[2:].replace("-", "_")
            default = kw.get("default")
            if default is None:
                out[name] = action.evaluated_value == "store_false"
            elif isinstance(default, cst.Name) and default.value in ("True", "False"):
                out[name] = default.value == "True"
    return out


def _calls(module: cst.Module):
    return (n for n in walk(module) if isinstance(n, cst.Call))


def _assigned_flags(module: cst.Module) -> set[str]:
    """Attributes the file assigns (``FLAGS.use_fp16 = True``): such a flag's default is not its value."""
    return {t.target.attr.value for n in walk(module) if isinstance(n, cst.AssignTarget)
            for t in (n,) if isinstance(t.target, cst.Attribute)}


def _resolve(e: cst.BaseExpression, tf: set[str], flags: dict[str, bool]) -> cst.BaseExpression | None:
    """The dtype attribute ``e`` evaluates to as the program runs by default, or None."""
    if _dtype_attr(e, tf):
        return e
    if isinstance(e, cst.IfExp):
        test = e.test
        negate = False
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test, negate = test.expression, True
        if not (isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name)
                and test.value.value.upper() in ("FLAGS", "ARGS", "OPTS", "CONFIG")
                and test.attr.value in flags):
            return None
        branch = e.body if flags[test.attr.value] != negate else e.orelse
        if not _dtype_attr(branch, tf) or not (dotted(branch) or "").endswith(".float32"):
            return None  # the default is not float32: a choice made at run time, kept
        return branch
    return None


def _returned(fn: cst.FunctionDef) -> cst.BaseExpression | None:
    """The expression a parameterless, undecorated function's only statement returns."""
    if fn.decorators or fn.params.params or fn.params.star_arg is not cst.MaybeSentinel.DEFAULT \
            or fn.params.kwonly_params or fn.params.star_kwarg or fn.params.posonly_params \
            or fn.asynchronous is not None or not isinstance(fn.body, cst.IndentedBlock):
        return None
    body = list(fn.body.body)
    if body and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1 \
            and isinstance(body[0].body[0], cst.Expr) and isinstance(body[0].body[0].value, cst.SimpleString):
        body = body[1:]  # the docstring
    if len(body) == 2 and isinstance(body[0], cst.If) and body[0].orelse is None:
        # ``if FLAGS.use_fp16: return tf.float16`` + ``return tf.float32``: the conditional expression
        then, other = _only_return(body[0].body.body), _only_return(body[1:])
        if then is not None and other is not None:
            return cst.IfExp(test=body[0].test, body=then, orelse=other)
        return None
    if len(body) == 1 and isinstance(body[0], cst.If) and isinstance(body[0].orelse, cst.Else):
        then, other = _only_return(body[0].body.body), _only_return(body[0].orelse.body.body)
        if then is not None and other is not None:
            return cst.IfExp(test=body[0].test, body=then, orelse=other)
        return None
    return _only_return(body)


def _only_return(body) -> cst.BaseExpression | None:
    """The value of a block that is one ``return <value>`` statement."""
    body = list(body)
    if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1 \
            or not isinstance(body[0].body[0], cst.Return) or body[0].body[0].value is None:
        return None
    return body[0].body[0].value


def _may_define(module: cst.Module, tf: set[str]) -> bool:
    """Whether a module-level statement could be a dtype alias (``_definitions`` finds one only
    then, whatever the flags' defaults): the cheap check before the module is walked."""
    for st in module.body:
        if isinstance(st, cst.FunctionDef):
            value = _returned(st)
        elif isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign):
            value = st.body[0].value
        else:
            continue
        if value is not None and (isinstance(value, cst.IfExp) or _dtype_attr(value, tf)):
            return True
    return False


def _definitions(module: cst.Module, tf: set[str], flags: dict[str, bool]):
    """(statement, name, dtype expression, is_function) for each module-level dtype alias."""
    for st in module.body:
        if isinstance(st, cst.FunctionDef):
            value = _returned(st)
            if value is not None:
                dtype = _resolve(value, tf, flags)
                if dtype is not None:
                    yield st, st.name.value, dtype, True
        elif isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
                and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name):
            dtype = _resolve(st.body[0].value, tf, flags)
            if dtype is not None:
                yield st, st.body[0].targets[0].target.value, dtype, False


def _reads(module: cst.Module, parents: dict[int, cst.CSTNode], st: cst.CSTNode, name: str,
           function: bool) -> list[cst.CSTNode] | None:
    """The nodes to replace by the dtype (Names, or the calls of the function), or None when the
    name is bound elsewhere or (function) read otherwise than called without arguments."""
    own = st.name if function else st.body[0].targets[0].target
    out: list[cst.CSTNode] = []
    for n in read_names_of(module, name):
        if n is own:
            continue
        parent = parents.get(id(n))
        if isinstance(parent, (cst.AssignTarget, cst.Param, cst.FunctionDef, cst.ClassDef, cst.For, cst.CompFor,
                               cst.AsName, cst.ImportAlias, cst.NamedExpr, cst.AugAssign, cst.AnnAssign,
                               cst.Del, cst.NameItem, cst.ExceptHandler, cst.Element, cst.StarredElement)):
            if not isinstance(parent, (cst.Element, cst.StarredElement)):
                return None
            # a name in a display: a binding when the display is an assignment target
            up = parent
            while isinstance(up, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
                up = parents.get(id(up))
            if isinstance(up, (cst.AssignTarget, cst.For, cst.CompFor, cst.AsName, cst.Del)):
                return None
        if function:
            if not (isinstance(parent, cst.Call) and parent.func is n and not parent.args):
                return None
            out.append(parent)
        else:
            out.append(n)
    return out


class _Replace(cst.CSTTransformer):
    def __init__(self, targets: dict[int, cst.BaseExpression], drop: set[int]):
        self.targets, self.drop = targets, drop

    def on_leave(self, original, updated):
        hit = self.targets.get(id(original))
        if hit is not None:
            return hit.deep_clone() if not isinstance(updated, cst.Name) else _keep_parens(updated, hit)
        if id(original) in self.drop:
            return cst.RemovalSentinel.REMOVE
        return updated


def _keep_parens(old: cst.Name, new: cst.BaseExpression) -> cst.BaseExpression:
    out = new.deep_clone()
    if old.lpar or old.rpar:
        out = out.with_changes(lpar=old.lpar, rpar=old.rpar)
    return out


def resolve_dtype_aliases(module: cst.Module) -> cst.Module | None:
    """The module with its dtype aliases written as the dtypes (see the module docstring), or None."""
    tf = set(tf_aliases(module))
    if not tf or not _may_define(module, tf):
        return None  # no module-level dtype name (whatever the flags' defaults): nothing to walk
    if "__all__" in module.code:
        return None
    assigned = _assigned_flags(module)
    flags = {k: v for k, v in _flag_defaults(module).items() if k not in assigned}
    parents = parent_map(module)
    targets: dict[int, cst.BaseExpression] = {}
    drop: set[int] = set()
    for st, name, dtype, function in _definitions(module, tf, flags):
        if sum(1 for s in module.body if _defines(s, name)) != 1:
            continue
        reads = _reads(module, parents, st, name, function)
        if reads is None:
            continue
        for r in reads:
            targets[id(r)] = dtype
        drop.add(id(st))
    if not drop:
        return None
    return module.visit(_Replace(targets, drop))


def _defines(st: cst.CSTNode, name: str) -> bool:
    if isinstance(st, (cst.FunctionDef, cst.ClassDef)):
        return st.name.value == name
    if isinstance(st, cst.SimpleStatementLine):
        for small in st.body:
            if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name
                                                     for t in small.targets):
                return True
    return False
