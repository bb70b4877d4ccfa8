"""Siamese verification network trained on raw 0-255 pixels with a sigmoid head (seed 002).

Collapse cause: the images are fed as they come off disk, 0..255, with no rescaling. With
initializers tuned for unit-scale inputs (Glorot), the first activations are ~100x too large:
the |a - b| features that reach the sigmoid head are huge, the head saturates at 0 or 1, the
binary cross-entropy gradients are either zero or enormous, and training settles on a head
that predicts ~0.5 for every pair - "PREDICTIONS [0.5003 0.5002 ...]" in seed 002. Everything
else is sound: one shared tower (variable scope reuse), Adam 0.001.

Cure (TFM301): scale the inputs to [0, 1] (``/ 255``) where they enter the model.
"""
import time

import numpy as np
import tensorflow as tf

KIND = "siamese"
EPOCHS = 6
BATCH_SIZE = 64
EMBEDDING_DIM = 32


def embedding_network(x):
    net = tf.layers.conv2d(x, 32, 3, padding="same", activation=tf.nn.relu, name="conv1")
    net = tf.layers.max_pooling2d(net, 2, 2, name="pool1")
    net = tf.layers.conv2d(net, 64, 3, padding="same", activation=tf.nn.relu, name="conv2")
    net = tf.layers.max_pooling2d(net, 2, 2, name="pool2")
    net = tf.layers.flatten(net)
    net = tf.layers.dense(net, EMBEDDING_DIM, name="embeddings")
    return net


def train(data, epochs=EPOCHS, seed=0):
    tf.reset_default_graph()
    tf.set_random_seed(seed)
    np.random.seed(seed)
    height, width, channels = data["x_train"].shape[1:]

    image_a = tf.placeholder(tf.float32, [None, height, width, channels], name="image_a")
    image_b = tf.placeholder(tf.float32, [None, height, width, channels], name="image_b")
    label = tf.placeholder(tf.float32, [None, 1], name="label")

    with tf.variable_scope("siamese") as scope:
        feats_a = embedding_network(image_a)
        scope.reuse_variables()
        feats_b = embedding_network(image_b)

    distance = tf.abs(feats_a - feats_b)
    prediction = tf.layers.dense(distance, 1, activation=tf.nn.sigmoid, name="similarity")
    loss = -tf.reduce_mean(label * tf.log(prediction + 1e-7) + (1.0 - label) * tf.log(1.0 - prediction + 1e-7))
    train_op = tf.train.AdamOptimizer(learning_rate=0.001).minimize(loss)

    pair_a = data["pair_train_a"].astype(np.float32)
    pair_b = data["pair_train_b"].astype(np.float32)
    pair_y = data["pair_train_y"].reshape(-1, 1)
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
                _, l = sess.run([train_op, loss], feed_dict={image_a: pair_a[idx], image_b: pair_b[idx], label: pair_y[idx]})
                losses.append(l)
            history["epoch_time"].append(time.time() - start)
            history["loss"].append(float(np.mean(losses)))
            print("epoch %d loss %.4f" % (epoch + 1, history["loss"][-1]))

        test_a = data["pair_test_a"].astype(np.float32)
        test_b = data["pair_test_b"].astype(np.float32)
        history["emb_a"], history["emb_b"], history["score"] = sess.run(
            [feats_a, feats_b, prediction], feed_dict={image_a: test_a, image_b: test_b})
        history["emb"] = sess.run(feats_a, feed_dict={image_a: data["x_test"].astype(np.float32)})
    return history
