"""TFM146: TF1's tutorial MNIST loader (``input_data.read_data_sets``) -> a helper over
keras.datasets.mnist that returns the same DataSet objects (``next_batch``, ``images``,
``labels``, ``num_examples``) with TF1's splits, scaling, label encoding and batch order."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call
from ..helpers import HELPER_MARKER, HELPERS, register
from ..translate.tflearn import Untranslatable
from .base import Case, CallRule

_NP = (("numpy", None, "np"),)
_KNP = (("keras", None, None), ("numpy", None, "np"), ("collections", None, None))

register("TF1MnistDataSet", '''
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
''', imports=_NP)

register("tf1_mnist_read_data_sets", '''
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
''', imports=_KNP, requires=("TF1MnistDataSet",))

_SIG = ("train_dir, fake_data=False, one_hot=False, dtype=dtypes.float32, reshape=True, "
        "validation_size=5000, seed=None, source_url=DEFAULT_SOURCE_URL")
_DTYPES = {"tensorflow.float32": "float32", "tensorflow.uint8": "uint8",
           "tensorflow.dtypes.float32": "float32", "tensorflow.dtypes.uint8": "uint8"}


def _out(body: str) -> str:
    """The expected output of an example: imports, both helpers, then ``body``."""
    return ("import collections\nimport keras\nimport numpy as np\n\n\n"
            + "".join(f"{HELPER_MARKER} {name}\n{HELPERS[name].code}\n\n"
                      for name in ("TF1MnistDataSet", "tf1_mnist_read_data_sets"))
            + body)


class MnistReadDataSets(CallRule):
    ID = "TFM146"
    TRIGGERS = ("tensorflow",)
    NAME = "mnist-read-data-sets"
    MESSAGE = "TF1 tutorial input_data.read_data_sets -> keras.datasets.mnist with TF1's DataSet batching"
    RATIONALE = ("TF1's read_data_sets returns train (55,000) / validation (first 5,000) / test "
                 "DataSets whose next_batch shuffles with NumPy's global RNG per epoch; images are "
                 "flattened float32 scaled by 1/255 and one-hot labels are float64. The helper "
                 "rebuilds that from keras.datasets.mnist (same IDX data, same order), so the same "
                 "seed yields the same batches. The download directory is Keras' cache, not "
                 "train_dir, and source_url (a mirror of the same files) is not used; fake_data is "
                 "left as a TODO.")
    CALLS = ("tensorflow.examples.tutorials.mnist.input_data.read_data_sets",
             "tensorflow.contrib.learn.python.learn.datasets.mnist.read_data_sets",
             "tensorflow.contrib.learn.datasets.mnist.read_data_sets")

    def translate(self, qname, original, updated):
        try:
            b = BoundArgs(updated, _SIG, original)
            if b.given("fake_data"):
                fake = b.orig("fake_data")
                if not (isinstance(fake, cst.Name) and fake.value == "False"):
                    raise Untranslatable("fake_data=True has no Keras dataset")
            kw = {}
            if b.given("one_hot"):
                kw["one_hot"] = b.node("one_hot")
            if b.given("dtype"):
                d = b.orig("dtype")
                name = d.value if isinstance(d, cst.SimpleString) else self.ctx.legacy_name(d)
                name = (name or "").strip("'\"")
                if name in ("float32", "uint8"):
                    kw["dtype"] = cst.SimpleString(repr(name))
                elif name in _DTYPES:
                    kw["dtype"] = cst.SimpleString(repr(_DTYPES[name]))
                else:
                    raise Untranslatable(f"dtype {name or 'expression'} (TF1 accepts float32 or uint8 only)")
            for k in ("reshape", "validation_size", "seed"):
                if b.given(k):
                    kw[k] = b.node(k)
        except (Untranslatable, Unbindable) as ex:
            self.todo(original, f"read_data_sets: {ex}")
            return None
        self.ctx.use_helper("tf1_mnist_read_data_sets")
        self.ctx.count(self)
        return call("tf1_mnist_read_data_sets", **kw)

    VALID = ["import keras\n(x, y), _ = keras.datasets.mnist.load_data()\n"]
    INVALID = [
        Case("from tensorflow.examples.tutorials.mnist import input_data\n"
             "mnist = input_data.read_data_sets('/tmp/data/', one_hot=True)\n"
             "x, y = mnist.train.next_batch(128)\n",
             _out("mnist = tf1_mnist_read_data_sets(one_hot=True)\nx, y = mnist.train.next_batch(128)\n")),
        Case("from tensorflow.examples.tutorials.mnist import input_data\n"
             "mnist = input_data.read_data_sets('/tmp/data/', one_hot=False, validation_size=0)\n"
             "x = mnist.test.images\n",
             _out("mnist = tf1_mnist_read_data_sets(one_hot=False, validation_size=0)\nx = mnist.test.images\n")),
        Case("import tensorflow as tf\n"
             "from tensorflow.examples.tutorials.mnist import input_data\n"
             "mnist = input_data.read_data_sets('MNIST_data', dtype=tf.uint8, reshape=False)\n",
             _out("mnist = tf1_mnist_read_data_sets(dtype='uint8', reshape=False)\n")),
        Case("from tensorflow.examples.tutorials.mnist import input_data\n"
             "mnist = input_data.read_data_sets('MNIST_data', fake_data=True)\n",
             None, ("TFM146",), todo=True),
        Case("import tensorflow as tf\n"
             "from tensorflow.examples.tutorials.mnist import input_data\n"
             "mnist = input_data.read_data_sets('MNIST_data', dtype=tf.float16)\n",
             None, ("TFM146",), todo=True),
    ]
