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

import keras
import numpy as np
import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32
MARGIN = 1.0
LEARNING_RATE = 0.001


def tower(x, reuse=False):
    # TODO(tflearn-migrate): TFM138 variable_scope shares variables (reuse): no Keras translation
    #   without TFM205's shared encoder
    with tf.variable_scope("tower", reuse=reuse):
        net = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
        net = keras.layers.MaxPooling2D(2, strides=2)(net)
        net = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(net)
        net = keras.layers.MaxPooling2D(2, strides=2)(net)
        net = keras.layers.Flatten()(net)
        net = keras.layers.Dense(128, activation="relu")(net)
        net = keras.layers.Dense(EMBEDDING_DIM)(net)
    return net


def train(data, epochs=EPOCHS, seed=0):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    np.random.seed(seed)
    height, width, channels = data["x_train"].shape[1:]

    # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not
    #   translated
    left_input = tf.placeholder(tf.float32, [None, height, width, channels], name="left_input")
    # TODO(tflearn-migrate): TFM140 input placeholder kept: a sess.run of this program is not
    #   translated
    right_input = tf.placeholder(tf.float32, [None, height, width, channels], name="right_input")
    # TODO(tflearn-migrate): TFM140 label placeholder kept: a sess.run of this program is not
    #   translated
    y = tf.placeholder(tf.float32, [None], name="y")

    # TODO(tflearn-migrate): TFM205 tower() towers share their variables in TF1 but are not turned
    #   into one encoder: the TF1 program around them stays TF1 (TFM140: one of its sess.run calls
    #   is not translated)
    left_output = tower(left_input)
    right_output = tower(right_input, reuse=True)

    # TODO(tflearn-migrate): TFM140 label placeholder kept: a sess.run of this program is not
    #   translated
    x1 = tf.placeholder(tf.float32, [None, height, width, channels], name="x1")
    # TODO(tflearn-migrate): TFM140 label placeholder kept: a sess.run of this program is not
    #   translated
    x2 = tf.placeholder(tf.float32, [None, height, width, channels], name="x2")

    distance = keras.ops.sqrt(
        keras.ops.sum(keras.ops.square(left_output - right_output), axis=1) + 1e-6,
    )
    # TODO(tflearn-migrate): TFM140 loss kept as a TF1 tensor: a sess.run of this program is not
    #   translated
    loss = keras.ops.mean(
        y * keras.ops.square(distance)
        + (1.0 - y) * keras.ops.square(keras.ops.maximum(MARGIN - distance, 0.0)),
    )
    # TODO(tflearn-migrate): TFM140 train op kept: a sess.run of this program is not translated (see
    #   its TODO)
    train_op = keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=1e-8).minimize(loss)

    pair_a = data["pair_train_a"].astype(np.float32) / 255.0
    pair_b = data["pair_train_b"].astype(np.float32) / 255.0
    pair_y = data["pair_train_y"].astype(np.float32)
    n = len(pair_y)

    history = {"loss": [], "epoch_time": []}
    # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Session
    with tf.Session() as sess:
        # TODO(tflearn-migrate): TFM100 no Keras translation for
        #   tensorflow.global_variables_initializer
        sess.run(tf.global_variables_initializer())
        for epoch in range(epochs):
            start = time.time()
            order = np.random.permutation(n)
            losses = []
            for i in range(0, n, BATCH_SIZE):
                idx = order[i:i + BATCH_SIZE]
                # TODO(tflearn-migrate): TFM140 sess.run does not feed left_input, right_input
                _, l = sess.run([train_op, loss], feed_dict={x1: pair_a[idx], x2: pair_b[idx], y: pair_y[idx]})
                losses.append(l)
            history["epoch_time"].append(time.time() - start)
            history["loss"].append(float(np.mean(losses)))
            print("epoch %d loss %.4f" % (epoch + 1, history["loss"][-1]))

        # TODO(tflearn-migrate): TFM140 sess.run does not feed left_input
        history["emb_a"] = sess.run(left_output, feed_dict={x1: data["pair_test_a"] / 255.0})
        # TODO(tflearn-migrate): TFM140 sess.run does not feed right_input
        history["emb_b"] = sess.run(right_output, feed_dict={x2: data["pair_test_b"] / 255.0})
        # TODO(tflearn-migrate): TFM140 sess.run does not feed left_input
        history["emb"] = sess.run(left_output, feed_dict={x1: data["x_test"] / 255.0})
    return history
