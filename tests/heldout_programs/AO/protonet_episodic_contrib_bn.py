"""Held-out program (round AO) mirroring kvpratama/prototypical-networks-tensorflow
(``prototypical_networks.py``, itself a TF1 port of Snell et al.'s Prototypical Networks after
abdulfatir/prototypical-networks-tensorflow): a few-shot metric-learning script trained in
EPISODES - an N-way support set and a query set per step, class prototypes the mean support
embedding, queries classified by a softmax over negative distances to the prototypes. Written
in our own words (not copied) and scaled to sklearn's digits (the Omniglot loader becomes an
array ``[n_classes, num_examples, H, W]`` built from load_digits, the first examples of every
class for training, the rest held out).

Idioms kept: a flat module-level script (hyperparameters as module constants, the graph, an
``InteractiveSession`` and the loops at top level); 5-D placeholders ``[None, None, H, W, C]``
whose class / shot counts are read back with ``tf.shape`` and used in ``tf.reshape`` and as
``tf.one_hot(depth=)``; ``convolution_block(inputs, out_channels, name)`` under
``tf.variable_scope(name)``: ``tf.layers.conv2d(padding='SAME')``, ``tf.contrib.layers.batch_norm(
updates_collections=None, decay=0.99, scale=True, center=True)`` (no ``is_training``),
``tf.nn.relu``, ``tf.contrib.layers.max_pool2d(conv, 2)``; ``encoder(x, h_dim, z_dim,
reuse=False)`` under ``tf.variable_scope('encoder', reuse=reuse)`` with four blocks and
``tf.contrib.layers.flatten``, called again with ``reuse=True`` on the query set; prototypes by
``reduce_mean`` of the reshaped support embeddings over the shot axis; ``euclidean_distance``
by ``tile`` of ``expand_dims`` on both sides with ``tf.shape`` multiples and ``reduce_mean`` of
squares; ``tf.nn.log_softmax(-distance)`` reshaped to ``[ways, queries, -1]``; the loss as the
negative mean of ``reduce_sum(one_hot * log_p, axis=-1)``; accuracy with ``tf.to_float`` /
``tf.equal(tf.argmax(..), y)``; ``tf.train.AdamOptimizer().minimize`` (default rate); episodes
drawn with ``np.random.permutation`` into preallocated ``np.zeros`` arrays, labels by
``np.tile(np.arange(way)[:, np.newaxis], (1, query))``; a separate test-episode loop.

Bugs kept: ``batch_norm`` without ``is_training`` is in training mode everywhere - test
episodes and the final embedding use the statistics of the batch they are fed (the moving
averages it updates in place, ``updates_collections=None``, are never read); the labels are
built as ``uint8`` and fed to an ``int64`` placeholder; ``num_examples`` is assigned twice;
the distance is a MEAN of squares (the paper's is a sum: a temperature of 1/z_dim).
Changed for the scale: the digits are upsampled 2x (16x16) so the repository's four
pool-by-2 blocks fit (8x8 would pool to nothing); 64 filters became 32, way / shot / query
5 / 5 / 5 (10 classes), 12 epochs of 100 episodes, 100 test episodes; the global NumPy
and graph seeds are set (the script had none). Not kept: the Omniglot PNG loader and its
rotation augmentation.
"""
import os

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

np.random.seed(0)
tf.set_random_seed(0)


def load_digits_split(first, last):
    digits = load_digits()
    images = np.kron(digits.images / 16.0, np.ones((2, 2))).astype(np.float32)
    classes = np.unique(digits.target)
    n_classes = len(classes)
    dataset = np.zeros([n_classes, last - first, img_height, img_width], dtype=np.float32)
    for label in classes:
        dataset[label] = images[digits.target == label][first:last]
    print(dataset.shape)
    return dataset, n_classes


def convolution_block(inputs, out_channels, name='conv'):
    with tf.variable_scope(name):
        conv = tf.layers.conv2d(inputs, out_channels, kernel_size=3, padding='SAME')
        conv = tf.contrib.layers.batch_norm(conv, updates_collections=None, decay=0.99, scale=True, center=True)
        conv = tf.nn.relu(conv)
        conv = tf.contrib.layers.max_pool2d(conv, 2)
        return conv


def encoder(support_set, h_dim, z_dim, reuse=False):
    with tf.variable_scope('encoder', reuse=reuse):
        net = convolution_block(support_set, h_dim, name='conv_1')
        net = convolution_block(net, h_dim, name='conv_2')
        net = convolution_block(net, h_dim, name='conv_3')
        net = convolution_block(net, z_dim, name='conv_4')
        net = tf.contrib.layers.flatten(net)
        return net


def euclidean_distance(a, b):
    N, D = tf.shape(a)[0], tf.shape(a)[1]
    M = tf.shape(b)[0]
    a = tf.tile(tf.expand_dims(a, axis=1), (1, M, 1))
    b = tf.tile(tf.expand_dims(b, axis=0), (N, 1, 1))
    return tf.reduce_mean(tf.square(a - b), axis=2)


num_examples = 120
img_width = 16
img_height = 16
channels = 1
num_way = 5
num_shot = 5
num_query = 5
num_examples = 120
h_dim = 32
z_dim = 32
num_epochs = 12
num_episodes = 100

n_test_episodes = 100
n_test_way = 5
n_test_shot = 5
n_test_query = 15
n_test_examples = 50

x_train, x_classes = load_digits_split(0, num_examples)
x_test, x_test_classes = load_digits_split(num_examples, num_examples + n_test_examples)

support_set = tf.placeholder(tf.float32, [None, None, img_height, img_width, channels])
query_set = tf.placeholder(tf.float32, [None, None, img_height, img_width, channels])
support_set_shape = tf.shape(support_set)
query_set_shape = tf.shape(query_set)
num_classes, num_support_points = support_set_shape[0], support_set_shape[1]
num_query_points = query_set_shape[1]
y = tf.placeholder(tf.int64, [None, None])
y_one_hot = tf.one_hot(y, depth=num_classes)
support_set_embeddings = encoder(tf.reshape(support_set, [num_classes * num_support_points, img_height, img_width, channels]), h_dim, z_dim)
embedding_dimension = tf.shape(support_set_embeddings)[-1]
class_prototype = tf.reduce_mean(tf.reshape(support_set_embeddings, [num_classes, num_support_points, embedding_dimension]), axis=1)
query_set_embeddings = encoder(tf.reshape(query_set, [num_classes * num_query_points, img_height, img_width, channels]), h_dim, z_dim, reuse=True)
distance = euclidean_distance(query_set_embeddings, class_prototype)
predicted_probability = tf.reshape(tf.nn.log_softmax(-distance), [num_classes, num_query_points, -1])
loss = -tf.reduce_mean(tf.reshape(tf.reduce_sum(tf.multiply(y_one_hot, predicted_probability), axis=-1), [-1]))
accuracy = tf.reduce_mean(tf.to_float(tf.equal(tf.argmax(predicted_probability, axis=-1), y)))

train_op = tf.train.AdamOptimizer().minimize(loss)

sess = tf.InteractiveSession()
init_op = tf.global_variables_initializer()
sess.run(init_op)

for epoch in range(num_epochs):
    for episode in range(num_episodes):
        episodic_classes = np.random.permutation(x_classes)[:num_way]
        support = np.zeros([num_way, num_shot, img_height, img_width], dtype=np.float32)
        query = np.zeros([num_way, num_query, img_height, img_width], dtype=np.float32)

        for index, class_ in enumerate(episodic_classes):
            selected = np.random.permutation(num_examples)[:num_shot + num_query]
            support[index] = x_train[class_, selected[:num_shot]]
            query[index] = x_train[class_, selected[num_shot:]]

        support = np.expand_dims(support, axis=-1)
        query = np.expand_dims(query, axis=-1)
        labels = np.tile(np.arange(num_way)[:, np.newaxis], (1, num_query)).astype(np.uint8)
        _, loss_, accuracy_ = sess.run([train_op, loss, accuracy], feed_dict={support_set: support, query_set: query, y: labels})

        if (episode + 1) % 50 == 0:
            print('Epoch {} : Episode {} : Loss: {}, Accuracy: {}'.format(epoch + 1, episode + 1, loss_, accuracy_))

print('Testing...')

avg_acc = 0.
for epi in range(n_test_episodes):
    epi_classes = np.random.permutation(x_test_classes)[:n_test_way]
    support = np.zeros([n_test_way, n_test_shot, img_height, img_width], dtype=np.float32)
    query = np.zeros([n_test_way, n_test_query, img_height, img_width], dtype=np.float32)
    for i, epi_cls in enumerate(epi_classes):
        selected = np.random.permutation(n_test_examples)[:n_test_shot + n_test_query]
        support[i] = x_test[epi_cls, selected[:n_test_shot]]
        query[i] = x_test[epi_cls, selected[n_test_shot:]]
    support = np.expand_dims(support, axis=-1)
    query = np.expand_dims(query, axis=-1)
    labels = np.tile(np.arange(n_test_way)[:, np.newaxis], (1, n_test_query)).astype(np.uint8)
    ls, ac = sess.run([loss, accuracy], feed_dict={support_set: support, query_set: query, y: labels})
    avg_acc += ac
    if (epi + 1) % 50 == 0:
        print('[test episode {}/{}] => loss: {:.5f}, acc: {:.5f}'.format(epi + 1, n_test_episodes, ls, ac))
avg_acc /= n_test_episodes
print('Average Test Accuracy: {:.5f}'.format(avg_acc))

# held-out pairs: every test image embedded in one batch (one "class" of n_classes * n_test_examples shots)
test_images = x_test.reshape([1, x_test_classes * n_test_examples, img_height, img_width, channels])
test_labels = np.repeat(np.arange(x_test_classes), n_test_examples)
emb = sess.run(support_set_embeddings, feed_dict={support_set: test_images})
pair_rng = np.random.RandomState(1)
i = pair_rng.randint(len(test_labels), size=600)
j = pair_rng.randint(len(test_labels), size=600)
d = np.sqrt(np.sum(np.square(emb[i] - emb[j]), axis=1))
same = (test_labels[i] == test_labels[j]).astype(np.int32)
np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)
