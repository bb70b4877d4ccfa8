"""A model_fn-style graph builder with mode branches, written at its one call (rule TFM192's
pre-step), and a dict of tensors a session run fetches by key, written as one name per key
(rule TFM193's pre-step): pure functions of the source.

**A builder with mode branches** (TFM192; Uday-Gurugubelli/Siamese-One-Shot-Networks' ``model_fn``)::

    def model_fn(features, labels, mode):
        y = siamese_net(features)
        train_op = None
        loss = None
        if mode == 'eval' or mode == 'train':
            labels = tf.reshape(labels, (-1,))
            loss = tf.losses.sigmoid_cross_entropy(labels, y)
        if mode == 'train':
            train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        predictions = {"classes": tf.round(y), "probabilities": y}
        return predictions, loss, train_op

    predictions, loss, train_op = model_fn(features, labels, 'train')

TF1 semantics: the call adds the ops of the branches its literal ``mode`` selects to the graph,
where it is called (an ``if`` on a Python string is decided when the graph is built); the tuple
hands three of its locals to the caller's names. ``inline_mode_builders`` writes the same
program at the call: the ``if`` statements resolved for the call's literals, the parameters
replaced by the call's arguments, each returned local bound to its target's name, the other
locals kept under their names (``<function>_<name>`` where the name is used elsewhere in the
file, and for a parameter the body rebinds), a ``x = None`` that is bound again before any read
dropped (no effect), the function removed::

    y = siamese_net(features)
    model_fn_labels = tf.reshape(labels, (-1,))
    loss = tf.losses.sigmoid_cross_entropy(model_fn_labels, y)
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    predictions = {"classes": tf.round(y), "probabilities": y}

so the session-program rules see the placeholders, the loss and the train op in one scope (the
call was a tensor of the placeholders with the train op hidden inside). Only a module-level
function that builds a train step (``minimize`` / ``apply_gradients``) and has at least one
``if`` on a parameter the call binds to a literal (a string, a number, None, True / False), every
``if`` of its body decided by such parameters (``==``, ``!=``, ``is (not) None``, ``in`` a tuple
of literals, ``not`` / ``and`` / ``or``, the value itself), the resolved body straight-line
assignments and expression statements ending with ``return`` of local names (no ``return`` in a
branch the call takes before the last statement); no ``global``, nested function, lambda or
comprehension; called exactly once in the file, as a
statement assigning its result to as many names, with name / attribute / literal arguments that
none of its locals rebinds, from a scope binding none of the module names it reads.

**A dict of tensors fetched by key** (TFM193)::

    predictions = {"classes": tf.round(y), "probabilities": y}
    ... sess.run(predictions["probabilities"], feed_dict={x: batch})

TF1 semantics: the dict is a Python container of graph tensors; the run fetches the tensor
stored under the key. ``split_fetched_dicts`` writes one name per key, in the dict's order
(the values are evaluated in the same order)::

    predictions_classes = tf.round(y)
    predictions_probabilities = y
    ... sess.run(predictions_probabilities, feed_dict={x: batch})

Only a name bound once in the file, to a dict display whose keys are distinct string literals
that are identifiers (no ``**``) and whose values make no variable (a weight dict is TFM135's /
TFM162's), every other use of the name a ``d["key"]`` read of one of its
keys, at least one of them inside the fetches of a ``.run(...)`` / ``.eval(...)`` call, and the
new names used nowhere in the file.
"""
from __future__ import annotations

import ast

import libcst as cst

from ..cstcache import walk as _nodes
from ..names import dotted
from .placeholder_forms import _bind, _calls_of, _free_names, _Rename, _tf_aliases

_STEPS = ("minimize", "apply_gradients")
_SCOPED = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.FunctionDef, cst.ClassDef,
           cst.Global, cst.Nonlocal)
_COMPS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_UNDECIDED = object()
_VARIABLE_MAKERS = ("Variable", "get_variable")


def _literal_value(e: cst.BaseExpression):
    """The Python value of a literal argument (string, number, None, True, False), else _UNDECIDED."""
    if isinstance(e, cst.Name) and e.value in ("None", "True", "False"):
        return {"None": None, "True": True, "False": False}[e.value]
    if isinstance(e, (cst.SimpleString, cst.Integer, cst.Float)) or (
            isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus)
            and isinstance(e.expression, (cst.Integer, cst.Float))):
        try:
            return ast.literal_eval(cst.Module([]).code_for_node(e))
        except (ValueError, SyntaxError):
            return _UNDECIDED
    return _UNDECIDED


def _decide(test: cst.BaseExpression, env: dict):
    """The value of an ``if`` test made of the literal parameters in ``env`` and literals, else _UNDECIDED."""
    if isinstance(test, cst.Name) and test.value in env:
        return env[test.value]
    if isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name) \
            and f"{test.value.value}.{test.attr.value}" in env:
        return env[f"{test.value.value}.{test.attr.value}"]  # a configuration object's constant
    v = _literal_value(test)
    if v is not _UNDECIDED:
        return v
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        v = _decide(test.expression, env)
        return _UNDECIDED if v is _UNDECIDED else not v
    if isinstance(test, cst.BooleanOperation):
        left = _decide(test.left, env)
        if left is _UNDECIDED:
            return _UNDECIDED
        if isinstance(test.operator, cst.And):
            return left and _decide(test.right, env) if left else left
        return left if left else _decide(test.right, env)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        left = _decide(test.left, env)
        comp = test.comparisons[0]
        op = comp.operator
        if isinstance(op, (cst.In, cst.NotIn)) and isinstance(comp.comparator, (cst.Tuple, cst.List)):
            items = [_decide(el.value, env) for el in comp.comparator.elements if isinstance(el, cst.Element)]
            if left is _UNDECIDED or len(items) != len(comp.comparator.elements) or _UNDECIDED in items:
                return _UNDECIDED
            return (left in items) == isinstance(op, cst.In)
        right = _decide(comp.comparator, env)
        if left is _UNDECIDED or right is _UNDECIDED:
            return _UNDECIDED
        if isinstance(op, cst.Equal):
            return left == right
        if isinstance(op, cst.NotEqual):
            return left != right
        if isinstance(op, cst.Is) and right is None:
            return left is None
        if isinstance(op, cst.IsNot) and right is None:
            return left is not None
    return _UNDECIDED


def _config_attrs(module: cst.Module, name: str, caller: cst.FunctionDef | None) -> dict:
    """``name`` (read by a call in ``caller``, not its parameter) bound once in the whole file
    (other functions' parameters aside), to ``C()`` (no arguments), C a module-level class
    bound once, based on nothing but ``object``, whose body only binds attributes to literals
    (``class Params: batch_size = 64; use_batch_norm = True``), and nothing in the file assigns
    an attribute or calls ``setattr``: {attribute: its literal}, one value for the whole run.
    Empty otherwise."""
    binds: dict[str, list] = {}
    set_attrs: set[str] = set()  # attributes something assigns (``x.keep_prob = 1.0``)
    for n in _nodes(module):
        if isinstance(n, cst.AssignTarget):
            t = n.target
            for x in ([e.value for e in t.elements] if isinstance(t, (cst.Tuple, cst.List)) else [t]):
                if isinstance(x, cst.Name):
                    binds.setdefault(x.value, []).append(n)
                elif isinstance(x, cst.Attribute):
                    set_attrs.add(x.attr.value)
        elif isinstance(n, (cst.AugAssign, cst.AnnAssign)) and isinstance(n.target, cst.Attribute):
            set_attrs.add(n.target.attr.value)
        elif isinstance(n, (cst.FunctionDef, cst.ClassDef)):
            binds.setdefault(n.name.value, []).append(n)
        elif isinstance(n, (cst.For, cst.CompFor)):
            for x in _nodes(n.target):
                if isinstance(x, cst.Name):
                    binds.setdefault(x.value, []).append(n)
        elif isinstance(n, cst.WithItem) and n.asname is not None and isinstance(n.asname.name, cst.Name):
            binds.setdefault(n.asname.name.value, []).append(n)
        elif isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in ("setattr", "vars"):
            return {}
    if len(binds.get(name, ())) != 1 or (caller is not None and any(
            q.name.value == name for q in _nodes(caller.params) if isinstance(q, cst.Param))):
        return {}
    stmt = next((st.body[0] for st in _nodes(module) if isinstance(st, cst.SimpleStatementLine)
                 and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)
                 and any(t is binds[name][0] for t in st.body[0].targets)), None)
    v = stmt.value if stmt is not None and len(stmt.targets) == 1 else None
    if not (isinstance(v, cst.Call) and not v.args and isinstance(v.func, cst.Name)
            and len(binds.get(v.func.value, ())) == 1):
        return {}
    cls = binds[v.func.value][0]
    if not (isinstance(cls, cst.ClassDef) and cls in module.body) or cls.decorators or cls.keywords \
            or any(not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in cls.bases) \
            or not isinstance(cls.body, cst.IndentedBlock):
        return {}
    out = {}
    for st in cls.body.body:
        small = st.body[0] if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 else None
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString):
            continue
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)):
            return {}
        lit = _literal_value(small.value)
        if lit is not _UNDECIDED:
            out[small.targets[0].target.value] = lit
    return {} if set(out) & set_attrs else out


def _reads_env(test: cst.BaseExpression, env: dict) -> bool:
    return bool(_free_names(test) & set(env))


def _device_block(s: cst.CSTNode, tf: set[str]) -> bool:
    """``with tf.device(<name / literal>):`` (no ``as``): placement only, the ops are the same."""
    if not isinstance(s, cst.With) or s.asynchronous is not None or not isinstance(s.body, cst.IndentedBlock):
        return False
    for item in s.items:
        c = item.item
        d = dotted(c.func) if isinstance(c, cst.Call) else None
        if item.asname is not None or d is None or d.split(".")[0] not in tf or not d.endswith(".device") \
                or d.count(".") != 1 or len(c.args) != 1 or c.args[0].keyword is not None \
                or not isinstance(c.args[0].value, (cst.Name, cst.SimpleString)):
            return False
    return True


def _compound_ok(s: cst.CSTNode, env: dict) -> bool:
    """An ``if`` the call's literals do not decide, or a ``with`` block, kept as written at the call
    (TFM196): straight-line inside - no return, loop, try, nothing reading a literal parameter
    in a test; assignments to names (or tuples of names) only."""
    for n in _nodes(s):
        if isinstance(n, (cst.Return, cst.For, cst.While, cst.Try, cst.AugAssign, cst.AnnAssign,
                          cst.Del, cst.Import, cst.ImportFrom)) or (isinstance(n, cst.With) and n.asynchronous):
            return False
        if isinstance(n, cst.If) and _reads_env(n.test, env):
            return False
        if isinstance(n, cst.AssignTarget):
            t = n.target
            names = [e.value for e in t.elements] if isinstance(t, (cst.Tuple, cst.List)) else [t]
            if not all(isinstance(x, cst.Name) for x in names):
                return False
        if isinstance(n, cst.WithItem) and n.asname is not None and not isinstance(n.asname.name, cst.Name):
            return False
    return True


def _compound_locals(s: cst.CSTNode) -> list[str]:
    out: list[str] = []
    for n in _nodes(s):
        names: list = []
        if isinstance(n, cst.AssignTarget):
            t = n.target
            names = [e.value for e in t.elements] if isinstance(t, (cst.Tuple, cst.List)) else [t]
        elif isinstance(n, cst.WithItem) and n.asname is not None:
            names = [n.asname.name]
        for x in names:
            if x.value not in out:
                out.append(x.value)
    return out


def _resolve(stmts, env: dict, used: list, tf: set[str] = frozenset(), keep: bool = False) -> list | None:
    """The statements with every ``if`` decided by ``env`` replaced by its chosen branch, the bodies of
    ``with tf.device(...)`` blocks in their place; None when an ``if`` cannot be decided or a statement
    is not a simple one. ``used`` collects whether any ``if`` read a literal parameter. ``keep``: an
    ``if`` that reads no literal parameter and is not decided, and a ``with`` block, stay as
    written when :func:`_compound_ok`."""
    out: list = []
    for s in stmts:
        if keep and isinstance(s, cst.With) and not _device_block(s, tf):
            if not _compound_ok(s, env):
                return None
            out.append(s)
            continue
        if keep and isinstance(s, cst.If) and _decide(s.test, env) is _UNDECIDED and not _reads_env(s.test, env):
            if not _compound_ok(s, env):
                return None
            out.append(s)
            continue
        if _device_block(s, tf):
            inner = _resolve(s.body.body, env, used, tf, keep)
            if inner is None:
                return None
            out.extend(inner)
            continue
        if isinstance(s, cst.If):
            branch: cst.BaseSuite | None = None
            node: cst.If | cst.Else | None = s
            while isinstance(node, cst.If):
                v = _decide(node.test, env)
                if v is _UNDECIDED:
                    return None
                if _reads_env(node.test, env):
                    used.append(True)
                if v:
                    branch = node.body
                    break
                node = node.orelse
            if branch is None and isinstance(node, cst.Else):
                branch = node.body
            if branch is not None:
                if not isinstance(branch, cst.IndentedBlock):
                    return None
                inner = _resolve(branch.body, env, used, tf, keep)
                if inner is None:
                    return None
                out.extend(inner)
            continue
        if not isinstance(s, cst.SimpleStatementLine):
            return None
        for small in s.body:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Assign):
                for t in small.targets:
                    tgt = t.target
                    names = [e.value for e in tgt.elements] if isinstance(tgt, (cst.Tuple, cst.List)) else [tgt]
                    if not all(isinstance(n, cst.Name) for n in names):
                        return None
            elif not isinstance(small, (cst.Expr, cst.Return)):
                return None
            out.append(small)
    return out


def _targets(small: cst.Assign) -> list[str]:
    out: list[str] = []
    for t in small.targets:
        tgt = t.target
        if isinstance(tgt, (cst.Tuple, cst.List)):
            out.extend(e.value.value for e in tgt.elements)
        else:
            out.append(tgt.value)
    return out


def _drop_dead_literals(body: list) -> list:
    """``x = None`` (a literal) bound again before any read, in straight-line code: no effect."""
    out = []
    for k, s in enumerate(body):
        if isinstance(s, cst.Assign) and len(s.targets) == 1 and isinstance(s.targets[0].target, cst.Name) \
                and _literal_value(s.value) is not _UNDECIDED:
            name = s.targets[0].target.value
            dead = False
            for later in body[k + 1:]:
                if name in _free_names(later.value if isinstance(later, cst.Assign) else later):
                    break
                if isinstance(later, cst.Assign) and name in _targets(later):
                    dead = True
                    break
            if dead:
                continue
        out.append(s)
    return out


def _module_names(module: cst.Module, skip: cst.CSTNode) -> set[str]:
    """Every identifier used in the module outside ``skip`` (the function being written out)."""
    inside = {id(n) for n in _nodes(skip)}
    return {n.value for n in _nodes(module) if isinstance(n, cst.Name) and id(n) not in inside}


def _plan(module: cst.Module, fn: cst.FunctionDef, stmt: cst.SimpleStatementLine,
          caller: cst.FunctionDef | None, need_mode: bool = True) -> list[cst.SimpleStatementLine] | None:
    p = fn.params
    if (p.star_arg is not cst.MaybeSentinel.DEFAULT and p.star_arg is not None) or p.star_kwarg is not None \
            or p.posonly_params or p.kwonly_params or fn.decorators or fn.asynchronous is not None \
            or not isinstance(fn.body, cst.IndentedBlock):
        return None
    if any(isinstance(n, _SCOPED) and not isinstance(n, _COMPS) for n in _nodes(fn.body)):
        return None
    # a comprehension (a weight decay's ``[tf.nn.l2_loss(v) for v in tf.trainable_variables()]``): its
    # variables are its own, written out as they are - none may be a name the writing renames
    comp_vars = {x.value for n in _nodes(fn.body) if isinstance(n, cst.CompFor)
                 for x in _nodes(n.target) if isinstance(x, cst.Name)}
    fn_names = {x.value for n in _nodes(fn.body) if isinstance(n, cst.AssignTarget)
                for x in _nodes(n.target) if isinstance(x, cst.Name)} | {q.name.value for q in p.params}
    if comp_vars & fn_names:
        return None
    if not any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in _STEPS
               for n in _nodes(fn.body)):
        return None
    assign = stmt.body[0]
    bound = _bind(fn, assign.value)
    if bound is None:
        return None
    env = {k: v for k, v in ((k, _literal_value(e)) for k, e in bound.items()) if v is not _UNDECIDED}
    for k, e in bound.items():  # a configuration object's constants: ``if params.use_batch_norm:``
        if isinstance(e, cst.Name):
            env.update({f"{k}.{a}": v for a, v in _config_attrs(module, e.value, caller).items()})
    stmts = list(fn.body.body)
    if stmts and isinstance(stmts[0], cst.SimpleStatementLine) and len(stmts[0].body) == 1 \
            and isinstance(stmts[0].body[0], cst.Expr) and isinstance(stmts[0].body[0].value, cst.SimpleString):
        stmts = stmts[1:]
    for k, st in enumerate(stmts):  # statements after a return of the body never run (a template's leftover)
        if isinstance(st, cst.SimpleStatementLine) and any(isinstance(x, cst.Return) for x in st.body):
            stmts = stmts[:k + 1]
            break
    used: list = []
    body = _resolve(stmts, env, used, _tf_aliases(module), keep=not need_mode)
    # TFM192: a builder with a mode branch; TFM196: one without (the caller's placeholders and the
    # builder's train op were in two scopes, the caller a function or the module)
    if body is None or (bool(used) != need_mode) or not body or not isinstance(body[-1], cst.Return) or body[-1].value is None:
        return None
    ret, body = body[-1], body[:-1]
    if any(isinstance(s, cst.Return) for s in body):
        return None
    params = set(bound)
    # a literal parameter the body rebinds is not a constant of the call
    locals_: list[str] = []
    for s in body:
        for n in _targets(s) if isinstance(s, cst.Assign) else \
                _compound_locals(s) if isinstance(s, (cst.If, cst.With)) else ():
            if n not in locals_:
                locals_.append(n)
        # a parameter rebound in a kept ``if``: its reads after it depend on the branch taken
        if isinstance(s, cst.If) and set(_compound_locals(s)) & params:
            return None
    if {k.split(".")[0] for k in env} & set(locals_):  # (a parameter the decisions read, rebound)
        return None
    rv = ret.value
    elems = [e.value for e in rv.elements] if isinstance(rv, cst.Tuple) else [rv]
    tgt = assign.targets[0].target
    targets = [e.value for e in tgt.elements] if isinstance(tgt, (cst.Tuple, cst.List)) else [tgt]
    if len(assign.targets) != 1 or isinstance(tgt, (cst.Tuple, cst.List)) != isinstance(rv, cst.Tuple) \
            or len(targets) != len(elems) or not all(isinstance(t, cst.Name) for t in targets) \
            or not all(isinstance(e, cst.Name) and e.value in locals_ for e in elems):  # (a parameter: rebound)
        return None
    returned = [e.value for e in elems]
    if len(set(returned)) != len(returned) or len({t.value for t in targets}) != len(targets):
        return None
    taken = _module_names(module, fn) | {t.value for t in targets}
    out_name: dict[str, str] = {r: t.value for r, t in zip(returned, targets)}
    for n in locals_:
        if n in out_name:
            continue
        new = n if n not in taken and n not in params else f"{fn.name.value}_{n}"
        k = 2
        while new in taken or new in out_name.values():
            new, k = f"{fn.name.value}_{n}_{k}", k + 1
        out_name[n] = new
        taken.add(new)
    new_names = set(out_name.values())
    # the module names the body reads (functions, tf ...) must not be bound by what is written out,
    # nor locally by the calling function; the arguments must not read a name it binds
    reads_global = set()
    for s in body + [ret]:
        reads_global |= _free_names(s.value if isinstance(s, (cst.Assign, cst.Expr, cst.Return)) else s)
    reads_global -= params | set(locals_) | {"None", "True", "False"}
    if reads_global & new_names:
        return None
    if caller is not None:
        caller_bound = {n.target.value for n in _nodes(caller) if isinstance(n, cst.AssignTarget)
                        and isinstance(n.target, cst.Name)} | {q.name.value for q in caller.params.params}
        if reads_global & caller_bound:
            return None
    # ``loss = build(loss)``: the argument would be read after the name is rebound
    if any(_free_names(v) & new_names for v in bound.values()):
        return None
    # write out: reads through the current binding (parameters: the argument), targets renamed
    cur: dict[str, cst.BaseExpression] = dict(bound)

    def small(s, cur):
        if not isinstance(s, cst.Assign):
            return s.visit(_Rename(cur))
        value = s.value.visit(_Rename(cur))
        new_targets = []
        for t in s.targets:
            rename = {n: cst.Name(out_name[n]) for n in _targets(cst.Assign([t], s.value))}
            new_targets.append(t.with_changes(target=t.target.visit(_Rename(rename))))
        for n in _targets(s):
            cur[n] = cst.Name(out_name[n])
        return s.with_changes(targets=new_targets, value=value)

    def block(b, cur):
        return b.with_changes(body=[statement(x, cur) for x in b.body])

    def statement(st, cur):
        """A statement of a kept block, written in order (a ``with`` body always runs: its
        bindings count from where they are; an ``if`` branch starts from the bindings before it)."""
        if isinstance(st, cst.SimpleStatementLine):
            return st.with_changes(body=[small(x, cur) for x in st.body])
        if isinstance(st, cst.With):
            items = []
            for it in st.items:
                item = it.item.visit(_Rename(cur))
                asname = it.asname
                if asname is not None:
                    n = asname.name.value
                    asname = asname.with_changes(name=cst.Name(out_name[n]))
                    cur[n] = cst.Name(out_name[n])
                items.append(it.with_changes(item=item, asname=asname))
            return st.with_changes(items=items, body=block(st.body, cur))
        if isinstance(st, cst.If):
            before = dict(cur)
            test = st.test.visit(_Rename(before))
            body = block(st.body, dict(before))
            orelse = st.orelse
            if isinstance(orelse, cst.If):
                orelse = statement(orelse, dict(before))
            elif isinstance(orelse, cst.Else):
                orelse = orelse.with_changes(body=block(orelse.body, dict(before)))
            for n in _compound_locals(st):
                cur[n] = cst.Name(out_name[n])
            return st.with_changes(test=test, body=body, orelse=orelse)
        return st

    written: list = []
    for s in body:
        if isinstance(s, (cst.If, cst.With)):
            written.append(statement(s, cur))
        else:
            written.append(small(s, cur))
    written = _drop_dead_literals(written)
    if not written:
        return None
    # every returned local was bound (straight-line code)
    bound_names = {n for s in written if isinstance(s, cst.Assign) for n in _targets(s)} \
        | {n for s in written if isinstance(s, (cst.If, cst.With)) for n in _compound_locals(s)}
    if not all(t.value in bound_names for t in targets):
        return None
    lines = [s if isinstance(s, (cst.If, cst.With)) else cst.SimpleStatementLine([s]) for s in written]
    lines[0] = lines[0].with_changes(leading_lines=stmt.leading_lines)
    return lines


class _Write(cst.CSTTransformer):
    def __init__(self, plans: dict[int, list], drop: set[int]) -> None:
        self.plans, self.drop = plans, drop

    def leave_SimpleStatementLine(self, original, updated):
        new = self.plans.get(id(original))
        return cst.FlattenSentinel(new) if new is not None else updated

    def leave_FunctionDef(self, original, updated):
        return cst.RemoveFromParent() if id(original) in self.drop else updated


def _statement_of(module: cst.Module, call_name: cst.Name):
    """(the statement ``targets = f(...)`` whose callee is ``call_name``, its enclosing function or None)."""
    def visit(stmts, caller):
        for s in stmts:
            if isinstance(s, cst.SimpleStatementLine):
                if len(s.body) == 1 and isinstance(s.body[0], cst.Assign) and isinstance(s.body[0].value, cst.Call) \
                        and s.body[0].value.func is call_name:
                    return s, caller
                continue
            inner_caller = s if isinstance(s, cst.FunctionDef) else caller
            if isinstance(s, cst.ClassDef):
                # a method's body (the class body itself is another scope)
                if caller is None and isinstance(s.body, cst.IndentedBlock):
                    hit = visit([m for m in s.body.body if isinstance(m, cst.FunctionDef)], None)
                    if hit is not None:
                        return hit
                continue
            for block in _blocks(s):
                hit = visit(block, inner_caller)
                if hit is not None:
                    return hit
        return None
    return visit(module.body, None)


def _blocks(s: cst.CSTNode):
    body = getattr(s, "body", None)
    if isinstance(body, cst.IndentedBlock):
        yield body.body
    for attr in ("orelse", "finalbody"):
        o = getattr(s, attr, None)
        if o is not None:
            yield from _blocks(o) if isinstance(o, cst.If) else ([o.body.body] if isinstance(o.body, cst.IndentedBlock)
                                                                   else [])
    for h in getattr(s, "handlers", ()) or ():
        yield from _blocks(h)


_BUILTINS = {"len", "float", "int", "min", "max", "abs", "zip", "list", "tuple", "range", "print",
             "isinstance", "dict", "sum", "round", "str", "bool"}


def _call_makes_weights(n: cst.Call, tf: set[str]) -> bool:
    """The call may make variables or layers: it is none of TensorFlow's ops (no get_variable /
    Variable, no layers / slim / contrib / keras), an optimizer or its minimize /
    compute_gradients / apply_gradients, a few builtins - a call of a function of the file
    (``net(x)``) may build a tower."""
    d = dotted(n.func) or ""
    parts = d.split(".")
    if d in _BUILTINS:
        return False
    if isinstance(n.func, cst.Attribute) and n.func.attr.value in (*_STEPS, "compute_gradients"):
        return False
    if parts[0] in tf and parts[-1] not in _VARIABLE_MAKERS \
            and not any(p in ("layers", "slim", "contrib", "keras") for p in parts[:-1]) \
            and not parts[-1][:1].isupper() or (parts[0] in tf and parts[-1].endswith("Optimizer")):
        return False
    return True


def _makes_weights(fn: cst.FunctionDef, tf: set[str]) -> bool:
    """The builder may make variables or layers: one of its calls may (_call_makes_weights)."""
    return any(isinstance(n, cst.Call) and _call_makes_weights(n, tf) for n in _nodes(fn.body))


def inline_graph_builders(module: cst.Module) -> cst.Module | None:
    """TFM196: a builder with no mode branch, called once (see the module's doc)."""
    return inline_mode_builders(module, need_mode=False)


def inline_mode_builders(module: cst.Module, need_mode: bool = True) -> cst.Module | None:
    if not _tf_aliases(module):
        return None
    plans: dict[int, list] = {}
    drop: set[int] = set()
    for fn in module.body:
        if not isinstance(fn, cst.FunctionDef):
            continue
        uses = [n for n in _calls_of(module, fn.name.value) if n is not fn.name]
        # several calls: only a builder that makes no variable or layer (``def training(loss, lr):
        # opt = ...; return opt.minimize(loss)``) - each call is its own ops, written at each call;
        # a builder making weights called twice is a tower the sharing rules read
        if not uses or (len(uses) > 1 and (need_mode or _makes_weights(fn, set(_tf_aliases(module))))):
            continue
        found = {}
        for use in uses:
            hit = _statement_of(module, use)
            if hit is None or hit[1] is fn or id(hit[0]) in found:
                break
            lines = _plan(module, fn, hit[0], hit[1], need_mode)
            if lines is None:
                break
            found[id(hit[0])] = lines
        else:
            plans.update(found)
            drop.add(id(fn))
            break  # one builder per pass: the names taken change with each
        continue
    if not plans:
        return None
    new = module.visit(_Write(plans, drop))
    again = inline_mode_builders(new, need_mode)
    return again if again is not None else new


# -- TFM193: a dict of tensors a run fetches by key -----------------------------------------------
def _key(e: cst.BaseExpression) -> str | None:
    if isinstance(e, cst.SimpleString):
        try:
            v = ast.literal_eval(e.value)
        except (ValueError, SyntaxError):
            return None
        return v if isinstance(v, str) and v.isidentifier() else None
    return None


def split_fetched_dicts(module: cst.Module) -> cst.Module | None:
    if not _tf_aliases(module):
        return None
    names: dict[str, list[cst.Name]] = {}
    skip: set[int] = set()
    stored: set[int] = set()
    for n in _nodes(module):
        if isinstance(n, cst.Attribute):
            skip.add(id(n.attr))
        elif isinstance(n, cst.Arg) and n.keyword is not None:
            skip.add(id(n.keyword))
        elif isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)):
            t = n.target
            stored.update(id(x) for x in _nodes(t) if isinstance(x, cst.Subscript))
        elif isinstance(n, cst.Name) and id(n) not in skip:
            names.setdefault(n.value, []).append(n)
    taken_all = {n.value for n in _nodes(module) if isinstance(n, cst.Name)}
    # parents of Name nodes: the Subscript / AssignTarget holding them
    sub_of: dict[int, cst.Subscript] = {}
    target_of: dict[int, cst.Assign] = {}
    lines_of: dict[int, cst.SimpleStatementLine] = {}
    fetched: set[int] = set()
    for n in _nodes(module):
        if isinstance(n, cst.Subscript) and isinstance(n.value, cst.Name):
            sub_of[id(n.value)] = n
        elif isinstance(n, cst.SimpleStatementLine) and len(n.body) == 1 and isinstance(n.body[0], cst.Assign) \
                and len(n.body[0].targets) == 1 and isinstance(n.body[0].targets[0].target, cst.Name):
            target_of[id(n.body[0].targets[0].target)] = n.body[0]
            lines_of[id(n.body[0])] = n
        elif isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in ("run", "eval"):
            args = [a for a in n.args if a.keyword is None] or [a for a in n.args if a.keyword is not None and
                                                                 a.keyword.value == "fetches"]
            if args and n.func.attr.value == "run":
                fetched.update(id(x) for x in _nodes(args[0].value) if isinstance(x, cst.Subscript))
            elif n.func.attr.value == "eval":
                fetched.update(id(x) for x in _nodes(n.func.value) if isinstance(x, cst.Subscript))
    plans: dict[int, list] = {}
    renames: dict[int, str] = {}
    taken = taken_all
    for name, occ in names.items():
        binds = [o for o in occ if id(o) in target_of]
        if len(binds) != 1:
            continue
        assign = target_of[id(binds[0])]
        d = assign.value
        if not isinstance(d, cst.Dict) or not d.elements:
            continue
        keys = [_key(el.key) if isinstance(el, cst.DictElement) else None for el in d.elements]
        if None in keys or len(set(keys)) != len(keys) or any(_makes_variable(el.value) for el in d.elements):
            continue
        reads = [o for o in occ if o is not binds[0]]
        subs = [sub_of.get(id(o)) for o in reads]
        ok = bool(reads) and all(
            s is not None and id(s) not in stored and len(s.slice) == 1 and isinstance(s.slice[0].slice, cst.Index)
            and _key(s.slice[0].slice.value) in keys for s in subs)
        if not ok or not any(id(s) in fetched for s in subs):
            continue
        new = {k: f"{name}_{k}" for k in keys}
        if set(new.values()) & taken:
            continue
        taken |= set(new.values())
        line = lines_of[id(assign)]
        out = []
        for el, k in zip(d.elements, keys):
            out.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(new[k]))], el.value)]))
        out[0] = out[0].with_changes(leading_lines=line.leading_lines)
        if line.trailing_whitespace.comment is not None:
            out[-1] = out[-1].with_changes(trailing_whitespace=line.trailing_whitespace)
        plans[id(line)] = out
        for s in subs:
            renames[id(s)] = new[_key(s.slice[0].slice.value)]
    if not plans:
        return None
    return module.visit(_Split(plans, renames))


def _makes_variable(e: cst.BaseExpression) -> bool:
    """A weight dict (``{'h1': tf.Variable(...)}``): TFM135 / TFM162 read it as a dict."""
    return any(isinstance(n, cst.Call) and (dotted(n.func) or "").rpartition(".")[2] in _VARIABLE_MAKERS
               for n in _nodes(e))


class _Split(cst.CSTTransformer):
    def __init__(self, plans: dict[int, list], renames: dict[int, str]) -> None:
        self.plans, self.renames = plans, renames

    def leave_SimpleStatementLine(self, original, updated):
        new = self.plans.get(id(original))
        return cst.FlattenSentinel(new) if new is not None else updated

    def leave_Subscript(self, original, updated):
        new = self.renames.get(id(original))
        return cst.Name(new) if new is not None else updated
