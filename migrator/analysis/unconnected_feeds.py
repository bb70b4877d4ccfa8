"""Feeds of placeholders the loss never reads, and the unfed ones it needs (TFM202's analysis; TF1Program reads its rewiring of a feed_dict)."""
from __future__ import annotations
import libcst as cst
from ..analysis.flow import Flow, ScopeFlow, load_names
from ..emit import code
from ..analysis.siamese import qnames, walk


PLACEHOLDERS = ("tensorflow.placeholder", "tflearn.layers.core.input_data")
# a placeholder with a default never fails when unfed: TF1 silently trains on the default. It
# counts as an input the loss needs only when a fed-but-unconnected placeholder has its shape
DEFAULTED = ("tensorflow.placeholder_with_default",)


class _ScopeFeeds:
    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}     # fed-but-unconnected -> input the loss needs
        self.unfixed: list[str] = []
        self.dicts: set[int] = set()          # id(original feed_dict Dict nodes)
        self.report_at: cst.CSTNode | None = None
        self.message = ""


class Feeds:
    """``ctx.analysis(Feeds)``: per scope, the feed_dict keys that the trained loss does not
    depend on and the placeholders it depends on that nobody feeds."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        flow: Flow = ctx.analysis(Flow)
        self.scopes: list[_ScopeFeeds] = []
        self.by_dict: dict[int, _ScopeFeeds] = {}
        for scope in flow.scopes.values():
            self._scope(flow, scope)

    def _placeholder_defs(self, scope: ScopeFlow, kinds=PLACEHOLDERS) -> dict[str, object]:
        out = {}
        for d in scope.defs:
            if isinstance(d.value, cst.Call) and qnames(self.ctx, d.value) & set(kinds):
                out.setdefault(d.name, d)
        return out

    def _scope(self, flow: Flow, scope: ScopeFlow) -> None:
        phs = self._placeholder_defs(scope)
        if not phs:
            return
        minimize = []
        steps: set[str] = set()  # the loss and the names the train ops are bound to
        runs: list[tuple[cst.Call, cst.BaseExpression | None]] = []
        for stmt in scope.statements:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for n in walk(stmt):
                if not isinstance(n, cst.Call) or not isinstance(n.func, cst.Attribute):
                    continue
                if n.func.attr.value == "minimize" and n.args and isinstance(n.args[0].value, cst.Name):
                    minimize.append((n.args[0].value.value, scope.index_of[id(stmt)]))
                    steps.add(n.args[0].value.value)
                    steps.update(t.target.value for small in stmt.body if isinstance(small, cst.Assign)
                                 for t in small.targets if isinstance(t.target, cst.Name))
                if n.func.attr.value == "run":
                    fd = next((a.value for a in n.args if a.keyword is not None and a.keyword.value == "feed_dict"),
                              n.args[1].value if len(n.args) > 1 and n.args[1].keyword is None else None)
                    runs.append((n, fd))
        # only the runs that train or fetch the loss say what the loss is fed; a feed held in a name
        # (``feed = {...}`` + ``sess.run(step, feed)``) is not read here: which keys it has is not
        # known, so nothing is "never fed"
        all_runs = [(n, fd) for n, fd in runs if isinstance(fd, cst.Dict)]
        runs = [(n, fd) for n, fd in runs if n.args and load_names(n.args[0].value) & steps]
        if not minimize or not runs or any(not isinstance(fd, cst.Dict) for _, fd in runs):
            return
        defaulted = {k: v for k, v in self._placeholder_defs(scope, DEFAULTED).items() if k not in phs}
        needed: set[str] = set()
        values = []
        for loss, idx in minimize:
            for d in scope.reaching([loss], idx + 1):
                if d.name in phs or d.name in defaulted:
                    needed.add(d.name)
                values.append(d.value)
        # a placeholder a function of the file reads as a global (``tf.nn.dropout(h, keep)`` inside
        # the tower builder the loss's towers call) is read by the loss too
        needed.update(n for n in _global_reads(flow, values) if n in phs or n in defaulted)
        fed: list[str] = []
        for _, fd in runs:
            for el in fd.elements:
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.Name) and el.key.value not in fed:
                    fed.append(el.key.value)
        unconnected = [f for f in fed if f in phs and f not in needed]
        unfed = sorted((n for n in needed if n not in fed and n in phs), key=lambda n: phs[n].index)
        unfed_defaults = sorted((n for n in needed if n not in fed and n in defaulted),
                                key=lambda n: defaulted[n].index)
        if not unconnected or not (unfed or unfed_defaults):
            return
        sf = _ScopeFeeds()
        mapping: dict[str, str] = {}
        left = list(unfed)
        for f in unconnected:  # same shape/dtype text first
            hit = next((u for u in left if _shape_text(phs[u].value) == _shape_text(phs[f].value)
                        and _shape_text(phs[f].value) is not None), None)
            if hit is None:  # a defaulted placeholder: by shape only
                hit = next((u for u in unfed_defaults if _shape_text(defaulted[u].value) == _shape_text(phs[f].value)
                            and _shape_text(phs[f].value) is not None), None)
                if hit is not None:
                    mapping[f] = hit
                    unfed_defaults.remove(hit)
                    unfed.append(hit)  # named in the message
                    continue
            if hit is not None:
                mapping[f] = hit
                left.remove(hit)
        if not mapping and not left:
            return  # only defaulted placeholders, none of the fed ones' shape: TF1 uses the defaults
        rest = [f for f in unconnected if f not in mapping]
        if len(rest) == len(left):
            mapping.update(zip(rest, left))
        else:
            sf.unfixed = rest
        sf.mapping = mapping
        sf.report_at = runs[0][1]
        sf.message = (f"fed in feed_dict but not connected to the loss: {', '.join(unconnected)}; "
                      f"needed by the loss but never fed: {', '.join(unfed)}")
        for _, fd in all_runs:
            sf.dicts.add(id(fd))
            self.by_dict[id(fd)] = sf
        self.scopes.append(sf)


def _global_reads(flow: Flow, values) -> set[str]:
    """Names read by the bodies of the file's functions that ``values`` call, and of the functions
    those call in turn."""
    todo = [n for v in values if v is not None for n in load_names(v) if n in flow.functions]
    seen: set[str] = set()
    out: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        names = load_names(flow.functions[name].body)
        out |= names
        todo.extend(n for n in names if n in flow.functions)
    return out


def _shape_text(call: cst.Call) -> str | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == "shape":
            return code(a.value).strip()
    qn = [a for a in call.args if a.keyword is None]
    # tf.placeholder(dtype, shape) / input_data(shape)
    if len(qn) >= 2:
        return code(qn[1].value).strip()
    if len(qn) == 1 and not code(qn[0].value).strip().startswith(("tf.", "tensorflow.")):
        return code(qn[0].value).strip()
    return None
