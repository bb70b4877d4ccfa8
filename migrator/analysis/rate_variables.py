"""Learning-rate variables of TF1 session programs (TFM140): the PTB tutorial's rate.

TF1 idiom (TensorFlow's PTB language-model tutorial, and the sentence-similarity repositories
copied from it)::

    lr = tf.Variable(0.0, trainable=False)
    optimizer = tf.train.GradientDescentOptimizer(lr)          # or AdamOptimizer(learning_rate=lr)
    train_op = optimizer.apply_gradients(...)                  # or minimize(...)
    new_lr = tf.placeholder(tf.float32, shape=[], name="new_learning_rate")
    lr_update = tf.assign(lr, new_lr)                          # or lr.assign(new_lr)
    ...
    sess.run(lr_update, feed_dict={new_lr: base * decay ** epoch})   # set at chosen points
    print(sess.run(lr))                                        # read

Semantics: the optimizer reads the variable's value at each step; the assign run sets it, so
every step after that run uses the value fed (until the next assign run). Keras: the
optimizer's ``learning_rate`` is a variable too - ``model.optimizer.learning_rate = v`` at the
assign run, ``model.optimizer.learning_rate`` read where the program fetched ``lr``.

Found only when every read of the variable is understood: the learning rate of the program's
optimizers (those whose current rate scales the current step alone, the per-run rate's set),
the assign op's variable, or a fetch of a run fetching nothing but the variable and its assign
ops; the assign's placeholder is read by the assign only and fed by those runs only; an assign
op is read only as a fetch of such a run, and a run running an assign op is a statement of its
own (its result unused) feeding the placeholder alone. Anything else: not a rate variable (the
program stays TF1 with the usual TODOs).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ..cstcache import walk_rl
from ..emit import literal
from .assigned_variables import AssignedVariables, number_literal
from .tf1_program import Program, Run, _arg

_VARIABLE = ("tensorflow.Variable", "tensorflow.compat.v1.Variable")
_ASSIGN = ("tensorflow.assign", "tensorflow.compat.v1.assign")
# the optimizers whose Keras translation steps with the current rate alone (TFM140's per-run rate)
RATE_OPTIMIZERS = frozenset({"GradientDescentOptimizer", "AdamOptimizer", "AdagradOptimizer",
                             "RMSPropOptimizer", "MomentumOptimizer"})


@dataclass(eq=False)
class RateVariable:
    name: str
    stmt: cst.SimpleStatementLine           # ``lr = tf.Variable(0.0, trainable=False)``
    start: cst.BaseExpression               # the initial number
    placeholder: str                        # ``new_lr``
    placeholder_stmt: cst.SimpleStatementLine
    assigns: dict[str, cst.SimpleStatementLine] = field(default_factory=dict)  # ``lr_update`` -> its statement
    set_runs: list[Run] = field(default_factory=list)    # runs of an assign op (statements of their own)
    read_runs: list[Run] = field(default_factory=list)   # runs fetching the variable only


class RateVariables(AssignedVariables):
    # -- queries -------------------------------------------------------------------------
    def run(self, prog: Program | None, r: Run) -> tuple[RateVariable, str] | None:
        """(variable, "set" | "read") for a run of the idiom."""
        for rv in self.of(prog):
            if any(x is r for x in rv.set_runs):
                return rv, "set"
            if any(x is r for x in rv.read_runs):
                return rv, "read"
        return None

    def fed_placeholders(self, prog: Program | None) -> set[str]:
        return {rv.placeholder for rv in self.of(prog)}

    # -- search --------------------------------------------------------------------------
    def _candidate(self, prog: Program, name: str, d) -> RateVariable | None:  # noqa: C901 - one check per read
        v = d.value
        if not isinstance(d.stmt, cst.SimpleStatementLine) \
                or len(d.stmt.body) != 1 or not isinstance(d.stmt.body[0], cst.Assign) \
                or len(d.stmt.body[0].targets) != 1 or not isinstance(d.stmt.body[0].targets[0].target, cst.Name):
            return None
        start = rate_variable_start(self.ctx, v)
        if start is None:
            return None
        optimizers, assigns, fetches = 0, {}, []
        placeholder = None
        for node in self._reads(prog, name):
            kind, got = rate_read(self.ctx, node, lambda e: e.value if isinstance(e, cst.Name) else None)
            if kind == "optimizer":
                optimizers += 1
                continue
            if kind == "assign":
                if got is None or (placeholder is not None and placeholder != got[0]):
                    return None
                placeholder = got[0]
                assigns[got[1]] = got[2]
                continue
            if kind == "bad":
                return None
            r = self._fetched_by(prog, node)
            if r is None:
                return None
            fetches.append(r)
        if optimizers == 0 or not assigns or placeholder not in prog.placeholders:
            return None
        p = prog.placeholders[placeholder]
        # the placeholder: read by the assigns only, fed by their runs only
        for node in self._reads(prog, placeholder):
            s = self.ctx.statement_of(node)
            if not any(s is st for st in assigns.values()):
                return None
        rv = RateVariable(name, d.stmt, start, placeholder, p.statement, assigns)
        names = {name, *assigns}
        for op in assigns:
            for node in self._reads(prog, op):
                r = self._fetched_by(prog, node)
                if r is None:
                    return None
        for r in prog.runs:
            fetched = set(r.fetch_names)
            if not fetched & names:
                if placeholder in r.feeds:
                    return None
                continue
            if not r.ok or r.method != "session" or r.train_op is not None or r.initializer \
                    or None in fetched or not fetched <= names or len(r.fetch_names) != len(fetched):
                return None
            if fetched & set(assigns):
                s = r.statement
                if set(r.feeds) != {placeholder} or r.feed_params is not None \
                        or not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1 \
                        or not isinstance(s.body[0], cst.Expr) or s.body[0].value is not r.call:
                    return None
                rv.set_runs.append(r)
            else:
                if r.feeds:
                    return None
                rv.read_runs.append(r)
        if not rv.set_runs or any(not any(x is r for x in rv.set_runs + rv.read_runs) for r in fetches):
            return None
        return rv



def rate_variable_start(ctx, v) -> cst.BaseExpression | None:
    """``tf.Variable(<number>, trainable=False[, name=, dtype=tf.float32])``: the number (the
    optimizer's starting rate), else None."""
    if not isinstance(v, cst.Call) or ctx.legacy_name(v) not in _VARIABLE:
        return None
    start = _arg(v, 0, "initial_value")
    if start is None or not number_literal(start):
        return None
    for a in v.args:
        if a.star:
            return None
        kw = a.keyword.value if a.keyword is not None else None
        if kw == "trainable":
            if literal(a.value, None) is not False:
                return None
        elif kw == "dtype":
            if ctx.legacy_name(a.value) not in ("tensorflow.float32",):
                return None
        elif kw not in (None, "initial_value", "name"):
            return None
    if not any(a.keyword is not None and a.keyword.value == "trainable" for a in v.args):
        return None  # a trainable variable is the loss' business (tf.trainable_variables())
    return start


def rate_read(ctx, node, key):
    """What a read ``node`` of a rate variable (``lr`` / ``self._lr``) is:
    ("optimizer", None) - the learning rate of a rate optimizer (RATE_OPTIMIZERS: first argument
    or ``learning_rate=``); ("assign", (placeholder key, op key, statement) or None) - the
    variable of ``op = tf.assign(<node>, p)`` / ``op = <node>.assign(p)``, the assign the whole
    value of a one-target statement (``key`` names a value / target: a name, ``self.<attr>``;
    None when the form is another); ("bad", None) - another assign form; (None, None) - anything
    else (the caller decides)."""
    parent = ctx.parent(node)
    if isinstance(parent, cst.Arg) and parent.value is node and not parent.star:
        c = ctx.parent(parent)
        q = ctx.legacy_name(c) if isinstance(c, cst.Call) else None
        first = c.args[0] is parent if isinstance(c, cst.Call) else False
        if q and q.startswith("tensorflow.train.") and q.rsplit(".", 1)[-1] in RATE_OPTIMIZERS and (
                (parent.keyword is None and first)
                or (parent.keyword is not None and parent.keyword.value == "learning_rate")):
            return "optimizer", None
        if q in _ASSIGN and (first or (parent.keyword is not None and parent.keyword.value == "ref")):
            return "assign", _assign_parts(ctx, c, _arg(c, 1, "value"), key)
    if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "assign":
        c = ctx.parent(parent)
        if not isinstance(c, cst.Call) or c.func is not parent or len(c.args) != 1 or c.args[0].star \
                or (c.args[0].keyword is not None and c.args[0].keyword.value != "value"):
            return "bad", None
        return "assign", _assign_parts(ctx, c, c.args[0].value, key)
    return None, None


def _assign_parts(ctx, c: cst.Call, value, key):
    """``op = <c>`` (c assigning ``value``): (key(value), key(op), the statement) when the
    assign is the whole value of a one-target statement and both keys name something."""
    a = ctx.parent(c)
    s = ctx.parent(a) if isinstance(a, cst.Assign) else None
    if not isinstance(a, cst.Assign) or a.value is not c or len(a.targets) != 1 \
            or not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1 or value is None:
        return None
    p, op = key(value), key(a.targets[0].target)
    if p is None or op is None:
        return None
    return p, op, s


# -- the class form (TF1Classes, TFM144): the PTB tutorial's PTBModel -------------------------------
@dataclass(eq=False)
class ClassRate:
    """``self.<attr> = tf.Variable(0.0, trainable=False)`` given to the class's optimizer,
    ``self.<placeholder> = tf.placeholder(..)``, ``self.<op> = tf.assign(self.<attr>, self.<placeholder>)``,
    read-only properties returning ``self.<attr>`` (``def lr(self): return self._lr``). The runs
    (``session.run(self._lr_update, feed_dict={self._new_lr: v})`` in ``assign_lr(self, session,
    v)``, ``session.run(m.lr)``) are the class program's (TF1Classes checks them)."""
    attr: str
    stmt: cst.SimpleStatementLine
    start: cst.BaseExpression
    placeholder: str
    placeholder_stmt: cst.SimpleStatementLine | None = None
    assigns: dict[str, cst.SimpleStatementLine] = field(default_factory=dict)
    props: set[str] = field(default_factory=set)
    # the reads of self.<attr> accounted for here (the optimizer's argument, the assigns, the
    # properties' returns): id(node)
    known_reads: set[int] = field(default_factory=set)
    optimizer_methods: set[str] = field(default_factory=set)


def class_rates(ctx, methods: dict, properties: dict[str, str], self_attr) -> list[ClassRate]:
    """The rate variables of a model class: ``methods`` (name -> FunctionDef, the class's and
    its bases'), ``properties`` (read-only ``prop -> attr``), ``self_attr(node)`` -> the
    attribute ``self.<attr>`` names (or None). Found when every read of ``self.<attr>`` in the
    methods is understood: an optimizer's learning rate, the variable of an assign op bound to an
    attribute (one placeholder attribute for all), the body of a property; bound once."""
    binds: dict[str, list] = {}
    for m in methods.values():
        for n in walk_rl(m.body):
            if isinstance(n, cst.AssignTarget) and self_attr(n.target) is not None:
                binds.setdefault(self_attr(n.target), []).append(n)
            elif isinstance(n, (cst.AugAssign, cst.AnnAssign)) and self_attr(n.target) is not None:
                binds.setdefault(self_attr(n.target), []).extend([n, n])
    out = []
    for m in methods.values():
        for n in walk_rl(m.body):
            if not (isinstance(n, cst.Assign) and len(n.targets) == 1 and self_attr(n.targets[0].target) is not None):
                continue
            attr = self_attr(n.targets[0].target)
            start = rate_variable_start(ctx, n.value)
            s = ctx.parent(n)
            if start is None or len(binds.get(attr, ())) != 1 or not isinstance(s, cst.SimpleStatementLine) \
                    or len(s.body) != 1:
                continue
            cr = _class_rate(ctx, methods, properties, self_attr, attr, s, start, binds)
            if cr is not None:
                out.append(cr)
    return out


def _class_rate(ctx, methods, properties, self_attr, attr, s, start, binds) -> ClassRate | None:
    props = {p for p, a in properties.items() if a == attr}
    cr = None
    placeholder = None
    assigns: dict[str, cst.SimpleStatementLine] = {}
    known: set[int] = set()
    opt_methods: set[str] = set()
    for mname, m in methods.items():
        for n in walk_rl(m.body):
            if self_attr(n) != attr or isinstance(ctx.parent(n), cst.AssignTarget):
                continue
            kind, got = rate_read(ctx, n, self_attr)
            if kind == "optimizer":
                opt_methods.add(mname)
            elif kind == "assign":
                if got is None or (placeholder is not None and placeholder != got[0]) \
                        or len(binds.get(got[1], ())) != 1:
                    return None
                placeholder = got[0]
                assigns[got[1]] = got[2]
            elif mname in props and isinstance(ctx.parent(n), cst.Return):
                pass  # ``@property def lr(self): return self._lr`` (a read where the property is read)
            else:
                return None
            known.add(id(n))
    if not opt_methods or not assigns or placeholder is None:
        return None
    cr = ClassRate(attr, s, start, placeholder, None, assigns, props, known, opt_methods)
    return cr
