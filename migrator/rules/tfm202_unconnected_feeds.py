"""TFM202: placeholders fed in feed_dict that the loss never sees, while the inputs the loss
needs are never fed (seed 004) -> feed the data to the inputs the loss reads."""
from __future__ import annotations

import libcst as cst

from ..analysis.flow import Flow, ScopeFlow
from ..diagnostics import Applicability, Kind, Severity
from ..emit import code
from ..analysis.siamese import qnames, walk
from .base import Case, Rule

PLACEHOLDERS = ("tensorflow.placeholder", "tflearn.layers.core.input_data")
# a placeholder with a default never fails when unfed: TF1 silently trains on the default. It
# counts as an input the loss needs only when a fed-but-unconnected placeholder has its shape
DEFAULTED = ("tensorflow.placeholder_with_default",)


class _ScopeFeeds:
    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}     # fed-but-unconnected -> input the loss needs
        self.unfixed: list[str] = []
        self.dicts: set[int] = set()          # id(original feed_dict Dict nodes)
        self.report_at: cst.CSTNode | None = None
        self.message = ""


class Feeds:
    """``ctx.analysis(Feeds)``: per scope, the feed_dict keys that the trained loss does not
    depend on and the placeholders it depends on that nobody feeds."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        flow: Flow = ctx.analysis(Flow)
        self.scopes: list[_ScopeFeeds] = []
        self.by_dict: dict[int, _ScopeFeeds] = {}
        for scope in flow.scopes.values():
            self._scope(flow, scope)

    def _placeholder_defs(self, scope: ScopeFlow, kinds=PLACEHOLDERS) -> dict[str, object]:
        out = {}
        for d in scope.defs:
            if isinstance(d.value, cst.Call) and qnames(self.ctx, d.value) & set(kinds):
                out.setdefault(d.name, d)
        return out

    def _scope(self, flow: Flow, scope: ScopeFlow) -> None:
        phs = self._placeholder_defs(scope)
        if not phs:
            return
        minimize = []
        runs: list[tuple[cst.Call, cst.Dict]] = []
        for stmt in scope.statements:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for n in walk(stmt):
                if not isinstance(n, cst.Call) or not isinstance(n.func, cst.Attribute):
                    continue
                if n.func.attr.value == "minimize" and n.args and isinstance(n.args[0].value, cst.Name):
                    minimize.append((n.args[0].value.value, scope.index_of[id(stmt)]))
                if n.func.attr.value == "run":
                    fd = next((a.value for a in n.args if a.keyword is not None and a.keyword.value == "feed_dict"),
                              n.args[1].value if len(n.args) > 1 and n.args[1].keyword is None else None)
                    if isinstance(fd, cst.Dict):
                        runs.append((n, fd))
        if not minimize or not runs:
            return
        defaulted = {k: v for k, v in self._placeholder_defs(scope, DEFAULTED).items() if k not in phs}
        needed: set[str] = set()
        for loss, idx in minimize:
            for d in scope.reaching([loss], idx + 1):
                if d.name in phs or d.name in defaulted:
                    needed.add(d.name)
        fed: list[str] = []
        for _, fd in runs:
            for el in fd.elements:
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name) and el.key.value not in fed:
                    fed.append(el.key.value)
        unconnected = [f for f in fed if f in phs and f not in needed]
        unfed = sorted((n for n in needed if n not in fed and n in phs), key=lambda n: phs[n].index)
        unfed_defaults = sorted((n for n in needed if n not in fed and n in defaulted),
                                key=lambda n: defaulted[n].index)
        if not unconnected or not (unfed or unfed_defaults):
            return
        sf = _ScopeFeeds()
        mapping: dict[str, str] = {}
        left = list(unfed)
        for f in unconnected:  # same shape/dtype text first
            hit = next((u for u in left if _shape_text(phs[u].value) == _shape_text(phs[f].value)
                        and _shape_text(phs[f].value) is not None), None)
            if hit is None:  # a defaulted placeholder: by shape only
                hit = next((u for u in unfed_defaults if _shape_text(defaulted[u].value) == _shape_text(phs[f].value)
                            and _shape_text(phs[f].value) is not None), None)
                if hit is not None:
                    mapping[f] = hit
                    unfed_defaults.remove(hit)
                    unfed.append(hit)  # named in the message
                    continue
            if hit is not None:
                mapping[f] = hit
                left.remove(hit)
        if not mapping and not left:
            return  # only defaulted placeholders, none of the fed ones' shape: TF1 uses the defaults
        rest = [f for f in unconnected if f not in mapping]
        if len(rest) == len(left):
            mapping.update(zip(rest, left))
        else:
            sf.unfixed = rest
        sf.mapping = mapping
        sf.report_at = runs[0][1]
        sf.message = (f"fed in feed_dict but not connected to the loss: {', '.join(unconnected)}; "
                      f"needed by the loss but never fed: {', '.join(unfed)}")
        for _, fd in runs:
            sf.dicts.add(id(fd))
            self.by_dict[id(fd)] = sf
        self.scopes.append(sf)


def _shape_text(call: cst.Call) -> str | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == "shape":
            return code(a.value).strip()
    qn = [a for a in call.args if a.keyword is None]
    # tf.placeholder(dtype, shape) / input_data(shape)
    if len(qn) >= 2:
        return code(qn[1].value).strip()
    if len(qn) == 1 and not code(qn[0].value).strip().startswith(("tf.", "tensorflow.")):
        return code(qn[0].value).strip()
    return None


class UnconnectedFeeds(Rule):
    ID = "TFM202"
    NAME = "fed-placeholders-not-connected"
    MESSAGE = "placeholders are fed but not connected to the loss, and the loss's inputs are never fed"
    RATIONALE = ("In seed 004 the training loop feeds X1, X2, Y while the network and the loss are "
                 "built on other placeholders (left_input, right_input, target): the loss never "
                 "sees the data. In TF1 this either fails (unfed placeholder) or trains on nothing; "
                 "a translation that follows the feed_dict keys would train a model that is not "
                 "connected to its inputs. FIX: each fed-but-unconnected key is replaced by the "
                 "unfed input the loss needs - matched by identical shape first, then by creation "
                 "order - in every feed_dict of that function. With --no-fixes the feeds are kept "
                 "and reported.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.SAFE
    APPLICABILITY_REASON = ('the feed_dict feeds placeholders the loss never reads (TF1 raises or '
                            'trains on nothing): a wiring bug proven from the graph. The cure '
                            'feeds the placeholders the loss does read, with the same arrays; no '
                            'data or hyperparameter changes.')
    SEVERITY = Severity.WARNING
    ORDER = 50  # before the Session loop translation reads the feed_dict

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict) -> cst.Dict:
        sf = self.ctx.analysis(Feeds).by_dict.get(id(original))
        if sf is None:
            return updated
        from .tfm162_variable_program import VariableProgramRule

        if VariableProgramRule.owns(self.ctx):
            # TFM162's program: every run feeds what its fetches read, each read resolved to the
            # binding in effect at the run (a rebuilt ``decoder`` on ``noise_input``), which this
            # analysis of the last binding does not see
            return updated
        fixing = self.fixes_enabled and bool(sf.mapping)
        if original is sf.report_at:
            if fixing:
                pairs = ", ".join(f"{k} -> {v}" for k, v in sf.mapping.items())
                extra = f" (not matched: {', '.join(sf.unfixed)})" if sf.unfixed else ""
                self.report(original, f"{sf.message}: feeds rewired {pairs}{extra}", fixed=True)
            else:
                self.report(original, sf.message)
        if not fixing:
            return updated
        elements = []
        for el in updated.elements:
            if isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name) and el.key.value in sf.mapping:
                el = el.with_changes(key=cst.Name(sf.mapping[el.key.value]))
            elements.append(el)
        return updated.with_changes(elements=elements)

    VALID = [
        # the feeds are the placeholders the loss reads (the engine's TODO markers aside)
        "import tensorflow as tf\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "y = tf.placeholder(tf.float32, [None])\n"
        "loss = tf.reduce_mean(tf.square(y - model(x)))\n"
        "train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
        "sess.run(train_op, feed_dict={x: a, y: b})\n",
        # two towers fed through the placeholders they are built on, plus a keep_prob the
        # towers read: every fed placeholder is connected
        "import tensorflow as tf\n"
        "def train(a, b, y):\n"
        "    left_input = tf.placeholder(tf.float32, [None, 4])\n"
        "    right_input = tf.placeholder(tf.float32, [None, 4])\n"
        "    keep = tf.placeholder(tf.float32)\n"
        "    target = tf.placeholder(tf.float32, [None])\n"
        "    distance = tower(left_input, keep) - tower(right_input, keep)\n"
        "    loss = tf.reduce_mean(tf.abs(target - distance))\n"
        "    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
        "    with tf.Session() as sess:\n"
        "        sess.run(train_op, feed_dict={left_input: a, right_input: b, keep: 0.8, target: y})\n",
    ]
    INVALID = [
        # the loss reads a placeholder_with_default nobody feeds (TF1 trains on its default, zeros),
        # while the loop feeds a placeholder of the same shape the loss never reads: rewired
        Case('import tensorflow as tf\nu = tf.placeholder(tf.float32, [None, 4])\nv = tf.placeholder(tf.float32, [None, 4])\nmatch = tf.placeholder(tf.float32, [None])\ngap = tf.reduce_sum(tf.abs(tower(u) - tower(v)), 1)\ntarget = tf.placeholder_with_default(tf.zeros_like(gap), [None])\nloss = tf.reduce_mean(target * gap + (1 - target) * tf.maximum(2.0 - gap, 0.0))\nstep = tf.train.AdamOptimizer(0.01).minimize(loss)\nsess.run(step, feed_dict={u: A, v: B, match: M})\n',
             'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nu = tf.placeholder(tf.float32, [None, 4])\nv = tf.placeholder(tf.float32, [None, 4])\nmatch = tf.placeholder(tf.float32, [None])\ngap = tf.reduce_sum(tf.abs(tower(u) - tower(v)), 1)\ntarget = tf.placeholder_with_default(tf.zeros_like(gap), [None])\nloss = tf.reduce_mean(target * gap + (1 - target) * tf.maximum(2.0 - gap, 0.0))\nstep = tf.train.AdamOptimizer(0.01).minimize(loss)\nsess.run(step, feed_dict={u: A, v: B, target: M})\n', ('TFM202',), todo=True),
        Case("import tensorflow as tf\n"
             "def train(a, b, y):\n"
             "    left_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    right_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    target = tf.placeholder(tf.float32, [None])\n"
             "    distance = tower(left_input) - tower(right_input)\n"
             "    loss = tf.reduce_mean(tf.abs(target - distance))\n"
             "    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
             "    X1 = tf.placeholder(tf.float32, [None, 4])\n"
             "    X2 = tf.placeholder(tf.float32, [None, 4])\n"
             "    Y = tf.placeholder(tf.float32, [None])\n"
             "    with tf.Session() as sess:\n"
             "        sess.run(train_op, feed_dict={X1: a, X2: b, Y: y})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def train(a, b, y):\n"
             "    left_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    right_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    target = tf.placeholder(tf.float32, [None])\n"
             "    distance = tower(left_input) - tower(right_input)\n"
             "    loss = tf.reduce_mean(tf.abs(target - distance))\n"
             "    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
             "    X1 = tf.placeholder(tf.float32, [None, 4])\n"
             "    X2 = tf.placeholder(tf.float32, [None, 4])\n"
             "    Y = tf.placeholder(tf.float32, [None])\n"
             "    with tf.Session() as sess:\n"
             "        sess.run(train_op, feed_dict={left_input: a, right_input: b, target: y})\n",
             ("TFM202",), todo=True),
            Case("import tensorflow as tf\n"
             "def train(a, b, y):\n"
             "    left_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    right_input = tf.placeholder(tf.float32, [None, 4])\n"
             "    target = tf.placeholder(tf.float32, [None])\n"
             "    distance = tower(left_input) - tower(right_input)\n"
             "    loss = tf.reduce_mean(tf.abs(target - distance))\n"
             "    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)\n"
             "    X1 = tf.placeholder(tf.float32, [None, 4])\n"
             "    X2 = tf.placeholder(tf.float32, [None, 4])\n"
             "    Y = tf.placeholder(tf.float32, [None])\n"
             "    with tf.Session() as sess:\n"
             "        sess.run(train_op, feed_dict={X1: a, X2: b, Y: y})\n",
             None, ("TFM202",), fixes=False, todo=True),
    ]
