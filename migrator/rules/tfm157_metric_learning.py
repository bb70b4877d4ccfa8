"""TFM157: tf.contrib.losses.metric_learning (TF 1.x) -> keras.ops helpers with TF1's exact math."""
from __future__ import annotations

from ..args import REQUIRED, BoundArgs, Unbindable
from ..emit import call, literal
from ..helpers import register_source
from ..translate.tflearn import Untranslatable
from .base import Case, CallRule
from ..translate.tf1_helpers import TF1_ADD  # registers the tf1_add helper these helpers call


# Each helper is TF 1.15's function (tensorflow/contrib/losses/python/metric_learning/
# metric_loss_ops.py) op for op in keras.ops. Where TF1 tiles a [B, B] matrix to [B * B, B] and
# reduces rows (triplet_semihard_loss, lifted_struct_loss), the helper reduces the last axis of
# the same values broadcast to [B, B, B]: the same elementwise operations on the same operands
# and a min / max (exact) or the same row sum, so the results are the same floats. Tensor sums
# that broadcast go through TFM130's ``tf1_add`` (x - (-y), the same float): Keras 3's add on
# the TensorFlow backend takes a [B, 1] operand of a [B, B] one for a bias along the LAST axis
# when B is known (keras.ops.add, + of symbolic Keras tensors: a class program's loss).
PAIRWISE_DISTANCE = register_source("tf1_losses", "tf1_pairwise_distance", requires=("tf1_add",))

CONTRASTIVE = register_source("tf1_losses", "tf1_contrastive_loss")

TRIPLET = register_source("tf1_losses", "tf1_triplet_semihard_loss",
                          requires=("tf1_add", "tf1_pairwise_distance"))

LIFTED = register_source("tf1_losses", "tf1_lifted_struct_loss",
                         requires=("tf1_add", "tf1_pairwise_distance"))

NPAIRS = register_source("tf1_losses", "tf1_npairs_loss")

_ML = "tensorflow.contrib.losses.metric_learning."
_OPS = "tensorflow.contrib.losses.python.metric_learning.metric_loss_ops."
_SIGS = {  # TF 1.15's signatures
    "pairwise_distance": ("feature, squared=False", PAIRWISE_DISTANCE),
    "contrastive_loss": ("labels, embeddings_anchor, embeddings_positive, margin=1.0", CONTRASTIVE),
    "triplet_semihard_loss": ("labels, embeddings, margin=1.0", TRIPLET),
    "lifted_struct_loss": ("labels, embeddings, margin=1.0", LIFTED),
    "npairs_loss": ("labels, embeddings_anchor, embeddings_positive, reg_lambda=0.002, print_losses=False",
                    NPAIRS),
}


class MetricLearning(CallRule):
    ID = "TFM157"
    TRIGGERS = ("metric_learning", "metric_loss_ops")
    NAME = "metric-learning"
    MESSAGE = "tf.contrib.losses.metric_learning losses -> keras.ops helpers computing TF1's exact math"
    RATIONALE = ("tf.contrib is gone from TensorFlow 2 and Keras has no metric-learning losses; "
                 "tensorflow-addons' ports are not TF1's code (and are unmaintained). Each function becomes "
                 "a registered helper transcribing TF 1.15's metric_loss_ops.py op for op: "
                 "pairwise_distance clamps the squared distances at 0, zeroes exact zeros and the "
                 "diagonal; contrastive_loss takes labels 1 = similar and the Euclidean distance, MEAN over "
                 "pairs; triplet_semihard_loss mines the smallest negative farther than the positive (else "
                 "the farthest negative) on SQUARED distances and averages over all positive pairs "
                 "but the diagonal; lifted_struct_loss and npairs_loss (reg_lambda 0.002) likewise. "
                 "npairs_loss(print_losses=True) and npairs_loss_multilabel / cluster_loss stay TODO.")
    CALLS = tuple(p + n for p in (_ML, _OPS) for n in _SIGS)

    def translate(self, qname, original, updated):
        name = qname.rsplit(".", 1)[1]
        try:
            out = self._translate(name, original, updated)
        except (Untranslatable, Unbindable) as ex:
            self.todo(original, f"{name}: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def _translate(self, name, original, updated):
        sig, helper = _SIGS[name]
        b = BoundArgs(updated, sig, original)  # raises Unbindable on a missing / unknown argument
        params = [p for p in b.params.values() if p.name != "print_losses"]
        if name == "npairs_loss" and b.given("print_losses") and literal(b.node("print_losses"), None) is not False:
            raise Untranslatable("print_losses prints inside the graph (tf.Print); print the loss "
                                 "after the step instead")
        fn = self.ctx.use_helper(helper.name)
        args = [b.node(p.name) for p in params if p.default is REQUIRED]
        kw = {p.name: b.node(p.name) for p in params if p.default is not REQUIRED and b.given(p.name)}
        return call(fn, *args, **kw)

    VALID = [
        "import keras\nloss = tf1_triplet_semihard_loss(y, emb)\n",
        "def triplet_semihard_loss(labels, embeddings):\n    return 0.0\nl = triplet_semihard_loss(y, e)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "loss = tf.contrib.losses.metric_learning.triplet_semihard_loss(labels=y, embeddings=emb, margin=0.5)\n",
             "import keras\n\n\n"
             "# tflearn-migrate helper: tf1_add\n"
             + TF1_ADD.code + "\n\n"
             "# tflearn-migrate helper: tf1_pairwise_distance\n"
             + PAIRWISE_DISTANCE.code + "\n\n"
             "# tflearn-migrate helper: tf1_triplet_semihard_loss\n"
             + TRIPLET.code + "\n\n"
             "loss = tf1_triplet_semihard_loss(y, emb, margin=0.5)\n"),
        Case("from tensorflow.contrib.losses import metric_learning\n"
             "l = metric_learning.contrastive_loss(same, a, b)\n",
             "import keras\n\n\n"
             "# tflearn-migrate helper: tf1_contrastive_loss\n"
             + CONTRASTIVE.code + "\n\n"
             "l = tf1_contrastive_loss(same, a, b)\n"),
        Case("import tensorflow as tf\nl = tf.contrib.losses.metric_learning.npairs_loss(y, a, p, print_losses=True)\n",
             None, ("TFM157",), todo=True),
    ]
