"""Helpers migrated code may need: tflearn ImagePreprocessing / ImageAugmentation (TFM120).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import keras
import numpy as np


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class FeaturewiseZeroCenter(keras.layers.Layer):
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


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class FeaturewiseStdNorm(keras.layers.Layer):
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


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class SamplewiseZeroCenter(keras.layers.Layer):
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


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class SamplewiseStdNorm(keras.layers.Layer):
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


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TflearnRandomRotation(keras.layers.Layer):
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


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TflearnRandom90Rotation(keras.layers.Layer):
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


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TflearnRandomCrop(keras.layers.Layer):
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


def tflearn_adapt_preprocessing(preprocessing, data):
    """tflearn computes featurewise statistics from the raw training inputs on the first
    fit; this does the same for the layers that need them."""
    for layer in preprocessing.layers:
        if hasattr(layer, "adapt_tflearn"):
            layer.adapt_tflearn(data)
