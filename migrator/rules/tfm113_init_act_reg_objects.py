"""TFM113: tflearn initializer / activation / regularizer calls outside layer arguments."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call, expr, literal
from ..helpers import HELPERS, register_source
from ..translate.tflearn import Untranslatable, _INIT_SIGS, initializer
from .base import Case, CallRule

INIT = "tflearn.initializations."
ACT = "tflearn.activations."
REG = "tflearn.regularizers."

# tflearn activation -> keras.ops function (same math)
_OPS = {"tanh": "tanh", "sigmoid": "sigmoid", "softmax": "softmax", "softplus": "softplus",
        "softsign": "softsign", "relu": "relu", "relu6": "relu6", "elu": "elu", "selu": "selu"}


register_source("tflearn_layers", "tflearn_activation")


class InitActRegObjects(CallRule):
    ID = "TFM113"
    TRIGGERS = ("tflearn",)
    NAME = "init-act-reg-objects"
    MESSAGE = "tflearn initializer/activation/regularizer call -> keras.initializers / keras.ops"
    RATIONALE = ("Called on their own (not as a layer argument), tflearn initializers return TF1 "
                 "initializers (uniform_scaling = VarianceScaling(factor**2, fan_in, uniform); "
                 "normal/truncated_normal stddev 0.02; xavier/variance_scaling use tf.contrib's "
                 "truncated normal, rescaled for Keras), activations are tensor ops (leaky_relu "
                 "alpha 0.1 where Keras' default is 0.2; hard_sigmoid is tf.keras' 0.2*x + 0.5, "
                 "Keras 3's is x/6 + 0.5; gelu is the tanh approximation), and regularizers "
                 "return loss terms (L2 = wd * sum(t**2) / 2, L1 = wd * sum(|t|)); activations.get(name) "
                 "-> the helper tflearn_activation (the same table). Initializers "
                 "that are layer arguments are left to the layer rules.")
    CALLS = tuple(INIT + n for n in _INIT_SIGS) + tuple(
        ACT + n for n in [*_OPS, "linear", "leaky_relu", "leakyrelu", "crelu", "hard_sigmoid", "gelu",
                          "prelu", "get"]) + (REG + "L2", REG + "L1")

    def translate(self, qname, original, updated):
        if isinstance(original.func, cst.Call):
            return None  # ``activations.get(name)(x)``: the inner call is the one named
        if self._is_layer_argument(original):
            return None  # the layer rule translates it with the layer's context
        mod, name = qname.rsplit(".", 1)
        try:
            out = self._translate(mod + ".", name, original, updated)
        except (Untranslatable, Unbindable, ValueError) as ex:
            self.todo(original, f"{name}: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def _is_layer_argument(self, original: cst.Call) -> bool:
        arg = self.ctx.parent(original)
        if not isinstance(arg, cst.Arg):
            return False
        owner = self.ctx.parent(arg)
        q = self.ctx.legacy_name(owner) if isinstance(owner, cst.Call) else None
        return bool(q) and q.startswith("tflearn.layers.") and owner.func is not original

    def _translate(self, mod, name, original, updated):
        if mod == INIT:
            b = BoundArgs(updated, _INIT_SIGS[name], original)
            if "shape" in b.params and b.given("shape"):
                raise Untranslatable("with shape= it returns a random tensor, not an initializer; "
                                     "call the Keras initializer with the shape")
            if b.given("dtype"):
                raise Untranslatable("dtype= on an initializer")
            return _init_with_args(self.ctx, original)
        if mod == ACT:
            return self._activation(name, updated, original)
        b = BoundArgs(updated, "tensor, wd=0.001", original)
        t, wd = b.node("tensor"), b.node("wd")
        if name == "L2":
            return expr("{wd} * keras.ops.sum(keras.ops.square({t})) / 2", wd=wd, t=t)
        return expr("{wd} * keras.ops.sum(keras.ops.abs({t}))", wd=wd, t=t)

    def _activation(self, name, updated, original):
        if name == "get":
            b = BoundArgs(updated, "identifier", original)
            return call(self.ctx.use_helper("tflearn_activation"), b.node("identifier"))
        if name == "prelu":
            # tflearn: relu(x) + alphas * (x - |x|) / 2, alphas of shape x.shape[1:] (zeros), one set
            # per call (reuse=False) == keras PReLU (alpha_initializer 'zeros', no shared axes)
            b = BoundArgs(updated, "x, channel_shared=False, weights_init='zeros', trainable=True, restore=True, "
                                   "reuse=False, scope=None, name='PReLU'", original)
            for k, default in (("channel_shared", False), ("weights_init", "zeros"), ("restore", True),
                               ("reuse", False), ("scope", None)):
                if b.given(k) and literal(b.node(k), "?") != default:
                    raise Untranslatable(f"prelu({k}=...): only tflearn's defaults are translated")
            kw = {k: b.node(k) for k in ("trainable", "name") if b.given(k)}
            return cst.Call(call("keras.layers.PReLU", **kw), [cst.Arg(b.node("x"))])
        if name in ("leaky_relu", "leakyrelu"):
            b = BoundArgs(updated, "x, alpha=0.1, name='LeakyReLU'", original)
            return call("keras.ops.leaky_relu", b.node("x"), negative_slope=b.node("alpha"))
        b = BoundArgs(updated, "x", original)
        x = b.node("x")
        if name == "linear":
            return x
        if name in _OPS:
            return call(f"keras.ops.{_OPS[name]}", x)
        if name == "crelu":
            return expr("keras.ops.concatenate([keras.ops.relu({x}), keras.ops.relu(-{x})], axis=-1)", x=x)
        if name == "hard_sigmoid":
            return expr("keras.ops.clip(0.2 * {x} + 0.5, 0.0, 1.0)", x=x)
        if name == "gelu":
            return call("keras.ops.gelu", x, approximate=True)
        raise Untranslatable(f"activation {name}")

    VALID = ["import keras\ninit = keras.initializers.GlorotUniform()\n"]
    INVALID = [
        Case("import tflearn.activations as activations\ny = activations.get(act)(x)\n",
             "import keras\n\n\n" + HELPERS["tflearn_activation"].code.replace(
                 "def tflearn", "# tflearn-migrate helper: tflearn_activation\ndef tflearn", 1)
             + "\n\ny = tflearn_activation(act)(x)\n", ()),
        Case("import tflearn\n"
             "w_init = tflearn.initializations.xavier(uniform=False)\n"
             "b_init = tflearn.initializations.uniform_scaling(factor=2.0)\n"
             "n_init = tflearn.initializations.normal()\n",
             "import keras\n\n"
             "w_init = keras.initializers.VarianceScaling(scale=1.00586369, mode='fan_avg', "
             "distribution='truncated_normal')\n"
             "b_init = keras.initializers.LecunUniform()\n"
             "n_init = keras.initializers.RandomNormal(stddev=0.02)\n", ("TFM113",)),
        Case("import tflearn\n"
             "y = tflearn.activations.leaky_relu(x)\nz = tflearn.activations.relu(y)\n"
             "h = tflearn.activations.hard_sigmoid(z)\nr = tflearn.regularizers.L2(w, 0.01)\n",
             "import keras\n\n"
             "y = keras.ops.leaky_relu(x, negative_slope=0.1)\nz = keras.ops.relu(y)\n"
             "h = keras.ops.clip(0.2 * z + 0.5, 0.0, 1.0)\n"
             "r = 0.01 * keras.ops.sum(keras.ops.square(w)) / 2\n"),
        Case("import tflearn\ny = tflearn.activations.prelu(x)\nz = tflearn.prelu(y, name='p')\n",
             "import keras\n\ny = keras.layers.PReLU()(x)\nz = keras.layers.PReLU(name='p')(y)\n"),
        Case("import tflearn\ny = tflearn.prelu(x, channel_shared=True)\n", None, ("TFM113",), todo=True),
    ]


def _init_with_args(ctx, original):
    """``initializer`` binds the ORIGINAL call (literal arguments; metadata needed)."""
    holder = cst.Call(cst.Name("f"), [cst.Arg(original)])
    b = BoundArgs(holder, "x")
    b.original = None
    return initializer(ctx, b, "x")
