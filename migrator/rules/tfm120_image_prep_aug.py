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
from ..helpers import register
from ..translate.tflearn import Untranslatable
from .base import Case, Rule
from ..analysis.image_prep import AUG, PREP, prep_object_kind
TODO_CLASSES = {
    "tflearn.data_preprocessing.SequencePreprocessing": "tflearn 0.5.0 implements no sequence preprocessing",
    "tflearn.data_augmentation.SequenceAugmentation": "tflearn 0.5.0's SequenceAugmentation raises "
                                                      "NotImplementedError",
    "tflearn.data_augmentation.DataAugmentation": "a bare DataAugmentation has no methods to translate",
}
_K = (("keras", None, None),)
_KNP = (("keras", None, None), ("numpy", None, "np"))
_REG = '@keras.saving.register_keras_serializable(package="tflearn_migrate")\n'

register("FeaturewiseZeroCenter", _REG + '''class FeaturewiseZeroCenter(keras.layers.Layer):
    """tflearn add_featurewise_zero_center: x - mean, where mean is one scalar (or one value
    per channel) of the RAW training data, computed at the first fit
    (tflearn_adapt_preprocessing) unless given."""

    def __init__(self, mean=None, per_channel=False, **kwargs):
        super().__init__(**kwargs)
        self.mean_value = mean
        self.per_channel = per_channel

    def build(self, input_shape):
        n = input_shape[-1] if self.per_channel else 1
        init = 0.0 if self.mean_value is None else self.mean_value
        self.mean = self.add_weight(shape=(n,), initializer=keras.initializers.Constant(init),
                                    trainable=False, name="mean")

    def adapt_tflearn(self, data):
        if self.mean_value is not None or getattr(self, "adapted", False):
            return
        data = np.asarray(data, dtype="float64")
        if self.per_channel:  # mean over samples of each sample's per-channel mean
            value = np.mean(np.mean(data, axis=(1, 2)), axis=0)
        else:
            value = np.mean(data)
        self.mean.assign(np.reshape(value, (-1,)).astype("float32") * np.ones(self.mean.shape, "float32"))
        self.adapted = True

    def call(self, x):
        return x - self.mean

    def get_config(self):
        return {**super().get_config(), "mean": self.mean_value, "per_channel": self.per_channel}
''', imports=_KNP)

register("FeaturewiseStdNorm", _REG + '''class FeaturewiseStdNorm(keras.layers.Layer):
    """tflearn add_featurewise_stdnorm: x / (std + 1e-8), where std is the std of the RAW
    training data (per_channel: the mean over samples of each sample's per-channel std),
    computed at the first fit (tflearn_adapt_preprocessing) unless given."""

    def __init__(self, std=None, per_channel=False, **kwargs):
        super().__init__(**kwargs)
        self.std_value = std
        self.per_channel = per_channel

    def build(self, input_shape):
        n = input_shape[-1] if self.per_channel else 1
        init = 1.0 if self.std_value is None else self.std_value
        self.std = self.add_weight(shape=(n,), initializer=keras.initializers.Constant(init),
                                   trainable=False, name="std")

    def adapt_tflearn(self, data):
        if self.std_value is not None or getattr(self, "adapted", False):
            return
        data = np.asarray(data, dtype="float64")
        if self.per_channel:
            value = np.mean(np.std(data, axis=(1, 2)), axis=0)
        else:
            value = np.std(data)
        self.std.assign(np.reshape(value, (-1,)).astype("float32") * np.ones(self.std.shape, "float32"))
        self.adapted = True

    def call(self, x):
        return x / (self.std + 1e-8)

    def get_config(self):
        return {**super().get_config(), "std": self.std_value, "per_channel": self.per_channel}
''', imports=_KNP)

register("SamplewiseZeroCenter", _REG + '''class SamplewiseZeroCenter(keras.layers.Layer):
    """tflearn add_samplewise_zero_center: each sample minus its own mean (ImagePreprocessing:
    over the whole sample, with or without per_channel; DataPreprocessing: over the sample's
    first axis)."""

    def __init__(self, whole_sample=True, **kwargs):
        super().__init__(**kwargs)
        self.whole_sample = whole_sample

    def call(self, x):
        axes = tuple(range(1, len(x.shape))) if self.whole_sample else 1
        return x - keras.ops.mean(x, axis=axes, keepdims=True)

    def get_config(self):
        return {**super().get_config(), "whole_sample": self.whole_sample}
''', imports=_K)

register("SamplewiseStdNorm", _REG + '''class SamplewiseStdNorm(keras.layers.Layer):
    """tflearn add_samplewise_stdnorm: each sample divided by (its own std + 1e-8)
    (ImagePreprocessing: over the whole sample; DataPreprocessing: over its first axis)."""

    def __init__(self, whole_sample=True, **kwargs):
        super().__init__(**kwargs)
        self.whole_sample = whole_sample

    def call(self, x):
        axes = tuple(range(1, len(x.shape))) if self.whole_sample else 1
        return x / (keras.ops.std(x, axis=axes, keepdims=True) + 1e-8)

    def get_config(self):
        return {**super().get_config(), "whole_sample": self.whole_sample}
''', imports=_K)

register("TflearnRandomRotation", _REG + '''class TflearnRandomRotation(keras.layers.Layer):
    """tflearn add_random_rotation: during training, HALF of the samples (chosen at random)
    are rotated by an angle drawn from U(-max_angle, max_angle) degrees, zeros filled in.
    (tflearn interpolates with scipy's cubic spline, this layer bilinearly.)"""

    def __init__(self, max_angle=20.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.max_angle = max_angle
        self.seed = seed
        self.rotation = keras.layers.RandomRotation(max_angle / 360.0, fill_mode="constant",
                                                    fill_value=0.0, seed=seed)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.rotation.build(input_shape)

    def call(self, x, training=None):
        if not training:
            return x
        rotated = self.rotation(x, training=True)
        coin = keras.random.uniform((keras.ops.shape(x)[0], 1, 1, 1), seed=self.seed_generator)
        return keras.ops.where(coin < 0.5, rotated, x)

    def get_config(self):
        return {**super().get_config(), "max_angle": self.max_angle, "seed": self.seed}
''', imports=_K)

register("TflearnRandom90Rotation", _REG + '''class TflearnRandom90Rotation(keras.layers.Layer):
    """tflearn add_random_90degrees_rotation: during training each sample is rotated by
    k * 90 degrees, k drawn uniformly from ``rotations`` (square images)."""

    def __init__(self, rotations=(0, 1, 2, 3), seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rotations = list(rotations)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=None):
        if not training:
            return x
        pick = keras.random.randint((keras.ops.shape(x)[0],), 0, len(self.rotations),
                                    seed=self.seed_generator)
        out = keras.ops.zeros_like(x)
        for i, k in enumerate(self.rotations):
            w = keras.ops.cast(keras.ops.equal(pick, i), x.dtype)[:, None, None, None]
            out = out + w * keras.ops.rot90(x, k=k, axes=(1, 2))
        return out

    def get_config(self):
        return {**super().get_config(), "rotations": self.rotations, "seed": self.seed}
''', imports=_K)

register("TflearnRandomCrop", _REG + '''class TflearnRandomCrop(keras.layers.Layer):
    """tflearn add_random_crop: during training each sample is zero-padded by ``padding``
    and cropped to ``crop_shape`` at its own random offset; at inference the input is
    passed through unchanged (tflearn does not augment prediction batches)."""

    def __init__(self, crop_shape, padding=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.crop_shape = tuple(crop_shape)
        self.padding = padding
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=None):
        if not training:
            return x
        p = self.padding or 0
        if p:
            x = keras.ops.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
        h, w = self.crop_shape[0], self.crop_shape[1]
        n = keras.ops.shape(x)[0]
        rows = keras.random.randint((n, 1), 0, x.shape[1] - h + 1, seed=self.seed_generator)
        cols = keras.random.randint((n, 1), 0, x.shape[2] - w + 1, seed=self.seed_generator)
        pick_r = keras.ops.one_hot(rows + keras.ops.arange(h)[None, :], x.shape[1], dtype=x.dtype)
        pick_c = keras.ops.one_hot(cols + keras.ops.arange(w)[None, :], x.shape[2], dtype=x.dtype)
        return keras.ops.einsum("bih,bhwc,bjw->bijc", pick_r, x, pick_c)

    def get_config(self):
        return {**super().get_config(), "crop_shape": list(self.crop_shape),
                "padding": self.padding, "seed": self.seed}
''', imports=_K)

register("tflearn_adapt_preprocessing", '''def tflearn_adapt_preprocessing(preprocessing, data):
    """tflearn computes featurewise statistics from the raw training inputs on the first
    fit; this does the same for the layers that need them."""
    for layer in preprocessing.layers:
        if hasattr(layer, "adapt_tflearn"):
            layer.adapt_tflearn(data)
''')

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
