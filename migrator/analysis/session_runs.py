"""Whether TFM140 translates a TF1 program: every sess.run of it translates (TFM142, TFM143, TFM201 ask)."""
from __future__ import annotations
import libcst as cst
from ..cstcache import walk_rl
from ..emit import code, literal
from ..names import dotted
from ..analysis.fit_loops import ProgramTodo, model_info
from ..analysis.keep_prob import config_number
from ..analysis.tf1_program import Program, Run, TF1Program


_Todo = ProgramTodo


def _walk(node):
    return walk_rl(node)  # cstcache's (memoised for a module)


class SessionProgramRuns:
    """SessionProgram's analysis (runs_ok, translates); the rule inherits it, other rules ask ``ctx.analysis(SessionProgramRuns)``."""
    
    def __init__(self, ctx) -> None:
        self.ctx = ctx
    ID = "TFM140"

    # -- state ---------------------------------------------------------------------------
    def _tp(self) -> TF1Program:
        return self.ctx.analysis(TF1Program)

    @classmethod
    def translates(cls, ctx, prog: Program) -> bool:
        """Whether this rule translates ``prog`` (every sess.run of it translates)."""
        return ctx.analysis(cls).runs_ok(prog)

    def summaries_kept(self, node) -> bool:
        """The statement's TF1 program stays TF1 (a sess.run of it is not translated) and one of
        its runs fetches a summary op: its summary statements stay, with their writer, beside the
        runs that evaluate them (TFM142; removed, ``merged = tf.summary.merge_all()`` would merge
        nothing and the run fetching it would fail)."""
        prog = self._tp().program_of(node)
        return prog is not None and self._summaries_fetched(prog) and not self.runs_ok(prog)

    def _summaries_fetched(self, prog: Program) -> bool:
        names = self._tp().summary_names
        return any(n in names for r in prog.runs for n in r.fetch_names if n is not None)

    def removed_summary_call(self, stmt) -> bool:
        """``tf.summary.histogram(name, W)`` (or TF 0.x's ``tf.histogram_summary``) as a statement
        of its own that TFM142 removes, whatever TFM140 makes of the runs (none of them fetches a
        summary: :meth:`summaries_kept` cannot hold): the names it reads are no uses of what they
        name. (Asked by analyses runs_ok itself depends on: it must not ask runs_ok.)"""
        small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
        if not (self.ctx.switches.summaries_removed and isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)
                and (self.ctx.legacy_name(small.value) or "").startswith("tensorflow.summary.")):
            return False
        prog = self._tp().program_of(stmt)
        return prog is None or not self._summaries_fetched(prog)

    def runs_ok(self, prog: Program) -> bool:
        """Every run of the program translates (otherwise sessions must stay)."""
        cache = self.__dict__.setdefault("_runs_ok", {})
        if id(prog) not in cache:
            cache[id(prog)] = not prog.several_graphs and not self._suppressed(prog) and all(self._run_ok(prog, r) for r in prog.runs) \
                and self._metrics_why(prog) is None and self._decays_why(prog) is None \
                and self.escaping_eval_why(prog) is None and self.label_fn_why(prog) is None
        return cache[id(prog)]

    def label_fn_why(self, prog: Program) -> str | None:
        """Why a label-dependent tensor of the program cannot become a function of its inputs
        (None: every one can). It reads a scalar placeholder (``phase_train``, a margin) that
        the runs feed different values, or none: the function would have no value for it, so
        the runs that fetch it cannot be translated either - the program stays TF1 whole
        (never runs translated around a tensor kept as TF1)."""
        cache = self.__dict__.setdefault("_label_fn_why", {})
        if id(prog) in cache:
            return cache[id(prog)]
        name = self.unsplit_label(prog)
        why = None if name is None else f"{name} is unpacked from a call that cannot be split into functions of the inputs"
        if why is None and any(p.role == "hyper" for p in prog.placeholders.values()):
            for name in sorted(prog.tensors):
                if name in prog.placeholders or self._summary(name) or not prog.label_dependent(name):
                    continue
                if self.reads_unfed_scalar(prog, name):
                    why = f"{name} reads a scalar placeholder that the runs do not feed one constant"
                    break
        cache[id(prog)] = why
        return why

    def unsplit_label(self, prog: Program) -> str | None:
        """A label-dependent tensor an evaluation run fetches (or one such a tensor is computed
        from) bound by unpacking a call the translation cannot split (``y_out, h_out = cell(x,
        h)`` with ``cell`` not a tuple-returning function of the file, analysis/tuple_calls.py): no
        function of the inputs can be written for it, so the run cannot be translated - the
        program stays TF1 whole. Its name (the first in name order), or None."""
        fetched = {n for r in prog.runs if r.train_op is None for n in r.fetch_names if n is not None}
        # (and what the training step computes: the loss, the metrics its runs fetch with it)
        fetched |= {n for r in prog.runs if r.train_op is not None for n in r.fetch_names
                    if n is not None and n != r.train_op.name}
        fetched |= {op.loss for op in prog.train_ops if op.loss is not None}
        needed = {c for n in fetched if n in prog.tensors for c in prog.label_chain(n)}
        for name in sorted(needed):
            if name in prog.placeholders or name in prog.metrics or self._summary(name) or not prog.label_dependent(name):
                continue
            for d in prog.scope.by_name.get(name, ()):
                st = d.stmt
                small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
                if isinstance(small, cst.Assign) and any(isinstance(t.target, (cst.Tuple, cst.List))
                                                         for t in small.targets) \
                        and self._tuple_split(prog, st) is None:
                    return name
        return None

    def reads_unfed_scalar(self, prog: Program, name: str) -> bool:
        """Tensor ``name`` reads directly a hyper placeholder the runs do not feed one constant."""
        direct = {dep for d in prog.scope.by_name.get(name, ()) for dep in d.deps}
        return any(p.role == "hyper" and p.name in direct and self._fed_constant(prog, p) is None
                   for p in prog.placeholders.values())

    def escaping_eval_why(self, prog: Program) -> str | None:
        """A tensor of the program handed to a function of the file that evaluates its parameter
        with ``.eval(...)`` - TF1's default session, e.g. a triplet generator mining hard negatives
        with ``net.eval(feed_dict={inputs: window})`` (lucasdavid/connoisseur's triplets_gen): that
        run is no run of the program, so the Keras program would leave it as written and it would
        fail on a Keras tensor. The program stays TF1 (a TODO says why) - never a silent crash."""
        cache = self.__dict__.setdefault("_escaping", {})
        if id(prog) in cache:
            return cache[id(prog)]
        why = None
        names = prog.tensors | set(prog.placeholders)
        fns = {st.name.value: st for st in self.ctx.module.body if isinstance(st, cst.FunctionDef)}
        if names and fns:
            for node in walk_rl(prog.scope.node):
                if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in fns):
                    continue
                fn = fns[node.func.value]
                if fn is prog.scope.node:
                    continue
                params = [q.name.value for q in fn.params.params]
                for i, a in enumerate(node.args):
                    if a.star or not (isinstance(a.value, cst.Name) and a.value.value in names):
                        continue
                    param = a.keyword.value if a.keyword is not None else (params[i] if i < len(params) else None)
                    if param is None:
                        continue
                    if param in self._evaluated_names(fn):
                        why = (f"{a.value.value} is given to {fn.name.value}(), which evaluates it with "
                               f"{param}.eval() in TF1's default session: a run the Keras program does not make")
                        break
                if why:
                    break
                why = self._global_eval_why(prog, fn, names)
                if why:
                    break
        cache[id(prog)] = why
        return why

    def _global_eval_why(self, prog: Program, fn: cst.FunctionDef, names: set[str]) -> str | None:
        """``def emb(v): return out.eval(feed_dict={x: v})`` called by the program: the function
        evaluates a tensor of the program read as a global, in whatever session is the default where
        it is called - unless the analysis took that ``.eval`` as a run of the program, the Keras
        program would keep it as written, and it would fail on a Keras tensor (a silent crash)."""
        from ..analysis.flow import Flow

        fscope = self.ctx.analysis(Flow).scopes.get(id(fn))
        tp = self._tp()
        for n in walk_rl(fn.body):
            if not (isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "eval"
                    and isinstance(n.func.value, cst.Name) and n.func.value.value in names):
                continue
            t = n.func.value.value
            if fscope is not None and fscope.by_name.get(t):
                continue  # the function's own local of that name
            if tp.run_of(n) is None:
                return (f"{fn.name.value}() evaluates {t} with {t}.eval() in TF1's default session: a run the "
                        "Keras program does not make")
        return None

    def _evaluated_names(self, fn: cst.FunctionDef) -> set[str]:
        """The names ``fn`` calls ``.eval(...)`` on (``net.eval(feed_dict=..)``), once per function."""
        cache = self.__dict__.setdefault("_evaluated", {})
        if id(fn) not in cache:
            cache[id(fn)] = {n.func.value.value for n in walk_rl(fn.body)
                             if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                             and n.func.attr.value == "eval" and isinstance(n.func.value, cst.Name)}
        return cache[id(fn)]

    # -- streaming metrics (``auc, auc_op = tf.metrics.auc(...)``, translate/tf1_metrics.py) ------
    def _metrics_why(self, prog: Program) -> str | None:
        """Why a streaming metric of the program is not translated (None: all are): its
        arguments, or a read of its value / update op other than a fetch of a sess.run the
        translation evaluates (an evaluation run; a training run's fetch would run the update
        inside the compiled step)."""
        from ..translate.tf1_metrics import COLLECTION_ARGS, SIGNATURES

        if not prog.metrics:
            return None
        for m in {id(m): m for m in prog.metrics.values()}.values():
            sig = SIGNATURES[m.kind]
            for i, a in enumerate(m.call.args):
                if a.star:
                    return f"tf.metrics.{m.kind}(*args)"
                key = a.keyword.value if a.keyword is not None else (sig[i] if i < len(sig) else None)
                if key not in sig:
                    return f"tf.metrics.{m.kind}: argument {key or i} not understood"
                if key in COLLECTION_ARGS and literal(a.value, 0) is not None:
                    return f"tf.metrics.{m.kind}({key}=...): the collection is read elsewhere"
        fetched = {id(r.call): r for r in prog.runs}
        stmts = {id(m.statement) for m in prog.metrics.values()}
        for node, parent in ((n, p) for m in prog.metrics for n, p in self._reads(prog, m)):
            if id(self.ctx.statement_of(node)) in stmts:
                continue  # the metric's own ``value, update_op =`` targets
            c = parent
            while c is not None and not (isinstance(c, cst.Call) and id(c) in fetched):
                if isinstance(c, cst.BaseStatement):
                    c = None
                    break
                c = self.ctx.parent(c)
            r = fetched.get(id(c)) if c is not None else None
            if r is not None and r.train_op is not None and (prog.metrics[node.value].value == node.value
                                                             or node.value not in (self._train_fetches(prog) or ())):
                return (f"{node.value} (a TF1 streaming metric) is fetched by a training run whose step "
                        "cannot return the values its update reads")
            if r is not None and r.train_op is not None:
                continue  # the step returns the update's arguments; the update runs after it
            if r is None or r.initializer or node.value not in r.fetch_names:
                return f"{node.value} (a TF1 streaming metric) is read other than as a fetch of an evaluation run"
        return None

    # -- a weight decay over tf.trainable_variables() filtered by name (analysis/weight_decay.py) ----
    def _decays(self, prog: Program) -> dict:
        """{id(statement): WeightDecay} of the program's scope."""
        from ..analysis.weight_decay import weight_decay

        cache = self.__dict__.setdefault("_decay_cache", {})
        if id(prog) not in cache and "trainable_variables" not in self.ctx.module_code:
            cache[id(prog)] = {}  # (a decay reads tf.trainable_variables(): the name is in the text)
        if id(prog) not in cache:
            found = {}
            for st in prog.scope.node.body.body if isinstance(prog.scope.node, cst.FunctionDef) else prog.scope.node.body:
                for s in _walk(st) if not isinstance(st, cst.FunctionDef) else ():
                    if isinstance(s, cst.SimpleStatementLine) and self._tp().flow.scope_of(s) is prog.scope:
                        wd = weight_decay(self.ctx, prog, s)
                        if wd is not None:
                            found[id(s)] = wd
            cache[id(prog)] = found
        return cache[id(prog)]

    def deferred_decay(self, prog: Program, stmt) -> tuple[list, str] | None:
        """``total = loss_of(out) + 1e-4 * tf.add_n(l2)`` - a tensor statement outside the label
        functions reading a weight decay (a label-free loss: the model's output IS the loss): (the
        maximal terms of its value that read decays and TensorFlow only, the name of a model tensor
        it reads besides - the term's place in the functional graph), or None. Each term becomes a
        TF1DeferredTerm, computed from the trained model's weights when the model runs."""
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 \
                or not isinstance(stmt.body[0], cst.Assign) or len(stmt.body[0].targets) != 1 \
                or not isinstance(stmt.body[0].targets[0].target, cst.Name):
            return None
        name = stmt.body[0].targets[0].target.value
        if name not in prog.tensors or prog.label_dependent(name) or self._tp().flow.scope_of(stmt) is not prog.scope:
            return None
        decays = {wd.name for wd in self._decays(prog).values()}
        return decay_terms(stmt.body[0].value, decays, self._tf_names(), set(prog.tensors) | set(prog.placeholders))

    def _tf_names(self) -> set[str]:
        from .placeholder_forms import _tf_aliases

        cache = self.__dict__.setdefault("_tf_names_cache", {})
        if "tf" not in cache:
            cache["tf"] = set(_tf_aliases(self.ctx.module)) | {"keras"}
        return cache["tf"]

    def _decays_why(self, prog: Program) -> str | None:
        """Why a weight decay the program's loss reads is not translated (None: all are): the
        analysis' reason, or a read of it other than in a loss / metric (a function of the labels)."""
        for wd in self._decays(prog).values():
            if wd.why is not None:
                return f"tf.trainable_variables() kept: {wd.why}"
            for node, _ in self._reads(prog, wd.name):
                if self.ctx.statement_of(node) is wd.statement:
                    continue
                if not self._inside_label_fn(prog, node) and self.deferred_decay(prog, self.ctx.statement_of(node)) is None:
                    return f"{wd.name} (a weight decay over tf.trainable_variables()) is read outside the loss"
        return None

    def _suppressed(self, prog: Program) -> bool:
        """A statement the translation rewrites carries ``# tflearn-migrate: ignore[TFM140]``
        (or a bare ``ignore``): the program is translated as a whole or not at all, so it
        stays TF1 (marked TODO) rather than half-translated."""
        if not self.ctx.suppress:
            return False
        stmts = [p.statement for p in prog.placeholders.values()]
        stmts += [s for op in prog.train_ops for s in (op.statement, *op.extra)]
        stmts += [r.statement for r in prog.runs]
        stmts += [d.stmt for n in prog.tensors if n not in prog.placeholders and prog.label_dependent(n)
                  for d in prog.scope.by_name.get(n, ())]
        return any(self.ctx.suppressed(s, self.ID) for s in stmts)

    def _run_ok(self, prog: Program, r: Run) -> bool:
        if r.initializer:
            return True
        if self._rates().run(prog, r) is not None:
            return True  # a rate variable's assign / read: the optimizer's learning_rate (TFM140)
        if self._tables().run(prog, r) is not None:
            return True  # a pretrained table's assign: the frozen Embedding's weights set (TFM140)
        if self.ctx.switches.summaries_removed and self._tp().summary_run(r):
            return True  # TFM142 removes it with the summaries
        if not r.ok:
            return False
        try:
            if r.train_op is not None:
                ins, outs, loss, labels = model_info(prog)
                if any(p not in r.feeds for p in ins + labels):
                    return False
                counters = self._counters()
                others = [n for i, n in enumerate(r.fetch_names) if n != r.train_op.name and not self._summary(n)
                          and counters.fetch(prog, r, i) is None and counters.rate_fetch(prog, r, i) is None]
                if len(others) <= 1 and all(n == loss for n in others):
                    return True
                return self._train_fetches(prog) is not None
            orig_elems = [e.value for e in r.fetches.elements] if r.fetch_is_list else [r.fetches]
            for i, (n, oe) in enumerate(zip(r.fetch_names, orig_elems)):
                if self._counters().eval_fetch(prog, r, i) is not None:
                    continue  # the step counter / its decayed rate: from the optimizer's iterations
                if n is None:
                    need = self._expr_inputs(prog, oe)
                    if any(p not in r.feeds for p in need):
                        return False
                    continue
                if n not in prog.tensors or n in prog.placeholders:
                    return False
                if self.called_train_op(prog, n) is not None:
                    return False
                if n in prog.metrics and prog.metrics[n].value == n:
                    continue  # a streaming metric's value: its state, no feed
                need = [p for p in prog.placeholders_of(n) if prog.placeholders[p].role != "hyper"]
                if any(p not in r.feeds for p in need):
                    return False
        except _Todo:
            return False
        return True

    def none_global_step(self, prog: Program, stmt) -> bool:
        """``step = tf.train.get_global_step()`` in a program that never makes a global step (no
        ``get_or_create_global_step`` / ``create_global_step``, no variable named 'global_step':
        TF1 looked the step up by that name too): TF1's value is None, and ``step`` is read only as
        the ``global_step=`` of the program's train ops - which count nothing with None. The
        statement says nothing the Keras program needs."""
        small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
                and isinstance(small.value, cst.Call) and not small.value.args
                and self._tp().qname(small.value) == "tensorflow.train.get_global_step"):
            return False
        name = small.targets[0].target.value
        for n in _walk(self.ctx.module):
            if isinstance(n, cst.Call) and self._tp().qname(n) in (
                    "tensorflow.train.get_or_create_global_step", "tensorflow.train.create_global_step"):
                return False
            if isinstance(n, cst.SimpleString) and n.value.strip("'\"bru") == "global_step":
                return False
        defs = prog.scope.by_name.get(name, ())
        if len(defs) != 1 or defs[0].stmt is not stmt:
            return False
        op_calls = {id(op.call) for op in prog.train_ops}
        reads = 0
        for n in _walk(prog.scope.node):
            if isinstance(n, cst.Name) and n.value == name and n is not small.targets[0].target:
                par = self.ctx.parent(n)
                if (isinstance(par, cst.Arg) and par.keyword is n) or (isinstance(par, cst.Attribute) and par.attr is n):
                    continue  # ``global_step=`` itself, ``x.global_step``: no read of the name
                if not (isinstance(par, cst.Arg) and par.value is n and par.keyword is not None
                        and par.keyword.value == "global_step" and isinstance(self.ctx.parent(par), cst.Call)
                        and (dotted(self.ctx.parent(par).func) or "").rpartition(".")[2] in ("minimize", "apply_gradients")
                        and id(self.ctx.parent(par)) in op_calls):
                    return False
                reads += 1
        return reads > 0

    def called_train_op(self, prog: Program, name: str) -> str | None:
        """``name`` is bound (alone or unpacked) to what a function or method of this file
        returns in that position, and the function builds it with ``minimize`` /
        ``apply_gradients`` (``loss, train_step, out = net.train(x)`` whose ``train()`` ends with
        ``train_step = opt.minimize(loss); return loss, train_step, out``): a training op the
        program does not see as one, so a run fetching it cannot be a prediction. The function's
        name, or None."""
        cache = self.__dict__.setdefault("_called_train_op_cache", {})
        key = (id(prog), name)
        if key not in cache:
            cache[key] = self._called_train_op(prog, name)
        return cache[key]

    def _called_train_op(self, prog: Program, name: str) -> str | None:
        for d in prog.scope.by_name.get(name, ()):
            st = d.stmt
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call)):
                continue
            t = small.targets[0].target
            if isinstance(t, cst.Name):
                index = None
            elif isinstance(t, (cst.Tuple, cst.List)) and all(isinstance(e.value, cst.Name) for e in t.elements):
                names = [e.value.value for e in t.elements]
                if name not in names:
                    continue
                index = names.index(name)
            else:
                continue
            for fn in self._callees(small.value.func):
                if self._returns_train_op(fn, index):
                    return fn.name.value
        return None

    def _callees(self, func) -> list:
        """The file's functions a call of ``func`` may run: a module-level function by name, or
        every method of that name of the file's classes (``obj.method(...)``)."""
        body = self.ctx.module.body
        if isinstance(func, cst.Name):
            return [st for st in body if isinstance(st, cst.FunctionDef) and st.name.value == func.value]
        if isinstance(func, cst.Attribute):
            return [m for st in body if isinstance(st, cst.ClassDef) and isinstance(st.body, cst.IndentedBlock)
                    for m in st.body.body if isinstance(m, cst.FunctionDef) and m.name.value == func.attr.value]
        return []

    @staticmethod
    def _returns_train_op(fn: cst.FunctionDef, index: int | None) -> bool:
        def is_step(e) -> bool:
            return isinstance(e, cst.Call) and isinstance(e.func, cst.Attribute) \
                and e.func.attr.value in ("minimize", "apply_gradients")

        steps = set()
        rets = []
        for node in _walk(fn):
            if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)) and node is not fn:
                continue
            if isinstance(node, cst.Assign) and is_step(node.value):
                steps.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))
            elif isinstance(node, cst.Return) and node.value is not None:
                rets.append(node.value)
        for v in rets:
            if index is not None:
                if not (isinstance(v, (cst.Tuple, cst.List)) and index < len(v.elements)):
                    continue
                v = v.elements[index].value
            if is_step(v) or (isinstance(v, cst.Name) and v.value in steps):
                return True
        return False

    def _fed_constant(self, prog: Program, p) -> cst.BaseExpression | None:
        """The value of hyper placeholder ``p`` when every run that feeds it feeds the same
        constant (a number, or a module-level name bound once to one: ``_constant``) and every
        run that does not feed it fetches nothing computed from it (TF1 raised there): the
        placeholder is that constant in every run that computed anything from it. None
        otherwise (a value that changes, a placeholder with a default)."""
        cache = self.__dict__.setdefault("_fed_constant_cache", {})
        if id(p) in cache:
            return cache[id(p)]
        cache[id(p)] = None
        if p.role != "hyper" or p.default is not None:
            return None
        fed = prog.fed_values(p.name)
        if not fed or len({code(v).strip() for _, v in fed}) != 1 \
                or not all(self._constant(v, p.statement) for _, v in fed):
            return None
        for r in prog.runs:
            if p.name in r.feeds or r.initializer:
                continue
            names = list(r.fetch_names)
            if r.train_op is not None:
                names.append(r.train_op.loss)
            if any(n is None or p.name in prog.placeholders_of(n) for n in names):
                return None
        cache[id(p)] = fed[0][1]
        return fed[0][1]

    def _constant(self, value: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """A literal number / bool, a module-level name bound once to one before ``at``, or a
        configuration object's number attribute (``config.keep_prob``, analysis.keep_prob's
        ``config_number``)."""
        from ..analysis.flow import Flow

        if isinstance(literal(value, None), (bool, int, float)):
            return True
        flow = self.ctx.analysis(Flow)
        mod = flow.scopes.get(id(self.ctx.module))
        if isinstance(value, cst.Attribute) and config_number(self.ctx, value) is not None:
            # ``config.keep_prob`` of a configuration object: bound before ``at`` (module level)
            defs = mod.by_name.get(value.value.value, ()) if mod is not None else ()
            return bool(defs) and (flow.scope_of(at) is not mod
                                   or self.ctx.position(defs[0].stmt) < self.ctx.position(at))
        if not isinstance(value, cst.Name):
            return False
        defs = mod.by_name.get(value.value, ()) if mod is not None else ()
        if len(defs) != 1 or defs[0].value is None or not isinstance(literal(defs[0].value, None), (int, float)):
            return False
        if any(isinstance(n, cst.Global) and any(x.name.value == value.value for x in n.names)
               for n in _walk(self.ctx.module)):
            return False  # a function rebinds the module's name
        if self.ctx.parent(value) is None or flow.binding_scope(value) is not mod:
            if any(value.value in s.by_name for s in flow.scopes.values() if s is not mod):
                return False  # shadowed somewhere (and not read where the module's name is seen)
        if flow.scope_of(at) is mod:
            return self.ctx.position(defs[0].stmt) < self.ctx.position(at)
        return True

    def _summary(self, name: str | None) -> bool:
        """A fetched tf.summary tensor, dropped with its add_summary by TFM142."""
        return name is not None and name in self._tp().summary_names and self.ctx.switches.summaries_removed

    def _train_fetches(self, prog: Program) -> list[str] | None:
        """What the training runs fetch besides the train op (summaries and step counters
        aside) when it is more than the loss: metrics computed from the labels and the model's
        outputs (or outputs themselves), in the same order in every training run. None when
        the runs fetch at most the loss, or fetch something the step cannot return."""
        cache = self.__dict__.setdefault("_fetch_plans", {})
        if id(prog) in cache:
            return cache[id(prog)]
        plan = None
        try:
            ins, outs, loss, labels = model_info(prog)
            counters = self._counters()
            orders = set()
            for r in prog.training_runs():
                if not r.ok:
                    raise _Todo("run not understood")
                names = tuple(n for i, n in enumerate(r.fetch_names) if n != r.train_op.name
                              and not self._summary(n) and counters.fetch(prog, r, i) is None)
                orders.add(names)
            if len(orders) == 1:
                names = next(iter(orders))
                derived = set(self.train_fetch_derived(prog) or ())
                if any(n != loss for n in names) and not labels and outs == [loss] and len(prog.train_ops) == 1 \
                        and prog.train_ops[0].loss_index is None and len(set(names)) == len(names) \
                        and all(n is not None and n in prog.tensors and n not in prog.placeholders
                                and not prog.label_dependent(n) and n not in prog.metrics
                                and set(prog.placeholders_of(n)) <= set(ins) for n in names):
                    # a label-free loss (LossModel) and label-free tensors fetched with it (a
                    # triplet accuracy): one more output each of a FetchingLossModel
                    plan = list(names)
                elif any(n != loss for n in names) and labels and len(prog.train_ops) == 1 \
                        and prog.train_ops[0].loss_index is None \
                        and all(n is not None and n in prog.tensors and n not in prog.placeholders
                                and (n in outs or n in derived or (
                                    prog.label_dependent(n) and set(prog.labels_of(n)) <= set(labels)
                                    and set(prog.model_reads(n)) <= set(outs) | derived))
                                for n in names) and len(set(names)) == len(names):
                    plan = list(names)
        except _Todo:
            plan = None
        cache[id(prog)] = plan
        return plan

    def train_fetch_derived(self, prog: Program) -> list[str] | None:
        """Label-free tensors the training runs' fetches read (or fetch) that are not the model's
        outputs but computed from them alone - ``pred = tf.nn.softmax(logits)`` read by
        ``acc = mean(equal(argmax(pred, 1), argmax(y, 1)))`` when the loss reads ``logits`` - in
        definition order: the step's fetch function computes them from the outputs it gets, as
        TF1 did from the same forward pass. Each is bound once, to one name, before the train op,
        reading no placeholder and no tensor but outputs and other such tensors. [] when none
        is needed; None when one is needed that is not of that kind."""
        cache = self.__dict__.setdefault("_fetch_derived", {})
        if id(prog) in cache:
            return cache[id(prog)]
        result: list[str] | None = []
        try:
            ins, outs, loss, labels = model_info(prog)
            op = prog.train_ops[0]
            op_defs = prog.scope.by_name.get(op.name, ()) if op.name else ()
            limit = min((d.index for d in op_defs), default=None)
            counters = self._counters()
            need: list[str] = []
            for r in prog.training_runs():
                for i, n in enumerate(r.fetch_names):
                    if n is None or n == r.train_op.name or n == loss or self._summary(n) \
                            or counters.fetch(prog, r, i) is not None or n not in prog.tensors \
                            or n in prog.placeholders or n in outs:
                        continue
                    for d in (prog.model_reads(n) if prog.label_dependent(n) else [n]):
                        if d not in outs and d not in need:
                            need.append(d)
            order: list[str] = []

            def ok(d: str, path: frozenset) -> bool:
                if d in outs or d in order:
                    return True
                defs = prog.scope.by_name.get(d, ())
                if d in path or len(defs) != 1 or limit is None or defs[0].index >= limit \
                        or d in prog.placeholders or d not in prog.tensors or prog.label_dependent(d):
                    return False
                st = defs[0].stmt
                small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
                if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Name)):
                    # a label-free element of a tuple-returning call TFM140 splits (``loss, dist =
                    # pair_loss(f, labels)``: ``dist = pair_loss_dist(f)``)
                    sp = self._tuple_split(prog, st)
                    if sp is None or d not in sp.names or sp.label_dependent[sp.names.index(d)]:
                        return False
                deps = [x for x in defs[0].deps if x in prog.tensors or x in prog.placeholders]
                if any(x in prog.placeholders or not ok(x, path | {d}) for x in deps):
                    return False
                order.append(d)
                return True

            if not all(ok(d, frozenset()) for d in need):
                result = None
            else:
                result = sorted(order, key=lambda n: prog.scope.by_name[n][0].index)
        except _Todo:
            result = None
        cache[id(prog)] = result
        return result

    def _tables(self):
        from ..analysis.assigned_tables import AssignedTables

        return self.ctx.analysis(AssignedTables)

    def _rates(self):
        from ..analysis.rate_variables import RateVariables

        return self.ctx.analysis(RateVariables)

    def _counters(self):
        from ..analysis.step_counter import StepCounters

        return self.ctx.analysis(StepCounters)

    def _inside_label_fn(self, prog: Program, node) -> bool:
        s = self.ctx.statement_of(node)
        if any(m.statement is s for m in prog.metrics.values()):
            return True  # ``auc, op = tf.metrics.auc(labels=y, ...)``: the label goes into op's function
        if self._tuple_split(prog, s) is not None:
            return True  # ``loss, dist = f(out, label)``: the label goes into loss' function
        if not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1 or not isinstance(s.body[0], cst.Assign):
            return False
        t = s.body[0].targets[0].target
        return isinstance(t, cst.Name) and t.value in prog.tensors and prog.label_dependent(t.value)

    # -- ``loss, dist = helper(out_l, out_r, label)`` (analysis/tuple_calls.py) --------------------
    def _tuple_split(self, prog: Program, original):
        from ..analysis.tuple_calls import TupleCalls

        if self.ctx.analysis(TF1Program).flow.scope_of(original) is not prog.scope:
            return None
        return self.ctx.analysis(TupleCalls).split(prog, original)

    def _reads(self, prog: Program, name: str):
        """(node, parent) of each read of ``name`` in the program's scope (not shadowed there):
        not an assignment target, a feed-dict key, an attribute's name or a keyword's name."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        for node in _walk(prog.scope.node):
            if not (isinstance(node, cst.Name) and node.value == name):
                continue
            sc = flow.scope_of(node)
            if sc is not prog.scope and name in sc.by_name:
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.DictElement) and parent.key is node) \
                    or (isinstance(parent, cst.Attribute) and parent.attr is node) \
                    or (isinstance(parent, cst.Arg) and parent.keyword is node):
                continue
            yield node, parent

    def _expr_tensors(self, prog: Program, orig: cst.BaseExpression) -> list[str]:
        from ..analysis.flow import load_names

        names = [n for n in load_names(orig) if n in prog.tensors]
        if not names or any(prog.label_dependent(n) or n in prog.placeholders for n in names):
            raise _Todo("sess.run fetches an expression that is not a function of model tensors")
        return names

    def _expr_inputs(self, prog: Program, orig) -> list[str]:
        """The input placeholders a fetched expression is computed from. ``inst.member`` of an
        object of a model class built from placeholders (``tower = UserModel(x, y)``,
        ``sess.run(tower.inference, {x: v})``): those given to the constructor parameters the
        member reads (a property read like a method called once: TF1Program.member_params)."""
        names = self._expr_tensors(prog, orig)
        member = self._tp().object_member_placeholders(prog, orig)
        if self._tp().member_train_op(prog, orig):
            raise _Todo(f"sess.run fetches {code(orig).strip()}, a train op built inside the class: not translated")
        if member is not None:
            return [p for p in member if prog.placeholders[p].role == "input"]
        return [p for p in prog.placeholders if p in {q for n in names for q in prog.placeholders_of(n)}
                and prog.placeholders[p].role == "input"]


def decay_terms(value: cst.BaseExpression, decays: set[str], modules: set[str], tensors: set[str]):
    """(the maximal sub-expressions of ``value`` that read a name of ``decays`` and otherwise only
    ``modules`` (tf / keras), the first name of ``tensors`` the value reads outside them) - or None
    when a decay is read bare (a list: no scalar term) or the value reads no other tensor."""
    from ..cstcache import read_names

    terms: list = []

    def names(n) -> set[str]:
        return {x.value for x in read_names(n)}

    def visit(n) -> bool:
        got = names(n)
        if not got & decays:
            return True
        if got <= decays | modules:
            if isinstance(n, cst.Name):
                return False
            terms.append(n)
            return True
        return all(visit(c) for c in n.children if isinstance(c, cst.CSTNode))

    if not visit(value) or not terms:
        return None
    inside = {id(x) for t in terms for x in read_names(t)}
    anchor = next((x.value for x in read_names(value) if id(x) not in inside and x.value in tensors
                   and x.value not in decays), None)
    return (terms, anchor) if anchor is not None else None
