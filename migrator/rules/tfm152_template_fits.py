"""TFM152: a template-method fit (a base class's session loop + the one subclass's hooks) -> written
out at its call as the same module-level session program.

The work is the engine's pre-step (:func:`migrator.analysis.template_fits.inline_template_fits`, run
before the rule pass when this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class TemplateFits(Rule):
    ID = "TFM152"
    TRIGGERS = ("Session",)
    NAME = "template-fits"
    MESSAGE = ("a base class's session loop (`fit` opening the Session) running the tensors its one subclass's "
               "hooks return -> written out at the `model.fit(...)` call, hooks resolved on that subclass (the "
               "same TF1 program)")
    RATIONALE = (
        "simnet's `AbstractModel` owns the training loop: `fit` opens `with tf.Session() as sess:`, initializes, "
        "and hands the session to `_do_epoch` / `_do_evaluation`, which run `self._get_train_step()` / "
        "`self._get_loss()` fed `self._build_feed_dict(x, y)`; those hooks are stubs in the base and return "
        "the subclass's attributes; callbacks get the session in a dict (`train_end({'session': sess})`). "
        "Called on the one instance of the one subclass, Python resolves every hook on that subclass, so "
        "`model.fit(...)` runs exactly the base's statements with `self` that instance and each hook its "
        "returned expression. Written out at the call (parameters replaced by the arguments, locals renamed "
        "only where the module uses the name, a loop over a display of callback objects unrolled and each "
        "callback method written out with `self.<attr>` its constructor stored from a name read as that name, "
        "`{'session': sess}['session']` read as `sess`) it is the module-level session program of the "
        "instance's tensors the class rules translate (TFM144: a LossModel's train_on_batch / "
        "predict_on_batch). The base's methods, now called nowhere, go. Declined where the base has an "
        "`__init__`, another subclass or reader, where a method written out returns (other than a hook of one "
        "`return <expr>`), nests definitions / comprehensions, or reads `self` whole, or where the subclass "
        "is built more than once.")
    VALID = [
        # two subclasses: which hooks run depends on the instance
        "import tensorflow as tf\nclass B(object):\n    def fit(self, n):\n        with tf.Session() as sess:\n"
        "            for i in range(n):\n                sess.run(self._step())\n"
        "class S(B):\n    def _step(self):\n        return self.op\n"
        "class T(B):\n    def _step(self):\n        return self.op2\n"
        "m = S()\nm.fit(3)\n",
        # the base has a constructor
        "import tensorflow as tf\nclass B(object):\n    def __init__(self):\n        self.k = 1\n"
        "    def fit(self, n):\n        with tf.Session() as sess:\n            sess.run(self._step())\n"
        "class S(B):\n    def _step(self):\n        return self.op\n"
        "m = S()\nm.fit(3)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nclass B(object):\n    def fit(self, n):\n        with tf.Session() as sess:\n"
             "            for i in range(n):\n                sess.run(self._step(), feed_dict=self._feed(i))\n"
             "    def _step(self):\n        pass\n"
             "class S(B):\n    def _step(self):\n        return self.op\n"
             "    def _feed(self, v):\n        return {self.x: v}\n"
             "m = S()\nm.fit(3)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "class B(object):\n    pass\n"
             "class S(B):\n    pass\n"
             "m = S()\n"
             "with tf.Session() as sess:\n"
             "    for i in range(3):\n        sess.run(m.op, feed_dict={m.x: i})\n",
             ("TFM152",), todo=True),
    ]
