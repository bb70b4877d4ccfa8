"""TFM137: TF1 graph utilities -> Keras (set_random_seed, reset_default_graph); module aliases
bound by assignment (``slim = tf.contrib.slim``) removed."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call
from ..helpers import register
from .base import Case, CallRule

LATEST_CHECKPOINT = register("tf1_latest_checkpoint", '''
def tf1_latest_checkpoint(checkpoint_dir):
    # tf.train.latest_checkpoint: the path prefix of the newest checkpoint saved in the
    # directory (Saver.save -> save_checkpoint writes "<prefix>.weights.h5"), None if there is none
    paths = glob.glob(os.path.join(checkpoint_dir, "*.weights.h5"))
    if not paths:
        return None
    return max(paths, key=os.path.getmtime)[:-len(".weights.h5")]
''', imports=[("glob", None, None), ("os", None, None)])


class GraphUtils(CallRule):
    ID = "TFM137"
    TRIGGERS = ("tensorflow",)
    NAME = "graph-utilities"
    MESSAGE = ("tf.set_random_seed -> keras.utils.set_random_seed; tf.reset_default_graph -> keras.backend.clear_session; "
               "`slim = tf.contrib.slim` module aliases removed")
    RATIONALE = ("keras.utils.set_random_seed seeds Python, NumPy and the backend (TF1's only seeded "
                 "the graph); reset_default_graph's job - a fresh set of layers and names - is "
                 "keras.backend.clear_session's. tf.train.latest_checkpoint(dir) -> tf1_latest_checkpoint: the "
                 "newest `<prefix>.weights.h5` the migrated Saver.save wrote there, as its prefix (None if none). "
                 "A module-level `slim = tf.contrib.slim` (`layers = "
                 "tf.contrib.layers`, `rnn = tf.contrib.rnn` ...) makes the name that module: every rule reads "
                 "`slim.fully_connected` as `tf.contrib.slim.fully_connected` (names.MODULE_ALIASES; the only "
                 "binding of the name), and the assignment goes; where a use is left untranslated the invariant "
                 "keeps it (TFM013).")
    CALLS = ("tensorflow.set_random_seed", "tensorflow.random.set_random_seed", "tensorflow.reset_default_graph",
             "tensorflow.train.latest_checkpoint")

    def translate(self, qname, original, updated):
        try:
            if qname == "tensorflow.train.latest_checkpoint":
                b = BoundArgs(updated, "checkpoint_dir, latest_filename=None", original)
                if b.given("latest_filename"):
                    raise Unbindable("latest_filename= (a state file other than 'checkpoint')")
                self.ctx.use_helper("tf1_latest_checkpoint")
                self.ctx.count(self)
                return call("tf1_latest_checkpoint", b.node("checkpoint_dir"))
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
               Case("import tensorflow as tf\nckpt = tf.train.latest_checkpoint(run_dir, 'state')\n", None,
                    ("TFM137",), todo=True),
               # the TF-Slim alias: its uses translate through it, the assignment goes
               Case("import tensorflow as tf\nlayers_lib = tf.contrib.layers\n\ndef head(x):\n"
                    "    return layers_lib.fully_connected(x, 10, activation_fn=None)\n",
                    "import keras\n\ndef head(x):\n    return keras.layers.Dense(10)(x)\n"),
               # a use no rule translates: the assignment stays (kept by the invariant)
               Case("import tensorflow as tf\nlayers_lib = tf.contrib.layers\ny = layers_lib.no_such_op(x)\n",
                    None, ("TFM013",), todo=True)]
    REQUIRES = ("TFM132",)
