"""TFM122: tflearn SequenceGenerator -> keras.Model + compile, generate() -> a sampling helper.

``SequenceGenerator(net, dictionary=d, seq_maxlen=L, clip_gradients=c, checkpoint_path=p)`` is a
DNN: the same Trainer (its ``fit`` is DNN.fit, translated by TFM117), the same regression, but
``clip_gradients`` defaults to 0.0 (no clipping) where DNN's is 5.0. It adds ``generate``:
one-hot encode the last ``L`` items of the sequence over ``d``, predict, sample the next index
from ``softmax(log(p) / temperature)`` with ``np.random.multinomial`` (NumPy's global RNG),
append, ``seq_length`` times (models/generator.py, tflearn 0.5.0). The helper
``tflearn_sequence_generate(model, d, L, ...)`` does exactly that with ``predict_on_batch``
(inference mode, as tflearn's Evaluator). ``d`` and ``L`` are the constructor's arguments,
copied into each ``generate`` call only when they are names bound to the same value there
(or literals); otherwise the call keeps a TODO.
"""
from __future__ import annotations

import libcst as cst

from ..analysis.flow import Flow
from ..args import BoundArgs, Unbindable
from ..emit import call, literal, to_node
from ..helpers import HELPERS, register_source
from ..translate.tflearn import Untranslatable
from ..analysis.tflearn_model import SEQGEN, SEQGEN_SIG, TflearnProgram
from .base import Case, CallRule
from ..translate.regression_dnn import RegressionCompile

WHY = ("SequenceGenerator wraps a network with its own sampling loop (generate(seq_length, "
       "temperature, seq_seed) draws from softmax(log(p) / temperature) one step at a time over "
       "dictionary indices); build the keras.Model from the network and write the sampling "
       "loop with model.predict")

GENERATE_SIG = "seq_length, temperature=0.5, seq_seed=None, display=False"
SG_METHODS = ("fit", "save", "load")   # DNN's (TFM117); generate here; anything else: TODO

register_source("tflearn_models", "tflearn_sequence_generate")


class SequenceGenerator(RegressionCompile, CallRule):
    ID = "TFM122"
    TRIGGERS = ("SequenceGenerator",)
    NAME = "sequence-generator"
    MESSAGE = "tflearn SequenceGenerator -> keras.Model + compile; generate() -> tflearn_sequence_generate"
    RATIONALE = ("Keras has no sequence-generation model class. tflearn's SequenceGenerator is a "
                 "DNN (same Trainer and fit, but clip_gradients defaults to 0.0: no clipping) plus "
                 "a dictionary and a temperature-sampling loop. The model becomes keras.Model + "
                 "compile (TFM116's), fit is TFM117's, and generate() becomes a helper that samples "
                 "exactly as tflearn (log-probabilities / temperature, np.random.multinomial).")
    CALLS = (SEQGEN,)
    REQUIRES = ("TFM101", "TFM104", "TFM116", "TFM117")

    def translate(self, qname, original, updated):
        try:
            return self._model(original, updated)
        except (Untranslatable, Unbindable, ValueError) as ex:
            self.todo(original, f"SequenceGenerator: {ex}")
            return None

    def _model(self, original, updated):
        prog: TflearnProgram = self.ctx.analysis(TflearnProgram)
        info = prog.dnn_of(original)
        if info is None or info.regression is None:
            raise Untranslatable((info.problem if info and info.problem else "cannot analyse this model")
                                 + f"; {WHY}")
        reg = info.regression
        b = BoundArgs(updated, SEQGEN_SIG, original)
        if b.given("session") and literal(b.node("session"), 0) is not None:
            raise Untranslatable("SequenceGenerator(session=...)")
        if info.target is None:
            raise Untranslatable("SequenceGenerator(...) must be assigned to a name")
        if reg.mode == "B":
            self.ctx.count(self)
            return b.node("network")
        if reg.bound is None:
            raise Untranslatable("the regression(...) for this model comes after it")
        from ..translate.regression_dnn import _inputs_expr

        self.ctx.insert_after(original, [self._compile(reg, info.target, b, 0.0)])
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return call("keras.Model", inputs=_inputs_expr(self.ctx, reg), outputs=b.node("network"))

    # -- methods of the generator -------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not isinstance(func, cst.Attribute) or func.attr.value in SG_METHODS:
            return updated
        prog: TflearnProgram = self.ctx.analysis(TflearnProgram)
        info = prog.dnn_for_receiver(func.value, original)
        if info is None or info.kind != "SequenceGenerator" or info.regression is None:
            return updated
        if func.attr.value != "generate":
            self.todo(original, f"SequenceGenerator.{func.attr.value}: not translated (fit, save, load "
                                "and generate are)")
            return updated
        try:
            out = self._generate(info, original, updated)
        except (Untranslatable, Unbindable, ValueError) as ex:
            self.todo(original, f"SequenceGenerator.generate: {ex}")
            return updated
        self.ctx.count(self)
        return out

    def _generate(self, info, original: cst.Call, updated: cst.Call):
        b = BoundArgs(updated, GENERATE_SIG, original)
        if not b.given("seq_seed"):
            raise Untranslatable("no seq_seed (tflearn fails on None)")
        ctor = info.args
        assert ctor is not None
        if not ctor.given("dictionary"):
            raise Untranslatable("the SequenceGenerator has no dictionary")
        consts = [self._same_value(ctor, p, original) for p in ("dictionary", "seq_maxlen")]
        helper = self.ctx.use_helper("tflearn_sequence_generate")
        kw = {"temperature": b.node("temperature"), "seq_seed": b.node("seq_seed")}
        if b.given("display"):
            kw["display"] = b.node("display")
        return call(helper, cst.Name(original.func.value.value), *consts, b.node("seq_length"), **kw)

    def _same_value(self, ctor: BoundArgs, param: str, at: cst.Call) -> cst.BaseExpression:
        """The constructor's argument, valid at ``at``: a literal, or a name whose binding
        reaching ``at`` is the one that reached the constructor."""
        if not ctor.given(param):
            return ctor.node(param)
        node = ctor.orig(param)
        if literal(node, None) is not None and not isinstance(node, cst.Name):
            return to_node(literal(node, None))
        if isinstance(node, cst.Name):
            flow = self.ctx.analysis(Flow)
            at_ctor = flow.def_of(node.value, ctor.orig("network") or at)
            here = flow.def_of(node.value, at)
            if at_ctor is here:   # the same binding (or none in this file for either)
                return cst.Name(node.value)
        raise Untranslatable(f"SequenceGenerator({param}=...) is not a literal or a name with the same "
                             "value at this call")

    VALID = ["import keras\nm = keras.Sequential()\n"]
    INVALID = [
        Case("import tflearn\nm = tflearn.SequenceGenerator(net, dictionary=char_idx, seq_maxlen=25)\n",
             None, ("TFM122",), todo=True),
        Case("import tflearn\n"
             "g = tflearn.input_data([None, 3, 2])\n"
             "g = tflearn.fully_connected(g, 2, activation='softmax')\n"
             "g = tflearn.regression(g)\n"
             "m = tflearn.SequenceGenerator(g, dictionary=d, seq_maxlen=3)\n"
             "m.fit(X, Y, n_epoch=1)\n"
             "s = m.generate(5, seq_seed='ab')\n",
             "import keras\nimport numpy as np\n\n\n" + HELPERS["tflearn_sequence_generate"].code.replace(
                 "def tflearn", "# tflearn-migrate helper: tflearn_sequence_generate\ndef tflearn") + "\n\n"
             "g_input = keras.Input(shape=(3, 2))\ng = g_input\ng = keras.layers.Dense(\n    2,\n"
             "    activation='softmax',\n"
             "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
             ")(keras.layers.Flatten()(g))\nm = keras.Model(inputs=g_input, outputs=g)\nm.compile(\n"
             "    optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8),\n"
             "    loss='categorical_crossentropy',\n    metrics=['accuracy'],\n)\n"
             "m.fit(X, Y, batch_size=64, epochs=1)\n"
             "s = tflearn_sequence_generate(m, d, 3, 5, temperature=0.5, seq_seed='ab')\n",
             ()),
    ]
