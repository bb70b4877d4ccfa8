"""A list of per-variable terms built by a loop over ``tf.trainable_variables()`` written as the
list comprehension (rule TFM214's pre-step): a pure function of the source.

The form (a stacked-triplet descriptor repository's ``_l2_loss``, and weight decays like it)::

    l2_losses = []
    for var in tf.trainable_variables():
        l2_losses.append(tf.nn.l2_loss(var))
    decay = tf.multiply(w, tf.add_n(l2_losses))

TF1 semantics: the loop makes one op per variable, in the collection's order, and appends it;
``l2_losses = [tf.nn.l2_loss(var) for var in tf.trainable_variables()]`` makes the same ops in the
same order and the same list. Written so, TFM140's weight-decay analysis sees its comprehension
form.

Only ``L = []`` immediately followed, in the same block, by ``for v in <tf>.trainable_variables():``
(no arguments, no ``else``) whose body is the one statement ``L.append(E)``, where ``E`` reads
neither ``L`` nor binds a name, and the loop variable ``v`` is read nowhere else in the file (after
the loop it would still be bound in TF1's program, not in the comprehension's). Anything else is
left as written.
"""
from __future__ import annotations

import libcst as cst

from .blocks import BlockRewriter

from ..cstcache import walk
from ..names import dotted
from .graph_datasets import tf_aliases
from .trainer_objects import _bound


def _empty_list(st) -> str | None:
    if isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign) \
            and len(st.body[0].targets) == 1 and isinstance(st.body[0].targets[0].target, cst.Name) \
            and isinstance(st.body[0].value, cst.List) and not st.body[0].value.elements:
        return st.body[0].targets[0].target.value
    return None


class _Rewrite(BlockRewriter):
    def __init__(self, tf: set[str], counts: dict[str, int]) -> None:
        super().__init__()
        self.tf = tf
        self.counts = counts

    def _term(self, loop, name: str):
        """``E`` of ``for v in <tf>.trainable_variables(): name.append(E)`` (None: not the form)."""
        if not isinstance(loop, cst.For) or loop.orelse is not None or loop.asynchronous is not None \
                or not isinstance(loop.target, cst.Name):
            return None
        it = loop.iter
        d = dotted(it.func) if isinstance(it, cst.Call) else None
        root, _, rest = (d or "").partition(".")
        if it.args or root not in self.tf or rest not in ("trainable_variables", "compat.v1.trainable_variables"):
            return None
        body = loop.body.body if isinstance(loop.body, cst.IndentedBlock) else ()
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1 \
                or not isinstance(body[0].body[0], cst.Expr):
            return None
        c = body[0].body[0].value
        if not (isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name)
                and c.func.value.value == name and c.func.attr.value == "append" and len(c.args) == 1
                and c.args[0].keyword is None and not c.args[0].star):
            return None
        e = c.args[0].value
        v = loop.target.value
        if any(isinstance(n, cst.Name) and n.value == name for n in walk(e)) or _bound(e, nested=True):
            return None
        reads = sum(1 for n in walk(e) if isinstance(n, cst.Name) and n.value == v)
        if self.counts.get(v, 0) != reads + 1:  # the loop's target and E's reads: nothing else in the file
            return None
        return e

    def _block(self, body):
        out = list(body)
        before = self.changed
        i = 0
        while i + 1 < len(out):
            name = _empty_list(out[i])
            e = self._term(out[i + 1], name) if name is not None else None
            if e is None:
                i += 1
                continue
            loop = out[i + 1]
            comp = cst.ListComp(elt=e, for_in=cst.CompFor(target=loop.target, iter=loop.iter))
            out[i] = out[i].with_changes(body=[out[i].body[0].with_changes(value=comp)])
            del out[i + 1]
            self.changed += 1
            i += 1
        return out if self.changed != before else None


def comprehend_variable_loops(module: cst.Module) -> cst.Module | None:
    tf = set(tf_aliases(module))
    if not tf:
        return None
    counts: dict[str, int] = {}
    for n in walk(module):
        if isinstance(n, cst.Name):
            counts[n.value] = counts.get(n.value, 0) + 1
    r = _Rewrite(tf, counts)
    new = module.visit(r)
    return new if r.changed else None
