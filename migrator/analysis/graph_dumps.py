"""TFM216's pre-step: the TF1 graph written to a file for inspection, removed.

The text-CNN tutorials' train() (dennybritz/cnn-text-classification-tf and the forks keeping its
harness, Lapis-Hong/atec-nlp ...) dump the graph definition next to the checkpoints::

    graph_def = tf.get_default_graph().as_graph_def()
    with open(os.path.join(checkpoint_dir, "graphpb.txt"), 'w') as f:
        f.write(str(graph_def))
    tf.train.write_graph(sess.graph_def, checkpoint_dir, "graph.pbtxt", as_text=True)

The file holds the TF1 GraphDef protocol buffer (for TensorBoard / graph tools); nothing the
program computes reads it, and a Keras program has no such graph. Removed, like TensorBoard's
summaries (TFM142): an expression statement ``tf.train.write_graph(G, ...)`` / ``tf.io.write_graph``;
a ``with open(path, mode) as f:`` (``tf.gfile.GFile`` too) whose body is only ``f.write(str(G))`` /
``f.write(G.SerializeToString())``; and ``name = G`` bound once in its scope when every read of
``name`` is in such a statement. G is a graph definition with no effect to compute:
``tf.get_default_graph()`` (``.as_graph_def()``), ``S.graph`` / ``S.graph_def`` /
``S.graph.as_graph_def()`` of a session ``S`` (a name the file binds to ``tf.Session(..)`` /
``tf.InteractiveSession(..)`` only), or such a name. Declined: the dump's other arguments making
calls besides ``os.path`` functions / ``str`` / ``format``, the file object read after the block,
the graph name bound twice or read elsewhere (the statements are left to the rules: TFM100's TODO).
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import parent_map, walk
from ..names import dotted
from .graph_datasets import tf_aliases

_WRITE_GRAPH = ("train.write_graph", "io.write_graph", "compat.v1.train.write_graph")
_SESSIONS = ("Session", "InteractiveSession", "compat.v1.Session", "compat.v1.InteractiveSession")
_FILES = ("gfile.GFile", "gfile.Open", "io.gfile.GFile", "compat.v1.gfile.GFile")
_PURE = frozenset({"os.path.join", "os.path.abspath", "os.path.dirname", "os.path.basename", "os.path.normpath",
                   "os.path.expanduser", "str"})


def _tf_call(e, tf: set[str], names: tuple[str, ...]) -> bool:
    d = dotted(e.func) if isinstance(e, cst.Call) else None
    return bool(d) and any(d == f"{a}.{n}" for a in tf for n in names)


def _scope_of(node, parents) -> cst.CSTNode:
    n = parents.get(id(node))
    while n is not None and not isinstance(n, (cst.FunctionDef, cst.Module, cst.ClassDef, cst.Lambda)):
        n = parents.get(id(n))
    return n


def _sessions(module: cst.Module, tf: set[str], parents) -> set[str]:
    """Names bound only to TF1 sessions (``sess = tf.Session(config=..)`` / ``with tf.Session() as s``)."""
    good: set[str] = set()
    bad: set[str] = set()
    for n in walk(module):
        if isinstance(n, cst.Assign):
            names = [t.target.value for t in n.targets if isinstance(t.target, cst.Name)]
            ok = len(n.targets) == 1 and _tf_call(n.value, tf, _SESSIONS)
            (good if ok else bad).update(names)
        elif isinstance(n, cst.WithItem) and n.asname is not None and isinstance(n.asname.name, cst.Name):
            (good if _tf_call(n.item, tf, _SESSIONS) else bad).add(n.asname.name.value)
        else:
            bad.update(_other_bindings(n))
    return good - bad


def _graph_expr(e, tf: set[str], sessions: set[str]) -> bool:
    """A graph (definition) read without effect: ``tf.get_default_graph()[.as_graph_def()]``,
    ``S.graph`` / ``S.graph_def`` / ``S.graph.as_graph_def()`` of a session S."""
    if isinstance(e, cst.Call) and not e.args and isinstance(e.func, cst.Attribute) \
            and e.func.attr.value == "as_graph_def":
        e = e.func.value
        if isinstance(e, cst.Attribute) and e.attr.value == "graph_def":
            return False
    if isinstance(e, cst.Call):
        return not e.args and _tf_call(e, tf, ("get_default_graph", "compat.v1.get_default_graph"))
    return isinstance(e, cst.Attribute) and e.attr.value in ("graph", "graph_def") \
        and isinstance(e.value, cst.Name) and e.value.value in sessions


def _plain(e, tf: set[str]) -> bool:
    """No call but os.path functions / str / str.format, no lambda / walrus / yield."""
    for n in walk(e):
        if isinstance(n, cst.Call):
            d = dotted(n.func) or ""
            if not (d in _PURE or (isinstance(n.func, cst.Attribute) and n.func.attr.value == "format")):
                return False
        elif isinstance(n, (cst.Lambda, cst.NamedExpr, cst.Yield, cst.Await)):
            return False
    return True


def drop_graph_dumps(module: cst.Module) -> cst.Module | None:
    tf = set(tf_aliases(module))
    if not tf:
        return None
    parents = parent_map(module)
    sessions = _sessions(module, tf, parents)

    def is_graph(e, names: set[str]) -> bool:
        return (isinstance(e, cst.Name) and e.value in names) or _graph_expr(e, tf, sessions)

    # candidate names: ``g = <graph expr>`` bound once in their scope, nowhere else in the file
    binds: dict[str, list] = {}
    for n in walk(module):
        if isinstance(n, cst.Name) and isinstance(parents.get(id(n)), cst.AssignTarget):
            binds.setdefault(n.value, []).append(n)
        else:
            for x in _other_bindings(n):
                binds.setdefault(x, []).extend([None, None])  # bound otherwise: never a candidate
    cands: dict[str, cst.SimpleStatementLine] = {}
    for name, targets in binds.items():
        if len(targets) != 1 or targets[0] is None:
            continue
        a = parents.get(id(parents.get(id(targets[0]))))
        line = parents.get(id(a))
        if isinstance(a, cst.Assign) and len(a.targets) == 1 and a.targets[0].target is targets[0] \
                and _graph_expr(a.value, tf, sessions) and isinstance(line, cst.SimpleStatementLine) \
                and len(line.body) == 1:
            cands[name] = line

    def dump_stmt(st, names: set[str]) -> bool:
        if isinstance(st, cst.SimpleStatementLine):
            if len(st.body) != 1 or not isinstance(st.body[0], cst.Expr):
                return False
            c = st.body[0].value
            if not _tf_call(c, tf, _WRITE_GRAPH) or not c.args or any(a.star for a in c.args):
                return False
            g = next((a.value for a in c.args if a.keyword is not None
                      and a.keyword.value == "graph_or_graph_def"), None)
            g = c.args[0].value if g is None and c.args[0].keyword is None else g
            return g is not None and is_graph(g, names) and all(
                a.value is g or _plain(a.value, tf) for a in c.args)
        if not isinstance(st, cst.With) or len(st.items) != 1 or not isinstance(st.body, cst.IndentedBlock) \
                or len(st.body.body) != 1:
            return False
        item = st.items[0]
        opener = item.item
        if not (isinstance(opener, cst.Call) and (dotted(opener.func) == "open" or _tf_call(opener, tf, _FILES))
                and all(_plain(a.value, tf) and not a.star for a in opener.args)
                and item.asname is not None and isinstance(item.asname.name, cst.Name)):
            return False
        mode = opener.args[1].value if len(opener.args) > 1 and opener.args[1].keyword is None else next(
            (a.value for a in opener.args if a.keyword is not None and a.keyword.value == "mode"), None)
        if not (isinstance(mode, cst.SimpleString) and mode.evaluated_value in ("w", "wb", "wt")):
            return False
        f = item.asname.name.value
        line = st.body.body[0]
        if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
                and isinstance(line.body[0], cst.Expr)):
            return False
        w = line.body[0].value
        if not (isinstance(w, cst.Call) and isinstance(w.func, cst.Attribute) and w.func.attr.value == "write"
                and isinstance(w.func.value, cst.Name) and w.func.value.value == f and len(w.args) == 1
                and w.args[0].keyword is None and not w.args[0].star):
            return False
        v = w.args[0].value
        if isinstance(v, cst.Call) and dotted(v.func) == "str" and len(v.args) == 1 and v.args[0].keyword is None:
            v = v.args[0].value
        elif isinstance(v, cst.Call) and not v.args and isinstance(v.func, cst.Attribute) \
                and v.func.attr.value == "SerializeToString":
            v = v.func.value
        else:
            return False
        if not is_graph(v, names):
            return False
        # the file object read after the block (``f.close()``, ``f.name``): left as written
        scope = _scope_of(st, parents)
        inside = {id(x) for x in walk(st)}
        return not any(isinstance(x, cst.Name) and x.value == f and id(x) not in inside for x in walk(scope))

    def dumps(names: set[str]) -> list:
        return [st for st in walk(module) if isinstance(st, (cst.SimpleStatementLine, cst.With))
                and dump_stmt(st, names)]

    names = set(cands)
    while True:  # a candidate read by anything but a dump statement stays (and its dumps with it)
        found = dumps(names)
        inside = {id(x) for st in found for x in walk(st)}
        keep = {n for n in names if any(isinstance(x, cst.Name) and x.value == n and id(x) not in inside
                                        and not isinstance(parents.get(id(x)), cst.AssignTarget)
                                        and not (isinstance(parents.get(id(x)), cst.Attribute)
                                                 and parents.get(id(x)).attr is x)
                                        and not (isinstance(parents.get(id(x)), cst.Arg)
                                                 and parents.get(id(x)).keyword is x)
                                        for x in walk(module))}
        if not keep:
            break
        names -= keep
    drop = {id(st) for st in found} | {id(cands[n]) for n in names}
    if not drop:
        return None
    return module.visit(_Drop(drop))


def _other_bindings(n) -> list[str]:
    """Names ``n`` binds other than as an assignment target."""
    if isinstance(n, (cst.For, cst.AugAssign, cst.AnnAssign, cst.NamedExpr)):
        return [x.value for x in walk(n.target) if isinstance(x, cst.Name)]
    if isinstance(n, cst.AssignTarget) and isinstance(n.target, (cst.Tuple, cst.List)):
        return [x.value for x in walk(n.target) if isinstance(x, cst.Name)]
    if isinstance(n, (cst.WithItem, cst.ExceptHandler)) and getattr(n, "asname", None) is not None:
        return [x.value for x in walk(n.asname.name) if isinstance(x, cst.Name)]
    if isinstance(n, cst.ImportAlias):
        t = n.asname.name if n.asname is not None else n.name
        return [t.value] if isinstance(t, cst.Name) else [dotted(t).split(".")[0]]
    if isinstance(n, (cst.Param, cst.FunctionDef, cst.ClassDef)):
        return [n.name.value]
    if isinstance(n, (cst.Global, cst.Nonlocal)):
        return [a.name.value for a in n.names]
    if isinstance(n, cst.CompFor):
        return [x.value for x in walk(n.target) if isinstance(x, cst.Name)]
    return []


class _Drop(cst.CSTTransformer):
    def __init__(self, drop: set[int]):
        super().__init__()
        self.drop = drop

    def on_leave(self, original, updated):
        if id(original) in self.drop:
            return cst.RemoveFromParent()
        if isinstance(updated, cst.IndentedBlock) and not updated.body:
            return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated
