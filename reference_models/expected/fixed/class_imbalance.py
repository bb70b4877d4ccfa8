"""HAND-WRITTEN Keras 3 target (not migrator output) for legacy/class_imbalance.py, with the
TFM302 cure: every class weighted by the inverse of its frequency in the training labels
(``n / (classes * count)``), passed to ``fit(class_weight=...)``. Everything else as the
legacy program."""
import time

import keras
import numpy as np
from keras import layers

KIND = "classifier"
EPOCHS = 20
BATCH_SIZE = 64
NUM_CLASSES = 10


def build_network(height, width, channels):
    conv_init = keras.initializers.LecunUniform()
    fc_init = keras.initializers.TruncatedNormal(stddev=0.02)
    model = keras.Sequential([
        keras.Input(shape=(height, width, channels), name="input"),
        layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=conv_init),
        layers.MaxPooling2D(2, 2, padding="same"),
        layers.Flatten(),
        layers.Dense(64, activation="relu", kernel_initializer=fc_init),
        layers.Dense(NUM_CLASSES, activation="softmax", kernel_initializer=fc_init),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),
                  loss="categorical_crossentropy")
    return model


def train(data, epochs=EPOCHS, seed=0):
    keras.utils.set_random_seed(seed)
    height, width, channels = data["x_train"].shape[1:]

    X = data["x_train_imbalanced"].astype(np.float32) / 255.0
    Y = keras.utils.to_categorical(data["y_train_imbalanced"], NUM_CLASSES)

    model = build_network(height, width, channels)
    counts = np.bincount(data["y_train_imbalanced"], minlength=NUM_CLASSES)
    class_weight = {c: float(len(X) / (NUM_CLASSES * max(n, 1))) for c, n in enumerate(counts)}

    history = {"loss": [], "epoch_time": []}
    for epoch in range(epochs):
        start = time.time()
        model.fit(X, Y, epochs=1, batch_size=BATCH_SIZE, shuffle=True, verbose=0,
                  class_weight=class_weight)
        history["epoch_time"].append(time.time() - start)
        probs = np.array(model.predict(X, verbose=0))
        history["loss"].append(float(np.mean(-np.log(np.sum(probs * Y, axis=1) + 1e-7))))
        print("epoch %d loss %.4f" % (epoch + 1, history["loss"][-1]))

    history["probs"] = np.array(model.predict(data["x_test"].astype(np.float32) / 255.0, verbose=0))
    return history
