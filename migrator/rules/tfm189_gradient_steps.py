"""TFM189: ``compute_gradients`` + ``apply_gradients`` of the unchanged gradients -> ``minimize``;
the whole variable list where only integer counters are untrainable -> TF1's default list.

The work is the engine's pre-step
(:func:`migrator.analysis.gradient_steps.fold_gradient_steps`, run before the rule pass when
this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class GradientSteps(Rule):
    ID = "TFM189"
    TRIGGERS = ("compute_gradients", "global_variables")
    NAME = "gradient-steps"
    MESSAGE = ("grads = opt.compute_gradients(loss) + opt.apply_gradients(grads, global_step=s) -> "
               "opt.minimize(loss, global_step=s); tf.global_variables() as a var_list -> the trainable ones "
               "(the same TF1 program)")
    RATIONALE = (
        "TF1's `minimize(loss, global_step, var_list, ..., name)` is `apply_gradients(compute_gradients(loss, "
        "var_list, ...), global_step, name)`: gradients bound to a name that only the next statement's "
        "`apply_gradients` of the same optimizer reads are that call. `tf.global_variables()` passed as the "
        "variable list updates the trainable variables only where every `trainable=False` variable of the file "
        "is an integer counter (TF1 makes no gradient for an integer variable) and there is no batch norm; a "
        "parameter of a module function read only as that list, given all the variables at every call, with "
        "only optimizers made before the step, is TF1's default list (facenet's `train(..., "
        "tf.global_variables())`): the parameter and its arguments go.")
    VALID = [
        # the gradients are clipped before they are applied: another rule's form
        "import tensorflow as tf\ngrads = opt.compute_gradients(loss)\n"
        "clipped = [(tf.clip_by_value(g, -1.0, 1.0), v) for g, v in grads]\nstep = opt.apply_gradients(clipped)\n",
        # a float variable that is not trainable: global_variables() is not the trainable list
        "import tensorflow as tf\nscale = tf.Variable(1.0, trainable=False)\n"
        "step = opt.minimize(loss, var_list=tf.global_variables())\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "step = tf.Variable(0, trainable=False)\n"
             "opt = tf.train.AdagradOptimizer(0.1)\n"
             "grads = opt.compute_gradients(loss, tf.global_variables())\n"
             "train_op = opt.apply_gradients(grads, global_step=step)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "step = tf.Variable(0, trainable=False)\n"
             "opt = tf.train.AdagradOptimizer(0.1)\n"
             "train_op = opt.minimize(loss, global_step=step, var_list=tf.trainable_variables())\n",
             ("TFM189",), todo=True),
    ]
