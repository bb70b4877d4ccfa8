"""TFM162: a module-level TF1 program whose model IS its ``tf.Variable`` s (no layer: TensorFlow-
Examples' linear_regression, ``pred = tf.add(tf.multiply(X, W), b)`` over shapeless placeholders)
-> eager code: the variables become ``keras.Variable`` s, every tensor a function of the
placeholders it reads, ``opt.minimize(loss)`` a ``TF1TrainStep`` and each ``sess.run`` a call
with the fed values."""
from __future__ import annotations

import libcst as cst

from .. import cstcache
from ..emit import call, literal, to_node
from ..helpers import register
from ..names import dotted
from ._tf1 import dtype_of
from ._tflearn import Untranslatable
from .base import Case, Rule

TF1_TRAIN_STEP = register("TF1TrainStep", '''
class TF1TrainStep(keras.Model):
    """TF1 ``train_op = optimizer.minimize(loss, var_list=variables)`` over tf.Variables, run by
    ``sess.run(train_op, feed_dict)``: ``train_op.step(*fed)`` does one step of ``optimizer`` on
    ``loss(*fed)`` (summed, as TF1 differentiated a non-scalar loss) over ``variables`` (TF1's
    var_list; by default every trainable variable made before minimize - one the loss does not
    read gets no gradient and no update, as in TF1), eagerly through Keras' own train step."""

    def __init__(self, optimizer, loss_fn, variables):
        super().__init__()
        self.loss_fn = loss_fn
        self.tracked = list(variables)
        self._step_optimizer = optimizer
        self._step_args = ()

    def call(self, x):
        return x

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return keras.ops.sum(self.loss_fn(*self._step_args))

    def step(self, *args):
        if not self.compiled:
            self.compile(optimizer=self._step_optimizer, run_eagerly=True, jit_compile=False)
        self._step_args = args
        self.train_on_batch(np.zeros((1, 1), "float32"))
        self._step_args = ()
''', imports=[("keras", None, None), ("numpy", None, "np")])

_PLACEHOLDER = ("tensorflow.placeholder", "tensorflow.compat.v1.placeholder")
_VARIABLE = ("tensorflow.Variable", "tensorflow.compat.v1.Variable")
_INIT = ("tensorflow.global_variables_initializer", "tensorflow.initialize_all_variables",
         "tensorflow.compat.v1.global_variables_initializer")
_SESSION = ("tensorflow.Session", "tensorflow.compat.v1.Session")
# anything that makes layers, scopes, checkpoints, queues or summaries: TFM140 and the layer
# rules own such files
_OTHER = ("tensorflow.layers.", "tensorflow.contrib.", "tensorflow.nn.rnn_cell.", "tensorflow.keras.",
          "tflearn.", "tensorflow.get_variable", "tensorflow.variable_scope", "tensorflow.name_scope",
          "tensorflow.train.Saver", "tensorflow.summary.", "tensorflow.data.", "tensorflow.assign",
          "tensorflow.while_loop", "tensorflow.py_func", "tensorflow.placeholder_with_default",
          "tensorflow.InteractiveSession", "tensorflow.local_variables_initializer", "tensorflow.trainable_variables",
          "tensorflow.global_variables", "tensorflow.get_collection", "tensorflow.Graph", "tensorflow.device",
          "tensorflow.nn.dropout", "tensorflow.random.", "tensorflow.random_normal", "tensorflow.random_uniform",
          "tensorflow.truncated_normal", "tensorflow.set_random_seed",
          "tensorflow.gradients", "tensorflow.train.exponential_decay", "tensorflow.train.get_global_step",
          "tensorflow.estimator.", "tensorflow.app.")


class VariableProgram:
    """``ctx.analysis(VariableProgram)``: the module's program, when it has this shape (``ok``)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.ok = False
        self.placeholders: dict[str, cst.Call] = {}   # name -> original placeholder call
        self.variables: dict[str, cst.Call] = {}      # name -> original tf.Variable call
        self.tensors: dict[str, list[str]] = {}       # name -> placeholders it reads (its parameters)
        self.train_ops: dict[str, tuple] = {}         # name -> (loss tensor, [variables])
        self.inits: set[str] = set()
        self.session: str | None = None
        self.stmts: dict[int, str] = {}               # id(original statement) -> its role
        self.with_node: cst.With | None = None
        self.runs: dict[int, tuple] = {}              # id(original run call) -> (kind, data)
        try:
            self._analyse()
            self.ok = bool(self.placeholders and self.variables and self.train_ops and self.session)
        except _Decline:
            self.ok = False
        if not self.ok:
            self.stmts, self.runs = {}, {}

    # -- helpers ---------------------------------------------------------------------------
    def _q(self, node) -> str:
        return self.ctx.legacy_name(node) or ""

    def _assign(self, st) -> tuple[str, cst.BaseExpression] | None:
        if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
                and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name):
            return st.body[0].targets[0].target.value, st.body[0].value
        return None

    def _analyse(self) -> None:
        ctx = self.ctx
        module = ctx.module
        known_calls: set[int] = set()
        for n in cstcache.walk(module):
            if isinstance(n, cst.Call):
                q = self._q(n.func)
                if any(q == s or (s.endswith(".") and q.startswith(s)) for s in _OTHER):
                    raise _Decline(q)
        optimizers: dict[str, cst.Call] = {}   # name -> tf.train.XOptimizer(...) call
        names: set[str] = set()
        for st in module.body:
            if isinstance(st, cst.With):
                if self._session_with(st):
                    known_calls.add(id(st.items[0].item))
                continue
            a = self._assign(st)
            if a is None:
                continue
            name, value = a
            q = self._q(value.func) if isinstance(value, cst.Call) else ""
            if q in _PLACEHOLDER:
                self.placeholders[name] = value
                self.stmts[id(st)] = "placeholder"
            elif q in _VARIABLE:
                self._variable(value)
                self.variables[name] = value
                self.stmts[id(st)] = "variable"
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
                reads = _reads(value)
                prog = set(self.placeholders) | set(self.variables) | set(self.tensors)
                if not reads & prog:
                    continue
                if reads & (set(self.train_ops) | self.inits):
                    raise _Decline("a train op read by a tensor")
                params = [p for p in self.placeholders if p in reads
                          or any(p in self.tensors[t] for t in reads if t in self.tensors)]
                self.tensors[name] = params
                self.stmts[id(st)] = "tensor"
            known_calls.add(id(value))
            names.add(name)
        # each name of the program is bound once in the module, never in a function
        names |= set(optimizers)
        if self.session:
            names.add(self.session)
        counts: dict[str, int] = {}
        for n in cstcache.walk(module):
            if isinstance(n, cst.Name) and n.value in names and _binds(ctx, n):
                counts[n.value] = counts.get(n.value, 0) + 1
        if any(counts.get(x, 0) != 1 for x in names):
            raise _Decline("a program name bound more than once")
        # every placeholder / variable / minimize / initializer / session call is one of ours
        for n in cstcache.walk(module):
            if isinstance(n, cst.Call):
                q = self._q(n.func)
                if (q in _PLACEHOLDER + _VARIABLE + _INIT + _SESSION) and id(n) not in known_calls:
                    raise _Decline(q)
                if isinstance(n.func, cst.Attribute) and n.func.attr.value == "minimize" \
                        and not any(id(n) == id(v[2]) for v in self.train_ops.values()):
                    raise _Decline("another minimize")
        # every read of a program name is in its statements or a session run
        own = {id(x) for st in module.body if id(st) in self.stmts for x in cstcache.walk(st)}
        own |= {id(x) for st in module.body if (a := self._assign(st)) and a[0] in optimizers
                for x in cstcache.walk(st)}
        checked: set[int] = set()
        for c in [n for n in cstcache.walk(module) if isinstance(n, cst.Call)]:
            if self._is_run(c):
                self._run(c)
                checked.update(id(x) for x in cstcache.walk(c))
        for n in cstcache.walk(module):
            if not (isinstance(n, cst.Name) and n.value in names) or id(n) in own or id(n) in checked:
                continue
            p = ctx.parent(n)
            if (isinstance(p, cst.Attribute) and p.attr is n) or (isinstance(p, cst.Arg) and p.keyword is n):
                continue
            if isinstance(p, cst.AsName) and self.with_node is not None \
                    and n.value == self.session:
                continue
            raise _Decline(f"{n.value} read outside the program")

    def _variable(self, value: cst.Call) -> None:
        if not value.args or value.args[0].keyword is not None:
            raise _Decline("tf.Variable without a positional initial value")
        for a in value.args[1:]:
            if a.keyword is None or a.keyword.value not in ("name", "dtype", "trainable"):
                raise _Decline("tf.Variable argument")
            if a.keyword.value == "trainable" and literal(a.value, None) is not True:
                raise _Decline("trainable=")
        has_dtype = any(a.keyword is not None and a.keyword.value == "dtype" for a in value.args)
        if not has_dtype and not self._float32(value.args[0].value):
            raise _Decline("initial value dtype")

    def _float32(self, node) -> bool:
        """TF converted a Python float (``rng.randn()`` with ``rng = numpy.random``) to float32."""
        if isinstance(literal(node, None), float):
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
        if not (isinstance(loss, cst.Name) and loss.value in self.tensors):
            raise _Decline("the minimized loss is not a tensor of the program")
        variables = list(self.variables)
        for a in value.args[1:]:
            if a.keyword is None or a.keyword.value != "var_list":
                raise _Decline("minimize argument")
            if not isinstance(a.value, (cst.List, cst.Tuple)) or not all(
                    isinstance(e.value, cst.Name) and e.value.value in self.variables for e in a.value.elements):
                raise _Decline("var_list")
            variables = [e.value.value for e in a.value.elements]
        self.train_ops[name] = (loss.value, variables, value)

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

    def _is_run(self, c: cst.Call) -> bool:
        return (isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name)
                and c.func.value.value == self.session and self.session is not None)

    def feed(self, c: cst.Call):
        if len(c.args) >= 2 and c.args[1].keyword is None:
            return c.args[1].value
        return next((a.value for a in c.args if a.keyword is not None and a.keyword.value == "feed_dict"), None)

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
            if not isinstance(feed, cst.Dict):
                raise _Decline("a feed that is not a dict display")
            for i, el in enumerate(feed.elements):
                if not (isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name)
                        and el.key.value in self.placeholders):
                    raise _Decline("a feed key that is not a placeholder")
                fed[el.key.value] = i
        st = self.ctx.statement_of(c)
        alone = (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1
                 and isinstance(st.body[0], cst.Expr) and st.body[0].value is c)
        if isinstance(fetch, cst.Name) and fetch.value in self.inits:
            if not alone or feed is not None:
                raise _Decline("an initializer run inside an expression")
            self.runs[id(c)] = ("init", None)
            return
        if isinstance(fetch, cst.Name) and fetch.value in self.train_ops:
            if not alone:
                raise _Decline("a training run whose value is read")
            loss = self.train_ops[fetch.value][0]
            need = self.tensors[loss]
            if any(p not in fed for p in need):
                raise _Decline("a training run that does not feed every placeholder of its loss")
            self.runs[id(c)] = ("train", (fetch.value, need))
            return
        elements = fetch.elements if isinstance(fetch, (cst.List, cst.Tuple)) else [None]
        for el in elements:
            expr = fetch if el is None else el.value
            if el is not None and not isinstance(el, cst.Element):
                raise _Decline("a starred fetch")
            reads = _reads(expr)
            if reads & (set(self.train_ops) | self.inits | {self.session}):
                raise _Decline("a train op fetched with other values")
            need = {p for p in self.placeholders if p in reads} | {
                p for t in reads if t in self.tensors for p in self.tensors[t]}
            if any(p not in fed for p in need):
                raise _Decline("a run that does not feed a placeholder it reads")
            for p in need:
                v = feed.elements[fed[p]].value
                uses = sum(1 for x in cstcache.walk(expr) if isinstance(x, cst.Name) and x.value == p) + sum(
                    1 for t in reads if t in self.tensors and p in self.tensors[t]
                    for x in cstcache.walk(expr) if isinstance(x, cst.Name) and x.value == t)
                if uses > 1 and not isinstance(v, (cst.Name, cst.Attribute, cst.Integer, cst.Float)):
                    raise _Decline("a fed expression that would be evaluated twice")
        self.runs[id(c)] = ("fetch", fed)

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


def _binds(ctx, n: cst.Name) -> bool:
    p = ctx.parent(n)
    while isinstance(p, (cst.Tuple, cst.List, cst.Element, cst.StarredElement)):
        p = ctx.parent(p)
    return isinstance(p, (cst.AssignTarget, cst.AsName, cst.For, cst.CompFor, cst.AugAssign, cst.FunctionDef,
                          cst.ClassDef, cst.Param, cst.AnnAssign, cst.ImportAlias)) and not (
        isinstance(p, (cst.For, cst.CompFor)) and p.iter is n) and not (
        isinstance(p, (cst.AugAssign, cst.AnnAssign)) and getattr(p, "value", None) is n)


def _substitute(node: cst.BaseExpression, tensors: dict[str, list[str]], values: dict[str, cst.BaseExpression]):
    """Tensor names -> calls of their functions (on ``values`` of their placeholders, or the
    placeholders' own names when ``values`` is empty); placeholder names -> ``values``."""
    class T(cst.CSTTransformer):
        def leave_Attribute(self, o, u):
            return u.with_changes(attr=o.attr)

        def leave_Arg(self, o, u):
            return u.with_changes(keyword=o.keyword)

        def visit_Lambda(self, n):
            return False

        def leave_Name(self, o, u):
            if o.value in tensors:
                return cst.Call(func=cst.Name(o.value),
                                args=[cst.Arg(values.get(p, cst.Name(p))) for p in tensors[o.value]])
            if o.value in values:
                return values[o.value]
            return u

    return node.visit(T())


class VariableProgramRule(Rule):
    ID = "TFM162"
    NAME = "variable-program"
    MESSAGE = "TF1 program whose model is its tf.Variables -> keras.Variables, tensor functions, TF1TrainStep"
    RATIONALE = (
        "A module-level TF1 program with no layer (the model IS a few tf.Variables read by ops: "
        "TensorFlow-Examples' linear_regression) has no Keras model to build: TFM140 needs one. "
        "Eagerly it is: each `tf.Variable(v)` -> `keras.Variable(v)` (a Python float: float32 in both); "
        "each tensor computed from placeholders or variables -> `def t(<placeholders it reads>): "
        "return expr` (re-evaluated at every call, as TF1 re-ran the graph: a variable read there "
        "gives its current value); `op = tf.train.XOptimizer(..).minimize(loss[, var_list])` -> "
        "`op = TF1TrainStep(<the Keras optimizer>, loss, [variables])` (TF1's var_list, by default every "
        "variable made before it); `sess.run(op, feed)` -> `op.step(<fed values>)`: one step of Keras' "
        "own train step on the loss (summed, as TF1 differentiated a non-scalar loss). `sess.run(t, feed)` "
        "-> `keras.ops.convert_to_numpy(t(<fed values>))` with each value cast to its placeholder's "
        "dtype (what feeding did; shapeless placeholders take a scalar or a vector, as in TF1); a "
        "variable fetched -> its value. The placeholders, the initializer, its run and the `with "
        "tf.Session()` go. Declined (TFM140's then) when the file has layers, scopes, savers, "
        "summaries, datasets, random ops, a name bound twice, a run inside an expression fetching a "
        "train op, or a program name read anywhere else.")
    ORDER = 45

    def _prog(self) -> VariableProgram:
        return self.ctx.analysis(VariableProgram)

    @staticmethod
    def owns(ctx) -> bool:
        return ctx.rule_active("TFM162") and ctx.analysis(VariableProgram).ok

    def _dtype(self, name: str) -> cst.BaseExpression | None:
        c = self._prog().placeholders[name]
        node = c.args[0].value if c.args and c.args[0].keyword is None else next(
            (a.value for a in c.args if a.keyword is not None and a.keyword.value == "dtype"), None)
        if node is None:
            return to_node("float32")  # tf.placeholder's default dtype is float32
        return dtype_of(self.ctx, node, node)

    def _fed_values(self, original: cst.Call, updated: cst.Call, names) -> dict[str, cst.BaseExpression]:
        prog = self._prog()
        feed_o, feed_u = prog.feed(original), prog.feed(updated)
        out = {}
        for eo, eu in zip(feed_o.elements, feed_u.elements):
            if eo.key.value in names:
                out[eo.key.value] = call("keras.ops.convert_to_tensor", eu.value, dtype=self._dtype(eo.key.value))
        return out

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        prog = self._prog()
        hit = prog.runs.get(id(original))
        if hit is None:
            return updated
        kind, data = hit
        if kind != "fetch":
            return updated
        try:
            fed = prog.feed(original)
            values = self._fed_values(original, updated, prog.placeholders) if fed is not None else {}
        except Untranslatable:
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        fetch = updated.args[0].value

        def one(e):
            return call("keras.ops.convert_to_numpy", _substitute(e, prog.tensors, values))

        if isinstance(fetch, (cst.List, cst.Tuple)):
            return fetch.with_changes(elements=[el.with_changes(value=one(el.value)) for el in fetch.elements])
        return one(fetch)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        prog = self._prog()
        if not prog.ok:
            return updated
        role = prog.stmts.get(id(original))
        if role is None:
            b = original.body[0] if len(original.body) == 1 else None
            if isinstance(b, cst.Expr) and id(b.value) in prog.runs:
                kind, data = prog.runs[id(b.value)]
                if kind == "init":
                    self.ctx.count(self)
                    return cst.RemoveFromParent()
                if kind == "train":
                    op, need = data
                    try:
                        values = self._fed_values(b.value, updated.body[0].value, need)
                    except Untranslatable:
                        return updated
                    self.ctx.count(self)
                    step = cst.Call(func=cst.Attribute(cst.Name(op), cst.Name("step")),
                                    args=[cst.Arg(values[p]) for p in need])
                    return updated.with_changes(body=[cst.Expr(step)])
            return updated
        name = original.body[0].targets[0].target.value
        value = updated.body[0].value
        self.ctx.add_import("keras")
        self.ctx.count(self)
        if role in ("placeholder", "init"):
            return cst.RemoveFromParent()
        if role == "variable":
            args = [a for a in value.args]
            for i, a in enumerate(args):
                if a.keyword is not None and a.keyword.value == "dtype":
                    orig = prog.variables[name].args[i].value
                    try:
                        args[i] = a.with_changes(value=dtype_of(self.ctx, a.value, orig))
                    except Untranslatable:
                        return updated
                if a.keyword is not None and a.keyword.value == "trainable":
                    args[i] = None
            args = [a for a in args if a is not None]
            if args:
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(body=[updated.body[0].with_changes(
                value=cst.Call(func=cst.parse_expression("keras.Variable"), args=args))])
        if role == "tensor":
            expr = _substitute(value, {t: ps for t, ps in prog.tensors.items() if t != name}, {})
            return cst.FunctionDef(
                name=cst.Name(name),
                params=cst.Parameters([cst.Param(cst.Name(p)) for p in prog.tensors[name]]),
                body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(expr)])]),
                leading_lines=original.leading_lines)
        if role == "train_op":
            self.ctx.use_helper("TF1TrainStep")
            loss, variables, _ = prog.train_ops[name]
            self.report(original, f"the model is its tf.Variables ({', '.join(variables)}): eager code, "
                                  f"{name} -> TF1TrainStep over {loss}()")
            opt = value.func.value
            new = call("TF1TrainStep", opt, cst.Name(loss), cst.List([cst.Element(cst.Name(v)) for v in variables]))
            return updated.with_changes(body=[updated.body[0].with_changes(value=new)])
        return updated

    def leave_With(self, original: cst.With, updated: cst.With):
        prog = self._prog()
        if not prog.ok or original is not prog.with_node or not isinstance(updated.body, cst.IndentedBlock):
            return updated
        body = list(updated.body.body)
        if not body:
            return cst.RemoveFromParent()
        lead = list(updated.leading_lines) + list(body[0].leading_lines)
        body[0] = body[0].with_changes(leading_lines=lead)
        self.ctx.count(self)
        return cst.FlattenSentinel(body)

    VALID = [
        # a layer in the file: TFM140's program
        "import tensorflow as tf\nX = tf.placeholder(tf.float32, [None, 1])\nW = tf.Variable(0.5)\n"
        "pred = tf.layers.dense(X, 1) * W\nop = opt.minimize(pred)\n"
        "with tf.Session() as sess:\n    sess.run(op, {X: [[1.0]]})\n",
        # an optimizer that is not a tf.train one (a builder of the file)
        "import tensorflow as tf\nX = tf.placeholder('float')\nW = tf.Variable(0.5)\npred = X * W\n"
        "op = make_optimizer().minimize(pred)\nwith tf.Session() as sess:\n    sess.run(op, {X: 1.0})\n",
    ]
    INVALID = [Case(
        "import numpy\nimport tensorflow as tf\nrng = numpy.random\nX = tf.placeholder('float')\n"
        "Y = tf.placeholder('float')\nW = tf.Variable(rng.randn(), name='weight')\nb = tf.Variable(0.0, name='bias')\n"
        "pred = tf.add(tf.multiply(X, W), b)\ncost = tf.reduce_sum(tf.pow(pred - Y, 2)) / 2\n"
        "optimizer = tf.train.GradientDescentOptimizer(0.01).minimize(cost)\n"
        "init = tf.global_variables_initializer()\nwith tf.Session() as sess:\n    sess.run(init)\n"
        "    for (x, y) in zip(xs, ys):\n        sess.run(optimizer, feed_dict={X: x, Y: y})\n"
        "    print(sess.run(cost, feed_dict={X: xs, Y: ys}), sess.run(W), sess.run(b))\n"
        "    print(sess.run(tf.reduce_sum(pred - Y), feed_dict={X: xs, Y: ys}))\n",
        "import numpy\nimport keras\nimport numpy as np\n\n\n# tflearn-migrate helper: TF1TrainStep\n"
        + TF1_TRAIN_STEP.code + "\n\nrng = numpy.random\n"
        "W = keras.Variable(rng.randn(), name='weight')\nb = keras.Variable(0.0, name='bias')\n"
        "def pred(X):\n    return keras.ops.add(keras.ops.multiply(X, W), b)\n"
        "def cost(X, Y):\n    return keras.ops.sum(keras.ops.power(pred(X) - Y, 2)) / 2\n"
        "optimizer = TF1TrainStep(keras.optimizers.SGD(learning_rate=0.01), cost, [W, b])\n"
        "for (x, y) in zip(xs, ys):\n"
        "    optimizer.step(keras.ops.convert_to_tensor(x, dtype='float32'), keras.ops.convert_to_tensor(y, dtype='float32'))\n"
        "print(keras.ops.convert_to_numpy(cost(keras.ops.convert_to_tensor(xs, dtype='float32'), "
        "keras.ops.convert_to_tensor(ys, dtype='float32'))), keras.ops.convert_to_numpy(W), keras.ops.convert_to_numpy(b))\n"
        "print(keras.ops.convert_to_numpy(keras.ops.sum(pred(keras.ops.convert_to_tensor(xs, dtype='float32')) - "
        "keras.ops.convert_to_tensor(ys, dtype='float32'))))\n",
        ("TFM162",))]
    REQUIRES = ("TFM130", "TFM133")
