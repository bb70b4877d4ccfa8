"""TFM171: Keras 2 backend functions (``K.sqrt``, ``K.epsilon()`` ...) -> keras.ops / keras.config."""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..diagnostics import Severity
from ..emit import call, code, expr, literal, to_node
from .base import Case, Rule

_SAME = {  # K.name(x, ...) -> keras.ops.name(x, ...) with the same arguments
    "sqrt", "square", "abs", "exp", "log", "sign", "maximum", "minimum", "tanh", "sigmoid", "relu",
    "softmax", "softplus", "softsign", "elu", "cast", "reshape", "expand_dims", "squeeze", "transpose",
    "stop_gradient", "round", "cos", "sin", "any", "all", "argmin", "argmax", "equal", "not_equal",
    "greater", "greater_equal", "less", "less_equal", "ones_like", "zeros_like", "stack", "tile",
    "repeat", "one_hot", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
}
_REDUCE = {"sum": "sum", "mean": "mean", "max": "max", "min": "min", "prod": "prod", "std": "std",
           "var": "var", "logsumexp": "logsumexp"}
_KEEP = {"clear_session", "epsilon", "floatx", "set_floatx", "image_data_format", "set_epsilon",
         "set_image_data_format", "is_keras_tensor", "random_uniform", "int_shape", "get_uid"}
_PREFIXES = ("keras.backend.", "tensorflow.keras.backend.", "keras.src.backend.")


def _last_axes(node: cst.CSTNode) -> bool:
    """``axes=`` of K.batch_dot naming the feature axis of two (batch, d) tensors: 1 or -1, or a
    pair of them (Keras 2's int means the same axis in both): the default's contraction."""
    v = literal(node, None)
    if isinstance(v, (list, tuple)) and len(v) == 2:
        return all(isinstance(a, int) and not isinstance(a, bool) and a in (1, -1) for a in v)
    return isinstance(v, int) and not isinstance(v, bool) and v in (1, -1)


class KerasBackend(Rule):
    ID = "TFM171"
    TRIGGERS = ("keras",)
    NAME = "keras-backend-ops"
    MESSAGE = "Keras 2 backend function (K.*) -> keras.ops / keras.config"
    RATIONALE = ("Keras 3's keras.backend no longer holds tensor functions; keras.ops does (backend-"
                 "neutral). K.epsilon() -> keras.config.epsilon() (1e-7 unless changed); "
                 "K.pow(x, a) -> keras.ops.power; K.dot -> keras.ops.matmul; K.concatenate(xs, axis=-1) "
                 "-> keras.ops.concatenate; K.batch_dot(x, y) of two (batch, d) tensors -> "
                 "sum(x * y, axis=1, keepdims=True) (Keras 2's result shape (batch, 1)), also with axes= naming that "
                 "feature axis (1, -1 or a pair of them), the default's contraction for such tensors; "
                 "K.l2_normalize keeps its epsilon 1e-12 on the squared norm; K.flatten -> "
                 "reshape(x, (-1,)); K.clip -> keras.ops.clip.")

    def _short(self, node: cst.CSTNode) -> str | None:
        for q in self.ctx.qualified(node):
            for p in _PREFIXES:
                if q.startswith(p):
                    return q[len(p):]
        return None

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        short = self._short(original.func)
        if short is None or "." in short:
            return updated
        try:
            out = self._translate(short, original, updated)
        except (Unbindable, ValueError) as ex:
            self.todo(original, f"K.{short}: {ex}")
            return updated
        if out is None:
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def _translate(self, short: str, original: cst.Call, updated: cst.Call):
        B = lambda sig: BoundArgs(updated, sig, original)  # noqa: E731
        if short == "epsilon":
            return call("keras.config.epsilon")
        if short in _KEEP:
            if short == "int_shape":
                return expr("tuple({x}.shape)", x=B("x").node("x"))
            if short != "clear_session" or code(original.func) == "keras.backend.clear_session":
                return None  # already the Keras 3 spelling: nothing to do (idempotence)
            return call("keras.backend.clear_session")
        if short in _SAME:
            return updated.with_changes(func=cst.parse_expression(f"keras.ops.{short}"))
        if short in _REDUCE:
            b = B("x, axis=None, keepdims=False")
            return call(f"keras.ops.{_REDUCE[short]}", b.node("x"), axis=b.node("axis") if b.given("axis") else None,
                        keepdims=b.node("keepdims") if b.given("keepdims") else None)
        if short == "pow":
            b = B("x, a")
            return call("keras.ops.power", b.node("x"), b.node("a"))
        if short == "dot":
            b = B("x, y")
            return call("keras.ops.matmul", b.node("x"), b.node("y"))
        if short == "concatenate":
            b = B("tensors, axis=-1")
            return call("keras.ops.concatenate", b.node("tensors"), axis=b.node("axis"))
        if short == "clip":
            b = B("x, min_value, max_value")
            return call("keras.ops.clip", b.node("x"), b.node("min_value"), b.node("max_value"))
        if short == "flatten":
            return call("keras.ops.reshape", B("x").node("x"), to_node((-1,)))
        if short == "batch_dot":
            b = B("x, y, axes=None")
            if b.given("axes") and not _last_axes(b.node("axes")):
                raise ValueError("axes= other than the feature axis (1 / -1 / (1, 1)) is not translated")
            self.report(original, "K.batch_dot(x, y) translated for two (batch, d) tensors: "
                        "sum(x * y, axis=1, keepdims=True)", severity=Severity.INFO)
            return expr("keras.ops.sum({x} * {y}, axis=1, keepdims=True)", x=b.node("x"), y=b.node("y"))
        if short == "l2_normalize":
            b = B("x, axis=None")
            x = b.node("x")
            if not isinstance(x, (cst.Name, cst.Attribute)):
                raise ValueError("l2_normalize of a compound expression (name it first)")
            return expr("{x} * keras.ops.rsqrt(keras.ops.maximum(keras.ops.sum(keras.ops.square({x}), axis={a}, "
                        "keepdims=True), 1e-12))", x=x, a=b.node("axis"))
        if short == "shape":
            return call("keras.ops.shape", B("x").node("x"))
        raise ValueError("no Keras 3 translation")

    VALID = ["import keras\nd = keras.ops.sqrt(x)\n"]
    INVALID = [
        Case("from keras import backend as K\n\ndef dist(v):\n    a, b = v\n"
             "    s = K.sum(K.square(a - b), axis=1, keepdims=True)\n    return K.sqrt(K.maximum(s, K.epsilon()))\n",
             "import keras\n\ndef dist(v):\n    a, b = v\n"
             "    s = keras.ops.sum(keras.ops.square(a - b), axis=1, keepdims=True)\n"
             "    return keras.ops.sqrt(keras.ops.maximum(s, keras.config.epsilon()))\n"),
        Case("import keras.backend as K\nd = 1 - K.batch_dot(a, b) / K.pow(n, 2)\n",
             "import keras\n\nd = 1 - keras.ops.sum(a * b, axis=1, keepdims=True) / keras.ops.power(n, 2)\n",
             ("TFM171",)),
        Case("from keras import backend as K\nf = K.function([a], [b])\n", None, ("TFM171",), todo=True),
        # axes= naming the feature axis of (batch, d) tensors: the default's contraction
        Case("import keras.backend as K\ns = K.batch_dot(a, b, axes=1)\nt = K.batch_dot(a, b, axes=[-1, -1])\n",
             "import keras\n\ns = keras.ops.sum(a * b, axis=1, keepdims=True)\nt = keras.ops.sum(a * b, axis=1, keepdims=True)\n",
             ("TFM171", "TFM171")),
        # another axis: a contraction over time steps, not translated
        Case("import keras.backend as K\ns = K.batch_dot(a, b, axes=[2, 1])\n", None, ("TFM171",), todo=True),
    ]


def _schedule_backend_import_removal(rule: KerasBackend, node: cst.CSTNode) -> None:
    from libcst.codemod.visitors import RemoveImportsVisitor

    from ..names import dotted

    if isinstance(node, cst.ImportFrom) and node.module is not None and not isinstance(node.names, cst.ImportStar):
        mod = dotted(node.module) or ""
        if mod in ("keras", "tensorflow.keras"):
            for a in node.names:
                if dotted(a.name) == "backend":
                    RemoveImportsVisitor.remove_unused_import(
                        rule.ctx.codemod_context, mod, "backend", dotted(a.asname.name) if a.asname else None)
    elif isinstance(node, cst.Import):
        for a in node.names:
            if (dotted(a.name) or "") in ("keras.backend", "tensorflow.keras.backend"):
                RemoveImportsVisitor.remove_unused_import(
                    rule.ctx.codemod_context, dotted(a.name), None, dotted(a.asname.name) if a.asname else None)


KerasBackend.visit_ImportFrom = _schedule_backend_import_removal  # type: ignore[attr-defined]
KerasBackend.visit_Import = _schedule_backend_import_removal  # type: ignore[attr-defined]
