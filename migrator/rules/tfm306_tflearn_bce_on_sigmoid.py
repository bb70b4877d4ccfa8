"""TFM306: tflearn's binary_crossentropy (a loss on LOGITS) applied to a sigmoid output."""
from __future__ import annotations

import libcst as cst

from ..analysis.flow import Flow
from ..analysis.siamese import bound_param, matches
from ..analysis.tflearn_model import REGRESSION, REGRESSION_SIG
from ..diagnostics import Applicability, Kind, Severity
from ..emit import literal
from ..helpers import register_source
from ..translate.tflearn_train import LOSS_HELPERS
from .base import Case, Rule

_TFLEARN_BCE = register_source("tflearn_train", LOSS_HELPERS["binary_crossentropy"])  # (in an example below)

_SIGMOID = ("tensorflow.sigmoid", "tensorflow.nn.sigmoid", "tflearn.activations.sigmoid",
            "tensorflow.math.sigmoid")
# tflearn layers whose ``activation=`` is applied to their output
_ACT_LAYERS = ("tflearn.layers.core.fully_connected", "tflearn.layers.conv.conv_2d",
               "tflearn.layers.conv.conv_1d", "tflearn.layers.core.activation")


class TflearnBceOnSigmoid(Rule):
    ID = "TFM306"
    TRIGGERS = (("tflearn", "binary_crossentropy", "sigmoid"),)
    NAME = "tflearn-bce-on-sigmoid"
    MESSAGE = "tflearn binary_crossentropy (a loss on logits) applied to a sigmoid output"
    RATIONALE = ("tflearn's objectives.binary_crossentropy is tf.nn.sigmoid_cross_entropy_with_logits: "
                 "it reads y_pred as LOGITS. Handed the output of a sigmoid layer (activation='sigmoid', "
                 "the usual Siamese / binary head), it squashes it a second time: the model's "
                 "probability sigmoid(sigmoid(z)) stays inside (0.5, 0.731), so no pair can be "
                 "scored as different and the loss pulls every output down (seen: a tflearn Siamese "
                 "with a concat head trains to AUC 0.49; the same program with a linear output to "
                 "0.81). The faithful translation keeps tflearn's function (the "
                 "tflearn_binary_crossentropy helper); FIX: Keras' binary cross-entropy on the "
                 "probabilities the layer outputs, the loss the head was written for.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.SAFE
    APPLICABILITY_REASON = ("proven from the code: the regression's incoming tensor is made by a "
                            "sigmoid (an activation= of the tflearn layer that produces it, "
                            "tflearn.activation or tf.sigmoid), and loss='binary_crossentropy' reads "
                            "it as logits, confining every prediction to (0.5, 0.731). The cure "
                            "reads the same output as the probability it is; the model, data and "
                            "hyperparameters are unchanged.")
    SEVERITY = Severity.WARNING
    ORDER = 50  # before TFM116 translates the regression

    def _is_sigmoid(self, node: cst.BaseExpression, at: cst.CSTNode, depth: int = 0) -> bool:
        if depth > 20:
            return False
        if isinstance(node, cst.Name):
            d = self.ctx.analysis(Flow).def_of(node.value, at)
            return d is not None and d.value is not None and self._is_sigmoid(d.value, d.stmt, depth + 1)
        if not isinstance(node, cst.Call):
            return False
        if matches(self.ctx, node, _SIGMOID) is not None:
            return True
        q = matches(self.ctx, node, _ACT_LAYERS)
        if q is None:
            return False
        act = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "activation"), None)
        if act is None and q.endswith(".activation") and len(node.args) > 1 and node.args[1].keyword is None:
            act = node.args[1].value
        if act is None:
            return False
        return literal(act, None) == "sigmoid" or matches(self.ctx, act, _SIGMOID) is not None

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        call = self.ctx.parent(original)
        if not isinstance(call, cst.Call) or original.star or literal(original.value, None) != "binary_crossentropy":
            return updated
        if matches(self.ctx, call, (REGRESSION,)) is None or bound_param(call, original, REGRESSION_SIG) != "loss":
            return updated
        incoming = next((a.value for a in call.args if a.keyword is None), None)
        if incoming is None:
            incoming = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "incoming"),
                            None)
        if incoming is None or not self._is_sigmoid(incoming, call):
            return updated
        why = ("loss='binary_crossentropy' reads the regression's input as logits, but it is a sigmoid's "
               "output (squashed twice: predictions stay in (0.5, 0.731))")
        if not self.fixes_enabled:
            self.report(original, why, fix="Keras' binary cross-entropy on the probabilities")
            return updated
        self.ctx.add_import("keras")
        self.report(original, f"{why} -> keras.losses.BinaryCrossentropy() on the probabilities", fixed=True)
        return updated.with_changes(value=cst.parse_expression("keras.losses.BinaryCrossentropy()"))

    VALID = [
        # Keras code: a loss on probabilities (near misses in tflearn code - a linear output,
        # another loss - are in tests/test_heldout_forms_f.py)
        "import keras\nmodel.compile(optimizer='adam', loss=keras.losses.BinaryCrossentropy())\n",
    ]
    INVALID = [
        Case("import tflearn\nx = tflearn.input_data(shape=[None, 4])\n"
             "net = tflearn.fully_connected(x, 1, activation='sigmoid')\n"
             "net = tflearn.regression(net, loss='binary_crossentropy')\nmodel = tflearn.DNN(net)\n",
             "import keras\n\nx = keras.Input(shape=(4,))\nnet = keras.layers.Dense(\n    1,\n"
             "    activation='sigmoid',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
             ")(x)\nmodel = keras.Model(inputs=x, outputs=net)\nmodel.compile(\n"
             "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
             "    loss=keras.losses.BinaryCrossentropy(),\n"
             "    metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)],\n)\n", ("TFM306",)),
        Case("import tensorflow as tf\nimport tflearn\nx = tflearn.input_data(shape=[None, 4])\n"
             "h = tflearn.fully_connected(x, 1)\nout = tf.nn.sigmoid(h)\n"
             "net = tflearn.regression(out, optimizer='sgd', loss='binary_crossentropy')\nmodel = tflearn.DNN(net)\n",
             "import keras\n\nx = keras.Input(shape=(4,))\nh = keras.layers.Dense(\n    1,\n"
             "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(x)\n"
             "out = keras.ops.sigmoid(h)\nnet = out\nmodel = keras.Model(inputs=x, outputs=net)\nmodel.compile(\n"
             "    optimizer=keras.optimizers.SGD(learning_rate=0.001, global_clipnorm=5.0),\n"
             "    loss=keras.losses.BinaryCrossentropy(),\n    metrics=['accuracy'],\n)\n", ("TFM306",)),
        # --no-fixes: reported; the translation keeps tflearn's loss on logits (the helper)
        Case("import tflearn\nx = tflearn.input_data(shape=[None, 4])\n"
             "net = tflearn.activation(tflearn.fully_connected(x, 1), 'sigmoid')\n"
             "net = tflearn.regression(net, loss='binary_crossentropy')\nmodel = tflearn.DNN(net)\n",
             "import keras\n\n\n# tflearn-migrate helper: tflearn_binary_crossentropy\n"
             + _TFLEARN_BCE.code + "\n\n"
             "x = keras.Input(shape=(4,))\nnet = keras.layers.Activation('sigmoid')(keras.layers.Dense(\n    1,\n"
             "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n)(x))\n"
             "model = keras.Model(inputs=x, outputs=net)\nmodel.compile(\n"
             "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8, global_clipnorm=5.0),\n"
             "    loss=tflearn_binary_crossentropy,\n"
             "    metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)],\n)\n", ("TFM306",), fixes=False),
    ]
    REQUIRES = ("TFM101", "TFM104", "TFM106", "TFM116", "TFM130")
