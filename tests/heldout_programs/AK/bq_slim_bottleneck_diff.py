"""Held-out program (round AK) mirroring asik03/uc3m-bq-SiameseConvNet (BQ, 2018: a face
verification Siamese whose towers are a frozen slim backbone - ``inference_bottlenecks.py``
computes the "bottleneck" of every image once, ``train.py`` trains a small classifier on the
ABSOLUTE DIFFERENCE of two bottlenecks, ``model/*.py`` ``classify_bottlenecks``). Rewritten in
our own words and scaled to sklearn's digits (8x8x1 images; a pair is "same" when both digits
have the same class).

Idioms kept: ``slim = tf.contrib.slim``; a backbone ``arg_scope`` function returning ``sc``
(xavier weights, l2 regularizer, ``normalizer_fn=slim.batch_norm`` with a params dict whose
``updates_collections`` is None), the backbone under ``slim.arg_scope(backbone_arg_scope())``
with a nested ``arg_scope([slim.batch_norm, slim.dropout], is_training=...)`` and a
``variable_scope(scope, 'Backbone', [images], reuse=reuse)``; bottlenecks computed in their own
``tf.Graph().as_default()`` and session (the backbone is never trained: here its random
initialisation stands for the restored checkpoint) and turned into numpy arrays; the training
graph in ``with tf.Graph().as_default() as g``: ``tf.train.get_or_create_global_step()``, a
scalar placeholder ``n`` that scales the per-example loss and is fed every step,
``tf.set_random_seed``, a ``tf.data`` pipeline of the bottleneck pairs (shuffle / repeat / batch,
one-shot iterator, ``get_next()`` unpacked into three tensors), ``tf.abs(tf.subtract(b1, b2))``,
``classify_bottlenecks`` under ``variable_scope('classify')``: ``slim.flatten``,
``slim.fully_connected`` (sigmoid, ``truncated_normal_initializer(stddev=0.01, seed=31)``),
``tf.summary.histogram`` of ``get_default_graph().get_tensor_by_name('classify/FC_1/weights:0')``,
``slim.dropout(net, keep, is_training=...)``, ``slim.softmax``, ``tf.add_to_collection``;
``tf.nn.top_k`` predictions; Adam ``minimize(..., global_step=..., var_list=
tf.global_variables('classify'))``; ``tf.summary.merge_all()`` called INSIDE the loop; a
``FileWriter``; ``tf.app.flags`` + ``tf.app.run()``; logging. The evaluation pairs go through a
second ``classify_bottlenecks`` call under ``variable_scope(get_variable_scope(), reuse=True)``
with ``is_training=False`` (sharing in TF1: YES, the same ``classify/FC_*`` variables).

Bugs kept: ``classify_bottlenecks`` returns the SOFTMAX and the loss is
``sparse_softmax_cross_entropy_with_logits`` of it (a double softmax); ``n`` is always fed 1
(the hard-example count is commented out); ``epoch % 10 is 0``. Not kept: TFRecords, the
checkpoint restore of a pretrained Inception-ResNet, face alignment.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import logging
import os
import tempfile
from datetime import datetime

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

slim = tf.contrib.slim

FLAGS = tf.app.flags.FLAGS

tf.app.flags.DEFINE_integer('max_steps', 400, """Number of steps to run.""")
tf.app.flags.DEFINE_string('summaries_dir', tempfile.mkdtemp(), """Where to write event logs.""")

num_classes = 2
dropout_keep_prob = 0.85
learning_rate = 0.01
batch_size = 32
seed = 9


def init_logger():
    logging.basicConfig(level=logging.INFO)
    logger = logging.getLogger(__name__)
    return logger


def backbone_arg_scope(weight_decay=0.0, batch_norm_decay=0.995, batch_norm_epsilon=0.001):
    batch_norm_params = {
        'decay': batch_norm_decay,
        'epsilon': batch_norm_epsilon,
        'updates_collections': None,
    }
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        weights_initializer=slim.initializers.xavier_initializer(),
                        weights_regularizer=slim.l2_regularizer(weight_decay),
                        normalizer_fn=slim.batch_norm,
                        normalizer_params=batch_norm_params) as sc:
        return sc


def backbone(images, is_training=False, reuse=None, scope='Backbone'):
    with tf.variable_scope(scope, 'Backbone', [images], reuse=reuse):
        with slim.arg_scope([slim.batch_norm, slim.dropout], is_training=is_training):
            with slim.arg_scope([slim.conv2d, slim.max_pool2d, slim.avg_pool2d],
                                stride=1, padding='SAME'):
                net = slim.conv2d(images, 24, 3, scope='Conv2d_1a_3x3')
                net = slim.conv2d(net, 24, 3, scope='Conv2d_2a_3x3')
                net = slim.max_pool2d(net, 2, stride=2, scope='MaxPool_3a_2x2')
                net = slim.conv2d(net, 48, 3, scope='Conv2d_4a_3x3')
                net = slim.avg_pool2d(net, 2, stride=2, padding='VALID', scope='AvgPool_5a')
                bottleneck = slim.flatten(net, scope='PreLogitsFlatten')
    return bottleneck


def classify_bottlenecks(diff_bottlenecks_tensor, dropout_keep_prob=0.85, num_classes=2,
                         is_training=True):
    with tf.variable_scope('classify'):
        end_points = {}
        net = slim.flatten(diff_bottlenecks_tensor, scope='Flatten_1')
        end_points['Flatten_1'] = net

        net = slim.fully_connected(net, 128, activation_fn=tf.nn.sigmoid,
                                   weights_initializer=tf.truncated_normal_initializer(
                                       stddev=0.01, seed=31),
                                   scope='FC_1')
        tf.summary.histogram(name='Weights_1',
                             values=tf.get_default_graph().get_tensor_by_name(
                                 'classify/FC_1/weights:0'))

        net = slim.dropout(net, dropout_keep_prob, scope='Dropout', is_training=is_training)

        pre_softmax = slim.fully_connected(net, num_classes, activation_fn=None,
                                           weights_initializer=tf.truncated_normal_initializer(
                                               stddev=0.01, seed=31),
                                           scope='FC_2')
        tf.summary.histogram(name='Weights_2',
                             values=tf.get_default_graph().get_tensor_by_name(
                                 'classify/FC_2/weights:0'))
        end_points['pre_softmax'] = pre_softmax

        net = slim.softmax(pre_softmax)
        end_points['Logits'] = net
        tf.add_to_collection('classify', net)
    return net


def load_pairs():
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[..., None]
    labels = digits.target
    rng = np.random.RandomState(0)
    cut = 1300

    def pairs(lo, hi, n):
        idx = np.arange(lo, hi)
        by_class = [idx[labels[idx] == c] for c in range(10)]
        first = rng.choice(idx, n)
        second = np.empty(n, dtype=np.int64)
        same = np.zeros(n, dtype=np.int32)
        for k, i in enumerate(first):
            if k % 2 == 0:
                second[k] = rng.choice(by_class[labels[i]])
                same[k] = 1
            else:
                other = rng.choice([c for c in range(10) if c != labels[i]])
                second[k] = rng.choice(by_class[other])
        return first, second, same

    return images, pairs(0, cut, 6000), pairs(cut, len(labels), 800)


def compute_bottlenecks(images):
    """inference_bottlenecks.py: one frozen backbone graph, every image once."""
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        images_placeholder = tf.placeholder(tf.float32, [None, 8, 8, 1], name='images')
        with slim.arg_scope(backbone_arg_scope()):
            bottleneck_tensor = backbone(images_placeholder, is_training=False)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            chunks = []
            for start in range(0, len(images), 256):
                chunks.append(sess.run(bottleneck_tensor,
                                       feed_dict={images_placeholder: images[start:start + 256]}))
    return np.concatenate(chunks, axis=0)


def train():
    images, (tr_a, tr_b, tr_same), (te_a, te_b, te_same) = load_pairs()
    bottlenecks = compute_bottlenecks(images)
    bottleneck_size = bottlenecks.shape[1]

    with tf.Graph().as_default() as g:
        global_step = tf.train.get_or_create_global_step()
        n = tf.placeholder(tf.float32)
        tf.set_random_seed(seed)

        dataset = tf.data.Dataset.from_tensor_slices(
            (bottlenecks[tr_a], bottlenecks[tr_b], tr_same))
        dataset = dataset.shuffle(buffer_size=2000, seed=seed).repeat().batch(batch_size)
        iterator = dataset.make_one_shot_iterator()
        bottlenecks_1_batch, bottlenecks_2_batch, labels_batch = iterator.get_next()

        diff_bottlenecks_tensor = tf.abs(tf.subtract(bottlenecks_1_batch, bottlenecks_2_batch))

        logits = classify_bottlenecks(diff_bottlenecks_tensor, dropout_keep_prob=dropout_keep_prob,
                                      num_classes=num_classes)
        predictions = tf.nn.top_k(logits, k=1)

        loss = n * tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits,
                                                                  labels=labels_batch)
        cross_entropy_mean = tf.reduce_mean(loss, name='cross_entropy')
        tf.summary.scalar(name='loss', tensor=cross_entropy_mean)

        optimizer = tf.train.AdamOptimizer(learning_rate)
        train_op = optimizer.minimize(cross_entropy_mean, global_step=global_step,
                                      var_list=tf.global_variables('classify'))

        eval_1 = tf.placeholder(tf.float32, [None, bottleneck_size], name='eval_1')
        eval_2 = tf.placeholder(tf.float32, [None, bottleneck_size], name='eval_2')
        with tf.variable_scope(tf.get_variable_scope(), reuse=True):
            eval_probs = classify_bottlenecks(tf.abs(tf.subtract(eval_1, eval_2)),
                                              dropout_keep_prob=dropout_keep_prob,
                                              num_classes=num_classes, is_training=False)

        init = tf.global_variables_initializer()

        with tf.Session() as sess:
            sess.run(init)
            train_writer = tf.summary.FileWriter(FLAGS.summaries_dir, g)
            logger = init_logger()
            logger.info("Training starts...")

            for epoch in range(0, FLAGS.max_steps):
                predicted, labels_batch1 = sess.run([predictions, labels_batch],
                                                    feed_dict={n: 1.0})
                j = 1
                merge = tf.summary.merge_all()
                _, loss_val, summary = sess.run([train_op, cross_entropy_mean, merge],
                                                feed_dict={n: j})
                if epoch % 50 is 0:
                    logger.info('Time: %s   Loss: %f   Step: %i', str(datetime.now()),
                                loss_val, epoch)
                    train_writer.add_summary(summary, epoch)

            logger.info("Training ends...")
            probs = sess.run(eval_probs, feed_dict={eval_1: bottlenecks[te_a],
                                                    eval_2: bottlenecks[te_b]})

    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=1.0 - probs[:, 1],
             same=te_same.astype(np.int64))


def main(argv=None):
    train()


if __name__ == "__main__":
    tf.app.run()
