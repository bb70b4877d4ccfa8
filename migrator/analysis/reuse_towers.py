"""tflearn towers built twice with reuse=True (TFM206's analysis; TFM205 asks)."""
from __future__ import annotations
import libcst as cst
from ..analysis.flow import Flow
from ..analysis.sharing import Sharing
from ..emit import code, literal
from ..translate.encoder import TowerCall, encoder_name, tower_calls
from ..analysis.siamese import qnames, walk


def _reuse_arg(call: cst.Call) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == "reuse"), None)


class ReuseTowers:
    """``ctx.analysis(ReuseTowers)``: tower builders whose tflearn layers take ``reuse=<param>``
    and that are called on several inputs, later calls with ``<param>=True`` (tflearn's way of
    sharing the variables of ``scope=...``)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        flow: Flow = ctx.analysis(Flow)
        sharing: Sharing = ctx.analysis(Sharing)
        self.strip: set[int] = set()                        # id(original reuse Arg) to drop
        self.by_call: dict[int, tuple[int, int]] = {}
        self.groups: list[list[TowerCall]] = []
        self.param: dict[int, str] = {}
        self.encoder: dict[int, str] = {}
        self.problem: dict[int, str] = {}
        taken = {n.value for n in walk(ctx.module) if isinstance(n, cst.Name)}
        scopes = [(ctx.module, ctx.module.body)] + [(s.node, s.node.body.body) for s in flow.scopes.values()
                                                    if isinstance(s.node, cst.FunctionDef)
                                                    and isinstance(s.node.body, cst.IndentedBlock)]
        for owner, body in scopes:
            tf1 = any(isinstance(n, cst.Call) and "tensorflow.placeholder" in qnames(ctx, n) for n in walk(owner)
                      if not isinstance(n, cst.FunctionDef) or n is owner)
            for fn_name, calls in tower_calls(body).items():
                fn = flow.functions.get(fn_name)
                if fn is None:
                    continue
                params = {p.name.value for p in fn.params.params}
                layer_args = []
                auto_args = []
                for n in walk(fn):
                    if isinstance(n, cst.Call) and any(q.startswith("tflearn.layers.") for q in qnames(ctx, n)):
                        a = _reuse_arg(n)
                        if a is not None and isinstance(a.value, cst.Name) and a.value.value in params:
                            layer_args.append(a)
                        elif a is not None and "tensorflow.AUTO_REUSE" in qnames(ctx, a.value):
                            auto_args.append(a)
                if auto_args and not layer_args:
                    # reuse=tf.AUTO_REUSE with scope=: every call after the first reuses the
                    # scoped variables. Sharing decides (it models AUTO_REUSE); when TF1 shares
                    # them all, TFM205 builds the encoder and the reuse= arguments go.
                    sg = sharing.group_of(calls[0].call)
                    if sg is not None and sg.verdict == "shared" and len(calls) > 1:
                        self.strip.update(id(a) for a in auto_args)
                    continue
                if not layer_args:
                    continue
                param = layer_args[0].value.value
                reused = [c for c in calls if any(a.keyword is not None and a.keyword.value == param
                                                  and literal(a.value, None) is True for a in c.call.args)]
                if not reused:
                    continue
                sg = sharing.group_of(calls[0].call)
                if sg is not None and sg.verdict != "shared":
                    continue  # TF1 does not share them (e.g. reuse=True without scope= raises): TFM201
                self.strip.update(id(a) for a in layer_args)
                if tf1:
                    continue  # a TF1 program: TFM205 builds the encoder
                g = len(self.groups)
                self.groups.append(calls)
                self.param[g] = param
                for i, c in enumerate(calls):
                    self.by_call[id(c.call)] = (g, i)
                extra = [[code(a) for a in c.call.args[1:] if not (a.keyword and a.keyword.value == param)]
                         for c in calls]
                if any(e != extra[0] for e in extra):
                    self.problem[g] = "the calls pass different arguments besides the input and reuse"
                name = encoder_name(ctx, taken)
                taken.add(name)
                self.encoder[g] = name
