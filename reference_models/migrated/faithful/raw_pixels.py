"""Siamese verification network trained on raw 0-255 pixels with a sigmoid head (seed 002).

Collapse cause: the images are fed as they come off disk, 0..255, with no rescaling. Every
activation of the ReLU tower is ~255x larger than for [0, 1] inputs, and so is every gradient
step of SGD with momentum (the seed's optimizer is not shown; momentum SGD is Keras' classic
default). The first steps throw the pre-activations of the sigmoid embedding layer far into
saturation: every unit outputs exactly 0 or 1 for EVERY image, so ``|a - b|`` is 0 for every
pair, the head predicts ``sigmoid(bias)`` = 0.5 for everything and the loss sits at ln 2 = 0.693
- seed 002's "DIST: [[0. 0. 0. ...]]" and "PREDICTIONS [0.5003 0.5002 ...]". Once saturated
the sigmoid passes no gradient, so training never recovers. Measured on digits (seeds 0-2,
8 epochs): pair AUC 0.51-0.55, effective rank 1.0. The same program on [0, 1] inputs reaches
AUC 0.99. (With Adam instead, whose steps do not grow with the input scale, raw pixels do
not collapse on digits: AUC 0.97.) Everything else is sound: one shared tower (variable
scope reuse), a BCE head, momentum SGD 0.05 / 0.9.

Cure (TFM301): scale the inputs to [0, 1] (``/ 255``) where they enter the model.
"""
import time

import keras
import numpy as np

KIND = "siamese"
EPOCHS = 8
BATCH_SIZE = 64
EMBEDDING_DIM = 32


def embedding_network(x):
    net = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    net = keras.layers.MaxPooling2D(2, strides=2)(net)
    net = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(net)
    net = keras.layers.MaxPooling2D(2, strides=2)(net)
    net = keras.layers.Flatten()(net)
    net = keras.layers.Dense(EMBEDDING_DIM, activation="sigmoid")(net)
    return net


def train(data, epochs=EPOCHS, seed=0):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    np.random.seed(seed)
    height, width, channels = data["x_train"].shape[1:]
    assert data["pair_train_a"].dtype == np.uint8, "raw 0-255 pixels, as they come off disk"

    image_a = keras.Input(shape=(height, width, channels))
    image_b = keras.Input(shape=(height, width, channels))

    encoder_input = keras.Input(shape=image_a.shape[1:])
    encoder = keras.Model(encoder_input, embedding_network(encoder_input), name="encoder")
    feats_a = encoder(image_a)
    feats_b = encoder(image_b)

    distance = keras.ops.abs(feats_a - feats_b)
    prediction = keras.layers.Dense(1, activation="sigmoid")(distance)
    def loss(label, prediction):
        return -keras.ops.mean(
            label * keras.ops.log(prediction + 1e-7)
            + (1.0 - label) * keras.ops.log(1.0 - prediction + 1e-7),
        )
    model = keras.Model([image_a, image_b], prediction)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss=loss)

    pair_a = data["pair_train_a"].astype(np.float32)
    pair_b = data["pair_train_b"].astype(np.float32)
    pair_y = data["pair_train_y"].reshape(-1, 1)
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

    test_a = data["pair_test_a"].astype(np.float32)
    test_b = data["pair_test_b"].astype(np.float32)
    history["emb_a"], history["emb_b"], history["score"] = [
        keras.Model(image_a, feats_a).predict_on_batch(test_a),
        keras.Model(image_b, feats_b).predict_on_batch(test_b),
        model.predict_on_batch([test_a, test_b]),
    ]
    history["emb"] = keras.Model(image_a, feats_a).predict_on_batch(
        data["x_test"].astype(np.float32),
    )
    return history
