"""TFM118: tflearn.data_utils -> keras.utils / NumPy helpers with tflearn's defaults."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call
from ..translate.tflearn import Untranslatable
from .base import Case, CallRule
from ..translate.data_helpers import HELPERS
DU = "tflearn.data_utils."

_TODO = {
    "VocabularyProcessor": "tf.contrib's VocabularyProcessor is gone; use keras.layers.TextVectorization "
                           "(its tokenizer and vocabulary order differ)",
    "build_hdf5_image_dataset": "writes an HDF5 file with PIL-resized images: port by hand",
    "build_image_dataset_from_dir": "pickles PIL-resized images: port by hand",
}

SIGS = {
    "pad_sequences": "sequences, maxlen=None, dtype='int32', padding='post', truncating='post', value=0.0",
    "to_categorical": "y, nb_classes=None",
    "shuffle": "*arrs",
}


class DataUtils(CallRule):
    ID = "TFM118"
    TRIGGERS = ("tflearn",)
    NAME = "data-utils"
    MESSAGE = "tflearn.data_utils (and utils.repeat) -> keras.utils / NumPy helpers"
    RATIONALE = ("tflearn's pad_sequences pads AND truncates at the end ('post'); Keras' default "
                 "is 'pre' for both, so both are written out. to_categorical(y, n) -> "
                 "keras.utils.to_categorical (float32 instead of float64, same values); without "
                 "nb_classes tflearn maps the sorted distinct labels to columns (helper). shuffle, "
                 "featurewise/samplewise normalisation, semi-redundant character sequences and "
                 "load_csv are plain NumPy/Python: small helpers reproduce them exactly (so does "
                 "tflearn.utils.repeat, a loop applying a block builder). "
                 "image_preloader becomes a helper that loads the same images the same way (PIL "
                 "resize, float32, / 255, one-hot float64 labels) into arrays at once (tflearn "
                 "reads each batch from disk: same values, all in memory). "
                 "VocabularyProcessor and the image dataset builders are left as TODOs.")
    CALLS = tuple(DU + n for n in [*HELPERS, "pad_sequences", *_TODO] if n != "repeat") + ("tflearn.utils.repeat",)

    def translate(self, qname, original, updated):
        name = qname.rsplit(".", 1)[1]
        try:
            if name in _TODO:
                raise Untranslatable(_TODO[name])
            out = self._build(name, original, updated)
        except (Untranslatable, Unbindable, ValueError) as ex:
            self.todo(original, f"{name}: {ex}")
            return None
        self.ctx.count(self)
        return out

    def _build(self, name, original, updated):
        if name == "pad_sequences":
            b = BoundArgs(updated, SIGS["pad_sequences"], original)
            kw = {k: b.node(k) for k in ("maxlen", "dtype", "value") if b.given(k)}
            kw["padding"] = b.node("padding")
            kw["truncating"] = b.node("truncating")
            self.ctx.add_import("keras")
            return call("keras.utils.pad_sequences", b.node("sequences"), **kw)
        if name == "to_categorical":
            b = BoundArgs(updated, SIGS["to_categorical"], original)
            if b.given("nb_classes") and b.is_literal("nb_classes") and b.value("nb_classes"):
                self.ctx.add_import("keras")
                return call("keras.utils.to_categorical", b.node("y"), num_classes=b.node("nb_classes"))
        helper = self.ctx.use_helper(HELPERS[name][0])
        return updated.with_changes(func=cst.Name(helper))

    VALID = ["import keras\nx = keras.utils.pad_sequences(s, padding='post')\n"]
    INVALID = [
        Case("from tflearn.utils import repeat\nz = repeat(y, 3, block, scale=0.5)\n",
             "\n\n" + HELPERS["repeat"][1].replace("\ndef tflearn", "# tflearn-migrate helper: tflearn_repeat\n"
                                                  "def tflearn", 1).lstrip("\n")
             + "\n\nz = tflearn_repeat(y, 3, block, scale=0.5)\n", ()),
        Case("from tflearn.data_utils import pad_sequences, to_categorical\n"
             "X = pad_sequences(seqs, maxlen=20, value=0.)\nY = to_categorical(labels, 10)\n",
             "import keras\n\n"
             "X = keras.utils.pad_sequences(seqs, maxlen=20, value=0., padding='post', truncating='post')\n"
             "Y = keras.utils.to_categorical(labels, num_classes=10)\n"),
        Case("import tflearn\nX, Y = tflearn.data_utils.shuffle(X, Y)\n",
             "import numpy as np\n\n\n"
             "# tflearn-migrate helper: tflearn_shuffle\n"
             "def tflearn_shuffle(*arrays):\n"
             "    \"\"\"tflearn data_utils.shuffle: one np.random.permutation applied to every array.\"\"\"\n"
             "    arrays = [np.asarray(a) for a in arrays]\n"
             "    if any(len(a) != len(arrays[0]) for a in arrays):\n"
             "        raise ValueError(\"arrays to shuffle must have the same length\")\n"
             "    order = np.random.permutation(len(arrays[0]))\n"
             "    return tuple(a[order] for a in arrays)\n\n\n"
             "X, Y = tflearn_shuffle(X, Y)\n"),
        Case("from tflearn.data_utils import image_preloader\n"
             "X, Y = image_preloader('files.txt', image_shape=(32, 32), mode='file')\n",
             "import os\nimport numpy as np\n\n\n# tflearn-migrate helper: tflearn_image_preloader"
             + HELPERS["image_preloader"][1].rstrip("\n") + "\n\n\n"
             "X, Y = tflearn_image_preloader('files.txt', image_shape=(32, 32), mode='file')\n"),
        Case("from tflearn.data_utils import VocabularyProcessor\nvp = VocabularyProcessor(100)\n",
             None, ("TFM118",), todo=True),
    ]

