"""TFM158: TF1 recurrent cells and loops (``tf.contrib.rnn`` / ``tf.nn.rnn_cell`` cells,
``static_rnn``, ``dynamic_rnn``, the bidirectional forms, ``tf.unstack``) -> Keras 3.

What TF1 computes (tensorflow/python/ops/rnn_cell_impl.py, rnn.py; tf-keras' legacy_cells.py
in TF 2.x) and how it is written in Keras:

* ``BasicLSTMCell`` / ``LSTMCell`` (no peepholes, projection or clipping): ONE ``kernel``
  ``[input_dim + units, 4 * units]`` over ``concat([x, h])``, gates in the order ``i, j, f, o``
  (j: the new input), ``bias`` starting at 0, ``forget_bias`` (1.0) ADDED to f at run time;
  ``c' = c * s(f + forget_bias) + s(i) * act(j)``, ``h' = act(c') * s(o)``; the state is
  ``LSTMStateTuple(c, h)``. The kernel is drawn by tf.get_variable's default Glorot-uniform over
  the WHOLE matrix (LSTMCell: its ``initializer=``). The helper ``TF1LSTMCell`` is that cell as a
  Keras RNN cell, same weights, same layout (a TF1 checkpoint loads as it is).
* ``GRUCell``: ``gates/kernel`` ``[input_dim + units, 2 * units]`` -> ``r, u``, ``gates/bias``
  starting at 1.0; ``candidate/kernel`` over ``concat([x, r * h])``, bias 0;
  ``h' = u * h + (1 - u) * act(c)`` (``TF1GRUCell``; ``kernel_initializer`` /
  ``bias_initializer`` as given, None: Glorot / 1.0 and 0.0).
* ``BasicRNNCell``: ``h' = act(kernel [x, h] + bias)``, bias 0 (``TF1BasicRNNCell``).
* ``MultiRNNCell(cells)``: each cell's output is the next one's input; the state is the tuple
  of the cells' states (``TF1MultiRNNCell``).
* ``static_rnn(cell, inputs)``: ``inputs`` a list of ``[batch, features]`` tensors (usually
  ``tf.unstack(x, T, 1)``), returns the list of outputs and the final state;
  ``dynamic_rnn(cell, x)`` the same on a ``[batch, time, features]`` tensor. With
  ``sequence_length``, steps at or past an example's length output ZEROS and leave its state as
  it was: ``keras.layers.RNN(..., zero_output_for_mask=True)`` with the mask
  ``arange(T) < length`` (helper ``tf1_rnn``).
* ``static_bidirectional_rnn`` / ``bidirectional_dynamic_rnn``: the backward cell runs over the
  reversed sequence (with ``sequence_length``: the first ``length`` steps reversed, as
  ``tf.reverse_sequence``) and its outputs are reversed back, so step t pairs the forward cell
  after ``x[:t+1]`` with the backward cell after ``x[t:length]``: a Keras RNN with
  ``go_backwards=True`` whose outputs are flipped back (masked steps come first when going
  backwards and leave the zero state as it was). static: ``concat([fw, bw], -1)`` per step.
* ``dtype=tf.float32`` only said what the zero state is (Keras: the layer's dtype); a cell or
  loop in ``float64`` / ``float16`` (TF1 built the cell's variables in its inputs' dtype) passes
  ``dtype=`` to the Keras cell and RNN layer (the helper sets it on a cell not yet built);
  ``parallel_iterations`` / ``swap_memory`` are performance settings. ``tf.unstack(x, num, axis)``
  -> ``keras.ops.unstack``.

* ``DropoutWrapper(cell, input_keep_prob, output_keep_prob, state_keep_prob)`` with
  ``variational_recurrent=False`` (rnn_cell_impl.DropoutWrapper): TF1 builds one
  ``nn_ops.dropout`` per step, so every step draws a NEW mask, on the cell's input, its output
  and its new state (the default state filter leaves an LSTMStateTuple's ``c`` alone), each kept
  unit scaled by 1 / keep; a keep probability that is the float 1.0 adds no op at all. It drops
  whenever the graph runs: programs feed the keep placeholder their rate while training and 1.0
  otherwise. Translation (TFM134's convention for tf.nn.dropout): a placeholder fed ONE value in
  every training run (a number, or a ``FLAGS.x`` never assigned: fixed for the run) - directly,
  through a module function's or a method's parameter, or ``self.<attr>`` of a translated model
  class - becomes helper ``TF1DropoutWrapper`` (a ``keras.random.dropout`` per step with a
  SeedGenerator, in Keras' training mode only, ``tf1_state`` passed through); keep 1.0
  everywhere: the cell itself, no wrapper. A keep probability FIXED when the graph is built - a
  number literal, a module number constant, a number attribute of the class, or arithmetic on
  those and on a configuration value's attribute (``1 - hparams.dropout``, no call, nothing
  that is a placeholder) - is a Python number to TF1: the wrapper drops in EVERY run of the graph
  that holds it, evaluation included (a program building it only under ``if training:`` and
  evaluating that same graph drops at evaluation too). Faithful: ``TF1DropoutWrapper(...,
  every_run=True)``, dropping in Keras' inference too, reported (warning); a graph built without
  the wrapper (the program's eval mode) has none, as in TF1. Mixing a fixed keep with a fed one,
  ``variational_recurrent=True`` (one mask per sequence) and a state filter stay TODO.

Not translated (TODO with the reason): peepholes, ``num_proj``, ``cell_clip``,
``state_is_tuple=False``, ``reuse=True`` cells, ``scope=`` on the loops (TF1 names and shares
by it), dtypes other than float16/32/64, the wrappers other than DropoutWrapper, a cell given as
anything else than a name or a cell call.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs, Unbindable
from ..emit import call, code, float_repr, literal
from ..helpers import register_source
from ..translate.tf1 import activation_kw, dtype_of, initializer_of
from ..translate.tflearn import Untranslatable
from ..analysis.keep_prob import DROPOUT_WRAPPERS, WRAPPER_KEEPS, WRAPPER_SIG, KeepProbResolver
from .base import CallRule, Case
from ..translate.tf1_helpers import helper_example_output as _out
from ..translate.tf1 import RNN_LOOP_SIGS as LOOP_SIGS


def _walk_calls(node):
    from ..analysis.tf1_program import _walk

    return (n for n in _walk(node) if isinstance(n, cst.Call))


register_source("tf1_rnn", "TF1LSTMStateTuple")

register_source("tf1_rnn", "TF1LSTMCell", requires=("TF1LSTMStateTuple",))

register_source("tf1_rnn", "TF1GRUCell")

register_source("tf1_rnn", "TF1BasicRNNCell")

register_source("tf1_rnn", "TF1MultiRNNCell")

register_source("tf1_rnn", "TF1DropoutWrapper")

register_source("tf1_rnn", "tf1_rnn")
# cell.zero_state(batch_size, dtype) of a cell this rule writes
register_source("tf1_rnn", "tf1_zero_state")

register_source("tf1_rnn", "tf1_static_rnn", requires=("tf1_rnn",))

register_source("tf1_rnn", "tf1_dynamic_rnn", requires=("tf1_rnn",))

register_source("tf1_rnn", "tf1_static_bidirectional_rnn", requires=("tf1_rnn",))

register_source("tf1_rnn", "tf1_bidirectional_dynamic_rnn", requires=("tf1_rnn",))


_CELL_PATHS = ("tensorflow.contrib.rnn.", "tensorflow.nn.rnn_cell.", "tensorflow.contrib.rnn.core_rnn_cell.")
_LOOP_PATHS = ("tensorflow.contrib.rnn.", "tensorflow.nn.")

CELL_SIGS = {
    "BasicLSTMCell": "num_units, forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None, "
                     "dtype=None",
    "LSTMCell": "num_units, use_peepholes=False, cell_clip=None, initializer=None, num_proj=None, proj_clip=None, "
                "num_unit_shards=None, num_proj_shards=None, forget_bias=1.0, state_is_tuple=True, "
                "activation=None, reuse=None, name=None, dtype=None",
    "GRUCell": "num_units, activation=None, reuse=None, kernel_initializer=None, bias_initializer=None, "
               "name=None, dtype=None",
    "BasicRNNCell": "num_units, activation=None, reuse=None, name=None, dtype=None",
    "MultiRNNCell": "cells, state_is_tuple=True",
}
# the helper's parameters, in order, for each loop
_LOOP_ARGS = {
    "static_rnn": ("cell", "inputs", "initial_state", "sequence_length"),
    "dynamic_rnn": ("cell", "inputs", "sequence_length", "initial_state", "time_major"),
    "static_bidirectional_rnn": ("cell_fw", "cell_bw", "inputs", "initial_state_fw", "initial_state_bw",
                                 "sequence_length"),
    "bidirectional_dynamic_rnn": ("cell_fw", "cell_bw", "inputs", "sequence_length", "initial_state_fw",
                                  "initial_state_bw", "time_major"),
}
# the qualified names of the cell classes this rule writes
_CELL_QNAMES = frozenset(p + n for p in _CELL_PATHS for n in CELL_SIGS)
_CELL_HELPER = {"BasicLSTMCell": "TF1LSTMCell", "LSTMCell": "TF1LSTMCell", "GRUCell": "TF1GRUCell",
                "BasicRNNCell": "TF1BasicRNNCell", "MultiRNNCell": "TF1MultiRNNCell"}


def _is_none(node) -> bool:
    return node is None or (isinstance(node, cst.Name) and node.value == "None")


class TF1RNN(KeepProbResolver, CallRule):
    ID = "TFM158"
    TRIGGERS = ("tensorflow",)
    NAME = "tf1-rnn"
    MESSAGE = ("tf.contrib.rnn / tf.nn.rnn_cell cells, DropoutWrapper, static_rnn / dynamic_rnn / bidirectional "
               "RNNs, tf.unstack, cell.zero_state -> TF1-layout Keras RNN cells through keras.layers.RNN")
    RATIONALE = ("TF1's LSTM keeps ONE Glorot-uniform kernel over concat([x, h]) with the gates in the "
                 "order i, j, f, o and ADDS forget_bias=1.0 at run time; its GRU has its own gate layout "
                 "(bias 1.0 on the gates, the reset gate before the candidate matmul). Keras' LSTM/GRU "
                 "differ in layout, initializers and defaults, so the cells are helper Keras cells with "
                 "TF1's exact weights and arithmetic, run by keras.layers.RNN; sequence_length is a mask "
                 "with zero outputs (TF1's semantics); the backward half of the bidirectional forms reverses "
                 "only the valid steps, as TF1's reverse_sequence (see the module docstring). "
                 "DropoutWrapper draws a new mask per step whenever the graph runs; a keep placeholder fed "
                 "one value while training and 1.0 otherwise becomes TF1DropoutWrapper, dropping with that "
                 "keep probability in Keras' training mode only (keep 1.0: the cell itself). A cell CLASS "
                 "bound to a name (`cell_fn = tf.nn.rnn_cell.LSTMCell` chosen by a setting) whose every call "
                 "that the binding may reach is `cell_fn(units)` becomes the helper class its calls translate "
                 "to (no variable_scope initializer= in the file: TF1's kernels would take it).")
    CALLS = tuple(sorted(_CELL_QNAMES
                         | {p + n for p in _LOOP_PATHS for n in LOOP_SIGS} | {"tensorflow.unstack"}
                         | set(DROPOUT_WRAPPERS)))

    def translate(self, qname, original, updated):
        short = qname.rsplit(".", 1)[1]
        try:
            if short == "unstack":
                out = self._unstack(original, updated)
            elif short == "DropoutWrapper":
                out = self._dropout_wrapper(original, updated)
            elif short in CELL_SIGS:
                out = self._cell(short, original, updated)
            else:
                out = self._loop(short, original, updated)
        except (Unbindable, Untranslatable) as ex:
            self.todo(original, f"{qname.replace('tensorflow', 'tf', 1)}: {ex}")
            return None
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return out

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        """``rnn_cell = tf.nn.rnn_cell.LSTMCell`` called only as ``rnn_cell(units)``: the class its
        calls translate to (analysis/cell_classes.py)."""
        from ..analysis.cell_classes import CellClasses, cell_class_name

        short = cell_class_name(self.ctx, original)
        if short is None or id(original) not in self.ctx.analysis(CellClasses).swappable:
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return cst.Name(self.ctx.use_helper(_CELL_HELPER[short]))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        """``cell.zero_state(batch_size, dtype)`` of a name bound to a cell this rule writes:
        tf1_zero_state (TF1's zeros in the cell's state structure; a batch size read with tf.shape
        is used when the model runs)."""
        f = original.func
        if not (isinstance(f, cst.Attribute) and f.attr.value == "zero_state" and isinstance(f.value, cst.Name)):
            return updated
        from ..analysis.flow import Flow

        d = self.ctx.analysis(Flow).def_of(f.value.value, original)
        q = self.ctx.legacy_name(d.value) if d is not None and isinstance(d.value, cst.Call) else None
        if q not in DROPOUT_WRAPPERS and q not in _CELL_QNAMES:
            return updated
        try:
            b = BoundArgs(updated, "batch_size, dtype", original)
            dt = literal(dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")), None)
        except (Unbindable, Untranslatable):
            return updated
        if not isinstance(dt, str):
            return updated
        self.ctx.add_import("keras")
        self.ctx.count(self)
        return call(self.ctx.use_helper("tf1_zero_state"), updated.func.value, b.node("batch_size"), dtype=dt)

    # ---------------------------------------------------------------------------------
    def _unstack(self, original, updated):
        b = BoundArgs(updated, "value, num=None, axis=0, name=None", original)
        kw = {}
        if b.given("axis"):
            kw["axis"] = b.node("axis")
        args = [b.node("value")]
        if b.given("num"):
            args.append(b.node("num"))
        return call("keras.ops.unstack", *args, **kw)

    def _dropout_wrapper(self, original, updated):
        b = BoundArgs(updated, WRAPPER_SIG, original)
        kw = self._wrapper_keeps(b, original)
        if not kw:  # every keep probability is 1.0: TF1 dropped nothing (_should_dropout), the cell itself
            return b.node("cell")
        if "every_run" in kw:
            from ..diagnostics import Severity

            self.report(original, "DropoutWrapper with a keep probability fixed when the graph is built: TF1 "
                        "dropped in every run of that graph, evaluation included; kept so "
                        "(TF1DropoutWrapper(every_run=True) drops in Keras' inference too)", severity=Severity.WARNING)
        if b.given("seed") and not _is_none(b.node("seed")):
            kw["seed"] = b.node("seed")
        return call(self.ctx.use_helper("TF1DropoutWrapper"), b.node("cell"), **kw)

    def _wrapper_keeps(self, b, original) -> dict:
        """The helper's keep-probability arguments (none: every one is 1.0); Untranslatable when
        the wrapper is not written in Keras."""
        if b.given("variational_recurrent") and literal(b.node("variational_recurrent"), None) is not False:
            raise Untranslatable("variational_recurrent=True (one mask per sequence): not written for Keras yet")
        if b.given("dropout_state_filter_visitor") and not _is_none(b.node("dropout_state_filter_visitor")):
            raise Untranslatable("dropout_state_filter_visitor=")
        self._check_cell(b.orig("cell"), "cell")
        kw = {}
        fixed, fed = [], []
        for name in WRAPPER_KEEPS:
            if not b.given(name):
                continue
            built = self._built_constant(b.node(name), b.orig(name))
            if built is not None:  # a Python number to TF1: the wrapper drops in every run of its graph
                if built is True or built != 1.0:
                    kw[name] = b.node(name)  # the program's own expression: that number where it is built
                    fixed.append(name)
                continue
            keep = self._keep(b, name, original)
            if isinstance(keep, cst.BaseExpression):  # FLAGS.keep: the value fed, fixed for the run
                kw[name] = keep
                fed.append(name)
            elif keep != 1.0:
                kw[name] = cst.parse_expression(float_repr(keep))
                fed.append(name)
        if fixed and fed:
            raise Untranslatable(f"{fixed[0]} is fixed when the graph is built (TF1 dropped in every run) and "
                                 f"{fed[0]} is fed (dropping while training only): not written for Keras yet")
        if fixed:
            kw["every_run"] = cst.Name("True")
        return kw

    def _built_constant(self, node, orig):
        """A keep probability that is a Python number when TF1 builds the graph: its value (a
        float) when known, True when only the expression is (arithmetic on a configuration
        value's attributes, ``1 - hparams.dropout``); None otherwise (a name, a placeholder, a
        call: the fed-placeholder search decides)."""
        from ..analysis.keep_prob import _static_method, module_number
        from ..analysis.tf1_classes import TF1Classes, _self_attr

        tc = self.ctx.analysis(TF1Classes)
        placeholder_attrs = {a for cp in tc.classes.values() for a in cp.placeholders}

        depth = 0

        def param(o, d):
            """``o`` a parameter of the function holding it (never rebound there) that every call
            of the function in this file gives a build-time number (a module function ``f(..)``,
            a class's ``__init__`` through ``C(..)``, a method through ``self.m(..)``; the
            parameter's default where a call passes nothing): True / that number; else None."""
            nonlocal depth
            found = self._param_of(o.value, o)
            if found is None:
                return None
            fn, idx = found
            body = self.ctx.parent(fn)
            cls = self.ctx.parent(body) if body is not None else None
            method = isinstance(cls, cst.ClassDef)
            if method and fn.name.value == "__init__":
                want, off = (lambda c: isinstance(c.func, cst.Name) and c.func.value == cls.name.value), 1
            elif method:  # self.m(..): its self is not passed - nor is there one for a @staticmethod
                want, off = (lambda c: isinstance(c.func, cst.Attribute) and c.func.attr.value == fn.name.value
                             and isinstance(c.func.value, cst.Name) and c.func.value.value == "self"), \
                    (0 if _static_method(fn) else 1)
            elif fn in self.ctx.module.body:
                want, off = (lambda c: isinstance(c.func, cst.Name) and c.func.value == fn.name.value), 0
            else:
                return None
            prm = fn.params.params[idx]
            calls = [c for c in _walk_calls(self.ctx.module) if want(c)]
            if not calls or any(a.star for c in calls for a in c.args):
                return None
            vals = []
            depth += 1
            try:
                for c in calls:
                    a = next((a for a in c.args if a.keyword is not None and a.keyword.value == o.value), None)
                    pos = [a_ for a_ in c.args if a_.keyword is None]
                    if a is None and 0 <= idx - off < len(pos):
                        a = pos[idx - off]
                    arg = a.value if a is not None else (prm.default if prm.default is not None else None)
                    if arg is None:
                        return None
                    vals.append(value(arg, arg))
            finally:
                depth -= 1
            if not vals or any(v is None for v in vals):
                return None
            nums = {v for v in vals if v is not True}
            return nums.pop() if len(nums) == 1 and True not in vals else True

        def value(n, o):
            if isinstance(n, (cst.Integer, cst.Float)):
                return float(literal(n))
            if isinstance(n, cst.UnaryOperation) and isinstance(n.operator, (cst.Minus, cst.Plus)):
                v = value(n.expression, getattr(o, "expression", None))
                return v if v is None or v is True else (-v if isinstance(n.operator, cst.Minus) else v)
            if isinstance(n, cst.BinaryOperation) and isinstance(
                    n.operator, (cst.Add, cst.Subtract, cst.Multiply, cst.Divide)):
                a = value(n.left, getattr(o, "left", None))
                c = value(n.right, getattr(o, "right", None))
                if a is None or c is None:
                    return None
                if a is True or c is True:
                    return True
                if isinstance(n.operator, cst.Divide) and c == 0:
                    return None
                return {cst.Add: a + c, cst.Subtract: a - c, cst.Multiply: a * c}.get(type(n.operator), a / (c or 1))
            if isinstance(n, cst.Name):
                v = module_number(self.ctx, n)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    return float(v)
                return param(o, depth) if isinstance(o, cst.Name) and depth < 3 else None
            if isinstance(n, cst.Attribute) and o is not None:
                if self.ctx.legacy_name(o) is not None or n.attr.value in placeholder_attrs:
                    return None  # a TF1 module attribute, or a placeholder attribute's name
                if _self_attr(o) is not None:  # self.keep = 0.75 in the class: a Python number
                    v = tc.constant_attr(o)
                    return None if v is None else float(v)
                root = n
                while isinstance(root, cst.Attribute):
                    root = root.value
                return True if isinstance(root, cst.Name) else None
            return None

        v = value(node, orig)
        if v is True:
            return True
        if v is not None and not 0 < v <= 1:
            raise Untranslatable(f"keep probability {v!r} not in (0, 1]")
        return v

    def _keep(self, b, name, original):
        """A keep probability: the literal 1.0 (no dropout), or a
        placeholder fed one constant in the training runs and 1.0 elsewhere (directly, through a
        module function's or a method's parameter, ``self.<attr>`` of a model class): the number, or
        the ``FLAGS.<name>`` expression the training runs feed (one value for the whole run)."""
        node, orig = b.node(name), b.orig(name)
        val = literal(node, None)
        if isinstance(val, (int, float)) and not isinstance(val, bool):
            if val != 1:
                raise Untranslatable(f"{name}={val}: TF1 dropped units with a literal keep probability in every "
                                     "run, evaluation included (Keras drops only while training)")
        elif isinstance(orig, cst.Name):
            val = self._fed_value(orig.value, original, flags=True)
        elif isinstance(orig, cst.Attribute) and self._placeholder_attribute(orig):
            val = self._class_keep_prob(orig, flags=True)
            if val is None:
                raise Untranslatable(f"{name}={code(orig)} is not a placeholder of a translated class fed one "
                                     "constant in its training runs and 1.0 elsewhere")
        else:
            raise Untranslatable(f"{name}={code(orig)}: not a number or a placeholder fed one")
        if isinstance(val, cst.BaseExpression):
            return val
        if not isinstance(val, (int, float)) or isinstance(val, bool) or not 0 < val <= 1:
            raise Untranslatable(f"{name} {val!r} not in (0, 1]")
        return float(val)

    def _cell(self, short, original, updated):
        b = BoundArgs(updated, CELL_SIGS[short], original)
        if short == "MultiRNNCell":
            if literal(b.node("state_is_tuple"), None) is not True:
                raise Untranslatable("MultiRNNCell(state_is_tuple=False)")
            return call(self.ctx.use_helper("TF1MultiRNNCell"), b.node("cells"))
        if b.given("reuse") and not _is_none(b.node("reuse")) and literal(b.node("reuse"), None) is not False:
            raise Untranslatable(f"reuse={code(b.node('reuse'))} (TF1 shares the cell's variables by scope)")
        kw = {}
        dtype = self._float_dtype(b)
        if dtype is not None:
            kw["dtype"] = cst.SimpleString(repr(dtype))  # the cell's variables and arithmetic
        if short in ("BasicLSTMCell", "LSTMCell"):
            if literal(b.node("state_is_tuple"), None) is not True:
                raise Untranslatable("state_is_tuple=False (a concatenated [c, h] state)")
            for arg, ok in (("use_peepholes", False), ("cell_clip", None), ("num_proj", None),
                            ("proj_clip", None), ("num_unit_shards", None), ("num_proj_shards", None)):
                if short == "LSTMCell" and b.given(arg) and literal(b.node(arg), "x") != ok:
                    raise Untranslatable(f"LSTMCell({arg}=...): not written for Keras yet")
            if b.given("forget_bias"):
                kw["forget_bias"] = b.node("forget_bias")
        act = activation_kw(self.ctx, b.node("activation"), b.orig("activation")) if b.given("activation") else None
        if act is not None:
            if isinstance(act, cst.Call):
                raise Untranslatable(f"activation={code(b.node('activation'))}")
            kw["activation"] = act
        init_name = {"LSTMCell": "initializer", "GRUCell": "kernel_initializer"}.get(short)
        if init_name and b.given(init_name) and not _is_none(b.node(init_name)):
            init = initializer_of(self.ctx, b.node(init_name), b.orig(init_name))
            if init is not None:
                kw["kernel_initializer"] = init
        elif short != "MultiRNNCell":
            # no initializer of its own: TF1's get_variable took the kernel's from the variable_scope
            # the cell was built in (``variable_scope('model', initializer=...)`` around the model)
            init = self._scope_initializer(original)
            if init is not None:
                if short == "BasicRNNCell":
                    raise Untranslatable("a variable_scope initializer= its kernel takes in TF1: not written "
                                         "for this cell")
                kw["kernel_initializer"] = init
        if short != "MultiRNNCell":
            from ..analysis.scope_initializers import inherited_regularizer

            if inherited_regularizer(self.ctx, original, "the kernel", cell=True) is not None:
                raise Untranslatable("a variable_scope regularizer= TF1 adds for the cell's variables: not "
                                     "written for cells")
        if short == "GRUCell" and b.given("bias_initializer"):
            init = initializer_of(self.ctx, b.node("bias_initializer"), b.orig("bias_initializer"))
            if init is not None:
                kw["bias_initializer"] = init
        return call(self.ctx.use_helper(_CELL_HELPER[short]), b.node("num_units"), **kw)

    def _loop(self, short, original, updated):
        b = BoundArgs(updated, LOOP_SIGS[short], original)
        if b.given("scope") and not _is_none(b.node("scope")):
            raise Untranslatable(f"scope={code(b.node('scope'))} (TF1 names and shares the cell's variables "
                                 "by it)")
        dtype = self._float_dtype(b)
        for side in ("cell", "cell_fw", "cell_bw"):
            if side in b.params:
                self._check_cell(b.orig(side), side)
                cell = b.node(side)
                if isinstance(cell, cst.Call) and self.ctx.legacy_name(b.orig(side)) is not None \
                        and not code(cell.func).startswith("TF1"):
                    raise Untranslatable(f"{side}: the cell is not translated")
        args = []
        kw = {}
        positional = True
        for name in _LOOP_ARGS[short]:
            if not b.given(name) or (name == "time_major" and literal(b.node(name), None) is False):
                positional = False
                continue
            if positional:
                args.append(b.node(name))
            else:
                kw[name] = b.node(name)
        if dtype is not None:
            kw["dtype"] = cst.SimpleString(repr(dtype))
        return call(self.ctx.use_helper(f"tf1_{short}"), *args, **kw)

    def _scope_initializer(self, original: cst.Call):
        """The Keras initializer of the ``variable_scope(..., initializer=X)`` in force where TF1 built
        this cell's variables (analysis/scope_initializers.py: the interpreter follows the calls into
        the loop that runs it); None when none is (get_variable's Glorot-uniform)."""
        from ..analysis.scope_initializers import inherited_initializer

        return inherited_initializer(self.ctx, original, "the kernel", cell=True)

    def _float_dtype(self, b) -> str | None:
        """``dtype=``: None for float32 (the Keras default) or none given; "float64" / "float16"
        (TF1: the cell's variables and state in that dtype) as Keras' ``dtype=``."""
        if not b.given("dtype") or _is_none(b.node("dtype")):
            return None
        d = literal(dtype_of(self.ctx, b.node("dtype"), b.orig("dtype")), None)
        if d == "float32":
            return None
        if d in ("float64", "float16"):
            return d
        raise Untranslatable(f"dtype={code(b.node('dtype'))}")

    def _check_cell(self, orig, side):
        """The cell must be a TF1 cell this rule translates (a call, or a name bound to one)."""
        node = orig
        if isinstance(orig, cst.Name):
            from ..analysis.flow import Flow

            d = self.ctx.analysis(Flow).def_of(orig.value, orig)
            node = None if d is None else d.value
        if isinstance(node, cst.Call):
            q = self.ctx.legacy_name(node)
            if q in DROPOUT_WRAPPERS:
                try:
                    self._wrapper_keeps(BoundArgs(node, WRAPPER_SIG, node), node)
                except (Unbindable, Untranslatable) as ex:
                    raise Untranslatable(f"{side}: the DropoutWrapper is not translated ({ex})") from None
                return
            if q in _CELL_QNAMES:
                return
            if q is not None:
                raise Untranslatable(f"{side}: {q.replace('tensorflow', 'tf', 1)} is not a cell this rule "
                                     "translates")
            return  # a call of user code: its result's type is checked when it runs (tf1_state)
        if node is None:
            return  # a parameter: the caller's cell
        raise Untranslatable(f"{side}={code(orig)}")

    _MIXED = ("input_keep_prob is fixed when the graph is built (TF1 dropped in every run) and output_keep_prob is fed (dropping while training only): not written for Keras yet")
    VALID = [
        "import keras\nx = keras.ops.unstack(x, 5, axis=1)\n",
        "def static_rnn(cell, x):\n    return x\ny = static_rnn(c, x)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nfrom tensorflow.contrib import rnn\n"
             "def RNN(x):\n    x = tf.unstack(x, 28, 1)\n    cell = rnn.BasicLSTMCell(128, forget_bias=1.0)\n"
             "    outputs, states = rnn.static_rnn(cell, x, dtype=tf.float32)\n    return outputs[-1]\n",
             _out("import collections\nimport keras\n", ["TF1LSTMStateTuple", "TF1LSTMCell", "tf1_rnn", "tf1_static_rnn"],
                  "def RNN(x):\n    x = keras.ops.unstack(x, 28, axis=1)\n"
                  "    cell = TF1LSTMCell(128, forget_bias=1.0)\n"
                  "    outputs, states = tf1_static_rnn(cell, x)\n    return outputs[-1]\n")),
        Case("import tensorflow as tf\n"
             "out, h = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(8, kernel_initializer=tf.orthogonal_initializer()), "
             "x, sequence_length=n, dtype=tf.float32)\n",
             None, ("TFM158", "TFM158"), todo=True),
        Case("import tensorflow as tf\n"
             "cells = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(8), tf.nn.rnn_cell.BasicRNNCell(4)])\n"
             "out, st = tf.nn.dynamic_rnn(cells, x, sequence_length=n, time_major=True, dtype=tf.float32)\n"
             "(fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), "
             "tf.nn.rnn_cell.LSTMCell(4, forget_bias=0.0), x, dtype=tf.float32)\n",
             _out("import collections\nimport keras\n", ["TF1GRUCell", "TF1BasicRNNCell", "TF1MultiRNNCell", "tf1_rnn", "tf1_dynamic_rnn",
                                    "TF1LSTMStateTuple", "TF1LSTMCell", "tf1_bidirectional_dynamic_rnn"],
                  "cells = TF1MultiRNNCell([TF1GRUCell(8), TF1BasicRNNCell(4)])\n"
                  "out, st = tf1_dynamic_rnn(cells, x, n, time_major=True)\n"
                  "(fw, bw), _ = tf1_bidirectional_dynamic_rnn(TF1LSTMCell(4), TF1LSTMCell(4, forget_bias=0.0), x)\n")),
        # float64 (TF1: the cell's variables in the loop's / its own dtype): Keras' dtype=
        Case("import tensorflow as tf\n"
             "out, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), x, dtype=tf.float64)\n"
             "g, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2, dtype=tf.float64), x, dtype=tf.float64)\n",
             _out("import collections\nimport keras\n", ["TF1LSTMStateTuple", "TF1LSTMCell", "tf1_rnn", "tf1_dynamic_rnn",
                                                        "TF1GRUCell"],
                  "out, st = tf1_dynamic_rnn(TF1LSTMCell(4), x, dtype='float64')\n"
                  "g, _ = tf1_dynamic_rnn(TF1GRUCell(2, dtype='float64'), x, dtype='float64')\n")),
        Case("import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(4, dtype=tf.int32)\n",
             None, ("TFM158",), todo=True),
        Case("import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(4, use_peepholes=True)\n",
             None, ("TFM158",), todo=True),
        # a literal keep probability below 1: a Python number to TF1, which dropped in EVERY run of
        # the graph, evaluation included - every_run=True drops in Keras' inference too (warned)
        Case("import tensorflow as tf\ndef f(base, x):\n    cell = tf.nn.rnn_cell.DropoutWrapper(base, 0.5)\n"
             "    return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n",
             _out("import keras\n", ["TF1DropoutWrapper", "tf1_rnn", "tf1_dynamic_rnn"],
                  "def f(base, x):\n    cell = TF1DropoutWrapper(base, input_keep_prob=0.5, every_run=True)\n"
                  "    return tf1_dynamic_rnn(cell, x)\n"), ("TFM158",)),
        # the keep probability a parameter every call gives a number (vineetm/siamese-network's
        # ``1 - hparams.dropout`` in a train-mode-only wrapper is the same: fixed when the graph
        # is built): the program's expression stays, the wrapper drops in every run
        Case("import tensorflow as tf\n\ndef encoder(x, keep):\n"
             "    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(4), output_keep_prob=keep)\n"
             "    return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n\nout, state = encoder(x, 0.8)\n",
             _out("import keras\n", ["TF1GRUCell", "TF1DropoutWrapper", "tf1_rnn", "tf1_dynamic_rnn"],
                  "def encoder(x, keep):\n"
                  "    cell = TF1DropoutWrapper(TF1GRUCell(4), output_keep_prob=keep, every_run=True)\n"
                  "    return tf1_dynamic_rnn(cell, x)\n\nout, state = encoder(x, 0.8)\n"), ("TFM158",)),
        # ... one call gives it a placeholder: not a build-time number (the fed-value search
        # finds no training run feeding it): TODO
        Case("import tensorflow as tf\n\ndef encoder(x, keep):\n"
             "    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(4), output_keep_prob=keep)\n"
             "    return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n\nout, state = encoder(x, 0.8)\n"
             "keep_ph = tf.placeholder(tf.float32)\nout2, state2 = encoder(y, keep_ph)\n",
             _out("import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
                  "import keras\n", ["TF1GRUCell"],
                  "def encoder(x, keep):\n    # TODO(tflearn-migrate): TFM158 tf.nn.rnn_cell.DropoutWrapper: keep_prob keep "
                  "is not a placeholder fed with a constant\n"
                  "    cell = tf.nn.rnn_cell.DropoutWrapper(TF1GRUCell(4), output_keep_prob=keep)\n"
                  "    # TODO(tflearn-migrate): TFM158 tf.nn.dynamic_rnn: cell: the DropoutWrapper is not translated "
                  "(keep_prob keep is not a placeholder fed with a constant)\n"
                  "    return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n\nout, state = encoder(x, 0.8)\n"
                  "keep_ph = tf.placeholder(tf.float32)\nout2, state2 = encoder(y, keep_ph)\n"),
             ("TFM158", "TFM158"), todo=True),
        # a fixed keep and a fed one on one wrapper: not written (TF1 drops them in different runs)
        Case("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 5, 3])\n"
             "y = tf.placeholder(tf.float32, [None, 4])\nkeep = tf.placeholder(tf.float32)\n"
             "cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(4), input_keep_prob=0.9, "
             "output_keep_prob=keep)\n"
             "out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
             "loss = tf.reduce_mean(tf.square(out[:, -1] - y))\n"
             "op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nsess = tf.Session()\n"
             "sess.run(op, feed_dict={x: a, y: b, keep: 0.5})\np = sess.run(out, feed_dict={x: a, keep: 1.0})\n",
             _out("import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
                  "import keras\n", ["TF1BasicRNNCell"],
                  "x = tf.placeholder(tf.float32, [None, 5, 3])\ny = tf.placeholder(tf.float32, [None, 4])\n"
                  "keep = tf.placeholder(tf.float32)\n"
                  "# TODO(tflearn-migrate): TFM158 tf.nn.rnn_cell.DropoutWrapper: " + _MIXED + "\n"
                  "cell = tf.nn.rnn_cell.DropoutWrapper(TF1BasicRNNCell(4), input_keep_prob=0.9, output_keep_prob=keep)\n"
                  "# TODO(tflearn-migrate): TFM158 tf.nn.dynamic_rnn: cell: the DropoutWrapper is not translated (" + _MIXED
                  + ")\nout, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
                  "loss = tf.reduce_mean(tf.square(out[:, -1] - y))\n"
                  "op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nsess = tf.Session()\n"
                  "sess.run(op, feed_dict={x: a, y: b, keep: 0.5})\np = sess.run(out, feed_dict={x: a, keep: 1.0})\n"),
             ("TFM158", "TFM158"), todo=True),
        # keep probabilities of 1.0: TF1 dropped nothing - the cell itself, no wrapper
        Case("import tensorflow as tf\n"
             "cell = tf.contrib.rnn.DropoutWrapper(tf.nn.rnn_cell.GRUCell(3), output_keep_prob=1.0, input_keep_prob=1)\n"
             "out, st = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n",
             _out("import keras\n", ["TF1GRUCell", "tf1_rnn", "tf1_dynamic_rnn"],
                  "cell = TF1GRUCell(3)\nout, st = tf1_dynamic_rnn(cell, x)\n")),
        # one mask per sequence (variational_recurrent=True): not written
        Case("import tensorflow as tf\n"
             "cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(3), output_keep_prob=1.0,\n"
             "                                     variational_recurrent=True, dtype=tf.float32)\n",
             _out("import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
                  "import keras\n", ["TF1GRUCell"],
                  "# TODO(tflearn-migrate): TFM158 tf.nn.rnn_cell.DropoutWrapper: variational_recurrent=True (one mask "
                  "per sequence): not written for Keras yet\n"
                  "cell = tf.nn.rnn_cell.DropoutWrapper(TF1GRUCell(3), output_keep_prob=1.0,\n"
                  "                                     variational_recurrent=True, dtype=tf.float32)\n"),
             ("TFM158",), todo=True),
        Case("import tensorflow as tf\ndef f(cell, x):\n"
             "    return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, scope='enc')\n", None, ("TFM158",), todo=True),        # no initializer of its own: the kernel's is the variable_scope's in force where the loop
        # built the cell (TF1 get_variable; analysis/sharing.py follows the calls)
        Case("import tensorflow as tf\n\ndef enc(x, name):\n    with tf.variable_scope(name):\n        cell = tf.nn.rnn_cell.LSTMCell(4)\n        out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n        return out\n\ninit = tf.random_uniform_initializer(-0.1, 0.1)\nwith tf.variable_scope('model', initializer=init):\n    a = enc(x1, 'a')\n    b = enc(x2, 'b')\n",
             _out("import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport collections\nimport keras\n",
                  ["TF1LSTMStateTuple", "TF1LSTMCell", "tf1_rnn", "tf1_dynamic_rnn"],
                  "def enc(x, name):\n    with tf.variable_scope(name):\n"
                  "        cell = TF1LSTMCell(4, kernel_initializer=keras.initializers.RandomUniform(minval=-0.1, maxval=0.1))\n"
                  "        out, _ = tf1_dynamic_rnn(cell, x)\n        return out\n\n"
                  "init = tf.random_uniform_initializer(-0.1, 0.1)\nwith tf.variable_scope('model', initializer=init):\n"
                  "    a = enc(x1, 'a')\n    b = enc(x2, 'b')\n"),
             (), todo=True),
        # ... an initializer reading names (they may not be visible where the cell is made): TODO
        Case("import tensorflow as tf\n\ndef enc(x, name):\n    with tf.variable_scope(name):\n        cell = tf.nn.rnn_cell.GRUCell(4)\n        out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n        return out\n\nwith tf.variable_scope('model', initializer=tf.random_normal_initializer(0.0, s)):\n    a = enc(x1, 'a')\n    b = enc(x2, 'b')\n",
             _out("import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nimport keras\n",
                  ["tf1_rnn", "tf1_dynamic_rnn"],
                  "def enc(x, name):\n    with tf.variable_scope(name):\n"
                  "        # TODO(tflearn-migrate): TFM158 tf.nn.rnn_cell.GRUCell: variable_scope initializer=tf.random_normal_initializer(0.0, s) (the kernel's in TF1) is not a TF1 initializer with literal arguments\n"
                  "        cell = tf.nn.rnn_cell.GRUCell(4)\n"
                  "        out, _ = tf1_dynamic_rnn(cell, x)\n        return out\n\n"
                  "with tf.variable_scope('model', initializer=tf.random_normal_initializer(0.0, s)):\n"
                  "    a = enc(x1, 'a')\n    b = enc(x2, 'b')\n"),
             ("TFM158",), todo=True),
    ]
