"""Sessions that only evaluate constants / feeds (TFM149's analysis; TFM140 asks)."""
from __future__ import annotations
import libcst as cst
from .. import cstcache


_PLACEHOLDERS = ("tensorflow.placeholder", "tensorflow.compat.v1.placeholder")
_SESSIONS = ("tensorflow.Session", "tensorflow.InteractiveSession", "tensorflow.compat.v1.Session")
# anything that makes a graph stateful or fed: the program rules (TFM140...) own such files
_STATEFUL = ("tensorflow.placeholder", "tensorflow.placeholder_with_default", "tensorflow.Variable",
             "tensorflow.get_variable", "tensorflow.global_variables_initializer",
             "tensorflow.initialize_all_variables", "tensorflow.local_variables_initializer",
             "tensorflow.train.", "tensorflow.data.", "tensorflow.compat.v1.placeholder",
             "tensorflow.summary.", "tensorflow.assign", "tensorflow.while_loop", "tensorflow.py_func",
             # layers make variables
             "tensorflow.layers.", "tensorflow.contrib.", "tensorflow.nn.rnn_cell.", "tensorflow.keras.layers.",
             "tflearn.")


# summary ops written as statements (``tf.summary.scalar('loss', loss)``): nothing reads them unless a
# merge_all / FileWriter does (those stay stateful)
_SUMMARY_OPS = tuple(f"tensorflow.summary.{k}" for k in ("scalar", "histogram", "image", "audio", "text"))


class ConstantSessions:
    """Session names (module-level or function-level, bound once) whose every use is
    ``s.run(fetches)`` without a feed or ``s.close()``, in a file with no stateful TF1 call."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.names: set[str] = set()
        # placeholders fed by the runs (a file with no other stateful call): see _fed_program
        self.placeholder_stmts: set[int] = set()    # id(original statement) of ``p = tf.placeholder(...)``
        self.functions: dict[int, tuple] = {}       # id(statement) -> (name, params, {dep: params})
        self.fed_runs: dict[int, tuple] = {}        # id(run call) -> (function name, [(param, dtype node, orig)])
        module = ctx.module
        binders: dict[str, list] = {}
        names: dict[str, list] = {}
        placeholders: list[cst.Call] = []
        for n in cstcache.walk(module):
            if isinstance(n, cst.Call):
                q = ctx.legacy_name(n.func) or ""
                if q in _PLACEHOLDERS:
                    placeholders.append(n)
                    continue
                if q in _SUMMARY_OPS and isinstance(ctx.parent(n), cst.Expr):
                    continue  # a summary op nothing reads (TFM142 removes its statement): no state
                if any(q == s or (s.endswith(".") and q.startswith(s)) for s in _STATEFUL):
                    return
                if q in _SESSIONS:
                    if n.args:
                        return  # config= / target= / graph=: not a plain session
                    p = ctx.parent(n)
                    if isinstance(p, cst.Assign) and len(p.targets) == 1 and isinstance(p.targets[0].target, cst.Name):
                        binders.setdefault(p.targets[0].target.value, []).append(p)
                    elif (isinstance(p, cst.WithItem) and isinstance(p.asname, cst.AsName)
                          and isinstance(p.asname.name, cst.Name)):
                        binders.setdefault(p.asname.name.value, []).append(p)
                    else:
                        return
            elif isinstance(n, cst.Name):
                names.setdefault(n.value, []).append(n)
        self._fed = bool(placeholders)
        for name, bs in binders.items():
            if len(bs) != 1 and not all(isinstance(b, cst.WithItem) for b in bs):
                continue
            if all(self._ok_use(n, bs) for n in names.get(name, ())):
                self.names.add(name)
        if placeholders and (not self.names or not self._fed_program(placeholders, names)):
            # no session run to feed them (a model built for another file's session): TFM140's
            self.names = set()
            self.placeholder_stmts, self.functions, self.fed_runs = set(), {}, {}

    def _fed_program(self, placeholders: list[cst.Call], names: dict[str, list]) -> bool:
        """A graph of placeholders and constants only (no variable, optimizer, summary, dataset in
        the file: TensorFlow-Examples' basic_operations): a pure function of what each run feeds.
        Every ``t = expr`` computed from placeholders (binding by binding: a name may be a constant
        first, a placeholder later) becomes ``def t(p1, p2): return expr`` (tensors it reads are
        calls); ``s.run(t, {p1: v1, p2: v2})`` calls it with the fed values cast to the
        placeholders' dtypes, as a fed placeholder did. Declined (False, TFM140's then) when a
        placeholder or such tensor is read any other way, bound inside a block, or a run fetches
        anything but one such tensor or a constant expression."""
        from ..analysis.flow import Flow, load_names

        ctx = self.ctx
        flow = ctx.analysis(Flow)
        ph_defs: dict[int, tuple] = {}   # id(Def) -> (name, dtype node)
        for c in placeholders:
            assign = ctx.parent(c)
            if not (isinstance(assign, cst.Assign) and assign.value is c and len(assign.targets) == 1
                    and isinstance(assign.targets[0].target, cst.Name)):
                return False
            if (ctx.legacy_name(c.func) or "").endswith("placeholder_with_default"):
                return False
            st = ctx.statement_of(c)
            if not self._top_level(st):
                return False
            scope = flow.scope_of(st)
            d = next((x for x in scope.by_name.get(assign.targets[0].target.value, ()) if x.stmt is st), None)
            if d is None:
                return False
            dtype = c.args[0].value if c.args and c.args[0].keyword is None else next(
                (a.value for a in c.args if a.keyword is not None and a.keyword.value == "dtype"), None)
            ph_defs[id(d)] = (d.name, dtype)
            self.placeholder_stmts.add(id(st))
        tensor_defs: dict[int, list] = {}  # id(Def) -> placeholder Defs it depends on (in order)
        by_id: dict[int, object] = {}
        scopes = {id(flow.scope_of(ctx.statement_of(c))) for c in placeholders}
        for sc in flow.scopes.values():
            if id(sc) not in scopes:
                continue
            for d in sc.defs:
                if d.value is None or id(d) in ph_defs or not isinstance(d.stmt, cst.SimpleStatementLine):
                    continue
                deps: list = []
                for n in load_names(d.value):
                    r = sc.latest(n, d.index)
                    if r is None:
                        continue
                    if id(r) in ph_defs:
                        deps.append(r)
                    elif id(r) in tensor_defs:
                        deps += tensor_defs[id(r)]
                if not deps:
                    continue
                small = d.stmt.body[0]
                if len(d.stmt.body) != 1 or not isinstance(small, cst.Assign) or len(small.targets) != 1 \
                        or not isinstance(small.targets[0].target, cst.Name) or not self._top_level(d.stmt):
                    return False
                uniq = list(dict.fromkeys(deps))
                if len({x.name for x in uniq}) != len(uniq):
                    return False  # two placeholders of one name
                tensor_defs[id(d)] = sorted(uniq, key=lambda x: x.index)
                by_id[id(d)] = d
        fn_reads: dict[int, dict] = {}
        for did, deps in tensor_defs.items():
            d = by_id[did]
            sc = d.scope
            calls = {}
            for n in load_names(d.value):
                r = sc.latest(n, d.index)
                if r is not None and id(r) in tensor_defs:
                    if len(sc.by_name.get(n, ())) != 1:
                        return False  # the function is called by name: it must be bound once
                    calls[n] = [x.name for x in tensor_defs[id(r)]]
            fn_reads[did] = calls
            self.functions[id(d.stmt)] = (d.name, [x.name for x in deps], calls)
        # every read of a placeholder / such tensor: inside those statements, a feed key or a fetch
        own = {id(n) for did in tensor_defs for n in cstcache.walk(by_id[did].stmt)}
        for n in [x for ns in names.values() for x in ns]:
            if id(n) in own:
                continue
            p = ctx.parent(n)
            if isinstance(p, cst.AssignTarget) or (isinstance(p, cst.Attribute) and p.attr is n) \
                    or (isinstance(p, cst.Arg) and p.keyword is n) or isinstance(p, (cst.FunctionDef, cst.Param)):
                continue
            st = ctx.statement_of(n)
            if st is None or id(st) in self.placeholder_stmts:
                continue
            r = flow.def_of(n.value, st)
            if r is None or (id(r) not in ph_defs and id(r) not in tensor_defs):
                continue
            if not self._fed_read(n, r, ph_defs, tensor_defs):
                return False
        return True

    def _fed_read(self, n: cst.Name, r, ph_defs, tensor_defs) -> bool:
        """``n`` (reaching a placeholder or a placeholder-computed tensor) is a feed key of a
        translated run or the whole fetch of one; records the run."""
        from ..analysis.flow import Flow

        ctx = self.ctx
        p = ctx.parent(n)
        if isinstance(p, cst.DictElement) and p.key is n:
            return id(r) in ph_defs and self._run_of_feed(ctx.parent(p)) is not None
        if not (isinstance(p, cst.Arg) and p.keyword is None and id(r) in tensor_defs):
            return False
        c = ctx.parent(p)
        if not (isinstance(c, cst.Call) and c.args and c.args[0] is p and self.session_of(c)):
            return False
        feed = self._feed(c)
        if not isinstance(feed, cst.Dict):
            return False
        flow = ctx.analysis(Flow)
        st = ctx.statement_of(c)
        fed = {}
        for el in feed.elements:
            if not isinstance(el, cst.DictElement) or not isinstance(el.key, cst.Name):
                return False
            kd = flow.def_of(el.key.value, st)
            if kd is None or id(kd) not in ph_defs:
                return False
            fed[id(kd)] = el
        args = []
        for dep in tensor_defs[id(r)]:
            if id(dep) not in fed:
                return False
            args.append((dep.name, ph_defs[id(dep)][1]))
        self.fed_runs[id(c)] = (n.value, args, [id(fed[id(dep)]) for dep in tensor_defs[id(r)]])
        return True

    def _run_of_feed(self, d):
        c = self.ctx.parent(self.ctx.parent(d)) if isinstance(d, cst.Dict) else None
        if isinstance(self.ctx.parent(d), cst.Arg) and isinstance(c, cst.Call) and self.session_of(c):
            return c
        return None

    @staticmethod
    def _feed(c: cst.Call):
        if len(c.args) >= 2 and c.args[1].keyword is None:
            return c.args[1].value
        return next((a.value for a in c.args if a.keyword is not None and a.keyword.value == "feed_dict"), None)

    def _top_level(self, st) -> bool:
        """A statement directly in a module's or function's body (not in a loop, if, with)."""
        block = self.ctx.parent(st)
        return isinstance(block, cst.Module) or (isinstance(block, cst.IndentedBlock)
                                                 and isinstance(self.ctx.parent(block), cst.FunctionDef))

    def _ok_use(self, name: cst.Name, binders) -> bool:
        p = self.ctx.parent(name)
        if isinstance(p, cst.AssignTarget) and isinstance(self.ctx.parent(p), cst.Assign) and self.ctx.parent(p) in binders:
            return True
        if isinstance(p, cst.AsName) and self.ctx.parent(p) in binders:
            return True
        if isinstance(p, cst.Attribute) and p.value is name:
            c = self.ctx.parent(p)
            if isinstance(c, cst.Call) and c.func is p:
                if p.attr.value == "close" and not c.args:
                    return True
                if p.attr.value == "run" and len(c.args) == 1 and c.args[0].keyword is None and not c.args[0].star:
                    return True
                if p.attr.value == "run" and self._fed and len(c.args) == 2 and c.args[0].keyword is None \
                        and not any(a.star for a in c.args) and (c.args[1].keyword is None
                                                                or c.args[1].keyword.value == "feed_dict"):
                    return True  # a feed (placeholders: checked by _fed_program)
        return False

    def session_of(self, node: cst.CSTNode) -> str | None:
        """The session name of ``s.run(...)`` / ``s.close()`` (an original node), if translated."""
        if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                and isinstance(node.func.value, cst.Name) and node.func.value.value in self.names):
            return node.func.value.value
        return None
