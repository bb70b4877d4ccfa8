"""TFM208: a contrastive loss written for 1 = DIFFERENT labels on labels built as 1 = SAME."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, literal
from ..analysis.siamese import definition, tail, walk
from .base import Case, Rule

_SQUARES = ("square", "pow", "power")
_HINGES = ("maximum", "relu")
_ARRAYS = ("array", "asarray", "float32", "float64", "int32", "int64", "float", "int", "cast", "to_float")


def _name(node: cst.BaseExpression) -> str | None:
    """``y`` / ``self.y_`` -> its text (a label must be a plain name or attribute)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        return f"{node.value.value}.{node.attr.value}"
    return None


def _operands(ctx, node: cst.BaseExpression, op: str) -> list[tuple[tuple, cst.BaseExpression]] | None:
    """The two operands of ``a OP b`` / ``tf.OP(a, b)`` / ``keras.ops.OP(a, b)`` with the path
    that leads to each from ``node`` (op: "add", "multiply", "subtract")."""
    binop = {"add": cst.Add, "multiply": cst.Multiply, "subtract": cst.Subtract}[op]
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, binop):
        return [(("left",), node.left), (("right",), node.right)]
    if isinstance(node, cst.Call) and tail(ctx, node) == op and len(node.args) == 2 \
            and all(a.keyword is None and not a.star for a in node.args):
        return [(("args", i), a.value) for i, a in enumerate(node.args)]
    return None


def _resolve(ctx, node: cst.BaseExpression, depth: int = 0) -> cst.BaseExpression:
    """A Name bound once to an expression -> that expression (``margin_square = ...``)."""
    while isinstance(node, cst.Name) and depth < 4:
        d = definition(ctx, node)
        if d is None or d.value is None:
            break
        node, depth = d.value, depth + 1
    return node


def _squared(ctx, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """``square(x)`` / ``pow(x, 2)`` / ``x ** 2`` -> x."""
    node = _resolve(ctx, node)
    if isinstance(node, cst.Call) and node.args and tail(ctx, node) in _SQUARES:
        if tail(ctx, node) == "square" or len(node.args) > 1 and literal(node.args[1].value, None) == 2:
            return node.args[0].value
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Power) \
            and literal(node.right, None) == 2:
        return node.left
    return None


def _is_hinge(ctx, node: cst.BaseExpression) -> bool:
    """``maximum(m - d, 0)`` / ``maximum(0, m - d)`` / ``relu(m - d)``: a margin pushing apart."""
    node = _resolve(ctx, node)
    if not (isinstance(node, cst.Call) and node.args and tail(ctx, node) in _HINGES):
        return False
    return any(_operands(ctx, _resolve(ctx, a.value), "subtract") is not None for a in node.args)


def _complement(ctx, node: cst.BaseExpression) -> str | None:
    """``1 - y`` / ``1.0 - y`` / ``subtract(1.0, y)`` -> "y"'s text."""
    ops = _operands(ctx, node, "subtract")
    if ops is None or literal(ops[0][1], None) not in (1, 1.0):
        return None
    return _name(ops[1][1])


def _weighted(ctx, node: cst.BaseExpression):
    """``w * t`` / ``multiply(w, t)`` (either order) -> [(weight path, weight, term), ...]."""
    ops = _operands(ctx, node, "multiply")
    if ops is None:
        return []
    return [(ops[i][0], ops[i][1], ops[1 - i][1]) for i in (0, 1)]


def inverted_contrastive(ctx, node: cst.BaseExpression):
    """For ``(1 - y) * d^2 + y * max(m - d, 0)^2`` (Hadsell et al.: y = 1 for a DIFFERENT pair), in
    any order and with tf / keras.ops / operator spellings: (y text, path to the ``1 - y`` weight,
    path to the ``y`` weight); None otherwise."""
    terms = _operands(ctx, node, "add")
    if terms is None:
        return None
    for (pull_path, pull), (hinge_path, hinge) in (terms, terms[::-1]):
        for wp, w, t in _weighted(ctx, pull):
            y = _complement(ctx, w)
            sq = _squared(ctx, t)
            if y is None or sq is None or _is_hinge(ctx, sq):
                continue
            for hp, h, ht in _weighted(ctx, hinge):
                hsq = _squared(ctx, ht)
                if _name(h) == y and hsq is not None and _is_hinge(ctx, hsq):
                    return y, pull_path + wp, hinge_path + hp
    return None


def _label_literal(node: cst.BaseExpression) -> object:
    v = literal(node, None)
    return {True: 1, False: 0}.get(v, v) if isinstance(v, bool) else v


def _appended_label(body: cst.BaseSuite) -> int | None:
    """The 0 / 1 label a branch appends: ``x.append(0)`` or ``x.append((a, b, 1))`` (the last
    element of a tuple or list), the same one every time (None otherwise)."""
    found = set()
    for n in walk(body):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "append" \
                and len(n.args) == 1:
            v = n.args[0].value
            if isinstance(v, (cst.Tuple, cst.List)) and v.elements:
                v = v.elements[-1].value
            lab = _label_literal(v)
            if lab in (0, 1) and not isinstance(lab, float) or lab in (0.0, 1.0):
                found.add(int(lab))
    return found.pop() if len(found) == 1 else None


def label_evidence(ctx) -> tuple[str, str] | None:
    """How the file builds 0/1 pair labels from a class comparison: ("same", text) for
    ``1 if a == b else 0`` / ``np.array(a == b, ...)`` / ``(a == b).astype(...)`` /
    ``float(a == b)`` / ``if a == b: pairs.append((i, j, 1))`` (1 = SAME), ("different", text)
    for the same with ``!=`` or with the branches the other way round (1 = DIFFERENT); None when
    no such construction is seen (or both are: an evaluation's ``same = (a == b)`` next to
    training pairs built the other way is no evidence either way)."""
    found: dict[str, str] = {}
    for n in walk(ctx.module):
        comp = None
        if isinstance(n, cst.IfExp) and isinstance(n.test, cst.Comparison):
            body, orelse = _label_literal(n.body), _label_literal(n.orelse)
            if {body, orelse} == {0, 1} and isinstance(body, (int, float)):
                comp, flip = n.test, body == 0
        elif isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "astype":
            if isinstance(n.func.value, cst.Comparison):
                comp, flip = n.func.value, False
        elif isinstance(n, cst.Call) and n.args and tail(ctx, n) in _ARRAYS:
            target = n.args[0].value
            if isinstance(target, cst.Comparison):
                comp, flip = target, False
        elif isinstance(n, cst.If) and isinstance(n.test, cst.Comparison):
            # ``if label_a == label_b: pairs.append((a, b, 0))``: the label the branch appends
            v = _appended_label(n.body)
            if v is not None:
                comp, flip = n.test, v == 0
        if comp is None or len(comp.comparisons) != 1:
            continue
        op = comp.comparisons[0].operator
        if isinstance(op, cst.Equal):
            kind = "different" if flip else "same"
        elif isinstance(op, cst.NotEqual):
            kind = "same" if flip else "different"
        else:
            continue
        found.setdefault(kind, code(n).strip())
    if len(found) != 1:
        return None
    kind, text = next(iter(found.items()))
    return kind, text


def _at(node: cst.CSTNode, path: tuple) -> cst.CSTNode | None:
    for step in path:
        if step == "left" or step == "right":
            if not isinstance(node, cst.BinaryOperation):
                return None
            node = getattr(node, step)
        elif step == "args":
            if not isinstance(node, cst.Call):
                return None
        else:
            if not isinstance(node, cst.Call) or len(node.args) <= step:
                return None
            node = node.args[step].value
    return node


def _replace(node: cst.CSTNode, path: tuple, new: cst.BaseExpression) -> cst.CSTNode:
    if not path:
        return new
    step, rest = path[0], path[1:]
    if step in ("left", "right"):
        return node.with_changes(**{step: _replace(getattr(node, step), rest, new)})
    if step == "args":
        i, rest = rest[0], rest[1:]
        args = list(node.args)
        args[i] = args[i].with_changes(value=_replace(args[i].value, rest, new))
        return node.with_changes(args=args)
    raise ValueError(path)


class ContrastiveLabelPolarity(Rule):
    ID = "TFM208"
    TRIGGERS = ("maximum", "relu")
    NAME = "contrastive-label-polarity"
    MESSAGE = "contrastive loss written for label 1 = DIFFERENT, labels built as 1 = SAME"
    RATIONALE = ("Hadsell et al.'s contrastive loss (1 - y) * d^2 + y * max(m - d, 0)^2 reads y = 1 "
                 "as a DIFFERENT pair; code that builds its labels as 1 = SAME (``1.0 if c1 == c2 else "
                 "0.0``, ``np.array(c1 == c2, ...)``) then pulls the different pairs - most of the "
                 "random pairs - to distance 0 and pushes the same ones apart: the embedding "
                 "collapses (seed 002's LFW network uses exactly this loss with SAME = 1; realworld "
                 "ivanarkhipov_tflearn, legacy with shared towers: 0.500 as written, 0.839 with "
                 "the weights swapped). Reported when the file builds its labels from a class "
                 "comparison with == (1 = SAME) and the loss weights the margin term by the label; "
                 "an info when the file shows no label construction (check which convention the "
                 "labels follow); nothing when the labels are built with != (the loss matches). "
                 "FIX: the two weights swapped, y * d^2 + (1 - y) * max(m - d, 0)^2.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.UNSAFE
    APPLICABILITY_REASON = ("the label's meaning is read from how the file builds labels (a class "
                            "comparison with ==), not proven to be what reaches the loss: labels "
                            "loaded elsewhere, or a second label array, may follow the loss's "
                            "convention; the cure changes the training objective.")
    SEVERITY = Severity.WARNING
    ORDER = 40

    def _check(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
        found = inverted_contrastive(self.ctx, original)
        if found is None:
            return updated
        y, pull_path, hinge_path = found
        text = " ".join(code(original).split())
        if len(text) > 120:
            text = text[:117] + "..."
        evidence = label_evidence(self.ctx)
        if evidence is None:
            self.report(original, f"{text}: this contrastive loss reads {y} = 1 as a DIFFERENT pair (its "
                                  "margin term); check that the labels are built that way",
                        severity=Severity.INFO)
            return updated
        kind, how = evidence
        if kind == "different":
            return updated
        why = (f"{text}: the margin term is weighted by {y} (1 = DIFFERENT pair) but the labels are "
               f"built as 1 = SAME ({how}): different pairs are pulled together")
        change = f"swap the weights {y} and 1 - {y}"
        pull_w, hinge_w = _at(updated, pull_path), _at(updated, hinge_path)
        if pull_w is None or hinge_w is None:
            self.report(original, why + " (not fixed: the loss was rewritten by another rule)")
            return updated
        if not self.fixes_enabled:
            self.report(original, why, fix=change)
            return updated
        self.report(original, f"{why}: {change}", fixed=True)
        strip = dict(lpar=[], rpar=[])
        new_pull = hinge_w.with_changes(**strip) if isinstance(hinge_w, cst.BinaryOperation) else hinge_w
        new_hinge = pull_w
        if isinstance(pull_w, cst.BinaryOperation) and not pull_w.lpar:
            new_hinge = pull_w.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return _replace(_replace(updated, pull_path, new_pull), hinge_path, new_hinge)

    def leave_Call(self, original: cst.Call, updated: cst.BaseExpression) -> cst.BaseExpression:
        return self._check(original, updated)

    def leave_BinaryOperation(self, original: cst.BinaryOperation,
                              updated: cst.BaseExpression) -> cst.BaseExpression:
        return self._check(original, updated)

    _HADSELL = ("import keras\n"
                "d = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1) + 1e-7)\n"
                "loss = keras.ops.mean((1.0 - y) * keras.ops.square(d) + y * keras.ops.square(keras.ops.maximum(2.0 - d, 0.0)))\n")
    VALID = [
        # the 1 = SAME form
        "import numpy as np\nimport keras\n"
        "y = np.array(c1 == c2, dtype='float32')\n"
        "d = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1) + 1e-7)\n"
        "loss = keras.ops.mean(y * keras.ops.square(d) + (1.0 - y) * keras.ops.square(keras.ops.maximum(2.0 - d, 0.0)))\n",
        # Hadsell's form with labels built as 1 = DIFFERENT: consistent
        "import numpy as np\n" + _HADSELL.replace("d = ", "y = np.array(c1 != c2, dtype='float32')\nd = ", 1),
        "import numpy as np\n" + _HADSELL.replace(
            "d = ", "y = [0.0 if c1[i] == c2[i] else 1.0 for i in range(n)]\nd = ", 1),
        # Chopra's exponential contrastive loss (no hinge)
        "import numpy as np\nimport keras\ny = np.array(c1 == c2, dtype='float32')\n"
        "loss = keras.ops.mean(y * 0.4 * keras.ops.square(e) + (1 - y) * 10.0 * keras.ops.exp(-0.554 * e))\n",
    ]
    INVALID = [
        # no label construction in the file: an info, nothing changed
        Case(_HADSELL, None, ("TFM208",), unsafe_fixes=True),
        # labels built with == (1 = SAME): withheld by default, the weights swapped when asked
        Case("import numpy as np\n" + _HADSELL.replace("d = ", "y = np.array(c1 == c2, dtype='float32')\nd = ", 1),
             None, ("TFM208",)),
        Case("import numpy as np\n" + _HADSELL.replace("d = ", "y = np.array(c1 == c2, dtype='float32')\nd = ", 1),
             "import numpy as np\nimport keras\ny = np.array(c1 == c2, dtype='float32')\n"
             "d = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1) + 1e-7)\n"
             "loss = keras.ops.mean(y * keras.ops.square(d) + (1.0 - y) * keras.ops.square(keras.ops.maximum(2.0 - d, 0.0)))\n",
             ("TFM208",), unsafe_fixes=True),
        # the functional spelling of the TF1 original (IvanArkhipov1999/project_summer2018), the
        # margin term through a name
        Case("import keras\n"
             "labels = [1.0 if ca[i] == cb[i] else 0.0 for i in range(n)]\n"
             "d = keras.ops.sqrt(keras.ops.sum(keras.ops.power(keras.ops.subtract(o1, o2), 2), 1))\n"
             "hinge = keras.ops.power(keras.ops.maximum(0.0, keras.ops.subtract(8.0, d)), 2)\n"
             "losses = keras.ops.add(keras.ops.multiply(keras.ops.subtract(1.0, y), keras.ops.power(d, 2)),\n"
             "                       keras.ops.multiply(y, hinge))\n",
             "import keras\n"
             "labels = [1.0 if ca[i] == cb[i] else 0.0 for i in range(n)]\n"
             "d = keras.ops.sqrt(keras.ops.sum(keras.ops.power(keras.ops.subtract(o1, o2), 2), 1))\n"
             "hinge = keras.ops.power(keras.ops.maximum(0.0, keras.ops.subtract(8.0, d)), 2)\n"
             "losses = keras.ops.add(keras.ops.multiply(y, keras.ops.power(d, 2)),\n"
             "                       keras.ops.multiply(keras.ops.subtract(1.0, y), hinge))\n",
             ("TFM208",), unsafe_fixes=True),
        # operands in the other order, keras.backend spelling, margin term first
        Case("from keras import backend as K\n"
             "y_true = (ca == cb).astype('float32')\n"
             "loss = K.mean(y_true * K.square(K.maximum(1.0 - d, 0)) + (1 - y_true) * K.square(d))\n",
             "from keras import backend as K\n"
             "y_true = (ca == cb).astype('float32')\n"
             "loss = K.mean((1 - y_true) * K.square(K.maximum(1.0 - d, 0)) + y_true * K.square(d))\n",
             ("TFM208",), unsafe_fixes=True),
    ]
