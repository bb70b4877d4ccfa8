"""A TF1 program whose model is its tf.Variables (TFM162's analysis; TFM130, TFM140, TFM161, TFM202 ask)."""
from __future__ import annotations
import libcst as cst
from .. import cstcache
from ..args import BoundArgs, Unbindable
from ..emit import literal
from ..names import dotted


_PLACEHOLDER = ("tensorflow.placeholder", "tensorflow.compat.v1.placeholder")
_VARIABLE = ("tensorflow.Variable", "tensorflow.compat.v1.Variable")
_INIT = ("tensorflow.global_variables_initializer", "tensorflow.initialize_all_variables",
         "tensorflow.compat.v1.global_variables_initializer")
_SESSION = ("tensorflow.Session", "tensorflow.compat.v1.Session")
_FILLS = ("tensorflow.zeros", "tensorflow.ones")
# random initial values (drawn once, when the initializer ran): TF1 name -> keras.random function
RANDOM_INITS = {"tensorflow.random_normal": "keras.random.normal", "tensorflow.random.normal": "keras.random.normal",
                "tensorflow.truncated_normal": "keras.random.truncated_normal",
                "tensorflow.random.truncated_normal": "keras.random.truncated_normal"}
RANDOM_SIG = "shape, mean=0.0, stddev=1.0, dtype=tf.float32, seed=None, name=None"
# anything that makes layers, scopes, checkpoints, queues or summaries: TFM140 and the layer
# rules own such files
_OTHER = ("tensorflow.layers.", "tensorflow.contrib.", "tensorflow.nn.rnn_cell.", "tensorflow.keras.",
          "tflearn.", "tensorflow.get_variable", "tensorflow.variable_scope", "tensorflow.name_scope",
          "tensorflow.train.Saver", "tensorflow.summary.", "tensorflow.data.", "tensorflow.assign",
          "tensorflow.while_loop", "tensorflow.py_func", "tensorflow.placeholder_with_default",
          "tensorflow.InteractiveSession", "tensorflow.local_variables_initializer", "tensorflow.trainable_variables",
          "tensorflow.global_variables", "tensorflow.get_collection", "tensorflow.Graph", "tensorflow.device",
          "tensorflow.nn.dropout", "tensorflow.random.", "tensorflow.random_normal", "tensorflow.random_uniform",
          "tensorflow.truncated_normal", "tensorflow.multinomial", "tensorflow.set_random_seed",
          "tensorflow.gradients", "tensorflow.train.exponential_decay", "tensorflow.train.get_global_step",
          "tensorflow.estimator.", "tensorflow.app.", "tensorflow.nn.sampled_softmax_loss",
          "tensorflow.control_dependencies", "tensorflow.group", "tensorflow.cond")


class VariableProgram:
    """``ctx.analysis(VariableProgram)``: the module's program, when it has this shape (``ok``)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.ok = False
        self.why = ""
        self.placeholders: dict[str, cst.Call] = {}   # name -> original placeholder call
        self.variables: dict[str, cst.Call] = {}      # name -> original tf.Variable call
        self.var_dicts: dict[str, dict[str, cst.Call]] = {}   # ``weights = {'k': tf.Variable(..)}``
        self.var_lists: dict[str, list[str]] = {}     # ``gen_vars = [weights['k'], ...]``
        self.all_vars: list[str] = []                 # every variable (code), in order
        self.var_calls: set[int] = set()              # ids of the tf.Variable calls
        self.random_inits: set[int] = set()           # ids of random calls drawn as initial values
        self.init_fns: set[str] = set()               # module functions returning such a draw
        self.tensors: dict[str, list[str]] = {}       # name -> placeholders it reads (its parameters)
        self.train_ops: dict[str, tuple] = {}         # name -> (loss, [variable codes], var_list node code, call)
        self.inits: set[str] = set()
        self.feed_dicts: dict[str, int] = {}          # named feed dict -> id(the run reading it)
        self.session: str | None = None
        self.stmts: dict[int, str] = {}               # id(original statement) -> its role
        self.with_node: cst.With | None = None
        self.runs: dict[int, tuple] = {}              # id(original run call) -> (kind, data)
        self.devices: list[cst.With] = []             # module-level ``with tf.device(..):`` blocks
        # a tensor name bound again (``decoder = tf.nn.tanh(decoder)``) is one function per binding:
        # source name -> the function name of the binding in effect (``decoder``, ``decoder_2``, ..)
        self.cur: dict[str, str] = {}
        self.stmt_names: dict[int, str] = {}          # id(tensor statement) -> its function name
        self.stmt_maps: dict[int, dict] = {}          # id(tensor statement) -> bindings its reads see
        self.run_maps: dict[int, dict] = {}           # id(run call) -> bindings its fetches see
        self.bindings: dict[str, int] = {}            # source tensor name -> how many bindings
        self.noise: set[str] = set()                  # tensors drawing anew at every run
        self.noise_calls: set[int] = set()            # ids of those random calls
        self.tensor_fns: dict[str, tuple] = {}        # module function reading tensors -> (bindings, extra params)
        self._reads_of: dict[str, list] = {}          # tensor function name -> names it reads (resolved, with repeats)
        try:
            self._analyse()
            self.ok = bool(self.placeholders and self.all_vars and self.train_ops and self.session)
        except _Decline as ex:
            self.ok = False
            self.why = str(ex)
        if not self.ok:
            self.stmts, self.runs, self.random_inits = {}, {}, set()
            self.noise_calls, self.tensor_fns, self.stmt_names = set(), {}, {}

    # -- helpers ---------------------------------------------------------------------------
    def _q(self, node) -> str:
        return self.ctx.legacy_name(node) or ""

    def _assign(self, st) -> tuple[str, cst.BaseExpression] | None:
        if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
                and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name):
            return st.body[0].targets[0].target.value, st.body[0].value
        return None

    def _var_ref(self, node) -> str | None:
        """``W`` / ``weights['k']``: the code of a variable of the program, else None."""
        if isinstance(node, cst.Name) and node.value in self.variables:
            return node.value
        if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and node.value.value in self.var_dicts \
                and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            key = literal(node.slice[0].slice.value, None)
            if isinstance(key, str) and key in self.var_dicts[node.value.value]:
                return f"{node.value.value}[{key!r}]"
        return None

    def _analyse(self) -> None:
        ctx = self.ctx
        module = ctx.module
        functions = {st.name.value: st for st in module.body if isinstance(st, cst.FunctionDef)}
        known_calls: set[int] = set()
        optimizers: dict[str, cst.Call] = {}   # name -> tf.train.XOptimizer(...) call
        names: set[str] = set()
        body = self._flat(module.body)
        known_calls |= {id(w.items[0].item) for w in self.devices}
        seq = []
        for st in body:
            seq.append((st, False))
            if isinstance(st, cst.With) and self._session_with(st):
                known_calls.add(id(st.items[0].item))
                if isinstance(st.body, cst.IndentedBlock):
                    seq.extend((x, True) for x in st.body.body)
        for st, in_session in seq:
            if in_session:
                self.stmt_maps.setdefault(id(st), dict(self.cur))
            if isinstance(st, cst.With):
                continue
            a = self._assign(st)
            if a is None:
                continue
            name, value = a
            q = self._q(value.func) if isinstance(value, cst.Call) else ""
            if in_session and (q not in _PLACEHOLDER and not (_reads(value) & (
                    set(self.placeholders) | set(self.variables) | set(self.cur) | set(self.var_dicts)))
                    or any(isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute)
                           and isinstance(c.func.value, cst.Name) and c.func.value.value == self.session
                           for c in cstcache.walk(value))):
                continue  # not a graph statement (a run, plain Python)
            if name in self.cur and not (q not in _PLACEHOLDER + _VARIABLE and not isinstance(value, cst.Dict)
                                         and q not in _INIT):
                raise _Decline("a tensor name bound again as something else")
            if q in _PLACEHOLDER:
                self.placeholders[name] = value
                self.stmts[id(st)] = "placeholder"
            elif q in _VARIABLE:
                self._variable(value, functions)
                self.variables[name] = value
                self.all_vars.append(name)
                self.stmts[id(st)] = "variable"
            elif isinstance(value, cst.Dict) and value.elements and all(
                    isinstance(e, cst.DictElement) and isinstance(e.value, cst.Call)
                    and self._q(e.value.func) in _VARIABLE for e in value.elements):
                entries = {}
                for e in value.elements:
                    key = literal(e.key, None)
                    if not isinstance(key, str) or key in entries:
                        raise _Decline("a variable dict key")
                    self._variable(e.value, functions)
                    entries[key] = e.value
                    self.all_vars.append(f"{name}[{key!r}]")
                self.var_dicts[name] = entries
                self.stmts[id(st)] = "variable_dict"
            elif isinstance(value, (cst.List, cst.Tuple)) and value.elements and all(
                    isinstance(e, cst.Element) and self._var_ref(e.value) for e in value.elements):
                self.var_lists[name] = [self._var_ref(e.value) for e in value.elements]
                self.stmts[id(st)] = "variable_list"
            elif q in _INIT and not value.args:
                self.inits.add(name)
                self.stmts[id(st)] = "init"
            elif q.startswith("tensorflow.train.") and q.endswith("Optimizer"):
                optimizers[name] = value
                known_calls.add(id(value))
                continue
            elif isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
                    and value.func.attr.value == "minimize":
                self._train_op(name, value, optimizers)
                self.stmts[id(st)] = "train_op"
            else:
                m = dict(self.cur)
                reads = {m.get(r, r) for r in _reads(value)}
                prog = set(self.placeholders) | set(self.variables) | set(self.tensors) | set(self.var_dicts)
                if not reads & prog:
                    continue
                if reads & (set(self.train_ops) | self.inits | set(self.var_lists)):
                    raise _Decline("a train op read by a tensor")
                seen = list(_name_list(value, m))
                extra: set[str] = set()
                for c in cstcache.walk(value):
                    if isinstance(c, cst.Call) and isinstance(c.func, cst.Name) and c.func.value in functions \
                            and c.func.value not in self.init_fns:
                        got = self._tensor_fn(functions[c.func.value], m)
                        if got is not None:
                            extra |= set(got)
                            seen += self._reads_of[c.func.value]
                    if isinstance(c, cst.Call) and self._q(c.func) in RANDOM_INITS:
                        if not self._noise_ok(c):
                            raise _Decline("a per-run random op with a seed or another dtype")
                        self.random_inits.add(id(c))
                        self.noise_calls.add(id(c))
                params = [p for p in self.placeholders if p in reads or p in extra
                          or any(p in self.tensors[t] for t in reads if t in self.tensors)]
                unique = self._fresh(name)
                self.tensors[unique] = params
                self._reads_of[unique] = seen
                if any(id(c) in self.noise_calls for c in cstcache.walk(value)):
                    self.noise.add(unique)
                self.stmt_names[id(st)] = unique
                self.stmt_maps[id(st)] = m
                self.cur[name] = unique
                self.bindings[name] = self.bindings.get(name, 0) + 1
                self.stmts[id(st)] = "tensor"
            known_calls.add(id(value))
            names.add(name)
        if self.with_node is not None:
            self._named_feeds(names)
        for n in cstcache.walk(module):
            if isinstance(n, cst.Call) and id(n) not in self.random_inits \
                    and not any(n is w.items[0].item for w in self.devices):
                q = self._q(n.func)
                if any(q == s or (s.endswith(".") and q.startswith(s)) for s in _OTHER):
                    raise _Decline(q)
                if q in ("tensorflow.nn.embedding_lookup", "tensorflow.nn.nce_loss"):
                    from ..translate.sampled_losses import refusal

                    why = refusal(q.rsplit(".", 1)[1], n) if ctx.switches.sampled_losses else "TFM161 is off"
                    if why:
                        raise _Decline(f"{q}: {why}")
        # each name of the program is bound once in the module
        names |= set(optimizers) | self.init_fns
        if self.session:
            names.add(self.session)
        counts: dict[str, int] = {}
        for n in cstcache.walk(module):
            if isinstance(n, cst.Name) and n.value in names and _binds(ctx, n):
                counts[n.value] = counts.get(n.value, 0) + 1
        if any(counts.get(x, 0) != self.bindings.get(x, 1) for x in names):
            raise _Decline("a program name bound more than once")
        # every placeholder / variable / minimize / initializer / session call is one of ours
        for n in cstcache.walk(module):
            if isinstance(n, cst.Call):
                q = self._q(n.func)
                if q in _VARIABLE and id(n) not in self.var_calls:
                    raise _Decline(q)
                if (q in _PLACEHOLDER + _INIT + _SESSION) and id(n) not in known_calls:
                    raise _Decline(q)
                if isinstance(n.func, cst.Attribute) and n.func.attr.value == "minimize" \
                        and not any(n is v[3] for v in self.train_ops.values()):
                    raise _Decline("another minimize")
        # every read of a program name is in its statements, a session run or (variables) a
        # module function, which reads their current values when it runs
        own = {id(x) for st in cstcache.walk(module) if id(st) in self.stmts for x in cstcache.walk(st)}
        own |= {id(x) for st in body if (a := self._assign(st)) and a[0] in optimizers
                for x in cstcache.walk(st)}
        own |= {id(x) for f in self.init_fns for x in cstcache.walk(functions[f])}
        own |= {id(x) for f in self.tensor_fns for x in cstcache.walk(functions[f].body)}
        for f in self.tensor_fns:
            for n in cstcache.walk(module):
                if isinstance(n, cst.Name) and n.value == f and not _binds(ctx, n):
                    p = ctx.parent(n)
                    if not (isinstance(p, cst.Call) and p.func is n and id(n) in own):
                        raise _Decline(f"{f}() (it reads tensors) used outside the program's statements")
        for loss, _vs, _node, _c in self.train_ops.values():
            self._one_draw(self._paths(loss), "its loss")
        checked: set[int] = set()
        maps = {id(st): m for st, m in ((st, self.stmt_maps.get(id(st))) for st in (
            self.with_node.body.body if self.with_node is not None
            and isinstance(self.with_node.body, cst.IndentedBlock) else [])) if m is not None}
        for c in [n for n in cstcache.walk(module) if isinstance(n, cst.Call)]:
            if self._is_run(c):
                top = c
                while top is not None and id(top) not in maps:
                    top = ctx.parent(top)
                self.run_maps[id(c)] = maps[id(top)] if top is not None else dict(self.cur)
                self._run(c)
                checked.update(id(x) for x in cstcache.walk(c))
        if ctx.switches.handmade_layers:
            from ..analysis.handmade_layers import HandmadeLayersAnalysis

            hl = ctx.analysis(HandmadeLayersAnalysis)
            if self.var_calls & hl.removed_variable_calls() \
                    or (set(self.variables) | set(self.var_dicts)) & hl.removed_variable_names():
                raise _Decline("TFM135 makes layers of its variables (a Keras model for TFM140)")
        for f in self.init_fns:  # an initial-value builder is called only for initial values
            for n in cstcache.walk(module):
                if isinstance(n, cst.Name) and n.value == f and not _binds(ctx, n):
                    p = ctx.parent(n)
                    owner = ctx.parent(ctx.parent(p)) if isinstance(p, cst.Call) and p.func is n else None
                    if owner is None or id(owner) not in self.var_calls:
                        raise _Decline(f"{f}() called for something else than an initial value")
        variables = set(self.variables) | set(self.var_dicts)
        in_functions = {id(x) for f in functions.values() for x in cstcache.walk(f.body)}
        for n in cstcache.walk(module):
            if not (isinstance(n, cst.Name) and n.value in names) or id(n) in own or id(n) in checked:
                continue
            p = ctx.parent(n)
            if (isinstance(p, cst.Attribute) and p.attr is n) or (isinstance(p, cst.Arg) and p.keyword is n):
                continue
            if isinstance(p, cst.AsName) and n.value == self.session:
                continue
            if n.value in variables and id(n) in in_functions:
                continue
            if n.value in self.init_fns and isinstance(p, cst.Call) and p.func is n \
                    and isinstance(ctx.parent(ctx.parent(p)), cst.Call) \
                    and id(ctx.parent(ctx.parent(p))) in self.var_calls:
                continue
            raise _Decline(f"{n.value} read outside the program")

    def _fresh(self, name: str) -> str:
        """The function name of a new binding of tensor ``name``: the name itself the first time,
        then ``name_2``, ``name_3``, .. (a name the module does not use)."""
        if name not in self.cur:
            return name
        used = self.__dict__.get("_used")
        if used is None:
            used = self._used = {n.value for n in cstcache.walk(self.ctx.module) if isinstance(n, cst.Name)}
        i = 2
        while f"{name}_{i}" in used or f"{name}_{i}" in self.tensors:
            i += 1
        return f"{name}_{i}"

    def _noise_ok(self, c: cst.Call) -> bool:
        """A per-run ``tf.random_normal(shape, mean, stddev, dtype=tf.float32)`` without a seed."""
        try:
            b = BoundArgs(c, RANDOM_SIG)
        except Unbindable:
            return False
        if b.given("seed"):
            return False
        if b.given("dtype"):
            d = b.node("dtype")
            return self._q(d) == "tensorflow.float32" or literal(d, None) == "float32"
        return True

    def _tensor_fn(self, fn: cst.FunctionDef, m: dict) -> list[str] | None:
        """A module function that reads tensors or placeholders of the program (TensorFlow-Examples'
        ``vae_loss`` reading ``z_mean``, ``z_std``): the placeholders they need, which become
        keyword-only parameters of the function (None: it reads none)."""
        name = fn.name.value
        local = {n.value for n in cstcache.walk(fn) if isinstance(n, cst.Name) and _binds(self.ctx, n)} - {name}
        reads = _reads(fn.body) - local
        tensors = {r for r in reads if r in m}
        phs = {r for r in reads if r in self.placeholders}
        if not tensors and not phs:
            if reads & (set(self.variables) | set(self.var_dicts)):
                return None  # reads variables only: their current values, as before
            return None
        if fn.decorators or fn.asynchronous or fn.params.star_kwarg or fn.params.kwonly_params \
                or fn.params.star_arg not in (None, cst.MaybeSentinel.DEFAULT) or not isinstance(fn.body, cst.IndentedBlock):
            raise _Decline(f"{name}() reads tensors and has a signature we do not extend")
        if local & (set(self.placeholders) | set(m)):
            raise _Decline(f"{name}() binds a name of the program")
        resolved = {r: m[r] for r in tensors}
        extra = sorted(phs | {p for t in resolved.values() for p in self.tensors[t]},
                       key=list(self.placeholders).index)
        old = self.tensor_fns.get(name)
        if old is not None and old != (resolved, extra):
            raise _Decline(f"{name}() called where its tensors are other bindings")
        self.tensor_fns[name] = (resolved, extra)
        self._reads_of[name] = [m.get(x, x) for x in _name_list(fn.body, {}) if x in tensors]
        return extra

    def _paths(self, root: str, memo=None):
        """{noise tensor: how many times evaluating ``root`` draws it} (a tensor read twice is
        computed twice by its functions, where one TF1 run computed it once)."""
        memo = {} if memo is None else memo
        if root in memo:
            return memo[root]
        out: dict[str, int] = {root: 1} if root in self.noise else {}
        for r in self._reads_of.get(root, []):
            if r in self.tensors and r != root:
                for k, v in self._paths(r, memo).items():
                    out[k] = out.get(k, 0) + v
        memo[root] = out
        return out

    def _one_draw(self, counts: dict, what: str) -> None:
        if any(v > 1 for v in counts.values()):
            raise _Decline(f"{what} reads a per-run random tensor more than once")

    def _flat(self, stmts) -> list:
        """The module's statements, those of a ``with tf.device('/cpu:0'):`` block in its place
        (a placement only: TFM138 drops the block once what it holds is Keras)."""
        out = []
        for st in stmts:
            if isinstance(st, cst.With) and len(st.items) == 1 and st.items[0].asname is None \
                    and isinstance(st.items[0].item, cst.Call) \
                    and self._q(st.items[0].item.func) == "tensorflow.device" \
                    and isinstance(st.body, cst.IndentedBlock):
                self.devices.append(st)
                out.extend(st.body.body)
            else:
                out.append(st)
        return out

    def _variable(self, value: cst.Call, functions: dict) -> None:
        if not value.args or value.args[0].keyword is not None:
            raise _Decline("tf.Variable without a positional initial value")
        for a in value.args[1:]:
            if a.keyword is None or a.keyword.value not in ("name", "dtype", "trainable"):
                raise _Decline("tf.Variable argument")
            if a.keyword.value == "trainable" and literal(a.value, None) is not True:
                raise _Decline("trainable=")
        has_dtype = any(a.keyword is not None and a.keyword.value == "dtype" for a in value.args)
        init = value.args[0].value
        if self._random(init):
            self.random_inits.add(id(init))
        elif isinstance(init, cst.Call) and isinstance(init.func, cst.Name) and init.func.value in functions:
            fn = functions[init.func.value]
            body = fn.body.body if isinstance(fn.body, cst.IndentedBlock) else []
            ret = body[0].body[0] if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) \
                and len(body[0].body) == 1 else None
            if not (isinstance(ret, cst.Return) and ret.value is not None and self._random(ret.value)):
                raise _Decline("an initial value from a function")
            self.random_inits.add(id(ret.value))
            self.init_fns.add(fn.name.value)
        elif not has_dtype and not self._float32(init):
            raise _Decline("initial value dtype")
        self.var_calls.add(id(value))

    def _random(self, node) -> bool:
        """``tf.random_normal(shape, mean, stddev)`` / truncated_normal: float32, no seed."""
        if not (isinstance(node, cst.Call) and self._q(node.func) in RANDOM_INITS):
            return False
        try:
            b = BoundArgs(node, RANDOM_SIG)
        except Unbindable:
            return False
        return not b.given("dtype") and not b.given("seed")

    def _float32(self, node) -> bool:
        """TF converted a Python float (``rng.randn()`` with ``rng = numpy.random``) to float32;
        tf.zeros / tf.ones without dtype are float32; ``x.astype(np.float32)``."""
        if isinstance(literal(node, None), float):
            return True
        if isinstance(node, cst.Call) and self._q(node.func) in _FILLS:
            return len(node.args) == 1 and node.args[0].keyword is None
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "astype" \
                and len(node.args) == 1 and (dotted(node.args[0].value) in ("np.float32", "numpy.float32")
                                             or literal(node.args[0].value, None) == "float32"):
            return True
        if isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute) \
                and node.func.attr.value in ("randn", "rand", "random"):
            base = dotted(node.func.value) or ""
            if base in ("np.random", "numpy.random"):
                return True
            for st in self.ctx.module.body:
                a = self._assign(st)
                if a is not None and a[0] == base and dotted(a[1]) in ("np.random", "numpy.random"):
                    return True
        return False

    def _train_op(self, name: str, value: cst.Call, optimizers: dict) -> None:
        opt = value.func.value
        if isinstance(opt, cst.Name) and opt.value in optimizers:
            pass
        elif not (isinstance(opt, cst.Call) and self._q(opt.func).startswith("tensorflow.train.")
                  and self._q(opt.func).endswith("Optimizer")):
            raise _Decline("minimize of something else than a tf.train optimizer")
        loss = value.args[0].value if value.args and value.args[0].keyword is None else None
        if isinstance(loss, cst.Name) and loss.value in self.cur:
            loss = cst.Name(self.cur[loss.value])
        if not (isinstance(loss, cst.Name) and loss.value in self.tensors):
            raise _Decline("the minimized loss is not a tensor of the program")
        variables, node = list(self.all_vars), None
        for a in value.args[1:]:
            if a.keyword is None or a.keyword.value != "var_list":
                raise _Decline("minimize argument")
            if isinstance(a.value, cst.Name) and a.value.value in self.var_lists:
                variables, node = self.var_lists[a.value.value], a.value.value
            elif isinstance(a.value, (cst.List, cst.Tuple)) and all(
                    isinstance(e, cst.Element) and self._var_ref(e.value) for e in a.value.elements):
                variables = [self._var_ref(e.value) for e in a.value.elements]
            else:
                raise _Decline("var_list")
        self.train_ops[name] = (loss.value, variables, node, value)

    def _session_with(self, st: cst.With) -> bool:
        if len(st.items) != 1:
            return False
        item = st.items[0]
        c = item.item
        if not (isinstance(c, cst.Call) and self._q(c.func) in _SESSION):
            return False
        if c.args or not (isinstance(item.asname, cst.AsName) and isinstance(item.asname.name, cst.Name)):
            raise _Decline("a session with arguments")
        if self.session is not None:
            raise _Decline("two sessions")
        self.session = item.asname.name.value
        self.with_node = st
        return True

    def _named_feeds(self, names: set[str]) -> None:
        """``fd = {placeholder: value, ...}`` in the session block, read only as the feed of the
        run in the very next statement: the values are passed to that run (the dict goes)."""
        for n in cstcache.walk(self.with_node):
            if not isinstance(n, cst.IndentedBlock):
                continue
            body = list(n.body)
            for st, nxt in zip(body, body[1:]):
                a = self._assign(st)
                if a is None or not isinstance(a[1], cst.Dict) or not a[1].elements or not all(
                        isinstance(e, cst.DictElement) and isinstance(e.key, cst.Name)
                        and e.key.value in self.placeholders for e in a[1].elements):
                    continue
                runs = [c for c in cstcache.walk(nxt) if isinstance(c, cst.Call) and self._is_run(c)
                        and isinstance(self.feed(c), cst.Name) and self.feed(c).value == a[0]]
                if len(runs) != 1:
                    raise _Decline("a named feed dict")
                self.feed_dicts[a[0]] = id(runs[0])
                self.stmts[id(st)] = "feed_dict"
                names.add(a[0])

    def _is_run(self, c: cst.Call) -> bool:
        return (isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name)
                and c.func.value.value == self.session and self.session is not None)

    def feed(self, c: cst.Call):
        if len(c.args) >= 2 and c.args[1].keyword is None:
            return c.args[1].value
        return next((a.value for a in c.args if a.keyword is not None and a.keyword.value == "feed_dict"), None)

    def feed_dict_node(self, c: cst.Call) -> cst.Dict | None:
        """The dict display a run feeds (its own, or the named one just before it)."""
        feed = self.feed(c)
        if isinstance(feed, cst.Name) and feed.value in self.feed_dicts:
            for st in cstcache.walk(self.with_node):
                if id(st) in self.stmts and self.stmts[id(st)] == "feed_dict" and self._assign(st)[0] == feed.value:
                    return self._assign(st)[1]
        return feed if isinstance(feed, cst.Dict) else None

    def _run(self, c: cst.Call) -> None:
        if c.func.attr.value != "run" or not c.args or c.args[0].keyword is not None:
            raise _Decline("a session use other than run")
        if any(a.star or (a.keyword is not None and a.keyword.value != "feed_dict") for a in c.args) \
                or len(c.args) > 2:
            raise _Decline("run arguments")
        if not self._inside(c, self.with_node):
            raise _Decline("a run outside the session block")
        fetch = c.args[0].value
        feed = self.feed(c)
        fed: dict[str, int] = {}
        if feed is not None:
            d = self.feed_dict_node(c)
            if d is None:
                raise _Decline("a feed that is not a dict display")
            for i, el in enumerate(d.elements):
                if not (isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name)
                        and el.key.value in self.placeholders):
                    raise _Decline("a feed key that is not a placeholder")
                fed[el.key.value] = i
        st = self.ctx.statement_of(c)
        whole = (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                 and isinstance(st.body[0], (cst.Expr, cst.Assign)) and st.body[0].value is c)
        alone = whole and isinstance(st.body[0], cst.Expr)
        if isinstance(fetch, cst.Name) and fetch.value in self.inits:
            if not alone or feed is not None:
                raise _Decline("an initializer run inside an expression")
            self.runs[id(c)] = ("init", None)
            return
        if isinstance(fetch, cst.Name) and fetch.value in self.train_ops:
            if not alone:
                raise _Decline("a training run whose value is read")
            self.runs[id(c)] = ("train", (fetch.value, self._loss_feeds(fetch.value, fed)))
            return
        elements = fetch.elements if isinstance(fetch, (cst.List, cst.Tuple)) else [None]
        ops = [el.value.value for el in elements if el is not None and isinstance(el.value, cst.Name)
               and el.value.value in self.train_ops]
        if ops:
            self._train_run(c, fetch, ops, fed, whole)
            return
        m = self.run_maps.get(id(c), self.cur)
        draws: dict[str, int] = {}
        for el in elements:
            expr = fetch if el is None else el.value
            if el is not None and not isinstance(el, cst.Element):
                raise _Decline("a starred fetch")
            reads = {m.get(r, r) for r in _reads(expr)}
            for r in _name_list(expr, m):
                for k, v in (self._paths(r).items() if r in self.tensors else ()):
                    draws[k] = draws.get(k, 0) + v
            if reads & (set(self.train_ops) | self.inits | {self.session} | set(self.var_lists)):
                raise _Decline("a train op fetched inside an expression")
            need = {p for p in self.placeholders if p in reads} | {
                p for t in reads if t in self.tensors for p in self.tensors[t]}
            if any(p not in fed for p in need):
                raise _Decline("a run that does not feed a placeholder it reads")
            for p in need:
                v = self.feed_dict_node(c).elements[fed[p]].value
                uses = sum(1 for x in cstcache.walk(expr) if isinstance(x, cst.Name) and x.value == p) + sum(
                    1 for t in reads if t in self.tensors and p in self.tensors[t]
                    for x in cstcache.walk(expr) if isinstance(x, cst.Name) and m.get(x.value, x.value) == t)
                if uses > 1 and not isinstance(v, (cst.Name, cst.Attribute, cst.Integer, cst.Float)):
                    raise _Decline("a fed expression that would be evaluated twice")
        self._one_draw(draws, "a run")
        self.runs[id(c)] = ("fetch", fed)

    def _loss_feeds(self, op: str, fed: dict) -> list[str]:
        need = self.tensors[self.train_ops[op][0]]
        if any(p not in fed for p in need):
            raise _Decline("a training run that does not feed every placeholder of its loss")
        return need

    def _train_run(self, c, fetch, ops: list[str], fed: dict, whole: bool) -> None:
        """``[op1, op2, loss1, loss2]`` fetched in one run: the ops' steps from the same values."""
        if not whole or not isinstance(fetch, (cst.List, cst.Tuple)) or len(set(ops)) != len(ops):
            raise _Decline("train ops fetched in an expression")
        seen: set[str] = set()
        for op in ops:
            vs = set(self.train_ops[op][1])
            if vs & seen:
                raise _Decline("two train ops of one run update the same variable")
            seen |= vs
        losses = {self.train_ops[op][0]: i for i, op in enumerate(ops)}
        m = self.run_maps.get(id(c), self.cur)
        index: list[int | None] = []
        for el in fetch.elements:
            v = el.value
            if isinstance(v, cst.Name) and v.value in self.train_ops:
                index.append(None)
            elif isinstance(v, cst.Name) and m.get(v.value, v.value) in losses:
                index.append(losses[m.get(v.value, v.value)])
            else:
                raise _Decline("a run fetching train ops with something else than their losses")
        self.runs[id(c)] = ("train_run", ([(op, self._loss_feeds(op, fed)) for op in ops], index))

    def _inside(self, node, outer) -> bool:
        n = node
        while n is not None:
            if n is outer:
                return True
            n = self.ctx.parent(n)
        return False


class _Decline(Exception):
    pass


def _reads(node) -> set[str]:
    """Names an expression reads (attribute and keyword names excluded)."""
    from ..analysis.flow import load_names

    return load_names(node)


def _name_list(node, m: dict) -> list[str]:
    """The names ``node`` reads, once per occurrence, each resolved through ``m``."""
    out = []

    class V(cst.CSTVisitor):
        def visit_Attribute(self, n):
            n.value.visit(self)
            return False

        def visit_Arg(self, n):
            n.value.visit(self)
            return False

        def visit_Name(self, n):
            out.append(m.get(n.value, n.value))

    node.visit(V())
    return out


def _binds(ctx, n: cst.Name) -> bool:
    p = ctx.parent(n)
    while isinstance(p, (cst.Tuple, cst.List, cst.Element, cst.StarredElement)):
        p = ctx.parent(p)
    return isinstance(p, (cst.AssignTarget, cst.AsName, cst.For, cst.CompFor, cst.AugAssign, cst.FunctionDef,
                          cst.ClassDef, cst.Param, cst.AnnAssign, cst.ImportAlias)) and not (
        isinstance(p, (cst.For, cst.CompFor)) and p.iter is n) and not (
        isinstance(p, (cst.AugAssign, cst.AnnAssign)) and getattr(p, "value", None) is n)
