"""TFM114: tflearn optimizer objects -> keras.optimizers with TF1's constants."""
from __future__ import annotations

import libcst as cst

from ..analysis.flow import Flow
from ..args import BoundArgs, Unbindable
from ..emit import code
from ..translate.layer import LayerRule
from ..analysis.tflearn_model import REGRESSION_SIG, TflearnProgram
from ..translate.tflearn_train import DEFAULT_CLIP, OPTIMIZER_SIGS, SHORT_NAMES, optimizer
from .base import Case

# (the TF1RMSprop helper is registered in translate/tflearn_train.py: TFM133 emits it too)

_SIGS = {}
for _cls, _sig in OPTIMIZER_SIGS.items():
    _SIGS[f"tflearn.optimizers.{_cls}"] = _sig
for _short, _cls in SHORT_NAMES.items():
    _SIGS[f"tflearn.optimizers.{_short}"] = OPTIMIZER_SIGS[_cls]


class Optimizers(LayerRule):
    ID = "TFM114"
    TRIGGERS = ("tflearn",)
    NAME = "optimizers"
    MESSAGE = "tflearn optimizer object -> keras.optimizers with TF1 constants"
    RATIONALE = ("tflearn's optimizers wrap TF1 optimizers whose constants differ from Keras': "
                 "Adam epsilon 1e-8 (Keras 1e-7); RMSProp epsilon 1e-10 (Keras 1e-7) and a "
                 "mean-square accumulator starting at 1.0 (Keras 0.0: helper TF1RMSprop); "
                 "AdaGrad has no epsilon (Keras 1e-7 -> 0.0) and ProximalAdaGrad builds a plain "
                 "Adagrad; AdaDelta rho 0.1 (Keras 0.95), epsilon 1e-8; Momentum/Nesterov "
                 "momentum 0.9; Ftrl learning rate 3.0; lr_decay/decay_step/staircase is "
                 "tf.train.exponential_decay == keras ExponentialDecay. Every tflearn optimizer "
                 "is applied by a DNN/Trainer that clips gradients to a global norm of 5.0 "
                 "(clip_gradients default) -> global_clipnorm=5.0.")
    SIGNATURES = _SIGS
    REQUIRES = ("TFM101", "TFM116")

    def build(self, qname, b: BoundArgs, original):
        cls = qname.rsplit(".", 1)[1]
        cls = SHORT_NAMES.get(cls, cls)
        return optimizer(self.ctx, cls, b, self._clip(original), original)

    def _clip(self, original):
        """The clip_gradients of the DNN that trains with this optimizer object when it is
        assigned to a name and passed to regression(optimizer=name) (default 5.0)."""
        parent = self.ctx.parent(original)
        if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1
                and isinstance(parent.targets[0].target, cst.Name)):
            return DEFAULT_CLIP
        name = parent.targets[0].target.value
        prog: TflearnProgram = self.ctx.analysis(TflearnProgram)
        flow: Flow = self.ctx.analysis(Flow)
        clips = set()
        for reg in prog.regressions.values():
            try:
                rb = BoundArgs(reg.call, REGRESSION_SIG)
            except Unbindable:
                continue
            opt = rb.node("optimizer") if rb.given("optimizer") else None
            if not (isinstance(opt, cst.Name) and opt.value == name):
                continue
            d = flow.def_of(name, reg.call)
            if d is None or d.value is not original:
                continue
            for dnn in reg.dnns:
                if dnn.args is not None and dnn.args.given("clip_gradients"):
                    clips.add(code(dnn.args.node("clip_gradients")))
                else:
                    clips.add(repr(DEFAULT_CLIP))
        if len(clips) == 1:
            return cst.parse_expression(clips.pop())
        if len(clips) > 1:
            self.report(original, "this optimizer is used by DNNs with different clip_gradients: "
                                  "global_clipnorm=5.0 kept")
        return DEFAULT_CLIP

    VALID = ["import keras\nopt = keras.optimizers.Adam(1e-3)\n"]
    INVALID = [
        Case("import tflearn\nopt = tflearn.Adam(learning_rate=0.01, beta1=0.5)\n",
             "import keras\n\nopt = keras.optimizers.Adam(learning_rate=0.01, beta_1=0.5, epsilon=1e-8, "
             "global_clipnorm=5.0)\n"),
        Case("import tflearn\nopt = tflearn.optimizers.Momentum(0.1, lr_decay=0.96, decay_step=200)\n",
             "import keras\n\nopt = keras.optimizers.SGD(\n"
             "    learning_rate=keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=200, decay_rate=0.96),\n"
             "    momentum=0.9,\n    global_clipnorm=5.0,\n)\n", ("TFM114",)),
        Case("from tflearn.optimizers import RMSProp, AdaDelta, ProximalAdaGrad\n"
             "a = RMSProp(0.01)\nb = AdaDelta()\nc = ProximalAdaGrad(0.1)\n",
             "import keras\n\n\n"
             "# tflearn-migrate helper: TF1RMSprop\n"
             "@keras.saving.register_keras_serializable(package=\"tflearn_migrate\")\n"
             "class TF1RMSprop(keras.optimizers.RMSprop):\n"
             "    \"\"\"keras RMSprop whose mean-square accumulator starts at 1.0, as TF1's RMSPropOptimizer\n"
             "    (Keras starts it at 0.0); the update rule is otherwise the same.\"\"\"\n\n"
             "    def add_optimizer_variables(self, trainable_variables, name, initializer=\"zeros\"):\n"
             "        # created with the value 1.0 (an assign in build() is lost when build runs inside\n"
             "        # the traced training function)\n"
             "        if name == \"velocity\":\n"
             "            initializer = \"ones\"\n"
             "        return super().add_optimizer_variables(trainable_variables, name, initializer)\n\n\n"
             "a = TF1RMSprop(learning_rate=0.01, rho=0.9, epsilon=1e-10, global_clipnorm=5.0)\n"
             "b = keras.optimizers.Adadelta(learning_rate=0.001, rho=0.1, epsilon=1e-8, global_clipnorm=5.0)\n"
             "c = keras.optimizers.Adagrad(\n    learning_rate=0.1,\n    initial_accumulator_value=0.1,\n"
             "    epsilon=0.0,\n    global_clipnorm=5.0,\n)\n"),
        Case("import tflearn\n"
             "adagrad = tflearn.AdaGrad(learning_rate=0.1)\n"
             "x = tflearn.input_data(shape=[None, 4])\n"
             "x = tflearn.regression(x, optimizer=adagrad, loss='mean_square', metric=None)\n"
             "m = tflearn.DNN(x, clip_gradients=0.)\n",
             "import keras\n\n"
             "adagrad = keras.optimizers.Adagrad(\n    learning_rate=0.1,\n    initial_accumulator_value=0.1,\n"
             "    epsilon=0.0,\n)\n"
             "x_input = keras.Input(shape=(4,))\nx = x_input\n"
             "m = keras.Model(inputs=x_input, outputs=x)\n"
             "m.compile(optimizer=adagrad, loss='mean_squared_error')\n"),
        Case("import tflearn\nopt = tflearn.optimizers.sgd(0.1, lr_decay=rate)\n",
             None, ("TFM114",), todo=True),
    ]
