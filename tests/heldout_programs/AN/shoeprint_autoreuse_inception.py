"""Held-out program (round AN) mirroring cattidea/shoeprint-recognition (``model/base.py``
``ModelBase``, ``model/triplet_model.py`` ``TripletModel``, ``model/models.py`` ``ModelV1``):
a triplet network for shoe-print retrieval whose three arms (anchor, positive, negative
placeholders) call the same ``model()`` method three times; every layer is shared by name
with ``reuse=tf.AUTO_REUSE`` (``tf.layers.conv2d`` / ``tf.layers.batch_normalization`` /
``tf.layers.dense``, and ``tf.get_variable`` under ``tf.variable_scope(scope,
reuse=tf.AUTO_REUSE)`` for separable / depthwise kernels). Rewritten in our own words and
scaled to sklearn's digits (8x8 grey images, anchors and positives two noisy views of one
digit class, negatives another class).

Idioms kept: a config dict read in ``__init__``; ``is_training`` (bool) and ``keep_prob``
placeholders fed at every run; static-method layer helpers ``conv2d`` (conv + optional BN +
activation), ``separable_conv2d`` and ``deepwise_conv2d`` (kernels from ``get_variable`` with
``random_normal_initializer``, ``tf.nn.separable_conv2d`` / ``tf.nn.depthwise_conv2d`` with
``padding.upper()``), ``dense`` (``tf.nn.dropout(X, keep_prob)`` only when ``keep_prob != 1``
- a Python test on a placeholder, so always true), an ``inception_v2`` block (four branches
concatenated on the channel axis, one behind ``tf.layers.max_pooling2d(strides=1,
padding='same')``), ``maxout`` as reshape + ``reduce_max``; ``tf.nn.l2_normalize(X, axis=-1)``
embeddings; the FaceNet triplet loss summed over the batch; the learning rate kept in a
non-trainable ``tf.Variable`` and changed with ``sess.run(tf.assign(...))`` (a new assign op
each time it is called); ``AdamOptimizer(learning_rate).minimize`` under
``control_dependencies(get_collection(UPDATE_OPS))``; ``tf.add_to_collection("emb", ...)``;
embeddings computed in steps through the negative arm's placeholder with ``is_training: False,
keep_prob: 1``; a retrieval test op built from placeholders (``tf.gather`` of the embeddings,
a stacked scope, ``reduce_min`` over augmentations, ``argmin``).

Bugs kept: ``keep_prob != 1`` compares a placeholder with 1 in Python, so dropout is always in
the graph (harmless when 1 is fed); the inputs are scaled with ``np.divide(x, 127.5) - 1`` as
for 8-bit images although the digits are 0..16 (inputs in [-1, -0.87]). Not kept: the image
augmentation, the shoe-print file lists, checkpoint saving / ``get_ops_from_graph`` restore.
"""
import os

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

IH, IW = 8, 8
MARGIN = 0.2
CONFIG = {
    "learning_rate": 1e-3,
    "batch_size": 32,
    "num_steps": 500,
    "emb_step": 64,
    "keep_prob": 0.9,
}


class ModelBase(object):
    def __init__(self, config):
        self.config = config
        self.name = "base"


class TripletModel(ModelBase):
    def __init__(self, config):
        super(TripletModel, self).__init__(config)
        self.ops = {}
        self.test_ops = {}

    def model(self, X, is_training, keep_prob):
        raise NotImplementedError

    def init_ops(self):
        learning_rate_value = self.config["learning_rate"]
        A = tf.placeholder(dtype=tf.float32, shape=[None, IH, IW, 1], name="A")
        P = tf.placeholder(dtype=tf.float32, shape=[None, IH, IW, 1], name="P")
        N = tf.placeholder(dtype=tf.float32, shape=[None, IH, IW, 1], name="N")
        is_training = tf.placeholder(dtype=tf.bool, name="is_training")
        keep_prob = tf.placeholder(dtype=tf.float32, name="keep_prob")
        A_emb = self.model(A, is_training, keep_prob)
        P_emb = self.model(P, is_training, keep_prob)
        N_emb = self.model(N, is_training, keep_prob)
        loss = self.triplet_loss(A_emb, P_emb, N_emb, MARGIN)
        learning_rate = tf.Variable(learning_rate_value, trainable=False, name="learning_rate")
        optimizer = tf.train.AdamOptimizer(learning_rate)
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            train_step = optimizer.minimize(loss)
        tf.add_to_collection("emb", loss)
        tf.add_to_collection("emb", train_step)
        self.ops = {
            "A": A, "P": P, "N": N,
            "A_emb": A_emb, "P_emb": P_emb, "N_emb": N_emb,
            "is_training": is_training, "keep_prob": keep_prob,
            "loss": loss, "train_step": train_step, "learning_rate": learning_rate,
        }

    def init_test_ops(self, name, scope_length, num_augment, embeddings_length):
        embeddings_shape = (embeddings_length,) + tuple(self.ops["A_emb"].shape[1:])
        origin_indices = tf.placeholder(dtype=tf.int32, shape=(num_augment,), name="origin_indices")
        scope_indices = tf.placeholder(dtype=tf.int32, shape=(scope_length,), name="scope_indices")
        embeddings_op = tf.placeholder(dtype=tf.float32, shape=embeddings_shape, name="embeddings")
        origin_embeddings = tf.gather(embeddings_op, origin_indices)
        scope_embeddings = tf.gather(embeddings_op, scope_indices)
        scope_embeddings = tf.stack([scope_embeddings for _ in range(num_augment)], axis=1)
        res_op = tf.reduce_min(tf.reduce_sum(tf.square(tf.subtract(
            origin_embeddings, scope_embeddings)), axis=-1), axis=-1)
        min_index_op = tf.argmin(res_op)
        self.test_ops[name] = {
            "origin_indices": origin_indices, "scope_indices": scope_indices,
            "embeddings": embeddings_op, "res": res_op, "min_index": min_index_op,
        }

    def compute_embeddings(self, inputs, sess):
        step = self.config["emb_step"]
        ops = {
            "input": self.ops["N"], "embeddings": self.ops["N_emb"],
            "is_training": self.ops["is_training"], "keep_prob": self.ops["keep_prob"],
        }
        array_length = len(inputs)
        embeddings = np.zeros((array_length,) + tuple(ops["embeddings"].shape[1:]), dtype=np.float32)
        for i in range(0, array_length, step):
            input_batch = inputs[i: i + step]
            embeddings[i: i + step] = sess.run(ops["embeddings"], feed_dict={
                ops["input"]: np.divide(input_batch, 127.5, dtype=np.float32) - 1,
                ops["is_training"]: False,
                ops["keep_prob"]: 1,
            })
        return embeddings

    def update_learning_rate(self, sess):
        new_learning_rate = self.config["learning_rate"]
        learning_rate_op = self.ops["learning_rate"]
        origin_learning_rate = sess.run(learning_rate_op)
        if abs(origin_learning_rate - new_learning_rate) / new_learning_rate > 1e-6:
            sess.run(tf.assign(learning_rate_op, new_learning_rate))
            print("update learning rate {} -> {}".format(origin_learning_rate, new_learning_rate))

    @staticmethod
    def triplet_loss(anchor, positive, negative, alpha=0.2):
        pos_dist = tf.reduce_sum(tf.square(tf.subtract(anchor, positive)), axis=-1)
        neg_dist = tf.reduce_sum(tf.square(tf.subtract(anchor, negative)), axis=-1)
        basic_loss = tf.add(tf.subtract(pos_dist, neg_dist), alpha)
        return tf.reduce_sum(tf.maximum(basic_loss, 0))

    @staticmethod
    def maxout(inputs, num_units, axis=None):
        shape = inputs.get_shape().as_list()
        if axis is None:
            axis = -1
        num_channels = shape[axis]
        if num_channels % num_units:
            raise ValueError("channels {} not a multiple of units {}".format(num_channels, num_units))
        shape[axis] = num_units
        shape += [num_channels // num_units]
        for i in range(len(shape)):
            if shape[i] is None:
                shape[i] = -1
        return tf.reduce_max(tf.reshape(inputs, shape), -1, keepdims=False)

    @staticmethod
    def conv2d(X, scope, filter, kernel_size=3, strides=1, padding="same", activation=None,
               batch_norm=False, is_training=False):
        X = tf.layers.conv2d(inputs=X, filters=filter, kernel_size=kernel_size, strides=strides,
                             padding=padding,
                             kernel_initializer=tf.truncated_normal_initializer(stddev=0.1),
                             name=scope + "_CONV", reuse=tf.AUTO_REUSE)
        if batch_norm:
            X = tf.layers.batch_normalization(inputs=X, training=is_training, name=scope + "_BN",
                                              reuse=tf.AUTO_REUSE)
        if activation:
            X = activation(X)
        return X

    @staticmethod
    def separable_conv2d(X, scope, filter, channel_multiplier=1, kernel_size=3, strides=1,
                         padding="same", activation=None, batch_norm=False, is_training=False):
        if isinstance(kernel_size, int):
            kernel_size = (kernel_size, kernel_size)
        if isinstance(strides, int):
            strides = (strides, strides)
        with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
            depthwise_filter = tf.get_variable(
                name="depthwise_filter",
                shape=[kernel_size[0], kernel_size[1], X.shape[3], channel_multiplier],
                initializer=tf.random_normal_initializer(mean=0, stddev=0.1))
            pointwise_filter = tf.get_variable(
                name="pointwise_filter",
                shape=[1, 1, X.shape[3] * channel_multiplier, filter],
                initializer=tf.random_normal_initializer(mean=0, stddev=0.1))
        X = tf.nn.separable_conv2d(input=X, depthwise_filter=depthwise_filter,
                                   pointwise_filter=pointwise_filter,
                                   strides=[1, strides[0], strides[1], 1], padding=padding.upper())
        if batch_norm:
            X = tf.layers.batch_normalization(inputs=X, training=is_training, name=scope + "_BN",
                                              reuse=tf.AUTO_REUSE)
        if activation:
            X = activation(X)
        return X

    @staticmethod
    def deepwise_conv2d(X, scope, channel_multiplier=1, kernel_size=3, strides=1, padding="same",
                        activation=None, batch_norm=False, is_training=False):
        if isinstance(kernel_size, int):
            kernel_size = (kernel_size, kernel_size)
        if isinstance(strides, int):
            strides = (strides, strides)
        with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
            depthwise_filter = tf.get_variable(
                name="depthwise_filter",
                shape=[kernel_size[0], kernel_size[1], X.shape[3], channel_multiplier],
                initializer=tf.random_normal_initializer(mean=0, stddev=0.1))
        X = tf.nn.depthwise_conv2d(input=X, filter=depthwise_filter,
                                   strides=[1, strides[0], strides[1], 1], padding=padding.upper())
        if batch_norm:
            X = tf.layers.batch_normalization(inputs=X, training=is_training, name=scope + "_BN",
                                              reuse=tf.AUTO_REUSE)
        if activation:
            X = activation(X)
        return X

    @staticmethod
    def dense(X, name, units, activation=None, keep_prob=1):
        X = tf.layers.dense(inputs=X, units=units, name=name, reuse=tf.AUTO_REUSE)
        if keep_prob != 1:
            X = tf.nn.dropout(X, keep_prob)
        if activation:
            X = activation(X)
        return X

    @staticmethod
    def inception_v2(input, filters, scope, batch_norm=False, activation=None, is_training=False):
        assert filters % 32 == 0
        k = filters // 32
        init = tf.truncated_normal_initializer(stddev=0.1)
        res_1_1 = tf.layers.conv2d(inputs=input, filters=8 * k, kernel_size=1, strides=1, padding="same",
                                   kernel_initializer=init, name=scope + "_1_1", reuse=tf.AUTO_REUSE)
        res_1_1_t3 = tf.layers.conv2d(inputs=input, filters=12 * k, kernel_size=1, strides=1, padding="same",
                                      kernel_initializer=init, name=scope + "_1_1_t3", reuse=tf.AUTO_REUSE)
        res_3_3 = tf.layers.conv2d(inputs=res_1_1_t3, filters=16 * k, kernel_size=3, strides=1, padding="same",
                                   kernel_initializer=init, name=scope + "_3_3", reuse=tf.AUTO_REUSE)
        res_1_1_t5 = tf.layers.conv2d(inputs=input, filters=k, kernel_size=1, strides=1, padding="same",
                                      kernel_initializer=init, name=scope + "_1_1_t5", reuse=tf.AUTO_REUSE)
        res_3_3_t5 = tf.layers.conv2d(inputs=res_1_1_t5, filters=2 * k, kernel_size=3, strides=1, padding="same",
                                      kernel_initializer=init, name=scope + "_3_3_t5", reuse=tf.AUTO_REUSE)
        res_5_5 = tf.layers.conv2d(inputs=res_3_3_t5, filters=4 * k, kernel_size=3, strides=1, padding="same",
                                   kernel_initializer=init, name=scope + "_5_5", reuse=tf.AUTO_REUSE)
        res_pool_t = tf.layers.max_pooling2d(input, pool_size=3, strides=1, padding="same")
        res_pool = tf.layers.conv2d(inputs=res_pool_t, filters=4 * k, kernel_size=1, strides=1, padding="same",
                                    kernel_initializer=init, name=scope + "_pool", reuse=tf.AUTO_REUSE)
        res = tf.concat([res_1_1, res_3_3, res_5_5, res_pool], axis=-1)
        if batch_norm:
            res = tf.layers.batch_normalization(inputs=res, training=is_training, name=scope + "_BN",
                                                reuse=tf.AUTO_REUSE)
        if activation:
            res = activation(res)
        return res


class ModelV1(TripletModel):
    def __init__(self, config):
        super(ModelV1, self).__init__(config)
        self.name = "inception"

    def model(self, X, is_training, keep_prob):
        X = self.conv2d(X, scope="CONV_1", filter=16, kernel_size=3, strides=1, padding="same",
                        batch_norm=True, activation=tf.nn.relu, is_training=is_training)
        X = tf.layers.max_pooling2d(X, pool_size=2, strides=2)
        X = self.inception_v2(input=X, scope="INCEPTION_2a", filters=32, batch_norm=True,
                              activation=tf.nn.relu, is_training=is_training)
        X = self.separable_conv2d(X, scope="SEP_3", filter=32, kernel_size=3, strides=1,
                                  batch_norm=True, activation=tf.nn.relu, is_training=is_training)
        X = self.deepwise_conv2d(X, scope="DW_4", kernel_size=3, strides=2, activation=tf.nn.relu)
        X = self.maxout(X, num_units=16)
        X = tf.layers.flatten(X)
        X = self.dense(X, name="FC_5", units=64, activation=tf.nn.relu, keep_prob=keep_prob)
        X = self.dense(X, name="FC_6", units=32)
        X = tf.nn.l2_normalize(X, axis=-1)
        return X


def make_triplets(images, labels, rng, n):
    a = np.zeros((n, IH, IW, 1), np.float32)
    p = np.zeros_like(a)
    q = np.zeros_like(a)
    for i in range(n):
        c = rng.randint(10)
        same = np.where(labels == c)[0]
        other = np.where(labels != c)[0]
        ia, ip = rng.choice(same, 2, replace=False)
        a[i, :, :, 0] = images[ia]
        p[i, :, :, 0] = images[ip]
        q[i, :, :, 0] = images[rng.choice(other)]
    return a, p, q


def main():
    rng = np.random.RandomState(0)
    tf.set_random_seed(0)
    digits = load_digits()
    images = digits.images.astype(np.float32)
    labels = digits.target
    order = rng.permutation(len(labels))
    train_idx, test_idx = order[:1300], order[1300:]
    x_train, y_train = images[train_idx], labels[train_idx]
    x_test, y_test = images[test_idx], labels[test_idx]

    model = ModelV1(CONFIG)
    model.init_ops()
    model.init_test_ops("val", scope_length=10, num_augment=2, embeddings_length=len(y_test))
    ops = model.ops
    scale = lambda x: np.divide(x, 127.5, dtype=np.float32) - 1

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        model.update_learning_rate(sess)
        for step in range(CONFIG["num_steps"]):
            a, p, n = make_triplets(x_train, y_train, rng, CONFIG["batch_size"])
            _, loss_value = sess.run([ops["train_step"], ops["loss"]], feed_dict={
                ops["A"]: scale(a), ops["P"]: scale(p), ops["N"]: scale(n),
                ops["is_training"]: True, ops["keep_prob"]: CONFIG["keep_prob"],
            })
            if step % 100 == 0:
                print("step {} loss {:.4f}".format(step, loss_value))
            if step == CONFIG["num_steps"] // 2:
                CONFIG["learning_rate"] = CONFIG["learning_rate"] * 0.5
                model.update_learning_rate(sess)

        embeddings = model.compute_embeddings(x_test[..., None], sess)
        test = model.test_ops["val"]
        min_index = sess.run(test["min_index"], feed_dict={
            test["embeddings"]: embeddings,
            test["origin_indices"]: np.array([0, 1], np.int32),
            test["scope_indices"]: np.arange(2, 12, dtype=np.int32),
        })
        print("nearest of the first two in the next ten:", min_index)

    pair_rng = np.random.RandomState(1)
    i = pair_rng.randint(len(y_test), size=600)
    j = pair_rng.randint(len(y_test), size=600)
    d = np.sqrt(np.sum(np.square(embeddings[i] - embeddings[j]), axis=1))
    same = (y_test[i] == y_test[j]).astype(np.int32)
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)


if __name__ == "__main__":
    main()
