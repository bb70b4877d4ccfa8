"""Helpers migrated code may need: TF1 metric-learning and sampled losses (TFM157, TFM161).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import keras
import numpy as np

from .tf1 import tf1_add


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


def tf1_contrastive_loss(labels, embeddings_anchor, embeddings_positive, margin=1.0):
    """TF 1.x tf.contrib.losses.metric_learning.contrastive_loss: labels 1 = similar pair; the
    Euclidean distance d of the two embeddings; mean of y d^2 + (1 - y) max(margin - d, 0)^2."""
    distances = keras.ops.sqrt(keras.ops.sum(keras.ops.square(embeddings_anchor - embeddings_positive), 1))
    y = keras.ops.cast(labels, "float32")
    return keras.ops.mean(y * keras.ops.square(distances)
                          + (1.0 - y) * keras.ops.square(keras.ops.maximum(margin - distances, 0.0)))


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


def tf1_log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max):
    # TF1's log_uniform_candidate_sampler (the default of nce_loss: unique=True): classes drawn
    # with P(k) = log((k + 2) / (k + 1)) / log(range_max + 1) (Zipf-like: small ids are frequent)
    # until num_sampled distinct ones; each expected count is 1 - (1 - P)^tries (P * num_sampled
    # when no draw was rejected), as TF1's RangeSampler computed it. The draws come from NumPy's
    # global RNG, not TF1's Philox stream: the same distribution, not the same classes
    if unique and num_sampled > range_max:  # TF1's sampler aborts too (CHECK batch_size <= range)
        raise ValueError(f"num_sampled={num_sampled} unique classes out of {range_max}")
    log_range = np.log(range_max + 1.0)
    sampled, seen, tries = [], set(), 0
    while len(sampled) < num_sampled:
        tries += 1
        v = int(np.exp(np.random.random_sample() * log_range)) - 1
        v %= range_max
        if unique and v in seen:
            continue
        seen.add(v)
        sampled.append(v)

    def expected(ids):
        p = np.log((np.asarray(ids, "float64") + 2.0) / (np.asarray(ids, "float64") + 1.0)) / log_range
        if tries == num_sampled:
            return (p * num_sampled).astype("float32")
        return (-np.expm1(tries * np.log1p(-p))).astype("float32")

    true_classes = np.asarray(keras.ops.convert_to_numpy(true_classes))
    return np.asarray(sampled, "int64"), expected(true_classes), expected(sampled)


def tf1_nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None):
    # TF1's tf.nn.nce_loss (remove_accidental_hits=False, one weight matrix): logits of the true
    # classes and of num_sampled sampled classes, each less the log of its expected count
    # (subtract_log_q), then sigmoid cross-entropy against 1 / num_true and 0, summed per example
    labels = keras.ops.reshape(keras.ops.cast(labels, "int32"), (-1, num_true))
    if sampled_values is None:
        sampled_values = tf1_log_uniform_candidate_sampler(labels, num_true, num_sampled, True, num_classes)
    sampled, true_expected, sampled_expected = [keras.ops.stop_gradient(keras.ops.convert_to_tensor(v))
                                                for v in sampled_values]
    sampled = keras.ops.cast(sampled, "int32")
    true_w = keras.ops.take(weights, labels, axis=0)                      # batch, num_true, dim
    true_b = keras.ops.take(biases, labels, axis=0)                       # batch, num_true
    true_logits = keras.ops.sum(keras.ops.expand_dims(inputs, 1) * true_w, axis=-1) + true_b
    sampled_logits = keras.ops.matmul(inputs, keras.ops.transpose(keras.ops.take(weights, sampled, axis=0))) \
        + keras.ops.take(biases, sampled, axis=0)
    true_logits = true_logits - keras.ops.log(keras.ops.reshape(keras.ops.cast(true_expected, true_logits.dtype),
                                                                (-1, num_true)))
    sampled_logits = sampled_logits - keras.ops.log(keras.ops.cast(sampled_expected, sampled_logits.dtype))
    logits = keras.ops.concatenate([true_logits, sampled_logits], axis=1)
    targets = keras.ops.concatenate([keras.ops.ones_like(true_logits) / num_true,
                                     keras.ops.zeros_like(sampled_logits)], axis=1)
    # tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) - x * z + log(1 + exp(-|x|))
    losses = keras.ops.relu(logits) - logits * targets + keras.ops.log1p(keras.ops.exp(-keras.ops.abs(logits)))
    return keras.ops.sum(losses, axis=1)
