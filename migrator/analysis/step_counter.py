"""Step counters of TF1 session programs (TFM140): a non-trainable variable counting training
steps, and the learning rates computed from it.

TF1 idioms (STONEKONG/siamese-tensorflow, and the usual warm-up / decay code)::

    global_step = tf.Variable(1.0, dtype=tf.float64, trainable=False)   # or tf.Variable(0, trainable=False),
    lr = tf.cond(global_step < warmup, lambda: ..., lambda: ...)        #    get_or_create_global_step()
    global_step = tf.assign_add(global_step, 1.0)                       # an increment op (alias)
    train_op = tf.train.AdamOptimizer(lr).minimize(loss, global_step=global_step)
    ... sess.run([train_op, loss, global_step], feed)

Semantics (checked in the legacy runtime): ``minimize(global_step=v)`` adds 1 after the update
(control dependency on it); an ``assign_add`` alias evaluated in a training run (as the
``global_step=`` of the train op - which then increments the alias' variable once more - or
fetched) adds its amount. So in the n-th training run (n updates before it) the variable holds
``start + per_run * n`` when the learning rate reads it (TF1 does not order the read against an
``assign_add`` alias; every run but the first read the value before the increments, and the
first run did so in most executions), and a fetch of the variable or an alias returns
``start + per_run * (n + 1)``.

Keras: the optimizer's ``iterations`` counts applied updates (n), so the step-dependent tensors
become functions of it (a ``StepSchedule`` the optimizer calls with ``iterations``) and a
fetched step becomes ``start + per_run * iterations`` read after ``train_on_batch``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .flow import Flow
from ..cstcache import walk
from ..emit import code, literal
from .tf1_program import Program, TF1Program, _arg

_LISTS_VARIABLES = frozenset({"trainable_variables", "global_variables", "all_variables", "model_variables",
                              "local_variables", "get_collection", "compute_gradients", "gradients", "var_list",
                              "GraphKeys"})
_CREATORS = {"tensorflow.train.get_or_create_global_step": "int64",
             "tensorflow.train.create_global_step": "int64"}
_DTYPES = {"float64": "float64", "double": "float64", "float32": "float32", "float": "float32",
           "int32": "int32", "int64": "int64"}


@dataclass(eq=False)
class StepCounter:
    name: str
    stmt: cst.SimpleStatementLine          # the variable's creation
    start: int | float
    dtype: str
    per_run: int | float = 0
    aliases: dict[int, cst.SimpleStatementLine] = field(default_factory=dict)   # id(def) -> assign_add stmt
    defs: set[int] = field(default_factory=set)  # ids of the Defs (variable + aliases) whose reads are the step
    schedule: list[str] = field(default_factory=list)    # step-dependent names, in source order
    schedule_stmts: dict[int, str] = field(default_factory=dict)  # id(stmt) -> name
    fetched: list = field(default_factory=list)           # (Run, element index)
    why: str = ""
    counts: bool = False    # incremented (minimize(global_step=) / assign_add): otherwise not a step counter
    saves: list = field(default_factory=list)             # Saver.save(..., global_step=<it>) calls
    evals: list = field(default_factory=list)             # ``lr.eval()`` of a learning rate computed from it
    # ``step.eval()`` / ``step.eval(session=sess)`` / ``tf.train.global_step(sess, step)``: the counter's
    # value after the updates so far, read outside a run
    counter_evals: list = field(default_factory=list)
    # fetched by an evaluation run (no train op): (Run, element index, None for the counter / the name of
    # an exponential_decay of it)
    eval_fetched: list = field(default_factory=list)
    # a learning rate computed from it fetched by a TRAINING run (``_, l, cur = sess.run([train, loss,
    # lr])``): (Run, element index, rate name); TF1 read the rate before the run's increment
    rate_fetched: list = field(default_factory=list)

    def value(self, iterations: str) -> str:
        """Source of the counter's value after ``iterations`` updates."""
        s = f"keras.ops.cast({iterations}, {self.dtype!r})"
        if self.per_run != 1:
            s = f"{self.per_run!r} * {s}"
        if self.start != 0:
            s = f"{self.start!r} + {s}"
        return s


def _number(node) -> int | float | None:
    v = literal(node, None) if node is not None else None
    return v if type(v) in (int, float) else None


class StepCounters:
    """``ctx.analysis(StepCounters)``: per program, its step counters (``of(prog)``)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.tp: TF1Program = ctx.analysis(TF1Program)
        self.flow: Flow = ctx.analysis(Flow)
        self.by_prog: dict[int, list[StepCounter]] = {}
        for prog in self.tp.programs.values():
            self.by_prog[id(prog)] = [c for c in self._find(prog)]

    def of(self, prog: Program | None) -> list[StepCounter]:
        return self.by_prog.get(id(prog), []) if prog is not None else []

    def counter_of_stmt(self, prog: Program, stmt) -> tuple[StepCounter, str] | None:
        """(counter, "variable" | "alias" | "schedule") for a statement the translation rewrites."""
        for c in self.of(prog):
            if c.stmt is stmt:
                return c, "variable"  # (also when it stays: TFM140 says why)
            if c.why:
                continue
            if any(a is stmt for a in c.aliases.values()):
                return c, "alias"
            if id(stmt) in c.schedule_stmts:
                return c, "schedule"
        return None

    def saved(self, prog: Program, call: cst.Call) -> StepCounter | None:
        """The (translatable) counter a ``saver.save(..., global_step=<it>)`` call names."""
        for c in self.of(prog):
            if not c.why and any(x is call for x in c.saves):
                return c
        return None

    def evaluated(self, prog: Program, call: cst.Call) -> StepCounter | None:
        """The (translatable) counter whose learning rate ``call`` (``lr.eval()``) evaluates."""
        for c in self.of(prog):
            if not c.why and any(x is call for x in c.evals):
                return c
        return None

    def counter_evaluated(self, prog: Program, call: cst.Call) -> StepCounter | None:
        """The (translatable) counter ``call`` (``step.eval()``, ``tf.train.global_step(sess, step)``)
        reads."""
        for c in self.of(prog):
            if not c.why and any(x is call for x in c.counter_evals):
                return c
        return None

    def _counter_read(self, n: cst.Name) -> cst.Call | None:
        """``n.eval()`` / ``n.eval(session=s)`` (a variable reads no placeholder: a feed changes
        nothing) or ``tf.train.global_step(s, n)``: the call reading the counter's value, else None."""
        p = self.ctx.parent(n)
        if isinstance(p, cst.Attribute) and p.value is n and p.attr.value == "eval":
            call = self.ctx.parent(p)
            if isinstance(call, cst.Call) and call.func is p and all(
                    a.keyword is not None and a.keyword.value in ("session", "feed_dict") and not a.star
                    for a in call.args):
                return call
            return None
        if isinstance(p, cst.Arg) and p.keyword is None and not p.star:
            call = self.ctx.parent(p)
            if isinstance(call, cst.Call) and self.tp.qname(call) in (
                    "tensorflow.train.global_step", "tensorflow.compat.v1.train.global_step") \
                    and len(call.args) == 2 and call.args[1] is p and call.args[0].keyword is None:
                return call
        return None

    def _eval_read(self, n: cst.Name) -> cst.Call | None:
        """``n.eval()`` (no feed: a learning rate reads no placeholder): the call, else None."""
        p = self.ctx.parent(n)
        call = self.ctx.parent(p) if isinstance(p, cst.Attribute) and p.value is n and p.attr.value == "eval" else None
        if isinstance(call, cst.Call) and call.func is p and not call.args:
            return call
        return None

    def _decay_reads(self, prog: Program, c: StepCounter, call: cst.Call) -> None:
        """The name an ``exponential_decay`` of the counter is bound to: its ``.eval()`` reads (the
        rate at the current step) are recorded; TFM133 makes it a Keras schedule of the same steps."""
        a = self.ctx.parent(call)
        if not (isinstance(a, cst.Assign) and a.value is call and len(a.targets) == 1
                and isinstance(a.targets[0].target, cst.Name)):
            return
        name = a.targets[0].target.value
        st = self.ctx.statement_of(call)
        d = next((x for x in prog.scope.by_name.get(name, ()) if x.stmt is st), None)
        if d is None:
            return
        for n in self._reads(prog.scope, name, d):
            e = self._eval_read(n)
            if e is not None:
                c.evals.append(e)
                continue
            # ``sess.run([step, lr])``: the rate at the current step, fetched by an evaluation run
            run = self._run_fetching(prog, n)
            if run is not None and run[0].train_op is None and not run[0].initializer:
                c.eval_fetched.append((run[0], run[1], name))
            elif run is not None and not run[0].initializer:
                c.rate_fetched.append((run[0], run[1], name))  # by a training run: the rate its update used

    def eval_fetch(self, prog: Program, run, i: int) -> tuple[StepCounter, str | None] | None:
        """(counter, None) when element ``i`` of evaluation run ``run`` fetches the (translatable) counter,
        (counter, rate name) when it fetches an exponential_decay of it, else None."""
        return self._fetched(prog, "eval_fetched", run, i)

    def rate_fetch(self, prog: Program, run, i: int) -> tuple[StepCounter, str] | None:
        """(counter, rate name) when element ``i`` of training run ``run`` fetches a learning rate
        computed from the (translatable) counter, else None."""
        return self._fetched(prog, "rate_fetched", run, i)

    def _fetched(self, prog: Program, kind: str, run, i: int):
        for c in self.of(prog):
            if c.why:
                continue
            for r, j, name in getattr(c, kind):
                if r is run and j == i:
                    return c, name
        return None

    def fetch(self, prog: Program, run, i: int) -> StepCounter | None:
        """The (translatable) counter element ``i`` of ``run``'s fetches reads, if any."""
        for c in self.of(prog):
            if not c.why and any(r is run and j == i for r, j in c.fetched):
                return c
        return None

    # -- analysis -------------------------------------------------------------------------
    def _reads(self, scope, name: str, d) -> list[cst.Name]:
        out = []
        for node in walk(scope.node):
            if not (isinstance(node, cst.Name) and node.value == name):
                continue
            if self.flow.scope_of(node) is not scope:
                if self._global_read(scope, node, d):
                    out.append(node)  # ``def main(): ... sess.run([.., step], ..)``: the module's variable
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.Attribute) and parent.attr is node) \
                    or (isinstance(parent, cst.Arg) and parent.keyword is node) \
                    or isinstance(parent, (cst.Param, cst.FunctionDef)):
                continue
            if self.flow.def_of(name, node) is d:
                out.append(node)
        return out

    def _global_read(self, scope, node: cst.Name, d) -> bool:
        """``node`` reads the module variable ``d`` (bound once at module level) as a global, in a
        module function (no decorator) that binds no such name."""
        inner = self.flow.scope_of(node)
        fn = inner.node
        return scope.node is self.ctx.module and isinstance(fn, cst.FunctionDef) and not fn.decorators \
            and self.ctx.parent(fn) is self.ctx.module and not inner.by_name.get(node.value) \
            and len(scope.by_name.get(node.value, ())) == 1 and scope.by_name[node.value][0] is d \
            and not isinstance(self.ctx.parent(node), (cst.AssignTarget, cst.Param)) \
            and not (isinstance(self.ctx.parent(node), cst.Attribute) and self.ctx.parent(node).attr is node) \
            and not (isinstance(self.ctx.parent(node), cst.Arg) and self.ctx.parent(node).keyword is node)

    def _scopes(self, prog: Program) -> list:
        """The program's scope, then each function scope building one of its train ops (TF1Program's
        own train ops: ``def main(): with tf.Session() as sess: step = tf.Variable(0, trainable=False);
        train_op = opt.minimize(loss, global_step=step)`` - the counter is that function's local)."""
        out = [prog.scope]
        for op in prog.train_ops:
            s = self.flow.scope_of(op.statement)
            if s is not None and all(s is not x for x in out) and isinstance(s.node, cst.FunctionDef):
                out.append(s)
        return out

    def _find(self, prog: Program):
        for scope in self._scopes(prog):
            yield from self._find_in(prog, scope)

    def _find_in(self, prog: Program, scope):
        for d in scope.defs:
            v = d.value
            if not (isinstance(v, cst.Call) and isinstance(d.stmt, cst.SimpleStatementLine) and len(d.stmt.body) == 1
                    and isinstance(d.stmt.body[0], cst.Assign) and len(d.stmt.body[0].targets) == 1
                    and isinstance(d.stmt.body[0].targets[0].target, cst.Name)):
                continue
            q = self.tp.qname(v)
            if q == "tensorflow.Variable":
                tr = _arg(v, 1, "trainable")
                start = _number(_arg(v, 0, "initial_value"))
                if start is None or (tr is None and not self._trainable_counter_ok()) \
                        or (tr is not None and literal(tr, None) is not False):
                    continue
                dt = _arg(v, 99, "dtype")
                if dt is None:
                    dtype = "float32" if isinstance(start, float) else "int32"
                else:
                    dtype = _DTYPES.get((code(dt).rsplit(".", 1)[-1]).strip("'\""))
                    if dtype is None:
                        continue
                if any(a.keyword is not None and a.keyword.value not in ("initial_value", "trainable", "dtype", "name")
                       for a in v.args) or len([a for a in v.args if a.keyword is None]) > 2:
                    continue
            elif q == "tensorflow.get_variable":
                found = self._get_variable(v, d)
                if found is None:
                    continue
                start, dtype = found
            elif q in _CREATORS and not v.args:
                start, dtype = 0, _CREATORS[q]
            else:
                continue
            c = StepCounter(d.name, d.stmt, start, dtype)
            c.counts = self._incremented(scope, d.name)
            if not c.counts:
                continue  # a non-trainable variable that never counts anything: not ours
            self._classify(prog, c, d, scope)
            yield c

    def _get_variable(self, v: cst.Call, d) -> tuple[int | float, str] | None:
        """``tf.get_variable('global_step', [], initializer=tf.constant_initializer(0),
        trainable=False)`` (TF's cifar10 / DIGITS idiom): a scalar with a constant start.
        get_variable's dtype defaults to float32 (the start converted to it); zeros_initializer
        starts at 0. Only at the top of its scope (no ``with``: no variable scope that could
        reuse or rename it) and with nothing but these arguments."""
        if any(a.keyword is not None and a.keyword.value not in ("name", "shape", "initializer", "trainable", "dtype")
               for a in v.args) or len([a for a in v.args if a.keyword is None]) > 2:
            return None
        tr = _arg(v, 99, "trainable")
        shape = _arg(v, 1, "shape")
        init = _arg(v, 99, "initializer")
        if tr is None or literal(tr, None) is not False or shape is None or literal(shape, None) not in ([], ()):
            return None
        if not isinstance(init, cst.Call):
            return None
        qi = self.tp.qname(init)
        if qi == "tensorflow.constant_initializer" and len(init.args) == 1 \
                and (init.args[0].keyword is None or init.args[0].keyword.value == "value"):
            start = _number(init.args[0].value)
        elif qi == "tensorflow.zeros_initializer" and not init.args:
            start = 0
        else:
            return None
        if start is None:
            return None
        dt = _arg(v, 99, "dtype")
        dtype = "float32" if dt is None else _DTYPES.get((code(dt).rsplit(".", 1)[-1]).strip("'\""))
        if dtype is None:
            return None
        start = float(start) if dtype.startswith("float") else start
        if dtype.startswith("int") and isinstance(start, float):
            return None
        n = self.ctx.parent(d.stmt)
        while n is not None and not isinstance(n, (cst.FunctionDef, cst.Module)):
            if isinstance(n, cst.With):
                return None
            n = self.ctx.parent(n)
        return start, dtype

    def _trainable_counter_ok(self) -> bool:
        """A counter left trainable (``step = tf.Variable(0, dtype=tf.float32)``, redsphinx/uatu) is one
        when nothing lists the variables: ``minimize`` takes no gradient to it (the loss does not read
        it) and TF1's apply_gradients skips a variable without one, so only ``global_step=`` moves it.
        Declined where a variable list or collection is read (an l2 sum over ``tf.trainable_variables()``
        would reach it, ``var_list=`` / ``tf.gradients`` name variables): any name, attribute or keyword
        of the code so spelled (a docstring or comment naming them does not count; a plain name
        ``gradients`` is a variable of the program, ``tf.gradients`` counts)."""
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Attribute) and n.attr.value in _LISTS_VARIABLES:
                return False
            if isinstance(n, cst.Name) and n.value in _LISTS_VARIABLES and n.value != "gradients":
                return False
        return True

    def _classify(self, prog: Program, c: StepCounter, d, scope) -> None:  # noqa: C901 - one walk per kind of read
        ctx = self.ctx
        train_calls = {id(op.call): op for op in prog.train_ops}
        minimize_reads = 0
        alias_amounts: list[tuple[object, int | float]] = []
        dependents: list = []   # Defs of statements reading the variable (schedule roots)
        c.defs.add(id(d))
        pending = [(d, True)]
        while pending:
            cur, is_var = pending.pop()
            for n in self._reads(scope, cur.name, cur):
                parent = ctx.parent(n)
                if self._in_summary(n):
                    continue  # removed with the summaries (TFM142)
                # minimize(..., global_step=<it>)
                if isinstance(parent, cst.Arg) and parent.keyword is not None and parent.keyword.value == "global_step":
                    call = ctx.parent(parent)
                    if id(call) in train_calls:
                        minimize_reads += 1
                        continue
                    if self.tp.qname(call) == "tensorflow.train.exponential_decay" and is_var:
                        dependents.append(("decay", call))
                        continue
                    if is_var and isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) \
                            and call.func.attr.value == "save" and isinstance(call.func.value, cst.Name) \
                            and call.func.value.value in self.tp.saver_names:
                        c.saves.append(call)  # the checkpoint's name gets "-<step>" (TFM140's save)
                        continue
                    c.why = f"global_step= of a call that is not the train op: {code(call)[:40]}"
                    return
                if isinstance(parent, cst.Arg) and parent.keyword is None:
                    call = ctx.parent(parent)
                    q = self.tp.qname(call) if isinstance(call, cst.Call) else None
                    if q == "tensorflow.assign_add" and is_var and call.args[0] is parent and len(call.args) == 2:
                        amount = _number(call.args[1].value)
                        a = ctx.parent(call)
                        if amount is None or not (isinstance(a, cst.Assign) and a.value is call and len(a.targets) == 1
                                                  and isinstance(a.targets[0].target, cst.Name)):
                            c.why = "an assign_add of the step counter that is not `name = tf.assign_add(step, <number>)`"
                            return
                        st = ctx.statement_of(call)
                        ad = next((x for x in scope.by_name.get(a.targets[0].target.value, ()) if x.stmt is st), None)
                        if ad is None:
                            c.why = "assign_add of the step counter not understood"
                            return
                        c.aliases[id(ad)] = st
                        c.defs.add(id(ad))
                        alias_amounts.append((ad, amount))
                        pending.append((ad, False))
                        continue
                    if q == "tensorflow.train.exponential_decay" and is_var and list(call.args).index(parent) == 1:
                        dependents.append(("decay", call))
                        continue
                # fetched by a run (a list element or the whole fetch)
                run = self._run_fetching(prog, n)
                if run is not None and run[0].train_op is None and not run[0].initializer and is_var:
                    # an evaluation run: the value after the updates so far
                    c.eval_fetched.append((run[0], run[1], None))
                    continue
                if run is not None:
                    c.fetched.append(run)
                    continue
                e = self._counter_read(n) if is_var else None
                if e is not None:
                    c.counter_evals.append(e)  # its value after the updates so far, as an evaluation run's
                    continue
                if is_var and self.flow.scope_of(n) is scope:
                    st = ctx.statement_of(n)
                    dependents.append(("stmt", st))
                    continue
                c.why = f"the step counter is read in: {code(ctx.statement_of(n)).strip().splitlines()[0][:50]}"
                return
        # per-run increment: minimize(global_step=) adds 1; an alias evaluated by every training run adds its amount
        training = prog.training_runs()
        per_run: int | float = 1 if minimize_reads else 0
        for ad, amount in alias_amounts:
            via_op = any(isinstance(ctx.parent(n), cst.Arg) and id(ctx.parent(ctx.parent(n))) in train_calls
                         for n in self._reads(scope, ad.name, ad))
            fetched_by = {id(r) for r, _ in c.fetched if self._fetch_def(prog, r, _) is ad}
            if via_op or (training and all(id(r) in fetched_by for r in training)):
                per_run += amount
            elif fetched_by:
                c.why = "an assign_add of the step counter is run by some training runs only"
                return
        if minimize_reads and len(prog.train_ops) > 1 and not _alternative(prog):
            c.why = "several train ops increment the step counter"
            return
        c.per_run = per_run
        for r, _ in c.fetched:
            if r.train_op is None:
                c.why = "the step counter is fetched outside a training run"
                return
        # the schedule: statements computing from the variable (transitively), each `name = expr`
        decay = [x for k, x in dependents if k == "decay"]
        if decay and (c.start != 0 or c.per_run != 1):
            c.why = "exponential_decay of a step counter that does not count updates from 0"
            return
        for call in decay:
            self._decay_reads(prog, c, call)
        roots = [x for k, x in dependents if k == "stmt"]
        names: dict[str, object] = {}
        todo = list(roots)
        while todo:
            st = todo.pop()
            if id(st) in c.schedule_stmts:
                continue
            if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)
                    and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name)):
                c.why = f"the step counter is read in: {code(st).strip().splitlines()[0][:50]}"
                return
            name = st.body[0].targets[0].target.value
            if len(scope.by_name.get(name, ())) != 1 or self.flow.scope_of(st) is not scope:
                c.why = f"{name}, computed from the step counter, is assigned more than once"
                return
            c.schedule_stmts[id(st)] = name
            names[name] = st
            nd = scope.by_name[name][0]
            for n in self._reads(scope, name, nd):
                p = ctx.parent(n)
                call = ctx.parent(p) if isinstance(p, cst.Arg) else None
                q = (self.tp.qname(call) or "") if isinstance(call, cst.Call) else ""
                if self._in_summary(n):
                    continue  # removed with the summaries (TFM142)
                if q.startswith("tensorflow.train.") and q.endswith("Optimizer") and (
                        (p.keyword is None and call.args[0] is p) or (p.keyword is not None
                                                                       and p.keyword.value == "learning_rate")):
                    continue
                st2 = ctx.statement_of(n)
                run = self._run_fetching(prog, n)
                if run is not None and run[0].train_op is None and not run[0].initializer:
                    # ``sess.run([loss, learning_rate, pred])`` by an evaluation run (redsphinx/uatu):
                    # the rate at the current step, its StepSchedule called with the iterations
                    c.eval_fetched.append((run[0], run[1], name))
                    continue
                if run is not None and not run[0].initializer:
                    c.rate_fetched.append((run[0], run[1], name))  # by a training run: the rate its update used
                    continue
                if isinstance(st2, cst.SimpleStatementLine) and len(st2.body) == 1 and isinstance(st2.body[0], cst.Assign):
                    todo.append(st2)
                    continue
                e = self._eval_read(n)
                if e is not None:
                    c.evals.append(e)  # the rate at the current step (its StepSchedule called with iterations)
                    continue
                c.why = f"{name}, computed from the step counter, is read in: " \
                        f"{code(st2).strip().splitlines()[0][:50]}"
                return
        order = {id(x.stmt): x.index for x in scope.defs}
        c.schedule = sorted(names, key=lambda k: order.get(id(names[k]), 0))
        # the variable itself must be read by nothing else than the above (checked read by read)

    def _incremented(self, scope, name: str) -> bool:
        """``name`` is some call's ``global_step=`` or the first argument of ``tf.assign_add``."""
        for node in walk(scope.node):
            if not isinstance(node, cst.Call):
                continue
            for i, a in enumerate(node.args):
                if not (isinstance(a.value, cst.Name) and a.value.value == name):
                    continue
                if (a.keyword is not None and a.keyword.value == "global_step") or (
                        i == 0 and a.keyword is None and self.tp.qname(node) == "tensorflow.assign_add"):
                    return True
        return False

    def _in_summary(self, n: cst.CSTNode) -> bool:
        x = self.ctx.parent(n)
        while x is not None and not isinstance(x, (cst.BaseStatement, cst.BaseSmallStatement)):
            if isinstance(x, cst.Call) and (self.tp.qname(x) or "").startswith("tensorflow.summary."):
                return True
            x = self.ctx.parent(x)
        return False

    def _run_fetching(self, prog: Program, n: cst.Name):
        """(Run, index) when ``n`` is a fetched element (or the whole fetch) of a run of ``prog``."""
        p = self.ctx.parent(n)
        el = p if isinstance(p, cst.Element) else None
        holder = self.ctx.parent(el) if el is not None else p
        call = self.ctx.parent(holder) if isinstance(holder, (cst.List, cst.Tuple)) else holder
        if isinstance(call, cst.Arg):
            call = self.ctx.parent(call)
        if not isinstance(call, cst.Call):
            return None
        r = self.tp.run_of(call)
        if r is None or r.fetches is None:
            return None
        if r.fetch_is_list and el is not None and holder is r.fetches:
            return r, [e for e in r.fetches.elements].index(el)
        if not r.fetch_is_list and r.fetches is n:
            return r, 0
        return None

    def _fetch_def(self, prog: Program, r, i: int):
        e = r.fetches.elements[i].value if r.fetch_is_list else r.fetches
        return self.flow.def_of(e.value, e) if isinstance(e, cst.Name) else None


def _alternative(prog: Program) -> bool:
    from .fit_loops import alternative_train_ops

    return alternative_train_ops(prog)
