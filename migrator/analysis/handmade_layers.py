"""TFM135's analysis: which get_variable / tf.Variable weights become layers, their TF1 names, the variables it removes or stores (TFM138, TFM144, TFM162, TFM201 ask)."""
from __future__ import annotations
import libcst as cst
from ..emit import call, literal, to_node
from ..translate.tf1 import initializer_of
from ..analysis.tf1_program import _arg, _walk
from ..translate.tf1_store import store_function
from ..translate.tflearn import Untranslatable


_VAR_INITS = {  # tf.Variable(<tf.op>(shape, ...)) -> Keras initializer
    "tensorflow.random_normal": ("RandomNormal", "shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None"),
    "tensorflow.truncated_normal": ("TruncatedNormal",
                                    "shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None"),
    "tensorflow.random_uniform": ("RandomUniform", "shape, minval=0, maxval=None, dtype=None, seed=None, name=None"),
    "tensorflow.zeros": ("zeros", "shape, dtype=None, name=None"),
    "tensorflow.ones": ("ones", "shape, dtype=None, name=None"),
    "tensorflow.constant": ("Constant", "value, dtype=None, shape=None, name=None, verify_shape=False"),
    # tf.Variable(tf.eye(n)): a matrix starting at the identity (a bilinear form's M)
    "tensorflow.eye": ("Identity", "num_rows, num_columns=None, batch_shape=None, dtype=None, name=None"),
}


def _dtype_as_trainable(ctx, node) -> bool:
    """``tf.Variable(init, tf.float32)``: TF1's second parameter is ``trainable`` (not dtype): a
    DType object there is truthy - the variable is trainable, of the initial value's dtype."""
    q = ctx.legacy_name(node) or ""
    return q.startswith("tensorflow.") and q.rsplit(".", 1)[1] in (
        "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8", "bool",
        "complex64", "complex128", "string")


def _constant(ctx, iv):
    """``tf.constant(v, shape=[...])`` with a scalar literal ``v`` -> (shape, Constant(v))."""
    from ..args import BoundArgs

    b = BoundArgs(iv, _VAR_INITS["tensorflow.constant"][1])
    if not b.given("shape") or not isinstance(literal(b.node("value"), None), (int, float)):
        return None, None
    return b.node("shape"), call("keras.initializers.Constant", b.node("value"))


def _two_operands(node: cst.Call, names: bool = True) -> bool:
    """``bias_add(h, b)`` / ``tf.add(h, b)`` (two names unless ``names`` is False), a ``name=``
    aside (TF1 only named the op)."""
    args = list(node.args)
    if len(args) < 2 or any(a.keyword is not None or a.star for a in args[:2]):
        return False
    if not all(a.keyword is not None and a.keyword.value == "name" for a in args[2:]):
        return False
    return not names or (isinstance(args[0].value, cst.Name) and isinstance(args[1].value, cst.Name))


def _same_ref(a, b) -> bool:
    if isinstance(a, cst.Name) and isinstance(b, cst.Name):
        return a.value == b.value
    return (isinstance(a, cst.Attribute) and isinstance(b, cst.Attribute) and a.attr.value == b.attr.value
            and _same_ref(a.value, b.value))


def code(node) -> str:
    return cst.Module([]).code_for_node(node)


class _Var:
    def __init__(self, name, statement, shape, init, call=None):
        self.name, self.statement, self.shape, self.init = name, statement, shape, init
        self.call = call


class _NamedShape:
    """A variable's shape given as a name (``tf.get_variable("weights", kernel_shape)`` with
    ``kernel_shape`` a parameter of the layer helper or a local bound once - the TF guide's
    ``conv_relu``): its rank is the one its use requires (a conv2d kernel 4, a matmul kernel 2,
    a bias 1); the layer reads its elements where it is built (``kernel_shape[-1]``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def at(self, index: str) -> cst.BaseExpression:
        return cst.parse_expression(f"{self.name}[{index}]")


def _bind_args(call: cst.Call, positional: list, params: list) -> dict | None:
    """The argument expressions of ``call`` by parameter name: positional arguments by position,
    keywords by name, then the defaults of ``params``; None when a positional argument has no
    parameter or a parameter without a default gets nothing."""
    bound: dict[str, cst.BaseExpression] = {}
    for i, a in enumerate(call.args):
        if a.keyword is None:
            if i >= len(positional):
                return None
            bound[positional[i].name.value] = a.value
        else:
            bound[a.keyword.value] = a.value
    for p in params:
        if p.name.value not in bound:
            if p.default is None:
                return None
            bound[p.name.value] = p.default
    return bound


class NameSuffix:
    """A TF1 variable name known only by its end (``tf.get_variable(name + '_w', ...)`` with
    ``name`` a helper's parameter): enough to answer a ``v.name.endswith('_w:0')`` filter."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix

    def __repr__(self) -> str:
        return f"<...{self.suffix}>"


_APPLY_REGULARIZATION = ("tensorflow.contrib.layers.apply_regularization",
                         "tensorflow.contrib.slim.apply_regularization")


def _helper_candidates(ctx, flow) -> dict:
    """Functions that may be weight-taking helpers, by name: the module's own, and those defined
    directly in the body of a module function (redsphinx/uatu's ``conv_unit(inp, weights,
    biases)`` inside the tower builder ``build_cnn``) - each a name bound once in its scope and
    defined once in the whole file (the calls are found by name)."""
    mod = flow.scopes[id(ctx.module)]
    out = {f.name.value: f for f in ctx.module.body if isinstance(f, cst.FunctionDef) and not f.decorators
           and len(mod.by_name.get(f.name.value, ())) == 1}
    for outer in ctx.module.body:
        if not isinstance(outer, cst.FunctionDef) or not isinstance(outer.body, cst.IndentedBlock) \
                or id(outer) not in flow.scopes:
            continue
        inner_scope = flow.scopes[id(outer)]
        for f in outer.body.body:
            if isinstance(f, cst.FunctionDef) and not f.decorators and f.name.value not in out \
                    and len(inner_scope.by_name.get(f.name.value, ())) == 1 \
                    and f.name.value not in mod.by_name:
                out[f.name.value] = f
    # a module class's plain method (kvolle/neural_net_tests' ``def conv2d(self, input_layer, W):
    # return tf.nn.conv2d(input=input_layer, filter=W, ...)`` called as ``self.conv2d(x, kernel)``)
    for cls in ctx.module.body:
        if not isinstance(cls, cst.ClassDef) or not isinstance(cls.body, cst.IndentedBlock):
            continue
        for f in cls.body.body:
            if isinstance(f, cst.FunctionDef) and not f.decorators and f.params.params \
                    and f.name.value not in out and f.name.value not in mod.by_name:
                out[f.name.value] = f
    defined: dict[str, int] = {}
    for n in _walk(ctx.module):
        if isinstance(n, cst.FunctionDef):
            defined[n.name.value] = defined.get(n.name.value, 0) + 1
    return {k: f for k, f in out.items() if defined.get(k) == 1}


def method_class(ctx, fn) -> cst.ClassDef | None:
    """The module class ``fn`` is a method of (None: a function)."""
    block = ctx.parent(fn)
    cls = ctx.parent(block) if isinstance(block, cst.IndentedBlock) else None
    return cls if isinstance(cls, cst.ClassDef) else None


def helper_call_of(ctx, node: cst.Name, fn) -> cst.Call | None:
    """The call ``node`` (a reference to helper ``fn``'s name) makes: ``conv2d(x, W)`` for a
    function; ``self.conv2d(x, W)`` for a method, ``self`` the first parameter of a method of the
    same class that the call sits in. None for any other reference."""
    parent = ctx.parent(node)
    cls = method_class(ctx, fn)
    if cls is None:
        return parent if isinstance(parent, cst.Call) and parent.func is node else None
    if not (isinstance(parent, cst.Attribute) and parent.attr is node and isinstance(parent.value, cst.Name)):
        return None
    c = ctx.parent(parent)
    if not (isinstance(c, cst.Call) and c.func is parent):
        return None
    outer = ctx.parent(c)
    while outer is not None and not isinstance(outer, cst.FunctionDef):
        outer = ctx.parent(outer)
    if outer is None or method_class(ctx, outer) is not cls or not outer.params.params \
            or outer.params.params[0].name.value != parent.value.value or outer.decorators:
        return None
    return c


def helper_params(ctx, fn) -> list[str]:
    """The parameters a call of helper ``fn`` binds by position (a method's ``self`` left out)."""
    names = [p.name.value for p in fn.params.params]
    return names[1:] if method_class(ctx, fn) is not None else names


class HandmadeLayersAnalysis:
    """HandmadeLayers's analysis (removed_variable_calls, removed_variable_names, stored_variable_calls, tf1_weight_names); the rule inherits it, other rules ask ``ctx.analysis(HandmadeLayersAnalysis)``."""
    
    def __init__(self, ctx) -> None:
        self.ctx = ctx

    # -- analysis ------------------------------------------------------------------------
    def _state(self):
        st = self.__dict__.get("_st")
        if st is None:
            st = self.__dict__["_st"] = self._analyse()
        return st

    def _key(self, node, name: str, binding: bool = False):
        """Variables are per scope: ``(scope node id, name)``; a name a function does not bind
        is the module's (a global weight read inside a model function). A name bound more than
        once in its scope (``W`` for each conv, then ``W`` for the output layer) is keyed by the
        binding that reaches the read: ``(scope node id, "name#index")``."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        scope = flow.scope_of(node)
        local = name in scope.by_name
        if not local:
            scope = flow.scopes.get(id(self.ctx.module), scope)
        defs = scope.by_name.get(name, ())
        if len(defs) <= 1:
            alias = self.__dict__.get("_param_alias", {}).get((id(scope.node), name))
            return alias if alias is not None else (id(scope.node), name)
        if not local:
            return (id(scope.node), f"{name}#?")  # which module binding a function reads: unknown
        _, idx = flow.index_of(node)
        if binding:
            return (id(scope.node), f"{name}#{idx}")
        d = scope.latest(name, idx)
        if d is None or d.index < 0 or any(o.index > idx and self._same_loop(node, o.stmt) for o in defs):
            return (id(scope.node), f"{name}#?")  # a later binding in an enclosing loop may reach it
        return (id(scope.node), f"{name}#{d.index}")

    @staticmethod
    def _per_binding_key(key) -> bool:
        """A key naming one binding of a name bound several times (``"W#12"``, not ``"W#?"``)."""
        return "#" in key[1] and not key[1].endswith("#?")

    def _loops(self, node) -> list:
        return self.ctx.loops_around(node)

    def _in_its_loops(self, node, stmt) -> bool:
        """Every loop (of its function) around ``node`` also holds ``stmt`` (None: a helper's
        parameter, checked at its calls)."""
        if stmt is None:
            return True
        around = {id(x) for x in self._loops(stmt)}
        return all(id(x) in around for x in self._loops(node))

    def _same_loop(self, node, stmt) -> bool:
        """Is ``stmt`` inside a loop that also holds ``node``?"""
        loops = {id(n) for n in self.ctx.loops_around(node)}
        return any(id(n) in loops for n in self.ctx.loops_around(stmt))

    def _scope_names(self, scope) -> dict:
        """name -> the Name nodes of ``scope``'s own code (one walk per scope, memoised)."""
        from ..analysis.flow import Flow

        by_scope = self.__dict__.setdefault("_names_by_scope", {})
        if id(scope.node) not in by_scope:
            flow = self.ctx.analysis(Flow)
            names: dict[str, list] = {}
            for n in _walk(scope.node):
                if isinstance(n, cst.Name) and flow.scope_of(n) is scope:
                    names.setdefault(n.value, []).append(n)
            by_scope[id(scope.node)] = names
        return by_scope[id(scope.node)]

    def _analyse(self):
        ctx = self.ctx
        variables: dict[tuple, _Var] = {}
        dicts: dict[tuple, list[tuple]] = {}  # (scope, dict name) -> its entries' keys
        self._attr_keys = set()
        attr_binds: dict[tuple, int] = {}  # attribute weight dict -> its bindings in the class
        for node in _walk(ctx.module):
            if not (isinstance(node, cst.Assign) and len(node.targets) == 1):
                continue
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                if not isinstance(node.value, (cst.Dict, cst.Call)):
                    continue  # neither a weight dict nor a variable
                name = target.value
                key = None  # (computed for a dict or a variable only: it asks the flow analysis)
            else:  # self.W = tf.Variable(...) in a method: the class's attribute
                key = self._attr_key(target)
                if key is None:
                    continue
                name = key[1]
                self._attr_keys.add(key)
                if isinstance(node.value, cst.Dict):
                    # ``self.weights = {'wc1': tf.Variable(..), ...}``: an instance's weight dict
                    attr_binds[key] = attr_binds.get(key, 0) + 1
            if isinstance(node.value, cst.Dict):  # weights = {'h1': tf.Variable(...), ...}
                if key is None:
                    key = self._key(node, name, binding=True)
                stmt = ctx.statement_of(node)
                entries = []
                for el in node.value.elements:
                    ks = literal(el.key, None) if isinstance(el, cst.DictElement) else None
                    parsed = self._variable(el.value) if isinstance(ks, str) else None
                    if parsed is None:
                        entries = None
                        break
                    entries.append((key[0], name, ks))
                    variables[(key[0], name, ks)] = _Var(f"{name}[{ks!r}]", stmt, *parsed)
                if entries is not None and key not in dicts:
                    dicts[key] = entries
                elif entries is not None:
                    dicts[key] = None
                continue
            if not isinstance(node.value, cst.Call):
                continue
            parsed = self._variable(node.value)
            if parsed is None:
                continue
            if key is None:
                key = self._key(node, name, binding=True)
            stmt = ctx.statement_of(node)
            if key in variables:
                variables[key] = None  # assigned twice: not a simple variable
            else:
                variables[key] = _Var(name, stmt, *parsed, call=node.value)
        for key, entries in list(dicts.items()):
            if entries is None or (attr_binds.get(key, 0) != 1 if key in attr_binds else len(
                    self.ctx.analysis(__import__("migrator.analysis.flow", fromlist=["Flow"]).Flow)
                    .scopes[key[0]].by_name.get(key[1], ())) != 1):
                for e in entries or ():
                    variables.pop(e, None)
                dicts.pop(key)
        self._dicts = dicts
        self._alias_args: dict[int, tuple] = {}
        self._param_alias = self._dict_parameters(dicts)
        variables = {k: v for k, v in variables.items() if v is not None}
        self._helper_params = self._variable_parameters(variables, dicts)
        self._outer = self._outer_biases(variables)
        self._shape_reads = self._static_shape_reads(variables, dicts)
        patterns: dict[int, tuple] = {}  # id(original node) -> (kind, x, W, b, call)
        self._broadcast_adds: set[int] = set()  # id(call): its bias added by ``+`` / tf.add (broadcast)
        for node in _walk(ctx.module):
            p = self._match(node, variables)
            if p is not None:
                patterns[id(node)] = p
        inner = {id(p[4]) for k, p in patterns.items() if p[3] is not None and id(p[4]) != k}
        patterns = {k: v for k, v in patterns.items() if k not in inner}
        # a pattern in a loop reading a variable made outside it applies ONE weight per pass in TF1
        # (a layer built per pass would not)
        patterns = {k: v for k, v in patterns.items()
                    if all(x is None or self._in_its_loops(v[4], variables[x].statement) for x in (v[2], v[3]))}
        self._cond_bias: dict[int, tuple] = {}  # id(pattern) -> (test, if node): bias only if test
        self._late = self._late_biases(variables, patterns)
        # a module-level variable applied inside a function is ONE set of weights however often
        # the function runs (TF1 shares it); a layer created per call would not: only a function
        # called exactly once in the file becomes a layer
        from ..analysis.flow import Flow

        flow = ctx.analysis(Flow)
        calls: dict[str, list] = {}
        for node in _walk(ctx.module):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
                calls.setdefault(node.func.value, []).append(node)
        # lookups in functions of a module-level table, in methods of an instance's table
        self._outer_lookups: set[int] = set()
        for k, p in list(patterns.items()):
            scope = flow.scope_of(p[4])
            if any(v is not None and v[0] != id(scope.node) and v not in self._attr_keys for v in (p[2], p[3])):
                fn = scope.node
                if isinstance(fn, cst.FunctionDef) and any(v is not None and v[:2] in attr_binds for v in (p[2], p[3])):
                    # an instance's weight dict read in a method: one call of it, or the towers
                    # TFM205 builds as one encoder (``net.forward(x1)`` / ``net.forward(x2)``)
                    if not self._method_once(fn):
                        del patterns[k]
                    continue
                # (or the towers TFM205 builds as one encoder: one call of the function)
                if not isinstance(fn, cst.FunctionDef) or len(calls.get(fn.name.value, ())) != 1 and not (
                        len(calls.get(fn.name.value, ())) > 1 and self._one_encoder(calls[fn.name.value])):
                    if p[0] == "embedding" and p[2][0] == id(ctx.module) and isinstance(fn, cst.FunctionDef):
                        # a module-level table looked up inside a function run several times: ONE
                        # Embedding bound to the table's name (``_shared_table`` decides); an
                        # instance's table looked up in another method, the same (below)
                        self._outer_lookups.add(k)
                        continue
                    del patterns[k]
                continue
            # an instance's variable (``self.W = tf.Variable(..)`` in __init__) applied in ANOTHER
            # method: one weight however often that method runs - a layer there only when it runs
            # once (one call, or the towers TFM205 builds as one encoder)
            fn = scope.node
            made_elsewhere = [v for v in (p[2], p[3]) if v is not None and v in self._attr_keys
                              and flow.scope_of(variables[v].statement).node is not fn]
            if made_elsewhere and isinstance(fn, cst.FunctionDef) and not self._method_once(fn):
                if p[0] == "embedding":
                    self._outer_lookups.add(k)  # the instance's table: ``_shared_attr_table`` decides
                    continue
                del patterns[k]
        self._dead = self._dead_penalties(variables)
        self._weight_regs = self._weights_regularizers(variables)
        self._weights_adds = self._weights_collection_adds(variables, patterns)
        dead_names = {id(n) for st in (*self._dead, *self._weight_regs, *self._weights_adds) for n in _walk(st)}
        dead_names |= self._summary_reads()
        self._handed = self._handed_back(variables)
        dead_names |= set(self._handed)
        loads: dict[tuple, int] = {}
        attr_dict_names: dict[str, list] = {}  # "self.weights" -> the attribute weight dicts so named
        for d in dicts:
            if d in attr_binds:
                attr_dict_names.setdefault(d[1], []).append(d)
        for node in _walk(ctx.module):
            if id(node) in dead_names:
                continue  # read by a penalty nothing reads: goes with the variable
            if isinstance(node, cst.Attribute) and self._attr_keys:
                key = self._attr_key(node)
                if (key in variables or key in dicts) and not isinstance(ctx.parent(node), cst.AssignTarget):
                    loads[key] = loads.get(key, 0) + 1
                elif key is None and f"self.{node.attr.value}" in attr_dict_names:
                    # ``net.weights`` read from outside the class: that instance's dict stays
                    for d in attr_dict_names[f"self.{node.attr.value}"]:
                        loads[d] = loads.get(d, 0) + 1
                continue
            if isinstance(node, cst.Name):
                if id(node) in self._alias_args or isinstance(ctx.parent(node), cst.Param):
                    continue  # ``net(x, weights)``: passes the dict on (goes with it, with the parameter)
                if id(node) in self._shape_names:
                    continue  # ``W.get_shape().as_list()[0]``: the static shape, written out
                key = self._key(node, node.value)
                if (key not in variables and key not in dicts) or isinstance(ctx.parent(node), cst.AssignTarget):
                    continue
                loads[key] = loads.get(key, 0) + 1
        # a variable disappears only when EVERY read of it is inside a translated pattern; a
        # pattern translates only when its variables disappear (fixpoint: drop either side)
        ok = dict(patterns)
        blocked: set = set()  # helper parameters whose variables cannot all go
        while True:
            used_in: dict[tuple, int] = {}
            for p in ok.values():
                for v in (p[2], p[3]):
                    if v is not None:
                        used_in[v] = used_in.get(v, 0) + 1
            # a helper's variable parameter (conv2d(x, W, b)): each call's variable is read by it
            params_ok = {pk for pk in self._helper_params if pk not in blocked
                         and loads.get(pk, 0) and loads.get(pk, 0) == used_in.get(pk, 0)}
            for pk in params_ok:
                for c, vk in self._helper_params[pk]:
                    used_in[vk] = used_in.get(vk, 0) + 1
                    if id(c) in self._outer and any(q[2] == pk and q[3] is None for q in ok.values()):
                        # ``conv2d(x, W) + b``: the bias goes into that call's layer
                        used_in[self._outer[id(c)][0]] = used_in.get(self._outer[id(c)][0], 0) + 1
            # one variable, one layer: a variable two patterns read is ONE weight in TF1 (two
            # layers would be two) - it stays a variable
            # (a table a function looks up can only be shared: the function may run twice)
            in_functions = {v[2] for k, v in ok.items() if k in self._outer_lookups}
            removable = {n for n in variables if (len(n) == 2 or isinstance(n[2], tuple))
                         and loads.get(n, 0) and loads.get(n, 0) == used_in.get(n, 0) == 1} - in_functions
            # a table bound to a name and read ONLY by lookups of its own scope (two towers' ids)
            # or of functions (a module-level table): ONE Embedding layer bound to that name,
            # applied at each lookup (TF1: one variable)
            shared = {n for n in variables if len(n) == 2 and "#" not in n[1] and n not in self._helper_params
                      and loads.get(n, 0) == used_in.get(n, 0) >= (1 if n in in_functions else 2)
                      and self._shared_table(n, variables[n], [v for v in ok.values() if v[2] == n or v[3] == n])}
            removable |= shared
            for d, entries in dicts.items():  # a weight dict goes when every read of it is a translated entry
                if loads.get(d, 0) and loads.get(d, 0) == sum(used_in.get(e, 0) for e in entries) \
                        and all(used_in.get(e, 0) <= 1 for e in entries):
                    removable.update(entries)
            # each call's variable must go into that call's layer only: passed twice, or also read
            # by another pattern, TF1 shares it (one variable) where layers would not
            bad = {pk for pk in params_ok if not all(vk in removable and used_in.get(vk, 0) == 1
                                                     for _, vk in self._helper_params[pk])}
            removable -= {pk for pk in self._helper_params if pk not in params_ok or pk in bad}
            blocked |= bad
            keep = {k: v for k, v in ok.items() if v[2] in removable and (v[3] is None or v[3] in removable)}
            if len(keep) == len(ok) and not bad:
                break
            ok = keep
        self._shared = {n for n in shared if n in removable}
        self._shared_pattern = {v[2]: v for v in ok.values() if v[2] in self._shared}
        # ``initializer=init`` of a variable that becomes a layer: init's bindings become Keras
        # initializers - only when every get_variable reading init goes
        pending = self.__dict__.get("_pending_inits", {})
        var_call = {id(v.call): k for k, v in variables.items() if getattr(v, "call", None) is not None}
        inits: dict[int, bool] = {}
        for cid, calls in pending.items():
            gone = var_call.get(cid) in removable
            for c in calls:
                inits[id(c)] = inits.get(id(c), True) and gone
        self._inits = {i for i, ok_ in inits.items() if ok_}
        self._free = self._free_variables(variables, removable)
        self._store = self._stored_patterns(variables, ok)
        self._dead_helpers = self._unused_helpers(variables, removable)
        # their lines go with them (no TFM100 report on a line of a function that disappears)
        self._dead_lines = {id(n) for f in ctx.module.body if isinstance(f, cst.FunctionDef)
                            and f.name.value in self._dead_helpers for n in _walk(f.body)
                            if isinstance(n, cst.SimpleStatementLine)}
        self._dead_lines |= {id(n) for f in self.dead_methods() for n in _walk(f.body)
                             if isinstance(n, cst.SimpleStatementLine)}
        return variables, ok, removable

    def _handed_back(self, variables) -> dict:
        """``return layer, weights`` in a module function whose weight (get_variable /
        tf.Variable bound in it) rides along with the output, every call of which unpacks the
        tuple (``h, w = new_conv_layer(...)``) into a name read nowhere, or only by summary
        statements (``tf.summary.histogram(w.name, w)``, dropped with the summaries): the handed-back
        weight is no use of the variable. id(the Name in the return) -> the variable's key (the
        rule writes ``None`` there once the variable is a layer's)."""
        from ..analysis.flow import Flow

        ctx = self.ctx
        flow = ctx.analysis(Flow)
        out: dict = {}
        for fn in ctx.module.body:
            if not isinstance(fn, cst.FunctionDef) or not isinstance(fn.body, cst.IndentedBlock):
                continue
            last = fn.body.body[-1] if fn.body.body else None
            if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1
                    and isinstance(last.body[0], cst.Return) and isinstance(last.body[0].value, cst.Tuple)):
                continue
            if sum(isinstance(n, cst.Return) for n in _walk(fn)) != 1:
                continue
            elems = last.body[0].value.elements
            if any(isinstance(e, cst.StarredElement) for e in elems):
                continue
            picks = [(i, e.value) for i, e in enumerate(elems) if isinstance(e.value, cst.Name)
                     and self._key(e.value, e.value.value) in variables
                     and self._key(e.value, e.value.value)[0] == id(fn)]
            if not picks or len(picks) == len(elems):
                continue
            sites = [n for n in _walk(ctx.module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name)
                     and n.func.value == fn.name.value]
            if not sites or flow.functions.get(fn.name.value) is not fn:
                continue
            ok = True
            for site in sites:
                asg = ctx.parent(site)
                if not (isinstance(asg, cst.Assign) and len(asg.targets) == 1
                        and isinstance(asg.targets[0].target, cst.Tuple)
                        and len(asg.targets[0].target.elements) == len(elems)):
                    ok = False
                    break
                for i, _ in picks:
                    t = asg.targets[0].target.elements[i].value
                    if not isinstance(t, cst.Name) or not self._unused_but_summaries(flow, t, asg):
                        ok = False
                        break
                if not ok:
                    break
            if ok:
                for _, name in picks:
                    out[id(name)] = self._key(name, name.value)
        return out

    def _summary_reads(self) -> set[int]:
        """The nodes of ``tf.summary.histogram('w', W)`` statements TFM142 removes: no reads of W
        (the variable may become a layer's weight; the summary goes with it)."""
        from .session_runs import SessionProgramRuns

        if not self.ctx.switches.summaries_removed:
            return set()
        runs = self.ctx.analysis(SessionProgramRuns)
        out: set[int] = set()
        for st in _walk(self.ctx.module):
            if isinstance(st, cst.SimpleStatementLine) and runs.removed_summary_call(st):
                out.update(id(n) for n in _walk(st))
        return out

    def _unused_but_summaries(self, flow, target: cst.Name, asg) -> bool:
        """``target`` (bound by ``asg``) is read nowhere in its scope but by ``tf.summary.*``
        expression statements."""
        ctx = self.ctx
        scope = flow.scope_of(asg)
        if len(scope.by_name.get(target.value, ())) != 1:
            return False
        for n in _walk(scope.node):
            if not isinstance(n, cst.Name) or n.value != target.value or n is target:
                continue
            p = ctx.parent(n)
            if isinstance(p, cst.Attribute) and p.attr is n:
                continue
            if isinstance(p, cst.Arg) and p.keyword is n:
                continue
            st = ctx.statement_of(n)
            small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
            if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)
                    and (ctx.legacy_name(small.value) or "").startswith("tensorflow.summary.")):
                return False
        return True

    def _dict_parameters(self, dicts) -> dict:
        """TensorFlow-Examples' ``conv_net(x, weights, biases)``: a weight dict passed to a module
        function referenced once in the file (one call), bound to a parameter the
        function never rebinds: the parameter's reads are the dict's reads (TF1: the same
        variables), so ``weights['h1']`` inside is a translated entry. When the dict becomes
        layers, the argument and the parameter go with it. Returns {(id(function), parameter):
        dict key}; fills ``self._alias_args`` (id(argument Name) -> (dict key, id(function), parameter))."""
        from ..analysis.flow import Flow

        if not dicts:
            return {}
        ctx = self.ctx
        flow = ctx.analysis(Flow)
        fns = {f.name.value: f for f in ctx.module.body if isinstance(f, cst.FunctionDef) and not f.decorators}
        fns = {n: f for n, f in fns.items() if len(flow.scopes[id(ctx.module)].by_name.get(n, ())) == 1}
        refs: dict[str, list] = {}
        for node in _walk(ctx.module):
            if isinstance(node, cst.Name) and node.value in fns:
                parent = ctx.parent(node)
                if isinstance(parent, cst.FunctionDef) and parent.name is node:
                    continue
                if isinstance(parent, (cst.Attribute, cst.Arg)) and getattr(parent, "attr", None) is node \
                        or isinstance(parent, cst.Arg) and parent.keyword is node:
                    continue
                refs.setdefault(node.value, []).append(node)
        alias: dict[tuple, tuple] = {}
        for name, nodes in refs.items():
            calls = [ctx.parent(n) for n in nodes]
            if not all(isinstance(c, cst.Call) and c.func is n and not any(a.star for a in c.args)
                       for c, n in zip(calls, nodes)):
                continue
            if len(calls) > 1 and not self._one_encoder(calls):
                continue
            fn = fns[name]
            ps = fn.params
            if ps.posonly_params or isinstance(ps.star_arg, cst.Param) or ps.star_kwarg is not None:
                continue
            positional = list(ps.params)
            fscope = flow.scopes[id(fn)]
            found: dict[str, tuple] = {}
            for c in calls:
                for i, a in enumerate(c.args):
                    if a.keyword is None:
                        if i >= len(positional):
                            break
                        param = positional[i].name.value
                    else:
                        param = a.keyword.value
                    if not isinstance(a.value, cst.Name):
                        continue
                    key = self._key(a.value, a.value.value)
                    if key not in dicts or len(fscope.by_name.get(param, ())) != 1:
                        continue
                    reads = [n for n in _walk(fn.body) if isinstance(n, cst.Name) and n.value == param]
                    if any(flow.scope_of(n) is not fscope for n in reads):
                        continue  # read in a nested function or lambda: not followed
                    found.setdefault(param, (key, []))[1].append(a.value)
            for param, (key, args) in found.items():
                if len(args) != len(calls) or any(self._key(a, a.value) != key for a in args):
                    continue  # not the same dict at every call
                alias[(id(fn), param)] = key
                for a in args:
                    self._alias_args[id(a)] = (key, id(fn), param)
        return alias

    def _one_encoder(self, calls: list) -> bool:
        """Several calls of a function given weight dicts: the towers of one group that shares
        those variables in TF1 and that TFM205 builds as one encoder (one call of the function,
        so one set of layers)."""
        if not self.ctx.switches.shared_encoders:
            return False
        from .sharing import Sharing

        from .shared_plan import encoder_ready

        sharing = self.ctx.analysis(Sharing)
        g = sharing.group_of(calls[0])
        ok = g is not None and g.verdict == "shared" and g.outside_only and len(g.calls) == len(calls) \
            and all(sharing.group_of(c) is g for c in calls) and encoder_ready(self.ctx, g)
        if ok:
            self.__dict__.setdefault("_encoder_calls", {}).update((id(c), id(g.function)) for c in calls)
        return ok

    def _method_once(self, fn) -> bool:
        """The method ``fn`` of a class runs once (its weight dict's entries may become layers
        inside it): one call of it in the file, or the towers of one group TFM205 builds as one
        encoder (``net.forward(x1)`` / ``net.forward(x2)``, ``net(x1)`` / ``net(x2)``). Asked once
        per pattern of the method: answered once."""
        memo = self.__dict__.setdefault("_method_once_memo", {})
        if id(fn) not in memo:
            memo[id(fn)] = self._runs_once_as_method(fn)
        return memo[id(fn)]

    def _runs_once_as_method(self, fn) -> bool:
        from .sharing import Sharing

        groups = [g for g in self.ctx.analysis(Sharing).groups if g.function is fn]
        if len(groups) == 1 and len(groups[0].calls) > 1:
            return self._one_encoder(list(groups[0].calls))
        if groups or fn.name.value.startswith("__"):
            return False
        calls = [n for n in _walk(self.ctx.module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                 and n.func.attr.value == fn.name.value]
        return len(calls) == 1 and not (isinstance(calls[0].func.value, cst.Name)
                                        and calls[0].func.value.value == "self") and not self._loops(calls[0])

    def dict_tower_calls(self) -> frozenset:
        """The tower calls of builders given weight dicts whose entries become layers inside the
        builder (several calls: TFM205 must build it once, as an encoder)."""
        _, ok, removable = self._state()
        calls = self.__dict__.get("_encoder_calls", {})
        if not calls or not ok:
            return frozenset()
        from .flow import Flow

        flow = self.ctx.analysis(Flow)
        built = {id(flow.scope_of(p[4]).node) for p in ok.values()
                 if isinstance(flow.scope_of(p[4]).node, cst.FunctionDef)}
        return frozenset(k for k, fn in calls.items() if fn in built)

    def _variable_parameters(self, variables, dicts) -> dict:
        """TensorFlow-Examples' ``conv2d(x, W, b, strides=1)`` helper called with a different
        variable for ``W`` / ``b`` at each call (``conv2d(x, weights['wc1'], biases['bc1'])``):
        each such parameter becomes a stand-in variable of the helper (the shape and initializer of
        its first call's variable: the pattern inside is matched once), and {(id(helper), param):
        [(call, variable key), ...]} is returned. When the pattern translates, the helper receives
        the LAYER in the kernel's parameter (built at each call from that call's variables, with
        the helper's other parameters - strides - resolved to the call's arguments or defaults)
        and loses the bias' parameter."""
        from ..analysis.flow import Flow

        ctx = self.ctx
        flow = ctx.analysis(Flow)
        fns = _helper_candidates(ctx, flow)
        refs: dict[str, list] = {}
        for node in _walk(ctx.module):
            if isinstance(node, cst.Name) and node.value in fns:
                parent = ctx.parent(node)
                if isinstance(parent, cst.FunctionDef) and parent.name is node:
                    continue
                if isinstance(parent, cst.Arg) and parent.keyword is node:
                    continue
                if isinstance(parent, cst.Attribute) and parent.attr is node \
                        and (method_class(ctx, fns[node.value]) is None or not isinstance(parent.value, cst.Name)):
                    continue  # ``tf.nn.conv2d`` is no reference to a method ``conv2d``; ``obj.conv2d`` may be
                refs.setdefault(node.value, []).append(node)
        out: dict[tuple, list] = {}
        for name, nodes in refs.items():
            fn = fns[name]
            ps = fn.params
            if ps.posonly_params or isinstance(ps.star_arg, cst.Param) or ps.star_kwarg is not None:
                continue
            calls = [helper_call_of(ctx, n, fn) for n in nodes]
            if not all(c is not None and not any(a.star for a in c.args) for c in calls):
                continue
            positional = helper_params(ctx, fn)
            fscope = flow.scopes[id(fn)]
            for param in positional:
                if len(fscope.by_name.get(param, ())) != 1:
                    continue
                found = []
                for c in calls:
                    a = next((a for i, a in enumerate(c.args) if (a.keyword is None and i < len(positional)
                                                                   and positional[i] == param)
                              or (a.keyword is not None and a.keyword.value == param)), None)
                    vk = self._variable_ref(a.value) if a is not None else None
                    if vk is None or vk not in variables or variables[vk].shape is None \
                            or not self._in_its_loops(c, variables[vk].statement):
                        break
                    found.append((c, vk))
                else:
                    # a shape named by a parameter (``tf.truncated_normal(shape=weights)`` in a
                    # conv_layer(x, weights, name) helper): its rank is the pattern's inside
                    ranks = {len(variables[vk].shape) if not isinstance(variables[vk].shape, _NamedShape) else "named"
                             for _, vk in found}
                    if found and len(ranks) == 1 and not any(
                            flow.scope_of(n) is not fscope for n in _walk(fn.body)
                            if isinstance(n, cst.Name) and n.value == param):
                        first = variables[found[0][1]]
                        variables[(id(fn), param)] = _Var(param, None, first.shape, first.init)
                        out[(id(fn), param)] = found
        return out

    def _outer_biases(self, variables) -> dict:
        """The TF MNIST tutorial's ``conv2d(x, W_conv1) + b_conv1``: a helper whose body is
        ``return tf.nn.conv2d(x, W, ...)`` / ``return tf.matmul(x, W)`` on its kernel parameter
        (``_variable_parameters``), the bias added OUTSIDE the call, of shape ``[n]`` with ``n``
        the kernel's last dimension (written alike: TF1 broadcast anything else): {id(call):
        (the bias' key, id(the add))}. The bias goes into that call's layer when it can go."""
        if not self._helper_params:
            return {}
        from ..analysis.flow import Flow

        ctx = self.ctx
        flow = ctx.analysis(Flow)
        out = {}
        for (fid, _param), found in self._helper_params.items():
            fn = next((f for f in _helper_candidates(ctx, flow).values() if id(f) == fid), None)
            body = [b for b in fn.body.body if not (isinstance(b, cst.SimpleStatementLine) and len(b.body) == 1
                                                   and isinstance(b.body[0], cst.Expr)
                                                   and isinstance(b.body[0].value, cst.SimpleString))] \
                if fn is not None and isinstance(fn.body, cst.IndentedBlock) else []
            if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) \
                    or not isinstance(body[0].body[0], cst.Return) or not isinstance(body[0].body[0].value, cst.Call) \
                    or ctx.legacy_name(body[0].body[0].value) not in ("tensorflow.nn.conv2d", "tensorflow.matmul"):
                continue
            for c, vk in found:
                add = ctx.parent(c)
                if isinstance(add, cst.BinaryOperation) and isinstance(add.operator, cst.Add) and add.left is c \
                        and isinstance(add.right, (cst.Name, cst.Subscript)):
                    bias_node = add.right
                else:
                    # ``conv = self.conv2d(x, kernel)`` then ``tf.nn.bias_add(conv, bias)`` (or
                    # ``conv + bias``) in a later statement, ``conv`` read nowhere else
                    add, bias_node = self._later_add(c, flow)
                    if add is None:
                        continue
                bkey = self._variable_ref(bias_node)  # ``+ b_conv1`` or ``+ params['biases']``
                W, B = variables.get(vk), variables.get(bkey)
                if W is None or B is None or not isinstance(B.shape, list) or len(B.shape) != 1:
                    continue
                # the kernel's last dimension: written out, or ``shape[-1]`` of a named shape
                last = W.shape.at("-1") if isinstance(W.shape, _NamedShape) else (
                    W.shape[-1] if isinstance(W.shape, list) and W.shape else None)
                if last is None or code(B.shape[0]) != code(last) or not self._in_its_loops(c, B.statement):
                    continue
                out[id(c)] = (bkey, id(add))
        return out

    def _variable_ref(self, node):
        """A variable's key from ``W`` or ``weights['k']`` (None otherwise)."""
        if isinstance(node, cst.Name):
            return self._key(node, node.value)
        if isinstance(node, cst.Subscript) and isinstance(node.value, (cst.Name, cst.Attribute)) \
                and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            ks = literal(node.slice[0].slice.value, None)
            key = self._dict_key(node.value)
            if isinstance(ks, str) and key in self._dicts:
                return (key[0], key[1], ks)
        return None

    def _dict_key(self, node):
        """The key of a weight dict read as ``weights`` (a name) or ``self.weights`` (an
        attribute of the instance: keyed by its class, as ``_attr_key``)."""
        if isinstance(node, cst.Name):
            return self._key(node, node.value)
        return self._attr_key(node)

    def _static_shape_reads(self, variables, dicts) -> dict:
        """``W.get_shape().as_list()[i]`` / ``W.get_shape()[i]`` / ``W.shape[i]`` of a variable whose
        shape element i is a literal (``7*7*64``): id(subscript) -> that element (written out, so
        the read does not keep the variable). Fills ``self._shape_names`` (the Names read there)."""
        from ..analysis.flow import load_names

        self._shape_names = set()
        out = {}
        for node in _walk(self.ctx.module):
            if not (isinstance(node, cst.Subscript) and len(node.slice) == 1
                    and isinstance(node.slice[0].slice, cst.Index)):
                continue
            i = literal(node.slice[0].slice.value, None)
            v = node.value
            if isinstance(v, cst.Call) and not v.args and isinstance(v.func, cst.Attribute) \
                    and v.func.attr.value == "as_list":
                v = v.func.value
            if isinstance(v, cst.Call) and not v.args and isinstance(v.func, cst.Attribute) \
                    and v.func.attr.value == "get_shape":
                v = v.func.value
            elif isinstance(v, cst.Attribute) and v.attr.value == "shape" and v is node.value:
                v = v.value
            else:
                continue
            if type(i) is not int:
                continue
            vk = self._variable_ref(v)
            var = variables.get(vk) if vk is not None else None
            if var is None or var.shape is None or isinstance(var.shape, _NamedShape) \
                    or not -len(var.shape) <= i < len(var.shape):
                continue
            el = var.shape[i]
            if load_names(el) or not isinstance(literal(el, None), int) and not isinstance(
                    el, (cst.BinaryOperation, cst.Integer)):
                continue
            out[id(node)] = el
            self._shape_names.update(id(n) for n in _walk(v) if isinstance(n, cst.Name))
        return out

    def _free_variables(self, variables, removable) -> dict:
        """Variables that are no layer's kernel or bias but read directly by tensor ops
        (``self.alpha = tf.get_variable('alpha', [1, 64], ...)``; ``tf.multiply(d, self.alpha)``):
        id(the get_variable / Variable call) -> (shape elements, initializer, anchor). The variable
        becomes ``TF1Variable(shape, init)(anchor)``: a layer owning the weight, placed in the
        graph by the other operand of its first use (bound before the variable)."""
        from ..analysis.flow import Flow
        from ..translate.tf1 import dtype_of
        from ..translate.ops_calls import OPS_CALLS

        ctx = self.ctx
        flow = ctx.analysis(Flow)
        ops = set(OPS_CALLS)
        out = {}
        for node in _walk(ctx.module):
            if not (isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.value, cst.Call)):
                continue
            q = ctx.legacy_name(node.value)
            if q not in ("tensorflow.get_variable", "tensorflow.Variable", "tflearn.variables.variable"):
                continue
            # tflearn.variables.variable(name, shape, dtype, initializer) is get_variable with
            # tflearn's initializer names (parsed by _variable): the same four first parameters
            getvar = q != "tensorflow.Variable"
            allowed = ("name", "shape", "initializer", "dtype") if getvar else ("initial_value", "name", "dtype")
            if any(a.keyword is not None and a.keyword.value not in allowed for a in node.value.args) \
                    or len(node.value.args) > (4 if getvar else 3):
                continue
            dt = _arg(node.value, 2 if getvar else 99, "dtype")
            if dt is not None:
                try:
                    if literal(dtype_of(ctx, dt, dt), None) != "float32":
                        continue
                except Exception:
                    continue
            t = node.targets[0].target
            cls = None
            if isinstance(t, cst.Name):
                key = self._key(node, t.value, binding=True)
                if key in removable or key not in variables or variables[key].call is not node.value:
                    continue
                v = variables[key]
                scope = flow.scope_of(node)
                reads = [n for n in self._scope_names(scope).get(t.value, ())
                         if not isinstance(ctx.parent(n), cst.AssignTarget)
                         and not (isinstance(ctx.parent(n), cst.Attribute) and ctx.parent(n).attr is n)
                         and not (isinstance(ctx.parent(n), cst.Arg) and ctx.parent(n).keyword is n)]
                keys = [self._key(n, n.value) for n in reads]
                if any(k != key and not self._per_binding_key(k) for k in keys):
                    continue  # a read some other binding (or an unknown one) may reach
                # ``W`` bound again for each layer: this binding's reads
                reads = [n for n, k in zip(reads, keys) if k == key]
            elif isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self":
                parsed = self._variable(node.value)
                if parsed is None:
                    continue
                v = _Var(f"self.{t.attr.value}", ctx.statement_of(node), *parsed, call=node.value)
                cls = ctx.parent(node)
                while cls is not None and not isinstance(cls, cst.ClassDef):
                    cls = ctx.parent(cls)
                if cls is None:
                    continue
                by_cls = self.__dict__.setdefault("_self_attrs", {})
                if id(cls) not in by_cls:  # one walk per class
                    attrs: dict[str, list] = {}
                    for n in _walk(cls):
                        if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == "self":
                            attrs.setdefault(n.attr.value, []).append(n)
                    by_cls[id(cls)] = attrs
                reads = [n for n in by_cls[id(cls)].get(t.attr.value, ()) if n is not t]
                if any(isinstance(ctx.parent(n), cst.AssignTarget) for n in reads):
                    continue  # assigned again
            else:
                continue
            if not reads or not all(self._op_read(n, ops) for n in reads):
                continue
            if not self._runs_once(node):
                continue  # get_variable under reuse shares; a layer per call would not
            first = min(reads, key=ctx.position)
            if flow.scope_of(first) is not flow.scope_of(node) or ctx.position(first) < ctx.position(node):
                continue
            at = None  # the statement the layer goes before (None: where the variable was made)
            operand = self._other_operand(first)
            anchor = operand
            if anchor is not None and not isinstance(anchor, (cst.Name, cst.Attribute)):
                # ``scale * tf.sqrt(...(o1 - o2)...)``: a tensor name inside the other operand
                anchor = self._tensor_name_in(anchor, node)
            if operand is None:
                # the first read has no other operand (``l2_loss += tf.nn.l2_loss(W)`` before
                # ``tf.nn.xw_plus_b(x, W, b)``): a later read's operand bound before the variable
                for r in sorted(reads, key=ctx.position)[1:]:
                    o = self._other_operand(r)
                    if isinstance(o, cst.Attribute) and isinstance(o.value, cst.Name) and o.value.value == "self":
                        anchor = o  # (``self.new_input``: checked below to be set before the variable)
                        break
                    cand = o if isinstance(o, cst.Name) else self._tensor_name_in(o, node) if o is not None else None
                    if isinstance(cand, cst.Name) and flow.def_of(cand.value, node) is not None:
                        anchor = cand
                        break
            if isinstance(operand, (cst.Name, cst.BaseExpression)) and operand is not None and not (
                    isinstance(anchor, cst.Name) and flow.def_of(anchor.value, node) is not None) \
                    and not isinstance(anchor, cst.Attribute) and self._movable(node, first):
                # the variable is made before the tensors its first use reads (``W1 =
                # tf.get_variable(..)`` at the top of the method, ``tf.matmul(h, W1)`` later): the
                # layer is placed at that use, on a tensor bound by then (nothing read it before)
                later = operand if isinstance(operand, cst.Name) else self._tensor_name_in(operand, first)
                if isinstance(later, cst.Name) and flow.def_of(later.value, first) is not None:
                    anchor, at = later, ctx.statement_of(first)
            if isinstance(anchor, cst.Name):
                d = flow.def_of(anchor.value, node if at is None else at)
                if d is None or d.value is None:
                    continue
            elif isinstance(anchor, cst.Attribute) and isinstance(anchor.value, cst.Name) and anchor.value.value == "self":
                sets = [n for n in _walk(flow.scope_of(node).node) if isinstance(n, cst.AssignTarget)
                        and isinstance(n.target, cst.Attribute) and isinstance(n.target.value, cst.Name)
                        and n.target.value.value == "self" and n.target.attr.value == anchor.attr.value]
                if not sets or ctx.position(sets[0]) > ctx.position(node):
                    continue
            else:
                continue
            if isinstance(v.shape, _NamedShape):
                continue
            out[id(node.value)] = (v.shape, v.init, anchor, at)
        return out

    def _movable(self, node: cst.Assign, first: cst.CSTNode) -> bool:
        """The statement making the variable can move down to the statement of its first read:
        a statement of its own; between it and that statement only ``with`` blocks (scopes: no
        loop, branch or function), up to the block holding both; and nothing between them (in
        source order) rebinds a name the variable's call reads."""
        from ..analysis.flow import load_names

        ctx = self.ctx
        stmt, use = ctx.statement_of(node), ctx.statement_of(first)
        if stmt is None or use is None or len(stmt.body) != 1:
            return False

        def chain(n) -> list:
            out = []
            p = ctx.parent(n)
            while p is not None:
                out.append(p)
                if isinstance(p, (cst.Module, cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                    break
                p = ctx.parent(p)
            return out

        up_stmt, up_use = chain(stmt), chain(use)
        common = next((b for b in up_stmt if isinstance(b, (cst.IndentedBlock, cst.Module))
                       and any(b is c for c in up_use)), None)
        if common is None:
            return False
        for path in (up_stmt, up_use):
            for p in path:
                if p is common:
                    break
                if not isinstance(p, (cst.IndentedBlock, cst.With)):
                    return False
        start, end = ctx.position(stmt), ctx.position(use)
        if not start < end:
            return False
        from ..analysis.flow import target_names

        reads = load_names(node.value)
        for n in _walk(common):
            if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.For)) and start < ctx.position(n) < end \
                    and set(target_names(n.target)) & reads:
                return False  # (``self.W2 = ...`` rebinds no name)
        return True

    def _runs_once(self, node) -> bool:
        """The code creating the variable runs once: module level, a function called once in
        the file, or ``__init__`` of a class instantiated once. (A function called several
        times may get the SAME variable back from get_variable under reuse - TF1's sharing -
        while a layer per call would make new weights.)"""
        fn = self.ctx.parent(node)
        while fn is not None and not isinstance(fn, (cst.FunctionDef, cst.Lambda)):
            fn = self.ctx.parent(fn)
        if fn is None:
            return True
        if isinstance(fn, cst.Lambda):
            return False
        name = fn.name.value
        if name == "__init__":
            cls = self.ctx.parent(self.ctx.parent(fn))
            if not isinstance(cls, cst.ClassDef):
                return False
            name = cls.name.value
        counts = self.__dict__.get("_call_counts")
        if counts is None:
            counts = self.__dict__["_call_counts"] = {}
            for n in _walk(self.ctx.module):
                if isinstance(n, cst.Call):
                    f = n.func
                    k = f.value if isinstance(f, cst.Name) else f.attr.value if isinstance(f, cst.Attribute) else None
                    if k is not None:
                        counts[k] = counts.get(k, 0) + 1
        return counts.get(name, 0) == 1

    def _op_read(self, n, ops) -> bool:
        """``n`` is an operand of an arithmetic operator or of a TF1 tensor op TFM130 translates."""
        parent = self.ctx.parent(n)
        if isinstance(parent, cst.BinaryOperation):
            return True
        if isinstance(parent, cst.Arg) and parent.keyword is None:
            c = self.ctx.parent(parent)
            return isinstance(c, cst.Call) and self.ctx.legacy_name(c) in ops
        return False

    def _tensor_name_in(self, expr, var_node):
        """A name read inside ``expr`` (not a called function, not a module root of an attribute)
        bound, before ``var_node``, to the result of a call that is not NumPy's or a builtin's: a
        tensor of the graph to place the variable's layer on (None when there is none)."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        for n in _walk(expr):
            if not isinstance(n, cst.Name):
                continue
            parent = self.ctx.parent(n)
            if isinstance(parent, cst.Attribute) or (isinstance(parent, cst.Call) and parent.func is n) \
                    or (isinstance(parent, cst.Arg) and parent.keyword is n):
                continue
            d = flow.def_of(n.value, var_node)
            if d is None or not isinstance(d.value, cst.Call):
                continue
            if any(q.startswith(("numpy", "builtins")) for q in self.ctx.qualified(d.value.func)):
                continue  # an array or a Python value, not a tensor of the graph
            return n
        return None

    def _other_operand(self, n):
        parent = self.ctx.parent(n)
        if isinstance(parent, cst.BinaryOperation):
            return parent.right if parent.left is n else parent.left
        c = self.ctx.parent(parent)
        return next((a.value for a in c.args if a.keyword is None and a is not parent), None)
    def _shared_table(self, key, var, pats) -> bool:
        """``W = tf.get_variable(...)`` / ``tf.Variable(...)`` (a name, bound once, in the scope of
        every lookup reading it or at module level and looked up in functions, outside any loop
        of theirs) whose every reader is an embedding pattern, in code not built twice into one
        graph."""
        stmt = var.statement
        small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
        if not isinstance(small, cst.Assign) or not pats:
            return False
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        if key in self._attr_keys:  # ``self.W = tf.Variable(...)`` looked up in the same method
            return self._shared_attr_table(key, stmt, pats)
        if not isinstance(small.targets[0].target, cst.Name) or id(flow.scope_of(stmt).node) != key[0]:
            return False
        return all(p[0] == "embedding" and p[3] is None and (
            id(flow.scope_of(p[4]).node) == key[0] or id(p[4]) in self._outer_lookups)
                   and store_function(self.ctx, p[4]) is None and not self._loops(p[4])
                   for p in pats) and not self._loops(stmt)

    def _shared_attr_table(self, key, stmt, pats) -> bool:
        """``self.W = tf.Variable(...)`` (bound once in the class) whose every reader is a lookup
        in the method binding it, after it, or in another method of the class, outside loops, in
        a class built once per instance (each instance: one variable, one Embedding attribute,
        however often the methods run), and no ``obj.W`` read outside the class (a Keras layer
        is not the table's value)."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        method = flow.scope_of(stmt).node
        cls = next(n for n in _walk(self.ctx.module) if isinstance(n, cst.ClassDef) and id(n) == key[0])
        if not isinstance(method, cst.FunctionDef) or self._loops(stmt) or not all(
                p[0] == "embedding" and p[3] is None and (flow.scope_of(p[4]).node is method or (
                    id(p[4]) in self._outer_lookups and method_class(self.ctx, flow.scope_of(p[4]).node) is cls))
                and store_function(self.ctx, p[4]) is None and not self._loops(p[4]) for p in pats):
            return False
        attr = key[1].split(".", 1)[1]
        inside = {id(n) for n in _walk(cls)}
        return not any(isinstance(n, cst.Attribute) and n.attr.value == attr and id(n) not in inside
                       for n in _walk(self.ctx.module))

    def _store_wanted(self) -> bool:
        """Faithful towers (TFM201 not fixing them): a kernel TF1 shares comes from a store."""
        return not self.ctx.switches.towers_unshared

    def _stored_patterns(self, variables, ok) -> dict:
        """Patterns whose kernel is a bare get_variable every tower of a PARTLY shared group gets
        (TF1 shares it; the tf.Variable weights around it are per tower): id(pattern) -> (TF1
        name, how the bias goes: None (no bias) / "with" (shared too) / "own" (per tower))."""
        from ..analysis.sharing import Sharing
        from .shared_plan import same_extras

        sh = self.ctx.analysis(Sharing)
        sv: dict[int, str] = {}
        whole: set[int] = set()  # of a FULLY shared group kept as written: its tables too
        for g in sh.groups:
            if self._store_wanted():
                sv.update(sh.stored_variables(g))
            if g.verdict == "shared" and not g.in_loop and not same_extras(self.ctx, g):
                # towers whose calls differ in more than the input (``encode(q, q_len)`` /
                # ``encode(d, d_len)``): no one encoder, each tower built as written - the
                # variables TF1 shares come from its name store, in both modes
                got = sh.stored_variables(g, whole=True)
                sv.update(got)
                whole.update(got)
            # a wrapper's own head, run again under reuse (a validation tower pair): shared in
            # TF1 whatever the mode, so stored in both
            sv.update(sh.wrapper_head_variables(g))
        if not sv:
            return {}
        out = {}
        for k, p in ok.items():
            W = variables[p[2]]
            if W.call is None or id(W.call) not in sv or (p[0] == "embedding" and id(W.call) not in whole):
                continue
            B = variables[p[3]] if p[3] is not None else None
            if B is None:
                how = None
            elif B.call is not None and id(B.call) in sv:
                how = "with"
            else:
                how = "own"
            out[k] = (sv[id(W.call)], how, id(W.call), id(B.call) if how == "with" else None)
        return out

    def removed_variable_names(self) -> frozenset:
        """Names (a variable, or the dict holding it) of the variables that become part of a layer."""
        _, _, removable = self._state()
        return frozenset(k[1] for k in removable if isinstance(k, tuple) and len(k) >= 2)

    def removed_variable_calls(self) -> frozenset:
        """The get_variable / tf.Variable calls whose variable becomes part of a layer."""
        variables, _, removable = self._state()
        return frozenset(id(variables[k].call) for k in removable if variables[k].call is not None)

    def free_variable_calls(self) -> frozenset:
        """The get_variable / tf.Variable calls that become a TF1Variable layer (read by tensor ops)."""
        self._state()
        return frozenset(self._free)

    def tf1_weight_names(self) -> dict[int, tuple]:
        """id(get_variable call whose variable becomes a layer's weight) -> (its TF1 name or None,
        the Keras layer class, the weight's name): what tf.trainable_variables() listed."""
        variables, ok, removable = self._state()
        cls = {"dense": "Dense", "conv": "Conv2D", "conv2d": "Conv2D", "embedding": "Embedding"}
        out = {}
        for p in ok.values():
            kind, _, w, b, _ = p
            pairs = [(w, "embeddings" if kind == "embedding" else "kernel"), (b, "bias")]
            for key, role in list(pairs):  # conv2d(x, W): a helper's parameter, one variable per call
                for c, vk in self._helper_params.get(key, ()) if key is not None else ():
                    pairs.append((vk, role))
                    if role == "kernel" and b is None and id(c) in self._outer:  # conv2d(x, W) + b
                        pairs.append((self._outer[id(c)][0], "bias"))
            for key, role in pairs:
                v = variables.get(key) if key is not None else None
                if v is None or v.call is None or key not in removable:
                    continue
                if self.ctx.legacy_name(v.call.func) == "tensorflow.Variable":  # tf.Variable(init, ..., name=)
                    name = next((a.value for a in v.call.args if a.keyword is not None and a.keyword.value == "name"),
                                cst.SimpleString("'Variable'"))
                elif self.ctx.legacy_name(v.call) is None and isinstance(v.call.func, cst.Name):
                    name = self._helper_variable_name(v.call)
                else:
                    name = _arg(v.call, 0, "name")
                leaf = literal(name, None) if name is not None else None
                if leaf is None and isinstance(name, cst.BinaryOperation) and isinstance(name.operator, cst.Add) \
                        and isinstance(literal(name.right, None), str):
                    leaf = NameSuffix(literal(name.right, None))  # name + '_w': only its end is known
                out[id(v.call)] = (leaf, cls.get(kind, kind), role)
        return out

    def _helper_variable_name(self, site: cst.Call) -> cst.BaseExpression | None:
        """The TF1 variable name a helper call's variable gets: ``init_weights('w', shape)``
        (a ``return tf.get_variable(name, ...)`` helper: its name argument with the parameters
        bound) or the tutorials' ``weight_variable(shape, 'W_conv1')`` (``return tf.Variable(
        initial, name=name)``: the ``name=`` bound to the call's argument or the parameter's
        default; no ``name=``: TF1's ``'Variable'``). None when it is neither."""
        helper = self._helper_variable(site)
        if helper is not None:
            return _arg(helper[0], 0, "name")
        if self._helper_tf_variable(site) is None:
            return None
        from ..analysis.flow import Flow

        fn = self.ctx.analysis(Flow).functions.get(site.func.value)
        ret = fn.body.body[-1].body[0].value
        var = ret if isinstance(ret, cst.Call) else None
        if var is None or self.ctx.legacy_name(var) != "tensorflow.Variable":
            return None
        name = next((a.value for a in var.args if a.keyword is not None and a.keyword.value == "name"), None)
        if name is None:
            return cst.SimpleString("'Variable'")
        if isinstance(name, cst.Name):
            ps = list(fn.params.params)
            if not any(p.name.value == name.value for p in ps):
                return None
            bound = _bind_args(site, ps, ps)
            return bound.get(name.value) if bound is not None else None
        return name

    def stored_variable_calls(self) -> frozenset:
        """The get_variable calls whose layer this rule takes from the TF1-name store."""
        self._state()
        return frozenset(c for v in self._store.values() for c in v[2:] if c is not None)

    def _dead_penalties(self, variables) -> dict:
        """``self.l2_loss += tf.nn.l2_loss(W)`` (or ``reg = reg + ...``) where the accumulator is
        read nowhere else in the file (no ``.l2_loss`` / ``reg`` load outside such updates): a
        weight penalty computed and never used - it changes neither the model nor its loss.
        Returns {statement: (target, [variable nodes])}."""
        ctx = self.ctx
        found: dict = {}
        for node in _walk(ctx.module):
            if not isinstance(node, cst.SimpleStatementLine) or len(node.body) != 1:
                continue
            small = node.body[0]
            if isinstance(small, cst.AugAssign) and isinstance(small.operator, cst.AddAssign):
                target, value = small.target, small.value
            elif isinstance(small, cst.Assign) and len(small.targets) == 1 \
                    and isinstance(small.value, cst.BinaryOperation) and isinstance(small.value.operator, cst.Add) \
                    and _same_ref(small.value.left, small.targets[0].target):
                target, value = small.targets[0].target, small.value.right
            else:
                continue
            if not (isinstance(target, cst.Name) or (isinstance(target, cst.Attribute)
                                                     and isinstance(target.value, cst.Name))):
                continue
            terms, vs = [value], []
            while terms:
                t = terms.pop()
                if isinstance(t, cst.BinaryOperation) and isinstance(t.operator, cst.Add):
                    terms += [t.left, t.right]
                elif isinstance(t, cst.Call) and ctx.legacy_name(t) == "tensorflow.nn.l2_loss" \
                        and len(t.args) == 1 and isinstance(t.args[0].value, (cst.Name, cst.Attribute)):
                    vs.append(t.args[0].value)
                else:
                    vs = None
                    break
            if vs:
                found[node] = (target, vs)
        if not found:
            return {}
        own = {id(n) for st in found for n in _walk(st)}
        wanted = {(t.value if isinstance(t, cst.Name) else t.attr.value) for t, _ in found.values()}
        read = set()
        for node in _walk(ctx.module):
            if id(node) in own:
                continue
            if isinstance(node, cst.Name) and node.value in wanted and not isinstance(ctx.parent(node), cst.AssignTarget):
                p = ctx.parent(node)
                if not (isinstance(p, cst.Attribute) and p.attr is node):
                    read.add(node.value)
            elif isinstance(node, cst.Attribute) and node.attr.value in wanted \
                    and not isinstance(ctx.parent(node), cst.AssignTarget):
                read.add(node.attr.value)
        return {st: v for st, v in found.items()
                if (v[0].value if isinstance(v[0], cst.Name) else v[0].attr.value) not in read}

    _ADD_REG_SIG = "variable, loss='L2', weight_decay=0.001, add_to_collection=None"

    def _weights_collection_adds(self, variables, patterns) -> dict:
        """``tf.add_to_collection(tf.GraphKeys.WEIGHTS, W)`` statements in functions, W the kernel
        of a dense / conv pattern of this rule, in a file whose only other use of the WEIGHTS key is
        none and whose collection is read only by ``apply_regularization(reg)`` WITHOUT a weights
        list inside methods of classes (TFM151 writes ``tf1_weights_collection(self)`` there: TF1's
        collection holds one entry per add - a helper each tower calls adds its shared weight once
        per tower - and the helper counts the layer's calls in the object's graph). The statement
        goes with the variable; its layer's output is marked (``tf1_weights_entry``). All the
        adds or none. Returns {statement: variable key}."""
        ctx = self.ctx
        found: dict = {}
        refs, applies = 0, 0
        from ..analysis.flow import Flow

        flow = ctx.analysis(Flow)
        for node in _walk(ctx.module):
            if isinstance(node, cst.Attribute) and ctx.legacy_name(node) == "tensorflow.GraphKeys.WEIGHTS":
                refs += 1
            if not isinstance(node, cst.Call):
                continue
            q = ctx.legacy_name(node.func)
            if q in _APPLY_REGULARIZATION:
                if any(a.star for a in node.args):
                    return {}
                pos = [a for a in node.args if a.keyword is None]
                if len(pos) > 1 or any(a.keyword.value == "weights_list" for a in node.args if a.keyword):
                    continue  # a list given: not the collection
                if len(node.args) != 1 or (pos == [] and node.args[0].keyword.value != "regularizer"):
                    return {}
                fn = flow.scope_of(node).node
                if not (isinstance(fn, cst.FunctionDef) and isinstance(ctx.parent(ctx.parent(fn)), cst.ClassDef)):
                    return {}
                applies += 1
            elif q == "tensorflow.add_to_collection":
                stmt = ctx.statement_of(node)
                args = node.args
                if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
                        and isinstance(stmt.body[0], cst.Expr) and stmt.body[0].value is node
                        and len(args) == 2 and all(a.keyword is None and not a.star for a in args)
                        and ctx.legacy_name(args[0].value) == "tensorflow.GraphKeys.WEIGHTS"
                        and isinstance(args[1].value, cst.Name)
                        and isinstance(flow.scope_of(node).node, cst.FunctionDef)):
                    continue
                v = args[1].value
                key = self._key(v, v.value)
                var = variables.get(key)
                if var is None or var.call is None or key in self._helper_params:
                    return {}
                found[stmt] = key
        if not found or not applies or refs != len(found):
            return {}
        kernels = {p[2] for p in patterns.values() if p[0] in ("dense", "conv")}
        biases = {p[3] for p in patterns.values()} | {p[2] for p in patterns.values() if p[0] not in ("dense", "conv")}
        if any(k not in kernels or k in biases for k in found.values()):
            return {}
        self._weights_marks = {id(variables[k].call) for k in found.values()}
        return found

    def weights_add_dropped(self, stmt) -> bool:
        """``stmt`` is an ``add_to_collection(WEIGHTS, W)`` that goes with its variable W."""
        _, _, removable = self._state()
        return self._weights_adds.get(stmt) in removable

    def weights_collection_translated(self) -> bool:
        """Every ``add_to_collection(WEIGHTS, W)`` of the file goes (its W is a layer's kernel now,
        marked by ``tf1_weights_entry``): ``apply_regularization(reg)`` without a list may read
        the collection as ``tf1_weights_collection(self)``."""
        _, _, removable = self._state()
        return bool(self._weights_adds) and all(k in removable for k in self._weights_adds.values())

    def _weights_regularizers(self, variables) -> dict:
        """``tflearn.add_weights_regularizer(W, 'L2', weight_decay=wd)`` as a statement, W a
        variable of this rule with no regularizer of its own: tflearn adds ``regularizers.L2(W, wd)``
        = ``wd * sum(W ** 2) / 2`` ('L1': ``wd * sum(|W|)``) to REGULARIZATION_LOSSES, which a
        TrainOp / regression adds to the loss - the Keras layer's ``kernel_regularizer`` /
        ``bias_regularizer`` ``L2(wd / 2)`` / ``L1(wd)`` (fit adds model.losses). Records the
        regularizer for the variable's layer; the statement goes when the variable does.
        Returns {statement: variable key}."""
        from ..args import BoundArgs, Unbindable

        ctx = self.ctx
        found: dict = {}
        regs = self.__dict__.setdefault("_regularizers", {})
        for node in _walk(ctx.module):
            if not (isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1
                    and isinstance(node.body[0], cst.Expr) and isinstance(node.body[0].value, cst.Call)):
                continue
            c = node.body[0].value
            if ctx.legacy_name(c) != "tflearn.helpers.regularizer.add_weights_regularizer":
                continue
            try:
                b = BoundArgs(c, self._ADD_REG_SIG)
            except Unbindable:
                continue
            v = b.node("variable")
            if not isinstance(v, cst.Name):
                continue
            key = self._key(v, v.value)
            var = variables.get(key)
            if var is None or var.call is None or id(var.call) in regs:
                continue
            if b.given("add_to_collection") and literal(b.node("add_to_collection"), "?") is not None:
                continue  # another collection: not added to the loss
            kind = literal(b.node("loss"), None) if b.given("loss") else "L2"
            wd = literal(b.node("weight_decay"), None) if b.given("weight_decay") else 0.001
            if kind not in ("L2", "L1") or isinstance(wd, bool) or not isinstance(wd, (int, float)):
                continue
            regs[id(var.call)] = (call("keras.regularizers.L2", wd / 2) if kind == "L2"
                                  else call("keras.regularizers.L1", wd))
            found[node] = key
        return found

    def _attr_key(self, node):
        """``self.W`` read or bound in a method: (id(class), "self.W"); None otherwise."""
        if not (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self"):
            return None
        from ..analysis.flow import Flow

        fn = self.ctx.analysis(Flow).scope_of(node).node
        body = self.ctx.parent(fn) if isinstance(fn, cst.FunctionDef) else None
        cls = self.ctx.parent(body) if body is not None else None
        if not isinstance(cls, cst.ClassDef):
            return None
        return (id(cls), f"self.{node.attr.value}")

    def _list_def(self, node, at):
        """``shape=kernel`` with ``kernel = [k, k, c_in, c_out]`` bound once before, from names
        bound once: the list (its elements are evaluated where the layer is built)."""
        if not isinstance(node, cst.Name):
            return node
        from ..analysis.flow import Flow, load_names

        flow = self.ctx.analysis(Flow)
        scope, idx = flow.index_of(at)
        defs = scope.by_name.get(node.value, ())
        if len(defs) != 1 or not isinstance(defs[0].value, (cst.List, cst.Tuple)) or defs[0].index >= idx:
            return node
        if any(len(scope.by_name.get(n, ())) > 1 for n in load_names(defs[0].value)):
            return node
        return defs[0].value

    def _named_shape(self, node: cst.Name, at) -> bool:
        """``shape=kernel_shape``: a parameter of the function the variable is made in, never
        rebound, or a local bound once before it (its value is read where the layer is built)."""
        from ..analysis.flow import Flow

        scope, idx = self.ctx.analysis(Flow).index_of(at)
        defs = scope.by_name.get(node.value, ())
        return len(defs) == 1 and defs[0].index < idx and (defs[0].index >= 0 or defs[0].stmt is scope.node)

    def _init_name(self, init: cst.Name, at):
        """``initializer=init`` with every binding of ``init`` a TF1 initializer call (``if``
        branches ...): the layer gets the same name; its bindings are translated (the ones that
        translate: a binding left TF1 keeps its TODO)."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        scope = flow.scope_of(at)
        defs = scope.by_name.get(init.value, ())
        if len(defs) == 1 and defs[0].index == -1 and defs[0].stmt is scope.node:
            # a parameter of the layer helper (``init_w=None``), never rebound: the layer takes
            # it as is - None is get_variable's default, glorot_uniform for a float variable, and
            # Keras' add_weight(initializer=None) draws glorot_uniform too (kernel AND bias)
            return cst.Name(init.value)
        _, at_idx = flow.index_of(at)
        rebinds = self.literal_rebinds()
        reach = rebinds.reads.get(id(init))
        if reach is not None:
            # read after a literal rebinding (``init = tf.constant_initializer(0.0)``, dropped):
            # the layer takes that initializer itself (it reads no local: the same object)
            return initializer_of(self.ctx, reach.value.deep_clone(), reach.value)
        defs = [d for d in defs if id(d.stmt) not in rebinds.statements]
        if any(d.index > at_idx for d in defs):
            # rebound AFTER the variable (``init = ...; w = get_variable(.., init); init =
            # tf.constant_initializer(0.0); b = get_variable(.., init)``): the layer, built where the
            # weights are used (later), would read the LATER binding - the variable stays TF1
            return None
        calls = []
        for d in defs:
            if not isinstance(d.value, cst.Call) or not (self.ctx.legacy_name(d.value) or "").startswith("tensorflow."):
                return None
            if not isinstance(d.stmt, cst.SimpleStatementLine) or len(d.stmt.body) != 1:
                return None
            calls.append(d.value)
        if not calls:
            return None
        self.__dict__.setdefault("_pending_inits", {})[id(at)] = calls
        return cst.Name(init.value)

    def literal_rebinds(self):
        """analysis/literal_rebinds.py: later literal bindings of initializer names (dropped)."""
        from .literal_rebinds import LiteralRebinds

        return self.ctx.analysis(LiteralRebinds)

    def dead_methods(self) -> list:
        """The helper methods' defs (original nodes) every call of which became a layer."""
        dead = getattr(self, "_dead_methods", set())
        if not dead:
            return []
        out = []
        for c in self.ctx.module.body:
            if isinstance(c, cst.ClassDef):
                out += [b for b in c.body.body if isinstance(b, cst.FunctionDef)
                        and (c.name.value, b.name.value) in dead]
        return out

    def _unused_helpers(self, variables, removable) -> set[str]:
        """Helper functions (``init_weights``) every call of which was a removed variable."""
        helper_calls = self.__dict__.get("_helper_calls", {})
        if not helper_calls:
            return set()
        gone = set()
        for n in removable:
            st = variables[n].statement
            if isinstance(st, cst.SimpleStatementLine) and isinstance(st.body[0], cst.Assign):
                value = st.body[0].value
                if isinstance(value, cst.Dict) and len(n) == 3:  # p = {'weight': new_weights(..), ...}
                    value = next((el.value for el in value.elements if isinstance(el, cst.DictElement)
                                  and literal(el.key, None) == n[2]), value)
                gone.add(id(value))
        names = {v for v in helper_calls.values() if isinstance(v, str)}
        methods = {v for v in helper_calls.values() if isinstance(v, tuple)}
        attrs = {m for _, m in methods}
        for node in _walk(self.ctx.module):
            if isinstance(node, cst.Name) and node.value in names:
                parent = self.ctx.parent(node)
                if isinstance(parent, cst.FunctionDef) and parent.name is node:
                    continue
                if not (isinstance(parent, cst.Call) and parent.func is node and id(parent) in gone):
                    names.discard(node.value)
            elif isinstance(node, cst.Name) and node.value in attrs:
                # a helper method: every ``x.<name>`` a call of it that went (any other read - a
                # call kept, the bound method passed on - keeps the def)
                parent = self.ctx.parent(node)
                if isinstance(parent, cst.FunctionDef) and parent.name is node:
                    continue
                call_ = self.ctx.parent(parent) if isinstance(parent, cst.Attribute) and parent.attr is node else None
                if not (isinstance(call_, cst.Call) and call_.func is parent and id(call_) in gone):
                    attrs.discard(node.value)
        self._dead_methods = {(c, m) for c, m in methods if m in attrs}
        return names

    def _late_biases(self, variables, patterns) -> dict[int, tuple[int, str]]:
        """``h = tf.nn.conv2d(x, W, ...)`` then ``tf.add(h, b)`` / ``h + b`` / ``bias_add(h, b)`` in a
        LATER statement, ``h`` read nowhere else: the bias belongs to the layer (fused into its
        pattern). Returns id(add node) -> (id(pattern node), name of h)."""
        from ..analysis.flow import Flow

        ctx = self.ctx
        flow = ctx.analysis(Flow)
        late: dict[int, tuple[int, str]] = {}
        candidates = []
        for node in _walk(ctx.module):
            x = b = None
            if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add) \
                    and isinstance(node.left, cst.Name) and isinstance(node.right, (cst.Name, cst.Subscript)):
                x, b = node.left, node.right
            elif isinstance(node, cst.Call) and ctx.legacy_name(node) in ("tensorflow.nn.bias_add", "tensorflow.add") \
                    and _two_operands(node, names=False) and isinstance(node.args[0].value, cst.Name) \
                    and isinstance(node.args[1].value, (cst.Name, cst.Subscript)):
                x, b = node.args[0].value, node.args[1].value
            if x is None:
                continue
            # the bias: a variable ``b`` or a weight dict's entry ``biases['bc1']``
            bkey = self._variable_ref(b)
            if bkey is None:
                continue
            v = variables.get(bkey)
            if v is None or v.shape is None or (not isinstance(v.shape, _NamedShape) and len(v.shape) != 1):
                continue
            candidates.append((node, x, bkey))
        if not candidates:
            return late
        wanted = {x.value for _, x, _ in candidates}
        reads: dict[tuple, int] = {}
        for node in _walk(ctx.module):
            if isinstance(node, cst.Name) and node.value in wanted \
                    and not isinstance(ctx.parent(node), cst.AssignTarget) \
                    and not self._not_a_value_read(node):
                k = self._key(node, node.value)
                reads[k] = reads.get(k, 0) + 1
        for node, x, bkey in candidates:
            d = flow.def_of(x.value, node)
            if d is None or d.value is None or id(d.value) not in patterns or d.scope is not flow.scope_of(node):
                continue
            p = patterns[id(d.value)]
            if p[3] is not None or reads.get(self._key(x, x.value)) != 1 \
                    or (len(d.scope.by_name.get(x.value, ())) != 1 and not self._per_binding_key(self._key(x, x.value))):
                continue
            cond = self._bias_block(node, d, variables[bkey])
            if cond is False:
                continue
            if cond is not None:  # ``if use_bias:`` holding the bias variable and its add
                self._cond_bias[id(d.value)] = cond
            patterns[id(d.value)] = (p[0], p[1], p[2], bkey, p[4])
            late[id(node)] = (id(d.value), x.value)
            if not (isinstance(node, cst.Call) and ctx.legacy_name(node) == "tensorflow.nn.bias_add"):
                self._broadcast_adds.add(id(p[4]))
        return late

    def _later_add(self, c: cst.Call, flow):
        """(the add, the bias expression) when helper call ``c`` is bound to a name ``h``
        (``h = conv2d(x, W)``) that is read once as a value, by a later ``tf.nn.bias_add(h, b)``
        / ``tf.add(h, b)`` / ``h + b`` in the same scope, whose statement runs whenever the
        binding does; else (None, None)."""
        ctx = self.ctx
        asg = ctx.parent(c)
        if not (isinstance(asg, cst.Assign) and asg.value is c and len(asg.targets) == 1
                and isinstance(asg.targets[0].target, cst.Name)):
            return None, None
        h = asg.targets[0].target.value
        scope = flow.scope_of(c)
        if len(scope.by_name.get(h, ())) != 1:
            return None, None
        reads = [n for n in _walk(scope.node) if isinstance(n, cst.Name) and n.value == h
                 and flow.scope_of(n) is scope and not isinstance(ctx.parent(n), cst.AssignTarget)
                 and not self._not_a_value_read(n)]
        if len(reads) != 1:
            return None, None
        read = reads[0]
        parent = ctx.parent(read)
        if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Add) and parent.left is read \
                and isinstance(parent.right, (cst.Name, cst.Subscript)):
            add, b = parent, parent.right
        else:
            call_ = ctx.parent(parent) if isinstance(parent, cst.Arg) else None
            if not (isinstance(call_, cst.Call) and ctx.legacy_name(call_) in ("tensorflow.nn.bias_add", "tensorflow.add")
                    and _two_operands(call_, names=False) and call_.args[0] is parent
                    and isinstance(call_.args[1].value, (cst.Name, cst.Subscript))):
                return None, None
            add, b = call_, call_.args[1].value
        d = flow.def_of(h, add)
        if d is None or d.value is not c:
            return None, None
        stmt = ctx.statement_of(add)
        if ctx.parent(stmt) is not ctx.parent(ctx.statement_of(c)):
            return None, None  # the add in another block (a branch, a loop) than the binding
        return add, b

    def _not_a_value_read(self, node: cst.Name) -> bool:
        """A name that does not read the layer's VALUE, so a bias fused into the layer leaves it
        as it was: the name a ``def`` / ``class`` / parameter defines (kratzert's AlexNet helper
        ``def conv(x, ...)`` binds a local ``conv`` too: the ``def``'s own name is not a read of
        it), an attribute's or keyword's name, and ``tf.shape(h)`` / ``h.get_shape()`` /
        ``h.shape`` (``tf.reshape(tf.nn.bias_add(conv, biases), tf.shape(conv))``: adding a
        ``[n]`` bias to the last axis keeps the shape, so the fused output's shape is the same)."""
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Param)) and parent.name is node:
            return True
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return True
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return True
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if parent.attr.value == "shape":
                return True
            outer = ctx.parent(parent)
            return parent.attr.value == "get_shape" and isinstance(outer, cst.Call) and outer.func is parent \
                and not outer.args
        if isinstance(parent, cst.Arg) and parent.keyword is None:
            c = ctx.parent(parent)
            return isinstance(c, cst.Call) and ctx.legacy_name(c) == "tensorflow.shape" and len(c.args) == 1 \
                and c.args[0] is parent
        return False

    def _bias_block(self, add, d, B):
        """Where the later bias add sits: None when in the layer statement's own block (always
        runs with it); ``(test, if node)`` for ``if <name>:`` (no else) holding exactly the bias
        variable's statement and the add, in the layer statement's block, the name a parameter or
        bound before the layer and never again (the layer gets ``use_bias=<name>``); False
        otherwise (the bias is conditional in a way the layer cannot say)."""
        ctx = self.ctx

        def blocks(s):  # the blocks that run whenever ``s`` runs: out through ``with`` bodies
            out = []
            b = ctx.parent(s)
            while b is not None:
                out.append(id(b))
                owner = ctx.parent(b)
                if not isinstance(owner, cst.With):
                    break
                b = ctx.parent(owner)
            return out

        stmt = ctx.statement_of(add)
        layer_blocks = set(blocks(d.stmt))
        if layer_blocks & set(blocks(stmt)):
            return None  # (name_scope blocks around either) the add runs whenever the layer does
        block = ctx.parent(stmt)
        if_ = ctx.parent(block) if isinstance(block, cst.IndentedBlock) else None
        if not isinstance(if_, cst.If) or if_.orelse is not None or not (layer_blocks & set(blocks(if_))) \
                or not isinstance(if_.test, cst.Name) or list(block.body) != [B.statement, stmt]:
            return False
        defs = d.scope.by_name.get(if_.test.value, ())
        if len(defs) != 1 or defs[0].index >= d.index:
            return False
        return (if_.test, if_)

    def _helper_def(self, value: cst.Call):
        """The function a weight helper call runs: (its FunctionDef, the parameters the call's
        arguments bind, the key ``_helper_calls`` records) for ``init_weights(...)`` calling a
        module-level function, or ``self.weight_variables(...)`` in a method calling another
        method of the same class (THTBSE's model class: the repository's ``weight_variables`` /
        ``bias_variables`` methods): the method is one undecorated def of that class, no other
        class of the module defines that name (a subclass could override it) and its first
        parameter is the instance, which the call does not pass."""
        from ..analysis.flow import Flow

        ctx = self.ctx
        if isinstance(value.func, cst.Name):
            fn = ctx.analysis(Flow).functions.get(value.func.value)
            if fn is None:
                return None
            return fn, list(fn.params.params), fn.name.value
        f = value.func
        if not (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name)):
            return None
        method = ctx.parent(value)
        while method is not None and not isinstance(method, cst.FunctionDef):
            method = ctx.parent(method)
        if method is None or not method.params.params or method.params.params[0].name.value != f.value.value:
            return None
        cls = method_class(ctx, method)
        if cls is None or method.decorators:
            return None
        defs = [b for b in cls.body.body if isinstance(b, cst.FunctionDef) and b.name.value == f.attr.value]
        if len(defs) != 1:
            return None
        others = [n for n in self._classes_defining(f.attr.value) if n is not cls]
        fn = defs[0]
        ps = fn.params.params
        if others or not ps or ps[0].default is not None:
            return None
        return fn, list(ps[1:]), (cls.name.value, fn.name.value)

    def _classes_defining(self, method: str) -> list:
        """The classes of the module (at any depth) whose body defines ``method``."""
        table = self.__dict__.get("_method_classes")
        if table is None:
            table = self.__dict__["_method_classes"] = {}
            for n in _walk(self.ctx.module):
                if isinstance(n, cst.ClassDef):
                    for b in n.body.body:
                        if isinstance(b, cst.FunctionDef):
                            table.setdefault(b.name.value, []).append(n)
        return table.get(method, [])

    def _helper_variable(self, value: cst.Call):
        """``init_weights('weights', shape)`` calling a module-level function whose body is
        ``return tf.get_variable(...)`` (or ``v = tf.get_variable(...)``; ``return v``): (the
        get_variable call with the parameters replaced by the arguments / defaults, the original
        get_variable call). The helper function goes when every call of it is translated."""

        ctx = self.ctx
        found = self._helper_def(value)
        if found is None:
            return None
        fn, positional, key = found
        if fn.decorators or any(a.star for a in value.args):
            return None
        body = [b for b in fn.body.body if not (isinstance(b, cst.SimpleStatementLine) and len(b.body) == 1
                                               and isinstance(b.body[0], cst.Expr)
                                               and isinstance(b.body[0].value, cst.SimpleString))]
        smalls = [b.body[0] for b in body if isinstance(b, cst.SimpleStatementLine) and len(b.body) == 1]
        if len(smalls) != len(body) or not smalls or not isinstance(smalls[-1], cst.Return):
            return None
        ret = smalls[-1].value
        if len(smalls) >= 2 and isinstance(smalls[-2], cst.Assign) and len(smalls[-2].targets) == 1 \
                and isinstance(smalls[-2].targets[0].target, cst.Name) and isinstance(ret, cst.Name) \
                and ret.value == smalls[-2].targets[0].target.value:
            ret = smalls[-2].value
            smalls = [*smalls[:-2], smalls[-1]]
        # ``init_op = tf.truncated_normal_initializer(stddev=0.001)`` then ``return
        # tf.get_variable(..., initializer=init_op)`` (a stacked-triplet repository's
        # ``create_conv_kernel``): locals bound once before the return, each read as a value of the
        # get_variable call, are put in its place (the helper's body computes nothing else)
        pre: dict[str, cst.BaseExpression] = {}
        for st in smalls[:-1]:
            if not (isinstance(st, cst.Assign) and len(st.targets) == 1 and isinstance(st.targets[0].target, cst.Name)):
                return None
            name = st.targets[0].target.value
            if name in pre or name in {p.name.value for p in (*fn.params.params, *fn.params.kwonly_params)}:
                return None
            if any(isinstance(n, cst.Name) and n.value in pre for n in _walk(st.value)):
                return None  # one local read by another: not this form
            pre[name] = st.value
        if not isinstance(ret, cst.Call) or ctx.legacy_name(ret) != "tensorflow.get_variable":
            return None
        tree_ret = ret
        if pre:
            reads = [n for n in _walk(ret) if isinstance(n, cst.Name) and n.value in pre]
            if sorted(n.value for n in reads) != sorted(pre) \
                    or any(not isinstance(ctx.parent(n), cst.Arg) or ctx.parent(n).value is not n for n in reads):
                return None  # each local read once, as an argument's whole value

            class Inline(cst.CSTTransformer):
                def leave_Arg(self, o, u):
                    if isinstance(o.value, cst.Name) and o.value.value in pre and o.value in reads:
                        return u.with_changes(value=pre[o.value.value])
                    return u

            inlined = self.__dict__.setdefault("_inlined_args", {})
            for n in reads:  # the original argument of the inlined value (its TF1 names)
                inlined[id(n)] = pre[n.value]
            ret = ret.visit(Inline())
        ps = fn.params
        if ps.star_arg is not cst.MaybeSentinel.DEFAULT and ps.star_arg is not None or ps.star_kwarg is not None \
                or ps.posonly_params:
            return None
        params = [*positional, *ps.kwonly_params]
        bound = _bind_args(value, positional, params)
        if bound is None:
            return None
        local = {p.name.value for p in params}

        class Sub(cst.CSTTransformer):
            def leave_Attribute(self, o, u):
                return u.with_changes(attr=o.attr)

            def leave_Arg(self, o, u):
                return u.with_changes(keyword=o.keyword)

            def leave_Name(self, o, u):
                return bound[o.value] if o.value in local else u

        self.__dict__.setdefault("_helper_calls", {})[id(value)] = key
        return ret.visit(Sub()), tree_ret

    def _variable(self, value):
        """``tf.get_variable(...)`` / ``tf.Variable(<init>)`` -> (shape elements, Keras initializer)."""
        ctx = self.ctx
        if not isinstance(value, cst.Call):
            return None
        site = value  # the call in the tree (a helper function's call, or get_variable itself)
        q = ctx.legacy_name(value)
        if q is None and (isinstance(value.func, cst.Name) or isinstance(value.func, cst.Attribute)
                          and isinstance(value.func.value, cst.Name)):
            # w = init_weights('w', shape): a helper function (or self.weight_variables(...): a method)
            helper = self._helper_variable(value)
            if helper is None:
                return self._helper_tf_variable(value)
            value, orig = helper
            q = "tensorflow.get_variable"
        else:
            orig = value
        try:
            if q == "tensorflow.get_variable":
                shape = self._list_def(_arg(value, 1, "shape"), site)
                init = _arg(value, 3, "initializer")
                init_orig = _arg(orig, 3, "initializer")
                init_orig = self.__dict__.get("_inlined_args", {}).get(id(init_orig), init_orig)
                if isinstance(init, cst.Name):
                    k = self._init_name(init, site) if orig is value else None
                    if k is None:
                        return None
                elif shape is None and isinstance(init, cst.Call) and ctx.legacy_name(init_orig) == "tensorflow.constant":
                    shape, k = _constant(ctx, init)  # initializer=tf.constant(0.1, shape=[n]): no shape=
                elif init is not None and not (isinstance(init, cst.Name) and init.value == "None"):
                    k = initializer_of(ctx, init, init_orig)
                else:
                    # no initializer of its own: the variable scope's in force, else Glorot-uniform
                    k = self._inherited("initializer", orig) or to_node("glorot_uniform")
                self._get_variable_regularizer(site, _arg(value, 4, "regularizer"), _arg(orig, 4, "regularizer"), orig)
            elif q == "tflearn.variables.variable":
                shape, k = self._tflearn_variable(value)
            elif q == "tensorflow.Variable":
                iv = _arg(value, 0, "initial_value")
                if any(a.keyword is not None and a.keyword.value not in ("initial_value", "name", "trainable")
                       for a in value.args) or len([a for a in value.args if a.keyword is None]) > 2:
                    return None
                tr = _arg(value, 1, "trainable")
                if tr is not None and literal(tr, None) is not True and not _dtype_as_trainable(ctx, tr):
                    return None  # a frozen weight: not a layer's trainable weight
                if isinstance(iv, (cst.Name, cst.Attribute)) and ctx.legacy_name(iv) is None:
                    # tf.Variable(pretrained): a value (array) of the program - its shape is known at
                    # run time only (the Embedding reads it); Constant(value) gives the same start
                    return None, call("keras.initializers.Constant", iv.deep_clone())
                num = literal(iv, None) if iv is not None else None
                if isinstance(num, float):
                    # tf.Variable(5.0): a float32 scalar (an int literal would make an int32 one)
                    return [], call("keras.initializers.Constant", iv.deep_clone())
                if not isinstance(iv, cst.Call) or ctx.legacy_name(iv) not in _VAR_INITS:
                    return None
                cls, sig = _VAR_INITS[ctx.legacy_name(iv)]
                from ..args import BoundArgs

                b = BoundArgs(iv, sig)
                if cls == "Identity":  # tf.eye(rows[, cols]) in float32: Keras' Identity of that shape
                    if b.given("batch_shape") or (b.given("dtype") and ctx.legacy_name(b.node("dtype")) != "tensorflow.float32"):
                        return None
                    rows = b.node("num_rows")
                    cols = b.node("num_columns") if b.given("num_columns") else rows
                    return [rows.deep_clone(), cols.deep_clone()], call("keras.initializers.Identity")
                shape = self._list_def(b.node("shape"), site) if b.given("shape") or cls != "Constant" else None
                if cls == "Constant":
                    shape, k = _constant(ctx, iv)
                elif cls in ("zeros", "ones"):
                    k = to_node(cls)
                elif cls == "RandomUniform":
                    mx = b.node("maxval") if b.given("maxval") else to_node(1.0)
                    k = call("keras.initializers.RandomUniform", minval=b.node("minval"), maxval=mx)
                else:
                    k = call(f"keras.initializers.{cls}", mean=b.node("mean"), stddev=b.node("stddev"))
            else:
                return None
        except (Untranslatable, ValueError, Exception):
            return None
        if isinstance(shape, cst.Integer):  # tf.zeros(8): a 1-D shape given as its length
            return [shape], k
        if isinstance(shape, cst.Name) and self._named_shape(shape, site):
            return _NamedShape(shape.value), k
        if not isinstance(shape, (cst.List, cst.Tuple)):
            return None
        return [e.value for e in shape.elements], k

    def _inherited(self, kind: str, getvar: cst.Call):
        """The variable scope's initializer / regularizer for the variable ``getvar`` makes
        (analysis/scope_initializers.py); where that is not known, the reason is kept for the
        statement's TODO (``scope_declines``) and Untranslatable raised (the variable stays TF1)."""
        from .scope_initializers import inherited_initializer, inherited_regularizer

        try:
            if kind == "initializer":
                return inherited_initializer(self.ctx, getvar, "the variable")
            return inherited_regularizer(self.ctx, getvar, "the variable")
        except Untranslatable as ex:
            self.scope_declines[id(getvar)] = str(ex)
            raise

    @property
    def scope_declines(self) -> dict[int, str]:
        """id(original get_variable call) -> why its variable scope's initializer / regularizer is not known."""
        return self.__dict__.setdefault("_scope_declines", {})

    def _get_variable_regularizer(self, site: cst.Call, node, orig, getvar: cst.Call | None = None) -> None:
        """``tf.get_variable(.., regularizer=tf.contrib.layers.l2_regularizer(s))``: TF1 adds the
        penalty to REGULARIZATION_LOSSES once, when the variable is made (a reuse adds nothing).
        Where the file adds that collection to a loss, the layer gets the Keras regularizer of the
        same penalty (``regularizer_of``; TFM151 turns the read into nothing, Keras adds the layer's
        losses itself); where nothing reads it, TF1 never trained with it and it is dropped. A
        regularizer with no translation raises (the variable is no layer: it stays TF1). None: the
        ``variable_scope(regularizer=)``'s in force where ``getvar`` (the original get_variable call)
        made it, if any (analysis/scope_initializers.py)."""
        if node is None or literal(node, 0) is None:
            if getvar is None:
                return
            reg = self._inherited("regularizer", getvar)
            if reg is not None:
                self.__dict__.setdefault("_regularizers", {})[id(site)] = reg
            return
        from ..translate.regularizers import regularizer_of

        reg, _ = regularizer_of(self.ctx, node, orig)
        if reg is not None:
            self.__dict__.setdefault("_regularizers", {})[id(site)] = reg

    def _helper_tf_variable(self, value: cst.Call):
        """The TF tutorials' ``weight_variable(shape)``: a module-level function whose body is
        ``initial = tf.truncated_normal(shape, stddev=0.1)`` (or ``tf.constant(0.1, shape=shape)``,
        ``tf.random_normal`` ...); ``return tf.Variable(initial)`` (or ``return tf.Variable(<that
        call>)``), called with the shape: (shape elements, Keras initializer) of the call's
        variable, the parameters replaced by the call's arguments / defaults. The helper goes
        when every call of it is translated (``_unused_helpers``)."""
        from ..args import BoundArgs

        ctx = self.ctx
        found = self._helper_def(value)
        if found is None:
            return None
        fn, positional, key = found
        if fn.decorators or any(a.star for a in value.args) or not isinstance(fn.body, cst.IndentedBlock):
            return None
        body = [b for b in fn.body.body if not (isinstance(b, cst.SimpleStatementLine) and len(b.body) == 1
                                               and isinstance(b.body[0], cst.Expr)
                                               and isinstance(b.body[0].value, cst.SimpleString))]
        smalls = [b.body[0] for b in body if isinstance(b, cst.SimpleStatementLine) and len(b.body) == 1]
        if len(smalls) != len(body) or not 1 <= len(smalls) <= 2 or not isinstance(smalls[-1], cst.Return):
            return None
        var = smalls[-1].value
        if not isinstance(var, cst.Call) or ctx.legacy_name(var) != "tensorflow.Variable" or not var.args \
                or var.args[0].keyword is not None and var.args[0].keyword.value != "initial_value" \
                or any(a.keyword is None or a.keyword.value != "name" for a in var.args[1:]):
            return None  # (a name= is the variable's name in TF1's checkpoint only)
        iv = var.args[0].value
        if len(smalls) == 2:
            first = smalls[0]
            if not (isinstance(first, cst.Assign) and len(first.targets) == 1 and isinstance(iv, cst.Name)
                    and isinstance(first.targets[0].target, cst.Name) and first.targets[0].target.value == iv.value):
                return None
            iv = first.value
        q = ctx.legacy_name(iv) if isinstance(iv, cst.Call) else None
        if q not in _VAR_INITS:
            return None
        ps = fn.params
        if isinstance(ps.star_arg, cst.Param) or ps.star_kwarg is not None or ps.posonly_params or ps.kwonly_params:
            return None
        bound = _bind_args(value, positional, positional)
        if bound is None:
            return None
        local = {p.name.value for p in positional}
        if any(n not in bound for n in local):
            return None

        class Sub(cst.CSTTransformer):
            def leave_Attribute(self, o, u):
                return u.with_changes(attr=o.attr)

            def leave_Arg(self, o, u):
                return u.with_changes(keyword=o.keyword)

            def leave_Name(self, o, u):
                return bound[o.value].deep_clone() if o.value in local else u

        init = iv.visit(Sub())
        cls, sig = _VAR_INITS[q]
        try:
            b = BoundArgs(init, sig)
            if cls == "Constant":
                shape, k = _constant(ctx, init)
            else:
                shape = self._list_def(b.node("shape"), value)
                if cls in ("zeros", "ones"):
                    k = to_node(cls)
                elif cls == "RandomUniform":
                    mx = b.node("maxval") if b.given("maxval") else to_node(1.0)
                    k = call("keras.initializers.RandomUniform", minval=b.node("minval"), maxval=mx)
                else:
                    k = call(f"keras.initializers.{cls}", mean=b.node("mean"), stddev=b.node("stddev"))
            for extra in ("dtype", "seed"):
                if cls != "Constant" and b.given(extra) and literal(b.node(extra), "?") is not None:
                    return None
        except Exception:
            return None
        if isinstance(shape, cst.Integer):
            shape = cst.List([cst.Element(shape)])
        if not isinstance(shape, (cst.List, cst.Tuple)):
            return None
        self.__dict__.setdefault("_helper_calls", {})[id(value)] = key
        return [e.value for e in shape.elements], k

    _TFLEARN_VAR_SIG = ("name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True, "
                        "collections=None, caching_device=None, validate_shape=True, device=None, restore=True")

    def _tflearn_variable(self, value):
        """``tflearn.variables.variable(name, shape, initializer=, regularizer=)``: tf.get_variable
        with tflearn's initializer names (None: get_variable's glorot_uniform) and its regularizer
        ('L2': 0.001 * l2_loss(W) = sum(W**2) * 0.0005, 'L1': 0.001 * sum|W|) added to
        REGULARIZATION_LOSSES (the Keras layer's kernel/bias_regularizer; a TrainOp or
        regression adds them to the loss, Keras' fit adds model.losses)."""
        from ..args import BoundArgs
        from ..translate.tflearn import initializer as tflearn_initializer

        b = BoundArgs(value, self._TFLEARN_VAR_SIG)
        for k, default in (("trainable", True), ("collections", None), ("caching_device", None),
                           ("device", None), ("restore", True), ("validate_shape", True)):
            if b.given(k) and literal(b.node(k), "?") != default:
                raise Untranslatable(f"tflearn variable {k}=")
        if b.given("dtype") and self.ctx.legacy_name(b.node("dtype")) not in ("tensorflow.float32",):
            raise Untranslatable("tflearn variable dtype")
        shape = self._list_def(b.node("shape"), value) if b.given("shape") else None
        if b.given("initializer") and literal(b.node("initializer"), "?") is not None:
            q = self.ctx.legacy_name(b.node("initializer")) or ""
            if isinstance(literal(b.node("initializer"), None), str) or q.startswith("tflearn."):
                k = tflearn_initializer(self.ctx, b, "initializer")  # tflearn's names
            else:  # a TF1 initializer object (tf.constant_initializer(...)), as get_variable takes it
                k = initializer_of(self.ctx, b.node("initializer"), b.node("initializer"))
        else:  # get_variable's: the variable scope's in force, else Glorot-uniform
            k = self._inherited("initializer", value) or to_node("glorot_uniform")
        if b.given("regularizer") and literal(b.node("regularizer"), "?") is not None:
            reg = literal(b.node("regularizer"), None)
            if reg == "L2":
                r = call("keras.regularizers.L2", 0.0005)
            elif reg == "L1":
                r = call("keras.regularizers.L1", 0.001)
            else:
                raise Untranslatable("tflearn variable regularizer other than 'L2' / 'L1'")
            self.__dict__.setdefault("_regularizers", {})[id(value)] = r
        else:  # get_variable's: the variable scope's regularizer in force, if any
            self._get_variable_regularizer(value, None, None, value)
        return shape, k

    def _match(self, node, variables):
        ctx = self.ctx
        bias = None
        core = node

        def var(n, rank=None):
            if isinstance(n, cst.Subscript) and isinstance(n.value, (cst.Name, cst.Attribute)) \
                    and len(n.slice) == 1 and isinstance(n.slice[0].slice, cst.Index):
                ks = literal(n.slice[0].slice.value, None)
                key = self._dict_key(n.value)
                if key is None:
                    return None
                key = (key[0], key[1], ks)
                v = variables.get(key)
                return key if v is not None and v.shape is not None and (rank is None or (
                    rank != "table" if isinstance(v.shape, _NamedShape) else len(v.shape) == rank)) else None
            if isinstance(n, cst.Attribute):
                key = self._attr_key(n)
            elif isinstance(n, cst.Name):
                key = self._key(n, n.value)
            else:
                return None
            v = variables.get(key)
            if v is None or (v.shape is None and rank != "table"):
                return None
            if isinstance(v.shape, _NamedShape):  # the rank is the use's; not an embedding table
                return key if rank != "table" else None
            return key if rank in (None, "table") or len(v.shape) == rank else None

        q = ctx.legacy_name(node) if isinstance(node, cst.Call) else None
        if q == "tensorflow.nn.xw_plus_b":  # matmul(x, weights) + biases
            x, w, b = (_arg(node, 0, "x"), _arg(node, 1, "weights"), _arg(node, 2, "biases"))
            if x is not None and var(w, 2) and var(b, 1):
                return ("dense", x, var(w, 2), var(b, 1), node)
            return None
        if q in ("tensorflow.nn.embedding_lookup", "tensorflow.gather"):  # a row per id: a trainable table
            # is an Embedding; tf.gather(W, ids) along axis 0 is what embedding_lookup computes
            ids_kw = "ids" if q.endswith("lookup") else "indices"
            if any(a.keyword is not None and a.keyword.value not in ("params", ids_kw, "name") for a in node.args) \
                    or len(node.args) > 3 or any(a.star for a in node.args) \
                    or (len(node.args) == 3 and node.args[2].keyword is None):
                return None  # max_norm, partition_strategy / validate_indices, axis, batch_dims: not kept
            t, ids = _arg(node, 0, "params"), _arg(node, 1, ids_kw)
            w = var(t, "table")
            if ids is not None and w is not None and (variables[w].shape is None or len(variables[w].shape) == 2):
                return ("embedding", ids, w, None, node)
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add) and var(node.right) \
                and isinstance(node.left, cst.Call):
            bias, core = var(node.right), node.left
            self._broadcast_adds.add(id(core))
        elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add) and var(node.left) \
                and isinstance(node.right, cst.Call):
            # ``b + tf.nn.conv2d(x, W, ...)``: the bias first (IEEE addition commutes: the same sum)
            bias, core = var(node.left), node.right
            self._broadcast_adds.add(id(core))
        elif isinstance(node, cst.Call) and ctx.legacy_name(node) in ("tensorflow.nn.bias_add", "tensorflow.add") \
                and _two_operands(node, names=False) \
                and var(node.args[1].value) and isinstance(node.args[0].value, cst.Call):
            bias, core = var(node.args[1].value), node.args[0].value
            if ctx.legacy_name(node) == "tensorflow.add":
                self._broadcast_adds.add(id(core))
        if not isinstance(core, cst.Call):
            return None
        q = ctx.legacy_name(core)
        if q == "tensorflow.matmul" and len(core.args) == 2 and all(a.keyword is None for a in core.args):
            w = var(core.args[1].value, 2)
            if w is not None:
                return ("dense", core.args[0].value, w, bias, core)
        if q == "tensorflow.nn.conv2d":
            w = var(_arg(core, 1, "filter") or _arg(core, 1, "filters"), 4)
            if w is not None:
                return ("conv", _arg(core, 0, "input"), w, bias, core)
        return None

