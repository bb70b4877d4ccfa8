"""Pretrained embedding tables filled by an assign, in TF1 session programs (TFM140).

TF1 idiom (the text-CNN tutorials, most sentence-similarity repositories)::

    W = tf.Variable(tf.constant(0.0, shape=[V, D]), trainable=False, name="W")
    embedding_placeholder = tf.placeholder(tf.float32, [V, D])
    embedding_init = W.assign(embedding_placeholder)          # or tf.assign(W, embedding_placeholder)
    emb = tf.nn.embedding_lookup(W, ids)
    ...
    sess.run(embedding_init, feed_dict={embedding_placeholder: pretrained})   # once ("set runs")

and kwangh/Semantic-Textual-Similarity-Tensorflow's variant: the ASSIGN's result is the lookup's
``params`` (``tf.nn.embedding_lookup(params=embedding_init, ids=x)``) and every run feeds the
table - each run writes the fed table into ``W`` and looks the ids up in it.

Keras: a frozen ``keras.layers.Embedding(V, D, trainable=False)``; a set run ->
``W.embeddings.assign(<fed value>)`` at that point; the variant fed in every run -> the table's
initializer is the fed value (``Constant(value)``) when every run feeds the same name, bound once
before the table - the same frozen table in every run.

Found only when every read is understood: the variable is read by its assigns and by lookups;
the placeholder by the assigns only; an assign op by lookups (the every-run variant) or as the
only fetch of a run that is a statement of its own feeding the placeholder alone (the set-run
form) - not both; in the set-run form no other run feeds the placeholder; in the every-run form
every run computing from the table feeds it the same name. Anything else: not a table of this
kind (the program stays TF1 with the usual TODOs).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ..cstcache import walk_rl
from ..emit import code, literal
from .assigned_variables import AssignedVariables, number_literal
from .flow import Flow
from .tf1_program import Program, Run, _arg

_VARIABLE = ("tensorflow.Variable", "tensorflow.compat.v1.Variable")
_ASSIGN = ("tensorflow.assign", "tensorflow.compat.v1.assign")
_LOOKUP = ("tensorflow.nn.embedding_lookup", "tensorflow.compat.v1.nn.embedding_lookup")


@dataclass(eq=False)
class AssignedTable:
    name: str
    stmt: cst.SimpleStatementLine             # ``W = tf.Variable(...)``
    rows: cst.BaseExpression
    cols: cst.BaseExpression
    fill: cst.BaseExpression | None           # tf.constant's number (None: tf.zeros)
    placeholder: str
    placeholder_stmt: cst.SimpleStatementLine
    assigns: dict[str, cst.SimpleStatementLine] = field(default_factory=dict)
    lookups: list[cst.Call] = field(default_factory=list)   # original embedding_lookup calls
    set_runs: list[Run] = field(default_factory=list)
    every_run_value: cst.Name | None = None   # the every-run variant: the name every run feeds


class AssignedTables(AssignedVariables):
    def lookup(self, prog: Program | None, call: cst.Call) -> AssignedTable | None:
        for t in self.of(prog):
            if any(c is call for c in t.lookups):
                return t
        return None

    def run(self, prog: Program | None, r: Run) -> AssignedTable | None:
        for t in self.of(prog):
            if any(x is r for x in t.set_runs):
                return t
        return None

    # -- search --------------------------------------------------------------------------
    def _lookup_of(self, node: cst.Name) -> cst.Call | None:
        """``tf.nn.embedding_lookup(node, ids)`` / ``(params=node, ids=ids)``, nothing else given."""
        parent = self.ctx.parent(node)
        if not isinstance(parent, cst.Arg) or parent.value is not node or parent.star:
            return None
        c = self.ctx.parent(parent)
        if not isinstance(c, cst.Call) or self.ctx.legacy_name(c) not in _LOOKUP:
            return None
        if any(a.star or (a.keyword is not None and a.keyword.value not in ("params", "ids", "name"))
               for a in c.args) or len(c.args) > 3 or (len(c.args) == 3 and c.args[2].keyword is None):
            return None
        if _arg(c, 0, "params") is not node or _arg(c, 1, "ids") is None:
            return None
        return c

    def _assign_op(self, c: cst.Call) -> tuple[str, cst.SimpleStatementLine] | None:
        a = self.ctx.parent(c)
        s = self.ctx.parent(a) if isinstance(a, cst.Assign) else None
        if not isinstance(a, cst.Assign) or a.value is not c or len(a.targets) != 1 \
                or not isinstance(a.targets[0].target, cst.Name) or not isinstance(s, cst.SimpleStatementLine) \
                or len(s.body) != 1:
            return None
        return a.targets[0].target.value, s

    def _shape(self, v: cst.Call):
        """``tf.constant(<number>, shape=[V, D])`` / ``tf.zeros([V, D])`` (float32): (V, D, number)."""
        q = self.ctx.legacy_name(v) if isinstance(v, cst.Call) else None
        if q in ("tensorflow.constant", "tensorflow.zeros") and not any(a.star for a in v.args):
            if q == "tensorflow.constant":
                val, shape, dtype = _arg(v, 0, "value"), _arg(v, 2, "shape"), _arg(v, 1, "dtype")
                extra = {a.keyword.value for a in v.args if a.keyword is not None} - {"value", "shape", "dtype", "name"}
                if val is None or not number_literal(val) or extra:
                    return None
            else:
                val, shape, dtype = None, _arg(v, 0, "shape"), _arg(v, 1, "dtype")
                if {a.keyword.value for a in v.args if a.keyword is not None} - {"shape", "dtype", "name"}:
                    return None
            if dtype is not None and self.ctx.legacy_name(dtype) != "tensorflow.float32":
                return None
            if isinstance(shape, (cst.List, cst.Tuple)) and len(shape.elements) == 2 \
                    and not any(isinstance(e, cst.StarredElement) for e in shape.elements):
                return shape.elements[0].value, shape.elements[1].value, val
        return None

    def _candidate(self, prog: Program, name: str, d) -> AssignedTable | None:  # noqa: C901 - one check per read
        v = d.value
        if self.ctx.legacy_name(v) not in _VARIABLE or not isinstance(d.stmt, cst.SimpleStatementLine) \
                or len(d.stmt.body) != 1 or not isinstance(d.stmt.body[0], cst.Assign) \
                or len(d.stmt.body[0].targets) != 1 or not isinstance(d.stmt.body[0].targets[0].target, cst.Name):
            return None
        frozen = False
        for a in v.args:
            kw = a.keyword.value if a.keyword is not None else None
            if a.star or kw not in (None, "initial_value", "trainable", "name"):
                return None
            if kw == "trainable":
                if literal(a.value, None) is not False:
                    return None
                frozen = True
        if not frozen or len([a for a in v.args if a.keyword is None]) > 1:
            return None
        shape = self._shape(_arg(v, 0, "initial_value"))
        if shape is None:
            return None
        assigns: dict[str, cst.SimpleStatementLine] = {}
        lookups: list[cst.Call] = []
        placeholder = None
        for node in self._reads(prog, name):
            parent = self.ctx.parent(node)
            c = None
            if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "assign":
                c = self.ctx.parent(parent)
                if not isinstance(c, cst.Call) or c.func is not parent or len(c.args) != 1 or c.args[0].star \
                        or (c.args[0].keyword is not None and c.args[0].keyword.value != "value"):
                    return None
                value = c.args[0].value
            elif isinstance(parent, cst.Arg) and parent.value is node and isinstance(self.ctx.parent(parent), cst.Call) \
                    and self.ctx.legacy_name(self.ctx.parent(parent)) in _ASSIGN:
                c = self.ctx.parent(parent)
                if _arg(c, 0, "ref") is not node:
                    return None
                value = _arg(c, 1, "value")
            else:
                lk = self._lookup_of(node)
                if lk is None:
                    return None
                lookups.append(lk)
                continue
            op = self._assign_op(c)
            if op is None or not isinstance(value, cst.Name) or placeholder not in (None, value.value):
                return None
            placeholder = value.value
            assigns[op[0]] = op[1]
        if not assigns or placeholder not in prog.placeholders:
            return None
        p = prog.placeholders[placeholder]
        for node in self._reads(prog, placeholder):
            s = self.ctx.statement_of(node)
            if not any(s is st for st in assigns.values()):
                return None
        t = AssignedTable(name, d.stmt, shape[0], shape[1], shape[2], placeholder, p.statement, assigns)
        t.lookups = lookups
        fetched_ops = []
        for op in assigns:
            if len(prog.scope.by_name.get(op, ())) != 1:
                return None
            for node in self._reads(prog, op):
                lk = self._lookup_of(node)
                if lk is not None:
                    t.lookups.append(lk)
                    continue
                r = self._fetched_by(prog, node)
                if r is None:
                    return None
                fetched_ops.append(r)
        through_assign = any(_arg(c, 0, "params").value != name for c in t.lookups)
        if not t.lookups:
            return None
        ops = set(assigns)
        for r in prog.runs:
            fetched = set(r.fetch_names)
            if fetched & ops:
                s = r.statement
                if through_assign or not r.ok or r.method != "session" or r.train_op is not None \
                        or not fetched <= ops or set(r.feeds) != {placeholder} \
                        or r.feed_params is not None or not isinstance(s, cst.SimpleStatementLine) \
                        or len(s.body) != 1 or not isinstance(s.body[0], cst.Expr) or s.body[0].value is not r.call:
                    return None
                t.set_runs.append(r)
        if through_assign:
            return self._every_run(prog, t)
        if not t.set_runs or any(placeholder in r.feeds for r in prog.runs if all(r is not x for x in t.set_runs)):
            return None
        return t

    def _every_run(self, prog: Program, t: AssignedTable) -> AssignedTable | None:
        """Every run computing from the table feeds the placeholder one name, bound once (in the
        table's scope before it, or at module level) and never assigned into."""
        values = set()
        for r in prog.runs:
            if r.initializer:
                continue
            if t.placeholder not in r.feeds:
                # (a run of no tensor computed from the table: another idiom's, e.g. a rate's assign)
                if r.train_op is not None or any(n is None or t.placeholder in prog.placeholders_of(n)
                                                 for n in r.fetch_names):
                    return None
                continue
            values.add(code(r.feeds[t.placeholder]).strip())
        if len(values) != 1:
            return None
        value = cst.parse_expression(next(iter(values)))
        if not isinstance(value, cst.Name):
            return None
        flow = self.ctx.analysis(Flow)
        module = flow.scopes[id(self.ctx.module)]
        scope = prog.scope if value.value in prog.scope.by_name else module
        defs = scope.by_name.get(value.value, ())
        if len(defs) != 1 or defs[0].index < 0:
            return None
        if scope is prog.scope and defs[0].index >= prog.scope.index_of.get(id(t.stmt), -1):
            return None
        for node in walk_rl(self.ctx.module):  # ``value[...] = ..`` / ``value += ..``: changed in place
            if isinstance(node, (cst.AugAssign,)) and isinstance(node.target, cst.Name) and node.target.value == value.value:
                return None
            if isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Subscript) \
                    and isinstance(node.target.value, cst.Name) and node.target.value.value == value.value:
                return None
        t.every_run_value = value
        return t
