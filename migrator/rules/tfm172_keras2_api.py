"""TFM172: Keras 2 API names -> Keras 3 (lr=, Model(input=, output=), fit_generator ...)."""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk
from ..diagnostics import Severity
from ..helpers import register_source
from ..translate.keras_paths import keras3_module
from .base import Case, Rule

register_source("tf1_programs", "keras3_batches")
register_source("tf1_programs", "Keras2Loss")
register_source("tf1_programs", "Keras2BatchNormalization")

_GENERATOR_METHODS = {"fit_generator": "fit", "predict_generator": "predict", "evaluate_generator": "evaluate"}
_DROPPED_FIT_ARGS = ("workers", "use_multiprocessing", "max_queue_size")
# tf.keras only: ``keras.losses.Loss`` is also Keras 3's own name (a Keras 3 program's subclass
# must stay as it is)
_LOSS_BASES = {"tensorflow.keras.losses.Loss"}
_INPUTS = {"keras.Input", "keras.layers.Input", "tensorflow.keras.Input", "tensorflow.keras.layers.Input"}
_SEQUENTIAL = {"keras.Sequential", "keras.models.Sequential", "tensorflow.keras.Sequential",
               "tensorflow.keras.models.Sequential"}
_SHAPE_ATTRS = ("shape", "output_shape", "input_shape")
_BATCH_NORMS = {"tensorflow.keras.layers.BatchNormalization"}


def _freezes(module: cst.Module) -> bool:
    """The file makes a layer or model non-trainable: ``x.trainable = False`` or a
    ``trainable=False`` argument."""
    for n in walk(module):
        if isinstance(n, cst.Assign) and isinstance(n.value, cst.Name) and n.value.value == "False" and any(
                isinstance(t.target, cst.Attribute) and t.target.attr.value == "trainable" for t in n.targets):
            return True
        if isinstance(n, cst.Arg) and n.keyword is not None and n.keyword.value == "trainable" \
                and isinstance(n.value, cst.Name) and n.value.value == "False":
            return True
    return False


def _scope_of(ctx, node) -> cst.CSTNode:
    p = ctx.parent(node)
    while p is not None and not isinstance(p, (cst.FunctionDef, cst.Module)):
        p = ctx.parent(p)
    return p if p is not None else ctx.module


def _assigned_values(scope: cst.CSTNode, name: str) -> list[cst.BaseExpression] | None:
    """Every value ``name`` is bound to by ``name = value`` in ``scope`` (not in nested functions
    or classes); None when another statement binds it (a loop target, an augmented assignment,
    a parameter, a tuple target ...)."""
    values: list[cst.BaseExpression] = []
    other = False

    class V(cst.CSTVisitor):
        def visit_FunctionDef(self, n):
            if n is scope:
                nonlocal other
                other = other or any(p.name.value == name for p in n.params.params + n.params.kwonly_params
                                     + n.params.posonly_params)
                return True
            return False

        def visit_ClassDef(self, n):
            return False

        def visit_Assign(self, n):
            nonlocal other
            for t in n.targets:
                if isinstance(t.target, cst.Name) and t.target.value == name:
                    values.append(n.value)
                elif name in {x.value for x in _names_in(t.target)}:
                    other = True

        def visit_AugAssign(self, n):
            nonlocal other
            other = other or (isinstance(n.target, cst.Name) and n.target.value == name)

        def visit_For(self, n):
            nonlocal other
            other = other or name in {x.value for x in _names_in(n.target)}

    scope.visit(V())
    return None if other else values


def _names_in(target) -> list[cst.Name]:
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _names_in(e.value)]
    if isinstance(target, cst.StarredElement):
        return _names_in(target.value)
    return []


def _int_valued(e: cst.BaseExpression) -> bool:
    """An expression that is a Python int whatever the data: an integer literal, ``int(...)`` /
    ``len(...)``, ``X.shape[k]`` / ``X.output_shape[k]`` (a constant index: one dimension), or
    + - * // of such."""
    if isinstance(e, cst.Integer):
        return True
    if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value in ("int", "len"):
        return True
    if isinstance(e, cst.Subscript) and isinstance(e.value, cst.Attribute) and e.value.attr.value in _SHAPE_ATTRS:
        return (len(e.slice) == 1 and isinstance(e.slice[0].slice, cst.Index)
                and isinstance(e.slice[0].slice.value, (cst.Integer, cst.UnaryOperation)))
    if isinstance(e, cst.BinaryOperation) and isinstance(e.operator, (cst.Add, cst.Subtract, cst.Multiply,
                                                                       cst.FloorDivide)):
        return _int_valued(e.left) and _int_valued(e.right)
    return False


class Keras2Api(Rule):
    ID = "TFM172"
    TRIGGERS = ("keras", "_generator")  # keras names, or any x.fit_generator(...)
    NAME = "keras2-api"
    MESSAGE = "Keras 2 API -> Keras 3 (lr -> learning_rate, Model(input, output), fit_generator -> fit)"
    RATIONALE = ("Keras 3 removed the Keras 2 aliases: optimizers take learning_rate (lr= raises), "
                 "Model takes inputs=/outputs=, fit/predict/evaluate accept generators directly "
                 "(fit_generator & co. are gone, as are workers/use_multiprocessing/max_queue_size, "
                 "which only tuned the queue, not the computation); Keras 3 reads several inputs "
                 "from a generator only as a tuple, so the generator is wrapped in keras3_batches. An optimizer decay= (Keras 2's "
                 "1/(1 + decay * iterations) schedule) has no Keras 3 argument: TODO. Keras 3's Sequential "
                 "has no input / output (only inputs / outputs): seq.input -> seq.inputs[0] for a name bound to "
                 "Sequential(...) or to a file function returning one. Input(n) with an int n (a literal, or a "
                 "name bound to model.output_shape[1], len(...)) was Keras 2's (n,), Keras 3 raises: Input((n,)). "
                 "A tf.keras.losses.Loss subclass derives from the Keras2Loss helper: Keras 2's compiled loss "
                 "expanded a (batch,) label to (batch, 1) for a (batch, 1) output before calling it, Keras 3 "
                 "does not and an element-wise call broadcast to (batch, batch); a class whose objects are "
                 "also called directly (no expansion in Keras 2 there) is marked instead. In a file that "
                 "freezes layers (x.trainable = False, trainable=False), a tf.keras BatchNormalization -> the "
                 "Keras2BatchNormalization helper: Keras 2 in a TF1 graph normalised a training batch of a "
                 "frozen batch norm with the batch's moments (moving statistics not updated), Keras 3 uses "
                 "the moving statistics.")

    def _q(self, node) -> set[str]:
        try:
            return self.ctx.qualified(node)
        except Exception:
            return set()

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        q = self._q(original.func)
        # under its Keras 3 path (``from keras.engine import Model``: TFM170 writes keras.models)
        for mod, _, attr in [n.rpartition(".") for n in q]:
            new_mod = keras3_module(mod) if mod else None
            if new_mod:
                q = q | {f"{new_mod}.{attr}"}
        is_opt = any(n.startswith(("keras.optimizers.", "tensorflow.keras.optimizers.")) for n in q)
        is_model = bool(q & {"keras.Model", "keras.models.Model", "tensorflow.keras.Model",
                             "tensorflow.keras.models.Model"})
        args = list(updated.args)
        changed = False
        if is_opt:
            for i, a in enumerate(args):
                if a.keyword is not None and a.keyword.value == "lr":
                    args[i] = a.with_changes(keyword=cst.Name("learning_rate"))
                    changed = True
                if a.keyword is not None and a.keyword.value == "decay":
                    self.todo(original, "optimizer decay= (Keras 2 time-based decay) has no Keras 3 "
                              "argument: use a keras.optimizers.schedules.InverseTimeDecay")
                    return updated
        if is_model:
            for i, a in enumerate(args):
                if a.keyword is not None and a.keyword.value in ("input", "output"):
                    args[i] = a.with_changes(keyword=cst.Name(a.keyword.value + "s"))
                    changed = True
        if q & _BATCH_NORMS and self._frozen_file():
            code = cst.Module([]).code_for_node(updated.func)
            if code.endswith("BatchNormalization") and "FixedMode" not in code:  # not TFM169's
                self.ctx.use_helper("Keras2BatchNormalization")
                self.ctx.count(self)
                return updated.with_changes(func=cst.Name("Keras2BatchNormalization"), args=args)
        if q & _INPUTS:
            for i, a in enumerate(args):
                if (a.keyword is None and i == 0) or (a.keyword is not None and a.keyword.value == "shape"):
                    if self._int_shape(original, original.args[i].value):
                        args[i] = a.with_changes(value=cst.Tuple([cst.Element(a.value)]))
                        changed = True
                    break
        f = updated.func
        if isinstance(f, cst.Attribute) and f.attr.value in _GENERATOR_METHODS and not any(
                n.startswith(("keras.", "tensorflow.")) for n in q):
            kept = []
            for a in args:
                if a.keyword is not None and a.keyword.value in _DROPPED_FIT_ARGS:
                    self.report(original, f"{a.keyword.value}= dropped (Keras 3 fit has no such argument)",
                                severity=Severity.INFO)
                    continue
                kept.append(a)
            if kept:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                if kept[0].keyword is None:
                    self.ctx.use_helper("keras3_batches")
                    kept[0] = kept[0].with_changes(value=cst.Call(func=cst.Name("keras3_batches"),
                                                                  args=[cst.Arg(kept[0].value)]))
            args = kept
            f = f.with_changes(attr=cst.Name(_GENERATOR_METHODS[f.attr.value]))
            changed = True
        if not changed:
            return updated
        self.ctx.count(self)
        return updated.with_changes(func=f, args=args)

    def _frozen_file(self) -> bool:
        if not hasattr(self, "_frozen"):
            self._frozen = _freezes(self.ctx.module)
        return self._frozen

    def _int_shape(self, call: cst.Call, value: cst.BaseExpression) -> bool:
        """Keras 2's ``Input(n)`` took an int for ``(n,)``; Keras 3's raises (``Cannot convert
        'n' to a shape``). True for an int-valued shape: a literal, or a name whose every binding in
        the call's scope is one (``d = model.output_shape[1]``)."""
        if _int_valued(value):
            return True
        if isinstance(value, cst.Name):
            vals = _assigned_values(_scope_of(self.ctx, call), value.value)
            return bool(vals) and all(_int_valued(v) for v in vals)
        return False

    def _sequential_name(self, node: cst.CSTNode, name: str, depth: int = 0) -> bool:
        """``name`` is bound (in ``node``'s scope, every binding) to a Keras ``Sequential(...)``,
        or to a call of a module function whose every ``return`` is such a name of its own."""
        vals = _assigned_values(_scope_of(self.ctx, node), name)
        return bool(vals) and all(self._sequential_value(v, depth) for v in vals)

    def _sequential_value(self, v: cst.BaseExpression, depth: int) -> bool:
        if not isinstance(v, cst.Call):
            return False
        if self._q(v.func) & _SEQUENTIAL:
            return True
        if depth or not isinstance(v.func, cst.Name):
            return False
        fns = [s for s in self.ctx.module.body if isinstance(s, cst.FunctionDef) and s.name.value == v.func.value]
        if len(fns) != 1:
            return False
        rets: list[cst.Return] = []

        class R(cst.CSTVisitor):
            def visit_FunctionDef(self, n):
                return n is fns[0]

            def visit_ClassDef(self, n):
                return False

            def visit_Return(self, n):
                rets.append(n)

        fns[0].visit(R())
        return bool(rets) and all(isinstance(r.value, cst.Name) and self._sequential_name(r, r.value.value, depth + 1)
                                  for r in rets)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        # Keras 3's Sequential has inputs / outputs but no input / output (the Operation's
        # properties read call nodes a Sequential never has: AttributeError "never been called")
        if original.attr.value not in ("input", "output") or not isinstance(original.value, cst.Name):
            return updated
        parent = self.ctx.parent(original)
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign)) or (
                isinstance(parent, cst.Call) and parent.func is original):
            return updated
        if not self._sequential_name(original, original.value.value):
            return updated
        self.ctx.count(self)
        return cst.Subscript(value=updated.with_changes(attr=cst.Name(original.attr.value + "s")),
                             slice=[cst.SubscriptElement(cst.Index(cst.Integer("0")))])

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        # a Keras 2 Loss subclass: its compiled calls got (batch, 1) labels for a (batch,) array
        bases = list(updated.bases)
        hit = [i for i, b in enumerate(original.bases) if self._q(b.value) & _LOSS_BASES]
        if not hit:
            return updated
        direct = self._called_directly(original.name.value)
        if direct is not None:
            self.todo(original, "a Keras 2 Loss subclass whose objects are also called directly "
                      f"({direct}): Keras 2 expanded a (batch,) label to (batch, 1) only in the "
                      "compiled loss, Keras 3 never does; the compiled calls need Keras2Loss as the base")
            return updated
        self.ctx.use_helper("Keras2Loss")
        for i in hit:
            bases[i] = bases[i].with_changes(value=cst.Name("Keras2Loss"))
        self.ctx.count(self)
        return updated.with_changes(bases=bases)

    def _called_directly(self, cls: str) -> str | None:
        """The text of a call of an object of class ``cls`` (``Cls(...)(...)``, or ``o(...)``
        with ``o = Cls(...)`` anywhere in the file), or None."""
        bound: set[str] = set()
        calls: list[cst.Call] = []

        class V(cst.CSTVisitor):
            def visit_Assign(self, n):
                if isinstance(n.value, cst.Call) and isinstance(n.value.func, cst.Name) and n.value.func.value == cls:
                    for t in n.targets:
                        if isinstance(t.target, cst.Name):
                            bound.add(t.target.value)
                        elif isinstance(t.target, cst.Attribute):
                            bound.add(t.target.attr.value)

            def visit_Call(self, n):
                calls.append(n)

        self.ctx.module.visit(V())
        for c in calls:
            f = c.func
            if (isinstance(f, cst.Call) and isinstance(f.func, cst.Name) and f.func.value == cls) or (
                    isinstance(f, cst.Name) and f.value in bound) or (
                    isinstance(f, cst.Attribute) and f.attr.value in bound):
                return cst.Module([]).code_for_node(c)
        return None

    VALID = ["import keras\nopt = keras.optimizers.Adam(learning_rate=0.1)\nm.fit(x, y)\n"]
    INVALID = [
        Case("from keras.optimizers import Adam\nfrom keras.models import Model\n"
             "m = Model(input=[a, b], output=out)\nm.compile(optimizer=Adam(lr=0.001), loss='mse')\n"
             "m.fit_generator(gen, steps_per_epoch=10, epochs=2, workers=4)\n",
             "from keras.optimizers import Adam\nfrom keras.models import Model\n\n\n"
             "# tflearn-migrate helper: keras3_batches\ndef keras3_batches(batches):\n"
             "    \"\"\"Batches of a Keras 2 generator, as Keras 3 reads them: several inputs as a tuple.\"\"\"\n"
             "    for batch in batches:\n"
             "        if isinstance(batch, (list, tuple)) and batch and isinstance(batch[0], list):\n"
             "            batch = (tuple(batch[0]),) + tuple(batch[1:])\n        yield batch\n\n\n"
             "m = Model(inputs=[a, b], outputs=out)\nm.compile(optimizer=Adam(learning_rate=0.001), loss='mse')\n"
             "m.fit(keras3_batches(gen), steps_per_epoch=10, epochs=2)\n", ("TFM172",)),
        Case("import keras\nopt = keras.optimizers.SGD(lr=0.1, decay=1e-6)\n", None, ("TFM172",), todo=True),
        Case("import keras\nseq = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])\n"
             "m = keras.Model(seq.input, seq.output)\nn = m.output_shape[1]\ni = keras.Input(n)\n",
             "import keras\nseq = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])\n"
             "m = keras.Model(seq.inputs[0], seq.outputs[0])\nn = m.output_shape[1]\ni = keras.Input((n,))\n"),
        Case("import tensorflow as tf\nclass L(tf.keras.losses.Loss):\n    def call(self, y_true, y_pred):\n"
             "        return y_true * y_pred\nv = L()(a, b)\n", None, ("TFM172",), todo=True),
    ]
