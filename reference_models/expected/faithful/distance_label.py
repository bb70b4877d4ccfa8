"""HAND-WRITTEN Keras 3 target (not migrator output) for legacy/distance_label.py, faithful:
the same function as the legacy program - one shared tower, ``mean(|target - squared
distance|)``, Adam 0.001 with TF1's epsilon 1e-8, batch 64, reshuffled every epoch."""
import time

import keras
import numpy as np
from keras import layers, ops

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32


def tower(input_shape):
    inputs = keras.Input(shape=input_shape)
    net = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv1")(inputs)
    net = layers.MaxPooling2D(2, 2, name="pool1")(net)
    net = layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2")(net)
    net = layers.MaxPooling2D(2, 2, name="pool2")(net)
    net = layers.Flatten(name="flatten")(net)
    net = layers.Dense(128, activation="relu", name="fc1")(net)
    net = layers.Dense(EMBEDDING_DIM, name="embedding")(net)
    return keras.Model(inputs, net, name="tower")


class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.time() - self.start)


def distance_loss(target, distance):
    return ops.abs(target - distance)


def train(data, epochs=EPOCHS, seed=0):
    keras.utils.set_random_seed(seed)
    input_shape = data["x_train"].shape[1:]
    encoder = tower(input_shape)
    x1 = keras.Input(shape=input_shape, name="x1")
    x2 = keras.Input(shape=input_shape, name="x2")
    left_output = encoder(x1)
    right_output = encoder(x2)
    distance = ops.sum(ops.square(left_output - right_output), axis=1)
    model = keras.Model([x1, x2], distance)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8), loss=distance_loss)

    pair_a = data["pair_train_a"].astype(np.float32) / 255.0
    pair_b = data["pair_train_b"].astype(np.float32) / 255.0
    pair_y = data["pair_train_y"].astype(np.float32)
    timer = EpochTimer()
    fit = model.fit([pair_a, pair_b], pair_y, batch_size=BATCH_SIZE, epochs=epochs, shuffle=True,
                    verbose=2, callbacks=[timer])

    history = {"loss": fit.history["loss"], "epoch_time": timer.times}
    history["emb_a"] = encoder.predict(data["pair_test_a"] / 255.0, verbose=0)
    history["emb_b"] = encoder.predict(data["pair_test_b"] / 255.0, verbose=0)
    history["emb"] = encoder.predict(data["x_test"] / 255.0, verbose=0)
    return history
