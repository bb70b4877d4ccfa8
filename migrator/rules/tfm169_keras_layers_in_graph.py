"""TFM169: tf.keras BatchNormalization / Dropout layers called in a TF1 graph program -> the
inference-mode layers TF1 ran (Keras' learning phase is 0 there unless the program sets it)."""
from __future__ import annotations

import libcst as cst

from .. import cstcache
from ..emit import call, to_node
from ..translate.tf1_helpers import FIXED_MODE_BN
from .base import Case, Rule

_KERAS = ("tensorflow.keras.layers.", "tensorflow.python.keras.layers.")
_BN = ("BatchNormalization",)
_NOISE = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
          "GaussianNoise", "AlphaDropout")
_BN_POSITIONAL = ("axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer")
_SESSION = {"tensorflow.Session", "tensorflow.InteractiveSession", "tensorflow.compat.v1.Session",
            "tensorflow.compat.v1.InteractiveSession"}
# a Keras training loop (its own training flag), a learning phase the program sets or feeds, an
# eager loop: the layers are not (only) run in TF1's graph with learning phase 0
_KERAS_MODE_WORDS = ("fit", "fit_generator", "train_on_batch", "compile", "learning_phase",
                     "set_learning_phase", "GradientTape")


def _layer_kind(names: set[str]) -> str | None:
    for q in names:
        for p in _KERAS:
            if q.startswith(p):
                short = q[len(p):].split(".")[-1]
                if short in _BN:
                    return "bn"
                if short in _NOISE:
                    return "noise"
    return None


class KerasLayersInGraph(Rule):
    ID = "TFM169"
    TRIGGERS = ("keras",)
    NAME = "keras-layers-in-graph"
    MESSAGE = ("tf.keras BatchNormalization / Dropout called in a TF1 graph program: TF1 ran them in "
               "inference mode (learning phase 0) -> FixedModeBatchNormalization(training=False) / "
               "the identity")
    RATIONALE = (
        "A tf.keras layer called on graph tensors of a TF1 session program (not trained by Keras' fit) "
        "reads Keras' learning phase, a placeholder_with_default(0) nobody feeds: BatchNormalization "
        "normalises by its moving statistics (which stay 0 / 1: no update op is in UPDATE_OPS) while gamma "
        "and beta train, and Dropout / GaussianNoise and the like never drop, in training steps too. The "
        "translated program trains with train_on_batch, which passes training=True to every layer: batch "
        "statistics and active dropout, another model. The layers are pinned as TF1 ran them. Not applied "
        "where the file sets or feeds the learning phase, calls a layer with training=, trains a Keras "
        "model with fit / compile / train_on_batch, or uses a GradientTape.")
    ORDER = 40

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._on: bool | None = None

    def _applies(self) -> bool:
        if self._on is None:
            self._on = self._scan()
        return self._on

    def _scan(self) -> bool:
        module = self.ctx.module
        if module is None:
            return False
        session = False
        for n in cstcache.walk(module):
            if isinstance(n, cst.Name) and n.value in _KERAS_MODE_WORDS:
                return False
            if isinstance(n, cst.Call):
                if any(a.keyword is not None and a.keyword.value == "training" for a in n.args):
                    try:
                        q = self.ctx.qualified(n.func)
                    except Exception:
                        q = set()
                    if not any(x.startswith("tensorflow.layers.") or x.startswith("tensorflow.contrib.")
                               for x in q):
                        return False
                if not session:
                    try:
                        session = bool(self.ctx.qualified(n.func) & _SESSION)
                    except Exception:
                        pass
        return session

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if not isinstance(original.func, (cst.Name, cst.Attribute)):
            return updated  # `BatchNormalization()(x)`: the outer call applies the layer
        try:
            kind = _layer_kind(self.ctx.qualified(original.func))
        except Exception:
            return updated
        if kind is None or not self._applies():
            return updated
        if kind == "bn":
            pos = [a for a in updated.args if a.keyword is None]
            if len(pos) > len(_BN_POSITIONAL) or any(a.star for a in updated.args):
                return updated  # (not seen: *args / more positionals than the signature names)
            self.ctx.count(self)
            kw = {n: a.value for n, a in zip(_BN_POSITIONAL, pos)}
            kw.update({a.keyword.value: a.value for a in updated.args if a.keyword is not None})
            self.ctx.use_helper("FixedModeBatchNormalization")
            self.report(original, "tf.keras BatchNormalization in a TF1 graph ran in inference mode (moving "
                        "statistics, never updated; gamma / beta trained) -> FixedModeBatchNormalization("
                        "training=False)")
            return call("FixedModeBatchNormalization", training=to_node(False), **kw)
        self.ctx.count(self)
        self.ctx.add_import("keras")
        self.report(original, "tf.keras dropout / noise layer in a TF1 graph never dropped (learning phase 0) "
                    "-> the identity")
        name = [a for a in updated.args if a.keyword is not None and a.keyword.value == "name"]
        return call("keras.layers.Identity", **({"name": name[0].value} if name else {}))

    VALID = [
        # trained by Keras: its own training flag
        "import keras\nm = keras.Sequential([keras.layers.Dropout(0.5)])\nm.compile('sgd', 'mse')\n",
        # the program feeds the learning phase: TF1 trained these layers in training mode
        "import tensorflow as tf\nK = tf.keras.backend\nd = tf.keras.layers.Dropout(0.5)\n"
        "sess = tf.Session()\nsess.run(d, {K.learning_phase(): 1})\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "x = tf.placeholder(tf.float32, [None, 4])\n"
             "net = tf.keras.Sequential([tf.keras.layers.BatchNormalization(momentum=0.9),\n"
             "                           tf.keras.layers.Dropout(0.5)])\n"
             "h = net(x)\n"
             "sess = tf.Session()\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n\n# tflearn-migrate helper: FixedModeBatchNormalization\n" + FIXED_MODE_BN.code
             + "\n\nx = tf.placeholder(tf.float32, [None, 4])\n"
             "net = tf.keras.Sequential([FixedModeBatchNormalization(training=False, momentum=0.9),\n"
             "                           keras.layers.Identity()])\n"
             "h = net(x)\n"
             "sess = tf.Session()\n",
             ("TFM169", "TFM169"), todo=True),
    ]
