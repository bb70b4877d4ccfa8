"""TFM205's plan for towers sharing variables (scope reuse), and the reuse parameters of tower functions (TFM131, TFM138, TFM201 ask)."""
from __future__ import annotations
import re
import libcst as cst
from ..analysis.sharing import AUTO_REUSE, CELLS, GET_SCOPE, Sharing, TowerGroup, pretty
from ..emit import code
from ..translate.encoder import encoder_name
from ..analysis.siamese import walk


_REUSE_PARAM = re.compile(r"reus", re.I)
_MODE_LAYERS = ("tensorflow.layers.dropout", "tensorflow.layers.batch_normalization")
_LAYER_ROOTS = ("tensorflow.layers.", "tensorflow.contrib.layers.", "tensorflow.contrib.slim.", "tflearn.")


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


_VARIABLE_SCOPES = ("tensorflow.variable_scope", "tensorflow.compat.v1.variable_scope")
_NAMING_SCOPES = _VARIABLE_SCOPES + ("tensorflow.name_scope", "tensorflow.compat.v1.name_scope")


def scope_name_params(sharing: Sharing, fn: cst.FunctionDef) -> set[str]:
    """Parameters of a tower builder read ONLY as the name of a ``with tf.variable_scope(p)`` /
    ``tf.name_scope(p)`` block (redsphinx/uatu's ``build_cnn(data, scope_name)``, a ``tower(x,
    'left')`` opening ``name_scope(name)``), alone or joined to string literals (``"fw" + scope``).
    For towers TF1 shares (the Sharing verdict, which ran the calls with their names) such an
    argument changes op names only, not what is computed; towers TFM201 makes one encoder of
    (unshared in TF1) it names nothing the encoder keeps."""
    names = {p.name.value for p in fn.params.params}
    ok: set[str] = set()
    for n in walk(fn.body):
        if isinstance(n, cst.With):
            for item in n.items:
                c = item.item
                if isinstance(c, cst.Call) and sharing.qname(c.func) in _NAMING_SCOPES and c.args \
                        and (c.args[0].keyword is None or c.args[0].keyword.value in ("name_or_scope", "name")):
                    ok.update(id(x) for x in _name_text(c.args[0].value, names))
    reads: dict[str, list] = {}
    for n in walk(fn.body):
        if isinstance(n, cst.Name) and n.value in names:
            reads.setdefault(n.value, []).append(n)
    return {p for p, rs in reads.items() if all(id(r) in ok for r in rs)}


def _name_text(e: cst.BaseExpression, names: set[str]) -> list[cst.Name]:
    """The parameter reads of a scope name made of them and string literals (``scope``,
    ``"fw" + scope``, ``f"{scope}_fw"``); [] for any other expression."""
    if isinstance(e, cst.Name):
        return [e] if e.value in names else []
    if isinstance(e, (cst.SimpleString, cst.ConcatenatedString)):
        return []
    if isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Add):
        left, right = _name_text(e.left, names), _name_text(e.right, names)
        ok = all(isinstance(x, (cst.SimpleString, cst.ConcatenatedString)) or r
                 for x, r in ((e.left, left), (e.right, right)))
        return left + right if ok else []
    if isinstance(e, cst.FormattedString):
        parts = [_name_text(p.expression, names) for p in e.parts if isinstance(p, cst.FormattedStringExpression)]
        return [x for q in parts for x in q] if all(parts) else []
    return []


def _auto_reuse_defaults(sharing: Sharing, fn: cst.FunctionDef, stripped: set[int]) -> set[int]:
    """ids of ``reuse=tf.AUTO_REUSE`` parameters of a tower builder read only by the layers' ``reuse=``
    arguments in ``stripped`` (removed with the encoder: the parameter is read by nothing after it)."""
    out: set[int] = set()
    params = reuse_params(fn)
    for p in fn.params.params:
        if p.name.value not in params or p.default is None or sharing.qname(p.default) not in AUTO_REUSE:
            continue
        names = {id(a.keyword) for a in walk(fn.body) if isinstance(a, cst.Arg) and a.keyword is not None} | {
            id(a.attr) for a in walk(fn.body) if isinstance(a, cst.Attribute)}
        reads = [n for n in walk(fn.body) if isinstance(n, cst.Name) and n.value == p.name.value and id(n) not in names]
        # a layer's reuse= the encoder strips, or the reuse= of a variable_scope (the encoder builds its
        # layers once: TF1's reuse flag changes nothing there, and TFM138 writes the block's body in its place)
        ok = {id(a.value) for c in walk(fn.body) if isinstance(c, cst.Call) for a in c.args
              if id(a) in stripped or (a.keyword is not None and a.keyword.value == "reuse"
                                       and sharing.qname(c.func) in _VARIABLE_SCOPES)}
        # the test of ``if reuse: scope.reuse_variables()``, removed with it
        ok |= {id(i.test) for i in walk(fn.body) if isinstance(i, cst.If) and _reuse_only(i)}
        if all(id(n) in ok for n in reads):
            out.add(id(p))
    return out


def _reuse_only(n: cst.If) -> bool:
    """``if reuse: scope.reuse_variables()`` (optionally ``else: assert ...``)."""
    body = n.body.body if isinstance(n.body, cst.IndentedBlock) else []
    if not body or not all(is_reuse_stmt(s) for s in body):
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
                        or _scope_reuse(sharing, a.value) or sharing.qname(a.value) in AUTO_REUSE):
                    out.add(id(a))
    return out


def _returns_structures(fn: cst.FunctionDef) -> bool:
    """Does ``fn`` return something a Keras model cannot output: a string, or a list of
    ``(name, tensor)`` pairs (``layers = []``, ``layers.append(("conv1", h))``, ``return layers,
    variables``)? (A list or dict of tensors is a model's outputs.)"""
    strings = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)

    def named_pair(e: cst.BaseExpression) -> bool:
        return isinstance(e, (cst.Tuple, cst.List)) and any(isinstance(x.value, strings) for x in e.elements)

    paired: set[str] = set()
    for n in walk(fn.body):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "append" \
                and isinstance(n.func.value, cst.Name) and n.args and named_pair(n.args[0].value):
            paired.add(n.func.value.value)
        elif isinstance(n, cst.Assign) and isinstance(n.value, cst.List) \
                and any(named_pair(el.value) for el in n.value.elements):
            paired.update(t.target.value for t in n.targets if isinstance(t.target, cst.Name))
    for n in walk(fn.body):
        if not isinstance(n, cst.Return) or n.value is None:
            continue
        v = n.value
        for e in ([el.value for el in v.elements] if isinstance(v, (cst.Tuple, cst.List)) else [v]):
            if isinstance(e, strings) or named_pair(e) or (isinstance(e, cst.Name) and e.value in paired) \
                    or (isinstance(e, cst.List) and any(named_pair(x.value) for x in e.elements)):
                return True
    return False


def _scope_reuse_calls(ctx, sharing: Sharing, fn: cst.FunctionDef) -> set[int]:
    """ids of the layer calls of ``fn`` whose ``reuse=<flag>`` an enclosing ``slim.arg_scope``
    gives (``with slim.arg_scope([slim.conv2d], reuse=reuse):``), the flag as layer_reuse_args
    accepts it."""
    from .arg_scopes import ArgScopes

    scopes = ctx.analysis(ArgScopes)
    params = reuse_params(fn)
    out: set[int] = set()
    for n in walk(fn):
        if not isinstance(n, cst.Call) or not sharing.qname(n.func).startswith(_LAYER_ROOTS):
            continue
        v = scopes.defaults_for(n).get("reuse")
        if v is not None and ((isinstance(v, cst.Name) and (v.value in params or v.value in ("True", "False")))
                              or _scope_reuse(sharing, v) or sharing.qname(v) in AUTO_REUSE):
            out.add(id(n))
    return out


def ignores_reuse(plan: "SharedPlan", call: cst.Call) -> bool:
    """Is the ``reuse=`` a layer call has (its own, or its arg_scope's) meaningless in the
    output: its builder runs once as an encoder, or its layer comes from TF1's name store?"""
    return id(call) in plan.stored_calls or id(call) in plan.scope_reuse_calls


def _reuse_helpers(ctx, fn: cst.FunctionDef) -> list[cst.FunctionDef]:
    """Module functions a tower builder hands its reuse flag to (``conv_block(x, 64,
    reuse=reuse, scope='block1')``), transitively, every call of which is inside the builder or
    such a helper: they run only as part of the encoder, so their layers' ``reuse=`` goes too."""
    funcs = {s.name.value: s for s in ctx.module.body if isinstance(s, cst.FunctionDef)}
    calls: dict[str, list] = {}
    for n in walk(ctx.module):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in funcs:
            calls.setdefault(n.func.value, []).append(n)
    inside = {id(fn)}
    out: list[cst.FunctionDef] = []
    changed = True
    while changed:
        changed = False
        for name, h in funcs.items():
            if id(h) in inside or not calls.get(name):
                continue
            ok = True
            for c in calls[name]:
                owner = ctx.parent(c)
                while owner is not None and not isinstance(owner, cst.FunctionDef):
                    owner = ctx.parent(owner)
                if owner is None or id(owner) not in inside:
                    ok = False
                    break
                params = reuse_params(owner)
                if not any(isinstance(a.value, cst.Name) and a.value.value in params for a in c.args):
                    ok = False  # the flag is not handed on: the helper's own reuse is its business
                    break
            if ok:
                inside.add(id(h))
                out.append(h)
                changed = True
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


def _store_key(keys: list[str], encoder: str) -> str:
    """The TF1-name store key of an encoder: the variable scope its variables share, then its name."""
    parts = [k.split("/")[:-1] for k in keys]
    prefix = []
    for level in zip(*parts):
        if len(set(level)) != 1:
            break
        prefix.append(level[0])
    return "/".join([*prefix, encoder])


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
        # ids of layer calls in handled builders given ``reuse=<flag>`` by an enclosing
        # ``slim.arg_scope`` (meaningless once the builder runs once, as for their own reuse=)
        self.scope_reuse_calls: set[int] = set()
        # ids of reuse parameters defaulting to tf.AUTO_REUSE whose every read is a stripped reuse= argument:
        # the default (now meaningless) becomes None, so no TensorFlow name stays
        self.reuse_defaults: set[int] = set()
        # ids of tower calls inside an expression (``d = l2(tower(x1) - tower(x2, reuse=True))``):
        # each replaced where it stands, the encoder built before the statement
        self.inline: set[int] = set()
        self.remove: set[int] = set()
        self.groups: list[TowerGroup] = []
        handled_fns: dict[int, list[TowerGroup]] = {}
        from ..analysis.reuse_towers import ReuseTowers

        tflearn_towers = ctx.analysis(ReuseTowers).by_call   # TFM206 builds those encoders
        from ..translate.tf1_store import store_function

        dict_towers = None
        # wrappers called again under reuse (a validation tower pair ``model(v_a, v_b)`` after the
        # training pair ``model(x_a, x_b)``): id(wrapper group) -> the tower group inside it
        self.wrapped: dict[int, TowerGroup] = {}
        # id(tower group) -> the store key its encoder is kept under (tf1_layer): each run of the
        # wrapper gets the encoder the first one built, as TF1's reuse gave it the same variables
        self.memo: dict[int, str] = {}
        inner_of = self._wrapper_groups(sharing)
        for g in sharing.groups:
            if g.verdict != "shared" or any(id(c) in tflearn_towers for c in g.calls):
                continue
            if id(g) in inner_of:
                self.groups.append(g)
                self.wrapped[id(g)] = inner_of[id(g)]
                continue
            if g.outside_only:
                # towers given variables made outside them share while those stay variables (a
                # tf.Variable program, TFM162); only when they become layers inside the builder
                # (TFM135's weight dicts) must the builder run once, as an encoder
                if dict_towers is None:
                    from .handmade_layers import HandmadeLayersAnalysis

                    dict_towers = ctx.analysis(HandmadeLayersAnalysis).dict_tower_calls()
                if not all(id(c) in dict_towers for c in g.calls):
                    stored = self._made_by_an_earlier_tower(g)
                    if stored is None:
                        continue
                    self.stored[id(g)] = stored
            if g.function is not None and store_function(ctx, g.function.body) is not None:
                continue  # a model class built twice: its layers come from TF1's store (translate/tf1_store.py)
            self.groups.append(g)
            k = id(g)
            why = self._why_not(g)
            if why and id(g) in self.wrapper_own and why.startswith("the tower calls pass different"):
                own = self.wrapper_own[id(g)]
                names = ", ".join(pretty(k) for k in own[:4]) + (" ..." if len(own) > 4 else "")
                why = (f"{g.name}() is called again under reuse (line {ctx.position(g.calls[-1])[0]}) and "
                       f"makes variables of its own besides its towers' ({names}): the Keras layers "
                       f"made from them would be new at each call, not the trained ones")
            if why:
                self.stored.pop(k, None)
                self.mode_params.pop(id(g.function), None)
                if not g.from_earlier_run:  # (that run's TODO already says so)
                    self.problem[k] = why
                continue
            if k not in self.stored and k not in self.modes:
                why = self._outside_towers(g)
                if why:
                    self.problem[k] = why
                    continue
            if k in self.stored:
                self.stored_calls.update(self.stored[k])
            else:
                self.encoder[k] = encoder_name(ctx, taken)
                taken.add(self.encoder[k])
                for i, c in enumerate(g.calls):
                    self.by_stmt.setdefault(id(ctx.statement_of(c)), []).append((g, i, c))
                    if _call_target(ctx, c) is None:
                        self.inline.add(id(c))
            handled_fns.setdefault(id(g.function), []).append(g)
            # reuse_variables() between the calls, in the scope that makes them
            first, last = ctx.position(g.calls[0]), ctx.position(g.calls[-1])
            for n in walk(g.entry):
                if is_reuse_stmt(n) and first < ctx.position(n) < last:
                    self.remove.add(id(n))
        for k, inner in list(self.wrapped.items()):
            g = next(x for x in self.groups if id(x) == k)
            if id(inner) in self.encoder or id(inner) in self.stored:
                if id(inner) in self.encoder:
                    self.memo[id(inner)] = _store_key(inner.shared, self.encoder[id(inner)])
                first, last = ctx.position(g.calls[0]), ctx.position(g.calls[-1])
                for n in walk(g.entry):
                    if is_reuse_stmt(n) and first < ctx.position(n) < last:
                        self.remove.add(id(n))
            else:
                del self.wrapped[k]
                self.problem[k] = (f"its {inner.name}() towers are not turned into one encoder "
                                   f"({self.problem.get(id(inner), 'see their TODO')})")
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
            for f in [fn, *_reuse_helpers(ctx, fn)]:
                stripped = layer_reuse_args(sharing, f)
                self.strip_args.update(stripped)
                self.scope_reuse_calls.update(_scope_reuse_calls(ctx, sharing, f))
                if f is fn:
                    self.reuse_defaults.update(_auto_reuse_defaults(sharing, fn, stripped))
                for n in walk(f):
                    if is_reuse_stmt(n):
                        self.remove.add(id(n))
                    if isinstance(n, cst.If) and _reuse_only(n):
                        self.remove.add(id(n))
                        if isinstance(n.orelse, cst.Else):  # its ``assert ...reuse is False`` lines go with it
                            self.remove.update(id(st) for st in n.orelse.body.body)
        self._fresh_builders(ctx, sharing, handled_fns)

    def _fresh_builders(self, ctx, sharing: Sharing, handled_fns: dict) -> None:
        """A function with a reuse parameter that is no tower (a classification head called once)
        whose every weighted layer CREATED its variables at each interpreted execution, none of them
        found by another call (Sharing.fresh_layer): TF1's reuse changed nothing there (AUTO_REUSE
        creating, a reuse_variables() switch before layers that create under AUTO_REUSE). Its
        layers' ``reuse=`` arguments, its ``reuse_variables()`` statements (and ``if reuse:``
        around them) and a ``reuse=tf.AUTO_REUSE`` default read by nothing else go, as for an
        encoder: Keras makes a fresh layer at each call, as TF1 made fresh variables."""
        from ..analysis.sharing import GET_VARIABLE, NEW_VARIABLE
        from ..translate.tf1_store import store_function

        in_file = set(sharing.functions) | {n.name.value for c in sharing.classes.values()
                                            for n in walk(c) if isinstance(n, cst.FunctionDef)}
        called = {n.func.value if isinstance(n.func, cst.Name) else n.func.attr.value
                  for n in walk(ctx.module) if isinstance(n, cst.Call) and isinstance(n.func, (cst.Name, cst.Attribute))}
        for fn in walk(ctx.module):
            if not isinstance(fn, cst.FunctionDef) or id(fn) in handled_fns or not reuse_params(fn):
                continue
            if fn.name.value not in called:
                # a library function (another module calls it): how often, and with which reuse, is
                # not known here - one interpreted run creating everything proves nothing (two
                # calls under its reuse=tf.AUTO_REUSE default share the variables in TF1)
                continue
            if any(g.function is fn for g in sharing.groups) or store_function(ctx, fn.body) is not None:
                continue
            layers, ok = [], True
            for n in walk(fn.body):
                if isinstance(n, cst.FunctionDef) or isinstance(n, cst.Lambda):
                    ok = False
                    break
                if not isinstance(n, cst.Call):
                    continue
                q = sharing.qname(n.func)
                if q in GET_VARIABLE or q in NEW_VARIABLE or q in CELLS:
                    ok = False
                    break
                callee = n.func.attr.value if isinstance(n.func, cst.Attribute) else (
                    n.func.value if isinstance(n.func, cst.Name) else None)
                if not q and callee in in_file:
                    ok = False  # another builder of the file: its variables are its business
                    break
                if sharing.layer_kind(q) is not None:
                    layers.append(n)
            if not ok or not layers or not all(sharing.fresh_layer(c) for c in layers):
                continue
            stripped = layer_reuse_args(sharing, fn)
            self.strip_args.update(stripped)
            self.reuse_defaults.update(_auto_reuse_defaults(sharing, fn, stripped))
            for n in walk(fn):
                if is_reuse_stmt(n):
                    self.remove.add(id(n))
                if isinstance(n, cst.If) and _reuse_only(n):
                    self.remove.add(id(n))
                    if isinstance(n.orelse, cst.Else):
                        self.remove.update(id(st) for st in n.orelse.body.body)

    def _wrapper_groups(self, sharing: Sharing) -> dict[int, TowerGroup]:
        """Shared groups whose builder is a WRAPPER of another shared group's towers (``def
        model(a, b)`` calling ``tower(a)``, reuse_variables(), ``tower(b)``), run again under reuse
        (uatu's validation towers: ``scope.reuse_variables()`` then ``model(v_a, v_b)``): every
        variable the wrapper's runs share is one its inner towers make, and every call of the
        wrapper is in the group. Then the wrapper's calls need no rewrite: the inner group's encoder,
        kept in TF1's name store, is the same at every run. id(wrapper group) -> the inner group."""
        out: dict[int, TowerGroup] = {}
        self.wrapper_own: dict[int, list[str]] = {}
        for g in sharing.groups:
            a = sharing.wrapper_inner(g)
            if a is None:
                continue
            own = sharing.wrapper_own(g)
            if own:  # the wrapper makes variables of its own (a fully connected head)
                from .handmade_layers import HandmadeLayersAnalysis

                heads = sharing.wrapper_head_variables(g)
                stored = self.ctx.analysis(HandmadeLayersAnalysis).stored_variable_calls()
                if {k for cid, k in heads.items() if cid in stored} != set(own):
                    self.wrapper_own[id(g)] = own
                    continue
            name = g.name
            calls = [n for n in walk(self.ctx.module) if isinstance(n, cst.Call)
                     and isinstance(n.func, cst.Name) and n.func.value == name]
            if {id(c) for c in calls} != {id(c) for c in g.calls}:
                continue
            out[id(g)] = a
        return out

    def _why_not(self, g: TowerGroup) -> str | None:
        ctx = self.ctx
        if g.in_loop:
            return "the towers are one call executed by a loop"
        method = is_method(ctx, g.function)
        extras = []
        for c in g.calls:
            if _call_target(ctx, c) is None and not _inline_call(ctx, c, g.calls):
                return ("a tower call is neither a plain assignment `out = tower(x, ...)` nor evaluated "
                        "once, unconditionally, by a simple statement")
            if not _input_first(g.function, c, method):
                return "a tower call does not pass its input first"
            bound = _bound_params(g.function, c, method)
            params = reuse_params(g.function)
            if g.verdict == "shared":
                params = params | scope_name_params(self.ctx.analysis(Sharing), g.function)
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
        from ..analysis.tower_programs import _program_stays_tf1

        if _program_stays_tf1(ctx, g.calls[0]):
            return "the TF1 program around them stays TF1 (TFM140: one of its sess.run calls is not translated)"
        if id(g) not in self.stored and _returns_structures(g.function):
            # an encoder is a Keras model of the builder's result, tensors only: the towers are
            # built as written instead, their layers taken from TF1's name store
            stored = self._stored_towers(g, method)
            if stored is None:
                return ("the tower returns Python lists or (name, tensor) pairs besides tensors (`return "
                        "layers, variables`): a Keras model outputs tensors only")
            self.modes.pop(id(g), None)
            self.stored[id(g)] = stored
        return None

    def _outside_towers(self, g: TowerGroup) -> str | None:
        """A call of the builder outside the group that TF1 ran with the group's variables (an
        inference tower ``latent = CNN(x, reuse=True)`` at module level next to the wrapper
        ``siamese_network`` that makes the three training towers): one encoder built where the
        group's first tower is would not reach it - it would build new, untrained layers. Then
        every tower is built as written, its layers taken from TF1's name store (``self.stored``);
        the reason for a TODO when that cannot be done, None when no such call exists."""
        sharing: Sharing = self.ctx.analysis(Sharing)
        inside = {id(c) for c in g.calls}
        shared = set(g.shared)
        outside = [ex for exs in sharing.lone.values() for ex in exs
                   if id(ex.call) not in inside and self._calls_builder(ex.function, g)]
        # a call that only MADE variables of these names is a tower of its own (a new graph, the
        # first of a later group): TF1 shares only what a call reuses
        # (a wrapper's own towers re-reading what it made count as its reuse: not an outside one)
        sharers = [ex for ex in outside if (set(ex.reused) - set(ex.created)) & shared]
        if not sharers:
            return None
        line = self.ctx.position(sharers[0].call)[0]
        if any(ex.created or not set(ex.keys) <= shared for ex in sharers):
            return (f"another {g.name}() call (line {line}) uses some of their variables and makes "
                    f"others: neither one encoder nor TF1's name store gives that tower")
        stored = self._stored_towers(g, is_method(self.ctx, g.function))
        if stored is None:
            return (f"another {g.name}() call (line {line}) reuses their variables outside the scope "
                    f"that makes them: one encoder there would not reach it")
        self.stored[id(g)] = stored
        return None

    def _made_by_an_earlier_tower(self, g: TowerGroup) -> dict[int, str] | None:
        """Towers that only reuse variables another call of their builder made first (``__init__``
        builds the inference tower ``get_model(x, reuse=False)``, a later method the three
        training towers with ``reuse=True``): TF1 gave all of them one set of variables. One
        encoder built where the group is would not reach that first tower; every tower is built
        as written, its layers taken from TF1's name store (``self.stored``). None when no such
        call made them all, or the store cannot give them."""
        sharing: Sharing = self.ctx.analysis(Sharing)
        inside = {id(c) for c in g.calls}
        shared = set(g.shared)
        makers = [ex for exs in sharing.lone.values() for ex in exs
                  if id(ex.call) not in inside and self._calls_builder(ex.function, g)
                  and shared <= set(ex.created)]
        if not shared or not makers or g.unshared:
            return None
        return self._stored_towers(g, is_method(self.ctx, g.function))

    def _calls_builder(self, fn: cst.FunctionDef, g: TowerGroup) -> bool:
        """Is ``fn`` the group's builder, or a function calling it directly (``def infer(x): return
        embed(x, reuse=True)``) that is not the wrapper making the group's towers?"""
        if fn is g.function:
            return True
        if any(_within(self.ctx, c, fn) for c in g.calls):
            return False
        name = g.name
        return any(isinstance(n, cst.Call) and ((isinstance(n.func, cst.Name) and n.func.value == name)
                                                 or (isinstance(n.func, cst.Attribute) and n.func.attr.value == name))
                   for n in walk(fn.body))

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
        from .handmade_layers import HandmadeLayersAnalysis

        handled = self.ctx.analysis(HandmadeLayersAnalysis).stored_variable_calls()
        stored = self.ctx.analysis(Sharing).stored_layers(g, handled, shared_ok=True)
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


def _inline_call(ctx, c: cst.Call, calls: list[cst.Call]) -> bool:
    """A tower call inside the expression of a simple statement (``d = l2(tower(x1), tower(x2,
    reuse=True))``, ``return f(tower(x))``): evaluated exactly once, unconditionally, when the
    statement runs - not under a lambda / comprehension / ``if``-expression / ``and`` / ``or``,
    and not inside another tower call of the group. Replaced in place by the encoder applied to
    its input (Python evaluates the operands in the order TF1 built the towers)."""
    stmt = ctx.statement_of(c)
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr, cst.Return))):
        return False
    others = {id(o) for o in calls if o is not c}
    n = ctx.parent(c)
    while n is not None and n is not stmt:
        if isinstance(n, (cst.Lambda, cst.IfExp, cst.BooleanOperation, cst.ListComp, cst.SetComp,
                          cst.DictComp, cst.GeneratorExp, cst.CompFor)) or id(n) in others:
            return False
        if isinstance(n, (cst.Assign, cst.AnnAssign, cst.AugAssign)) and n.value is not None \
                and not _within(ctx, c, n.value):
            return False  # in a target (``x[tower(i)] = ...``)
        n = ctx.parent(n)
    return n is stmt


def _within(ctx, node: cst.CSTNode, root: cst.CSTNode) -> bool:
    while node is not None:
        if node is root:
            return True
        node = ctx.parent(node)
    return False


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


def is_reuse_stmt(n: cst.CSTNode) -> bool:
    """``scope.reuse_variables()`` / ``tf.get_variable_scope().reuse_variables()`` as a statement."""
    return (isinstance(n, cst.SimpleStatementLine) and len(n.body) == 1 and isinstance(n.body[0], cst.Expr)
            and isinstance(n.body[0].value, cst.Call) and isinstance(n.body[0].value.func, cst.Attribute)
            and n.body[0].value.func.attr.value == "reuse_variables" and not n.body[0].value.args)


def same_extras(ctx, g: TowerGroup) -> bool:
    """Every call of ``g`` passes the same arguments besides its input and reuse (one encoder can
    stand for all of them)."""
    if g.function is None:
        return False
    method = is_method(ctx, g.function)
    params = reuse_params(g.function)
    if g.verdict == "shared":  # (a name only a scope reads: SharedPlan._why_not's rule)
        params = params | scope_name_params(ctx.analysis(Sharing), g.function)
    extras = []
    for c in g.calls:
        bound = _bound_params(g.function, c, method)
        extras.append([f"{p}={code(a.value).strip()}" for p, a in bound[1:] if not (p in params or p == "reuse")])
    return all(e == extras[0] for e in extras)


def encoder_ready(ctx, g: TowerGroup) -> bool:
    """The calls of ``g`` have the shape TFM205 turns into one encoder (SharedPlan._why_not's
    syntactic conditions): each a plain ``out = tower(x, ...)`` or evaluated once inline, the
    input first, the same other arguments, one callee name, not a loop."""
    if g.in_loop or g.function is None:
        return False
    for c in g.calls:
        if _call_target(ctx, c) is None and not _inline_call(ctx, c, g.calls):
            return False
        if not _input_first(g.function, c, is_method(ctx, g.function)):
            return False
    if not (same_extras(ctx, g) and len({code(c.func).strip() for c in g.calls}) == 1):
        return False
    # (nor inside a Session program that stays TF1: TFM205 keeps those towers as written)
    from ..analysis.tower_programs import _program_stays_tf1

    return not _program_stays_tf1(ctx, g.calls[0])
