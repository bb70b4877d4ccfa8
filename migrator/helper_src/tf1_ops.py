"""Helpers migrated code may need: TF1 ops without a one-call Keras equivalent (TFM130, TFM136,
TFM137, TFM151).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import glob
import keras
import numbers
import os
import types


def tf1_log_loss(labels, predictions, epsilon):
    """TF1's tf.losses.log_loss with its defaults: the mean over every element."""
    p = keras.ops.cast(predictions, "float32")
    y = keras.ops.cast(labels, "float32")
    losses = -keras.ops.multiply(y, keras.ops.log(p + epsilon)) - keras.ops.multiply(
        1 - y, keras.ops.log(1 - p + epsilon))
    return keras.ops.mean(losses)


def tf1_weighted_loss(losses, weights):
    """TF1's tf.losses reduction SUM_BY_NONZERO_WEIGHTS (the default) with weights: the sum of
    losses * weights over the number of non-zero weights (broadcast to the losses), 0 if none."""
    losses = keras.ops.cast(losses, "float32")
    weights = keras.ops.cast(weights, "float32")
    present = keras.ops.where(keras.ops.equal(weights, 0.0), 0.0, 1.0) * keras.ops.ones_like(losses)
    return keras.ops.divide_no_nan(keras.ops.sum(losses * weights), keras.ops.sum(present))


class TF1Shape(keras.layers.Layer):
    # tf.shape(t) of a symbolic Keras tensor (a functional model being built): the 1-D int32
    # shape computed when the model runs (keras.ops.shape would give None for the batch size)

    def call(self, t):
        return keras.ops.convert_to_tensor(keras.ops.shape(t), dtype="int32")

    def compute_output_spec(self, t):
        return keras.KerasTensor((len(t.shape),), dtype="int32")


def tf1_shape(t):
    """TF1's tf.shape(t): the run-time shape."""
    if isinstance(t, keras.KerasTensor):
        return TF1Shape()(t)
    return keras.ops.shape(t)


class TF1ReshapeLike(keras.layers.Layer):
    # tf.reshape(t, tf.shape(u)) of symbolic Keras tensors: t takes u's run-time shape, and its
    # static shape is u's (TF1 infers it from tf.shape(u); keras.ops.reshape of a shape tensor
    # would leave every axis unknown, and a later int(x.shape[-1]) would fail)

    def call(self, t, u):
        return keras.ops.reshape(t, keras.ops.shape(u))

    def compute_output_spec(self, t, u):
        return keras.KerasTensor(u.shape, dtype=t.dtype)


def tf1_reshape_like(t, u):
    """TF1's tf.reshape(t, tf.shape(u))."""
    if isinstance(t, keras.KerasTensor) or isinstance(u, keras.KerasTensor):
        return TF1ReshapeLike()(t, u)
    return keras.ops.reshape(t, keras.ops.shape(u))


class TF1Reshape(keras.layers.Layer):
    # tf.reshape(t, [..]) whose sizes are read with tf1_shape while a functional model is built
    # (an episode's ways * shots): keras.ops.reshape needs every size then; they are known only
    # when the model runs. The static shape keeps the sizes written as numbers.

    def __init__(self, template, **kwargs):
        super().__init__(**kwargs)
        self.template = [None if d is None else int(d) for d in template]  # None: a run-time size

    def call(self, t, *sizes):
        given = iter(sizes)
        shape = [keras.ops.reshape(keras.ops.cast(next(given) if d is None else d, "int32"), ())
                 for d in self.template]
        return keras.ops.reshape(t, keras.ops.stack(shape))

    def compute_output_spec(self, t, *sizes):
        return keras.KerasTensor(tuple(None if d is None or d < 0 else d for d in self.template), dtype=t.dtype)

    def get_config(self):
        return {**super().get_config(), "template": self.template}


def tf1_reshape(t, shape):
    """TF1's tf.reshape(t, [..]) with sizes read by tf1_shape from a model's symbolic tensors."""
    sizes = list(shape)
    symbolic = [d for d in sizes if isinstance(d, keras.KerasTensor)]
    if not symbolic:
        return keras.ops.reshape(t, sizes)
    return TF1Reshape([None if isinstance(d, keras.KerasTensor) else d for d in sizes])(t, *symbolic)


class TF1Full(keras.layers.Layer):
    # tf.zeros / tf.ones / tf.fill of sizes read with tf1_shape while a functional model is built
    # (``tf.zeros([batch_size, 2])``): made when the model runs, each time it runs

    def __init__(self, template, value, fill_dtype, **kwargs):
        super().__init__(**kwargs)
        self.template = [None if d is None else int(d) for d in template]  # None: a run-time size
        self.value, self.fill_dtype = value, fill_dtype

    def call(self, *sizes):
        given = iter(sizes)
        shape = [keras.ops.reshape(keras.ops.cast(next(given) if d is None else d, "int32"), ())
                 for d in self.template]
        return keras.ops.full(keras.ops.stack(shape), self.value, dtype=self.fill_dtype)

    def compute_output_spec(self, *sizes):
        return keras.KerasTensor(tuple(self.template), dtype=self.fill_dtype)

    def get_config(self):
        return {**super().get_config(), "template": self.template, "value": self.value,
                "fill_dtype": self.fill_dtype}


def tf1_full(shape, value, dtype):
    """TF1's tf.zeros / tf.ones / tf.fill with sizes read by tf1_shape from a model's symbolic tensors."""
    sizes = list(shape)
    symbolic = [d for d in sizes if isinstance(d, keras.KerasTensor)]
    if not symbolic:
        return keras.ops.full(sizes, value, dtype=dtype)
    return TF1Full([None if isinstance(d, keras.KerasTensor) else d for d in sizes], value, dtype)(*symbolic)


class TF1EyeLike(keras.layers.Layer):
    # the identity matrix of a size read from a tensor when it runs: keras.ops.eye needs an int
    # while a functional model is built from symbolic tensors (the batch size is None then)

    def __init__(self, axis=0, eye_dtype=None, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.eye_dtype = axis, eye_dtype

    def call(self, t):
        return keras.ops.eye(keras.ops.shape(t)[self.axis], dtype=self.eye_dtype)

    def compute_output_spec(self, t):
        n = t.shape[self.axis]
        return keras.KerasTensor((n, n), dtype=self.eye_dtype or keras.config.floatx())


def tf1_eye_like(t, axis=0, dtype=None):
    """TF1's tf.eye(tf.shape(t)[axis])."""
    if isinstance(t, keras.KerasTensor):
        return TF1EyeLike(axis, dtype)(t)
    return keras.ops.eye(keras.ops.shape(t)[axis], dtype=dtype)


def tf1_window(k):
    """A TF1 NHWC pooling ksize / strides (an int or [1, h, w, 1]) -> Keras' (h, w)."""
    if isinstance(k, int):
        return (k, k)
    k = tuple(k)
    if len(k) != 4 or k[0] != 1 or k[3] != 1:
        raise ValueError(f"TF1 pooling window {k} is not [1, h, w, 1]")
    return k[1:3]


def tf1_div(x, y):
    """TF1's tf.div (Python 2 division): floor division when x is an integer (a tensor of an integer
    dtype or a Python / NumPy integer - TF1 converted y to x's dtype), true division otherwise."""
    if isinstance(x, numbers.Integral):
        integer = True
    else:
        dtype = getattr(x, "dtype", None)
        integer = dtype is not None and "int" in str(dtype)  # int32, uint8, tf.int64 ...: not float
    return keras.ops.floor_divide(x, y) if integer else keras.ops.divide(x, y)


def tf1_nhwc(data_format):
    """A TF1 data_format known only at run time (a helper's parameter) -> Keras' "channels_last";
    any other layout raises (its windows / strides are laid out differently: never a silent NHWC)."""
    if data_format != "NHWC":
        raise ValueError(f"TF1 data_format {data_format!r}: only NHWC is translated")
    return "channels_last"


def tf1_max_pool(value, ksize, strides, padding, data_format="NHWC", name=None):
    """TF1's tf.nn.max_pool handed on as a function (``pool_type=tf.nn.max_pool``), NHWC."""
    if data_format != "NHWC":
        raise ValueError(f"TF1 pooling data_format {data_format!r} is not NHWC")
    return keras.ops.max_pool(value, tf1_window(ksize), strides=tf1_window(strides), padding=padding.lower())


def tf1_avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None):
    """TF1's tf.nn.avg_pool handed on as a function (``pool_type=tf.nn.avg_pool``), NHWC."""
    if data_format != "NHWC":
        raise ValueError(f"TF1 pooling data_format {data_format!r} is not NHWC")
    return keras.ops.average_pool(value, tf1_window(ksize), strides=tf1_window(strides), padding=padding.lower())


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1RandomNormalLike(keras.layers.Layer):
    """tf.random_normal(tf.shape(x), mean, stddev, dtype, seed) in a TF1 graph: a new draw
    from N(mean, stddev**2), shaped like x, at every run - every batch, in training and in
    prediction alike (a layer, so that it is drawn at every call of the model)."""

    def __init__(self, mean=0.0, stddev=1.0, dtype="float32", seed=None, **kwargs):
        super().__init__(**kwargs)
        self.mean, self.stddev, self.sample_dtype, self.seed = mean, stddev, dtype, seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x):
        return keras.random.normal(keras.ops.shape(x), mean=self.mean, stddev=self.stddev,
                                   dtype=self.sample_dtype, seed=self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev,
                "dtype": self.sample_dtype, "seed": self.seed}


class TF1RandomNormal(keras.layers.Layer):
    """tf.random_normal([..], mean, stddev, dtype, seed) in a TF1 graph whose sizes are read with
    tf1_shape (``[batch_size, latent]``): a new draw from N(mean, stddev**2) at every run, of the
    sizes the run has (a layer, so that it is drawn at every call of the model)."""

    def __init__(self, template, mean=0.0, stddev=1.0, dtype="float32", seed=None, **kwargs):
        super().__init__(**kwargs)
        self.template = [None if d is None else int(d) for d in template]  # None: a run-time size
        self.mean, self.stddev, self.sample_dtype, self.seed = mean, stddev, dtype, seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, *sizes):
        given = iter(sizes)
        shape = [keras.ops.reshape(keras.ops.cast(next(given) if d is None else d, "int32"), ())
                 for d in self.template]
        return keras.random.normal(keras.ops.stack(shape), mean=self.mean, stddev=self.stddev,
                                   dtype=self.sample_dtype, seed=self.seed_generator)

    def compute_output_spec(self, *sizes):
        return keras.KerasTensor(tuple(self.template), dtype=self.sample_dtype)

    def get_config(self):
        return {**super().get_config(), "template": self.template, "mean": self.mean, "stddev": self.stddev,
                "dtype": self.sample_dtype, "seed": self.seed}


def tf1_random_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    """TF1's tf.random_normal with sizes read by tf1_shape from a model's symbolic tensors."""
    sizes = list(shape)
    symbolic = [d for d in sizes if isinstance(d, keras.KerasTensor)]
    if not symbolic:
        return keras.random.normal(sizes, mean=mean, stddev=stddev, dtype=dtype, seed=seed)
    template = [None if isinstance(d, keras.KerasTensor) else d for d in sizes]
    return TF1RandomNormal(template, mean, stddev, dtype, seed)(*symbolic)


def tf1_range(start, limit=None, delta=1, dtype=None):
    """tf.range: keras.ops.arange (tf.range(n) counts from 0); a bound that is a functional model's
    symbolic tensor (a batch size read with tf1_shape) is used when the model runs (a Lambda layer)."""
    if limit is None:
        start, limit = 0, start
    args = [start, limit, delta]
    symbolic = [i for i, v in enumerate(args) if isinstance(v, keras.KerasTensor)]
    if not symbolic:
        return keras.ops.arange(start, limit, delta, dtype=dtype)

    def run(values):
        a = list(args)
        for i, v in zip(symbolic, values):
            a[i] = v
        return keras.ops.arange(*a, dtype=dtype)

    return keras.layers.Lambda(run)([args[i] for i in symbolic])


def tf1_masked_reduce(x, mask, reduction):
    """TF1's tf.reduce_<reduction>(tf.boolean_mask(x, mask)) over every element: the masked-out
    elements become the reduction's identity (max: -inf, min: +inf, sum: 0; mean: the sum over
    the number kept) - the same value, an empty mask included, and the same gradient."""
    if not hasattr(x, "shape"):
        x = keras.ops.convert_to_tensor(x)
    mask = keras.ops.cast(mask, "bool")
    while len(mask.shape) < len(x.shape):  # a mask over the leading axes keeps whole rows
        mask = keras.ops.expand_dims(mask, -1)
    mask = keras.ops.logical_and(mask, keras.ops.ones_like(x, dtype="bool"))
    if reduction == "max":
        return keras.ops.max(keras.ops.where(mask, x, float("-inf")))
    if reduction == "min":
        return keras.ops.min(keras.ops.where(mask, x, float("inf")))
    total = keras.ops.sum(keras.ops.where(mask, x, keras.ops.zeros_like(x)))
    if reduction == "sum":
        return total
    return total / keras.ops.sum(keras.ops.cast(mask, x.dtype))


def tf1_tile(x, multiples):
    """tf.tile: keras.ops.tile; multiples holding a functional model's symbolic tensor (a batch
    size read with tf1_shape) are used when the model runs (a Lambda layer)."""
    reps = list(multiples) if isinstance(multiples, (list, tuple)) else multiples
    if not isinstance(reps, list) or not any(isinstance(v, keras.KerasTensor) for v in reps):
        return keras.ops.tile(x, reps)
    symbolic = [i for i, v in enumerate(reps) if isinstance(v, keras.KerasTensor)]

    def run(values):
        r = list(reps)
        for i, v in zip(symbolic, values[1:]):
            r[i] = v
        return keras.ops.tile(values[0], r)

    rank = len(x.shape)
    return keras.layers.Lambda(run, output_shape=lambda shapes: (None,) * rank)([x] + [reps[i] for i in symbolic])


def tf1_gather_nd(params, indices):
    """TF1's tf.gather_nd(params, indices): the slices of params at the index tuples on indices'
    last axis (``tf.stack([tf.range(n), lengths - 1], axis=1)``: each row's last relevant step),
    taken from params with its first k axes flattened; axes 1 .. k-1 of params must have sizes
    known when the model is built."""
    k = indices.shape[-1]
    inner, rest = params.shape[1:k], params.shape[k:]
    if k is None or None in inner or None in rest:
        raise ValueError(f"tf1_gather_nd: params {params.shape} / indices {indices.shape}: sizes unknown")
    index = keras.ops.cast(indices, "int32")
    linear = keras.ops.take(index, 0, axis=-1)
    for i, size in enumerate(inner, start=1):
        linear = linear * size + keras.ops.take(index, i, axis=-1)
    return keras.ops.take(keras.ops.reshape(params, (-1, *rest)), linear, axis=0)


def tf1_sequence_mask(lengths, maxlen=None, dtype="bool"):
    """TF1's tf.sequence_mask: mask[..., j] = j < lengths[...] for j < maxlen (None: the largest
    length). A length or size of a functional model being built (symbolic) is used when the model
    runs (a Lambda layer)."""
    if isinstance(maxlen, keras.KerasTensor) or (maxlen is None and isinstance(lengths, keras.KerasTensor)):
        args = [lengths] if maxlen is None else [lengths, maxlen]
        return keras.layers.Lambda(lambda a: tf1_sequence_mask(a[0], a[1] if len(a) > 1 else None, dtype))(args)
    if maxlen is None:
        maxlen = keras.ops.max(lengths)
    mask = keras.ops.less(keras.ops.arange(maxlen), keras.ops.expand_dims(lengths, -1))
    return mask if dtype == "bool" else keras.ops.cast(mask, dtype)


def tf1_diag(diagonal):
    """tf.diag: a tensor of rank 2k with ``diagonal`` (rank k) at [i1..ik, i1..ik] and zeros
    elsewhere; keras.ops.diag makes that matrix of a vector but EXTRACTS the diagonal of a matrix."""
    x = keras.ops.convert_to_tensor(diagonal)
    shape = tuple(x.shape)
    return keras.ops.reshape(keras.ops.diag(keras.ops.reshape(x, [-1])), shape + shape)


def tf1_split(value, num_or_size_splits, axis=0):
    """tf.split with a count or sizes the program computes (a parameter, a flag): TF1 reads a
    Python / NumPy integer as a number of equal parts and a list, tuple or 1-D array as the
    parts' SIZES; keras.ops.split (NumPy's) takes a number of parts or the INDICES where to cut."""
    n = num_or_size_splits
    if isinstance(n, bool) or isinstance(n, keras.KerasTensor):
        raise ValueError(f"tf.split: num_or_size_splits {n!r} is not a count or a list of sizes")
    if hasattr(n, "__index__") and not hasattr(n, "__len__"):
        return keras.ops.split(value, int(n), axis=axis)
    cuts, total = [], 0
    for size in list(n)[:-1]:
        total += int(size)
        cuts.append(total)
    return keras.ops.split(value, cuts, axis=axis)


def tf1_moments_axes(x, axes):
    """tf.nn.moments over every axis but the last: the batch statistics of
    keras.layers.BatchNormalization(axis=-1); anything else has no Keras layer (raises)."""
    rank = len(x.shape)
    if sorted(int(a) % rank for a in axes) != list(range(rank - 1)):
        raise ValueError(f"tf.nn.moments axes {list(axes)} are not every axis but the last of a rank-{rank} tensor")


def tf1_latest_checkpoint(checkpoint_dir):
    # tf.train.latest_checkpoint: the path prefix of the newest checkpoint saved in the
    # directory (Saver.save -> save_checkpoint writes "<prefix>.weights.h5"), None if there is none
    paths = glob.glob(os.path.join(checkpoint_dir, "*.weights.h5"))
    if not paths:
        return None
    return max(paths, key=os.path.getmtime)[:-len(".weights.h5")]


def tf1_checkpoint_state(checkpoint_dir):
    """tf.train.get_checkpoint_state: None when the directory holds no checkpoint, else its state:
    model_checkpoint_path the newest checkpoint's path prefix, all_model_checkpoint_paths every one,
    oldest first (Saver.save -> save_checkpoint writes "<prefix>.weights.h5")."""
    paths = sorted(glob.glob(os.path.join(checkpoint_dir, "*.weights.h5")), key=os.path.getmtime)
    if not paths:
        return None
    prefixes = [p[:-len(".weights.h5")] for p in paths]
    return types.SimpleNamespace(model_checkpoint_path=prefixes[-1], all_model_checkpoint_paths=prefixes)


def tf1_apply_regularization(regularizer, weights_list):
    """tf.contrib.layers.apply_regularization: the sum of the regularizer applied to each tensor
    of the list (a list of penalties too: TF1 then penalised the penalties)."""
    if not weights_list:
        raise ValueError("No weights to regularize.")
    return keras.ops.sum(keras.ops.stack([regularizer(w) for w in weights_list]))


def tf1_confusion_counts(labels, predictions, num_classes=None, weights=None, dtype="int32"):
    # tf.confusion_matrix's arithmetic: [n, n], row = label, column = prediction, each pair adding
    # one (or its weight); n = num_classes or 1 + the largest label / prediction
    labels, predictions = keras.ops.convert_to_tensor(labels), keras.ops.convert_to_tensor(predictions)
    if len(predictions.shape) == len(labels.shape) + 1 and predictions.shape[-1] in (1, None):
        predictions = keras.ops.squeeze(predictions, -1)
    elif len(labels.shape) == len(predictions.shape) + 1 and labels.shape[-1] in (1, None):
        labels = keras.ops.squeeze(labels, -1)
    lab = keras.ops.cast(labels, "int32")
    pred = keras.ops.cast(predictions, "int32")
    n = num_classes if num_classes is not None else keras.ops.maximum(keras.ops.max(pred), keras.ops.max(lab)) + 1
    values = keras.ops.ones_like(pred, dtype=dtype) if weights is None else keras.ops.cast(weights, dtype)
    return keras.ops.scatter(keras.ops.stack([lab, pred], axis=1), values, (n, n))


class TF1ConfusionMatrix(keras.layers.Layer):
    # tf.confusion_matrix of a functional model's symbolic tensors: the counts computed when the
    # model runs (its size too, when num_classes is not given)

    def __init__(self, num_classes=None, cm_dtype="int32", **kwargs):
        super().__init__(**kwargs)
        self.num_classes, self.cm_dtype = num_classes, cm_dtype

    def call(self, labels, predictions, weights=None):
        return tf1_confusion_counts(labels, predictions, self.num_classes, weights, self.cm_dtype)

    def compute_output_spec(self, labels, predictions, weights=None):
        n = self.num_classes if isinstance(self.num_classes, int) else None
        return keras.KerasTensor((n, n), dtype=self.cm_dtype)


def tf1_confusion_matrix(labels, predictions, num_classes=None, dtype="int32", weights=None):
    """TF1's tf.confusion_matrix(labels, predictions, num_classes=None, dtype=tf.int32,
    weights=None)."""
    if any(isinstance(t, keras.KerasTensor) for t in (labels, predictions, weights)):
        return TF1ConfusionMatrix(num_classes, dtype)(labels, predictions, weights)
    return tf1_confusion_counts(labels, predictions, num_classes, weights, dtype)


def tf1_convert_image_dtype(image, dtype):
    """TF1's tf.image.convert_image_dtype to a float dtype: an integer image cast, then scaled by
    1 / its dtype's largest value (uint8 [0, 255] -> [0, 1]); a float image only cast."""
    largest = {"uint8": 255, "int8": 127, "uint16": 65535, "int16": 32767, "uint32": 4294967295,
               "int32": 2147483647, "int64": 9223372036854775807}
    src = keras.ops.dtype(image)
    if src == dtype:
        return image
    if src in largest:
        return keras.ops.multiply(keras.ops.cast(image, dtype), 1.0 / largest[src])
    return keras.ops.cast(image, dtype)


def tf1_per_image_standardization(image):
    """TF1's tf.image.per_image_standardization: each image (the last three axes) in float32,
    minus its mean, over max(its standard deviation, 1 / sqrt(its number of elements))."""
    x = keras.ops.cast(image, "float32")
    n = 1
    for size in x.shape[-3:]:
        if size is None:
            raise ValueError("per_image_standardization: an image size is unknown")
        n *= size
    mean = keras.ops.mean(x, axis=[-1, -2, -3], keepdims=True)
    std = keras.ops.std(x, axis=[-1, -2, -3], keepdims=True)
    return keras.ops.divide(x - mean, keras.ops.maximum(std, keras.ops.rsqrt(keras.ops.cast(n, "float32"))))


def _tf1_resize_weights(n_in, n_out, align_corners):
    # TF1's legacy resize kernel: source coordinate i * scale in float32, no half-pixel offset
    # (n_in a number, or a scalar tensor where the size is known only when it runs)
    if align_corners and n_out > 1:
        scale = keras.ops.divide(keras.ops.cast(n_in - 1, "float32"), keras.ops.cast(n_out - 1, "float32"))
    else:
        scale = keras.ops.divide(keras.ops.cast(n_in, "float32"), keras.ops.cast(n_out, "float32"))
    src = keras.ops.arange(n_out, dtype="float32") * scale
    low = keras.ops.floor(src)
    lo = keras.ops.maximum(keras.ops.cast(low, "int32"), 0)
    hi = keras.ops.minimum(keras.ops.cast(keras.ops.ceil(src), "int32"), n_in - 1)
    return lo, hi, src - low


def tf1_resize_bilinear(images, size, align_corners=False):
    """TF1's tf.image.resize_images / resize_bilinear (BILINEAR): output pixel i reads the source
    coordinate i * in / out (align_corners: i * (in - 1) / (out - 1)) WITHOUT the half-pixel
    offset of TF2's tf.image.resize and Keras' resize, linearly interpolated, in float32."""
    x = keras.ops.cast(images, "float32")
    single = len(x.shape) == 3
    if single:
        x = keras.ops.expand_dims(x, 0)
    h_in, w_in = x.shape[1], x.shape[2]
    if h_in is None or w_in is None:
        if isinstance(x, keras.KerasTensor):
            raise ValueError("resize_images: the input height and width must be known")
        h_in, w_in = keras.ops.shape(x)[1], keras.ops.shape(x)[2]  # (a tf.data map: known when it runs)
    h_out, w_out = (int(s) for s in size)
    top, bottom, y_lerp = _tf1_resize_weights(h_in, h_out, align_corners)
    left, right, x_lerp = _tf1_resize_weights(w_in, w_out, align_corners)
    x_lerp = keras.ops.reshape(x_lerp, (1, 1, w_out, 1))
    y_lerp = keras.ops.reshape(y_lerp, (1, h_out, 1, 1))
    rows_top, rows_bottom = keras.ops.take(x, top, axis=1), keras.ops.take(x, bottom, axis=1)
    top_left, top_right = keras.ops.take(rows_top, left, axis=2), keras.ops.take(rows_top, right, axis=2)
    bottom_left, bottom_right = keras.ops.take(rows_bottom, left, axis=2), keras.ops.take(rows_bottom, right, axis=2)
    upper = top_left + (top_right - top_left) * x_lerp
    lower = bottom_left + (bottom_right - bottom_left) * x_lerp
    out = upper + (lower - upper) * y_lerp
    return keras.ops.squeeze(out, 0) if single else out
