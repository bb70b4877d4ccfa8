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

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32
MARGIN = 1.0
LEARNING_RATE = 0.001


def tower(x, reuse=False):
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

    left_input = keras.Input(shape=(height, width, channels))
    right_input = keras.Input(shape=(height, width, channels))

    encoder_input = keras.Input(shape=left_input.shape[1:])
    encoder = keras.Model(encoder_input, tower(encoder_input), name="encoder")
    left_output = encoder(left_input)
    right_output = encoder(right_input)

    distance = keras.ops.sqrt(
        keras.ops.sum(keras.ops.square(left_output - right_output), axis=1) + 1e-6,
    )
    def loss(y, distance):
        return keras.ops.mean(
            y * keras.ops.square(distance)
            + (1.0 - y) * keras.ops.square(keras.ops.maximum(MARGIN - distance, 0.0)),
        )
    model = keras.Model([left_input, right_input], distance)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=1e-8),
        loss=loss,
    )

    pair_a = data["pair_train_a"].astype(np.float32) / 255.0
    pair_b = data["pair_train_b"].astype(np.float32) / 255.0
    pair_y = data["pair_train_y"].astype(np.float32)
    n = len(pair_y)

    history = {"loss": [], "epoch_time": []}
    for epoch in range(epochs):
        start = time.time()
        order = np.random.permutation(n)
        losses = []
        for i in range(0, n, BATCH_SIZE):
            idx = order[i:i + BATCH_SIZE]
            l = model.train_on_batch([pair_a[idx], pair_b[idx]], pair_y[idx])
            losses.append(l)
        history["epoch_time"].append(time.time() - start)
        history["loss"].append(float(np.mean(losses)))
        print("epoch %d loss %.4f" % (epoch + 1, history["loss"][-1]))

    history["emb_a"] = keras.Model(left_input, left_output).predict_on_batch(
        data["pair_test_a"] / 255.0,
    )
    history["emb_b"] = keras.Model(right_input, right_output).predict_on_batch(
        data["pair_test_b"] / 255.0,
    )
    history["emb"] = keras.Model(left_input, left_output).predict_on_batch(data["x_test"] / 255.0)
    return history
