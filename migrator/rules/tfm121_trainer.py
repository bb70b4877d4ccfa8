"""TFM121: tflearn Trainer / TrainOp / Evaluator (graph-level training helpers)."""
from __future__ import annotations

from .base import Case, CallRule

_WHY = {
    "tflearn.helpers.trainer.TrainOp": (
        "TrainOp wraps a TF1 loss TENSOR built from placeholders; Keras needs a model whose "
        "inputs and targets are known: express the graph as a keras.Model and use "
        "model.compile(optimizer, loss, metrics) (tflearn clips gradients to global norm 5.0 "
        "and uses batch_size 64 by default)"),
    "tflearn.helpers.trainer.Trainer": (
        "Trainer.fit feeds placeholders by dict and runs TrainOps in a session: replace it by "
        "model.fit(x, y, epochs=n_epoch, batch_size=...) on the keras.Model of the TrainOp"),
    "tflearn.helpers.evaluator.Evaluator": (
        "Evaluator runs tensors with feed dicts in a session: use model.predict / model.evaluate"),
}


class TrainerTrainOp(CallRule):
    ID = "TFM121"
    NAME = "trainer-trainop"
    MESSAGE = "tflearn Trainer / TrainOp / Evaluator: graph training helpers, port to model.compile/fit"
    RATIONALE = ("tflearn's Trainer and TrainOp train arbitrary TF1 graph tensors (losses built "
                 "with tf ops on placeholders) through feed dicts; there is no statically safe "
                 "mapping from a loss tensor to a Keras model's outputs and targets, so each use "
                 "is marked with what to write instead (keeping tflearn's numeric defaults in "
                 "view: gradient clipping by global norm 5.0, batch size 64, shuffling on).")
    CALLS = tuple(_WHY)

    def translate(self, qname, original, updated):
        self.todo(original, f"{qname.rsplit('.', 1)[1]}: {_WHY[qname]}")
        return None

    VALID = ["import keras\nmodel = keras.Model(x, y)\n"]
    INVALID = [
        Case("import tflearn\nop = tflearn.TrainOp(loss=loss, optimizer=opt, batch_size=32)\n",
             None, ("TFM121",), todo=True),
    ]
