"""Held-out program (round AL) mirroring ThomasTracy/Triplet_Loss_Tensorflow (``model/model_fn.py``,
``model/triplet_loss.py``, ``train.py``): a TF1 model function (an Estimator ``model_fn`` there) that
builds a ``tf.keras.Sequential`` feature extractor (Conv2D / BatchNormalization / ReLU /
MaxPool2D, Flatten, Dense) INSIDE ``tf.variable_scope('model')`` / ``('feature_extractor')`` of
the Estimator's graph, and trains it with a batch-hard triplet loss computed from a pairwise
distance matrix and label masks. Rewritten in our own words and scaled to sklearn's digits
(8x8x1 images instead of 64x64x3 faces, two conv blocks instead of four).

Idioms kept: ``build_model(params)`` returning a ``tf.keras.Sequential([...])`` with
``input_shape=`` on its first Conv2D, called on the features tensor; ``params`` a small
attribute object passed as ``Estimator(params=...)``; ``is_training = (mode ==
'train')`` computed and never used (the Keras BatchNormalization layers run
in TF1's Keras learning phase, not the Estimator mode); ``_pairwise_distance`` by
``matmul(f, transpose(f))``, ``tf.diag_part``, ``expand_dims`` sums, ``tf.maximum(.., 0)``, the
``equal(distance, 0)`` mask added before ``sqrt`` and multiplied out after; batch-hard masks
from ``tf.eye(tf.shape(labels)[0])`` cast to bool, ``logical_not`` / ``logical_and`` /
``not_equal``; ``reduce_max(.., 1, keepdims=True)`` hardest positive; the hardest negative by
adding ``max_distance * (1 - mask)``; ``tf.summary.scalar`` of each; a ``tf.Variable`` of zeros
receiving ``tf.assign(embedding_var, features)`` (never run); ``tf.train.AdamOptimizer``,
``tf.train.get_or_create_global_step()``, ``minimize`` under
``control_dependencies(get_collection(UPDATE_OPS))`` when ``params.use_batch_norm``;
``tf.ConfigProto(allow_soft_placement=True)`` with ``gpu_options.per_process_gpu_memory_fraction``;
``tf.reset_default_graph()`` first. The Estimator driver is replaced by the session loop of the
repository's own ``__main__`` / ``test.py`` (the legacy runtime, TF 2.21 + tf-keras, has no
``tf.estimator``): ``model_fn(images, labels, mode, params)`` is called once on placeholders
and returns the embeddings, loss, accuracy and train op.

Bugs kept: ``is_training`` never reaches the BatchNormalization layers (TF1 Keras layers called
in a graph without a learning phase run in INFERENCE mode: moving statistics, never updated, and
UPDATE_OPS is empty); the accuracy (``argmin`` of the distance as a predicted label, the row
itself at distance 0) compares row indices with labels.
Not kept: the center-triplet loss against reference images, the projector hook, warm start,
``train_and_evaluate`` with an EvalSpec.
"""
import os

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from tensorflow.keras.layers import Conv2D, BatchNormalization, MaxPool2D, Dense, Flatten, ReLU


class Params(object):
    image_size = 8
    image_channel = 1
    embedding_size = 16
    margin = 0.5
    squared = False
    learning_rate = 1e-3
    batch_size = 64
    use_batch_norm = True
    triplet_strategy = "batch_hard"


def build_model(params):
    with tf.variable_scope('feature_extractor'):
        feature_extractor = tf.keras.Sequential([
            Conv2D(input_shape=(params.image_size, params.image_size, params.image_channel),
                   filters=16, kernel_size=3, padding='same', data_format="channels_last"),
            BatchNormalization(),
            ReLU(),
            MaxPool2D((2, 2)),

            Conv2D(filters=32, kernel_size=3, padding='same'),
            BatchNormalization(),
            ReLU(),
            MaxPool2D((2, 2)),

            Flatten(),
            Dense(params.embedding_size, name='fully_connect')
        ])
        return feature_extractor


def _pairwise_distance(features, squared=False):
    dot_product = tf.matmul(features, tf.transpose(features))
    square_norm = tf.diag_part(dot_product)
    distance = tf.expand_dims(square_norm, 1) - 2.0 * dot_product + tf.expand_dims(square_norm, 0)
    distance = tf.maximum(distance, 0.0)
    if not squared:
        mask = tf.cast(tf.equal(distance, 0.0), tf.float32)
        distance = distance + mask * 1e-16
        distance = tf.sqrt(distance)
        distance = distance * (1.0 - mask)
    return distance


def _get_p_a_mask(labels):
    same_index = tf.cast(tf.eye(tf.shape(labels)[0]), tf.bool)
    other_index = tf.logical_not(same_index)
    same_label = tf.equal(tf.expand_dims(labels, 0), tf.expand_dims(labels, 1))
    return tf.logical_and(other_index, same_label)


def _get_a_n_mask(labels):
    return tf.not_equal(tf.expand_dims(labels, 0), tf.expand_dims(labels, 1))


def batch_hard_triplet_loss(features, labels, margin, squared):
    distance = _pairwise_distance(features, squared)

    mask_p_a = tf.cast(_get_p_a_mask(labels), tf.float32)
    hardest_pos = tf.reduce_max(tf.multiply(distance, mask_p_a), 1, keepdims=True)
    tf.summary.scalar('hardest_positive_distance', tf.reduce_mean(hardest_pos))

    mask_a_n = tf.cast(_get_a_n_mask(labels), tf.float32)
    max_distance = tf.reduce_max(distance, 1, keepdims=True)
    neg_distance = distance + max_distance * (1.0 - mask_a_n)
    hardest_neg = tf.reduce_min(neg_distance, 1, keepdims=True)
    tf.summary.scalar('hardest_negative_distance', tf.reduce_mean(hardest_neg))

    loss = tf.maximum(hardest_pos - hardest_neg + margin, 0.0)
    return tf.reduce_mean(loss), distance


def model_fn(features, labels, mode, params):
    images = features
    is_training = (mode == 'train')

    with tf.variable_scope('model'):
        feature_extractor = build_model(params)
        features = feature_extractor(images)

    embedding_var = tf.Variable(tf.zeros([params.batch_size, params.embedding_size]),
                                name='projector_embeddings')
    embedding_assign = tf.assign(embedding_var, features)

    labels = tf.cast(labels, tf.int32)
    if params.triplet_strategy == 'batch_hard':
        loss, distance = batch_hard_triplet_loss(features, labels, params.margin, params.squared)
    else:
        raise ValueError("no such triplet strategy: {}".format(params.triplet_strategy))
    predict_label = tf.argmin(distance, axis=1)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.cast(predict_label, tf.int32), labels), tf.float32))
    tf.summary.scalar('loss', loss)

    optimizer = tf.train.AdamOptimizer(params.learning_rate)
    global_step = tf.train.get_or_create_global_step()
    if params.use_batch_norm:
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            train_ops = optimizer.minimize(loss, global_step=global_step)
    else:
        train_ops = optimizer.minimize(loss, global_step=global_step)
    return features, loss, accuracy, train_ops


if __name__ == '__main__':
    tf.reset_default_graph()
    tf.set_random_seed(521)
    digits = load_digits()
    X = (digits.images / 16.0).astype(np.float32).reshape(-1, 8, 8, 1)
    y = digits.target.astype(np.int32)
    rng = np.random.RandomState(0)
    order = rng.permutation(len(X))
    X, y = X[order], y[order]
    X_train, y_train = X[:1400], y[:1400]
    X_test, y_test = X[1400:], y[1400:]

    params = Params()
    images = tf.placeholder(tf.float32, [None, 8, 8, 1], name='images')
    labels = tf.placeholder(tf.int64, [None], name='labels')
    features, loss, accuracy, train_ops = model_fn(images, labels, 'train', params)

    session_config = tf.ConfigProto(allow_soft_placement=True)
    session_config.gpu_options.per_process_gpu_memory_fraction = 0.6
    with tf.Session(config=session_config) as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(600):
            idx = rng.randint(0, len(X_train), params.batch_size)
            _, l, acc = sess.run([train_ops, loss, accuracy],
                                 feed_dict={images: X_train[idx], labels: y_train[idx]})
            if step % 100 == 0:
                print("step %d loss %.4f acc %.3f" % (step, l, acc))
        emb = sess.run(features, feed_dict={images: X_test})

    pr = np.random.RandomState(1)
    a = pr.randint(0, len(emb), 600)
    b = pr.randint(0, len(emb), 600)
    d = np.sqrt(((emb[a] - emb[b]) ** 2).sum(1))
    same = (y_test[a] == y_test[b]).astype(np.int32)
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)
