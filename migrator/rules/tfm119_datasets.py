"""TFM119: tflearn.datasets loaders -> keras.datasets with tflearn's splits and scaling."""
from __future__ import annotations

import libcst as cst


from ..args import BoundArgs, Unbindable
from ..emit import call
from ..helpers import HELPER_MARKER, HELPERS, register
from ..translate.tflearn import Untranslatable
from .base import Case, CallRule
from ..translate import data_helpers as _data_helpers  # noqa: F401  (registers tflearn_to_categorical)

_KNP = (("keras", None, None), ("numpy", None, "np"))

register("tflearn_mnist_load_data", '''
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
''', imports=_KNP)

register("TflearnMnistDataSet", '''
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
''', imports=(("numpy", None, "np"),))

register("tflearn_mnist_read_data_sets", '''
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
''', imports=(("keras", None, None), ("numpy", None, "np"), ("collections", None, None)),
         requires=("TflearnMnistDataSet",))

register("tflearn_cifar10_load_data", '''
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
''', imports=_KNP, requires=("tflearn_to_categorical",))

register("tflearn_imdb_load_data", '''
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
''', imports=(("numpy", None, "np"),))

register("tflearn_oxflower17_load_data", '''
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
''', imports=(("numpy", None, "np"),), requires=("tflearn_to_categorical",))

# qualified name -> (helper, tflearn's signature, the parameters the helper takes)
_HELPERS = {
    "tflearn.datasets.mnist.load_data": ("tflearn_mnist_load_data", "data_dir='mnist/', one_hot=False",
                                         ("one_hot",)),
    "tflearn.datasets.cifar10.load_data": ("tflearn_cifar10_load_data",
                                           "dirname='cifar-10-batches-py', one_hot=False", ("one_hot",)),
    "tflearn.datasets.imdb.load_data": ("tflearn_imdb_load_data",
                                        "path='imdb.pkl', n_words=100000, valid_portion=0.1, maxlen=None, "
                                        "sort_by_len=True",
                                        ("path", "n_words", "valid_portion", "maxlen", "sort_by_len")),
    "tflearn.datasets.mnist.read_data_sets": ("tflearn_mnist_read_data_sets",
                                              "train_dir='mnist/', fake_data=False, one_hot=False",
                                              ("one_hot",)),
    "tflearn.datasets.oxflower17.load_data": ("tflearn_oxflower17_load_data",
                                              "dirname='17flowers', resize_pics=(224, 224), shuffle=True, "
                                              "one_hot=False", ("dirname", "resize_pics", "shuffle", "one_hot")),
}
_TODO = {
    "tflearn.datasets.cifar100.load_data": "keras' cifar100 has fine/coarse label modes; port by hand",
    "tflearn.datasets.svhn.load_data": "no Keras dataset; download and load by hand",
    "tflearn.datasets.titanic.download_dataset": "no Keras dataset; download by hand",
}


class Datasets(CallRule):
    ID = "TFM119"
    TRIGGERS = ("tflearn",)
    NAME = "datasets"
    MESSAGE = "tflearn.datasets loader -> keras.datasets with tflearn's split and scaling"
    RATIONALE = ("tflearn's mnist.load_data keeps 55,000 training images (the first 5,000 are its "
                 "validation split), flattened to 784 floats in [0, 1]; keras.datasets.mnist gives "
                 "60,000 uint8 28x28 images. tflearn's cifar10 gives float64 images / 255 and flat "
                 "labels; Keras gives uint8 and (n, 1) labels. Small helpers reproduce tflearn's "
                 "arrays from the Keras downloads (cached under ~/.keras/datasets, so tflearn's "
                 "data_dir/dirname is not used). tflearn's imdb.load_data reads its own imdb.pkl (not "
                 "keras.datasets.imdb: another vocabulary and split): the helper ports it, the "
                 "validation draw included; oxflower17.load_data (no Keras dataset) is ported too (the same "
                 "download, class folders, resizing, cache file and shuffle). mnist.read_data_sets "
                 "returns tflearn's own DataSet objects (not TF1's: no shuffle before the first "
                 "epoch, the rest of an epoch dropped, then a permutation by NumPy's global RNG): "
                 "the helper ports them. Other loaders are left as TODOs.")
    CALLS = (*_HELPERS, *_TODO)

    def translate(self, qname, original, updated):
        try:
            if qname in _TODO:
                raise Untranslatable(_TODO[qname])
            helper, sig, params = _HELPERS[qname]
            b = BoundArgs(updated, sig, original)
            if b.given("fake_data"):
                fake = b.orig("fake_data")
                if not (isinstance(fake, cst.Name) and fake.value == "False"):
                    raise Untranslatable("fake_data=True has no Keras dataset")
        except (Untranslatable, Unbindable) as ex:
            self.todo(original, f"{qname.rsplit('.', 2)[1]}.{qname.rsplit('.', 1)[1]}: {ex}")
            return None
        self.ctx.use_helper(helper)
        self.ctx.count(self)
        return call(helper, **{p: b.node(p) for p in params if b.given(p)})

    VALID = ["import keras\n(x, y), _ = keras.datasets.mnist.load_data()\n"]
    INVALID = [
        Case("import tflearn.datasets.mnist as mnist\nX, Y, testX, testY = mnist.load_data(one_hot=True)\n",
             "import keras\nimport numpy as np\n\n\n"
             "# tflearn-migrate helper: tflearn_mnist_load_data\n"
             "def tflearn_mnist_load_data(one_hot=False):\n"
             "    \"\"\"tflearn.datasets.mnist.load_data: the 60,000 training images minus the first 5,000\n"
             "    (tflearn's validation split) -> 55,000; flattened to 784 float32 values scaled by 1/255;\n"
             "    labels uint8, or float64 one-hot rows with one_hot=True. keras.datasets' mnist.npz holds\n"
             "    the same IDX files in the same order.\"\"\"\n"
             "    (x, y), (x_test, y_test) = keras.datasets.mnist.load_data()\n"
             "    x = np.multiply(x[5000:].reshape(-1, 784).astype(np.float32), 1.0 / 255.0)\n"
             "    x_test = np.multiply(x_test.reshape(-1, 784).astype(np.float32), 1.0 / 255.0)\n"
             "    y = y[5000:]\n"
             "    if one_hot:\n"
             "        y, y_test = np.eye(10)[y], np.eye(10)[y_test]\n"
             "    return x, y, x_test, y_test\n\n\n"
             "X, Y, testX, testY = tflearn_mnist_load_data(one_hot=True)\n"),
        Case("import tflearn.datasets.mnist as mnist\ndata = mnist.read_data_sets(one_hot=True)\n"
             "x, y = data.train.next_batch(128)\n",
             "import collections\nimport keras\nimport numpy as np\n\n\n"
             + "".join(f"{HELPER_MARKER} {name}\n{HELPERS[name].code}\n\n"
                       for name in ("TflearnMnistDataSet", "tflearn_mnist_read_data_sets"))
             + "data = tflearn_mnist_read_data_sets(one_hot=True)\nx, y = data.train.next_batch(128)\n"),
        Case("import tflearn.datasets.mnist as mnist\ndata = mnist.read_data_sets('/tmp/mnist', fake_data=True)\n",
             None, ("TFM119",), todo=True),
        Case("from tflearn.datasets import svhn\nX, Y, x, y = svhn.load_data()\n",
             None, ("TFM119",), todo=True),
    ]
