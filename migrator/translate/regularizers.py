"""tf.contrib regularizer objects -> Keras regularizers (TFM151, TFM131, TFM132)."""
from __future__ import annotations
import libcst as cst
from ..analysis.regularization import RegularizationReads


_REGULARIZERS = tuple(f"tensorflow.contrib.{m}.{k}_regularizer" for m in ("layers", "slim") for k in ("l1", "l2", "l1_l2"))


# the arguments handing a layer or a variable its regularizer
_REGULARIZER_KWS = ("weights_regularizer", "biases_regularizer", "kernel_regularizer", "bias_regularizer",
                    "regularizer", "activity_regularizer")


def kept_regularized(ctx) -> list[str]:
    """The calls handed a regularizer whose statement the rule pass has marked TODO so far (kept as
    TF1 code; the pass reaches a model's layers before the loss reading their penalties), as
    ``line N``: their penalties are in TF1's REGULARIZATION_LOSSES only, no Keras layer owns them,
    so a read of the collection must stay (TFM151, TFM130's add_n of the read)."""
    from ..cstcache import walk
    from ..emit import literal

    return [f"line {ctx.position(n)[0]}" for n in walk(ctx.module) if isinstance(n, cst.Call) and any(
        a.keyword is not None and a.keyword.value in _REGULARIZER_KWS and literal(a.value, 0) is not None
        for a in n.args) and ctx.has_todo(n)]


def held_regularizer(ctx, orig: cst.BaseExpression) -> cst.Call | None:
    """A regularizer held in a name (``reg = layers.l2_regularizer(0.1)``) or an attribute of the
    class (``self.reg = ...``, set in any method): its one definition (several allowed when they
    are the same text - a tower method setting it at every call), an l1/l2 regularizer call. Or a
    parameter of a layer helper (``analysis.regularization.RegularizerParams``): what its calls
    pass, each an l1/l2 regularizer call or None (None when every call passes None)."""
    from ..analysis.flow import Flow
    from ..cstcache import walk
    from ..emit import code, literal
    from ..translate.tflearn import Untranslatable

    values: list = []
    if type(orig) is cst.Name:
        from ..analysis.regularization import RegularizerParams

        scope = ctx.analysis(Flow).scope_of(orig)
        ds = scope.by_name.get(orig.value, ())
        if len(ds) == 1 and ds[0].index < 0 and ds[0].value is None:
            # a parameter of a layer helper: what every call of it passes (TFM151 translates those)
            passed = ctx.analysis(RegularizerParams).values(orig)
            if passed is None:
                raise Untranslatable(f"regularizer parameter {orig.value}: a call of its function is not followed")
            regs = []
            for v in passed:
                if v is None or literal(v, 0) is None:
                    continue  # None: no regularizer at that call (Keras takes None too)
                if isinstance(v, cst.Name):
                    d = ctx.analysis(Flow).def_of(v.value, v)
                    v = d.value if d is not None and len(ctx.analysis(Flow).scope_of(v).by_name.get(v.value, ())) == 1 \
                        else None
                if type(v) is not cst.Call or (ctx.legacy_name(v.func) or "") not in _REGULARIZERS:
                    raise Untranslatable(f"regularizer parameter {orig.value}: a call passes something else than "
                                         "an l1/l2_regularizer(...) or None")
                keras_regularizer(ctx, v)  # raises where that call stays TF1
                regs.append(v)
            return regs[0] if regs else None
        d = ctx.analysis(Flow).def_of(orig.value, orig)
        if d is None or len(ds) != 1:
            raise Untranslatable(f"regularizer {orig.value} is not bound once in its scope")
        values = [d.value]
    elif type(orig) is cst.Attribute and type(orig.value) is cst.Name and orig.value.value == "self":
        cls = ctx.parent(orig)
        while cls is not None and type(cls) is not cst.ClassDef:
            cls = ctx.parent(cls)
        if cls is None:
            raise Untranslatable("a regularizer held in an attribute outside a class")
        for n in walk(cls):
            if type(n) is cst.Assign and any(type(t.target) is cst.Attribute and type(t.target.value) is cst.Name
                                             and t.target.value.value == "self" and t.target.attr.value == orig.attr.value
                                             for t in n.targets):
                values.append(n.value if len(n.targets) == 1 else None)
            elif type(n) is cst.AugAssign and type(n.target) is cst.Attribute and n.target.attr.value == orig.attr.value:
                values.append(None)
    else:
        raise Untranslatable("a regularizer held in an expression")
    if not values or any(type(v) is not cst.Call for v in values) or len({code(v) for v in values}) != 1:
        raise Untranslatable("a regularizer held in a name bound to something else than one l1/l2_regularizer(...)")
    if (ctx.legacy_name(values[0].func) or "") not in _REGULARIZERS:
        raise Untranslatable("a regularizer held in a name bound to something else than one l1/l2_regularizer(...)")
    return values[0]


def _penalty_of(ctx, body: cst.BaseExpression, param: str):
    """``(kind, scale)`` of a lambda body computing an l1 / l2 penalty of ``param``: ``s *
    tf.nn.l2_loss(w)`` / ``tf.nn.l2_loss(w) * s`` / ``tf.nn.l2_loss(w)`` ("l2_loss"), ``s *
    tf.reduce_sum(tf.square(w))`` ("sum_square"), ``s * tf.reduce_sum(tf.abs(w))`` ("sum_abs");
    the scale never reads ``param``. None otherwise."""
    from ..cstcache import walk

    def of_param(c) -> str | None:
        if not isinstance(c, cst.Call) or len(c.args) != 1 or c.args[0].keyword is not None or c.args[0].star:
            return None
        q = ctx.legacy_name(c.func) or ""
        a = c.args[0].value
        if q == "tensorflow.nn.l2_loss" and isinstance(a, cst.Name) and a.value == param:
            return "l2_loss"
        if q in ("tensorflow.reduce_sum", "tensorflow.math.reduce_sum") and isinstance(a, cst.Call) \
                and len(a.args) == 1 and a.args[0].keyword is None and not a.args[0].star \
                and isinstance(a.args[0].value, cst.Name) and a.args[0].value.value == param:
            inner = ctx.legacy_name(a.func) or ""
            if inner in ("tensorflow.square", "tensorflow.math.square"):
                return "sum_square"
            if inner in ("tensorflow.abs", "tensorflow.math.abs"):
                return "sum_abs"
        return None

    kind = of_param(body)
    if kind == "l2_loss":
        return kind, None
    if isinstance(body, cst.BinaryOperation) and isinstance(body.operator, cst.Multiply):
        for term, scale in ((body.right, body.left), (body.left, body.right)):
            kind = of_param(term)
            if kind is not None and not any(isinstance(n, cst.Name) and n.value == param for n in walk(scale)):
                return kind, scale
    return None


def lambda_regularizer(ctx, node: cst.BaseExpression, orig: cst.Lambda):
    """``kernel_regularizer=lambda w: s * tf.nn.l2_loss(w)`` (and the forms of ``_penalty_of``):
    a callable TF1 applied to the kernel, its value added to REGULARIZATION_LOSSES - the Keras
    regularizer computing the same penalty (``tf.nn.l2_loss(w)`` is ``sum(w ** 2) / 2``: L2(s / 2);
    ``s * reduce_sum(square(w))``: L2(s); ``s * reduce_sum(abs(w))``: L1(s))."""
    from ..emit import call, expr, literal, to_node
    from ..translate.tflearn import Untranslatable

    params = orig.params
    if len(params.params) != 1 or params.star_arg is not cst.MaybeSentinel.DEFAULT or params.kwonly_params \
            or params.star_kwarg is not None or params.posonly_params:
        raise Untranslatable("a regularizer lambda of other than one parameter")
    found = _penalty_of(ctx, orig.body, params.params[0].name.value)
    if found is None:
        raise Untranslatable("a regularizer lambda other than s * tf.nn.l2_loss(w) / s * reduce_sum(square|abs(w))")
    kind, scale_o = found
    scale = scale_o
    if isinstance(node, cst.Lambda) and isinstance(node.body, cst.BinaryOperation) and scale_o is not None \
            and isinstance(orig.body, cst.BinaryOperation):
        scale = node.body.left if orig.body.left is scale_o else node.body.right  # (as the rule pass wrote it)
    if kind == "l2_loss":
        if scale is None:
            return call("keras.regularizers.L2", to_node(0.5))
        v = literal(scale, None)
        half = to_node(v / 2.0) if isinstance(v, (int, float)) and not isinstance(v, bool) else expr("{s} / 2", s=scale)
        return call("keras.regularizers.L2", half)
    return call("keras.regularizers.L2" if kind == "sum_square" else "keras.regularizers.L1", scale)


def keras_regularizer(ctx, node: cst.Call, orig: cst.Call | None = None):
    """``l2_regularizer(scale)`` / ``l1_regularizer(scale)`` (contrib / slim, ``node`` the call)
    -> the Keras regularizer computing the same penalty."""
    from ..translate.tflearn import Untranslatable
    from ..emit import call, expr, literal, to_node

    q = ctx.legacy_name((orig if orig is not None else node).func) or ""
    if q.endswith("l1_l2_regularizer"):
        return _l1_l2(node)
    args = [a for a in node.args if a.keyword is None or a.keyword.value == "scale"]
    if not args or any(a.keyword is not None and a.keyword.value not in ("scale", "scope") for a in node.args) \
            or len([a for a in node.args if a.keyword is None]) > 1:
        raise Untranslatable("regularizer without a scale (or with a scope)")
    scale = args[0].value
    v = literal(scale, None)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v <= 0:
        raise Untranslatable("regularizer scale 0 (TF1: no penalty at all)")
    if q.endswith("l1_regularizer"):
        return call("keras.regularizers.L1", scale)
    half = to_node(v / 2.0) if isinstance(v, (int, float)) and not isinstance(v, bool) else expr("{s} / 2", s=scale)
    # TF1's l2_regularizer(s) is s * tf.nn.l2_loss(w) = s * sum(w ** 2) / 2; Keras' L2(l) is l * sum(w ** 2)
    return call("keras.regularizers.L2", half)


def _l1_l2(node: cst.Call):
    """contrib's ``l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0)``: ``scale_l1 * sum(|w|) +
    scale_l2 * tf.nn.l2_loss(w)`` -> ``keras.regularizers.L1L2(l1=scale_l1, l2=scale_l2 / 2)``
    (Keras' l2 term is ``l2 * sum(w ** 2)``; ``tf.nn.l2_loss`` halves it)."""
    from ..emit import call, expr, literal, to_node
    from ..translate.tflearn import Untranslatable

    pos = [a.value for a in node.args if a.keyword is None]
    kw = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    if any(a.star for a in node.args) or len(pos) > 2 or set(kw) - {"scale_l1", "scale_l2", "scope"} \
            or (len(pos) > 0 and "scale_l1" in kw) or (len(pos) > 1 and "scale_l2" in kw):
        raise Untranslatable("l1_l2_regularizer with other arguments than scale_l1 / scale_l2")
    l1 = pos[0] if pos else kw.get("scale_l1", to_node(1.0))
    l2 = pos[1] if len(pos) > 1 else kw.get("scale_l2", to_node(1.0))
    v1, v2 = literal(l1, None), literal(l2, None)
    if any(isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0 for v in (v1, v2)):
        raise Untranslatable("a negative regularizer scale (TF1 raises)")
    if v1 == 0 and v2 == 0:
        raise Untranslatable("l1_l2_regularizer(0, 0): TF1 adds no penalty at all")
    half = to_node(v2 / 2.0) if isinstance(v2, (int, float)) and not isinstance(v2, bool) else expr("{s} / 2", s=l2)
    return call("keras.regularizers.L1L2", l1=l1, l2=half)


def regularizer_of(ctx, node: cst.BaseExpression | None, orig: cst.BaseExpression | None):
    """A contrib/slim ``weights_regularizer`` -> (Keras regularizer or None, note). TF1 puts the
    penalty in ``REGULARIZATION_LOSSES``; it only trains when the program adds that collection to
    its loss. Keras always adds a layer's regularization losses to the training loss, so the
    regularizer is written only when the file reads the collection (TFM151 turns the read into
    nothing), and dropped otherwise (TF1 computed it and never used it)."""
    from ..translate.tflearn import Untranslatable
    from ..emit import call, expr, literal, to_node

    if node is None or literal(node, 0) is None:
        return None, None
    if isinstance(orig, cst.Lambda):
        reg = lambda_regularizer(ctx, node, orig)  # raises where the lambda is no l1 / l2 penalty
        if not ctx.analysis(RegularizationReads).any:
            return None, "dropped: nothing in this file adds tf.GraphKeys.REGULARIZATION_LOSSES to a loss, so TF1 never trained with it"
        return reg, None
    held = None
    if not isinstance(orig, cst.Call):
        held = held_regularizer(ctx, orig)  # the name holds the Keras regularizer (translated where it is bound)
        if held is None:
            return None, None  # a helper's parameter every call leaves None: no regularizer anywhere
        orig = held
    q = ctx.legacy_name(orig.func) or ""
    short = q.rsplit(".", 1)[-1]
    if short not in ("l2_regularizer", "l1_regularizer", "l1_l2_regularizer") or not q.startswith(
            ("tensorflow.contrib.layers.", "tensorflow.contrib.slim.", "tensorflow.keras.regularizers.")):
        raise Untranslatable(f"regularizer {q or 'of unknown kind'}")
    if not ctx.analysis(RegularizationReads).any:
        return None, "dropped: nothing in this file adds tf.GraphKeys.REGULARIZATION_LOSSES to a loss, so TF1 never trained with it"
    if held is not None:
        keras_regularizer(ctx, held)  # raises where the binding stays TF1
        return node, None
    if short == "l1_l2_regularizer":
        return _l1_l2(node), None
    args = [a for a in node.args if a.keyword is None or a.keyword.value == "scale"] if isinstance(node, cst.Call) else []
    if not args:
        raise Untranslatable("regularizer without a scale")
    scale = args[0].value
    if short == "l1_regularizer":
        return call("keras.regularizers.L1", scale), None
    v = literal(scale, None)
    half = to_node(v / 2.0) if isinstance(v, (int, float)) and not isinstance(v, bool) else expr("{s} / 2", s=scale)
    # TF1's l2_regularizer(s) is s * tf.nn.l2_loss(w) = s * sum(w ** 2) / 2; Keras' L2(l) is l * sum(w ** 2)
    return call("keras.regularizers.L2", half), None
