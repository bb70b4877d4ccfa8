"""TFM147: TF1's deprecated ``tf.arg_min`` / ``tf.arg_max`` -> keras.ops.argmin / argmax."""
from __future__ import annotations

from ..args import BoundArgs, Unbindable
from ..emit import call
from .base import Case, CallRule


class ArgMinMax(CallRule):
    ID = "TFM147"
    TRIGGERS = ("tensorflow",)
    NAME = "tf1-arg-min-max"
    MESSAGE = "tf.arg_min / tf.arg_max (TF1 aliases) -> keras.ops.argmin / argmax"
    RATIONALE = ("tf.arg_min(input, dimension) and tf.arg_max are TF1's raw-op aliases of "
                 "argmin/argmax with a REQUIRED dimension (no flattening, no default axis); both "
                 "return the first index of the extreme value, as keras.ops does. TF1 returned "
                 "int64 (output_type), Keras' TensorFlow backend int32 (as TFM130's tf.argmax).")
    CALLS = ("tensorflow.arg_min", "tensorflow.arg_max")

    def translate(self, qname, original, updated):
        try:
            b = BoundArgs(updated, "input, dimension, output_type=tf.int64, name=None", original)
        except Unbindable as ex:
            self.todo(original, f"{qname.replace('tensorflow', 'tf', 1)}: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        name = "argmin" if qname.endswith("arg_min") else "argmax"
        return call(f"keras.ops.{name}", b.node("input"), axis=b.node("dimension"))

    VALID = ["import keras\ni = keras.ops.argmin(d, axis=0)\n"]
    INVALID = [
        Case("import tensorflow as tf\ni = tf.arg_min(tf_d, 0)\nj = tf.arg_max(tf_d, dimension=1)\n",
             "import keras\n\ni = keras.ops.argmin(tf_d, axis=0)\nj = keras.ops.argmax(tf_d, axis=1)\n"),
    ]
