"""Helpers migrated code may need: tflearn / TF1 dataset loaders (TFM119, TFM146).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import collections
import keras
import numpy as np

from .data_utils import tflearn_to_categorical


def tflearn_mnist_load_data(one_hot=False):
    """tflearn.datasets.mnist.load_data: the 60,000 training images minus the first 5,000
    (tflearn's validation split) -> 55,000; flattened to 784 float32 values scaled by 1/255;
    labels uint8, or float64 one-hot rows with one_hot=True. keras.datasets' mnist.npz holds
    the same IDX files in the same order."""
    (x, y), (x_test, y_test) = keras.datasets.mnist.load_data()
    x = np.multiply(x[5000:].reshape(-1, 784).astype(np.float32), 1.0 / 255.0)
    x_test = np.multiply(x_test.reshape(-1, 784).astype(np.float32), 1.0 / 255.0)
    y = y[5000:]
    if one_hot:
        y, y_test = np.eye(10)[y], np.eye(10)[y_test]
    return x, y, x_test, y_test


class TflearnMnistDataSet:
    """tflearn.datasets.mnist.DataSet: images flattened to 784 float32 values scaled by 1/255;
    next_batch takes the rows in order, and when a batch would run past the end it drops the
    rest of the epoch, permutes with NumPy's global RNG and starts the next epoch (no shuffle
    before the first epoch), as tflearn did."""

    def __init__(self, images, labels):
        assert images.shape[0] == labels.shape[0], (images.shape, labels.shape)
        self._num_examples = images.shape[0]
        images = images.reshape(images.shape[0], -1)
        self._images = np.multiply(images.astype(np.float32), 1.0 / 255.0)
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def next_batch(self, batch_size):
        start = self._index_in_epoch
        self._index_in_epoch += batch_size
        if self._index_in_epoch > self._num_examples:
            self._epochs_completed += 1
            perm = np.arange(self._num_examples)
            np.random.shuffle(perm)
            self._images = self._images[perm]
            self._labels = self._labels[perm]
            start = 0
            self._index_in_epoch = batch_size
            assert batch_size <= self._num_examples
        end = self._index_in_epoch
        return self._images[start:end], self._labels[start:end]


def tflearn_mnist_read_data_sets(one_hot=False):
    """tflearn.datasets.mnist.read_data_sets: train (the last 55,000 of the 60,000 training
    images), validation (the first 5,000) and test DataSets; labels uint8, or float64 one-hot
    rows with one_hot=True. keras.datasets' mnist.npz holds the same IDX files in the same
    order (cached under ~/.keras/datasets: tflearn's train_dir is not used)."""
    (x, y), (x_test, y_test) = keras.datasets.mnist.load_data()
    if one_hot:
        y, y_test = np.eye(10)[y], np.eye(10)[y_test]
    datasets = collections.namedtuple("DataSets", ["train", "validation", "test"])
    return datasets(train=TflearnMnistDataSet(x[5000:], y[5000:]),
                    validation=TflearnMnistDataSet(x[:5000], y[:5000]),
                    test=TflearnMnistDataSet(x_test, y_test))


def tflearn_cifar10_load_data(one_hot=False):
    """tflearn.datasets.cifar10.load_data: ((X, Y), (X_test, Y_test)), images 32x32x3
    (channels last) as float64 scaled by 1/255, labels as a flat int array, or float64
    one-hot rows with one_hot=True (the data_batch_1..5 order of keras.datasets.cifar10)."""
    (x, y), (x_test, y_test) = keras.datasets.cifar10.load_data()
    x, x_test = x / 255.0, x_test / 255.0
    y, y_test = y.reshape(-1).astype(np.int64), y_test.reshape(-1).astype(np.int64)
    if one_hot:
        y, y_test = tflearn_to_categorical(y, 10), tflearn_to_categorical(y_test, 10)
    return (x, y), (x_test, y_test)


def tflearn_imdb_load_data(path="imdb.pkl", n_words=100000, valid_portion=0.1, maxlen=None, sort_by_len=True):
    """tflearn.datasets.imdb.load_data: tflearn's own imdb.pkl (two pickles, the training and
    the test (sequences, labels)) - not keras.datasets.imdb, whose vocabulary and split differ.
    Fetched from the same address when ``path`` is missing and named imdb.pkl. Training
    sequences of maxlen words or more are dropped; the validation part is drawn with NumPy's
    global generator (np.random.permutation, as tflearn drew it); word ids >= n_words become 1
    (unknown); each part is sorted by length when sort_by_len. -> train, valid, test."""
    import gzip
    import os
    import pickle
    import urllib.request

    if not os.path.isfile(path) and os.path.basename(path) == "imdb.pkl":
        urllib.request.urlretrieve("http://www.iro.umontreal.ca/~lisa/deep/data/imdb.pkl", path)
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        xs, ys = pickle.load(f)
        test = pickle.load(f)
    if maxlen:
        keep = [i for i, x in enumerate(xs) if len(x) < maxlen]
        xs, ys = [xs[i] for i in keep], [ys[i] for i in keep]
    order = np.random.permutation(len(xs))
    n_train = int(np.round(len(xs) * (1.0 - valid_portion)))
    train = ([xs[i] for i in order[:n_train]], [ys[i] for i in order[:n_train]])
    valid = ([xs[i] for i in order[n_train:]], [ys[i] for i in order[n_train:]])
    parts = []
    for x, y in (train, valid, test):
        x = [[1 if w >= n_words else w for w in seq] for seq in x]
        if sort_by_len:
            by_len = sorted(range(len(x)), key=lambda i: len(x[i]))
            x, y = [x[i] for i in by_len], [y[i] for i in by_len]
        parts.append((x, y))
    return tuple(parts)


def tflearn_oxflower17_load_data(dirname="17flowers", resize_pics=(224, 224), shuffle=True, one_hot=False):
    """tflearn.datasets.oxflower17.load_data: the 1,360 images of the Oxford 17 flowers (fetched
    and unpacked into dirname when dirname/17flowers.tgz is missing, moved into class folders
    0..16 of 80 images each, as tflearn does), or the dirname/17flowers.pkl cache tflearn and this
    function write. Class folders in sorted NAME order ("0", "1", "10", ...) give the labels,
    files in directory order; each image resized (LANCZOS, tflearn's ANTIALIAS) and scaled to
    float32 / 255; one-hot labels with one_hot; shuffled with NumPy's global generator."""
    import os
    import pickle
    import tarfile
    import urllib.request

    from PIL import Image

    dataset_file = os.path.join(dirname, "17flowers.pkl")
    jpg = os.path.join(dirname, "jpg/")
    tgz = os.path.join(dirname, "17flowers.tgz")
    if not os.path.exists(dataset_file) and not os.path.exists(tgz):
        os.makedirs(dirname, exist_ok=True)
        urllib.request.urlretrieve("http://www.robots.ox.ac.uk/~vgg/data/flowers/17/17flowers.tgz", tgz)
        with tarfile.open(tgz) as t:
            t.extractall(dirname)
        for i in range(1, 1361):
            name = "image_%04d.jpg" % i
            os.makedirs(os.path.join(jpg, str(min((i - 1) // 80, 16))), exist_ok=True)
            os.rename(os.path.join(jpg, name), os.path.join(jpg, str(min((i - 1) // 80, 16)), name))
    try:
        with open(dataset_file, "rb") as f:
            X, Y = pickle.load(f)
    except Exception:
        X, Y = [], []
        for label, c in enumerate(sorted(next(os.walk(jpg))[1])):
            for name in next(os.walk(os.path.join(jpg, c)))[2]:
                if ".jpg" in name or ".jpeg" in name:
                    img = Image.open(os.path.join(jpg, c, name))
                    if resize_pics:
                        img = img.resize((resize_pics[0], resize_pics[1]), Image.LANCZOS)
                    img.load()
                    X.append(np.asarray(img, dtype="float32") / 255.0)
                    Y.append(label)
        if one_hot:
            Y = tflearn_to_categorical(Y, np.max(Y) + 1)
        if shuffle:
            X, Y = np.array(X), np.array(Y)
            order = np.random.permutation(len(X))
            X, Y = X[order], Y[order]
        with open(dataset_file, "wb") as f:
            pickle.dump((X, Y), f)
    return X, Y


class TF1MnistDataSet:
    """TF1's mnist DataSet (tensorflow/contrib/learn/python/learn/datasets/mnist.py): images
    flattened to 784 values (reshape=True, else 28x28x1) and, for float32, scaled by 1/255;
    next_batch permutes with NumPy's global RNG before the first batch and at every epoch end,
    joining the rest of an epoch with the start of the next, as TF1 did. Like TF1, creating one
    reseeds NumPy's global RNG with `seed` (None: fresh entropy)."""

    def __init__(self, images, labels, dtype="float32", reshape=True, seed=None):
        np.random.seed(seed if seed is None else seed % 2147483647)
        assert images.shape[0] == labels.shape[0], (images.shape, labels.shape)
        self._num_examples = images.shape[0]
        if reshape:
            images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
        else:
            images = images.reshape(images.shape + (1,))
        if dtype == "float32":
            images = np.multiply(images.astype(np.float32), 1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            perm0 = np.arange(self._num_examples)
            np.random.shuffle(perm0)
            self._images = self.images[perm0]
            self._labels = self.labels[perm0]
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest_num_examples = self._num_examples - start
            images_rest_part = self._images[start:self._num_examples]
            labels_rest_part = self._labels[start:self._num_examples]
            if shuffle:
                perm = np.arange(self._num_examples)
                np.random.shuffle(perm)
                self._images = self.images[perm]
                self._labels = self.labels[perm]
            start = 0
            self._index_in_epoch = batch_size - rest_num_examples
            end = self._index_in_epoch
            return (np.concatenate((images_rest_part, self._images[start:end]), axis=0),
                    np.concatenate((labels_rest_part, self._labels[start:end]), axis=0))
        self._index_in_epoch += batch_size
        end = self._index_in_epoch
        return self._images[start:end], self._labels[start:end]


def tf1_mnist_read_data_sets(one_hot=False, dtype="float32", reshape=True, validation_size=5000, seed=None):
    """TF1's input_data.read_data_sets: the first `validation_size` of the 60,000 training
    images are the validation set; labels uint8, or float64 one-hot rows with one_hot=True.
    keras.datasets' mnist.npz holds the same IDX files in the same order (cached under
    ~/.keras/datasets: TF1's train_dir is not used)."""
    (x, y), (x_test, y_test) = keras.datasets.mnist.load_data()
    if not 0 <= validation_size <= len(x):
        raise ValueError(f"Validation size should be between 0 and {len(x)}. Received: {validation_size}.")
    if one_hot:
        y, y_test = np.eye(10)[y], np.eye(10)[y_test]
    datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])
    return datasets(train=TF1MnistDataSet(x[validation_size:], y[validation_size:], dtype, reshape, seed),
                    validation=TF1MnistDataSet(x[:validation_size], y[:validation_size], dtype, reshape, seed),
                    test=TF1MnistDataSet(x_test, y_test, dtype, reshape, seed))
