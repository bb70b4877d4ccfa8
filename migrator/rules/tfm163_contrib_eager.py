"""TFM163: ``tf.contrib.eager`` (tfe) programs -> Keras 3: ``tfe.Variable`` -> ``keras.Variable``,
``tfe.Network`` -> ``keras.Model`` (``track_layer(l)`` -> ``l``), ``tfe.implicit_gradients(loss_fn)``
applied by ``optimizer.apply_gradients(grad(*args))`` -> an ``ImplicitGradients`` helper model
whose ``step(optimizer, *args)`` does one optimizer step on ``loss_fn(*args)``; the
``tfe = tf.contrib.eager`` alias goes when nothing reads it any more."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..emit import call
from ..helpers import register_source
from .base import Case, Rule
from ..analysis.eager import EAGER, Eager, _FILLS, _VARIABLE_SIG, variable_why

IMPLICIT_GRADIENTS = register_source("tf1_programs", "ImplicitGradients")


GRAD_WHY = ("tfe.implicit_gradients kept: translated only when bound to a module-level name whose every "
            "use is opt.apply_gradients(grad(...)) and every variable, layer or Network it can watch is "
            "bound once at module level before it")


def _is_name(node, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


class ContribEager(Rule):
    ID = "TFM163"
    TRIGGERS = ("tensorflow",)
    NAME = "contrib-eager"
    MESSAGE = "tf.contrib.eager (tfe) Variable / Network / implicit_gradients -> Keras 3"
    RATIONALE = (
        "TF1's eager API ran every op immediately, as keras.ops do. `tfe.Variable(v)` is a trainable "
        "ResourceVariable: `keras.Variable(v)` (dtype float32 for a Python float or tf.zeros/ones, as TF "
        "converted them; an initial value whose dtype is not known statically stays TODO because "
        "keras.Variable casts a float64 array to floatx where TF kept float64). `tfe.Network` -> "
        "keras.Model (`track_layer(l)` returned l; Keras tracks attributes). `grad = "
        "tfe.implicit_gradients(loss_fn)` differentiated loss_fn(*args) with respect to every trainable "
        "variable it read, and `optimizer.apply_gradients(grad(*args))` applied one step: the "
        "ImplicitGradients helper is a keras.Model tracking the module's tfe Variables and Network "
        "instances bound before it, whose compute_loss is loss_fn(*args); `grad.step(optimizer, *args)` "
        "runs Keras' train step eagerly (run_eagerly, no XLA) - the same gradients and the same optimizer "
        "update (a variable the loss does not read gets no gradient and no update, as in TF1). Declined "
        "(left as is): a grad used otherwise than `opt.apply_gradients(grad(...))` statements, or "
        "defined before the variables it must watch.")
    ORDER = 40

    def _e(self) -> Eager:
        return self.ctx.analysis(Eager)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        e = self._e()
        q = e.qname(original.func)
        if q == f"{EAGER}.Variable":
            return self._variable(original, updated)
        if q == f"{EAGER}.implicit_gradients":
            if not e._grad_binding(original):
                self.todo(original, GRAD_WHY)
                return updated
            name = self.ctx.parent(original).targets[0].target.value
            self.ctx.use_helper("ImplicitGradients")
            self.ctx.count(self)
            tracked = cst.List([cst.Element(cst.Name(n)) for n in e.tracked_before(e.grads[name])])
            return call("ImplicitGradients", updated.args[0].value, tracked)
        if q and q.startswith(f"{EAGER}.") and q.rsplit(".", 1)[1] not in ("Iterator", "Network"):
            self.todo(original, f"tfe.{q.rsplit('.', 1)[1]} has no Keras 3 translation")
            return updated
        g = e.steps.get(id(original))
        if g is not None:
            inner = updated.args[0].value
            self.ctx.count(self)
            return cst.Call(func=cst.Attribute(cst.Name(g), cst.Name("step")),
                            args=[cst.Arg(updated.func.value)] + [a.with_changes(comma=cst.MaybeSentinel.DEFAULT)
                                                                  for a in inner.args])
        if (isinstance(original.func, cst.Attribute) and original.func.attr.value == "track_layer"
                and _is_name(original.func.value, "self") and len(original.args) == 1
                and original.args[0].keyword is None and self._in_network(original)):
            self.ctx.count(self)
            return updated.args[0].value
        return updated

    def _in_network(self, node) -> bool:
        return self._e()._in_network_class(node)

    def _variable(self, original: cst.Call, updated: cst.Call):
        why = variable_why(self.ctx, original)
        if why:
            self.todo(original, f"tfe.Variable: {why}")
            return updated
        b = BoundArgs(updated, _VARIABLE_SIG, original)
        iv, ivo = b.node("initial_value"), b.orig("initial_value")
        fill = _FILLS.get(self.ctx.legacy_name(ivo.func)) if isinstance(ivo, cst.Call) else None
        if fill is not None:
            iv = call(fill, BoundArgs(iv, "shape, dtype=None, name=None").node("shape"), dtype="float32")
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return call("keras.Variable", iv,
                    trainable=None if b.is_default("trainable") else b.node("trainable"),
                    dtype=b.node("dtype") if b.given("dtype") else None,
                    name=b.node("name") if b.given("name") else None)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        e = self._e()
        if original.name.value not in e.networks:
            return updated
        bases = [ub.with_changes(value=cst.parse_expression("keras.Model"))
                 if e.qname(ob.value) == f"{EAGER}.Network" else ub
                 for ob, ub in zip(original.bases, updated.bases)]
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return updated.with_changes(bases=bases)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        e = self._e()
        if len(original.body) == 1 and any(original.body[0] is a for a in e.aliases.values()):
            alias = original.body[0].targets[0].target.value
            if e.alias_only_translated(alias):
                return cst.RemoveFromParent()
        return updated

    VALID = [
        "import keras\nW = keras.Variable(1.0)\n",
    ]
    INVALID = [
        # a variable made inside a function: a static list could miss what the loss reads
        Case("import tensorflow as tf\ntfe = tf.contrib.eager\n"
             "def make():\n    return tfe.Variable(1.0)\nW = make()\n"
             "def f(x):\n    return x * W\ngrad = tfe.implicit_gradients(f)\nopt.apply_gradients(grad(2.0))\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\ntfe = tf.contrib.eager\n"
             "def make():\n    return keras.Variable(1.0)\nW = make()\n"
             "def f(x):\n    return x * W\n# TODO(tflearn-migrate): TFM163 " + GRAD_WHY + "\n"
             "grad = tfe.implicit_gradients(f)\nopt.apply_gradients(grad(2.0))\n",
             ("TFM163",), todo=True),
        # the gradients are read otherwise than by apply_gradients: kept, marked
        Case("import tensorflow as tf\ntfe = tf.contrib.eager\n"
             "def f(x):\n    return x * W\ngrad = tfe.implicit_gradients(f)\ngs = grad(2.0)\nopt.apply_gradients(gs)\n",
             None, ("TFM163",), todo=True),
        Case("import numpy as np\nimport tensorflow as tf\ntfe = tf.contrib.eager\n"
             "W = tfe.Variable(np.random.randn())\nb = tfe.Variable(tf.zeros([3]), name='bias')\n"
             "def loss_fn(model_fn, x, y):\n    return (model_fn(x) - y) ** 2\n"
             "def model(x):\n    return x * W + b\n"
             "optimizer = opt\ngrad = tfe.implicit_gradients(loss_fn)\n"
             "for step in range(10):\n    optimizer.apply_gradients(grad(model, 1.0, 2.0))\n",
             "import numpy as np\nimport keras\n\n\n# tflearn-migrate helper: ImplicitGradients\n"
             + IMPLICIT_GRADIENTS.code + "\n\n"
             "W = keras.Variable(np.random.randn())\n"
             "b = keras.Variable(keras.ops.zeros([3], dtype='float32'), name='bias')\n"
             "def loss_fn(model_fn, x, y):\n    return (model_fn(x) - y) ** 2\n"
             "def model(x):\n    return x * W + b\n"
             "optimizer = opt\ngrad = ImplicitGradients(loss_fn, [W, b])\n"
             "for step in range(10):\n    grad.step(optimizer, model, 1.0, 2.0)\n"),
        Case("import tensorflow as tf\ntfe = tf.contrib.eager\n"
             "class Net(tfe.Network):\n    def __init__(self):\n        super(Net, self).__init__()\n"
             "        self.fc = self.track_layer(layer)\n    def call(self, x):\n        return self.fc(x)\n",
             "import keras\n\n"
             "class Net(keras.Model):\n    def __init__(self):\n        super(Net, self).__init__()\n"
             "        self.fc = layer\n    def call(self, x):\n        return self.fc(x)\n"),
        # an initial value of unknown dtype: TODO (the alias stays for it)
        Case("import tensorflow as tf\ntfe = tf.contrib.eager\nW = tfe.Variable(values)\n", None,
             ("TFM163",), todo=True),
    ]
