"""Graph-mode ``tf.data`` input programs (rule TFM167): a pure function of the source.

The form (TF 1.4+ programs that read NumPy arrays through ``tf.data`` instead of feeding
placeholders)::

    dataset = tf.data.Dataset.from_tensor_slices((x1, x2, y))       # arrays or placeholders
    dataset = dataset.batch(b)                                        # + repeat / prefetch
    iterator = dataset.make_one_shot_iterator()                       # or tf.data.make_one_shot_iterator(d)
    #   or: iterator = dataset.make_initializable_iterator()          #    tf.data.make_initializable_iterator(d)
    #       sess.run(iterator.initializer, feed_dict={x1: X1, ...})   # (re)starts the pipeline on X1 ...
    a, b, y = iterator.get_next()
    ... towers on a, b; loss on y; train_op = opt.minimize(loss)
    while True:
        try:
            _, l = sess.run([train_op, loss])                         # no feed: reads the NEXT batch
        except tf.errors.OutOfRangeError:
            break

TF1 semantics (tensorflow/python/data/ops/iterator_ops.py, measured in the legacy runtime): every
``Session.run`` that needs a ``get_next`` tensor and does not feed it pulls ONE element (all of the
element's components, once per run, however many fetches read them); a run that feeds the
``get_next`` tensors does not touch the iterator; the end of the data raises ``OutOfRangeError``
from that run, before anything of it executes; an initializable iterator's initializer builds the
pipeline again from the values fed to the placeholders the dataset was made of.

``desugar(module)`` rewrites such a program into the equivalent PLACEHOLDER program (what the
TF1 rules already translate): the ``get_next`` targets become placeholders of the element's dtype
and batched shape, the iterator a Python iterator over the same pipeline built from the arrays
(``iter(tf.data.Dataset.from_tensor_slices(...).batch(b))`` - TFM167 turns that into the NumPy
``TF1Dataset`` helper), each consuming run is preceded by ``<it>_next = next(<it>)`` and feeds
the element's components it reads, and ``except tf.errors.OutOfRangeError`` becomes
``except StopIteration`` (``next`` raises it at the same point: before the run). ``reason`` says
why a program found here is not rewritten (None: rewritten / nothing found).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from ..cstcache import parent_map, read_names
from ..names import dotted

_CHAIN_METHODS = {"batch", "repeat", "prefetch", "shuffle"}
_SLICES = "tensorflow.data.Dataset.from_tensor_slices"
_ONE_SHOT = ("tensorflow.data.make_one_shot_iterator",)
_INITIALIZABLE = ("tensorflow.data.make_initializable_iterator",)
_FROM_STRUCTURE = ("tensorflow.data.Iterator.from_structure",)
_PLACEHOLDER = "tensorflow.placeholder"
_OUT_OF_RANGE = "tensorflow.errors.OutOfRangeError"
_SEEDS = ("tensorflow.set_random_seed", "tensorflow.random.set_random_seed", "tensorflow.random.set_seed")
_BLOCKS = (cst.Module, cst.IndentedBlock)
_NO_STRAIGHT = (cst.IfExp, cst.BooleanOperation, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp,
                cst.GeneratorExp, cst.FunctionDef, cst.ClassDef)


def seeded_file(module: cst.Module, qname) -> bool:
    """A graph / global seed is set somewhere in the file (``tf.set_random_seed`` ...): TF's
    unseeded ops were deterministic there. ``qname(node)`` resolves a call's function.
    ``keras.utils.set_random_seed(s)`` (what a first run writes for ``tf.set_random_seed(s)``;
    it seeds TensorFlow too) counts, so that a second run decides as the first did."""
    return any(isinstance(n, cst.Call) and (qname(n.func) in _SEEDS or dotted(n.func) == "keras.utils.set_random_seed")
               for n in _walk(module))


def tf_aliases(module: cst.Module) -> dict[str, str]:
    """Local names bound to TensorFlow by an import: name -> "tensorflow" (compat.v1 included)."""
    out: dict[str, str] = {}
    for st in module.body:
        if not isinstance(st, cst.SimpleStatementLine):
            continue
        for small in st.body:
            if isinstance(small, cst.Import):
                for a in small.names:
                    full = dotted(a.name) or ""
                    if full in ("tensorflow", "tensorflow.compat.v1"):
                        out[dotted(a.asname.name) if a.asname else "tensorflow"] = "tensorflow"
            elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None \
                    and dotted(small.module) == "tensorflow.compat" and not isinstance(small.names, cst.ImportStar):
                for a in small.names:
                    if dotted(a.name) == "v1":
                        out[dotted(a.asname.name) if a.asname else "v1"] = "tensorflow"
    return out


def _walk(node: cst.CSTNode):
    from ..cstcache import walk

    return walk(node)  # (memoised for a module)


def _get_next_statements(module: cst.Module, parents):
    """Each ``nxt = it.get_next()`` statement of the module: (statement, its scope, ``it``, ``nxt``,
    the scope's reads and bindings of ``it``, its bindings)."""
    for st in _walk(module):
        if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)
                and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name)):
            continue
        v = st.body[0].value
        if not (isinstance(v, cst.Call) and not v.args and isinstance(v.func, cst.Attribute)
                and v.func.attr.value == "get_next" and isinstance(v.func.value, cst.Name)):
            continue
        scope = _scope_of(parents, st)
        it_name, nxt = v.func.value.value, st.body[0].targets[0].target.value
        it_uses = _names_in(scope, parents, it_name)
        it_binds = [n for n in it_uses if isinstance(parents.get(id(n)), cst.AssignTarget)]
        yield st, scope, it_name, nxt, it_uses, it_binds


def _lone_runs(scope, parents, nxt: str, target: cst.Name) -> list | None:
    """The ``sess.run(nxt)`` calls (``nxt`` their one argument) reading ``nxt`` in ``scope``, its
    binding ``target`` left out; None when any other read of it is there."""
    runs = []
    for n in _names_in(scope, parents, nxt):
        if n is target:
            continue
        arg_node = parents.get(id(n))
        call = parents.get(id(arg_node))
        if not (isinstance(arg_node, cst.Arg) and arg_node.keyword is None and isinstance(call, cst.Call)
                and len(call.args) == 1 and isinstance(call.func, cst.Attribute) and call.func.attr.value == "run"):
            return None
        runs.append(call)
    return runs


def _next_edits(edits: dict, runs: list, it_name: str, scope, g, parents) -> None:
    """Each ``sess.run(next_element)`` of ``runs`` -> ``next(<it_name>)``, and the
    ``except tf.errors.OutOfRangeError`` handlers of ``scope`` -> ``except StopIteration``."""
    for call in runs:
        edits[id(call)] = cst.Call(cst.Name("next"), [cst.Arg(cst.Name(it_name))])
    for h in _walk(scope):
        if isinstance(h, cst.ExceptHandler) and h.type is not None and g.qname(h.type) == _OUT_OF_RANGE \
                and _scope_of(parents, h) is scope:
            edits[id(h.type)] = cst.Name("StopIteration")


def _reads(node: cst.CSTNode | None) -> set[str]:
    """Names an expression reads (attribute and keyword names excluded)."""
    from .flow import load_names

    return load_names(node)


@dataclass
class Chain:
    source: cst.BaseExpression                      # from_tensor_slices' argument
    methods: list[cst.Call] = field(default_factory=list)  # .batch(...) ... in order


@dataclass
class Found:
    iterator: str = ""
    kind: str = ""                                   # "one_shot" | "initializable"
    chain: Chain | None = None
    targets: list[str] = field(default_factory=list)
    reason: str | None = None
    get_next_stmt: cst.SimpleStatementLine | None = None
    iterator_stmt: cst.SimpleStatementLine | None = None

    @property
    def anchor(self) -> cst.SimpleStatementLine | None:
        """Where a TODO about the program goes: the get_next() statement (else the iterator's)."""
        return self.get_next_stmt or self.iterator_stmt


class GraphDatasets:
    """Finds the program's iterator and decides whether ``desugar`` can rewrite it."""

    def __init__(self, module: cst.Module, queue_origin: bool = False) -> None:
        self.module = module
        # the pipeline was written by queue_inputs.queues_to_dataset: its shuffles are TF1 queues',
        # whose order a graph seed did not fix (queue threads)
        self.queue_origin = queue_origin
        self.tf = tf_aliases(module)
        self.parents: dict[int, cst.CSTNode] = parent_map(module)
        self.found: Found | None = None
        self.new_module: cst.Module | None = None
        self.scope: cst.CSTNode = module
        self.scope_body = list(module.body)
        if self.tf:
            # the module, else the first module function (or method) whose body makes the iterator
            scopes = [module] + [n for n in _walk(module) if isinstance(n, cst.FunctionDef)
                                 and isinstance(n.body, cst.IndentedBlock)]
            for sc in scopes:
                self.scope = sc
                self.scope_body = list(sc.body if sc is module else sc.body.body)
                self._analyse()
                if self.found is not None:
                    break

    # -- names ---------------------------------------------------------------------------------
    def qname(self, node: cst.CSTNode) -> str | None:
        d = dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
        if d is None:
            return None
        head, _, rest = d.partition(".")
        if head not in self.tf:
            return None
        rest = rest[len("compat.v1."):] if rest.startswith("compat.v1.") else rest
        return "tensorflow." + rest if rest else "tensorflow"

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(id(node))

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        n = node
        while n is not None and not isinstance(n, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            n = self.parent(n)
        return n

    def _chain(self, node: cst.BaseExpression, datasets: dict[str, Chain]) -> Chain | None:
        """``from_tensor_slices(T).m(...)...`` or ``<dataset name>.m(...)...``."""
        methods: list[cst.Call] = []
        n = node
        while isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and self.qname(n.func) is None \
                and n.func.attr.value not in ("make_one_shot_iterator", "make_initializable_iterator"):
            methods.append(n)
            n = n.func.value
        methods.reverse()
        if isinstance(n, cst.Call) and self.qname(n.func) == _SLICES and len(n.args) == 1 \
                and n.args[0].keyword is None and not n.args[0].star:
            return Chain(n.args[0].value, methods)
        if isinstance(n, cst.Name) and n.value in datasets and n is not node:
            base = datasets[n.value]
            return Chain(base.source, base.methods + methods)
        if isinstance(n, cst.Name) and n.value in datasets:
            return datasets[n.value]
        return None

    # -- analysis ------------------------------------------------------------------------------
    def _analyse(self) -> None:  # noqa: C901
        module = self.module
        self.inline: cst.Call | None = None
        datasets: dict[str, Chain] = {}
        dataset_stmts: list[cst.SimpleStatementLine] = []
        iterators: dict[str, tuple[str, Chain, cst.SimpleStatementLine]] = {}
        for st in self.scope_body:
            if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)):
                continue
            a = st.body[0]
            if len(a.targets) != 1:
                continue
            tgt = a.targets[0].target
            v = a.value
            if isinstance(tgt, cst.Name) and isinstance(v, cst.Call):
                ch = self._chain(v, datasets)
                if ch is not None:
                    datasets[tgt.value] = ch
                    dataset_stmts.append(st)
                    continue
                kind, arg = self._iterator_call(v)
                if kind is not None:
                    iterators[tgt.value] = (kind, self._chain(arg, datasets) if arg is not None else None, st)
            if isinstance(v, cst.Call) and not v.args and isinstance(v.func, cst.Attribute) \
                    and v.func.attr.value == "get_next" and isinstance(v.func.value, cst.Call):
                kind, arg = self._iterator_call(v.func.value)
                if kind == "one_shot":  # ``x, y = d.make_one_shot_iterator().get_next()``: no iterator name
                    name = "iterator"
                    k = 1
                    while re.search(rf"\b{name}\b", module.code):
                        k += 1
                        name = f"iterator_{k}"
                    self.inline = v
                    iterators[name] = (kind, self._chain(arg, datasets) if arg is not None else None, st)
        if not iterators:
            return
        f = self.found = Found()
        name, (kind, chain, it_stmt) = next(iter(iterators.items()))
        f.iterator, f.kind, f.chain, f.iterator_stmt = name, kind, chain, it_stmt
        for st in self.scope_body:
            if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign):
                v = st.body[0].value
                if isinstance(v, cst.Call) and not v.args and isinstance(v.func, cst.Attribute) \
                        and v.func.attr.value == "get_next" and isinstance(v.func.value, cst.Name) \
                        and v.func.value.value == name:
                    f.get_next_stmt = st
        if self.inline is not None and it_stmt.body[0].value is self.inline:
            f.get_next_stmt = it_stmt
        if len(iterators) > 1:
            f.reason = "several tf.data iterators in one program (train / test pipelines): not translated yet"
            return
        # reinitializable: `init = it.make_initializer(dataset)` statements, each run restarts `it` on its dataset
        self.init_names: dict[str, Chain | None] = {}
        self.init_stmts: list[cst.SimpleStatementLine] = []
        for st in self.scope_body:
            if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
                    and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name):
                v = st.body[0].value
                if isinstance(v, cst.Call) and isinstance(v.func, cst.Attribute) and v.func.attr.value == "make_initializer" \
                        and isinstance(v.func.value, cst.Name) and v.func.value.value == name \
                        and len(v.args) == 1 and v.args[0].keyword is None:
                    self.init_names[st.body[0].targets[0].target.value] = self._chain(v.args[0].value, datasets)
                    self.init_stmts.append(st)
        chains = [chain] if kind != "reinitializable" else list(self.init_names.values())
        if kind == "reinitializable" and not chains:
            f.reason = "Iterator.from_structure without make_initializer(dataset)"
            return
        if any(c is None for c in chains):
            f.reason = "the pipeline is not Dataset.from_tensor_slices(...) with batch / repeat / prefetch"
            return
        f.chain = chain = chains[0]
        self._check(f, chain, it_stmt, dataset_stmts, datasets, chains)

    def _binds_scope_name(self, node: cst.CSTNode):
        """Whether a binding at ``node`` binds a variable of the analysed scope: True (it is in the
        scope itself), False (in a class body, lambda or comprehension), or, in another function, the
        names it declares ``global`` / ``nonlocal`` (counted as the scope's: conservative)."""
        n = self.parent(node)
        while n is not None and n is not self.scope:
            if isinstance(n, cst.FunctionDef):
                return {g.name.value for s in _walk(n) if isinstance(s, (cst.Global, cst.Nonlocal)) for g in s.names}
            if isinstance(n, (cst.ClassDef, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
                return False
            n = self.parent(n)
        return True

    def _iterator_call(self, v: cst.Call) -> tuple[str | None, cst.BaseExpression | None]:
        q = self.qname(v.func)
        if q in _ONE_SHOT + _INITIALIZABLE and len(v.args) == 1 and v.args[0].keyword is None:
            return ("one_shot" if q in _ONE_SHOT else "initializable"), v.args[0].value
        if q in _FROM_STRUCTURE:
            return "reinitializable", None
        if isinstance(v.func, cst.Attribute) and not v.args and q is None:
            m = v.func.attr.value
            if m in ("make_one_shot_iterator", "make_initializable_iterator"):
                return ("one_shot" if m == "make_one_shot_iterator" else "initializable"), v.func.value
        return None, None

    def _check(self, f: Found, chain: Chain, it_stmt, dataset_stmts, datasets, chains) -> None:
        for c in chains:
            why = self._chain_reason(c)
            if why is not None:
                f.reason = why
                return
            n = len(c.source.elements) if isinstance(c.source, cst.Tuple) else -1
            if n != (len(chain.source.elements) if isinstance(chain.source, cst.Tuple) else -1):
                f.reason = "the datasets of one iterator have different structures"
                return
        self._check_rest(f, chain, it_stmt, dataset_stmts, datasets, chains)

    def _chain_reason(self, chain: Chain) -> str | None:
        """Why a pipeline is not translated (None: from_tensor_slices + batch once + repeat / prefetch)."""
        batches = [m for m in chain.methods if m.func.attr.value == "batch"]
        if len(batches) != 1:
            return "the pipeline does not batch exactly once (the model's inputs would not be batches)"
        for m in chain.methods:
            meth = m.func.attr.value
            if meth == "shuffle":
                if len(m.args) > 1 or any(a.keyword is not None and a.keyword.value != "buffer_size" for a in m.args):
                    return ("Dataset.shuffle with a seed / reshuffle_each_iteration: TF's shuffle order cannot be "
                            "reproduced outside TensorFlow")
                # TFM167's tf1_shuffle: unseeded, TF1's own order differed between runs; under a graph
                # seed it was deterministic, and so is tf1_shuffle's on the NumPy RNG the migrated seed
                # seeds (another order: reported)
                continue
            if meth not in _CHAIN_METHODS:
                return f"Dataset.{meth} is not translated (from_tensor_slices + batch / repeat / prefetch only)"
            if meth == "batch" and any(a.keyword is not None and a.keyword.value not in ("batch_size", "drop_remainder")
                                       for a in m.args):
                return "batch() with arguments other than batch_size / drop_remainder"
        src = chain.source
        elems = [e.value for e in src.elements] if isinstance(src, cst.Tuple) else [src]
        if any(isinstance(e, (cst.Tuple, cst.Dict, cst.List)) for e in elems) or isinstance(src, (cst.Dict, cst.List)):
            return "nested / dict dataset elements: not translated yet"
        return None

    def _check_rest(self, f: Found, chain: Chain, it_stmt, dataset_stmts, datasets, chains) -> None:  # noqa: C901
        module = self.module
        it = f.iterator
        src = chain.source
        elems = [e.value for e in src.elements] if isinstance(src, cst.Tuple) else [src]
        # module-level bindings
        top_binds: dict[str, list[cst.CSTNode]] = {}
        all_binds: dict[str, int] = {}
        own_binds: dict[str, int] = {}  # bindings of the scope's own variables (another function's locals excluded)
        for n in _walk(module):
            if isinstance(n, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For)):
                from .flow import target_names

                own = self._binds_scope_name(n)
                for name in target_names(n.target):
                    all_binds[name] = all_binds.get(name, 0) + 1
                    if own is True or (own is not False and name in own):
                        own_binds[name] = own_binds.get(name, 0) + 1
        if isinstance(self.scope, cst.FunctionDef):  # a parameter is a binding too
            ps = self.scope.params
            for prm in [*ps.posonly_params, *ps.params, *ps.kwonly_params]:
                all_binds[prm.name.value] = all_binds.get(prm.name.value, 0) + 1
                own_binds[prm.name.value] = own_binds.get(prm.name.value, 0) + 1
        for st in self.scope_body:
            if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign):
                for t in st.body[0].targets:
                    if isinstance(t.target, cst.Name):
                        top_binds.setdefault(t.target.value, []).append(st)
        # get_next
        gets = []
        names_read: dict[str, list[cst.Name]] = {}
        for n in read_names(module):  # (not ``digits.data``'s attribute nor a ``name=`` keyword)
            names_read.setdefault(n.value, []).append(n)
        for n in names_read.get(it, ()):
            p = self.parent(n)
            if isinstance(p, cst.AssignTarget):
                continue
            if isinstance(p, cst.Attribute) and p.value is n and p.attr.value == "get_next":
                c = self.parent(p)
                if isinstance(c, cst.Call) and not c.args:
                    gets.append(c)
                    continue
            if isinstance(p, cst.Attribute) and p.value is n and p.attr.value == "initializer" \
                    and f.kind == "initializable":
                continue
            if isinstance(p, cst.Attribute) and p.value is n and p.attr.value == "make_initializer" \
                    and f.kind == "reinitializable" and self.statement_of(n) in self.init_stmts:
                continue
            f.reason = f"the iterator `{it}` is used otherwise than by get_next() / its initializer run"
            return
        if self.inline is not None and self.inline is f.iterator_stmt.body[0].value:
            gets.append(self.inline)
        if len(gets) != 1:
            f.reason = "get_next() is not called exactly once"
            return
        g = gets[0]
        a = self.parent(g)
        st = self.parent(a) if isinstance(a, cst.Assign) else None
        if not (isinstance(a, cst.Assign) and a.value is g and len(a.targets) == 1 and st in self.scope_body
                and isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1):
            f.reason = "get_next() is not bound by a module-level assignment"
            return
        tgt = a.targets[0].target
        if isinstance(tgt, (cst.Tuple, cst.List)):
            if not isinstance(src, cst.Tuple) or len(tgt.elements) != len(elems) \
                    or not all(isinstance(e.value, cst.Name) for e in tgt.elements):
                f.reason = "get_next()'s targets do not match the dataset's components one by one"
                return
            f.targets = [e.value.value for e in tgt.elements]
        elif isinstance(tgt, cst.Name) and not isinstance(src, cst.Tuple):
            f.targets = [tgt.value]
        else:
            f.reason = "get_next() is bound to one name for a tuple element"
            return
        # (a local of another function - ``labels = tf.cast(labels, tf.int64)`` in a model function - is
        # another variable: TF1 read the get_next tensor through the name all the same)
        if any(own_binds.get(t, 0) != 1 for t in f.targets):
            f.reason = "a name bound by get_next() is bound again"
            return
        f.get_next_stmt = st
        # dataset names: read only by their own chain / the iterator
        for dn in datasets:
            for n in names_read.get(dn, ()):
                s = self.statement_of(n)
                if s not in dataset_stmts and s is not it_stmt and s not in self.init_stmts:
                    f.reason = f"the dataset `{dn}` is used otherwise than to make the iterator"
                    return
        # source placeholders (initializable): bound once at module level, read only in T and the feeds
        phs: dict[str, cst.Call] = {}
        for e in [x for c in chains for x in (
                [el.value for el in c.source.elements] if isinstance(c.source, cst.Tuple) else [c.source])]:
            if isinstance(e, cst.Name) and len(top_binds.get(e.value, ())) == 1 and all_binds.get(e.value) == 1:
                v = top_binds[e.value][0].body[0].value
                if isinstance(v, cst.Call) and self.qname(v.func) == _PLACEHOLDER:
                    phs[e.value] = v
        if f.kind == "one_shot" and phs:
            f.reason = "a one-shot iterator over placeholders (TF1 cannot run it)"
            return
        self.placeholders = phs
        self.elems = elems
        # placeholders for the targets: dtype and batched shape
        self.target_phs: list[str] = []
        tfn = self._tf_name()
        for e in elems:
            if isinstance(e, cst.Name) and e.value in phs:
                v = phs[e.value]
                dtype = _arg(v, 0, "dtype")
                shape = _arg(v, 1, "shape")
                if dtype is None or not isinstance(shape, (cst.List, cst.Tuple)) or not shape.elements:
                    f.reason = f"the placeholder {e.value} has no literal shape"
                    return
                rest = ", ".join(cst.Module([]).code_for_node(x.value) for x in shape.elements[1:])
                shp = "[None" + (", " + rest if rest else "") + "]"
                self.target_phs.append(f"{tfn}.placeholder({cst.Module([]).code_for_node(dtype)}, {shp})")
            elif isinstance(e, (cst.Name, cst.Attribute, cst.Subscript)):
                # an array read again where get_next() was (its dtype / shape): no calls, names bound once
                base = e
                while isinstance(base, (cst.Attribute, cst.Subscript)):
                    base = base.value
                if not isinstance(base, cst.Name) or any(all_binds.get(r, 0) > 1 for r in _reads(e)) \
                        or any(isinstance(x, cst.Call) for x in _walk(e)):
                    f.reason = "a dataset component is not an array bound once"
                    return
                c = cst.Module([]).code_for_node(e)
                self.target_phs.append(f"{tfn}.placeholder({c}.dtype, (None,) + tuple({c}.shape[1:]))")
            else:
                f.reason = "a dataset component is not a placeholder or a name / attribute / slice of an array"
                return
        # placeholders read elsewhere than in T / initializer feeds
        inits: list[cst.Call] = []
        self.init_chain: dict[int, Chain] = {}
        self.init_feeds: dict[int, cst.Dict] = {}   # id(initializer run) -> the dict it feeds
        self.feed_stmts: list = []                  # ``feed = {...}`` statements of those runs (they go)
        self.named_loads: set[int] = set()          # ids of the ``feed`` Names resolved so
        reads = [(self.parent(n), chain) for n in names_read.get(it, ())
                 if isinstance(self.parent(n), cst.Attribute) and self.parent(n).attr.value == "initializer"]
        for iname, ich in self.init_names.items():
            for n in names_read.get(iname, ()):
                if isinstance(self.parent(n), cst.AssignTarget):
                    continue
                reads.append((n, ich))
        for p, ich in reads:
            if True:
                ich_elems = [el.value for el in ich.source.elements] if isinstance(ich.source, cst.Tuple) else [ich.source]
                ich_phs = {e.value for e in ich_elems if isinstance(e, cst.Name) and e.value in phs}
                arg = self.parent(p)
                c = self.parent(arg) if isinstance(arg, cst.Arg) else None
                s = self.parent(self.parent(c)) if c is not None else None
                if not (isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and c.func.attr.value == "run"
                        and c.args and c.args[0] is arg and isinstance(self.parent(c), cst.Expr)
                        and isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1):
                    f.reason = "the iterator's initializer is used otherwise than in a `sess.run(it.initializer, feed_dict={...})` statement"
                    return
                feed = c.args[1].value if len(c.args) == 2 else None
                if feed is not None and not (c.args[1].keyword is None or c.args[1].keyword.value == "feed_dict"):
                    feed = None
                if isinstance(feed, cst.Name):
                    feed = self._named_feed(feed, names_read) or feed
                if isinstance(feed, cst.Dict):
                    self.init_feeds[id(c)] = feed
                keys = {}
                if isinstance(feed, cst.Dict):
                    for el in feed.elements:
                        if isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name):
                            keys[el.key.value] = el.value
                if set(keys) != ich_phs or len(c.args) != (2 if ich_phs else 1) or (feed is not None and len(keys) != len(feed.elements)):
                    f.reason = "an initializer run does not feed exactly the dataset's placeholders by a dict literal"
                    return
                if self._in_function(c) and self._main_function(c) is None:
                    f.reason = "the iterator's initializer is run inside a function"
                    return
                inits.append(c)
                self.init_chain[id(c)] = ich
        if f.kind != "one_shot" and not inits:
            f.reason = "the initializable iterator is never initialized"
            return
        self.inits = inits
        for ph in phs:
            for n in names_read.get(ph, ()):
                p = self.parent(n)
                if isinstance(p, cst.AssignTarget) or any(self._inside(n, c.source) for c in chains):
                    continue
                if isinstance(p, cst.DictElement) and p.key is n and any(
                        self._inside(p, c) for c in [*inits, *self.feed_stmts]):
                    continue
                f.reason = f"the placeholder {ph} is read otherwise than by the dataset and its initializer feed"
                return
        # which names depend on the get_next targets (module-level flow by name)
        deps: dict[str, set[str]] = {}
        for n in _walk(module):
            if isinstance(n, cst.Assign) and not self._in_function(n):
                r = _reads(n.value)
                from .flow import target_names

                for t in n.targets:
                    for name in target_names(t.target):
                        deps.setdefault(name, set()).update(r)
        self.deps = deps
        targets = set(f.targets)
        # runs
        self.consuming: list[tuple[cst.Call, cst.SimpleStatementLine, list[str]]] = []
        handlers: list[cst.ExceptHandler] = []
        for n in _walk(module):
            if isinstance(n, cst.ExceptHandler) and n.type is not None:
                types = [e.value for e in n.type.elements] if isinstance(n.type, cst.Tuple) else [n.type]
                if any(self.qname(t) == _OUT_OF_RANGE for t in types):
                    handlers.append(n)
                    continue
            if not (isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in ("run", "eval")):
                continue
            if n in inits:
                continue
            if n.func.attr.value == "run":
                fetch = _arg(n, 0, "fetches")
                feed = _arg(n, 1, "feed_dict")
            else:
                fetch = n.func.value
                feed = _arg(n, 0, "feed_dict")
            needed = sorted(self._closure(_reads(fetch)) & targets, key=f.targets.index)
            if not needed:
                continue
            if isinstance(feed, cst.Name):
                feed = self._named_feed(feed, names_read, init=False) or feed
            if feed is not None:
                keys = {el.key.value for el in feed.elements if isinstance(el, cst.DictElement)
                        and isinstance(el.key, cst.Name)} if isinstance(feed, cst.Dict) else None
                if keys is None or not set(needed) <= keys:
                    f.reason = "a run feeds some of get_next()'s tensors and reads others from the iterator"
                    return
                continue  # the get_next tensors are fed: the iterator is not read
            s = self.statement_of(n)
            if self._in_function(n) and self._main_function(n) is None:
                f.reason = "a run reading the iterator is inside a function"
                return
            if not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1 or not isinstance(self.parent(s), _BLOCKS) \
                    or any(isinstance(x, _NO_STRAIGHT) for x in self._path(n, s)):
                f.reason = "a run reading the iterator is not evaluated once by its own statement"
                return
            if any(c[1] is s for c in self.consuming):
                f.reason = "two runs reading the iterator in one statement"
                return
            self.consuming.append((n, s, needed))
        if not self.consuming:
            f.reason = "no run reads the iterator"
            return
        if not self._feeds_ok(names_read):
            f.reason = "a feed dict held in a name is read otherwise than by the run right after it"
            return
        init_fns = {id(self._main_function(c)) for c in inits if self._in_function(c)}
        run_fns = {id(self._main_function(c)) for c, _, _ in self.consuming if self._in_function(c)}
        if init_fns and (len(init_fns) > 1 or run_fns != init_fns or not all(self._in_function(c) for c in inits)
                         or not all(self._in_function(c) for c, _, _ in self.consuming)):
            # the initializer rebinds the iterator where it runs: in ``def main():`` a local name,
            # which only main's own runs may read
            f.reason = "the iterator's initializer is run inside a function whose runs are not all the iterator's"
            return
        fns = {id(fn): fn for fn in (self._main_function(c) for c in inits) if fn is not None}
        if any(self._reads_iterator_otherwise(fn, f.iterator, inits) for fn in fns.values()):
            f.reason = "the iterator's name is used otherwise in the function running its initializer"
            return
        for n in _walk(module):
            if isinstance(n, (cst.Attribute, cst.Name)) and self.qname(n) == _OUT_OF_RANGE:
                p = self.parent(n)
                if not (p in handlers or (isinstance(p, cst.Element) and self.parent(self.parent(p)) in handlers)):
                    f.reason = "tf.errors.OutOfRangeError is used otherwise than in an except clause"
                    return
        self.handlers = handlers
        self.dataset_stmts = dataset_stmts
        self.it_stmt = it_stmt
        self.new_module = self._rewrite(f)

    def _closure(self, names: set[str]) -> set[str]:
        seen = set()
        todo = list(names)
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            todo.extend(self.deps.get(n, ()))
        return seen

    def _path(self, node, stop):
        n = self.parent(node)
        while n is not None and n is not stop:
            yield n
            n = self.parent(n)

    def _inside(self, node, anc) -> bool:
        n = node
        while n is not None:
            if n is anc:
                return True
            n = self.parent(n)
        return False

    def _named_feed(self, feed: cst.Name, names_read, init: bool = True) -> cst.Dict | None:
        """``feed = {ph: a, ...}`` right before ``sess.run(it.initializer, feed_dict=feed)`` (the
        statement just before the run's, in its block): the dict literal the run feeds, else
        None. An initializer run's statement joins ``feed_stmts`` (it goes); every read of the
        name in the file must be such a run's feed, right after its own binding (``_feeds_ok``)."""
        run_stmt = self.statement_of(feed)
        block = self.parent(run_stmt)
        body = list(getattr(block, "body", ()))
        k = next((i for i, x in enumerate(body) if x is run_stmt), None)
        prev = body[k - 1] if k else None
        a = prev.body[0] if isinstance(prev, cst.SimpleStatementLine) and len(prev.body) == 1 else None
        if not (isinstance(a, cst.Assign) and len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)
                and a.targets[0].target.value == feed.value and isinstance(a.value, cst.Dict)):
            return None
        self.named_loads.add(id(feed))
        if init:
            self.feed_stmts.append(prev)
        return a.value

    def _feeds_ok(self, names_read) -> bool:
        """Every read of a name holding a feed dict that goes (``feed_stmts``) is the feed of a run
        right after its own binding (no other reader of a removed dict)."""
        for st in self.feed_stmts:
            name = st.body[0].targets[0].target.value
            if any(id(n) not in self.named_loads for n in names_read.get(name, ())
                   if not isinstance(self.parent(n), cst.AssignTarget)):
                return False
        return True

    def _main_function(self, node) -> cst.FunctionDef | None:
        """The module function (no decorator, not a generator, defined at module level, no def /
        lambda / class between) holding ``node`` of a module program (``def main(): sess.run(it.initializer,
        ..)``), else None."""
        if self.scope is not self.module:
            return None
        inner = [x for x in self._path(node, None) if isinstance(x, (cst.FunctionDef, cst.Lambda, cst.ClassDef))]
        if len(inner) != 1 or not isinstance(inner[0], cst.FunctionDef) or inner[0].decorators \
                or self.parent(inner[0]) is not self.module \
                or any(isinstance(x, (cst.Yield, cst.Await)) for x in _walk(inner[0].body)):
            return None  # (in a generator, the StopIteration of ``next`` would be a RuntimeError)
        return inner[0]

    def _reads_iterator_otherwise(self, fn: cst.FunctionDef, name: str, inits) -> bool:
        """``name`` (the iterator) appears in ``fn`` other than as ``name.initializer`` of one of
        its initializer runs."""
        for x in _walk(fn):
            if isinstance(x, cst.Name) and x.value == name:
                p = self.parent(x)
                if isinstance(p, cst.Attribute) and p.value is x and p.attr.value == "initializer" \
                        and any(self._inside(x, c) for c in inits):
                    continue
                return True
        return False

    def _in_function(self, node) -> bool:
        """Inside a def / lambda / class other than the program's own scope."""
        for x in self._path(node, None):
            if x is self.scope:
                return False
            if isinstance(x, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                return True
        return self.scope is not self.module

    def _tf_name(self) -> str:
        for k in self.tf:
            return k
        return "tf"

    # -- the rewrite ---------------------------------------------------------------------------
    def _rewrite(self, f: Found) -> cst.Module:  # noqa: C901
        tfn = self._tf_name()
        text = self.module.code
        nxt = f"{f.iterator}_next"
        k = 1
        while re.search(rf"\b{nxt}\b", text):
            k += 1
            nxt = f"{f.iterator}_next{k}"
        chain = f.chain
        code = cst.Module([]).code_for_node

        def pipeline(values: dict[str, cst.BaseExpression], chain: Chain = chain) -> str:
            src = chain.source
            if values:
                src = src.with_changes(elements=[
                    e.with_changes(value=values[e.value.value]) if isinstance(e.value, cst.Name) and e.value.value in values
                    else e for e in src.elements]) if isinstance(src, cst.Tuple) else values.get(getattr(src, "value", ""), src)
            out = f"{tfn}.data.Dataset.from_tensor_slices({code(src)})"
            for m in chain.methods:
                out += f".{m.func.attr.value}({', '.join(code(a).rstrip(', ') for a in m.args)})"
            return f"iter({out})"

        remove = {id(s) for s in self.dataset_stmts} | {id(s) for s in self.init_stmts}
        remove |= {id(s) for s in self.feed_stmts}
        remove |= {id(self.module_stmt(v)) for v in self.placeholders.values()}
        replace: dict[int, list[cst.BaseStatement]] = {}
        if f.kind == "one_shot":
            replace[id(self.it_stmt)] = [cst.parse_statement(f"{f.iterator} = {pipeline({})}\n")]
        else:
            remove.add(id(self.it_stmt))
        for c in self.inits:
            s = self.statement_of(c)
            fed = {el.key.value: el.value for el in self.init_feeds[id(c)].elements} if len(c.args) == 2 else {}
            replace[id(s)] = [cst.parse_statement(f"{f.iterator} = {pipeline(fed, self.init_chain[id(c)])}\n").with_changes(
                leading_lines=s.leading_lines, trailing_whitespace=s.trailing_whitespace)]
        ph_lines = [cst.parse_statement(f"{t} = {p}\n") for t, p in zip(f.targets, self.target_phs)]
        ph_lines[0] = ph_lines[0].with_changes(leading_lines=f.get_next_stmt.leading_lines)
        if f.get_next_stmt is self.it_stmt:  # an unnamed one-shot iterator: made where get_next() was
            replace[id(f.get_next_stmt)] = [cst.parse_statement(f"{f.iterator} = {pipeline({})}\n").with_changes(
                leading_lines=f.get_next_stmt.leading_lines)] + [ph.with_changes(leading_lines=()) for ph in ph_lines]
        else:
            replace[id(f.get_next_stmt)] = ph_lines
        runs: dict[int, tuple[list[str], cst.SimpleStatementLine]] = {}
        for c, s, needed in self.consuming:
            runs[id(c)] = (needed, s)
            single = len(f.targets) == 1
            pre = cst.parse_statement(f"{nxt} = next({f.iterator})\n").with_changes(leading_lines=s.leading_lines)
            replace[id(s)] = [pre]  # the statement itself follows (rewritten by the transformer)
        handlers = {id(h) for h in self.handlers}
        targets = f.targets
        outer = self

        class T(cst.CSTTransformer):
            def leave_Call(self, o, u):
                r = runs.get(id(o))
                if r is None:
                    return u
                needed = r[0]
                els = ", ".join(f"{t}: {nxt}" if single else f"{t}: {nxt}[{targets.index(t)}]" for t in needed)
                feed = cst.Arg(keyword=cst.Name("feed_dict"), value=cst.parse_expression("{" + els + "}"),
                               equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
                args = list(u.args)
                if args:
                    args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                return u.with_changes(args=[*args, feed])

            def leave_ExceptHandler(self, o, u):
                if id(o) not in handlers:
                    return u
                if isinstance(u.type, cst.Tuple):
                    els = [e.with_changes(value=cst.Name("StopIteration")) if outer.qname(oe.value) == _OUT_OF_RANGE
                           else e for e, oe in zip(u.type.elements, o.type.elements)]
                    return u.with_changes(type=u.type.with_changes(elements=els))
                return u.with_changes(type=cst.Name("StopIteration"))

            def _block(self, o_body, u_body):
                out = []
                for os_, us in zip(o_body, u_body):
                    if id(os_) in remove:
                        continue
                    if id(os_) in replace:
                        new = replace[id(os_)]
                        if any(id(os_) == id(s) for _, s, _ in outer.consuming):
                            out.extend(new)
                            out.append(us.with_changes(leading_lines=()))
                            continue
                        out.extend(new)
                        continue
                    out.append(us)
                return out

            def leave_Module(self, o, u):
                return u.with_changes(body=self._block(o.body, u.body))

            def leave_IndentedBlock(self, o, u):
                return u.with_changes(body=self._block(o.body, u.body))

        return self.module.visit(T())

    def module_stmt(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.statement_of(node)


def _arg(call: cst.Call, pos: int, kw: str) -> cst.BaseExpression | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == kw:
            return a.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[pos].value if pos < len(positional) else None


def desugar(module: cst.Module, queue_origin: bool = False) -> tuple[cst.Module | None, Found | None]:
    """The placeholder program equivalent to ``module``'s graph-mode iterator program (None when
    there is none, or it is not in the supported form: ``Found.reason`` says why). ``queue_origin``:
    the pipeline is queue_inputs.queues_to_dataset's (its shuffles are not seeded tf.data shuffles)."""
    if not queue_origin:
        loader = fetched_batches(module) or fetched_initializable_batches(module) or fetched_handle_batches(module)
        if loader is not None:
            return loader, None
    g = GraphDatasets(module, queue_origin)
    if g.new_module is None:
        inlined = inline_input_fns(module)
        for flat in (unwrap_input_scopes(module), inlined,
                     unwrap_input_scopes(inlined) if inlined is not None else None):
            if flat is not None:
                g2 = GraphDatasets(flat, queue_origin)
                if g2.new_module is not None:
                    return g2.new_module, g2.found
    return g.new_module, g.found


_IMPURE_ARGS = (cst.Call, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.Await,
                cst.Yield, cst.NamedExpr, cst.IfExp, cst.BooleanOperation, cst.FormattedString)


def inline_input_fns(module: cst.Module) -> cst.Module | None:
    """The module with its input functions written out at their one call (``train_input_fn`` of the
    Estimator-era programs)::

        def train_input_fn(x, y, params):
            dataset = tf.data.Dataset.from_tensor_slices((x, y))
            dataset = dataset.shuffle(params.train_size)
            dataset = dataset.batch(params.batch_size)
            return dataset

        features, labels = train_input_fn(X, Y, params).make_one_shot_iterator().get_next()

    ->  ``dataset = tf.data.Dataset.from_tensor_slices((X, Y))`` ... ``features, labels =
    dataset.make_one_shot_iterator().get_next()`` (the function removed; for ``ds = f(...)`` the
    last step binds ``ds``). TF1 semantics: the call
    only builds the pipeline's ops (no variable, no session) and returns the last one; written at
    its call the same ops are built from the same values. Only a module-level function with plain
    parameters whose body is ``name = <call>`` statements of one name reading nothing but its
    parameters, its own name and TensorFlow, ending ``return name``; called exactly once, in a
    one-target assignment at the top of the module or of a module function, with arguments made
    of names, attributes, subscripts, literals and operators (no call: evaluated where the body
    reads them, each read once); the name renamed ``<function>_<name>`` where the file uses it
    elsewhere. None: nothing written out."""
    tf = set(tf_aliases(module))
    if not tf:
        return None
    for fn in module.body:
        if not isinstance(fn, cst.FunctionDef):
            continue
        plan = _input_fn_plan(module, fn, tf)
        if plan is not None:
            stmt, lines, call, local = plan

            class _Write(cst.CSTTransformer):
                def leave_Call(self, original, updated):
                    return cst.Name(local) if original is call else updated

                def leave_SimpleStatementLine(self, original, updated):
                    if original is not stmt:
                        return updated
                    a = original.body[0]
                    if a.value is call and isinstance(a.targets[0].target, cst.Name):
                        # ``ds = f(...)``: the last step binds ``ds`` (one chain for the iterator analysis)
                        last = lines[-1].body[0]
                        return cst.FlattenSentinel([*lines[:-1], lines[-1].with_changes(
                            body=[last.with_changes(targets=a.targets)])])
                    return cst.FlattenSentinel([*lines, updated.with_changes(leading_lines=())])

                def leave_FunctionDef(self, original, updated):
                    return cst.RemoveFromParent() if original is fn else updated

            return module.visit(_Write())
    return None


def _input_fn_plan(module: cst.Module, fn: cst.FunctionDef, tf: set[str]):  # noqa: C901
    p = fn.params
    if p.posonly_params or p.kwonly_params or p.star_kwarg is not None or fn.decorators \
            or fn.asynchronous is not None or (p.star_arg is not cst.MaybeSentinel.DEFAULT and p.star_arg is not None) \
            or not isinstance(fn.body, cst.IndentedBlock):
        return None
    params = [q.name.value for q in p.params]
    defaults = {q.name.value: q.default for q in p.params if q.default is not None}
    body = list(fn.body.body)
    if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr) \
            and isinstance(body[0].body[0].value, cst.SimpleString):
        body = body[1:]
    if len(body) < 2 or not all(isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 for s in body):
        return None
    ret = body[-1].body[0]
    if not (isinstance(ret, cst.Return) and isinstance(ret.value, cst.Name)):
        return None
    local = ret.value.value
    reads: dict[str, int] = {}
    for s in body[:-1]:
        a = s.body[0]
        if not (isinstance(a, cst.Assign) and len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)
                and a.targets[0].target.value == local and isinstance(a.value, cst.Call)):
            return None
        for n in _walk(a.value):
            if isinstance(n, (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
                return None
        for n in _reads(a.value):
            reads[n] = reads.get(n, 0) + 1
    if local in params or not set(reads) <= set(params) | {local} | tf:
        return None
    if not any(isinstance(n, cst.Name) and n.value in tf for n in _walk(body[0].body[0].value)):
        return None  # the pipeline starts from TensorFlow
    # the one call
    name = fn.name.value
    uses = [n for n in _walk(module) if isinstance(n, cst.Name) and n.value == name and n is not fn.name]
    if len(uses) != 1:
        return None
    parents = parent_map(module)
    call = parents.get(id(uses[0]))
    if not (isinstance(call, cst.Call) and call.func is uses[0]):
        return None
    stmt = call
    while stmt is not None and not isinstance(stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        stmt = parents.get(id(stmt))
    block = parents.get(id(stmt))
    owner = parents.get(id(block))
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign)
            and len(stmt.body[0].targets) == 1
            and (block is module or (isinstance(block, cst.IndentedBlock) and isinstance(owner, cst.FunctionDef)
                                     and owner is not fn and parents.get(id(owner)) is module))):
        return None
    # arguments -> parameters
    bound: dict[str, cst.BaseExpression] = {}
    positional = True
    for k, arg in enumerate(call.args):
        if arg.star:
            return None
        if arg.keyword is None:
            if not positional or k >= len(params):
                return None
            bound[params[k]] = arg.value
        else:
            positional = False
            if arg.keyword.value not in params or arg.keyword.value in bound:
                return None
            bound[arg.keyword.value] = arg.value
    for q in params:
        if q not in bound:
            if q not in defaults:
                return None
            bound[q] = defaults[q]
    for q, v in bound.items():
        if any(isinstance(n, _IMPURE_ARGS) for n in _walk(v)):
            return None
        if reads.get(q, 0) > 1 and not isinstance(v, (cst.Name, cst.Integer, cst.Float, cst.SimpleString)):
            return None
    # the local's name in the module: fresh where the file uses it elsewhere
    inside = {id(n) for n in _walk(fn)}
    taken = {n.value for n in _walk(module) if isinstance(n, cst.Name) and id(n) not in inside}
    new = local
    k = 1
    while new in taken:
        new = f"{name}_{local}" if k == 1 else f"{name}_{local}_{k}"
        k += 1
    if any(_reads(v) & {new} for v in bound.values()):
        return None
    from .placeholder_forms import _Rename  # (placeholder_forms imports this module)

    subst = _Rename({**bound, local: cst.Name(new)})
    lines = []
    for s in body[:-1]:
        a = s.body[0]
        line = s.with_changes(body=[a.with_changes(targets=[a.targets[0].with_changes(target=cst.Name(new))],
                                                   value=a.value.visit(subst))], leading_lines=())
        lines.append(line)
    lines[0] = lines[0].with_changes(leading_lines=stmt.leading_lines)
    return stmt, lines, call, new


_PLACEMENT_SCOPES = ("device", "name_scope")
_NAME_LOOKUPS = ("get_tensor_by_name", "get_operation_by_name", "import_meta_graph", "as_graph_def",
                 "export_meta_graph", "write_graph")


def unwrap_input_scopes(module: cst.Module) -> cst.Module | None:
    """The module with its module-level ``with tf.device(...):`` / ``with tf.name_scope(...):``
    blocks that build a tf.data pipeline written as their bodies (``with tf.device('/cpu:0'),
    tf.name_scope('input'): dataset = ...; iterator = ...; batch = iterator.get_next()`` - input
    pipelines placed on the CPU). TF1 semantics: a device changes where ops run, a name scope the
    ops' names, never a value (variable sharing reads variable scopes, not these); declined where
    the file looks ops up by name or writes / reads a graph definition. None: nothing unwrapped."""
    tf = tf_aliases(module)
    if not tf or any(w in module.code for w in _NAME_LOOKUPS):
        return None

    def placement(item: cst.WithItem) -> bool:
        c = item.item
        if item.asname is not None or not isinstance(c, cst.Call):
            return False
        d = dotted(c.func) or ""
        head, _, rest = d.partition(".")
        if rest.startswith("compat.v1."):
            rest = rest[len("compat.v1."):]
        return head in tf and rest in _PLACEMENT_SCOPES

    body: list = []
    changed = False
    for st in module.body:
        if isinstance(st, cst.With) and st.items and all(placement(i) for i in st.items) \
                and isinstance(st.body, cst.IndentedBlock) and st.asynchronous is None:
            inner = cst.Module(body=list(st.body.body)).code
            if "Dataset" in inner or "get_next" in inner or "Iterator" in inner:
                stmts = list(st.body.body)
                if stmts:
                    stmts[0] = stmts[0].with_changes(leading_lines=[*st.leading_lines, *stmts[0].leading_lines])
                body.extend(stmts)
                changed = True
                continue
        body.append(st)
    return module.with_changes(body=body) if changed else None


# -- data loaders: pipelines only run to get NumPy batches ----------------------------------------
def _scope_of(parents, node):
    n = parents.get(id(node))
    while n is not None and not isinstance(n, (cst.FunctionDef, cst.Module)):
        n = parents.get(id(n))
    return n


def _names_in(scope, parents, value: str) -> list[cst.Name]:
    """The Name nodes ``value`` of ``scope`` (not of functions nested in it)."""
    from ..cstcache import read_names

    return [n for n in read_names(scope) if n.value == value and _scope_of(parents, n) is scope]


def _single_binding(scope, parents, name: cst.Name) -> cst.BaseExpression | None:
    """The value of ``name``'s one plain binding ``name = V`` in its scope, when every other use of the
    name there is ``name`` itself (read once)."""
    uses = _names_in(scope, parents, name.value)
    binds = [n for n in uses if isinstance(parents.get(id(n)), cst.AssignTarget)]
    if len(binds) != 1 or len(uses) != 2:
        return None
    assign = parents.get(id(parents.get(id(binds[0]))))
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1):
        return None
    if isinstance(scope, cst.FunctionDef) and any(p.name.value == name.value for p in scope.params.params):
        return None
    return assign.value


def loader_pipelines(module: cst.Module) -> list[cst.BaseExpression]:
    """The pipeline expressions whose datasets are only iterated by Python's ``iter`` (what the
    fetched-batch rewrite below writes, also eager TF2 code): ``iter(d)`` of a name bound once to the
    pipeline, or ``iter(f())`` of a module function whose one return is such a name / the pipeline and
    whose every call is iterated so. The caller checks that an expression is a supported pipeline."""
    parents = parent_map(module)
    funcs = {st.name.value: st for st in module.body if isinstance(st, cst.FunctionDef)}
    calls: dict[str, int] = {}
    for n in _walk(module):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in funcs:
            calls[n.func.value] = calls.get(n.func.value, 0) + 1
    iterated: dict[str, int] = {}
    out: list[cst.BaseExpression] = []
    by_func: dict[str, cst.BaseExpression] = {}

    def resolve(x: cst.BaseExpression, scope) -> None:
        if isinstance(x, cst.Name):
            v = _single_binding(scope, parents, x)
            if v is not None:
                resolve(v, scope)
        elif isinstance(x, cst.Call) and isinstance(x.func, cst.Name) and x.func.value in funcs:
            f = funcs[x.func.value]
            iterated[f.name.value] = iterated.get(f.name.value, 0) + 1
            rets = [n for n in _walk(f) if isinstance(n, cst.Return) and _scope_of(parents, n) is f]
            if len(rets) == 1 and rets[0].value is not None:
                r = rets[0].value
                if isinstance(r, cst.Name):
                    r = _single_binding(f, parents, r)
                if r is not None:
                    by_func[f.name.value] = r
        elif isinstance(x, cst.Call):
            out.append(x)

    for n in _walk(module):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == "iter" and len(n.args) == 1 \
                and n.args[0].keyword is None and not n.args[0].star:
            a = n.args[0].value
            if isinstance(a, cst.Name) or (isinstance(a, cst.Call) and isinstance(a.func, cst.Name)):
                resolve(a, _scope_of(parents, n))
    out += [r for f, r in by_func.items() if iterated.get(f) == calls.get(f)]
    return out


def fetched_batches(module: cst.Module) -> cst.Module | None:
    """A one-shot iterator whose ``get_next()`` value is only FETCHED (``b = sess.run(next_element)``,
    nothing in the graph reads it) is a data loader: each such run pulled the next element as NumPy
    values. The same program: ``it = iter(<dataset>)``, each run ``next(it)`` (StopIteration where
    TF1 raised OutOfRangeError, at the same point), the get_next statement gone. None: not this form."""
    tf = tf_aliases(module)
    if not tf:
        return None
    g = GraphDatasets.__new__(GraphDatasets)
    g.module, g.tf = module, tf
    parents = parent_map(module)
    edits: dict[int, cst.CSTNode | None] = {}
    for st, scope, it_name, nxt, it_uses, it_binds in _get_next_statements(module, parents):
        found = _bound_iterator(g, parents, it_binds, "one_shot", it_uses)
        if found is None:
            return None
        it_assign, arg = found
        runs = _lone_runs(scope, parents, nxt, st.body[0].targets[0].target)
        if not runs:
            return None
        edits[id(it_assign)] = it_assign.with_changes(value=cst.Call(cst.Name("iter"), [cst.Arg(arg)]))
        edits[id(st)] = None
        _next_edits(edits, runs, it_name, scope, g, parents)
    if not edits:
        return None

    return _apply_edits(module, edits)


def _bound_iterator(g, parents, binds, kind: str, uses=None):
    """(its assignment, the dataset) for an iterator name bound once, by ``it = <dataset>.make_<kind>_iterator()``
    (``kind``: "one_shot" / "initializable", as ``_iterator_call`` names them) and, when ``uses`` is given,
    read exactly once more; else None."""
    if len(binds) != 1 or (uses is not None and len(uses) != 2):
        return None
    assign = parents.get(id(parents.get(id(binds[0]))))
    if not isinstance(assign, cst.Assign) or not isinstance(assign.value, cst.Call):
        return None
    found, ds = g._iterator_call(assign.value)
    if found != kind or ds is None:
        return None
    return assign, ds


class _Edits(cst.CSTTransformer):
    """``edits`` applied: id(node) -> its replacement, or None to remove it (an Assign's
    replacement gives only its value: the assignment keeps its targets and whitespace)."""

    def __init__(self, edits: dict[int, cst.CSTNode | None]) -> None:
        super().__init__()
        self.edits = edits

    def on_leave(self, original, updated):
        if id(original) in self.edits:
            new = self.edits[id(original)]
            if new is None:
                return cst.RemoveFromParent()
            if isinstance(original, cst.Assign):
                return updated.with_changes(value=new.value)
            return new
        return updated


def _apply_edits(module: cst.Module, edits: dict[int, cst.CSTNode | None]) -> cst.Module:
    return module.visit(_Edits(edits))


_FROM_HANDLE = ("tensorflow.data.Iterator.from_string_handle",)


def _stmt_line(parents, node) -> cst.SimpleStatementLine | None:
    """The one-small-statement line ``node`` (an Assign) is the statement of (None otherwise)."""
    line = parents.get(id(node))
    return line if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 else None


def _stored(parents, name: cst.Name) -> bool:
    """``name`` is an assignment target (plain, or an element of a target tuple / list)."""
    p = parents.get(id(name))
    while isinstance(p, (cst.Element, cst.Tuple, cst.List, cst.StarredElement)):
        p = parents.get(id(p))
    return isinstance(p, cst.AssignTarget)


def _inside_any(parents, node, stmts) -> bool:
    n = node
    while n is not None:
        if any(n is s for s in stmts):
            return True
        n = parents.get(id(n))
    return False


def _fused_chain(scope, parents, name: cst.Name, dropped: list, edits: dict) -> cst.BaseExpression | None:
    """The dataset a NAME read by an iterator call stands for, when the name is built by
    consecutive rebindings of a chain (``d = from_tensor_slices(X)`` / ``d = d.shuffle(n)`` /
    ``d = d.repeat()`` / ``d = d.batch(b)``, each later value a method chain on ``d`` read once,
    nothing else reading ``d`` but the one iterator call and statements in ``dropped``): the one
    expression ``from_tensor_slices(X).shuffle(n).repeat().batch(b)`` - the same calls in the same
    order (Python evaluates a receiver before the arguments either way). The binding statements
    are marked for removal in ``edits``. A name bound once: its value, its statement removed.
    None: not this form (the caller keeps the program as written)."""
    uses = [n for n in _names_in(scope, parents, name.value) if not _inside_any(parents, n, dropped)]
    binds = [n for n in uses if isinstance(parents.get(id(n)), cst.AssignTarget)]
    reads = [n for n in uses if not isinstance(parents.get(id(n)), cst.AssignTarget)]
    if not binds or isinstance(scope, cst.FunctionDef) and any(
            p.name.value == name.value for p in scope.params.params):
        return None
    lines = []
    for b in binds:
        assign = parents.get(id(parents.get(id(b))))
        line = _stmt_line(parents, assign) if isinstance(assign, cst.Assign) and len(assign.targets) == 1 else None
        if line is None:
            return None
        lines.append((line, assign))
    block = parents.get(id(lines[0][0]))
    body = list(getattr(block, "body", ()))
    idx = [next((i for i, x in enumerate(body) if x is line), None) for line, _ in lines]
    if None in idx or any(parents.get(id(line)) is not block for line, _ in lines) \
            or idx != list(range(idx[0], idx[0] + len(idx))):
        return None
    # the reads: one per later binding (its chain's receiver), plus the iterator's (``name``)
    if len(reads) != len(lines) or not any(r is name for r in reads):
        return None
    expr = lines[0][1].value
    for line, assign in lines[1:]:
        inner = assign.value
        while isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute) \
                and inner.func.attr.value in _CHAIN_METHODS:
            inner = inner.func.value
        if not (isinstance(inner, cst.Name) and inner.value == name.value
                and sum(1 for r in reads if _inside_any(parents, r, [assign.value])) == 1):
            return None
        expr = _replace_node(assign.value, inner, expr)
    for line, _ in lines:
        edits[id(line)] = None
    return expr


def _replace_node(tree: cst.BaseExpression, old: cst.CSTNode, new: cst.BaseExpression) -> cst.BaseExpression:
    class R(cst.CSTTransformer):
        def on_leave(self, original, updated):
            return new if original is old else updated

    return tree.visit(R())


def fetched_handle_batches(module: cst.Module) -> cst.Module | None:  # noqa: C901
    """A FEEDABLE (string-handle) iterator whose ``get_next()`` value is only fetched::

        it_a = ds_a.make_one_shot_iterator()                    # one per dataset
        it_b = ds_b.make_one_shot_iterator()
        iterator = tf.data.Iterator.from_string_handle(handle, ds_a.output_types)
        nxt = iterator.get_next()                               # nothing in the graph reads nxt
        ...
        h_a = sess.run(it_a.string_handle())
        h_b = sess.run(it_b.string_handle())
        batch = sess.run(nxt, feed_dict={handle: h_a})          # the next element of it_a

    TF1: a run of ``nxt`` fed a handle pulls the next element of the iterator that handle names
    (each iterator keeps its own position), as NumPy values; OutOfRangeError at its end. The same
    program: ``it_a = iter(<ds_a's pipeline>)``, ``h_a = it_a``, each such run ``next(h_a)``
    (StopIteration at the same point); the from_string_handle and get_next statements go (the
    handle placeholder, read by nothing then, goes with TFM140). TFM167 writes the NumPy pipeline.
    None: not this form - every name involved must be read only as described, in one scope: the
    handle only by from_string_handle and the feeds, each fed value a name bound once to the run of
    one one-shot iterator's ``string_handle()`` and read only as a fed handle."""
    tf = tf_aliases(module)
    if not tf:
        return None
    g = GraphDatasets.__new__(GraphDatasets)
    g.module, g.tf = module, tf
    parents = parent_map(module)
    edits: dict[int, cst.CSTNode | None] = {}
    names_of: dict[str, int] = {}
    for n in _walk(module):  # every variable-name node of the file (attribute / keyword names left out)
        p = parents.get(id(n))
        if isinstance(n, cst.Name) and not (isinstance(p, cst.Attribute) and p.attr is n) \
                and not (isinstance(p, (cst.Arg, cst.Param)) and getattr(p, "keyword", None) is n):
            names_of[n.value] = names_of.get(n.value, 0) + 1

    def only_here(name: str, scope) -> bool:
        """No function nested in ``scope`` (nor any other scope) uses ``name``."""
        return names_of.get(name, 0) == len(_names_in(scope, parents, name))

    for st, scope, it_name, nxt, it_uses, it_binds in _get_next_statements(module, parents):
        if len(it_binds) != 1 or len(it_uses) != 2 or not only_here(nxt, scope) or not only_here(it_name, scope):
            return None
        fsh = parents.get(id(parents.get(id(it_binds[0]))))
        if not (isinstance(fsh, cst.Assign) and isinstance(fsh.value, cst.Call)
                and g.qname(fsh.value.func) in _FROM_HANDLE and fsh.value.args
                and fsh.value.args[0].keyword is None and isinstance(fsh.value.args[0].value, cst.Name)):
            return None
        fsh_line = _stmt_line(parents, fsh)
        if fsh_line is None:
            return None
        handle = fsh.value.args[0].value.value
        # the runs of nxt: X.run(nxt, feed_dict={handle: h}) / X.run(nxt, {handle: h}), nothing else
        runs: list[tuple[cst.Call, str]] = []
        fed_keys: list[cst.Name] = []
        fed_vals: list[cst.Name] = []
        for n in _names_in(scope, parents, nxt):
            if n is st.body[0].targets[0].target:
                continue
            arg_node, call = parents.get(id(n)), parents.get(id(parents.get(id(n))))
            if not (isinstance(arg_node, cst.Arg) and arg_node.keyword is None and isinstance(call, cst.Call)
                    and isinstance(call.func, cst.Attribute) and call.func.attr.value == "run"
                    and len(call.args) == 2 and call.args[0] is arg_node
                    and (call.args[1].keyword is None or call.args[1].keyword.value == "feed_dict")
                    and isinstance(call.args[1].value, cst.Dict) and len(call.args[1].value.elements) == 1):
                return None
            el = call.args[1].value.elements[0]
            if not (isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name) and el.key.value == handle
                    and isinstance(el.value, cst.Name)):
                return None
            runs.append((call, el.value.value))
            fed_keys.append(el.key)
            fed_vals.append(el.value)
        if not runs:
            return None
        # the handle placeholder: read by from_string_handle and the feeds only
        if {id(n) for n in _names_in(scope, parents, handle) if not _stored(parents, n)} \
                != {id(fsh.value.args[0].value), *map(id, fed_keys)}:
            return None
        dropped = [fsh_line, st]
        for h in sorted({v for _, v in runs}):
            if not only_here(h, scope):
                return None
            uses = _names_in(scope, parents, h)
            binds = [n for n in uses if isinstance(parents.get(id(n)), cst.AssignTarget)]
            if len(binds) != 1 or {id(n) for n in uses if n not in binds} != {id(v) for v in fed_vals if v.value == h}:
                return None
            h_assign = parents.get(id(parents.get(id(binds[0]))))
            # h = sess.run(it.string_handle())
            v = h_assign.value if isinstance(h_assign, cst.Assign) and len(h_assign.targets) == 1 else None
            if not (isinstance(v, cst.Call) and isinstance(v.func, cst.Attribute) and v.func.attr.value == "run"
                    and len(v.args) == 1 and v.args[0].keyword is None and isinstance(v.args[0].value, cst.Call)
                    and not v.args[0].value.args and isinstance(v.args[0].value.func, cst.Attribute)
                    and v.args[0].value.func.attr.value == "string_handle"
                    and isinstance(v.args[0].value.func.value, cst.Name)):
                return None
            it_read = v.args[0].value.func.value
            if not only_here(it_read.value, scope):
                return None
            i_uses = _names_in(scope, parents, it_read.value)
            i_binds = [n for n in i_uses if isinstance(parents.get(id(n)), cst.AssignTarget)]
            found = _bound_iterator(g, parents, i_binds, "one_shot", i_uses)
            if found is None:
                return None
            i_assign, ds = found
            if isinstance(ds, cst.Name):
                fused = _fused_chain(scope, parents, ds, dropped, edits)
                if fused is not None:
                    ds = fused
            edits[id(i_assign)] = i_assign.with_changes(value=cst.Call(cst.Name("iter"), [cst.Arg(ds)]))
            edits[id(h_assign)] = h_assign.with_changes(value=cst.Name(it_read.value))
        edits[id(fsh_line)] = None
        edits[id(st)] = None
        for call, h in runs:
            edits[id(call)] = cst.Call(cst.Name("next"), [cst.Arg(cst.Name(h))])
        for hd in _walk(scope):
            if isinstance(hd, cst.ExceptHandler) and hd.type is not None and g.qname(hd.type) == _OUT_OF_RANGE \
                    and _scope_of(parents, hd) is scope:
                edits[id(hd.type)] = cst.Name("StopIteration")
    if not edits:
        return None

    return _apply_edits(module, edits)


def _numpy_alias(module: cst.Module) -> str | None:
    for st in module.body:
        if isinstance(st, cst.SimpleStatementLine):
            for small in st.body:
                if isinstance(small, cst.Import):
                    for a in small.names:
                        if dotted(a.name) == "numpy":
                            return dotted(a.asname.name) if a.asname else "numpy"
    return None


def fetched_initializable_batches(module: cst.Module) -> cst.Module | None:
    """An INITIALIZABLE iterator over placeholders whose ``get_next()`` value is only fetched::

        fx = tf.placeholder(x_train.dtype, x_train.shape)             # read only by the dataset
        fy = tf.placeholder(tf.int64, [None])                         # and the initializer feeds
        ds = tf.data.Dataset.from_tensor_slices((fx, fy))             # each name read once
        ds = ds.batch(b)                                              # (batch / repeat / prefetch)
        it = ds.make_initializable_iterator()
        nxt = it.get_next()
        ...
        sess.run(it.initializer, feed_dict={fx: X, fy: Y})            # a statement of its own
        bx, by = sess.run(nxt)                                        # nothing in the graph reads nxt

    TF1: each initializer run builds the pipeline again on the fed values (converted to the
    placeholders' dtypes), each ``sess.run(nxt)`` pulls the next element as NumPy values,
    OutOfRangeError at the end. The same program: each initializer run becomes
    ``it = iter(tf.data.Dataset.from_tensor_slices((X, np.asarray(Y, 'int64'))).batch(b))`` (the
    conversion left out where the dtype is ``X.dtype`` of the fed ``X`` itself), each
    ``sess.run(nxt)`` ``next(it)``, OutOfRangeError -> StopIteration; the placeholders, the
    dataset, iterator and get_next statements go. TFM167 then writes the NumPy pipeline. None: not
    this form (every name involved must be read only as described, in one scope)."""
    tf = tf_aliases(module)
    if not tf:
        return None
    g = GraphDatasets.__new__(GraphDatasets)
    g.module, g.tf = module, tf
    parents = parent_map(module)
    np_alias = _numpy_alias(module)
    edits: dict[int, cst.CSTNode | None] = {}

    def stmt_of(node):
        n = parents.get(id(node))
        while n is not None and not isinstance(n, cst.SimpleStatementLine):
            n = parents.get(id(n))
        return n

    for st, scope, it_name, nxt, it_uses, it_binds in _get_next_statements(module, parents):
        found = _bound_iterator(g, parents, it_binds, "initializable")
        if found is None:
            return None
        it_assign, ds = found
        # the other uses of the iterator: get_next (this statement) and initializer runs
        inits = []
        for n in it_uses:
            if n is it_binds[0] or n is st.body[0].value.func.value:
                continue
            attr = parents.get(id(n))
            arg = parents.get(id(attr))
            run = parents.get(id(arg))
            line = parents.get(id(run))
            if not (isinstance(attr, cst.Attribute) and attr.value is n and attr.attr.value == "initializer"
                    and isinstance(arg, cst.Arg) and arg.keyword is None and isinstance(run, cst.Call)
                    and isinstance(run.func, cst.Attribute) and run.func.attr.value == "run"
                    and run.args[0] is arg and len(run.args) == 2 and run.args[1].keyword is not None
                    and run.args[1].keyword.value == "feed_dict" and isinstance(run.args[1].value, cst.Dict)
                    and isinstance(line, cst.Expr) and isinstance(parents.get(id(line)), cst.SimpleStatementLine)
                    and len(parents.get(id(line)).body) == 1):
                return None
            inits.append((parents.get(id(line)), run.args[1].value))
        if not inits:
            return None
        # the dataset chain back to from_tensor_slices, each name read once (by the next step)
        chain_stmts = []
        methods: list[cst.Call] = []
        cur: cst.BaseExpression = ds
        while True:
            if isinstance(cur, cst.Name):
                val = _single_binding(scope, parents, cur)
                if val is None:
                    return None
                chain_stmts.append(stmt_of(val))
                cur = val
                continue
            if isinstance(cur, cst.Call) and g.qname(cur.func) == _SLICES:
                break
            if isinstance(cur, cst.Call) and isinstance(cur.func, cst.Attribute) \
                    and cur.func.attr.value in ("batch", "repeat", "prefetch"):
                methods.append(cur)
                cur = cur.func.value
                continue
            return None
        if len(cur.args) != 1 or cur.args[0].keyword is not None:
            return None
        src = cur.args[0].value
        comps = [e.value for e in src.elements] if isinstance(src, cst.Tuple) else [src]
        if not comps or not all(isinstance(c, cst.Name) for c in comps):
            return None
        names = [c.value for c in comps]
        if len(set(names)) != len(names):
            return None
        # each component a placeholder read only by the dataset and the initializer feeds
        ph_stmts, dtypes = [], {}
        for c in comps:
            uses = _names_in(scope, parents, c.value)
            binds = [n for n in uses if isinstance(parents.get(id(n)), cst.AssignTarget)]
            if len(binds) != 1 or len(uses) != 2 + len(inits):
                return None
            pa = parents.get(id(parents.get(id(binds[0]))))
            if not (isinstance(pa, cst.Assign) and len(pa.targets) == 1 and isinstance(pa.value, cst.Call)
                    and g.qname(pa.value.func) == _PLACEHOLDER and pa.value.args):
                return None
            dt = next((a.value for a in pa.value.args if a.keyword is not None and a.keyword.value == "dtype"),
                      pa.value.args[0].value if pa.value.args[0].keyword is None else None)
            if dt is None:
                return None
            ph_stmts.append(stmt_of(pa.value))
            dtypes[c.value] = dt
        # the runs of nxt: each sess.run(nxt) alone
        runs = _lone_runs(scope, parents, nxt, st.body[0].targets[0].target)
        if not runs:
            return None
        # each initializer feed: exactly the placeholders, by name
        for line, feed in inits:
            if _scope_of(parents, line) is not scope:
                return None
            keys = [e.key.value if isinstance(e, cst.DictElement) and isinstance(e.key, cst.Name) else None
                    for e in feed.elements]
            if sorted(k or "" for k in keys) != sorted(names):
                return None
            fed = {e.key.value: e.value for e in feed.elements}
            values = []
            for c in names:
                val, dt = fed[c], dtypes[c]
                same = isinstance(dt, cst.Attribute) and dt.attr.value == "dtype" \
                    and module.code_for_node(dt.value) == module.code_for_node(val)
                if not same:
                    text = feed_dtype_text(dt)
                    if np_alias is None or text is None:
                        return None
                    val = cst.Call(cst.Attribute(cst.Name(np_alias), cst.Name("asarray")),
                                   [cst.Arg(val), cst.Arg(cst.SimpleString(repr(text))
                                                   if not isinstance(dt, cst.Attribute) or dt.attr.value != "dtype"
                                                   else dt)])
                values.append(val)
            source = cur.with_changes(args=[cst.Arg(cst.Tuple([cst.Element(x) for x in values])
                                                    if isinstance(src, cst.Tuple) else values[0])])
            expr: cst.BaseExpression = source
            for m in reversed(methods):
                expr = m.with_changes(func=m.func.with_changes(value=expr))
            edits[id(line)] = cst.SimpleStatementLine(
                [cst.Assign([cst.AssignTarget(cst.Name(it_name))], cst.Call(cst.Name("iter"), [cst.Arg(expr)]))],
                leading_lines=line.leading_lines)
        for s in [*ph_stmts, *chain_stmts, st, stmt_of(it_assign)]:
            if s is None or not (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1):
                return None
            edits[id(s)] = None
        _next_edits(edits, runs, it_name, scope, g, parents)
    if not edits:
        return None

    class T(cst.CSTTransformer):
        def on_leave(self, original, updated):
            if id(original) in edits:
                new = edits[id(original)]
                return cst.RemoveFromParent() if new is None else new
            return updated

    return module.visit(T())


def feed_dtype_text(dt: cst.BaseExpression) -> str | None:
    """The dtype a placeholder's dtype expression names, as a NumPy dtype string (``tf.float32``,
    ``'float32'``), or "dtype" for ``X.dtype`` (the caller writes the expression itself)."""
    from .fed_values import feed_dtype

    if isinstance(dt, cst.Attribute) and dt.attr.value == "dtype":
        return "dtype"
    return feed_dtype(dt)
