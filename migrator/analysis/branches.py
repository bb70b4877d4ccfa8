"""Siamese branches written OUT twice, statement by statement, each with its own variables.

``ctx.analysis(WrittenBranches)`` finds, in one body (the module's or a function's, ``with``
blocks flattened), two chains of tensor statements such as Jerry1014/ObjectTracking's::

    x1 = tf.placeholder(tf.float32, [None, 8, 8, 1])
    x2 = tf.placeholder(tf.float32, [None, 8, 8, 1])
    p1 = {'w': new_weights([3, 3, 1, 16]), 'b': new_biases([16])}
    p2 = {'w': new_weights([3, 3, 1, 16]), 'b': new_biases([16])}
    h1 = tf.nn.relu(conv2d(x1, p1['w']) + p1['b'])
    h2 = tf.nn.relu(conv2d(x2, p2['w']) + p2['b'])
    ...
    score = tf.reduce_sum(e1 * e2, 1)

TF1 gives each chain its own ``tf.Variable`` s: two towers that share nothing. The match is
strict, to stay clear of false positives:

* two placeholders bound once, made by the same call (dtype and shape; ``name=`` aside);
* each chain is the tensors that read (transitively) ONE of the two inputs and none of the
  other placeholders, up to its end, the tensor that meets the other chain's end in ONE
  statement (the distance / loss / concatenation ...);
* the chains have the same length and, statement by statement, the same expression once the
  input, the chain's own tensors and its variables are written as placeholders (``name=``
  strings aside), the variables made by the same call (the same shape);
* each chain reads at least one variable; no variable is read by both chains.

A variable is a name or a ``dict['key']`` entry bound once to ``tf.Variable(...)`` or to a
module function that returns ``tf.Variable(...)``. Towers made by calling one builder twice are
not written out (their statements read no variable) and stay :class:`Towers`' business.
Pure function of the source: never reads the options or the enabled rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from ..cstcache import walk
from ..emit import code as _code
from .siamese import qnames

VARIABLE_CALLS = ("tensorflow.Variable",)
PLACEHOLDER_CALLS = ("tensorflow.placeholder",)


@dataclass
class BranchPair:
    inputs: tuple[str, str]        # the two placeholders, in order
    ends: tuple[str, str]          # the two chains' last tensors
    length: int                    # statements per chain
    variables: int                 # variables read per chain
    first: cst.CSTNode             # the first chain's first statement (where it is reported)
    meet: cst.CSTNode              # the statement where the ends meet


def _flat(text: str) -> str:
    """Code without its layout (line breaks, continuations, indentation)."""
    return re.sub(r"[\s\\]+", "", text)


def _args_key(call: cst.Call) -> str:
    return ", ".join(_flat(_code(a.value)) + ("=" + a.keyword.value if a.keyword else "")
                     for a in call.args if not (a.keyword is not None and a.keyword.value == "name"))


class _Normal(cst.CSTTransformer):
    """An expression with the chain's input / tensors / variables as placeholders."""

    def __init__(self, names: dict[str, str], refs: dict[str, str]) -> None:
        self.names = names
        self.refs = refs

    def leave_Name(self, original, updated):
        v = updated.value
        return updated.with_changes(value=self.names.get(v, self.refs.get(v, v)))

    def leave_Subscript(self, original, updated):
        key = _code(original).strip()
        return cst.Name(self.refs[key]) if key in self.refs else updated

    def leave_Arg(self, original, updated):
        if updated.keyword is not None and updated.keyword.value == "name":
            return updated.with_changes(value=cst.SimpleString("''"))
        return updated


class WrittenBranches:
    """Pairs of written-out, unshared Siamese branches (see the module docstring)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.pairs: list[BranchPair] = []
        module = ctx.module
        self.helpers = self._variable_helpers(module)
        bodies = [module.body] + [n.body.body for n in walk(module)
                                  if isinstance(n, cst.FunctionDef) and isinstance(n.body, cst.IndentedBlock)]
        for body in bodies:
            self._scan(body)

    # -- what makes a variable ---------------------------------------------------------------
    def _variable_helpers(self, module: cst.Module) -> set[str]:
        """Module functions whose one return is ``tf.Variable(...)`` (``new_weights(shape)``)."""
        out = set()
        for s in module.body:
            if not isinstance(s, cst.FunctionDef) or not isinstance(s.body, cst.IndentedBlock):
                continue
            rets = [n for n in walk(s) if isinstance(n, cst.Return)]
            last = s.body.body[-1] if s.body.body else None
            if len(rets) != 1 or not isinstance(last, cst.SimpleStatementLine) or last.body[0] is not rets[0]:
                continue
            v = rets[0].value
            if isinstance(v, cst.Call) and qnames(self.ctx, v) & set(VARIABLE_CALLS):
                out.add(s.name.value)
        return out

    def _variable_key(self, v: cst.BaseExpression) -> str | None:
        """The shape key of a variable-making call, else None."""
        if not isinstance(v, cst.Call):
            return None
        if isinstance(v.func, cst.Name) and v.func.value in self.helpers:
            return v.func.value + "(" + _args_key(v) + ")"
        if qnames(self.ctx, v) & set(VARIABLE_CALLS):
            return "Variable(" + _args_key(v) + ")"
        return None

    # -- one body ----------------------------------------------------------------------------
    def _scan(self, body) -> None:  # noqa: C901
        assigns: list[tuple[str, cst.BaseExpression, cst.CSTNode]] = []
        counts: dict[str, int] = {}

        def flat(stmts) -> None:
            for s in stmts:
                if isinstance(s, cst.With) and isinstance(s.body, cst.IndentedBlock):
                    flat(s.body.body)
                elif isinstance(s, cst.SimpleStatementLine):
                    for small in s.body:
                        if isinstance(small, cst.Assign) and len(small.targets) == 1 \
                                and isinstance(small.targets[0].target, cst.Name):
                            assigns.append((small.targets[0].target.value, small.value, s))
                        elif isinstance(small, cst.Return) and small.value is not None:
                            # a builder's result: where the branches may meet (``return a - b``)
                            assigns.append((f"<return {len(assigns)}>", small.value, s))

        flat(body)
        for s in body:
            if isinstance(s, (cst.FunctionDef, cst.ClassDef)):
                continue
            for n in walk(s):
                if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
                    t = n.target
                    for m in walk(t):
                        if isinstance(m, cst.Name):
                            counts[m.value] = counts.get(m.value, 0) + 1
                elif isinstance(n, cst.WithItem) and n.asname is not None:
                    for m in walk(n.asname.name):
                        if isinstance(m, cst.Name):
                            counts[m.value] = counts.get(m.value, 0) + 1
        once = [(t, v, s) for t, v, s in assigns if counts.get(t) == 1 or t.startswith("<")]
        variables: dict[str, str] = {}       # 'w' / "p['w']" -> shape key
        inputs: dict[str, str] = {}          # placeholder -> its call's key
        tensors: list[tuple[str, cst.BaseExpression, cst.CSTNode]] = []
        for t, v, s in once:
            key = self._variable_key(v)
            if key is not None:
                variables[t] = key
            elif isinstance(v, cst.Dict) and v.elements and all(
                    isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) for e in v.elements):
                for e in v.elements:
                    k = self._variable_key(e.value)
                    if k is not None:
                        variables[f"{t}[{e.key.value}]"] = k
            elif isinstance(v, cst.Call) and qnames(self.ctx, v) & set(PLACEHOLDER_CALLS):
                inputs[t] = _args_key(v)
            else:
                tensors.append((t, v, s))
        if len(inputs) < 2 or not variables:
            return
        reads: dict[str, set[str]] = {}
        refs: dict[str, list[str]] = {}
        deps: dict[str, set[str]] = {}
        for t, v, _ in tensors:
            names = {n.value for n in walk(v) if isinstance(n, cst.Name)}
            reads[t] = names
            refs[t] = [r for r in (_code(n).strip() for n in walk(v) if isinstance(n, (cst.Name, cst.Subscript)))
                       if r in variables]
            d = {n for n in names if n in inputs}
            for n in names:
                d |= deps.get(n, set())
            deps[t] = d
        order = {t: i for i, (t, _, _) in enumerate(tensors)}
        stmt_of = {t: s for t, _, s in tensors}
        value_of = {t: v for t, v, _ in tensors}
        names_in = list(inputs)
        for i, a in enumerate(names_in):
            for b in names_in[i + 1:]:
                if inputs[a] != inputs[b]:
                    continue
                pair = self._pair(a, b, tensors, reads, refs, deps, order, stmt_of, value_of, variables)
                if pair is not None:
                    self.pairs.append(pair)

    def _pair(self, a, b, tensors, reads, refs, deps, order, stmt_of, value_of, variables):  # noqa: C901
        side_a = {t for t, _, _ in tensors if deps[t] == {a}}
        side_b = {t for t, _, _ in tensors if deps[t] == {b}}
        meets = []
        for t, _, s in tensors:
            ra, rb = (reads[t] & (side_a | {a})), (reads[t] & (side_b | {b}))
            if deps[t] >= {a, b} and ra and rb:
                meets.append((t, ra, rb, s))
        if not meets:
            return None
        t, ra, rb, meet = meets[0]
        if len(ra) != 1 or len(rb) != 1:
            return None
        end_a, end_b = next(iter(ra)), next(iter(rb))

        def chain(end: str, side: set[str]) -> list[str]:
            out, todo = set(), [end]
            while todo:
                n = todo.pop()
                if n in side and n not in out:
                    out.add(n)
                    todo.extend(reads[n])
            return sorted(out, key=order.get)

        ca, cb = chain(end_a, side_a), chain(end_b, side_b)
        if not ca or len(ca) != len(cb):
            return None
        va = [r for x in ca for r in refs[x]]
        vb = [r for x in cb for r in refs[x]]
        if not va or len(va) != len(vb) or set(va) & set(vb):
            return None
        ia = {r: f"__v{k}" for k, r in enumerate(dict.fromkeys(va))}
        ib = {r: f"__v{k}" for k, r in enumerate(dict.fromkeys(vb))}
        na = {a: "__in", **{x: f"__t{k}" for k, x in enumerate(ca)}}
        nb = {b: "__in", **{x: f"__t{k}" for k, x in enumerate(cb)}}
        for xa, xb in zip(ca, cb):
            sa = _flat(_code(value_of[xa].visit(_Normal(na, ia))))
            sb = _flat(_code(value_of[xb].visit(_Normal(nb, ib))))
            if sa != sb:
                return None
            # a name a chain reads that is neither its own nor a helper is a tensor of another side
            if (reads[xa] & (side_b | {b})) or (reads[xb] & (side_a | {a})):
                return None
        # the variables' shapes must match, variable by variable, in the order they are read
        if [variables[r] for r in va] != [variables[r] for r in vb]:
            return None
        return BranchPair((a, b), (end_a, end_b), len(ca), len(dict.fromkeys(va)),
                          stmt_of[ca[0]], meet)
