"""TFM109: tflearn embedding -> keras.layers.Embedding."""
from __future__ import annotations

from ..args import BoundArgs
from ..translate.layer import LayerRule
from ..translate.tflearn import check_scope, initializer, name_kwarg
from .base import Case
from ..translate.tflearn import EMBEDDING_SIG as SIG


class Embedding(LayerRule):
    ID = "TFM109"
    TRIGGERS = ("tflearn",)
    NAME = "embedding"
    MESSAGE = "tflearn embedding -> keras.layers.Embedding"
    RATIONALE = ("tflearn's embedding casts its input to int32 (floats truncate toward zero, as "
                 "Keras Embedding's own int32 cast) and looks rows up in a [input_dim, output_dim] "
                 "matrix W drawn from a truncated normal with stddev 0.02 (Keras: uniform "
                 "+-0.05); the initializer is written out. validate_indices is ignored by "
                 "TensorFlow 2's embedding_lookup (and by Keras). The sequence length tflearn "
                 "attaches to the output (seq_length) is not used by tflearn's own RNN layers "
                 "(their dynamic=True recomputes it from the embedded tensor).")
    SIGNATURES = {"tflearn.layers.embedding_ops.embedding": SIG}

    def build(self, qname, b: BoundArgs, original):
        check_scope(b)
        kw: dict = {"embeddings_initializer": initializer(self.ctx, b, "weights_init")}
        if not b.is_default("trainable"):
            kw["trainable"] = b.node("trainable")
        kw["name"] = name_kwarg(b)
        return self.layer("Embedding", b.node("incoming"), b.node("input_dim"), b.node("output_dim"), **kw)

    VALID = [
        "import keras\nx = keras.layers.Embedding(20, 16)(x)\n",
        "def embedding(x, a, b):\n    return x\ny = embedding(x, 3, 4)\n",
    ]
    INVALID = [
        Case(
            "import tflearn\nnet = tflearn.embedding(net, input_dim=20, output_dim=16)\n",
            "import keras\n\nnet = keras.layers.Embedding(\n    20,\n    16,\n"
            "    embeddings_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            ")(net)\n",
        ),
        Case(
            "from tflearn.layers.embedding_ops import embedding\n"
            "def emb(x, vocab):\n    return embedding(x, vocab, 8, weights_init='uniform', trainable=False, name='emb')\n",
            "import keras\n\n"
            "def emb(x, vocab):\n    return keras.layers.Embedding(\n        vocab,\n        8,\n"
            "        embeddings_initializer=keras.initializers.RandomUniform(minval=0.0, maxval=1.0),\n"
            "        trainable=False,\n        name='emb',\n    )(x)\n",
        ),
        Case(
            "import tflearn\nnet = tflearn.embedding(net, 20, 16, reuse=True, scope='emb')\n",
            None, ("TFM109",), todo=True,
        ),
    ]
