"""Keras / NumPy helpers of tflearn.data_utils, registered for TFM118 and TFM119."""
from __future__ import annotations
from ..helpers import register_source


_NP = (("numpy", None, "np"),)

# Pure NumPy/Python re-implementations of tflearn 0.5.0's data_utils (same results, same
# use of NumPy's global random state), in helper_src/data_utils.py.
# tflearn name -> (helper, the helpers it requires)
_NAMES = {
    "shuffle": ("tflearn_shuffle",),
    "to_categorical": ("tflearn_to_categorical",),
    "featurewise_zero_center": ("tflearn_featurewise_zero_center",),
    "featurewise_std_normalization": ("tflearn_featurewise_std_normalization",),
    "samplewise_zero_center": ("tflearn_samplewise_zero_center",),
    "samplewise_std_normalization": ("tflearn_samplewise_std_normalization",),
    "chars_to_dictionary": ("tflearn_chars_to_dictionary",),
    "string_to_semi_redundant_sequences": ("tflearn_string_to_semi_redundant_sequences",
                                           ("tflearn_chars_to_dictionary",)),
    "textfile_to_semi_redundant_sequences": ("tflearn_textfile_to_semi_redundant_sequences",
                                             ("tflearn_string_to_semi_redundant_sequences",)),
    "random_sequence_from_string": ("tflearn_random_sequence_from_string",),
    "random_sequence_from_textfile": ("tflearn_random_sequence_from_textfile", ("tflearn_random_sequence_from_string",)),
    "repeat": ("tflearn_repeat",),
    "load_csv": ("tflearn_load_csv", ("tflearn_to_categorical",)),
    "image_preloader": ("tflearn_image_preloader",),
}
_EXTRA_IMPORTS = {"image_preloader": (("os", None, None),),
                  "random_sequence_from_string": (("random", None, None),),
                  "load_csv": (("csv", None, None),)}
# tflearn name -> (helper, its code as the rules' examples quote it)
HELPERS: dict[str, tuple[str, str]] = {}
for _n, (_h, *_req) in _NAMES.items():
    # the NumPy import even where the code does not read it (the migrated files have it)
    _helper = register_source("data_utils", _h, requires=_req[0] if _req else (),
                              imports=(() if _n == "repeat" else _NP) + _EXTRA_IMPORTS.get(_n, ()))
    HELPERS[_n] = (_h, "\n" + _helper.code)
