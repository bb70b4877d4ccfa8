"""Siamese verification network trained on raw 0-255 pixels with a sigmoid head (seed 002).

Collapse cause: the images are fed as they come off disk, 0..255, with no rescaling. Every
activation of the ReLU tower is ~255x larger than for [0, 1] inputs, and so is every gradient
step of SGD with momentum (the seed's optimizer is not shown; momentum SGD is Keras' classic
default). The first steps throw the pre-activations of the sigmoid embedding layer far into
saturation: every unit outputs exactly 0 or 1 for EVERY image, so ``|a - b|`` is 0 for every
pair, the head predicts ``sigmoid(bias)`` = 0.5 for everything and the loss sits at ln 2 = 0.693
- seed 002's "DIST: [[0. 0. 0. ...]]" and "PREDICTIONS [0.5003 0.5002 ...]". Once saturated
the sigmoid passes no gradient, so training never recovers. Measured on digits (seeds 0-2,
8 epochs): pair AUC 0.51-0.55, effective rank 1.0. The same program on [0, 1] inputs reaches
AUC 0.99. (With Adam instead, whose steps do not grow with the input scale, raw pixels do
not collapse on digits: AUC 0.97.) Everything else is sound: one shared tower (variable
scope reuse), a BCE head, momentum SGD 0.05 / 0.9.

Cure (TFM301): scale the inputs to [0, 1] (``/ 255``) where they enter the model.
"""
import time

import numpy as np
import tensorflow as tf

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32


def embedding_network(x):
    net = tf.layers.conv2d(x, 32, 3, padding="same", activation=tf.nn.relu, name="conv1")
    net = tf.layers.max_pooling2d(net, 2, 2, name="pool1")
    net = tf.layers.conv2d(net, 64, 3, padding="same", activation=tf.nn.relu, name="conv2")
    net = tf.layers.max_pooling2d(net, 2, 2, name="pool2")
    net = tf.layers.flatten(net)
    net = tf.layers.dense(net, EMBEDDING_DIM, activation=tf.nn.sigmoid, name="embeddings")
    return net


def train(data, epochs=EPOCHS, seed=0):
    tf.reset_default_graph()
    tf.set_random_seed(seed)
    np.random.seed(seed)
    height, width, channels = data["x_train"].shape[1:]
    assert data["pair_train_a"].dtype == np.uint8, "raw 0-255 pixels, as they come off disk"

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
    train_op = tf.train.MomentumOptimizer(learning_rate=0.05, momentum=0.9).minimize(loss)

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
