"""TFM122: tflearn SequenceGenerator (character/word generation model)."""
from __future__ import annotations

from .base import Case, CallRule

WHY = ("SequenceGenerator wraps a network with its own sampling loop (generate(seq_length, "
       "temperature, seq_seed) draws from softmax(log(p) / temperature) one step at a time over "
       "dictionary indices); build the keras.Model from the network and write the sampling "
       "loop with model.predict")


class SequenceGenerator(CallRule):
    ID = "TFM122"
    NAME = "sequence-generator"
    MESSAGE = "tflearn SequenceGenerator: no Keras class; model + sampling loop by hand"
    RATIONALE = ("Keras has no sequence-generation model class. tflearn's SequenceGenerator is a "
                 "DNN plus a dictionary and a temperature-sampling loop; its fit() is DNN.fit "
                 "(clip_gradients 5.0) - the model itself translates when it is built through "
                 "DNN, but the generator object is marked TODO with the sampling semantics spelled "
                 "out.")
    CALLS = ("tflearn.models.generator.SequenceGenerator",)

    def translate(self, qname, original, updated):
        self.todo(original, f"SequenceGenerator: {WHY}")
        return None

    VALID = ["import keras\nm = keras.Sequential()\n"]
    INVALID = [
        Case("import tflearn\nm = tflearn.SequenceGenerator(net, dictionary=char_idx, seq_maxlen=25)\n",
             None, ("TFM122",), todo=True),
    ]
