"""TFM162: a module-level TF1 program whose model IS its ``tf.Variable`` s (no layer: TensorFlow-
Examples' linear_regression, ``pred = tf.add(tf.multiply(X, W), b)`` over shapeless placeholders)
-> eager code: the variables become ``keras.Variable`` s, every tensor a function of the
placeholders it reads, ``opt.minimize(loss)`` a ``TF1TrainStep`` and each ``sess.run`` a call
with the fed values."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..emit import call, to_node
from ..translate.tf1 import dtype_of
from ..translate.tflearn import Untranslatable
from .base import Case, Rule
from ..translate.tf1_helpers import TF1_TRAIN_STEP
from ..analysis.variable_program import RANDOM_INITS, RANDOM_SIG, VariableProgram, _FILLS


def _substitute(node: cst.BaseExpression, tensors: dict[str, list[str]], values: dict[str, cst.BaseExpression],
                rename: dict | None = None, fns: dict | None = None):
    """Tensor names -> calls of their functions (on ``values`` of their placeholders, or the
    placeholders' own names when ``values`` is empty); placeholder names -> ``values``; ``rename``:
    source name -> the function of the binding in effect; ``fns``: functions reading tensors ->
    the placeholders passed to them by keyword."""
    rename = rename or {}
    fns = fns or {}

    class T(cst.CSTTransformer):
        def leave_Call(self, o, u):
            if isinstance(o.func, cst.Name) and o.func.value in fns:
                args = list(u.args)
                if args:
                    args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return u.with_changes(args=args + [cst.Arg(values.get(p, cst.Name(p)), keyword=cst.Name(p), equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
                                                   for p in fns[o.func.value][1]])
            return u

        def leave_Attribute(self, o, u):
            return u.with_changes(attr=o.attr)

        def leave_Arg(self, o, u):
            return u.with_changes(keyword=o.keyword)

        def visit_Lambda(self, n):
            return False

        def leave_Name(self, o, u):
            name = rename.get(o.value, o.value)
            if name in tensors:
                return cst.Call(func=cst.Name(name),
                                args=[cst.Arg(values.get(p, cst.Name(p))) for p in tensors[name]])
            if o.value in values:
                return values[o.value]
            return u

    return node.visit(T())


class VariableProgramRule(Rule):
    ID = "TFM162"
    TRIGGERS = ("tensorflow",)
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
        "tf.Session()` go. A tensor name bound again (`decoder = tf.nn.tanh(decoder)`, or a decoder "
        "rebuilt on another placeholder at the top of the session block) is one function per binding "
        "(`decoder`, `decoder_2`, ..), each read seeing the binding in effect where it is. A per-run "
        "`tf.random_normal(shape, mean, stddev)` (no seed, float32) -> `keras.random.normal` in its "
        "tensor's function: a new draw at every call, as TF1 drew at every run - the same distribution, "
        "other numbers than TF1's stream; accepted only where every run and every loss evaluates it once "
        "(a tensor read twice would be computed twice). A module function reading tensors (a loss "
        "reading `z_mean`) gets the placeholders they need as keyword-only parameters, passed by the "
        "tensor statements calling it. Declined (TFM140's then) when the file has layers, scopes, "
        "savers, summaries, datasets, other random ops, a name bound twice otherwise, a run inside an "
        "expression fetching a train op, or a program name read anywhere else.")
    ORDER = 45

    def _prog(self) -> VariableProgram:
        return self.ctx.analysis(VariableProgram)

    def _dtype(self, name: str) -> cst.BaseExpression | None:
        c = self._prog().placeholders[name]
        node = c.args[0].value if c.args and c.args[0].keyword is None else next(
            (a.value for a in c.args if a.keyword is not None and a.keyword.value == "dtype"), None)
        if node is None:
            return to_node("float32")  # tf.placeholder's default dtype is float32
        return dtype_of(self.ctx, node, node)

    def _fed_values(self, original: cst.Call, updated: cst.Call, names) -> dict[str, cst.BaseExpression]:
        """{placeholder: its fed value cast to the placeholder's dtype} of a run (a named feed dict's
        values were taken when its statement was left)."""
        prog = self._prog()
        feed_o, feed_u = prog.feed(original), prog.feed(updated)
        if isinstance(feed_o, cst.Name):
            pairs = self.__dict__.get("_named", {}).get(feed_o.value, [])
        else:
            pairs = [(eo.key.value, eu.value) for eo, eu in zip(feed_o.elements, feed_u.elements)]
        return {k: call("keras.ops.convert_to_tensor", v, dtype=self._dtype(k)) for k, v in pairs if k in names}

    def _random(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        b = BoundArgs(updated, RANDOM_SIG, original)
        fn = RANDOM_INITS[self.ctx.legacy_name(original.func)]
        kw = {k: b.node(k) for k in ("mean", "stddev") if b.given(k)}
        return call(fn, b.node("shape"), **kw)

    def _keras_variable(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        args = []
        init = original.args[0].value
        if isinstance(init, cst.Call) and self.ctx.legacy_name(init.func) in _FILLS:
            # tf.zeros / tf.ones(shape): float32 (TFM130 leaves a variable's initial value alone)
            fill = call("keras.ops." + self.ctx.legacy_name(init.func).rsplit(".", 1)[1],
                        updated.args[0].value.args[0].value, dtype=to_node("float32"))
            updated = updated.with_changes(args=[updated.args[0].with_changes(value=fill), *updated.args[1:]])
        for a, o in zip(updated.args, original.args):
            if a.keyword is not None and a.keyword.value == "trainable":
                continue
            if a.keyword is not None and a.keyword.value == "dtype":
                a = a.with_changes(value=dtype_of(self.ctx, a.value, o.value))
            args.append(a)
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return cst.Call(func=cst.parse_expression("keras.Variable"), args=args)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        prog = self._prog()
        if not prog.ok:
            return updated
        if id(original) in prog.random_inits:
            self.ctx.add_import("keras")
            return self._random(original, updated)
        hit = prog.runs.get(id(original))
        if hit is None:
            return updated
        kind, data = hit
        if kind not in ("fetch", "train_run"):
            return updated
        try:
            fed = prog.feed(original)
            values = self._fed_values(original, updated, prog.placeholders) if fed is not None else {}
        except Untranslatable:
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        if kind == "train_run":
            steps, index = data
            self.ctx.use_helper("tf1_train_run")
            pairs = [cst.Element(cst.Tuple([cst.Element(cst.Name(op)), cst.Element(
                cst.Tuple([cst.Element(values[p]) for p in need]) if need else cst.Tuple([]))]))
                for op, need in steps]
            return call("tf1_train_run", cst.List(pairs),
                        cst.List([cst.Element(to_node(i)) for i in index]))
        fetch = updated.args[0].value

        def one(e):
            return call("keras.ops.convert_to_numpy", _substitute(e, prog.tensors, values,
                                                                  prog.run_maps.get(id(original)), prog.tensor_fns))

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
        if role == "variable_list":
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        if role == "feed_dict":
            self.__dict__.setdefault("_named", {})[name] = [
                (eo.key.value, eu.value) for eo, eu in zip(original.body[0].value.elements, value.elements)]
            return cst.RemoveFromParent()
        if role in ("placeholder", "init"):
            return cst.RemoveFromParent()
        try:
            if role == "variable":
                new = self._keras_variable(original.body[0].value, value)
                return updated.with_changes(body=[updated.body[0].with_changes(value=new)])
            if role == "variable_dict":
                elements = [e.with_changes(value=self._keras_variable(eo.value, e.value))
                            for eo, e in zip(original.body[0].value.elements, value.elements)]
                return updated.with_changes(body=[updated.body[0].with_changes(
                    value=value.with_changes(elements=elements))])
        except Untranslatable:
            return updated
        if role == "tensor":
            name = prog.stmt_names[id(original)]
            expr = _substitute(value, {t: ps for t, ps in prog.tensors.items() if t != name}, {},
                               prog.stmt_maps.get(id(original)), prog.tensor_fns)
            if name in prog.noise:
                self.report(original, f"{name}: a per-run tf.random_normal -> keras.random.normal drawn at every "
                                      f"call of {name}() (once per run, as in TF1: the same distribution, other "
                                      "draws than TF1's)")
            return cst.FunctionDef(
                name=cst.Name(name),
                params=cst.Parameters([cst.Param(cst.Name(p)) for p in prog.tensors[name]]),
                body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(expr)])]),
                leading_lines=original.leading_lines)
        if role == "train_op":
            self.ctx.use_helper("TF1TrainStep")
            loss, variables, node, _ = prog.train_ops[name]
            self.report(original, f"the model is its tf.Variables ({', '.join(variables)}): eager code, "
                                  f"{name} -> TF1TrainStep over {loss}()")
            opt = value.func.value
            var_list = cst.Name(node) if node else cst.List(
                [cst.Element(cst.parse_expression(v)) for v in variables])
            new = call("TF1TrainStep", opt, cst.Name(loss), var_list)
            return updated.with_changes(body=[updated.body[0].with_changes(value=new)])
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        prog = self._prog()
        if not prog.ok or self.ctx.parent(original) is not self.ctx.module \
                or original.name.value not in prog.tensor_fns:
            return updated
        resolved, extra = prog.tensor_fns[original.name.value]
        self.ctx.count(self)
        body = _substitute(updated.body, {t: prog.tensors[t] for t in resolved.values()}, {}, resolved)
        params = updated.params.with_changes(
            star_arg=cst.ParamStar() if extra else updated.params.star_arg,
            kwonly_params=[cst.Param(cst.Name(p)) for p in extra])
        return updated.with_changes(body=body, params=params)

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
        "import tensorflow as tf\nX = tf.placeholder(tf.float32, [None, 2])\nW = tf.Variable(tf.zeros([2, 2]))\n"
        "h = tf.matmul(X, W)\nh = tf.tanh(h)\neps = tf.random_normal(tf.shape(h))\n"
        "def loss_fn(y):\n    return tf.reduce_mean(tf.square(y - h))\nloss = loss_fn(h + eps)\n"
        "op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
        "with tf.Session() as sess:\n    sess.run(op, {X: xs})\n",
        "import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: TF1TrainStep\n"
        + TF1_TRAIN_STEP.code + "\n\nW = keras.Variable(keras.ops.zeros([2, 2], dtype='float32'))\n"
        "def h(X):\n    return keras.ops.matmul(X, W)\ndef h_2(X):\n    return keras.ops.tanh(h(X))\n"
        "def eps(X):\n    return keras.random.normal(keras.ops.shape(h_2(X)))\n"
        "def loss_fn(y, *, X):\n    return keras.ops.mean(keras.ops.square(y - h_2(X)))\n"
        "def loss(X):\n    return loss_fn(h_2(X) + eps(X), X=X)\n"
        "op = TF1TrainStep(keras.optimizers.SGD(learning_rate=0.1), loss, [W])\n"
        "op.step(keras.ops.convert_to_tensor(xs, dtype='float32'))\n",
        ("TFM162", "TFM162")), Case(
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
