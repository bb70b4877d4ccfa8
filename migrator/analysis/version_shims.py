"""TFM224's pre-step: TensorFlow-version shims written as the branch TensorFlow 1 takes.

Code written while TF moved from 0.x to 1.x guards its imports and calls with the version:

* ``BasicLSTMCell = tf.contrib.rnn.BasicLSTMCell if hasattr(tf.contrib.rnn, 'BasicLSTMCell') else
  tf.nn.rnn_cell.BasicLSTMCell`` - both branches name the SAME class in TF 1 (``tf.contrib.rnn``
  re-exports the core cells), whatever the test says: the conditional is that class;
* ``if int(tf.__version__.split('.')[0]) >= 1: return tf.concat(values, axis)`` / ``return
  tf.concat(axis, values)`` (a CS224n Quora Siamese LSTM): a comparison of TF's MAJOR version with
  an integer, which TF 1 answers with 1 (``tf.__version__.startswith('0.')`` is False, ``'1.'``
  True): the ``if`` becomes the branch taken, the conditional expression its branch.

Only the major version is read (a minor-version test is a choice the program makes at run time
between two TF 1 releases: kept). The test of a same-object conditional is not evaluated, so it
must be free of effects: ``hasattr`` / ``getattr`` / ``isinstance`` / comparisons / attribute reads
of TensorFlow. Both branches of a conditional name the same object when they are the same
dotted path under two module paths TF 1 aliases (``tf.contrib.rnn.X`` / ``tf.nn.rnn_cell.X`` for its
cell and wrapper classes; ``tf.contrib.slim.X`` / ``tf.contrib.layers.X`` for slim's layers).
"""
from __future__ import annotations

import libcst as cst

from ..names import canonical, dotted
from .graph_datasets import tf_aliases

# classes tf.contrib.rnn re-exports from tf.nn.rnn_cell in TF 1 (the same objects)
_RNN_CELL_CLASSES = frozenset({
    "RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell", "DropoutWrapper",
    "ResidualWrapper", "DeviceWrapper", "LSTMStateTuple"})
_RNN_PATHS = ("tensorflow.contrib.rnn.", "tensorflow.nn.rnn_cell.", "tensorflow.contrib.rnn.core_rnn_cell.")
_PURE_CALLS = frozenset({"hasattr", "getattr", "isinstance", "int", "str", "len"})
_TF1_MAJOR = 1


def _qualified(e: cst.BaseExpression, tf: set[str]) -> str | None:
    d = dotted(e)
    if not d:
        return None
    head, _, rest = d.partition(".")
    if head not in tf:
        return None
    return canonical("tensorflow" + ("." + rest if rest else ""))


def _same_tf1_object(a: cst.BaseExpression, b: cst.BaseExpression, tf: set[str]) -> bool:
    qa, qb = _qualified(a, tf), _qualified(b, tf)
    if qa is None or qb is None:
        return False
    if qa == qb:
        return True
    ta, tb = qa.rsplit(".", 1)[-1], qb.rsplit(".", 1)[-1]
    return (ta == tb and ta in _RNN_CELL_CLASSES and any(qa == p + ta for p in _RNN_PATHS)
            and any(qb == p + tb for p in _RNN_PATHS))


def _pure(e: cst.CSTNode) -> bool:
    """An expression without effects (reads, literals, comparisons and a few builtins)."""
    if isinstance(e, (cst.Name, cst.SimpleString, cst.Integer, cst.Float)):
        return True
    if isinstance(e, cst.Attribute):
        return _pure(e.value)
    if isinstance(e, cst.Comparison):
        return _pure(e.left) and all(_pure(c.comparator) for c in e.comparisons)
    if isinstance(e, cst.BooleanOperation):
        return _pure(e.left) and _pure(e.right)
    if isinstance(e, cst.UnaryOperation):
        return _pure(e.expression)
    if isinstance(e, cst.Subscript):
        return _pure(e.value) and all(isinstance(s.slice, cst.Index) and _pure(s.slice.value) for s in e.slice)
    if isinstance(e, cst.Call):
        if isinstance(e.func, cst.Name) and e.func.value in _PURE_CALLS:
            return all(not a.star and _pure(a.value) for a in e.args)
        # `<str>.split('.')` / `.startswith(..)` of the version string
        if isinstance(e.func, cst.Attribute) and e.func.attr.value in ("split", "startswith") \
                and _pure(e.func.value):
            return all(not a.star and _pure(a.value) for a in e.args)
    return False


def _is_version(e: cst.BaseExpression, tf: set[str]) -> bool:
    return isinstance(e, cst.Attribute) and e.attr.value == "__version__" and dotted(e.value) in tf


def _major(e: cst.BaseExpression, tf: set[str]) -> bool:
    """``int(tf.__version__.split('.')[0])`` (also ``int(tf.__version__[0])``)."""
    if not (isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == "int"
            and len(e.args) == 1 and e.args[0].keyword is None and not e.args[0].star):
        return False
    v = e.args[0].value
    if not (isinstance(v, cst.Subscript) and len(v.slice) == 1 and isinstance(v.slice[0].slice, cst.Index)):
        return False
    idx = v.slice[0].slice.value
    if not (isinstance(idx, cst.Integer) and idx.evaluated_value == 0):
        return False
    base = v.value
    if _is_version(base, tf):
        return True
    return (isinstance(base, cst.Call) and isinstance(base.func, cst.Attribute) and base.func.attr.value == "split"
            and _is_version(base.func.value, tf) and len(base.args) == 1
            and isinstance(base.args[0].value, cst.SimpleString) and base.args[0].value.evaluated_value == ".")


_OPS = {cst.GreaterThanEqual: lambda a, b: a >= b, cst.GreaterThan: lambda a, b: a > b,
        cst.LessThanEqual: lambda a, b: a <= b, cst.LessThan: lambda a, b: a < b,
        cst.Equal: lambda a, b: a == b, cst.NotEqual: lambda a, b: a != b}


def version_test(e: cst.BaseExpression, tf: set[str]) -> bool | None:
    """What TF 1 answers to a test of its major version, or None (not such a test)."""
    if isinstance(e, cst.Comparison) and len(e.comparisons) == 1:
        c = e.comparisons[0]
        op = _OPS.get(type(c.operator))
        if op is None:
            return None
        if _major(e.left, tf) and isinstance(c.comparator, cst.Integer):
            return op(_TF1_MAJOR, c.comparator.evaluated_value)
        if _major(c.comparator, tf) and isinstance(e.left, cst.Integer):
            return op(e.left.evaluated_value, _TF1_MAJOR)
        return None
    if isinstance(e, cst.Call) and isinstance(e.func, cst.Attribute) and e.func.attr.value == "startswith" \
            and _is_version(e.func.value, tf) and len(e.args) == 1 \
            and isinstance(e.args[0].value, cst.SimpleString):
        prefix = e.args[0].value.evaluated_value
        if prefix in (f"{_TF1_MAJOR}", f"{_TF1_MAJOR}."):
            return True
        if prefix[:1].isdigit() and (len(prefix) == 1 or prefix[1] == "."):
            return False
        return None
    if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Not):
        inner = version_test(e.expression, tf)
        return None if inner is None else not inner
    return None


class _Fold(cst.CSTTransformer):
    def __init__(self, tf: set[str]) -> None:
        self.tf = tf
        self.changed = False
        self.exits: set[int] = set()   # ids of the statements that end a branch written out

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        """Statements after a branch's ``return`` / ``raise`` written into this block never run."""
        body = list(updated.body)
        for i, st in enumerate(body):
            if id(st) in self.exits:
                return updated.with_changes(body=body[:i + 1]) if i + 1 < len(body) else updated
        return updated

    def leave_IfExp(self, original: cst.IfExp, updated: cst.IfExp) -> cst.BaseExpression:
        taken = version_test(updated.test, self.tf)
        if taken is not None:
            out = updated.body if taken else updated.orelse
        elif _pure(updated.test) and _same_tf1_object(updated.body, updated.orelse, self.tf):
            out = updated.body
        else:
            return updated
        self.changed = True
        atom = isinstance(out, (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.SimpleString,
                                cst.Integer, cst.Float)) or out.lpar
        return out if atom or not updated.lpar else out.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_If(self, original: cst.If, updated: cst.If):
        taken = version_test(updated.test, self.tf)
        if taken is None:
            return updated
        if taken:
            body = list(updated.body.body)
        elif updated.orelse is None:
            body = []
        elif isinstance(updated.orelse, cst.If):
            body = [updated.orelse]   # `elif`: an `if` of its own
        else:
            body = list(updated.orelse.body.body)
        self.changed = True
        if not body:
            return cst.SimpleStatementLine([cst.Pass()], leading_lines=updated.leading_lines)
        body[0] = body[0].with_changes(leading_lines=list(updated.leading_lines) + list(body[0].leading_lines))
        last = body[-1]
        if isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Return, cst.Raise)):
            self.exits.add(id(last))
        return cst.FlattenSentinel(body)


def fold_version_shims(module: cst.Module) -> cst.Module | None:
    """The module with its TF-version shims written as TF 1's branch, or None (none there)."""
    tf = set(tf_aliases(module))
    if not tf:
        return None
    t = _Fold(tf)
    new = module.visit(t)
    if not t.changed:
        return None
    return new


def inline_tf_aliases(module: cst.Module) -> cst.Module | None:
    """A local name of a function standing for a TensorFlow class written as that dotted name at
    its reads: ``DropoutWrapper = tf.contrib.rnn.DropoutWrapper`` (what a folded
    shim leaves) + ``cell = DropoutWrapper(cell, keep)`` -> ``cell = tf.contrib.rnn.DropoutWrapper(
    cell, keep)``; the alias goes. Python binds the name to the same object, so every read of it is
    that object; the rules that translate the call (and the analyses that read its keep
    probability) look for it by its TensorFlow name. Only a name bound once in its function by the
    alias statement (no comment of the user's on it), read only after it and not in a nested
    function; a module-level alias (which other modules may import) is left alone."""
    from .placeholder_aliases import ReplaceNames, single_aliases

    tf = set(tf_aliases(module))
    if not tf:
        return None
    changed = False

    def a_class(v: cst.BaseExpression, st: cst.CSTNode) -> bool:
        # a class (modules such as ``flags = tf.app.flags`` are other rules' forms)
        d = (dotted(v) or "") if isinstance(v, cst.Attribute) else ""
        return d.split(".")[0] in tf and d.count(".") >= 2 and d.rpartition(".")[2][:1].isupper()

    def plan(fn: cst.FunctionDef):
        found = single_aliases(fn, a_class, tf)
        return {n: st.body[0].value for n, st in found.items()}, {id(st) for st in found.values()}

    class _Functions(cst.CSTTransformer):
        def leave_FunctionDef(self, original, updated):
            nonlocal changed
            aliases, stmts = plan(updated)
            if not aliases:
                return updated
            changed = True
            return updated.visit(ReplaceNames(aliases, stmts))

    new = module.visit(_Functions())
    return new if changed else None
