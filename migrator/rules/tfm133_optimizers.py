"""TFM133: tf.train.*Optimizer -> keras.optimizers with TF1's constants."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call, literal, wrap_long_call
from ..translate.tflearn import Untranslatable
from ..translate.tflearn_train import TF1_MOMENTUM, TF1_RMSPROP
from ..helpers import HELPERS
from .base import Case, CallRule

SIGS = {
    "GradientDescentOptimizer": "learning_rate, use_locking=False, name='GradientDescent'",
    "MomentumOptimizer": "learning_rate, momentum, use_locking=False, name='Momentum', use_nesterov=False",
    "AdamOptimizer": ("learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False, "
                      "name='Adam'"),
    "RMSPropOptimizer": ("learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, "
                         "centered=False, name='RMSProp'"),
    "AdagradOptimizer": "learning_rate, initial_accumulator_value=0.1, use_locking=False, name='Adagrad'",
    "AdadeltaOptimizer": "learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False, name='Adadelta'",
}
DECAY_SIG = "learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None"
POLY_SIG = ("learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False, "
            "name=None")


class Optimizers(CallRule):
    ID = "TFM133"
    TRIGGERS = ("tensorflow",)
    NAME = "tf1-optimizers"
    MESSAGE = "tf.train.*Optimizer -> keras.optimizers with TF1's constants"
    RATIONALE = ("Every TF1 constant is written out: AdamOptimizer epsilon 1e-8 (Keras 1e-7); "
                 "MomentumOptimizer with a learning rate that changes (a schedule, a tensor) -> TF1Momentum "
                 "(TF1 multiplies its gradient accumulator by the current rate; Keras' SGD velocity keeps the "
                 "rates of past steps; a constant rate: keras SGD, the same updates); "
                 "RMSPropOptimizer decay 0.9 -> rho, epsilon 1e-10 (Keras 1e-7); AdagradOptimizer has no "
                 "epsilon (Keras adds 1e-7: written as epsilon=0.0 would divide by sqrt(0.1) at step 1 "
                 "exactly as TF1) and starts its accumulator at 0.1; Adadelta lr 0.001, rho 0.95, "
                 "epsilon 1e-8. RMSProp's accumulator starts at 1.0 in TF1 and at 0 in Keras: helper "
                 "TF1RMSprop (keras RMSprop starting it at 1.0). tf.train.exponential_decay -> "
                 "keras.optimizers.schedules.ExponentialDecay (Keras counts the optimizer's own "
                 "iterations, TF1 the global_step passed to minimize; a NUMBER given as the step is a constant "
                 "rate: float(the schedule called on it)). tf.train.polynomial_decay(lr, step, "
                 "...) is a value of the step it is given: keras.optimizers.schedules.PolynomialDecay(...)"
                 "(step), the same formula (step clipped to decay_steps, or cycled), TF1's end_learning_rate "
                 "default 0.0001 written out.")
    CALLS = tuple(f"tensorflow.train.{n}" for n in SIGS) + ("tensorflow.train.exponential_decay",
                                                             "tensorflow.train.polynomial_decay")

    def translate(self, qname, original, updated):
        short = qname.rsplit(".", 1)[1]
        try:
            out = self.build(short, original, updated)
        except (Unbindable, Untranslatable, ValueError) as ex:
            self.todo(original, f"tf.train.{short}: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def build(self, short: str, original: cst.Call, updated: cst.Call):
        if short == "exponential_decay":
            b = BoundArgs(updated, DECAY_SIG, original)
            sched = wrap_long_call(call(
                "keras.optimizers.schedules.ExponentialDecay", b.node("learning_rate"),
                decay_steps=b.node("decay_steps"), decay_rate=b.node("decay_rate"),
                staircase=b.node("staircase") if b.given("staircase") else None))
            if self._constant_rate(b.orig("global_step")):
                # a NUMBER as the step (``exponential_decay(0.01, 20000, 200, 0.98)``): TF1's rate is
                # the schedule's value at that step, the same at every update (it never decays); a
                # bare Keras schedule would count the optimizer's iterations from 0 instead
                # (``float``: a Keras optimizer takes a number or a schedule, not a tensor)
                return call("float", cst.Call(func=sched, args=[cst.Arg(b.node("global_step"))]))
            if not isinstance(b.orig("global_step"), (cst.Name, cst.Attribute)):
                # a step EXPRESSION (``batch * BATCH_SIZE``, TF's mnist example; ``step - 100``):
                # TF1's rate is the schedule at that value, which a bare schedule (counting the
                # optimizer's iterations) is not - the schedule called on it, as polynomial_decay
                return cst.Call(func=sched, args=[cst.Arg(b.node("global_step"))])
            return sched
        if short == "polynomial_decay":
            b = BoundArgs(updated, POLY_SIG, original)
            sched = call("keras.optimizers.schedules.PolynomialDecay", b.node("learning_rate"),
                         decay_steps=b.node("decay_steps"), end_learning_rate=b.node("end_learning_rate"),
                         power=b.node("power") if b.given("power") else None,
                         cycle=b.node("cycle") if b.given("cycle") else None)
            return cst.Call(func=sched, args=[cst.Arg(b.node("global_step"))])
        b = BoundArgs(updated, SIGS[short], original)
        lr = b.node("learning_rate")
        kw: dict = {"learning_rate": lr}
        if short == "GradientDescentOptimizer":
            cls = "SGD"
        elif short == "MomentumOptimizer":
            cls = "SGD"
            kw["momentum"] = b.node("momentum")
            if b.given("use_nesterov"):
                kw["nesterov"] = b.node("use_nesterov")
            if not self._constant_rate(b.orig("learning_rate")) and literal(b.node("momentum"), None) != 0:
                # a schedule / a tensor: Keras' velocity would keep the old rates (see TF1Momentum)
                cls = self.ctx.use_helper(TF1_MOMENTUM)
        elif short == "AdamOptimizer":
            cls = "Adam"
            if b.given("beta1"):
                kw["beta_1"] = b.node("beta1")
            if b.given("beta2"):
                kw["beta_2"] = b.node("beta2")
            kw["epsilon"] = b.node("epsilon") if b.given("epsilon") else 1e-8
        elif short == "RMSPropOptimizer":
            cls = "RMSprop"
            kw["rho"] = b.node("decay")
            if b.given("momentum"):
                kw["momentum"] = b.node("momentum")
            kw["epsilon"] = b.node("epsilon") if b.given("epsilon") else 1e-10
            if b.given("centered"):
                kw["centered"] = b.node("centered")
            # TF1 starts the mean-square accumulator at 1.0, Keras at 0: the helper subclass
            # (TFM114's, proven in tests/test_training_numerics.py) starts it at 1.0
            cls = self.ctx.use_helper(TF1_RMSPROP)
        elif short == "AdagradOptimizer":
            cls = "Adagrad"
            kw["initial_accumulator_value"] = b.node("initial_accumulator_value")
            kw["epsilon"] = 0.0
        else:
            cls = "Adadelta"
            kw["learning_rate"] = b.node("learning_rate")
            kw["rho"] = b.node("rho")
            kw["epsilon"] = b.node("epsilon")
        if literal(lr, 0.0) is None:
            raise Untranslatable("learning_rate=None")
        return wrap_long_call(call(cls if cls in (TF1_RMSPROP, TF1_MOMENTUM) else f"keras.optimizers.{cls}", **kw))

    def _constant_rate(self, node) -> bool:
        """The learning rate is a number (or a name bound to one): it never changes."""
        from ..analysis.siamese import resolve_literal

        v = resolve_literal(self.ctx, node, None) if node is not None else None
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    VALID = ["import keras\nopt = keras.optimizers.Adam(1e-3)\n"]
    INVALID = [
        Case("import tensorflow as tf\nopt = tf.train.AdamOptimizer(learning_rate=0.01)\n",
             "import keras\n\nopt = keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8)\n"),
        Case("import tensorflow as tf\nopt = tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True)\n"
             "sgd = tf.train.GradientDescentOptimizer(0.5)\n",
             "import keras\n\nopt = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)\n"
             "sgd = keras.optimizers.SGD(learning_rate=0.5)\n"),
        # TF1 starts RMSProp's mean-square accumulator at 1.0: TF1RMSprop does too
        Case("import tensorflow as tf\nopt = tf.train.RMSPropOptimizer(0.001)\n",
             "import keras\n\n\n# tflearn-migrate helper: TF1RMSprop\n" + HELPERS[TF1_RMSPROP].code
             + "\n\nopt = TF1RMSprop(learning_rate=0.001, rho=0.9, epsilon=1e-10)\n"),
        # MomentumOptimizer under a schedule: TF1 scales the accumulated gradients by the current rate
        # (Keras' SGD velocity keeps the old rates): TF1Momentum; a constant rate stays keras SGD
        Case("import tensorflow as tf\nlr = tf.train.exponential_decay(0.1, step, 10, 0.5)\n"
             "opt = tf.train.MomentumOptimizer(lr, 0.9)\nopt2 = tf.train.MomentumOptimizer(0.1, 0.9)\n",
             "import keras\n\n\n# tflearn-migrate helper: TF1Momentum\n" + HELPERS[TF1_MOMENTUM].code
             + "\n\nlr = keras.optimizers.schedules.ExponentialDecay(\n    0.1,\n    decay_steps=10,\n"
             "    decay_rate=0.5,\n)\nopt = TF1Momentum(learning_rate=lr, momentum=0.9)\n"
             "opt2 = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)\n"),
        Case("import tensorflow as tf\nlr = tf.train.exponential_decay(0.1, step, 1000, 0.96, staircase=True)\n",
             "import keras\n\nlr = keras.optimizers.schedules.ExponentialDecay(\n    0.1,\n"
             "    decay_steps=1000,\n    decay_rate=0.96,\n    staircase=True,\n)\n"),
        # a number as the step: TF1's rate is the schedule at that step, constant (never decays)
        Case("import tensorflow as tf\nSTEP = 20000\nlr = tf.train.exponential_decay(0.01, 20000, 200, 0.98)\n"
             "lr2 = tf.train.exponential_decay(0.01, STEP, 200, 0.98, staircase=True)\n",
             "import keras\n\nSTEP = 20000\nlr = float(keras.optimizers.schedules.ExponentialDecay(\n    0.01,\n"
             "    decay_steps=200,\n    decay_rate=0.98,\n)(20000))\n"
             "lr2 = float(keras.optimizers.schedules.ExponentialDecay(\n    0.01,\n    decay_steps=200,\n"
             "    decay_rate=0.98,\n    staircase=True,\n)(STEP))\n"),
        # a step expression (TF's mnist example decays per example, ``batch * BATCH_SIZE``): the
        # schedule called on it - a bare schedule would count updates, BATCH_SIZE times slower
        Case("import tensorflow as tf\nlr = tf.train.exponential_decay(0.01, batch * 64, 60000, 0.95, staircase=True)\n",
             "import keras\n\nlr = keras.optimizers.schedules.ExponentialDecay(\n    0.01,\n"
             "    decay_steps=60000,\n    decay_rate=0.95,\n    staircase=True,\n)(batch * 64)\n"),
        # polynomial decay of a step expression: the schedule called on that step
        Case("import tensorflow as tf\nlr = tf.train.polynomial_decay(0.1, step - 50, 100, 0.0, power=1.0)\n"
             "lr2 = tf.train.polynomial_decay(0.1, step, 100)\n",
             "import keras\n\nlr = keras.optimizers.schedules.PolynomialDecay(0.1, decay_steps=100, "
             "end_learning_rate=0.0, power=1.0)(step - 50)\n"
             "lr2 = keras.optimizers.schedules.PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.0001)(step)\n"),
    ]


