"""A Siamese network whose training loop feeds placeholders the loss never sees (seed 004).

Cause: the towers are built on ``left_input``/``right_input``, but the training loop feeds
``x1``/``x2`` - placeholders nothing is connected to - as seed 004 does with its
``input_data`` towers and separate ``X1``/``X2``. In TF1 this does not train garbage, it fails
at the first step: "You must feed a value for placeholder tensor 'left_input'". So the legacy
program cannot be retrained at all (the suite reports it as an error, not as a collapse).
Everything else is sound: one shared tower (variable_scope reuse), contrastive loss with a
margin, inputs scaled to [0, 1], Adam 0.001.

Cure (TFM202): feed the data to the inputs the loss reads.
"""
import time

import numpy as np
import tensorflow as tf

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32
MARGIN = 1.0
LEARNING_RATE = 0.001


def tower(x, reuse=False):
    with tf.variable_scope("tower", reuse=reuse):
        net = tf.layers.conv2d(x, 32, 3, padding="same", activation=tf.nn.relu, name="conv1")
        net = tf.layers.max_pooling2d(net, 2, 2, name="pool1")
        net = tf.layers.conv2d(net, 64, 3, padding="same", activation=tf.nn.relu, name="conv2")
        net = tf.layers.max_pooling2d(net, 2, 2, name="pool2")
        net = tf.layers.flatten(net, name="flatten")
        net = tf.layers.dense(net, 128, activation=tf.nn.relu, name="fc1")
        net = tf.layers.dense(net, EMBEDDING_DIM, name="embedding")
    return net


def train(data, epochs=EPOCHS, seed=0):
    tf.reset_default_graph()
    tf.set_random_seed(seed)
    np.random.seed(seed)
    height, width, channels = data["x_train"].shape[1:]

    left_input = tf.placeholder(tf.float32, [None, height, width, channels], name="left_input")
    right_input = tf.placeholder(tf.float32, [None, height, width, channels], name="right_input")
    y = tf.placeholder(tf.float32, [None], name="y")

    left_output = tower(left_input)
    right_output = tower(right_input, reuse=True)

    x1 = tf.placeholder(tf.float32, [None, height, width, channels], name="x1")
    x2 = tf.placeholder(tf.float32, [None, height, width, channels], name="x2")

    distance = tf.sqrt(tf.reduce_sum(tf.square(left_output - right_output), axis=1) + 1e-6)
    loss = tf.reduce_mean(y * tf.square(distance) + (1.0 - y) * tf.square(tf.maximum(MARGIN - distance, 0.0)))
    train_op = tf.train.AdamOptimizer(learning_rate=LEARNING_RATE).minimize(loss)

    pair_a = data["pair_train_a"].astype(np.float32) / 255.0
    pair_b = data["pair_train_b"].astype(np.float32) / 255.0
    pair_y = data["pair_train_y"].astype(np.float32)
    n = len(pair_y)

    history = {"loss": [], "epoch_time": []}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(epochs):
            start = time.time()
            order = np.random.permutation(n)
            losses = []
            for i in range(0, n, BATCH_SIZE):
                idx = order[i:i + BATCH_SIZE]
                _, l = sess.run([train_op, loss], feed_dict={x1: pair_a[idx], x2: pair_b[idx], y: pair_y[idx]})
                losses.append(l)
            history["epoch_time"].append(time.time() - start)
            history["loss"].append(float(np.mean(losses)))
            print("epoch %d loss %.4f" % (epoch + 1, history["loss"][-1]))

        history["emb_a"] = sess.run(left_output, feed_dict={x1: data["pair_test_a"] / 255.0})
        history["emb_b"] = sess.run(right_output, feed_dict={x2: data["pair_test_b"] / 255.0})
        history["emb"] = sess.run(left_output, feed_dict={x1: data["x_test"] / 255.0})
    return history
