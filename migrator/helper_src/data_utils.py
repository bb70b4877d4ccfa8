"""Helpers migrated code may need: tflearn data_utils (TFM118, TFM119).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import csv
import numpy as np
import os
import random


def tflearn_shuffle(*arrays):
    """tflearn data_utils.shuffle: one np.random.permutation applied to every array."""
    arrays = [np.asarray(a) for a in arrays]
    if any(len(a) != len(arrays[0]) for a in arrays):
        raise ValueError("arrays to shuffle must have the same length")
    order = np.random.permutation(len(arrays[0]))
    return tuple(a[order] for a in arrays)


def tflearn_to_categorical(y, nb_classes=None):
    """tflearn data_utils.to_categorical: with nb_classes, float64 one-hot rows of the
    flattened int labels; without, one column per distinct label value (sorted)."""
    if nb_classes:
        y = np.asarray(y, dtype="int32").reshape(-1)
        out = np.zeros((len(y), nb_classes))
        out[np.arange(len(y)), y] = 1.0
        return out
    y = np.array(y)
    return (y[:, None] == np.unique(y)).astype(np.float32)


def tflearn_featurewise_zero_center(X, mean=None):
    """tflearn data_utils.featurewise_zero_center: returns (X - mean, mean) when the mean
    is computed here (axis 0), X - mean otherwise."""
    if mean is None:
        mean = np.mean(X, axis=0)
        return X - mean, mean
    return X - mean


def tflearn_featurewise_std_normalization(X, std=None):
    """tflearn data_utils.featurewise_std_normalization: returns (X / std, std) when the
    std is computed here (axis 0), X / std otherwise."""
    if std is None:
        std = np.std(X, axis=0)
        return X / std, std
    return X / std


def tflearn_samplewise_zero_center(X):
    """tflearn data_utils.samplewise_zero_center: IN PLACE, each sample minus its mean
    over its axis 1."""
    for i in range(len(X)):
        X[i] -= np.mean(X[i], axis=1, keepdims=True)
    return X


def tflearn_samplewise_std_normalization(X):
    """tflearn data_utils.samplewise_std_normalization: IN PLACE, each sample divided by
    (its std over its axis 1 + 1e-10)."""
    for i in range(len(X)):
        X[i] /= np.std(X[i], axis=1, keepdims=True) + 1e-10
    return X


def tflearn_chars_to_dictionary(string):
    """tflearn data_utils.chars_to_dictionary: sorted distinct characters -> index."""
    return {c: i for i, c in enumerate(sorted(set(string)))}


def tflearn_string_to_semi_redundant_sequences(string, seq_maxlen=25, redun_step=3, char_idx=None):
    """tflearn data_utils.string_to_semi_redundant_sequences: one-hot (bool) windows of
    seq_maxlen characters every redun_step characters, and the one-hot next character."""
    if char_idx is None:
        char_idx = tflearn_chars_to_dictionary(string)
    starts = range(0, len(string) - seq_maxlen, redun_step)
    X = np.zeros((len(starts), seq_maxlen, len(char_idx)), dtype=bool)
    Y = np.zeros((len(starts), len(char_idx)), dtype=bool)
    for i, s in enumerate(starts):
        for t, ch in enumerate(string[s:s + seq_maxlen]):
            X[i, t, char_idx[ch]] = True
        Y[i, char_idx[string[s + seq_maxlen]]] = True
    return X, Y, char_idx


def tflearn_textfile_to_semi_redundant_sequences(path, seq_maxlen=25, redun_step=3,
                                                 to_lower_case=False, pre_defined_char_idx=None):
    """tflearn data_utils.textfile_to_semi_redundant_sequences."""
    with open(path) as f:
        text = f.read()
    if to_lower_case:
        text = text.lower()
    return tflearn_string_to_semi_redundant_sequences(text, seq_maxlen, redun_step, pre_defined_char_idx)


def tflearn_random_sequence_from_string(string, seq_maxlen):
    """tflearn data_utils.random_sequence_from_string (Python's random module)."""
    start = random.randint(0, len(string) - seq_maxlen - 1)
    return string[start:start + seq_maxlen]


def tflearn_random_sequence_from_textfile(path, seq_maxlen):
    """tflearn data_utils.random_sequence_from_textfile: a random window of the file's text."""
    with open(path) as f:
        text = f.read()
    return tflearn_random_sequence_from_string(text, seq_maxlen)


def tflearn_repeat(inputs, repetitions, layer, *args, **kwargs):
    """tflearn utils.repeat: ``layer`` applied ``repetitions`` times, each time to the
    previous output (a function building new layers builds new ones on every call)."""
    outputs = inputs
    for _ in range(repetitions):
        outputs = layer(outputs, *args, **kwargs)
    return outputs


def tflearn_load_csv(filepath, target_column=-1, columns_to_ignore=None, has_header=True,
                     categorical_labels=False, n_classes=None):
    """tflearn data_utils.load_csv: rows of strings (data) and the target column."""
    ignore = list(columns_to_ignore or [])
    ignore = [c - 1 if c > target_column else c for c in ignore]
    data, target = [], []
    with open(filepath) as f:
        rows = csv.reader(f)
        if has_header:
            next(rows)
        for row in rows:
            target.append(row.pop(target_column))
            data.append([v for j, v in enumerate(row) if j not in ignore])
    if categorical_labels:
        assert isinstance(n_classes, int), "n_classes not specified!"
        target = tflearn_to_categorical(target, n_classes)
    return data, target


def tflearn_image_preloader(target_path, image_shape, mode="file", normalize=True, grayscale=False,
                            categorical_labels=True, files_extension=None, filter_channel=False,
                            image_base_path="", float_labels=False):
    """tflearn data_utils.image_preloader, loaded at once: the same samples in the same order
    ('file': the lines "path class_id" of target_path, image_base_path prefixed; 'folder': the
    sorted sub-folders of target_path are classes 0, 1 ..., their files in os.walk order),
    kept when a files_extension occurs in the path and, with filter_channel, when the image has
    3 channels; each image PIL-resized (LANCZOS, tflearn's ANTIALIAS) to width image_shape[0],
    height image_shape[1] when it differs, 'L' with grayscale (then a channel axis), float32,
    / 255 with normalize; labels float64 one-hot rows over max(label) + 1 classes, or the
    labels. tflearn returns Preloaders that read each batch from disk: these are the arrays
    they yield (np.stack: every image in memory)."""
    from urllib.parse import urlparse
    from urllib.request import urlopen
    from io import BytesIO
    from PIL import Image

    assert mode in ["folder", "file"]

    def load(path):
        if urlparse(path).scheme in ("http", "https"):
            return Image.open(BytesIO(urlopen(path).read()))
        return Image.open(path)

    def channels(path):
        img = np.asarray(load(path), dtype="float32")
        return img.shape[2] if img.ndim > 2 else 1

    images, labels = [], []
    if mode == "folder":
        classes = sorted(next(os.walk(target_path))[1])
        for label, c in enumerate(classes):
            c_dir = os.path.join(target_path, c)
            for sample in next(os.walk(c_dir))[2]:
                if not files_extension or any(flag in sample for flag in files_extension):
                    if filter_channel and channels(os.path.join(c_dir, sample)) != 3:
                        continue
                    images.append(os.path.join(c_dir, sample))
                    labels.append(label)
    else:
        with open(target_path, "r") as f:
            for line in f.readlines():
                line = line.strip("\n").split()
                line[0] = image_base_path + line[0]
                if not files_extension or any(flag in line[0] for flag in files_extension):
                    if filter_channel and channels(line[0]) != 3:
                        continue
                    images.append(line[0])
                    labels.append(float(line[1]) if float_labels else int(line[1]))
    n_classes = np.max(labels) + 1

    def image(path):
        img = load(path)
        if img.size[0] != image_shape[0] or img.size[1] != image_shape[1]:
            img = img.resize((image_shape[0], image_shape[1]), Image.LANCZOS)
        if grayscale:
            img = img.convert("L")
        img.load()
        arr = np.asarray(img, dtype="float32")
        if grayscale:
            arr = np.reshape(arr, arr.shape + (1,))
        if normalize:
            arr = arr / 255.0
        return arr

    X = np.stack([image(p) for p in images])
    if categorical_labels:
        Y = np.zeros((len(labels), int(n_classes)))
        Y[np.arange(len(labels)), np.asarray(labels, dtype="int32")] = 1.0
    else:
        Y = np.asarray(labels)
    return X, Y
