"""Held-out program (round AG) mirroring FOX111/siamese (``siamese.py``, ``train_model.py``,
``cifar10_siamese_utils.py``): the UvA deep-learning assignment's CIFAR10 Siamese ConvNet, a
model class whose ``inference(x, reuse)`` is called once per side and whose ``loss`` is the
Hadsell contrastive loss on L2-normalised embeddings. Rewritten in our own words and scaled to
sklearn's digits (8x8x1 images instead of 32x32x3, 16/16/64/32 units instead of 64/64/384/192).

Idioms kept: ``class Siamese(object)`` with no constructor; every layer opens
``tf.variable_scope(name, initializer=tf.random_normal_initializer(stddev=...), reuse=reuse)``
and makes its variables with ``tf.get_variable(name, shape)`` only (the initializer comes from
the scope), the bias shape written ``(16)`` - an int, not a tuple; ``tf.nn.conv2d`` SAME +
bias + relu + ``tf.nn.max_pool`` 3x3 stride 2 SAME; a ``variable_scope('flatten')`` reshape;
two matmul layers with relu; ``tf.nn.l2_normalize(logits, dim=1)`` under its own scope;
the first side built with ``reuse=None`` and the second with ``reuse=True``; the loss under
``name_scope``s with ``tf.cast(label, tf.float32)`` of an int32 placeholder, scalar summaries;
``tf.train.AdamOptimizer(lr).minimize``; ``tf.InteractiveSession()``,
``tf.initialize_all_variables()``, ``tf.summary.merge_all()`` run with the train step every
``print_freq`` steps and written by a ``tf.summary.FileWriter``; an evaluation that builds a NEW
``tf.summary.scalar`` op from a Python float inside the loop and passes its run straight to
``writer_test.add_summary``; ``tf.train.Saver().save`` at a fixed step; the batch sampler
returning Python lists (left, right, labels).

Sharing in TF1: YES - both sides read the same ``conv1/kernel`` ... ``fc2/biases``.

Bugs kept: the sampler labels a similar pair 0 and a dissimilar pair 1 while the loss treats
label 1 as "similar" (the labels are inverted: training pulls different digits together and
pushes same digits apart); every "same" pair in a batch has the SAME left image (one anchor
index repeated); ``fraction_same = 0.2``. Not kept: the pre-1.0 names
``tf.scalar_summary`` / ``tf.merge_all_summaries`` / ``tf.train.SummaryWriter`` (gone in TF 1.x,
written with their 1.x names), CIFAR10 loading, argparse flags, h5py feature files; the
scope initializer's stddev is 0.1, not 1e-3 (with 1e-3 on 8x8 [0, 1] inputs every relu is 0, the
normalised embeddings are 0 and the sqrt of a 0 distance makes the first gradient NaN).
"""
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

LEARNING_RATE = 1e-3
BATCH_SIZE = 64
MAX_STEPS = 1500
EVAL_FREQ = 500
PRINT_FREQ = 100
MARGIN = 0.3


class Siamese(object):
    """Two branches of one small ConvNet; the reuse flag says which call makes the weights."""

    def inference(self, x, reuse):
        init = tf.random_normal_initializer(stddev=0.1)
        with tf.variable_scope('conv1', initializer=init, reuse=reuse):
            kernel = tf.get_variable('kernel', (3, 3, 1, 16))
            biases = tf.get_variable('biases', (16))
            out = tf.nn.conv2d(x, kernel, strides=[1, 1, 1, 1], padding='SAME') + biases
            out = tf.nn.relu(out)
            out = tf.nn.max_pool(out, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding='SAME')

        with tf.variable_scope('conv2', initializer=init, reuse=reuse):
            kernel = tf.get_variable('kernel', (3, 3, 16, 16))
            biases = tf.get_variable('biases', (16))
            out = tf.nn.conv2d(out, kernel, strides=[1, 1, 1, 1], padding='SAME') + biases
            out = tf.nn.relu(out)
            out = tf.nn.max_pool(out, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding='SAME')

        with tf.variable_scope('flatten'):
            out = tf.reshape(out, [-1, 2 * 2 * 16])

        with tf.variable_scope('fc1', initializer=init, reuse=reuse):
            weights = tf.get_variable('weights', (2 * 2 * 16, 64))
            biases = tf.get_variable('biases', (64))
            out = tf.nn.relu(tf.matmul(out, weights) + biases)

        with tf.variable_scope('fc2', initializer=init, reuse=reuse):
            weights = tf.get_variable('weights', (64, 32))
            biases = tf.get_variable('biases', (32))
            out = tf.nn.relu(tf.matmul(out, weights) + biases)

        with tf.variable_scope('L2-norm'):
            l2_out = tf.nn.l2_normalize(out, dim=1)
        return l2_out

    def loss(self, channel_1, channel_2, label, margin):
        with tf.name_scope('Loss'):
            label = tf.cast(label, tf.float32)
            with tf.name_scope('L2_distance'):
                d = tf.sqrt(tf.reduce_sum(tf.square(channel_1 - channel_2), 1))
            with tf.name_scope('Similar_loss'):
                similar_loss = label * tf.square(d)
            with tf.name_scope('Dissimilar_loss'):
                dissimilar_loss = (1 - label) * tf.square(tf.maximum(margin - d, 0.))
            with tf.name_scope('Contrastive_loss'):
                loss = tf.reduce_mean(similar_loss + dissimilar_loss)
            tf.summary.scalar('Contrastive_loss', loss)
            tf.summary.scalar('Similar_loss', tf.reduce_mean(similar_loss))
        return loss


class PairSampler(object):
    """The repository's sampler: one anchor for all the 'same' pairs, labels 0 = same."""

    def __init__(self, images, labels, rng):
        self.images = images
        self.labels = labels
        self.rng = rng

    def next_batch(self, batch_size, fraction_same=0.2):
        same_count = int(np.floor(batch_size * fraction_same))
        left, right, labels = [], [], []
        every = np.arange(len(self.labels))
        anchor = self.rng.choice(every)
        for i in [anchor] * same_count:
            left.append(self.images[i])
            while True:
                j = self.rng.choice(every)
                if self.labels[j] == self.labels[i] and i != j:
                    right.append(self.images[j])
                    labels.append(0)
                    break
        for i in self.rng.choice(every, size=batch_size - same_count):
            left.append(self.images[i])
            while True:
                j = self.rng.choice(every)
                if self.labels[j] != self.labels[i]:
                    right.append(self.images[j])
                    labels.append(1)
                    break
        return left, right, labels


def heldout_pairs(images, labels, n, rng):
    a, b, same = [], [], []
    for k in range(n):
        i = rng.randint(len(labels))
        if k % 2 == 0:
            j = rng.choice(np.where(labels == labels[i])[0])
        else:
            j = rng.choice(np.where(labels != labels[i])[0])
        a.append(images[i])
        b.append(images[j])
        same.append(int(labels[i] == labels[j]))
    return np.array(a), np.array(b), np.array(same)


def train_siamese():
    tf.set_random_seed(42)
    np.random.seed(42)
    rng = np.random.RandomState(42)

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[..., None]
    labels = digits.target
    train_x, train_y = images[:1400], labels[:1400]
    test_x, test_y = images[1400:], labels[1400:]
    sampler = PairSampler(train_x, train_y, rng)
    test_dset = [sampler.next_batch(BATCH_SIZE) for _ in range(5)]

    siam_net = Siamese()
    labels_placeholder = tf.placeholder(tf.int32, shape=(None))
    l_images_placeholder = tf.placeholder(tf.float32, shape=(None, 8, 8, 1))
    r_images_placeholder = tf.placeholder(tf.float32, shape=(None, 8, 8, 1))

    left = siam_net.inference(l_images_placeholder, reuse=None)
    right = siam_net.inference(r_images_placeholder, reuse=True)

    loss = siam_net.loss(left, right, labels_placeholder, margin=MARGIN)
    train_step = tf.train.AdamOptimizer(LEARNING_RATE).minimize(loss)

    sess = tf.InteractiveSession()
    log_dir = tempfile.mkdtemp()
    writer_test = tf.summary.FileWriter(log_dir + '/siamese/test', sess.graph)
    writer_train = tf.summary.FileWriter(log_dir + '/siamese/train', sess.graph)
    sess.run(tf.initialize_all_variables())
    merged = tf.summary.merge_all()
    saver = tf.train.Saver()
    ckpt_dir = tempfile.mkdtemp()

    for i in range(MAX_STEPS):
        left_train, right_train, labels_train = sampler.next_batch(BATCH_SIZE)
        feed_dict_train = {l_images_placeholder: left_train,
                           r_images_placeholder: right_train,
                           labels_placeholder: labels_train}
        if i % PRINT_FREQ == 0:
            _, merged_summary, loss_val = sess.run([train_step, merged, loss],
                                                   feed_dict=feed_dict_train)
            writer_train.add_summary(merged_summary, i)
            print('Iteration', i, 'Loss', loss_val)
        else:
            sess.run(train_step, feed_dict=feed_dict_train)

        if i % EVAL_FREQ == 0:
            loss_sum = 0.0
            for batch in test_dset:
                left_test, right_test, labels_test = batch
                feed_dict_test = {l_images_placeholder: left_test,
                                  r_images_placeholder: right_test,
                                  labels_placeholder: labels_test}
                loss_sum += sess.run(loss, feed_dict=feed_dict_test)
            loss_av = loss_sum / len(test_dset)
            print('Average loss:', loss_av)
            writer_test.add_summary(sess.run(tf.summary.scalar('Av_loss', loss_av)), i)

        if i == 1000:
            saver.save(sess, os.path.join(ckpt_dir, 'model1k.ckpt'))

    a, b, same = heldout_pairs(test_x, test_y, 300, np.random.RandomState(7))
    emb_a = sess.run(left, feed_dict={l_images_placeholder: a})
    emb_b = sess.run(left, feed_dict={l_images_placeholder: b})
    d = np.sqrt(((emb_a - emb_b) ** 2).sum(axis=1))
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)


if __name__ == '__main__':
    train_siamese()
