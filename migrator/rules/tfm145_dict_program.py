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


import libcst as cst

from ..analysis.flow import Flow
from ..cstcache import walk
from ..emit import call, expr, literal, stmt
from .base import Case, Rule
from ..translate.tf1_helpers import LOSS_MODEL  # noqa: F401  (registers the LossModel helper)
from ..helpers import register_source

# TFM144's helper (the same registration): outputs [loss, fetched...], loss_index 0
FETCHING_LOSS_MODEL = register_source("tf1_programs", "FetchingLossModel")
from ..analysis.dict_programs import DictProgram, DictPrograms, DictRun, _subscript_key


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
        "session parameters of the functions it was passed to disappear; Saver -> save_weights. A fed "
        "value that is a Python tuple / list becomes np.asarray(value, <the placeholder's dtype>), as TF1 "
        "converted it.")
    ORDER = 45
    REQUIRES = ("TFM130", "TFM131", "TFM133")

    def _dps(self) -> DictPrograms:
        return self.ctx.analysis(DictPrograms)

    def _live(self) -> list[DictProgram]:
        return [d for d in self._dps().programs if not d.why]

    # -- statements -----------------------------------------------------------------------------
    def leave_SimpleStatementLine(self, original, updated):
        for dp in self._dps().programs:
            if dp.why and dp.train_op is not None and getattr(dp.train_op, "statement", None) is original \
                    and self._run_elsewhere(dp):
                # declined, its train op run through the dict by code outside the builder (which
                # TFM140 does not follow): say why where the train op stays
                self.todo(original, f"{dp.name}() returns its model as a dict; not translated: {dp.why}")
                return updated
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

    def _run_elsewhere(self, dp: DictProgram) -> bool:
        """The train op is returned under a key that code outside the builder reads
        (``model['train_op']`` in a loop of the module): a model dict, not a program of its own."""
        key = dp.key_of(dp.train_op.name) if dp.train_op.name else None
        if key is None:
            return False
        inside = {id(n) for n in walk(dp.func)}
        return any(isinstance(n, cst.Subscript) and id(n) not in inside and len(n.slice) == 1
                   and isinstance(n.slice[0].slice, cst.Index) and literal(n.slice[0].slice.value, None) == key
                   for n in walk(self.ctx.module))

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
        self.ctx.add_import("keras")
        self.ctx.count(self)
        if dp.fetched:  # training runs fetch tensors besides the loss: the model outputs them too
            self.ctx.use_helper("FetchingLossModel")
            made = stmt("{m} = FetchingLossModel({i}, {l}, 0)", m=name, i=cst.List([cst.Element(i) for i in ins]),
                        l=cst.List([cst.Element(cst.Name(n)) for n in
                                    [dp.train_op.loss, *(dp.keys[k] for k in dp.fetched)]]))
        else:
            self.ctx.use_helper("LossModel")
            made = stmt("{m} = LossModel({i}, {l})", m=name, i=cst.List([cst.Element(i) for i in ins]),
                        l=cst.Name(dp.train_op.loss))
        out = [made,
               stmt("{m}.compile(optimizer={o})", m=name, o=value.func.value)]
        if dp.step:
            out.append(stmt("{s} = {m}.optimizer.iterations", s=cst.Name(dp.step), m=name))
        out[0] = out[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(out)

    @staticmethod
    def _get(inst: str, key: str) -> cst.Subscript:
        return expr("{m}[{k}]", m=cst.Name(inst), k=cst.SimpleString(repr(key)))

    def _x(self, r: DictRun, keys: list[str], dp: DictProgram | None = None):
        vals = [self._as_array(r.feeds[k], dp, k) for k in keys]
        return vals[0] if len(vals) == 1 else cst.List([cst.Element(v) for v in vals])

    def _as_array(self, value, dp: DictProgram | None, key: str):
        """A fed value that is provably a Python list / tuple (analysis/fed_values.py) ->
        ``np.asarray(value, <the placeholder's dtype>)``: TF1's own conversion of every fed value
        (Keras would read the sequence as several inputs)."""
        from ..analysis.fed_values import tf1_feed_conversion

        ph = dp.prog.placeholders.get(dp.keys.get(key, "")) if dp is not None else None
        conv = tf1_feed_conversion(self.ctx.analysis(Flow), value, value, ph.dtype if ph is not None else None)
        if conv is None:
            return value
        self.ctx.add_import("numpy", asname="np")
        return conv

    def _value(self, dp: DictProgram, r: DictRun, key: str, loss_value):
        if key == dp.train_key:
            return cst.Name("None")
        if dp.keys[key] == dp.step:
            return call("keras.ops.convert_to_numpy", self._get(r.instance, key))
        if loss_value is not None and key == dp.key_of(dp.train_op.loss):
            return loss_value
        if key == dp.key_of(dp.train_op.loss):
            got = expr("{m}.predict_on_batch({x})", m=self._get(r.instance, dp.train_key),
                       x=self._x(r, dp.loss_inputs(), dp))
            return expr("{v}[0]", v=got) if dp.fetched else got  # (FetchingLossModel: loss first)
        ins = dp.inputs_of(key)
        i = [self._get(r.instance, k) for k in ins]
        return expr("keras.Model({i}, {t}).predict_on_batch({x})",
                    i=i[0] if len(i) == 1 else cst.List([cst.Element(e) for e in i]),
                    t=self._get(r.instance, key), x=self._x(r, ins, dp))

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
                    x=self._x(r, dp.loss_inputs(), dp))
        small = updated.body[0]
        if dp.fetched and not isinstance(small, cst.Expr) and [k for _, k in r.fetches] != [dp.train_key]:
            return self._train_run_fetching(dp, r, updated, small)
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

    def _train_run_fetching(self, dp: DictProgram, r: DictRun, updated, small):
        """A FetchingLossModel's step: ``fetched = keras.tree.map_structure(convert_to_numpy,
        m['train'].train_on_batch(x, return_dict=True)['fetched'])`` - the loss first, then the
        other fetched tensors, values of the step's forward pass before the update (what TF1's
        sess.run returned)."""
        from ..translate.encoder import free_name

        taken = {d.name for s in self.ctx.analysis(Flow).scopes.values() for d in s.defs}
        logs = cst.Name(free_name(taken, "fetched"))
        step = expr("keras.tree.map_structure(keras.ops.convert_to_numpy, {m}.train_on_batch({x}, "
                    "return_dict=True)['fetched'])", m=self._get(r.instance, dp.train_key),
                    x=self._x(r, dp.loss_inputs(), dp))
        self.ctx.add_import("keras")
        self.ctx.count(self)
        vals = []
        for _, k in r.fetches:
            if k == dp.train_key:
                vals.append(cst.Name("None"))
            elif k == dp.key_of(dp.train_op.loss):
                vals.append(expr("{l}[0]", l=logs))
            elif k in dp.fetched:
                vals.append(expr("{l}[{i}]", l=logs, i=cst.Integer(str(dp.fetched.index(k) + 1))))
            else:
                vals.append(self._value(dp, r, k, None))
        if r.shape == "single":
            display = vals[0]
        elif r.shape == "dict":
            display = cst.Dict([cst.DictElement(k, v) for (k, _), v in zip(r.fetches, vals)])
        else:
            els = [cst.Element(v) for v in vals]
            display = cst.List(els) if r.shape == "list" else cst.Tuple(els)
        return cst.FlattenSentinel([updated.with_changes(body=[cst.Assign([cst.AssignTarget(logs)], step)]),
                                    cst.SimpleStatementLine([small.with_changes(value=display)])])

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

# a training run fetching a model tensor besides the loss: the train op becomes a FetchingLossModel
# whose outputs are [loss, that tensor], its step returns both from the same forward pass (before
# the update, as TF1's run); the same tensor recomputed after the train op cannot be: the reason is
# written where the train op stays
DictProgramRule.INVALID = [*DictProgramRule.INVALID, Case(
    "import tensorflow as tf\n\n\ndef build():\n    x = tf.placeholder(tf.float32, [None, 4])\n    y = tf.placeholder(tf.float32, [None, 1])\n    out = tf.layers.dense(x, 1)\n    loss = tf.reduce_mean(tf.square(out - y))\n    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n    return {'x': x, 'y': y, 'out': out, 'loss': loss, 'train': train}\n\n\nmodel = build()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    r = sess.run({'train': model['train'], 'out': model['out']}, feed_dict={model['x']: X, model['y']: Y})\n",
    'import keras\n\n\n# tflearn-migrate helper: FetchingLossModel\n' + FETCHING_LOSS_MODEL.code + '\n\n'
    + "def build():\n    x = keras.Input(shape=(4,))\n    y = keras.Input(shape=(1,))\n    out = keras.layers.Dense(1)(x)\n    loss = keras.ops.mean(keras.ops.square(out - y))\n    train = FetchingLossModel([x, y], [loss, out], 0)\n    train.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\n    return {'x': x, 'y': y, 'out': out, 'loss': loss, 'train': train}\n\n\nmodel = build()\nfetched = keras.tree.map_structure(keras.ops.convert_to_numpy, model['train'].train_on_batch([X, Y], return_dict=True)['fetched'])\nr = {'train': None, 'out': fetched[1]}\n",
    ()), Case(
    "import tensorflow as tf\n\n\ndef build():\n    x = tf.placeholder(tf.float32, [None, 4])\n    y = tf.placeholder(tf.float32, [None, 1])\n    out = tf.layers.dense(x, 1)\n    loss = tf.reduce_mean(tf.square(out - y))\n    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n    out = out * 2.0\n    return {'x': x, 'y': y, 'out': out, 'loss': loss, 'train': train}\n\n\nmodel = build()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    r = sess.run({'train': model['train'], 'out': model['out']}, feed_dict={model['x']: X, model['y']: Y})\n",
    "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\ndef build():\n    x = tf.placeholder(tf.float32, [None, 4])\n    y = tf.placeholder(tf.float32, [None, 1])\n    out = keras.layers.Dense(1)(x)\n    loss = keras.ops.mean(keras.ops.square(out - y))\n    # TODO(tflearn-migrate): TFM145 build() returns its model as a dict; not translated: the training run fetches out, not bound once before the train op (the fetching model is built where the train op was)\n    train = keras.optimizers.SGD(learning_rate=0.1).minimize(loss)\n    out = out * 2.0\n    return {'x': x, 'y': y, 'out': out, 'loss': loss, 'train': train}\n\n\nmodel = build()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    r = sess.run({'train': model['train'], 'out': model['out']}, feed_dict={model['x']: X, model['y']: Y})\n",
    ('TFM145',), todo=True)]
