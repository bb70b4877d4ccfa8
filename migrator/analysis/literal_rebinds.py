"""Later literal bindings of an initializer name read by ``tf.get_variable`` (``ctx.analysis``)."""
from __future__ import annotations

import libcst as cst

from .flow import Flow, load_names
from .tf1_program import _arg, _walk


class LiteralRebinds:
    """simnet's ``init = <initializer>; w = get_variable(.., init); init =
    tf.constant_initializer(0.0); b = get_variable(.., init)``: a LATER binding of an initializer
    name that is a TF1 call reading no local of the function (literals, module names), a
    statement of the function's body itself (no branch, no loop), every read it (or a later
    such binding) reaches an ``initializer`` of a ``tf.get_variable``, no nested function or
    lambda reading the name. Such a binding is dropped and its value written at its reads
    (the same initializer: it is built from literals), so that a layer built where the weights
    are used reads the EARLIER binding, as TF1's get_variable did. reads: id(read Name) -> the
    Def whose value it takes; statements: ids of the dropped statements."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.reads: dict[int, object] = {}
        self.statements: set[int] = set()
        flow = ctx.analysis(Flow)
        for fn in _walk(ctx.module):
            if not isinstance(fn, cst.FunctionDef) or not isinstance(fn.body, cst.IndentedBlock):
                continue
            scope = flow.scope_of(fn.body.body[0])
            if scope.node is not fn:
                continue
            top = {id(s) for s in fn.body.body}

            def literal_def(d):
                st = d.stmt
                if d.index < 0 or id(st) not in top or not isinstance(st, cst.SimpleStatementLine) \
                        or len(st.body) != 1 or not isinstance(st.body[0], cst.Assign):
                    return False
                a = st.body[0]
                if len(a.targets) != 1 or not isinstance(a.targets[0].target, cst.Name) \
                        or not isinstance(a.value, cst.Call) \
                        or not (ctx.legacy_name(a.value) or "").startswith("tensorflow."):
                    return False
                return not (load_names(a.value) & set(scope.by_name))

            for name, defs in scope.by_name.items():
                defs = sorted(defs, key=lambda d: d.index)
                k = len(defs)
                while k > 1 and literal_def(defs[k - 1]):
                    k -= 1
                if k == 0 or k == len(defs):
                    continue  # no earlier binding, or no literal rebinding
                suffix = defs[k:]
                reads, ok = {}, True
                for n in _walk(fn.body):
                    if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Global, cst.Nonlocal)) \
                            and any(isinstance(m, cst.Name) and m.value == name for m in _walk(n)):
                        ok = False
                        break
                    if not isinstance(n, cst.Name) or n.value != name \
                            or isinstance(ctx.parent(n), cst.AssignTarget):
                        continue
                    _, idx = flow.index_of(n)
                    before = [d for d in suffix if d.index < idx]
                    if not before:
                        continue  # reads an earlier binding
                    arg = ctx.parent(n)
                    gv = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
                    if not (isinstance(gv, cst.Call) and ctx.legacy_name(gv) == "tensorflow.get_variable"
                            and _arg(gv, 3, "initializer") is n):
                        ok = False
                        break
                    reads[id(n)] = before[-1]
                if ok and reads and {id(d) for d in reads.values()} == {id(d) for d in suffix}:
                    self.reads.update(reads)
                    self.statements.update(id(d.stmt) for d in suffix)
