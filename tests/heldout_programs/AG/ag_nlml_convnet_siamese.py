"""Held-out program (round AG) mirroring nlml/dlass3 (``convnet.py``, ``siamese.py``,
``train_model.py``, ``cifar10_siamese_utils.py``): the same UvA CIFAR10 assignment written
another way - ``class Siamese(ConvNet)`` inherits its layer helpers from the classifier's
``ConvNet`` class. Rewritten in our own words and scaled to sklearn's digits (8x8x1 images;
16/16/64/32 units instead of 64/64/384/192).

Idioms kept: a base class whose ``__init__`` stores ``is_training`` (a bool PLACEHOLDER),
``dropout_rate``, ``save_stuff`` and ``fc_reg_str``; helper methods ``_conv2d_layer`` (its own
``variable_scope(n)``; ``W`` from ``random_uniform_initializer(-1e-3, 1e-3)``, ``b`` shape an int
with a zero constant initializer; stride and kernel given as int-or-list through
``_list_or_int``), ``_pool_layer`` (``pool_type=tf.nn.max_pool`` default argument) and
``_fc_layer`` (input size read from ``x.get_shape()[1]``; a truncated-normal initializer whose
stddev is a TENSOR, ``1 / tf.sqrt(tf.reduce_prod(tf.cast(x.get_shape()[1:], tf.float32)))``; an
``l2_regularizer(reg_strength)`` on ``W``; dropout as ``tf.cond(self.is_training, lambda:
tf.nn.dropout(h, 1.0 - rate), lambda: h)``); histogram summaries behind ``if self.save_stuff``,
one of which re-opens ``variable_scope(n, reuse=True)`` to fetch ``W`` / ``b`` again with a bare
``tf.get_variable(name)``; the subclass's ``inference(x, reuse=False)`` opening
``variable_scope('ConvNet', reuse=reuse) as conv_scope`` and also calling
``conv_scope.reuse_variables()`` when reusing, storing every layer on ``self``;
``tf.nn.l2_normalize(fc2, 1)``; ``loss`` returning a TUPLE ``(loss, d2)``; an ``accuracy``
method thresholding ``margin - d2``; the margin fed through a scalar placeholder; the total loss
``loss + sum(tf.get_collection(REGULARIZATION_LOSSES))``; a ``train_step(loss, mini=True)``
helper that minimises ``-loss`` when ``mini`` is False; a nested ``get_feed(c, train, chunk,
chunks)`` building every feed dict (validation split in chunks); ``with tf.Session() as sess``
and ``tf.initialize_all_variables().run(session=sess)``.

Sharing in TF1: YES - the second call reuses every ``ConvNet/*/W`` and ``b``.

Bugs / quirks kept: each training batch is ONE anchor image repeated (``np.resize``) against
20% same-class and 80% other-class images; the contrastive hinge is on the SQUARED distance,
``max(margin - d2, 0)`` without the square; the margin is tiny (0.1) for L2-normalised
embeddings; dropout applied to the embedding layer itself (fc2) before the normalisation; the
regulariser strength a flag left at its default. Not kept: CIFAR10 loading, argparse flags,
the pre-1.0 summary names (written with their 1.x names), checkpoint paths.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.contrib.layers import regularizers
from sklearn.datasets import load_digits

LEARNING_RATE = 1e-3
BATCH_SIZE = 64
MAX_STEPS = 1200
SIAMESE_MARGIN = 0.1
FRACTION_SAME = 0.2
DROPOUT_RATE = 0.1
FC_REG_STR = 1e-4
VALI_NTUPLES = 10
CHECKPOINT_FREQ = 600


class ConvNet(object):
    def __init__(self, n_classes=10, is_training=True, dropout_rate=0., save_stuff=False, fc_reg_str=0.):
        self.n_classes = n_classes
        self.is_training = is_training
        self.dropout_rate = dropout_rate
        self.save_stuff = save_stuff
        self.fc_reg_str = fc_reg_str

    def _list_or_int(self, inp, pad_with_ones=False):
        if type(inp) is list:
            output = [1, inp[0], inp[1], 1]
        else:
            output = [1, inp, inp, 1]
        if pad_with_ones:
            return output
        return [output[1], output[2]]

    def _conv2d_layer(self, x, n, kernel_size, stride, inp_depth, out_depth, act_fn):
        with tf.variable_scope(n):
            kernel = self._list_or_int(kernel_size, pad_with_ones=False)
            W_shape = kernel + [inp_depth, out_depth]
            W_init = tf.random_uniform_initializer(minval=-1e-3, maxval=1e-3, dtype=tf.float32)
            W = tf.get_variable('W', W_shape, initializer=W_init)
            b = tf.get_variable('b', out_depth, initializer=tf.constant_initializer(0))
            strides = self._list_or_int(stride, pad_with_ones=True)
            pre_act = b + tf.nn.conv2d(x, W, padding='SAME', strides=strides)
            self._histsum('pre_act', pre_act)
            output = act_fn(pre_act) if act_fn is not None else pre_act
        self._get_weights_and_bias_summaries(n)
        return output

    def _pool_layer(self, x, n, pool_size, pool_stride, pool_type=tf.nn.max_pool):
        with tf.variable_scope(n):
            kernel = self._list_or_int(pool_size, pad_with_ones=True)
            stride = self._list_or_int(pool_stride, pad_with_ones=True)
            out = pool_type(x, ksize=kernel, strides=stride, padding='SAME')
        return out

    def _fc_layer(self, x, n, output_shape=None, act_fn=None, reg_strength=0.):
        with tf.variable_scope(n):
            input_shape = x.get_shape()[1]
            W_shape = [input_shape, output_shape]
            sd = 1 / tf.sqrt(tf.reduce_prod(tf.cast(x.get_shape()[1:], tf.float32)))
            W_init = tf.truncated_normal_initializer(stddev=sd, dtype=tf.float32)
            W_reg = regularizers.l2_regularizer(reg_strength)
            W = tf.get_variable('W', W_shape, initializer=W_init, regularizer=W_reg)
            b = tf.get_variable('b', output_shape, initializer=tf.constant_initializer(0))
            pre_act = tf.matmul(x, W) + b
            pre_drop = act_fn(pre_act) if act_fn is not None else pre_act
            output = tf.cond(self.is_training,
                             lambda: tf.nn.dropout(pre_drop, 1.0 - self.dropout_rate),
                             lambda: pre_drop)
            self._histsum('post_drop', output)
        self._get_weights_and_bias_summaries(n)
        return output

    def _histsum(self, n, x):
        if self.save_stuff:
            tf.summary.histogram(tf.get_variable_scope().name + '/' + n, x)

    def _histmean_summary(self, varname, scope):
        if self.save_stuff:
            var = tf.get_variable(varname)
            tf.summary.histogram(scope + '/' + varname + '_hist', var)

    def _get_weights_and_bias_summaries(self, scope):
        if self.save_stuff:
            with tf.variable_scope(scope, reuse=True):
                self._histmean_summary('W', scope)
                self._histmean_summary('b', scope)


class Siamese(ConvNet):
    def inference(self, x, reuse=False):
        with tf.variable_scope('ConvNet', reuse=reuse) as conv_scope:
            if reuse:
                conv_scope.reuse_variables()
            self.conv1 = self._conv2d_layer(x, 'conv1', kernel_size=3, stride=1, inp_depth=1,
                                            out_depth=16, act_fn=tf.nn.relu)
            self.pool1 = self._pool_layer(self.conv1, 'pool1', pool_size=3, pool_stride=2)
            self.conv2 = self._conv2d_layer(self.pool1, 'conv2', kernel_size=3, stride=1, inp_depth=16,
                                            out_depth=16, act_fn=tf.nn.relu)
            self.pool2 = self._pool_layer(self.conv2, 'pool2', pool_size=3, pool_stride=2)
            with tf.variable_scope('flatten'):
                self.flatten = tf.reshape(self.pool2, [-1, 2 * 2 * 16])
            self.fc1 = self._fc_layer(self.flatten, 'fc1', act_fn=tf.nn.relu,
                                      reg_strength=self.fc_reg_str, output_shape=64)
            self.fc2 = self._fc_layer(self.fc1, 'fc2', act_fn=tf.nn.relu,
                                      reg_strength=self.fc_reg_str, output_shape=32)
            self.l2_out = tf.nn.l2_normalize(self.fc2, 1)
            l2_out = self.l2_out
        return l2_out

    def loss(self, channel_1, channel_2, label, margin):
        d2 = tf.reduce_sum(tf.square(channel_1 - channel_2), 1)
        contrast = label * d2 + (1 - label) * tf.maximum(margin - d2, 0)
        loss = tf.reduce_mean(contrast)
        return loss, d2

    def accuracy(self, d2, labels, margin):
        preds = 1. - tf.cast(tf.less(margin - d2, 0.), tf.float32)
        correct_prediction = tf.equal(labels, preds)
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        tf.summary.scalar('accuracy', accuracy)
        return accuracy


def train_step(loss, mini=True):
    optimizer = tf.train.AdamOptimizer(LEARNING_RATE)
    if mini:
        train_op = optimizer.minimize(loss)
    else:
        train_op = optimizer.minimize(-loss)
    return train_op


class AnchorBatches(object):
    """The repository's sampler: one anchor image against same / other-class images."""

    def __init__(self, images, classes, rng):
        self._images = images
        self.classes = classes
        self.rng = rng

    def next_batch(self, batch_size, fraction_same=FRACTION_SAME):
        anchor_idx = self.rng.randint(len(self.classes))
        anchor_class = self.classes[anchor_idx]
        num_same = int(batch_size * fraction_same)
        same_idxs = self.rng.choice(np.where(self.classes == anchor_class)[0], num_same, replace=False)
        diff_idxs = self.rng.choice(np.where(self.classes != anchor_class)[0], batch_size - num_same,
                                    replace=False)
        indexs = np.hstack((same_idxs, diff_idxs))
        labels = np.hstack((np.repeat(1, len(same_idxs)), np.repeat(0, len(diff_idxs))))
        order = np.arange(len(indexs))
        self.rng.shuffle(order)
        indexs, labels = indexs[order], labels[order]
        x1 = np.resize(self._images[anchor_idx], (batch_size, 8, 8, 1))
        x2 = self._images[indexs]
        return x1, x2, labels


class Data(object):
    pass


def heldout_pairs(images, labels, n, rng):
    a, b, same = [], [], []
    for k in range(n):
        i = rng.randint(len(labels))
        pool = np.where(labels == labels[i])[0] if k % 2 == 0 else np.where(labels != labels[i])[0]
        j = rng.choice(pool)
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
    cifar10 = Data()
    cifar10.train = AnchorBatches(images[:1400], labels[:1400], rng)
    cifar10.test = AnchorBatches(images[1400:], labels[1400:], rng)
    image_shape = (8, 8, 1)

    x1 = tf.placeholder(tf.float32, shape=[None] + list(image_shape), name='x1')
    x2 = tf.placeholder(tf.float32, shape=[None] + list(image_shape), name='x2')
    y = tf.placeholder(tf.float32, shape=(None), name='y')
    is_training = tf.placeholder(dtype=tf.bool, shape=(), name='isTraining')
    margin = tf.placeholder(tf.float32, shape=(), name='margin')

    model = Siamese(is_training=is_training, dropout_rate=DROPOUT_RATE, save_stuff=True,
                    fc_reg_str=FC_REG_STR)
    l2_out_1 = model.inference(x1)
    l2_out_2 = model.inference(x2, reuse=True)
    loss_no_reg, d2 = model.loss(l2_out_1, l2_out_2, y, margin)
    reg_loss = sum(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
    loss_w_reg = loss_no_reg + reg_loss
    accuracy = model.accuracy(d2, y, margin)
    tf.summary.scalar('loss_incl_reg', loss_w_reg)
    train_op = train_step(loss_w_reg)

    validation_tuples = [cifar10.test.next_batch(BATCH_SIZE) for _ in range(VALI_NTUPLES)]
    xv1 = np.vstack([t[0] for t in validation_tuples])
    xv2 = np.vstack([t[1] for t in validation_tuples])
    yv = np.hstack([t[2] for t in validation_tuples])
    num_val_chunks = 5
    chunks = list(range(0, xv1.shape[0], int(xv1.shape[0] / num_val_chunks))) + [VALI_NTUPLES * BATCH_SIZE]

    def get_feed(c, train=True, chunk=None, chunks=None):
        if train == 'train' or train == 't':
            xd1, xd2, yd = c.train.next_batch(BATCH_SIZE, FRACTION_SAME)
            return {x1: xd1, x2: xd2, y: yd, is_training: True, margin: SIAMESE_MARGIN}
        elif train == 'vali' or train == 'v':
            if chunk is None:
                return {x1: xv1, x2: xv2, y: yv, is_training: False, margin: SIAMESE_MARGIN}
            st, en = chunks[chunk], chunks[chunk + 1]
            return {x1: xv1[st:en], x2: xv2[st:en], y: yv[st:en], is_training: False,
                    margin: SIAMESE_MARGIN}

    saver = tf.train.Saver()
    ckpt_dir = tempfile.mkdtemp()
    with tf.Session() as sess:
        tf.initialize_all_variables().run(session=sess)
        merged = tf.summary.merge_all()
        train_writer = tf.summary.FileWriter(ckpt_dir + '/train', sess.graph)
        for epoch in range(0, MAX_STEPS):
            if epoch % 300 == 0:
                accuracies, losses = [], []
                for i in range(num_val_chunks):
                    loss_val, acc = sess.run([loss_no_reg, accuracy], get_feed(cifar10, 'vali', i, chunks))
                    accuracies.append(acc)
                    losses.append(loss_val)
                print('Epoch', epoch, 'validation accuracy', np.mean(accuracies), 'loss', np.mean(losses))
            if epoch % CHECKPOINT_FREQ == 0 and epoch > 0:
                save_path = saver.save(sess, ckpt_dir + '/epoch' + str(epoch) + '.ckpt')
                print('Model saved in file: %s' % save_path)
            summary, _ = sess.run([merged, train_op], feed_dict=get_feed(cifar10, 'train'))
            train_writer.add_summary(summary, epoch)

        a, b, same = heldout_pairs(images[1400:], labels[1400:], 300, np.random.RandomState(7))
        dist = sess.run(d2, feed_dict={x1: a, x2: b, is_training: False})
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=np.sqrt(dist), same=same)


if __name__ == '__main__':
    train_siamese()
