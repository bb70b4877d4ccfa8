"""TFM137: TF1 graph utilities -> Keras (set_random_seed, reset_default_graph)."""
from __future__ import annotations

from ..args import BoundArgs, Unbindable
from ..emit import call
from .base import Case, CallRule


class GraphUtils(CallRule):
    ID = "TFM137"
    TRIGGERS = ("tensorflow",)
    NAME = "graph-utilities"
    MESSAGE = "tf.set_random_seed -> keras.utils.set_random_seed; tf.reset_default_graph -> keras.backend.clear_session"
    RATIONALE = ("keras.utils.set_random_seed seeds Python, NumPy and the backend (TF1's only seeded "
                 "the graph); reset_default_graph's job - a fresh set of layers and names - is "
                 "keras.backend.clear_session's.")
    CALLS = ("tensorflow.set_random_seed", "tensorflow.random.set_random_seed", "tensorflow.reset_default_graph")

    def translate(self, qname, original, updated):
        try:
            if qname.endswith("set_random_seed"):
                b = BoundArgs(updated, "seed", original)
                out = call("keras.utils.set_random_seed", b.node("seed"))
            else:
                BoundArgs(updated, "", original)
                out = call("keras.backend.clear_session")
        except Unbindable as ex:
            self.todo(original, str(ex))
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    VALID = ["import keras\nkeras.utils.set_random_seed(0)\n"]
    INVALID = [Case("import tensorflow as tf\ntf.reset_default_graph()\ntf.set_random_seed(seed)\n",
                    "import keras\n\nkeras.backend.clear_session()\nkeras.utils.set_random_seed(seed)\n")]
