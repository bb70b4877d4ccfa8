"""TFM120: tflearn ImagePreprocessing / ImageAugmentation -> Keras preprocessing layers.

tflearn applies these objects to every batch it feeds (``data_flow.FeedDictFlow``):
augmentation FIRST (training batches only), then preprocessing (training, validation and
prediction batches). Featurewise statistics (mean/std with ``mean=None``/``std=None``) are
computed from the RAW training inputs at the first ``fit``. The translation builds a
``keras.Sequential`` of layers per object, applied to the ``keras.Input`` by TFM101
(``prep(aug(input))``); the statistics are computed by ``tflearn_adapt_preprocessing``,
inserted by TFM117 before the ``fit``.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call, expr, stmt
from ..helpers import register_source
from ..translate.tflearn import Untranslatable
from .base import Case, Rule
from ..analysis.image_prep import AUG, PREP, prep_object_kind
TODO_CLASSES = {
    "tflearn.data_preprocessing.SequencePreprocessing": "tflearn 0.5.0 implements no sequence preprocessing",
    "tflearn.data_augmentation.SequenceAugmentation": "tflearn 0.5.0's SequenceAugmentation raises "
                                                      "NotImplementedError",
    "tflearn.data_augmentation.DataAugmentation": "a bare DataAugmentation has no methods to translate",
}

register_source("image_prep", "FeaturewiseZeroCenter")

register_source("image_prep", "FeaturewiseStdNorm")

register_source("image_prep", "SamplewiseZeroCenter")

register_source("image_prep", "SamplewiseStdNorm")

register_source("image_prep", "TflearnRandomRotation")

register_source("image_prep", "TflearnRandom90Rotation")

register_source("image_prep", "TflearnRandomCrop")

register_source("image_prep", "tflearn_adapt_preprocessing")

_PREP_METHODS = {
    "add_featurewise_zero_center": "mean=None, per_channel=False",
    "add_featurewise_stdnorm": "std=None, per_channel=False",
    "add_samplewise_zero_center": "per_channel=False",
    "add_samplewise_stdnorm": "per_channel=False",
    "add_image_normalization": "",
    "add_crop_center": "shape",
    "add_zca_whitening": "pc=None",
    "add_custom_preprocessing": "func",
}
_AUG_METHODS = {
    "add_random_flip_leftright": "",
    "add_random_flip_updown": "",
    "add_random_rotation": "max_angle=20.0",
    "add_random_90degrees_rotation": "rotations=[0, 1, 2, 3]",
    "add_random_crop": "crop_shape, padding=None",
    "add_random_blur": "sigma_max=5.0",
}


class ImagePrepAug(Rule):
    ID = "TFM120"
    TRIGGERS = ("tflearn",)
    NAME = "image-prep-aug"
    MESSAGE = "tflearn ImagePreprocessing / ImageAugmentation -> Keras preprocessing layers in the model"
    RATIONALE = ("tflearn normalises and augments batches outside the graph: augmentation first "
                 "(training only), then preprocessing (also at prediction). Featurewise zero-centre "
                 "/ std-normalisation use ONE scalar mean/std of the raw training data (per channel "
                 "only with per_channel=True), divide by std + 1e-8, and are computed at the first "
                 "fit; samplewise ops use each sample's own statistics. Random flips and rotations "
                 "apply to half of the samples (rotation angle U(-max_angle, max_angle) degrees, "
                 "zero fill); random crops pad with zeros and crop per sample. These become layers "
                 "(keras.layers.RandomFlip / Rescaling / CenterCrop and small registered helper "
                 "layers) in a keras.Sequential applied to the Input, so they survive migration.")
    REQUIRES = ("TFM101",)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        q = self.ctx.legacy_name(original)
        if q in PREP or q in AUG:
            if original.args:
                self.todo(original, "constructor arguments")
                return updated
            self.ctx.add_import("keras")
            self.ctx.count(self)
            return call("keras.Sequential")
        if q in TODO_CLASSES:
            self.todo(original, TODO_CLASSES[q])
            return updated
        func = original.func
        if not isinstance(func, cst.Attribute) or not isinstance(updated, cst.Call):
            return updated
        kind = prep_object_kind(self.ctx, func.value, original)
        method = func.attr.value
        if kind is None:
            return updated
        table = _AUG_METHODS if kind == "aug" else _PREP_METHODS
        if method not in table:
            self.todo(original, f"{method}: no Keras translation")
            return updated
        try:
            b = BoundArgs(updated, table[method], original)
            layers = self._layers(kind, method, b, original)
        except (Untranslatable, Unbindable, ValueError) as ex:
            self.todo(original, f"{method}: {ex}")
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        receiver = updated.func.value
        for extra in layers[1:]:
            self.ctx.insert_after(original, [stmt("{r}.add({l})", r=receiver, l=extra)])
        return call(cst.Attribute(receiver, cst.Name("add")), layers[0])

    def _layers(self, kind, method, b: BoundArgs, original) -> list[cst.BaseExpression]:
        h = self.ctx.use_helper
        if method == "add_featurewise_zero_center":
            return [call(h("FeaturewiseZeroCenter"), mean=b.node("mean") if b.given("mean") else None,
                         per_channel=b.node("per_channel") if not b.is_default("per_channel") else None)]
        if method == "add_featurewise_stdnorm":
            return [call(h("FeaturewiseStdNorm"), std=b.node("std") if b.given("std") else None,
                         per_channel=b.node("per_channel") if not b.is_default("per_channel") else None)]
        if method in ("add_samplewise_zero_center", "add_samplewise_stdnorm"):
            cls = "SamplewiseZeroCenter" if method.endswith("center") else "SamplewiseStdNorm"
            # ImagePreprocessing: whole sample (per_channel changes nothing in tflearn 0.5.0)
            return [call(h(cls), whole_sample=None if kind == "prep_image" else False)]
        if method == "add_image_normalization":
            return [call("keras.layers.Rescaling", expr("1.0 / 255"))]
        if method == "add_crop_center":
            shape = b.value("shape", None)
            if not isinstance(shape, (list, tuple)) or len(shape) < 2:
                raise Untranslatable("non-literal crop shape")
            return [call("keras.layers.CenterCrop", shape[0], shape[1])]
        if method == "add_zca_whitening":
            raise Untranslatable("ZCA whitening (principal components of the dataset) has no Keras layer")
        if method == "add_custom_preprocessing":
            raise Untranslatable("a NumPy function on batches: rewrite it as a keras layer")
        if method == "add_random_flip_leftright":
            return [call("keras.layers.RandomFlip", "horizontal")]
        if method == "add_random_flip_updown":
            return [call("keras.layers.RandomFlip", "vertical")]
        if method == "add_random_rotation":
            self.report(original, "random rotation: tflearn interpolates with scipy's cubic spline, "
                                  "keras RandomRotation bilinearly")
            return [call(h("TflearnRandomRotation"), max_angle=b.node("max_angle"))]
        if method == "add_random_90degrees_rotation":
            return [call(h("TflearnRandom90Rotation"),
                         rotations=b.node("rotations") if b.given("rotations") else None)]
        if method == "add_random_crop":
            return [call(h("TflearnRandomCrop"), b.node("crop_shape"),
                         padding=b.node("padding") if b.given("padding") else None)]
        raise Untranslatable("random blur (scipy gaussian_filter across all axes, channels "
                             "included, on half of the samples) has no Keras equivalent")

    VALID = ["import keras\nprep = keras.Sequential()\nprep.add(keras.layers.Rescaling(1 / 255))\n"]
    INVALID = [
        Case("import tflearn\n"
             "aug = tflearn.ImageAugmentation()\n"
             "aug.add_random_flip_leftright()\n"
             "aug.add_random_flip_updown()\n"
             "prep = tflearn.ImagePreprocessing()\n"
             "prep.add_image_normalization()\n"
             "prep.add_crop_center([24, 24])\n",
             "import keras\n\n"
             "aug = keras.Sequential()\n"
             "aug.add(keras.layers.RandomFlip('horizontal'))\n"
             "aug.add(keras.layers.RandomFlip('vertical'))\n"
             "prep = keras.Sequential()\n"
             "prep.add(keras.layers.Rescaling(1.0 / 255))\n"
             "prep.add(keras.layers.CenterCrop(24, 24))\n"),
        Case("import tflearn\n"
             "aug = tflearn.ImageAugmentation()\n"
             "aug.add_random_blur(sigma_max=3.)\n",
             "import keras\n\n"
             "aug = keras.Sequential()\n"
             "# TODO(tflearn-migrate): TFM120 add_random_blur: random blur (scipy gaussian_filter across all "
             "axes, channels included, on half of the samples) has no Keras equivalent\n"
             "aug.add_random_blur(sigma_max=3.)\n",
             ("TFM120",), todo=True),
    ]
