"""TFM130: TF1 tensor ops (tf.reduce_*, tf.matmul, tf.nn.*, tf.concat ...) -> keras.ops."""
from __future__ import annotations

import libcst as cst

from ..analysis.loss_collection import LossesRead
from ..args import BoundArgs, Unbindable
from ..cstcache import walk
from ..emit import call, code, expr, literal, to_node
from ..helpers import HELPERS, register_source
from ..translate.tf1 import dtype_of
from ..translate.tf1_helpers import TF1_ADD
from ..translate.tflearn import Untranslatable
from .base import NOT_MINE, Case, CallRule
from ..translate.ops_calls import _BINARY, _INITIALIZERS, _REDUCE, _UNARY, _tf, OPS_CALLS

_REDUCE_SIG = ("input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, "
               "keep_dims=None")
_RANDOM_INITS = ("TruncatedNormal", "RandomNormal", "RandomUniform", "GlorotUniform", "GlorotNormal",
                 "VarianceScaling", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform")


TF1_LOG_LOSS = register_source("tf1_ops", "tf1_log_loss")
TF1_WEIGHTED_LOSS = register_source("tf1_ops", "tf1_weighted_loss")


TF1_SHAPE = register_source("tf1_ops", "tf1_shape", also=("TF1Shape",))


TF1_EYE_LIKE = register_source("tf1_ops", "tf1_eye_like", also=("TF1EyeLike",))
# tf.reshape(t, tf.shape(u)): u's static shape kept (kratzert's AlexNet conv helper reshapes its
# bias_add to the convolution's own shape)
TF1_RESHAPE_LIKE = register_source("tf1_ops", "tf1_reshape_like", also=("TF1ReshapeLike",))
# tf.reshape(t, [ways * shots, ..]) with sizes read by tf1_shape (DynamicShapes): known when the
# model runs
TF1_RESHAPE = register_source("tf1_ops", "tf1_reshape", also=("TF1Reshape",))
TF1_FULL = register_source("tf1_ops", "tf1_full", also=("TF1Full",))


# a pooling window known only at run time (a parameter, ``list(ksize)``): checked where it runs
TF1_WINDOW = register_source("tf1_ops", "tf1_window")
# tf.div on operands of a dtype known only at run time: Python 2 division
TF1_DIV = register_source("tf1_ops", "tf1_div")
# a data_format known only at run time (a conv / pool helper's parameter): NHWC checked where it runs
TF1_NHWC = register_source("tf1_ops", "tf1_nhwc")
# tf.nn.max_pool / avg_pool as a VALUE (a parameter's default, an argument): TF1's signature
TF1_POOLS = {name: register_source("tf1_ops", name, requires=("tf1_window",))
             for name in ("tf1_max_pool", "tf1_avg_pool")}


register_source("tf1_ops", "TF1RandomNormalLike")
TF1_RANDOM_NORMAL = register_source("tf1_ops", "tf1_random_normal", also=("TF1RandomNormal",))
# tf.range on a functional model's symbolic tensors (a model function): a batch size is known
# only when the model runs (tf1_shape above) - the range is computed there by a Lambda layer
TF1_RANGE = register_source("tf1_ops", "tf1_range")
TF1_TILE = register_source("tf1_ops", "tf1_tile")
# tf.split(x, n, axis) with n a name / expression: a count or a list of sizes, told when it runs
TF1_SPLIT = register_source("tf1_ops", "tf1_split")
TF1_DIAG = register_source("tf1_ops", "tf1_diag")
TF1_GATHER_ND = register_source("tf1_ops", "tf1_gather_nd")
TF1_SEQUENCE_MASK = register_source("tf1_ops", "tf1_sequence_mask")
TF1_MASKED_REDUCE = register_source("tf1_ops", "tf1_masked_reduce")
# tf.image ops of TF1's kernels: convert_image_dtype's scale, per-image standardization, the
# legacy bilinear resize (no half-pixel offset, which Keras' resize has)
TF1_CONVERT_IMAGE = register_source("tf1_ops", "tf1_convert_image_dtype")
TF1_STANDARDIZE = register_source("tf1_ops", "tf1_per_image_standardization")
TF1_RESIZE = register_source("tf1_ops", "tf1_resize_bilinear", also=("_tf1_resize_weights",))
_STANDARDIZE = "tensorflow.image.per_image_standardization"
# tf.confusion_matrix: a count of a size known when it runs (1 + the largest label / prediction)
register_source("tf1_ops", "tf1_confusion_counts")
register_source("tf1_ops", "TF1ConfusionMatrix", requires=("tf1_confusion_counts",))
TF1_CONFUSION = register_source("tf1_ops", "tf1_confusion_matrix",
                                requires=("tf1_confusion_counts", "TF1ConfusionMatrix"))
_MASKED = ("max", "min", "sum", "mean")  # reductions of a boolean_mask written with its mask


def _ops(name: str, *args, **kw) -> cst.Call:
    return call(f"keras.ops.{name}", *args, **kw)


def _method_of_class(ctx, fn) -> bool:
    """(TFM151's test) ``fn`` a method of a model class TFM144 translates: there the read becomes
    a helper's list of the class's penalties, not ``[]``."""
    return fn is not None and isinstance(ctx.parent(ctx.parent(fn)), cst.ClassDef) and bool(fn.params.params)


def _empty_regularization_read(ctx, add_n: cst.Call) -> bool:
    """``tf.add_n(<read>)`` / ``tf.add_n(reg_losses)`` with ``reg_losses = <read>`` bound once in its
    scope and never extended: ``<read>`` a REGULARIZATION_LOSSES collection read that TFM151
    turns into ``[]`` (outside a model class's method, where it becomes a helper's list)."""
    if not ctx.rule_active("TFM151") or len(add_n.args) != 1 or add_n.args[0].keyword is not None \
            or add_n.args[0].star:
        return False
    from ..translate.regularizers import kept_regularized

    if kept_regularized(ctx):
        return False  # TFM151 keeps the read (a regularized layer stays TF1)
    from ..analysis.flow import Flow
    from ..analysis.regularization import RegularizationReads
    from ..analysis.tf1_classes import TF1Classes
    from ..cstcache import walk

    reads = ctx.analysis(RegularizationReads)
    arg = add_n.args[0].value
    if isinstance(arg, cst.Name):
        flow = ctx.analysis(Flow)
        scope = flow.scope_of(arg)
        defs = scope.by_name.get(arg.value, ())
        if len(defs) != 1 or not isinstance(defs[0].value, cst.Call) or not isinstance(
                ctx.parent(defs[0].value), cst.Assign):
            return False
        for n in walk(scope.node):  # reg_losses.append(..) / .extend(..): not the read alone
            if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == arg.value \
                    and flow.scope_of(n) is scope:
                return False
            if isinstance(n, cst.AugAssign) and isinstance(n.target, cst.Name) and n.target.value == arg.value:
                return False
        arg = defs[0].value
    return isinstance(arg, cst.Call) and reads.is_read(arg) and ctx.legacy_name(arg) is not None \
        and not (ctx.legacy_name(arg) or "").endswith("get_regularization_loss") \
        and not (ctx.rule_active("TFM144") and _method_of_class(ctx, ctx.analysis(TF1Classes).class_function(arg)))


class Ops(CallRule):
    ID = "TFM130"
    TRIGGERS = ("tensorflow",)
    NAME = "tf1-ops"
    MESSAGE = "TF1 tensor op -> keras.ops"
    RATIONALE = ("keras.ops runs on every Keras 3 backend. TF1-only arguments are translated: "
                 "reduce_*'s keep_dims/reduction_indices -> keepdims/axis, softmax's dim -> axis, "
                 "tf.concat(values, axis) keeps TF1's argument order, tf.argmax without an axis "
                 "reduces axis 0 (TF1's default; keras.ops.argmax would flatten), tf.split's sizes become "
                 "keras.ops.split's cut indices, tf.add_n sums a stack, "
                 "l2_normalize keeps TF's epsilon 1e-12 on the squared norm (of an expression: keras.ops.normalize with "
                 "epsilon sqrt(1e-12), the same clamp on the norm), tf.losses.log_loss keeps its epsilon 1e-7 inside both "
                 "logarithms (tf1_log_loss; sigmoid_cross_entropy, softmax_cross_entropy and "
                 "sparse_softmax_cross_entropy: the mean of the elementwise loss), count_nonzero keeps TF1's "
                 "int64 / dtype= result, tf.cond(p, f, g) -> keras.ops.where(p, f(), g()) (both branches "
                 "computed: keras.ops.cond cannot close over a functional graph's symbolic tensors), "
                 "pooling windows [1, k, k, 1] may be built from parameters. TF1 functions passed as "
                 "values to user code (nl=tf.nn.relu, a default tf.identity) become the keras.ops "
                 "function (identity: keras.activations.linear). A sum whose right operand may be a column "
                 "(expand_dims, reshape, a keepdims reduction, x[:, None]) and a model class's tensor sums -> "
                 "tf1_add (x - (-y), the same float): Keras 3's add on the TensorFlow backend takes (n, n) + (n, 1) "
                 "for a bias add and adds along the last axis. tf.reduce_max / min / sum / mean of a tf.boolean_mask "
                 "selection (the whole of it) -> tf1_masked_reduce: the masked-out elements become the reduction's "
                 "identity (-inf, +inf, 0; the mean divides by the count kept), TF1's value for an empty mask too. "
                 "tf.confusion_matrix(labels, predictions[, num_classes, dtype, name, weights]) -> "
                 "tf1_confusion_matrix: TF1's [n, n] count (n = num_classes or 1 + the largest label / "
                 "prediction, computed when the model runs; a layer on a functional model's symbolic tensors). "
                 "tf.diag(d) -> tf1_diag (TF1's rank-2k tensor with d on its diagonal; keras.ops.diag of a matrix "
                 "would extract instead), tf.zeros / tf.ones(shape[, dtype]) -> keras.ops.zeros / ones with TF1's "
                 "float32 default, tf.nn.embedding_lookup(table, ids) of a table computed by such an op (a one-hot "
                 "tf.diag(tf.ones([n])), not a variable: TFM135's Embedding layer) -> keras.ops.take(table, ids, "
                 "axis=0). "
                 "tf.map_fn and any other tf.boolean_mask stay, marked with why. "
                 "TF 0.x code (removed in TF 1.0): the renamed ops (tf.sub, tf.mul, tf.neg, tf.inv, tf.pack, "
                 "tf.unpack, tf.select: names.TF0_RENAMES) are their TF 1 ops; tf.concat(concat_dim, values) and "
                 "tf.split(split_dim, num_split, value) - an int first - keep TF 0.x's argument order; the "
                 "cross-entropies called positionally read TF 0.x's (logits, labels). "
                 "tf.nn.weighted_cross_entropy_with_logits(z, x, q) -> binary_crossentropy(z, x) + "
                 "(q - 1) * z * softplus(-x) (TF's formula); an activation compared with a TF1 function "
                 "(act == tf.nn.relu) is compared with the keras.ops function it is passed as. "
                 "tf.convert_to_tensor(v[, dtype]) / tf.dtypes.cast -> keras.ops.convert_to_tensor / cast. "
                 "== / != with a TF1 tensor on a side (a TF1 op's result, or an argument of a @tf.function) "
                 "stays, marked: TF1 graphs compared tensor OBJECTS (a Python bool), Keras 3 / TF2 compare "
                 "values. tf.image.convert_image_dtype (to a float), per_image_standardization (also "
                 "tf.map_fn of it over a batch) and resize_images / resize_bilinear (TF1's bilinear kernel: "
                 "no half-pixel offset, unlike Keras' resize) -> tf1_* helpers with TF1's numbers.")
    # TF1 ops with no faithful Keras 3 form in a functional model: kept, marked with the reason
    _NOT_TRANSLATED = {
        "tensorflow.map_fn": "a functional model's tensors are symbolic while it is built: keras.ops.map "
                             "cannot run a function reading them from its closure nor a "
                             "loop over tf.range(batch size); write the per-row computation with masks over "
                             "the whole batch (reduce_max(mask * d, axis=1))",
        "tensorflow.boolean_mask": "its length depends on the data and Keras 3 has no such op; when only a "
                                   "reduction of it is used, reduce keras.ops.where(mask, x, -inf / +inf / 0) "
                                   "instead",
    }
    # (embedding_lookup is this rule's only for a table an op computes - see _computed_table; it is
    # not in OPS_CALLS, which TFM135 reads as "ops that read a variable's value directly")
    CALLS = OPS_CALLS + ("tensorflow.nn.embedding_lookup",) + tuple(_NOT_TRANSLATED)

    def translate(self, qname: str, original: cst.Call, updated: cst.Call):
        if qname == "tensorflow.boolean_mask" and self._masked_reduction(original) is not None:
            return updated  # the reduction around it writes both (tf1_masked_reduce)
        if qname == "tensorflow.map_fn" and self._standardized_batch(original):
            # tf.map_fn(tf.image.per_image_standardization, images): each image standardized over
            # its own last three axes - what the helper does to the whole batch at once
            self.ctx.add_import("keras")
            self.ctx.count(self)
            return call(self.ctx.use_helper("tf1_per_image_standardization"), updated.args[1].value)
        if qname in self._NOT_TRANSLATED:
            self.todo(original, f"{qname.replace('tensorflow', 'tf', 1)}: {self._NOT_TRANSLATED[qname]}")
            return None
        if qname[len("tensorflow."):] in _INITIALIZERS:
            return self._initializer(original, updated)
        if qname == "tensorflow.shape" and self._reshaped_like(original):
            return updated  # the tf.reshape around it writes both (tf1_reshape_like)
        if qname == "tensorflow.shape" and len(updated.args) == 1 and updated.args[0].keyword is None:
            from ..analysis.tf1_classes import TF1Classes

            if self.ctx.analysis(TF1Classes).class_function(original) is not None:
                # a model class's graph: built from keras.Input tensors, whose batch size is None
                self.ctx.use_helper("tf1_shape")
                self.ctx.add_import("keras")
                self.ctx.count(self)
                return call("tf1_shape", updated.args[0].value)
        try:
            out = self.build(qname[len("tensorflow."):], original, updated)
        except (Unbindable, Untranslatable, ValueError) as ex:
            self.todo(original, f"{qname.replace('tensorflow', 'tf', 1)}: {ex}")
            return None
        if out is NOT_MINE:
            return out
        if out is not None:
            self.ctx.add_import("keras")
            self.ctx.count(self)
        return out

    @staticmethod
    def _shaped_list_constant(b, dt):
        """``tf.constant([..], shape=[..])`` with literal numbers and a literal shape (the AlexNet /
        VGG mean ``tf.constant([123.68, 116.779, 103.939], shape=[1, 1, 1, 3])``): TF1 takes the
        list's elements in order (as many as the shape holds: a reshape; ONE element: filled
        with it). A shorter list (TF1 repeats its last element) or anything not literal: TODO."""
        value, shape = literal(b.node("value"), None), literal(b.node("shape"), None)

        def flat(v):
            return [x for e in v for x in flat(e)] if isinstance(v, (list, tuple)) else [v]

        if isinstance(value, (list, tuple)) and isinstance(shape, (list, tuple)) \
                and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
            items = flat(value)
            size = 1
            for d in shape:
                size *= d
            if items and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in items):
                if len(items) == size:
                    return _ops("reshape", _ops("convert_to_tensor", b.node("value"), dtype=dt), b.node("shape"))
                if len(items) == 1:
                    return _ops("full", b.node("shape"), to_node(items[0]), dtype=dt)
        raise Untranslatable("tf.constant(value, shape=...) of a non-scalar value other than a literal list "
                             "of as many numbers as the literal shape holds (or one)")

    def _reshaped_like(self, shape_call: cst.Call) -> bool:
        """Is ``shape_call`` the ``tf.shape(u)`` of a ``tf.reshape(t, tf.shape(u))``?"""
        arg = self.ctx.parent(shape_call)
        outer = self.ctx.parent(arg) if isinstance(arg, cst.Arg) else None
        return isinstance(outer, cst.Call) and self.ctx.legacy_name(outer) == "tensorflow.reshape" \
            and self._shape_of_tensor(outer)

    def _shape_of_tensor(self, original: cst.Call) -> bool:
        """Is ``original`` ``tf.reshape(t, tf.shape(u))``: the shape argument a ``tf.shape``
        call of one positional argument ``u`` without calls in it (names, attributes)?"""
        from ..analysis.tf1_program import _arg

        shape = _arg(original, 1, "shape")
        if not isinstance(shape, cst.Call) or self.ctx.legacy_name(shape) != "tensorflow.shape" \
                or len(shape.args) != 1 or shape.args[0].keyword is not None or shape.args[0].star:
            return False
        if any(a.star for a in original.args) or len(original.args) > 3:
            return False
        return not any(isinstance(n, cst.Call) for n in walk(shape.args[0].value))

    def _initializer(self, original: cst.Call, updated: cst.Call):
        """A TF1 initializer assigned to a name (or a parameter's default) -> the Keras initializer with TF1's defaults. An
        unseeded one gets ``seed=keras.random.SeedGenerator()``: TF1 draws new values for every
        variable it initializes, while an unseeded Keras 3 initializer instance fixes an integer
        seed once and returns the SAME values for every weight of the same shape it is shared by."""
        from ..translate.tf1 import initializer_of

        parent = self.ctx.parent(original)
        if not (isinstance(parent, (cst.Assign, cst.Return)) or (isinstance(parent, cst.Param) and parent.default is original)
                or (type(parent) is cst.Lambda and parent.body is original)):
            # (a lambda / function returning a new one per call: TF-Slim's
            # ``trunc_normal = lambda stddev: tf.truncated_normal_initializer(0.0, stddev)``)
            return None  # inside a layer / get_variable call: that rule reads the TF1 call
        try:
            out = initializer_of(self.ctx, updated, original)
        except (Unbindable, Untranslatable, ValueError) as ex:
            self.todo(original, f"initializer: {ex}")
            return None
        if isinstance(out, cst.SimpleString):
            out = call(f"keras.initializers.{literal(out).capitalize()}")
        if isinstance(out, cst.Call) and isinstance(out.func, cst.Attribute) and out.func.attr.value in _RANDOM_INITS \
                and not any(a.keyword is not None and a.keyword.value == "seed" for a in out.args):
            out = out.with_changes(args=[*out.args, cst.Arg(
                expr("keras.random.SeedGenerator()"), keyword=cst.Name("seed"),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))])
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    # TF1 functions passed as VALUES to user code (``nl=tf.nn.relu`` / a default ``nl=tf.identity``):
    # the keras.ops function computing the same (tf.identity: keras.activations.linear, x unchanged)
    _REFERENCES = {**{_tf(k): f"keras.ops.{v}" for k, v in _UNARY.items()
                      if v not in ("shape", "zeros_like", "ones_like", "stop_gradient")},
                   _tf("nn.softmax"): "keras.ops.softmax", _tf("nn.log_softmax"): "keras.ops.log_softmax",
                   _tf("nn.leaky_relu"): None, _tf("identity"): "keras.activations.linear"}

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation):
        """``a + b`` of two TF1 tensors in a model class's graph (symbolic Keras tensors), or
        anywhere when ``b`` may be a column (:meth:`_broadcast_operand`) -> ``tf1_add(a, b)``:
        Keras 3's add on the TensorFlow backend (``+`` of Keras tensors, keras.ops.add) takes a
        (1, n) + (n, 1) or an (n, n) + (n, 1) sum for a bias add when n is known and adds along
        the last axis - a pairwise ``expand_dims(s, 0) + expand_dims(s, 1)`` came out wrong, and
        omoindrot's ``expand_dims(sq, 0) - 2.0 * dot + expand_dims(sq, 1)`` gave an asymmetric
        distance matrix (a functional model runs with the batch size known)."""
        if not isinstance(original.operator, cst.Add):
            return updated
        from ..analysis.tf1_classes import TF1Classes

        in_class = self.ctx.analysis(TF1Classes).class_function(original) is not None
        # anywhere (arithmetic operands too): when the right operand may be broadcast along a
        # leading axis (an expand_dims / reshape / keepdims reduction / ``[:, None]``: omoindrot's
        # ``expand_dims(sq, 0) - 2.0 * dot + expand_dims(sq, 1)``, whose (n, n) + (n, 1) Keras'
        # add also takes for a bias add, adding along the last axis)
        if not (in_class and self._tf1_tensor(original.left, arith=False)
                and self._tf1_tensor(original.right, arith=False)) \
                and not (self._broadcast_operand(original.right) and self._tf1_tensor(original.left)
                         and self._tf1_tensor(original.right)):
            return updated
        self.ctx.use_helper("tf1_add")
        self.ctx.count(self)
        return call("tf1_add", updated.left, updated.right)

    _KEEPDIMS_REDUCTIONS = {_tf(n) for n in ("reduce_max", "reduce_min", "reduce_sum", "reduce_mean", "reduce_prod",
                                             "reduce_logsumexp", "math.reduce_max", "math.reduce_min",
                                             "math.reduce_sum", "math.reduce_mean", "norm")}

    def _broadcast_operand(self, node, depth: int = 0, seen: frozenset = frozenset()) -> bool:
        """``node`` may hold a size-1 axis before its last one (a column): a TF1 expand_dims /
        reshape, a reduction with keepdims, a subscript adding an axis (``x[:, None]``),
        arithmetic with one, or a name some binding of which is one."""
        if depth > 6:
            return False
        if isinstance(node, cst.Call):
            q = self.ctx.legacy_name(node) or ""
            if q in (_tf("expand_dims"), _tf("reshape")):
                return True
            return q in self._KEEPDIMS_REDUCTIONS and any(
                a.keyword is not None and a.keyword.value in ("keepdims", "keep_dims") and literal(a.value, None) is True
                for a in node.args)
        if isinstance(node, cst.Subscript):
            return any(isinstance(e.slice, cst.Index) and isinstance(e.slice.value, cst.Name)
                       and e.slice.value.value == "None" for e in node.slice)
        if isinstance(node, cst.BinaryOperation):
            return self._broadcast_operand(node.left, depth + 1, seen) or \
                self._broadcast_operand(node.right, depth + 1, seen)
        if not isinstance(node, cst.Name) or node.value in seen:
            return False
        from ..analysis.flow import Flow

        defs = self.ctx.analysis(Flow).scope_of(node).by_name.get(node.value, ())
        return any(d.value is not None and self._broadcast_operand(d.value, depth + 1, seen | {node.value})
                   for d in defs)

    def _tf1_tensor(self, node, depth: int = 0, seen: frozenset = frozenset(), arith: bool = True) -> bool:
        """``node`` is a TF1 op's result: a TF1 call, arithmetic with one (``a - 2.0 * dot``), or
        a name every binding of which (in its scope, none a parameter) is one."""
        if depth > 6:
            return False
        if isinstance(node, cst.Call):
            if (self.ctx.legacy_name(node) or "").startswith("tensorflow."):
                return True
            return self._tf1_function(node, depth, seen)
        if arith and isinstance(node, cst.BinaryOperation) and isinstance(
                node.operator, (cst.Add, cst.Subtract, cst.Multiply, cst.Divide)):
            return self._tf1_tensor(node.left, depth + 1, seen) or self._tf1_tensor(node.right, depth + 1, seen)
        if not isinstance(node, cst.Name) or node.value in seen:
            return False  # (a name read in its own rebinding, ``d = d + eps``: its other bindings decide)
        from ..analysis.flow import Flow

        scope = self.ctx.analysis(Flow).scope_of(node)
        defs = scope.by_name.get(node.value, ())
        inner = seen | {node.value}
        if len(defs) == 1 and defs[0].index < 0 and isinstance(defs[0].stmt, cst.FunctionDef):
            args = self._parameter_args(defs[0].stmt, node.value)
            return bool(args) and all(self._tf1_tensor(a, depth + 1, inner) for a in args)
        return bool(defs) and all(d.index >= 0 and d.value is not None and not isinstance(d.stmt, (cst.With, cst.For))
                                  and (self._tf1_tensor(d.value, depth + 1, inner, arith)
                                       or self._unpacked_tf1_tensor(d, node.value, depth, inner)) for d in defs)

    def _unpacked_tf1_tensor(self, d, name: str, depth: int, seen: frozenset) -> bool:
        """``logits, features = net(x)``: ``name`` an element of a tuple target bound from a call
        of the file's own module function every ``return`` of which is a tuple display of that
        length whose element there is a TF1 op's result."""
        from ..analysis.flow import Flow

        st = d.stmt
        small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and small.value is d.value
                and isinstance(small.targets[0].target, (cst.Tuple, cst.List)) and isinstance(d.value, cst.Call)):
            return False
        els = small.targets[0].target.elements
        if any(not isinstance(e.value, cst.Name) for e in els):
            return False
        i = next((k for k, e in enumerate(els) if e.value.value == name), None)
        flow = self.ctx.analysis(Flow)
        f = d.value.func
        fn = flow.functions.get(f.value) if isinstance(f, cst.Name) else None
        if i is None or fn is None or fn.decorators:
            return False
        rets = [r for r in walk(fn.body) if isinstance(r, (cst.Return, cst.Yield, cst.FunctionDef, cst.Lambda))]
        return bool(rets) and all(
            isinstance(r, cst.Return) and isinstance(r.value, cst.Tuple) and len(r.value.elements) == len(els)
            and not any(isinstance(e, cst.StarredElement) for e in r.value.elements)
            and self._tf1_tensor(r.value.elements[i].value, depth + 1, seen)
            and not self._sequence(r.value.elements[i].value, depth + 1) for r in rets)

    def _parameter_args(self, fn: cst.FunctionDef, name: str) -> list | None:
        """What every call of a module function in the file passes its parameter ``name`` (never
        rebound in it: its one binding), or None (a call not followed: the function handed on, an
        argument not bound)."""
        from ..args import bind_def
        from ..cstcache import read_names_of

        if not any(fn is s for s in self.ctx.module.body):
            return None
        uses = [n for n in read_names_of(self.ctx.module, fn.name.value) if n is not fn.name]
        out = []
        for n in uses:
            c = self.ctx.parent(n)
            if not (isinstance(c, cst.Call) and c.func is n):
                return None
            bound = bind_def(fn, c)
            if bound is None or name not in bound:
                return None
            out.append(bound[name])
        return out or None

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison):
        """``a == b`` / ``a != b`` with a TF1 tensor on either side: TF1 graphs compare tensors by
        object identity (tensor equality is a TF2 behaviour), so the value is a Python bool - False
        for two tensors, whatever they hold; Keras 3 / TF2 compare the values element-wise. Marked
        (the TF1 value is rarely what the program meant; keras.ops.equal is the value comparison)."""
        left = original.left
        for t in original.comparisons:
            if isinstance(t.operator, (cst.Equal, cst.NotEqual)) and any(
                    self._tf1_tensor(x) or self._tf_function_tensor(x) for x in (left, t.comparator)):
                op = "==" if isinstance(t.operator, cst.Equal) else "!="
                self.todo(original, f"{op} of a TF1 tensor: TF1 compared tensors by identity (a Python bool, "
                          "False for two tensors whatever their values); Keras 3 / TF2 compare the values "
                          f"element-wise (keras.ops.{'equal' if op == '==' else 'not_equal'}), another result")
                return updated
            left = t.comparator
        return updated

    def _tf_function_tensor(self, node) -> bool:
        """A parameter (or an index of one: ``labels[0]``) of the ``@tf.function`` function around
        ``node``: a graph function's arguments are tensors (tf.data's ``map`` calls it with them)."""
        while isinstance(node, cst.Subscript):
            node = node.value
        if not isinstance(node, cst.Name):
            return False
        p = self.ctx.parent(node)
        while p is not None and not isinstance(p, cst.FunctionDef):
            p = self.ctx.parent(p)
        if p is None or not any("tensorflow.function" in self.ctx.qualified(
                d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) for d in p.decorators):
            return False
        return node.value in {a.name.value for a in p.params.params + p.params.posonly_params + p.params.kwonly_params}

    def _tf1_function(self, node: cst.Call, depth: int, seen: frozenset) -> bool:
        """A call of the file's own module-level function (a layer helper, ``fc_layer(x, 64, 32,
        'fc1')``) every ``return`` of which gives a TF1 op's result."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        fn = flow.functions.get(node.func.value) if isinstance(node.func, cst.Name) else None
        if fn is None or fn.decorators or flow.scope_of(node).by_name.get(node.func.value) \
                and flow.scope_of(node).node is not self.ctx.module:
            return False
        rets = [r for r in walk(fn.body) if isinstance(r, (cst.Return, cst.Yield, cst.FunctionDef, cst.Lambda))]
        return bool(rets) and all(isinstance(r, cst.Return) and r.value is not None
                                  and self._tf1_tensor(r.value, depth + 1, seen)
                                  and not self._sequence(r.value, depth + 1) for r in rets)

    # TF1 calls whose result is a Python list / tuple of tensors (a slice of it stays a list slice)
    _SEQUENCES = {_tf(n) for n in ("split", "unstack", "unpack", "gradients", "get_collection", "trainable_variables",
                                   "global_variables", "all_variables", "local_variables", "meshgrid",
                                   "dynamic_partition", "nn.moments", "nn.top_k", "unique", "unique_with_counts",
                                   "while_loop", "py_func", "map_fn", "nn.static_rnn", "nn.dynamic_rnn",
                                   "nn.bidirectional_dynamic_rnn", "nn.static_bidirectional_rnn", "contrib.rnn.static_rnn",
                                   "tuple", "identity_n", "batch", "shuffle_batch", "train.batch", "train.shuffle_batch",
                                   "train.slice_input_producer", "nn.ctc_beam_search_decoder", "svd", "linalg.svd",
                                   "nn.sufficient_statistics", "variable_axis_size_partitioner")}

    def _sequence(self, node, depth: int = 0) -> bool:
        """``node`` may be a Python list / tuple: a name some binding of which is such a TF1 call's
        result (or is not a TF1 call at all)."""
        if isinstance(node, cst.Call):
            return (self.ctx.legacy_name(node) or "") in self._SEQUENCES
        if not isinstance(node, cst.Name) or depth > 6:
            return True
        from ..analysis.flow import Flow

        defs = self.ctx.analysis(Flow).scope_of(node).by_name.get(node.value, ())
        if len(defs) == 1 and defs[0].index < 0 and isinstance(defs[0].stmt, cst.FunctionDef):
            # a parameter: a list where some call passes one (``def triplet_loss(e)`` called with a tensor)
            args = self._parameter_args(defs[0].stmt, node.value)
            return args is None or any(self._sequence(a, depth + 1) for a in args)
        return any(d.value is None or (isinstance(d.value, (cst.Call, cst.Name)) and self._sequence(d.value, depth + 1))
                   for d in defs)

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        """``t[a:b]`` of a TF1 tensor -> ``t[a:b, ...]``: the same rows of the same array (numpy /
        TF indexing), but Keras 3's symbolic tensors take a slice only inside a tuple key (a bare
        slice raises "Unsupported key type for array slice") - a stacked batch sliced into thirds,
        ``embedding[:third]``. Not where the value may be a Python list (tf.split's, a name some
        binding of which is not a TF1 call)."""
        if len(original.slice) != 1 or not isinstance(original.slice[0].slice, cst.Slice):
            return updated
        if not self._tf1_tensor(original.value) or self._sequence(original.value):
            return updated
        self.ctx.count(self)
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return updated.with_changes(slice=[updated.slice[0].with_changes(comma=comma),
                                           cst.SubscriptElement(cst.Index(cst.Ellipsis()))])

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        parent = self.ctx.parent(original)
        if isinstance(parent, cst.Param) and parent.default is original:
            pass
        elif isinstance(parent, cst.Arg) and parent.value is original:
            c = self.ctx.parent(parent)
            if not isinstance(c, cst.Call) or self.ctx.legacy_name(c.func) is not None:
                return updated  # an argument of a TF1/tflearn call: that call's rule reads it
        elif self._compared(original, parent):
            # ``if activation_function == tf.nn.relu:`` in a layer helper that is passed the same
            # function (translated as a value above): compared with the SAME keras.ops function
            q = self.ctx.legacy_name(original)
            target = self._REFERENCES.get(q) if q else None
            if target is None and q == _tf("nn.leaky_relu"):
                target = "keras.ops.leaky_relu"  # never passed translated: the test stays False
            if target is None:
                return updated
            self.ctx.add_import("keras")
            self.ctx.count(self)
            return expr(target)
        elif not ((isinstance(parent, cst.Assign) and parent.value is original)
                  or (isinstance(parent, cst.DictElement) and parent.value is original)):
            return updated
        q = self.ctx.legacy_name(original)
        pool = self._POOL_REFERENCES.get(q) if q else None
        if pool is not None:  # ``pool_type=tf.nn.max_pool``: a helper taking TF1's arguments
            self.ctx.use_helper(pool)
            self.ctx.count(self)
            return cst.Name(pool)
        target = self._REFERENCES.get(q) if q else None
        if target is None:
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return expr(target)

    _POOL_REFERENCES = {_tf("nn.max_pool"): "tf1_max_pool", _tf("nn.avg_pool"): "tf1_avg_pool"}

    @staticmethod
    def _tf0_xent(call: cst.Call) -> bool:
        """A cross-entropy ``*_with_logits`` called with POSITIONAL arguments: TF 0.x's order
        ``(logits, labels | targets)`` (TF 1.0 put a ``_sentinel`` first, which refuses them)."""
        if any(a.keyword is not None and a.keyword.value == "targets" for a in call.args):
            return True  # sigmoid_cross_entropy_with_logits(logits=, targets=): TF 0.x's keyword
        return bool(call.args) and call.args[0].keyword is None and not call.args[0].star

    def _fixed_batch_reshape(self) -> bool:
        """The file reshapes a tensor to a FIXED leading size (``tf.reshape(x, [batch_size, 8, 8,
        1])``, not -1): in TF1 that tensor's static batch is known while a placeholder's is None."""
        cached = getattr(self, "_fixed_reshape_cache", None)
        if cached is not None and cached[0] is self.ctx.module:
            return cached[1]
        from ..cstcache import walk

        found = False
        for n in walk(self.ctx.module):
            if not (isinstance(n, cst.Call) and self.ctx.legacy_name(n.func) in ("tensorflow.reshape",)):
                continue
            shape = n.args[1].value if len(n.args) > 1 and n.args[1].keyword is None else next(
                (a.value for a in n.args if a.keyword is not None and a.keyword.value == "shape"), None)
            if isinstance(shape, (cst.List, cst.Tuple)) and shape.elements \
                    and not isinstance(shape.elements[0], cst.StarredElement) \
                    and literal(shape.elements[0].value, "?") not in (-1, None):
                found = True
                break
        self._fixed_reshape_cache = (self.ctx.module, found)
        return found

    @staticmethod
    def _xent_args(b: BoundArgs, labels: str) -> tuple:
        if not (b.given(labels) and b.given("logits")):
            raise Untranslatable("a cross-entropy without both labels and logits")
        return b.node(labels), b.node("logits")

    @staticmethod
    def _tf0_order(call: cst.Call, first_kw: str, other_kws: tuple[str, ...]) -> bool:
        """TF 0.x's argument order (``tf.concat(1, [a, b])``, ``tf.split(3, 3, x)``): the old
        keyword (``concat_dim=`` / ``split_dim=`` / ``num_split=``) is given, or the first
        positional argument is an integer literal - in TF >= 1.0 the first argument is the
        tensor(s), never an int."""
        kws = {a.keyword.value for a in call.args if a.keyword is not None}
        if first_kw in kws or any(k in kws for k in other_kws if k != "values"):
            return True
        if not call.args or call.args[0].keyword is not None or call.args[0].star:
            return False
        v = literal(call.args[0].value, None)
        return isinstance(v, int) and not isinstance(v, bool)

    def _compared(self, node: cst.Attribute, parent) -> bool:
        """``node`` is a side of an ``==`` / ``!=`` / ``is`` / ``is not`` comparison."""
        ops = (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot)
        if isinstance(parent, cst.ComparisonTarget) and parent.comparator is node:
            return isinstance(parent.operator, ops)
        if isinstance(parent, cst.Comparison) and parent.left is node:
            return all(isinstance(t.operator, ops) for t in parent.comparisons)
        return False

    def _free_filter(self, node) -> bool:
        """A conv2d filter TFM135 makes a TF1Variable layer (a get_variable / tf.Variable filter two
        towers apply): the convolution is keras.ops.conv over it. Any other filter is another
        rule's (a layer's kernel, a variable object's) or stays TF1 (TFM100 marks it)."""
        from ..analysis.flow import Flow
        from ..analysis.handmade_layers import HandmadeLayersAnalysis

        if not isinstance(node, cst.Name):
            return False  # (``weights['wc1']``, ``self.W``: TFM135's layers, or TF1 code TFM100 marks)
        d = self.ctx.analysis(Flow).def_of(node.value, node)
        v = d.value if d is not None else None
        if not (isinstance(v, cst.Call) and self.ctx.legacy_name(v) in ("tensorflow.get_variable", "tensorflow.Variable")):
            return False  # (a value a function returns: TFM154's variable objects, TFM135's helpers)
        return self.ctx.rule_active("TFM135") and id(v) in self.ctx.analysis(HandmadeLayersAnalysis).free_variable_calls()

    def _window(self, b: BoundArgs, n: str, original: cst.Call) -> cst.BaseExpression:
        """TF1 pooling ``ksize`` / ``strides`` -> Keras' ``(h, w)``: an int, a ``[1, h, w, 1]``
        list whose h / w may be any expressions (``[1, k, k, 1]`` with ``k`` a parameter), or a
        name bound once, before, to such a list of literals / names bound once."""
        node = b.node(n)
        v = literal(node, None)
        if isinstance(v, int):
            return to_node((v, v))
        if isinstance(node, cst.Name):
            from ..translate.tf1 import static_list

            found = static_list(self.ctx, b.orig(n), original)
            node = found if found is not None else node
        if isinstance(node, (cst.List, cst.Tuple)) and len(node.elements) == 4 \
                and not any(isinstance(e, cst.StarredElement) for e in node.elements) \
                and literal(node.elements[0].value, None) == 1 and literal(node.elements[3].value, None) == 1:
            h, w = node.elements[1].value, node.elements[2].value
            return cst.Tuple([cst.Element(h.deep_clone() if h is w else h), cst.Element(w)])
        if isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
            # an int or a list known only at run time (a parameter, list(ksize)): the helper
            # takes [1, h, w, 1] or an int and raises on anything else (never a silent window)
            self.ctx.use_helper("tf1_window")
            return call("tf1_window", node)
        raise Untranslatable(f"{n} not [1, h, w, 1] (or an int)")

    def _in_model_function(self, node) -> bool:
        """``node`` is inside a function of the file that builds the model (applies or creates
        parameters: TF1Program.trainable_functions) - it runs on a functional model's symbolic
        tensors, whose batch size is known only when the model runs."""
        from ..analysis.tf1_program import TF1Program

        fn = self.ctx.parent(node)
        while fn is not None and not isinstance(fn, cst.FunctionDef):
            fn = self.ctx.parent(fn)
        return fn is not None and fn.name.value in self.ctx.analysis(TF1Program).trainable_functions()

    def _dynamic(self, original: cst.Call, which: str) -> bool:
        """A ``tf.shape`` call / ``tf.reshape`` of DynamicShapes: sizes read while a model is built
        that only reach sizes the tf1_* helpers take."""
        from ..analysis.dynamic_shapes import DynamicShapes

        return id(original) in getattr(self.ctx.analysis(DynamicShapes), which)

    def _initial_draw(self, original: cst.Call) -> bool:
        """A random draw TFM162 makes a keras.Variable's initial value (its own translation)."""
        if not self.ctx.rule_active("TFM162"):
            return False
        from ..analysis.variable_program import VariableProgram

        return (self.ctx.rule_active("TFM162") and self.ctx.analysis(VariableProgram).ok) and id(original) in self.ctx.analysis(VariableProgram).random_inits

    def _drawn_once(self, original: cst.Call) -> bool:
        """A random draw bound to a name that only becomes one tf.Variable's initial value (TFM190's)."""
        if not self.ctx.rule_active("TFM190"):
            return False
        from ..analysis.drawn_initial_values import DrawnInitialValues

        return id(original) in self.ctx.analysis(DrawnInitialValues).calls

    _LIST_MAKERS = {f"tensorflow.{m}.{f}" for m in ("nn", "contrib.rnn", "compat.v1.nn")
                    for f in ("static_rnn", "static_bidirectional_rnn")} | {"tensorflow.split", "tensorflow.unstack"}

    def _list_of_tensors(self, node) -> bool:
        """``node`` a name bound in its function (or the module) only to Python LISTs of tensors:
        the outputs of ``static_rnn`` / ``static_bidirectional_rnn`` (the first of the unpacked
        values) or of ``tf.split`` / ``tf.unstack``. TF1's reductions packed such a list
        (convert_to_tensor stacks on a new axis 0: THTBSE's ``reduce_mean(outputs, 0)`` averages
        over time); keras.ops reductions need the stack written."""
        if not isinstance(node, cst.Name):
            return False
        scope = self.ctx.parent(node)
        while scope is not None and not isinstance(scope, (cst.FunctionDef, cst.Module)):
            scope = self.ctx.parent(scope)
        if scope is None:
            return False
        if isinstance(scope, cst.FunctionDef) and any(
                p.name.value == node.value for p in (*scope.params.params, *scope.params.posonly_params,
                                                    *scope.params.kwonly_params)):
            return False  # a parameter (``x = tf.unstack(x)``: the tensor before it is rebound)
        binds = []
        for n in walk(scope):
            if isinstance(n, (cst.FunctionDef, cst.ClassDef)) and n is not scope:
                continue  # (walk descends anyway; the name test below is per assignment)
            if isinstance(n, (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.For, cst.WithItem)):
                targets = ([t.target for t in n.targets] if isinstance(n, cst.Assign)
                           else [getattr(n, "target", None) or getattr(getattr(n, "asname", None), "name", None)])
                for t in targets:
                    if isinstance(t, cst.Name) and t.value == node.value:
                        binds.append((n, None))
                    elif isinstance(t, (cst.Tuple, cst.List)):
                        for i, el in enumerate(t.elements):
                            if isinstance(el.value, cst.Name) and el.value.value == node.value:
                                binds.append((n, i))
        if not binds:
            return False
        for st, i in binds:  # (each binding: ``if bidirectional: outputs, _, _ = static_bidirectional_rnn
            #  (...) else: outputs, _ = static_rnn(...)`` binds a list either way)
            if not isinstance(st, cst.Assign) or not isinstance(st.value, cst.Call):
                return False
            q = self.ctx.legacy_name(st.value) or ""
            if q not in self._LIST_MAKERS or not ((i == 0) if q.rsplit(".", 1)[1].startswith("static_") else i is None):
                return False
        return True

    def _standardized_batch(self, original: cst.Call) -> bool:
        """``tf.map_fn(tf.image.per_image_standardization, images)`` (positional, nothing else)."""
        a = original.args
        return len(a) == 2 and all(x.keyword is None and not x.star for x in a) \
            and isinstance(a[0].value, cst.Attribute) and self.ctx.legacy_name(a[0].value) == _STANDARDIZE

    def _packed(self, b: BoundArgs, param: str) -> cst.BaseExpression:
        """Argument ``param`` of a TF1 op, stacked when it names a list of tensors (``_list_of_tensors``):
        TF1's convert_to_tensor packed it (``tf.transpose(outputs, [1, 0, 2])`` of static_rnn's
        outputs is time-major [T, batch, units] made batch-major); keras.ops take no list."""
        x = b.node(param)
        return _ops("stack", x) if self._list_of_tensors(b.orig(param)) else x

    def build(self, name: str, original: cst.Call, updated: cst.Call):  # noqa: C901
        B = lambda sig: BoundArgs(updated, sig, original)  # noqa: E731
        if name in _REDUCE and _REDUCE[name] in _MASKED and self._masked_reduction(original.args[0].value
                                                                                  if original.args else None):
            # reduce(boolean_mask(x, m)) over every element: the masked-out elements are the
            # reduction's identity (-inf / +inf / 0; the mean divides by the count): TF1's value,
            # also for an empty mask (-inf, +inf, 0, nan), and its gradient
            inner = updated.args[0].value
            mb = BoundArgs(inner, "tensor, mask, name='boolean_mask', axis=None", original.args[0].value)
            self.ctx.use_helper("tf1_masked_reduce")
            return call("tf1_masked_reduce", mb.node("tensor"), mb.node("mask"), to_node(_REDUCE[name]))
        if name in _REDUCE:
            b = B(_REDUCE_SIG)
            axis = b.node("axis") if b.given("axis") else (b.node("reduction_indices")
                                                          if b.given("reduction_indices") else None)
            keep = b.node("keepdims") if b.given("keepdims") else (b.node("keep_dims") if b.given("keep_dims") else None)
            if keep is not None and literal(keep, 0) is None:
                keep = None
            if keep is not None and literal(keep, 0) is False:
                keep = None
            x = b.node("input_tensor")
            if isinstance(x, (cst.List, cst.ListComp, cst.Tuple)):
                x = _ops("stack", x)  # TF1 packed a list of tensors (convert_to_tensor) before reducing
            else:
                x = self._packed(b, "input_tensor")
            return _ops(_REDUCE[name], x, axis=axis, keepdims=keep)
        if name == "nn.l2_loss":  # TF1: sum(t ** 2) / 2
            b = B("t, name=None")
            return expr("{s} / 2", s=_ops("sum", _ops("square", b.node("t"))))
        if name == "shape" and (self._in_model_function(original) or self._dynamic(original, "shape_calls")):
            b = B("input, name=None, out_type='int32'")
            if not b.is_default("out_type"):
                raise Untranslatable("out_type=")
            return call(self.ctx.use_helper("tf1_shape"), b.node("input"))
        if name in ("zeros_like", "ones_like", "math.zeros_like", "math.ones_like"):
            # TF1: zeros_like(tensor, dtype=None, name=None, optimize=True): a dtype casts the result
            b = B("tensor, dtype=None, name=None, optimize=True")
            dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")) if b.given("dtype") else None
            return _ops(_UNARY[name], b.node("tensor"), dtype=dt)
        if name in _UNARY:
            b = B("x, name=None")
            return _ops(_UNARY[name], b.node("x"))
        if name == "range":
            b = B("start, limit=None, delta=1, dtype=None, name='range'")
            args = [b.node("start")] + ([b.node("limit")] if b.given("limit") else [])
            if b.given("delta"):
                args += [] if b.given("limit") else [to_node(None)]
                args.append(b.node("delta"))
            dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")) if b.given("dtype") else None
            return call(self.ctx.use_helper("tf1_range"), *args, dtype=dt)
        if name in ("confusion_matrix", "math.confusion_matrix", "train.confusion_matrix"):
            # TF1 (v1 order): labels, predictions, num_classes, dtype, name, weights
            b = B("labels, predictions, num_classes=None, dtype='int32', name=None, weights=None")
            kw = {}
            if b.given("num_classes") and not (isinstance(b.node("num_classes"), cst.Name)
                                               and b.node("num_classes").value == "None"):
                kw["num_classes"] = b.node("num_classes")
            if b.given("dtype"):
                kw["dtype"] = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype"))
            if b.given("weights"):
                kw["weights"] = b.node("weights")
            return call(self.ctx.use_helper("tf1_confusion_matrix"), b.node("labels"), b.node("predictions"), **kw)
        if name == "tile":
            b = B("input, multiples, name=None")
            return call(self.ctx.use_helper("tf1_tile"), b.node("input"), b.node("multiples"))
        if name == "image.convert_image_dtype":
            b = B("image, dtype, saturate=False, name=None")
            dt = literal(dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")), None)
            if dt not in ("float16", "float32", "float64"):
                raise Untranslatable("a conversion to an integer dtype (scaled and rounded by TF1) is not written")
            return call(self.ctx.use_helper("tf1_convert_image_dtype"), b.node("image"), to_node(dt))
        if name == "image.per_image_standardization":
            b = B("image, name=None")
            return call(self.ctx.use_helper("tf1_per_image_standardization"), b.node("image"))
        if name in ("image.resize_images", "image.resize_bilinear"):
            b = B("images, size, method=0, align_corners=False, preserve_aspect_ratio=False, name=None"
                  if name == "image.resize_images" else
                  "images, size, align_corners=False, name=None, half_pixel_centers=False")
            method = code(b.orig("method")).strip() if b.given("method") else ""
            if method and literal(b.orig("method"), None) != 0 and not method.endswith("BILINEAR"):
                raise Untranslatable(f"method={method} (only TF1's default bilinear resize is written)")
            for flag in ("preserve_aspect_ratio", "half_pixel_centers"):
                if b.given(flag) and literal(b.orig(flag), None) is not False:
                    raise Untranslatable(f"{flag}=")
            kw = {"align_corners": b.node("align_corners")} if b.given("align_corners") else {}
            return call(self.ctx.use_helper("tf1_resize_bilinear"), b.node("images"), b.node("size"), **kw)
        if name == "sequence_mask":
            b = B("lengths, maxlen=None, dtype=tf.bool, name=None")
            kw = {}
            if b.given("maxlen"):
                kw["maxlen"] = b.node("maxlen")
            if b.given("dtype"):
                dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype"))
                if literal(dt, None) != "bool":
                    kw["dtype"] = dt
            return call(self.ctx.use_helper("tf1_sequence_mask"), b.node("lengths"), **kw)
        if name == "gather_nd":
            b = B("params, indices, name=None, batch_dims=0")
            if not b.is_default("batch_dims"):
                raise Untranslatable("batch_dims=")
            return call(self.ctx.use_helper("tf1_gather_nd"), b.node("params"), b.node("indices"))
        if name == "diag":
            # TF1: a tensor of rank 2k with ``diagonal`` at [i1..ik, i1..ik] (keras.ops.diag of a
            # matrix EXTRACTS its diagonal instead)
            b = B("diagonal, name=None")
            return call(self.ctx.use_helper("tf1_diag"), b.node("diagonal"))
        if name in ("zeros", "ones"):
            arg = self.ctx.parent(original)
            holder = self.ctx.parent(arg) if isinstance(arg, cst.Arg) else None
            if isinstance(holder, cst.Call) and self.ctx.legacy_name(holder) in (
                    "tensorflow.Variable", "tensorflow.get_variable", "tensorflow.compat.v1.Variable"):
                return NOT_MINE  # a variable's initial value: the variable's rule writes both (or keeps both)
            b = B("shape, dtype='float32', name=None")
            dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")) if b.given("dtype") else to_node("float32")
            if self._dynamic(original, "fills"):
                # sizes read with tf1_shape while the model is built: made when it runs
                return call(self.ctx.use_helper("tf1_full"), b.node("shape"), to_node(int(name == "ones")), dtype=dt)
            return _ops(name, b.node("shape"), dtype=dt)
        if name == "nn.embedding_lookup":
            # a table COMPUTED by ops (nfmcclure's one-hot ``tf.diag(tf.ones([n]))``): the rows the
            # ids pick, as tf.gather; a variable's table is TFM135's (an Embedding layer)
            b = B("params, ids, partition_strategy='mod', name=None, validate_indices=True, max_norm=None")
            if b.given("max_norm") and literal(b.node("max_norm"), 0) is not None:
                raise Untranslatable("max_norm=")
            if not self._computed_table(b.orig("params")):
                return NOT_MINE  # a variable's table: TFM135 / TFM161 / TFM162's
            return _ops("take", b.node("params"), b.node("ids"), axis=to_node(0))
        if name == "gather":
            b = B("params, indices, validate_indices=None, name=None, axis=None, batch_dims=0")
            if not b.is_default("batch_dims"):
                raise Untranslatable("batch_dims=")
            axis = b.node("axis") if b.given("axis") and literal(b.node("axis"), 0) is not None else to_node(0)
            return _ops("take", b.node("params"), b.node("indices"), axis=axis)
        if name in _BINARY:
            b = B("x, y, name=None")
            if name == "squared_difference":
                return _ops("square", _ops("subtract", b.node("x"), b.node("y")))
            if name == "div" and not any(isinstance(literal(b.node(k), None), float) for k in ("x", "y")):
                # TF1's tf.div is Python 2 division: FLOOR division when x is an integer tensor or
                # number (7 / 2 -> 3, -7 / 2 -> -4); keras.ops.divide is true division. tf1_div decides
                # by x's dtype where it runs (a float literal operand: float division, as written)
                return call(self.ctx.use_helper("tf1_div"), b.node("x"), b.node("y"))
            if name in ("add", "math.add") and b.orig("y") is not None and self._broadcast_operand(b.orig("y")):
                # keras.ops.add's bias-add special case (see leave_BinaryOperation)
                return call(self.ctx.use_helper("tf1_add"), b.node("x"), b.node("y"))
            return _ops(_BINARY[name], b.node("x"), b.node("y"))
        if name in ("matmul", "linalg.matmul"):
            b = B("a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, "
                  "a_is_sparse=False, b_is_sparse=False, name=None")
            for n in ("adjoint_a", "adjoint_b", "a_is_sparse", "b_is_sparse"):
                if not b.is_default(n):
                    raise Untranslatable(f"{n}=")
            x, y = b.node("a"), b.node("b")
            if b.value("transpose_a", None):
                x = _ops("swapaxes", x, -1, -2)
            if b.value("transpose_b", None):
                y = _ops("swapaxes", y, -1, -2)
            for n in ("transpose_a", "transpose_b"):
                if not b.is_literal(n):
                    raise Untranslatable(f"non-literal {n}")
            return _ops("matmul", x, y)
        if name in ("linspace", "lin_space"):
            # TF1: lin_space(start, stop, num, name=None): float start / stop, num points, both ends
            b = B("start, stop, num, name=None")
            return _ops("linspace", b.node("start"), b.node("stop"), b.node("num"))
        if name == "meshgrid":
            # TF1: meshgrid(*args, indexing='xy', name=None), NumPy's: keras.ops.meshgrid
            pos = [a for a in updated.args if a.keyword is None]
            if any(a.star for a in updated.args) or any(
                    a.keyword is not None and a.keyword.value not in ("indexing", "name") for a in updated.args):
                raise Untranslatable("meshgrid arguments other than tensors, indexing= and name=")
            ind = next((a.value for a in updated.args if a.keyword is not None and a.keyword.value == "indexing"), None)
            if ind is not None and literal(ind, None) == "xy":
                ind = None
            return _ops("meshgrid", *[a.value for a in pos], indexing=ind)
        if name in ("tensordot", "linalg.tensordot"):
            # NumPy's tensordot: an int (the last / first ``axes`` dimensions) or a pair of axis lists
            b = B("a, b, axes, name=None")
            return _ops("tensordot", b.node("a"), b.node("b"), axes=b.node("axes"))
        if name == "concat":
            if self._tf0_order(original, "concat_dim", ("values",)):
                # TF 0.x: tf.concat(concat_dim, values) - the axis first (TF 1.0 swapped them)
                b = B("concat_dim, values, name='concat'")
                return _ops("concatenate", b.node("values"), axis=b.node("concat_dim"))
            b = B("values, axis, name='concat'")
            return _ops("concatenate", b.node("values"), axis=b.node("axis"))
        if name == "split":
            # TF: a number of equal parts, or the SIZES of the parts; keras.ops.split (NumPy's):
            # a number of parts, or the INDICES where to cut
            if self._tf0_order(original, "split_dim", ("num_split",)):
                # TF 0.x: tf.split(split_dim, num_split, value) - a count of equal parts only
                b = B("split_dim, num_split, value, name='split'")
                n = b.value("num_split", None)
                if not (isinstance(n, int) and not isinstance(n, bool)):
                    raise Untranslatable("num_split that is not a literal count")
                return _ops("split", b.node("value"), b.node("num_split"), axis=b.node("split_dim"))
            b = B("value, num_or_size_splits, axis=0, num=None, name='split'")
            if not b.is_default("num"):
                raise Untranslatable("num=")
            n = b.value("num_or_size_splits", None)
            if isinstance(n, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in n) \
                    and n and all(v >= 0 for v in n):
                cuts, total = [], 0
                for v in n[:-1]:
                    total += v
                    cuts.append(total)
                sections = to_node(cuts)
            elif isinstance(n, int) and not isinstance(n, bool):
                sections = b.node("num_or_size_splits")
            elif not b.is_literal("num_or_size_splits") \
                    and not isinstance(b.node("num_or_size_splits"), (cst.List, cst.Tuple)):
                # a name or expression (``tf.split(x, sequence_length, 0)`` with a parameter): TF1
                # decides count or sizes from the value's type when the graph is built; so does
                # the helper when the migrated code runs
                return call(self.ctx.use_helper("tf1_split"), b.node("value"), b.node("num_or_size_splits"),
                            axis=b.node("axis"))
            else:
                raise Untranslatable("num_or_size_splits that is not a literal count or list of sizes")
            return _ops("split", b.node("value"), sections, axis=b.node("axis"))
        if name in ("add_n", "math.add_n"):
            b = B("inputs, name=None")
            if _empty_regularization_read(self.ctx, original):
                # add_n over a REGULARIZATION_LOSSES read TFM151 turns into [] (Keras adds the
                # layers' losses itself): the sum of nothing (0.0), not keras.ops.stack([]) (which
                # raises); a name bound to the read stays read (a second run keeps its binding)
                inputs = b.node("inputs")
                return _ops("sum", inputs) if isinstance(original.args[0].value, cst.Name) else cst.Float("0.0")
            return _ops("sum", _ops("stack", b.node("inputs")), axis=0)
        if name == "stack":  # also TF 0.x's tf.pack (names.TF0_RENAMES)
            b = B("values, axis=0, name='stack'")
            return _ops("stack", b.node("values"), axis=b.node("axis"))
        if name == "reshape":
            b = B("tensor, shape, name=None")
            new_shape = b.node("shape")
            if self._shape_of_tensor(original) and isinstance(new_shape, cst.Call) and len(new_shape.args) == 1 \
                    and new_shape.args[0].keyword is None:
                # tf.reshape(t, tf.shape(u)): the shape (static too) of u
                return call(self.ctx.use_helper("tf1_reshape_like"), b.node("tensor"), new_shape.args[0].value)
            if self._dynamic(original, "reshapes"):
                # sizes read with tf1_shape while the model is built: known when it runs
                return call(self.ctx.use_helper("tf1_reshape"), self._packed(b, "tensor"), b.node("shape"))
            return _ops("reshape", self._packed(b, "tensor"), b.node("shape"))
        if name in ("argmax", "argmin", "math.argmax", "math.argmin"):
            b = B("input, axis=None, name=None, dimension=None, output_type='int64'")
            axis = b.node("axis") if b.given("axis") else (b.node("dimension") if b.given("dimension") else to_node(0))
            return _ops(name.rsplit(".", 1)[-1], b.node("input"), axis=axis)
        if name in ("random_normal", "random.normal") and self._initial_draw(original):
            return None  # an initial value of TFM162's keras.Variables (drawn once, as TF1's initializer)
        if name in ("random_normal", "random.normal") and self._drawn_once(original):
            return None  # one tf.Variable's initial value, handed on by name (TFM190's)
        if name in ("random_normal", "random.normal"):
            # a graph op: TF1 draws again at every run. Only ``tf.shape(t)`` shapes translate: a
            # layer that draws at every call, shaped like t (a fixed shape would give one eager
            # draw in Keras, fixed for the whole training)
            b = B("shape, mean=0.0, stddev=1.0, dtype=tf.float32, seed=None, name=None")
            shp = b.orig("shape")
            if self._dynamic(original, "draws"):
                # sizes read with tf1_shape while the model is built: a layer drawing at every call
                kw = {k: b.node(k) for k in ("mean", "stddev", "seed") if b.given(k)}
                if b.given("dtype"):
                    kw["dtype"] = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype"))
                return call(self.ctx.use_helper("tf1_random_normal"), b.node("shape"), **kw)
            if not (isinstance(shp, cst.Call) and self.ctx.legacy_name(shp.func) == "tensorflow.shape"
                    and len(shp.args) == 1 and shp.args[0].keyword is None):
                arg = self.ctx.parent(original)
                owner = self.ctx.parent(arg) if isinstance(arg, cst.Arg) else None
                if isinstance(owner, cst.Call) and self.ctx.legacy_name(owner.func) == "tensorflow.Variable":
                    return None  # a variable's initial value: drawn once, the variable's rule (TFM135)
                raise Untranslatable("random_normal of a shape other than tf.shape(tensor): TF1 draws anew at "
                                     "every run, a Keras random call outside a layer draws once")
            like = b.node("shape")
            like = like.args[0].value if isinstance(like, cst.Call) and len(like.args) == 1 else None
            if like is None:
                raise Untranslatable("random_normal shape")
            kw = {k: b.node(k) for k in ("mean", "stddev", "seed") if b.given(k)}
            if b.given("dtype"):
                kw["dtype"] = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype"))
            return cst.Call(call(self.ctx.use_helper("TF1RandomNormalLike"), **kw), [cst.Arg(like)])
        if name == "fill":
            # TF1's dtype is the value's (a Python float: float32, an int: int32); a fill of
            # ``tf.shape(x)`` is x's shape, known on symbolic tensors too (full_like)
            b = B("dims, value, name=None")
            v = literal(b.node("value"), None)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise Untranslatable("fill value not a number literal (its dtype)")
            dt = to_node("float32" if isinstance(v, float) else "int32")
            dims = b.orig("dims")
            if isinstance(dims, cst.Call) and self.ctx.legacy_name(dims) == "tensorflow.shape" \
                    and len(dims.args) == 1 and dims.args[0].keyword is None:
                return _ops("full_like", updated.args[0].value.args[0].value
                            if isinstance(updated.args[0].value, cst.Call) and updated.args[0].value.args
                            else dims.args[0].value, b.node("value"), dtype=dt)
            if self._dynamic(original, "fills"):
                return call(self.ctx.use_helper("tf1_full"), b.node("dims"), b.node("value"), dtype=dt)
            return _ops("full", b.node("dims"), b.node("value"), dtype=dt)
        if name == "identity":
            # the same tensor (TF1 only named it): the argument itself, parenthesised when compound
            x = B("input, name=None").node("input")
            if not isinstance(x, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) and not x.lpar:
                x = x.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return x
        if name == "pad":
            # TF1 modes CONSTANT / REFLECT / SYMMETRIC (any case) are numpy's constant / reflect / symmetric
            b = B("tensor, paddings, mode='CONSTANT', name=None, constant_values=0")
            mode = b.value("mode", None) if b.given("mode") else "CONSTANT"
            if not isinstance(mode, str) or mode.upper() not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
                raise Untranslatable("pad mode not a literal CONSTANT / REFLECT / SYMMETRIC")
            cv = b.node("constant_values") if b.given("constant_values") else None
            if cv is not None and mode.upper() != "CONSTANT":
                cv = None  # TF1 ignores it outside CONSTANT
            return _ops("pad", b.node("tensor"), b.node("paddings"),
                        mode=None if mode.upper() == "CONSTANT" else mode.lower(), constant_values=cv)
        if name == "convert_to_tensor":
            b = B("value, dtype=None, dtype_hint=None, name=None")
            if b.given("dtype_hint"):
                raise Untranslatable("dtype_hint= (a preferred dtype TF may ignore) has no Keras 3 argument")
            dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")) if b.given("dtype") else None
            return _ops("convert_to_tensor", b.node("value"), dtype=dt)
        if name in ("cast", "dtypes.cast", "to_float", "to_int32"):
            if name in ("cast", "dtypes.cast"):
                b = B("x, dtype, name=None")
                dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype"))
            else:
                b = B("x, name=None")
                dt = to_node("float32" if name == "to_float" else "int32")
            return _ops("cast", b.node("x"), dt)
        if name == "transpose":
            b = B("a, perm=None, name='transpose', conjugate=False")
            return _ops("transpose", self._packed(b, "a"), axes=b.node("perm") if b.given("perm") else None)
        if name == "expand_dims":
            b = B("input, axis=None, name=None, dim=None")
            axis = b.node("axis") if b.given("axis") else b.node("dim")
            return _ops("expand_dims", self._packed(b, "input"), axis)
        if name == "squeeze":
            b = B("input, axis=None, name=None, squeeze_dims=None")
            axis = b.node("axis") if b.given("axis") else (b.node("squeeze_dims") if b.given("squeeze_dims") else None)
            return _ops("squeeze", self._packed(b, "input"), axis=axis)
        if name == "one_hot":
            b = B("indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None")
            if any(b.given(n) for n in ("on_value", "off_value", "axis")):
                raise Untranslatable("on_value/off_value/axis")
            dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")) if b.given("dtype") else None
            return _ops("one_hot", b.node("indices"), b.node("depth"), dtype=dt)
        if name == "where":  # also TF 0.x's tf.select(condition, t, e)
            b = B("condition, x=None, y=None, name=None")
            if not (b.given("x") and b.given("y")):
                raise Untranslatable("tf.where with one argument (indices)")
            return _ops("where", b.node("condition"), b.node("x"), b.node("y"))
        if name == "clip_by_value":
            b = B("t, clip_value_min, clip_value_max, name=None")
            return _ops("clip", b.node("t"), b.node("clip_value_min"), b.node("clip_value_max"))
        if name in ("nn.softmax", "nn.log_softmax"):
            b = B("logits, axis=None, name=None, dim=None")
            axis = b.node("axis") if b.given("axis") else (b.node("dim") if b.given("dim") else None)
            return _ops(name[3:], b.node("logits"), axis=axis)
        if name == "nn.leaky_relu":
            b = B("features, alpha=0.2, name=None")
            return _ops("leaky_relu", b.node("features"), negative_slope=b.node("alpha"))
        if name == "nn.l2_normalize":
            b = B("x, axis=None, epsilon=1e-12, name=None, dim=None")
            axis = b.node("axis") if b.given("axis") else (b.node("dim") if b.given("dim") else None)
            if axis is None:  # TF1 normalised over every axis (the batch too): one norm for the tensor
                axis = cst.Name("None")
            x = b.node("x")
            if not isinstance(x, (cst.Name, cst.Attribute)):
                # an expression (a layer call, say) must be computed once: keras.ops.normalize,
                # x * min(rsqrt(sum(x^2)), 1 / e) = TF1's x * rsqrt(max(sum(x^2), eps)) for e = sqrt(eps)
                eps = literal(b.node("epsilon"), None) if b.given("epsilon") else 1e-12
                e = (cst.Float(repr(float(eps) ** 0.5)) if isinstance(eps, (int, float)) and not isinstance(eps, bool)
                     and eps > 0 else expr("{e} ** 0.5", e=b.node("epsilon")))
                return _ops("normalize", x, axis=axis, epsilon=e)
            return expr("{x} * keras.ops.rsqrt(keras.ops.maximum(keras.ops.sum(keras.ops.square({x}), "
                        "axis={a}, keepdims=True), {e}))", x=x, a=axis, e=b.node("epsilon"))
        if name in ("nn.softmax_cross_entropy_with_logits", "nn.softmax_cross_entropy_with_logits_v2"):
            b = B("logits, labels, dim=-1, name=None" if self._tf0_xent(original) else
                  "_sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None")
            axis = b.node("axis") if b.given("axis") else (b.node("dim") if b.given("dim") else None)
            if literal(axis, None) == -1:
                axis = None
            if self._fixed_batch_reshape():
                # a tensor reshaped to a fixed leading size: its static shape may meet a None batch
                # here, which TF1 accepted and Keras' op refuses (tf1_softmax_xent broadcasts first)
                self.ctx.use_helper("tf1_softmax_xent")
                kw = {"axis": axis} if axis is not None else {}
                return call("tf1_softmax_xent", *self._xent_args(b, "labels"), **kw)
            return _ops("categorical_crossentropy", *self._xent_args(b, "labels"), from_logits=True, axis=axis)
        if name == "nn.sigmoid_cross_entropy_with_logits":
            b = B("logits, targets, name=None" if self._tf0_xent(original) else
                  "_sentinel=None, labels=None, logits=None, name=None")
            return _ops("binary_crossentropy", *self._xent_args(b, "targets" if b.given("targets") else "labels"),
                        from_logits=True)
        if name == "nn.weighted_cross_entropy_with_logits":
            # TF1 (targets= before 1.14, labels= after; positional: labels, logits, pos_weight):
            # (1 - z) * x + (1 + (q - 1) * z) * softplus(-x) = bce_with_logits(z, x) + (q - 1) * z * softplus(-x)
            b = B("labels=None, logits=None, pos_weight=None, name=None, targets=None")
            z = b.node("labels") if b.given("labels") else (b.node("targets") if b.given("targets") else None)
            x, q = b.node("logits") if b.given("logits") else None, b.node("pos_weight") if b.given("pos_weight") else None
            if z is None or x is None or q is None:
                raise Untranslatable("weighted_cross_entropy_with_logits without labels, logits and pos_weight")
            if not all(isinstance(v, (cst.Name, cst.Attribute)) for v in (z, x)):
                raise Untranslatable("weighted_cross_entropy_with_logits of an expression (read twice)")
            return expr("keras.ops.binary_crossentropy({z}, {x}, from_logits=True) + ({q} - 1.0) * {z2} * "
                        "keras.ops.softplus(-{x2})", z=z, x=x, q=q, z2=z.deep_clone(), x2=x.deep_clone())
        if name == "nn.sparse_softmax_cross_entropy_with_logits":
            b = B("logits, labels, name=None" if self._tf0_xent(original) else
                  "_sentinel=None, labels=None, logits=None, name=None")
            return _ops("sparse_categorical_crossentropy", *self._xent_args(b, "labels"), from_logits=True)
        if name in ("losses.sparse_softmax_cross_entropy", "losses.softmax_cross_entropy"):
            # TF1: the elementwise nn.(sparse_)softmax_cross_entropy_with_logits (one-hot labels cast to the
            # logits' float32, gradient stopped: labels are data) times weights (1.0), summed and divided
            # by the number of elements (SUM_BY_NONZERO_WEIGHTS): the mean
            if name == "losses.sparse_softmax_cross_entropy":
                b = B("labels, logits, weights=1.0, scope=None, loss_collection='losses', "
                      "reduction='weighted_sum_by_nonzero_weights'")
                weights = self._tf1_loss_defaults(b)
                return self._tf1_reduce(_ops("sparse_categorical_crossentropy", *self._xent_args(b, "labels"),
                                             from_logits=True), weights)
            b = B("onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None, loss_collection='losses', "
                  "reduction='weighted_sum_by_nonzero_weights'")
            if not (b.is_default("label_smoothing") or literal(b.node("label_smoothing"), None) in (0, 0.0)):
                raise Untranslatable("label_smoothing other than 0")
            weights = self._tf1_loss_defaults(b)
            y, z = self._xent_args(b, "onehot_labels")
            return self._tf1_reduce(_ops("categorical_crossentropy", _ops("cast", y, to_node("float32")), z,
                                         from_logits=True), weights)
        if name in ("losses.mean_squared_error", "losses.absolute_difference"):
            # TF1: both cast to float32, the elementwise loss times weights (1.0), summed and
            # divided by the number of elements (Reduction.SUM_BY_NONZERO_WEIGHTS): their mean
            b = B("labels, predictions, weights=1.0, scope=None, loss_collection='losses', "
                  "reduction='weighted_sum_by_nonzero_weights'")
            weights = self._tf1_loss_defaults(b)
            diff = _ops("subtract", _ops("cast", b.node("predictions"), to_node("float32")),
                        _ops("cast", b.node("labels"), to_node("float32")))
            return self._tf1_reduce(_ops("square" if name.endswith("error") else "abs", diff), weights)
        if name == "losses.hinge_loss":
            # TF1: labels and logits cast to float32, labels 0/1 -> -1/1 (2 * labels - 1), the
            # elementwise relu(1 - labels * logits) times weights (1.0) summed and divided by the
            # number of elements (SUM_BY_NONZERO_WEIGHTS): the mean (Keras' hinge also maps 0/1
            # labels to -1/1 but averages over the last axis only: written out)
            b = B("labels, logits, weights=1.0, scope=None, loss_collection='losses', "
                  "reduction='weighted_sum_by_nonzero_weights'")
            weights = self._tf1_loss_defaults(b)
            y = _ops("cast", b.node("labels"), to_node("float32"))
            z = _ops("cast", b.node("logits"), to_node("float32"))
            signed = cst.BinaryOperation(cst.BinaryOperation(to_node(2.0), cst.Multiply(), y), cst.Subtract(),
                                         to_node(1.0))
            margin = cst.BinaryOperation(to_node(1.0), cst.Subtract(), cst.BinaryOperation(
                signed.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]), cst.Multiply(), z))
            return self._tf1_reduce(_ops("relu", margin), weights)
        if name in ("losses.log_loss", "losses.sigmoid_cross_entropy"):
            # TF1: labels and predictions / logits cast to float32, the elementwise loss (log_loss:
            # -y log(p + eps) - (1 - y) log(1 - p + eps), epsilon 1e-7; sigmoid_cross_entropy:
            # sigmoid_cross_entropy_with_logits) times weights (1.0) summed and divided by the
            # number of elements (SUM_BY_NONZERO_WEIGHTS): the mean
            if name == "losses.log_loss":
                b = B("labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection='losses', "
                      "reduction='weighted_sum_by_nonzero_weights'")
            else:
                b = B("multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None, "
                      "loss_collection='losses', reduction='weighted_sum_by_nonzero_weights'")
                if not (b.is_default("label_smoothing") or literal(b.node("label_smoothing"), None) in (0, 0.0)):
                    raise Untranslatable("label_smoothing other than 0")
            weights = self._tf1_loss_defaults(b)
            if name == "losses.sigmoid_cross_entropy":
                y = _ops("cast", b.node("multi_class_labels"), to_node("float32"))
                z = _ops("cast", b.node("logits"), to_node("float32"))
                return self._tf1_reduce(_ops("binary_crossentropy", y, z, from_logits=True), weights)
            if weights is not None:
                raise Untranslatable("log_loss with weights")
            eps = b.node("epsilon") if b.given("epsilon") else to_node(1e-7)
            self.ctx.use_helper("tf1_log_loss")
            return call("tf1_log_loss", b.node("labels"), b.node("predictions"), eps)
        if name == "constant":
            b = B("value, dtype=None, shape=None, name=None, verify_shape=False")
            dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")) if b.given("dtype") else None
            if b.given("shape"):
                if not isinstance(literal(b.node("value"), None), (int, float, bool)):
                    return self._shaped_list_constant(b, dt)
                return _ops("full", b.node("shape"), b.node("value"), dtype=dt)
            return _ops("convert_to_tensor", b.node("value"), dtype=dt)
        if name == "eye":
            b = B("num_rows, num_columns=None, batch_shape=None, dtype='float32', name=None")
            if b.given("batch_shape"):
                raise Untranslatable("tf.eye(batch_shape=...)")
            dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")) if b.given("dtype") else None
            cols = [b.node("num_columns")] if b.given("num_columns") else []
            n, o = b.node("num_rows"), b.orig("num_rows")
            if not cols and isinstance(o, cst.Subscript) and isinstance(o.value, cst.Call) \
                    and self.ctx.legacy_name(o.value) == "tensorflow.shape" and len(o.slice) == 1 \
                    and isinstance(o.slice[0].slice, cst.Index) and isinstance(literal(o.slice[0].slice.value, None), int) \
                    and isinstance(n, cst.Subscript) and isinstance(n.value, cst.Call) and len(n.value.args) == 1:
                # tf.eye(tf.shape(t)[i]): a size known when the graph runs (a batch size) - also
                # while a functional model is built from symbolic tensors (a class's loss)
                self.ctx.use_helper("tf1_eye_like")
                return call("tf1_eye_like", n.value.args[0].value, n.slice[0].slice.value, dtype=dt)
            return _ops("eye", n, *cols, dtype=dt)
        if name == "norm":
            b = B("tensor, ord='euclidean', axis=None, keepdims=None, name=None, keep_dims=None")
            o = literal(b.node("ord"), "?") if b.given("ord") else "euclidean"
            if o not in ("euclidean", "fro"):
                # numeric orders: the same vector norm when axis is one int
                ax = literal(b.node("axis"), None) if b.given("axis") else None
                if not isinstance(o, (int, float)) or not isinstance(ax, int):
                    raise Untranslatable("tf.norm with this ord/axis")
            keep = b.node("keepdims") if b.given("keepdims") else (b.node("keep_dims") if b.given("keep_dims") else None)
            return _ops("norm", b.node("tensor"), ord=None if o in ("euclidean", "fro") else b.node("ord"),
                        axis=b.node("axis") if b.given("axis") else None, keepdims=keep)
        if name in ("diag_part", "linalg.diag_part", "matrix_diag_part", "linalg.tensor_diag_part"):
            b = B("input, name=None")
            if name in ("diag_part", "linalg.tensor_diag_part"):  # TF1 diag_part: rank-2k input; a matrix's diagonal for k = 1
                return _ops("diagonal", b.node("input"))
            return _ops("diagonal", b.node("input"), axis1=-2, axis2=-1)
        if name in ("nn.max_pool", "nn.avg_pool", "nn.max_pool2d", "nn.avg_pool2d"):
            b = B("value, ksize, strides, padding, data_format='NHWC', name=None, input=None")
            layout = None
            if b.given("data_format") and b.value("data_format", None) != "NHWC":
                if not isinstance(b.node("data_format"), (cst.Name, cst.Attribute)):
                    raise Untranslatable("pooling data_format other than NHWC")
                # a helper's parameter (``max_pool2d(data_format, x)``): tf1_nhwc checks it where
                # it runs - "channels_last" for NHWC, a ValueError for NCHW (never a silent NHWC)
                self.ctx.use_helper("tf1_nhwc")
                layout = call("tf1_nhwc", b.node("data_format"))
            sizes = [self._window(b, n, original) for n in ("ksize", "strides")]
            pad = b.value("padding", None)
            if isinstance(pad, str):
                pad = to_node(pad.lower())
            elif isinstance(b.node("padding"), (cst.Name, cst.Attribute)):
                # TF1 pooling takes only the strings 'SAME' / 'VALID': lower-cased where it runs
                pad = cst.Call(func=cst.Attribute(value=b.node("padding"), attr=cst.Name("lower")))
            else:
                raise Untranslatable("non-literal padding")
            x = b.node("value") if b.given("value") else b.node("input")
            op = "max_pool" if "max" in name else "average_pool"
            return _ops(op, x, sizes[0], strides=sizes[1], padding=pad, data_format=layout)
        if name == "nn.conv2d":
            # a convolution whose filter is no layer's kernel (a variable two towers apply, a
            # TF1Variable): keras.ops.conv takes TF1's NHWC input and HWIO filter as they are
            # (forms it does not take are left to TFM135's layers, else TFM100 marks them)
            b = B("input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True, data_format='NHWC', "
                  "dilations=None, name=None, filters=None")
            if b.given("data_format") and b.value("data_format", None) != "NHWC":
                return NOT_MINE
            kernel = b.node("filter") if b.given("filter") else b.node("filters")
            if kernel is None or not b.given("strides") or not b.given("padding") \
                    or not self._free_filter(b.orig("filter") if b.given("filter") else b.orig("filters")):
                return NOT_MINE
            pad = b.value("padding", None)
            if not isinstance(pad, str) or pad not in ("SAME", "VALID"):
                return NOT_MINE
            try:
                strides = self._window(b, "strides", original)
                dil = self._window(b, "dilations", original) if b.given("dilations") else None
            except Untranslatable:
                return NOT_MINE
            if literal(dil, None) == (1, 1):
                dil = None
            return _ops("conv", b.node("input"), kernel, strides=strides, padding=to_node(pad.lower()),
                        dilation_rate=dil)
        if name == "nn.xw_plus_b":
            b = B("x, weights, biases, name=None")
            return _ops("add", _ops("matmul", b.node("x"), b.node("weights")), b.node("biases"))
        if name in ("count_nonzero", "math.count_nonzero"):
            # TF1: int64 count unless dtype= says otherwise; keepdims as the reductions
            b = B("input_tensor=None, axis=None, keepdims=None, dtype='int64', name=None, "
                  "reduction_indices=None, keep_dims=None, input=None")
            x = b.node("input_tensor") if b.given("input_tensor") else b.node("input")
            axis = b.node("axis") if b.given("axis") else (b.node("reduction_indices")
                                                          if b.given("reduction_indices") else None)
            keep = b.node("keepdims") if b.given("keepdims") else (b.node("keep_dims") if b.given("keep_dims") else None)
            if keep is not None and literal(keep, None) is not False:
                raise Untranslatable("count_nonzero(keepdims=...)")
            dt = dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")) if b.given("dtype") else to_node("int64")
            return _ops("cast", _ops("count_nonzero", x, axis=axis), dt)
        if name == "cond":
            # TF1 ran the chosen branch only; keras.ops.cond cannot close over symbolic tensors of
            # a functional graph, so both branches are computed and one is selected: the same
            # values (branches without side effects), different only in gradients when the
            # branch NOT taken is inf/nan (where's gradient then is nan) - reported
            b = B("pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None")
            fns = []
            for n, old in (("true_fn", "fn1"), ("false_fn", "fn2")):
                k = n if b.given(n) else old
                if not b.given(k):
                    raise Untranslatable(f"tf.cond without {n}")
                f = b.node(k)
                if isinstance(f, cst.Lambda) and not f.params.params and not f.params.kwonly_params \
                        and not isinstance(f.params.star_arg, cst.Param) and f.params.star_kwarg is None:
                    fns.append(f.body)
                elif isinstance(f, (cst.Name, cst.Attribute)):
                    fns.append(cst.Call(f))
                else:
                    raise Untranslatable(f"{n} is not a function name or a lambda")
            self.report(original, "tf.cond -> keras.ops.where: both branches are computed (same values; a "
                                  "branch not taken that is inf/nan would make where's gradient nan)")
            return _ops("where", b.node("pred"), fns[0], fns[1])
        raise Untranslatable(f"no translation for {name}")  # pragma: no cover


    def _computed_table(self, params: cst.BaseExpression | None) -> bool:
        """``params`` of an embedding_lookup is a tensor an op of this rule computes (a call of
        ``tf.diag`` / ``tf.one_hot`` / ``tf.eye`` / ``tf.constant`` ..., directly or through a name
        bound once to it): not a variable, not a list of partitions."""
        from ..analysis.flow import Flow

        if isinstance(params, cst.Name):
            defs = self.ctx.analysis(Flow).scope_of(params).by_name.get(params.value, ())
            if len(defs) != 1 or defs[0].value is None:
                return False
            params = defs[0].value
        q = self.ctx.legacy_name(params) if isinstance(params, cst.Call) else None
        return q is not None and q in OPS_CALLS and not q.endswith("_initializer")

    def _masked_reduction(self, inner) -> cst.Call | None:
        """``inner`` is ``tf.boolean_mask(x, m)`` (no axis=) that a ``tf.reduce_max / min / sum / mean``
        reduces whole (its only argument): that reduction call, else None."""
        if not (isinstance(inner, cst.Call) and self.ctx.legacy_name(inner.func) == "tensorflow.boolean_mask"):
            return None
        try:
            mb = BoundArgs(inner, "tensor, mask, name='boolean_mask', axis=None", inner)
        except Unbindable:
            return None
        if mb.given("axis"):
            return None
        arg = self.ctx.parent(inner)
        outer = self.ctx.parent(arg) if isinstance(arg, cst.Arg) else None
        if not (isinstance(outer, cst.Call) and len(outer.args) == 1 and outer.args[0] is arg and arg.keyword is None):
            return None
        q = (self.ctx.legacy_name(outer.func) or "").replace("tensorflow.", "", 1)
        return outer if _REDUCE.get(q) in _MASKED else None

    def _tf1_loss_defaults(self, b) -> cst.BaseExpression | None:
        """A ``tf.losses.*`` call translates with TF1's default reduction (SUM_BY_NONZERO_WEIGHTS)
        into the LOSSES collection nobody reads (TFM175 writes a read collection out first, and
        ``loss_collection=None`` adds nothing): the mean of its elementwise loss, or with
        ``weights`` (returned; None for 1.0) their weighted sum over the non-zero weights."""
        lc = b.node("loss_collection") if b.given("loss_collection") else None
        if not b.is_default("reduction") or not (lc is None or literal(lc, "?") is None):
            raise Untranslatable("reduction / loss_collection other than the defaults")
        weights = None
        if not (b.is_default("weights") or literal(b.node("weights"), None) in (1, 1.0)):
            weights = b.node("weights")
        if self.ctx.analysis(LossesRead).reads:
            if lc is None:
                raise Untranslatable("the file reads TF1's LOSSES collection this loss is added to")
        return weights

    def _tf1_reduce(self, elementwise: cst.BaseExpression, weights: cst.BaseExpression | None):
        """TF1's SUM_BY_NONZERO_WEIGHTS of an elementwise loss: the mean, or ``tf1_weighted_loss``."""
        if weights is None:
            return _ops("mean", elementwise)
        self.ctx.use_helper("tf1_weighted_loss")
        return call("tf1_weighted_loss", elementwise, weights)
    VALID = ["import keras\ny = keras.ops.sum(x, axis=1)\n",
             "import numpy as np\ny = np.sqrt(x)\n"]
    INVALID = [
        # a bare slice of a TF1 tensor: the same rows in a tuple key (Keras 3's symbolic tensors take no
        # bare slice); a slice of tf.split's list and an integer index stay
        Case("import tensorflow as tf\ne = tf.nn.relu(h)\nparts = tf.split(e, 2)\n"
             "a, b = e[:n], e[n:2 * n]\nc = parts[0:1]\nd = e[0]\n",
             "import keras\n\ne = keras.ops.relu(h)\nparts = keras.ops.split(e, 2, axis=0)\n"
             "a, b = e[:n, ...], e[n:2 * n, ...]\nc = parts[0:1]\nd = e[0]\n"),
        # tf.split: a count of equal parts stays, sizes become NumPy's cut indices
        Case("import tensorflow as tf\nx1, x2 = tf.split(pair, 2, axis=3)\na, b, c = tf.split(v, [2, 3, 1], 1)\n",
             "import keras\n\nx1, x2 = keras.ops.split(pair, 2, axis=3)\na, b, c = keras.ops.split(v, [2, 5], axis=1)\n"),
        Case("import tensorflow as tf\n"
             "e = tf.random_normal(tf.shape(z), dtype=tf.float32, mean=0., stddev=1.0, name='epsilon')\n"
             "y = tf.random_normal([3, 2])\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n\n" + HELPERS["TF1RandomNormalLike"].code.replace(
                 "@keras", "# tflearn-migrate helper: TF1RandomNormalLike\n@keras", 1) + "\n\n"
             "e = TF1RandomNormalLike(mean=0., stddev=1.0, dtype='float32')(z)\n"
             "# TODO(tflearn-migrate): TFM130 tf.random_normal: random_normal of a shape other than "
             "tf.shape(tensor): TF1 draws anew at every run, a Keras random call outside a layer draws once\n"
             "y = tf.random_normal([3, 2])\n", ("TFM130",), todo=True),
        # tf.nn.l2_loss = sum(t ** 2) / 2; a reduction of a Python list packs it first (TF1's convert_to_tensor)
        Case("import tensorflow as tf\nreg = 1e-4 * tf.reduce_mean([tf.nn.l2_loss(w) for w in ws])\n",
             "import keras\n\nreg = 1e-4 * keras.ops.mean(keras.ops.stack([keras.ops.sum(keras.ops.square(w)) / 2 for w in ws]))\n"),
        # an initializer factory (TF-Slim's models): a new, unseeded initializer per call
        Case("import tensorflow as tf\nfan_init = lambda s: tf.truncated_normal_initializer(0.0, s)\n\n"
             "def bias_init(v):\n    return tf.constant_initializer(v)\n",
             "import keras\n\nfan_init = lambda s: keras.initializers.TruncatedNormal(stddev=s, "
             "seed=keras.random.SeedGenerator())\n\n"
             "def bias_init(v):\n    return keras.initializers.Constant(v)\n"),
        Case('import tensorflow as tf\ninit = tf.truncated_normal_initializer(stddev=0.02)\nzero = tf.zeros_initializer()\n',
             'import keras\n\ninit = keras.initializers.TruncatedNormal(stddev=0.02, seed=keras.random.SeedGenerator())\nzero = keras.initializers.Zeros()\n'),
        # zeros_like / ones_like with a dtype: the result in that dtype (tflearn's seq2seq example)
        Case("import tensorflow as tf\nw = tf.ones_like(y, dtype=tf.float32)\ng = tf.zeros_like(tensor=d)\n",
             "import keras\n\nw = keras.ops.ones_like(y, dtype='float32')\ng = keras.ops.zeros_like(d)\n"),
        Case("import tensorflow as tf\nd = tf.sqrt(tf.reduce_sum(tf.square(a - b), 1, keep_dims=True))\n",
             "import keras\n\nd = keras.ops.sqrt(keras.ops.sum(keras.ops.square(a - b), axis=1, keepdims=True))\n"),
        Case("import tensorflow as tf\nm = tf.reduce_mean(x, reduction_indices=[1])\n"
             "c = tf.concat([a, b], 1)\ni = tf.argmax(logits)\n",
             "import keras\n\nm = keras.ops.mean(x, axis=[1])\n"
             "c = keras.ops.concatenate([a, b], axis=1)\ni = keras.ops.argmax(logits, axis=0)\n"),
        Case("import tensorflow as tf\n_, g, b = tf.split(x, 3, 3, name='split_channels')\n"
             "p, q = tf.split(x, [2, 6], axis=1)\nt = tf.add_n(losses, name='loss')\n",
             "import keras\n\n_, g, b = keras.ops.split(x, 3, axis=3)\n"
             "p, q = keras.ops.split(x, [2], axis=1)\nt = keras.ops.sum(keras.ops.stack(losses), axis=0)\n"),
        Case("import tensorflow as tf\n"
             "l = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z))\n"
             "acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(z, 1), tf.argmax(y, 1)), tf.float32))\n",
             "import keras\n\n"
             "l = keras.ops.mean(keras.ops.categorical_crossentropy(y, z, from_logits=True))\n"
             "acc = keras.ops.mean(keras.ops.cast(keras.ops.equal(keras.ops.argmax(z, axis=1), "
             "keras.ops.argmax(y, axis=1)), 'float32'))\n"),
        Case("import tensorflow as tf\nn = tf.nn.l2_normalize(e, dim=1)\n",
             "import keras\n\nn = e * keras.ops.rsqrt(keras.ops.maximum(keras.ops.sum(keras.ops.square(e), "
             "axis=1, keepdims=True), 1e-12))\n"),
        # of an expression (computed once): keras.ops.normalize with e = sqrt(TF1's epsilon)
        Case("import tensorflow as tf\nn = tf.nn.l2_normalize(tf.matmul(h, w), axis=1)\n"
             "m = tf.nn.l2_normalize(a - b, 1, epsilon=1e-10)\n",
             "import keras\n\nn = keras.ops.normalize(keras.ops.matmul(h, w), axis=1, epsilon=1e-06)\n"
             "m = keras.ops.normalize(a - b, axis=1, epsilon=1e-05)\n"),
        Case("import tensorflow as tf\ny = tf.matmul(a, b, adjoint_b=True)\n", None, ("TFM130",), todo=True),
        Case("import tensorflow as tf\n"
             "p = tf.nn.max_pool(h, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')\n"
             "q = tf.nn.avg_pool(h, [1, 3, 3, 1], [1, 1, 1, 1], 'VALID')\n"
             "n = tf.norm(a - b, axis=1)\nm = tf.logical_not(tf.cast(tf.eye(4), tf.bool))\n"
             "c = tf.constant(0.5, shape=[3])\nk = tf.constant([1.0, 2.0])\nd = tf.diag_part(s)\n",
             "import keras\n\n"
             "p = keras.ops.max_pool(h, (2, 2), strides=(2, 2), padding='same')\n"
             "q = keras.ops.average_pool(h, (3, 3), strides=(1, 1), padding='valid')\n"
             "n = keras.ops.norm(a - b, axis=1)\n"
             "m = keras.ops.logical_not(keras.ops.cast(keras.ops.eye(4), 'bool'))\n"
             "c = keras.ops.full([3], 0.5)\nk = keras.ops.convert_to_tensor([1.0, 2.0])\n"
             "d = keras.ops.diagonal(s)\n"),
        # count_nonzero: TF1's int64 default / dtype=; cond: both branches, one selected
        Case("import tensorflow as tf\n"
             "n = tf.count_nonzero(y, dtype=tf.float32)\nk = tf.count_nonzero(p, axis=1)\n"
             "def zero(): return 0.0\n"
             "r = tf.cond(tf.greater(n, 0.0), true_fn=lambda: tf.divide(k, n), false_fn=zero)\n",
             "import keras\n\n"
             "n = keras.ops.cast(keras.ops.count_nonzero(y), 'float32')\n"
             "k = keras.ops.cast(keras.ops.count_nonzero(p, axis=1), 'int64')\n"
             "def zero(): return 0.0\n"
             "r = keras.ops.where(keras.ops.greater(n, 0.0), keras.ops.divide(k, n), zero())\n", ("TFM130",)),
        Case("import tensorflow as tf\nr = tf.cond(p, f)\n", None, ("TFM130",), todo=True),
        # tf.div: Python 2 division, floor division on integers (a float literal operand: float)
        Case("import tensorflow as tf\nq = tf.div(a, b)\nh = tf.div(s, 2.0)\n",
             "import keras\nimport numbers\n\n\n"
             + TF1_DIV.code.replace("def tf1_div", "# tflearn-migrate helper: tf1_div\ndef tf1_div") + "\n\n"
             "q = tf1_div(a, b)\nh = keras.ops.divide(s, 2.0)\n"),
        # tf.losses MSE / MAE with TF1's defaults: the mean over every element of float32 casts
        Case("import tensorflow as tf\nl = tf.losses.mean_squared_error(y, p)\n"
             "m = tf.losses.absolute_difference(labels=y, predictions=p)\nr = tf.rint(s)\n",
             "import keras\n\nl = keras.ops.mean(keras.ops.square(keras.ops.subtract(keras.ops.cast(p, 'float32'), "
             "keras.ops.cast(y, 'float32'))))\nm = keras.ops.mean(keras.ops.abs(keras.ops.subtract("
             "keras.ops.cast(p, 'float32'), keras.ops.cast(y, 'float32'))))\nr = keras.ops.round(s)\n"),
        # weights: TF1's SUM_BY_NONZERO_WEIGHTS, the weighted sum over the number of non-zero weights
        Case("import tensorflow as tf\nl = tf.losses.mean_squared_error(y, p, weights=w)\n",
             "import keras\n\n\n# tflearn-migrate helper: tf1_weighted_loss\n"
             + HELPERS["tf1_weighted_loss"].code.strip() + "\n\n\n"
             "l = tf1_weighted_loss(keras.ops.square(keras.ops.subtract(keras.ops.cast(p, 'float32'), "
             "keras.ops.cast(y, 'float32'))), w)\n"),
        # tf.losses' softmax cross-entropies: the mean of the elementwise loss (one-hot labels cast to float32)
        Case("import tensorflow as tf\nl = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=z)\n"
             "m = tf.losses.softmax_cross_entropy(onehot, z)\n",
             "import keras\n\nl = keras.ops.mean(keras.ops.sparse_categorical_crossentropy(y, z, from_logits=True))\n"
             "m = keras.ops.mean(keras.ops.categorical_crossentropy(keras.ops.cast(onehot, 'float32'), z, "
             "from_logits=True))\n"),
        Case("import tensorflow as tf\nl = tf.losses.softmax_cross_entropy(y, z, label_smoothing=0.1)\n", None,
             ("TFM130",), todo=True),
        # tf.losses.hinge_loss: 0/1 labels -> -1/1, the mean of relu(1 - y * logits) over every element
        Case("import tensorflow as tf\nl = tf.losses.hinge_loss(labels=same, logits=5.0 * cosine)\n",
             "import keras\n\nl = keras.ops.mean(keras.ops.relu(1.0 - (2.0 * keras.ops.cast(same, 'float32') - 1.0) * "
             "keras.ops.cast(5.0 * cosine, 'float32')))\n"),
        Case("import tensorflow as tf\nl = tf.losses.hinge_loss(y, z, reduction=tf.losses.Reduction.SUM)\n", None,
             ("TFM130",), todo=True),
        # tf.losses log loss on a sigmoid unit, sigmoid cross-entropy on a logit: the mean
        Case("import tensorflow as tf\nsame_prob = tf.sigmoid(match_logit)\n"
             "bce = tf.losses.log_loss(labels=is_same, predictions=same_prob)\n"
             "xent = tf.losses.sigmoid_cross_entropy(is_same, match_logit)\n",
             "import keras\n\n\n# tflearn-migrate helper: tf1_log_loss\n" + HELPERS["tf1_log_loss"].code.strip()
             + "\n\n\nsame_prob = keras.ops.sigmoid(match_logit)\n"
             "bce = tf1_log_loss(is_same, same_prob, 1e-7)\n"
             "xent = keras.ops.mean(keras.ops.binary_crossentropy(keras.ops.cast(is_same, 'float32'), "
             "keras.ops.cast(match_logit, 'float32'), from_logits=True))\n"),
        Case("import tensorflow as tf\nbce = tf.losses.log_loss(is_same, same_prob, weights=pair_w)\n"
             "xent = tf.losses.sigmoid_cross_entropy(is_same, match_logit, label_smoothing=0.1)\n",
             None, ("TFM130", "TFM130"), todo=True),
        Case("import tensorflow as tf\nl = tf.losses.mean_squared_error(y, p)\nt = tf.losses.get_total_loss()\n",
             None, ("TFM130",), todo=True),
        # a window computed from the sizes (max over the whole sequence, text CNNs)
        Case("import tensorflow as tf\n"
             "p = tf.nn.max_pool(h, ksize=[1, seq_len - k + 1, 1, 1], strides=[1, 1, 1, 1], padding='VALID')\n",
             "import keras\n\n"
             "p = keras.ops.max_pool(h, (seq_len - k + 1, 1), strides=(1, 1), padding='valid')\n"),
        # a pooling window built from parameters, a padding name; TF1 functions passed as values;
        # an initializer as a parameter default; tf.linalg aliases, xw_plus_b, count_nonzero
        Case("import tensorflow as tf\n\n\n"
             "def pool(x, k=2, s=2, padding='SAME', nl=tf.identity, init=tf.zeros_initializer()):\n"
             "    window = [1, k, k, 1]\n"
             "    y = tf.nn.max_pool(x, ksize=window, strides=[1, s, s, 1], padding=padding)\n"
             "    return nl(y)\n\n\n"
             "def dist(e, w, b):\n"
             "    d = tf.linalg.matmul(e, e, transpose_b=True)\n"
             "    n = tf.linalg.tensor_diag_part(d)\n"
             "    z = tf.math.count_nonzero(tf.math.not_equal(d, 0.), dtype=tf.float32)\n"
             "    c = tf.count_nonzero(d, axis=1)\n"
             "    return tf.nn.xw_plus_b(e, w, b), n, z, c\n\n\n"
             "h = pool(x, nl=tf.nn.relu)\n",
             "import keras\n\n\n"
             "def pool(x, k=2, s=2, padding='SAME', nl=keras.activations.linear, init=keras.initializers.Zeros()):\n"
             "    window = [1, k, k, 1]\n"
             "    y = keras.ops.max_pool(x, (k, k), strides=(s, s), padding=padding.lower())\n"
             "    return nl(y)\n\n\n"
             "def dist(e, w, b):\n"
             "    d = keras.ops.matmul(e, keras.ops.swapaxes(e, -1, -2))\n"
             "    n = keras.ops.diagonal(d)\n"
             "    z = keras.ops.cast(keras.ops.count_nonzero(keras.ops.not_equal(d, 0.)), 'float32')\n"
             "    c = keras.ops.cast(keras.ops.count_nonzero(d, axis=1), 'int64')\n"
             "    return keras.ops.add(keras.ops.matmul(e, w), b), n, z, c\n\n\n"
             "h = pool(x, nl=keras.ops.relu)\n"),
        # a window known only at run time (a parameter, list(ksize)): tf1_window checks [1, h, w, 1]
        # where it runs; identity, pad, tf.math.argmax, tf.initializers.he_normal
        Case("import tensorflow as tf\n\n\ndef pool(x, ksize=(1, 2, 2, 1), s=(1, 2, 2, 1)):\n"
             "    init = tf.initializers.he_normal()\n"
             "    y = tf.nn.max_pool(x, ksize, list(s), 'SAME')\n"
             "    y = tf.pad(y, [[0, 0], [1, 1], [1, 1], [0, 0]])\n"
             "    z = tf.pad(y, p, mode='REFLECT', constant_values=1)\n"
             "    return tf.identity(y + z, name='out'), tf.math.argmax(y, axis=1), tf.identity(y)\n",
             "import keras\n\n\n"
             + TF1_WINDOW.code.replace("def tf1_window", "# tflearn-migrate helper: tf1_window\ndef tf1_window") + "\n\n"
             "def pool(x, ksize=(1, 2, 2, 1), s=(1, 2, 2, 1)):\n"
             "    init = keras.initializers.HeNormal(seed=keras.random.SeedGenerator())\n"
             "    y = keras.ops.max_pool(x, tf1_window(ksize), strides=tf1_window(list(s)), padding='same')\n"
             "    y = keras.ops.pad(y, [[0, 0], [1, 1], [1, 1], [0, 0]])\n"
             "    z = keras.ops.pad(y, p, mode='reflect')\n"
             "    return (y + z), keras.ops.argmax(y, axis=1), y\n"),
        # a window that is not [1, h, w, 1] as written stays TF1, said why
        Case("import tensorflow as tf\n\n\ndef pool(x):\n"
             "    return tf.nn.max_pool(x, [2, 2], [1, 2, 2, 1], 'SAME')\n", None, ("TFM130",), todo=True),
        Case("import tensorflow as tf\ny = tf.pad(x, p, mode=m)\n", None, ("TFM130",), todo=True),
        # tf.gather reads axis 0 (keras.ops.take would flatten); tf.range(n) counts from 0; inside a
        # model function the batch size (tf.shape(t)[0]) is known only when the model runs
        Case("import tensorflow as tf\n\n\ndef last(outputs, seqlen):\n    n = tf.shape(outputs)[0]\n"
             "    index = tf.range(0, n) * 20 + (seqlen - 1)\n"
             "    return tf.matmul(tf.gather(tf.reshape(outputs, [-1, 8]), index), w)\n\n\n"
             "r = tf.range(5)\ns = tf.shape(r)\n",
             "import keras\n\n\n# tflearn-migrate helper: tf1_shape\n" + TF1_SHAPE.code + "\n\n"
             "# tflearn-migrate helper: tf1_range\n" + TF1_RANGE.code + "\n\n"
             "def last(outputs, seqlen):\n    n = tf1_shape(outputs)[0]\n"
             "    index = tf1_range(0, n) * 20 + (seqlen - 1)\n"
             "    return keras.ops.matmul(keras.ops.take(keras.ops.reshape(outputs, [-1, 8]), index, axis=0), w)\n\n\n"
             "r = tf1_range(5)\ns = keras.ops.shape(r)\n"),
        # tf.eye of a size read from a tensor (a batch size): computed when it runs, also on the
        # symbolic tensors of a functional model (keras.ops.eye needs an int there)
        Case("import tensorflow as tf\nm = tf.eye(tf.shape(label)[0])\n",
             "import keras\n\n\n# tflearn-migrate helper: tf1_eye_like\n" + TF1_EYE_LIKE.code
             + "\n\nm = tf1_eye_like(label, 0)\n"),
        # a sum whose right operand may be a column (expand_dims, a keepdims reduction): tf1_add,
        # since Keras' add takes (n, n) + (n, 1) for a bias add (omoindrot's pairwise distances
        # came out asymmetric); a sum of two scalars stays ``+``
        Case('import tensorflow as tf\n\n\ndef pairwise(e):\n    dot = tf.matmul(e, tf.transpose(e))\n    sq = tf.diag_part(dot)\n    d = tf.expand_dims(sq, 0) - 2.0 * dot + tf.expand_dims(sq, 1)\n    far = d + tf.reduce_max(d, axis=1, keepdims=True)\n    return tf.reduce_mean(d) + tf.reduce_mean(far)\n',
             "import keras\n\n\n# tflearn-migrate helper: tf1_add\n" + TF1_ADD.code + '\n\ndef pairwise(e):\n    dot = keras.ops.matmul(e, keras.ops.transpose(e))\n    sq = keras.ops.diagonal(dot)\n    d = tf1_add(keras.ops.expand_dims(sq, 0) - 2.0 * dot, keras.ops.expand_dims(sq, 1))\n    far = tf1_add(d, keras.ops.max(d, axis=1, keepdims=True))\n    return keras.ops.mean(d) + keras.ops.mean(far)\n'),
        # a whole reduction of a boolean_mask selection: the masked-out elements are its identity
        Case("import tensorflow as tf\nhard = tf.reduce_max(tf.boolean_mask(d, same))\n"
             "m = tf.reduce_mean(tf.boolean_mask(d, tf.logical_not(same)))\n",
             "import keras\n\n\n# tflearn-migrate helper: tf1_masked_reduce\n" + TF1_MASKED_REDUCE.code
             + "\n\nhard = tf1_masked_reduce(d, same, 'max')\n"
             "m = tf1_masked_reduce(d, keras.ops.logical_not(same), 'mean')\n"),
        # tf.map_fn over a closure reading the model's tensors, tf.boolean_mask: kept, with why
        Case('import tensorflow as tf\n\n\ndef hardest_mean(d, same, idx):\n    def hardest(i):\n        pos = tf.boolean_mask(d[i], same[i])\n        return tf.reduce_max(pos)\n    return tf.reduce_mean(tf.map_fn(hardest, idx, dtype=tf.float32))\n',
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\ndef hardest_mean(d, same, idx):\n    def hardest(i):\n        # TODO(tflearn-migrate): TFM130 tf.boolean_mask: its length depends on the data and Keras 3 has no such op; when only a reduction of it is used, reduce keras.ops.where(mask, x, -inf / +inf / 0) instead\n        pos = tf.boolean_mask(d[i], same[i])\n        return keras.ops.max(pos)\n    # TODO(tflearn-migrate): TFM130 tf.map_fn: a functional model's tensors are symbolic while it is built: keras.ops.map cannot run a function reading them from its closure nor a loop over tf.range(batch size); write the per-row computation with masks over the whole batch (reduce_max(mask * d, axis=1))\n    return keras.ops.mean(tf.map_fn(hardest, idx, dtype=tf.float32))\n", ("TFM130", "TFM130"), todo=True),
        # a pooling function handed on as a value (a parameter's default): a helper with TF1's signature
        Case("import tensorflow as tf\n\n\ndef pool(x, k, pool_type=tf.nn.max_pool):\n    return pool_type(x, ksize=[1, k, k, 1], strides=[1, k, k, 1], padding='SAME')\n",
             'import keras\n\n\n# tflearn-migrate helper: tf1_window\ndef tf1_window(k):\n    """A TF1 NHWC pooling ksize / strides (an int or [1, h, w, 1]) -> Keras\' (h, w)."""\n    if isinstance(k, int):\n        return (k, k)\n    k = tuple(k)\n    if len(k) != 4 or k[0] != 1 or k[3] != 1:\n        raise ValueError(f"TF1 pooling window {k} is not [1, h, w, 1]")\n    return k[1:3]\n\n\n# tflearn-migrate helper: tf1_max_pool\ndef tf1_max_pool(value, ksize, strides, padding, data_format="NHWC", name=None):\n    """TF1\'s tf.nn.max_pool handed on as a function (``pool_type=tf.nn.max_pool``), NHWC."""\n    if data_format != "NHWC":\n        raise ValueError(f"TF1 pooling data_format {data_format!r} is not NHWC")\n    return keras.ops.max_pool(value, tf1_window(ksize), strides=tf1_window(strides), padding=padding.lower())\n\n\ndef pool(x, k, pool_type=tf1_max_pool):\n    return pool_type(x, ksize=[1, k, k, 1], strides=[1, k, k, 1], padding=\'SAME\')\n',
             ()),
    ]
