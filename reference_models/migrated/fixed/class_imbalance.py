"""A tflearn digit classifier trained on a heavily imbalanced set (seeds 000/001).

Collapse cause: the training set keeps every image of class 0 and only 5% of each other class
(class 0 is ~68% of it), as in seed 001's "y[:900] = 0". Plain categorical cross-entropy is
then minimised fastest by predicting the majority class: the error signal of the minority
classes is dwarfed by the majority's. The held-out test set is class-balanced (50 per class),
so such a model is caught by the majority share of its predictions and its balanced accuracy.
Everything else is sound: inputs scaled to [0, 1], Adam 0.001, a small CNN.

Cure (TFM302): weight each class by the inverse of its frequency in the training labels.
"""
import time

import keras
import numpy as np


# tflearn-migrate helper: tflearn_to_categorical
def tflearn_to_categorical(y, nb_classes=None):
    """tflearn data_utils.to_categorical: with nb_classes, float64 one-hot rows of the
    flattened int labels; without, one column per distinct label value (sorted)."""
    if nb_classes:
        y = np.asarray(y, dtype="int32").reshape(-1)
        out = np.zeros((len(y), nb_classes))
        out[np.arange(len(y)), y] = 1.0
        return out
    y = np.array(y)
    return (y[:, None] == np.unique(y)).astype(np.float32)


# tflearn-migrate helper: balanced_class_weight
def balanced_class_weight(y, max_ratio=3.0):
    """TFM302: scikit-learn's "balanced" class weights, n_samples / (n_classes * count),
    when the most frequent class of ``y`` outnumbers the rarest by more than ``max_ratio``;
    None (no weighting) otherwise. ``y``: integer labels, one-hot rows or 0/1 values."""
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = y.reshape(-1, y.shape[-1]).argmax(axis=-1)
    else:
        labels = np.rint(y.reshape(-1)).astype("int64")
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2 or counts.max() <= max_ratio * counts.min():
        return None
    weights = len(labels) / (len(classes) * counts)
    return {int(c): float(w) for c, w in zip(classes, weights)}


KIND = "classifier"
EPOCHS = 20
BATCH_SIZE = 64
NUM_CLASSES = 10


def train(data, epochs=EPOCHS, seed=0):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    np.random.seed(seed)
    height, width, channels = data["x_train"].shape[1:]

    X = data["x_train_imbalanced"].astype(np.float32) / 255.0
    Y = tflearn_to_categorical(data["y_train_imbalanced"], NUM_CLASSES)

    network_input = keras.Input(shape=(height, width, channels), name="input")
    network = network_input
    network = keras.layers.Conv2D(
        32,
        3,
        activation="relu",
        padding="same",
        kernel_initializer=keras.initializers.LecunUniform(),
    )(network)
    network = keras.layers.MaxPooling2D(2, padding="same")(network)
    network = keras.layers.Flatten()(network)
    network = keras.layers.Dense(
        64,
        activation="relu",
        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),
    )(network)
    network = keras.layers.Dense(
        NUM_CLASSES,
        activation="softmax",
        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),
    )(network)
    model = keras.Model(inputs=network_input, outputs=network)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )

    history = {"loss": [], "epoch_time": []}
    for epoch in range(epochs):
        start = time.time()
        model.fit(
            X,
            Y,
            batch_size=BATCH_SIZE,
            epochs=1,
            shuffle=True,
            class_weight=balanced_class_weight(Y),
        )
        history["epoch_time"].append(time.time() - start)
        probs = np.array(model.predict(X, verbose=0))
        history["loss"].append(float(np.mean(-np.log(np.sum(probs * Y, axis=1) + 1e-7))))
        print("epoch %d loss %.4f" % (epoch + 1, history["loss"][-1]))

    history["probs"] = np.array(model.predict(data["x_test"].astype(np.float32) / 255.0, verbose=0))
    return history
