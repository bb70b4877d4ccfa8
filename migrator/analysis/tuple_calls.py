"""TFM140 support: ``loss, dist = contrastive_loss(out_l, out_r, label)`` in a TF1 program.

The helper returns a tuple; ``Flow`` gives each target the dependencies of ITS element (see
``Flow.tuple_parts``), so ``dist`` is a label-free model tensor while ``loss`` depends on the
label. The statement becomes:

* per label-dependent element, TFM140's loss/metric function reading that element of the call
  (``def loss(label, out_l, out_r): return contrastive_loss(out_l, out_r, label)[0]``) - the
  whole helper runs, as in TF1;
* per label-free element, a call of a SLICED copy of the helper placed right after it
  (``def contrastive_loss_d(left, right): <the statements d needs>; return d``) with the
  arguments of the parameters that element reads: the label is not needed to build the model
  tensor (an element that is a parameter itself is that argument).

Only for helpers ``Flow.tuple_function`` accepts (a flat body of assignments ending in its only
``return`` of the tuple) that create no variables (a slice must not build layers twice).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .flow import Flow, load_names


@dataclass
class Slice:
    fn: cst.FunctionDef
    index: int                        # the returned element
    name: str                         # the sliced function's name
    params: list[str]                 # the helper's parameters it reads, in order
    statements: list[int] = field(default_factory=list)  # indexes in the helper's body
    method: bool = False              # a method's slice: a ``@staticmethod`` of its class


@dataclass
class TupleSplit:
    stmt: cst.SimpleStatementLine
    call: cst.Call
    fn: cst.FunctionDef
    names: list[str]
    label_dependent: list[bool]
    bound: dict[str, cst.BaseExpression]
    slices: dict[int, Slice | str]     # label-free element -> its slice, or the parameter it returns
    skip: int = 0                      # 1: a method call ``obj.m(...)`` (its ``self`` bound implicitly)


class TupleCalls:
    """``ctx.analysis(TupleCalls)``: the tuple statements TFM140 splits, and the slices to emit."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.flow: Flow = ctx.analysis(Flow)
        self._splits: dict[int, TupleSplit | None] = {}
        self._slices: dict[tuple[int, int], Slice] = {}
        self._taken: set[str] | None = None

    # -- the statement ---------------------------------------------------------------------------
    def split(self, prog, stmt) -> TupleSplit | None:
        """The split of ``stmt`` (an ORIGINAL statement of ``prog``'s scope), or None."""
        if id(stmt) not in self._splits:
            self._splits[id(stmt)] = None
            try:
                self._splits[id(stmt)] = self._split(prog, stmt)
            except _Decline:
                pass
        return self._splits[id(stmt)]

    def _split(self, prog, stmt) -> TupleSplit | None:
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
                and isinstance(stmt.body[0], cst.Assign) and len(stmt.body[0].targets) == 1):
            return None
        t, call = stmt.body[0].targets[0].target, stmt.body[0].value
        if not isinstance(t, (cst.Tuple, cst.List)) or not all(
                isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in t.elements):
            return None
        if prog.scope.index_of.get(id(stmt)) is None:
            return None
        names = [e.value.value for e in t.elements]
        parts = self.flow.tuple_parts(call, len(names), prog.scope)
        if parts is None or len(set(names)) != len(names):
            return None
        dep = [n in prog.tensors and n not in prog.placeholders and prog.label_dependent(n) for n in names]
        if not any(dep):
            return None
        if any(len(prog.scope.by_name.get(n, ())) != 1 for n in names):
            raise _Decline()  # rebound: TFM140's rebinding groups are for single targets
        fn = self.flow.tuple_function(call, len(names), prog.scope)
        skip = self.flow.tuple_skip(call)
        from .tf1_program import TF1Program

        if fn.name.value in self.ctx.analysis(TF1Program).trainable_functions():
            raise _Decline()  # a slice would build the helper's layers a second time
        if fn.params.kwonly_params or fn.params.posonly_params:
            raise _Decline()
        bound = self.flow.call_bindings(fn, call, skip)
        ret = fn.body.body[-1].body[0].value
        slices: dict[int, Slice | str] = {}
        for i, (name, ld) in enumerate(zip(names, dep)):
            if ld:
                continue
            el = ret.elements[i].value
            params = [p.name.value for p in fn.params.params[skip:]]
            if skip and fn.params.params[0].name.value in parts[i][1]:
                raise _Decline()  # the element reads ``self``: its slice would need the instance
            if isinstance(el, cst.Name) and el.value in params and self._param_def(fn, el.value):
                if el.value not in bound:
                    raise _Decline()
                slices[i] = el.value
                continue
            slices[i] = self._slice(fn, i, parts[i][1], skip)
        return TupleSplit(stmt, call, fn, names, dep, bound, slices, skip)

    def _param_def(self, fn, name) -> bool:
        """``name`` is a parameter of ``fn`` never rebound in it."""
        defs = self.flow.scopes[id(fn)].by_name.get(name, ())
        return len(defs) == 1 and defs[0].index == -1

    def _slice(self, fn: cst.FunctionDef, index: int, reached: frozenset[str], skip: int = 0) -> Slice:
        key = (id(fn), index)
        if key in self._slices:
            return self._slices[key]
        fscope = self.flow.scopes[id(fn)]
        body = list(fn.body.body)
        ret = body[-1]
        el = ret.body[0].value.elements[index].value
        needed = sorted({d.index for d in fscope.reaching(load_names(el), fscope.index_of[id(ret)])
                         if d.index >= 0})
        for i in needed:
            if not isinstance(body[i], cst.SimpleStatementLine):
                raise _Decline()
        params = [p.name.value for p in fn.params.params[skip:] if p.name.value in reached]
        from ..translate.encoder import free_name

        if self._taken is None:
            self._taken = {d.name for s in self.flow.scopes.values() for d in s.defs} | set(self.flow.functions)
        base = el.value if isinstance(el, cst.Name) else f"part{index}"
        name = free_name(self._taken, f"{fn.name.value}_{base}")
        self._taken.add(name)
        s = Slice(fn, index, name, params, needed, method=bool(skip))
        self._slices[key] = s
        return s

    def slices_after(self, fn: cst.FunctionDef, translated) -> list[Slice]:
        """The slices of ``fn`` some split statement of a translated program calls
        (``translated(prog)``: whether TFM140 translates it)."""
        from .tf1_program import TF1Program

        if not hasattr(self, "_calls_of"):  # function name -> [(program, statement)], one walk
            self._calls_of: dict[str, list] = {}
            for prog in self.ctx.analysis(TF1Program).programs.values():
                for s in prog.scope.statements:
                    if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 \
                            and isinstance(s.body[0], cst.Assign) and isinstance(s.body[0].value, cst.Call) \
                            and isinstance(s.body[0].value.func, (cst.Name, cst.Attribute)) \
                            and isinstance(s.body[0].targets[0].target, (cst.Tuple, cst.List)):
                        f = s.body[0].value.func
                        key = f.value if isinstance(f, cst.Name) else f.attr.value
                        self._calls_of.setdefault(key, []).append((prog, s))
        out: dict[int, Slice] = {}
        for prog, s in self._calls_of.get(fn.name.value, ()):
            sp = self.split(prog, s)
            if sp is not None and sp.fn is fn and translated(prog):
                for sl in sp.slices.values():
                    if isinstance(sl, Slice):
                        out[sl.index] = sl
        return [out[i] for i in sorted(out)]

    # -- output ----------------------------------------------------------------------------------
    def slice_def(self, sl: Slice, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        """The sliced copy of the helper: its statements ``sl`` needs (translated: taken from
        ``updated`` when its body still lines up with the original's), returning the element."""
        obody, ubody = list(original.body.body), list(updated.body.body)
        src = ubody if len(ubody) == len(obody) else obody
        at = {i: i for i in range(len(obody))}
        if len(ubody) != len(obody):
            # TFM142 removed the helper's summary statements: the others line up without them
            summary = [i for i, b in enumerate(obody) if isinstance(b, cst.SimpleStatementLine)
                       and isinstance(b.body[0], cst.Expr) and self.flow._summary_call(b.body[0].value)]
            if summary and len(ubody) == len(obody) - len(summary):
                kept = [i for i in range(len(obody)) if i not in summary]
                at = {i: k for k, i in enumerate(kept)}
                src = ubody
        if any(i not in at for i in sl.statements):
            src, at = obody, {i: i for i in range(len(obody))}
        stmts = [src[at[i]].with_changes(leading_lines=[]) for i in sl.statements]
        ret_el = src[-1].body[0].value.elements[sl.index].value if isinstance(
            src[-1].body[0], cst.Return) and isinstance(src[-1].body[0].value, cst.Tuple) else \
            obody[-1].body[0].value.elements[sl.index].value
        stmts.append(cst.SimpleStatementLine([cst.Return(ret_el)]))
        params = [p.with_changes(comma=cst.MaybeSentinel.DEFAULT) for p in updated.params.params[int(sl.method):]
                  if p.name.value in sl.params]
        doc = cst.SimpleStatementLine([cst.Expr(cst.SimpleString(
            f'"""The {_ordinal(sl.index)} value {original.name.value} returns, computed alone: it reads '
            f'{", ".join(sl.params) or "none of its parameters"}."""'))])
        return cst.FunctionDef(
            name=cst.Name(sl.name), params=cst.Parameters(params=params),
            decorators=[cst.Decorator(cst.Name("staticmethod"))] if sl.method else [],
            body=cst.IndentedBlock([doc, *stmts]),
            leading_lines=[cst.EmptyLine(), cst.EmptyLine()] if original in self.ctx.module.body
            else [cst.EmptyLine(indent=not sl.method)])

    def slice_call(self, sp: TupleSplit, sl: Slice, updated_call: cst.Call) -> cst.Call:
        """``contrastive_loss_d(out_l, out_r)``: the updated call's arguments of the slice's parameters."""
        positional = [p.name.value for p in sp.fn.params.params[sp.skip:]]
        args_by_param: dict[str, tuple[bool, cst.Arg]] = {}
        for i, (o, u) in enumerate(zip(sp.call.args, updated_call.args)):
            p = positional[i] if o.keyword is None else o.keyword.value
            args_by_param[p] = (o.keyword is None, u)
        out = []
        keywords = False
        for p in sl.params:
            if p not in args_by_param:
                keywords = True  # its default: later ones by keyword
                continue
            pos, a = args_by_param[p]
            keywords = keywords or not pos
            eq = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
            out.append(cst.Arg(a.value, keyword=cst.Name(p), equal=eq) if keywords else cst.Arg(a.value))
        if sp.skip:  # ``obj.m_part(...)``: the static slice through the same instance
            return cst.Call(func=updated_call.func.with_changes(attr=cst.Name(sl.name)), args=out)
        return cst.Call(func=cst.Name(sl.name), args=out)

    def param_arg(self, sp: TupleSplit, param: str, updated_call: cst.Call) -> cst.BaseExpression:
        positional = [p.name.value for p in sp.fn.params.params[sp.skip:]]
        for i, (o, u) in enumerate(zip(sp.call.args, updated_call.args)):
            if (positional[i] if o.keyword is None else o.keyword.value) == param:
                return u.value
        raise KeyError(param)


class _Decline(Exception):
    pass


def _ordinal(i: int) -> str:
    return {0: "first", 1: "second", 2: "third", 3: "fourth"}.get(i, f"#{i + 1}")
