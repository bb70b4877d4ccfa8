"""TFM157: tf.contrib.losses.metric_learning (TF 1.x) -> keras.ops helpers with TF1's exact math."""
from __future__ import annotations

from ..args import REQUIRED, BoundArgs, Unbindable
from ..emit import call, literal
from ..helpers import register
from ..translate.tflearn import Untranslatable
from .base import Case, CallRule
from ..translate.tf1_helpers import TF1_ADD  # registers the tf1_add helper these helpers call

_K = (("keras", None, None),)

# Each helper is TF 1.15's function (tensorflow/contrib/losses/python/metric_learning/
# metric_loss_ops.py) op for op in keras.ops. Where TF1 tiles a [B, B] matrix to [B * B, B] and
# reduces rows (triplet_semihard_loss, lifted_struct_loss), the helper reduces the last axis of
# the same values broadcast to [B, B, B]: the same elementwise operations on the same operands
# and a min / max (exact) or the same row sum, so the results are the same floats. Tensor sums
# that broadcast go through TFM130's ``tf1_add`` (x - (-y), the same float): Keras 3's add on
# the TensorFlow backend takes a [B, 1] operand of a [B, B] one for a bias along the LAST axis
# when B is known (keras.ops.add, + of symbolic Keras tensors: a class program's loss).
PAIRWISE_DISTANCE = register("tf1_pairwise_distance", '''
def tf1_pairwise_distance(feature, squared=False):
    """TF 1.x tf.contrib.losses.metric_learning.pairwise_distance: ||f_i - f_j|| (squared=True: its
    square) from |f_i|^2 + |f_j|^2 - 2 f_i.f_j, clamped at 0; exact zeros (and the diagonal) are 0."""
    sq = tf1_add(
        keras.ops.sum(keras.ops.square(feature), axis=[1], keepdims=True),
        keras.ops.sum(keras.ops.square(keras.ops.transpose(feature)), axis=[0], keepdims=True),
    ) - 2.0 * keras.ops.matmul(feature, keras.ops.transpose(feature))
    sq = keras.ops.maximum(sq, 0.0)
    error_mask = keras.ops.less_equal(sq, 0.0)
    if squared:
        dist = sq
    else:
        dist = keras.ops.sqrt(sq + keras.ops.cast(error_mask, "float32") * 1e-16)
    dist = keras.ops.multiply(dist, keras.ops.cast(keras.ops.logical_not(error_mask), "float32"))
    eye = keras.ops.diag(keras.ops.ones_like(feature[:, 0], dtype="float32"))
    return keras.ops.multiply(dist, keras.ops.ones_like(dist) - eye)
''', imports=_K, requires=("tf1_add",))

CONTRASTIVE = register("tf1_contrastive_loss", '''
def tf1_contrastive_loss(labels, embeddings_anchor, embeddings_positive, margin=1.0):
    """TF 1.x tf.contrib.losses.metric_learning.contrastive_loss: labels 1 = similar pair; the
    Euclidean distance d of the two embeddings; mean of y d^2 + (1 - y) max(margin - d, 0)^2."""
    distances = keras.ops.sqrt(keras.ops.sum(keras.ops.square(embeddings_anchor - embeddings_positive), 1))
    y = keras.ops.cast(labels, "float32")
    return keras.ops.mean(y * keras.ops.square(distances)
                          + (1.0 - y) * keras.ops.square(keras.ops.maximum(margin - distances, 0.0)))
''', imports=_K)

TRIPLET = register("tf1_triplet_semihard_loss", '''
def tf1_triplet_semihard_loss(labels, embeddings, margin=1.0):
    """TF 1.x tf.contrib.losses.metric_learning.triplet_semihard_loss: for every positive pair
    (a, p), a != p, the smallest negative distance above D_ap (semi-hard), else the largest
    negative one; mean over the positive pairs of max(margin + D_ap - D_an, 0), squared
    distances. TF1 tiles to [B * B, B]; the same values are broadcast to [B, B, B] here."""
    labels = keras.ops.reshape(labels, (-1, 1))
    pdist = tf1_pairwise_distance(embeddings, squared=True)
    adjacency = keras.ops.equal(labels, keras.ops.transpose(labels))
    adjacency_not = keras.ops.logical_not(adjacency)
    # [anchor, positive, negative]: D_an > D_ap for a negative n
    pdist_an = keras.ops.expand_dims(pdist, 1)
    mask = keras.ops.logical_and(keras.ops.expand_dims(adjacency_not, 1),
                                 keras.ops.greater(pdist_an, keras.ops.expand_dims(pdist, 2)))
    mask_final = keras.ops.greater(keras.ops.sum(keras.ops.cast(mask, "float32"), 2), 0.0)
    adjacency_not = keras.ops.cast(adjacency_not, "float32")
    mask = keras.ops.cast(mask, "float32")
    # negatives_outside: smallest D_an where D_an > D_ap (TF1's masked_minimum)
    axis_maximums = keras.ops.max(pdist_an, 2, keepdims=True)
    negatives_outside = tf1_add(keras.ops.min(keras.ops.multiply(pdist_an - axis_maximums, mask), 2),
                                axis_maximums[:, :, 0])
    # negatives_inside: largest D_an (TF1's masked_maximum)
    axis_minimums = keras.ops.min(pdist, 1, keepdims=True)
    negatives_inside = tf1_add(keras.ops.max(keras.ops.multiply(pdist - axis_minimums, adjacency_not), 1,
                                             keepdims=True), axis_minimums)
    semi_hard_negatives = keras.ops.where(mask_final, negatives_outside, negatives_inside)
    loss_mat = keras.ops.add(margin, pdist - semi_hard_negatives)
    eye = keras.ops.diag(keras.ops.ones_like(labels[:, 0], dtype="float32"))
    mask_positives = keras.ops.cast(adjacency, "float32") - eye
    num_positives = keras.ops.sum(mask_positives)
    return keras.ops.true_divide(
        keras.ops.sum(keras.ops.maximum(keras.ops.multiply(loss_mat, mask_positives), 0.0)), num_positives)
''', imports=_K, requires=("tf1_add", "tf1_pairwise_distance"))

LIFTED = register("tf1_lifted_struct_loss", '''
def tf1_lifted_struct_loss(labels, embeddings, margin=1.0):
    """TF 1.x tf.contrib.losses.metric_learning.lifted_struct_loss (Song et al. 2016, as TF1's
    Caffe-matching code: log-sum-exp over both rows' negatives, shifted by their maxima).
    TF1 tiles to [B * B, B]; the same values are broadcast to [B, B, B] here."""
    labels = keras.ops.reshape(labels, (-1, 1))
    pairwise_distances = tf1_pairwise_distance(embeddings)
    adjacency = keras.ops.equal(labels, keras.ops.transpose(labels))
    adjacency_not = keras.ops.logical_not(adjacency)
    diff = margin - pairwise_distances
    mask = keras.ops.cast(adjacency_not, "float32")
    row_minimums = keras.ops.min(diff, 1, keepdims=True)
    row_negative_maximums = tf1_add(keras.ops.max(keras.ops.multiply(diff - row_minimums, mask), 1,
                                                  keepdims=True), row_minimums)
    max_elements = keras.ops.maximum(row_negative_maximums, keras.ops.transpose(row_negative_maximums))
    # [b, a, n]: exp(diff[b, n] - max_elements[b, a]) * mask[b, n], summed over n
    exp_sum = keras.ops.sum(keras.ops.multiply(
        keras.ops.exp(keras.ops.expand_dims(diff, 1) - keras.ops.expand_dims(max_elements, 2)),
        keras.ops.expand_dims(mask, 1)), 2)
    loss_exp_left = keras.ops.transpose(exp_sum)
    loss_mat = tf1_add(max_elements, keras.ops.log(tf1_add(loss_exp_left, keras.ops.transpose(loss_exp_left))))
    loss_mat = tf1_add(loss_mat, pairwise_distances)
    eye = keras.ops.diag(keras.ops.ones_like(labels[:, 0], dtype="float32"))
    mask_positives = keras.ops.cast(adjacency, "float32") - eye
    num_positives = keras.ops.sum(mask_positives) / 2.0
    return keras.ops.true_divide(
        0.25 * keras.ops.sum(keras.ops.square(keras.ops.maximum(keras.ops.multiply(loss_mat, mask_positives), 0.0))),
        num_positives)
''', imports=_K, requires=("tf1_add", "tf1_pairwise_distance"))

NPAIRS = register("tf1_npairs_loss", '''
def tf1_npairs_loss(labels, embeddings_anchor, embeddings_positive, reg_lambda=0.002):
    """TF 1.x tf.contrib.losses.metric_learning.npairs_loss: 0.25 * reg_lambda * the mean squared
    norms of both embeddings + softmax cross-entropy of the anchor.positive similarities against
    the same-label matrix normalised per row."""
    reg_anchor = keras.ops.mean(keras.ops.sum(keras.ops.square(embeddings_anchor), 1))
    reg_positive = keras.ops.mean(keras.ops.sum(keras.ops.square(embeddings_positive), 1))
    l2loss = keras.ops.multiply(0.25 * reg_lambda, reg_anchor + reg_positive)
    similarity_matrix = keras.ops.matmul(embeddings_anchor, keras.ops.transpose(embeddings_positive))
    labels = keras.ops.reshape(labels, (-1, 1))
    labels_remapped = keras.ops.cast(keras.ops.equal(labels, keras.ops.transpose(labels)), "float32")
    labels_remapped = labels_remapped / keras.ops.sum(labels_remapped, 1, keepdims=True)
    xent_loss = keras.ops.categorical_crossentropy(labels_remapped, similarity_matrix, from_logits=True)
    return l2loss + keras.ops.mean(xent_loss)
''', imports=_K)

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
