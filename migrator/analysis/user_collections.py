"""Graph collections of the user's own keys read only by the file itself (rule TFM183's pre-step):
a pure function of the source.

::

    tf.add_to_collection("embeddings", left_out)       # a string key of the user's
    ...
    outs = tf.get_collection("embeddings")             # read back in the same file

TF1 semantics: a collection is a list the default graph keeps by key; ``add_to_collection``
appends, ``get_collection(key)`` returns a COPY of the list (``get_collection_ref`` the list
itself). Besides the file's own reads, the only reader is another run loading the graph's
meta graph (``Saver.save`` writes one by default, ``export_meta_graph``, SavedModel,
Supervisor / monitored sessions with a checkpoint directory, Estimators). Where the file writes
no meta graph and every use of the key is a literal-key call of its own, the collection is a
plain Python list:

- never read: each ``add_to_collection`` statement goes (it changed nothing the program
  computes);
- read: a module-level list ``collection_<key> = []`` (after the imports, or after a module-level
  ``tf.reset_default_graph()``), ``add_to_collection(k, t)`` -> ``collection_k.append(t)``,
  ``get_collection(k)`` -> ``list(collection_k)``, ``get_collection_ref(k)`` -> ``collection_k``.

TF's own LOSSES key (``"losses"``, the collection the TF1 books' ``tf.add_to_collection('losses',
regularizer(weights))`` fills) is the file's own list when nothing else in the file writes or reads
it: no ``.losses`` attribute (``tf.losses.*``, ``slim.losses``, ``tf.contrib.losses``), no
``GraphKeys.LOSSES``, no ``get_total_loss`` / ``add_loss``. Never read there, its adds go even in a
file whose ``Saver`` saves: the migrated program saves Keras weights, no meta graph, so no later
run could read that collection from what it writes.

An add may be the one statement of a one-line block (``if regularizer != None:
tf.add_to_collection(..)``): it becomes ``pass`` / the append there.

Declined (the file is left as written, the TODO stays): a key that is not a string literal
anywhere in the file (``get_collection(name)``, ``add_to_collections``, a graph's own
``.get_collection``: the key cannot be told), a ``scope=`` filter, an add that is not a
statement of its own, any meta-graph writer or reader (``Saver(...).save``, ``export_meta_graph``,
``import_meta_graph``, ``saved_model``, ``Supervisor``, ``MonitoredTrainingSession``, ``Scaffold``,
``Estimator``), and, when the collection is read, a second graph (``tf.Graph()``, a
``reset_default_graph`` that is not a module-level statement: the list would outlive it).
"""
from __future__ import annotations

import re

import libcst as cst

from ..cstcache import parent_map, walk as _nodes
from ..names import dotted
from .placeholder_forms import _tf_aliases

_FUNCS = ("add_to_collection", "get_collection", "get_collection_ref")
_OTHER = ("add_to_collections", "clear_collection", "get_all_collection_keys", "collections")
_META = ("export_meta_graph", "import_meta_graph", "saved_model", "SavedModel", "Supervisor",
         "MonitoredTrainingSession", "Scaffold", "Estimator", "CheckpointSaverHook")

# the values of tf.GraphKeys (TF 1.15): a literal key equal to one of them is TF's own collection
_TF_KEYS = frozenset({
    "variables", "local_variables", "metric_variables", "model_variables", "trainable_variables",
    "summaries", "queue_runners", "table_initializer", "asset_filepaths", "moving_average_variables",
    "regularization_losses", "concatenate", "savers", "weights", "biases", "activations", "update_ops",
    "losses", "saveable_objects", "resources", "local_resources", "trainable_resource_variables",
    "init_op", "local_init_op", "ready_op", "ready_for_local_init_op", "summary_op", "global_step",
    "eval_step", "train_op", "cond_context", "while_context", "_SUMMARY_COLLECTION",
    "_SUMMARY_V2", "_STREAMING_MODEL_PORTS"})


def _graph_key(call: cst.Call, tf: set[str]) -> bool:
    """The first argument is ``tf.GraphKeys.X``."""
    pos = [a for a in call.args if a.keyword is None]
    d = dotted(pos[0].value) if pos else None
    return d is not None and any(d.startswith(f"{a}.GraphKeys.") or d.startswith(f"{a}.compat.v1.GraphKeys.")
                                 for a in tf)


def _tf_func(call: cst.Call, tf: set[str]) -> str | None:
    d = dotted(call.func) or ""
    alias, _, fn = d.rpartition(".")
    if alias.endswith(".compat.v1"):
        alias = alias[: -len(".compat.v1")]
    return fn if alias in tf and fn in _FUNCS else None


def _key(call: cst.Call) -> str | None:
    if any(a.star for a in call.args):
        return None
    pos = [a for a in call.args if a.keyword is None]
    kw = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    k = pos[0].value if pos else kw.get("name") or kw.get("key")
    if not isinstance(k, cst.SimpleString):
        return None
    v = k.evaluated_value
    return v if isinstance(v, str) else None


def _saves(code: str, module: cst.Module) -> bool:
    if any(w in code for w in _META):
        return True
    savers = set()
    for n in _nodes(module):
        if isinstance(n, cst.Assign) and isinstance(n.value, cst.Call) \
                and (dotted(n.value.func) or "").endswith("Saver"):
            savers |= {dotted(t.target) for t in n.targets}
    for n in _nodes(module):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "save":
            base = n.func.value
            if dotted(base) in savers or (isinstance(base, cst.Call) and (dotted(base.func) or "").endswith("Saver")):
                return True
    return False


def _list_name(key: str, taken: set[str]) -> str:
    base = "collection_" + (re.sub(r"\W", "_", key).strip("_") or "key")
    name, i = base, 1
    while name in taken:
        i += 1
        name = f"{base}_{i}"
    return name


class _Rewrite(cst.CSTTransformer):
    def __init__(self, tf: set[str], names: dict[str, str | None]):
        self.tf, self.names = tf, names

    def leave_SimpleStatementLine(self, original, updated):
        if len(updated.body) == 1 and isinstance(updated.body[0], cst.Expr) \
                and isinstance(updated.body[0].value, cst.Call):
            c = updated.body[0].value
            if _tf_func(c, self.tf) == "add_to_collection":
                name = self.names[_key(c)]
                if name is None:
                    return cst.RemoveFromParent()
                value = [a for a in c.args if a.keyword is None][1:2] or \
                    [a for a in c.args if a.keyword is not None and a.keyword.value == "value"]
                call = cst.Call(cst.Attribute(cst.Name(name), cst.Name("append")),
                                [cst.Arg(value[0].value)])
                return updated.with_changes(body=[updated.body[0].with_changes(value=call)])
        return updated

    def leave_SimpleStatementSuite(self, original, updated):
        if len(updated.body) == 1 and isinstance(updated.body[0], cst.Expr) \
                and isinstance(updated.body[0].value, cst.Call):
            line = self.leave_SimpleStatementLine(original, cst.SimpleStatementLine(body=list(updated.body)))
            if isinstance(line, cst.RemovalSentinel):
                return updated.with_changes(body=[cst.Pass()])
            return updated.with_changes(body=list(line.body))
        return updated

    def leave_IndentedBlock(self, original, updated):
        return updated if updated.body else updated.with_changes(
            body=[cst.SimpleStatementLine([cst.Pass()])])

    def leave_Call(self, original, updated):
        fn = _tf_func(original, self.tf)
        if fn in ("get_collection", "get_collection_ref") and self.names.get(_key(original)):
            name = cst.Name(self.names[_key(original)])
            return name if fn == "get_collection_ref" else cst.Call(cst.Name("list"), [cst.Arg(name)])
        return updated


def _is_import(s) -> bool:
    return isinstance(s, cst.SimpleStatementLine) and all(
        isinstance(b, (cst.Import, cst.ImportFrom)) for b in s.body)


def _is_docstring(s) -> bool:
    return isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Expr) \
        and isinstance(s.body[0].value, (cst.SimpleString, cst.ConcatenatedString))


def _scan(module: cst.Module, code: str | None = None):
    """(tf aliases, {key: adds}, {key: reads}, the add calls, the file saves a meta graph) of a
    file whose collection uses desugar_user_collections understands; None otherwise. ``code``:
    the module's text where the caller has it (not printed again)."""
    tf = _tf_aliases(module)
    code = module.code if code is None else code
    if not tf or "add_to_collection" not in code:
        return None
    saves = _saves(code, module)
    if saves and any(w in code for w in _META):
        return None
    own_losses = _own_losses(code, module)
    calls: list[cst.Call] = []
    adds: dict[str, int] = {}
    reads: dict[str, int] = {}
    parents = parent_map(module)
    for n in _nodes(module):
        if isinstance(n, cst.Attribute) and n.attr.value in _OTHER:
            return None
        if isinstance(n, cst.Attribute) and n.attr.value in _FUNCS and not (
                isinstance(parents.get(id(n)), cst.Call) and parents[id(n)].func is n
                and _tf_func(parents[id(n)], tf)):
            return None  # a graph's own .get_collection, a reference to the function
        if not isinstance(n, cst.Call):
            continue
        fn = _tf_func(n, tf)
        if fn is None:
            continue
        key = _key(n)
        if key is None and fn != "add_to_collection" and _graph_key(n, tf):
            continue  # TF's own collection (tf.GraphKeys.X): not the user's
        if key is None:
            return None
        if fn == "add_to_collection":
            expr = parents.get(id(n))
            line = parents.get(id(expr))
            if not (isinstance(expr, cst.Expr) and isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite))
                    and len(line.body) == 1 and len([a for a in n.args if a.keyword is None]) == 2
                    and all(a.keyword is None for a in n.args)):
                return None
            adds[key] = adds.get(key, 0) + 1
            calls.append(n)
        else:
            if len(n.args) != 1:
                return None  # scope= filters
            reads[key] = reads.get(key, 0) + 1
    tf_keys = _TF_KEYS - {"losses"} if own_losses else _TF_KEYS
    if not adds or set(adds) & tf_keys:
        return None
    if set(reads) - set(adds):
        return None  # a key read but never added here: TF's own (or another module's) collection
    return tf, adds, reads, calls, saves


def adds_kept_for_saves(module: cst.Module, code: str | None = None) -> list[cst.Call]:
    """The ``add_to_collection`` calls of ``module`` that desugar_user_collections keeps ONLY
    because the file calls ``Saver.save`` (a meta graph carries collections to another run): user
    keys the file never reads, no other meta-graph writer or reader. Where the session rule
    (TFM140) turns every such save into a Keras weights file, no meta graph is written and these
    adds change nothing: it removes them. [] when anything else keeps them."""
    scan = _scan(module, code)
    if scan is None:
        return []
    tf, adds, reads, calls, saves = scan
    if not saves or reads or set(adds) == {"losses"}:
        return []
    return calls


def desugar_user_collections(module: cst.Module) -> cst.Module | None:
    scan = _scan(module)
    if scan is None:
        return None
    tf, adds, reads, calls, saves = scan
    code = module.code
    if saves and (reads or set(adds) != {"losses"}):
        return None  # a meta graph carries the collections away
    taken = {n.value for n in _nodes(module) if isinstance(n, cst.Name)}
    names: dict[str, str | None] = {}
    for k in adds:
        if k in reads:
            names[k] = _list_name(k, taken)
            taken.add(names[k])
        else:
            names[k] = None
    if any(names.values()) and not _one_graph(module, code):
        return None
    new = module.visit(_Rewrite(tf, names))
    defs = [cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(v))], cst.List([]))])
            for v in names.values() if v is not None]
    if not defs:
        return new
    body = list(new.body)
    at = 0
    for i, s in enumerate(body):
        if _is_import(s) or (i == 0 and _is_docstring(s)):
            at = i + 1
        elif _is_reset(s):
            at = i + 1
    return new.with_changes(body=body[:at] + defs + body[at:])



def _own_losses(code: str, module: cst.Module) -> bool:
    """Nothing in the file but its literal-key add / get calls touches TF's LOSSES collection."""
    if "LOSSES" in code or "get_total_loss" in code or "add_loss" in code:
        return False
    return not any(isinstance(n, cst.Attribute) and n.attr.value == "losses" for n in _nodes(module))


def _is_reset(s) -> bool:
    return isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Expr) \
        and isinstance(s.body[0].value, cst.Call) \
        and (dotted(s.body[0].value.func) or "").endswith("reset_default_graph")


def _one_graph(module: cst.Module, code: str) -> bool:
    """One default graph for the collection's whole life: no ``tf.Graph()``, and every
    ``reset_default_graph()`` a module-level statement before any module-level statement that
    uses a collection (the list is made after the last of them)."""
    if "Graph(" in code:
        return False
    resets = [i for i, s in enumerate(module.body) if _is_reset(s)]
    if code.count("reset_default_graph") != len(resets):
        return False
    if not resets:
        return True
    for i, s in enumerate(module.body[: resets[-1]]):
        if not isinstance(s, (cst.FunctionDef, cst.ClassDef)) and any(
                isinstance(n, cst.Attribute) and n.attr.value in _FUNCS for n in _nodes(s)):
            return False
    return True
