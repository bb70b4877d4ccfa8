"""Held-out program (round AL) mirroring ngym/kernel-approximation-by-siamese-rnn
(``algorithms/rnn.py`` ``create_RNN_base_network``, ``algorithms/siamese_rnn.py``
``SiameseRnn``): a Keras 2 (TensorFlow 1 backend) Siamese recurrent network that learns to
approximate a kernel between time series - each arm a ``Sequential`` of ``Masking`` + stacked
``GRU`` (optionally ``Bidirectional``) + ``Dense`` / ``BatchNormalization`` layers, the two arms
joined by a batch dot product, trained with ``train_on_batch`` on pairs drawn from a Gram
matrix whose entries were partly dropped, with per-pair sample weights balancing the classes.
Rewritten in our own words and scaled to sklearn's digits: each 8x8 image is a sequence of its
rows (8 steps of 8 values; a random tail of 0-3 rows is replaced by the pad value), the kernel
is an RBF kernel between the images, and one pair in five has its Gram entry dropped.

Idioms kept (imports moved from standalone Keras 2 - ``keras.layers.merge``,
``keras.layers.wrappers`` - to ``tensorflow.keras``: the legacy runtime's Keras 2 is tf-keras,
its standalone ``keras`` is Keras 3): ``import tensorflow.keras.backend as K``; imports of
``Masking``, ``GRU``, ``SimpleRNN``, ``LSTM``, ``Activation``, ``Lambda``, ``Concatenate``,
``Bidirectional``; ``RMSprop`` from ``tensorflow.keras.optimizers.legacy`` (tf-keras 2.21's default optimizers need eager execution; the legacy ones are the TF 1 era's Keras optimizers); the RNN class chosen by a
string (``r = GRU``) and the wrapper chosen as ``b = Bidirectional`` or ``b = lambda x: x``;
``Masking(mask_value=pad_value, input_shape=..., name="base_masking")``; ``GRU(units,
dropout=, implementation=, return_sequences=(i < n - 1), activation='tanh')`` in a loop;
``Dense(units, use_bias=False if batchnormalization else True)`` followed by
``BatchNormalization()`` and ``Activation('relu')`` / ``Activation('linear',
name='base_output')``; ``Lambda(batch_dot)`` with ``K.batch_dot(x, y, axes=1)``; the
``"dense"`` / ``"dot_product"`` joint branch chosen by a string in a method with a
double-underscore name; ``RMSprop(clipnorm=1.)``; ``model.compile(loss='mse',
loss_weights=None, optimizer=...)``; a generator yielding ``([a, b], y, sample_weights)`` with
weights ``1 / (count_i * count_j)`` times a ratio for same-class pairs; ``do_epoch`` running
``train_on_batch(x, y, sample_weight=w)`` or ``test_on_batch`` by an action string and
averaging the batch losses; ``K.clear_session()`` before building; ``predict_on_batch``.

Bugs kept: the running average of the batch losses counts every batch as ``batch_size`` rows,
the final short batch too; the pair weights ``1 / (count_i * count_j)`` make every loss tiny
(about 1e-4 of the unweighted one), which RMSprop's normalised steps hide. Not kept: the multi-GPU
``make_parallel``, GAK kernels, HDF5 checkpoints, the log files, the matrix-completion driver.
"""
import copy
import os

import numpy as np
import tensorflow.keras.backend as K
from tensorflow.keras.layers import Activation, BatchNormalization, Dense, GRU, Input, LSTM, Lambda, Masking, SimpleRNN
from tensorflow.keras.layers import Concatenate
from tensorflow.keras.layers import Bidirectional
from tensorflow.keras.models import Model, Sequential
from tensorflow.keras.optimizers.legacy import RMSprop
from sklearn.datasets import load_digits


def batch_dot(vects):
    x, y = vects
    return K.batch_dot(x, y, axes=1)


class SiameseRnn(object):
    def __init__(self, input_shape, pad_value, rnn_units, dense_units, rnn, dropout,
                 implementation, bidirectional, batchnormalization, loss_function,
                 siamese_joint_method, top_activation='linear'):
        self.input_shape = input_shape
        self.pad_value = pad_value
        self.rnn_units = rnn_units
        self.dense_units = dense_units
        self.rnn = rnn
        self.dropout = dropout
        self.implementation = implementation
        self.bidirectional = bidirectional
        self.batchnormalization = batchnormalization
        self.top_activation = top_activation
        self.model = self.__create_RNN_siamese_network(loss_function, siamese_joint_method)

    def create_RNN_base_network(self):
        seq = Sequential()
        seq.add(Masking(mask_value=self.pad_value, input_shape=self.input_shape, name="base_masking"))
        if self.rnn == "Vanilla":
            r = SimpleRNN
        elif self.rnn == "LSTM":
            r = LSTM
        elif self.rnn == "GRU":
            r = GRU
        else:
            raise NotImplementedError("rnn must be Vanilla, LSTM or GRU")
        if self.bidirectional:
            b = Bidirectional
        else:
            b = lambda x: x
        for i in range(len(self.rnn_units)):
            return_sequences = (i < (len(self.rnn_units) - 1))
            seq.add(b(r(self.rnn_units[i], dropout=self.dropout, implementation=self.implementation,
                        return_sequences=return_sequences, activation='tanh')))
            if self.batchnormalization and return_sequences:
                seq.add(BatchNormalization())
        for i in range(len(self.dense_units)):
            seq.add(Dense(self.dense_units[i], use_bias=False if self.batchnormalization else True))
            if self.batchnormalization:
                seq.add(BatchNormalization())
            if i < len(self.dense_units) - 1:
                seq.add(Activation('relu'))
            else:
                seq.add(Activation(self.top_activation, name='base_output'))
        return seq

    def __create_RNN_siamese_network(self, loss_function, siamese_joint_method):
        base_network = self.create_RNN_base_network()
        input_a = Input(shape=self.input_shape)
        input_b = Input(shape=self.input_shape)
        processed_a = base_network(input_a)
        processed_b = base_network(input_b)
        if siamese_joint_method == "dense":
            con = Concatenate()([processed_a, processed_b])
            parent = Dense(units=1, use_bias=False if self.batchnormalization else True)(con)
            if self.batchnormalization:
                parent = BatchNormalization()(parent)
            out = Activation('sigmoid')(parent)
        elif siamese_joint_method == "dot_product":
            out = Lambda(batch_dot)([processed_a, processed_b])
        else:
            assert False, ("Non-supported siamese_joint_method %s" % siamese_joint_method)
        model = Model([input_a, input_b], out)
        optimizer = RMSprop(clipnorm=1.)
        model.compile(loss=loss_function, loss_weights=None, optimizer=optimizer)
        self.processed_a = processed_a
        self.input_a = input_a
        return model

    def generator_sequence_pairs(self, indices, gram_drop, seqs, labels, loss_weight_ratio, batch_size):
        indices_copy = copy.deepcopy(indices)
        input_0, input_1, y, sample_weights = [], [], [], []
        unique, counts = np.unique(np.array(labels), return_counts=True)
        dict_counts = dict(zip(unique, counts))
        for i, j in indices_copy:
            input_0.append(seqs[i])
            input_1.append(seqs[j])
            y.append([gram_drop[i][j]])
            base_weight = 1. / (dict_counts[labels[i]] * dict_counts[labels[j]])
            sample_weights.append(base_weight * (loss_weight_ratio if labels[i] == labels[j] else 1.0))
            if len(input_0) == batch_size:
                yield ([np.array(input_0), np.array(input_1)], np.array(y), np.array(sample_weights))
                input_0, input_1, y, sample_weights = [], [], [], []
        if input_0:
            yield ([np.array(input_0), np.array(input_1)], np.array(y), np.array(sample_weights))

    def do_epoch(self, action, indices, gram_drop, seqs, labels, loss_weight_ratio, batch_size):
        average_loss = 0
        processed = 0
        for x, y, w in self.generator_sequence_pairs(indices, gram_drop, seqs, labels,
                                                     loss_weight_ratio, batch_size):
            if action == "training":
                batch_loss = self.model.train_on_batch(x, y, sample_weight=w)
            else:
                batch_loss = self.model.test_on_batch(x, y, sample_weight=w)
            average_loss = (average_loss * processed + batch_loss * y.shape[0]) / (processed + y.shape[0])
            processed += batch_size
        return average_loss


if __name__ == '__main__':
    K.clear_session()
    np.random.seed(7)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    labels = digits.target
    pad_value = -1.0
    seqs = images.copy()
    for n in range(len(seqs)):
        cut = np.random.randint(0, 4)
        if cut:
            seqs[n, -cut:, :] = pad_value
    flat = images.reshape(len(images), -1)
    sq = (flat ** 2).sum(1)
    gram = np.exp(-(sq[:, None] - 2 * flat.dot(flat.T) + sq[None, :]) / 20.0).astype(np.float32)
    gram_drop = gram.copy()

    train_idx = np.arange(0, 1400)
    test_idx = np.arange(1400, len(images))
    rng = np.random.RandomState(0)
    pairs = [(int(i), int(j)) for i, j in zip(rng.choice(train_idx, 6000), rng.choice(train_idx, 6000))]
    pairs = [p for k, p in enumerate(pairs) if k % 5 != 0]
    tr_pairs, val_pairs = pairs[:4400], pairs[4400:]

    siamese = SiameseRnn(input_shape=(8, 8), pad_value=pad_value, rnn_units=[16, 16], dense_units=[16, 8],
                         rnn="GRU", dropout=0.1, implementation=2, bidirectional=True,
                         batchnormalization=True, loss_function='mse', siamese_joint_method="dot_product")
    for epoch in range(6):
        rng.shuffle(tr_pairs)
        tr_loss = siamese.do_epoch("training", tr_pairs, gram_drop, seqs, labels, 40.0, 128)
        val_loss = siamese.do_epoch("validation", val_pairs, gram_drop, seqs, labels, 40.0, 128)
        print("epoch %d train %.6f validation %.6f" % (epoch, tr_loss, val_loss))

    a = rng.choice(test_idx, 600)
    b = rng.choice(test_idx, 600)
    pred = siamese.model.predict_on_batch([seqs[a], seqs[b]])
    d = -np.asarray(pred).reshape(-1)
    same = (labels[a] == labels[b]).astype(np.int32)
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)
