"""``tensorflow.contrib.losses.metric_learning`` for the legacy runtime (tf.contrib is gone in
TF 2.21, tf_slim does not carry it, tensorflow-addons is not installed and is a port, not TF1's code).

This IS TF 1.15's code: a line-by-line transcription of ``pairwise_distance``, ``contrastive_loss``,
``masked_maximum``, ``masked_minimum``, ``triplet_semihard_loss``, ``npairs_loss`` and
``lifted_struct_loss`` from tensorflow/contrib/losses/python/metric_learning/metric_loss_ops.py
(TensorFlow r1.15, Copyright 2017 The TensorFlow Authors, Apache License 2.0), with its
``math_ops`` / ``array_ops`` / ``nn`` calls spelled as the same ``tf.compat.v1`` ops. Only the
graph-mode behaviour is kept (``print_losses`` uses ``tf.compat.v1.Print`` as TF1 did). The
clustering losses (``cluster_loss``, ``npairs_loss_multilabel``) are not here.

Imported by ``migrator.legacy.shim`` on first use (it imports TensorFlow: legacy processes only).
"""
from __future__ import annotations

import tensorflow as _real_tf

tf = _real_tf.compat.v1


def pairwise_distance(feature, squared=False):
    pairwise_distances_squared = tf.add(
        tf.reduce_sum(tf.square(feature), axis=[1], keepdims=True),
        tf.reduce_sum(tf.square(tf.transpose(feature)), axis=[0], keepdims=True)) - 2.0 * tf.matmul(
            feature, tf.transpose(feature))
    # Deal with numerical inaccuracies. Set small negatives to zero.
    pairwise_distances_squared = tf.maximum(pairwise_distances_squared, 0.0)
    # Get the mask where the zero distances are at.
    error_mask = tf.less_equal(pairwise_distances_squared, 0.0)
    if squared:
        pairwise_distances = pairwise_distances_squared
    else:
        pairwise_distances = tf.sqrt(pairwise_distances_squared + tf.to_float(error_mask) * 1e-16)
    # Undo conditionally adding 1e-16.
    pairwise_distances = tf.multiply(pairwise_distances, tf.to_float(tf.logical_not(error_mask)))
    num_data = tf.shape(feature)[0]
    # Explicitly set diagonals to zero.
    mask_offdiagonals = tf.ones_like(pairwise_distances) - tf.diag(tf.ones([num_data]))
    pairwise_distances = tf.multiply(pairwise_distances, mask_offdiagonals)
    return pairwise_distances


def contrastive_loss(labels, embeddings_anchor, embeddings_positive, margin=1.0):
    distances = tf.sqrt(tf.reduce_sum(tf.square(embeddings_anchor - embeddings_positive), 1))
    # label here is {0,1} for neg, pos.
    return tf.reduce_mean(
        tf.to_float(labels) * tf.square(distances) +
        (1. - tf.to_float(labels)) * tf.square(tf.maximum(margin - distances, 0.)),
        name='contrastive_loss')


def masked_maximum(data, mask, dim=1):
    axis_minimums = tf.reduce_min(data, dim, keepdims=True)
    masked_maximums = tf.reduce_max(tf.multiply(data - axis_minimums, mask), dim, keepdims=True) + axis_minimums
    return masked_maximums


def masked_minimum(data, mask, dim=1):
    axis_maximums = tf.reduce_max(data, dim, keepdims=True)
    masked_minimums = tf.reduce_min(tf.multiply(data - axis_maximums, mask), dim, keepdims=True) + axis_maximums
    return masked_minimums


def triplet_semihard_loss(labels, embeddings, margin=1.0):
    # Reshape [batch_size] label tensor to a [batch_size, 1] label tensor.
    lshape = tf.shape(labels)
    assert lshape.shape == 1
    labels = tf.reshape(labels, [lshape[0], 1])
    # Build pairwise squared distance matrix.
    pdist_matrix = pairwise_distance(embeddings, squared=True)
    # Build pairwise binary adjacency matrix.
    adjacency = tf.equal(labels, tf.transpose(labels))
    # Invert so we can select negatives only.
    adjacency_not = tf.logical_not(adjacency)
    batch_size = tf.size(labels)
    # Compute the mask.
    pdist_matrix_tile = tf.tile(pdist_matrix, [batch_size, 1])
    mask = tf.logical_and(
        tf.tile(adjacency_not, [batch_size, 1]),
        tf.greater(pdist_matrix_tile, tf.reshape(tf.transpose(pdist_matrix), [-1, 1])))
    mask_final = tf.reshape(
        tf.greater(tf.reduce_sum(tf.cast(mask, dtype=tf.float32), 1, keepdims=True), 0.0),
        [batch_size, batch_size])
    mask_final = tf.transpose(mask_final)
    adjacency_not = tf.cast(adjacency_not, dtype=tf.float32)
    mask = tf.cast(mask, dtype=tf.float32)
    # negatives_outside: smallest D_an where D_an > D_ap.
    negatives_outside = tf.reshape(masked_minimum(pdist_matrix_tile, mask), [batch_size, batch_size])
    negatives_outside = tf.transpose(negatives_outside)
    # negatives_inside: largest D_an.
    negatives_inside = tf.tile(masked_maximum(pdist_matrix, adjacency_not), [1, batch_size])
    semi_hard_negatives = tf.where(mask_final, negatives_outside, negatives_inside)
    loss_mat = tf.add(margin, pdist_matrix - semi_hard_negatives)
    mask_positives = tf.cast(adjacency, dtype=tf.float32) - tf.diag(tf.ones([batch_size]))
    # In lifted-struct, the authors multiply 0.5 for upper triangular
    #   in semihard, they take all positive pairs except the diagonal.
    num_positives = tf.reduce_sum(mask_positives)
    triplet_loss = tf.truediv(
        tf.reduce_sum(tf.maximum(tf.multiply(loss_mat, mask_positives), 0.0)),
        num_positives, name='triplet_semihard_loss')
    return triplet_loss


def npairs_loss(labels, embeddings_anchor, embeddings_positive, reg_lambda=0.002, print_losses=False):
    # Add the regularizer on the embedding.
    reg_anchor = tf.reduce_mean(tf.reduce_sum(tf.square(embeddings_anchor), 1))
    reg_positive = tf.reduce_mean(tf.reduce_sum(tf.square(embeddings_positive), 1))
    l2loss = tf.multiply(0.25 * reg_lambda, reg_anchor + reg_positive, name='l2loss')
    # Get per pair similarities.
    similarity_matrix = tf.matmul(embeddings_anchor, embeddings_positive, transpose_a=False, transpose_b=True)
    # Reshape [batch_size] label tensor to a [batch_size, 1] label tensor.
    lshape = tf.shape(labels)
    assert lshape.shape == 1
    labels = tf.reshape(labels, [lshape[0], 1])
    labels_remapped = tf.to_float(tf.equal(labels, tf.transpose(labels)))
    labels_remapped /= tf.reduce_sum(labels_remapped, 1, keepdims=True)
    # Add the softmax loss.
    xent_loss = tf.nn.softmax_cross_entropy_with_logits(logits=similarity_matrix, labels=labels_remapped)
    xent_loss = tf.reduce_mean(xent_loss, name='xentropy')
    if print_losses:
        xent_loss = tf.Print(xent_loss, ['cross entropy:', xent_loss, 'l2loss:', l2loss])
    return l2loss + xent_loss


def lifted_struct_loss(labels, embeddings, margin=1.0):
    # Reshape [batch_size] label tensor to a [batch_size, 1] label tensor.
    lshape = tf.shape(labels)
    assert lshape.shape == 1
    labels = tf.reshape(labels, [lshape[0], 1])
    # Build pairwise squared distance matrix.
    pairwise_distances = pairwise_distance(embeddings)
    # Build pairwise binary adjacency matrix.
    adjacency = tf.equal(labels, tf.transpose(labels))
    # Invert so we can select negatives only.
    adjacency_not = tf.logical_not(adjacency)
    batch_size = tf.size(labels)
    diff = margin - pairwise_distances
    mask = tf.cast(adjacency_not, dtype=tf.float32)
    # Safe maximum: Temporarily shift negative distances
    #   above zero before taking max.
    #     this is to take the max only among negatives.
    row_minimums = tf.reduce_min(diff, 1, keepdims=True)
    row_negative_maximums = tf.reduce_max(tf.multiply(diff - row_minimums, mask), 1, keepdims=True) + row_minimums
    # Compute the loss.
    # Keep track of matrix of maximums where M_ij = max(m_i, m_j)
    #   where m_i is the max of alpha - negative D_i's.
    max_elements = tf.maximum(row_negative_maximums, tf.transpose(row_negative_maximums))
    diff_tiled = tf.tile(diff, [batch_size, 1])
    mask_tiled = tf.tile(mask, [batch_size, 1])
    max_elements_vect = tf.reshape(tf.transpose(max_elements), [-1, 1])
    loss_exp_left = tf.reshape(
        tf.reduce_sum(tf.multiply(tf.exp(diff_tiled - max_elements_vect), mask_tiled), 1, keepdims=True),
        [batch_size, batch_size])
    loss_mat = max_elements + tf.log(loss_exp_left + tf.transpose(loss_exp_left))
    # Add the positive distance.
    loss_mat += pairwise_distances
    mask_positives = tf.cast(adjacency, dtype=tf.float32) - tf.diag(tf.ones([batch_size]))
    # *0.5 for upper triangular, and another *0.5 for 1/2 factor for loss^2.
    num_positives = tf.reduce_sum(mask_positives) / 2.0
    lifted_loss = tf.truediv(
        0.25 * tf.reduce_sum(tf.square(tf.maximum(tf.multiply(loss_mat, mask_positives), 0.0))),
        num_positives, name='liftedstruct_loss')
    return lifted_loss
