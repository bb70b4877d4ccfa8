"""Held-out program (round AI) mirroring jx00109/siamese-lstm-for-sentence-similarity
(``lstmRNN.py``, ``train.py``): a MaLSTM (exp(-L1) of two LSTM sentence vectors) trained on
relatedness scores 1..5. Rewritten in our own words and scaled to sklearn's digits: an 8x8 image
is a "sentence" of 8 words (its rows, already-embedded 8-float vectors, as the repository feeds
word2vec vectors), trailing blank rows are padding the mask leaves out; a same-class pair scores
5, another class 1.

Idioms kept: ``tf.app.flags`` read into a ``Config`` class; a model class taking
``(config, sess, is_training)`` with float32 placeholders ``[None, T, D]``, masks ``[None, T]`` and
a score ``[None]``; the batch size as a NON-trainable ``tf.Variable(0, tf.int32)`` set before every
run by ``tf.assign`` from a placeholder (``assign_new_batch_size``) and used by
``cell.zero_state(self.batch_size)``; ``singleRNN(x, scope, reuse)`` building
``tf.contrib.rnn.BasicLSTMCell(n, forget_bias=1.0, reuse=tf.get_variable_scope().reuse)`` under
``variable_scope('lstmcell' + scope, reuse=reuse)`` and running ``tf.nn.dynamic_rnn(...,
initial_state=...)`` under ``variable_scope('RNN_' + scope)``; sentence vectors as the
mask-weighted SUM of the outputs; ``clip_by_value(exp(-L1))``; loss ``(sim - (score - 1) / 4)^2``;
``sess.run(local_variables_initializer())`` inside the constructor; gradient summaries (histogram / zero_fraction) merged; the learning rate
as a ``tf.Variable`` assigned from a placeholder (``assign_new_lr``), Adadelta
``apply_gradients`` of ``clip_by_global_norm`` gradients; a training model under
``variable_scope('model', initializer=random_normal_initializer(0, 0.2))`` and an evaluation model
built again under ``variable_scope('model', reuse=True)``; a ``batch_iter`` generator.

Sharing in TF1: YES - both sides use scope 'side1' and the second cell is made with reuse=True,
so both read ``model/RNN_side1/rnn/basic_lstm_cell/kernel``; the evaluation model (reuse=True)
reads the training model's weights too.

Bugs kept: ``keep_prob`` configured but never applied; the ``batch_size`` Variable must be
assigned before each run (the evaluation assigns it too); the masked SUM makes longer sentences
farther apart. Changed: the learning-rate flag is 1.0 (the repository's 1e-4 with Adadelta does
not move in a minute); ``zero_state(tf.identity(batch_size))``: TF 2.21's compat.v1 zero_state
rejects the Variable itself (TF1 read it as a tensor); no word2vec, checkpoints or summary files;
``tf.contrib.metrics.streaming_pearson_correlation`` (not in the legacy runtime).
"""
import os

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

flags = tf.app.flags
FLAGS = flags.FLAGS

flags.DEFINE_integer('batch_size', 32, 'the batch size of the training procedure')
flags.DEFINE_float('lr', 1.0, 'the learning rate')
flags.DEFINE_integer('emdedding_dim', 8, 'embedding dim')
flags.DEFINE_integer('hidden_neural_size', 16, 'LSTM hidden neural size')
flags.DEFINE_integer('max_len', 8, 'max_len of a sentence')
flags.DEFINE_float('keep_prob', 0.5, 'dropout rate')
flags.DEFINE_integer('num_epoch', 8, 'num epoch')
flags.DEFINE_integer('max_grad_norm', 5, 'max_grad_norm')


class Config(object):
    hidden_neural_size = FLAGS.hidden_neural_size
    embed_dim = FLAGS.emdedding_dim
    keep_prob = FLAGS.keep_prob
    lr = FLAGS.lr
    batch_size = FLAGS.batch_size
    num_step = FLAGS.max_len
    max_grad_norm = FLAGS.max_grad_norm
    num_epoch = FLAGS.num_epoch


class LSTMRNN(object):
    def singleRNN(self, x, scope, reuse=None):
        with tf.variable_scope('lstmcell' + scope, reuse=reuse):
            used_cell = tf.contrib.rnn.BasicLSTMCell(self.hidden_neural_size, forget_bias=1.0,
                                                     state_is_tuple=True,
                                                     reuse=tf.get_variable_scope().reuse)
        with tf.variable_scope('cell_init_state' + scope, reuse=reuse):
            self.cell_init_state = used_cell.zero_state(tf.identity(self.batch_size), dtype=tf.float32)
        with tf.name_scope('RNN_' + scope), tf.variable_scope('RNN_' + scope):
            outs, _ = tf.nn.dynamic_rnn(used_cell, x, initial_state=self.cell_init_state, time_major=False)
        return outs

    def __init__(self, config, sess, is_training=True):
        self.keep_prob = config.keep_prob
        self.batch_size = tf.Variable(0, dtype=tf.int32, trainable=False)
        num_step = config.num_step
        embed_dim = config.embed_dim
        self.input_data_s1 = tf.placeholder(tf.float32, [None, num_step, embed_dim])
        self.input_data_s2 = tf.placeholder(tf.float32, [None, num_step, embed_dim])
        self.target = tf.placeholder(tf.float32, [None])
        self.mask_s1 = tf.placeholder(tf.float32, [None, num_step])
        self.mask_s2 = tf.placeholder(tf.float32, [None, num_step])
        self.hidden_neural_size = config.hidden_neural_size
        self.new_batch_size = tf.placeholder(tf.int32, shape=[], name='new_batch_size')
        self._batch_size_update = tf.assign(self.batch_size, self.new_batch_size)

        with tf.name_scope('lstm_output_layer'):
            self.cell_outputs1 = self.singleRNN(x=self.input_data_s1, scope='side1', reuse=None)
            self.cell_outputs2 = self.singleRNN(x=self.input_data_s2, scope='side1', reuse=True)

        with tf.name_scope('Sentence_Layer'):
            self.sent1 = tf.reduce_sum(self.cell_outputs1 * self.mask_s1[:, :, None], axis=1)
            self.sent2 = tf.reduce_sum(self.cell_outputs2 * self.mask_s2[:, :, None], axis=1)

        with tf.name_scope('loss'):
            diff = tf.reduce_sum(tf.abs(tf.subtract(self.sent1, self.sent2)), axis=1)
            self.sim = tf.clip_by_value(tf.exp(-1.0 * diff), 1e-7, 1.0 - 1e-7)
            self.loss = tf.square(tf.subtract(self.sim, tf.clip_by_value((self.target - 1.0) / 4.0, 1e-7, 1.0 - 1e-7)))

        with tf.name_scope('pearson_r'):
            sess.run(tf.local_variables_initializer())

        with tf.name_scope('cost'):
            self.cost = tf.reduce_mean(self.loss)
            self.truecost = tf.reduce_mean(tf.square(tf.subtract(self.sim * 4.0 + 1.0, self.target)))

        cost_summary = tf.summary.scalar('cost_summary', self.cost)
        r_summary = tf.summary.scalar('mse_summary', self.truecost)

        if not is_training:
            return

        self.lr = tf.Variable(0.0, trainable=False)
        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars), config.max_grad_norm)
        grad_summaries = []
        for g, v in zip(grads, tvars):
            if g is not None:
                grad_summaries.append(tf.summary.histogram('{}/grad/hist'.format(v.name), g))
                grad_summaries.append(tf.summary.scalar('{}/grad/sparsity'.format(v.name), tf.nn.zero_fraction(g)))
        self.summary = tf.summary.merge([cost_summary, r_summary] + grad_summaries)

        optimizer = tf.train.AdadeltaOptimizer(learning_rate=self.lr)
        with tf.name_scope('train'):
            self.train_op = optimizer.apply_gradients(zip(grads, tvars))
        self.new_lr = tf.placeholder(tf.float32, shape=[], name='new_learning_rate')
        self._lr_update = tf.assign(self.lr, self.new_lr)

    def assign_new_lr(self, session, lr_value):
        lr, _ = session.run([self.lr, self._lr_update], feed_dict={self.new_lr: lr_value})
        return lr

    def assign_new_batch_size(self, session, batch_size_value):
        session.run(self._batch_size_update, feed_dict={self.new_batch_size: batch_size_value})


def load_pairs(n, lo, hi, rng):
    digits = load_digits()
    rows = (digits.images / 16.0).astype(np.float32)[lo:hi]
    labels = digits.target[lo:hi]
    filled = (rows.sum(axis=2) > 0).astype(np.float32)
    last = 8 - np.argmax(filled[:, ::-1], axis=1)
    masks = (np.arange(8)[None, :] < last[:, None]).astype(np.float32)
    x1, x2, y, m1, m2 = [], [], [], [], []
    for k in range(n):
        i = rng.randint(len(labels))
        pool = np.where(labels == labels[i])[0] if k % 2 == 0 else np.where(labels != labels[i])[0]
        j = rng.choice(pool)
        x1.append(rows[i]), x2.append(rows[j]), m1.append(masks[i]), m2.append(masks[j])
        y.append(5.0 if labels[i] == labels[j] else 1.0)
    return [np.array(x1), np.array(x2), np.array(y, np.float32), np.array(m1), np.array(m2)]


def batch_iter(data, batch_size):
    x1, x2, y, m1, m2 = data
    for start in range(0, len(y), batch_size):
        stop = start + batch_size
        yield x1[start:stop], x2[start:stop], y[start:stop], m1[start:stop], m2[start:stop]


def run_epoch(model, session, data, global_steps):
    for s1, s2, y, mask_s1, mask_s2 in batch_iter(data, batch_size=FLAGS.batch_size):
        feed_dict = {}
        feed_dict[model.input_data_s1] = s1
        feed_dict[model.input_data_s2] = s2
        feed_dict[model.target] = y
        feed_dict[model.mask_s1] = mask_s1
        feed_dict[model.mask_s2] = mask_s2
        model.assign_new_batch_size(session, len(s1))
        cost, _, _ = session.run([model.truecost, model.train_op, model.summary], feed_dict)
        if global_steps % 50 == 0:
            print('step %d, train cost %f' % (global_steps, cost))
        global_steps += 1
    return global_steps


def train_step():
    config = Config()
    eval_config = Config()
    eval_config.keep_prob = 1.0
    rng = np.random.RandomState(0)
    data = load_pairs(2400, 0, 1400, rng)
    test_data = load_pairs(600, 1400, 1797, rng)
    with tf.Graph().as_default(), tf.Session() as session:
        tf.set_random_seed(3)
        initializer = tf.random_normal_initializer(0.0, 0.2, dtype=tf.float32)
        with tf.variable_scope('model', reuse=None, initializer=initializer):
            model = LSTMRNN(config=config, sess=session, is_training=True)
        with tf.variable_scope('model', reuse=True, initializer=initializer):
            test_model = LSTMRNN(config=eval_config, sess=session, is_training=False)
        tf.global_variables_initializer().run()
        global_steps = 1
        for i in range(config.num_epoch):
            model.assign_new_lr(session, config.lr)
            global_steps = run_epoch(model, session, data, global_steps)
        x1, x2, y, m1, m2 = test_data
        test_model.assign_new_batch_size(session, len(x1))
        sim = session.run(test_model.sim, {test_model.input_data_s1: x1, test_model.input_data_s2: x2,
                                           test_model.mask_s1: m1, test_model.mask_s2: m2})
    np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=1.0 - sim, same=(y > 3).astype(np.int64))


def main(_):
    train_step()


if __name__ == '__main__':
    tf.app.run()
