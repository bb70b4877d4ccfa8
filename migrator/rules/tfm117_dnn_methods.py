"""TFM117: methods of a tflearn DNN -> keras.Model methods (fit, predict, evaluate, ...)."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call, code, expr, literal, to_node, wrap_long_call
from ..helpers import register_source
from ..translate.tflearn import Untranslatable
from ..analysis.tflearn_model import DNNInfo, InputInfo, TflearnProgram
from ..analysis import tflearn_vars as _tflearn_vars  # noqa: F401  (registers tflearn_layer_weight)
from .base import Case, Rule

FIT_SIG = ("X_inputs, Y_targets, n_epoch=10, validation_set=None, show_metric=False, batch_size=None, "
           "shuffle=None, snapshot_epoch=True, snapshot_step=None, excl_trainops=None, "
           "validation_batch_size=None, run_id=None, callbacks=[]")
METHOD_SIGS = {
    "fit": FIT_SIG,
    "predict": "X",
    "predict_label": "X",
    "evaluate": "X, Y, batch_size=128",
    "save": "model_file",
    "load": "model_file, weights_only=False, **optargs",
    "fit_batch": "X_inputs, Y_targets",
}
TODO_METHODS = {
    "get_weights": "tflearn reads one variable (layer.W / layer.b); use "
                   "model.get_layer(name).get_weights() (Keras layers hold [kernel, bias])",
    "set_weights": "tflearn assigns one variable (layer.W); use model.get_layer(name).set_weights([...])",
    "get_train_vars": "use model.trainable_weights",
    "fit_batch_generator": "use model.fit on a generator / keras.utils.PyDataset",
}
_SUFFIXES = (".tflearn", ".tfl", ".ckpt", ".model", ".tfmodel")


def with_suffix(node: cst.BaseExpression, suffix: str) -> cst.BaseExpression:
    """``node + suffix`` for a path expression (folded when ``node`` is a literal)."""
    val = literal(node, None)
    if isinstance(val, str):
        return to_node(val + suffix)
    return cst.BinaryOperation(call("str", node), cst.Add(), to_node(suffix))


def keras_path(node: cst.BaseExpression) -> cst.BaseExpression:
    """tflearn checkpoint path -> a ``.keras`` file path (same mapping for save and load)."""
    val = literal(node, None)
    if isinstance(val, str):
        if val.endswith(".keras"):
            return node
        for suf in _SUFFIXES:
            if val.endswith(suf):
                return to_node(val[: -len(suf)] + ".keras")
        return to_node(val + ".keras")
    return with_suffix(node, ".keras")


register_source("tflearn_models", "tflearn_load_weights_only")


def not_restored_layers(ctx) -> list[str]:
    """Names (scope, or name) of the tflearn layers of this module made with restore=False
    (TF1: EXCLUDED_VARS of the graph, skipped by every DNN's restorer); Untranslatable when
    one has neither as a literal (the translated layer could not be found by name)."""
    from ..cstcache import walk

    names = []
    for node in walk(ctx.module):
        if type(node) is not cst.Call:
            continue
        restore = next((a for a in node.args if a.keyword is not None and a.keyword.value == "restore"), None)
        if restore is None or literal(restore.value, None) is not False:
            continue
        q = ctx.legacy_name(node.func) or ""
        if not q.startswith("tflearn.layers.") or q.endswith(".regression"):
            continue  # regression(restore=False): its optimizer state, which weights_only skips anyway
        kw = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        name = literal(kw.get("name", kw.get("scope")), None)
        if not isinstance(name, str):
            raise Untranslatable(f"weights_only=True: {code(node.func)}(restore=False) has no literal "
                                 "scope/name to skip its layer by")
        names.append(name)
    return names


def _helper(name: str) -> str:
    from ..helpers import HELPER_MARKER, HELPERS

    return f"{HELPER_MARKER} {name}\n{HELPERS[name].code}\n\n"


class DNNMethods(Rule):
    ID = "TFM117"
    TRIGGERS = ("tflearn",)
    NAME = "dnn-methods"
    MESSAGE = "tflearn DNN.fit/predict/evaluate/save/load -> keras.Model methods"
    RATIONALE = ("DNN.fit takes n_epoch (default 10) and uses regression's batch_size (default "
                 "64), not Keras' 32; evaluate returns metrics without the loss; save/load write "
                 "TF checkpoints. The translation keeps those semantics and names .keras files. "
                 "load(weights_only=True) restores trainable variables only, skipping the layers made "
                 "with restore=False: tflearn_load_weights_only copies each layer's trainable weights "
                 "from the same-named layer of the .keras file (those layers keep their scope as name).")
    REQUIRES = ("TFM101", "TFM104", "TFM116")

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        from ..analysis.scoped_trainops import scoped_trainops

        func = original.func
        st = scoped_trainops(self.ctx)
        if st is not None and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) \
                and func.value.value == st.dnn_name:
            return updated  # TflearnTrainOpsDNN keeps tflearn's fit / predict (TFM127)
        if isinstance(func, cst.Attribute) and func.attr.value in TODO_METHODS:
            prog: TflearnProgram = self.ctx.analysis(TflearnProgram)
            info = prog.dnn_for_receiver(func.value, original)
            if info is not None and info.regression is not None:
                if func.attr.value in ("get_weights", "set_weights"):
                    out = self._weights(func.attr.value, original, updated)
                    if out is not None:
                        self.ctx.count(self)
                        return out
                self.todo(original, f"DNN.{func.attr.value}: {TODO_METHODS[func.attr.value]}")
            return updated
        if not isinstance(func, cst.Attribute) or func.attr.value not in METHOD_SIGS:
            return updated
        if not isinstance(updated, cst.Call):
            return updated
        prog: TflearnProgram = self.ctx.analysis(TflearnProgram)
        info = prog.dnn_for_receiver(func.value, original)
        if info is None or info.regression is None and not (
                func.attr.value in ("predict", "predict_label") and prog.session_inputs(info)):
            return updated
        method = func.attr.value
        if info.kind == "SequenceGenerator" and method not in ("fit", "save", "load"):
            return updated  # not methods of a SequenceGenerator (TFM122 marks them)
        try:
            b = BoundArgs(updated, METHOD_SIGS[method], original)
            out = getattr(self, f"_{method}")(info, b, updated)
        except (Unbindable, Untranslatable, ValueError) as ex:
            self.todo(original, f"DNN.{method}: {ex}")
            return updated
        self.ctx.count(self)
        return out

    def _weights(self, method: str, original: cst.Call, updated: cst.Call) -> cst.BaseExpression | None:
        """``model.get_weights(fc.W)`` (tflearn: ``W.eval(session)``) ->
        ``keras.ops.convert_to_numpy(<the Keras variable>)``; ``model.set_weights(fc.W, value)``
        (``W.assign(value)`` run) -> ``<variable>.assign(value)`` - when the variable is a
        translated layer's W/b or comes from get_layer_variables_by_name (``_tflearn_vars``)."""
        from ..analysis.tflearn_vars import TflearnVars

        try:
            b = BoundArgs(updated, "weight_tensor" if method == "get_weights" else "tensor, weights", original)
            arg = "weight_tensor" if method == "get_weights" else "tensor"
            var = self.ctx.analysis(TflearnVars).variable(b.orig(arg), b.node(arg), original,
                                                          model=original.func.value.value)
        except (Unbindable, Untranslatable):
            return None
        self.ctx.add_import("keras")
        if method == "get_weights":
            return call("keras.ops.convert_to_numpy", var)
        return call(cst.Attribute(var, cst.Name("assign")), b.node("weights"))

    # -- feeds -----------------------------------------------------------------------------
    def _feed(self, info: DNNInfo, node: cst.BaseExpression, targets: bool,
              orig: cst.BaseExpression | None = None) -> cst.BaseExpression:
        """tflearn accepts dicts keyed by layer names; Keras gets arrays in input order.
        tflearn also accepts Python lists (it converts them); Keras 3 reads a list as several
        inputs: a feed that is a list (a literal, or a name bound to one) -> ``np.asarray``."""
        if not isinstance(node, cst.Dict):
            reg = info.regression
            n_in = 1 if targets or reg is None else len(reg.inputs or reg.attr_inputs)
            if n_in == 1:
                return self._as_array(node, orig)
            if isinstance(node, (cst.List, cst.Tuple)) and len(node.elements) == n_in:
                olds = orig.elements if isinstance(orig, (cst.List, cst.Tuple)) else [None] * n_in
                return node.with_changes(elements=[
                    e.with_changes(value=self._as_array(e.value, o.value if o is not None else None))
                    for e, o in zip(node.elements, olds)])
            return node
        reg = info.regression
        if reg is None:  # a model sharing another's session (TFM116): keyed by its inputs' names
            if targets:
                raise Untranslatable("targets for a model without a regression")
            ins = self.ctx.analysis(TflearnProgram).session_inputs(info)
            held = [i.var for i in ins if "." in i.var]
            if held and all(isinstance(el, cst.DictElement) and code(el.key) in held for el in node.elements):
                # keyed by the input tensors an instance holds (``{network.x1: t1}``)
                values = {code(el.key): el.value for el in node.elements}
                if set(values) != set(held):
                    raise Untranslatable("feed dict does not cover every input of the model")
                vals = [values[k] for k in held]
                return vals[0] if len(vals) == 1 else cst.List([cst.Element(v) for v in vals])
            order = [i.name for i in ins]
        else:
            order = [reg.name] if targets else [i.name for i in reg.inputs]
        by_tensor = None if targets else self._feed_by_tensor(ins if reg is None else reg.inputs, node, orig)
        if by_tensor is not None:
            return by_tensor
        values: dict[str, cst.BaseExpression] = {}
        for el in node.elements:
            if not isinstance(el, cst.DictElement):
                raise Untranslatable("a ** entry in a feed dict")
            key = literal(el.key, None)
            if not isinstance(key, str) or key not in order:
                raise Untranslatable(f"feed key {code(el.key)} is not a layer name of this model")
            values[key] = el.value
        if set(values) != set(order):
            raise Untranslatable("feed dict does not cover every input of the model")
        vals = [values[k] for k in order]
        return vals[0] if len(vals) == 1 else cst.List([cst.Element(v) for v in vals])

    def _feed_by_tensor(self, inputs: list, node: cst.Dict, orig: cst.BaseExpression | None):
        """``{anchor: x}``: a feed dict keyed by the input_data tensors themselves (tflearn's
        feed_dict_builder takes tensors as keys as well as names) -> the values in the model's
        input order; None when a key is not such a name (the name-keyed path decides)."""
        from ..analysis.flow import Flow

        infos = [i for i in inputs if isinstance(i, InputInfo)]
        if not infos or len(infos) != len(inputs) or not isinstance(orig, cst.Dict) \
                or len(orig.elements) != len(node.elements):
            return None
        flow = self.ctx.analysis(Flow)
        values: dict[int, cst.BaseExpression] = {}
        for el, oel in zip(node.elements, orig.elements):
            if not (isinstance(el, cst.DictElement) and isinstance(oel, cst.DictElement)
                    and isinstance(oel.key, cst.Name)):
                return None
            d = flow.def_of(oel.key.value, oel.key)
            hit = next((k for k, i in enumerate(infos) if d is i.d and i.var == oel.key.value), None)
            if hit is None or hit in values:
                return None
            values[hit] = el.value
        if len(values) != len(infos):
            raise Untranslatable("feed dict does not cover every input of the model")
        vals = [values[k] for k in range(len(infos))]
        return vals[0] if len(vals) == 1 else cst.List([cst.Element(v) for v in vals])

    def _as_array(self, node: cst.BaseExpression, orig: cst.BaseExpression | None) -> cst.BaseExpression:
        if orig is None or not self._is_list(orig):
            return node
        self.ctx.add_import("numpy", asname="np")
        return call("np.asarray", node)

    def _is_list(self, orig: cst.BaseExpression) -> bool:
        from ..analysis.flow import Flow

        if isinstance(orig, (cst.List, cst.ListComp)):
            return True
        if isinstance(orig, cst.BinaryOperation) and isinstance(orig.operator, (cst.Multiply, cst.Add)):
            return self._is_list(orig.left) or self._is_list(orig.right)
        if isinstance(orig, cst.Call) and isinstance(orig.func, cst.Name) and orig.func.value == "list":
            return True
        if isinstance(orig, cst.Call) and isinstance(orig.func, cst.Attribute) and orig.func.attr.value == "tolist" \
                and not orig.args:
            return True  # ``np.random.rand(10, 10).tolist()`` (tflearn's multiple_regression example)
        if isinstance(orig, cst.Name):
            try:
                d = self.ctx.analysis(Flow).def_of(orig.value, orig)
            except (KeyError, RuntimeError):
                return False
            return d is not None and d.value is not None and d.value is not orig and self._is_list(d.value)
        return False

    # -- methods -----------------------------------------------------------------------------
    def _fit(self, info: DNNInfo, b: BoundArgs, updated: cst.Call) -> cst.BaseExpression:
        reg = info.regression
        assert reg is not None and reg.bound is not None
        for bad in ("excl_trainops",):
            if b.given(bad) and literal(b.node(bad), 0) is not None:
                raise Untranslatable(f"{bad}=")
        if b.given("callbacks") and literal(b.node("callbacks"), None) != []:
            raise Untranslatable("tflearn callbacks have a different API; port them to keras.callbacks")
        kw: dict = {}
        if b.given("batch_size") and literal(b.node("batch_size"), 0) is not None:
            kw["batch_size"] = b.node("batch_size")
        else:
            kw["batch_size"] = reg.bound.node("batch_size")
        kw["epochs"] = b.node("n_epoch")
        vs = b.node("validation_set") if b.given("validation_set") else None
        if vs is not None and not (isinstance(vs, cst.Name) and vs.value == "None"):
            v = literal(vs, None)
            if isinstance(v, float):
                kw["validation_split"] = vs
            elif isinstance(vs, (cst.Tuple, cst.List)) and len(vs.elements) == 2:
                ovs = b.orig("validation_set")
                ovs = ovs.elements if isinstance(ovs, (cst.Tuple, cst.List)) and len(ovs.elements) == 2 else None
                kw["validation_data"] = cst.Tuple([
                    cst.Element(self._feed(info, vs.elements[0].value, False, ovs and ovs[0].value)),
                    cst.Element(self._feed(info, vs.elements[1].value, True, ovs and ovs[1].value))])
            else:
                self.report(b.orig("validation_set") or updated, "validation_set is not a literal "
                            "tuple or float: passed as validation_data (use validation_split= if it is a float)")
                kw["validation_data"] = vs
        if b.given("shuffle") and literal(b.node("shuffle"), 0) is not None:
            kw["shuffle"] = b.node("shuffle")
        elif literal(reg.bound.node("shuffle_batches"), True) is False:
            kw["shuffle"] = False
        if b.given("validation_batch_size"):
            kw["validation_batch_size"] = b.node("validation_batch_size")
        cbs = self._checkpoint_callbacks(info, b)
        if cbs:
            kw["callbacks"] = cst.List([cst.Element(c) for c in cbs])
        x = self._feed(info, b.node("X_inputs"), False, b.orig("X_inputs"))
        y = self._feed(info, b.node("Y_targets"), True, b.orig("Y_targets"))
        if reg.label_input:
            # the regression's placeholder is read by the network: a model input, fed Y as tflearn did
            if not isinstance(y, (cst.Name, cst.Attribute)):
                raise Untranslatable("targets fed to a placeholder the network reads must be a name")
            xs = list(x.elements) if isinstance(x, (cst.List, cst.Tuple)) and len(reg.attr_inputs) > 1 else [cst.Element(x)]
            x = cst.List(xs + [cst.Element(y.deep_clone())])
            self.report(b.orig("Y_targets") or updated, f"the targets are also the model input {reg.label_input} "
                        "(the regression's placeholder, read by the network)")
        self._adapt_preprocessing(info, x, b.orig("X_inputs") or updated)
        return wrap_long_call(call(cst.Attribute(updated.func.value, cst.Name("fit")), x, y, **kw))

    def _adapt_preprocessing(self, info: DNNInfo, x: cst.BaseExpression, at: cst.CSTNode) -> None:
        """tflearn computes featurewise statistics from the raw training inputs at the first
        fit: insert ``tflearn_adapt_preprocessing(prep, X)`` before the fit (TFM120)."""
        from ..analysis.tflearn_model import INPUT_SIG
        from ..analysis.image_prep import needs_adapt

        reg = info.regression
        assert reg is not None
        for i, inp in enumerate(reg.inputs):
            try:
                ib = BoundArgs(inp.call, INPUT_SIG)
            except Unbindable:
                continue
            prep = ib.node("data_preprocessing") if ib.given("data_preprocessing") else None
            if prep is None or not needs_adapt(self.ctx, prep, inp.call):
                continue
            if len(reg.inputs) == 1:
                xi = x
            elif isinstance(x, (cst.List, cst.Tuple)) and len(x.elements) == len(reg.inputs):
                xi = x.elements[i].value
            else:
                xi = cst.Subscript(x, [cst.SubscriptElement(cst.Index(cst.Integer(str(i))))])
            helper = self.ctx.use_helper("tflearn_adapt_preprocessing")
            self.ctx.insert_before(at, [cst.SimpleStatementLine([cst.Expr(call(helper, prep, xi))])])

    def _checkpoint_callbacks(self, info: DNNInfo, b: BoundArgs) -> list[cst.BaseExpression]:
        out = []
        d = info.args
        if d is None:
            return out
        if d.given("checkpoint_path") and literal(d.node("checkpoint_path"), 0) is not None:
            step = b.node("snapshot_step") if b.given("snapshot_step") and literal(b.node("snapshot_step"), 0) is not None else None
            freq = step if step is not None else to_node("epoch")
            if step is None and literal(b.node("snapshot_epoch"), True) is False:
                freq = None
            if freq is not None:
                path = with_suffix(d.node("checkpoint_path"), "-{epoch}.keras")
                out.append(call("keras.callbacks.ModelCheckpoint", path, save_freq=freq))
        if d.given("best_checkpoint_path") and literal(d.node("best_checkpoint_path"), 0) is not None:
            path = with_suffix(d.node("best_checkpoint_path"), "{val_accuracy:.4f}.keras")
            out.append(call("keras.callbacks.ModelCheckpoint", path, monitor="val_accuracy",
                            save_best_only=True))
        return out

    def _predict(self, info, b, updated):
        return call(cst.Attribute(updated.func.value, cst.Name("predict")),
                    self._feed(info, b.node("X"), False, b.orig("X")), verbose=0)

    def _predict_label(self, info, b, updated):
        self.ctx.add_import("numpy", asname="np")
        pred = call(cst.Attribute(updated.func.value, cst.Name("predict")),
                    self._feed(info, b.node("X"), False, b.orig("X")), verbose=0)
        return expr("np.flip(np.argsort({p}), axis=-1)", p=pred)

    def _evaluate(self, info, b, updated):
        # tflearn returns the metric values only; Keras returns [loss, *metrics]
        ev = call(cst.Attribute(updated.func.value, cst.Name("evaluate")),
                  self._feed(info, b.node("X"), False, b.orig("X")),
                  self._feed(info, b.node("Y"), True, b.orig("Y")),
                  batch_size=b.node("batch_size"), verbose=0, return_dict=True)
        return expr('[v for k, v in {ev}.items() if k != "loss"]', ev=ev)

    def _save(self, info, b, updated):
        return call(cst.Attribute(updated.func.value, cst.Name("save")), keras_path(b.node("model_file")))

    def _load(self, info, b, updated):
        if b.extra:
            raise Untranslatable("load(**optargs)")
        if b.given("weights_only") and literal(b.node("weights_only"), None) is not False:
            if literal(b.node("weights_only"), None) is not True:
                raise Untranslatable(f"weights_only={code(b.node('weights_only'))}")
            exclude = not_restored_layers(self.ctx)
            self.ctx.use_helper("tflearn_load_weights_only")
            kw = {"exclude": cst.Tuple([cst.Element(to_node(n)) for n in exclude])} if exclude else {}
            return call("tflearn_load_weights_only", updated.func.value, keras_path(b.node("model_file")), **kw)
        return call(cst.Attribute(updated.func.value, cst.Name("load_weights")),
                    keras_path(b.node("model_file")))

    def _fit_batch(self, info, b, updated):
        return call(cst.Attribute(updated.func.value, cst.Name("train_on_batch")),
                    self._feed(info, b.node("X_inputs"), False, b.orig("X_inputs")),
                    self._feed(info, b.node("Y_targets"), True, b.orig("Y_targets")))

    VALID = [
        "model.fit(X, Y, n_epoch=3)\n",  # not a tflearn DNN: left alone
    ]
    INVALID = [
        # feed dicts keyed by the input_data tensors themselves (tflearn accepts both): input order
        Case("import keras\nimport tflearn\na = tflearn.input_data(shape=[None, 3], name='a')\n"
             "b = tflearn.input_data(shape=[None, 3], name='b')\n"
             "net = keras.layers.Concatenate()([a, b])\nnet = tflearn.regression(net, loss='mean_square')\n"
             "model = tflearn.DNN(net)\nmodel.fit({a: A, b: B}, Y, n_epoch=1)\np = model.predict({b: B2, a: A2})\n",
             "import keras\na = keras.Input(shape=(3,), name='a')\nb = keras.Input(shape=(3,), name='b')\n"
             "net = keras.layers.Concatenate()([a, b])\nmodel = keras.Model(inputs=[a, b], outputs=net)\n"
             "model.compile(\n"
             "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
             "    loss='mean_squared_error',\n    metrics=['accuracy'],\n)\n"
             "model.fit([A, B], Y, batch_size=64, epochs=1)\np = model.predict([A2, B2], verbose=0)\n"),
        Case(
            "import tflearn\n"
            "net = tflearn.input_data(shape=[None, 4], name='input')\n"
            "net = tflearn.fully_connected(net, 2, activation='softmax')\n"
            "net = tflearn.regression(net, name='target')\n"
            "model = tflearn.DNN(net, checkpoint_path='ckpt/model')\n"
            "model.fit({'input': X}, {'target': Y}, n_epoch=3, validation_set=0.1, show_metric=True)\n"
            "p = model.predict(X)\n"
            "acc = model.evaluate(X, Y)\n"
            "model.save('model.tflearn')\n"
            "model.load('model.tflearn')\n",
            "import keras\n\n"
            "net_input = keras.Input(shape=(4,), name='input')\n"
            "net = net_input\n"
            "net = keras.layers.Dense(\n"
            "    2,\n"
            "    activation='softmax',\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            ")(net)\n"
            "model = keras.Model(inputs=net_input, outputs=net)\n"
            "model.compile(\n"
            "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
            "    loss='categorical_crossentropy',\n"
            "    metrics=['accuracy'],\n"
            ")\n"
            "model.fit(\n"
            "    X,\n"
            "    Y,\n"
            "    batch_size=64,\n"
            "    epochs=3,\n"
            "    validation_split=0.1,\n"
            "    callbacks=[keras.callbacks.ModelCheckpoint('ckpt/model-{epoch}.keras', save_freq='epoch')],\n"
            ")\n"
            "p = model.predict(X, verbose=0)\n"
            "acc = [v for k, v in model.evaluate(X, Y, batch_size=128, verbose=0, return_dict=True).items() if k != \"loss\"]\n"
            "model.save('model.keras')\n"
            "model.load_weights('model.keras')\n",
        ),
        Case(
            "import tflearn\n"
            "net = tflearn.input_data(shape=[None, 4])\n"
            "fc = tflearn.fully_connected(net, 2, activation='softmax')\n"
            "net = tflearn.regression(fc)\n"
            "model = tflearn.DNN(net)\n"
            "w = model.get_weights(fc.W)\n"
            "model.set_weights(fc.b, [0., 0.])\n",
            "import keras\n\n\n"
            + _helper("tflearn_layer_weight") +
            "net_input = keras.Input(shape=(4,))\n"
            "net = net_input\n"
            "fc = keras.layers.Dense(\n"
            "    2,\n"
            "    activation='softmax',\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            ")(net)\n"
            "net = fc\n"
            "model = keras.Model(inputs=net_input, outputs=net)\n"
            "model.compile(\n"
            "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
            "    loss='categorical_crossentropy',\n"
            "    metrics=['accuracy'],\n"
            ")\n"
            "w = keras.ops.convert_to_numpy(tflearn_layer_weight(model, fc, 'W'))\n"
            "tflearn_layer_weight(model, fc, 'b').assign([0., 0.])\n",
        ),
        # a variable that is not a translated layer's W/b: TODO
        Case(
            "import tflearn\n"
            "net = tflearn.input_data(shape=[None, 4])\n"
            "net = tflearn.regression(tflearn.fully_connected(net, 2, activation='softmax'))\n"
            "model = tflearn.DNN(net)\n"
            "w = model.get_weights(some_variable)\n",
            "import keras\n\nnet_input = keras.Input(shape=(4,))\nnet = net_input\nnet = keras.layers.Dense(\n    2,\n    activation='softmax',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(net)\nmodel = keras.Model(inputs=net_input, outputs=net)\nmodel.compile(\n    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n    loss='categorical_crossentropy',\n    metrics=['accuracy'],\n)\n# TODO(tflearn-migrate): TFM117 DNN.get_weights: tflearn reads one variable (layer.W / layer.b); use model.get_layer(name).get_weights() (Keras layers hold [kernel, bias])\nw = model.get_weights(some_variable)\n",
            ("TFM117",), todo=True,
        ),
        # weights_only=True: trainable weights only, restore=False layers skipped (by their scope)
        Case(
            "import tflearn\n"
            "net = tflearn.input_data(shape=[None, 4])\n"
            "net = tflearn.fully_connected(net, 8, activation='relu')\n"
            "net = tflearn.fully_connected(net, 3, activation='softmax', scope='head', restore=False)\n"
            "net = tflearn.regression(net, restore=False)\n"
            "model = tflearn.DNN(net)\n"
            "model.load('base.tflearn', weights_only=True)\n",
            "import keras\n\n\n"
            + _helper("tflearn_load_weights_only") +
            "net_input = keras.Input(shape=(4,))\n"
            "net = net_input\n"
            "net = keras.layers.Dense(\n    8,\n    activation='relu',\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(net)\n"
            "net = keras.layers.Dense(\n    3,\n    activation='softmax',\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            "    name='head',\n)(net)\n"
            "model = keras.Model(inputs=net_input, outputs=net)\n"
            "model.compile(\n"
            "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
            "    loss='categorical_crossentropy',\n"
            "    metrics=['accuracy'],\n"
            ")\n"
            "tflearn_load_weights_only(model, 'base.keras', exclude=('head',))\n",
        ),
        # a restore=False layer with no literal scope/name: it could not be found by name
        Case(
            "import tflearn\n"
            "net = tflearn.input_data(shape=[None, 4])\n"
            "net = tflearn.fully_connected(net, 3, activation='softmax', restore=False)\n"
            "net = tflearn.regression(net)\n"
            "model = tflearn.DNN(net)\n"
            "model.load('base.tflearn', weights_only=True)\n",
            "import keras\n\nnet_input = keras.Input(shape=(4,))\nnet = net_input\n"
            "net = keras.layers.Dense(\n    3,\n    activation='softmax',\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(net)\n"
            "model = keras.Model(inputs=net_input, outputs=net)\n"
            "model.compile(\n"
            "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
            "    loss='categorical_crossentropy',\n"
            "    metrics=['accuracy'],\n"
            ")\n"
            "# TODO(tflearn-migrate): TFM117 DNN.load: weights_only=True: tflearn.fully_connected(restore=False) has no "
            "literal scope/name to skip its layer by\n"
            "model.load('base.tflearn', weights_only=True)\n",
            ("TFM117",), todo=True,
        ),
        # predict on a model sharing another's session (tflearn's dcgan generator), fed by input name
        Case("import tflearn\n"
             "z = tflearn.input_data(shape=[None, 4], name='noise')\n"
             "g = tflearn.fully_connected(z, 8)\n"
             "net = tflearn.regression(g, optimizer='adam', loss='mean_square')\n"
             "model = tflearn.DNN(net)\n"
             "gen = tflearn.DNN(g, session=model.session)\n"
             "out = gen.predict({'noise': Z})\n",
             "import keras\n\nz = keras.Input(shape=(4,), name='noise')\ng = keras.layers.Dense(\n    8,\n"
             "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(z)\nnet = g\n"
             "model = keras.Model(inputs=z, outputs=net)\nmodel.compile(\n"
             "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
             "    loss='mean_squared_error',\n    metrics=['accuracy'],\n)\n"
             "gen = keras.Model(inputs=z, outputs=g)\nout = gen.predict(Z, verbose=0)\n", ("TFM116",)),
    ]
