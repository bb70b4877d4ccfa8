"""TFM110: tflearn lstm / gru / simple_rnn / bidirectional_rnn -> keras.layers.LSTM / GRU /
SimpleRNN / Bidirectional.

What tflearn 0.5.0 computes (layers/recurrent.py), and how it is written in Keras:

* Cells. Each TF1 cell does ONE matmul of ``[x, h]`` with a ``Linear/Matrix`` of shape
  ``[input_dim + units, n * units]`` (+ ``Linear/Bias``, ALWAYS: tflearn's cells pass
  ``bias=True`` to ``_linear`` whatever ``bias=`` says). Keras splits that matrix into
  ``kernel`` (the ``input_dim`` rows) and ``recurrent_kernel`` (the ``units`` rows); the
  weight map (``weights/layer_maps_rnn.py``) does the split and the gate reordering.
* ``BasicLSTMCell``: gates ``i, j, f, o`` (Keras ``i, f, c, o``), ``c' = c * s(f + forget_bias)
  + s(i) * act(j)``, ``h' = act(c') * s(o)`` with ``s`` = inner_activation - Keras'
  ``recurrent_activation`` and ``activation``, same roles. TF1 adds ``forget_bias`` at run time
  to a bias that starts at 0; Keras has no such term: a bias that STARTS at ``forget_bias``
  is the same function during training (``unit_forget_bias=True`` is exactly 1.0; another
  value: the ``TF1BlockConstant`` bias initializer). The weight map adds ``forget_bias`` to
  the f-gate bias of a TF1 checkpoint.
* ``GRUCell``: ``Gates/Linear`` ``[r, u]`` with bias starting at 1.0, ``Candidate/Linear``
  applied to ``[x, r * h]`` (the reset gate BEFORE the matmul: Keras ``reset_after=False``),
  bias 0.0; ``h' = u * h + (1 - u) * c`` (Keras ``z`` = TF1 ``u``).
* ``BasicRNNCell``: ``h' = act(W [x, h] + b)``; tflearn's ``simple_rnn`` defaults to
  ``activation='sigmoid'`` (Keras SimpleRNN: tanh), the bare cell to tanh.
* Initializers: ``weights_init=None`` is tf.get_variable's default Glorot-uniform over the
  WHOLE TF1 matrix, ``U(+-sqrt(6 / (input_dim + units + n * units)))`` - the
  ``TF1RNNGlorotUniform`` helper draws Keras' kernel and recurrent kernel with those limits
  (Keras' defaults are Glorot over the kernel alone and orthogonal). Shape-free tflearn
  initializers (normal, truncated_normal, uniform, zeros) are used for both kernels.
* ``dropout=k`` or ``(in_keep, out_keep)``: tflearn's DropoutWrapper calls tf.nn.dropout on
  every timestep's input and output separately - a fresh mask per element and step. That is
  a ``keras.layers.Dropout(1 - in_keep)`` on the [batch, time, features] input and a
  ``Dropout(1 - out_keep)`` on the output. (Keras' own ``LSTM(dropout=)`` reuses ONE mask
  for all timesteps: a different distribution, so it is not used.)
* ``return_seq=True``: ``tf.stack(outputs, 1)``, one [batch, time, units] tensor =
  ``return_sequences=True``.
* ``dynamic=True``: the length is the number of timesteps whose ``max|x| > 0``; steps past
  it are not computed and the output is the one at ``length - 1``. ``keras.layers.Masking(0.0)``
  masks the steps whose features are all 0 and the RNN returns the output of the last
  unmasked step: the same when the zero steps are trailing padding (a WARNING says so);
  with ``return_seq=True`` the mask would also reach the following layers: TODO.
* ``bidirectional_rnn``: TF1's static bidirectional RNN returns, at step t, the forward
  output at t and the backward output at t (the backward cell has then only seen
  ``x[t:]``); the last step is ``[fw(T-1), bw(T-1)]`` - the backward cell after ONE step. Keras'
  ``Bidirectional(return_sequences=False)`` would return the backward cell after the whole
  sequence, so the translation keeps the sequences and takes ``[:, -1]``.

Cells: written in the ``bidirectional_rnn`` call, or bound by ``fw = tflearn.BasicLSTMCell(n)``
and read by that one statement only (the binding is then removed).

Not translated (TODO): ``return_state``, ``initial_state``, ``reuse``/``scope`` sharing,
cells used elsewhere too, DropoutWrapper / other cell objects, ``batch_norm=True``
LSTM cells, ``uniform_scaling`` / ``variance_scaling`` / normal xavier kernels (their limits
depend on the TF1 matrix's fan-in), activations Keras cannot take as an argument.
"""
from __future__ import annotations

import libcst as cst

from ..args import BoundArgs
from ..diagnostics import Severity
from ..emit import apply_layer, call, code, expr, float_repr, literal, to_node, wrap_long_call
from ..helpers import HELPERS, register_source
from ..translate.layer import LayerRule
from ..translate.tflearn import Untranslatable, _activation_by_name, check_scope, initializer, name_kwarg
from .base import Case

_R = "tflearn.layers.recurrent."
_COMMON = ("return_seq=False, return_state=False, initial_state=None, dynamic=False, trainable=True, "
           "restore=True, reuse=False, scope=None")
SIGS = {
    _R + "lstm": ("incoming, n_units, activation='tanh', inner_activation='sigmoid', dropout=None, "
                  f"bias=True, weights_init=None, forget_bias=1.0, {_COMMON}, name='LSTM'"),
    _R + "gru": ("incoming, n_units, activation='tanh', inner_activation='sigmoid', dropout=None, "
                 f"bias=True, weights_init=None, {_COMMON}, name='GRU'"),
    _R + "simple_rnn": ("incoming, n_units, activation='sigmoid', dropout=None, bias=True, "
                        f"weights_init=None, {_COMMON}, name='SimpleRNN'"),
    _R + "bidirectional_rnn": ("incoming, rnncell_fw, rnncell_bw, return_seq=False, return_states=False, "
                               "initial_state_fw=None, initial_state_bw=None, dynamic=False, scope=None, "
                               "name='BiRNN'"),
}
# the cells' signatures; tflearn's defaults activation=tf.tanh / tf.nn.tanh and
# inner_activation=tf.sigmoid are written as the equivalent names
CELL_SIGS = {
    _R + "BasicLSTMCell": ("num_units, forget_bias=1.0, input_size=None, state_is_tuple=True, "
                           "activation='tanh', inner_activation='sigmoid', bias=True, weights_init=None, "
                           "trainable=True, restore=True, reuse=False, batch_norm=False"),
    _R + "GRUCell": ("num_units, input_size=None, activation='tanh', inner_activation='sigmoid', "
                     "bias=True, weights_init=None, trainable=True, restore=True, reuse=False"),
    _R + "BasicRNNCell": ("num_units, input_size=None, activation='tanh', bias=True, weights_init=None, "
                          "trainable=True, restore=True, reuse=False"),
}
_KERAS_CLS = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN",
              "BasicLSTMCell": "LSTM", "GRUCell": "GRU", "BasicRNNCell": "SimpleRNN"}
# per block of `units` Keras kernel columns: the width (in units) of the TF1 matrix it comes from
_WIDTHS = {"LSTM": (4, 4, 4, 4), "GRU": (2, 2, 1), "SimpleRNN": (1,)}
_SHAPE_FREE_INITS = {"normal", "truncated_normal", "uniform", "zeros"}


register_source("tf1_rnn", "TF1RNNGlorotUniform")

register_source("tf1_rnn", "TF1BlockConstant")


def _out(helpers, body: str) -> str:
    """Expected example output: ``import keras``, the helpers' definitions, ``body``."""
    return "import keras\n\n\n" + "".join(
        f"# tflearn-migrate helper: {h}\n{HELPERS[h].code}\n\n" for h in helpers) + body


def _calls(node: cst.CSTNode) -> list[cst.Call]:
    out: list[cst.Call] = []

    class V(cst.CSTVisitor):
        def visit_Call(self, n: cst.Call) -> None:
            out.append(n)

    node.visit(V())
    return out


def _all_names(node: cst.CSTNode) -> list[str]:
    out: list[str] = []

    class V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            out.append(n.value)

        def visit_Attribute(self, n: cst.Attribute) -> bool:
            n.value.visit(self)
            return False

        def visit_Arg(self, n: cst.Arg) -> bool:
            n.value.visit(self)
            return False

    node.visit(V())
    return out


def _names(node: cst.CSTNode) -> set[str]:
    return set(_all_names(node))


def _wrap_inner(node: cst.Call, width: int = 68) -> cst.Call:
    """``wrap_long_call`` for a call that is itself an argument of a wrapped call: its
    arguments one level deeper."""
    if len(code(node)) <= width or not node.args:
        return node

    def nl(last: str) -> cst.ParenthesizedWhitespace:
        return cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True,
                                           last_line=cst.SimpleWhitespace(last))

    args = [a.with_changes(comma=cst.Comma(whitespace_after=nl("    " if i == len(node.args) - 1 else "        ")))
            for i, a in enumerate(node.args)]
    return node.with_changes(whitespace_before_args=nl("        "), args=args)


def _float(x) -> cst.BaseExpression:
    return cst.parse_expression(float_repr(float(x)))


class Recurrent(LayerRule):
    ID = "TFM110"
    TRIGGERS = ("tflearn",)
    NAME = "recurrent"
    MESSAGE = "tflearn lstm/gru/simple_rnn/bidirectional_rnn -> keras.layers.LSTM/GRU/SimpleRNN/Bidirectional"
    RATIONALE = ("tflearn's cells are TF1 cells: one Glorot-uniform matrix over [input, state] "
                 "(Keras: Glorot kernel + orthogonal recurrent kernel), a run-time forget bias "
                 "(Keras: a bias initialized to 1), GRU with the reset gate before the matmul and "
                 "gate biases starting at 1, simple_rnn with sigmoid, dropout drawn per timestep, "
                 "and a bidirectional last output that pairs the backward cell's FIRST step; all "
                 "written out (see the module docstring).")
    SIGNATURES = SIGS

    # ---------------------------------------------------------------------------------
    def build(self, qname, b: BoundArgs, original):
        kind = qname.rsplit(".", 1)[1]
        if kind == "bidirectional_rnn":
            return self._bidirectional(b, original)
        check_scope(b)
        self._no_state(b, ("return_state", "initial_state"))
        return_seq = self._bool(b, "return_seq")
        dynamic = self._bool(b, "dynamic")
        in_keep, out_keep = self._keep_probs(b)
        incoming = b.node("incoming")
        dim = self._input_dim(b)
        kw = self._cell_kwargs(_KERAS_CLS[kind], b, dim, original)
        if return_seq:
            kw["return_sequences"] = True
        if not b.is_default("trainable"):
            kw["trainable"] = b.node("trainable")
        kw["name"] = name_kwarg(b)
        x = incoming
        if dynamic:
            if return_seq:
                raise Untranslatable("dynamic=True with return_seq=True (a Keras mask would reach "
                                     "the following layers; TF1 outputs zeros past the length)")
            self.report(original, "dynamic=True -> keras.layers.Masking(mask_value=0.0): the same "
                        "as tflearn's sequence length only when the all-zero timesteps are trailing "
                        "padding", severity=Severity.WARNING)
            x = apply_layer(call("keras.layers.Masking", mask_value=0.0), x)
        if in_keep is not None:
            x = apply_layer(call("keras.layers.Dropout", in_keep), x)
        out = apply_layer(wrap_long_call(call(f"keras.layers.{_KERAS_CLS[kind]}", b.node("n_units"), **kw)), x)
        if out_keep is not None:
            out = apply_layer(call("keras.layers.Dropout", out_keep), out)
        return out

    # ---------------------------------------------------------------------------------
    def _bidirectional(self, b: BoundArgs, original):
        self._no_state(b, ("return_states", "initial_state_fw", "initial_state_bw"))
        if self._bool(b, "dynamic"):
            raise Untranslatable("bidirectional_rnn(dynamic=True): TF1 reverses only the first "
                                 "`length` steps for the backward cell")
        return_seq = self._bool(b, "return_seq")
        incoming = b.node("incoming")
        dim = self._input_dim(b)
        layers = []
        units = []
        for side in ("rnncell_fw", "rnncell_bw"):
            cell, corig = b.node(side), b.orig(side)
            if isinstance(corig, cst.Name):
                cell = corig = self._cell_definition(corig, original)
            q = self.ctx.legacy_name(corig) if isinstance(corig, cst.Call) else None
            if q not in CELL_SIGS:
                raise Untranslatable(f"{side}={code(cell)}: only tflearn BasicLSTMCell / GRUCell / "
                                     "BasicRNNCell objects")
            assert isinstance(cell, cst.Call)
            cb = BoundArgs(cell, CELL_SIGS[q], corig)
            cname = q.rsplit(".", 1)[1]
            if cname == "BasicLSTMCell":
                if self._bool(cb, "batch_norm"):
                    raise Untranslatable("BasicLSTMCell(batch_norm=True)")
                if not self._bool(cb, "state_is_tuple"):
                    raise Untranslatable("BasicLSTMCell(state_is_tuple=False)")
            if cb.given("reuse") and literal(cb.node("reuse"), True) is not False:
                raise Untranslatable("cell reuse=True")
            kcls = _KERAS_CLS[cname]
            kw = self._cell_kwargs(kcls, cb, dim, corig, cell=True)
            kw["return_sequences"] = True
            if side == "rnncell_bw":
                kw["go_backwards"] = True
            if not cb.is_default("trainable"):
                kw["trainable"] = cb.node("trainable")
            units.append(literal(cb.node("num_units"), code(cb.node("num_units"))))
            layers.append(_wrap_inner(call(f"keras.layers.{kcls}", cb.node("num_units"), **kw)))
        if units[0] != units[1]:
            raise Untranslatable(f"forward and backward cells with different sizes ({units[0]}, {units[1]})")
        bi = wrap_long_call(call("keras.layers.Bidirectional", layers[0], backward_layer=layers[1],
                                 name=name_kwarg(b)))
        out: cst.BaseExpression = apply_layer(bi, incoming)
        if not return_seq:
            out = expr("{x}[:, -1]", x=out)
        return out

    # -- cells bound to a name: `fw = tflearn.BasicLSTMCell(n)` used by ONE bidirectional_rnn
    _dry = False

    def report(self, node, message=None, *, severity=None, fixed=False) -> None:
        if not self._dry:
            super().report(node, message, severity=severity, fixed=fixed)

    def _cell_definition(self, name: cst.Name, at: cst.CSTNode) -> cst.Call:
        """The (original) cell call bound to ``name`` by a ``name = tflearn.<Cell>(...)`` line
        whose name is read by ONE later statement of its scope only."""
        from ..analysis.flow import Flow, load_names

        flow = self.ctx.analysis(Flow)
        d = flow.def_of(name.value, at)
        why = f"cell {name.value!r} is not bound by a plain `{name.value} = tflearn.<Cell>(...)` line"
        if d is None or not isinstance(d.value, cst.Call) or self.ctx.legacy_name(d.value) not in CELL_SIGS:
            raise Untranslatable(why)
        st = d.stmt
        if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)
                and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name)):
            raise Untranslatable(why)
        scope, here = flow.index_of(at)
        if d.scope is not scope or scope.reassigned_after(d):
            raise Untranslatable(f"cell {name.value!r} is rebound")
        users = [i for i, s in enumerate(scope.statements) if i > d.index and name.value in load_names(
            s if isinstance(s, cst.SimpleStatementLine) else None)]
        compound_use = any(i > d.index and not isinstance(s, cst.SimpleStatementLine) and name.value in
                           load_names(s) for i, s in enumerate(scope.statements))
        if users != [here] or compound_use:
            raise Untranslatable(f"cell {name.value!r} is also used elsewhere")
        return d.value

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        """Remove ``fw = tflearn.BasicLSTMCell(n)`` when the one statement reading ``fw`` is a
        bidirectional_rnn call that translates (checked now, on the original nodes)."""
        if not (len(node.body) == 1 and isinstance(node.body[0], cst.Assign)
                and isinstance(node.body[0].value, cst.Call)
                and len(node.body[0].targets) == 1 and isinstance(node.body[0].targets[0].target, cst.Name)):
            return
        if self.ctx.legacy_name(node.body[0].value) not in CELL_SIGS:
            return
        from ..analysis.flow import Flow

        name = node.body[0].targets[0].target.value
        flow = self.ctx.analysis(Flow)
        scope, idx = flow.index_of(node)
        user = next((s for s in scope.statements[idx + 1:] if isinstance(s, cst.SimpleStatementLine)
                     and name in _names(s)), None)
        if user is None:
            return
        calls = [c for c in _calls(user) if self.ctx.legacy_name(c) == _R + "bidirectional_rnn"]
        n_uses = sum(1 for n in _all_names(user) if n == name)
        as_cell = 0
        for c in calls:
            try:
                cb = BoundArgs(c, SIGS[_R + "bidirectional_rnn"])
            except Exception:  # noqa: BLE001
                return
            as_cell += sum(1 for side in ("rnncell_fw", "rnncell_bw")
                           if isinstance(cb.node(side), cst.Name) and cb.node(side).value == name)
        if not calls or as_cell != n_uses:
            return
        self._dry = True
        try:
            for c in calls:
                self.build(_R + "bidirectional_rnn", BoundArgs(c, SIGS[_R + "bidirectional_rnn"]), c)
        except Exception:  # noqa: BLE001 - the call stays, with its TODO, and so does the cell
            return
        finally:
            self._dry = False
        self.ctx.remove_statement(node)

    # ---------------------------------------------------------------------------------
    def _cell_kwargs(self, kcls: str, b: BoundArgs, dim: cst.BaseExpression, original, cell: bool = False) -> dict:
        kw: dict = {}
        keras_default_act = "tanh"
        act = self._act(b, "activation")
        if act != keras_default_act:
            kw["activation"] = act
        if kcls in ("LSTM", "GRU"):
            inner = self._act(b, "inner_activation")
            if inner != "sigmoid":
                kw["recurrent_activation"] = inner
        if b.given("bias") and literal(b.node("bias"), True) is not True:
            self.report(original, "tflearn's RNN cells always add a bias (bias=False is ignored by "
                        "tflearn 0.5.0); the Keras layer keeps it", severity=Severity.WARNING)
        kinit, rinit = self._kernel_inits(kcls, b, dim)
        kw["kernel_initializer"] = kinit
        kw["recurrent_initializer"] = rinit
        if kcls == "LSTM":
            fb = b.node("forget_bias")
            fv = literal(fb, None)
            if isinstance(fv, bool) or (fv is not None and not isinstance(fv, (int, float))):
                raise Untranslatable(f"forget_bias={code(fb)}")
            if fv == 0:
                kw["unit_forget_bias"] = False
            elif fv != 1:
                kw["unit_forget_bias"] = False
                val = _float(fv) if fv is not None else fb
                kw["bias_initializer"] = call(self.ctx.use_helper("TF1BlockConstant"),
                                              to_node([_float(0), val, _float(0), _float(0)]))
        elif kcls == "GRU":
            kw["reset_after"] = False
            kw["bias_initializer"] = call(self.ctx.use_helper("TF1BlockConstant"),
                                          to_node([_float(1), _float(1), _float(0)]))
        return kw

    def _kernel_inits(self, kcls: str, b: BoundArgs, dim: cst.BaseExpression):
        node = b.node("weights_init")
        val = literal(node, "x")
        orig = b.orig("weights_init")
        q = self.ctx.legacy_name(orig) if orig is not None else None
        glorot = val is None or val == "xavier"
        if q == "tflearn.initializations.xavier" and isinstance(orig, cst.Call):
            xb = BoundArgs(orig, "uniform=True, seed=None, dtype=None")
            if xb.value("uniform", None) is not True:
                raise Untranslatable("xavier(uniform=False) kernel of a TF1 RNN cell")
            glorot = True
        if glorot:
            name = self.ctx.use_helper("TF1RNNGlorotUniform")
            return (call(name, dim, _WIDTHS[kcls]), call(name, dim, _WIDTHS[kcls]))
        kind = val if isinstance(val, str) else (q.rsplit(".", 1)[1] if q and q.startswith("tflearn.initializations.") else None)
        if kind is None:
            raise Untranslatable(f"weights_init={code(node)} of a TF1 RNN cell")
        if kind not in _SHAPE_FREE_INITS:
            raise Untranslatable(f"weights_init {kind!r}: its scale depends on the TF1 matrix "
                                 "[input + units, n * units], which Keras splits in two")
        return initializer(self.ctx, b, "weights_init"), initializer(self.ctx, b, "weights_init")

    def _act(self, b: BoundArgs, name: str) -> str | cst.BaseExpression:
        if not b.given(name):
            return literal(b.node(name))
        node, orig = b.node(name), b.orig(name)
        val = literal(node, None)
        if not isinstance(val, str):
            q = self.ctx.legacy_name(orig) if orig is not None else None
            if q and q.startswith("tflearn.activations.") and not isinstance(orig, cst.Call):
                val = q.rsplit(".", 1)[1]
            elif q in ("tensorflow.tanh", "tensorflow.nn.tanh", "tensorflow.math.tanh"):
                val = "tanh"
            elif q in ("tensorflow.sigmoid", "tensorflow.nn.sigmoid", "tensorflow.math.sigmoid"):
                val = "sigmoid"
            elif q in ("tensorflow.nn.relu",):
                val = "relu"
            else:
                raise Untranslatable(f"{name}={code(node)}")
        if val == "linear":
            return "linear"
        kw, wrap = _activation_by_name(val)
        if wrap is not None or kw is None:
            raise Untranslatable(f"{name}={val!r} (Keras RNNs take only an activation argument)")
        return literal(kw)

    def _keep_probs(self, b: BoundArgs):
        """-> (input drop rate node | None, output drop rate node | None)."""
        if not b.given("dropout"):
            return None, None
        node = b.node("dropout")
        val = literal(node, "x")
        if val is None:
            return None, None
        if isinstance(val, float):
            keeps = [val, val]
        elif isinstance(val, (tuple, list)) and len(val) == 2:
            keeps = list(val)
        elif isinstance(node, (cst.Tuple, cst.List)) and len(node.elements) == 2:
            keeps = [e.value for e in node.elements]
        else:
            raise Untranslatable(f"dropout={code(node)} (a float or an (input, output) keep "
                                 "probability pair)")
        out = []
        for k in keeps:
            if isinstance(k, cst.BaseExpression):
                out.append(expr("1 - {k}", k=k))
            elif isinstance(k, bool) or not isinstance(k, (int, float)):
                raise Untranslatable(f"dropout keep probability {k!r}")
            elif not 0 <= k <= 1:
                raise Untranslatable(f"dropout keep probability {k} not in [0, 1]")
            elif isinstance(k, float) and k == 1.0:
                out.append(None)          # DropoutWrapper skips a float keep of 1
            else:
                out.append(_float(round(1.0 - float(k), 10)))
        return out[0], out[1]

    def _input_dim(self, b: BoundArgs) -> cst.BaseExpression:
        """The incoming feature size: ``name.shape[-1]`` for a name, else a literal read from
        a nested tflearn embedding / input_data / return_seq RNN call."""
        incoming = b.node("incoming")
        if isinstance(incoming, cst.Name):
            return expr("{x}.shape[-1]", x=incoming)
        orig = b.orig("incoming")
        q = self.ctx.legacy_name(orig) if isinstance(orig, cst.Call) else None
        dim = None
        try:
            if q == "tflearn.layers.embedding_ops.embedding":
                from ..translate.tflearn import EMBEDDING_SIG as EMB_SIG
                dim = BoundArgs(orig, EMB_SIG).value("output_dim", None)
            elif q == "tflearn.layers.core.input_data":
                shape = BoundArgs(orig, "shape=None, placeholder=None, dtype=None, data_preprocessing=None, "
                                        "data_augmentation=None, name='InputData'").value("shape", None)
                dim = shape[-1] if isinstance(shape, (list, tuple)) and len(shape) == 3 else None
            elif q in (_R + "lstm", _R + "gru", _R + "simple_rnn"):
                ib = BoundArgs(orig, SIGS[q])
                dim = ib.value("n_units", None) if ib.value("return_seq", None) is True else None
        except Exception:  # noqa: BLE001 - unbindable nested call: no static size
            dim = None
        if isinstance(dim, int) and not isinstance(dim, bool):
            return to_node(dim)
        raise Untranslatable("the input's feature size is not static: the TF1 Glorot limit needs it "
                             "(assign the input to a variable first)")

    def _no_state(self, b: BoundArgs, names) -> None:
        for n in names:
            if b.given(n) and literal(b.node(n), "x") not in (None, False):
                raise Untranslatable(f"{n}= (TF1 state tuples differ from Keras' [h, c] lists)")

    @staticmethod
    def _bool(b: BoundArgs, name: str) -> bool:
        v = b.value(name, "x")
        if not isinstance(v, bool) and v is not None:
            raise Untranslatable(f"non-literal {name}={code(b.node(name))}")
        return bool(v)

    REQUIRES = ("TFM109",)
    VALID = [
        "import keras\nx = keras.layers.LSTM(32)(x)\n",
        "def lstm(x, n):\n    return x\ny = lstm(x, 3)\n",
    ]
    INVALID = [
        Case(
            "import tflearn\nnet = tflearn.lstm(net, 32, dropout=0.8)\n",
            _out(["TF1RNNGlorotUniform"],
                 "net = keras.layers.Dropout(0.2)(keras.layers.LSTM(\n    32,\n"
                 "    kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                 "    recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                 ")(keras.layers.Dropout(0.2)(net)))\n"),
        ),
        Case(
            "import tflearn\nnet = tflearn.gru(net, 16, return_seq=True)\nnet = tflearn.simple_rnn(net, 8)\n",
            _out(["TF1RNNGlorotUniform", "TF1BlockConstant"],
                 "net = keras.layers.GRU(\n    16,\n"
                 "    kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (2, 2, 1)),\n"
                 "    recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (2, 2, 1)),\n"
                 "    reset_after=False,\n    bias_initializer=TF1BlockConstant([1.0, 1.0, 0.0]),\n"
                 "    return_sequences=True,\n)(net)\n"
                 "net = keras.layers.SimpleRNN(\n    8,\n    activation='sigmoid',\n"
                 "    kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (1,)),\n"
                 "    recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (1,)),\n)(net)\n"),
        ),
        Case(
            "import tflearn\nnet = tflearn.lstm(net, 8, forget_bias=0.5, dropout=(1.0, 0.5), dynamic=True)\n",
            _out(["TF1RNNGlorotUniform", "TF1BlockConstant"],
                 "net = keras.layers.Dropout(0.5)(keras.layers.LSTM(\n    8,\n"
                 "    kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                 "    recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                 "    unit_forget_bias=False,\n    bias_initializer=TF1BlockConstant([0.0, 0.5, 0.0, 0.0]),\n"
                 ")(keras.layers.Masking(mask_value=0.0)(net)))\n"),
            ("TFM110",),
        ),
        Case(
            "import tflearn\nnet = tflearn.lstm(net, 8, weights_init='truncated_normal', activation='relu', "
            "inner_activation='tanh', forget_bias=0.0)\n",
            "import keras\n\nnet = keras.layers.LSTM(\n    8,\n    activation='relu',\n"
            "    recurrent_activation='tanh',\n"
            "    kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            "    recurrent_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
            "    unit_forget_bias=False,\n)(net)\n",
        ),
        Case(
            "import tflearn\nnet = tflearn.bidirectional_rnn(net, tflearn.BasicLSTMCell(8), tflearn.GRUCell(8))\n",
            _out(["TF1RNNGlorotUniform", "TF1BlockConstant"],
                 "net = keras.layers.Bidirectional(\n"
                 "    keras.layers.LSTM(\n"
                 "        8,\n"
                 "        kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                 "        recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                 "        return_sequences=True,\n"
                 "    ),\n"
                 "    backward_layer=keras.layers.GRU(\n"
                 "        8,\n"
                 "        kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (2, 2, 1)),\n"
                 "        recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (2, 2, 1)),\n"
                 "        reset_after=False,\n"
                 "        bias_initializer=TF1BlockConstant([1.0, 1.0, 0.0]),\n"
                 "        return_sequences=True,\n"
                 "        go_backwards=True,\n"
                 "    ),\n"
                 ")(net)[:, -1]\n")
        ),
        Case("import tflearn\nnet = tflearn.lstm(net, 8, return_state=True)\n", None, ("TFM110",), todo=True),
        Case("import tflearn\nnet = tflearn.lstm(net, 8, weights_init='uniform_scaling')\n", None, ("TFM110",),
             todo=True),
        Case("import tflearn\nnet = tflearn.lstm(tflearn.embedding(x, 20, 8), 8)\n",
             _out(["TF1RNNGlorotUniform"],
                  "net = keras.layers.LSTM(\n    8,\n"
                  "    kernel_initializer=TF1RNNGlorotUniform(8, (4, 4, 4, 4)),\n"
                  "    recurrent_initializer=TF1RNNGlorotUniform(8, (4, 4, 4, 4)),\n"
                  ")(keras.layers.Embedding(\n    20,\n    8,\n"
                  "    embeddings_initializer=keras.initializers.TruncatedNormal(stddev=0.02),\n"
                  ")(x))\n")),
        Case("import tflearn\nnet = tflearn.lstm(f(x), 8)\n", None, ("TFM110",), todo=True),
        Case("import tflearn\nnet = tflearn.bidirectional_rnn(net, tflearn.BasicRNNCell(4, activation='relu'), "
             "tflearn.BasicRNNCell(4), return_seq=True)\n",
             _out(["TF1RNNGlorotUniform"],
                  "net = keras.layers.Bidirectional(\n"
                  "    keras.layers.SimpleRNN(\n"
                  "        4,\n"
                  "        activation='relu',\n"
                  "        kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (1,)),\n"
                  "        recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (1,)),\n"
                  "        return_sequences=True,\n"
                  "    ),\n"
                  "    backward_layer=keras.layers.SimpleRNN(\n"
                  "        4,\n"
                  "        kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (1,)),\n"
                  "        recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (1,)),\n"
                  "        return_sequences=True,\n"
                  "        go_backwards=True,\n"
                  "    ),\n"
                  ")(net)\n")),
        Case("import tflearn\nfw = tflearn.BasicLSTMCell(4)\nbw = tflearn.BasicLSTMCell(4)\n"
             "net = tflearn.bidirectional_rnn(net, fw, bw)\n",
             _out(["TF1RNNGlorotUniform"],
                  "net = keras.layers.Bidirectional(\n"
                  "    keras.layers.LSTM(\n"
                  "        4,\n"
                  "        kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                  "        recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                  "        return_sequences=True,\n"
                  "    ),\n"
                  "    backward_layer=keras.layers.LSTM(\n"
                  "        4,\n"
                  "        kernel_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                  "        recurrent_initializer=TF1RNNGlorotUniform(net.shape[-1], (4, 4, 4, 4)),\n"
                  "        return_sequences=True,\n"
                  "        go_backwards=True,\n"
                  "    ),\n"
                  ")(net)[:, -1]\n")),
        Case("import tflearn\ncell = tflearn.BasicLSTMCell(8)\n"
             "net = tflearn.bidirectional_rnn(net, cell, cell, dynamic=True)\n", None, ("TFM110",), todo=True),
        Case("import tflearn\ncell = tflearn.BasicLSTMCell(8)\n"
             "net = tflearn.bidirectional_rnn(net, cell, cell)\nprint(cell)\n", None, ("TFM110",), todo=True),
    ]
