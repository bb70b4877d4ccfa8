"""Held-out program (round AJ) mirroring a public TF1 fingerprint-verification Siamese thesis
project by Tuong Lam & Simon Nilsson (2018; files ``nn_model.py`` / ``utilities.py`` /
``nn_train.py``, found in the code index without a resolvable repository name): a Siamese CNN
built with ``tf.layers`` calls that each carry ``name=`` and ``reuse=tf.AUTO_REUSE``, a
contrastive loss on the SQUARED distance, and a training loop that draws index pairs from
``tf.data`` iterators switched by a string handle and feeds the images through placeholders.
Rewritten in our own words and scaled to sklearn's digits (8x8x1 images instead of
fingerprints; same-class pairs are "match", other-class pairs "no match").

Idioms kept: ``inference(input, training=True)`` with ``tf.layers.conv2d(inputs=..., filters=,
kernel_size=, padding="same", activation=tf.nn.relu, reuse=tf.AUTO_REUSE,
kernel_regularizer=tf.contrib.layers.l2_regularizer(s), name="conv_layer_N")``,
``tf.layers.max_pooling2d(pool_size=[2,2], strides=2)``, ``tf.layers.flatten``,
``tf.layers.dense(..., reuse=tf.AUTO_REUSE, name="dense_layer_1")`` and ``tf.layers.dropout(
inputs=net, rate=0.4)``; the towers built twice for training and twice for testing inside
``tf.variable_scope("siamese_net", reuse=tf.AUTO_REUSE)`` (sharing in TF1: YES, all four by
the layer names); ``contrastive_loss(input_1, input_2, label, margin)`` =
``reduce_mean(label * d_sq + (1 - label) * max(margin - d_sq, 0)^2) / 2`` with
``keepdims=True``; the regularisation collection added to the loss in a ``for i in
range(len(reg_losses))`` loop; ``tf.add_to_collection`` of the loss and outputs; a
``placeholder_inputs`` helper returning named placeholders plus a string ``handle``
placeholder; match / no-match index datasets ``from_tensor_slices -> shuffle -> repeat ->
batch(batch_size // 2)`` with ``make_one_shot_iterator``, ONE iterator made by
``tf.data.Iterator.from_string_handle(handle, dataset.output_types)`` and the per-dataset
handles from ``sess.run(it.string_handle())``; ``tf.ConfigProto(allow_soft_placement=True)``
with ``gpu_options.allow_growth``; ``tf.device(device_name)`` around graph and session; the
optimizer (Momentum, nesterov, ``global_step`` a non-trainable Variable) created INSIDE the
session block before the initializer runs; a ``tf.train.Saver`` saving every ``save_itr``.

Bugs kept: ``tf.layers.dropout`` without ``training=`` (TF1's default ``training=False``: the
dropout never drops, in training or testing); the margin compared with the SQUARED distance;
the ``training`` argument of ``inference`` accepted and never used. Not kept: the capsule
variants, data-generator pickling, rotation / translation augmentation, threshold sweeps,
the checkpoint-restore branch (importing the saved meta graph).
"""
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits


def inference(input, training=True):
    input_layer = input
    conv1 = tf.layers.conv2d(
        inputs=input_layer,
        filters=16,
        kernel_size=[3, 3],
        padding="same",
        activation=tf.nn.relu,
        reuse=tf.AUTO_REUSE,
        kernel_regularizer=tf.contrib.layers.l2_regularizer(0.001),
        name="conv_layer_1")
    pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2], strides=2)

    conv2 = tf.layers.conv2d(
        inputs=pool1,
        filters=32,
        kernel_size=[3, 3],
        padding="same",
        activation=tf.nn.relu,
        reuse=tf.AUTO_REUSE,
        kernel_regularizer=tf.contrib.layers.l2_regularizer(0.001),
        name="conv_layer_2")
    pool2 = tf.layers.max_pooling2d(inputs=conv2, pool_size=[2, 2], strides=2)

    net = tf.layers.flatten(pool2)
    net = tf.layers.dense(
        net,
        64,
        activation=tf.nn.relu,
        reuse=tf.AUTO_REUSE,
        kernel_regularizer=tf.contrib.layers.l2_regularizer(0.001),
        name="dense_layer_1")
    net = tf.layers.dropout(inputs=net, rate=0.4)
    return net


def contrastive_loss(input_1, input_2, label, margin):
    """label 1 for a match, 0 otherwise; the margin is compared with the squared distance."""
    d_sq = tf.reduce_sum(tf.pow(input_1 - input_2, 2), 1, keepdims=True)
    max_sq = tf.square(tf.maximum(margin - d_sq, 0))
    return tf.reduce_mean(label * d_sq + (1 - label) * max_sq) / 2


def momentum_training(loss, learning_rate, momentum):
    global_step = tf.Variable(0, trainable=False)
    optimizer = tf.train.MomentumOptimizer(learning_rate, momentum, use_nesterov=True)
    train_op = optimizer.minimize(loss, global_step=global_step)
    return train_op


def placeholder_inputs(image_dims):
    left = tf.placeholder(tf.float32, [None, image_dims[1], image_dims[2], image_dims[3]],
                          name="left_image_holder")
    right = tf.placeholder(tf.float32, [None, image_dims[1], image_dims[2], image_dims[3]],
                           name="right_image_holder")
    label = tf.placeholder(tf.float32, [None, 1], name="label_holder")
    handle = tf.placeholder(tf.string, shape=[], name="handle")
    left_test = tf.placeholder(tf.float32, [None, image_dims[1], image_dims[2], image_dims[3]],
                               name="left_image_holder_test")
    right_test = tf.placeholder(tf.float32, [None, image_dims[1], image_dims[2], image_dims[3]],
                                name="right_image_holder_test")
    return left, right, label, handle, left_test, right_test


class PairGenerator(object):
    """Index pairs of matching / non-matching images (the repository's data_generator)."""

    def __init__(self, images, labels, rng):
        self.train_data = images
        by_class = [np.where(labels == c)[0] for c in range(10)]
        match, no_match = [], []
        for _ in range(3000):
            c = rng.randint(10)
            i, j = rng.choice(by_class[c], 2, replace=False)
            match.append((i, j))
            c2 = (c + rng.randint(1, 10)) % 10
            no_match.append((rng.choice(by_class[c]), rng.choice(by_class[c2])))
        self.match_train = np.array(match, dtype=np.int64)
        self.no_match_train = np.array(no_match, dtype=np.int64)

    def get_pairs(self, pairs):
        return self.train_data[pairs[:, 0]], self.train_data[pairs[:, 1]]


def main(output_dir, gpu_device_name):
    config = tf.ConfigProto(allow_soft_placement=True)
    config.gpu_options.allow_growth = True

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[..., None]
    labels = digits.target
    cut = 1400
    rng = np.random.RandomState(0)
    generator = PairGenerator(images[:cut], labels[:cut], rng)
    image_dims = np.shape(generator.train_data)

    batch_size_train = 32
    train_itr = 1500
    learning_rate = 0.001
    momentum = 0.99
    save_itr = 500

    tf.reset_default_graph()
    with tf.device(gpu_device_name):
        left_image_holder, right_image_holder, label_holder, handle, left_image_holder_test, \
            right_image_holder_test = placeholder_inputs(image_dims)

        with tf.variable_scope("siamese_net", reuse=tf.AUTO_REUSE):
            left_train_output = inference(left_image_holder)
            right_train_output = inference(right_image_holder)
            left_test_output = inference(left_image_holder_test, training=False)
            right_test_output = inference(right_image_holder_test, training=False)

        margin = tf.constant(4.0)
        train_loss = contrastive_loss(left_train_output, right_train_output, label_holder, margin)

        reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
        for i in range(len(reg_losses)):
            train_loss += reg_losses[i]

        tf.add_to_collection("train_loss", train_loss)
        tf.add_to_collection("left_test_output", left_test_output)
        tf.add_to_collection("right_test_output", right_test_output)

        train_match_dataset = tf.data.Dataset.from_tensor_slices(generator.match_train)
        train_match_dataset = train_match_dataset.shuffle(buffer_size=np.shape(generator.match_train)[0])
        train_match_dataset = train_match_dataset.repeat()
        train_match_dataset = train_match_dataset.batch(batch_size_train // 2)
        train_match_iterator = train_match_dataset.make_one_shot_iterator()
        iterator = tf.data.Iterator.from_string_handle(handle, train_match_dataset.output_types)
        next_element = iterator.get_next()

        train_non_match_dataset = tf.data.Dataset.from_tensor_slices(generator.no_match_train)
        train_non_match_dataset = train_non_match_dataset.shuffle(buffer_size=np.shape(generator.no_match_train)[0])
        train_non_match_dataset = train_non_match_dataset.repeat()
        train_non_match_dataset = train_non_match_dataset.batch(batch_size_train // 2)
        train_non_match_iterator = train_non_match_dataset.make_one_shot_iterator()

    saver = tf.train.Saver()
    with tf.Session(config=config) as sess:
        with tf.device(gpu_device_name):
            train_op = momentum_training(train_loss, learning_rate, momentum)
            sess.run(tf.global_variables_initializer())

            train_match_handle = sess.run(train_match_iterator.string_handle())
            train_non_match_handle = sess.run(train_non_match_iterator.string_handle())

            for i in range(1, train_itr + 1):
                b_match = sess.run(next_element, feed_dict={handle: train_match_handle})
                b_no_match = sess.run(next_element, feed_dict={handle: train_non_match_handle})
                left_m, right_m = generator.get_pairs(b_match)
                left_n, right_n = generator.get_pairs(b_no_match)
                b_left = np.concatenate([left_m, left_n])
                b_right = np.concatenate([right_m, right_n])
                b_label = np.concatenate([np.ones((len(b_match), 1)), np.zeros((len(b_no_match), 1))])
                _, loss_value = sess.run([train_op, train_loss],
                                         feed_dict={left_image_holder: b_left,
                                                    right_image_holder: b_right,
                                                    label_holder: b_label})
                if i % 100 == 0:
                    print("Iteration %d: train loss = %.5f" % (i, loss_value))
                if i % save_itr == 0:
                    saver.save(sess, os.path.join(output_dir, "model.ckpt"), global_step=i)

            test_images, test_labels = images[cut:], labels[cut:]
            ia = rng.randint(0, len(test_images), size=600)
            ib = rng.randint(0, len(test_images), size=600)
            ib[:300] = [rng.choice(np.where(test_labels == test_labels[k])[0]) for k in ia[:300]]
            out_l, out_r = sess.run([left_test_output, right_test_output],
                                    feed_dict={left_image_holder_test: test_images[ia],
                                               right_image_holder_test: test_images[ib]})
    d = np.sum((out_l - out_r) ** 2, axis=1)
    same = (test_labels[ia] == test_labels[ib]).astype(np.int64)
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)


if __name__ == "__main__":
    main(tempfile.mkdtemp(), "/cpu:0")
