"""TFM145: a TF1 model built by a FUNCTION that returns a dict (``{'images_a': x1, 'labels': y,
'loss': loss, 'trainer': train_op, 'step': step}``), trained and evaluated by other functions
through ``model['key']`` with a Session passed around (imironhead/ml_representation's shape).

The analysis (``DictPrograms``) follows the dict from ``m = build()`` into the functions it is
passed to, and the session from ``with tf.Session() as s`` likewise; every ``s.run(fetches,
feed_dict)`` must fetch ``m['key']`` values (a display, or a name bound to one) and feed a dict
of ``m['placeholder key']``. Translation (as TFM144 does for model classes):

* in the builder, every placeholder (labels too) -> ``keras.Input``: the loss stays a graph tensor;
  ``train_op = opt.minimize(loss, global_step=step)`` -> ``train_op = LossModel([placeholders the
  loss reads], loss)`` + ``train_op.compile(optimizer=opt)``; a step counter (``get_variable`` /
  ``tf.Variable`` with ``trainable=False`` starting at 0, ``get_or_create_global_step()``) ->
  ``step = train_op.optimizer.iterations`` (Keras counts applied updates the same way);
* a training run -> ``value = m['trainer'].train_on_batch([...])`` and the fetched structure
  rebuilt (loss -> that value, the train op -> None, the step -> its value after the update);
* an evaluation run -> ``keras.Model([placeholders], m['t']).predict_on_batch([...])``;
* initializer runs, the session (``with`` dedented) and session parameters of the functions it
  was passed to disappear; ``Saver().save(s, p, global_step=g)`` -> ``m['trainer'].save_weights``.

Anything else (hyper-parameter placeholders, fetch/feed built dynamically, the dict used other
than by key or passed to a function of the file) keeps the program TF1 (TFM140's TODOs).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ..analysis.flow import Flow
from ..cstcache import walk
from ..emit import call, expr, literal, stmt
from ..analysis.tf1_program import INITIALIZERS, SAVERS, SESSIONS, Program, TF1Program
from .base import Case, Rule
from ..translate.tf1_helpers import LOSS_MODEL  # noqa: F401  (registers the LossModel helper)

_STEP_CREATORS = ("tensorflow.train.get_or_create_global_step", "tensorflow.train.create_global_step",
                  "tensorflow.train.get_global_step")


class _No(Exception):
    pass


@dataclass(eq=False)
class DictRun:
    call: cst.Call
    statement: cst.CSTNode
    instance: str
    shape: str                                   # "dict" | "list" | "tuple" | "single"
    fetches: list[tuple[cst.BaseExpression | None, str]]  # (dict key node, model key)
    feeds: dict[str, cst.BaseExpression]         # model key of a placeholder -> fed value (original)
    train: bool = False


@dataclass(eq=False)
class DictProgram:
    func: cst.FunctionDef
    prog: Program
    keys: dict[str, str]                         # dict key -> local name in the builder
    train_key: str = ""
    train_op: object = None
    step: str | None = None                      # the step counter's local name
    step_stmt: cst.CSTNode | None = None
    instances: set = field(default_factory=set)  # (id(scope node), name)
    runs: list[DictRun] = field(default_factory=list)
    removed: set = field(default_factory=set)    # ids of statements that disappear
    withs: set = field(default_factory=set)      # ids of ``with tf.Session() as s`` to dedent
    session_params: dict = field(default_factory=dict)  # function name -> parameter index
    savers: dict = field(default_factory=dict)   # id(save/restore call) -> (instance, method)
    why: str = ""

    @property
    def name(self) -> str:
        return self.func.name.value

    def key_of(self, local: str) -> str | None:
        return next((k for k, v in self.keys.items() if v == local), None)

    def loss_inputs(self) -> list[str]:
        """Model keys of the placeholders the loss reads (input and label), in builder order."""
        names = self.prog.placeholders_of(self.train_op.loss)
        return [self.key_of(n) for n in names]

    def inputs_of(self, key: str) -> list[str]:
        names = self.prog.placeholders_of(self.keys[key])
        return [self.key_of(n) for n in names]


def _subscript_key(node, names: set[str]) -> tuple[str, str] | None:
    """``m['k']`` with ``m`` in ``names`` -> (m, 'k')."""
    if (isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and node.value.value in names
            and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index)):
        k = literal(node.slice[0].slice.value, None)
        if isinstance(k, str):
            return node.value.value, k
    return None


class DictPrograms:
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.tp: TF1Program = ctx.analysis(TF1Program)
        self.flow: Flow = ctx.analysis(Flow)
        self.programs: list[DictProgram] = []
        funcs = self.flow.functions
        for f in funcs.values():
            prog = self.tp.programs.get(id(f))
            if prog is None or not prog.placeholders:
                continue
            ret = f.body.body[-1] if isinstance(f.body, cst.IndentedBlock) and f.body.body else None
            if not (isinstance(ret, cst.SimpleStatementLine) and isinstance(ret.body[0], cst.Return)
                    and isinstance(ret.body[0].value, cst.Dict)):
                continue
            keys = {}
            for el in ret.body[0].value.elements:
                k = literal(el.key, None) if isinstance(el, cst.DictElement) else None
                if not isinstance(k, str) or not isinstance(el.value, cst.Name):
                    keys = {}
                    break
                keys[k] = el.value.value
            if not keys or not prog.train_ops:
                continue
            dp = DictProgram(f, prog, keys)
            try:
                self._analyse(dp, funcs)
            except _No as ex:
                dp.why = str(ex)
            self.programs.append(dp)

    # -- queries --------------------------------------------------------------------------------
    def owner(self, prog: Program | None) -> DictProgram | None:
        return next((d for d in self.programs if d.prog is prog and not d.why), None) if prog else None

    # -- analysis -------------------------------------------------------------------------------
    def _analyse(self, dp: DictProgram, funcs) -> None:
        ctx, prog = self.ctx, dp.prog
        if len(prog.train_ops) != 1 or prog.train_ops[0].name is None or prog.train_ops[0].loss is None \
                or prog.train_ops[0].loss_index is not None:
            raise _No("the builder does not have exactly one `name = opt.minimize(loss)`")
        op = dp.train_op = prog.train_ops[0]
        if op.clip is not None or op.extra or op.call.func.attr.value != "minimize":
            raise _No("the train op is not a plain minimize()")
        dp.train_key = dp.key_of(op.name) or ""
        if not dp.train_key:
            raise _No("the train op is not returned in the dict")
        for p in prog.placeholders.values():
            if p.role == "hyper":
                raise _No(f"placeholder {p.name} is a scalar fed per run (no Keras Input for it here)")
            if p.shape_elements is None or not p.shape_elements:
                raise _No(f"placeholder {p.name}: shape not a literal list")
            if dp.key_of(p.name) is None:
                raise _No(f"placeholder {p.name} is not returned in the dict")
        self._step(dp, op)
        # instances: m = build(...) and the functions m is passed to
        inst: set[tuple[int, str]] = set()
        sess: set[tuple[int, str]] = set()
        for node in walk(ctx.module):
            if isinstance(node, cst.Name) and node.value == dp.name and node is not dp.func.name:
                p = ctx.parent(node)
                c = ctx.parent(p) if p is not None else None
                if not (isinstance(p, cst.Call) and p.func is node and isinstance(c, cst.Assign)
                        and len(c.targets) == 1 and isinstance(c.targets[0].target, cst.Name)):
                    raise _No(f"{dp.name} is used other than as `model = {dp.name}(...)`")
                inst.add((id(self.flow.scope_of(node).node), c.targets[0].target.value))
            elif isinstance(node, cst.WithItem) and isinstance(node.item, cst.Call) \
                    and self.tp.qname(node.item) in SESSIONS and isinstance(getattr(node.asname, "name", None), cst.Name):
                sess.add((id(self.flow.scope_of(node).node), node.asname.name.value))
            elif isinstance(node, cst.Assign) and isinstance(node.value, cst.Call) \
                    and self.tp.qname(node.value) in SESSIONS and len(node.targets) == 1 \
                    and isinstance(node.targets[0].target, cst.Name):
                sess.add((id(self.flow.scope_of(node).node), node.targets[0].target.value))
                dp.removed.add(id(ctx.statement_of(node)))
        if not inst:
            raise _No(f"{dp.name}() is never called")
        self._propagate(inst, funcs, None)
        self._propagate(sess, funcs, dp)
        dp.instances = inst
        self._uses(dp, inst, sess)

    def _step(self, dp: DictProgram, op) -> None:
        gs = next((a.value for a in op.call.args if a.keyword is not None and a.keyword.value == "global_step"), None)
        if gs is None:
            return
        if not isinstance(gs, cst.Name):
            raise _No("global_step= is not a name")
        d = self.flow.def_of(gs.value, op.statement)
        v = d.value if d is not None else None
        q = self.tp.qname(v) if isinstance(v, cst.Call) else None
        if q in _STEP_CREATORS and not v.args:
            pass
        elif q in ("tensorflow.get_variable", "tensorflow.Variable"):
            kw = {a.keyword.value: a.value for a in v.args if a.keyword is not None}
            if literal(kw.get("trainable"), None) is not False:
                raise _No("the global_step variable is trainable")
            if q == "tensorflow.Variable":
                init = v.args[0].value if v.args and v.args[0].keyword is None else kw.get("initial_value")
                start = literal(init, None)
            else:
                init = kw.get("initializer")
                start = None
                if isinstance(init, cst.Call) and self.tp.qname(init) == "tensorflow.constant_initializer":
                    start = literal(init.args[0].value, None) if init.args else 0
                elif isinstance(init, cst.Call) and self.tp.qname(init) == "tensorflow.zeros_initializer":
                    start = 0
            if start != 0:
                raise _No("the global_step variable does not start at 0")
        else:
            raise _No("global_step= is not a step counter variable")
        if len(self.flow.scope_of(op.statement).by_name.get(gs.value, ())) != 1:
            raise _No("the step counter is re-assigned")
        # read only by minimize and the returned dict (both after its definition)
        for node in walk(dp.func):
            if isinstance(node, cst.Name) and node.value == gs.value:
                p = self.ctx.parent(node)
                if isinstance(p, cst.AssignTarget) or (isinstance(p, cst.Arg) and p.keyword is not None
                                                       and p.keyword.value == "global_step"):
                    continue
                if isinstance(p, cst.DictElement) and self.ctx.statement_of(p) is dp.func.body.body[-1]:
                    continue
                if isinstance(p, cst.Attribute) and p.attr is node:
                    continue
                raise _No("the step counter is read inside the builder")
        dp.step, dp.step_stmt = gs.value, d.stmt
        dp.removed.add(id(d.stmt))

    def _propagate(self, names: set, funcs, dp) -> None:
        """Names passed positionally to a function of the file bind its parameter too."""
        changed = True
        while changed:
            changed = False
            for node in walk(self.ctx.module):
                if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in funcs):
                    continue
                scope = id(self.flow.scope_of(node).node)
                f = funcs[node.func.value]
                for i, a in enumerate(node.args):
                    if isinstance(a.value, cst.Name) and (scope, a.value.value) in names:
                        if a.keyword is not None or a.star or i >= len(f.params.params):
                            raise _No(f"{a.value.value} passed to {f.name.value}() other than positionally")
                        pname = f.params.params[i].name.value
                        if len(self.flow.scopes[id(f)].by_name.get(pname, ())) != 1:
                            raise _No(f"{f.name.value}() re-assigns its parameter {pname}")
                        if (id(f), pname) not in names:
                            names.add((id(f), pname))
                            changed = True
                        if dp is not None:
                            if dp.session_params.get(f.name.value, i) != i:
                                raise _No(f"{f.name.value}() takes the session in two parameters")
                            dp.session_params[f.name.value] = i

    def _uses(self, dp: DictProgram, inst: set, sess: set) -> None:
        ctx, funcs = self.ctx, self.flow.functions
        for node in walk(ctx.module):
            if not isinstance(node, cst.Name):
                continue
            p = ctx.parent(node)
            if isinstance(p, cst.Attribute) and p.attr is node or isinstance(p, (cst.AssignTarget, cst.Param)):
                continue
            if isinstance(p, cst.WithItem) or isinstance(p, cst.AsName):
                continue
            key = (id(self.flow.scope_of(node).node), node.value)
            if key in inst:
                sk = _subscript_key(p, {node.value})
                if sk is not None:
                    if sk[1] not in dp.keys:
                        raise _No(f"{node.value}[{sk[1]!r}] is not a key of the dict {dp.name}() returns")
                    pp = ctx.parent(p)
                    if isinstance(pp, cst.Attribute) and pp.value is p and pp.attr.value in ("eval", "run"):
                        raise _No(f"{node.value}[{sk[1]!r}].{pp.attr.value}() (a run TFM145 does not translate)")
                    continue
                if isinstance(p, cst.Arg) and isinstance(ctx.parent(p), cst.Call) \
                        and isinstance(ctx.parent(p).func, cst.Name) and ctx.parent(p).func.value in funcs:
                    continue
                raise _No(f"the model dict {node.value} is used other than by key")
            if key in sess:
                c = ctx.parent(p)
                if isinstance(p, cst.Arg) and isinstance(c, cst.Call) and isinstance(c.func, cst.Name) \
                        and c.func.value in dp.session_params:
                    continue
                if isinstance(p, cst.Attribute) and p.value is node and p.attr.value == "run" \
                        and isinstance(c, cst.Call):
                    self._run(dp, c, inst)
                    continue
                if isinstance(p, cst.Attribute) and p.value is node and p.attr.value == "close" \
                        and isinstance(c, cst.Call) and not c.args and isinstance(ctx.parent(c), cst.Expr):
                    dp.removed.add(id(ctx.statement_of(c)))
                    continue
                if isinstance(p, cst.Arg) and isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) \
                        and c.func.attr.value in ("save", "restore") and c.args and c.args[0] is p:
                    self._saver(dp, c, inst)
                    continue
                raise _No(f"the session {node.value} is used other than by run / Saver")
        scopes = {sc for sc, _ in inst}
        for node in walk(ctx.module):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                    and node.func.attr.value == "run" and isinstance(node.func.value, cst.Name):
                key = (id(self.flow.scope_of(node).node), node.func.value.value)
                if key[0] in scopes and key not in sess:
                    raise _No(f"{node.func.value.value}.run(...) through a session TFM145 does not follow")
        for f, i in dp.session_params.items():
            fn = funcs[f]
            for node in walk(ctx.module):
                if isinstance(node, cst.Name) and node.value == f and node is not fn.name:
                    p = ctx.parent(node)
                    if not (isinstance(p, cst.Call) and p.func is node and len(p.args) > i
                            and isinstance(p.args[i].value, cst.Name)
                            and (id(self.flow.scope_of(p).node), p.args[i].value.value) in sess):
                        raise _No(f"{f}() is not always called with the session as argument {i + 1}")
        for node in walk(ctx.module):
            if isinstance(node, cst.With) and len(node.items) == 1:
                it = node.items[0]
                if isinstance(it.item, cst.Call) and self.tp.qname(it.item) in SESSIONS and it.asname is not None \
                        and (id(self.flow.scope_of(node).node), it.asname.name.value) in sess:
                    dp.withs.add(id(node))

    def _resolve(self, node, at) -> tuple[cst.BaseExpression, cst.CSTNode | None]:
        """A name bound once to a display in the same scope and read only here -> that display."""
        if not isinstance(node, cst.Name):
            return node, None
        scope = self.flow.scope_of(at)
        defs = scope.by_name.get(node.value, ())
        if len(defs) != 1 or defs[0].value is None:
            raise _No(f"{node.value} (fetches / feed_dict) is not bound once to a literal")
        reads = [n for n in walk(scope.node) if isinstance(n, cst.Name) and n.value == node.value
                 and not isinstance(self.ctx.parent(n), cst.AssignTarget)
                 and not (isinstance(self.ctx.parent(n), cst.Attribute) and self.ctx.parent(n).attr is n)]
        if len(reads) != 1:
            raise _No(f"{node.value} is read elsewhere than by the run")
        return defs[0].value, defs[0].stmt

    def _run(self, dp: DictProgram, c: cst.Call, inst: set) -> None:
        from ..analysis.tf1_program import _arg

        st = self.ctx.statement_of(c)
        names = {n for (s, n) in inst if s == id(self.flow.scope_of(c).node)}
        fetch = _arg(c, 0, "fetches")
        if fetch is None or any(a.keyword is not None and a.keyword.value not in ("fetches", "feed_dict")
                                for a in c.args):
            raise _No("a session run with other arguments than fetches / feed_dict")
        if isinstance(fetch, cst.Call) and self.tp.qname(fetch) in INITIALIZERS:
            if not (isinstance(st, cst.SimpleStatementLine) and isinstance(st.body[0], cst.Expr)):
                raise _No("the initializer run's value is used")
            dp.removed.add(id(st))
            return
        fv, fstmt = self._resolve(fetch, c)
        if isinstance(fv, cst.Dict):
            shape = "dict"
            items = [(el.key, el.value) for el in fv.elements]
        elif isinstance(fv, (cst.List, cst.Tuple)):
            shape = "list" if isinstance(fv, cst.List) else "tuple"
            items = [(None, el.value) for el in fv.elements]
        else:
            shape, items = "single", [(None, fv)]
        fetches, owners = [], set()
        for k, v in items:
            sk = _subscript_key(v, names)
            if sk is None or sk[1] not in dp.keys:
                raise _No("a run fetches something other than model['key']")
            owners.add(sk[0])
            fetches.append((k, sk[1]))
        feeds: dict[str, cst.BaseExpression] = {}
        feed = _arg(c, 1, "feed_dict")
        feed_stmt = None
        if feed is not None:
            dv, feed_stmt = self._resolve(feed, c)
            if not isinstance(dv, cst.Dict):
                raise _No("feed_dict is not a dict display")
            for el in dv.elements:
                sk = _subscript_key(el.key, names) if isinstance(el, cst.DictElement) else None
                if sk is None or dp.keys.get(sk[1]) not in dp.prog.placeholders:
                    raise _No("feed_dict keys are not model['placeholder']")
                owners.add(sk[0])
                feeds[sk[1]] = el.value
        if len(owners) != 1:
            raise _No("a run mixes several model dicts")
        r = DictRun(c, st, owners.pop(), shape, fetches, feeds)
        keys = [k for _, k in fetches]
        loss_key = dp.key_of(dp.train_op.loss)
        if dp.train_key in keys:
            r.train = True
            need = dp.loss_inputs()
            extra = [k for k in keys if k not in (dp.train_key, loss_key) and dp.keys[k] != dp.step]
            if extra:
                raise _No(f"the training run fetches {', '.join(extra)} (train_on_batch returns the loss only)")
            if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and (
                    isinstance(st.body[0], cst.Expr) or (isinstance(st.body[0], cst.Assign)
                                                         and len(st.body[0].targets) == 1))
                    and st.body[0].value is c):
                raise _No("the training run is not a statement `x = s.run(...)`")
        else:
            need = []
            for k in keys:
                if dp.keys[k] == dp.step:
                    continue
                if k == loss_key:
                    need += dp.loss_inputs()
                elif dp.keys[k] in dp.prog.tensors and dp.keys[k] not in dp.prog.placeholders:
                    need += dp.inputs_of(k)
                else:
                    raise _No(f"a run fetches model[{k!r}] (not a tensor of the graph)")
        missing = [k for k in need if k not in feeds]
        if missing:
            raise _No("a run does not feed " + ", ".join(missing))
        for s_ in (fstmt, feed_stmt):
            if s_ is not None:
                dp.removed.add(id(s_))
        dp.runs.append(r)

    def _saver(self, dp: DictProgram, c: cst.Call, inst: set) -> None:
        recv = c.func.value
        if isinstance(recv, cst.Call) and self.tp.qname(recv) in SAVERS and not recv.args:
            pass
        elif isinstance(recv, cst.Name):
            d = self.flow.def_of(recv.value, c)
            if d is None or not isinstance(d.value, cst.Call) or self.tp.qname(d.value) not in SAVERS or d.value.args:
                raise _No("Saver method on something else than tf.train.Saver()")
        else:
            raise _No("Saver method on something else than tf.train.Saver()")
        names = [n for (s, n) in inst if s == id(self.flow.scope_of(c).node)]
        if len(names) != 1:
            raise _No("Saver.save in a function without exactly one model dict")
        if not isinstance(self.ctx.parent(c), cst.Expr):
            raise _No("the value returned by Saver.save/restore is used")
        dp.savers[id(c)] = (names[0], c.func.attr.value)


class DictProgramRule(Rule):
    ID = "TFM145"
    TRIGGERS = ("tensorflow",)
    NAME = "dict-program"
    MESSAGE = "TF1 model built by a function returning a dict (run by other functions) -> keras.Input + LossModel"
    RATIONALE = (
        "A builder returning {'x': placeholder, 'loss': loss, 'trainer': opt.minimize(loss), ...} keeps its "
        "structure: placeholders become keras.Input (labels too, so the loss stays the same graph tensor, "
        "however often it was re-assigned), the train op a LossModel over the placeholders the loss reads, "
        "compiled with the translated optimizer; a global_step counter is the optimizer's iterations (the "
        "number of applied updates, as minimize(global_step=) counted). Each training sess.run becomes "
        "train_on_batch on the same batch (the pre-update loss, as TF1 fetched it; the step read after the "
        "update), evaluations predict_on_batch of a sub-model; the session, its initializer runs and the "
        "session parameters of the functions it was passed to disappear; Saver -> save_weights.")
    ORDER = 45
    REQUIRES = ("TFM130", "TFM131", "TFM133")

    def _dps(self) -> DictPrograms:
        return self.ctx.analysis(DictPrograms)

    @staticmethod
    def owns(ctx, prog) -> bool:
        return ctx.rule_active("TFM145") and ctx.analysis(DictPrograms).owner(prog) is not None

    def _live(self) -> list[DictProgram]:
        return [d for d in self._dps().programs if not d.why]

    # -- statements -----------------------------------------------------------------------------
    def leave_SimpleStatementLine(self, original, updated):
        for dp in self._live():
            key = id(original)
            for p in dp.prog.placeholders.values():
                if p.statement is original:
                    return self._placeholder(p, updated)
            if dp.train_op.statement is original:
                return self._train_op(dp, updated)
            for r in dp.runs:
                if r.statement is original and r.train:
                    return self._train_run(dp, r, updated)
            if key in dp.removed:
                self.ctx.count(self)
                return cst.RemoveFromParent()
        return updated

    def _placeholder(self, p, updated):
        from ..translate.tf1 import keras_input

        elems = p.shape_elements
        self.ctx.count(self)
        small = updated.body[0]
        return updated.with_changes(body=[small.with_changes(value=keras_input(self.ctx, elems, p.dtype))])

    def _train_op(self, dp: DictProgram, updated):
        value = updated.body[0].value
        name = cst.Name(dp.train_op.name)
        ins = [cst.Name(dp.keys[k]) for k in dp.loss_inputs()]
        self.ctx.use_helper("LossModel")
        self.ctx.add_import("keras")
        self.ctx.count(self)
        out = [stmt("{m} = LossModel({i}, {l})", m=name, i=cst.List([cst.Element(i) for i in ins]),
                    l=cst.Name(dp.train_op.loss)),
               stmt("{m}.compile(optimizer={o})", m=name, o=value.func.value)]
        if dp.step:
            out.append(stmt("{s} = {m}.optimizer.iterations", s=cst.Name(dp.step), m=name))
        out[0] = out[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(out)

    @staticmethod
    def _get(inst: str, key: str) -> cst.Subscript:
        return expr("{m}[{k}]", m=cst.Name(inst), k=cst.SimpleString(repr(key)))

    def _x(self, r: DictRun, keys: list[str]):
        vals = [r.feeds[k] for k in keys]
        return vals[0] if len(vals) == 1 else cst.List([cst.Element(v) for v in vals])

    def _value(self, dp: DictProgram, r: DictRun, key: str, loss_value):
        if key == dp.train_key:
            return cst.Name("None")
        if dp.keys[key] == dp.step:
            return call("keras.ops.convert_to_numpy", self._get(r.instance, key))
        if loss_value is not None and key == dp.key_of(dp.train_op.loss):
            return loss_value
        if key == dp.key_of(dp.train_op.loss):
            return expr("{m}.predict_on_batch({x})", m=self._get(r.instance, dp.train_key),
                        x=self._x(r, dp.loss_inputs()))
        ins = dp.inputs_of(key)
        i = [self._get(r.instance, k) for k in ins]
        return expr("keras.Model({i}, {t}).predict_on_batch({x})",
                    i=i[0] if len(i) == 1 else cst.List([cst.Element(e) for e in i]),
                    t=self._get(r.instance, key), x=self._x(r, ins))

    def _display(self, dp, r: DictRun, loss_value):
        vals = [self._value(dp, r, k, loss_value) for _, k in r.fetches]
        if r.shape == "single":
            return vals[0]
        if r.shape == "dict":
            return cst.Dict([cst.DictElement(k, v) for (k, _), v in zip(r.fetches, vals)])
        els = [cst.Element(v) for v in vals]
        return cst.List(els) if r.shape == "list" else cst.Tuple(els)

    def _train_run(self, dp: DictProgram, r: DictRun, updated):
        from ..translate.encoder import free_name

        step = expr("{m}.train_on_batch({x})", m=self._get(r.instance, dp.train_key),
                    x=self._x(r, dp.loss_inputs()))
        small = updated.body[0]
        self.ctx.add_import("keras")
        self.ctx.count(self)
        keys = [k for _, k in r.fetches]
        if isinstance(small, cst.Expr):
            return updated.with_changes(body=[cst.Expr(step)])
        if keys == [dp.train_key]:  # the value of the train op alone is None
            return cst.FlattenSentinel([updated.with_changes(body=[cst.Expr(step)]),
                                        cst.SimpleStatementLine([small.with_changes(value=cst.Name("None"))])])
        loss_value = None
        out = []
        if dp.key_of(dp.train_op.loss) in keys:
            taken = {d.name for s in self.ctx.analysis(Flow).scopes.values() for d in s.defs}
            tmp = cst.Name(free_name(taken, "loss_value"))
            out.append(updated.with_changes(body=[cst.Assign([cst.AssignTarget(tmp)], step)]))
            loss_value = tmp
        else:
            out.append(updated.with_changes(body=[cst.Expr(step)]))
        out.append(cst.SimpleStatementLine([small.with_changes(value=self._display(dp, r, loss_value))]))
        return cst.FlattenSentinel(out)

    # -- calls: evaluation runs, savers, session arguments ----------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        for dp in self._live():
            for r in dp.runs:
                if r.call is original and not r.train:
                    self.ctx.add_import("keras")
                    self.ctx.count(self)
                    return self._display(dp, r, None)
            if id(original) in dp.savers:
                return self._saver(dp, original, updated)
            f = original.func
            if isinstance(f, cst.Name) and f.value in dp.session_params:
                i = dp.session_params[f.value]
                args = [a for j, a in enumerate(updated.args) if j != i]
                if args:
                    args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return updated.with_changes(args=args)
        return updated

    def _saver(self, dp: DictProgram, original, updated):
        from ..analysis.tf1_program import _arg

        inst, method = dp.savers[id(original)]
        path = _arg(updated, 1, "save_path")
        gs = _arg(updated, 2, "global_step") if method == "save" else None
        if gs is not None:
            sk = _subscript_key(_arg(original, 2, "global_step"), {inst})
            n = call("keras.ops.convert_to_numpy", gs) if sk is not None and dp.keys.get(sk[1]) == dp.step else gs
            path = expr("str({p}) + '-' + str(int({n}))", p=path, n=n)  # TF1: <path>-<step>
        v = literal(path, None)
        new = cst.SimpleString(repr(v + ".weights.h5")) if isinstance(v, str) else expr(
            "str({p}) + '.weights.h5'", p=path) if not isinstance(path, cst.BinaryOperation) else expr(
            "{p} + '.weights.h5'", p=path)
        self.ctx.count(self)
        m = "save_weights" if method == "save" else "load_weights"
        return expr("{m}.%s({p})" % m, m=self._get(inst, dp.train_key), p=new)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        for dp in self._live():
            i = dp.session_params.get(original.name.value)
            if i is not None and original.name.value in self.ctx.analysis(Flow).functions \
                    and self.ctx.analysis(Flow).functions[original.name.value] is original:
                ps = [p for j, p in enumerate(updated.params.params) if j != i]
                if ps:
                    ps[-1] = ps[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                self.ctx.count(self)
                return updated.with_changes(params=updated.params.with_changes(params=ps))
        return updated

    def leave_With(self, original: cst.With, updated: cst.With):
        for dp in self._live():
            if id(original) in dp.withs:
                self.ctx.count(self)
                body = list(updated.body.body)
                if not body:
                    return cst.RemoveFromParent()
                body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
                return cst.FlattenSentinel(body)
        return updated

    VALID = ["import keras\n\ndef build():\n    x = keras.Input(shape=(3,))\n    return {'x': x}\n"]
    INVALID = [Case(
        'import tensorflow as tf\n'
        '\n'
        '\n'
        'def build():\n'
        '    x = tf.placeholder(tf.float32, [None, 4])\n'
        '    y = tf.placeholder(tf.float32, [None, 1])\n'
        '    out = tf.layers.dense(x, 1)\n'
        '    loss = tf.square(out - y)\n'
        '    loss = tf.reduce_mean(loss)\n'
        '    step = tf.Variable(0, trainable=False)\n'
        '    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)\n'
        "    return {'x': x, 'y': y, 'out': out, 'loss': loss, 'train': train, 'step': step}\n"
        '\n'
        '\n'
        'def fit(sess, model, X, Y):\n'
        "    _, l, s = sess.run([model['train'], model['loss'], model['step']], {model['x']: X, model['y']: Y})\n"
        "    return sess.run(model['out'], feed_dict={model['x']: X})\n"
        '\n'
        '\n'
        'model = build()\n'
        'with tf.Session() as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        '    pred = fit(sess, model, X, Y)\n',
        'import keras\n'
        '\n'
        '\n'
        '# tflearn-migrate helper: LossModel\n'
        + LOSS_MODEL.code +
        '\n'
        '\n'
        'def build():\n'
        '    x = keras.Input(shape=(4,))\n'
        '    y = keras.Input(shape=(1,))\n'
        '    out = keras.layers.Dense(1)(x)\n'
        '    loss = keras.ops.square(out - y)\n'
        '    loss = keras.ops.mean(loss)\n'
        '    train = LossModel([x, y], loss)\n'
        '    train.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\n'
        '    step = train.optimizer.iterations\n'
        "    return {'x': x, 'y': y, 'out': out, 'loss': loss, 'train': train, 'step': step}\n"
        '\n'
        '\n'
        'def fit(model, X, Y):\n'
        "    loss_value = model['train'].train_on_batch([X, Y])\n"
        "    _, l, s = [None, loss_value, keras.ops.convert_to_numpy(model['step'])]\n"
        "    return keras.Model(model['x'], model['out']).predict_on_batch(X)\n"
        '\n'
        '\n'
        'model = build()\n'
        'pred = fit(model, X, Y)\n')]
