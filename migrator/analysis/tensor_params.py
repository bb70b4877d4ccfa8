"""A module-level name handed to a module function as an argument, the same name at every call,
and read by the function's session runs (rule TFM194's second pre-step): a pure function of the
source.

The form (an inference helper, Andrew62/facenet's ``embed``)::

    def embed(sess, emb, x_ph, data):
        return sess.run(emb, feed_dict={x_ph: data})

    ...
    e = embed(sess, emb, x, X[:20])

TF1 semantics: the parameter is the one object every call hands over, the module's ``emb``
tensor and ``x`` placeholder. ``resolve_tensor_params`` writes that name at the parameter's
reads (``sess.run(emb, feed_dict={x: data})``) and drops the parameter and the arguments, so the
TF1 program analysis sees a function running the module's tensors (as if it read them as
globals, a form it translates) instead of unknown names.

Only: a module-level function without decorators, ``*args`` / ``**kwargs``, referenced only by
calls; a parameter never rebound, with no nested function, lambda or class in the body, read
only in graph positions: the fetches of a ``.run(...)``, a key of a dict display (a feed dict built before the run); a parameter read as a fed value is data and
stays a parameter; every call passing, at that parameter, a plain name bound
exactly once in the module's scope and not bound in the function making the call (so the
argument is that one object), the same name at every call; the function binds no local of that
name. Anything else is left as written.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk as _nodes
from .callable_params import _Write, facts_of, _arg_node, _bound_arg, _param_names, _plain_functions
from .placeholder_forms import _tf_aliases


def _module_bindings(module: cst.Module) -> dict[str, int]:
    """How many times each name is bound in the module's own scope (not inside a def / class /
    lambda / comprehension): assignments, for / with targets, imports, defs and classes."""
    counts: dict[str, int] = {}

    def add(target) -> None:
        for n in _nodes(target):
            if isinstance(n, cst.Name):
                counts[n.value] = counts.get(n.value, 0) + 1
            if isinstance(n, (cst.Attribute, cst.Subscript)):
                return

    def visit(stmts) -> None:
        for s in stmts:
            if isinstance(s, (cst.FunctionDef, cst.ClassDef)):
                counts[s.name.value] = counts.get(s.name.value, 0) + 1
                continue
            if isinstance(s, cst.SimpleStatementLine):
                for small in s.body:
                    if isinstance(small, cst.Assign):
                        for t in small.targets:
                            if isinstance(t.target, (cst.Name, cst.Tuple, cst.List)):
                                add(t.target)
                    elif isinstance(small, (cst.AugAssign, cst.AnnAssign)) and isinstance(small.target, cst.Name):
                        counts[small.target.value] = counts.get(small.target.value, 0) + 1
                    elif isinstance(small, (cst.Import, cst.ImportFrom)):
                        names = small.names if not isinstance(small.names, cst.ImportStar) else []
                        for a in names:
                            n = a.asname.name if a.asname is not None else a.name
                            if isinstance(n, cst.Name):
                                counts[n.value] = counts.get(n.value, 0) + 1
                            elif isinstance(n, cst.Attribute):
                                root = n
                                while isinstance(root, cst.Attribute):
                                    root = root.value
                                if isinstance(root, cst.Name):
                                    counts[root.value] = counts.get(root.value, 0) + 1
                continue
            if isinstance(s, cst.For):
                add(s.target)
            if isinstance(s, cst.With):
                for item in s.items:
                    if item.asname is not None:
                        add(item.asname.name)
            if isinstance(s, cst.Try):
                for h in s.handlers:
                    if h.name is not None:
                        add(h.name.name)
            for block in _blocks(s):
                visit(block)

    visit(module.body)
    # walrus targets anywhere at module level are rare: any makes the name ambiguous
    for n in _nodes(module):
        if isinstance(n, cst.NamedExpr) and isinstance(n.target, cst.Name):
            counts[n.target.value] = counts.get(n.target.value, 0) + 2
    return counts


def _blocks(s: cst.CSTNode) -> list:
    out = []
    for attr in ("body", "orelse", "finalbody"):
        b = getattr(s, attr, None)
        if isinstance(b, cst.IndentedBlock):
            out.append(b.body)
        elif isinstance(b, (cst.Else, cst.If, cst.Finally)):
            out.extend(_blocks(b) if isinstance(b, cst.If) else [b.body.body])
    if isinstance(s, cst.Try):
        for h in s.handlers:
            out.append(h.body.body)
    return out


def _binds(fn: cst.FunctionDef, name: str) -> bool:
    """``fn`` binds ``name`` (a parameter, an assignment / for / with / except / import target,
    a global or nonlocal declaration, a nested def or class)."""
    if name in _param_names(fn):
        return True
    for n in _nodes(fn.body):
        if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
            target = n.target
            if any(isinstance(x, cst.Name) and x.value == name for x in _nodes(target)):
                return True
        elif isinstance(n, cst.AsName) and isinstance(n.name, cst.Name) and n.name.value == name:
            return True
        elif isinstance(n, (cst.Global, cst.Nonlocal)) and any(x.name.value == name for x in n.names):
            return True
        elif isinstance(n, (cst.FunctionDef, cst.ClassDef)) and n.name.value == name:
            return True
        elif isinstance(n, cst.ImportAlias):
            return True  # (an import inside the function: left as written)
    return False


def _run_reads(fn: cst.FunctionDef, name: str) -> list[cst.Name]:
    """The Name nodes reading parameter ``name`` when every read is a graph position of a session
    run: inside the fetches of a ``.run(...)`` call (its first argument or ``fetches=``), or a key
    of a dict display (a feed dict); None otherwise, or when the body has a nested function,
    lambda or class. (A parameter read as a FED value is data: left as written.)"""
    graph: set[int] = set()
    keys: set[int] = set()
    skip: set[int] = set()
    for n in _nodes(fn.body):
        if isinstance(n, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            return None
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in ("run", "eval"):
            # (``t.eval(...)`` of a parameter: the analysis declines a helper evaluating a tensor it is given
            # on whatever session is the default where it is called - written as ``out.eval(..)`` it would
            # read as a function evaluating a global on an unknown session: left as written)
            if n.func.attr.value == "run":
                pos = [a for a in n.args if a.keyword is None and not a.star]
                kw = [a for a in n.args if a.keyword is not None and a.keyword.value == "fetches"]
                for a in (pos[:1] or kw[:1]):
                    graph.update(id(x) for x in _nodes(a.value))
        elif isinstance(n, cst.DictElement):
            keys.add(id(n.key))
        elif isinstance(n, cst.Attribute):
            skip.add(id(n.attr))
        elif isinstance(n, cst.Arg) and n.keyword is not None:
            skip.add(id(n.keyword))
    out = []
    for n in _nodes(fn.body):
        if isinstance(n, cst.Name) and n.value == name and id(n) not in skip:
            if id(n) not in graph and id(n) not in keys:
                return None
            out.append(n)
    return out or None


def _enclosing_functions(module: cst.Module) -> dict[int, list[cst.FunctionDef]]:
    """id(call) -> the functions (innermost last) around each call of the module."""
    out: dict[int, list[cst.FunctionDef]] = {}

    def visit(node, stack) -> None:
        for child in node.children:
            if isinstance(child, cst.Call):
                out[id(child)] = list(stack)
            if isinstance(child, (cst.FunctionDef, cst.Lambda)):
                visit(child, stack + [child])
            else:
                visit(child, stack)

    visit(module, [])
    return out


def resolve_tensor_params(module: cst.Module) -> cst.Module | None:
    if not any(isinstance(s, cst.FunctionDef) and s.params.params for s in module.body):
        return None
    if not _tf_aliases(module):
        return None
    facts = facts_of(module)
    bindings = _module_bindings(module)
    around = None
    names: dict[int, str] = {}
    params: set[int] = set()
    args: set[int] = set()
    for fn, calls in _plain_functions(module, facts):
        for param in _param_names(fn):
            reads = _run_reads(fn, param)
            if reads is None:
                continue
            given = [_bound_arg(fn, c, param) for c in calls]
            nodes = [_arg_node(fn, c, param) for c in calls]
            if any(g is None or not isinstance(g, cst.Name) for g in given) or any(a is None for a in nodes):
                continue  # (a default value, or an expression: not one module name)
            target = given[0].value
            if any(g.value != target for g in given) or bindings.get(target) != 1:
                continue
            if target != param and _binds(fn, target):
                continue  # the name is the function's own local
            if any(isinstance(s, cst.FunctionDef) and s.name.value == target for s in module.body) \
                    or isinstance(facts.top_defs.get(target), cst.ClassDef):
                continue  # a function or class: TFM194's first pre-step
            if around is None:
                around = _enclosing_functions(module)
            if any(any(_binds(f, target) for f in around.get(id(c), []) if isinstance(f, cst.FunctionDef))
                   or any(isinstance(f, cst.Lambda) for f in around.get(id(c), [])) for c in calls):
                continue  # a call passing a local of that name
            if any(a.value is not g for a, g in zip(nodes, given)):
                continue
            for n in reads:
                names[id(n)] = target
            params.add(id(next(q for q in fn.params.params if q.name.value == param)))
            args.update(id(a) for a in nodes)
    if not names:
        return None
    return module.visit(_Write(names, params, args))
