"""Where tflearn code reads a layer's variables and how the Keras translation reaches them.

tflearn attaches a layer's variables to its OUTPUT tensor (``fc = fully_connected(...)``;
``fc.W``, ``fc.b``) and files them in the graph collection ``LAYER_VARIABLES/<name>``
(``tflearn.variables.get_layer_variables_by_name(name)``: ``[W, b]``, in creation order).
Keras layers hold ``kernel`` / ``bias`` (``embeddings`` for an embedding), in that order in
``layer.weights``, and a functional model finds the layer that made a tensor: the helper
``tflearn_layer_weight(model, fc, "W")`` looks it up at run time (and raises when the tensor
is not the output of a layer holding that weight, e.g. an activation applied as its own op).
Only layers whose translation keeps W/b as the Keras layer's kernel/bias, with the same
shape, are followed (``LAYERS_WITH_W``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from .flow import Flow
from ..emit import call, literal
from ..helpers import register_source
from ..translate.tflearn import Untranslatable
from .tflearn_model import TflearnProgram

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileContext

# tflearn W -> Keras kernel with the same layout ([in, out]; conv: [k.., in, out]); b -> bias
LAYERS_WITH_W = frozenset({
    "tflearn.layers.core.fully_connected", "tflearn.layers.core.single_unit",
    "tflearn.layers.conv.conv_1d", "tflearn.layers.conv.conv_2d", "tflearn.layers.conv.conv_3d",
    "tflearn.layers.embedding_ops.embedding",
})
LAYER_VARIABLES = frozenset({"tflearn.variables.get_layer_variables_by_name",
                             "tflearn.variables.get_layer_variables"})

register_source("tflearn_layers", "tflearn_layer_weight")


class TflearnVars:
    """Per-file answers: is an expression a translated tflearn layer's variable, which model
    holds it."""

    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx
        self.flow: Flow = ctx.analysis(Flow)
        self.prog: TflearnProgram = ctx.analysis(TflearnProgram)

    def _def_call(self, name: str, at: cst.CSTNode) -> tuple[cst.Call, str] | None:
        d = self.flow.def_of(name, at)
        if d is None or not isinstance(d.value, cst.Call):
            return None
        return d.value, self.ctx.legacy_name(d.value) or ""

    def models(self) -> list[str]:
        """Names of the compiled DNNs (keras.Model after TFM116) of the file."""
        names = {i.target for i in self.prog.dnns.values() if i.regression is not None and i.target}
        return sorted(names)

    def is_model(self, node: cst.BaseExpression, at: cst.CSTNode) -> str | None:
        if not isinstance(node, cst.Name):
            return None
        info = self.prog.dnn_for_receiver(node, at)
        return node.value if info is not None and info.regression is not None else None

    def model_for(self, at: cst.CSTNode, session: cst.BaseExpression | None = None) -> str:
        """The model whose variables are read at ``at``: ``session=M.session``, an enclosing
        ``with M.session.as_default():``, else the file's only DNN."""
        if session is not None:
            m = self.session_model(session, at)
            if m is None:
                raise Untranslatable("session= is not a tflearn DNN's session")
            return m
        n = self.ctx.parent(at)
        while n is not None:
            if isinstance(n, cst.With) and len(n.items) == 1:
                m = self.session_model(_as_default_of(n.items[0].item), at)
                if m is not None:
                    return m
            n = self.ctx.parent(n)
        models = self.models()
        if len(models) != 1:
            raise Untranslatable(f"{len(models)} tflearn DNNs in the file: which model holds the variable?")
        return models[0]

    def session_model(self, node: cst.BaseExpression | None, at: cst.CSTNode) -> str | None:
        """``M.session`` with M a compiled DNN -> "M"."""
        if isinstance(node, cst.Attribute) and node.attr.value == "session":
            return self.is_model(node.value, at)
        return None

    def layer_of_name(self, name: str) -> cst.Call:
        """The one tflearn layer call (of ``LAYERS_WITH_W``) with ``name=<name>``."""
        from ..cstcache import walk

        found = []
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Call) and self.ctx.legacy_name(n) in LAYERS_WITH_W:
                for a in n.args:
                    if a.keyword is not None and a.keyword.value in ("name", "scope") \
                            and literal(a.value, None) == name:
                        found.append(n)
        if len(found) != 1:
            raise Untranslatable(f"{len(found)} tflearn layers (fully_connected, conv ...) named {name!r}")
        return found[0]

    def variable(self, orig: cst.BaseExpression, updated: cst.BaseExpression, at: cst.CSTNode,
                 model: str | None = None, session: cst.BaseExpression | None = None) -> cst.BaseExpression:
        """The Keras variable for a tflearn variable expression: ``T.W`` / ``T.b`` of a
        translated layer's output, or an element of ``get_layer_variables_by_name(...)``."""
        if isinstance(orig, cst.Attribute) and orig.attr.value in ("W", "b") and isinstance(orig.value, cst.Name):
            d = self._def_call(orig.value.value, at)
            if d is None or d[1] not in LAYERS_WITH_W:
                raise Untranslatable(f"{orig.value.value} is not the output of a translated tflearn layer")
            m = model or self.model_for(at, session)
            self.ctx.use_helper("tflearn_layer_weight")
            return call("tflearn_layer_weight", cst.Name(m), cst.Name(orig.value.value),
                        cst.SimpleString(repr(orig.attr.value)))
        base = orig.value if isinstance(orig, cst.Subscript) else orig
        if isinstance(base, cst.Name):
            d = self._def_call(base.value, at)
            if d is not None and d[1] in LAYER_VARIABLES:
                return updated
        raise Untranslatable("not a variable of a translated tflearn layer (layer.W / layer.b, "
                             "get_layer_variables_by_name)")


def _as_default_of(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """``X.as_default()`` -> X."""
    if isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute) \
            and node.func.attr.value == "as_default":
        return node.func.value
    return None
