"""TFM149: a Session that only evaluates constant graphs (no variable, no training in the file)
-> the values computed eagerly (``keras.ops.convert_to_numpy``); tensors computed from fed
placeholders -> functions of the placeholders, called with the fed values."""
from __future__ import annotations

import libcst as cst

from ..emit import call
from ..translate.tf1 import dtype_of
from .base import Case, Rule
from ..analysis.constant_sessions import ConstantSessions


def _calls(node: cst.BaseExpression, calls: dict) -> cst.BaseExpression:
    """Names of placeholder-computed tensors -> calls of their functions."""
    class T(cst.CSTTransformer):
        def leave_Attribute(self, o, u):
            return u.with_changes(attr=o.attr)

        def leave_Arg(self, o, u):
            return u.with_changes(keyword=o.keyword)

        def leave_Name(self, o, u):
            if o.value in calls:
                return cst.Call(func=cst.Name(o.value), args=[cst.Arg(cst.Name(p)) for p in calls[o.value]])
            return u

    return node.visit(T())


class ConstantSession(Rule):
    ID = "TFM149"
    TRIGGERS = ("tensorflow",)
    NAME = "constant-session"
    MESSAGE = "Session evaluating constant graphs -> values computed eagerly (keras.ops.convert_to_numpy)"
    RATIONALE = ("In a file with no placeholder, variable, optimizer, summary or dataset, a TF1 "
                 "Session only evaluates constant expressions: `sess.run(t)` returned t's value as "
                 "NumPy, which keras.ops computes eagerly; `convert_to_numpy` gives the same array "
                 "(nested fetches through keras.tree.map_structure). The Session, `close()` and "
                 "`with tf.Session() as s:` disappear (the body is kept). Placeholders in such a file "
                 "(no variable, optimizer, summary, dataset) make the graph a pure function of the feeds: "
                 "a tensor computed from them becomes `def t(p1, p2): return expr`, and `s.run(t, {p1: v1, "
                 "p2: v2})` calls it with the values cast to the placeholders' dtypes (what feeding did); "
                 "anything else reading them keeps the file TFM140's. Sessions with a config, other "
                 "feeds, or used otherwise are left to TFM140 / TODO.")

    def _sessions(self) -> ConstantSessions:
        return self.ctx.analysis(ConstantSessions)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if not (isinstance(original.func, cst.Attribute) and original.func.attr.value == "run"):
            return updated
        s = self._sessions()
        if s.session_of(original) is None:
            return updated
        fetch = updated.args[0].value
        self.ctx.add_import("keras")
        self.ctx.count(self)
        fed = s.fed_runs.get(id(original))
        if fed is not None:  # a function of the placeholders, called with the fed values
            fn, params, elements = fed
            feed = s._feed(updated)
            values = {id(o): u.value for o, u in zip(s._feed(original).elements, feed.elements)}
            args = []
            for (pname, dtype), el in zip(params, elements):
                dt = dtype_of(self.ctx, dtype, dtype) if dtype is not None else None
                args.append(cst.Arg(call("keras.ops.convert_to_tensor", values[el], dtype=dt)))
            return call("keras.ops.convert_to_numpy", cst.Call(func=cst.Name(fn), args=args))
        if isinstance(fetch, (cst.List, cst.Tuple, cst.Dict)):
            return call("keras.tree.map_structure", cst.parse_expression("keras.ops.convert_to_numpy"), fetch)
        return call("keras.ops.convert_to_numpy", fetch)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        if len(original.body) != 1:
            return updated
        s = self._sessions()
        if not s.names:
            return updated
        if id(original) in s.placeholder_stmts:
            self.ctx.count(self)
            return cst.RemoveFromParent()
        fn = s.functions.get(id(original))
        if fn is not None:
            name, params, calls = fn
            value = _calls(updated.body[0].value, calls)
            self.ctx.count(self)
            return cst.FunctionDef(
                name=cst.Name(name), params=cst.Parameters([cst.Param(cst.Name(p)) for p in params]),
                body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(value)])]),
                leading_lines=original.leading_lines)
        if not isinstance(getattr(original.body[0], "value", None), cst.Call):
            return updated
        b = original.body[0]
        if (isinstance(b, cst.Assign) and len(b.targets) == 1 and isinstance(b.targets[0].target, cst.Name)
                and b.targets[0].target.value in s.names):
            return cst.RemoveFromParent()
        if isinstance(b, cst.Expr) and s.session_of(b.value) and b.value.func.attr.value == "close":
            return cst.RemoveFromParent()
        return updated

    def leave_With(self, original: cst.With, updated: cst.With):
        if len(original.items) != 1 or original.items[0].asname is None:
            return updated
        s = self._sessions()
        if not s.names:
            return updated
        item = original.items[0]
        if not (isinstance(item.asname, cst.AsName) and isinstance(item.asname.name, cst.Name)
                and item.asname.name.value in s.names and isinstance(updated.body, cst.IndentedBlock)):
            return updated
        body = list(updated.body.body)
        if body:
            lead = list(updated.leading_lines) + list(body[0].leading_lines)
            body[0] = body[0].with_changes(leading_lines=lead)
        return cst.FlattenSentinel(body)

    VALID = [
        "import tensorflow as tf\nx = tf.placeholder(tf.float32)\nsess = tf.Session()\nprint(sess.run(x, {x: 1.0}))\n",
        "import tensorflow as tf\nsess = tf.Session(config=cfg)\nprint(sess.run(a))\n",
        "import tensorflow as tf\nsess = tf.Session()\nprint(sess.run(a))\nreport(sess)\n",
        "import tensorflow as tf\nv = tf.Variable(1.0)\nsess = tf.Session()\nprint(sess.run(v))\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nhello = tf.constant('Hello')\nsess = tf.Session()\nprint(sess.run(hello))\n",
             "import keras\n\nhello = keras.ops.convert_to_tensor('Hello')\nprint(keras.ops.convert_to_numpy(hello))\n",
             (), ),
        Case("import tensorflow as tf\na = tf.constant(2)\nwith tf.Session() as sess:\n    # add\n"
             "    print(sess.run([a, a * 3]))\n    sess.close()\n",
             "import keras\n\na = keras.ops.convert_to_tensor(2)\n# add\n"
             "print(keras.tree.map_structure(keras.ops.convert_to_numpy, [a, a * 3]))\n"),
    ]
    INVALID = [*INVALID,
               # placeholders and constants only (TensorFlow-Examples' basic_operations): each tensor
               # computed from placeholders is a function of them, each fed run calls it with the fed
               # values cast to the placeholders' dtypes; `a` is a constant first, a placeholder later
               Case('import tensorflow as tf\na = tf.constant(2)\nwith tf.Session() as sess:\n    print(sess.run(a * 3))\na = tf.placeholder(tf.int16)\nb = tf.placeholder(tf.int16, shape=[])\ns = tf.add(a, b)\nm = s * b\nwith tf.Session() as sess:\n    print(sess.run(s, feed_dict={a: 2, b: 3}))\n    print(sess.run(m, {b: 4, a: 1}))\n',
                    "import keras\n\na = keras.ops.convert_to_tensor(2)\nprint(keras.ops.convert_to_numpy(a * 3))\ndef s(a, b):\n    return keras.ops.add(a, b)\ndef m(a, b):\n    return s(a, b) * b\nprint(keras.ops.convert_to_numpy(s(keras.ops.convert_to_tensor(2, dtype='int16'), keras.ops.convert_to_tensor(3, dtype='int16'))))\nprint(keras.ops.convert_to_numpy(m(keras.ops.convert_to_tensor(1, dtype='int16'), keras.ops.convert_to_tensor(4, dtype='int16'))))\n")]
    VALID = [*VALID,
             # a placeholder-computed tensor fetched in a list: not translated here (TFM140's)
             "import tensorflow as tf\na = tf.placeholder(tf.float32)\ns = a * 2\nsess = tf.Session()\n"
             "print(sess.run([s], {a: 1.0}))\n",
             # ... or read by something else than a run
             "import tensorflow as tf\na = tf.placeholder(tf.float32)\ns = a * 2\nprint(s)\nsess = tf.Session()\n"
             "print(sess.run(s, {a: 1.0}))\n"]
    REQUIRES = ("TFM130",)
