"""Held-out program (round AM) mirroring ascourge21/Siamese
(``face_siamese/SiameseFunctions.py``, ``face_siamese/siameseFaceConv.py``,
``siamese_supervised/IntensityMatchMultiResEndoConv.py``): a Keras (TensorFlow backend) Siamese
patch matcher with TWO streams - a convolutional network for large patches and a smaller one
for small patches of the same place - each stream's ``Sequential`` shared by the two patches of
a pair, the streams' codes concatenated per side, a ``Lambda`` Euclidean distance with an
``output_shape`` function, Hadsell's contrastive loss written with the backend, ``RMSprop()``,
``fit`` with ``validation_split`` and an ``EarlyStopping`` callback, ``predict`` and an ROC
computed with its outputs swapped. Rewritten in our own words and scaled to sklearn's digits: the
large patch is the 8x8 image (channels first: ``(1, 8, 8)``), the small patch its 2x2-averaged
4x4 version; pairs are same-digit (1) or different-digit (0).

Idioms kept (the repository's Keras 1 spellings - ``Convolution2D(n, 3, 3, border_mode=,
dim_ordering='th')``, ``merge(mode='concat')``, ``Model(input=, output=)``, ``nb_epoch=`` -
written in their Keras 2 names, through ``tensorflow.keras``: the legacy runtime's Keras 2 is
tf-keras, its standalone ``keras`` is Keras 3): ``from tensorflow.keras import backend as K``;
``euclidean_distance(vects)`` unpacking ``x, y = vects`` and ``K.sqrt(K.sum(K.square(x - y),
axis=1, keepdims=True))``; ``eucl_dist_output_shape(shapes)`` returning ``(shape1[0], 1)``;
``contrastive_loss(y_true, y_pred)`` with ``margin = 1`` and ``K.mean(... K.maximum(margin -
y_pred, 0))``; ``compute_accuracy`` thresholding distances; ``create_cnn_network(input_dim,
no_conv_filt, dense_n)`` building a ``Sequential`` with ``Conv2D(..., input_shape=input_dim,
data_format='channels_first', activation='relu')``, ``BatchNormalization()``, ``Dropout``,
``Flatten``, ``Dense``; a second builder for the small stream; ``Concatenate(axis=1)`` of the
two streams' codes; ``Model(inputs=[a, b, c, d], outputs=distance)``; ``model.fit([four arrays],
y, validation_split=.30, batch_size=128, verbose=2, epochs=..., callbacks=[EarlyStopping(
monitor='val_loss', patience=2)])``; ``model.predict([four arrays])``; ``tpr, fpr, _ =
roc_curve(y_test, pred)`` (swapped names: the AUC of the distance as a score of "same" comes out
as 1 - AUC, which is what a distance needs); the training/testing accuracy prints.

Bugs kept: the large stream's ``MaxPooling2D(pool_size=(2, 2))`` has no data format (the
repository's first pooling had no ``dim_ordering``) so it pools the channel and row axes of the
channels-first maps; the small stream's ``BatchNormalization()`` normalises axis -1 (the last
spatial axis of channels-first maps, Keras 1's ``mode=2`` per-batch statistics were dropped in
Keras 2); early stopping on a ``validation_split`` that takes the LAST 30% of the arrays (pairs
are made in class order, so validation holds other pairs than training); ``RMSprop`` from
``optimizers.legacy`` (tf-keras 2.21's default optimizers need eager execution). Not kept: the
MATLAB / HDF5 data loaders, plots, ``model.save``, the leave-one-out cross-validation driver.
"""
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import auc, roc_curve
from tensorflow.keras import backend as K
from tensorflow.keras.callbacks import EarlyStopping
from tensorflow.keras.layers import BatchNormalization, Concatenate, Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from tensorflow.keras.layers import Lambda
from tensorflow.keras.models import Model, Sequential
from tensorflow.keras.optimizers.legacy import RMSprop


def euclidean_distance(vects):
    x, y = vects
    return K.sqrt(K.sum(K.square(x - y), axis=1, keepdims=True))


def eucl_dist_output_shape(shapes):
    shape1, shape2 = shapes
    return (shape1[0], 1)


def contrastive_loss(y_true, y_pred):
    '''Contrastive loss from Hadsell-et-al.'06'''
    margin = 1
    return K.mean(y_true * K.square(y_pred) + (1 - y_true) * K.square(K.maximum(margin - y_pred, 0)))


def compute_accuracy(predictions, labels, thresh):
    return labels[predictions.ravel() < thresh].mean()


# the convolutional stream for the large patches
def create_cnn_network(input_dim, no_conv_filt, dense_n):
    seq = Sequential()
    kern_size = 3
    seq.add(Conv2D(no_conv_filt, (kern_size, kern_size), input_shape=input_dim,
                   padding='valid', data_format='channels_first', activation='relu'))
    seq.add(MaxPooling2D(pool_size=(2, 2)))  # downsample
    seq.add(Dropout(.25))
    seq.add(Conv2D(no_conv_filt * 2, (kern_size, kern_size), padding='same', data_format='channels_first',
                   activation='relu'))
    seq.add(Flatten())
    seq.add(Dense(dense_n, activation='relu'))
    seq.add(Dropout(0.1))
    return seq


# the small stream: one convolution, then dense
def create_cnn_network_small(input_dim, no_conv_filt, dense_n):
    seq = Sequential()
    kern_size = 3
    seq.add(Conv2D(no_conv_filt, (kern_size, kern_size), input_shape=input_dim,
                   padding='same', data_format='channels_first', activation='relu'))
    seq.add(Dropout(.2))
    seq.add(BatchNormalization())
    seq.add(Flatten())
    seq.add(Dense(dense_n, activation='relu'))
    seq.add(Dropout(.2))
    seq.add(BatchNormalization())
    return seq


def make_pairs(images, labels, rng):
    # one same-class and one different-class pair per image, in class order
    by_class = [np.where(labels == c)[0] for c in range(10)]
    pairs, y = [], []
    for c in range(10):
        for i in by_class[c]:
            j = rng.choice(by_class[c])
            k = rng.choice(by_class[(c + rng.randint(1, 10)) % 10])
            pairs += [[images[i], images[j]], [images[i], images[k]]]
            y += [1, 0]
    return np.array(pairs, dtype='float32'), np.array(y, dtype='float32')


def small_patches(x):
    # (n, 2, 1, 8, 8) -> (n, 2, 1, 4, 4): 2x2 means
    return x.reshape(x.shape[0], 2, 1, 4, 2, 4, 2).mean(axis=(4, 6))


def train_model(x_tr_lg, y_train, x_tr_sm, conv_n, dense_n):
    nb_epoch = 12

    input_dim = x_tr_lg.shape[2:]
    input_a = Input(shape=input_dim)
    input_b = Input(shape=input_dim)

    input_dim2 = x_tr_sm.shape[2:]
    input_c = Input(shape=input_dim2)
    input_d = Input(shape=input_dim2)

    conv_n_large = 8
    dense_n_large = 48
    cnn_network = create_cnn_network(input_dim, conv_n_large, dense_n_large)
    processed_a = cnn_network(input_a)
    processed_b = cnn_network(input_b)

    dense_network = create_cnn_network_small(input_dim2, conv_n, dense_n)
    processed_c = dense_network(input_c)
    processed_d = dense_network(input_d)

    merged_a = Concatenate(axis=1)([processed_a, processed_c])
    merged_b = Concatenate(axis=1)([processed_b, processed_d])

    distance = Lambda(euclidean_distance, output_shape=eucl_dist_output_shape)([merged_a, merged_b])

    model_tr = Model(inputs=[input_a, input_b, input_c, input_d], outputs=distance)

    opt_func = RMSprop()
    model_tr.compile(loss=contrastive_loss, optimizer=opt_func)
    model_tr.fit([x_tr_lg[:, 0], x_tr_lg[:, 1], x_tr_sm[:, 0], x_tr_sm[:, 1]], y_train, validation_split=.30,
                 batch_size=128, verbose=2, epochs=nb_epoch,
                 callbacks=[EarlyStopping(monitor='val_loss', patience=2)])
    return model_tr


def run_test(model, x_test_lg, x_test_sm, y_ts):
    pred_ts = model.predict([x_test_lg[:, 0], x_test_lg[:, 1], x_test_sm[:, 0], x_test_sm[:, 1]])
    tpr, fpr, _ = roc_curve(y_ts, pred_ts)
    roc_auc = auc(fpr, tpr)
    print("auc: " + str(roc_auc))
    return pred_ts


digits = load_digits()
images = (digits.images / 16.0).astype('float32').reshape(-1, 1, 8, 8)
labels = digits.target
rng = np.random.RandomState(0)
order = rng.permutation(len(labels))
n_train = 1300
tr, ts = order[:n_train], order[n_train:]
x_tr_lg, y_train = make_pairs(images[tr], labels[tr], rng)
x_test_lg, y_test = make_pairs(images[ts], labels[ts], rng)
x_tr_sm = small_patches(x_tr_lg)
x_test_sm = small_patches(x_test_lg)

model = train_model(x_tr_lg, y_train, x_tr_sm, 6, 32)
pred_ts = run_test(model, x_test_lg, x_test_sm, y_test)
pred_tr = model.predict([x_tr_lg[:, 0], x_tr_lg[:, 1], x_tr_sm[:, 0], x_tr_sm[:, 1]])

thresh = .5
print('* Accuracy on training set: %0.2f%%' % (100 * compute_accuracy(pred_tr, y_train, thresh)))
print('* Accuracy on test set: %0.2f%%' % (100 * compute_accuracy(pred_ts, y_test, thresh)))

np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=pred_ts.ravel(), same=y_test.astype(int))
