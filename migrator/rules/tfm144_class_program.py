"""TFM144: a TF1 model CLASS (placeholders, towers and loss as attributes, trained by code
outside the class) -> a Keras 3 graph trained by a ``LossModel``.

Built on ``ctx.analysis(TF1Classes)`` (migrator/analysis/tf1_classes.py). The class keeps its
structure: its placeholders become ``keras.Input`` attributes - the LABEL placeholders too,
so ``self.loss`` stays what it was in TF1, a tensor of the graph (a symbolic Keras tensor of
the inputs and labels, computed by the same expression / loss method). Outside the class:

* ``train_step = opt.minimize(m.loss)`` -> ``model = LossModel([m.x1, m.x2, m.y], m.loss)`` +
  ``model.compile(optimizer=opt)`` (the inputs: every placeholder the loss depends on, in the
  class's order); ``LossModel.compute_loss`` is the model's output (summed, as TF1's
  ``minimize`` differentiates the sum of a non-scalar loss);
* ``_, l = sess.run([train_step, m.loss], feed_dict={m.x1: a, ...})`` ->
  ``l = model.train_on_batch([a, b, y])`` (same batch, the loss before the update, as TF1
  fetched it); ``sess.run(m.loss, feed)`` -> ``model.predict_on_batch([...])``;
* ``sess.run(m.t, feed)`` / ``m.t.eval(feed)`` -> ``keras.Model([placeholders of t], m.t)
  .predict_on_batch(...)``;
* the session, its initializer runs and ``close()`` disappear;
* a scalar placeholder read only as an optimizer's learning rate (``AdamOptimizer(self.lr)``)
  and fed by every training run becomes ``0.0`` (Keras optimizers take a float) and each
  training step is preceded by ``model.optimizer.learning_rate = <the fed value>``;
* the train op may be built by a method the class inherits from a base class of the file
  (one no other class derives from) and returned into ``self.train_op`` by another method;
  only the instances that call a method building it train;
* runs INSIDE a method that takes the session as a parameter (``train_epoch(self, sess, ...)``
  running ``[self.train_op, self.loss_op]``) map like the runs outside, on ``self`` - when every
  call passes a session of the file from an instance with the train op and the method reads the
  session only in those runs; the parameter and those arguments go. ``self.loss_op =
  self.get_loss()`` is the train op's loss when its method read ``loss = self.get_loss()``.

* the train op may come from a helper method called once with the loss as an argument
  (``train_op = self.optimizer_fn(self.loss)``, the method's ``minimize(loss)``) and be grouped
  with update ops into an attribute (``self.optim = tf.group(*[train_op] + self._ops)``): TF1
  ran the batch norms' moving-average updates with the step, the Keras model's layers make them
  in its training step, so the group is the model (``self.optim = train_op``) - accepted update
  ops: ``tf.get_collection(UPDATE_OPS)`` and a list attribute only ever appended
  ``assign_moving_average`` updates; a step counter made in that method
  (``tf.Variable(0, trainable=False)``, ``minimize(global_step=)``) and the learning rate
  computed from it -> a ``StepSchedule`` of the optimizer's iterations (TF1's n-th run read n);
* a session given to the class (``__init__(self, sess)``: ``self.sess = sess``) and read only
  by runs in its methods goes with them (parameter, attribute, the ``Class(sess, ...)`` argument);
* the PTB tutorial's learning-rate variable (``self._lr = tf.Variable(0.0, trainable=False)`` given
  to the optimizer, ``self._lr_update = tf.assign(self._lr, self._new_lr)`` run by ``assign_lr(self,
  session, v)``, ``session.run(m.lr)`` through a property; analysis/rate_variables.class_rates)
  -> ``self._lr = 0.0``, the placeholder and assign go, the set run ->
  ``self.<train op attr>.optimizer.learning_rate = v``, the read run -> that rate as a number;
* a scalar placeholder no TF1 op reads - fed, and passed down only to ``is True`` / ``is False``
  tests (kym343's ``batch_norm(..., is_train=self.train_mode)``) - becomes an unconnected
  ``keras.Input`` (the same ``is`` answers; TF1 never used what the runs fed);
* ``[v for v in tf.trainable_variables() if v.name.endswith('/w:0')]`` in a method ->
  ``tf1_trainable_variables(self, {(layer class, weight): TF1 name})``: the trainable weights of
  the layers that computed the object's tensors so far, as graph tensors of their values (a
  weight decay computed from them follows every update), named ``<layer>/<TF1 name>:0`` - the
  same filter selects the same variables as long as it reads only ``/<name>:0`` (checked).

A class with a scalar placeholder fed per run (keep_prob, is_training), several train ops, or
runs/feeds it cannot map stays TF1 with a TODO naming the reason.
"""
from __future__ import annotations

import copy

import libcst as cst

from ..analysis.tf1_classes import ClassProgram, TF1Classes
from ..cstcache import walk
from ..emit import call, drop_left_comma_args, drop_left_comma_params, expr, literal, stmt, to_node
from ..helpers import register_source
from ..analysis.tf1_program import INITIALIZERS, SAVERS, SESSIONS
from .base import Case, Rule
from ..translate.tf1_helpers import TF1_ADD as _TF1_ADD
from ..translate.tf1_helpers import CLASS_LOSSES as _CLASS_LOSSES
from ..translate.tf1_helpers import LOSS_MODEL


FETCHING_LOSS_MODEL = register_source("tf1_programs", "FetchingLossModel")
_TF1_MODE_BN = register_source("tf1_layers", "TF1ModeBatchNormalization")  # (TFM131's; in an example below)


FETCHES = register_source("tf1_programs", "tf1_fetches", also=("_TF1_FETCHES",))
# the global norm of the gradients a train op applied, fetched with it (TF1Classes.norm_attrs)
APPLIED_NORM = register_source("tf1_programs", "tf1_applied_global_norm",
                               also=("TF1GlobalNormRecording", "_TF1_NORM_RECORDING"))
TF1_SAVED_PATH = register_source("tf1_programs", "tf1_saved_path")


TF1_TRAINABLE = register_source("tf1_programs", "tf1_trainable_variables", requires=("TF1VariableValues",))


# tlatkowski/multihead-siamese-nets in small: a subclass whose __init__ only calls the base's, a
# module function returning opt.minimize(loss) (-> returns the optimizer the LossModel compiles with),
# a training placeholder handed to file functions down to tf.layers.dropout(training=) (-> None: Keras'
# training flag), tf.losses MSE, a merge_all attribute fetched for add_summary only, an Evaluator given
# the model and the session (its run -> self._model's), a ConfigProto of the consumed session
_HOLDER = (
        'import tensorflow as tf\n'
        '\n'
        '\n'
        'def drop(x, is_training):\n'
        '    return tf.layers.dropout(x, 0.5, training=tf.convert_to_tensor(is_training))\n'
        '\n'
        '\n'
        'def optimize(loss, lr=0.01):\n'
        '    return tf.train.AdamOptimizer(learning_rate=lr).minimize(loss)\n'
        '\n'
        '\n'
        'class Base:\n'
        '    def __init__(self, n):\n'
        '        self.x = tf.placeholder(tf.float32, [None, n])\n'
        '        self.y = tf.placeholder(tf.float32, [None, 1])\n'
        '        self.is_training = tf.placeholder(tf.bool)\n'
        '        self.out = self.head()\n'
        '        self.loss = tf.losses.mean_squared_error(self.y, self.out)\n'
        '        self.opt = optimize(self.loss)\n'
        "        tf.summary.scalar('loss', self.loss)\n"
        '        self.summary_op = tf.summary.merge_all()\n'
        '\n'
        '\n'
        'class Net(Base):\n'
        '    def __init__(self, n):\n'
        '        Base.__init__(self, n)\n'
        '\n'
        '    def head(self):\n'
        '        return tf.layers.dense(drop(self.x, is_training=self.is_training), 1)\n'
        '\n'
        '\n'
        'class Evaluator:\n'
        '    def __init__(self, model, session):\n'
        '        self._model = model\n'
        '        self._session = session\n'
        '\n'
        '    def evaluate(self, x, y):\n'
        '        feed = {self._model.x: x, self._model.y: y, self._model.is_training: False}\n'
        '        return self._session.run(self._model.loss, feed_dict=feed)\n'
        '\n'
        '\n'
        'net = Net(4)\n'
        'config = tf.ConfigProto(allow_soft_placement=True)\n'
        'with tf.Session(config=config) as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        "    writer = tf.summary.FileWriter('logs', sess.graph)\n"
        '    ev = Evaluator(net, sess)\n'
        '    for i in range(10):\n'
        '        feed = {net.x: X, net.y: Y, net.is_training: True}\n'
        '        l, _ = sess.run([net.loss, net.opt], feed_dict=feed)\n'
        '        feed = {net.x: X, net.y: Y, net.is_training: False}\n'
        '        s = sess.run(net.summary_op, feed_dict=feed)\n'
        '        writer.add_summary(s, i)\n'
        '    print(ev.evaluate(X, Y))\n')
_HOLDER_AFTER = (
        'import keras\n'
        '\n'
        '\n'
        '# tflearn-migrate helper: LossModel\n'
        + LOSS_MODEL.code +
        '\n'
        '\n'
        'def drop(x, is_training):\n'
        '    return keras.layers.Dropout(0.5)(x)\n'
        '\n'
        '\n'
        'def optimize(loss, lr=0.01):\n'
        '    return keras.optimizers.Adam(learning_rate=lr, epsilon=1e-8)\n'
        '\n'
        '\n'
        'class Base:\n'
        '    def __init__(self, n):\n'
        '        self.x = keras.Input(shape=(n,))\n'
        '        self.y = keras.Input(shape=(1,))\n'
        "        self.is_training = None  # training-mode placeholder: Keras' training flag (train_on_batch / predict) does its job\n"
        '        self.out = self.head()\n'
        "        self.loss = keras.ops.mean(keras.ops.square(keras.ops.subtract(keras.ops.cast(self.out, 'float32'), keras.ops.cast(self.y, 'float32'))))\n"
        '        self.opt = LossModel([self.x, self.y], self.loss)\n'
        '        self.opt.compile(optimizer=optimize(self.loss))\n'
        '\n'
        '\n'
        'class Net(Base):\n'
        '    def __init__(self, n):\n'
        '        Base.__init__(self, n)\n'
        '\n'
        '    def head(self):\n'
        '        return keras.layers.Dense(1)(drop(self.x, is_training=self.is_training))\n'
        '\n'
        '\n'
        'class Evaluator:\n'
        '    def __init__(self, model):\n'
        '        self._model = model\n'
        '\n'
        '    def evaluate(self, x, y):\n'
        '        return self._model.opt.predict_on_batch([x, y])\n'
        '\n'
        '\n'
        'net = Net(4)\n'
        'ev = Evaluator(net)\n'
        'for i in range(10):\n'
        '    l = net.opt.train_on_batch([X, Y])\n'
        '    s = None\n'
        'print(ev.evaluate(X, Y))\n')
# ... the Evaluator runs the train op: the class stays TF1, said why
_HOLDER_TRAINS = _HOLDER.replace("return self._session.run(self._model.loss, feed_dict=feed)",
                                 "return self._session.run([self._model.loss, self._model.opt], feed_dict=feed)")
_HOLDER_TRAINS_AFTER = (
        'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n'
        'import keras\n'
        '\n'
        '\n'
        'def drop(x, is_training):\n'
        '    return keras.layers.Dropout(0.5)(x)\n'
        '\n'
        '\n'
        'def optimize(loss, lr=0.01):\n'
        '    # TODO(tflearn-migrate): TFM144 train op kept: class Net: Evaluator runs a training step\n'
        '    return keras.optimizers.Adam(learning_rate=lr, epsilon=1e-8).minimize(loss)\n'
        '\n'
        '\n'
        'class Base:\n'
        '    def __init__(self, n):\n'
        '        self.x = tf.placeholder(tf.float32, [None, n])  # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: Evaluator runs a training step\n'
        '        self.y = tf.placeholder(tf.float32, [None, 1])  # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: Evaluator runs a training step\n'
        '        self.is_training = tf.placeholder(tf.bool)  # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: Evaluator runs a training step\n'
        '        self.out = self.head()\n'
        "        self.loss = keras.ops.mean(keras.ops.square(keras.ops.subtract(keras.ops.cast(self.out, 'float32'), keras.ops.cast(self.y, 'float32'))))\n"
        '        self.opt = optimize(self.loss)  # TODO(tflearn-migrate): TFM144 train op kept: class Net: Evaluator runs a training step\n'
        '        self.summary_op = tf.summary.merge_all()\n'
        '\n'
        '\n'
        'class Net(Base):\n'
        '    def __init__(self, n):\n'
        '        Base.__init__(self, n)\n'
        '\n'
        '    def head(self):\n'
        '        return keras.layers.Dense(1)(drop(self.x, is_training=self.is_training))\n'
        '\n'
        '\n'
        'class Evaluator:\n'
        '    def __init__(self, model, session):\n'
        '        self._model = model\n'
        '        self._session = session\n'
        '\n'
        '    def evaluate(self, x, y):\n'
        '        feed = {self._model.x: x, self._model.y: y, self._model.is_training: False}\n'
        '        # TODO(tflearn-migrate): TFM144 training run kept: class Net: Evaluator runs a training step\n'
        '        return self._session.run([self._model.loss, self._model.opt], feed_dict=feed)\n'
        '\n'
        '\n'
        'net = Net(4)\n'
        'config = tf.ConfigProto(allow_soft_placement=True)\n'
        'with tf.Session(config=config) as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        '    ev = Evaluator(net, sess)\n'
        '    for i in range(10):\n'
        '        feed = {net.x: X, net.y: Y, net.is_training: True}\n'
        '        l, _ = sess.run([net.loss, net.opt], feed_dict=feed)  # TODO(tflearn-migrate): TFM144 training run kept: class Net: Evaluator runs a training step\n'
        '        feed = {net.x: X, net.y: Y, net.is_training: False}\n'
        '        s = sess.run(net.summary_op, feed_dict=feed)  # TODO(tflearn-migrate): TFM144 run kept: class Net: Evaluator runs a training step\n'
        '    print(ev.evaluate(X, Y))\n')
# ... optimize() also called outside the class: no train op of the class, it stays TF1
_OPTIMIZE_TWICE = _HOLDER.replace("net = Net(4)\n", "net = Net(4)\nopt2 = optimize(net.loss)\n")
_OPTIMIZE_TWICE_AFTER = (
        'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n'
        'import keras\n'
        '\n'
        '\n'
        'def drop(x, is_training):\n'
        '    return keras.layers.Dropout(0.5)(x)\n'
        '\n'
        '\n'
        'def optimize(loss, lr=0.01):\n'
        '    # TODO(tflearn-migrate): TFM140 Keras 3 optimizers have no minimize / compute_gradients / apply_gradients: this training step is not translated\n'
        '    return keras.optimizers.Adam(learning_rate=lr, epsilon=1e-8).minimize(loss)\n'
        '\n'
        '\n'
        'class Base:\n'
        '    def __init__(self, n):\n'
        '        self.x = tf.placeholder(tf.float32, [None, n])  # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: no train op minimizes its loss\n'
        '        self.y = tf.placeholder(tf.float32, [None, 1])  # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: no train op minimizes its loss\n'
        '        self.is_training = tf.placeholder(tf.bool)  # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: no train op minimizes its loss\n'
        '        self.out = self.head()\n'
        "        self.loss = keras.ops.mean(keras.ops.square(keras.ops.subtract(keras.ops.cast(self.out, 'float32'), keras.ops.cast(self.y, 'float32'))))\n"
        '        self.opt = optimize(self.loss)\n'
        '        self.summary_op = tf.summary.merge_all()\n'
        '\n'
        '\n'
        'class Net(Base):\n'
        '    def __init__(self, n):\n'
        '        Base.__init__(self, n)\n'
        '\n'
        '    def head(self):\n'
        '        return keras.layers.Dense(1)(drop(self.x, is_training=self.is_training))\n'
        '\n'
        '\n'
        'class Evaluator:\n'
        '    def __init__(self, model, session):\n'
        '        self._model = model\n'
        '        self._session = session\n'
        '\n'
        '    def evaluate(self, x, y):\n'
        '        feed = {self._model.x: x, self._model.y: y, self._model.is_training: False}\n'
        '        return self._session.run(self._model.loss, feed_dict=feed)  # TODO(tflearn-migrate): TFM144 run kept: class Net: no train op minimizes its loss\n'
        '\n'
        '\n'
        'net = Net(4)\n'
        'opt2 = optimize(net.loss)\n'
        'config = tf.ConfigProto(allow_soft_placement=True)\n'
        'with tf.Session(config=config) as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        '    ev = Evaluator(net, sess)\n'
        '    for i in range(10):\n'
        '        feed = {net.x: X, net.y: Y, net.is_training: True}\n'
        '        l, _ = sess.run([net.loss, net.opt], feed_dict=feed)  # TODO(tflearn-migrate): TFM144 run kept: class Net: no train op minimizes its loss\n'
        '        feed = {net.x: X, net.y: Y, net.is_training: False}\n'
        '        s = sess.run(net.summary_op, feed_dict=feed)  # TODO(tflearn-migrate): TFM144 run kept: class Net: no train op minimizes its loss\n'
        '    print(ev.evaluate(X, Y))\n')


_MF_MODEL = (
    "import tensorflow as tf\n\n\n"
    "class Net:\n"
    "    def __init__(self):\n"
    "        self.x = tf.placeholder(tf.float32, [None, 4])\n"
    "        self.y = tf.placeholder(tf.float32, [None, 2])\n"
    "        self.out = tf.layers.dense(self.x, 2)\n"
    "        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n")
_MF_TRAIN = (
    "import tensorflow as tf\n"
    "import model\n\n"
    "m = model.Net()\n"
    "step = tf.train.GradientDescentOptimizer(0.1).minimize(m.loss)\n"
    "saver = tf.train.Saver()\n"
    "sess = tf.InteractiveSession()\n"
    "tf.global_variables_initializer().run()\n"
    "for i in range(10):\n"
    "    _, l = sess.run([step, m.loss], feed_dict={m.x: X, m.y: Y})\n"
    "saver.save(sess, './net')\n")
_MF_RESTORE = (
    "import tensorflow as tf\n"
    "from model import Net\n\n"
    "net = Net()\n"
    "sess = tf.InteractiveSession()\n"
    "saver = tf.train.Saver()\n"
    "saver.restore(sess, './net')\n"
    "pred = net.out.eval({net.x: X})\n")

_MF_MODEL_AFTER = 'import keras\n\n\nclass Net:\n    def __init__(self):\n        self.x = keras.Input(shape=(4,))\n        self.y = keras.Input(shape=(2,))\n        self.out = keras.layers.Dense(2)(self.x)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n'
_MF_TRAIN_AFTER = 'import model\nimport keras\nimport os\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\nm = model.Net()\nnet_model = LossModel([m.x, m.y], m.loss)\nnet_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\nfor i in range(10):\n    l = net_model.train_on_batch([X, Y])\nos.makedirs(\'.\', exist_ok=True)\nnet_model.save_weights(\'./net.weights.h5\')\n'
_MF_RESTORE_AFTER = 'from model import Net\nimport keras\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\nnet = Net()\nLossModel([net.x, net.y], net.loss).load_weights(\'./net.weights.h5\')\npred = keras.Model(net.x, net.out).predict_on_batch(X)\n'
_MF_DECLINED_AFTER = "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport model\nimport keras\n\nm = model.Net()\n# TODO(tflearn-migrate): TFM140 Keras 3 optimizers have no minimize / compute_gradients / apply_gradients: this training step is not translated\n# TODO(tflearn-migrate): TFM144 train op kept: class Net: defined in model.py, not translated: example.py: feed_dict is not a dict literal\nstep = keras.optimizers.SGD(learning_rate=0.1).minimize(m.loss)\nsaver = tf.train.Saver()\nsess = tf.InteractiveSession()\ntf.global_variables_initializer().run()\nfor i in range(10):\n    # TODO(tflearn-migrate): TFM144 training run kept: class Net: defined in model.py, not translated: example.py: feed_dict is not a dict literal\n    _, l = sess.run([step, m.loss], feed_dict=make_feed(m, X, Y))\nsaver.save(sess, './net')  # TODO(tflearn-migrate): TFM144 class Net: defined in model.py, not translated: example.py: feed_dict is not a dict literal\n"


class ClassProgramRule(Rule):
    ID = "TFM144"
    TRIGGERS = ("tensorflow",)
    NAME = "class-program"
    MESSAGE = "TF1 model class (placeholder/loss attributes, Session outside) -> keras.Input attributes + LossModel"
    RATIONALE = ("A model class owning placeholders keeps its structure: placeholders become keras.Input "
                 "attributes (labels included, so the loss attribute stays the same graph tensor), "
                 "minimize(m.loss) becomes a LossModel over the placeholders the loss depends on, each "
                 "training sess.run becomes train_on_batch on the same batch (returning the same "
                 "pre-update loss), evaluations become predict_on_batch of a sub-model. A learning-rate "
                 "placeholder fed by every training run sets the optimizer's learning_rate before each step. A train "
                 "op returned by a helper method and grouped with batch-norm update ops (tf.group) is the "
                 "model (its layers update their moving statistics in the training step); the helper's step "
                 "counter and learning rate become a StepSchedule of the optimizer's iterations; a session the "
                 "class was given goes with its runs; a placeholder no op reads becomes an unconnected "
                 "keras.Input; tf.trainable_variables() filtered by the end of the TF1 names gives the Keras "
                 "weights as graph tensors named as TF1 named them. A model made by ANOTHER class in one of its "
                 "methods (`self.net = Model(...)`, the owner building `self.train_step = opt.minimize("
                 "self.net.loss)` there, opening `sess = tf.Session()` in a method and passing it to "
                 "`self.train_on_batch(sess, ...)` / `self.evaluate(sess)`) is the instance `self.net`: the "
                 "owner's attribute holds the LossModel, the session parameter and the arguments passing it go, "
                 "each fed value becomes np.asarray(value) (what TF1 did to every feed; the owner's methods are "
                 "fed what their callers pass), the owner's `tf.train.Saver()` saves the model's weights and an "
                 "initializer the building method returns becomes None (its caller's `sess.run(init)` goes). A "
                 "non-trainable step counter only the train op's global_step=, a summary and the class's own "
                 "Saver read goes (TF1's checkpoint carried it with the optimizer's slots; the Keras weights file "
                 "holds neither). A fed value that is a Python tuple / list (`x1, x2, y = zip(*batch)`, "
                 "a list built by append, a display) becomes np.asarray(value, <the placeholder's dtype>), "
                 "as TF1 converted every fed value.")
    ORDER = 55

    def _tc(self) -> TF1Classes:
        return self.ctx.analysis(TF1Classes)

    def _model_node(self, cp: ClassProgram, run=None) -> cst.BaseExpression:
        op = cp.train_ops[0] if cp.train_ops else None
        if run is not None and op is not None and op.method is not None and op.method.attr:
            # a run inside the class's method (self), or of a function's parameter given the instance
            return cst.parse_expression(f"{run.instance}.{op.method.attr}")
        return cst.parse_expression(self._model_name(cp))

    # -- the session a method took: its parameter and the arguments passing it go ------------------
    def leave_Param(self, original: cst.Param, updated: cst.Param):
        tc = self._tc()
        for cp in tc.classes.values():
            if not cp.why and (any(p is original for p in cp.session_param_nodes)
                               or any(p_ is original for p_ in cp.holder_params)):
                # the session a file function (run_epoch(model, session)) or another class
                # (ModelEvaluator(model, session)) was given with an instance goes with its runs
                self.ctx.count(self)
                return cst.RemoveFromParent()
            if cp.why or not cp.session_params:
                continue
            methods = tc._methods(cp.node)
            for mname, (_, idx) in cp.session_params.items():
                if methods[mname].params.params[idx] is original:
                    self.ctx.count(self)
                    return cst.RemoveFromParent()
        return updated

    def leave_Parameters(self, original: cst.Parameters, updated: cst.Parameters):
        # a removed session parameter: no comma left after the last one (``def __init__(self, )``)
        return drop_left_comma_params(original, updated)

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        tc = self._tc()
        for cp in tc.classes.values():
            if not cp.why and any(a is original for a in cp.session_args):
                self.ctx.count(self)
                return cst.RemoveFromParent()
        return updated

    def _model_name(self, cp: ClassProgram) -> str:
        op = cp.train_ops[0] if cp.train_ops else None
        if op is not None and op.method is not None and op.method.attr:
            return f"{op.instance}.{op.method.attr}"  # self.train_op holds the model
        if op is not None and op.method is not None and op.name:
            return op.name  # the method returns the model in the train op's place
        if op is not None and op.name and op.name.startswith("self."):
            return op.name  # the owner's ``self.train_step = opt.minimize(self.net.loss)`` (TF1Classes._owners)
        cache = self.__dict__.setdefault("_names", {})
        if cp.name not in cache:
            from ..analysis.flow import Flow
            from ..translate.encoder import free_name

            taken = {d.name for s in self.ctx.analysis(Flow).scopes.values() for d in s.defs}
            taken |= set(cache.values())
            cache[cp.name] = free_name(taken, f"{cp.name.lower()}_model" if cp.name.lower() != "model" else "model")
        return cache[cp.name]

    def _loss_inputs(self, cp: ClassProgram) -> list[str]:
        return cp.placeholders_of(cp.loss_attr(), ("input", "label"))

    def _weights_model(self, cp: ClassProgram, inst: str) -> cst.BaseExpression:
        """A file that instantiates a class of another module without training it (restores
        what the training file saved): ``LossModel([inputs of the loss], inst.loss)`` - the
        model the training file saves, built over the same layers, so its weights load into
        the instance's tensors."""
        self.ctx.use_helper("LossModel")
        return expr("LossModel({i}, {l})", i=self._inputs_node(inst, self._loss_inputs(cp)),
                    l=cst.Attribute(_inst_node(inst), cst.Name(cp.loss_attr())))

    def _x(self, cp, inst: str, attrs: list[str], feeds: dict[str, cst.BaseExpression], run=None):
        if any(a not in feeds for a in attrs):
            raise _Todo("the run does not feed " + ", ".join(f"{inst}.{a}" for a in attrs if a not in feeds))
        orig = run.feeds if run is not None else {}
        if run is not None and cp.owner is not None and run.instance == f"self.{cp.owner[1]}":
            # a run of the owner class (TF1Classes._owners): its methods are fed what their callers
            # pass (lists of rows, lists of token ids); TF1 converted each value with np.asarray
            vals = [self._owner_array(feeds[a]) for a in attrs]
        else:
            vals = [self._as_array(orig.get(a), feeds[a], cp.placeholders.get(a)) for a in attrs]
        return vals[0] if len(vals) == 1 else cst.List([cst.Element(v) for v in vals])

    def _owner_array(self, value):
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
                and isinstance(value.func.value, cst.Name) and value.func.value.value in ("np", "numpy") \
                and value.func.attr.value in ("asarray", "array", "zeros", "ones", "stack", "concatenate"):
            return value
        self.ctx.add_import("numpy", asname="np")
        return expr("np.asarray({v})", v=value)

    def _as_array(self, orig, value, placeholder=None):
        """TF1 converted every fed value with ``np.asarray``; Keras reads a Python list as several
        inputs. A loop variable over what a generator of this file yields (``for a, b in
        enumerate(next_batch(data, n))``: lists of rows, as the repositories' batchers build them)
        becomes ``np.asarray(value)``; a value that is provably a Python list / tuple
        (analysis/fed_values.py: ``x1, x2, y = zip(*batch)``, a list built by append, a display)
        becomes ``np.asarray(value, <the placeholder's dtype>)``, TF1's own conversion; anything
        else stays as it is."""
        from ..analysis.fed_values import tf1_feed_conversion
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        conv = tf1_feed_conversion(flow, orig, value, placeholder.dtype if placeholder is not None else None)
        if conv is not None:
            self.ctx.add_import("numpy", asname="np")
            return conv
        if not isinstance(orig, cst.Name):
            return value
        d = flow.def_of(orig.value, orig)
        if d is None or not isinstance(d.stmt, cst.For) or d.value is not None:
            return value
        it = d.stmt.iter
        while isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value in ("enumerate", "zip") \
                and len(it.args) == 1:
            it = it.args[0].value
        if not (isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value in flow.functions):
            return value
        self.ctx.add_import("numpy", asname="np")
        return expr("np.asarray({v})", v=value)

    def _inputs_node(self, inst: str, attrs: list[str]) -> cst.BaseExpression:
        nodes = [cst.Attribute(_inst_node(inst), cst.Name(a)) for a in attrs]
        return nodes[0] if len(nodes) == 1 else cst.List([cst.Element(n) for n in nodes])

    # -- statements -------------------------------------------------------------------------------
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        """A feed-helper method (``create_feed_dict``, TF1Classes._feed_method_dict) every call of
        which was the feed of a translated run, its dict now inlined there: it goes (its keys
        were the placeholders, which are gone)."""
        tc = self._tc()
        cls = self.ctx.parent(self.ctx.parent(original))
        if not isinstance(cls, cst.ClassDef):
            return updated
        cps = [cp for cp in tc.classes.values() if (cls.name.value, original.name.value) in cp.feed_methods]
        if not cps or any(cp.why for cp in cps):
            return updated
        from ..cstcache import walk

        name = original.name.value
        for node in walk(self.ctx.module):
            if isinstance(node, cst.Attribute) and node.attr.value == name:
                call_node = self.ctx.parent(node)
                st = self.ctx.statement_of(node)
                if not (isinstance(call_node, cst.Call) and call_node.func is node and st is not None
                        and any(id(st) in cp.feed_defs and self._only_runs(st.body[0], cp) for cp in cps)):
                    return updated
            elif isinstance(node, cst.Name) and node.value == name \
                    and not isinstance(self.ctx.parent(node), (cst.FunctionDef, cst.Attribute)):
                return updated  # (another class's method of that name - the base's abstract one - is no use)
        self.ctx.count(self)
        return cst.RemoveFromParent()

    def leave_If(self, original: cst.If, updated: cst.If):
        from ..analysis.tf1_program import emptied_guard

        if updated is not original and emptied_guard(original, updated):
            return cst.RemoveFromParent()  # ``if c is not None:`` around a clip now the optimizer's
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        tc = self._tc()
        if not tc.classes or len(original.body) != 1:
            return updated
        saved = self._saved_path(original, updated)
        if saved is not None:
            return saved
        for cp in tc.classes.values():
            try:
                out = self._statement(cp, original, updated)
            except _Todo as ex:
                self.todo(original, str(ex))
                return updated
            if out is not None:
                return out
        return updated

    def _saved_path_assign(self, c: cst.Call) -> bool:
        """``p = saver.save(..)``: one statement binding one name to the call."""
        a = self.ctx.parent(c)
        line = self.ctx.parent(a) if isinstance(a, cst.Assign) else None
        return isinstance(a, cst.Assign) and a.value is c and len(a.targets) == 1 \
            and isinstance(a.targets[0].target, cst.Name) and isinstance(line, cst.SimpleStatementLine) \
            and len(line.body) == 1

    def _saved_path(self, original, updated):
        """``p = saver.save(sess, path)``: TF1 returned the path it saved to, save_weights
        returns None - the call, then ``p = path`` (``p = saver.save(sess, path,
        global_step=step)``: TF1's ``"%s-%d" % (path, step)``, the prefix it saved to)."""
        small = original.body[0]
        c = small.value if isinstance(small, cst.Assign) else None
        if not isinstance(c, cst.Call) or id(c) not in self._tc().saver_call_ids() or self.ctx.has_todo(original):
            return None
        cp = self._saver_class(c)
        if cp is None or self._saver_why(cp, c):
            return None
        from ..analysis.tf1_program import _arg

        new = updated.body[0]
        value = _arg(c, 1, "save_path").deep_clone()
        step = _arg(c, 2, "global_step")
        if step is not None:
            value = expr("str({p}) + '-' + str(int({g}))", p=value, g=step.deep_clone())
        return cst.FlattenSentinel([
            updated.with_changes(body=[cst.Expr(new.value)]),
            cst.SimpleStatementLine([new.with_changes(value=value)])])

    def _rate_statement(self, cp: ClassProgram, original, updated):
        """The PTB tutorial's rate variable of a class (TF1Classes.rates): ``self._lr =
        tf.Variable(0.0, trainable=False)`` -> ``self._lr = 0.0`` (the optimizer's starting rate:
        Keras optimizers take a float); the placeholder and the assign ops go; a run of an assign
        op -> ``<inst>.<train op attr>.optimizer.learning_rate = <the fed value>`` (the Keras
        optimizer holds its rate in a variable read at every step, as TF1's optimizer read the
        variable)."""
        for cr in cp.rates:
            drop = original is cr.placeholder_stmt or any(original is a for a in cr.assigns.values())
            if original is not cr.stmt and not drop:
                continue
            if cp.why:
                raise _Todo(f"learning-rate variable kept: class {cp.name}: {cp.why}")
            self.ctx.count(self)
            if drop:
                return cst.RemoveFromParent()
            small = updated.body[0]
            return updated.with_changes(
                body=[small.with_changes(value=cr.start.deep_clone())],
                trailing_whitespace=cst.TrailingWhitespace(
                    whitespace=cst.SimpleWhitespace("  "),
                    comment=cst.Comment("# TF1's rate variable: its assign runs set the optimizer's learning_rate"),
                    newline=updated.trailing_whitespace.newline))
        if cp.why:
            return None
        for r in cp.runs:
            if r.statement is original and r.fetches and r.fetches[0] is not None and r.fetches[0][0] == "rate_set":
                cr = next(c for c in cp.rates if c.attr == r.fetches[0][1])
                feeds = self._feeds(r, updated.body[0].value)
                self.ctx.count(self)
                return stmt("{m}.optimizer.learning_rate = {v}", m=self._model_node(cp, r),
                            v=feeds[cr.placeholder]).with_changes(leading_lines=updated.leading_lines)
        return None

    def _statement(self, cp: ClassProgram, original, updated):
        rate = self._rate_statement(cp, original, updated) if cp.rates else None
        if rate is not None:
            return rate
        if not cp.why and any(st is original for st, _, _ in cp.scope_steps.values()):
            self.ctx.count(self)  # step = tf.Variable(0, trainable=False): the optimizer's iterations count
            return cst.RemoveFromParent()
        for p in [*cp.placeholders.values(), *cp.other_placeholders]:
            if p.statement is original:
                if self._tflearn_label(p):
                    # ``regression(..., placeholder=net.y_)`` reads it: one more Keras input,
                    # fed the targets (TFM116 / TFM117); the class is otherwise tflearn's
                    return self._placeholder(p, updated)
                if cp.why:
                    raise _Todo(f"placeholder kept: class {cp.name}: {cp.why}")
                if p.name in cp.learning_rates:  # the optimizer needs a float; each training run sets it
                    self.ctx.count(self)
                    small = updated.body[0]
                    return updated.with_changes(
                        body=[small.with_changes(value=cst.Float("0.0"))],
                        trailing_whitespace=cst.TrailingWhitespace(
                            whitespace=cst.SimpleWhitespace("  "),
                            comment=cst.Comment("# learning-rate placeholder: every training step sets the "
                                                "optimizer's rate to the value its run fed"),
                            newline=updated.trailing_whitespace.newline))
                if p.role == "hyper" and (cp.flag_args or cp.keep_args) and p.name not in cp.learning_rates:
                    # passed to functions / methods that only hand it to tf.layers' training= (now
                    # Keras' own training flag) or to a dropout's keep probability (now a Keras
                    # Dropout, rate 1 - the value the training runs fed): the attribute stays, unused
                    self.ctx.count(self)
                    small = updated.body[0]
                    what = ("training-mode placeholder: Keras' training flag (train_on_batch / predict) does its job"
                            if cp.flag_args else
                            "keep-probability placeholder: the Keras Dropout layers (training mode only) do its job")
                    return updated.with_changes(
                        body=[small.with_changes(value=cst.Name("None"))],
                        trailing_whitespace=cst.TrailingWhitespace(
                            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment("# " + what),
                            newline=updated.trailing_whitespace.newline))
                if p.role == "hyper":  # Keras' training flag (see TF1Classes._hyper)
                    self.ctx.count(self)
                    return cst.RemoveFromParent()
                if p.role == "inert":  # no TF1 op read it (TF1Classes._inert): the same `is` answers
                    from ..translate.tf1 import keras_input

                    self.ctx.count(self)
                    small = updated.body[0]
                    return updated.with_changes(
                        body=[small.with_changes(value=keras_input(self.ctx, [cst.Name("None")], p.dtype))],
                        trailing_whitespace=cst.TrailingWhitespace(
                            whitespace=cst.SimpleWhitespace("  "),
                            comment=cst.Comment("# no TF1 op read this placeholder (only `is` tests): "
                                                "what the runs fed it was never used"),
                            newline=updated.trailing_whitespace.newline))
                return self._placeholder(p, updated)
        if any(st is original for st in cp.session_stmts) and not cp.why:
            self.ctx.count(self)  # self.sess = sess: the session goes with its runs
            return cst.RemoveFromParent()
        if not cp.why and any(st is original for st in cp.owned_session_stmts):
            # a function owning its session: the session, its initializer run, ``return session``
            self.ctx.count(self)
            return cst.RemoveFromParent()
        if not cp.why and any(st is original for st in cp.session_fn_callers):
            self.ctx.count(self)  # sess = train(model, ..): the call trains; no session comes back
            return updated.with_changes(body=[cst.Expr(value=updated.body[0].value)])
        for op in cp.train_ops:
            if op.statement is original:
                if cp.why:
                    raise _Todo(f"train op kept: class {cp.name}: {cp.why}")
                return self._train_op(cp, op, updated)
            mo = op.method
            if mo is not None and any(st is original for st in mo.group_drop):
                if cp.why:
                    raise _Todo(f"train op kept: class {cp.name}: {cp.why}")
                self.ctx.count(self)  # [train_op] + update ops: the Keras model updates them itself
                return cst.RemoveFromParent()
            if mo is not None and mo.group_stmt is original:
                if cp.why:
                    raise _Todo(f"train op kept: class {cp.name}: {cp.why}")
                self.ctx.count(self)
                small = updated.body[0]
                return updated.with_changes(body=[small.with_changes(value=cst.Name(mo.group_local))])
            if mo is not None and mo.counter is not None and not cp.why:
                c = mo.counter
                if c["stmt"] is original:
                    self.ctx.count(self)  # the step counter: the Keras optimizer's iterations
                    return cst.RemoveFromParent()
                if id(original) in c["schedule"]:
                    return self._schedule(c, original, updated)
            if mo is not None and mo.function_return is original:
                if cp.why:
                    raise _Todo(f"train op kept: class {cp.name}: {cp.why}")
                self.ctx.count(self)  # return opt.minimize(loss) -> return opt: compiled by the caller
                ret = updated.body[0]
                step = ret.value
                if not (isinstance(step, cst.Call) and isinstance(step.func, cst.Attribute)):
                    raise _Todo("optimizer step not understood")
                return updated.with_changes(body=[ret.with_changes(value=step.func.value)])
            if any(e is original for e in op.extra):
                if cp.why:
                    raise _Todo(f"gradient computation kept: class {cp.name}: {cp.why}")
                self.ctx.count(self)  # gv = opt.compute_gradients(loss) of opt.apply_gradients(gv): the model's step
                return cst.RemoveFromParent()
            if op.method is not None and any(e is original for e in op.method.extra):
                if cp.why:
                    raise _Todo(f"gradient computation kept: class {cp.name}: {cp.why}")
                self.ctx.count(self)  # the gradients the train op applied: the optimizer's now
                return cst.RemoveFromParent()
        if not cp.why and any(st is original for st in cp.summary_attrs.values()) \
                and self._summary_attr_fetched_only(cp, original):
            self.ctx.count(self)  # self.summary_op = tf.summary.merge_all(): gone with its add_summary
            return cst.RemoveFromParent()
        norm = next((o for st, o in cp.norm_attrs.values() if st is original), None)
        if norm is not None and not cp.why:
            # self.grad_norm = tf.global_norm(gs): the norm the optimizer records at each step it applies
            self.ctx.use_helper("tf1_applied_global_norm")
            self.ctx.count(self)
            small = updated.body[0]
            return updated.with_changes(body=[small.with_changes(
                value=cst.Call(cst.Name("tf1_applied_global_norm"), [cst.Arg(norm.deep_clone())]))])
        if not cp.why and any(st is original for st in cp.numerics_attrs.values()) \
                and self._numerics_attr_fetched_only(cp, original):
            self.ctx.count(self)  # self.debug_op = tf.add_check_numerics_ops(): the steps check (TFM186)
            return cst.RemoveFromParent()
        if id(original) in cp.feed_defs and not cp.why and self._only_runs(original.body[0], cp):
            self.ctx.count(self)  # feed = {m.x: ...}: its values now go to train_on_batch/predict
            return cst.RemoveFromParent()
        if id(original) in cp.keyed_feeds and not cp.why:
            # one of several ``feed = {m.x: ...}`` before a run: keyed by the placeholders' names,
            # read by the translated run as feed["x"]
            self.ctx.count(self)
            d = updated.body[0].value
            elements = [el.with_changes(key=cst.SimpleString(f'"{a}"'))
                        for el, a in zip(d.elements, cp.keyed_feeds[id(original)])]
            return updated.with_changes(body=[updated.body[0].with_changes(value=d.with_changes(elements=elements))])
        for r in cp.runs:
            if r.statement is original and r.train:
                if cp.why:
                    raise _Todo(f"training run kept: class {cp.name}: {cp.why}")
                return self._train_run(cp, r, updated)
        if cp.why or not cp.instances:
            return None
        small = original.body[0]
        if self._unused_variable(cp, original, small):
            self.ctx.count(self)  # a non-trainable tf.Variable attribute nothing reads
            return cst.RemoveFromParent()
        if cp.session_attr and self._own_session_statement(cp, small):
            self.ctx.count(self)
            return cst.RemoveFromParent()
        if cp.param_init_runs and self._param_init_statement(cp, small):
            self.ctx.count(self)
            return cst.RemoveFromParent()
        if any(small is a for a in cp.local_savers) and all(c in self._saver_calls(cp) for c in cp.self_saver_calls):
            self.ctx.count(self)  # ``saver = tf.train.Saver()`` of a method given the session: its calls translated
            return cst.RemoveFromParent()
        if cp.owner is not None:
            done = self._owner_statement(cp, original, updated)
            if done is not None:
                return done
        # sessions / initializers of the scopes that use the class
        scopes = {id(s.node) for s, _ in cp.instances} | {id(s.node) for s in cp.owner_scopes} \
            | {id(fn) for fn in cp.session_scopes}
        from ..analysis.flow import Flow

        if id(self.ctx.analysis(Flow).scope_of(original).node) not in scopes:
            return None
        value = small.value if isinstance(small, (cst.Assign, cst.Expr)) else None
        if isinstance(value, cst.Call):
            q = self._tc().tp.qname(value)
            f = value.func
            if isinstance(small, cst.Assign) and (q in SESSIONS or q in INITIALIZERS or q in SAVERS) \
                    and self._only_runs(small, cp):
                self.ctx.count(self)
                return cst.RemoveFromParent()
            if isinstance(f, cst.Attribute) and f.attr.value == "run" and isinstance(f.value, cst.Call) \
                    and self._tc().tp.qname(f.value) in INITIALIZERS:
                self.ctx.count(self)
                return cst.RemoveFromParent()
            if isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.value.value in self._tc().tp.session_names:
                if f.attr.value == "close" or (f.attr.value == "run" and self._is_init(value, original)):
                    self.ctx.count(self)
                    return cst.RemoveFromParent()
            if isinstance(f, cst.Attribute) and f.attr.value == "run" and isinstance(f.value, cst.Name) \
                    and self._is_init(f.value, original):
                self.ctx.count(self)
                return cst.RemoveFromParent()
        return None

    _VARIABLE_LISTS = ("tensorflow.global_variables", "tensorflow.all_variables", "tensorflow.model_variables",
                       "tensorflow.local_variables", "tensorflow.get_collection", "tensorflow.variables_initializer")

    def _unused_variable(self, cp: ClassProgram, original, small) -> bool:
        """``self.step = tf.Variable(0, trainable=False)`` in the class, the attribute read nowhere
        in the file (a step counter never incremented, a learning rate never assigned): TF1 kept
        a variable no computation used; without a Saver or a variable list reading every
        variable of the graph it changed nothing, and it goes (``trainable=True`` stays: it
        was in ``tf.trainable_variables()``)."""
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call)):
            return False
        t = small.targets[0].target
        if not (isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self"):
            return False
        tp = self._tc().tp
        c = small.value
        if tp.qname(c) != "tensorflow.Variable" or not any(
                node is original for node in walk(cp.node) if isinstance(node, cst.SimpleStatementLine)):
            return False
        trainable = next((a.value for a in c.args if a.keyword is not None and a.keyword.value == "trainable"), None)
        if trainable is None or literal(trainable, None) is not False:
            return False
        iv = next((a.value for a in c.args if a.keyword is not None and a.keyword.value == "initial_value"),
                  c.args[0].value if c.args and c.args[0].keyword is None else None)
        if iv is None or literal(iv, None) is None or any(a.star for a in c.args):
            return False  # the initial value: a literal (nothing else is computed for it)
        attr = t.attr.value
        steps = {id(op.call) for op in cp.train_ops} | {id(call_) for _, call_, _ in cp.method_ops}
        counted = decays = 0
        own_saver = False
        for node in walk(self.ctx.module):
            if isinstance(node, cst.Attribute) and node.attr.value == attr and node is not t:
                arg = self.ctx.parent(node)
                if isinstance(arg, cst.Arg) and arg.keyword is not None and arg.keyword.value == "global_step" \
                        and id(self.ctx.parent(arg)) in steps and not cp.why:
                    counted += 1
                    continue  # minimize(global_step=self.step): the Keras optimizer counts its own steps
                dc = self.ctx.parent(arg) if isinstance(arg, cst.Arg) else None
                if isinstance(dc, cst.Call) and tp.qname(dc) == "tensorflow.train.exponential_decay" and (
                        (arg.keyword is not None and arg.keyword.value == "global_step")
                        or (arg.keyword is None and list(dc.args).index(arg) == 1)):
                    decays += 1  # TFM133's ExponentialDecay reads the optimizer's iterations instead
                    continue
                if isinstance(dc, cst.Call) and (tp.qname(dc) or "").startswith("tensorflow.summary.") \
                        and isinstance(self.ctx.parent(dc), cst.Expr) and self.ctx.rule_active("TFM142"):
                    continue  # tf.summary.scalar('step', self.step): gone with the summaries (TFM142)
                return False
            if isinstance(node, cst.Call) and (tp.qname(node) in SAVERS or tp.qname(node) in self._VARIABLE_LISTS):
                if tp.qname(node) in SAVERS and self._own_weights_saver(cp, node):
                    own_saver = True
                    continue
                if tp.qname(node) in SAVERS and self._unread_saver(node):
                    continue  # ``saver = tf.train.Saver()`` nothing reads: it saves nothing
                key = node.args[0].value if tp.qname(node) == "tensorflow.get_collection" and node.args else None
                if key is None or self.ctx.legacy_name(key) != "tensorflow.GraphKeys.TRAINABLE_VARIABLES":
                    return False  # (the trainable collection never holds a trainable=False counter)
            if isinstance(node, cst.Name) and node.value in ("getattr", "vars", "__dict__"):
                return False
        # a decay of the counter is the optimizer's schedule only when the counter counts its
        # updates from 0: 0 at the start, +1 by the one train op's minimize(global_step=)
        if own_saver and (decays or counted != 1):
            return False  # a counter the checkpoint carried that a computation reads
        return not decays or (counted == 1 and len(steps) == 1 and literal(iv, None) == 0)

    def _unread_saver(self, node: cst.Call) -> bool:
        """``name = tf.train.Saver(...)`` whose name nothing reads."""
        from ..cstcache import name_read

        stmt_ = self.ctx.statement_of(node)
        small = stmt_.body[0] if isinstance(stmt_, cst.SimpleStatementLine) and len(stmt_.body) == 1 else None
        return isinstance(small, cst.Assign) and small.value is node and len(small.targets) == 1 \
            and isinstance(small.targets[0].target, cst.Name) and not name_read(self.ctx.module, small.targets[0].target.value)

    def _own_weights_saver(self, cp: ClassProgram, node: cst.Call) -> bool:
        """``self.saver = tf.train.Saver()`` of the class owning its session whose every save /
        restore becomes save_weights / load_weights of the class's model: a step counter counted
        only by the train op's ``global_step=`` is no weight of that model. TF1's checkpoint carried
        it with the optimizer's slots; the Keras weights file carries neither, and nothing reads
        the counter (the Keras optimizer counts its own iterations)."""
        from ..analysis.tf1_classes import _self_attr

        stmt_ = self.ctx.statement_of(node)
        small = stmt_.body[0] if isinstance(stmt_, cst.SimpleStatementLine) and len(stmt_.body) == 1 else None
        return isinstance(small, cst.Assign) and small.value is node and not node.args and len(small.targets) == 1 \
            and cp.saver_attr is not None and _self_attr(small.targets[0].target) == cp.saver_attr \
            and bool(cp.self_saver_calls) and all(c in self._saver_calls(cp) for c in cp.self_saver_calls)
    def _owner_statement(self, cp: ClassProgram, original, updated):
        """The owner class's Saver statement (its saves translated) and the initializer its
        building method returns (``init = tf.global_variables_initializer()`` -> ``init = None``;
        the caller's ``sess.run(init)`` goes): TF1Classes._owner_runs."""
        if original is cp.owner_saver_stmt and all(c in self._saver_calls(cp) for c in cp.owner_saver_calls):
            self.ctx.count(self)
            return cst.RemoveFromParent()
        if any(original is st for st in cp.owner_session_attrs):
            self.ctx.count(self)  # ``self.sess = sess``: the session goes with its runs
            return cst.RemoveFromParent()
        for init_stmt, runs in cp.owner_inits:
            if original is init_stmt:
                self.ctx.count(self)  # the model's variables are made initialized: nothing to initialize
                small = updated.body[0]
                return updated.with_changes(body=[small.with_changes(value=cst.Name("None"))])
            if any(original is r for r in runs):
                self.ctx.count(self)
                return cst.RemoveFromParent()
        return None

    def _own_session_statement(self, cp: ClassProgram, small) -> bool:
        """``self.sess = tf.Session()``, ``self.sess.run(<initializer>)``, ``self.saver =
        tf.train.Saver()`` of a class owning its session (TF1Classes._session_attr): every run
        of it is translated, the model holds the variables (created initialized)."""
        from ..analysis.tf1_classes import _self_attr

        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            a = _self_attr(small.targets[0].target)
            if a == cp.session_attr:
                return True
            if isinstance(small.targets[0].target, cst.Name) and self._is_init(small.value, small):
                return self._init_for_own_runs(cp, small)
            return a is not None and a == cp.saver_attr and all(
                c in self._saver_calls(cp) for c in cp.self_saver_calls)
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            f = small.value.func
            if isinstance(f, cst.Attribute) and f.attr.value == "close" and not small.value.args:
                return _self_attr(f.value) == cp.session_attr  # ``self.sess.close()`` (TF1Classes)
            return isinstance(f, cst.Attribute) and f.attr.value == "run" \
                and _self_attr(f.value) == cp.session_attr and self._is_init(small.value, small)
        return False

    def _param_init_statement(self, cp: ClassProgram, small) -> bool:
        """``sess.run(<initializer>)`` in a method given the session (TF1Classes._method_runs:
        before the method's runs, the method called once per instance), or ``init =
        tf.global_variables_initializer()`` read only by such runs: they go with the session (the
        model's weights are created initialized)."""
        if isinstance(small, cst.Expr):
            return any(small.value is c for c in cp.param_init_runs)
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name) \
                and self._is_init(small.value, small):
            return self._init_for_own_runs(cp, small, cp.param_init_runs)
        return False

    def _init_for_own_runs(self, cp: ClassProgram, assign: cst.Assign, calls=None) -> bool:
        """``init = tf.global_variables_initializer()`` in a method of a class owning its session,
        the name read only by ``self.<session>.run(init)`` statements of that method (they go with
        the session): the binding goes too."""
        from ..analysis.flow import Flow
        from ..analysis.tf1_classes import _self_attr
        from ..cstcache import walk

        flow = self.ctx.analysis(Flow)
        home = flow.scope_of(assign)
        name = assign.targets[0].target.value
        reads = 0
        for n in walk(home.node):
            if not (isinstance(n, cst.Name) and n.value == name) or flow.scope_of(n) is not home:
                continue
            parent = self.ctx.parent(n)
            if isinstance(parent, cst.AssignTarget) and parent.target is n:
                if self.ctx.parent(parent) is not assign:
                    return False  # bound twice
                continue
            call = self.ctx.parent(parent) if isinstance(parent, cst.Arg) and parent.keyword is None else None
            if calls is not None:
                if not any(call is c for c in calls):
                    return False
            elif not (isinstance(call, cst.Call) and len(call.args) == 1 and isinstance(call.func, cst.Attribute)
                      and call.func.attr.value == "run" and _self_attr(call.func.value) == cp.session_attr
                      and isinstance(self.ctx.parent(call), cst.Expr)):
                return False
            reads += 1
        return reads > 0

    def _is_init(self, node, at) -> bool:
        """``sess.run(init)`` / ``sess.run(tf.global_variables_initializer())`` / ``init`` itself."""
        tp = self._tc().tp
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "run":
            node = node.args[0].value if node.args else None
        if isinstance(node, cst.Call):
            return tp.qname(node) in INITIALIZERS
        if isinstance(node, cst.Name):
            from ..analysis.flow import Flow

            d = self.ctx.analysis(Flow).def_of(node.value, at)
            return d is not None and isinstance(d.value, cst.Call) and tp.qname(d.value) in INITIALIZERS
        return False

    def _only_runs(self, assign: cst.Assign, cp: ClassProgram) -> bool:
        """The session / initializer name is read only by runs this rule replaces, ``close()``
        and initializer runs."""
        from ..cstcache import walk

        from ..analysis.flow import Flow

        names = {t.target.value for t in assign.targets if isinstance(t.target, cst.Name)}
        handled = {id(r.call) for r in cp.runs}
        handled |= {id(c) for c in self._saver_calls(cp)}
        handled |= {id(st.body[0].value) for _, runs in cp.owner_inits for st in runs}  # sess.run(init)
        flow = self.ctx.analysis(Flow)
        home = flow.scope_of(assign)
        for node in walk(self.ctx.module):
            if not isinstance(node, cst.Name) or node.value not in names:
                continue
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.Attribute) and parent.attr is node) \
                    or isinstance(parent, cst.Param) or (isinstance(parent, cst.Arg) and parent.keyword is node):
                continue
            sc = flow.scope_of(node)
            if sc is not home and sc is not None and sc.by_name.get(node.value):
                continue  # another function's own variable of that name (a parameter, a local)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                call_node = self.ctx.parent(parent)
                if isinstance(call_node, cst.Call) and (id(call_node) in handled or parent.attr.value == "close"
                                                        or self._is_init(call_node, call_node)):
                    continue
            if isinstance(parent, cst.Arg):
                if any(a is parent for a in cp.session_args):
                    continue  # passed to a method whose runs are translated: the argument goes
                call_node = self.ctx.parent(parent)
                if isinstance(call_node, cst.Call) and (self._is_init(call_node, call_node)
                                                        or id(call_node) in handled):
                    continue
            if self._tc().tp.in_writer(node) or self._tc().step_read(node) or self._tc().default_block(node):
                continue
            if any(self.ctx.statement_of(node) is st for st in cp.owner_session_attrs):
                continue  # ``self.sess = sess``: goes with the session
            return False
        return True

    # -- savers ---------------------------------------------------------------------------------------
    def _saver_calls(self, cp: ClassProgram) -> list[cst.Call]:
        """``saver.save(sess, path)`` / ``saver.restore(sess, path)`` calls in the scopes that
        use the class that this rule translates (the class's LossModel holds every variable
        a ``tf.train.Saver()`` of the graph would save)."""
        cache = self.__dict__.setdefault("_savers", {})
        if cp.name not in cache:
            cache[cp.name] = [c for c in self._tc().saver_calls() if self._saver_class(c) is cp
                              and not self._saver_why(cp, c)]
        return cache[cp.name]

    def _saver_class(self, c: cst.Call) -> ClassProgram | None:
        """The one class program whose instance lives in the saver call's scope."""
        from ..analysis.flow import Flow

        own = [cp for cp in self._tc().classes.values()
               if any(x is c for x in cp.self_saver_calls) or any(x is c for x in cp.owner_saver_calls)]
        if own:  # self.saver.save(self.sess, path) in a method of the class owning its session
            return own[0]
        scope = self.ctx.analysis(Flow).scope_of(c)
        found = [cp for cp in self._tc().classes.values() if self._tc().runs_in(cp, scope)]
        return found[0] if len(found) == 1 else None

    def _saver_why(self, cp: ClassProgram, c: cst.Call) -> str:
        from ..analysis.tf1_program import _arg

        if cp.why or (cp.distinct_train_ops() != 1 and not (cp.remote is not None and not cp.train_ops)):
            return f"class {cp.name}: {cp.why or 'no single train op'}"
        step = _arg(c, 2, "global_step") if c.func.attr.value == "save" else None
        if len(c.args) != 2 + (step is not None) or any(
                a.keyword is not None and a.keyword.value not in ("sess", "save_path", "global_step")
                for a in c.args):
            return "Saver.save/restore arguments other than (sess, save_path, global_step) are not translated"
        if step is not None and (any(isinstance(n, cst.Call) for n in _walk_nodes(step))
                                 or any(self._tc()._inst_attr(n, inst) is not None
                                        for _, inst in cp.instances for n in _walk_nodes(step))):
            return "Saver.save(global_step=) of a call or a tensor of the model"
        if step is not None and not isinstance(self.ctx.parent(c), cst.Expr) and not (
                isinstance(step, (cst.Name, cst.Attribute, cst.Integer)) and self._saved_path_assign(c)):
            return "the path Saver.save(global_step=) returned is used"
        from ..analysis.flow import Flow

        if any(x is c for x in cp.self_saver_calls) or any(x is c for x in cp.owner_saver_calls):
            # self.saver: tf.train.Saver() (TF1Classes._self_saver_call / _owner_runs)
            saver = cst.Call(cst.Name("Saver"))
        else:
            flow = self.ctx.analysis(Flow)
            d = flow.def_of(c.func.value.value, c)
            sc, mod = flow.scope_of(c), flow.scopes[id(self.ctx.module)]
            if d is None and sc is not mod and not sc.by_name.get(c.func.value.value) \
                    and len(mod.by_name.get(c.func.value.value, ())) == 1:
                d = mod.by_name[c.func.value.value][0]  # a module Saver read by ``def main():`` as a global
            saver = d.value if d is not None else None
        if not isinstance(saver, cst.Call):
            return "the Saver is not bound once before its use"
        var_list = _arg(saver, 0, "var_list")
        if var_list is not None and not (  # tf.global_variables(): every variable, as Saver() saves
                isinstance(var_list, cst.Call) and not var_list.args
                and self.ctx.legacy_name(var_list) in ("tensorflow.global_variables", "tensorflow.all_variables")):
            return "Saver(var_list) saves only some variables: the model's weights are all of them"
        path = _arg(c, 1, "save_path")
        if path is None:
            return "save path not given"
        if c.func.attr.value == "save" and any(isinstance(n, cst.Call) and not self._pure_path_call(n)
                                               for n in _walk_nodes(path)):
            return "a save path computed by a call (it would be evaluated twice)"
        parent = self.ctx.parent(c)
        if not isinstance(parent, cst.Expr):
            assign = parent if isinstance(parent, cst.Assign) else None
            simple = isinstance(path, (cst.Name, cst.SimpleString, cst.Attribute)) or (
                # ``os.path.join(d, "ckpt")``: a string of its arguments, computed again for the value
                isinstance(path, cst.Call) and not any(
                    isinstance(n, cst.Call) and not self._pure_path_call(n) for n in _walk_nodes(path))
                and not any(isinstance(n, (cst.Lambda, cst.NamedExpr, cst.Yield, cst.Await))
                            for n in _walk_nodes(path)))
            if c.func.attr.value != "save" or not simple \
                    or (assign is None and _arg(c, 2, "global_step") is not None) \
                    or (assign is not None and len(assign.targets) != 1):
                return "the value returned by Saver.save/restore is used"
        return ""

    # path functions that only compute a string from their arguments: the save path (the
    # directory made first, then the weights saved) may evaluate them twice
    _PURE_PATH_CALLS = frozenset({"os.path.join", "os.path.abspath", "os.path.normpath", "os.path.expanduser",
                                  "os.path.dirname", "os.path.basename", "str"})

    def _pure_path_call(self, n: cst.Call) -> bool:
        return not any(a.star for a in n.args) and bool(self.ctx.qualified(n.func)) \
            and self.ctx.qualified(n.func) <= self._PURE_PATH_CALLS

    def _checkpoint_exists(self, original: cst.Call, updated: cst.Call):
        """``tf.train.checkpoint_exists(p)`` next to the class's savers: they write / read
        ``p + ".weights.h5"`` (see ``_saver_call``), so the checkpoint exists when that file does."""
        from ..analysis.tf1_program import _arg

        cp = self._saver_class(original)
        if cp is None or cp.why or not self._saver_calls(cp) or len(updated.args) != 1:
            return updated
        path = _arg(updated, 0, "checkpoint_prefix")
        v = literal(path, None)
        new = to_node(v + ".weights.h5") if isinstance(v, str) else expr('str({p}) + ".weights.h5"', p=path)
        self.ctx.add_import("os")
        self.ctx.count(self)
        return call("os.path.exists", new)

    def _saver_call(self, original: cst.Call, updated: cst.Call):
        from ..analysis.tf1_program import _arg

        tc = self._tc()
        if id(original) not in tc.saver_call_ids():
            return updated
        cp = self._saver_class(original)
        if cp is None:
            return updated  # TFM140's: no class program here
        why = self._saver_why(cp, original)
        if why:
            self.todo(original, why)
            return updated
        path = base = _arg(updated, 1, "save_path")
        step = _arg(updated, 2, "global_step") if original.func.attr.value == "save" else None
        if step is not None:  # TF1 saved to <save_path>-<global_step>
            path = expr("str({p}) + '-' + str(int({g}))", p=path, g=step)
        v = literal(path, None)
        if isinstance(v, str):
            new = to_node(v if v.endswith(".weights.h5") else v + ".weights.h5")
        elif isinstance(path, cst.BinaryOperation):
            new = expr('{p} + ".weights.h5"', p=path)
        else:
            new = expr('str({p}) + ".weights.h5"', p=path)
        self.ctx.add_import("keras")
        self.ctx.count(self)
        method = "save_weights" if original.func.attr.value == "save" else "load_weights"
        value_read = method == "save_weights" and step is None \
            and not isinstance(self.ctx.parent(original), (cst.Expr, cst.Assign))
        if method == "save_weights" and not value_read:
            from ..analysis.tf1_program import saver_makedirs

            mk = saver_makedirs(base)  # (the directory of <save_path>-<step> too)
            if mk is not None:
                self.ctx.add_import("os")
                self.ctx.insert_before(original, [mk])
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        scope = flow.scope_of(original)
        here = [n for s, n in cp.instances if s is scope]
        if cp.train_ops and original.func.attr.value == "restore" and len(here) == 1 \
                and isinstance(scope.node, cst.FunctionDef) \
                and flow.scope_of(cp.train_ops[0].statement) not in (scope, flow.scope_of(self.ctx.module)):
            # restored into an instance built again in another function (TF1: a new graph of the same
            # model, its variables read back by name): the same model over this instance's layers
            model = self._weights_model(cp, here[0])
        elif cp.train_ops:
            model = self._model_node(cp)
        else:  # a class of another module, trained elsewhere (TF1Classes._remote_classes)
            model = self._weights_model(cp, next(n for s, n in cp.instances if s is scope))
        if any(x is original for x in cp.self_saver_calls):  # inside the class: its own model
            model = cst.parse_expression(f"self.{cp.train_ops[0].method.attr}")
        if value_read:  # print(saver.save(sess, p)): TF1's value is the prefix p
            self.ctx.use_helper("tf1_saved_path")
            return call("tf1_saved_path", model, new, base)
        return expr("{m}.%s({p})" % method, m=model, p=new)

    def _tflearn_label(self, p) -> bool:
        if not self.ctx.rule_active("TFM116"):
            return False
        from ..analysis.tflearn_model import TflearnProgram

        return id(p.call) in self.ctx.analysis(TflearnProgram).label_placeholder_calls()

    def _placeholder(self, p, updated):
        from ..translate.tf1 import keras_input

        elems = p.shape_elements
        # ``[None, *self.image_size]`` or a shape held in a name (``__init__(self, input_shape)``):
        # ``shape=tuple(<shape>)[1:]`` - the batch dimension dropped as from a literal list
        if elems is not None and any(isinstance(e, cst.StarredElement) for e in p.shape.elements) \
                or elems is None and isinstance(p.shape, (cst.Name, cst.Attribute)) and literal(p.shape, 0) is not None:
            from ..translate.tf1 import keras_input  # [None, *self.image_size]: shape=tuple([...])[1:]

            self.ctx.count(self)
            small = updated.body[0]
            shape = [a for a in small.value.args if a.keyword is not None and a.keyword.value == "shape"] or \
                [a for a in small.value.args if a.keyword is None][1:2]
            return updated.with_changes(body=[small.with_changes(
                value=keras_input(self.ctx, None, p.dtype, shape[0].value))])
        if elems is None or not elems:
            raise _Todo(f"placeholder self.{p.name}: shape not a literal list")
        self.ctx.count(self)
        small = updated.body[0]
        return updated.with_changes(body=[small.with_changes(value=keras_input(self.ctx, elems, p.dtype))])

    def _schedule(self, c: dict, original, updated):
        """``lr = f(global_step)`` in the train op's method -> ``@StepSchedule def lr(iterations)``:
        the n-th TF1 training run read the counter at ``start + n`` (minimize(global_step=) adds 1
        after the update); Keras calls the schedule with the optimizer's iterations, n."""
        from ..translate.session_program import _replace_names

        name = c["schedule"][id(original)]
        self.ctx.add_import("keras")
        self.ctx.use_helper("StepSchedule")
        self.ctx.count(self)
        it = "iterations"
        value = _replace_names(updated.body[0].value, {n: [it] for n in c["names"] if n != name})
        body = []
        if any(isinstance(x, cst.Name) and x.value == c["name"] for x in _walk_nodes(original)):
            v = f"keras.ops.cast({it}, {c['dtype']!r})"
            if c["start"] != 0:
                v = f"{c['start']!r} + {v}"
            body.append(cst.SimpleStatementLine(
                [cst.Assign([cst.AssignTarget(cst.Name(c["name"]))], cst.parse_expression(v))],
                trailing_whitespace=cst.TrailingWhitespace(
                    whitespace=cst.SimpleWhitespace("  "),
                    comment=cst.Comment("# the TF1 counter before this update (1 per training run)"),
                    newline=cst.Newline())))
        body.append(cst.SimpleStatementLine([cst.Return(value)]))
        return cst.FunctionDef(
            name=cst.Name(name), params=cst.Parameters([cst.Param(cst.Name(it))]),
            body=cst.IndentedBlock(body), decorators=[cst.Decorator(cst.Name("StepSchedule"))],
            leading_lines=original.leading_lines)

    def _method_train_op(self, cp: ClassProgram, op, updated):
        """Inside the method: ``train = <optimizer step>`` -> ``train = LossModel([self.x, ...],
        loss)`` compiled with the optimizer (clipping as the TF1 step clipped); the method still
        returns it, so the caller's train op name holds the model."""
        mo = op.method
        small = updated.body[0]
        value = small.value
        if mo.function_return is not None and isinstance(value, cst.Call):
            opt = value  # optimize(self.loss, lr): the module function now returns the optimizer
        elif not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
            raise _Todo("optimizer step not understood")
        else:
            opt = value.func.value
        if cp.distinct_train_ops() != 1 or (op.name is None and not mo.attr):
            raise _Todo(f"{mo.method}(): the train op it returns is not bound by the caller")
        loss = cst.Name(mo.loss_node.value) if isinstance(mo.loss_node, cst.Name) else (
            cst.Name(mo.loss_param) if mo.loss_param else cst.Attribute(cst.Name("self"), cst.Name(mo.loss_node.attr.value)))
        ins = self._inputs_node("self", self._loss_inputs(cp))
        self.ctx.add_import("keras")
        self.ctx.count(self)
        # the method's own name when it returns the op (``self.train_op = self.get_train_op()``)
        target = cst.Name(mo.local) if mo.local else cst.Attribute(cst.Name("self"), cst.Name(mo.attr))
        if mo.returned:  # ``return opt.apply_gradients(gv)``: a local of the caller's attribute's name, returned
            target = cst.Name(mo.attr)
        stmts = self._model_statements(cp, target, ins, loss, "self", _self_attr_name(mo.loss_node), opt)
        if mo.returned:
            stmts.append(stmt("return {t}", t=target))
        if mo.clip is not None:  # TF1 clipped each gradient before applying it: Keras' optimizer does
            if not (isinstance(opt, cst.Name) or _self_attr_name(opt) is not None):  # opt / self.opt
                raise _Todo("apply_gradients on an unnamed optimizer")
            stmts.insert(0, stmt("{o}.%s = {v}" % mo.clip[0], o=opt, v=mo.clip[1]))
        stmts[0] = stmts[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(stmts)

    def _train_op(self, cp: ClassProgram, op, updated):
        if op.method is not None:
            return self._method_train_op(cp, op, updated)
        small = updated.body[0]
        value = small.value
        if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
            raise _Todo("minimize() call not understood")
        model = self._model_name(cp)
        ins = self._inputs_node(op.instance, self._loss_inputs(cp))
        loss = cst.Attribute(_inst_node(op.instance), cst.Name(op.loss))
        self.ctx.add_import("keras")
        self.ctx.count(self)
        stmts = self._model_statements(cp, cst.parse_expression(model), ins, loss, op.instance, op.loss, value.func.value)
        if getattr(op, "clip", None) is not None:  # TF1 clipped the gradients' global norm: Keras' optimizer does
            stmts.insert(0, stmt("{o}.%s = {v}" % op.clip[0], o=value.func.value, v=op.clip[1]))
        stmts[0] = stmts[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(stmts)

    def _reads_penalties(self, cls: cst.ClassDef) -> bool:
        """The class reads TF1's regularization losses (RegularizationReads, what TFM151 turns into
        the penalties of the class's layers): its loss tensor holds them, so its LossModel must not
        add Keras' layer losses again."""
        from ..analysis.regularization import RegularizationReads

        for read in self.ctx.analysis(RegularizationReads).reads:
            n = self.ctx.parent(read)
            while n is not None and n is not cls:
                n = self.ctx.parent(n)
            if n is cls:
                return True
        return False

    def _model_statements(self, cp: ClassProgram, target, ins, loss, inst: str, loss_attr: str | None, opt) -> list:
        """``target = LossModel(ins, loss)`` + its compile; when the training runs fetch metrics of
        a stochastic graph (``_step_fetches``), a FetchingLossModel of ``inst``'s fetched
        attributes whose step returns them."""
        outs = self._step_fetches(cp)
        if outs:
            self.ctx.use_helper("FetchingLossModel")
            first = stmt("{m} = FetchingLossModel({i}, {o}, %d)" % outs.index(loss_attr), m=target, i=ins,
                         o=cst.List([cst.Element(cst.Attribute(_inst_node(inst), cst.Name(a))) for a in outs]))
        else:
            self.ctx.use_helper("LossModel")
            if self._reads_penalties(cp.node):  # TFM151: tf1_regularization_losses(self) in the loss itself
                first = stmt("{m} = LossModel({i}, {l}, layer_losses=False)", m=target, i=ins, l=loss)
            else:
                first = stmt("{m} = LossModel({i}, {l})", m=target, i=ins, l=loss)
        return [first, stmt("{m}.compile(optimizer={o})", m=target, o=opt)]

    def _train_run(self, cp: ClassProgram, r, updated):
        small = updated.body[0]
        value = small.value if isinstance(small, (cst.Assign, cst.Expr, cst.Return)) else None
        if not isinstance(value, cst.Call) or value is not None and not (
                isinstance(value.func, cst.Attribute) and value.func.attr.value == "run"):
            raise _Todo("the training sess.run is inside a larger expression")
        op = cp.train_ops[0]
        feeds = self._feeds(r, value)
        step = expr("{m}.train_on_batch({x})", m=self._model_node(cp, r),
                    x=self._x(cp, r.instance, self._loss_inputs(cp), feeds, r))
        if isinstance(small, cst.Return):
            # ``return sess.run([self.train_op, self.loss], feed)`` (a model's own train() method):
            # the same values, the train op's None and the loss the step returns
            kinds = [kind == "op" or (kind == "attr" and name == op.loss) for kind, name in r.fetches]
            if not all(kinds) or sum(kind == "attr" for kind, _ in r.fetches) > 1 or cp.learning_rates:
                raise _Todo("a returned training sess.run fetching more than the train op and the loss")
            self.ctx.count(self)
            if not r.fetch_is_list:  # the train op alone: TF1 returned None
                return cst.FlattenSentinel([updated.with_changes(body=[cst.Expr(step)]),
                                            cst.SimpleStatementLine([cst.Return(cst.Name("None"))])])
            elems = [cst.Element(step if kind == "attr" else cst.Name("None")) for kind, _ in r.fetches]
            return updated.with_changes(body=[cst.Return(cst.List(elems))])
        # a learning-rate placeholder: the optimizer's rate becomes the fed value before the step
        rates = [stmt("{m}.optimizer.learning_rate = {v}", m=self._model_node(cp, r), v=feeds[a])
                 for a in sorted(cp.learning_rates) if a in feeds]

        def out(new):
            if not rates:
                return new
            if isinstance(new, cst.FlattenSentinel):
                first, *rest = list(new.nodes)
                return cst.FlattenSentinel([rates[0].with_changes(leading_lines=first.leading_lines), *rates[1:],
                                            first.with_changes(leading_lines=[]), *rest])
            return cst.FlattenSentinel([rates[0].with_changes(leading_lines=new.leading_lines), *rates[1:],
                                        new.with_changes(leading_lines=[])])
        target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
        if isinstance(small, cst.Assign) and len(small.targets) != 1:
            raise _Todo("chained assignment of sess.run")
        if r.fetch_is_list and target is not None and (
                not isinstance(target, (cst.Tuple, cst.List)) or len(target.elements) != len(r.fetches)):
            raise _Todo("sess.run result not unpacked into one name per fetch")
        for i, (kind, name) in enumerate(r.fetches):
            if kind == "summary" and target is not None:
                t = target.elements[i].value if r.fetch_is_list else target
                if not self._writer_only(t):
                    raise _Todo(f"the summary {name} fetched by the training run is read other than by add_summary")
        if any(kind == "numerics" for kind, _ in r.fetches):
            step = self._numerics_step(cp, r, target, step)
        if any(kind == "attr" and name != op.loss for kind, name in r.fetches):
            return out(self._with_steps(cp, r, target, self._train_run_fetches(cp, r, updated, step, target, feeds)))
        self.ctx.count(self)
        if isinstance(small, cst.Expr) or not r.fetch_is_list:
            return out(updated.with_changes(body=[cst.Expr(step)]))
        loss_t = next((el.value for el, f in zip(target.elements, r.fetches) if f[0] == "attr"), None)
        if loss_t is None or (isinstance(loss_t, cst.Name) and loss_t.value == "_"):
            return out(self._with_steps(cp, r, target, updated.with_changes(body=[cst.Expr(step)])))
        return out(self._with_steps(cp, r, target, updated.with_changes(
            body=[cst.Assign(targets=[cst.AssignTarget(loss_t)], value=step)])))

    def _numerics_step(self, cp: ClassProgram, r, target, step):
        """A training run fetching ``tf.add_check_numerics_ops()`` (TFM186): TF1 raised
        InvalidArgumentError when a float tensor of the step was NaN / Inf; the step's loss and
        the weights it left are checked instead (``tf1_check_numerics(model, loss)`` returns the
        loss, raising TF1InvalidArgumentError)."""
        if not self.ctx.rule_active("TFM186"):
            raise _Todo("the training run fetches tf.add_check_numerics_ops() (TFM186 is not enabled)")
        for el, (kind, name) in zip(target.elements if r.fetch_is_list and target is not None else (), r.fetches):
            if kind == "numerics" and not (isinstance(el.value, cst.Name) and el.value.value == "_"):
                raise _Todo(f"what {r.instance}.{name} (tf.add_check_numerics_ops()) evaluated to is read")
        if any(kind == "attr" and name != cp.train_ops[0].loss for kind, name in r.fetches):
            raise _Todo("a training run fetching tf.add_check_numerics_ops() and tensors besides the loss")
        self.ctx.use_helper("tf1_check_numerics")
        return expr("tf1_check_numerics({m}, {s})", m=step.func.value, s=step)

    def _step_value(self, cp: ClassProgram, name: str) -> cst.BaseExpression:
        """The value of the scope's step counter ``name`` now: its start + the updates the
        optimizer applied (TF1's ``minimize(global_step=)`` added 1 after each)."""
        start = cp.scope_steps[name][1]
        value = expr("keras.ops.convert_to_numpy({m}.optimizer.iterations)", m=cst.parse_expression(self._model_name(cp)))
        self.ctx.add_import("keras")
        return value if not start else cst.BinaryOperation(cst.Integer(str(start)), cst.Add(), value)

    def _with_steps(self, cp: ClassProgram, r, target, new):
        """A training run's step counter fetches: read after the update (TF1 returned the value the
        update left); its fetches of the applied gradients' global norm: the value the optimizer
        recorded in that step (``tf1_applied_global_norm``)."""
        steps = [(el.value, kind, name) for el, (kind, name) in zip(target.elements, r.fetches)
                 if kind in ("step", "norm") and not (isinstance(el.value, cst.Name) and el.value.value == "_")] \
            if target is not None and r.fetch_is_list else []
        if not steps:
            return new
        after = [cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(t)], self._step_value(cp, name) if kind == "step"
                                                     else self._norm_value(r, name))])
                 for t, kind, name in steps]
        nodes = list(new.nodes) if isinstance(new, cst.FlattenSentinel) else [new]
        return cst.FlattenSentinel([*nodes, *after])

    def _norm_value(self, r, name: str) -> cst.BaseExpression:
        """The global norm of the gradients the step just applied, as a NumPy value (TF1's fetch)."""
        self.ctx.add_import("keras")
        return expr("keras.ops.convert_to_numpy({v})", v=cst.Attribute(_inst_node(r.instance), cst.Name(name)))

    def _summary_attr_fetched_only(self, cp: ClassProgram, original) -> bool:
        """Every read of the summary attribute bound by ``original`` is a fetch of one of the
        class's runs (whose result reaches only add_summary: checked where the run is rewritten)."""
        from ..cstcache import walk

        if not self.ctx.rule_active("TFM142"):
            return False
        attr = next(a for a, st in cp.summary_attrs.items() if st is original)
        fetched = {id(e) for r in cp.runs for e in walk(r.call.args[0].value if r.call.args else r.call)}
        insts = {"self"} | {inst for _, inst in cp.instances}
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Attribute) and n.attr.value == attr and isinstance(n.value, cst.Name) \
                    and n.value.value in insts:
                if isinstance(self.ctx.parent(n), cst.AssignTarget) and self.ctx.statement_of(n) is original:
                    continue
                if id(n) not in fetched:
                    return False
        return True

    def _numerics_attr_fetched_only(self, cp: ClassProgram, original) -> bool:
        """Every read of the ``tf.add_check_numerics_ops()`` attribute bound by ``original`` is a
        fetch of one of the class's TRAINING runs (each becomes a check after its step: TFM186)."""
        from ..cstcache import walk

        if not self.ctx.rule_active("TFM186"):
            return False
        attr = next(a for a, st in cp.numerics_attrs.items() if st is original)
        fetched = {id(e) for r in cp.runs if r.train for e in walk(r.call.args[0].value if r.call.args else r.call)}
        insts = {"self"} | {inst for _, inst in cp.instances}
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Attribute) and n.attr.value == attr and isinstance(n.value, cst.Name) \
                    and n.value.value in insts:
                if isinstance(self.ctx.parent(n), cst.AssignTarget) and self.ctx.statement_of(n) is original:
                    continue
                if id(n) not in fetched:
                    return False
        return True

    def _writer_only(self, t: cst.BaseExpression) -> bool:
        """``_`` / a name read only as an argument of FileWriter calls (which TFM142 removes)."""
        if not isinstance(t, cst.Name):
            return False
        if t.value == "_":
            return True
        if not self.ctx.rule_active("TFM142"):
            return False
        from ..cstcache import walk

        tp = self._tc().tp
        for node in walk(self.ctx.module):
            if not isinstance(node, cst.Name) or node.value != t.value or node is t:
                continue
            parent = self.ctx.parent(node)
            if (isinstance(parent, cst.Attribute) and parent.attr is node) or (
                    isinstance(parent, cst.Arg) and parent.keyword is node):
                continue
            if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.Element) and isinstance(
                    self.ctx.parent(parent), (cst.Tuple, cst.List)) and isinstance(
                    self.ctx.parent(self.ctx.parent(parent)), cst.AssignTarget)):
                continue
            c = self.ctx.parent(parent) if isinstance(parent, cst.Arg) else None
            if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and tp.is_writer(c.func.value):
                continue
            return False
        return True

    def _stochastic(self, cp: ClassProgram, pinned_ok: bool = False) -> str:
        """Why the class's graph may compute other values in Keras' inference mode than in
        the training step (dropout, batch norm, a training-flag placeholder); "" if not.
        ``pinned_ok``: a dropout whose mode TF1 fixed (contrib's is_training=True / False, kept
        so by TFM132) does not count - it drops alike in both modes."""
        from ..cstcache import walk

        if any(p.role == "hyper" for p in cp.placeholders.values()):
            return "a training-mode placeholder"
        tp = self._tc().tp
        for n in walk(cp.node):
            if isinstance(n, cst.Call):
                q = tp.qname(n) or ""
                if ("dropout" in q and not (pinned_ok and _pinned_dropout(self.ctx, q, n))) or "batch_norm" in q:
                    return q
        return ""

    def _step_fetches(self, cp: ClassProgram) -> list[str] | None:
        """The outputs of a FetchingLossModel (the attributes the training runs fetch, the loss
        among them) when the graph is stochastic (dropout / a training-mode placeholder: a
        separate inference-mode evaluation would not compute what the TF1 step fetched), the
        train op is ``self.<attr>`` built in a method and every training run fetches the same
        attributes of ``self``, computed from the loss's inputs; else None."""
        op = cp.train_ops[0] if cp.distinct_train_ops() == 1 else None
        if op is None or not self._stochastic(cp):
            return None
        if op.method is not None:
            if not op.method.attr or _self_attr_name(op.method.loss_node) is None:
                return None
            loss, inst = _self_attr_name(op.method.loss_node), "self"
        else:  # the train op of the scope using the instance (``op = opt.minimize(model.loss)``)
            loss, inst = op.loss, op.instance
        lists = {tuple(name for kind, name in r.fetches if kind == "attr") for r in cp.runs if r.train}
        if len(lists) != 1:
            return None
        attrs = list(lists.pop())
        if op.method is not None:  # built in a method: ``self`` there, the runs may use an instance outside
            insts = {r.instance for r in cp.runs if r.train}
            inst = insts.pop() if len(insts) == 1 else inst
        if not attrs or attrs == [loss] or len(set(attrs)) != len(attrs) or any(
                r.instance != inst for r in cp.runs if r.train):
            return None
        ins = set(self._loss_inputs(cp))
        if any(not set(cp.placeholders_of(a, ("input", "label"))) <= ins or not (a == loss or cp.is_tensor(a))
               for a in attrs):
            return None
        return attrs if loss in attrs else attrs + [loss]

    def _train_run_fetches(self, cp: ClassProgram, r, updated, step, target, feeds):
        """A training run fetching other tensors besides the loss (metrics ...): TF1 computed
        them in the same forward pass as the update, before it; Keras: a model of those
        tensors evaluated on the same batch, then the train step (a stochastic graph: the
        FetchingLossModel's step returns them)."""
        sched = self._tc().schedule_attrs(cp)
        if any(kind == "attr" and name in sched for kind, name in r.fetches):
            # a learning-rate schedule of the step counter (self.lr = tf.train.exponential_decay(...,
            # step)) fetched by the training run: TF1 read it at the step count before the update;
            # the optimizer's learning rate at its iterations before train_on_batch is that value
            if target is None or not r.fetch_is_list or self._step_fetches(cp):
                raise _Todo("a training run fetches a learning-rate schedule with tensors it does not unpack")
            lrs = []
            keep = []
            for el, f in zip(target.elements, r.fetches):
                if f[0] == "attr" and f[1] in sched:
                    lrs.append(cst.SimpleStatementLine([cst.Assign(
                        targets=[cst.AssignTarget(el.value)],
                        value=expr("keras.ops.convert_to_numpy({m}.optimizer.learning_rate)", m=step.func.value))]))
                    keep.append((el.with_changes(value=cst.Name("_")), ("schedule", f[1])))
                else:
                    keep.append((el, f))
            r2 = copy.copy(r)
            r2.fetches = [f for _, f in keep]
            target = target.with_changes(elements=[e for e, _ in keep])
            rest = self._train_run_fetches(cp, r2, updated.with_changes(body=[updated.body[0].with_changes(
                targets=[cst.AssignTarget(target)])]), step, target, feeds) \
                if any(f[0] == "attr" for f in r2.fetches) else cst.SimpleStatementLine([cst.Expr(step)])
            nodes = list(rest.nodes) if isinstance(rest, cst.FlattenSentinel) else [rest]
            self.ctx.add_import("keras")
            self.ctx.count(self)
            return cst.FlattenSentinel(lrs + nodes)
        outs = self._step_fetches(cp)
        if outs:
            if target is None or not r.fetch_is_list:
                raise _Todo("the fetched tensors of the training run are not unpacked into names")
            names = {name: el.value for el, (kind, name) in zip(target.elements, r.fetches) if kind == "attr"}
            tgt = cst.Tuple([cst.Element(names[a] if a in names else cst.Name("_")) for a in outs], lpar=[], rpar=[])
            new_step = expr('keras.tree.map_structure(keras.ops.convert_to_numpy, {m}.train_on_batch({x}, '
                            'return_dict=True)["fetched"])', m=step.func.value, x=step.args[0].value)
            self.ctx.add_import("keras")
            self.ctx.count(self)
            return updated.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(tgt)], value=new_step)])
        why = self._stochastic(cp, pinned_ok=True)
        if why:
            raise _Todo(f"the training run fetches tensors besides the loss and the graph has {why}: an "
                        "evaluation in inference mode would not compute what the training step did")
        if target is None or not r.fetch_is_list:
            raise _Todo("the fetched tensors of the training run are not unpacked into names")
        attrs, names = [], []
        for el, (kind, name) in zip(target.elements, r.fetches):
            if kind == "attr":
                attrs.append(name)
                names.append(el.value)
        ins: list[str] = []
        for a in attrs:
            for p in cp.placeholders_of(a, ("input", "label")):
                if p not in ins:
                    ins.append(p)
        ins = [p for p in cp.placeholders if p in ins]
        outs = cst.List([cst.Element(cst.Attribute(_inst_node(r.instance), cst.Name(a))) for a in attrs])
        fetch = expr("tf1_fetches({i}, {o}).predict_on_batch({x})", i=cst.List(
            [cst.Element(cst.Attribute(_inst_node(r.instance), cst.Name(p))) for p in ins]), o=outs,
            x=self._x(cp, r.instance, ins, feeds, r))
        self.ctx.use_helper("tf1_fetches")
        self.ctx.add_import("keras")
        self.ctx.count(self)
        tgt = target.with_changes(elements=[cst.Element(n) for n in names]) if len(names) > 1 else names[0]
        bound = {n.value for t in names for n in walk(t) if isinstance(n, cst.Name)}
        if any(isinstance(n, cst.Name) and n.value in bound for n in walk(step)):
            # ``_, a, p = sess.run([train, a_out, p_out], feed_dict={x_a: a, x_p: p})``: TF1 fed the
            # old ``a`` / ``p`` to the step; the fetched values are bound after it
            from ..analysis.flow import Flow
            from ..translate.encoder import free_name

            taken = {d.name for sc in self.ctx.analysis(Flow).scopes.values() for d in sc.defs}
            tmp = cst.Name(free_name(taken, "fetched"))
            return cst.FlattenSentinel([
                updated.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(tmp)], value=fetch)]),
                cst.SimpleStatementLine([cst.Expr(step)]),
                cst.SimpleStatementLine([cst.Assign(targets=[cst.AssignTarget(tgt)], value=tmp)])])
        return cst.FlattenSentinel([
            updated.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(tgt)], value=fetch)]),
            cst.SimpleStatementLine([cst.Expr(step)])])

    def _feeds(self, r, updated_call: cst.Call) -> dict[str, cst.BaseExpression]:
        from ..analysis.tf1_program import _arg

        feed = _arg(updated_call, 0 if r.method == "eval" else 1, "feed_dict")
        if isinstance(feed, cst.Name):  # a dict bound before the run (TF1Classes._feed_def)
            return {k: v.deep_clone() for k, v in r.feeds.items()}
        out = {}
        if isinstance(feed, cst.Dict):
            for el in feed.elements:
                # ``inst.prop`` of a property returning ``self.attr`` feeds attr (TF1Classes._inst_attr)
                key = self._tc()._inst_attr(el.key, r.instance) or el.key.attr.value  # type: ignore[union-attr]
                out[key] = el.value
        return out

    # -- tf.trainable_variables() while the class builds its graph (a weight decay) --------------------
    def _trainable_variables(self, original: cst.Call, updated: cst.Call):
        """``[v for v in tf.trainable_variables() if v.name.endswith('/w:0') ...]`` in a method of a
        class this rule translates -> ``tf1_trainable_variables(self, {(layer class, weight): TF1
        name})``: the Keras weights of the layers built so far, as graph tensors of their values,
        named as TF1 named them (the layer's name for the scopes). The filter stays; it may read
        only the end of the names (``endswith`` of at most ``/<variable>:0``), which the helper
        reproduces exactly. The TF1 names come from the get_variable calls TFM135 / TFM136 turn
        into layer weights."""
        tc = self._tc()
        n = self.ctx.parent(original)
        cls = n
        while cls is not None and not isinstance(cls, cst.ClassDef):
            cls = self.ctx.parent(cls)
        cp = tc.classes.get(cls.name.value) if cls is not None else None
        if cp is None:
            return updated
        if cp.why:
            return updated  # the class stays TF1 (its own TODOs say why)
        comp_for = self.ctx.parent(original)
        if not (isinstance(comp_for, cst.CompFor) and comp_for.iter is original):
            return updated  # var_list=tf.trainable_variables() (the optimizer's default) and the like: not ours
        try:
            self._check_trainable(cp, original)
            names = self._tf1_names()
        except _Todo as ex:
            self.todo(original, f"tf.trainable_variables() kept: {ex}")
            return updated
        self.ctx.use_helper("tf1_trainable_variables")
        self.ctx.add_import("keras")
        self.ctx.count(self)
        table = cst.Dict([cst.DictElement(cst.Tuple([cst.Element(to_node(c)), cst.Element(to_node(w))]), to_node(leaf))
                          for (c, w), leaf in sorted(names.items())])
        return call("tf1_trainable_variables", cst.Name("self"), table)

    def _tf1_names(self) -> dict:
        from ..analysis.handmade_layers import HandmadeLayersAnalysis
        from ..analysis.handmade_batch_norm import HandmadeBatchNormAnalysis

        out: dict = {}
        got = [(leaf, c, w) for leaf, c, w in self.ctx.analysis(HandmadeLayersAnalysis).tf1_weight_names().values()]
        got += [(leaf, "FixedModeBatchNormalization", w)
                for leaf, w in self.ctx.analysis(HandmadeBatchNormAnalysis).tf1_weight_names().values()]
        for leaf, c, w in got:
            if not isinstance(leaf, str):
                raise _Todo(f"a {c} {w} whose TF1 variable name is not a literal")
            if out.setdefault((c, w), leaf) != leaf:
                raise _Todo(f"{c} {w}s come from variables named {out[(c, w)]!r} and {leaf!r}")
        if not out:
            raise _Todo("no variable of the file becomes a layer weight")
        self.__dict__["_leaves"] = set(out.values())
        return out

    def _check_trainable(self, cp: ClassProgram, original: cst.Call) -> None:
        if original.args:
            raise _Todo("tf.trainable_variables(scope)")
        if len(cp.instances) != 1:
            raise _Todo("TF1's collection held the variables of every instance of the graph")
        comp_for = self.ctx.parent(original)
        comp = self.ctx.parent(comp_for) if isinstance(comp_for, cst.CompFor) else None
        if not (isinstance(comp, cst.ListComp) and comp.for_in is comp_for and comp_for.iter is original
                and comp_for.inner_for_in is None and isinstance(comp_for.target, cst.Name)
                and isinstance(comp.elt, cst.Name) and comp.elt.value == comp_for.target.value):
            raise _Todo("not read as [v for v in tf.trainable_variables() if <its name>]")
        m = self.ctx.parent(comp)
        while m is not None and not isinstance(m, cst.FunctionDef):
            m = self.ctx.parent(m)
        if m is None or not m.params.params or m.params.params[0].name.value != "self":
            raise _Todo("not in a method")
        v = comp_for.target.value
        for cond in comp_for.ifs:
            self._name_test(cond.test, v)

    def _name_test(self, t: cst.BaseExpression, v: str) -> None:
        """``v.name.endswith('<suffix>')`` combined by and / or / not; suffixes checked later."""
        if isinstance(t, cst.BooleanOperation):
            self._name_test(t.left, v)
            self._name_test(t.right, v)
            return
        if isinstance(t, cst.UnaryOperation) and isinstance(t.operator, cst.Not):
            self._name_test(t.expression, v)
            return
        if isinstance(t, cst.Call) and isinstance(t.func, cst.Attribute) and t.func.attr.value == "endswith" \
                and isinstance(t.func.value, cst.Attribute) and t.func.value.attr.value == "name" \
                and isinstance(t.func.value.value, cst.Name) and t.func.value.value.value == v \
                and len(t.args) == 1 and isinstance(literal(t.args[0].value, None), str):
            sfx = literal(t.args[0].value, None)
            for leaf in self.__dict__.get("_leaves") or set(self._tf1_names().values()):
                tail = f"/{leaf}:0"
                if len(sfx) > len(tail) and sfx.endswith(tail):
                    raise _Todo(f"the filter reads the scope of the TF1 names ({sfx!r})")
            return
        raise _Todo("the filter reads more than the end of the variables' names")

    # -- evaluation runs ----------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        tc = self._tc()
        if not tc.classes:
            return updated
        if original.args and any(a is original.args[-1] for cp in tc.classes.values() if not cp.why
                                 for a in cp.session_args):
            # a session argument removed last (``Evaluator(model, sess)``): no comma left behind
            updated = drop_left_comma_args(original, updated)
        if tc.tp.qname(original) in ("tensorflow.trainable_variables", "tensorflow.compat.v1.trainable_variables"):
            return self._trainable_variables(original, updated)
        if tc.tp.qname(original) == "tensorflow.train.global_step" and len(original.args) == 2 \
                and isinstance(original.args[1].value, cst.Name):
            # tf.train.global_step(sess, step): the counter's value as a Python int
            for cp in tc.classes.values():
                if not cp.why and original.args[1].value.value in cp.scope_steps:
                    self.ctx.count(self)
                    return cst.Call(cst.Name("int"), [cst.Arg(self._step_value(cp, original.args[1].value.value))])
        cp, r = tc.class_of_run(original)
        if cp is None and tc.tp.qname(original) in ("tensorflow.train.checkpoint_exists",
                                                    "tensorflow.compat.v1.train.checkpoint_exists"):
            return self._checkpoint_exists(original, updated)
        if cp is None:
            return self._saver_call(original, updated)
        if r.train:
            return updated
        if cp.why:
            self.todo(original, f"run kept: class {cp.name}: {cp.why}")
            return updated
        if r.fetches and r.fetches[0] is not None and r.fetches[0][0] in ("rate", "rate_set"):
            if r.fetches[0][0] == "rate_set":
                return updated  # the statement becomes the optimizer's rate set (_rate_statement)
            self.ctx.add_import("keras")
            self.ctx.count(self)  # the rate variable read: the Keras optimizer's current rate
            return expr("keras.ops.convert_to_numpy({m}.optimizer.learning_rate)", m=self._model_node(cp, r))
        try:
            feeds = self._feeds(r, updated)
            outs = []
            loss = cp.train_ops[0].loss if cp.train_ops else None
            for i, (kind, name) in enumerate(r.fetches):
                if kind == "summary":  # only handed to add_summary, which TFM142 removes
                    assign = self.ctx.parent(original)
                    t = assign.targets[0].target if isinstance(assign, cst.Assign) and len(assign.targets) == 1 \
                        and assign.value is original else None
                    t = t.elements[i].value if r.fetch_is_list and isinstance(t, (cst.Tuple, cst.List)) \
                        and len(t.elements) == len(r.fetches) else (t if not r.fetch_is_list else None)
                    if t is None or not self._writer_only(t):
                        raise _Todo(f"the summary {r.instance}.{name} is read other than by add_summary")
                    outs.append(cst.Name("None"))
                    continue
                if kind == "step":  # the step counter: the updates applied so far
                    outs.append(self._step_value(cp, name))
                    continue
                if kind == "norm":  # checked by the analysis: only training runs fetch it
                    raise _Todo(f"a run outside training fetches {r.instance}.{name} (the applied gradients' norm)")
                if name == loss:
                    value = expr("{m}.predict_on_batch({x})", m=self._model_node(cp, r),
                                 x=self._x(cp, r.instance, self._loss_inputs(cp), feeds, r))
                    step_outs = self._step_fetches(cp)
                    if step_outs:  # a FetchingLossModel predicts every fetched output: the loss is one
                        value = cst.Subscript(value, [cst.SubscriptElement(cst.Index(
                            cst.Integer(str(step_outs.index(loss)))))])
                    outs.append(value)
                    continue
                if not cp.is_tensor(name):
                    raise _Todo(f"the run fetches {r.instance}.{name} (not a tensor of the graph)")
                ins = cp.placeholders_of(name, ("input", "label"))
                outs.append(expr("keras.Model({i}, {t}).predict_on_batch({x})", i=self._inputs_node(r.instance, ins),
                                 t=cst.Attribute(_inst_node(r.instance), cst.Name(name)),
                                 x=self._x(cp, r.instance, ins, feeds, r)))
        except _Todo as ex:
            self.todo(original, str(ex))
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        if not r.fetch_is_list:
            return outs[0]
        els = [cst.Element(o) for o in outs]
        fetches = original.args[0].value
        return cst.Tuple(els) if isinstance(fetches, cst.Tuple) else cst.List(els)

    VALID = ["import keras\nclass M:\n    def __init__(self):\n        self.x = keras.Input(shape=(3,))\n"]
    INVALID = [Case(
        "import tensorflow as tf\n\n"
        "class Net(object):\n"
        "    def __init__(self):\n"
        "        self.x = tf.placeholder(tf.float32, [None, 4])\n"
        "        self.y = tf.placeholder(tf.float32, [None, 2])\n"
        "        self.out = tf.layers.dense(self.x, 2)\n"
        "        self.loss = self.compute_loss()\n\n"
        "    def compute_loss(self):\n"
        "        return tf.reduce_mean(tf.square(self.out - self.y))\n\n"
        "net = Net()\n"
        "train_op = tf.train.AdamOptimizer(0.01).minimize(net.loss)\n"
        "sess = tf.InteractiveSession()\n"
        "tf.global_variables_initializer().run()\n"
        "for i in range(10):\n"
        "    _, l = sess.run([train_op, net.loss], feed_dict={net.x: X, net.y: Y})\n"
        "pred = net.out.eval({net.x: X})\n",
        "import keras\n\n\n"
        "# tflearn-migrate helper: LossModel\n"
        + LOSS_MODEL.code + "\n\n"
        "class Net(object):\n"
        "    def __init__(self):\n"
        "        self.x = keras.Input(shape=(4,))\n"
        "        self.y = keras.Input(shape=(2,))\n"
        "        self.out = keras.layers.Dense(2)(self.x)\n"
        "        self.loss = self.compute_loss()\n\n"
        "    def compute_loss(self):\n"
        "        return keras.ops.mean(keras.ops.square(self.out - self.y))\n\n"
        "net = Net()\n"
        "net_model = LossModel([net.x, net.y], net.loss)\n"
        "net_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n"
        "for i in range(10):\n"
        "    l = net_model.train_on_batch([X, Y])\n"
        "pred = keras.Model(net.x, net.out).predict_on_batch(X)\n"),
        # non-trainable tf.Variable attributes nothing reads (a step counter never incremented, a
        # learning rate never assigned): they go; a trainable one was in tf.trainable_variables()
        Case(
        "import tensorflow as tf\n\n"
        "class Net(object):\n"
        "    def __init__(self):\n"
        "        self.x = tf.placeholder(tf.float32, [None, 4])\n"
        "        self.y = tf.placeholder(tf.float32, [None, 2])\n"
        "        self.out = tf.layers.dense(self.x, 2)\n"
        "        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n"
        "        self.global_step = tf.Variable(0, name='global_step', trainable=False)\n"
        "        self.lr = tf.Variable(0.0, dtype=tf.float32, trainable=False)\n"
        "        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n\n"
        "net = Net()\n"
        "with tf.Session() as sess:\n"
        "    sess.run(tf.global_variables_initializer())\n"
        "    for i in range(10):\n"
        "        sess.run(net.train_op, feed_dict={net.x: X, net.y: Y})\n",
        "import keras\n\n\n"
        "# tflearn-migrate helper: LossModel\n"
        + LOSS_MODEL.code + "\n\n"
        "class Net(object):\n"
        "    def __init__(self):\n"
        "        self.x = keras.Input(shape=(4,))\n"
        "        self.y = keras.Input(shape=(2,))\n"
        "        self.out = keras.layers.Dense(2)(self.x)\n"
        "        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n"
        "        self.train_op = LossModel([self.x, self.y], self.loss)\n"
        "        self.train_op.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n\n"
        "net = Net()\n"
        "for i in range(10):\n"
        "    net.train_op.train_on_batch([X, Y])\n"),
        # a Saver of the class's graph saves / restores the LossModel; save() returned the path
        Case(
        'import tensorflow as tf\n'
        '\n'
        'class Net(object):\n'
        '    def __init__(self):\n'
        '        self.x = tf.placeholder(tf.float32, [None, 4])\n'
        '        self.y = tf.placeholder(tf.float32, [None, 2])\n'
        '        self.out = tf.layers.dense(self.x, 2)\n'
        '        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n'
        '\n'
        'net = Net()\n'
        'train_op = tf.train.AdamOptimizer(0.01).minimize(net.loss)\n'
        'sess = tf.InteractiveSession()\n'
        'tf.global_variables_initializer().run()\n'
        'saver = tf.train.Saver()\n'
        'try:\n'
        '    saver.restore(sess, path)\n'
        'except Exception:\n'
        '    pass\n'
        'for i in range(10):\n'
        '    sess.run(train_op, feed_dict={net.x: X, net.y: Y})\n'
        'saved = saver.save(sess, path)\n',
        'import keras\n'
        'import os\n'
        '\n'
        '\n'
        '# tflearn-migrate helper: LossModel\n'
        + LOSS_MODEL.code +
        '\n'
        '\n'
        'class Net(object):\n'
        '    def __init__(self):\n'
        '        self.x = keras.Input(shape=(4,))\n'
        '        self.y = keras.Input(shape=(2,))\n'
        '        self.out = keras.layers.Dense(2)(self.x)\n'
        '        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n'
        '\n'
        'net = Net()\n'
        'net_model = LossModel([net.x, net.y], net.loss)\n'
        'net_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n'
        'try:\n'
        '    net_model.load_weights(str(path) + ".weights.h5")\n'
        'except Exception:\n'
        '    pass\n'
        'for i in range(10):\n'
        '    net_model.train_on_batch([X, Y])\n'
        'os.makedirs(os.path.dirname(str(path)) or ".", exist_ok=True)\n'
        'net_model.save_weights(str(path) + ".weights.h5")\n'
        'saved = path\n'),
        # the train op built in a method (clipped apply_gradients) and returned: the method
        # returns the compiled LossModel in its place; a feed dict bound before the run
        Case(
        'import tensorflow as tf\n'
        '\n'
        'class Net(object):\n'
        '    def __init__(self, lr):\n'
        '        self.x = tf.placeholder(tf.float32, [None, 4])\n'
        '        self.y = tf.placeholder(tf.float32, [None, 2])\n'
        '        self.lr = lr\n'
        '\n'
        '    def train_model(self):\n'
        '        self.out = tf.layers.dense(self.x, 2)\n'
        '        loss = tf.reduce_mean(tf.square(self.out - self.y))\n'
        '        optimizer = tf.train.AdamOptimizer(self.lr)\n'
        '        gradvars = optimizer.compute_gradients(loss)\n'
        '        capped = [(tf.clip_by_value(g, -1., 1.), v) for g, v in gradvars]\n'
        '        train_op = optimizer.apply_gradients(capped)\n'
        '        return loss, train_op\n'
        '\n'
        'net = Net(0.01)\n'
        'train_loss, train_op = net.train_model()\n'
        'with tf.Session() as sess:\n'
        '    tf.global_variables_initializer().run()\n'
        '    for i in range(10):\n'
        '        feed = {net.x: X, net.y: Y}\n'
        '        l, _ = sess.run([train_loss, train_op], feed_dict=feed)\n'
        '    pred = sess.run(net.out, feed_dict={net.x: X})\n',
        'import keras\n'
        '\n'
        '\n'
        '# tflearn-migrate helper: LossModel\n'
        + LOSS_MODEL.code +
        '\n'
        '\n'
        'class Net(object):\n'
        '    def __init__(self, lr):\n'
        '        self.x = keras.Input(shape=(4,))\n'
        '        self.y = keras.Input(shape=(2,))\n'
        '        self.lr = lr\n'
        '\n'
        '    def train_model(self):\n'
        '        self.out = keras.layers.Dense(2)(self.x)\n'
        '        loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n'
        '        optimizer = keras.optimizers.Adam(learning_rate=self.lr, epsilon=1e-8)\n'
        '        optimizer.clipvalue = 1.\n'
        '        train_op = LossModel([self.x, self.y], loss)\n'
        '        train_op.compile(optimizer=optimizer)\n'
        '        return loss, train_op\n'
        '\n'
        'net = Net(0.01)\n'
        'train_loss, train_op = net.train_model()\n'
        'for i in range(10):\n'
        '    l = train_op.train_on_batch([X, Y])\n'
        'pred = keras.Model(net.x, net.out).predict_on_batch(X)\n')]
    INVALID = [*INVALID, Case(
        # placeholders as CLASS attributes; compute_gradients / apply_gradients through self
        # attributes; a training run that also fetches a summary (dropped with add_summary) and
        # a metric (evaluated on the same batch before the step, as TF1's run computed it);
        # Saver.save(global_step=) writes <path>-<step>; checkpoint_exists looks for what restore reads
        "import tensorflow as tf\n\nclass Net(object):\n    x = tf.placeholder(tf.float32, [None, 4])\n    y = tf.placeholder(tf.float32, [None])\n\n    def __init__(self):\n        self.out = tf.squeeze(tf.layers.dense(self.x, 1), axis=[1])\n        self.loss = tf.reduce_sum(tf.square(self.out - self.y))\n        optim = tf.train.AdamOptimizer(0.01)\n        self.grad = optim.compute_gradients(self.loss)\n        self.train = optim.apply_gradients(self.grad)\n        self.n_pos = tf.count_nonzero(tf.greater(self.out, 0.5), dtype=tf.float32)\n        tf.summary.scalar('loss', self.loss)\n\nnet = Net()\nmerged = tf.summary.merge_all()\nsess = tf.Session()\nsaver = tf.train.Saver()\nif tf.train.checkpoint_exists(path):\n    saver.restore(sess, path)\nelse:\n    sess.run(tf.global_variables_initializer())\nwriter = tf.summary.FileWriter('logs', sess.graph)\nfor i in range(10):\n    _, s, l, n = sess.run([net.train, merged, net.loss, net.n_pos], feed_dict={net.x: X, net.y: Y})\n    writer.add_summary(s, i)\n    saver.save(sess, path, global_step=i)\n",
        'import keras\nimport os\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\n# tflearn-migrate helper: tf1_fetches\n_TF1_FETCHES = {}\n\n\ndef tf1_fetches(inputs, outputs):\n    """The keras.Model computing ``outputs`` from ``inputs`` - what a TF1 sess.run of these\n    tensors evaluated - built once per (inputs, outputs), not at every run of a loop."""\n    key = (tuple(id(t) for t in inputs), tuple(id(t) for t in outputs))\n    if key not in _TF1_FETCHES:\n        _TF1_FETCHES[key] = (inputs, outputs, keras.Model(inputs, outputs))\n    return _TF1_FETCHES[key][2]\n\n\nclass Net(object):\n    x = keras.Input(shape=(4,))\n    y = keras.Input(shape=())\n\n    def __init__(self):\n        self.out = keras.ops.squeeze(keras.layers.Dense(1)(self.x), axis=[1])\n        self.loss = keras.ops.sum(keras.ops.square(self.out - self.y))\n        optim = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8)\n        self.train = LossModel([self.x, self.y], self.loss)\n        self.train.compile(optimizer=optim)\n        self.n_pos = keras.ops.cast(keras.ops.count_nonzero(keras.ops.greater(self.out, 0.5)), \'float32\')\n\nnet = Net()\nif os.path.exists(str(path) + ".weights.h5"):\n    net.train.load_weights(str(path) + ".weights.h5")\nelse:\n    pass\nfor i in range(10):\n    l, n = tf1_fetches([net.x, net.y], [net.loss, net.n_pos]).predict_on_batch([X, Y])\n    net.train.train_on_batch([X, Y])\n    os.makedirs(os.path.dirname(str(path)) or ".", exist_ok=True)\n    net.train.save_weights(str(path) + \'-\' + str(int(i)) + ".weights.h5")\n', ("TFM142",) * 4)]
    # the train op built by a BASE class's method (tf.gradients over tf.trainable_variables, under
    # UPDATE_OPS) and returned into self.train_op by the class's own method
    INVALID.append(Case(
        'import tensorflow as tf\n'
        '\n'
        '\n'
        'class Base(object):\n'
        '    def get_train_op(self):\n'
        '        opt = tf.train.AdamOptimizer(0.01)\n'
        '        var_list = tf.trainable_variables()\n'
        '        grads = tf.gradients(self.loss, var_list)\n'
        '        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n'
        '        with tf.control_dependencies(update_ops):\n'
        '            train_op = opt.apply_gradients(zip(grads, var_list))\n'
        '        return train_op\n'
        '\n'
        '\n'
        'class Net(Base):\n'
        '    def __init__(self):\n'
        '        self.x = tf.placeholder(tf.float32, [None, 4])\n'
        '        self.y = tf.placeholder(tf.float32, [None, 2])\n'
        '\n'
        '    def build(self):\n'
        '        self.out = tf.layers.dense(self.x, 2)\n'
        '        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n'
        '        self.train_op = self.get_train_op()\n'
        '\n'
        '\n'
        'net = Net()\n'
        'net.build()\n'
        'with tf.Session() as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        '    for i in range(10):\n'
        '        _, l = sess.run([net.train_op, net.loss], feed_dict={net.x: X, net.y: Y})\n'
        '    pred = sess.run(net.out, feed_dict={net.x: X})\n',
        'import keras\n'
        '\n'
        '\n'
        '# tflearn-migrate helper: LossModel\n'
        + LOSS_MODEL.code +
        '\n'
        '\n'
        'class Base(object):\n'
        '    def get_train_op(self):\n'
        '        opt = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8)\n'
        '        train_op = LossModel([self.x, self.y], self.loss)\n'
        '        train_op.compile(optimizer=opt)\n'
        '        return train_op\n'
        '\n'
        '\n'
        'class Net(Base):\n'
        '    def __init__(self):\n'
        '        self.x = keras.Input(shape=(4,))\n'
        '        self.y = keras.Input(shape=(2,))\n'
        '\n'
        '    def build(self):\n'
        '        self.out = keras.layers.Dense(2)(self.x)\n'
        '        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n'
        '        self.train_op = self.get_train_op()\n'
        '\n'
        '\n'
        'net = Net()\n'
        'net.build()\n'
        'for i in range(10):\n'
        '    l = net.train_op.train_on_batch([X, Y])\n'
        'pred = keras.Model(net.x, net.out).predict_on_batch(X)\n'))
    # ... unless another class derives from that base too (rewriting the base would change it)
    INVALID.append(Case(
        'import tensorflow as tf\n'
        '\n'
        '\n'
        'class Base(object):\n'
        '    def get_train_op(self):\n'
        '        opt = tf.train.AdamOptimizer(0.01)\n'
        '        var_list = tf.trainable_variables()\n'
        '        grads = tf.gradients(self.loss, var_list)\n'
        '        return opt.apply_gradients(zip(grads, var_list))\n'
        '\n'
        '\n'
        'class Net(Base):\n'
        '    def __init__(self):\n'
        '        self.x = tf.placeholder(tf.float32, [None, 4])\n'
        '        self.y = tf.placeholder(tf.float32, [None, 2])\n'
        '        self.loss = tf.reduce_mean(tf.square(tf.layers.dense(self.x, 2) - self.y))\n'
        '        self.train_op = self.get_train_op()\n'
        '\n'
        '\n'
        'class Other(Base):\n'
        '    pass\n'
        '\n'
        '\n'
        'net = Net()\n'
        'with tf.Session() as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        '    _, l = sess.run([net.train_op, net.loss], feed_dict={net.x: X, net.y: Y})\n',
        'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n'
        'import keras\n'
        '\n'
        '\n'
        'class Base(object):\n'
        '    def get_train_op(self):\n'
        '        opt = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8)\n'
        '        # TODO(tflearn-migrate): TFM144 gradient computation kept: class Net: Net inherits methods from Base, which Other also derives from\n'
        '        var_list = tf.trainable_variables()\n'
        '        # TODO(tflearn-migrate): TFM144 gradient computation kept: class Net: Net inherits methods from Base, which Other also derives from\n'
        '        grads = tf.gradients(self.loss, var_list)\n'
        '        # TODO(tflearn-migrate): TFM144 train op kept: class Net: Net inherits methods from Base, which Other also derives from\n'
        '        return opt.apply_gradients(zip(grads, var_list))\n'
        '\n'
        '\n'
        'class Net(Base):\n'
        '    def __init__(self):\n'
        '        # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: Net inherits methods from Base, which Other also derives from\n'
        '        self.x = tf.placeholder(tf.float32, [None, 4])\n'
        '        # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: Net inherits methods from Base, which Other also derives from\n'
        '        self.y = tf.placeholder(tf.float32, [None, 2])\n'
        '        self.loss = keras.ops.mean(keras.ops.square(keras.layers.Dense(2)(self.x) - self.y))\n'
        '        self.train_op = self.get_train_op()\n'
        '\n'
        '\n'
        'class Other(Base):\n'
        '    pass\n'
        '\n'
        '\n'
        'net = Net()\n'
        'with tf.Session() as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        '    # TODO(tflearn-migrate): TFM144 training run kept: class Net: Net inherits methods from Base, which Other also derives from\n'
        '    _, l = sess.run([net.train_op, net.loss], feed_dict={net.x: X, net.y: Y})\n',
        ("TFM144",) * 6, todo=True))
    # a learning-rate placeholder fed by every training run: the optimizer's rate is set to the
    # fed value before each step (Keras optimizers take a float; TF1 read the placeholder per run)
    INVALID.append(Case(
        'import tensorflow as tf\n'
        '\n'
        '\n'
        'class Net(object):\n'
        '    def __init__(self):\n'
        '        self.x = tf.placeholder(tf.float32, [None, 4])\n'
        '        self.y = tf.placeholder(tf.float32, [None, 2])\n'
        "        self.lr = tf.placeholder(tf.float32, name='lr')\n"
        '        self.out = tf.layers.dense(self.x, 2)\n'
        '        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n'
        '        self.train_op = tf.train.AdamOptimizer(self.lr).minimize(self.loss)\n'
        '\n'
        '\n'
        'net = Net()\n'
        'with tf.Session() as sess:\n'
        '    sess.run(tf.global_variables_initializer())\n'
        '    for i in range(10):\n'
        '        _, l = sess.run([net.train_op, net.loss], feed_dict={net.x: X, net.y: Y, net.lr: 0.01 / (1 + i)})\n'
        '    pred = sess.run(net.out, feed_dict={net.x: X})\n',
        'import keras\n'
        '\n'
        '\n'
        '# tflearn-migrate helper: LossModel\n'
        + LOSS_MODEL.code +
        '\n'
        '\n'
        'class Net(object):\n'
        '    def __init__(self):\n'
        '        self.x = keras.Input(shape=(4,))\n'
        '        self.y = keras.Input(shape=(2,))\n'
        "        self.lr = 0.0  # learning-rate placeholder: every training step sets the optimizer's rate to the value its run fed\n"
        '        self.out = keras.layers.Dense(2)(self.x)\n'
        '        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n'
        '        self.train_op = LossModel([self.x, self.y], self.loss)\n'
        '        self.train_op.compile(optimizer=keras.optimizers.Adam(learning_rate=self.lr, epsilon=1e-8))\n'
        '\n'
        '\n'
        'net = Net()\n'
        'for i in range(10):\n'
        '    net.train_op.optimizer.learning_rate = 0.01 / (1 + i)\n'
        '    l = net.train_op.train_on_batch([X, Y])\n'
        'pred = keras.Model(net.x, net.out).predict_on_batch(X)\n'))
    # a training and an inference instance built into one graph under variable_scope(AUTO_REUSE):
    # TF1 gives the second the first one's variables. The scopes stay (tf1_variable_scope) and each
    # layer made from get_variable / a named tf.layers call comes from TF1's variable store keyed
    # by its full name at run time (tf1_scoped_layer), so both instances hold the same Keras
    # layers; an initializer parameter goes to the layer as is, an ``if use_bias:`` bias becomes
    # use_bias=; tf.shape of the class's keras.Input tensors is computed when the model runs
    _TWICE = "import tensorflow as tf\n\n\ndef dense(x, n, name, init_w=None, use_bias=True):\n    with tf.variable_scope(name):\n        w = tf.get_variable('weights', [x.get_shape().as_list()[-1], n], initializer=init_w)\n        h = tf.matmul(x, w)\n        if use_bias:\n            b = tf.get_variable('biases', [n], initializer=tf.zeros_initializer())\n            h = tf.nn.bias_add(h, b)\n        return h\n\n\nclass Net(object):\n    def build(self, training):\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        with tf.variable_scope('net', reuse=tf.AUTO_REUSE):\n            h = dense(self.x, 8, 'fc1', use_bias=False)\n            h = tf.layers.batch_normalization(h, training=training, name='bn')\n            self.out = dense(tf.nn.relu(h), 2, 'fc2')\n\n    def build_train(self):\n        self.build(True)\n        self.y = tf.placeholder(tf.float32, [None, 2])\n        n = tf.cast(tf.shape(self.x)[0], tf.float32)\n        self.loss = tf.reduce_sum(tf.square(self.out - self.y)) / n\n        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n\n\ntrain_net = Net()\ntest_net = Net()\ntrain_net.build_train()\ntest_net.build(False)\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(5):\n        sess.run(train_net.train_op, feed_dict={train_net.x: X, train_net.y: Y})\n    pred = sess.run(test_net.out, feed_dict={test_net.x: X})\n"
    # the same structure with tf.Variable weights: TF1 never shares them (AUTO_REUSE or not), so
    # each instance keeps its own layer (the inference instance predicts with untrained weights)
    _UNSHARED = "import tensorflow as tf\n\n\ndef dense(x, n, name):\n    with tf.variable_scope(name):\n        w = tf.Variable(tf.truncated_normal([4, n], stddev=0.1))\n        return tf.matmul(x, w)\n\n\nclass Net(object):\n    def build(self):\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        with tf.variable_scope('net', reuse=tf.AUTO_REUSE):\n            self.out = dense(self.x, 2, 'fc')\n\n    def build_train(self):\n        self.build()\n        self.y = tf.placeholder(tf.float32, [None, 2])\n        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n\n\ntrain_net = Net()\ntest_net = Net()\ntrain_net.build_train()\ntest_net.build()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    sess.run(train_net.train_op, feed_dict={train_net.x: X, train_net.y: Y})\n    pred = sess.run(test_net.out, feed_dict={test_net.x: X})\n"
    _TWICE_AFTER = 'import keras\n\n\n# tflearn-migrate helper: tf1_variable_scope\nTF1_SCOPE_STACK = []\nTF1_SCOPED_LAYERS = {}\n\n\nclass tf1_variable_scope:\n    # TF1\'s variable_scope(name, reuse=...): a name on the scope path of the layers made inside;\n    # reuse None / False inherits the enclosing scope\'s, True and "AUTO_REUSE" are kept\n\n    def __init__(self, name, reuse=None):\n        self.name = name\n        self.reuse = reuse if reuse not in (None, False) else (TF1_SCOPE_STACK[-1][1] if TF1_SCOPE_STACK else None)\n\n    def __enter__(self):\n        TF1_SCOPE_STACK.append((self.name, self.reuse))\n        return self\n\n    def __exit__(self, *exc):\n        TF1_SCOPE_STACK.pop()\n        return False\n\n\ndef tf1_scoped_layer(name, make):\n    # the layer whose TF1 variables get_variable / a named tf.layers call created under\n    # <scope path>/<name>: made once; under reuse (True / AUTO_REUSE) a later call gets it back\n    if name is None:\n        raise ValueError("a TF1 layer without a name under a shared variable store")\n    key = "/".join([s for s, _ in TF1_SCOPE_STACK] + [name])\n    reuse = TF1_SCOPE_STACK[-1][1] if TF1_SCOPE_STACK else None\n    if key in TF1_SCOPED_LAYERS:\n        if not reuse:\n            raise ValueError(f"Variable {key} already exists, disallowed (TF1 get_variable without reuse)")\n        return TF1_SCOPED_LAYERS[key]\n    if reuse is True:\n        raise ValueError(f"Variable {key} does not exist, disallowed (TF1 get_variable with reuse=True)")\n    TF1_SCOPED_LAYERS[key] = make()\n    return TF1_SCOPED_LAYERS[key]\n\n\n# tflearn-migrate helper: TF1ModeBatchNormalization\n' + _TF1_MODE_BN.code + '\n\n# tflearn-migrate helper: tf1_shape\nclass TF1Shape(keras.layers.Layer):\n    # tf.shape(t) of a symbolic Keras tensor (a functional model being built): the 1-D int32\n    # shape computed when the model runs (keras.ops.shape would give None for the batch size)\n\n    def call(self, t):\n        return keras.ops.convert_to_tensor(keras.ops.shape(t), dtype="int32")\n\n    def compute_output_spec(self, t):\n        return keras.KerasTensor((len(t.shape),), dtype="int32")\n\n\ndef tf1_shape(t):\n    """TF1\'s tf.shape(t): the run-time shape."""\n    if isinstance(t, keras.KerasTensor):\n        return TF1Shape()(t)\n    return keras.ops.shape(t)\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\ndef dense(x, n, name, init_w=None, use_bias=True):\n    with tf1_variable_scope(name):\n        h = tf1_scoped_layer(\'weights\', lambda: keras.layers.Dense(n, kernel_initializer=init_w, use_bias=use_bias))(x)\n        return h\n\n\nclass Net(object):\n    def build(self, training):\n        self.x = keras.Input(shape=(4,))\n        with tf1_variable_scope(\'net\', reuse=\'AUTO_REUSE\'):\n            h = dense(self.x, 8, \'fc1\', use_bias=False)\n            h = tf1_scoped_layer(\'bn\', lambda: TF1ModeBatchNormalization(updates=False))(h, tf1_training=training)\n            self.out = dense(keras.ops.relu(h), 2, \'fc2\')\n\n    def build_train(self):\n        self.build(True)\n        self.y = keras.Input(shape=(2,))\n        n = keras.ops.cast(tf1_shape(self.x)[0], \'float32\')\n        self.loss = keras.ops.sum(keras.ops.square(self.out - self.y)) / n\n        self.train_op = LossModel([self.x, self.y], self.loss)\n        self.train_op.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n\n\ntrain_net = Net()\ntest_net = Net()\ntrain_net.build_train()\ntest_net.build(False)\nfor i in range(5):\n    train_net.train_op.train_on_batch([X, Y])\npred = keras.Model(test_net.x, test_net.out).predict_on_batch(X)\n'
    _UNSHARED_AFTER = 'import keras\n\n\n# tflearn-migrate helper: tf1_variable_scope\nTF1_SCOPE_STACK = []\nTF1_SCOPED_LAYERS = {}\n\n\nclass tf1_variable_scope:\n    # TF1\'s variable_scope(name, reuse=...): a name on the scope path of the layers made inside;\n    # reuse None / False inherits the enclosing scope\'s, True and "AUTO_REUSE" are kept\n\n    def __init__(self, name, reuse=None):\n        self.name = name\n        self.reuse = reuse if reuse not in (None, False) else (TF1_SCOPE_STACK[-1][1] if TF1_SCOPE_STACK else None)\n\n    def __enter__(self):\n        TF1_SCOPE_STACK.append((self.name, self.reuse))\n        return self\n\n    def __exit__(self, *exc):\n        TF1_SCOPE_STACK.pop()\n        return False\n\n\ndef tf1_scoped_layer(name, make):\n    # the layer whose TF1 variables get_variable / a named tf.layers call created under\n    # <scope path>/<name>: made once; under reuse (True / AUTO_REUSE) a later call gets it back\n    if name is None:\n        raise ValueError("a TF1 layer without a name under a shared variable store")\n    key = "/".join([s for s, _ in TF1_SCOPE_STACK] + [name])\n    reuse = TF1_SCOPE_STACK[-1][1] if TF1_SCOPE_STACK else None\n    if key in TF1_SCOPED_LAYERS:\n        if not reuse:\n            raise ValueError(f"Variable {key} already exists, disallowed (TF1 get_variable without reuse)")\n        return TF1_SCOPED_LAYERS[key]\n    if reuse is True:\n        raise ValueError(f"Variable {key} does not exist, disallowed (TF1 get_variable with reuse=True)")\n    TF1_SCOPED_LAYERS[key] = make()\n    return TF1_SCOPED_LAYERS[key]\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\ndef dense(x, n, name):\n    with tf1_variable_scope(name):\n        return keras.layers.Dense(\n            n,\n            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n            use_bias=False,\n        )(x)\n\n\nclass Net(object):\n    def build(self):\n        self.x = keras.Input(shape=(4,))\n        with tf1_variable_scope(\'net\', reuse=\'AUTO_REUSE\'):\n            self.out = dense(self.x, 2, \'fc\')\n\n    def build_train(self):\n        self.build()\n        self.y = keras.Input(shape=(2,))\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n        self.train_op = LossModel([self.x, self.y], self.loss)\n        self.train_op.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n\n\ntrain_net = Net()\ntest_net = Net()\ntrain_net.build_train()\ntest_net.build()\ntrain_net.train_op.train_on_batch([X, Y])\npred = keras.Model(test_net.x, test_net.out).predict_on_batch(X)\n'
    INVALID = [*INVALID, Case(_TWICE, _TWICE_AFTER), Case(_UNSHARED, _UNSHARED_AFTER)]
    # a class owning its session (``self.sess = tf.Session()`` in __init__, runs in its methods, a
    # named feed dict with keep_prob, ``self.saver.save(self.sess, p)``): the runs are the model's,
    # the session, its initializer run and the Saver go; the training run fetching a metric of a
    # dropout graph gets it from the step's own forward pass (FetchingLossModel)
    _OWN_SESSION = "import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self):\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 2])\n        self.keep_prob = tf.placeholder(tf.float32)\n        h = tf.nn.dropout(tf.layers.dense(self.x, 8), self.keep_prob)\n        self.out = tf.layers.dense(h, 2)\n        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n        self.acc = tf.reduce_mean(tf.abs(self.out - self.y))\n        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n        self.sess = tf.Session()\n        self.sess.run(tf.global_variables_initializer())\n        self.saver = tf.train.Saver()\n\n    def train(self, steps):\n        for i in range(steps):\n            feed = {self.x: X, self.y: Y, self.keep_prob: 0.5}\n            _, l, a = self.sess.run([self.train_op, self.loss, self.acc], feed_dict=feed)\n        self.saver.save(self.sess, 'model.ckpt')\n\n    def predict(self, x):\n        return self.sess.run(self.out, feed_dict={self.x: x, self.keep_prob: 1.0})\n\n\nnet = Net()\nnet.train(10)\npred = net.predict(X)\n"
    _OWN_SESSION_AFTER = 'import keras\n\n\n# tflearn-migrate helper: FetchingLossModel\nclass FetchingLossModel(keras.Model):\n    """A functional model whose output ``loss_index`` IS the TF1 loss tensor; its training step\n    also returns every output, computed on the step\'s forward pass (training mode: dropout as\n    the TF1 step applied it) before the update - what a TF1 sess.run([train_op, loss, metric,\n    ...]) fetched: train_on_batch(..., return_dict=True)["fetched"]."""\n\n    def __init__(self, inputs, outputs, loss_index, **kwargs):\n        super().__init__(inputs, outputs, **kwargs)\n        self.loss_index = loss_index\n\n    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n        return keras.ops.sum(y_pred[self.loss_index])\n\n    def compute_metrics(self, x, y, y_pred, sample_weight=None):\n        logs = super().compute_metrics(x, y, y_pred, sample_weight)\n        logs["fetched"] = list(y_pred)\n        return logs\n\n\nclass Net(object):\n    def __init__(self):\n        self.x = keras.Input(shape=(4,))\n        self.y = keras.Input(shape=(2,))\n        h = keras.layers.Dropout(0.5)(keras.layers.Dense(8)(self.x))\n        self.out = keras.layers.Dense(2)(h)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n        self.acc = keras.ops.mean(keras.ops.abs(self.out - self.y))\n        self.train_op = FetchingLossModel([self.x, self.y], [self.loss, self.acc], 0)\n        self.train_op.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n\n    def train(self, steps):\n        for i in range(steps):\n            l, a = keras.tree.map_structure(keras.ops.convert_to_numpy, self.train_op.train_on_batch([X, Y], return_dict=True)["fetched"])\n        self.train_op.save_weights(\'model.ckpt.weights.h5\')\n\n    def predict(self, x):\n        return keras.Model(self.x, self.out).predict_on_batch(x)\n\n\nnet = Net()\nnet.train(10)\npred = net.predict(X)\n'
    INVALID.append(Case(_OWN_SESSION, _OWN_SESSION_AFTER))
    # a file function given the instance that builds its OWN session, trains and returns it; the
    # caller evaluates with it (tlatkowski/multihead-siamese-nets' train(model, ..) form): the
    # function's runs are the instance's, the session / initializer / return go, the caller keeps
    # the call; a returned session used any other way (put in a list) is not followed: TODO
    _SESSION_FN = 'import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self):\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 1])\n        self.out = tf.layers.dense(self.x, 1)\n        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n\n\ndef fit(net, steps):\n    sess = tf.Session()\n    sess.run(tf.global_variables_initializer())\n    for i in range(steps):\n        _, l = sess.run([net.train_op, net.loss], feed_dict={net.x: X, net.y: Y})\n    return sess\n\n\nmodel = Net()\nsess = fit(model, 10)\npred = sess.run(model.out, feed_dict={model.x: X})\nsess.close()\n'
    _SESSION_FN_AFTER = 'import keras\n\n\n# tflearn-migrate helper: LossModel\nclass LossModel(keras.Model):\n    """A functional model whose output IS the TF1 loss tensor (its labels are inputs too).\n    Training adds the layers\' regularization losses (the REGULARIZATION_LOSSES a TF1 loss added),\n    unless layer_losses=False: the loss tensor already holds those penalties."""\n\n    def __init__(self, inputs, outputs, layer_losses=True, **kwargs):\n        super().__init__(inputs, outputs, **kwargs)\n        self.layer_losses = layer_losses\n\n    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n        loss = keras.ops.sum(y_pred)\n        if training and self.layer_losses and self.losses:\n            loss = loss + keras.ops.sum(self.losses)\n        return loss\n\n\nclass Net(object):\n    def __init__(self):\n        self.x = keras.Input(shape=(4,))\n        self.y = keras.Input(shape=(1,))\n        self.out = keras.layers.Dense(1)(self.x)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n        self.train_op = LossModel([self.x, self.y], self.loss)\n        self.train_op.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n\n\ndef fit(net, steps):\n    for i in range(steps):\n        l = net.train_op.train_on_batch([X, Y])\n\n\nmodel = Net()\nfit(model, 10)\npred = keras.Model(model.x, model.out).predict_on_batch(X)\n'
    _SESSION_FN_LIST = 'import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self):\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 1])\n        self.out = tf.layers.dense(self.x, 1)\n        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n\n\ndef fit(net, steps):\n    sess = tf.Session()\n    sess.run(tf.global_variables_initializer())\n    for i in range(steps):\n        _, l = sess.run([net.train_op, net.loss], feed_dict={net.x: X, net.y: Y})\n    return sess\n\n\nmodel = Net()\nsessions = [fit(model, 10)]\nsess = sessions[0]\npred = sess.run(model.out, feed_dict={model.x: X})\nsess.close()\n'
    _SESSION_FN_LIST_AFTER = "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\nclass Net(object):\n    def __init__(self):\n        # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: fit() runs a session it is not given on net's tensors (not one it builds and returns)\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: fit() runs a session it is not given on net's tensors (not one it builds and returns)\n        self.y = tf.placeholder(tf.float32, [None, 1])\n        self.out = keras.layers.Dense(1)(self.x)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n        # TODO(tflearn-migrate): TFM144 train op kept: class Net: fit() runs a session it is not given on net's tensors (not one it builds and returns)\n        self.train_op = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8).minimize(self.loss)\n\n\ndef fit(net, steps):\n    sess = tf.Session()\n    sess.run(tf.global_variables_initializer())\n    for i in range(steps):\n        _, l = sess.run([net.train_op, net.loss], feed_dict={net.x: X, net.y: Y})\n    return sess\n\n\nmodel = Net()\nsessions = [fit(model, 10)]\nsess = sessions[0]\n# TODO(tflearn-migrate): TFM144 run kept: class Net: fit() runs a session it is not given on net's tensors (not one it builds and returns)\npred = sess.run(model.out, feed_dict={model.x: X})\n"
    INVALID.append(Case(_SESSION_FN, _SESSION_FN_AFTER))
    INVALID.append(Case(_SESSION_FN_LIST, _SESSION_FN_LIST_AFTER, ("TFM144",) * 4, todo=True))
    # var_list = the TRAINABLE_VARIABLES of scope 'net', every layer of the file built under
    # variable_scope('net'): TF1's default (the list statement goes with the train op)
    INVALID.append(Case("import tensorflow as tf\n\n\nclass Reg(object):\n    def __init__(self):\n        self.a = tf.placeholder(tf.float32, [None, 5])\n        self.t = tf.placeholder(tf.float32, [None, 1])\n        with tf.variable_scope('net'):\n            self.out = self.embed(self.a)\n        self.loss = tf.reduce_mean(tf.square(self.out - self.t))\n        params = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='net')\n        self.opt = tf.train.AdamOptimizer(0.01).minimize(self.loss, var_list=params)\n\n    def embed(self, x):\n        return tf.layers.dense(tf.layers.dense(x, 4, name='h'), 1, name='o')\n\n\nr = Reg()\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(4):\n    sess.run(r.opt, feed_dict={r.a: A, r.t: T})\n",
                        'import keras\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\nclass Reg(object):\n    def __init__(self):\n        self.a = keras.Input(shape=(5,))\n        self.t = keras.Input(shape=(1,))\n        self.out = self.embed(self.a)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.t))\n        self.opt = LossModel([self.a, self.t], self.loss)\n        self.opt.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n\n    def embed(self, x):\n        return keras.layers.Dense(1)(keras.layers.Dense(4)(x))\n\n\nr = Reg()\nfor i in range(4):\n    r.opt.train_on_batch([A, T])\n', (), todo=False))
    # a head layer outside the scope: the list leaves it untrained - kept
    INVALID.append(Case("import tensorflow as tf\n\n\nclass Reg(object):\n    def __init__(self):\n        self.a = tf.placeholder(tf.float32, [None, 5])\n        self.t = tf.placeholder(tf.float32, [None, 1])\n        with tf.variable_scope('net'):\n            self.out = self.embed(self.a)\n        self.out = tf.layers.dense(self.out, 1, name='head')\n        self.loss = tf.reduce_mean(tf.square(self.out - self.t))\n        params = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='net')\n        self.opt = tf.train.AdamOptimizer(0.01).minimize(self.loss, var_list=params)\n\n    def embed(self, x):\n        return tf.layers.dense(tf.layers.dense(x, 4, name='h'), 1, name='o')\n\n\nr = Reg()\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(4):\n    sess.run(r.opt, feed_dict={r.a: A, r.t: T})\n",
                        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\nclass Reg(object):\n    def __init__(self):\n        # TODO(tflearn-migrate): TFM144 placeholder kept: class Reg: minimize() with var_list/gate arguments: var_list is a subset of the variables (TF1 trains only those, with an optimizer of its own per train op: its own slots and step count); a LossModel step updates every weight of the model, and which Keras weights the TF1 names select is not traced\n        self.a = tf.placeholder(tf.float32, [None, 5])\n        # TODO(tflearn-migrate): TFM144 placeholder kept: class Reg: minimize() with var_list/gate arguments: var_list is a subset of the variables (TF1 trains only those, with an optimizer of its own per train op: its own slots and step count); a LossModel step updates every weight of the model, and which Keras weights the TF1 names select is not traced\n        self.t = tf.placeholder(tf.float32, [None, 1])\n        self.out = self.embed(self.a)\n        self.out = keras.layers.Dense(1)(self.out)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.t))\n        params = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='net')\n        # TODO(tflearn-migrate): TFM144 train op kept: class Reg: minimize() with var_list/gate arguments: var_list is a subset of the variables (TF1 trains only those, with an optimizer of its own per train op: its own slots and step count); a LossModel step updates every weight of the model, and which Keras weights the TF1 names select is not traced\n        self.opt = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8).minimize(self.loss, var_list=params)\n\n    def embed(self, x):\n        return keras.layers.Dense(1)(keras.layers.Dense(4)(x))\n\n\nr = Reg()\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(4):\n    # TODO(tflearn-migrate): TFM144 training run kept: class Reg: minimize() with var_list/gate arguments: var_list is a subset of the variables (TF1 trains only those, with an optimizer of its own per train op: its own slots and step count); a LossModel step updates every weight of the model, and which Keras weights the TF1 names select is not traced\n    sess.run(r.opt, feed_dict={r.a: A, r.t: T})\n", ('TFM144', 'TFM144', 'TFM144', 'TFM144'), todo=True))
    # a step counter attribute (0, +1 by the one minimize) read by exponential_decay: the optimizer
    # counts; the decayed rate fetched by the training run is the optimizer's before its update
    INVALID.append(Case('import tensorflow as tf\n\n\nclass Reg(object):\n    def __init__(self):\n        self.x = tf.placeholder(tf.float32, [None, 3])\n        self.y = tf.placeholder(tf.float32, [None, 1])\n        self.out = tf.layers.dense(self.x, 1)\n        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n        self.step = tf.Variable(0, trainable=False)\n        self.lr = tf.train.exponential_decay(0.1, self.step, 5, 0.5, staircase=True)\n        self.train = tf.train.GradientDescentOptimizer(self.lr).minimize(self.loss, global_step=self.step)\n\n\nm = Reg()\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(20):\n    _, l, r = sess.run([m.train, m.loss, m.lr], feed_dict={m.x: X, m.y: Y})\n',
                        'import keras\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\n# tflearn-migrate helper: tf1_fetches\n_TF1_FETCHES = {}\n\n\ndef tf1_fetches(inputs, outputs):\n    """The keras.Model computing ``outputs`` from ``inputs`` - what a TF1 sess.run of these\n    tensors evaluated - built once per (inputs, outputs), not at every run of a loop."""\n    key = (tuple(id(t) for t in inputs), tuple(id(t) for t in outputs))\n    if key not in _TF1_FETCHES:\n        _TF1_FETCHES[key] = (inputs, outputs, keras.Model(inputs, outputs))\n    return _TF1_FETCHES[key][2]\n\n\nclass Reg(object):\n    def __init__(self):\n        self.x = keras.Input(shape=(3,))\n        self.y = keras.Input(shape=(1,))\n        self.out = keras.layers.Dense(1)(self.x)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n        self.lr = keras.optimizers.schedules.ExponentialDecay(\n            0.1,\n            decay_steps=5,\n            decay_rate=0.5,\n            staircase=True,\n        )\n        self.train = LossModel([self.x, self.y], self.loss)\n        self.train.compile(optimizer=keras.optimizers.SGD(learning_rate=self.lr))\n\n\nm = Reg()\nfor i in range(20):\n    r = keras.ops.convert_to_numpy(m.train.optimizer.learning_rate)\n    l = tf1_fetches([m.x, m.y], [m.loss]).predict_on_batch([X, Y])\n    m.train.train_on_batch([X, Y])\n', ()))
    # read-only @property accessors returning self.<attr> (feeds, fetches and evals through them):
    # the attribute they return
    INVALID.append(Case('import tensorflow as tf\n\n\nclass Scorer(object):\n    def __init__(self):\n        self._q = tf.placeholder(tf.float32, [None, 5])\n        self._y = tf.placeholder(tf.float32, [None, 1])\n        self._score = tf.layers.dense(self._q, 1)\n        self._cost = tf.reduce_mean(tf.square(self._score - self._y))\n        self._step = tf.train.GradientDescentOptimizer(0.1).minimize(self._cost)\n\n    @property\n    def q(self):\n        """The query batch."""\n        return self._q\n\n    @property\n    def y(self):\n        return self._y\n\n    @property\n    def score(self):\n        return self._score\n\n    @property\n    def cost(self):\n        return self._cost\n\n    @property\n    def step(self):\n        return self._step\n\n\nnet = Scorer()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(5):\n        _, c = sess.run([net.step, net.cost], feed_dict={net.q: Q, net.y: Y})\n    s = sess.run(net.score, {net.q: Q})\n',
                        'import keras\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\nclass Scorer(object):\n    def __init__(self):\n        self._q = keras.Input(shape=(5,))\n        self._y = keras.Input(shape=(1,))\n        self._score = keras.layers.Dense(1)(self._q)\n        self._cost = keras.ops.mean(keras.ops.square(self._score - self._y))\n        self._step = LossModel([self._q, self._y], self._cost)\n        self._step.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))\n\n    @property\n    def q(self):\n        """The query batch."""\n        return self._q\n\n    @property\n    def y(self):\n        return self._y\n\n    @property\n    def score(self):\n        return self._score\n\n    @property\n    def cost(self):\n        return self._cost\n\n    @property\n    def step(self):\n        return self._step\n\n\nnet = Scorer()\nfor i in range(5):\n    c = net._step.train_on_batch([Q, Y])\ns = keras.Model(net._q, net._score).predict_on_batch(Q)\n'))
    # a property with a setter may return something else later: not followed
    INVALID.append(Case('import tensorflow as tf\n\n\nclass Scorer(object):\n    def __init__(self):\n        self._q = tf.placeholder(tf.float32, [None, 5])\n        self.y = tf.placeholder(tf.float32, [None, 1])\n        self.score = tf.layers.dense(self._q, 1)\n        self.cost = tf.reduce_mean(tf.square(self.score - self.y))\n        self.step = tf.train.GradientDescentOptimizer(0.1).minimize(self.cost)\n\n    @property\n    def q(self):\n        return self._q\n\n    @q.setter\n    def q(self, value):\n        self._q = value\n\n\nnet = Scorer()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(5):\n        _, c = sess.run([net.step, net.cost], feed_dict={net.q: Q, net.y: Y})\n',
                        'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\nclass Scorer(object):\n    def __init__(self):\n        # TODO(tflearn-migrate): TFM144 placeholder kept: class Scorer: feed_dict key is not a placeholder attribute\n        self._q = tf.placeholder(tf.float32, [None, 5])\n        # TODO(tflearn-migrate): TFM144 placeholder kept: class Scorer: feed_dict key is not a placeholder attribute\n        self.y = tf.placeholder(tf.float32, [None, 1])\n        self.score = keras.layers.Dense(1)(self._q)\n        self.cost = keras.ops.mean(keras.ops.square(self.score - self.y))\n        # TODO(tflearn-migrate): TFM144 train op kept: class Scorer: feed_dict key is not a placeholder attribute\n        self.step = keras.optimizers.SGD(learning_rate=0.1).minimize(self.cost)\n\n    @property\n    def q(self):\n        return self._q\n\n    @q.setter\n    def q(self, value):\n        self._q = value\n\n\nnet = Scorer()\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for i in range(5):\n        # TODO(tflearn-migrate): TFM144 training run kept: class Scorer: feed_dict key is not a placeholder attribute\n        _, c = sess.run([net.step, net.cost], feed_dict={net.q: Q, net.y: Y})\n',
                        ('TFM144', 'TFM144', 'TFM144', 'TFM144'), todo=True))
    # kym343/Siamese-Network-TensorFlow's shape: the class is given its session and runs it in its own
    # method; the train op comes from a helper method (its loss a parameter) and is grouped with the
    # update ops (tf.group); the helper's step counter drives exponential_decay (TFM133's schedule of the
    # optimizer's iterations); a bool placeholder no op reads becomes an unconnected keras.Input
    INVALID.append(Case('import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self, sess):\n        self.sess = sess\n        self.training = tf.placeholder(tf.bool)\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 2])\n        self.out = tf.layers.dense(self.x, 2)\n        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n        train_op = self.optimizer_fn(self.loss)\n        self.optim = tf.group(train_op, *tf.get_collection(tf.GraphKeys.UPDATE_OPS))\n\n    def optimizer_fn(self, loss):\n        step = tf.Variable(0, trainable=False)\n        lr = tf.train.exponential_decay(0.01, step, 100, 0.5)\n        learn = tf.train.AdamOptimizer(lr).minimize(loss, global_step=step)\n        return learn\n\n    def train_step(self, X, Y):\n        _, l = self.sess.run([self.optim, self.loss], feed_dict={self.x: X, self.y: Y, self.training: True})\n        return l\n\n\nsess = tf.Session()\nnet = Net(sess)\nsess.run(tf.global_variables_initializer())\nfor i in range(10):\n    l = net.train_step(X, Y)\n',
        'import keras\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\nclass Net(object):\n    def __init__(self):\n        self.training = keras.Input(shape=(), dtype=\'bool\')  # no TF1 op read this placeholder (only `is` tests): what the runs fed it was never used\n        self.x = keras.Input(shape=(4,))\n        self.y = keras.Input(shape=(2,))\n        self.out = keras.layers.Dense(2)(self.x)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n        train_op = self.optimizer_fn(self.loss)\n        self.optim = train_op\n\n    def optimizer_fn(self, loss):\n        lr = keras.optimizers.schedules.ExponentialDecay(\n            0.01,\n            decay_steps=100,\n            decay_rate=0.5,\n        )\n        learn = LossModel([self.x, self.y], loss)\n        learn.compile(optimizer=keras.optimizers.Adam(learning_rate=lr, epsilon=1e-8))\n        return learn\n\n    def train_step(self, X, Y):\n        l = self.optim.train_on_batch([X, Y])\n        return l\nnet = Net()\nfor i in range(10):\n    l = net.train_step(X, Y)\n', ()))
    # ... grouped with a list that is not the batch norms' update list (self._ops never assigned []):
    # the class stays TF1, said why
    INVALID.append(Case('import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self, sess):\n        self.sess = sess\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 2])\n        self.out = tf.layers.dense(self.x, 2)\n        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n        train_op = self.optimizer_fn(self.loss)\n        self.optim = tf.group(*[train_op] + self._ops)\n\n    def optimizer_fn(self, loss):\n        learn = tf.train.AdamOptimizer(0.01).minimize(loss)\n        return learn\n\n    def train_step(self, X, Y):\n        _, l = self.sess.run([self.optim, self.loss], feed_dict={self.x: X, self.y: Y})\n        return l\n\n\nsess = tf.Session()\nnet = Net(sess)\nsess.run(tf.global_variables_initializer())\nfor i in range(10):\n    l = net.train_step(X, Y)\n',
        'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\nclass Net(object):\n    def __init__(self, sess):\n        self.sess = sess\n        # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: optimizer_fn(): self._ops is not assigned [] once\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: optimizer_fn(): self._ops is not assigned [] once\n        self.y = tf.placeholder(tf.float32, [None, 2])\n        self.out = keras.layers.Dense(2)(self.x)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n        train_op = self.optimizer_fn(self.loss)\n        self.optim = tf.group(*[train_op] + self._ops)\n\n    def optimizer_fn(self, loss):\n        # TODO(tflearn-migrate): TFM140 Keras 3 optimizers have no minimize / compute_gradients / apply_gradients: this training step is not translated\n        learn = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8).minimize(loss)\n        return learn\n\n    def train_step(self, X, Y):\n        _, l = self.sess.run([self.optim, self.loss], feed_dict={self.x: X, self.y: Y})\n        return l\n\n\nsess = tf.Session()\nnet = Net(sess)\nsess.run(tf.global_variables_initializer())\nfor i in range(10):\n    l = net.train_step(X, Y)\n', ('TFM140', 'TFM144', 'TFM144'), todo=True))
    INVALID = [*INVALID, Case(
        # a file function given the instance and the session (``run_epoch(model, session, ...)``): its
        # runs are the instance's (a named fetch list, a named feed dict); the session parameter, the
        # arguments passing it and an __init__ parameter it was passed to and never read go
        'import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self, sess, n):\n        self.x = tf.placeholder(tf.float32, [None, n])\n        self.y = tf.placeholder(tf.float32, [None])\n        self.out = tf.squeeze(tf.layers.dense(self.x, 1), axis=1)\n        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n\n\ndef run_epoch(model, session, X, Y):\n    for i in range(0, len(X), 8):\n        fetches = [model.loss, model.out, model.train_op]\n        feed = {model.x: X[i:i + 8], model.y: Y[i:i + 8]}\n        l, o, _ = session.run(fetches, feed)\n    return l\n\n\nwith tf.Session() as sess:\n    net = Net(sess, 4)\n    sess.run(tf.global_variables_initializer())\n    for e in range(3):\n        last = run_epoch(net, sess, X, Y)\n    pred = sess.run(net.out, {net.x: X})\n',
        'import keras\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\n# tflearn-migrate helper: tf1_fetches\n_TF1_FETCHES = {}\n\n\ndef tf1_fetches(inputs, outputs):\n    """The keras.Model computing ``outputs`` from ``inputs`` - what a TF1 sess.run of these\n    tensors evaluated - built once per (inputs, outputs), not at every run of a loop."""\n    key = (tuple(id(t) for t in inputs), tuple(id(t) for t in outputs))\n    if key not in _TF1_FETCHES:\n        _TF1_FETCHES[key] = (inputs, outputs, keras.Model(inputs, outputs))\n    return _TF1_FETCHES[key][2]\n\n\nclass Net(object):\n    def __init__(self, n):\n        self.x = keras.Input(shape=(n,))\n        self.y = keras.Input(shape=())\n        self.out = keras.ops.squeeze(keras.layers.Dense(1)(self.x), axis=1)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n        self.train_op = LossModel([self.x, self.y], self.loss)\n        self.train_op.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n\n\ndef run_epoch(model, X, Y):\n    for i in range(0, len(X), 8):\n        l, o = tf1_fetches([model.x, model.y], [model.loss, model.out]).predict_on_batch([X[i:i + 8], Y[i:i + 8]])\n        model.train_op.train_on_batch([X[i:i + 8], Y[i:i + 8]])\n    return l\n\n\nnet = Net(4)\nfor e in range(3):\n    last = run_epoch(net, X, Y)\npred = keras.Model(net.x, net.out).predict_on_batch(X)\n')]
    INVALID = [*INVALID, Case(
        # ... a run there that cannot be mapped (a feed dict built by a call): the class stays TF1
        'import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self, sess, n):\n        self.x = tf.placeholder(tf.float32, [None, n])\n        self.y = tf.placeholder(tf.float32, [None])\n        self.out = tf.squeeze(tf.layers.dense(self.x, 1), axis=1)\n        self.loss = tf.reduce_mean(tf.square(self.out - self.y))\n        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss)\n\n\ndef run_epoch(model, session, X, Y):\n    for i in range(0, len(X), 8):\n        fetches = [model.loss, model.out, model.train_op]\n        feed = make_feed(model, X, Y, i)\n        l, o, _ = session.run(fetches, feed)\n    return l\n\n\nwith tf.Session() as sess:\n    net = Net(sess, 4)\n    sess.run(tf.global_variables_initializer())\n    for e in range(3):\n        last = run_epoch(net, sess, X, Y)\n    pred = sess.run(net.out, {net.x: X})\n',
        'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\nclass Net(object):\n    def __init__(self, sess, n):\n        # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: run_epoch(): feed_dict is not a dict literal\n        self.x = tf.placeholder(tf.float32, [None, n])\n        self.y = tf.placeholder(tf.float32, [None])  # TODO(tflearn-migrate): TFM144 placeholder kept: class Net: run_epoch(): feed_dict is not a dict literal\n        self.out = keras.ops.squeeze(keras.layers.Dense(1)(self.x), axis=1)\n        self.loss = keras.ops.mean(keras.ops.square(self.out - self.y))\n        # TODO(tflearn-migrate): TFM144 train op kept: class Net: run_epoch(): feed_dict is not a dict literal\n        self.train_op = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8).minimize(self.loss)\n\n\ndef run_epoch(model, session, X, Y):\n    for i in range(0, len(X), 8):\n        fetches = [model.loss, model.out, model.train_op]\n        feed = make_feed(model, X, Y, i)\n        l, o, _ = session.run(fetches, feed)\n    return l\n\n\nwith tf.Session() as sess:\n    net = Net(sess, 4)\n    sess.run(tf.global_variables_initializer())\n    for e in range(3):\n        last = run_epoch(net, sess, X, Y)\n    pred = sess.run(net.out, {net.x: X})  # TODO(tflearn-migrate): TFM144 run kept: class Net: run_epoch(): feed_dict is not a dict literal\n', ("TFM144",) * 4, todo=True)]
    INVALID = [*INVALID, Case(_HOLDER, _HOLDER_AFTER, ('TFM140', 'TFM142', 'TFM142', 'TFM142'), todo=False), Case(_HOLDER_TRAINS, _HOLDER_TRAINS_AFTER, ('TFM142', 'TFM142', 'TFM142', 'TFM144', 'TFM144', 'TFM144', 'TFM144', 'TFM144', 'TFM144', 'TFM144', 'TFM144'), todo=True), Case(_OPTIMIZE_TWICE, _OPTIMIZE_TWICE_AFTER, ('TFM140', 'TFM142', 'TFM142', 'TFM142', 'TFM144', 'TFM144', 'TFM144', 'TFM144', 'TFM144', 'TFM144'), todo=True)]
    # a class defined in one module and trained in another (``Case.modules``: the other files of
    # the run; analysis/modules.py): the class body, the training file and a file restoring the
    # checkpoint translate together; a user file that cannot be translated keeps all of them TF1
    INVALID = [*INVALID,
               Case(_MF_MODEL, _MF_MODEL_AFTER, (), todo=False,
                    modules=(("train.py", _MF_TRAIN.replace("model", "example")),)),
               Case(_MF_TRAIN, _MF_TRAIN_AFTER, (), todo=False, modules=(("model.py", _MF_MODEL),)),
               Case(_MF_RESTORE, _MF_RESTORE_AFTER, (), todo=False,
                    modules=(("model.py", _MF_MODEL), ("train.py", _MF_TRAIN))),
               Case(_MF_TRAIN.replace("feed_dict={m.x: X, m.y: Y}", "feed_dict=make_feed(m, X, Y)"),
                    _MF_DECLINED_AFTER, ('TFM140', 'TFM144', 'TFM144', 'TFM144'), todo=True, modules=(("model.py", _MF_MODEL),))]
    # the training script of many repositories (dhwajraj/deep-siamese-text-similarity after
    # dennybritz's text CNN): Graph / Session(config=) / sess.as_default() blocks; the keep
    # probability passed to a tower method; compute_gradients + apply_gradients(global_step=);
    # a nested train_step building its feed in if / else branches and fetching the step counter;
    # tf.train.global_step; a Saver of tf.global_variables()
    INVALID.append(Case("import tensorflow as tf\nfrom random import random\n\n\nclass Net(object):\n    def tower(self, x, keep, name):\n        with tf.variable_scope(name):\n            return tf.layers.dense(tf.nn.dropout(x, keep), 2, name='fc')\n\n    def __init__(self):\n        self.x1 = tf.placeholder(tf.float32, [None, 4])\n        self.x2 = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None])\n        self.keep = tf.placeholder(tf.float32)\n        d = tf.reduce_sum(tf.square(self.tower(self.x1, self.keep, 'a') - self.tower(self.x2, self.keep, 'b')), 1)\n        self.loss = tf.reduce_mean(self.y * d + (1 - self.y) * tf.maximum(1.0 - d, 0.0))\n\n\nwith tf.Graph().as_default():\n    sess = tf.Session(config=tf.ConfigProto(allow_soft_placement=True))\n    with sess.as_default():\n        net = Net()\n        global_step = tf.Variable(0, name='global_step', trainable=False)\n        opt = tf.train.AdamOptimizer(0.01)\n    grads_and_vars = opt.compute_gradients(net.loss)\n    train_op = opt.apply_gradients(grads_and_vars, global_step=global_step)\n    saver = tf.train.Saver(tf.global_variables())\n    sess.run(tf.global_variables_initializer())\n\n    def train_step(a, b, y):\n        if random() > 0.5:\n            feed = {net.x1: a, net.x2: b, net.y: y, net.keep: 0.5}\n        else:\n            feed = {net.x1: b, net.x2: a, net.y: y, net.keep: 0.5}\n        _, step, loss = sess.run([train_op, global_step, net.loss], feed)\n        return step, loss\n\n    for i in range(3):\n        train_step(A, B, Y)\n        if tf.train.global_step(sess, global_step) % 2 == 0:\n            saver.save(sess, 'ckpt/model', global_step=i)\n",
                        'from random import random\nimport keras\nimport os\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + "\n\n" + 'class Net(object):\n    def tower(self, x, keep, name):\n        return keras.layers.Dense(2)(keras.layers.Dropout(0.5)(x))\n\n    def __init__(self):\n        self.x1 = keras.Input(shape=(4,))\n        self.x2 = keras.Input(shape=(4,))\n        self.y = keras.Input(shape=())\n        self.keep = None  # keep-probability placeholder: the Keras Dropout layers (training mode only) do its job\n        d = keras.ops.sum(keras.ops.square(self.tower(self.x1, self.keep, \'a\') - self.tower(self.x2, self.keep, \'b\')), axis=1)\n        self.loss = keras.ops.mean(self.y * d + (1 - self.y) * keras.ops.maximum(1.0 - d, 0.0))\n\n\nnet = Net()\nopt = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8)\nnet_model = LossModel([net.x1, net.x2, net.y], net.loss)\nnet_model.compile(optimizer=opt)\n\ndef train_step(a, b, y):\n    if random() > 0.5:\n        feed = {"x1": a, "x2": b, "y": y, "keep": 0.5}\n    else:\n        feed = {"x1": b, "x2": a, "y": y, "keep": 0.5}\n    loss = net_model.train_on_batch([feed["x1"], feed["x2"], feed["y"]])\n    step = keras.ops.convert_to_numpy(net_model.optimizer.iterations)\n    return step, loss\n\nfor i in range(3):\n    train_step(A, B, Y)\n    if int(keras.ops.convert_to_numpy(net_model.optimizer.iterations)) % 2 == 0:\n        os.makedirs(\'ckpt\', exist_ok=True)\n        net_model.save_weights(str(\'ckpt/model\') + \'-\' + str(int(i)) + ".weights.h5")\n', ()))
    # a step counter attribute only given to minimize(global_step=): the Keras optimizer counts its steps
    INVALID.append(Case("import tensorflow as tf\n\n\nclass Net(object):\n    def __init__(self, sess):\n        self.sess = sess\n        self.x = tf.placeholder(tf.float32, [None, 4])\n        self.y = tf.placeholder(tf.float32, [None, 2])\n        self.loss = tf.reduce_mean(tf.square(tf.layers.dense(self.x, 2) - self.y))\n        self.global_step = tf.Variable(0, trainable=False, name='global_step')\n        self.train_op = tf.train.AdamOptimizer(0.01).minimize(self.loss, global_step=self.global_step)\n\n    def fit(self, X, Y):\n        _, l = self.sess.run([self.train_op, self.loss], feed_dict={self.x: X, self.y: Y})\n        return l\n\n\nwith tf.Session() as sess:\n    net = Net(sess)\n    sess.run(tf.global_variables_initializer())\n    for i in range(3):\n        net.fit(X, Y)\n",
                        'import keras\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + "\n\n" + 'class Net(object):\n    def __init__(self):\n        self.x = keras.Input(shape=(4,))\n        self.y = keras.Input(shape=(2,))\n        self.loss = keras.ops.mean(keras.ops.square(keras.layers.Dense(2)(self.x) - self.y))\n        self.train_op = LossModel([self.x, self.y], self.loss)\n        self.train_op.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))\n\n    def fit(self, X, Y):\n        l = self.train_op.train_on_batch([X, Y])\n        return l\n\n\nnet = Net()\nfor i in range(3):\n    net.fit(X, Y)\n', ()))
    # mjfang/HWCNN's idioms in other words: the input shape given to __init__, a slim regularizer
    # held in a name and the class's loss adding tf.losses.get_regularization_loss() (the
    # penalties as graph tensors: a LossModel does not add model.losses), a Python keep
    # probability, ``return opt.apply_gradients(pairs)`` from a method the caller binds, the
    # gradients' global norm kept only for a summary
    INVALID.append(Case("import tensorflow as tf\nimport tensorflow.contrib.slim as slim\n\n\nclass Scorer(object):\n    def __init__(self, dims):\n        self.inp = tf.placeholder(tf.float32, dims)\n        self.target = tf.placeholder(tf.float32, [None, 1])\n        self.keep = 0.75\n        wd = slim.l2_regularizer(0.01)\n        hidden = slim.fully_connected(self.inp, 8, weights_regularizer=wd)\n        self.score = slim.fully_connected(tf.nn.dropout(hidden, self.keep), 1, activation_fn=None)\n        self.cost = tf.reduce_mean(tf.square(self.score - self.target)) + tf.losses.get_regularization_loss()\n        self.update = self.build_update(self.cost)\n\n    def build_update(self, cost):\n        sgd = tf.train.GradientDescentOptimizer(0.05)\n        pairs = sgd.compute_gradients(cost)\n        grads, _ = zip(*pairs)\n        self.norm = tf.global_norm(grads)\n        tf.summary.scalar('norm', self.norm)\n        return sgd.apply_gradients(pairs)\n\n\nnet = Scorer([None, 3])\nwith tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    for step in range(5):\n        _, c = sess.run([net.update, net.cost], feed_dict={net.inp: X, net.target: Y})\n    pred = net.score.eval(feed_dict={net.inp: X})\n",
                        "import keras\n\n\n# tflearn-migrate helper: tf1_regularization_losses\n" + _CLASS_LOSSES.code
                        + "\n\n# tflearn-migrate helper: tf1_add\n" + _TF1_ADD.code + "\n\n# tflearn-migrate helper: LossModel\n"
                        + LOSS_MODEL.code + "\n\n" + "class Scorer(object):\n    def __init__(self, dims):\n        self.inp = keras.Input(shape=tuple(dims)[1:])\n        self.target = keras.Input(shape=(1,))\n        self.keep = 0.75\n        wd = keras.regularizers.L2(0.005)\n        hidden = keras.layers.Dense(8, activation='relu', kernel_regularizer=wd)(self.inp)\n        self.score = keras.layers.Dense(1)(keras.layers.Dropout(0.25)(hidden))\n        self.cost = tf1_add(keras.ops.mean(keras.ops.square(self.score - self.target)), tf1_regularization_loss(self))\n        self.update = self.build_update(self.cost)\n\n    def build_update(self, cost):\n        sgd = keras.optimizers.SGD(learning_rate=0.05)\n        update = LossModel([self.inp, self.target], cost, layer_losses=False)\n        update.compile(optimizer=sgd)\n        return update\n\n\nnet = Scorer([None, 3])\nfor step in range(5):\n    c = net.update.train_on_batch([X, Y])\npred = keras.Model(net.inp, net.score).predict_on_batch(X)\n", ("TFM134", "TFM142")))
    # the dual encoder's class (vineetm/siamese-network): gradients on their own line, then
    # clip_by_global_norm, applied by an optimizer held on self; a train() method RETURNING the run
    INVALID.append(Case('import tensorflow as tf\n\n\nclass PairScorer:\n    def __init__(self):\n        self.left = tf.placeholder(tf.float32, [None, 5])\n        self.right = tf.placeholder(tf.float32, [None, 5])\n        self.same = tf.placeholder(tf.float32, [None])\n        logit = tf.reduce_sum(tf.layers.dense(self.left - self.right, 1), axis=1)\n        self.cost = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=self.same, logits=logit))\n        self.optim = tf.train.AdamOptimizer(0.01)\n        tvars = tf.trainable_variables()\n        grads = tf.gradients(self.cost, tvars)\n        clipped, _ = tf.clip_by_global_norm(grads, 1.0)\n        self.update = self.optim.apply_gradients(zip(clipped, tvars))\n\n    def fit_batch(self, sess, l, r, s):\n        return sess.run([self.update, self.cost], feed_dict={self.left: l, self.right: r, self.same: s})\n\n\nnet = PairScorer()\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor i in range(3):\n    _, c = net.fit_batch(sess, L, R, S)\n',
                        'import keras\n\n\n# tflearn-migrate helper: LossModel\n' + LOSS_MODEL.code + '\n\nclass PairScorer:\n    def __init__(self):\n        self.left = keras.Input(shape=(5,))\n        self.right = keras.Input(shape=(5,))\n        self.same = keras.Input(shape=())\n        logit = keras.ops.sum(keras.layers.Dense(1)(self.left - self.right), axis=1)\n        self.cost = keras.ops.mean(keras.ops.binary_crossentropy(self.same, logit, from_logits=True))\n        self.optim = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8)\n        self.optim.global_clipnorm = 1.0\n        self.update = LossModel([self.left, self.right, self.same], self.cost)\n        self.update.compile(optimizer=self.optim)\n\n    def fit_batch(self, l, r, s):\n        return [None, self.update.train_on_batch([l, r, s])]\n\n\nnet = PairScorer()\nfor i in range(3):\n    _, c = net.fit_batch(L, R, S)\n', ()))
    REQUIRES = ("TFM130", "TFM131", "TFM132", "TFM133", "TFM134", "TFM135", "TFM138", "TFM139", "TFM140", "TFM142",
                "TFM151")


def _self_attr_name(node) -> str | None:
    from ..analysis.tf1_classes import _self_attr

    return _self_attr(node)

def _walk_nodes(node):
    from ..cstcache import walk

    return walk(node)


def _inst_node(inst: str) -> cst.BaseExpression:
    """The instance a run uses: a name (``net``, ``self``) or a holder's ``self._model``."""
    return cst.parse_expression(inst) if "." in inst else cst.Name(inst)


class _Todo(Exception):
    pass


def _pinned_dropout(ctx, q: str, call: cst.Call) -> bool:
    """A contrib / slim dropout whose ``is_training`` is a literal bool or left at its default
    (True) and whose keep_prob is a constant number: TFM132 pins its mode (TF1ModeDropout, or the
    identity), so an evaluation in Keras' inference mode drops as TF1's training step did (the
    same distribution, as any two TF1 runs of it)."""
    from ..analysis.keep_prob import fixed_number
    from ..emit import literal

    if q not in ("tensorflow.contrib.layers.dropout", "tensorflow.contrib.slim.dropout"):
        return False

    def arg(kw: str, pos: int):
        return next((a.value for i, a in enumerate(call.args)
                     if (a.keyword is not None and a.keyword.value == kw) or (a.keyword is None and i == pos)), None)

    flag, keep = arg("is_training", 3), arg("keep_prob", 1)
    if flag is not None and literal(flag, None) is False:
        return True  # the identity
    return (flag is None or literal(flag, None) is True) and (keep is None or fixed_number(ctx, keep, call))
