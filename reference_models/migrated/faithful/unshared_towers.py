"""Siamese network whose two towers do not share weights (seed 004).

Collapse cause: ``create_subnetwork`` is called once per input, and every call creates new
variables (tflearn layers default to ``reuse=False``), so the "Siamese" network is two
unrelated encoders. At initialisation the left and right embeddings live in unrelated
coordinate systems, so their distance says nothing about the pair (AUC ~0.5), and the
contrastive loss first sits on its trivial plateau: every pair at about half the margin,
loss 0.25 for same and different pairs alike. The towers have to be aligned to each other
before any metric can be learned, each from half the signal. In the training budget of this
model (3 epochs, 282 steps), in which one shared encoder converges (AUC 0.997, loss 0.03),
the two towers are still on the plateau: pair AUC 0.51-0.53 on digits (seeds 0-2), relative
embedding spread 0.015. Given 2-3x the steps they leave it (AUC 0.87-0.94 at 8 epochs), but
even then the result is two encoders, not one embedding. Everything else is sound:
contrastive loss with a margin, inputs scaled to [0, 1], Adam 0.001.

Cure (TFM201): one encoder applied to both inputs.
"""
import time

import keras
import numpy as np

KIND = "siamese"
EPOCHS = 3
BATCH_SIZE = 64
EMBEDDING_DIM = 32
MARGIN = 1.0


def create_subnetwork(network):
    network = keras.layers.Conv2D(
        32,
        3,
        activation="relu",
        padding="same",
        kernel_initializer=keras.initializers.LecunUniform(),
    )(network)
    network = keras.layers.MaxPooling2D(2, padding="same")(network)
    network = keras.layers.Conv2D(
        64,
        3,
        activation="relu",
        padding="same",
        kernel_initializer=keras.initializers.LecunUniform(),
    )(network)
    network = keras.layers.MaxPooling2D(2, padding="same")(network)
    network = keras.layers.Flatten()(network)
    network = keras.layers.Dense(
        128,
        activation="relu",
        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),
    )(network)
    network = keras.layers.Dense(
        EMBEDDING_DIM,
        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),
    )(network)  # embedding layer
    return network


def train(data, epochs=EPOCHS, seed=0):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    np.random.seed(seed)
    height, width, channels = data["x_train"].shape[1:]

    X1 = keras.Input(shape=(height, width, channels))
    X2 = keras.Input(shape=(height, width, channels))

    left_output = create_subnetwork(X1)
    right_output = create_subnetwork(X2)

    distance = keras.ops.sqrt(
        keras.ops.sum(keras.ops.square(left_output - right_output), axis=1) + 1e-6,
    )
    def loss(Y, distance):
        return keras.ops.mean(
            Y * keras.ops.square(distance)
            + (1.0 - Y) * keras.ops.square(keras.ops.maximum(MARGIN - distance, 0.0)),
        )
    optimizer = keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8)
    model = keras.Model([X1, X2], distance)
    model.compile(optimizer=optimizer, loss=loss)

    pair_a = data["pair_train_a"] / 255.0
    pair_b = data["pair_train_b"] / 255.0
    pair_y = data["pair_train_y"]
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

    history["emb_a"] = keras.Model(X1, left_output).predict_on_batch(data["pair_test_a"] / 255.0)
    history["emb_b"] = keras.Model(X2, right_output).predict_on_batch(data["pair_test_b"] / 255.0)
    history["emb"] = keras.Model(X1, left_output).predict_on_batch(data["x_test"] / 255.0)
    return history
