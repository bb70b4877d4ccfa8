"""Siamese network that regresses the embedding distance to the 0/1 pair label (seed 004).

Collapse cause: ``loss = mean(|target - distance|)`` with ``target = 1`` for a SAME pair (the
label convention of seed 002). Minimising it pulls DIFFERENT pairs to distance 0 and pushes
SAME pairs to distance 1 - the opposite of what a verification model needs - so the learned
distance does not separate same from different pairs. Everything else is sound: one shared
tower (variable_scope reuse), inputs scaled to [0, 1], Adam 0.001.

Cure (TFM204): a contrastive loss on the Euclidean distance with a margin.
"""
import time

import numpy as np
import tensorflow as tf

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32


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

    x1 = tf.placeholder(tf.float32, [None, height, width, channels], name="x1")
    x2 = tf.placeholder(tf.float32, [None, height, width, channels], name="x2")
    target = tf.placeholder(tf.float32, [None], name="target")

    left_output = tower(x1)
    right_output = tower(x2, reuse=True)

    distance = tf.reduce_sum(tf.square(left_output - right_output), axis=1)
    loss = tf.reduce_mean(tf.abs(target - distance))
    train_op = tf.train.AdamOptimizer(learning_rate=0.001).minimize(loss)

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
                _, l = sess.run([train_op, loss], feed_dict={x1: pair_a[idx], x2: pair_b[idx], target: pair_y[idx]})
                losses.append(l)
            history["epoch_time"].append(time.time() - start)
            history["loss"].append(float(np.mean(losses)))
            print("epoch %d loss %.4f" % (epoch + 1, history["loss"][-1]))

        history["emb_a"] = sess.run(left_output, feed_dict={x1: data["pair_test_a"] / 255.0})
        history["emb_b"] = sess.run(right_output, feed_dict={x2: data["pair_test_b"] / 255.0})
        history["emb"] = sess.run(left_output, feed_dict={x1: data["x_test"] / 255.0})
    return history
