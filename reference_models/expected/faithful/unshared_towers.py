"""HAND-WRITTEN Keras 3 target (not migrator output) for legacy/unshared_towers.py, faithful:
two separate towers (two weight sets, as the legacy program), contrastive loss with margin 1,
Adam 0.001 with TF1's epsilon 1e-8, batch 64."""
import time

import keras
import numpy as np
from keras import layers, ops

KIND = "siamese"
EPOCHS = 3
BATCH_SIZE = 64
EMBEDDING_DIM = 32


def create_subnetwork(input_shape, name):
    """tflearn's defaults written out: conv_2d 'same' padding + uniform_scaling init, max_pool_2d
    strides = kernel and 'same' padding, fully_connected flattens + truncated_normal(0.02)."""
    inputs = keras.Input(shape=input_shape)
    conv_init = keras.initializers.LecunUniform()
    fc_init = keras.initializers.TruncatedNormal(stddev=0.02)
    net = layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=conv_init)(inputs)
    net = layers.MaxPooling2D(2, 2, padding="same")(net)
    net = layers.Conv2D(64, 3, padding="same", activation="relu", kernel_initializer=conv_init)(net)
    net = layers.MaxPooling2D(2, 2, padding="same")(net)
    net = layers.Flatten()(net)
    net = layers.Dense(128, activation="relu", kernel_initializer=fc_init)(net)
    net = layers.Dense(EMBEDDING_DIM, kernel_initializer=fc_init)(net)  # embedding layer
    return keras.Model(inputs, net, name=name)


class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.time() - self.start)


MARGIN = 1.0


def contrastive_loss(same, distance):
    return same * ops.square(distance) + (1.0 - same) * ops.square(ops.maximum(MARGIN - distance, 0.0))


def train(data, epochs=EPOCHS, seed=0):
    keras.utils.set_random_seed(seed)
    input_shape = data["x_train"].shape[1:]
    left_tower = create_subnetwork(input_shape, "left_tower")
    right_tower = create_subnetwork(input_shape, "right_tower")
    x1 = keras.Input(shape=input_shape, name="x1")
    x2 = keras.Input(shape=input_shape, name="x2")
    left_output = left_tower(x1)
    right_output = right_tower(x2)
    distance = ops.sqrt(ops.sum(ops.square(left_output - right_output), axis=1) + 1e-6)
    model = keras.Model([x1, x2], distance)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8), loss=contrastive_loss)

    pair_a = data["pair_train_a"].astype(np.float32) / 255.0
    pair_b = data["pair_train_b"].astype(np.float32) / 255.0
    pair_y = data["pair_train_y"].astype(np.float32)
    timer = EpochTimer()
    fit = model.fit([pair_a, pair_b], pair_y, batch_size=BATCH_SIZE, epochs=epochs, shuffle=True,
                    verbose=2, callbacks=[timer])

    history = {"loss": fit.history["loss"], "epoch_time": timer.times}
    history["emb_a"] = left_tower.predict(data["pair_test_a"] / 255.0, verbose=0)
    history["emb_b"] = right_tower.predict(data["pair_test_b"] / 255.0, verbose=0)
    history["emb"] = left_tower.predict(data["x_test"] / 255.0, verbose=0)
    return history
