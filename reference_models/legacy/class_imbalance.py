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

import numpy as np
import tensorflow as tf
import tflearn
from tflearn.layers.conv import conv_2d, max_pool_2d
from tflearn.layers.core import fully_connected, input_data
from tflearn.layers.estimator import regression

KIND = "classifier"
EPOCHS = 20
BATCH_SIZE = 64
NUM_CLASSES = 10


def train(data, epochs=EPOCHS, seed=0):
    tf.reset_default_graph()
    tf.set_random_seed(seed)
    np.random.seed(seed)
    height, width, channels = data["x_train"].shape[1:]

    X = data["x_train_imbalanced"].astype(np.float32) / 255.0
    Y = tflearn.data_utils.to_categorical(data["y_train_imbalanced"], NUM_CLASSES)

    network = input_data(shape=[None, height, width, channels], name="input")
    network = conv_2d(network, 32, 3, activation="relu")
    network = max_pool_2d(network, 2)
    network = fully_connected(network, 64, activation="relu")
    network = fully_connected(network, NUM_CLASSES, activation="softmax")
    network = regression(network, optimizer="adam", learning_rate=0.001,
                         loss="categorical_crossentropy", name="target")
    model = tflearn.DNN(network, tensorboard_verbose=0)

    history = {"loss": [], "epoch_time": []}
    for epoch in range(epochs):
        start = time.time()
        model.fit(X, Y, n_epoch=1, batch_size=BATCH_SIZE, shuffle=True, show_metric=False)
        history["epoch_time"].append(time.time() - start)
        probs = np.array(model.predict(X))
        history["loss"].append(float(np.mean(-np.log(np.sum(probs * Y, axis=1) + 1e-7))))
        print("epoch %d loss %.4f" % (epoch + 1, history["loss"][-1]))

    history["probs"] = np.array(model.predict(data["x_test"].astype(np.float32) / 255.0))
    return history
