"""TFM119: tflearn.datasets loaders -> keras.datasets with tflearn's splits and scaling."""
from __future__ import annotations


from ..args import BoundArgs, Unbindable
from ..emit import call
from ..helpers import register
from ._tflearn import Untranslatable
from .base import Case, CallRule
from . import tfm118_data_utils  # noqa: F401  (registers tflearn_to_categorical)

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

_HELPERS = {
    "tflearn.datasets.mnist.load_data": ("tflearn_mnist_load_data", "data_dir='mnist/', one_hot=False"),
    "tflearn.datasets.cifar10.load_data": ("tflearn_cifar10_load_data",
                                           "dirname='cifar-10-batches-py', one_hot=False"),
}
_TODO = {
    "tflearn.datasets.mnist.read_data_sets": "returns TF1 DataSet objects (next_batch): use the arrays "
                                             "of tflearn_mnist_load_data and model.fit batching",
    "tflearn.datasets.cifar100.load_data": "keras' cifar100 has fine/coarse label modes; port by hand",
    "tflearn.datasets.imdb.load_data": "tflearn's imdb.pkl (its own vocabulary and split) differs "
                                       "from keras.datasets.imdb",
    "tflearn.datasets.oxflower17.load_data": "no Keras dataset; download and load by hand",
    "tflearn.datasets.svhn.load_data": "no Keras dataset; download and load by hand",
    "tflearn.datasets.titanic.download_dataset": "no Keras dataset; download by hand",
}


class Datasets(CallRule):
    ID = "TFM119"
    NAME = "datasets"
    MESSAGE = "tflearn.datasets loader -> keras.datasets with tflearn's split and scaling"
    RATIONALE = ("tflearn's mnist.load_data keeps 55,000 training images (the first 5,000 are its "
                 "validation split), flattened to 784 floats in [0, 1]; keras.datasets.mnist gives "
                 "60,000 uint8 28x28 images. tflearn's cifar10 gives float64 images / 255 and flat "
                 "labels; Keras gives uint8 and (n, 1) labels. Small helpers reproduce tflearn's "
                 "arrays from the Keras downloads (cached under ~/.keras/datasets, so tflearn's "
                 "data_dir/dirname is not used). Other loaders are left as TODOs.")
    CALLS = (*_HELPERS, *_TODO)

    def translate(self, qname, original, updated):
        try:
            if qname in _TODO:
                raise Untranslatable(_TODO[qname])
            helper, sig = _HELPERS[qname]
            b = BoundArgs(updated, sig, original)
        except (Untranslatable, Unbindable) as ex:
            self.todo(original, f"{qname.rsplit('.', 2)[1]}.{qname.rsplit('.', 1)[1]}: {ex}")
            return None
        self.ctx.use_helper(helper)
        self.ctx.count(self)
        return call(helper, one_hot=b.node("one_hot") if b.given("one_hot") else None)

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
        Case("from tflearn.datasets import imdb\ntrain, test, _ = imdb.load_data(path='imdb.pkl')\n",
             None, ("TFM119",), todo=True),
    ]
