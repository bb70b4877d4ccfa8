"""Translated code that still calls a TF1-only method: ``keras.optimizers.SGD(...).minimize(loss)``.

TFM133 translates ``tf.train.*Optimizer`` constructors; where the program around it is not
turned into ``model.compile`` (TFM140), the ``minimize`` / ``compute_gradients`` call stays and
would fail at run time (Keras 3 optimizers have neither). The engine marks such lines.
"""
from __future__ import annotations

import libcst as cst

from ..cstcache import children_of
from ..names import dotted


def _walk(node: cst.CSTNode):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(children_of(n))

TF1_ONLY = {"minimize": "minimize(loss)", "compute_gradients": "compute_gradients(loss)"}
MESSAGE = ("Keras 3 optimizers have no {m}: compile a keras.Model with this optimizer "
           "(or write a train_step with keras.ops / GradientTape)")


def tf1_optimizer_calls(stmt: cst.SimpleStatementLine, is_tf1_optimizer) -> list[str]:
    """Methods of ``TF1_ONLY`` called on a Keras optimizer in ``stmt`` (an output line):
    the receiver is a ``keras.optimizers.X(...)`` call, or a name ``is_tf1_optimizer(name)``
    says was bound to a TF1 optimizer in the input."""
    found: list[str] = []
    # (no attribute named like one of them anywhere in the line: nothing to find; a walk of
    # the fields is several times cheaper than a libcst visitor, run for every output line)
    if not any(type(n) is cst.Attribute and n.attr.value in TF1_ONLY for n in _walk(stmt)):
        return found

    class V(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            f = node.func
            if not isinstance(f, cst.Attribute) or f.attr.value not in TF1_ONLY:
                return
            r = f.value
            if isinstance(r, cst.Call) and (dotted(r.func) or "").startswith("keras.optimizers."):
                found.append(TF1_ONLY[f.attr.value])
            elif isinstance(r, cst.Name) and is_tf1_optimizer(r.value):
                found.append(TF1_ONLY[f.attr.value])

    stmt.visit(V())
    return found
