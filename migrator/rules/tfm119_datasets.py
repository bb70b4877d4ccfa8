"""TFM119: tflearn.datasets loaders -> keras.datasets with tflearn's splits and scaling."""
from __future__ import annotations

import libcst as cst


from ..args import BoundArgs, Unbindable
from ..emit import call
from ..helpers import HELPERS, HELPER_MARKER, register_source
from ..translate.tflearn import Untranslatable
from .base import Case, CallRule
from ..translate import data_helpers as _data_helpers  # noqa: F401  (registers tflearn_to_categorical)


register_source("datasets", "tflearn_mnist_load_data")

register_source("datasets", "TflearnMnistDataSet")

register_source("datasets", "tflearn_mnist_read_data_sets", requires=("TflearnMnistDataSet",))

register_source("datasets", "tflearn_cifar10_load_data", requires=("tflearn_to_categorical",))

register_source("datasets", "tflearn_imdb_load_data")

register_source("datasets", "tflearn_oxflower17_load_data", requires=("tflearn_to_categorical",))

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
