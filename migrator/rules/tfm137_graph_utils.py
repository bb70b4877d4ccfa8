"""TFM137: TF1 graph utilities -> Keras (set_random_seed, reset_default_graph, tflearn's
init_graph, tf.train.latest_checkpoint); module aliases bound by assignment (``slim =
tf.contrib.slim``) removed.

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
from ..helpers import register_source
from .base import Case, CallRule

_INIT_GRAPH_SIG = "seed=None, log_device=False, num_cores=0, gpu_memory_fraction=0, soft_placement=True"

LATEST_CHECKPOINT = register_source("tf1_ops", "tf1_latest_checkpoint")
CHECKPOINT_STATE = register_source("tf1_ops", "tf1_checkpoint_state")


class GraphUtils(CallRule):
    ID = "TFM137"
    TRIGGERS = ("tensorflow", "init_graph")
    NAME = "graph-utilities"
    MESSAGE = ("tf.set_random_seed -> keras.utils.set_random_seed; tf.reset_default_graph -> keras.backend.clear_session; "
               "`slim = tf.contrib.slim` module aliases removed")
    RATIONALE = ("keras.utils.set_random_seed seeds Python, NumPy and the backend (TF1's only seeded "
                 "the graph); reset_default_graph's job - a fresh set of layers and names - is "
                 "keras.backend.clear_session's. tflearn.init_graph(seed=S) -> keras.utils.set_random_seed(S) for a truthy literal seed, removed otherwise. tf.train.latest_checkpoint(dir) -> tf1_latest_checkpoint: the "
                 "newest `<prefix>.weights.h5` the migrated Saver.save wrote there, as its prefix (None if none); "
                 "tf.train.get_checkpoint_state(dir) -> tf1_checkpoint_state: None, or an object whose "
                 "`model_checkpoint_path` is that prefix (`all_model_checkpoint_paths` every one, oldest first). "
                 "A module-level `slim = tf.contrib.slim` (`layers = "
                 "tf.contrib.layers`, `rnn = tf.contrib.rnn` ...) makes the name that module: every rule reads "
                 "`slim.fully_connected` as `tf.contrib.slim.fully_connected` (names.MODULE_ALIASES; the only "
                 "binding of the name), and the assignment goes; where a use is left untranslated the invariant "
                 "keeps it (TFM013).")
    CALLS = ("tensorflow.set_random_seed", "tensorflow.random.set_random_seed", "tensorflow.reset_default_graph",
             "tensorflow.train.latest_checkpoint", "tensorflow.train.get_checkpoint_state", "tflearn.config.init_graph")

    def translate(self, qname, original, updated):
        try:
            if qname == "tflearn.config.init_graph":
                return self._init_graph(original, updated)
            if qname in ("tensorflow.train.latest_checkpoint", "tensorflow.train.get_checkpoint_state"):
                b = BoundArgs(updated, "checkpoint_dir, latest_filename=None", original)
                if b.given("latest_filename"):
                    raise Unbindable("latest_filename= (a state file other than 'checkpoint')")
                helper = "tf1_latest_checkpoint" if qname.endswith("latest_checkpoint") else "tf1_checkpoint_state"
                self.ctx.use_helper(helper)
                self.ctx.count(self)
                return call(helper, b.node("checkpoint_dir"))
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

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        if type(original.value) is cst.Attribute and self.ctx.resolver.module_alias(original) is not None:
            self.ctx.remove_statement(original)
            self.ctx.count(self)
        return updated

    VALID = ["import keras\nkeras.utils.set_random_seed(0)\n",
             # bound twice: not an alias of one module
             "import tensorflow as tf\nnn_mod = tf.contrib.layers\nnn_mod = make_layers()\n"]
    INVALID = [Case("import tensorflow as tf\ntf.reset_default_graph()\ntf.set_random_seed(seed)\n",
                    "import keras\n\nkeras.backend.clear_session()\nkeras.utils.set_random_seed(seed)\n"),
               # the newest checkpoint of a directory (what the migrated Saver.save writes)
               Case("import tensorflow as tf\nckpt = tf.train.latest_checkpoint(run_dir)\n",
                    "import glob\nimport os\n\n\n# tflearn-migrate helper: tf1_latest_checkpoint\n"
                    + LATEST_CHECKPOINT.code.strip() + "\n\n\nckpt = tf1_latest_checkpoint(run_dir)\n"),
               Case("import tensorflow as tf\nckpt = tf.train.get_checkpoint_state(run_dir)\n",
                    "import glob\nimport os\nimport types\n\n\n# tflearn-migrate helper: tf1_checkpoint_state\n"
                    + CHECKPOINT_STATE.code.strip() + "\n\n\nckpt = tf1_checkpoint_state(run_dir)\n"),
               Case("import tensorflow as tf\nckpt = tf.train.latest_checkpoint(run_dir, 'state')\n", None,
                    ("TFM137",), todo=True),
               # the TF-Slim alias: its uses translate through it, the assignment goes
               Case("import tensorflow as tf\nlayers_lib = tf.contrib.layers\n\ndef head(x):\n"
                    "    return layers_lib.fully_connected(x, 10, activation_fn=None)\n",
                    "import keras\n\ndef head(x):\n    return keras.layers.Dense(10)(x)\n"),
               # a use no rule translates: the assignment stays (kept by the invariant)
               Case("import tensorflow as tf\nlayers_lib = tf.contrib.layers\ny = layers_lib.no_such_op(x)\n",
                    None, ("TFM013",), todo=True),
               # tflearn's init_graph: a truthy seed seeds; seed 0 and the session options do nothing to the model
               Case("import tflearn\ntflearn.init_graph(num_cores=4, seed=7, gpu_memory_fraction=0.3)\nx = 1\n",
                    "import keras\n\nkeras.utils.set_random_seed(7)\nx = 1\n"),
               Case("from tflearn import init_graph\ninit_graph(0, num_cores=2)\nx = 1\n", "x = 1\n"),
               Case("import tflearn\ncfg = tflearn.init_graph(seed=3)\n", None, ("TFM137",), todo=True),
               Case("import tflearn\ntflearn.init_graph(seed=args.seed)\n", None, ("TFM137",), todo=True)]
    REQUIRES = ("TFM132",)
