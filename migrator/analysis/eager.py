"""tf.contrib.eager programs: variables, implicit gradients, steps (TFM163's analysis)."""
from __future__ import annotations
import libcst as cst
from .. import cstcache
from ..args import BoundArgs, Unbindable
from ..emit import literal
from ..names import dotted


EAGER = "tensorflow.contrib.eager"

# tfe.Variable (a ResourceVariable): initial_value, trainable=True, ..., name=None, dtype=None, ...
_VARIABLE_SIG = ("initial_value=None, trainable=True, collections=None, validate_shape=True, "
                 "caching_device=None, name=None, dtype=None, constraint=None")
_FILLS = {"tensorflow.zeros": "keras.ops.zeros", "tensorflow.ones": "keras.ops.ones"}


def _float32_value(node) -> bool:
    """TF converted a Python float (or np.random.randn() without a shape) to float32."""
    v = literal(node, None)
    if isinstance(v, float):
        return True
    if isinstance(node, cst.Call) and not node.args:
        d = dotted(node.func) or ""
        return d in ("np.random.randn", "numpy.random.randn", "np.random.rand", "numpy.random.rand",
                     "np.random.random", "numpy.random.random")
    return False


def variable_why(ctx, original: cst.Call) -> str | None:
    """Why this ``tfe.Variable(...)`` (an original call) is not translated; None when it is."""
    try:
        b = BoundArgs(original, _VARIABLE_SIG)
    except Unbindable as ex:
        return str(ex)
    for n in ("collections", "caching_device", "constraint"):
        if b.given(n) and literal(b.node(n), 0) is not None:
            return f"{n}= has no keras.Variable equivalent"
    if b.given("validate_shape") and literal(b.node("validate_shape"), None) is not True:
        return "validate_shape= other than True"
    if not b.given("initial_value"):
        return "no initial value"
    if b.given("dtype") and not isinstance(literal(b.node("dtype"), None), str):
        return "dtype= other than a string is not translated"
    iv = b.node("initial_value")
    if isinstance(iv, cst.Call) and ctx.legacy_name(iv.func) in _FILLS:
        try:
            fb = BoundArgs(iv, "shape, dtype=None, name=None")
        except Unbindable as ex:
            return str(ex)
        if fb.given("dtype"):
            return "tf.zeros/ones with a dtype= is not translated"
        return None
    if not b.given("dtype") and not _float32_value(iv):
        return ("the initial value's dtype is not known statically (TF kept a float64 array's dtype, "
                "keras.Variable casts it to floatx); write dtype= to translate")
    return None


class Eager:
    """One walk over the module: the ``tfe`` aliases (``tfe = tf.contrib.eager`` at module level),
    module-level ``tfe.Variable`` / ``tfe.Network`` instances (what implicit_gradients can watch),
    and the ``grad = tfe.implicit_gradients(f)`` names whose every read is
    ``opt.apply_gradients(grad(...))`` as a statement."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.aliases: dict[str, cst.Assign] = {}
        module = ctx.module
        for st in module.body:
            if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign):
                a = st.body[0]
                if (len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)
                        and ctx.legacy_name(a.value) == EAGER):
                    self.aliases[a.targets[0].target.value] = a
        self.names: dict[str, list[cst.Name]] = {}
        for n in cstcache.walk(module):
            if isinstance(n, cst.Name):
                self.names.setdefault(n.value, []).append(n)
        # module-level bindings, in order: name -> (index of the statement, value)
        self.bindings: dict[str, list[tuple[int, cst.BaseExpression]]] = {}
        for i, st in enumerate(module.body):
            if isinstance(st, cst.SimpleStatementLine):
                for small in st.body:
                    if isinstance(small, cst.Assign):
                        for t in small.targets:
                            if isinstance(t.target, cst.Name):
                                self.bindings.setdefault(t.target.value, []).append((i, small.value))
            elif isinstance(st, (cst.ClassDef, cst.FunctionDef)):
                self.bindings.setdefault(st.name.value, []).append((i, st))
        self.networks = {st.name.value for st in module.body if isinstance(st, cst.ClassDef)
                         and any(self.qname(b.value) == f"{EAGER}.Network" for b in st.bases)}
        self.tracked: list[tuple[int, str]] = []  # (statement index, name)
        self.unsure = False  # state implicit_gradients would watch that a static list may miss
        for name, bs in self.bindings.items():
            stateful = [v for _, v in bs if isinstance(v, cst.Call) and self._stateful(v)]
            if not stateful:
                continue
            if len(bs) != 1:
                self.unsure = True  # rebound: which object the loss reads is not known statically
                continue
            i, v = bs[0]
            if (self.qname(v.func) or "").endswith("Variable"):
                try:
                    b = BoundArgs(v, _VARIABLE_SIG)
                except Unbindable:
                    self.unsure = True
                    continue
                if literal(b.node("trainable"), None) is False:
                    continue
            self.tracked.append((i, name))
        # variables / layers made anywhere but a module-level binding (in a function, a list)
        for n in cstcache.walk(module):
            if isinstance(n, cst.Call) and self._stateful(n):
                p = ctx.parent(n)
                if not (isinstance(p, cst.Assign) and any(p is st.body[0] for st in module.body
                                                          if isinstance(st, cst.SimpleStatementLine))):
                    if not self._in_network_class(n):
                        self.unsure = True
        self.tracked.sort()
        # grad names: binding index, and the apply_gradients calls (original nodes) they drive
        self.grads: dict[str, int] = {}
        self.steps: dict[int, str] = {}  # id(apply_gradients call) -> grad name
        for name, bs in self.bindings.items():
            if len(bs) != 1 or not isinstance(bs[0][1], cst.Call):
                continue
            i, v = bs[0]
            if self.qname(v.func) != f"{EAGER}.implicit_gradients" or len(v.args) != 1 or v.args[0].keyword:
                continue
            steps = self._steps_of(name, v)
            if steps is not None and self.tracked_before(i) and not self.unsure:
                self.grads[name] = i
                for s in steps:
                    self.steps[id(s)] = name

    def _stateful(self, c: cst.Call) -> bool:
        """A call making trainable state: a tfe / tf Variable, a tf.layers or Keras layer object,
        an instance of a tfe.Network class of the file."""
        if isinstance(c.func, cst.Name) and c.func.value in self.networks:
            return True
        q = self.qname(c.func) or ""
        if q in (f"{EAGER}.Variable", "tensorflow.Variable", "tensorflow.compat.v1.Variable"):
            return True
        head, _, last = q.rpartition(".")
        return head in ("tensorflow.layers", "tensorflow.keras.layers") and last[:1].isupper()

    def _in_network_class(self, node) -> bool:
        n = self.ctx.parent(node)
        while n is not None and not isinstance(n, cst.ClassDef):
            n = self.ctx.parent(n)
        return n is not None and n.name.value in self.networks

    def qname(self, node) -> str | None:
        """The legacy name of an original node, through a ``tfe`` alias too."""
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in self.aliases:
            return f"{EAGER}.{node.attr.value}"
        return self.ctx.legacy_name(node)

    def tracked_before(self, index: int) -> list[str]:
        return [n for i, n in self.tracked if i < index]

    def _steps_of(self, name: str, binder: cst.Call) -> list[cst.Call] | None:
        steps = []
        for n in self.names.get(name, ()):
            p = self.ctx.parent(n)
            if isinstance(p, cst.AssignTarget):
                continue  # the binding itself
            if not (isinstance(p, cst.Call) and p.func is n):
                return None
            arg = self.ctx.parent(self.ctx.parent(p))  # Arg -> apply_gradients call
            outer = self.ctx.parent(p)
            if not (isinstance(outer, cst.Arg) and outer.keyword is None and not outer.star
                    and isinstance(arg, cst.Call) and len(arg.args) == 1
                    and isinstance(arg.func, cst.Attribute) and arg.func.attr.value == "apply_gradients"
                    and isinstance(self.ctx.parent(arg), cst.Expr)):
                return None
            if any(a.star for a in p.args):
                return None
            steps.append(arg)
        return steps or None

    def _grad_binding(self, c: cst.Call) -> bool:
        p = self.ctx.parent(c)
        return (isinstance(p, cst.Assign) and len(p.targets) == 1 and isinstance(p.targets[0].target, cst.Name)
                and p.targets[0].target.value in self.grads)

    def alias_only_translated(self, alias: str) -> bool:
        for n in self.names.get(alias, ()):
            p = self.ctx.parent(n)
            if isinstance(p, cst.AssignTarget):
                continue
            if not (isinstance(p, cst.Attribute) and p.value is n):
                return False
            c = self.ctx.parent(p)
            attr = p.attr.value
            if attr == "Network" and isinstance(c, cst.Arg) and isinstance(self.ctx.parent(c), cst.ClassDef):
                continue
            if not (isinstance(c, cst.Call) and c.func is p):
                return False
            if attr == "Variable" and variable_why(self.ctx, c) is None:
                continue
            if attr == "implicit_gradients" and self._grad_binding(c):
                continue
            if attr == "Iterator" and self.ctx.switches.eager_datasets:
                from ..analysis.eager_datasets import EagerDatasets

                if self.ctx.analysis(EagerDatasets).iterator_ok(c):
                    continue
            return False
        return True
