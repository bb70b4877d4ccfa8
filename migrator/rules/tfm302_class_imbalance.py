"""TFM302: a classifier trained without class weights -> balanced weights at fit time."""
from __future__ import annotations

import re

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, literal
from ..helpers import register_source
from ..analysis.siamese import compiled_distance_model, walk
from ..analysis.flow import Flow
from ..analysis.tflearn_model import TflearnProgram
from ..translate.tflearn import code_text
from .base import Case, Rule

HELPER = "balanced_class_weight"
MAX_RATIO = 3.0

register_source("fixes", HELPER)  # its max_ratio default is MAX_RATIO (tests/test_helper_src.py)

_TFLEARN_ONLY = {"n_epoch", "show_metric", "snapshot_epoch", "snapshot_step", "run_id",
                 "validation_set", "X_inputs", "Y_targets"}
_CLASSIFICATION_LOSSES = ("crossentropy", "hinge", "kl_divergence", "kullback")

# Evidence about the class balance of the labels, read from the label expression and every
# definition it depends on (transitively).
_IMBALANCE_WORDS = re.compile(r"imbalanc|unbalanc|skew|minorit|majorit|rare_class", re.I)
_BALANCED = re.compile(
    r"load_digits|load_iris|load_wine|datasets\.(mnist|fashion_mnist|cifar10|cifar100)\b|"
    r"\b(mnist|fashion_mnist|cifar10|cifar100)\.load_data\s*\(|tflearn\.datasets|"
    r"np\.(repeat|tile)\s*\(\s*np\.arange|np\.arange\s*\([^)]*\)\s*%|"
    r"make_blobs|make_moons|make_circles|make_classification\s*\((?![^)]*weights)|"
    r"\brandint\s*\(|\bchoice\s*\((?![^)]*\bp\s*=)")   # uniform random labels
_REPEATED = re.compile(r"\[\s*(\d+)\s*\]\s*\*\s*(\d+)")            # [0] * 900
_ZEROS_ONES = re.compile(r"np\.(zeros|ones)\s*\(\s*(\d+)")            # np.zeros(900), np.ones(100)


def _counts_ratio(text: str) -> float | None:
    """Largest / smallest class count when the labels are built from literal counts."""
    counts = [int(m.group(2)) for m in _REPEATED.finditer(text)]
    if len(counts) < 2:
        counts = [int(m.group(2)) for m in _ZEROS_ONES.finditer(text)]
    if len(counts) < 2 or min(counts) <= 0:
        return None
    return max(counts) / min(counts)


def is_classification_loss(node: cst.BaseExpression | None) -> bool:
    if node is None:
        return False
    text = (literal(node, None) if isinstance(literal(node, None), str) else code(node)).lower()
    return any(k in text for k in _CLASSIFICATION_LOSSES)


_HELPER_TEXT = ("# tflearn-migrate helper: balanced_class_weight\n"
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
                "    return {int(c): float(w) for c, w in zip(classes, weights)}\n\n\n")
_SEED001 = ("import keras\nimport numpy as np\ny = np.random.randint(0, 2, 1000)\ny[:900] = 0\n"
            "model.compile(optimizer='adam', loss='binary_crossentropy')\nmodel.fit(X, y, epochs=10)\n")
_SEED001_FIXED = ("import keras\nimport numpy as np\n\n\n" + _HELPER_TEXT +
                  "y = np.random.randint(0, 2, 1000)\ny[:900] = 0\n"
                  "model.compile(optimizer='adam', loss='binary_crossentropy')\n"
                  "model.fit(X, y, epochs=10, class_weight=balanced_class_weight(y))\n")


def _word_at(text: str, i: int) -> str:
    """The token (identifier or string) around position ``i``."""
    a = i
    while a > 0 and (text[a - 1].isalnum() or text[a - 1] in "_'\"[."):
        a -= 1
    b = i
    while b < len(text) and (text[b].isalnum() or text[b] in "_'\"]"):
        b += 1
    return text[a:b]


class ClassImbalance(Rule):
    ID = "TFM302"
    NAME = "class-imbalance"
    MESSAGE = "classifier trained without class weights"
    RATIONALE = ("With imbalanced labels (seed 001: 90% of one class) plain cross-entropy is "
                 "minimised fastest by predicting the majority class for everything. Decided from "
                 "EVIDENCE in the label expression and the definitions it depends on: imbalanced "
                 "when the labels are named so (imbalanced/skewed/minority/majority), a block of "
                 "them is set to one class (seed 001's 'y[:900] = 0') or they are built from "
                 f"literal class counts more than {MAX_RATIO}:1 apart; balanced (nothing fires) "
                 "for datasets known to be balanced (sklearn digits/iris/wine, keras/tflearn "
                 "mnist/cifar, np.repeat/np.tile(np.arange(k)), make_blobs/moons/circles, "
                 "make_classification without weights=, uniform random labels from randint or "
                 "choice without p=) or equal literal counts; otherwise an "
                 "info diagnostic and no change, even with --unsafe-fixes. FIX: "
                 "fit(..., class_weight=balanced_class_weight(y)), a helper that computes "
                 "scikit-learn's 'balanced' weights n / (k * count_c) from the training labels "
                 f"at fit time, and only when the largest class outnumbers the smallest by more "
                 f"than {MAX_RATIO}:1 - balanced data is trained exactly as before (class_weight="
                 "None). Applies to fit calls of models compiled with a classification loss "
                 "(tflearn regression's default categorical_crossentropy included) that pass "
                 "neither class_weight nor sample_weight.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.UNSAFE
    APPLICABILITY_REASON = ("changes the training objective's weighting of the data (class "
                            "weights): the port would no longer train what the program trained; "
                            "only on request and only with evidence of imbalance.")
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
        state, why = self._balance_evidence(original)
        if state == "balanced":
            return updated
        if state == "unknown":
            self.report(original, f"classifier trained on {ytext} without class weights; the code "
                                  f"shows nothing about its class balance: if one class dominates, "
                                  f"weight the classes (not changed without evidence)",
                        severity=Severity.INFO)
            return updated
        if not self.fixes_enabled:
            self.report(original, f"classifier trained on {ytext} without class weights; "
                                  f"imbalanced classes: {why}", severity=Severity.WARNING,
                        fix=f"fit(..., class_weight=balanced_class_weight({ytext})), balanced class "
                            f"weights when the labels are imbalanced by more than {MAX_RATIO}:1")
            return updated
        self.ctx.use_helper(HELPER)
        self.report(original, f"imbalanced classes ({why}): class_weight=balanced_class_weight({ytext}), "
                              f"balanced class weights when the labels are imbalanced by more than "
                              f"{MAX_RATIO}:1", fixed=True, severity=Severity.WARNING)
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

    def _balance_evidence(self, original: cst.Call) -> tuple[str, str | None]:
        """("imbalanced", why) / ("balanced", why) / ("unknown", None) for the labels of a fit
        call, from the label expression and the definitions it depends on."""
        positional = [a for a in original.args if a.keyword is None]
        y = positional[1].value if len(positional) > 1 else next(
            (a.value for a in original.args if a.keyword is not None
             and a.keyword.value in ("y", "Y_targets")), None)
        if y is None:
            return "unknown", None
        try:
            defs = self.ctx.analysis(Flow).reaching(y, original)
        except Exception:  # noqa: BLE001 - no flow information: only the expression itself
            defs = []
        texts = [code_text(code(y))] + [code_text(code(d.value)) for d in defs if d.value is not None]
        names = {d.name for d in defs} | ({y.value} if isinstance(y, cst.Name) else set())
        source = "\n".join(texts)
        m = _IMBALANCE_WORDS.search(source)
        if m:
            return "imbalanced", f"the labels come from {_word_at(source, m.start())}"
        module = self.__dict__.get("_module_text")  # once per file, not once per call asked about
        if module is None:
            module = self.__dict__["_module_text"] = code_text(self.ctx.module_code)
        blocks = self.__dict__.setdefault("_label_blocks", {})  # name -> match: once per name and file
        for n in sorted(names):
            if n not in blocks:
                blocks[n] = re.search(rf"\b{re.escape(n)}\s*\[[^\]\n]*:[^\]\n]*\]\s*=\s*(-?\d+)\s*\n", module)
            m = blocks[n]
            if m:
                return "imbalanced", f"{re.sub(' ', '', m.group(0))} sets a block of labels to one class"
        ratio = _counts_ratio(source)
        if ratio is not None and ratio > MAX_RATIO:
            return "imbalanced", f"labels built from literal class counts {ratio:.0f}:1"
        m = _BALANCED.search(source)
        if m:
            return "balanced", m.group(0)
        if ratio is not None:
            return "balanced", f"labels built from literal class counts {ratio:.1f}:1"
        return "unknown", None

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
        # balanced classes: a classifier without class weights, nothing fires
        "import keras\nfrom sklearn.datasets import load_digits\ndigits = load_digits()\n"
        "X, y = digits.data / 16.0, digits.target\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\nmodel.fit(X, y)\n",
        "import keras\nimport numpy as np\ny = np.repeat(np.arange(10), 50)\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\nmodel.fit(X, y)\n",
        "import keras\nimport numpy as np\ny = np.array([0] * 500 + [1] * 500)\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy')\nmodel.fit(X, y, epochs=2)\n",
        "import keras\n(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\nmodel.fit(x_train, y_train)\n",
        "import keras\nimport numpy as np\nrng = np.random.RandomState(0)\ny = np.eye(3)[rng.randint(0, 3, 48)]\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')\nmodel.fit(X, y)\n",
    ]
    INVALID = [
        # seed 001: a block of the labels set to one class
        Case(_SEED001, _SEED001_FIXED, ("TFM302",), unsafe_fixes=True),
        # unsafe: withheld by default (reported with the change it would make)
        Case(_SEED001, None, ("TFM302",)),
        Case(_SEED001, None, ("TFM302",), fixes=False),
        Case("import keras\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
             "model.fit(x, data['y_train_imbalanced'], epochs=3)\n",
             "import keras\nimport numpy as np\n\n\n" + _HELPER_TEXT +
             "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
             "model.fit(x, data['y_train_imbalanced'], epochs=3, "
             "class_weight=balanced_class_weight(data['y_train_imbalanced']))\n",
             ("TFM302",), unsafe_fixes=True),
        Case("import keras\nimport numpy as np\ny = np.array([0] * 900 + [1] * 100)\n"
             "model.compile(optimizer='adam', loss='binary_crossentropy')\nmodel.fit(X, y)\n",
             "import keras\nimport numpy as np\n\n\n" + _HELPER_TEXT +
             "y = np.array([0] * 900 + [1] * 100)\n"
             "model.compile(optimizer='adam', loss='binary_crossentropy')\n"
             "model.fit(X, y, class_weight=balanced_class_weight(y))\n",
             ("TFM302",), unsafe_fixes=True),
        # no evidence about the balance of y_train: a diagnostic only, even with --unsafe-fixes
        Case("import keras\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
             "model.fit(x_train, y_train, epochs=3)\n", None, ("TFM302",), unsafe_fixes=True),
    ]
