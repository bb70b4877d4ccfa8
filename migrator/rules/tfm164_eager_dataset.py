"""TFM164: an eager ``tf.data`` pipeline (``Dataset.from_tensor_slices`` + ``repeat`` / ``batch`` /
``prefetch``, iterated by ``tfe.Iterator`` / ``iter`` / ``for``) -> the ``TF1Dataset`` helper
(NumPy), which yields the same elements in the same order."""
from __future__ import annotations

import libcst as cst

from .. import cstcache
from .base import Case, Rule
from ..translate.tf1_helpers import FROM_SLICES, TF1_DATASET

_METHODS = {"repeat": 1, "batch": 2, "prefetch": 1}  # supported methods: most positional arguments


class EagerDatasets:
    """Module-level names bound to ``tf.data.Dataset.from_tensor_slices(x)`` whose every read is a
    rebinding through supported methods (``d = d.repeat().batch(b)``), ``tfe.Iterator(d)``,
    ``iter(d)`` or ``for ... in d``; and the iterator names over them."""

    def __init__(self, ctx) -> None:
        from .tfm163_contrib_eager import Eager

        self.ctx = ctx
        self.eager = ctx.analysis(Eager)
        module = ctx.module
        names: dict[str, list[cst.Name]] = {}
        for n in cstcache.walk(module):
            if isinstance(n, cst.Name):
                names.setdefault(n.value, []).append(n)
        self.sources: set[int] = set()  # id(from_tensor_slices call)
        self.iterators: set[int] = set()  # id(tfe.Iterator call)
        for st in module.body:
            if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)):
                continue
            a = st.body[0]
            v = a.value
            if not (len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name) and isinstance(v, cst.Call)
                    and ctx.legacy_name(v.func) == FROM_SLICES and len(v.args) == 1 and v.args[0].keyword is None
                    and not v.args[0].star):
                continue
            name = a.targets[0].target.value
            iters = self._uses_ok(name, names, a)
            if iters is not None:
                self.sources.add(id(v))
                self.iterators.update(id(c) for c in iters)

    def _uses_ok(self, name: str, names, source: cst.Assign) -> list[cst.Call] | None:
        iters = []
        for n in names.get(name, ()):
            p = self.ctx.parent(n)
            if isinstance(p, cst.AssignTarget):
                a = self.ctx.parent(p)
                if a is source or self._rebinding(name, a.value):
                    continue
                return None
            if isinstance(p, cst.Attribute) and p.value is n:
                # d.repeat()...: the receiver of a supported chain rebinding d
                top = p
                while True:
                    c = self.ctx.parent(top)
                    if not (isinstance(c, cst.Call) and c.func is top):
                        return None
                    nxt = self.ctx.parent(c)
                    if isinstance(nxt, cst.Attribute) and nxt.value is c:
                        top = nxt
                        continue
                    break
                a = self.ctx.parent(c)
                if isinstance(a, cst.Assign) and a.value is c and self._rebinding(name, c):
                    continue
                return None
            if isinstance(p, cst.Arg) and p.keyword is None and not p.star:
                c = self.ctx.parent(p)
                if isinstance(c, cst.Call) and len(c.args) == 1 and (
                        self.eager.qname(c.func) == "tensorflow.contrib.eager.Iterator"):
                    iters.append(c)
                    continue
                if isinstance(c, cst.Call) and len(c.args) == 1 and isinstance(c.func, cst.Name) \
                        and c.func.value == "iter":
                    continue
                return None
            if isinstance(p, cst.For) and p.iter is n:
                continue
            return None
        return iters

    def _rebinding(self, name: str, value) -> bool:
        """``value`` is ``name.m1(...).m2(...)`` with supported methods only, bound to ``name``."""
        node = value
        while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            m = node.func.attr.value
            if m not in _METHODS or any(a.star for a in node.args) or len(node.args) > _METHODS[m]:
                return False
            if m == "batch" and any(a.keyword is not None and a.keyword.value != "drop_remainder"
                                    and a.keyword.value != "batch_size" for a in node.args):
                return False
            node = node.func.value
        if not (isinstance(node, cst.Name) and node.value == name and node is not value):
            return False
        p = self.ctx.parent(value)
        return (isinstance(p, cst.Assign) and len(p.targets) == 1 and isinstance(p.targets[0].target, cst.Name)
                and p.targets[0].target.value == name)

    def iterator_ok(self, c: cst.Call) -> bool:
        return id(c) in self.iterators


class EagerDataset(Rule):
    ID = "TFM164"
    TRIGGERS = ("tensorflow",)
    NAME = "eager-dataset"
    MESSAGE = "eager tf.data from_tensor_slices / repeat / batch / prefetch -> TF1Dataset helper (NumPy)"
    RATIONALE = (
        "In eager mode a tf.data pipeline is a Python iterable of tensors. For from_tensor_slices "
        "(tuples/dicts of arrays; Python values converted as TF did: float32 / int32), repeat(count=None) "
        "(repeat BEFORE batch: a batch may join the end of one epoch and the start of the next), "
        "batch(batch_size, drop_remainder=False) (the last partial batch kept) and prefetch (performance "
        "only), the TF1Dataset helper yields the same elements in the same order as NumPy arrays; "
        "`tfe.Iterator(d)` -> `iter(d)` (an iterator with `next()` / `get_next()`). Pipelines with "
        "other methods (shuffle: TF's RNG is not reproducible here, map, ...) or used otherwise "
        "(graph-mode make_one_shot_iterator) are left to TFM100.")
    ORDER = 40
    REQUIRES = ("TFM163",)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        d = self.ctx.analysis(EagerDatasets)
        if id(original) in d.sources:
            self.ctx.use_helper("TF1Dataset")
            self.ctx.count(self)
            return updated.with_changes(func=cst.parse_expression("TF1Dataset.from_tensor_slices"))
        if id(original) in d.iterators:
            self.ctx.count(self)
            return updated.with_changes(func=cst.Name("iter"))
        return updated

    VALID = [
        # graph mode: an initializable iterator is not an eager pipeline
        "import tensorflow as tf\nd = tf.data.Dataset.from_tensor_slices((x, y))\nd = d.repeat()\n"
        "it = d.make_initializable_iterator()\n",
        # shuffle: TF's shuffle order cannot be reproduced
        "import tensorflow as tf\ntfe = tf.contrib.eager\nd = tf.data.Dataset.from_tensor_slices(x)\n"
        "d = d.shuffle(10).batch(2)\nit = tfe.Iterator(d)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\ntfe = tf.contrib.eager\n"
             "dataset = tf.data.Dataset.from_tensor_slices((images, labels))\n"
             "dataset = dataset.repeat().batch(128).prefetch(128)\ndataset_iter = tfe.Iterator(dataset)\n"
             "d = dataset_iter.next()\n",
             "import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: TF1Dataset\n" + TF1_DATASET.code
             + "\n\ndataset = TF1Dataset.from_tensor_slices((images, labels))\n"
             "dataset = dataset.repeat().batch(128).prefetch(128)\ndataset_iter = iter(dataset)\n"
             "d = dataset_iter.next()\n"),
    ]
