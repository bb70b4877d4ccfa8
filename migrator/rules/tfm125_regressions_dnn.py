"""TFM125: a tflearn DNN over a merge of several ``regression(...)`` layers (several TrainOps)
-> the TflearnRegressionsDNN helper.

Read from tflearn 0.5.0: every ``regression(incoming, ...)`` makes a target placeholder, a loss on
``incoming`` and a TrainOp (its own optimizer, batch_size 64, shuffle_batches) in the graph's
TRAIN_OPS collection, and returns ``incoming``. ``DNN(network)`` takes EVERY TrainOp of the graph
(models/dnn.py) into one Trainer (clip_gradients 5.0): per batch step it runs one training step of
each TrainOp in turn, in creation order (helpers/trainer.py ``fit``), each on its own batch stream
(TrainOp.initialize_fit: its own FeedDictFlow), each with its loss plus the graph's
REGULARIZATION_LOSSES, its gradients over every trainable variable clipped by global norm on
their own. ``DNN.fit(X, [Y1, Y2 ...])`` feeds ``Yi`` to the i-th regression's target
(``dict_to_feed_dict`` over the TARGETS collection, creation order) and X to every TrainOp;
``predict(X)`` runs the DNN's network tensor on all rows at once.

tflearn's logical.py (XOR as the product of a NAND and an OR regression) has this shape.
Translated only when: the DNN's network is ``tflearn.merge([r1, r2, ...], mode)`` of names bound
by ``ri = tflearn.regression(x, ...)`` statements of the same scope (the same bindings reach
the DNN), each regression with a string optimizer and tflearn's own target placeholder, no
trainable_vars / to_one_hot / validation monitors; the DNN without checkpoints or a session;
every read of the DNN's name is ``m.fit(X, Y, ...)`` (no validation set, callbacks or excluded
TrainOps) or ``m.predict(X)``; no layer of the file has a regularizer (tflearn adds every
regularization loss of the graph to EVERY TrainOp's loss, which the per-TrainOp Keras models
do not). Each TrainOp becomes a Keras model over the same layers (inputs -> that regression's
output) compiled with its optimizer (global_clipnorm: the Trainer's clip) and loss; fit()
runs ``train_on_batch`` of each in turn on tflearn's batch stream per TrainOp (unshuffled: the
same batches; shuffled: other random rows, as for TflearnTrainer).
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..emit import call, wrap_long_call
from ..helpers import register_source
from ..translate.tflearn import Untranslatable
from ..analysis.tflearn_model import DNN_SIG
from ..translate.tflearn_train import DEFAULT_CLIP, flat, loss
from .base import Case, Rule
from ..analysis.regressions_dnn import RegressionsDNNPlans
from ..translate.regression_dnn import regression_passthrough, regression_step_settings
HELPER = "TflearnRegressionsDNN"

register_source("tflearn_models", HELPER)


class RegressionsDNN(Rule):
    ID = "TFM125"
    TRIGGERS = ("tflearn",)
    NAME = "regressions-dnn"
    MESSAGE = "tflearn DNN over a merge of several regression layers (one TrainOp each) -> TflearnRegressionsDNN"
    RATIONALE = ("tflearn's DNN trains every TrainOp of its graph: with several regression(...) layers "
                 "merged into one network (logical.py's XOR = NAND * OR) its Trainer runs, per batch "
                 "step, one step of each TrainOp in turn - each its own optimizer, loss, batch stream "
                 "and global-norm clip. keras.Model.compile takes one optimizer and sums the losses "
                 "(one clip over all gradients): the helper keeps one Keras model per TrainOp over the "
                 "same layers and trains them in tflearn's order with train_on_batch.")
    ORDER = 40
    REQUIRES = ("TFM101", "TFM104", "TFM111", "TFM116")

    def leave_SimpleStatementLine(self, original, updated):
        plans = self.ctx.analysis(RegressionsDNNPlans)
        plan = plans.by_stmt.get(id(original))
        if plan is None:
            return updated
        assign_o, assign_u = original.body[0], updated.body[0]
        if original is not plan.dnn_stmt:  # a regression: it returns its incoming tensor
            inc = regression_passthrough(self.ctx, self, assign_o, assign_u, plan.bound)
            if isinstance(inc, cst.RemovalSentinel):
                return inc
            return updated.with_changes(body=[assign_u.with_changes(value=inc)])
        if len(plan.bound) != len(plan.regs):
            self.todo(original, "DNN: its regression(...) statements were not translated first")
            return updated
        b = BoundArgs(assign_u.value, DNN_SIG, assign_o.value)
        clip = b.node("clip_gradients") if b.given("clip_gradients") else DEFAULT_CLIP
        items = []
        try:
            for r in plan.regs:
                rb = plan.bound[id(r)]
                opt, bs, sh = regression_step_settings(self.ctx, rb, clip, r)
                lss = flat(loss(self.ctx, rb, "loss", False))
                out = cst.Name(self.ctx.parent(r).targets[0].target.value)
                items.append(cst.Element(cst.Tuple([cst.Element(x) for x in (out, lss, opt, bs, sh)])))
        except Untranslatable as ex:
            self.todo(original, f"DNN: {ex}")
            return updated
        inputs = [cst.Name(v) for v in plan.inputs]
        kw = {}
        for k in ("clip_gradients", "tensorboard_verbose", "tensorboard_dir"):
            if b.given(k):
                kw[k] = b.node(k)
        helper = wrap_long_call(call(self.ctx.use_helper(HELPER), inputs[0] if len(inputs) == 1 else cst.List(
            [cst.Element(i) for i in inputs]), b.node("network"), cst.List(items), **kw))
        self.ctx.add_import("keras")
        self.ctx.count(self)
        self.report(original, "DNN over several regressions: one Keras model per tflearn TrainOp, trained "
                              "in tflearn's order (TflearnRegressionsDNN)")
        return updated.with_changes(body=[assign_u.with_changes(value=helper)])

    VALID = ["import keras\nm = keras.Model(x, y)\n",
             # one regression: TFM116's
             "import keras\nx = keras.Input(shape=(2,))\nm = keras.Model(x, keras.layers.Dense(1)(x))\n"]
    INVALID = [
        # logical.py's shape: NAND and OR regressions merged into XOR, one TrainOp each
        Case("import tflearn\ng = tflearn.input_data(shape=[None, 2])\na = tflearn.fully_connected(g, 1, activation='sigmoid')\na = tflearn.regression(a, optimizer='sgd', learning_rate=2., loss='binary_crossentropy')\nb = tflearn.fully_connected(g, 1, activation='sigmoid')\nb = tflearn.regression(b, optimizer='sgd', learning_rate=2., loss='mean_square', batch_size=2)\nxor = tflearn.merge([a, b], mode='elemwise_mul')\nm = tflearn.DNN(xor)\nm.fit(X, [Y1, Y2], n_epoch=5)\np = m.predict(X)\n",
             'import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: tflearn_binary_crossentropy\ndef tflearn_binary_crossentropy(y_true, y_pred):\n    """tflearn objectives.binary_crossentropy: tf.nn.sigmoid_cross_entropy_with_logits of y_pred\n    as LOGITS, averaged - even when y_pred comes out of a sigmoid layer (written out: Keras\'\n    crossentropy would take that layer\'s own logits instead)."""\n    y_true = keras.ops.cast(y_true, y_pred.dtype)\n    return keras.ops.mean(keras.ops.relu(y_pred) - y_pred * y_true\n                          + keras.ops.log1p(keras.ops.exp(-keras.ops.abs(y_pred))))\n\n\n# tflearn-migrate helper: TflearnRegressionsDNN\nclass TflearnRegressionsDNN:\n    """tflearn DNN over a graph holding several regression(...) layers: one TrainOp per regression\n    (its optimizer, its loss on its own targets, its batch size and shuffle). tflearn\'s Trainer\n    runs, per batch step, one training step of every TrainOp in turn (creation order), each on its\n    own batch stream, its gradients clipped by global norm `clip_gradients` on their own. Here a\n    TrainOp is a Keras model over the same layers (inputs -> that regression\'s output) compiled\n    with its optimizer (global_clipnorm set) and loss, trained with train_on_batch in that order.\n    fit(X, [Y1, Y2 ...]) feeds Yi to the i-th regression; predict(X) returns the network\'s output."""\n\n    def __init__(self, inputs, network, regressions, clip_gradients=5.0, tensorboard_verbose=0,\n                 tensorboard_dir="/tmp/tflearn_logs/"):\n        self.model = keras.Model(inputs, network)\n        self.several_inputs = isinstance(inputs, (list, tuple))\n        self.train_ops = []\n        for output, loss, optimizer, batch_size, shuffle in regressions:\n            model = keras.Model(inputs, output)\n            model.compile(optimizer=optimizer, loss=loss)\n            self.train_ops.append((model, batch_size, shuffle))\n\n    @staticmethod\n    def tflearn_batches(arrays, batch_size, shuffle):\n        """tflearn 0.5.0\'s FeedDictFlow(continuous=True) stream (as TflearnTrainer\'s): batches\n        [0:b], [b:2b] ... of an index array shuffled with NumPy\'s global RNG; when they run out it\n        reshuffles and restarts at batch index -1 (every later pass starts with its LAST batch)."""\n        n = len(arrays[0])\n        index = np.arange(n)\n        bounds = [(i * batch_size, min(n, (i + 1) * batch_size)) for i in range(int(np.ceil(n / float(batch_size))))]\n        if shuffle:\n            np.random.shuffle(index)\n        i = -1\n        while True:\n            i += 1\n            if i == len(bounds):\n                if shuffle:\n                    np.random.shuffle(index)\n                i = -1\n            ids = index[bounds[i][0]:bounds[i][1]]\n            yield tuple(a[ids] for a in arrays)\n\n    def fit(self, X_inputs, Y_targets, n_epoch=10, show_metric=False, batch_size=None, shuffle=None,\n            snapshot_epoch=True, snapshot_step=None, run_id=None):\n        xs = [np.asarray(x) for x in X_inputs] if self.several_inputs else [np.asarray(X_inputs)]\n        if not isinstance(Y_targets, (list, tuple)) or len(Y_targets) != len(self.train_ops):\n            raise ValueError("tflearn feeds one target array per regression: pass a list of %d" % len(self.train_ops))\n        streams, steps = [], []\n        for (model, op_batch, op_shuffle), y in zip(self.train_ops, Y_targets):\n            b = batch_size or op_batch\n            s = op_shuffle if shuffle is None else shuffle\n            streams.append(self.tflearn_batches(xs + [np.asarray(y)], b, bool(s)))\n            steps.append(int(np.ceil(len(xs[0]) / float(b))))\n        for _ in range(n_epoch):\n            for _ in range(max(steps)):\n                for (model, _, _), stream in zip(self.train_ops, streams):\n                    batch = next(stream)\n                    model.train_on_batch(list(batch[:-1]) if self.several_inputs else batch[0], batch[-1])\n\n    def predict(self, X):\n        x = [np.asarray(v) for v in X] if self.several_inputs else np.asarray(X)\n        return self.model.predict(x, verbose=0)\n\n\ng = keras.Input(shape=(2,))\na = keras.layers.Dense(\n    1,\n    activation=\'sigmoid\',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(g)\nb = keras.layers.Dense(\n    1,\n    activation=\'sigmoid\',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(g)\nxor = keras.layers.Multiply()([a, b])\nm = TflearnRegressionsDNN(\n    g,\n    xor,\n    [(a, tflearn_binary_crossentropy, keras.optimizers.SGD(learning_rate=2., global_clipnorm=5.0), 64, True), (b, \'mean_squared_error\', keras.optimizers.SGD(learning_rate=2., global_clipnorm=5.0), 2, True)],\n)\nm.fit(X, [Y1, Y2], n_epoch=5)\np = m.predict(X)\n',
             ('TFM125',)),
        # a validation set on fit: not covered by the helper, TFM116 says why
        Case("import tflearn\ng = tflearn.input_data(shape=[None, 2])\na = tflearn.fully_connected(g, 1, activation='sigmoid')\na = tflearn.regression(a, optimizer='sgd', learning_rate=2., loss='binary_crossentropy')\nb = tflearn.fully_connected(g, 1, activation='sigmoid')\nb = tflearn.regression(b, optimizer='sgd', learning_rate=2., loss='mean_square', batch_size=2)\nxor = tflearn.merge([a, b], mode='elemwise_mul')\nm = tflearn.DNN(xor)\nm.fit(X, [Y1, Y2], n_epoch=5, validation_set=0.1)\np = m.predict(X)\n",
             "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\ng = keras.Input(shape=(2,))\na = keras.layers.Dense(\n    1,\n    activation='sigmoid',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(g)\n# TODO(tflearn-migrate): TFM116 regression: no DNN(...) uses this network (cannot find the tflearn.regression(...) that produced this network)\na = tflearn.regression(a, optimizer='sgd', learning_rate=2., loss='binary_crossentropy')\nb = keras.layers.Dense(\n    1,\n    activation='sigmoid',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(g)\n# TODO(tflearn-migrate): TFM116 regression: no DNN(...) uses this network (cannot find the tflearn.regression(...) that produced this network)\nb = tflearn.regression(b, optimizer='sgd', learning_rate=2., loss='mean_square', batch_size=2)\nxor = keras.layers.Multiply()([a, b])\nm = tflearn.DNN(xor)  # TODO(tflearn-migrate): TFM116 DNN over a merge of several regressions (one TrainOp each): not translated: fit(validation_set=)\nm.fit(X, [Y1, Y2], n_epoch=5, validation_set=0.1)\np = m.predict(X)\n",
             ('TFM116', 'TFM116', 'TFM116'), todo=True),
    ]
