"""HAND-WRITTEN Keras 3 target (not migrator output) for legacy/raw_pixels.py, faithful: raw
0-255 inputs, one shared embedding network with a sigmoid embedding layer, |a - b| into a
sigmoid Dense head, the legacy binary cross-entropy with its 1e-7, momentum SGD 0.05 / 0.9,
batch 64."""
import time

import keras
import numpy as np
from keras import layers, ops

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32


def embedding_network(input_shape):
    inputs = keras.Input(shape=input_shape)
    net = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv1")(inputs)
    net = layers.MaxPooling2D(2, 2, name="pool1")(net)
    net = layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2")(net)
    net = layers.MaxPooling2D(2, 2, name="pool2")(net)
    net = layers.Flatten()(net)
    net = layers.Dense(EMBEDDING_DIM, activation="sigmoid", name="embeddings")(net)
    return keras.Model(inputs, net, name="siamese")


class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.time() - self.start)


def bce(label, prediction):
    return -(label * ops.log(prediction + 1e-7) + (1.0 - label) * ops.log(1.0 - prediction + 1e-7))


def train(data, epochs=EPOCHS, seed=0):
    keras.utils.set_random_seed(seed)
    input_shape = data["x_train"].shape[1:]
    encoder = embedding_network(input_shape)
    image_a = keras.Input(shape=input_shape, name="image_a")
    image_b = keras.Input(shape=input_shape, name="image_b")
    feats_a = encoder(image_a)
    feats_b = encoder(image_b)
    distance = ops.abs(feats_a - feats_b)
    prediction = layers.Dense(1, activation="sigmoid", name="similarity")(distance)
    model = keras.Model([image_a, image_b], prediction)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss=bce)

    pair_a = data["pair_train_a"].astype(np.float32)
    pair_b = data["pair_train_b"].astype(np.float32)
    pair_y = data["pair_train_y"].reshape(-1, 1)
    timer = EpochTimer()
    fit = model.fit([pair_a, pair_b], pair_y, batch_size=BATCH_SIZE, epochs=epochs, shuffle=True,
                    verbose=2, callbacks=[timer])

    history = {"loss": fit.history["loss"], "epoch_time": timer.times}
    history["emb_a"] = encoder.predict(data["pair_test_a"].astype(np.float32), verbose=0)
    history["emb_b"] = encoder.predict(data["pair_test_b"].astype(np.float32), verbose=0)
    history["emb"] = encoder.predict(data["x_test"].astype(np.float32), verbose=0)
    return history
