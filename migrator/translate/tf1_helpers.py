"""Keras helper definitions the TF1 rules emit and share (their code: helper_src/tf1.py, registered
with ``helpers.register_source``; ``ctx.use_helper(name)`` inserts one into a migrated file). Each
was written for one rule and is used by others; keeping them here keeps rules from importing each
other."""
from __future__ import annotations

from ..helpers import HELPERS, register_source


LOSS_MODEL = register_source("tf1", "LossModel")


TF1_ADD = register_source("tf1", "tf1_add")


FIXED_MODE_BN = register_source("tf1", "FixedModeBatchNormalization")


TF1_MODE_DROPOUT = register_source("tf1", "TF1ModeDropout")


TF1_SOFTMAX_XENT = register_source("tf1", "tf1_softmax_xent")


TF1_LAYER = register_source("tf1", "tf1_layer", also=("TF1_LAYERS",))


FROM_SLICES = "tensorflow.data.Dataset.from_tensor_slices"


TF1_DATASET = register_source("tf1", "TF1Dataset", also=("TF1DatasetIterator",))


TF1_TRAIN_STEP = register_source("tf1", "TF1TrainStep")


TF1_TRAIN_RUN = register_source("tf1", "tf1_train_run", requires=("TF1TrainStep",))


# tf.add_check_numerics_ops() fetched with a training step (TFM186; TFM144 writes the check)
CHECK_NUMERICS = register_source("tf1_programs", "tf1_check_numerics", requires=("TF1InvalidArgumentError",))


INVALID_ARGUMENT = register_source("tf1_programs", "TF1InvalidArgumentError")


CLASS_LOSSES = register_source("tf1", "tf1_regularization_losses",
                               also=("TF1RegularizationPenalties", "tf1_regularization_loss"))


def helper_example_output(imports: str, helpers, body: str) -> str:
    """Expected example output: the imports, the helpers' definitions, ``body``."""
    if any(h not in HELPERS for h in helpers):
        _register_all()
    return imports + "\n\n" + "".join(f"# tflearn-migrate helper: {h}\n{HELPERS[h].code}\n\n" for h in helpers) + body


def _register_all() -> None:
    """Import every rule module (each registers its helpers at import): an example may show a
    helper another rule registers. Plain imports, not ``rules.all_rules()`` (whose cached list
    must not be built while a rule module is still being imported)."""
    import importlib
    import pkgutil

    from .. import rules

    for info in pkgutil.iter_modules(rules.__path__):
        importlib.import_module(f"{rules.__name__}.{info.name}")


# tf.add_to_collection(tf.GraphKeys.WEIGHTS, w) of a hand-made layer's kernel (TFM135) and the
# collection read by apply_regularization without a list in a model class (TFM151)
WEIGHTS_ENTRY = register_source("tf1", "tf1_weights_entry", also=("TF1_WEIGHTS",))
# the current values of variables other layers own (tf1_weights_collection, tf1_trainable_variables)
VARIABLE_VALUES = register_source("tf1", "TF1VariableValues")
WEIGHTS_COLLECTION = register_source("tf1", "tf1_weights_collection",
                                     requires=("tf1_weights_entry", "TF1VariableValues"))
