"""Held-out program (round AI) mirroring THTBSE/siamese-lstm-network (``siamese_lstm.py``,
``train.py``, ``utils.py``): a Siamese bidirectional LSTM over token sequences with a cosine
"energy" and a contrastive loss on it. Rewritten in our own words and scaled to sklearn's
digits: each 8x8 image becomes a 16-token "sentence" (the 2x2 block sums quantised to 0..8,
token 9 is the padding id the repository puts last in its vocabulary), pairs are same / other
class.

Idioms kept: a model class whose ``__init__`` builds everything (placeholders int32 ``[None, T]``
and float32 ``[None]``); an embedding made with ``tf.Variable(tf.truncated_normal(...))`` under
``tf.device('/cpu:0')`` and read twice with ``tf.nn.embedding_lookup``; the embedded batch made
time-major and split into a Python list of T tensors (``transpose`` / ``reshape`` / ``split``) for
``tf.contrib.rnn.static_bidirectional_rnn``; ``MultiRNNCell`` of ``LSTMCell`` wrapped in
``DropoutWrapper(output_keep_prob=keep_prob)`` with keep_prob a Python float; the outputs
averaged over time (``reduce_mean(outputs, 0)``); separate dense weights per side
(``weight_variables`` / ``bias_variables`` helpers: truncated normal 0.1 / constant 0.1); cosine
written out with reduce_sum / sqrt; loss ``sum(y * 0.25 (1 - Ew)^2 + (1 - y) max(Ew, 0)^2)``;
``tf.gradients`` over ``tf.trainable_variables()`` clipped by global norm, Adam(1e-3)
``apply_gradients``; ``tf.flags`` parameters; an ``InputHelper`` batch iterator with
``reset_batch`` / ``next_batch`` / ``eos``; the training loop swapping x1 / x2 at random.

Sharing in TF1: NO between the towers - ``bi_lstm`` runs under ``variable_scope('output_x1')``
and ``('output_x2')`` and makes new cells each call, and each side has its own dense layer; only
the embedding is shared. YES inside a tower: the backward MultiRNNCell is built from the FORWARD
cell list (``lstm_fw_cell_list`` written twice), so TF1 runs the same LSTMCell objects both ways
and the backward direction reads the forward weights.

Bugs kept: that backward cell list; unshared towers (a Siamese net whose two sides are two
networks); dropout with a constant keep (0.9 here: the flag default) that is also active when the held-out pairs are
scored (the same graph is evaluated); ``learning_rate`` / ``decay_rate`` flags never used (Adam
is built with 1e-3). Not kept: ``FLAGS._parse_flags()`` (gone since TF 1.5), Python 2 prints,
the checkpoint saver and summaries to disk.
"""
import os
import random

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

tf.flags.DEFINE_integer('rnn_size', 16, 'hidden units of the RNN and embedding size')
tf.flags.DEFINE_float('dropout_keep_prob', 0.9, 'dropout keep probability')
tf.flags.DEFINE_integer('layer_size', 1, 'number of stacked LSTM layers')
tf.flags.DEFINE_integer('batch_size', 64, 'batch size')
tf.flags.DEFINE_integer('sequence_length', 16, 'tokens per sequence')
tf.flags.DEFINE_float('grad_clip', 5.0, 'clip gradients at this global norm')
tf.flags.DEFINE_integer('num_epochs', 30, 'training epochs')
tf.flags.DEFINE_float('learning_rate', 0.002, 'learning rate (unused)')
tf.flags.DEFINE_float('decay_rate', 0.97, 'decay rate (unused)')
FLAGS = tf.flags.FLAGS


def digits_to_tokens(images):
    """2x2 block sums of an 8x8 digit (0..64) quantised to 9 levels: a 16-token sequence."""
    blocks = images.reshape(-1, 4, 2, 4, 2).sum(axis=(2, 4))
    return np.minimum(blocks // 8, 8).reshape(-1, 16).astype(np.int64)


def make_pairs(tokens, labels, n, rng):
    by_class = [np.where(labels == c)[0] for c in range(10)]
    a, b, y = [], [], []
    for k in range(n):
        i = rng.randint(len(labels))
        if k % 2 == 0:
            j = rng.choice(by_class[labels[i]])
        else:
            j = rng.choice(np.where(labels != labels[i])[0])
        a.append(tokens[i])
        b.append(tokens[j])
        y.append(1 if labels[i] == labels[j] else 0)
    return np.array(a), np.array(b), np.array(y)


class InputHelper(object):
    """Pairs in a shuffled array, served in order until the end of the epoch."""

    def __init__(self, x1, x2, y, batch_size):
        self.batch_size = batch_size
        self.vocab_size = 10
        self.num_samples = len(y)
        self.num_batches = self.num_samples // batch_size
        order = np.random.permutation(self.num_samples)
        self.x1, self.x2, self.y = x1[order], x2[order], y[order]
        self.reset_batch()

    def next_batch(self):
        start = self.pointer
        stop = start + self.batch_size
        batch = self.x1[start:stop], self.x2[start:stop], self.y[start:stop]
        if stop >= self.num_samples:
            self.eos = True
        else:
            self.pointer = stop
        return batch

    def reset_batch(self):
        self.pointer = 0
        self.eos = False


class SiameseLSTM(object):

    def bi_lstm(self, inputs, rnn_size, layer_size, keep_prob):
        with tf.name_scope('fw_rnn'), tf.variable_scope('fw_rnn'):
            fw_cells = [tf.contrib.rnn.LSTMCell(rnn_size) for _ in range(layer_size)]
            fw_multi = tf.contrib.rnn.DropoutWrapper(tf.contrib.rnn.MultiRNNCell(fw_cells),
                                                     output_keep_prob=keep_prob)
        with tf.name_scope('bw_rnn'), tf.variable_scope('bw_rnn'):
            bw_cells = [tf.contrib.rnn.LSTMCell(rnn_size) for _ in range(layer_size)]
            bw_multi = tf.contrib.rnn.DropoutWrapper(tf.contrib.rnn.MultiRNNCell(fw_cells),
                                                     output_keep_prob=keep_prob)
        with tf.name_scope('bi_rnn'), tf.variable_scope('bi_rnn'):
            outputs, _, _ = tf.contrib.rnn.static_bidirectional_rnn(fw_multi, bw_multi, inputs,
                                                                    dtype=tf.float32)
            return tf.reduce_mean(outputs, 0)

    def weight_variables(self, shape, name):
        return tf.Variable(tf.truncated_normal(shape=shape, stddev=0.1), name=name)

    def bias_variables(self, shape, name):
        return tf.Variable(tf.constant(0.1, shape=shape), name=name)

    def transform_inputs(self, inputs, rnn_size, sequence_length):
        inputs = tf.transpose(inputs, [1, 0, 2])
        inputs = tf.reshape(inputs, [-1, rnn_size])
        return tf.split(inputs, sequence_length, 0)

    def contrastive_loss(self, Ew, y):
        l_1 = 0.25 * tf.square(1 - Ew)
        l_0 = tf.square(tf.maximum(Ew, 0))
        return tf.reduce_sum(y * l_1 + (1 - y) * l_0)

    def __init__(self, rnn_size, layer_size, vocab_size, sequence_length, keep_prob, grad_clip):
        self.input_x1 = tf.placeholder(tf.int32, shape=[None, sequence_length], name='input_x')
        self.input_x2 = tf.placeholder(tf.int32, shape=[None, sequence_length], name='input_y')

        with tf.device('/cpu:0'):
            embedding = self.weight_variables([vocab_size, rnn_size], 'embedding')
            emb_x1 = tf.nn.embedding_lookup(embedding, self.input_x1)
            emb_x2 = tf.nn.embedding_lookup(embedding, self.input_x2)

        steps_x1 = self.transform_inputs(emb_x1, rnn_size, sequence_length)
        steps_x2 = self.transform_inputs(emb_x2, rnn_size, sequence_length)

        with tf.variable_scope('output_x1'):
            out_x1 = self.bi_lstm(steps_x1, rnn_size, layer_size, keep_prob)
        with tf.variable_scope('output_x2'):
            out_x2 = self.bi_lstm(steps_x2, rnn_size, layer_size, keep_prob)

        with tf.variable_scope('dense_layer'):
            fc_w1 = self.weight_variables([2 * rnn_size, 32], 'fc_w1')
            fc_w2 = self.weight_variables([2 * rnn_size, 32], 'fc_w2')
            fc_b1 = self.bias_variables([32], 'fc_b1')
            fc_b2 = self.bias_variables([32], 'fc_b2')
            self.logits_1 = tf.matmul(out_x1, fc_w1) + fc_b1
            self.logits_2 = tf.matmul(out_x2, fc_w2) + fc_b2

        dot = tf.reduce_sum(tf.multiply(self.logits_1, self.logits_2), 1)
        norm1 = tf.sqrt(tf.reduce_sum(tf.square(self.logits_1), 1))
        norm2 = tf.sqrt(tf.reduce_sum(tf.square(self.logits_2), 1))
        self.Ew = dot / (norm1 * norm2)

        self.y_data = tf.placeholder(tf.float32, shape=[None], name='y_data')
        self.cost = self.contrastive_loss(self.Ew, self.y_data)

        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars), grad_clip)
        optimizer = tf.train.AdamOptimizer(1e-3)
        self.train_op = optimizer.apply_gradients(zip(grads, tvars))


def train():
    tf.set_random_seed(7)
    np.random.seed(7)
    random.seed(7)
    digits = load_digits()
    tokens = digits_to_tokens(digits.images)
    labels = digits.target
    rng = np.random.RandomState(0)
    cut = 1400
    tr1, tr2, try_ = make_pairs(tokens[:cut], labels[:cut], 3000, rng)
    te1, te2, tey = make_pairs(tokens[cut:], labels[cut:], 600, rng)

    loader = InputHelper(tr1, tr2, try_, FLAGS.batch_size)
    model = SiameseLSTM(FLAGS.rnn_size, FLAGS.layer_size, loader.vocab_size,
                        FLAGS.sequence_length, FLAGS.dropout_keep_prob, FLAGS.grad_clip)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for e in range(FLAGS.num_epochs):
            loader.reset_batch()
            b = 0
            while not loader.eos:
                b += 1
                x1_batch, x2_batch, y_batch = loader.next_batch()
                if random.random() > 0.5:
                    feed = {model.input_x1: x1_batch, model.input_x2: x2_batch, model.y_data: y_batch}
                else:
                    feed = {model.input_x1: x2_batch, model.input_x2: x1_batch, model.y_data: y_batch}
                train_loss, _ = sess.run([model.cost, model.train_op], feed_dict=feed)
                if b % 20 == 0:
                    print('{}/{} (epoch {}), train_loss = {:.3f}'.format(
                        e * loader.num_batches + b, FLAGS.num_epochs * loader.num_batches, e, train_loss))

        energy = sess.run(model.Ew, feed_dict={model.input_x1: te1, model.input_x2: te2})
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=1.0 - energy, same=tey)


if __name__ == '__main__':
    train()
