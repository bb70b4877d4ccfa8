"""TFM146: TF1's tutorial MNIST loader (``input_data.read_data_sets``) -> a helper over
keras.datasets.mnist that returns the same DataSet objects (``next_batch``, ``images``,
``labels``, ``num_examples``) with TF1's splits, scaling, label encoding and batch order."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call
from ..helpers import HELPERS, HELPER_MARKER, register_source
from ..translate.tflearn import Untranslatable
from .base import Case, CallRule


register_source("datasets", "TF1MnistDataSet")

register_source("datasets", "tf1_mnist_read_data_sets", requires=("TF1MnistDataSet",))

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
