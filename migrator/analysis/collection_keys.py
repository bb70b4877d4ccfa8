"""TF1's own collection keys spelled as strings, written as the ``GraphKeys`` names (rule TFM229's
pre-step): a pure function of the source.

``tf.GraphKeys.UPDATE_OPS`` IS the string ``"update_ops"`` (TF1's ``GraphKeys`` class holds the
strings), so ``tf.get_collection("update_ops")`` reads the same collection the batch norms fill::

    update_ops = tf.get_collection("update_ops")        # -> tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train = opt.minimize(loss)

The analyses follow the collections by their ``GraphKeys`` names; spelled as a string, the batch
norm updates a train op depends on read as "no train op runs the UPDATE_OPS" and the translated
batch norms never moved their statistics (a silent change). Written with the name, the program is
the same TF1 program. Only the keys of TF1's own collections whose meaning the rules follow
(update ops, regularization losses, the variable lists); ``"losses"`` is read as LOSSES where it
is (analysis/loss_collection.py) and a user's own key is TFM183's.
"""
from __future__ import annotations

import libcst as cst

from ..names import dotted
from .placeholder_forms import _tf_aliases

KEYS = {"update_ops": "UPDATE_OPS", "regularization_losses": "REGULARIZATION_LOSSES",
        "trainable_variables": "TRAINABLE_VARIABLES", "variables": "GLOBAL_VARIABLES",
        "model_variables": "MODEL_VARIABLES", "moving_average_variables": "MOVING_AVERAGE_VARIABLES"}
_CALLS = ("get_collection", "get_collection_ref", "add_to_collection")


def spell_collection_keys(module: cst.Module) -> cst.Module | None:
    tf = _tf_aliases(module)
    if not tf:
        return None
    heads = {f"{a}.{n}": a for a in tf for n in _CALLS} | {f"{a}.compat.v1.{n}": f"{a}.compat.v1"
                                                           for a in tf for n in _CALLS}
    new_keys: dict[int, cst.BaseExpression] = {}

    class _Find(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            head = heads.get(dotted(node.func) or "")
            if head is None:
                return
            arg = next((a for a in node.args if a.keyword is not None and a.keyword.value in ("key", "name")), None) \
                or (node.args[0] if node.args and node.args[0].keyword is None and not node.args[0].star else None)
            if arg is None or not isinstance(arg.value, cst.SimpleString):
                return
            key = KEYS.get(arg.value.evaluated_value)
            if key is not None:
                new_keys[id(arg.value)] = cst.parse_expression(f"{head}.GraphKeys.{key}")

    module.visit(_Find())
    if not new_keys:
        return None

    class _Write(cst.CSTTransformer):
        def leave_SimpleString(self, original, updated):
            return new_keys.get(id(original), updated)

    return module.visit(_Write())
