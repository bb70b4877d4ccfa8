"""TFM104: tflearn fully_connected -> keras.layers.Dense (flattening like tflearn)."""
from __future__ import annotations

from ..args import BoundArgs
from ..emit import apply_layer, call, literal
from ..translate.layer import LayerRule
from ..translate.tflearn import check_scope, initializer, is_default_init, name_kwarg, rank_of, regularizer
from .base import Case

SIG = ("incoming, n_units, activation='linear', bias=True, weights_init='truncated_normal', "
       "bias_init='zeros', regularizer=None, weight_decay=0.001, trainable=True, restore=True, "
       "reuse=False, scope=None, name='FullyConnected'")


class FullyConnected(LayerRule):
    ID = "TFM104"
    TRIGGERS = ("tflearn",)
    NAME = "fully-connected"
    MESSAGE = "tflearn fully_connected -> keras.layers.Dense"
    RATIONALE = ("tflearn's fully_connected flattens inputs of rank > 2 and draws weights from "
                 "a truncated normal (stddev 0.02); Keras Dense works on the last axis and uses "
                 "Glorot-uniform. Both differences are written out so the function is unchanged.")
    SIGNATURES = {"tflearn.layers.core.fully_connected": SIG}

    def build(self, qname, b: BoundArgs, original):
        check_scope(b)
        incoming = b.node("incoming")
        rank = rank_of(self.ctx, original.args[0].value, original) if original.args else None
        if rank is None or rank > 2:
            incoming = apply_layer(call("keras.layers.Flatten"), incoming)
        kw = {}
        if not b.is_default("bias"):
            kw["use_bias"] = b.node("bias")
        kw["kernel_initializer"] = initializer(self.ctx, b, "weights_init")
        if b.value("bias", True) is not False and not is_default_init(b, "bias_init", "zeros"):
            kw["bias_initializer"] = initializer(self.ctx, b, "bias_init")
        reg = regularizer(self.ctx, b, original=original)
        if reg is not None:
            kw["kernel_regularizer"] = reg
        if not b.is_default("trainable"):
            kw["trainable"] = b.node("trainable")
        kw["name"] = name_kwarg(b)
        if literal(b.node("n_units"), None) is None and not b.given("n_units"):
            return None
        return self.layer("Dense", incoming, b.node("n_units"), b=b, act="activation", **kw)

    VALID = [
        "import keras\nx = keras.layers.Dense(10)(x)\n",
        "def fully_connected(x, n):\n    return x\ny = fully_connected(x, 3)\n",
    ]
    INVALID = [
        Case(
            "import tflearn\n\ndef head(net):\n    return tflearn.fully_connected(net, 4, activation='relu')\n",
            "import keras\n\ndef head(net):\n    return keras.layers.Dense(\n"
            "        4,\n        activation='relu',\n"
            "        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            "    )(keras.layers.Flatten()(net))\n",
        ),
        Case(
            "from tflearn.layers.core import fully_connected\n\ndef head(net):\n"
            "    net = fully_connected(net, 16)\n    return fully_connected(net, 2, weights_init='xavier', regularizer='L2', weight_decay=0.01)\n",
            "import keras\n\ndef head(net):\n"
            "    net = keras.layers.Dense(\n        16,\n"
            "        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            "    )(keras.layers.Flatten()(net))\n"
            "    return keras.layers.Dense(\n        2,\n"
            "        kernel_initializer=keras.initializers.GlorotUniform(),\n"
            "        kernel_regularizer=keras.regularizers.L2(0.005),\n"
            "    )(net)\n",
        ),
        # a regularized layer of a tower shared by two calls (reuse=True): tflearn adds wd * l2_loss(W)
        # on EVERY call (variables.variable), the one Keras layer of the encoder carries it twice over;
        # the head, built once: wd / 2
        Case(
            "import tflearn\n"
            "def tower(x, reuse=False):\n"
            "    return tflearn.fully_connected(x, 4, regularizer='L2', weight_decay=0.01, scope='fc', reuse=reuse)\n"
            "in_a = tflearn.input_data(shape=[None, 16])\nin_b = tflearn.input_data(shape=[None, 16])\n"
            "a = tower(in_a)\nb = tower(in_b, reuse=True)\n"
            "c = tflearn.fully_connected(a, 2, regularizer='L2', weight_decay=0.01)\n",
            "import keras\n\ndef tower(x, reuse=False):\n    return keras.layers.Dense(\n        4,\n"
            "        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            "        kernel_regularizer=keras.regularizers.L2(0.01),\n    )(keras.layers.Flatten()(x))\n"
            "in_a = keras.Input(shape=(16,))\nin_b = keras.Input(shape=(16,))\n"
            "encoder_input = keras.Input(shape=in_a.shape[1:])\n"
            "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
            "a = encoder(in_a)\nb = encoder(in_b)\n"
            "c = keras.layers.Dense(\n    2,\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            "    kernel_regularizer=keras.regularizers.L2(0.005),\n)(keras.layers.Flatten()(a))\n",
            requires=("TFM101", "TFM206"),
        ),
        # a TF1 initializer object as weights_init / bias_init: tflearn hands it to get_variable as is
        Case(
            "import tensorflow as tf\nimport tflearn\n"
            "y = tflearn.fully_connected(x, 4, weights_init=tf.truncated_normal_initializer(stddev=0.01),\n"
            "                            bias_init=tf.constant_initializer(0.1))\n",
            "import keras\n\ny = keras.layers.Dense(\n    4,\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.01),\n"
            "    bias_initializer=keras.initializers.Constant(0.1),\n)(keras.layers.Flatten()(x))\n",
        ),
        # tflearn looks activation names up as given, then lowercased ('ReLU' is relu)
        Case(
            "import tflearn\ny = tflearn.fully_connected(x, 4, activation='ReLU')\n",
            "import keras\n\ny = keras.layers.Dense(\n    4,\n    activation='relu',\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            ")(keras.layers.Flatten()(x))\n",
        ),
        # a name tflearn does not know: tflearn raises Exception('Invalid activation: rmsprop')
        # at this statement; the translation raises the same there (error diagnostic)
        Case(
            "import tflearn\ny = tflearn.fully_connected(x, 1000, activation='rmsprop')\n",
            "import keras\n\n\n"
            "# tflearn-migrate helper: tflearn_invalid_identifier\n"
            "def tflearn_invalid_identifier(kind, identifier):\n"
            "    \"\"\"tflearn.utils.get_from_module: a name its module does not define (as given or\n"
            "    lowercased) raises Exception('Invalid <kind>: <name>') where the layer is built; the\n"
            "    legacy program stopped there, and so does this one.\"\"\"\n"
            "    raise Exception(\"Invalid \" + str(kind) + \": \" + str(identifier))\n\n\n"
            "y = keras.layers.Dense(\n    1000,\n"
            "    activation=tflearn_invalid_identifier('activation', 'rmsprop'),\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            ")(keras.layers.Flatten()(x))\n",
            ("TFM113",),
        ),
        Case(
            "import tflearn\ny = tflearn.fully_connected(x, 4, reuse=True, scope='fc')\n",
            None, ("TFM104",), todo=True,
        ),
    ]
