"""Held-out program (round AH). Mirrors pavelkrolevets/MNIST_triplet_loss (Mnist_triplet.py):
one embedding network over a batch of labelled images trained with
tf.contrib.losses.metric_learning.triplet_semihard_loss.

What it keeps from the repository (its idioms and its bugs):
- ``inference(x)`` reshapes to NHWC and stacks tf.layers.conv2d (relu, same padding),
  tf.layers.batch_normalization called WITHOUT ``training=`` (so TF1 always normalises with the
  moving statistics, which nothing ever updates: each BN is an affine map of its gamma / beta),
  max_pooling2d, 1x1 -> 3x3 conv pairs, a flatten by tf.reshape, dense relu, a dense embedding
  and tf.nn.l2_normalize(dim=1, epsilon=1e-12); an unused ``phase_train = tf.constant(True)``;
- ``loss()`` reads ``margin`` from the module (set under __main__), passes the FLOAT label
  placeholder to triplet_semihard_loss and takes reduce_mean of the scalar;
- ``training()``: a summary scalar, tf.train.exponential_decay(0.01, global_step, 100, 0.96,
  staircase=True), Adam minimize(global_step=) with a non-trainable tf.Variable global step;
- tf.train.Saver, then a tf.data pipeline fed through placeholders:
  from_tensor_slices((features_ph, labels_ph)).batch(..).make_initializable_iterator(); each
  epoch runs the iterator's initializer with the arrays and pulls batches with sess.run(get_next);
- the train step and a SECOND run computing the cost on the same batch; the checkpoint saved
  each epoch with global_step=; the loop sits in ``with tf.device('/cpu:0'): with sess.as_default():``.

Sharing in TF1: yes (one network over the whole batch).
Digits 8x8 instead of MNIST. Held-out pairs: two test digits, same = same class; d = Euclidean
distance of the l2-normalised embeddings.
"""
from __future__ import print_function

import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits


def inference(x):
    phase_train = tf.constant(True)
    x = tf.reshape(x, shape=[-1, 8, 8, 1])

    conv1 = tf.layers.conv2d(inputs=x, filters=16, kernel_size=[3, 3], padding="same", activation=tf.nn.relu)
    norm1 = tf.layers.batch_normalization(conv1)
    pool1 = tf.layers.max_pooling2d(inputs=norm1, pool_size=[2, 2], strides=2)

    conv2a = tf.layers.conv2d(inputs=pool1, filters=16, kernel_size=[1, 1], padding="same", activation=tf.nn.relu)
    conv2 = tf.layers.conv2d(inputs=conv2a, filters=32, kernel_size=[3, 3], padding="same", activation=tf.nn.relu)
    norm2 = tf.layers.batch_normalization(conv2)
    pool2 = tf.layers.max_pooling2d(inputs=norm2, pool_size=[2, 2], strides=2)

    conv3a = tf.layers.conv2d(inputs=pool2, filters=16, kernel_size=[1, 1], padding="same", activation=tf.nn.relu)
    conv3 = tf.layers.conv2d(inputs=conv3a, filters=32, kernel_size=[3, 3], padding="same", activation=tf.nn.relu)

    flat = tf.reshape(conv3, [-1, 2 * 2 * 32])
    fc_1 = tf.layers.dense(inputs=flat, units=64, activation=tf.nn.relu)
    embed = tf.layers.dense(inputs=fc_1, units=32)
    output = tf.nn.l2_normalize(embed, dim=1, epsilon=1e-12, name=None)
    return output


def loss(output, labels):
    triplet = tf.contrib.losses.metric_learning.triplet_semihard_loss(labels, output, margin=margin)
    loss = tf.reduce_mean(triplet, name='triplet')
    return loss


def training(cost, global_step):
    tf.summary.scalar("cost", cost)
    learning_rate = tf.train.exponential_decay(0.01, global_step, 100, 0.96, staircase=True)
    optimizer = tf.train.AdamOptimizer(learning_rate)
    train_op = optimizer.minimize(cost, global_step=global_step)
    return train_op


if __name__ == '__main__':
    training_epochs = 12
    batch_size = 128
    margin = 1.0

    digits = load_digits()
    data = (digits.data / 16.0).astype('float32').reshape(-1, 8, 8, 1)
    x_train, y_train = data[:1400], digits.target[:1400]
    x_test, y_test = data[1400:], digits.target[1400:]
    tf.set_random_seed(0)

    x = tf.placeholder("float", [None, 8, 8, 1], name='placehold_x')
    y = tf.placeholder('float', [None], name='placehold_y')

    output = inference(x)
    tf.identity(output, name="inference")

    cost = loss(output, y)
    global_step = tf.Variable(0, name='global_step', trainable=False)

    train_op = training(cost, global_step)
    saver = tf.train.Saver()

    features_placeholder = tf.placeholder(x_train.dtype, x_train.shape)
    labels_placeholder = tf.placeholder(y_train.dtype, y_train.shape)
    training_dataset = tf.data.Dataset.from_tensor_slices((features_placeholder, labels_placeholder))
    batched_dataset = training_dataset.batch(batch_size)
    training_init_op = batched_dataset.make_initializable_iterator()
    next_element = training_init_op.get_next()

    ckpt_dir = tempfile.mkdtemp()
    sess = tf.Session()
    init_op = tf.global_variables_initializer()
    sess.run(init_op)

    with tf.device('/cpu:0'):
        with sess.as_default():
            for epoch in range(training_epochs):
                avg_cost = 0.
                total_batch_train = int(x_train.shape[0] / batch_size)
                sess.run(training_init_op.initializer, feed_dict={features_placeholder: x_train,
                                                                  labels_placeholder: y_train})
                for i in range(total_batch_train):
                    batch_x, batch_y = sess.run(next_element)
                    sess.run(train_op, feed_dict={x: batch_x, y: batch_y})
                    avg_cost = sess.run(cost, feed_dict={x: batch_x, y: batch_y})
                print('Epoch #: ', epoch, 'global step', sess.run(global_step), 'loss: ', avg_cost)
                saver.save(sess, os.path.join(ckpt_dir, "model-checkpoint"), global_step=global_step,
                           write_meta_graph=True)
            print("Optimization Finished!")

            emb = sess.run(output, feed_dict={x: x_test})

    rng = np.random.RandomState(1)
    a = rng.randint(0, len(x_test), 800)
    b = rng.randint(0, len(x_test), 800)
    keep = np.concatenate([np.flatnonzero(y_test[a] == y_test[b]),
                           np.flatnonzero(y_test[a] != y_test[b])[:300]])
    a, b = a[keep], b[keep]
    d = np.sqrt(((emb[a] - emb[b]) ** 2).sum(1))
    same = (y_test[a] == y_test[b]).astype(np.int32)
    print("pairs", len(d), "same", same.sum())
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)
