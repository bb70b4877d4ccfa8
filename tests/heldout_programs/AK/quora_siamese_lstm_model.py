"""Held-out program (round AK) mirroring a Quora duplicate-question Siamese LSTM written on the
Stanford CS224n assignment framework (``class SiameseModel(Model)`` in a ``siamese_model.py``
found in the code index without a repository name; several copies of it exist): a base
``Model`` class whose ``build()`` calls ``add_placeholders`` / ``add_prediction_op`` /
``add_loss_op`` / ``add_training_op`` and whose ``train_on_batch`` / ``predict_on_batch`` run the
session with ``create_feed_dict``. Rewritten in our own words and scaled to sklearn's digits:
each 8x8 image becomes a "question" of up to 16 tokens (2x2 block sums quantised to 8 levels,
ids 1..8, id 0 padding), its length the position of its last non-empty block; a pair is a
"duplicate" when both digits have the same class.

Idioms kept: placeholders int32 ``(None, max_length)`` for both questions, int32 ``(None,)``
sequence lengths, float32 ``(None, 2)`` one-hot labels (built in ``create_feed_dict`` from 0 / 1
labels) and a scalar float "dropout" placeholder that is a KEEP probability, default 1 in the
feed helper; ``add_embedding(i)`` looking the i-th question up in an embedding table it creates
with ``tf.Variable(self.pretrained_embeddings)`` on each call; TF-version shims
(``BasicLSTMCell = tf.contrib.rnn.BasicLSTMCell if hasattr(...) else tf.nn.rnn_cell...``, a nested
``concat(values, axis)`` that checks ``tf.__version__``); ONE ``BasicLSTMCell`` wrapped once in
``DropoutWrapper(cell, dropout_rate)`` (positional: the INPUT keep probability) used for both
questions; hidden-layer variables made with ``get_variable`` + ``xavier_initializer`` under
``variable_scope("HiddenLayerVars")`` followed by ``tf.get_variable_scope().reuse_variables()``;
``tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, sequence_length=...)`` unpacked as
``_, (_, h1)`` (the LSTM state's h), then ``reuse_variables()`` in ``variable_scope("LSTM")`` and
the second question through the same cell (sharing in TF1: YES, the LSTM kernel; the two
embedding tables are NOT shared: ``tf.Variable`` never shares); the features ``[h1, h2,
sum((h1-h2)^2), h1*h2]``, relu hidden layer, ``tf.nn.dropout(keep_prob=dropout_rate)``;
``weighted_cross_entropy_with_logits(targets=..., logits=..., pos_weight=1.675)`` on both
columns; ``W1`` / ``W2`` fetched back with ``variable_scope("HiddenLayerVars", reuse=True)`` +
``get_variable`` for an l2 penalty; ``tf.Variable(0, name='global_step', trainable=False)``,
``tf.train.exponential_decay(staircase=True)``, Adam ``minimize(global_step=)``;
``keep_dims=True``; a ``minibatches`` helper; the config class.

Bugs kept: the sigmoid of the duplicate column is the score though the loss is a per-column
weighted sigmoid cross entropy (so the two columns are trained independently); the two
questions get separate embedding tables. Not kept: GloVe loading, the bidirectional branch, the
progress bar, the model saver.
"""
from __future__ import absolute_import
from __future__ import division

import os

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits


class Config(object):
    max_length = 16
    embed_size = 12
    hidden_size = 32
    second_hidden_size = 32
    cell = "lstm"
    dropout = 0.9
    batch_size = 64
    n_epochs = 12
    lr = 0.004
    lr_decay_rate = 0.9
    beta = 1e-4


class Model(object):
    """The assignment's base class: subclasses add placeholders, prediction, loss and training."""

    def add_placeholders(self):
        raise NotImplementedError("Each Model must re-implement this method.")

    def create_feed_dict(self, inputs1_batch, inputs2_batch, seqlen1_batch, seqlen2_batch,
                         labels_batch=None, dropout=1):
        raise NotImplementedError("Each Model must re-implement this method.")

    def add_prediction_op(self):
        raise NotImplementedError("Each Model must re-implement this method.")

    def add_loss_op(self, pred):
        raise NotImplementedError("Each Model must re-implement this method.")

    def add_training_op(self, loss):
        raise NotImplementedError("Each Model must re-implement this method.")

    def train_on_batch(self, sess, inputs1_batch, inputs2_batch, seqlen1_batch, seqlen2_batch,
                       labels_batch):
        feed = self.create_feed_dict(inputs1_batch, inputs2_batch, seqlen1_batch, seqlen2_batch,
                                     labels_batch=labels_batch, dropout=self.config.dropout)
        _, loss = sess.run([self.train_op, self.loss], feed_dict=feed)
        return loss

    def predict_on_batch(self, sess, inputs1_batch, inputs2_batch, seqlen1_batch, seqlen2_batch):
        feed = self.create_feed_dict(inputs1_batch, inputs2_batch, seqlen1_batch, seqlen2_batch)
        return sess.run(self.scores, feed_dict=feed)

    def build(self):
        self.add_placeholders()
        self.pred = self.add_prediction_op()
        self.scores = tf.sigmoid(self.pred[:, 1])
        self.loss = self.add_loss_op(self.pred)
        self.train_op = self.add_training_op(self.loss)


class SiameseModel(Model):
    """A Siamese LSTM over two questions."""

    def __init__(self, config, pretrained_embeddings):
        self.config = config
        self.max_length = config.max_length
        self.pretrained_embeddings = pretrained_embeddings
        self.build()

    def add_placeholders(self):
        self.input1_placeholder = tf.placeholder(tf.int32, (None, self.max_length))
        self.input2_placeholder = tf.placeholder(tf.int32, (None, self.max_length))
        self.labels_placeholder = tf.placeholder(tf.float32, (None, 2))
        self.seqlen1_placeholder = tf.placeholder(tf.int32, (None,))
        self.seqlen2_placeholder = tf.placeholder(tf.int32, (None,))
        self.dropout_placeholder = tf.placeholder(tf.float32, [])

    def create_feed_dict(self, inputs1_batch, inputs2_batch, seqlen1_batch, seqlen2_batch,
                         labels_batch=None, dropout=1):
        feed_dict = {
            self.input1_placeholder: inputs1_batch,
            self.input2_placeholder: inputs2_batch,
            self.seqlen1_placeholder: seqlen1_batch,
            self.seqlen2_placeholder: seqlen2_batch,
            self.dropout_placeholder: dropout,
        }
        if labels_batch is not None:
            one_hot = [(1, 0) if label == 0 else (0, 1) for label in labels_batch]
            feed_dict.update({self.labels_placeholder: np.array(one_hot, dtype=np.float32)})
        return feed_dict

    def add_embedding(self, which):
        ids = self.input1_placeholder if which == 1 else self.input2_placeholder
        embeddings = tf.Variable(self.pretrained_embeddings)
        return tf.nn.embedding_lookup(embeddings, ids)

    def add_prediction_op(self):
        x1 = self.add_embedding(1)
        x2 = self.add_embedding(2)
        dropout_rate = self.dropout_placeholder

        BasicLSTMCell = (tf.contrib.rnn.BasicLSTMCell if hasattr(tf.contrib.rnn, 'BasicLSTMCell')
                         else tf.nn.rnn_cell.BasicLSTMCell)
        DropoutWrapper = (tf.contrib.rnn.DropoutWrapper
                          if hasattr(tf.contrib.rnn, 'DropoutWrapper')
                          else tf.nn.rnn_cell.DropoutWrapper)

        def concat(values, axis):
            if int(tf.__version__.split('.')[0]) >= 1:
                return tf.concat(values, axis)
            return tf.concat(axis, values)

        if self.config.cell == "lstm":
            cell = BasicLSTMCell(self.config.hidden_size)
            cell = DropoutWrapper(cell, dropout_rate)
        else:
            raise ValueError("Unsupported cell type: " + self.config.cell)

        xavier_init = tf.contrib.layers.xavier_initializer()
        m = self.config.second_hidden_size
        with tf.variable_scope("HiddenLayerVars"):
            b1 = tf.get_variable("b1", initializer=xavier_init, shape=[1, m])
            b2 = tf.get_variable("b2", initializer=xavier_init, shape=[1, 2])
            W1 = tf.get_variable("W1", initializer=xavier_init,
                                 shape=[3 * self.config.hidden_size + 1, m])
            W2 = tf.get_variable("W2", initializer=xavier_init, shape=[m, 2])
            tf.get_variable_scope().reuse_variables()

        with tf.variable_scope("LSTM"):
            _, (_, h1) = tf.nn.dynamic_rnn(cell, x1, dtype=tf.float32,
                                           sequence_length=self.seqlen1_placeholder)
            tf.get_variable_scope().reuse_variables()
            _, (_, h2) = tf.nn.dynamic_rnn(cell, x2, dtype=tf.float32,
                                           sequence_length=self.seqlen2_placeholder)

        sqdiff_12 = tf.square(h1 - h2)
        h_dist = tf.reduce_sum(sqdiff_12, 1, keep_dims=True)
        h_mul = tf.multiply(h1, h2)
        h_combined = concat([h1, h2, h_dist, h_mul], 1)

        e1 = tf.matmul(h_combined, W1) + b1
        e1_relu = tf.nn.relu(e1)
        e1_drop = tf.nn.dropout(e1_relu, keep_prob=dropout_rate)
        preds = tf.matmul(e1_drop, W2) + b2
        return preds

    def add_loss_op(self, preds):
        loss = tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(
            targets=self.labels_placeholder, logits=preds, pos_weight=1.675))
        with tf.variable_scope("HiddenLayerVars", reuse=True):
            W1 = tf.get_variable("W1")
            W2 = tf.get_variable("W2")
        loss = loss + self.config.beta * tf.nn.l2_loss(W1) + self.config.beta * tf.nn.l2_loss(W2)
        return loss

    def add_training_op(self, loss):
        global_step = tf.Variable(0, name='global_step', trainable=False)
        starter_learning_rate = self.config.lr
        learning_rate = tf.train.exponential_decay(starter_learning_rate, global_step,
                                                   300, self.config.lr_decay_rate, staircase=True)
        optimizer = tf.train.AdamOptimizer(learning_rate)
        train_op = optimizer.minimize(loss, global_step=global_step)
        return train_op


def digits_to_questions(images):
    blocks = images.reshape(-1, 4, 2, 4, 2).sum(axis=(2, 4)).reshape(-1, 16)
    tokens = np.minimum(blocks // 8, 7).astype(np.int32) + 1
    nonempty = blocks > 0
    lengths = 16 - np.argmax(nonempty[:, ::-1], axis=1)
    positions = np.arange(16)[None, :]
    tokens = np.where(positions < lengths[:, None], tokens, 0)
    return tokens, lengths.astype(np.int32)


def make_pairs(labels, lo, hi, n, rng):
    idx = np.arange(lo, hi)
    by_class = [idx[labels[idx] == c] for c in range(10)]
    first = rng.choice(idx, n)
    second = np.array([rng.choice(by_class[labels[i]]) if k % 2 == 0
                       else rng.choice(idx) for k, i in enumerate(first)])
    return first, second, (labels[first] == labels[second]).astype(np.int32)


def minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def main():
    config = Config()
    digits = load_digits()
    tokens, lengths = digits_to_questions(digits.data)
    labels = digits.target
    rng = np.random.RandomState(0)
    tr1, tr2, tr_y = make_pairs(labels, 0, 1300, 5000, rng)
    te1, te2, te_y = make_pairs(labels, 1300, len(labels), 800, rng)
    pretrained = rng.normal(0.0, 0.5, size=(9, config.embed_size)).astype(np.float32)

    with tf.Graph().as_default():
        tf.set_random_seed(1)
        model = SiameseModel(config, pretrained)
        init = tf.global_variables_initializer()
        with tf.Session() as session:
            session.run(init)
            for epoch in range(config.n_epochs):
                losses = []
                for batch in minibatches(len(tr_y), config.batch_size, rng):
                    i, j = tr1[batch], tr2[batch]
                    losses.append(model.train_on_batch(session, tokens[i], tokens[j],
                                                       lengths[i], lengths[j], tr_y[batch]))
                print("epoch %d loss %.4f" % (epoch, np.mean(losses)))
            scores = model.predict_on_batch(session, tokens[te1], tokens[te2],
                                            lengths[te1], lengths[te2])

    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=1.0 - scores, same=te_y)


if __name__ == "__main__":
    main()
