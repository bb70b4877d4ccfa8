"""Why a sampled loss (nce_loss / sampled_softmax_loss) is not translated (TFM161, TFM162)."""
from __future__ import annotations
from ..args import BoundArgs, Unbindable
from ..emit import literal


_LOOKUP = "params, ids, partition_strategy='mod', name=None, validate_indices=True, max_norm=None"
_NCE = ("weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None, "
        "remove_accidental_hits=False, partition_strategy='mod', name='nce_loss'")


def refusal(short: str, original) -> str | None:
    """Why ``tf.nn.<short>(...)`` (the ORIGINAL call) is not translated, else None (TFM162 asks
    before it takes a program: a program is translated whole or not at all)."""
    try:
        b = BoundArgs(original, _LOOKUP if short == "embedding_lookup" else _NCE)
    except Unbindable as ex:
        return str(ex)
    if short == "embedding_lookup":
        if b.given("max_norm") and literal(b.node("max_norm"), 1) is not None:
            return "max_norm= (rows clipped on lookup) is not translated"
        if type(b.node("params")).__name__ in ("List", "Tuple"):
            return "a partitioned table (a list of variables)"
        return None
    if b.given("remove_accidental_hits") and literal(b.node("remove_accidental_hits"), True) is not False:
        return "remove_accidental_hits=True is not translated"
    if type(b.node("weights")).__name__ in ("List", "Tuple"):
        return "a partitioned weight list"
    return None
