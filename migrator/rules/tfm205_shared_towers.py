"""TFM205: towers that SHARE variables in TF1 (decided by migrator/analysis/sharing.py) ->
ONE Keras encoder model applied to each input."""
from __future__ import annotations

import re

import libcst as cst

from ..analysis.sharing import CELLS, GET_SCOPE, Sharing, TowerGroup, pretty
from ..emit import call, code, stmt, to_node
from ..names import dotted
from ..translate.encoder import apply_encoder, encoder_name, encoder_statements
from ..helpers import register
from ..analysis.siamese import walk
from ..translate.tf1_helpers import TF1_MODE_DROPOUT
from ..translate.tf1_helpers import TF1_LAYER
from .base import Case, Rule

_REUSE_PARAM = re.compile(r"reus", re.I)
_MODE_LAYERS = ("tensorflow.layers.dropout", "tensorflow.layers.batch_normalization")
_LAYER_ROOTS = ("tensorflow.layers.", "tensorflow.contrib.layers.", "tensorflow.contrib.slim.", "tflearn.")

TF1_FIXED_MODE = register("TF1FixedMode", '''
class TF1FixedMode(keras.layers.Layer):
    # One TF1 tower of a pair that shares its variables but was built in a constant mode
    # (tf.layers.dropout(training=True) in the training tower, training=False in the evaluation
    # one): TF1 kept each tower in its mode whatever ran it. A functional Keras model passes ITS
    # training flag to every layer call, so this layer applies the shared encoder in its own mode
    def __init__(self, tower, training, **kwargs):
        super().__init__(**kwargs)
        self.tower = tower
        self.fixed_training = training

    def call(self, inputs, training=None):
        return self.tower(inputs, training=self.fixed_training)
''', imports=[("keras", None, None)])


def reuse_params(fn: cst.FunctionDef) -> set[str]:
    """Parameters of a tower builder that only say "reuse": named so (``reuse``, ``reuse_vars``),
    or passed as a ``reuse=`` argument / tested by an ``if`` around ``reuse_variables()`` inside."""
    names = {p.name.value for p in fn.params.params}
    out = {n for n in names if _REUSE_PARAM.search(n)}
    for n in walk(fn):
        if isinstance(n, cst.Arg) and n.keyword is not None and n.keyword.value == "reuse" \
                and isinstance(n.value, cst.Name) and n.value.value in names:
            out.add(n.value.value)
        if isinstance(n, cst.If) and isinstance(n.test, cst.Name) and n.test.value in names \
                and _reuse_only(n):
            out.add(n.test.value)
    return out


def _reuse_only(n: cst.If) -> bool:
    """``if reuse: scope.reuse_variables()`` (optionally ``else: assert ...``)."""
    body = n.body.body if isinstance(n.body, cst.IndentedBlock) else []
    if not body or not all(_is_reuse_stmt(s) for s in body):
        return False
    if n.orelse is None:
        return True
    other = n.orelse.body.body if isinstance(n.orelse, cst.Else) and isinstance(n.orelse.body, cst.IndentedBlock) \
        else []
    return bool(other) and all(isinstance(s, cst.SimpleStatementLine) and all(isinstance(x, cst.Assert)
                                                                             for x in s.body) for s in other)


def layer_reuse_args(sharing: Sharing, fn: cst.FunctionDef) -> set[int]:
    """ids of the ``reuse=<flag>`` arguments of the layers a tower builder calls: meaningless
    once the builder runs once (an encoder), and what keeps the layer rules from translating."""
    params = reuse_params(fn)
    out: set[int] = set()
    for n in walk(fn):
        q = sharing.qname(n.func) if isinstance(n, cst.Call) else ""
        if q.startswith(_LAYER_ROOTS) or q in CELLS:
            for a in n.args:
                if a.keyword is not None and a.keyword.value == "reuse" and (
                        (isinstance(a.value, cst.Name) and (a.value.value in params or a.value.value in ("True", "False")))
                        or _scope_reuse(sharing, a.value)):
                    out.add(id(a))
    return out


def _scope_reuse(sharing: Sharing, node: cst.BaseExpression) -> bool:
    """``tf.get_variable_scope().reuse`` (a cell made with the reuse of the scope around it)."""
    return (isinstance(node, cst.Attribute) and node.attr.value == "reuse" and isinstance(node.value, cst.Call)
            and not node.value.args and sharing.qname(node.value.func) in GET_SCOPE)


def _input_first(fn: cst.FunctionDef, call: cst.Call, method: bool) -> bool:
    """The call passes the tower's input first: positionally, or by the name of the builder's first
    parameter (``self.LSTM(sequence=x, reuse=True)``)."""
    if not call.args or call.args[0].star:
        return False
    a = call.args[0]
    if a.keyword is None:
        return True
    params = [p.name.value for p in fn.params.params][1 if method else 0:]
    return bool(params) and a.keyword.value == params[0]


def _bound_params(fn: cst.FunctionDef, call: cst.Call, method: bool) -> list[tuple[str | None, cst.Arg]]:
    params = [p.name.value for p in fn.params.params][1 if method else 0:]
    out = []
    i = 0
    for a in call.args:
        if a.keyword is not None:
            out.append((a.keyword.value, a))
        elif not a.star:
            out.append((params[i] if i < len(params) else None, a))
            i += 1
    return out


class SharedPlan:
    """``ctx.analysis(SharedPlan)``: what TFM205 does with each shared group."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        sharing: Sharing = ctx.analysis(Sharing)
        taken = {n.value for n in walk(ctx.module) if isinstance(n, cst.Name)}
        # id(statement) -> its tower calls: (group, index of the call in the group, the call);
        # ``a, b = tower(x1), tower(x2)`` holds two
        self.by_stmt: dict[int, list[tuple[TowerGroup, int, cst.Call]]] = {}
        self.encoder: dict[int, str] = {}
        self.problem: dict[int, str] = {}
        self.extra: dict[int, list[cst.Arg]] = {}
        self.modes: dict[int, list[bool]] = {}   # group -> each tower's constant dropout mode
        # towers built as written (their calls differ besides the input): group -> id(layer call)
        # -> its TF1 variable-scope name; the layers come from a store keyed by it (tf1_layer)
        self.stored: dict[int, dict[int, str]] = {}
        self.stored_calls: dict[int, str] = {}
        self.mode_params: dict[int, set[str]] = {}   # id(builder) -> its constant-mode parameters
        self.strip_args: set[int] = set()
        self.remove: set[int] = set()
        self.groups: list[TowerGroup] = []
        handled_fns: dict[int, list[TowerGroup]] = {}
        from .tfm206_tflearn_reuse_towers import ReuseTowers

        tflearn_towers = ctx.analysis(ReuseTowers).by_call   # TFM206 builds those encoders
        from ..translate.tf1_store import store_function

        for g in sharing.groups:
            if g.verdict != "shared" or any(id(c) in tflearn_towers for c in g.calls):
                continue
            if g.function is not None and store_function(ctx, g.function.body) is not None:
                continue  # a model class built twice: its layers come from TF1's store (translate/tf1_store.py)
            self.groups.append(g)
            k = id(g)
            why = self._why_not(g)
            if why:
                self.stored.pop(k, None)
                self.mode_params.pop(id(g.function), None)
                if not g.from_earlier_run:  # (that run's TODO already says so)
                    self.problem[k] = why
                continue
            if k in self.stored:
                self.stored_calls.update(self.stored[k])
            else:
                self.encoder[k] = encoder_name(ctx, taken)
                taken.add(self.encoder[k])
                for i, c in enumerate(g.calls):
                    self.by_stmt.setdefault(id(ctx.statement_of(c)), []).append((g, i, c))
            handled_fns.setdefault(id(g.function), []).append(g)
            # reuse_variables() between the calls, in the scope that makes them
            first, last = ctx.position(g.calls[0]), ctx.position(g.calls[-1])
            for n in walk(g.entry):
                if _is_reuse_stmt(n) and first < ctx.position(n) < last:
                    self.remove.add(id(n))
        # inside builders whose every call is a handled tower: reuse= of layers, reuse_variables()
        all_calls = {id(c) for gs in handled_fns.values() for g in gs for c in g.calls}
        for gs in handled_fns.values():
            fn = gs[0].function
            name = fn.name.value
            others = [n for n in walk(ctx.module) if isinstance(n, cst.Call) and id(n) not in all_calls
                      and ((isinstance(n.func, cst.Name) and n.func.value == name)
                           or (isinstance(n.func, cst.Attribute) and n.func.attr.value == name))]
            if others:
                continue
            self.strip_args.update(layer_reuse_args(sharing, fn))
            for n in walk(fn):
                if _is_reuse_stmt(n):
                    self.remove.add(id(n))
                if isinstance(n, cst.If) and _reuse_only(n):
                    self.remove.add(id(n))
                    if isinstance(n.orelse, cst.Else):  # its ``assert ...reuse is False`` lines go with it
                        self.remove.update(id(st) for st in n.orelse.body.body)

    def _why_not(self, g: TowerGroup) -> str | None:
        ctx = self.ctx
        if g.in_loop:
            return "the towers are one call executed by a loop"
        method = is_method(ctx, g.function)
        extras = []
        for c in g.calls:
            if _call_target(ctx, c) is None:
                return "a tower call is not a plain assignment `out = tower(x, ...)`"
            if not _input_first(g.function, c, method):
                return "a tower call does not pass its input first"
            bound = _bound_params(g.function, c, method)
            params = reuse_params(g.function)
            extras.append([f"{p}={code(a.value).strip()}" for p, a in bound[1:] if not (p in params or p == "reuse")])
        if any(e != extras[0] for e in extras):
            modes = self._fixed_modes(g, method)
            if modes is not None:
                self.modes[id(g)] = modes
            else:
                stored = self._stored_towers(g, method)
                if stored is None:
                    return "the tower calls pass different arguments besides the input and reuse"
                self.stored[id(g)] = stored
        if len({code(c.func).strip() for c in g.calls}) != 1:
            return "the towers are called through different names"
        # a TF1 program that stays TF1 as a whole (TFM140 cannot translate one of its runs) keeps
        # its towers too: a Keras encoder inside a kept Session program is half a translation
        from .tfm201_unshared_towers import _program_stays_tf1

        if _program_stays_tf1(ctx, g.calls[0]):
            return "the TF1 program around them stays TF1 (TFM140: one of its sess.run calls is not translated)"
        return None

    def _stored_towers(self, g: TowerGroup, method: bool) -> dict[int, str] | None:
        """Towers whose calls differ in more than a dropout mode (TensorFlow-Examples' ``conv_net(x,
        ..., reuse=False, is_training=True)`` / ``(..., reuse=True, is_training=False)``, the mode
        also choosing ``tf.nn.softmax(out) if not is_training else out``): TF1 builds each tower
        as written, with the same variables. Kept as written, each weighted layer taken from a
        store keyed by its TF1 name (``tf1_layer('ConvNet/conv2d', lambda: ...)``) when every one
        gets one name at every execution (analysis/sharing.py ``stored_layers``). A parameter read
        as ``training=`` of a tf.layers dropout / batch normalization must be a constant at every
        call: TF1 fixed that tower's mode (TFM131 pins it, ``TF1ModeDropout``). None otherwise."""
        fn = g.function
        stored = self.ctx.analysis(Sharing).stored_layers(g, shared_ok=True)
        if not stored:
            return None
        params = [p for p in fn.params.params][1 if method else 0:]
        names = {p.name.value for p in params}
        sharing: Sharing = self.ctx.analysis(Sharing)
        modes: set[str] = set()
        for n in walk(fn.body):
            if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                return None  # a nested scope could rebind or capture a parameter
            if isinstance(n, cst.Call) and sharing.qname(n.func) in _MODE_LAYERS:
                for a in n.args:
                    if a.keyword is not None and a.keyword.value == "training" \
                            and isinstance(a.value, cst.Name) and a.value.value in names:
                        modes.add(a.value.value)
                if len([a for a in n.args if a.keyword is None]) > 4:
                    return None  # training= passed positionally
        rebound = {t.value for n in walk(fn.body) if isinstance(n, cst.Assign)
                   for t in (x.target for x in n.targets) if isinstance(t, cst.Name)}
        if modes & rebound:
            return None
        defaults = {p.name.value: p.default for p in params}
        for c in g.calls:
            bound = {p: a.value for p, a in _bound_params(fn, c, method)}
            for p in modes:
                v = bound.get(p, defaults.get(p))
                if not (isinstance(v, cst.Name) and v.value in ("True", "False")):
                    return None
        self.mode_params[id(fn)] = modes
        return stored

    def mode_param(self, node: cst.CSTNode, name: str) -> bool:
        """Is ``name`` read at ``node`` a constant-mode parameter of a builder whose towers are
        kept as written (:meth:`_stored_towers`)?"""
        if not self.mode_params:
            return False
        fn = self.ctx.parent(node)
        while fn is not None and not isinstance(fn, cst.FunctionDef):
            fn = self.ctx.parent(fn)
        return fn is not None and name in self.mode_params.get(id(fn), ())

    def _fixed_modes(self, g: TowerGroup, method: bool) -> list[bool] | None:
        """Towers that differ only in a mode parameter: each call passes ``True`` / ``False`` for
        one parameter the builder reads only as ``tf.layers.dropout(..., training=<it>)`` (TensorFlow-
        Examples' ``conv_net(x, ..., reuse=False, is_training=True)`` / ``(..., reuse=True,
        is_training=False)``). The shared encoder is then applied in each call's constant mode
        (``TF1FixedMode``); the layers no longer read the parameter (TFM131 leaves the mode to
        Keras). None when anything else differs."""
        fn = g.function
        params = reuse_params(fn)
        bound = [{p: a for p, a in _bound_params(fn, c, method)[1:] if not (p in params or p == "reuse")}
                 for c in g.calls]
        if any(None in b or set(b) != set(bound[0]) for b in bound):
            return None
        differ = {p for p in bound[0] if len({code(b[p].value).strip() for b in bound}) > 1}
        if len(differ) != 1:
            return None
        (p,) = differ
        modes = []
        for b in bound:
            v = b[p].value
            if not (isinstance(v, cst.Name) and v.value in ("True", "False")):
                return None
            modes.append(v.value == "True")
        allowed: set[int] = set()
        sharing: Sharing = self.ctx.analysis(Sharing)
        for n in walk(fn.body):
            if isinstance(n, cst.Call) and sharing.qname(n.func) == "tensorflow.layers.dropout":
                for a in n.args:
                    if a.keyword is not None and a.keyword.value == "training" \
                            and isinstance(a.value, cst.Name) and a.value.value == p:
                        allowed.add(id(a.value))
            if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                return None  # a nested scope could rebind or capture it
        reads = [n for n in walk(fn.body) if isinstance(n, cst.Name) and n.value == p]
        if not allowed or any(id(n) not in allowed for n in reads):
            return None
        return modes


def _call_target(ctx, c: cst.Call) -> cst.BaseExpression | None:
    """What the tower call ``c`` is assigned to: ``out = tower(x)`` (``out`` may be a tuple, see
    :func:`_plain_target`), or one element of ``a, b = tower(x1), tower(x2)`` (a name or an
    attribute). None for any other statement."""
    stmt = ctx.statement_of(c)
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Assign) and len(stmt.body[0].targets) == 1):
        return None
    target, value = stmt.body[0].targets[0].target, stmt.body[0].value
    if value is c:
        return target if _plain_target(target) else None
    if isinstance(value, cst.Tuple) and isinstance(target, (cst.Tuple, cst.List)) \
            and len(value.elements) == len(target.elements) \
            and all(isinstance(e, cst.Element) for e in (*value.elements, *target.elements)):
        for v, t in zip(value.elements, target.elements):
            if v.value is c:
                return t.value if isinstance(t.value, (cst.Name, cst.Attribute)) else None
    return None


def _plain_target(t: cst.BaseExpression) -> bool:
    """``out`` / ``self.out``, or a tuple of them for a tower returning several tensors
    (``self.emb, self.logits = self.tower(x)``: the encoder has as many outputs)."""
    if isinstance(t, (cst.Tuple, cst.List)):
        return bool(t.elements) and all(isinstance(e, cst.Element) and isinstance(e.value, (cst.Name, cst.Attribute))
                                        for e in t.elements)
    return isinstance(t, (cst.Name, cst.Attribute))


def is_method(ctx, fn: cst.FunctionDef) -> bool:
    """Is ``fn`` defined in a class (its first parameter is bound by the call)?"""
    return isinstance(ctx.parent(ctx.parent(fn)), cst.ClassDef)


def _is_reuse_stmt(n: cst.CSTNode) -> bool:
    """``scope.reuse_variables()`` / ``tf.get_variable_scope().reuse_variables()`` as a statement."""
    return (isinstance(n, cst.SimpleStatementLine) and len(n.body) == 1 and isinstance(n.body[0], cst.Expr)
            and isinstance(n.body[0].value, cst.Call) and isinstance(n.body[0].value.func, cst.Attribute)
            and n.body[0].value.func.attr.value == "reuse_variables" and not n.body[0].value.args)


class SharedTowers(Rule):
    ID = "TFM205"
    # TF1 sharing needs reuse (reuse=, reuse_variables(), AUTO_REUSE), a layer object called twice
    # (tf.layers.Dense / keras.layers), or a sharing scope an earlier run kept (TFM138's TODO)
    TRIGGERS = (("tensorflow", "reuse"), ("tensorflow", "REUSE"), ("tensorflow", "layers"), "keras", "TFM138",
                ("tflearn", "reuse"))
    NAME = "shared-towers"
    MESSAGE = "towers that share variables in TF1 -> one encoder model applied to each input"
    RATIONALE = ("Which towers share is decided by TF1's variable store (migrator/analysis/sharing.py): "
                 "get_variable - and tf.layers / contrib / tflearn layers with explicit names - under "
                 "`reuse=True`, `scope.reuse_variables()`, `tf.get_variable_scope().reuse_variables()` or "
                 "`tf.AUTO_REUSE` return the first tower's variables; tf.Variable never does. Keras has no "
                 "name-based sharing: calling the tower builder twice would create two sets of layers, a "
                 "silent change of the model. The faithful translation builds the tower once as a Keras "
                 "model (keras.io's siamese_contrastive style) and applies it to every input; the builder's "
                 "reuse= arguments and reuse_variables() calls, now meaningless, are dropped; a later tower "
                 "whose reuse= is a run-time flag becomes `encoder(x) if flag else <the builder called "
                 "again>` (TF1 shared only when the flag was true). Towers the "
                 "rule cannot rewrite (a loop, calls with different arguments) keep a TODO.")
    ORDER = 40

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        if id(original) in self.ctx.analysis(SharedPlan).strip_args:
            return cst.RemoveFromParent()
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        plan: SharedPlan = self.ctx.analysis(SharedPlan)
        name = plan.stored_calls.get(id(original))
        if name is not None:
            return self._store_layer(original, updated, name)
        # a reuse= argument removed last: no comma left after the new last argument
        strip = plan.strip_args
        if strip and any(id(a) in strip for a in original.args) and updated.args \
                and isinstance(updated.args[-1].comma, cst.Comma) and not isinstance(original.args[-1].comma, cst.Comma):
            return updated.with_changes(args=[*updated.args[:-1], updated.args[-1].with_changes(
                comma=cst.MaybeSentinel.DEFAULT)])
        return updated

    def _store_layer(self, original: cst.Call, updated: cst.Call, name: str) -> cst.BaseExpression:
        """``keras.layers.X(...)(x)`` -> ``tf1_layer('scope/name', lambda: keras.layers.X(...))(x)``:
        the layer TF1's variable store gives every tower that builds it (rules/tfm201's helper)."""
        if not isinstance(updated.func, cst.Call):  # not translated to a Keras layer applied to x
            self.todo(original, f"this layer is not taken from the store of the layers its towers "
                                f"share ({name}): each tower would make its own")
            return updated
        self.ctx.use_helper("tf1_layer")
        make = cst.Lambda(params=cst.Parameters(), body=updated.func)
        return updated.with_changes(func=cst.Call(func=cst.Name("tf1_layer"),
                                                  args=[cst.Arg(cst.SimpleString(repr(name))), cst.Arg(make)]))

    def leave_If(self, original, updated):
        if id(original) in self.ctx.analysis(SharedPlan).remove:
            parent = self.ctx.parent(original)
            if isinstance(parent, cst.IndentedBlock) and len(parent.body) == 1:
                return cst.SimpleStatementLine([cst.Pass()])
            return cst.RemoveFromParent()
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        plan: SharedPlan = self.ctx.analysis(SharedPlan)
        if id(original) in plan.remove:
            parent = self.ctx.parent(original)
            if isinstance(parent, cst.IndentedBlock) and len(parent.body) == 1:
                return updated.with_changes(body=[cst.Pass()])
            return cst.RemoveFromParent()
        hits = plan.by_stmt.get(id(original))
        if hits is None:
            self._problem(original, plan)
            return updated
        value = updated.body[0].value
        if len(hits) == 1 and original.body[0].value is hits[0][2]:  # out = tower(x)
            applied = self._apply(hits[0], value)
            if applied is None:
                return updated
            new_value: cst.BaseExpression = applied
        else:  # a, b = tower(x1), tower(x2): each call replaced where it stands
            positions = [o.value for o in original.body[0].value.elements]
            elements = list(value.elements)
            for hit in hits:
                k = next(j for j, o in enumerate(positions) if o is hit[2])
                applied = self._apply(hit, elements[k].value)
                if applied is None:
                    return updated
                elements[k] = elements[k].with_changes(value=applied)
            new_value = value.with_changes(elements=elements)
        new = updated.with_changes(body=[updated.body[0].with_changes(value=new_value)])
        self.ctx.add_import("keras")
        first = next((h for h in hits if h[1] == 0), None)
        if first is None:
            return new
        g, _, call_ = first
        enc = plan.encoder[id(g)]
        k = [o.value for o in original.body[0].value.elements].index(call_) \
            if original.body[0].value is not call_ else None
        value = value if k is None else value.elements[k].value
        x = value.args[0].value
        modes = plan.modes.get(id(g))
        names = ", ".join(pretty(k) for k in g.shared[:4]) + (" ..." if len(g.shared) > 4 else "")
        self.report(original, f"{g.name}() towers share their variables in TF1 ({names}): one encoder "
                              f"model {enc} applied to each of the {len(g.calls)} inputs")
        params = reuse_params(g.function)
        bound = _bound_params(g.function, value, is_method(self.ctx, g.function))
        # a reuse parameter without a default must still be passed, positionally or by keyword (the first call's value:
        # the layers' reuse= arguments that read it are dropped, so its value no longer matters)
        required = {q.name.value for q in g.function.params.params if q.default is None}
        extra = [a for p, a in bound[1:] if not (p in params or p == "reuse") or p in required]
        # float64 / float16 programs: the encoder's input takes the dtype of the tensor it is applied
        # to (a float32 keras.Input would cast a float64 input down)
        typed = self._typed_input(call_.args[0].value)
        stmts = encoder_statements(enc, value.func, self._shape_sample(g, x, original), extra, input_dtype=typed)
        if modes is not None:
            # the input may be a structure (an Estimator's features dict): one keras.Input per tensor
            stmts[0] = stmt("{n} = keras.tree.map_structure(lambda t: keras.Input(shape=t.shape[1:], "
                            "dtype=t.dtype), {x})", n=cst.Name(f"{enc}_input"), x=x)
        stmts[0] = stmts[0].with_changes(leading_lines=original.leading_lines)
        return cst.FlattenSentinel([*stmts, new.with_changes(leading_lines=[])])

    def _apply(self, hit: tuple[TowerGroup, int, cst.Call], value: cst.BaseExpression):
        """The encoder applied where the tower call ``value`` (updated) was; None if it is no call."""
        g, i, _ = hit
        plan: SharedPlan = self.ctx.analysis(SharedPlan)
        enc = plan.encoder[id(g)]
        if not isinstance(value, cst.Call) or not value.args:
            return None
        x = value.args[0].value
        applied: cst.BaseExpression = apply_encoder(enc, x)
        modes = plan.modes.get(id(g))
        if modes is not None:
            # a tower built in a constant mode: the shared encoder applied in that mode
            self.ctx.use_helper("TF1FixedMode")
            applied = cst.Call(func=call("TF1FixedMode", cst.Name(enc), training=to_node(modes[i])),
                               args=[cst.Arg(x)])
        flag = self._reuse_flag(g, value) if i > 0 else None
        if flag is not None:
            # ``reuse=<flag>`` decided at run time (``sharing=False`` builds a second tower in
            # TF1): the encoder when the flag is true, a fresh tower - the builder called again,
            # new Keras layers - when it is false
            applied = cst.IfExp(test=flag, body=applied, orelse=value)
        self.ctx.count(self)
        return applied

    def _shape_sample(self, g: TowerGroup, x: cst.BaseExpression, stmt) -> cst.BaseExpression:
        """The tensor whose shape the encoder's input takes: the first tower's input, unless that
        is an expression that calls something (``discriminator(generator(z))``: reading its shape
        would build the inner layers a second time) - then another tower's input that is a
        name bound before ``stmt`` (every tower input of one encoder has the same shape)."""
        if not any(isinstance(n, cst.Call) for n in walk(x)):
            return x
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        for c in g.calls:
            a = c.args[0].value if c.args else None
            if isinstance(a, cst.Name) and flow.def_of(a.value, stmt) is not None:
                return cst.Name(a.value)
        return x

    def _typed_input(self, x: cst.BaseExpression) -> bool:
        """Does the encoder input need the dtype of the tensor it is applied to? In a file using
        float64 / float16, unless that tensor is a placeholder of another dtype (a float32 Input)."""
        code_ = self.ctx.module_code
        if "float64" not in code_ and "float16" not in code_:
            return False
        if isinstance(x, cst.Name):
            from ..analysis.flow import Flow

            d = self.ctx.analysis(Flow).def_of(x.value, x)
            v = d.value if d is not None else None
            if isinstance(v, cst.Call) and self.ctx.legacy_name(v.func) == "tensorflow.placeholder":
                return "float64" in code(v) or "float16" in code(v)
        return True

    def _reuse_flag(self, g: TowerGroup, call: cst.Call) -> cst.BaseExpression | None:
        """The reuse argument of a later tower call when it is not a constant (a flag such as
        ``sharing``): TF1 shared the variables only when it was true."""
        params = reuse_params(g.function)
        for p, a in _bound_params(g.function, call, is_method(self.ctx, g.function))[1:]:
            if p in params or p == "reuse":
                v = a.value
                if isinstance(v, cst.Name) and v.value in ("True", "False", "None"):
                    return None
                d = dotted(v) or ""
                if d.endswith("AUTO_REUSE"):
                    return None
                return v
        return None

    def _problem(self, original, plan: SharedPlan) -> None:
        for g in plan.groups:
            if id(g) in plan.stored and self.ctx.statement_of(g.calls[0]) is original:
                names = ", ".join(pretty(k) for k in g.shared[:4]) + (" ..." if len(g.shared) > 4 else "")
                self.report(original, f"{g.name}() towers share their variables in TF1 ({names}) but their "
                                      f"calls differ besides the input: each tower is built as written, "
                                      f"its layers taken from a store keyed by their TF1 names (tf1_layer)")
                self.ctx.count(self)
                continue
            why = plan.problem.get(id(g))
            if why and self.ctx.statement_of(g.calls[0]) is original:
                self.todo(original, f"{g.name}() towers share their variables in TF1 but are not "
                                    f"turned into one encoder: {why}")

    VALID = [
        "def tower(x):\n    return x\na = tower(x1)\nb = tower(x2)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n\ndef tower(x):\n    return tf.layers.dense(x, 4, name='fc')\n\n"
             "x1 = tf.placeholder(tf.float32, [None, 3])\nx2 = tf.placeholder(tf.float32, [None, 3])\n"
             "with tf.variable_scope('siamese') as scope:\n    o1 = tower(x1)\n    scope.reuse_variables()\n"
             "    o2 = tower(x2)\n",
             "import keras\n\ndef tower(x):\n    return keras.layers.Dense(4)(x)\n\n"
             "x1 = keras.Input(shape=(3,))\nx2 = keras.Input(shape=(3,))\n"
             "encoder_input = keras.Input(shape=x1.shape[1:])\n"
             "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
             "o1 = encoder(x1)\no2 = encoder(x2)\n", ("TFM205",)),
        # a method called with reuse=False / reuse=True (named tf.layers inside)
        Case("import tensorflow as tf\n\nclass Net:\n"
             "    def __init__(self, a, b):\n"
             "        self.o1 = self.tower(a, reuse=False)\n"
             "        self.o2 = self.tower(b, reuse=True)\n\n"
             "    def tower(self, x, reuse=False):\n"
             "        return tf.layers.dense(x, 4, name='fc', reuse=reuse)\n",
             "import keras\n\nclass Net:\n"
             "    def __init__(self, a, b):\n"
             "        encoder_input = keras.Input(shape=a.shape[1:])\n"
             "        encoder = keras.Model(encoder_input, self.tower(encoder_input), name='encoder')\n"
             "        self.o1 = encoder(a)\n"
             "        self.o2 = encoder(b)\n\n"
             "    def tower(self, x, reuse=False):\n"
             "        return keras.layers.Dense(4)(x)\n", ("TFM205",)),
    ]
    INVALID = [*INVALID, Case(  # if reuse: get_variable_scope().reuse_variables() else: assert ... (no report left)
        "import tensorflow as tf\n\ndef tower(inputs, name, reuse):\n    with tf.variable_scope(name):\n        if reuse:\n            tf.get_variable_scope().reuse_variables()\n        else:\n            assert tf.get_variable_scope().reuse is False\n        h = tf.layers.dense(inputs, 8, name='fc1')\n        return tf.layers.dense(h, 4, name='fc2')\n\ndef train(A, B, Y):\n    x1 = tf.placeholder(tf.float32, [None, 4])\n    x2 = tf.placeholder(tf.float32, [None, 4])\n    y = tf.placeholder(tf.float32, [None])\n    o1 = tower(x1, 'siamese', False)\n    o2 = tower(x2, 'siamese', True)\n    d = tf.reduce_sum(tf.square(o1 - o2), 1)\n    loss = tf.reduce_mean(y * d + (1 - y) * tf.maximum(1.0 - d, 0.0))\n    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n    with tf.Session() as sess:\n        sess.run(tf.global_variables_initializer())\n        for e in range(3):\n            sess.run(train_op, feed_dict={x1: A, x2: B, y: Y})\n        return sess.run(o1, feed_dict={x1: A})\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\ndef tower(inputs, name, reuse):\n    h = keras.layers.Dense(8)(inputs)\n    return keras.layers.Dense(4)(h)\n\ndef train(A, B, Y):\n    x1 = keras.Input(shape=(4,))\n    x2 = keras.Input(shape=(4,))\n    encoder_input = keras.Input(shape=x1.shape[1:])\n    encoder = keras.Model(encoder_input, tower(encoder_input, 'siamese', False), name='encoder')\n    o1 = encoder(x1)\n    o2 = encoder(x2)\n    d = tf.reduce_sum(tf.square(o1 - o2), 1)\n    def loss(y, d):\n        return tf.reduce_mean(y * d + (1 - y) * tf.maximum(1.0 - d, 0.0))\n    model = keras.Model([x1, x2], d)\n    model.compile(optimizer=tf.train.AdamOptimizer(0.01), loss=loss)\n    for e in range(3):\n        model.train_on_batch([A, B], Y)\n    return keras.Model(x1, o1).predict_on_batch(A)\n", ("TFM205",), todo=True)]
    INVALID = [*INVALID, Case(
        # the second tower's reuse= is a run-time flag: shared (the encoder) when it is true, a
        # fresh tower (new layers, as TF1's new variables under another scope) when it is false
        "import tensorflow as tf\n\nclass Net:\n    def __init__(self, a, b, sharing=True):\n        scope = 'x' if sharing else 'x1'\n        self.o1 = self.tower(a, scope, False)\n        scope = 'x' if sharing else 'x2'\n        self.o2 = self.tower(b, scope, sharing)\n\n    def tower(self, x, scope, reusing=False):\n        with tf.variable_scope(scope, reuse=reusing):\n            return tf.layers.dense(x, 4, name='fc')\n",
        "import keras\n\nclass Net:\n    def __init__(self, a, b, sharing=True):\n        scope = 'x' if sharing else 'x1'\n        encoder_input = keras.Input(shape=a.shape[1:])\n        encoder = keras.Model(encoder_input, self.tower(encoder_input, scope), name='encoder')\n        self.o1 = encoder(a)\n        scope = 'x' if sharing else 'x2'\n        self.o2 = encoder(b) if sharing else self.tower(b, scope, sharing)\n\n    def tower(self, x, scope, reusing=False):\n        return keras.layers.Dense(4)(x)\n", ("TFM205",))]
    INVALID = [*INVALID, Case(
        # a tower returning two tensors (embedding, class scores): an encoder with two outputs
        "import tensorflow as tf\n\nclass Net:\n"
        "    def __init__(self, a, b):\n"
        "        self.e1, self.s1 = self.tower(a, reuse=False)\n"
        "        self.e2, self.s2 = self.tower(b, reuse=True)\n\n"
        "    def tower(self, x, reuse=False):\n"
        "        h = tf.layers.dense(x, 4, name='fc', reuse=reuse)\n"
        "        return h, tf.layers.dense(h, 2, name='out', reuse=reuse)\n",
        "import keras\n\nclass Net:\n    def __init__(self, a, b):\n        encoder_input = keras.Input(shape=a.shape[1:])\n        encoder = keras.Model(encoder_input, self.tower(encoder_input), name='encoder')\n        self.e1, self.s1 = encoder(a)\n        self.e2, self.s2 = encoder(b)\n\n    def tower(self, x, reuse=False):\n        h = keras.layers.Dense(4)(x)\n        return h, keras.layers.Dense(2)(h)\n", ("TFM205",))]
    INVALID = [*INVALID, Case(
        # TF1 RNN cells: the second tower's cell is made with reuse=True (the reuse of the scope
        # around it) and built by the loop under the same rnn/lstm_cell scope: shared; the input
        # passed by keyword; a float64 program: the encoder input takes the input's dtype
        "import tensorflow as tf\n\nclass Net:\n    def __init__(self, a, b):\n        self.o1 = self.encode(sequence=a, reuse=None)\n        self.o2 = self.encode(sequence=b, reuse=True)\n\n    def encode(self, sequence, reuse=None):\n        with tf.variable_scope('enc', reuse=reuse):\n            cell = tf.nn.rnn_cell.LSTMCell(4, reuse=tf.get_variable_scope().reuse)\n        outputs, _ = tf.nn.dynamic_rnn(cell, sequence, dtype=tf.float64)\n        return outputs\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\nclass Net:\n    def __init__(self, a, b):\n        encoder_input = keras.Input(shape=a.shape[1:], dtype=a.dtype)\n        encoder = keras.Model(encoder_input, self.encode(encoder_input), name='encoder')\n        self.o1 = encoder(a)\n        self.o2 = encoder(b)\n\n    def encode(self, sequence, reuse=None):\n        cell = tf.nn.rnn_cell.LSTMCell(4)\n        outputs, _ = tf.nn.dynamic_rnn(cell, sequence, dtype=tf.float64)\n        return outputs\n", ("TFM205",), todo=True)]
    INVALID = [*INVALID, Case(
        # cells under different scope names: TF1 makes two sets of variables - no encoder
        "import tensorflow as tf\n\nclass Net:\n    def __init__(self, a, b):\n        self.o1 = self.encode(a, 'x')\n        self.o2 = self.encode(b, 'y')\n\n    def encode(self, sequence, name):\n        with tf.variable_scope(name):\n            cell = tf.nn.rnn_cell.LSTMCell(4, reuse=tf.get_variable_scope().reuse)\n            outputs, _ = tf.nn.dynamic_rnn(cell, sequence, dtype=tf.float32)\n        return outputs\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\nclass Net:\n    def __init__(self, a, b):\n        self.o1 = self.encode(a, 'x')\n        self.o2 = self.encode(b, 'y')\n\n    def encode(self, sequence, name):\n        cell = tf.nn.rnn_cell.LSTMCell(4, reuse=tf.get_variable_scope().reuse)\n        outputs, _ = tf.nn.dynamic_rnn(cell, sequence, dtype=tf.float32)\n        return outputs\n", (), todo=True)]
    INVALID = [*INVALID, Case(
        # TensorFlow-Examples' conv_net pair: the towers differ only in a constant dropout mode
        # (training= of tf.layers.dropout): one encoder, each tower applied in its own mode
        "import tensorflow as tf\n\ndef net(x, reuse, is_training):\n    with tf.variable_scope('Net', reuse=reuse):\n        h = tf.layers.dense(x, 8)\n        h = tf.layers.dropout(h, rate=0.5, training=is_training)\n        return tf.layers.dense(h, 2)\n\ndef model_fn(features):\n    logits_train = net(features, reuse=False, is_training=True)\n    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n",
        "import keras\n\n\n# tflearn-migrate helper: TF1FixedMode\n" + TF1_FIXED_MODE.code + "\n\n"
        "def net(x, reuse, is_training):\n    h = keras.layers.Dense(8)(x)\n    h = keras.layers.Dropout(0.5)(h)\n"
        "    return keras.layers.Dense(2)(h)\n\ndef model_fn(features):\n"
        "    encoder_input = keras.tree.map_structure(lambda t: keras.Input(shape=t.shape[1:], dtype=t.dtype), features)\n"
        "    encoder = keras.Model(encoder_input, net(encoder_input, reuse=False, is_training=True), name='encoder')\n"
        "    logits_train = TF1FixedMode(encoder, training=True)(features)\n"
        "    logits_test = TF1FixedMode(encoder, training=False)(features)\n"
        "    return logits_train, logits_test\n", ("TFM205",))]
    INVALID = [*INVALID, Case(
        # the mode parameter is read otherwise too (a Python branch: the towers compute different
        # things): each tower built as written, its layers from TF1's name store, dropout pinned
        "import tensorflow as tf\n\ndef net(x, reuse, is_training):\n    with tf.variable_scope('Net', reuse=reuse):\n        h = tf.layers.dense(x, 8)\n        h = tf.layers.dropout(h, rate=0.5, training=is_training)\n        h = h * 2.0 if is_training else h\n        return tf.layers.dense(h, 2)\n\ndef model_fn(features):\n    logits_train = net(features, reuse=False, is_training=True)\n    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n",
        "import keras\n\n\n# tflearn-migrate helper: tf1_layer\n" + TF1_LAYER.code + "\n\n# tflearn-migrate helper: TF1ModeDropout\n"
        + TF1_MODE_DROPOUT.code + "\n\n"
        "def net(x, reuse, is_training):\n    h = tf1_layer('Net/dense', lambda: keras.layers.Dense(8))(x)\n"
        "    h = TF1ModeDropout(0.5)(h, tf1_training=is_training)\n    h = h * 2.0 if is_training else h\n"
        "    return tf1_layer('Net/dense_1', lambda: keras.layers.Dense(2))(h)\n\ndef model_fn(features):\n"
        "    logits_train = net(features, reuse=False, is_training=True)\n"
        "    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n",
        ("TFM205",))]
    INVALID = [*INVALID, Case(
        # ... but a mode that is not a constant at every call (a tensor flag): TF1's tower mode is
        # not known when the graph is built - TODO
        "import tensorflow as tf\n\ndef net(x, reuse, is_training):\n    with tf.variable_scope('Net', reuse=reuse):\n        h = tf.layers.dense(x, 8)\n        h = tf.layers.dropout(h, rate=0.5, training=is_training)\n        h = h * 2.0 if is_training else h\n        return tf.layers.dense(h, 2)\n\ndef model_fn(features, flag):\n    logits_train = net(features, reuse=False, is_training=flag)\n    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n",
        "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n\ndef net(x, reuse, is_training):\n    # TODO(tflearn-migrate): TFM138 variable_scope shares variables (reuse): no Keras translation without TFM205's shared encoder\n    with tf.variable_scope('Net', reuse=reuse):\n        h = keras.layers.Dense(8)(x)\n        h = keras.layers.Dropout(0.5)(h)\n        h = h * 2.0 if is_training else h\n        return keras.layers.Dense(2)(h)\n\ndef model_fn(features, flag):\n    # TODO(tflearn-migrate): TFM205 net() towers share their variables in TF1 but are not turned into one encoder: the tower calls pass different arguments besides the input and reuse\n    logits_train = net(features, reuse=False, is_training=flag)\n    logits_test = net(features, reuse=True, is_training=False)\n    return logits_train, logits_test\n", ("TFM205", "TFM138"), todo=True)]
    INVALID = [*INVALID, Case(
        # both towers in one statement: ``ea, eb = tower(xa), tower(xb)`` (AUTO_REUSE inside)
        "import tensorflow as tf\n\ndef tower(x):\n    with tf.variable_scope('t', reuse=tf.AUTO_REUSE):\n"
        "        return tf.layers.dense(x, 4, name='fc')\n\n"
        "xa = tf.placeholder(tf.float32, [None, 3])\nxb = tf.placeholder(tf.float32, [None, 3])\n"
        "ea, eb = tower(xa), tower(xb)\n",
        "import keras\n\ndef tower(x):\n    return keras.layers.Dense(4)(x)\n\n"
        "xa = keras.Input(shape=(3,))\nxb = keras.Input(shape=(3,))\n"
        "encoder_input = keras.Input(shape=xa.shape[1:])\n"
        "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
        "ea, eb = encoder(xa), encoder(xb)\n", ("TFM205",))]
    REQUIRES = ("TFM131", "TFM138", "TFM140")
