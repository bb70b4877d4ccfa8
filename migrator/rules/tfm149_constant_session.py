"""TFM149: a Session that only evaluates constant graphs (no placeholder, no variable, no
training in the file) -> the values computed eagerly (``keras.ops.convert_to_numpy``)."""
from __future__ import annotations

import libcst as cst

from .. import cstcache
from ..emit import call
from .base import Case, Rule

_SESSIONS = ("tensorflow.Session", "tensorflow.InteractiveSession", "tensorflow.compat.v1.Session")
# anything that makes a graph stateful or fed: the program rules (TFM140...) own such files
_STATEFUL = ("tensorflow.placeholder", "tensorflow.placeholder_with_default", "tensorflow.Variable",
             "tensorflow.get_variable", "tensorflow.global_variables_initializer",
             "tensorflow.initialize_all_variables", "tensorflow.local_variables_initializer",
             "tensorflow.train.", "tensorflow.data.", "tensorflow.compat.v1.placeholder",
             "tensorflow.summary.", "tensorflow.assign", "tensorflow.while_loop", "tensorflow.py_func")


class ConstantSessions:
    """Session names (module-level or function-level, bound once) whose every use is
    ``s.run(fetches)`` without a feed or ``s.close()``, in a file with no stateful TF1 call."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.names: set[str] = set()
        module = ctx.module
        binders: dict[str, list] = {}
        names: dict[str, list] = {}
        for n in cstcache.walk(module):
            if isinstance(n, cst.Call):
                q = ctx.legacy_name(n.func) or ""
                if any(q == s or (s.endswith(".") and q.startswith(s)) for s in _STATEFUL):
                    return
                if q in _SESSIONS:
                    if n.args:
                        return  # config= / target= / graph=: not a plain session
                    p = ctx.parent(n)
                    if isinstance(p, cst.Assign) and len(p.targets) == 1 and isinstance(p.targets[0].target, cst.Name):
                        binders.setdefault(p.targets[0].target.value, []).append(p)
                    elif (isinstance(p, cst.WithItem) and isinstance(p.asname, cst.AsName)
                          and isinstance(p.asname.name, cst.Name)):
                        binders.setdefault(p.asname.name.value, []).append(p)
                    else:
                        return
            elif isinstance(n, cst.Name):
                names.setdefault(n.value, []).append(n)
        for name, bs in binders.items():
            if len(bs) != 1 and not all(isinstance(b, cst.WithItem) for b in bs):
                continue
            if all(self._ok_use(n, bs) for n in names.get(name, ())):
                self.names.add(name)

    def _ok_use(self, name: cst.Name, binders) -> bool:
        p = self.ctx.parent(name)
        if isinstance(p, cst.AssignTarget) and isinstance(self.ctx.parent(p), cst.Assign) and self.ctx.parent(p) in binders:
            return True
        if isinstance(p, cst.AsName) and self.ctx.parent(p) in binders:
            return True
        if isinstance(p, cst.Attribute) and p.value is name:
            c = self.ctx.parent(p)
            if isinstance(c, cst.Call) and c.func is p:
                if p.attr.value == "close" and not c.args:
                    return True
                if p.attr.value == "run" and len(c.args) == 1 and c.args[0].keyword is None and not c.args[0].star:
                    return True
        return False

    def session_of(self, node: cst.CSTNode) -> str | None:
        """The session name of ``s.run(...)`` / ``s.close()`` (an original node), if translated."""
        if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                and isinstance(node.func.value, cst.Name) and node.func.value.value in self.names):
            return node.func.value.value
        return None


class ConstantSession(Rule):
    ID = "TFM149"
    NAME = "constant-session"
    MESSAGE = "Session evaluating constant graphs -> values computed eagerly (keras.ops.convert_to_numpy)"
    RATIONALE = ("In a file with no placeholder, variable, optimizer, summary or dataset, a TF1 "
                 "Session only evaluates constant expressions: `sess.run(t)` returned t's value as "
                 "NumPy, which keras.ops computes eagerly; `convert_to_numpy` gives the same array "
                 "(nested fetches through keras.tree.map_structure). The Session, `close()` and "
                 "`with tf.Session() as s:` disappear (the body is kept). Sessions with a config, "
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
        if isinstance(fetch, (cst.List, cst.Tuple, cst.Dict)):
            return call("keras.tree.map_structure", cst.parse_expression("keras.ops.convert_to_numpy"), fetch)
        return call("keras.ops.convert_to_numpy", fetch)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        if len(original.body) != 1 or not isinstance(getattr(original.body[0], "value", None), cst.Call):
            return updated
        s = self._sessions()
        if not s.names:
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
    REQUIRES = ("TFM130",)
