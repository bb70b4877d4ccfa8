"""Held-out program (round AH). Mirrors yoavalon/TensorflowMnistCNN (FinalVersion.py): a
triplet network on MNIST parity built with tf.contrib.layers.

What it keeps from the repository (its idioms and its bugs):
- three float placeholders x1 / x2 / x3 (negative, positive, anchor), each reshaped to a FIXED
  batch size before the towers, and a one-hot parity placeholder y_;
- the towers are one method called three times under ``tf.variable_scope("triplet")`` with
  ``scope.reuse_variables()`` between the calls; the method's default argument is
  ``reuse=tf.AUTO_REUSE`` and it starts with ``if reuse: tf.get_variable_scope().reuse_variables()``;
  every layer is ``tf.contrib.layers.conv2d(..., scope=scope, reuse=reuse)`` inside its own
  ``tf.variable_scope("convN") as scope`` followed by ``tf.contrib.layers.max_pool2d(padding='SAME')``;
  the last conv has 2 channels and no activation: the embedding is 2 numbers;
- the triplet loss uses the MEAN (not the sum) of squared differences per row and a small margin;
- a classification head on the anchor embedding (three fully_connected layers of width 2 with
  relu, then contrib dropout with keep_prob=0.3 and is_training=True, so dropout is always on),
  a softmax_cross_entropy_with_logits_v2 loss and a second Adam minimize that is built and NEVER
  run (bug kept); the head's outputs are fetched in the training run;
- ``sess = tf.InteractiveSession(graph=g)`` makes g the default graph; initialize_all_variables().run().

Sharing in TF1: yes (the three towers share conv1..conv5 through reuse).
Digits 8x8 instead of MNIST; the label is the parity of the digit, as in the repository.
Held-out pairs: two test digits, same = same parity; d = Euclidean distance of anchor-tower
embeddings.
"""
import os

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

batchSize = 40
epochs = 300
margin = 0.1
learningRate = 0.001
displaySteps = 50
dropout = 0.3

digits = load_digits()
images = (digits.data / 16.0).astype(np.float32)
labels = digits.target
train_x, train_lab = images[:1400], labels[:1400]
test_x, test_lab = images[1400:], labels[1400:]
np.random.seed(0)


class TripletNet:

    def __init__(self):
        self.x1 = tf.placeholder(tf.float32, [None, 64])
        self.x2 = tf.placeholder(tf.float32, [None, 64])
        self.x3 = tf.placeholder(tf.float32, [None, 64])
        self.y_ = tf.placeholder(tf.float32, [None, 2])

        with tf.variable_scope("triplet") as scope:
            self.output1 = self.network(tf.reshape(self.x1, [batchSize, 8, 8, 1]))
            scope.reuse_variables()
            self.output2 = self.network(tf.reshape(self.x2, [batchSize, 8, 8, 1]))
            scope.reuse_variables()
            self.output3 = self.network(tf.reshape(self.x3, [batchSize, 8, 8, 1]))
            self.classOutput = self.classification(self.output3)

        self.classLoss = self.ClassLoss()
        self.loss = self.TripletLoss()
        self.Accuracy = self.GetAccuracy()

    def network(self, input, reuse=tf.AUTO_REUSE):
        if (reuse):
            tf.get_variable_scope().reuse_variables()

        with tf.name_scope("network"):
            with tf.variable_scope("conv1") as scope:
                net = tf.contrib.layers.conv2d(input, 16, [7, 7], activation_fn=tf.nn.relu, padding='SAME',
                                               weights_initializer=tf.contrib.layers.xavier_initializer_conv2d(),
                                               biases_initializer=tf.zeros_initializer(), scope=scope, reuse=reuse)
                net = tf.contrib.layers.max_pool2d(net, [2, 2], padding='SAME')
            with tf.variable_scope("conv2") as scope:
                net = tf.contrib.layers.conv2d(net, 32, [5, 5], activation_fn=tf.nn.relu, padding='SAME',
                                               weights_initializer=tf.contrib.layers.xavier_initializer_conv2d(),
                                               scope=scope, reuse=reuse)
                net = tf.contrib.layers.max_pool2d(net, [2, 2], padding='SAME')
            with tf.variable_scope("conv3") as scope:
                net = tf.contrib.layers.conv2d(net, 32, [3, 3], activation_fn=tf.nn.relu, padding='SAME',
                                               weights_initializer=tf.contrib.layers.xavier_initializer_conv2d(),
                                               scope=scope, reuse=reuse)
                net = tf.contrib.layers.max_pool2d(net, [2, 2], padding='SAME')
            with tf.variable_scope("conv4") as scope:
                net = tf.contrib.layers.conv2d(net, 64, [1, 1], activation_fn=tf.nn.relu, padding='SAME',
                                               weights_initializer=tf.contrib.layers.xavier_initializer_conv2d(),
                                               scope=scope, reuse=reuse)
                net = tf.contrib.layers.max_pool2d(net, [2, 2], padding='SAME')
            with tf.variable_scope("conv5") as scope:
                net = tf.contrib.layers.conv2d(net, 2, [1, 1], activation_fn=None, padding='SAME',
                                               weights_initializer=tf.contrib.layers.xavier_initializer_conv2d(),
                                               scope=scope, reuse=reuse)
                net = tf.contrib.layers.max_pool2d(net, [2, 2], padding='SAME')

        net = tf.contrib.layers.flatten(net)
        return net

    def classification(self, input, reuse=tf.AUTO_REUSE):
        if (reuse):
            tf.get_variable_scope().reuse_variables()

        with tf.name_scope("classification"):
            with tf.variable_scope("FullyConnected1"):
                net = tf.contrib.layers.fully_connected(input, 2, reuse=reuse, activation_fn=tf.nn.relu,
                                                        biases_initializer=tf.zeros_initializer(),
                                                        scope='FullyConnected1')
            with tf.variable_scope("FullyConnected2"):
                net = tf.contrib.layers.fully_connected(net, 2, reuse=reuse, activation_fn=tf.nn.relu,
                                                        biases_initializer=tf.zeros_initializer(),
                                                        scope='FullyConnected2')
            with tf.variable_scope("Dropout"):
                net = tf.contrib.layers.dropout(net, keep_prob=dropout, noise_shape=None, is_training=True,
                                                outputs_collections=None, scope=None, seed=None)
        return net

    def GetAccuracy(self):
        pos_dis = tf.reduce_mean(tf.square(tf.subtract(self.output3, self.output2)), 1, keepdims=True)
        neg_dis = tf.reduce_mean(tf.square(tf.subtract(self.output3, self.output1)), 1, keepdims=True)
        correct = tf.less_equal(pos_dis + margin, neg_dis)
        return tf.reduce_sum(tf.cast(correct, tf.float32)) / batchSize

    def TripletLoss(self):
        anchor_feature = self.output3
        positive_feature = self.output2
        negative_feature = self.output1
        with tf.name_scope("triplet_loss"):
            pos_dis = tf.reduce_mean(tf.square(tf.subtract(anchor_feature, positive_feature)), 1, keepdims=True)
            neg_dis = tf.reduce_mean(tf.square(tf.subtract(anchor_feature, negative_feature)), 1, keepdims=True)
            res = tf.maximum(0., pos_dis + margin - neg_dis)
            loss = tf.reduce_mean(res)
        return loss

    def ClassLoss(self):
        return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=self.classOutput, labels=self.y_))


def other_parity(par):
    # draw until the digit's parity differs from par
    while True:
        k = np.random.randint(0, len(train_lab))
        if (train_lab[k] % 2 == 0) != par:
            return k


def triplet_batch():
    # one row: [negative, positive, anchor, parity of the negative]
    rows = []
    for _ in range(batchSize):
        k = np.random.randint(0, len(train_lab))
        par = bool(train_lab[k] % 2 == 0)
        rows.append([k, other_parity(par), other_parity(par), int(par)])
    return np.array(rows)


g = tf.Graph()
sess = tf.InteractiveSession(graph=g)

model = TripletNet()

optimizer = tf.train.AdamOptimizer(learning_rate=learningRate).minimize(model.loss)
classifier = tf.train.AdamOptimizer(learning_rate=learningRate).minimize(model.classLoss)

tf.initialize_all_variables().run()

for step in range(epochs):
    batch = triplet_batch()
    y_list = [np.array([1., 0.]) if p == 0 else np.array([0., 1.]) for p in batch[:, 3]]
    _, loss_v, loss_c, acc, clas = sess.run(
        [optimizer, model.loss, model.classLoss, model.Accuracy, model.classOutput],
        feed_dict={model.x1: train_x[batch[:, 0]], model.x2: train_x[batch[:, 1]],
                   model.x3: train_x[batch[:, 2]], model.y_: y_list})
    if step % displaySteps == 0:
        print('step %3d:  loss: %.6f  class-loss: %.6f   triplet-accuracy: %.3f ' % (step, loss_v, loss_c, acc))

# embeddings of the test digits through the anchor tower, a fixed-size batch at a time
n = (len(test_x) // batchSize) * batchSize
emb = np.concatenate([sess.run(model.output3, feed_dict={model.x3: test_x[i:i + batchSize]})
                      for i in range(0, n, batchSize)])
rng = np.random.RandomState(1)
a = rng.randint(0, n, 600)
b = rng.randint(0, n, 600)
d = np.sqrt(((emb[a] - emb[b]) ** 2).sum(1))
same = ((test_lab[a] % 2) == (test_lab[b] % 2)).astype(np.int32)
print("pairs", len(d), "same", same.sum())
np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)
