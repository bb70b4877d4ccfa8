"""TFM127: tflearn regression(...) layers minimising loss TENSORS over variable lists taken by
scope, trained by one DNN (GANs: tflearn's examples/images/gan.py) -> TflearnTrainOpsDNN.

Read from tflearn 0.5.0 (layers/estimator.py, helpers/trainer.py, models/dnn.py, variables.py):
``regression(x, placeholder=None, loss=T, trainable_vars=V)`` adds a TrainOp minimising the tensor
T over V only (no target, no metric) and returns x; ``get_layer_variables_by_scope('S')`` is the
LAYER_VARIABLES collection filtered by ``re.match('S', name)``; ``DNN(r)`` trains EVERY TrainOp
of the graph: per batch step one step of each, in creation order, each on its own batch stream
over the whole feed (every input), its gradients over its variables clipped by global norm
``clip_gradients`` (5.0) on their own; ``predict(X)`` runs the DNN's network on the inputs fed
(a list is matched to the inputs in creation order).

The translation (see migrator/analysis/scoped_trainops.py for when): the scopes stay as
``keras.name_scope('S')`` (TFM138), so the Keras variables' paths start with S as the TF1 names
did; ``V = TflearnScopeVariables('S')``; the regressions become their incoming tensor; the DNN
becomes ``TflearnTrainOpsDNN(inputs, network, [(T, optimizer, V, batch_size, shuffle), ...])``,
one TflearnVarListLossModel (inputs -> T, trained over V only) per TrainOp, stepped in tflearn's
order with train_on_batch. fit / predict keep tflearn's signatures.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..emit import call, to_node, wrap_long_call
from ..translate.tflearn import Untranslatable
from ..analysis.scoped_trainops import scoped_trainops
from ..analysis.tflearn_model import DNN_SIG
from ..translate.regression_dnn import regression_passthrough, regression_step_settings
from ..translate.scoped_trainops import SCOPE_VARIABLES, TRAINOPS_DNN
from ..translate.tflearn_train import DEFAULT_CLIP
from .base import Case, Rule


class ScopedTrainOpsDNN(Rule):
    ID = "TFM127"
    TRIGGERS = ("tflearn",)
    NAME = "scoped-trainops-dnn"
    MESSAGE = ("tflearn regressions minimising loss tensors over get_layer_variables_by_scope lists (GAN) "
               "-> TflearnTrainOpsDNN")
    RATIONALE = ("A tflearn GAN builds two regression(placeholder=None, loss=tensor, trainable_vars=scope "
                 "variables) layers; its DNN alternates one step of each TrainOp per batch step (creation "
                 "order, own batch stream, own optimizer, own global-norm clip over its own variables). "
                 "keras.Model.compile takes one loss and one optimizer over every weight: the helper keeps "
                 "one loss model per TrainOp whose training updates only its variables (the Keras "
                 "variables under keras.name_scope(scope), as TF1's scope named them).")
    ORDER = 40
    REQUIRES = ("TFM101", "TFM104", "TFM116", "TFM130", "TFM138", "TFM205")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.bound: dict[int, BoundArgs] = {}

    def leave_SimpleStatementLine(self, original, updated):
        plan = scoped_trainops(self.ctx)
        if plan is None or len(original.body) != 1 or not isinstance(original.body[0], cst.Assign):
            return updated
        assign_o, assign_u = original.body[0], updated.body[0]
        if id(original) in plan.var_stmts:
            self.ctx.use_helper(SCOPE_VARIABLES)
            self.ctx.count(self)
            return updated.with_changes(body=[assign_u.with_changes(
                value=call(SCOPE_VARIABLES, to_node(plan.var_stmts[id(original)])))])
        if any(assign_o.value is r for r in plan.regs):
            inc = regression_passthrough(self.ctx, self, assign_o, assign_u, self.bound)
            if isinstance(inc, cst.RemovalSentinel):
                return inc
            return updated.with_changes(body=[assign_u.with_changes(value=inc)])
        if original is not plan.dnn:
            return updated
        if len(self.bound) != len(plan.regs):
            self.todo(original, "DNN: its regression(...) statements were not translated first")
            return updated
        b = BoundArgs(assign_u.value, DNN_SIG, assign_o.value)
        clip = b.node("clip_gradients") if b.given("clip_gradients") else DEFAULT_CLIP
        items = []
        try:
            for r in plan.regs:
                rb = self.bound[id(r)]
                opt, bs, sh = regression_step_settings(self.ctx, rb, clip, r)
                items.append(cst.Element(cst.Tuple([cst.Element(x) for x in (
                    rb.node("loss"), opt, rb.node("trainable_vars"), bs, sh)])))
        except Untranslatable as ex:
            self.todo(original, f"DNN: {ex}")
            return updated
        kw = {k: b.node(k) for k in ("clip_gradients", "tensorboard_verbose", "tensorboard_dir") if b.given(k)}
        inputs = cst.List([cst.Element(cst.Name(v)) for v in plan.inputs])
        helper = wrap_long_call(call(self.ctx.use_helper(TRAINOPS_DNN), inputs, b.node("network"),
                                     cst.List(items), **kw))
        self.ctx.add_import("keras")
        self.ctx.count(self)
        self.report(original, "DNN over TrainOps with their own loss tensors and variable lists: one loss model "
                              "per TrainOp, trained over its variables in tflearn's order (TflearnTrainOpsDNN)")
        return updated.with_changes(body=[assign_u.with_changes(value=helper)])

    VALID = ["import keras\nm = keras.Model(x, y)\n"]
    INVALID = [
        # gan.py's shape: generator / discriminator scopes, two TrainOps over their own variables
        Case("import tensorflow as tf\nimport tflearn\n\n\ndef gen(x, reuse=False):\n    with tf.variable_scope('G', reuse=reuse):\n        return tflearn.fully_connected(x, 3, activation='sigmoid')\n\n\ndef disc(x, reuse=False):\n    with tf.variable_scope('D', reuse=reuse):\n        return tflearn.fully_connected(x, 1, activation='sigmoid')\n\n\nz = tflearn.input_data(shape=[None, 2])\nreal = tflearn.input_data(shape=[None, 3])\nfake = gen(z)\nd_real = disc(real)\nd_fake = disc(fake, reuse=True)\nd_loss = -tf.reduce_mean(tf.log(d_real) + tf.log(1. - d_fake))\ng_loss = -tf.reduce_mean(tf.log(d_fake))\ng_vars = tflearn.get_layer_variables_by_scope('G')\ng = tflearn.regression(fake, placeholder=None, loss=g_loss, trainable_vars=g_vars, batch_size=8)\nd_vars = tflearn.get_layer_variables_by_scope('D')\nd = tflearn.regression(d_real, placeholder=None, loss=d_loss, trainable_vars=d_vars, batch_size=8)\nm = tflearn.DNN(g)\nm.fit({z: Z, real: R}, None, n_epoch=2)\nout = m.predict([Z])\n",
             'import keras\nimport re\nimport numpy as np\n\n\n# tflearn-migrate helper: TflearnScopeVariables\nclass TflearnScopeVariables:\n    """tflearn get_layer_variables_by_scope(scope): the layer variables whose TF1 name matches\n    `scope` (re.match) - here the Keras variables whose path does (the layers were built under\n    keras.name_scope(scope), where TF1 had variable_scope(scope)). Resolved against a model\'s\n    variables by TflearnTrainOpsDNN (Keras has no graph-wide collection)."""\n\n    def __init__(self, scope):\n        self.scope = scope\n\n    def resolve(self, variables):\n        return [v for v in variables if re.match(self.scope, v.path)]\n\n\n# tflearn-migrate helper: TflearnVarListLossModel\nclass TflearnVarListLossModel(keras.Model):\n    """A functional model whose output is a tflearn TrainOp\'s loss tensor: training minimises it\n    (plus the layers\' regularization losses) over `train_vars` only - TF1\'s\n    optimizer.minimize(loss, var_list=...). Every other variable stays as it is (batch norm\n    statistics of layers run in training mode still update, as TF1\'s update ops did)."""\n\n    train_vars = None\n\n    @property\n    def trainable_weights(self):\n        if self.train_vars is None:\n            return super().trainable_weights\n        return list(self.train_vars)\n\n    @property\n    def trainable_variables(self):\n        return self.trainable_weights\n\n    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n        loss = keras.ops.sum(y_pred)\n        if self.losses:\n            loss = loss + keras.ops.sum(keras.ops.stack(self.losses))\n        return loss\n\n\n# tflearn-migrate helper: TflearnTrainOpsDNN\nclass TflearnTrainOpsDNN:\n    """tflearn DNN over a graph whose regression(...) layers each minimise a loss tensor\n    (placeholder=None) over their own variables (trainable_vars=): one TrainOp per regression.\n    tflearn\'s Trainer runs, per batch step, one step of every TrainOp in turn (creation order),\n    each on its own batch stream over ALL the fed inputs, its gradients (over its variables only)\n    clipped by global norm `clip_gradients` on their own. Here a TrainOp is a\n    TflearnVarListLossModel (inputs -> its loss) with its optimizer, trained with train_on_batch\n    in that order. fit(X_inputs, Y_targets=None) takes tflearn\'s feeds (a dict keyed by inputs or\n    their names, or a list in input order); predict(X) runs the network on the inputs it is fed."""\n\n    def __init__(self, inputs, network, train_ops, clip_gradients=5.0, tensorboard_verbose=0,\n                 tensorboard_dir="/tmp/tflearn_logs/"):\n        self.inputs = list(inputs)\n        self.network = network\n        self.train_ops = []\n        for loss, optimizer, variables, batch_size, shuffle in train_ops:\n            model = TflearnVarListLossModel(self.inputs, loss)\n            model.train_vars = variables.resolve(model.trainable_variables) \\\n                if isinstance(variables, TflearnScopeVariables) else list(variables)\n            model.compile(optimizer=optimizer)\n            self.train_ops.append((model, batch_size, shuffle))\n\n    def _feed(self, X):\n        if isinstance(X, dict):\n            out = {}\n            for key, value in X.items():\n                match = [t for t in self.inputs if t is key or (isinstance(key, str) and t.name == key)]\n                if not match:\n                    raise Exception("Feed dict asks for variable named \'%s\' but no such variable is known to exist" % key)\n                out[id(match[0])] = np.asarray(value)\n            return [(t, out[id(t)]) for t in self.inputs if id(t) in out]\n        if len(self.inputs) == 1 or np.ndim(X) < 2:\n            X = [X]\n        return [(t, np.asarray(x)) for t, x in zip(self.inputs, X)]\n\n    @staticmethod\n    def tflearn_batches(arrays, batch_size, shuffle):\n        """tflearn 0.5.0\'s FeedDictFlow(continuous=True) stream: batches [0:b], [b:2b] ... of an\n        index array shuffled with NumPy\'s global RNG; when they run out it reshuffles and restarts\n        at batch index -1 (every later pass starts with its LAST batch)."""\n        n = len(arrays[0])\n        index = np.arange(n)\n        bounds = [(i * batch_size, min(n, (i + 1) * batch_size)) for i in range(int(np.ceil(n / float(batch_size))))]\n        if shuffle:\n            np.random.shuffle(index)\n        i = -1\n        while True:\n            i += 1\n            if i == len(bounds):\n                if shuffle:\n                    np.random.shuffle(index)\n                i = -1\n            ids = index[bounds[i][0]:bounds[i][1]]\n            yield tuple(a[ids] for a in arrays)\n\n    def fit(self, X_inputs, Y_targets=None, n_epoch=10, show_metric=False, batch_size=None, shuffle=None,\n            snapshot_epoch=True, snapshot_step=None, run_id=None):\n        if Y_targets is not None:\n            raise ValueError("these TrainOps have no target placeholder (placeholder=None): Y_targets must be None")\n        feed = self._feed(X_inputs)\n        if [t for t, _ in feed] != self.inputs:\n            raise ValueError("every TrainOp is fed every input: feed all of %d inputs" % len(self.inputs))\n        xs = [x for _, x in feed]\n        streams, steps = [], []\n        for model, op_batch, op_shuffle in self.train_ops:\n            b = batch_size or op_batch\n            s = op_shuffle if shuffle is None else shuffle\n            streams.append(self.tflearn_batches(xs, b, bool(s)))\n            steps.append(int(np.ceil(len(xs[0]) / float(b))))\n        for _ in range(n_epoch):\n            for _ in range(max(steps)):\n                for (model, _, _), stream in zip(self.train_ops, streams):\n                    model.train_on_batch(list(next(stream)))\n\n    def predict(self, X):\n        feed = self._feed(X)\n        model = keras.Model([t for t, _ in feed], self.network)\n        return model.predict([x for _, x in feed], verbose=0)\n\n\ndef gen(x, reuse=False):\n    with keras.name_scope(\'G\'):\n        return keras.layers.Dense(\n            3,\n            activation=\'sigmoid\',\n            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n        )(keras.layers.Flatten()(x))\n\n\ndef disc(x, reuse=False):\n    with keras.name_scope(\'D\'):\n        return keras.layers.Dense(\n            1,\n            activation=\'sigmoid\',\n            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n        )(keras.layers.Flatten()(x))\n\n\nz = keras.Input(shape=(2,))\nreal = keras.Input(shape=(3,))\nfake = gen(z)\nencoder_input = keras.Input(shape=real.shape[1:])\nencoder = keras.Model(encoder_input, disc(encoder_input), name=\'encoder\')\nd_real = encoder(real)\nd_fake = encoder(fake)\nd_loss = -keras.ops.mean(keras.ops.log(d_real) + keras.ops.log(1. - d_fake))\ng_loss = -keras.ops.mean(keras.ops.log(d_fake))\ng_vars = TflearnScopeVariables(\'G\')\ng = fake\nd_vars = TflearnScopeVariables(\'D\')\nd = d_real\nm = TflearnTrainOpsDNN(\n    [z, real],\n    g,\n    [(g_loss, keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0), g_vars, 8, True), (d_loss, keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0), d_vars, 8, True)],\n)\nm.fit({z: Z, real: R}, None, n_epoch=2)\nout = m.predict([Z])\n',
             ("TFM205", "TFM127")),
    ]
