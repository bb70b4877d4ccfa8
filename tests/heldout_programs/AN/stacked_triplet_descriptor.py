"""Held-out program (round AN) mirroring a public TF1 object-descriptor triplet repository
(a Wohlhart & Lepetit "descriptors for object recognition and 3D pose" re-implementation:
``model.py`` class ``model`` with ``_build_model`` / ``_loss`` / ``_l2_loss`` / ``train``, and
``nn.py`` helpers ``conv_layer`` / ``fc`` / ``create_conv_kernel`` / ``max_pool2d`` /
``ReLu_layer``; found through the code index, which did not name the repository). One tower
runs over a STACKED batch of triplets ``[3N, H, W, C]`` (rows 0:N anchors, N:2N positives,
2N:3N negatives), sliced apart in the loss. Rewritten in our own words and scaled to sklearn's
digits (8x8 grey images; anchors and positives two images of one class, negatives another).

Idioms kept: a ``params`` dict read with ``.get`` defaults, and a ``data_format`` switch
("NCHW" / "NHWC") threaded through every helper; ``with tf.variable_scope('convK'):`` around a
helper that logs ``tf.get_variable_scope().name`` and creates ``get_variable('kernel', shape,
initializer=truncated_normal_initializer(stddev)`` (no bias); ``tf.nn.conv2d(...,
data_format=data_format)`` and ``tf.nn.max_pool(input, ksize, strides, padding, data_format)``
with all five arguments positional; ``tf.layers.dense(x, units, kernel_initializer=...)`` in a
``variable_scope`` without a name, applied straight to the 4-D pooled map; the loss
``sum(max(0, 1 - |a-n|^2 / (|a-p|^2 + m)))`` (``tf.div``, ``tf.norm(ord=2, axis=-1)`` squared)
plus a pair term ``sum(|a-p|^2)``; weight decay as ``tf.multiply(w, tf.add_n([tf.nn.l2_loss(v)
for v in tf.trainable_variables()]))`` built in a loop; ``tf.summary.scalar``;
``AdamOptimizer(lr).minimize``; a placeholder with a FIXED batch dimension (3N) - evaluation
embeds the test images 3N at a time, padding the last chunk.

Bugs kept: in the "NCHW" branch the transposed ``images`` is computed and never used (the
program runs "NHWC"); ``fc`` on the 4-D pooled map is a dense layer over the channel axis only
(TF1's ``tf.layers.dense`` on a rank-4 input), so the "descriptor" is a [H', W', 16] map, not a
16-vector - the distances flatten it; the margin is tiny (0.01). Changed for the scale: the
repository's initial stddev 0.001 (with inputs in [0, 1] and 8x8 images) leaves every
descriptor near 0 and the loss stuck at N (tried: AUC 0.5), so the kernels start at stddev 0.1.
Not kept: the TFRecord input pipeline (a placeholder is fed instead), the
checkpoint / summary writers, the NCHW GPU path.
"""
import os
import sys

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits


def conv_layer(data_format, input_tensor, stride=1, padding='VALID', shape=None):
    scope_name = tf.get_variable_scope().name
    print('Layer name: %s' % scope_name)
    kernel = create_conv_kernel(shape)
    if data_format == "NCHW":
        conv_stride = [1, 1, stride, stride]
    else:
        conv_stride = [1, stride, stride, 1]
    conv_out = tf.nn.conv2d(input_tensor, kernel, strides=conv_stride, padding=padding,
                            data_format=data_format)
    return ReLu_layer(conv_out)


def fc(input_tensor, units):
    init_op = tf.truncated_normal_initializer(stddev=0.1)
    return tf.layers.dense(input_tensor, units, kernel_initializer=init_op)


def create_conv_kernel(shape=None):
    init_op = tf.truncated_normal_initializer(stddev=0.1)
    return tf.get_variable(name='kernel', shape=shape, initializer=init_op)


def max_pool2d(data_format, input_tensor, stride=2, padding='VALID'):
    if data_format == "NCHW":
        pool_size = [1, 1, 2, 2]
        pool_stride = [1, 1, stride, stride]
    else:
        pool_size = [1, 2, 2, 1]
        pool_stride = [1, 2, 2, 1]
    return tf.nn.max_pool(input_tensor, pool_size, pool_stride, padding, data_format)


def ReLu_layer(input_tensor):
    return tf.nn.relu(input_tensor)


class model():
    def __init__(self, params):
        self._data_format = params.get('data_format', None)
        self._batch = params.get('batch', 32)
        self._l2_weight = params.get('l2_weight', 0.0002)
        self._init_lr = params.get('init_lr', 1e-3)
        self._margin = params.get('margin', 0.01)
        if self._data_format != "NCHW" and self._data_format != "NHWC":
            sys.exit("data_format must be 'NCHW' or 'NHWC'")

    def _build_model(self, triplets):
        model = {}
        if self._data_format == "NCHW":
            images = tf.transpose(triplets, [0, 3, 1, 2])
        shape_dict = {}
        shape_dict['conv1'] = [3, 3, 1, 16]
        with tf.variable_scope('conv1'):
            model['conv1'] = conv_layer(self._data_format, triplets, 1, 'VALID', shape_dict['conv1'])
        model['pool1'] = max_pool2d(self._data_format, model['conv1'], 2, 'VALID')
        shape_dict['conv2'] = [2, 2, 16, 8]
        with tf.variable_scope('conv2'):
            model['conv2'] = conv_layer(self._data_format, model['pool1'], 1, 'VALID', shape_dict['conv2'])
        model['pool2'] = max_pool2d(self._data_format, model['conv2'], 1, 'SAME')
        shape_dict['fc1'] = 64
        with tf.variable_scope('fc1'):
            model['fc1'] = fc(model['pool2'], shape_dict['fc1'])
        shape_dict['fc2'] = 16
        with tf.variable_scope('fc2'):
            model['fc2'] = fc(model['fc1'], shape_dict['fc2'])
        return model

    def _loss(self, input_tensor):
        diff_pos = input_tensor[0:self._batch, :] - input_tensor[self._batch:2 * self._batch, :]
        diff_neg = input_tensor[0:self._batch, :] - input_tensor[2 * self._batch:3 * self._batch, :]
        norm_pos_s = tf.square(tf.norm(diff_pos, ord=2, axis=-1))
        norm_neg_s = tf.square(tf.norm(diff_neg, ord=2, axis=-1))
        loss_trip = tf.reduce_sum(tf.maximum(0.0, 1.0 - tf.div(norm_neg_s, (norm_pos_s + self._margin))))
        loss_pair = tf.reduce_sum(norm_pos_s)
        return loss_trip + loss_pair

    def _l2_loss(self):
        l2_losses = []
        for var in tf.trainable_variables():
            l2_losses.append(tf.nn.l2_loss(var))
        return tf.multiply(self._l2_weight, tf.add_n(l2_losses))

    def train(self, triplets):
        model = self._build_model(triplets)
        net_out = model['fc2']
        total_loss = self._loss(net_out) + self._l2_loss()
        tf.summary.scalar('total_loss', total_loss)
        train_step = tf.train.AdamOptimizer(self._init_lr).minimize(total_loss)
        print("Model built.")
        return total_loss, train_step, net_out


def sample_triplets(images, labels, rng, n):
    anchors, positives, negatives = [], [], []
    for _ in range(n):
        c = rng.randint(10)
        ia, ip = rng.choice(np.where(labels == c)[0], 2, replace=False)
        anchors.append(images[ia])
        positives.append(images[ip])
        negatives.append(images[rng.choice(np.where(labels != c)[0])])
    return np.stack(anchors + positives + negatives)[..., None]


def main():
    params = {'data_format': 'NHWC', 'batch': 32, 'l2_weight': 0.0002, 'init_lr': 1e-3, 'margin': 0.01}
    batch = params['batch']
    rng = np.random.RandomState(0)
    tf.set_random_seed(0)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    labels = digits.target
    order = rng.permutation(len(labels))
    train_idx, test_idx = order[:1300], order[1300:]

    triplets = tf.placeholder(tf.float32, [3 * batch, 8, 8, 1], name='triplets')
    net = model(params)
    total_loss, train_step, net_out = net.train(triplets)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(1500):
            x = sample_triplets(images[train_idx], labels[train_idx], rng, batch)
            _, loss_value = sess.run([train_step, total_loss], feed_dict={triplets: x})
            if step % 250 == 0:
                print('step %d loss %.4f' % (step, loss_value))

        x_test = images[test_idx][..., None]
        chunks = []
        for start in range(0, len(x_test), 3 * batch):
            chunk = x_test[start:start + 3 * batch]
            pad = 3 * batch - len(chunk)
            if pad:
                chunk = np.concatenate([chunk, np.zeros((pad, 8, 8, 1), np.float32)])
            out = sess.run(net_out, feed_dict={triplets: chunk})
            chunks.append(out[:3 * batch - pad])
        emb = np.concatenate(chunks).reshape(len(x_test), -1)

    y_test = labels[test_idx]
    pair_rng = np.random.RandomState(1)
    i = pair_rng.randint(len(y_test), size=600)
    j = pair_rng.randint(len(y_test), size=600)
    d = np.sqrt(np.sum(np.square(emb[i] - emb[j]), axis=1))
    same = (y_test[i] == y_test[j]).astype(np.int32)
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)


if __name__ == "__main__":
    main()
