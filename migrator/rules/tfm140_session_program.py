"""TFM140: a TF1 placeholder / Session program -> a Keras model trained with train_on_batch.

The translation (built on ``TF1Program``, see analysis/tf1_program.py):

* input placeholders -> ``keras.Input(shape=shape[1:])``; label and scalar placeholders
  (keep_prob, is_training) disappear - their values only ever reach the loss or Keras' own
  training flag;
* every label-dependent tensor (the loss, metrics, and the intermediate tensors they go
  through) becomes a function of (labels..., model outputs...) written with keras.ops:
  ``loss = tf.reduce_mean(...)`` -> ``def loss(Y, distance): return keras.ops.mean(...)``;
* ``train_op = optimizer.minimize(loss)`` -> ``model = keras.Model(inputs, output)`` +
  ``model.compile(optimizer=..., loss=loss)`` (the model's output is the label-free tensor the
  loss reads; when it reads several, a ``TrainingModel`` helper passes them all to the loss);
* ``sess.run([train_op, loss], feed_dict)`` -> ``loss_value = model.train_on_batch(x, y)``
  (the loop structure, batch order and per-batch losses stay as written); a PLAIN epoch/batch
  loop around it then becomes one ``model.fit(..., shuffle=False)`` (TFM143, analysis/fit_loops.py);
* ``sess.run(tensor, feed_dict)`` -> ``keras.Model(inputs, tensor).predict_on_batch(x)``;
  a fetched loss/metric -> ``metric(labels, model outputs)``;
* ``tf.Session`` blocks are dedented; ``sess.run(tf.global_variables_initializer())``,
  ``sess.close()`` disappear; ``tf.train.Saver`` save/restore -> ``save_checkpoint(model, path)`` (a helper: TF1's
  Saver made the directory and returned the path) / ``model.load_weights``, with a
  ``.weights.h5`` name.
* the feed dict may be a literal, a name bound to one (``feed = {x: ...}``), or the call of a
  helper of the same scope that only returns one keyed by placeholders and valued by its
  parameters (``def make_feed(a, b, y): return {x1: a, x2: b, label: y}``, every use of it a
  run's feed): each placeholder is fed the call's argument for its parameter, and the helper
  goes (tests/fixtures/verify/feed_helper_towers.py, verified against TF1).

Anything else (a feed_dict built elsewhere - a helper doing more, a method ``self.get_feed(b)``
-, a run fetching what it cannot map, several train ops) keeps its statement with a TODO
naming the reason.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..diagnostics import Severity
from ..emit import call, code, drop_left_comma_args, drop_left_comma_params, expr, literal, stmt, to_node
from ..helpers import HELPERS, register_source
from ..analysis.flow import target_names
from ..names import dotted as dotted_name
from ..analysis.fit_loops import FitLoops, model_info
from ..analysis.keep_prob import config_number, dropout_keep_arg, dropout_rate_arg
from ..translate.tf1_helpers import LOSS_MODEL
from ..translate.tf1_metrics import TF1_METRIC
from ..translate.tf1_helpers import helper_example_output as _rnn_out
from ..translate.tflearn import Untranslatable
from ..analysis.tf1_program import INITIALIZERS, PLACEHOLDERS, SESSIONS, Program, Run, TF1Program, _arg
from .base import Case, Rule
from ..analysis.session_runs import _Todo, _walk, SessionProgramRuns
from ..translate.session_program import _replace_names

SELECTED_WEIGHTS = register_source("tf1_programs", "tf1_selected_weights")
DEFERRED_TERM = register_source("tf1_programs", "TF1DeferredTerm")


TRAINING_MODEL = register_source("tf1_programs", "TrainingModel")


INDEXED_LOSS_MODEL = register_source("tf1_programs", "IndexedLossModel")


FETCHING_MODEL = register_source("tf1_programs", "FetchingModel")


STEP_SCHEDULE = register_source("tf1_programs", "StepSchedule")


SAVE_CHECKPOINT = register_source("tf1_programs", "save_checkpoint")
FETCHES = register_source("tf1_programs", "tf1_fetches", also=("_TF1_FETCHES",))  # evaluation runs in a loop


def _name_expr(name: str) -> cst.BaseExpression:
    """A tensor's name as an expression (``model.loss``: a model object's member, Program.members)."""
    return cst.parse_expression(name) if "." in name else cst.Name(name)
_CONFIGS = ("tensorflow.ConfigProto", "tensorflow.GPUOptions")
_IS_TRAINING = "tflearn.config.is_training"


def _fetch_reads(target: cst.Tuple | cst.List, fetched: dict, value) -> list[cst.SimpleStatementLine]:
    """``<name> = value(fetched[i])`` for each element i of the run's unpacking target that
    ``fetched`` names (element index -> what it fetched), ``_`` skipped."""
    out = []
    for i, el in enumerate(target.elements):
        f = fetched.get(i)
        if f is None or (isinstance(el.value, cst.Name) and el.value.value == "_"):
            continue
        out.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(el.value)], value(f))]))
    return out


def _counter_reads(target: cst.Tuple | cst.List, counters: dict, model: str) -> list[cst.SimpleStatementLine]:
    """After a training step: ``<name> = <the step counter's value>`` (from the optimizer's
    iterations) for each element of the run's unpacking target that fetched a counter
    (``counters``: element index -> StepCounter), ``_`` skipped."""
    return _fetch_reads(target, counters, lambda c: expr(
        "keras.ops.convert_to_numpy({v})", v=cst.parse_expression(c.value(f"{model}.optimizer.iterations"))))


def _loss_fetch_outputs(fetches: list[str], loss: str) -> list[str]:
    """The outputs of a FetchingLossModel: the fetched tensors in the runs' order, then the
    loss when the runs do not fetch it."""
    return list(fetches) if loss in fetches else [*fetches, loss]


def _elems(values: list[cst.BaseExpression]) -> cst.BaseExpression:
    return values[0] if len(values) == 1 else cst.List([cst.Element(v) for v in values])


# TF1 optimizers whose update multiplies the CURRENT rate into that step's change only, as their
# Keras translations do: a rate fed per training run is set on the Keras optimizer before the step
# (MomentumOptimizer: TFM133 writes TF1Momentum for a rate that is not a constant - TF1's
# w -= lr_t * accum, the current rate on the whole accumulator - where Keras' SGD(momentum) would not do)
_RATE_PER_STEP_OPTIMIZERS = frozenset({"GradientDescentOptimizer", "AdamOptimizer", "AdagradOptimizer",
                                       "RMSPropOptimizer", "MomentumOptimizer"})


def _float_dtype(node) -> str | None:
    """'float32' / 'float64' / 'float16' for a placeholder dtype written as ``tf.float32`` or
    ``'float32'`` (the dtype TF1 converted a fed value to); None for anything else."""
    if node is None:
        return None
    text = node.value.strip("'\"") if isinstance(node, cst.SimpleString) else (
        node.attr.value if isinstance(node, cst.Attribute) else "")
    return text if text in ("float16", "float32", "float64") else None


class SessionProgram(SessionProgramRuns, Rule):
    ID = "TFM140"
    TRIGGERS = ("tensorflow",)
    NAME = "session-program"
    MESSAGE = "TF1 placeholder/Session program -> Keras model (Input, loss function, train_on_batch)"
    RATIONALE = ("Placeholders become keras.Input (inputs) or disappear (labels, keep_prob, is_training: "
                 "Keras passes labels to the loss and switches dropout/batch norm itself); the loss and "
                 "metrics become functions of (labels, model outputs); minimize() becomes a model "
                 "compiled with the translated optimizer; each sess.run training step becomes "
                 "model.train_on_batch on the same batch (same order, same per-batch loss value); "
                 "evaluation runs become predict_on_batch of the model or of a sub-model; Saver -> "
                 "save_weights/load_weights ('.weights.h5'). Sessions and initializers disappear. A fed "
                 "value that is a Python tuple / list (`x1, x2, y = zip(*batch)`, a list built by append, "
                 "a display) becomes np.asarray(value, <the placeholder's dtype>): TF1's own conversion of "
                 "every fed value (Keras would read the sequence as one input per element).")
    ORDER = 50

    def _prog(self, node) -> Program | None:
        prog = self._tp().program_of(node)
        if prog is not None and self.ctx.rule_active("TFM145"):
            from ..analysis.dict_programs import DictPrograms

            if self.ctx.rule_active("TFM145") and self.ctx.analysis(DictPrograms).owner(prog) is not None:  # a builder returning a dict: TFM145 translates it
                return None
        if prog is not None and self.ctx.rule_active("TFM149"):
            from ..analysis.constant_sessions import ConstantSessions

            if self.ctx.analysis(ConstantSessions).placeholder_stmts:  # a pure function of its feeds: TFM149's
                return None
        if prog is not None and self.ctx.rule_active("TFM162"):
            from ..analysis.variable_program import VariableProgram

            if self.ctx.rule_active("TFM162") and self.ctx.analysis(VariableProgram).ok:  # the model is its tf.Variables: TFM162's eager code
                return None
        return prog

    def _is_training_matches(self, prog: Program, stmt: cst.SimpleStatementLine) -> bool:
        """``tflearn.is_training(flag, session=S)`` statements (tflearn's graph-wide mode variable,
        False until set) may go when the translated runs see the mode the flag gave them: one
        ``is_training(True, session=S)`` and at most one ``is_training(False, session=S)`` in the
        same statement list, the True one before every training run of S, every training run
        between them (textually), every other run of S after the False one. Anything else (an
        evaluation run in training mode, a training run in inference mode) stays a TODO."""
        cache = self.__dict__.setdefault("_is_training_ok", {})
        if id(stmt) in cache:
            return cache[id(stmt)]
        ok = False
        try:
            ok = self._is_training_check(prog, stmt)
        except (Unbindable, ValueError):
            ok = False
        cache[id(stmt)] = ok
        return ok

    def _is_training_check(self, prog: Program, stmt: cst.SimpleStatementLine) -> bool:
        if not self.runs_ok(prog):
            return False
        b = BoundArgs(stmt.body[0].value, "is_training=False, session=None")
        sess = b.node("session") if b.given("session") else None
        if not isinstance(sess, cst.Name):
            return False
        block = self.ctx.parent(stmt)
        flags: dict[bool, cst.CSTNode] = {}
        from ..analysis.flow import Flow

        for node in _walk(self.ctx.analysis(Flow).scope_of(stmt).node):
            if not (isinstance(node, cst.Call) and self.ctx.legacy_name(node) == _IS_TRAINING):
                continue
            nb = BoundArgs(node, "is_training=False, session=None")
            ns = nb.node("session") if nb.given("session") else None
            if not (isinstance(ns, cst.Name) and ns.value == sess.value):
                continue
            flag = literal(nb.node("is_training"), None) if nb.given("is_training") else False
            st = self.ctx.parent(self.ctx.parent(node))
            if not isinstance(flag, bool) or flag in flags or not isinstance(st, cst.SimpleStatementLine) \
                    or self.ctx.parent(st) is not block:
                return False
            flags[flag] = st
        if True not in flags:
            return False
        on = self.ctx.position(flags[True])[0]
        off = self.ctx.position(flags[False])[0] if False in flags else None
        if off is not None and off < on:
            return False
        for r in prog.runs:
            f = r.call.func
            if not (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.value.value == sess.value):
                continue
            if r.initializer:
                continue
            line = self.ctx.position(r.call)[0]
            if r.train_op is not None:
                if line < on or (off is not None and line > off):
                    return False
            elif off is None or line < off:
                return False
        return True

    def _decay_statement(self, prog: Program, wd, updated):
        """``l2 = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables() if 'w' in v.name])``
        -> ``def l2(): return ...[... for v in tf1_selected_weights(model, {...})]``: computed from
        the trained model's weights each time the loss reads it (``l2()``), over the weights whose
        TF1 names the filter kept."""
        from ..analysis.weight_decay import TRAINABLE  # noqa: F401  (the names it recognises)
        from ..emit import to_node

        if not self.runs_ok(prog):
            raise _Todo(self._decays_why(prog) or f"{wd.name} kept: a sess.run of this program is not translated")
        v = wd.comp_for.target.value
        known = wd.table
        table = cst.Name("None") if known is None else cst.Dict(
            [cst.DictElement(cst.Tuple([cst.Element(to_node(c)), cst.Element(to_node(w))]), to_node(keep))
             for (c, w), keep in sorted(known.items())])
        model = self._tp().model_name(prog)

        class T(cst.CSTTransformer):
            done = 0

            def leave_CompFor(self, o, u):
                if isinstance(u.target, cst.Name) and u.target.value == v and isinstance(u.iter, cst.Call) \
                        and not u.iter.args and (dotted_name(u.iter.func) or "").endswith("trainable_variables"):
                    T.done += 1
                    return u.with_changes(iter=call("tf1_selected_weights", cst.Name(model), table), ifs=[])
                return u

        value = updated.body[0].value.visit(T())
        if T.done != 1:
            raise _Todo("tf.trainable_variables() not found in the translated statement")
        self.ctx.use_helper("tf1_selected_weights")
        self.ctx.count(self)
        return cst.FunctionDef(name=cst.Name(wd.name), params=cst.Parameters(),
                               body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(value)])]),
                               leading_lines=updated.leading_lines)

    def _deferred_decay_statement(self, prog: Program, original, updated):
        """``total = loss_of(out) + tf.multiply(1e-4, tf.add_n(l2))`` in a program whose loss is the
        model's output -> ``total = loss_of(out) + TF1DeferredTerm(lambda: keras.ops.multiply(1e-4,
        ... l2() ...))(out)``: the decay term computed from the trained model's weights when the
        model runs (``l2()`` reads them, see _decay_statement)."""
        from ..analysis.session_runs import decay_terms

        if not self.runs_ok(prog):
            raise _Todo(self._decays_why(prog) or "kept: a sess.run of this program is not translated")
        decays = {wd.name for wd in self._decays(prog).values()}
        found = decay_terms(updated.body[0].value, decays, self._tf_names(),
                            set(prog.tensors) | set(prog.placeholders))
        if found is None:
            raise _Todo("a weight decay read here is not a term of TensorFlow ops of it")
        terms, anchor = found
        wrap = {id(t): call("TF1DeferredTerm", cst.Lambda(cst.Parameters(),
                                                          _replace_names(t, {d: [] for d in decays})))
                for t in terms}

        class T(cst.CSTTransformer):
            def on_leave(self, o, u):
                w = wrap.get(id(o))
                if w is not None:
                    return cst.Call(w, [cst.Arg(cst.Name(anchor))])
                return u

        value = updated.body[0].value.visit(T())
        self.ctx.use_helper("TF1DeferredTerm")
        self.ctx.count(self)
        return updated.with_changes(body=[updated.body[0].with_changes(value=value)])

    def _metric_statement(self, prog: Program, m, original, updated):
        """``auc, auc_op = tf.metrics.auc(labels=y, predictions=p)`` -> ``auc =
        TF1StreamingMetric("auc")`` (its local variables) and ``def auc_op(y, p): return
        auc.update_state(labels=y, predictions=p)`` (the update op: adds the batch, returns the
        updated value)."""
        from ..translate.tf1_metrics import CONFIG_ARGS, SIGNATURES, TENSOR_ARGS

        if not self.runs_ok(prog):
            why = self._metrics_why(prog) or "a sess.run of this program is not translated"
            raise _Todo(f"tf.metrics.{m.kind} kept: {why}")
        call = updated.body[0].value
        sig = SIGNATURES[m.kind]
        config: list[cst.Arg] = []
        tensors: list[cst.Arg] = []
        for i, a in enumerate(call.args):
            key = a.keyword.value if a.keyword is not None else sig[i]
            eq = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
            if key in TENSOR_ARGS:
                tensors.append(cst.Arg(a.value, keyword=cst.Name(key), equal=eq))
            elif key in CONFIG_ARGS:
                config.append(cst.Arg(a.value, keyword=cst.Name(key), equal=eq))
        params = self._params(prog, m.update)
        chain = {n: self._params(prog, n) for n in prog.label_chain(m.update)[:-1]}
        update = _replace_names(cst.Call(func=cst.Attribute(cst.Name(m.value), cst.Name("update_state")),
                                         args=tensors), chain)
        self.ctx.use_helper("TF1StreamingMetric")
        self.ctx.count(self)
        obj = updated.with_changes(body=[cst.Assign(
            [cst.AssignTarget(cst.Name(m.value))],
            cst.Call(func=cst.Name("TF1StreamingMetric"), args=[cst.Arg(cst.SimpleString(repr(m.kind))), *config]))])
        fn = cst.FunctionDef(name=cst.Name(m.update),
                             params=cst.Parameters([cst.Param(cst.Name(p)) for p in params]),
                             body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(update)])]))
        return cst.FlattenSentinel([obj, fn])

    def _metric_resets(self, prog: Program, updated):
        """A run of tf.local_variables_initializer() -> each metric's ``reset_state()``."""
        ms = list({id(m): m for m in prog.metrics.values()}.values())
        self.ctx.count(self)
        out = [cst.SimpleStatementLine([cst.Expr(expr("{m}.reset_state()", m=cst.Name(m.value)))]) for m in ms]
        out[0] = out[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(out)

    def _named_feed_dict(self, updated: cst.SimpleStatementLine):
        """``feed = {x: a, y: b}`` (passed by name to the program's runs) -> ``feed = {'x': a,
        'y': b}``: the placeholders are gone, the runs read ``feed['x']``."""
        assign = updated.body[0]
        if not isinstance(assign, cst.Assign) or not isinstance(assign.value, cst.Dict):
            raise _Todo("feed dict not understood")
        els = []
        for el in assign.value.elements:
            if not isinstance(el, cst.DictElement) or not isinstance(el.key, cst.Name):
                raise _Todo("feed dict key is not a placeholder name")
            els.append(el.with_changes(key=cst.SimpleString(repr(el.key.value))))
        self.ctx.count(self)
        return updated.with_changes(body=[assign.with_changes(value=assign.value.with_changes(elements=els))])

    def _params(self, prog: Program, name: str) -> list[str]:
        return prog.labels_of(name) + prog.model_reads(name)

    # -- statements --------------------------------------------------------------------------
    def leave_If(self, original: cst.If, updated: cst.If):
        from ..analysis.tf1_program import emptied_guard

        if updated is not original and emptied_guard(original, updated):
            return cst.RemoveFromParent()  # ``if c is not None:`` around a clip now the optimizer's
        return updated

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        res = self._leave_simple(original, updated)
        prog = self._prog(original)
        r = next((r for r in prog.runs if r.statement is original and r.feed_inline is not None), None) \
            if prog is not None else None
        if r is None or not self.runs_ok(prog) or isinstance(res, cst.RemovalSentinel):
            return res
        # ``sess.run(..., feed_dict=get_feed(data, 'train'))`` translated: the helper's path's
        # assignments (parameters replaced by the arguments) run first, as the call ran them
        nodes = list(res.nodes) if isinstance(res, cst.FlattenSentinel) else [res]
        helper = r.feed_inline.fn.name.value
        if any(isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == helper
               for x in nodes for n in _walk(x)):
            return res  # (not translated: the call stays)
        pre = r.feed_inline.hoisted()
        if not pre:
            return res
        pre[0] = pre[0].with_changes(leading_lines=nodes[0].leading_lines)
        nodes[0] = nodes[0].with_changes(leading_lines=[])
        return cst.FlattenSentinel([*pre, *nodes])

    def _leave_simple(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        prog = self._prog(original)
        if len(original.body) != 1:
            return updated
        if isinstance(original.body[0], cst.Expr) and self._save_kept_add(original.body[0].value):
            self.report(original, "tf.add_to_collection of a key this file never reads removed: only a meta "
                                  "graph could carry it to another run, and every Saver.save here becomes a "
                                  "Keras weights file (no meta graph)", severity=Severity.INFO)
            self.ctx.count(self)
            return cst.RemoveFromParent()
        small = original.body[0]
        if prog is not None and isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) \
                and self.ctx.legacy_name(small.value) == _IS_TRAINING:
            if self._is_training_matches(prog, original):
                self.report(original, "tflearn.is_training(..., session=...) removed: Keras' train_on_batch "
                                      "trains in training mode and the other runs compute in inference mode, "
                                      "as the flag set them here", severity=Severity.INFO)
                self.ctx.count(self)
                return cst.RemoveFromParent()
            return updated
        if prog is not None and prog.several_graphs:
            # nothing of the scope is translated: its placeholders say why (each program stays TF1)
            if any(p.statement is original for p in prog.placeholders.values()) or any(
                    d.stmt is original and isinstance(d.value, cst.Call)
                    and self.ctx.legacy_name(d.value) in PLACEHOLDERS
                    for ds in prog.scope.by_name.values() for d in ds):
                self.todo(original, prog.several_graphs)
            return updated
        try:
            rate = self._rates().statement(prog, original) if prog is not None else None
            if rate is not None:
                return self._rate_statement(prog, *rate, updated, original)
            table = self._tables().statement(prog, original) if prog is not None else None
            if table is not None:
                return self._table_statement(prog, *table, updated, original)
            if prog is not None and id(original) in prog.feed_dicts and self.runs_ok(prog):
                return self._named_feed_dict(updated)
            if prog is not None:
                for p in prog.placeholders.values():
                    if p.statement is original:
                        return self._placeholder(prog, p, updated)
                for p in prog.unfed_defaults.values():
                    if p.statement is original:
                        return self._unfed_default(prog, p, updated)
                sc = self._counters().counter_of_stmt(prog, original)
                if sc is not None:
                    return self._step_statement(prog, sc[0], sc[1], original, updated)
                if self.none_global_step(prog, original):
                    if not self.runs_ok(prog):
                        raise _Todo("kept: a sess.run of this program is not translated")
                    self.ctx.count(self)  # TF1's None, read only by the train op's global_step=
                    return cst.RemoveFromParent()
                for op in prog.train_ops:
                    if op.statement is original:
                        return self._train_op(prog, op, updated)
                    if any(e is original for e in op.extra):  # gradients computed for apply_gradients
                        if not self.runs_ok(prog):
                            raise _Todo("gradient computation kept: a sess.run of this program is not translated")
                        model_info(prog)
                        self.ctx.count(self)
                        return cst.RemoveFromParent()
                if isinstance(small, cst.Assign) and len(small.targets) == 1 \
                        and isinstance(small.targets[0].target, cst.Name) \
                        and small.targets[0].target.value in (self.train_fetch_derived(prog) or ()) \
                        and self._train_fetches(prog) is not None:
                    # its expression, for the step's fetch function (the statement stays)
                    self.__dict__.setdefault("_derived_values", {})[small.targets[0].target.value] = \
                        updated.body[0].value
                for r in prog.runs:
                    if r.statement is original and (r.initializer or r.train_op is not None):
                        return self._train_run(prog, r, original, updated)
                wd = self._decays(prog).get(id(original))
                if wd is not None:
                    return self._decay_statement(prog, wd, updated)
                if self._decays(prog) and self.deferred_decay(prog, original) is not None:
                    return self._deferred_decay_statement(prog, original, updated)
                m = prog.metrics.get(next(iter(target_names(small.targets[0].target)), "")) \
                    if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
                if m is not None and m.statement is original:
                    return self._metric_statement(prog, m, original, updated)
                split = self._tuple_split(prog, original)
                if split is not None:
                    return self._tuple_fns(prog, split, original, updated)
                unsplit = self.unsplit_label(prog)
                if unsplit is not None and isinstance(small, cst.Assign) and any(
                        isinstance(t.target, (cst.Tuple, cst.List)) and unsplit in target_names(t.target)
                        for t in small.targets):
                    raise _Todo(self.label_fn_why(prog))
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                        small.targets[0].target, cst.Name):
                    n = small.targets[0].target.value
                    if n in prog.tensors and n not in prog.placeholders and prog.label_dependent(n) \
                            and not self._summary(n) \
                            and self.ctx.analysis(TF1Program).flow.scope_of(original) is prog.scope:
                        return self._label_fn(prog, n, original, updated)
            if self._bare_optimizer_call(original) and not self._variable_program(original):
                raise _Todo("Keras 3 optimizers have no minimize / compute_gradients / apply_gradients: "
                            "this training step is not translated")
            return self._session_statement(original, updated)
        except (_Todo, Untranslatable) as ex:
            self.todo(original, str(ex))
            return updated

    def _variable_program(self, original) -> bool:
        """A train op of a program TFM162 turns into eager code (a TF1TrainStep)."""
        if not self.ctx.rule_active("TFM162"):
            return False
        from ..analysis.variable_program import VariableProgram

        return (self.ctx.rule_active("TFM162") and self.ctx.analysis(VariableProgram).ok) and \
            self.ctx.analysis(VariableProgram).stmts.get(id(original)) == "train_op"

    def _step_statement(self, prog: Program, c, kind: str, original, updated):
        """A step counter (removed), its assign_add (removed) or a tensor computed from it (a
        ``StepSchedule`` of the optimizer's iterations), see analysis/step_counter.py."""
        if not self.runs_ok(prog):
            return updated  # the program stays TF1 (TFM100 marks what is left)
        model_info(prog)
        if c.why:
            raise _Todo(f"step counter {c.name} kept: {c.why}")
        self.ctx.count(self)
        if kind != "schedule":
            return cst.RemoveFromParent()
        name = c.schedule_stmts[id(original)]
        self.ctx.add_import("keras")
        self.ctx.use_helper("StepSchedule")
        it = "iterations"
        value = _replace_names(updated.body[0].value, {n: [it] for n in c.schedule if n != name})
        body = []
        if any(isinstance(x, cst.Name) and x.value == c.name for x in _walk(original)):
            body.append(cst.SimpleStatementLine(
                [cst.Assign([cst.AssignTarget(cst.Name(c.name))], cst.parse_expression(c.value(it)))],
                trailing_whitespace=cst.TrailingWhitespace(
                    whitespace=cst.SimpleWhitespace("  "),
                    comment=cst.Comment(f"# the TF1 counter before this update ({c.per_run!r} per training run)"),
                    newline=cst.Newline())))
        body.append(cst.SimpleStatementLine([cst.Return(value)]))
        return cst.FunctionDef(
            name=cst.Name(name), params=cst.Parameters([cst.Param(cst.Name(it))]),
            body=cst.IndentedBlock(body), decorators=[cst.Decorator(cst.Name("StepSchedule"))],
            leading_lines=original.leading_lines)

    def _bare_optimizer_call(self, original) -> bool:
        """The statement calls ``minimize`` / ``compute_gradients`` / ``apply_gradients`` of a
        TF1 optimizer (``tf.train.*Optimizer``, directly or through a name bound to one)."""
        from ..analysis.flow import Flow

        if self.ctx.rule_active("TFM144"):  # a model class's train op: TFM144 translates it
            from ..analysis.tf1_classes import TF1Classes

            # (a step built inside the class: TFM144 marks it with the reason when it stays)
            if any((op.statement is original or any(e is original for e in op.extra) or (op.method is not None and (
                    original in op.method.extra or op.method.function_return is original)))
                   and (not cp.why or op.method is not None)
                   for cp in self.ctx.analysis(TF1Classes).classes.values() for op in cp.train_ops):
                return False
        eager_steps = {}
        if self.ctx.rule_active("TFM163"):  # opt.apply_gradients(grad(...)) of tfe.implicit_gradients
            from ..analysis.eager import Eager

            eager_steps = self.ctx.analysis(Eager).steps
        if self.ctx.rule_active("TFM165"):  # a model_fn's minimize: TFM165's TF1Minimize
            from ..analysis.estimators import Estimators

            est = self.ctx.analysis(Estimators)
            if est.ok:
                eager_steps = {**eager_steps, **dict.fromkeys(est.minimize)}
        for node in _walk(original):
            if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                    and node.func.attr.value in ("minimize", "compute_gradients", "apply_gradients")):
                continue
            if id(node) in eager_steps:
                continue
            recv = node.func.value
            if isinstance(recv, cst.Name):
                d = self.ctx.analysis(Flow).def_of(recv.value, original)
                recv = d.value if d is not None else None
            if isinstance(recv, cst.Call) and (self._tp().qname(recv) or "").startswith("tensorflow.train."):
                return True
        return False

    def _placeholder(self, prog: Program, p, updated):
        if p.role in ("label", "hyper"):
            if not self.runs_ok(prog):
                raise _Todo(f"{p.role} placeholder kept: a sess.run of this program is not translated")
            passed: list = []
            bad = self._other_uses(prog, p.name, passed)
            if (bad or self._label_fn_read(prog, p.name)) and (const_fed := self._fed_constant(prog, p)) is not None:
                # a scalar every run fed the same constant (``margin: MARGIN``): the constant
                self.ctx.count(self)
                return cst.SimpleStatementLine(
                    body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(p.name))], value=const_fed.deep_clone())],
                    leading_lines=p.statement.leading_lines,
                    trailing_whitespace=cst.TrailingWhitespace(
                        whitespace=cst.SimpleWhitespace("  "),
                        comment=cst.Comment("# the one value every run fed"),
                        newline=cst.Newline()))
            if bad:
                raise _Todo(f"{p.role} placeholder {p.name} is also used in: {bad}")
            self.ctx.count(self)
            if passed:  # still passed to a function that only feeds it to dropout / a training flag
                fed = [v for r, v in prog.fed_values(p.name) if r.train_op is not None]
                vals = {code(v).strip() for v in fed}
                value = next(iter(vals)) if len(vals) == 1 else None
                # (the fed expressions themselves: where each is read tells which variable it is)
                const = value is not None and all(self._constant(v, p.statement) for v in fed)
                if (value is None or not const) \
                        and self._per_run_rate(prog) == p.name:
                    # a rate fed per training run: set on the optimizer before each step (_train_run)
                    return cst.SimpleStatementLine(
                        body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(p.name))], value=cst.Float("0.0"))],
                        leading_lines=p.statement.leading_lines,
                        trailing_whitespace=cst.TrailingWhitespace(
                            whitespace=cst.SimpleWhitespace("  "),
                            comment=cst.Comment("# fed per training run: each step sets optimizer.learning_rate"),
                            newline=cst.Newline()))
                if value is None or not const:
                    why = self.__dict__.get("_rate_why", {}).get(p.name)
                    if why:
                        raise _Todo(f"{p.role} placeholder {p.name} kept: {why}")
                    raise _Todo(f"{p.role} placeholder {p.name} is passed to a function or an optimizer but not fed one constant "
                                "in the training runs")
                return cst.SimpleStatementLine(
                    body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(p.name))], value=cst.parse_expression(value))],
                    leading_lines=p.statement.leading_lines,
                    trailing_whitespace=cst.TrailingWhitespace(
                        whitespace=cst.SimpleWhitespace("  "),
                        comment=cst.Comment("# the value its training runs fed"),
                        newline=cst.Newline()))
            return cst.RemoveFromParent()
        if not self.runs_ok(prog):
            raise _Todo("input placeholder kept: a sess.run of this program is not translated")
        elems = p.shape_elements
        if elems is not None and not elems:
            raise _Todo("scalar input placeholder")
        from ..translate.tf1 import keras_input

        value = keras_input(self.ctx, elems, p.dtype, p.shape)
        self.ctx.count(self)
        return cst.SimpleStatementLine(
            body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(p.name))], value=value)],
            leading_lines=p.statement.leading_lines)

    def _label_fn_read(self, prog: Program, name: str) -> bool:
        """Placeholder ``name`` is read (not as a feed key) by a statement that becomes a loss /
        metric function: that function reads the name when it runs."""
        for node in _walk(prog.scope.node):
            if isinstance(node, cst.Name) and node.value == name:
                parent = self.ctx.parent(node)
                if isinstance(parent, (cst.AssignTarget, cst.DictElement)) \
                        or isinstance(parent, cst.Attribute) and parent.attr is node \
                        or isinstance(parent, cst.Arg) and parent.keyword is node:
                    continue
                if self._inside_label_fn(prog, node):
                    return True
        return False

    def _unfed_default(self, prog: Program, p, updated):
        """``name = tf.placeholder_with_default(value, shape)`` that no run of the program feeds
        (``Program.unfed_defaults``) is ``value`` in every run (TF1 returns the input when nothing
        is fed): ``name = value`` (translated; the shape only checked the default)."""
        if not self.runs_ok(prog):
            raise _Todo(f"placeholder {p.name} (never fed) kept: a sess.run of this program is not translated")
        small = updated.body[0] if isinstance(updated, cst.SimpleStatementLine) and len(updated.body) == 1 else None
        if not (isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) and small.value.args):
            raise _Todo(f"placeholder {p.name} (never fed): not `name = tf.placeholder_with_default(...)`")
        first = small.value.args[0]
        if first.star or (first.keyword is not None and first.keyword.value != "input"):
            raise _Todo(f"placeholder {p.name} (never fed): its default is not the first argument")
        value = first.value
        if self.ctx.bindings.refs(value, deep=True):
            raise _Todo(f"{p.role} placeholder {p.name} is never fed: its default has no Keras translation")
        self.ctx.count(self)
        return updated.with_changes(body=[small.with_changes(value=value)])

    def _optimizer_rate(self, node: cst.Name) -> bool:
        """``tf.train.XxxOptimizer(learning_rate=<node>)`` (or its first argument): a rate
        placeholder that every training run feeds one constant is that constant (TF1 fed it
        as the step's rate; a Keras optimizer takes it as a float)."""
        arg = self.ctx.parent(node)
        if not isinstance(arg, cst.Arg) or arg.value is not node or arg.star:
            return False
        c = self.ctx.parent(arg)
        q = self.ctx.legacy_name(c) if isinstance(c, cst.Call) else None
        # ``tf.train.exponential_decay(<node>, step, ...)``: the schedule's initial rate (TFM133's
        # ExponentialDecay / PolynomialDecay take it as a float)
        if not (q and q.startswith("tensorflow.train.") and (
                q.endswith("Optimizer") or q in ("tensorflow.train.exponential_decay",
                                                 "tensorflow.train.polynomial_decay"))):
            return False
        if arg.keyword is not None:
            return arg.keyword.value == "learning_rate"
        return c.args[0] is arg

    def _passed_to_dropout_param(self, node: cst.Name, allowed: set[str], depth: int = 0) -> bool:
        """``f(..., keep_prob)`` where ``f`` is a function of the file whose matching parameter is
        only read as ``keep_prob=`` / ``training=`` / ``is_training=`` or as tf.nn.dropout's
        argument (translated to a Keras Dropout / training flag, so the value passed is unread),
        or passed on to another such function (``neural_network(x, keep)`` -> ``conv_block(h,
        ..., keep)`` -> ``tf.nn.dropout(h, keep)``, up to four calls deep)."""
        from ..analysis.flow import Flow

        arg = self.ctx.parent(node)
        if not isinstance(arg, cst.Arg) or arg.value is not node or arg.star:
            return False
        c = self.ctx.parent(arg)
        flow = self.ctx.analysis(Flow)
        if not isinstance(c, cst.Call) or not isinstance(c.func, cst.Name) or c.func.value not in flow.functions:
            return False
        fn = flow.functions[c.func.value]
        if arg.keyword is not None:
            param = arg.keyword.value
        else:
            i = list(c.args).index(arg)
            params = [*fn.params.posonly_params, *fn.params.params]
            if i >= len(params) or any(a.keyword is not None or a.star for a in c.args[:i]):
                return False
            param = params[i].name.value
        fscope = flow.scopes.get(id(fn))
        uses = 0
        for n in _walk(fn.body):
            # (a read in a function nested in ``fn`` that does not bind the name reads the parameter)
            if not (isinstance(n, cst.Name) and n.value == param):
                continue
            parent = self.ctx.parent(n)
            if isinstance(parent, cst.Arg) and parent.keyword is n:
                continue
            if isinstance(parent, cst.Attribute) and parent.attr is n:
                continue  # tf.nn.dropout's own name
            if flow.binding_scope(n) is not fscope:
                if flow.scope_of(n) is fscope or any(isinstance(x, (cst.Global, cst.Nonlocal)) for x in _walk(fn)):
                    return False  # (unreachable for a parameter) / a declaration: not followed
                continue  # a nested function's own variable of that name
            if isinstance(parent, cst.Arg) and parent.value is n:
                if parent.keyword is not None and parent.keyword.value in allowed:
                    uses += 1
                    continue
                if dropout_keep_arg(self.ctx, parent):  # tf.nn.dropout's / a DropoutWrapper's keep probability
                    uses += 1
                    continue
                if dropout_rate_arg(self.ctx, parent):  # tf.nn.dropout(x, rate=p): the value fed is the rate
                    uses += 1
                    continue
                if depth < 4 and self._passed_to_dropout_param(n, allowed, depth + 1):
                    uses += 1  # handed on to another function that only drops out with it
                    continue
            if isinstance(parent, cst.DictElement) and parent.value is n and self._normalizer_flag(parent):
                uses += 1  # normalizer_params={'is_training': <param>}: a batch norm's mode (TFM132)
                continue
            return False
        return uses > 0

    def _passed_to_unread_param(self, node: cst.Name) -> bool:
        """``f(..., keep_prob)`` / ``net.loss(..., batch_size_pl)`` where ``f`` is a function of the
        file (or ``loss`` a method of the file's class ``net`` is an instance of) that never reads
        the matching parameter (``def siamese(x, keep_prob)`` whose dropouts are written with
        constants): the placeholder passed changes nothing the graph computes in TF1 (Flow's
        ``plain_callee`` / ``unread_params``)."""
        from ..analysis.flow import Flow

        arg = self.ctx.parent(node)
        if not isinstance(arg, cst.Arg) or arg.value is not node or arg.star:
            return False
        c = self.ctx.parent(arg)
        if not isinstance(c, cst.Call):
            return False
        flow = self.ctx.analysis(Flow)
        fn, skip = flow.plain_callee(c, flow.scope_of(c))
        if fn is None:
            return False
        unread = flow.unread_params(fn, skip)
        bound = flow.call_bindings(fn, c, skip) if unread and not any(a.star for a in c.args) else None
        return bool(bound) and any(p in unread and v is node for p, v in bound.items())

    def _passed_to_class_flag(self, node: cst.Name) -> bool:
        """``Tower('name', is_training)`` where ``Tower`` is a class of the file (its ``__init__``
        its own or inherited from a base class of the file: ``class Siamese(ConvNet)``) that
        only stores the matching parameter as ``self.<attr> = <param>`` and whose methods (the
        bases' included) only read ``self.<attr>`` as ``training=`` / ``is_training=`` (a batch
        norm's / dropout's mode: Keras' training flag, so the value passed is unread) or as the
        predicate of ``tf.cond(self.<attr>, lambda: tf.nn.dropout(h, k), lambda: h)`` (written
        ``keras.ops.where(flag, Dropout(..)(h), h)``: with the flag the training runs' True, the
        Keras Dropout's own mode - see ``_flag_cond``); no code outside reads ``.<attr>``."""
        arg = self.ctx.parent(node)
        if not isinstance(arg, cst.Arg) or arg.value is not node or arg.star:
            return False
        c = self.ctx.parent(arg)
        if not isinstance(c, cst.Call) or not isinstance(c.func, cst.Name):
            return False
        classes = {n.name.value: n for n in _walk(self.ctx.module) if isinstance(n, cst.ClassDef)}
        chain: list[cst.ClassDef] = []
        cls = classes.get(c.func.value)
        while cls is not None and cls not in chain and isinstance(cls.body, cst.IndentedBlock):
            chain.append(cls)
            bases = [b.value for b in cls.bases if not (isinstance(b.value, cst.Name) and b.value.value == "object")]
            if not bases:
                break
            if len(bases) != 1 or not isinstance(bases[0], cst.Name) or bases[0].value not in classes:
                return False  # a base class of another module: its methods are not seen
            cls = classes[bases[0].value]
        if not chain or not isinstance(chain[-1].body, cst.IndentedBlock):
            return False
        init = next((f for k in chain for f in k.body.body
                     if isinstance(f, cst.FunctionDef) and f.name.value == "__init__"), None)
        if init is None:
            return False
        params = [*init.params.posonly_params, *init.params.params]
        if arg.keyword is not None:
            param = arg.keyword.value
        else:
            i = list(c.args).index(arg) + 1  # after self
            if i >= len(params) or any(a.keyword is not None or a.star for a in c.args[:i - 1]):
                return False
            param = params[i].name.value
        attr = None
        for n in _walk(init.body):
            if isinstance(n, cst.Name) and n.value == param:
                parent = self.ctx.parent(n)
                if isinstance(parent, cst.Arg) and parent.keyword is n:
                    continue
                if isinstance(parent, cst.Attribute) and parent.attr is n:
                    continue
                if (isinstance(parent, cst.Assign) and parent.value is n and len(parent.targets) == 1
                        and isinstance(parent.targets[0].target, cst.Attribute)
                        and isinstance(parent.targets[0].target.value, cst.Name)
                        and parent.targets[0].target.value.value == "self" and attr is None):
                    attr = parent.targets[0].target.attr.value
                    continue
                return False
        if attr is None:
            return False
        inside = {id(x) for k in chain for x in _walk(k)}
        uses = 0
        for n in _walk(self.ctx.module):
            if not (isinstance(n, cst.Attribute) and n.attr.value == attr):
                continue
            parent = self.ctx.parent(n)
            if isinstance(parent, cst.AssignTarget) and self.ctx.parent(parent) is not None \
                    and any(x is n for x in _walk(init)):
                continue  # the store in __init__
            if id(n) not in inside or not (isinstance(n.value, cst.Name) and n.value.value == "self"):
                return False
            if isinstance(parent, cst.Arg) and parent.value is n and parent.keyword is not None \
                    and parent.keyword.value in ("training", "is_training"):
                uses += 1
                continue
            if self._flag_cond(parent, n) and self._fed_as_flag(node):
                uses += 1
                continue
            return False  # (a keep probability read through self: TFM134 does not follow it)
        return uses > 0

    def _file_class_call(self, c) -> bool:
        """``Cls(...)`` of a class defined in this file (its ``is_training=`` is no layer's mode:
        ``_passed_to_class_flag`` follows it)."""
        return isinstance(c, cst.Call) and isinstance(c.func, cst.Name) and any(
            isinstance(n, cst.ClassDef) and n.name.value == c.func.value for n in _walk(self.ctx.module))

    def _flag_cond(self, arg, pred) -> bool:
        """``tf.cond(<pred>, lambda: tf.nn.dropout(h, ...), lambda: h)``: a dropout in the true
        branch, the same ``h`` (same code) in the false one. TFM130 writes it
        ``keras.ops.where(pred, Dropout(..)(h), h)`` and TFM134 the dropout as a Keras Dropout:
        with ``pred`` True that is the Dropout, active exactly when Keras trains."""
        if not (isinstance(arg, cst.Arg) and arg.value is pred and not arg.star
                and (arg.keyword is None or arg.keyword.value == "pred")):
            return False
        c = self.ctx.parent(arg)
        if not isinstance(c, cst.Call) or self.ctx.legacy_name(c) != "tensorflow.cond" or c.args[0] is not arg:
            return False
        rest = [a for a in c.args[1:] if a.keyword is None or a.keyword.value in ("true_fn", "false_fn", "fn1", "fn2")]
        if len(rest) != 2 or len(c.args) != 3 or any(
                a.keyword is not None and a.keyword.value not in ("true_fn", "fn1") for a in rest[:1]):
            return False
        t, f = rest[0].value, rest[1].value
        if not all(isinstance(x, cst.Lambda) and not x.params.params and not x.params.kwonly_params
                   and not isinstance(x.params.star_arg, cst.Param) and x.params.star_kwarg is None for x in (t, f)):
            return False
        d = t.body
        if not (isinstance(d, cst.Call) and self.ctx.legacy_name(d) in (
                "tensorflow.nn.dropout", "tensorflow.layers.dropout", "tensorflow.contrib.layers.dropout")
                and d.args and d.args[0].keyword is None and not d.args[0].star):
            return False
        return code(d.args[0].value).strip() == code(f.body).strip()

    def _fed_as_flag(self, node: cst.Name) -> bool:
        """Placeholder ``node`` is fed the literal True by every training run and False by every
        other run that feeds it (as Keras' mode: train_on_batch trains, the rest infer)."""
        prog = self._prog(node)
        if prog is None or node.value not in prog.placeholders:
            return False
        fed = prog.fed_values(node.value)
        return bool(fed) and all(literal(v, None) is (r.train_op is not None) for r, v in fed) \
            and any(r.train_op is not None for r, _ in fed)

    def _other_uses(self, prog: Program, name: str, passed: list | None = None) -> str:
        """Reads of a removed placeholder outside feed_dict keys and translated arguments
        (reads that pass it to a function which only feeds it to dropout go to ``passed``)."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        bad: list[str] = []
        allowed_parents = {"keep_prob", "training", "is_training"}
        for node in _walk(prog.scope.node):
            if isinstance(node, cst.Name) and node.value == name:
                sc = flow.scope_of(node)
                if sc is not prog.scope and name in sc.by_name:
                    continue  # a function's own parameter / local of the same name
                parent = self.ctx.parent(node)
                if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.Attribute) and parent.attr is node):
                    continue  # ``digits.target`` reads no name ``target``
                if isinstance(parent, cst.DictElement) and parent.key is node:
                    continue
                if isinstance(parent, cst.DictElement) and self._normalizer_flag(parent):
                    continue  # normalizer_params={'is_training': <it>}: the batch norm's mode (TFM132)
                if isinstance(parent, cst.Arg):
                    if parent.keyword is not None and parent.keyword.value in allowed_parents \
                            and not self._file_class_call(self.ctx.parent(parent)):
                        continue
                    if parent.keyword is node:
                        continue
                    call_node = self.ctx.parent(parent)
                    q = self.ctx.legacy_name(call_node) if isinstance(call_node, cst.Call) else None
                    if q in ("tensorflow.nn.dropout", "tensorflow.contrib.layers.dropout") \
                            or dropout_keep_arg(self.ctx, parent) or dropout_rate_arg(self.ctx, parent):
                        continue  # a dropout's keep probability / rate (a DropoutWrapper's too)
                    if passed is not None and self._passed_to_unread_param(node):
                        passed.append(node)  # (in a label function too: the callee ignores it)
                        continue
                    if passed is not None and self._flag_cond(parent, node) and self._fed_as_flag(node):
                        # ``tf.cond(is_training, lambda: tf.nn.dropout(h, k), lambda: h)`` of the
                        # placeholder itself: True in training runs, Keras' Dropout mode decides
                        passed.append(node)
                        continue
                    if self._inside_label_fn(prog, node):
                        continue
                    if passed is not None and (self._passed_to_dropout_param(node, allowed_parents)
                                               or self._passed_to_class_flag(node)
                                               or self._optimizer_rate(node)):
                        passed.append(node)
                        continue
                elif self._inside_label_fn(prog, node):
                    continue
                stmt_ = self.ctx.statement_of(node)
                bad.append(code(stmt_).strip().splitlines()[0][:50] if stmt_ is not None else name)
        return "; ".join(bad[:2])

    def _normalizer_flag(self, elem: cst.DictElement) -> bool:
        """``{'is_training': <name>}`` given as a slim / contrib layer's (or arg_scope's)
        ``normalizer_params``: TFM132 writes it as the mode of the batch norm it builds."""
        if literal(elem.key, None) != "is_training":
            return False
        d = self.ctx.parent(elem)
        arg = self.ctx.parent(d) if isinstance(d, cst.Dict) else None
        return (isinstance(arg, cst.Arg) and arg.keyword is not None
                and arg.keyword.value == "normalizer_params" and self.ctx.rule_active("TFM132"))

    def _regularization_add(self, stmt) -> bool:
        """``losses += tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)``: TFM151 removes it
        (Keras adds the layers' regularization losses itself), so it is no assignment."""
        if not self.ctx.rule_active("TFM151"):
            return False
        from ..analysis.regularization import RegularizationReads

        return RegularizationReads.added_in(self.ctx, stmt)

    def _label_fn(self, prog: Program, name: str, original, updated):
        if not self.runs_ok(prog):
            raise _Todo(f"{name} kept as a TF1 tensor: "
                        + (self.label_fn_why(prog) or "a sess.run of this program is not translated"))
        defs = [d for d in prog.scope.by_name.get(name, ()) if not self._regularization_add(d.stmt)]
        group = self._rebinding_group(prog, name, original) if len(defs) != 1 else [original]
        # (a scalar placeholder the runs feed different values: runs_ok is False, label_fn_why)
        params = self._params(prog, name)
        chain = {n: self._params(prog, n) for n in prog.label_chain(name)[:-1]}
        chain.update({wd.name: [] for wd in self._decays(prog).values()})  # a weight decay: computed now
        value = _replace_names(updated.body[0].value, chain)
        self.ctx.count(self)
        if original is not group[-1]:  # ``acc = f(...)`` rebound by ``acc = g(acc)``: one function
            self.__dict__.setdefault("_group_values", {})[id(original)] = (value, updated)
            return cst.RemoveFromParent()
        stash = self.__dict__.get("_group_values", {})
        body = []
        for i, s in enumerate(group[:-1]):
            v, u = stash.pop(id(s))
            body.append(u.with_changes(body=[cst.Assign([cst.AssignTarget(cst.Name(name))], v)],
                                       leading_lines=[] if i == 0 else u.leading_lines))
        body.append(cst.SimpleStatementLine([cst.Return(value)],
                                            leading_lines=[] if len(group) == 1 else updated.leading_lines))
        fn = cst.FunctionDef(
            name=cst.Name(name),
            params=cst.Parameters([cst.Param(cst.Name(p)) for p in params]),
            body=cst.IndentedBlock(body),
            leading_lines=group[0].leading_lines)
        return fn

    def _tuple_fns(self, prog: Program, sp, original, updated):
        """Each label-dependent element -> its loss/metric function reading that element of the
        call; each label-free one -> the sliced helper's call (the label is not needed)."""
        from ..analysis.flow import load_names
        from ..analysis.tuple_calls import TupleCalls

        if not self.runs_ok(prog):
            raise _Todo(f"{', '.join(sp.names)} kept as TF1 tensors: a sess.run of this program is not translated")
        tc = self.ctx.analysis(TupleCalls)
        call = updated.body[0].value if isinstance(updated.body[0], cst.Assign) else None
        if not isinstance(call, cst.Call) or len(call.args) != len(sp.call.args):
            raise _Todo("tuple-returning call not understood")
        read = {n for a in sp.call.args for n in load_names(a.value) if n in prog.tensors
                and not (n in prog.placeholders and self._fed_constant(prog, prog.placeholders[n]) is not None)}
        out: list = []
        for i, name in enumerate(sp.names):
            if sp.label_dependent[i]:
                if self.reads_unfed_scalar(prog, name):
                    raise _Todo(f"{name} reads a scalar placeholder")
                params = self._params(prog, name)
                chain = {n: self._params(prog, n) for n in prog.label_chain(name)[:-1]}
                missing = sorted(n for n in read if n not in params and n not in chain)
                if missing:  # the call reads a tensor the function would not receive
                    raise _Todo(f"{name}: the call also reads {', '.join(missing)}")
                value = cst.Subscript(_replace_names(call, chain),
                                      [cst.SubscriptElement(cst.Index(cst.Integer(str(i))))])
                out.append(cst.FunctionDef(
                    name=cst.Name(name), params=cst.Parameters([cst.Param(cst.Name(p)) for p in params]),
                    body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(value)])])))
            else:
                sl = sp.slices[i]
                v = tc.param_arg(sp, sl, call).deep_clone() if isinstance(sl, str) else tc.slice_call(sp, sl, call)
                out.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(name))], v)]))
                if name in (self.train_fetch_derived(prog) or ()) and self._train_fetches(prog) is not None:
                    self.__dict__.setdefault("_derived_values", {})[name] = v  # for the step's fetch function
        out[0] = out[0].with_changes(leading_lines=original.leading_lines)
        self.ctx.count(self)
        return cst.FlattenSentinel(out)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        """A tuple-returning helper whose label-free element a translated program reads alone:
        its sliced copy follows it (analysis/tuple_calls.py)."""
        from ..analysis.tuple_calls import TupleCalls

        tp = self._tp()
        for prog in tp.programs.values():
            if id(original) in prog.feed_helpers and self.runs_ok(prog):
                # ``def make_feed(a, b, y): return {x1: a, ...}``: every call of it was the feed of a
                # run, each translated with the helper's arguments in place (the placeholders it
                # keys by are gone)
                self.ctx.count(self)
                return cst.RemoveFromParent()
        block = self.ctx.parent(original)
        if tp.flow.functions.get(original.name.value) is not original and not (
                block is not None and isinstance(self.ctx.parent(block), cst.ClassDef)):
            return updated  # (a module function, or a method: its slices are static methods)
        tc = self.ctx.analysis(TupleCalls)
        slices = tc.slices_after(original, lambda p: self._prog(p.scope.node) is p and self.runs_ok(p))
        if not slices:
            return updated
        self.ctx.count(self)
        return cst.FlattenSentinel([updated, *(tc.slice_def(sl, original, updated) for sl in slices)])

    def _rebinding_group(self, prog: Program, name: str, original) -> list:
        """A label-dependent tensor bound more than once (TensorFlow-Examples' ``acc = tf.equal(...)``
        then ``acc = tf.reduce_mean(tf.cast(acc, ...))``): the bindings of ``name`` fall into groups,
        each a binding followed by the statements right after it in the same block that rebind
        ``name`` from its previous value; a group is one function (the earlier bindings are local
        assignments in its body). Several groups are translated only when they compute the same
        thing (the same source: ``correct_prediction`` / ``accuracy`` rewritten in each session),
        as a later function definition replaces an earlier one for every caller. Returns the
        group of ``original`` (ORIGINAL statements, in order); raises when not understood."""
        defs = sorted(prog.scope.by_name.get(name, ()), key=lambda d: d.index)
        why = f"label-dependent tensor {name} is assigned more than once"
        groups: list[list] = []
        for d in defs:
            st = d.stmt
            if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)
                    and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name)):
                raise _Todo(why)
            prev = groups[-1][-1] if groups else None
            if name in d.deps:
                if prev is None or prev.index + 1 != d.index or self.ctx.parent(prev.stmt) is not self.ctx.parent(st):
                    raise _Todo(why + " (rebound from a value that is not the statement before)")
                groups[-1].append(d)
            else:
                groups.append([d])
        sources = {tuple(code(d.stmt.body[0].value).strip() for d in g) for g in groups}
        if len(sources) != 1 and not self._fetched_only(prog, name):
            raise _Todo(why + " with different values, and read by another tensor")
        for g in groups:
            if any(d.stmt is original for d in g):
                return [d.stmt for d in g]
        raise _Todo(why)

    def _fetched_only(self, prog: Program, name: str) -> bool:
        """Every read of ``name`` outside its own bindings is a run's fetch (``sess.run(name)``,
        ``name.eval()``): the function bound last when the run executes is the tensor bound last
        in TF1 - Python rebinds both names alike. (A tensor computed FROM it kept the binding of
        its own construction time, which a call of the function by name would not.)"""
        fetched = set()
        for r in prog.runs:
            if r.fetches is None:
                continue
            for e in ([el.value for el in r.fetches.elements] if r.fetch_is_list else [r.fetches]):
                fetched.add(id(e))
        own = {id(n) for d in prog.scope.by_name.get(name, ()) for n in _walk(d.stmt)}
        for node in _walk(self.ctx.module):
            if not (isinstance(node, cst.Name) and node.value == name) or id(node) in own or id(node) in fetched:
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.Attribute) and parent.attr is node) \
                    or (isinstance(parent, cst.Arg) and parent.keyword is node):
                continue
            return False
        return True

    def _train_op(self, prog: Program, op, updated):
        ins, outs, loss, labels = model_info(prog)
        if not self.runs_ok(prog):
            raise _Todo("train op kept: a sess.run of this program is not translated (see its TODO)")
        small = updated.body[0]
        value = small.value if isinstance(small, (cst.Assign, cst.Expr)) else None
        if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
            raise _Todo("minimize() call not understood")
        from ..analysis.tf1_program import default_minimize_arg

        for a in op.call.args[1:]:
            if not default_minimize_arg(self._tp().qname, a):
                raise _Todo(f"minimize({code(a).strip(', ')}) is not translated")
        optimizer = value.func.value
        if op.clip is not None and isinstance(optimizer, cst.Call) and not any(
                a.keyword is not None and a.keyword.value == op.clip[0] for a in optimizer.args):
            # ``tf.train.GradientDescentOptimizer(0.1).apply_gradients(clipped)``: TF1 clipped the
            # gradients first; the Keras optimizer made in place takes the clip as an argument
            optimizer = optimizer.with_changes(args=[*optimizer.args, cst.Arg(
                op.clip[1].deep_clone(), keyword=cst.Name(op.clip[0]),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))])
            clip_given = True
        else:
            clip_given = False
        model = self._tp().model_name(prog)
        self.ctx.add_import("keras")
        in_node = cst.parse_expression(ins[0]) if len(ins) == 1 else cst.parse_expression(
            "[" + ", ".join(ins) + "]")
        fetches = self._train_fetches(prog)
        if fetches and not labels and outs == [loss]:
            # a label-free loss fetched with other label-free tensors: each an output of the model,
            # the loss's among them (FetchingLossModel: the step returns them all)
            self.ctx.use_helper("FetchingLossModel")
            every = _loss_fetch_outputs(fetches, loss)
            out_node = cst.parse_expression("[" + ", ".join(every) + "]")
            stmts = [stmt("{m} = FetchingLossModel({i}, {o}, %d)" % every.index(loss), m=cst.Name(model), i=in_node,
                          o=out_node),
                     stmt("{m}.compile(optimizer={opt})", m=cst.Name(model), opt=optimizer)]
        elif fetches:  # the training runs fetch metrics too: the step returns them (FetchingModel)
            self.ctx.use_helper("FetchingModel")
            params = labels + outs
            fn = f"{model}_fetches"
            derived = self.train_fetch_derived(prog) or []
            stash = self.__dict__.get("_derived_values", {})
            if any(d not in stash for d in derived):
                raise _Todo("a tensor the training run's fetches read is computed after the train op")
            values = ", ".join(n if (n in outs or n in derived) and not prog.label_dependent(n) and n not in prog.metrics
                               # a streaming metric's update: its arguments, the update runs after the step
                               else "(" + ", ".join(self._params(prog, n)) + ("," if len(self._params(prog, n)) == 1
                                                                             else "") + ")" if n in prog.metrics
                               else f"{n}({', '.join(self._params(prog, n))})" for n in fetches)
            out_node = cst.Name(outs[0]) if len(outs) == 1 else cst.parse_expression("[" + ", ".join(outs) + "]")
            ret = values if len(fetches) > 1 else f"({values},)"
            # (the derived tensors computed from the outputs the step hands the function)
            lines = "".join(f"    {d} = {code(stash[d])}\n" for d in derived)
            stmts = [*cst.parse_module(f"def {fn}({', '.join(params)}):\n{lines}    return {ret}\n").body,
                     stmt("{m} = FetchingModel({i}, {o}, {l}, {f})", m=cst.Name(model), i=in_node, o=out_node,
                          l=_name_expr(loss), f=cst.Name(fn)),
                     stmt("{m}.compile(optimizer={opt})", m=cst.Name(model), opt=optimizer)]
        elif op.loss_index is not None:  # minimize(loss[i]): the loss function returns a structure
            self.ctx.use_helper("IndexedLossModel")
            out_node = cst.Name(outs[0]) if len(outs) == 1 else cst.parse_expression("[" + ", ".join(outs) + "]")
            stmts = [stmt("{m} = IndexedLossModel({i}, {o}, {l}, {k})", m=cst.Name(model), i=in_node, o=out_node,
                          l=_name_expr(loss), k=op.loss_index.deep_clone()),
                     stmt("{m}.compile(optimizer={opt})", m=cst.Name(model), opt=optimizer)]
        elif not labels and outs == [loss]:  # a label-free loss: the model's output IS the loss
            self.ctx.use_helper("LossModel")
            stmts = [stmt("{m} = LossModel({i}, {l})", m=cst.Name(model), i=in_node, l=_name_expr(loss)),
                     stmt("{m}.compile(optimizer={opt})", m=cst.Name(model), opt=optimizer)]
        elif len(outs) == 1 and len(labels) == 1:
            plan = self.ctx.analysis(FitLoops).of(prog) if self.ctx.rule_active("TFM143") else None
            metrics = ""
            if plan is not None and plan.records:  # TFM143 records per-batch losses from this metric
                self.ctx.use_helper("BatchLoss")
                metrics = ", metrics=[BatchLoss({l})]"
            stmts = [stmt("{m} = keras.Model({i}, {o})", m=cst.Name(model), i=in_node, o=cst.Name(outs[0])),
                     stmt("{m}.compile(optimizer={opt}, loss={l}%s)" % metrics, m=cst.Name(model), opt=optimizer,
                          l=_name_expr(loss))]
        else:
            self.ctx.use_helper("TrainingModel")
            out_node = cst.parse_expression("[" + ", ".join(outs) + "]")
            stmts = [stmt("{m} = TrainingModel({i}, {o}, {l})", m=cst.Name(model), i=in_node, o=out_node,
                          l=_name_expr(loss)),
                     stmt("{m}.compile(optimizer={opt})", m=cst.Name(model), opt=optimizer)]
        if op.clip is not None and not clip_given:  # TF1 clipped the gradients before apply_gradients
            if not isinstance(optimizer, (cst.Name, cst.Attribute)):
                raise _Todo("apply_gradients on an unnamed optimizer")
            stmts.insert(0, stmt("{o}.%s = {v}" % op.clip[0], o=optimizer, v=op.clip[1]))
        stmts[0] = stmts[0].with_changes(leading_lines=op.statement.leading_lines)
        self.ctx.count(self)
        return cst.FlattenSentinel(stmts)

    def _feeds(self, prog: Program, r: Run, updated_call: cst.Call) -> dict[str, cst.BaseExpression]:
        if not r.ok:
            raise _Todo(f"sess.run: {r.why}")
        feed = r.feed_arg(updated_call)
        self._orig_feeds = r.feeds
        out: dict[str, cst.BaseExpression] = {}
        if r.feed_name is not None and isinstance(feed, cst.Name):  # the named dict, keyed by names now
            return {p: cst.Subscript(feed, [cst.SubscriptElement(cst.Index(cst.SimpleString(repr(p))))])
                    for p in r.feeds}
        if isinstance(feed, cst.Dict):
            for el in feed.elements:
                out[el.key.value] = el.value  # type: ignore[union-attr]
        elif r.feed_inline is not None and isinstance(feed, cst.Call):
            # ``feed_dict=get_feed(data, 'train')``: the values of the helper's path for these
            # arguments (its assignments go before the statement: leave_SimpleStatementLine)
            out = r.feed_inline.fed()
        elif r.feed_params is not None and isinstance(feed, cst.Call):
            # ``feed_dict=make_feed(a, b, y)``: each placeholder takes the (updated) argument of its
            # parameter; the helper itself goes (leave_FunctionDef)
            fn = next(f for f in prog.feed_helpers.values() if f.name.value == feed.func.value)  # type: ignore[union-attr]
            bound = self._tp().flow.call_bindings(fn, feed)
            if bound is None:
                raise _Todo("sess.run: the feed helper's arguments are not understood")
            out = {ph: bound[param] for ph, param in r.feed_params.items()}
        return out

    def _x(self, prog: Program, ins: list[str], feeds: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
        missing = [p for p in ins if p not in feeds]
        if missing:
            raise _Todo(f"sess.run does not feed {', '.join(missing)}")
        orig = getattr(self, "_orig_feeds", {})
        return _elems([self._as_array(orig.get(p), feeds[p], placeholder=prog.placeholders.get(p)) for p in ins])

    def _as_array(self, orig, value, dtype: str | None = None, placeholder=None):
        """TF1 converted every fed value with ``np.asarray(value, placeholder dtype)``; Keras reads
        a Python list as several inputs. A value computed by the file's own code (a function, a
        method or an attribute of an object of a class defined here: TensorFlow-Examples'
        ``batch_x, batch_y, batch_seqlen = trainset.next(batch_size)`` returns lists) becomes
        ``np.asarray(value)`` (``np.asarray(value, 'float32')`` for a label placeholder of a float
        dtype: the loss's arithmetic would not take the int array a pair generator returns, where
        TF1 converted it). A value that is provably a Python list / tuple (analysis/fed_values.py:
        ``x1, x2, y = zip(*batch)``, a list built by append, a display) becomes
        ``np.asarray(value, <the placeholder's dtype>)``, TF1's own conversion. Names bound to
        arrays, slices and number literals stay as they are."""
        from ..analysis.fed_values import tf1_feed_conversion
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        conv = tf1_feed_conversion(flow, orig, value, placeholder.dtype if placeholder is not None else None,
                                   None if placeholder is not None else dtype)
        if conv is not None:
            self.ctx.add_import("numpy", asname="np")
            return conv
        if not isinstance(orig, cst.Name) or not isinstance(value, cst.Name):
            return value
        classes = {s.name.value for s in self.ctx.module.body if isinstance(s, cst.ClassDef)}

        helper = flow.scope_of(orig).node
        inlined = isinstance(helper, cst.FunctionDef) and any(
            id(helper) in p.feed_helpers for p in self._tp().programs.values())

        def instance(n) -> bool:  # a name bound to ``C(...)`` with C a class of this file
            while inlined and isinstance(n, cst.Attribute):
                n = n.value  # (an inlined feed helper's ``c.train.next_batch(...)``, ``c`` its parameter)
            d = flow.def_of(n.value, n) if isinstance(n, cst.Name) else None
            if inlined and d is not None and d.index == -1 and d.scope is not None and d.scope.node is helper:
                return True
            v = d.value if d is not None else None
            return isinstance(v, cst.Call) and isinstance(v.func, cst.Name) and v.func.value in classes

        d = flow.def_of(orig.value, orig)
        v = d.value if d is not None else None
        user = False
        if isinstance(v, cst.Call):
            f = v.func
            user = (isinstance(f, cst.Name) and (f.value in flow.functions or f.value in classes)) or (
                isinstance(f, cst.Attribute) and instance(f.value))
        elif isinstance(v, cst.Attribute):
            user = instance(v.value)
        if not user:
            return value
        self.ctx.add_import("numpy", asname="np")
        if dtype is not None:
            return call("np.asarray", value, cst.SimpleString(repr(dtype)))
        return call("np.asarray", value)

    def _rate_statement(self, prog: Program, rv, role: str, updated, original):
        """The PTB tutorial's learning-rate variable (analysis/rate_variables.py): ``lr =
        tf.Variable(0.0, trainable=False)`` -> ``lr = 0.0`` (the optimizer's initial rate); its
        placeholder and assign ops go; a run of an assign op -> ``model.optimizer.learning_rate =
        <the fed value>`` (Keras' optimizer holds its rate in a variable, read at every step)."""
        if not self.runs_ok(prog):
            if role == "variable":
                raise _Todo("learning-rate variable kept: a sess.run of this program is not translated")
            return updated
        self.ctx.count(self)
        if role in ("placeholder", "assign"):
            return cst.RemoveFromParent()
        if role == "variable":
            small = updated.body[0]
            return updated.with_changes(
                body=[small.with_changes(value=rv.start.deep_clone())],
                trailing_whitespace=cst.TrailingWhitespace(
                    whitespace=cst.SimpleWhitespace("  "),
                    comment=cst.Comment("# TF1's rate variable: its assign runs set optimizer.learning_rate"),
                    newline=cst.Newline()))
        r = next(x for x in rv.set_runs if x.statement is original)
        value = self._feeds(prog, r, updated.body[0].value).get(rv.placeholder)
        if value is None:
            raise _Todo(f"the run setting {rv.name} does not feed {rv.placeholder}")
        target = expr("{m}.optimizer.learning_rate", m=cst.Name(self._tp().model_name(prog)))
        return updated.with_changes(body=[cst.Assign([cst.AssignTarget(target)], value)])

    def _table_statement(self, prog: Program, t, role: str, updated, original):
        """A pretrained table filled by an assign (analysis/assigned_tables.py): ``W =
        tf.Variable(tf.constant(0.0, shape=[V, D]), trainable=False)`` -> ``W =
        keras.layers.Embedding(V, D, embeddings_initializer=.., trainable=False)`` (the value every
        run feeds, or the constant); its placeholder and assign ops go; a run of the assign ->
        ``W.embeddings.assign(<the fed value>)``."""
        if not self.runs_ok(prog):
            if role == "variable":
                raise _Todo("embedding table kept: a sess.run of this program is not translated")
            return updated
        self.ctx.count(self)
        if role in ("placeholder", "assign"):
            return cst.RemoveFromParent()
        if role == "set":
            r = next(x for x in t.set_runs if x.statement is original)
            value = self._feeds(prog, r, updated.body[0].value).get(t.placeholder)
            if value is None:
                raise _Todo(f"the run setting {t.name} does not feed {t.placeholder}")
            return updated.with_changes(body=[cst.Expr(expr("{w}.embeddings.assign({v})", w=cst.Name(t.name),
                                                            v=value))])
        self.ctx.add_import("keras")
        if t.every_run_value is not None:
            init = expr("keras.initializers.Constant({v})", v=t.every_run_value.deep_clone())
        elif t.fill is None or literal(t.fill, None) == 0:
            init = cst.SimpleString(repr("zeros"))
        else:
            init = expr("keras.initializers.Constant({v})", v=t.fill.deep_clone())
        layer = expr("keras.layers.Embedding({r}, {c}, embeddings_initializer={i}, trainable=False)",
                     r=t.rows.deep_clone(), c=t.cols.deep_clone(), i=init)
        small = updated.body[0]
        return updated.with_changes(body=[small.with_changes(value=layer)])

    def _table_lookup(self, prog, t, original: cst.Call, updated: cst.Call):
        """``tf.nn.embedding_lookup(W or W's assign op, ids)`` -> ``W(ids)``."""
        if prog is None or not self.runs_ok(prog):
            return updated
        ids = _arg(updated, 1, "ids")
        self.ctx.count(self)
        return cst.Call(func=cst.Name(t.name), args=[cst.Arg(ids)])

    def _per_run_rate(self, prog: Program) -> str | None:
        """The hyper placeholder that is the learning rate of the program's only optimizer and
        that every training run feeds (a value computed per run: ``{lr: base * 0.5 ** epoch}``,
        not one constant): TF1 stepped with the fed rate, so the translation sets
        ``model.optimizer.learning_rate`` to that value before each ``train_on_batch``. None
        when there is no such placeholder (its only other reads are feeds), when a fit loop
        (TFM143) would run the steps, or when a training run does not feed it."""
        cache = self.__dict__.setdefault("_rate_cache", {})
        if id(prog) in cache:
            return cache[id(prog)]
        cache[id(prog)] = None
        trains = [r for r in prog.runs if r.train_op is not None and not r.initializer]
        if len(prog.train_ops) != 1 or not trains or (
                self.ctx.rule_active("TFM143") and self.ctx.analysis(FitLoops).of(prog) is not None):
            return None
        for p in prog.placeholders.values():
            if p.role != "hyper" or not all(p.name in r.feeds for r in trains):
                continue
            vals = {code(r.feeds[p.name]).strip() for r in trains}
            if len(vals) == 1 and self._constant(cst.parse_expression(next(iter(vals))), p.statement):
                continue  # one constant: the placeholder becomes it (_placeholder)
            passed: list = []
            if self._other_uses(prog, p.name, passed) or not passed \
                    or not all(self._optimizer_rate(n) for n in passed):
                continue
            kinds = {(self.ctx.legacy_name(self.ctx.parent(self.ctx.parent(n))) or "").rsplit(".", 1)[-1]
                     for n in passed}
            if not kinds <= _RATE_PER_STEP_OPTIMIZERS:
                self.__dict__.setdefault("_rate_why", {})[p.name] = (
                    f"{', '.join(sorted(kinds - _RATE_PER_STEP_OPTIMIZERS))} with a rate fed per training run: "
                    "its Keras translation is not proven to step with the current rate alone")
                continue
            cache[id(prog)] = p.name
            return p.name
        return None

    def _train_run(self, prog: Program, r: Run, original, updated):
        res = self._train_run_step(prog, r, original, updated)
        if r.train_op is not None and not r.initializer and isinstance(res, (cst.SimpleStatementLine,
                                                                             cst.FlattenSentinel)):
            res = self._rate_reads(prog, r, updated, res)
        rate = self._per_run_rate(prog) if r.train_op is not None and not r.initializer else None
        if rate is None or not isinstance(res, (cst.SimpleStatementLine, cst.FlattenSentinel)):
            return res
        small = updated.body[0]
        feeds = self._feeds(prog, r, small.value)
        if rate not in feeds:
            raise _Todo(f"the training run's rate {rate} is not fed by it")
        set_rate = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(expr("{m}.optimizer.learning_rate", m=cst.Name(self._tp().model_name(prog))))],
                        feeds[rate])], leading_lines=updated.leading_lines)
        rest = list(res.nodes) if isinstance(res, cst.FlattenSentinel) else [res]
        rest[0] = rest[0].with_changes(leading_lines=[])
        return cst.FlattenSentinel([set_rate, *rest])

    def _rate_reads(self, prog: Program, r: Run, updated, res):
        """A training run fetching a learning rate computed from the step counter (``_, l, cur =
        sess.run([train, loss, lr], feed)``): TF1 computed it from the step before the run's
        increment, the rate this update used - ``cur = <its schedule called with the optimizer's
        iterations>`` on the line before the step."""
        counters = self._counters()
        rates = {i: counters.rate_fetch(prog, r, i) for i in range(len(r.fetch_names))}
        rates = {i: v for i, v in rates.items() if v is not None}
        if not rates:
            return res
        small = updated.body[0]
        target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
        if not isinstance(target, (cst.Tuple, cst.List)) or len(target.elements) != len(r.fetch_names):
            raise _Todo("sess.run result not unpacked into one name per fetch")
        reads = _fetch_reads(target, rates, lambda rate: self._step_fetch(prog, *rate))
        if not reads:
            return res
        rest = list(res.nodes) if isinstance(res, cst.FlattenSentinel) else [res]
        reads[0] = reads[0].with_changes(leading_lines=rest[0].leading_lines)
        rest[0] = rest[0].with_changes(leading_lines=[])
        return cst.FlattenSentinel([*reads, *rest])

    def _train_run_step(self, prog: Program, r: Run, original, updated):
        if r.initializer:
            if not self.runs_ok(prog):
                return updated  # the session stays, so does its initialisation
            if prog.metrics and self._tp().resets_locals(prog, r):
                if not isinstance(original.body[0], cst.Expr) or len(original.body) != 1:
                    raise _Todo("the local variables' initialisation is not a statement of its own")
                return self._metric_resets(prog, updated)
            self.ctx.count(self)
            return cst.RemoveFromParent()
        if self._suppressed(prog):
            raise _Todo("training run kept: a statement of this program keeps TF1 "
                        "(`# tflearn-migrate: ignore`), so no Keras model is built")
        ins, outs, loss, labels = model_info(prog)
        small = updated.body[0]
        value = small.value if isinstance(small, (cst.Assign, cst.Expr)) else None
        if not isinstance(value, cst.Call) or value is None:
            raise _Todo("sess.run(train_op) inside a larger expression")
        feeds = self._feeds(prog, r, value)
        x = self._x(prog, ins, feeds)
        missing = [p for p in labels if p not in feeds]
        if missing:
            raise _Todo(f"training run does not feed {', '.join(missing)}")
        model = self._tp().model_name(prog)
        y = _elems([self._as_array(getattr(self, "_orig_feeds", {}).get(p), feeds[p],
                                   _float_dtype(prog.placeholders[p].dtype), prog.placeholders[p])
                    for p in labels])
        if labels:
            step = expr("{m}.train_on_batch({x}, {y})", m=cst.Name(model), x=x, y=y)
        else:  # a LossModel: its output is the loss
            step = expr("{m}.train_on_batch({x})", m=cst.Name(model), x=x)
        counters = self._counters()
        fetched_counters = {i: counters.fetch(prog, r, i) for i in range(len(r.fetch_names))}
        others = [n for i, n in enumerate(r.fetch_names) if n != r.train_op.name and not self._summary(n)
                  and fetched_counters[i] is None and counters.rate_fetch(prog, r, i) is None]
        plan = self._train_fetches(prog)
        if plan is not None:
            return self._train_run_fetches(prog, r, updated, small, model, x, y, plan, fetched_counters)
        if any(n is None or n != loss for n in others) or len(others) > 1:
            raise _Todo("the training run fetches more than the train op and its loss")
        if others and r.train_op.loss_index is not None:  # the whole structure, from the step's forward pass
            step = expr('keras.tree.map_structure(keras.ops.convert_to_numpy, {m}.train_on_batch({x}, {y}, '
                        'return_dict=True)["fetched"])', m=cst.Name(model), x=x, y=y)
        if not self.runs_ok(prog):  # the session and the train op stay: so does this run
            raise _Todo(self._kept_training_run(prog))
        self.ctx.count(self)
        if any(fetched_counters.values()):
            return self._train_run_counters(r, updated, small, step, fetched_counters, loss, model)
        if isinstance(small, cst.Expr):
            return updated.with_changes(body=[cst.Expr(step)])
        if len(small.targets) != 1:
            raise _Todo("chained assignment of sess.run")
        target = small.targets[0].target
        if not r.fetch_is_list:
            return updated.with_changes(body=[cst.Expr(step)]) if not others else \
                updated.with_changes(body=[small.with_changes(value=step)])
        if not isinstance(target, (cst.Tuple, cst.List)) or len(target.elements) != len(r.fetch_names):
            raise _Todo("sess.run result not unpacked into one name per fetch")
        loss_target = None
        for el, n in zip(target.elements, r.fetch_names):
            if n == loss:
                loss_target = el.value
        if loss_target is None or (isinstance(loss_target, cst.Name) and loss_target.value == "_"):
            return updated.with_changes(body=[cst.Expr(step)])
        return updated.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(loss_target)], value=step)])

    def _train_run_fetches(self, prog: Program, r: Run, updated, small, model: str, x, y, plan: list[str],
                           counters: dict | None = None):
        """``_, l, a = sess.run([train_op, loss, acc], feed)`` -> ``l, a = <the FetchingModel step's
        "fetched" values>`` (the train op's and summaries' places dropped); a step counter fetched
        too (``_, step, l, a = sess.run([train_op, global_step, loss, acc], feed)``): its value after
        the step, read from the optimizer's iterations, on the next line."""
        if not self.runs_ok(prog):
            raise _Todo(self._kept_training_run(prog))
        ins, outs, loss, labels = model_info(prog)
        label_free = not labels and outs == [loss]
        if label_free:  # a FetchingLossModel: no labels; it returns every output, the loss's too
            step = expr('keras.tree.map_structure(keras.ops.convert_to_numpy, {m}.train_on_batch({x}, '
                        'return_dict=True)["fetched"])', m=cst.Name(model), x=x)
        else:
            step = expr('keras.tree.map_structure(keras.ops.convert_to_numpy, {m}.train_on_batch({x}, {y}, '
                        'return_dict=True)["fetched"])', m=cst.Name(model), x=x, y=y)
        self.ctx.count(self)
        if isinstance(small, cst.Expr):
            return updated.with_changes(body=[cst.Expr(step)])
        target = small.targets[0].target if len(small.targets) == 1 else None
        if not r.fetch_is_list or not isinstance(target, (cst.Tuple, cst.List)) \
                or len(target.elements) != len(r.fetch_names):
            raise _Todo("sess.run result not unpacked into one name per fetch")
        kept = [el.value for el, n in zip(target.elements, r.fetch_names) if n in plan]
        if label_free and loss not in plan:
            kept.append(cst.Name("_"))  # (the loss output the run did not fetch)
        # a streaming metric's update fetched: the step returned its arguments (computed on the
        # step's forward pass, as TF1's run did); the update runs now and its value is the fetch
        updates = []
        for i, (t, n) in enumerate(zip(kept, [n for n in r.fetch_names if n in plan])):
            if n in prog.metrics:
                if not isinstance(t, cst.Name):
                    raise _Todo(f"the fetched {n} is not unpacked into a name")
                if t.value == "_":
                    t = kept[i] = cst.Name(f"{n}_args")
                    updates.append(cst.SimpleStatementLine([cst.Expr(expr("{u}(*{a})", u=cst.Name(n), a=t))]))
                else:
                    updates.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(t)], expr(
                        "{u}(*{a})", u=cst.Name(n), a=t))]))
        updates += _counter_reads(target, counters or {}, model)
        if all(isinstance(t, cst.Name) and t.value == "_" for t in kept):
            out = updated.with_changes(body=[cst.Expr(step)])
        else:
            new_target = cst.Tuple([cst.Element(t) for t in kept], lpar=[], rpar=[])
            out = updated.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(new_target)], value=step)])
        return cst.FlattenSentinel([out, *updates]) if updates else out

    def _train_run_counters(self, r: Run, updated, small, step, counters, loss, model):
        """A training run fetching a step counter: the step, then the counter's value after it."""
        target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
        if not r.fetch_is_list or not isinstance(target, (cst.Tuple, cst.List)) \
                or len(target.elements) != len(r.fetch_names):
            raise _Todo("sess.run result not unpacked into one name per fetch")
        out = []
        loss_target = next((el.value for el, n in zip(target.elements, r.fetch_names) if n == loss), None)
        if loss_target is None or (isinstance(loss_target, cst.Name) and loss_target.value == "_"):
            out.append(updated.with_changes(body=[cst.Expr(step)]))
        else:
            out.append(updated.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(loss_target)], value=step)]))
        return cst.FlattenSentinel(out + _counter_reads(target, counters, model))

    # -- evaluation runs: expressions --------------------------------------------------------
    # -- a session given to a module function whose runs are the program's: parameter and arguments go
    def _session_param_program(self, node, kind: str) -> bool:
        prog = self._tp().programs.get(id(self.ctx.module))
        if prog is None or not any(x is node for x in getattr(prog, kind)):
            return False
        prog = self._prog(node)
        return prog is not None and self.runs_ok(prog)

    def leave_Param(self, original: cst.Param, updated: cst.Param):
        if self._session_param_program(original, "session_params"):
            self.ctx.count(self)
            return cst.RemoveFromParent()
        return updated

    def leave_Parameters(self, original: cst.Parameters, updated: cst.Parameters):
        return drop_left_comma_params(original, updated)

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        if self._session_param_program(original, "session_args"):
            self.ctx.count(self)
            return cst.RemoveFromParent()
        return updated

    def _kept_training_run(self, prog) -> str:
        """The TODO of a training run kept because the program's runs are not all translated."""
        return "training run kept: " + (self.escaping_eval_why(prog)
                                         or "another sess.run of this program is not translated")

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if original.args and self._session_param_program(original.args[-1], "session_args"):
            updated = drop_left_comma_args(original, updated)  # ``evaluate(a, sess)``: no ``(a, )``
        tp = self._tp()
        r = tp.run_of(original)
        if r is None:
            table = self._tables().lookup(self._prog(original), original)
            if table is not None:
                return self._table_lookup(self._prog(original), table, original, updated)
            ev = self._schedule_eval(original)
            return ev if ev is not None else self._saver_call(original, updated)
        prog = self._prog(original)
        if prog is None or prog.several_graphs:
            return updated
        if r is None or r.initializer or r.train_op is not None:
            return updated
        if self.ctx.rule_active("TFM142") and tp.summary_run(r):
            return updated  # removed by TFM142 with the summaries it feeds
        if self._tables().run(prog, r) is not None:
            return updated  # the statement is replaced (_table_statement)
        rate = self._rates().run(prog, r)
        if rate is not None:
            if rate[1] == "set" or not self.runs_ok(prog):
                return updated  # the statement is replaced (_rate_statement) / the program stays TF1
            self.ctx.add_import("keras")
            self.ctx.count(self)
            value = expr("keras.ops.convert_to_numpy({m}.optimizer.learning_rate)",
                         m=cst.Name(tp.model_name(prog)))
            if not r.fetch_is_list:
                return value
            els = [cst.Element(value) for _ in r.fetch_names]
            return cst.Tuple(els) if isinstance(r.fetches, cst.Tuple) else cst.List(els)
        kept = not self.runs_ok(prog)  # the program stays TF1 (its session with it): so do its runs
        if kept and self._run_ok(prog, r):
            return updated
        self._in_loop = self._inside_loop(original)
        try:
            feeds = self._feeds(prog, r, updated)
            outs = []
            fetched = r.fetch_arg(updated)
            elems = [e.value for e in fetched.elements] if r.fetch_is_list else [fetched]
            orig_elems = [e.value for e in r.fetches.elements] if r.fetch_is_list else [r.fetches]
            for i, (n, e, oe) in enumerate(zip(r.fetch_names, elems, orig_elems)):
                step = self._counters().eval_fetch(prog, r, i)
                if step is not None:
                    outs.append(self._step_fetch(prog, *step))
                    continue
                if n is None:
                    outs.append(self._eval_expr(prog, oe, e, feeds))
                    continue
                if n not in prog.tensors or n in prog.placeholders:
                    raise _Todo(f"sess.run fetches {n} (not a model tensor, loss or metric)")
                fn = self.called_train_op(prog, n)
                if fn is not None:
                    raise _Todo(f"sess.run fetches {n}, the training op {fn}() builds with minimize: "
                                "its step is not translated")
                outs.append(self._eval(prog, n, feeds))
        except (_Todo, Untranslatable) as ex:
            self.todo(original, str(ex))
            return updated
        if kept:
            self.todo(original, "sess.run kept: another sess.run of this program is not translated")
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        if not r.fetch_is_list:
            return outs[0]
        els = [cst.Element(o) for o in outs]
        return cst.Tuple(els) if isinstance(r.fetches, cst.Tuple) else cst.List(els)

    def _step_fetch(self, prog, c, rate: str | None) -> cst.BaseExpression:
        """A step counter (or an exponential_decay of it) fetched by an evaluation run: its value
        after the updates so far (the optimizer's iterations; the rate: its schedule called with them)."""
        it = f"{self._tp().model_name(prog)}.optimizer.iterations"
        value = cst.parse_expression(c.value(it) if rate is None else f"{rate}({it})")
        return expr("keras.ops.convert_to_numpy({v})", v=value)

    def _schedule_eval(self, original: cst.Call) -> cst.BaseExpression | None:
        """``lr.eval()`` of a learning rate computed from a step counter (analysis/step_counter.py):
        the rate the next update uses, its schedule called with the optimizer's iterations (the
        updates so far, TF1's global step)."""
        f = original.func
        prog = self._prog(original)
        if prog is None or not self.runs_ok(prog):
            return None
        counter = self._counters().counter_evaluated(prog, original)
        if counter is not None:
            # ``step.eval()`` / ``tf.train.global_step(sess, step)``: the counter after the updates so
            # far (tf.train.global_step returns it as a Python int)
            self.ctx.count(self)
            value = self._step_fetch(prog, counter, None)
            fn = f.value if isinstance(f, cst.Attribute) else None
            return value if isinstance(fn, cst.Name) and f.attr.value == "eval" else expr("int({v})", v=value)
        if not (isinstance(f, cst.Attribute) and f.attr.value == "eval" and isinstance(f.value, cst.Name)):
            return None
        c = self._counters().evaluated(prog, original)
        if c is None:
            return None
        self.ctx.count(self)
        model = self._tp().model_name(prog)
        return expr("keras.ops.convert_to_numpy({lr}({m}.optimizer.iterations))", lr=cst.Name(f.value.value),
                    m=cst.Name(model))

    _in_loop = False

    def _inside_loop(self, node: cst.CSTNode) -> bool:
        """``node`` runs repeatedly: inside a for / while loop (of its function or the module)."""
        return bool(self.ctx.loops_around(node, stop=(cst.FunctionDef, cst.ClassDef, cst.Lambda)))

    def _sub_model(self, i: cst.BaseExpression, t: cst.BaseExpression) -> cst.BaseExpression:
        """The model computing ``t`` from ``i`` for an evaluation run: ``keras.Model(i, t)``, or,
        in a loop, ``tf1_fetches([i], [t])`` - built once, not at every iteration."""
        if not self._in_loop:
            return expr("keras.Model({i}, {t})", i=i, t=t)
        self.ctx.use_helper("tf1_fetches")
        ins = i if isinstance(i, cst.List) else cst.List([cst.Element(i)])
        return expr("tf1_fetches({i}, [{t}])", i=ins, t=t)

    def _predict(self, prog: Program, tensor: str, feeds) -> cst.BaseExpression:
        ins = [p for p in prog.placeholders_of(tensor) if prog.placeholders[p].role == "input"]
        if not ins and (prog.model_variable(tensor) or prog.weight_value(tensor)):
            # a weight, or a value of weights alone (TF1Variable layers placed in the graph by
            # the tensors reading them): the inputs of those tensors
            ins = prog.weight_inputs(tensor)
        x = self._x(prog, ins, feeds)
        try:
            m_ins, m_outs, _, _ = model_info(prog)
        except _Todo:
            m_ins, m_outs = None, None
        i = cst.Name(ins[0]) if len(ins) == 1 else cst.parse_expression("[" + ", ".join(ins) + "]")
        m = cst.Name(self._tp().model_name(prog)) if m_outs == [tensor] and m_ins == ins else \
            self._sub_model(i, cst.Name(tensor))
        if self._dropout_at_eval(prog, feeds):  # TF1 dropped units in this run too: Keras' training mode
            return expr("keras.ops.convert_to_numpy({m}({x}, training=True))", m=m, x=x)
        return expr("{m}.predict_on_batch({x})", m=m, x=x)

    def _dropout_at_eval(self, prog: Program, feeds) -> bool:
        """The evaluation run feeds a dropout keep_prob placeholder the value the training runs
        feed (not 1.0): TF1 dropped units in it, so the Keras model is called with
        ``training=True`` - safe only when every scalar placeholder of the program is such a
        keep_prob (no is_training flag: training=True would switch batch norm too)."""
        from ..analysis.keep_prob import run_constant

        def value(v):
            """A number fed, or the code of a never-assigned ``FLAGS.<name>`` (fixed for the run:
            the training runs' ``FLAGS.dropout_keep_prob`` fed at evaluation too)."""
            num = literal(v, None)
            if num is None and isinstance(run_constant(self.ctx, v), cst.BaseExpression):
                return code(v).strip()
            return num

        fed = {p: value(v) for p, v in feeds.items()
               if p in prog.placeholders and prog.placeholders[p].role == "hyper"
               and not self._constant_not_dropout(prog, p)}
        # a drop RATE placeholder (tf.nn.dropout(x, rate=p)) is inactive at 0, a keep probability at 1
        active = {p: v for p, v in fed.items() if isinstance(v, str) or (
            isinstance(v, (int, float)) and not isinstance(v, bool) and v != (0 if self._rate_only(prog, p) else 1))}
        if not active:
            return False
        hypers = [p for p in prog.placeholders if prog.placeholders[p].role == "hyper"]
        if not all(self._dropout_only(prog, p) for p in hypers):
            raise _Todo("an evaluation run feeds " + ", ".join(f"{p}={v}" for p, v in active.items())
                        + " (dropout active in TF1) next to a training flag: not translated")
        for p, v in active.items():
            train = {value(tv) for r, tv in prog.fed_values(p) if r.train_op is not None}
            if train != {v}:
                raise _Todo(f"an evaluation run feeds {p}={v}, the training runs {sorted(map(str, train))}: "
                            "Keras' Dropout has one rate")
        return True

    def _constant_not_dropout(self, prog: Program, name: str) -> bool:
        """A scalar placeholder written as the one constant every run fed (``_fed_constant``:
        a margin), not a dropout's keep probability / rate: feeding it turns no dropout on."""
        p = prog.placeholders[name]
        return self._fed_constant(prog, p) is not None and not self._dropout_only(prog, name) \
            and not self._rate_only(prog, name) and (self._label_fn_read(prog, name)
                                                     or bool(self._other_uses(prog, name, [])))

    def _rate_only(self, prog: Program, name: str) -> bool:
        """Placeholder ``name`` is read (directly or through a function's parameter) only as a
        dropout's drop rate, and at least once."""
        seen = False
        for node, parent in self._reads(prog, name):
            if isinstance(parent, cst.Arg) and parent.value is node and (
                    dropout_rate_arg(self.ctx, parent) or self._passed_to_rate_param(node)):
                seen = True
                continue
            return False
        return seen

    def _passed_to_rate_param(self, node: cst.Name) -> bool:
        """``f(..., p)``: the function's matching parameter is read only as dropout rates."""
        from ..analysis.flow import Flow

        if not self._passed_to_dropout_param(node, set()):
            return False
        flow = self.ctx.analysis(Flow)
        arg = self.ctx.parent(node)
        c = self.ctx.parent(arg)
        fn = flow.functions[c.func.value]
        if arg.keyword is not None:
            param = arg.keyword.value
        else:
            param = [*fn.params.posonly_params, *fn.params.params][list(c.args).index(arg)].name.value
        fscope = flow.scopes.get(id(fn))
        return all(dropout_rate_arg(self.ctx, self.ctx.parent(n)) for n in _walk(fn.body)
                   if isinstance(n, cst.Name) and n.value == param and flow.binding_scope(n) is fscope
                   and isinstance(self.ctx.parent(n), cst.Arg) and self.ctx.parent(n).value is n)

    def _dropout_only(self, prog: Program, name: str) -> bool:
        """Every read of placeholder ``name`` is a dropout keep probability (``keep_prob=``, the
        argument of tf.nn.dropout, or passed to a function that only uses it so) or a feed key."""
        for node, parent in self._reads(prog, name):
            if isinstance(parent, cst.Arg) and parent.value is node:
                if parent.keyword is not None and parent.keyword.value == "keep_prob":
                    continue
                if dropout_keep_arg(self.ctx, parent) or dropout_rate_arg(self.ctx, parent):
                    continue
                if self._passed_to_dropout_param(node, {"keep_prob"}) or self._passed_to_unread_param(node):
                    continue
            return False
        return True

    def _eval_expr(self, prog: Program, orig, new, feeds) -> cst.BaseExpression:
        ins = self._expr_inputs(prog, orig)
        if not ins:
            raise _Todo("sess.run fetches an expression that is not a function of model tensors")
        x = self._x(prog, ins, feeds)
        i = cst.Name(ins[0]) if len(ins) == 1 else cst.parse_expression("[" + ", ".join(ins) + "]")
        return expr("{m}.predict_on_batch({x})", m=self._sub_model(i, new), x=x)

    def _eval(self, prog: Program, name: str, feeds) -> cst.BaseExpression:
        m = prog.metrics.get(name)
        if m is not None and m.value == name:  # a streaming metric's value: what it holds now
            return expr("{m}.result()", m=cst.Name(name))
        if not prog.label_dependent(name) and m is None:
            return self._predict(prog, name, feeds)
        labels = prog.labels_of(name)
        missing = [p for p in labels if p not in feeds]
        if missing:
            raise _Todo(f"sess.run({name}) does not feed {', '.join(missing)}")
        from ..translate.tf1 import dtype_of

        args = []
        for p in labels:  # a fed placeholder casts the value to its dtype
            ph = prog.placeholders[p]
            dt = dtype_of(self.ctx, ph.dtype, ph.dtype) if ph.dtype is not None else None
            args.append(call("keras.ops.convert_to_tensor", feeds[p], dtype=dt))
        args += [self._predict(prog, t, feeds) for t in prog.model_reads(name)]
        return call("keras.ops.convert_to_numpy", cst.Call(func=cst.Name(name), args=[cst.Arg(a) for a in args]))

    # -- sessions, savers ------------------------------------------------------------------
    def _session_statement(self, original, updated):
        tp = self._tp()
        small = original.body[0]
        # sess = tf.Session() / saver = tf.train.Saver() / init = tf.global_variables_initializer()
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
            q = tp.qname(small.value)
            if self._update_ops(small.value):
                self.ctx.count(self)
                return cst.RemoveFromParent()
            if q in SESSIONS or q == "tensorflow.train.Saver" or q in INITIALIZERS \
                    or (q == "tensorflow.group" and tp.initializer_call(small.value)):
                prog = self._prog(original)
                if prog is not None and not self.runs_ok(prog):
                    return updated
                if prog is None and self._read_anywhere(small):
                    return updated  # no program to translate: sess.run(...) calls stay
                if prog is not None and q in SESSIONS and self._runs_elsewhere(prog, small):
                    return updated  # a session of another function whose runs the program does not translate
                if q == "tensorflow.train.Saver" and prog is not None and self._saver_read(small):
                    self._saver_args(original, small.value)
                self.ctx.count(self)
                return cst.RemoveFromParent()
        if self._session_config(original):
            prog = self._prog(original)
            if (prog is not None and self.runs_ok(prog)) or (prog is None and self._class_sessions_only(original)):
                from ..diagnostics import Severity

                self.report(original, "session configuration removed: Keras has no ConfigProto (devices and "
                            "GPU memory are set through the backend, e.g. environment variables)",
                            severity=Severity.INFO)
                self.ctx.count(self)
                return cst.RemoveFromParent()
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            f = small.value.func
            if isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.value.value in tp.session_names \
                    and f.attr.value == "close":
                prog = self._prog(original)
                if prog is not None and not self.runs_ok(prog):
                    return updated
                self.ctx.count(self)
                return cst.RemoveFromParent()
        return updated

    _ALL_VARIABLES = ("tensorflow.global_variables", "tensorflow.all_variables")

    def _saver_read(self, small: cst.Assign) -> bool:
        """The saver's name is read somewhere (``saver.save(...)``); a saver nothing reads writes
        nothing, whatever its var_list."""
        t = small.targets[0].target if len(small.targets) == 1 else None
        if not isinstance(t, cst.Name):
            return True
        from ..cstcache import name_read

        return name_read(self.ctx.module, t.value)

    def _saver_args(self, original, saver: cst.Call) -> None:
        """``tf.train.Saver(var_list, max_to_keep=...)``: the model's save_weights saves every
        variable, so var_list must be all of them (absent, None, ``tf.global_variables()``);
        max_to_keep / keep_checkpoint_every_n_hours only decided which old files TF1 deleted."""
        from ..diagnostics import Severity

        var_list = _arg(saver, 0, "var_list")
        if var_list is not None and literal(var_list, 0) is not None and not (
                isinstance(var_list, cst.Call) and self._tp().qname(var_list) in self._ALL_VARIABLES and not var_list.args):
            raise _Todo(f"Saver({code(var_list)}) saves some variables; the model's save_weights saves all of them")
        kept = [a for a in saver.args if a.keyword is not None and a.keyword.value in (
            "max_to_keep", "keep_checkpoint_every_n_hours") and literal(a.value, 0) is not None]
        others = [a for a in saver.args[1 if var_list is not None and saver.args[0].keyword is None else 0:]
                  if a.keyword is None or a.keyword.value not in ("var_list", "max_to_keep",
                                                                   "keep_checkpoint_every_n_hours")]
        if others:
            raise _Todo(f"Saver({code(others[0]).strip(', ')}) is not translated")
        if kept:
            self.report(original, f"Saver({', '.join(code(a).strip(', ') for a in kept)}): TF1 deleted older "
                        "checkpoints; save_checkpoint keeps every file it writes", severity=Severity.INFO)

    def _session_config(self, original) -> bool:
        """``config = tf.ConfigProto(...)`` / ``tf.GPUOptions(...)`` or ``config.gpu_options.x = v``
        where the config is only set and passed to ``tf.Session(config=)`` / ``ConfigProto(gpu_options=)``."""
        small = original.body[0]
        if not isinstance(small, cst.Assign) or len(small.targets) != 1:
            return False
        t = small.targets[0].target
        root = t
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return False
        return root.value in self._config_names(original) and (
            t is not root or (isinstance(small.value, cst.Call) and self._tp().qname(small.value) in _CONFIGS))

    def _class_sessions_only(self, original) -> bool:
        """The configs ``original`` binds only configure ``with tf.Session(config=c) as s:``
        blocks whose session every model-class program (TFM144) consumes: each read of ``s`` is
        a run it translates, a session argument it removes or an initializer run - or blocks a
        dict program (TFM145) dedents (the block is then dedented and the config configures
        nothing)."""
        classes, dicts = self.ctx.rule_active("TFM144"), self.ctx.rule_active("TFM145")
        if not (classes or dicts):
            return False
        from ..analysis.dict_programs import DictPrograms
        from ..analysis.flow import Flow
        from ..analysis.tf1_classes import TF1Classes

        tc = self.ctx.analysis(TF1Classes) if classes else None
        # ``with tf.Session(config=c) as s:`` blocks a dict program (TFM145) dedents
        dict_withs = {w for dp in self.ctx.analysis(DictPrograms).programs if not dp.why for w in dp.withs} \
            if dicts else set()
        flow = self.ctx.analysis(Flow)
        small = original.body[0]
        t = small.targets[0].target
        while isinstance(t, cst.Attribute):
            t = t.value
        scope = flow.scope_of(original)
        tp = self._tp()
        found = False
        for node in _walk(scope.node):
            if not (isinstance(node, cst.Name) and node.value == t.value) or flow.scope_of(node) is not scope:
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.Arg) and parent.keyword is not None and parent.keyword.value == "gpu_options" \
                    and tp.qname(self.ctx.parent(parent)) in _CONFIGS:
                # ``tf.Session(config=tf.ConfigProto(gpu_options=g))``: g configures that session
                parent = self.ctx.parent(self.ctx.parent(parent))
            if not (isinstance(parent, cst.Arg) and parent.keyword is not None and parent.keyword.value == "config"):
                continue
            c = self.ctx.parent(parent)
            item = self.ctx.parent(c) if isinstance(c, cst.Call) and tp.qname(c) in SESSIONS else None
            if isinstance(item, cst.Assign) and len(item.targets) == 1 and isinstance(item.targets[0].target, cst.Name) \
                    and len(scope.by_name.get(item.targets[0].target.value, ())) == 1:
                # s = tf.Session(config=c) in the scope using the classes: consumed if every read is
                if tc is None or not tc.session_consumed(item.targets[0].target.value, scope.node):
                    return False
                found = True
                continue
            w = self.ctx.parent(item) if isinstance(item, cst.WithItem) else None
            if not (isinstance(w, cst.With) and len(w.items) == 1 and item.asname is not None
                    and isinstance(item.asname.name, cst.Name)
                    and (id(w) in dict_withs or (tc is not None and tc.session_consumed(item.asname.name.value, w)))):
                return False
            found = True
        return found

    def _config_names(self, at) -> set[str]:
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        scope = flow.scope_of(at)
        cache = self.__dict__.setdefault("_configs", {})
        if id(scope) in cache:
            return cache[id(scope)]
        tp = self._tp()
        names = {n for n, ds in scope.by_name.items()
                 if ds and all(isinstance(d.value, cst.Call) and tp.qname(d.value) in _CONFIGS for d in ds)}
        for node in _walk(scope.node):
            if not (isinstance(node, cst.Name) and node.value in names) or flow.scope_of(node) is not scope:
                continue
            parent, child = self.ctx.parent(node), node
            while isinstance(parent, cst.Attribute) and parent.value is child:
                parent, child = self.ctx.parent(parent), parent
            if isinstance(parent, cst.AssignTarget):
                continue
            if isinstance(parent, cst.Attribute) and parent.attr is child:
                continue
            if isinstance(parent, cst.Arg) and child is node and parent.keyword is not None \
                    and parent.keyword.value in ("config", "gpu_options"):
                c = self.ctx.parent(parent)
                if isinstance(c, cst.Call) and (tp.qname(c) in SESSIONS or tp.qname(c) in _CONFIGS):
                    continue
            names.discard(node.value)
        cache[id(scope)] = names
        return names

    def _runs_elsewhere(self, prog, assign: cst.Assign) -> bool:
        """``sess = tf.Session()`` in a function other than the program's scope (a generic
        trainer's method), its name read there, while no run of the program is in that function:
        the program does not translate those reads (removing the session would leave them
        dangling)."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        scope = flow.scope_of(assign)
        if scope is prog.scope or not isinstance(scope.node, cst.FunctionDef):
            return False
        names = {n for t in assign.targets for n in target_names(t.target)}
        reads = [n for n in _walk(scope.node) if isinstance(n, cst.Name) and n.value in names
                 and not isinstance(self.ctx.parent(n), cst.AssignTarget)
                 and not (isinstance(self.ctx.parent(n), cst.Attribute) and self.ctx.parent(n).attr is n)
                 and not (isinstance(self.ctx.parent(n), cst.Arg) and self.ctx.parent(n).keyword is n)]
        if not reads:
            return False
        return not any(flow.scope_of(r.call) is scope for r in prog.runs)

    def _read_anywhere(self, assign: cst.Assign) -> bool:
        """Whether a name bound by ``assign`` is read anywhere in the file."""
        names = {n for t in assign.targets for n in target_names(t.target)}
        for node in _walk(self.ctx.module):
            if isinstance(node, cst.Name) and node.value in names:
                parent = self.ctx.parent(node)
                if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.Attribute) and parent.attr is node):
                    continue
                if isinstance(parent, cst.Arg) and parent.keyword is node:
                    continue
                return True
        return False

    def _update_ops(self, node) -> bool:
        """``tf.get_collection(tf.GraphKeys.UPDATE_OPS)``: batch-norm updates Keras runs itself."""
        tp = self._tp()
        return (isinstance(node, cst.Call) and tp.qname(node) == "tensorflow.get_collection" and len(node.args) == 1
                and self.ctx.legacy_name(node.args[0].value) == "tensorflow.GraphKeys.UPDATE_OPS")

    def _update_ops_arg(self, node, at) -> bool:
        if self._update_ops(node):
            return True
        if isinstance(node, cst.Name):
            from ..analysis.flow import Flow

            d = self.ctx.analysis(Flow).def_of(node.value, at)
            return d is not None and self._update_ops(d.value)
        return False

    def _saver_call(self, original: cst.Call, updated: cst.Call):
        from ..analysis.flow import Flow

        tp = self._tp()
        f = original.func
        if not (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.value.value in tp.saver_names
                and f.attr.value in ("save", "restore")):
            return updated
        prog = self._prog(original)
        if prog is None and self.ctx.rule_active("TFM144"):
            from ..analysis.tf1_classes import TF1Classes

            tc = self.ctx.analysis(TF1Classes)
            if any(tc.runs_in(cp, self.ctx.analysis(Flow).scope_of(original))
                   or any(c is original for c in cp.self_saver_calls) for cp in tc.classes.values()):
                return updated  # a model class's program: TFM144 saves its LossModel
        if prog is not None and not self.runs_ok(prog):
            # the session program stays TF1 (its runs' TODOs): so do its Saver calls - no model to save
            self.todo(original, f"Saver.{f.attr.value} kept: a sess.run of this program is not translated")
            return updated
        try:
            if prog is None:
                raise _Todo("Saver without a model to save")
            model_info(prog)
            path = _arg(updated, 1, "save_path")
            if path is None:
                raise _Todo("save path not given")
            v = literal(path, None)
            step = self._save_step(prog, original) if f.attr.value == "save" else None
            if step is not None:  # TF1: "%s-%d" % (save_path, the step's value)
                new = expr('"%s-%d.weights.h5" % ({p}, {s})', p=path, s=step)
            elif isinstance(v, str):
                new = to_node(v if v.endswith(".weights.h5") else v + ".weights.h5")
            else:
                new = expr('str({p}) + ".weights.h5"', p=path)
            if not isinstance(self.ctx.parent(original), cst.Expr) and not (
                    f.attr.value == "save" and self._saved_path_target(original) is not None):
                raise _Todo("the value returned by Saver.save/restore is used")
        except (_Todo, Untranslatable) as ex:
            self.todo(original, str(ex))
            return updated
        self.ctx.count(self)
        if f.attr.value == "save":  # TF1 created the checkpoint's directory and returned the path
            self.ctx.use_helper("save_checkpoint")
            return expr("save_checkpoint({m}, {p})", m=cst.Name(self._tp().model_name(prog)), p=new)
        return expr("{m}.load_weights({p})", m=cst.Name(self._tp().model_name(prog)), p=new)

    def _save_kept_add(self, value) -> bool:
        """``tf.add_to_collection(key, t)`` that TFM183's pre-step kept only for the file's
        ``Saver.save`` calls (analysis/user_collections.adds_kept_for_saves: a key never read)
        while every such save is one ``_saver_call`` translates (``_saver_why``)."""
        from ..analysis.user_collections import adds_kept_for_saves

        cache = self.__dict__.get("_save_kept")
        if cache is None:
            calls = adds_kept_for_saves(self.ctx.module, self.ctx.module_code) if self.ctx.rule_active("TFM183") \
                and "add_to_collection" in self.ctx.module_code else []
            if calls:
                saves = [n for n in _walk(self.ctx.module) if isinstance(n, cst.Call)
                         and isinstance(n.func, cst.Attribute) and n.func.attr.value == "save"]
                if not saves or any(self._saver_why(c) is not None for c in saves):
                    calls = []
            cache = self.__dict__["_save_kept"] = {id(c) for c in calls}
        return id(value) in cache

    def _saver_why(self, original: cst.Call) -> str | None:
        """Why ``_saver_call`` would keep ``original`` (a ``.save(...)`` call) TF1; None when it
        becomes ``save_checkpoint(model, path)`` (the same checks, on the original call)."""
        tp = self._tp()
        f = original.func
        if not (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.value.value in tp.saver_names
                and f.attr.value == "save"):
            return "not a Saver's save"
        prog = self._prog(original)
        if prog is None:
            return "no session program"
        if not self.runs_ok(prog):
            return "the program stays TF1"
        try:
            model_info(prog)
            if _arg(original, 1, "save_path") is None:
                return "save path not given"
            self._save_step(prog, original)
        except (_Todo, Untranslatable) as ex:
            return str(ex)
        if not isinstance(self.ctx.parent(original), cst.Expr) and self._saved_path_target(original) is None:
            return "the value returned by Saver.save is used"
        return None

    def _save_step(self, prog, original: cst.Call) -> cst.BaseExpression | None:
        """``saver.save(sess, p, global_step=g)``: the step TF1 appends to the name (``p-<g>``):
        a step counter's value after the updates so far, or a Python int (a literal, a ``for``
        loop's variable); None without ``global_step``; anything else stays TODO."""
        from ..analysis.flow import Flow

        g = _arg(original, 2, "global_step")
        if g is None or literal(g, "?") is None:
            return None
        c = self._counters().saved(prog, original)
        if c is not None:
            it = f"{self._tp().model_name(prog)}.optimizer.iterations"
            return cst.parse_expression(f"int(keras.ops.convert_to_numpy({c.value(it)}))")
        if isinstance(literal(g, None), int) and not isinstance(literal(g, None), bool):
            return g
        if isinstance(g, cst.Attribute) and isinstance(config_number(self.ctx, g), int) \
                and not isinstance(config_number(self.ctx, g), bool):
            return g  # ``config.max_epoch``: a configuration object's int, still defined
        if isinstance(g, cst.Name):
            d = self.ctx.analysis(Flow).def_of(g.value, g)
            loop = getattr(d, "stmt", None)
            if isinstance(loop, cst.For) and isinstance(loop.target, cst.Name) and loop.target.value == g.value \
                    and isinstance(loop.iter, cst.Call) and isinstance(loop.iter.func, cst.Name) \
                    and loop.iter.func.value == "range":
                return cst.Name(g.value)
        raise _Todo("Saver.save(global_step=...) neither a step counter nor a Python int")

    def _saved_path_target(self, original: cst.Call) -> cst.Name | None:
        """``path = saver.save(sess, p)``: the name bound to the path Saver.save returns."""
        a = self.ctx.parent(original)
        if isinstance(a, cst.Assign) and a.value is original and len(a.targets) == 1 \
                and isinstance(a.targets[0].target, cst.Name):
            return a.targets[0].target
        return None

    def leave_With(self, original: cst.With, updated: cst.With):
        tp = self._tp()
        items = original.items
        if len(items) != 1 or not isinstance(items[0].item, cst.Call):
            return updated
        q = tp.qname(items[0].item)
        it = items[0].item
        if q == "tensorflow.control_dependencies" and it.args and self._update_ops_arg(it.args[0].value, original):
            self.ctx.count(self)  # Keras layers update their own moving statistics
            body = list(updated.body.body)
            body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
            return cst.FlattenSentinel(body)
        is_default = (isinstance(it.func, cst.Attribute) and it.func.attr.value == "as_default"
                      and isinstance(it.func.value, cst.Name) and it.func.value.value in tp.session_names)
        if q not in SESSIONS and not is_default:
            return updated
        prog = self._prog(original)
        if self.ctx.has_todo(original) or (prog is not None and not self.runs_ok(prog)):
            return updated
        if items[0].asname is not None and any(
                isinstance(n, cst.Name) and n.value in target_names(items[0].asname.name)
                for n in _walk(updated.body)):
            return updated  # the session is still used inside (a run that stays TF1)
        self.ctx.count(self)
        body = list(updated.body.body)
        if body:
            body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
        return cst.FlattenSentinel(body)

    VALID = ["import keras\nx = keras.Input(shape=(3,))\n"]
    INVALID = [
        Case(
            "import tensorflow as tf\n\n"
            "def train(X, Y, epochs):\n"
            "    x = tf.placeholder(tf.float32, [None, 4])\n"
            "    y = tf.placeholder(tf.float32, [None, 3])\n"
            "    logits = tf.layers.dense(x, 3)\n"
            "    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))\n"
            "    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
            "    with tf.Session() as sess:\n"
            "        sess.run(tf.global_variables_initializer())\n"
            "        for e in range(epochs):\n"
            "            _, l = sess.run([train_op, loss], feed_dict={x: X, y: Y})\n"
            "        return sess.run(logits, feed_dict={x: X}), l\n",
            "import keras\n\n"
            "def train(X, Y, epochs):\n"
            "    x = keras.Input(shape=(4,))\n"
            "    logits = keras.layers.Dense(3)(x)\n"
            "    def loss(y, logits):\n"
            "        return keras.ops.mean(keras.ops.categorical_crossentropy(y, logits, from_logits=True))\n"
            "    model = keras.Model(x, logits)\n"
            "    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8), loss=loss)\n"
            "    for e in range(epochs):\n"
            "        l = model.train_on_batch(X, Y)\n"
            "    return model.predict_on_batch(X), l\n",
        ),
        Case(
            "import tensorflow as tf\n"
            "x = tf.placeholder(tf.float32, [None, 2])\n"
            "sess = tf.Session()\n"
            "feed = {x: [[1.0, 2.0]]}\n"
            "print(sess.run(x, feed_dict=feed))\n",
            None, ("TFM140", "TFM140"), todo=True,
        ),
    ]
    INVALID = [*INVALID, Case(
        "import tensorflow as tf\n"
        "x = tf.placeholder(tf.float32, shape=[None, 4])\n"
        "y = tf.placeholder(tf.int64, shape=[None])\n"
        "is_training = tf.placeholder(tf.bool)\n"
        "h = tf.layers.batch_normalization(tf.layers.dense(x, 8), training=is_training)\n"
        "logits = tf.layers.dense(h, 3)\n"
        "loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))\n"
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "with tf.control_dependencies(update_ops):\n"
        "    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
        "sess = tf.Session()\n"
        "sess.run(tf.global_variables_initializer())\n"
        "for step in range(20):\n"
        "    sess.run(train_op, {x: X, y: Y, is_training: True})\n"
        "pred = sess.run(logits, {x: X, is_training: False})\n",
        # (TFM131: the fed flag is Keras' training flag; TF1's update rules kept by the helper)
        _rnn_out("import keras\n", ["TF1ModeBatchNormalization"],
                 "x = keras.Input(shape=(4,))\n"
                 "h = TF1ModeBatchNormalization(keras_flag=True)(keras.layers.Dense(8)(x))\n"
                 "logits = keras.layers.Dense(3)(h)\n"
                 "def loss(y, logits):\n"
                 "    return keras.ops.mean(keras.ops.sparse_categorical_crossentropy(y, logits, from_logits=True))\n"
                 "model = keras.Model(x, logits)\n"
                 "model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n"
                 "for step in range(20):\n"
                 "    model.train_on_batch(X, Y)\n"
                 "pred = model.predict_on_batch(X)\n"))]
    INVALID = [*INVALID, Case(  # a parameter named like the label (in a scope that disappears with it); keep_prob passed to the tower; a saved path;
        # a summary of the loss (removed by TFM142, not turned into a loss function); a ConfigProto
        "import tensorflow as tf\n\ndef net(x, keep_prob):\n    return tf.layers.dense(tf.nn.dropout(tf.layers.dense(x, 8), keep_prob=keep_prob), 3)\n\ndef xent(logits, y):\n    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))\n\nx = tf.placeholder(tf.float32, [None, 4])\nwith tf.variable_scope('labels') as scope:\n    y = tf.placeholder(tf.float32, [None, 3])\nkeep_prob = tf.placeholder(tf.float32)\nlogits = net(x, keep_prob)\nloss = xent(logits, y)\ntrain_op = tf.train.AdamOptimizer(0.01).minimize(loss)\nloss_summary = tf.summary.scalar('loss', loss)\nsaver = tf.train.Saver()\nconfig = tf.compat.v1.ConfigProto(allow_soft_placement=True)\nconfig.gpu_options.allow_growth = True\nwith tf.Session(config=config) as sess:\n    sess.run(tf.global_variables_initializer())\n    for e in range(3):\n        _, l = sess.run([train_op, loss], feed_dict={x: X, y: Y, keep_prob: 0.5})\n    path = saver.save(sess, 'model.ckpt')\n    print(path)\n",
        "import keras\nimport os\n\n\n# tflearn-migrate helper: save_checkpoint\ndef save_checkpoint(model, path):\n"
        "    # tf.train.Saver.save: creates the checkpoint's directory, returns the path it saved to\n"
        "    os.makedirs(os.path.dirname(path) or \".\", exist_ok=True)\n    model.save_weights(path)\n"
        "    return path\n\n\n"
        "def net(x, keep_prob):\n    return keras.layers.Dense(3)(keras.layers.Dropout(0.5)(keras.layers.Dense(8)(x)))\n\ndef xent(logits, y):\n    return keras.ops.mean(keras.ops.categorical_crossentropy(y, logits, from_logits=True))\n\nx = keras.Input(shape=(4,))\nkeep_prob = 0.5  # the value its training runs fed\nlogits = net(x, keep_prob)\ndef loss(y, logits):\n    return xent(logits, y)\nmodel = keras.Model(x, logits)\nmodel.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8), loss=loss)\nfor e in range(3):\n    l = model.train_on_batch(X, Y)\npath = save_checkpoint(model, 'model.ckpt.weights.h5')\nprint(path)\n",
        ("TFM142", "TFM140", "TFM140"))]
    INVALID = [*INVALID, Case(  # an evaluation run feeding the training keep_prob: TF1 dropped units there too
        'import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 3])\nkeep_prob = tf.placeholder(tf.float32)\nlogits = tf.layers.dense(tf.nn.dropout(tf.layers.dense(x, 8), keep_prob), 3)\nloss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))\ntrain_op = tf.train.AdamOptimizer(0.01).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor e in range(3):\n    sess.run(train_op, feed_dict={x: X, y: Y, keep_prob: 0.5})\nnoisy = sess.run(logits, feed_dict={x: X, keep_prob: 0.5})\nclean = sess.run(logits, feed_dict={x: X, keep_prob: 1.0})\n',
        'import keras\n\nx = keras.Input(shape=(4,))\nlogits = keras.layers.Dense(3)(keras.layers.Dropout(0.5)(keras.layers.Dense(8)(x)))\ndef loss(y, logits):\n    return keras.ops.mean(keras.ops.categorical_crossentropy(y, logits, from_logits=True))\nmodel = keras.Model(x, logits)\nmodel.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8), loss=loss)\nfor e in range(3):\n    model.train_on_batch(X, Y)\nnoisy = keras.ops.convert_to_numpy(model(X, training=True))\nclean = model.predict_on_batch(X)\n')]
    INVALID = [*INVALID, Case(  # the optimizer chosen by a flag: one train op per branch, one model
        'import tensorflow as tf\n\ndef train(X, Y, use_adam):\n    x = tf.placeholder(tf.float32, [None, 4])\n    y = tf.placeholder(tf.float32, [None, 3])\n    logits = tf.layers.dense(x, 3)\n    loss = tf.reduce_mean(tf.square(logits - y))\n    if use_adam:\n        train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n    else:\n        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n    with tf.Session() as sess:\n        sess.run(tf.global_variables_initializer())\n        for e in range(3):\n            _, l = sess.run([train_op, loss], feed_dict={x: X, y: Y})\n    return l\n',
        'import keras\n\ndef train(X, Y, use_adam):\n    x = keras.Input(shape=(4,))\n    logits = keras.layers.Dense(3)(x)\n    def loss(y, logits):\n        return keras.ops.mean(keras.ops.square(logits - y))\n    if use_adam:\n        model = keras.Model(x, logits)\n        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8), loss=loss)\n    else:\n        model = keras.Model(x, logits)\n        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n    for e in range(3):\n        l = model.train_on_batch(X, Y)\n    return l\n')]
    INVALID = [*INVALID, Case(  # a step counter incremented twice per run, a warm-up rate read from it, a tuple loss
        'import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 1])\n'
        'out = tf.layers.dense(x, 1)\nloss = (tf.reduce_mean(tf.square(out - y)), tf.reduce_mean(out - y))\n'
        'gs = tf.Variable(1.0, dtype=tf.float64, trainable=False)\n'
        'lr = tf.cond(gs < 10.0, lambda: gs / 10.0 * 0.1, lambda: 0.1 * tf.cos(gs))\n'
        'gs = tf.assign_add(gs, 1.0)\n'
        'train_op = tf.train.GradientDescentOptimizer(lr).minimize(loss[0], global_step=gs)\n'
        'sess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor e in range(3):\n'
        '    _, l, s = sess.run([train_op, loss, gs], feed_dict={x: X, y: Y})\n',
        'import keras\n\n\n# tflearn-migrate helper: StepSchedule\n' + STEP_SCHEDULE.code + '\n\n'
        '# tflearn-migrate helper: IndexedLossModel\n' + INDEXED_LOSS_MODEL.code + '\n\n'
        'x = keras.Input(shape=(4,))\nout = keras.layers.Dense(1)(x)\ndef loss(y, out):\n'
        '    return (keras.ops.mean(keras.ops.square(out - y)), keras.ops.mean(out - y))\n@StepSchedule\n'
        'def lr(iterations):\n'
        "    gs = 1.0 + 2.0 * keras.ops.cast(iterations, 'float64')  # the TF1 counter before this update (2.0 per training run)\n"
        '    return keras.ops.where(gs < 10.0, gs / 10.0 * 0.1, 0.1 * keras.ops.cos(gs))\n'
        'model = IndexedLossModel(x, out, loss, 0)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=lr))\n'
        'for e in range(3):\n'
        '    l = keras.tree.map_structure(keras.ops.convert_to_numpy, model.train_on_batch(X, Y, return_dict=True)["fetched"])\n'
        "    s = keras.ops.convert_to_numpy(1.0 + 2.0 * keras.ops.cast(model.optimizer.iterations, 'float64'))\n",
        ("TFM130",))]
    INVALID = [*INVALID,
               # a step counter made by get_variable (float32 by default) and a rate placeholder fed one
               # constant (a module-level name) by every training run: the optimizer gets that constant
               Case("import tensorflow as tf\n\nLR = 0.01\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 1])\nlr = tf.placeholder(tf.float32, shape=[])\ngs = tf.get_variable('global_step', [], initializer=tf.constant_initializer(0), trainable=False)\nout = tf.layers.dense(x, 1)\nloss = tf.reduce_mean(tf.square(out - y))\nopt = tf.train.GradientDescentOptimizer(learning_rate=lr)\ntrain_op = opt.apply_gradients(opt.compute_gradients(loss, tf.trainable_variables()), global_step=gs)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor e in range(3):\n    _, l, s = sess.run([train_op, loss, gs], feed_dict={x: X, y: Y, lr: LR})\n",
               "import keras\n\nLR = 0.01\nx = keras.Input(shape=(4,))\nlr = LR  # the value its training runs fed\nout = keras.layers.Dense(1)(x)\ndef loss(y, out):\n    return keras.ops.mean(keras.ops.square(out - y))\nopt = keras.optimizers.SGD(learning_rate=lr)\nmodel = keras.Model(x, out)\nmodel.compile(optimizer=opt, loss=loss)\nfor e in range(3):\n    l = model.train_on_batch(X, Y)\n    s = keras.ops.convert_to_numpy(keras.ops.cast(model.optimizer.iterations, 'float32'))\n",
               ()),
               # a rate fed a different value per run (0.1 / (e + 1)): TF1 stepped with the fed rate -
               # the optimizer's learning_rate is set to that value before each step
               Case("import tensorflow as tf\n\nLR = 0.01\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 1])\nlr = tf.placeholder(tf.float32, shape=[])\ngs = tf.get_variable('global_step', [], initializer=tf.constant_initializer(0), trainable=False)\nout = tf.layers.dense(x, 1)\nloss = tf.reduce_mean(tf.square(out - y))\nopt = tf.train.GradientDescentOptimizer(learning_rate=lr)\ntrain_op = opt.apply_gradients(opt.compute_gradients(loss, tf.trainable_variables()), global_step=gs)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor e in range(3):\n    _, l, s = sess.run([train_op, loss, gs], feed_dict={x: X, y: Y, lr: 0.1 / (e + 1)})\n",
               "import keras\n\nLR = 0.01\nx = keras.Input(shape=(4,))\nlr = 0.0  # fed per training run: each step sets optimizer.learning_rate\nout = keras.layers.Dense(1)(x)\ndef loss(y, out):\n    return keras.ops.mean(keras.ops.square(out - y))\nopt = keras.optimizers.SGD(learning_rate=lr)\nmodel = keras.Model(x, out)\nmodel.compile(optimizer=opt, loss=loss)\nfor e in range(3):\n    model.optimizer.learning_rate = 0.1 / (e + 1)\n    l = model.train_on_batch(X, Y)\n    s = keras.ops.convert_to_numpy(keras.ops.cast(model.optimizer.iterations, 'float32'))\n",
               ())]
    INVALID = [*INVALID, Case(  # a step counter read by something else stays, with the reason
        'import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 1])\n'
        'out = tf.layers.dense(x, 1)\nloss = tf.reduce_mean(tf.square(out - y))\nstep = tf.Variable(0, trainable=False)\n'
        'train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)\n'
        'sess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor e in range(3):\n'
        '    sess.run(train_op, feed_dict={x: X, y: Y})\nprint(step)\n',
        'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n'
        'x = keras.Input(shape=(4,))\nout = keras.layers.Dense(1)(x)\ndef loss(y, out):\n'
        '    return keras.ops.mean(keras.ops.square(out - y))\nstep = tf.Variable(0, trainable=False)  '
        '# TODO(tflearn-migrate): TFM140 step counter step kept: the step counter is read in: print(step)\n'
        'model = keras.Model(x, out)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n'
        'for e in range(3):\n    model.train_on_batch(X, Y)\nprint(step)\n', ("TFM140",), todo=True)]
    INVALID = [*INVALID,
               # tflearn layers in a session switched by tflearn.is_training: True before every
               # training run, False before the evaluation run - the modes Keras' runs use
               Case("import tensorflow as tf\nimport tflearn\nx = tf.placeholder(tf.float32, [None, 4])\n"
                    "y = tf.placeholder(tf.float32, [None, 1])\nout = tf.layers.dense(x, 1)\n"
                    "loss = tf.reduce_mean(tf.square(out - y))\ntrain_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
                    "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
                    "    tflearn.is_training(True, session=sess)\n    for e in range(3):\n"
                    "        sess.run(train_op, feed_dict={x: X, y: Y})\n    tflearn.is_training(False, session=sess)\n"
                    "    p = sess.run(out, feed_dict={x: X})\n",
                    "import keras\n\nx = keras.Input(shape=(4,))\nout = keras.layers.Dense(1)(x)\ndef loss(y, out):\n"
                    "    return keras.ops.mean(keras.ops.square(out - y))\nmodel = keras.Model(x, out)\n"
                    "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8), loss=loss)\n"
                    "for e in range(3):\n    model.train_on_batch(X, Y)\np = model.predict_on_batch(X)\n",
                    ("TFM140", "TFM140"))]
    INVALID = [*INVALID,
               # a loss with no label (reconstruction error; a triplet loss over three towers): the
               # loss tensor is the output of a LossModel, trained with train_on_batch(x) alone
               Case('import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 8])\nh = tf.layers.dense(x, 3)\nr = tf.layers.dense(h, 8)\nloss = tf.reduce_mean(tf.square(r - x))\ntrain_op = tf.train.AdamOptimizer(0.001).minimize(loss)\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(10):\n        _, l = sess.run([train_op, loss], feed_dict={x: X})\n    codes = sess.run(h, feed_dict={x: X})\n',
                    'import keras\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\nx = keras.Input(shape=(8,))\nh = keras.layers.Dense(3)(x)\nr = keras.layers.Dense(8)(h)\nloss = keras.ops.mean(keras.ops.square(r - x))\nmodel = LossModel(x, loss)\nmodel.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8))\nfor i in range(10):\n    l = model.train_on_batch(X)\ncodes = keras.Model(x, h).predict_on_batch(X)\n')]
    INVALID = [*INVALID,
               # a step counter read only by minimize(global_step=) and a summary: removed
               # (optimizer.iterations counts); read by a run, it stays (VALID-like case in tests)
               Case("import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\nout = tf.layers.dense(x, 2)\nloss = tf.reduce_mean(tf.square(out - y))\nglobal_step = tf.Variable(0, trainable=False)\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=global_step)\ntf.summary.scalar('step', global_step)\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(10):\n        sess.run(train_op, feed_dict={x: X, y: Y})\n",
                    'import keras\n\nx = keras.Input(shape=(4,))\nout = keras.layers.Dense(2)(x)\ndef loss(y, out):\n    return keras.ops.mean(keras.ops.square(out - y))\nmodel = keras.Model(x, out)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\nfor i in range(10):\n    model.train_on_batch(X, Y)\n', ('TFM142',))]
    INVALID = [*INVALID,
               # the step counter is fetched in an expression TFM140 cannot map: the program stays TF1 whole
               # (its training run too - it used to become train_on_batch of a model never built)
               Case('import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\nout = tf.layers.dense(x, 2)\nloss = tf.reduce_mean(tf.square(out - y))\nglobal_step = tf.Variable(0, trainable=False)\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=global_step)\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(10):\n        sess.run(train_op, feed_dict={x: X, y: Y})\n    print(sess.run(global_step + 1))\n',
                    'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nx = tf.placeholder(tf.float32, [None, 4])  # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not translated\ny = tf.placeholder(tf.float32, [None, 2])  # TODO(tflearn-migrate): TFM140 label placeholder kept: a sess.run of this program is not translated\nout = keras.layers.Dense(2)(x)\n# TODO(tflearn-migrate): TFM140 loss kept as a TF1 tensor: a sess.run of this program is not translated\nloss = keras.ops.mean(keras.ops.square(out - y))\nglobal_step = tf.Variable(0, trainable=False)\n# TODO(tflearn-migrate): TFM140 train op kept: a sess.run of this program is not translated (see its TODO)\ntrain_op = keras.optimizers.SGD(learning_rate=0.1).minimize(loss, global_step=global_step)\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(10):\n        sess.run(train_op, feed_dict={x: X, y: Y})  # TODO(tflearn-migrate): TFM140 training run kept: another sess.run of this program is not translated\n    print(sess.run(global_step + 1))  # TODO(tflearn-migrate): TFM140 sess.run fetches an expression that is not a function of model tensors\n', ('TFM140', 'TFM140', 'TFM140', 'TFM140', 'TFM140', 'TFM140'), todo=True),
               # fetched by an evaluation run with no train op: its value after the updates so far
               Case('import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\nout = tf.layers.dense(x, 2)\nloss = tf.reduce_mean(tf.square(out - y))\nglobal_step = tf.Variable(0, trainable=False)\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=global_step)\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(10):\n        sess.run(train_op, feed_dict={x: X, y: Y})\n    print(sess.run(global_step))\n',
                    "import keras\n\nx = keras.Input(shape=(4,))\nout = keras.layers.Dense(2)(x)\ndef loss(y, out):\n    return keras.ops.mean(keras.ops.square(out - y))\nmodel = keras.Model(x, out)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\nfor i in range(10):\n    model.train_on_batch(X, Y)\nprint(keras.ops.convert_to_numpy(keras.ops.cast(model.optimizer.iterations, 'int32')))\n", ())]
    # minimize(loss, var_list=tf.trainable_variables()) written out: TF1's default var_list
    INVALID.append(Case(
        'import tensorflow as tf\n'
        '\n'
        'x = tf.placeholder(tf.float32, [None, 4])\n'
        'y = tf.placeholder(tf.float32, [None, 2])\n'
        'out = tf.layers.dense(x, 2)\n'
        'loss = tf.reduce_mean(tf.square(out - y))\n'
        'train_op = tf.train.AdamOptimizer(0.01).minimize(loss, var_list=tf.trainable_variables())\n'
        'with tf.Session() as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        '    for i in range(10):\n'
        '        _, l = sess.run([train_op, loss], feed_dict={x: X, y: Y})\n'
        '        print(l)\n',
        'import keras\n'
        '\n'
        'x = keras.Input(shape=(4,))\n'
        'out = keras.layers.Dense(2)(x)\n'
        'def loss(y, out):\n'
        '    return keras.ops.mean(keras.ops.square(out - y))\n'
        'model = keras.Model(x, out)\n'
        'model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8), loss=loss)\n'
        'for i in range(10):\n'
        '    l = model.train_on_batch(X, Y)\n'
        '    print(l)\n'))
    # a training run fetching a metric next to the loss (FetchingModel); both initializers as a list
    INVALID.append(Case(
        'import tensorflow as tf\n'
        '\n'
        'x = tf.placeholder(tf.float32, [None, 4])\n'
        'y = tf.placeholder(tf.float32, [None, 2])\n'
        'out = tf.layers.dense(x, 2)\n'
        'loss = tf.reduce_mean(tf.square(out - y))\n'
        'acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(out, 1), tf.argmax(y, 1)), tf.float32))\n'
        'train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n'
        'with tf.Session() as sess:\n'
        '    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])\n'
        '    for i in range(10):\n'
        '        _, l, a = sess.run([train_op, loss, acc], feed_dict={x: X, y: Y})\n'
        '        print(l, a)\n',
        'import keras\n\n\n# tflearn-migrate helper: FetchingModel\n' + FETCHING_MODEL.code + '\n\n'
        'x = keras.Input(shape=(4,))\n'
        'out = keras.layers.Dense(2)(x)\n'
        'def loss(y, out):\n'
        '    return keras.ops.mean(keras.ops.square(out - y))\n'
        'def acc(y, out):\n'
        '    return keras.ops.mean(keras.ops.cast(keras.ops.equal(keras.ops.argmax(out, axis=1), '
        'keras.ops.argmax(y, axis=1)), \'float32\'))\n'
        'def model_fetches(y, out):\n'
        '    return loss(y, out), acc(y, out)\n'
        'model = FetchingModel(x, out, loss, model_fetches)\n'
        'model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\n'
        'for i in range(10):\n'
        '    l, a = keras.tree.map_structure(keras.ops.convert_to_numpy, model.train_on_batch(X, Y, '
        'return_dict=True)["fetched"])\n'
        '    print(l, a)\n'))
    # a feed dict bound to a name and passed to a training run and an evaluation run
    INVALID.append(Case(
        'import tensorflow as tf\n'
        '\n'
        'x = tf.placeholder(tf.float32, [None, 4])\n'
        'y = tf.placeholder(tf.float32, [None, 2])\n'
        'out = tf.layers.dense(x, 2)\n'
        'loss = tf.reduce_mean(tf.square(out - y))\n'
        'train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n'
        'with tf.Session() as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        '    for i in range(10):\n'
        '        feed = {x: X[i:i + 8], y: Y[i:i + 8]}\n'
        '        sess.run(train_op, feed_dict=feed)\n'
        '        print(sess.run(loss, feed))\n',
        'import keras\n'
        '\n'
        'x = keras.Input(shape=(4,))\n'
        'out = keras.layers.Dense(2)(x)\n'
        'def loss(y, out):\n'
        '    return keras.ops.mean(keras.ops.square(out - y))\n'
        'model = keras.Model(x, out)\n'
        'model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n'
        'for i in range(10):\n'
        '    feed = {\'x\': X[i:i + 8], \'y\': Y[i:i + 8]}\n'
        '    model.train_on_batch(feed[\'x\'], feed[\'y\'])\n'
        '    print(keras.ops.convert_to_numpy(loss(keras.ops.convert_to_tensor(feed[\'y\'], dtype=\'float32\'), '
        'model.predict_on_batch(feed[\'x\']))))\n'))
    INVALID = [*INVALID,
               # a label-dependent tensor rebound from its own value (acc = equal(..); acc = mean(cast(acc)),
               # TensorFlow-Examples): one function; the same tensor written again in another place: the
               # same function defined again
               Case("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 3])\nlogits = tf.layers.dense(x, 3)\nloss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nwith tf.name_scope('Accuracy'):\n    # per example\n    acc = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))\n    # the mean\n    acc = tf.reduce_mean(tf.cast(acc, tf.float32))\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    sess.run(train_op, feed_dict={x: X, y: Y})\n    print(acc.eval({x: X, y: Y}))\n    wrong = tf.not_equal(tf.argmax(logits, 1), tf.argmax(y, 1))\n    print(sess.run(wrong, feed_dict={x: X, y: Y}))\n    wrong = tf.not_equal(tf.argmax(logits, 1), tf.argmax(y, 1))\n    print(sess.run(wrong, feed_dict={x: X, y: Y}))\n",
                    "import keras\n\nx = keras.Input(shape=(4,))\nlogits = keras.layers.Dense(3)(x)\ndef loss(y, logits):\n    return keras.ops.mean(keras.ops.categorical_crossentropy(y, logits, from_logits=True))\nmodel = keras.Model(x, logits)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n# per example\ndef acc(y, logits):\n    acc = keras.ops.equal(keras.ops.argmax(logits, axis=1), keras.ops.argmax(y, axis=1))\n    # the mean\n    return keras.ops.mean(keras.ops.cast(acc, 'float32'))\nmodel.train_on_batch(X, Y)\nprint(keras.ops.convert_to_numpy(acc(keras.ops.convert_to_tensor(Y, dtype='float32'), model.predict_on_batch(X))))\ndef wrong(y, logits):\n    return keras.ops.not_equal(keras.ops.argmax(logits, axis=1), keras.ops.argmax(y, axis=1))\nprint(keras.ops.convert_to_numpy(wrong(keras.ops.convert_to_tensor(Y, dtype='float32'), model.predict_on_batch(X))))\ndef wrong(y, logits):\n    return keras.ops.not_equal(keras.ops.argmax(logits, axis=1), keras.ops.argmax(y, axis=1))\nprint(keras.ops.convert_to_numpy(wrong(keras.ops.convert_to_tensor(Y, dtype='float32'), model.predict_on_batch(X))))\n"),
               # bound twice to different values, read only by runs: each run calls the function bound
               # last, as it fetched the tensor bound last
               Case('import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 3])\nlogits = tf.layers.dense(x, 3)\nloss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nerr = tf.reduce_mean(tf.square(logits - y))\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nsess.run(train_op, feed_dict={x: X, y: Y})\nprint(sess.run(err, feed_dict={x: X, y: Y}))\nerr = tf.reduce_mean(tf.abs(logits - y))\nprint(sess.run(err, feed_dict={x: X, y: Y}))\n',
                    "import keras\n\nx = keras.Input(shape=(4,))\nlogits = keras.layers.Dense(3)(x)\ndef loss(y, logits):\n    return keras.ops.mean(keras.ops.categorical_crossentropy(y, logits, from_logits=True))\nmodel = keras.Model(x, logits)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\ndef err(y, logits):\n    return keras.ops.mean(keras.ops.square(logits - y))\nmodel.train_on_batch(X, Y)\nprint(keras.ops.convert_to_numpy(err(keras.ops.convert_to_tensor(Y, dtype='float32'), model.predict_on_batch(X))))\ndef err(y, logits):\n    return keras.ops.mean(keras.ops.abs(logits - y))\nprint(keras.ops.convert_to_numpy(err(keras.ops.convert_to_tensor(Y, dtype='float32'), model.predict_on_batch(X))))\n"),
               # ... but another tensor (score) was built from the FIRST binding: not translated
               Case('import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 3])\nlogits = tf.layers.dense(x, 3)\nloss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nerr = tf.reduce_mean(tf.square(logits - y))\nscore = 1.0 - err\nerr = tf.reduce_mean(tf.abs(logits - y))\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nsess.run(train_op, feed_dict={x: X, y: Y})\nprint(sess.run([err, score], feed_dict={x: X, y: Y}))\n',
                    "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nx = keras.Input(shape=(4,))\ny = tf.placeholder(tf.float32, [None, 3])  # TODO(tflearn-migrate): TFM013 statement kept: `y` is still read after the migration\nlogits = keras.layers.Dense(3)(x)\ndef loss(y, logits):\n    return keras.ops.mean(keras.ops.categorical_crossentropy(y, logits, from_logits=True))\nmodel = keras.Model(x, logits)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n# TODO(tflearn-migrate): TFM140 label-dependent tensor err is assigned more than once with different values, and read by another tensor\nerr = keras.ops.mean(keras.ops.square(logits - y))\ndef score(y, logits):\n    return 1.0 - err(y, logits)\n# TODO(tflearn-migrate): TFM140 label-dependent tensor err is assigned more than once with different values, and read by another tensor\nerr = keras.ops.mean(keras.ops.abs(logits - y))\nmodel.train_on_batch(X, Y)\nprint([keras.ops.convert_to_numpy(err(keras.ops.convert_to_tensor(Y, dtype='float32'), model.predict_on_batch(X))), keras.ops.convert_to_numpy(score(keras.ops.convert_to_tensor(Y, dtype='float32'), model.predict_on_batch(X)))])\n",
                    ("TFM013", "TFM140", "TFM140"), todo=True)]
    INVALID = [*INVALID,
               # tf.gradients over tf.trainable_variables() rebound as list(zip(grads, ...)), applied
               # by keyword (TensorFlow-Examples' tensorboard_advanced): the optimizer's own step; the
               # histogram loops over the variables and the gradients go with their summaries
               Case("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 3])\nlogits = tf.layers.dense(x, 3)\nloss = tf.reduce_mean(tf.square(logits - y))\noptimizer = tf.train.GradientDescentOptimizer(0.1)\ngrads = tf.gradients(loss, tf.trainable_variables())\ngrads = list(zip(grads, tf.trainable_variables()))\napply_grads = optimizer.apply_gradients(grads_and_vars=grads)\nfor var in tf.trainable_variables():\n    tf.summary.histogram(var.name, var)\nfor grad, var in grads:\n    tf.summary.histogram(var.name + '/gradient', grad)\nmerged = tf.summary.merge_all()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(10):\n        _, c, s = sess.run([apply_grads, loss, merged], feed_dict={x: X, y: Y})\n",
                    'import keras\n\nx = keras.Input(shape=(4,))\nlogits = keras.layers.Dense(3)(x)\ndef loss(y, logits):\n    return keras.ops.mean(keras.ops.square(logits - y))\noptimizer = keras.optimizers.SGD(learning_rate=0.1)\nmodel = keras.Model(x, logits)\nmodel.compile(optimizer=optimizer, loss=loss)\nfor i in range(10):\n    c = model.train_on_batch(X, Y)\n', ("TFM142",) * 5)]
    INVALID = [*INVALID,
               # keep_prob passed to the model function (TensorFlow-Examples' conv_net(x, weights, biases,
               # keep_prob)): its parameter is the placeholder; TFM134 reads the value the training runs fed
               Case('import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\nkeep_prob = tf.placeholder(tf.float32)\n\ndef net(x, dropout):\n    h = tf.nn.dropout(tf.layers.dense(x, 8), dropout)\n    return tf.layers.dense(h, 2)\n\nlogits = net(x, keep_prob)\nloss = tf.reduce_mean(tf.square(logits - y))\ntrain_op = tf.train.AdamOptimizer(0.01).minimize(loss)\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    sess.run(train_op, feed_dict={x: X, y: Y, keep_prob: 0.8})\n    p = sess.run(logits, feed_dict={x: X, keep_prob: 1.0})\n',
                    'import keras\n\nx = keras.Input(shape=(4,))\nkeep_prob = 0.8  # the value its training runs fed\n\ndef net(x, dropout):\n    h = keras.layers.Dropout(0.2)(keras.layers.Dense(8)(x))\n    return keras.layers.Dense(2)(h)\n\nlogits = net(x, keep_prob)\ndef loss(y, logits):\n    return keras.ops.mean(keras.ops.square(logits - y))\nmodel = keras.Model(x, logits)\nmodel.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8), loss=loss)\nmodel.train_on_batch(X, Y)\np = model.predict_on_batch(X)\n')]
    INVALID = [*INVALID, Case(  # a helper returning a tuple (loss, distance, a parameter): the loss reads call[0]; the distance, label-free, is a sliced copy of the helper; the parameter is the argument
        'import tensorflow as tf\n\ndef pair_loss(a, b, y, margin=1.0):\n    sq = tf.reduce_sum(tf.square(a - b), axis=1)\n    d = tf.sqrt(sq + 1e-10)\n    return tf.reduce_mean(y * sq + (1.0 - y) * tf.square(tf.maximum(margin - d, 0.0))), d, a\n\nx1 = tf.placeholder(tf.float32, [None, 4])\nx2 = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None])\no1 = tf.layers.dense(x1, 3)\no2 = tf.layers.dense(x2, 3)\nloss, dist, first = pair_loss(o1, o2, y, margin=2.0)\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(3):\n        _, l = sess.run([train_op, loss], feed_dict={x1: A, x2: B, y: Y})\n    d, f = sess.run([dist, first], feed_dict={x1: A, x2: B})\n',
        'import keras\n\n\n# tflearn-migrate helper: TrainingModel\nclass TrainingModel(keras.Model):\n    """A functional model whose loss is a function of (labels..., outputs...)."""\n\n    def __init__(self, inputs, outputs, loss_fn, **kwargs):\n        super().__init__(inputs, outputs, **kwargs)\n        self.loss_fn = loss_fn\n\n    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n        ys = list(y) if isinstance(y, (list, tuple)) else [y]\n        ps = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]\n        # a TF1 placeholder cast what it was fed: float labels arrive as floatx\n        ys = [keras.ops.cast(v, keras.config.floatx())\n              if "float" in keras.ops.dtype(v) else v for v in ys]\n        loss = self.loss_fn(*ys, *ps)\n        if self.losses:  # layer regularizers: TF1 added REGULARIZATION_LOSSES to the loss it read them in\n            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))\n        return loss\n\n\ndef pair_loss(a, b, y, margin=1.0):\n    sq = keras.ops.sum(keras.ops.square(a - b), axis=1)\n    d = keras.ops.sqrt(sq + 1e-10)\n    return keras.ops.mean(y * sq + (1.0 - y) * keras.ops.square(keras.ops.maximum(margin - d, 0.0))), d, a\n\n\ndef pair_loss_d(a, b):\n    """The second value pair_loss returns, computed alone: it reads a, b."""\n    sq = keras.ops.sum(keras.ops.square(a - b), axis=1)\n    d = keras.ops.sqrt(sq + 1e-10)\n    return d\n\nx1 = keras.Input(shape=(4,))\nx2 = keras.Input(shape=(4,))\no1 = keras.layers.Dense(3)(x1)\no2 = keras.layers.Dense(3)(x2)\ndef loss(y, o1, o2):\n    return pair_loss(o1, o2, y, margin=2.0)[0]\ndist = pair_loss_d(o1, o2)\nfirst = o1\nmodel = TrainingModel([x1, x2], [o1, o2], loss)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\nfor i in range(3):\n    l = model.train_on_batch([A, B], Y)\nd, f = [keras.Model([x1, x2], dist).predict_on_batch([A, B]), keras.Model(x1, first).predict_on_batch(A)]\n')]
    # a feed dict returned by a helper of the same scope, keyed by placeholders, fed its parameters:
    # the run feeds the call's arguments, the helper goes; a helper doing more stays (TODO, the reason)
    INVALID = [*INVALID, Case('import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\nout = tf.layers.dense(x, 2)\nloss = tf.reduce_mean(tf.square(out - y))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n\n\ndef make_feed(a, b):\n    return {x: a, y: b}\n\n\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for step in range(10):\n        sess.run(train_op, feed_dict=make_feed(X[:8], Y[:8]))\n',
                              'import keras\n\nx = keras.Input(shape=(4,))\nout = keras.layers.Dense(2)(x)\ndef loss(y, out):\n    return keras.ops.mean(keras.ops.square(out - y))\nmodel = keras.Model(x, out)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n\n\nfor step in range(10):\n    model.train_on_batch(X[:8], Y[:8])\n', ()),
               Case('import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\nout = tf.layers.dense(x, 2)\nloss = tf.reduce_mean(tf.square(out - y))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n\n\ndef make_feed(a, b):\n    feed = {x: a, y: b}\n    return feed\n\n\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for step in range(10):\n        sess.run(train_op, feed_dict=make_feed(X[:8], Y[:8]))\n',
                    'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nx = tf.placeholder(tf.float32, [None, 4])  # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not translated\ny = tf.placeholder(tf.float32, [None, 2])  # TODO(tflearn-migrate): TFM140 label placeholder kept: a sess.run of this program is not translated\nout = keras.layers.Dense(2)(x)\n# TODO(tflearn-migrate): TFM140 loss kept as a TF1 tensor: a sess.run of this program is not translated\nloss = keras.ops.mean(keras.ops.square(out - y))\n# TODO(tflearn-migrate): TFM140 train op kept: a sess.run of this program is not translated (see its TODO)\ntrain_op = keras.optimizers.SGD(learning_rate=0.1).minimize(loss)\n\n\ndef make_feed(a, b):\n    feed = {x: a, y: b}\n    return feed\n\n\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for step in range(10):\n        # TODO(tflearn-migrate): TFM140 sess.run: feed_dict is not a dict literal (a call, but not of a helper of this scope that only returns {placeholder: parameter, ...})\n        sess.run(train_op, feed_dict=make_feed(X[:8], Y[:8]))\n', ('TFM140', 'TFM140', 'TFM140', 'TFM140', 'TFM140'), todo=True)]
    INVALID = [*INVALID,
               # a DropoutWrapper's keep probability fed 0.5 in the training run and 1.0 elsewhere
               # (dhwajraj's SiameseLSTM): the placeholder goes, the wrapper drops (a mask per step)
               # only while training with keep 0.5 - what TF1 computed in each run
               Case("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 5, 3])\n"
                    "y = tf.placeholder(tf.float32, [None, 4])\nkeep = tf.placeholder(tf.float32)\n"
                    "cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(4), output_keep_prob=keep)\n"
                    "out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
                    "loss = tf.reduce_mean(tf.square(out[:, -1] - y))\n"
                    "op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nsess = tf.Session()\n"
                    "sess.run(op, feed_dict={x: a, y: b, keep: 0.5})\np = sess.run(out, feed_dict={x: a, keep: 1.0})\n",
                    _rnn_out("import keras\n", ["TF1BasicRNNCell", "TF1DropoutWrapper", "tf1_rnn", "tf1_dynamic_rnn"],
                             "x = keras.Input(shape=(5, 3))\n"
                             "cell = TF1DropoutWrapper(TF1BasicRNNCell(4), output_keep_prob=0.5)\n"
                             "out, _ = tf1_dynamic_rnn(cell, x)\ndef loss(y, out):\n"
                             "    return keras.ops.mean(keras.ops.square(out[:, -1] - y))\n"
                             "model = keras.Model(x, out)\n"
                             "model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n"
                             "model.train_on_batch(a, b)\np = model.predict_on_batch(a)\n"))]
    INVALID = [*INVALID,
               # a model OBJECT built from the placeholders (``net = Net(x, y)``) whose layers are in
               # cached properties (functools.cached_property, DIGITS' model_property, lazy_property):
               # every placeholder given to it is an input, ``minimize(net.loss)`` a LossModel of all of
               # them; a run fetching ``net.out`` feeds what the member reads (self.x <- x)
               Case('import functools\nimport tensorflow as tf\n\n\nclass Net:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n        self.out\n\n    @functools.cached_property\n    def out(self):\n        return tf.layers.dense(self.x, 2)\n\n    @functools.cached_property\n    def loss(self):\n        return tf.reduce_mean(tf.square(self.out - self.y))\n\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\nnet = Net(x, y)\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(net.loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(10):\n    _, l = sess.run([train_op, net.loss], feed_dict={x: X, y: Y})\np = sess.run(net.out, feed_dict={x: X})\n',
                    'import functools\nimport keras\n\n\n' + "# tflearn-migrate helper: LossModel\n" + LOSS_MODEL.code + '\n\nclass Net:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n        self.out\n\n    @functools.cached_property\n    def out(self):\n        return keras.layers.Dense(2)(self.x)\n\n    @functools.cached_property\n    def loss(self):\n        return keras.ops.mean(keras.ops.square(self.out - self.y))\n\n\nx = keras.Input(shape=(4,))\ny = keras.Input(shape=(2,))\nnet = Net(x, y)\nmodel = LossModel([x, y], net.loss)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\nfor i in range(10):\n    l = model.train_on_batch([X, Y])\np = keras.Model(x, net.out).predict_on_batch(X)\n',
                    ()),
               # the member passes ``self`` on (``tower(self)``): not followed - the program stays TF1
               Case('import functools\nimport tensorflow as tf\n\n\ndef tower(net):\n    return tf.layers.dense(net.x, 2)\n\n\nclass Net:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n        self.out\n\n    @functools.cached_property\n    def out(self):\n        return tower(self)\n\n    @functools.cached_property\n    def loss(self):\n        return tf.reduce_mean(tf.square(self.out - self.y))\n\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 2])\nnet = Net(x, y)\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(net.loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(10):\n    _, l = sess.run([train_op, net.loss], feed_dict={x: X, y: Y})\np = sess.run(net.out, feed_dict={x: X})\n',
                    'import functools\nimport tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\ndef tower(net):\n    return keras.layers.Dense(2)(net.x)\n\n\nclass Net:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n        self.out\n\n    @functools.cached_property\n    def out(self):\n        return tower(self)\n\n    @functools.cached_property\n    def loss(self):\n        return keras.ops.mean(keras.ops.square(self.out - self.y))\n\n\nx = tf.placeholder(tf.float32, [None, 4])  # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not translated\ny = tf.placeholder(tf.float32, [None, 2])  # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not translated\nnet = Net(x, y)\n# TODO(tflearn-migrate): TFM140 the minimized loss is not a tensor of the program assigned to a name\ntrain_op = keras.optimizers.SGD(learning_rate=0.1).minimize(net.loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(10):\n    # TODO(tflearn-migrate): TFM140 the minimized loss is not a tensor of the program assigned to a name\n    _, l = sess.run([train_op, net.loss], feed_dict={x: X, y: Y})\np = sess.run(net.out, feed_dict={x: X})  # TODO(tflearn-migrate): TFM140 sess.run does not feed y\n',
                    ("TFM140",) * 5, todo=True),
               # a drop RATE placeholder with a default (fed in training only) and a label weight
               # placeholder_with_default no run feeds (its default, a tensor of the model, in every run)
               Case('import tensorflow as tf\nDROP = 0.3\nx = tf.placeholder(tf.float32, [None, 6])\ny = tf.placeholder(tf.float32, [None, 1])\ndrop = tf.placeholder_with_default(0.0, [])\nh = tf.nn.dropout(tf.layers.dense(x, 8, activation=tf.nn.relu), rate=drop)\nout = tf.layers.dense(h, 1)\nw = tf.placeholder_with_default(tf.ones_like(out), [None, 1])\nloss = tf.reduce_mean(w * tf.square(out - y))\nop = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(3):\n        sess.run(op, feed_dict={x: X, y: Y, drop: DROP})\n    pred = sess.run(out, feed_dict={x: X})\n',
                    'import keras\n\n\n# tflearn-migrate helper: TrainingModel\nclass TrainingModel(keras.Model):\n    """A functional model whose loss is a function of (labels..., outputs...)."""\n\n    def __init__(self, inputs, outputs, loss_fn, **kwargs):\n        super().__init__(inputs, outputs, **kwargs)\n        self.loss_fn = loss_fn\n\n    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n        ys = list(y) if isinstance(y, (list, tuple)) else [y]\n        ps = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]\n        # a TF1 placeholder cast what it was fed: float labels arrive as floatx\n        ys = [keras.ops.cast(v, keras.config.floatx())\n              if "float" in keras.ops.dtype(v) else v for v in ys]\n        loss = self.loss_fn(*ys, *ps)\n        if self.losses:  # layer regularizers: TF1 added REGULARIZATION_LOSSES to the loss it read them in\n            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))\n        return loss\n\n\nDROP = 0.3\nx = keras.Input(shape=(6,))\nh = keras.layers.Dropout(0.3)(keras.layers.Dense(8, activation=\'relu\')(x))\nout = keras.layers.Dense(1)(h)\nw = keras.ops.ones_like(out)\ndef loss(y, out, w):\n    return keras.ops.mean(w * keras.ops.square(out - y))\nmodel = TrainingModel(x, [out, w], loss)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\nfor i in range(3):\n    model.train_on_batch(X, Y)\npred = keras.Model(x, out).predict_on_batch(X)\n', ())]
    INVALID = [*INVALID, Case(  # a layer OBJECT (also tf.keras.Sequential / Model, a make_template) called on
        # the placeholders applies weights: they are inputs, not labels (the object shares, as in TF1)
        'import tensorflow as tf\nx1 = tf.placeholder(tf.float32, [None, 4])\nx2 = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None])\nfc = tf.layers.Dense(2)\nd = tf.reduce_sum(tf.square(fc(x1) - fc(x2)), 1)\nloss = tf.reduce_mean(y * d)\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nsess.run(train_op, feed_dict={x1: A, x2: B, y: Y})\n',
        'import keras\n\nx1 = keras.Input(shape=(4,))\nx2 = keras.Input(shape=(4,))\nfc = keras.layers.Dense(2)\nd = keras.ops.sum(keras.ops.square(fc(x1) - fc(x2)), axis=1)\ndef loss(y, d):\n    return keras.ops.mean(y * d)\nmodel = keras.Model([x1, x2], d)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\nmodel.train_on_batch([A, B], Y)\n', ())]
    INVALID = [*INVALID, Case(  # a MonitoredTrainingSession's runs are runs of the program, none translated
        # (hooks, should_stop(), its own initialization): the program stays TF1 whole, with the reason
        'import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 1])\nout = tf.layers.dense(x, 1)\nloss = tf.reduce_mean(tf.square(out - y))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nwith tf.train.MonitoredTrainingSession() as sess:\n    while not sess.should_stop():\n        sess.run(train_op, feed_dict={x: X, y: Y})\n',
        'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nx = tf.placeholder(tf.float32, [None, 4])  # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not translated\ny = tf.placeholder(tf.float32, [None, 1])  # TODO(tflearn-migrate): TFM140 label placeholder kept: a sess.run of this program is not translated\nout = keras.layers.Dense(1)(x)\n# TODO(tflearn-migrate): TFM140 loss kept as a TF1 tensor: a sess.run of this program is not translated\nloss = keras.ops.mean(keras.ops.square(out - y))\n# TODO(tflearn-migrate): TFM140 train op kept: a sess.run of this program is not translated (see its TODO)\ntrain_op = keras.optimizers.SGD(learning_rate=0.1).minimize(loss)\nwith tf.train.MonitoredTrainingSession() as sess:\n    while not sess.should_stop():\n        # TODO(tflearn-migrate): TFM140 sess.run: a run of a MonitoredTrainingSession / Supervisor session (its hooks, should_stop() and variable initialization are not translated)\n        sess.run(train_op, feed_dict={x: X, y: Y})\n', ("TFM140",) * 5, todo=True)]

    INVALID = [*INVALID,
               # streaming metrics: ``auc, auc_op = tf.metrics.auc(...)`` -> the metric's state (a TF1StreamingMetric,
               # TF1's math) and its update op as a function of (labels, model outputs) returning the updated value;
               # ``sess.run(auc)`` -> ``auc.result()``; the local-variable initializers -> ``reset_state()``
               Case('import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None])\np = tf.sigmoid(tf.squeeze(tf.layers.dense(x, 1), axis=1))\nloss = tf.reduce_mean(tf.square(p - y))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nauc, auc_op = tf.metrics.auc(labels=y, predictions=p)\nsess = tf.Session()\nsess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])\nfor i in range(3):\n    sess.run(train_op, feed_dict={x: X, y: Y})\nfor xb, yb in batches:\n    so_far = sess.run(auc_op, feed_dict={x: xb, y: yb})\nprint(sess.run(auc))\nsess.run(tf.variables_initializer(tf.local_variables()))\n',
                    'import keras\nimport numpy as np\n\n\n' + "# tflearn-migrate helper: TF1StreamingMetric\n" + TF1_METRIC.code + "\n\nx = keras.Input(shape=(4,))\np = keras.ops.sigmoid(keras.ops.squeeze(keras.layers.Dense(1)(x), axis=1))\ndef loss(y, p):\n    return keras.ops.mean(keras.ops.square(p - y))\nmodel = keras.Model(x, p)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\nauc = TF1StreamingMetric('auc')\ndef auc_op(y, p):\n    return auc.update_state(labels=y, predictions=p)\nauc.reset_state()\nfor i in range(3):\n    model.train_on_batch(X, Y)\nfor xb, yb in batches:\n    so_far = keras.ops.convert_to_numpy(auc_op(keras.ops.convert_to_tensor(yb, dtype='float32'), model.predict_on_batch(xb)))\nprint(auc.result())\nauc.reset_state()\n"),
               # an update op fetched by a TRAINING run next to the loss: the step returns the update's
               # arguments (labels, outputs of its forward pass, as TF1's run), the update runs after it
               Case('import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.int64, [None])\nlogits = tf.layers.dense(x, 3)\nloss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nacc, acc_op = tf.metrics.accuracy(labels=y, predictions=tf.argmax(logits, 1))\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nsess.run(tf.local_variables_initializer())\nfor i in range(3):\n    _, l, a = sess.run([train_op, loss, acc_op], feed_dict={x: X, y: Y})\nprint(sess.run(acc))\n',
                    'import keras\nimport numpy as np\n\n\n' + "# tflearn-migrate helper: FetchingModel\n" + FETCHING_MODEL.code + '\n\n'
                    + "# tflearn-migrate helper: TF1StreamingMetric\n" + TF1_METRIC.code + '\n\nx = keras.Input(shape=(4,))\nlogits = keras.layers.Dense(3)(x)\ndef loss(y, logits):\n    return keras.ops.mean(keras.ops.sparse_categorical_crossentropy(y, logits, from_logits=True))\ndef model_fetches(y, logits):\n    return loss(y, logits), (y, logits)\nmodel = FetchingModel(x, logits, loss, model_fetches)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\nacc = TF1StreamingMetric(\'accuracy\')\ndef acc_op(y, logits):\n    return acc.update_state(labels=y, predictions=keras.ops.argmax(logits, axis=1))\nacc.reset_state()\nfor i in range(3):\n    l, a = keras.tree.map_structure(keras.ops.convert_to_numpy, model.train_on_batch(X, Y, return_dict=True)["fetched"])\n    a = acc_op(*a)\nprint(acc.result())\n'),
               # the metric's VALUE fetched by a training run (before or after the update: TF1 did not say):
               # not translated, the program stays TF1 with the reason
               Case('import tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.int64, [None])\nlogits = tf.layers.dense(x, 3)\nloss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nacc, acc_op = tf.metrics.accuracy(labels=y, predictions=tf.argmax(logits, 1))\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nsess.run(tf.local_variables_initializer())\nfor i in range(3):\n    _, l, a = sess.run([train_op, loss, acc], feed_dict={x: X, y: Y})\nprint(sess.run(acc))\n',
                    'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nx = tf.placeholder(tf.float32, [None, 4])  # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not translated\ny = tf.placeholder(tf.int64, [None])  # TODO(tflearn-migrate): TFM140 label placeholder kept: a sess.run of this program is not translated\nlogits = keras.layers.Dense(3)(x)\n# TODO(tflearn-migrate): TFM140 loss kept as a TF1 tensor: a sess.run of this program is not translated\nloss = keras.ops.mean(keras.ops.sparse_categorical_crossentropy(y, logits, from_logits=True))\n# TODO(tflearn-migrate): TFM140 train op kept: a sess.run of this program is not translated (see its TODO)\ntrain_op = keras.optimizers.SGD(learning_rate=0.1).minimize(loss)\n# TODO(tflearn-migrate): TFM140 tf.metrics.accuracy kept: acc (a TF1 streaming metric) is fetched by a training run whose step cannot return the values its update reads\nacc, acc_op = tf.metrics.accuracy(labels=y, predictions=keras.ops.argmax(logits, axis=1))\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nsess.run(tf.local_variables_initializer())\nfor i in range(3):\n    # TODO(tflearn-migrate): TFM140 training run kept: another sess.run of this program is not translated\n    _, l, a = sess.run([train_op, loss, acc], feed_dict={x: X, y: Y})\nprint(sess.run(acc))\n',
                    ("TFM140",) * 6, todo=True)]
    INVALID = [*INVALID,
               # a weight decay over tf.trainable_variables() filtered by the TF1 names: the filter is
               # evaluated on the names the get_variable calls get (net/hidden/w:0 ... through the scopes and
               # the call sites' literals) - here it keeps the kernels - and the decay becomes a function
               # of the model's weights that the loss calls at every step
               Case("import tensorflow as tf\n\n\ndef fc(x, n, name):\n    with tf.variable_scope(name):\n        w = tf.get_variable('w', [4, n])\n        b = tf.get_variable('b', [n], initializer=tf.zeros_initializer())\n        return tf.matmul(x, w) + b\n\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 4])\nwith tf.variable_scope('net'):\n    out = fc(fc(x, 4, 'hidden'), 4, 'out')\nreg = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables() if 'w' in v.name])\nloss = tf.reduce_mean(tf.square(out - y)) + 0.01 * reg\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(3):\n    sess.run(train_op, feed_dict={x: X, y: Y})\n",
                    'import keras\n\n\n' + "# tflearn-migrate helper: tf1_selected_weights\n" + SELECTED_WEIGHTS.code + "\n\ndef fc(x, n, name):\n    return keras.layers.Dense(n)(x)\n\n\nx = keras.Input(shape=(4,))\nout = fc(fc(x, 4, 'hidden'), 4, 'out')\ndef reg():\n    return keras.ops.sum(keras.ops.stack([keras.ops.sum(keras.ops.square(v)) / 2 for v in tf1_selected_weights(model, {('Dense', 'bias'): False, ('Dense', 'kernel'): True})]), axis=0)\ndef loss(y, out):\n    return keras.ops.mean(keras.ops.square(out - y)) + 0.01 * reg()\nmodel = keras.Model(x, out)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\nfor i in range(3):\n    model.train_on_batch(X, Y)\n",
                    requires=("TFM135",)),
               # a scope name that puts 'w' into one bias' TF1 name only: the filter depends on more than
               # what the weight becomes - the program stays TF1, with the reason
               Case("import tensorflow as tf\n\n\ndef fc(x, n, name):\n    with tf.variable_scope(name):\n        w = tf.get_variable('w', [4, n])\n        b = tf.get_variable('b', [n], initializer=tf.zeros_initializer())\n        return tf.matmul(x, w) + b\n\n\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 4])\nwith tf.variable_scope('net'):\n    out = fc(fc(x, 4, 'hidden'), 4, 'w_out')\nreg = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables() if 'w' in v.name])\nloss = tf.reduce_mean(tf.square(out - y)) + 0.01 * reg\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(3):\n    sess.run(train_op, feed_dict={x: X, y: Y})\n",
                    "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\ndef fc(x, n, name):\n    return keras.layers.Dense(n)(x)\n\n\nx = tf.placeholder(tf.float32, [None, 4])  # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not translated\ny = tf.placeholder(tf.float32, [None, 4])  # TODO(tflearn-migrate): TFM140 label placeholder kept: a sess.run of this program is not translated\nout = fc(fc(x, 4, 'hidden'), 4, 'w_out')\n# TODO(tflearn-migrate): TFM140 tf.trainable_variables() kept: the filter keeps some Dense bias weights and not others ('net/hidden/b:0')\nreg = keras.ops.sum(keras.ops.stack([keras.ops.sum(keras.ops.square(v)) / 2 for v in tf.trainable_variables() if 'w' in v.name]), axis=0)\n# TODO(tflearn-migrate): TFM140 loss kept as a TF1 tensor: a sess.run of this program is not translated\nloss = keras.ops.mean(keras.ops.square(out - y)) + 0.01 * reg\n# TODO(tflearn-migrate): TFM140 train op kept: a sess.run of this program is not translated (see its TODO)\ntrain_op = keras.optimizers.SGD(learning_rate=0.1).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(3):\n    sess.run(train_op, feed_dict={x: X, y: Y})  # TODO(tflearn-migrate): TFM140 training run kept: another sess.run of this program is not translated\n",
                    ("TFM140",) * 6, todo=True, requires=("TFM135",))]
    REQUIRES = ("TFM130", "TFM131", "TFM133", "TFM134", "TFM137", "TFM138", "TFM142", "TFM158")

# Saver.save(global_step=): TF1 names the checkpoint "<path>-<step>" (a step counter's value, or a
# Python int such as a loop index); the newest one restored through tf.train.latest_checkpoint (TFM137)
SessionProgram.INVALID = [*SessionProgram.INVALID, Case(
    "import tensorflow as tf\nq = tf.placeholder(tf.float32, [None, 6])\nt = tf.placeholder(tf.float32, [None, 1])\n"
    "score = tf.layers.dense(q, 1)\ncost = tf.reduce_mean(tf.square(score - t))\n"
    "n_updates = tf.Variable(0, trainable=False)\n"
    "fit_op = tf.train.GradientDescentOptimizer(0.1).minimize(cost, global_step=n_updates)\n"
    "ckpt = tf.train.Saver()\nwith tf.Session() as s:\n    s.run(tf.global_variables_initializer())\n"
    "    for epoch in range(4):\n        s.run(fit_op, feed_dict={q: Q, t: T})\n"
    "        ckpt.save(s, 'runs/pairs', global_step=n_updates)\n        ckpt.save(s, 'runs/by_epoch', global_step=epoch)\n"
    "    ckpt.restore(s, tf.train.latest_checkpoint('runs'))\n",
    "import glob\nimport keras\nimport os\n\n\n# tflearn-migrate helper: save_checkpoint\ndef save_checkpoint(model, path):\n"
    "    # tf.train.Saver.save: creates the checkpoint's directory, returns the path it saved to\n"
    "    os.makedirs(os.path.dirname(path) or \".\", exist_ok=True)\n    model.save_weights(path)\n"
    "    return path\n\n\n# tflearn-migrate helper: tf1_latest_checkpoint\n"
    + HELPERS["tf1_latest_checkpoint"].code.strip() + "\n\n\n"
    "q = keras.Input(shape=(6,))\nscore = keras.layers.Dense(1)(q)\ndef cost(t, score):\n"
    "    return keras.ops.mean(keras.ops.square(score - t))\nmodel = keras.Model(q, score)\n"
    "model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=cost)\n"
    "for epoch in range(4):\n    model.train_on_batch(Q, T)\n"
    "    save_checkpoint(model, \"%s-%d.weights.h5\" % ('runs/pairs', int(keras.ops.convert_to_numpy("
    "keras.ops.cast(model.optimizer.iterations, 'int32')))))\n"
    "    save_checkpoint(model, \"%s-%d.weights.h5\" % ('runs/by_epoch', epoch))\n"
    "model.load_weights(str(tf1_latest_checkpoint('runs')) + \".weights.h5\")\n")]

# the TF tutorials' weight_variable(shape, name) / bias_variable(shape, name) helpers returning
# tf.Variable(..., name=name), conv2d(x, W) with the bias added outside: each call's variable is a
# layer weight whose TF1 name is the literal the call passes ('W_conv', 'W_fc'): the filter keeps the
# kernels. A filter that could read the '_1' TF1 adds to a repeated tf.Variable name (endswith) stays TF1
_TUTORIAL_DECAY = "import tensorflow as tf\n\n\ndef weight_variable(shape, name):\n    return tf.Variable(tf.truncated_normal(shape, stddev=0.1), name=name)\n\n\ndef bias_variable(shape, name):\n    return tf.Variable(tf.constant(0.1, shape=shape), name=name)\n\n\ndef conv2d(x, W):\n    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')\n\n\nx = tf.placeholder(tf.float32, [None, 4, 4, 1])\ny = tf.placeholder(tf.float32, [None, 1])\nW_conv = weight_variable([3, 3, 1, 2], 'W_conv')\nb_conv = bias_variable([2], 'b_conv')\nh = tf.reshape(tf.nn.relu(conv2d(x, W_conv) + b_conv), [-1, 32])\nW_fc = weight_variable([32, 1], 'W_fc')\nb_fc = bias_variable([1], 'b_fc')\nout = tf.matmul(h, W_fc) + b_fc\nreg = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables() if 'W' in v.name])\nloss = tf.reduce_mean(tf.square(out - y)) + 0.01 * reg\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(3):\n    sess.run(train_op, feed_dict={x: X, y: Y})\n"
SessionProgram.INVALID = [*SessionProgram.INVALID, Case(
    _TUTORIAL_DECAY,
    'import keras\n\n\n' + "# tflearn-migrate helper: tf1_selected_weights\n" + SELECTED_WEIGHTS.code + "\n\n"
    + "def conv2d(x, W):\n    return W(x)\n\n\nx = keras.Input(shape=(4, 4, 1))\nh = keras.ops.reshape(keras.ops.relu(conv2d(x, keras.layers.Conv2D(\n    2,\n    (3, 3),\n    strides=(1, 1),\n    padding='same',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n    bias_initializer=keras.initializers.Constant(0.1),\n))), [-1, 32])\nout = keras.layers.Dense(\n    1,\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n    bias_initializer=keras.initializers.Constant(0.1),\n)(h)\ndef reg():\n    return keras.ops.sum(keras.ops.stack([keras.ops.sum(keras.ops.square(v)) / 2 for v in tf1_selected_weights(model, {('Conv2D', 'bias'): False, ('Conv2D', 'kernel'): True, ('Dense', 'bias'): False, ('Dense', 'kernel'): True})]), axis=0)\ndef loss(y, out):\n    return keras.ops.mean(keras.ops.square(out - y)) + 0.01 * reg()\nmodel = keras.Model(x, out)\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\nfor i in range(3):\n    model.train_on_batch(X, Y)\n",
    requires=("TFM135",)), Case(
    _TUTORIAL_DECAY.replace("if 'W' in v.name", "if v.name.endswith('W_fc:0')"),
    "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\ndef conv2d(x, W):\n    return W(x)\n\n\nx = tf.placeholder(tf.float32, [None, 4, 4, 1])  # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not translated\ny = tf.placeholder(tf.float32, [None, 1])  # TODO(tflearn-migrate): TFM140 label placeholder kept: a sess.run of this program is not translated\nh = keras.ops.reshape(keras.ops.relu(conv2d(x, keras.layers.Conv2D(\n    2,\n    (3, 3),\n    strides=(1, 1),\n    padding='same',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n    bias_initializer=keras.initializers.Constant(0.1),\n))), [-1, 32])\nout = keras.layers.Dense(\n    1,\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n    bias_initializer=keras.initializers.Constant(0.1),\n)(h)\n# TODO(tflearn-migrate): TFM140 tf.trainable_variables() kept: the filter's answer on 'W_fc:0' depends on the suffix TF1 makes a tf.Variable's name unique with ('_1')\nreg = keras.ops.sum(keras.ops.stack([keras.ops.sum(keras.ops.square(v)) / 2 for v in tf.trainable_variables() if v.name.endswith('W_fc:0')]), axis=0)\n# TODO(tflearn-migrate): TFM140 loss kept as a TF1 tensor: a sess.run of this program is not translated\nloss = keras.ops.mean(keras.ops.square(out - y)) + 0.01 * reg\n# TODO(tflearn-migrate): TFM140 train op kept: a sess.run of this program is not translated (see its TODO)\ntrain_op = keras.optimizers.SGD(learning_rate=0.1).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(3):\n    sess.run(train_op, feed_dict={x: X, y: Y})  # TODO(tflearn-migrate): TFM140 training run kept: another sess.run of this program is not translated\n",
    ("TFM140",) * 6, todo=True, requires=("TFM135",))]

