"""TFM164: an eager ``tf.data`` pipeline (``Dataset.from_tensor_slices`` + ``repeat`` / ``batch`` /
``prefetch``, iterated by ``tfe.Iterator`` / ``iter`` / ``for``) -> the ``TF1Dataset`` helper
(NumPy), which yields the same elements in the same order."""
from __future__ import annotations

import libcst as cst

from .base import Case, Rule
from ..translate.tf1_helpers import TF1_DATASET
from ..analysis.eager_datasets import EagerDatasets


class EagerDataset(Rule):
    ID = "TFM164"
    TRIGGERS = ("tensorflow",)
    NAME = "eager-dataset"
    MESSAGE = "eager tf.data from_tensor_slices / repeat / batch / prefetch -> TF1Dataset helper (NumPy)"
    RATIONALE = (
        "In eager mode a tf.data pipeline is a Python iterable of tensors. For from_tensor_slices "
        "(tuples/dicts of arrays; Python values converted as TF did: float32 / int32), repeat(count=None) "
        "(repeat BEFORE batch: a batch may join the end of one epoch and the start of the next), "
        "batch(batch_size, drop_remainder=False) (the last partial batch kept) and prefetch (performance "
        "only), the TF1Dataset helper yields the same elements in the same order as NumPy arrays; "
        "`tfe.Iterator(d)` -> `iter(d)` (an iterator with `next()` / `get_next()`). Pipelines with "
        "other methods (shuffle: TF's RNG is not reproducible here, map, ...) or used otherwise "
        "(graph-mode make_one_shot_iterator) are left to TFM100.")
    ORDER = 40
    REQUIRES = ("TFM163",)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        d = self.ctx.analysis(EagerDatasets)
        if id(original) in d.sources:
            self.ctx.use_helper("TF1Dataset")
            self.ctx.count(self)
            return updated.with_changes(func=cst.parse_expression("TF1Dataset.from_tensor_slices"))
        if id(original) in d.iterators:
            self.ctx.count(self)
            return updated.with_changes(func=cst.Name("iter"))
        return updated

    VALID = [
        # graph mode: an initializable iterator is not an eager pipeline
        "import tensorflow as tf\nd = tf.data.Dataset.from_tensor_slices((x, y))\nd = d.repeat()\n"
        "it = d.make_initializable_iterator()\n",
        # shuffle: TF's shuffle order cannot be reproduced
        "import tensorflow as tf\ntfe = tf.contrib.eager\nd = tf.data.Dataset.from_tensor_slices(x)\n"
        "d = d.shuffle(10).batch(2)\nit = tfe.Iterator(d)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\ntfe = tf.contrib.eager\n"
             "dataset = tf.data.Dataset.from_tensor_slices((images, labels))\n"
             "dataset = dataset.repeat().batch(128).prefetch(128)\ndataset_iter = tfe.Iterator(dataset)\n"
             "d = dataset_iter.next()\n",
             "import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: TF1Dataset\n" + TF1_DATASET.code
             + "\n\ndataset = TF1Dataset.from_tensor_slices((images, labels))\n"
             "dataset = dataset.repeat().batch(128).prefetch(128)\ndataset_iter = iter(dataset)\n"
             "d = dataset_iter.next()\n"),
    ]
