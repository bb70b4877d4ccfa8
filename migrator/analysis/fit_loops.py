"""Which TF1 training loops are PLAIN epoch/batch loops that ``model.fit`` runs exactly.

``ctx.analysis(FitLoops)`` looks at the original tree once. A program's training loop is plain
when ``model.fit(x, y, batch_size=B, epochs=E, shuffle=False)`` performs the same updates in
the same order (so the trained weights are the same), i.e. it is one of

* ``for e in range(E): for i in range(0, N, B): <step>`` - every batch ``X[i:i + B]`` in
  order, the last one partial, with ``N`` the length of a fed array (``len(X)``,
  ``X.shape[0]`` or a name bound once to one of those);
* ``for i in range(0, N, B): <step>`` - one such epoch;
* ``for e in range(E): <step>`` with the whole arrays fed every step - full batch
  (``batch_size=len(X)``);

where the loop body holds nothing but the training ``sess.run`` (fetching the train op, its
loss and summaries), assignments of batch slices ``bx = X[i:i + B]``, per-batch records of the
fetched loss (``losses.append(l)`` / ``losses.append(float(l))``) and summary writes
(``writer.add_summary(...)``, which become ``keras.callbacks.TensorBoard``). The loop variables,
the batch temporaries and the fetched values must not be read anywhere else. Loops that
permute (``order = np.random.permutation(n)``), sample (``next_batch``), print, evaluate or
stop early are not plain: TFM140 keeps them, with ``train_on_batch`` on the same batches.

A per-batch loss record needs the loss of each batch, which ``fit`` does not log (its logs
hold the running mean over the epoch): TFM140 then compiles the model with the ``BatchLoss``
metric (the loss function on the batch's labels and predictions, the value TF1's
``sess.run([train_op, loss])`` returned) and TFM143 records it from a ``LambdaCallback``. That
needs a single-output, single-label model; other models with such records stay loops.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .flow import Flow, load_names, target_names
from ..cstcache import walk
from ..emit import code, literal
from .tf1_program import Program, Run, TF1Program, _arg


class ProgramTodo(Exception):
    """A TF1 program construct the Keras translation cannot express."""


def model_info(prog: Program):
    """(inputs, outputs, loss name, labels) of the program's (single) train op."""
    if len(prog.train_ops) != 1 and not alternative_train_ops(prog):
        raise ProgramTodo("several train ops" if prog.train_ops else "no train op to build a model from")
    op = prog.train_ops[0]
    if op.loss is None or op.loss not in prog.tensors:
        raise ProgramTodo("the minimized loss is not a tensor of the program assigned to a name")
    if not prog.label_dependent(op.loss):
        # a loss with no label (a triplet loss over three towers, a reconstruction error): the
        # loss tensor itself is the model's output, trained as it is (LossModel); labels: none
        ins = [p for p in prog.placeholders if p in prog.placeholders_of(op.loss)
               and prog.placeholders[p].role == "input"]
        if not ins:
            raise ProgramTodo("the minimized loss reads no input placeholder")
        return ins, [op.loss], op.loss, []
    outs = prog.model_reads(op.loss)
    ins: list[str] = []
    for o in outs:
        for p in prog.placeholders_of(o):
            if prog.placeholders[p].role == "input" and p not in ins:
                ins.append(p)
    ins = [p for p in prog.placeholders if p in ins]
    if not outs or not ins:
        raise ProgramTodo("the loss reads no model output")
    labels = prog.labels_of(op.loss)
    return ins, outs, op.loss, labels


def alternative_train_ops(prog: Program) -> bool:
    """Several train ops that are ONE train op chosen by a flag: each in its own branch of the
    same ``if``/``elif``/``else`` chain, all bound to the same name and minimizing the same loss
    (``if args.optimizer == 'adam': op = tf.train.AdamOptimizer(lr).minimize(loss)`` /
    ``elif ...: op = tf.train.GradientDescentOptimizer(lr).minimize(loss)``): each branch then
    compiles the model with its optimizer."""
    ops = prog.train_ops
    if len(ops) < 2 or len({op.name for op in ops}) != 1 or ops[0].name is None \
            or len({op.loss for op in ops}) != 1 or ops[0].loss is None \
            or len({code(op.loss_index) if op.loss_index is not None else None for op in ops}) != 1:
        return False
    from ..cstcache import walk

    for node in walk(prog.scope.node):
        if not isinstance(node, cst.If):
            continue
        branches, b = [], node
        while b is not None:
            branches.append({id(st) for st in b.body.body})
            b = b.orelse if isinstance(b, cst.If) else None
            if isinstance(b, cst.Else):
                branches.append({id(st) for st in b.body.body})
                b = None
        where = [next((i for i, br in enumerate(branches) if id(op.statement) in br), None) for op in ops]
        if all(w is not None for w in where) and len(set(where)) == len(ops):
            return True
    return False


@dataclass(eq=False)
class FitLoop:
    prog: Program
    run: Run
    loop: cst.For                           # the statement model.fit replaces (outermost loop)
    epochs: cst.BaseExpression
    batch: cst.BaseExpression | None        # None: full batch
    arrays: dict[str, cst.BaseExpression]   # fed placeholder (input/label) -> whole array
    records: list[tuple[str, bool]] = field(default_factory=list)  # (list name, float(...))
    summaries: str | None = None            # "batch" when the loop writes summaries
    logdir: cst.BaseExpression | None = None


class _NotPlain(Exception):
    pass


def _range_args(it: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    if (isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value == "range"
            and all(a.keyword is None and not a.star for a in it.args)):
        return [a.value for a in it.args]
    return None


def _small(s: cst.CSTNode) -> cst.BaseSmallStatement | None:
    if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1:
        return s.body[0]
    return None


def _src(node: cst.CSTNode) -> str:
    return code(node).strip()


class FitLoops:
    """``ctx.analysis(FitLoops)``: the plain training loops of the file's TF1 programs."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.tp: TF1Program = ctx.analysis(TF1Program)
        self.flow: Flow = ctx.analysis(Flow)
        self.by_loop: dict[int, FitLoop] = {}
        self.by_prog: dict[int, FitLoop] = {}
        self.why: dict[int, str] = {}       # id(program) -> why its loop is not plain
        for prog in self.tp.programs.values():
            training = [r for r in prog.runs if r.train_op is not None]
            if len(training) != 1:
                continue
            try:
                plan = self._plan(prog, training[0])
            except (_NotPlain, ProgramTodo) as ex:
                self.why[id(prog)] = str(ex)
                continue
            self.by_loop[id(plan.loop)] = plan
            self.by_prog[id(prog)] = plan

    def of(self, prog: Program | None) -> FitLoop | None:
        return self.by_prog.get(id(prog)) if prog is not None else None

    # -- the analysis --------------------------------------------------------------------
    def _plan(self, prog: Program, r: Run) -> FitLoop:  # noqa: C901 - one pattern, checked in order
        ctx = self.ctx
        if not r.ok:
            raise _NotPlain(r.why)
        stmt = r.statement
        small = _small(stmt)
        if not isinstance(small, (cst.Expr, cst.Assign)) or small.value is not r.call:
            raise _NotPlain("the training sess.run is not a statement of its own")
        loop = ctx.parent(ctx.parent(stmt))
        if not isinstance(loop, cst.For) or loop.orelse is not None or not isinstance(loop.target, cst.Name):
            raise _NotPlain("the training step is not directly inside a for loop")
        args = _range_args(loop.iter)
        if args is None:
            raise _NotPlain("the loop does not iterate over range(...)")
        ins, outs, loss, labels = model_info(prog)
        if any(op.loss_index is not None for op in prog.train_ops):
            raise _NotPlain("the minimized loss is one element of a structure (an IndexedLossModel)")
        if not labels:
            raise _NotPlain("a label-free loss (LossModel): the loop keeps train_on_batch")
        loop_vars = [loop.target.value]
        if len(args) == 3 and literal(args[0], None) == 0:        # for i in range(0, N, B)
            inner, batch, n_expr = loop, args[2], args[1]
            outer = ctx.parent(ctx.parent(inner))
            if (isinstance(outer, cst.For) and outer.orelse is None and isinstance(outer.target, cst.Name)
                    and len(outer.body.body) == 1 and outer.body.body[0] is inner):
                oargs = _range_args(outer.iter)
                if oargs is None or len(oargs) != 1:
                    raise _NotPlain("the epoch loop does not iterate over range(E)")
                epochs, top = oargs[0], outer
                loop_vars.append(outer.target.value)
            else:
                epochs, top = cst.Integer("1"), inner
        elif len(args) == 1:                                          # for e in range(E): full batch
            inner, batch, n_expr, epochs, top = loop, None, None, args[0], loop
        else:
            raise _NotPlain("the loop's range is neither (0, N, B) nor (E)")
        i_name = inner.target.value
        # the loop body
        slices: dict[str, cst.BaseExpression] = {}
        records: list[tuple[str, bool]] = []
        summaries = None
        allowed: set[int] = set()          # statements whose reads of loop names are accounted for
        fetched = self._fetch_targets(r, small, loss)
        loss_target = fetched.get("loss")
        for s in inner.body.body:
            if s is stmt:
                continue
            sm = _small(s)
            if isinstance(sm, cst.Assign) and batch is not None and self._slice_assign(sm, i_name, batch, slices):
                allowed.add(id(s))
                continue
            rec = self._record(sm, loss_target)
            if rec is not None:
                records.append(rec)
                allowed.add(id(s))
                continue
            if self._summary_write(sm):
                summaries = "batch"
                allowed.add(id(s))
                continue
            raise _NotPlain(f"the loop also runs `{_src(s).splitlines()[0][:60]}`")
        # the fed arrays
        arrays: dict[str, cst.BaseExpression] = {}
        body_names = set(slices) | set(fetched.values())
        for p, v in r.feeds.items():
            role = prog.placeholders[p].role if p in prog.placeholders else None
            if role == "hyper":
                if load_names(v) & (set(loop_vars) | body_names):
                    raise _NotPlain(f"the value fed to {p} changes inside the loop")
                continue
            if role not in ("input", "label"):
                raise _NotPlain(f"sess.run feeds {p}, which is not an input or label placeholder")
            if batch is None:
                if load_names(v) & (set(loop_vars) | body_names):
                    raise _NotPlain(f"the value fed to {p} changes inside the loop")
                arrays[p] = v
            elif isinstance(v, cst.Name) and v.value in slices:
                arrays[p] = slices[v.value]
            else:
                a = self._sliced(v, i_name, batch)
                if a is None:
                    raise _NotPlain(f"{p} is not fed the batch X[{i_name}:{i_name} + B]")
                arrays[p] = a
        if any(p not in arrays for p in ins + labels):
            raise _NotPlain("the training step does not feed every input and label")
        if batch is not None and not self._length_of(n_expr, [arrays[p] for p in ins + labels], stmt):
            raise _NotPlain("the batch loop does not run over the length of a fed array")
        if records and (len(outs) != 1 or len(labels) != 1):
            raise _NotPlain("per-batch losses recorded for a model with several outputs or labels")
        # names that must not be read anywhere else
        private = set(loop_vars) | set(slices) | {n for n in fetched.values() if n}
        self._private(top, inner, private, allowed, stmt)
        plan = FitLoop(prog, r, top, epochs, batch, arrays, records, summaries)
        if summaries:
            plan.logdir = self._logdir(inner)
        return plan

    def _fetch_targets(self, r: Run, small, loss: str) -> dict[str, str | None]:
        """What the run's fetched values are bound to: {"loss": name, "summary": name, ...}."""
        out: dict[str, str | None] = {}
        kinds = []
        for n in r.fetch_names:
            if n == r.train_op.name:
                kinds.append("train_op")
            elif n == loss:
                kinds.append("loss")
            elif n is not None and n in self.tp.summary_names and self.ctx.switches.summaries_removed:
                kinds.append("summary")
            else:
                raise _NotPlain(f"the training run fetches {n or 'an expression'}")
        if isinstance(small, cst.Expr):
            return out
        if len(small.targets) != 1:
            raise _NotPlain("chained assignment of sess.run")
        t = small.targets[0].target
        if not r.fetch_is_list:
            names = target_names(t)
            if kinds[0] != "loss" and names != ["_"]:
                raise _NotPlain("the value of sess.run(train_op) is used")
            out[kinds[0]] = names[0] if len(names) == 1 and names[0] != "_" else None
            return out
        if not isinstance(t, (cst.Tuple, cst.List)) or len(t.elements) != len(kinds):
            raise _NotPlain("sess.run result not unpacked into one name per fetch")
        for el, k in zip(t.elements, kinds):
            if not isinstance(el.value, cst.Name):
                raise _NotPlain("sess.run result unpacked into something else than names")
            name = el.value.value
            if k == "train_op" and name != "_":
                raise _NotPlain("the value of the train op is used")
            out[k] = None if name == "_" else name
        return out

    def _sliced(self, v: cst.BaseExpression, i: str, batch: cst.BaseExpression) -> cst.BaseExpression | None:
        """``X`` for ``X[i:i + B]`` (the batch expression as in the range), else None."""
        if not (isinstance(v, cst.Subscript) and len(v.slice) == 1 and isinstance(v.slice[0].slice, cst.Slice)):
            return None
        sl = v.slice[0].slice
        if sl.step is not None or not (isinstance(sl.lower, cst.Name) and sl.lower.value == i):
            return None
        up = sl.upper
        if not (isinstance(up, cst.BinaryOperation) and isinstance(up.operator, cst.Add)):
            return None
        ok = (isinstance(up.left, cst.Name) and up.left.value == i and _src(up.right) == _src(batch)) or (
            isinstance(up.right, cst.Name) and up.right.value == i and _src(up.left) == _src(batch))
        if not ok or i in load_names(v.value):
            return None
        return v.value

    def _slice_assign(self, sm: cst.Assign, i: str, batch, slices: dict) -> bool:
        if len(sm.targets) != 1:
            return False
        t, v = sm.targets[0].target, sm.value
        pairs = []
        if isinstance(t, cst.Name):
            pairs = [(t, v)]
        elif isinstance(t, (cst.Tuple, cst.List)) and isinstance(v, (cst.Tuple, cst.List)) \
                and len(t.elements) == len(v.elements):
            pairs = [(a.value, b.value) for a, b in zip(t.elements, v.elements)]
        if not pairs or not all(isinstance(a, cst.Name) for a, _ in pairs):
            return False
        found = {}
        for a, b in pairs:
            arr = self._sliced(b, i, batch)
            if arr is None:
                return False
            found[a.value] = arr
        slices.update(found)
        return True

    def _record(self, sm, loss_target: str | None) -> tuple[str, bool] | None:
        if loss_target is None or not isinstance(sm, cst.Expr) or not isinstance(sm.value, cst.Call):
            return None
        c = sm.value
        f = c.func
        if not (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.attr.value == "append"
                and len(c.args) == 1 and c.args[0].keyword is None and not c.args[0].star):
            return None
        a = c.args[0].value
        if isinstance(a, cst.Name) and a.value == loss_target:
            return (f.value.value, False)
        if (isinstance(a, cst.Call) and isinstance(a.func, cst.Name) and a.func.value == "float" and len(a.args) == 1
                and isinstance(a.args[0].value, cst.Name) and a.args[0].value.value == loss_target):
            return (f.value.value, True)
        return None

    def _summary_write(self, sm) -> bool:
        if not self.ctx.switches.summaries_removed or not isinstance(sm, cst.Expr) or not isinstance(sm.value, cst.Call):
            return False
        f = sm.value.func
        return (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name)
                and f.value.value in self.tp.writer_names and f.attr.value == "add_summary")

    def _length_of(self, n: cst.BaseExpression, arrays: list[cst.BaseExpression], at: cst.CSTNode) -> bool:
        srcs = {_src(a) for a in arrays}

        def is_len(e) -> bool:
            if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == "len" \
                    and len(e.args) == 1 and _src(e.args[0].value) in srcs:
                return True
            if (isinstance(e, cst.Subscript) and len(e.slice) == 1 and isinstance(e.slice[0].slice, cst.Index)
                    and literal(e.slice[0].slice.value, None) == 0 and isinstance(e.value, cst.Attribute)
                    and e.value.attr.value == "shape" and _src(e.value.value) in srcs):
                return True
            return False

        if is_len(n):
            return True
        if isinstance(n, cst.Name):
            scope = self.flow.scope_of(at)
            defs = scope.by_name.get(n.value, [])
            return len(defs) == 1 and defs[0].value is not None and is_len(defs[0].value)
        return False

    def _private(self, top: cst.For, inner: cst.For, names: set[str], allowed: set[int], step) -> None:
        """``names`` appear (read or bound) only in the statements that the fit call replaces:
        the step, the ``allowed`` body statements and the loops' headers."""
        scope = self.flow.scope_of(top)
        for node in walk(scope.node):
            if not (isinstance(node, cst.Name) and node.value in names):
                continue
            parent = self.ctx.parent(node)
            if (isinstance(parent, cst.Attribute) and parent.attr is node) or (
                    isinstance(parent, cst.Arg) and parent.keyword is node):
                continue  # ``x.l`` / ``f(l=...)``: not the name
            s = self.ctx.statement_of(node)
            if s is step or s is inner or s is top or (s is not None and id(s) in allowed):
                continue
            raise _NotPlain(f"{node.value} is also used outside the training step")

    def _logdir(self, inner: cst.For) -> cst.BaseExpression | None:
        """The log directory of the FileWriter the loop writes to."""
        for s in inner.body.body:
            sm = _small(s)
            if self._summary_write(sm):
                w = sm.value.func.value.value
                d = self.flow.def_of(w, s)
                if d is not None and isinstance(d.value, cst.Call):
                    v = _arg(d.value, 0, "logdir")
                    if v is not None and not (load_names(v) & set(self.tp.session_names)):
                        return v
        return None
