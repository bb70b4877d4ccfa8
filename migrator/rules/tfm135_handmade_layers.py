"""TFM135: hand-made layers (tf.get_variable / tf.Variable + tf.matmul / tf.nn.conv2d + bias)
-> keras.layers.Dense / Conv2D with the same initializers."""
from __future__ import annotations

import libcst as cst

from ..emit import apply_layer, call, expr, literal, to_node, wrap_long_call
from ..helpers import register_source
from ..translate.tf1_helpers import WEIGHTS_ENTRY  # noqa: F401  (registers the helper)
from ..translate.tf1 import dtype_of, initializer_of
from ..analysis.tf1_program import _arg, _walk
from ..translate.tf1_store import scoped_layer, store_function
from ..translate.tflearn import Untranslatable
from .base import Case, Rule
from ..diagnostics import Severity
from ..analysis.handmade_layers import _NamedShape, _helper_candidates, code, helper_call_of, helper_params, HandmadeLayersAnalysis


_TF1_INITIALIZERS = (  # the initializer names TF1 had (tf.*, tf.contrib.layers.*, tf.keras.initializers aside)
    "constant_initializer", "zeros_initializer", "ones_initializer", "random_normal_initializer",
    "truncated_normal_initializer", "random_uniform_initializer", "uniform_unit_scaling_initializer",
    "variance_scaling_initializer", "orthogonal_initializer", "glorot_uniform_initializer",
    "glorot_normal_initializer", "identity_initializer", "xavier_initializer", "xavier_initializer_conv2d")


def _misspelled_initializer(qname: str) -> str:
    """Why a TF1 initializer call cannot be translated when its name is a misspelling of a
    TF1 initializer ("" otherwise): TF1 itself raised AttributeError there."""
    import difflib

    short = qname.rsplit(".", 1)[-1]
    if short in _TF1_INITIALIZERS:
        return ""
    close = difflib.get_close_matches(short, _TF1_INITIALIZERS, n=1, cutoff=0.9)
    if not close:
        return ""
    return (f"{qname} is not a TF1 initializer (a misspelling of {close[0]}?): TF1 raised AttributeError "
            "when this line ran - kept as written, not guessed")


TF1_VARIABLE = register_source("tf1_layers", "TF1Variable")


TF1_EMBEDDING = register_source("tf1_layers", "TF1Embedding")
# the helper as a migrated file shows it (the examples below)
_TF1_EMBEDDING_OUT = "# tflearn-migrate helper: TF1Embedding\n" + TF1_EMBEDDING.code + "\n\n"


TF1_BIAS = register_source("tf1_layers", "TF1Bias")


TF1_BROADCAST_BIAS = register_source("tf1_layers", "TF1BroadcastBias")



_FAN_FREE = ("keras.initializers.Constant", "keras.initializers.Zeros", "keras.initializers.Ones",
             "keras.initializers.RandomNormal", "keras.initializers.RandomUniform",
             "keras.initializers.TruncatedNormal")


def _fan_free(init) -> bool:
    """A (translated) initializer whose draws do not depend on the variable's fans: constants and
    the plain random distributions (a name bound elsewhere, glorot / he / lecun / variance
    scaling / orthogonal: not proven)."""
    if literal(init, None) in ("zeros", "ones"):
        return True
    if isinstance(init, cst.Call):
        from ..names import dotted

        return dotted(init.func) in _FAN_FREE
    return False

class HandmadeLayers(HandmadeLayersAnalysis, Rule):
    ID = "TFM135"
    TRIGGERS = ("tensorflow", "variable")  # tf.* ops, or tflearn.variables.variable
    NAME = "handmade-layers"
    MESSAGE = "get_variable/Variable + matmul/conv2d/xw_plus_b (+ bias) / embedding_lookup -> keras.layers.Dense/Conv2D/Embedding"
    RATIONALE = ("A weight matrix created with tf.get_variable / tf.Variable and applied with tf.matmul "
                 "(+ b, bias_add) is a Dense layer; with tf.nn.conv2d a Conv2D. The initializers are "
                 "carried over: get_variable's default is glorot_uniform FOR THE BIAS TOO (Keras' Dense "
                 "default bias is zeros, so it is written out); tf.random_normal/truncated_normal default "
                 "to stddev 1.0, random_uniform to [0, 1), tf.Variable(tf.eye(n)) is Keras' Identity initializer. The variable statements disappear only when "
                 "every use of the variables is translated. A name bound once per layer (a loop) is one "
                 "variable per binding. A variable no layer owns, read directly by tensor ops, becomes "
                 "a TF1Variable layer (the weight, same shape and initializer; only in code that runs once - "
                 "get_variable under reuse shares) placed in the graph by "
                 "the other operand of its first use; a variable named by a string no other of the module spells "
                 "carries that name (tf1_name=), by which verify and the weight loader place the checkpoint's "
                 "variable. tf.nn.xw_plus_b(x, W, b) is matmul + b. A "
                 "table read by tf.nn.embedding_lookup(W, ids) or tf.gather(W, ids) (axis 0: the same rows) "
                 "is a keras.layers.Embedding (helper TF1Embedding: a dense gradient, the duplicate ids' "
                 "slices summed before the optimizer step as TF1 summed them) with the same "
                 "initializer (tf.Variable(pretrained) -> Constant(pretrained), its shape read from the "
                 "value); TF1 applied a momentum optimizer's update to the looked-up rows only (sparse "
                 "gradient), so with momentum the rows a batch does not touch can move differently. A name "
                 "bound once per branch and again later (W) is followed binding by binding. A table on "
                 "self (self.W = tf.Variable(...)) looked up twice in the method that binds it is ONE "
                 "variable in TF1: one Embedding on self.W applied to both ids (not when obj.W is read "
                 "outside the class).")
    ORDER = 30

    def _outer_fused(self, call) -> bool:
        o = self._outer.get(id(call)) if self.__dict__.get("_outer") else None
        if o is None:
            return False
        _, _, removable = self._state()
        pp = self._param_patterns()
        return o[0] in removable and any(
            pk in pp and pp[pk][1] is None and any(c is call for c, _ in self._helper_params[pk])
            for pk in self._helper_params)

    def _param_patterns(self):
        """{(id(helper), kernel parameter): (pattern, bias parameter or None)} for the helper
        parameters that translate (their patterns are kept, all their variables go)."""
        if "_pp" in self.__dict__:
            return self.__dict__["_pp"]
        _, ok, removable = self._state()
        out = {}
        for p in ok.values():
            if p[2] in self._helper_params and p[2] in removable:
                if p[3] is not None and p[3] not in self._helper_params:
                    continue
                out[p[2]] = (p, p[3])
        self.__dict__["_pp"] = out
        return out

    def _helper_layer(self, p, call: cst.Call, fn: cst.FunctionDef, wkey, bkey):
        """The layer of pattern ``p`` (inside helper ``fn``) for one call: that call's variables,
        the helper's parameters in the layer's arguments (strides) replaced by the call's
        arguments or the defaults."""
        positional = [q.name.value for q in fn.params.params]
        bound = {}
        for i, a in enumerate(call.args):
            if a.keyword is None and i < len(positional):
                bound[positional[i]] = a.value
            elif a.keyword is not None:
                bound[a.keyword.value] = a.value
        for q in [*fn.params.params, *fn.params.kwonly_params]:
            if q.name.value not in bound and q.default is not None:
                bound[q.name.value] = q.default

        class Sub(cst.CSTTransformer):
            def leave_Attribute(self, o, u):
                return u.with_changes(attr=o.attr)

            def leave_Arg(self, o, u):
                return u.with_changes(keyword=o.keyword)

            def leave_Name(self, o, u):
                return bound[o.value].deep_clone() if o.value in bound else u

        kind, x, _, _, core = p
        core = core.visit(Sub())
        return self._build((kind, x, wkey, bkey, core), None, apply=False)

    def leave_Subscript(self, original, updated):
        self._state()
        el = self._shape_reads.get(id(original))
        if el is None:
            return updated
        self.ctx.count(self)
        el = el.deep_clone()
        if isinstance(el, cst.BinaryOperation):
            el = el.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return el

    def _gone_dict(self, key) -> bool:
        _, _, removable = self._state()
        entries = self._dicts.get(key)
        return bool(entries) and all(e in removable for e in entries)

    def _drop_dict_args(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        drop = [i for i, a in enumerate(original.args)
                if id(a.value) in self._alias_args and self._gone_dict(self._alias_args[id(a.value)][0])]
        if not drop:
            return updated
        self.ctx.count(self)
        args = [a for i, a in enumerate(updated.args) if i not in drop]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=args)

    def _drop_dict_params(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        gone = {p for (f, p), key in self._param_alias.items() if f == id(original) and self._gone_dict(key)}
        gone |= {b[1] for (f, _), (_, b) in self._param_patterns().items() if f == id(original) and b is not None}
        if not gone:
            return updated
        self.ctx.count(self)
        params = [p for p in updated.params.params if p.name.value not in gone]
        kwonly = [p for p in updated.params.kwonly_params if p.name.value not in gone]
        if params and not kwonly and not isinstance(updated.params.star_arg, cst.ParamStar):
            params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        if kwonly:
            kwonly[-1] = kwonly[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        star = updated.params.star_arg
        if isinstance(star, cst.ParamStar) and not kwonly:
            star = cst.MaybeSentinel.DEFAULT
        return updated.with_changes(params=updated.params.with_changes(params=params, kwonly_params=kwonly,
                                                                       star_arg=star))

    def _named_bias_proven(self, core, W, B) -> bool:
        """``conv + biases`` with both shapes parameters of the layer helper: TF1 broadcast the
        bias, which is the layer's own bias only when its shape is ``[kernel_shape[-1]]``. Proven
        when the helper is called, and every call passes literal lists with the bias' one element
        written as the kernel's last one."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        fn = flow.scope_of(core).node
        if not isinstance(W.shape, _NamedShape) or not isinstance(fn, cst.FunctionDef) \
                or flow.functions.get(fn.name.value) is not fn:
            return False
        ps = fn.params
        if ps.posonly_params or isinstance(ps.star_arg, cst.Param) or ps.star_kwarg is not None:
            return False
        positional = [p.name.value for p in ps.params]
        calls = []
        for node in _walk(self.ctx.module):
            if isinstance(node, cst.Name) and node.value == fn.name.value:
                parent = self.ctx.parent(node)
                if parent is fn or isinstance(parent, cst.Attribute) and parent.attr is node \
                        or isinstance(parent, cst.Arg) and parent.keyword is node:
                    continue
                if not (isinstance(parent, cst.Call) and parent.func is node) or any(a.star for a in parent.args):
                    return False
                calls.append(parent)
        if not calls:
            return False

        def arg(c, name):
            for i, a in enumerate(c.args):
                if (a.keyword is None and i < len(positional) and positional[i] == name) \
                        or (a.keyword is not None and a.keyword.value == name):
                    return a.value
            return None

        for c in calls:
            k, b = arg(c, W.shape.name), arg(c, B.shape.name)
            if not (isinstance(k, (cst.List, cst.Tuple)) and isinstance(b, (cst.List, cst.Tuple)) and k.elements
                    and len(b.elements) == 1 and code(k.elements[-1].value) == code(b.elements[0].value)):
                return False
        return True

    def leave_FunctionDef(self, original, updated):
        self._state()
        if original.name.value in self._dead_helpers and original in self.ctx.module.body:
            self.ctx.count(self)
            return cst.RemoveFromParent()
        if any(original is f for f in self.dead_methods()):
            self.ctx.count(self)
            return cst.RemoveFromParent()
        return self._drop_dict_params(original, updated)

    def _regularizer(self, v) -> cst.BaseExpression | None:
        return self.__dict__.get("_regularizers", {}).get(id(v.call)) if v.call is not None else None

    # -- rewriting -------------------------------------------------------------------------
    def _build(self, p, updated_x, key=None, apply=True):
        variables, _, _ = self._state()
        kind, _, w, b, core = p
        if apply and w in self._helper_params:  # the helper receives its layer in the kernel's parameter
            self.ctx.count(self)
            return cst.Call(func=cst.Name(w[1]), args=[cst.Arg(updated_x)])
        W = variables[w]
        stored = self._store.get(key)
        own_bias = None
        scoped = None
        if stored is None and W.call is not None and self.ctx.legacy_name(W.call) == "tensorflow.get_variable" \
                and store_function(self.ctx, core) is not None:
            # a model class built twice into one graph: the layer comes from TF1's variable store,
            # keyed at run time by its scope path and the kernel's get_variable name
            scoped = _arg(W.call, 0, "name")
            if scoped is None:
                raise Untranslatable("get_variable without a name in a model class built twice")
            if b is not None and self.ctx.legacy_name(variables[b].call) != "tensorflow.get_variable":
                own_bias, b = variables[b], None  # a tf.Variable bias: never shared, one per call
        if stored is not None and stored[1] == "own":  # the kernel is shared, this bias is the tower's
            own_bias, b = variables[b], None
        if own_bias is not None and self._regularizer(own_bias) is not None:
            raise Untranslatable("a regularized bias made apart from its layer")
        kw = {"kernel_initializer": None if literal(W.init, None) == "glorot_uniform" else W.init}
        if self._regularizer(W) is not None:
            if kind not in ("dense", "conv"):
                raise Untranslatable("a regularized embedding table")
            kw["kernel_regularizer"] = self._regularizer(W)
        broadcast = None
        if b is not None and isinstance(variables[b].shape, _NamedShape) and id(core) in self._broadcast_adds \
                and not self._named_bias_proven(core, W, variables[b]):
            # ``conv + biases`` with a bias shape known at run time only: TF1 broadcast it, which is
            # the layer's own bias only for [filters] - a bias layer of that shape adds it the same way
            broadcast, b = variables[b], None
            if self._regularizer(broadcast) is not None:
                raise Untranslatable("a regularized bias of a shape known at run time")
            if not apply:
                raise Untranslatable("a bias of a shape known at run time passed to a helper")
        if b is not None and isinstance(variables[b].shape, list) and len(variables[b].shape) >= 2 \
                and not _fan_free(variables[b].init):
            # a [1, units] bias (``matmul(x, W) + b``): TF1 computed its initializer's fans on
            # (1, units), Keras would on the layer's (units,) bias - another scale for glorot / he /
            # lecun / variance scaling (get_variable's default is glorot_uniform). A bias layer of
            # the TF1 shape, added with TF1's broadcasting, draws as TF1 drew
            if self._regularizer(variables[b]) is not None or self._cond_bias.get(id(core)) is not None:
                raise Untranslatable("a [1, n] bias with a fan-based initializer, regularized or conditional")
            if not apply:
                raise Untranslatable("a [1, n] bias with a fan-based initializer passed to a helper")
            broadcast, b = variables[b], None
        if b is None:
            kw["use_bias"] = False
        else:
            B = variables[b]
            kw["bias_initializer"] = None if literal(B.init, None) == "zeros" else B.init
            if self._regularizer(B) is not None:
                kw["bias_regularizer"] = self._regularizer(B)
            cond = self._cond_bias.get(id(core))
            if cond is not None:
                kw["use_bias"] = cst.Name(cond[0].value)
        if kind == "embedding":
            k = W.init  # get_variable's default (glorot_uniform) is not the Embedding's ('uniform')
            if W.shape is None:  # tf.Variable(pretrained): the table's shape is the value's
                v = W.init.args[0].value
                dims = [cst.Arg(call("keras.ops.shape", v.deep_clone()), star="*")]
            else:
                dims = [cst.Arg(W.shape[0]), cst.Arg(W.shape[1])]
            k = k if isinstance(k, cst.BaseExpression) else to_node(k)
            eq = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
            extra = []
            if W.call is not None and self.ctx.legacy_name(W.call) == "tensorflow.get_variable":
                tr = _arg(W.call, 5, "trainable")
                if tr is not None and literal(tr, None) is not True:
                    if literal(tr, None) is not False:
                        raise Untranslatable(f"get_variable(trainable={code(tr)})")
                    extra.append(cst.Arg(cst.Name("False"), keyword=cst.Name("trainable"), equal=eq))
                dt = _arg(W.call, 2, "dtype")
                if dt is not None and not (isinstance(dt, cst.Name) and dt.value == "None"):
                    d = literal(dtype_of(self.ctx, dt, dt), None)
                    if d not in ("float32", "float64", "float16"):
                        raise Untranslatable(f"get_variable(dtype={code(dt)})")
                    if d != "float32":  # the table (and the looked-up rows) in that dtype
                        extra.append(cst.Arg(cst.SimpleString(repr(d)), keyword=cst.Name("dtype"), equal=eq))
            frozen = any(a.keyword is not None and a.keyword.value == "trainable" for a in extra)
            # a trainable table: TF1's optimizer step on its (summed) gradient, see TF1Embedding
            cls = expr("keras.layers.Embedding") if frozen else cst.Name(self.ctx.use_helper("TF1Embedding"))
            layer = cst.Call(func=cls, args=[
                *dims, cst.Arg(k, keyword=cst.Name("embeddings_initializer"), equal=eq), *extra])
        elif kind == "dense":
            layer = call("keras.layers.Dense", W.shape.at("-1") if isinstance(W.shape, _NamedShape) else W.shape[1],
                         **kw)
        else:
            snode = _arg(core, 2, "strides")
            pnode = _arg(core, 3, "padding")
            pad = literal(pnode, None)
            els = [e.value for e in snode.elements] if isinstance(snode, (cst.List, cst.Tuple)) else None
            if isinstance(pad, str):
                pad = pad.lower()
            elif isinstance(pnode, (cst.Name, cst.Attribute)):
                # TF1's conv2d takes only the strings 'SAME' / 'VALID': lower-cased where it runs
                pad = cst.Call(func=cst.Attribute(value=pnode, attr=cst.Name("lower")))
            else:
                pad = None
            # [1, sh, sw, 1]: sh / sw may be any expressions (parameters of a conv helper)
            if els and len(els) == 4 and not any(isinstance(e, cst.StarredElement) for e in snode.elements) \
                    and literal(els[0], None) == literal(els[3], None) == 1:
                strides = cst.Tuple([cst.Element(els[1]), cst.Element(els[2])])
            elif isinstance(snode, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
                # strides known only at run time (``strides = self._list_or_int(stride, True)``):
                # tf1_window takes TF1's [1, sh, sw, 1] or an int and raises on anything else,
                # as TF1's conv2d does on a batch / depth stride (never a silent stride)
                self.ctx.use_helper("tf1_window")
                strides = call("tf1_window", snode)
            else:
                strides = None
            if strides is None or pad is None:
                raise Untranslatable("conv2d strides/padding not literal NHWC")
            # tf.nn.conv2d(input, filter, strides, padding, use_cudnn_on_gpu, data_format, dilations):
            # the layout and the dilation change the layer - never dropped
            fnode = _arg(core, 5, "data_format")
            if fnode is not None and literal(fnode, None) != "NHWC":
                if not isinstance(fnode, (cst.Name, cst.Attribute)):
                    raise Untranslatable(f"conv2d data_format={code(fnode)} (only NHWC is translated)")
                # a helper's parameter: checked where it runs (tf1_nhwc raises for NCHW)
                self.ctx.use_helper("tf1_nhwc")
                kw = {**kw, "data_format": call("tf1_nhwc", fnode)}
            dnode = _arg(core, 6, "dilations")
            if dnode is not None and not (isinstance(dnode, cst.Name) and dnode.value == "None"):
                d = literal(dnode, None)
                dels = [e.value for e in dnode.elements] if isinstance(dnode, (cst.List, cst.Tuple)) else None
                if isinstance(d, int):  # one int: the same dilation on every dimension (1 only, for NHWC)
                    if d != 1:
                        raise Untranslatable(f"conv2d dilations={code(dnode)}")
                elif dels and len(dels) == 4 and not any(isinstance(e, cst.StarredElement) for e in dnode.elements) \
                        and literal(dels[0], None) == literal(dels[3], None) == 1:
                    # [1, dh, dw, 1]: dh / dw any expressions (a helper's ``rate`` parameter)
                    if not (literal(dels[1], None) == literal(dels[2], None) == 1):
                        kw = {**kw, "dilation_rate": cst.Tuple([cst.Element(dels[1]), cst.Element(dels[2])])}
                else:
                    raise Untranslatable(f"conv2d dilations={code(dnode)}")
            if isinstance(W.shape, _NamedShape):  # kernel_shape = [kh, kw, in, filters]
                filters, ksize = W.shape.at("-1"), W.shape.at(":2")
            else:
                filters, ksize = W.shape[3], cst.Tuple([cst.Element(W.shape[0]), cst.Element(W.shape[1])])
            layer = call("keras.layers.Conv2D", filters, ksize, strides=strides, padding=pad, **kw)
        self.ctx.add_import("keras")
        self.ctx.count(self)
        layer = wrap_long_call(layer)
        if not apply:
            return self._weights_entry(W, layer)
        if scoped is not None:
            out = self._weights_entry(W, scoped_layer(self.ctx, scoped.deep_clone(), layer, updated_x))
            if own_bias is not None:
                self.ctx.use_helper("TF1Bias")
                init = None if literal(own_bias.init, None) == "zeros" else own_bias.init
                out = cst.Call(func=call("TF1Bias", init) if init is not None else call("TF1Bias"), args=[cst.Arg(out)])
            return self._broadcast_bias(out, broadcast)
        if stored is None:
            return self._broadcast_bias(self._weights_entry(W, apply_layer(layer, updated_x)), broadcast)
        self.ctx.use_helper("tf1_layer")
        make = cst.Lambda(params=cst.Parameters(), body=layer)
        out = cst.Call(func=cst.Call(func=cst.Name("tf1_layer"), args=[cst.Arg(cst.SimpleString(repr(stored[0]))),
                                                                       cst.Arg(make)]),
                       args=[cst.Arg(updated_x)])
        out = self._weights_entry(W, out)
        if own_bias is not None:
            self.ctx.use_helper("TF1Bias")
            init = None if literal(own_bias.init, None) == "zeros" else own_bias.init
            out = cst.Call(func=call("TF1Bias", init) if init is not None else call("TF1Bias"), args=[cst.Arg(out)])
        return self._broadcast_bias(out, broadcast)

    def _weights_entry(self, W, out):
        """``tf1_weights_entry(<layer output>)`` when W was put into TF1's WEIGHTS collection
        (the add statement goes): the collection's entries are the marked layers' calls."""
        if W.call is None or id(W.call) not in self.__dict__.get("_weights_marks", ()):
            return out
        self.ctx.use_helper("tf1_weights_entry")
        return call("tf1_weights_entry", out)

    def _broadcast_bias(self, out, B):
        """``TF1BroadcastBias(bias_shape, init)(<layer output>)``: a bias of a shape known at run
        time, added with TF1's broadcasting (None: ``out`` as it is)."""
        if B is None:
            return out
        self.ctx.use_helper("TF1BroadcastBias")
        init = None if literal(B.init, None) == "zeros" else B.init
        shape = cst.Name(B.shape.name) if isinstance(B.shape, _NamedShape) else cst.List(
            [cst.Element(e.deep_clone()) for e in B.shape])
        args = [shape] + ([init] if init is not None else [])
        return cst.Call(func=call("TF1BroadcastBias", *args), args=[cst.Arg(out)])

    def _x_of(self, updated, p):
        core = updated
        if isinstance(updated, cst.BinaryOperation):
            # ``x @ W + b`` or ``b + conv(x, W)`` (the bias first): the core is the call
            core = updated.left if isinstance(updated.left, cst.Call) or not isinstance(updated.right, cst.Call) \
                else updated.right
        elif p[3] is not None and isinstance(updated, cst.Call):
            core = updated.args[0].value
        return core.args[0].value if isinstance(core, cst.Call) else None

    def leave_Name(self, original, updated):
        reach = self.literal_rebinds().reads.get(id(original))
        if reach is not None:  # a dropped literal rebinding's value, where it is read (same initializer)
            self.ctx.count(self)
            return reach.value.deep_clone()
        # ``return layer, weights``: the weight handed back (unused by the callers) is a layer's now
        key = self.__dict__.get("_handed", {}).get(id(original))
        if key is not None and key in self._state()[2]:
            self.ctx.count(self)
            return cst.Name("None")
        return updated

    def leave_If(self, original, updated):
        _, pats, _ = self._state()
        for pid, (_, if_) in self._cond_bias.items():
            if if_ is original and pid in pats:  # bias variable and add: now the layer's use_bias
                self.ctx.count(self)
                return cst.RemoveFromParent()
        return updated

    def _late_outer_add(self, original) -> bool:
        """Is ``original`` the later add of a bias fused into a helper call's layer
        (``h = self.conv2d(x, kernel)``; ``tf.nn.bias_add(h, bias)``)?"""
        outer = self.__dict__.get("_outer")
        if not outer:
            return False
        late = self.__dict__.get("_late_outer_ids")
        if late is None:
            late = self.__dict__["_late_outer_ids"] = {}
            for n in _walk(self.ctx.module):
                if isinstance(n, cst.Call) and id(n) in outer:
                    late[outer[id(n)][1]] = n
        c = late.get(id(original))
        return c is not None and self.ctx.parent(original) is not c and self._outer_fused(c)

    def leave_BinaryOperation(self, original, updated):
        if isinstance(original.left, cst.Call) and self._outer_fused(original.left) \
                and self._outer[id(original.left)][1] == id(original):
            self.ctx.count(self)
            return updated.left  # the bias is the helper call's layer's
        if self._late_outer_add(original):
            self.ctx.count(self)
            return updated.left  # h + b: the bias is h's layer's
        return self._rewrite(original, updated)

    def leave_Call(self, original, updated):
        self._state()
        if self._late_outer_add(original):  # tf.nn.bias_add(h, b): the bias is h's layer's
            self.ctx.count(self)
            return updated.args[0].value
        if id(original) in self._inits:  # init = tf.constant_initializer(...) read by a translated layer
            try:
                new = initializer_of(self.ctx, updated, original)
            except Untranslatable:
                hint = _misspelled_initializer(self.ctx.legacy_name(original) or "")
                if hint:
                    self.todo(original, hint)
                return updated
            if new is None or isinstance(new, cst.SimpleString):
                new = call("keras.initializers.get", new) if new is not None else updated
            self.ctx.add_import("keras")
            self.ctx.count(self)
            return new
        if self._alias_args:
            updated = self._drop_dict_args(original, updated)
        if self._helper_params:
            updated = self._helper_call(original, updated)
        return self._rewrite(original, updated)

    def _helper_call(self, original, updated):
        """``conv2d(x, weights['wc1'], biases['bc1'])`` -> ``conv2d(x, keras.layers.Conv2D(...))``."""
        pp = self._param_patterns()
        if not pp or not isinstance(original.func, (cst.Name, cst.Attribute)):
            return updated
        from ..analysis.flow import Flow

        ref = original.func if isinstance(original.func, cst.Name) else original.func.attr
        fn = _helper_candidates(self.ctx, self.ctx.analysis(Flow)).get(ref.value)
        if fn is None or helper_call_of(self.ctx, ref, fn) is not original:
            return updated
        positional = helper_params(self.ctx, fn)
        args = list(updated.args)
        drop = set()
        for (fid, wparam), (p, bkey) in pp.items():
            if fid != id(fn):
                continue
            calls = dict((id(c), vk) for c, vk in self._helper_params[(fid, wparam)])
            if id(original) not in calls:
                continue
            bvk = dict((id(c), vk) for c, vk in self._helper_params[bkey])[id(original)] if bkey else None
            if bkey is None and self._outer_fused(original):
                bvk = self._outer[id(original)][0]
            for i, a in enumerate(original.args):
                name = positional[i] if a.keyword is None and i < len(positional) else (
                    a.keyword.value if a.keyword is not None else None)
                if name == wparam:
                    layer = self._helper_layer(p, original, fn, calls[id(original)], bvk)
                    args[i] = args[i].with_changes(value=layer)
                elif bkey is not None and name == bkey[1]:
                    drop.add(i)
        if drop:
            args = [a for i, a in enumerate(args) if i not in drop]
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=args)

    def _rewrite(self, original, updated):
        _, pats, _ = self._state()
        fused = self._late.get(id(original))
        if fused is not None and fused[0] in pats:  # the bias was added to its layer
            self.ctx.count(self)
            return cst.Name(fused[1])
        p = pats.get(id(original))
        if p is None:
            return updated
        if p[0] == "embedding":
            x = _arg(updated, 1, "ids") if isinstance(updated, cst.Call) else None
            if p[2] in self._shared and x is not None:  # the table's layer, bound to its name
                self.ctx.count(self)
                return cst.Call(func=cst.parse_expression(p[2][1]), args=[cst.Arg(x)])
        elif p[4] is original:  # the layer's own call (its bias, if any, is added in a later statement)
            u = updated
            if isinstance(u, cst.Call) and u.args and isinstance(u.args[0].value, cst.Call) \
                    and code(u.func) == "keras.ops.add" and self.ctx.legacy_name(original) == "tensorflow.nn.xw_plus_b":
                u = u.args[0].value  # TFM130 already wrote xw_plus_b(x, W, b) as add(matmul(x, W), b)
            x = u.args[0].value if isinstance(u, cst.Call) and u.args else None
        else:
            x = self._x_of(updated, p)
        if x is None:
            return updated
        try:
            return self._build(p, x, id(original))
        except Untranslatable as ex:
            self.todo(original, str(ex))
            return updated

    def _tf1_name(self, node) -> str | None:
        """The name a free variable's statement gives it (``tf.Variable(5.0, name='scale')``,
        ``get_variable('alpha', ...)``), when it is a string literal that no other string of the
        module spells (TF1 would have made the second one ``scale_1``)."""
        getvar = self.ctx.legacy_name(node) != "tensorflow.Variable"
        arg = _arg(node, 0 if getvar else 99, "name")
        name = literal(arg, None) if arg is not None else None
        if arg is not None and name is None and _formatted_name(arg):
            # ``name="W-%s" % filter_size`` (one per loop pass): the same expression, evaluated
            # where the layer is made - verify places the weight by the name it gives
            return arg
        if not isinstance(name, str) or not name:
            return None
        same = [n for n in _walk(self.ctx.module) if isinstance(n, cst.SimpleString) and literal(n, None) == name]
        return name if len(same) == 1 else None

    def leave_SimpleStatementLine(self, original, updated):
        variables, _, removable = self._state()
        if id(original) in self._dead_lines:
            return cst.RemoveFromParent()
        if id(original) in self.literal_rebinds().statements:
            # ``init = tf.constant_initializer(0.0)`` rebound after a get_variable read init: its
            # value is written at its reads now (a layer built later must read the earlier binding)
            self.report(original, "a later binding of an initializer name read by tf.get_variable: its "
                                  "value (built from literals) is written where it is read, so that a "
                                  "layer built later reads the initializer its weights were made with")
            self.ctx.count(self)
            return cst.RemoveFromParent()
        small = original.body[0] if len(original.body) == 1 else None
        if isinstance(small, cst.Assign) and id(small.value) in self.scope_declines:
            # a get_variable whose variable scope's initializer / regularizer is not known: TF1's
            self.todo(original, self.scope_declines[id(small.value)])
            return updated
        free = self._free.get(id(small.value)) if isinstance(small, cst.Assign) else None
        if free is not None:
            shape, init, anchor, at = free
            self.ctx.use_helper("TF1Variable")
            self.ctx.add_import("keras")
            self.ctx.count(self)
            layer = call("TF1Variable", cst.List([cst.Element(e.deep_clone()) for e in shape]),
                         None if literal(init, None) == "glorot_uniform" else init)
            tf1_name = self._tf1_name(small.value)
            if tf1_name is not None:  # its checkpoint name (verify / weights place it by it)
                layer = layer.with_changes(args=[*layer.args, cst.Arg(
                    cst.SimpleString(repr(tf1_name)) if isinstance(tf1_name, str) else tf1_name.deep_clone(),
                    keyword=cst.Name("tf1_name"),
                    equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))])
            made = updated.with_changes(body=[updated.body[0].with_changes(
                value=apply_layer(layer, anchor.deep_clone()))])
            if at is None:
                return made
            # placed at its first use, on a tensor bound by then (HandmadeLayers._movable)
            self.ctx.insert_before(at, [made])
            return cst.RemoveFromParent()
        dead = self._dead.get(original)
        if dead is not None:
            keys = [self._attr_key(v) if isinstance(v, cst.Attribute) else self._key(v, v.value) for v in dead[1]]
            if all(k in removable for k in keys):
                self.report(original, f"{code(dead[0]).strip()} is a weight penalty (tf.nn.l2_loss) that nothing "
                                      f"reads: dropped with the weights it read, which are now a layer's")
                self.ctx.count(self)
                return cst.RemoveFromParent()
        added = self._weights_adds.get(original)
        if added is not None and added in removable:
            self.report(original, "tf.add_to_collection(tf.GraphKeys.WEIGHTS, w) -> the layer's output marked by "
                                  "tf1_weights_entry: its kernel is in TF1's WEIGHTS collection once per call "
                                  "of the layer (a helper each tower calls adds a shared weight once per tower)",
                        severity=Severity.INFO)
            self.ctx.count(self)
            return cst.RemoveFromParent()
        reg = self._weight_regs.get(original)
        if reg is not None:
            if reg in removable:
                self.report(original, "tflearn.add_weights_regularizer(...) -> the layer's kernel/bias_regularizer "
                                      "(tflearn's L2 is wd * sum(W ** 2) / 2: keras L2(wd / 2))")
                self.ctx.count(self)
                return cst.RemoveFromParent()
            return updated
        for n in removable:
            if variables[n].statement is original:
                if n in self._shared:  # W = keras.layers.Embedding(...): the lookups apply it
                    try:
                        layer = self._build(self._shared_pattern[n], None, apply=False)
                    except Untranslatable as ex:
                        self.todo(original, str(ex))
                        return updated
                    return updated.with_changes(body=[updated.body[0].with_changes(value=layer)])
                self.ctx.count(self)
                return cst.RemoveFromParent()
        return updated

    VALID = ["import keras\nh = keras.layers.Dense(3)(x)\n"]
    INVALID = [
        # one table, two towers' lookups (TF1: one variable): one Embedding bound to the name;
        # get_variable's trainable=False and float64 carried over
        Case("import tensorflow as tf\n"
             "def towers(a, b, table):\n"
             "    E = tf.get_variable('E', shape=(17, 8), dtype=tf.float64, initializer=tf.constant_initializer(table),\n"
             "                        trainable=False)\n"
             "    return tf.nn.embedding_lookup(E, a), tf.nn.embedding_lookup(E, b)\n",
             "import keras\n\n"
             "def towers(a, b, table):\n"
             "    E = keras.layers.Embedding(\n        17,\n        8,\n"
             "        embeddings_initializer=keras.initializers.Constant(table),\n"
             "        trainable=False,\n        dtype='float64',\n    )\n"
             "    return E(a), E(b)\n"),
        # tf.gather(table, ids) along axis 0: the same lookup; TF1's default get_variable
        # initializer (glorot uniform) written out; gather along another axis is not a lookup
        Case("import tensorflow as tf\n"
             "def towers(a, b):\n"
             "    E = tf.get_variable('E', [17, 8])\n"
             "    return tf.gather(E, a), tf.gather(E, b)\n",
             "import keras\n\n\n" + _TF1_EMBEDDING_OUT +
             "def towers(a, b):\n"
             "    E = TF1Embedding(17, 8, embeddings_initializer='glorot_uniform')\n"
             "    return E(a), E(b)\n"),
        Case("import tensorflow as tf\n"
             "def towers(a):\n"
             "    E = tf.get_variable('E', [17, 8])\n"
             "    return tf.gather(E, a, axis=1)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "def towers(a):\n"
             "    E = tf.get_variable('E', [17, 8])  # TODO(tflearn-migrate): TFM100 no Keras translation for "
             "tensorflow.get_variable\n"
             "    return keras.ops.take(E, a, axis=1)\n", ("TFM100",), todo=True),
        # also read by something else than a lookup: the variable stays
        Case("import tensorflow as tf\n"
             "def towers(a, b):\n"
             "    E = tf.get_variable('E', shape=(17, 8))\n"
             "    print(E)\n"
             "    return tf.nn.embedding_lookup(E, a), tf.nn.embedding_lookup(E, b)\n",
             None, ("TFM100",) * 2, todo=True),
    ]
    INVALID = [*INVALID,
        # tflearn.variables.variable: get_variable with tflearn's initializer names and regularizer
        Case("import tensorflow as tf\nimport tflearn.variables as va\n"
             "W = va.variable(name='W', shape=[784, 256], initializer='uniform_scaling', regularizer='L2')\n"
             "b = va.variable(name='b', shape=[256])\n"
             "h = tf.nn.tanh(tf.add(tf.matmul(x, W), b))\n",
             "import keras\n\nh = keras.ops.tanh(keras.layers.Dense(\n    256,\n    kernel_initializer=keras.initializers.LecunUniform(),\n    kernel_regularizer=keras.regularizers.L2(0.0005),\n    bias_initializer='glorot_uniform',\n)(x))\n"),
        # a conv helper: strides [1, d_h, d_w, 1] and padding from parameters, a later named bias_add
        Case("import tensorflow as tf\n\n\n"
             "def conv2d(x, out, k=3, d_h=2, d_w=2, padding='SAME'):\n"
             "    w = tf.get_variable('w', [k, k, x.get_shape()[-1], out], initializer=tf.initializers.he_normal())\n"
             "    conv = tf.nn.conv2d(x, w, strides=[1, d_h, d_w, 1], padding=padding)\n"
             "    biases = tf.get_variable('biases', [out], initializer=tf.constant_initializer(0.0))\n"
             "    conv = tf.nn.bias_add(conv, biases, name='add')\n"
             "    return conv\n",
             "import keras\n\n\ndef conv2d(x, out, k=3, d_h=2, d_w=2, padding='SAME'):\n    conv = keras.layers.Conv2D(\n        out,\n        (k, k),\n        strides=(d_h, d_w),\n        padding=padding.lower(),\n        kernel_initializer=keras.initializers.HeNormal(),\n        bias_initializer=keras.initializers.Constant(0.0),\n    )(x)\n    conv = conv\n    return conv\n"),
        Case("import tensorflow as tf\n"
             "W = tf.get_variable('W', [64, 32], initializer=tf.truncated_normal_initializer(stddev=0.1))\n"
             "b = tf.get_variable('b', [32])\n"
             "h = tf.nn.relu(tf.matmul(x, W) + b)\n"
             "W2 = tf.Variable(tf.random_normal([32, 10], stddev=0.05))\nb2 = tf.Variable(tf.zeros([10]))\n"
             "out = tf.nn.bias_add(tf.matmul(h, W2), b2)\n",
             "import keras\n\nh = keras.ops.relu(keras.layers.Dense(\n    32,\n"
             "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n"
             "    bias_initializer='glorot_uniform',\n)(x))\n"
             "out = keras.layers.Dense(\n    10,\n"
             "    kernel_initializer=keras.initializers.RandomNormal(stddev=0.05),\n)(h)\n"),
        Case("import tensorflow as tf\nW = tf.get_variable('W', [3, 3, 1, 8])\n"
             "c = tf.nn.conv2d(img, W, strides=[1, 2, 2, 1], padding='SAME')\n",
             "import keras\n\nc = keras.layers.Conv2D(\n    8,\n    (3, 3),\n    strides=(2, 2),\n    padding='same',\n"
             "    use_bias=False,\n)(img)\n"),
        Case("import tensorflow as tf\nW = tf.get_variable('W', [3, 2])\nh = tf.matmul(x, W)\nr = tf.nn.l2_loss(W)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "W = tf.get_variable('W', [3, 2])  # TODO(tflearn-migrate): TFM100 no Keras translation for "
             "tensorflow.get_variable\nh = keras.ops.matmul(x, W)\n"
             "r = keras.ops.sum(keras.ops.square(W)) / 2\n",
             ("TFM100",), todo=True),
        # shape= bound to a list, initializer= bound in if/else branches (pretrained or random):
        # the layer reads the same name, each binding becomes the Keras initializer
        Case(
             'import tensorflow as tf\n'
             '\n'
             'def conv(x, ksize, name, pretrained):\n'
             '    kernel = [ksize[0], ksize[1], x.shape[-1], ksize[2]]\n'
             '    if name in pretrained:\n'
             '        init = tf.constant_initializer(value=pretrained[name], dtype=tf.float32)\n'
             '    else:\n'
             '        init = tf.truncated_normal_initializer(stddev=0.1)\n'
             "    w = tf.get_variable(name + '/weights', shape=kernel, initializer=init)\n"
             "    b = tf.get_variable(name + '/biases', shape=[ksize[2]], initializer=tf.zeros_initializer())\n"
             "    return tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding='SAME') + b\n",
             'import keras\n'
             '\n'
             'def conv(x, ksize, name, pretrained):\n'
             '    kernel = [ksize[0], ksize[1], x.shape[-1], ksize[2]]\n'
             '    if name in pretrained:\n'
             '        init = keras.initializers.Constant(pretrained[name])\n'
             '    else:\n'
             '        init = keras.initializers.TruncatedNormal(stddev=0.1, seed=keras.random.SeedGenerator())\n'
             '    return keras.layers.Conv2D(\n'
             '        ksize[2],\n'
             '        (ksize[0], ksize[1]),\n'
             '        strides=(1, 1),\n'
             "        padding='same',\n"
             '        kernel_initializer=init,\n'
             '    )(x)\n'),
    ]
    _LATE = ("import tensorflow as tf\n\ndef tower(x):\n"
             "    w1 = tf.Variable(tf.truncated_normal(shape=[3, 3, 1, 8], stddev=0.05), name='w1')\n"
             "    b1 = tf.Variable(tf.zeros(8), name='b1')\n"
             "    conv1 = tf.nn.conv2d(x, w1, strides=[1, 1, 1, 1], padding='SAME', name='conv1')\n"
             "    relu1 = tf.nn.relu(tf.add(conv1, b1), name='relu1')\n"
             "    w2 = tf.Variable(tf.truncated_normal(shape=[3, 3, 8, 4], stddev=0.05))\n"
             "    b2 = tf.Variable(tf.constant(0.1, shape=[4]))\n"
             "    conv2 = tf.nn.conv2d(relu1, w2, strides=[1, 1, 1, 1], padding='VALID')\n"
             "    return conv2 + b2%s\n")
    _CONV2 = ("    conv2 = keras.layers.Conv2D(\n        4,\n        (3, 3),\n        strides=(1, 1),\n"
              "        padding='valid',\n"
              "        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.05),\n"
              "        bias_initializer=keras.initializers.Constant(0.1),\n    )(relu1)\n")
    INVALID = [*INVALID, Case(  # the bias added in a later statement (relu of conv + b), tf.zeros(n)
        _LATE % "",
        "import keras\n\ndef tower(x):\n"
        "    conv1 = keras.layers.Conv2D(\n        8,\n        (3, 3),\n        strides=(1, 1),\n"
        "        padding='same',\n"
        "        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.05),\n    )(x)\n"
        "    relu1 = keras.ops.relu(conv1)\n" + _CONV2 + "    return conv2\n"),
        # conv1 is also read WITHOUT its bias: the bias cannot move into the layer
        Case(_LATE % ", conv1",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\ndef tower(x):\n"
             "    b1 = tf.Variable(tf.zeros(8), name='b1')  # TODO(tflearn-migrate): TFM100 no Keras translation "
             "for tensorflow.Variable, tensorflow.zeros\n"
             "    conv1 = keras.layers.Conv2D(\n        8,\n        (3, 3),\n        strides=(1, 1),\n"
             "        padding='same',\n"
             "        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.05),\n"
             "        use_bias=False,\n    )(x)\n"
             "    relu1 = keras.ops.relu(keras.ops.add(conv1, b1))\n" + _CONV2 + "    return conv2, conv1\n",
             ("TFM100",), todo=True)]
    INVALID = [*INVALID, Case(  # a learned scale read by `*` whose other operand is an expression:
        # the layer is placed on a tensor name inside it (h), never on a NumPy array (base)
        "import numpy as np\nimport keras\nimport tensorflow as tf\nh = keras.layers.Dense(3)(x)\nbase = np.ones(3)\n"
        "w = tf.get_variable('w', [], initializer=tf.constant_initializer(2.0))\n"
        "out = w * tf.reduce_sum(tf.square(base * h), 1)\n",
        "import numpy as np\nimport keras\n\n\n" + "# tflearn-migrate helper: TF1Variable\n" + TF1_VARIABLE.code + "\n\n"
        + "h = keras.layers.Dense(3)(x)\nbase = np.ones(3)\n"
        "w = TF1Variable([], keras.initializers.Constant(2.0), tf1_name='w')(h)\n"
        "out = w * keras.ops.sum(keras.ops.square(base * h), axis=1)\n")]
    INVALID = [*INVALID, Case(  # get_variable through helper functions (arguments and defaults), strides [1, s, s, 1]
        "import tensorflow as tf\n\ndef init_weights(name, shape, mean=0.0, stddev=0.01):\n    weights = tf.get_variable(name, shape, initializer=tf.truncated_normal_initializer(mean=mean, stddev=stddev))\n    return weights\n\ndef init_biases(name, shape, constant=0.0):\n    return tf.get_variable(name, shape, initializer=tf.constant_initializer(constant))\n\ndef conv2d(x, f_size, f_num, s, name='conv2d'):\n    weights = init_weights('weights', [f_size, f_size, x.shape[3], f_num], stddev=0.05)\n    biases = init_biases('biases', [f_num])\n    return tf.add(tf.nn.conv2d(x, weights, strides=[1, s, s, 1], padding='SAME', name=name), biases)\n",
        "import keras\n\ndef conv2d(x, f_size, f_num, s, name='conv2d'):\n    return keras.layers.Conv2D(\n        f_num,\n        (f_size, f_size),\n        strides=(s, s),\n        padding='same',\n        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.05),\n        bias_initializer=keras.initializers.Constant(0.0),\n    )(x)\n")]
    INVALID = [*INVALID, Case(
        # w / b / z bound once per layer of a loop and again after it: one variable per binding;
        # alpha read by tf.multiply (no layer's kernel) in a function called once -> a TF1Variable
        # layer placed by d
        "import tensorflow as tf\n\ndef tower(x, sizes):\n    h = x\n    c_in = 1\n    for i in range(len(sizes)):\n        w = tf.get_variable('w_{}'.format(i), [3, 3, c_in, sizes[i]], initializer=tf.contrib.layers.xavier_initializer())\n        b = tf.get_variable('b_{}'.format(i), [sizes[i]], initializer=tf.constant_initializer(0.0))\n        z = tf.nn.conv2d(h, w, strides=[1, 1, 1, 1], padding='VALID')\n        h = tf.nn.relu(z + b)\n        c_in = sizes[i]\n    w = tf.get_variable('w_out', [1, 1, c_in, 4])\n    z = tf.nn.conv2d(h, w, strides=[1, 1, 1, 1], padding='SAME')\n    d = tf.abs(z)\n    alpha = tf.get_variable('alpha', [1, 4], initializer=tf.random_normal_initializer(stddev=0.2))\n    return tf.reduce_sum(tf.multiply(d, alpha), 3)\n\n\nout = tower(img, [8, 16])\n",
        'import keras\n\n\n' + "# tflearn-migrate helper: TF1Variable\n" + TF1_VARIABLE.code + "\n\n" + 'def tower(x, sizes):\n    h = x\n    c_in = 1\n    for i in range(len(sizes)):\n        z = keras.layers.Conv2D(\n            sizes[i],\n            (3, 3),\n            strides=(1, 1),\n            padding=\'valid\',\n            kernel_initializer=keras.initializers.GlorotUniform(),\n            bias_initializer=keras.initializers.Constant(0.0),\n        )(h)\n        h = keras.ops.relu(z)\n        c_in = sizes[i]\n    z = keras.layers.Conv2D(\n        4,\n        (1, 1),\n        strides=(1, 1),\n        padding=\'same\',\n        use_bias=False,\n    )(h)\n    d = keras.ops.abs(z)\n    alpha = TF1Variable([1, 4], keras.initializers.RandomNormal(stddev=0.2), tf1_name=\'alpha\')(d)\n    return keras.ops.sum(keras.ops.multiply(d, alpha), axis=3)\n\n\nout = tower(img, [8, 16])\n'),
        # loop-carried: the matmul in the loop reads the previous pass's w - not translated
        Case("import tensorflow as tf\nw = tf.get_variable('w0', [2, 2])\nfor i in range(2):\n    h = tf.matmul(h, w)\n    w = tf.get_variable('w{}'.format(i + 1), [2, 2])\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nw = tf.get_variable('w0', [2, 2])  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.get_variable\nfor i in range(2):\n    h = keras.ops.matmul(h, w)\n    w = tf.get_variable('w{}'.format(i + 1), [2, 2])  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.get_variable\n", ("TFM100", "TFM100"), todo=True)]
    INVALID = [*INVALID, Case(
        # tflearn.variables.variable read by two matmuls of a tflearn graph (one metric matrix for
        # both inputs): get_variable's free-variable form, tflearn's initializer name
        "import tensorflow as tf\nimport tflearn\nleft = tf.nn.relu(a)\nright = tf.nn.relu(b)\n"
        "M = tflearn.variables.variable('metric', shape=[10, 4], initializer='xavier')\n"
        "zl = tf.matmul(left, M)\nzr = tf.matmul(right, M)\n",
        'import keras\n\n\n' + "# tflearn-migrate helper: TF1Variable\n" + TF1_VARIABLE.code + "\n\n" + ''
        "left = keras.ops.relu(a)\nright = keras.ops.relu(b)\n"
        "M = TF1Variable([10, 4], keras.initializers.GlorotUniform(), tf1_name='metric')(left)\n"
        "zl = keras.ops.matmul(left, M)\nzr = keras.ops.matmul(right, M)\n")]
    INVALID = [*INVALID, Case(  # a function called twice: get_variable shares under reuse - no layer per call
        "import tensorflow as tf\n\ndef scale(x):\n    with tf.variable_scope('s', reuse=tf.AUTO_REUSE):\n        a = tf.get_variable('a', [4])\n    return x * a\n\ny1 = scale(x1)\ny2 = scale(x2)\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\ndef scale(x):\n    # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.AUTO_REUSE, tensorflow.variable_scope\n    with tf.variable_scope('s', reuse=tf.AUTO_REUSE):\n        a = tf.get_variable('a', [4])  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.get_variable\n    return x * a\n\ny1 = scale(x1)\ny2 = scale(x2)\n", ("TFM100", "TFM100"), todo=True)]
    INVALID = [*INVALID,
               # a text CNN: tf.Variable(pretrained) / get_variable tables read by embedding_lookup,
               # an attribute (self.W), a name bound per conv branch then again for the output layer
               # (each read keyed by the binding that reaches it), shape= a list name, xw_plus_b
               Case('import tensorflow as tf\n\nclass TextCNN:\n    def __init__(self, table, n):\n        self.table = table\n        self.n = n\n\n    def tower(self, ids, x):\n        self.W = tf.Variable(self.table, name="W")\n        emb = tf.nn.embedding_lookup(self.W, ids)\n        E = tf.get_variable("E", [100, 8])\n        emb2 = tf.nn.embedding_lookup(E, ids)\n        for k in (3, 4):\n            shape = [k, 8, 1, self.n]\n            W = tf.Variable(tf.truncated_normal(shape, stddev=0.1), name="W")\n            b = tf.Variable(tf.constant(0.1, shape=[self.n]), name="b")\n            c = tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="VALID")\n            h = tf.nn.relu(tf.nn.bias_add(c, b))\n        W = tf.get_variable("W", shape=[16, 4], initializer=tf.contrib.layers.xavier_initializer())\n        b = tf.Variable(tf.constant(0.1, shape=[4]), name="b")\n        return tf.nn.xw_plus_b(h, W, b, name="scores"), emb, emb2\n',
                    "import keras\n\n\n" + _TF1_EMBEDDING_OUT + "class TextCNN:\n    def __init__(self, table, n):\n        self.table = table\n        self.n = n\n\n    def tower(self, ids, x):\n        emb = TF1Embedding(\n            *keras.ops.shape(self.table),\n            embeddings_initializer=keras.initializers.Constant(self.table),\n        )(ids)\n        emb2 = TF1Embedding(100, 8, embeddings_initializer='glorot_uniform')(ids)\n        for k in (3, 4):\n            shape = [k, 8, 1, self.n]\n            c = keras.layers.Conv2D(\n                self.n,\n                (k, 8),\n                strides=(1, 1),\n                padding='valid',\n                kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n                bias_initializer=keras.initializers.Constant(0.1),\n            )(x)\n            h = keras.ops.relu(c)\n        return keras.layers.Dense(\n            4,\n            kernel_initializer=keras.initializers.GlorotUniform(),\n            bias_initializer=keras.initializers.Constant(0.1),\n        )(h), emb, emb2\n"),
               # a later binding of W in the loop reaches the read on the next pass: not translated
               Case('import tensorflow as tf\nW = tf.Variable(tf.zeros([4, 4]))\nfor i in range(3):\n    h = tf.matmul(h, W)\n    W = tf.Variable(tf.zeros([4, 4]))\n',
                    'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nW = tf.Variable(tf.zeros([4, 4]))  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Variable, tensorflow.zeros\nfor i in range(3):\n    h = keras.ops.matmul(h, W)\n    W = tf.Variable(tf.zeros([4, 4]))  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Variable, tensorflow.zeros\n',
                    ("TFM100", "TFM100"), todo=True)]
    INVALID = [*INVALID,
               # an l2 penalty accumulated and never read (sanku-lib): dropped with its weights, reported
               Case("import tensorflow as tf\n\nclass Net:\n    def __init__(self):\n        self.l2_loss = tf.constant(0.0)\n\n    def out(self, h):\n        W = tf.get_variable('W', shape=[16, 4])\n        b = tf.Variable(tf.constant(0.1, shape=[4]))\n        self.l2_loss += tf.nn.l2_loss(W)\n        self.l2_loss += tf.nn.l2_loss(b)\n        return tf.nn.xw_plus_b(h, W, b)\n",
                    'import keras\n\nclass Net:\n    def __init__(self):\n        self.l2_loss = keras.ops.convert_to_tensor(0.0)\n\n    def out(self, h):\n        return keras.layers.Dense(4, bias_initializer=keras.initializers.Constant(0.1))(h)\n', ("TFM135", "TFM135")),
               # the penalty is read by a loss: the weights stay variables (TODO), nothing dropped
               Case("import tensorflow as tf\n\nclass Net:\n    def __init__(self):\n        self.l2_loss = tf.constant(0.0)\n\n    def out(self, h):\n        W = tf.get_variable('W', shape=[16, 4])\n        b = tf.Variable(tf.constant(0.1, shape=[4]))\n        self.l2_loss += tf.nn.l2_loss(W)\n        self.l2_loss += tf.nn.l2_loss(b)\n        return tf.nn.xw_plus_b(h, W, b)\n\n    def loss(self, o):\n        return tf.reduce_mean(o) + 0.1 * self.l2_loss\n",
                    "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nclass Net:\n    def __init__(self):\n        self.l2_loss = keras.ops.convert_to_tensor(0.0)\n\n    def out(self, h):\n        W = tf.get_variable('W', shape=[16, 4])  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.get_variable\n        b = tf.Variable(keras.ops.full([4], 0.1))  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Variable\n        self.l2_loss += keras.ops.sum(keras.ops.square(W)) / 2\n        self.l2_loss += keras.ops.sum(keras.ops.square(b)) / 2\n        return keras.ops.add(keras.ops.matmul(h, W), b)\n\n    def loss(self, o):\n        return keras.ops.mean(o) + 0.1 * self.l2_loss\n", ('TFM100', 'TFM100'), todo=True)]
    INVALID = [*INVALID,
               # towers PARTLY shared in TF1: get_variable under reuse shares the kernel, the
               # tf.Variable bias is per tower -> the kernel's layer from the TF1-name store
               # (tf1_layer), a bias layer of its own per tower (TF1Bias); TFM201 reports the towers
               Case("import tensorflow as tf\n\ndef tower(x, reuse=False):\n    with tf.variable_scope('out', reuse=reuse):\n        W = tf.get_variable('W', shape=[8, 4])\n        b = tf.Variable(tf.constant(0.1, shape=[4]))\n        return tf.nn.xw_plus_b(x, W, b)\n\na = tower(x1)\nb2 = tower(x2, reuse=True)\nd = a - b2\n",
                    'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\n# tflearn-migrate helper: tf1_layer\nTF1_LAYERS = {}\n\n\ndef tf1_layer(name, make):\n    # TF1\'s variable store: the layer whose variables get_variable created under `name` is made\n    # once; a later call under reuse (another tower) gets the same layer, so the same weights.\n    # A new graph (tf.reset_default_graph -> keras.backend.clear_session, which restarts Keras\'\n    # uid counters) starts an empty store, as TF1\'s\n    if keras.backend.get_uid("tf1_layer") == 1:\n        TF1_LAYERS.clear()\n    if name not in TF1_LAYERS:\n        TF1_LAYERS[name] = make()\n    return TF1_LAYERS[name]\n\n\n# tflearn-migrate helper: TF1Bias\nclass TF1Bias(keras.layers.Layer):\n    # a bias variable of its own (tf.Variable) added on the last axis (tf.nn.bias_add / + b / xw_plus_b)\n    # to a layer whose kernel TF1 shared between towers: each tower gets its own bias, as in TF1\n\n    def __init__(self, bias_initializer="zeros", **kwargs):\n        super().__init__(**kwargs)\n        self.bias_initializer = keras.initializers.get(bias_initializer)\n\n    def build(self, input_shape):\n        self.bias = self.add_weight(shape=(input_shape[-1],), initializer=self.bias_initializer, name="bias")\n\n    def call(self, inputs):\n        return inputs + self.bias\n\n\ndef tower(x, reuse=False):\n    # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.variable_scope\n    with tf.variable_scope(\'out\', reuse=reuse):\n        return TF1Bias(keras.initializers.Constant(0.1))(tf1_layer(\'out/W\', lambda: keras.layers.Dense(4, use_bias=False))(x))\n\na = tower(x1)\nb2 = tower(x2, reuse=True)\nd = a - b2\n', ('TFM100',), todo=True)]
    INVALID = [*INVALID,
               # TensorFlow-Examples: weight dicts passed to the model function (called once): its
               # parameters are the dicts; the arguments and parameters go with the variables
               Case("import tensorflow as tf\n\ndef mlp(x, weights, biases):\n    h = tf.nn.relu(tf.add(tf.matmul(x, weights['h1']), biases['b1']))\n    return tf.matmul(h, weights['out']) + biases['out']\n\nweights = {'h1': tf.Variable(tf.random_normal([4, 8])), 'out': tf.Variable(tf.random_normal([8, 3]))}\nbiases = {'b1': tf.Variable(tf.random_normal([8])), 'out': tf.Variable(tf.zeros([3]))}\nlogits = mlp(x, weights, biases)\n",
                    "import keras\n\ndef mlp(x):\n    h = keras.ops.relu(keras.layers.Dense(\n        8,\n"
                    "        kernel_initializer=keras.initializers.RandomNormal(stddev=1.0),\n"
                    "        bias_initializer=keras.initializers.RandomNormal(stddev=1.0),\n    )(x))\n"
                    "    return keras.layers.Dense(\n        3,\n"
                    "        kernel_initializer=keras.initializers.RandomNormal(stddev=1.0),\n    )(h)\n"
                    "logits = mlp(x)\n"),
               # called twice: TF1 applies the SAME variables in both calls (a layer per call would not)
               Case("import tensorflow as tf\n\ndef mlp(x, weights):\n    return tf.matmul(x, weights['out'])\n\nweights = {'out': tf.Variable(tf.random_normal([8, 3]))}\na = mlp(x1, weights)\nb = mlp(x2, weights)\n",
                    "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
                    "import keras\n\ndef mlp(x, weights):\n    return keras.ops.matmul(x, weights['out'])\n\n"
                    "# TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Variable, tensorflow.random_normal\n"
                    "weights = {'out': tf.Variable(tf.random_normal([8, 3]))}\na = mlp(x1, weights)\nb = mlp(x2, weights)\n",
                    ("TFM100",), todo=True)]
    INVALID = [*INVALID,
               # TensorFlow-Examples' conv2d(x, W, b, strides=1) helper called with another dict entry per
               # call: the helper receives the layer built at each call (strides=2 at the first); the
               # flattening width read from a weight's static shape is written out
               Case("import tensorflow as tf\n\ndef conv2d(x, W, b, strides=1):\n    x = tf.nn.conv2d(x, W, strides=[1, strides, strides, 1], padding='SAME')\n    x = tf.nn.bias_add(x, b)\n    return tf.nn.relu(x)\n\ndef net(x, weights, biases):\n    h = conv2d(x, weights['c1'], biases['c1'], strides=2)\n    h = conv2d(h, weights['c2'], biases['c2'])\n    h = tf.reshape(h, [-1, weights['d'].get_shape().as_list()[0]])\n    return tf.matmul(h, weights['d'])\n\nweights = {'c1': tf.Variable(tf.random_normal([3, 3, 1, 4])), 'c2': tf.Variable(tf.random_normal([3, 3, 4, 8])),\n           'd': tf.Variable(tf.random_normal([4 * 4 * 8, 10]))}\nbiases = {'c1': tf.Variable(tf.zeros([4])), 'c2': tf.Variable(tf.random_normal([8], stddev=0.1))}\nout = net(img, weights, biases)\n",
                    "import keras\n\ndef conv2d(x, W, strides=1):\n    x = W(x)\n    x = x\n    return keras.ops.relu(x)\n\ndef net(x):\n    h = conv2d(x, keras.layers.Conv2D(\n        4,\n        (3, 3),\n        strides=(2, 2),\n        padding='same',\n        kernel_initializer=keras.initializers.RandomNormal(stddev=1.0),\n    ), strides=2)\n    h = conv2d(h, keras.layers.Conv2D(\n        8,\n        (3, 3),\n        strides=(1, 1),\n        padding='same',\n        kernel_initializer=keras.initializers.RandomNormal(stddev=1.0),\n        bias_initializer=keras.initializers.RandomNormal(stddev=0.1),\n    ))\n    h = keras.ops.reshape(h, [-1, (4 * 4 * 8)])\n    return keras.layers.Dense(\n        10,\n        kernel_initializer=keras.initializers.RandomNormal(stddev=1.0),\n        use_bias=False,\n    )(h)\nout = net(img)\n"),
               # the same variables passed to both calls: ONE weight in TF1, kept (no layer per call)
               Case('import tensorflow as tf\n\ndef fc(x, W, b):\n    return tf.nn.relu(tf.matmul(x, W) + b)\n\nW = tf.Variable(tf.random_normal([4, 4]))\nb = tf.Variable(tf.zeros([4]))\nh = fc(fc(x, W, b), W, b)\n',
                    'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\ndef fc(x, W, b):\n    return keras.ops.relu(keras.ops.matmul(x, W) + b)\n\nW = tf.Variable(tf.random_normal([4, 4]))  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Variable, tensorflow.random_normal\nb = tf.Variable(tf.zeros([4]))  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Variable, tensorflow.zeros\nh = fc(fc(x, W, b), W, b)\n', ("TFM100", "TFM100"), todo=True),
               # W read by two patterns (one weight in TF1, not two layers); a pattern in a loop applying
               # a variable made outside it (the same weight at every pass)
               Case('import tensorflow as tf\nW = tf.Variable(tf.random_normal([4, 4]))\nh1 = tf.matmul(x1, W)\nh2 = tf.matmul(x2, W)\nW2 = tf.Variable(tf.zeros([4, 4]))\nfor i in range(3):\n    h = tf.matmul(h, W2)\n',
                    'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nW = tf.Variable(tf.random_normal([4, 4]))  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Variable, tensorflow.random_normal\nh1 = keras.ops.matmul(x1, W)\nh2 = keras.ops.matmul(x2, W)\nW2 = tf.Variable(tf.zeros([4, 4]))  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Variable, tensorflow.zeros\nfor i in range(3):\n    h = keras.ops.matmul(h, W2)\n', ("TFM100", "TFM100"), todo=True)]
    INVALID = [*INVALID,
               # a layer helper's initializer PARAMETER (None: get_variable's glorot_uniform, which
               # Keras' add_weight(initializer=None) draws too) and a bias under ``if use_bias:``
               # -> use_bias=use_bias (the if goes with the bias)
               Case("import tensorflow as tf\n\n\ndef conv(x, k, n, init_w=None, use_bias=True):\n    w = tf.get_variable('weights', [k, k, x.get_shape().as_list()[-1], n], initializer=init_w)\n    out = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding='SAME')\n    if use_bias:\n        b = tf.get_variable('biases', [n], initializer=tf.zeros_initializer())\n        out = tf.nn.bias_add(out, b)\n    return tf.nn.relu(out)\n",
                    "import keras\n\n\ndef conv(x, k, n, init_w=None, use_bias=True):\n    out = keras.layers.Conv2D(\n        n,\n        (k, k),\n        strides=(1, 1),\n        padding='same',\n        kernel_initializer=init_w,\n        use_bias=use_bias,\n    )(x)\n    return keras.ops.relu(out)\n"),
               # the if does more than add the bias: the bias stays a TF1 variable (TODO)
               Case("import tensorflow as tf\n\n\ndef conv(x, k, n, use_bias=True):\n    w = tf.get_variable('weights', [k, k, 1, n])\n    out = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding='SAME')\n    if use_bias:\n        b = tf.get_variable('biases', [n])\n        out = tf.nn.bias_add(out, b)\n        out = out * 2.0\n    return out\n",
                    "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\ndef conv(x, k, n, use_bias=True):\n    out = keras.layers.Conv2D(\n        n,\n        (k, k),\n        strides=(1, 1),\n        padding='same',\n        use_bias=False,\n    )(x)\n    if use_bias:\n        b = tf.get_variable('biases', [n])  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.get_variable\n        out = keras.ops.add(out, b)\n        out = out * 2.0\n    return out\n", ("TFM100",), todo=True)]
    INVALID = [*INVALID, Case(  # the TF guide's conv_relu(inp, kernel_shape, bias_shape): shapes as parameters take their rank from the use; every call passes [.., n] and [n]: the layer's own bias; tf.Variable(truncated_normal(shape)) -> Dense(shape[-1])
        'import tensorflow as tf\n\ndef conv_relu(inp, kernel_shape, bias_shape):\n    weights = tf.get_variable("weights", kernel_shape, initializer=tf.random_normal_initializer(stddev=0.1))\n    biases = tf.get_variable("biases", bias_shape, initializer=tf.constant_initializer(0.0))\n    conv = tf.nn.conv2d(inp, weights, strides=[1, 1, 1, 1], padding=\'SAME\')\n    return tf.nn.relu(conv + biases)\n\ndef fc(x, shape):\n    W = tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n    b = tf.get_variable("b", shape=[shape[-1]])\n    return tf.nn.bias_add(tf.matmul(x, W), b)\n\ndef image_filter(images):\n    relu1 = conv_relu(images, [3, 3, 1, 8], [8])\n    return fc(tf.reshape(relu1, [-1, 8 * 8 * 8]), [8 * 8 * 8, 4])\n',
        "import keras\n\ndef conv_relu(inp, kernel_shape, bias_shape):\n    conv = keras.layers.Conv2D(\n        kernel_shape[-1],\n        kernel_shape[:2],\n        strides=(1, 1),\n        padding='same',\n        kernel_initializer=keras.initializers.RandomNormal(stddev=0.1),\n        bias_initializer=keras.initializers.Constant(0.0),\n    )(inp)\n    return keras.ops.relu(conv)\n\ndef fc(x, shape):\n    return keras.layers.Dense(\n        shape[-1],\n        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n        bias_initializer='glorot_uniform',\n    )(x)\n\ndef image_filter(images):\n    relu1 = conv_relu(images, [3, 3, 1, 8], [8])\n    return fc(keras.ops.reshape(relu1, [-1, 8 * 8 * 8]), [8 * 8 * 8, 4])\n")]
    INVALID = [*INVALID, Case(  # conv + biases with the helper never called: TF1BroadcastBias (TF1's broadcasting, whatever the shape); bias_add needs [filters]: the layer's bias; a shape rebound in the function is not read as its parameter
        'import tensorflow as tf\n\ndef conv_relu(inp, kernel_shape, bias_shape):\n    weights = tf.get_variable("weights", shape=kernel_shape)\n    biases = tf.get_variable("biases", shape=bias_shape, initializer=tf.constant_initializer(0.1))\n    conv = tf.nn.conv2d(inp, weights, strides=[1, 1, 1, 1], padding=\'SAME\')\n    return tf.nn.relu(conv + biases)\n\ndef conv_relu_bias_add(inp, kernel_shape, bias_shape):\n    weights = tf.get_variable("weights", kernel_shape)\n    biases = tf.get_variable("biases", bias_shape)\n    return tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(inp, weights, strides=[1, 2, 2, 1], padding=\'VALID\'), biases))\n\ndef conv_rebound(inp, kernel_shape):\n    kernel_shape = list(kernel_shape)\n    weights = tf.get_variable("weights", kernel_shape)\n    return tf.nn.conv2d(inp, weights, strides=[1, 1, 1, 1], padding=\'SAME\')\n',
        'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\n\n# tflearn-migrate helper: TF1BroadcastBias\nclass TF1BroadcastBias(keras.layers.Layer):\n    # a TF1 bias variable whose shape is known at run time only (get_variable("biases", bias_shape)),\n    # added as TF1 added it (conv + biases): with broadcasting, whatever the shape\n\n    def __init__(self, shape, bias_initializer="zeros", **kwargs):\n        super().__init__(**kwargs)\n        # the shape given to get_variable: a list / tuple, or one int (a vector)\n        self.bias_shape = (shape,) if isinstance(shape, int) else tuple(shape)\n        self.bias_initializer = keras.initializers.get(bias_initializer)\n\n    def build(self, input_shape):\n        self.bias = self.add_weight(shape=self.bias_shape, initializer=self.bias_initializer, name="bias")\n\n    def call(self, inputs):\n        return inputs + self.bias\n\n\ndef conv_relu(inp, kernel_shape, bias_shape):\n    conv = TF1BroadcastBias(bias_shape, keras.initializers.Constant(0.1))(keras.layers.Conv2D(\n        kernel_shape[-1],\n        kernel_shape[:2],\n        strides=(1, 1),\n        padding=\'same\',\n        use_bias=False,\n    )(inp))\n    return keras.ops.relu(conv)\n\ndef conv_relu_bias_add(inp, kernel_shape, bias_shape):\n    return keras.ops.relu(keras.layers.Conv2D(\n        kernel_shape[-1],\n        kernel_shape[:2],\n        strides=(2, 2),\n        padding=\'valid\',\n        bias_initializer=\'glorot_uniform\',\n    )(inp))\n\ndef conv_rebound(inp, kernel_shape):\n    kernel_shape = list(kernel_shape)\n    weights = tf.get_variable("weights", kernel_shape)  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.get_variable\n    return tf.nn.conv2d(inp, weights, strides=[1, 1, 1, 1], padding=\'SAME\')  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.nn.conv2d\n', ('TFM100', 'TFM100'), todo=True)]
    INVALID = [*INVALID, Case(  # the TF tutorials' weight_variable(shape) / bias_variable(shape) helpers (tf.Variable of truncated_normal / constant) called with literal shapes: the helpers go with their calls
        "import tensorflow as tf\n\ndef weight_variable(shape):\n    initial = tf.truncated_normal(shape, stddev=0.1)\n    return tf.Variable(initial)\n\ndef bias_variable(shape):\n    return tf.Variable(tf.constant(0.1, shape=shape))\n\nW_conv1 = weight_variable([5, 5, 1, 32])\nb_conv1 = bias_variable([32])\nh_conv1 = tf.nn.relu(tf.nn.conv2d(x_image, W_conv1, strides=[1, 1, 1, 1], padding='SAME') + b_conv1)\nW_fc1 = weight_variable([8 * 8 * 32, 64])\nb_fc1 = bias_variable([64])\nh_fc1 = tf.nn.relu(tf.matmul(tf.reshape(h_conv1, [-1, 8 * 8 * 32]), W_fc1) + b_fc1)\n",
        "import keras\n\nh_conv1 = keras.ops.relu(keras.layers.Conv2D(\n    32,\n    (5, 5),\n    strides=(1, 1),\n    padding='same',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n    bias_initializer=keras.initializers.Constant(0.1),\n)(x_image))\nh_fc1 = keras.ops.relu(keras.layers.Dense(\n    64,\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n    bias_initializer=keras.initializers.Constant(0.1),\n)(keras.ops.reshape(h_conv1, [-1, 8 * 8 * 32])))\n")]
    INVALID = [*INVALID, Case(  # the TF MNIST tutorial: conv2d(x, W) helper called with weight_variable([...]) kernels, the bias_variable([n]) bias added OUTSIDE the call: each call's layer gets it
        "import tensorflow as tf\n\ndef weight_variable(shape):\n    initial = tf.truncated_normal(shape, stddev=0.1)\n    return tf.Variable(initial)\n\ndef bias_variable(shape):\n    initial = tf.constant(0.1, shape=shape)\n    return tf.Variable(initial)\n\ndef conv2d(x, W):\n    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')\n\nW_conv1 = weight_variable([5, 5, 1, 32])\nb_conv1 = bias_variable([32])\nh_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)\nW_conv2 = weight_variable([5, 5, 32, 64])\nb_conv2 = bias_variable([64])\nh_conv2 = tf.nn.relu(conv2d(h_conv1, W_conv2) + b_conv2)\n",
        "import keras\n\ndef conv2d(x, W):\n    return W(x)\nh_conv1 = keras.ops.relu(conv2d(x_image, keras.layers.Conv2D(\n    32,\n    (5, 5),\n    strides=(1, 1),\n    padding='same',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n    bias_initializer=keras.initializers.Constant(0.1),\n)))\nh_conv2 = keras.ops.relu(conv2d(h_conv1, keras.layers.Conv2D(\n    64,\n    (5, 5),\n    strides=(1, 1),\n    padding='same',\n    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),\n    bias_initializer=keras.initializers.Constant(0.1),\n)))\n")]
    INVALID = [*INVALID,
               # a class's table ``self.W = tf.Variable(...)`` looked up for both ids in its constructor
               # (dhwajraj's SiameseLSTM): ONE variable in TF1, ONE Embedding on self.W applied twice
               Case("import tensorflow as tf\n\nclass Pair(object):\n    def __init__(self, a, b, vocab, dim):\n"
                    "        self.W = tf.Variable(tf.random_uniform([vocab, dim], -1.0, 1.0), trainable=True, name='W')\n"
                    "        self.ea = tf.nn.embedding_lookup(self.W, a)\n"
                    "        self.eb = tf.nn.embedding_lookup(self.W, b)\n",
                    "import keras\n\n\n" + _TF1_EMBEDDING_OUT + "class Pair(object):\n    def __init__(self, a, b, vocab, dim):\n"
                    "        self.W = TF1Embedding(\n            vocab,\n            dim,\n"
                    "            embeddings_initializer=keras.initializers.RandomUniform(minval=-1.0, maxval=1.0),\n"
                    "        )\n        self.ea = self.W(a)\n        self.eb = self.W(b)\n"),
               # ... the table also read outside the class (net.W): a layer is not its value - kept
               Case("import tensorflow as tf\n\nclass Pair(object):\n    def __init__(self, a, b, vocab, dim):\n"
                    "        self.W = tf.Variable(tf.random_uniform([vocab, dim], -1.0, 1.0), trainable=True, name='W')\n"
                    "        self.ea = tf.nn.embedding_lookup(self.W, a)\n"
                    "        self.eb = tf.nn.embedding_lookup(self.W, b)\n\nnet = Pair(a, b, 10, 4)\ntable = net.W\n",
                    "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n"
                    "class Pair(object):\n    def __init__(self, a, b, vocab, dim):\n"
                    "        # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.Variable, tensorflow.random_uniform\n"
                    "        self.W = tf.Variable(tf.random_uniform([vocab, dim], -1.0, 1.0), trainable=True, name='W')\n"
                    "        self.ea = tf.nn.embedding_lookup(self.W, a)  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.nn.embedding_lookup\n"
                    "        self.eb = tf.nn.embedding_lookup(self.W, b)  # TODO(tflearn-migrate): TFM100 no Keras translation for tensorflow.nn.embedding_lookup\n"
                    "\nnet = Pair(a, b, 10, 4)\ntable = net.W\n", ("TFM100", "TFM100", "TFM100"), todo=True)]
    # a matrix starting at the identity (a dual encoder's bilinear score c^T M r): Dense, Identity kernel
    INVALID = [*INVALID, Case("import tensorflow as tf\n\n\ndef match_score(q_vec, a_vec, dim):\n    bilinear = tf.Variable(tf.eye(dim), name='bilinear')\n    return tf.reduce_sum(q_vec * tf.matmul(a_vec, bilinear), axis=1)\n",
        'import keras\n\n\ndef match_score(q_vec, a_vec, dim):\n    return keras.ops.sum(q_vec * keras.layers.Dense(\n        dim,\n        kernel_initializer=keras.initializers.Identity(),\n        use_bias=False,\n    )(a_vec), axis=1)\n')]
    INVALID = [*INVALID, Case(  # scalar tf.Variable(<float>)s read by * and + (a learned cosine scale / shift)
        'import keras\nimport tensorflow as tf\nh = keras.layers.Dense(3)(x)\ncos = tf.reduce_sum(h * h, 1)\nscale = tf.Variable(5.0, name="scale")\nshift = tf.Variable(-2.0)\nlogits = scale * cos + shift\n',
        "import keras\n\n\n" + "# tflearn-migrate helper: TF1Variable\n" + TF1_VARIABLE.code + '\n\nh = keras.layers.Dense(3)(x)\ncos = keras.ops.sum(h * h, axis=1)\nscale = TF1Variable([], keras.initializers.Constant(5.0), tf1_name=\'scale\')(cos)\nshift = TF1Variable([], keras.initializers.Constant(-2.0))(cos)\nlogits = scale * cos + shift\n')]
    REQUIRES = ("TFM130", "TFM100")


def _formatted_name(arg: cst.BaseExpression) -> bool:
    """A variable name computed from a string literal and plain names (``"W-%s" % filter_size``,
    ``"b" + str(i)``, an f-string of names): nothing it reads has side effects."""
    if isinstance(arg, cst.BinaryOperation) and isinstance(arg.operator, cst.Modulo):
        return isinstance(arg.left, cst.SimpleString) and all(
            isinstance(n, (cst.Name, cst.Tuple, cst.Element, cst.Comma, cst.SimpleString, cst.Integer,
                           cst.LeftParen, cst.RightParen, cst.ParenthesizedWhitespace, cst.SimpleWhitespace))
            for n in _walk(arg.right))
    if isinstance(arg, cst.FormattedString):
        return all(isinstance(p, cst.FormattedStringText) or (
            isinstance(p, cst.FormattedStringExpression) and isinstance(p.expression, cst.Name)
            and p.conversion is None and p.format_spec is None) for p in arg.parts)
    return False
