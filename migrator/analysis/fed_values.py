"""Values fed to a placeholder that are Python sequences, not arrays (TFM140, TFM144, TFM145).

TF1's ``sess.run(.., feed_dict={x: v})`` converted every fed value with ``np.asarray(v,
dtype=<the placeholder's dtype>)``; a translated run hands the value to ``train_on_batch`` /
``predict_on_batch``, where Keras reads a list or a tuple as a STRUCTURE of inputs (a tuple of
64 rows is 64 inputs: "expects 3 inputs, received 192"). ``sequence_feed`` says whether a fed
value is provably such a sequence:

* a list / tuple display, a list comprehension, ``list(..)`` / ``tuple(..)``, ``[..] * n`` /
  ``a + [..]``;
* a name whose binding is one of those (``xs = []`` filled by ``xs.append(..)`` in a loop, ``xs
  += [..]``), or an element of a tuple unpacking of ``zip(..)`` (``x1, x2, y = zip(*batch)``: the
  text-CNN tutorials' batch_iter idiom; zip yields tuples), followed through swaps (``a, b = b,
  a``) and plain copies (``a = b``).

Anything else (an array, a name the analysis cannot follow, a subscript, a parameter) is not
reported: the translation keeps it unchanged. The bindings are read linearly (``Flow.def_of``:
the last binding before the run); converting a value that was an array on some path anyway is
still TF1's own conversion (``np.asarray`` of an array of the placeholder's dtype is the array).

``feed_dtype`` names the NumPy dtype TF1 cast a fed value to, from the placeholder's dtype
(``tf.int32`` / ``'float32'`` / ``tf.float32`` ...); None where it is not a plain numeric/bool
dtype.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import children
from ..emit import call
from .flow import Flow, target_names

_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
           "bool")


def feed_dtype(node: cst.BaseExpression | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, cst.SimpleString):
        text = node.value.strip("'\"")
    elif isinstance(node, cst.Attribute) and isinstance(node.value, (cst.Name, cst.Attribute)):
        text = node.attr.value
    else:
        return None
    return text if text in _DTYPES else None


def _sequence_call(node: cst.BaseExpression, flow: Flow) -> bool:
    return (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
            and node.func.value in ("list", "tuple") and node.func.value not in flow.functions)


def _zip_call(node: cst.BaseExpression, flow: Flow) -> bool:
    return (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "zip"
            and "zip" not in flow.functions)


def sequence_feed(flow: Flow, node: cst.BaseExpression, depth: int = 0) -> bool:
    """Is the ORIGINAL fed expression ``node`` provably a Python list / tuple?"""
    if depth > 8:
        return False
    if isinstance(node, (cst.List, cst.Tuple, cst.ListComp)):
        return True
    if _sequence_call(node, flow):
        return True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Multiply)):
        # ``[0.0] * n`` / ``a + [b]``: a list (an array operand would make an array: both must
        # be displays for ``+``; one display for ``*`` with a number)
        if isinstance(node.operator, cst.Multiply):
            return any(isinstance(s, (cst.List, cst.Tuple)) for s in (node.left, node.right))
        return all(sequence_feed(flow, s, depth + 1) for s in (node.left, node.right))
    if not isinstance(node, cst.Name):
        return False
    d = flow.def_of(node.value, node)
    if d is None:
        return False
    if d.value is None:  # ``xs += [..]`` (a list extended in place stays a list)
        stmt = d.stmt
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.AugAssign) and isinstance(small.operator, cst.AddAssign) \
                        and isinstance(small.target, cst.Name) and small.target.value == node.value:
                    return isinstance(small.value, (cst.List, cst.ListComp)) or _sequence_call(small.value, flow)
        return False
    part = _bound_part(d, node.value, flow, depth)
    if part is True or part is None:
        return bool(part)
    return sequence_feed(flow, part, depth + 1)


def _bound_part(d, name: str, flow: Flow, depth: int = 0):
    """The expression ``name`` takes in its binding statement ``d``: the whole value for a plain
    target, the matching element of a same-length display for a tuple target; True for an
    element of a ``zip(..)`` unpacking (a tuple); None where not known."""
    stmt = d.stmt
    if not isinstance(stmt, cst.SimpleStatementLine):
        return None
    for small in stmt.body:
        if not isinstance(small, cst.Assign) or small.value is not d.value:
            continue
        for t in small.targets:
            tgt = t.target
            if isinstance(tgt, cst.Name):
                if tgt.value == name:
                    return small.value
                continue
            if not isinstance(tgt, (cst.Tuple, cst.List)) or name not in target_names(tgt):
                continue
            els = tgt.elements
            if any(not isinstance(e.value, cst.Name) for e in els):
                return None  # nested or starred targets: not followed
            i = next(k for k, e in enumerate(els) if e.value.value == name)  # type: ignore[union-attr]
            if _zip_call(small.value, flow):
                return True
            if isinstance(small.value, (cst.Tuple, cst.List)) and len(small.value.elements) == len(els) \
                    and not any(isinstance(e, cst.StarredElement) for e in small.value.elements):
                return small.value.elements[i].value
            return _tuple_element(flow, small.value, i, len(els), depth + 1) or None
    return None


def _tuple_element(flow: Flow, expr: cst.BaseExpression, i: int, n: int, depth: int) -> bool:
    """Is element ``i`` of the ``n``-tuple ``expr`` evaluates to provably a list / tuple? ``expr``:
    a display, a call of a function / method of this file whose every ``return`` is an
    ``n``-tuple display with such an element (``left, right, y = sampler.next_batch(64)``, the
    batch built with ``append``), or a name bound to one of those - also a loop variable over a
    list display / comprehension of them (``for batch in [s.next_batch(64) for _ in ..]``)."""
    if depth > 8:
        return False
    if isinstance(expr, (cst.Tuple, cst.List)):
        els = expr.elements
        return (len(els) == n and not any(isinstance(e, cst.StarredElement) for e in els)
                and sequence_feed(flow, els[i].value, depth + 1))
    if _zip_call(expr, flow):
        return True
    if isinstance(expr, cst.Call):
        fns = _callees(flow, expr)
        return bool(fns) and all(_returns_sequence_at(flow, fn, i, n, depth) for fn in fns)
    if not isinstance(expr, cst.Name):
        return False
    d = flow.def_of(expr.value, expr)
    if d is None:
        return False
    if isinstance(d.stmt, cst.For):
        if not (isinstance(d.stmt.target, cst.Name) and d.stmt.target.value == expr.value):
            return False
        it = d.stmt.iter
        if isinstance(it, cst.Name):
            di = flow.def_of(it.value, d.stmt)
            if di is None or di.value is None or _bound_part(di, it.value, flow, depth + 1) is not di.value:
                return False
            it = di.value
        if isinstance(it, cst.ListComp):
            return _tuple_element(flow, it.elt, i, n, depth + 1)
        if isinstance(it, (cst.List, cst.Tuple)) and it.elements:
            return all(not isinstance(e, cst.StarredElement) and _tuple_element(flow, e.value, i, n, depth + 1)
                       for e in it.elements)
        return False
    if d.value is None or _bound_part(d, expr.value, flow, depth + 1) is not d.value:
        return False
    return _tuple_element(flow, d.value, i, n, depth + 1)


def _callees(flow: Flow, c: cst.Call) -> list[cst.FunctionDef]:
    """The functions of this file ``c`` may call: a module-level function (``f(..)``, not
    rebound where it is called), or every method of that name in the file's classes
    (``obj.m(..)``: the receiver's class is not known, so all of them must agree)."""
    f = c.func
    if isinstance(f, cst.Name):
        fn = flow.functions.get(f.value)
        d = flow.def_of(f.value, c)
        return [fn] if fn is not None and (d is None or d.stmt is fn) else []
    if isinstance(f, cst.Attribute):
        out = []
        for cls in flow.ctx.module.body:
            if isinstance(cls, cst.ClassDef) and isinstance(cls.body, cst.IndentedBlock):
                out += [m for m in cls.body.body if isinstance(m, cst.FunctionDef) and m.name.value == f.attr.value]
        return out
    return []


def _returns_sequence_at(flow: Flow, fn: cst.FunctionDef, i: int, n: int, depth: int) -> bool:
    """Every ``return`` of ``fn`` (not of a function nested in it) is an ``n``-tuple display whose
    element ``i`` is provably a list / tuple; a generator or a body without a return is not."""
    returns: list[cst.Return] = []
    stack: list[cst.CSTNode] = [fn.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        if isinstance(node, (cst.Yield, cst.Await)):
            return False
        if isinstance(node, cst.Return):
            returns.append(node)
        stack.extend(children(node))
    return bool(returns) and all(
        r.value is not None and isinstance(r.value, cst.Tuple) and _tuple_element(flow, r.value, i, n, depth + 1)
        for r in returns)


def zipped_loop_element(flow: Flow, node: cst.BaseExpression) -> bool:
    """``node`` is a name the loop binds from ``zip(..)`` (``for x, y in zip(xs, ys)`` /
    ``for i, (x, y) in enumerate(zip(xs, ys))``): an element of a sequence the analysis does not
    follow - in the batch-list idiom (``xs = [data[i:i + n] for ...]`` of lists), a list. TF1
    converted it, whatever it was; ``np.asarray`` of an array of the placeholder's dtype is that
    array, so the conversion is written."""
    if not isinstance(node, cst.Name):
        return False
    d = flow.def_of(node.value, node)
    loop = d.stmt if d is not None else None
    if not isinstance(loop, cst.For) or node.value not in target_names(loop.target):
        return False
    it = loop.iter
    if isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value == "enumerate" \
            and "enumerate" not in flow.functions and it.args:
        t = loop.target
        if not (isinstance(t, (cst.Tuple, cst.List)) and len(t.elements) == 2
                and node.value in target_names(t.elements[1].value)):
            return False
        it = it.args[0].value
    return _zip_call(it, flow)


def tf1_feed_conversion(flow: Flow, orig: cst.BaseExpression | None, value: cst.BaseExpression,
                        dtype: cst.BaseExpression | None, default: str | None = None) -> cst.Call | None:
    """``np.asarray(value, <dtype>)`` - TF1's own conversion of a fed value - when ``orig`` (the fed
    expression as written) is provably a Python list / tuple (:func:`sequence_feed`; Keras would
    read it as several inputs); None otherwise. ``dtype``: the placeholder's dtype expression
    (``default``, a dtype string, where the placeholder is unknown or gives none); the caller
    imports numpy as np."""
    if orig is None or not (sequence_feed(flow, orig) or zipped_loop_element(flow, orig)):
        return None
    dt = feed_dtype(dtype) if dtype is not None else default
    return call("np.asarray", value, cst.SimpleString(repr(dt))) if dt else call("np.asarray", value)
