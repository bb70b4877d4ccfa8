"""TFM209: a name standing for one TensorFlow dtype -> the dtype at its reads.

The work is the engine's pre-step (:func:`migrator.analysis.dtype_aliases.resolve_dtype_aliases`,
run before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from .base import Case, Rule


class DtypeAliases(Rule):
    ID = "TFM209"
    TRIGGERS = ("float",)
    NAME = "dtype-aliases"
    MESSAGE = ("a name standing for one dtype written as the dtype at its reads; the definition goes "
               "(the same TF1 program)")
    RATIONALE = (
        "TF1 programs name their float type once: `DATA_TYPE = tf.float32` at module level, or TF's own models' "
        "`def data_type(): return tf.float16 if FLAGS.use_fp16 else tf.float32`, then type placeholders, "
        "variables and step counters with it (`tf.Variable(0, dtype=DATA_TYPE)`). The rules recognise "
        "`tf.float32` written at the call, not a name for it: the constant line was a TODO and the things "
        "typed with it were not recognised (a step counter typed DATA_TYPE was no counter). The name is "
        "never rebound, so writing the dtype at every read (every call of the function) is the same "
        "program. A conditional on a boolean flag (`DEFINE_bool` / argparse `store_true`) takes the branch "
        "the flag's default selects, only when that branch is float32 (the program run without the flag); "
        "another default dtype is a choice made at run time and is declined (the TODO stays). Declined: "
        "the name bound again anywhere, the function read other than as `data_type()`, a flag the file "
        "assigns, a file with `__all__`.")
    VALID = [
        # rebound: not one dtype
        "import tensorflow as tf\nDT = tf.float32\nDT = tf.float64\nx = tf.placeholder(DT, [None])\n",
        # the default is float16: chosen at run time, kept
        "import tensorflow as tf\ntf.flags.DEFINE_bool('use_fp16', True, '')\nFLAGS = tf.flags.FLAGS\n"
        "def data_type():\n    return tf.float16 if FLAGS.use_fp16 else tf.float32\n"
        "x = tf.placeholder(data_type(), [None])\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "DATA_TYPE = tf.float32\n"
             "x = tf.placeholder(DATA_TYPE, [None])\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "x = tf.placeholder(tf.float32, [None])\n",
             ("TFM209",), todo=True),
        Case("import tensorflow as tf\n"
             "tf.flags.DEFINE_bool('use_fp16', False, 'half floats')\n"
             "FLAGS = tf.flags.FLAGS\n"
             "def data_type():\n"
             "    return tf.float16 if FLAGS.use_fp16 else tf.float32\n"
             "x = tf.placeholder(data_type(), [None])\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "tf.flags.DEFINE_bool('use_fp16', False, 'half floats')\n"
             "FLAGS = tf.flags.FLAGS\n"
             "x = tf.placeholder(tf.float32, [None])\n",
             ("TFM209",), todo=True),
    ]
