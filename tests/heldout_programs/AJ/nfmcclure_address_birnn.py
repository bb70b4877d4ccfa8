"""Held-out program (round AJ) mirroring nfmcclure/tensorflow_cookbook, chapter 09 recipe 06
"Training a Siamese Similarity Measure" (``siamese_similarity_model.py`` + the driver): a
Siamese bidirectional LSTM over one-hot characters, a dense layer on the time-average of the
outputs, L2-normalised outputs and their dot product (cosine) as the score, and the recipe's own
margin loss written with ``tf.equal`` / ``tf.less`` / ``tf.logical_and``. Rewritten in our own
words and scaled to sklearn's digits: every 8x8 image becomes a 16-"character" string (2x2 block
sums quantised to 9 levels, ids 1..9; id 0 is the padding id the recipe reserves), a pair is
"similar" when both digits have the same class.

Idioms kept: a module-level ``tf.Session()`` opened before the graph is built; placeholders
int32 ``[None, L]`` for both strings, int32 ``[None]`` targets and a scalar float dropout keep;
the one-hot table ``tf.diag(tf.ones(shape=[vocab]))`` read by ``tf.nn.embedding_lookup``; the
model in a function ``snn(...)`` with a NESTED ``siamese_nn`` that builds new
``BasicLSTMCell(forget_bias=1.0)`` wrapped in ``DropoutWrapper(output_keep_prob=keep)`` for
each direction, ``tf.split(axis=1, num_or_size_splits=L, value=x)`` then a list comprehension of
``tf.squeeze(x, axis=[1])``, ``tf.contrib.rnn.static_bidirectional_rnn`` (in a try / except
that retries without unpacking, as the recipe does), ``tf.add_n(outputs) / L`` as the temporal
mean, ``tf.get_variable`` A / b with ``random_normal_initializer(stddev=0.1)``, and
``tf.nn.dropout(final, keep)`` on the output; the first tower at the root scope, the second
under ``tf.variable_scope(tf.get_variable_scope(), reuse=True)`` (sharing in TF1: YES, the LSTM
kernels by their ``bidirectional_rnn/fw|bw`` names and A / b); ``tf.nn.l2_normalize(o, 1)``;
``tf.sign`` predictions and an accuracy op; Adam(0.01).minimize; the deprecated
``tf.initialize_all_variables()``; a loop over freshly drawn batches, half of each batch
re-paired by ``np.roll`` to make the dissimilar half.

Bug kept: the driver labels dissimilar pairs ``-1`` while the loss expects 0 / 1 (its comments
say so), so ``neg_mult`` is 2 on them, ``pos_mult`` is -1 and the margin branch
(``target_zero``) never fires. Not kept: matplotlib plots, the address typo generator.
"""
import os

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

sess = tf.Session()

batch_size = 100
n_batches = 300
max_address_len = 16
margin = 0.25
num_features = 24
dropout_keep_prob = 0.8
vocab_length = 10


def digits_to_chars(images):
    blocks = images.reshape(-1, 4, 2, 4, 2).sum(axis=(2, 4))
    return (np.minimum(blocks // 8, 8) + 1).reshape(-1, 16).astype(np.int64)


def snn(address1, address2, dropout_keep_prob, vocab_size, num_features, input_length):

    def siamese_nn(input_vector, num_hidden):
        cell_unit = tf.contrib.rnn.BasicLSTMCell
        lstm_forward_cell = cell_unit(num_hidden, forget_bias=1.0)
        lstm_forward_cell = tf.contrib.rnn.DropoutWrapper(lstm_forward_cell,
                                                          output_keep_prob=dropout_keep_prob)
        lstm_backward_cell = cell_unit(num_hidden, forget_bias=1.0)
        lstm_backward_cell = tf.contrib.rnn.DropoutWrapper(lstm_backward_cell,
                                                           output_keep_prob=dropout_keep_prob)

        input_embed_split = tf.split(axis=1, num_or_size_splits=input_length, value=input_vector)
        input_embed_split = [tf.squeeze(x, axis=[1]) for x in input_embed_split]

        try:
            outputs, _, _ = tf.contrib.rnn.static_bidirectional_rnn(lstm_forward_cell,
                                                                    lstm_backward_cell,
                                                                    input_embed_split,
                                                                    dtype=tf.float32)
        except Exception:
            outputs = tf.contrib.rnn.static_bidirectional_rnn(lstm_forward_cell,
                                                              lstm_backward_cell,
                                                              input_embed_split,
                                                              dtype=tf.float32)
        temporal_mean = tf.add_n(outputs) / input_length

        output_size = 10
        A = tf.get_variable(name="A", shape=[2 * num_hidden, output_size], dtype=tf.float32,
                            initializer=tf.random_normal_initializer(stddev=0.1))
        b = tf.get_variable(name="b", shape=[output_size], dtype=tf.float32,
                            initializer=tf.random_normal_initializer(stddev=0.1))
        final_output = tf.matmul(temporal_mean, A) + b
        final_output = tf.nn.dropout(final_output, dropout_keep_prob)
        return final_output

    output1 = siamese_nn(address1, num_features)
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        output2 = siamese_nn(address2, num_features)

    output1 = tf.nn.l2_normalize(output1, 1)
    output2 = tf.nn.l2_normalize(output2, 1)
    dot_prod = tf.reduce_sum(tf.multiply(output1, output2), 1)
    return dot_prod


def get_predictions(scores):
    return tf.sign(scores, name="predictions")


def loss(scores, y_target, margin):
    pos_loss_term = 0.25 * tf.square(tf.subtract(1., scores))
    pos_mult = tf.cast(y_target, tf.float32)
    positive_loss = tf.multiply(pos_mult, pos_loss_term)
    neg_mult = tf.subtract(1., tf.cast(y_target, tf.float32))
    negative_loss = neg_mult * tf.square(scores)
    loss = tf.add(positive_loss, negative_loss)
    target_zero = tf.equal(tf.cast(y_target, tf.float32), 0.)
    less_than_margin = tf.less(scores, margin)
    both_logical = tf.logical_and(target_zero, less_than_margin)
    both_logical = tf.cast(both_logical, tf.float32)
    multiplicative_factor = tf.cast(1. - both_logical, tf.float32)
    total_loss = tf.multiply(loss, multiplicative_factor)
    return tf.reduce_mean(total_loss)


def accuracy(scores, y_target):
    predictions = get_predictions(scores)
    y_target_int = tf.cast(y_target, tf.int32)
    predictions_int = tf.cast(tf.sign(predictions), tf.int32)
    correct_predictions = tf.equal(predictions_int, y_target_int)
    return tf.reduce_mean(tf.cast(correct_predictions, tf.float32))


digits = load_digits()
chars = digits_to_chars(digits.data)
labels = digits.target
cut = 1400
rng = np.random.RandomState(0)
train_chars, train_labels = chars[:cut], labels[:cut]
by_class = [np.where(train_labels == c)[0] for c in range(10)]


def get_batch(n):
    """Half similar pairs (same class), the other half re-paired by np.roll (target -1)."""
    first = rng.randint(0, cut, size=n)
    second = np.array([rng.choice(by_class[train_labels[i]]) for i in first])
    half_ix = int(n / 2)
    second[half_ix:] = np.roll(second[half_ix:], 1)
    same = (train_labels[first] == train_labels[second])
    target = np.where(np.arange(n) < half_ix, 1, np.where(same, 1, -1))
    return [[train_chars[i], train_chars[j], t] for i, j, t in zip(first, second, target)]


address1_ph = tf.placeholder(tf.int32, [None, max_address_len], name="address1_ph")
address2_ph = tf.placeholder(tf.int32, [None, max_address_len], name="address2_ph")
y_target_ph = tf.placeholder(tf.int32, [None], name="y_target_ph")
dropout_keep_prob_ph = tf.placeholder(tf.float32, name="dropout_keep_prob")

identity_mat = tf.diag(tf.ones(shape=[vocab_length]))
address1_embed = tf.nn.embedding_lookup(identity_mat, address1_ph)
address2_embed = tf.nn.embedding_lookup(identity_mat, address2_ph)

text_snn = snn(address1_embed, address2_embed, dropout_keep_prob_ph,
               vocab_length, num_features, max_address_len)
batch_accuracy = accuracy(text_snn, y_target_ph)
batch_loss = loss(text_snn, y_target_ph, margin)
predictions = get_predictions(text_snn)

optimizer = tf.train.AdamOptimizer(0.01)
train_op = optimizer.minimize(batch_loss)

init = tf.initialize_all_variables()
sess.run(init)

for b in range(n_batches):
    batch_data = get_batch(batch_size)
    rng.shuffle(batch_data)
    address1 = np.array([x[0] for x in batch_data])
    address2 = np.array([x[1] for x in batch_data])
    target_similarity = np.array([x[2] for x in batch_data])
    train_feed_dict = {address1_ph: address1, address2_ph: address2,
                       y_target_ph: target_similarity,
                       dropout_keep_prob_ph: dropout_keep_prob}
    _, train_loss, train_acc = sess.run([train_op, batch_loss, batch_accuracy],
                                        feed_dict=train_feed_dict)
    if b % 50 == 0:
        print('Training Metrics, Batch {0}: Loss={1:.3f}, Accuracy={2:.3f}.'.format(
            b, train_loss, train_acc))

test_chars, test_labels = chars[cut:], labels[cut:]
ia = rng.randint(0, len(test_chars), size=600)
ib = rng.randint(0, len(test_chars), size=600)
ib[:300] = [rng.choice(np.where(test_labels == test_labels[i])[0]) for i in ia[:300]]
same = (test_labels[ia] == test_labels[ib]).astype(np.int64)
scores = sess.run(text_snn, feed_dict={address1_ph: test_chars[ia], address2_ph: test_chars[ib],
                                       dropout_keep_prob_ph: 1.0})
np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=1.0 - scores, same=same)
