"""Where a TF1 dropout keep probability comes from (shared by TFM134 tf.nn.dropout and TFM158's
DropoutWrapper): a placeholder fed one constant in every training run (and 1.0 elsewhere)
becomes Keras' training-only dropout with that rate.

``dropout_keep_arg(ctx, arg)`` says whether an argument is a dropout keep probability that the
translation reads only through the fed value (tf.nn.dropout's ``keep_prob``, a DropoutWrapper's
``input_keep_prob`` / ``output_keep_prob`` / ``state_keep_prob``) - what a program analysis
needs to let such a placeholder disappear.
"""
from __future__ import annotations

import libcst as cst

from ..emit import code
from ._tf1_program import TF1Program, _walk
from ._tflearn import Untranslatable

NN_DROPOUT = ("tensorflow.nn.dropout", "tensorflow.contrib.layers.dropout")
DROPOUT_WRAPPERS = ("tensorflow.contrib.rnn.DropoutWrapper", "tensorflow.nn.rnn_cell.DropoutWrapper",
                    "tensorflow.contrib.rnn.core_rnn_cell.DropoutWrapper")
WRAPPER_SIG = ("cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0, "
               "variational_recurrent=False, input_size=None, dtype=None, seed=None, "
               "dropout_state_filter_visitor=None")
WRAPPER_KEEPS = ("input_keep_prob", "output_keep_prob", "state_keep_prob")  # positions 1, 2, 3


def dropout_keep_arg(ctx, arg: cst.CSTNode) -> bool:
    """``arg`` (an original ``cst.Arg``) is the keep probability of a tf.nn.dropout (``keep_prob=``
    or the 2nd positional) or of a DropoutWrapper (``*_keep_prob=`` or positions 2-4)."""
    if not isinstance(arg, cst.Arg) or arg.star:
        return False
    c = ctx.parent(arg)
    if not isinstance(c, cst.Call):
        return False
    q = ctx.legacy_name(c)
    kw = arg.keyword.value if arg.keyword is not None else None
    i = list(c.args).index(arg)
    if q in NN_DROPOUT:
        return kw == "keep_prob" or (kw is None and i == 1)
    if q in DROPOUT_WRAPPERS:
        return kw in WRAPPER_KEEPS or (kw is None and 1 <= i <= 3)
    return False


class KeepProbResolver:
    """Mixin for rules (``self.ctx``): the constant a keep-probability placeholder is fed in the
    training runs."""

    def _placeholder_attribute(self, keep: cst.BaseExpression) -> bool:
        """``self.keep_prob`` where a method of the enclosing class sets
        ``self.keep_prob = tf.placeholder(...)``."""
        if not (isinstance(keep, cst.Attribute) and isinstance(keep.value, cst.Name)):
            return False
        me, attr = keep.value.value, keep.attr.value
        cls = self.ctx.parent(keep)
        while cls is not None and not isinstance(cls, cst.ClassDef):
            cls = self.ctx.parent(cls)
        if cls is None:
            return False

        found = []
        ctx = self.ctx

        class V(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                if any(isinstance(t.target, cst.Attribute) and isinstance(t.target.value, cst.Name)
                       and t.target.value.value == me and t.target.attr.value == attr for t in node.targets) \
                        and isinstance(node.value, cst.Call) \
                        and (ctx.legacy_name(node.value) or "").startswith("tensorflow.placeholder"):
                    found.append(node)

        cls.visit(V())
        return bool(found)

    def _class_keep_prob(self, keep: cst.Attribute):
        """``self.<attr>``: the constant its class's training runs feed it (TF1Classes), None if
        it is not such a placeholder."""
        from ..analysis.tf1_classes import TF1Classes

        return self.ctx.analysis(TF1Classes).keep_prob(keep)

    def _fed_value(self, name: str, at: cst.CSTNode):
        arg = self._passed_as(name, at)
        if arg is not None:  # conv_net(x, weights, biases, keep_prob): the parameter is the placeholder
            return self._fed_value(arg.value, arg)
        attrs = self._method_args(name, at)
        if attrs:  # self.tower(x, self.keep_prob): the method's parameter is the class's placeholder
            vals = {self._class_keep_prob(a) for a in attrs}
            if len(vals) == 1 and None not in vals:
                return vals.pop()
            raise Untranslatable(f"keep probability {name} is {code(attrs[0])}, not a placeholder of a translated "
                                 "class fed one constant in its training runs and 1.0 elsewhere")
        tp = self.ctx.analysis(TF1Program)
        progs = [tp.program_of(at)] + list(tp.programs.values())
        for prog in progs:
            if prog is None or name not in prog.placeholders:
                continue
            from ..emit import literal

            vals = {literal(v, None) for r, v in prog.fed_values(name) if r.train_op is not None}
            if len(vals) == 1:
                return vals.pop()
            raise Untranslatable(f"{name} is fed {sorted(map(str, vals)) or 'nothing'} in the training runs")
        raise Untranslatable(f"keep_prob {name} is not a placeholder fed with a constant")

    def _param_of(self, name: str, at: cst.CSTNode):
        """(function, parameter index) when ``name`` is a parameter of the function holding ``at``,
        never rebound there; None otherwise."""
        from ..analysis.flow import Flow

        flow = self.ctx.analysis(Flow)
        scope = flow.scope_of(at)
        fn = scope.node
        if not isinstance(fn, cst.FunctionDef) or fn.decorators:
            return None
        defs = scope.by_name.get(name, ())
        if len(defs) != 1 or defs[0].index != -1:
            return None
        params = list(fn.params.params)
        idx = next((i for i, p in enumerate(params) if p.name.value == name), None)
        return None if idx is None else (fn, idx)

    def _passed_as(self, name: str, at: cst.CSTNode) -> cst.Name | None:
        """``name`` is a parameter of the module function holding ``at``, never rebound there, and
        that function is called once in the file with a plain name for it: that name."""
        found = self._param_of(name, at)
        if found is None or found[0] not in self.ctx.module.body:
            return None
        fn, _ = found
        params = list(fn.params.params)
        refs = [n for n in _walk(self.ctx.module) if isinstance(n, cst.Name) and n.value == fn.name.value
                and n is not fn.name]
        if len(refs) != 1:
            return None
        c = self.ctx.parent(refs[0])
        if not isinstance(c, cst.Call) or c.func is not refs[0] or any(a.star for a in c.args):
            return None
        for i, a in enumerate(c.args):
            if (a.keyword is None and i < len(params) and params[i].name.value == name) or (
                    a.keyword is not None and a.keyword.value == name):
                return a.value if isinstance(a.value, cst.Name) else None
        return None

    def _method_args(self, name: str, at: cst.CSTNode) -> list:
        """``name`` is a parameter of a method (``def tower(self, x, dropout)``) that the class
        calls only as ``self.tower(...)``, each call passing ``self.<attr>`` for it: those
        attributes (empty when the method is read any other way)."""
        found = self._param_of(name, at)
        if found is None:
            return []
        fn, idx = found
        body = self.ctx.parent(fn)
        cls = self.ctx.parent(body) if body is not None else None
        if not isinstance(cls, cst.ClassDef) or idx == 0:
            return []
        me = fn.params.params[0].name.value
        out = []
        for n in _walk(self.ctx.module):
            if not (isinstance(n, cst.Attribute) and n.attr.value == fn.name.value):
                continue
            c = self.ctx.parent(n)
            inside = cls
            p = n
            while p is not None and p is not inside:
                p = self.ctx.parent(p)
            if p is None or not (isinstance(n.value, cst.Name) and n.value.value == me) \
                    or not isinstance(c, cst.Call) or c.func is not n or any(a.star for a in c.args):
                return []
            a = next((a for i, a in enumerate(c.args) if (a.keyword is None and i == idx - 1)
                      or (a.keyword is not None and a.keyword.value == name)), None)
            if a is None or not (isinstance(a.value, cst.Attribute) and isinstance(a.value.value, cst.Name)
                                 and a.value.value.value == me):
                return []
            out.append(a.value)
        return out
