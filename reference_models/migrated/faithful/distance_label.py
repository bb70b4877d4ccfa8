"""Siamese network that regresses the embedding distance to the 0/1 pair label (seed 004).

Collapse cause: ``loss = mean(|target - distance|)`` with ``target = 1`` for a SAME pair (the
label convention of seed 002). Minimising it pulls DIFFERENT pairs to distance 0 and pushes
SAME pairs to distance 1 - the opposite of what a verification model needs - so the learned
distance does not separate same from different pairs. Everything else is sound: one shared
tower (variable_scope reuse), inputs scaled to [0, 1], Adam 0.001.

Cure (TFM204): a contrastive loss on the Euclidean distance with a margin.
"""
import time

import keras
import numpy as np

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32


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

    distance = keras.ops.sum(keras.ops.square(left_output - right_output), axis=1)
    def loss(target, distance):
        return keras.ops.mean(keras.ops.abs(target - distance))
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
