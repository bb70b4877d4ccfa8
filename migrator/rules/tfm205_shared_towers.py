"""TFM205: towers that SHARE variables in TF1 (decided by migrator/analysis/sharing.py) ->
ONE Keras encoder model applied to each input."""
from __future__ import annotations


import libcst as cst

from ..analysis.sharing import TowerGroup, pretty
from ..emit import call, code, drop_left_comma_args, stmt, to_node
from ..names import dotted
from ..translate.encoder import apply_encoder, encoder_statements
from ..helpers import register_source
from ..analysis.siamese import walk
from ..translate.tf1_helpers import TF1_MODE_DROPOUT
from ..translate.tf1_helpers import TF1_LAYER
_RNN_HELPERS = {"tf1_layer": TF1_LAYER, "TF1GRUCell": register_source("tf1_rnn", "TF1GRUCell"),
                "TF1DropoutWrapper": register_source("tf1_rnn", "TF1DropoutWrapper"),
                "tf1_rnn": register_source("tf1_rnn", "tf1_rnn"),
                "tf1_dynamic_rnn": register_source("tf1_rnn", "tf1_dynamic_rnn", requires=("tf1_rnn",))}


def _with_helpers(names, rest: str) -> str:
    """An example's expected output: ``import keras``, the helpers ``names`` in order, ``rest``."""
    return "import keras\n\n\n" + "".join(f"# tflearn-migrate helper: {n}\n{_RNN_HELPERS[n].code}\n\n"
                                             for n in names) + rest
from .base import Case, Rule
from ..analysis.shared_plan import SharedPlan, _bound_params, is_method, reuse_params

TF1_FIXED_MODE = register_source("tf1", "TF1FixedMode")


class SharedTowers(Rule):
    ID = "TFM205"
    # TF1 sharing needs reuse (reuse=, reuse_variables(), AUTO_REUSE), a layer object called twice
    # (tf.layers.Dense / keras.layers), a sharing scope an earlier run kept (TFM138's TODO), or
    # variables made once and given to every tower (TensorFlow-Examples' weight dicts)
    TRIGGERS = (("tensorflow", "reuse"), ("tensorflow", "REUSE"), ("tensorflow", "layers"), "keras", "TFM138",
                ("tflearn", "reuse"), ("tensorflow", "Variable"))
    NAME = "shared-towers"
    MESSAGE = "towers that share variables in TF1 -> one encoder model applied to each input"
    RATIONALE = ("Which towers share is decided by TF1's variable store (migrator/analysis/sharing.py): "
                 "get_variable - and tf.layers / contrib / tflearn layers with explicit names - under "
                 "`reuse=True`, `scope.reuse_variables()`, `tf.get_variable_scope().reuse_variables()` or "
                 "`tf.AUTO_REUSE` return the first tower's variables; tf.Variable never does. Keras has no "
                 "name-based sharing: calling the tower builder twice would create two sets of layers, a "
                 "silent change of the model. The faithful translation builds the tower once as a Keras "
                 "model (keras.io's siamese_contrastive style) and applies it to every input; the builder's "
                 "reuse= arguments and reuse_variables() calls, now meaningless, are dropped; a later tower "
                 "whose reuse= is a run-time flag becomes `encoder(x) if flag else <the builder called "
                 "again>` (TF1 shared only when the flag was true). Towers the "
                 "rule cannot rewrite (a loop, calls with different arguments) keep a TODO.")
    ORDER = 40

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._inline_updated: dict[int, cst.Call] = {}   # id(inline tower call) -> its updated call

    def leave_Param(self, original: cst.Param, updated: cst.Param):
        if id(original) in self.ctx.analysis(SharedPlan).reuse_defaults:  # reuse=tf.AUTO_REUSE, read by nothing now
            return updated.with_changes(default=cst.Name("None"))
        return updated

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        if id(original) in self.ctx.analysis(SharedPlan).strip_args:
            return cst.RemoveFromParent()
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        plan: SharedPlan = self.ctx.analysis(SharedPlan)
        name = plan.stored_calls.get(id(original))
        if name is not None:
            return self._store_layer(original, updated, name)
        if id(original) in plan.inline:  # a tower call inside an expression: the encoder where it stands
            hit = next(h for h in plan.by_stmt[id(self.ctx.statement_of(original))] if h[2] is original)
            self._inline_updated[id(original)] = updated
            applied = self._apply(hit, updated)
            return updated if applied is None else applied
        # a reuse= argument removed last: no comma left after the new last argument
        if plan.strip_args and any(id(a) in plan.strip_args for a in original.args):
            return drop_left_comma_args(original, updated)
        return updated

    def _store_layer(self, original: cst.Call, updated: cst.Call, name: str) -> cst.BaseExpression:
        """``keras.layers.X(...)(x)`` -> ``tf1_layer('scope/name', lambda: keras.layers.X(...))(x)``:
        the layer TF1's variable store gives every tower that builds it (rules/tfm201's helper)."""
        if _cell_object(self.ctx, original, updated):  # fw_cell = GRUCell(n): the stored cell itself
            self.ctx.use_helper("tf1_layer")
            return cst.Call(func=cst.Name("tf1_layer"), args=[cst.Arg(cst.SimpleString(repr(name))),
                                                              cst.Arg(cst.Lambda(params=cst.Parameters(), body=updated))])
        if not isinstance(updated.func, cst.Call):  # not translated to a Keras layer applied to x
            self.todo(original, f"this layer is not taken from the store of the layers its towers "
                                f"share ({name}): each tower would make its own")
            return updated
        self.ctx.use_helper("tf1_layer")
        make = cst.Lambda(params=cst.Parameters(), body=updated.func)
        return updated.with_changes(func=cst.Call(func=cst.Name("tf1_layer"),
                                                  args=[cst.Arg(cst.SimpleString(repr(name))), cst.Arg(make)]))

    def leave_If(self, original, updated):
        if id(original) in self.ctx.analysis(SharedPlan).remove:
            parent = self.ctx.parent(original)
            if isinstance(parent, cst.IndentedBlock) and len(parent.body) == 1:
                return cst.SimpleStatementLine([cst.Pass()])
            return cst.RemoveFromParent()
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        plan: SharedPlan = self.ctx.analysis(SharedPlan)
        if id(original) in plan.remove:
            parent = self.ctx.parent(original)
            if isinstance(parent, cst.IndentedBlock) and len(parent.body) == 1:
                return updated.with_changes(body=[cst.Pass()])
            return cst.RemoveFromParent()
        hits = plan.by_stmt.get(id(original))
        if hits is None:
            self._problem(original, plan)
            return updated
        plain = [h for h in hits if id(h[2]) not in plan.inline]  # inline calls: replaced by leave_Call
        value = updated.body[0].value
        if not plain:
            new = updated
        elif len(plain) == 1 and original.body[0].value is plain[0][2]:  # out = tower(x)
            applied = self._apply(plain[0], value)
            if applied is None:
                return updated
            new = updated.with_changes(body=[updated.body[0].with_changes(value=applied)])
        else:  # a, b = tower(x1), tower(x2): each call replaced where it stands
            positions = [o.value for o in original.body[0].value.elements]
            elements = list(value.elements)
            for hit in plain:
                k = next(j for j, o in enumerate(positions) if o is hit[2])
                applied = self._apply(hit, elements[k].value)
                if applied is None:
                    return updated
                elements[k] = elements[k].with_changes(value=applied)
            new = updated.with_changes(body=[updated.body[0].with_changes(value=value.with_changes(elements=elements))])
        self.ctx.add_import("keras")
        # the encoder of every group whose first tower is in this statement, built before it (two
        # groups: ``discriminator(generator(z))``, a generator tower inside a discriminator tower)
        firsts = [h for h in hits if h[1] == 0]
        if not firsts:
            return new
        built: list[cst.BaseStatement] = []
        for g, _, call_ in firsts:
            if id(call_) in plan.inline:
                v = self._inline_updated.get(id(call_))
            elif original.body[0].value is call_:
                v = value
            else:
                k = [o.value for o in original.body[0].value.elements].index(call_)
                v = value.elements[k].value
            if not isinstance(v, cst.Call) or not v.args:
                continue
            built.extend(self._encoder_statements(g, call_, v, original))
        if not built:
            return new
        built[0] = built[0].with_changes(leading_lines=original.leading_lines)
        return cst.FlattenSentinel([*built, new.with_changes(leading_lines=[])])

    def _encoder_statements(self, g: TowerGroup, call_: cst.Call, value: cst.Call, original) -> list:
        """The statements building group ``g``'s encoder from its first tower call (``value``: that
        call, updated); reports the group."""
        plan: SharedPlan = self.ctx.analysis(SharedPlan)
        enc = plan.encoder[id(g)]
        x = value.args[0].value
        modes = plan.modes.get(id(g))
        names = ", ".join(pretty(k) for k in g.shared[:4]) + (" ..." if len(g.shared) > 4 else "")
        self.report(original, f"{g.name}() towers share their variables in TF1 ({names}): one encoder "
                              f"model {enc} applied to each of the {len(g.calls)} inputs")
        params = reuse_params(g.function)
        bound = _bound_params(g.function, value, is_method(self.ctx, g.function))
        # a reuse parameter without a default must still be passed, positionally or by keyword (the first call's value:
        # the layers' reuse= arguments that read it are dropped, so its value no longer matters)
        required = {q.name.value for q in g.function.params.params if q.default is None}
        extra = [a for p, a in bound[1:] if not (p in params or p == "reuse") or p in required]
        # float64 / float16 programs: the encoder's input takes the dtype of the tensor it is applied
        # to (a float32 keras.Input would cast a float64 input down)
        typed = self._typed_input(call_.args[0].value)
        sample = self._shape_sample(g, x, original)
        stmts = encoder_statements(enc, value.func, sample, extra, input_dtype=typed,
                                   fixed_batch=self._fixed_batch(sample))
        key = plan.memo.get(id(g))
        if key is not None:
            # the wrapper around these towers runs again under reuse (a validation tower pair):
            # the encoder is built once and kept in TF1's name store, so every run applies it
            self.ctx.use_helper("tf1_layer")
            assign = stmts[1].body[0]
            stmts[1] = stmts[1].with_changes(body=[assign.with_changes(value=cst.Call(
                func=cst.Name("tf1_layer"), args=[cst.Arg(cst.SimpleString(repr(key))),
                                                  cst.Arg(cst.Lambda(params=cst.Parameters(), body=assign.value))]))])
        if modes is not None:
            # the input may be a structure (an Estimator's features dict): one keras.Input per tensor
            stmts[0] = stmt("{n} = keras.tree.map_structure(lambda t: keras.Input(shape=t.shape[1:], "
                            "dtype=t.dtype), {x})", n=cst.Name(f"{enc}_input"), x=x)
        return list(stmts)

    def _apply(self, hit: tuple[TowerGroup, int, cst.Call], value: cst.BaseExpression):
        """The encoder applied where the tower call ``value`` (updated) was; None if it is no call."""
        g, i, _ = hit
        plan: SharedPlan = self.ctx.analysis(SharedPlan)
        enc = plan.encoder[id(g)]
        if not isinstance(value, cst.Call) or not value.args:
            return None
        x = value.args[0].value
        applied: cst.BaseExpression = apply_encoder(enc, x)
        modes = plan.modes.get(id(g))
        if modes is not None:
            # a tower built in a constant mode: the shared encoder applied in that mode
            self.ctx.use_helper("TF1FixedMode")
            applied = cst.Call(func=call("TF1FixedMode", cst.Name(enc), training=to_node(modes[i])),
                               args=[cst.Arg(x)])
        flag = self._reuse_flag(g, value) if i > 0 else None
        if flag is not None:
            # ``reuse=<flag>`` decided at run time (``sharing=False`` builds a second tower in
            # TF1): the encoder when the flag is true, a fresh tower - the builder called again,
            # new Keras layers - when it is false
            applied = cst.IfExp(test=flag, body=applied, orelse=value)
        self.ctx.count(self)
        return applied

    def _shape_sample(self, g: TowerGroup, x: cst.BaseExpression, stmt) -> cst.BaseExpression:
        """The tensor whose shape the encoder's input takes: the first tower's input, unless that
        is an expression that calls something (``discriminator(generator(z))``: reading its shape
        would build the inner layers a second time) - then another tower's input that is a
        name bound before ``stmt`` (every tower input of one encoder has the same shape)."""
        if not any(isinstance(n, cst.Call) for n in walk(x)):
            return x
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        for c in g.calls:
            a = c.args[0].value if c.args else None
            if isinstance(a, cst.Name) and flow.def_of(a.value, stmt) is not None:
                return cst.Name(a.value)
        return x

    def _fixed_batch(self, x: cst.BaseExpression) -> bool:
        """``x`` is a placeholder written with a fixed batch size (``tf.placeholder(tf.float32,
        [BATCH_SIZE, 8, 8, 1])``: a first dimension that is not None)."""
        if not isinstance(x, cst.Name):
            return False
        from ..analysis.flow import Flow

        d = self.ctx.analysis(Flow).def_of(x.value, x)
        v = d.value if d is not None else None
        if not (isinstance(v, cst.Call) and self.ctx.legacy_name(v.func) == "tensorflow.placeholder"):
            return False
        shape = next((a.value for a in v.args if a.keyword is not None and a.keyword.value == "shape"), None)
        pos = [a.value for a in v.args if a.keyword is None]
        if shape is None and len(pos) > 1:
            shape = pos[1]
        if not isinstance(shape, (cst.List, cst.Tuple)) or not shape.elements:
            return False
        first = shape.elements[0].value
        return not (isinstance(first, cst.Name) and first.value == "None")

    def _typed_input(self, x: cst.BaseExpression) -> bool:
        """Does the encoder input need the dtype of the tensor it is applied to? In a file using
        float64 / float16, unless that tensor is a placeholder of another dtype (a float32 Input)."""
        code_ = self.ctx.module_code
        if "float64" not in code_ and "float16" not in code_:
            return False
        if isinstance(x, cst.Name):
            from ..analysis.flow import Flow

            d = self.ctx.analysis(Flow).def_of(x.value, x)
            v = d.value if d is not None else None
            if isinstance(v, cst.Call) and self.ctx.legacy_name(v.func) == "tensorflow.placeholder":
                return "float64" in code(v) or "float16" in code(v)
        return True

    def _reuse_flag(self, g: TowerGroup, call: cst.Call) -> cst.BaseExpression | None:
        """The reuse argument of a later tower call when it is not a constant (a flag such as
        ``sharing``): TF1 shared the variables only when it was true."""
        params = reuse_params(g.function)
        for p, a in _bound_params(g.function, call, is_method(self.ctx, g.function))[1:]:
            if p in params or p == "reuse":
                v = a.value
                if isinstance(v, cst.Name) and v.value in ("True", "False", "None"):
                    return None
                d = dotted(v) or ""
                if d.endswith("AUTO_REUSE"):
                    return None
                return v
        return None

    def _problem(self, original, plan: SharedPlan) -> None:
        for g in plan.groups:
            if id(g) in plan.stored and self.ctx.statement_of(g.calls[0]) is original:
                names = ", ".join(pretty(k) for k in g.shared[:4]) + (" ..." if len(g.shared) > 4 else "")
                self.report(original, f"{g.name}() towers share their variables in TF1 ({names}) but their "
                                      f"calls differ besides the input: each tower is built as written, "
                                      f"its layers taken from a store keyed by their TF1 names (tf1_layer)")
                self.ctx.count(self)
                continue
            inner = plan.wrapped.get(id(g))
            if inner is not None and self.ctx.statement_of(g.calls[0]) is original:
                self.report(original, f"{g.name}() is called again under reuse: each call's "
                                      f"{inner.name}() towers get the one encoder the first call built "
                                      f"(kept in TF1's name store, tf1_layer), as TF1 gave them the same variables")
                self.ctx.count(self)
                continue
            why = plan.problem.get(id(g))
            if why and self.ctx.statement_of(g.calls[0]) is original:
                self.todo(original, f"{g.name}() towers share their variables in TF1 but are not "
                                    f"turned into one encoder: {why}")

    VALID = [
        "def tower(x):\n    return x\na = tower(x1)\nb = tower(x2)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n\ndef tower(x):\n    return tf.layers.dense(x, 4, name='fc')\n\n"
             "x1 = tf.placeholder(tf.float32, [None, 3])\nx2 = tf.placeholder(tf.float32, [None, 3])\n"
             "with tf.variable_scope('siamese') as scope:\n    o1 = tower(x1)\n    scope.reuse_variables()\n"
             "    o2 = tower(x2)\n",
             "import keras\n\ndef tower(x):\n    return keras.layers.Dense(4)(x)\n\n"
             "x1 = keras.Input(shape=(3,))\nx2 = keras.Input(shape=(3,))\n"
             "encoder_input = keras.Input(shape=x1.shape[1:])\n"
             "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
             "o1 = encoder(x1)\no2 = encoder(x2)\n", ("TFM205",)),
        # a method called with reuse=False / reuse=True (named tf.layers inside)
        Case("import tensorflow as tf\n\nclass Net:\n"
             "    def __init__(self, a, b):\n"
             "        self.o1 = self.tower(a, reuse=False)\n"
             "        self.o2 = self.tower(b, reuse=True)\n\n"
             "    def tower(self, x, reuse=False):\n"
             "        return tf.layers.dense(x, 4, name='fc', reuse=reuse)\n",
             "import keras\n\nclass Net:\n"
             "    def __init__(self, a, b):\n"
             "        encoder_input = keras.Input(shape=a.shape[1:])\n"
             "        encoder = keras.Model(encoder_input, self.tower(encoder_input), name='encoder')\n"
             "        self.o1 = encoder(a)\n"
             "        self.o2 = encoder(b)\n\n"
             "    def tower(self, x, reuse=False):\n"
             "        return keras.layers.Dense(4)(x)\n", ("TFM205",)),
    ]
    INVALID = [*INVALID, Case(  # if reuse: get_variable_scope().reuse_variables() else: assert ... (no report left)
        "import tensorflow as tf\n\ndef tower(inputs, name, reuse):\n    with tf.variable_scope(name):\n        if reuse:\n            tf.get_variable_scope().reuse_variables()\n        else:\n            assert tf.get_variable_scope().reuse is False\n        h = tf.layers.dense(inputs, 8, name='fc1')\n        return tf.layers.dense(h, 4, name='fc2')\n\ndef train(A, B, Y):\n    x1 = tf.placeholder(tf.float32, [None, 4])\n    x2 = tf.placeholder(tf.float32, [None, 4])\n    y = tf.placeholder(tf.float32, [None])\n    o1 = tower(x1, 'siamese', False)\n    o2 = tower(x2, 'siamese', True)\n    d = tf.reduce_sum(tf.square(o1 - o2), 1)\n    loss = tf.reduce_mean(y * d + (1 - y) * tf.maximum(1.0 - d, 0.0))\n    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n    with tf.Session() as sess:\n        sess.run(tf.global_variables_initializer())\n        for e in range(3):\n            sess.run(train_op, feed_dict={x1: A, x2: B, y: Y})\n        return sess.run(o1, feed_dict={x1: A})\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\ndef tower(inputs, name, reuse):\n    h = keras.layers.Dense(8)(inputs)\n    return keras.layers.Dense(4)(h)\n\ndef train(A, B, Y):\n    x1 = keras.Input(shape=(4,))\n    x2 = keras.Input(shape=(4,))\n    encoder_input = keras.Input(shape=x1.shape[1:])\n    encoder = keras.Model(encoder_input, tower(encoder_input, 'siamese', False), name='encoder')\n    o1 = encoder(x1)\n    o2 = encoder(x2)\n    d = tf.reduce_sum(tf.square(o1 - o2), 1)\n    def loss(y, d):\n        return tf.reduce_mean(y * d + (1 - y) * tf.maximum(1.0 - d, 0.0))\n    model = keras.Model([x1, x2], d)\n    model.compile(optimizer=tf.train.AdamOptimizer(0.01), loss=loss)\n    for e in range(3):\n        model.train_on_batch([A, B], Y)\n    return keras.Model(x1, o1).predict_on_batch(A)\n", ("TFM205",), todo=True)]
    INVALID = [*INVALID, Case(
        # the second tower's reuse= is a run-time flag: shared (the encoder) when it is true, a
        # fresh tower (new layers, as TF1's new variables under another scope) when it is false
        "import tensorflow as tf\n\nclass Net:\n    def __init__(self, a, b, sharing=True):\n        scope = 'x' if sharing else 'x1'\n        self.o1 = self.tower(a, scope, False)\n        scope = 'x' if sharing else 'x2'\n        self.o2 = self.tower(b, scope, sharing)\n\n    def tower(self, x, scope, reusing=False):\n        with tf.variable_scope(scope, reuse=reusing):\n            return tf.layers.dense(x, 4, name='fc')\n",
        "import keras\n\nclass Net:\n    def __init__(self, a, b, sharing=True):\n        scope = 'x' if sharing else 'x1'\n        encoder_input = keras.Input(shape=a.shape[1:])\n        encoder = keras.Model(encoder_input, self.tower(encoder_input, scope), name='encoder')\n        self.o1 = encoder(a)\n        scope = 'x' if sharing else 'x2'\n        self.o2 = encoder(b) if sharing else self.tower(b, scope, sharing)\n\n    def tower(self, x, scope, reusing=False):\n        return keras.layers.Dense(4)(x)\n", ("TFM205",))]
    INVALID = [*INVALID, Case(
        # a tower returning two tensors (embedding, class scores): an encoder with two outputs
        "import tensorflow as tf\n\nclass Net:\n"
        "    def __init__(self, a, b):\n"
        "        self.e1, self.s1 = self.tower(a, reuse=False)\n"
        "        self.e2, self.s2 = self.tower(b, reuse=True)\n\n"
        "    def tower(self, x, reuse=False):\n"
        "        h = tf.layers.dense(x, 4, name='fc', reuse=reuse)\n"
        "        return h, tf.layers.dense(h, 2, name='out', reuse=reuse)\n",
        "import keras\n\nclass Net:\n    def __init__(self, a, b):\n        encoder_input = keras.Input(shape=a.shape[1:])\n        encoder = keras.Model(encoder_input, self.tower(encoder_input), name='encoder')\n        self.e1, self.s1 = encoder(a)\n        self.e2, self.s2 = encoder(b)\n\n    def tower(self, x, reuse=False):\n        h = keras.layers.Dense(4)(x)\n        return h, keras.layers.Dense(2)(h)\n", ("TFM205",))]
    INVALID = [*INVALID, Case(
        # TF1 RNN cells: the second tower's cell is made with reuse=True (the reuse of the scope
        # around it) and built by the loop under the same rnn/lstm_cell scope: shared; the input
        # passed by keyword; a float64 program: the encoder input takes the input's dtype
        "import tensorflow as tf\n\nclass Net:\n    def __init__(self, a, b):\n        self.o1 = self.encode(sequence=a, reuse=None)\n        self.o2 = self.encode(sequence=b, reuse=True)\n\n    def encode(self, sequence, reuse=None):\n        with tf.variable_scope('enc', reuse=reuse):\n            cell = tf.nn.rnn_cell.LSTMCell(4, reuse=tf.get_variable_scope().reuse)\n        outputs, _ = tf.nn.dynamic_rnn(cell, sequence, dtype=tf.float64)\n        return outputs\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nclass Net:\n    def __init__(self, a, b):\n        encoder_input = keras.Input(shape=a.shape[1:], dtype=a.dtype)\n        encoder = keras.Model(encoder_input, self.encode(encoder_input), name='encoder')\n        self.o1 = encoder(a)\n        self.o2 = encoder(b)\n\n    def encode(self, sequence, reuse=None):\n        cell = tf.nn.rnn_cell.LSTMCell(4)\n        outputs, _ = tf.nn.dynamic_rnn(cell, sequence, dtype=tf.float64)\n        return outputs\n", ("TFM205",), todo=True)]
    INVALID = [*INVALID, Case(
        # cells under different scope names: TF1 makes two sets of variables - no encoder
        "import tensorflow as tf\n\nclass Net:\n    def __init__(self, a, b):\n        self.o1 = self.encode(a, 'x')\n        self.o2 = self.encode(b, 'y')\n\n    def encode(self, sequence, name):\n        with tf.variable_scope(name):\n            cell = tf.nn.rnn_cell.LSTMCell(4, reuse=tf.get_variable_scope().reuse)\n            outputs, _ = tf.nn.dynamic_rnn(cell, sequence, dtype=tf.float32)\n        return outputs\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\nclass Net:\n    def __init__(self, a, b):\n        self.o1 = self.encode(a, 'x')\n        self.o2 = self.encode(b, 'y')\n\n    def encode(self, sequence, name):\n        cell = tf.nn.rnn_cell.LSTMCell(4, reuse=tf.get_variable_scope().reuse)\n        outputs, _ = tf.nn.dynamic_rnn(cell, sequence, dtype=tf.float32)\n        return outputs\n", (), todo=True)]
    INVALID = [*INVALID, Case(
        # TensorFlow-Examples' conv_net pair: the towers differ only in a constant dropout mode
        # (training= of tf.layers.dropout): one encoder, each tower applied in its own mode
        "import tensorflow as tf\n\ndef net(x, reuse, is_training):\n    with tf.variable_scope('Net', reuse=reuse):\n        h = tf.layers.dense(x, 8)\n        h = tf.layers.dropout(h, rate=0.5, training=is_training)\n        return tf.layers.dense(h, 2)\n\ndef model_fn(features):\n    logits_train = net(features, reuse=False, is_training=True)\n    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n",
        "import keras\n\n\n# tflearn-migrate helper: TF1FixedMode\n" + TF1_FIXED_MODE.code + "\n\n"
        "def net(x, reuse, is_training):\n    h = keras.layers.Dense(8)(x)\n    h = keras.layers.Dropout(0.5)(h)\n"
        "    return keras.layers.Dense(2)(h)\n\ndef model_fn(features):\n"
        "    encoder_input = keras.tree.map_structure(lambda t: keras.Input(shape=t.shape[1:], dtype=t.dtype), features)\n"
        "    encoder = keras.Model(encoder_input, net(encoder_input, reuse=False, is_training=True), name='encoder')\n"
        "    logits_train = TF1FixedMode(encoder, training=True)(features)\n"
        "    logits_test = TF1FixedMode(encoder, training=False)(features)\n"
        "    return logits_train, logits_test\n", ("TFM205",))]
    INVALID = [*INVALID, Case(
        # the mode parameter is read otherwise too (a Python branch: the towers compute different
        # things): each tower built as written, its layers from TF1's name store, dropout pinned
        "import tensorflow as tf\n\ndef net(x, reuse, is_training):\n    with tf.variable_scope('Net', reuse=reuse):\n        h = tf.layers.dense(x, 8)\n        h = tf.layers.dropout(h, rate=0.5, training=is_training)\n        h = h * 2.0 if is_training else h\n        return tf.layers.dense(h, 2)\n\ndef model_fn(features):\n    logits_train = net(features, reuse=False, is_training=True)\n    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n",
        "import keras\n\n\n# tflearn-migrate helper: tf1_layer\n" + TF1_LAYER.code + "\n\n# tflearn-migrate helper: TF1ModeDropout\n"
        + TF1_MODE_DROPOUT.code + "\n\n"
        "def net(x, reuse, is_training):\n    h = tf1_layer('Net/dense', lambda: keras.layers.Dense(8))(x)\n"
        "    h = TF1ModeDropout(0.5)(h, tf1_training=is_training)\n    h = h * 2.0 if is_training else h\n"
        "    return tf1_layer('Net/dense_1', lambda: keras.layers.Dense(2))(h)\n\ndef model_fn(features):\n"
        "    logits_train = net(features, reuse=False, is_training=True)\n"
        "    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n",
        ("TFM205",))]
    INVALID = [*INVALID, Case(
        # ... but a mode that is not a constant at every call (a tensor flag): TF1's tower mode is
        # not known when the graph is built - TODO
        "import tensorflow as tf\n\ndef net(x, reuse, is_training):\n    with tf.variable_scope('Net', reuse=reuse):\n        h = tf.layers.dense(x, 8)\n        h = tf.layers.dropout(h, rate=0.5, training=is_training)\n        h = h * 2.0 if is_training else h\n        return tf.layers.dense(h, 2)\n\ndef model_fn(features, flag):\n    logits_train = net(features, reuse=False, is_training=flag)\n    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\ndef net(x, reuse, is_training):\n    # TODO(tflearn-migrate): TFM138 variable_scope shares variables (reuse): no Keras translation without TFM205's shared encoder\n    with tf.variable_scope('Net', reuse=reuse):\n        h = keras.layers.Dense(8)(x)\n        h = keras.layers.Dropout(0.5)(h)\n        h = h * 2.0 if is_training else h\n        return keras.layers.Dense(2)(h)\n\ndef model_fn(features, flag):\n    # TODO(tflearn-migrate): TFM205 net() towers share their variables in TF1 but are not turned into one encoder: the tower calls pass different arguments besides the input and reuse\n    logits_train = net(features, reuse=False, is_training=flag)\n    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n", ("TFM205", "TFM138"), todo=True)]
    INVALID = [*INVALID, Case(
        # both towers in one statement: ``ea, eb = tower(xa), tower(xb)`` (AUTO_REUSE inside)
        "import tensorflow as tf\n\ndef tower(x):\n    with tf.variable_scope('t', reuse=tf.AUTO_REUSE):\n"
        "        return tf.layers.dense(x, 4, name='fc')\n\n"
        "xa = tf.placeholder(tf.float32, [None, 3])\nxb = tf.placeholder(tf.float32, [None, 3])\n"
        "ea, eb = tower(xa), tower(xb)\n",
        "import keras\n\ndef tower(x):\n    return keras.layers.Dense(4)(x)\n\n"
        "xa = keras.Input(shape=(3,))\nxb = keras.Input(shape=(3,))\n"
        "encoder_input = keras.Input(shape=xa.shape[1:])\n"
        "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
        "ea, eb = encoder(xa), encoder(xb)\n", ("TFM205",))]
    INVALID = [*INVALID, Case(
        # tower calls inside an expression: each becomes the encoder where it stands (Python evaluates
        # the operands left to right, TF1's build order), the encoder built before the statement
        "import tensorflow as tf\n\ndef tower(x, reuse=False):\n    with tf.variable_scope('t', reuse=reuse):\n"
        "        return tf.layers.dense(x, 4, name='fc')\n\n"
        "xa = tf.placeholder(tf.float32, [None, 3])\nxb = tf.placeholder(tf.float32, [None, 3])\n"
        "d = abs(tower(xa) - tower(xb, reuse=True)) ** 2\n",
        "import keras\n\ndef tower(x, reuse=False):\n    return keras.layers.Dense(4)(x)\n\n"
        "xa = keras.Input(shape=(3,))\nxb = keras.Input(shape=(3,))\n"
        "encoder_input = keras.Input(shape=xa.shape[1:])\n"
        "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
        "d = abs(encoder(xa) - encoder(xb)) ** 2\n", ("TFM205",))]
    INVALID = [*INVALID, Case(
        # ... but a tower call evaluated only when a condition holds: TODO
        "import tensorflow as tf\n\ndef tower(x, reuse=False):\n    with tf.variable_scope('t', reuse=reuse):\n"
        "        return tf.layers.dense(x, 4, name='fc')\n\n"
        "xa = tf.placeholder(tf.float32, [None, 3])\nxb = tf.placeholder(tf.float32, [None, 3])\n"
        "d = xa is not None and tower(xa) - tower(xb, reuse=True)\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n"
        "def tower(x, reuse=False):\n"
        "    # TODO(tflearn-migrate): TFM138 variable_scope shares variables (reuse): no Keras translation without TFM205's shared encoder\n"
        "    with tf.variable_scope('t', reuse=reuse):\n        return keras.layers.Dense(4)(x)\n\n"
        "xa = keras.Input(shape=(3,))\nxb = keras.Input(shape=(3,))\n"
        "# TODO(tflearn-migrate): TFM205 tower() towers share their variables in TF1 but are not turned into one encoder: "
        "a tower call is neither a plain assignment `out = tower(x, ...)` nor evaluated once, unconditionally, by a simple statement\n"
        "d = xa is not None and tower(xa) - tower(xb, reuse=True)\n", ("TFM205", "TFM138"), todo=True)]
    VALID = [*VALID,
             # tf.Variable under reuse=True never shares (TF1): the inline towers stay two
             "import keras\n\ndef tower(x, reuse=False):\n    return keras.layers.Dense(4)(x)\n\n"
             "xa = keras.Input(shape=(3,))\nxb = keras.Input(shape=(3,))\n"
             "d = keras.ops.sum(keras.ops.square(tower(xa) - tower(xb, reuse=True)), axis=1)\n"]
    # RNN towers that differ besides the input (the lengths): built as written, each cell taken from
    # TF1's store by the name its loop gives it (enc/rnn/gru_cell) - the cell object itself, the
    # one a DropoutWrapper wraps (no variables of its own), or a module-level cell a tower function
    # runs; the sharing scope around the calls and its reuse_variables() go
    _RNN_SRC = ("import tensorflow as tf\n\n\ndef encode(x, n):\n    cell = tf.nn.rnn_cell.GRUCell(4)\n"
                "    _, state = tf.nn.dynamic_rnn(cell, x, sequence_length=n, dtype=tf.float32)\n    return state\n\n\n"
                "with tf.variable_scope('enc'):\n    h1 = encode(x1, n1)\n    tf.get_variable_scope().reuse_variables()\n"
                "    h2 = encode(x2, n2)\n")
    _RNN_TAIL = "\n    _, state = tf1_dynamic_rnn(cell, x, n)\n    return state\n\n\nh1 = encode(x1, n1)\nh2 = encode(x2, n2)\n"
    INVALID = [*INVALID, Case(
        _RNN_SRC, _with_helpers(("TF1GRUCell", "tf1_layer", "tf1_rnn", "tf1_dynamic_rnn"),
                                "def encode(x, n):\n    cell = tf1_layer('enc/rnn/gru_cell', lambda: TF1GRUCell(4))" + _RNN_TAIL),
        ("TFM205",), requires=("TFM158",)), Case(
        _RNN_SRC.replace("    cell = tf.nn.rnn_cell.GRUCell(4)\n", "").replace(
            "def encode", "cell = tf.nn.rnn_cell.GRUCell(4)\n\n\ndef encode"),
        _with_helpers(("TF1GRUCell", "tf1_layer", "tf1_rnn", "tf1_dynamic_rnn"),
                      "cell = tf1_layer('enc/rnn/gru_cell', lambda: TF1GRUCell(4))\n\n\ndef encode(x, n):" + _RNN_TAIL),
        ("TFM205",), requires=("TFM158",)), Case(
        _RNN_SRC.replace("tf.nn.rnn_cell.GRUCell(4)",
                         "tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(4), output_keep_prob=0.9)"),
        _with_helpers(("TF1GRUCell", "tf1_layer", "TF1DropoutWrapper", "tf1_rnn", "tf1_dynamic_rnn"),
                      "def encode(x, n):\n    cell = TF1DropoutWrapper(tf1_layer('enc/rnn/gru_cell', lambda: TF1GRUCell(4)), "
                      "output_keep_prob=0.9, every_run=True)" + _RNN_TAIL),
        ("TFM158", "TFM205"), requires=("TFM158",))]
    REQUIRES = ("TFM131", "TFM138", "TFM140")


def _cell_object(ctx, original: cst.Call, updated: cst.Call) -> bool:
    """``tf.contrib.rnn.GRUCell(n)`` / ``tf.nn.rnn_cell.LSTMCell(n)`` translated to its TF1 cell
    object (``TF1GRUCell(n)``, not applied): TF1's loop creates its variables under the cell's
    scope name, so the object is what the store keeps (every loop over it uses those weights)."""
    q = ctx.legacy_name(original) or ""
    return ("rnn" in q.split(".")[:-1] or "rnn_cell" in q) and q.endswith("Cell") \
        and isinstance(updated.func, cst.Name) and updated.func.value.startswith("TF1")  # TFM158's cell
