"""TFM302: a classifier trained without class weights -> balanced weights at fit time."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Kind, Severity
from ..emit import code, literal
from ..helpers import register
from ._siamese import compiled_distance_model, walk
from ._tflearn_model import TflearnProgram
from .base import Case, Rule

HELPER = "balanced_class_weight"
MAX_RATIO = 3.0

register(HELPER, f'''
def balanced_class_weight(y, max_ratio={MAX_RATIO}):
    """TFM302: scikit-learn's "balanced" class weights, n_samples / (n_classes * count),
    when the most frequent class of ``y`` outnumbers the rarest by more than ``max_ratio``;
    None (no weighting) otherwise. ``y``: integer labels, one-hot rows or 0/1 values."""
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = y.reshape(-1, y.shape[-1]).argmax(axis=-1)
    else:
        labels = np.rint(y.reshape(-1)).astype("int64")
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2 or counts.max() <= max_ratio * counts.min():
        return None
    weights = len(labels) / (len(classes) * counts)
    return {{int(c): float(w) for c, w in zip(classes, weights)}}
''', imports=(("numpy", None, "np"),))

_TFLEARN_ONLY = {"n_epoch", "show_metric", "snapshot_epoch", "snapshot_step", "run_id",
                 "validation_set", "X_inputs", "Y_targets"}
_CLASSIFICATION_LOSSES = ("crossentropy", "hinge", "kl_divergence", "kullback")


def is_classification_loss(node: cst.BaseExpression | None) -> bool:
    if node is None:
        return False
    text = (literal(node, None) if isinstance(literal(node, None), str) else code(node)).lower()
    return any(k in text for k in _CLASSIFICATION_LOSSES)


class ClassImbalance(Rule):
    ID = "TFM302"
    NAME = "class-imbalance"
    MESSAGE = "classifier trained without class weights"
    RATIONALE = ("With imbalanced labels (seed 001: 90% of one class) plain cross-entropy is "
                 "minimised fastest by predicting the majority class for everything. FIX: "
                 "fit(..., class_weight=balanced_class_weight(y)), a helper that computes "
                 "scikit-learn's 'balanced' weights n / (k * count_c) from the training labels "
                 f"at fit time, and only when the largest class outnumbers the smallest by more "
                 f"than {MAX_RATIO}:1 - balanced data is trained exactly as before (class_weight="
                 "None). Applies to fit calls of models compiled with a classification loss "
                 "(tflearn regression's default categorical_crossentropy included) that pass "
                 "neither class_weight nor sample_weight.")
    KIND = Kind.FIX
    SEVERITY = Severity.INFO
    ORDER = 150  # after the fit call itself is translated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not isinstance(updated, cst.Call) or not isinstance(original.func, cst.Attribute):
            return updated
        if original.func.attr.value != "fit" or not isinstance(updated.func, cst.Attribute) \
                or updated.func.attr.value != "fit":
            return updated
        kws = {a.keyword.value for a in updated.args if a.keyword is not None}
        if kws & {"class_weight", "sample_weight"} or kws & _TFLEARN_ONLY or any(a.star for a in updated.args):
            return updated
        if self.ctx.has_todo(original):
            return updated
        positional = [a for a in updated.args if a.keyword is None]
        y = positional[1].value if len(positional) > 1 else next(
            (a.value for a in updated.args if a.keyword is not None and a.keyword.value == "y"), None)
        if y is None or isinstance(y, (cst.Dict, cst.List, cst.Tuple)):
            return updated
        if not self._is_classifier(original):
            return updated
        ytext = code(y).strip()
        if not self.fixes_enabled:
            self.report(original, f"classifier trained on {ytext} without class weights: if its "
                                  f"classes are imbalanced it learns to predict the majority class")
            return updated
        self.ctx.use_helper(HELPER)
        self.report(original, f"class_weight=balanced_class_weight({ytext}): balanced class weights "
                              f"when the labels are imbalanced by more than {MAX_RATIO}:1", fixed=True)
        arg = cst.Arg(cst.Call(cst.Name(HELPER), [cst.Arg(y)]), keyword=cst.Name("class_weight"),
                      equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
        args = list(updated.args)
        last = args[-1]
        multiline = last.comma is not cst.MaybeSentinel.DEFAULT and isinstance(
            getattr(last.comma, "whitespace_after", None), cst.ParenthesizedWhitespace)
        if multiline:
            args.append(arg.with_changes(comma=last.comma))
            args[-2] = last.with_changes(comma=cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True,
                last_line=cst.SimpleWhitespace("    "))))
        else:
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(arg)
        return updated.with_changes(args=args)

    def _is_classifier(self, original: cst.Call) -> bool:
        recv = original.func.value  # type: ignore[attr-defined]
        if not isinstance(recv, cst.Name):
            return False
        if self.ctx.rule_active("TFM117") or self.ctx.rule_active("TFM116"):
            dnn = self.ctx.analysis(TflearnProgram).dnn_for_receiver(recv, original)
            if dnn is not None:
                reg = dnn.regression
                if reg is None:
                    return False
                loss = next((a.value for a in reg.call.args if a.keyword is not None
                             and a.keyword.value == "loss"), None)
                return loss is None or is_classification_loss(loss)
        for n in walk(self.ctx.module):
            if (isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                    and n.func.attr.value == "compile" and isinstance(n.func.value, cst.Name)
                    and n.func.value.value == recv.value):
                loss = next((a.value for a in n.args if a.keyword is not None and a.keyword.value == "loss"), None)
                if compiled_distance_model(self.ctx, n) is not None:
                    return False  # a distance output: a verification loss, not a classifier
                if is_classification_loss(loss):
                    return True
        return False

    VALID = [
        "import keras\nmodel.compile(optimizer='adam', loss='mse')\nmodel.fit(x, y)\n",
        "import keras\nmodel.compile(loss='categorical_crossentropy')\nmodel.fit(x, y, class_weight=cw)\n",
    ]
    INVALID = [
        Case("import keras\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
             "model.fit(x_train, y_train, epochs=3)\n",
             "import keras\nimport numpy as np\n\n\n"
             "# tflearn-migrate helper: balanced_class_weight\n"
             "def balanced_class_weight(y, max_ratio=3.0):\n"
             "    \"\"\"TFM302: scikit-learn's \"balanced\" class weights, n_samples / (n_classes * count),\n"
             "    when the most frequent class of ``y`` outnumbers the rarest by more than ``max_ratio``;\n"
             "    None (no weighting) otherwise. ``y``: integer labels, one-hot rows or 0/1 values.\"\"\"\n"
             "    y = np.asarray(y)\n"
             "    if y.ndim > 1 and y.shape[-1] > 1:\n"
             "        labels = y.reshape(-1, y.shape[-1]).argmax(axis=-1)\n"
             "    else:\n"
             "        labels = np.rint(y.reshape(-1)).astype(\"int64\")\n"
             "    classes, counts = np.unique(labels, return_counts=True)\n"
             "    if len(classes) < 2 or counts.max() <= max_ratio * counts.min():\n"
             "        return None\n"
             "    weights = len(labels) / (len(classes) * counts)\n"
             "    return {int(c): float(w) for c, w in zip(classes, weights)}\n\n\n"
             "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
             "model.fit(x_train, y_train, epochs=3, class_weight=balanced_class_weight(y_train))\n",
             ("TFM302",)),
        Case("import keras\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
             "model.fit(x_train, y_train, epochs=3)\n", None, ("TFM302",), fixes=False),
    ]
