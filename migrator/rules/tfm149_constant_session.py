"""TFM149: a Session that only evaluates constant graphs (no variable, no training in the file)
-> the values computed eagerly (``keras.ops.convert_to_numpy``); tensors computed from fed
placeholders -> functions of the placeholders, called with the fed values."""
from __future__ import annotations

import libcst as cst

from .. import cstcache
from ..emit import call
from ..translate.tf1 import dtype_of
from .base import Case, Rule

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


def _calls(node: cst.BaseExpression, calls: dict) -> cst.BaseExpression:
    """Names of placeholder-computed tensors -> calls of their functions."""
    class T(cst.CSTTransformer):
        def leave_Attribute(self, o, u):
            return u.with_changes(attr=o.attr)

        def leave_Arg(self, o, u):
            return u.with_changes(keyword=o.keyword)

        def leave_Name(self, o, u):
            if o.value in calls:
                return cst.Call(func=cst.Name(o.value), args=[cst.Arg(cst.Name(p)) for p in calls[o.value]])
            return u

    return node.visit(T())


class ConstantSession(Rule):
    ID = "TFM149"
    TRIGGERS = ("tensorflow",)
    NAME = "constant-session"
    MESSAGE = "Session evaluating constant graphs -> values computed eagerly (keras.ops.convert_to_numpy)"
    RATIONALE = ("In a file with no placeholder, variable, optimizer, summary or dataset, a TF1 "
                 "Session only evaluates constant expressions: `sess.run(t)` returned t's value as "
                 "NumPy, which keras.ops computes eagerly; `convert_to_numpy` gives the same array "
                 "(nested fetches through keras.tree.map_structure). The Session, `close()` and "
                 "`with tf.Session() as s:` disappear (the body is kept). Placeholders in such a file "
                 "(no variable, optimizer, summary, dataset) make the graph a pure function of the feeds: "
                 "a tensor computed from them becomes `def t(p1, p2): return expr`, and `s.run(t, {p1: v1, "
                 "p2: v2})` calls it with the values cast to the placeholders' dtypes (what feeding did); "
                 "anything else reading them keeps the file TFM140's. Sessions with a config, other "
                 "feeds, or used otherwise are left to TFM140 / TODO.")

    def _sessions(self) -> ConstantSessions:
        return self.ctx.analysis(ConstantSessions)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if not (isinstance(original.func, cst.Attribute) and original.func.attr.value == "run"):
            return updated
        s = self._sessions()
        if s.session_of(original) is None:
            return updated
        fetch = updated.args[0].value
        self.ctx.add_import("keras")
        self.ctx.count(self)
        fed = s.fed_runs.get(id(original))
        if fed is not None:  # a function of the placeholders, called with the fed values
            fn, params, elements = fed
            feed = s._feed(updated)
            values = {id(o): u.value for o, u in zip(s._feed(original).elements, feed.elements)}
            args = []
            for (pname, dtype), el in zip(params, elements):
                dt = dtype_of(self.ctx, dtype, dtype) if dtype is not None else None
                args.append(cst.Arg(call("keras.ops.convert_to_tensor", values[el], dtype=dt)))
            return call("keras.ops.convert_to_numpy", cst.Call(func=cst.Name(fn), args=args))
        if isinstance(fetch, (cst.List, cst.Tuple, cst.Dict)):
            return call("keras.tree.map_structure", cst.parse_expression("keras.ops.convert_to_numpy"), fetch)
        return call("keras.ops.convert_to_numpy", fetch)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        if len(original.body) != 1:
            return updated
        s = self._sessions()
        if not s.names:
            return updated
        if id(original) in s.placeholder_stmts:
            self.ctx.count(self)
            return cst.RemoveFromParent()
        fn = s.functions.get(id(original))
        if fn is not None:
            name, params, calls = fn
            value = _calls(updated.body[0].value, calls)
            self.ctx.count(self)
            return cst.FunctionDef(
                name=cst.Name(name), params=cst.Parameters([cst.Param(cst.Name(p)) for p in params]),
                body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(value)])]),
                leading_lines=original.leading_lines)
        if not isinstance(getattr(original.body[0], "value", None), cst.Call):
            return updated
        b = original.body[0]
        if (isinstance(b, cst.Assign) and len(b.targets) == 1 and isinstance(b.targets[0].target, cst.Name)
                and b.targets[0].target.value in s.names):
            return cst.RemoveFromParent()
        if isinstance(b, cst.Expr) and s.session_of(b.value) and b.value.func.attr.value == "close":
            return cst.RemoveFromParent()
        return updated

    def leave_With(self, original: cst.With, updated: cst.With):
        if len(original.items) != 1 or original.items[0].asname is None:
            return updated
        s = self._sessions()
        if not s.names:
            return updated
        item = original.items[0]
        if not (isinstance(item.asname, cst.AsName) and isinstance(item.asname.name, cst.Name)
                and item.asname.name.value in s.names and isinstance(updated.body, cst.IndentedBlock)):
            return updated
        body = list(updated.body.body)
        if body:
            lead = list(updated.leading_lines) + list(body[0].leading_lines)
            body[0] = body[0].with_changes(leading_lines=lead)
        return cst.FlattenSentinel(body)

    VALID = [
        "import tensorflow as tf\nx = tf.placeholder(tf.float32)\nsess = tf.Session()\nprint(sess.run(x, {x: 1.0}))\n",
        "import tensorflow as tf\nsess = tf.Session(config=cfg)\nprint(sess.run(a))\n",
        "import tensorflow as tf\nsess = tf.Session()\nprint(sess.run(a))\nreport(sess)\n",
        "import tensorflow as tf\nv = tf.Variable(1.0)\nsess = tf.Session()\nprint(sess.run(v))\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nhello = tf.constant('Hello')\nsess = tf.Session()\nprint(sess.run(hello))\n",
             "import keras\n\nhello = keras.ops.convert_to_tensor('Hello')\nprint(keras.ops.convert_to_numpy(hello))\n",
             (), ),
        Case("import tensorflow as tf\na = tf.constant(2)\nwith tf.Session() as sess:\n    # add\n"
             "    print(sess.run([a, a * 3]))\n    sess.close()\n",
             "import keras\n\na = keras.ops.convert_to_tensor(2)\n# add\n"
             "print(keras.tree.map_structure(keras.ops.convert_to_numpy, [a, a * 3]))\n"),
    ]
    INVALID = [*INVALID,
               # placeholders and constants only (TensorFlow-Examples' basic_operations): each tensor
               # computed from placeholders is a function of them, each fed run calls it with the fed
               # values cast to the placeholders' dtypes; `a` is a constant first, a placeholder later
               Case('import tensorflow as tf\na = tf.constant(2)\nwith tf.Session() as sess:\n    print(sess.run(a * 3))\na = tf.placeholder(tf.int16)\nb = tf.placeholder(tf.int16, shape=[])\ns = tf.add(a, b)\nm = s * b\nwith tf.Session() as sess:\n    print(sess.run(s, feed_dict={a: 2, b: 3}))\n    print(sess.run(m, {b: 4, a: 1}))\n',
                    "import keras\n\na = keras.ops.convert_to_tensor(2)\nprint(keras.ops.convert_to_numpy(a * 3))\ndef s(a, b):\n    return keras.ops.add(a, b)\ndef m(a, b):\n    return s(a, b) * b\nprint(keras.ops.convert_to_numpy(s(keras.ops.convert_to_tensor(2, dtype='int16'), keras.ops.convert_to_tensor(3, dtype='int16'))))\nprint(keras.ops.convert_to_numpy(m(keras.ops.convert_to_tensor(1, dtype='int16'), keras.ops.convert_to_tensor(4, dtype='int16'))))\n")]
    VALID = [*VALID,
             # a placeholder-computed tensor fetched in a list: not translated here (TFM140's)
             "import tensorflow as tf\na = tf.placeholder(tf.float32)\ns = a * 2\nsess = tf.Session()\n"
             "print(sess.run([s], {a: 1.0}))\n",
             # ... or read by something else than a run
             "import tensorflow as tf\na = tf.placeholder(tf.float32)\ns = a * 2\nprint(s)\nsess = tf.Session()\n"
             "print(sess.run(s, {a: 1.0}))\n"]
    REQUIRES = ("TFM130",)
