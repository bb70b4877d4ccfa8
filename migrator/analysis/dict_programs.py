"""TF1 programs whose graph builder returns a dict of tensors (TFM145's analysis; TFM140 stands aside for them)."""
from __future__ import annotations
from dataclasses import dataclass, field
import libcst as cst
from ..analysis.flow import Flow
from ..cstcache import walk
from ..emit import literal
from ..analysis.tf1_program import INITIALIZERS, SAVERS, SESSIONS, Program, TF1Program


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
    fetched: list = field(default_factory=list)  # model keys training runs fetch besides the loss

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
        self._global_reads(inst)
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

    def _global_reads(self, inst: set) -> None:
        """A module-level instance read as a global by a module function (no decorator) that does
        not bind its name (``def main(): ... sess.run(m['loss'], ..)``): that function reads the
        same dict - an instance name of its scope too."""
        mod = id(self.ctx.module)
        for n in [n for s, n in inst if s == mod]:
            for fn in self.ctx.module.body:
                sc = self.flow.scopes.get(id(fn)) if isinstance(fn, cst.FunctionDef) and not fn.decorators else None
                if sc is not None and not sc.by_name.get(n) and any(
                        isinstance(x, cst.Name) and x.value == n for x in walk(fn.body)):
                    inst.add((id(fn), n))

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
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                    and node.func.attr.value == "run" and isinstance(node.func.value, cst.Call) \
                    and self.tp.qname(node.func.value) in INITIALIZERS \
                    and id(self.flow.scope_of(node).node) in scopes:
                # tf.global_variables_initializer().run(): the default session (the with block's) runs it
                st = ctx.statement_of(node)
                if not (isinstance(st, cst.SimpleStatementLine) and isinstance(st.body[0], cst.Expr)
                        and st.body[0].value is node) or any(
                            a.keyword is None or a.keyword.value != "session" for a in node.args):
                    raise _No("the initializer run's value is used")
                dp.removed.add(id(st))
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
            for k in extra:
                # a tensor of the step's forward pass (FetchingLossModel returns it): built from the
                # placeholders the loss reads, which the step feeds
                if dp.keys[k] not in dp.prog.tensors or dp.keys[k] in dp.prog.placeholders \
                        or not set(dp.inputs_of(k)) <= set(need):
                    raise _No(f"the training run fetches {k} (not a tensor of the loss's inputs: "
                              "train_on_batch returns the loss only)")
                if any(isinstance(n, cst.Arg) and n.keyword is not None and "regularizer" in n.keyword.value
                       for n in walk(dp.func)):
                    raise _No(f"the training run fetches {k} and the builder's layers have regularizers "
                              "(the fetching model adds no layer losses)")
                binds = [n for n in walk(dp.func) if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name)
                         and n.target.value == dp.keys[k]]
                if len(binds) != 1 or self.ctx.position(binds[0]) > self.ctx.position(dp.train_op.statement):
                    raise _No(f"the training run fetches {k}, not bound once before the train op "
                              "(the fetching model is built where the train op was)")
                if k not in dp.fetched:
                    dp.fetched.append(k)
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
