"""TFM201: Siamese towers built by calling a builder twice, each call creating new weights."""
from __future__ import annotations

import libcst as cst

from ..analysis.flow import Flow
from ..diagnostics import Applicability, Kind, Severity
from ..emit import call, code, stmt, to_node
from ..analysis.branches import WrittenBranches
from ..analysis.sharing import Sharing, TowerGroup, pretty
from ..translate.encoder import (TowerCall, apply_encoder, encoder_name, encoder_statements, free_name,
                                 inline_tower_calls, tower_calls)
from ..analysis.siamese import qnames, walk
from ..translate import regression_dnn as _regression_dnn  # noqa: F401 - registers the tflearn_graph_inputs helper
from .base import Case, Rule
from ..analysis.tower_programs import _program_stays_tf1
from ..analysis.shared_plan import scope_name_params

LAYER_PREFIXES = ("tflearn.layers.", "tensorflow.layers.", "tensorflow.contrib.layers.", "keras.layers.",
                  "tensorflow.contrib.slim.")
VARIABLE_CALLS = ("tensorflow.get_variable", "tensorflow.Variable")
INPUT_CALLS = ("tflearn.layers.core.input_data", "tensorflow.placeholder", "keras.Input",
               "keras.layers.Input")


class Towers:
    """``ctx.analysis(Towers)``: builder functions called on two or more inputs that create
    their weights at every call (no ``reuse``/``variable_scope`` sharing anywhere)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        flow: Flow = ctx.analysis(Flow)
        self.groups: list[list[TowerCall]] = []
        self.by_call: dict[int, tuple[int, int]] = {}      # id(call) -> (group, index)
        self.problem: dict[int, str] = {}                   # group -> why it is not fixed
        self.encoder: dict[int, str] = {}
        self.own_input: list[list[cst.Call]] = []   # builders that make their own input
        self.own_problem: dict[int, str] = {}
        self.own_encoder: dict[int, tuple[str, str]] = {}
        taken = self.taken = {n.value for n in walk(ctx.module) if isinstance(n, cst.Name)}
        bodies = [ctx.module.body] + [s.node.body.body for s in flow.scopes.values()
                                      if isinstance(s.node, cst.FunctionDef)
                                      and isinstance(s.node.body, cst.IndentedBlock)]
        sharing: Sharing = ctx.analysis(Sharing)
        self.sharing_group: dict[int, TowerGroup] = {}     # group -> the analysis' group (verdict)
        self.loop_first: dict[int, TowerGroup] = {}        # id(the call) -> unshared towers one call in a loop builds
        var_helpers = ctx.analysis(WrittenBranches).helpers
        for body in bodies:
            named = tower_calls(body)
            inline = inline_tower_calls(body)
            for fn_name, calls in [*named.items(), *((f, c) for f, c in inline.items() if f not in named)]:
                is_inline = fn_name in inline and calls is inline[fn_name]
                sg = sharing.group_of(calls[0].call)
                if sg is not None and any(sharing.group_of(c.call) is not sg for c in calls):
                    sg = None
                if sg is None and any(id(c.call) in sharing.stacked_reused for c in calls):
                    continue  # layer helpers stacked in one expression, some weights reused by TF1
                fn = sg.function if sg is not None else flow.functions.get(fn_name)
                if fn is not None and fn.name.value in var_helpers:
                    continue  # ``w = weight([3, 4])``: a helper returning tf.Variable is no tower
                if sg is not None:
                    if sg.verdict == "shared":
                        continue  # TF1 shares: TFM205's business
                elif fn is None or not self._creates_weights(fn) or self._shares(fn, calls):
                    continue
                via = None
                if not is_inline and not _compared(body, [c.target for c in calls], ctx.module):
                    # THTBSE: ``logits_1 = matmul(out_x1, fc_w1) + b1`` / ``logits_2 = ...`` and
                    # then ``logits_1`` meets ``logits_2``: compared through parallel steps
                    via = _compared_after(body, [c.target for c in calls], ctx.module)
                    if via is None:
                        continue  # not a Siamese comparison (a train/test or online/target network...)
                # inline calls meet in their statement's expression: compared by construction
                g = len(self.groups)
                self.groups.append(calls)
                if sg is not None:
                    self.sharing_group[g] = sg
                for i, c in enumerate(calls):
                    self.by_call[id(c.call)] = (g, i)
                method = isinstance(ctx.parent(ctx.parent(fn)), cst.ClassDef)
                # (nor a scope name: ``stackedRNN(x, keep, "side1")`` / ``"side2"`` name the two
                # sets of weights the fix makes one)
                named = scope_name_params(sharing, fn)
                extra = [[code(a) for a in c.call.args[1:] if not _is_reuse_arg(fn, c.call, a, method, named)]
                         for c in calls]
                if via is not None:
                    self.problem[g] = (f"the outputs meet only after each side's own further steps "
                                       f"({', '.join(via)}): one encoder for the builder would leave "
                                       f"those steps as written, the fix needs them in the encoder too")
                elif any(e != extra[0] for e in extra):
                    self.problem[g] = "the calls pass different arguments besides the input"
                elif self._own_input(fn):
                    self.problem[g] = "the builder creates its own input"
                elif _program_stays_tf1(ctx, calls[0].call):
                    self.problem[g] = ("the TF1 program around them stays TF1 (TFM140: one of its "
                                       "sess.run calls is not translated)")
                name = encoder_name(ctx, taken)
                taken.add(name)
                self.encoder[g] = name
            self._own_input_builders(flow, body)
        # with the fix, the builder runs once: its layers' reuse=<flag> arguments go (if every
        # call of the builder is a fixed tower)
        self.strip: set[int] = set()
        from ..analysis.shared_plan import layer_reuse_args

        all_calls = {id(c.call) for g, calls in enumerate(self.groups) if g not in self.problem for c in calls}
        for g, sg in self.sharing_group.items():
            if g in self.problem:
                continue
            name = sg.function.name.value
            if all(id(n) in all_calls for n in walk(ctx.module) if isinstance(n, cst.Call) and (
                    (isinstance(n.func, cst.Name) and n.func.value == name)
                    or (isinstance(n.func, cst.Attribute) and n.func.attr.value == name))):
                self.strip.update(layer_reuse_args(sharing, sg.function))
        grouped = {id(c.call) for calls in self.groups for c in calls}
        for sg in sharing.groups:
            if sg.verdict != "shared" and sg.in_loop and not any(id(c) in grouped for c in sg.calls):
                self.loop_first[id(sg.calls[0])] = sg

    def _own_input_builders(self, flow: Flow, body) -> None:
        """Seed 004: ``left = build(shape)`` / ``right = build(shape)`` - a builder that makes its
        own input and its layers, called twice with the same arguments: two separate networks."""
        calls: dict[str, list[cst.Call]] = {}
        targets: dict[str, list[str]] = {}
        for s in body:
            if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign):
                v = s.body[0].value
                t = s.body[0].targets[0].target
                if isinstance(v, cst.Call) and isinstance(v.func, cst.Name) and id(v) not in self.by_call \
                        and isinstance(t, cst.Name) and len(s.body[0].targets) == 1:
                    calls.setdefault(v.func.value, []).append(v)
                    targets.setdefault(v.func.value, []).append(t.value)
        for fn_name, cs in calls.items():
            fn = flow.functions.get(fn_name)
            if len(cs) < 2 or fn is None or not self._own_input(fn) or not self._creates_weights(fn):
                continue
            if not _compared(body, targets[fn_name]):
                continue
            if self._shares(fn, []):
                continue
            k = len(self.own_input)
            self.own_input.append(cs)
            n_inputs = sum(1 for n in walk(fn) if isinstance(n, cst.Call) and qnames(self.ctx, n) & set(INPUT_CALLS))
            if len({code(c) for c in cs}) != 1:
                self.own_problem[k] = "the calls pass different arguments"
            elif n_inputs != 1:
                self.own_problem[k] = f"the builder makes {n_inputs} inputs"
            elif any(self.ctx.statement_of(c) is None for c in cs):
                self.own_problem[k] = "a call is not a statement of its own"
            enc = encoder_name(self.ctx, self.taken)
            self.taken.add(enc)
            out = free_name(self.taken, f"{enc}_output")
            self.taken.add(out)
            self.own_encoder[k] = (enc, out)

    def copies(self) -> dict[int, tuple[cst.Call, cst.Call, str, str, str]]:
        """Towers built by two COPIES of one builder: two functions (or methods) whose bodies are
        the same code but for string literals (scope names), each creating weights and called
        once, on two inputs, their results compared (IvanArkhipov1999's ``network1`` /
        ``network2``). TF1 makes two sets of variables. id(second call) -> (first call, second
        call, first builder, second builder, the first result's target as code)."""
        cached = self.__dict__.get("_copies")
        if cached is not None:
            return cached
        out: dict[int, tuple] = {}
        self.__dict__["_copies"] = out
        defs: dict[str, list[cst.FunctionDef]] = {}
        for n in walk(self.ctx.module):
            if isinstance(n, cst.FunctionDef):
                defs.setdefault(n.name.value, []).append(n)

        def norm(fn: cst.FunctionDef) -> str:
            body = fn.body.visit(_StringsOut()) if isinstance(fn.body, cst.IndentedBlock) else fn.body
            return cst.Module([]).code_for_node(fn.params) + cst.Module([]).code_for_node(body)

        calls: dict[str, list[cst.Call]] = {}
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Call):
                f = n.func
                name = f.value if isinstance(f, cst.Name) else (
                    f.attr.value if isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name)
                    and f.value.value == "self" else None)
                if name in defs:
                    calls.setdefault(name, []).append(n)
        once = {k: v[0] for k, v in calls.items() if len(v) == 1 and len(defs[k]) == 1
                and self._creates_weights(defs[k][0])}
        names = sorted(once, key=lambda k: (self.ctx.statement_of(once[k]) is None, k))
        seen: set[str] = set()
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if a in seen or b in seen or norm(defs[a][0]) != norm(defs[b][0]):
                    continue
                c1, c2 = once[a], once[b]
                s1, s2 = self.ctx.statement_of(c1), self.ctx.statement_of(c2)
                if s1 is None or s2 is None or self.ctx.parent(s1) is not self.ctx.parent(s2):
                    continue
                t1, t2 = _single_target(s1, c1), _single_target(s2, c2)
                if t1 is None or t2 is None or len(c1.args) != 1 or len(c2.args) != 1:
                    continue
                if not _compared([self.ctx.module], [t1, t2], self.ctx.module):
                    continue
                pos = {id(st): k for k, st in enumerate(self.ctx.parent(s1).body)} \
                    if hasattr(self.ctx.parent(s1), "body") and isinstance(self.ctx.parent(s1).body, (list, tuple)) else {}
                if pos and pos.get(id(s1), 0) > pos.get(id(s2), 0):
                    c1, c2, a, b, t1 = c2, c1, b, a, t2
                out[id(c2)] = (c1, c2, a, b, t1)
                seen.update((a, b))
        return out

    def _creates_weights(self, fn: cst.FunctionDef) -> bool:
        for n in walk(fn):
            if isinstance(n, cst.Call):
                q = qnames(self.ctx, n)
                if any(x.startswith(LAYER_PREFIXES) or x in VARIABLE_CALLS for x in q) and not any(
                        x in INPUT_CALLS for x in q):
                    return True
        return False

    def _own_input(self, fn: cst.FunctionDef) -> bool:
        return any(isinstance(n, cst.Call) and qnames(self.ctx, n) & set(INPUT_CALLS) for n in walk(fn))

    def _shares(self, fn: cst.FunctionDef, calls: list[TowerCall]) -> bool:
        """Any sign of deliberate sharing (TFM205's business): reuse=..., AUTO_REUSE,
        scope.reuse_variables() in the builder or around/at its calls."""
        nodes = [fn] + [c.call for c in calls]
        for root in nodes:
            for n in walk(root):
                if isinstance(n, cst.Arg) and n.keyword is not None and n.keyword.value == "reuse":
                    return True
                if isinstance(n, cst.Attribute) and n.attr.value in ("reuse_variables", "AUTO_REUSE"):
                    return True
                if isinstance(n, cst.Name) and n.value == "AUTO_REUSE":
                    return True
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Attribute) and n.attr.value == "reuse_variables":
                return True
        return False


def _verdict_message(fn: str, calls, inputs: str, sg: "TowerGroup | None") -> str:
    n = len(calls) if calls is not None else (sg.executions if sg is not None else 2)
    head = f"tower builder {fn}() is called on {n} inputs ({inputs})"
    if sg is None or sg.verdict == "unshared":
        return f"{head} and creates new weights each time: the towers share nothing"
    if sg.verdict == "partial":
        shared = ", ".join(pretty(k) for k in sg.shared[:4]) + (" ..." if len(sg.shared) > 4 else "")
        return (f"{head}: TF1 shares only {shared} between the towers (get_variable under reuse); "
                f"{len(sg.unshared)} other weight(s) - tf.Variable or fresh layers - are created per tower")
    return (f"{head}: TF1 raises while building the second tower ({pretty(sg.error or '')}), so the "
            f"sharing the code asks for never happened")


class _StringsOut(cst.CSTTransformer):
    def leave_SimpleString(self, original, updated):
        return updated.with_changes(value="''")


def _single_target(stmt: cst.CSTNode, c: cst.Call) -> str | None:
    """``t = f(x)`` / ``self.t = f(x)`` -> 't' / 'self.t'."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign):
        a = stmt.body[0]
        if a.value is c and len(a.targets) == 1 and isinstance(a.targets[0].target, (cst.Name, cst.Attribute)):
            return cst.Module([]).code_for_node(a.targets[0].target)
    return None


def _is_reuse_arg(fn: cst.FunctionDef, call: cst.Call, arg: cst.Arg, method: bool, also=frozenset()) -> bool:
    """An argument that only says "reuse" (``reuse=True``, or positional into a ``reuse`` param)
    or goes to a parameter of ``also``."""
    from ..analysis.shared_plan import _bound_params, reuse_params

    params = reuse_params(fn) | {"reuse"} | set(also)
    return any(a is arg and p in params for p, a in _bound_params(fn, call, method))


def _compared(body, names: list[str], module: cst.Module | None = None) -> bool:
    """Do two of the towers' outputs meet in one expression (``a - b``, ``Lambda(d)([a, b])``,
    ``merge([a, b])``, ``get_layer_output(a, ...)`` ...)? That is what makes them Siamese towers
    rather than, say, a DQN's online and target networks (meant to have separate weights)."""
    from ..analysis.sharing import _loads

    wanted = set(names)
    scopes = [body]
    if module is not None and any("." in n for n in wanted):   # ``self.o1`` / ``self.o2``: in any method
        scopes.append([module])
    for stmts in scopes:
        for s in stmts:
            for n in walk(s):
                if isinstance(n, (cst.BinaryOperation, cst.Call, cst.List, cst.Tuple)) and len(_loads(n) & wanted) >= 2:
                    return True
    return False


def _shape_of(node: cst.CSTNode) -> str:
    """An expression's code with every name and string replaced: ``tf.matmul(a, w1) + b1`` and
    ``tf.matmul(b, w2) + b2`` have one shape."""
    return cst.Module([]).code_for_node(node.visit(_NamesOut()))


class _NamesOut(_StringsOut):
    def leave_Name(self, original, updated):
        return updated.with_changes(value="_")


def _compared_after(body, names: list[str], module: cst.Module | None = None,
                    depth: int = 3) -> list[str] | None:
    """Do the towers' outputs meet after PARALLEL steps, one per side (``l1 = f(a, w1)`` /
    ``l2 = f(b, w2)``: the same expression but for names, each reading one side's value and
    assigned to one name), up to ``depth`` steps? The names of the last step, else None. A
    value read by only one side (a DQN's ``target = r + gamma * max(q_next)`` against ``q``)
    is no parallel step: those stay uncompared."""
    from ..analysis.sharing import _loads

    scopes = [body] + ([[module]] if module is not None and any("." in n for n in names) else [])
    assigns: list[tuple[str, cst.BaseExpression]] = []
    seen: set[int] = set()
    for stmts in scopes:
        for s in stmts:
            for n in walk(s):
                if isinstance(n, cst.Assign) and id(n) not in seen and len(n.targets) == 1 \
                        and isinstance(n.targets[0].target, (cst.Name, cst.Attribute)):
                    seen.add(id(n))
                    t = cst.Module([]).code_for_node(n.targets[0].target)
                    assigns.append((t, n.value))
    cur = list(names)
    for _ in range(depth):
        nxt: list[str] = []
        shape = None
        for i, side in enumerate(cur):
            others = set(cur) - {side}
            steps = [(t, v) for t, v in assigns
                     if side in _loads(v) and not (_loads(v) & others) and t not in cur]
            if len(steps) != 1:
                return None  # no step, or several: not one parallel chain
            t, v = steps[0]
            if shape is None:
                shape = _shape_of(v)
            elif _shape_of(v) != shape or t in nxt:
                return None
            nxt.append(t)
        cur = nxt
        if _compared(body, cur, module):
            return cur
    return None


_VARIABLE_REUSE = ("import tensorflow as tf\n\n"
                   "def tower(x):\n"
                   "    w = tf.Variable(tf.zeros([3, 4]))\n"
                   "    return tf.matmul(x, w)\n\n"
                   "with tf.variable_scope('siamese') as scope:\n"
                   "    a = tower(x1)\n"
                   "    scope.reuse_variables()\n"
                   "    b = tower(x2)\n"
                   "d = a - b\n")
_VARIABLE_REUSE_FIXED = ("import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
                         "import keras\n\n"
                         "def tower(x):\n"
                         "    w = tf.Variable(tf.zeros([3, 4]))\n"
                         "    return tf.matmul(x, w)\n\n"
                         "with tf.variable_scope('siamese') as scope:\n"
                         "    encoder_input = keras.Input(shape=x1.shape[1:])\n"
                         "    encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
                         "    a = encoder(x1)\n"
                         "    scope.reuse_variables()\n"
                         "    b = encoder(x2)\n"
                         "d = a - b\n")

_OWN_INPUT = ("import keras\n"
              "def subnet(shape):\n"
              "    x = keras.Input(shape=shape)\n"
              "    return keras.layers.Dense(4)(x)\n"
              "left = subnet((8,))\n"
              "right = subnet((8,))\n"
              "both = keras.layers.Concatenate()([left, right])\n")


def _own_input_fixed() -> str:
    from ..helpers import HELPER_MARKER, HELPERS

    return ("import keras\n\n\n"
            f"{HELPER_MARKER} tflearn_graph_inputs\n{HELPERS['tflearn_graph_inputs'].code}\n\n"
            "def subnet(shape):\n"
            "    x = keras.Input(shape=shape)\n"
            "    return keras.layers.Dense(4)(x)\n"
            "encoder_output = subnet((8,))\n"
            "encoder = keras.Model(tflearn_graph_inputs(encoder_output), encoder_output, name='encoder')\n"
            "left = encoder(keras.Input(shape=encoder.input.shape[1:]))\n"
            "right = encoder(keras.Input(shape=encoder.input.shape[1:]))\n"
            "both = keras.layers.Concatenate()([left, right])\n")


_OWN_INPUT_FIXED = _own_input_fixed()


_BR_HEAD = ("import tensorflow as tf\n\n"
            "def weight(shape):\n"
            "    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n\n"
            "def bias(shape):\n"
            "    return tf.Variable(tf.constant(0.1, shape=shape))\n\n"
            "x1 = tf.placeholder(tf.float32, [None, 16])\n"
            "x2 = tf.placeholder(tf.float32, [None, 16])\n")
# two written-out branches, one parameter dict per branch and layer, meeting in a distance
_BRANCHES = (_BR_HEAD
             + "p1 = {'w': weight([16, 8]), 'b': bias([8])}\n"
               "p2 = {'w': weight([16, 8]), 'b': bias([8])}\n"
               "with tf.name_scope('left'):\n"
               "    h1 = tf.nn.relu(tf.matmul(x1, p1['w']) + p1['b'])\n"
               "with tf.name_scope('right'):\n"
               "    h2 = tf.nn.relu(tf.matmul(x2, p2['w'])\n"
               "                    + p2['b'])\n"
               "d = tf.reduce_sum(tf.square(h1 - h2), 1)\n")
# the TF tutorial spelling: one name per variable, a longer chain, written in a function
_BRANCHES_FN = ("import tensorflow as tf\n\n"
                "def weight(shape):\n"
                "    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))\n\n"
                "def build():\n"
                "    left = tf.placeholder(tf.float32, [None, 8, 8, 1], name='left')\n"
                "    right = tf.placeholder(tf.float32, [None, 8, 8, 1], name='right')\n"
                "    k_left = weight([3, 3, 1, 4])\n"
                "    k_right = weight([3, 3, 1, 4])\n"
                "    f_left = weight([144, 5])\n"
                "    f_right = weight([144, 5])\n"
                "    c_left = tf.nn.conv2d(left, k_left, strides=[1, 1, 1, 1], padding='VALID', name='c_left')\n"
                "    c_right = tf.nn.conv2d(right, k_right, strides=[1, 1, 1, 1], padding='VALID', name='c_right')\n"
                "    e_left = tf.matmul(tf.reshape(c_left, [-1, 144]), f_left)\n"
                "    e_right = tf.matmul(tf.reshape(c_right, [-1, 144]), f_right)\n"
                "    return tf.concat([e_left, e_right], 1)\n")



class UnsharedTowers(Rule):
    ID = "TFM201"
    NAME = "unshared-towers"
    MESSAGE = "Siamese towers do not share weights: the tower builder creates new weights at every call"
    RATIONALE = ("A Siamese network compares two inputs through the SAME encoder. A builder "
                 "function that creates its layers (tflearn layers, tf.layers, Keras layers, "
                 "tf.get_variable) at every call, called once per input without reuse, builds two "
                 "unrelated encoders: nothing ties the left embedding of an image to its right "
                 "embedding, and the embeddings collapse or do not generalise (seed 004). FIX: the "
                 "builder is called ONCE on a fresh keras.Input to make one encoder keras.Model, "
                 "which is applied to every input (keras.io siamese_contrastive). With --no-fixes "
                 "the two towers are kept, faithfully, and reported. Branches written OUT twice, "
                 "statement by statement (the same layer statements on two placeholders of one "
                 "shape, each branch reading its own tf.Variable s, the ends meeting in one "
                 "distance / loss expression), are reported in both modes and kept as written: "
                 "there is no builder to make one encoder from.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.SAFE
    APPLICABILITY_REASON = ('the towers of one Siamese network must be one function; two '
                            'independently initialised towers are a structural bug visible in the '
                            'code (the program compares embeddings from two different encoders). '
                            'The cure shares one encoder; no data or hyperparameter changes.')
    SEVERITY = Severity.WARNING
    ORDER = 150  # after the tower call's arguments are translated
    REQUIRES = ("TFM101", "TFM104", "TFM131")  # the examples' layers

    def _stored(self) -> dict[int, str]:
        """Faithful mode, partly shared towers: id(layer call) -> TF1 name, for the layers TF1
        shares (named, created by get_variable under reuse) - taken from a name-keyed store."""
        st = self.__dict__.get("_store")
        if st is None:
            st = self.__dict__["_store"] = {}
            if not self.fixes_enabled:
                from ..analysis.sharing import Sharing

                sh = self.ctx.analysis(Sharing)
                for sg in self.ctx.analysis(Towers).sharing_group.values():
                    st.update(sh.stored_layers(sg, self._handled()) or {})
        return st

    def _handled(self) -> frozenset:
        """get_variable calls whose hand-made layer TFM135 takes from the TF1-name store."""
        if not self.ctx.rule_active("TFM135"):
            return frozenset()
        from ..analysis.handmade_layers import HandmadeLayersAnalysis

        return self.ctx.analysis(HandmadeLayersAnalysis).stored_variable_calls()

    def _store_layer(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``keras.layers.X(...)(x)`` -> ``tf1_layer('scope/name', lambda: keras.layers.X(...))(x)``."""
        name = self._stored().get(id(original))
        if name is None or not isinstance(updated.func, cst.Call):  # keras.layers.X(...)(x) / a helper layer
            return updated
        self.ctx.use_helper("tf1_layer")
        self.ctx.count(self)
        make = cst.Lambda(params=cst.Parameters(), body=updated.func)
        return updated.with_changes(func=cst.Call(func=cst.Name("tf1_layer"),
                                                  args=[cst.Arg(cst.SimpleString(repr(name))), cst.Arg(make)]))

    def visit_Module(self, node: cst.Module) -> None:
        """Branches written OUT twice, statement by statement, each reading its own tf.Variable
        weights (Jerry1014/ObjectTracking): reported in both modes, never rewritten (there is no
        builder to make one encoder from)."""
        for p in self.ctx.analysis(WrittenBranches).pairs:
            msg = (f"Siamese branches written out twice ({p.inputs[0]} -> {p.ends[0]}, {p.inputs[1]} -> "
                   f"{p.ends[1]}: {p.length} statement(s) each, the same ops and shapes) read their own "
                   f"tf.Variable weights ({p.variables} per branch): the towers share nothing")
            if self.fixes_enabled:
                self.report(p.first, f"{msg}; not fixed: the branches are written out statement by "
                                     f"statement (no builder to make one encoder from)")
            else:
                self.report(p.first, f"{msg}; the towers are kept as written")

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        self._loop_tower(original)
        if not isinstance(updated, cst.Call):
            return updated
        if id(original) in self._stored():
            return self._store_layer(original, updated)
        towers: Towers = self.ctx.analysis(Towers)
        hit = towers.by_call.get(id(original))
        copy = towers.copies().get(id(original)) if hit is None else None
        if copy is not None:
            return self._copy_tower(copy, original, updated)
        if hit is None:
            for k, cs in enumerate(towers.own_input):
                if any(original is c for c in cs):
                    return self._own_input_tower(towers, k, cs, original, updated)
            return updated
        g, i = hit
        calls = towers.groups[g]
        fn = calls[0].function
        inputs = ", ".join(code(c.input).strip() for c in calls)
        problem = towers.problem.get(g)
        sg = towers.sharing_group.get(g)
        if i == 0:
            msg = _verdict_message(fn, calls, inputs, sg)
            if problem:
                self.report(original, f"{msg}; not fixed: {problem}")
            elif not self.fixes_enabled:
                stored = self.ctx.analysis(Sharing).stored_layers(sg, self._handled()) if sg is not None else None
                if stored is not None:
                    self.report(original, f"{msg}; the towers are kept as written: the layers TF1 shares come "
                                          f"from a store keyed by their TF1 name (tf1_layer), the rest are "
                                          f"per tower (the fix, one encoder, shares them all)")
                elif sg is not None and sg.verdict == "partial":
                    self.todo(original, f"{msg}; the towers are kept, so here NONE of their variables are "
                                        f"shared (the fix, one encoder, shares them all)")
                else:
                    self.report(original, f"{msg}; the towers are kept as written")
            else:
                self.report(original, f"{msg}: one shared encoder, `{towers.encoder[g]}`, is applied to every input",
                            fixed=True)
        if problem or not self.fixes_enabled:
            return updated
        enc = towers.encoder[g]
        if i == 0:
            # the shape comes from the input as written (a Name), not from what wraps it now
            first = calls[0].input
            sample = cst.Name(first.value) if isinstance(first, cst.Name) else (
                first.deep_clone() if isinstance(first, cst.Attribute) else updated.args[0].value)
            if not isinstance(sample, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)):
                sample = sample.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            fdef = sg.function if sg is not None else None
            method = fdef is not None and isinstance(self.ctx.parent(self.ctx.parent(fdef)), cst.ClassDef)
            keep = [fdef is None or not _is_reuse_arg(fdef, original, a, method) for a in original.args[1:]]
            extra = [a for a, k in zip(updated.args[1:], keep) if k]
            self.ctx.insert_before(original, encoder_statements(enc, updated.func, sample, extra))
            self.ctx.add_import("keras")
        return apply_encoder(enc, updated.args[0].value)

    def _copy_tower(self, copy, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """The second of two copied tower builders: reported; fixed by applying the FIRST tower
        as a model (``keras.Model(<its input>, <its output>)``) to the second input, when the
        first tower's input is the model input itself."""
        c1, c2, a, b, t1 = copy
        x1 = c1.args[0].value
        msg = (f"towers built by two copies of one builder, {a}() and {b}() (the same layers): TF1 "
               f"creates two sets of variables - the towers do not share weights")
        if not self.fixes_enabled:
            self.report(c1, f"{msg}; the towers are kept as written")
            return updated
        if not self._is_model_input(x1):
            self.report(c1, f"{msg}; not fixed: the first tower's input is not a model input")
            return updated
        self.report(c1, f"{msg}: the second input goes through the first tower, "
                        f"keras.Model({code(x1).strip()}, {t1})", fixed=True)
        self.ctx.add_import("keras")
        model = call("keras.Model", x1.deep_clone(), cst.parse_expression(t1))
        return cst.Call(func=model, args=[cst.Arg(updated.args[0].value)])

    def _is_model_input(self, x: cst.BaseExpression) -> bool:
        """``x`` / ``self.x`` bound once to an input (input_data, placeholder, keras.Input)."""
        want = code(x).strip()
        found = []
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Assign) and len(n.targets) == 1 and code(n.targets[0].target).strip() == want:
                found.append(n.value)
        return len(found) == 1 and isinstance(found[0], cst.Call) and bool(qnames(self.ctx, found[0]) & set(INPUT_CALLS))

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        if self.fixes_enabled and id(original) in self.ctx.analysis(Towers).strip:
            return cst.RemoveFromParent()
        return updated

    def _loop_tower(self, original: cst.Call) -> None:
        """Towers built by ONE call executed in a loop (``for x in (a, b): outs.append(f(x))``,
        ``[f(x) for x in (a, b)]``): reported at the call (its statement may be rewritten)."""
        sg = self.ctx.analysis(Towers).loop_first.get(id(original))
        if sg is not None:
            msg = _verdict_message(sg.name, None, f"{sg.executions} loop passes", sg)
            self.report(original, f"{msg}; not fixed: the towers are built by a loop")

    def _own_input_tower(self, towers: "Towers", k: int, cs: list[cst.Call], original: cst.Call,
                         updated: cst.Call) -> cst.BaseExpression:
        """Seed 004: ``left = build(shape)`` / ``right = build(shape)`` where the builder makes
        its own input. FIX: build it ONCE as an encoder model (its input found from its graph),
        and apply the encoder to a fresh keras.Input per tower."""
        fn = code(original.func).strip()
        first = original is cs[0]
        why = towers.own_problem.get(k)
        head = (f"{fn}() builds a new input and new weights at each of its {len(cs)} calls: "
                f"the towers share nothing (seed 004)")
        if why or not self.fixes_enabled:
            if first:
                self.report(original, f"{head}; not fixed: {why}" if why else head)
            return updated
        enc, out = towers.own_encoder[k]
        if first:
            self.report(original, f"{head}: one shared encoder, `{enc}`, is built once and applied to "
                                  f"a fresh keras.Input per tower", fixed=True)
            helper = self.ctx.use_helper("tflearn_graph_inputs")
            self.ctx.insert_before(original, [
                cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(out))], updated)]),
                stmt("{e} = keras.Model({h}({o}), {o}, name={q})", e=cst.Name(enc), h=cst.Name(helper),
                     o=cst.Name(out), q=to_node(enc)),
            ])
            self.ctx.add_import("keras")
        return cst.parse_expression(f"{enc}(keras.Input(shape={enc}.input.shape[1:]))")

    VALID = [
        # two networks whose outputs never meet (a DQN's online and target networks)
        "import keras\n"
        "def net(x):\n    return keras.layers.Dense(4)(x)\n"
        "q = net(s)\nq_target = net(s_next)\n",
        "import keras\n"
        "encoder = keras.Sequential([keras.layers.Dense(4)])\n"
        "a = encoder(x1)\nb = encoder(x2)\n",
        "import keras\n"
        "def tower(x):\n    return keras.layers.Dense(4)(x)\n"
        "a = tower(x1)\n",
        # one builder applied to its own output (a stack of blocks), not two towers side by side
        "import keras\n"
        "def block(x):\n    return keras.layers.Dense(4)(x)\n"
        "y = block(block(x1)) - x1\n",
        # one side only goes through a further step (a target network's ``0.9 * max``): no parallel
        # steps, no comparison of towers
        "import keras\n"
        "def tower(x):\n    return keras.layers.Dense(4)(x)\n"
        "x1 = keras.Input(shape=(16,))\nx2 = keras.Input(shape=(16,))\n"
        "a = tower(x1)\nb = tower(x2)\n"
        "t = 0.9 * keras.ops.max(b, axis=1)\n"
        "d = a - t\n",
    ]
    INVALID = [
        # the towers called inside the comparison itself (no names for their outputs): reported,
        # and with fixes the encoder replaces both calls where they stand
        Case("import keras\n"
             "def tower(x):\n"
             "    return keras.layers.Dense(4)(x)\n"
             "x1 = keras.Input(shape=(16,))\n"
             "x2 = keras.Input(shape=(16,))\n"
             "d = keras.ops.sum(keras.ops.square(tower(x1) - tower(x2)), axis=1)\n",
             "import keras\n"
             "def tower(x):\n"
             "    return keras.layers.Dense(4)(x)\n"
             "x1 = keras.Input(shape=(16,))\n"
             "x2 = keras.Input(shape=(16,))\n"
             "encoder_input = keras.Input(shape=x1.shape[1:])\n"
             "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
             "d = keras.ops.sum(keras.ops.square(encoder(x1) - encoder(x2)), axis=1)\n",
             ("TFM201",)),
        Case("import keras\n"
             "def tower(x):\n"
             "    return keras.layers.Dense(4)(x)\n"
             "def dist(a, b):\n"
             "    return keras.ops.sum(keras.ops.square(a - b), axis=1)\n"
             "x1 = keras.Input(shape=(16,))\n"
             "x2 = keras.Input(shape=(16,))\n"
             "d = dist(tower(x1), tower(x2))\n",
             None, ("TFM201",), fixes=False),
        # towers built by two copies of one builder (IvanArkhipov1999): the second input goes through the first tower
        Case('import tflearn\n\nclass Siamese:\n    def __init__(self):\n        self.x1 = tflearn.input_data([None, 4])\n        self.x2 = tflearn.input_data([None, 4])\n        self.o1 = self.net1(self.x1)\n        self.o2 = self.net2(self.x2)\n        self.d = self.o1 - self.o2\n\n    def net1(self, x):\n        return tflearn.fully_connected(x, 2)\n\n    def net2(self, x):\n        return tflearn.fully_connected(x, 2)\n',
             'import keras\n\nclass Siamese:\n    def __init__(self):\n        self.x1 = keras.Input(shape=(4,))\n        self.x2 = keras.Input(shape=(4,))\n        self.o1 = self.net1(self.x1)\n        self.o2 = keras.Model(self.x1, self.o1)(self.x2)\n        self.d = self.o1 - self.o2\n\n    def net1(self, x):\n        return keras.layers.Dense(\n            2,\n            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n        )(keras.layers.Flatten()(x))\n\n    def net2(self, x):\n        return keras.layers.Dense(\n            2,\n            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n        )(keras.layers.Flatten()(x))\n',
             diagnostics=("TFM201",), fixes=True),
        Case("import keras\n"
             "def tower(x):\n"
             "    x = keras.layers.Dense(8, activation='relu')(x)\n"
             "    return keras.layers.Dense(4)(x)\n"
             "x1 = keras.Input(shape=(16,))\n"
             "x2 = keras.Input(shape=(16,))\n"
             "a = tower(x1)\n"
             "b = tower(x2)\n"
             "d = keras.ops.abs(a - b)\n",
             "import keras\n"
             "def tower(x):\n"
             "    x = keras.layers.Dense(8, activation='relu')(x)\n"
             "    return keras.layers.Dense(4)(x)\n"
             "x1 = keras.Input(shape=(16,))\n"
             "x2 = keras.Input(shape=(16,))\n"
             "encoder_input = keras.Input(shape=x1.shape[1:])\n"
             "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
             "a = encoder(x1)\n"
             "b = encoder(x2)\n"
             "d = keras.ops.abs(a - b)\n",
             ("TFM201",)),
        Case("import keras\n"
             "def tower(x):\n"
             "    x = keras.layers.Dense(8, activation='relu')(x)\n"
             "    return keras.layers.Dense(4)(x)\n"
             "x1 = keras.Input(shape=(16,))\n"
             "x2 = keras.Input(shape=(16,))\n"
             "a = tower(x1)\n"
             "b = tower(x2)\n"
             "d = keras.ops.abs(a - b)\n",
             None, ("TFM201",), fixes=False),
        # tf.Variable weights: reuse_variables() does not share them (TF1 semantics), so the towers
        # are reported - and kept with --no-fixes
        Case(_VARIABLE_REUSE, _VARIABLE_REUSE_FIXED, ("TFM201",), todo=True),
        Case(_VARIABLE_REUSE, None, ("TFM201",), fixes=False, todo=True),
        # towers as methods, outputs kept on self
        Case("import keras\n\nclass Net:\n"
             "    def __init__(self, x1, x2):\n"
             "        self.a = self.tower(x1)\n"
             "        self.b = self.tower(x2)\n"
             "        self.d = self.a - self.b\n\n"
             "    def tower(self, x):\n"
             "        return keras.layers.Dense(4)(x)\n",
             "import keras\n\nclass Net:\n"
             "    def __init__(self, x1, x2):\n"
             "        encoder_input = keras.Input(shape=x1.shape[1:])\n"
             "        encoder = keras.Model(encoder_input, self.tower(encoder_input), name='encoder')\n"
             "        self.a = encoder(x1)\n"
             "        self.b = encoder(x2)\n"
             "        self.d = self.a - self.b\n\n"
             "    def tower(self, x):\n"
             "        return keras.layers.Dense(4)(x)\n", ("TFM201",)),
        # reuse=True on unnamed tflearn layers: TF1 raises (no scope= to reuse); the fix shares
        Case("import tflearn\n"
             "in1 = tflearn.input_data(shape=[None, 3])\n"
             "in2 = tflearn.input_data(shape=[None, 3])\n"
             "def tower(x, reuse=False):\n"
             "    return tflearn.fully_connected(x, 4, reuse=reuse)\n"
             "a = tower(in1)\n"
             "b = tower(in2, reuse=True)\n"
             "d = a - b\n",
             "import keras\n\n"
             "in1 = keras.Input(shape=(3,))\n"
             "in2 = keras.Input(shape=(3,))\n"
             "def tower(x, reuse=False):\n"
             "    return keras.layers.Dense(\n"
             "        4,\n"
             "        kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
             "    )(keras.layers.Flatten()(x))\n"
             "encoder_input = keras.Input(shape=in1.shape[1:])\n"
             "encoder = keras.Model(encoder_input, tower(encoder_input), name='encoder')\n"
             "a = encoder(in1)\n"
             "b = encoder(in2)\n"
             "d = a - b\n", ("TFM201",)),
        # the outputs meet after PARALLEL per-side steps (THTBSE: each side's own projection):
        # reported, not fixed (one encoder for the builder would leave those steps unshared)
        Case("import keras\n"
             "def tower(x):\n    return keras.layers.Dense(4)(x)\n"
             "x1 = keras.Input(shape=(16,))\nx2 = keras.Input(shape=(16,))\n"
             "a = tower(x1)\nb = tower(x2)\n"
             "pa = keras.layers.Dense(2)(a)\npb = keras.layers.Dense(2)(b)\n"
             "d = pa - pb\n",
             None, ("TFM201",)),
        Case(_OWN_INPUT, _OWN_INPUT_FIXED, ("TFM201",)),
        Case(_OWN_INPUT, None, ("TFM201",), fixes=False),
        Case("import keras\n"
             "def tower(x, n):\n"
             "    return keras.layers.Dense(n)(x)\n"
             "a = tower(x1, 4)\n"
             "b = tower(x2, 8)\n"
             "d = a - b\n",
             None, ("TFM201",)),
    ]
    INVALID = [*INVALID,
               # PARTLY shared (a fresh Dense per tower, a named tf.layers BN shared under reuse):
               # faithful keeps two towers and takes the shared layer from a store keyed by its TF1 name
               Case("import keras\nimport tensorflow as tf\n\ndef tower(x):\n    h = keras.layers.Dense(8)(x)\n    return tf.layers.batch_normalization(h, name='bn')\n\nx1 = keras.Input(shape=(4,))\nx2 = keras.Input(shape=(4,))\nwith tf.variable_scope('net') as scope:\n    a = tower(x1)\n    scope.reuse_variables()\n    b = tower(x2)\nd = keras.ops.sum(keras.ops.square(a - b), axis=1)\n",
                    'import keras\nimport tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n\n# tflearn-migrate helper: FixedModeBatchNormalization\nclass FixedModeBatchNormalization(keras.layers.BatchNormalization):\n    # TF1 batch_normalization(training=<a constant>): always in that mode. A functional Keras\n    # model passes its own training flag to every layer call, overriding training=False written\n    # at the call; TF1 kept using the moving statistics (and trained gamma/beta) instead\n\n    def __init__(self, training=False, **kwargs):\n        super().__init__(**kwargs)\n        self.fixed_training = training\n\n    def call(self, inputs, training=None, mask=None):\n        return super().call(inputs, training=self.fixed_training, mask=mask)\n\n    def get_config(self):\n        return {**super().get_config(), "training": self.fixed_training}\n\n\n# tflearn-migrate helper: tf1_layer\nTF1_LAYERS = {}\n\n\ndef tf1_layer(name, make):\n    # TF1\'s variable store: the layer whose variables get_variable created under `name` is made\n    # once; a later call under reuse (another tower) gets the same layer, so the same weights.\n    # A new graph (tf.reset_default_graph -> keras.backend.clear_session, which restarts Keras\'\n    # uid counters) starts an empty store, as TF1\'s\n    if keras.backend.get_uid("tf1_layer") == 1:\n        TF1_LAYERS.clear()\n    if name not in TF1_LAYERS:\n        TF1_LAYERS[name] = make()\n    return TF1_LAYERS[name]\n\n\ndef tower(x):\n    h = keras.layers.Dense(8)(x)\n    return tf1_layer(\'net/bn\', lambda: FixedModeBatchNormalization(training=False))(h)\n\nx1 = keras.Input(shape=(4,))\nx2 = keras.Input(shape=(4,))\nwith tf.variable_scope(\'net\') as scope:\n    a = tower(x1)\n    scope.reuse_variables()\n    b = tower(x2)\nd = keras.ops.sum(keras.ops.square(a - b), axis=1)\n',
                    ("TFM201",), fixes=False, todo=True),
               Case("import keras\nimport tensorflow as tf\n\ndef tower(x):\n    h = keras.layers.Dense(8)(x)\n    return tf.layers.batch_normalization(h, name='bn')\n\nx1 = keras.Input(shape=(4,))\nx2 = keras.Input(shape=(4,))\nwith tf.variable_scope('net') as scope:\n    a = tower(x1)\n    scope.reuse_variables()\n    b = tower(x2)\nd = keras.ops.sum(keras.ops.square(a - b), axis=1)\n",
                    'import keras\nimport tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n\n# tflearn-migrate helper: FixedModeBatchNormalization\nclass FixedModeBatchNormalization(keras.layers.BatchNormalization):\n    # TF1 batch_normalization(training=<a constant>): always in that mode. A functional Keras\n    # model passes its own training flag to every layer call, overriding training=False written\n    # at the call; TF1 kept using the moving statistics (and trained gamma/beta) instead\n\n    def __init__(self, training=False, **kwargs):\n        super().__init__(**kwargs)\n        self.fixed_training = training\n\n    def call(self, inputs, training=None, mask=None):\n        return super().call(inputs, training=self.fixed_training, mask=mask)\n\n    def get_config(self):\n        return {**super().get_config(), "training": self.fixed_training}\n\n\ndef tower(x):\n    h = keras.layers.Dense(8)(x)\n    return FixedModeBatchNormalization(training=False)(h)\n\nx1 = keras.Input(shape=(4,))\nx2 = keras.Input(shape=(4,))\nwith tf.variable_scope(\'net\') as scope:\n    encoder_input = keras.Input(shape=x1.shape[1:])\n    encoder = keras.Model(encoder_input, tower(encoder_input), name=\'encoder\')\n    a = encoder(x1)\n    scope.reuse_variables()\n    b = encoder(x2)\nd = keras.ops.sum(keras.ops.square(a - b), axis=1)\n',
                    ("TFM201",), todo=True),
               # branches written OUT twice, each reading its own tf.Variable dicts (Jerry1014/ObjectTracking):
               # reported in both modes, never rewritten (no builder to make one encoder from)
               Case(_BRANCHES, None, ("TFM201",), todo=True),
               Case(_BRANCHES, None, ("TFM201",), fixes=False, todo=True),
               Case(_BRANCHES_FN, None, ("TFM201",), fixes=False, todo=True)]
    VALID = [*VALID,
               # two branches with different layer sizes
               _BR_HEAD + "w1 = weight([16, 8])\nw2 = weight([16, 4])\n"
                          "h1 = tf.matmul(x1, w1)\nh2 = tf.matmul(x2, w2)\nd = tf.concat([h1, h2], 1)\n",
               # ONE tower (the same variable) applied to two inputs: TF1 shares
               _BR_HEAD + "w = weight([16, 8])\n"
                          "h1 = tf.matmul(x1, w)\nh2 = tf.matmul(x2, w)\nd = h1 - h2\n",
               # a classifier with two unrelated heads on one input
               _BR_HEAD + "w = weight([16, 8])\nwa = weight([8, 3])\nwb = weight([8, 3])\n"
                          "h = tf.nn.relu(tf.matmul(x1, w))\n"
                          "head_a = tf.matmul(h, wa)\nhead_b = tf.matmul(h, wb)\nboth = head_a + head_b\n",
               # two branches whose outputs never meet (two separate models)
               _BR_HEAD + "w1 = weight([16, 8])\nw2 = weight([16, 8])\n"
                          "h1 = tf.matmul(x1, w1)\nh2 = tf.matmul(x2, w2)\n",
               # different ops (relu / sigmoid) in the two branches
               _BR_HEAD + "w1 = weight([16, 8])\nw2 = weight([16, 8])\n"
                          "h1 = tf.nn.relu(tf.matmul(x1, w1))\nh2 = tf.nn.sigmoid(tf.matmul(x2, w2))\nd = h1 - h2\n",
               # partly shared: the second layer reads ONE variable in both branches (strict: not reported)
               _BR_HEAD + "w1 = weight([16, 8])\nw2 = weight([16, 8])\nv = weight([8, 4])\n"
                          "h1 = tf.matmul(tf.matmul(x1, w1), v)\nh2 = tf.matmul(tf.matmul(x2, w2), v)\nd = h1 - h2\n"]
