"""A sound Siamese network trained with a learning rate of 0.1 (seeds 000/001/004).

Collapse cause: Adam with ``learning_rate=0.1`` (100x the usual 0.001). The first steps throw
the weights far away (the first epoch's mean loss is 5-20 against ~0.1 at 0.001) and the
embeddings end up almost on one line: the effective rank (RankMe) of the held-out embeddings
is ~1.2 of 32 dimensions (dimensional collapse; measured on digits, seeds 0 and 1) against
~7 at 0.001; 13-18 of the 32 embedding dimensions end up exactly zero (singular values ~1e-8
of the largest). Distances along that line still rank pairs fairly (pair AUC ~0.92 vs 0.998). Everything else is sound: one shared tower
(variable_scope reuse), contrastive loss with a margin, inputs scaled to [0, 1].

Cure (TFM303): learning rate 0.001.
"""
import time

import keras
import numpy as np

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32
MARGIN = 1.0
LEARNING_RATE = 0.1


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

    x1 = keras.Input(shape=(height, width, channels))
    x2 = keras.Input(shape=(height, width, channels))

    encoder_input = keras.Input(shape=x1.shape[1:])
    encoder = keras.Model(encoder_input, tower(encoder_input), name="encoder")
    left_output = encoder(x1)
    right_output = encoder(x2)

    distance = keras.ops.sqrt(
        keras.ops.sum(keras.ops.square(left_output - right_output), axis=1) + 1e-6,
    )
    def loss(y, distance):
        return keras.ops.mean(
            y * keras.ops.square(distance)
            + (1.0 - y) * keras.ops.square(keras.ops.maximum(MARGIN - distance, 0.0)),
        )
    model = keras.Model([x1, x2], distance)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8), loss=loss)

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

    history["emb_a"] = keras.Model(x1, left_output).predict_on_batch(data["pair_test_a"] / 255.0)
    history["emb_b"] = keras.Model(x2, right_output).predict_on_batch(data["pair_test_b"] / 255.0)
    history["emb"] = keras.Model(x1, left_output).predict_on_batch(data["x_test"] / 255.0)
    return history
