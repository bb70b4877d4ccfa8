"""TFM116: tflearn regression + DNN -> keras.Model(inputs, outputs) + model.compile(...)."""
from __future__ import annotations

import libcst as cst

from .. import cstcache
from ..args import BoundArgs, Unbindable
from ..emit import call, literal, to_node, wrap_long_call
from ..translate.tflearn import Untranslatable
from ..analysis.tflearn_model import DNN, DNN_SIG, REGRESSION, REGRESSION_SIG, TflearnProgram
from ..translate.tflearn_train import DEFAULT_CLIP
from .base import Case, CallRule
from ..translate.regression_dnn import _inputs_expr, tensor_loss, RegressionCompile


class RegressionDNN(RegressionCompile, CallRule):
    ID = "TFM116"
    TRIGGERS = ("tflearn",)
    NAME = "regression-dnn"
    MESSAGE = "tflearn regression + DNN -> keras.Model + compile"
    RATIONALE = ("tflearn builds the model implicitly from graph collections; Keras needs the "
                 "inputs and outputs named and the training configuration given to compile(). "
                 "tflearn's defaults are kept: Adam epsilon 1e-8, gradients clipped to a "
                 "global norm of 5.0 (DNN clip_gradients), batch size 64 (regression batch_size).")
    CALLS = (REGRESSION, DNN)

    def translate(self, qname, original, updated):
        from ..analysis.regressions_dnn import RegressionsDNNPlans
        from ..analysis.scoped_trainops import scoped_trainops

        if self.ctx.rule_active("TFM125") and (id(original) in self.ctx.analysis(RegressionsDNNPlans).plans or id(original) in self.ctx.analysis(RegressionsDNNPlans).by_reg):
            return None  # a DNN over several merged regressions: TFM125's
        st = scoped_trainops(self.ctx)
        if st is not None and (any(original is r for r in st.regs) or self.ctx.statement_of(original) is st.dnn):
            return None  # regressions over loss tensors and scope variables (GAN): TFM127's
        why = self.ctx.analysis(RegressionsDNNPlans).declined.get(id(original)) if self.ctx.rule_active("TFM125") else None
        if why is not None:
            self.todo(original, f"DNN over a merge of several regressions (one TrainOp each): not translated: {why}")
            return None
        prog: TflearnProgram = self.ctx.analysis(TflearnProgram)
        try:
            if qname == REGRESSION:
                return self._regression(prog, original, updated)
            return self._dnn(prog, original, updated)
        except (Untranslatable, Unbindable, ValueError) as ex:
            self.todo(original, f"{qname.rsplit('.', 1)[1]}: {ex}")
            return None

    # -- regression -----------------------------------------------------------------------
    def _regression(self, prog: TflearnProgram, original, updated):
        reg = prog.regression_of(original)
        b = BoundArgs(updated, REGRESSION_SIG, original)
        if reg is None or not reg.dnns:
            problem = next((d.problem for d in prog.dnns.values() if d.problem), "")
            raise Untranslatable("no DNN(...) uses this network" + (f" ({problem})" if problem else ""))
        reg.bound = b
        incoming = b.node("incoming")
        if reg.mode == "A":
            if reg.target is not None and isinstance(incoming, cst.Name) and incoming.value == reg.target:
                self.ctx.remove_statement(original)
            self.ctx.count(self)
            return incoming
        # mode B: the builder function builds and compiles the model itself
        if reg.target is None:
            raise Untranslatable("regression(...) must be assigned to a name")
        model = call("keras.Model", inputs=_inputs_expr(self.ctx, reg), outputs=incoming)
        first = reg.dnns[0]
        self.ctx.insert_after(original, [self._compile(reg, reg.target, first.args,
                                                       0.0 if first.kind == "SequenceGenerator" else DEFAULT_CLIP)])
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return model

    # -- DNN ---------------------------------------------------------------------------------
    def _dnn(self, prog: TflearnProgram, original, updated):
        info = prog.dnn_of(original)
        if info is not None and info.regression is None:
            shared = self._session_model(prog, info, original, updated)
            if shared is not None:
                return shared
        if info is None or info.regression is None:
            raise Untranslatable(info.problem if info else "cannot analyse this DNN")
        reg = info.regression
        b = BoundArgs(updated, DNN_SIG, original)
        for unsupported in ("session",):
            if b.given(unsupported) and literal(b.node(unsupported), 0) is not None:
                raise Untranslatable(f"DNN({unsupported}=...)")
        if reg.mode == "B":
            self.ctx.count(self)
            return b.node("network")
        if info.target is None:
            raise Untranslatable("DNN(...) must be assigned to a name")
        if reg.bound is None:
            raise Untranslatable("the regression(...) for this DNN comes after it")
        tl = tensor_loss(self.ctx, prog, reg)
        self._mark_escapes(info.target, original)
        self.ctx.insert_after(original, [self._compile(reg, info.target, b, tensor_loss=tl is not None)])
        self.ctx.add_import("keras")
        self.ctx.count(self)
        if tl is not None:
            fn, names = tl
            self.report(reg.call, f"the loss {fn} reads the graph's {', '.join(names)}: the model outputs "
                                  "them too and passes them to the loss (TflearnTensorLossModel)")
            tensors = cst.Dict([cst.DictElement(to_node(n), cst.Name(n)) for n in names])
            return wrap_long_call(call(self.ctx.use_helper("TflearnTensorLossModel"), inputs=_inputs_expr(self.ctx, reg),
                                       outputs=b.node("network"), loss_fn=cst.Name(fn), loss_tensors=tensors))
        return call("keras.Model", inputs=_inputs_expr(self.ctx, reg), outputs=b.node("network"))

    def _mark_escapes(self, target: str, original: cst.Call) -> None:
        """``self.model = model``: the model goes on under an attribute, where TFM117 does not
        follow it - tflearn method calls through it (``fit(n_epoch=...)``, ``load(scope_for_restore=)``)
        would stay as written on a keras.Model: the statement is marked."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        stmt = self.ctx.statement_of(original)
        scope = flow.scope_of(original)
        for n in cstcache.walk(scope.node):
            if not (isinstance(n, cst.Assign) and isinstance(n.value, cst.Name) and n.value.value == target
                    and any(isinstance(t.target, cst.Attribute) for t in n.targets)) or flow.scope_of(n) is not scope:
                continue
            d = flow.def_of(target, n)
            if d is not None and d.stmt is stmt:
                held = cst.Module([]).code_for_node(n.targets[0].target)
                self.todo(n, f"DNN: the model is also held as {held}: tflearn method calls through it "
                             "are not translated (call the keras.Model's own methods there)")
                t = n.targets[0].target
                if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name):
                    self._mark_calls_through(t.attr.value)

    _DNN_METHODS = ("fit", "predict", "predict_label", "evaluate", "save", "load", "fit_batch",
                    "get_weights", "set_weights", "get_train_vars", "fit_batch_generator")

    def _mark_calls_through(self, attr: str) -> None:
        """``x.<attr>.fit(X, Y, n_epoch=...)`` / ``.save('m.tfl')`` / ``.load(..., scope_for_restore=)``
        where a DNN is held as ``<attr>``: tflearn's call stays as written on what is now a
        keras.Model (other arguments, other files): each is marked, never left silently."""
        for c in cstcache.walk(self.ctx.module):
            f = c.func if isinstance(c, cst.Call) else None
            if isinstance(f, cst.Attribute) and f.attr.value in self._DNN_METHODS \
                    and isinstance(f.value, cst.Attribute) and f.value.attr.value == attr \
                    and isinstance(f.value.value, cst.Name):
                recv = cst.Module([]).code_for_node(f.value)
                self.todo(c, f"DNN.{f.attr.value} through {recv}: a tflearn call on the keras.Model held "
                             "there, not translated (call the keras.Model's own methods)")

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        """The loss function of a TflearnTensorLossModel takes the tensors it read as parameters."""
        losses = self.__dict__.get("_tensor_losses")
        if losses is None:  # once per file (was: every regression, for every def)
            prog: TflearnProgram = self.ctx.analysis(TflearnProgram)
            losses = self.__dict__["_tensor_losses"] = {}
            for reg in prog.regressions.values():
                if reg.dnns and reg.mode == "A":
                    tl = tensor_loss(self.ctx, prog, reg)
                    if tl is not None:
                        losses.setdefault(tl[0], tl[1])
        names = losses.get(original.name.value)
        if names is not None:
            extra = [cst.Param(cst.Name(n)) for n in names]
            return updated.with_changes(params=updated.params.with_changes(
                params=[*updated.params.params, *extra]))
        return updated

    def _session_model(self, prog: TflearnProgram, info, original, updated):
        """``DNN(encoder, session=model.session)``: a model over a layer of a trained network,
        in the trained model's session (tflearn's autoencoder example) - it has no regression,
        it only predicts, and it reads the SAME weights. -> ``keras.Model(inputs, encoder)``:
        Keras layers are shared by construction. Without ``session=`` tflearn made a new
        session and initialised the weights afresh: not this translation."""
        b = BoundArgs(updated, DNN_SIG, original)
        ins = prog.session_inputs(info)
        if not ins:
            return None
        names = [cst.parse_expression(i.var) for i in ins]
        self.ctx.add_import("keras")
        self.ctx.count(self)
        self.report(original, "DNN(network, session=other.session) -> keras.Model over the same layers "
                              "(the same weights, as the shared session gave)")
        return call("keras.Model", inputs=names[0] if len(names) == 1 else cst.List([cst.Element(n) for n in names]),
                    outputs=b.node("network"))

    VALID = ["import keras\nm = keras.Model(x, y)\n"]
    INVALID = [
        Case(
            "import tflearn\n"
            "net = tflearn.input_data(shape=[None, 4])\n"
            "net = tflearn.fully_connected(net, 2, activation='softmax')\n"
            "net = tflearn.regression(net, optimizer='adam', learning_rate=0.01, loss='categorical_crossentropy')\n"
            "model = tflearn.DNN(net, tensorboard_verbose=0)\n",
            "import keras\n\n"
            "net_input = keras.Input(shape=(4,))\n"
            "net = net_input\n"
            "net = keras.layers.Dense(\n"
            "    2,\n"
            "    activation='softmax',\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            ")(net)\n"
            "model = keras.Model(inputs=net_input, outputs=net)\n"
            "model.compile(\n"
            "    optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8, global_clipnorm=5.0),\n"
            "    loss='categorical_crossentropy',\n"
            "    metrics=['accuracy'],\n"
            ")\n",
        ),
        Case(
            "import tflearn\n"
            "def build():\n"
            "    a = tflearn.input_data(shape=[None, 3])\n"
            "    b = tflearn.input_data(shape=[None, 5])\n"
            "    net = tflearn.merge([a, b], 'concat')\n"
            "    net = tflearn.regression(net, optimizer='sgd', loss='mean_square', metric=None)\n"
            "    return net\n"
            "model = tflearn.DNN(build(), clip_gradients=0.)\n",
            "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
            "import keras\n\n"
            "def build():\n"
            "    a = keras.Input(shape=(3,))\n"
            "    b = keras.Input(shape=(5,))\n"
            "    net = tflearn.merge([a, b], 'concat')\n"
            "    net = keras.Model(inputs=[a, b], outputs=net)\n"
            "    net.compile(\n"
            "        optimizer=keras.optimizers.SGD(learning_rate=0.001),\n"
            "        loss='mean_squared_error',\n"
            "    )\n"
            "    return net\n"
            "model = build()\n",
            todo=True,
        ),
        Case(
            "import tflearn\n"
            "x = tflearn.input_data(shape=[None, 4])\n"
            "y = tflearn.fully_connected(x, 1)\n"
            "y = tflearn.regression(y, optimizer=tflearn.Momentum(0.1), loss='mean_square')\n"
            "model = tflearn.DNN(y, clip_gradients=1.0)\n",
            "import keras\n\n"
            "x = keras.Input(shape=(4,))\n"
            "y = keras.layers.Dense(\n"
            "    1,\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            ")(x)\n"
            "model = keras.Model(inputs=x, outputs=y)\n"
            "model.compile(\n"
            "    optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, global_clipnorm=1.0),\n"
            "    loss='mean_squared_error',\n"
            "    metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)],\n"
            ")\n",
        ),
        Case(
            "import tflearn\nnet = tflearn.regression(net)\n",
            None, ("TFM116",), todo=True,
        ),
        # a DNN over an inner layer in the trained model's session (tflearn's autoencoder
        # example): a Keras model over the same layers, so the same weights
        Case(
            "import tflearn\n"
            "x = tflearn.input_data(shape=[None, 8])\n"
            "code = tflearn.fully_connected(x, 2)\n"
            "out = tflearn.fully_connected(code, 8)\n"
            "net = tflearn.regression(out, optimizer='adam', loss='mean_square')\n"
            "model = tflearn.DNN(net)\n"
            "encoder = tflearn.DNN(code, session=model.session)\n",
            "import keras\n\nx = keras.Input(shape=(8,))\ncode = keras.layers.Dense(\n    2,\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(x)\n"
            "out = keras.layers.Dense(\n    8,\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(code)\n"
            "net = out\nmodel = keras.Model(inputs=x, outputs=net)\nmodel.compile(\n"
            "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
            "    loss='mean_squared_error',\n    metrics=['accuracy'],\n)\n"
            "encoder = keras.Model(inputs=x, outputs=code)\n",
            ("TFM116",),
        ),
        # without session=, tflearn initialised a new session's weights afresh: not translated
        Case(
            "import tflearn\n"
            "x = tflearn.input_data(shape=[None, 8])\n"
            "code = tflearn.fully_connected(x, 2)\n"
            "encoder = tflearn.DNN(code)\n",
            "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n"
            "x = keras.Input(shape=(8,))\ncode = keras.layers.Dense(\n    2,\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(x)\n"
            "encoder = tflearn.DNN(code)  # TODO(tflearn-migrate): TFM116 DNN: cannot find the "
            "tflearn.regression(...) that produced this network\n",
            ("TFM116",), todo=True,
        ),
        # metric='R2': tflearn's per-batch r2_op as a metric function (works on 1-D outputs)
        Case("import tflearn\nnet = tflearn.input_data(shape=[None, 2])\nnet = tflearn.fully_connected(net, 1)\n"
             "net = tflearn.regression(net, optimizer='sgd', loss='mean_square', metric='R2', learning_rate=0.01)\n"
             "m = tflearn.DNN(net)\n",
             'import keras\n\n\n# tflearn-migrate helper: tflearn_r2\ndef tflearn_r2(y_true, y_pred):\n    """tflearn\'s metric=\'R2\' (metrics.r2_op) on one batch: 1 - SSE / SST, SST around the mean of\n    the batch\'s targets; works on 1-D outputs (single_unit) too. Keras shows its mean over the\n    batches seen so far."""\n    y_true = keras.ops.cast(y_true, y_pred.dtype)\n    sse = keras.ops.sum(keras.ops.square(y_true - y_pred))\n    sst = keras.ops.sum(keras.ops.square(y_true - keras.ops.mean(y_true)))\n    return 1.0 - sse / sst\n\n\nnet_input = keras.Input(shape=(2,))\nnet = net_input\nnet = keras.layers.Dense(\n    1,\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(net)\nm = keras.Model(inputs=net_input, outputs=net)\nm.compile(\n    optimizer=keras.optimizers.SGD(learning_rate=0.01, global_clipnorm=5.0),\n    loss=\'mean_squared_error\',\n    metrics=[tflearn_r2],\n)\n', ("TFM115",)),
        # the model escapes into an attribute: tflearn calls through it are not followed (marked)
        Case("import tflearn\nclass M(object):\n    def __init__(self):\n        net = tflearn.input_data(shape=[None, 4])\n        net = tflearn.fully_connected(net, 2, activation='softmax')\n        net = tflearn.regression(net)\n        model = tflearn.DNN(net)\n        self.model = model\n\n    def train(self, X, Y):\n        self.model.fit(X, Y, n_epoch=3)\n",
             "import keras\n\nclass M(object):\n    def __init__(self):\n        net_input = keras.Input(shape=(4,))\n        net = net_input\n        net = keras.layers.Dense(\n            2,\n            activation='softmax',\n            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n        )(net)\n        model = keras.Model(inputs=net_input, outputs=net)\n        model.compile(\n            optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n            loss='categorical_crossentropy',\n            metrics=['accuracy'],\n        )\n        # TODO(tflearn-migrate): TFM116 DNN: the model is also held as self.model: tflearn method calls through it are not translated (call the keras.Model's own methods there)\n        self.model = model\n\n    def train(self, X, Y):\n        # TODO(tflearn-migrate): TFM116 DNN.fit through self.model: a tflearn call on the keras.Model held there, not translated (call the keras.Model's own methods)\n        self.model.fit(X, Y, n_epoch=3)\n",
             ('TFM116', 'TFM116'), todo=True),
    ]
    REQUIRES = ("TFM101", "TFM104", "TFM114")
