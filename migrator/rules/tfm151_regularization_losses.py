"""TFM151: reads of TF1's regularization-loss collection -> nothing (Keras adds layer losses itself)."""
from __future__ import annotations

import libcst as cst

from ..analysis.regularization import _GET_COLLECTION, _READ_SUM, _READS, RegularizationReads, RegularizerParams
from ..analysis.handmade_layers import HandmadeLayersAnalysis
from ..diagnostics import Severity
from ..helpers import register_source
from ..translate.tf1_helpers import WEIGHTS_COLLECTION  # noqa: F401  (registers the helpers)
from .base import Case, CallRule
from ..translate.regularizers import _REGULARIZERS, kept_regularized, keras_regularizer
_APPLY = ("tensorflow.contrib.layers.apply_regularization", "tensorflow.contrib.slim.apply_regularization")
_ADD = ("tensorflow.add_to_collection",)
_WEIGHTS_KEY = "tensorflow.GraphKeys.WEIGHTS"
# why the WEIGHTS collection has no faithful translation (held-out X: kyrie_weights_collection_alternating)
_WEIGHTS_WHY = ("TF1 holds one entry per add_to_collection call (a weight added by a helper that each tower "
                "calls is in it once per tower) and apply_regularization without a list sums the penalty "
                "over every entry, duplicates included; no Keras model keeps such a collection (a shared "
                "encoder is built once)")


APPLY = register_source("tf1_ops", "tf1_apply_regularization")


def _class_method_self(ctx, node) -> str | None:
    """The ``self`` parameter's name when ``node`` is in a method of a model class TFM144
    translates (its graph is symbolic; a LossModel trains on its loss alone), else None."""
    if not ctx.rule_active("TFM144"):
        return None
    from ..analysis.tf1_classes import TF1Classes

    tc = ctx.analysis(TF1Classes)
    fn = tc.class_function(node)
    if fn is None or not isinstance(ctx.parent(ctx.parent(fn)), cst.ClassDef) or not fn.params.params:
        return None
    return fn.params.params[0].name.value


class RegularizationLosses(CallRule):
    ID = "TFM151"
    TRIGGERS = ("tensorflow",)
    NAME = "regularization-losses"
    MESSAGE = "tf.get_collection(REGULARIZATION_LOSSES) / tf.losses.get_regularization_loss(s) -> [] / 0.0"
    RATIONALE = ("TF1 layer regularizers put their penalties in the REGULARIZATION_LOSSES collection and "
                 "the program adds them to its loss by reading it. Keras layers own their regularizers "
                 "(TFM132 writes kernel_regularizer only in files that read the collection) and "
                 "fit / train_on_batch add model.losses to the training loss themselves, so the read "
                 "becomes an empty list (get_regularization_loss: 0.0; ``losses += <read>`` goes, and so does a loop adding each element of a read in turn) and the loss is "
                 "not counted twice. `tf.add_to_collection(tf.GraphKeys.WEIGHTS, w)` and "
                 "`apply_regularization(reg)` without a weights list (a sum over that collection, one "
                 "penalty per add, a weight added by each tower twice) stay, marked with that reason - except in "
                 "a translated model class whose every add TFM135 turns into a marked layer "
                 "(tf1_weights_entry): there the apply becomes tf1_apply_regularization(reg, "
                 "tf1_weights_collection(self)), one entry per call of a marked layer in the object's "
                 "graph (a shared encoder's layer once per tower: TF1's double count kept).")
    CALLS = _READS + _READ_SUM + _GET_COLLECTION + _REGULARIZERS + _APPLY + _ADD

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if RegularizationReads.added_in(self.ctx, original) and _class_method_self(self.ctx, original) is None \
                and RegularizationReads.loop_adding(self.ctx, original) is None:
            self.ctx.count(self)
            return cst.RemoveFromParent()
        return updated

    def leave_For(self, original: cst.For, updated: cst.For):
        """``for i in range(len(R)): loss += R[i]`` (or ``for r in R: loss += r``) over a read of the
        collection: the loop goes with the read (Keras adds the layers' losses itself)."""
        body = original.body.body if isinstance(original.body, cst.IndentedBlock) else ()
        if len(body) == 1 and RegularizationReads.loop_adding(self.ctx, body[0]) is original \
                and _class_method_self(self.ctx, original) is None:
            self.ctx.count(self)
            return cst.RemoveFromParent()
        return updated

    def _weights_translated(self) -> bool:
        """TFM135 turns every ``add_to_collection(WEIGHTS, W)`` of the file into a marked layer."""
        return self.ctx.rule_active("TFM135") and self.ctx.rule_active("TFM144") \
            and self.ctx.analysis(HandmadeLayersAnalysis).weights_collection_translated()

    def translate(self, qname, original, updated):
        from ..translate.tflearn import Untranslatable
        from ..emit import call

        if qname in _REGULARIZERS:
            # a regularizer object (bound to a name); an inline layer argument is the layer rule's
            parent = self.ctx.parent(original)
            grand = self.ctx.parent(parent) if isinstance(parent, cst.Arg) else None
            if isinstance(grand, cst.Call) and (self.ctx.legacy_name(grand.func) or "") not in _APPLY \
                    and not self.ctx.analysis(RegularizerParams).carries(grand, parent):
                return None  # (a helper's parameter carrying it into a layer: translated here)
            try:
                out = keras_regularizer(self.ctx, updated, original)
            except Untranslatable as ex:
                self.todo(original, f"{qname.rsplit('.', 1)[1]}: {ex}")
                return None
            self.ctx.add_import("keras")
            self.ctx.count(self)
            return out
        if qname in _ADD:
            # a weight put into TF1's WEIGHTS collection: kept, with the reason instead of TFM100's
            key = original.args[0].value if original.args and original.args[0].keyword is None else None
            if key is not None and self.ctx.legacy_name(key) == _WEIGHTS_KEY:
                if self._weights_translated() and self.ctx.analysis(HandmadeLayersAnalysis).weights_add_dropped(
                        self.ctx.statement_of(original)):
                    return None  # TFM135: the layer's output marked by tf1_weights_entry, the statement goes
                self.todo(original, f"add to the WEIGHTS collection kept: {_WEIGHTS_WHY}")
            return None
        if qname in _APPLY:
            pos = [a for a in updated.args if a.keyword is None]
            kw = {a.keyword.value: a.value for a in updated.args if a.keyword is not None}
            args = pos + [a for a in updated.args if a.keyword is not None]
            reg = pos[0].value if pos else kw.get("regularizer")
            lst = pos[1].value if len(pos) > 1 else kw.get("weights_list")
            owner = _class_method_self(self.ctx, original)
            if reg is not None and lst is None and len(args) == 1 and not any(a.star for a in updated.args) \
                    and owner is not None and self._weights_translated():
                # the WEIGHTS collection: one entry per TF1 add (tf1_weights_collection counts them)
                self.ctx.use_helper("tf1_apply_regularization")
                self.ctx.use_helper("tf1_weights_collection")
                self.ctx.add_import("keras")
                self.ctx.count(self)
                self.report(original, "apply_regularization without a weights list -> the penalty of each "
                                      "entry of TF1's WEIGHTS collection (tf1_weights_collection): a weight "
                                      "added by a helper each tower calls is counted once per tower, as in "
                                      "TF1 (that double count is kept: faithful)", severity=Severity.INFO)
                return call("tf1_apply_regularization", reg, call("tf1_weights_collection", cst.Name(owner)))
            if reg is None or lst is None or len(args) != 2 or any(a.star for a in updated.args):
                if lst is None and owner is None and self._weights_translated():
                    why = ("its adds are translated (tf1_weights_entry), but this read is not in a method "
                           "of a translated model class, whose graph tf1_weights_collection counts")
                else:
                    why = _WEIGHTS_WHY
                self.todo(original, "apply_regularization without a weights list regularizes the WEIGHTS "
                                    f"collection: {why}")
                return None
            self.ctx.use_helper("tf1_apply_regularization")
            self.ctx.add_import("keras")
            self.ctx.count(self)
            return call("tf1_apply_regularization", reg, lst)
        if not self.ctx.analysis(RegularizationReads).is_read(original):
            return None
        kept = kept_regularized(self.ctx)
        if kept:
            # a layer whose regularizer stays TF1 code: its penalty is in TF1's collection only (no
            # Keras layer owns it), so the read cannot become the model's own losses
            self.todo(original, "read kept: the regularizer of " + ", ".join(kept) + " stays TF1 code (see its "
                                "TODO); its penalty would be lost if the read became the Keras layers' losses")
            return None
        self.ctx.count(self)
        owner = _class_method_self(self.ctx, original)
        if owner is not None:  # a model class's loss: its LossModel does not add Keras' model.losses
            self.ctx.use_helper("tf1_regularization_losses")
            self.ctx.add_import("keras")
            return call("tf1_regularization_loss" if qname in _READ_SUM else "tf1_regularization_losses",
                        cst.Name(owner))
        return cst.Float("0.0") if qname in _READ_SUM else cst.List([])

    VALID = ["import tensorflow as tf\nops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # tflearn-migrate: ignore\n",
             # an inline regularizer argument is the layer rule's (TFM132 reads its scale)
             "import tensorflow as tf\nh = my_dense(x, reg=tf.contrib.layers.l2_regularizer(0.1))  # tflearn-migrate: ignore[TFM100]\n"]
    INVALID = [
        Case("import tensorflow as tf\nlosses = [loss]\nlosses += tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n"
             "total = loss + tf.losses.get_regularization_loss()\n",
             "losses = [loss]\ntotal = loss + 0.0\n"),
        # each penalty added in turn by a loop over the read (a fingerprint-matching repository)
        Case("import tensorflow as tf\nreg = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n"
             "total = loss\nfor i in range(len(reg)):\n    total += reg[i]\nfor r in reg:\n    total += r\n",
             "reg = []\ntotal = loss\n"),
        # a regularizer object held in a name, applied by hand to a list of tensors
        Case("import tensorflow as tf\nfrom tensorflow.contrib import slim\npen = slim.l1_regularizer(0.01)\n"
             "extra = slim.apply_regularization(pen, [w1, w2])\n",
             "import keras\n\n\n# tflearn-migrate helper: tf1_apply_regularization\n" + APPLY.code
             + "\n\npen = keras.regularizers.L1(0.01)\nextra = tf1_apply_regularization(pen, [w1, w2])\n"),
        # the WEIGHTS collection read by apply_regularization without a list: both kept, with the reason
        Case("import tensorflow as tf\ntf.add_to_collection(tf.GraphKeys.WEIGHTS, w)\n"
             "pen = tf.contrib.layers.apply_regularization(tf.contrib.layers.l2_regularizer(0.1))\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n"
             "\n"
             "# TODO(tflearn-migrate): TFM151 add to the WEIGHTS collection kept: TF1 holds one entry per"
             " add_to_collection call (a weight added by a helper that each tower calls is in it once per"
             " tower) and apply_regularization without a list sums the penalty over every entry, duplicates"
             " included; no Keras model keeps such a collection (a shared encoder is built once)\n"
             "tf.add_to_collection(tf.GraphKeys.WEIGHTS, w)\n"
             "# TODO(tflearn-migrate): TFM151 apply_regularization without a weights list regularizes the"
             " WEIGHTS collection: TF1 holds one entry per add_to_collection call (a weight added by a"
             " helper that each tower calls is in it once per tower) and apply_regularization without a list"
             " sums the penalty over every entry, duplicates included; no Keras model keeps such a"
             " collection (a shared encoder is built once)\n"
             "pen = tf.contrib.layers.apply_regularization(keras.regularizers.L2(0.05))\n",
             ("TFM151", "TFM151"), todo=True),
    ]
