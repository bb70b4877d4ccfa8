"""tf.data iterators an eager program steps through (TFM164's analysis; TFM163 asks)."""
from __future__ import annotations
import libcst as cst
from .. import cstcache
from ..translate.tf1_helpers import FROM_SLICES


_METHODS = {"repeat": 1, "batch": 2, "prefetch": 1}  # supported methods: most positional arguments


class EagerDatasets:
    """Module-level names bound to ``tf.data.Dataset.from_tensor_slices(x)`` whose every read is a
    rebinding through supported methods (``d = d.repeat().batch(b)``), ``tfe.Iterator(d)``,
    ``iter(d)`` or ``for ... in d``; and the iterator names over them."""

    def __init__(self, ctx) -> None:
        from ..analysis.eager import Eager

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
