"""TFM107: tflearn batch_normalization -> keras.layers.BatchNormalization (tflearn's constants).

Read from tflearn 0.5.0 (layers/normalization.py):

* statistics over every axis but the last (``axis = range(ndim - 1)``, ``tf.nn.moments``:
  biased variance) == Keras ``axis=-1``;
* ``beta`` = constant ``beta`` (0.0), ``gamma`` ~ ``tf.random_normal_initializer(mean=gamma,
  stddev=stddev)`` = N(1.0, 0.002) (Keras: ones);
* ``moving_mean`` 0, ``moving_variance`` 1, updated with
  ``assign_moving_average(decay=0.9, zero_debias=False)``: ``m = decay*m + (1-decay)*x``
  == Keras ``momentum=decay`` (Keras' default is 0.99);
* training mode (``tflearn.get_training_mode()``, True inside ``DNN.fit``) uses the batch
  statistics, inference the moving ones == Keras ``training=True/False``;
* ``tf.nn.batch_normalization(x, mean, var, beta, gamma, epsilon=1e-5)`` (Keras: 1e-3).

``trainable=False`` only freezes beta/gamma in tflearn (batch statistics are still used and
the moving averages updated while training); a Keras BatchNormalization with
``trainable=False`` runs in inference mode, so it is left as a TODO.
"""
from __future__ import annotations

from ..args import BoundArgs
from ..emit import call, literal
from ..translate.layer import LayerRule
from ..translate.tflearn import Untranslatable, check_scope, name_kwarg
from .base import Case

SIG = ("incoming, beta=0.0, gamma=1.0, epsilon=1e-5, decay=0.9, stddev=0.002, trainable=True, "
       "restore=True, reuse=False, scope=None, name='BatchNormalization'")


class BatchNormalization(LayerRule):
    ID = "TFM107"
    TRIGGERS = ("tflearn",)
    NAME = "batch-normalization"
    MESSAGE = "tflearn batch_normalization -> keras.layers.BatchNormalization with tflearn's constants"
    RATIONALE = ("tflearn's batch_normalization uses decay 0.9 and epsilon 1e-5 (Keras: momentum "
                 "0.99, epsilon 1e-3) and draws gamma from N(1.0, 0.002) (Keras: ones); all three "
                 "are written out so training and inference compute the same function.")
    SIGNATURES = {"tflearn.layers.normalization.batch_normalization": SIG}

    def build(self, qname, b: BoundArgs, original):
        check_scope(b)
        if b.given("trainable") and literal(b.node("trainable"), None) is not True:
            raise Untranslatable("trainable=False: tflearn still normalizes with batch statistics "
                                 "while training, a frozen Keras BatchNormalization does not")
        kw: dict = {"momentum": b.node("decay"), "epsilon": b.node("epsilon")}
        beta = literal(b.node("beta"), None)
        if not (isinstance(beta, (int, float)) and not isinstance(beta, bool) and beta == 0):
            kw["beta_initializer"] = call("keras.initializers.Constant", b.node("beta"))
        kw["gamma_initializer"] = call("keras.initializers.RandomNormal", mean=b.node("gamma"),
                                       stddev=b.node("stddev"))
        kw["name"] = name_kwarg(b)
        return self.layer("BatchNormalization", b.node("incoming"), **kw)

    VALID = ["import keras\nx = keras.layers.BatchNormalization()(x)\n"]
    INVALID = [
        Case("import tflearn\nnet = tflearn.batch_normalization(net)\n",
             "import keras\n\nnet = keras.layers.BatchNormalization(\n    momentum=0.9,\n    epsilon=1e-5,\n"
             "    gamma_initializer=keras.initializers.RandomNormal(mean=1.0, stddev=0.002),\n)(net)\n"),
        Case("from tflearn.layers.normalization import batch_normalization\n\ndef f(x):\n"
             "    return batch_normalization(x, beta=0.1, decay=0.99, epsilon=1e-3, name='bn1')\n",
             "import keras\n\ndef f(x):\n    return keras.layers.BatchNormalization(\n"
             "        momentum=0.99,\n        epsilon=1e-3,\n"
             "        beta_initializer=keras.initializers.Constant(0.1),\n"
             "        gamma_initializer=keras.initializers.RandomNormal(mean=1.0, stddev=0.002),\n"
             "        name='bn1',\n    )(x)\n"),
        Case("import tflearn\nnet = tflearn.layers.normalization.batch_normalization(net, trainable=False)\n",
             None, ("TFM107",), todo=True),
        Case("import tflearn\nnet = tflearn.batch_normalization(net, reuse=True, scope='bn')\n",
             None, ("TFM107",), todo=True),
    ]
