"""TFM137: TF1 graph utilities -> Keras (set_random_seed, reset_default_graph, tflearn's
init_graph).

``tflearn.init_graph(seed=None, log_device=False, num_cores=0, gpu_memory_fraction=0,
soft_placement=True)`` (tflearn 0.5.0, config.py) does ``if seed: tf.set_random_seed(seed)`` and
files a ``ConfigProto`` (threads, GPU memory, device logging) in the GRAPH_CONFIG collection that
tflearn's sessions read. Only the seed reaches the model: a literal truthy seed ->
``keras.utils.set_random_seed(seed)``; a falsy or absent one (``seed=0`` seeds nothing) -> the
statement goes. The session options have no Keras counterpart (the runtime picks its threads and
memory). Kept as a TODO: a non-literal seed (``if seed`` depends on its value) and a call whose
result is used (the ConfigProto).
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call, literal
from .base import Case, CallRule

_INIT_GRAPH_SIG = "seed=None, log_device=False, num_cores=0, gpu_memory_fraction=0, soft_placement=True"


class GraphUtils(CallRule):
    ID = "TFM137"
    TRIGGERS = ("tensorflow", "init_graph")
    NAME = "graph-utilities"
    MESSAGE = "tf.set_random_seed -> keras.utils.set_random_seed; tf.reset_default_graph -> keras.backend.clear_session"
    RATIONALE = ("keras.utils.set_random_seed seeds Python, NumPy and the backend (TF1's only seeded "
                 "the graph); reset_default_graph's job - a fresh set of layers and names - is "
                 "keras.backend.clear_session's.")
    CALLS = ("tensorflow.set_random_seed", "tensorflow.random.set_random_seed", "tensorflow.reset_default_graph",
             "tflearn.config.init_graph")

    def translate(self, qname, original, updated):
        try:
            if qname == "tflearn.config.init_graph":
                return self._init_graph(original, updated)
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

    def _init_graph(self, original, updated):
        b = BoundArgs(updated, _INIT_GRAPH_SIG, original)
        stmt = self.ctx.statement_of(original)
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
                and isinstance(stmt.body[0], cst.Expr) and stmt.body[0].value is original):
            raise Unbindable("init_graph's ConfigProto is used: no Keras counterpart")
        seed = literal(b.node("seed"), "?") if b.given("seed") else None
        if seed == "?" or not (seed is None or isinstance(seed, int)):
            raise Unbindable("init_graph seeds only when its seed is truthy: a literal seed is needed")
        self.ctx.count(self)
        if not seed:
            self.ctx.remove_statement(original)
            return updated
        self.ctx.add_import("keras")
        return call("keras.utils.set_random_seed", b.node("seed"))

    VALID = ["import keras\nkeras.utils.set_random_seed(0)\n"]
    INVALID = [Case("import tensorflow as tf\ntf.reset_default_graph()\ntf.set_random_seed(seed)\n",
                    "import keras\n\nkeras.backend.clear_session()\nkeras.utils.set_random_seed(seed)\n"),
               # tflearn's init_graph: a truthy seed seeds; seed 0 and the session options do nothing to the model
               Case("import tflearn\ntflearn.init_graph(num_cores=4, seed=7, gpu_memory_fraction=0.3)\nx = 1\n",
                    "import keras\n\nkeras.utils.set_random_seed(7)\nx = 1\n"),
               Case("from tflearn import init_graph\ninit_graph(0, num_cores=2)\nx = 1\n", "x = 1\n"),
               Case("import tflearn\ncfg = tflearn.init_graph(seed=3)\n", None, ("TFM137",), todo=True),
               Case("import tflearn\ntflearn.init_graph(seed=args.seed)\n", None, ("TFM137",), todo=True)]
